"""Event–location linking: which names in a sentence say where one event happened.

Given a sentence, an event's trigger in it ("killed", "shelled", "the explosion") and the names
the sentence holds, a linker returns the spans that say WHERE that event happened, possibly none:
"Shelling hit a bus in Donetsk, officials in Kyiv said" links the shelling to Donetsk, not to
Kyiv, where the officials spoke; "a Sudanese refugee" names no place at all.

Two steps, each a plain function over plain data; the second is any `Linker` (the learned one,
``geo.events.learned.LearnedLinker``, by default; `RuleLinker` here):

    cands = candidates(text, s_start, s_end, places, lexicon)          # once per sentence
    links = linker.link(text, s_start, s_end, t_start, t_end, cands)     # per trigger

This module is the one tokeniser (`tokens`) and the one candidate generator every linker and
the trigger reader share. Candidates are the gazetteer's mentions and every run of capitalised
words, because news names many places no gazetteer holds ("at her Reshimbagh residence", "in the
Aziziyah district"); a run is marked an organisation, a person or a demonym when its words say
so. `RuleLinker` is the rule-based linker: a candidate is the event's place when a locative preposition stands before it
("in", "near", "the town of", "the outskirts of"), when it is the trigger's object ("stormed
Aleppo") or passive subject ("Kharkiv was shelled"), or names the event ("the Kabul bombing"),
in the trigger's clause and not after a verb of saying ("said in Tokyo") or beside an agent noun
("officials in Washington"). Of a chain of names one inside the other ("in the Giro district of
Ghazni province", "Baghdad's Amriya district") the most specific is kept; a list ("Daraa, Sweida
and Quneitra") is kept whole.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple, Protocol, Sequence, runtime_checkable

from gazetteer.bounded import keep
from gazetteer.compiled import scan
from geo.model import PlaceRef
from geo.vocabulary import (VESSELS, DIRECTION_ADJECTIVES, LOCATIVE_PREPOSITIONS, PART_NOUNS, PLACE_NOUNS, PLACE_OBJECT_VERBS,
                             SPEECH_WORDS, VICTIM_WORDS, forms_of)

# (no possessive quantifiers: Python 3.11.0-3.11.4's engine matches some of them wrongly)
_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|['’]s\b|[‘`]?\w+(?:-[‘'`]?\w+|['’‘`](?![sS]\b)\w+)*|[^\w\s]")
# a token starts at no space: the lookahead lets the search skip spaces without trying each branch
_TOKEN_SPLIT = re.compile(r"(?=\S)(" + _TOKEN.pattern + ")")
_ARTICLE = re.compile(r"(?:al|el|ad|an|ar|as|ash|at|az|ed|en|er|es|et|ez|ul)[-'’][^\W\d_]")
_OPENERS = frozenset(('"', "“", "‘", "'", ":", "—", "–", "-", "[", "."))
# ("as", "at", "an", "do" only hyphenated: "as-Suwayda", not "Syria as Turkish forces")
_CONNECTORS = frozenset("al el ad ar ash az ed en es ez ul de del della da di dos das du la le les van von "
                        "der den y bin ibn bint".split())
_OF_HEADS = frozenset("sea gulf bay isle isles strait straits republic kingdom cape lake mount port islands island "
                      "emirate sultanate commonwealth church cathedral mosque temple shrine tomb castle palace square "
                      "bridge valley".split())
_TIME_WORDS = frozenset("""monday tuesday wednesday thursday friday saturday sunday january february march april may
june july august september october november december today yesterday tonight jan feb mar apr jun jul aug sep
sept oct nov dec""".split())
_FUNCTION = frozenset("""a an the in at on for to from as but and or if when while after before since with by of it
its this that these those there here he she they we you his her their our my what who where why how meanwhile however
yet so then also both all some many most more other each every no not only just even still last next first according
despite during under over into about between among against without within because although though until unless once
now today yesterday tomorrow earlier later instead whether is are was were be has have had do does did will would can
could should may might must one two three four five several i""".split())
# armed groups and news agencies, never places even where a town shares the name
_GROUPS = frozenset("""taliban hamas hezbollah hizbollah isis isil daesh al-qaeda al-qaida qaeda qaida nusra shabaab
shabab al-shabaab al-shabab houthis houthi islamic reuters afp ap bbc cnn xinhua tass yonhap kyodo nhk ukmto""".split())
_ORG_WORDS = frozenset("""army forces force brigade brigades battalion battalions regiment corps front party council
ministry committee organization organisation movement agency police guard guards union coalition alliance group
militia militias observatory institute university court bank company corporation news times post press tv radio
network command authority government administration parliament congress senate fund foundation association league
navy commission society airlines airline jaysh jabhat liwaa kataebat faylaq harakat ahrar hay'at tahrir brotherhood
taliban hamas hezbollah isis isil daesh al-qaeda al-qaida qaeda qaida nusra shabaab shabab houthis houthi reuters afp
ap bbc cnn xinhua tass yonhap kyodo nhk department office service services bureau unit units division embassy
consulate online daily tribune herald journal gazette""".split())
# capitalised words that never name a place: faiths, creeds, times of day
_NOT_PLACES = frozenset("""islam islamic islamist islamists muslim muslims shiite shiites shia shi'ite shi'a sunni
sunnis christian christians catholic catholics orthodox jewish jews hindu hindus buddhist sikh alawite alawites druze
salafi salafist jihadist jihadists sufi moslem moslems kurdish arab arabs pashtun baloch tamil tamils yazidi
yazidis christian western eastern northern southern a.m. p.m. am pm gmt utc time olympics cup god
allah prophet koran quran bible ramadan eid christmas easter battle war operation siege""".split())
# the last word of a name that is no place: a time, a law ("the Mental Health Act"), a war
_NOT_PLACE_HEADS = frozenset("""war year eve day act law bill code treaty convention accord accords agreement amendment
constitution charter protocol""".split())
# a name followed by one of these names a ship ("the Galaxy Leader cargo ship", "the Ever Given vessel")
_VESSEL_HEADS = frozenset("""ship vessel tanker freighter carrier bulker boat ferry trawler yacht frigate destroyer
warship corvette cargo container oil crude chemical lng lpg merchant dhow""".split())
_TITLES = frozenset("""mr mrs ms miss dr prof president minister secretary general gen gov col colonel staff lt capt captain sgt
major king queen prince emir sultan chancellor premier ambassador chairman director chief commander governor mayor
senator sen rep judge pope cmdr lieutenant sergeant brigadier ayatollah imam rev father saint""".split())
# left of a place, between it and its preposition: "in the strategic town of", "in militant-infested northwest"
_SKIP_LEFT = frozenset("""the a an its their his her our this that these those upper lower rural downtown nearby
neighbouring neighboring strategic restive remote besieged contested embattled troubled volatile key imperative major
main occupied small large big tiny old historic coastal mountainous border frontline southernmost northernmost
easternmost westernmost important nearby adjacent entire whole greater several two three many both either
neither divided holy ancient desert densely populated crowded busy""".split()) \
    | DIRECTION_ADJECTIVES
_AGENT_NOUNS = frozenset("""officials official police authorities sources source spokesman spokeswoman spokesperson
government ministry minister officers officer residents witnesses correspondent reporters reporter media agency
envoy embassy diplomats diplomat leaders leader analysts analyst experts observers journalists journalist
counterparts counterpart lawmakers delegation delegates""".split())
# lower-case words after a place that leave it a place (not "the U.S. detention center")
_LINK_WORDS = LOCATIVE_PREPOSITIONS | _TIME_WORDS | frozenset("""and or of from to by for with since until after
before during as while when where which who that on yesterday today tonight overnight early late last""".split())
_CLAUSE_BREAKS = frozenset((";", "—", "–", ":", "but", "while", "whereas", "although", "though"))
_RELATIVE = frozenset(("which", "who", "whom", "whose"))
_NEW_SUBJECT = frozenset("another the a an he she they it we two three several many".split())
_PASSIVE = frozenset("was were is are been being be has have had".split())
_BE = frozenset("was were is are been being be".split())
# a name before one of these is a modifier of something else, not a place of the event
_NOT_PLACE_AFTER = frozenset("""-based -led -backed -born -bound -made -held -controlled -occupied -run -linked -allied
-dominated -flagged -registered -owned -operated embassy embassies consulate government regime forces troops army military navy police officials
authorities ambassador minister president citizens nationals national media agency offices office company
companies firm firms team officers soldiers provincial spokesman spokeswoman governor mayor chief official
health interior""".split())
_STRONG_PREPS = frozenset("in at near inside outside around across throughout into within off onto on".split())


@dataclass(frozen=True, slots=True)
class Candidate:
    """A span of a sentence that may name where an event happened.

    `kind`: "toponym" or "demonym" (the gazetteer's), "name" (a capitalised run the gazetteer does
    not know: a village, a district, a building), "organisation", "person", "embedded".
    `place`: the resolved place when the gazetteer knows the name (None for unknown names and for
    names the resolver only placed at the article's main place)."""
    start: int
    end: int
    text: str
    kind: str = "name"
    feature_type: str = ""
    place: PlaceRef | None = None
    inner: PlaceRef | None = None          # a known place inside an unknown name ("Deir Ezzor Airport")


@dataclass(frozen=True, slots=True)
class Link:
    """A candidate that names where the event happened, with how sure the linker is and why."""
    candidate: Candidate
    score: float
    why: str


@runtime_checkable
class Linker(Protocol):
    """What every linker does (the rules here; a learned model may replace them)."""

    def link(self, text: str, sentence_start: int, sentence_end: int, trigger_start: int, trigger_end: int,
             candidates: Sequence[Candidate]) -> list[Link]: ...


# ---------------------------------------------------------------- tokens and candidates

class Tok(NamedTuple):
    start: int
    end: int
    text: str
    low: str
    cap: bool                      # may be part of a name


_SUFFIXES = re.compile(r"-(?:based|led|backed|born|bound|made|held|controlled|occupied|run|linked|allied|dominated"
                       r"|flagged|registered|owned|operated)$", re.I)


def tokens(text: str, start: int, end: int) -> list[Tok]:
    """Words (with inner hyphens and apostrophes: "Al-Bab", "Sa’sa"), possessives, punctuation; a
    name's suffix is its own token ("ISIS-held" -> "ISIS" "-held"). Document offsets."""
    return _tokens(text[start:end], start)


# per word: its lower case, whether it may be part of a name, and where a name's suffix starts
# ("ISIS-held": 4; 0 when none); words recur across sentences and articles, so each is read once
_WORD_FORMS: dict[str, tuple[str, bool, int]] = {}
_SCAN = scan()
_WORD_FORMS_MAX = 100_000


def _word_form(w: str) -> tuple[str, bool, int]:
    c = w[0]
    cap = (c.isalpha() and not c.islower()) or (c.islower() and ("-" in w[:4] or "'" in w[:4] or "’" in w[:4])
                                                and _ARTICLE.match(w) is not None)
    low = w.lower()
    if "’" in low:
        low = low.replace("’", "'")
    split = 0
    if cap and "-" in w:
        x = _SUFFIXES.search(w)
        if x and x.start() > 0:
            split = x.start()
    return keep(_WORD_FORMS, w, (low, cap, split), _WORD_FORMS_MAX)


@lru_cache(maxsize=32)
def _tokens(sentence: str, offset: int) -> list[Tok]:
    """The tokens of one sentence (kept for the next triggers of the same sentence): as one C loop
    when gazetteer/scan.pyx is built, the same tokens."""
    if _SCAN is not None:
        return _SCAN.link_tokens(sentence, offset, _WORD_FORMS, _word_form, Tok)
    return _tokens_regex(sentence, offset)


def _tokens_regex(sentence: str, offset: int) -> list[Tok]:
    """_tokens with the regex (without the C loop)."""
    out = []
    append = out.append
    forms = _WORD_FORMS
    new = tuple.__new__             # a Tok without NamedTuple's slower constructor
    # the sentence as [space, token, space, token, ..., space] (every other character starts a
    # token), so the running sum of the pieces' lengths is where each token starts and ends
    pieces = _TOKEN_SPLIT.split(sentence)
    bounds = accumulate(map(len, pieces), initial=offset)
    next(bounds)
    for s, w, e in zip(bounds, pieces[1::2], bounds):
        low, cap, split = forms.get(w) or _word_form(w)
        if split:
            append(new(Tok, (s, s + split, w[:split], low[:split], True)))
            append(new(Tok, (s + split, e, w[split:], low[split:], False)))
        else:
            append(new(Tok, (s, e, w, low, cap)))
    return out


def _runs(toks: list[Tok], common: frozenset) -> list[tuple[int, int]]:
    """Token ranges of runs of capitalised words ("Sheikh Miskeen", "Sea of Japan", "Dar es
    Salaam"), without sentence-initial function and common words, weekdays and months."""
    out, reached, n = [], 0, len(toks)
    for i in [k for k, t in enumerate(toks) if t.cap]:     # (only these may start a run)
        if i < reached:
            continue                    # inside the run before
        t = toks[i]
        if not t.text[0].isalpha() or t.low in _TIME_WORDS:
            continue
        initial = i == 0 or toks[i - 1].text in _OPENERS
        alone = i + 1 >= n or not toks[i + 1].cap
        if initial and (t.low in _FUNCTION or (t.low in common and t.text[1:].islower() and alone)):
            continue
        j = i + 1
        while j < n:
            nxt = toks[j]
            if nxt.cap and nxt.text[0].isalpha() and nxt.low not in _TIME_WORDS:
                j += 1
            elif j + 1 < n and toks[j + 1].cap and (nxt.low in _CONNECTORS
                                                    or (nxt.low == "of" and toks[j - 1].low in _OF_HEADS)):
                j += 2
            elif j + 1 < n and toks[j + 1].cap and (nxt.low in ("of", "for") or (
                    nxt.low == "and" and any(x.low == "of" for x in toks[i:j]))) and any(
                    x.low in _ORG_WORDS or x.low == "state" for x in toks[i:j]):
                j += 2                          # "Islamic State of Iraq and Al-Sham", "Ministry of Justice"
            else:
                break
        while j > i + 1 and (toks[j - 1].low in _CONNECTORS or toks[j - 1].low in _NOT_PLACES):
            j -= 1                      # "the al-Meshahda Sunni mosque": al-Meshahda
        out.append((i, j))
        reached = j
    return out


def candidates(text: str, sentence_start: int, sentence_end: int, places: Sequence[PlaceRef] = (),
               lexicon: dict | None = None, others: Sequence[tuple[int, int, str]] = ()) -> list[Candidate]:
    """The spans of one sentence that may name where its events happened.

    `places`: the resolved mentions (document offsets; those outside the sentence are ignored);
    `others`: (start, end, kind) of mentions that are no places ("embedded" in an organisation's
    name); `lexicon`: the gazetteer's word lists (common words, given names) that tell a
    sentence's first word and a person's name from a place's."""
    common = (lexicon or {}).get("common_words", frozenset())
    given = (lexicon or {}).get("given_names", frozenset())
    toks = tokens(text, sentence_start, sentence_end)
    inside = [p for p in places if sentence_start <= p.start and p.end <= sentence_end]
    embedded = [(s, e) for s, e, _ in others if sentence_start <= s < sentence_end]
    used: set[int] = set()
    out = []
    # a title-case headline: most of its common words ("Condemns", "Attack", "Killed") capitalised
    # (it has at least two capitalised ones, and a capital letter starts a token that may be part
    # of a name: tokens that may not are not read unless two are)
    headline = False
    if len([t for t in toks[1:] if t.cap and len(t.text) > 3 and t.low in common]) >= 2:
        words = [t for t in toks[1:] if len(t.text) > 3 and t.low in common]
        headline = len(words) >= 2 and sum(t.text[0].isupper() for t in words) >= 0.7 * len(words)
    reached = -1
    for i, j in _runs(toks, common):
        if toks[i].start < reached:
            continue                    # inside the place of the run before ("Sul" of "Rio Grande do Sul")
        if headline and not any(p.start < toks[j - 1].end and toks[i].start < p.end for p in inside) and not (
                i > 0 and toks[i - 1].low in _STRONG_PREPS):
            continue                    # a title-case headline: names the gazetteer knows, or after "in"
        s, e = toks[i].start, toks[j - 1].end
        over = [k for k, p in enumerate(inside) if p.start < e and s < p.end]
        reached = max([inside[k].end for k in over], default=e)
        more = j                        # the tokens from j on that start before `reached`
        while more < len(toks) and toks[more].start < reached:
            more += 1
        if more > j and toks[more - 1].cap:
            j = more                    # a place's name with a lower-case word in it ("Rio Grande do Sul")
        used.update(over)
        out.append(_candidate(text, toks, i, j, [inside[k] for k in over], embedded, given))
    out += [_from_place(text, p) for k, p in enumerate(inside) if k not in used]
    out = [_capital(text, c) for c in out]
    return _dateline(text, sentence_start, _people(toks, sorted(out, key=lambda c: c.start)))


CAPITAL_AFTER = re.compile(r"(?:['’]s)?\s+capital\b(?!\s+(?:city\s+)?of\b)")


def _capital(text: str, c: Candidate) -> Candidate:
    """"the Ukrainian capital", "Syria's capital": a place (the capital's, which the events find),
    not the people of a country."""
    if c.place is None or c.place.feature_type != "country":
        return c
    m = CAPITAL_AFTER.match(text, c.end)
    return c if m is None else replace(c, kind="toponym")


_LEADING_SPACE = re.compile(r"\s*")
# "KYIV, Ukraine (AP) — ", "WASHINGTON (Reuters) - ": where the story was filed, at the text's start
_DATELINE = re.compile(r"\s*[A-Z][A-Z.'’ -]{2,}(?:,\s+[A-Z][\w.'’ -]{1,30}?)?\s*(?:\([A-Za-z][\w .-]{0,20}\)\s*)?"
                       r"(?:—|–|--|-|:)\s")


def _dateline(text: str, sentence_start: int, cands: list[Candidate]) -> list[Candidate]:
    """The dateline's places are where the reporter was, not where the events happened, when the
    sentence names another place ("KYIV (AP) — A missile struck Lviv")."""
    if sentence_start > 0 and _LEADING_SPACE.match(text).end() < sentence_start:
        return cands                    # (some text before the sentence)
    m = _DATELINE.match(text, sentence_start)
    if m is None:
        return cands
    filed = [k for k, c in enumerate(cands) if c.end <= m.end() and c.kind in ("toponym", "name")]
    if not filed or not any(c.kind in ("toponym", "name") and c.start >= m.end() for c in cands):
        return cands
    return [replace(c, kind="speaker") if k in filed else c for k, c in enumerate(cands)]


def _people(toks: list[Tok], cands: list[Candidate]) -> list[Candidate]:
    """Names that the words before them make people's, or someone's home: a name the gazetteer
    lacks that a killing, shooting or arrest acts on, with no place noun in or after it ("shot
    Welch", "arrested Kresin and Jett", "the killing of Karlov"), is a person; a place where
    someone lives or works (`_residence`) is kind "residence", no place of the sentence's events."""
    starts = [t.start for t in toks]
    out: list[Candidate] = []
    for c in cands:
        i = bisect_left(starts, c.start)
        j = bisect_left(starts, c.end)
        if c.kind == "name" and PLACE_NOUNS.isdisjoint([t.low for t in toks[i:j + 1]]) and (
                _acted_on(toks, i, out) or _vessel_name(toks, i, j)):
            c = replace(c, kind="person")
        elif c.kind in ("toponym", "name") and (_residence(toks, i, j, out) or (
                out and out[-1].kind == "residence" and _inside_previous(toks, out[-1], i))):
            c = replace(c, kind="residence")
        elif c.feature_type == "capital" and j + 1 < len(toks) and toks[j].low in ("'s", "’s") \
                and toks[j + 1].low in _STATE_NOUNS:
            c = replace(c, kind="speaker")      # "Washington's campaign": the state, not the city
        out.append(c)
    return _speakers(toks, starts, out)


# what a capital's possessive makes its state's: "Washington's campaign", "Moscow's forces"
_STATE_NOUNS = frozenset("campaign government administration forces military army navy offensive war policy ally "
                         "allies envoy response support troops regime leadership decision retaliation backing "
                         "push efforts strategy demands".split())


# a ship's own name: "the tanker Advantage Sweet", "the Stena Impero, a British-flagged tanker"
_SHIP_NOUNS = frozenset(w for w in VESSELS if " " not in w) | {"ships", "vessels", "tankers"}


def _vessel_name(toks: list[Tok], i: int, j: int) -> bool:
    """Whether the name at tokens [i, j) is a ship's: after a vessel noun, or before ", a ... tanker"."""
    if i > 0 and toks[i - 1].low in _SHIP_NOUNS:
        return True
    return j + 2 < len(toks) and toks[j].text == "," and toks[j + 1].low in ("a", "an", "the") and any(
        t.low in _SHIP_NOUNS for t in toks[j + 2:j + 5])


def _speakers(toks: list[Tok], starts: list[int], cands: list[Candidate]) -> list[Candidate]:
    """Where someone spoke, when the sentence names another place: "officials in Kyiv said", "a
    police source in Ramadi told" are kind "speaker" (with no other place, the speaker's is
    usually where it happened: "A police source in Ramadi said the blast killed four")."""
    said = set()
    for k, c in enumerate(cands):
        i, j = bisect_left(starts, c.start), bisect_left(starts, c.end)
        if c.kind in ("toponym", "name") and i >= 2 and toks[i - 1].low in ("in", "from") \
                and toks[i - 2].low in _AGENT_NOUNS and any(t.low in SPEECH_WORDS for t in toks[j:j + 2]):
            said.add(k)
    if not said or not any(c.kind in ("toponym", "name") for k, c in enumerate(cands) if k not in said):
        return cands
    return [replace(c, kind="speaker") if k in said else c for k, c in enumerate(cands)]


# words for people a place name may stand before: "a Paris woman", "a Goose Creek man"
_RESIDENTS = frozenset("""man woman men women boy girl boys girls teen teenager teens youth resident residents native
couple family student mother father""".split())
# people named by where they come from: "a tourist from Canada", "migrants from Eritrea"
_VISITORS = frozenset("""tourist tourists visitor visitors national nationals citizen citizens pilgrim pilgrims
migrant migrants immigrant immigrants refugee refugees worker workers""".split())
# verbs of living, working, studying somewhere ("worked at the Pentagon", "grew up in Ohio")
_LIVES = frozenset(forms_of(("live", "work", "study", "reside", "grow up", "hail")) + ("born", "raised", "grew"))


def _residence(toks: list[Tok], i: int, j: int, before: list[Candidate]) -> bool:
    """Whether the name at tokens [i, j) is where someone lives or works, or the other side of a
    border: after "of" or "from" that follows a person's name or age ("Phillip Christofoli of
    Gaston", "Vernon Adkins, 40, of McKee", "Miss Abdhou, of Hayes", "Munir Abdulkader, 22, from
    the Cincinnati suburb of"), after "who was from", before a word for a person ("a Paris woman",
    "a Goose Creek man"), after a verb of living or working and its preposition ("worked at the
    Pentagon"), after "the border with"."""
    if j < len(toks) and toks[j].low in _RESIDENTS and i > 0 and toks[i - 1].low in ("a", "an", "the", "one"):
        return True
    k = i - 1
    while k >= 0 and toks[k].low in ("the", "a", "an"):
        k -= 1
    if k < 1:
        return False
    prep, prev = toks[k].low, toks[k - 1]
    if prep in ("of", "from"):
        if prev.text == "," and k >= 2:         # "Vernon Adkins, 40, of", "Miss Abdhou, of"
            prev = toks[k - 2]
            if prev.low.isdigit():
                return True
        if any(o.kind == "person" and o.start <= prev.start < o.end for o in before):
            return True
    if prep == "from":                  # "who was from Cincinnati", "a female tourist from Canada"
        return (prev.low in _BE and k >= 2 and toks[k - 2].low == "who") or prev.low in _RESIDENTS \
            or prev.low in _VISITORS
    if prep in ("in", "at", "for", "near") and (prev.low in _LIVES or (prev.low == "up" and toks[k - 2].low in _LIVES)):
        return True
    return prep == "with" and prev.low in ("border", "borders", "frontier")


def _inside_previous(toks: list[Tok], prev: Candidate, i: int) -> bool:
    """Whether the name at token i continues the name before it as a chain of places ("the
    Cincinnati suburb of West Chester", "Edmonton, Kentucky")."""
    between = [t.low for t in toks if prev.end <= t.start and t.end <= toks[i].start]
    return 0 < len(between) <= 3 and all(w in (",", "of", "the", "in") or w in PLACE_NOUNS for w in between)


def _acted_on(toks: list[Tok], i: int, before: list[Candidate]) -> bool:
    """Whether the name at token i is what a word of `VICTIM_WORDS` acts on: right after it (past
    "the", "his"...) or after its "of" ("the murder of"), or the next name of such a list."""
    k = i - 1
    while k >= 0 and toks[k].low in ("the", "a", "an", "his", "her", "their", "its"):
        k -= 1
    if k >= 1 and toks[k].low == "of":
        k -= 1
    if k >= 0 and (toks[k].low in VICTIM_WORDS or (k and f"{toks[k - 1].low} {toks[k].low}" in VICTIM_WORDS)):
        return True                     # "shot Welch", "gunned down Greene"
    if k >= 1 and toks[k - 1].low in VICTIM_WORDS and toks[k].low.isalpha() and not toks[k].cap \
            and toks[k].low not in LOCATIVE_PREPOSITIONS and toks[k].low not in _FUNCTION:
        return True                     # "slain politician Benazir Bhutto"
    if k >= 0 and toks[k].low in ("and", ",") and before and before[-1].kind == "person" \
            and before[-1].end <= toks[k].start and toks[k].start - before[-1].end <= 2:
        return True                     # "arrested Kresin and Jett"
    return False


def _from_place(text: str, p: PlaceRef) -> Candidate:
    kind = "demonym" if p.kind == "demonym" else "toponym"
    return Candidate(p.start, p.end, text[p.start:p.end], kind, p.feature_type, None if p.fallback else p)


_NO_NAME_WORDS = _NOT_PLACES | _CONNECTORS        # a run of only these names nothing


def _candidate(text: str, toks: list[Tok], i: int, j: int, over: list[PlaceRef], embedded, given) -> Candidate:
    s, e = toks[i].start, toks[j - 1].end
    words = [t.low for t in toks[i:j]]
    exact = len(over) == 1 and over[0].start == s and over[0].end == e
    # (set tests on the words: cheaper than a generator per name)
    people = bool(over) and over[0].kind == "demonym" and over[0].start == s and not any(
        p.kind == "toponym" for p in over) and PLACE_NOUNS.isdisjoint(words)   # "British Protestants"
    if (_NO_NAME_WORDS.issuperset(words) and not over) or (j - i == 1 and len(words[0]) == 1) \
            or words[0] in ("battle", "war", "operation", "siege") or words[-1] in _NOT_PLACE_HEADS \
            or (people and not exact):
        return Candidate(s, e, text[s:e], "other")
    if j < len(toks) and toks[j].low == "time" or words[-1] == "time":
        return Candidate(s, e, text[s:e], "other")            # a clock's zone: "7.10am Tokyo time"
    if not exact and ((j < len(toks) and toks[j].low in _VESSEL_HEADS) or (i > 0 and toks[i - 1].low in _VESSEL_HEADS)):
        return Candidate(s, e, text[s:e], "other")            # "the Galaxy Leader cargo ship", "the tanker Advantage Sweet"
    if not _GROUPS.isdisjoint(words) and not (exact and over[0].feature_type == "country"):
        return Candidate(s, e, text[s:e], "organisation")     # "the Taliban", "Islamic State"
    if exact:
        return _from_place(text, over[0])
    if not _ORG_WORDS.isdisjoint(words) or (not over and text[s:e].isupper() and 2 <= e - s <= 6):
        return Candidate(s, e, text[s:e], "organisation")     # "Syrian Arab Army", "SAA", "AFP"
    if any(a <= s and e <= b for a, b in embedded):
        return Candidate(s, e, text[s:e], "embedded")
    if over and all(p.kind == "demonym" for p in over) and len(words) == len(over):
        return Candidate(s, e, text[s:e], "demonym")
    if _person(toks, i, j, given) and not over:
        return Candidate(s, e, text[s:e], "person")
    known = [p for p in over if p.kind == "toponym" and not p.fallback]
    rest = [t.low for t in toks[i:j] if not any(p.start <= t.start < p.end for p in known)]
    if known and all(w in PLACE_NOUNS or w in _CONNECTORS or w == "of" for w in rest):
        # "Deir Ezzor Airport", "Ghazni Province": a known place and the kind of place it is
        return Candidate(s, e, text[s:e], "toponym", known[0].feature_type, known[0])
    return Candidate(s, e, text[s:e], "name", inner=known[0] if known else None)


def _person(toks: list[Tok], i: int, j: int, given: frozenset) -> bool:
    """A person's name: a title before it or in it ("President Moon", "Prime Minister Saad Hariri"),
    or two or more words the first of which is a given name ("Bhaskar Raju Yadav") with no place
    word in it."""
    if i > 0 and toks[i - 1].low.rstrip(".") in _TITLES:
        return True
    words = [t.low for t in toks[i:j]]
    if any(w.rstrip(".") in _TITLES for w in words[:-1]) and words[-1] not in PLACE_NOUNS:
        return True                     # "Prime Minister Saad Hariri", not "King Fahd Hospital"
    k = i - 1
    while k >= 0 and toks[k].low in _SKIP_LEFT:
        k -= 1
    after_prep = k >= 0 and (toks[k].low in LOCATIVE_PREPOSITIONS or toks[k].low in PLACE_NOUNS or toks[k].low == "of"
                             or toks[i - 1].low == "the")
    return j - i >= 2 and words[0] in given and not after_prep and PLACE_NOUNS.isdisjoint(words) \
        and not any(w.startswith(("al-", "el-")) or "'" in w or "’" in w for w in words)


# ---------------------------------------------------------------- the rule-based linker

_DIRECTIONS = DIRECTION_ADJECTIVES | frozenset(("north", "south", "east", "west", "northeast", "northwest",
                                                "southeast", "southwest"))
# "the Iraqi city of Ramadi": the name after the noun is the place
_SETTLEMENTS = frozenset("city town village port capital hamlet settlement cities towns villages".split())
_ADVERBS = frozenset("just about some roughly approximately nearly almost only far kilometres kilometers km "
                     "miles mile metres meters nautical ( ) mainly predominantly largely mostly heavily newly "
                     "controlled held occupied backed run dominated".split())
# nouns that make "X's" the owner of something that is no place ("Georgia's worst crisis")
_OWNED = frozenset("""government president prime minister ministry army forces military police economy crisis
people population leader leaders foreign ambassador embassy envoy parliament authorities officials team media
opposition ruling regime security defence defense interior national funeral wife husband son daughter father
mother brother sister family lawyer death birthday body""".split())

# cue strengths: how sure a cue makes the linker that the name is where the event happened
_STRENGTH = {"in": 1.0, "at": 1.0, "near": 0.95, "inside": 0.95, "outside": 0.9, "around": 0.9, "across": 0.9,
             "throughout": 0.9, "into": 0.85, "within": 0.9, "off": 0.9, "on": 0.8, "onto": 0.75, "over": 0.7,
             "along": 0.7, "between": 0.8, "toward": 0.6, "towards": 0.6, "through": 0.6, "under": 0.5,
             "beside": 0.8, "nearby": 0.8, "of": 0.95, "object": 0.95, "object2": 0.75, "subject": 0.85,
             "modifier": 0.85, "frame": 0.7, "where": 0.85, "above": 0.7, "below": 0.6, "beyond": 0.5, "behind": 0.6, "from": 0.35, "to": 0.4}
MIN_SCORE = 0.15                   # a group scoring less is no place of the event
DISTANCE_COST = 0.02               # per word between the group and the trigger
CLAUSE_COST = 0.2                  # for standing in another clause
BEFORE_COST = 0.3                  # for standing before the trigger


@dataclass(slots=True)
class _Sentence:
    """One sentence read for one trigger: its tokens, the trigger's and each candidate's token
    ranges and kinds, the clause each token is in."""
    toks: list[Tok]
    trig: tuple[int, int]
    spans: list[tuple[int, int]]
    kinds: list[str]
    ftypes: list[str]
    clause: list[int]


def _token_range(toks: list[Tok], start: int, end: int) -> tuple[int, int]:
    i = next((k for k, t in enumerate(toks) if t.end > start), len(toks))
    j = next((k for k in range(i, len(toks)) if toks[k].start >= end), len(toks))
    return i, max(j, i + 1)


def _clauses(toks: list[Tok]) -> list[int]:
    """A clause number per token: a new clause at ";", a dash, "but", ", which", ", where"."""
    out, n = [], 0
    for k, t in enumerate(toks):
        if t.low in _CLAUSE_BREAKS or (k > 0 and toks[k - 1].text == "," and t.low in _RELATIVE | {"where"}) or (
                k > 0 and toks[k - 1].text == "," and t.low == "and" and k + 1 < len(toks)
                and toks[k + 1].low in _NEW_SUBJECT):
            n += 1                      # ", and another strike damaged ...": a new clause
        out.append(n)
    return out


def _read(text: str, s0: int, s1: int, t0: int, t1: int, cands: Sequence[Candidate]) -> _Sentence:
    toks = tokens(text, s0, s1)
    return _Sentence(toks, _token_range(toks, t0, t1), [_token_range(toks, c.start, c.end) for c in cands],
                     [c.kind for c in cands], [c.feature_type for c in cands], _clauses_of(text[s0:s1], s0))


@lru_cache(maxsize=32)
def _clauses_of(sentence: str, offset: int) -> list[int]:
    return _clauses(_tokens(sentence, offset))


def _span_ending(r: _Sentence, k: int) -> int | None:
    """The candidate whose last token is k."""
    return next((q for q, (a, b) in enumerate(r.spans) if b == k + 1), None)


def _span_starting(r: _Sentence, k: int) -> int | None:
    return next((q for q, (a, _) in enumerate(r.spans) if a == k), None)


def _place_noun_next(r: _Sentence, k: int) -> bool:
    """Whether token k is a place noun, or a name followed by one ("Baquba street")."""
    if r.toks[k].low in PLACE_NOUNS:
        return True
    q = _span_starting(r, k)
    return q is not None and r.spans[q][1] < len(r.toks) and r.toks[r.spans[q][1]].low in PLACE_NOUNS


def _skip_left(r: _Sentence, k: int) -> tuple[int, str]:
    """From token k leftwards over determiners, adjectives, numbers and distances, possessive and
    modifying names ("Baghdad's western", "the Iraqi city of"), "the town of", "north of": the
    index of the first token that is none of these, and "dir" if a direction was passed ("40 km
    north of"), "place" if a place noun was ("the village of")."""
    toks = r.toks
    via = ""
    while k >= 0:
        t = toks[k]
        q = _span_ending(r, k)
        if t.low in _SKIP_LEFT or t.low in _ADVERBS or t.low[:1].isdigit() or (
                "-" in t.low and not t.cap and not t.low.startswith("-")) or (
                t.low in ("around", "about") and k + 1 < len(toks) and toks[k + 1].low[:1].isdigit()):
            k -= 1
        elif q is not None and r.kinds[q] in ("demonym", "other", "organisation") and r.spans[q][0] < k + 1 and (
                k + 1 >= len(toks) or toks[k + 1].low in PLACE_NOUNS or toks[k + 1].low in _ADVERBS
                or toks[k + 1].low in _SKIP_LEFT or r.kinds[q] == "demonym"):
            k = r.spans[q][0] - 1               # "the Syrian coastal cities of", "the SAA controlled"
        elif t.low in ("'s", "’s") and k > 0:
            q = _span_ending(r, k - 1)
            k = (r.spans[q][0] if q is not None else k) - 1
        elif t.low.startswith("-") and k > 0:
            q = _span_ending(r, k - 1)           # "the ISIS-held town of"
            k = (r.spans[q][0] if q is not None else k) - 1
        elif q is not None and k + 1 < len(toks) and toks[k + 1].low in PLACE_NOUNS:
            k = r.spans[q][0] - 1               # "the Iraqi city of", "the key Latakia town of"
        elif t.low == "of" and k > 0 and toks[k - 1].low in _DIRECTIONS:
            via, k = "dir", k - 2
        elif t.low == "of" and k > 0 and (toks[k - 1].low in PLACE_NOUNS or toks[k - 1].low in PART_NOUNS):
            via, k = via or "place", k - 2
        elif t.low in PLACE_NOUNS and k > 0 and (toks[k - 1].low in _SKIP_LEFT or toks[k - 1].text == ","):
            k -= 1
        elif t.low.isalpha() and not t.cap and not (r.trig[0] <= k < r.trig[1]) and t.low not in LOCATIVE_PREPOSITIONS \
                and t.low not in PLACE_OBJECT_VERBS and k + 1 < len(toks) and _place_noun_next(r, k + 1):
            k -= 1                              # "the divided town of", "in a crowded Baquba street"
        elif t.low in PLACE_NOUNS and k + 1 < len(toks) and _span_starting(r, k + 1) is not None:
            k -= 1                              # "in host cities Beijing, Shanghai"
        elif t.low in ("like", "including", "as") and k > 0 and toks[k - 1].low in PLACE_NOUNS | {"such"}:
            k -= 1                              # "in villages like Cailaco"
        elif t.text in (",", ":") and k > 0 and toks[k - 1].low in PLACE_NOUNS:
            k -= 1                              # "in the capital, Colombo", "raided four villages:"
        elif t.low == "of" and k > 0 and toks[k - 1].low in ("outside", "inside", "out"):
            return k - 1, via                   # "outside of Wadi Barada"
        else:
            break
    return k, via


def _cue(r: _Sentence, k: int) -> tuple[str, int]:
    """The cue that makes candidate k a place of the event, and the token that carries it
    ("" when none): a preposition, the trigger itself (object, "the shelling of X"), a place
    verb's object, a passive verb after it, the trigger right after it ("the Kabul bombing")."""
    toks = r.toks
    ci, cj = r.spans[k]
    ti, tj = r.trig
    p, via = _skip_left(r, ci - 1)
    if 0 <= p <= 2 and toks[p].low in ("in", "at") and any(x.text == "," for x in toks[cj:ti]) and cj <= ti:
        return "frame", p
    if p >= 0:
        w = toks[p].low
        if ti <= p < tj and (r.kinds[k] == "toponym" or via or r.toks[tj - 1].low in PLACE_OBJECT_VERBS):
            return "object", p          # "stormed Aleppo", "seized the town of X"; not "shot Kadirgamar"
        if w in LOCATIVE_PREPOSITIONS or w in ("from", "to"):
            return w, p
        if via == "dir":
            return "of", p
        if w == "of" and p > 0 and ti <= p - 1 < tj:
            return "object", p            # "the shelling of Aleppo"
        if w == "of" and cj < len(toks) and toks[cj].low in PLACE_NOUNS:
            return "of", p                # "on the doorstep of his Moscow apartment"
        if w in PLACE_OBJECT_VERBS:       # the trigger's own verb ("a missile strike hit the centre of X")
            return ("object", p) if p == tj or (p == tj + 1 and toks[tj].low in _PASSIVE) else ("object2", p)
    between = toks[cj:ti]
    if r.kinds[k] == "toponym" and 0 < ti - cj <= 4 and any(x.low in _BE for x in between) and all(
            x.low in _PASSIVE or x.low.endswith("ly") or x.low in ("also", "again", "now") for x in between):
        return "subject", cj            # "Kharkiv was shelled", "the Straits of Malacca is now jointly patrolled"
    if (cj == ti or (cj + 1 == ti and toks[cj].low in ("'s", "’s"))) and (ci == 0 or toks[ci - 1].low in _SKIP_LEFT) \
            and not toks[ti].low.endswith("ed"):
        return "modifier", cj
    return "", -1


def _where(r: _Sentence) -> int | None:
    """For a trigger in a clause "... X, where ..." or "X where ...": the candidate X."""
    ti = r.trig[0]
    for k in range(ti - 1, -1, -1):
        t = r.toks[k]
        if t.low == "where":
            e = k - 1 if k > 0 and r.toks[k - 1].text == "," else k
            return _span_ending(r, e - 1)
        if t.low in _CLAUSE_BREAKS or t.text == ".":
            return None
    return None


def _excluded(r: _Sentence, k: int, cue_at: int) -> bool:
    """A place of someone else: where a speaker spoke ("said in Tokyo", "officials in Washington
    said"), a speaker ("Tokyo said"), where something is based ("a London-based group"), the
    owner of something that is no place ("Georgia's worst crisis")."""
    toks = r.toks
    ci, cj = r.spans[k]
    ti, tj = r.trig
    if cj < len(toks) and (toks[cj].low in SPEECH_WORDS or toks[cj].low in _NOT_PLACE_AFTER):
        return True
    if cj + 1 < len(toks) and toks[cj].low in ("'s", "’s"):
        nxt = next((t for t in toks[cj + 1:] if t.low not in _SKIP_LEFT), None)
        if nxt is not None and nxt.low in _OWNED:
            return True
    if r.kinds[k] == "toponym" and r.ftypes[k] == "country" and ci > 0 and toks[ci - 1].low in ("the", "a", "an") \
            and cj < len(toks) and toks[cj].low.isalpha() \
            and not toks[cj].cap and toks[cj].low not in _LINK_WORDS and not _place_noun_next(r, cj):
        return True                     # "the U.S. detention center", "a Kurdish region"
    if r.toks[ti].low.startswith(("protest", "demonstrat", "march", "rall")) and ci >= tj and any(
            t.low in ("against", "over") for t in toks[tj:ci]):
        return True                     # "protested against the killing of five youths in Sopore"
    if cue_at > 0:
        lo = max(0, cue_at - 3)
        before = [t.low for t in toks[lo:cue_at]]
        if any(w in SPEECH_WORDS for w in before) and not lo <= ti < cue_at:
            return True
        if before and before[-1] in _AGENT_NOUNS and any(t.low in SPEECH_WORDS for t in toks[cj:cj + 8]):
            return True
        if before and before[-1] in ("reports", "report", "news", "footage", "statement", "video", "images",
                                     "based", "headquartered", "stationed", "born", "living", "lives"):
            return True
    return False


_SPECIFICITY = {"": 0, "point": 1, "city": 1, "capital": 1, "zone": 1, "region": 2, "water": 2, "admin2": 3,
                "admin1": 4, "country": 5, "continent": 6}


def _specificity(c: Candidate) -> int:
    """How small a place is, 0 for a name the gazetteer lacks (a village, a district, a street)."""
    return _SPECIFICITY.get(c.feature_type, 2) if c.kind == "toponym" else 0


def _joined(r: _Sentence, cands: Sequence[Candidate], a: int, b: int) -> str:
    """How candidate b follows candidate a: "list" ("A, B and C", "A and in B"); in a chain of
    places one inside the other, "first" when a is the smaller ("A in B", "A near B", "A, 20 km
    south of B"), "second" when b is ("B's A", "the A city of B"), "chain" when only the kinds of
    place can tell ("A, B", "the A suburb of B"); "" when they are not joined."""
    toks = r.toks
    inner = {t for q in range(a + 1, b) for t in range(*r.spans[q])}
    idx = [t for t in range(r.spans[a][1], r.spans[b][0]) if t not in inner]
    between = [toks[t].low for t in idx]
    # without determiners, adjectives and the modifiers of place nouns ("refugee camp", "oil field")
    core = [toks[t].low for t in idx if toks[t].low not in _SKIP_LEFT and toks[t].low not in PLACE_NOUNS
            and toks[t].low not in _ADVERBS and not (t + 1 < len(toks) and toks[t + 1].low in PLACE_NOUNS
                                                      and toks[t].low.isalpha() and not toks[t].cap)]
    if not between or len(between) > 10:
        return ""
    if any(w in ("located", "situated", "lies", "lying", "bordering") for w in between):
        return "first"                  # "Tal Na'am that is situated just east of Al-Safira"
    if core in (["and"], ["or"], [",", "and"], [",", "or"], ["and", "of"], [",", "and", "of"]) or (
            len(core) == 2 and core[0] == "and" and core[1] in LOCATIVE_PREPOSITIONS):
        return "list"
    if core in (["'s"], ["’s"], ["'s", "of"], ["’s", "of"]) or (core == ["of"] and between[0] in _SETTLEMENTS):
        return "second"
    if "near" in core and set(core) <= {",", "near", "of", "in"}:
        return "first"                  # "Gidan Sule, a small village near Kadarko town of Nasarawa"
    if set(core) <= {",", "in", "of", "around", "at"} and "in" in core and "of" in core:
        return "chain"                  # "in east Ukraine in the area of Lugansk"
    if core == [","]:
        big = cands[b].feature_type in ("country", "admin1", "admin2", "continent") or cands[b].kind == "demonym"
        return "chain" if big or not _enumeration(r, b) else "list"
    if core in (["in"], [",", "in"], ["near"], [",", "near"], ["outside"], [",", "outside"]) or (
            between[0] == "," and any(w in _DIRECTIONS and x == "of" for w, x in zip(between, between[1:]))):
        return "first"
    if core in ([","], ["of"], ["of", ","]):
        return "chain"
    return ""


def _enumeration(r: _Sentence, b: int) -> bool:
    """Whether the names from candidate b on go on to an "and"/"or" ("A, B, C and D"): a list, not
    an address ("Mount Tumatangis, Indanan, Sulu")."""
    k = b
    while k + 1 < len(r.spans):
        between = [t.low for t in r.toks[r.spans[k][1]:r.spans[k + 1][0]]
                   if t.low not in _SKIP_LEFT and t.low not in PLACE_NOUNS]
        if between in (["and"], ["or"], [",", "and"], [",", "or"]):
            return True
        if between != [","]:
            return False
        k += 1
    return False


# words of the places where the arrested are held, not where they were arrested
_NEXT_WORD = re.compile(r"\s+(\w+)")
_HELD = frozenset("jail jails prison prisons detention correctional penitentiary lockup".split())


def vetted(text: str, sentence_start: int, sentence_end: int, trigger_start: int, trigger_end: int,
           candidates: Sequence[Candidate], links: list[Link], type_name: str = "") -> list[Link]:
    """The links that the words around them allow, whichever linker made them: an arrest is not
    where the arrested are held ("lodged in the Laurel County Detention Center", "is at the
    Lexington County jail"); a place that only describes the one named next ("the Black Sea city of
    Batumi", "the Red Sea port of Hodeidah") stands for that one."""
    if not links:
        return links
    links = _described(text, candidates, links)
    if type_name != "arrest":
        return links
    def held(c: Candidate) -> bool:
        nxt = _NEXT_WORD.match(text, c.end, sentence_end)
        return any(w.lower() in _HELD for w in c.text.split()) or (nxt is not None and nxt.group(1).lower() in _HELD)
    return [lk for lk in links if not held(lk.candidate)]


# "the Black Sea city of", "the Red Sea port of": the words between a describing place and the one it describes
_DESCRIBES_NEXT = re.compile(r"\s+(?:(?!(?:near|in|at|of|the|a|an|off|by|to|from|and|outside|with)\s)[a-z-]+\s+){0,2}?"
                             r"(?:city|port|town|village|island|resort|enclave)\s+of\s+(?:the\s+)?")


def _described(text: str, candidates: Sequence[Candidate], links: list[Link]) -> list[Link]:
    """Each link to a place that describes the next one ("the Black Sea city of Batumi") made a
    link to the place described, once."""
    out, seen = [], {id(lk.candidate) for lk in links}
    for lk in links:
        c = lk.candidate
        if text[max(0, c.start - 4):c.start].lower().endswith("the "):
            nxt = next((d for d in candidates if d.start > c.end and d.kind in ("toponym", "name")), None)
            if nxt is not None and _DESCRIBES_NEXT.fullmatch(text, c.end, nxt.start):
                if id(nxt) not in seen:
                    out.append(Link(nxt, lk.score, lk.why))
                    seen.add(id(nxt))
                continue
        out.append(lk)
    return out


class RuleLinker:
    """Event–location links by rules over one sentence (module docstring)."""

    name = "rules"

    def link(self, text: str, sentence_start: int, sentence_end: int, trigger_start: int, trigger_end: int,
             candidates: Sequence[Candidate]) -> list[Link]:
        if not candidates or text[trigger_start:trigger_end].lower() in SPEECH_WORDS:
            return []
        r = _read(text, sentence_start, sentence_end, trigger_start, trigger_end, candidates)
        cues = [_cue(r, k) for k in range(len(candidates))]
        where = _where(r)
        if where is not None:
            cues[where] = ("where", -1)
        placeish = [c.kind in ("toponym", "name") for c in candidates]
        excluded = [placeish[k] and bool(cue) and _excluded(r, k, at) for k, (cue, at) in enumerate(cues)]
        cued = [bool(cue) and placeish[k] and not excluded[k] for k, (cue, _) in enumerate(cues)]
        best, cue_of, score = _best(r, _groups(r, candidates, cues, cued, excluded), cues)
        return [Link(candidates[k], round(score, 3), cues[cue_of][0]) for k in best]


def _groups(r: _Sentence, cands: Sequence[Candidate], cues, cued: list[bool], excluded: list[bool]
            ) -> list[tuple[list[int], int]]:
    """Linked candidates in groups, each with the candidate whose cue it takes: a list is one group
    ("Daraa, Sweida and Quneitra"); of a chain of places one inside the other ("Peshawar,
    Pakistan", "Baghdad's Amriya district", "Khanasser in southeast Aleppo") only the most
    specific is kept. A name joined to an excluded one is excluded too ("said in Kabul, Afghanistan")."""
    groups: list[tuple[list[int], int]] = []
    placeish = [c.kind in ("toponym", "name") for c in cands]
    last = [False] * len(cands)             # whether candidate k ended up in a group
    for k in range(len(cands)):
        prev = next((q for q in range(k - 1, -1, -1) if placeish[q]), None)
        how = _joined(r, cands, prev, k) if prev is not None else ""
        if how and excluded[prev]:
            excluded[k] = True
        if excluded[k] or not placeish[k]:
            continue
        if how in ("chain", "first", "second") and (last[prev] or cued[k]):
            keep_new = how == "second" or (how == "chain" and _specificity(cands[k]) < _specificity(cands[prev]))
            if last[prev]:
                members, cue = groups[-1]
                if keep_new and members[-1] == prev:
                    members[-1] = k           # (a container of the group's place contains it: it stays)
                if cued[k] and _STRENGTH.get(cues[k][0], 0) > _STRENGTH.get(cues[cue][0], 0):
                    groups[-1] = (members, k)
            else:
                groups.append(([k if keep_new else prev], k))
            last[k] = True
            continue
        if how == "list" and last[prev]:
            groups[-1][0].append(k)
            last[k] = True
            continue
        if cued[k]:
            groups.append(([k], k))
            last[k] = True
    return groups


def _best(r: _Sentence, groups: list[tuple[list[int], int]], cues) -> tuple[list[int], int, float]:
    """The group that says where, its cue's candidate and its score: the strength of its cue,
    less for each word between it and the trigger, for another clause and for standing before
    the trigger. A sentence's frame ("In Kano, ...") and the antecedent of "where" are not
    discounted."""
    ti, tj = r.trig
    clause = r.clause[min(ti, len(r.clause) - 1)]
    best, best_cue, best_score = [], -1, MIN_SCORE
    for g, cue_of in groups:
        a, b = r.spans[g[0]][0], r.spans[g[-1]][1]
        cue = cues[cue_of][0]
        score = _STRENGTH.get(cue, 0.5)
        if cue in ("frame", "where"):
            pass
        elif a >= tj:
            score -= DISTANCE_COST * (a - tj) + (CLAUSE_COST if r.clause[a] != clause else 0.0)
        else:
            score -= BEFORE_COST + DISTANCE_COST * max(ti - b, 0) + (
                CLAUSE_COST if r.clause[min(b, len(r.clause)) - 1] != clause else 0.0)
        if score > best_score:
            best, best_cue, best_score = g, cue_of, score
    return best, best_cue, best_score
