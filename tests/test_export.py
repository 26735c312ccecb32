"""RFC 7946 details of the GeoJSON export, on the seed's real output."""
import json

from geo.io.export import rfc7946_geometry, to_feature_collection
from tests.conftest import SEED, analyse


def signed_area(ring):
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:])) / 2


def decimals_ok(c):
    if isinstance(c[0], (int, float)):
        return all(round(x, 6) == x for x in c)
    return all(decimals_ok(x) for x in c)


def test_seed_export_follows_rfc7946():
    fc = to_feature_collection(analyse(SEED.read_text("utf-8"), date="2019-10-02", timezone="Asia/Tokyo"))
    json.dumps(fc)                                            # plain JSON all the way down
    polygons = 0
    for f in fc["features"]:
        g = f["geometry"]
        if not g:
            continue
        assert decimals_ok(g["coordinates"])
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"] if g["type"] == "MultiPolygon" else []
        for poly in polys:
            polygons += 1
            assert signed_area(poly[0]) > 0                   # exterior counter-clockwise
            assert all(signed_area(h) < 0 for h in poly[1:])  # holes clockwise
    assert polygons >= 2      # the region north-east of Shimane and Japan's EEZ


def test_lines_across_the_antimeridian_are_split():
    g = rfc7946_geometry({"type": "LineString", "coordinates": [[170.0, 50.0], [-170.0, 52.0], [-160.0, 53.0]]})
    assert g["type"] == "MultiLineString"
    first, second = g["coordinates"]
    assert first[-1] == [180.0, 51.0] and second[0] == [-180.0, 51.0]
    assert second[-1] == [-160.0, 53.0]
    same = rfc7946_geometry({"type": "LineString", "coordinates": [[127.444444444, 39.15], [133.0, 35.5]]})
    assert same == {"type": "LineString", "coordinates": [[127.444444, 39.15], [133.0, 35.5]]}


def test_every_feature_carries_provenance():
    fc = to_feature_collection(analyse(SEED.read_text("utf-8"), article_id="seed", date="2019-10-02"))
    kinds = set()
    for f in fc["features"]:
        prov = f["properties"]["provenance"]
        kinds.add(f["properties"]["kind"])
        assert prov["article_id"] == "seed" and prov["tool"].startswith("newsmap ")
    assert kinds == {"place", "event", "relation", "area", "zone"}
    events = [f for f in fc["features"] if f["properties"]["kind"] == "event"]
    assert all(f["properties"]["provenance"]["sentence_offsets"] for f in events)
