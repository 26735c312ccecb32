"""Screenshots of the page for the docs: the seed's map, and the panel after clicking Wonsan.

    python scripts/screenshots.py [--out docs/screenshots]

Starts `streamlit run streamlit_app.py` on a free localhost port and drives Debian's chromium.
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    ap.add_argument("--seed", default="north-korea-missiles-2019-10-02")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"),
                             "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
                             "--browser.gatherUsageStats", "false"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=os.environ.get("NEWSMAP_CHROMIUM", "/usr/bin/chromium"), args=ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{url}/?seed={args.seed}")
            page.frame_locator(MAP_FRAME).locator(".leaflet-marker-icon").first.wait_for(timeout=120_000)
            page.wait_for_timeout(1500)
            page.screenshot(path=str(args.out / "seed_map.png"))
            frame = next(f for f in page.frames if "st_folium" in f.url)
            # bring Wonsan into view and click its pin, as a user zooming in would
            frame.evaluate("""() => { let hit = null;
                window.map.eachLayer(l => { if (!hit && l.feature && l._icon
                    && (l.feature.properties.name || '').normalize('NFD').replace(/[\\u0300-\\u036f]/g, '') === 'Wonsan') hit = l; });
                window.map.setView(hit.getLatLng(), 6, {animate: false}); hit.setZIndexOffset(10000);
                hit._icon.id = 'shot-wonsan'; }""")
            page.frame_locator(MAP_FRAME).locator("#shot-wonsan").click()
            page.locator(".geo-sentence").first.wait_for(timeout=60_000)
            page.wait_for_timeout(1000)
            page.screenshot(path=str(args.out / "wonsan_panel.png"))
            browser.close()
    finally:
        proc.kill()
    print(f"written: {args.out / 'seed_map.png'}, {args.out / 'wonsan_panel.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
