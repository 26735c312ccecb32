"""Spatial expressions -> geometry (geo.spatial.expressions), on sentences read by the real gazetteer and
checked against the real maritime zones (geo.spatial.zones)."""
from __future__ import annotations

import pytest
import shapely

from geo.events.context import place_refs
from geo.model import PlaceRef
from geo.spatial.estimate import estimate_position
from geo.spatial.expressions import find_speaker, quote_spans, read_claims
from geo.spatial.measure import bearing_deg, distance_km
from geo.spatial.zones import Zones

from conftest import SEED, analyse

zone_geometry = Zones.load().zone_geometry
zones_at = Zones.load().zones_at


def _read(text: str, speaker=None):
    a = analyse(text, events=False)
    places = place_refs(a)
    return read_claims(text, places, 0, speaker, None, zone_geometry), places


def _place(places, surface):
    return next(p for p in places if p.text == surface)


@pytest.fixture(scope="module")
def seed():
    text = SEED.read_text("utf-8")
    a = analyse(text, events=False)
    return a, place_refs(a), quote_spans(text)


def _sentence(a, needle):
    for s in a.document.sentences:
        t = a.document.text[s.start:s.end]
        if needle in t:
            return t, s.start
    raise AssertionError(needle)


def test_speaker_from_demonym_and_possessive(seed):
    a, places, quotes = seed
    t, off = _sentence(a, "The Japanese government said")
    assert find_speaker(t, off, places, quotes) == "JP"
    t, off = _sentence(a, "Yoshihide Suga")
    assert find_speaker(t, off, places, quotes) == "JP"
    t, off = _sentence(a, "South Korea said the projectiles")
    assert find_speaker(t, off, places, quotes) == "KR"
    # the quote names no country: the speaker comes from the sentence before
    t, off = _sentence(a, "One missile landed outside our EEZ")
    assert find_speaker(t, off, places, quotes) is None


def test_its_and_the_maritime_area_resolve_to_japan(seed):
    a, places, quotes = seed
    t, off = _sentence(a, "The Japanese government said")
    claims = read_claims(t, places, off, find_speaker(t, off, places, quotes))
    zones = [c for c in claims if c.kind == "zone"]
    assert [(c.zone_kind, c.zone_sovereign, c.inside) for c in zones] == [("EEZ", "JP", True), ("EEZ", "JP", False)]
    assert zones[0].text == "inside its exclusive economic zone"
    assert zones[1].text == "outside the maritime area"
    assert a.document.text[zones[0].start:zones[0].end] == zones[0].text
    assert all(c.by == "JP" for c in zones)


def test_our_eez_in_a_quote_uses_the_speaker(seed):
    a, places, quotes = seed
    t, off = _sentence(a, "The second")
    claims = read_claims(t, places, off, "JP")
    kinds = {c.kind: c for c in claims}
    z = kinds["zone"]
    assert (z.text, z.zone_sovereign, z.inside) == ("within our EEZ", "JP", True)
    d = kinds["direction"]
    assert d.text == "to the north-east of Shimane prefecture"
    assert d.anchor_place.country_code == "JP" and d.bearing == 45.0
    assert kinds["in_place"].anchor_place.name == "Sea of Japan"


def test_origin_fired_from_wonsan(seed):
    a, places, quotes = seed
    t, off = _sentence(a, "fired from Wonsan")
    (c,) = [c for c in read_claims(t, places, off) if c.kind == "origin"]
    assert c.text == "from Wonsan"
    assert c.anchor_place.country_code == "KP"
    assert distance_km(*c.point, 127.44, 39.15) < 10
    assert c.uncertainty_km <= 25


def test_distance_direction_oga():
    text = "The missile fell about 250 km west of the Oga Peninsula in Akita prefecture, Japan said."
    claims, places = _read(text)
    (c,) = [c for c in claims if c.kind == "distance_direction"]
    oga = _place(places, "Oga Peninsula")
    assert c.text == "about 250 km west of the Oga Peninsula"
    assert c.distance_km == 250 and c.bearing == 270
    assert distance_km(oga.lon, oga.lat, *c.point) == pytest.approx(250, abs=0.01)
    assert bearing_deg(oga.lon, oga.lat, *c.point) == pytest.approx(270, abs=0.01)
    assert c.uncertainty_km == 25.0                         # 10% of 250
    assert not [c for c in claims if c.kind == "in_place"]  # "in Akita prefecture" is the anchor's place


def test_distance_direction_cape_erimo_outside_every_eez():
    text = "It fell into the Pacific about 1,180 km east of Cape Erimo, the government said."
    claims, places = _read(text)
    (c,) = [c for c in claims if c.kind == "distance_direction"]
    assert c.distance_km == 1180
    erimo = _place(places, "Cape Erimo")
    assert distance_km(erimo.lon, erimo.lat, *c.point) == pytest.approx(1180, abs=0.01)
    assert c.uncertainty_km == 118.0
    assert not [h for h in zones_at(*c.point) if h.inside and h.kind == "EEZ"]


