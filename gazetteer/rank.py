"""Features for the learned resolver, and the model that scores them (plain numpy at run time).

Each distinct name of a document (its gazetteer key) gets one row per candidate place. A row
holds three kinds of feature:
- the candidate alone (cached per key, with everything else that depends on the key only): kind
  of place, log population and its rank among the places so named, how the name matched
  (primary, alternate, demonym, abbreviation flags), number of candidates, whether a capital
  competes with its own country ("Mexico"), a division with its own main city ("Tokyo"),
  curated source;
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

Speed: a document's features are computed for all its candidate rows at once, as whole-array
numpy operations (a handful of Python steps per mention, none per candidate), into one matrix
with a column per candidate row (`Document.XT`); every tree of a forest is evaluated for every
row at once (`Forest`).
"""
from __future__ import annotations

import math
import re
import struct
from dataclasses import dataclass, field
from itertools import chain, repeat
from operator import attrgetter
from pathlib import Path

import numpy as np

from gazetteer.compiled import treewalk
from gazetteer.index import AMBIGUOUS, ASCII_ALT, DEMONYM, EXACT_CASE, POSTAL, PRIMARY
from gazetteer.model import (ADMIN1, ADMIN2, CAPITAL, CITY, COUNTRY, FEATURE_TYPES, REGION, WATER,
                             Mention, Place)
from gazetteer.normalize import name_key

MODEL_PATH = Path(__file__).resolve().parent / "data" / "resolver_model.npz"
EARTH_KM = 6371.0
MAX_CANDIDATES = 24         # a key's candidates kept (by a fixed prior), so "Santa Maria" does not carry 163 rows

# Generic words that say what kind of place a name is. Before the name: "the city of X"; after
# it: "X province". Each group of words is one bit of a cue mask, and agrees with some kinds.
_CUE_GROUPS = (
    ("province provinces state prefecture region governorate oblast territory canton emirate krai "
     "county district parish borough municipality township shire department", (ADMIN1, ADMIN2)),
    ("city town village suburb capital port hamlet", (CITY, CAPITAL)),
    ("river lake sea bay gulf ocean strait harbour harbor channel", (WATER,)),   # not "coast": "the coast of Hokkaido"
    ("island islands peninsula mountain mountains valley desert plateau", (REGION,)),
)
CUE_BIT = {w: 1 << g for g, (words, _) in enumerate(_CUE_GROUPS) for w in words.split()}
_NAMESAKE_BITS = (CUE_BIT["sea"], CUE_BIT["island"])
KIND_CUE_BITS = {kind: sum(1 << g for g, (_, kinds) in enumerate(_CUE_GROUPS) if kind in kinds)
                 for kind in FEATURE_TYPES}
_CUE_AFTER = re.compile(r"\s{1,2}([A-Za-z]+)")
_CUE_BEFORE = re.compile(r"\b([A-Za-z]+)\s{1,2}of\s{1,2}(?:the\s)?$")
# "the Aziziyah district of Aleppo": a name right before the cue word has it; Aleppo is no district
_NAMED_BEFORE = re.compile(r"(?<![.!?]\s)\b(?!(?:The|A|An|In|At|On|Of)\b)[A-Z][\w'’-]*\s{1,2}$")

STATIC = (["t_" + t for t in FEATURE_TYPES] +
          ["log_pop", "pop_rank", "pop_gap", "top_pop", "f_primary", "f_demonym", "f_abbrev", "f_alt",
           "f_ambiguous", "f_postal", "name_is_key", "name_longer", "curated", "naturalearth",
           "importance", "log_ncand", "log_ncountries", "capital_vs_country", "country_vs_capital",
           "division_vs_city", "city_vs_division"])
MENTION = ["log_mentions", "first_pos", "all_caps", "demonym", "cue_any", "cue_agree", "cue_disagree",
           "held_comma", "held_in", "held_possessive", "holds_prev"]
DOC1 = ["u_cc", "u_adm", "u_cc_other", "u_total", "a_cc", "a_adm", "a_near"]
STAGE2 = ["s1", "s1_gap", "s1_key_max", "p1", "e_cc", "e_adm", "e_cc_share", "near161", "near_min"]
FEATURES1 = STATIC + MENTION + DOC1
FEATURES2 = FEATURES1 + STAGE2
COLUMN = {name: i for i, name in enumerate(FEATURES2)}
_FAR = math.log1p(20039.0)
NEUTRAL = {"near_min": _FAR, "a_near": _FAR}     # a feature's value when the text gives no such evidence
_POINT_TYPES = frozenset({CITY, CAPITAL, ADMIN2, ADMIN1})
# integer rows of a key's candidates (KeyStatic.I), besides the float features
I_CC, I_ADM, I_HAS_ADM, I_ID, I_POINT, I_CUE, I_KIND, I_CC_LOCAL, I_ADM_LOCAL, I_NAMESAKE = range(10)
L_NAMESAKE = 4                      # KeyStatic.lists[L_NAMESAKE]: the I_NAMESAKE row
_KIND_CODE = {t: i for i, t in enumerate(FEATURE_TYPES)}
K_COUNTRY, K_ADMIN1 = _KIND_CODE[COUNTRY], _KIND_CODE[ADMIN1]
_NO_ADMIN1 = ("", None)             # the interned group of candidates without a first-level division (no real
#                                     (country, division) pair: a division's code is a string)


