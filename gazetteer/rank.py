"""Features for the learned resolver, and the model that scores them (plain numpy at run time).

Each distinct name of a document (its gazetteer key) gets one row per candidate place. A row
holds three kinds of feature:
- the candidate alone (cached per key): kind of place, log population and its rank among the
  places so named, how the name matched (primary, alternate, demonym, abbreviation flags), number
  of candidates, whether a capital competes with its own country ("Mexico"), a division with its
  own main city ("Tokyo"), curated source;
- the key's mentions in this text, pooled (one sense per discourse): cue words right before or
  after ("Nyanza province", "the city of Cornwall", "the Jordan river") agreeing with the kind of
  place, containment patterns "X, Y", "X in Y", "Y's X" (Y holds the candidate), how often and how
  early the name occurs, a demonym or an all-capitals dateline;
- the document: the countries and first-level divisions the other names point to (first from the
  names whose every candidate lies in one country or division, then, in the second stage, from
  the first stage's probabilities), and distances to the places the other names most likely are.

Two models run in turn: stage 1 scores the candidates with the candidate, mention and
unambiguous-document features; stage 2 adds what stage 1 believes about every other name. Both
are gradient-boosted trees trained by `scripts/train_resolver.py`, stored as arrays in
`gazetteer/data/resolver_model.npz` and evaluated here with numpy.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gazetteer.index import AMBIGUOUS, ASCII_ALT, DEMONYM, EXACT_CASE, POSTAL, PRIMARY
from gazetteer.model import (ADMIN1, ADMIN2, CAPITAL, CITY, CONTINENT, COUNTRY, FEATURE_TYPES, REGION,
                             WATER, ZONE, Mention, Place)
from gazetteer.normalize import name_key

MODEL_PATH = Path(__file__).resolve().parent / "data" / "resolver_model.npz"

# Generic words that say what kind of place a name is. Before the name: "the city of X"; after
# it: "X province". Each maps to the kinds of place it agrees with.
_ADMIN1_WORDS = "province provinces state prefecture region governorate oblast territory canton emirate krai"
_ADMIN2_WORDS = "county district parish borough municipality township shire department"
_CITY_WORDS = "city town village suburb capital port hamlet"
_WATER_WORDS = "river lake sea bay gulf ocean strait coast harbour harbor channel"
_REGION_WORDS = "island islands peninsula mountain mountains valley desert plateau"
CUE_KINDS: dict[str, frozenset[str]] = {}
for _words, _kinds in ((_ADMIN1_WORDS, {ADMIN1, ADMIN2}), (_ADMIN2_WORDS, {ADMIN2, ADMIN1}),
                       (_CITY_WORDS, {CITY, CAPITAL}), (_WATER_WORDS, {WATER}),
                       (_REGION_WORDS, {REGION})):
    for _w in _words.split():
        CUE_KINDS[_w] = frozenset(_kinds)
_CUE_AFTER = re.compile(r"\s{1,2}([A-Za-z]+)")
_CUE_BEFORE = re.compile(r"\b([A-Za-z]+)\s{1,2}of\s{1,2}(?:the\s)?$")
_IN_AFTER = re.compile(r",?\s{1,2}in\s{1,2}(?:the\s{1,2})?$")

STATIC = (["t_" + t for t in FEATURE_TYPES] +
          ["log_pop", "pop_rank", "pop_gap", "top_pop", "f_primary", "f_demonym", "f_abbrev", "f_alt",
           "f_ambiguous", "f_postal", "name_is_key", "name_longer", "curated", "naturalearth",
           "importance", "log_ncand", "log_ncountries", "capital_vs_country", "country_vs_capital",
           "division_vs_city", "city_vs_division"])
MENTION = ["log_mentions", "first_pos", "all_caps", "demonym", "cue_any", "cue_agree", "cue_disagree",
           "held_comma", "held_in", "held_possessive", "holds_prev"]
DOC1 = ["u_cc", "u_cc_other", "u_adm", "u_total", "is_focus"]
STAGE2 = ["s1", "s1_gap", "s1_key_max", "p1", "e_cc", "e_cc_share", "e_adm", "near161", "near_min"]
FEATURES1 = STATIC + MENTION + DOC1
FEATURES2 = FEATURES1 + STAGE2
_POINT_TYPES = frozenset({CITY, CAPITAL, ADMIN2, ADMIN1})
_LOCAL = (CITY, CAPITAL, ADMIN2, ADMIN1)
_FAR = math.log1p(20039.0)


@dataclass(slots=True)
class KeyStatic:
    """A key's candidates and their document-independent features (cached by the resolver)."""
    places: tuple[Place, ...]
    flags: tuple[int, ...]
    X: np.ndarray          # (n, len(STATIC)) float32
    cc: np.ndarray         # (n,) int: interned country code
    adm: np.ndarray        # (n,) int: interned (country, admin1)
    kinds: tuple[str, ...]
    lat: np.ndarray        # radians
    lon: np.ndarray
    ids: np.ndarray
    point: np.ndarray      # (n,) bool: a place that stands for a point (city, division)


