"""What the text says contains a place: "the Aziziyah district of Aleppo", "Oshima island, off
Hokkaido", "Hokkaido's Oshima peninsula", "Harwinton, Conn.", and names that carry their place
("Manila Cathedral", "Port of Los Angeles").

Pure functions over a document's mentions and resolutions; the resolver uses them for names the
gazetteer lacks (placed in their container, with a wide uncertainty and a reason saying so) and
to choose, among the places a name can mean, one inside the container the text names.
"""
from __future__ import annotations

import math
import zlib
import re
from dataclasses import dataclass, replace

from gazetteer.model import ADMIN1, ADMIN2, CAPITAL, CITY, CONTINENT, COUNTRY, REGION, SITE, WATER, ZONE, \
    KIND_RADIUS_KM, UNKNOWN_EXTRA_KM, Mention, Place, Resolution
from gazetteer.normalize import name_key

GENERIC = ("district|neighbou?rhood|quarter|suburb|village|town|city|area|region|province|governorate|"
           "county|municipality|prefecture|island|islands|islet|peninsula|camp|refugee camp|base|port|"
           "airport|border crossing|crossing|enclave|settlement|township|valley|mountains?|hills?|"
           "coast|bay|strait|river|lake|desert|oasis|field|oilfield|gas field|dam|plant|site|facility|"
           "compound|complex|harbou?r|airbase|air base|naval base|hamlet|locality|community|outpost|"
           # facilities news names after their place: "the Shahran fuel depot in northwestern Tehran"
           "(?:fuel |oil )?depot|(?:oil )?refinery|(?:oil )?terminal|(?:thermal |nuclear )?power (?:plant|station)|"
           "substation|warehouse|factory")
_ADJ = r"(?:(?:small|tiny|remote|rural|coastal|northern|southern|eastern|western|central|nearby|border|" \
       r"besieged|rebel-held|government-held|frontline|key|strategic|industrial|residential|fishing|" \
       r"mountain|desert|disputed|uninhabited|volcanic|main|largest|former)\s+)*"
_IN = r"(?:in|of|inside|within|at)"
_NEAR = (r"(?:near|outside|off|close to|just outside|on the outskirts of|on the edge of|"
         r"(?:(?:\d+|a few|several)\s+(?:km|kilometres|kilometers|miles)\s+)?"
         r"(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?\s+of)")
# "50 km east of", "north-western of": a bearing from the name that follows (the recogniser and
# the resolver read it so)
DIRECTION_OF = r"\b(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?\s+of\s+"

# what may stand between a name and its container's name, after the name: "district of",
# "island, off", ", a village near", "in"; a comma before "in"/"of" is not enough ("east of Wonsan,
# inside Japan's zone" speaks of the missile, not of Wonsan)
_TAIL = r"\s+(?:the\s+)?(?:(?:north-?eastern|north-?western|south-?eastern|south-?western|northern|southern|eastern|" \
        r"western|central|north|south|east|west)\s+)?" \
        r"(?:(?:city|town|province|region|island|governorate|district)\s+of\s+)?$"
_AFTER = re.compile(
    r"\s*(?:(?P<generic>" + GENERIC + r")\b)?\s*"
    r"(?:,\s*(?P<appos>(?:a|an|the)\s+" + _ADJ + r"(?:[A-Z][\w-]+\s+)?(?:" + GENERIC + r"))\s+(?:(?P<in1>" + _IN + r")|(?P<near1>" + _NEAR
    + r"))|,\s*(?P<near2>" + _NEAR + r")|,\s*(?P<in2>in)|(?P<in>" + _IN + r")|(?P<near>" + _NEAR + r"))" + _TAIL, re.I)
_COMMA = re.compile(r",\s{1,3}$")
_APPOSED_ARTICLE = re.compile(r",\s+(?:a|an)\s+")
_KIND_AFTER = re.compile(r"\s+(?:[a-z-]+\s+){0,2}?(?:town|city|village|port|island|district|province|region|"
                         r"suburb|hamlet|settlement)\b")