class Interner(dict):
    """Small integers for country codes and (country, division) pairs, shared by all keys."""

    def __missing__(self, k):
        v = self[k] = len(self)
        return v


@dataclass(slots=True)
class KeyStatic:
    """A key's candidates and everything about them that does not depend on the document."""
    places: tuple[Place, ...]
    X: np.ndarray          # (len(STATIC), n) float32 static features, a row per feature, read-only (a
    #                        document's XT starts as its keys' X side by side, zeros below)
    U: np.ndarray          # (n, 3) unit vectors of the candidates' points, read-only
    I: np.ndarray          # (10, n) int64: the I_* rows, read-only
    groups: tuple          # (one country?, its id, one division?, its id, countries, divisions)
    distinct: np.ndarray   # the countries and divisions its candidates lie in, each once
    lists: tuple           # the rows I_CC, I_ADM, I_ID, I_KIND, I_NAMESAKE as Python lists (for a few candidates,
    #                        plain Python costs less than numpy)
    cue_rows: dict = field(default_factory=dict)    # cue bits -> the (3, n) cue features (cue_block)
    by_importance: list | None = None                # the places, the most important first (Resolver._ranked)

    def cue_block(self, cue: int) -> np.ndarray:
        """The features cue_any, cue_agree and cue_disagree of the candidates when the key's
        mentions have these cue bits (at most 16 kinds of cue: cached)."""
        block = self.cue_rows.get(cue)
        if block is None:
            kinds = self.I[I_CUE].tolist()
            block = self.cue_rows[cue] = np.array([[cue != 0] * len(kinds), [cue & k != 0 for k in kinds],
                                                   [cue & ~k != 0 for k in kinds]], dtype=np.float32)
        return block


def prune(cands: tuple) -> tuple:
    """At most MAX_CANDIDATES candidates, in the index's order: every place that is not a town or
    a county (countries, divisions, seas: a name has few), then the towns and counties with the
    most people. A fixed prior, not a learned one; the ranker never sees the rest."""
    if len(cands) <= MAX_CANDIDATES:
        return cands
    prior = [(p.feature_type not in (CITY, ADMIN2), p.population) for p, _ in cands]
    keep = sorted(range(len(cands)), key=lambda j: prior[j], reverse=True)[:MAX_CANDIDATES]
    return tuple(cands[j] for j in sorted(keep))


_OWN_KEYS: dict[int, str] = {}      # place id -> name_key of its own name (the names that need name_key)


def _own_key(p: Place) -> str:
    """name_key of the place's own name. A name of printable ASCII without stray spaces (most of
    them) is its key lower-cased: no fold, no regex."""
    name = p.name
    if name.isascii() and name.isprintable() and "  " not in name and name[:1] != " " and name[-1:] != " ":
        return name.lower()
    k = _OWN_KEYS.get(p.id)
    if k is None:
        if len(_OWN_KEYS) > 200_000:
            _OWN_KEYS.clear()
        k = _OWN_KEYS[p.id] = name_key(name)
    return k


# Parts of a candidate's static features (STATIC's order) that depend on one field each, read
# from a table rather than worked out per candidate: the rows t_<kind> (one-hot) by kind, the
# f_* rows by posting flags, curated and naturalearth by source.
_KIND_ONE_HOT = {t: tuple(float(t == u) for u in FEATURE_TYPES) for t in FEATURE_TYPES}
_FEATURE_TYPE, _ID = attrgetter("feature_type"), attrgetter("id")
_SOURCE_ROWS = {"curated": (1.0, 0.0), "naturalearth": (0.0, 1.0)}
_NO_SOURCE_ROWS = (0.0, 0.0)


class _FlagRows(dict):
    """posting flags -> the rows f_primary, f_demonym, f_abbrev, f_alt, f_ambiguous, f_postal."""

    def __missing__(self, f: int) -> tuple:
        v = self[f] = tuple(float(f & bit != 0) for bit in (PRIMARY, DEMONYM, EXACT_CASE, ASCII_ALT, AMBIGUOUS, POSTAL))
        return v


_FLAG_ROWS = _FlagRows()


def key_static(key: str, cands: tuple, interner: Interner, importance, english=None) -> KeyStatic:
    """The document-independent features of one key's candidates (`cands` already pruned; the
    rows in STATIC's order, a column per candidate): one flat list of values, candidate by
    candidate, made a matrix by one numpy call."""
    english = english or {}
    if len(cands) == 1:
        return _lone_static(key, *cands[0], interner, importance, english)
    return _static(key, cands, interner, importance, english)


