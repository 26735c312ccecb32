"""The collection view: its state in the URL, the grid that bounds the markers, the panels, and the
view itself run by Streamlit's AppTest on a store of real analyses."""
from __future__ import annotations

import re

import numpy as np
import pytest

from geo.apps.page import collection_map as cmap
from geo.apps.page import collection_panels as panels
from geo.apps.page.viewstate import ViewState, from_query, to_query
from geo.store import open_store
from geo.store.query import Filter, build_snapshot, select
from tests.conftest import ROOT
from tests.store_helpers import seed_variants

APP = str(ROOT / "streamlit_app.py")


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("collection") / "store.sqlite"
    s = open_store(path)
    s.add(seed_variants(3))
    s.close()
    return path


def test_view_state_round_trips_through_the_url():
    state = ViewState(Filter(start="2019-03-01", end="2019-06-30", kinds=("launch", "impact"), areas=("EEZ:JP",),
                             sources=("Wire A",), actors=("North Korea",), min_confidence=0.5, text="ballistic"),
                      lat=38.5, lon=132.1, zoom=5, selected="e:42")
    q = to_query(state)
    assert q["view"] == "collection" and q["type"] == ["missile_launch", "missile_impact"]
    assert from_query(q) == state
    # malformed values are ignored, never raised
    bad = from_query({"conf": ["x"], "lat": ["200"], "lon": ["1"], "z": ["3"], "from": ["<script>"]})
    assert bad.filter.min_confidence == 0.0 and bad.zoom is None and bad.filter.start == "<script>"[:10]


def test_grid_bounds_the_markers_and_is_deterministic():
    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(-180, 180, 100_000), rng.uniform(-60, 70, 100_000)
    for zoom in (1, 3, 6, 10):
        box = cmap.view_box(20, 10, zoom)
        singles, clusters = cmap.grid(lon, lat, zoom, box)
        assert len(singles) + len(clusters) <= 2500, zoom
        assert sum(len(c[2]) for c in clusters) + len(singles) == int(cmap._in(lon, lat, cmap._padded(box)).sum())
        again = cmap.grid(lon, lat, zoom, box)
        assert np.array_equal(again[0], singles) and len(again[1]) == len(clusters)
    # zoomed in far with few items: each one its own marker
    singles, clusters = cmap.grid(np.array([10.0, 10.0001]), np.array([5.0, 5.0]), 12, cmap.view_box(5, 10, 12))
    assert len(singles) == 2 and not clusters
    # zoomed out, two reports of one place are one cluster
    singles, clusters = cmap.grid(np.array([10.0, 10.0001]), np.array([5.0, 5.0]), 3, cmap.view_box(5, 10, 3))
    assert not len(singles) and len(clusters) == 1


def test_panels_list_every_report_escaped(store_path):
    s = open_store(store_path)
    snap = build_snapshot(s)
    sel = select(snap, Filter())
    k = list(snap.pl_name).index("Tokyo")
    pid = int(snap.pl_id[k])
    reports = s.place_mentions(pid, s.place_articles(pid))
    assert len(reports) >= 3
    reports[0]["title"] = "<img src=x onerror=alert(1)>"
    html = panels.place_panel_html("Tokyo", {"lat": 35.7, "lon": 139.7}, reports, len(reports))
    assert html.count("geo-report") == len(reports) and "<img" not in html and "&lt;img" in html
    assert "<mark>Tokyo</mark>" in html
    launch = int(np.flatnonzero(snap.ev["type"] == "missile_launch")[0])
    same = panels.same_event(snap, sel, launch)
    assert launch in same and len(same) >= 3          # the three variants report one launch
    feats = s.features([int(snap.ev["id"][i]) for i in same])
    assert panels.event_panel_html(feats[0], feats).count("geo-report") == len(same)
    df, what = panels.timeline_frame(snap, sel)
    assert what.endswith("events") and df["count"].sum() == len(sel.events)
    assert len(panels.table_frame(snap, sel)) == len(sel.events) + len(sel.places)
    s.close()


