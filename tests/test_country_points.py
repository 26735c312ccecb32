"""Checks on gazetteer/data/curated/country_points.tsv (CIA World Factbook country reference points)."""
from __future__ import annotations

import csv
import gzip
import json
import math
from collections import Counter
from pathlib import Path

import pycountry
import pytest

REPO = Path(__file__).resolve().parents[1]
POINTS = REPO / "gazetteer" / "data" / "curated" / "country_points.tsv"
NATURALEARTH = Path(__file__).resolve().parents[1].parent / "shared" / "naturalearth"

HEADER = ["country_code", "name", "lat", "lon", "source"]
# GeoNames' and the EU's user-assigned code for Kosovo; not in ISO 3166-1, hence not in pycountry.
EXTRA_COUNTRY_CODES = {"XK"}
MAX_KM = 150.0
# Absent from every Natural Earth layer used here (no polygon, no admin-1 label point): Bouvet Island.
# Its point (54 26 S, 3 24 E) was checked by hand.
UNCHECKED = {"BV"}


def load() -> list[dict[str, str]]:
    with open(POINTS, encoding="utf-8", newline="") as f:
        lines = f.read().splitlines()
    start = 0
    while start < len(lines) and lines[start].startswith("#"):
        start += 1
    assert start > 0, "the file must begin with '#' comment lines giving the source"
    reader = csv.reader(lines[start:], delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader)
    assert header == HEADER
    rows = []
    for n, rec in enumerate(reader, start=start + 2):
        assert len(rec) == len(header), f"line {n}: {len(rec)} fields, expected {len(header)}: {rec}"
        rows.append(dict(zip(header, rec)))
    return rows


ROWS = load()


def test_header_and_comments():
    text = POINTS.read_text(encoding="utf-8")
    assert text.startswith("#")
    assert "CIA World Factbook" in text.split("\ncountry_code\t", 1)[0]
    assert '"' not in text


def test_row_count():
    assert len(ROWS) >= 240


def test_codes_valid_and_unique():
    codes = [r["country_code"] for r in ROWS]
    bad = [c for c in codes if c not in EXTRA_COUNTRY_CODES and pycountry.countries.get(alpha_2=c) is None]
    assert not bad, f"not ISO 3166-1 alpha-2: {bad}"
    dups = [c for c, n in Counter(codes).items() if n > 1]
    assert not dups, f"duplicate codes: {dups}"


def test_fields():
    for r in ROWS:
        assert r["name"].strip() == r["name"] and r["name"], r
        lat, lon = float(r["lat"]), float(r["lon"])
        assert -90.0 <= lat <= 90.0, r
        assert -180.0 <= lon <= 180.0, r
        assert r["source"] == "approximate centre" or r["source"].startswith(("CIA World Factbook", "GeoNames country feature")), r


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def polygons_by_code(filename: str) -> dict[str, list]:
    """ISO alpha-2 -> shapely geometries. ISO_A2 is -99 for France, Norway and a few
    others; those are mapped through ADM0_A3 as an alpha-3 code where pycountry knows it."""
    from shapely.geometry import shape

    with gzip.open(NATURALEARTH / filename, "rt", encoding="utf-8") as f:
        data = json.load(f)
    out: dict[str, list] = {}
    for feat in data["features"]:
        props = feat["properties"]
        code = props.get("ISO_A2")
        if not code or code == "-99":
            country = pycountry.countries.get(alpha_3=props.get("ADM0_A3", ""))
            code = country.alpha_2 if country else None
        if code and feat.get("geometry"):
            out.setdefault(code, []).append(shape(feat["geometry"]))
    return out


def label_points_by_code() -> dict[str, list[tuple[float, float]]]:
    """ISO alpha-2 -> (lat, lon) of its Natural Earth 1:10m admin-1 label points. They cover the small
    islands and atolls that the 1:50m polygons leave out (Kwajalein, the Tuamotus, Pitcairn Island,
    the Chagos, Tuvalu, Wake, Gibraltar), and each lies inside its admin-1 unit."""
    with gzip.open(NATURALEARTH / "ne_10m_admin_1_label_points.geojson.gz", "rt", encoding="utf-8") as f:
        data = json.load(f)
    out: dict[str, list[tuple[float, float]]] = {}
    for feat in data["features"]:
        code = feat["properties"].get("iso_a2")
        geom = feat.get("geometry")
        if code and code != "-99" and geom and geom.get("type") == "Point":
            lon, lat = geom["coordinates"][:2]
            out.setdefault(code, []).append((lat, lon))
    return out


def distance_km(lat: float, lon: float, geoms: list) -> float:
    """Upper bound of the great-circle distance from the point to the geometries: the nearest
    point in lon/lat space, measured with haversine; also tried across the antimeridian."""
    from shapely.geometry import Point
    from shapely.ops import nearest_points

    best = math.inf
    for geom in geoms:
        for shift in (0.0, 360.0, -360.0):
            pt = Point(lon + shift, lat)
            if shift == 0.0 and geom.covers(pt):
                return 0.0
            near = nearest_points(pt, geom)[1]
            best = min(best, haversine_km(lat, lon, near.y, near.x))
    return best


def test_points_near_natural_earth_polygons():
    if not NATURALEARTH.is_dir():
        pytest.skip(f"Natural Earth data absent: {NATURALEARTH}")
    countries = polygons_by_code("ne_50m_admin_0_countries.geojson.gz")
    # Territories that admin_0_countries folds into another country (GF, GP, MQ, RE, YT in France;
    # SJ in Norway; BQ; CC and CX; TK) have their own polygon in admin_0_map_units.
    map_units = polygons_by_code("ne_50m_admin_0_map_units.geojson.gz")
    labels = label_points_by_code()
    far, unchecked = [], set()
    for r in ROWS:
        code = r["country_code"]
        lat, lon = float(r["lat"]), float(r["lon"])
        geoms = countries.get(code) or map_units.get(code)
        if not geoms and not labels.get(code):
            unchecked.add(code)
            continue
        d = distance_km(lat, lon, geoms) if geoms else math.inf
        for plat, plon in labels.get(code, ()):
            d = min(d, haversine_km(lat, lon, plat, plon))
        if d > MAX_KM:
            far.append(f"{code} {r['name']} ({r['lat']}, {r['lon']}): {d:.0f} km from its country")
    assert not far, "points far from their country:\n" + "\n".join(far)
    assert unchecked == UNCHECKED, f"codes that Natural Earth does not cover changed: {sorted(unchecked)}"