def _static(key: str, cands: tuple, interner: Interner, importance, english: dict) -> KeyStatic:
    """key_static of any number of candidates."""
    n = len(cands)
    places, flags = zip(*cands)
    own = [_own_key(p) for p in places]
    pops = [p.population for p in places]
    logpop = [math.log10(x + 1.0) for x in pops]
    top = max(logpop)
    rank = [0] * n
    for r, j in enumerate(sorted(range(n), key=pops.__getitem__, reverse=True)):   # (stable: ties in order)
        rank[j] = r
    kinds = set(map(_FEATURE_TYPE, places))
    # (a capital or a town competes with its country or division only when the key has both kinds)
    rivals = _rivals(places, logpop) if not kinds.isdisjoint(_TOWNS) and not kinds.isdisjoint(_AREAS_OF_TOWNS) \
        else repeat(_NO_RIVALS, n)
    log_n, log_cc = math.log(n), math.log(len({p.country_code for p in places}))
    values = []
    for p, f, o, lp, r, vs in zip(places, flags, own, logpop, rank, rivals):
        values += [*_KIND_ONE_HOT[p.feature_type], lp, min(r, 10), lp - top, r == 0, *_FLAG_ROWS[f],
                   # the place's own name, or an English name it is called beside it (Odessa for Odesa)
                   o == key or key in english.get(p.id, ()), o != key and o.startswith(key),
                   *_SOURCE_ROWS.get(p.source, _NO_SOURCE_ROWS), importance(p.id), log_n, log_cc, *vs]
    X = _packed(values, "f").reshape(n, len(STATIC)).T
    U = _packed(_units(places), "d").reshape(n, 3)
    return KeyStatic(places, X, U, *_key_ints(places, interner, key, own))


def _lone_static(key: str, p: Place, f: int, interner: Interner, importance, english: dict) -> KeyStatic:
    """key_static of a key with a single candidate (two keys in five): the same values, in fewer
    steps. It ranks first, has no population gap, and no rival of its own country or division."""
    o = _own_key(p)
    logpop = math.log10(p.population + 1.0)
    X = _packed([*_KIND_ONE_HOT[p.feature_type], logpop, 0, 0.0, 1, *_FLAG_ROWS[f],
                 o == key or key in english.get(p.id, ()), o != key and o.startswith(key),
                 *_SOURCE_ROWS.get(p.source, _NO_SOURCE_ROWS), importance(p.id), 0.0, 0.0, 0, 0, 0.0, 0], "f")
    intern = interner.__getitem__
    cc = intern(p.country_code or "-")
    adm = intern((p.country_code, p.admin1) if p.admin1 else _NO_ADMIN1)
    no_adm = intern(_NO_ADMIN1)
    point, cue, kind = _KIND_INTS[p.feature_type]
    has_adm = adm != no_adm             # (a place without a division is in the group _NO_ADMIN1)
    I = _packed([cc, adm, has_adm, p.id, point, cue, kind, 0, 0, -1], "q")
    distinct = _packed([cc, adm] if has_adm else [cc], "q")
    return KeyStatic((p,), X.reshape(-1, 1), _packed(_units((p,)), "d").reshape(1, 3), I.reshape(-1, 1),
                     (True, cc, has_adm, adm, 1, 1), distinct, ([cc], [adm], [p.id], [kind], [-1]))


_TOWNS, _AREAS_OF_TOWNS = frozenset((CITY, CAPITAL)), frozenset((COUNTRY, ADMIN1, ADMIN2))
_NO_RIVALS = (False, False, 0.0, False)


def _rivals(places: tuple[Place, ...], logpop: list[float]) -> list[tuple]:
    """Per candidate, the features capital_vs_country, country_vs_capital, division_vs_city and
    city_vs_division: a capital competing with its own country ("Mexico"), a division with its
    own biggest city ("Tokyo": that city's log population)."""
    countries = {p.country_code for p in places if p.feature_type == COUNTRY}
    capitals = {p.country_code for p in places if p.feature_type == CAPITAL}
    big_city: dict = {}
    for j, p in enumerate(places):
        if p.feature_type in (CITY, CAPITAL):
            k = (p.country_code, p.admin1)
            big_city[k] = max(big_city.get(k, 0.0), logpop[j])
    divisions = {(p.country_code, p.admin1) for p in places if p.feature_type in (ADMIN1, ADMIN2)}
    out = []
    for p in places:
        ft, region = p.feature_type, (p.country_code, p.admin1)
        out.append((ft == CAPITAL and p.country_code in countries, ft == COUNTRY and p.country_code in capitals,
                    big_city.get(region, 0.0) if ft in (ADMIN1, ADMIN2) else 0.0,
                    ft in (CITY, CAPITAL) and region in divisions))
    return out


_PACKED_DTYPES = {"f": np.float32, "d": np.float64, "q": np.int64}


def _packed(values: list, code: str) -> np.ndarray:
    """A read-only array of `values` (numbers) as the struct type `code` ("f" float32, "d" float64,
    "q" int64): the same values as np.array(values, dtype), made faster (struct converts a
    number for less than numpy does, and reading bytes costs numpy little)."""
    return np.frombuffer(struct.pack(f"{len(values)}{code}", *values), _PACKED_DTYPES[code])


def _units(places) -> list[float]:
    """The places' points' unit vectors, one after another (dot products of two are the cosines
    of the angles between them)."""
    radians, cos, sin = math.radians, math.cos, math.sin
    out = []
    for p in places:
        la, lo = radians(p.lat), radians(p.lon)
        cos_la = cos(la)
        out += (cos_la * cos(lo), cos_la * sin(lo), sin(la))
    return out


# per kind of place: is it a point (I_POINT), its cue bits (I_CUE), its code (I_KIND)
_KIND_INTS = {t: (t in _POINT_TYPES, KIND_CUE_BITS[t], _KIND_CODE[t]) for t in FEATURE_TYPES}


