"""The missile family: launches, impacts and overflights of missiles and rockets.

How it reads an article, in order:

1. sentences with a launch verb ("fired", "launched", "test-fired") or an impact verb ("landed",
   "fell", "splashed down") about a missile-like object are cut into clauses, one per verb, each
   with its subject ("one missile", "a second missile", "both"), its claims and its clock times
   (the claims and speakers come from ``EventContext.sentences``);
2. impact clauses are merged into objects: clauses that agree (no contradicting zone claim, no
   different time) and share evidence are the same object; clauses of one sentence with different
   subjects are different objects; the number of objects is capped by the count the text gives
   ("two missiles") unless the claims force more;
3. each object is placed from its claims (``geo.spatial.estimate``), looked up in the maritime
   zones, and its claims are compared with the geometry (``conflict``);
4. the launch site, the lines from it to each impact and to each place an impact is measured from
   (``Relation``), the regions the text describes and the zones it names (``Area``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Callable

from geo.events.context import COUNTRY_NAMES, ZONE_WORDS, EventContext, is_background, lowered
from geo.events.registry import FamilyResult, family
from geo.events.times import WEEKDAY_RE, find_times, first_stated_zone, iso_time
from geo.model import Area, Claim, Event, EventLocation, PlaceRef, Relation, Span
from geo.spatial.estimate import Estimate, estimate_position
from geo.spatial.expressions import zone_shape
from geo.spatial.measure import bearing_deg, compass, destination, distance_km
from geo.vocabulary import IMPACT_PATTERN, LAUNCH_PATTERN, OVERFLIGHT_PATTERN, SPEECH_PATTERN

# ---------------------------------------------------------------- words

_OBJECT_RE = re.compile(r"\b(?:missiles?|projectiles?|rockets?|ICBMs?|SLBMs?|IRBMs?|warheads?|re-entry\s+vehicles?"
                        r"|Hwasong[\w-]*|Pukguksong[\w-]*|Rodong|Nodong|Scuds?)\b", re.I)
# words one of which any text _OBJECT_RE matches contains: a cheap test before the regex
_OBJECT_WORDS = ("missile", "projectile", "rocket", "icbm", "slbm", "irbm", "warhead", "re-entry", "hwasong",
                 "pukguksong", "rodong", "nodong", "scud")


def mentions_objects(text: str) -> bool:
    """Whether the text names a missile, rocket or the like (most news does not)."""
    low = lowered(text)
    return any(map(low.__contains__, _OBJECT_WORDS)) and _OBJECT_RE.search(text) is not None


_VERBS = (("launch", re.compile(r"\b(?:" + LAUNCH_PATTERN + r")\b", re.I)),
          ("impact", re.compile(r"\b(?:" + IMPACT_PATTERN + r")\b", re.I)),
          ("overflight", re.compile(r"\b(?:" + OVERFLIGHT_PATTERN + r")\b", re.I)),
          # the nouns: "The launch from Kaechon", "a training launch of the Abdali missile … from
          # Sonmiani"; "put the missile's impact at about 180 km northwest of Sado"
          ("launch", re.compile(r"\blaunch(?:es)?\b(?=\s+(?:of\s+[^.;]{1,80}?\s+)?from\b)", re.I)),
          ("impact", re.compile(r"(?<=['’]s )impact\b(?=\s+(?:at|in|near|off|inside|outside|within)\b)", re.I)))
_SPEECH_RE = re.compile(r"\b(?:" + SPEECH_PATTERN + r")\b")
_DETERMINER_BEFORE_RE = re.compile(r"\b(?:a|an|the|its|their|this|that)\s+$", re.I)
_UNSAID_WHERE = re.compile(r"(?:\b(?:not|never)|n't|\bunclear|\bunknown)\b[\w\s,]{0,25}\bwhere\b[^.;]*$", re.I)
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
# sentences after the last one naming a missile that can still speak of it ("It landed ...")
OBJECT_CARRIES = 2
_BY_BEFORE = re.compile(r"\bby\s+(?:the\s+)?$")
LAUNCH_SITE_UNCERTAINTY_KM = 300.0      # a launch shown at its country's point
UNREPORTED_UNCERTAINTY_KM = 1000.0      # an impact shown at the launch site


# ---------------------------------------------------------------- plain data

@dataclass
class Clause:
    role: str                      # "launch" | "impact" | "overflight"
    sentence: int
    start: int                     # document offsets of the clause
    end: int
    subject: str = ""
    plural: int = 1                # how many objects the subject names ("both" -> 2)
    actor: str = ""                # ISO alpha-2 of who fires (launch clauses), "" when unsaid
    count: int = 0                 # objects the clause counts ("two missiles")
    verb: tuple[int, int] = (0, 0)  # document offsets of the clause's verb
    claims: list = field(default_factory=list)
    times: list = field(default_factory=list)     # (iso or None, text, start, end)


@dataclass
class EventObject:
    role: str
    clauses: list = field(default_factory=list)

    @property
    def claims(self) -> list[Claim]:
        return [c for cl in self.clauses for c in cl.claims]

    @property
    def times(self) -> list:
        return [t for cl in self.clauses for t in cl.times]


# ---------------------------------------------------------------- reading clauses

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
    for m in _SPEECH_RE.finditer(sent):
        at = sent_start + m.end()
        if at <= verb and not any(a <= sent_start + m.start() < b for a, b in quotes):
            lo = max(lo, at)
    cands = [p for p in places if lo <= p.start < verb and p.feature_type == "country" and p.country_code]
    return cands[-1].country_code if cands else ""


def _verbs(sent: str) -> list[tuple[int, int, str]]:
    """(start, end, role) of the event verbs of a sentence that are not negated, in text order."""
    verbs = []
    for role, rx in _VERBS:
        for m in rx.finditer(sent):
            if _NEGATION_RE.search(sent[max(0, m.start() - 20):m.start()]) or _UNSAID_WHERE.search(
                    sent, max(0, m.start() - 60), m.start()):
                continue        # "did not say where the missile came down" tells no impact
            if m.group().split()[0].lower().endswith("ing") and _DETERMINER_BEFORE_RE.search(sent, 0, m.start()):
                continue        # "a falling booster": an adjective, not an impact
            verbs.append((m.start(), m.end(), role))
    return sorted(verbs)


def _subjects(sent: str, verbs) -> tuple[list[int], list[str]]:
    """Where each verb's clause starts in the sentence, and its subject ("one", "the second", "")."""
    bounds, subjects = [], []
    prev_end = 0
    for k, (vs, ve, _) in enumerate(verbs):
        subj = None
        for sm in _SUBJECT_RE.finditer(sent[prev_end:vs]):
            subj = sm
        if subj is not None:
            b = prev_end + subj.start()
            subjects.append(subj.group("subj"))
        else:
            b = 0 if k == 0 else vs
            subjects.append("")
        bounds.append(0 if k == 0 else b)
        prev_end = ve
    return bounds, subjects


