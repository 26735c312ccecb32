"""Event-location linking: which spans of a sentence name where one event happened.

Given a sentence, an event trigger in it ("killed", "shelled", "marched") and the place names
the sentence holds, the linker returns the spans that say WHERE that event took place, possibly
none: in "Shelling hit a bus in Donetsk on Thursday, killing eight people, officials in Kyiv
said." the killing happened in Donetsk, not in Kyiv, where the officials spoke.

Two plain steps, each a function over plain data:

    cands = candidate_spans(text, s.start, s.end, resolutions)            # once per sentence
    links = link_locations(text, s.start, s.end, t_start, t_end, cands)    # once per trigger
    # -> [(start, end, probability), ...], in text order

Candidates come from two sources, because news names many places no gazetteer holds ("at her
Reshimbagh residence", "the Dara'a Al-Balad District", villages): the recogniser's mentions, and
every run of capitalised words ("Deir Ezzor Military Airport", "Sheikh Sa'eed District",
"al-Asafir"), split at "and", commas, weekdays and possessives. A candidate that a mention
overlaps carries the mention's kind and its resolved feature type; on Halterman's (2019)
sentences the runs reach 99% of the gold location tokens, the recogniser's mentions alone 45%.

Each candidate gets a few dozen named features read with plain Python from the one sentence:
where it stands relative to the trigger, the preposition before it ("in", "of" after "the town"),
the words after it ("said", "district", "fighters"), what lies between (a speech verb, a comma,
a clause word, other names), whether it is one name of a list or a place inside another, its
shape and kind, and the trigger's kind of event. Two gradient-boosted tree ensembles score them:
the first alone, the second again with how each candidate's first score compares with the
others' (`stack_features`), since usually one place, or one list of places, is where the event
happened. The trees are flat arrays in ``geo/data/event_linker.json``, written by
``scripts/train_event_linker.py`` (which calls `candidate_features`, so training and use share
one definition) and evaluated with numpy: no learning library at run time. This module imports
only the standard library, numpy and ``gazetteer``, and keeps no state but the loaded model and
the last sentence's tokens.
"""
from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).resolve().parent / "data" / "event_linker.json"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A span that may name where an event happened.

    `kind` is the recogniser's ("toponym", "demonym", "embedded") when a mention covers the span,
    else "name" (a capitalised run the gazetteer does not know). `feature_type` is the resolved
    place's coarse type ("city", "country", "admin1"…), "" when unresolved or unknown.
    """
    start: int
    end: int
    text: str
    kind: str = "name"
    feature_type: str = ""


# ---------------------------------------------------------------- tokens

# a word (with inner hyphens and apostrophes: "Al-Bab", "Sa'eed", but not a possessive "'s"),
# dotted initials ("U.S."), a possessive, or one other non-space character
_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|['’][sS]\b|['’‘`]?\w+(?:-?['’‘`](?![sS]\b)\w+|-\w+)*|[^\w\s]")
# the Arabic article written in lower case before a capitalised name: "al-Assad", "ez-Zor"
_ARTICLE = re.compile(r"(?:al|el|ul|ad|ar|as|ash|at|az|an|ad|ed|er|es|et|ez|en|d|l)[-'’‘][^\W\d_]")
_WEEKDAYS_MONTHS = frozenset("""monday tuesday wednesday thursday friday saturday sunday january february
march april may june july august september october november december jan feb mar apr jun jul aug sep sept
oct nov dec""".split())
# lower-case words inside a name: "Dar es Salaam", "Sheikh bin Zayed", "Rio de Janeiro"
_CONNECTORS = frozenset("al el ul ad ar as ash at az an ed er es et ez en de del della da di do dos das du la le "
                        "les van von der den y bin ibn bint".split())
# "X of Y" is one name only after these: "Sea of Japan", "Republic of Korea", "Isle of Man"
_OF_HEADS = frozenset("sea gulf bay isle isles strait straits republic kingdom cape lake mount port islands "
                      "island emirate sultanate principality commonwealth".split())
_NUMBERED = frozenset("hill highway route road point base project camp checkpoint gate sector block".split())
_ABBREV_DOT = frozenset("st mt ft ste pt".split())
# a capitalised word that starts a sentence or run but is no name: "The", "After", "In"
_FUNCTION = frozenset("""a an the in at on for to from as but and or if when while after before since with by of
it its this that these those there here he she they we you his her their our my what who where why how meanwhile
however yet so then also both all some many most more other each every no not only just even still last next first
according despite during under over into about between among against without within because although though until
unless once now today yesterday tomorrow earlier later instead whether is are was were be has have had do does
did will would can could should may might must one two three four five several i""".split())


class _Tok:
    """One token of a sentence, with what every later step asks of it."""
    __slots__ = ("start", "end", "text", "low", "name", "cls")

    def __init__(self, start: int, end: int, text: str, low: str, name: bool, cls: str) -> None:
        self.start = start
        self.end = end
        self.text = text
        self.low = low
        self.name = name          # may be part of a name: capitalised, "al-Assad", a script without case
        self.cls = cls            # `_word_class`


_last_tokens: tuple = ((), [], [])
_MARKS = frozenset("-'’‘`")


def _tokens(text: str, start: int, end: int) -> list[_Tok]:
    return _tokenize(text, start, end)[0]


def _tokenize(text: str, start: int, end: int) -> tuple[list[_Tok], list[int]]:
    """The sentence's tokens and their start offsets; the last sentence's are kept, since
    `candidate_spans` and `link_locations` (once per trigger) read the same sentence."""
    global _last_tokens
    key, toks, starts = _last_tokens
    if key == (start, end, text):
        return toks, starts
    toks = []
    starts = []
    class_of = _CLASS_OF.get
    for m in _TOKEN.finditer(text, start, end):
        w = m.group()
        low = w.lower()
        c = w[1] if w[0] in "'’‘`" and len(w) > 1 else w[0]
        if c.isupper() or (c.isalpha() and not c.islower()):
            name = True
        else:       # "al-Assad", "ez-Zor": a lower-case article before a name
            name = (w[1:2] in _MARKS or w[2:3] in _MARKS or w[3:4] in _MARKS) and _ARTICLE.match(w) is not None
        s = m.start()
        toks.append(_Tok(s, m.end(), w, low, name, class_of(low) or _word_class(low, name)))
        starts.append(s)
    _last_tokens = ((start, end, text), toks, starts)
    return toks, starts


def _run_end(text: str, toks: list[_Tok], i: int) -> int:
    """Index past the last token of the capitalised run that starts at token i."""
    n = len(toks)
    j = i + 1
    while j < n:
        prev, nxt = toks[j - 1], toks[j]
        gap = text[prev.end:nxt.start]
        if gap not in ("", " ", "\xa0"):
            break
        if nxt.name and nxt.low not in _WEEKDAYS_MONTHS and not (gap == "" and prev.name):
            j += 1
            continue
        if nxt.text == "." and prev.low in _ABBREV_DOT and j + 1 < n and toks[j + 1].name:
            j += 2      # "St. Louis"
            continue
        if j + 1 < n and toks[j + 1].name and text[nxt.end:toks[j + 1].start] == " " and (
                nxt.low in _CONNECTORS or (nxt.low == "of" and prev.low in _OF_HEADS)):
            j += 2      # "Dar es Salaam", "Sea of Japan"
            continue
        break
    return j


def _runs(text: str, toks: list[_Tok]) -> list[tuple[int, int]]:
    """Token ranges of capitalised runs, without weekdays and months ("Toronto Saturday" ->
    "Toronto") and without a function word that is capitalised only because it starts the
    sentence or a quotation ("The", "In")."""
    out = []
    i, n = 0, len(toks)
    while i < n:
        t = toks[i]
        if not t.name or t.low in _WEEKDAYS_MONTHS or t.low in _FUNCTION and (i == 0 or not toks[i - 1].text.isalnum()):
            i += 1
            continue
        j = _run_end(text, toks, i)
        while j > i + 1 and toks[j - 1].low in _CONNECTORS:
            j -= 1
        if j < n and toks[j - 1].low in _NUMBERED and toks[j].text.isdigit() \
                and text[toks[j - 1].end:toks[j].start] == " ":
            j += 1      # "Hill 30", "Highway 1"
        out.append((i, j))
        i = j
    return out


def candidate_spans(text: str, sentence_start: int, sentence_end: int, mentions: Iterable = ()) -> list[Candidate]:
    """The spans of one sentence that may name where its events happened.

    `mentions` are the recogniser's mentions (``gazetteer.model.Mention``) or the resolver's
    ``Resolution``s of them (which add the place's feature type); mentions outside the sentence
    are skipped, but pass the sentence's own, not the whole document's, so the cost stays per
    sentence. Every capitalised run is a candidate, with the kind and feature type of
    the mention that overlaps it most; a mention outside every run (a lower-case name, a word in
    a script without case) is a candidate of its own.
    """
    toks = _tokens(text, sentence_start, sentence_end)
    inside = []
    for x in mentions:
        m = getattr(x, "mention", x)
        if sentence_start <= m.start and m.end <= sentence_end:
            if m.kind == "toponym" and not m.key:
                continue        # a name the gazetteer lacks ("the village of X"): a capitalised run, as trained
            place = getattr(x, "place", None)
            inside.append((m.start, m.end, m.kind, place.feature_type if place is not None else ""))
    used = set()
    out = []
    for i, j in _runs(text, toks):
        s, e = toks[i].start, toks[j - 1].end
        best, best_overlap = None, 0
        for k, (ms, me, kind, ftype) in enumerate(inside):
            overlap = min(e, me) - max(s, ms)
            if overlap > 0:
                used.add(k)
                if overlap > best_overlap:
                    best, best_overlap = k, overlap
        if best is None:
            out.append(Candidate(s, e, text[s:e]))
        else:
            _, _, kind, ftype = inside[best]
            out.append(Candidate(s, e, text[s:e], kind, ftype))
    for k, (ms, me, kind, ftype) in enumerate(inside):
        if k not in used:
            out.append(Candidate(ms, me, text[ms:me], kind, ftype))
    out.sort(key=lambda c: c.start)
    return out


# ---------------------------------------------------------------- features

_PREPS = ("in", "at", "on", "near", "outside", "inside", "into", "across", "from", "to", "of", "around", "over",
          "through", "between", "toward", "towards", "along", "against", "by", "throughout", "within", "off",
          "beyond", "via", "onto", "upon", "for", "with", "under", "behind")
_PREP_SET = frozenset(_PREPS)
# left of a candidate, these may stand between it and its preposition: "in the strategic town of"
_SKIP_LEFT = frozenset("""the a an its their his her our this that these those northern southern eastern western
central north south east west northeast northwest southeast southwest northeastern northwestern southeastern
southwestern northwestern upper lower rural downtown nearby neighbouring neighboring strategic restive remote
besieged contested embattled troubled volatile key imperative major capital's occupied""".split())
_PLACE_NOUNS = frozenset("""town towns city cities village villages district districts province provinces governorate
governorates state states region regions area areas neighborhood neighbourhood neighborhoods neighbourhoods suburb
suburbs county counties camp camps quarter quarters sector sectors municipality commune locality hamlet settlement
settlements island islands valley port enclave territory country capital republic kingdom borough township
prefecture oblast colony tehsil""".split())
_PART_NOUNS = frozenset("""outskirts streets street countryside perimeter flank flanks heart center centre edge edges
parts part axis entrance gates gate vicinity environs suburbs outskirt border borders coast shores banks bank
direction side sides areas corner""".split())
_DIRECTIONS = frozenset("north south east west northeast northwest southeast southwest northward southward".split())
_SPEECH = frozenset("""said says say told tell tells according reported reports announced announce added stated
states claimed claims claim confirmed confirms quoted quoting declared noted explained insisted warned alleged
told""".split())
_CLAUSE = frozenset("which who whom whose that while whereas when after before as since until because but although "
                    "though if unless once".split())
_COPULA = frozenset("is are was were be been being has have had do does did".split())
# people and bodies: "officials in Kyiv said", "Al-Nusra fighters", "al-Qaida members"
_AGENT_NOUNS = frozenset("""officials official police authorities sources source spokesman spokeswoman spokesperson
government ministry minister officers officer residents witnesses correspondent reporters media agency envoy
embassy diplomats diplomat leaders leader army military forces troops fighters fighter members member militants
militant rebels rebel insurgents insurgent soldiers soldier militia militias gunmen jihadists terrorists supporters
commander commanders followers protesters demonstrators civilians group groups regime people""".split())
_ORG_WORDS = frozenset("""army forces force brigade brigades battalion division regiment corps front party council
ministry committee organization organisation movement agency police guard guards union coalition alliance group
militia militias state's observatory institute university court bank company corporation news times post press
tv radio network command authority government administration parliament congress senate fund foundation
association league network""".split())
_GEO_HEADS = frozenset("""district governorate province city village town region state county quarter suburb
neighborhood neighbourhood area camp valley mountains mountain hill hills island islands river lake sea gulf bay
strait peninsula desert plain plains heights farms farm countryside republic municipality oblast prefecture
tehsil agency lga sector square street road highway bridge airport base airbase hospital hotel prison mosque
market school station plant complex project dam port harbor harbour roundabout checkpoint junction crossing
gate palace embassy consulate building tower stadium university compound field fields""".split())
_TITLES = frozenset("""mr mrs ms dr prof president minister secretary general gen col colonel lt capt captain sgt
major king queen prince sheikh emir sultan chancellor premier ambassador chairman director chief commander
governor mayor senator sen rep judge pope cmdr""".split())
_FTYPES = ("country", "admin1", "admin2", "city", "capital", "water", "region", "continent", "zone")
_KINDS = ("toponym", "demonym", "embedded", "name")
_WORD = re.compile(r"\w")

_lexicon = None


def _lex():
    """Common English words and given names, from the gazetteer's lexicon (loaded once)."""
    global _lexicon
    if _lexicon is None:
        from gazetteer.index import Gazetteer
        lx = Gazetteer.load().lexicon
        _lexicon = (lx.get("common_words", frozenset()), lx.get("given_names", frozenset()))
    return _lexicon


def _cls(toks: list[_Tok], i: int) -> str:
    """The class of token i, "edge" past either end of the sentence."""
    return toks[i].cls if 0 <= i < len(toks) else "edge"


def _word_class(w: str, name: bool) -> str:
    """A coarse class of a token (lower-cased) that `_CLASS_OF` does not list, for the words
    around a candidate and a trigger."""
    if not _WORD.match(w):
        return "punct"
    if w[0].isdigit():
        return "digit"
    if name:
        return "cap"
    if w.endswith("ed"):
        return "ed"
    if w.endswith("ing"):
        return "ing"
    return "lower"


_CORE_PREPS = frozenset(("in", "at", "on", "near", "outside", "inside", "into", "across", "from", "to", "of",
                         "around", "over", "through", "between", "toward", "along", "by", "within", "throughout"))
_PUNCT_CLASS = {",": "comma", ".": "stop", "!": "stop", "?": "stop", ";": "semi", ":": "semi", "(": "open",
                ")": "close", "[": "open", "]": "close", "-": "dash", "–": "dash", "—": "dash", '"': "quote",
                "“": "quote", "”": "quote", "'": "quote", "‘": "quote", "’": "quote"}
_WORD_CLASSES = (("det", frozenset("the a an this that these those".split())),
                 ("pron", frozenset("his her its their our my your".split())),
                 ("and", frozenset(("and", "or", "&"))),
                 ("dir", _DIRECTIONS | frozenset(w for w in _SKIP_LEFT if w.endswith("ern"))),
                 ("speech", _SPEECH), ("clause", _CLAUSE), ("copula", _COPULA),
                 ("place_noun", _PLACE_NOUNS), ("part_noun", _PART_NOUNS), ("agent", _AGENT_NOUNS),
                 ("org", _ORG_WORDS))
_CLASS_OF: dict[str, str] = {}
for _w in _PREPS:
    _CLASS_OF[_w] = _w if _w in _CORE_PREPS else ("toward" if _w == "towards" else "prep")
_CLASS_OF.update({"'s": "poss_s", "’s": "poss_s"})
for _k, _v in _PUNCT_CLASS.items():
    _CLASS_OF.setdefault(_k, _v)
for _name, _words in _WORD_CLASSES:
    for _w in _words:
        _CLASS_OF.setdefault(_w, _name)
_CLASSES = tuple(sorted(set(_CORE_PREPS) - {"towards"})) + (
    "prep", "edge", "comma", "stop", "semi", "open", "close", "dash", "quote", "punct", "poss_s", "det", "pron",
    "and", "dir", "speech", "clause", "copula", "place_noun", "part_noun", "agent", "org", "digit", "cap", "ed",
    "ing", "lower")


@dataclass(slots=True)
class _Context:
    """One sentence read once for one trigger: its tokens and the token ranges of the trigger and
    of each candidate."""
    toks: list[_Tok]
    trig: tuple[int, int]
    spans: list[tuple[int, int]]
    cands: list[Candidate]


def _context(text: str, sentence_start: int, sentence_end: int, trigger_start: int, trigger_end: int,
             cands: list[Candidate]) -> _Context:
    toks, starts = _tokenize(text, sentence_start, sentence_end)

    def tok_range(s: int, e: int) -> tuple[int, int]:
        i = max(bisect_right(starts, s) - 1, 0)
        return i, max(bisect_left(starts, e), i + 1)
    return _Context(toks, tok_range(trigger_start, trigger_end), [tok_range(c.start, c.end) for c in cands], cands)


def _left_prep(toks: list[_Tok], i: int) -> tuple[str, int, str]:
    """The preposition before token i within a few words ("in the strategic town of X" -> "of"),
    how many tokens back, and the class of the word before an "of" ("town", "outskirts", "north")."""
    k = i - 1
    while k >= 0 and i - k <= 4:
        w = toks[k].low
        if w in _PREP_SET:
            head = _cls(toks, k - 1) if w == "of" else ""
            return (w if w in _CORE_PREPS else "prep"), i - k, head
        if w not in _SKIP_LEFT:
            break
        k -= 1
    return "", 0, ""


def _between(ctx: _Context, a: int, b: int) -> dict:
    """What stands between token a (inclusive) and b (exclusive): clause marks, speech, other names."""
    f = {}
    words = 0
    for t in ctx.toks[a:b]:
        cls = t.cls
        if cls in ("comma", "semi", "dash", "open", "close", "quote", "speech", "copula", "and", "stop"):
            f["b_" + cls] = f.get("b_" + cls, 0) + 1
        elif cls == "clause":
            key = "b_where" if t.low == "where" else ("b_rel" if t.low in ("which", "who", "whom", "whose", "that")
                                                      else "b_sub")
            f[key] = f.get(key, 0) + 1
        elif cls in _CORE_PREPS:
            f["b_prep"] = f.get("b_prep", 0) + 1
        if t.low[0].isalnum():
            words += 1
    f["dist"] = words
    return f


def _shape(ctx: _Context, k: int, first_word: int) -> tuple[dict, dict]:
    """The candidate itself: its words, kind and feature type, and the words right around it; and
    apart, the part of it that the other names of its list share ("the villages of A, B and C")."""
    c = ctx.cands[k]
    i, j = ctx.spans[k]
    toks = ctx.toks
    words = [t for t in toks[i:j] if t.name or t.low[0].isalnum()]
    common, given = _lex()
    first = words[0].low.lstrip("'’‘`") if words else ""
    last = words[-1].low if words else ""
    prep, back, head = _left_prep(toks, i)
    context = {"kind_" + c.kind: 1, "ft_" + (c.feature_type or "none"): 1, "l1_" + _cls(toks, i - 1): 1,
               "l2_" + _cls(toks, i - 2): 1, "prep_" + (prep or "none"): 1, "prep_back": back}
    if head:
        context["ofhead_" + head] = 1
    if prep and i - back - 1 >= 0:
        context["pl_" + _cls(toks, i - back - 1)] = 1      # "officials in", "said in", "killed in"
    f = {"n_words": len(words), "first_common": int(first in common), "first_given": int(first in given),
         "first_title": int(first in _TITLES), "last_geo": int(last in _GEO_HEADS),
         "org": int(any(t.low in _ORG_WORDS for t in words)),
         "all_common": int(bool(words) and all(t.low in common for t in words)),
         "acronym": int(c.text.isupper() and len(c.text) <= 8),
         "article": int(first.startswith(("al-", "el-")) or _ARTICLE.match(first) is not None),
         "sent_initial": int(i <= first_word),
         "in_parens": int(i > 0 and toks[i - 1].text == "(" and j < len(toks) and toks[j].text == ")"),
         "hyphen": int("-" in c.text), "r1_" + _cls(toks, j): 1, "r2_" + _cls(toks, j + 1): 1}
    f.update(context)
    if any(t.low in _SPEECH for t in toks[j:j + 3]):
        f["speech_after3"] = 1
    if any(t.low in _SPEECH for t in toks[max(0, i - 3):i]):
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


def _trigger(ctx: _Context) -> dict:
    """The trigger word: its form and kind of event, the words around it, where it stands."""
    ti, tj = ctx.trig
    toks = ctx.toks
    w = toks[ti].low if ti < len(toks) else ""
    return {"tc_" + _trigger_class(w): 1, "t_ed": int(w.endswith("ed")), "t_ing": int(w.endswith("ing")),
            "t_s": int(w.endswith("s")),
            "t_speech": int(w in _SPEECH), "t_copula": int(w in _COPULA), "t_cap": int(w[:1].isupper()),
            "t_multi": int(tj - ti > 1), "t_pos": ti / max(len(toks), 1),
            "tl_" + _cls(toks, ti - 1): 1, "tr_" + _cls(toks, tj): 1, "tr2_" + _cls(toks, tj + 1): 1}


def _link(ctx: _Context, a: int, b: int) -> str:
    """How two names with tokens a..b between them are joined: "comma", "and", "of", "in"…; "" when
    more than three tokens stand between."""
    if b - a > 3:
        return ""
    if a == b:
        return "adjacent"
    classes = [t.cls for t in ctx.toks[a:b]]
    if all(c in ("comma", "and") for c in classes):
        return "list"
    return "+".join(classes[:2]) if len(classes) <= 2 else classes[0] + "+"


def _relations(ctx: _Context, links: list[str], heads: list[int]) -> list[dict]:
    """Each candidate against the trigger and the other candidates. `links[k]` joins candidates k
    and k+1 (`_link`); `heads` are the lists' first names (`_lists`)."""
    ti, tj = ctx.trig
    n = len(ctx.spans)
    side, gaps = [], []
    for i, j in ctx.spans:
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
    sizes = [heads.count(h) for h in heads]
    toponyms = sum(1 for c in ctx.cands if c.kind == "toponym")
    chains = [_chained(ctx, ctx.spans[k][1], ctx.spans[k + 1][0]) for k in range(n - 1)]
    out = []
    for k in range(n):
        a, b = gaps[k]
        f = _between(ctx, a, b)
        sk, dk = side[k], dists[k]
        f["after"] = int(sk == 1)
        f["overlap"] = int(sk == 0)
        f["n_between"] = sum(1 for q in range(n) if q != k and ctx.spans[q][0] >= a and ctx.spans[q][1] <= b)
        f["rank_side"] = sum(1 for q in range(n) if side[q] == sk and dists[q] < dk)
        f["rank_all"] = sum(1 for d in dists if d < dk)
        f["n_cands"] = n
        f["n_side"] = side.count(sk)
        f["n_toponyms"] = toponyms
        f["list_size"] = sizes[k]
        f["list_pos"] = k - heads[k]
        if k + 1 < n:
            f["next_" + (links[k] or "far")] = 1
            f["chain_next"] = chains[k]
        if k > 0:
            f["prev_" + (links[k - 1] or "far")] = 1
            f["chain_prev"] = chains[k - 1]
        out.append(f)
    return out


_CHAIN_CLASSES = frozenset(("of", "in", "near", "comma", "poss_s", "det", "dir", "place_noun", "part_noun"))
_CHAIN_LINKS = frozenset(("of", "in", "near", "comma", "poss_s"))


def _chained(ctx: _Context, a: int, b: int) -> int:
    """Whether two names with tokens a..b between them are one place inside another: "the PK12
    neighborhood of the capital of Bangui", "Kandahar's Loi Karez", "Hawija, a town near Kirkuk"."""
    if b - a > 8 or a >= b:
        return 0
    classes = [t.cls for t in ctx.toks[a:b]]
    return int(all(c in _CHAIN_CLASSES for c in classes) and any(c in _CHAIN_LINKS for c in classes))


def _lists(links: list[str]) -> list[int]:
    """For each candidate, the index of the first name of its list ("Daraa, Sweida and Quneitra"),
    itself when it stands alone."""
    heads = list(range(len(links) + 1))
    for k, link in enumerate(links):
        if link == "list":
            heads[k + 1] = heads[k]
    return heads


def candidate_features(text: str, sentence_start: int, sentence_end: int, trigger_start: int, trigger_end: int,
                       candidates: list[Candidate]) -> list[dict]:
    """The named features of each candidate for one trigger (what the model reads; the training
    script calls this too, so training and use share one definition)."""
    ctx = _context(text, sentence_start, sentence_end, trigger_start, trigger_end, candidates)
    trig = _trigger(ctx)
    first_word = next((q for q, t in enumerate(ctx.toks) if t.low[0].isalnum()), 0)
    shapes = [_shape(ctx, k, first_word) for k in range(len(candidates))]
    links = [_link(ctx, ctx.spans[k][1], ctx.spans[k + 1][0]) for k in range(len(candidates) - 1)]
    heads = _lists(links)
    out = []
    for k, rel in enumerate(_relations(ctx, links, heads)):
        f, context = shapes[k]
        h = heads[k]
        if h != k or (k + 1 < len(heads) and heads[k + 1] == k):
            # a name in a list reads the context of the list's first name: "the villages of A, B and C"
            for key, v in shapes[h][1].items():
                f["lh_" + key] = v
        f.update(rel)
        f.update(trig)
        out.append(f)
    return out


STACK_FEATURES = ("p", "p_max_other", "p_margin", "p_rank", "p_list", "p_prev", "p_next", "n_likely", "p_sum",
                  "p_inner", "p_outer", "p_side_max")


def stack_features(p: np.ndarray, feats: list[dict]) -> np.ndarray:
    """Second-stage inputs: each candidate's first-stage probability against the others' (the
    best other, its rank, its list's, its neighbours', the place inside or around it, the best on
    its side of the trigger), so that candidates compete: usually one place, or one list of
    places, is where the event happened."""
    q = p.tolist()
    n = len(q)
    total = sum(q)
    likely = float(sum(v > 0.5 for v in q))
    top = sorted(q, reverse=True)
    second = top[1] if n > 1 else 0.0
    after = [f.get("after", 0) for f in feats]
    rows = []
    for k in range(n):
        pk = q[k]
        f = feats[k]
        best_other = second if pk == top[0] else top[0]
        head = k - f.get("list_pos", 0)
        size = f.get("list_size", 1)
        sib = max([q[r] for r in range(head, min(head + size, n)) if r != k] or [-1.0])
        inner = q[k - 1] if k > 0 and f.get("chain_prev") else -1.0       # "the X district of <k>"
        outer = q[k + 1] if k + 1 < n and f.get("chain_next") else -1.0   # "<k> district of Y"
        side = after[k]
        side_max = max([q[r] for r in range(n) if r != k and after[r] == side] or [-1.0])
        rows.append((pk, best_other, pk - best_other, float(sum(v > pk for v in q)), sib,
                     q[k - 1] if k > 0 else -1.0, q[k + 1] if k + 1 < n else -1.0, likely, total,
                     inner, outer, side_max))
    return np.array(rows, dtype=np.float64).reshape(n, len(STACK_FEATURES))


# ---------------------------------------------------------------- the model

class Forest:
    """A tree ensemble as flat arrays, evaluated level by level for all trees and rows at once.

    Node i tests `x[feature[i]] > threshold[i]`: false goes to `left[i]`, true to `left[i] + 1`.
    A leaf has a threshold no value exceeds and is its own `left`, so `depth` steps from the
    roots reach every leaf. The arrays are one-dimensional (rows times trees): numpy's fancy
    indexing costs less per call on them, and with a handful of candidates per call the number
    of numpy calls, not their size, is what costs.
    """

    def __init__(self, d: dict) -> None:
        self.feature = np.asarray(d["feature"], dtype=np.intp)
        self.threshold = np.asarray(d["threshold"], dtype=np.float64)
        self.left = np.asarray(d["left"], dtype=np.intp)
        self.value = np.asarray(d["value"], dtype=np.float64)
        self.roots = np.asarray(d["roots"], dtype=np.intp)
        self.depth = int(d["depth"])

    def raw(self, x: np.ndarray) -> np.ndarray:
        """Summed leaf values (log-odds) for each row of x."""
        n, width = x.shape
        trees = len(self.roots)
        node = np.tile(self.roots, n)
        offset = np.repeat(np.arange(n) * width, trees)
        flat = x.ravel()
        feature, threshold, left = self.feature, self.threshold, self.left
        for _ in range(self.depth):
            node = left[node] + (flat[feature[node] + offset] > threshold[node])
        return self.value[node].reshape(n, trees).sum(axis=1)


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

    def matrix(self, feats: list[dict]) -> np.ndarray:
        get = self.columns.get
        width = len(self.features)
        index, values = [], []
        for r, f in enumerate(feats):
            base = r * width
            for key, v in f.items():
                c = get(key)
                if c is not None and v:
                    index.append(base + c)
                    values.append(v)
        x = np.zeros(len(feats) * width)
        x[index] = values
        return x.reshape(len(feats), width)

    def probabilities(self, feats: list[dict]) -> np.ndarray:
        """Each candidate's probability of naming where the event happened."""
        x = self.matrix(feats)
        p1 = 1.0 / (1.0 + np.exp(-self.stage1.raw(x)))
        if p1.max() < self.floor:
            return np.zeros(len(feats))     # no candidate is near: the second stage would agree
        x2 = np.hstack([x, stack_features(p1, feats)])
        return 1.0 / (1.0 + np.exp(-self.stage2.raw(x2)))


_model: Model | None = None


def default_model() -> Model:
    """The shipped model, loaded once."""
    global _model
    if _model is None:
        _model = Model.load()
    return _model


def link_locations(text: str, sentence_start: int, sentence_end: int, trigger_start: int, trigger_end: int,
                   candidates: list[Candidate], model: Model | None = None,
                   threshold: float | None = None) -> list[tuple[int, int, float]]:
    """The candidates that name where the event at [trigger_start, trigger_end) happened, as
    (start, end, probability), in text order; empty when none does.

    `candidates` are `candidate_spans` of the same sentence; `threshold` defaults to the one the
    training chose by cross-validation.
    """
    if not candidates:
        return []
    model = model or default_model()
    feats = candidate_features(text, sentence_start, sentence_end, trigger_start, trigger_end, candidates)
    p = model.probabilities(feats)
    cut = model.threshold if threshold is None else threshold
    return [(c.start, c.end, float(q)) for c, q in zip(candidates, p) if q >= cut]
