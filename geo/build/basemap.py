"""Build the offline basemap drawn under the map, from Natural Earth (public domain).

    python -m geo.build.basemap [--src ../shared/naturalearth] [--maxzoom 7]

Writes, under static/basemap/:

- ``basemap.pmtiles``: Mapbox vector tiles (MVT) of the whole world, data zooms 0 to ``--maxzoom``,
  in one PMTiles archive that the browser reads with HTTP Range requests (drawn by
  protomaps-leaflet, ``static/basemap/basemap.js``). Data tiles are 512 CSS pixels wide (the
  viewer shows data zoom d at map zoom d + 1, and the last data zoom, over-zoomed, above it).
  Layers:
    ``land``      polygons, Natural Earth 1:10m land, simplified for each zoom (half a pixel) and
                  without islands smaller than a pixel: coarse when zoomed out, the full 1:10m
                  coastline at the last zoom;
    ``islets``    lines, 1:10m minor islands' coastlines (from map zoom 6);
    ``boundary``  lines, 1:10m land boundaries, ``kind`` "disputed" for disputed, indefinite and
                  line-of-control sections, else "country";
    ``maritime``  lines, 1:10m maritime boundary indicators (from map zoom 5);
    ``ocean``, ``marine``, ``country``, ``place``, ``admin1``: label points with ``name``,
                  ``minz`` (first map zoom the label is for), ``maxz`` (last; 0 = none) and ``r``
                  (rank: lower is more important, drawn first); ``place`` also has ``cap``
                  (2 national capital, 1 division capital, 0 other). Sources: 1:10m marine
                  polygons (seas, gulfs, straits, oceans; point inside each polygon, the
                  alternative name in parentheses: "Sea of Japan (East Sea)"), 1:50m admin-0
                  countries (point inside the largest part), 1:10m populated places, 1:10m admin-1
                  label points (one per division, on its main part).
  A tile holds the labels whose ``minz`` is at most the map zoom it is drawn at; the last data
  zoom holds them all. The viewer filters by zoom and avoids collisions.
- ``basemap-lite.json``: the same tiles for data zooms 0 to 3 only (gzipped MVT, base64, keyed
  "z/x/y"), with the labels of map zooms up to 6: the basemap inlined into a self-contained map
  (``geo.mapview.build_map`` without ``static_url``).
- ``countries.geojson``: 1:50m admin-0 countries simplified to 0.1 degree, with ``name`` and
  ``iso_a2``: the outlines the map draws for a country an article names (not the basemap).

Runtime reads only these files; this script is run by hand when the sources change (about a
minute and a half on two cores). Its output is deterministic.
"""
from __future__ import annotations

import argparse
import base64
import gzip
import json
import math
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import mapbox_vector_tile
import numpy as np
import shapely
from mapbox_vector_tile.encoder import on_invalid_geometry_make_valid
from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import Writer
from shapely.geometry import MultiPolygon, mapping, shape
from shapely.ops import polylabel

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SRC = ROOT.parent / "shared" / "naturalearth"
OUT_DIR = ROOT / "static" / "basemap"
PMTILES = "basemap.pmtiles"
LITE = "basemap-lite.json"
COUNTRIES = "countries.geojson"

R = 6378137.0
HALF = math.pi * R                      # half the width of the Web Mercator world, metres
MAXLAT = 85.0511287798
EXTENT = 4096                           # MVT units across a tile
TILE_PX = 512                           # CSS pixels a data tile covers (protomaps-leaflet levelDiff 1)
BUFFER_PX = 4                           # geometry kept beyond a tile's edge, so strokes join up
SIMPLIFY_PX = 0.5                       # Douglas-Peucker tolerance, in pixels of the zoom shown
MIN_AREA_PX = 1.0                       # polygons smaller than this (square pixels) are dropped
MAXZOOM = 7
LITE_MAXZOOM = 3
LITE_LABEL_MAXZ = 6                     # the lite tiles' labels: those of map zooms up to 6
LITE_GEOM_MAXZ = LITE_MAXZOOM + 1       # and lines of the zooms they are made for (no islets)

