"""Tests of geo.spatial.zones on the real, committed zone data (geo/data/zones.npz).

Expected answers come from geography, not from the code: distances are measured with
pyproj's Geod, places from their published coordinates.
"""
from __future__ import annotations

import math

import pytest
import shapely
from pyproj import Geod

from geo.model import ZoneHit
from geo.spatial.zones import Zones

zones = Zones.load()
country_at, land_geometry, zone_geometry = zones.country_at, zones.land_geometry, zones.zone_geometry
zones_at, zones_at_many = zones.zones_at, zones.zones_at_many

GEOD = Geod(ellps="WGS84")

OKI_DOGO = (133.27, 36.27)  # Oki Islands (Shimane), Dogo island
ULLEUNGDO = (130.87, 37.50)
CAPE_ERIMO = (143.25, 41.93)  # Hokkaido
OGA = (139.70, 39.90)  # Oga Peninsula, Akita (as given in the brief)
WONSAN = (127.45, 39.15)
DOVER = (1.31, 51.12)
CALAIS = (1.85, 50.96)
TOKYO = (139.69, 35.69)
LIANCOURT = (131.87, 37.24)


def fwd(start, azimuth, km):
    lon, lat, _ = GEOD.fwd(start[0], start[1], azimuth, km * 1000.0)
    return lon, lat


def inside(hits, kind=None):
    return [h for h in hits if h.inside and (kind is None or h.kind == kind)]


def owners(lon, lat, kind=None):
    """States whose zone contains the point by equidistance (claims excluded)."""
    return {h.sovereign for h in inside(zones_at(lon, lat, 0.0), kind)
            if not h.name.endswith("(claimed)") and h.kind != "land"}


def land_km(lon, lat, sovereign):
    """Approximate distance from the point to the state's nearest land, in km."""
    for h in zones_at(lon, lat, near_km=500.0):
        if h.kind == "land" and h.sovereign == sovereign and not h.name.endswith("(claimed)"):
            return h.distance_km
    return math.inf


def test_hit_type():
    hits = zones_at(*TOKYO)
    assert hits and all(isinstance(h, ZoneHit) for h in hits)
    with pytest.raises(Exception):
        hits[0].inside = False  # frozen


def test_tokyo_is_land_in_japan():
    hits = zones_at(*TOKYO)
    land = inside(hits, "land")
    assert [(h.sovereign, h.name, h.disputed) for h in land] == [("JP", "Japan", False)]
    assert country_at(*TOKYO) == "JP"
    assert land_geometry().contains(shapely.Point(*TOKYO))


def test_country_at_other_places():
    assert country_at(2.35, 48.85) == "FR"  # Paris: Natural Earth has ISO_A2 -99 for France
    assert country_at(10.75, 59.91) == "NO"  # Oslo: likewise for Norway
    assert country_at(126.98, 37.57) == "KR"  # Seoul
    assert country_at(125.75, 39.03) == "KP"  # Pyongyang
    assert country_at(0.0, 0.0) is None  # Gulf of Guinea


def test_sea_of_japan_200km_nw_of_oki_is_japan_eez_as_claimed():
    # 200 km north-west of Oki lies ~70 km from Ulleungdo and ~40 km from the Liancourt Rocks:
    # by equidistance from the de facto (Korean-held) Liancourt Rocks it is Korea's, and Japan
    # claims it as its EEZ. Both appear and both are flagged disputed.
    lon, lat = fwd(OKI_DOGO, -45, 200)
    hits = zones_at(lon, lat)
    eez = {h.sovereign: h for h in inside(hits, "EEZ")}
    assert "JP" in eez and eez["JP"].disputed
    assert "KR" in eez and eez["KR"].disputed
    assert not inside(hits, "land") and not inside(hits, "territorial_sea")


