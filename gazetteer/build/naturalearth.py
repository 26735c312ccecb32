"""Natural Earth's named physical and maritime features: seas, gulfs, straits and bays (marine
polygons), regions (polygons: ranges, deserts, basins, peninsulas, island groups…), and named
points (capes, islands, peaks). Each is a place with a representative point; polygons keep a
simplified shape."""
from __future__ import annotations

import re
from pathlib import Path

from gazetteer.build.common import Builder, load_geojson, progress
from gazetteer.format import PRIMARY
from gazetteer.model import ADMIN1, ADMIN2, FEATURE_TYPES, REGION, WATER
from gazetteer.normalize import name_key

MARINE_TYPES = frozenset({"sea", "gulf", "bay", "strait", "sound", "channel", "lagoon", "fjord", "ocean",
                          "inlet", "reef", "river", "generic"})
_ABBREVIATED = re.compile(r"\s+(I\.|Is\.|Mts\.|Pen\.)$")


def nice(name: str) -> str:
    """One line, single-spaced; names in capitals in title case ("SEA OF JAPAN" -> "Sea of Japan")."""
    name = re.sub(r"\s+", " ", name.replace("\r", " ").replace("\n", " ")).strip()
    return name.title().replace(" Of ", " of ").replace(" The ", " the ") if name.isupper() else name


def add_feature(b: Builder, name: str, geom_or_point, ftype: str, featurecla: str, common: set[str] | None = None) -> int:
    from shapely import simplify
    from shapely.geometry import mapping
    name = nice(name)
    if geom_or_point.geom_type == "Point":
        pt = geom_or_point
        shp = None
    else:
        pt = geom_or_point.representative_point()
        shp = simplify(geom_or_point, 0.02, preserve_topology=True)
    pid = b.add_place(name, pt.y, pt.x, ftype, "", "", 0, None, "naturalearth",
                      importance=0.6 if featurecla in ("ocean", "sea", "Continent") else 0.3)
    b.add_name(name, pid, PRIMARY)
    stripped = _ABBREVIATED.sub("", name)
    if stripped != name:
        b.add_name(stripped, pid)
    if "." in name:
        b.add_name(name.replace(" I.", " Island").replace(" Is.", " Islands")
                   .replace(" Mts.", " Mountains").replace(" Pen.", " Peninsula")
                   .replace("Mt.", "Mount"), pid)
    local = _LOCAL_MOUNT.match(name) if featurecla == "mountain" else None
    if local is not None:              # "Gunung Merapi", "Monte Etna": the news says "Mount Merapi"
        rest = name[local.end():]
        b.add_name(f"Mount {rest}", pid)
        b.add_name(f"Mt. {rest}", pid)
        # …and "the Popocatépetl volcano", "Merapi erupted": the bare name, where it is one word that
        # names nothing else and is no English word ("Monte Rosa" stays whole)
        if common is not None and " " not in rest and len(rest) >= 5 and name_key(rest) not in b.postings \
                and rest.lower() not in common:
            b.add_name(rest, pid)
    if shp is not None and not shp.is_empty:
        b.shapes[pid] = mapping(shp)
    return pid


# the word for "mountain" in the names of Natural Earth's peaks and volcanoes
_LOCAL_MOUNT = re.compile(r"(?:Gunung|Monte|Mont|Volcán|Vulkan|Gora|Pico|Pic|Cerro|Nevado|Jabal|Jebel|Kuh-e|Pik)\s+(?=\S)")


def add_features(b: Builder, ne_dir: Path) -> None:
    from shapely.geometry import shape

    from gazetteer.build.lexicon import common_words
    progress("natural earth features")
    for f in load_geojson(ne_dir / "ne_10m_geography_marine_polys.geojson.gz"):
        p = f["properties"]
        if p.get("name") and p.get("featurecla") in MARINE_TYPES:
            add_feature(b, p["name"], shape(f["geometry"]), WATER, p["featurecla"])
    for f in load_geojson(ne_dir / "ne_10m_geography_regions_polys.geojson.gz"):
        p = f["properties"]
        if p.get("name") and p.get("featurecla") not in ("Continent", "Dragons-be-here"):
            add_feature(b, p["name"], shape(f["geometry"]), REGION, p["featurecla"])
    common = common_words()
    for layer in ("ne_10m_geography_regions_points", "ne_10m_geography_regions_elevation_points"):
        for f in load_geojson(ne_dir / f"{layer}.geojson.gz"):
            p = f["properties"]
            if p.get("name") and p.get("featurecla") not in ("spot elevation",):
                add_feature(b, p["name"], shape(f["geometry"]), REGION, p["featurecla"], common)


def add_division_labels(b: Builder, ne_dir: Path, common: set[str]) -> int:
    """Natural Earth's first-level divisions that the bundled divisions lack under that name in that
    country (England's counties and London's boroughs, Northern Ireland's districts, Indonesia's
    regencies…), as second-level divisions at their label points. Names that are common English
    words ("Down", "Central") are left out."""
    division_types = {FEATURE_TYPES.index(ADMIN1), FEATURE_TYPES.index(ADMIN2)}

    def known(cc: str, key: str) -> bool:
        return any(b.rows[pid][4] in division_types and b.rows[pid][5] == cc.encode()
                   for pid in b.postings.get(key, ()))
    seen, n = set(), 0
    for f in load_geojson(ne_dir / "ne_10m_admin_1_label_points.geojson.gz"):
        p = f["properties"]
        name, cc = nice(p.get("name") or ""), p.get("iso_a2") or ""
        key = name_key(name)
        if len(cc) != 2 or not cc.isalpha() or cc == "AQ" or len(key) < 4 or key in common \
                or (cc, key) in seen or known(cc, key):
            continue
        seen.add((cc, key))
        lon, lat = f["geometry"]["coordinates"]
        pid = b.add_place(name, lat, lon, ADMIN2, cc, "", 0, None, "naturalearth", importance=0.4)
        b.add_name(name, pid, PRIMARY)
        n += 1
    progress(f"{n} divisions from Natural Earth's label points")
    return n
