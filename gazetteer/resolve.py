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

What the resolver decides, and where:
- `resolve` scores and chooses (`_senses`); a name whose best candidate scores below the model's
  learned threshold gets an explicit "no candidate fits" resolution (`place` None, the reason,
  the best candidates kept as `alternatives`), as does a name the gazetteer lacks ("no gazetteer
  entry"); nothing in the scoring places them.
- `place_unresolved` is the one policy for those names and for what the text says contains a
  place: the user's own gazetteer wins its names; the opt-in network geocoder answers for names
  the gazetteer lacks; a name is placed inside what the text says holds it ("the Aziziyah
  district of Aleppo", "Oshima island, off Hokkaido", "Manila Cathedral": gazetteer/containment.py),
  which also chooses among a known name's places; anything else stays unplaced, never at the
  article's main place (a region or a ship the gazetteer lacks is not there). The evidence
  "containment" switches the text's containment off.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from functools import cached_property

import numpy as np

from gazetteer import containment, rank
from gazetteer.index import DEMONYM, PRIMARY, USER, Gazetteer
from gazetteer.model import (ADMIN1, ADMIN2, CAPITAL, CITY, CONTINENT, COUNTRY, REGION, SITE, WATER, Candidate,
                             Mention, Place, Resolution)
from gazetteer.normalize import name_key

MAX_ALTERNATIVES = 5
# Kinds of evidence, each of which can be switched off (Resolver(evidence=...)) to measure what it
# adds: its features are set to what a text without that evidence would give ("containment":
# what the text says contains a place, used after the scoring by place_unresolved).
EVIDENCE = frozenset({"type", "population", "document_countries", "document_divisions", "coherence",
                      "patterns", "cues", "containment"})
_EVIDENCE_FEATURES = {
    "type": [f for f in rank.STATIC if f.startswith("t_")] + ["capital_vs_country", "country_vs_capital",
                                                            "curated", "naturalearth", "importance"],
    "population": ["log_pop", "pop_rank", "pop_gap", "top_pop", "division_vs_city", "city_vs_division"],
    "document_countries": ["u_cc", "u_cc_other", "e_cc", "e_cc_share", "a_cc"],
    "document_divisions": ["u_adm", "e_adm", "a_adm"],
    "coherence": ["near161", "near_min", "a_near"],
    "patterns": ["held_comma", "held_in", "held_possessive", "holds_prev"],
    "cues": ["cue_any", "cue_agree", "cue_disagree"],
}
NETWORK_CONFIDENCE = 0.5
NOT_IN_GAZETTEER = "no gazetteer entry"
UNFIT = "no candidate fits the text"
UNPLACED = "not in the gazetteer, and the text does not say where it is: left unplaced"
_KIND_WHY = {COUNTRY: "a country", CAPITAL: "national capital", ADMIN1: "first-level division",
             ADMIN2: "second-level division"}
# the features _reason reads, as a column of rows (for one gather of the chosen candidates' values)
_WHY_ROWS = np.array([[rank.COLUMN[c]] for c in ("top_pop", "cue_agree", "u_cc", "e_cc", "u_adm", "e_adm", "near_min")])
_CUE_AGREE = rank.COLUMN["cue_agree"]
_OWN_PATTERN = (rank.COLUMN["held_comma"], rank.COLUMN["held_in"])


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
        self._by_key: dict[str, rank.KeyStatic | None] = {}

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
        return rank.Containers(self.gaz, self._interner)

    @cached_property
    def model(self) -> "rank.Model":
        """The trained ranker (`gazetteer/data/resolver_model.npz`); assignable, for training."""
        return rank.Model.load()

    @cached_property
    def _neutral(self) -> tuple[list[int], np.ndarray]:
        """Rows of the evidence switched off, and the values a text without it would give."""
        names = [f for kind in EVIDENCE - self.evidence for f in _EVIDENCE_FEATURES.get(kind, ())]
        return [rank.COLUMN[f] for f in names], np.array([rank.NEUTRAL.get(f, 0.0) for f in names])

    def key_candidates(self, key: str) -> rank.KeyStatic | None:
        """The candidates of one gazetteer key (at most rank.MAX_CANDIDATES) with their
        document-independent features. Cached: they do not depend on the document."""
        hit = self._by_key.get(key, False)
        if hit is False:
            # (the index's own tuple when it has the key, as `candidates` would list it)
            cands = self.gaz.lookup_key(key) or tuple(self.candidates(Mention(0, 0, key, 0, key=key)))
            hit = rank.key_static(key, rank.prune(cands), self._interner, self.gaz.importance,
                                  self.gaz.english_names) if cands else None
            if len(self._by_key) > 100_000:
                self._by_key.clear()
            self._by_key[key] = hit
        return hit

    def document(self, text: str, mentions: list[Mention]) -> rank.Document:
        """The candidate rows of a text's distinct names with their stage-1 features."""
        distinct: dict[str, int] = {}
        statics: list[rank.KeyStatic] = []
        key_index = []
        for m in mentions:
            k = m.key or name_key(m.text)
            i = distinct.get(k)
            if i is None:
                ks = self.key_candidates(k)
                i = distinct[k] = -1 if ks is None else len(statics)
                if ks is not None:
                    statics.append(ks)
            key_index.append(i)
        return rank.document(text, mentions, key_index, statics, self._containers, len(self._interner))

    # --- resolution ----------------------------------------------------------------------------
    def resolve(self, text: str, mentions: list[Mention], alternatives: int = MAX_ALTERNATIVES) -> list[Resolution]:
        """One resolution per mention, each with up to `alternatives` runners-up (0: none, for
        callers that show only the choice)."""
        doc = self.document(text, mentions)
        own = self._own_patterns(doc) if doc.patterns and "patterns" in self.evidence else {}
        water = _water_named(mentions, doc.key_index) if doc.statics else ()
        senses, scores = self._senses(doc, alternatives, own, water) if doc.statics else ([], None)
        results = []
        for i, (m, k) in enumerate(zip(mentions, doc.key_index)):
            if k < 0:
                results.append(Resolution(m, None, 0.0, NOT_IN_GAZETTEER))
                continue
            place, confidence, reason, alts = senses[k]
            if i in own and place is not None:
                place, reason = self._own_pattern(doc, k, own[i], place, reason, scores)
            results.append(Resolution(m, place, confidence, reason, alts))
        return self.place_unresolved(text, mentions, results)

    def _senses(self, doc: rank.Document, alternatives: int, own: dict, water=()) -> tuple[list[tuple], np.ndarray]:
        """Each key's (place, confidence, reason, runners-up); a key whose best candidate scores below the
        model's threshold gets place None (UNFIT). The scores come for all keys at once; the
        choice is a few Python steps per key (keys are few). `own`: mention -> the candidates its
        own "X, Y" pattern holds; what a name's mentions say holds it is its sense in the text
        ("Alexandria, La. ... Alexandria" is in Louisiana both times)."""
        cols, vals = self._neutral
        s = self.model.score(doc, len(self._interner), cols, vals)
        scores, starts, reject = s.tolist(), doc.starts_list, self.model.reject
        fits = [max(scores[a:b]) >= reject for a, b in zip(starts, starts[1:])]   # the model: some candidate fits
        if doc.cued or water:
            if doc.cued:
                s[self._ruled_out(doc)] = -np.inf                                # the rules choose among them
            for k in water:
                _only_water(doc, k, s)
            scores = s.tolist()
        order = np.lexsort((-s, doc.key_of)).tolist()    # by key, then score; equals in the index's order
        best = [order[a] for a in starts[:-1]]
        namesake = [ks.lists[rank.L_NAMESAKE][b - a] for ks, a, b in zip(doc.statics, starts, best)]
        if doc.cued:        # a cue word agreeing with the best candidate keeps it ("New York state")
            cued = doc.XT[_CUE_AGREE, best].tolist()
            chosen = [b if ns < 0 or cue else a + ns for a, b, ns, cue in zip(starts, best, namesake, cued)]
        else:               # (no cue word in the text: none agrees)
            chosen = [b if ns < 0 else a + ns for a, b, ns in zip(starts, best, namesake)]
        for k, held in _held_by_key(doc, own).items():
            a = starts[k]
            js = [a + j for j in np.nonzero(held)[0].tolist() if scores[a + j] > -math.inf]
            if js and not held[chosen[k] - a]:
                chosen[k] = max(js, key=scores.__getitem__)
        why = doc.XT[_WHY_ROWS, chosen].T.tolist()
        if alternatives == 0:
            return self._senses_alone(doc, scores, starts, order, chosen, fits, why), s
        senses = []
        for k, ks in enumerate(doc.statics):
            a, b, c = starts[k], starts[k + 1], chosen[k]
            ranked = order[a:b] if b - a <= alternatives + 1 else _varied(order[a:b], ks.places, a, alternatives + 1)
            top = scores[ranked[0]]
            if top == -math.inf:        # every candidate ruled out: all alike
                e, z = [1.0] * (b - a), float(b - a)
            else:
                e = [math.exp(x - top) for x in scores[a:b]]
                z = sum(e)
            share = {j: round(e[j - a] / z, 4) for j in ranked[:alternatives + 1]}
            if not fits[k] or top == -math.inf:
                senses.append(_unfit(ks.places[ranked[0] - a],
                                     tuple(Candidate(ks.places[j - a], share[j]) for j in ranked[:alternatives])))
                continue
            conf = 1.0 / (1.0 + math.exp(-min(50.0, max(-50.0, top)))) if b - a == 1 else 1.0 / z
            alts = tuple(Candidate(ks.places[j - a], share[j]) for j in ranked if j != c)
            senses.append((ks.places[c - a], round(max(conf, 1e-4), 4), self._reason(doc, k, c - a, why[k], b - a),
                           alts[:alternatives]))
        return senses, s

    def _senses_alone(self, doc: rank.Document, scores: list, starts: list, order: list, chosen: list, fits: list,
                      why: list) -> list[tuple]:
        """_senses without runners-up: each key's best row needs its share of the softmax only
        (exp(0) = 1 over the same sum of exponentials, in the same order)."""
        senses = []
        for k, ks in enumerate(doc.statics):
            a, b, c = starts[k], starts[k + 1], chosen[k]
            top = scores[order[a]]
            if b - a == 1:
                z = 1.0
            elif top == -math.inf:        # every candidate ruled out: all alike
                z = float(b - a)
            else:
                z = sum([math.exp(x - top) for x in scores[a:b]])
            if not fits[k] or top == -math.inf:
                senses.append(_unfit(ks.places[order[a] - a], (Candidate(ks.places[order[a] - a], round(1.0 / z, 4)),)))
                continue
            conf = 1.0 / (1.0 + math.exp(-min(50.0, max(-50.0, top)))) if b - a == 1 else 1.0 / z
            senses.append((ks.places[c - a], round(max(conf, 1e-4), 4), self._reason(doc, k, c - a, why[k], b - a), ()))
        return senses

    @staticmethod
    def _ruled_out(doc: rank.Document) -> np.ndarray:
        """Two rules, not learned weights, which no model score overrides.
        A candidate the text contradicts twice: the word beside the name names another kind of
        place ("Nyanza province", and this Nyanza is a town), and the candidate lies in a country
        the text names nothing in while it names others (either reading alone is common and the
        model weighs it; both together leave no reason to believe the candidate).
        "Kisumu county", "New York state", "the city of Kisumu": the generic word beside a name
        chooses between a division and the town it is named after (same country and division);
        the namesake of the other kind loses, whatever its population."""
        X, c = doc.XT, rank.COLUMN
        agree, disagree = X[c["cue_agree"]] > 0, X[c["cue_disagree"]] > 0
        against = disagree & ~agree
        if not against.any():   # no word beside a name speaks against a candidate: neither rule applies
            return against
        out = (against & (X[c["u_cc"]] == 0) & (X[c["e_cc"]] < 0.05) & (X[c["u_cc_other"]] > 0)
               & (X[c["t_country"]] == 0))
        if agree.any():       # the (key, division) pairs a cue word chose (np.isin imports numpy.ma: slow once)
            chosen = set(zip(doc.key_of[agree].tolist(), doc.I[rank.I_ADM, agree].tolist()))
            for i in np.nonzero(against & (doc.I[rank.I_HAS_ADM] > 0))[0].tolist():
                out[i] = (int(doc.key_of[i]), int(doc.I[rank.I_ADM, i])) in chosen
        return out

    @staticmethod
    def _own_patterns(doc: rank.Document) -> dict[int, np.ndarray]:
        """Mention -> the candidates its own "X, Y" / "X in Y" pattern holds (not a list of
        countries: "Mexico, the US and Canada" leaves Mexico to the model)."""
        own: dict[int, np.ndarray] = {}
        for pat in doc.patterns:
            if pat.col in _OWN_PATTERN and not pat.listing and pat.held.any():
                own[pat.mention] = own[pat.mention] | pat.held if pat.mention in own else pat.held
        return own

    @staticmethod
    def _own_pattern(doc: rank.Document, k: int, held: np.ndarray, place: Place, reason: str, scores) -> tuple:
        """One sense per discourse yields to a mention's own pattern: in "Alexandria, La. is not
        Alexandria, Va." each Alexandria is where its own "X, Y" puts it. (place, reason)"""
        places = doc.statics[k].places
        js = np.nonzero(held)[0]
        if any(places[j].id == place.id for j in js):
            return place, reason
        j = int(js[np.argmax(scores[doc.rows(k)][js])])
        return places[j], _pattern_note(doc, k, j) or reason

    @staticmethod
    def _reason(doc: rank.Document, k: int, j: int, why: list[float], n: int) -> str:
        """A few words on why the winner won: the pattern that places it, else its kind, then the
        strongest evidence it has (`why`: its _WHY_COLUMNS)."""
        note = _pattern_note(doc, k, j)
        if note:
            return note
        p = doc.statics[k].places[j]
        top_pop, cue_agree, u_cc, e_cc, u_adm, e_adm, near_min = why
        kind = _KIND_WHY.get(p.feature_type, p.feature_type)
        if n > 1 and p.feature_type == CITY and top_pop:
            kind = f"largest population among {n} places so named"
        extra = []
        if cue_agree:
            extra.append("as the word beside it says")
        if p.country_code and p.feature_type != COUNTRY and (u_cc > 0 or e_cc > 0.4):
            extra.append(f"in {p.country_code}, named in the text")
        if p.feature_type not in (ADMIN1, COUNTRY) and (u_adm > 0 or e_adm > 0.4):
            extra.append("in a division named in the text")
        if p.feature_type in (CITY, CAPITAL, ADMIN2) and near_min < math.log1p(300.0):
            extra.append(f"{math.expm1(near_min):.0f} km from other places in the text")
        if n > 1 and p.feature_type == CITY and not top_pop:
            extra.append(f"chosen among {n} places so named")
        return "; ".join([kind] + extra[:2])

    # --- names left unplaced, and what the text says contains a place --------------------------
    def place_unresolved(self, text: str, mentions: list[Mention], results: list[Resolution]) -> list[Resolution]:
        """The one policy for names the scoring left unplaced (a name the gazetteer lacks: reason
        NOT_IN_GAZETTEER; one none of whose candidates fits: UNFIT, its best candidates in
        `alternatives`) and for what the text says holds a place: the user's own places win their
        names; the network geocoder (when on) answers for names the gazetteer lacks; a name is
        placed inside what the text says contains it (evidence "containment"); anything else is
        left unplaced with a reason saying so."""
        results = self._prefer_user_places(results)
        if self.network is not None:
            results = self._ask_network(results)
        if "containment" in self.evidence:
            return self._apply_containment(text, mentions, results)
        return [r if r.place is not None else Resolution(r.mention, None, 0.0, UNPLACED, r.alternatives)
                for r in results]

    def _ask_network(self, results: list[Resolution]) -> list[Resolution]:
        """Names with no gazetteer entry: the network geocoder's answer where it gives one."""
        hint_counts = Counter(r.place.country_code for r in results if r.place is not None and r.place.country_code)
        hint = hint_counts.most_common(1)[0][0] if hint_counts else None
        asked: dict[str, Place | None] = {}
        out = list(results)
        for i, r in enumerate(results):
            if r.place is not None or r.reason != NOT_IN_GAZETTEER:
                continue
            key = r.mention.key or name_key(r.mention.text)
            if key not in asked:
                try:
                    asked[key] = self.network.geocode(r.mention.text, hint)
                except Exception:   # noqa: BLE001 - the geocoder never stops the parse
                    asked[key] = None
            if asked[key] is not None:
                out[i] = Resolution(r.mention, asked[key], NETWORK_CONFIDENCE, "from the network geocoder (Nominatim)")
        return out

    def _ranked(self, key: str) -> list[Place]:
        """A name's places, the likeliest first by a fixed prior (the index's importance); cached
        with the key's candidates."""
        ks = self.key_candidates(key)
        if ks is None:
            return []
        if ks.by_importance is None:
            ks.by_importance = sorted(ks.places, key=lambda p: -self.gaz.importance(p.id))
        return list(ks.by_importance)

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
                unknown = moved is None and container.feature_type not in _VAST and (
                    (cue.strong and r.place.feature_type in (CITY, SITE, ADMIN2) and r.place.population < 100_000)
                    or _foreign(r.place, container, results) or _other_division(r.place, container, cue))
                if moved is None and (cue.strong or unknown):
                    # "Miyakojima island in Okinawa": the prefecture, not its city; "Balashikha, in
                    # the Moscow region": the oblast, not the federal city
                    held = self._container_holding(results[cue.container], r.place, cue)
                    if held is not None:
                        out[cue.container] = held
                        continue
                if unknown:
                    # "the Aziziyah district of Aleppo": none of the gazetteer's Aziziyahs is there
                    moved = containment.unknown_in(r.mention, cue, container, known=True)
                out[i] = moved or r
        self._held_by_the_first(said, out)
        self._unknown_held_by_the_first(text, out)
        self._off_the_named_sea(text, out)
        self._measured_from_a_town(text, out)
        if all(x.place is not None for x in out):
            return out
        # one sense per discourse: a name placed by what the text says once is placed so throughout
        placed = {x.mention.text: x for x in out if x.place is not None and x.place.source == "containment"}
        return [x if x.place is not None else
                Resolution(x.mention, placed[x.mention.text].place, placed[x.mention.text].confidence,
                           placed[x.mention.text].reason + " (elsewhere in the text)")
                if x.mention.text in placed else x if x.reason.startswith(UNFIT)
                else Resolution(x.mention, None, 0.0, UNPLACED) for x in out]

    def _held_by_the_first(self, said: dict, out: list[Resolution]) -> None:
        """"the Ukrainian port of Reni", "the Hunan city of Yueyang": the country or division named
        first holds the place named after "of"; a place outside it is its namesake inside, else (when
        the text names nothing else in the chosen place's country) the holder's place the gazetteer
        lacks. In place, on `out`. (A cue's container is a placed mention; an unplaced name after
        "of" is `_unknown_held_by_the_first`'s.)"""
        for i, cue in said.items():
            j = cue.container
            holder, r = out[i].place, out[j]
            if not cue.via_of or holder is None or holder.feature_type not in (COUNTRY, ADMIN1):
                continue
            if r.place.source == "user" or containment.inside(r.place, holder) or not containment.bigger(holder, r.place):
                continue
            moved = self._choose_inside(r, cue, holder)
            if moved is None and _foreign(r.place, holder, out):
                moved = containment.unknown_in(r.mention, cue, holder, known=True)
            out[j] = moved or r

    @staticmethod
    def _unknown_held_by_the_first(text: str, out: list[Resolution]) -> None:
        """"the Lebanese village of Aitaroun": a name the gazetteer lacks, after a country's or
        division's "<kind> of", is placed in that country or division (widely). In place."""
        for k in range(1, len(out)):
            holder, r = out[k - 1].place, out[k]
            if r.place is not None or holder is None or holder.feature_type not in (COUNTRY, ADMIN1) \
                    or r.reason != NOT_IN_GAZETTEER:
                continue
            gap = _KIND_OF_GAP.fullmatch(text, out[k - 1].mention.end, r.mention.start)
            if gap is not None:
                cue = containment.Cue(k - 1, "in", text[out[k - 1].mention.start:r.mention.end], True, True)
                out[k] = containment.unknown_in(r.mention, cue, holder)

    def _off_the_named_sea(self, text: str, out: list[Resolution]) -> None:
        """"sank in the Black Sea about 30 km off Sinop": what a ship is off lies on the sea its
        sentence names, so a namesake half a world away (Sinop, Brazil) gives way to one by that
        sea. Only a choice thousands of km from the sea's point moves: a sea's point is rough
        ("in the Mediterranean off Tripoli" may be Lebanon's). In place, on `out`."""
        seas = [x for x in out if x.place is not None and x.place.feature_type == WATER]
        for i, r in enumerate(out if seas else ()):
            p = r.place
            if p is None or p.feature_type in _VAST or p.source == "user" or not _OFF_BEFORE.search(
                    text, max(0, r.mention.start - 40), r.mention.start):
                continue
            sea = min((x for x in seas if x.mention.sentence == r.mention.sentence),
                      key=lambda x: abs(x.mention.start - r.mention.start), default=None)
            if sea is None or containment.distance_km(p, sea.place) < FAR_FROM_SEA_KM:
                continue
            ranked = [q for q in self._ranked(r.mention.key or name_key(r.mention.text)) if q.feature_type not in _VAST]
            ranked.sort(key=lambda q: q.feature_type in (COUNTRY, ADMIN1, ADMIN2))   # off a town, not a province
            pick = containment.choose_inside(ranked, sea.place, "near")
            if pick is not None:
                out[i] = _moved(r, pick, f"near {sea.place.name}, as 'off {r.mention.text}' in the same sentence says")

    def _measured_from_a_town(self, text: str, out: list[Resolution]) -> None:
        """"50 km east of Ménaka": a distance or bearing is measured from a town, "near Tillabéri"
        is near one and a dateline names one, so a division chosen for the name gives way to its namesake town inside it (the
        region's seat), unless the text calls it the division ("east of the Ménaka region"). In
        place, on `out`."""
        for i, r in enumerate(out):
            p = r.place
            if p is None or p.feature_type not in (ADMIN1, ADMIN2) or p.source == "user" \
                    or not (_DIRECTION_OF_BEFORE.search(text, max(0, r.mention.start - 30), r.mention.start)
                            or _NEAR_BEFORE.search(text, max(0, r.mention.start - 30), r.mention.start)
                            or _dateline(text, r.mention)) \
                    or _DIVISION_AFTER.match(text, r.mention.end):
                continue
            towns = [q for q in self._ranked(r.mention.key or name_key(r.mention.text)) if q.feature_type in (CITY, CAPITAL)]
            pick = containment.choose_inside(towns, p, "in")
            if pick is None and _dateline(text, r.mention):
                # (a capital may be its own division beside the province it is named for: Buenos Aires)
                pick = next((q for q in towns if q.country_code == p.country_code), None)
            if pick is not None:
                out[i] = _moved(r, pick, f"the town {p.name} is named for: a distance or bearing is measured from a town")

    def _choose_inside(self, r: Resolution, cue, container: Place) -> Resolution | None:
        """The best-scored of a name's places that lies where the text says ("Oshima island, off
        Hokkaido" is not Izu Oshima)."""
        ranked = self._ranked(r.mention.key or name_key(r.mention.text))
        if not cue.strong:           # ("Lebanon, Iraq" is a list: not the Lebanon Mountains, which are near Iraq)
            ranked = [p for p in ranked if p.feature_type not in (COUNTRY, CAPITAL, CONTINENT)
                      and (p.country_code or p.feature_type not in (REGION, WATER))]
        pick = containment.choose_inside(ranked, container, cue.relation)
        if pick is None:
            return None
        how = "near" if cue.relation == "near" else "in"
        return _moved(r, pick, f"{how} {container.name}, as '{cue.words}' says")

    def _container_holding(self, container: Resolution, place: Place, cue) -> Resolution | None:
        """The container's other sense, a bigger place, that holds `place` where the text says."""
        for p in self._ranked(container.mention.key or name_key(container.mention.text)):
            if p.id != container.place.id and containment.bigger(p, place) and containment.inside(place, p, cue.relation):
                return Resolution(container.mention, p, container.confidence,
                                  f"holds {place.name}, as '{cue.words}' says", container.alternatives)
        return None

    def _place_by_inner_name(self, r: Resolution, results: list[Resolution]) -> Resolution | None:
        """A name the gazetteer lacks that carries a place's name is in that place: "Manila
        Cathedral", "Port of Los Angeles" (a notable place inside), "Readington Township", "Neches
        River" (a place and generic words), "South Ossetian", "Dagestani" (the adjective of a
        region), "Calif", "L.A" (an abbreviation without its full stop). The place is the one the
        document already chose for that name, else the name's most likely place."""
        text = r.mention.text
        chosen = {x.mention.key or name_key(x.mention.text): x.place for x in results if x.place is not None}
        for key, why, strict, area in self._inner_names(text):
            place = chosen.get(key) or self._in_context(key, results, strict, area)
            if place is None or (strict and place.feature_type == CONTINENT):
                continue
            cue = containment.Cue(-1, "in", why)
            return containment.unknown_in(r.mention, cue, place)
        return None

    def _in_context(self, key: str, results: list[Resolution], strict: bool = False,
                    area: bool = False) -> Place | None:
        """The place a name inside another most likely means in this document: one in a division
        the document's places are in, else in its countries, else (unless `strict`) the likeliest
        anywhere. `area`: the name is an adjective or a part of an area ("Siberian", "West
        Wales"), which may be a region and is one before any town so named."""
        ranked = [p for p in self._ranked(key) if p.feature_type in (_ADJECTIVE_TYPES if area else _INNER_TYPES)]
        if area:
            ranked.sort(key=lambda p: p.feature_type not in (COUNTRY, ADMIN1, REGION, CONTINENT))
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
        """(key, why, strict, area) of the places a name the gazetteer lacks points at, best first;
        `area`: the name is an adjective or a compass part of that place."""
        key = name_key(text)
        for alt in (key + ".", key.rstrip(".")):
            if alt != key and self.gaz.lookup_key(alt) and not self._is_demonym_key(alt):
                yield alt, f"'{text}' abbreviates its name", False, False
        for alt in _adjective_bases(key):
            if any(p.feature_type in (COUNTRY, ADMIN1, REGION, CONTINENT) for p, _ in self.gaz.lookup_key(alt)):
                yield alt, f"'{text}' is its adjective", False, True
        part = _DIRECTION_PART.fullmatch(text)
        if part is not None:
            # "West Wales", "Western US", "southern Chad": a part of a country, division or region
            rest = name_key(part.group(1))
            entries = self.gaz.lookup_key(rest)
            if rest not in _GENERIC_WORDS and not any(f & DEMONYM for _, f in entries) and any(
                    p.feature_type in (COUNTRY, ADMIN1) or (f & PRIMARY and p.feature_type in (ADMIN2, REGION, CONTINENT))
                    for p, f in entries):
                yield rest, f"'{text}' is a part of it", False, True
        words = list(re.finditer(r"[^\W\d_][\w.'’-]*", text))
        if len(words) > MAX_INNER_WORDS:
            return          # a name that long is no place's ("Port of Los Angeles" has four words)
        for size in range(len(words) - 1, 0, -1):
            for k in range(len(words) - size + 1):
                a, b = words[k].start(), words[k + size - 1].end()
                inner = name_key(text[a:b])
                if len(inner) < 4 or (size == 1 and inner in _GENERIC_WORDS):
                    continue        # "Rogers Centre" is not in a place called Centre
                rest = [w.group().lower() for q, w in enumerate(words) if not k <= q < k + size]
                if rest and all(w in containment.NAMESAKE_DIVISIONS for w in rest) and self._strong_name(inner):
                    continue        # "Washington Township", "Delaware County": named after a state, seldom in it
                generic = all(w in _GENERIC_WORDS for w in rest)
                if self._inner_name_ok(inner, generic):
                    # a town's name in a park's or a valley's is that town only near the document's places
                    yield inner, f"the name '{text}' says so", not self._strong_name(inner), False

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


def _unfit(best: Place, alternatives: tuple) -> tuple:
    """The sense of a key none of whose candidates fits the text."""
    return None, 0.0, f"{UNFIT} ({best.name}, {best.country_code or best.feature_type}, fits the text badly)", alternatives


def _held_by_key(doc: rank.Document, own: dict) -> dict[int, np.ndarray]:
    """Key -> the candidates some mention's own pattern holds (all its patterns together)."""
    out: dict[int, np.ndarray] = {}
    for i, held in own.items():
        k = doc.key_index[i]
        out[k] = out[k] | held if k in out else held
    return out


def _varied(ranked: list[int], places, a: int, n: int) -> list[int]:
    """The first `n` rows of `ranked` (best first), taking the best place of every kind and
    country first: runners-up offer "Mexico City" and the State of México before a fourth town
    called Mexico in the United States. Kept in the ranked order."""
    seen, first, rest = set(), [], []
    for j in ranked:
        p = places[j - a]
        kind = (p.feature_type, p.country_code)
        if kind in seen:
            rest.append(j)
        else:
            seen.add(kind)
            first.append(j)
            if len(first) == n:
                break
    keep = set((first + rest)[:n])
    return [j for j in ranked if j in keep]


def _pattern_note(doc: rank.Document, k: int, j: int) -> str:
    """The first containment pattern of key k that holds its candidate j, in words ("" if none;
    not "the US holds Mexico" from a list, "Mexico, the US and Canada")."""
    for pat in doc.patterns:
        if pat.key == k and pat.held[j] and not (pat.listing and pat.inner >= 0):
            return pat.note
    return ""


# a name the gazetteer lacks is searched for a place's name inside it only up to this many words
# (the windows grow with the cube of the words: a runaway capitalised run must cost nothing)
MAX_INNER_WORDS = 8
_KIND_OF_GAP = re.compile(r"\s+(?:[a-z-]+\s+)?(?:village|town|city|port|district|region|province|island|camp)\s+of\s+")
# containers whose point says little of what lies in them: "Melilla, the Spanish enclave in North Africa"
_VAST = frozenset({REGION, CONTINENT, WATER})
# "off Sinop", "off the northern coast of Crete": a place something at sea lies off
_OFF_BEFORE = re.compile(r"\boff\s+(?:the\s+(?:[a-z-]+\s+)?coast\s+of\s+)?(?:the\s+)?$", re.I)
# "50 km east of X", "north-west of the X": a bearing from X; "X region", "X province": X is the division
_DIRECTION_OF_BEFORE = re.compile(containment.DIRECTION_OF + r"(?:the\s+)?$", re.I)
def _dateline(text: str, m) -> bool:
    """Whether a mention is a dateline ("BUENOS AIRES (Reuters) -", "ODESA, Ukraine (AP) —"): a
    name in capitals that starts a line and is followed by a comma, a bracket or a dash. A
    dateline names the city the report was filed from."""
    return (m.text.isupper() and len(m.text) > 3 and (m.start == 0 or text[m.start - 1] == "\n")
            and _DATELINE_AFTER.match(text, m.end) is not None)


_DATELINE_AFTER = re.compile(r"\s*(?:,|\(|—|–|-\s)")
# "ambushed a convoy near Tillabéri", "on the outskirts of Ménaka": one is near a town, not a region
_NEAR_BEFORE = re.compile(r"\b(?:near|outside|outskirts\s+of|close\s+to)\s+$", re.I)
_DIVISION_AFTER = re.compile(r"\s+(?:region|province|oblast|state|governorate|district|prefecture|county|department"
                             r"|municipality|division)\b", re.I)
FAR_FROM_SEA_KM = 3000.0     # a namesake this far from the sea the sentence names is not the one meant


def _moved(r: Resolution, pick: Place, reason: str) -> Resolution:
    """`r` moved to another of its name's places, where the text says: the old choice becomes the
    first runner-up."""
    alts = (Candidate(r.place, r.confidence),) + tuple(a for a in r.alternatives if a.place.id != pick.id)
    return Resolution(r.mention, pick, max(0.6, r.confidence), reason, alts[:MAX_ALTERNATIVES])


def _foreign(place: Place, container: Place, results: list[Resolution]) -> bool:
    """"Palma in Cabo Delgado province, Mozambique": the text puts the name in a country or division
    whose country is not the chosen place's, and names nothing else in the chosen place's country;
    the name is a place of the container the gazetteer lacks, not Palma de Mallorca."""
    if container.feature_type not in (COUNTRY, ADMIN1) or not container.country_code \
            or place.country_code == container.country_code \
            or place.feature_type not in (CITY, SITE, ADMIN2, ADMIN1, REGION):
        return False
    return not any(x.place is not None and x.place is not place and x.place.country_code == place.country_code
                   for x in results)


def _other_division(place: Place, container: Place, cue) -> bool:
    """"Sagar Island in West Bengal": the text puts the name in a division of the chosen place's
    own country, and the chosen place lies in another one (Saugor, Madhya Pradesh)."""
    return cue.relation == "in" and container.feature_type == ADMIN1 and place.feature_type in (
        CITY, SITE, ADMIN2, REGION) and place.country_code == container.country_code \
        and bool(place.admin1) and bool(container.admin1) and place.admin1 != container.admin1


# A name that says it is water: "North Sea", "Hudson Bay", "Gulf of Oman" (not "Red Sea state")
_WATER_WORDS = frozenset("sea gulf bay strait straits ocean channel passage sound lagoon bight".split())


def _water_named(mentions, key_index) -> set[int]:
    """The keys some mention of which names water by its own words: its last word, or its first
    before "of" ("Sea of Japan")."""
    out = set()
    for m, k in zip(mentions, key_index):
        if k >= 0 and " " in m.text:
            words = m.text.lower().split()
            if words[-1] in _WATER_WORDS or (words[0] in _WATER_WORDS and words[1] == "of"):
                out.add(k)
    return out


def _only_water(doc: rank.Document, k: int, s: np.ndarray) -> None:
    """Rule out key k's candidates that are not water when it has one that is: a sea is not the
    town named after it ("North Sea", New York), nor the division ("Red Sea", Sudan), whatever
    their population."""
    a = int(doc.starts[k])
    places = doc.statics[k].places
    if any(p.feature_type == WATER for p in places):
        for j, p in enumerate(places):
            if p.feature_type != WATER:
                s[a + j] = -np.inf


# the kinds of place a longer name can carry ("Manila Cathedral", "Port of Los Angeles")
_INNER_TYPES = frozenset({COUNTRY, ADMIN1, ADMIN2, CITY, CAPITAL, WATER})
_ADJECTIVE_TYPES = _INNER_TYPES | {REGION, CONTINENT}
_DIRECTION_PART = re.compile(r"(?i:(?:north|south)(?:[- ]?(?:east|west))?(?:ern)?|east(?:ern)?|west(?:ern)?|central)"
                             r"\s+(\S.*)")
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
