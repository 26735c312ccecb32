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
- `place_unresolved` is the one fallback policy for those names (today: the article's main
  place, or its main place in the country it names most). Switched off with the evidence
  "focus", such names stay unplaced.
- the opt-in network geocoder answers for names the gazetteer lacks, over the fallback.
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
# adds: its features are set to what a text without that evidence would give ("focus": the
# fallback placement of names left unplaced).
EVIDENCE = frozenset({"type", "population", "document_countries", "document_divisions", "coherence",
                      "patterns", "cues", "focus"})
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
FALLBACK_CONFIDENCE = 0.1
NOT_IN_GAZETTEER = "no gazetteer entry"
UNFIT = "no candidate fits the text"
_KIND_WHY = {COUNTRY: "a country", CAPITAL: "national capital", ADMIN1: "first-level division",
             ADMIN2: "second-level division"}
_LOCAL = (CITY, CAPITAL, ADMIN2, ADMIN1)
_WHY_COLUMNS = [rank.COLUMN[c] for c in ("top_pop", "cue_agree", "u_cc", "e_cc", "u_adm", "e_adm", "near_min")]
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
            cands = tuple(self.candidates(Mention(0, 0, key, 0, key=key)))
            hit = rank.key_static(key, rank.prune(cands), self._interner, self.gaz.importance) if cands else None
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
        senses, scores = self._senses(doc, alternatives, own) if doc.statics else ([], None)
        results = []
        for i, (m, k) in enumerate(zip(mentions, doc.key_index)):
            if k < 0:
                results.append(Resolution(m, None, 0.0, NOT_IN_GAZETTEER))
                continue
            place, confidence, reason, alts = senses[k]
            if i in own and place is not None:
                place, reason = self._own_pattern(doc, k, own[i], place, reason, scores)
            results.append(Resolution(m, place, confidence, reason, alts))
        placed = self.place_unresolved(results) if "focus" in self.evidence else results
        if self.network is not None:
            placed = self._ask_network(results, placed)
        return placed

    def _senses(self, doc: rank.Document, alternatives: int, own: dict) -> tuple[list[tuple], np.ndarray]:
        """Each key's (place, confidence, reason, runners-up); a key whose best candidate scores below the
        model's threshold gets place None (UNFIT). The scores come for all keys at once; the
        choice is a few Python steps per key (keys are few). `own`: mention -> the candidates its
        own "X, Y" pattern holds; what a name's mentions say holds it is its sense in the text
        ("Alexandria, La. ... Alexandria" is in Louisiana both times)."""
        cols, vals = self._neutral
        s = self.model.score(doc, len(self._interner), cols, vals)
        lo = doc.starts[:-1]
        fits = (np.maximum.reduceat(s, lo) >= self.model.reject).tolist()   # the model: some candidate fits
        if doc.cued:
            s[self._ruled_out(doc)] = -np.inf                                # the rules choose among them
        order = np.lexsort((-s, doc.key_of)).tolist()    # by key, then score; equals in the index's order
        best = [order[a] for a in lo.tolist()]
        namesake = doc.I[rank.I_NAMESAKE, best].tolist()
        cued = doc.XT[rank.COLUMN["cue_agree"], best].tolist()
        chosen = [b if ns < 0 or cue else a + ns for a, b, ns, cue in zip(lo.tolist(), best, namesake, cued)]
        scores, starts = s.tolist(), doc.starts.tolist()
        for k, held in _held_by_key(doc, own).items():
            a = starts[k]
            js = [a + j for j in np.nonzero(held)[0].tolist() if scores[a + j] > -math.inf]
            if js and not held[chosen[k] - a]:
                chosen[k] = max(js, key=scores.__getitem__)
        why = doc.XT[_WHY_COLUMNS][:, chosen].T.tolist()
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
                p = ks.places[ranked[0] - a]
                senses.append((None, 0.0, f"{UNFIT} ({p.name}, {p.country_code or p.feature_type}, fits the text badly)",
                               tuple(Candidate(ks.places[j - a], share[j]) for j in ranked[:max(1, alternatives)])))
                continue
            conf = 1.0 / (1.0 + math.exp(-min(50.0, max(-50.0, top)))) if b - a == 1 else 1.0 / z
            alts = tuple(Candidate(ks.places[j - a], share[j]) for j in ranked if j != c)
            senses.append((ks.places[c - a], round(max(conf, 1e-4), 4), self._reason(doc, k, c - a, why[k], b - a),
                           alts[:alternatives]))
        return senses, s

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
        out = (disagree & ~agree & (X[c["u_cc"]] == 0) & (X[c["e_cc"]] < 0.05) & (X[c["u_cc_other"]] > 0)
               & (X[c["t_country"]] == 0))
        if agree.any():       # the (key, division) pairs a cue word chose (np.isin imports numpy.ma: slow once)
            chosen = set(zip(doc.key_of[agree].tolist(), doc.I[rank.I_ADM, agree].tolist()))
            for i in np.nonzero(disagree & ~agree & (doc.I[rank.I_HAS_ADM] > 0))[0].tolist():
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

    # --- names left unplaced ---------------------------------------------------------------------
    def place_unresolved(self, results: list[Resolution]) -> list[Resolution]:
        """The fallback policy: where the names the scoring left unplaced go (a name the gazetteer
        lacks: reason NOT_IN_GAZETTEER; one none of whose candidates fits: reason UNFIT, its best
        candidates in `alternatives`). Today: a name the gazetteer lacks at the article's focus (the
        place it mentions most); an unfit one at the focus in the country the text names most,
        else at the focus, else (no focus at all) at its best candidate; all with confidence 0.1.
        This method is the whole policy: replace it to change what happens to such names."""
        if all(r.place is not None for r in results):
            return results
        focus, home = article_focus(results), country_focus(results)
        at_focus = f"placed at {focus.name}, the place the article mentions most" if focus else ""
        out = []
        for r in results:
            if r.place is not None:
                out.append(r)
            elif not r.reason.startswith(UNFIT):
                out.append(Resolution(r.mention, focus, FALLBACK_CONFIDENCE, f"not in the gazetteer: {at_focus}")
                           if focus else r)
            elif home or focus:
                p, note = home or (focus, at_focus)
                out.append(Resolution(r.mention, p, FALLBACK_CONFIDENCE, f"{r.reason}: {note}", r.alternatives))
            elif r.alternatives:
                best = r.alternatives[0]
                out.append(Resolution(r.mention, best.place, max(best.score, 1e-4),
                                      f"{r.reason}, but nothing fits better", r.alternatives[1:]))
            else:
                out.append(r)
        return out

    def _ask_network(self, results: list[Resolution], placed: list[Resolution]) -> list[Resolution]:
        """Names with no gazetteer entry: the network geocoder's answer where it gives one (over
        the fallback; the fallback's focus never counts its answers)."""
        hint_counts = Counter(r.place.country_code for r in results if r.place is not None and r.place.country_code)
        hint = hint_counts.most_common(1)[0][0] if hint_counts else None
        asked: dict[str, Place | None] = {}
        out = list(placed)
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


def article_focus(results: list[Resolution]) -> Place | None:
    """The place the article is about: the town or division its confident resolutions name most,
    else the country they name most."""
    local, national = Counter(), Counter()
    for r in results:
        if r.place is None or r.confidence < 0.3:
            continue
        if r.place.feature_type in _LOCAL:
            local[r.place] += 1
        elif r.place.feature_type == COUNTRY:
            national[r.place] += 1
    top = (local or national).most_common(1)
    return top[0][0] if top else None


def country_focus(results: list[Resolution]) -> tuple[Place, str] | None:
    """The country the text names most, and in it the place mentioned most (with a note saying so)."""
    sure = [r.place for r in results if r.place is not None and r.confidence >= 0.3 and r.place.country_code]
    countries = Counter(p.country_code for p in sure)
    if not countries:
        return None
    cc = countries.most_common(1)[0][0]
    local = Counter(p for p in sure if p.country_code == cc and p.feature_type in _LOCAL)
    if local:
        p = local.most_common(1)[0][0]
        return p, f"placed at {p.name}, the place the article mentions most in {cc}"
    p = next((p for p in sure if p.country_code == cc and p.feature_type == COUNTRY), None)
    return (p, f"placed in {p.name}, the country the article names most") if p else None
