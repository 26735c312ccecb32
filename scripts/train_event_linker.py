"""Train the learned event-location linker (`geo/events/learned.py`) and write `geo/data/event_linker.json`.

    python scripts/train_event_linker.py              # cross-validate, then train and write the model
    python scripts/train_event_linker.py --cv-only    # only the cross-validated figures

Reads `../shared/eval/event-location-dev.jsonl` (Halterman 2019, MIT licence; `GEO_EVAL_DIR`
points elsewhere): a sentence, an event trigger, and the spans naming where it happened. The data
is used for training and measuring only and is never copied into the repository; the model file
holds tree ensembles and feature names, nothing of the text.

Each text is read by the pipeline as `parse` reads it (sentences, mentions, resolved places:
`Pipeline.analyse` without events), and the trigger's sentence gets the candidates the events
read (`geo.events.linking.candidates`). Every candidate the model scores (a toponym or an unknown
name: `learned.candidate_features`) is an example, labelled 1 when it shares a word token with a
gold span. Two LightGBM ensembles are trained: the first over the candidate's own features, the
second over the same plus how its first-stage probability compares with the others'
(`learned.stack_features`), fed with out-of-fold first-stage probabilities. The figures printed
are token-level precision/recall/F1 as in `../shared/checks/evlocscore.py`, under 5-fold
cross-validation grouped by the id's prefix before '#' (one source's records stay in one fold),
with the second stage's inputs made by an inner cross-validation inside each training part. The
decision threshold is the highest whose cross-validated F1 is within 0.002 of the best (`TIE`).
Seeds are fixed; LightGBM runs single-threaded, so the result is reproducible.

Needs the development requirements (lightgbm, scikit-learn); the runtime needs neither.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from geo.events import learned  # noqa: E402
from geo.events.context import place_refs  # noqa: E402
from geo.events.linking import candidates  # noqa: E402
from geo.pipeline import Pipeline  # noqa: E402
from geo.settings import Settings  # noqa: E402

EVAL_DIR = Path(os.environ.get("GEO_EVAL_DIR", ROOT.parent / "shared" / "eval"))
DATA = EVAL_DIR / "event-location-dev.jsonl"
MIN_COUNT = 5                      # features seen fewer times are dropped
SEED = 0
FOLDS = 5
THRESHOLDS = tuple(round(0.25 + 0.05 * i, 2) for i in range(8))    # 0.25 .. 0.60
PARAMS = dict(n_estimators=100, learning_rate=0.15, num_leaves=15, max_depth=6, min_child_samples=10,
              subsample=0.8, subsample_freq=1, colsample_bytree=0.5, reg_lambda=1.0, random_state=SEED,
              n_jobs=1, verbose=-1, deterministic=True, force_row_wise=True)
PARAMS2 = dict(PARAMS)             # the second stage's
# a sentence whose candidates all score below this in the first stage skips the second (a speed
# shortcut: under cross-validation it changes no decision at the chosen thresholds)
FLOOR = 0.1
_TOKEN = re.compile(r"\w+")


@dataclass
class Record:
    """One sentence and trigger, its candidates' features and labels, and the gold word tokens."""
    id: str
    group: str
    text: str
    spans: list[tuple[int, int]]
    feats: list[dict]
    labels: list[int]
    gold: set[int]


def word_tokens(text: str, spans) -> set[int]:
    """Start offsets of the \\w+ tokens inside the spans: the scorer's unit."""
    return {m.start() for s, e in spans for m in _TOKEN.finditer(text, s, e)}


_pipelines: list = []


def pipeline() -> Pipeline:
    """The pipeline that reads the texts (built once: it loads the gazetteer)."""
    if not _pipelines:
        _pipelines.append(Pipeline(Settings(events=False)))
    return _pipelines[0]


def sentence_candidates(text: str, offset: int):
    """The sentence holding `offset` as `parse` reads it, and its candidates: (start, end,
    candidates, the gazetteer's word lists)."""
    p = pipeline()
    a = p.analyse(text, events=False, alternatives=False)
    sent = next((s for s in a.document.sentences if s.start <= offset < s.end), None)
    s0, s1 = (sent.start, sent.end) if sent else (0, len(text))
    others = [(m.start, m.end, m.kind) for m in a.mentions if m.kind == "embedded"]
    return s0, s1, candidates(text, s0, s1, place_refs(a), p.gazetteer.lexicon, others), p.gazetteer.lexicon


def load_records(path: Path = DATA) -> list[Record]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            text, ev = d["text"], d["event"]
            s0, s1, cands, words = sentence_candidates(text, ev["start"])
            scored, feats = learned.candidate_features(text, s0, s1, ev["start"], ev["end"], cands, words)
            gold = word_tokens(text, [(g["start"], g["end"]) for g in d["locations"]])
            labels = [int(bool(word_tokens(text, [(c.start, c.end)]) & gold)) for c in scored]
            out.append(Record(d["id"], d["id"].split("#")[0], text, [(c.start, c.end) for c in scored],
                              feats, labels, gold))
    return out


