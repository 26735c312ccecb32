"""Events read from an article: launches and impacts, placed, timed, and checked against zones.

``add_events(analysis)`` returns a new Analysis whose ``events``, ``relations`` and ``areas`` hold
GeoJSON Feature dicts. How it works, in order:

1. every sentence is read for spatial claims (``geo.relations``), with "its"/"our" resolved to
   the country that speaks (the sentence's country or demonym next to "said"/"confirmed", or the
   previous sentence's);
2. sentences with a launch verb ("fired", "launched", "test-fired") or an impact verb ("landed",
   "fell", "splashed down") about a missile-like object are cut into clauses, one per verb, each
   with its subject ("one missile", "a second missile", "both"), its claims and its clock times;
3. impact clauses are merged into objects: clauses that agree (no contradicting zone claim, no
   different time) and share evidence are the same object; clauses of one sentence with different
   subjects are different objects; the number of objects is capped by the count the text gives
   ("two missiles") unless the claims force more;
4. each object is placed from its claims (``relations.estimate_position``), looked up in the
   maritime zones (``geo.zones``), and its claims are compared with the geometry (``conflict``).
"""
from __future__ import annotations

import json
import re
from bisect import bisect_left
from dataclasses import dataclass, field, replace
from datetime import date as _date, datetime, timedelta
from typing import Callable
from zoneinfo import ZoneInfo

from geo.document import Analysis
from geo.measure import GEOD, bearing_deg, compass, destination, distance_km
from geo.relations import (Estimate, PlaceRef, SpatialClaim, estimate_position, find_speaker, quote_spans,
                           read_claims, zone_shape)

# ---------------------------------------------------------------- words

_OBJECT_RE = re.compile(r"\b(?:missiles?|projectiles?|rockets?|ICBMs?|SLBMs?|IRBMs?|warheads?|re-entry\s+vehicles?"
                        r"|Hwasong[\w-]*|Pukguksong[\w-]*|Rodong|Nodong|Scuds?)\b", re.I)
# words one of which any text _OBJECT_RE matches contains: a cheap test before the regex
_OBJECT_WORDS = ("missile", "projectile", "rocket", "icbm", "slbm", "irbm", "warhead", "re-entry", "hwasong",
                 "pukguksong", "rodong", "nodong", "scud")


def mentions_objects(text: str) -> bool:
    """Whether the text names a missile, rocket or the like (most news does not)."""
    low = text.lower()
    return any(w in low for w in _OBJECT_WORDS) and _OBJECT_RE.search(text) is not None


_LAUNCH_RE = re.compile(r"\b(?:fired|fires|launched|launches|test-fired|test-fires|test-launched)\b", re.I)
_IMPACT_RE = re.compile(r"\b(?:landed|lands|fell|falls|splashed\s+down|splashes\s+down|impacted|crashed"
                        r"|came\s+down)\b", re.I)
