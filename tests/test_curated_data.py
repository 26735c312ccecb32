"""Checks on the hand-curated gazetteer tables in gazetteer/data/curated/."""
from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pycountry
import pytest

CURATED = Path(__file__).resolve().parents[1] / "gazetteer" / "data" / "curated"

# GeoNames' and the EU's user-assigned code for Kosovo; not in ISO 3166-1, hence not in pycountry.
EXTRA_COUNTRY_CODES = {"XK"}
FEATURE_TYPES = {"zone", "region", "water", "city", "admin1", "site"}
KINDS = {"adjective", "demonym_singular", "demonym_plural"}


def load(name: str) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a curated TSV, skipping the leading '#' comment lines."""
    with open(CURATED / name, encoding="utf-8", newline="") as f:
        lines = f.read().splitlines()
    start = 0
    while start < len(lines) and lines[start].startswith("#"):
        start += 1
    body = lines[start:]
    reader = csv.reader(body, delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader)
    assert not any('"' in ln for ln in body), f"{name}: a double quote would be read differently by csv's default dialect"
    rows = []
    for n, rec in enumerate(reader, start=2):
        assert len(rec) == len(header), f"{name} record {n}: {len(rec)} fields, expected {len(header)}: {rec}"
        rows.append(dict(zip(header, rec)))
    return header, rows


def is_country(code: str) -> bool:
    return code in EXTRA_COUNTRY_CODES or pycountry.countries.get(alpha_2=code) is not None


def is_code(code: str) -> bool:
    """ISO 3166-1 alpha-2 (plus XK), an ISO 3166-2 subdivision such as US-TX or CA-BC,
    or a continent or union named in the gazetteer ("continent:Europe")."""
    if code.startswith("continent:"):
        return code.split(":", 1)[1] in {"Europe", "Africa", "Asia", "North America", "South America",
                                         "Oceania", "Antarctica", "European Union"}
    if "-" in code:
        return pycountry.subdivisions.get(code=code) is not None
    return len(code) == 2 and is_country(code)


@pytest.fixture(scope="module")
def demonyms():
    return load("demonyms.tsv")


@pytest.fixture(scope="module")
def short_forms():
    return load("short_forms.tsv")


@pytest.fixture(scope="module")
def places():
    return load("places.tsv")


# ---------------------------------------------------------------- demonyms.tsv

def test_demonyms_header(demonyms):
    assert demonyms[0] == ["country_code", "form", "kind", "ambiguous"]


def test_demonyms_fields(demonyms):
    for r in demonyms[1]:
        assert is_code(r["country_code"]), r
        assert r["kind"] in KINDS, r
        assert r["ambiguous"] in {"0", "1"}, r
        assert r["form"] and r["form"] == r["form"].strip(), r


def test_demonyms_no_duplicates(demonyms):
    dup = [k for k, n in Counter((r["form"], r["country_code"]) for r in demonyms[1]).items() if n > 1]
    assert not dup


def test_demonyms_cover_most_countries(demonyms):
    countries = {r["country_code"] for r in demonyms[1] if "-" not in r["country_code"]}
    assert len(countries) >= 190
    # Every ISO 3166-1 entry is covered except uninhabited territories and those with no usual English form.
    no_form = {"AQ", "BV", "GS", "HM", "IO", "TF", "UM", "SJ", "JE", "GG", "BL", "MF"}
    missing = {c.alpha_2 for c in pycountry.countries} - no_form - countries
    assert not missing


def test_demonyms_key_forms(demonyms):
    have = {(r["country_code"], r["form"]) for r in demonyms[1]}
    for key in [("JP", "Japanese"), ("KP", "North Korean"), ("KP", "North Koreans"),
                ("KR", "South Korean"), ("KR", "South Koreans"), ("US", "American"), ("US", "Americans"),
                ("GB", "British"), ("GB", "Briton"), ("GB", "Britons"), ("GB-SCT", "Scottish"), ("GB-WLS", "Welsh"), ("GB-ENG", "English"),
                ("FR", "Frenchman"), ("NL", "Dutch"), ("NZ", "Kiwi"), ("NZ", "Kiwis"), ("SA", "Saudi Arabian"),
                ("US-TX", "Texan"), ("US-NY", "New Yorkers"), ("US-GA", "Georgian")]:
        assert key in have, key


def test_demonyms_ambiguity_flags(demonyms):
    flag = {(r["country_code"], r["form"]): r["ambiguous"] for r in demonyms[1]}
    for key in [("PL", "Polish"), ("PL", "Pole"), ("SE", "Swede"), ("GE", "Georgian"),
                ("US-GA", "Georgian"), ("FI", "Finn"), ("IN", "Indian")]:
        assert flag[key] == "1", key
    for key in [("JP", "Japanese"), ("TR", "Turk"), ("TH", "Thai"), ("GR", "Greek"), ("DK", "Dane")]:
        assert flag[key] == "0", key
    # A form shared by several codes is flagged everywhere it appears.
    codes_by_form: dict[str, set[str]] = {}
    for r in demonyms[1]:
        codes_by_form.setdefault(r["form"], set()).add(r["country_code"])
    for r in demonyms[1]:
        if len(codes_by_form[r["form"]]) > 1:
            assert r["ambiguous"] == "1", r


# ---------------------------------------------------------------- short_forms.tsv

def test_short_forms_header(short_forms):
    assert short_forms[0] == ["code", "form", "note"]


def test_short_forms_fields_and_duplicates(short_forms):
    rows = short_forms[1]
    for r in rows:
        assert is_code(r["code"]), r
        assert r["form"] and r["form"] == r["form"].strip() and r["note"], r
    dup = [k for k, n in Counter((r["form"], r["code"]) for r in rows).items() if n > 1]
    assert not dup
    # A form names one place only.
    dup_forms = [k for k, n in Counter(r["form"] for r in rows).items() if n > 1]
    assert not dup_forms


def test_short_forms_key_entries(short_forms):
    have = {(r["form"], r["code"]) for r in short_forms[1]}
    for key in [("U.S.", "US"), ("USA", "US"), ("UK", "GB"), ("Britain", "GB"), ("DPRK", "KP"), ("ROK", "KR"),
                ("UAE", "AE"), ("PRC", "CN"), ("DRC", "CD"), ("Congo-Brazzaville", "CG"), ("Ivory Coast", "CI"),
                ("Burma", "MM"), ("Türkiye", "TR"), ("Persia", "IR"), ("Calif.", "US-CA"), ("W.Va.", "US-WV"),
                ("D.C.", "US-DC"), ("TX", "US-TX")]:
        assert key in have, key
    postal = [r for r in short_forms[1] if r["note"].startswith("postal")]
    assert len(postal) == 51  # 50 states and DC
    assert all(len(r["form"]) == 2 and r["form"].isupper() and r["code"] == "US-" + r["form"] for r in postal)


# ---------------------------------------------------------------- places.tsv

def test_places_header(places):
    assert places[0] == ["name", "alt_names", "lat", "lon", "feature_type", "country_code", "source"]


def test_places_fields(places):
    rows = places[1]
    assert 60 <= len(rows) <= 150
    for r in rows:
        lat, lon = float(r["lat"]), float(r["lon"])
        assert -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0, r
        assert all(len(v.partition(".")[2]) >= 2 for v in (r["lat"], r["lon"])), r
        assert r["feature_type"] in FEATURE_TYPES, r
        assert r["country_code"] == "" or is_country(r["country_code"]), r
        assert r["source"].startswith("curated"), r
        alts = r["alt_names"].split("|") if r["alt_names"] else []
        assert all(a and a == a.strip() for a in alts), r


def test_places_no_duplicates(places):
    rows = places[1]
    names = Counter(r["name"] for r in rows)
    assert not [n for n, c in names.items() if c > 1]
    pairs = Counter((a, r["country_code"]) for r in rows for a in [r["name"], *filter(None, r["alt_names"].split("|"))])
    assert not [p for p, c in pairs.items() if c > 1]


def test_places_dmz(places):
    by_name = {r["name"]: r for r in places[1]}
    dmz = by_name["Korean Demilitarized Zone"]
    alts = dmz["alt_names"].split("|")
    assert "demilitarised zone" in alts and "DMZ" in alts
    assert dmz["feature_type"] == "zone" and dmz["country_code"] == ""
    assert abs(float(dmz["lat"]) - 38.32) < 0.2 and abs(float(dmz["lon"]) - 127.23) < 0.5


def test_places_required(places):
    names = {r["name"] for r in places[1]}
    for n in ["Korean Peninsula", "Panmunjom", "Gaza Strip", "West Bank", "Golan Heights", "Crimea", "Donbas",
              "Kashmir", "Tibet", "Kurdistan", "Sinai Peninsula", "Horn of Africa", "Middle East", "Balkans",
              "Caucasus", "Sahel", "Persian Gulf", "Strait of Hormuz", "Taiwan Strait", "Scandinavia", "Siberia",
              "Silicon Valley", "Oga Peninsula", "Cape Erimo", "Noto Peninsula", "Oki Islands", "Tsushima",
              "Liancourt Rocks", "Senkaku Islands", "Kuril Islands", "Spratly Islands", "Paracel Islands",
              "Yellow Sea", "East China Sea", "Sea of Okhotsk", "Pacific Ocean", "Atlantic Ocean", "Indian Ocean",
              "Arctic Ocean", "Sohae Satellite Launching Station", "Punggye-ri", "Yongbyon"]:
        assert n in names, n


# ---------------------------------------------------------------- news_places.tsv

@pytest.fixture(scope="module")
def news_places():
    return load("news_places.tsv")


def test_news_places_fields(news_places, places):
    header, rows = news_places
    assert header == places[0]
    assert len(rows) >= 150
    for r in rows:
        lat, lon = float(r["lat"]), float(r["lon"])
        assert -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0, r
        assert r["feature_type"] in FEATURE_TYPES, r
        assert r["country_code"] == "" or is_country(r["country_code"]), r
        assert r["source"].strip(), r       # every row says where its coordinates come from
        alts = r["alt_names"].split("|") if r["alt_names"] else []
        assert all(a and a == a.strip() for a in alts), r


def test_news_places_add_to_places_not_repeat_them(news_places, places):
    """A name is in one of the two tables; within news_places a name shared by two rows is a real
    ambiguity ("Oshima island": Oshima-Oshima off Hokkaido, Izu Oshima off Tokyo)."""
    in_places = {n for r in places[1] for n in [r["name"], *filter(None, r["alt_names"].split("|"))]}
    names = Counter(r["name"] for r in news_places[1])
    assert not [n for n, c in names.items() if c > 1]
    assert not [r["name"] for r in news_places[1] if r["name"] in in_places]


def test_exonyms_name_real_geonames_places():
    from gazetteer.index import Gazetteer
    header, rows = load("exonyms.tsv")
    assert header == ["geonameid", "name", "geonames_name", "country_code", "source"]
    gaz = Gazetteer.load()
    for r in rows:
        hits = [p for p, f in gaz.lookup(r["name"]) if p.geonameid == int(r["geonameid"])]
        assert hits and hits[0].country_code == r["country_code"], r


def test_not_places_rows_are_unique_and_some_would_otherwise_be_places():
    from gazetteer.normalize import name_key
    from gazetteer.recognize import NOT_PLACES
    from tests.conftest import pipeline
    header, rows = load("not_places.tsv")
    assert header == ["name", "what"]
    names = [r["name"] for r in rows]
    assert len(names) == len(set(names)) and all(r["what"] for r in rows)
    assert {name_key(n) for n in names} == NOT_PLACES
    # the mistakes the file exists for: the index itself still holds these names as places
    gaz = pipeline().gazetteer
    assert gaz.lookup_key(name_key("Hamas")) and gaz.lookup_key(name_key("Taliban"))