_SAYS_AFTER = re.compile(r"['’]s?\s+(?:[\w-]+\s+){0,4}?(?:said|says|say|told|reported|announced|added|stated|"
                         r"confirmed|warned)\b")
_POSSESSIVE = re.compile(r"^['’]s?\s+(?:" + _ADJ + r")?$", re.I)

# the kinds of division a place's name is given to elsewhere, seldom inside the place: "Washington
# Township", "Ohio County" (the recogniser and the resolver both read them so)
NAMESAKE_DIVISIONS = frozenset("township twp twp. county parish borough".split())

# how far from its container's point a place "in" it may lie (km), by the container's kind
WITHIN_KM = {CITY: 40.0, CAPITAL: 50.0, SITE: 20.0, ADMIN2: 80.0, ADMIN1: 450.0, REGION: 600.0,
             WATER: 800.0, ZONE: 100.0, CONTINENT: 4000.0, COUNTRY: 1500.0}
NEAR_EXTRA_KM = 150.0        # "off", "near", "north of": this much further
# "the X district of Y": a part of a town lies within this of the town's point (a namesake village
# 30 km out is another place)
PART_KM = 15.0
_PARTS = frozenset("district neighbourhood neighborhood quarter suburb".split())


@dataclass(frozen=True, slots=True)
class Cue:
    container: int           # index of the container's mention
    relation: str            # "in" or "near"
    words: str               # the text that says it ("district of Aleppo")
    strong: bool = True      # a generic word, "near"/"off", or a possessive says so; False for a
    #                          bare "X in Y" or "X, Y", which only choose among X's places
    via_of: bool = False     # "X district of Y": says where X is only when X is a name the gazetteer
    #                          lacks ("the Hunan city of Yueyang" puts Yueyang in Hunan, not the reverse)


def cues(text: str, mentions: list[Mention], placed: list[Place | None]) -> dict[int, Cue]:
    """For each mention the text puts inside (or next to) another placed mention, that cue."""
    out: dict[int, Cue] = {}
    n = len(mentions)
    # a container is a placed mention with a relation word or a comma right before it
    container = [placed[j] is not None and mentions[j].kind != "embedded" and (
        _said_before(text, mentions[j].start) or (mentions[j].kind == "demonym" and _KIND_AFTER.match(
            text, mentions[j].end) is not None)) for j in range(n)]
    for i, m in enumerate(mentions):
        for j in (i + 1, i + 2):
            if j < n and container[j] and mentions[j].text != m.text:   # "Seoul, Seoul": no name holds itself
                c = _cue_after(text, m, mentions[j], j)
                if c is not None:
                    # "El Baraf in Somalia's Middle Shabelle region": what the container owns holds it
                    k = j + 1
                    if k < n and placed[k] is not None and _POSSESSIVE.match(text[mentions[j].end:mentions[k].start]):
                        c = replace(c, container=k, words=text[m.end:mentions[k].end].strip())
                    out[i] = c
                    if mentions[j].kind != "demonym":
                        break       # ("a Georgian village near Tskhinvali": the place named next holds it)
        if i in out or i == 0 or placed[i - 1] is None:
            continue
        prev = mentions[i - 1]
        if text[prev.end:prev.end + 1] not in ("'", "’"):
            continue
        gap = text[prev.end:m.start]
        if _POSSESSIVE.match(gap):                      # "Hokkaido's Oshima peninsula"
            out[i] = Cue(i - 1, "in", text[prev.start:m.end])
    return out


# the last word of a gap that can say where the name before it is
_LAST_WORDS = frozenset("of in near outside off inside within at to the northern southern eastern western central "
                        "north south east west northeastern northwestern southeastern southwestern north-eastern "
                        "north-western south-eastern south-western".split())


def _said_before(text: str, start: int) -> bool:
    """Whether a comma or a word that can relate a place to another stands right before `start`."""
    tail = text[max(0, start - 14):start].rstrip()
    return tail.endswith(",") or bool(tail) and tail.rsplit(None, 1)[-1].lower() in _LAST_WORDS


