"""The learned event–location linker: which of a sentence's candidates say where one event happened.

It reads the same tokens and candidates as the rules (``geo.events.linking``: `tokens`,
`candidates`) and scores each candidate that may be a place (a gazetteer toponym or a
capitalised name the gazetteer lacks; organisations, persons, demonyms and the like are context
only). Each gets a few dozen named features read from the one sentence: where it stands relative
to the trigger, the preposition before it ("in", "of" after "the town"), the words after it
("said", "district", "fighters"), what lies between (a speech verb, a comma, a clause word, other
names), whether it is one name of a list or a place inside another, its shape and kind, and the
trigger's kind of event. Two gradient-boosted tree ensembles score them: the first alone, the
second again with how each candidate's first score compares with the others' (`stack_features`),
since usually one place, or one list of places, is where the event happened.

The trees are flat arrays in ``geo/data/event_linker.json``, written by
``scripts/train_event_linker.py`` (which calls `candidate_features`, so training and use share one
definition) and evaluated with numpy: no learning library at run time. A `LearnedLinker` holds
its model (one per pipeline, loaded when the pipeline is built); `link_many` scores every
trigger of a document in one pass through the trees.
"""
from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from gazetteer.compiled import treewalk
from geo.events.linking import (_AGENT_NOUNS, _ARTICLE, _DIRECTIONS, _ORG_WORDS, _PASSIVE, _SKIP_LEFT, _TITLES,
                                Candidate, Link, Tok, tokens)
from geo.vocabulary import LOCATIVE_PREPOSITIONS, PART_NOUNS, PLACE_NOUNS, SPEECH_WORDS, WAR

MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "event_linker.json"
PLACEISH = frozenset(("toponym", "name"))      # the kinds of candidate the model scores

# ---------------------------------------------------------------- word classes

# prepositions with a class of their own; other locative ones are "loc" ("off", "beside",
# "beyond": rare in the training data, so they share what the common ones teach), the rest "prep"
_CORE_PREPS = frozenset(("in", "at", "on", "near", "outside", "inside", "into", "across", "from", "to", "of",
                         "around", "over", "through", "between", "toward", "along", "by", "within", "throughout"))
_OTHER_PREPS = frozenset(("against", "via", "upon", "for", "with", "towards"))
_CLAUSE = frozenset("which who whom whose that while whereas when after before as since until because but although "
                    "though if unless once".split())
_COPULA = _PASSIVE | frozenset(("do", "does", "did"))
_PUNCT_CLASS = {",": "comma", ".": "stop", "!": "stop", "?": "stop", ";": "semi", ":": "semi", "(": "open",
                ")": "close", "[": "open", "]": "close", "-": "dash", "–": "dash", "—": "dash", '"': "quote",
                "“": "quote", "”": "quote", "'": "quote", "‘": "quote", "’": "quote", "'s": "poss_s", "’s": "poss_s"}


def _class_table() -> dict[str, str]:
    out = dict(_PUNCT_CLASS)
    for w in _CORE_PREPS:
        out[w] = w
    for w in LOCATIVE_PREPOSITIONS - _CORE_PREPS:
        out[w] = "toward" if w == "towards" else "loc"
    for w in _OTHER_PREPS:
        out.setdefault(w, "prep")
    for name, words in (("det", "the a an this that these those".split()),
                        ("pron", "his her its their our my your".split()), ("and", ("and", "or", "&")),
                        ("dir", _DIRECTIONS), ("speech", SPEECH_WORDS), ("clause", _CLAUSE), ("copula", _COPULA),
                        ("part_noun", PART_NOUNS), ("place_noun", PLACE_NOUNS),
                        ("agent", _AGENT_NOUNS | frozenset(WAR)), ("org", _ORG_WORDS)):
        for w in words:
            out.setdefault(w, name)
    return out


