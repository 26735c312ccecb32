"""What every event family reads from one analysis: its places, the claims and speaker of each
sentence, the maritime zones, and the check of a point against them."""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from operator import attrgetter

from geo.model import Analysis, Claim, PlaceRef, ZoneHit
from geo.spatial.expressions import find_speaker, quote_spans, read_claims
from geo.vocabulary import at_word

# points vaguer than this (an ocean's point) are not looked up in the zones: the answer would mislead
MAX_ZONE_CHECK_KM = 1000.0
# names for countries that speak or own zones when the article itself does not name them
COUNTRY_NAMES = {"JP": "Japan", "KR": "South Korea", "KP": "North Korea", "CN": "China", "RU": "Russia",
                 "US": "United States", "TW": "Taiwan", "PH": "Philippines"}
ZONE_WORDS = {"EEZ": "EEZ", "territorial_sea": "territorial sea", "land": "land"}
# a speaker stays the speaker of the sentences after it, up to this many
SPEAKER_CARRIES = 2


_BACKGROUND = (r"\b(?:last\s+(?:year|month)|previously|in\s+the\s+past|(?:years|decades)\s+(?:ago|later)"
               r"|a\s+(?:year|decade)\s+ago|since\s+(?:january|february|march"
               r"|april|may|june|july|august|september|october|november|december)"
               r"|(?:19|20)\d\d)\b")
_BACKGROUND_RE = at_word(_BACKGROUND, re.I)
# the same over an ASCII sentence lower-cased: the same matches, and a branch of literals is
# skipped at its first letter only when case counts
_BACKGROUND_LOWER_RE = at_word(_BACKGROUND)
# a word every match of _BACKGROUND_RE holds
_BACKGROUND_WORDS = ("last", "previously", "past", "ago", "later", "since", "19", "20")
# what makes a date a yardstick for this event, not another event: "for the fifth time since
# December", "its first launch since 2017", "the deadliest quake since 1999"
_COMPARED_BEFORE = re.compile(r"\b(?:times?|first|biggest|largest|deadliest|strongest|worst|heaviest|highest|"
                              r"most\s+\w+)(?:\s+[a-z-]+)?\s+(?:since\s+)?$", re.I)


@lru_cache(maxsize=2)
def lowered(text: str) -> str:
    """The text lower-cased, kept for the last two texts: the families' tests and the reading of
    one article each read it."""
    return text.lower()


def is_background(sentence: str, day: str, years: bool = True) -> bool:
    """Sentences about earlier events ("has launched missiles over Japan twice before, in 1998
    and 2009") are history, not this article's events. The article's own year is not a marker;
    with `years=False` a year marks history only when the article's date is known."""
    rx = _BACKGROUND_RE
    if sentence.isascii():          # (then ignoring case is ASCII's: a lower-cased copy holds a word)
        sentence = sentence.lower()
        if not any(map(sentence.__contains__, _BACKGROUND_WORDS)):
            return False            # most sentences: no regex search
        rx = _BACKGROUND_LOWER_RE
    spaced = " " + sentence
    for m in rx.finditer(spaced):
        said = m.group()[1:]        # (the match begins with the character before it)
        if said.isdigit() and (day.startswith(said) or (not years and not day)):
            continue
        if _COMPARED_BEFORE.search(spaced, max(0, m.start() - 40), m.start() + 1):
            continue                # "erupted for the fifth time since December", "the first ... since 2017"
        return True
    return False


def is_fallback(r) -> bool:
    """Whether a resolution only stands in for a name the gazetteer lacks (or none of whose
    candidates fits): the resolver put it at the article's main place, with confidence 0.1."""
    return r.confidence <= 0.1 and r.reason.startswith(("not in the gazetteer", "no candidate fits"))


def place_refs(analysis: Analysis) -> list[PlaceRef]:
    """The resolved places of an analysis as they appear in its text, in text order."""
    out = []
    for r in analysis.resolutions:
        if r.place is None or r.mention.kind not in ("toponym", "demonym"):
            continue
        p = r.place
        out.append(PlaceRef(p.name, r.mention.start, r.mention.end, float(p.lon), float(p.lat), p.country_code,
                            p.feature_type, r.mention.kind, r.mention.text, is_fallback(r), p.reach_km))
    return sorted(out, key=attrgetter("start"))


