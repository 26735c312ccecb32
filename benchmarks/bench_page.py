"""Speed of the map page, in Debian's chromium driven by Playwright.

    python benchmarks/bench_page.py [--runs N] [--places P] [--json]

Figures:
- seed page: from opening ``/?seed=<first seed>`` on a running ``streamlit run streamlit_app.py``
  (started here on a free localhost port) to the map's markers being drawn; then from clicking a
  marker to its sentence appearing beside the map. Median and max of N fresh page loads.
- synthetic map: a FeatureCollection of P places (cities spread over the world, clustered above
  geo.mapview.CLUSTER_THRESHOLD markers): Python time to build and render the folium map, HTML
  size, browser time from navigation to the clusters being drawn, and time from asking the map to
  show one marker (zooming/spiderfying its cluster) to its click handler running.
Nothing leaves localhost; the benchmark is not part of the test run.
"""
from __future__ import annotations

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
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'



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
    load, click = [], []
    for _ in range(runs):
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = ctx.new_page()
        t0 = time.perf_counter()
        page.goto(f"{url}/?seed={seed}")
        page.frame_locator(MAP_FRAME).locator(".leaflet-marker-icon").first.wait_for(timeout=120_000)
        load.append(time.perf_counter() - t0)
        frame = next(f for f in page.frames if "st_folium" in f.url)
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
            "load_to_markers_s": {"median": statistics.median(load), "max": max(load)},
            "click_to_panel_s": {"median": statistics.median(click), "max": max(click)}}


def bench_synthetic(browser, n: int) -> dict:
    from geo import mapview
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
          f"max {s['load_to_markers_s']['max']:.2f} s")
    print(f"  click marker -> sentence     : median {s['click_to_panel_s']['median']:.2f} s, "
          f"max {s['click_to_panel_s']['max']:.2f} s")
    print(f"synthetic map ({y['places']} places, clustered)")
    print(f"  build + render in Python     : {y['build_and_render_s']:.2f} s ({y['html_mb']:.2f} MB HTML)")
    print(f"  navigation -> drawn          : {y['navigation_to_drawn_s']:.2f} s ({y['icons_drawn']} icons/clusters)")
    print(f"  show one marker -> clicked   : {y['show_and_click_s']:.2f} s")
    print(f"  requests off the machine     : {y['external_requests']}")


if __name__ == "__main__":
    main()
