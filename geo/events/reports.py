"""Reports of events of every kind: triggers, the places each is linked to, incidents, events.

Shared by the families of ``geo.events`` (conflict, unrest, maritime, hazards, accidents): the
incidents of a document are read once (`incidents(ctx)`), and each family turns those of its own
types into ``Event``s (`family_result(ctx, family)`). How:

1. every sentence that is not history (``is_background``) and that no earlier family has reported
   (a missile impact's sentence) is read for triggers (``geo.events.triggers``);
2. each trigger is linked to the names that say where it happened (``geo.events.linking``:
   the linker in the context, rule-based unless another is given);
3. triggers of one sentence linked to the same places (or to none, beside one that is) are one
   incident, typed by the most specific of their types ("a missile strike hit the city, killing
   three" is one air strike); an incident with no place of its own continues the previous
   sentence's incident ("The quake killed 200 people."), else it is dropped;
4. incidents of one type whose places agree are one event (a headline and the body);
5. each is placed: from a spatial expression about its places ("97 nautical miles northwest of
   Hodeidah", "near Zaporizhzhia", "in the Aziziyah district of Karbala"), else the place
   itself, else, for a name the gazetteer lacks, the place that contains it, widely, saying so.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from gazetteer.containment import WITHIN_KM
from gazetteer.model import ADMIN1, COUNTRY, UNKNOWN_EXTRA_KM
from geo.events.actors import actor, counts
from geo.events.context import EventContext, is_background, lowered
from geo.events.linking import CAPITAL_AFTER, Candidate, Link, RuleLinker, candidates, vetted
from geo.events.registry import FamilyResult
from geo.events.taxonomy import BY_NAME, event_type, family_types, rank
from geo.events.times import first_stated_zone, sentence_time
from geo.events.triggers import Trigger, TriggerLexicon
from geo.model import Claim, Event, EventLocation, PlaceRef, Relation, Span
from geo.spatial.estimate import PLACE_CLAIM_WORDS, estimate_position
from geo.spatial.expressions import OWNED_GAP, PLACE_RADIUS_KM, read_claims, uncertainty_for
from geo.spatial.measure import bearing_deg, distance_km

# types a trigger without a place of its own may add to the previous sentence's incident
FOLLOW_UPS = frozenset({"killing", "attack", "explosion", "shooting", "abduction", "arrest"})
# an attack's fire is part of the attack, not an industrial accident or a wildfire
_DELIBERATE = frozenset({"airstrike", "shelling", "attack", "ship_attack", "missile_impact"})
_CONSEQUENCES = frozenset({"industrial", "wildfire"})
_HAZARDS = family_types("hazards")
_CLAIM_ORDER = ("distance_direction", "distance", "between", "district", "facility", "near", "part", "direction",
                "offshore", "in_place", "over", "origin")

_MEASURED = ("distance_direction", "distance", "unresolved")
_COARSE = frozenset(("country", "admin1", "water", "region", "continent"))
# words before a trigger that make it a reference, not a new incident ("after the quake")
_ADJUNCTS = frozenset(("after", "following", "since", "before", "amid", "despite", "during", "for"))
_REFERRING = frozenset(("the", "a", "an", "this", "that", "his", "her", "their", "its"))
_STANCE = frozenset("confirmed confirms claimed claims condemned condemns denied denies blamed blames "
                    "investigating investigated investigates".split())
_PASSING = "passing"     # `_reference`: "after a forest fire…", a reference only beside another report

_LEXICON: TriggerLexicon | None = None


def lexicon() -> TriggerLexicon:
    """The trigger lexicon, built once (it only depends on geo.vocabulary)."""
    global _LEXICON
    if _LEXICON is None:
        _LEXICON = TriggerLexicon()
    return _LEXICON


@lru_cache(maxsize=2)
def key_hits(text: str) -> tuple[tuple[int, str], ...]:
    """Where the text holds a trigger's key word: (offset, the word lower-cased), in text order.
    One scan of the text, kept for the last two texts: every family asks, then the reading."""
    return lexicon().key_hits(lowered(text))


@lru_cache(maxsize=2)
def key_words(text: str) -> frozenset[str]:
    return frozenset(w for _, w in key_hits(text))


def fires_for(family: str):
    """A family's cheap test: whether the text holds a key word of one of its triggers (a
    trigger's key word is in every text it is found in: "landfall" of "made landfall")."""
    words = lexicon().keys_of(family_types(family))

    def fires(text: str) -> bool:
        return not words.isdisjoint(key_words(text))
    return fires


@dataclass(eq=False)
class Incident:
    """One thing that happened, as one or more sentences report it."""
    type: str
    sentence: int
    triggers: list[Trigger] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    sentences: set[int] = field(default_factory=set)
    point: tuple[float, float] | None = None
    uncertainty_km: float | None = None
    position: str = ""
    claims: list[Claim] = field(default_factory=list)
    locations: list[EventLocation] = field(default_factory=list)
    quality: float = 0.0           # how well placed, 0..1 (see _placed)

    def spans(self) -> set[tuple[int, int]]:
        return {(lk.candidate.start, lk.candidate.end) for lk in self.links}


# ---------------------------------------------------------------- per sentence, cached on the context

def sentence_candidates(ctx: EventContext, i: int) -> list[Candidate]:
    key = ("candidates", i)
    if key not in ctx.cache:
        span = ctx.document.sentences[i]
        others = [(m.start, m.end, m.kind) for m in ctx.analysis.mentions
                  if m.kind == "embedded" and span.start <= m.start < span.end]
        ctx.cache[key] = candidates(ctx.document.text, span.start, span.end, ctx.places_in(span.start, span.end),
                                    ctx.words, others)
    return ctx.cache[key]