def _key_ints(places: tuple[Place, ...], interner: Interner, key: str = "", own=None) -> tuple:
    """The integer rows of a key's candidates, its country and division groups, and the countries
    and divisions its candidates lie in (`own`: the candidates' _own_key, when known). Few Python
    steps per candidate: C-level map() where it serves."""
    intern = interner.__getitem__       # (faster than interner[...]: a dict subclass's [] goes through a slot)
    cc = [intern(p.country_code or "-") for p in places]
    adm = [intern((p.country_code, p.admin1) if p.admin1 else _NO_ADMIN1) for p in places]
    no_adm = intern(_NO_ADMIN1)
    # the row's country and division among the key's own, numbered in order of first appearance
    cc_local = dict(zip(dict.fromkeys(cc), range(len(cc))))
    adm_local = dict(zip(dict.fromkeys(adm), range(len(adm))))
    kind_names = list(map(_FEATURE_TYPE, places))
    namesake = [-1] * len(places)
    if ADMIN1 in kind_names or ADMIN2 in kind_names:    # (only a division has a namesake town)
        namesake = _namesakes(places, key, own)
    ids = list(map(_ID, places))
    has_adm = list(map(no_adm.__ne__, adm))     # (a place without a division is in the group _NO_ADMIN1)
    points, cues, kinds = zip(*map(_KIND_INTS.__getitem__, kind_names))
    I = _packed([*cc, *adm, *has_adm, *ids, *points, *cues, *kinds, *map(cc_local.__getitem__, cc),
                 *map(adm_local.__getitem__, adm), *namesake], "q").reshape(10, -1)
    one_cc, one_adm = len(cc_local) == 1, len(adm_local) == 1 and all(has_adm)
    distinct = [*cc_local, *adm_local]     # (the interner numbers countries and divisions apart)
    if no_adm in adm_local:
        distinct.remove(no_adm)
    return I, (one_cc, cc[0], one_adm, adm[0], len(cc_local), len(adm_local)), _packed(distinct, "q"), (cc, adm, ids, list(kinds), namesake)


def _namesakes(places: tuple[Place, ...], key: str, own=None) -> list[int]:
    """"New York": a division's namesake main town, the first big town in the same division whose own
    name starts with the key (not Rio Grande for Rio Grande do Sul); -1 for none (and for a town)."""
    own = own or [_own_key(p) for p in places]
    town_in: dict = {}
    for i, c in enumerate(places):
        if c.feature_type in (CITY, CAPITAL) and c.population >= 50_000 and own[i].startswith(key):
            town_in.setdefault((c.country_code, c.admin1), i)
    return [town_in.get((p.country_code, p.admin1), -1) if p.feature_type in (ADMIN1, ADMIN2) else -1
            for p in places]


# --- the key's mentions in this text ---------------------------------------------------------
_CAP_WORDS = re.compile(r"(?:the\s)?((?:[A-Z][\w.'\-]*)(?:\s[A-Z][\w.'\-]*){0,3})")
_COMMA_GAP = re.compile(r",\s{1,3}")
_IN_GAP = re.compile(r",?\s{1,2}in\s{1,2}(?:the\s{1,2})?")
_POSSESSIVE_GAP = re.compile(r"['\u2019]s\s{1,2}$")


@dataclass(slots=True)
class Containers:
    """The countries and first-level divisions a phrase can name ("La.", "Texas", "South West
    England" -> England): (label, rows (country, admin1 or "", place id, name), and the same
    interned (country, division or -1, place id)); cached."""
    gaz: object
    interner: Interner
    _cache: dict = field(default_factory=dict)

    def __call__(self, phrase: str, after_comma: bool) -> tuple:
        hit = self._cache.get((phrase, after_comma))
        if hit is None:
            label, out = self._find(phrase, after_comma)
            interned = tuple((self.interner[cc], self.interner[(cc, adm)] if adm else -1, pid)
                             for cc, adm, pid, _ in out)
            hit = (label, out, interned)
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


def cue_bits(text: str, m: Mention) -> int:
    """The cue-word groups beside a mention ("Nyanza province", "the city of X") or inside it
    ("Lake Victoria", "Kent County"), as a bit mask (0: none)."""
    if " " in m.text:
        words = m.text.lower().split()
        cue = words[0] if words[0] in CUE_BIT else words[-1]
        bits = CUE_BIT.get(cue, 0)
        if bits in _NAMESAKE_BITS and m.key and cue not in m.key.split():
            # "Manila Bay" read as Manila, "Okushiri Island" as the town of Okushiri: the bay or
            # island is named after the town (or holds it); no town is a bay, and that says nothing
            return 0
        if bits:
            return bits
    after = _CUE_AFTER.match(text, m.end, m.end + 20)
    if after:
        bits = CUE_BIT.get(after.group(1).lower(), 0)
        if bits:
            return bits
    if "of" in text[max(0, m.start - 8):m.start]:
        before = _CUE_BEFORE.search(text, max(0, m.start - 24), m.start)
        if before and not _NAMED_BEFORE.search(text, max(0, before.start(1) - 30), before.start(1)):
            return CUE_BIT.get(before.group(1).lower(), 0)
    return 0


@dataclass(slots=True)
class Pattern:
    """A containment pattern of one mention: "X, Y" / "X in Y" / "Y's X" (Y holds some of X's
    candidates, column `col`), or "X, Y" where Y is a mention itself (Y's candidates that hold
    one of X's: column holds_prev, `inner` the key of X)."""
    mention: int
    key: int
    col: int
    note: str
    containers: tuple = ()          # interned (country, division or -1, place id) of each container
    inner: int = -1
    held: np.ndarray | None = None  # over the key's candidates, filled by `document`
    listing: bool = False           # Y is a country the text names as a place of its own ("Mexico, the US and
    #                                 Canada"): as likely a list as a containment


