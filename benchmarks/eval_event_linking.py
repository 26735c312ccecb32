"""Event-location linking benchmark (`geo/linking.py`) on Halterman's (2019) sentences.

    python benchmarks/eval_event_linking.py            # CV (trains 35 models, ~1-2 min), shipped, baseline
    python benchmarks/eval_event_linking.py --no-cv    # skip the cross-validation
    python benchmarks/eval_event_linking.py --jsonl    # answer ../shared/checks/evlocscore.py's protocol on stdin

Reads `../shared/eval/event-location-dev.jsonl` (`GEO_EVAL_DIR` points elsewhere); prints
`skipped: ../shared/eval not found` and exits 0 without it. Scores are token-level precision,
recall and F1 over the gold spans' \\w+ tokens, and exact (the predicted token set equals the
gold one, the empty set included), as the official scorer counts them. Printed:

1. 5-fold cross-validation grouped by the id's prefix before '#' (the headline figure): models
   trained by `scripts/train_event_linker.py`'s procedure on four fifths, scored on the rest;
2. the shipped model (`geo/data/event_linker.json`) on the same file: IN-SAMPLE, since it was
   trained on it, so optimistic;
3. the baseline "the recognised place nearest the trigger" (the scorer's `--baseline nearest`);
4. how much of the gold each candidate source could reach at best (an oracle choosing exactly
   the candidates that overlap gold), and the time per event (candidates + linking, CPU time).

`--jsonl` reads {"id", "text", "events": [{"start", "end"}]} lines and writes {"id", "events":
[{"start", "end", "locations": [{"start", "end", "probability"}]}]}, so that
`python ../shared/checks/evlocscore.py --cmd "python benchmarks/eval_event_linking.py --jsonl"`
scores the shipped model with the official scorer.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "scripts"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from gazetteer.text import split_sentences  # noqa: E402
from geo import linking  # noqa: E402
from train_event_linker import resolved_mentions  # noqa: E402


def sentence_of(text: str, sentences, offset: int) -> tuple[int, int]:
    sent = next((s for s in sentences if s.start <= offset < s.end), None)
    return (sent.start, sent.end) if sent else (0, len(text))


def serve_jsonl(lines, out) -> None:
    """The official scorer's protocol: link each given event trigger of each line."""
    for line in lines:
        if not line.strip():
            continue
        d = json.loads(line)
        text = d.get("text") or ""
        sents = split_sentences(text)
        resolutions = resolved_mentions(text, sents)
        events = []
        for ev in d.get("events") or []:
            s0, s1 = sentence_of(text, sents, ev["start"])
            cands = linking.candidate_spans(text, s0, s1, resolutions)
            links = linking.link_locations(text, s0, s1, ev["start"], ev["end"], cands)
            events.append({"start": ev["start"], "end": ev["end"],
                           "locations": [{"start": a, "end": b, "probability": round(p, 4)} for a, b, p in links]})
        out.write(json.dumps({"id": d.get("id"), "events": events}) + "\n")


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


def load(path: Path) -> tuple[list[dict], float]:
    """Each record with its sentence, resolved mentions and gold tokens; and the CPU time per
    record that splitting, recognising and resolving took (to compare the linker's with)."""
    from train_event_linker import word_tokens
    out = []
    spent = 0.0
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            text, ev = d["text"], d["event"]
            t0 = time.process_time()
            sents = split_sentences(text)
            d["resolutions"] = resolved_mentions(text, sents)
            spent += time.process_time() - t0
            d["sentence"] = sentence_of(text, sents, ev["start"])
            d["gold"] = word_tokens(text, [(g["start"], g["end"]) for g in d["locations"]])
            out.append(d)
    return out, spent / max(len(out), 1)


def shipped(records: list[dict]) -> tuple[dict, float]:
    """The shipped model's scores, and its CPU time per event (candidates + linking)."""
    from train_event_linker import word_tokens
    warm = "Gunmen killed two men in Aleppo."       # loads the model and the lexicon before timing
    linking.link_locations(warm, 0, len(warm), 7, 13, linking.candidate_spans(warm, 0, len(warm)))
    rows = []
    t0 = time.process_time()
    preds = []
    for d in records:
        (s0, s1), ev = d["sentence"], d["event"]
        cands = linking.candidate_spans(d["text"], s0, s1, d["resolutions"])
        preds.append(linking.link_locations(d["text"], s0, s1, ev["start"], ev["end"], cands))
    per_event = (time.process_time() - t0) / max(len(records), 1)
    for d, links in zip(records, preds):
        rows.append((d["gold"], word_tokens(d["text"], [(a, b) for a, b, _ in links])))
    return token_scores(rows), per_event


