"""Spatial expressions read from sentences, turned into geometry.

Plain functions over plain data: a sentence's text, its offset in the document, and the places
resolved in it (``PlaceRef``, with document offsets). Each expression becomes a ``SpatialClaim``:

- ``distance_direction``  "about 250 km west of the Oga Peninsula"  -> a point (geodesic destination)
- ``direction``           "to the north-east of Shimane prefecture"  -> a sector from the anchor
- ``offshore``            "off the east coast of Hokkaido"           -> a point off the coast
- ``zone``                "inside its exclusive economic zone"       -> whose zone, inside or not
- ``origin``              "fired from Wonsan"                        -> the launch place
- ``in_place``            "landed in the Sea of Japan"               -> a (weak) place constraint
- ``over``                "passed over Hokkaido"                     -> a place on the flight path

``estimate_position`` combines the claims about one object into a point, an area (when the text
describes a region) and an uncertainty radius in kilometres.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Sequence

from geo.measure import (DIRECTION_PATTERN, UNIT_PATTERN, area_summary, destination,
                         parse_direction, parse_number, sector, unit_km)



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

@dataclass(frozen=True)
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


@dataclass(frozen=True)
class SpatialClaim:
    kind: str                      # distance_direction | direction | offshore | zone | origin | in_place | over
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


@dataclass(frozen=True)
class Estimate:
    point: tuple[float, float] | None
    uncertainty_km: float | None
    area: object = None
    basis: str = ""                # how it was derived, in words
    notes: tuple[str, ...] = field(default_factory=tuple)


# ---------------------------------------------------------------- patterns

_NUM = r"\d[\d,]*(?:\.\d+)?"
_APPROX = r"(?:(?i:about|around|some|approximately|roughly|nearly|almost|an\s+estimated|up\s+to|more\s+than|over)\s+)?"
_DIR = r"(?P<dir>" + DIRECTION_PATTERN + r")"
_DIST_DIR_RE = re.compile(
    _APPROX + r"(?P<n1>" + _NUM + r")(?:\s*(?:-|–|(?i:to))\s*(?P<n2>" + _NUM + r"))?\s*(?P<unit>(?i:" + UNIT_PATTERN
    + r"))\s+(?:(?i:to\s+the)\s+)?(?i:" + _DIR + r")\s+(?i:of)\s+(?:(?i:the)\s+)?")
_DIR_RE = re.compile(r"\b(?:(?i:to\s+the)\s+)?(?i:" + _DIR + r")\s+(?i:of)\s+(?:(?i:the)\s+)?")
_OFFSHORE_RE = re.compile(
    r"\b(?i:off)\s+(?:(?i:the)\s+)?(?:(?i:(?P<dir>north|south|east|west|north[\s-]?east|north[\s-]?west|south[\s-]?east"
    r"|south[\s-]?west)(?:ern)?)\s+(?=(?i:coast|shore)))?(?:(?i:coast|coastline|shore)\s+(?i:of)\s+(?:(?i:the)\s+)?)?")
# "off South Korea's east coast": the direction after the place
_POSS_COAST_RE = re.compile(r"(?:'s|’s)\s+(?:(?i:(?P<dir>north|south|east|west|north[\s-]?east|north[\s-]?west"
                            r"|south[\s-]?east|south[\s-]?west)(?:ern)?)\s+)?(?i:coast|coastline|shore)\b")
_ZONE_WORDS = (r"(?P<zone>(?i:exclusive\s+economic\s+zone|economic\s+zone|EEZ|territorial\s+waters|territorial\s+sea"
               r"|maritime\s+area|maritime\s+zone))\b")
_ZONE_RE = re.compile(
    r"\b(?P<rel>(?i:just\s+outside|outside\s+of|outside|beyond|inside|within|in|into))\s+"
    r"(?P<owner>(?:(?i:its|our|their|the)\s+)?(?:[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*){0,2}(?:'s|’s)?\s+)?)"
    r"(?:(?i:own)\s+)?" + _ZONE_WORDS)
_ZONE_IT_RE = re.compile(r"\b(?P<rel>(?i:just\s+outside|outside|beyond|inside|within))\s+(?:(?i:of)\s+)?(?i:it)\b")
_LAUNCH_VERB = r"(?i:fired|fires|launched|launches|test-fired|test-fires|test-launched|lifted\s+off|took\s+off)"
_ORIGIN_RE = re.compile(
    r"\b" + _LAUNCH_VERB + r"\b.{0,80}?\b(?i:from)\s+(?:(?i:near|around|close\s+to)\s+)?"
    r"(?:(?i:the)\s+(?:(?i:area|vicinity|region)\s+(?:(?i:of|around|near)\s+))?)?")
_IMPACT_VERB = (r"(?i:landed|lands|fell|falls|splashed\s+down|splashes\s+down|impacted|crashed|came\s+down"
                r"|dropped)")
_IN_AFTER_IMPACT_RE = re.compile(r"\b" + _IMPACT_VERB + r"\s+(?i:in|into|on)\s+(?:(?i:the)\s+)?")
_INTL_RE = re.compile(r"\b(?i:in|into)\s+(?i:international\s+waters|the\s+high\s+seas)\b")
_OVER_RE = re.compile(r"\b(?i:(?:passed|passing|flew|flying|flown)\s+over|overflew)\s+(?:(?i:the)\s+)?")
_IN_WATER_RE = re.compile(r"\b(?i:in|into)\s+(?:(?i:the)\s+)?")
_SPEECH_RE = re.compile(r"\b(?:said|says|say|confirmed|confirms|announced|announces|reported|reports|told|added"
                        r"|stated|according\s+to|claimed|claims)\b")

_PRONOUN_OWNERS = {"its", "our", "their", "his", "her"}

# uncertainty (km) of a place used as an origin or a weak location, by feature type
PLACE_RADIUS_KM = {"city": 15.0, "capital": 25.0, "zone": 15.0, "admin2": 40.0, "region": 60.0,
                   "admin1": 100.0, "water": 400.0, "country": 300.0, "continent": 2000.0, "point": 5.0}

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

def _place_after(pos: int, places: Sequence[PlaceRef], slack: int = 3) -> PlaceRef | None:
    for p in places:
        if pos <= p.start <= pos + slack:
            return p
    return None


def _radius_for(place: PlaceRef) -> float:
    r = PLACE_RADIUS_KM.get(place.feature_type, 50.0)
    if place.feature_type == "water" and "ocean" in place.name.lower():
        r = 3000.0
    return r


def read_claims(sentence: str, places: Sequence[PlaceRef], offset: int = 0, speaker: str | None = None,
                previous_zone: SpatialClaim | None = None, zone_geometry: Callable | None = None
                ) -> list[SpatialClaim]:
    """Every spatial expression in one sentence, in text order.

    `places` are the resolved places (document offsets; others are ignored); `offset` is where the
    sentence starts in the document; `speaker` resolves "its"/"our"/"their" zones; `previous_zone`
    resolves "outside the maritime area" / "outside it" when the sentence names no zone itself;
    `zone_geometry(sovereign, kind)` (geo.zones) lets "off the coast of X" step off the land.
    """
    end = offset + len(sentence)
    here = sorted((p for p in places if offset <= p.start < end), key=lambda p: p.start)
    claims: list[SpatialClaim] = []
    taken: list[tuple[int, int]] = []

    def add(c: SpatialClaim) -> None:
        claims.append(c)
        taken.append((c.start, c.end))

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    # "250 km west of the Oga Peninsula"
    for m in _DIST_DIR_RE.finditer(sentence):
        p = _place_after(offset + m.end(), here)
        bearing = parse_direction(m.group("dir"))
        if p is None or bearing is None:
            continue
        n1 = parse_number(m.group("n1"))
        n2 = parse_number(m.group("n2")) if m.group("n2") else n1
        per = unit_km(m.group("unit"))
        lo, hi = min(n1, n2) * per, max(n1, n2) * per
        mid = (lo + hi) / 2.0
        point = destination(p.lon, p.lat, bearing, mid)
        unc = max(0.1 * mid + (hi - lo) / 2.0, 20.0)
        s, e = offset + m.start(), p.end
        add(SpatialClaim("distance_direction", sentence[m.start():p.end - offset], s, e, p, point, None,
                         round(unc, 1), by=speaker, bearing=bearing, distance_km=round(mid, 3)))

    # "to the north-east of Shimane prefecture"
    for m in _DIR_RE.finditer(sentence):
        s = offset + m.start()
        p = _place_after(offset + m.end(), here)
        bearing = parse_direction(m.group("dir"))
        if p is None or bearing is None or not free(s, p.end):
            continue
        area = sector(p.lon, p.lat, bearing, SECTOR_HALF_WIDTH, SECTOR_RADIUS_KM)
        summ = area_summary(area)
        add(SpatialClaim("direction", sentence[m.start():p.end - offset], s, p.end, p,
                         summ[0] if summ else None, area, round(summ[1], 1) if summ else None,
                         by=speaker, bearing=bearing))

    # "off the east coast of Hokkaido", "off Hokkaido"
    for m in _OFFSHORE_RE.finditer(sentence):
        s = offset + m.start()
        p = _place_after(offset + m.end(), here)
        if p is None or not free(s, p.end):
            continue
        bearing = parse_direction(m.group("dir")) if m.group("dir") else None
        e = p.end
        poss = _POSS_COAST_RE.match(sentence, p.end - offset)
        if poss is not None:
            e = offset + poss.end()
            if poss.group("dir"):
                bearing = parse_direction(poss.group("dir"))
        point, unc = _offshore_point(p, bearing, zone_geometry)
        add(SpatialClaim("offshore", sentence[m.start():e - offset], s, e, p, point, None, unc,
                         by=speaker, bearing=bearing))

    # "inside its exclusive economic zone", "outside the maritime area", "within our EEZ"
    last_zone = previous_zone
    zone_hits = [(m.start(), m, False) for m in _ZONE_RE.finditer(sentence)]
    zone_hits += [(m.start(), m, True) for m in _ZONE_IT_RE.finditer(sentence)]
    for _, m, is_it in sorted(zone_hits, key=lambda t: t[0]):
        rel = m.group("rel").lower()
        inside = not (rel.startswith("outside") or rel.startswith("just outside") or rel == "beyond")
        s, e = offset + m.start(), offset + m.end()
        if is_it:
            if last_zone is None:
                continue
            sov, kind = last_zone.zone_sovereign, last_zone.zone_kind
        else:
            words = m.group("zone").lower()
            kind = "territorial_sea" if "territorial" in words else "EEZ"
            owner = m.group("owner").strip()
            o_s = offset + m.start("owner")
            o_e = o_s + len(m.group("owner"))
            owner_place = next((p for p in here if o_s <= p.start < o_e and p.country_code), None)
            first = owner.split()[0].lower() if owner else ""
            if owner_place is not None:
                sov = owner_place.country_code
            elif first in _PRONOUN_OWNERS:
                sov = speaker
            elif last_zone is not None and ("maritime" in words or first == "the" or not owner):
                sov = last_zone.zone_sovereign
                if "maritime" in words:
                    kind = last_zone.zone_kind
            else:
                sov = speaker
        c = SpatialClaim("zone", sentence[m.start():m.end()], s, e, None, None, None, None,
                         zone_kind=kind, zone_sovereign=sov, inside=inside, by=speaker)
        add(c)
        last_zone = c

    # "in international waters": outside every state's territorial sea
    for m in _INTL_RE.finditer(sentence):
        add(SpatialClaim("zone", m.group(), offset + m.start(), offset + m.end(), None, None, None, None,
                         zone_kind="territorial_sea", zone_sovereign=None, inside=False, by=speaker))

    # "fired from Wonsan"
    for m in _ORIGIN_RE.finditer(sentence):
        p = _place_after(offset + m.end(), here)
        if p is None:
            continue
        i = m.group().lower().rfind("from")
        e = p.end
        tail = re.match(r"\s+(?:area|region|vicinity|county|province)\b", sentence[p.end - offset:])
        if tail:
            e += tail.end()
        add(SpatialClaim("origin", sentence[m.start() + i:e - offset], offset + m.start() + i, e, p,
                         (p.lon, p.lat), None, _radius_for(p), by=speaker))

    # "passed over Hokkaido", "overflew Japan"
    for m in _OVER_RE.finditer(sentence):
        p = _place_after(offset + m.end(), here)
        if p is None or not free(p.start, p.end):
            continue
        add(SpatialClaim("over", sentence[m.start():p.end - offset], offset + m.start(), p.end, p,
                         (p.lon, p.lat), None, _radius_for(p), by=speaker))

    # "landed in the Sea of Japan", "... within our EEZ in the Sea of Japan"
    def possessive(p: PlaceRef) -> bool:          # "in Japan's waters" names the owner, not the place
        return sentence[p.end - offset:p.end - offset + 2] in ("'s", "’s")

    for m in _IN_AFTER_IMPACT_RE.finditer(sentence):
        p = _place_after(offset + m.end(), here)
        if p is None or not free(p.start, p.end) or possessive(p):
            continue
        add(SpatialClaim("in_place", sentence[m.start():p.end - offset], offset + m.start(), p.end, p,
                         (p.lon, p.lat), None, _radius_for(p), by=speaker))
    for m in _IN_WATER_RE.finditer(sentence):
        p = _place_after(offset + m.end(), here)
        if p is None or p.feature_type != "water" or not free(p.start, p.end) or possessive(p):
            continue
        add(SpatialClaim("in_place", sentence[m.start():p.end - offset], offset + m.start(), p.end, p,
                         (p.lon, p.lat), None, _radius_for(p), by=speaker))

    claims.sort(key=lambda c: c.start)
    return claims


def _offshore_point(p: PlaceRef, bearing: float | None, zone_geometry: Callable | None
                    ) -> tuple[tuple[float, float], float]:
    """A point just off the coast: step from the place along the bearing until off its land."""
    base = _radius_for(p)
    if bearing is None:
        return (p.lon, p.lat), max(base, 100.0)
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


# ---------------------------------------------------------------- combining claims

def estimate_position(claims: Iterable[SpatialClaim], zone_geometry: Callable | None = None) -> Estimate | None:
    """Best point, area and uncertainty for one object from the claims about it.

    Order of preference: a stated distance and direction; a direction (a sector) cut by the zone
    the text puts it in or out of; "off the coast of"; a named place or sea it fell in. None when
    no claim gives a position (a zone claim alone does not).
    """
    claims = list(claims)
    zones = [c for c in claims if c.kind == "zone" and c.zone_sovereign]
    dd = [c for c in claims if c.kind == "distance_direction"]
    if dd:
        c = dd[0]
        return Estimate(c.point, c.uncertainty_km, None, f"{c.text} (geodesic destination)")
    dirs = [c for c in claims if c.kind == "direction" and c.area is not None]
    if dirs:
        c = dirs[0]
        area = c.area
        notes = []
        basis = c.text
        if zone_geometry is not None:
            seen = set()
            for z in zones:
                if (z.zone_sovereign, z.zone_kind, z.inside) in seen:
                    continue
                seen.add((z.zone_sovereign, z.zone_kind, z.inside))
                zg = zone_shape(zone_geometry, z.zone_sovereign, z.zone_kind)
                if zg is None:
                    continue
                cut = area.intersection(zg) if z.inside else area.difference(zg)
                if cut.is_empty or cut.area < 1e-6:
                    notes.append(f"the area {c.text!r} does not meet the zone of {z.text!r}")
                    continue
                area = cut
                basis += f", {'inside' if z.inside else 'outside'} {z.zone_sovereign} {z.zone_kind}"
            if c.anchor_place is not None and c.anchor_place.country_code:
                try:
                    land = zone_geometry(c.anchor_place.country_code, "land")
                    sea = area.difference(land) if land is not None and not land.is_empty else area
                    if not sea.is_empty and sea.area > 1e-6:
                        area = sea
                except Exception:
                    pass
        area = _polygonal(area)
        summ = area_summary(area)
        if summ is None:
            return Estimate(c.point, c.uncertainty_km, c.area, basis, tuple(notes))
        return Estimate(summ[0], round(summ[1], 1), area, basis + " (centre of the region)", tuple(notes))
    off = [c for c in claims if c.kind == "offshore"]
    if off:
        c = off[0]
        return Estimate(c.point, c.uncertainty_km, None, c.text)
    inp = sorted((c for c in claims if c.kind == "in_place"), key=lambda c: c.uncertainty_km or 1e9)
    if inp:
        c = inp[0]
        return Estimate(c.point, c.uncertainty_km, None, f"{c.text} (the place's point only)")
    return None


def _polygonal(geom):
    """Keep only the polygons of a geometry (intersections can leave lines and points)."""
    import shapely
    if geom is None or geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def with_speaker(claim: SpatialClaim, speaker: str | None) -> SpatialClaim:
    return replace(claim, by=speaker)