class Interner(dict):
    def __missing__(self, k):
        v = self[k] = len(self)
        return v


def key_static(key: str, cands: tuple, interner: Interner, importance) -> KeyStatic:
    """The document-independent features of one key's candidates."""
    n = len(cands)
    places = tuple(p for p, _ in cands)
    flags = tuple(f for _, f in cands)
    X = np.zeros((n, len(STATIC)), dtype=np.float32)
    pops = np.array([p.population for p in places], dtype=np.float64)
    logpop = np.log10(pops + 1.0)
    order = np.argsort(-pops, kind="stable")
    rank = np.empty(n)
    rank[order] = np.arange(n)
    ccs = {p.country_code for p in places}
    countries = {p.country_code for p in places if p.feature_type == COUNTRY}
    capitals = {p.country_code for p in places if p.feature_type == CAPITAL}
    big_city = {}
    for p in places:
        if p.feature_type in (CITY, CAPITAL):
            k = (p.country_code, p.admin1)
            big_city[k] = max(big_city.get(k, 0.0), math.log10(p.population + 1))
    divisions = {(p.country_code, p.admin1) for p in places if p.feature_type in (ADMIN1, ADMIN2)}
    col = {name: i for i, name in enumerate(STATIC)}
    for j, (p, f) in enumerate(cands):
        ft = p.feature_type
        X[j, col["t_" + ft]] = 1
        own = name_key(p.name)
        vals = {"log_pop": logpop[j], "pop_rank": min(rank[j], 10), "pop_gap": logpop[j] - logpop.max(),
                "top_pop": float(rank[j] == 0), "f_primary": bool(f & PRIMARY),
                "f_demonym": bool(f & DEMONYM), "f_abbrev": bool(f & EXACT_CASE),
                "f_alt": bool(f & ASCII_ALT), "f_ambiguous": bool(f & AMBIGUOUS), "f_postal": bool(f & POSTAL),
                "name_is_key": own == key, "name_longer": own != key and own.startswith(key),
                "curated": p.source == "curated", "naturalearth": p.source == "naturalearth",
                "log_ncand": math.log(n), "log_ncountries": math.log(len(ccs)),
                "capital_vs_country": ft == CAPITAL and p.country_code in countries,
                "country_vs_capital": ft == COUNTRY and p.country_code in capitals,
                "division_vs_city": big_city.get((p.country_code, p.admin1), 0.0) if ft in (ADMIN1, ADMIN2) else 0.0,
                "city_vs_division": ft in (CITY, CAPITAL) and (p.country_code, p.admin1) in divisions}
        for name, v in vals.items():
            X[j, col[name]] = float(v)
    X[:, col["importance"]] = [importance(p.id) for p in places]
    return KeyStatic(places, flags, X,
                     np.array([interner[p.country_code or "-"] for p in places], dtype=np.int64),
                     np.array([interner[(p.country_code, p.admin1)] if p.admin1 else -1 for p in places],
                              dtype=np.int64),
                     tuple(p.feature_type for p in places),
                     np.radians([p.lat for p in places]), np.radians([p.lon for p in places]),
                     np.array([p.id for p in places], dtype=np.int64),
                     np.array([p.feature_type in _POINT_TYPES for p in places], dtype=bool))


# --- the key's mentions in this text ---------------------------------------------------------
_CAP_WORDS = re.compile(r"(?:the\s)?((?:[A-Z][\w.'\-]*)(?:\s[A-Z][\w.'\-]*){0,3})")
_COMMA_GAP = re.compile(r",\s{1,3}")
_IN_GAP = re.compile(r",?\s{1,2}in\s{1,2}(?:the\s{1,2})?")
_POSSESSIVE_GAP = re.compile(r"['\u2019]s\s{1,2}$")


