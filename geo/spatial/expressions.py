"""Spatial expressions read from sentences, turned into geometry.

Plain functions over plain data: a sentence's text, its offset in the document, and the places
resolved in it (``PlaceRef``, with document offsets). Each expression becomes a ``Claim``:

- ``distance_direction``  "about 250 km west of the Oga Peninsula"  -> a point (geodesic destination)
- ``direction``           "to the north-east of Shimane prefecture"  -> a sector from the anchor
- ``offshore``            "off the east coast of Hokkaido"           -> a point off the coast
- ``zone``                "inside its exclusive economic zone"       -> whose zone, inside or not
- ``origin``              "fired from Wonsan"                        -> the launch place
- ``in_place``            "landed in the Sea of Japan"               -> a (weak) place constraint
- ``over``                "passed over Hokkaido"                     -> a place on the flight path
- ``distance``            "70 nautical miles off Aden", "40 km from Y" -> a point that far out to sea, or a ring
- ``near``                "near Zaporizhzhia", "on the outskirts of X" -> the place's point, a little wider
- ``district``            "in the Aziziyah district of Karbala"      -> the district, else the city it is in
- ``between``             "between Hama and Salamiyah"               -> the middle of the two
- ``facility``            "Hodeidah's port", "the airport of X"      -> the place's point, narrow
- ``unresolved``          "80 km north-west of Hateruma island"      -> no point: the anchor is not in the gazetteer

Each kind is read by one small reader registered with ``@expression(name)``; ``read_claims`` runs
them in registration order over a sentence, and a reader skips text an earlier one has taken.
``geo.spatial.estimate`` combines the claims about one object into a position.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Callable, Sequence

from gazetteer.bounded import keep
from gazetteer.model import KIND_RADIUS_KM
from geo.model import Claim, PlaceRef
from geo.spatial.measure import (DIRECTION_PATTERN, MAX_DISTANCE_KM, NUMBER_PATTERN, UNIT_PATTERN, area_summary,
                                 bearing_deg, destination, destinations, distance_km, parse_direction, parse_number,
                                 sector, unit_km)
from geo.vocabulary import DIRECTION_ADJECTIVES, IMPACT_PATTERN, LAUNCH_PATTERN, OVERFLIGHT_PATTERN, SPEECH_PATTERN


def zone_shape(zone_geometry: Callable | None, sovereign: str, kind: str):
    """`zone_geometry(sovereign, kind)`, or None when there is no zone data, the lookup fails or
    the state has no such zone: callers then go on without it."""
    if zone_geometry is None:
        return None
    try:
        g = zone_geometry(sovereign, kind)
    except Exception:       # noqa: BLE001 - zones are an addition; a failed lookup never stops a parse
        return None
    return None if g is None or g.is_empty else g


# ---------------------------------------------------------------- patterns

def _starts_of(words: str) -> str:
    """A lookahead for the first letters of an alternation of words (`geo.vocabulary.alternation`),
    matched as the words are (case-insensitively): the search then tries the words only where
    one can start, not each of them at every character. Empty when a word starts with no letter."""
    firsts = {w[:1] for w in words.split("|")}
    if not all(c.isalpha() and c.isascii() for c in firsts):
        return ""
    return "(?=(?i:[" + "".join(sorted(firsts)) + "]))"


_NUM = NUMBER_PATTERN       # linear on runs of digits (geo.spatial.measure)
_APPROX = r"(?:(?i:about|around|some|approximately|roughly|nearly|almost|an\s+estimated|up\s+to|more\s+than|over)\s+)?"
_DIR = r"(?P<dir>" + DIRECTION_PATTERN + r")"
# what the text calls the anchor before naming it: "of the city of Herat", "of the German island of
# Heligoland", "from the Ukrainian port city of Odesa" (the anchor is the name after it, not the demonym)
_DESCRIBED = (r"(?:(?:[A-Z][a-z]+\s+)?(?:[a-z]+\s+)?(?i:city|town|village|port|island|capital|province|region"
              r"|district|county|prefecture|state)\s+(?i:of)\s+)?")
# "97 nautical miles (180 km) northwest of", "40-km north-east from", "150nm NW of"
_DIST_DIR_RE = re.compile(
    _APPROX + r"(?P<n1>" + _NUM + r")(?:\s*(?:-|–|(?i:to))\s*(?P<n2>" + _NUM + r"))?\s*-?\s*(?P<unit>(?i:"
    + UNIT_PATTERN + r"))(?:\s*\([^()]{0,30}\))?\s+(?:(?i:to\s+the)\s+)?(?i:" + _DIR
    + r")\s+(?i:of|from)\s+(?:(?i:the)\s+)?" + _DESCRIBED)
_DIR_RE = re.compile(r"\b(?=(?i:[enstw]))(?:(?i:to\s+the)\s+)?(?i:" + _DIR + r")\s+(?i:of)\s+(?:(?i:the)\s+)?"
                     + _DESCRIBED)
# cheap tests: a direction before "of" ("north-east of", "NW of"); a number before a unit ("97 nautical
# miles", "150nm", "40-km"): the direction and distance readers' regexes cannot match without them
# (the lookahead: the search tries the branches only at a letter that can start one)
_DIR_OF_RE = re.compile(r"(?=[nsew])(?:north|south|east|west|\b[nsew]{1,3})\s+of\b")   # over the lower-cased sentence
_NUMBER_UNIT_RE = re.compile(r"\d\s*-?\s*(?i:n(?:autical|mi?\b)|statute|k(?:ilomet|ms?\b)|mi(?:les?)?\b|met|m\b)")
# the side of a coast: "off the east coast of", "South Korea's north-eastern coast"
_SIDE = r"north|south|east|west|north[\s-]?east|north[\s-]?west|south[\s-]?east|south[\s-]?west"
_OFFSHORE_RE = re.compile(
    r"\b(?=(?i:o))(?i:off)(?!\s+(?i:in|at|on|near|inside)\b)"       # "went off in Baghdad" is no offshore
    r"\s+(?:(?i:the)\s+)?"
    r"(?:(?i:(?P<dir>" + _SIDE + r")(?:ern)?)\s+(?=(?i:coast|shore)))?(?:(?i:coast|coastline|shore)\s+(?i:of)\s+"
    r"(?:(?i:the)\s+)?)?")
# "off South Korea's east coast": the direction after the place
_POSS_COAST_RE = re.compile(r"(?:'s|’s)\s+(?:(?i:(?P<dir>" + _SIDE + r")(?:ern)?)\s+)?(?i:coast|coastline|shore)\b")
_ZONE_WORDS = (r"(?P<zone>(?i:exclusive\s+economic\s+zone|economic\s+zone|EEZ|territorial\s+waters|territorial\s+sea"
               r"|maritime\s+area|maritime\s+zone))\b")
_ZONE_RE = re.compile(
    r"\b(?=(?i:[bijow]))(?P<rel>(?i:just\s+outside|outside\s+of|outside|beyond|inside|within|in|into))\s+"
    r"(?P<owner>(?:(?i:its|our|their|the)\s+)?(?:[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*){0,2}(?:'s|’s)?\s+)?)"
    r"(?:(?i:own)\s+)?" + _ZONE_WORDS)
_ZONE_IT_RE = re.compile(r"\b(?=(?i:[bijow]))(?P<rel>(?i:just\s+outside|outside|beyond|inside|within))\s+"
                         r"(?:(?i:of)\s+)?(?i:it)\b")
_ORIGIN_RE = re.compile(
    r"\b" + _starts_of(LAUNCH_PATTERN + "|launch") + r"(?i:" + LAUNCH_PATTERN + r"|launch(?:es)?)\b.{0,80}?\b(?i:from)\s+"
    r"(?:(?i:near|around|close\s+to)\s+)?"
    # "from a site near Sanya", "from the coast of Fujian province", "from a launch pad in"
    r"(?:(?i:a|an|the)\s+(?:[a-z-]+\s+){0,2}?(?i:site|location|position|pad|facility|base|coast|coastline)\s+"
    r"(?i:near|in|at|on|outside|around|of)\s+(?:(?i:the)\s+)?"
    r"|(?i:the)\s+(?:(?i:area|vicinity|region)\s+(?:(?i:of|around|near)\s+)"
    # "from near the east coast city of Wonsan", "from the Yemeni capital Sanaa"
    r"|(?:[A-Z][a-z]+\s+)?(?:[a-z-]+\s+){0,3}?(?i:city|town|port|capital)\s+(?:(?i:of)\s+)?)?)?"
    # "from Houthi-controlled areas of Yemen", "from rebel-held parts of"
    r"(?:(?:[\w-]+-(?i:controlled|held|run)\s+)?(?i:areas?|parts?|territory|regions?)\s+(?i:of|in)\s+)?")
_IN_AFTER_IMPACT_RE = re.compile(r"\b" + _starts_of(IMPACT_PATTERN) + r"(?i:" + IMPACT_PATTERN
                                 # "crashed in a field in Przewodow", "fell near a village in Guizhou"
                                 + r")\s+(?:(?i:in|into|on|near)\s+(?i:a|an)\s+(?:[a-z-]+\s+){1,3}?(?i:in|near|outside|of)\s+"
                                 + r"|(?i:in|into|on)\s+)(?:(?i:the)\s+)?")
_INTL_RE = re.compile(r"\b(?=(?i:i))(?i:in|into)\s+(?i:international\s+waters|the\s+high\s+seas)\b")
_OVER_RE = re.compile(r"\b" + _starts_of(OVERFLIGHT_PATTERN) + r"(?i:" + OVERFLIGHT_PATTERN + r")\s+(?:(?i:the)\s+)?")
_IN_WATER_RE = re.compile(r"\b(?=(?i:i))(?i:in|into)\s+(?:(?i:the)\s+)?")
_SPEECH_RE = re.compile(r"\b(?:" + SPEECH_PATTERN + r")\b")
# "70 nautical miles off Aden", "some 40 km from Mariupol", "150nm off the coast of Yemen"
_DISTANCE_RE = re.compile(
    _APPROX + r"(?P<n1>" + _NUM + r")\s*-?\s*(?P<unit>(?i:" + UNIT_PATTERN + r"))(?:\s*\([^()]{0,30}\))?\s+"
    r"(?P<rel>(?i:off|from|away\s+from|outside|out\s+of))\s+(?:(?i:the)\s+)?(?:(?:(?i:(?P<side>" + _SIDE
    + r")(?:ern)?)\s+)?(?i:coast|coastline|shore)\s+(?i:of)\s+(?:(?i:the)\s+)?)?" + _DESCRIBED)
_NEAR_RE = re.compile(
    r"\b(?=(?i:[acijnot]))(?P<rel>(?i:near|close\s+to|not\s+far\s+from|in\s+the\s+vicinity\s+of"
    r"|on\s+the\s+(?:outskirts|edge)\s+of"
    r"|in\s+the\s+outskirts\s+of|the\s+outskirts\s+of|outskirts\s+of|just\s+outside|outside|around))\s+"
    r"(?:(?i:the)\s+)?(?:(?:[A-Z][a-z]+\s+)?(?i:[a-z]+\s+)?(?i:city|town|village|port|capital)\s+(?i:of)\s+)?")
# a part of the place named next: "the main terminal of", "the northern outskirts of", "northern"
_PART_BEFORE_PLACE = re.compile(r"(?:(?i:the)\s+)?(?:(?:[a-z-]+\s+){1,2}of\s+(?:(?i:the)\s+)?|(?i:"
                                + "|".join(sorted(DIRECTION_ADJECTIVES, key=len, reverse=True)) + r")\s+)")
_DISTRICT_WORDS = r"(?i:district|neighbourhood|neighborhood|suburb|quarter|area|camp|township|borough|locality)"
# "in the Aziziyah district of Karbala", "the Amriya district in Baghdad"
_DISTRICT_RE = re.compile(r"\b(?P<x>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,3})\s+" + _DISTRICT_WORDS
                          + r"\s+(?i:of|in)\s+(?:(?i:the)\s+)?(?:(?i:city|town|capital)\s+(?:(?i:of)\s+)?)?")
# "the Paris suburb of Nanterre": a place's suburb, named after "of"
_SUBURB_OF = re.compile(r"\s+(?i:suburb|neighbou?rhood|borough|township)\s+(?i:of)\s")
# between an owner and what it owns: "Hokkaido's Oshima", "Japan's northern island of Hokkaido"
OWNED_GAP = re.compile(r"['’]s\s+(?:[a-z-]+\s+){0,3}")
# "Baghdad's western Amriya district"
_POSS_DISTRICT_RE = re.compile(r"(?:'s|’s)\s+(?:[a-z]+\s+){0,2}(?P<x>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,3})\s+"
                               + _DISTRICT_WORDS + r"\b")
_BETWEEN_RE = re.compile(r"\b(?i:between)\s+(?:(?i:the)\s+)?(?:(?i:cities|towns|villages|ports)\s+of\s+)?")
_FACILITY_WORDS = r"(?i:port|airport|harbour|harbor|air\s+base|airbase|naval\s+base|oil\s+terminal|refinery)"
_FACILITY_RE = re.compile(r"\b(?=(?i:[ahnoprt]))(?i:the\s+)?" + _FACILITY_WORDS
                          + r"\s+(?i:of|in|at|near)\s+(?:(?i:the)\s+)?")
# a name, then at most two lower-case words, right before a facility's word ("Kremenchuk oil ")
_NAMED_BEFORE = re.compile(r"[A-Z][\w'’-]*\s+(?:[a-z-]+\s+){0,2}$")
_TOWNS = frozenset({"city", "capital", "site"})
_POSS_FACILITY_RE = re.compile(r"(?:'s|’s)\s+(?:[A-Za-z]+\s+)?" + _FACILITY_WORDS + r"\b")
# a distance and direction from a name the gazetteer does not know
_UNRESOLVED_RE = re.compile(_DIST_DIR_RE.pattern + r"(?P<anchor>[A-Z][\w'’-]*(?:\s+(?:[A-Z][\w'’-]*|(?i:island|islands"
                            r"|peninsula|cape|point|port|city|town|village|prefecture|province)))*)")
OFFSHORE_KM = 30.0             # "off Aden": this far out, and as uncertain
DISTRICT_KM = 50.0             # a district named as in a city lies within this of the city's point
NEAR_KM = 15.0                 # how far "near X" may be from X's point, beyond X's own size
FACILITY_KM = 10.0             # a city's port or airport: within this of the city's point
STRAIT_KM = 150.0              # how far from its point a strait may be (Hormuz, Kerch, Bab-el-Mandeb…)

_PRONOUN_OWNERS = {"its", "our", "their", "his", "her"}

# uncertainty (km) of a place used as an origin or a weak location, by feature type
PLACE_RADIUS_KM = KIND_RADIUS_KM

SECTOR_HALF_WIDTH = 22.5       # degrees either side of the stated direction
SECTOR_RADIUS_KM = 450.0       # how far "north-east of X" reaches (an EEZ is 370 km wide)


# ---------------------------------------------------------------- quotes and speakers

def quote_spans(text: str) -> list[tuple[int, int]]:
    """Spans of quoted speech: curly quotes paired in order; straight quotes paired in turn."""
    spans = []
    open_at = None
    for m in re.finditer(r"[“”\"]", text):
        ch = m.group()
        if ch == "“" or (ch == '"' and open_at is None):
            if open_at is None:
                open_at = m.start()
        else:
            if open_at is not None:
                spans.append((open_at, m.end()))
                open_at = None
    if open_at is not None:          # an unclosed quote runs to the end of its paragraph
        end = text.find("\n\n", open_at)
        spans.append((open_at, len(text) if end < 0 else end))
    return sorted(spans)


def _in_spans(pos: int, spans: Sequence[tuple[int, int]]) -> bool:
    """Whether pos lies in one of `spans` (sorted, not overlapping, as quote_spans gives them)."""
    i = bisect_right(spans, (pos, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


def find_speaker(sentence: str, offset: int, places: Sequence[PlaceRef],
                 quotes: Sequence[tuple[int, int]] = ()) -> str | None:
    """The country (ISO alpha-2) speaking in a sentence: the country or demonym mention, outside
    quotes, nearest to a verb of saying ("The Japanese government said", "Yoshihide Suga, Japan's
    chief cabinet secretary, confirmed"). None when the sentence attributes nothing to a country."""
    verbs = [(offset + m.start(), m.group().startswith("according")) for m in _SPEECH_RE.finditer(sentence)
             if not _in_spans(offset + m.start(), quotes)]
    if not verbs:
        return None
    countries = [p for p in places if p.feature_type == "country" and p.country_code
                 and offset <= p.start < offset + len(sentence) and not _in_spans(p.start, quotes)]
    if not countries:
        return None

    def gap(p: PlaceRef) -> float:
        # a speaker stands before its verb ("Japan said"), or after "according to"
        best = float("inf")
        for v, according in verbs:
            if p.end <= v and v - p.end <= 90:
                best = min(best, v - p.end)
            elif according and 0 <= p.start - v <= 40:
                best = min(best, p.start - v)
        return best

    best = min(countries, key=gap)
    return best.country_code if gap(best) < float("inf") else None


# ---------------------------------------------------------------- reading claims

@dataclass
class SentenceReading:
    """One sentence being read: its text and places, and the claims found so far."""
    sentence: str
    offset: int                    # where the sentence starts in the document
    places: list[PlaceRef]         # the places inside it, in text order
    speaker: str | None = None     # ISO alpha-2 of the country speaking ("its", "our" zones)
    previous_zone: Claim | None = None
    zone_geometry: Callable | None = None
    shape_of: Callable | None = None    # a place's outline (geo.spatial.parts.Shapes), for "southern Lebanon"
    claims: list[Claim] = field(default_factory=list)
    low: str = ""                  # the sentence in lower case: readers test for their words first
    measured: bool = False         # whether a number stands before a unit of distance

    def __post_init__(self) -> None:
        self.low = self.sentence.lower()
        self.measured = _NUMBER_UNIT_RE.search(self.sentence) is not None

    def has(self, *words: str) -> bool:
        """Whether any of these (lower-case) strings occurs in the sentence: a reader's cheap test
        before its regex (its regex cannot match without one of them)."""
        low = self.low
        for w in words:             # (a loop: cheaper than any() over a generator)
            if w in low:
                return True
        return False

    def add(self, claim: Claim) -> None:
        self.claims.append(claim)

    def free(self, start: int, end: int) -> bool:
        """Whether no claim read so far covers any of [start, end)."""
        return all(end <= c.start or start >= c.end for c in self.claims)

    def place_after(self, pos: int, slack: int = 3) -> PlaceRef | None:
        """The place starting within `slack` characters after document offset `pos`."""
        for p in self.places:
            if pos <= p.start <= pos + slack:
                return p
        return None

    def place_named_after(self, pos: int) -> PlaceRef | None:
        """The place named right after document offset `pos`, read past a part of it ("the main
        terminal of", "northern") and through its owner's possessive ("Israel's Ben Gurion
        International Airport", "Japan's Aomori prefecture"): the place itself, not its owner."""
        m = _PART_BEFORE_PLACE.match(self.sentence, pos - self.offset)
        p = self.place_after(pos) or (self.place_after(self.offset + m.end()) if m and m.end() > pos - self.offset
                                      else None)
        if p is not None and _possessive(self, p):
            q = self.owned(p)
            return q if q is not p else None
        return p

    def owned(self, p: PlaceRef) -> PlaceRef:
        """The place p's possessive names, when it names one ("Hokkaido's Oshima peninsula",
        "Japan's northern island of Hokkaido"): the smaller, nearer anchor. Else p."""
        for q in self.places:
            if p.end < q.start <= p.end + 40 and OWNED_GAP.fullmatch(self.words(p.end, q.start)):
                return q
        return p

    def anchored(self, rx: re.Pattern):
        """(match, start, place) for each match of `rx` followed by a place, where no earlier
        claim covers the expression (document offsets)."""
        for m in rx.finditer(self.sentence):
            s = self.offset + m.start()
            p = self.place_after(self.offset + m.end())
            if p is not None and self.free(s, p.end):
                yield m, s, p

    def words(self, start: int, end: int) -> str:
        """The sentence's text between two document offsets."""
        return self.sentence[start - self.offset:end - self.offset]


EXPRESSIONS: list[tuple[str, Callable[[SentenceReading], None]]] = []


def expression(name: str, before: str | None = None):
    """Register a reader of one kind of spatial expression; readers run in registration order, or
    just before the reader called `before` (an earlier reader takes the text first)."""
    def register(reader: Callable[[SentenceReading], None]):
        at = next((k for k, (n, _) in enumerate(EXPRESSIONS) if n == before), len(EXPRESSIONS))
        EXPRESSIONS.insert(at, (name, reader))
        return reader
    return register


def read_claims(sentence: str, places: Sequence[PlaceRef], offset: int = 0, speaker: str | None = None,
                previous_zone: Claim | None = None, zone_geometry: Callable | None = None,
                shape_of: Callable | None = None) -> list[Claim]:
    """Every spatial expression in one sentence, in text order.

    `places` are the resolved places (document offsets; others are ignored); `offset` is where the
    sentence starts in the document; `speaker` resolves "its"/"our"/"their" zones; `previous_zone`
    resolves "outside the maritime area" / "outside it" when the sentence names no zone itself;
    `zone_geometry(sovereign, kind)` (geo.spatial.zones) lets "off the coast of X" step off the land;
    `shape_of(place)` (geo.spatial.parts.Shapes) gives "southern Lebanon" its part of Lebanon.
    """
    end = offset + len(sentence)
    # a name the gazetteer lacks, placed only at the article's main place, anchors nothing
    here = sorted((p for p in places if offset <= p.start < end and not p.fallback), key=lambda p: p.start)
    reading = SentenceReading(sentence, offset, here, speaker, previous_zone, zone_geometry, shape_of)
    for _, reader in EXPRESSIONS:
        reader(reading)
    return sorted(reading.claims, key=lambda c: c.start)


def _radius_for(place: PlaceRef) -> float:
    r = PLACE_RADIUS_KM.get(place.feature_type, 50.0)
    if place.feature_type == "water":
        name = place.name.lower()
        if "ocean" in name:
            r = 3000.0
        elif "strait" in name:
            r = STRAIT_KM       # "the Bali Strait": a sea's 400 km would reach Lombok and Madura
    return r


def uncertainty_for(place: PlaceRef) -> float:
    """How far from its point a place may be: its kind's size, or, for a name the gazetteer lacks
    put at its container's point, how far that container reaches (not used to step from it)."""
    return place.reach_km or _radius_for(place)


@expression("distance_direction")
def _distance_direction(r: SentenceReading) -> None:
    """"250 km west of the Oga Peninsula": a geodesic destination."""
    if not r.places or not r.measured:
        return
    for m in _DIST_DIR_RE.finditer(r.sentence):
        p = r.place_after(r.offset + m.end())
        bearing = parse_direction(m.group("dir"))
        if p is None or bearing is None:
            continue
        p = r.owned(p)
        n1 = parse_number(m.group("n1"))
        n2 = parse_number(m.group("n2")) if m.group("n2") else n1
        per = unit_km(m.group("unit"))
        lo, hi = min(n1, n2) * per, max(n1, n2) * per
        mid = (lo + hi) / 2.0
        if not hi <= MAX_DISTANCE_KM:       # 10^400 km (inf), NaN: no place on the earth
            continue
        point = destination(p.lon, p.lat, bearing, mid)
        unc = max(0.1 * mid + (hi - lo) / 2.0, 20.0) + p.reach_km     # (from a container's point: as far off)
        s = r.offset + m.start()
        r.add(Claim("distance_direction", r.words(s, p.end), s, p.end, p, point, None,
                    round(unc, 1), by=r.speaker, bearing=bearing, distance_km=round(mid, 3)))


@expression("direction")
def _direction(r: SentenceReading) -> None:
    """"to the north-east of Shimane prefecture": a sector from the anchor."""
    if not r.places or not _DIR_OF_RE.search(r.low):
        return
    for m in _DIR_RE.finditer(r.sentence):
        s = r.offset + m.start()
        p = r.place_after(r.offset + m.end())
        bearing = parse_direction(m.group("dir"))
        if p is None or bearing is None or not r.free(s, p.end):
            continue
        area, summ = _sector_area(p.lon, p.lat, bearing, _sector_reach(r, p))
        r.add(Claim("direction", r.words(s, p.end), s, p.end, p, summ[0] if summ else None, area,
                    round(summ[1], 1) if summ else None, by=r.speaker, bearing=bearing))


# sectors and their summaries by anchor point, bearing and reach: the same directions from the same
# places recur across articles ("north of Baghdad"), and each costs a geodesic polygon and a grid test
_SECTORS: dict[tuple[float, float, float, float], tuple] = {}
_SECTORS_MAX = 1024


def _sector_area(lon: float, lat: float, bearing: float, reach: float):
    """The sector from (lon, lat) toward `bearing`, `reach` km long, and its `area_summary`."""
    key = (lon, lat, bearing, reach)
    found = _SECTORS.get(key)
    if found is None:
        area = sector(lon, lat, bearing, SECTOR_HALF_WIDTH, reach)
        found = keep(_SECTORS, key, (area, area_summary(area)), _SECTORS_MAX)
    return found


# "east of Rafah" on land is the town's edge, not 300 km out; "north-east of Shimane", a sea
# "west of Wonsan" where a missile fell, reach far
_NEAR_TOWN_REACH_KM = {"city": 40.0, "capital": 40.0, "site": 20.0, "point": 20.0, "admin2": 120.0}
_AT_SEA = ("sea", "waters", "ocean", "coast", "splash", "landed", "fell", "falling", "impact", "missile", "zone")


def _sector_reach(r: SentenceReading, p: PlaceRef) -> float:
    if p.feature_type in _NEAR_TOWN_REACH_KM and not r.has(*_AT_SEA):
        return _NEAR_TOWN_REACH_KM[p.feature_type]
    return SECTOR_RADIUS_KM


# "southern Lebanon", "the southern Red Sea", "central Mali": a part of a country, sea or region
_PART_RE = re.compile(r"\b(?P<dir>(?i:north-?eastern|north-?western|south-?eastern|south-?western|northern|southern"
                      r"|eastern|western|central))\s+(?:(?i:part|parts)\s+of\s+(?:(?i:the)\s+)?)?$")


@expression("part")
def _part(r: SentenceReading) -> None:
    """"in southern Lebanon", "the southern Red Sea": the part of the place's outline toward the
    direction, when the place has one (countries, seas, regions)."""
    if r.shape_of is None or not r.has("ern ", "central "):
        return
    for p in r.places:
        if p.feature_type not in ("country", "water", "region"):
            continue
        at = p.start - r.offset
        m = _PART_RE.search(r.sentence, max(0, at - 40), at)
        if m is None or not r.free(r.offset + m.start(), p.end):
            continue
        from geo.spatial.parts import part_of       # (shapely: imported when a text needs it)
        word = m.group("dir").lower()
        bearing = None if word == "central" else parse_direction(word.replace("ern", ""))
        found = part_of(r.shape_of(p), bearing)
        if found is not None:
            s = r.offset + m.start()
            r.add(Claim("part", r.words(s, p.end), s, p.end, p, found.point, None, found.radius_km, by=r.speaker))


@expression("offshore")
def _offshore(r: SentenceReading) -> None:
    """"off the east coast of Hokkaido", "off Hokkaido", "off South Korea's east coast"."""
    if not r.places or not r.has("off"):
        return
    for m in _OFFSHORE_RE.finditer(r.sentence):
        s = r.offset + m.start()
        p = r.place_after(r.offset + m.end())
        if p is None or not r.free(s, p.end):
            continue
        bearing = parse_direction(m.group("dir")) if m.group("dir") else None
        e = p.end
        poss = _POSS_COAST_RE.match(r.sentence, p.end - r.offset)
        if poss is not None:
            e = r.offset + poss.end()
            if poss.group("dir"):
                bearing = parse_direction(poss.group("dir"))
        point, unc = _offshore_point(p, bearing, r.zone_geometry)
        r.add(Claim("offshore", r.words(s, e), s, e, p, point, None, unc, by=r.speaker, bearing=bearing))


@expression("zone")
def _zone(r: SentenceReading) -> None:
    """"inside its exclusive economic zone", "outside the maritime area", "within our EEZ",
    "outside it" (the zone named last)."""
    if not r.has("zone", "eez", "territorial", "maritime", "outside", "inside", "beyond", "within"):
        return
    last_zone = r.previous_zone
    hits = [(m.start(), m, False) for m in _ZONE_RE.finditer(r.sentence)]
    hits += [(m.start(), m, True) for m in _ZONE_IT_RE.finditer(r.sentence)]
    for _, m, is_it in sorted(hits, key=lambda t: t[0]):
        rel = m.group("rel").lower()
        inside = not (rel.startswith("outside") or rel.startswith("just outside") or rel == "beyond")
        if is_it:
            if last_zone is None:
                continue
            sov, kind = last_zone.zone_sovereign, last_zone.zone_kind
        else:
            sov, kind = _zone_owner(r, m, last_zone)
        c = Claim("zone", m.group(), r.offset + m.start(), r.offset + m.end(), zone_kind=kind,
                  zone_sovereign=sov, inside=inside, by=r.speaker)
        r.add(c)
        last_zone = c


def _zone_owner(r: SentenceReading, m: re.Match, last_zone: Claim | None) -> tuple[str | None, str]:
    """Whose zone, and which kind: a country named before the zone words, "its"/"our" (the
    speaker's), "the maritime area" (the zone named last), else the speaker's."""
    words = m.group("zone").lower()
    kind = "territorial_sea" if "territorial" in words else "EEZ"
    owner = m.group("owner").strip()
    o_s = r.offset + m.start("owner")
    o_e = o_s + len(m.group("owner"))
    owner_place = next((p for p in r.places if o_s <= p.start < o_e and p.country_code), None)
    first = owner.split()[0].lower() if owner else ""
    if owner_place is not None:
        return owner_place.country_code, kind
    if first in _PRONOUN_OWNERS:
        return r.speaker, kind
    if last_zone is not None and ("maritime" in words or first == "the" or not owner):
        return last_zone.zone_sovereign, (last_zone.zone_kind if "maritime" in words else kind)
    return r.speaker, kind


@expression("international_waters")
def _international_waters(r: SentenceReading) -> None:
    """"in international waters": outside every state's territorial sea."""
    if not r.has("international", "high"):
        return
    for m in _INTL_RE.finditer(r.sentence):
        r.add(Claim("zone", m.group(), r.offset + m.start(), r.offset + m.end(), zone_kind="territorial_sea",
                    zone_sovereign=None, inside=False, by=r.speaker))


@expression("origin")
def _origin(r: SentenceReading) -> None:
    """"fired from Wonsan", "launched from the area of Tongchang-ri"."""
    if not r.places or not r.has("from"):
        return
    for m in _ORIGIN_RE.finditer(r.sentence):
        p = r.place_after(r.offset + m.end())
        if p is None:
            continue
        s = r.offset + m.start() + m.group().lower().rfind("from")
        e = p.end
        tail = re.match(r"\s+(?:area|region|vicinity|county|province)\b", r.sentence[p.end - r.offset:])
        if tail:
            e += tail.end()
        r.add(Claim("origin", r.words(s, e), s, e, p, (p.lon, p.lat), None, uncertainty_for(p), by=r.speaker))


@expression("over")
def _over(r: SentenceReading) -> None:
    """"passed over Hokkaido", "overflew Japan"."""
    if not r.places or not r.has("over", "overfl"):
        return
    for m in _OVER_RE.finditer(r.sentence):
        p = r.place_named_after(r.offset + m.end())
        if p is None or not r.free(p.start, p.end):
            continue
        s = r.offset + m.start()
        r.add(Claim("over", r.words(s, p.end), s, p.end, p, (p.lon, p.lat), None, uncertainty_for(p), by=r.speaker))


def _possessive(r: SentenceReading, p: PlaceRef) -> bool:
    """"in Japan's waters" names the owner, not the place."""
    return r.sentence[p.end - r.offset:p.end - r.offset + 2] in ("'s", "’s")


@expression("in_place")
def _in_place(r: SentenceReading) -> None:
    """"landed in the Sea of Japan"; and any "in the <sea>" ("... within our EEZ in the Sea of Japan")."""
    readers = []
    if r.places and r.has("land", "fell", "fall", "splash", "impact", "crash", "came", "come", "drop"):
        readers.append((_IN_AFTER_IMPACT_RE, False))
    if any(p.feature_type == "water" for p in r.places):
        readers.append((_IN_WATER_RE, True))
    for rx, water_only in readers:
        for m in rx.finditer(r.sentence):
            p = r.place_after(r.offset + m.end())
            if p is None or (water_only and p.feature_type != "water") or not r.free(p.start, p.end) \
                    or _possessive(r, p):
                continue
            s = r.offset + m.start()
            r.add(Claim("in_place", r.words(s, p.end), s, p.end, p, (p.lon, p.lat), None, uncertainty_for(p),
                        by=r.speaker))


def _offshore_point(p: PlaceRef, bearing: float | None, zone_geometry: Callable | None
                    ) -> tuple[tuple[float, float], float]:
    """A point just off the coast: step from the place along the bearing until off its land."""
    base = _radius_for(p)
    if bearing is None and p.feature_type in ("city", "capital", "point", "admin2"):
        point, seaward = _seaward_point(p, OFFSHORE_KM, zone_geometry)     # "off Aden": out to sea from it
        if seaward is not None:
            return point, max(base, OFFSHORE_KM)
    if bearing is None:
        unc = max(base, 100.0)
        coast = _nearest_coast(p, zone_geometry) if p.feature_type in ("country", "admin1") else None
        # "off Libya": at sea, not in the desert, when the place's own circle does not reach the sea
        if coast is not None and distance_km(p.lon, p.lat, *coast) > unc:
            return coast, unc
        return (p.lon, p.lat), unc
    # zones unavailable: fall back to a fixed step
    land = zone_shape(zone_geometry, p.country_code, "land") if p.country_code else None
    if land is not None:
        import shapely
        for d in range(0, 1500, 10):
            x, y = destination(p.lon, p.lat, bearing, d)
            if not shapely.contains_xy(land, x, y):
                # off the coast: 30 km further, and still at sea (not across a bay onto a cape)
                x2, y2 = destination(p.lon, p.lat, bearing, d + 30)
                if not shapely.contains_xy(land, x2, y2):
                    return (x2, y2), max(base / 2.0, 60.0)
    return destination(p.lon, p.lat, bearing, 100.0), max(base, 150.0)


def _beyond_the_coast(p: PlaceRef, bearing: float, d: float, zone_geometry: Callable | None,
                      outline=None) -> tuple[float, float]:
    """`d` km out to sea beyond the place's coast on that side: from the middle of the coast of its
    land (the piece that holds the place, or is nearest it) that lies furthest that way (the tenth
    of its extent; "the western coast of Crete": Crete's west end), `d` further along the bearing.
    `outline`: the place's own (an island's Natural Earth polygon), else its country's land."""
    land = outline if outline is not None else (
        zone_shape(zone_geometry, p.country_code, "land") if p.country_code else None)
    if land is not None and not land.is_empty:
        import math
        import shapely
        from geo.spatial.parts import piece_at
        xy = shapely.get_coordinates(piece_at(land, p.lon, p.lat).exterior)
        dx, dy = math.sin(math.radians(bearing)), math.cos(math.radians(bearing))
        far = (xy[:, 0] - p.lon) * math.cos(math.radians(p.lat)) * dx + (xy[:, 1] - p.lat) * dy
        x, y = xy[far >= far.max() - 0.1 * (far.max() - far.min())].mean(axis=0)
        return destination(float(x), float(y), bearing, d)
    return destination(p.lon, p.lat, bearing, _radius_for(p) + d)


def _nearest_coast(p: PlaceRef, zone_geometry: Callable | None) -> tuple[float, float] | None:
    """Of a country's (or division's) territorial sea, the point nearest the place's own point,
    a few km out: where "off the coast of X" is when the text says no more."""
    sea = zone_shape(zone_geometry, p.country_code, "territorial_sea") if p.country_code else None
    if sea is None:
        return None
    import shapely
    edge = shapely.shortest_line(shapely.Point(p.lon, p.lat), sea)
    if edge is None or edge.is_empty:
        return None
    (x0, y0), (x1, y1) = edge.coords[0], edge.coords[-1]
    if (x0, y0) == (x1, y1):
        return None              # the place's point is at sea already
    return destination(x1, y1, bearing_deg(x0, y0, x1, y1), 5.0)


# ---------------------------------------------------------------- more kinds, for every kind of event

@expression("distance", before="offshore")
def _distance(r: SentenceReading) -> None:
    """"70 nautical miles off Aden" (out to sea from it), "40 km from Mariupol" (a ring)."""
    if not r.places or not r.measured:
        return
    for m, s, p in r.anchored(_DISTANCE_RE):
        d = parse_number(m.group("n1")) * unit_km(m.group("unit"))
        if m.group("rel").lower() == "off" and m.group("side"):
            bearing = parse_direction(m.group("side"))      # "40 km off the western coast of Crete"
            outline = r.shape_of(p) if r.shape_of is not None and p.feature_type == "region" else None
            point, unc = _beyond_the_coast(p, bearing, d, r.zone_geometry, outline), max(0.25 * d, 20.0)
        elif m.group("rel").lower() == "off":
            point, bearing = _seaward_point(p, d, r.zone_geometry)
            unc = max(0.25 * d, 20.0) if bearing is not None else d + uncertainty_for(p)
        else:
            point, bearing, unc = (p.lon, p.lat), None, d + uncertainty_for(p)
        r.add(Claim("distance", r.words(s, p.end), s, p.end, p, point, None, round(unc, 1), by=r.speaker,
                    bearing=bearing, distance_km=round(d, 3)))


@expression("near")
def _near(r: SentenceReading) -> None:
    """"near Zaporizhzhia", "on the outskirts of Kharkiv", "outside the town of X"."""
    if not r.places or not r.has("near", "close", "far", "vicinity", "outskirts", "edge", "outside", "around"):
        return
    for m in _NEAR_RE.finditer(r.sentence):
        s, p = r.offset + m.start(), r.place_named_after(r.offset + m.end())
        if p is None or not r.free(s, p.end):
            continue
        r.add(Claim("near", r.words(s, p.end), s, p.end, p, (p.lon, p.lat), None,
                    round(uncertainty_for(p) + NEAR_KM, 1), by=r.speaker))


@expression("district")
def _district(r: SentenceReading) -> None:
    """"in the Aziziyah district of Karbala", "Baghdad's Amriya district": the district when the
    gazetteer knows it, else the city it is in (wider)."""
    if not r.places or not r.has("district", "neighbo", "suburb", "quarter", "area", "camp", "township",
                                 "borough", "locality"):
        return
    found = []
    for m in _DISTRICT_RE.finditer(r.sentence):
        after = r.place_after(r.offset + m.end())
        named = next((p for p in r.places if p.start == r.offset + m.start("x")), None)
        if after is not None and named is not None and named.end == r.offset + m.end("x") and (
                named.feature_type == "capital" or _SUBURB_OF.match(r.sentence, m.end("x"))):
            # "the Paris suburb of Nanterre", "the Tehran district of Evin": the name after "of" is the
            # part; the place before it says whose
            found.append((after.start - r.offset, after.end - r.offset, named, m.start("x")))
            continue
        found.append((m.start("x"), m.end("x"), after, m.end()))
    for m in _POSS_DISTRICT_RE.finditer(r.sentence):
        owner = next((p for p in r.places if p.end == r.offset + m.start()), None)
        found.append((m.start("x"), m.end("x"), owner, m.end()))
    for xs, xe, container, end in found:
        s, e = r.offset + min(xs, end), r.offset + max(xe, end)
        if container is not None:
            s, e = min(s, container.start), max(e, container.end)
        # (the gazetteer may know the name with its generic word: "North Waziristan district")
        known = next((p for p in r.places if p.start == r.offset + xs and p.end <= r.offset + max(xe, end)), None)
        if known is not None and container is not None and not _divides(container, known) and distance_km(
                known.lon, known.lat, container.lon, container.lat) > DISTRICT_KM:
            known = None            # a namesake elsewhere: the text puts the district in the container
        anchor = known or container
        if anchor is None or not r.free(r.offset + xs, r.offset + xe):
            continue
        unc = uncertainty_for(anchor) if known else uncertainty_for(anchor) + 5.0
        r.add(Claim("district", r.words(s, e), s, e, anchor, (anchor.lon, anchor.lat), None, round(unc, 1),
                    by=r.speaker))


def _divides(container: PlaceRef, part: PlaceRef) -> bool:
    """A country or a province the part lies in, as far as the gazetteer says ("Bajaur district of
    Pakistan": Bajaur is Pakistan's, however far from its middle)."""
    return container.feature_type in ("country", "admin1") and bool(part.country_code) \
        and part.country_code == container.country_code


@expression("between")
def _between(r: SentenceReading) -> None:
    """"between Hama and Salamiyah": the middle of the two, as wide as half the way between."""
    if not r.places or not r.has("between"):
        return
    for _, s, a in r.anchored(_BETWEEN_RE):
        rest = re.match(r"\s*(?:,\s*)?(?i:and)\s+(?:(?i:the)\s+)?", r.sentence[a.end - r.offset:])
        b = r.place_after(a.end + rest.end()) if rest else None
        if b is None or not r.free(s, b.end):
            continue
        d = distance_km(a.lon, a.lat, b.lon, b.lat)
        mid = destination(a.lon, a.lat, bearing_deg(a.lon, a.lat, b.lon, b.lat), d / 2.0)
        unc = d / 2.0 + max(uncertainty_for(a), uncertainty_for(b))
        r.add(Claim("between", r.words(s, b.end), s, b.end, a, mid, None, round(unc, 1), by=r.speaker,
                    distance_km=round(d, 3)))


@expression("facility")
def _facility(r: SentenceReading) -> None:
    """"Hodeidah's port", "the port of Odesa", "the airport in Kabul"."""
    if not r.places or not r.has("port", "harbo", "base", "terminal", "refinery"):
        return
    for m, s, p in r.anchored(_FACILITY_RE):
        # "the Kremenchuk oil refinery in Poltava region": Kremenchuk's, in the region
        owner = next((q for q in r.places if q.end <= s and s - q.end <= 24 and distance_km(
            q.lon, q.lat, p.lon, p.lat) <= uncertainty_for(p) + NEAR_KM), None) if _NAMED_BEFORE.search(
            r.sentence, max(0, m.start() - 24), m.start()) else None
        at, start = (owner, owner.start) if owner is not None else (p, s)
        # a facility "in Poltava region" may be anywhere in it; "the port of Odesa" is by the city
        unc = FACILITY_KM if at.feature_type in _TOWNS and not at.reach_km else max(FACILITY_KM, uncertainty_for(at))
        r.add(Claim("facility", r.words(start, p.end), start, p.end, at, (at.lon, at.lat), None, unc, by=r.speaker))
    for m in _POSS_FACILITY_RE.finditer(r.sentence):
        p = next((p for p in r.places if p.end == r.offset + m.start()), None)
        e = r.offset + m.end()
        if p is None or any(p.end < q.start and q.end <= e for q in r.places):
            continue        # "Nepal's Pokhara airport": the airport is Pokhara's, a place of its own
        if r.free(p.start, e):
            r.add(Claim("facility", r.words(p.start, e), p.start, e, p, (p.lon, p.lat), None, FACILITY_KM,
                        by=r.speaker))


@expression("unresolved")
def _unresolved(r: SentenceReading) -> None:
    """"about 80 km north-west of Hateruma island" when the gazetteer lacks the anchor: the claim is
    kept (it is what the text says) with no point."""
    if not r.measured:
        return
    for m in _UNRESOLVED_RE.finditer(r.sentence):
        s, e = r.offset + m.start(), r.offset + m.end()
        if not r.free(s, e) or r.place_after(r.offset + m.start("anchor"), 0) is not None:
            continue
        n = parse_number(m.group("n1")) * unit_km(m.group("unit"))
        r.add(Claim("unresolved", m.group(), s, e, None, None, None, None, by=r.speaker,
                    bearing=parse_direction(m.group("dir")), distance_km=round(n, 3)))


def _seaward_point(p: PlaceRef, d: float, zone_geometry: Callable | None
                   ) -> tuple[tuple[float, float], float | None]:
    """The point `d` km from a place toward the open sea: of 24 bearings, those whose ray stays
    off the place's land the most, averaged. Without land data (or a place with sea all round),
    the place's own point and no bearing."""
    land = zone_shape(zone_geometry, p.country_code, "land") if p.country_code else None
    if land is None:
        return (p.lon, p.lat), None
    import shapely
    import numpy as np
    bearings = np.arange(0.0, 360.0, 15.0)
    steps = np.linspace(0.2, 1.0, 5) * max(d, 10.0)
    b_grid, d_grid = np.meshgrid(bearings, steps, indexing="ij")
    lons, lats = destinations(p.lon, p.lat, b_grid.ravel(), d_grid.ravel())
    at_sea = ~shapely.contains_xy(land, lons, lats)
    share = at_sea.reshape(b_grid.shape).mean(axis=1)
    if share.max() <= 0.0 or share.min() >= 1.0:
        return (p.lon, p.lat), None
    best = bearings[share >= share.max() - 1e-9]
    rad = np.radians(best)
    bearing = float(np.degrees(np.arctan2(np.sin(rad).sum(), np.cos(rad).sum())) % 360.0)
    return destination(p.lon, p.lat, bearing, d), bearing