@dataclass(slots=True)
class Evidence:
    """What the mentions of a text say, per key: mentions (log), first position, all capitals,
    demonym, cue bits, mentions; and the containment patterns."""
    per_key: list[list]             # K rows of 6
    patterns: list[Pattern]
    cued: bool                      # some mention has a cue word


def mention_evidence(text: str, mentions: list[Mention], key_index: list[int], K: int,
                     containers: Containers) -> Evidence:
    """One pass over the mentions: a few string tests each, no work per candidate."""
    per_key = [[0, 1.0, 0, 0, 0, 0] for _ in range(K)]
    patterns: list[Pattern] = []
    n = max(1, len(text))
    for i, (m, k) in enumerate(zip(mentions, key_index)):
        if k < 0:
            continue
        row = per_key[k]
        row[5] += 1
        row[1] = min(row[1], m.start / n)
        row[2] |= m.text.isupper() and len(m.text) > 3
        row[3] |= m.kind == "demonym"
        row[4] |= cue_bits(text, m)
        after = text[m.end:m.end + 6]
        if after[:1] == "," or "in" in after:        # (the only gaps _patterns_after reads)
            _patterns_after(text, mentions, key_index, i, containers, patterns, after)
        prev = mentions[i - 1] if i > 0 else None
        if prev is not None and m.start - prev.end <= 4 and _POSSESSIVE_GAP.match(text[prev.end:m.start]):
            _, cons, interned = containers(prev.text, False)
            if cons:
                patterns.append(Pattern(i, k, COLUMN["held_possessive"],
                                        f"in {cons[0][3]}, as '{prev.text}'s {m.text}' says", interned))
    cued = False
    for row in per_key:
        row[0] = math.log(row[5])
        cued |= row[4] != 0
    return Evidence(per_key, patterns, cued)


def _patterns_after(text: str, mentions, key_index, i: int, containers: Containers, out: list, after: str) -> None:
    """"X, Y" and "X in Y" after mention i: Y (capitalised words) names a country or division
    (`after`: the 6 characters after the mention)."""
    m, k = mentions[i], key_index[i]
    tries = ((COLUMN["held_comma"], _COMMA_GAP, True),) if after[:1] == "," else ()
    if "in" in after:
        tries += ((COLUMN["held_in"], _IN_GAP, False),)
    for col, rx, comma in tries:
        gap = rx.match(text, m.end, m.end + 12)
        words = gap and _CAP_WORDS.match(text, gap.end())
        if not words or name_key(words.group(1)) == (m.key or name_key(m.text)):
            continue            # "Seoul, Seoul": no name holds itself
        _, cons, interned = containers(words.group(1), comma)
        if not cons:
            continue
        said = f"{m.text}{text[m.end:words.end(1)]}"
        named = i + 1 < len(mentions) and mentions[i + 1].start == words.start(1)
        listing = named and not any(adm for _, adm, _, _ in cons)
        # the gazetteer's name of the container when the words name one place, else the words
        # ("Moscow" is the federal city or the oblast: which one holds the place is chosen later)
        where = cons[0][3] if all(c[3] == cons[0][3] for c in cons) else words.group(1)
        out.append(Pattern(i, k, col, f"in {where}, as '{said}' says", interned, listing=listing))
        if comma and named and key_index[i + 1] >= 0:
            out.append(Pattern(i + 1, key_index[i + 1], COLUMN["holds_prev"],
                               f"holds {m.text}, as '{said}' says", inner=k, listing=listing))


# --- the document ------------------------------------------------------------------------------
@dataclass(slots=True)
class Document:
    key_index: list[int]          # per mention: its key, -1 when the gazetteer lacks the name
    statics: list[KeyStatic]
    starts: np.ndarray = None     # (K + 1,) first row of each key
    key_of: np.ndarray = None     # (N,) key of each row
    weight: np.ndarray = None     # (K,) mentions of each key
    I: np.ndarray = None          # (10, N) the I_* rows
    U: np.ndarray = None          # (N, 3) unit vectors
    XT: np.ndarray = None         # (len(FEATURES2), N) float32: a row per feature, a column per candidate
    patterns: list = field(default_factory=list)
    cued: bool = False            # some mention has a cue word
    own: np.ndarray = None        # (2, N) the row's country and division group among its own key's rows
    row_weight: np.ndarray = None  # (N,) mentions of the row's key
    C: np.ndarray = None          # (N, N) cosines of the angles between candidates; _OWN within a name
    mentions: float = 0.0         # the mentions of all keys
    others: np.ndarray = None     # (N,) the mentions of the other keys than the row's, at least 1
    starts_list: list = None      # starts, as a list

    @property
    def X1(self) -> np.ndarray:
        """(N, len(FEATURES1)): the stage-1 features, a row per candidate."""
        return self.XT[:len(FEATURES1)].T

    def rows(self, k: int) -> slice:
        return slice(int(self.starts[k]), int(self.starts[k + 1]))


