"""Recognition benchmark: exact-span precision, recall and F1 of the geoparser on each corpus.

    python benchmarks/eval_recognition.py [--corpus lgl|tr-news|geowebnews] [--errors N] [--json]
                                          [--cmd "python -m geo parse --jsonl -"]

One subprocess of the system per corpus gets every article as a JSON line {"id", "text"} on its
standard input (no spans: it finds the places itself); the `start`/`end` of its `places` are
compared with the gold spans. Exits 0 with "skipped: ../shared/eval not found" when the corpora
are absent. This module also holds the helpers the other benchmark scripts share.
"""
from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import corpora  # noqa: E402
from benchmarks.scoring import overlaps, prf, span_counts  # noqa: E402

DEFAULT_CMD = "python -m geo parse --jsonl -"
REPO_ROOT = corpora.REPO_ROOT


# ---------------------------------------------------------------------------------------------
# Shared helpers: command line, running the system, skipping

def command_args(cmd: str, pin_core: int | None = None) -> list[str]:
    """Split a command line; a leading `python`/`python3` becomes this interpreter."""
    args = shlex.split(cmd)
    if not args:
        raise SystemExit("empty --cmd")
    if args[0] in ("python", "python3"):
        args[0] = sys.executable
    if pin_core is not None:
        import shutil
        ts = shutil.which("taskset")
        if ts:
            args = [ts, "-c", str(pin_core)] + args
    return args


def child_env() -> dict:
    """The system's environment: ours, with UTF-8 standard streams."""
    import os
    env = dict(os.environ)
    env["PYTHONIOENCODING"] = "utf-8"
    return env


@dataclass
class RunResult:
    outputs: list[dict | None]          # aligned with the input records; None where no line came back
    returncode: int
    stderr: str
    seconds: float
    bad_lines: int = 0                  # output lines that were not JSON objects
    extra_lines: int = 0                # output lines whose id matched no input
    warnings: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        """Articles the system answered with {"id", "error"}."""
        return sum(1 for o in self.outputs if o is not None and "error" in o and "places" not in o)

    @property
    def missing(self) -> int:
        return sum(1 for o in self.outputs if o is None)


def run_system(cmd: str, records: list[dict], timeout: float | None = None) -> RunResult:
    """Run the system once over all `records` (dicts with a unique "id"), read every output line.

    Input is written from a thread while the output is read, so neither side can block on a full
    pipe. Output lines are matched to inputs by id.
    """
    args = command_args(cmd)
    t0 = time.perf_counter()
    try:
        proc = subprocess.Popen(args, cwd=REPO_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace",
                                bufsize=1, env=child_env())
    except OSError as e:
        raise SystemExit(f"cannot start {cmd!r}: {e}")

    def feed() -> None:
        try:
            for r in records:
                proc.stdin.write(json.dumps(r) + "\n")
            proc.stdin.close()
        except (BrokenPipeError, OSError, ValueError):
            pass

    err_chunks: list[str] = []

    def drain_stderr() -> None:
        size = 0
        for line in proc.stderr:
            if size < 200_000:
                err_chunks.append(line)
                size += len(line)

    timer = None
    if timeout:
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
    writer = threading.Thread(target=feed, daemon=True)
    errt = threading.Thread(target=drain_stderr, daemon=True)
    writer.start()
    errt.start()

    index = {}
    for i, r in enumerate(records):
        index.setdefault(str(r["id"]), i)
    outputs: list[dict | None] = [None] * len(records)
    bad = extra = 0
    for line in proc.stdout:
        line = line.strip()
        if not line:
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            bad += 1
            continue
        if not isinstance(obj, dict):
            bad += 1
            continue
        i = index.get(str(obj.get("id")))
        if i is None or outputs[i] is not None:
            extra += 1
            continue
        outputs[i] = obj
    rc = proc.wait()
    if timer:
        timer.cancel()
    writer.join(5)
    errt.join(5)
    res = RunResult(outputs, rc, "".join(err_chunks), time.perf_counter() - t0, bad, extra)
    if bad:
        res.warnings.append(f"{bad} output line(s) were not JSON objects")
    if extra:
        res.warnings.append(f"{extra} output line(s) had an unknown or repeated id")
    if res.missing:
        res.warnings.append(f"{res.missing} article(s) got no output line")
    if res.errors:
        res.warnings.append(f"{res.errors} article(s) answered with an error")
    if rc != 0:
        res.warnings.append(f"the system exited with status {rc}")
    return res


