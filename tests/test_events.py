"""Launch and impact events (geo.events) read from the seed articles, with the real gazetteer and
the real maritime zones."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyproj import Geod

from geo.events import read_events
from geo.events.missiles import count_objects
from geo.events.times import find_times, iso_time
from geo.io.export import to_feature_collection
from geo.model import ZoneHit
from geo.spatial.measure import bearing_deg, destination, distance_km
from geo.spatial.zones import Zones

from conftest import ROOT, SEED, analyse

zones_at = Zones.load().zones_at

WONSAN = (127.44361, 39.15278)


def _analyse(path: Path, **kw):
    meta = json.loads(path.with_suffix(".json").read_text("utf-8"))
    return analyse(path.read_text("utf-8"), title=meta["title"], date=meta["date"], timezone=meta["timezone"],
                   article_id=path.stem, **kw)


def _features(a, *kinds):
    """The features of an analysis of these kinds, as the exports write them."""
    return [f for f in to_feature_collection(a)["features"] if f["properties"]["kind"] in kinds]


def _event_features(a):
    return _features(a, "event")


def _events(a, role):
    return [f for f in _event_features(a) if f["properties"]["role"] == role]


@pytest.fixture(scope="module")
def seed():
    return _analyse(SEED)


def test_seed_has_one_launch_at_wonsan_at_7_10(seed):
    (launch,) = _events(seed, "launch")
    p = launch["properties"]
    assert distance_km(*launch["geometry"]["coordinates"], *WONSAN) < 15
    assert p["time"] == "2019-10-02T07:10:00+09:00"
    assert p["label"] == "Launch (Wonsan)"
    assert p["counts"]["objects"] == 2
    assert any(c["kind"] == "origin" and c["text"] == "from Wonsan" and c["by"] == "South Korea" for c in p["claims"])
    assert any("fired from Wonsan" in s for s in p["sentences"])
    assert any(z["kind"] == "land" and z["sovereign"] == "KP" and z["inside"] for z in p["zones"])


def test_seed_has_two_impacts_outside_then_inside_japans_eez(seed):
    impacts = _events(seed, "impact")
    assert len(impacts) == 2
    first, second = (f["properties"] for f in impacts)
    assert first["time"] == "2019-10-02T07:17:00+09:00"
    assert second["time"] == "2019-10-02T07:27:00+09:00"
    assert first["label"] == "Impact 1 (outside Japan's EEZ)"
    assert second["label"] == "Impact 2 (inside Japan's EEZ)"
    eez1 = [c for c in first["claims"] if c["kind"] == "EEZ"]
    eez2 = [c for c in second["claims"] if c["kind"] == "EEZ"]
    assert eez1 and all((c["sovereign"], c["inside"], c["by"]) == ("JP", False, "Japan") for c in eez1)
    assert eez2 and all((c["sovereign"], c["inside"], c["by"]) == ("JP", True, "Japan") for c in eez2)
    assert {c["text"] for c in eez1} == {"outside our EEZ", "outside the maritime area"}
    assert {c["text"] for c in eez2} == {"within our EEZ", "inside its exclusive economic zone"}
    # "One missile landed outside our EEZ at around 7.17am" is the first impact's sentence
    assert any("7.17am" in s for s in first["sentences"])
    assert any("7.27am" in s for s in second["sentences"])
    assert "position not reported" in first["position"]
    assert first["uncertainty_km"] >= 150


def test_second_impact_is_north_east_of_shimane_inside_japans_eez(seed):
    impact = _events(seed, "impact")[1]
    p = impact["properties"]
    shimane = next(g.place for g in seed.places if g.place.name == "Shimane")
    lon, lat = impact["geometry"]["coordinates"]
    assert 22.5 <= bearing_deg(shimane.lon, shimane.lat, lon, lat) <= 67.5
    assert any(z["kind"] == "EEZ" and z["sovereign"] == "JP" and z["inside"] for z in p["zones"])
    assert any(h.kind == "EEZ" and h.sovereign == "JP" and h.inside for h in zones_at(lon, lat, near_km=0))
    assert p["conflict"] is None
    assert any(c["kind"] == "direction" and c["anchor"] == "Shimane" for c in p["claims"])
    # the region estimate is exported as an area
    areas = _features(seed, "area")
    assert len(areas) == 1 and areas[0]["properties"]["event"] == p["label"]
    zones = _features(seed, "zone")
    assert [(z["properties"]["sovereign"], z["properties"]["zone_kind"]) for z in zones] == [("JP", "EEZ")]


def test_wonsan_shimane_relation_is_geodesic(seed):
    relations = _features(seed, "relation")
    rel = next(f for f in relations if f["properties"]["to"] == "Shimane")
    shimane = next(g.place for g in seed.places if g.place.name == "Shimane")
    wonsan = next(g.place for g in seed.places if g.place.country_code == "KP" and g.place.feature_type == "city")
    _, _, m = Geod(ellps="WGS84").inv(wonsan.lon, wonsan.lat, shimane.lon, shimane.lat)
    assert abs(rel["properties"]["distance_km"] - m / 1000) < 1.0
    assert rel["properties"]["compass"] in ("SE", "SSE", "ESE")
    coords = rel["geometry"]["coordinates"]
    assert coords[0] == pytest.approx([wonsan.lon, wonsan.lat]) and coords[-1] == pytest.approx([shimane.lon, shimane.lat])
    # one relation from the launch site to each impact
    assert sum(f["properties"]["from"] == "Wonsan" and f["properties"]["to"].startswith("Impact")
               for f in relations) == 2


def test_provenance_points_at_the_sentences(seed):
    text = seed.document.text
    for f in _event_features(seed):
        p = f["properties"]
        prov = p["provenance"]
        assert prov["article_id"] == SEED.stem and prov["date"] == "2019-10-02"
        assert [text[s:e] for s, e in prov["sentence_offsets"]] == p["sentences"]
        for c in p["claims"]:
            assert any(c["text"] in s for s in p["sentences"])


def test_feature_collection_is_json(seed):
    fc = to_feature_collection(seed)
    kinds = {f["properties"]["kind"] for f in fc["features"]}
    assert {"place", "event", "relation", "area", "zone"} <= kinds
    json.loads(json.dumps(fc, allow_nan=False))


def test_hokkaido_overflight_impact_1180_km_east_of_cape_erimo():
    a = _analyse(ROOT / "seeds" / "north-korea-missile-over-hokkaido-2017-08-29.txt")
    (launch,) = _events(a, "launch")
    assert launch["properties"]["time"] == "2017-08-29T05:57:00+09:00"
    assert launch["properties"]["label"] == "Launch (Sunan)"
    (impact,) = _events(a, "impact")
    p = impact["properties"]
    reported = destination(143.24, 41.93, 90.0, 1180.0)        # Cape Erimo, 1,180 km east
    assert distance_km(*impact["geometry"]["coordinates"], *reported) < 100
    assert p["time"] == "2017-08-29T06:12:00+09:00"
    assert not [z for z in p["zones"] if z["inside"]]          # high seas: no EEZ
    assert p["conflict"] is None
    assert p["label"] == "Impact 1 (about 1,180 km east of Cape Erimo)"
    # the history paragraph ("since 2009") is not an event
    assert not any("2009" in s for f in _event_features(a) for s in f["properties"]["sentences"])


def test_rodong_impact_250_km_west_of_oga_inside_japans_eez():
    a = _analyse(ROOT / "seeds" / "north-korea-rodong-japan-eez-2016-08-03.txt")
    (launch,) = _events(a, "launch")
    assert launch["properties"]["time"] == "2016-08-03T07:50:00+09:00"
    assert launch["properties"]["counts"]["objects"] == 2
    (impact,) = _events(a, "impact")                             # the other exploded after take-off
    p = impact["properties"]
    reported = destination(139.78, 39.93, 270.0, 250.0)         # Oga Peninsula, 250 km west
    assert distance_km(*impact["geometry"]["coordinates"], *reported) < 100
    assert any(z["kind"] == "EEZ" and z["sovereign"] == "JP" and z["inside"] and not z["disputed"]
               for z in p["zones"])
    assert p["time"] is None                                     # the article gives no landing time
    assert p["conflict"] is None
    assert p["uncertainty_km"] == 25.0


def test_conflict_when_the_point_contradicts_the_claim():
    text = ("North Korea fired a missile from Wonsan on Monday. Japan's defence ministry said the missile "
            "fell about 150 km east of Wonsan, inside Japan's exclusive economic zone.")
    a = analyse(text, date="2023-04-10", timezone="Asia/Tokyo")
    (impact,) = _events(a, "impact")
    p = impact["properties"]
    assert p["conflict"] and "inside Japan's EEZ" in p["conflict"]
    assert any(c["kind"] == "EEZ" and c["sovereign"] == "JP" and c["inside"] for c in p["claims"])
    assert not any(z["sovereign"] == "JP" and z["inside"] for z in p["zones"])


def test_conflict_in_disputed_waters_with_a_stand_in_zone_lookup(seed):
    # geo.zones is replaceable: a lookup that puts every point in waters disputed by JP and KR
    class DisputedEverywhere:
        def zones_at(self, lon, lat, near_km=50.0):
            return [ZoneHit("EEZ", "JP", "Japan EEZ (claimed)", True, True, 0.0),
                    ZoneHit("EEZ", "KR", "South Korea EEZ", True, True, 0.0)]

        zone_geometry = staticmethod(Zones.load().zone_geometry)

    a = read_events(analyse(SEED.read_text("utf-8"), date="2019-10-02", events=False), zones=DisputedEverywhere())
    second = _events(a, "impact")[1]["properties"]
    assert "disputed" in second["conflict"] and "South Korea" in second["conflict"]
    # the first impact's position is not reported: its indicative point claims no zone and no conflict
    first = _events(a, "impact")[0]["properties"]
    assert first["position"].startswith("position not reported")
    assert first["zones"] == [] and first["conflict"] is None


def test_count_objects():
    assert count_objects("North Korea fired two missiles early on Wednesday") == 2
    assert count_objects("fired a ballistic missile over northern Japan") == 1
    assert count_objects("launched four short-range ballistic missiles") == 4
    assert count_objects("the missiles were fired at around 7.10am") == 0


@pytest.mark.parametrize("text,hm,zone", [
    ("fired at around 7.10am Tokyo time", (7, 10), "Tokyo"), ("landed at 7:27 a.m. local time", (7, 27), "local"),
    ("at 07:17, officials said", (7, 17), None), ("at 11.41pm", (23, 41), None), ("at 2250 GMT", (22, 50), "GMT"),
])
def test_find_times(text, hm, zone):
    ((_, _, h, m, z, _),) = find_times(text)
    assert (h, m) == hm and z == zone


def test_times_are_iso_with_the_right_offset():
    assert iso_time("2019-10-02", 7, 10, "Tokyo") == "2019-10-02T07:10:00+09:00"
    assert iso_time("2019-10-02", 7, 17, None, "Asia/Tokyo") == "2019-10-02T07:17:00+09:00"
    assert iso_time("2017-08-29", 5, 57, "Seoul") == "2017-08-29T05:57:00+09:00"
    # North Korea kept its own clock (UTC+8:30) from 2015 to 2018
    assert iso_time("2016-08-03", 7, 20, "Pyongyang") == "2016-08-03T07:20:00+08:30"
    assert iso_time("2016-08-03", 22, 50, "GMT", weekday="Tuesday") == "2016-08-02T22:50:00+00:00"
    assert iso_time("", 7, 10, "Tokyo") is None


def test_article_date_and_zone_come_from_the_options():
    text = SEED.read_text("utf-8")
    a = analyse(text, date="2019-10-03", timezone="Asia/Seoul")
    launch = _events(a, "launch")[0]["properties"]
    # "at around 7.10am Tokyo time on Wednesday": the article dated Thursday means the day before
    assert launch["time"] == "2019-10-02T07:10:00+09:00"
    a = analyse(text, events=True)                       # no date: times are not invented
    assert all(f["properties"]["time"] is None for f in _event_features(a))


def test_impact_57_km_east_of_sokcho_in_south_koreas_eez():
    a = _analyse(ROOT / "seeds" / "north-korea-missile-south-of-nll-2022-11-02.txt")
    launches = _events(a, "launch")
    north = launches[0]["properties"]
    assert north["label"] == "Launch (Wonsan)" and north["actor"] == "North Korea"
    assert north["time"] == "2022-11-02T08:51:00+09:00"
    assert north["counts"]["objects"] == 23
    assert any(c["text"] == "from the Wonsan area" for c in north["claims"])
    # South Korea's reply ("fighter jets fired three air-to-ground missiles") is its own launch
    assert [f["properties"]["actor"] for f in launches[1:]] == ["South Korea"]
    assert "site not reported" in launches[1]["properties"]["label"]
    # the headline, the summary and the detailed sentence describe one impact
    (impact,) = _events(a, "impact")
    p = impact["properties"]
    assert len(p["sentences"]) == 3
    sokcho = next(g.place for g in a.places if g.place.name == "Sokcho")
    reported = destination(sokcho.lon, sokcho.lat, 90.0, 57.0)
    assert distance_km(*impact["geometry"]["coordinates"], *reported) < 100
    inside = [(z["kind"], z["sovereign"]) for z in p["zones"] if z["inside"]]
    assert inside == [("EEZ", "KR")]                      # international waters, in the South's EEZ
    assert p["conflict"] is None
    assert {"kind": "territorial_sea", "sovereign": None, "inside": False, "text": "in international waters",
            "by": "South Korea"} in p["claims"]


def test_overflight_of_hokkaido():
    a = _analyse(ROOT / "seeds" / "north-korea-missile-over-hokkaido-2017-08-29.txt")
    (over,) = _events(a, "overflight")
    p = over["properties"]
    assert p["label"] == "Overflight (Hokkaido)"
    assert p["time"] == "2017-08-29T06:06:00+09:00"
    assert any(z["kind"] == "land" and z["sovereign"] == "JP" and z["inside"] for z in p["zones"])
    assert any(r["properties"]["to"] == "Overflight (Hokkaido)" and r["properties"]["from"] == "Sunan"
               for r in _features(a, "relation"))


def test_international_waters_conflict():
    text = ("North Korea fired a missile from Wonsan. South Korea said it landed in international waters "
            "about 10 km east of Sokcho.")
    a = analyse(text, date="2022-11-02", timezone="Asia/Seoul")
    (impact,) = _events(a, "impact")
    assert "international waters" in impact["properties"]["conflict"]
    assert "South Korea territorial sea" in impact["properties"]["conflict"]


def test_without_an_article_zone_the_stated_clock_zone_is_used():
    # no sidecar time zone: "7.10am Tokyo time" sets the clock for "7.17am" and "7.27am" too
    a = analyse(SEED.read_text("utf-8"), date="2019-10-02")
    times = [f["properties"]["time"] for f in _event_features(a)]
    assert times == ["2019-10-02T07:10:00+09:00", "2019-10-02T07:17:00+09:00", "2019-10-02T07:27:00+09:00"]


def test_plural_subjects_and_outside_it():
    text = ("North Korea fired four ballistic missiles. Three of them fell about 300 to 350 km west of the "
            "Oga Peninsula, inside Japan's EEZ, and the fourth landed just outside it.")
    a = analyse(text, date="2017-03-06", timezone="Asia/Tokyo")
    assert _events(a, "launch")[0]["properties"]["counts"]["objects"] == 4
    impacts = [f["properties"] for f in _events(a, "impact")]
    assert [p["label"] for p in impacts] == [f"Impact {n} (inside Japan's EEZ)" for n in (1, 2, 3)] + [
        "Impact 4 (outside Japan's EEZ)"]
    # a stated range: the middle, with half the range added to the uncertainty
    assert impacts[0]["uncertainty_km"] == pytest.approx(57.5)
    assert [c["text"] for c in impacts[3]["claims"]] == ["just outside it"]


def test_impact_without_any_position_keeps_a_null_geometry():
    a = analyse("Japan's coast guard said the missile fell outside its EEZ.", date="2020-01-01")
    (impact,) = _event_features(a)
    assert impact["geometry"] is None
    assert impact["properties"]["position"] == "position not reported"
    assert impact["properties"]["claims"][0]["sovereign"] == "JP"
    json.dumps(to_feature_collection(a), allow_nan=False)


def test_an_oceans_point_is_not_checked_against_zones():
    a = analyse("North Korea launched a missile that landed in the Pacific Ocean.", date="2020-01-01")
    (impact,) = _events(a, "impact")
    assert impact["properties"]["uncertainty_km"] >= 1000 and impact["properties"]["zones"] == []


def test_negated_and_unrelated_verbs_are_not_events():
    a = analyse("The missile did not land in Japan's territory. Stock prices fell in Tokyo.", date="2020-01-01")
    assert a.events == ()


def test_a_falling_booster_is_no_impact():
    a = analyse("Residents reported a loud bang; a falling Russian booster rocket caused it.", date="2020-01-01")
    assert [e.role for e in a.events] == []
