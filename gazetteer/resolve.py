"""Choose one place for each mention, keep the runners-up, and say why.

A learned ranker (`gazetteer/rank.py`, trained by `scripts/train_resolver.py` on annotated news)
scores every candidate place of every distinct name in the text, in two stages: stage 1 from the
candidate (kind of place, population, how the name matched), the name's mentions (cue words
such as "province" or "city of", "X, Y" / "X in Y" / "Y's X" containment, demonyms, datelines)
and the countries and divisions the unambiguous names point to; stage 2 adds what stage 1
believes about every other name (the countries and divisions they most likely lie in, the
distance to their most likely places). A name keeps one sense in a text (one sense per
discourse): its mentions' evidence is pooled and every mention gets the same place. The
softmax share of the winner's score among its name's candidates is its `confidence`.

The hand rules left are principled, none tuned on a corpus: a name the gazetteer lacks is placed
at the place the article mentions most (or by the opt-in network geocoder), and abbreviations
count as containers only where written exactly so ("La.", postal codes only after a comma).
"""
from __future__ import annotations

import math
from collections import Counter
from functools import cached_property

import numpy as np

from gazetteer import rank
from gazetteer.index import Gazetteer
from gazetteer.model import ADMIN1, ADMIN2, CAPITAL, CITY, COUNTRY, Candidate, Mention, Place, Resolution
from gazetteer.normalize import name_key

MAX_ALTERNATIVES = 5
# Kinds of evidence, each of which can be switched off (Resolver(evidence=...)) to measure what it
# adds: its features are set to what a text without that evidence would give.
EVIDENCE = frozenset({"type", "population", "document_countries", "document_divisions", "coherence",
                      "patterns", "cues", "focus"})
