"""Train the resolver's ranker on the annotated news corpora, and measure it leave-one-corpus-out.

    python scripts/train_resolver.py              # LOCO and in-sample tables, writes the model
    python scripts/train_resolver.py --loco-only  # the LOCO table only, no model written
    python scripts/train_resolver.py --select     # nested selection of the configuration (below)

Reads LGL, TR-News and GeoWebNews from ../shared/eval (or $GEO_EVAL_DIR) through
benchmarks/corpora.py; nothing of them is written anywhere. Each gold toponym is given as a span
(as in benchmarks/eval_resolution.py); the candidates of its name are labelled 1 when they lie
within 161 km of the gold point. Two LightGBM models (binary log-loss, fixed seeds, one thread)
are trained in turn: stage 1 on the candidate, mention and document features; stage 2 on those
plus stage 1's beliefs about the other names, computed out of fold (5 folds of articles) so that
stage 2 learns from beliefs as good as those it will meet on new text. Then the score below which
a name fits none of its candidates (`Model.reject`) is chosen on out-of-fold scores.

Leave-one-corpus-out: for each corpus, both stages are trained on the other two and the corpus is
scored with the resolver itself (in-process, gold spans, scored as eval_resolution.py scores),
with the fallback placement of names left unplaced (`Resolver.place_unresolved`) and without it.
The shipped model (`gazetteer/data/resolver_model.npz`) is trained on all three; its scores on
them are in-sample and labelled so. LightGBM is needed here only: the resolver evaluates the
exported trees with numpy.

The configuration (number of trees and learning rate; which groups of features the trees may
use) is chosen by cross-validation on training corpora only: `--select` runs, for each held-out
corpus, a 5-fold cross-validation (by article) over the other two corpora for every configuration
in GRID, trains the best on both and scores the held-out corpus (nested LOCO); then the same
selection on all three corpora, which chose CONFIG, the configuration the default run ships.
"""
from __future__ import annotations

import argparse
import copy
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import corpora  # noqa: E402
from benchmarks.scoring import A161_KM, error_km, resolution_scores  # noqa: E402
from gazetteer import rank  # noqa: E402
from gazetteer.model import Resolution  # noqa: E402
from gazetteer.resolve import UNFIT  # noqa: E402

SEED = 12
FOLDS = 5
PARAMS = {"objective": "binary", "num_leaves": 12, "max_depth": 4, "min_data_in_leaf": 20,
          "feature_fraction": 0.8, "bagging_fraction": 0.8, "bagging_freq": 1, "lambda_l2": 1.0, "seed": SEED,
          "deterministic": True, "num_threads": 1, "verbose": -1, "force_row_wise": True}
CORPORA = ("lgl", "tr-news", "geowebnews")
_AREAS = frozenset({"country", "water", "continent", "region", "zone"})
# groups of features a configuration may leave out (the trees never see them)
# (a group "spread", the weighted mean distance to the other names' likely places and their share in
# the row's division, was tried: cross-validation on all three corpora left it out, as it did for
# two of the three held-out corpora, and it went)
GROUPS = {"support": ("a_cc", "a_adm", "a_near")}


@dataclass(frozen=True)
class Config:
    rounds: int = 60               # trees per stage
    learning_rate: float = 0.1
    drop: tuple[str, ...] = ()     # GROUPS left out

    @property
    def name(self) -> str:
        return f"{self.rounds} trees" + "".join(f", no {g}" for g in self.drop)

    @property
    def dropped(self) -> frozenset[str]:
        return frozenset(f for g in self.drop for f in GROUPS[g])


# from the simplest (fewest trees, fewest features) to the richest
GRID = [Config(rounds, lr, drop) for rounds, lr in ((30, 0.2), (60, 0.1)) for drop in (("support",), ())]
CONFIG = Config(60, 0.1)          # what --select chose on all three corpora


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


# In stage 2, all else equal, a candidate never scores lower because stage 1 believed in it more or
# because more people live there: without these constraints, trees fitted to US local news (where a
# name's small American namesake is often meant) turned "Odessa" into Odessa, Texas, over the city
# of a million that stage 1 had chosen. (Stage 1 weighs population against kinds of place and cue
# words, "Nyanza province", and is left free.)
MONOTONE2 = {"s1": 1, "s1_gap": 1, "p1": 1, "log_pop": 1, "pop_gap": 1, "top_pop": 1, "pop_rank": -1}


