"""`python -m geo batch --engine dask --scheduler` on a real Dask cluster on this machine (issue 16).

    python benchmarks/bench_cluster.py [--n 2000] [--workers 1,2]

For each number of workers: starts `dask scheduler` and `dask worker --nworkers W --nthreads 1` as
their own processes in a temporary folder (127.0.0.1), runs the batch through the scheduler on N
TR-News-sized articles (JSON Lines), then the local engine with the same number of workers, and
prints wall times, articles per second and whether the places are the same. The per-task overhead
comes from the same cluster run twice, with tasks of 256 and of 32 articles:
(t32 - t256) / (tasks32 - tasks256).
"""
from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_throughput import load_texts  # noqa: E402
from benchmarks.eval_recognition import REPO_ROOT  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_cluster(cwd: str, workers: int) -> tuple[list[subprocess.Popen], str]:
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = str(Path(sys.executable).parent / "dask")
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                              cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    time.sleep(3)
    procs.append(subprocess.Popen([dask, "worker", address, "--nworkers", str(workers), "--nthreads", "1",
                                   "--no-dashboard"], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    time.sleep(6)
    return procs, address


def batch(inp: Path, out: Path, *extra: str) -> float:
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "geo", "batch", str(inp), "--out", str(out), *extra], cwd=REPO_ROOT,
                       capture_output=True, text=True)
    if r.returncode:
        raise SystemExit(f"batch failed: {r.stderr.strip()[-500:]}")
    return time.perf_counter() - t


def places(path: Path) -> list:
    fc = json.loads(path.read_text("utf-8"))
    return sorted((f["properties"]["place_id"], f["properties"]["articles"], len(f["properties"]["mentions"]))
                  for f in fc["features"] if f["properties"]["kind"] == "place")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--workers", default="1,2")
    args = ap.parse_args()
    texts, source = load_texts(args.n)
    with tempfile.TemporaryDirectory() as d:
        inp = Path(d) / "in.jsonl"
        inp.write_text("".join(json.dumps({"id": f"a{i}", "text": t}) + "\n" for i, t in enumerate(texts)), "utf-8")
        for w in (int(x) for x in args.workers.split(",")):
            procs, address = start_cluster(d, w)
            try:
                tc = batch(inp, Path(d) / f"c{w}" / "o.geojson", "--engine", "dask", "--scheduler", address)
                t32 = batch(inp, Path(d) / f"s{w}" / "o.geojson", "--engine", "dask", "--scheduler", address,
                            "--chunk", "32")
            finally:
                for p in procs[::-1]:
                    p.terminate()
                    p.wait(30)
            tl = batch(inp, Path(d) / f"l{w}" / "o.geojson", "--workers", str(w))
            same = places(Path(d) / f"c{w}" / "o.geojson") == places(Path(d) / f"l{w}" / "o.geojson")
            tasks256, tasks32 = -(-args.n // 256), -(-args.n // 32)
            print(json.dumps({"workers": w, "articles": args.n, "texts": source, "cluster_s": round(tc, 1),
                              "local_s": round(tl, 1), "cluster_articles_per_s": round(args.n / tc),
                              "local_articles_per_s": round(args.n / tl), "same_places": same,
                              "per_task_overhead_ms": round(1000 * (t32 - tc) / (tasks32 - tasks256), 1)}), flush=True)


if __name__ == "__main__":
    main()
