"""Hostile input at size: `parse`, the page and the batch's workers (issue 15).

    python benchmarks/bench_hostile.py [--parse] [--page] [--kills] [--sizes 1,5,25] [--n 10000]

--parse: time, peak resident memory and output size of `python -m geo parse FILE` on 1, 5 and 25 MB
  of ordinary news (TR-News texts from ../shared/eval, else articles cut from seeds/), of dots, of
  one name repeated without sentence breaks ("Seoul, "), and of ordinary news as one single line.
--page: the Streamlit server's resident memory after 20 different 100 kB pastes, and how long
  another user's ?seed= page takes to its first marker while one user pastes 1 MB of dots (Debian's
  chromium with Playwright, as benchmarks/bench_page.py).
--kills: `batch` on N news articles with 2 workers while 20 workers are killed (SIGKILL) at random
  moments: articles kept, errors, wall time, whether it ended.
With no switch, all three.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psutil  # noqa: E402

from benchmarks.bench_batch import PeakRSS  # noqa: E402
from benchmarks.bench_throughput import load_texts  # noqa: E402
from benchmarks.eval_recognition import REPO_ROOT  # noqa: E402

MB = 1_000_000


def news(size: int, one_line: bool = False) -> str:
    texts, _ = load_texts(200)
    unit = "\n\n".join(texts)
    if one_line:
        unit = " ".join(unit.split())
    return (unit * (size // len(unit) + 1))[:size]


KINDS = {
    "ordinary news": lambda n: news(n),
    "dots": lambda n: ("Fighting near Kharkiv. " + "." * n)[:n],
    "one name repeated, no sentence breaks": lambda n: ("Seoul, " * (n // 7 + 1))[:n],
    "a single line (news, no line breaks)": lambda n: news(n, one_line=True),
}


def bench_parse(sizes: list[int], kinds: list[str] | None = None) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for kind, make in KINDS.items():
            if kinds and not any(k in kind for k in kinds):
                continue
            for mb in sizes:
                path = Path(d) / "in.txt"          # (no in.json beside it: that would be its sidecar)
                path.write_text(make(mb * MB), "utf-8")
                size = path.stat().st_size
                out = Path(d) / "out.json"
                t = time.perf_counter()
                with open(out, "wb") as f:
                    p = subprocess.Popen([sys.executable, "-m", "geo", "parse", str(path)], cwd=REPO_ROOT, stdout=f,
                                         stderr=subprocess.PIPE)
                    peak = PeakRSS(p.pid)
                    _, err = p.communicate()
                    peak.stop()
                row = {"kind": kind, "mb": mb, "seconds": round(time.perf_counter() - t, 1), "rc": p.returncode,
                       "peak_rss_mb": round(max(peak.main, peak.worker) / 2**20), "output_x": round(out.stat().st_size / size, 2)}
                rows.append(row)
                print(json.dumps(row), flush=True)
    return rows


def bench_page() -> dict:
    from playwright.sync_api import sync_playwright

    from benchmarks.bench_page import CHROMIUM, CHROMIUM_ARGS, MAP_FRAME, start_server
    proc, url = start_server()
    server = psutil.Process(proc.pid)
    result = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            a = browser.new_context().new_page()
            a.goto(url)
            base = news(100_000)
            for i in range(20):
                a.get_by_label("Article text").fill(f"Report {i}: " + base[i * 997:] + base[:i * 997])
                a.get_by_role("button", name="Analyse").click()
                a.frame_locator(MAP_FRAME).locator(".leaflet-marker-icon").first.wait_for(timeout=300_000)
            result["server_rss_mb_after_20_pastes_of_100kB"] = round(server.memory_info().rss / 2**20)
            a.get_by_label("Article text").fill("Fighting near Kharkiv. " + "." * 999_000)
            a.get_by_role("button", name="Analyse").click()
            b = browser.new_context().new_page()
            t = time.perf_counter()
            b.goto(f"{url}/?seed=north-korea-missiles-2019-10-02")
            b.frame_locator(MAP_FRAME).locator(".leaflet-marker-icon").first.wait_for(timeout=120_000)
            result["other_user_seed_page_s_during_1MB_dots"] = round(time.perf_counter() - t, 2)
            result["server_rss_mb_at_end"] = round(server.memory_info().rss / 2**20)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(30)
    print(json.dumps(result), flush=True)
    return result


def bench_kills(n: int, kills: int) -> dict:
    texts, source = load_texts(n)
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "in.jsonl"
        src.write_text("".join(json.dumps({"id": f"a{i}", "text": t}) + "\n" for i, t in enumerate(texts)), "utf-8")
        out = Path(d) / "o.geojson"
        t0 = time.perf_counter()
        p = subprocess.Popen([sys.executable, "-m", "geo", "batch", str(src), "--out", str(out), "--workers", "2"],
                             cwd=REPO_ROOT, stderr=subprocess.PIPE)
        done = _kill_workers(p, kills)
        try:
            _, err = p.communicate(timeout=1800)
            hung = False
        except subprocess.TimeoutExpired:
            p.kill()
            err, hung = b"", True
        fc = json.loads(out.read_text("utf-8")) if out.exists() else {"articles": []}
        errors = out.with_name("o.errors.jsonl").read_text("utf-8").splitlines() if not hung else []
        result = {"articles": n, "texts": source, "kills": done, "rc": p.returncode, "hung": hung,
                  "articles_kept": len(fc["articles"]), "errors": len(errors),
                  "seconds": round(time.perf_counter() - t0, 1), "summary": err.decode().strip().splitlines()[-1:]}
    print(json.dumps(result), flush=True)
    return result


def _kill_workers(p: subprocess.Popen, kills: int) -> int:
    """SIGKILL a random worker (a child of the fork server) every 0.2 to 0.8 s, `kills` times."""
    main, done = psutil.Process(p.pid), 0
    time.sleep(2.0)
    while done < kills and p.poll() is None:
        workers = []
        for c in main.children(recursive=True):
            try:
                if c.ppid() != p.pid and c.status() != psutil.STATUS_ZOMBIE:
                    workers.append(c)
            except psutil.Error:
                pass
        if workers:
            try:
                os.kill(random.choice(workers).pid, signal.SIGKILL)
                done += 1
            except OSError:
                pass
        time.sleep(random.uniform(0.2, 0.8))
    return done


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--parse", action="store_true")
    ap.add_argument("--page", action="store_true")
    ap.add_argument("--kills", action="store_true")
    ap.add_argument("--sizes", default="1,5,25")
    ap.add_argument("--kinds", default="", help="comma-separated words picking the kinds of text (default: all)")
    ap.add_argument("--n", type=int, default=10_000)
    args = ap.parse_args()
    everything = not (args.parse or args.page or args.kills)
    if args.parse or everything:
        bench_parse([int(s) for s in args.sizes.split(",")], [k for k in args.kinds.split(",") if k])
    if args.page or everything:
        bench_page()
    if args.kills or everything:
        bench_kills(args.n, 20)


if __name__ == "__main__":
    main()
