"""End to end: the real page in Debian's chromium, driven by Playwright.

Starts ``streamlit run streamlit_app.py`` on a free port, opens the seed article, clicks the Wonsan
marker, reads its sentence beside the map, downloads the GeoJSON, then pastes an article full of
script-injection payloads and checks nothing ran, in the page or in any frame, and that no request
left localhost. Never skipped: CI installs chromium; without it the test fails and says so.
"""
from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = "north-korea-missiles-2019-10-02"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
TIMEOUT_MS = 120_000


XSS_ARTICLE = (
    "Leaders met in Paris, France <img src=x onerror=window.__xss=1> on Monday.\n\n"
    "Then they flew to Tokyo ${window.__xss=2} where `backticks` ${`nested`} were seen.\n\n"
    "A statement from Paris read </script><script>window.__xss=3</script> and "
    "<svg onload=window.__xss=4> closing in Tokyo. [link](javascript:window.__xss=5)\n"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, proc: subprocess.Popen, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not answer at {url} within {timeout:.0f} s")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = _free_port()
    log = tmp_path_factory.mktemp("streamlit") / "streamlit.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with open(log, "wb") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"), "--server.headless", "true", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, env=env)
        try:
            _wait_http(f"http://127.0.0.1:{port}/_stcore/health", proc)
            yield f"http://127.0.0.1:{port}"
        except Exception:
            print(log.read_text(errors="replace")[-4000:])
            raise
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()



def _external(requests: list[str]) -> list[str]:
    out = []
    for url in requests:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about", "chrome-extension", "javascript"):
            continue
        if parts.hostname not in LOCAL_HOSTS:
            out.append(url[:120])
    return out


def _map_frame(page):
    page.frame_locator(MAP_FRAME).locator(".leaflet-marker-icon").first.wait_for(timeout=TIMEOUT_MS)
    return next(f for f in page.frames if "st_folium" in f.url)