def test_sea_of_japan_north_east_of_shimane_is_japan_eez():
    # 120 km north-east of Oki, 80 km off the Shimane/Tottori coast: plainly Japanese
    lon, lat = fwd(OKI_DOGO, 45, 120)
    assert owners(lon, lat) == {"JP"}
    hit = inside(zones_at(lon, lat), "EEZ")[0]
    assert hit.name == "Japan EEZ" and hit.sovereign == "JP"


def test_250km_west_of_oga_is_japan_eez():
    lon, lat = fwd(OGA, 270, 250)
    hits = zones_at(lon, lat)
    eez = inside(hits, "EEZ")
    assert [(h.sovereign, h.disputed) for h in eez] == [("JP", False)]
    assert zone_geometry("JP", "EEZ").contains(shapely.Point(lon, lat))
    assert not zone_geometry("KR", "EEZ").contains(shapely.Point(lon, lat))


def test_off_wonsan_is_north_korean_territorial_sea():
    lon, lat = fwd(WONSAN, 80, 12)  # 12 km east of Wonsan, in Yonghung Bay
    hits = zones_at(lon, lat)
    ts = inside(hits, "territorial_sea")
    assert [h.sovereign for h in ts] == ["KP"]
    assert ts[0].name == "North Korea territorial sea"
    assert not inside(hits, "EEZ")
    # land is near, and reported with its distance
    land = [h for h in hits if h.kind == "land" and h.sovereign == "KP"]
    assert land and not land[0].inside and 0 < land[0].distance_km < 22.3


def test_mid_pacific_east_of_cape_erimo_is_in_no_eez():
    lon, lat = fwd(CAPE_ERIMO, 90, 1180)
    assert inside(zones_at(lon, lat)) == []
    assert zones_at_many([lon], [lat]) == [[]]
    # ... while 300 km east of Cape Erimo is Japan's
    assert owners(*fwd(CAPE_ERIMO, 90, 300)) == {"JP"}


def test_liancourt_rocks_disputed_between_japan_and_korea():
    for lon, lat in (LIANCOURT, fwd(LIANCOURT, 30, 40), fwd(LIANCOURT, 200, 60)):
        hits = inside(zones_at(lon, lat))
        sovereigns = {h.sovereign for h in hits}
        assert {"JP", "KR"} <= sovereigns, (lon, lat, hits)
        assert all(h.disputed for h in hits if h.sovereign in ("JP", "KR"))
    d = [d for d in zones.disputes() if "Liancourt" in d["name"]]
    assert d and set(d[0]["claimants"]) == {"JP", "KR"}


def test_undisputed_waters_are_not_disputed():
    lon, lat = fwd(OGA, 270, 60)
    assert all(not h.disputed for h in zones_at(lon, lat))
    lon, lat = fwd(WONSAN, 80, 12)
    assert all(not h.disputed for h in zones_at(lon, lat))


def _switch(a, b, n=80):
    """Points along the geodesic a->b with the owner changing exactly once; the switch."""
    pts = GEOD.npts(a[0], a[1], b[0], b[1], n)
    own = [owners(x, y) for x, y in pts]
    # drop the ends that are on land
    while own and not own[0]:
        pts, own = pts[1:], own[1:]
    while own and not own[-1]:
        pts, own = pts[:-1], own[:-1]
    return pts, own


def test_korea_japan_median_line_lies_between_them():
    # Busan -> Tsushima, and Ulleungdo -> Oki
    for a, b in (((129.08, 35.08), (129.35, 34.62)), (ULLEUNGDO, OKI_DOGO)):
        pts, own = _switch(a, b)
        labels = ["KR" if o == {"KR"} else "JP" if o == {"JP"} else "?" for o in own]
        assert labels[0] == "KR" and labels[-1] == "JP"
        k = labels.index("JP")
        assert labels[:k] == ["KR"] * k and labels[k:] == ["JP"] * (len(labels) - k), labels
        # at the switch, the two coasts are about equally far
        for x, y in pts[k - 1:k + 1]:
            d_kr, d_jp = land_km(x, y, "KR"), land_km(x, y, "JP")
            assert abs(d_kr - d_jp) <= 0.08 * max(d_kr, d_jp) + 3, (x, y, d_kr, d_jp)