def nearest_baseline(records: list[dict]) -> dict:
    """The recognised place (not embedded in an organisation's name) nearest the trigger."""
    from train_event_linker import word_tokens
    rows = []
    for d in records:
        v = d["event"]
        places = [(r.mention.start, r.mention.end) for r in d["resolutions"] if r.mention.kind != "embedded"]
        pick = [min(places, key=lambda s: min(abs(s[0] - v["end"]), abs(v["start"] - s[1])))] if places else []
        rows.append((d["gold"], word_tokens(d["text"], pick)))
    return token_scores(rows)


def ceilings(records: list[dict]) -> list[tuple[str, dict]]:
    """Oracle scores when exactly the candidates overlapping gold are chosen, per source."""
    from train_event_linker import word_tokens
    sources = {
        "recogniser mentions only": lambda d, s0, s1: [(r.mention.start, r.mention.end) for r in d["resolutions"]
                                                       if s0 <= r.mention.start < s1],
        "capitalised runs only": lambda d, s0, s1: [(c.start, c.end) for c in
                                                    linking.candidate_spans(d["text"], s0, s1, ())],
        "both (geo.linking.candidate_spans)": lambda d, s0, s1: [(c.start, c.end) for c in linking.candidate_spans(
            d["text"], s0, s1, d["resolutions"])],
    }
    out = []
    for name, spans_of in sources.items():
        rows = []
        for d in records:
            spans = spans_of(d, *d["sentence"])
            chosen = [sp for sp in spans if word_tokens(d["text"], [sp]) & d["gold"]]
            rows.append((d["gold"], word_tokens(d["text"], chosen)))
        out.append((name, token_scores(rows)))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="event-location linking benchmark")
    ap.add_argument("--no-cv", action="store_true", help="skip the cross-validation (needs lightgbm)")
    ap.add_argument("--jsonl", action="store_true", help="serve the official scorer's protocol on stdin")
    a = ap.parse_args(argv)
    if a.jsonl:
        serve_jsonl(sys.stdin, sys.stdout)
        return 0
    import train_event_linker as train
    if not train.DATA.exists():
        print("skipped: ../shared/eval not found")
        return 0
    resolved_mentions("Warm-up in Paris.", None)
    records, upstream = load(train.DATA)
    print(f"{train.DATA.name}: {len(records)} sentences with an event trigger, "
          f"{sum(1 for d in records if not d['locations'])} without a location")
    model = linking.default_model()
    if not a.no_cv:
        recs = train.load_records()
        _, _, table = train.cross_validate(recs, verbose=False)
        at = min(table, key=lambda t: abs(t["threshold"] - model.threshold))
        best = max(table, key=lambda t: t["F1"])
        print(fmt(f"5-fold grouped CV, threshold {at['threshold']:.2f} (headline)", at))
        if best is not at:
            print(fmt(f"5-fold grouped CV, best threshold {best['threshold']:.2f}", best))
    scores, per_event = shipped(records)
    print(fmt("shipped model, IN-SAMPLE (trained on this file)", scores))
    print(fmt("baseline: recognised place nearest the trigger", nearest_baseline(records)))
    for name, s in ceilings(records):
        print(fmt(f"ceiling, oracle over {name}", s))
    size = linking.MODEL_PATH.stat().st_size / 1e6
    print(f"speed: {per_event * 1e6:.0f} us CPU per event (candidate_spans + link_locations); for comparison, "
          f"splitting, recognising and resolving the same sentence took {upstream * 1e6:.0f} us")
    print(f"model: {linking.MODEL_PATH.name}, {size:.1f} MB, threshold {model.threshold:.2f}, "
          f"{len(model.features)} features, {len(model.stage1.roots)} + {len(model.stage2.roots)} trees")
    return 0


if __name__ == "__main__":
    sys.exit(main())
