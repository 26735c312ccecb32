"""Who did it and how many: the actor a sentence names for an event ("Russian forces", "the
Houthis", "North Korea", "gunmen") and the numbers it states ("killing three", "two missiles",
"20 people were arrested").

Plain functions over a sentence's text and its candidates (``geo.events.linking``)."""
from __future__ import annotations

import re
from typing import Sequence

from geo.events.linking import Candidate
from geo.vocabulary import at_word

_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
                 "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
                 "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12}
_NUM = r"(?P<n>\d[\d,]*|" + "|".join(sorted((w for w in _NUMBER_WORDS if len(w) > 2), key=len, reverse=True)) + r")"
_ABOUT = r"(?:(?:at\s+least|more\s+than|over|about|around|some|nearly|almost|up\s+to|an\s+estimated)\s+)?"
_WHO = r"(?:(?:[\w-]+\s+){0,2}?(?:people|persons|civilians|soldiers|troops|servicemen|police(?:men)?|officers|" \
       r"fighters|militants|rebels|children|women|men|workers|crew(?:\s+members)?|sailors|passengers|" \
       r"residents|protesters|demonstrators|students|others|of\s+them)\s+)?"
_OUTCOMES = {"killed": "killed", "dead": "killed", "died": "killed", "killing": "killed", "kill": "killed",
             "wounded": "injured", "injured": "injured", "hurt": "injured", "wounding": "injured",
             "injuring": "injured", "arrested": "arrested", "detained": "arrested", "arresting": "arrested",
             "abducted": "abducted", "kidnapped": "abducted", "missing": "missing", "displaced": "displaced",
             "evacuated": "evacuated"}
_OUTCOME = r"(?P<what>" + "|".join(_OUTCOMES) + r")"


def _cased(pattern: str) -> tuple[re.Pattern, re.Pattern]:
    """A lower-case `pattern` as `at_word` regexes: one that ignores case, and one for an ASCII text
    lower-cased, which has the same matches there and tries fewer branches (a branch of literals
    is skipped at its first letter only when case counts)."""
    return at_word(pattern, re.I), at_word(pattern)


# "11 people were killed", "three dead"; "killing at least 11 people", "wounded 20 others"
_AFTER_RE = _cased(r"\b" + _ABOUT + _NUM + r"\s+" + _WHO + r"(?:(?:were|have\s+been|had\s+been|was|are|"
                   r"being|reportedly|also)\s+)*" + _OUTCOME + r"\b")
_BEFORE_RE = _cased(r"\b" + _OUTCOME + r"\s+" + _ABOUT + _NUM + r"\b(?!\s*(?:km|kilomet|miles?|am|pm|a\.m|p\.m|"
                    r"%|per\s*cent|percent|hours|minutes|days))")
_OBJECTS_RE = _cased(r"\b" + _ABOUT + _NUM + r"\s+(?:[\w-]+\s+){0,2}?(?P<what>missiles?|rockets?|drones?|"
                     r"shells|bombs|ships|vessels|boats|tankers|aircraft|planes|jets|warplanes|helicopters)\b")
_CROWD_RE = _cased(r"\b" + _ABOUT + _NUM + r"\s+(?:[\w-]+\s+){0,1}?(?P<what>protesters|protestors|demonstrators|"
                   r"marchers|people)\s+(?:\w+\s+){0,2}?(?:marched|gathered|rallied|protested|demonstrated|took)")
_TOLL_RE = _cased(r"\bdeath\s+toll\s+(?:\w+\s+){0,3}?(?:to|at|of)\s+" + _ABOUT + _NUM + r"\b")


_COUNTERS = ((_AFTER_RE, tuple(_OUTCOMES), ""), (_BEFORE_RE, tuple(_OUTCOMES), ""),
             (_OBJECTS_RE, ("missile", "rocket", "drone", "shells", "bombs", "ships", "vessels", "boats", "tankers",
                            "aircraft", "planes", "jets", "helicopters"), "objects"),
             (_CROWD_RE, ("protesters", "protestors", "demonstrators", "marchers", "people"), "participants"),
             (_TOLL_RE, ("toll",), "killed"))