def sentence_claims(ctx: EventContext, i: int) -> list[Claim]:
    """The spatial claims of sentence i (the missile family's, when it read them; else read here)."""
    if "sentences" in ctx.__dict__:
        return ctx.sentences[i][1]
    key = ("claims", i)
    if key not in ctx.cache:
        span = ctx.document.sentences[i]
        sent = ctx.document.text[span.start:span.end]
        ctx.cache[key] = read_claims(sent, ctx.places_in(span.start, span.end), span.start, None, None,
                                     ctx.zone_geometry, ctx.shape_of)
    return ctx.cache[key]


def link(ctx: EventContext, i: int, start: int, end: int, type_name: str = "") -> list[Link]:
    """The names of sentence i that say where the event (of type `type_name`) at [start, end)
    happened: the linker's choice, vetted by the words around each name (``linking.vetted``)."""
    key = ("link", start, end)
    if key not in ctx.cache:
        _link_all(ctx, [(i, Trigger(start, end, "", type_name, False))])
    return ctx.cache[key]


def _link_all(ctx: EventContext, triggers: list[tuple[int, Trigger]]) -> None:
    """Link these triggers (sentence index, trigger) at once, into the context's cache: a linker
    with `link_many` (the learned one) scores them all in one pass. A sentence with no candidate
    that may be a place links nothing."""
    text = ctx.document.text
    todo = []
    for i, t in triggers:
        span = ctx.document.sentences[i]
        cands = sentence_candidates(ctx, i)
        if any(c.kind in ("toponym", "name") for c in cands):
            todo.append((span.start, span.end, t, cands))
        else:
            ctx.cache[("link", t.start, t.end)] = []
    if not todo:
        return
    linker = ctx.linker or RuleLinker()
    requests = [(s0, s1, t.start, t.end, cands) for s0, s1, t, cands in todo]
    many = linker.link_many(text, requests) if hasattr(linker, "link_many") else [
        linker.link(text, *r) for r in requests]
    for (s0, s1, t, cands), found in zip(todo, many):
        found = vetted(text, s0, s1, t.start, t.end, cands, found, t.type)
        if t.type == "eruption":
            found = _named_volcano(text, t, cands) or found
        if not found and t.type in _FELT_NEAR:
            found = _near_named(text, s0, cands)
        ctx.cache[("link", t.start, t.end)] = found or _the_datelined_city(text, s0, s1, cands) or (
            _the_volcano(t, cands) if t.type == "eruption" else [])


# events a sentence may place by a clause of their own ("…, after a tremor was detected near Kilju")
_FELT_NEAR = frozenset(("nuclear_test", "earthquake", "tsunami", "eruption"))
_NEAR_NAME = re.compile(r"\b(?:near|off|(?:km|kilometres|kilometers|miles)\s+(?:\w+\s+){0,2}?of)\s+(?:the\s+)?$", re.I)


def _near_named(text: str, s0: int, cands: list[Candidate]) -> list[Link]:
    """A test, quake or eruption the linker places nowhere: the place the sentence says something
    happened near ("North Korea conducted its seventh nuclear test, …, after a magnitude 5.0
    tremor was detected near Kilju")."""
    for c in cands:
        if c.kind == "toponym" and c.place is not None and _NEAR_NAME.search(text, max(s0, c.start - 40), c.start):
            return [Link(c, 0.5, "the place the sentence says it happened near")]
    return []


_VOLCANO_BEFORE = re.compile(r"(?:\b(?:Mount|Mt\.?|Volc[aá]n|Gunung|Monte)|\bvolcano(?:\s+of)?)\s*$")
_VOLCANO_AFTER = re.compile(r"\s+(?:volcano|Volcano)\b")


def _named_volcano(text: str, t: Trigger, cands: list[Candidate]) -> list[Link]:
    """"Mexico's Popocatépetl volcano erupted", "Indonesia's Mount Semeru erupted": the place the
    sentence calls a volcano or a mountain is where the eruption is, not its country."""
    for c in cands:
        if c.kind == "toponym" and c.place is not None and (
                c.text.split()[0] in ("Mount", "Mt", "Mt.", "Volcán", "Gunung", "Monte")
                or _VOLCANO_AFTER.match(text, c.end) or _VOLCANO_BEFORE.search(text, max(0, c.start - 12), c.start)):
            return [Link(c, 0.7, "the volcano that erupted")]
    return []


def _the_volcano(t: Trigger, cands: list[Candidate]) -> list[Link]:
    """"Mount Merapi, Indonesia's most active volcano, erupted": what erupted is where it happened
    (the first place named before the verb: its subject)."""
    before = [c for c in cands if c.end <= t.start and c.kind == "toponym" and c.place is not None]
    return [Link(before[0], 0.5, "the volcano that erupted")] if before else []


_THE_CITY = re.compile(r"\b(?:the|a)\s+(?:capital|city)\b(?!\s+of\b)", re.I)


def _the_datelined_city(text: str, s0: int, s1: int, cands: list[Candidate]) -> list[Link]:
    """The dateline's city, for a first sentence that names no other place and calls it "the
    capital" or "the city" ("KHARTOUM (Reuters) - Fighting erupted …, with heavy gunfire heard
    across the capital")."""
    if s0 != 0 and text[:s0].strip():
        return []
    filed = [c for c in cands if c.kind == "toponym" and c.place is not None
             and c.place.feature_type in ("capital", "city") and text[c.end:c.end + 40].lstrip()[:1] in ",(—–-"]
    if len(filed) != 1 or filed[0].start > s0 + 40 or not _THE_CITY.search(text, filed[0].end, s1):
        return []
    return [Link(filed[0], 0.5, "the dateline's city, which the sentence calls the capital or the city")]


