"""The built place index: real GeoNames and Natural Earth entries, loaded from the repo."""
import math

import pytest

from gazetteer.index import DEMONYM, EXACT_CASE, Gazetteer
from gazetteer.normalize import fold, key_variants, name_key


@pytest.fixture(scope="module")
def gaz():
    return Gazetteer.load()


def types(gaz, name):
    return {(p.feature_type, p.country_code) for p, _ in gaz.lookup(name)}


def test_index_size_is_world_scale(gaz):
    # cities500 alone has ~235,000 places; divisions, seas and curated entries come on top
    assert len(gaz) > 260_000
    assert len(gaz.countries()) >= 230


def test_cities_come_with_geonames_ids_and_coordinates(gaz):
    wonsan = [p for p, _ in gaz.lookup("Wonsan") if p.country_code == "KP"]
    assert wonsan and wonsan[0].geonameid == 1866923
    assert abs(wonsan[0].lat - 39.15) < 0.05 and abs(wonsan[0].lon - 127.44) < 0.05


def test_alternate_names_from_geonames(gaz):
    # "Ha Noi" and the Korean script form are GeoNames alternate names of Hanoi
    for name in ("Ha Noi", "하노이", "Hà Nội"):
        assert ("capital", "VN") in types(gaz, name), name


def test_first_level_divisions_have_coordinates_and_generic_forms(gaz):
    shimane = [p for p, _ in gaz.lookup("Shimane prefecture") if p.feature_type == "admin1"]
    assert shimane and shimane[0].country_code == "JP"
    assert 34.5 < shimane[0].lat < 36.5 and 131.5 < shimane[0].lon < 133.5
    assert ("admin1", "KP") in types(gaz, "Kangwon")
    assert ("admin1", "US") in types(gaz, "Kentucky")


def test_second_level_divisions(gaz):
    laurel = [p for p, _ in gaz.lookup("Laurel County") if p.feature_type == "admin2"]
    assert laurel and laurel[0].country_code == "US"
    assert 36.5 < laurel[0].lat < 37.5 and -84.5 < laurel[0].lon < -83.5   # south-east Kentucky


def test_seas_and_regions_from_natural_earth_with_polygons(gaz):
    sea = [p for p, _ in gaz.lookup("Sea of Japan") if p.feature_type == "water"]
    assert sea and 35 < sea[0].lat < 45 and 128 < sea[0].lon < 142
    assert sea[0].id in gaz.shapes
    assert gaz.shapes[sea[0].id]["type"] in ("Polygon", "MultiPolygon")


def test_curated_entries(gaz):
    dmz = gaz.lookup("demilitarised zone")
    assert dmz and dmz[0][0].feature_type == "zone"
    assert abs(dmz[0][0].lat - 38.3) < 0.3
    assert any(f & EXACT_CASE for _, f in gaz.lookup("DMZ"))
    jp = [p for p, f in gaz.lookup("Japanese") if f & DEMONYM]
    assert [p.country_code for p in jp] == ["JP"]
    assert {p.country_code for p, f in gaz.lookup("North Korean") if f & DEMONYM} == {"KP"}
    us = [p for p, f in gaz.lookup("U.S.") if f & EXACT_CASE]
    assert us and us[0].feature_type == "country" and us[0].country_code == "US"


def test_country_points_are_inside_the_country(gaz):
    c = gaz.countries()
    # Factbook reference points: the US near Kansas, Russia in Siberia, Japan on Honshu
    assert 35 < c["US"].lat < 42 and -102 < c["US"].lon < -94
    assert 55 < c["RU"].lat < 65 and 90 < c["RU"].lon < 110
    assert 34 < c["JP"].lat < 38 and 135 < c["JP"].lon < 141
    assert "FR" in c and "NO" in c   # Natural Earth gives them ISO_A2 = -99


def test_fold_is_length_preserving_and_strips_diacritics():
    for s in ("Wŏnsan", "Hà Nội", "São Paulo", "Japan’s", "Straße", "İstanbul", "Łódź"):
        assert len(fold(s)) == len(s)
    assert fold("Hà Nội") == "ha noi"
    assert fold("İstanbul") == "istanbul" and fold("ÅLAND") == "aland"
    assert fold("Japan’s") == "japan's"


def test_key_variants_cover_saint_fort_mount_and_hyphens():
    assert "st. louis" in key_variants(name_key("Saint Louis"))
    assert "saint louis" in key_variants(name_key("St. Louis"))
    assert "ft worth" in key_variants(name_key("Fort Worth"))
    assert "winston salem" in key_variants(name_key("Winston-Salem"))


def test_index_loads_fast_enough_to_share(gaz):
    # the shared instance is memory-mapped: a second load returns the same object
    assert Gazetteer.load() is gaz
    assert not math.isnan(float(gaz.places["lat"][0]))