def system_failed(res: RunResult) -> bool:
    """Nothing usable came back: the command is missing or broken."""
    return all(o is None or "places" not in o for o in res.outputs) and len(res.outputs) > 0


def stderr_tail(res: RunResult, lines: int = 15) -> str:
    return "\n".join(res.stderr.rstrip().splitlines()[-lines:])


def select_corpora(name: str | None) -> tuple[list[str], list[str]]:
    """(corpora to run, skip messages). Exits 0 with the skip message when none is there."""
    d = corpora.eval_dir()
    if d is None:
        print(f"skipped: {corpora.eval_dir_display()} not found")
        raise SystemExit(0)
    wanted = [corpora.canonical_name(name)] if name else list(corpora.CORPUS_FILES)
    have = set(corpora.available_corpora(d))
    skips = [f"skipped: {d / corpora.CORPUS_FILES[c]} not found" for c in wanted if c not in have]
    run = [c for c in wanted if c in have]
    if not run:
        for s in skips:
            print(s)
        raise SystemExit(0)
    return run, skips


def add_common_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--corpus", help="only this corpus: lgl, tr-news or geowebnews")
    p.add_argument("--errors", type=int, default=0, metavar="N", help="print the N top errors per corpus")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON instead of a table")
    p.add_argument("--cmd", default=DEFAULT_CMD,
                   help=f"the system's command, run with cwd = repo root (default: {DEFAULT_CMD!r})")
    p.add_argument("--timeout", type=float, default=3600.0, help="seconds allowed per corpus run")
    p.add_argument("--limit", type=int, default=0, metavar="K", help="only the first K articles (quick look)")


def valid_span(p: dict, text_len: int) -> tuple[int, int] | None:
    try:
        s, e = int(p["start"]), int(p["end"])
    except (KeyError, TypeError, ValueError):
        return None
    if 0 <= s < e <= text_len:
        return (s, e)
    return None


# ---------------------------------------------------------------------------------------------
# Recognition

def evaluate_corpus(name: str, cmd: str, timeout: float, limit: int = 0, top_errors: int = 0) -> dict:
    notes: list[str] = []
    articles = corpora.load_corpus(name, notes=notes)
    if limit:
        articles = articles[:limit]
    records = [{"id": a.id, "text": a.text} for a in articles]
    res = run_system(cmd, records, timeout)
    if system_failed(res):
        return {"corpus": name, "failed": True, "returncode": res.returncode,
                "stderr_tail": stderr_tail(res), "warnings": res.warnings}

    tp = fp = fn = 0
    n_pred = 0
    invalid = 0
    fp_phrases: Counter = Counter()
    fn_phrases: Counter = Counter()
    fp_boundary = 0           # predicted span overlapping a gold span but not equal to it
    fp_on_excluded = 0        # GeoWebNews: predicted span equal to a non-toponym annotation
    fp_kinds: Counter = Counter()
    for a, out in zip(articles, res.outputs):
        pred: list[tuple[int, int]] = []
        kinds: dict[tuple[int, int], str] = {}
        for p in (out or {}).get("places") or []:
            sp = valid_span(p, len(a.text)) if isinstance(p, dict) else None
            if sp is None:
                invalid += 1
                continue
            pred.append(sp)
            kinds.setdefault(sp, str(p.get("kind") or "toponym"))
        gold = a.gold_spans()
        t, f, n = span_counts(gold, pred)
        tp, fp, fn, n_pred = tp + t, fp + f, fn + n, n_pred + len(set(pred))
        gset, pset = set(gold), set(pred)
        excl = {x.span for x in a.excluded}
        for sp in pset - gset:
            fp_phrases[a.text[sp[0]:sp[1]]] += 1
            fp_kinds[kinds.get(sp, "toponym")] += 1
            if any(overlaps(sp, g) for g in gset):
                fp_boundary += 1
            if sp in excl:
                fp_on_excluded += 1
        for sp in gset - pset:
            fn_phrases[a.text[sp[0]:sp[1]]] += 1

    out = {"corpus": name, "articles": len(articles), "gold": sum(len(set(a.gold_spans())) for a in articles),
           "predicted": n_pred, **prf(tp, fp, fn),
           "fp_boundary": fp_boundary, "invalid_spans": invalid, "seconds": round(res.seconds, 2),
           "errors": res.errors, "missing": res.missing, "warnings": res.warnings, "notes": notes}
    if name == "geowebnews":
        out["fp_on_excluded"] = fp_on_excluded
    out["fp_kinds"] = dict(fp_kinds.most_common())
    if top_errors:
        out["top_false_positives"] = fp_phrases.most_common(top_errors)
        out["top_false_negatives"] = fn_phrases.most_common(top_errors)
    return out