# ---------------------------------------------------------------- incidents

def incidents(ctx: EventContext) -> list[Incident]:
    """Every incident of the document, placed, in text order (computed once per context)."""
    if "incidents" not in ctx.cache:
        ctx.cache["incidents"] = _read_incidents(ctx)
    return ctx.cache["incidents"]


def _read_incidents(ctx: EventContext) -> list[Incident]:
    doc = ctx.document
    lex = lexicon()
    out: list[Incident] = []
    previous: list[Incident] = []
    found: dict[int, list[Trigger]] = {}
    # a sentence with no trigger word (or only cued ones and no cue) is not read at all
    for i in lex.sentences_to_read(doc.text, doc.sentences, key_hits(doc.text), lowered(doc.text)):
        span = doc.sentences[i]
        if i not in ctx.claimed and not is_background(doc.text[span.start:span.end],
                                                      doc.meta.date or _article_year(ctx), years=False):
            # a trigger word the gazetteer reads as a place here is one ("in Hurricane", West Virginia)
            places = [(p.start, p.end) for p in ctx.places_in(span.start, span.end) if p.kind == "toponym"]
            prev = doc.sentences[i - 1] if i else None
            states = tuple((p.start, p.end) for p in ctx.places_in(span.start, span.end) if p.feature_type == "country")
            trigs = [t for t in lex.find(doc.text, span.start, span.end, prev and (prev.start, prev.end), states)
                     if t.type in BY_NAME
                     and not any(s < t.end and t.start < e for s, e in places)]
            if trigs:
                found[i] = ctx.cache[("triggers", i)] = trigs
    _link_all(ctx, [(i, t) for i, trigs in found.items() for t in trigs if not _referred_to(ctx, i, t)])
    for i, trigs in found.items():
        if i - 1 not in found:
            previous = []
        here = _sentence_incidents(ctx, i, trigs, previous)
        out += [x for x in here if x not in out]
        previous = here or previous
    for x in out:
        _goes_on(ctx, x, found)
    # the names every incident is linked to, its own too: what a measured claim must not be about
    taken = set().union(*(x.spans() for x in out))
    for x in out:
        if x.type == "earthquake":
            x.links = _epicentre(ctx, x) or x.links
    placed = [_placed(ctx, x, taken) for x in out if x.links]
    return sorted(_merged(placed), key=lambda x: min(t.start for t in x.triggers))


def _sentence_incidents(ctx: EventContext, i: int, trigs: list[Trigger], previous: list[Incident]
                        ) -> list[Incident]:
    """The incidents of one sentence: triggers linked to the same names are one; a trigger linked
    to none joins the nearest one that is, else continues the previous sentence's incident; a
    participle after a comma ("..., killing five people") joins the incident before it."""
    here: list[Incident] = []
    unlinked: list[Trigger] = []
    linked: list[Trigger] = []
    text = ctx.document.text
    for t in trigs:
        if previous and not here and _restated(text, span_start(ctx, i), t):
            # "Gunmen killed 11 labourers in Balochistan. The attack took place in the Duki area"
            target = previous[-1]
            target.sentences.add(i)
            target.triggers.append(t)
            target.links += [lk for lk in link(ctx, i, t.start, t.end, t.type)
                             if (lk.candidate.start, lk.candidate.end) not in target.spans()]
            continue
        if _referred_to(ctx, i, t) or (
                here and t.form == "ing" and text[max(0, t.start - 3):t.start].rstrip().endswith(",")):
            unlinked.append(t)           # "After the quake, a tsunami hit Wajima": the quake is no new incident
            continue
        links = link(ctx, i, t.start, t.end, t.type)
        spans = {(lk.candidate.start, lk.candidate.end) for lk in links}
        inc = next((x for x in here if spans and x.spans() & spans), None)
        if not spans:
            unlinked.append(t)
            continue
        if inc is None:
            inc = Incident(t.type, i, sentences={i})
            here.append(inc)
        inc.triggers.append(t)
        linked.append(t)
        inc.links += [lk for lk in links if (lk.candidate.start, lk.candidate.end) not in inc.spans()]
    for t in unlinked:
        target = min(here, key=lambda x: min(abs(t.start - y.start) for y in x.triggers), default=None)
        if target is None:
            target = next((x for x in reversed(previous) if x.type == t.type or t.type in FOLLOW_UPS), None)
            if target is not None:
                target.sentences.add(i)
        if target is None and not previous:
            target = _announced_before(ctx, i, t)
            if target is not None:
                here.append(target)
        if target is not None:
            target.triggers.append(t)
    for inc in here:             # typed by its linked triggers ("After the quake, a tsunami hit Wajima")
        mine = [t for t in inc.triggers if any(t is y for y in linked)]
        # "Rioting broke out … after police shot dead a driver": the clause after "after" says why
        # "a tsunami triggered by an earthquake hit Palu": the cause types neither the incident nor
        # the verb its cue word typed
        earlier = [_earlier_clause(text, span_start(ctx, i), t) for t in mine]
        causes = {t.type for t, e in zip(mine, earlier) if e}
        mine = [t for t, e in zip(mine, earlier) if not e and (t.nominal or t.type not in causes)] or mine
        # "was damaged after colliding with a fishing boat": damage says what happened to it, not how
        types = ({t.type for t in mine if not t.text.lower().startswith("damag")}
                 or {t.type for t in inc.triggers if not t.text.lower().startswith("damag")} or {t.type for t in mine})
        deliberate = {t.type for t in inc.triggers} & _DELIBERATE
        if deliberate and types & _CONSEQUENCES:
            # "drones attacked a refinery, setting it on fire": the fire is the attack's, also when
            # only the fire named the place ("missiles struck the refinery …, starting a fire")
            types = (types - _CONSEQUENCES) or deliberate
        if len(types) > 1:       # "rebels ambushed a police patrol": the patrol is what was attacked
            types.discard("patrol")
        # "A wildfire fanned by gale-force winds tore through…": the noun that names the hazard
        # types it, not another hazard that only a cue read into a verb ("tore through" + "winds")
        named = {t.type for t in inc.triggers if t.type in _HAZARDS and lexicon().names_itself(t)}
        if named:
            verbal = {ty for ty in types - named if ty in _HAZARDS and not any(t.nominal for t in inc.triggers
                                                                                 if t.type == ty)}
            if verbal:
                types = (types - verbal) | named
        inc.type = min(types, key=rank)
    here = _follow_ups(here)
    return here + ([x for x in previous if i in x.sentences and x not in here] if not here else [])


