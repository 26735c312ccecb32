"""End to end: the collection view in Debian's chromium. A store of real analyses (the seeds in
dated variants, so places and events have several reports); the time range and each filter change
the markers; a copied URL shows the same markers; a click on a place or an event lists the
sentences of several articles; a cluster click zooms in; the exports are valid; nothing leaves
localhost. The map is drawn in the page's own document (no iframe): the markers are found there,
each icon carrying its feature's `ref` (data-ref) and name (aria-label). An article full of
script-injection payloads in the store stays text. Never skipped (see test_e2e_browser)."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
import zlib
from urllib.parse import parse_qs, urlsplit

import pytest

from geo.store import open_store
from geo.store.records import ArticleRecord, PlaceRow, dumps, text_hash
from tests.conftest import ROOT
from tests.store_helpers import seed_variants
from tests.test_e2e_browser import TIMEOUT_MS, _external, _free_port, _wait_http

KOREA = "lat=37.5&lon=133&z=5"
MARKERS = ".geo-cmap .leaflet-marker-icon"
# the refs of the markers drawn in the page's document, a cluster's with its count
REFS = """(sel) => Array.from(document.querySelectorAll(sel)).filter(el => el.dataset.ref)
    .map(el => el.dataset.ref + (el.classList.contains("marker-cluster") ? "#" + el.textContent : "")).sort()"""
# an article of script-injection payloads, placed in the South Pacific (away from the seeds)
HOSTILE = "lat=-20&lon=-150&z=6"
PAYLOADS = ("<img src=x onerror=window.__xss=1>", "<svg onload=window.__xss=2>", "${window.__xss=3}",
            "</script><script>window.__xss=4</script>", "`+(window.__xss=5)+`")


def hostile_record() -> ArticleRecord:
    """An article whose title, sentences, place name and event label are script-injection payloads."""
    text = " ".join(f"Boats met at the atoll {p} on Monday." for p in PAYLOADS)
    name = "Atoll " + PAYLOADS[0]
    men = [{"start": 22, "end": 27, "text": "atoll", "kind": "toponym", "sentence": text, "article_id": "hostile"}]
    place = PlaceRow("c-150.000000,-20.000000", -150.0, -20.0, dumps({"kind": "place", "name": name, "feature_type": "island",
                                                            "country_code": "", "source": "test"}),
                     0.9, 1, dumps(men))
    event = dumps({"type": "Feature", "geometry": {"type": "Point", "coordinates": [-149.0, -20.5]},
                   "properties": {"kind": "event", "type": "missile_impact", "label": "Blast " + PAYLOADS[1] + PAYLOADS[2],
                                  "time": "2019-06-01", "sentences": [text], "article_id": "hostile",
                                  "provenance": {"title": "Title " + PAYLOADS[3], "date": "2019-06-01",
                                                 "article_id": "hostile"}}})
    return ArticleRecord(article_id="hostile", text_hash=text_hash(text), title="Title " + PAYLOADS[3], date="2019-06-01",
                         text=text, places=[place], events=[event], extras=zlib.compress(event.encode()), n_features=1)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The page on a store of the seeds in three dated variants each."""
    where = tmp_path_factory.mktemp("collection")
    with open_store(where / "store.sqlite") as store:
        store.add(seed_variants(3) + [hostile_record()])
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



def markers(page, settle: float = 1.5) -> list[str]:
    """The refs of the markers drawn, once they have not changed for `settle` seconds."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        try:
            refs = page.evaluate(REFS, MARKERS) or None
        except Exception:          # the page navigates
            refs = None
        if refs != last:
            last, since = refs, time.monotonic()
        elif refs is not None and time.monotonic() - since >= settle:
            return refs
        page.wait_for_timeout(250)
    raise AssertionError("the markers never settled")


def click_marker(page, ref: str) -> None:
    """A click on the marker of `ref` (brought to the front first: markers may overlap)."""
    page.evaluate("""(ref) => { for (const el of document.querySelectorAll(".geo-cmap [data-ref]"))
        if (el.dataset.ref === ref) el.style.zIndex = 100000; }""", ref)
    page.locator(f'.geo-cmap [data-ref="{ref}"]').click()


def wait_zoomed_in(page, zoom: int) -> int:
    """The zoom in the URL once it is more than `zoom` (the map moved and said so)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and int(parse_qs(urlsplit(page.url).query).get("z", ["0"])[0]) <= zoom:
        page.wait_for_timeout(300)
    return int(parse_qs(urlsplit(page.url).query)["z"][0])


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
    click_marker(page, refs[0].split("#")[0])
    page.get_by_text("Reported in").wait_for()
    assert page.locator(".geo-report").count() >= 2
    assert "fired" in " ".join(page.locator(".geo-sentence").all_inner_texts())

    # 5. a click on Tokyo lists the sentences of several articles, the name marked
    page.goto(f"{server}/?view=collection&lat=35.68&lon=139.7&z=10&type=place")
    markers(page)
    tokyo = page.locator('.geo-cmap .leaflet-marker-icon[aria-label^="Tokyo"]')
    assert tokyo.count() == 1
    click_marker(page, tokyo.get_attribute("data-ref"))
    page.get_by_text("Named in").wait_for()
    assert page.locator(".geo-report").count() >= 3
    assert page.locator(".geo-sentence mark", has_text="Tokyo").count() >= 3
    page.wait_for_function("() => new URLSearchParams(location.search).has('sel')")     # written after the panel

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
    click_marker(page, clusters[0].split("#")[0])
    assert wait_zoomed_in(page, 2) > 2

    assert _external(requests) == []
    context.close()