class Containers:
    """The countries and first-level divisions a phrase can name ("La.", "Texas", "South West
    England" -> England), as (country, admin1) pairs with admin1 "" for a country; cached."""

    def __init__(self, gaz) -> None:
        self.gaz = gaz
        self._cache: dict[tuple[str, bool], tuple] = {}

    def __call__(self, phrase: str, after_comma: bool) -> tuple:
        hit = self._cache.get((phrase, after_comma))
        if hit is None:
            hit = self._find(phrase, after_comma)
            if len(self._cache) > 50_000:
                self._cache.clear()
            self._cache[(phrase, after_comma)] = hit
        return hit

    def _find(self, phrase: str, after_comma: bool) -> tuple:
        words = phrase.split()
        for i in range(len(words)):              # "South West England": then "West England", "England"
            cand = " ".join(words[i:])
            key = name_key(cand)
            out = []
            for p, f in self.gaz.lookup_key(key):
                if p.feature_type not in (COUNTRY, ADMIN1) or not p.country_code:
                    continue
                if f & EXACT_CASE and cand not in self.gaz.exact_forms.get(key, ()):
                    continue
                if f & POSTAL and not after_comma:
                    continue
                out.append((p.country_code, p.admin1 if p.feature_type == ADMIN1 else "", p.id, p.name))
            if out:
                return cand, tuple(out)
        return "", ()


def _cue(text: str, m: Mention) -> frozenset[str] | None:
    if " " in m.text:               # the generic word inside the mention: "Lake Victoria", "Kent County"
        words = m.text.lower().split()
        for w in (words[0], words[-1]):
            if w in CUE_KINDS:
                return CUE_KINDS[w]
    after = _CUE_AFTER.match(text, m.end, min(len(text), m.end + 20))
    if after:
        kinds = CUE_KINDS.get(after.group(1).lower())
        if kinds:
            return kinds
    before = "of" in text[max(0, m.start - 8):m.start] and _CUE_BEFORE.search(text, max(0, m.start - 24), m.start)
    if before:
        return CUE_KINDS.get(before.group(1).lower())
    return None


def _held(ks: KeyStatic, containers: tuple) -> np.ndarray:
    """Which candidates lie in one of the containers (and are not the container itself)."""
    out = np.zeros(len(ks.places), dtype=bool)
    for cc, adm, pid, _ in containers:
        for j, p in enumerate(ks.places):
            if p.country_code == cc and (not adm or p.admin1 == adm) and p.id != pid:
                out[j] = True
    return out


def mention_features(text: str, mentions: list[Mention], key_index: list[int], statics: list[KeyStatic],
                     containers: Containers):
    """(per key: (n, len(MENTION)) features, per key: {candidate row: reason} from patterns)."""
    K = len(statics)
    out = [np.zeros((len(ks.places), len(MENTION)), dtype=np.float32) for ks in statics]
    notes: list[dict[int, str]] = [{} for _ in range(K)]
    first = [1.0] * K
    count = [0] * K
    own: dict[int, np.ndarray] = {}       # mention -> the candidates its own pattern holds
    n = max(1, len(text))
    for i, (m, k) in enumerate(zip(mentions, key_index)):
        if k < 0:
            continue
        F, ks = out[k], statics[k]
        count[k] += 1
        first[k] = min(first[k], m.start / n)
        if m.text.isupper() and len(m.text) > 3:
            F[:, 2] = 1
        if m.kind == "demonym":
            F[:, 3] = 1
        kinds = _cue(text, m)
        if kinds:
            F[:, 4] = 1
            agree = np.array([t in kinds for t in ks.kinds])
            F[agree, 5] = 1
            F[~agree, 6] = 1
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        for col, rx, comma in ((7, _COMMA_GAP, True), (8, _IN_GAP, False)):
            gap = rx.match(text, m.end, m.end + 12)
            words = gap and _CAP_WORDS.match(text, gap.end())
            if not words:
                continue
            label, cons = containers(words.group(1), comma)
            if not cons:
                continue
            h = _held(ks, cons)
            F[h, col] = 1
            if h.any():
                own[i] = h
            said = f"{m.text}{text[m.end:words.end(1)]}"
            for j in np.nonzero(h)[0]:
                notes[k].setdefault(int(j), f"in {cons[0][3]}, as '{said}' says")
            if comma and nxt is not None and key_index[i + 1] >= 0 and nxt.start == words.start(1):
                _holds_prev(out, notes, statics, k, key_index[i + 1], said)
        prev = mentions[i - 1] if i > 0 else None
        if prev is not None and m.start - prev.end <= 4 and _POSSESSIVE_GAP.match(text[prev.end:m.start]):
            label, cons = containers(prev.text, False)
            if cons:
                h = _held(ks, cons)
                F[h, 9] = 1
                for j in np.nonzero(h)[0]:
                    notes[k].setdefault(int(j), f"in {cons[0][3]}, as '{prev.text}'s {m.text}' says")
    for k in range(K):
        out[k][:, 0] = math.log(max(1, count[k]))
        out[k][:, 1] = first[k]
    return out, notes, own