# "UKMTO has received a report of an incident 21NM northeast of Fujairah. The master reports the
# vessel was struck…": the sentence before, with no event word, says where
_INCIDENT_WORD = re.compile(r"\b(?:incident|incidents)\b", re.I)


def _announced_before(ctx: EventContext, i: int, t: Trigger) -> Incident | None:
    """An incident for trigger t of sentence i, that names no place, placed by the sentence before
    when that one announces "an incident" and says where (a maritime advisory's first line)."""
    if i == 0:
        return None
    span = ctx.document.sentences[i - 1]
    word = _INCIDENT_WORD.search(ctx.document.text, span.start, span.end)
    if word is None:
        return None
    links = link(ctx, i - 1, word.start(), word.end(), t.type)
    if not links:
        return None
    return Incident(t.type, i - 1, links=links, sentences={i - 1, i})


def _referred_to(ctx: EventContext, i: int, t: Trigger) -> bool:
    """Whether trigger t of sentence i refers to an incident rather than reports one (`_reference`
    over the words before it; a noun, or an -ing form that may be one, with words between).
    Kept on the context: the reading asks before linking, then again when it forms incidents."""
    key = ("referred", t.start, t.end, t.nominal, t.form)
    if key not in ctx.cache:
        said = _reference(_words_before(ctx, i, t), t.nominal or t.form == "ing")
        if said is _PASSING:
            # "declared an emergency after a forest fire swept into Viña del Mar": an incident not
            # met before, told in passing, is reported, unless the sentence reports another
            # ("a tsunami reached Kushiro hours after an earthquake off Kamchatka")
            said = any(u is not t and not _reference(_words_before(ctx, i, u), u.nominal or u.form == "ing")
                       for u in ctx.cache.get(("triggers", i), ()))
        if not said:
            # "after a day of looting and rioting": a trigger joined to a referred one is referred too
            text = ctx.document.text
            said = any(u.end < t.start and _JOINED.fullmatch(text, u.end, t.start) and _referred_to(ctx, i, u)
                       for u in ctx.cache.get(("triggers", i), ()))
        ctx.cache[key] = said
    return ctx.cache[key]


_JOINED = re.compile(r"\s*(?:,\s*)?(?:and|or)\s+|\s*,\s*")


def _words_before(ctx: EventContext, i: int, t: Trigger) -> list[str]:
    return ctx.document.text[max(span_start(ctx, i), t.start - 24):t.start].lower().split()


# the next sentence goes on about the same incident: "the incident took place 60 nautical miles
# southeast of Aden", "the vessel was 40 km west of Hodeidah when it was hit", "its epicentre was 70 km
# southwest of Arequipa"
_CONTINUING = re.compile(r"\b(?:the|this|an)\s+(?:incident|vessel|ship|tanker|boat|event|aircraft|plane)\b"
                         r"|\b(?:it|which)\s+(?:took\s+place|happened|occurred)\b"
                         r"|\b(?:its|the)\s+(?:quake's\s+|earthquake's\s+)?epicent(?:re|er)\b", re.I)


def _goes_on(ctx: EventContext, inc: Incident, found: dict) -> None:
    """The sentence after the incident's, without triggers of its own, that refers to it and
    states a distance ("the incident took place 60 nautical miles southeast of Aden"): its
    expressions place the incident too."""
    i = max(inc.sentences) + 1
    if i in found or i >= len(ctx.document.sentences) or i in ctx.claimed or (
            inc.links and _coarse_countries(inc, ("country", "admin1", "water")) is None):
        return                  # (an incident placed at a town or a shoal is placed better than that)
    span = ctx.document.sentences[i]
    if _CONTINUING.search(ctx.document.text, span.start, span.end) and any(
            c.kind in _MEASURED for c in sentence_claims(ctx, i)):
        inc.sentences.add(i)


_RESTATED = re.compile(r"\s+(?:took\s+place|happened|occurred|was\s+carried\s+out|unfolded)\b")


def _restated(text: str, sentence_start: int, t: Trigger) -> bool:
    """Whether trigger t, a noun, opens its sentence as the subject of "took place", "happened"
    ("The attack took place in the Duki area"): the incident of the sentence before, restated."""
    return t.nominal and text[sentence_start:t.start].strip().lower() in ("the", "this", "that") \
        and _RESTATED.match(text, t.end) is not None