def test_runtime_never_imports_the_builder():
    import subprocess
    import sys
    code = ("import sys; from geo.pipeline import Pipeline; "
            "Pipeline().analyse('Missiles were fired from Wonsan into the Sea of Japan.'); "
            "print(sorted(m for m in sys.modules if m.startswith('gazetteer.build')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=__import__("pathlib").Path(__file__).resolve().parents[1]).stdout
    assert out.strip() == "[]"


def test_builder_and_loader_share_one_format():
    import gazetteer.format as fmt
    import gazetteer.index as index
    assert index.PRIMARY is fmt.PRIMARY and index.SOURCES is fmt.SOURCES
    gaz = Gazetteer.load()
    assert gaz.places.dtype == fmt.PLACE_DTYPE
    for name in fmt.INDEX_FILES:
        assert (fmt.DEFAULT_INDEX / name).exists(), name


def test_division_points_ignore_towns_filed_under_the_wrong_division():
    from gazetteer.build.bundled import _trimmed_range
    # two towns of another province 15 degrees west of Jiangsu's hundreds
    assert _trimmed_range([100.3, 100.7] + [116.5 + i * 0.01 for i in range(500)]) == (116.5, 116.5 + 499 * 0.01)
    # a spread that is all one division keeps its extremes
    assert _trimmed_range([-95.0, -90.0, -86.0, -80.0, -79.5, -75.0]) == (-95.0, -75.0)
    from geo.spatial.measure import distance_km
    from tests.conftest import pipeline
    gaz = pipeline().gazetteer
    for key, (lat, lon) in {"jiangsu": (33.0, 119.8), "heilongjiang": (47.9, 127.8), "hebei": (39.0, 116.0)}.items():
        (place, _), *_ = gaz.lookup_key(key)
        assert distance_km(place.lon, place.lat, lon, lat) < 400, (key, place.lat, place.lon)


def test_a_build_replaces_index_files_by_renaming_so_running_readers_keep_theirs(tmp_path):
    # a page or batch has the index's files memory-mapped; rewritten in place they crashed it
    from gazetteer.__main__ import staged
    out = tmp_path / "index"
    out.mkdir()
    (out / "places.npy").write_bytes(b"old places")
    reader = open(out / "places.npy", "rb")
    with staged(out) as tmp:
        assert tmp.parent == out.parent and tmp != out
        (tmp / "places.npy").write_bytes(b"new places")
        (tmp / "names.marisa").write_bytes(b"new names")
    assert reader.read() == b"old places"          # the running reader's file is untouched
    reader.close()
    assert (out / "places.npy").read_bytes() == b"new places" and (out / "names.marisa").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index"]     # no staging folder left


def test_the_nations_of_the_united_kingdom_have_their_own_adjectives(gaz):
    # "English" is England's (a first-level division of GB), not the United Kingdom's
    for form, name in (("English", "England"), ("Scottish", "Scotland"), ("Welsh", "Wales")):
        (p,) = [p for p, f in gaz.lookup(form) if f & DEMONYM]
        assert (p.name, p.feature_type, p.country_code) == (name, "admin1", "GB")
    assert {p.country_code for p, f in gaz.lookup("British") if f & DEMONYM} == {"GB"}


def test_a_peak_under_the_name_the_news_uses(gaz):
    # Natural Earth writes "Gunung Merapi" and "Monte Etna"
    for name, lat, lon in (("Mount Merapi", -7.54, 110.44), ("Mount Etna", 37.75, 14.99)):
        p = next(p for p, _ in gaz.lookup(name) if p.source == "naturalearth")
        assert abs(p.lat - lat) < 0.1 and abs(p.lon - lon) < 0.1


def test_a_compass_region_under_its_closed_spelling(gaz):
    # GeoNames writes Cameroon's region "North-West"; the news writes "Northwest region"
    assert ("admin1", "CM") in types(gaz, "Northwest")
    assert ("admin1", "CM") in types(gaz, "North West")


def test_key_kinds_read_what_the_places_say_without_building_them():
    """key_kinds stands in for lookup_key where only the kind, population and flags are wanted: the
    same values in the same order, whether or not lookup_key has built the places already."""
    import random
    g = Gazetteer.load()
    rng = random.Random(8)
    keys = {name_key(g.names[pid]) for pid in rng.sample(range(len(g.places)), 400)}
    keys |= {"springfield", "paris", "georgia", "san jose", "not a place at all"}
    many = 0
    for key in sorted(keys):
        fresh = g.key_kinds(key)                 # from the columns
        built = tuple((p.feature_type, p.population, f) for p, f in g.lookup_key(key))
        assert fresh == built == g.key_kinds(key), key      # and from the built places
        many += len(built) > 5
    assert many >= 3 and g.key_kinds("not a place at all") == ()