def test_shared_url_draws_its_markers_in_the_page(server, browser):
    """The map is in the page's own document, not in a frame: a freshly opened shared URL has its
    markers there (waited for in the main frame only: with the map in an iframe this never
    succeeds), the same as the page it was copied from; a click on a cluster zooms in, a click on
    an event shows its reports."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = open_view(context, server, "lat=30&lon=130&z=3")
    shown = markers(page, settle=3.0)
    assert any(r.startswith("c:") for r in shown)
    url = page.url
    fresh = browser.new_context(viewport={"width": 1400, "height": 1000})
    copy = fresh.new_page()
    copy.set_default_timeout(TIMEOUT_MS)
    copy.goto(url)
    copy.main_frame.wait_for_selector(".leaflet-marker-icon, .marker-cluster")
    assert copy.main_frame.evaluate("document.querySelectorAll('.leaflet-marker-icon, .marker-cluster').length") > 0
    assert copy.locator("iframe").count() == 0
    assert copy.evaluate("document.querySelector('.geo-cmap').getRootNode() === document")     # no shadow root
    assert markers(copy) == shown
    assert copy.evaluate(f"document.querySelectorAll('{MARKERS}').length") == len(shown)

    cluster = next(r for r in shown if r.startswith("c:")).split("#")[0]
    click_marker(copy, cluster)
    assert wait_zoomed_in(copy, 3) > 3

    copy.goto(f"{server}/?view=collection&lat=39.2&lon=127.4&z=10&type=launch")
    events = [r for r in markers(copy) if r.startswith("e:")]
    assert events
    click_marker(copy, events[0].split("#")[0])
    copy.get_by_text("Reported in").wait_for()
    copy.wait_for_function("(ref) => new URLSearchParams(location.search).get('sel') === ref", arg=events[0].split("#")[0])
    fresh.close()
    context.close()


def test_hostile_article_in_the_store_stays_text(server, browser):
    """An article whose title, sentences, place name and event label are script-injection payloads:
    the map's tooltips and labels show them as text, the panels escape them, nothing runs."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = open_view(context, server, HOSTILE)
    markers(page)
    place = page.locator('.geo-cmap .leaflet-marker-icon[aria-label^="Atoll"]')
    event = page.locator('.geo-cmap .leaflet-marker-icon[aria-label^="Blast"]')
    assert place.count() == 1 and event.count() == 1
    assert place.get_attribute("aria-label").startswith("Atoll " + PAYLOADS[0])
    assert event.get_attribute("aria-label") == "Blast " + PAYLOADS[1] + PAYLOADS[2]
    for marker, text in ((place, "Atoll " + PAYLOADS[0]), (event, "Blast " + PAYLOADS[1] + PAYLOADS[2])):
        marker.hover()
        tip = page.locator(".leaflet-tooltip", has_text=text[:10])
        tip.wait_for()
        assert text in tip.inner_text()
        page.mouse.move(5, 5)
    # no element was made of the payloads anywhere in the map
    assert page.evaluate("document.querySelectorAll('.geo-cmap img, .geo-cmap svg[onload], .leaflet-tooltip *:not(span)').length") == 0

    click_marker(page, event.get_attribute("data-ref"))
    page.get_by_text("Reported in").wait_for()
    assert PAYLOADS[3] in page.locator(".geo-report").first.inner_text()
    assert PAYLOADS[2] in " ".join(page.locator(".geo-sentence").all_inner_texts())
    click_marker(page, place.get_attribute("data-ref"))
    page.get_by_text("Named in").wait_for()
    assert PAYLOADS[0] in " ".join(page.locator(".geo-sentence").all_inner_texts())
    assert page.locator("img[src='x'], svg[onload]").count() == 0
    assert page.evaluate("typeof window.__xss") == "undefined"
    context.close()
