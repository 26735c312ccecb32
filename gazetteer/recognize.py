"""Find place names in text, with exact character offsets.

The index is a trie over every folded gazetteer name; matching starts only where a capitalised
word (or a word in a script without case) begins, runs of capitalised words are read as one
name ("chunks"), and the chunk's shape and context decide what a match inside it is:

- the whole chunk is a place name, or names joined ("Pyongyang-Washington")  -> toponym
- a demonym ("Japanese", "North Korean")                                    -> demonym
- a place inside an organisation's name ("Asan Institute", "University of Kentucky")
                                                                             -> embedded
- a person's name ("Mr Suga", "John Bolton", "Moon Jae-in"), a month, or a common
  word at the start of a sentence ("Police said")                            -> nothing
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from gazetteer.bounded import keep
from gazetteer.compiled import scan
from gazetteer.index import AMBIGUOUS, DEMONYM, EXACT_CASE, POSTAL, PRIMARY, USER, Gazetteer
from gazetteer.model import ADMIN1, CAPITAL, CITY, CONTINENT, COUNTRY, REGION, WATER, ZONE, Mention, Span
from gazetteer.containment import DIRECTION_OF, NAMESAKE_DIVISIONS, unknown_mentions
from gazetteer.normalize import fold, name_key
from gazetteer.text import sentence_index, split_sentences, trie_alternation

TITLES = frozenset("""
mr mrs ms miss dr prof professor sir dame lord lady president vice senator sen rep representative
gov governor mayor minister secretary general gen col colonel lt lieutenant capt captain sgt sergeant
cpl corporal maj major adm admiral cmdr commander judge justice king queen prince princess pope
sheikh emir sultan chancellor premier ambassador chairman chairwoman director officer detective
deputy chief coach pastor rev reverend father sister brother bishop archbishop cardinal rabbi imam
councilman councilwoman commissioner trooper agent attorney speaker leader
""".split())

ORG_WORDS = frozenset("""
university college institute institution school academy hospital clinic times post herald journal
tribune news press gazette police department dept council church cathedral mosque temple synagogue
bank company co corp corporation inc ltd llc plc group foundation association society commission
committee agency authority board museum center centre stadium arena hotel team fc club party airlines
airways air mall library theatre theater festival fund network studio studios records motors energy
railway railroad telecom daily chronicle observer standard guardian review magazine radio tv
television service services systems industries union league federation army navy force forces guard
command conference cup championship championships treaty accord accords agreement declaration
convention ministry office court prison jail sheriff sheriffs fire rescue express insider reporter
bulletin courier examiner sun star globe mirror telegraph independent today weekly ledger register
journal-constitution enquirer inquirer free democrat republican press-herald post-gazette gallery
records bureau division unit regiment brigade battalion corps fleet squadron coalition alliance
institute's university's campus seminary high elementary middle district's bar restaurant cafe
church's orchestra symphony opera ballet choir band brewery winery farm farms inc. co. ltd. corp.
airport station street avenue road boulevard lane drive highway freeway parkway bridge tunnel square
plaza building tower hall house palace castle field park zoo memorial
""".split())

# Generic geographic words: "Mississippi River", "Lake Tahoe", "Shimane prefecture".
GEO_SUFFIXES = frozenset("""
river rivers lake lakes mountain mountains mount range hills hill valley county parish province
prefecture state region district island islands isle isles bay peninsula strait straits sea gulf coast
creek canyon desert basin falls harbor harbour lagoon ocean cape point beach plateau delta city town
township village borough territory oblast krai governorate emirate atoll reef shoal archipelago islet
""".split())
# What follows a place's name in a facility's name: "Clark Air Base", "Kakhovka Dam", "Kaesong
# Industrial Complex" are at (or by) the place, and drawn as it (the facility's own name is
# matched whole when the gazetteer has it)
FACILITY_TAILS = frozenset({("air", "base"), ("air", "force", "base"), ("naval", "base"), ("naval", "station"),
                            ("airbase",), ("dam",), ("nuclear", "power", "plant"), ("nuclear", "plant"),
                            ("power", "plant"), ("industrial", "complex"), ("industrial", "zone"),
                            ("refugee", "camp"), ("border", "crossing"), ("test", "site"), ("launch", "site"),
                            ("airfield",), ("air", "field"), ("naval", "air", "station"), ("port",),
                            ("hall",), ("city", "hall"), ("county", "hall"), ("town", "hall")})
# the same in lower case after a name ("Saky air base"); one word of them is `LOWER_EXTENSIONS`'
_LOWER_FACILITY = re.compile(r" +((?:air +force +|naval +air +)?(?:air +base|naval +base|nuclear +power +plant|nuclear +plant"
                             r"|power +plant|refugee +camp|border +crossing|test +site|launch +site|airbase|air +field))\b")
RANGE_SUFFIXES = frozenset("mountains range hills desert".split())
_ARTICLE_BEFORE = re.compile(r"(?:^|\W)(?:al|el|ad|an|ar|as|at|az|ash|ud)-$")
WATER_SUFFIXES = frozenset("sea gulf bay strait straits ocean lagoon shoal reef atoll".split())
GEO_PREFIXES = frozenset("lake mount mt cape gulf bay isle sea strait port fort lake lakes". split())
LOWER_EXTENSIONS = frozenset("prefecture province state county parish peninsula island islands region "
                             "district city governorate oblast crossing camp strait valley airport dam port".split())
QUALIFIERS = frozenset("""north south east west northern southern eastern western central upper lower
greater downtown northeast northwest southeast southwest northeastern northwestern southeastern
southwestern new old metro inner outer""".split())
CONNECTORS = frozenset("of de du des la le les del da do dos das der den van von y al el es and".split())
HYPHEN_CONNECTORS = frozenset("on upon sur am an im en le la les de des du au aux sous i".split())   # "Stoke-on-Trent",
# "Port-au-Prince", "Mazar-i-Sharif"
# Arabic articles written in lower case before a hyphen and a capital: "Deir ez-Zor", "Sharm el-Sheikh"
ARTICLES = frozenset("al el ez es ed et ad ar as ash at az an adh ul ur ud um".split())
# the lower-case words that may join two capitalised ones into one name (see _chunk_end)
_JOINING_WORDS = CONNECTORS | HYPHEN_CONNECTORS | ARTICLES
# a storm's name follows these: "Hurricane Milton", "Tropical Storm Alberto" (not "Storm Lake")
STORM_WORDS = frozenset("hurricane typhoon cyclone storm superstorm".split())
# Prefixes of ships' names ("USS Cole", "ROKS Cheonan"): the name that follows is a ship's
SHIP_PREFIXES = frozenset("USS HMS ROKS RFS INS HMAS HMCS HMNZS USNS MV SS MT FS JS HNLMS KRI BRP PNS TCG ARA "
                          "NRP ITS ESPS HDMS KD RSS ROCS CNS".split())
SHIP_NOUNS = frozenset("ship warship corvette frigate destroyer cruiser submarine carrier tanker freighter "
                       "vessel ferry trawler flagship boat yacht icebreaker minesweeper steamer liner "
                       "bulker containership".split())
# how the word before a ship's name ends (a ship noun or "the", or a quote the word is stripped of):
# other words are ruled out by their last character
_SHIP_WORD_ENDS = frozenset(w[-1] for w in SHIP_NOUNS | {"the"}) | frozenset("\"'“‘(")
SHIP_VERBS = frozenset("sank sunk sinks capsized docked sailed berthed was were ran".split())
# a flag state or an owner, not a place: "a Liberian-flagged tanker", "Panama-registered"
_FLAG_SUFFIX = re.compile(r"-(?:flagged|flag|registered)\b")
STOP = frozenset("""
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday i god christmas easter ramadan internet
congress senate parliament government state city county university president court
olympic olympics xinhua yonhap kyodo tass interfax bernama reuters niño nino niña nina centre center
""".split())
# Multi-word names that are institutions or things, not places, though a gazetteer lists them.
STOP_PHRASES = frozenset({"white house", "el nino", "la nina", "el niño", "la niña"})
NOT_PLACES_FILE = Path(__file__).resolve().parent / "data" / "curated" / "not_places.tsv"


def _not_places(path: Path = NOT_PLACES_FILE) -> frozenset[str]:
    """The keys of the names in not_places.tsv (organisations some alternate name shares with a place).
    Read here, not with the builder's `read_tsv`: the runtime never imports the builder."""
    rows = [line.split("\t")[0] for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    return frozenset(name_key(name) for name in rows[1:])


NOT_PLACES = _not_places()
SPEECH = frozenset("said says told added explained wrote asked noted argued insisted recalled replied "
                   "who whose".split())
LOCATIVE = frozenset("in at from near to into across throughout outside inside around toward towards "
                     "via through visit visited".split())

# Capitalised only because a sentence starts with them: never part of a name.
FUNCTION_WORDS = frozenset("""
a an the in at on for to from as but and or if when while after before since with by of it its this that
these those there here he she they we you his her their our my what who where why how meanwhile however yet
so then also both all some many most more other each every no not only just even still last next first
according despite during under over into about between among against without within because although though
until unless once now today yesterday tomorrow earlier later instead while whether is are was were be has
have had do does did will would can could should may might must one two three four five several
off outside across around along beyond through throughout amid amidst toward towards via
""".split())

_HAS_WORD = re.compile(r"\w")
# a small number right after a word: "Tower 22", "Camp 15" (not a year, not a decimal)
_DESIGNATION_NUMBER = re.compile(r" \d{1,3}\b(?![.,]\d)")
# an era after a year or a century is a date: "500 BC", "the 5th century B.C." (not British Columbia)
_ERA_WORDS = frozenset({"BC", "B.C", "BCE", "B.C.E", "AD", "A.D", "CE", "C.E"})      # without the last full stop
_ERA_BEFORE = re.compile(r"(?:\d|\bcentury|\bcenturies|\bmillennium)\s*$", re.I)
_WORD_BEFORE = re.compile(r"(\w+)\W{1,3}$")
_WORD_AFTER = re.compile(r"(?:'s)?[\s,]{1,3}(\w+)")
_NONSPACE = re.compile(r"\S")


def _lower_words_pattern(words) -> str:
    """An alternation of lower-case words grouped by first letter ("s(?:aid|ays|tate)|i(?:n|nto)"):
    the regex engine then tries one branch per position instead of every word."""
    by_first: dict[str, list[str]] = {}
    for w in sorted(words, key=len, reverse=True):      # longest first within a group
        by_first.setdefault(w[0], []).append(re.escape(w[1:]))
    return "|".join(f"{re.escape(c)}(?:{'|'.join(rest)})" for c, rest in sorted(by_first.items()))


_READ_LOWER = frozenset(CONNECTORS | HYPHEN_CONNECTORS | LOWER_EXTENSIONS | LOCATIVE | SPEECH | TITLES)
_ARTICLES_ONLY = frozenset(ARTICLES - _READ_LOWER)      # read only before a hyphen and a capital
# (the C tokeniser reads "one of these words" as "the whole run of word characters is in the set")
assert all(re.fullmatch(r"\w+", w) for w in _READ_LOWER | ARTICLES)
_SCAN = scan()
# Tokens: a capitalised word (or a word of a script without case) with any apostrophe inside but a
# possessive's ("Ma'rib", "Kimch'aek", "N'Djamena"), and one of the lower-case words read, or an
# Arabic article before a hyphen and a capital, where it stands next to such a word. Each
# capitalised word is found from its first character: a capital or any non-ASCII character (a
# plain set the regex engine skips along the text to; the look-behinds then check that it is a
# letter that starts a word), so the text's many lower-case words are not tried one by one.
_CAPITAL_TOKEN = re.compile(r"[A-Z\x80-\U0010ffff](?<=[^\W\d])(?<!\w.)\w*(?:['’ʼ‘](?!s\b)\w+)*")
# a lower-case token right after a capitalised one (only white space or punctuation between)
_LOWER_AFTER = re.compile(r"\W+((?:" + _lower_words_pattern(_READ_LOWER) + r")\b|(?:"
                          + _lower_words_pattern(_ARTICLES_ONLY) + r")(?=-[^\W\da-z_]))")
# …and right before one, matched in the reversed text from the capitalised word's start backwards
_LOWER_BEFORE_REVERSED = re.compile(r"\W+(" + trie_alternation({w[::-1] for w in _READ_LOWER}) + r")(?!\w)|-("
                                    + trie_alternation({w[::-1] for w in _ARTICLES_ONLY}) + r")(?!\w)")
# a romanised place suffix in lower case after a hyphen: "Tongchang-ri", "Hegura-jima", "Sinpo-ri"
_POSSESSIVE_NAME = re.compile(r"[^\W\da-z_]\w+['’]s [^\W\da-z_]\w+")
_COMPASS_ABBR = frozenset("N S E W NE NW SE SW NNE ENE ESE SSE SSW WSW WNW NNW".split())
_UNIT_ABBR = frozenset(("NM", "KM", "NMI", "MI"))
_WEEKDAYS = frozenset(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"))
_HYPHEN_SUFFIX = re.compile(r"-[^\W\d_A-Z]{1,8}\b")
_DIRECTION_OF = re.compile(DIRECTION_OF + r"$", re.I)
# what the text calls the name just before: ", a rail hub in", ", its largely Russian-speaking border city"
_PLACE_APPOSITION = re.compile(r",\s+(?:a|an|the|its|their)\s+(?:[\w'’-]+\s+){0,4}?(?:town|city|village|hub|port|"
                               r"suburb|district|island|islet|region|province|capital|settlement|enclave|commune|"
                               r"municipality|county|prefecture|oblast|governorate)\b")
_OFF_BEFORE = re.compile(r"\boff\s$", re.I)
_WORD_BEFORE_TEXT = re.compile(r"(\w+)\W{1,3}$")
# (", the vessel's operator said" is no apposition: the ship is the speaker's, not the name's)
_SHIP_APPOSITION = re.compile(r",\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,3}?(?:" + "|".join(sorted(SHIP_NOUNS))
                              + r")\b(?!['’]s\b)")
# "…the Black Sea, the crew abandoned ship": an idiom, not a ship's description
_SHIP_IDIOM = re.compile(r"\b(?:abandon(?:ed|ing|s)?|jump(?:ed|ing|s)?)\s+ship\b", re.I)


@dataclass(frozen=True, slots=True)
class _Usable:
    """Which of a key's gazetteer entries a surface form may match (`kept`: their positions in
    lookup_key's answer, None for all of them), and their flags or-ed and and-ed. The entries
    themselves (places) are built only when a rule asks for them (Recognizer._usable_entries)."""
    key: str
    kept: tuple | None
    any_flags: int
    all_flags: int


# _Usable's answer for a key with an abbreviation among its postings: it depends on the form written
_BY_FORM = object()


class _Tok(NamedTuple):
    start: int
    end: int
    text: str
    cap: bool          # starts with a capital, or a letter of a script without case
    sent: int


def _tokenize(text: str, sentences: list[Span]) -> tuple[list[_Tok], list[int]]:
    """The tokens of the text, and how many capitalised words each sentence has.

    A lower-case word is read only next to a capitalised one: as a connector ("Sea of Japan"), a
    division's word after a name ("Shimane prefecture") or the word before a name ("in", "said",
    "president"); with a word between it and every capitalised word, no rule looks at it. Each
    capitalised word is found from its first character; the lower-case words next to it with a
    regex after it and one on the reversed text before it (or all of it as one C loop, when
    gazetteer/scan.pyx is built: the same tokens)."""
    if _SCAN is not None:
        return _SCAN.tokenize(text, [sp.end for sp in sentences], _READ_LOWER, _ARTICLES_ONLY, _CAPITALISED,
                              _capitalised_kept, _Tok)
    return _tokenize_regex(text, sentences)


def _tokenize_regex(text: str, sentences: list[Span]) -> tuple[list[_Tok], list[int]]:
    """_tokenize with the regexes (without the C loop)."""
    tokens: list[_Tok] = []
    append = tokens.append
    new = tuple.__new__             # a _Tok without NamedTuple's slower constructor
    bounds = [sp.end for sp in sentences]
    si, last_sent = 0, len(bounds) - 1
    caps = [0] * max(len(bounds), 1)
    n = len(text)
    reversed_text = text[::-1]
    prev_end = -2           # end of the capitalised word before
    last_end = 0            # end of the last token
    for m in _CAPITAL_TOKEN.finditer(text):
        start, end = m.span()
        # one character between two capitalised words ("North Korea"): no lower-case word
        # after the first or before the second
        if start != prev_end + 1:
            after = _LOWER_AFTER.match(text, prev_end) if prev_end >= 0 else None
            if after is not None:
                w_start, last_end = after.span(1)
                while si < last_sent and w_start >= bounds[si]:
                    si += 1
                append(new(_Tok, (w_start, last_end, after.group(1), False, si)))     # lower case: not capitalised
            before = _LOWER_BEFORE_REVERSED.match(reversed_text, n - start)
            if before is not None:
                w_start = n - before.end()
                # not the end of the word before ("Ma'an"), nor the word just read after it
                if w_start >= last_end:
                    word = before.group(before.lastindex)[::-1]
                    last_end = w_start + len(word)
                    while si < last_sent and w_start >= bounds[si]:
                        si += 1
                    append(new(_Tok, (w_start, last_end, word, False, si)))
        word = m.group()
        cap = _CAPITALISED.get(word)
        if cap is None:
            cap = _capitalised_kept(word)
        while si < last_sent and start >= bounds[si]:
            si += 1
        append(new(_Tok, (start, end, word, cap, si)))
        caps[si] += cap
        prev_end = last_end = end
    after = _LOWER_AFTER.match(text, prev_end) if prev_end >= 0 else None
    if after is not None:
        w_start, w_end = after.span(1)
        while si < last_sent and w_start >= bounds[si]:
            si += 1
        append(new(_Tok, (w_start, w_end, after.group(1), False, si)))
    return tokens, caps


_CAPITALISED: dict[str, bool] = {}      # a token's word -> _capitalised(word), kept across documents


def _capitalised_kept(w: str) -> bool:
    return keep(_CAPITALISED, w, _capitalised(w))


def _capitalised(w: str) -> bool:
    """Capitalised and not a function word; a letter of a script without case (CJK, Arabic,
    Hangul…) also starts a name."""
    c = w[0]
    return (w not in _CAPITALISED_FUNCTION_WORDS) if c.isupper() else (c.isalpha() and not c.islower())


def _joins(gap: str, prev_word: str) -> bool:
    """Whether two capitalised words separated by `gap` belong to one name."""
    if not gap or gap == "-" or gap.isspace():
        return gap.count("\n") <= 1
    g = gap.strip()
    if g == "." and (len(prev_word) == 1 or prev_word.lower() in ("st", "mt", "ft", "ste", "pt")):
        return True     # "St. Louis", "U.S. Army"
    return False


_PERSON = object()     # a chunk read as a person's name

# gaps between a chunk's words that its compact form keeps as written (the others: white space
# becomes one space, " - " becomes "- ")
_GAPS_AS_WRITTEN = frozenset((" ", "-", ".", ". "))

# "The", "When": a function word written with a capital (one-letter "A", "I" are not in it)
_CAPITALISED_FUNCTION_WORDS = frozenset(w.capitalize() for w in FUNCTION_WORDS if len(w) > 1)


# prefixes whose place is named after a town and lies by it ("Port Sudan", "Fort Worth", "Mount
# Sinjar"); the others name a natural feature ("Cape Bon", "Lake Tana") that a town of the same name
# says nothing about
_TOWN_PREFIXES = frozenset({"port", "fort", "mount", "mt"})


def _after_short_first_word(key: str) -> str:
    """The key from its second word on when its first is an article or a prefix ("al", "the", "sub"),
    else the whole key."""
    first = re.match(r"[^ -]{1,3}[ -]", key)
    return key[first.end():] if first and first.end() < len(key) else key


def _prefix_fits(words: list[str], a: int, entries) -> bool:
    """Whether "PREFIX NAME", which the gazetteer lacks, may be read as the place NAME: after a
    town's prefix; after "Gulf of", "Bay of", a country, division or water ("Gulf of Oman"); after
    "Lake", "Cape", a natural feature of that name ("Lake Tahoe" the region), not a town ("Lake
    Tana" is not Antananarivo's "Tana", "Cape Bon" not Bonn)."""
    if words[0] in _TOWN_PREFIXES:
        return True
    kinds = {p.feature_type for p, _ in entries}
    if a > 1 and words[a - 1] in CONNECTORS:
        return bool(kinds & {COUNTRY, ADMIN1, WATER, REGION, ZONE, CONTINENT})
    return bool(kinds & {WATER, REGION, ZONE})


class Recognizer:
    """Finds mentions in text. One instance per gazetteer; safe to reuse across documents."""

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gaz = gazetteer or Gazetteer.load()
        lex = self.gaz.lexicon
        self.common = lex.get("common_words", frozenset())
        self.given = lex.get("given_names", frozenset())
        self.lower_keys = lex.get("lower_keys", frozenset())
        # per-name answers that do not depend on the document, kept across documents
        self._usable_cache: dict[str, _Usable | None] = {}      # (or _BY_FORM)
        self._form_cache: dict[tuple[str, str, bool], _Usable | None] = {}
        self._strong_cache: dict[str, bool] = {}
        self._notable_cache: dict[str, bool] = {}
        self._word_cache: dict[str, bool] = {}
        self._prefix_cache: dict[str, list[str]] = {}
        self._chunk_cache: dict[tuple, list] = {}
        # no leading \b: a pattern that starts with its words lets the regex engine skip ahead
        # to their first letters; the word boundary before a match is checked after it
        self._lower_re = re.compile(r"(?:" + trie_alternation(self.lower_keys) + r")\b") if self.lower_keys else None
        # the pattern can match only in a text that holds one of the keys: str's `in` tells that
        # faster than the regex engine scans a text for the keys' first letters (a key's words after
        # a short first one say as much: "hawl" for "al hawl" and "al-hawl")
        self._lower_key_parts = tuple(sorted({_after_short_first_word(k) for k in self.lower_keys}))

    # --- gazetteer access -----------------------------------------------------------------
    def _entries(self, key: str) -> tuple:
        if key in NOT_PLACES:
            return ()                        # "Hamas", "Taliban": never a place, whatever an alternate name says
        return self.gaz.lookup_key(key)      # cached by the index

    def _has_entries(self, key: str) -> bool:
        """bool(self._entries(key)), without building the places."""
        return key not in NOT_PLACES and self.gaz.has_key(key)

    def _usable(self, key: str, surface: str, after_comma: bool) -> "_Usable | None":
        """Entries of `key` that may match this surface form (case rules of abbreviations); None
        when there are none. Only an abbreviation's answer depends on the form: the others are
        kept per key."""
        hit = self._usable_cache.get(key, False)
        if hit is False:
            flags = () if key in NOT_PLACES else self.gaz.key_flags(key)
            hit = keep(self._usable_cache, key, _BY_FORM if any(f & EXACT_CASE for f in flags)
                       else self._filter_usable(key, flags, surface, after_comma))
        if hit is _BY_FORM:
            form = (key, surface, after_comma)
            hit = self._form_cache.get(form, False)
            if hit is False:
                hit = keep(self._form_cache, form, self._filter_usable(key, self.gaz.key_flags(key), surface, after_comma))
        return hit

    def _filter_usable(self, key: str, flags: tuple, surface: str, after_comma: bool) -> "_Usable | None":
        """The _Usable of the postings with these flags (`key`'s) that `surface` may match: an
        abbreviation only written exactly as one of its forms, a postal code only after a comma."""
        kept = None
        if any(f & EXACT_CASE for f in flags):
            forms = self.gaz.exact_forms.get(key, ())
            kept = tuple(q for q, f in enumerate(flags) if not f & EXACT_CASE or (
                surface in forms and (after_comma or not f & POSTAL)))
            if len(kept) == len(flags):
                kept = None
            else:
                flags = [flags[q] for q in kept]
        if not flags:
            return None
        any_flags, all_flags = 0, -1
        for f in flags:
            any_flags |= f
            all_flags &= f
        return _Usable(key, kept, any_flags, all_flags)

    def _usable_entries(self, usable: _Usable) -> tuple:
        """The (place, flags) entries a _Usable stands for."""
        entries = self._entries(usable.key)
        return entries if usable.kept is None else tuple(entries[q] for q in usable.kept)

    # --- main -------------------------------------------------------------------------------
    def find(self, text: str, sentences: list[Span] | None = None) -> list[Mention]:
        if not text:
            return []
        if sentences is None:
            sentences = split_sentences(text)
        ftext = fold(text)
        sent_of = sentence_index(sentences)
        sent_starts = {k: sp.start for k, sp in enumerate(sentences)}
        # The regex engine skips ordinary lower-case words: only capitalised words, words of
        # scripts without case, and the few lower-case words the rules read (connectors, "in",
        # "said", "prefecture") become tokens. Two tokens with a skipped word between them are
        # therefore never adjacent, which is what the chunk rules need.
        tokens, caps = _tokenize(text, sentences)
        titlecase_sents = set()
        for k, sp in enumerate(sentences):
            # a headline in title case; a sentence that ends with a full stop is one only when
            # nearly every word is capitalised ("Drones struck the Zaporizhzhia Nuclear Power
            # Plant." is a sentence with a long name in it)
            if caps[k] >= 4 and caps[k] >= (0.9 if text[sp.end - 1] in ".!?" else 0.7) * (
                    text.count(" ", sp.start, sp.end) + 1):
                titlecase_sents.add(k)
        persons: set[str] = set()
        mentions: list[Mention] = []

        i, n = 0, len(tokens)
        while i < n:
            t = tokens[i]
            if not t.cap or t.text.isdigit() or (t.text in _COMPASS_ABBR and text.startswith(" of ", t.end)) or (
                    t.text in _UNIT_ABBR and text[max(0, t.start - 2):t.start].strip()[-1:].isdigit()):
                i += 1          # "150 nm NW of Aden", "40 NM SE of Mokha": a distance and a direction, no name
                continue
            titlecase = t.sent in titlecase_sents
            nxt = tokens[i + 1] if i + 1 < n else None
            if nxt is None or nxt.sent != t.sent or not (nxt.cap or nxt.text in _JOINING_WORDS):
                j = i + 1       # what _chunk_end says when nothing after the word could join it
            else:
                j = self._chunk_end(text, tokens, i, titlecase)
            if j == i + 1 and t.text[0].isupper() and not self._may_name(ftext[t.start:t.end]) \
                    and self._tail(text, tokens, j)[0] in ("", "."):
                i = j     # one word that no gazetteer name starts with, nor ends: nothing to read
                continue
            chunk = tokens[i:j]
            mentions.extend(self._read_chunk(text, ftext, tokens, i, j, chunk, sent_starts, persons, titlecase))
            i = j
        if self._lower_re is not None and any(k in ftext for k in self._lower_key_parts):
            taken = sorted((m.start, m.end) for m in mentions)
            for m in self._lower_re.finditer(ftext):
                s, e = m.start(), m.end()
                if s and _HAS_WORD.match(ftext, s - 1):
                    continue                                # inside a word
                k = bisect.bisect_left(taken, (e, e))      # mentions starting before e …
                if k and taken[k - 1][1] > s:               # … the last of which reaches past s
                    continue
                mentions.append(Mention(s, e, text[s:e], sent_of(s), "toponym", m.group()))
        if "'s " in text or "’s " in text:
            mentions = self._possessive_names(text, ftext, mentions, sent_of)
        # names the gazetteer lacks that the text puts in a named place ("the Aziziyah district of Aleppo")
        mentions.extend(m for m in unknown_mentions(text, mentions, sent_of) if m.text not in persons)
        # second pass: surnames of people named anywhere in the text are not places
        if persons:
            mentions = [m for m in mentions if not (m.kind == "toponym" and m.text in persons
                                                    and not self._after_locative(text, m.start))]
        mentions.sort(key=lambda m: m.start)
        return mentions

    # --- chunks -----------------------------------------------------------------------------
    def _chunk_end(self, text: str, tokens: list[_Tok], i: int, titlecase: bool) -> int:
        """Index past the last token of the run of capitalised words starting at token i."""
        if not tokens[i].text[0].isupper():
            return i + 1        # a script without case: every word stands alone
        j = i + 1
        n = len(tokens)
        while j < n:
            prev, nxt = tokens[j - 1], tokens[j]
            if nxt.sent != prev.sent:
                break
            gap = text[prev.end:nxt.start]
            if nxt.cap:
                if nxt.text in _WEEKDAYS:
                    break       # "in Leskovac Tuesday night": no place's name goes on with a weekday
                if gap == " " or _joins(gap, prev.text):      # (one space, the usual gap, joins)
                    if titlecase and nxt.text.lower() in self.common and nxt.text.lower() not in QUALIFIERS:
                        break
                    j += 1
                    continue
                break
            # a lower-case connector between capitals: "Sea of Japan", "Stoke-on-Trent"
            if j + 1 < n and tokens[j + 1].cap and tokens[j + 1].sent == nxt.sent \
                    and ((nxt.text in CONNECTORS and _joins(gap, prev.text) and gap != "-"
                          and _joins(text[nxt.end:tokens[j + 1].start], nxt.text))
                         or (nxt.text in HYPHEN_CONNECTORS and gap == "-" and text[nxt.end:tokens[j + 1].start] == "-")
                         or (nxt.text in ARTICLES and gap in (" ", "-") and text[nxt.end:tokens[j + 1].start] == "-")):
                if nxt.text == "and" and not (prev.text.lower() in ORG_WORDS or tokens[j + 1].text.lower() in ORG_WORDS
                                              or self._has_entries(name_key(f"{prev.text} and {tokens[j + 1].text}"))):
                    break       # a list ("Israel and Gaza"), not one name ("Jammu and Kashmir")
                j += 2
                continue
            break
        return j

    def _matches(self, text, ftext, tokens, i, j, after_comma_first: bool):
        """Greedy longest gazetteer matches inside chunk tokens[i:j]: (first, last_excl, key, entries, start, end).

        Matching runs over a compact copy of the chunk (white-space runs and line breaks become
        one space) so a name broken across lines is still found; offsets map back through tokens.
        """
        tail = self._tail(text, tokens, j)
        if j - i == 1 and tokens[i].text[0].isupper() and tail[0] in ("", "."):
            return self._match_one_word(text, ftext, tokens[i], after_comma_first)
        # the matches are a function of the chunk's text with its tail (its tokens, their case and
        # the gaps between them all follow from it), kept across documents as names recur
        base = tokens[i].start
        chunk_key = (text[base:tail[2]], tail[0], j - i, after_comma_first)
        found = self._chunk_cache.get(chunk_key)
        if found is None:
            compact, cstart, ends = self._compact_chunk(text, ftext, tokens, i, j, tail)
            found = keep(self._chunk_cache, chunk_key,
                         self._longest_matches(text, tokens, i, j, after_comma_first, compact, cstart, ends))
        return [(a, b, key, entries, start + base, end + base) for a, b, key, entries, start, end in found]

    def _tail(self, text, tokens, j) -> tuple[str, int, int]:
        """What may follow the chunk's last token (tokens[j - 1]) as part of a name, as (kind, start,
        end): its full stop (".", "Ky."), a division's generic word in lower case ("ext", "Shimane
        prefecture"), a romanised suffix ("suffix", "Tongchang-ri"), or nothing ("", its end twice)."""
        last_end = tokens[j - 1].end
        follower = text[last_end:last_end + 1]
        if follower == ".":
            return ".", last_end, last_end + 1
        # the character after the chunk tells which of the other two may follow
        if follower == "-":
            suffix = _HYPHEN_SUFFIX.match(text, last_end)
            if suffix is not None:
                return "suffix", last_end, suffix.end()
        elif follower.isspace() and j < len(tokens):
            ext = tokens[j]
            # a division's generic word in lower case after white space: "Shimane prefecture", "Washington state"
            if ext.sent == tokens[j - 1].sent and ext.text.islower() and ext.text in LOWER_EXTENSIONS \
                    and text[last_end:ext.start].isspace():
                return "ext", ext.start, ext.end
        return "", last_end, last_end

    def _match_one_word(self, text, ftext, tok: _Tok, after_comma: bool):
        """One capitalised word (most chunks): the word is a name, or the word with the full stop
        after it ("Ky.", "Calif."), or nothing; the same answer as the general case."""
        end = tok.end
        key = ftext[tok.start:end]
        if end < len(text) and text[end] == ".":
            entries = self._usable(key + ".", text[tok.start:end + 1], after_comma)
            if entries is not None:
                return [(0, 1, key + ".", entries, tok.start, end + 1)]
        entries = self._usable(key, tok.text, after_comma)
        return [(0, 1, key, entries, tok.start, end)] if entries is not None else []

    def _compact_chunk(self, text, ftext, tokens, i, j, tail):
        """The chunk's folded words with one-space gaps, where each token starts in it, and where a
        name may end in it: {offset in it: (offset in the text, tokens the name takes)} at each
        token's end, after a token's full stop ("St. Louis", "Ky.") and after what may follow
        the last token (its full stop, or a division's generic word in lower case: "Shimane
        prefecture")."""
        base = tokens[i].start
        cstart: list[int] = []
        ends: dict[int, tuple[int, int]] = {}
        prev_end = base
        for q in range(i, j):
            tok = tokens[q]
            if q > i:
                gap = text[prev_end:tok.start]
                if gap not in _GAPS_AS_WRITTEN:
                    return self._compact_gaps(text, ftext, tokens, i, j, tail)
                if gap[0] == ".":
                    ends[prev_end + 1 - base] = (prev_end + 1, q - i)     # "St." in "St. Louis"
            # (every gap as written: an offset in the chunk is one in the text, from its start)
            cstart.append(tok.start - base)
            ends[tok.end - base] = (tok.end, q - i + 1)
            prev_end = tok.end
        compact = ftext[base:prev_end]
        kind, start, end = tail
        if kind:
            # "." or "-ri" as written; a division's word after one space, however many the text has
            compact += ftext[start:end] if kind != "ext" else " " + ftext[start:end]
            ends[len(compact)] = (end, j - i)
        return compact, cstart, ends

    def _compact_gaps(self, text, ftext, tokens, i, j, tail):
        """_compact_chunk's answer for a chunk with a gap to compact (a line break, two spaces, " - ")."""
        parts: list[str] = []
        cstart: list[int] = []
        ends: dict[int, tuple[int, int]] = {}
        pos = 0
        for q in range(i, j):
            tok = tokens[q]
            if q > i:
                gap = text[tokens[q - 1].end:tok.start]
                g = gap.strip()
                if g[:1] == "." and gap[0] == ".":
                    ends[pos + 1] = (tokens[q - 1].end + 1, q - i)     # "St." in "St. Louis"
                cg = " " if not g else (g if not gap[-1].isspace() else g + " ")
                parts.append(cg)
                pos += len(cg)
            cstart.append(pos)
            pos += tok.end - tok.start      # folding keeps lengths
            parts.append(ftext[tok.start:tok.end])
            ends[pos] = (tok.end, q - i + 1)
        kind, start, end = tail
        if kind:
            parts.append(ftext[start:end] if kind != "ext" else " " + ftext[start:end])
            pos += len(parts[-1])
            ends[pos] = (end, j - i)
        return "".join(parts), cstart, ends

    def _longest_matches(self, text, tokens, i, j, after_comma_first, compact, cstart, ends):
        """From each capitalised token, the longest trie key that ends where a token (or its full
        stop, or the tail) ends and whose entries may match the surface form; offsets from the
        chunk's start."""
        base = tokens[i].start
        found = []
        k, n = 0, j - i
        while k < n:
            tok = tokens[i + k]
            if not tok.cap:
                k += 1
                continue
            best = None
            first = cstart[k]
            for key in self._prefixes(compact[first:]):      # longest first: the first usable one wins
                end_b = ends.get(first + len(key))
                if end_b is None:
                    if n == 1 and len(key) >= 2 and len(key) < tok.end - tok.start and not tok.text[0].isupper():
                        end_b = (tok.start + len(key), 1)    # 원산에서 = 원산 (Wonsan) + 에서 (from)
                    else:
                        continue
                end, b = end_b
                entries = self._usable(key, text[tok.start:end], after_comma_first and k == 0)
                if entries is not None:
                    best = (k, b, key, entries, tok.start - base, end - base)
                    break
            if best is not None:
                found.append(best)
                k = best[1]
            else:
                k += 1
        return found

    def _prefixes(self, rest: str) -> list[str]:
        """The gazetteer keys that start `rest` (a chunk's folded words from one of them on), longest
        first (of two as long, the one written as in `rest`). The trie walk costs more than the
        rest of a match, and the same names recur from article to article ("united states"), so
        the answers are kept across documents."""
        keys = self._prefix_cache.get(rest)
        if keys is None:
            keys = self.gaz.prefixes(rest)
            if "-" in rest:              # "Al-Hudaydah" is indexed as "Al Hudaydah": try both
                keys = sorted(dict.fromkeys(keys + self.gaz.prefixes(rest.replace("-", " "))), key=len, reverse=True)
            else:
                keys.reverse()           # a walk gives them shortest first
            keep(self._prefix_cache, rest, keys)
        return keys

    def _may_name(self, key: str) -> bool:
        """Whether a folded word is a gazetteer name, alone or with a full stop ("ky.")."""
        hit = self._word_cache.get(key)
        if hit is None:
            hit = keep(self._word_cache, key, self._has_entries(key) or self._has_entries(key + "."))
        return hit

    def _strong(self, key: str) -> bool:
        """A name that means a country, division, capital, big city or named sea before anything else."""
        hit = self._strong_cache.get(key)
        if hit is None:
            hit = keep(self._strong_cache, key, self._is_strong(key))
        return hit

    def _is_strong(self, key: str) -> bool:
        if key in NOT_PLACES:
            return False
        for ft, population, flags in self.gaz.key_kinds(key):       # (no place built)
            if flags & (DEMONYM | USER):
                return True     # a user's own place is as sure as a country
            if ft in (COUNTRY, CAPITAL, CONTINENT, WATER, ZONE) or (ft == ADMIN1 and flags & 1):
                return True
            if ft == CITY and population >= 100_000:
                return True
        return False

    def _read_chunk(self, text, ftext, tokens, i, j, chunk, sent_starts, persons, titlecase):
        """The mentions in one run of capitalised words; people's names go to `persons`."""
        before, gap_before = self._adjacent_before(text, tokens, i, chunk)
        after_comma = text[max(0, chunk[0].start - 3):chunk[0].start].strip() == ","
        matches = self._matches(text, ftext, tokens, i, j, after_comma)
        if not matches and j - i == 1:
            # no name here; only a title before it can still make it a person's ("president Moon")
            if before is not None and before.text.lower() in TITLES and gap_before in (" ", ". "):
                persons.add(chunk[0].text)
            return []
        if chunk[0].text[0] in "ABC" and text[chunk[0].start:chunk[-1].end].rstrip(".") in _ERA_WORDS \
                and _ERA_BEFORE.search(text, max(0, chunk[0].start - 16), chunk[0].start):
            return []
        sent_start = sent_starts.get(chunk[0].sent, 0)
        # a token between the sentence's start and the chunk is a word before it: no search needed
        sent_initial = not (i and tokens[i - 1].start >= sent_start) and not _HAS_WORD.search(
            text, sent_start, chunk[0].start)
        if j - i == 1:
            return self._read_one_word(text, chunk, matches, before, gap_before, persons, sent_initial, titlecase)
        words = [t.text.lower() for t in chunk]
        kept = self._drop_persons(chunk, words, matches, before, gap_before, persons)
        if kept is None:
            return []
        if self._is_ship(text, kept[0]):
            persons.update(t.text for t in kept[0])      # later mentions of the ship are not places either
            return []
        chunk, words, matches = kept
        if len(chunk) >= 3 and sent_initial and words[1] in CONNECTORS and words[0] in self.common \
                and words[0] not in GEO_PREFIXES and words[0] not in GEO_SUFFIXES and all(m[0] >= 2 for m in matches):
            # "Residents of Mosul", "Parts of Kherson": a word capitalised only because it starts
            # the sentence is not part of the name
            chunk, words = chunk[2:], words[2:]
            matches = [(a - 2, b - 2, *rest) for a, b, *rest in matches]
        # a generic word matched alone after a name belongs to it: "Matsu Islands", not "Matsu"
        # and a place called "Islands"; "Galwan Valley" (a name the gazetteer lacks) is no town
        # called Valley
        matches = [m for m in matches if not (
            m[0] > 0 and m[1] - m[0] == 1 and words[m[0]] in GEO_SUFFIXES and words[m[0] - 1] not in CONNECTORS)]
        whole = self._whole(text, chunk, words, matches)
        out = []
        for match in matches:
            m = self._read_match(text, match, chunk, words, whole, before, sent_initial, titlecase)
            if m is _PERSON:
                persons.update(t.text for t in chunk)   # "Georgia Stevens", "Primrose Riordan"
                return []
            if m is not None:
                out.append(m)
        return out

    def _read_one_word(self, text, chunk, matches, before, gap_before, persons, sent_initial, titlecase):
        """_read_chunk's answer for a chunk of one word that matched (most chunks), without the
        rules that need two words: a title before it makes it a person's name."""
        tok = chunk[0]
        if before is not None and before.text.lower() in TITLES and gap_before in (" ", ". "):
            persons.add(tok.text)
            return []
        if self._is_ship(text, chunk):
            persons.add(tok.text)      # later mentions of the ship are not places either
            return []
        m = self._read_match(text, matches[0], chunk, [tok.text.lower()], True, before, sent_initial, titlecase)
        if m is _PERSON:
            persons.add(tok.text)
            return []
        return [m] if m is not None else []

    def _possessive_names(self, text, ftext, mentions, sent_of):
        """Names with a possessive inside, which runs of capitals do not join: "Cox's Bazar",
        "Martha's Vineyard", "St. John's" is already one."""
        for hit in self._possessive_spans(text):
            s, e = hit
            key = " ".join(ftext[s:e].split())
            if not self._entries(key):
                continue
            mentions = [m for m in mentions if m.end <= s or m.start >= e]
            mentions.append(Mention(s, e, text[s:e], sent_of(s), "toponym", key))
        return mentions

    @staticmethod
    def _possessive_spans(text):
        """(start, end) of "Capital's Capital" runs, found by str.find."""
        for quote in ("'s ", "’s "):
            pos = text.find(quote)
            while pos > 0:
                after = pos + 3
                if after < len(text) and text[after].isupper() and text[pos - 1].isalnum():
                    start = pos - 1
                    while start and text[start - 1].isalnum():
                        start -= 1
                    hit = _POSSESSIVE_NAME.match(text, start)
                    if hit and hit.end() > after:
                        yield hit.start(), hit.end()
                pos = text.find(quote, after)

    @staticmethod
    def _is_ship(text, chunk) -> bool:
        """A ship named after a place: "the corvette Cheonan", "the Cheonan sank", "the Moskva, a
        guided-missile cruiser"."""
        start, end = chunk[0].start, chunk[-1].end
        if text[end:end + 1] == ",":
            hit = _SHIP_APPOSITION.match(text, end)
            if hit is not None and not _SHIP_IDIOM.search(hit.group()):
                return True
        if text[start - 1:start] != " " or text[start - 2:start - 1].lower() not in _SHIP_WORD_ENDS:
            return False
        space = text.rfind(" ", max(0, start - 16), start - 1)
        prev = text[space + 1:start - 1].lower().strip("\"'“‘(")
        if prev in SHIP_NOUNS:
            return True
        if prev == "the":
            after = text[end:end + 30].split()
            nxt = after[0].lower().strip(".,;:") if after else ""
            if nxt in SHIP_VERBS and nxt not in ("was", "were"):
                return True
            return nxt in ("was", "were") and len(after) > 1 and after[1].lower().strip(".,;:") in (
                "sunk", "torpedoed", "scuttled", "sinking")
        return False

    @staticmethod
    def _adjacent_before(text, tokens, i, chunk):
        """The token right before the chunk in its sentence, and the gap between them; (None, "")
        when a skipped word stands between (not adjacent)."""
        before = tokens[i - 1] if i > 0 and tokens[i - 1].sent == chunk[0].sent else None
        gap_before = text[before.end:chunk[0].start] if before else ""
        if before is not None and gap_before != " " and (len(gap_before) > 4 or _HAS_WORD.search(gap_before)):
            before, gap_before = None, ""
        return before, gap_before

    def _drop_persons(self, chunk, words, matches, before, gap_before, persons):
        """A person's name ("Mr Suga", "President Moon", "John Bolton") adds its words to `persons`
        and gives None; "Salvation Army Captain Adam Moore" keeps what comes before the title.
        Returns (chunk, words, matches) left to read, or None."""
        first_title = words[0] in TITLES or chunk[0].text in SHIP_PREFIXES or (
            words[0] in STORM_WORDS and len(words) > 1 and words[1] not in GEO_SUFFIXES)   # "Hurricane Milton"
        prev_title = before is not None and before.text.lower() in TITLES and gap_before in (" ", ". ")
        single_whole = len(matches) == 1 and matches[0][0] == 0 and matches[0][1] == len(chunk)
        if single_whole and first_title and words[0] in TITLES and len(chunk) > 2:
            first_title = False   # a place named after a title: "Queen Alia International Airport"
        if (first_title and len(chunk) > 1 and words[1] not in CONNECTORS) or prev_title:
            name_toks = chunk[1:] if first_title else chunk
            persons.update(t.text for t in name_toks)
            return None
        titled = None if len(words) == 1 or (single_whole and len(chunk) > 2) else next(
            (q for q, w in enumerate(words) if (w in TITLES or w in STORM_WORDS) and q + 1 < len(words)
             and words[q + 1] not in CONNECTORS and words[q + 1] not in GEO_SUFFIXES), None)
        if titled is not None:
            # what follows the title is a person
            persons.update(t.text for t in chunk[titled + 1:])
            chunk, words = chunk[:titled], words[:titled]
            matches = [m for m in matches if m[1] <= titled]
            if not chunk:
                return None
        if len(chunk) >= 2 and words[0] in self.given and not single_whole \
                and not any(w in ORG_WORDS for w in words[1:]) and not all(w in GEO_SUFFIXES for w in words[1:]):
            persons.update(t.text for t in chunk)      # "John Bolton", "Georgia Stevens"; not "Manila Bay"
            return None
        if not matches:
            return None
        return chunk, words, matches

    def _whole(self, text, chunk, words, matches) -> bool:
        """Whether the chunk is nothing but place names (and connectors): then each match is a
        toponym. Several names side by side are places only when each could stand alone
        ("Pyongyang-Washington talks"); "Michael Thomas" is a person."""
        if len(chunk) == 1:
            return True       # one word, and it matched
        covered = sum(m[1] - m[0] for m in matches)
        connectors = sum(1 for w in words if w in CONNECTORS or w in HYPHEN_CONNECTORS or w in ARTICLES)
        whole = covered + connectors >= len(chunk)
        if whole and len(matches) > 1:
            whole = all(self._strong(m[2]) for m in matches) or all(
                text[matches[q][5]:matches[q + 1][4]] in ("-", "/", "–") for q in range(len(matches) - 1))
        return whole

    def _read_match(self, text, match, chunk, words, whole, before, sent_initial, titlecase):
        """What one match inside a chunk is: a Mention (toponym, demonym or embedded), None
        (nothing), or _PERSON (the whole chunk is a person's name)."""
        a, b, key, entries, start, end = match
        sent = chunk[0].sent
        if text[end:end + 1] == "-" and _FLAG_SUFFIX.match(text, end):
            return Mention(start, end, text[start:end], sent, "embedded", key)   # "Liberian-flagged"
        if entries.all_flags & DEMONYM:
            if entries.any_flags & AMBIGUOUS and (sent_initial and a == 0 or titlecase):
                return None
            return Mention(start, end, text[start:end], sent, "demonym", key)
        if key in STOP_PHRASES:
            return None
        kind = "toponym"
        rest = words[:a] + words[b:]
        strong = self._strong(key)
        if whole:
            pass
        elif a == 0 and tuple(words[b:]) in FACILITY_TAILS:
            end = chunk[-1].end       # "Clark Air Base", "Kakhovka Dam"
        elif any(w in ORG_WORDS for w in rest):
            kind = "embedded"         # "Asan Institute", "University of Kentucky", "Environment Canada"
        elif a == 0 and all(w in GEO_SUFFIXES or w in CONNECTORS for w in words[b:]):
            end = chunk[-1].end       # "Mississippi River", "Kangwon Province"
            if (WATER_SUFFIXES.intersection(words[b:]) or RANGE_SUFFIXES.intersection(words[b:])) \
                    and not self._notable(key):
                key = ""              # "Sunda Strait" the gazetteer lacks is no village called Sunda;
                #                       a sea named after a place is named after a notable one ("Kerch
                #                       Strait"); so are mountains ("Nuba Mountains" is no Nūbā, Palestine)
            elif NAMESAKE_DIVISIONS.intersection(words[b:]) and any(
                    f & PRIMARY and p.feature_type in (COUNTRY, ADMIN1) for p, f in self._usable_entries(entries)):
                key = ""              # a "Washington Township" the gazetteer lacks is named after the state, not in it
        elif b == len(chunk) and all(w in GEO_PREFIXES or w in CONNECTORS for w in words[:a]):
            start = chunk[0].start    # "Lake Tahoe", "Gulf of Mexico"
            if not _prefix_fits(words, a, self._usable_entries(entries)):
                key = ""              # "Cape Bon", "Lake Tana": a cape or lake the gazetteer lacks, not Bonn or Tana
        elif b == len(chunk) and all(w in QUALIFIERS for w in words[:a]):
            pass                      # "Eastern Ukraine" keeps Ukraine
        elif a == 0 and words[0] in self.given and not strong:
            return _PERSON
        elif strong:
            kind = "embedded"         # "Tokyo Electric", "Costco Canada"
        else:
            return None               # part of some other name: "Moon Jae-in", "Leif-Eric Easley"
        # "Rafah crossing", "Tongchang-ri", "Lake Superior": more than one word
        extended = end > chunk[a].end + 1 or start < chunk[a].start
        if b - a == 1 and not extended:
            tok_before = before if a == 0 else chunk[a - 1]
            if not self._single_word_ok(text, chunk[a], words[a], key, entries, sent_initial and a == 0,
                                        titlecase, tok_before):
                return None
        if kind == "embedded":
            if words[a] in ORG_WORDS or not self._notable(key):
                return None
            if b - a > 1 and words[b - 1] in GEO_SUFFIXES and self._entries(" ".join(words[a:b - 1])):
                # "Ohio State University", "Dublin City Council": the place is Ohio, Dublin
                end = chunk[b - 2].end
                key = " ".join(words[a:b - 1])
        elif b == len(chunk) and text[end:end + 1] == " ":
            tail = _LOWER_FACILITY.match(text, end)
            whole_key = key + " " + " ".join(tail.group(1).lower().split()) if tail is not None else ""
            if tail is not None and self._entries(whole_key):
                # "Saky air base", "the Zaporizhzhia nuclear power plant": a facility the gazetteer
                # has is named whole ("the Jenin refugee camp" it lacks is a mention of Jenin)
                key, end = whole_key, tail.end()
        if a == 0 and kind == "toponym" and _ARTICLE_BEFORE.match(text, max(0, start - 4), start):
            # "al-Mawasi", "el-Fasher": the article written in lower case before the name is part of it
            article = text[start - 3:start].lower()
            start -= 3
            key = article + key if self._entries(article + key) else key
        return Mention(start, end, text[start:end], sent, kind, key)

    @staticmethod
    def _after_locative(text: str, start: int) -> bool:
        w = _WORD_BEFORE.search(text, max(0, start - 16), start)
        return bool(w) and w.group(1).lower() in LOCATIVE

    def _notable(self, key: str) -> bool:
        hit = self._notable_cache.get(key)
        if hit is None:
            hit = keep(self._notable_cache, key, self._strong(key) or any(
                p.population >= 20_000 or p.feature_type == ADMIN1 for p, _ in self._entries(key)))
        return hit

    def _single_word_ok(self, text, tok, word, key, entries, sent_initial, titlecase, before) -> bool:
        if entries.any_flags & EXACT_CASE:
            return True       # "Ky.", "La.", "US": written exactly as the abbreviation
        if word in STOP or word in QUALIFIERS:
            return False
        if tok.text in ("I",):
            return False
        if text[tok.end:tok.end + 1] == "," and _PLACE_APPOSITION.match(text, tok.end):
            return True       # "retook Lyman, a rail hub in…", "said Narva, its … border city, faced…"
        if tok.text.isupper() and len(tok.text) <= 5 and not titlecase:
            # "AMLO", "SUV": an acronym, not the town that shares its letters; a capital or a
            # country in capitals is a dateline or a headline ("KYIV (AP) —", "ROME, Italy")
            return any(p.feature_type in (CAPITAL, COUNTRY) and f & PRIMARY for p, f in self._usable_entries(entries))
        common = word in self.common
        strong = self._strong(key) and (not common or entries.any_flags & PRIMARY)
        if not strong:
            after = _WORD_AFTER.match(text, tok.end)
            if (after and after.group(1).lower() in SPEECH) or (before is not None and before.text.lower() in SPEECH):
                return False  # "Walsh said", "said Lewis": a person speaking
        if common and (sent_initial or titlecase) and not strong:
            return False
        if common and not strong and _DESIGNATION_NUMBER.match(text, tok.end):
            return False      # "Tower 22", "Camp 15", "Route 66": a designation, not a town called Tower
        if common and not strong:
            # a common word capitalised mid-sentence is a place only in a place's context
            # ("in Mocha", "10 nautical miles west of Mocha")
            return self._in_place_context(text, tok, before)
        if word in self.given and not strong:
            # a given name too ("in Miyako", "50 km east of Miyako"); a coast is off a place, not a person
            return self._in_place_context(text, tok, before) or bool(_OFF_BEFORE.search(text, max(0, tok.start - 5), tok.start))
        return True

    @staticmethod
    def _in_place_context(text, tok, before) -> bool:
        return (before is not None and before.text.lower() in LOCATIVE) or bool(
            _DIRECTION_OF.search(text, max(0, tok.start - 24), tok.start))