def test_short_anchor_and_other_units():
    claims, places = _read("It landed 350 km west of Oga.")
    (c,) = [c for c in claims if c.kind == "distance_direction"]
    assert c.anchor_place.country_code == "JP" and c.distance_km == 350
    assert c.uncertainty_km == 35.0
    claims, _ = _read("The missile fell some 100 nautical miles north of Hokkaido.")
    (c,) = [c for c in claims if c.kind == "distance_direction"]
    assert c.distance_km == pytest.approx(185.2)
    assert c.uncertainty_km == 20.0                         # the 20 km floor


@pytest.mark.parametrize("phrase,bearing", [("north-east of", 45), ("northeast of", 45),
                                           ("to the west of", 270)])
def test_direction_words(phrase, bearing):
    claims, places = _read(f"The missile landed {phrase} Shimane prefecture.")
    (c,) = [c for c in claims if c.kind == "direction"]
    assert c.bearing == bearing
    a = c.anchor_place
    b = bearing_deg(a.lon, a.lat, *c.point)
    assert abs(((b - bearing + 180) % 360) - 180) < 22.5
    assert c.area.contains(shapely.Point(*c.point))


def test_abbreviated_direction_on_plain_data():
    # relations work on plain data: a sentence and the places in it, with their offsets
    text = "The object splashed down NNE of Shimane prefecture."
    start = text.index("Shimane")
    shimane = PlaceRef("Shimane", start, start + len("Shimane prefecture"), 132.49675, 35.00365, "JP", "admin1")
    (c,) = read_claims(text, [shimane], 0)
    assert (c.kind, c.bearing, c.text) == ("direction", 22.5, "NNE of Shimane prefecture")
    # lower-case "ne" is not a direction; "NE" is
    for word, expected in (("ne", []), ("NE", [45.0])):
        text = f"The object splashed down {word} of Shimane prefecture."
        start = text.index("Shimane")
        ref = PlaceRef("Shimane", start, start + 18, 132.49675, 35.00365, "JP", "admin1")
        assert [c.bearing for c in read_claims(text, [ref], 0)] == expected


def test_offshore_steps_off_the_land():
    claims, places = _read("The rocket came down off the east coast of Hokkaido.")
    (c,) = [c for c in claims if c.kind == "offshore"]
    assert c.bearing == 90
    hits = zones_at(*c.point, near_km=0)
    assert not [h for h in hits if h.kind == "land" and h.inside]
    hok = _place(places, "Hokkaido")
    assert c.point[0] > hok.lon


def test_region_north_east_of_shimane_inside_japans_eez(seed):
    a, places, quotes = seed
    t, off = _sentence(a, "The second")
    est = estimate_position(read_claims(t, places, off, "JP"), zone_geometry)
    shimane = next(p for p in places if p.text == "Shimane prefecture")
    assert est.area is not None and est.area.geom_type in ("Polygon", "MultiPolygon")
    # the area is inside Japan's EEZ and north-east of Shimane
    assert est.area.difference(zone_geometry("JP", "EEZ")).area < 1e-3
    b = bearing_deg(shimane.lon, shimane.lat, *est.point)
    assert 22.5 <= b <= 67.5
    hits = zones_at(*est.point, near_km=0)
    assert any(h.kind == "EEZ" and h.sovereign == "JP" and h.inside for h in hits)
    assert not any(h.kind == "land" and h.inside for h in hits)
    assert 50 < est.uncertainty_km < 400


def test_outside_the_zone_cuts_the_zone_away():
    claims, places = _read("Japan said the missile fell north-east of Shimane prefecture, outside its EEZ.", "JP")
    est = estimate_position(claims, zone_geometry)
    assert est.area.intersection(zone_geometry("JP", "EEZ")).area < 1e-3
    assert not any(h.sovereign == "JP" and h.kind == "EEZ" and h.inside for h in zones_at(*est.point, near_km=0))


def test_explicit_owner_beats_the_speaker():
    claims, _ = _read("South Korea said the missile fell inside Japan's exclusive economic zone.", "KR")
    (z,) = [c for c in claims if c.kind == "zone"]
    assert (z.zone_sovereign, z.inside, z.by) == ("JP", True, "KR")
    claims, _ = _read("Tokyo said the warhead landed outside the Japanese EEZ.")
    (z,) = [c for c in claims if c.kind == "zone"]
    assert (z.zone_sovereign, z.inside) == ("JP", False)


def test_no_claims_in_plain_sentences():
    claims, _ = _read("Talks have stalled since the Hanoi summit in February.")
    assert claims == []
