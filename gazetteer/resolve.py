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
import os
import re

import numpy as np
from collections import Counter
from dataclasses import dataclass

from gazetteer.index import DEMONYM, EXACT_CASE, PRIMARY, Gazetteer
from gazetteer.model import (ADMIN1, ADMIN2, CAPITAL, CITY, CONTINENT, COUNTRY, REGION, WATER, ZONE,
                             Candidate, Mention, Place, Resolution)
from gazetteer.normalize import name_key

_TYPE_BASE = {COUNTRY: 3.0, CAPITAL: 1.7, ADMIN1: 1.7, CONTINENT: 2.5, WATER: 1.8, ZONE: 2.0,
              REGION: 1.2, CITY: 0.0, ADMIN2: 0.4}
MAX_ALTERNATIVES = 5
# Kinds of evidence, each of which can be switched off (Resolver(evidence=...)) to measure what it adds.
EVIDENCE = frozenset({"type", "population", "document_countries", "document_divisions", "coherence",
                      "patterns", "divisions_yield_to_cities", "focus"})
NETWORK_CONFIDENCE = 0.5


def _pop_score(pop: int) -> float:
    return math.log10(pop + 1) / 7.0   # 0 for none, 1 for 10 million


@dataclass(slots=True)
class _Scored:
    place: Place
    flags: int
    score: float
    why: str