def fit(X: np.ndarray, y: np.ndarray, w: np.ndarray, names: list[str], config: Config,
        monotone: dict | None = None) -> rank.Forest:
    """A forest on the features the configuration keeps (its feature numbers those of `names`)."""
    import lightgbm as lgb

    cols = np.array([i for i, n in enumerate(names) if n not in config.dropped])
    keep = w > 0
    ds = lgb.Dataset(X[keep][:, cols], y[keep], weight=w[keep], feature_name=[names[i] for i in cols],
                     free_raw_data=True, params={"verbose": -1})
    params = {**PARAMS, "learning_rate": config.learning_rate}
    if monotone:
        params.update(monotone_constraints=[monotone.get(names[i], 0) for i in cols],
                      monotone_constraints_method="advanced")
    booster = lgb.train(params, ds, num_boost_round=config.rounds)
    f = rank.Forest.from_lightgbm(booster.dump_model())
    return rank.Forest(cols[f.feature], f.threshold, f.value, f.bias)


def train(items: list[dict], n_groups: int, config: Config = CONFIG) -> rank.Model:
    """Stage 1 on all items; stage 2 on stage-1 scores computed out of fold (`n_groups`: the
    resolver's interner size)."""
    rng = np.random.default_rng(SEED)
    fold = rng.integers(0, FOLDS, len(items))
    for f in range(FOLDS):
        inner = fit(*stack([it for it, g in zip(items, fold) if g != f]), rank.FEATURES1, config)
        for it, g in zip(items, fold):
            if g == f and it["doc"].statics:
                it["X2"] = stage2_rows(it["doc"], inner, n_groups)
    stage1 = fit(*stack(items), rank.FEATURES1, config)
    stage2 = fit(*stack(items, "X2"), rank.FEATURES2, config, MONOTONE2)
    return rank.Model(stage1, stage2)


def train_with_reject(items: list[dict], resolver, config: Config = CONFIG) -> rank.Model:
    """`train`, then the score below which no candidate of a name fits (the name is left to the
    fallback, `Resolver.place_unresolved`), chosen on out-of-fold scores: the threshold that
    places most toponyms within 161 km, by the one-standard-error rule (the lowest threshold whose
    gain is within one standard error of the best; none unless the best gain exceeds its error)."""
    fold = np.random.default_rng(SEED + 1).integers(0, FOLDS, len(items))
    best_s, best_hit, fallback_hit = [], [], []
    for f in range(FOLDS):
        resolver.model = train([it for it, g in zip(items, fold) if g != f], len(resolver._interner), config)
        for it, g in zip(items, fold):
            if g == f:
                for s, b, h in outcomes(it, resolver):
                    best_s.append(s); best_hit.append(b); fallback_hit.append(h)
    s, b, h = map(np.array, (best_s, best_hit, fallback_hit))
    grid = np.arange(-6.0, 2.01, 0.25)
    gains = np.array([((h & ~b) & (s < t)).sum() - ((b & ~h) & (s < t)).sum() for t in grid], dtype=float)
    i = int(np.argmax(gains))
    se = math.sqrt(max(1, ((h != b) & (s < grid[i])).sum()))
    j = int(np.nonzero(gains >= gains[i] - se)[0][0])
    model = train(items, len(resolver._interner), config)
    model.reject = float(grid[j]) if gains[i] > se else -np.inf
    print(f"  reject below {model.reject:.2f} (out of fold: best {gains[i]:+.0f} toponyms within 161 km at "
          f"{grid[i]:.2f}, standard error {se:.1f})")
    return model


def outcomes(it: dict, resolver):
    """Per gold toponym with coordinates whose name has candidates: the best candidate's score,
    whether it lies within 161 km, and whether the fallback would place it there."""
    doc = it["doc"]
    if not doc.statics:
        return
    scores = resolver.model.score(doc, len(resolver._interner))
    kmax = np.maximum.reduceat(scores, doc.starts[:-1])
    results = resolver.resolve(it["text"], it["mentions"], 0)
    for i, (t, k, r) in enumerate(zip(it["toponyms"], doc.key_index, results)):
        if k < 0 or not t.has_coords or r.place is None:
            continue
        near = error_km(t.lat, t.lon, r.place.lat, r.place.lon) <= A161_KM
        unfit = results[:i] + [Resolution(r.mention, None, 0.0, UNFIT)] + results[i + 1:]
        fb = resolver.place_unresolved(it["text"], it["mentions"], unfit)[i].place
        yield float(kmax[k]), near, fb is not None and error_km(t.lat, t.lon, fb.lat, fb.lon) <= A161_KM


def stage2_rows(doc: rank.Document, stage1: rank.Forest, n_groups: int) -> np.ndarray:
    rank.stage2_features(doc, stage1.columns(doc.XT[:len(rank.FEATURES1)]), n_groups)
    return doc.XT.T.copy()


