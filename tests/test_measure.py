"""Geodesic helpers and distance units (geo.measure), checked against pyproj and by hand."""
from __future__ import annotations


import pytest
from pyproj import Geod

from geo.spatial.measure import (KM_PER_MILE, KM_PER_NAUTICAL_MILE, area_summary, bearing_deg, compass, destination,
                         distance_km, parse_direction, parse_distance, sector, to_km, unit_km)

WONSAN = (127.44361, 39.15278)
SHIMANE = (132.49675, 35.00365)
GEOD = Geod(ellps="WGS84")


def test_distance_is_geodesic_not_degrees():
    _, _, m = GEOD.inv(*WONSAN, *SHIMANE)
    d = distance_km(*WONSAN, *SHIMANE)
    assert abs(d - m / 1000.0) < 0.001
    assert 635 < d < 650
    # one degree of longitude at 60°N is about half a degree at the equator
    assert distance_km(0, 60, 1, 60) == pytest.approx(55.8, abs=0.2)
    assert distance_km(0, 0, 1, 0) == pytest.approx(111.32, abs=0.01)


@pytest.mark.parametrize("start,bearing,dist", [
    (WONSAN, 45.0, 500.0), (SHIMANE, 300.0, 1180.0), ((143.24, 41.93), 90.0, 1180.0),
    ((-70.0, -50.0), 200.0, 3000.0), ((179.5, 10.0), 90.0, 200.0),
])
def test_destination_bearing_round_trip(start, bearing, dist):
    lon, lat = destination(*start, bearing, dist)
    assert distance_km(*start, lon, lat) == pytest.approx(dist, abs=1e-6)
    assert bearing_deg(*start, lon, lat) == pytest.approx(bearing, abs=1e-6)


def test_bearing_range_and_cardinals():
    assert bearing_deg(0, 0, 0, 1) == pytest.approx(0.0, abs=1e-9)
    assert bearing_deg(0, 0, 1, 0) == pytest.approx(90.0, abs=1e-9)
    assert bearing_deg(0, 0, -1, 0) == pytest.approx(270.0, abs=1e-9)
    assert 0.0 <= bearing_deg(*SHIMANE, *WONSAN) < 360.0
    # Wonsan lies north-west of Shimane; Shimane south-east of Wonsan
    assert compass(bearing_deg(*SHIMANE, *WONSAN)) == "NW"
    assert compass(bearing_deg(*WONSAN, *SHIMANE)) == "SE"


@pytest.mark.parametrize("bearing,eight,sixteen", [
    (0, "N", "N"), (359, "N", "N"), (22.4, "N", "NNE"), (30, "NE", "NNE"), (45, "NE", "NE"),
    (90, "E", "E"), (200, "S", "SSW"), (292.5, "NW", "WNW"), (-45, "NW", "NW"),
])
def test_compass(bearing, eight, sixteen):
    assert compass(bearing) == eight
    assert compass(bearing, points=16) == sixteen


@pytest.mark.parametrize("word,deg", [
    ("north", 0), ("east", 90), ("south", 180), ("west", 270), ("north-east", 45), ("northeast", 45),
    ("north east", 45), ("North-East", 45), ("NE", 45), ("NNE", 22.5), ("north-northeast", 22.5),
    ("east-northeast", 67.5), ("south-west", 225), ("WNW", 292.5), ("NW", 315),
])
def test_parse_direction(word, deg):
    assert parse_direction(word) == pytest.approx(deg)


@pytest.mark.parametrize("word", ["ne", "upward", "northern lights", ""])
def test_parse_direction_rejects(word):
    assert parse_direction(word) is None


def test_units():
    assert unit_km("km") == 1.0
    assert unit_km("kilometres") == unit_km("kilometers") == 1.0
    assert unit_km("miles") == KM_PER_MILE == 1.609344
    assert unit_km("nautical miles") == unit_km("nm") == KM_PER_NAUTICAL_MILE == 1.852
    assert to_km(200, "nautical miles") == pytest.approx(370.4)
    assert to_km(100, "miles") == pytest.approx(160.9344)
    with pytest.raises(ValueError):
        unit_km("degrees")


@pytest.mark.parametrize("text,km", [
    ("about 1,180 km east of Cape Erimo", 1180.0), ("350 kilometres west", 350.0),
    ("200 nautical miles", 370.4), ("some 600 miles", 965.6064), ("300 to 350 km west", 325.0),
    ("12 nm off the coast", 22.224),
])
def test_parse_distance(text, km):
    assert parse_distance(text) == pytest.approx(km)


def test_parse_distance_none():
    assert parse_distance("two missiles") is None


def test_sector_spans_bearing_and_radius():
    s = sector(*SHIMANE, 45.0, 22.5, 400.0)
    assert s.is_valid
    (lon, lat), radius = area_summary(s)
    assert s.contains(__import__("shapely").Point(lon, lat))
    b = bearing_deg(*SHIMANE, lon, lat)
    assert 22.5 <= b <= 67.5
    d = distance_km(*SHIMANE, lon, lat)
    assert 150 < d < 350              # a wedge's centroid lies about two thirds out
    assert 80 < radius < 300