_CAUSE = re.compile(r"\b(?:triggered|caused|sparked|set\s+off|generated|spawned|unleashed)\s+by\s+[^,;]{0,30}$", re.I)


def _earlier_clause(text: str, sentence_start: int, t: Trigger) -> bool:
    """Whether trigger t stands in a clause of an earlier event: a verb "after police shot dead a
    driver", "since troops stormed the town" (its subject, at most three words, between); a noun
    that caused the event ("a tsunami triggered by a 7.5 magnitude earthquake")."""
    before = text[max(sentence_start, t.start - 40):t.start].lower()
    if t.nominal:
        return _CAUSE.search(before) is not None
    words = before.replace(",", " , ").split()
    at = next((j for j in range(len(words) - 1, max(len(words) - 5, -1), -1) if words[j] in ("after", "since")),
              None)
    return at is not None and 0 < len(words) - at - 1 <= 3 and "," not in words[at:]


def _referring(word: str) -> bool:
    return word in _REFERRING or word.endswith(("'s", "’s"))


def _reference(before: list[str], noun: bool = False) -> bool:
    """Whether the words before a trigger make it a reference to an incident, not a report of one:
    "after the quake", "following his arrest", "for the killing", "at the time of the fire"; a
    noun also with words between ("after the police shooting", "following Sunday's attack")."""
    if not before:
        return False
    if noun:                            # up to the referring word among the last three
        at = next((j for j in range(len(before) - 1, max(len(before) - 4, -1), -1) if _referring(before[j])), None)
        if at is not None and before[at] in ("a", "an") and at and before[at - 1] in _ADJUNCTS:
            return _PASSING
        before = before if at is None else before[:at + 1]
    definite = _referring(before[-1]) and before[-1] not in ("a", "an")
    if _referring(before[-1]):
        before = before[:-1]                # "for the arrest", "for Mixon's arrest"
    # "Central Command in Tampa confirmed the attack": a stance on an incident told before
    return bool(before) and (before[-1] in _ADJUNCTS or before[-2:] == ["time", "of"]
                             or (definite and before[-1] in _STANCE))


# r"\b(?:19|20)\d\d\b" as two regexes, each beginning with its digits and checking the word boundary
# before them after them (a lookbehind), so that the regex engine skips from one "19" (or "20") to
# the next instead of trying every offset
_YEAR_RES = (re.compile(r"19(?<!\w..)\d\d\b"), re.compile(r"20(?<!\w..)\d\d\b"))


def _article_year(ctx: EventContext) -> str:
    """For an article without a date, the latest year it names ("" when none): sentences about
    an earlier year are history ("the 1967 war", "the June 2007 murder")."""
    if "year" not in ctx.cache:
        ctx.cache["year"] = max((y for rx in _YEAR_RES for y in rx.findall(ctx.document.text)), default="")
    return ctx.cache["year"]


_EPICENTRE_RE = re.compile(r"\b(?:epicent(?:re|er)|centred|centered)\b", re.I)


def _epicentre(ctx: EventContext, inc: Incident) -> list[Link]:
    """An earthquake's epicentre, where the text names it ("with its epicentre in the town of
    Defne"): the first name linked to the word "epicentre" (the word as a trigger)."""
    for i in sorted(inc.sentences):
        span = ctx.document.sentences[i]
        for m in _EPICENTRE_RE.finditer(ctx.document.text, span.start, span.end):
            found = link(ctx, i, m.start(), m.end(), "earthquake")
            if found and all(lk.candidate.start > m.start() for lk in found):
                return found
    return []


def span_start(ctx: EventContext, i: int) -> int:
    return ctx.document.sentences[i].start


def _follow_ups(here: list[Incident]) -> list[Incident]:
    """In one sentence, an incident of a follow-up type after another incident is part of it
    ("an earthquake struck off Chile, 115 km north-east of Concepcion, killing hundreds")."""
    out: list[Incident] = []
    for inc in sorted(here, key=lambda x: min(t.start for t in x.triggers)):
        if out and inc.type in FOLLOW_UPS and out[-1].type not in FOLLOW_UPS:
            _absorb(out[-1], inc)
            continue
        out.append(inc)
    # "50 were killed when a boat sank off the coast of Senegal near Mbour": a follow-up before an
    # incident placed only by a country (or sea) it names a place of is part of that incident
    for inc in [x for x in out if x.type in FOLLOW_UPS]:
        main = next((x for x in out if x.type not in FOLLOW_UPS and _coarsely_holds(x, inc)), None)
        if main is not None:
            _absorb(main, inc)
            out.remove(inc)
    return out


def _absorb(into: Incident, inc: Incident) -> None:
    into.triggers += inc.triggers
    into.links += [lk for lk in inc.links if (lk.candidate.start, lk.candidate.end) not in into.spans()]


def _coarse_countries(inc: Incident, kinds=_COARSE) -> set[str] | None:
    """The countries of an incident every linked place of which is of a coarse kind (a country,
    division, sea…); None when it has a finer place, or none."""
    places = [lk.candidate.place for lk in inc.links]
    if not places or any(p is None or p.feature_type not in kinds for p in places):
        return None
    return {p.country_code for p in places if p.country_code}


def _coarsely_holds(main: Incident, inc: Incident) -> bool:
    """Whether every place of `main` is a country, division or sea, and `inc`'s places lie in its countries."""
    countries = _coarse_countries(main)
    inner = [lk.candidate.place for lk in inc.links]
    if countries is None or not inner:
        return False
    return all(q is not None and q.country_code in countries for q in inner)