def document(text: str, mentions: list[Mention], key_index: list[int], statics: list[KeyStatic],
             containers: Containers, n_groups: int) -> Document:
    """A text's candidate rows and their stage-1 features (`n_groups`: the interner's size)."""
    K = len(statics)
    if not K:
        return Document(key_index, statics, XT=np.zeros((len(FEATURES2), 0), dtype=np.float32))
    ev = mention_evidence(text, mentions, key_index, K, containers)
    # per key, besides its mentions' evidence: where its country and division groups start in the
    # document's numbering of them (its own rows' groups), and its weight where it is unambiguous
    sizes, starts, unambiguous, weights = [], [0], [], []
    at_cc, at_adm = 0, sum(ks.groups[4] for ks in statics)
    total = sum(row[5] for row in ev.per_key)       # mentions of all the keys (an integer: exact)
    for ks, row in zip(statics, ev.per_key):
        one_cc, cc0, one_adm, adm0, g_cc, g_adm = ks.groups
        w = row[5]
        # (the mentions of the other keys, at least 1, divide the row's expected mentions in stage 2)
        row += (at_cc, at_adm, w * one_cc, w * one_adm, max(float(total - w), 1.0))
        unambiguous += (cc0, adm0)
        weights += (w * one_cc, w * one_adm)
        at_cc, at_adm = at_cc + g_cc, at_adm + g_adm
        sizes.append(len(ks.places))
        starts.append(starts[-1] + sizes[-1])
    starts_list, starts = starts, np.array(starts)
    key_of = np.arange(K).repeat(sizes)
    # the keys' rows, a row per value (fromiter: no nested lists to inspect), each key's repeated over its candidates
    per_key = np.fromiter(chain.from_iterable(ev.per_key), np.float64, K * len(ev.per_key[0])).reshape(K, -1).T
    per_row = per_key.take(key_of, axis=1)
    I = np.concatenate([ks.I for ks in statics], axis=1)
    XT = np.zeros((len(FEATURES2), starts_list[-1]), dtype=np.float32)
    np.concatenate([ks.X for ks in statics], axis=1, out=XT[:len(STATIC)])
    doc = Document(key_index, statics, starts, key_of, per_key[5], I, np.concatenate([ks.U for ks in statics]),
                   XT, ev.patterns, ev.cued,
                   I[I_CC_LOCAL:I_ADM_LOCAL + 1] + per_row[6:8].astype(np.int64), per_row[5], mentions=float(total),
                   others=per_row[10], starts_list=starts_list)
    S = len(STATIC)
    XT[S:S + 4] = per_row[:4]
    if doc.cued:
        np.concatenate([ks.cue_block(row[4]) for ks, row in zip(statics, ev.per_key)], axis=1, out=XT[S + 4:S + 7])
    if ev.patterns:
        _pattern_features(doc)
    _doc_features(doc, np.bincount(unambiguous, weights, minlength=n_groups), per_row[8:10], sum(weights[0::2]),
                  n_groups)
    return doc


def _pattern_features(doc: Document) -> None:
    """The rows each containment pattern holds (and its column set to 1). In plain Python: a key
    has a few candidates and a pattern one to three containers."""
    XT = doc.XT
    for pat in doc.patterns:
        cc, adm, pid, kind = doc.statics[pat.key].lists[:4]
        if pat.inner < 0:       # the key's candidates lying in one of the containers
            held = [any(c == c2 and (a2 < 0 or a == a2) and i != i2 for c2, a2, i2 in pat.containers)
                    for c, a, i in zip(cc, adm, pid)]
        else:                   # the key's countries and divisions holding one of the inner key's places
            inner = tuple(zip(*doc.statics[pat.inner].lists[:3]))
            held = [(k == K_COUNTRY or k == K_ADMIN1)
                    and any(c == c2 and (k == K_COUNTRY or a == a2) and i != i2 for c2, a2, i2 in inner)
                    for c, a, i, k in zip(cc, adm, pid, kind)]
        pat.held = np.array(held, dtype=bool)
        first = doc.starts_list[pat.key]
        for j, h in enumerate(held):
            if h:
                XT[pat.col, first + j] = 1.0


def _doc_features(doc: Document, unambiguous: np.ndarray, own: np.ndarray, total: float, n_groups: int) -> None:
    """Stage 1: the countries and divisions the unambiguous names point to (names whose every
    candidate lies in one country, or one division; `unambiguous`: their mentions by group, `own`:
    the row's own name's part in it, `total`: theirs in all countries), other names than the
    row's own; how many other names have
    some candidate in the row's country and division, and the distance to the nearest candidate
    of another name (whatever those names turn out to mean)."""
    I, XT, key_of = doc.I, doc.XT, doc.key_of
    groups = I[I_CC:I_ADM + 1]
    c = COLUMN["u_cc"]
    # (a row without a division is in the group _NO_ADMIN1, which no name is unambiguous in and
    # no name's `distinct` holds: its u[1] and some[1] are 0 with no mask)
    u = unambiguous[groups] - own
    # (computed in float64 and assigned: a ufunc writing float32 out= takes numpy's slow buffered path)
    XT[c:c + 2] = np.log1p(u)
    XT[c + 2] = np.log1p(total - own[0] - u[0])
    XT[c + 3] = math.log1p(doc.mentions)
    some = np.bincount(np.concatenate([ks.distinct for ks in doc.statics]), minlength=n_groups)[groups]
    XT[c + 4:c + 6] = np.log(np.maximum(some, 1))      # less the row's own name
    cos = doc.U @ doc.U.T
    cos.clip(-1.0, 1.0, out=cos)
    for a, b in zip(doc.starts_list, doc.starts_list[1:]):
        cos[a:b, a:b] = _OWN                           # the row's own name
    doc.C = cos
    XT[c + 6] = np.minimum(np.log1p(_nearest_km(cos)), _FAR)


