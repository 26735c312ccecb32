"""Building the index from GeoNames' own dump files: a small sample in the dump's exact column
format (allCountries.txt: 19 tab-separated columns; alternateNamesV2.txt: 10), written here."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from gazetteer.index import Gazetteer
from geo.pipeline import Pipeline
from geo.settings import Settings
from tests.conftest import ROOT

# geonameid, name, asciiname, alternatenames, lat, lon, class, code, cc, cc2, admin1, admin2, admin3,
# admin4, population, elevation, dem, timezone, modification date
DUMP = [
    (6255147, "Asia", "Asia", "Asie,Asien,Azia", 29.84064, 89.29688, "L", "CONT", "", "", "00", "", "", "", 3812366000, "", -9999, "", "2012-08-29"),
    (69543, "Yemen", "Yemen", "Al Yaman,Jemen,Yemen", 15.5, 47.5, "A", "PCLI", "YE", "", "00", "", "", "", 28498687, "", 1090, "Asia/Aden", "2022-09-07"),
    (79416, "Al Ḩudaydah", "Al Hudaydah", "Al Hudaydah Governorate,Hodeidah Governorate", 15.0, 43.25, "A", "ADM1", "YE", "", "08", "", "", "", 2000000, "", 200, "Asia/Aden", "2019-09-26"),
    (79415, "Al Ḩudaydah", "Al Hudaydah", "HOD,Al Hudaidha,Hodeida,Hudaydah", 14.79781, 42.95452, "P", "PPLA", "YE", "", "08", "", "", "", 734699, "", 11, "Asia/Aden", "2019-09-26"),
    (71137, "Sanaa", "Sanaa", "San'a,Sana'a,Sanaa", 15.35472, 44.20667, "P", "PPLC", "YE", "", "26", "", "", "", 1937451, "", 2253, "Asia/Aden", "2021-01-10"),
    (130802, "Ukraine", "Ukraine", "Oekraine,Ukraina", 49.0, 32.0, "A", "PCLI", "UA", "", "00", "", "", "", 41000000, "", 175, "Europe/Kyiv", "2023-01-01"),
    (8378527, "Zaporiz'ka Atomna Elektrostantsiya", "Zaporiz'ka Atomna Elektrostantsiya",
     "Zaporizhzhia Nuclear Power Plant,Zaporizhzhia NPP", 47.50817, 34.58556, "S", "PS", "UA", "", "26", "", "", "", 0, "", 20, "Europe/Zaporozhye", "2022-03-04"),
    (690856, "Ostriv Zmiinyi", "Ostriv Zmiinyi", "Snake Island,Zmeinyy", 45.255, 30.2, "T", "ISL", "UA", "", "17", "", "", "", 0, "", 25, "Europe/Kyiv", "2022-02-24"),
    (130758, "Jazīreh-ye Khārk", "Jazireh-ye Khark", "Kharg Island", 29.25, 50.32, "T", "ISL", "IR", "", "22", "", "", "", 0, "", 10, "Asia/Tehran", "2012-01-01"),
    (127058, "Strait of Hormuz", "Strait of Hormuz", "Hormuz Strait", 26.56, 56.25, "H", "STRT", "", "", "00", "", "", "", 0, "", -9999, "", "2012-01-01"),
    (1861060, "Japan", "Japan", "Nippon,Nihon", 35.68536, 139.75309, "A", "PCLI", "JP", "", "00", "", "", "", 126529100, "", 3, "Asia/Tokyo", "2022-01-01"),
    (2128295, "Ōshima", "Oshima", "Oshima-Oshima,Oshima Oshima", 41.51, 139.37, "T", "ISL", "JP", "", "12", "", "", "", 0, "", 0, "Asia/Tokyo", "2017-01-01"),
    (9999999, "Old Fort", "Old Fort", "", 10.0, 10.0, "P", "PPLH", "NG", "", "00", "", "", "", 0, "", 0, "", "2020-01-01"),
]
# alternateNameId, geonameid, isolanguage, alternate name, isPreferredName, isShortName,
# isColloquial, isHistoric, from, to
ALTERNATES = [
    (1, 79415, "en", "Hodeidah", "1", "", "", "", "", ""),
    (2, 79415, "iata", "HOD", "", "", "", "", "", ""),
    (3, 79415, "link", "https://en.wikipedia.org/wiki/Hodeidah", "", "", "", "", "", ""),
    (4, 79415, "", "Al-Hudaydah", "", "", "", "", "", ""),
    (5, 130758, "en", "Kharg", "", "1", "", "", "", ""),
    (6, 69543, "abbr", "YE", "", "", "", "", "", ""),
    (7, 424242, "en", "Nowhere at all", "", "", "", "", "", ""),      # no such place: skipped
]


def write_tsv(path: Path, rows, columns: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for r in rows:
            assert len(r) == columns
            fh.write("\t".join(str(c) for c in r) + "\n")


@pytest.fixture(scope="module")
def dump_index(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("geonames")
    write_tsv(tmp / "allCountries.txt", DUMP, 19)
    write_tsv(tmp / "alternateNamesV2.txt", ALTERNATES, 10)
    out = tmp / "index"
    p = subprocess.run([sys.executable, "-m", "gazetteer", "build", "--geonames", str(tmp / "allCountries.txt"),
                        "--alternate-names", str(tmp / "alternateNamesV2.txt"), "--naturalearth", str(tmp / "none"),
                        "--out", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return out


def test_every_feature_class_is_a_place(dump_index):
    gaz = Gazetteer(dump_index)
    kinds = {n: {(p.feature_type, p.geonameid) for p, _ in gaz.lookup(n)} for n in
             ("Hodeidah", "Snake Island", "Kharg Island", "Strait of Hormuz", "Zaporizhzhia Nuclear Power Plant",
              "Yemen", "Asia", "Sanaa")}
    assert ("city", 79415) in kinds["Hodeidah"]                 # from alternateNamesV2 only
    assert ("region", 690856) in kinds["Snake Island"]           # T.ISL (and the curated island)
    assert ("region", 130758) in kinds["Kharg Island"]
    assert kinds["Strait of Hormuz"] >= {("water", 127058)}      # H.STRT (and the curated strait)
    assert ("site", 8378527) in kinds["Zaporizhzhia Nuclear Power Plant"]   # S.PS
    assert ("country", 69543) in kinds["Yemen"] and ("continent", 6255147) in kinds["Asia"]
    assert ("capital", 71137) in kinds["Sanaa"]
    assert not gaz.lookup("Old Fort")                             # a historical place (PPLH) is left out
    assert not gaz.lookup("Nowhere at all")                       # an alternate name of no place
    assert not [p for p, _ in gaz.lookup("hod") if p.geonameid == 79415]   # codes are not names
    assert "YE" in gaz.exact_forms.get("ye", [])                  # abbreviations exactly as written


def test_curated_tables_are_added_on_top(dump_index):
    gaz = Gazetteer(dump_index)
    assert [p for p, f in gaz.lookup("Yemeni") if p.geonameid == 69543]   # a demonym of the dump's country
    assert gaz.lookup("Northern Limit Line")


def test_the_pipeline_reads_a_dump_index_through_settings(dump_index):
    pipeline = Pipeline(Settings(gazetteer_dir=dump_index))
    a = pipeline.analyse("Coalition jets struck Hodeidah and a tanker burned off Kharg Island.", events=False)
    placed = {r.mention.text: (round(r.place.lat), round(r.place.lon)) for r in a.resolutions if r.place is not None}
    # the dump's places, or the curated rows at the same points
    assert placed == {"Hodeidah": (15, 43), "Kharg Island": (29, 50)}
    gaz = pipeline.gazetteer
    assert len(gaz) < 20_000              # the dump's index (with airports and curated rows), not the bundled one


def test_the_command_line_uses_the_index_the_environment_names(dump_index):
    import os
    env = {**os.environ, "NEWSMAP_GAZETTEER_DIR": str(dump_index), "NEWSMAP_USER_GAZETTEER": "off"}
    p = subprocess.run([sys.executable, "-m", "geo", "parse", "--jsonl", "-"], cwd=ROOT, env=env, capture_output=True,
                       text=True, input='{"id": "a", "text": "Shelling near Sanaa and in Yemen."}\n')
    assert p.returncode == 0, p.stderr
    assert '"geonameid": 71137' in p.stdout and '"geonameid": 69543' in p.stdout
