"""Plain data passed between the stages: places, mentions, candidates, resolutions.

Every stage takes these and returns new ones; nothing here knows how it was made.
"""
from __future__ import annotations

from dataclasses import dataclass, field


# Feature types, coarse on purpose: the resolver and the map need the kind of place, not GeoNames' 600 codes.
COUNTRY = "country"
ADMIN1 = "admin1"          # first-level division: state, prefecture, province
ADMIN2 = "admin2"          # second-level division: county, district
CITY = "city"              # populated place
CAPITAL = "capital"        # national capital (a populated place)
WATER = "water"            # sea, gulf, strait, bay, ocean
REGION = "region"          # physical region, peninsula, island, range, desert, cape
CONTINENT = "continent"
ZONE = "zone"              # a named area with no natural feature: the DMZ; a line (Northern Limit Line)
SITE = "site"              # a facility or spot: plant, base, airport, port, test site, camp, crossing

# (new types go at the end: a place's type is stored as its index here)
FEATURE_TYPES = (COUNTRY, ADMIN1, ADMIN2, CITY, CAPITAL, WATER, REGION, CONTINENT, ZONE, SITE)
AREA_TYPES = frozenset({COUNTRY, ADMIN1, ADMIN2, WATER, REGION, CONTINENT, ZONE})


# how far a place of each kind typically reaches from its point (km): the uncertainty of a place
# used as an event's location
KIND_RADIUS_KM = {"city": 15.0, "capital": 25.0, "zone": 15.0, "admin2": 40.0, "region": 60.0,
                  "admin1": 100.0, "water": 400.0, "country": 300.0, "continent": 2000.0, "point": 5.0,
                  "site": 10.0}
UNKNOWN_EXTRA_KM = 25.0          # a name the gazetteer lacks, placed at its container's point: this much wider

@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry."""
    id: int                    # row in the gazetteer's place table (stable within one build)
    name: str
    lat: float
    lon: float
    feature_type: str
    country_code: str          # ISO 3166-1 alpha-2, "" where none (seas, continents)
    admin1: str = ""           # GeoNames admin-1 code within the country, "" where unknown
    population: int = 0
    geonameid: int | None = None
    source: str = ""           # "geonames", "naturalearth", "curated", "user"
    # a name the gazetteer lacks, put at its container's point: how far from that point it may lie
    # (0: as far as its kind of place usually reaches)
    reach_km: float = 0.0


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Mention:
    """A place name found in the text. `text == document[start:end]` always holds."""
    start: int
    end: int
    text: str
    sentence: int              # index of the sentence that holds it
    kind: str = "toponym"      # "toponym", "demonym" (Japanese -> Japan), "embedded" (inside an organisation's name)
    key: str = ""              # the normalised gazetteer key it matched ("" when given from outside)


@dataclass(frozen=True, slots=True)
class Candidate:
    place: Place
    score: float               # resolver score in 0..1, comparable within one mention


@dataclass(frozen=True, slots=True)
class Resolution:
    """The resolver's choice for one mention: `place` is None when nothing fits."""
    mention: Mention
    place: Place | None
    confidence: float
    reason: str = ""
    alternatives: tuple[Candidate, ...] = field(default_factory=tuple)
