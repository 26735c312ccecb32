"""Throughput, memory and resumability of `python -m geo batch`, end to end.

    python benchmarks/bench_batch.py [--n 10000] [--workers N] [--no-dask] [--keep DIR] [--json]

Writes N news-article-sized texts as JSON Lines into a temporary folder (the TR-News texts from
../shared/eval when present, repeated to N; else synthetic articles of the same size cut from
seeds/*.txt), then times, as subprocesses run from the repo root:
- the local engine with all cores (or --workers): files on disk to the written GeoJSON, wall time,
  articles per second, peak resident memory of the main process and of each worker (psutil, sampled
  every 0.1 s over the process tree);
- the same command again (the rerun: everything comes from the journal);
- the dask engine (a LocalCluster with the same number of worker processes) on the same input with
  a fresh --out, and whether it gives the same places.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psutil  # noqa: E402

from benchmarks.bench_throughput import load_texts  # noqa: E402
from benchmarks.eval_recognition import REPO_ROOT  # noqa: E402


def write_input(folder: Path, n: int) -> tuple[Path, str, int]:
    texts, source = load_texts(n)
    path = folder / "articles.jsonl"
    chars = 0
    with open(path, "w", encoding="utf-8") as f:
        for i, t in enumerate(texts):
            f.write(json.dumps({"id": f"a{i}", "text": t, "date": "2024-01-01"}, ensure_ascii=False) + "\n")
            chars += len(t)
    return path, source, chars


class PeakRSS:
    """Peak RSS of a process and, separately, the largest of its descendants."""

    def __init__(self, pid: int):
        self.proc = psutil.Process(pid)
        self.main = 0
        self.worker = 0
        self.workers_total = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                self.main = max(self.main, self.proc.memory_info().rss)
                kids = [c.memory_info().rss for c in self.proc.children(recursive=True)]
                if kids:
                    self.worker = max(self.worker, max(kids))
                    self.workers_total = max(self.workers_total, sum(kids))
            except psutil.Error:
                pass
            self._stop.wait(0.1)

    def stop(self):
        self._stop.set()
        self._t.join()


def run_batch(args: list[str]) -> dict:
    cmd = [sys.executable, "-m", "geo", "batch", *args]
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    mem = PeakRSS(p.pid)
    out, err = p.communicate()
    dt = time.perf_counter() - t0
    mem.stop()
    if p.returncode != 0:
        sys.stderr.write(err.decode(errors="replace")[-3000:])
        raise SystemExit(f"batch failed with exit code {p.returncode}")
    return {"seconds": dt, "main_rss_mb": mem.main / 2**20, "worker_rss_mb": mem.worker / 2**20,
            "workers_rss_mb": mem.workers_total / 2**20, "summary": err.decode(errors="replace").strip().splitlines()[-1]}


def places_signature(path: Path):
    fc = json.loads(path.read_text("utf-8"))
    return sorted((f["properties"]["place_id"], f["properties"]["articles"], len(f["properties"]["mentions"]))
                  for f in fc["features"] if f["properties"]["kind"] == "place")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000, help="articles (default 10,000)")
    ap.add_argument("--workers", type=int, default=None, help="worker processes (default: all cores)")
    ap.add_argument("--no-dask", action="store_true", help="skip the dask engine")
    ap.add_argument("--keep", help="work in this folder and keep it (default: a temporary folder)")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    workers = a.workers or os.cpu_count() or 1
    folder = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="bench_batch_"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        src, source, chars = write_input(folder, a.n)
        res = {"articles": a.n, "source": source, "chars": chars, "workers": workers, "cpus": os.cpu_count()}
        out = folder / "local.geojson"
        for f in folder.glob("local*"):
            f.unlink()
        w = ["--workers", str(workers)]
        res["local"] = run_batch([str(src), "--out", str(out), *w])
        res["local"]["articles_per_s"] = a.n / res["local"]["seconds"]
        res["local"]["output_mb"] = out.stat().st_size / 1e6
        res["local"]["journal_mb"] = out.with_name("local.journal.sqlite").stat().st_size / 1e6
        res["rerun"] = run_batch([str(src), "--out", str(out), *w])
        res["rerun"]["fraction_of_first"] = res["rerun"]["seconds"] / res["local"]["seconds"]
        if not a.no_dask:
            dout = folder / "dask.geojson"
            for f in folder.glob("dask*"):
                f.unlink()
            res["dask"] = run_batch([str(src), "--out", str(dout), "--engine", "dask", *w])
            res["dask"]["articles_per_s"] = a.n / res["dask"]["seconds"]
            res["dask"]["same_places_as_local"] = places_signature(dout) == places_signature(out)
    finally:
        if not a.keep:
            shutil.rmtree(folder, ignore_errors=True)
    if a.json:
        print(json.dumps(res, indent=1))
        return 0
    print(f"{a.n:,} articles ({source}, {chars / a.n:,.0f} characters each on average), "
          f"{workers} workers on {os.cpu_count()} CPUs")
    for name in ("local", "rerun", "dask"):
        r = res.get(name)
        if not r:
            continue
        rate = f"{r['articles_per_s']:8.0f} articles/s" if "articles_per_s" in r else " " * 19
        extra = ""
        if name == "local":
            extra = f"  output {r['output_mb']:.0f} MB, journal {r['journal_mb']:.0f} MB"
        if name == "rerun":
            extra = f"  ({r['fraction_of_first']:.1%} of the first run)"
        if name == "dask":
            extra = f"  same places as local: {r['same_places_as_local']}"
        print(f"{name:6} {r['seconds']:8.1f} s {rate}   peak RSS main {r['main_rss_mb']:5.0f} MB, "
              f"largest worker {r['worker_rss_mb']:5.0f} MB, all workers {r['workers_rss_mb']:5.0f} MB{extra}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