# (the distances are read from the cosines: arccos is monotone, so the nearest is the arccos of the
# largest cosine, and "within 161 km" a cosine above cos(161 km), with one arccos a row instead of
# one a pair: the same doubles as arccos of every pair)
_OWN = -2.0                     # no pair's cosine: the pairs of a name's own candidates


def _nearest_km(cos: np.ndarray) -> np.ndarray:
    """Per row, the km to the nearest column's candidate (inf when every column is the row's own name)."""
    top = cos.max(axis=1)
    km = np.arccos(np.maximum(top, -1.0)) * EARTH_KM
    km[top == _OWN] = np.inf
    return km


def _within_km(cos: np.ndarray, km: float) -> np.ndarray:
    """Which pairs lie less than `km` apart: by the cosine, and where it is within a hair of the
    limit by the arccos itself (the same answer as `arccos(cos) * EARTH_KM < km` for every pair)."""
    limit = math.cos(km / EARTH_KM)
    inside = cos > limit + 1e-9
    edge = (cos >= limit - 1e-9) & ~inside
    if edge.any():
        inside[edge] = np.arccos(cos[edge]) * EARTH_KM < km
    return inside


def stage2_features(doc: Document, s1: np.ndarray, n_groups: int) -> None:
    """What stage 1 believes about the other names, into doc.XT: the expected number of their
    mentions in the row's country and division, and the distances to their most likely places."""
    kof, I, XT, lo = doc.key_of, doc.I, doc.XT, doc.starts[:-1]
    top = np.maximum.reduceat(s1, lo)[kof]
    gap = s1 - top
    p1 = np.exp(gap)
    p1 /= np.add.reduceat(p1, lo)[kof]
    c = COLUMN["s1"]
    XT[c] = s1
    XT[c + 1] = gap
    XT[c + 2] = top
    XT[c + 3] = p1
    # expected mentions of the other names in the row's country and division: the groups' totals
    # less the row's own name's rows in them (its groups numbered across the document in doc.own)
    contrib = p1 * doc.row_weight
    both = np.concatenate((contrib, contrib))
    e = np.bincount(I[I_CC:I_ADM + 1].ravel(), both, minlength=n_groups)[I[I_CC:I_ADM + 1]] \
        - np.bincount(doc.own.ravel(), both)[doc.own]
    e[1] *= I[I_HAS_ADM]
    XT[c + 4:c + 6] = np.log1p(e)
    XT[c + 6] = e[0] / doc.others
    # the other names' most likely places (those that stand for a point): how many lie within
    # 161 km (each counted by its probability), and the distance to the nearest more likely than not
    best = (gap == 0) & (I[I_POINT] > 0)
    XT[c + 7] = _within_km(doc.C, 161.0) @ (p1 * best)
    sure = best & (p1 >= 0.5)
    if sure.any():
        XT[c + 8] = np.minimum(np.log1p(_nearest_km(doc.C[:, sure])), _FAR)
    else:
        XT[c + 8] = _FAR


def haversine_km(lat1, lon1, lat2, lon2):
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))


# --- the model ---------------------------------------------------------------------------------
_DEPTH = 4
_NODES, _LEAVES = 2 ** _DEPTH - 1, 2 ** _DEPTH


def _leaf_table() -> np.ndarray:
    """Leaf reached in a complete tree of depth 4 (nodes in heap order, 0 the root) for each of
    the 2^15 sets of decisions (bit h: node h sends the row right)."""
    code = np.arange(2 ** _NODES)
    h = np.zeros_like(code)
    for _ in range(_DEPTH):
        h = 2 * h + 1 + ((code >> h) & 1)
    return (h - _NODES).astype(np.uint8)


_LEAF = _leaf_table()
_TREEWALK = treewalk()      # the same sums as C loops, when built
_BITS = (1 << np.arange(_NODES)).astype(np.float32)


