"""CPU time of reading events, per article, and where it goes.

    taskset -c 0 python benchmarks/bench_events.py [--corpus tr-news] [--repeat 7] [--no-stages]

Every article of the corpus (TR-News by default; the seeds when ../shared/eval is absent) is
analysed without events (twice: the second, warm pass is timed for comparison); then
`geo.events.read_events` runs over all of them `--repeat` times, and the smallest total CPU time
(`time.process_time`) per article is printed. With stages (the default), one more run times
the main steps by wrapping their functions (the wrappers add a little): the whole-text scan for
trigger words, choosing sentences, finding triggers, candidates, linking, placing, and building
the events. The machine is shared: pin to one core and compare figures taken in the same minutes.
"""
from __future__ import annotations

import argparse
import functools
import os
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import corpora  # noqa: E402
from geo.events import read_events, reports, triggers  # noqa: E402
from geo.events.learned import LearnedLinker  # noqa: E402
from geo.pipeline import Pipeline  # noqa: E402

STAGES = (("scan for trigger words", reports, "key_hits"),
          ("choose sentences", triggers.TriggerLexicon, "sentences_to_read"),
          ("find triggers (tokens, matching)", triggers.TriggerLexicon, "find"),
          ("candidates", reports, "sentence_candidates"),
          ("link (the model, per document)", LearnedLinker, "link_many"),
          ("place incidents", reports, "_placed"),
          ("build events (time, counts, actor, zones)", reports, "to_event"))


def texts_of(corpus: str) -> list[str]:
    try:
        return [a.text for a in corpora.load_corpus(corpus)]
    except corpora.CorpusMissing:
        return [p.read_text("utf-8") for p in sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))]


def timed(owner, name: str, spent: dict) -> None:
    f = getattr(owner, name)

    @functools.wraps(f)
    def wrapper(*a, **k):
        t0 = time.process_time()
        try:
            return f(*a, **k)
        finally:
            spent[name] = spent.get(name, 0.0) + time.process_time() - t0
    setattr(owner, name, wrapper)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default="tr-news")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--no-stages", action="store_true")
    a = ap.parse_args(argv)
    texts = texts_of(a.corpus)
    p = Pipeline()
    base = [p.analyse(t, events=False, alternatives=False) for t in texts]
    t0 = time.process_time()
    for t in texts:                      # a second, warm pass, for comparison
        p.analyse(t, events=False, alternatives=False)
    before = (time.process_time() - t0) / len(texts)

    def run() -> tuple[float, int]:
        t0 = time.process_time()
        n = sum(len(read_events(b, p.zones, None, p.linker, p.gazetteer.lexicon).events) for b in base)
        return time.process_time() - t0, n
    run()
    best, events = min(run() for _ in range(a.repeat))
    n = len(texts)
    print(f"{a.corpus}: {n} articles, {events / n:.2f} events per article; load average {os.getloadavg()[0]:.1f}")
    print(f"  pipeline without events (warm, one pass): {before * 1e3:.3f} ms per article")
    print(f"  read_events: {best / n * 1e3:.3f} ms CPU per article (min of {a.repeat})")
    if not a.no_stages:
        spent: dict = {}
        for _, owner, name in STAGES:
            timed(owner, name, spent)
        run()
        for label, _, name in STAGES:
            print(f"    {label:<44} {spent.get(name, 0.0) / n * 1e3:.3f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