def _merged(found: list[Incident]) -> list[Incident]:
    """Incidents of one type whose points agree (each within the other's uncertainty) are one: a
    headline and its story; the better placed one keeps its position."""
    out: list[Incident] = []
    for inc in found:
        same = next((o for o in out if o.type == inc.type and _agree(o, inc)), None)
        if same is None:
            out.append(inc)
            continue
        # the better placed keeps its position; of two placed alike, the narrower
        keep, other = (same, inc) if (-same.quality, same.uncertainty_km or 0.0) <= (
            -inc.quality, inc.uncertainty_km or 0.0) else (inc, same)
        keep.triggers += other.triggers
        keep.sentences |= other.sentences
        keep.claims += [c for c in other.claims if c not in keep.claims]
        keep.links += [lk for lk in other.links if (lk.candidate.start, lk.candidate.end) not in keep.spans()]
        keep.locations += [x for x in other.locations if x not in keep.locations]
        out[out.index(same)] = keep
    return out


def _agree(a: Incident, b: Incident) -> bool:
    if a.point is None or b.point is None:
        return False
    if any(t.text.lower() in ("another", "second") for t in b.triggers):
        return False
    d = distance_km(*a.point, *b.point)
    return d <= max(a.uncertainty_km or 0.0, b.uncertainty_km or 0.0) or _names_the_country_of(a, b) \
        or _names_the_country_of(b, a)


def _names_the_country_of(coarse: Incident, fine: Incident) -> bool:
    """Whether `coarse` is placed only by countries (or divisions) that one of `fine`'s places lies
    in: "Tanker hit by missile off Yemen" and "struck 70 nautical miles west of Hodeidah, Yemen"."""
    countries = _coarse_countries(coarse, ("country", "admin1"))
    if countries is None:
        return False
    return any(lk.candidate.place is not None and lk.candidate.place.feature_type not in _COARSE
               and lk.candidate.place.country_code in countries for lk in fine.links)


# ---------------------------------------------------------------- placing

def _placed(ctx: EventContext, inc: Incident, others: set = frozenset()) -> Incident:
    """The incident with its point: a spatial expression about its places (or a stated distance in
    its sentence that is about no other incident's place: "capsized in the Sea of Japan about 30 km
    west of Sado"), else its first place, else the place that contains its first unknown name."""
    _refine(ctx, inc)
    spans = inc.spans()
    claims = [c for i in sorted(inc.sentences) for c in sentence_claims(ctx, i)
              if c.kind != "zone" and (_about(c, spans) or _part_of_the_holder(c, inc))]
    if not any(c.kind in _MEASURED for c in claims):
        coarse = all(lk.candidate.feature_type in _COARSE for lk in inc.links)   # "off northern Chile"
        claims += [c for i in sorted(inc.sentences) for c in sentence_claims(ctx, i)
                   if c.kind in _MEASURED and (coarse or not _about(c, others)) and c not in claims]
    inc.claims = claims + [c for i in sorted(inc.sentences) for c in sentence_claims(ctx, i) if c.kind == "zone"]
    inc.locations = [_location(ctx, inc, lk.candidate) for lk in inc.links]
    est = estimate_position(sorted(claims, key=lambda c: _CLAIM_ORDER.index(c.kind)
                                   if c.kind in _CLAIM_ORDER else 99), ctx.zone_geometry)
    known = _finest(inc.locations)
    # a part of a country ("in northern Turkey") is placed worse than a town the story names in it
    part = est is not None and est.basis.endswith(f"({PLACE_CLAIM_WORDS['part']})")
    if est is not None and est.point is not None and not (part and known is not None
                                                          and known.feature_type not in _COARSE):
        inc.point, inc.uncertainty_km, inc.position, inc.quality = est.point, est.uncertainty_km, est.basis, (
            0.6 if part else 0.8)
        return inc
    where = known or next((x for x in inc.locations if x.point is not None), None)
    if where is None:
        inc.position = f"{inc.locations[0].text!r} is not in the gazetteer and nothing in the text contains it"
        return inc
    inc.point, inc.uncertainty_km = where.point, where.uncertainty_km
    if known is not None:
        named = f"{where.place} (the {where.text} capital)" if where.container else where.text
        inc.position, inc.quality = f"in {named} (the place's point)", 0.7
    else:
        inc.position = (f"{where.text!r} is not in the gazetteer: placed at {where.container}, which contains it "
                        f"(±{where.uncertainty_km:,.0f} km)")
        inc.quality = 0.4
    extra = [x for x in inc.locations if x is not where and x.point is not None and not _holds(x, where)]
    if extra:        # a list of places: the point is the first, the circle covers them all
        far = max(distance_km(*where.point, *x.point) + (x.uncertainty_km or 0.0) for x in extra)
        inc.uncertainty_km = round(max(inc.uncertainty_km or 0.0, far), 1)
        inc.position += f"; the first of {len(extra) + 1} places the text names"
    return inc


def _part_of_the_holder(c: Claim, inc: Incident) -> bool:
    """A part of the country that holds a name the gazetteer lacks, which the resolver put at the
    country's point ("the town of Boni in central Mali": central Mali, not Mali's middle)."""
    a = c.anchor_place
    return c.kind == "part" and a is not None and any(
        lk.candidate.place is not None and lk.candidate.place.name != a.name
        and (lk.candidate.place.lon, lk.candidate.place.lat) == (a.lon, a.lat) for lk in inc.links)


# how far from its point a province or a country reaches (the resolver's containment reach); an
# island or a sea may be small
_REACH_KM = {kind: WITHIN_KM[kind] for kind in (ADMIN1, COUNTRY)}


