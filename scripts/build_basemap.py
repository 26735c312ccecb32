"""Build the offline vector basemap drawn under the map: static/basemap/countries.geojson.

Source: Natural Earth 1:50m admin-0 countries (public domain), read from ../shared/naturalearth/.
Each country polygon is simplified (0.1 degree tolerance, topology kept per country) and its
coordinates rounded to 0.01 degree; the map fills them as land and strokes them as borders.
Runtime reads only the output file; this script is run by hand when the source changes:

    python scripts/build_basemap.py [path/to/ne_50m_admin_0_countries.geojson.gz]
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path

from shapely.geometry import mapping, shape

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SRC = ROOT.parent / "shared" / "naturalearth" / "ne_50m_admin_0_countries.geojson.gz"
OUT = ROOT / "static" / "basemap" / "countries.geojson"
TOLERANCE = 0.1


def _round(coords):
    if isinstance(coords[0], (int, float)):
        return [round(coords[0], 2), round(coords[1], 2)]
    return [_round(c) for c in coords]


def _iso_a2(props: dict) -> str:
    """ISO alpha-2 of a Natural Earth country; France and Norway carry ISO_A2 = -99 there, so
    their ADM0_A3 (ISO alpha-3) is looked up instead."""
    code = props.get("ISO_A2")
    if code and code != "-99":
        return code
    import pycountry
    c = pycountry.countries.get(alpha_3=props.get("ADM0_A3") or "")
    return c.alpha_2 if c else ""


def build(src: Path = DEFAULT_SRC, out: Path = OUT) -> dict:
    with gzip.open(src, "rt", encoding="utf-8") as fh:
        data = json.load(fh)
    features = []
    for feat in data["features"]:
        props = feat.get("properties") or {}
        geom = shape(feat["geometry"]).simplify(TOLERANCE, preserve_topology=True)
        if geom.is_empty:
            continue
        # Drop slivers that simplification left smaller than a few pixels at world scale.
        if geom.geom_type == "MultiPolygon":
            parts = [p for p in geom.geoms if p.area > 0.005]
            if not parts:
                parts = [max(geom.geoms, key=lambda p: p.area)]
            from shapely.geometry import MultiPolygon
            geom = MultiPolygon(parts)
        gj = mapping(geom)
        features.append({
            "type": "Feature",
            "properties": {
                "name": props.get("NAME") or props.get("ADMIN") or "",
                "iso_a2": _iso_a2(props),
            },
            "geometry": {"type": gj["type"], "coordinates": _round(json.loads(json.dumps(gj["coordinates"])))},
        })
    fc = {
        "type": "FeatureCollection",
        "name": "Natural Earth 1:50m admin-0 countries, simplified (public domain)",
        "features": features,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(fc, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")
    return fc


if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("src", nargs="?", type=Path, default=DEFAULT_SRC,
                    help="Natural Earth 1:50m admin-0 countries (.geojson.gz)")
    fc = build(ap.parse_args().src)
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.2f} MB, {len(fc['features'])} countries)")