def _cue_after(text: str, m: Mention, c: Mention, j: int) -> Cue | None:
    gap = text[m.end:c.start]
    if len(gap) > 80 or "\n\n" in gap:
        return None
    if c.kind == "demonym" and _APPOSED_ARTICLE.fullmatch(gap):
        # "Palma, a Mozambican coastal town": the country of the adjective holds the name
        kind = _KIND_AFTER.match(text, c.end)
        return None if kind is None else Cue(j, "in", text[m.start:kind.end()], strong=True)
    if _COMMA.fullmatch(gap) or gap in (", ", ","):
        if c.kind == "demonym" or _SAYS_AFTER.match(text, c.end):
            # "In Rafah, Israeli tanks advanced": no place is in an adjective; "…near the Senkaku
            # Islands, Japan's coast guard said": the speaker's country, not the islands'
            return None
        return Cue(j, "in", text[m.start:c.end], strong=False)     # "Harwinton, Conn."
    hit = _AFTER.fullmatch(gap)
    if hit is None:
        return None
    near = bool(hit.group("near") or hit.group("near1") or hit.group("near2"))
    strong = near or bool(hit.group("generic") or hit.group("appos"))
    via_of = (hit.group("in") or hit.group("in1") or "").lower() == "of"
    part = (hit.group("generic") or "").lower() in _PARTS and not near
    return Cue(j, "near" if near else "part" if part else "in", text[m.end:c.end].strip(), strong, via_of)