def _holds(big: EventLocation, small: EventLocation) -> bool:
    """Whether a province or a country of the event holds another of its places (by reach)."""
    return big.feature_type in _COARSE and big.point is not None and small.point is not None \
        and distance_km(*big.point, *small.point) <= _REACH_KM.get(big.feature_type, 0.0)


def _finest(locations: list[EventLocation]) -> EventLocation | None:
    """The first gazetteer place, or a finer one it holds ("killed 11 labourers in Balochistan
    province. The attack took place in the Duki area")."""
    known = [x for x in locations if x.kind == "place"]
    if not known:
        return None
    return next((x for x in known[1:] if x.feature_type not in _COARSE and _holds(known[0], x)), known[0])


_FINER_CLAIMS = frozenset({"near", "offshore", "distance_direction", "district", "facility"})


def _refine(ctx: EventContext, inc: Incident) -> None:
    """An incident linked only to a country or division, in a sentence that puts a place of that
    country near it ("rattled southern California near Ridgecrest", "off the coast of Somalia near
    Eyl"): that place is linked too, and its expression places the incident."""
    countries = _coarse_countries(inc)
    if countries is None:
        return
    waters = [lk.candidate.place for lk in inc.links if lk.candidate.place.feature_type == "water"]
    for i in sorted(inc.sentences):
        cands = {(c.start, c.end): c for c in sentence_candidates(ctx, i)}
        for claim in sentence_claims(ctx, i):
            a = claim.anchor_place
            if claim.kind in _FINER_CLAIMS and a is not None and a.feature_type not in _COARSE \
                    and (a.country_code in countries or _on_the_water(a, waters)) and (a.start, a.end) in cands \
                    and (a.start, a.end) not in inc.spans() and not _DESTINATION.search(
                        ctx.document.text, max(0, claim.start - 12), claim.start):
                inc.links.append(Link(cands[(a.start, a.end)], 0.5, "a finer place of the linked one, near the event"))


# where a ship was taken or a flight went, not where the event was ("took it to the port of Hodeidah")
_DESTINATION = re.compile(r"\b(?:to|towards?|into|for)\s+$", re.I)


# a sea is a point in the gazetteer: a port or a cape named with it ("in the Red Sea off the
# port of Hodeidah") may lie this far from that point and still be on it
SEA_REACH_KM = 1500.0


def _on_the_water(a, waters) -> bool:
    return any(distance_km(a.lon, a.lat, w.lon, w.lat) <= SEA_REACH_KM for w in waters)


def _about(c: Claim, spans: set[tuple[int, int]]) -> bool:
    """Whether a claim is about one of the linked names (its anchor, or a name it covers)."""
    if c.anchor_place is not None and (c.anchor_place.start, c.anchor_place.end) in spans:
        return True
    return any(c.start <= s and e <= c.end for s, e in spans)


def _location(ctx: EventContext, inc: Incident, c: Candidate) -> EventLocation:
    """Where one linked name is: its gazetteer place, else the place that contains it."""
    if c.place is not None:
        p = c.place
        cap = _capital_said(ctx, c)
        if cap is not None:         # "in the Somali capital": Mogadishu, not Somalia's centre
            return EventLocation(c.start, c.end, c.text, "place", (cap.lon, cap.lat), cap.name, "capital", p.name,
                                 uncertainty_km=PLACE_RADIUS_KM.get("capital", 25.0))
        return EventLocation(c.start, c.end, c.text, "place", (p.lon, p.lat), p.name, p.feature_type,
                             uncertainty_km=uncertainty_for(p))
    box = _container(ctx, inc.sentence, c)
    if box is None:
        return EventLocation(c.start, c.end, c.text, "unplaced")
    return EventLocation(c.start, c.end, c.text, "unknown", (box.lon, box.lat), box.name, box.feature_type,
                         box.text or box.name, round(uncertainty_for(box) + UNKNOWN_EXTRA_KM, 1))


def _capital_said(ctx: EventContext, c: Candidate):
    """The capital a country's name or adjective stands for ("the Ukrainian capital", "Syria's
    capital": a candidate the linker's `_capital` read so), or None."""
    p = c.place
    if ctx.capital is None or p.feature_type != "country" or not p.country_code \
            or not CAPITAL_AFTER.match(ctx.document.text, c.end):
        return None
    return ctx.capital(p.country_code)


def _container(ctx: EventContext, i: int, c: Candidate) -> PlaceRef | None:
    """The place that contains a name the gazetteer lacks: a known place inside it ("Deir Ezzor
    Airport"), else the nearest place the sentence names after it ("the Giro district of Ghazni
    province") or before it, else the place the article names most."""
    if c.inner is not None:
        return c.inner
    span = ctx.document.sentences[i]
    known = [p for p in ctx.places_in(span.start, span.end) if not p.fallback and p.kind == "toponym"]
    after = [p for p in known if p.start >= c.end and p.start - c.end <= 60]
    before = [p for p in known if p.end <= c.start]
    if after:
        box = after[0]
        for q in after[1:]:         # "Kuriga, in Nigeria's northwestern Kaduna state": in what Nigeria owns
            if not OWNED_GAP.fullmatch(ctx.document.text, box.end, q.start):
                break
            box = q
        return box
    if before:
        return before[-1]
    return _focus(ctx)


def _focus(ctx: EventContext) -> PlaceRef | None:
    """The place the article names most (towns and divisions before countries)."""
    if "focus" not in ctx.cache:
        tally: dict[str, list[PlaceRef]] = {}
        for p in ctx.places:
            if p.kind == "toponym" and not p.fallback:
                tally.setdefault(p.name, []).append(p)
        local = [v for v in tally.values() if v[0].feature_type in ("city", "capital", "admin1", "admin2")]
        pool = local or list(tally.values())
        ctx.cache["focus"] = max(pool, key=len)[0] if pool else None
    return ctx.cache["focus"]