_CLASS_OF = _class_table()
# what is known of the words seen so far, of capitalised and other tokens (words recur across
# sentences and articles): (class, the feature it counts between a name and the trigger, is a word)
_SEEN: tuple[dict[str, tuple], dict[str, tuple]] = ({}, {})
_SEEN_MAX = 100_000


def _word_infos(toks: list[Tok]) -> list[tuple[str, str | None, bool]]:
    """(`word_class`, `_counted_key`, whether a word) of each token."""
    plain, capped = _SEEN
    out = [(capped if t.cap else plain).get(t.low) for t in toks]
    if None in out:                     # (words not seen before: rare once many texts are read)
        for k, t in enumerate(toks):
            if out[k] is None:
                seen = capped if t.cap else plain
                if len(seen) >= _SEEN_MAX:
                    seen.clear()
                cls = word_class(t)
                out[k] = seen[t.low] = (cls, _counted_key(cls, t.low), t.low[0].isalnum())
    return out


def word_class(t: Tok) -> str:
    """A coarse class of a token, for the words around a candidate and a trigger."""
    c = _CLASS_OF.get(t.low)
    if c is not None:
        return c
    w = t.low
    if not (w[0].isalnum() or w[0] == "_"):
        return "punct" if len(w) == 1 else ("cap" if t.cap else "lower")
    if w[0].isdigit():
        return "digit"
    if t.cap:
        return "cap"
    if w.endswith("ed"):
        return "ed"
    if w.endswith("ing"):
        return "ing"
    return "lower"


# ---------------------------------------------------------------- one sentence, one trigger

class _Sentence:
    """One sentence read once for all its triggers: tokens, their classes and start offsets, the
    token range of each scored candidate, the first word's index, and (once asked, `_own`) each
    candidate's features that do not depend on the trigger."""
    __slots__ = ("toks", "cls", "starts", "cands", "spans", "first_word", "own", "counted", "words_before")

    def __init__(self, text: str, start: int, end: int, cands: Sequence[Candidate]) -> None:
        self.toks = tokens(text, start, end)
        cls, counted, is_word = zip(*_word_infos(self.toks)) if self.toks else ((), (), ())
        self.cls, self.counted = cls, counted                       # (counted: for `_between`)
        words = 0
        self.words_before = [0]                                     # how many words before token i
        for w in is_word:
            words += w
            self.words_before.append(words)
        self.starts = [t.start for t in self.toks]
        self.cands = [c for c in cands if c.kind in PLACEISH]
        self.spans = [self.range(c.start, c.end) for c in self.cands]
        self.first_word = is_word.index(True) if True in is_word else 0
        self.own: list[dict] | None = None

    def range(self, s: int, e: int) -> tuple[int, int]:
        i = max(bisect_right(self.starts, s) - 1, 0)
        return i, max(bisect_left(self.starts, e), i + 1)

    def c(self, i: int) -> str:
        """The class of token i, "edge" past either end of the sentence."""
        return self.cls[i] if 0 <= i < len(self.cls) else "edge"


def _left_prep(r: _Sentence, i: int) -> tuple[str, int, str]:
    """The preposition before token i within a few words ("in the strategic town of X" -> "of"),
    how many tokens back, and the class of the word before an "of" ("town", "outskirts", "north")."""
    k = i - 1
    while k >= 0 and i - k <= 4:
        cls = r.cls[k]
        if cls in _CORE_PREPS or cls in ("loc", "prep", "toward"):
            return cls, i - k, (r.c(k - 1) if cls == "of" else "")
        if r.toks[k].low not in _SKIP_LEFT:
            break
        k -= 1
    return "", 0, ""


_COUNTED = frozenset(("comma", "semi", "dash", "open", "close", "quote", "speech", "copula", "and", "stop"))


def _counted_key(cls: str, low: str) -> str | None:
    """The feature a token of class `cls` counts when it stands between a name and the trigger."""
    if cls in _COUNTED:
        return "b_" + cls
    if cls == "clause":
        return "b_where" if low == "where" else ("b_rel" if low in ("which", "who", "whom", "whose", "that")
                                                 else "b_sub")
    if cls in _CORE_PREPS or cls == "loc":
        return "b_prep"
    return None