_PRONOUN_SUBJECT = re.compile(r"\s*(?:It|They|Both)\s+(?:was|were|had\s+been|has\s+been|have\s+been)\s")


def read_clauses(ctx: EventContext) -> tuple[list[Clause], int]:
    """Event clauses of the whole document, and the number of objects the launch counts."""
    doc = ctx.document
    meta = doc.meta
    # without an article time zone, a zone stated with any clock time ("7.10am Tokyo time") is the default
    default_tz = meta.timezone or first_stated_zone(doc.text)
    clauses: list[Clause] = []
    recent_object = -10
    for i, span in enumerate(doc.sentences):
        sent = doc.text[span.start:span.end]
        if is_background(sent, meta.date):
            continue
        # "It was launched from near Pyongyang": a pronoun for the missile of the sentences before
        has_object = bool(_OBJECT_RE.search(sent)) or (i - recent_object <= OBJECT_CARRIES
                                                       and _PRONOUN_SUBJECT.match(sent) is not None)
        if has_object:
            recent_object = i
        if i - recent_object > OBJECT_CARRIES:
            continue
        verbs = _verbs(sent)
        if not verbs or (not has_object and not any(r in ("impact", "overflight") for _, _, r in verbs)):
            continue
        clauses.extend(_sentence_clauses(ctx, i, sent, verbs, has_object, default_tz))
    main = next((c.actor for c in clauses if c.role == "launch" and c.actor), "")
    count = max((c.count for c in clauses if c.role == "launch" and c.actor in ("", main)), default=0)
    return clauses, count