def _holds_prev(out, notes, statics, k_prev: int, k: int, said: str) -> None:
    """In "Alexandria, La.", La. (key k) holds a candidate of Alexandria (key k_prev)."""
    inner = statics[k_prev]
    for j, c in enumerate(statics[k].places):
        if c.feature_type not in (COUNTRY, ADMIN1):
            continue
        if any(p.country_code == c.country_code and (c.feature_type == COUNTRY or p.admin1 == c.admin1)
               and p.id != c.id for p in inner.places):
            out[k][j, 10] = 1
            notes[k].setdefault(j, f"holds {said.split(',')[0]}, as '{said}' says")


# --- the document ------------------------------------------------------------------------------
@dataclass(slots=True)
class Rows:
    """A document's candidate rows, all keys concatenated."""
    key_of: np.ndarray     # (N,) key index of each row
    starts: np.ndarray     # (K + 1,) first row of each key
    weight: np.ndarray     # (K,) mentions of each key
    cc: np.ndarray
    adm: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    ids: np.ndarray
    point: np.ndarray


def rows_of(statics: list[KeyStatic], weight: list[int]) -> Rows:
    sizes = np.array([len(ks.places) for ks in statics], dtype=np.int64)
    starts = np.zeros(len(statics) + 1, dtype=np.int64)
    np.cumsum(sizes, out=starts[1:])
    cat = np.concatenate
    return Rows(np.repeat(np.arange(len(statics)), sizes), starts, np.asarray(weight, dtype=np.float64),
                cat([ks.cc for ks in statics]), cat([ks.adm for ks in statics]),
                cat([ks.lat for ks in statics]), cat([ks.lon for ks in statics]),
                cat([ks.ids for ks in statics]), cat([ks.point for ks in statics]))


def _other_keys_sum(rows: Rows, group: np.ndarray, contrib: np.ndarray) -> np.ndarray:
    """For each row: the sum of `contrib` over rows of *other* keys in the same group (country,
    division). Rows with group -1 get 0."""
    uniq, g = np.unique(group, return_inverse=True)
    G = len(uniq)
    per_key = np.bincount(rows.key_of * G + g, weights=contrib, minlength=len(rows.weight) * G)
    total = per_key.reshape(len(rows.weight), G).sum(axis=0)
    out = total[g] - per_key[rows.key_of * G + g]
    out[group < 0] = 0.0
    return out


def doc_features(rows: Rows) -> np.ndarray:
    """Stage 1: the countries and divisions the unambiguous names point to (names whose every
    candidate lies in one country, or one division), other names than the row's own."""
    K = len(rows.weight)
    lo, hi = rows.starts[:-1], rows.starts[1:]
    cc_min = np.minimum.reduceat(rows.cc, lo) if K else np.zeros(0, np.int64)
    cc_max = np.maximum.reduceat(rows.cc, lo) if K else np.zeros(0, np.int64)
    adm_min = np.minimum.reduceat(rows.adm, lo) if K else np.zeros(0, np.int64)
    adm_max = np.maximum.reduceat(rows.adm, lo) if K else np.zeros(0, np.int64)
    one_cc = (cc_min == cc_max)
    one_adm = (adm_min == adm_max) & (adm_min >= 0)
    first = np.zeros(len(rows.key_of), dtype=np.float64)
    first[lo[hi > lo]] = 1.0          # count each unambiguous key once, on its first row
    w = rows.weight[rows.key_of] * first
    u_cc = _other_keys_sum(rows, rows.cc, w * one_cc[rows.key_of])
    u_adm = _other_keys_sum(rows, rows.adm, w * one_adm[rows.key_of])
    own_total = (rows.weight * one_cc)[rows.key_of]
    u_all = float((rows.weight * one_cc).sum())
    out = np.zeros((len(rows.key_of), len(DOC1)), dtype=np.float32)
    out[:, 0] = np.log1p(u_cc)
    out[:, 1] = np.log1p(u_all - own_total - u_cc)
    out[:, 2] = np.log1p(u_adm)
    out[:, 3] = math.log1p(float(rows.weight.sum()))
    return out