@dataclass
class EventContext:
    """One analysed article as the event families see it. `zones` is a `geo.spatial.zones.Zones`
    or None (no zone data: events are placed but not checked against zones)."""
    analysis: Analysis
    zones: object = None
    notes: list[str] = field(default_factory=list)
    linker: object = None          # a geo.events.linking.Linker (None: the rule-based one)
    words: dict = field(default_factory=dict)      # the gazetteer's word lists (common words, given names)
    claimed: set = field(default_factory=set)      # sentences a family has reported (missile impacts)
    cache: dict = field(default_factory=dict)      # what several families read, computed once
    capital: object = None         # country code -> its capital's Place (the gazetteer's), or None
    shape_of: object = None        # a place's outline (geo.spatial.parts.Shapes), or None

    def __post_init__(self) -> None:
        self.places = place_refs(self.analysis)
        self._starts = [p.start for p in self.places]
        self.names = dict(COUNTRY_NAMES)
        for p in self.places:
            if p.feature_type == "country" and p.country_code:
                self.names.setdefault(p.country_code, p.name)
        if self.zones is None:
            self.notes.append("maritime zones unavailable: events are placed but not checked against zones")

    @property
    def document(self):
        return self.analysis.document

    @property
    def zone_geometry(self):
        return self.zones.zone_geometry if self.zones is not None else None

    def name_of(self, code: str | None) -> str | None:
        """A country as the article names it ("Japan"), else its code."""
        return self.names.get(code, code) if code else code

    def places_in(self, start: int, end: int) -> list[PlaceRef]:
        """The places whose mention starts in [start, end): by offset, so long texts cost linear time."""
        return self.places[bisect_left(self._starts, start):bisect_left(self._starts, end)]

    @cached_property
    def quotes(self) -> list[tuple[int, int]]:
        return quote_spans(self.document.text)

    @cached_property
    def sentences(self) -> list[tuple[str | None, list[Claim]]]:
        """(speaker, claims) of every sentence. A speaker carries over a few sentences, and a zone
        claim resolves "outside it" in the sentences after it."""
        doc = self.document
        out = []
        speaker, age, last_zone = None, 0, None
        for span in doc.sentences:
            sent = doc.text[span.start:span.end]
            places = self.places_in(span.start, span.end)
            found = find_speaker(sent, span.start, places, self.quotes)
            if found:
                speaker, age = found, 0
            else:
                age += 1
                if age > SPEAKER_CARRIES:
                    speaker = None
            claims = read_claims(sent, places, span.start, speaker, last_zone, self.zone_geometry, self.shape_of)
            zone_claims = [c for c in claims if c.kind == "zone"]
            if zone_claims:
                last_zone = zone_claims[-1]
            out.append((speaker, claims))
        return out

    def zone_check(self, point, claims, uncertainty_km=None) -> tuple[tuple[ZoneHit, ...], str | None]:
        """The zones a point lies in or near, and where the text's claims disagree with them."""
        if self.zones is None or point is None:
            return (), None
        if uncertainty_km is not None and uncertainty_km > MAX_ZONE_CHECK_KM:
            return (), None          # "in the Pacific Ocean": too vague to say whose waters
        try:
            hits = self.zones.zones_at(point[0], point[1])
        except Exception as e:           # noqa: BLE001 - bad data should not sink the article
            self.notes.append(f"zone lookup failed: {e}")
            return (), None
        return tuple(hits), self.conflicts(claims, hits)

    def conflicts(self, claims, hits) -> str | None:
        """Sentences saying where a claim ("inside Japan's EEZ") and the geometry disagree."""
        notes = []
        for c in claims:
            if c.kind == "zone" and c.zone_sovereign is None and c.inside is False:
                seas = sorted({h.name for h in hits if h.inside and h.kind == c.zone_kind})
                if seas:
                    notes.append(f"The text says {c.text!r}, but the estimated point lies in {', '.join(seas)}.")
            elif c.kind == "zone" and c.zone_sovereign:
                notes.extend(self._zone_conflict(c, hits))
        return " ".join(dict.fromkeys(notes)) or None

    def _zone_conflict(self, c: Claim, hits) -> list[str]:
        zone = f"{self.name_of(c.zone_sovereign)}'s {ZONE_WORDS.get(c.zone_kind, c.zone_kind)}"
        same_kind = [h for h in hits if h.inside and h.kind == c.zone_kind]
        in_claimed = [h for h in same_kind if h.sovereign == c.zone_sovereign]
        if c.inside and not in_claimed:
            where = ", ".join(sorted({h.name for h in same_kind})) or f"no state's {ZONE_WORDS.get(c.zone_kind)}"
            return [f"The text says it fell inside {zone}, but the estimated point lies in {where}."]
        if c.inside and any(h.disputed for h in in_claimed):
            others = sorted({self.name_of(h.sovereign) for h in same_kind if h.sovereign != c.zone_sovereign})
            return [f"The text says it fell inside {zone}; the estimated point lies in disputed waters"
                    + (f" also claimed by {', '.join(others)}." if others else ".")]
        if c.inside is False and in_claimed:
            return [f"The text says it fell outside {zone}, but the estimated point lies inside it"
                    + (" (in disputed waters)." if in_claimed[0].disputed else ".")]
        return []