def _sentence_clauses(ctx: EventContext, i: int, sent: str, verbs, has_object: bool, default_tz: str) -> list[Clause]:
    span = ctx.document.sentences[i]
    text = ctx.document.text
    claims = ctx.sentences[i][1]
    bounds, subjects = _subjects(sent, verbs)
    out = []
    for k, (vs, ve, role) in enumerate(verbs):
        if not has_object and not subjects[k]:
            continue            # "Stock prices fell": no missile and no "it"/"one" to stand for one
        s = span.start + bounds[k]
        e = span.start + (bounds[k + 1] if k + 1 < len(verbs) else len(sent))
        cl = Clause(role, i, s, e, subjects[k], _subject_count(subjects[k]) if subjects[k] else 1,
                    verb=(span.start + vs, span.start + ve))
        cl.claims = [c for c in claims if s <= c.start < e]
        for (ts, te, h, mi, zone, surface) in find_times(text[s:e], s):
            # the weekday nearest after the time in its sentence ("at 7.10am ... on Wednesday")
            wds = [w for w in WEEKDAY_RE.finditer(sent) if span.start + w.start() >= te - 1]
            wds = wds or list(WEEKDAY_RE.finditer(sent))
            wd = wds[0].group(1) if wds else None
            cl.times.append((iso_time(ctx.document.meta.date, h, mi, zone, default_tz, wd), surface, ts, te))
        if role == "launch":
            cl.count = count_objects(text[s:e])
            cl.actor = _actor(sent, span.start, s, span.start + vs, ctx.places_in(span.start, span.end), ctx.quotes)
        out.append(cl)
    return out


# ---------------------------------------------------------------- merging clauses into objects

def _zone_key(c: Claim) -> tuple:
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
    # apart: fold it into the first object it agrees with; and there are never more such objects
    # than the missiles the text counts ("landed landed landed …" is one impact, not hundreds)
    out: list[EventObject] = []
    bare: list[EventObject] = []
    for o in objects:
        if not o.claims and not [t for t in o.times if t[0]]:
            target = next((t for t in objects if t is not o and t.claims
                           and all(_compatible(t, cl, zone_geometry)[0] for cl in o.clauses)), None)
            if target is None and len(bare) >= max(count, 1):
                target = bare[0]
            if target is not None:
                target.clauses.extend(o.clauses)
                continue
            bare.append(o)
        out.append(o)
    return out


# ---------------------------------------------------------------- placing

