"""Speed of the map page, in Debian's chromium driven by Playwright.

    python benchmarks/bench_page.py [--runs N] [--places P] [--json]

Figures:
- seed page: from opening ``/?seed=<first seed>`` on a running ``streamlit run streamlit_app.py``
  (started here on a free localhost port) to the map's markers being drawn; then from clicking a
  marker to its sentence appearing beside the map. Median and max of N fresh browser contexts
  (the first of them on a cold server, also reported alone), and where the time goes: the median
  milestone times from opening the URL (page HTML in, Streamlit's scripts run, websocket open,
  the first and last websocket messages before the map, the map's frame inserted, its document
  and component script loaded, the map's data received, the map created, the first marker),
  taken in the page and its frames by an init script that only observes. "first marker drawn"
  is when the marker entered the frame's document; the headline figure ("markers seen by the
  benchmark") is when Playwright's wait saw it, which polls every 0.5 s after its first few
  tries, so it lies 0 to 0.5 s after the marker appeared.
- basemap: from opening the URL to the base layer drawn (its tiles in view rendered, labels
  included; or, for a GeoJSON base layer, its features added), polled every animation frame
  after the markers are seen. The markers do not wait for it.
- synthetic map: a FeatureCollection of P places (cities spread over the world, clustered above
  geo.apps.page.mapview.CLUSTER_THRESHOLD markers): Python time to build and render the folium map, HTML
  size, browser time from navigation to the clusters being drawn, and time from asking the map to
  show one marker (zooming/spiderfying its cluster) to its click handler running.
Nothing leaves localhost; the benchmark is not part of the test run.
"""
from __future__ import annotations

import os
import argparse
import json
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CHROMIUM = os.environ.get("NEWSMAP_CHROMIUM", "/usr/bin/chromium")   # .ci/run says how to set it
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
# the base layer (in the "basemap" pane) is drawn: a tiled layer with all tiles in view rendered,
# or a GeoJSON layer with its features
BASEMAP_DRAWN = """() => { let done = false;
    window.map.eachLayer(l => { if (!l.options || l.options.pane !== "basemap") return;
        if (l._noTilesToLoad) done = Object.keys(l._tiles).length > 0 && l._noTilesToLoad();
        else if (l.getLayers) done = l.getLayers().length > 0; });
    return done; }"""

# Milestones, recorded in every frame by an init script with Date.now() (one clock for the page,
# its frames and this process): the instrumentation only observes, it changes nothing on the page.
PROBE = r"""(() => {
  // The map frame's first document (about:blank) and the one it navigates to share the window,
  // and this script runs only in the first: listeners go on the window, and a timer attaches the
  // observer again to each new document.
  if (window.__bench) return;
  const T = window.__bench = {marks: {}, ws: []};
  const mark = k => { if (!(k in T.marks)) T.marks[k] = Date.now(); };
  window.addEventListener("load", () => mark("load"));
  window.addEventListener("message", e => {
    const type = e.data && e.data.type;
    if (type === "streamlit:render") mark("render_msg");
    if (type === "streamlit:componentReady") mark("component_ready");
  }, true);
  const NativeWS = window.WebSocket;
  if (NativeWS) {
    const Probe = function (...args) {
      const ws = new NativeWS(...args);
      mark("ws_new");
      ws.addEventListener("open", () => mark("ws_open"));
      ws.addEventListener("message", e => {
        const d = e.data;
        T.ws.push([Date.now(), d.byteLength || d.size || d.length || 0]);
      });
      return ws;
    };
    Probe.prototype = NativeWS.prototype;
    for (const k of ["CONNECTING", "OPEN", "CLOSING", "CLOSED"]) Probe[k] = NativeWS[k];
    window.WebSocket = Probe;
  }
  const watch = window.top === window
    ? [["map_iframe", 'iframe[title="streamlit_folium.st_folium"]'], ["title_html", '[data-testid="stHtml"]']]
    : [["map_container", ".leaflet-container"], ["marker", ".leaflet-marker-icon"]];
  let observed = null;
  const observe = () => {
    if (observed === document) return;
    observed = document;
    const obs = new MutationObserver(() => {
      let left = 0;
      for (const [k, sel] of watch) {
        if (k in T.marks) continue;
        if (document.querySelector(sel)) mark(k); else left++;
      }
      if (!left) obs.disconnect();
    });
    obs.observe(document, {childList: true, subtree: true});
  };
  observe();
  const timer = setInterval(() => {
    if (String(document.URL).startsWith("about:")) return;
    observe();
    if ("marker" in T.marks || "map_iframe" in T.marks) clearInterval(timer);
  }, 5);
})();"""