def print_rows(title: str, head: str, results: list[dict], row) -> None:
    """The accuracy benchmarks' table: a title, the header, one row per corpus (or FAILED)."""
    print(title)
    print(head)
    print("-" * len(head))
    for r in results:
        print(f"{r['corpus']:<11} FAILED (exit {r['returncode']})" if r.get("failed") else row(r))


def print_notes(r: dict, extra: list[str]) -> None:
    """A corpus's notes under its name: what the caller found, then the loader's notes and warnings."""
    extra = extra + r.get("notes", []) + r.get("warnings", [])
    if extra:
        print(f"\n[{r['corpus']}]")
        for e in extra:
            print("  " + e)


def print_table(results: list[dict], cmd: str) -> None:
    print_rows(f"Recognition, exact character spans (system: {cmd})",
               f"{'corpus':<11} {'articles':>8} {'gold':>6} {'pred':>6} {'tp':>6} {'fp':>6} {'fn':>6} "
               f"{'P':>6} {'R':>6} {'F1':>6} {'time s':>7}", results,
               lambda r: f"{r['corpus']:<11} {r['articles']:>8} {r['gold']:>6} {r['predicted']:>6} {r['tp']:>6} "
                         f"{r['fp']:>6} {r['fn']:>6} {r['precision']:>6.3f} {r['recall']:>6.3f} {r['f1']:>6.3f} "
                         f"{r['seconds']:>7.1f}")
    for r in results:
        extra = []
        if r.get("failed"):
            extra.append("stderr:\n" + r["stderr_tail"])
        else:
            if r["fp"]:
                extra.append(f"{r['fp_boundary']} of {r['fp']} false positives overlap a gold span (boundary errors)")
            if r["fp"] and "fp_on_excluded" in r:
                extra.append(f"{r['fp_on_excluded']} false positives are annotated non-toponyms "
                             "(Non_Toponym / Literal_Expression / Non_Lit_Expression)")
            if r["fp_kinds"] and set(r["fp_kinds"]) != {"toponym"}:
                extra.append("false positives by kind: " + ", ".join(f"{k} {v}" for k, v in r["fp_kinds"].items()))
            if r["invalid_spans"]:
                extra.append(f"{r['invalid_spans']} place(s) with missing or out-of-text offsets ignored")
        print_notes(r, extra)
        if r.get("top_false_positives") is not None:
            print("  most frequent false positives (predicted, not gold):")
            for phrase, n in r["top_false_positives"]:
                print(f"    {n:>5}  {phrase!r}")
            print("  most frequent false negatives (gold, not predicted):")
            for phrase, n in r["top_false_negatives"]:
                print(f"    {n:>5}  {phrase!r}")


def run_benchmark(argv, description: str, task: str, evaluate, print_results, **json_extra) -> int:
    """The shared command line of the accuracy benchmarks: parse options, evaluate, print."""
    p = argparse.ArgumentParser(description=description)
    add_common_args(p)
    a = p.parse_args(argv)
    try:
        names, skips = select_corpora(a.corpus)
    except ValueError as e:
        p.error(str(e))
    results = [evaluate(n, a.cmd, a.timeout, a.limit, a.errors) for n in names]
    if a.json:
        print(json.dumps({"task": task, "command": a.cmd, **json_extra, "skipped": skips, "corpora": results},
                         ensure_ascii=False, indent=1))
    else:
        for s in skips:
            print(s)
        print_results(results, a.cmd)
    return 1 if any(r.get("failed") for r in results) else 0


def main(argv: list[str] | None = None) -> int:
    return run_benchmark(argv, __doc__.split("\n\n")[0], "recognition", evaluate_corpus, print_table)


if __name__ == "__main__":
    sys.exit(main())