_OVERFLIGHT_RE = re.compile(r"\b(?:(?:passed|passing|flew|flying|flown)\s+over|overflew)\b", re.I)
_NEGATION_RE = re.compile(r"\b(?:no|not|never|neither|nor)\b|n't\b", re.I)
_NUMBERS = {"a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "pair": 2, "three": 3, "four": 4, "five": 5,
            "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_COUNT_RE = re.compile(r"\b(?P<n>a\s+pair\s+of|an?|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+"
                       r"(?:[\w-]+\s+){0,3}?(?P<noun>missiles?|projectiles?|rockets?|ICBMs?|SLBMs?|IRBMs?)\b", re.I)
_SUBJECT_RE = re.compile(
    r"\b(?P<subj>(?:one|two|three|four|five)\s+of\s+(?:them|the\s+\w+)|a\s+second|the\s+second|another|the\s+other"
    r"|the\s+first|a\s+third|the\s+third|the\s+fourth|the\s+last|the\s+remaining\s+one|both|all|they|it"
    r"|the\s+(?:two|three|four|five)\s+[\w-]+|one|the\s+(?:[\w-]+\s+)?(?:missile|projectile|rocket|warhead)s?)\b",
    re.I)
_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
_WEEKDAY_RE = re.compile(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)

# clock times: "7.10am", "7:27 a.m.", "07:17", "2250 GMT", each with an optional zone word
_ZONE_WORDS = (r"(?P<zone>Tokyo|Japan(?:ese)?|JST|Seoul|South\s+Korean?|Korea(?:n)?|KST|Pyongyang|North\s+Korean?"
               r"|local|GMT|UTC|Z|ET|EST|EDT|Washington)")
_TIME_RE = re.compile(
    r"\b(?:(?P<h>\d{1,2})(?:[.:](?P<m>[0-5]\d))?\s*(?P<ap>[ap]\.?\s?m\b\.?)"
    r"|(?P<h2>[01]?\d|2[0-3]):(?P<m2>[0-5]\d)\b"
    r"|(?P<h3>[01]\d|2[0-3])(?P<m3>[0-5]\d)\s*(?=(?:GMT|UTC|hrs|hours)\b))"
    r"(?:\s*\(?\s*" + _ZONE_WORDS + r"(?:\s+(?:standard\s+)?time)?\b\)?)?", re.I)
_TZ = {"tokyo": "Asia/Tokyo", "japan": "Asia/Tokyo", "japanese": "Asia/Tokyo", "jst": "Asia/Tokyo",
       "seoul": "Asia/Seoul", "south korea": "Asia/Seoul", "south korean": "Asia/Seoul", "korea": "Asia/Seoul",
       "korean": "Asia/Seoul", "kst": "Asia/Seoul", "pyongyang": "Asia/Pyongyang",
       "north korea": "Asia/Pyongyang", "north korean": "Asia/Pyongyang", "gmt": "UTC", "utc": "UTC", "z": "UTC",
       "et": "America/New_York", "est": "America/New_York", "edt": "America/New_York",
       "washington": "America/New_York"}

# points vaguer than this (an ocean's point) are not looked up in the zones: the answer would mislead
MAX_ZONE_CHECK_KM = 1000.0

COUNTRY_NAMES = {"JP": "Japan", "KR": "South Korea", "KP": "North Korea", "CN": "China", "RU": "Russia",
                 "US": "United States", "TW": "Taiwan", "PH": "Philippines"}
_KIND_WORDS = {"EEZ": "EEZ", "territorial_sea": "territorial sea", "land": "land"}


# ---------------------------------------------------------------- plain data

@dataclass
class Clause:
    role: str                      # "launch" | "impact"
    sentence: int
    start: int                     # document offsets of the clause
    end: int
    subject: str = ""
    plural: int = 1                # how many objects the subject names ("both" -> 2)
    actor: str = ""                # ISO alpha-2 of who fires (launch clauses), "" when unsaid
    count: int = 0                 # objects the clause counts ("two missiles")
    claims: list = field(default_factory=list)
    times: list = field(default_factory=list)     # (iso or None, text, start, end)


@dataclass
class EventObject:
    role: str
    clauses: list = field(default_factory=list)

    @property
    def claims(self) -> list[SpatialClaim]:
        return [c for cl in self.clauses for c in cl.claims]

    @property
    def times(self) -> list:
        return [t for cl in self.clauses for t in cl.times]


# ---------------------------------------------------------------- times

def find_times(text: str, offset: int = 0) -> list[tuple[int, int, int, int, str | None, str]]:
    """Clock times in `text`: (start, end, hour, minute, zone word or None, surface)."""
    out = []
    for m in _TIME_RE.finditer(text):
        if m.group("h") is not None:
            h, mi = int(m.group("h")), int(m.group("m") or 0)
            ap = m.group("ap").lower().replace(".", "").replace(" ", "")
            if not 1 <= h <= 12:
                continue
            h = h % 12 + (12 if ap == "pm" else 0)
        elif m.group("h2") is not None:
            h, mi = int(m.group("h2")), int(m.group("m2"))
        else:
            h, mi = int(m.group("h3")), int(m.group("m3"))
        zone = m.group("zone")
        out.append((offset + m.start(), offset + m.end(), h, mi, zone, m.group().strip()))
    return out


def iso_time(day: str, hour: int, minute: int, zone_word: str | None, default_tz: str = "",
             weekday: str | None = None) -> str | None:
    """ISO 8601 time on the article's date, with the offset of the stated (or the article's) zone.

    A weekday named next to the time moves the date back to that weekday (at most six days):
    an article dated Thursday reporting "at 7am on Wednesday" means the day before.
    """
    if not day:
        return None
    try:
        d = _date.fromisoformat(day[:10])
    except ValueError:
        return None
    if weekday:
        back = (d.weekday() - _WEEKDAYS[weekday.lower()]) % 7
        d = d - timedelta(days=back)
    tzname = _TZ.get(re.sub(r"\s+", " ", zone_word.lower())) if zone_word else None
    if zone_word and zone_word.lower() == "local":
        tzname = None
    tzname = tzname or default_tz or None
    try:
        tz = ZoneInfo(tzname) if tzname else None
    except Exception:
        tz = None
    stamp = datetime(d.year, d.month, d.day, hour, minute, tzinfo=tz)
    return stamp.isoformat()


# ---------------------------------------------------------------- reading

_BACKGROUND_RE = re.compile(r"\b(?:last\s+(?:year|month)|previously|in\s+the\s+past|since\s+(?:January|February|March"
                            r"|April|May|June|July|August|September|October|November|December)"
                            r"|(?:19|20)\d\d)\b", re.I)


def _is_background(sentence: str, day: str) -> bool:
    """Sentences about earlier launches ("has launched missiles over Japan twice before, in 1998
    and 2009") are history, not this article's events. The article's own year is not a marker."""
    for m in _BACKGROUND_RE.finditer(sentence):
        if m.group().isdigit() and day.startswith(m.group()):
            continue
        return True
    return False


def place_refs(analysis: Analysis) -> list[PlaceRef]:
    out = []
    for r in analysis.resolutions:
        if r.place is None or r.mention.kind not in ("toponym", "demonym"):
            continue
        p = r.place
        out.append(PlaceRef(p.name, r.mention.start, r.mention.end, float(p.lon), float(p.lat), p.country_code,
                            p.feature_type, r.mention.kind, r.mention.text))
    return sorted(out, key=lambda p: p.start)


def count_objects(text: str) -> int:
    """How many objects a launch sentence names: "two missiles" -> 2, "a ballistic missile" -> 1."""
    best = 0
    for m in _COUNT_RE.finditer(text):
        n = m.group("n").lower()
        n = "pair" if n.startswith("a pair") else n
        k = int(n) if n.isdigit() else _NUMBERS.get(n, 0)
        if k == 1 and m.group("noun").lower().endswith("s") and n in ("a", "an"):
            continue
        best = max(best, k)
    return best


def _subject_count(subj: str) -> int:
    s = subj.lower()
    m = re.match(r"(one|two|three|four|five)\s+of\b", s)
    if m:
        return _NUMBERS[m.group(1)]
    m = re.match(r"the\s+(two|three|four|five)\b", s)
    if m:
        return _NUMBERS[m.group(1)]
    if s in ("both",):
        return 2
    if s in ("all", "they") or (s.startswith("the ") and s.endswith("s")):
        return -1               # all of them
    return 1


def _actor(sent: str, sent_start: int, clause_start: int, verb: int, places: list[PlaceRef], quotes) -> str:
    """Who fires: the last country or demonym before the launch verb and after any verb of saying
    ("South Korea said the missiles were fired" names the speaker, not the actor)."""
    lo = clause_start
    for m in re.finditer(r"\b(?:said|says|confirmed|announced|reported|told|according\s+to)\b", sent):
        at = sent_start + m.end()
        if at <= verb and not any(a <= sent_start + m.start() < b for a, b in quotes):
            lo = max(lo, at)
    cands = [p for p in places if lo <= p.start < verb and p.feature_type == "country" and p.country_code]
    return cands[-1].country_code if cands else ""


def read_clauses(analysis: Analysis, places: list[PlaceRef], zone_geometry: Callable | None
                 ) -> tuple[list[Clause], int, dict]:
    """Event clauses of the whole document, the object count, and the speaker of each sentence."""
    doc = analysis.document
    text = doc.text
    quotes = quote_spans(text)
    meta = doc.meta
    clauses: list[Clause] = []
    count = 0
    speaker, speaker_age = None, 0
    speakers = {}
    last_zone = None
    # without an article time zone, a zone stated with any clock time ("7.10am Tokyo time") is the default
    default_tz = meta.timezone
    if not default_tz:
        for (_, _, _, _, zone, _) in find_times(text):
            if zone and zone.lower() != "local" and _TZ.get(re.sub(r"\s+", " ", zone.lower())):
                default_tz = _TZ[re.sub(r"\s+", " ", zone.lower())]
                break
    recent_object = -10
    # each sentence sees only its own places (found by offset), so long texts cost linear time
    places = sorted(places, key=lambda p: p.start)
    starts = [p.start for p in places]
    all_places = places
    for i, span in enumerate(doc.sentences):
        sent = text[span.start:span.end]
        places = all_places[bisect_left(starts, span.start):bisect_left(starts, span.end)]
        sp = find_speaker(sent, span.start, places, quotes)
        if sp:
            speaker, speaker_age = sp, 0
        else:
            speaker_age += 1
            if speaker_age > 2:
                speaker = None
        speakers[i] = speaker
        claims = read_claims(sent, places, span.start, speaker, last_zone, zone_geometry)
        zs = [c for c in claims if c.kind == "zone"]
        if zs:
            last_zone = zs[-1]
        if _is_background(sent, meta.date):
            continue
        has_object = bool(_OBJECT_RE.search(sent))
        if has_object:
            recent_object = i
        if i - recent_object > 2:
            continue
        verbs = []
        for role, rx in (("launch", _LAUNCH_RE), ("impact", _IMPACT_RE), ("overflight", _OVERFLIGHT_RE)):
            for m in rx.finditer(sent):
                before = sent[max(0, m.start() - 20):m.start()]
                if _NEGATION_RE.search(before):
                    continue
                verbs.append((m.start(), m.end(), role))
        verbs.sort()
        if not verbs:
            continue
        if not has_object and not any(r in ("impact", "overflight") for _, _, r in verbs):
            continue
        bounds, subjects = [], []
        prev_end = 0
        for k, (vs, ve, role) in enumerate(verbs):
            window = sent[prev_end:vs]
            subj = None
            for sm in _SUBJECT_RE.finditer(window):
                subj = sm
            if subj is not None:
                b = prev_end + subj.start()
                subjects.append(subj.group("subj"))
            else:
                b = 0 if k == 0 else vs
                subjects.append("")
            bounds.append(0 if k == 0 else b)
            prev_end = ve
        for k, (vs, ve, role) in enumerate(verbs):
            if not has_object and not subjects[k]:
                continue            # "Stock prices fell": no missile and no "it"/"one" to stand for one
            s = span.start + bounds[k]
            e = span.start + (bounds[k + 1] if k + 1 < len(verbs) else len(sent))
            cl = Clause(role, i, s, e, subjects[k], _subject_count(subjects[k]) if subjects[k] else 1)
            cl.claims = [c for c in claims if s <= c.start < e]
            for (ts, te, h, mi, zone, surface) in find_times(text[s:e], s):
                # the weekday nearest after the time in its sentence ("at 7.10am ... on Wednesday")
                wds = [w for w in _WEEKDAY_RE.finditer(sent) if span.start + w.start() >= te - 1]
                wds = wds or list(_WEEKDAY_RE.finditer(sent))
                wd = wds[0].group(1) if wds else None
                iso = iso_time(meta.date, h, mi, zone, default_tz, wd)
                cl.times.append((iso, surface, ts, te))
            if role == "launch":
                cl.count = count_objects(text[s:e])
                cl.actor = _actor(sent, span.start, s, span.start + vs, places, quotes)
            clauses.append(cl)
    main = next((c.actor for c in clauses if c.role == "launch" and c.actor), "")
    count = max((c.count for c in clauses if c.role == "launch" and c.actor in ("", main)), default=0)
    return clauses, count, speakers


# ---------------------------------------------------------------- merging clauses into objects

def _zone_key(c: SpatialClaim) -> tuple:
    return (c.zone_kind, c.zone_sovereign)


def _compatible(obj: EventObject, cl: Clause, zone_geometry: Callable | None = None) -> tuple[bool, int]:
    """(no contradiction, amount of shared evidence) between an object and a clause.

    Evidence: the same zone claim, the same anchor place, the same clock time, or positions that
    agree within their uncertainties. Contradictions: inside vs outside the same zone, different
    clock times, positions further apart than twice their uncertainties together."""
    score = 0
    here = estimate_position(cl.claims, zone_geometry)
    there = estimate_position(obj.claims, zone_geometry)
    if here is not None and there is not None and here.point and there.point:
        d = distance_km(*here.point, *there.point)
        reach = (here.uncertainty_km or 0.0) + (there.uncertainty_km or 0.0)
        if d > 2 * reach:
            return False, 0
        if d <= reach:
            score += 1
    mine = {(_zone_key(c)): c.inside for c in obj.claims if c.kind == "zone"}
    for c in cl.claims:
        if c.kind == "zone":
            if _zone_key(c) in mine:
                if mine[_zone_key(c)] != c.inside:
                    return False, 0
                score += 1
        elif c.anchor_place is not None and any(o.anchor_place is not None and o.kind == c.kind
                                                and o.anchor_place.name == c.anchor_place.name
                                                for o in obj.claims):
            score += 1
    t_obj = {t[0] for t in obj.times if t[0]}
    t_cl = {t[0] for t in cl.times if t[0]}
    if t_obj and t_cl:
        if t_obj & t_cl:
            score += 1
        else:
            return False, 0
    return True, score


def merge_impacts(clauses: list[Clause], count: int, zone_geometry: Callable | None = None) -> list[EventObject]:
    objects: list[EventObject] = []
    for sent in sorted({c.sentence for c in clauses if c.role == "impact"}):
        used: set[int] = set()
        for cl in (c for c in clauses if c.role == "impact" and c.sentence == sent):
            n = cl.plural if cl.plural > 0 else max(count, len(objects), 1)
            for _ in range(n):
                scored = []
                for k, o in enumerate(objects):
                    if k in used:
                        continue
                    ok, score = _compatible(o, cl, zone_geometry)
                    if ok:
                        scored.append((score, -k, k))
                scored.sort(reverse=True)
                if scored and (scored[0][0] > 0 or len(objects) >= max(count, 1)):
                    k = scored[0][2]
                else:
                    objects.append(EventObject("impact"))
                    k = len(objects) - 1
                objects[k].clauses.append(cl)
                used.add(k)
    # an object that only says "a missile landed" (a headline, a summary) adds nothing to tell it
    # apart: fold it into the first object it agrees with
    out: list[EventObject] = []
    for o in objects:
        if not o.claims and not [t for t in o.times if t[0]]:
            target = next((t for t in objects if t is not o and t.claims
                           and all(_compatible(t, cl, zone_geometry)[0] for cl in o.clauses)), None)
            if target is not None:
                target.clauses.extend(o.clauses)
                continue
        out.append(o)
    return out


# ---------------------------------------------------------------- zones

def _zone_api():
    """geo.zones' functions, or (None, None) when the module or its data are missing."""
    try:
        from geo import zones as z
        z.load()
        return z.zones_at, z.zone_geometry
    except Exception:
        return None, None


def _zone_dicts(hits) -> list[dict]:
    return [{"kind": h.kind, "sovereign": h.sovereign, "name": h.name, "inside": bool(h.inside),
             "disputed": bool(h.disputed), "distance_km": round(float(h.distance_km), 1)} for h in hits]


def _conflicts(claims: list[SpatialClaim], hits, names: dict) -> str | None:
    notes = []
    for c in claims:
        if c.kind == "zone" and c.zone_sovereign is None and c.inside is False:
            seas = sorted({h.name for h in hits if h.inside and h.kind == c.zone_kind})
            if seas:
                notes.append(f"The text says {c.text!r}, but the estimated point lies in {', '.join(seas)}.")
            continue
        if c.kind != "zone" or not c.zone_sovereign:
            continue
        owner = names.get(c.zone_sovereign, c.zone_sovereign)
        zone = f"{owner}'s {_KIND_WORDS.get(c.zone_kind, c.zone_kind)}"
        same_kind = [h for h in hits if h.inside and h.kind == c.zone_kind]
        in_claimed = [h for h in same_kind if h.sovereign == c.zone_sovereign]
        if c.inside and not in_claimed:
            where = ", ".join(sorted({h.name for h in same_kind})) or f"no state's {_KIND_WORDS.get(c.zone_kind)}"
            notes.append(f"The text says it fell inside {zone}, but the estimated point lies in {where}.")
        elif c.inside and any(h.disputed for h in in_claimed):
            others = sorted({names.get(h.sovereign, h.sovereign) for h in same_kind if h.sovereign != c.zone_sovereign})
            notes.append(f"The text says it fell inside {zone}; the estimated point lies in disputed waters"
                         + (f" also claimed by {', '.join(others)}." if others else "."))
        elif c.inside is False and in_claimed:
            notes.append(f"The text says it fell outside {zone}, but the estimated point lies inside it"
                         + (" (in disputed waters)." if in_claimed[0].disputed else "."))
    return " ".join(dict.fromkeys(notes)) or None


# ---------------------------------------------------------------- placing

def _unreported_position(launch: tuple[float, float] | None, claims: list[SpatialClaim], toward,
                         zone_geometry: Callable | None) -> Estimate:
    """An impact whose position the text does not give: on the line from the launch site toward
    `toward`, just short of (outside) or just past (inside) the zone the text names."""
    import shapely
    if launch is None:
        return Estimate(None, None, None, "position not reported")
    zc = next((c for c in claims if c.kind == "zone" and c.zone_sovereign), None)
    if toward is None or zc is None or zone_geometry is None:
        return Estimate(launch, 1000.0, None, "position not reported; shown at the launch site")
    b = bearing_deg(launch[0], launch[1], toward[0], toward[1])
    zg = zone_shape(zone_geometry, zc.zone_sovereign, zc.zone_kind)
    if zg is None:
        return Estimate(launch, 1000.0, None, "position not reported; shown at the launch site")
    d_in = None
    for d in range(10, 2500, 10):
        x, y = destination(launch[0], launch[1], b, d)
        if shapely.contains_xy(zg, x, y):
            d_in = d
            break
    if d_in is None:
        return Estimate(launch, 1000.0, None, "position not reported; shown at the launch site")
    owner = COUNTRY_NAMES.get(zc.zone_sovereign, zc.zone_sovereign)
    if zc.inside:
        d = d_in + 100
        basis = f"position not reported; placed just inside {owner}'s {zc.zone_kind}, on the launch bearing"
        return Estimate(destination(launch[0], launch[1], b, d), 300.0, None, basis)
    d = d_in / 2.0
    basis = (f"position not reported; placed on the launch bearing ({compass(b)}) halfway to "
             f"{owner}'s {zc.zone_kind}, outside it")
    return Estimate(destination(launch[0], launch[1], b, d), round(max(d_in / 2.0, 150.0), 1), None, basis)


def _launch_site(group: list[Clause], actor: str, places: list[PlaceRef], names: dict):
    """(point, name, origin claim, uncertainty km, basis) of a launch: the first "from X", else
    the launching country's point with a large uncertainty."""
    claims = [c for cl in group for c in cl.claims]
    origin = next((c for c in claims if c.kind == "origin"), None)
    if origin is not None:
        name = origin.anchor_place.text or origin.anchor_place.name
        return origin.point, name, origin, origin.uncertainty_km, origin.text
    country = next((p for p in places if p.feature_type == "country" and p.country_code == actor), None)
    if country is None:
        first = group[0]
        country = next((p for p in places if first.start <= p.start < first.end and p.feature_type == "country"), None)
    if country is None:
        return None, "launch site", None, None, ""
    name = names.get(country.country_code, country.name)
    return (country.lon, country.lat), name, None, 300.0, f"launch site not reported; shown at {name}"


# ---------------------------------------------------------------- GeoJSON

def _r(x: float, n: int = 6) -> float:
    return round(float(x), n)


def _geojson(geom, grid: float = 1e-4) -> dict:
    import shapely
    return json.loads(shapely.to_geojson(shapely.set_precision(geom, grid)))


def _line(a: tuple[float, float], b: tuple[float, float]) -> dict:
    d = distance_km(a[0], a[1], b[0], b[1])
    n = max(0, min(64, int(d // 50)))
    pts = GEOD.npts(a[0], a[1], b[0], b[1], n) if n else []
    coords = [[_r(a[0]), _r(a[1])]] + [[_r(x), _r(y)] for x, y in pts] + [[_r(b[0]), _r(b[1])]]
    return {"type": "LineString", "coordinates": coords}


def _relation(a, b, name_a: str, name_b: str, text: str) -> dict:
    d = distance_km(a[0], a[1], b[0], b[1])
    brg = bearing_deg(a[0], a[1], b[0], b[1])
    return {"type": "Feature", "geometry": _line(a, b),
            "properties": {"kind": "relation", "from": name_a, "to": name_b, "distance_km": round(d, 1),
                           "bearing_deg": round(brg, 1), "compass": compass(brg, 16), "text": text}}


def _claim_dict(c: SpatialClaim, names: dict) -> dict:
    by = names.get(c.by, c.by) if c.by else None
    if c.kind == "zone":
        return {"kind": c.zone_kind, "sovereign": c.zone_sovereign, "inside": c.inside, "text": c.text, "by": by}
    d = {"kind": c.kind, "text": c.text, "by": by,
         "anchor": c.anchor_place.name if c.anchor_place else None}
    if c.distance_km is not None:
        d["distance_km"] = round(c.distance_km, 1)
    if c.bearing is not None:
        d["bearing_deg"] = round(c.bearing, 1)
    if c.point is not None:
        d["point"] = [_r(c.point[0], 5), _r(c.point[1], 5)]
    if c.uncertainty_km is not None:
        d["uncertainty_km"] = c.uncertainty_km
    return d


# ---------------------------------------------------------------- entry point

def add_events(analysis: Analysis, *, zones_at: Callable | None = None,
               zone_geometry: Callable | None = None) -> Analysis:
    """A new Analysis with launch and impact events, their relations and areas (GeoJSON dicts).

    `zones_at` and `zone_geometry` default to geo.zones; without zone data the events are still
    placed, with empty `zones` and a note.
    """
    if not mentions_objects(analysis.document.text):
        return analysis          # nothing fired, flown or landed: most news, and it costs nothing
    if zones_at is None and zone_geometry is None:
        zones_at, zone_geometry = _zone_api()
    doc = analysis.document
    meta = doc.meta
    places = place_refs(analysis)
    names = dict(COUNTRY_NAMES)
    for p in places:
        if p.feature_type == "country" and p.country_code:
            names.setdefault(p.country_code, p.name)
    clauses, count, speakers = read_clauses(analysis, places, zone_geometry)
    notes = list(analysis.notes)
    if zones_at is None:
        notes.append("maritime zones unavailable: events are placed but not checked against zones")
    if not clauses:
        return replace(analysis, notes=tuple(notes))

    # launch: one event for the launch site (the first origin the text gives)
    launch_clauses = [c for c in clauses if c.role == "launch"]
    impacts = merge_impacts(clauses, count, zone_geometry)
    events: list[dict] = []
    relations: list[dict] = []
    areas: list[dict] = []

    def provenance(cls: list[Clause]) -> dict:
        sents = sorted({c.sentence for c in cls})
        return {"article_id": meta.id, "title": meta.title, "date": meta.date,
                "sentence_offsets": [[doc.sentences[s].start, doc.sentences[s].end] for s in sents]}

    def sentences_of(cls: list[Clause]) -> list[str]:
        return [doc.sentence_text(s) for s in sorted({c.sentence for c in cls})]

    def zone_info(pt, claims, uncertainty_km=None):
        if zones_at is None or pt is None:
            return [], None
        if uncertainty_km is not None and uncertainty_km > MAX_ZONE_CHECK_KM:
            return [], None          # "in the Pacific Ocean": too vague to say whose waters
        try:
            hits = zones_at(pt[0], pt[1])
        except Exception as e:           # bad data should not sink the article
            notes.append(f"zone lookup failed: {e}")
            return [], None
        return _zone_dicts(hits), _conflicts(claims, hits, names)

    # launches: one per actor ("North Korea fired ..."; passive "were fired" joins the first actor);
    # the first actor's launch is the one the impacts are measured from
    main_actor = next((c.actor for c in launch_clauses if c.actor), "")
    groups: dict[str, list[Clause]] = {}
    for cl in launch_clauses:
        groups.setdefault(cl.actor if cl.actor and cl.actor != main_actor else main_actor, []).append(cl)
    launch_pt, launch_name = None, "launch site"
    for actor, group in groups.items():
        pt, name, origin, unc, basis = _launch_site(group, actor, places, names)
        if actor == main_actor:
            launch_pt, launch_name = pt, name
            n_objects = count
        else:
            n_objects = max((cl.count for cl in group), default=0)
        if pt is None:
            continue
        times = [t for cl in group for t in cl.times if t[0]]
        claims = [c for cl in group for c in cl.claims]
        zd, conflict = zone_info(pt, [])
        by = f" by {names.get(actor, actor)}" if actor and actor != main_actor else ""
        label = f"Launch{by} ({name})" if origin is not None else f"Launch{by} (site not reported)"
        events.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [_r(pt[0]), _r(pt[1])]},
            "properties": {
                "kind": "event", "role": "launch", "label": label,
                "actor": names.get(actor, actor) if actor else None,
                "time": times[0][0] if times else None, "time_text": times[0][1] if times else None,
                "objects": n_objects or None, "zones": zd,
                "claims": [_claim_dict(c, names) for c in claims if c.kind in ("origin", "zone")],
                "uncertainty_km": unc, "position": basis, "sentences": sentences_of(group),
                "conflict": conflict, "provenance": provenance(group)}})

    # overflights: one per place flown over ("passed over Hokkaido at around 6.06am")
    flights: dict[str, list[tuple[Clause, SpatialClaim]]] = {}
    for cl in clauses:
        if cl.role == "overflight":
            for c in cl.claims:
                if c.kind == "over":
                    flights.setdefault(c.anchor_place.name, []).append((cl, c))
    for name, items in flights.items():
        cls = [cl for cl, _ in items]
        c = items[0][1]
        times = [t for cl in cls for t in cl.times if t[0]]
        zd, _ = zone_info(c.point, [], c.uncertainty_km)
        label = f"Overflight ({c.anchor_place.text or name})"
        events.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [_r(c.point[0]), _r(c.point[1])]},
            "properties": {
                "kind": "event", "role": "overflight", "label": label,
                "time": times[0][0] if times else None, "time_text": times[0][1] if times else None,
                "zones": zd, "claims": [_claim_dict(x, names) for _, x in items], "uncertainty_km": c.uncertainty_km,
                "position": f"{c.text} (the place's point; the track crosses it somewhere)",
                "sentences": sentences_of(cls), "conflict": None, "provenance": provenance(cls)}})
        if launch_pt is not None:
            relations.append(_relation(launch_pt, c.point, launch_name, label, c.text))

    # impacts: placed from their own claims first, then the unplaced ones from the others
    estimates: list[Estimate | None] = [estimate_position(o.claims, zone_geometry) for o in impacts]
    placed = [e.point for e in estimates if e is not None and e.point is not None]
    for k, o in enumerate(impacts):
        if estimates[k] is None:
            toward = None
            if placed:
                toward = (sum(p[0] for p in placed) / len(placed), sum(p[1] for p in placed) / len(placed))
            else:
                zc = next((c for c in o.claims if c.kind == "zone" and c.zone_sovereign), None)
                ctry = next((p for p in places if zc and p.country_code == zc.zone_sovereign
                             and p.feature_type == "country"), None)
                toward = (ctry.lon, ctry.lat) if ctry else None
            estimates[k] = _unreported_position(launch_pt, o.claims, toward, zone_geometry)

    def sort_key(k: int):
        ts = [t[0] for t in impacts[k].times if t[0]]
        first = min(c.start for c in impacts[k].clauses)
        return (0, min(ts), first) if ts else (1, "", first)

    order = sorted(range(len(impacts)), key=sort_key)
    for n, k in enumerate(order, 1):
        o, est = impacts[k], estimates[k]
        if est is None:
            est = Estimate(None, None, None, "position not reported")
        claims = o.claims
        zclaims = [c for c in claims if c.kind == "zone" and c.zone_sovereign]
        if zclaims:
            z = zclaims[0]
            owner = names.get(z.zone_sovereign, z.zone_sovereign)
            desc = f"{'inside' if z.inside else 'outside'} {owner}'s {_KIND_WORDS.get(z.zone_kind, z.zone_kind)}"
        else:
            rank = ("distance_direction", "direction", "offshore", "in_place")
            dd = min((c for c in claims if c.kind in rank), key=lambda c: rank.index(c.kind), default=None)
            desc = dd.text if dd else "position not reported"
        label = f"Impact {n} ({desc})"
        times = [t for t in o.times if t[0]]
        zd, conflict = zone_info(est.point, claims, est.uncertainty_km)
        if (est.basis or "").startswith("position not reported"):
            # an indicative point says nothing about where it fell: only the text's claims stand
            zd, conflict = [], None
        if est.notes:
            conflict = " ".join(filter(None, [conflict, *est.notes]))
        dedup_claims, seen = [], set()
        for c in claims:
            d = _claim_dict(c, names)
            key = json.dumps(d, sort_keys=True)
            if key not in seen:
                seen.add(key)
                dedup_claims.append(d)
        events.append({
            "type": "Feature",
            # no position at all (no launch site, no place): GeoJSON's null geometry, kept for the record
            "geometry": ({"type": "Point", "coordinates": [_r(est.point[0]), _r(est.point[1])]}
                         if est.point is not None else None),
            "properties": {
                "kind": "event", "role": "impact", "label": label,
                "time": times[0][0] if times else None, "time_text": times[0][1] if times else None,
                "zones": zd, "claims": dedup_claims, "uncertainty_km": est.uncertainty_km,
                "position": est.basis, "sentences": sentences_of(o.clauses), "conflict": conflict,
                "provenance": provenance(o.clauses)}})
        if est.point is None:
            continue
        if launch_pt is not None:
            relations.append(_relation(launch_pt, est.point, launch_name, label,
                                       f"{launch_name} → {label}"))
        for c in claims:
            if c.kind in ("distance_direction", "direction", "offshore") and c.anchor_place is not None:
                a = (c.anchor_place.lon, c.anchor_place.lat)
                relations.append(_relation(a, est.point, c.anchor_place.name, label, c.text))
                if launch_pt is not None and distance_km(*launch_pt, *a) > 1:
                    rel = _relation(launch_pt, a, launch_name, c.anchor_place.name,
                                    f"{launch_name} → {c.anchor_place.text or c.anchor_place.name}")
                    if all(r["properties"]["to"] != rel["properties"]["to"] or r["properties"]["from"] != launch_name
                           for r in relations):
                        relations.append(rel)
        if est.area is not None and not est.area.is_empty:
            areas.append({"type": "Feature", "geometry": _geojson(est.area),
                          "properties": {"kind": "area", "name": f"{label}: {est.basis}",
                                         "sovereign": zclaims[0].zone_sovereign if zclaims else None,
                                         "event": label}})

    # the zones the claims name, simplified
    if zone_geometry is not None:
        seen_z = set()
        for o in impacts:
            for c in o.claims:
                if c.kind == "zone" and c.zone_sovereign and (c.zone_sovereign, c.zone_kind) not in seen_z:
                    seen_z.add((c.zone_sovereign, c.zone_kind))
                    g = zone_shape(zone_geometry, c.zone_sovereign, c.zone_kind)
                    if g is None:
                        continue
                    g = g.simplify(0.02, preserve_topology=True)
                    owner = names.get(c.zone_sovereign, c.zone_sovereign)
                    areas.append({"type": "Feature", "geometry": _geojson(g, 1e-3),
                                  "properties": {"kind": "zone", "name": f"{owner} {c.zone_kind}",
                                                 "sovereign": c.zone_sovereign, "zone_kind": c.zone_kind}})

    return replace(analysis, events=tuple(events), relations=tuple(relations), areas=tuple(areas),
                   notes=tuple(notes))