def key_softmax(rows: Rows, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(probability of each row within its key, each key's best score)."""
    lo = rows.starts[:-1]
    kmax = np.maximum.reduceat(s, lo)
    e = np.exp(s - kmax[rows.key_of])
    z = np.add.reduceat(e, lo)
    return e / z[rows.key_of], kmax


def stage2_features(rows: Rows, s1: np.ndarray) -> np.ndarray:
    """What stage 1 believes about the other names: the expected number of their mentions in the
    row's country and division, and the distances to their most likely places."""
    p1, kmax = key_softmax(rows, s1)
    kof = rows.key_of
    contrib = p1 * rows.weight[kof]
    e_cc = _other_keys_sum(rows, rows.cc, contrib)
    e_adm = _other_keys_sum(rows, rows.adm, contrib)
    others = rows.weight.sum() - rows.weight[kof]
    out = np.zeros((len(kof), len(STAGE2)), dtype=np.float32)
    out[:, 0] = s1
    out[:, 1] = s1 - kmax[kof]
    out[:, 2] = kmax[kof]
    out[:, 3] = p1
    out[:, 4] = np.log1p(e_cc)
    out[:, 5] = e_cc / np.maximum(others, 1.0)
    out[:, 6] = np.log1p(e_adm)
    # the most likely place of each key, where it stands for a point
    at_max = np.where(s1 == kmax[kof], np.arange(len(kof)), len(kof))
    best = np.minimum.reduceat(at_max, rows.starts[:-1])
    ok = rows.point[best]
    near = np.zeros(len(kof)); nmin = np.full(len(kof), _FAR)
    if ok.any():
        b = best[ok]
        d = haversine_km(rows.lat[:, None], rows.lon[:, None], rows.lat[b][None, :], rows.lon[b][None, :])
        same = (kof[:, None] == np.nonzero(ok)[0][None, :]) | (rows.ids[:, None] == rows.ids[b][None, :])
        pb = p1[b][None, :]
        near = ((d < 161.0) & ~same) @ p1[b] if len(b) else near
        dd = np.where(same | (pb < 0.5), np.inf, d)
        nmin = np.minimum(np.log1p(dd.min(axis=1)), _FAR)
    out[:, 7] = near
    out[:, 8] = nmin
    return out


def haversine_km(lat1, lon1, lat2, lon2):
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(h, 0, 1)))


# --- the model ---------------------------------------------------------------------------------
class Forest:
    """Gradient-boosted trees as flat arrays: every node (leaves too: they point to themselves)
    has a feature, a threshold and two children; a row goes left when its value <= threshold."""

    def __init__(self, feature, threshold, children, value, roots, depth: int, bias: float = 0.0):
        self.feature = feature.astype(np.int64)
        self.threshold = threshold.astype(np.float64)
        self.children = children.astype(np.int64)      # (nodes * 2,): right at 2i, left at 2i + 1
        self.value = value.astype(np.float64)
        self.roots = roots.astype(np.int64)
        self.depth = int(depth)
        self.bias = float(bias)

    def __call__(self, X: np.ndarray) -> np.ndarray:
        n, f = X.shape
        if n == 0:
            return np.zeros(0)
        flat = X.astype(np.float64, copy=False).ravel()
        base = (np.arange(n, dtype=np.int64) * f)[:, None]
        feature, threshold, children = self.feature, self.threshold, self.children
        node = self.roots                  # (trees,), then (rows, trees) after the first level
        for _ in range(self.depth):
            node = children[2 * node + (flat[base + feature[node]] <= threshold[node])]
        if node.ndim == 1:
            node = np.broadcast_to(node, (n, len(node)))
        return self.value[node].sum(axis=1) + self.bias

    def arrays(self, prefix: str) -> dict:
        return {prefix + "feature": self.feature.astype(np.int32), prefix + "threshold": self.threshold,
                prefix + "children": self.children.astype(np.int32), prefix + "value": self.value,
                prefix + "roots": self.roots.astype(np.int32), prefix + "meta": np.array([self.depth, self.bias])}

    @classmethod
    def from_arrays(cls, z, prefix: str) -> "Forest":
        depth, bias = z[prefix + "meta"]
        return cls(z[prefix + "feature"], z[prefix + "threshold"], z[prefix + "children"], z[prefix + "value"],
                   z[prefix + "roots"], int(depth), float(bias))

    @classmethod
    def from_lightgbm(cls, dump: dict) -> "Forest":
        """From `Booster.dump_model()` (numerical splits, `<=`, no missing values)."""
        feature, threshold, children, value, roots = [], [], [], [], []
        depth = 0

        def add(node, d) -> int:
            nonlocal depth
            i = len(feature)
            feature.append(0); threshold.append(0.0); children.extend([i, i]); value.append(0.0)
            if "leaf_value" in node or "split_feature" not in node:
                value[i] = node.get("leaf_value", 0.0)
                depth = max(depth, d)
                return i
            assert node["decision_type"] == "<=", node["decision_type"]
            feature[i] = node["split_feature"]
            threshold[i] = node["threshold"]
            left = add(node["left_child"], d + 1)
            right = add(node["right_child"], d + 1)
            children[2 * i], children[2 * i + 1] = right, left
            return i

        for tree in dump["tree_info"]:
            roots.append(add(tree["tree_structure"], 0))
        return cls(np.array(feature), np.array(threshold), np.array(children), np.array(value),
                   np.array(roots), depth)


