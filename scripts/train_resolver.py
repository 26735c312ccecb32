"""Train the resolver's ranker on the annotated news corpora, and measure it leave-one-corpus-out.

    python scripts/train_resolver.py              # LOCO table, in-sample table, writes the model
    python scripts/train_resolver.py --loco-only  # the LOCO table only, no model written

Reads LGL, TR-News and GeoWebNews from ../shared/eval (or $GEO_EVAL_DIR) through
benchmarks/corpora.py; nothing of them is written anywhere. Each gold toponym is given as a span
(as in benchmarks/eval_resolution.py); the candidates of its name are labelled 1 when they lie
within 161 km of the gold point. Two LightGBM models (binary log-loss, fixed seeds, one thread)
are trained in turn: stage 1 on the candidate, mention and unambiguous-document features; stage 2
on those plus stage 1's beliefs about the other names, computed out of fold (5 folds of articles)
so that stage 2 learns from beliefs as good as those it will meet on new text.

Leave-one-corpus-out: for each corpus, both stages are trained on the other two and the corpus is
scored with the resolver itself (in-process, gold spans, scored as eval_resolution.py scores).
The shipped model (`gazetteer/data/resolver_model.npz`) is trained on all three; its scores on
them are in-sample and labelled so. LightGBM is needed here only: the resolver evaluates the
exported trees with numpy.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import corpora  # noqa: E402
from benchmarks.scoring import A161_KM, error_km, resolution_scores  # noqa: E402
from gazetteer import rank  # noqa: E402
from gazetteer.resolve import article_focus  # noqa: E402

SEED = 12
FOLDS = 5
PARAMS = {"objective": "binary", "learning_rate": 0.1, "num_leaves": 12, "max_depth": 4,
          "min_data_in_leaf": 20, "feature_fraction": 0.8, "bagging_fraction": 0.8, "bagging_freq": 1,
          "lambda_l2": 1.0, "seed": SEED, "deterministic": True, "num_threads": 1, "verbose": -1,
          "force_row_wise": True}
ROUNDS = 60
CORPORA = ("lgl", "tr-news", "geowebnews")
_AREAS = frozenset({"country", "water", "continent", "region", "zone"})


def prepare(name: str, resolver) -> list[dict]:
    """Per article: the resolver's document (rows, stage-1 features) and each row's label."""
    from geo.pipeline import make_document, mentions_from_spans

    out = []
    for a in corpora.load_corpus(name):
        doc0 = make_document(a.text)
        mentions = mentions_from_spans(doc0, a.gold_spans())
        doc = resolver.document(doc0.text, mentions)
        item = {"text": doc0.text, "mentions": mentions, "toponyms": a.toponyms, "doc": doc}
        if doc.statics:
            item["y"], item["w"] = labels(doc, a.toponyms)
        out.append(item)
    return out


def labels(doc: rank.Document, toponyms) -> tuple[np.ndarray, np.ndarray]:
    """y: the candidate is the place most of its name's gold mentions mean: the nearest to the
    gold point if within 161 km, or the very GeoNames entry the annotators gave, or, for a large area (country,
    sea, continent, region) whose point gazetteers place differently, the candidate nearest to
    the gold point when no other candidate is within 161 km. w: how many mentions with gold
    coordinates the name has (0: the row does not train)."""
    n = len(doc.key_of)
    hits, gold = np.zeros(n), np.zeros(len(doc.statics))
    for t, k in zip(toponyms, doc.key_index):
        if k < 0 or not t.has_coords:
            continue
        a, b = doc.starts[k], doc.starts[k + 1]
        places = doc.statics[k].places
        d = rank.haversine_km(np.radians(t.lat), np.radians(t.lon), np.radians([p.lat for p in places]),
                              np.radians([p.lon for p in places]))
        hit = (d <= A161_KM) & (d <= d.min() + 1.0)     # the nearest: the city, not its namesake county
        if t.geonameid:
            hit |= np.array([p.geonameid == t.geonameid for p in doc.statics[k].places])
        if not hit.any():
            j = int(np.argmin(d))
            hit[j] = doc.statics[k].places[j].feature_type in _AREAS
        hits[a:b] += hit
        gold[k] += 1
    g = gold[doc.key_of]
    y = (hits >= np.maximum(g, 1) / 2) & (g > 0)
    return y.astype(np.float64), g


def stack(items: list[dict], X: str = "X1") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    use = [it for it in items if it["doc"].statics]
    return (np.vstack([it[X] if X != "X1" else it["doc"].X1 for it in use]),
            np.concatenate([it["y"] for it in use]), np.concatenate([it["w"] for it in use]))


def fit(X: np.ndarray, y: np.ndarray, w: np.ndarray, names: list[str]) -> rank.Forest:
    import lightgbm as lgb

    keep = w > 0
    ds = lgb.Dataset(X[keep], y[keep], weight=w[keep], feature_name=names, free_raw_data=True,
                     params={"verbose": -1})
    booster = lgb.train(PARAMS, ds, num_boost_round=ROUNDS)
    return rank.Forest.from_lightgbm(booster.dump_model())


def train(items: list[dict], n_groups: int) -> rank.Model:
    """Stage 1 on all items; stage 2 on stage-1 scores computed out of fold (`n_groups`: the
    resolver's interner size)."""
    rng = np.random.default_rng(SEED)
    fold = rng.integers(0, FOLDS, len(items))
    for f in range(FOLDS):
        inner = fit(*stack([it for it, g in zip(items, fold) if g != f]), rank.FEATURES1)
        for it, g in zip(items, fold):
            if g == f and it["doc"].statics:
                it["X2"] = stage2_rows(it["doc"], inner, n_groups)
    stage1 = fit(*stack(items), rank.FEATURES1)
    stage2 = fit(*stack(items, "X2"), rank.FEATURES2)
    return rank.Model(stage1, stage2)


def train_with_reject(items: list[dict], resolver) -> rank.Model:
    """`train`, then the score below which a name's best candidate is rejected (the name placed at
    the article's focus instead), chosen on out-of-fold scores to place most toponyms within 161 km."""
    fold = np.random.default_rng(SEED + 1).integers(0, FOLDS, len(items))
    best_s, best_hit, focus_hit = [], [], []
    for f in range(FOLDS):
        resolver.model = train([it for it, g in zip(items, fold) if g != f], len(resolver._interner))
        for it, g in zip(items, fold):
            if g == f:
                for s, b, h in outcomes(it, resolver):
                    best_s.append(s); best_hit.append(b); focus_hit.append(h)
    s, b, h = map(np.array, (best_s, best_hit, focus_hit))
    grid = np.arange(-6.0, 2.01, 0.25)
    gains = [float(((h & ~b) & (s < t)).sum() - ((b & ~h) & (s < t)).sum()) for t in grid]
    i = int(np.argmax(gains))
    model = train(items, len(resolver._interner))
    model.reject = float(grid[i]) if gains[i] > 0 else -np.inf
    print(f"  reject below {model.reject:.2f} (out of fold: {gains[i]:+.0f} toponyms within 161 km)")
    return model


def outcomes(it: dict, resolver):
    """Per gold toponym with coordinates whose name has candidates: the best candidate's score,
    whether it lies within 161 km, and whether the article's focus does."""
    doc = it["doc"]
    if not doc.statics:
        return
    scores = resolver.model.score(doc, len(resolver._interner))
    kmax = np.maximum.reduceat(scores, doc.starts[:-1])
    results = resolver.resolve(it["text"], it["mentions"], 0)
    focus = article_focus([r for r in results if r.place is not None])
    for t, k, r in zip(it["toponyms"], doc.key_index, results):
        if k < 0 or not t.has_coords or r.place is None:
            continue
        near = error_km(t.lat, t.lon, r.place.lat, r.place.lon) <= A161_KM
        fhit = focus is not None and error_km(t.lat, t.lon, focus.lat, focus.lon) <= A161_KM
        yield float(kmax[k]), near, fhit


def stage2_rows(doc: rank.Document, stage1: rank.Forest, n_groups: int) -> np.ndarray:
    rank.stage2_features(doc, stage1.columns(doc.XT[:len(rank.FEATURES1)]), n_groups)
    return doc.XT.T.copy()


def evaluate(items: list[dict], resolver) -> dict:
    """Scored as benchmarks/eval_resolution.py scores: every gold toponym with coordinates."""
    errors, unplaced = [], 0
    for it in items:
        for t, r in zip(it["toponyms"], resolver.resolve(it["text"], it["mentions"], 0)):
            if not t.has_coords:
                continue
            p = r.place
            errors.append(error_km(t.lat, t.lon, p.lat if p else None, p.lon if p else None))
            unplaced += p is None
    return {**resolution_scores(errors), "unplaced": unplaced}


def table(title: str, rows: dict[str, dict]) -> None:
    print(f"\n{title}")
    print(f"{'corpus':<11} {'n':>6} {'A@161':>6} {'AUC':>6} {'median km':>10} {'mean km':>8} {'unplaced':>8}")
    for name, r in rows.items():
        print(f"{name:<11} {r['n']:>6} {r['a161']:>6.3f} {r['auc']:>6.3f} {r['median_km']:>10.1f} "
              f"{r['mean_km']:>8.0f} {r['unplaced']:>8}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--loco-only", action="store_true", help="print the LOCO table only; write no model")
    ap.add_argument("--out", type=Path, default=rank.MODEL_PATH, help="where to write the model")
    args = ap.parse_args(argv)
    if corpora.eval_dir() is None:
        print(f"skipped: {corpora.eval_dir_display()} not found")
        return 0
    from gazetteer.resolve import Resolver

    t0 = time.perf_counter()
    resolver = Resolver(network=False)
    data = {name: prepare(name, resolver) for name in CORPORA}
    print(f"prepared {sum(map(len, data.values()))} articles in {time.perf_counter() - t0:.1f} s")
    loco = {}
    for held in CORPORA:
        resolver.model = train_with_reject([it for name in CORPORA if name != held for it in data[name]], resolver)
        loco[held] = evaluate(data[held], resolver)
    table("Leave-one-corpus-out (trained on the other two corpora; gold spans)", loco)
    if args.loco_only:
        return 0
    model = train_with_reject([it for name in CORPORA for it in data[name]], resolver)
    resolver.model = model
    table("In-sample (the shipped model, trained on all three corpora; gold spans)",
          {name: evaluate(data[name], resolver) for name in CORPORA})
    model.save(args.out)
    print(f"\nwrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB) in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