_DIGIT = re.compile(r"\d")
_NUMBER_WORD = _cased(r"\b(?:" + "|".join(w for w in _NUMBER_WORDS if len(w) > 2) + r")\b")


def _number(word: str) -> int | None:
    w = word.lower().replace(",", "")
    if w.isdigit():
        return int(w) if len(w) <= 7 else None
    return _NUMBER_WORDS.get(w)


def counts(sentence: str) -> dict[str, int]:
    """The numbers one sentence states about an event's outcome, by key (killed, injured,
    arrested, abducted, missing, displaced, evacuated, objects, participants); the largest of
    each, since reports restate a toll as it rises."""
    out: dict[str, int] = {}
    low = sentence.lower()
    lower = sentence.isascii()      # then read lower-cased (`_cased`)
    padded = " " + (low if lower else sentence)      # (the regexes begin with the character before a word)
    if not _DIGIT.search(sentence) and not _NUMBER_WORD[lower].search(padded):
        return out

    def put(key: str, n: int | None) -> None:
        if n is not None and n > 0 and not (key == "objects" and n > 1000):
            out[key] = max(out.get(key, 0), n)
    # each pattern only where its words are (its regex cannot match without one)
    for rx, words, key in _COUNTERS:
        if any(map(low.__contains__, words)):
            for m in rx[lower].finditer(padded):
                put(key or _OUTCOMES[m.group("what").lower()], _number(m.group("n")))
    return out


# who acts: forces, groups, crowds
_FORCES = (r"forces|troops|soldiers|army|military|navy|air\s+force|militants|rebels|fighters|gunmen|gunman|insurgents|"
           r"police|policemen|jets|warplanes|drones|militia|militias|militiamen|jihadists|separatists|protesters|"
           r"protestors|demonstrators|pirates|attackers|assailants|bombers|bomber|hijackers|commandos|marines|"
           r"coast\s+guard|guards|extremists|terrorists|paramilitaries|mob|rioters|herdsmen|bandits|settlers")
# the lower-case words before a force describe it ("pro-government forces"), never a preposition
# or conjunction, which would carry the words before it in ("the state after gunmen")
_LINKING = r"(?!(?:after|before|of|in|on|at|and|or|but|by|with|from|to|for|as|when|while|that|which|who|than)\s)"
_ACTOR_RE = re.compile(r"\b(?P<actor>(?:(?:the|a|an)\s+)?(?:(?:[A-Z][\w'’-]*|U\.S\.|US)\s+){0,3}"
                       r"(?:" + _LINKING + r"[a-z-]+\s+){0,2}?(?i:" + _FORCES + r"))\b")
# (with the character before it, to search " " + the text: `at_word`)
_GROUP_RE = at_word(r"\b(?P<actor>(?:the\s+)?(?:Houthis?|Taliban|Hamas|Hezbollah|Hizbollah|ISIS|ISIL|Islamic\s+State|"
                       r"Daesh|al-Shabaab|Al-Shabaab|al-Shabab|Boko\s+Haram|al-Qaeda|Al-Qaeda|Wagner|RSF|PKK|"
                       r"M23|ELN|FARC|Jabhat\s+al-Nusra|Hayat\s+Tahrir\s+al-Sham|HTS))\b")
# a word of each force ("air force": "force"): an ASCII text that holds none names no force
_FORCE_WORDS = tuple(w.split(r"\s+")[-1] for w in _FORCES.split("|"))


def _forces(text: str):
    """The matches of _ACTOR_RE in the text (none, without a regex search, in an ASCII text that
    holds no force's word; another text may fold case in other ways)."""
    if text.isascii():
        low = text.lower()
        if not any(map(low.__contains__, _FORCE_WORDS)):
            return ()
    return _ACTOR_RE.finditer(text)


