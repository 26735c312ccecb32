"""Events on the page: markers by type (icon and colour from the taxonomy, never from the article),
a legend entry per type present, and the side panel's type, time, actor, counts, places and
sentences (geo/apps/page/mapview.py, geo/apps/page/panels.py)."""
from __future__ import annotations

from geo.apps.page import mapview, panels
from geo.events.taxonomy import BY_NAME
from geo.io.export import to_feature_collection

from conftest import analyse

REPORT = ("Gunmen opened fire on worshippers at a mosque in Kano on Friday, killing 10 people, police said. "
          "A magnitude 6.1 earthquake struck 30 km north of Kano the same day.")


def _fc() -> dict:
    return to_feature_collection(analyse(REPORT, date="2024-01-08"))


def test_markers_take_their_type_s_icon_and_colour():
    fc = _fc()
    drawn = [f for f in mapview._overlay_features(fc)["events"]]
    assert {f["properties"]["type"] for f in drawn} == {"shooting", "earthquake"}
    for f in drawn:
        t = BY_NAME[f["properties"]["type"]]
        assert f["properties"]["colour"] == t.colour
        assert f["properties"]["icon"] == f"&#{ord(t.icon)};"


def test_a_forged_colour_or_icon_in_the_data_is_not_drawn():
    fc = _fc()
    for f in fc["features"]:
        if f["properties"]["kind"] == "event":
            f["properties"]["colour"] = "red;background:url(javascript:alert(1))"
            f["properties"]["icon"] = "<img src=x onerror=alert(1)>"
    for f in mapview._overlay_features(fc)["events"]:
        assert "<" not in f["properties"]["icon"] and f["properties"]["colour"].startswith("#")


def test_the_legend_lists_the_types_present():
    # each drawn event carries its type's label for the legend, which the map builds from what is drawn
    labels = {f["properties"]["legend"] for f in mapview._overlay_features(_fc())["events"]}
    assert labels == {"Shooting", "Earthquake"}
    assert mapview._overlay_features({"features": []})["events"] == []
    html = mapview.build_map(_fc()).get_root().render()
    assert "geo-legend" in html


def test_the_panel_shows_type_actor_counts_places_and_sentences():
    fc = _fc()
    p = next(f["properties"] for f in fc["features"] if f["properties"].get("type") == "shooting")
    html = panels.event_html(p, 12.0, 8.5)
    assert "<b>Type:</b> Shooting" in html and "<b>Actor:</b> Gunmen" in html
    assert "10 killed" in html and "“Kano”" in html
    assert "Gunmen opened fire on worshippers" in html
    rows = mapview.places_and_events_rows(fc)
    assert {"Shooting", "Earthquake"} <= {r["type"] for r in rows if r["kind"] == "event"}
