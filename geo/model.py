"""The results each stage hands to the next: plain, typed, immutable data.

The gazetteer makes `Place`, `Mention`, `Candidate`, `Resolution` and `Span` (``gazetteer.model``,
re-exported here); this module adds the document and what is read from it:

    Document ─ Mention ─ Resolution ─ PlaceGroup ─ Claim ─ Event / Relation / Area ─ Analysis

Nothing here knows how it was made or how it is written out: ``geo.io.export`` alone turns these
into GeoJSON, JSON Lines and CSV.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from gazetteer.model import Candidate, Mention, Place, Resolution, Span

__all__ = ["Analysis", "Area", "Candidate", "Claim", "Document", "DocumentMeta", "Event", "EventLocation", "Mention", "Place",
           "PlaceGroup", "PlaceRef", "Relation", "Resolution", "Span", "ZoneHit"]


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    id: str = ""
    title: str = ""
    date: str = ""             # ISO date of publication, "" when unknown
    timezone: str = ""         # IANA zone the article's clock times are in ("Asia/Tokyo")
    source: str = ""
    url: str = ""


# The context shown with a mention: its whole sentence when that is at most this long, else a
# window of this many characters around the mention. Every mention carries its context, so it must
# be bounded: text without sentence breaks would otherwise copy itself into every mention.
CONTEXT_CHARS = 400


@dataclass(frozen=True, slots=True)
class Document:
    text: str
    sentences: tuple[Span, ...]
    meta: DocumentMeta = DocumentMeta()

    def sentence_text(self, index: int) -> str:
        s = self.sentences[index] if 0 <= index < len(self.sentences) else Span(0, 0)
        return self.text[s.start:s.end]

    def context(self, index: int, start: int, end: int, limit: int = CONTEXT_CHARS) -> tuple[int, int]:
        """(start, end) of the context of text[start:end] in sentence `index`: the sentence, or a
        window of at most `limit` characters around the mention inside it, cut at spaces."""
        s = self.sentences[index] if 0 <= index < len(self.sentences) else Span(start, end)
        lo, hi = min(s.start, start), max(s.end, end)
        if hi - lo <= limit:
            return lo, hi
        if end - start >= limit:
            return start, start + limit
        side = (limit - (end - start)) // 2
        a, b = max(lo, start - side), min(hi, end + side)
        a, b = (a, min(hi, a + limit)) if a == lo else (max(lo, b - limit), b) if b == hi else (a, b)
        if a > lo:                      # not inside a word: after the first space of the margin
            sp = self.text.find(" ", a, start)
            a = sp + 1 if sp >= 0 else a
        if b < hi:
            sp = self.text.rfind(" ", end, b)
            b = sp if sp >= 0 else b
        return a, b


@dataclass(frozen=True, slots=True)
class PlaceGroup:
    """One distinct place with every mention that points to it."""
    place: Place
    mentions: tuple[Mention, ...]
    confidence: float
    reason: str
    alternatives: tuple[Candidate, ...]
    corrected: bool = False


@dataclass(frozen=True, slots=True)
class PlaceRef:
    """A resolved place as it appears in the text (offsets into the whole document)."""
    name: str
    start: int
    end: int
    lon: float
    lat: float
    country_code: str = ""
    feature_type: str = ""
    kind: str = "toponym"          # "toponym" or "demonym"
    text: str = ""                 # the surface form in the text
    fallback: bool = False         # the gazetteer lacks the name: the resolver put it at the article's main place
    reach_km: float = 0.0          # placed at its container's point: how far from it it may lie (Place.reach_km)


@dataclass(frozen=True, slots=True)
class ZoneHit:
    """A land, territorial sea or EEZ a point lies in (or near)."""
    kind: str                      # "land" | "territorial_sea" | "EEZ"
    sovereign: str                 # ISO 3166-1 alpha-2 of the state, e.g. "JP", "KR", "KP"
    name: str                      # e.g. "Japan EEZ"
    inside: bool
    disputed: bool
    distance_km: float             # 0 when inside, else approximate distance to the zone's edge


@dataclass(frozen=True)
class Claim:
    """A spatial expression in the text and what it says about where something is.

    kind: distance_direction | direction | offshore | zone | origin | in_place | over
    """
    kind: str
    text: str
    start: int                     # document offsets of the expression
    end: int
    anchor_place: PlaceRef | None = None
    point: tuple[float, float] | None = None        # (lon, lat) best estimate
    area: object = None                              # shapely geometry, or None
    uncertainty_km: float | None = None
    zone_kind: str | None = None   # "EEZ" | "territorial_sea" (zone claims)
    zone_sovereign: str | None = None               # ISO alpha-2 of the zone's state
    inside: bool | None = None
    by: str | None = None          # ISO alpha-2 of the speaker who asserts it, when known
    bearing: float | None = None
    distance_km: float | None = None
    by_name: str | None = None     # the speaker as the article names it ("Japan"), set with the event

    def statement(self) -> tuple:
        """What the claim says, without where it is said: two mentions of one statement are one."""
        anchor = self.anchor_place.name if self.anchor_place else None
        point = (round(self.point[0], 5), round(self.point[1], 5)) if self.point else None
        return (self.kind, self.text, self.by_name or self.by, anchor, self.zone_kind, self.zone_sovereign,
                self.inside, None if self.distance_km is None else round(self.distance_km, 1),
                None if self.bearing is None else round(self.bearing, 1), point, self.uncertainty_km)


@dataclass(frozen=True, slots=True)
class Relation:
    """A measured line between two points the text relates ("Wonsan → Impact 2"): geodesic
    distance and initial bearing from `origin` to `target`."""
    origin: tuple[float, float]    # (lon, lat)
    target: tuple[float, float]
    origin_name: str
    target_name: str
    text: str
    distance_km: float
    bearing_deg: float


@dataclass(frozen=True)
class Area:
    """A region drawn for an event (where the text puts it) or a zone the text names."""
    kind: str                      # "area" (an event's region) | "zone" (a state's EEZ, territorial sea)
    name: str
    geometry: object               # shapely (multi)polygon, lon/lat
    sovereign: str | None = None
    event: str | None = None       # label of the event the area belongs to ("area")
    zone_kind: str | None = None   # "EEZ" | "territorial_sea" ("zone")


@dataclass(frozen=True, slots=True)
class EventLocation:
    """A span of the text that says where an event happened, and where it puts it.

    `kind`: "place" (a gazetteer place), "unknown" (a name the gazetteer lacks, placed by what
    contains it: `container`), "unplaced" (nothing to place it by)."""
    start: int
    end: int
    text: str
    kind: str = "place"
    point: tuple[float, float] | None = None        # (lon, lat)
    place: str | None = None       # the gazetteer's name for it, or the container's
    feature_type: str = ""
    container: str | None = None   # for an unknown name: the place it was placed by
    uncertainty_km: float | None = None


@dataclass(frozen=True)
class Event:
    """Something the text says happened somewhere: a launch, an impact, a strike, an earthquake…

    `type` is a name in ``geo.events.taxonomy``; `role` the missile family's word for its events
    (launch, impact, overflight), else the type. `point` is None when nothing in the text places
    it. `sentences` are indices into the document's sentences: the provenance of every field.
    `counts` are the numbers the text states (("killed", 3), ("objects", 2)), `locations` the
    spans that say where, `triggers` the words that say what happened."""
    role: str
    label: str
    point: tuple[float, float] | None
    uncertainty_km: float | None
    position: str                  # how the point was derived, in words
    sentences: tuple[int, ...]
    time: str | None = None        # ISO 8601 with offset
    time_text: str | None = None   # the words the article used
    claims: tuple[Claim, ...] = ()
    zones: tuple[ZoneHit, ...] = ()
    conflict: str | None = None
    actor: str | None = None       # who did it, as the article names it
    counts: tuple[tuple[str, int], ...] = ()
    type: str = ""
    confidence: float | None = None
    locations: tuple[EventLocation, ...] = ()
    triggers: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class Analysis:
    document: Document
    mentions: tuple[Mention, ...]
    resolutions: tuple[Resolution, ...]
    places: tuple[PlaceGroup, ...]
    events: tuple[Event, ...] = ()
    relations: tuple[Relation, ...] = ()
    areas: tuple[Area, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
