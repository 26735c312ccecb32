"""The store at scale, measured: the batch's overhead with `--store`, and the collection view over a
big store in a real browser (Playwright + Debian's chromium): time to the first markers (a cold
server, then warm sessions), time from a filter change to the markers redrawn, the most markers
the browser holds at any zoom, and the page server's memory.

    python benchmarks/bench_store.py --overhead 10000 [--rounds 2]      # batch with and without --store
    python benchmarks/bench_store.py --build 100000 --store S.sqlite     # make a store (batch --store)
    python benchmarks/bench_store.py --page --store S.sqlite             # the collection view over it

Articles come from benchmarks/store_corpus.py (the development corpora repeated, ids, dates and
first lines varied). On a shared machine run each measure a few times: the figures move.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
CHROMIUM = os.environ.get("NEWSMAP_CHROMIUM", "/usr/bin/chromium")
# the collection map is drawn in the page's own document; each marker's icon carries its ref
REFS = """() => { if (!document.querySelector('.geo-cmap.leaflet-container')) return null;
    return Array.from(document.querySelectorAll('.geo-cmap .leaflet-marker-icon[data-ref]'))
        .map(el => el.dataset.ref).sort().join(" "); }"""
COUNT = "() => document.querySelectorAll('.leaflet-marker-icon').length"


def corpus(n: int, folder: Path) -> Path:
    from store_corpus import records
    path = folder / f"in{n}.jsonl"
    if not path.exists():
        with path.open("w", encoding="utf-8") as f:
            for r in records(n):
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path


def _tree_cpu(root: int, seen: dict) -> None:
    """Record the CPU seconds so far of `root` and every process below it (from /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    parents = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                fields = Path(f"/proc/{d}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(d)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    family, todo = set(), [root]
    while todo:
        pid = todo.pop()
        family.add(pid)
        todo.extend(p for p, (pp, _) in parents.items() if pp == pid and p not in family)
    for pid in family:
        if pid in parents:
            seen[pid] = max(seen.get(pid, 0.0), parents[pid][1])


def run_batch(inp: Path, out: Path, store: Path | None) -> tuple[float, float]:
    """Wall and CPU seconds of one batch: the CPU of the main process and every worker, sampled
    from /proc every 0.1 s (the fork server's workers are not this process's children)."""
    cmd = [sys.executable, "-m", "geo", "batch", str(inp), "--out", str(out)] + (["--store", str(store)] if store else [])
    seen: dict = {}
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.DEVNULL)
    while proc.poll() is None:
        _tree_cpu(proc.pid, seen)
        time.sleep(0.1)
    wall = time.perf_counter() - t
    if proc.returncode:
        raise RuntimeError(f"batch failed ({proc.returncode})")
    return wall, sum(seen.values())


def overhead(n: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        inp = corpus(n, tmp)
        figures = {"plain": [], "store": []}
        for r in range(rounds):                       # alternated, so both see the same machine
            for kind in ("plain", "store"):
                out = tmp / f"{kind}{r}.geojson"
                store = tmp / f"store{r}.sqlite" if kind == "store" else None
                figures[kind].append(run_batch(inp, out, store))
                print(f"round {r} {kind}: {figures[kind][-1][0]:.1f} s wall, {figures[kind][-1][1]:.1f} s CPU",
                      flush=True)
        wall = {k: statistics.median(x[0] for x in v) for k, v in figures.items()}
        cpu = {k: statistics.median(x[1] for x in v) for k, v in figures.items()}
        print(f"{n} articles: batch {wall['plain']:.1f} s, batch --store {wall['store']:.1f} s: "
              f"+{100 * (wall['store'] / wall['plain'] - 1):.1f} % wall, "
              f"+{100 * (cpu['store'] / cpu['plain'] - 1):.1f} % CPU (medians of {rounds})")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_mb(pid: int) -> tuple[float, float]:
    status = Path(f"/proc/{pid}/status").read_text()
    get = lambda k: int(next(l for l in status.splitlines() if l.startswith(k)).split()[1]) / 1024  # noqa: E731
    return get("VmRSS:"), get("VmHWM:")


def _refs(page):
    try:
        return page.evaluate(REFS)
    except Exception:          # the page navigates
        return None


def _markers(page) -> int:
    try:
        return page.evaluate(COUNT)
    except Exception:
        return 0


def time_to_markers(browser, url: str) -> tuple[float, object]:
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    t = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=120_000)
    while not _markers(page):
        if time.perf_counter() - t > 120:
            raise RuntimeError("no markers in 120 s")
        time.sleep(0.05)
    return time.perf_counter() - t, page


def time_to_change(page, act) -> float:
    """Seconds from `act()` until the markers drawn differ from before (and have settled)."""
    before = _refs(page)
    t = time.perf_counter()
    act()
    while True:
        now = _refs(page)
        if now is not None and now != before:
            return time.perf_counter() - t
        if time.perf_counter() - t > 60:
            raise RuntimeError("the markers never changed")
        time.sleep(0.03)


def _settle(page, seconds: float = 1.5) -> None:
    last, since = None, time.perf_counter()
    while time.perf_counter() - since < seconds:
        now = _refs(page)
        if now != last:
            last, since = now, time.perf_counter()
        time.sleep(0.1)


def page_figures(store: Path, warm: int = 5) -> None:
    from playwright.sync_api import sync_playwright
    port = _free_port()
    env = dict(os.environ, NEWSMAP_STORE=str(store))
    log = open(Path(tempfile.gettempdir()) / "bench_store-streamlit.log", "w")
    srv = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true",
                            "--server.port", str(port), "--browser.gatherUsageStats", "false",
                            "--server.fileWatcherType", "none"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/?view=collection"
    try:
        time.sleep(3)
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            cold, page = time_to_markers(b, url)
            page.context.close()
            warm_t = []
            for _ in range(warm):
                t, page = time_to_markers(b, url)
                warm_t.append(t)
                if len(warm_t) < warm:
                    page.context.close()
            print(f"collection view ready: cold server {cold:.2f} s; warm sessions median {statistics.median(warm_t):.2f} s "
                  f"(min {min(warm_t):.2f}, max {max(warm_t):.2f}, n={warm})", flush=True)
            _filters(page)
            _zooms(b, url)
            page.screenshot(path=str(Path(tempfile.gettempdir()) / "bench_store-collection.png"))
            b.close()
        rss, peak = _rss_mb(srv.pid)
        print(f"page server memory: {rss:.0f} MB now, {peak:.0f} MB peak")
    finally:
        srv.terminate()
        srv.wait(30)


def _filters(page) -> None:
    _settle(page)
    changes = {}
    slider = page.get_by_role("slider").first
    changes["time range (slider: start to the last day)"] = time_to_change(page, lambda: (slider.focus(), page.keyboard.press("End")))
    _settle(page)
    changes["time range back"] = time_to_change(page, lambda: (slider.focus(), page.keyboard.press("Home")))
    _settle(page)

    def pick(label):
        page.locator("[data-testid='stMultiSelect']").first.click()
        page.keyboard.type(label)
        page.keyboard.press("Enter")

    changes["type = launch"] = time_to_change(page, lambda: pick("launch"))
    _settle(page)
    box = page.get_by_label("Words in the sentences")
    changes["words = Hokkaido"] = time_to_change(page, lambda: (box.fill("Hokkaido"), box.press("Enter")))
    for k, v in changes.items():
        print(f"filter change, {k}: markers redrawn in {v:.2f} s", flush=True)


def _zooms(browser, url: str) -> None:
    most = []
    for lat, lon in ((30, 10), (38, 130), (40, -95)):
        for z in (1, 3, 5, 7, 9, 11):
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            page.goto(f"{url}&lat={lat}&lon={lon}&z={z}", timeout=120_000)
            page.locator(".geo-cmap.leaflet-container").wait_for(timeout=120_000)
            page.wait_for_timeout(1000)
            _settle(page, 1.5)
            most.append((_markers(page), lat, lon, z))
            page.context.close()
    n, lat, lon, z = max(most)
    print(f"most markers in the browser at once (zoom 1-11, three centres): {n} (at {lat}, {lon}, zoom {z})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--overhead", type=int, default=0, help="articles for the batch overhead measure")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--build", type=int, default=0, help="make --store from this many articles")
    ap.add_argument("--store", type=Path)
    ap.add_argument("--page", action="store_true")
    a = ap.parse_args()
    if a.overhead:
        overhead(a.overhead, a.rounds)
    if a.build:
        with tempfile.TemporaryDirectory() as tmp:
            wall, cpu = run_batch(corpus(a.build, Path(tmp)), Path(tmp) / "out.geojson", a.store)
            print(f"built {a.store} from {a.build} articles in {wall:.0f} s ({cpu:.0f} s CPU)")
    if a.page:
        page_figures(a.store)


if __name__ == "__main__":
    main()
