"""Speed and memory of `python -m geo parse --jsonl -`, end to end, on news-article-sized input.

    python benchmarks/bench_throughput.py [--articles N] [--repeat R] [--distinct] [--cold-runs K] [--no-pin] [--json]
                                          [--cmd "python -m geo parse --jsonl -"]

Articles: the TR-News texts (118 articles, about 2,000 characters each) when ../shared/eval is
there, else synthetic articles of the same size cut from the seed article(s) in seeds/*.txt. With
--distinct: the 906 articles of LGL, TR-News and GeoWebNews, each once, so that no article is met
twice (names and words recur across articles, as in any stream of news, but the per-name work the
system keeps is done the first time each name is met inside the timed run).

Figures:
- cold start: wall time of the command on an empty input (start-up, imports, data loading that
  is not lazy, shutdown); median of K runs.
- first answer: from starting the process to reading the answer to the first (warm-up) article;
  includes any data loaded lazily on first use.
- throughput: after that warm-up answer has been read, the N articles are written; the clock
  runs from writing the first of them to reading the last answer, inside this process, so
  start-up is excluded. Articles per second, characters per second, ms per article. (If the
  system holds its output until end of input, the warm-up answer never comes; after a wait the
  articles are sent anyway and the figure, marked APPROXIMATE, includes the shutdown.)
- peak resident memory: maximum resident set size of the system's process, from GNU time's %M
  (`/usr/bin/time -f %M`), for the cold start and for the throughput run. Without GNU time, ru_maxrss
  from os.wait4, an upper bound: Linux carries the high-water mark across exec, so it includes
  this script's own memory at fork time.
Each run is pinned to one core with `taskset -c 0` when taskset is available (not with --no-pin);
this script then keeps to the other cores, so that the client does not share the system's core.
"""
from __future__ import annotations

import argparse
import json
import os
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import corpora  # noqa: E402
from benchmarks.eval_recognition import DEFAULT_CMD, REPO_ROOT, child_env, command_args  # noqa: E402

TRNEWS_MEAN_CHARS = 2000


# ---------------------------------------------------------------------------------------------
# Input

def synthetic_articles(n: int, target_chars: int = TRNEWS_MEAN_CHARS) -> list[str]:
    """n different articles of about `target_chars` characters, cut from the seed article(s)."""
    seeds = sorted((REPO_ROOT / "seeds").glob("*.txt"))
    if not seeds:
        raise SystemExit("no seeds/*.txt to build synthetic articles from")
    text = "\n".join(p.read_text(encoding="utf-8") for p in seeds)
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]
    out = []
    for k in range(n):
        parts: list[str] = []
        size = 0
        i = k % len(sentences)
        while size < target_chars:
            parts.append(sentences[i % len(sentences)])
            size += len(parts[-1]) + 1
            i += 1
        out.append(" ".join(parts))
    return out