DISPUTED = ("Disputed", "Indefinite", "Line of control", "Indeterminant")


# ---------------------------------------------------------------------------------------------
# Reading and projecting


def _load(src: Path, name: str) -> list[dict]:
    with gzip.open(src / f"{name}.geojson.gz", "rt", encoding="utf-8") as fh:
        return json.load(fh)["features"]


def _merc(coords: np.ndarray) -> np.ndarray:
    lon = coords[:, 0]
    lat = np.clip(coords[:, 1], -MAXLAT, MAXLAT)
    x = np.radians(lon) * R
    y = R * np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))
    return np.column_stack([x, y])


def to_merc(geom):
    return shapely.transform(geom, _merc)


def merc_point(lon: float, lat: float) -> tuple[float, float]:
    x, y = _merc(np.array([[lon, lat]], dtype=float))[0]
    return float(x), float(y)


def _parts(geom) -> list:
    """The simple parts of a geometry (polygons or lines), empty ones dropped."""
    if geom is None or geom.is_empty:
        return []
    if hasattr(geom, "geoms"):
        out = []
        for g in geom.geoms:
            out.extend(_parts(g))
        return out
    return [geom]


def px_m(display_zoom: float) -> float:
    """Metres of Web Mercator in one CSS pixel at a map zoom (256-pixel tiles)."""
    return 2 * HALF / (256 * 2 ** display_zoom)


# ---------------------------------------------------------------------------------------------
# Sources → layers (geometries in Web Mercator)


def read_sources(src: Path) -> dict:
    """Every layer's features in Web Mercator: {"polys"/"lines": {layer: [(geom, props, minz)]},
    "points": {layer: [(x, y, props)]}}; ``minz`` is the first map zoom a geometry is drawn at."""
    world = shapely.box(-180, -MAXLAT, 180, MAXLAT)

    land = []
    for f in _load(src, "ne_10m_land"):
        minz = f["properties"].get("min_zoom") or 0
        if minz > 20:  # a sliver at 0,0 that Natural Earth ships with min_zoom 100
            continue
        g = shapely.make_valid(shape(f["geometry"])).intersection(world)
        for part in _parts(g):
            if part.geom_type == "Polygon":
                land.append((to_merc(part), {}, int(minz)))

    # Natural Earth cuts borders into short sections: joined into long lines (fewer, smaller
    # features, simplified as a whole) by kind and first zoom
    groups: dict[tuple[str, int], list] = {}
    for f in _load(src, "ne_10m_admin_0_boundary_lines_land"):
        p = f["properties"]
        cla = p.get("featurecla") or ""
        if "limit" in cla.lower():  # lease and overlay limits are not borders
            continue
        kind = "disputed" if cla.startswith(DISPUTED) else "country"
        groups.setdefault((kind, _int(p.get("min_zoom"), 0)), []).extend(_parts(shape(f["geometry"])))
    boundary = []
    for (kind, minz), lines in sorted(groups.items()):
        merged = shapely.line_merge(shapely.MultiLineString(lines))
        for part in _parts(merged):
            boundary.append((to_merc(part), {"kind": kind}, minz))

    maritime = []
    for f in _load(src, "ne_10m_admin_0_boundary_lines_maritime_indicator"):
        for part in _parts(shape(f["geometry"])):
            maritime.append((to_merc(part), {}, 5))

    islets = []
    for f in _load(src, "ne_10m_minor_islands_coastline"):
        for part in _parts(shape(f["geometry"])):
            islets.append((to_merc(part), {}, 6))

    return {
        "polys": {"land": land},
        "lines": {"boundary": boundary, "maritime": maritime, "islets": islets},
        "points": {
            "ocean": [], "marine": [], **read_marine(src),
            "country": read_countries(src),
            "place": read_places(src),
            "admin1": read_admin1(src),
        },
    }


def _label_point(geom) -> tuple[float, float]:
    """A point well inside the largest part of a (Web Mercator) polygon: the pole of
    inaccessibility, where a label centred on it sits best."""
    parts = [p for p in _parts(geom) if p.geom_type == "Polygon"]
    biggest = max(parts, key=lambda p: p.area)
    tol = max(1000.0, math.sqrt(biggest.area) / 200)
    pt = polylabel(biggest, tolerance=tol)
    return pt.x, pt.y