def test_map_markers_are_text_and_its_files_are_local(store_path):
    """The map's data: markers with plain-text names (the map sets them as text, so they are not
    HTML-escaped: "Côte d'Ivoire" stays readable) and files from the page's server or inlined; its
    script never turns data into HTML."""
    s = open_store(store_path)
    snap = build_snapshot(s)
    s.close()
    feats, counts = cmap.marker_features(snap, select(snap, Filter()), 3, cmap.view_box(30, 130, 3))
    assert feats and sum(counts.values()) == len(feats)
    assert all(isinstance(f["properties"]["name"], str) and "&#" not in f["properties"]["name"] for f in feats)
    served = cmap.map_assets("app/static/")
    urls = served["js"] + served["css"] + served["basemap_js"] + [served["tiles"]]
    assert all(u.startswith("app/static/") for u in urls) and served["lite"] is None
    inline = cmap.map_assets(None)
    assert all(u.startswith("data:") for u in inline["js"] + inline["css"] + inline["basemap_js"])
    assert inline["tiles"] is None and inline["lite"]
    js = (ROOT / "geo" / "apps" / "page" / "collection_map.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in js, sink
    assert "textContent" in js


def _app(monkeypatch, store_path, **params):
    from streamlit.testing.v1 import AppTest
    monkeypatch.setenv("NEWSMAP_STORE", str(store_path))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["view"] = "collection"
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def _q(at, key) -> list:
    v = at.query_params[key]
    return v if isinstance(v, list) else [v]


def _shown(at) -> tuple[int, int]:
    text = " ".join(h.proto.body for h in at.get("html"))
    m = re.search(r"([\d,]+) events and ([\d,]+) places shown", text)
    return int(m.group(1).replace(",", "")), int(m.group(2).replace(",", ""))


def test_collection_view_reads_the_url_and_writes_it_back(monkeypatch, store_path):
    at = _app(monkeypatch, store_path)
    n_ev, n_pl = _shown(at)
    assert n_ev >= 20 and n_pl >= 20
    assert at.slider(key="c_range") is not None
    assert {"lat", "lon", "z"} <= set(at.query_params)
    at2 = _app(monkeypatch, store_path, type="launch", lat="38", lon="130", z="5")
    ev2, pl2 = _shown(at2)
    assert pl2 == 0 and 0 < ev2 < n_ev
    assert at2.multiselect(key="c_kinds").value == ["missile_launch"]     # the old name read as the type
    assert _q(at2, "type") == ["missile_launch"] and _q(at2, "z") == ["5"]
    # a widget change filters and goes to the URL
    at2.multiselect(key="c_kinds").set_value(["overflight"]).run()
    assert _q(at2, "type") == ["overflight"] and 0 < _shown(at2)[0] < ev2
    # the timeline's legend: the taxonomy's labels under the bars (an Altair legend squeezed them away)
    html = " ".join(h.proto.body for h in at.get("html"))
    assert "Missile launch</span>" in html and "Missile impact</span>" in html
    assert at.multiselect(key="c_kinds").format_func("missile_launch") == "Missile launch"


def test_collection_view_selected_place_from_the_url(monkeypatch, store_path):
    s = open_store(store_path)
    snap = build_snapshot(s)
    key = snap.pl_key[list(snap.pl_name).index("Tokyo")]
    s.close()
    at = _app(monkeypatch, store_path, sel=f"p:{key}")
    html = " ".join(h.proto.body for h in at.get("html"))
    assert html.count("geo-report") >= 3 and "<mark>Tokyo</mark>" in html


def test_broken_store_is_a_clear_error_on_the_page(monkeypatch, tmp_path):
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a store" * 50)
    at = _app(monkeypatch, junk)
    errors = [h.proto.body for h in at.get("html") if "geo-error" in h.proto.body]
    assert errors and "not a newsmap store" in errors[0]


def test_empty_store_says_how_to_fill_it(monkeypatch, tmp_path):
    at = _app(monkeypatch, tmp_path / "new.sqlite")
    assert any("The store is empty" in i.value for i in at.info)
    assert _shown(at) == (0, 0)


def test_filters_that_let_nothing_through(monkeypatch, store_path):
    at = _app(monkeypatch, store_path, q="zzzyxnotaword")
    assert _shown(at) == (0, 0)