def evaluate(items: list[dict], resolver) -> dict[str, dict]:
    """Scored as benchmarks/eval_resolution.py scores (every gold toponym with coordinates), with
    the fallback placement of names left unplaced ("fallback") and without it ("none")."""
    bare = copy.copy(resolver)
    bare.evidence = resolver.evidence - {"containment"}
    errors: dict[str, list[float]] = {"fallback": [], "none": []}
    unplaced = {"fallback": 0, "none": 0}
    for it in items:
        plain = bare.resolve(it["text"], it["mentions"], 0)
        placed = resolver.place_unresolved(it["text"], it["mentions"], plain)
        for way, results in (("none", plain), ("fallback", placed)):
            for t, r in zip(it["toponyms"], results):
                if t.has_coords:
                    p = r.place
                    errors[way].append(error_km(t.lat, t.lon, p.lat if p else None, p.lon if p else None))
                    unplaced[way] += p is None
    return {way: {**resolution_scores(errors[way]), "unplaced": unplaced[way]} for way in errors}


def cross_validate(items: list[dict], resolver, config: Config) -> tuple[float, int]:
    """A@161 (with the fallback) of `config` over `items`, 5-fold by article (no reject threshold),
    and the number of toponyms scored."""
    fold = np.random.default_rng(SEED + 2).integers(0, FOLDS, len(items))
    errors = []
    for f in range(FOLDS):
        resolver.model = train([it for it, g in zip(items, fold) if g != f], len(resolver._interner), config)
        for it, g in zip(items, fold):
            if g == f:
                for t, r in zip(it["toponyms"], resolver.resolve(it["text"], it["mentions"], 0)):
                    if t.has_coords:
                        errors.append(error_km(t.lat, t.lon, *((r.place.lat, r.place.lon) if r.place else (None, None))))
    return resolution_scores(errors)["a161"], len(errors)


def select(items: list[dict], resolver, label: str) -> Config:
    """The simplest configuration of GRID whose cross-validated A@161 on `items` is within one
    standard error of the best (the one-standard-error rule: differences smaller than the noise of
    the estimate do not buy trees or features)."""
    scores = {c: cross_validate(items, resolver, c) for c in GRID}
    top, n = max(scores.values())
    se = math.sqrt(top * (1 - top) / n)
    best = next(c for c in GRID if scores[c][0] >= top - se)
    print(f"  {label}: " + "; ".join(f"{c.name} {a:.4f}" for c, (a, _) in scores.items())
          + f" (best {top:.4f}, one standard error {se:.4f}) -> {best.name}")
    return best


def loco(data: dict[str, list[dict]], resolver, nested: bool, held_out=CORPORA) -> dict[str, dict]:
    """Each corpus scored by a model trained on the other two; `nested`: with the configuration
    that cross-validation on those two chose, else CONFIG."""
    out = {}
    for held in held_out:
        train_items = [it for name in CORPORA if name != held for it in data[name]]
        config = select(train_items, resolver, f"held out {held}") if nested else CONFIG
        resolver.model = train_with_reject(train_items, resolver, config)
        out[held] = {**evaluate(data[held], resolver), "config": config.name}
    return out


def table(title: str, rows: dict[str, dict]) -> None:
    print(f"\n{title}")
    print(f"{'':<11} {'':>6} {'with the fallback':^36} {'without (unfit and unknown unplaced)':^38}")
    print(f"{'corpus':<11} {'n':>6}" + f" {'A@161':>6} {'AUC':>6} {'median km':>10} {'unplaced':>9}" * 2)
    for name, r in rows.items():
        print(f"{name:<11} {r['fallback']['n']:>6}" + "".join(
            f" {x['a161']:>6.3f} {x['auc']:>6.3f} {x['median_km']:>10.1f} {x['unplaced']:>9}"
            for x in (r["fallback"], r["none"])) + (f"   ({r['config']})" if "config" in r else ""))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--loco-only", action="store_true", help="print the LOCO table only; write no model")
    ap.add_argument("--select", action="store_true",
                    help="nested LOCO (configuration chosen by cross-validation on the training corpora), then "
                         "the selection on all three corpora; writes no model")
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
    table("Leave-one-corpus-out (trained on the other two corpora; gold spans)"
          + (", configuration chosen on them" if args.select else f", {CONFIG.name}"),
          loco(data, resolver, nested=args.select))
    if args.select:
        select([it for name in CORPORA for it in data[name]], resolver, "all three corpora")
        return 0
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