_BY_RE = re.compile(r"\bby\s+(?:a\s+|an\s+)?")
_INSTRUMENTS = frozenset("missile missiles drone drones rocket rockets shell shells shelling bomb bombs explosion "
                         "blast fire gunfire airstrike airstrikes strike strikes mine mines earthquake quake".split())


def actor(sentence: str, offset: int, trigger_start: int, trigger_end: int,
          cands: Sequence[Candidate] = ()) -> str | None:
    """Who the sentence says did what its trigger reports: the agent after "by" ("struck by the
    Houthis", not "by a missile"), else the nearest force, group or country before the trigger
    ("Russian forces shelled", "North Korea fired", "gunmen opened fire"); None when it names none."""
    after = sentence[trigger_end - offset:trigger_end - offset + 90]
    for by in _BY_RE.finditer(after):
        rest = after[by.end():]
        first = rest.split(" ", 1)[0].lower().strip(",.")
        if first not in _INSTRUMENTS:
            found = _first_actor(rest, 0, cands, trigger_end + by.end())
            if found:
                return found
    before = sentence[:trigger_start - offset]
    return _last_actor(before, cands, offset)


def _first_actor(text: str, lo: int, cands: Sequence[Candidate], offset: int) -> str | None:
    hits = [(m.start(), m.group("actor")) for m in _forces(text)] + [
        (m.start(), m.group("actor")) for m in _GROUP_RE.finditer(" " + text)]
    hits += [(c.start - offset, c.text) for c in cands if c.text not in _AGENCIES and c.kind in ("organisation", "demonym") or (
        c.kind == "toponym" and c.feature_type == "country") if c.start >= offset]
    hits = [h for h in hits if h[0] >= lo and h[0] < 60]
    return _clean(min(hits)[1]) if hits else None


# news agencies a dateline or a credit names: never the actor ("KYIV (AP) — Russia launched")
_AGENCIES = frozenset("AP Reuters AFP Xinhua Yonhap KCNA TASS Tass Interfax RIA UPI dpa DPA ANI PTI IRNA Anadolu "
                      "BBC CNN NHK Kyodo Bloomberg WAFA SANA Ukrinform EFE ANSA".split())


# a verb of saying (with the character before it, to search " " + the text: `at_word`)
_SAID_RE = at_word(r"\b(?:said|says|told|reported|according\s+to)\b")


def _last_actor(before: str, cands: Sequence[Candidate], offset: int) -> str | None:
    """The nearest actor before the trigger, within the last 80 characters and after any verb of
    saying ("South Korea said the missiles were fired": not South Korea)."""
    lo = max(0, len(before) - 80)
    said = [m.end() - 1 for m in _SAID_RE.finditer(" " + before)]
    if said:
        lo = max(lo, said[-1])
    hits = [(m.end(), m.group("actor")) for m in _forces(before)] + [
        (m.end() - 1, m.group("actor")) for m in _GROUP_RE.finditer(" " + before)]
    hits += [(c.end - offset, c.text) for c in cands if c.end - offset <= len(before) and c.text not in _AGENCIES and (
        c.kind == "organisation" or (c.kind == "toponym" and c.feature_type == "country"
                                     and len(before) - (c.end - offset) <= 25))]     # "North Korea on Sunday fired"
    # "Israeli air strikes", "a Russian missile strike": the demonym's country
    hits += [(c.end - offset, c.place.name if c.place else c.text) for c in cands if c.kind == "demonym"
             and 0 <= len(before) - (c.end - offset) <= 25 and c.end - offset <= len(before)]
    hits = [h for h in hits if h[0] > lo]
    return _clean(max(hits)[1]) if hits else None


def _clean(words: str) -> str:
    w = re.sub(r"\s+", " ", words.strip())
    return re.sub(r"^(?:a|an)\s+", "", w, flags=re.I)