def _wait_map_ready(page, names: set[str]):
    """Wait until the map frame draws markers for all ``names``; return the frame."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        try:
            frame = _map_frame(page)
            drawn = set(frame.evaluate("""() => {
                const out = [];
                const fold = s => String(s).split(" (")[0].normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
                if (!window.map) return out;
                window.map.eachLayer(l => { if (l.feature && l._icon) out.push(fold(l.feature.properties.name)); });
                return out; }"""))
            if names <= drawn:
                return frame
        except Exception:  # the frame is replaced while Streamlit reruns
            pass
        page.wait_for_timeout(300)
    raise AssertionError(f"markers {sorted(names)} not drawn within {TIMEOUT_MS / 1000:.0f} s")


def _tag_marker(frame, name: str, tag: str) -> None:
    """Zoom to the named marker (as a user would) and give its icon an id to click."""
    found = frame.evaluate("""([name, tag]) => {
        let hit = null;
        const fold = s => String(s).split(" (")[0].normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
        window.map.eachLayer(l => { if (!hit && l.feature && l._icon && fold(l.feature.properties.name) === name) hit = l; });
        if (!hit) return false;
        window.map.setView(hit.getLatLng(), 8, {animate: false});
        hit.setZIndexOffset(10000);
        hit._icon.id = tag;
        return true; }""", [name, tag])
    assert found, f"no marker named {name} on the map"


def test_seed_click_download_and_xss(server, browser, tmp_path):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    requests: list[str] = []
    ranges: dict[str, str] = {}
    context.on("request", lambda r: (requests.append(r.url), ranges.setdefault(r.url, r.headers.get("range", ""))))
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)

    # 1. The seed opens from the URL and its markers are drawn; Leaflet and the basemap come as
    #    files from the page's own server (static/): the basemap's tiles by HTTP Range requests
    #    into one PMTiles file, and its labels are drawn around Korea.
    page.goto(f"{server}/?seed={SEED}")
    frame = _wait_map_ready(page, {"Wonsan"})
    frame.wait_for_function("""(wanted) => { let layer = null;
        window.map.eachLayer(l => { if (l.labelers) layer = l; });
        if (!layer) return false;
        const b = window.map.getBounds();
        const got = new Set(newsmapBasemap.labels(layer).filter(l => b.contains([l.lat, l.lng])).map(l => l.text));
        return wanted.every(w => got.has(w)); }""",
        arg=["North Korea", "South Korea", "Seoul", "Sea of Japan (East Sea)"], timeout=TIMEOUT_MS)
    assert f"{server}/app/static/vendor/leaflet/leaflet.js" in requests
    tiles = f"{server}/app/static/basemap/basemap.pmtiles"
    assert tiles in requests and ranges.get(tiles, "").startswith("bytes=")
    req = urllib.request.Request(tiles, headers={"Range": "bytes=0-126"})
    with urllib.request.urlopen(req, timeout=10) as resp:  # the server answers Range requests
        assert resp.status == 206 and resp.read(7) == b"PMTiles"

    # 2. Click the Wonsan marker; its sentence appears beside the map with the mention marked.
    _tag_marker(frame, "Wonsan", "e2e-wonsan")
    page.wait_for_timeout(300)
    page.frame_locator(MAP_FRAME).locator("#e2e-wonsan").click()
    sentence = page.locator(".geo-sentence", has_text="fired from Wonsan").first
    sentence.wait_for()
    assert sentence.locator("mark").first.inner_text() == "Wonsan"
    assert "39.15" in page.locator("[data-testid='stHtml']", has_text="Coordinates").first.inner_text()

    # 3. The GeoJSON download is a valid FeatureCollection with Wonsan in it.
    with page.expect_download() as dl:
        page.get_by_role("button", name="GeoJSON", exact=True).click()
    path = tmp_path / "out.geojson"
    dl.value.save_as(path)
    fc = json.loads(path.read_text(encoding="utf-8"))
    assert fc["type"] == "FeatureCollection" and fc["features"]
    for feat in fc["features"]:
        geom = feat["geometry"]
        coords = [geom["coordinates"]] if geom["type"] == "Point" else (
            geom["coordinates"] if geom["type"] == "LineString" else [])
        for lon, lat, *_ in coords:
            assert -180 <= lon <= 180 and -90 <= lat <= 90
    wonsan = [f for f in fc["features"] if f["properties"].get("kind") == "place"
              and any(m.get("text") == "Wonsan" for m in f["properties"].get("mentions") or [])]
    assert wonsan
    lon, lat = wonsan[0]["geometry"]["coordinates"][:2]
    assert abs(lat - 39.15) < 0.2 and abs(lon - 127.44) < 0.2
    # and the CSV: one row per mention, Wonsan's among them
    with page.expect_download() as dl:
        page.get_by_role("button", name="CSV", exact=True).click()
    path = tmp_path / "out.csv"
    dl.value.save_as(path)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert rows and any(r["mention"] == "Wonsan" and abs(float(r["lat"]) - 39.15) < 0.2 for r in rows)

    # 4. An article full of payloads, analysed with Ctrl+Enter: nothing runs anywhere.
    box = page.get_by_label("Article text")
    box.fill(XSS_ARTICLE)
    box.press("Control+Enter")
    frame = _wait_map_ready(page, {"Paris", "Tokyo"})
    for name in ("Paris", "Tokyo"):
        frame = _wait_map_ready(page, {"Paris", "Tokyo"})
        _tag_marker(frame, name, f"e2e-{name.lower()}")
        marker = page.frame_locator(MAP_FRAME).locator(f"#e2e-{name.lower()}")
        marker.hover()  # draws the tooltip
        marker.click()
        page.locator(".geo-sentence", has_text=name).first.wait_for()
    page.get_by_text("Article with places highlighted").click()
    page.locator(".geo-article mark").first.wait_for()
    page.wait_for_timeout(1500)

    assert "<img src=x" in page.locator(".geo-article").inner_text()  # shown as text, not markup
    for f in page.frames:
        assert f.evaluate("typeof window.__xss") == "undefined", f"payload ran in frame {f.url}"
    assert page.evaluate("typeof window.__xss") == "undefined"

    # 5. Several uploads at once: good ones are analysed, binary junk gets a clear error.
    page.get_by_text("Upload articles (.txt, .md, .html)").click()
    page.locator("input[type='file']").first.set_input_files([
        {"name": "one.txt", "mimeType": "text/plain", "buffer": b"Ministers met in Paris, France, on Tuesday."},
        {"name": "two.html", "mimeType": "text/html",
         "buffer": b"<html><body><p>Protests were reported in Tokyo.</p><script>window.__xss=6</script></body></html>"},
        {"name": "junk.txt", "mimeType": "text/plain", "buffer": bytes(range(256)) * 8},
    ])
    page.get_by_role("button", name="Analyse uploaded files").click()
    page.get_by_text("junk.txt: binary data, not text").wait_for()
    _wait_map_ready(page, {"Paris"})
    assert page.get_by_text("Article", exact=True).count() >= 1  # the article picker
    for f in page.frames:
        assert f.evaluate("typeof window.__xss") == "undefined", f"payload ran in frame {f.url}"

    # 6. Nothing left localhost during the whole session.
    assert _external(requests) == []
    context.close()