NAV_TIMING = """() => { const n = performance.getEntriesByType("navigation")[0];
    return {request_start: performance.timeOrigin + n.requestStart,
            response_end: performance.timeOrigin + n.responseEnd,
            dom_content_loaded: performance.timeOrigin + n.domContentLoadedEventEnd}; }"""

# (label, frame, mark) in page order
MILESTONES = [
    ("page HTML received", "page", "response_end"),
    ("Streamlit scripts run (DOMContentLoaded)", "page", "dom_content_loaded"),
    ("websocket created", "page", "ws_new"),
    ("websocket open", "page", "ws_open"),
    ("first websocket message", "page", "ws_first"),
    ("page title drawn (script is running)", "page", "title_html"),
    ("map iframe inserted", "page", "map_iframe"),
    ("map frame HTML requested", "frame", "request_start"),
    ("map frame HTML received", "frame", "response_end"),
    ("map frame DOMContentLoaded (component JS)", "frame", "dom_content_loaded"),
    ("component ready (frame -> page)", "page", "component_ready"),
    ("map data received (render message)", "frame", "render_msg"),
    ("map created (.leaflet-container)", "frame", "map_container"),
    ("first marker drawn", "frame", "marker"),
    ("last websocket message before the marker", "page", "ws_last_before_marker"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server() -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"), "--server.headless", "true", "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
                             "--server.fileWatcherType", "none"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
                return proc, url
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("streamlit did not start")


def synthetic_fc(n: int, seed: int = 7) -> dict:
    rng = random.Random(seed)
    feats = []
    for i in range(n):
        lat, lon = rng.uniform(-55, 70), rng.uniform(-170, 175)
        feats.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(lon, 4), round(lat, 4)]},
                      "properties": {"kind": "place", "name": f"Place {i}", "place_id": i, "geonameid": None,
                                     "feature_type": "city", "country_code": "", "confidence": 0.9,
                                     "reason": "synthetic", "alternatives": [],
                                     "mentions": [{"start": 0, "end": 5, "text": f"Place {i}",
                                                   "sentence": f"Something happened in Place {i}."}]}})
    return {"type": "FeatureCollection", "features": feats}


def bench_seed(browser, url: str, runs: int) -> dict:
    names = sorted(p.stem for p in (ROOT / "seeds").glob("*.txt"))
    seed = "north-korea-missiles-2019-10-02" if "north-korea-missiles-2019-10-02" in names else names[0]
    load, click, breakdowns, basemap = [], [], [], []
    for _ in range(runs):
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        ctx.add_init_script(PROBE)
        page = ctx.new_page()
        t0 = time.perf_counter()
        t0_epoch_ms = time.time() * 1000
        page.goto(f"{url}/?seed={seed}")
        page.frame_locator(MAP_FRAME).locator(".leaflet-marker-icon").first.wait_for(timeout=120_000)
        load.append(time.perf_counter() - t0)
        frame = next(f for f in page.frames if "st_folium" in f.url)
        frame.wait_for_function(BASEMAP_DRAWN, timeout=120_000)
        basemap.append(time.perf_counter() - t0)
        breakdowns.append({**_breakdown(page, frame, t0_epoch_ms),
                           "markers seen by the benchmark": round(load[-1], 3)})
        frame.evaluate("""() => { let hit = null;
            window.map.eachLayer(l => { if (!hit && l.feature && l._icon) hit = l; });
            window.map.setView(hit.getLatLng(), 9, {animate: false}); hit.setZIndexOffset(10000);
            hit._icon.id = 'bench-marker'; }""")
        t1 = time.perf_counter()
        page.frame_locator(MAP_FRAME).locator("#bench-marker").click()
        page.locator(".geo-sentence").first.wait_for(timeout=60_000)
        click.append(time.perf_counter() - t1)
        ctx.close()
    return {"seed": seed, "runs": runs,
            "load_to_markers_s": {"median": statistics.median(load), "max": max(load),
                                  "cold_first": load[0], "all": load},
            "load_to_basemap_s": {"median": statistics.median(basemap), "max": max(basemap),
                                  "cold_first": basemap[0], "all": basemap},
            "click_to_panel_s": {"median": statistics.median(click), "max": max(click)},
            "breakdown": _median_breakdown(breakdowns),
            "breakdown_cold_first": breakdowns[0], "breakdown_each_load": breakdowns}


