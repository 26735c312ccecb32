"""Event triggers: the words of a sentence that say something happened, and the type of each.

`TriggerLexicon` indexes every form of every word in ``geo.vocabulary.TRIGGER_WORDS`` (verbs in
all inflections, nouns and their plurals, phrases, hyphenated compounds) by its first word, so a
sentence is read with one pass over its words. A word several types list ("struck": an
earthquake, an air strike, an attack on a ship) takes the type whose cue word stands nearest in
the sentence ("quake", "missile", "tanker"); a word listed only with cues is no trigger without
one ("prices hit a record").

    lex = TriggerLexicon()
    lex.find(text, start, end)          # detection: the triggers of one sentence, filtered
    lex.type_of(text, start, end, sentence_start, sentence_end)   # the type of a given span
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from gazetteer.compiled import scan
from geo.events.linking import Tok, tokens
from geo.events.taxonomy import rank
from geo.vocabulary import (FORECAST_AFTER, INTENT_BEFORE, NOT_EVENT_BEFORE, NOT_EVENT_HEADS, NOT_EVENT_OBJECTS,
                             PEOPLE, SHIP_PARTS_FLOODED, THROWN_BEFORE_BOMBS, TRIGGER_WORDS, WAR, at_word, plural,
                             trie_alternation, verb_forms)

# a verb after "to" is intended, not done ("agreed to deploy") unless one of these governs it
_ASPECT = frozenset("began begun begin begins beginning started start starts continued continue continues continuing "
                    "went came appeared seemed managed used going".split())
_DETERMINERS = frozenset("the a an this that these those its their his her our another each every any some "
                         "tropical severe heavy deadly huge massive powerful violent major fresh new latest first "
                         "second third twin overnight early late recent fatal strong on in of by during after amid following "
                         "further more".split())
# capitalised words read as triggers outside headlines: storms are named ("Typhoon Hagibis")
_NAMED = frozenset(("typhoon", "hurricane", "cyclone"))
_MONTHS = frozenset(("march", "may"))
# what may be fired at a target between the verb and "at" ("fired two anti-ship missiles at")
_NOT_TARGETS = frozenset("around about approximately roughly dawn dusk night midnight noon sea least "
                         "sunrise sunset once".split())
_FIGURATIVE = frozenset("""colour color colours colors joy creativity sound sounds flavour flavours flavor flavors
energy emotion emotions interest growth popularity support anger rage laughter applause light lights ideas
complaints calls messages emails letters orders applications requests questions criticism praise tears""".split())
# what follows a plural noun, not a verb in the present ("targets were hit", "attacks and raids")
_NOUN_NEXT = frozenset("of and or were was are is had have has said".split())
# what a state does to a place from the air when the sentence names no weapon ("Israel strikes
# Gaza"); not "hits", which tariffs and storms do too
_STATE_STRIKES = frozenset("strike strikes struck striking bomb bombs bombed bombing pound pounds pounded".split())
# "another strike", "a second blast": of the kind the sentence before reported
_ANOTHER = frozenset(("another", "second", "third", "further"))
# workers who are no one's employees on strike ("three aid workers were killed … an Israeli strike")
_NOT_LABOUR = frozenset("aid humanitarian relief rescue emergency".split())
_STOPS_FIRING = frozenset("at on in into to toward towards from over off near across".split())
_MUNITIONS = frozenset("missile missiles rocket rockets drone drones torpedo torpedoes shell shells projectile "
                       "projectiles munitions cannon cannons shots bullets rounds flares".split())
# what may stand before a present-tense trigger as its subject, besides a capitalised name
SUBJECTS = frozenset(("he", "she", "it", "they", "who", "which", "that", "police", "man", "woman", "gunman",
                      "attacker", "bomber", "army", "navy", "military", "regime", "group", "storm", "quake",
                      "earthquake", "typhoon", "hurricane", "cyclone", "fire", "blaze", "flood", "tornado", "ship", "vessel",
                      "tanker", "ferry", "boat", "freighter", "plane", "jet", "helicopter", "aircraft")) \
    | frozenset(WAR) | frozenset(PEOPLE)
CUE_WINDOW = 40                  # words either side of a trigger a cue may stand
# types whose cue is what the verb acts on, so it stands just after it ("seized two soldiers"; not
# "Two men were arrested after deputies seized a meth lab")
_CUE_AFTER = {"abduction": 6}
_TARGETS = frozenset(("ship_attack", "ship_seizure", "ship_accident"))
_WEAPON_WINDOW = 8               # words between "sank" and the weapon that sank it


@dataclass(frozen=True, slots=True)
class Trigger:
    start: int                     # document offsets
    end: int
    text: str
    type: str                      # a name in geo.events.taxonomy ("" when no type fits)
    nominal: bool                  # a noun ("the explosion"), else a verb ("exploded")
    form: str = ""                 # base | third | past | participle | ing | noun


@dataclass(frozen=True, slots=True)
class _Entry:
    words: tuple[str, ...]
    nominal: bool
    form: str
    plain: tuple[str, ...]         # types the words name on their own
    cued: tuple[str, ...]          # types the words name with a cue nearby


_Tok = Tok


def _tokens(text: str, start: int, end: int) -> list[_Tok]:
    """The words of a sentence (the linker's tokens, read once per sentence, without punctuation)."""
    return _words(tokens(text, start, end))


def _words(toks: list) -> list:
    return [t for t in toks if t.text[0].isalpha()]        # (a token is never empty)


def _phrases(words: dict[str, tuple[str, ...]]):
    """(phrase, nominal, form, cued) for every form of one type's words."""
    for key, cued in (("verbs", False), ("cued_verbs", True)):
        for lemma in words.get(key, ()):
            for form, forms in verb_forms(lemma).items():
                for f in forms:
                    yield f, False, form, cued
    for key, cued in (("nouns", False), ("cued_nouns", True)):
        for noun in words.get(key, ()):
            for f in (noun, plural(noun)):
                yield f, True, "noun", cued
                if " " in f:
                    yield f.replace(" ", "-"), True, "noun", cued     # "air-strike"
                    yield f.replace(" ", ""), True, "noun", cued      # "airstrike" (said once)


def _build_index(table) -> dict[str, list[_Entry]]:
    acc: dict[tuple[tuple[str, ...], bool], dict] = {}
    for type_name, words in table.items():         # "protest#labour" cues the type "protest#labour"
        for phrase, nominal, form, cued in _phrases(words):
            key = (tuple(phrase.split()), nominal)
            e = acc.setdefault(key, {"form": form, "plain": [], "cued": []})
            target = e["cued"] if cued else e["plain"]
            if type_name not in target:
                target.append(type_name)
    index: dict[str, list[_Entry]] = {}
    for (words, nominal), e in acc.items():
        entry = _Entry(words, nominal, e["form"], tuple(sorted(e["plain"], key=rank)),
                       tuple(sorted(e["cued"], key=rank)))
        index.setdefault(words[0], []).append(entry)
    for entries in index.values():
        entries.sort(key=lambda e: -len(e.words))
    return index


def _cue_index(table) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """First word of every cue -> (its words, the type it cues)."""
    out: dict[str, list] = {}
    for type_name, words in table.items():
        for cue in words.get("cues", ()):
            for form in dict.fromkeys((cue, plural(cue))):          # "tanker", "tankers"
                w = tuple(form.split())
                out.setdefault(w[0], []).append((w, type_name))
    return out


_SCAN = scan()


class TriggerLexicon:
    """Every trigger word and cue, indexed for one pass over a sentence's words."""

    def __init__(self, table=None) -> None:
        table = TRIGGER_WORDS if table is None else table
        self.index = _build_index(table)
        self.cues = _cue_index(table)
        self.first_words = frozenset(self.index)
        # each entry's key word (its longest word but particles: "landfall" of "make landfall"),
        # for entries that are triggers on their own and for those that need a cue
        entries = [e for es in self.index.values() for e in es]
        # for each key word, the other words of its entries (which must be in the sentence too:
        # "came" of "came down") and, for an entry that needs a cue, the types it may take
        self.key_entries: dict[str, list[tuple[tuple[str, ...], frozenset | None]]] = {}
        for e in entries:
            k = _key(e.words)
            # "strikes on X" need no cue (`_choose`), nor a state's strike ("Israel struck Gaza": `find`)
            free = e.plain or e.words in _STRIKES or (len(e.words) == 1 and e.words[0] in _STATE_STRIKES)
            self.key_entries.setdefault(k, []).append(
                (tuple(w for w in e.words if w != k), None if free else frozenset(e.cued)))
        self.plain_keys = frozenset(_key(e.words) for e in entries if e.plain)
        # the nouns that name an event of a type on their own ("wildfire", "earthquake"), as written
        self._naming_nouns = frozenset((" ".join(e.words), t.split("#")[0]) for e in entries if e.nominal for t in e.plain)
        self.cued_keys = frozenset(_key(e.words) for e in entries if e.cued)
        self.cue_first = frozenset(self.cues)
        # every key word at once, over a whole lower-cased text; the cues' first words likewise
        self._keys = self.plain_keys | self.cued_keys
        self._key_set = _SCAN.KeySet(self._keys) if _SCAN is not None else None
        keys = trie_alternation(self._keys)
        self.key_re = re.compile(r"\b(?:" + keys + r")\b")
        # the same after a blank, over an ASCII text whose characters that are no word characters
        # are blanks but the hyphen (`key_hits`): the regex engine skips from blank to blank
        # instead of trying the tree at every offset
        self._key_after_blank = re.compile(r" (?:" + keys + r")\b")
        self._key_after_hyphen = re.compile(r"-(?:" + keys + r")\b")
        cues = trie_alternation(self.cue_first)
        self.cue_re = re.compile(r"\b(?:" + cues + r")\b")
        self._cue_after = at_word(r"(" + cues + r")\b")
        # key words one of whose entries needs neither other words nor a cue: a sentence that
        # holds one is read
        self._free_keys = frozenset(k for k, es in self.key_entries.items() if ((), None) in es)
        self.family_keys = {}               # a family's name -> its types' key words (`keys_of`)

    def names_itself(self, t: Trigger) -> bool:
        """Whether a trigger is a noun that names its type's event with no cue ("a wildfire")."""
        return t.nominal and (t.text.lower(), t.type) in self._naming_nouns

    def keys_of(self, types) -> frozenset[str]:
        """The key words of the entries that may be triggers of these types."""
        return frozenset(_key(e.words) for es in self.index.values() for e in es
                         if {t.split("#")[0] for t in e.plain + e.cued} & set(types))

    def key_hits(self, low: str) -> tuple[tuple[int, str], ...]:
        """Where a lower-cased text holds a key word: (offset, word), in text order, as
        `key_re.finditer(low)` finds them."""
        if _SCAN is not None:       # the same hits, as one C loop (gazetteer/scan.pyx)
            return tuple(self._key_set.hits(low))
        hits = _words_after_blanks(low, self._key_after_blank, self._key_after_hyphen)
        if hits is None:
            return tuple((m.start(), m.group()) for m in self.key_re.finditer(low))
        return tuple(hits)

    def sentences_to_read(self, text: str, sentences, hits=None, low: str | None = None) -> list[int]:
        """The indices of the sentences (spans, in order) that may hold a trigger: the key word of an
        entry whose other words the sentence holds too ("came" and "down" of "came down"), and for
        an entry that needs a cue, the first word of a cue of one of its types. `hits`: the key
        words' (offset, word) in the text, when the caller has them (one scan of the text). Cheap:
        no sentence is tokenised. "March" and "May", capitalised, are months. `low`: the text
        lower-cased, when the caller has it."""
        low = text.lower() if low is None else low
        if hits is None:
            hits = [(m.start(), m.group()) for m in self.key_re.finditer(low)]
        starts = [s.start for s in sentences]
        keys: dict[int, set[str]] = {}
        for at, w in hits:
            i = bisect_right(starts, at) - 1
            if i >= 0 and at < sentences[i].end and not (w in _MONTHS and text[at].isupper()):
                keys.setdefault(i, set()).add(w)
        out = []
        free = self._free_keys
        for i, ws in keys.items():
            if not free.isdisjoint(ws):
                out.append(i)
                continue
            s = low[sentences[i].start:sentences[i].end]
            needs = [types for w in ws for others, types in self.key_entries.get(w, ())
                     if all(map(s.__contains__, others))]
            if None in needs or (needs and self._cued_types(s) & frozenset().union(*needs)):
                out.append(i)
        return sorted(out)

    def _cued_types(self, sentence_low: str) -> set[str]:
        """The types whose cues' first words a (lower-cased) sentence holds."""
        if sentence_low.isascii() and "-" not in sentence_low:
            # every word between blanks is one the regex would try whole (no hyphen to start at)
            words = self.cue_first.intersection(_blanked(sentence_low).split())
        else:
            words = self._cue_after.findall(" " + sentence_low)
        return {t for w in words for _, t in self.cues.get(w, ())}

    def find(self, text: str, start: int, end: int, before: tuple[int, int] | None = None,
             states: tuple[tuple[int, int], ...] = ()) -> list[Trigger]:
        """The triggers of the sentence text[start:end] that report an event of this text: typed,
        not negated, not intended ("agreed to deploy"), not a modifier ("tsunami warning").
        `before`: the previous sentence's span, whose cues type "another strike" when this
        sentence has none ("a missile struck Lviv. Another strike hit a power plant"); `states`:
        the (start, end) of the countries the sentence names, whose strikes are armed ("Israel
        strikes Gaza", "The United States struck Houthi positions")."""
        toks = _tokens(text, start, end)
        first = self.first_words
        at = [k for k, t in enumerate(toks) if t.low in first]
        if not at:
            return []
        headline = None                 # whether a headline: read when a capitalised word asks
        cues = None
        out = []
        j = 0
        for i in at:
            if i < j:
                continue                # inside the phrase found before
            if headline is None and toks[i].text[0].isupper():
                headline = _is_headline(toks)
            hits = self._match(toks, i, headline, longest_only=False, text=text)
            if not hits:
                continue
            # the longest reading that reports an event: "a fire at a warehouse" is no "fire at"
            hits = [(e, j) for e, j in hits if _reported(toks, i, j, e)]
            j = hits[0][1] if hits else i + 1
            hits = [(e, k) for e, k in hits if k == j]
            if hits:
                if cues is None:
                    cues = self._cue_positions(toks, headline)
                entry, type_name = next(((e, t) for e, _ in hits for t in (_choose(e, i, cues, toks),) if t),
                                        (None, ""))
                if not type_name and before is not None and i and toks[i - 1].low in _ANOTHER:
                    entry = hits[0][0]
                    prior = self._cued_types(text[before[0]:before[1]].lower())
                    type_name = next((t.split("#")[0] for t in entry.cued if t in prior), "")
                if not type_name and i and hits[0][0].words[0] in _STATE_STRIKES and any(
                        s <= toks[i - 1].start < e for s, e in states):
                    entry, type_name = hits[0][0], "airstrike"
                if type_name:
                    out.append(Trigger(toks[i].start, toks[j - 1].end, text[toks[i].start:toks[j - 1].end],
                                       type_name, entry.nominal, entry.form))
        return out

    def type_of(self, text: str, start: int, end: int, sentence_start: int, sentence_end: int) -> str:
        """The type of a trigger someone else found at text[start:end] ("" when no word explains it)."""
        toks = _tokens(text, sentence_start, sentence_end)
        at = next((k for k, t in enumerate(toks) if t.end > start), None)
        if at is None:
            return ""
        cues = self._cue_positions(toks)
        return next((t for e, _ in self._match(toks, at, True, text=text) for t in (_choose(e, at, cues, toks),) if t),
                    "")

    def _match(self, toks: list[_Tok], i: int, headline: bool, longest_only: bool = True,
               text: str = "") -> list[tuple[_Entry, int]]:
        """The longest entries starting at word i with the index past their last word, the part of
        speech the word before suggests first ("the storm" is a noun, "protesters storm" a verb)."""
        entries = self.index.get(toks[i].low)
        if not entries or not _case_ok(toks, i, headline, text):
            return []
        if i > 0 and toks[i - 1].low == "on" and toks[i].low == "board":
            return []            # "with 476 people on board": where they were, not a boarding
        nominal = i > 0 and toks[i - 1].low in _DETERMINERS
        hits = [(e, j) for e in entries for j in (_phrase_end(toks, i, e.words),) if j is not None]
        if not hits:
            return []
        if not longest_only:       # every reading, longest first
            return sorted(hits, key=lambda h: (-h[1], h[0].nominal != nominal))
        longest = max(j for _, j in hits)
        return sorted(((e, j) for e, j in hits if j == longest), key=lambda h: h[0].nominal != nominal)

    def _cue_positions(self, toks: list[_Tok], headline: bool | None = True) -> dict[str, list[int]]:
        """Type -> the word positions of its cues in the sentence. Outside a headline a cue is no
        word of a name ("Fort Mill High School", "the Green Brain Storm Blog"); `headline` None:
        not known yet (read when a cue is a word of a name)."""
        out: dict[str, list[int]] = {}
        inside: dict[int, int] = {}          # a word of a longer cue -> that cue's length
        cues = self.cues
        for k in [k for k, t in enumerate(toks) if t.low in cues]:
            t = toks[k]
            if _in_name(toks, k):
                if headline is None:
                    headline = _is_headline(toks)
                if not headline:
                    continue
            if k and toks[k - 1].low in _NOT_LABOUR and t.low in ("workers", "worker"):
                continue
            if k and t.low in ("carrier", "carriers") and (toks[k - 1].low in _AIRLINE_WORDS
                                                          or toks[k - 1].low.endswith("-based")):
                continue                     # "a Kathmandu-based domestic carrier": an airline, no ship
            if k and toks[k - 1].low in THROWN_BEFORE_BOMBS:
                continue                     # "attacking police lines with petrol bombs": a riot's, no bombing
            depth = inside.get(k, 0)
            launcher = any(toks[x].low == "from" for x in range(max(0, k - 3), k))
            for words, type_name in cues[t.low]:
                if len(words) < depth:
                    continue                 # "mine" of "a coal mine" cues no landmine
                if launcher and type_name in _TARGETS:
                    continue                 # "missiles launched from warships hit Lviv": the ship fired
                if len(words) == 1 or _phrase_end(toks, k, words, gap=0) is not None:
                    out.setdefault(type_name, []).append(k)
                    for x in range(k + 1, k + len(words)):
                        inside[x] = max(inside.get(x, 0), len(words))
        return out


# the words before "carrier" that make it an airline
_AIRLINE_WORDS = frozenset("domestic national flag budget low-cost regional charter private state-owned".split())

# an ASCII text's characters that are no word characters (regex \W) as blanks, but the hyphen
_BLANK = bytes(c if chr(c).isalnum() or chr(c) in "_-" else 32 for c in range(128)) + b" " * 128


def _blanked(low: str) -> str:
    r"""A lower-cased text with its characters that are no word characters (regex \W) as blanks, but
    the hyphen, and each non-ASCII character as one blank: over bytes (str.translate looks each
    character up in a dict, bytes.translate in a table)."""
    return low.encode("ascii", "replace").translate(_BLANK).decode("ascii")


def _words_after_blanks(low: str, after_blank: re.Pattern, after_hyphen: re.Pattern) -> list[tuple[int, str]] | None:
    """Where a lower-cased text holds one of some words (their tree after a blank, and after a
    hyphen): (offset, word), in text order, as r"\b(?:tree)\b" finds them, in fewer steps: over a
    copy whose characters that are no word characters are blanks but the hyphen, the regex engine
    skips from blank to blank instead of trying the tree at every offset. None when only that
    regex can tell (a word beside a non-ASCII letter)."""
    # (non-ASCII characters as blanks, one for one: the offsets stay, and the characters around
    # each word found are checked in the text itself)
    blanked = " " + _blanked(low)
    hits = [(m.start(), m.group()[1:]) for m in after_blank.finditer(blanked)]
    if "-" in low:
        hits = _after_hyphens(blanked, hits, after_hyphen)
    if hits is None or (not low.isascii() and not all(_stands_alone(low, at, at + len(w)) for at, w in hits)):
        return None
    return hits


def _after_hyphens(blanked: str, hits: list[tuple[int, str]], after_hyphen: re.Pattern
                   ) -> list[tuple[int, str]] | None:
    """`hits` (the words after blanks) and the words after hyphens ("counter-attack"), but those
    inside a word after a blank ("strike" of "air-strike"); None when one of those runs past the
    end of that word (what it hides of the text after it is not known)."""
    starts = [at for at, _ in hits]
    more = []
    for m in after_hyphen.finditer(blanked):
        at, w = m.start(), m.group()[1:]
        k = bisect_right(starts, at) - 1
        if k >= 0 and at < starts[k] + len(hits[k][1]):
            if at + len(w) > starts[k] + len(hits[k][1]):
                return None
            continue
        more.append((at, w))
    return sorted(hits + more) if more else hits


def _stands_alone(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] stands between characters that are no word characters (regex \b)."""
    return (start == 0 or not (text[start - 1].isalnum() or text[start - 1] == "_")) and (
        end == len(text) or not (text[end].isalnum() or text[end] == "_"))


def _in_name(toks: list[_Tok], k: int) -> bool:
    """Whether word k is a capitalised word of a longer name (not the sentence's first word, not
    "Typhoon" before a storm's name, not an acronym)."""
    t = toks[k]
    if k == 0 or not t.cap or t.text.isupper() or t.low in _NAMED:
        return False
    # a name's words stand one blank apart: "KHARTOUM (Reuters) - Drones struck" starts after a dateline
    before, after = toks[k - 1], toks[k + 1] if k + 1 < len(toks) else None
    return (before.cap and t.start - before.end <= 1) or (after is not None and after.cap and after.start - t.end <= 1)


_PARTICLES = frozenset("up down off over on in to the its a".split())
_STRIKES = (("strike",), ("strikes",))


def _key(words: tuple[str, ...]) -> str:
    return max((w for w in words if w not in _PARTICLES), key=len, default=words[0])


def _phrase_end(toks: list[_Tok], i: int, words: tuple[str, ...], gap: int = 2) -> int | None:
    """Index past `words` matched from word i; a verb's particle may come a few words later
    ("blew himself up")."""
    j = i + 1
    for w in words[1:]:
        if j < len(toks) and toks[j].low == w:
            j += 1
            continue
        if w in ("up", "down", "off") and gap:
            k = next((k for k in range(j + 1, min(j + 1 + gap, len(toks))) if toks[k].low == w), None)
            if k is not None:
                j = k + 1
                continue
        if w in ("at", "on") and gap:
            # "fired two missiles at the tanker", "launched drones on the port": the weapon between
            k = next((k for k in range(j + 1, min(j + 6, len(toks) - 1)) if toks[k].low in _STOPS_FIRING
                      or toks[k].cap), None)
            if k is not None and toks[k].low == w and any(t.low in _MUNITIONS for t in toks[j:k]) \
                    and _target_follows(toks, k + 1):
                j = k + 1
                continue
        return None
    return j


def _target_follows(toks: list[_Tok], k: int) -> bool:
    """Word k may start what was fired at ("at the tanker", "at Israel"), not a time or the sea
    ("at 7:30", "at around noon", "at dawn", "at sea")."""
    w = toks[k].low
    # tokens are words only: a number between "at" and the next word leaves a wider gap
    return toks[k].start - toks[k - 1].end <= 1 and w not in _NOT_TARGETS


def _is_headline(toks: list[_Tok]) -> bool:
    """A title-case headline: four in five of its longer words capitalised (a sentence dense with
    names, "the Green Brain Storm Blog and Paper", is not one)."""
    capitals = [t.text[0].isupper() for t in toks if len(t.text) > 3]       # of its longer words
    return len(capitals) >= 2 and sum(capitals) >= 0.8 * len(capitals)


# what ends a dateline or a label before the first word of a sentence ("KYIV (Reuters) - Floods
# hit…", "BEIRUT (AP) — Rioting broke out", "Update: Protests…")
_OPENERS = re.compile(r"[—–:]|\s-{1,2}\s")


def _case_ok(toks: list[_Tok], i: int, headline: bool, text: str = "") -> bool:
    """Lower case, or capitalised where any word may be ("Protests erupted", a headline, "Typhoon
    Hagibis", the first word after a dateline); never the months "March" and "May"."""
    t = toks[i]
    if not t.text[0].isupper():
        return True
    if t.low in _MONTHS:
        return False
    return headline or i == 0 or t.low in _NAMED or bool(text and _OPENERS.search(text, toks[i - 1].end, t.start))


def _reported(toks: list[_Tok], i: int, j: int, entry: _Entry) -> bool:
    """Whether the words at [i, j) report an event rather than deny, intend or qualify one; a verb
    that is a noun here ("the shoot", "marine shells", "green shoots") reports nothing."""
    before = [t.low for t in toks[max(0, i - 3):i]]
    if not NOT_EVENT_BEFORE.isdisjoint(before) or "n't " in " ".join(before) + " ":     # (words hold no blank)
        return False
    if before and before[-1] in SHIP_PARTS_FLOODED and "flood" in entry.plain:
        return False                    # "the engine room flooded": a ship taking water
    if before and before[-1] in THROWN_BEFORE_BOMBS and entry.nominal:
        return False                    # "petrol bombs": thrown, not a bombing
    if not INTENT_BEFORE.isdisjoint([t.low for t in toks[max(0, i - 8):i]]) or (
            j + 1 < len(toks) and toks[j].low in ("is", "was", "are", "were") and toks[j + 1].low in FORECAST_AFTER):
        return False                    # "plotted to ... attack", "the storm is expected to"
    if not entry.nominal and before and before[-1] == "to" and not (len(before) > 1 and before[-2] in _ASPECT):
        return False
    if not entry.nominal and before and before[-1] in ("the", "a", "an", "her", "his", "their", "its", "my", "our",
                                                       "your"):
        return False                    # "the shoot", "her game-winning shot"
    if entry.form == "third" and not entry.nominal and i > 0 and not toks[i - 1].cap \
            and toks[i - 1].low not in SUBJECTS:
        return False                    # a present tense needs its subject: "Gunman shoots", "the army shells"
    if entry.form == "third" and not entry.nominal and (j >= len(toks) or toks[j].low in _NOUN_NEXT):
        return False                    # a plural noun: "struck Hezbollah targets.", "the attacks were"
    subject = i and toks[i - 1].low in SUBJECTS and not toks[i - 1].cap
    if (entry.nominal or (entry.form == "base" and not subject)) and j < len(toks) and toks[j].low in NOT_EVENT_HEADS:
        return False                    # "a shooting suspect", not "police arrest suspect"
    if entry.nominal and j + 1 < len(toks) and toks[j].low == "of" and toks[j + 1].low in _FIGURATIVE:
        return False                    # "an explosion of colour", "a flood of complaints"
    if (not entry.nominal or toks[j - 1].low.endswith("ing")) and not NOT_EVENT_OBJECTS.isdisjoint(
            [t.low for t in toks[j:j + 3]]):
        return False                    # "executed two search warrants", "shot a video", "shooting footage"
    return True


def _choose(entry: _Entry, i: int, cues: dict[str, list[int]], toks: list[_Tok] | None = None) -> str:
    """The type of the entry at word i: a ship's type when a vessel is named near (the target
    decides: "sea drones attacked a landing ship"), else the cued type whose cue stands nearest,
    else the most specific plain type; "strikes on X" are air strikes; else "". A plain type with a
    cue of its own in the sentence keeps the word ("the blast in Kayseri, an industrial hub, was
    carried out by a suicide bomber" is a bombing)."""
    best, best_d = "", CUE_WINDOW + 1
    for type_name in entry.cued:
        after = _CUE_AFTER.get(type_name)
        d = min((abs(k - i) for k in cues.get(type_name, ()) if after is None or 0 < k - i <= after),
                default=CUE_WINDOW + 1)
        if d <= CUE_WINDOW and type_name in _TARGETS:
            d = -1
        if d < best_d or (d == best_d and best and rank(type_name.split("#")[0]) < rank(best.split("#")[0])):
            best, best_d = type_name, d
    if best == "ship_accident" and any(abs(k - i) <= _WEAPON_WINDOW for k in cues.get("ship_attack#weapon", ())):
        # sunk by a drone, a missile that "slammed into the port, damaging a grain carrier": an
        # attack, whatever the vessel
        best = "ship_attack"
    if best and entry.plain and best_d >= 0:
        own = min((abs(k - i) for k in cues.get(entry.plain[0], ())), default=CUE_WINDOW + 1)
        if own <= CUE_WINDOW:
            best = entry.plain[0]
    if best:
        return best.split("#")[0]
    if entry.plain:
        return entry.plain[0].split("#")[0]
    if entry.nominal and entry.words in _STRIKES and "airstrike" in entry.cued and toks is not None and (
            (i + 1 < len(toks) and toks[i + 1].low in ("on", "against")) or (i and _armed_adjective(toks[i - 1]))):
        return "airstrike"             # "Israeli strikes on Khan Younis", "blaming an Israeli strike"
    return ""


def _armed_adjective(tok: _Tok) -> bool:
    """A nationality or an alliance before "strike", a state's weapon ("an Israeli strike", "a
    Russian strike", "a U.S. strike"); a labour strike names its workers or its union instead."""
    return tok.cap and (tok.low in ("us", "u.s", "nato", "coalition", "allied")
                        or tok.low.endswith(("i", "ian", "ese", "ish", "ch", "can")))