def _between(r: _Sentence, a: int, b: int) -> dict:
    """What stands between token a (inclusive) and b (exclusive): clause marks, speech, other names."""
    f: dict = {}
    for key in r.counted[a:b]:
        if key is not None:
            f[key] = f.get(key, 0) + 1
    f["dist"] = r.words_before[b] - r.words_before[a]
    return f


def _shape(r: _Sentence, k: int, words: dict) -> tuple[dict, dict]:
    """The candidate itself: its words, kind and feature type, and the words right around it; and
    apart, the part of it that the other names of its list share ("the villages of A, B and C")."""
    c = r.cands[k]
    i, j = r.spans[k]
    toks = r.toks
    inner = [t for t in toks[i:j] if t.cap or t.low[0].isalnum()]
    first = inner[0].low.lstrip("'’‘`") if inner else ""
    last = inner[-1].low if inner else ""
    prep, back, head = _left_prep(r, i)
    context = {"kind_" + c.kind: 1, "ft_" + (c.feature_type or "none"): 1, "l1_" + r.c(i - 1): 1,
               "l2_" + r.c(i - 2): 1, "prep_" + (prep or "none"): 1, "prep_back": back}
    if head:
        context["ofhead_" + head] = 1
    if prep and i - back - 1 >= 0:
        context["pl_" + r.c(i - back - 1)] = 1      # "officials in", "said in", "killed in"
    f = {"n_words": len(inner), "first_common": int(first in words.get("common_words", ())),
         "first_given": int(first in words.get("given_names", ())), "first_title": int(first in _TITLES),
         "last_geo": int(last in PLACE_NOUNS), "org": int(not _ORG_WORDS.isdisjoint([t.low for t in inner])),
         "unplaced": int(c.kind == "toponym" and c.place is None), "inner_place": int(c.inner is not None),
         "acronym": int(c.text.isupper() and len(c.text) <= 8),
         "article": int(first[:3] in ("al-", "el-") or _ARTICLE.match(first) is not None),
         "sent_initial": int(i <= r.first_word),
         "in_parens": int(i > 0 and toks[i - 1].text == "(" and j < len(toks) and toks[j].text == ")"),
         "hyphen": int("-" in c.text), "r1_" + r.c(j): 1, "r2_" + r.c(j + 1): 1}
    f.update(context)
    # (set tests on the few words: cheaper than a generator per candidate)
    if not SPEECH_WORDS.isdisjoint([t.low for t in toks[j:j + 3]]):
        f["speech_after3"] = 1
    if not SPEECH_WORDS.isdisjoint([t.low for t in toks[max(0, i - 3):i]]):
        f["speech_before3"] = 1
    return f, context


# what kind of event a trigger names, by the stem it starts with ("shelled", "shelling" -> shell)
_TRIGGER_CLASSES = (
    ("violence", ("kill", "attack", "shoot", "shot", "bomb", "shell", "strike", "struck", "hit", "target", "raid",
                  "storm", "assault", "murder", "wound", "injur", "explo", "deton", "fire", "ambush", "behead",
                  "execut", "stab", "clash", "fight", "fought", "massacr", "die", "dead", "death", "blast")),
    ("seizure", ("captur", "seiz", "kidnap", "abduct", "arrest", "detain", "liberat", "took", "take", "control",
                 "overr", "destroy", "burn", "loot", "besieg", "siege")),
    ("movement", ("march", "enter", "advanc", "mov", "arriv", "fle", "withdr", "travel", "cross", "return",
                  "deploy", "patrol", "push", "head", "drove", "driv", "flew", "fly", "land", "reach")),
    ("protest", ("protest", "demonstrat", "rall", "gather", "riot", "boycott")),
    ("speech", ("said", "say", "tell", "told", "claim", "report", "announc", "accus", "blam", "condemn", "deni",
                "deny", "warn", "believ", "call", "urg", "ask")),
    ("aspect", ("began", "begin", "begun", "start", "continu", "resum", "launch", "occur", "happen", "end",
                "renew", "last", "intensif", "escalat")),
)


