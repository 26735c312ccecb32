"""The resolver alone, in-process: microseconds per article, and what each of its stages costs.

    python benchmarks/bench_resolver.py [--repeat R] [--no-pin] [--json]

Articles: the TR-News texts (as bench_throughput.py sends them), their mentions found by the
project's recogniser (what `parse --jsonl` resolves); the seeds when ../shared/eval is absent.
Each figure is the best of R passes over all articles (perf_counter, the process pinned to core 0
unless --no-pin): the machine is shared and timings are noisy, the best pass is the least
disturbed one. The first pass (every name met for the first time, after one warm-up article) is
timed once. Stages, each timed alone on the same inputs:
- document: the keys' cached candidates gathered, the mentions' evidence (cue words, patterns),
  the stage-1 features; of which `mention evidence` is the one pass over the mentions;
- stage 1 / stage 2: the two forests; stage-2 features: what stage 1 believes about the others;
- choice: the rest of `resolve` (rules, softmax shares, winners, reasons, runners-up, one
  Resolution per mention, the fallback placement of names left unplaced).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import corpora  # noqa: E402
from benchmarks.bench_throughput import synthetic_articles  # noqa: E402


def load_docs(pipeline) -> tuple[list, str]:
    from geo.pipeline import make_document

    try:
        texts, source = [a.text for a in corpora.load_corpus("tr-news")], "TR-News texts"
    except corpora.CorpusMissing:
        texts = [p.read_text(encoding="utf-8") for p in sorted((corpora.REPO_ROOT / "seeds").glob("*.txt"))]
        source = "seeds/*.txt"
    docs = []
    for t in texts:
        d = make_document(t)
        docs.append((d.text, pipeline.recognizer.find(d.text, list(d.sentences))))
    return docs, source


CLOCK = time.perf_counter


def best_of(fn, repeat: int, n: int) -> float:
    """Microseconds per article, best of `repeat` passes."""
    best = float("inf")
    for _ in range(repeat):
        t0 = CLOCK()
        fn()
        best = min(best, CLOCK() - t0)
    return best * 1e6 / n


def measure(repeat: int) -> dict:
    from gazetteer import rank
    from geo.pipeline import Pipeline
    from geo.settings import Settings

    pipeline = Pipeline(Settings())
    res = pipeline.resolver
    pipeline.analyse(synthetic_articles(1)[0])     # the model and tables loaded, as after a warm-up article
    docs, source = load_docs(pipeline)
    n = len(docs)
    t0 = CLOCK()
    for text, mentions in docs:             # every name met for the first time
        res.resolve(text, mentions)
    first = (CLOCK() - t0) * 1e6 / n
    built = [res.document(t, m) for t, m in docs]
    with_keys = [(d, t, m) for d, (t, m) in zip(built, docs) if d.statics]
    groups = len(res._interner)
    model = res.model
    s1 = [model.stage1.columns(d.XT[:len(rank.FEATURES1)]) for d, _, _ in with_keys]
    out = {
        "source": source, "articles": n, "mentions_per_article": sum(len(m) for _, m in docs) / n,
        "candidate_rows_per_article": sum(d.XT.shape[1] for d in built) / n,
        "first_pass_us": first,
        "resolve_us": best_of(lambda: [res.resolve(t, m) for t, m in docs], repeat, n),
        "resolve_no_alternatives_us": best_of(lambda: [res.resolve(t, m, 0) for t, m in docs], repeat, n),
        "document_us": best_of(lambda: [res.document(t, m) for t, m in docs], repeat, n),
        "mention_evidence_us": best_of(lambda: [rank.mention_evidence(t, m, d.key_index, len(d.statics),
                                                                      res._containers) for d, t, m in with_keys],
                                       repeat, n),
        "stage1_us": best_of(lambda: [model.stage1.columns(d.XT[:len(rank.FEATURES1)]) for d, _, _ in with_keys],
                             repeat, n),
        "stage2_features_us": best_of(lambda: [rank.stage2_features(d, s, groups)
                                               for (d, _, _), s in zip(with_keys, s1)], repeat, n),
        "stage2_us": best_of(lambda: [model.stage2.columns(d.XT) for d, _, _ in with_keys], repeat, n),
    }
    out["choice_us"] = out["resolve_us"] - out["document_us"] - out["stage1_us"] - out["stage2_features_us"] \
        - out["stage2_us"]
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=15, metavar="R", help="passes; the best counts (default 15)")
    p.add_argument("--no-pin", action="store_true", help="do not pin this process to core 0")
    p.add_argument("--cpu", action="store_true",
                   help="time with the process' CPU time (time.process_time) instead of perf_counter: on a "
                        "shared core it leaves out the time other processes hold the core")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")
    a = p.parse_args(argv)
    global CLOCK
    if a.cpu:
        CLOCK = time.process_time
    if not a.no_pin and hasattr(os, "sched_setaffinity") and shutil.which("taskset"):
        os.sched_setaffinity(0, {0})
    r = measure(max(1, a.repeat))
    if a.json:
        print(json.dumps(r, indent=1))
        return 0
    print(f"Resolver alone: {r['articles']} {r['source']}, {r['mentions_per_article']:.1f} mentions and "
          f"{r['candidate_rows_per_article']:.1f} candidate rows per article (best of {a.repeat} passes, "
          f"{'CPU time' if a.cpu else 'wall time'})")
    print(f"  resolve: {r['resolve_us']:.0f} us/article ({r['resolve_no_alternatives_us']:.0f} without runners-up; "
          f"first pass, every name new: {r['first_pass_us']:.0f})")
    for label, k in (("document (candidates, evidence, stage-1 features)", "document_us"),
                     ("  of which the mentions' evidence", "mention_evidence_us"),
                     ("stage 1 forest", "stage1_us"), ("stage-2 features", "stage2_features_us"),
                     ("stage 2 forest", "stage2_us"), ("choice, reasons, runners-up, fallback", "choice_us")):
        print(f"  {label:<52} {r[k]:7.0f} us")
    return 0


if __name__ == "__main__":
    sys.exit(main())