def _unreported_position(launch: tuple[float, float] | None, claims: list[Claim], toward,
                         zone_geometry: Callable | None) -> Estimate:
    """An impact whose position the text does not give: on the line from the launch site toward
    `toward`, just short of (outside) or just past (inside) the zone the text names."""
    import shapely
    if launch is None:
        return Estimate(None, None, None, "position not reported")
    zc = next((c for c in claims if c.kind == "zone" and c.zone_sovereign), None)
    if toward is None or zc is None or zone_geometry is None:
        return Estimate(launch, UNREPORTED_UNCERTAINTY_KM, None, "position not reported; shown at the launch site")
    b = bearing_deg(launch[0], launch[1], toward[0], toward[1])
    zg = zone_shape(zone_geometry, zc.zone_sovereign, zc.zone_kind)
    if zg is None:
        return Estimate(launch, UNREPORTED_UNCERTAINTY_KM, None, "position not reported; shown at the launch site")
    d_in = None
    for d in range(10, 2500, 10):
        x, y = destination(launch[0], launch[1], b, d)
        if shapely.contains_xy(zg, x, y):
            d_in = d
            break
    if d_in is None:
        return Estimate(launch, UNREPORTED_UNCERTAINTY_KM, None, "position not reported; shown at the launch site")
    owner = COUNTRY_NAMES.get(zc.zone_sovereign, zc.zone_sovereign)
    if zc.inside:
        d = d_in + 100
        basis = f"position not reported; placed just inside {owner}'s {zc.zone_kind}, on the launch bearing"
        return Estimate(destination(launch[0], launch[1], b, d), 300.0, None, basis)
    d = d_in / 2.0
    basis = (f"position not reported; placed on the launch bearing ({compass(b)}) halfway to "
             f"{owner}'s {zc.zone_kind}, outside it")
    return Estimate(destination(launch[0], launch[1], b, d), round(max(d_in / 2.0, 150.0), 1), None, basis)


def _launch_site(group: list[Clause], actor: str, places: list[PlaceRef], names: dict, text: str = "",
                 zone_geometry=None):
    """(point, name, origin claim, uncertainty km, basis) of a launch: the first "from X", else
    the launching country's point with a large uncertainty."""
    claims = [c for cl in group for c in cl.claims]
    origin = next((c for c in claims if c.kind == "origin"), None)
    if origin is not None:
        name = origin.anchor_place.text or origin.anchor_place.name
        return origin.point, name, origin, origin.uncertainty_km, origin.text
    country = next((p for p in places if p.feature_type == "country" and p.country_code == actor), None)
    if country is None:
        # the country on the firing side of the verb ("Iran fired", "were fired by Iran"), not a
        # target after it ("fired missiles at the British tanker", "at northern Israel")
        first = group[0]
        # nor a speaker ("South Korea's Joint Chiefs said two missiles were fired")
        country = next((p for p in places if p.feature_type == "country" and (
            (first.start <= p.start < first.verb[0] and not _SPEECH_RE.search(text, p.end, first.verb[0])) or (
                first.verb[1] <= p.start < first.end and _BY_BEFORE.search(text, first.verb[1], p.start)))), None)
    if country is None:
        return None, "launch site", None, None, ""
    name = names.get(country.country_code, country.name)
    # as uncertain as the country is wide: Russia's point is in Siberia, 3,000 km from where it fires
    unc = max(LAUNCH_SITE_UNCERTAINTY_KM, _country_radius(country.country_code, zone_geometry))
    return (country.lon, country.lat), name, None, unc, f"launch site not reported; shown at {name}"


_RADIUS: dict[str, float] = {}


def _country_radius(cc: str, zone_geometry) -> float:
    """The radius (km) that covers most of a country's land (0 without zone data), kept per country."""
    if zone_geometry is None:
        return 0.0               # not kept: a pipeline with zones asks again
    if cc not in _RADIUS:
        from geo.spatial.expressions import zone_shape
        from geo.spatial.measure import area_summary
        land = zone_shape(zone_geometry, cc, "land")
        summary = area_summary(land) if land is not None else None
        _RADIUS[cc] = round(summary[1], -1) if summary is not None else 0.0
    return _RADIUS[cc]


# ---------------------------------------------------------------- building events

def _sentences(cls: list[Clause]) -> tuple[int, ...]:
    return tuple(sorted({c.sentence for c in cls}))


def _times(cls) -> tuple[str | None, str | None]:
    times = [t for cl in cls for t in cl.times if t[0]]
    return (times[0][0], times[0][1]) if times else (None, None)


