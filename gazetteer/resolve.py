"""Choose one place for each mention, keep the runners-up, and say why.

Evidence, in the order it is applied:
1. priors: the kind of place (country, capital, division, city, named sea) and its population;
2. local patterns: "Alexandria, La." / "Paris, Texas" (the second name contains the first),
   "Shimane prefecture" (a division's name with its generic word);
3. the document: the countries and divisions it names, a dateline, and the places already
   resolved with confidence (reports are about places near each other).
Capitals named as governments ("Washington said", "Pyongyang announced") stay at the capital:
the prior already prefers the capital and nothing moves it.
"""
from __future__ import annotations

import math
import re

import numpy as np
from collections import Counter
from dataclasses import dataclass

from gazetteer.index import DEMONYM, EXACT_CASE, PRIMARY, USER, Gazetteer
from gazetteer.model import (ADMIN1, ADMIN2, CAPITAL, CITY, CONTINENT, COUNTRY, REGION, SITE, WATER, ZONE,
                             Candidate, Mention, Place, Resolution)
from gazetteer.normalize import name_key

_TYPE_BASE = {COUNTRY: 3.0, CAPITAL: 1.7, ADMIN1: 1.7, CONTINENT: 2.5, WATER: 1.8, ZONE: 2.0,
              REGION: 1.2, CITY: 0.0, ADMIN2: 0.4}
MAX_ALTERNATIVES = 5
# Kinds of evidence, each of which can be switched off (Resolver(evidence=...)) to measure what it adds.
EVIDENCE = frozenset({"type", "population", "document_countries", "document_divisions", "coherence",
                      "patterns", "divisions_yield_to_cities", "containment"})
NETWORK_CONFIDENCE = 0.5
UNPLACED = "not in the gazetteer, and the text does not say where it is: left unplaced"


def _pop_score(pop: int) -> float:
    return math.log10(pop + 1) / 7.0   # 0 for none, 1 for 10 million


_NEAR_TYPES = frozenset({CITY, ADMIN2, REGION, WATER})


@dataclass(frozen=True, slots=True)
class _KeyCandidates:
    places: tuple[Place, ...]
    scores: tuple[float, ...]      # priors, divisions already yielded to their cities
    whys: tuple[str, ...]
    first: int                     # index of the best prior (-1: no candidates)
    margin: float                  # its lead over the runner-up
    lat: np.ndarray                # the candidates' coordinates in radians and ids, for distances
    lon: np.ndarray
    ids: np.ndarray


@dataclass(slots=True)
class _Scored:
    place: Place
    flags: int
    score: float
    why: str