def _trigger_class(w: str) -> str:
    for name, stems in _TRIGGER_CLASSES:
        if w.startswith(stems):
            return name
    return "copula" if w in _COPULA else "other"


def _trigger(r: _Sentence, ti: int, tj: int) -> dict:
    """The trigger word: its form and kind of event, the words around it, where it stands."""
    w = r.toks[ti].low if ti < len(r.toks) else ""
    return {"tc_" + _trigger_class(w): 1, "t_ed": int(w.endswith("ed")), "t_ing": int(w.endswith("ing")),
            "t_s": int(w.endswith("s")), "t_speech": int(w in SPEECH_WORDS), "t_copula": int(w in _COPULA),
            "t_cap": int(r.toks[ti].text[:1].isupper()) if ti < len(r.toks) else 0,
            "t_multi": int(tj - ti > 1), "t_pos": ti / max(len(r.toks), 1),
            "tl_" + r.c(ti - 1): 1, "tr_" + r.c(tj): 1, "tr2_" + r.c(tj + 1): 1}


_LIST_JOINS = frozenset(("comma", "and"))


def _link(r: _Sentence, a: int, b: int) -> str:
    """How two names with tokens a..b between them are joined: "list", "of", "comma+in"…; "" when
    more than three tokens stand between."""
    if b - a > 3:
        return ""
    if a == b:
        return "adjacent"
    classes = r.cls[a:b]
    if _LIST_JOINS.issuperset(classes):
        return "list"
    return "+".join(classes[:2]) if len(classes) <= 2 else classes[0] + "+"


_CHAIN_CLASSES = frozenset(("of", "in", "near", "comma", "poss_s", "det", "dir", "place_noun", "part_noun"))
_CHAIN_LINKS = frozenset(("of", "in", "near", "comma", "poss_s"))


def _chained(r: _Sentence, a: int, b: int) -> int:
    """Whether two names with tokens a..b between them are one place inside another: "the PK12
    neighborhood of the capital of Bangui", "Kandahar's Loi Karez", "Hawija, a town near Kirkuk"."""
    if b - a > 8 or a >= b:
        return 0
    classes = r.cls[a:b]
    return int(_CHAIN_CLASSES.issuperset(classes) and not _CHAIN_LINKS.isdisjoint(classes))


def _own(r: _Sentence, words: dict) -> list[dict]:
    """Each candidate's features that do not depend on the trigger (read once per sentence): its
    shape and context, its list's first name's context ("the villages of A, B and C"), how it is
    joined to its neighbours."""
    if r.own is not None:
        return r.own
    n = len(r.cands)
    shapes = [_shape(r, k, words) for k in range(n)]
    links = [_link(r, r.spans[k][1], r.spans[k + 1][0]) for k in range(n - 1)]
    heads = list(range(n))
    for k, how in enumerate(links):
        if how == "list":
            heads[k + 1] = heads[k]
    toponyms = [c.kind for c in r.cands].count("toponym")
    out = []
    for k in range(n):
        f, _ = shapes[k]
        h = heads[k]
        if h != k or (k + 1 < n and heads[k + 1] == k):
            for key, v in shapes[h][1].items():
                f["lh_" + key] = v
        f.update(n_cands=n, n_toponyms=toponyms, list_size=heads.count(h), list_pos=k - h)
        if k + 1 < n:
            f["next_" + (links[k] or "far")] = 1
            f["chain_next"] = _chained(r, r.spans[k][1], r.spans[k + 1][0])
        if k > 0:
            f["prev_" + (links[k - 1] or "far")] = 1
            f["chain_prev"] = _chained(r, r.spans[k - 1][1], r.spans[k][0])
        out.append(f)
    r.own = out
    return out