def _relation(a, b, name_a: str, name_b: str, text: str) -> Relation:
    return Relation(a, b, name_a, name_b, text, distance_km(a[0], a[1], b[0], b[1]), bearing_deg(a[0], a[1], b[0], b[1]))


def _triggers(cls: list[Clause]) -> tuple[Span, ...]:
    return tuple(dict.fromkeys(Span(*cl.verb) for cl in cls))


def _locations(claims) -> tuple[EventLocation, ...]:
    """The places the claims are anchored on, as the event's location spans."""
    out: dict[tuple[int, int], EventLocation] = {}
    for c in claims:
        p = c.anchor_place
        if p is not None and c.kind != "zone":
            out.setdefault((p.start, p.end), EventLocation(p.start, p.end, p.text or p.name, "place", (p.lon, p.lat),
                                                           p.name, p.feature_type))
    return tuple(out.values())


def _impact_confidence(est: Estimate, claims: list[Claim]) -> float:
    """How far to trust an impact's point: a measured distance most, a placeholder least."""
    if (est.basis or "").startswith("position not reported") or est.point is None:
        return 0.2
    kinds = {c.kind for c in claims}
    for kind, conf in (("distance_direction", 0.85), ("distance", 0.7), ("direction", 0.6), ("offshore", 0.6)):
        if kind in kinds:
            return conf
    return 0.4


def _with_unresolved(basis: str, claims: list[Claim]) -> str:
    """A basis not measured from a stated distance says what the text stated but could not be
    measured from ("about 80 km north-west of Hateruma island": the gazetteer lacks Hateruma)."""
    un = next((c for c in claims if c.kind == "unresolved"), None)
    if un is None or "geodesic destination" in (basis or ""):
        return basis
    return f"{basis}; the text says {un.text!r}, but its place is not in the gazetteer"


def _with_speakers(ctx: EventContext, claims) -> tuple[Claim, ...]:
    return tuple(replace(c, by_name=ctx.name_of(c.by)) if c.by else c for c in claims)


@dataclass
class _Launch:
    point: tuple[float, float] | None = None
    name: str = "launch site"


def _launch_events(ctx: EventContext, clauses: list[Clause], count: int) -> tuple[list[Event], _Launch]:
    """One launch event per actor ("North Korea fired ..."; passive "were fired" joins the first
    actor); the first actor's launch is the one the impacts are measured from."""
    launch_clauses = [c for c in clauses if c.role == "launch"]
    main_actor = next((c.actor for c in launch_clauses if c.actor), "")
    groups: dict[str, list[Clause]] = {}
    for cl in launch_clauses:
        groups.setdefault(cl.actor if cl.actor and cl.actor != main_actor else main_actor, []).append(cl)
    events, main = [], _Launch()
    for actor, group in groups.items():
        pt, name, origin, unc, basis = _launch_site(group, actor, ctx.places, ctx.names, ctx.document.text,
                                                    ctx.zone_geometry)
        if actor == main_actor:
            main = _Launch(pt, name)
            n_objects = count
        else:
            n_objects = max((cl.count for cl in group), default=0)
        if pt is None:
            continue
        zones, conflict = ctx.zone_check(pt, [])
        by = f" by {ctx.name_of(actor)}" if actor and actor != main_actor else ""
        label = f"Launch{by} ({name})" if origin is not None else f"Launch{by} (site not reported)"
        claims = [c for cl in group for c in cl.claims if c.kind in ("origin", "zone")]
        time, time_text = _times(group)
        where = _locations([origin] if origin is not None else [])
        events.append(Event("launch", label, pt, unc, basis, _sentences(group), time, time_text,
                            _with_speakers(ctx, claims), zones, conflict, ctx.name_of(actor) if actor else None,
                            (("objects", n_objects),) if n_objects else (), "missile_launch",
                            0.8 if origin is not None else 0.4, where, _triggers(group)))
    return events, main