class Resolver:
    def __init__(self, gazetteer: Gazetteer | None = None, network=None,
                 evidence: frozenset[str] | None = None) -> None:
        """`network`: a `gazetteer.network.NetworkGeocoder` asked for names the gazetteer lacks
        (None: offline, the default). `evidence`: the kinds of evidence applied (names in
        EVIDENCE); None applies them all."""
        self.gaz = gazetteer or Gazetteer.load()
        self.network = network or None
        if evidence is None:
            evidence = EVIDENCE
        unknown = set(evidence) - EVIDENCE
        if unknown:
            raise ValueError(f"unknown kind(s) of evidence: {', '.join(sorted(unknown))}; "
                             f"choose from {', '.join(sorted(EVIDENCE))}")
        self.evidence = frozenset(evidence)
        self._by_key: dict[str, _KeyCandidates] = {}

    # --- candidates ---------------------------------------------------------------------------
    def candidates(self, mention: Mention) -> list[tuple[Place, int]]:
        """The places a mention's name can mean."""
        key = mention.key or name_key(mention.text)
        entries = list(self.gaz.lookup_key(key))
        if entries:
            return entries
        # possessive or trailing punctuation from an outside recogniser: "Japan's", "Ga."
        # (a place name inside a longer name, "Dubai World Cup", was tried and measured: it
        # placed more names wrongly than it saved; the article's main place serves them better)
        for trimmed in (key.removesuffix("'s"), key.rstrip(".,;:"), key.removeprefix("the ")):
            if trimmed != key:
                entries = list(self.gaz.lookup_key(trimmed))
                if entries:
                    return entries
        return []

    def prior(self, place: Place, flags: int, n_same: int) -> _Scored:
        ft = place.feature_type
        s = _TYPE_BASE.get(ft, 0.0) if "type" in self.evidence else 0.0
        why = ft
        if ft in (CITY, CAPITAL) and "population" in self.evidence:
            s += 1.5 * _pop_score(place.population)
        elif ft in (ADMIN1, ADMIN2) and "population" in self.evidence:
            s += 0.5 * _pop_score(place.population)
        if flags & PRIMARY:
            s += 0.3
        elif not flags & DEMONYM:
            s -= 0.3
        if place.source == "curated" and "type" in self.evidence:
            s += 1.0      # a name added by hand because news uses it: "Middle East", "the DMZ"
        if ft == COUNTRY:
            why = "a country"
        elif ft == CAPITAL:
            why = "national capital"
        elif n_same > 1 and ft == CITY:
            why = f"largest population among {n_same} places so named"
        elif ft == ADMIN1:
            why = "first-level division"
        return _Scored(place, flags, s, why)

    # --- resolution ----------------------------------------------------------------------------
    def key_candidates(self, key: str) -> "_KeyCandidates":
        """The candidates of one gazetteer key with their priors, ordered as the index gives them.
        Cached: a key's candidates and priors do not depend on the document."""
        hit = self._by_key.get(key)
        if hit is None:
            cands = self.candidates(Mention(0, 0, key, 0, key=key))
            s = [self.prior(p, f, len(cands)) for p, f in cands]
            if "divisions_yield_to_cities" in self.evidence:
                self._demote_divisions_of_cities(s)
            scores = [x.score for x in s]
            first = max(range(len(s)), key=scores.__getitem__) if s else -1
            margin = scores[first] - max((v for j, v in enumerate(scores) if j != first), default=-9) if s else 0.0
            places = tuple(x.place for x in s)
            hit = _KeyCandidates(places, tuple(scores), tuple(x.why for x in s), first, margin,
                                 np.radians([p.lat for p in places]), np.radians([p.lon for p in places]),
                                 np.array([p.id for p in places], dtype=np.int64))
            if len(self._by_key) > 100_000:
                self._by_key.clear()
            self._by_key[key] = hit
        return hit

    def resolve(self, text: str, mentions: list[Mention], alternatives: int = MAX_ALTERNATIVES) -> list[Resolution]:
        """One resolution per mention, each with up to `alternatives` runners-up (0: none, for
        callers that show only the choice)."""
        keys = [m.key or name_key(m.text) for m in mentions]
        table = {k: self.key_candidates(k) for k in dict.fromkeys(keys)}
        per_mention = [table[k] for k in keys]

        # pass 1: the document's countries and divisions from what is (nearly) unambiguous
        countries: Counter[str] = Counter()
        admin1s: Counter[tuple[str, str]] = Counter()
        anchors: dict[int, Place] = {}
        for kc in per_mention:
            if not kc.places:
                continue
            p, margin = kc.places[kc.first], kc.margin
            if p.feature_type == COUNTRY or margin > 1.0:
                if p.country_code:
                    countries[p.country_code] += 1
                if p.feature_type == ADMIN1:
                    admin1s[(p.country_code, p.admin1)] += 1
                if margin > 1.0 and p.feature_type not in (CONTINENT, WATER):
                    anchors.setdefault(p.id, p)     # each place once: cost stays linear

        cand_places = [kc.places for kc in per_mention]
        bonus_of = self._pattern_bonuses(text, mentions, cand_places)

        # the document's evidence for each distinct name, once however often it is mentioned
        near = (self._nearest_anchor_km(table, anchors) if anchors and "coherence" in self.evidence else {})
        use_countries = bool(countries) and "document_countries" in self.evidence
        use_divisions = bool(admin1s) and "document_divisions" in self.evidence
        scored: dict[str, tuple] = {}
        for k, kc in table.items():
            scores = list(kc.scores)
            notes: list = [None] * len(scores)
            near_km = near.get(k)
            for j, p in enumerate(kc.places):
                country = division = distance = None
                if use_countries and p.country_code and p.feature_type != COUNTRY:
                    c = countries.get(p.country_code, 0)
                    if c:
                        scores[j] += min(1.2, 0.6 + 0.2 * c)
                        country = p.country_code
                if use_divisions and p.admin1 and p.feature_type not in (ADMIN1, COUNTRY) \
                        and admin1s.get((p.country_code, p.admin1)):
                    scores[j] += 1.0
                    division = True
                if near_km is not None and p.feature_type in _NEAR_TYPES:
                    d = near_km[j]
                    if d < 300:
                        scores[j] += 0.8 * (1 - d / 300)
                        distance = d
                if country or division or distance is not None:
                    notes[j] = (country, division, distance)
            scored[k] = (scores, notes)

        results = []
        shared: dict[str, Resolution] = {}
        for idx, (m, k) in enumerate(zip(mentions, keys)):
            kc = table[k]
            if not kc.places:
                results.append(Resolution(m, None, 0.0, "no gazetteer entry"))
                continue
            bonus = bonus_of.get(idx)
            if bonus is None and k in shared:
                r = shared[k]
                results.append(Resolution(m, r.place, r.confidence, r.reason, r.alternatives))
                continue
            scores, notes = scored[k]
            if bonus:
                scores = [v + bonus[p.id][0] if p.id in bonus else v for v, p in zip(scores, kc.places)]
            r = self._choose(m, kc, scores, notes, bonus, alternatives)
            if bonus is None:
                shared[k] = r
            results.append(r)
        return self._finish_unknowns(text, mentions, cand_places, results)

    def _pattern_bonuses(self, text: str, mentions: list[Mention], cand_places) -> dict[int, dict[int, tuple]]:
        """mention index -> {place id: (bonus, reason)} from "X, Y" patterns (unchanged, moved out
        of `resolve` to keep it under 80 lines)."""
        # "Paris, Texas": the second name holds the first
        pair_bonus = self._pair_patterns(text, mentions, cand_places) if "patterns" in self.evidence else {}
        # one sense per discourse: "Paris, Texas" once makes every later "Paris" that Paris
        by_key: dict[str, dict] = {}
        for (i, pid), bonus in pair_bonus.items():
            by_key.setdefault(mentions[i].key or mentions[i].text, {})[pid] = bonus
        if by_key:
            for i, m in enumerate(mentions):
                for pid, (b, why) in by_key.get(m.key or m.text, {}).items():
                    pair_bonus.setdefault((i, pid), (b * 0.5, why.replace(" says", " says elsewhere in the text")))
        bonus_of: dict[int, dict[int, tuple]] = {}
        for (i, pid), bonus in pair_bonus.items():
            bonus_of.setdefault(i, {})[pid] = bonus
        return bonus_of

    @staticmethod
    def _choose(m: Mention, kc: "_KeyCandidates", scores: list[float], notes: list, bonus: dict | None,
                alternatives: int) -> Resolution:
        order = sorted(range(len(scores)), key=lambda j: -scores[j])   # stable: ties keep index order
        b = order[0]
        top = scores[b]
        # confidence: the chosen candidate's share of a softmax over the scores
        if len(scores) > 24:     # a common name ("Washington"): many candidates, vectorised
            z = float(np.exp(np.minimum(50.0, np.array(scores) - top)).sum())
        else:
            z = sum(math.exp(min(50.0, v - top)) for v in scores)
        conf = 1.0 / z
        if len(scores) == 1:
            conf = 0.95 if top >= 1.0 else 0.75
        alts = tuple(Candidate(kc.places[j], round(math.exp(scores[j] - top) / z, 4))
                     for j in order[1:1 + alternatives])
        place = kc.places[b]
        if bonus and place.id in bonus:
            reason = bonus[place.id][1]
        else:
            reason = kc.whys[b]
            if notes[b] is not None:
                country, division, distance = notes[b]
                if country:
                    reason += f"; in {country}, named in the text"
                if division:
                    reason += "; in a division named in the text"
                if distance is not None:
                    reason += f"; {distance:.0f} km from other places in the text"
        if len(scores) > 1 and "largest population" not in reason and place.feature_type == CITY:
            reason += f" (chosen among {len(scores)} places so named)"
        return Resolution(m, place, round(conf, 4), reason, alts)

    def _finish_unknowns(self, text, mentions, cand_places, results: list[Resolution]) -> list[Resolution]:
        """After scoring: the user's own places win their names; what the text says contains a
        place ("Oshima island, off Hokkaido") holds; names with no gazetteer entry are placed only
        by the network geocoder (when on) or inside the place the text says holds them ("the
        Aziziyah district of Aleppo", "Manila Cathedral"), else left unplaced (never at the
        article's main place: a region or a ship the gazetteer lacks is not there)."""
        results = self._prefer_user_places(results)
        from_network = self._ask_network(mentions, cand_places, results) if self.network is not None else {}
        results = [Resolution(r.mention, from_network[i], NETWORK_CONFIDENCE,
                              "from the network geocoder (Nominatim)") if i in from_network else r
                   for i, r in enumerate(results)]
        if "containment" in self.evidence:
            results = self._apply_containment(text, mentions, results)
        return results

    def _ask_network(self, mentions, cand_places, results) -> dict[int, Place]:
        from_network: dict[int, Place] = {}
        hint_counts = Counter(r.place.country_code for r in results if r.place is not None and r.place.country_code)
        hint = hint_counts.most_common(1)[0][0] if hint_counts else None
        asked: dict[str, Place | None] = {}
        for idx, (m, cands) in enumerate(zip(mentions, cand_places)):
            if cands or results[idx].place is not None:
                continue
            key = m.key or name_key(m.text)
            if key not in asked:
                try:
                    asked[key] = self.network.geocode(m.text, hint)
                except Exception:   # noqa: BLE001 - the geocoder never stops the parse
                    asked[key] = None
            if asked[key] is not None:
                from_network[idx] = asked[key]
        return from_network

    def _prefer_user_places(self, results: list[Resolution]) -> list[Resolution]:
        """A name in the user's own gazetteer means the user's place, whatever the scores say;
        the bundled choice becomes the first alternative."""
        if self.gaz.user is None:
            return results
        out = []
        for r in results:
            mine = [p for p, f in self.gaz.lookup_key(r.mention.key or name_key(r.mention.text)) if f & USER]
            if not mine or (r.place is not None and r.place.source == "user"):
                out.append(r)
                continue
            alts = ((Candidate(r.place, r.confidence),) if r.place is not None else ()) + r.alternatives
            out.append(Resolution(r.mention, mine[0], 0.95, "in your own gazetteer", alts[:MAX_ALTERNATIVES]))
        return out

    def _apply_containment(self, text, mentions, results: list[Resolution]) -> list[Resolution]:
        from gazetteer import containment
        said = containment.cues(text, mentions, [r.place for r in results])
        out = list(results)
        for i, r in enumerate(results):
            cue = said.get(i)
            container = results[cue.container].place if cue is not None else None
            if r.place is None:
                if container is not None:
                    out[i] = containment.unknown_in(r.mention, cue, container)
                else:
                    out[i] = self._place_by_inner_name(r, results) or r
            elif container is not None and r.place.source != "user" and not containment.inside(
                    r.place, container, cue.relation) and (not cue.via_of or containment.bigger(container, r.place)):
                # ("the Hunan city of Yueyang", "the Cincinnati suburb of West Chester": the first holds the second)
                moved = self._choose_inside(r, cue, container)
                if moved is None and cue.strong and r.place.feature_type in (CITY, SITE, ADMIN2) \
                        and r.place.population < 100_000:
                    # "the Aziziyah district of Aleppo": none of the gazetteer's Aziziyahs is there
                    moved = containment.unknown_in(r.mention, cue, container, known=True)
                out[i] = moved or r
        if all(x.place is not None for x in out):
            return out
        # one sense per discourse: a name placed by what the text says once is placed so throughout
        placed = {x.mention.text: x for x in out if x.place is not None and x.place.source == "containment"}
        return [x if x.place is not None else
                Resolution(x.mention, placed[x.mention.text].place, placed[x.mention.text].confidence,
                           placed[x.mention.text].reason + " (elsewhere in the text)")
                if x.mention.text in placed else Resolution(x.mention, None, 0.0, UNPLACED) for x in out]

    def _choose_inside(self, r: Resolution, cue, container: Place) -> Resolution | None:
        """The best-scored of a name's places that lies where the text says ("Oshima island, off
        Hokkaido" is not Izu Oshima)."""
        from gazetteer import containment
        kc = self.key_candidates(r.mention.key or name_key(r.mention.text))
        ranked = [kc.places[j] for j in sorted(range(len(kc.places)), key=lambda j: -kc.scores[j])]
        if not cue.strong:
            ranked = [p for p in ranked if p.feature_type not in (COUNTRY, CAPITAL, CONTINENT)]
        pick = containment.choose_inside(ranked, container, cue.relation)
        if pick is None:
            return None
        how = "near" if cue.relation == "near" else "in"
        alts = (Candidate(r.place, r.confidence),) + tuple(a for a in r.alternatives if a.place.id != pick.id)
        return Resolution(r.mention, pick, max(0.6, r.confidence), f"{how} {container.name}, as '{cue.words}' says",
                          alts[:MAX_ALTERNATIVES])

    def _place_by_inner_name(self, r: Resolution, results: list[Resolution]) -> Resolution | None:
        """A name the gazetteer lacks that carries a place's name is in that place: "Manila
        Cathedral", "Port of Los Angeles" (a notable place inside), "Readington Township", "Neches
        River" (a place and generic words), "South Ossetian", "Dagestani" (the adjective of a
        region), "Calif", "L.A" (an abbreviation without its full stop). The place is the one the
        document already chose for that name, else the name's most likely place."""
        from gazetteer import containment
        text = r.mention.text
        chosen = {x.mention.key or name_key(x.mention.text): x.place for x in results if x.place is not None}
        for key, why, strict in self._inner_names(text):
            place = chosen.get(key) or self._in_context(key, results, strict)
            if place is None or (strict and place.feature_type == CONTINENT):
                continue
            cue = containment.Cue(-1, "in", why)
            return containment.unknown_in(r.mention, cue, place)
        return None

    def _in_context(self, key: str, results: list[Resolution], strict: bool = False) -> Place | None:
        """The place a name inside another most likely means in this document: one in a division
        the document's places are in, else in its countries, else (unless `strict`) the likeliest
        anywhere."""
        kc = self.key_candidates(key)
        ranked = [kc.places[j] for j in sorted(range(len(kc.places)), key=lambda j: -kc.scores[j])
                  if kc.places[j].feature_type in _INNER_TYPES]
        if not ranked:
            return None
        placed = [x.place for x in results if x.place is not None and x.confidence >= 0.3]
        divisions = {(p.country_code, p.admin1) for p in placed if p.admin1}
        countries = {p.country_code for p in placed if p.country_code}
        return (next((p for p in ranked if p.admin1 and (p.country_code, p.admin1) in divisions), None)
                or next((p for p in ranked if p.country_code in countries and (
                    not strict or p.population >= 100_000 or p.feature_type in (ADMIN1, COUNTRY))), None)
                or (None if strict else ranked[0]))

    def _inner_names(self, text: str):
        """(key, why) of the places a name the gazetteer lacks points at, best first."""
        key = name_key(text)
        for alt in (key + ".", key.rstrip(".")):
            if alt != key and self.gaz.lookup_key(alt) and not self._is_demonym_key(alt):
                yield alt, f"'{text}' abbreviates its name", False
        for alt in _adjective_bases(key):
            if any(p.feature_type in (COUNTRY, ADMIN1, REGION, CONTINENT) for p, _ in self.gaz.lookup_key(alt)):
                yield alt, f"'{text}' is its adjective", False
        words = list(re.finditer(r"[^\W\d_][\w.'’-]*", text))
        for size in range(len(words) - 1, 0, -1):
            for k in range(len(words) - size + 1):
                a, b = words[k].start(), words[k + size - 1].end()
                inner = name_key(text[a:b])
                if len(inner) < 4:
                    continue
                rest = [w.group().lower() for q, w in enumerate(words) if not k <= q < k + size]
                generic = all(w in _GENERIC_WORDS for w in rest)
                if self._inner_name_ok(inner, generic):
                    # a town's name in a park's or a valley's is that town only near the document's places
                    yield inner, f"the name '{text}' says so", not self._strong_name(inner)

    def _strong_name(self, key: str) -> bool:
        """A country's or a first-level division's own name."""
        return any(f & PRIMARY and p.feature_type in (COUNTRY, ADMIN1) for p, f in self.gaz.lookup_key(key))

    def _is_demonym_key(self, key: str) -> bool:
        return any(f & DEMONYM for _, f in self.gaz.lookup_key(key))

    def _inner_name_ok(self, key: str, generic: bool = False) -> bool:
        """A name inside a longer one that says where it is: a country, division, capital, sea or
        town of 20,000 or more (any place when the rest are generic words: "Readington
        Township"), not a demonym ("Central American") nor a common word."""
        entries = self.gaz.lookup_key(key)
        if not entries or any(f & DEMONYM for _, f in entries) or key in self.gaz.lexicon.get("common_words", ()):
            return False
        return generic or any(p.feature_type in (COUNTRY, ADMIN1, CAPITAL, WATER) or p.population >= 20_000
                              for p, _ in entries)

    @staticmethod
    def _nearest_anchor_km(table: dict[str, "_KeyCandidates"], anchors: dict[int, Place]) -> dict[str, np.ndarray]:
        """For each candidate of each ambiguous name, the great-circle distance to the nearest
        anchor other than itself: one vectorised computation for the whole document."""
        names = [k for k, kc in table.items() if len(kc.places) > 1]
        if not names:
            return {}
        a_ids = np.fromiter(anchors.keys(), dtype=np.int64, count=len(anchors))
        a_lat = np.radians([a.lat for a in anchors.values()])
        a_lon = np.radians([a.lon for a in anchors.values()])
        lat = np.concatenate([table[k].lat for k in names])[:, None]
        lon = np.concatenate([table[k].lon for k in names])[:, None]
        ids = np.concatenate([table[k].ids for k in names])[:, None]
        h = np.sin((a_lat - lat) / 2) ** 2 + np.cos(lat) * np.cos(a_lat) * np.sin((a_lon - lon) / 2) ** 2
        d = 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
        d[ids == a_ids] = np.inf   # not the candidate itself
        nearest = d.min(axis=1).tolist()
        out, pos = {}, 0
        for k in names:
            n = len(table[k].places)
            out[k] = nearest[pos:pos + n]
            pos += n
        return out

    @staticmethod
    def _demote_divisions_of_cities(s: list[_Scored]) -> None:
        """'Tokyo', 'Hanoi', 'New York': the city, not the division named after it."""
        cities = {(x.place.country_code, x.place.admin1) for x in s
                  if x.place.feature_type in (CITY, CAPITAL) and x.place.population >= 50_000}
        for x in s:
            if x.place.feature_type in (ADMIN1, ADMIN2) and (x.place.country_code, x.place.admin1) in cities:
                x.score -= 2.0

    def _containers_after(self, text: str, mention: Mention, next_mention: Mention | None):
        """Divisions or countries named right after ", " ("Alexandria, La.", "Paris, Texas")."""
        if text[mention.end:mention.end + 1] != ",":
            return None, []            # (most names: no comma right after)
        tail = text[mention.end:mention.end + 40]
        m = _AFTER_COMMA.match(tail)
        if not m:
            return None, []
        if next_mention is not None and next_mention.start == mention.end + m.start(1):
            words = next_mention.text
        else:
            words = m.group(1)
        for cand in (words, words.split(" ")[0]):
            entries = [p for p, f in self.gaz.lookup(cand)
                       if p.feature_type in (COUNTRY, ADMIN1) and (not f & EXACT_CASE or cand in self.gaz.exact_forms.get(name_key(cand), ()))]
            if entries:
                return cand, entries
        return None, []

    def _pair_patterns(self, text: str, mentions: list[Mention], cand_places) -> dict:
        out = {}
        for i, a in enumerate(mentions):
            nxt = mentions[i + 1] if i + 1 < len(mentions) else None
            label, containers = self._containers_after(text, a, nxt)
            if not containers:
                continue
            for x in cand_places[i]:
                for c in containers:
                    inside = x.country_code == c.country_code and (
                        c.feature_type == COUNTRY or x.admin1 == c.admin1)
                    if inside and x.id != c.id:
                        out[(i, x.id)] = (5.0, f"in {c.name}, as '{a.text}, {label}' says")
                        if nxt is not None and nxt.start - a.end <= 3:
                            for y in cand_places[i + 1]:
                                if y.id == c.id:
                                    out[(i + 1, c.id)] = (2.0, f"holds {a.text}, as '{a.text}, {label}' says")
        return out