_EVIDENCE_FEATURES = {
    "type": [f for f in rank.STATIC if f.startswith("t_")] + ["capital_vs_country", "country_vs_capital",
                                                            "curated", "naturalearth", "importance"],
    "population": ["log_pop", "pop_rank", "pop_gap", "top_pop", "division_vs_city", "city_vs_division"],
    "document_countries": ["u_cc", "u_cc_other", "e_cc", "e_cc_share"],
    "document_divisions": ["u_adm", "e_adm"],
    "coherence": ["near161", "near_min"],
    "patterns": ["held_comma", "held_in", "held_possessive", "holds_prev"],
    "cues": ["cue_any", "cue_agree", "cue_disagree"],
}
NETWORK_CONFIDENCE = 0.5
_KeyCandidates = rank.KeyStatic
_NO_FIT = "no candidate fits the text"
_NO_MENTION = Mention(0, 0, "", 0)
_KIND_WHY = {COUNTRY: "a country", CAPITAL: "national capital", ADMIN1: "first-level division",
             ADMIN2: "second-level division"}


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

    # --- the model's inputs --------------------------------------------------------------------
    @cached_property
    def _interner(self) -> rank.Interner:
        return rank.Interner()

    @cached_property
    def _containers(self) -> rank.Containers:
        return rank.Containers(self.gaz)

    @cached_property
    def model(self) -> "rank.Model":
        """The trained ranker (`gazetteer/data/resolver_model.npz`); assignable, for training."""
        return rank.Model.load()

    @cached_property
    def _neutral(self) -> tuple[list[int], np.ndarray]:
        """Columns of the evidence switched off, and the values a text without it would give."""
        names = [f for kind in EVIDENCE - self.evidence for f in _EVIDENCE_FEATURES.get(kind, ())]
        cols = [rank.FEATURES2.index(f) for f in names]
        vals = np.array([rank.NEUTRAL.get(f, 0.0) for f in names])
        return cols, vals

    def key_candidates(self, key: str) -> "_KeyCandidates":
        """The candidates of one gazetteer key with their document-independent features, ordered as
        the index gives them. Cached: they do not depend on the document."""
        hit = self._by_key.get(key)
        if hit is None:
            cands = tuple(self.candidates(Mention(0, 0, key, 0, key=key)))
            hit = rank.key_static(key, cands, self._interner, self.gaz.importance) if cands else None
            if len(self._by_key) > 100_000:
                self._by_key.clear()
            self._by_key[key] = hit
        return hit

    def document(self, text: str, mentions: list[Mention]) -> "rank.Document":
        """The candidate rows of a text's distinct names with their stage-1 features."""
        keys = [m.key or name_key(m.text) for m in mentions]
        distinct: dict[str, int] = {}
        statics: list[rank.KeyStatic] = []
        key_index = []
        for k in keys:
            i = distinct.get(k)
            if i is None:
                ks = self.key_candidates(k)
                i = distinct[k] = -1 if ks is None else len(statics)
                if ks is not None:
                    statics.append(ks)
            key_index.append(i)
        return rank.document(text, mentions, key_index, statics, self._containers)

    # --- resolution ----------------------------------------------------------------------------
    def resolve(self, text: str, mentions: list[Mention], alternatives: int = MAX_ALTERNATIVES) -> list[Resolution]:
        """One resolution per mention, each with up to `alternatives` runners-up (0: none, for
        callers that show only the choice)."""
        doc = self.document(text, mentions)
        cols, vals = self._neutral
        scores, feats = self.model.score(doc, cols, vals) if doc.statics else (np.zeros(0), None)
        if feats is not None:
            scores = np.where(self._contradicted(feats) | self._namesake_of_cued(doc, feats), -np.inf, scores)
        chosen: list[Resolution | None] = [None] * len(doc.statics)
        results = []
        for m, k in zip(mentions, doc.key_index):
            if k < 0:
                results.append(Resolution(m, None, 0.0, "no gazetteer entry"))
                continue
            r = chosen[k]
            if r is None:
                r = chosen[k] = self._choose(doc, k, scores, feats, alternatives)
            r = self._own_pattern(doc, len(results), k, r, scores, feats, alternatives)
            results.append(Resolution(m, r.place, r.confidence, r.reason, r.alternatives))
        cand_places = [doc.statics[k].places if k >= 0 else () for k in doc.key_index]
        if self.network is not None or "focus" not in self.evidence:
            return self._finish_unknowns(mentions, cand_places, results)
        return self._place_unknowns_at_focus(results)

    @staticmethod
    def _contradicted(f: np.ndarray) -> np.ndarray:
        """Candidates the text contradicts twice, which no model score overrides: the word beside
        the name names another kind of place ("Nyanza province", and this Nyanza is a town), and
        the candidate lies in a country the text names nothing in while it names others. A rule,
        not a learned weight: either reading alone is common and the model weighs it; both
        together leave no reason to believe the candidate."""
        c = rank.COLUMN
        return ((f[:, c["cue_disagree"]] > 0) & (f[:, c["cue_agree"]] == 0) & (f[:, c["u_cc"]] == 0)
                & (f[:, c["e_cc"]] < 0.05) & (f[:, c["u_cc_other"]] > 0) & (f[:, c["t_country"]] == 0))

    @staticmethod
    def _namesake_of_cued(doc: "rank.Document", f: np.ndarray) -> np.ndarray:
        """"Kisumu county", "New York state", "the city of Kisumu": the generic word beside a name
        chooses between a division and the town it is named after (same country and division);
        the namesake of the other kind loses, whatever its population."""
        c = rank.COLUMN
        agree = f[:, c["cue_agree"]] > 0
        out = np.zeros(len(f), dtype=bool)
        if not agree.any():
            return out
        kof, adm = doc.rows.key_of, doc.rows.adm
        chosen = set(zip(kof[agree].tolist(), adm[agree].tolist()))
        for i in np.nonzero((f[:, c["cue_disagree"]] > 0) & ~agree)[0]:
            out[i] = (int(kof[i]), int(adm[i])) in chosen and adm[i] >= 0
        return out

    def _choose(self, doc: "rank.Document", k: int, scores: np.ndarray, feats, alternatives: int) -> Resolution:
        a, b = int(doc.rows.starts[k]), int(doc.rows.starts[k + 1])
        s = scores[a:b].tolist()
        places = doc.statics[k].places
        best = max(range(len(s)), key=s.__getitem__)        # the first of equals: the index's order
        best = self._city_over_namesake(places, best, feats[a + best])
        top = s[best]
        fits = top > -math.inf and top >= self.model.reject
        e = [math.exp(v - top) for v in s] if top > -math.inf else [1.0] * len(s)
        z = sum(e)
        if len(s) == 1:         # a single candidate: the model's own belief that it is right
            conf = 1.0 / (1.0 + math.exp(-min(50.0, max(-50.0, top)))) if top > -math.inf else 0.0
        else:
            conf = 1.0 / z
        order = sorted(range(len(s)), key=lambda j: -s[j])[:alternatives + 1] if alternatives else [best]
        if not fits:
            # every candidate contradicts the text ("Nyanza province" when the only Nyanza is a town
            # in a country the text does not name): no place here; the article's focus, later
            alts = tuple(Candidate(places[j], round(e[j] / z, 4)) for j in order[:max(1, alternatives)])
            p = places[best]
            return Resolution(_NO_MENTION, None, 0.0,
                              f"{_NO_FIT} ({p.name}, {p.country_code or p.feature_type}, fits the text badly)", alts)
        alts = tuple(Candidate(places[j], round(e[j] / z, 4)) for j in order[1:1 + alternatives])
        reason = self._reason(doc, k, best, feats[a + best], len(s))
        return Resolution(_NO_MENTION, places[best], round(max(conf, 1e-4), 4), reason, alts)

    def _own_pattern(self, doc, i: int, k: int, r: Resolution, scores, feats, alternatives: int) -> Resolution:
        """One sense per discourse yields to a mention's own pattern: in "Alexandria, La. is not
        Alexandria, Va." each Alexandria is where its own "X, Y" puts it."""
        held = doc.own.get(i) if doc.own else None
        if held is None or r.place is None or "patterns" not in self.evidence:
            return r
        a = int(doc.rows.starts[k])
        places = doc.statics[k].places
        js = np.nonzero(held)[0]
        if any(places[j].id == r.place.id for j in js):
            return r
        j = int(js[np.argmax(scores[a + js])])
        return Resolution(_NO_MENTION, places[j], r.confidence, doc.notes[k].get(j) or r.reason, r.alternatives)

    @staticmethod
    def _city_over_namesake(places, best: int, f: np.ndarray) -> int:
        """"New York", "Tokyo", "St. Louis": a division named after its main town (same country
        and division, 50,000 people or more) yields to the town, unless a word beside the name
        says division ("New York state"). Annotators differ here (LGL marks "New York" as the
        state); the map shows the town the news is about, as the resolver always has."""
        p = places[best]
        if p.feature_type not in (ADMIN1, ADMIN2) or f[rank.COLUMN["cue_agree"]]:
            return best
        for j, c in enumerate(places):
            if c.feature_type in (CITY, CAPITAL) and c.population >= 50_000 and \
                    (c.country_code, c.admin1) == (p.country_code, p.admin1):
                return j
        return best

    @staticmethod
    def _reason(doc: "rank.Document", k: int, j: int, f: np.ndarray, n: int) -> str:
        """A few words on why the winner won: its kind, then the strongest evidence it has."""
        p = doc.statics[k].places[j]
        col = rank.COLUMN
        note = doc.notes[k].get(j)
        if note:
            return note
        why = _KIND_WHY.get(p.feature_type, p.feature_type)
        if n > 1 and p.feature_type == CITY and f[col["top_pop"]]:
            why = f"largest population among {n} places so named"
        extra = []
        if f[col["cue_agree"]]:
            extra.append("as the word beside it says")
        if p.country_code and p.feature_type != COUNTRY and (f[col["u_cc"]] > 0 or f[col["e_cc"]] > 0.4):
            extra.append(f"in {p.country_code}, named in the text")
        if p.feature_type not in (ADMIN1, COUNTRY) and (f[col["u_adm"]] > 0 or f[col["e_adm"]] > 0.4):
            extra.append("in a division named in the text")
        if p.feature_type in (CITY, CAPITAL, ADMIN2) and f[col["near_min"]] < math.log1p(300.0):
            extra.append(f"{math.expm1(float(f[col['near_min']])):.0f} km from other places in the text")
        if n > 1 and p.feature_type == CITY and not f[col["top_pop"]]:
            extra.append(f"chosen among {n} places so named")
        return "; ".join([why] + extra[:2])

    def _finish_unknowns(self, mentions, cand_places, results: list[Resolution]) -> list[Resolution]:
        """Names with no gazetteer entry at all: the network geocoder's answer when it is on and
        answers, else (evidence "focus") the article's main place."""
        from_network: dict[int, Place] = {}
        if self.network is not None:
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
        focus = by_id[top[0][0]] if top else None
        in_country = Resolver._country_focus(results)
        return [r if r.place is not None else Resolver._fallback(r, focus, in_country) for r in results]

    @staticmethod
    def _fallback(r: Resolution, focus: Place | None, in_country: tuple | None) -> Resolution:
        """An unplaced name: at the article's focus; one whose candidates all fit badly in its
        country's focus, and at its best candidate when the article has no focus at all."""
        note = f"placed at {focus.name}, the place the article mentions most" if focus else ""
        if not r.reason.startswith(_NO_FIT):
            return Resolution(r.mention, focus, 0.1, f"not in the gazetteer: {note}") if focus else r
        if in_country:
            return Resolution(r.mention, in_country[0], 0.1, f"{r.reason}: {in_country[1]}", r.alternatives)
        if focus:
            return Resolution(r.mention, focus, 0.1, f"{r.reason}: {note}", r.alternatives)
        if r.alternatives:
            best = r.alternatives[0]
            return Resolution(r.mention, best.place, max(best.score, 1e-4),
                              f"{r.reason}, but nothing fits better", r.alternatives[1:])
        return r

    @staticmethod
    def _country_focus(results: list[Resolution]) -> tuple[Place, str] | None:
        """For a name none of whose candidates fits: the country the text names most, and in it
        the place mentioned most (the name is most likely a place of that country)."""
        countries = Counter(r.place.country_code for r in results
                            if r.place is not None and r.place.country_code and r.confidence >= 0.3)
        if not countries:
            return None
        cc = countries.most_common(1)[0][0]
        local = Counter(r.place for r in results if r.place is not None and r.confidence >= 0.3
                        and r.place.country_code == cc and r.place.feature_type in (CITY, CAPITAL, ADMIN2, ADMIN1))
        if local:
            p = local.most_common(1)[0][0]
            return p, f"placed at {p.name}, the place the article mentions most in {cc}"
        p = next((r.place for r in results if r.place is not None and r.place.country_code == cc
                  and r.place.feature_type == COUNTRY), None)
        return (p, f"placed in {p.name}, the country the article names most") if p else None