def _relations(r: _Sentence, ti: int, tj: int) -> list[dict]:
    """Each candidate against the trigger and the other candidates: on which side, how far, what
    stands between."""
    n = len(r.spans)
    side, gaps = [], []
    for i, j in r.spans:
        if j <= ti:
            side.append(-1)
            gaps.append((j, ti))
        elif i >= tj:
            side.append(1)
            gaps.append((tj, i))
        else:
            side.append(0)
            gaps.append((i, i))
    dists = [b - a for a, b in gaps]
    # the distances in order, of all and of each side: a candidate's rank is how many are nearer
    ranked = sorted(dists)
    ranked_side = {sk: sorted([d for d, s in zip(dists, side) if s == sk]) for sk in set(side)}
    out = []
    for k in range(n):
        a, b = gaps[k]
        f = _between(r, a, b)
        sk, dk = side[k], dists[k]
        same_side = ranked_side[sk]
        i, j = r.spans[k]
        f.update(after=int(sk == 1), overlap=int(sk == 0), n_side=len(same_side),
                 n_between=len([1 for s, e in r.spans if s >= a and e <= b]) - (i >= a and j <= b),   # (not itself)
                 rank_side=bisect_left(same_side, dk), rank_all=bisect_left(ranked, dk))
        out.append(f)
    return out


def _features(r: _Sentence, t0: int, t1: int, words: dict) -> list[dict]:
    ti, tj = r.range(t0, t1)
    trig = _trigger(r, ti, tj)
    return [{**own, **rel, **trig} for own, rel in zip(_own(r, words), _relations(r, ti, tj))]


def candidate_features(text: str, sentence_start: int, sentence_end: int, trigger_start: int, trigger_end: int,
                       candidates: Sequence[Candidate], words: dict | None = None
                       ) -> tuple[list[Candidate], list[dict]]:
    """The candidates the model scores (those that may be places, in text order) and the named
    features of each for one trigger: what the model reads. The training script calls this too,
    so training and use share one definition. `words`: the gazetteer's word lists."""
    r = _Sentence(text, sentence_start, sentence_end, candidates)
    return r.cands, _features(r, trigger_start, trigger_end, words or {})


STACK_FEATURES = ("p", "p_max_other", "p_margin", "p_rank", "p_list", "p_prev", "p_next", "n_likely", "p_sum",
                  "p_inner", "p_outer", "p_side_max")


def stack_features(p: np.ndarray, feats: list[dict]) -> np.ndarray:
    """Second-stage inputs: each candidate's first-stage probability against the others' (the
    best other, its rank, its list's, its neighbours', the place inside or around it, the best on
    its side of the trigger), so that candidates compete: usually one place, or one list of
    places, is where the event happened."""
    rows = _stack_rows(p.tolist(), feats)
    return np.array(rows, dtype=np.float64).reshape(len(rows), len(STACK_FEATURES))


def _stack_rows(q: list[float], feats: list[dict]) -> list[tuple]:
    """`stack_features` as rows of Python floats (first-stage probabilities `q`)."""
    n = len(q)
    ascending = sorted(q)
    top = ascending[::-1]
    second = top[1] if n > 1 else 0.0
    after = [f.get("after", 0) for f in feats]
    # each side's probabilities, highest first: the best other on k's side is its first unless
    # that is k's own (a tie leaves the same value second)
    side_top = {side: sorted([v for v, a in zip(q, after) if a == side], reverse=True) for side in set(after)}
    likely, total = float(len([v for v in q if v > 0.5])), sum(q)
    rows = []
    for k in range(n):
        pk, f = q[k], feats[k]
        best_other = second if pk == top[0] else top[0]
        head = k - f.get("list_pos", 0)
        sib = max([q[x] for x in range(head, min(head + f.get("list_size", 1), n)) if x != k] or [-1.0])
        inner = q[k - 1] if k > 0 and f.get("chain_prev") else -1.0       # "the X district of <k>"
        outer = q[k + 1] if k + 1 < n and f.get("chain_next") else -1.0   # "<k> district of Y"
        side = side_top[after[k]]
        side_max = side[0] if pk != side[0] else (side[1] if len(side) > 1 else -1.0)
        higher = n - bisect_right(ascending, pk)                            # how many are more likely
        rows.append((pk, best_other, pk - best_other, float(higher), sib,
                     q[k - 1] if k > 0 else -1.0, q[k + 1] if k + 1 < n else -1.0, likely, total,
                     inner, outer, side_max))
    return rows