def _overflight_events(ctx: EventContext, clauses: list[Clause], launch: _Launch
                       ) -> tuple[list[Event], list[Relation]]:
    """One overflight per place flown over ("passed over Hokkaido at around 6.06am")."""
    flights: dict[str, list[tuple[Clause, Claim]]] = {}
    for cl in clauses:
        if cl.role == "overflight":
            for c in cl.claims:
                if c.kind == "over":
                    flights.setdefault(c.anchor_place.name, []).append((cl, c))
    events, relations = [], []
    for name, items in flights.items():
        cls = [cl for cl, _ in items]
        c = items[0][1]
        zones, _ = ctx.zone_check(c.point, [], c.uncertainty_km)
        label = f"Overflight ({c.anchor_place.text or name})"
        time, time_text = _times(cls)
        events.append(Event("overflight", label, c.point, c.uncertainty_km,
                            f"{c.text} (the place's point; the track crosses it somewhere)", _sentences(cls),
                            time, time_text, _with_speakers(ctx, [x for _, x in items]), zones, None,
                            type="overflight", confidence=0.6, locations=_locations([c]), triggers=_triggers(cls)))
        ctx.claimed.update(cl.sentence for cl in cls)
        if launch.point is not None:
            relations.append(_relation(launch.point, c.point, launch.name, label, c.text))
    return events, relations


def _impact_estimates(ctx: EventContext, impacts: list[EventObject], launch: _Launch) -> list[Estimate]:
    """Each impact placed from its own claims first, then the unplaced ones from the others."""
    estimates = [estimate_position(o.claims, ctx.zone_geometry) for o in impacts]
    placed = [e.point for e in estimates if e is not None and e.point is not None]
    for k, o in enumerate(impacts):
        if estimates[k] is None:
            toward = None
            if placed:
                toward = (sum(p[0] for p in placed) / len(placed), sum(p[1] for p in placed) / len(placed))
            else:
                zc = next((c for c in o.claims if c.kind == "zone" and c.zone_sovereign), None)
                ctry = next((p for p in ctx.places if zc and p.country_code == zc.zone_sovereign
                             and p.feature_type == "country"), None)
                toward = (ctry.lon, ctry.lat) if ctry else None
            estimates[k] = _unreported_position(launch.point, o.claims, toward, ctx.zone_geometry)
    return estimates


def _impact_label(ctx: EventContext, n: int, claims: list[Claim]) -> str:
    zclaims = [c for c in claims if c.kind == "zone" and c.zone_sovereign]
    if zclaims:
        z = zclaims[0]
        desc = (f"{'inside' if z.inside else 'outside'} {ctx.name_of(z.zone_sovereign)}'s "
                f"{ZONE_WORDS.get(z.zone_kind, z.zone_kind)}")
    else:
        rank = ("distance_direction", "direction", "offshore", "in_place", "near", "facility")
        dd = min((c for c in claims if c.kind in rank), key=lambda c: rank.index(c.kind), default=None)
        desc = dd.text if dd else "position not reported"
    return f"Impact {n} ({desc})"