def _int(value, default: int) -> int:
    """An integer field of Natural Earth; ``default`` when it is missing (0 is a value)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _minz(value, default: int, shift: int = 0, floor: int = 1) -> int:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return default
    return max(floor, math.ceil(v) + shift)


def read_marine(src: Path) -> dict:
    oceans, marine = [], []
    for f in _load(src, "ne_10m_geography_marine_polys"):
        p = f["properties"]
        name = (p.get("name") or "").strip()
        if not name or not f.get("geometry"):
            continue
        cla = p.get("featurecla") or ""
        alt = (p.get("namealt") or "").strip()
        g = to_merc(shapely.make_valid(shape(f["geometry"])))
        x, y = _label_point(g)
        if cla == "ocean":
            oceans.append((x, y, {"name": name.upper(), "minz": 1, "maxz": 0,
                                  "r": _int(p.get("scalerank"), 0)}))
            continue
        if alt and cla in ("sea", "gulf"):  # the contested names: "Sea of Japan (East Sea)"
            name = f"{name} ({alt})"
        marine.append((x, y, {
            "name": name,
            "minz": _minz(p.get("min_label"), 6, shift=-1, floor=2),
            "maxz": _minz(p.get("max_label"), 0, shift=1, floor=0),
            "r": _int(p.get("scalerank"), 9),
        }))
    return {"ocean": oceans, "marine": marine}


def read_countries(src: Path) -> list:
    out = []
    for f in _load(src, "ne_50m_admin_0_countries"):
        p = f["properties"]
        name = p.get("NAME") or p.get("ADMIN")
        if not name or not f.get("geometry"):
            continue
        g = to_merc(shapely.make_valid(shape(f["geometry"])).intersection(shapely.box(-180, -MAXLAT, 180, MAXLAT)))
        if g.is_empty:
            continue
        x, y = _label_point(g)
        # Natural Earth's MIN_LABEL a zoom earlier for the large and middle-sized countries
        # (Japan 1.7 from zoom 1), as it is for the small ones (Monaco, Jersey 5.0 from zoom 5)
        min_label = float(p.get("MIN_LABEL") or 5)
        out.append((x, y, {
            "name": name,
            "minz": _minz(min_label, 5, shift=-1 if min_label < 4 else 0, floor=1),
            "maxz": _minz(p.get("MAX_LABEL"), 0, shift=1, floor=0),
            "r": _int(p.get("LABELRANK"), 9),
        }))
    return out


def read_places(src: Path) -> list:
    out = []
    for f in _load(src, "ne_10m_populated_places"):
        p = f["properties"]
        cla = p.get("FEATURECLA") or ""
        if cla in ("Scientific station", "Meteorological Station", "Historic place"):
            continue
        name = p.get("NAME") or p.get("NAME_EN")
        if not name:
            continue
        lon, lat = f["geometry"]["coordinates"][:2]
        x, y = merc_point(lon, lat)
        national = cla.startswith("Admin-0 capital") and cla != "Admin-0 capital alt" or p.get("ADM0CAP") == 1
        cap = 2 if national else (1 if cla.startswith(("Admin-1", "Admin-0")) else 0)
        # Natural Earth's min_zoom rounded to the nearest zoom: Seoul (3.0) from zoom 3, Busan
        # (5.6) from 6, towns of 6.7 and 7.0 from 7
        mz = p.get("min_zoom")
        minz = _minz(float(mz) - 0.5 if mz is not None else None, 8, floor=2)
        if cap == 2:
            minz = min(minz, 4)
        pop = max(0, _int(p.get("POP_MAX"), 0))
        # rank: scale rank first, then population (bigger first), capitals ahead of their peers
        r = _int(p.get("SCALERANK"), 10) * 100 - min(99, int(math.log10(pop + 1) * 9)) - 20 * (cap == 2)
        out.append((x, y, {"name": name, "minz": minz, "maxz": 0, "r": r, "cap": cap}))
    return out


def read_admin1(src: Path) -> list:
    best: dict[str, tuple] = {}
    for f in _load(src, "ne_10m_admin_1_label_points"):
        p = f["properties"]
        if p.get("featurecla") != "Admin-1 scale rank" or not p.get("name"):
            continue
        code = p.get("adm1_code") or p["name"]
        key = (_int(p.get("adm0_sr"), 9), _int(p.get("OBJECTID_1"), 0))  # 1: the main part
        if code not in best or key < best[code][0]:
            best[code] = (key, f)
    out = []
    for code in sorted(best):
        f = best[code][1]
        p = f["properties"]
        sr = _int(p.get("scalerank"), 10)
        lon, lat = f["geometry"]["coordinates"][:2]
        x, y = merc_point(lon, lat)
        out.append((x, y, {"name": p["name"], "minz": 5 if sr <= 3 else (7 if sr <= 6 else 8),
                           "maxz": 0, "r": sr}))
    return out


# ---------------------------------------------------------------------------------------------
# Tiling


def tile_bounds(z: int, x: int, y: int, buffer_px: float = 0.0) -> tuple[float, float, float, float]:
    size = 2 * HALF / 2 ** z
    b = size * buffer_px / TILE_PX
    minx = -HALF + x * size
    maxy = HALF - y * size
    return minx - b, maxy - size - b, minx + size + b, maxy + b


def _simplified(items: list, d: int, polygons: bool, last: bool, geom_maxz: int | None) -> tuple[np.ndarray, list]:
    """The geometries drawn at data zoom ``d`` (map zoom d+1), simplified for it. The last data
    zoom (``last``) also serves the zooms above it: it holds the geometries of map zooms up to
    ``geom_maxz`` (None: all)."""
    zoom = d + 1
    limit = (geom_maxz if geom_maxz is not None else 99) if last else zoom
    tol = px_m(zoom) * SIMPLIFY_PX
    min_area = (px_m(zoom) ** 2) * MIN_AREA_PX
    geoms, props = [], []
    for g, pr, minz in items:
        if minz > limit:
            continue
        if (polygons and g.area < min_area) or (not polygons and g.length < px_m(zoom)):
            continue
        s = shapely.simplify(g, tol, preserve_topology=True)
        if s.is_empty or (polygons and s.area < min_area):
            continue
        geoms.append(s)
        props.append(pr)
    return np.array(geoms, dtype=object), props


def _clip_pyramid(geoms: np.ndarray, idx: np.ndarray, z: int, x: int, y: int, d: int, out: dict) -> None:
    """Clip ``geoms`` down the quadtree from tile z/x/y to data zoom ``d``; ``out[(x, y)]`` gets
    (indices, clipped geometries) of every tile at zoom d that anything touches."""
    if len(geoms) == 0:
        return
    if z == d:
        out[(x, y)] = (idx, geoms)
        return
    for dx in (0, 1):
        for dy in (0, 1):
            cx, cy, cz = 2 * x + dx, 2 * y + dy, z + 1
            bx0, by0, bx1, by1 = tile_bounds(cz, cx, cy, BUFFER_PX)
            bounds = shapely.bounds(geoms)
            hit = (bounds[:, 0] <= bx1) & (bounds[:, 2] >= bx0) & (bounds[:, 1] <= by1) & (bounds[:, 3] >= by0)
            if not hit.any():
                continue
            sub = geoms[hit]
            sb = bounds[hit]
            inside = (sb[:, 0] >= bx0) & (sb[:, 2] <= bx1) & (sb[:, 1] >= by0) & (sb[:, 3] <= by1)
            clipped = sub.copy()
            if (~inside).any():
                clipped[~inside] = shapely.clip_by_rect(sub[~inside], bx0, by0, bx1, by1)
            keep = ~shapely.is_empty(clipped)
            _clip_pyramid(clipped[keep], idx[hit][keep], cz, cx, cy, d, out)


def _to_tile(geom, z: int, x: int, y: int):
    minx, miny, maxx, maxy = tile_bounds(z, x, y)
    scale = EXTENT / (maxx - minx)

    def tr(c):
        out = np.empty_like(c)
        out[:, 0] = np.round((c[:, 0] - minx) * scale)
        out[:, 1] = np.round((maxy - c[:, 1]) * scale)
        return out

    return shapely.transform(geom, tr)


def _polygonal(g):
    parts = [p for p in _parts(g) if p.geom_type == "Polygon" and p.area > 0]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def _linear(g):
    parts = [p for p in _parts(g) if p.geom_type == "LineString" and p.length > 0]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else shapely.MultiLineString(parts)


def _encode(args) -> tuple[int, int, int, bytes]:
    z, x, y, layers = args
    mvt_layers = []
    for name, feats in layers:
        features = []
        for geom, props in feats:
            if isinstance(geom, tuple):
                g = shapely.Point(*geom)
            else:
                g = _to_tile(geom, z, x, y)
                if name == "land":
                    g = _polygonal(g)
                    if g is not None and not g.is_valid:
                        g = _polygonal(shapely.make_valid(g))
                    if g is None:
                        continue
                else:
                    g = _linear(g)
                    if g is None:
                        continue
            features.append({"geometry": g, "properties": props})
        if features:
            mvt_layers.append({"name": name, "features": features})
    if not mvt_layers:
        return z, x, y, b""
    data = mapbox_vector_tile.encode(mvt_layers, default_options={
        "extents": EXTENT, "y_coord_down": True, "on_invalid_geometry": on_invalid_geometry_make_valid})
    return z, x, y, data


def build_tiles(layers: dict, maxzoom: int, label_maxz: int | None = None, geom_maxz: int | None = None,
                workers: int = 0) -> dict:
    """{(z, x, y): MVT bytes} for data zooms 0..maxzoom. The last zoom holds the labels of map
    zooms up to ``label_maxz`` and the geometries of map zooms up to ``geom_maxz`` (None: all)."""
    tiles: dict = {}
    order = ["land", "islets", "boundary", "maritime", "ocean", "marine", "country", "place", "admin1"]
    with ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        for d in range(maxzoom + 1):
            t0 = time.monotonic()
            per_tile: dict = {}
            for kind in ("polys", "lines"):
                for name, items in layers[kind].items():
                    geoms, props = _simplified(items, d, polygons=(kind == "polys"), last=(d == maxzoom),
                                                geom_maxz=geom_maxz)
                    out: dict = {}
                    _clip_pyramid(geoms, np.arange(len(geoms)), 0, 0, 0, d, out)
                    for key, (idx, clipped) in out.items():
                        per_tile.setdefault(key, {})[name] = [(g, props[i]) for i, g in zip(idx, clipped)]
            size = 2 * HALF / 2 ** d
            zoom = d + 1
            for name, items in layers["points"].items():
                for x, y, props in items:
                    if d == maxzoom:
                        if label_maxz is not None and props["minz"] > label_maxz:
                            continue
                    elif props["minz"] > zoom:
                        continue
                    if props.get("maxz") and props["maxz"] < zoom:
                        continue
                    tx = min(2 ** d - 1, int((x + HALF) // size))
                    ty = min(2 ** d - 1, int((HALF - y) // size))
                    minx, _, _, maxy = tile_bounds(d, tx, ty)
                    px = round((x - minx) / size * EXTENT)
                    py = round((maxy - y) / size * EXTENT)
                    per_tile.setdefault((tx, ty), {}).setdefault(name, []).append(((px, py), props))
            jobs = []
            for (x, y) in sorted(per_tile):
                ls = per_tile[(x, y)]
                jobs.append((d, x, y, [(n, ls[n]) for n in order if n in ls]))
            n_bytes = 0
            for z, x, y, data in pool.map(_encode, jobs, chunksize=16):
                if data:
                    tiles[(z, x, y)] = data
                    n_bytes += len(data)
            print(f"  zoom {d}: {len(jobs)} tiles, {n_bytes / 1e6:.2f} MB raw MVT, {time.monotonic() - t0:.1f} s",
                  flush=True)
    return tiles


def write_pmtiles(tiles: dict, path: Path, maxzoom: int) -> None:
    entries = sorted((zxy_to_tileid(z, x, y), gzip.compress(data, mtime=0)) for (z, x, y), data in tiles.items())
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as fh:
        writer = Writer(fh)
        for tileid, data in entries:
            writer.write_tile(tileid, data)
        writer.finalize(
            {
                "tile_type": TileType.MVT,
                "tile_compression": Compression.GZIP,
                "min_zoom": 0, "max_zoom": maxzoom,
                "min_lon_e7": -1800000000, "min_lat_e7": -850511287,
                "max_lon_e7": 1800000000, "max_lat_e7": 850511287,
                "center_zoom": 1, "center_lon_e7": 0, "center_lat_e7": 200000000,
            },
            {
                "name": "newsmap basemap",
                "attribution": "Made with Natural Earth",
                "description": "Natural Earth (public domain) land, boundaries and labels; "
                               "built by python -m geo.build.basemap",
                "vector_layers": [{"id": n, "fields": {}} for n in
                                  ("land", "islets", "boundary", "maritime", "ocean", "marine", "country",
                                   "place", "admin1")],
            },
        )
    tmp.replace(path)


def write_lite(tiles: dict, path: Path, maxzoom: int) -> None:
    doc = {
        "maxzoom": maxzoom,
        "attribution": "Made with Natural Earth",
        "tiles": {f"{z}/{x}/{y}": base64.b64encode(gzip.compress(data, mtime=0)).decode("ascii")
                  for (z, x, y), data in sorted(tiles.items())},
    }
    path.write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Country outlines (for the countries an article names; not part of the basemap)


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


def write_countries(src: Path, out: Path) -> int:
    features = []
    for feat in _load(src, "ne_50m_admin_0_countries"):
        props = feat.get("properties") or {}
        geom = shape(feat["geometry"]).simplify(0.1, preserve_topology=True)
        if geom.is_empty:
            continue
        if geom.geom_type == "MultiPolygon":  # drop slivers a few pixels wide at world scale
            parts = [p for p in geom.geoms if p.area > 0.005] or [max(geom.geoms, key=lambda p: p.area)]
            geom = MultiPolygon(parts)
        gj = mapping(geom)
        features.append({
            "type": "Feature",
            "properties": {"name": props.get("NAME") or props.get("ADMIN") or "", "iso_a2": _iso_a2(props)},
            "geometry": {"type": gj["type"], "coordinates": _round(json.loads(json.dumps(gj["coordinates"])))},
        })
    fc = {"type": "FeatureCollection",
          "name": "Natural Earth 1:50m admin-0 countries, simplified (public domain)", "features": features}
    out.write_text(json.dumps(fc, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")
    return len(features)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--src", type=Path, default=DEFAULT_SRC, help="folder of Natural Earth .geojson.gz files")
    ap.add_argument("--out", type=Path, default=OUT_DIR)
    ap.add_argument("--maxzoom", type=int, default=MAXZOOM, help="last data zoom of the PMTiles archive")
    ap.add_argument("--workers", type=int, default=0, help="processes encoding tiles (default: every core)")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    layers = read_sources(args.src)
    print(f"read sources in {time.monotonic() - t0:.1f} s: "
          + ", ".join(f"{n} {len(v)}" for k in layers.values() for n, v in k.items()), flush=True)

    print("lite tiles (inlined into self-contained maps):", flush=True)
    lite = build_tiles(layers, LITE_MAXZOOM, label_maxz=LITE_LABEL_MAXZ, geom_maxz=LITE_GEOM_MAXZ,
                       workers=args.workers)
    write_lite(lite, args.out / LITE, LITE_MAXZOOM)
    print("tiles:", flush=True)
    tiles = build_tiles(layers, args.maxzoom, workers=args.workers)
    write_pmtiles(tiles, args.out / PMTILES, args.maxzoom)
    n = write_countries(args.src, args.out / COUNTRIES)
    for name in (PMTILES, LITE, COUNTRIES):
        print(f"wrote {args.out / name} ({(args.out / name).stat().st_size / 1e6:.2f} MB)")
    print(f"{len(tiles)} tiles, {n} country outlines, {time.monotonic() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
