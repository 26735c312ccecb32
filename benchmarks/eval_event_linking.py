"""Event-location linking benchmark (`geo/events/learned.py`, `geo/events/linking.py`) on Halterman's
(2019) sentences.

    python benchmarks/eval_event_linking.py            # CV (trains 35 models, ~1 min), shipped, rules, baseline
    python benchmarks/eval_event_linking.py --no-cv    # skip the cross-validation

Reads `../shared/eval/event-location-dev.jsonl` (`GEO_EVAL_DIR` points elsewhere); prints
`skipped: ../shared/eval not found` and exits 0 without it. Scores are token-level precision,
recall and F1 over the gold spans' \\w+ tokens, and exact (the predicted token set equals the
gold one, the empty set included), as the official scorer counts them. Each sentence is read as
`parse` reads it (`scripts/train_event_linker.py`'s `sentence_candidates`). Printed:

1. 5-fold cross-validation grouped by the id's prefix before '#' (the headline figure): models
   trained by `scripts/train_event_linker.py`'s procedure on four fifths, scored on the rest;
2. the shipped model (`geo/data/event_linker.json`) on the same file: IN-SAMPLE, since it was
   trained on it, so optimistic;
3. the rule-based linker (`RuleLinker`): also in-sample, its rules were written looking at this file;
4. the baseline "the recognised place nearest the trigger" (the scorer's `--baseline nearest`);
5. how much of the gold the candidates could reach at best (an oracle choosing exactly the
   candidates that overlap gold), and the linkers' CPU time per event.

The official scorer runs the whole command line: `python ../shared/checks/evlocscore.py --cmd
"python -m geo parse --jsonl -"` (the learned linker, the default).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "scripts"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import json  # noqa: E402

from geo.events import learned  # noqa: E402
from geo.events.learned import LearnedLinker  # noqa: E402
from geo.events.linking import RuleLinker  # noqa: E402
from train_event_linker import sentence_candidates, word_tokens  # noqa: E402


def token_scores(rows) -> dict:
    """rows: (gold token set, predicted token set) per record."""
    tp = fp = fn = exact = 0
    for gold, pred in rows:
        tp += len(gold & pred)
        fp += len(pred - gold)
        fn += len(gold - pred)
        exact += gold == pred
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"P": p, "R": r, "F1": 2 * p * r / (p + r) if p + r else 0.0, "exact": exact / max(len(rows), 1)}


def fmt(name: str, s: dict) -> str:
    return f"{name:<58} P={s['P']:.3f} R={s['R']:.3f} F1={s['F1']:.3f} exact={s['exact']:.3f}"


def load(path: Path) -> list[dict]:
    """Each record with its sentence, candidates and gold tokens."""
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            d["s0"], d["s1"], d["cands"], words = sentence_candidates(d["text"], d["event"]["start"])
            d["gold"] = word_tokens(d["text"], [(g["start"], g["end"]) for g in d["locations"]])
            out.append(d)
    return out


def scored(records: list[dict], linker) -> tuple[dict, float]:
    """A linker's scores, and its CPU time per event."""
    t0 = time.process_time()
    preds = [linker.link(d["text"], d["s0"], d["s1"], d["event"]["start"], d["event"]["end"], d["cands"])
             for d in records]
    per_event = (time.process_time() - t0) / max(len(records), 1)
    rows = [(d["gold"], word_tokens(d["text"], [(lk.candidate.start, lk.candidate.end) for lk in links]))
            for d, links in zip(records, preds)]
    return token_scores(rows), per_event


def nearest_baseline(records: list[dict]) -> dict:
    """The gazetteer toponym nearest the trigger (the scorer's `--baseline nearest` uses the places `parse` reports)."""
    rows = []
    for d in records:
        v = d["event"]
        places = [(c.start, c.end) for c in d["cands"] if c.kind == "toponym"]
        pick = [min(places, key=lambda s: min(abs(s[0] - v["end"]), abs(v["start"] - s[1])))] if places else []
        rows.append((d["gold"], word_tokens(d["text"], pick)))
    return token_scores(rows)


def ceilings(records: list[dict]) -> list[tuple[str, dict]]:
    """Oracle scores when exactly the candidates overlapping gold are chosen."""
    out = []
    for name, kinds in (("the gazetteer's toponyms", ("toponym",)),
                        ("the candidates the model scores", tuple(learned.PLACEISH)), ("every candidate", None)):
        rows = []
        for d in records:
            spans = [(c.start, c.end) for c in d["cands"] if kinds is None or c.kind in kinds]
            chosen = [sp for sp in spans if word_tokens(d["text"], [sp]) & d["gold"]]
            rows.append((d["gold"], word_tokens(d["text"], chosen)))
        out.append((name, token_scores(rows)))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="event-location linking benchmark")
    ap.add_argument("--no-cv", action="store_true", help="skip the cross-validation (needs lightgbm)")
    a = ap.parse_args(argv)
    import train_event_linker as train
    if not train.DATA.exists():
        print("skipped: ../shared/eval not found")
        return 0
    records = load(train.DATA)
    words = train.pipeline().gazetteer.lexicon
    print(f"{train.DATA.name}: {len(records)} sentences with an event trigger, "
          f"{sum(1 for d in records if not d['locations'])} without a location")
    model_linker = LearnedLinker(words)
    if not a.no_cv:
        _, _, table = train.cross_validate(train.load_records(), verbose=False)
        at = min(table, key=lambda t: abs(t["threshold"] - model_linker.threshold))
        best = max(table, key=lambda t: t["F1"])
        print(fmt(f"5-fold grouped CV, threshold {at['threshold']:.2f} (headline)", at))
        if best is not at:
            print(fmt(f"5-fold grouped CV, best threshold {best['threshold']:.2f}", best))
    ours, per_model = scored(records, model_linker)
    print(fmt("learned linker, IN-SAMPLE (trained on this file)", ours))
    rules, per_rule = scored(records, RuleLinker())
    print(fmt("rule linker, IN-SAMPLE (rules written on this file)", rules))
    print(fmt("baseline: the toponym nearest the trigger", nearest_baseline(records)))
    for name, s in ceilings(records):
        print(fmt(f"ceiling, oracle over {name}", s))
    m = model_linker.model
    print(f"speed: {per_model * 1e6:.0f} us CPU per event for the learned linker (one event at a time), "
          f"{per_rule * 1e6:.0f} us for the rules")
    print(f"model: {learned.MODEL_PATH.name}, {learned.MODEL_PATH.stat().st_size / 1e6:.1f} MB, threshold "
          f"{m.threshold:.2f}, {len(m.features)} features, {len(m.stage1.roots)} + {len(m.stage2.roots)} trees")
    return 0


if __name__ == "__main__":
    sys.exit(main())