def vocabulary(records: list[Record]) -> list[str]:
    counts = Counter(k for r in records for f in r.feats for k in f)
    return sorted(k for k, v in counts.items() if v >= MIN_COUNT)


def matrix(records: list[Record], names: list[str]):
    """Feature rows of every candidate, labels, and each row's record index."""
    cols = {k: i for i, k in enumerate(names)}
    rows = [f for r in records for f in r.feats]
    x = np.zeros((len(rows), len(names)))
    for i, f in enumerate(rows):
        for k, v in f.items():
            c = cols.get(k)
            if c is not None:
                x[i, c] = v
    y = np.array([lab for r in records for lab in r.labels])
    rec = np.array([i for i, r in enumerate(records) for _ in r.feats], dtype=int)
    return x, y, rec


def _fit(x, y, params=None):
    import lightgbm as lgb
    return lgb.LGBMClassifier(**(params or PARAMS)).fit(x, y)


def _folds(groups: np.ndarray, seed: int):
    from sklearn.model_selection import GroupKFold
    return GroupKFold(n_splits=FOLDS, shuffle=True, random_state=seed).split(groups, groups=groups)


def _stack(records: list[Record], rec: np.ndarray, p: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Second-stage inputs for the given rows (whole records), from first-stage probabilities p."""
    out = np.zeros((len(rec), len(learned.STACK_FEATURES)))
    starts = {}
    for j in rows:
        starts.setdefault(rec[j], j)
    for i, j0 in starts.items():
        n = len(records[i].feats)
        out[j0:j0 + n] = learned.stack_features(p[j0:j0 + n], records[i].feats)
    return out


def _oof(x, y, groups, rows: np.ndarray, seed: int) -> np.ndarray:
    """Out-of-fold first-stage probabilities for the given rows (grouped folds inside them)."""
    p = np.zeros(len(rows))
    for a, b in _folds(groups[rows], seed):
        p[b] = _fit(x[rows[a]], y[rows[a]]).predict_proba(x[rows[b]])[:, 1]
    return p


def train_two_stage(records, x, y, rec, groups, rows: np.ndarray, seed: int = SEED + 1):
    """Both stages trained on `rows`: the second on out-of-fold first-stage probabilities."""
    p = np.zeros(len(y))
    p[rows] = _oof(x, y, groups, rows, seed)
    s = _stack(records, rec, p, rows)
    first = _fit(x[rows], y[rows])
    second = _fit(np.hstack([x[rows], s[rows]]), y[rows], PARAMS2)
    return first, second


def predict_two_stage(first, second, records, x, rec, rows: np.ndarray) -> np.ndarray:
    """Second-stage probabilities of the given rows (whole records), as `geo.events.learned` computes
    them: 0 for every candidate of a sentence whose first-stage probabilities are all below FLOOR."""
    p = np.zeros(len(rec))
    p[rows] = first.predict_proba(x[rows])[:, 1]
    s = _stack(records, rec, p, rows)
    out = np.zeros(len(rec))
    out[rows] = second.predict_proba(np.hstack([x[rows], s[rows]]))[:, 1]
    best = np.full(len(records), -1.0)
    np.maximum.at(best, rec[rows], p[rows])
    out[rows[best[rec[rows]] < FLOOR]] = 0.0
    return out


def scores(records: list[Record], rec: np.ndarray, p: np.ndarray, threshold: float) -> dict:
    """Token-level precision, recall, F1 and exact-match accuracy, as the official scorer counts."""
    first = np.searchsorted(rec, np.arange(len(records)))       # rows are in record order
    tp = fp = fn = exact = 0
    for i, r in enumerate(records):
        keep = learned.linked(p[first[i]:first[i] + len(r.spans)].tolist(), r.feats, threshold)   # as parse decides
        pred = word_tokens(r.text, [span for span, k in zip(r.spans, keep) if k])
        tp += len(pred & r.gold)
        fp += len(pred - r.gold)
        fn += len(r.gold - pred)
        exact += pred == r.gold
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec_ = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec_ / (prec + rec_) if prec + rec_ else 0.0
    return {"P": prec, "R": rec_, "F1": f1, "exact": exact / len(records), "threshold": threshold}


def cross_validate(records: list[Record], names: list[str] | None = None, verbose: bool = True):
    """5-fold CV grouped by id prefix: out-of-fold probabilities of every candidate, and the
    scores at each threshold. The vocabulary is the whole file's (names only, no labels)."""
    names = names or vocabulary(records)
    x, y, rec = matrix(records, names)
    groups = np.array([records[i].group for i in rec])
    oof = np.zeros(len(y))
    for k, (train, test) in enumerate(_folds(groups, SEED)):
        t0 = time.time()
        first, second = train_two_stage(records, x, y, rec, groups, train)
        oof[test] = predict_two_stage(first, second, records, x, rec, test)[test]
        if verbose:
            print(f"  fold {k + 1}/{FOLDS}: {len(test)} candidates, {time.time() - t0:.0f} s", file=sys.stderr)
    table = [scores(records, rec, oof, t) for t in THRESHOLDS]
    return oof, rec, table


TIE = 0.002                        # cross-validated F1s this close are a tie


def chosen_threshold(table: list[dict]) -> dict:
    """The row of the threshold to ship: the highest whose cross-validated F1 is within `TIE` of the
    best (between near-equal F1s, precision: a wrong place on the map costs more than a missed one)."""
    top = max(t["F1"] for t in table)
    return max((t for t in table if t["F1"] >= top - TIE), key=lambda t: t["threshold"])


def export_forest(booster) -> dict:
    """A LightGBM booster as the flat arrays `geo.events.learned.Forest` evaluates: the two children of
    a split are side by side (`left[i]`, `left[i] + 1`); a leaf's threshold is never exceeded and
    its `left` is itself."""
    feature, threshold, left, value, roots = [], [], [], [], []
    depth = 0

    def new() -> int:
        feature.append(0)
        threshold.append(LEAF_THRESHOLD)
        left.append(len(left))
        value.append(0.0)
        return len(feature) - 1

    def fill(node: dict, i: int, level: int) -> None:
        nonlocal depth
        if "leaf_value" in node:
            value[i] = node["leaf_value"]
            depth = max(depth, level)
            return
        if node.get("decision_type") != "<=" or node.get("missing_type") not in ("None", None):
            raise ValueError(f"unsupported split: {node.get('decision_type')} {node.get('missing_type')}")
        feature[i] = node["split_feature"]
        threshold[i] = node["threshold"]
        a, b = new(), new()
        left[i] = a
        fill(node["left_child"], a, level + 1)
        fill(node["right_child"], b, level + 1)

    for tree in booster.dump_model()["tree_info"]:
        root = new()
        roots.append(root)
        fill(tree["tree_structure"], root, 0)
    return {"feature": feature, "threshold": threshold, "left": left, "value": value, "roots": roots,
            "depth": depth}


LEAF_THRESHOLD = 1e300


def write_model(path: Path, names: list[str], first, second, threshold: float, info: dict) -> learned.Model:
    d = {"format": "geo.events.learned two-stage tree ensembles, v3", "features": names,
         "stack_features": list(learned.STACK_FEATURES), "threshold": threshold, "floor": FLOOR, "trained": info,
         "stage1": export_forest(first.booster_), "stage2": export_forest(second.booster_)}
    path.write_text(json.dumps(d, separators=(",", ":")) + "\n", "utf-8")
    return learned.Model.load(path)


def check_export(model: learned.Model, first, second, records, x, rec) -> float:
    """Largest difference between LightGBM's probabilities and the exported model's."""
    rows = np.arange(len(rec))
    expected = predict_two_stage(first, second, records, x, rec, rows)
    got = np.concatenate([model.probabilities(r.feats) for r in records if r.feats])
    return float(np.abs(expected - got).max())


def print_table(title: str, table: list[dict]) -> None:
    print(title)
    for t in table:
        print(f"  threshold {t['threshold']:.2f}: P={t['P']:.3f} R={t['R']:.3f} F1={t['F1']:.3f} "
              f"exact={t['exact']:.3f}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cv-only", action="store_true", help="print the cross-validated figures, write nothing")
    ap.add_argument("--out", type=Path, default=learned.MODEL_PATH)
    a = ap.parse_args(argv)
    if not DATA.exists():
        print(f"skipped: {DATA.parent} not found")
        return 0
    t0 = time.time()
    records = load_records()
    names = vocabulary(records)
    print(f"{len(records)} records, {sum(len(r.feats) for r in records)} candidates, {len(names)} features "
          f"({time.time() - t0:.0f} s)")
    _, _, table = cross_validate(records, names)
    best = chosen_threshold(table)
    print_table(f"{FOLDS}-fold cross-validation, grouped by id prefix:", table)
    print(f"CV: P={best['P']:.3f} R={best['R']:.3f} F1={best['F1']:.3f} exact={best['exact']:.3f} "
          f"at threshold {best['threshold']:.2f}")
    if a.cv_only:
        return 0
    x, y, rec = matrix(records, names)
    groups = np.array([records[i].group for i in rec])
    first, second = train_two_stage(records, x, y, rec, groups, np.arange(len(y)))
    info = {"records": len(records), "candidates": int(len(y)), "cv": {k: round(v, 4) for k, v in best.items()},
            "params": {k: v for k, v in PARAMS.items() if k not in ("verbose", "n_jobs")}, "min_count": MIN_COUNT}
    model = write_model(a.out, names, first, second, best["threshold"], info)
    diff = check_export(model, first, second, records, x, rec)
    print(f"wrote {a.out} ({a.out.stat().st_size / 1e6:.1f} MB); exported model differs from LightGBM by {diff:.1e}")
    if diff > 1e-6:
        print("error: the exported trees do not reproduce LightGBM's probabilities", file=sys.stderr)
        return 1
    insample = scores(records, rec, predict_two_stage(first, second, records, x, rec, np.arange(len(y))),
                      best["threshold"])
    print(f"in-sample (training data, optimistic): P={insample['P']:.3f} R={insample['R']:.3f} "
          f"F1={insample['F1']:.3f} exact={insample['exact']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
