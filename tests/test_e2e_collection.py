"""End to end: the collection view in Debian's chromium. A store of real analyses (the seeds in
dated variants, so places and events have several reports); the time range and each filter change
the markers; a copied URL shows the same markers; a click on a place or an event lists the
sentences of several articles; a cluster click zooms in; the exports are valid; nothing leaves
localhost. Never skipped (see test_e2e_browser)."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from geo.store import open_store
from tests.conftest import ROOT
from tests.store_helpers import seed_variants
from tests.test_e2e_browser import TIMEOUT_MS, _external, _free_port, _wait_http

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
KOREA = "lat=37.5&lon=133&z=5"
REFS = """() => { const out = [];
    if (!window.map) return null;
    window.map.eachLayer(l => { const p = l.feature && l.feature.properties;
        if (p && l._icon && p.ref) out.push(p.ref + (p.n ? "#" + p.n : "")); });
    return out.sort(); }"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The page on a store of the seeds in three dated variants each."""
    where = tmp_path_factory.mktemp("collection")
    with open_store(where / "store.sqlite") as store:
        store.add(seed_variants(3))
    port = _free_port()
    args = ["--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    log = open(where / "streamlit.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"), *args],
                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            env=dict(os.environ, PYTHONUNBUFFERED="1", NEWSMAP_STORE=str(where / "store.sqlite")))
    try:
        _wait_http(f"http://127.0.0.1:{port}/_stcore/health", proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
        if proc.returncode not in (0, -15):
            print((where / "streamlit.log").read_text(errors="replace")[-4000:])



def _frame(page):
    page.frame_locator(MAP_FRAME).locator(".leaflet-container").first.wait_for(timeout=TIMEOUT_MS)
    return next(f for f in page.frames if "st_folium" in f.url)


def markers(page, settle: float = 1.5) -> list[str]:
    """The refs of the markers drawn, once they have not changed for `settle` seconds."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        try:
            refs = _frame(page).evaluate(REFS)
        except Exception:          # the frame is replaced while Streamlit reruns
            refs = None
        if refs != last:
            last, since = refs, time.monotonic()
        elif refs is not None and time.monotonic() - since >= settle:
            return refs
        page.wait_for_timeout(250)
    raise AssertionError("the markers never settled")


def open_view(context, server, query: str):
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{server}/?view=collection&{query}")
    return page


def test_filters_shared_url_clicks_and_exports(server, browser, tmp_path):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    page = open_view(context, server, KOREA)
    base = markers(page)
    assert len(base) >= 5 and any(r.startswith(("e:", "c:e:")) for r in base)
    assert any(r.startswith(("p:", "c:p:")) for r in base)

    # 1. each filter, from the URL, changes the markers shown
    for query in ("from=2019-01-01&to=2019-12-31", "type=launch", "type=place", "area=EEZ:JP", "source=Wire+A",
                  "actor=North+Korea&type=launch&type=impact", "conf=0.99", "q=Hokkaido"):
        p = open_view(context, server, f"{KOREA}&{query}")
        shown = markers(p)
        assert shown and shown != base, query
        if query == "type=launch":
            launches = shown
        p.close()

    # 2. the time range slider and the type filter, used as a user would
    base = markers(page, settle=3.0)            # (the view as the browser reported it, surely)
    page.get_by_role("slider").first.focus()
    page.keyboard.press("End")                  # the range's start to its end: the last day only
    page.wait_for_timeout(500)
    narrowed = markers(page)
    assert narrowed != base
    page.keyboard.press("Home")                 # and back
    assert markers(page) == base
    page.locator("[data-testid='stMultiSelect']").first.click()
    page.keyboard.type("launch")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    assert markers(page) == launches
    assert parse_qs(urlsplit(page.url).query)["type"] == ["missile_launch"]

    # 3. the copied URL shows the same markers in a fresh browser
    fresh = browser.new_context(viewport={"width": 1400, "height": 1000})
    copy = fresh.new_page()
    copy.goto(page.url)
    assert markers(copy) == launches
    fresh.close()

    # 4. a click on a launch lists the reports of it, each with its article and sentences
    page.goto(f"{server}/?view=collection&lat=39.2&lon=127.4&z=10&type=launch")
    refs = markers(page)
    frame = _frame(page)
    frame.evaluate("""(ref) => { window.map.eachLayer(l => {
        if (l.feature && l._icon && l.feature.properties.ref === ref) { l.setZIndexOffset(10000); l._icon.id = "e2e-hit"; } }); }""",
                   refs[0].split("#")[0])
    page.frame_locator(MAP_FRAME).locator("#e2e-hit").click()
    page.get_by_text("Reported in").wait_for()
    assert page.locator(".geo-report").count() >= 2
    assert "fired" in " ".join(page.locator(".geo-sentence").all_inner_texts())

    # 5. a click on Tokyo lists the sentences of several articles, the name marked
    page.goto(f"{server}/?view=collection&lat=35.68&lon=139.7&z=10&type=place")
    markers(page)
    found = _frame(page).evaluate("""() => { let hit = false; window.map.eachLayer(l => {
        if (!hit && l.feature && l._icon && String(l.feature.properties.name).startsWith("Tokyo")) {
            l.setZIndexOffset(10000); l._icon.id = "e2e-tokyo"; hit = true; } }); return hit; }""")
    assert found
    page.frame_locator(MAP_FRAME).locator("#e2e-tokyo").click()
    page.get_by_text("Named in").wait_for()
    assert page.locator(".geo-report").count() >= 3
    assert page.locator(".geo-sentence mark", has_text="Tokyo").count() >= 3
    assert "sel" in parse_qs(urlsplit(page.url).query)

    # 6. the exports of the selection
    with page.expect_download() as dl:
        page.get_by_role("button", name="Export GeoJSON").click()
    dl.value.save_as(tmp_path / "sel.geojson")
    fc = json.loads((tmp_path / "sel.geojson").read_text(encoding="utf-8"))
    assert fc["type"] == "FeatureCollection" and fc["features"]
    assert {f["properties"]["kind"] for f in fc["features"]} == {"place"}
    with page.expect_download() as dl:
        page.get_by_role("button", name="Export CSV").click()
    dl.value.save_as(tmp_path / "sel.csv")
    rows = list(csv.DictReader((tmp_path / "sel.csv").open(encoding="utf-8")))
    assert any(r["mention"] == "Tokyo" for r in rows)

    # 7. zoomed out, a cluster click zooms in
    page.goto(f"{server}/?view=collection&lat=30&lon=130&z=2")
    clusters = [r for r in markers(page) if r.startswith("c:")]
    assert clusters
    _frame(page).evaluate("""(ref) => { window.map.eachLayer(l => {
        if (l.feature && l._icon && l.feature.properties.ref === ref) { l.setZIndexOffset(10000); l._icon.id = "e2e-cluster"; } }); }""",
                          clusters[0].split("#")[0])
    page.frame_locator(MAP_FRAME).locator("#e2e-cluster").click()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and parse_qs(urlsplit(page.url).query).get("z") == ["2"]:
        page.wait_for_timeout(300)
    assert int(parse_qs(urlsplit(page.url).query)["z"][0]) > 2

    assert _external(requests) == []
    context.close()