def _breakdown(page, frame, t0_ms: float) -> dict:
    """Milestones of one load in seconds from opening the URL, plus the websocket traffic."""
    pg = page.evaluate("() => window.__bench")
    fr = frame.evaluate("() => window.__bench")
    marks = {"page": {**pg["marks"], **page.evaluate(NAV_TIMING)},
             "frame": {**fr["marks"], **frame.evaluate(NAV_TIMING)}}
    ws = pg["ws"]
    marker_ms = marks["frame"].get("marker", float("inf"))
    before = [m for m in ws if m[0] <= marker_ms]
    if ws:
        marks["page"]["ws_first"] = ws[0][0]
    if before:
        marks["page"]["ws_last_before_marker"] = before[-1][0]
    out = {label: round((marks[where][key] - t0_ms) / 1000, 3)
           for label, where, key in MILESTONES if key in marks[where]}
    out["websocket messages before the marker"] = len(before)
    out["websocket MB before the marker"] = round(sum(m[1] for m in before) / 1e6, 3)
    out["largest websocket message MB"] = round(max((m[1] for m in ws), default=0) / 1e6, 3)
    return out


def _median_breakdown(runs: list[dict]) -> dict:
    out = {}
    for k in (k for k in runs[0] if all(k in r for r in runs)):
        median = statistics.median(r[k] for r in runs)
        out[k] = int(median) if float(median).is_integer() and isinstance(runs[0][k], int) else round(median, 3)
    return out


def bench_synthetic(browser, n: int) -> dict:
    from geo.apps.page import mapview
    fc = synthetic_fc(n)
    t0 = time.perf_counter()
    m = mapview.build_map(fc)
    html = m.get_root().render()
    build_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "map.html"
        path.write_text(html, encoding="utf-8")
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        external = []
        page.on("request", lambda r: external.append(r.url) if r.url.startswith("http") else None)
        t1 = time.perf_counter()
        page.goto(path.as_uri())
        page.locator(".leaflet-marker-icon").first.wait_for(timeout=120_000)
        draw_s = time.perf_counter() - t1
        drawn = page.locator(".leaflet-marker-icon").count()
        # Ask the cluster to show one marker, then click it as a user would.
        t2 = time.perf_counter()
        page.evaluate("""() => new Promise(done => {
            let cluster = null, target = null;
            for (const k in window) { try { const v = window[k];
                if (v && v instanceof L.MarkerClusterGroup) cluster = v; } catch (e) {} }
            (cluster || window).eachLayer(l => { if (!target && l.feature && l.feature.properties.name === 'Place 500') target = l; });
            window.__clicked = false;
            target.on('click', () => { window.__clicked = true; });
            cluster.zoomToShowLayer(target, () => { target._icon.id = 'bench-target'; done(); });
        })""")
        page.locator("#bench-target").click()
        page.wait_for_function("window.__clicked === true")
        click_s = time.perf_counter() - t2
        page.close()
    return {"places": n, "build_and_render_s": build_s, "html_mb": len(html.encode()) / 1e6,
            "navigation_to_drawn_s": draw_s, "icons_drawn": drawn, "show_and_click_s": click_s,
            "external_requests": len(external)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--places", type=int, default=1000)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"skipped: {CHROMIUM} not found")
    from playwright.sync_api import sync_playwright
    proc, url = start_server()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            results = {"seed_page": bench_seed(browser, url, args.runs),
                       "synthetic_map": bench_synthetic(browser, args.places)}
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    s, y = results["seed_page"], results["synthetic_map"]
    print(f"seed page ({s['seed']}, {s['runs']} fresh loads)")
    print(f"  open ?seed= -> markers drawn : median {s['load_to_markers_s']['median']:.2f} s, "
          f"max {s['load_to_markers_s']['max']:.2f} s, cold first load {s['load_to_markers_s']['cold_first']:.2f} s "
          f"(all: {', '.join(f'{x:.2f}' for x in s['load_to_markers_s']['all'])})")
    print(f"  open ?seed= -> basemap drawn : median {s['load_to_basemap_s']['median']:.2f} s, "
          f"max {s['load_to_basemap_s']['max']:.2f} s, cold first load {s['load_to_basemap_s']['cold_first']:.2f} s "
          f"(all: {', '.join(f'{x:.2f}' for x in s['load_to_basemap_s']['all'])})")
    print("  where the time goes (s from opening the URL; median over the loads | cold first load):")
    for k, v in s["breakdown"].items():
        print(f"    {k:<44} {v:>7} | {s['breakdown_cold_first'].get(k, '-')}")
    print(f"  click marker -> sentence     : median {s['click_to_panel_s']['median']:.2f} s, "
          f"max {s['click_to_panel_s']['max']:.2f} s")
    print(f"synthetic map ({y['places']} places, clustered)")
    print(f"  build + render in Python     : {y['build_and_render_s']:.2f} s ({y['html_mb']:.2f} MB HTML)")
    print(f"  navigation -> drawn          : {y['navigation_to_drawn_s']:.2f} s ({y['icons_drawn']} icons/clusters)")
    print(f"  show one marker -> clicked   : {y['show_and_click_s']:.2f} s")
    print(f"  requests off the machine     : {y['external_requests']}")


if __name__ == "__main__":
    main()