def test_dover_calais_split_between_gb_and_fr():
    pts, own = _switch(DOVER, CALAIS, 40)
    labels = ["GB" if o == {"GB"} else "FR" if o == {"FR"} else "?" for o in own]
    assert labels[0] == "GB" and labels[-1] == "FR"
    k = labels.index("FR")
    assert labels[:k] == ["GB"] * k and labels[k:] == ["FR"] * (len(labels) - k), labels
    # the strait is 33 km wide: everything is territorial sea, none of it EEZ
    for x, y in pts[2:-2]:
        kinds = {h.kind for h in inside(zones_at(x, y, 0.0))}
        assert kinds == {"territorial_sea"}, (x, y, kinds)
    mid = GEOD.npts(*DOVER, *CALAIS, 1)[0]
    near = {h.sovereign for h in zones_at(*mid, near_km=5.0) if h.kind == "territorial_sea"}
    assert near == {"GB", "FR"}


def test_territorial_sea_width_is_12_nautical_miles():
    # Heading west out to sea from Akita's straight coast: territorial sea while the nearest
    # Japanese land is closer than 22.2 km, EEZ beyond (allowing ~2 km for simplification).
    seen = set()
    for km in range(1, 60, 2):
        lon, lat = fwd((140.06, 39.40), 270, km)
        kinds = {h.kind for h in inside(zones_at(lon, lat, 0.0))}
        d = land_km(lon, lat, "JP")
        if kinds == {"land"}:
            continue
        if d < 20.2:
            assert kinds == {"territorial_sea"}, (km, d, kinds)
        elif d > 24.2:
            assert kinds == {"EEZ"}, (km, d, kinds)
        seen |= kinds
    assert seen == {"territorial_sea", "EEZ"}


def test_eez_width_is_200_nautical_miles_in_open_ocean():
    # Bermuda stands alone in the Atlantic: 350 km out is its EEZ (British), 400 km is not.
    bermuda = (-64.75, 32.30)
    for az in (0, 90, 180, 270):
        hits = inside(zones_at(*fwd(bermuda, az, 350), 0.0))
        assert [(h.kind, h.sovereign) for h in hits] == [("EEZ", "GB")], (az, hits)
        assert "Bermuda" in hits[0].name
        assert inside(zones_at(*fwd(bermuda, az, 400), 0.0)) == []


def test_other_hot_spots_disputed():
    cases = [((123.55, 25.80), {"JP", "CN", "TW"}),  # Senkaku / Diaoyu
             ((146.00, 44.00), {"RU", "JP"}),  # southern Kurils
             ((114.00, 10.00), {"CN", "VN", "PH"}),  # Spratly Islands
             ((112.00, 16.50), {"CN", "VN"}),  # Paracel Islands
             ((125.20, 37.65), {"KR", "KP"})]  # Yellow Sea NLL waters, off Yeonpyeong
    for (lon, lat), expected in cases:
        hits = inside(zones_at(lon, lat))
        assert expected <= {h.sovereign for h in hits}, (lon, lat, hits)
        assert all(h.disputed for h in hits), (lon, lat, hits)


def test_korean_nll_islands_are_south_korean():
    # Baengnyeong and Yeonpyeong lie ~15 km off North Korea but are South Korea's
    assert country_at(124.68, 37.96) == "KR"
    assert country_at(125.70, 37.67) == "KR"
    assert "KR" in {h.sovereign for h in inside(zones_at(124.75, 37.93, 0.0), "territorial_sea")}


def test_land_dispute_kashmir():
    hits = inside(zones_at(75.5, 34.5))  # Kashmir valley
    assert {h.sovereign for h in hits} == {"IN", "PK"}
    assert all(h.kind == "land" and h.disputed for h in hits)