# ---------------------------------------------------------------- events

def family_result(ctx: EventContext, family: str) -> FamilyResult:
    """The events (and the lines that measure them) of the incidents whose type `family` reads."""
    types = family_types(family)
    out = FamilyResult()
    for inc in incidents(ctx):
        if inc.type in types and inc.point is not None:
            out.events.append(to_event(ctx, inc))
            out.relations += _lines(inc, out.events[-1].label)
    return out


def to_event(ctx: EventContext, inc: Incident) -> Event:
    """An incident as the typed ``Event`` the exports write."""
    doc = ctx.document
    t = event_type(inc.type)
    sents = tuple(sorted(inc.sentences))
    trig = min(inc.triggers, key=lambda x: x.start)
    span = doc.sentences[inc.sentence]
    time, time_text = (None, None)
    if "zone" not in ctx.cache:
        ctx.cache["zone"] = doc.meta.timezone or first_stated_zone(doc.text) if doc.meta.date else ""
    for i in sents:
        s = doc.sentences[i]
        time, time_text = sentence_time(doc.text, s.start, s.end, doc.meta.date, ctx.cache["zone"])
        if time:
            break
    numbers: dict[str, int] = {}
    for i in sents:
        for k, v in counts(doc.sentence_text(i)).items():
            numbers[k] = max(numbers.get(k, 0), v)
    who = None if t.group == "hazard" else actor(doc.sentence_text(inc.sentence), span.start, trig.start, trig.end,
                                                  sentence_candidates(ctx, inc.sentence))
    words = next((c.text for c in inc.claims if c.kind != "zone"), None) or ", ".join(
        dict.fromkeys(x.place if x.kind == "place" and x.container else x.text for x in inc.locations))
    zone_claims = [c for c in inc.claims if c.kind == "zone"]
    zones, conflict = ctx.zone_check(inc.point, zone_claims, inc.uncertainty_km)
    return Event(inc.type, f"{t.label} ({words})", inc.point, inc.uncertainty_km, inc.position, sents, time,
                 time_text, tuple(inc.claims), zones, conflict, who, tuple(sorted(numbers.items())), inc.type,
                 _confidence(inc), tuple(inc.locations),
                 tuple(dict.fromkeys(Span(x.start, x.end) for x in sorted(inc.triggers, key=lambda x: x.start))))


def _confidence(inc: Incident) -> float:
    """How far to trust the event: how it was placed (a measured expression 0.8, a gazetteer place
    0.7, a container 0.4), less when its only trigger needed a cue or its link was weak, more when
    several sentences report it."""
    score = inc.quality
    if all(t.type != inc.type for t in inc.triggers):
        score -= 0.1
    if inc.links and max(lk.score for lk in inc.links) < 0.6:
        score -= 0.1
    score += min(0.1, 0.05 * (len(inc.sentences) - 1))
    return round(min(max(score, 0.05), 0.95), 2)


def _lines(inc: Incident, label: str) -> list[Relation]:
    """Anchor → event, for the claims that measure from a place ("97 nautical miles northwest of
    Hodeidah")."""
    out = []
    for c in inc.claims:
        if c.kind in ("distance_direction", "distance", "direction") and c.anchor_place is not None and inc.point:
            a = (c.anchor_place.lon, c.anchor_place.lat)
            if distance_km(*a, *inc.point) > 1:
                out.append(Relation(a, inc.point, c.anchor_place.name, label, c.text,
                                    distance_km(*a, *inc.point), bearing_deg(*a, *inc.point)))
    return out


_CONTINUES = frozenset("it they he she this the its their these those".split())


def _continued(ctx: EventContext, i: int) -> list[Link]:
    """For a sentence that continues a report ("It killed three people.", "The attack ..."): where
    the previous sentence's first event happened."""
    doc = ctx.document
    first = doc.sentence_text(i).lstrip(" \"“'").split(" ", 1)[0].lower()
    if i == 0 or first not in _CONTINUES:
        return []
    prev = doc.sentences[i - 1]
    found = lexicon().find(doc.text, prev.start, prev.end)
    return link(ctx, i - 1, found[0].start, found[0].end, found[0].type) if found else []


def given_events(ctx: EventContext, spans) -> list[Event]:
    """Events for triggers someone else found (`parse --jsonl` "events"): each typed by the
    vocabulary ("event" when no word explains it), linked and placed like the events found here."""
    doc = ctx.document
    out = []
    for start, end in spans:
        i = next((k for k, s in enumerate(doc.sentences) if s.start <= start < s.end), None)
        if i is None:
            out.append(Event("event", "Event", None, None, "", (), type="event", triggers=(Span(start, end),)))
            continue
        s = doc.sentences[i]
        type_name = lexicon().type_of(doc.text, start, end, s.start, s.end) or "event"
        trig = Trigger(start, end, doc.text[start:end], type_name, False)
        own = link(ctx, i, start, end, type_name)
        inc = Incident(type_name, i, [trig], own or _continued(ctx, i), {i} if own else {i - 1, i})
        inc = _placed(ctx, inc) if inc.links else inc
        out.append(replace(to_event(ctx, inc), triggers=(Span(start, end),)) if inc.links else
                   Event(type_name, event_type(type_name).label, None, None, "no place named", (i,), type=type_name,
                         triggers=(Span(start, end),)))
    return out