def load_texts(n: int | None, distinct: bool = False) -> tuple[list[str], str]:
    notes: list[str] = []
    if distinct:
        try:
            arts = [a for name in ("lgl", "tr-news", "geowebnews") for a in corpora.load_corpus(name, notes=notes)]
            return [a.text for a in arts], "LGL, TR-News and GeoWebNews texts, each once (every article new)"
        except corpora.CorpusMissing:
            pass
    try:
        arts = corpora.load_corpus("tr-news", notes=notes)
        texts = [a.text for a in arts]
        source = "TR-News texts"
        if n:
            texts = (texts * (n // len(texts) + 1))[:n]
    except corpora.CorpusMissing:
        texts = synthetic_articles(n or 100)
        source = f"synthetic articles from seeds/*.txt ({corpora.eval_dir_display()} not found)"
    return texts, source


# ---------------------------------------------------------------------------------------------
# Runs

_GNU_TIME: str | None | bool = False   # False: not looked for yet


def gnu_time() -> str | None:
    """Path of GNU time if it works (`-f %M -o FILE`), else None."""
    global _GNU_TIME
    if _GNU_TIME is False:
        _GNU_TIME = None
        cand = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
        if cand:
            try:
                ok = subprocess.run([cand, "-f", "%M", "-o", os.devnull, "true"], capture_output=True,
                                    timeout=10).returncode == 0
            except (OSError, subprocess.SubprocessError):
                ok = False
            _GNU_TIME = cand if ok else None
    return _GNU_TIME


def _spawn(args: list[str], stdin) -> subprocess.Popen:
    """Start the system. Under GNU time when there is one: the peak RSS that os.wait4 reports for a
    child of this process also counts this process' own memory at fork time (Linux carries the
    high-water mark across exec), so a small wrapper gives the honest figure."""
    rss_file = None
    gt = gnu_time()
    if gt:
        fd, rss_file = tempfile.mkstemp(prefix="geo-bench-rss-")
        os.close(fd)
        args = [gt, "-f", "%M", "-o", rss_file] + args
    try:
        proc = subprocess.Popen(args, cwd=REPO_ROOT, stdin=stdin, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace",
                                bufsize=1, env=child_env())
    except OSError as e:
        raise SystemExit(f"cannot start {' '.join(args)}: {e}")
    proc.rss_file = rss_file  # type: ignore[attr-defined]
    return proc


def _reap(proc: subprocess.Popen) -> tuple[int, float]:
    """Wait for the process; (exit status, peak resident memory in MiB)."""
    _, status, ru = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    rss_file = getattr(proc, "rss_file", None)
    if rss_file:
        try:
            last = Path(rss_file).read_text().strip().splitlines()[-1]
            return proc.returncode, int(last) / 1024          # GNU time %M: KiB
        except (OSError, ValueError, IndexError):
            pass
        finally:
            Path(rss_file).unlink(missing_ok=True)
    # Without GNU time: an upper bound (includes this process' memory at fork time).
    # Linux reports ru_maxrss in KiB, macOS in bytes.
    kib = ru.ru_maxrss / 1024 if sys.platform == "darwin" else ru.ru_maxrss
    return proc.returncode, kib / 1024


def cold_start(args: list[str]) -> dict:
    t0 = time.perf_counter()
    proc = _spawn(args, subprocess.DEVNULL)
    errs: list[str] = []
    t = threading.Thread(target=lambda: errs.append(proc.stderr.read()), daemon=True)
    t.start()
    out = proc.stdout.read()   # not communicate(): it would reap the process before os.wait4
    rc, rss = _reap(proc)
    t.join(5)
    err = "".join(errs)
    return {"seconds": time.perf_counter() - t0, "returncode": rc, "rss_mib": rss,
            "output_lines": len([l for l in out.splitlines() if l.strip()]), "stderr": err[-2000:]}


def throughput(args: list[str], texts: list[str], warmup_text: str, warmup_timeout: float) -> dict:
    t_spawn = time.perf_counter()
    proc = _spawn(args, subprocess.PIPE)
    lines: "queue.Queue[tuple[float, str] | None]" = queue.Queue()
    err: list[str] = []

    def read_out() -> None:
        for line in proc.stdout:
            if line.strip():
                lines.put((time.perf_counter(), line))
        lines.put(None)

    def read_err() -> None:
        for line in proc.stderr:
            if len(err) < 2000:
                err.append(line)

    threading.Thread(target=read_out, daemon=True).start()
    threading.Thread(target=read_err, daemon=True).start()

    def write(records: list[dict], close: bool) -> None:
        try:
            for r in records:
                proc.stdin.write(json.dumps(r) + "\n")
            proc.stdin.flush()
            if close:
                proc.stdin.close()
        except (BrokenPipeError, OSError, ValueError):
            pass

    result: dict = {"articles": len(texts), "chars": sum(len(t) for t in texts)}
    write([{"id": "warmup", "text": warmup_text}], close=False)
    try:
        first = lines.get(timeout=warmup_timeout)
    except queue.Empty:
        first = "timeout"
    records = [{"id": f"a{i}", "text": t} for i, t in enumerate(texts)]
    got: list[tuple[float, str]] = []
    if first is None:  # the process ended without answering
        rc, rss = _reap(proc)
        return {**result, "failed": True, "returncode": rc, "stderr": "".join(err)[-2000:]}
    if first == "timeout":
        # Output is not written line by line (buffered until EOF). Start-up and the warm-up
        # article were done while we waited; time from writing the articles to the last answer,
        # which then also holds the shutdown.
        result["line_buffered"] = False
        t0 = time.perf_counter()
        write(records, close=True)
    else:
        result["line_buffered"] = True
        result["first_answer_s"] = first[0] - t_spawn
        t0 = time.perf_counter()
        writer = threading.Thread(target=write, args=(records, True), daemon=True)
        writer.start()
    while True:
        item = lines.get()
        if item is None:
            break
        got.append(item)
    rc, rss = _reap(proc)
    answers = [l for _, l in got]
    if first == "timeout":
        answers = answers[1:]  # the warm-up answer came with the rest
    n_err = sum(1 for l in answers if '"error"' in l and '"places"' not in l)
    t1 = got[-1][0] if got else time.perf_counter()
    result.update({"returncode": rc, "rss_mib": rss, "answers": len(answers), "error_answers": n_err,
                   "seconds": t1 - t0, "stderr": "".join(err)[-2000:]})
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cmd", default=DEFAULT_CMD, help=f"the system's command (default: {DEFAULT_CMD!r})")
    p.add_argument("--articles", type=int, default=0, metavar="N",
                   help="number of articles (default: all 118 TR-News texts, or 100 synthetic ones)")
    p.add_argument("--repeat", type=int, default=1, metavar="R", help="send the article set R times")
    p.add_argument("--distinct", action="store_true",
                   help="the three corpora's 906 articles, each once, instead of TR-News (no article is met twice)")
    p.add_argument("--cold-runs", type=int, default=3, metavar="K", help="cold start runs (median)")
    p.add_argument("--no-pin", action="store_true", help="do not pin to core 0 with taskset")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")
    a = p.parse_args(argv)

    pinned = not a.no_pin and shutil.which("taskset") is not None
    args = command_args(a.cmd, pin_core=0 if pinned else None)
    if pinned and hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) > 1:
        # this script (the client writing articles and reading answers) keeps off the system's
        # core: a reader woken by the system's write would otherwise often run on that core
        os.sched_setaffinity(0, os.sched_getaffinity(0) - {0})
    texts, source = load_texts(a.articles or None, a.distinct)
    texts = texts * max(1, a.repeat)
    warmup = synthetic_articles(1)[0]

    colds = [cold_start(args) for _ in range(max(1, a.cold_runs))]
    cold_s = statistics.median(c["seconds"] for c in colds)
    failed_cold = [c for c in colds if c["returncode"] != 0]
    tp = throughput(args, texts, warmup, warmup_timeout=max(30.0, 10 * cold_s))

    report = {
        "command": a.cmd, "pinned_core": 0 if pinned else None, "source": source,
        "articles": len(texts), "mean_chars": round(sum(map(len, texts)) / len(texts)),
        "cold_start_s": {"median": cold_s, "min": min(c["seconds"] for c in colds), "runs": len(colds)},
        "cold_start_rss_mib": max(c["rss_mib"] for c in colds),
        "rss_method": "GNU time %M" if gnu_time() else "os.wait4 ru_maxrss (upper bound: includes the harness at fork)",
        "cold_start_returncode": failed_cold[0]["returncode"] if failed_cold else 0,
    }
    if tp.get("failed"):
        report["throughput"] = {"failed": True, "returncode": tp["returncode"], "stderr": tp["stderr"]}
    else:
        secs = tp["seconds"]
        report["first_answer_s"] = tp.get("first_answer_s")
        report["throughput"] = {
            "seconds": secs, "articles_per_s": len(texts) / secs, "chars_per_s": tp["chars"] / secs,
            "ms_per_article": 1000 * secs / len(texts), "answers": tp["answers"],
            "error_answers": tp["error_answers"], "line_buffered": tp["line_buffered"],
            "returncode": tp["returncode"]}
        report["peak_rss_mib"] = tp["rss_mib"]

    if a.json:
        print(json.dumps(report, indent=1))
    else:
        print(f"Throughput and memory (system: {a.cmd})")
        print(f"  pinned to one core: {'yes (taskset -c 0)' if pinned else 'no'}")
        print(f"  input: {len(texts)} {source}, mean {report['mean_chars']:,} characters")
        print(f"  cold start (empty input): median {cold_s:.3f} s, min {report['cold_start_s']['min']:.3f} s "
              f"over {len(colds)} runs; peak RSS {report['cold_start_rss_mib']:.1f} MiB")
        if failed_cold:
            print(f"  WARNING: cold start exited with status {failed_cold[0]['returncode']}:")
            print("    " + failed_cold[0]["stderr"].strip().replace("\n", "\n    "))
        t = report["throughput"]
        if t.get("failed"):
            print(f"  throughput: FAILED, the system ended without answering (exit {t['returncode']})")
            print("    " + t["stderr"].strip().replace("\n", "\n    "))
        else:
            if report.get("first_answer_s") is not None:
                print(f"  first answer (start-up + one article): {report['first_answer_s']:.3f} s")
            approx = "" if t["line_buffered"] else \
                " (APPROXIMATE: output is not line-buffered; timed from the first article written to EOF, shutdown included)"
            print(f"  throughput: {len(texts)} articles in {t['seconds']:.3f} s = {t['articles_per_s']:.1f} "
                  f"articles/s, {t['chars_per_s']:,.0f} characters/s, {t['ms_per_article']:.1f} ms/article{approx}")
            print(f"  peak resident memory (throughput run): {report['peak_rss_mib']:.1f} MiB "
                  f"[{report['rss_method']}]")
            if t["answers"] != len(texts) or t["error_answers"] or t["returncode"]:
                print(f"  WARNING: {t['answers']} answers for {len(texts)} articles, {t['error_answers']} errors, "
                      f"exit status {t['returncode']}")
    ok = not tp.get("failed") and not failed_cold
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