def test_antimeridian():
    # Fiji's islands straddle 180°: its zones exist on both sides
    for lon in (179.9, -179.9):
        assert owners(lon, -17.0) == {"FJ"}
    # Bering Strait: Russia west, the United States east of the median line
    assert owners(-170.5, 65.8) == {"RU"}
    assert owners(-168.0, 65.8) == {"US"}


def test_caspian_has_no_sea_zones():
    assert inside(zones_at(51.0, 42.0)) == []


def test_zone_geometry_and_land_geometry():
    jp = zone_geometry("JP", "EEZ")
    assert jp.geom_type in ("Polygon", "MultiPolygon") and not jp.is_empty
    assert not jp.contains(shapely.Point(*TOKYO))
    assert zone_geometry("JP", "land").contains(shapely.Point(*TOKYO))
    kr_ts = zone_geometry("KR", "territorial_sea")
    assert not kr_ts.intersects(shapely.Point(*fwd(OGA, 270, 250)))
    assert zone_geometry("ZZ", "EEZ").is_empty
    with pytest.raises(ValueError):
        zone_geometry("JP", "contiguous_zone")
    land = land_geometry()
    assert land.contains(shapely.Point(126.98, 37.57))
    assert not land.contains(shapely.Point(*fwd(OGA, 270, 250)))


def test_zones_at_many_matches_zones_at():
    pts = [TOKYO, fwd(OGA, 270, 250), fwd(WONSAN, 80, 12), LIANCOURT,
           fwd(CAPE_ERIMO, 90, 1180), (1.58, 51.04)]
    many = zones_at_many([p[0] for p in pts], [p[1] for p in pts])
    for (lon, lat), hits in zip(pts, many):
        one = inside(zones_at(lon, lat))
        assert sorted((h.kind, h.sovereign, h.disputed) for h in hits) == \
            sorted((h.kind, h.sovereign, h.disputed) for h in one)


def test_near_zones_have_distances():
    lon, lat = fwd(OGA, 270, 250)
    for h in zones_at(lon, lat, near_km=400.0):
        assert (h.distance_km == 0.0) == h.inside
        assert 0.0 <= h.distance_km <= 400.0
    # The Japanese coast near Oga is ~250 km away
    d = land_km(lon, lat, "JP")
    assert 200 < d < 260


# --- unions made at build time (geo.build.zone_unions) -------------------------------------------

@pytest.mark.parametrize("state,kind", [("JP", "EEZ"), ("NO", "land"), ("YE", "territorial_sea"),
                                        ("FR", "EEZ"), ("CL", "land")])
def test_a_union_made_at_build_time_is_the_union_made_at_run_time(state, kind):
    made = zones._made_unions()
    assert f"{state}|{kind}" in made
    assert shapely.from_wkb(made[f"{state}|{kind}"]).wkb == zones.union_of(state, kind).wkb


def test_unions_made_from_another_zones_file_are_not_used(tmp_path):
    import shutil

    import numpy as np

    from geo.build.zone_unions import build_unions
    from geo.spatial.zones import DEFAULT_ZONES_FILE, unions_path

    copy = tmp_path / "zones.npz"
    shutil.copy(DEFAULT_ZONES_FILE, copy)
    built = build_unions(copy)
    assert built == unions_path(copy) and Zones(copy)._made_unions()       # same file: used
    with np.load(built) as z:                                               # a stale hash: ignored
        arrays = {k: z[k] for k in z.files}
    arrays["meta"] = np.array(str(arrays["meta"]).replace('"zones_sha256": "', '"zones_sha256": "0'))
    np.savez_compressed(built, **arrays)
    stale = Zones(copy)
    assert stale._made_unions() == {}
    assert stale.zone_geometry("JP", "EEZ").wkb == zones.zone_geometry("JP", "EEZ").wkb