COLUMN = {name: i for i, name in enumerate(FEATURES2)}
NEUTRAL = {"near_min": _FAR}       # the value of a feature when the text gives no such evidence


@dataclass(slots=True)
class Document:
    key_index: list[int]          # per mention: its key, -1 when the gazetteer lacks the name
    statics: list[KeyStatic]
    rows: Rows
    X1: np.ndarray                # (N, len(FEATURES1))
    notes: list[dict[int, str]]   # per key: candidate -> the pattern that places it
    own: dict = None              # mention -> candidates its own "X, Y" / "X in Y" pattern holds


def document(text: str, mentions: list[Mention], key_index: list[int], statics: list[KeyStatic],
             containers: Containers) -> Document:
    if not statics:
        return Document(key_index, statics, None, np.zeros((0, len(FEATURES1))), [])
    weight = np.bincount([k for k in key_index if k >= 0], minlength=len(statics))
    rows = rows_of(statics, weight)
    mf, notes, own = mention_features(text, mentions, key_index, statics, containers)
    X1 = np.hstack([np.concatenate([ks.X for ks in statics]), np.concatenate(mf), doc_features(rows)])
    return Document(key_index, statics, rows, X1, notes, own)


class Model:
    """The two stages, each a `Forest`."""

    def __init__(self, stage1: Forest, stage2: Forest, reject: float = -math.inf) -> None:
        self.stage1, self.stage2 = stage1, stage2
        self.reject = reject      # a name whose best candidate scores below this fits none of them

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> "Model":
        with np.load(path) as z:
            names1 = [str(x) for x in z["features1"]]
            names2 = [str(x) for x in z["features2"]]
            if names1 != FEATURES1 or names2 != FEATURES2:
                raise ValueError(f"{path} was trained on other features; run scripts/train_resolver.py")
            return cls(Forest.from_arrays(z, "s1_"), Forest.from_arrays(z, "s2_"), float(z["reject"]))

    def save(self, path: Path = MODEL_PATH, **extra) -> None:
        np.savez_compressed(path, features1=np.array(FEATURES1), features2=np.array(FEATURES2),
                            reject=np.array(self.reject), **self.stage1.arrays("s1_"), **self.stage2.arrays("s2_"),
                            **extra)

    def score(self, doc: Document, cols=(), vals=None) -> tuple[np.ndarray, np.ndarray]:
        """Stage-2 scores (log-odds) of every row, and the stage-2 features."""
        X1 = doc.X1
        if len(cols):
            X1 = X1.copy()
            c1 = [i for i, c in enumerate(cols) if c < X1.shape[1]]
            X1[:, [cols[i] for i in c1]] = vals[c1]
        X2 = np.hstack([X1, stage2_features(doc.rows, self.stage1(X1))])
        if len(cols):
            X2[:, cols] = vals
        return self.stage2(X2), X2