# the kinds of place a longer name can carry ("Manila Cathedral", "Port of Los Angeles")
_INNER_TYPES = frozenset({COUNTRY, ADMIN1, ADMIN2, CITY, CAPITAL, WATER})
# words that name a kind of place ("Readington Township", "Lake Lanier", "Neches River")
_GENERIC_WORDS = frozenset("""township twp twp. river lake valley park hill hills county parish creek harbor harbour
bay island islands isle mountain mountains mount mt mt. canyon beach falls springs station district borough
village town city heights plateau desert basin coast peninsula port airport estate square center centre""".split())


def _adjective_bases(key: str) -> list[str]:
    """The places an adjective or people's name may come from: "south ossetian" -> "south ossetia",
    "dagestani" -> "dagestan", "abkhaz" -> "abkhazia", "kurdish" -> "kurdistan", "ontarians" ->
    "ontario"."""
    out = []
    for k in dict.fromkeys((key, key[:-1] if key.endswith("s") else key)):
        if k.endswith("n"):
            out += [k[:-1], k[:-3] + "io" if k.endswith("ian") else k[:-1]]
        if k.endswith("i"):
            out.append(k[:-1])
        if k.endswith("ish"):
            out.append(k[:-3] + "istan")
        out.append(k + "ia")
    return [o for o in dict.fromkeys(out) if len(o) >= 4 and o != key]


_AFTER_COMMA = re.compile(r",\s{1,3}([A-Z][\w.]*(?: [A-Z][\w.]*)?)")
