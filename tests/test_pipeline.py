"""The seed end to end: every place it names is placed where it is."""
import math

import pytest

from geo.io.export import to_feature_collection
from tests.conftest import SEED, analyse

# name in the text -> (lat, lon) of the real place, tolerance in km
EXPECTED = {
    "Wonsan": (39.15, 127.44, 25), "Shimane prefecture": (35.1, 132.6, 120), "Sea of Japan": (40.0, 135.0, 600),
    "Korean peninsula": (37.5, 127.5, 400), "Japan": (36.0, 138.0, 500), "North Korea": (40.0, 127.0, 300),
    "South Korea": (36.5, 127.9, 300), "Seoul": (37.57, 126.98, 25), "Pyongyang": (39.03, 125.75, 25),
    "Tokyo": (35.69, 139.69, 30), "Hanoi": (21.03, 105.85, 30), "Singapore": (1.29, 103.85, 30),
    "New York": (40.71, -74.0, 30), "Washington": (38.9, -77.04, 30), "Hong Kong": (22.3, 114.17, 30),
    "DMZ": (38.3, 127.2, 150), "US": (39.0, -98.0, 1200),
}


def km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


@pytest.fixture(scope="module")
def analysis():
    return analyse(SEED.read_text(encoding="utf-8"), title="seed", date="2019-10-02", timezone="Asia/Tokyo")


def test_seed_places_are_where_they_are(analysis):
    placed = {}
    for r in analysis.resolutions:
        if r.place is not None:
            placed.setdefault(r.mention.text, r.place)
    for name, (lat, lon, tol) in EXPECTED.items():
        assert name in placed, name
        p = placed[name]
        assert km(lat, lon, p.lat, p.lon) < tol, (name, p)


def test_each_resolution_has_reason_confidence_and_runners_up(analysis):
    wash = next(r for r in analysis.resolutions if r.mention.text == "Washington")
    assert wash.place.feature_type == "capital" and wash.place.country_code == "US"
    assert 0 < wash.confidence <= 1 and wash.reason
    assert len(wash.alternatives) >= 3              # the state, counties, other towns
    assert all(a.place.id != wash.place.id for a in wash.alternatives)


def test_without_alternatives_the_choices_are_the_same(analysis):
    lean = analyse(analysis.document.text, title="seed", date="2019-10-02", timezone="Asia/Tokyo",
                   alternatives=False)
    assert [(r.mention, r.place, r.confidence, r.reason) for r in lean.resolutions] == \
        [(r.mention, r.place, r.confidence, r.reason) for r in analysis.resolutions]
    assert all(not r.alternatives for r in lean.resolutions)
    assert any(r.alternatives for r in analysis.resolutions)


def test_geojson_has_one_point_per_distinct_place(analysis):
    fc = to_feature_collection(analysis)
    assert fc["type"] == "FeatureCollection"
    places = [f for f in fc["features"] if f["properties"]["kind"] == "place"]
    names = [f["properties"]["name"] for f in places]
    assert len(names) == len(set(names))
    nk = next(f for f in places if f["properties"]["country_code"] == "KP" and f["properties"]["feature_type"] == "country")
    # every North Korea / North Korean mention is one feature, each with its sentence
    assert len(nk["properties"]["mentions"]) >= 10
    for f in places:
        lon, lat = f["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        for m in f["properties"]["mentions"]:
            assert m["text"] in m["sentence"]
    # organisations named after places stay off the map
    assert not any(n in ("Asan", "Sejong") for n in names)


def test_corrections_override_the_resolver(analysis):
    wash = next(r for r in analysis.resolutions if r.mention.text == "Washington")
    state = next(a for a in wash.alternatives if a.place.feature_type == "admin1")
    fixed = analyse(analysis.document.text, corrections=[
        {"start": wash.mention.start, "end": wash.mention.end, "place_id": state.place.id},
        {"start": 321, "end": 327, "lat": 39.2, "lon": 127.5}])
    r = next(r for r in fixed.resolutions if r.mention.start == wash.mention.start)
    assert r.place.id == state.place.id and r.reason == "corrected by the user"
    won = next(r for r in fixed.resolutions if r.mention.start == 321)
    assert won.mention.text == "Wonsan" and (won.place.lat, won.place.lon) == (39.2, 127.5)


def test_corrected_coordinates_keep_the_place(analysis):
    """Moving a city keeps it the same city: its kind, country, name and GeoNames id stay, it is
    marked corrected (source "user") and it is still one place on the map's cities layer."""
    before = next(r for r in analysis.resolutions if r.mention.text == "Wonsan")
    fixed = analyse(analysis.document.text, corrections=[
        {"start": before.mention.start, "end": before.mention.end, "lat": 39.2, "lon": 127.5}])
    won = next(r for r in fixed.resolutions if r.mention.start == before.mention.start)
    assert (won.place.lat, won.place.lon) == (39.2, 127.5)
    assert won.place.feature_type == before.place.feature_type == "city"
    assert won.place.country_code == "KP" and won.place.name == before.place.name
    assert won.place.geonameid == before.place.geonameid is not None
    assert won.place.source == "user" and won.place.id == -1
    group = next(g for g in fixed.places if any(m.start == before.mention.start for m in g.mentions))
    assert group.corrected and group.place.feature_type == "city"


def test_warm_up_loads_what_an_article_would_load_on_first_use():
    """A stream's warm-up (parse --jsonl, before its first article) reads the place names, the outlines
    and the zones' unions, so no later article pays for them; the answers do not change."""
    from geo.pipeline import Pipeline
    from geo.settings import Settings

    pipeline = Pipeline(Settings())
    text = "Fighting broke out in southern Lebanon, 40 km off the coast of Tyre."
    before = pipeline.analyse(text)
    pipeline.warm_up()
    gazetteer = pipeline.gazetteer
    assert "names" in gazetteer.__dict__ and "shapes_by_name" in gazetteer.__dict__
    assert len(pipeline.zones._made_unions()) > 500          # every state's three kinds of zone
    after = pipeline.analyse(text)
    assert [(e.type, e.point) for e in after.events] == [(e.type, e.point) for e in before.events]
    assert after.events and before.events