def _impact_events(ctx: EventContext, impacts: list[EventObject], launch: _Launch) -> FamilyResult:
    """The impacts in time order, each with the lines that place it and the region it may be in."""
    estimates = _impact_estimates(ctx, impacts, launch)

    def sort_key(k: int):
        ts = [t[0] for t in impacts[k].times if t[0]]
        first = min(c.start for c in impacts[k].clauses)
        return (0, min(ts), first) if ts else (1, "", first)

    out = FamilyResult()
    for n, k in enumerate(sorted(range(len(impacts)), key=sort_key), 1):
        o, est = impacts[k], estimates[k] or Estimate(None, None, None, "position not reported")
        label = _impact_label(ctx, n, o.claims)
        zones, conflict = ctx.zone_check(est.point, o.claims, est.uncertainty_km)
        if (est.basis or "").startswith("position not reported"):
            # an indicative point says nothing about where it fell: only the text's claims stand
            zones, conflict = (), None
        if est.notes:
            conflict = " ".join(filter(None, [conflict, *est.notes]))
        claims: dict[tuple, Claim] = {}
        for c in _with_speakers(ctx, o.claims):
            claims.setdefault(c.statement(), c)      # a statement made twice is listed once
        time, time_text = _times(o.clauses)
        out.events.append(Event("impact", label, est.point, est.uncertainty_km, _with_unresolved(est.basis, o.claims),
                                _sentences(o.clauses), time, time_text, tuple(claims.values()), zones, conflict,
                                type="missile_impact", confidence=_impact_confidence(est, o.claims),
                                locations=_locations(o.claims), triggers=_triggers(o.clauses)))
        ctx.claimed.update(cl.sentence for cl in o.clauses)
        if est.point is not None:
            _impact_lines(out, o.claims, est, label, launch)
    return out


def _impact_lines(out: FamilyResult, claims: list[Claim], est: Estimate, label: str, launch: _Launch) -> None:
    """Launch site → impact, anchor → impact ("250 km west of Oga"), launch site → anchor, and the
    region the text describes."""
    if launch.point is not None:
        out.relations.append(_relation(launch.point, est.point, launch.name, label, f"{launch.name} → {label}"))
    for c in claims:
        if c.kind in ("distance_direction", "direction", "offshore") and c.anchor_place is not None:
            a = (c.anchor_place.lon, c.anchor_place.lat)
            out.relations.append(_relation(a, est.point, c.anchor_place.name, label, c.text))
            if launch.point is not None and distance_km(*launch.point, *a) > 1:
                rel = _relation(launch.point, a, launch.name, c.anchor_place.name,
                                f"{launch.name} → {c.anchor_place.text or c.anchor_place.name}")
                if all(r.target_name != rel.target_name or r.origin_name != launch.name for r in out.relations):
                    out.relations.append(rel)
    if est.area is not None and not est.area.is_empty:
        zclaims = [c for c in claims if c.kind == "zone" and c.zone_sovereign]
        out.areas.append(Area("area", f"{label}: {est.basis}", est.area,
                              zclaims[0].zone_sovereign if zclaims else None, event=label))


def _named_zones(ctx: EventContext, impacts: list[EventObject]) -> list[Area]:
    """The zones the impacts' claims name, simplified, to draw beside them."""
    if ctx.zone_geometry is None:
        return []
    seen, out = set(), []
    for c in (c for o in impacts for c in o.claims):
        if c.kind == "zone" and c.zone_sovereign and (c.zone_sovereign, c.zone_kind) not in seen:
            seen.add((c.zone_sovereign, c.zone_kind))
            g = zone_shape(ctx.zone_geometry, c.zone_sovereign, c.zone_kind)
            if g is not None:
                out.append(Area("zone", f"{ctx.name_of(c.zone_sovereign)} {c.zone_kind}",
                                g.simplify(0.02, preserve_topology=True), c.zone_sovereign, zone_kind=c.zone_kind))
    return out


@family("missiles", fires=mentions_objects)
def read_missile_events(ctx: EventContext) -> FamilyResult:
    """Launches, overflights and impacts, with their relations and areas."""
    clauses, count = read_clauses(ctx)
    if not clauses:
        return FamilyResult()
    launches, launch = _launch_events(ctx, clauses, count)
    flights, flight_lines = _overflight_events(ctx, clauses, launch)
    objects = merge_impacts(clauses, count, ctx.zone_geometry)
    impacts = _impact_events(ctx, objects, launch)
    return FamilyResult(launches + flights + impacts.events, flight_lines + impacts.relations,
                        impacts.areas + _named_zones(ctx, objects))