class Forest:
    """Gradient-boosted trees padded to complete trees of depth 4: per tree, 15 split nodes in heap
    order (feature, threshold; a row goes right when its value > threshold) and 16 leaf values.
    Evaluated for all rows and all trees at once: every distinct test in one comparison, each
    tree's 15 decisions packed into one number, and a table from that number to the leaf."""

    def __init__(self, feature, threshold, value, bias: float = 0.0):
        self.feature = np.asarray(feature, dtype=np.int64).reshape(-1, _NODES)
        self.threshold = np.asarray(threshold, dtype=np.float64).reshape(-1, _NODES)
        self.value = np.asarray(value, dtype=np.float64).reshape(-1, _LEAVES)
        self.bias = float(bias)
        self.trees = T = len(self.feature)
        # float32 features: a threshold rounded down to float32 sends every float32 value the same way
        low = self.threshold.astype(np.float32)
        over = low.astype(np.float64) > self.threshold
        low[over] = np.nextafter(low[over], np.float32(-np.inf))
        # The trees test far fewer distinct (feature, threshold) pairs than they have nodes: each
        # test is made once per row and each node reads its test's answer (a padding node's
        # threshold, +inf, no value exceeds). Node h of every tree is one block of rows, so one
        # product with the nodes' bit values packs each tree's 15 decisions into one number.
        tests: dict[tuple[int, float], int] = {}
        node_test = [tests.setdefault((int(f), float(x)), len(tests))
                     for h in range(_NODES) for f, x in zip(self.feature[:, h], low[:, h])]
        self._test_feature = np.array([f for f, _ in tests], dtype=np.intp)
        self._test_threshold = np.array([x for _, x in tests], dtype=np.float32).reshape(-1, 1)
        self._node_test = np.array(node_test, dtype=np.intp)
        self._flat_value = self.value.ravel()
        self._leaf_offset = (np.arange(T, dtype=np.int64) * _LEAVES)[:, None]
        # the same trees for the C loops (gazetteer/treewalk.pyx), when built
        self._walker = None if _TREEWALK is None else _TREEWALK.CompleteTrees(
            np.ascontiguousarray(self.feature, dtype=np.intp), np.ascontiguousarray(low),
            np.ascontiguousarray(self.value), self.bias)

    def columns(self, XT: np.ndarray) -> np.ndarray:
        """Scores of the rows of a (features, rows) matrix."""
        n = XT.shape[1]
        if n == 0 or not self.trees:
            return np.full(n, self.bias)
        if self._walker is not None:
            return self._walker.columns(XT)
        right = np.greater(XT.take(self._test_feature, axis=0), self._test_threshold).astype(np.float32)
        decisions = right.take(self._node_test, axis=0).reshape(_NODES, self.trees * n)
        leaf = _LEAF.take((_BITS @ decisions).astype(np.intp)).reshape(self.trees, n) + self._leaf_offset
        scores = self._flat_value.take(leaf).sum(axis=0)
        scores += self.bias
        return scores

    def __call__(self, X: np.ndarray) -> np.ndarray:
        """Scores of the rows of a (rows, features) matrix."""
        return self.columns(np.ascontiguousarray(np.asarray(X, dtype=np.float32).T))

    def arrays(self, prefix: str) -> dict:
        return {prefix + "feature": self.feature.astype(np.int16), prefix + "threshold": self.threshold,
                prefix + "value": self.value, prefix + "bias": np.array(self.bias)}

    @classmethod
    def from_arrays(cls, z, prefix: str) -> "Forest":
        return cls(z[prefix + "feature"], z[prefix + "threshold"], z[prefix + "value"], float(z[prefix + "bias"]))

    @classmethod
    def from_lightgbm(cls, dump: dict) -> "Forest":
        """From `Booster.dump_model()` (numerical splits, `<=` goes left, no missing values; depth
        at most 4). A leaf above depth 4 fills all the leaf slots below it."""
        T = len(dump["tree_info"])
        feature = np.zeros((T, _NODES), dtype=np.int64)
        threshold = np.full((T, _NODES), np.inf)
        value = np.zeros((T, _LEAVES))

        def add(t: int, node: dict, h: int, depth: int, first: int) -> None:
            if "split_feature" not in node:
                value[t, first:first + 2 ** (_DEPTH - depth)] = node.get("leaf_value", 0.0)
                return
            if depth >= _DEPTH:
                raise ValueError(f"trees deeper than {_DEPTH} cannot be exported; set max_depth")
            assert node["decision_type"] == "<=", node["decision_type"]
            feature[t, h], threshold[t, h] = node["split_feature"], node["threshold"]
            half = 2 ** (_DEPTH - depth - 1)
            add(t, node["left_child"], 2 * h + 1, depth + 1, first)
            add(t, node["right_child"], 2 * h + 2, depth + 1, first + half)

        for t, tree in enumerate(dump["tree_info"]):
            add(t, tree["tree_structure"], 0, 0, 0)
        return cls(feature, threshold, value)


class Model:
    """The two stages, each a `Forest`."""

    def __init__(self, stage1: Forest, stage2: Forest, reject: float = -math.inf) -> None:
        self.stage1, self.stage2 = stage1, stage2
        self.reject = reject      # a name whose best candidate scores below this fits none of them

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> "Model":
        with np.load(path) as z:
            if [str(x) for x in z["features2"]] != FEATURES2 or "s1_bias" not in z:
                raise ValueError(f"{path} was trained on other features; run scripts/train_resolver.py")
            return cls(Forest.from_arrays(z, "s1_"), Forest.from_arrays(z, "s2_"), float(z["reject"]))

    def save(self, path: Path = MODEL_PATH, **extra) -> None:
        np.savez_compressed(path, features2=np.array(FEATURES2), reject=np.array(self.reject),
                            **self.stage1.arrays("s1_"), **self.stage2.arrays("s2_"), **extra)

    def score(self, doc: Document, n_groups: int, cols=(), vals=None) -> np.ndarray:
        """Stage-2 scores (log-odds) of every row; doc.XT gets the stage-2 features. `cols`, `vals`:
        features set to these values (evidence switched off)."""
        XT = doc.XT
        if len(cols):
            XT[cols] = vals[:, None]
        stage2_features(doc, self.stage1.columns(XT[:len(FEATURES1)]), n_groups)
        if len(cols):
            XT[cols] = vals[:, None]
        return self.stage2.columns(XT)