class Resolver:
    def __init__(self, gazetteer: Gazetteer | None = None, network=None,
                 evidence: frozenset[str] | None = None) -> None:
        """`network`: a `gazetteer.network.NetworkGeocoder` asked for names the gazetteer lacks; None
        builds one from the environment (NEWSMAP_GEOCODER) when it is switched on there, False keeps
        it off whatever the environment says. `evidence`: the kinds of evidence applied (names in
        EVIDENCE); None applies them all."""
        self.gaz = gazetteer or Gazetteer.load()
        if network is None and os.environ.get("NEWSMAP_GEOCODER"):
            from gazetteer.network import geocoder_from_env
            network = geocoder_from_env()
        self.network = network or None
        if evidence is None:
            evidence = EVIDENCE
        unknown = set(evidence) - EVIDENCE
        if unknown:
            raise ValueError(f"unknown kind(s) of evidence: {', '.join(sorted(unknown))}; "
                             f"choose from {', '.join(sorted(EVIDENCE))}")
        self.evidence = frozenset(evidence)

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
    def resolve(self, text: str, mentions: list[Mention]) -> list[Resolution]:
        cand_lists = [self.candidates(m) for m in mentions]
        scored = []
        for m, cands in zip(mentions, cand_lists):
            n_same = len(cands)
            s = [self.prior(p, f, n_same) for p, f in cands]
            if "divisions_yield_to_cities" in self.evidence:
                self._demote_divisions_of_cities(s)
            scored.append(s)

        # pass 1: the document's countries and divisions from what is (nearly) unambiguous
        first = [max(s, key=lambda x: x.score) if s else None for s in scored]
        countries: Counter[str] = Counter()
        admin1s: Counter[tuple[str, str]] = Counter()
        anchors: dict[int, Place] = {}
        for m, s, best in zip(mentions, scored, first):
            if best is None:
                continue
            margin = best.score - max((x.score for x in s if x is not best), default=-9)
            p = best.place
            if p.feature_type in (COUNTRY,) or margin > 1.0:
                if p.country_code:
                    countries[p.country_code] += 1
                if p.feature_type == ADMIN1:
                    admin1s[(p.country_code, p.admin1)] += 1
                if margin > 1.0 and p.feature_type not in (CONTINENT, WATER):
                    anchors.setdefault(p.id, p)     # each place once: cost stays linear

        # "Paris, Texas": the second name holds the first
        pair_bonus = self._pair_patterns(text, mentions, scored) if "patterns" in self.evidence else {}
        # one sense per discourse: "Paris, Texas" once makes every later "Paris" that Paris
        by_key: dict[str, dict] = {}
        for (i, pid), bonus in pair_bonus.items():
            by_key.setdefault(mentions[i].key or mentions[i].text, {})[pid] = bonus
        for i, m in enumerate(mentions):
            for pid, (b, why) in by_key.get(m.key or m.text, {}).items():
                pair_bonus.setdefault((i, pid), (b * 0.5, why.replace(" says", " says elsewhere in the text")))

        anchor_list = list(anchors.values())
        anchor_ids = np.array([a.id for a in anchor_list])
        anchor_lat = np.radians([a.lat for a in anchor_list])
        anchor_lon = np.radians([a.lon for a in anchor_list])
        results = []
        for idx, (m, s) in enumerate(zip(mentions, scored)):
            if not s:
                results.append(Resolution(m, None, 0.0, "no gazetteer entry"))
                continue
            near_km = self._nearest_anchor_km(s, anchor_ids, anchor_lat, anchor_lon) if len(anchors) and len(s) > 1 else None
            if "coherence" not in self.evidence:
                near_km = None
            for k, x in enumerate(s):
                p = x.place
                if p.country_code and countries and "document_countries" in self.evidence:
                    c = countries.get(p.country_code, 0)
                    if c and p.feature_type != COUNTRY:
                        x.score += min(1.2, 0.6 + 0.2 * c)
                        x.why += f"; in {p.country_code}, named in the text"
                if p.admin1 and admin1s.get((p.country_code, p.admin1)) and p.feature_type not in (ADMIN1, COUNTRY) \
                        and "document_divisions" in self.evidence:
                    x.score += 1.0
                    x.why += "; in a division named in the text"
                if near_km is not None and p.feature_type in (CITY, ADMIN2, REGION, WATER):
                    near = near_km[k]
                    if near < 300:
                        x.score += 0.8 * (1 - near / 300)
                        x.why += f"; {near:.0f} km from other places in the text"
                bonus = pair_bonus.get((idx, p.id))
                if bonus:
                    x.score += bonus[0]
                    x.why = bonus[1]
            s.sort(key=lambda x: -x.score)
            best = s[0]
            # confidence: the chosen candidate's share of a softmax over the scores
            z = sum(math.exp(min(50.0, x.score - best.score)) for x in s)
            conf = 1.0 / z
            if len(s) == 1:
                conf = 0.95 if best.score >= 1.0 else 0.75
            alts = tuple(Candidate(x.place, round(math.exp(x.score - best.score) / z, 4))
                         for x in s[1:1 + MAX_ALTERNATIVES])
            reason = best.why
            if len(s) > 1 and "largest population" not in reason and best.place.feature_type == CITY:
                reason += f" (chosen among {len(s)} places so named)"
            results.append(Resolution(m, best.place, round(conf, 4), reason, alts))
        if self.network is not None or "focus" not in self.evidence:
            return self._finish_unknowns(mentions, scored, results)
        return self._place_unknowns_at_focus(results)

    def _finish_unknowns(self, mentions, scored, results: list[Resolution]) -> list[Resolution]:
        """Names with no gazetteer entry at all: the network geocoder's answer when it is on and
        answers, else (evidence "focus") the article's main place."""
        from_network: dict[int, Place] = {}
        if self.network is not None:
            hint_counts = Counter(r.place.country_code for r in results if r.place is not None and r.place.country_code)
            hint = hint_counts.most_common(1)[0][0] if hint_counts else None
            asked: dict[str, Place | None] = {}
            for idx, (m, s) in enumerate(zip(mentions, scored)):
                if s or results[idx].place is not None:
                    continue
                key = m.key or name_key(m.text)
                if key not in asked:
                    try:
                        asked[key] = self.network.geocode(m.text, hint)
                    except Exception:   # noqa: BLE001 - the geocoder never stops the parse
                        asked[key] = None
                if asked[key] is not None:
                    from_network[idx] = asked[key]
        if "focus" in self.evidence:
            results = self._place_unknowns_at_focus(results)
        # network answers overlay the focus fallback; they are kept out of the focus choice itself
        return [Resolution(r.mention, from_network[i], NETWORK_CONFIDENCE,
                           "from the network geocoder (Nominatim)") if i in from_network else r
                for i, r in enumerate(results)]

    @staticmethod
    def _place_unknowns_at_focus(results: list[Resolution]) -> list[Resolution]:
        """A name the gazetteer lacks (a street, a building, a hamlet) is most likely in the place
        the article is about: the most-mentioned town or division, else country."""
        if all(r.place is not None for r in results):
            return results
        local, national = Counter(), Counter()
        by_id = {}
        for r in results:
            if r.place is None or r.confidence < 0.3:
                continue
            by_id[r.place.id] = r.place
            if r.place.feature_type in (CITY, CAPITAL, ADMIN2, ADMIN1):
                local[r.place.id] += 1
            elif r.place.feature_type == COUNTRY:
                national[r.place.id] += 1
        top = (local or national).most_common(1)
        if not top:
            return results
        focus = by_id[top[0][0]]
        note = f"not in the gazetteer: placed at {focus.name}, the place the article mentions most"
        return [Resolution(r.mention, focus, 0.1, note) if r.place is None else r for r in results]

    @staticmethod
    def _nearest_anchor_km(s, anchor_ids, anchor_lat, anchor_lon) -> np.ndarray:
        """For each candidate, the great-circle distance to the nearest other anchor (vectorised)."""
        lat = np.radians([x.place.lat for x in s])[:, None]
        lon = np.radians([x.place.lon for x in s])[:, None]
        h = np.sin((anchor_lat - lat) / 2) ** 2 + np.cos(lat) * np.cos(anchor_lat) * np.sin((anchor_lon - lon) / 2) ** 2
        d = 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
        d[np.array([x.place.id for x in s])[:, None] == anchor_ids] = np.inf   # not the candidate itself
        return d.min(axis=1)

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

    def _pair_patterns(self, text: str, mentions: list[Mention], scored) -> dict:
        out = {}
        for i, a in enumerate(mentions):
            nxt = mentions[i + 1] if i + 1 < len(mentions) else None
            label, containers = self._containers_after(text, a, nxt)
            if not containers:
                continue
            for x in scored[i]:
                for c in containers:
                    inside = x.place.country_code == c.country_code and (
                        c.feature_type == COUNTRY or x.place.admin1 == c.admin1)
                    if inside and x.place.id != c.id:
                        out[(i, x.place.id)] = (5.0, f"in {c.name}, as '{a.text}, {label}' says")
                        if nxt is not None and nxt.start - a.end <= 3:
                            for y in scored[i + 1]:
                                if y.place.id == c.id:
                                    out[(i + 1, c.id)] = (2.0, f"holds {a.text}, as '{a.text}, {label}' says")
        return out


_AFTER_COMMA = re.compile(r",\s{1,3}([A-Z][\w.]*(?: [A-Z][\w.]*)?)")


_default: Resolver | None = None


def resolve_mentions(text: str, mentions: list[Mention]) -> list[Resolution]:
    global _default
    if _default is None:
        _default = Resolver()
    return _default.resolve(text, mentions)