def distance_km(a: Place, b: Place) -> float:
    return km_between(a.lat, a.lon, b.lat, b.lon)


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (km) between two points given in degrees."""
    la1, lo1, la2, lo2 = map(math.radians, (lat1, lon1, lat2, lon2))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def inside(place: Place, container: Place, relation: str = "in") -> bool:
    """Whether `place` can be where the text says: in (or near) `container`."""
    if place.id == container.id:
        return False
    if container.feature_type == COUNTRY and relation != "near" and place.country_code:
        return place.country_code == container.country_code     # (Natural Earth's seas and peaks have none)
    if container.feature_type == ADMIN1 and relation != "near" and place.country_code and container.country_code:
        if place.country_code != container.country_code:
            return False          # a Kamenka of Russia is not in Ukraine's Donetsk region, however near
        if place.admin1:
            return place.admin1 == container.admin1
    limit = WITHIN_KM.get(container.feature_type, 100.0) + (NEAR_EXTRA_KM if relation == "near" else 0.0)
    if relation == "part":
        limit = min(limit, PART_KM)
    return distance_km(place, container) <= limit


_RANK = {CONTINENT: 6, COUNTRY: 5, ADMIN1: 4, WATER: 3, REGION: 3, ADMIN2: 2, ZONE: 2, CAPITAL: 1, CITY: 1, SITE: 0}


def bigger(a: Place, b: Place) -> bool:
    """Whether `a` is a larger kind of place than `b` (a country than a city; a city of 2 million
    than one of 40,000)."""
    ra, rb = _RANK.get(a.feature_type, 0), _RANK.get(b.feature_type, 0)
    return ra > rb or (ra == rb and a.population > b.population)


def choose_inside(candidates: list[Place], container: Place, relation: str) -> Place | None:
    """The first candidate (candidates come best first) that lies in the container."""
    return next((p for p in candidates if inside(p, container, relation)), None)


def unknown_in(mention: Mention, cue: Cue, container: Place, known: bool = False) -> Resolution:
    """A name the gazetteer lacks, placed at its container's point: a place of its own (a negative
    id per name), as uncertain as the container is wide."""
    # the id comes from the name's key: "Holliday" and "HOLLIDAY" are one place
    place = Place(id=-2 - (zlib.crc32(name_key(mention.text).encode("utf-8")) & 0x3FFFFFFF), name=mention.text,
                  lat=container.lat,
                  # a part of a capital is no capital: "the Karrada district of Baghdad" is a town's part
                  lon=container.lon, feature_type=CITY if container.feature_type in (CITY, CAPITAL) else
                  SITE if container.feature_type == SITE else REGION, country_code=container.country_code,
                  source="containment",
                  reach_km=KIND_RADIUS_KM.get(container.feature_type, 50.0) + UNKNOWN_EXTRA_KM)
    how = "near" if cue.relation == "near" else "in"
    what = f"no place so named {how} {container.name} in the gazetteer" if known else "not in the gazetteer"
    said = f"({cue.words})" if cue.container < 0 else f"as '{cue.words}' says"
    reason = (f"{what}: {how} {container.name}, {said}; placed at "
              f"{container.name}'s point, uncertain by about {place.reach_km:.0f} km")
    return Resolution(mention, place, 0.2, reason)


# a capitalised name the gazetteer lacks, with the generic word and relation that put it in a
# place named right after: "the Aziziyah district of Aleppo", "Tamarasheni, a Georgian village
# near Tskhinvali", "the Zamalek neighbourhood of Cairo"
_NAME = r"(?P<name>[A-Z][\w'’]+(?:[- ](?:al|el|ez|ad|as|an)?-?[A-Z][\w'’]+){0,2})"
_UNKNOWN_BEFORE = re.compile(
    r"\b(?:the\s+)?" + _NAME + r"(?:\s+(?:" + GENERIC + r")\s+(?:of|in|near|outside)"
    r"|,\s+(?:a|an)\s+" + _ADJ + r"(?:[A-Z][\w-]+\s+)?(?:" + GENERIC + r")\s+(?:in|of|near|outside|" + _NEAR + r"))"
    r"\s+(?:the\s+)?$")
# a name the text itself calls a place, with no container: "the village of Xinmo", "Tamarasheni, a
# village in the hills" (left unplaced, and shown so)
_KINDS = r"(?:village|town|city|hamlet|district|neighbou?rhood|suburb|island|islet|port|camp|refugee camp|settlement|oasis)"
_KIND_WORDS = frozenset("village town city hamlet district neighbourhood neighborhood suburb island islet port camp "
                        "settlement oasis".split())
_NAME_AT = re.compile(_NAME + r"\b")
_NAME_BEFORE = re.compile(_NAME + r"$")
_APPOSED_KIND = re.compile(r",\s+(?:a|an)\s+" + _ADJ + r"(?:[A-Z][\w-]+\s+)?" + _KINDS + r"\b")


def _places_named(text: str):
    """(start, end) of names after "the village of", "the town of" …"""
    pos = text.find(" of ")
    while pos >= 0:
        before = text[max(0, pos - 16):pos].split()
        if before and before[-1].lower() in _KIND_WORDS:
            hit = _NAME_AT.match(text, pos + 4)
            if hit:
                yield hit.start("name"), hit.end("name")
        pos = text.find(" of ", pos + 4)


# "fired from Jangyon in South Hwanghae province": a name in a division the text calls one
_IN_DIVISION = re.compile(r"\b(?:from|in|near|at)\s+" + _NAME + r"\s+in\s+(?:the\s+)?[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2}"
                          r"\s+$")
_LOCATIVE_AT = re.compile(r"\b(?:from|in|near|at)\s")       # where _IN_DIVISION may start
_DIVISION_WORDS = ("province", "state", "prefecture", "region", "county", "district", "oblast", "governorate")


def _division_words(text: str) -> list[int]:
    """Offsets of the white space before each whole division word, in order (str.find per word:
    a regex that starts with white space is tried at every space of the text)."""
    found = []
    n = len(text)
    for word in _DIVISION_WORDS:
        pos = text.find(word, 1)
        while pos > 0:
            end = pos + len(word)
            # white space before, no word character after: what \s and \b say
            if text[pos - 1].isspace() and not (end < n and (text[end].isalnum() or text[end] == "_")):
                found.append(pos - 1)
            pos = text.find(word, end)
    found.sort()
    return found


def _names_in_divisions(text: str):
    """(start, end) of names before "in Y province", "in Y state" … (found from the division word
    back: the word is rare, the pattern before it costly to try everywhere)"""
    for space in _division_words(text):
        # tried only where a locative word starts (the first match is the search's, leftmost)
        for at in _LOCATIVE_AT.finditer(text, max(0, space - 100), space + 1):
            hit = _IN_DIVISION.match(text, at.start(), space + 1)
            if hit:
                yield hit.start("name"), hit.end("name")
                break


def _names_apposed(text: str):
    """(start, end) of names before ", a village", ", a Georgian town" …"""
    if ", a" not in text:
        return
    for kind in _APPOSED_KIND.finditer(text):
        hit = _NAME_BEFORE.search(text, max(0, kind.start() - 60), kind.start())
        if hit:
            yield hit.start("name"), hit.end("name")


# "crashed in a field in Przewodow, Poland": a name after a locative word and before ", Y" where Y is a
# place the text names (searched back from each container's comma)
_NAME_BEFORE_COMMA = re.compile(r"\b(?:in|near|at|outside|from)\s+" + _NAME + r",\s+$")
_DATE_WORDS = frozenset("""January February March April May June July August September October November December
Monday Tuesday Wednesday Thursday Friday Saturday Sunday Christmas Easter""".split())


def _names_before_containers(text: str, mentions: list[Mention]):
    """(start, end) of names before ", Y", where Y is a name the text gives as a place."""
    for c in mentions:
        if c.kind == "toponym" and c.start > 6 and text[c.start - 2:c.start] == ", ":
            hit = _NAME_BEFORE_COMMA.search(text, max(0, c.start - 60), c.start)
            if hit and hit.group("name") not in _DATE_WORDS:
                yield hit.start("name"), hit.end("name")


_RELATION_WORDS = frozenset("of in near outside off to the".split())
_GENERIC_LAST = frozenset(g.split()[-1].replace("?", "") for g in GENERIC.replace("(", "").replace(")", "").split("|")) | {
    "neighbourhood", "neighborhood", "harbour", "harbor", "mountain", "mountains", "hill", "hills"}
_NEAR_LAST = frozenset("north south east west northern southern eastern western outskirts edge close km kilometres "
                       "kilometers miles just".split())
_NOT_NAMES = frozenset("The A An This That These Those It He She They We In On At Its Their His Her Our".split())


def unknown_mentions(text: str, mentions: list[Mention], sentence_of) -> list[Mention]:
    """Mentions of names the gazetteer lacks that the text puts in a place it names right after
    ("the Aziziyah district of Aleppo"): the resolver places them in that place."""
    out = []
    taken = [(m.start, m.end) for m in mentions]
    for c in mentions:
        if c.kind != "toponym" or c.start < 8:
            continue
        before = text[max(0, c.start - 40):c.start].split()
        if len(before) < 3 or before[-1].lower() not in _RELATION_WORDS:
            continue
        # the generic word stands right before the relation ("district of", "village near the")
        generic = before[-3] if before[-1].lower() == "the" else before[-2]
        if generic.lower().strip(",") not in _GENERIC_LAST and before[-2].lower() not in _NEAR_LAST:
            continue
        hit = _UNKNOWN_BEFORE.search(text, max(0, c.start - 90), c.start)
        if hit is None:
            continue
        s, e = hit.start("name"), hit.end("name")
        name = text[s:e]
        if name.split()[0] in _NOT_NAMES or any(a < e and s < b for a, b in taken):
            continue
        out.append(Mention(s, e, name, sentence_of(s), "toponym", ""))
        taken.append((s, e))
    for s, e in (*_places_named(text), *_names_apposed(text), *_names_in_divisions(text),
                 *_names_before_containers(text, mentions)):
        name = text[s:e]
        if name.split()[0] in _NOT_NAMES or any(a < e and s < b for a, b in taken):
            continue
        out.append(Mention(s, e, name, sentence_of(s), "toponym", ""))
        taken.append((s, e))
    return out
