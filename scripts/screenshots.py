"""Screenshots of the page for the docs, at 1400x1000: the seed's map, the panel after clicking
Wonsan, a maritime report, an article naming 1,000 places, the seed in a narrower window
(the panel below the map), and the collection view of a store holding the event reports of
benchmarks/data/event_reports.jsonl and the seeds.

    python scripts/screenshots.py [--out docs/screenshots]

Starts `streamlit run streamlit_app.py` on a free localhost port and drives Debian's chromium.
The maritime report is an illustrative text written for this (not a real article); the 1,000
places are the most populous towns of the bundled gazetteer, one short sentence each.
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
MAIN = "[data-testid='stMainBlockContainer']"
MARITIME = (
    "Tanker hit by missile off Yemen\n\n"
    "A Liberian-flagged oil tanker was struck by a missile about 70 nautical miles west of Hodeidah, Yemen, "
    "on Tuesday, the United Kingdom Maritime Trade Operations agency said. The crew put out a fire on board "
    "and the vessel continued to its next port of call, Djibouti. Hours earlier another merchant ship reported "
    "an explosion near the Bab el-Mandeb strait. Houthi rebels, who control much of Yemen's Red Sea coast, said "
    "they had fired anti-ship missiles at ships in the Red Sea. A US Navy destroyer in the Gulf of Aden shot "
    "down two drones, US Central Command said in a statement from Tampa.")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


SHOTS = ("seed_map.png", "wonsan_panel.png", "maritime_report.png", "places_1000.png", "seed_narrow.png",
         "collection.png")


def seed_and_panel(page, url: str, seed: str, out: Path) -> None:
    """The seed's first view, then the panel after clicking Wonsan's pin."""
    page.goto(f"{url}/?seed={seed}")
    page.frame_locator(MAP_FRAME).locator(".leaflet-marker-icon").first.wait_for(timeout=120_000)
    page.wait_for_timeout(2500)  # the basemap's tiles and labels
    page.screenshot(path=str(out / "seed_map.png"))
    frame = next(f for f in page.frames if "st_folium" in f.url)
    # bring Wonsan into view and click its pin, as a user zooming in would
    frame.evaluate("""() => { let hit = null;
        window.map.eachLayer(l => { if (!hit && l.feature && l._icon && l.feature.properties.shape === 'pin'
            && (l.feature.properties.name || '').startsWith('Wonsan')) hit = l; });
        window.map.setView(hit.getLatLng(), 7, {animate: false}); hit.setZIndexOffset(10000);
        hit._icon.id = 'shot-wonsan'; }""")
    page.frame_locator(MAP_FRAME).locator("#shot-wonsan").click()
    page.locator(".geo-sentence").first.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(out / "wonsan_panel.png"))


def paste(page, text: str, timeout: int = 120_000) -> None:
    """Paste an article into the form, analyse it, wait for its heading and map."""
    page.get_by_label("Article text").fill(text)
    page.get_by_role("button", name="Analyse", exact=True).click()
    page.locator(f"{MAIN} h2", has_text=text.split("\n")[0]).first.wait_for(timeout=timeout)
    # the map of the article before goes once the page's script has run
    page.wait_for_function("(sel) => document.querySelectorAll(sel).length === 1", arg=MAP_FRAME, timeout=timeout)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".leaflet-marker-icon, .marker-cluster").first.wait_for(timeout=timeout)
    page.wait_for_timeout(3000)


def many_places_article(n: int) -> str:
    """An article naming about `n` towns: the most populous of the gazetteer, a sentence each."""
    import numpy as np
    from geo.pipeline import Pipeline
    gazetteer = Pipeline.shared().gazetteer
    names: list[str] = []
    for i in np.argsort(-np.asarray(gazetteer.places["population"]), kind="stable")[:8 * n]:
        place = gazetteer.place(int(i))
        if place.feature_type in ("city", "capital") and place.name.isascii() and place.name not in names:
            names.append(place.name)
            if len(names) == n:
                break
    return "Crowds gather in 1,000 towns\n\n" + " ".join(f"Crowds gathered in {name} on Monday." for name in names)


def start_page(env: dict | None = None) -> tuple[subprocess.Popen, str]:
    """`streamlit run streamlit_app.py` on a free localhost port, once it answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"),
                             "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
                             "--browser.gatherUsageStats", "false"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    return proc, url


def collection(browser, out: Path) -> None:
    """The collection view over a throwaway store of the event reports and the seeds."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store.sqlite"
        subprocess.run([sys.executable, "-m", "geo", "store", "add", str(ROOT / "benchmarks" / "data" / "event_reports.jsonl"),
                        str(ROOT / "seeds"), "--store", str(store)], cwd=ROOT, check=True, capture_output=True)
        proc, url = start_page(dict(os.environ, NEWSMAP_STORE=str(store)))
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{url}/?view=collection")
            # the collection map is drawn in the page's own document, not in a frame
            page.locator(".geo-cmap .leaflet-marker-icon").first.wait_for(timeout=120_000)
            page.wait_for_timeout(3000)
            page.screenshot(path=str(out / "collection.png"))
        finally:
            proc.kill()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    ap.add_argument("--seed", default="north-korea-missiles-2019-10-02")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    proc, url = start_page()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=os.environ.get("NEWSMAP_CHROMIUM", "/usr/bin/chromium"), args=ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            seed_and_panel(page, url, args.seed, args.out)
            paste(page, MARITIME)
            page.screenshot(path=str(args.out / "maritime_report.png"))
            paste(page, many_places_article(1040), timeout=300_000)
            page.screenshot(path=str(args.out / "places_1000.png"))
            narrow = browser.new_page(viewport={"width": 1000, "height": 1000})
            narrow.goto(f"{url}/?seed={args.seed}")
            narrow.frame_locator(MAP_FRAME).locator(".leaflet-marker-icon").first.wait_for(timeout=120_000)
            narrow.wait_for_timeout(2500)
            narrow.screenshot(path=str(args.out / "seed_narrow.png"), full_page=True)
            collection(browser, args.out)
            browser.close()
    finally:
        proc.kill()
    print("written: " + ", ".join(str(args.out / n) for n in SHOTS))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