# ---------------------------------------------------------------- the model

_TREEWALK = treewalk()      # Forest.raw's sums as C loops, when built


class Forest:
    """A tree ensemble as flat arrays, evaluated level by level for all trees and rows at once.

    Node i tests `x[feature[i]] > threshold[i]`: false goes to `left[i]`, true to `left[i] + 1`.
    A leaf has a threshold no value exceeds and is its own `left`, so `depth` steps from the
    roots reach every leaf. The arrays are one-dimensional (rows times trees): with a handful of
    candidates per call the number of numpy calls, not their size, is what costs, so a document's
    rows are scored in one call.
    """

    def __init__(self, d: dict) -> None:
        self.feature = np.asarray(d["feature"], dtype=np.intp)
        self.threshold = np.asarray(d["threshold"], dtype=np.float64)
        self.left = np.asarray(d["left"], dtype=np.intp)
        self.value = np.asarray(d["value"], dtype=np.float64)
        self.roots = np.asarray(d["roots"], dtype=np.intp)
        self.depth = int(d["depth"])
        # the same trees for the C loops (gazetteer/treewalk.pyx), when built
        self._walker = None if _TREEWALK is None else _TREEWALK.FlatTrees(
            self.feature, self.threshold, self.left, self.value, self.roots, self.depth)

    def raw(self, x: np.ndarray) -> np.ndarray:
        """Summed leaf values (log-odds) for each row of x."""
        if self._walker is not None:
            return self._walker.raw(x)
        n, width = x.shape
        trees = len(self.roots)
        node = np.repeat(self.roots[None, :], n, axis=0).ravel()
        offset = np.arange(0, n * width, width).repeat(trees)
        flat = x.ravel()
        feature, threshold, left = self.feature, self.threshold, self.left
        for _ in range(self.depth):     # take: cheaper than indexing with an array; in place: fewer arrays made
            at = feature.take(node)
            at += offset
            higher = flat.take(at) > threshold.take(node)
            node = left.take(node)
            node += higher
        return self.value.take(node).reshape(n, trees).sum(axis=1)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


@dataclass(frozen=True)
class Model:
    features: tuple[str, ...]
    columns: dict
    stage1: Forest
    stage2: Forest
    threshold: float
    floor: float = 0.0          # below this first-stage probability everywhere, the answer is "none"

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> "Model":
        d = json.loads(Path(path).read_text("utf-8"))
        feats = tuple(d["features"])
        return cls(feats, {k: i for i, k in enumerate(feats)}, Forest(d["stage1"]), Forest(d["stage2"]),
                   float(d["threshold"]), float(d.get("floor", 0.0)))

    def matrix(self, feats: list[dict], spare: int = 0) -> np.ndarray:
        """The rows of named features `feats` as the model's columns, then `spare` zero columns."""
        columns = self.columns
        width = len(self.features) + spare
        x = np.zeros(len(feats) * width)
        cells = memoryview(x)           # (setting one float: cheaper than numpy's item assignment)
        for r, f in enumerate(feats):
            base = r * width
            for key, v in f.items():
                if v:                   # (a zero is the matrix's default)
                    try:                # (a feature the model does not know is rare)
                        cells[base + columns[key]] = v
                    except KeyError:
                        pass
        return x.reshape(len(feats), width)

    def probabilities(self, feats: list[dict]) -> np.ndarray:
        """Each candidate's probability of naming where the event happened (one trigger's)."""
        return self.batch([feats])[0]

    def batch(self, groups: list[list[dict]]) -> list[np.ndarray]:
        """`probabilities` for the candidates of many triggers at once: one pass through each
        stage's trees for all of them."""
        sizes = [len(g) for g in groups]
        rows = [f for g in groups for f in g]
        if not rows:
            return [np.zeros(0) for _ in groups]
        # the second stage's inputs are the first's and the stacked ones: one matrix for both, no copy
        first = len(self.features)
        x = self.matrix(rows, len(STACK_FEATURES))
        q1 = _sigmoid(self.stage1.raw(x[:, :first])).tolist()
        live, live_rows, stacked, at = [], [], [], 0
        for k, n in enumerate(sizes):
            if n and max(q1[at:at + n]) >= self.floor:
                live.append(k)
                live_rows += range(at, at + n)
                stacked += _stack_rows(q1[at:at + n], groups[k])
            at += n
        out = [np.zeros(n) for n in sizes]      # no candidate is near: the second stage would agree
        if live:
            both = x if len(live_rows) == len(rows) else x[live_rows]
            both[:, first:] = stacked
            p2 = _sigmoid(self.stage2.raw(both))
            at = 0
            for k in live:
                out[k] = p2[at:at + sizes[k]]
                at += sizes[k]
        return out


# ---------------------------------------------------------------- the linker

class LearnedLinker:
    """Event–location links by the shipped model (module docstring). `words`: the gazetteer's
    word lists (common words, given names), as the candidates read them."""

    name = "learned"

    def __init__(self, words: dict | None = None, path: Path = MODEL_PATH, threshold: float | None = None) -> None:
        self.model = Model.load(path)
        self.words = words or {}
        self.threshold = self.model.threshold if threshold is None else threshold

    def link(self, text: str, sentence_start: int, sentence_end: int, trigger_start: int, trigger_end: int,
             candidates: Sequence[Candidate]) -> list[Link]:
        return self.link_many(text, [(sentence_start, sentence_end, trigger_start, trigger_end, candidates)])[0]

    def link_many(self, text: str, requests) -> list[list[Link]]:
        """The links of many triggers of one text, each a (sentence_start, sentence_end,
        trigger_start, trigger_end, candidates) tuple; the model's trees run once for all."""
        read: dict[tuple[int, int], _Sentence] = {}
        scored, feats = [], []
        for s0, s1, t0, t1, cands in requests:
            if not any(c.kind in PLACEISH for c in cands):
                scored.append([])
                feats.append([])
                continue
            key = (s0, s1)
            if key not in read or read[key].cands != [c for c in cands if c.kind in PLACEISH]:
                read[key] = _Sentence(text, s0, s1, cands)
            r = read[key]
            scored.append(r.cands)
            feats.append(_features(r, t0, t1, self.words))
        out = []
        for cands, f, p in zip(scored, feats, self.model.batch(feats)):
            q = p.tolist()          # (Python floats: the same values, cheaper to compare and round)
            keep = linked(q, f, self.threshold)
            out.append([Link(c, round(v, 3), "model") for c, v, k in zip(cands, q, keep) if k])
        return out


CHAIN_MASS = 0.5    # a chain's two names together at least this likely (5-fold CV F1 0.8300 -> 0.8305)


def linked(p: list[float], feats: list[dict], threshold: float) -> list[bool]:
    """Which candidates to link: those at least `threshold` likely; when none is, the two names of
    a chain ("the Karrada district of Baghdad") whose probabilities together reach CHAIN_MASS: the
    model splits its belief between two names of one place."""
    keep = [q >= threshold for q in p]
    if not any(keep):
        for k in range(1, len(p)):
            if feats[k].get("chain_prev") and p[k - 1] + p[k] >= CHAIN_MASS:
                keep[k - 1] = keep[k] = True
    return keep
