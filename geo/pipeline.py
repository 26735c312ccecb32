"""The document pipeline: text -> sentences -> mentions -> resolutions -> places -> events.

    pipeline = Pipeline(Settings())              # or Pipeline.from_env() in an application
    analysis = pipeline.analyse(text, DocumentMeta(title=..., date=...))

A `Pipeline` is built once from `Settings` and owns its components (recogniser, resolver, event
families, zones, network geocoder); nothing is configured through module state. Each stage is
also a plain function of the previous stages' data, so it can be run and tested alone:

    doc = make_document(text, meta)
    mentions = recognizer.find(doc.text, list(doc.sentences))      (or mentions_from_spans)
    resolutions = resolver.resolve(doc.text, mentions, alternatives)
    resolutions = apply_corrections(resolutions, corrections, gazetteer)
    places = group_places(resolutions)
    analysis = read_events(Analysis(doc, mentions, resolutions, places), zones)

Very long texts are analysed in pieces (`split_text`) and merged back into one analysis of the
whole text, offsets shifted (`merge_pieces`).
"""
from __future__ import annotations

import threading
from dataclasses import replace
from operator import attrgetter

from gazetteer.index import Gazetteer
from gazetteer.model import Candidate, Mention, Place, Resolution, Span
from gazetteer.normalize import name_key
from gazetteer.recognize import Recognizer
from gazetteer.resolve import Resolver
from gazetteer.text import sentence_index, split_sentences
from geo.events import read_events
from geo.model import Analysis, Document, DocumentMeta, PlaceGroup
from geo.settings import Settings

# Mentions that become points on the map; embedded ones ("Asan" in "Asan Institute") name an
# organisation, not a place where something happened.
MAPPED_KINDS = frozenset({"toponym", "demonym"})
CORRECTED = "corrected by the user"
MAX_GROUP_ALTERNATIVES = 8


class Pipeline:
    """The components of an analysis, built once from settings; `analyse` runs them."""

    _shared: dict[Settings, "Pipeline"] = {}
    _lock = threading.Lock()

    def __init__(self, settings: Settings | None = None, *, geocoder=None) -> None:
        """`geocoder`: a network geocoder to use instead of the one the settings name (any object
        with geopy's `geocode(name, country_hint)`; gazetteer.network.NetworkGeocoder is one)."""
        from gazetteer.network import make_geocoder
        self.settings = settings = settings or Settings()
        self.gazetteer = Gazetteer.load(settings.gazetteer_dir)
        if settings.user_gazetteer is not None:
            self.gazetteer = self.gazetteer.with_user(settings.user_gazetteer)
        if geocoder is None:
            geocoder = make_geocoder(settings.geocoder, settings.geocoder_url, settings.geocoder_cache)
        self._geocoder = geocoder
        self._components()
        self.linker = make_linker(settings.linker, self.gazetteer.lexicon)
        self._zones = None
        self._shapes = None

    def _components(self) -> None:
        self.recognizer = Recognizer(self.gazetteer)
        self.resolver = Resolver(self.gazetteer, network=self._geocoder)

    def _refresh_user_gazetteer(self) -> None:
        """The user's file changed (a place added from the page or the shell): fresh components,
        whose per-name caches knew the old entries."""
        if self.gazetteer.refresh_user():
            self._components()

    @classmethod
    def shared(cls, settings: Settings | None = None) -> "Pipeline":
        """One pipeline per settings in this process (a pipeline's caches serve every caller)."""
        settings = settings or Settings()
        with cls._lock:
            if settings not in cls._shared:
                cls._shared[settings] = cls(settings)
            return cls._shared[settings]

    @property
    def zones(self):
        """The maritime zones (`geo.spatial.zones.Zones`), loaded on first use; None without data."""
        if self._zones is None:
            from geo.spatial.zones import Zones
            try:
                self._zones = Zones.load(self.settings.zones_file)
            except Exception:       # noqa: BLE001 - events are still placed without zones, with a note
                self._zones = False
        return self._zones or None

    @property
    def shapes(self):
        """Outlines of countries, seas and regions (`geo.spatial.parts.Shapes`), for "southern Lebanon"."""
        if self._shapes is None:
            from geo.spatial.parts import Shapes
            zones = self.zones
            self._shapes = Shapes(zones.zone_geometry if zones is not None else None,
                                  lambda: self.gazetteer.shapes_by_name)
        return self._shapes

    def warm_up(self) -> None:
        """Load now what is otherwise loaded the first time an article needs it (the place names,
        the outlines of seas and regions, the zones and their unions): a stream of articles then
        pays for it once, at its start, not in the middle of an article."""
        self.gazetteer.names
        self.gazetteer.shapes_by_name
        if self.zones is not None:
            self.zones.preload()
        self.shapes

    def analyse(self, text: str, meta: DocumentMeta | None = None, *, corrections=None, spans=None,
                events: bool | None = None, alternatives: bool = True) -> Analysis:
        """Run the whole pipeline over one article. `spans`: place exactly these (start, end)
        spans instead of finding names; `corrections`: the user's choices (see apply_corrections);
        `alternatives=False` skips the runners-up of each choice (the batch keeps only the choice)."""
        meta = meta or DocumentMeta()
        events = self.settings.events if events is None else events
        self._refresh_user_gazetteer()
        if spans is None and len(text) > self.settings.piece_chars:
            # a generator: each piece's analysis is dropped once merged (memory: one copy of the mentions)
            pieces = ((offset, self._analyse_one(piece, meta, corrections, None, events, alternatives, offset))
                      for offset, piece in split_text(text, self.settings.piece_chars) if piece.strip())
            return merge_pieces(text, meta, pieces)
        return self._analyse_one(text, meta, corrections, spans, events, alternatives)

    def _analyse_one(self, text, meta, corrections, spans, events, alternatives, offset: int = 0) -> Analysis:
        doc = make_document(text, meta)
        if spans is not None:
            mentions = mentions_from_spans(doc, spans)
        else:
            mentions = self.recognizer.find(doc.text, list(doc.sentences))
        resolutions = self.resolver.resolve(doc.text, mentions, self.settings.alternatives if alternatives else 0)
        if corrections:
            # corrections name offsets in the whole text; this piece starts at `offset`
            shifted = [{**c, "start": int(c["start"]) - offset, "end": int(c["end"]) - offset}
                       for c in _valid_corrections(corrections)]
            resolutions = apply_corrections(resolutions, shifted, self.gazetteer)
        analysis = Analysis(document=doc, mentions=tuple(mentions), resolutions=tuple(resolutions),
                            places=tuple(group_places(resolutions)))
        if events:
            analysis = read_events(analysis, self.zones, self.settings.event_families, self.linker,
                                   self.gazetteer.lexicon, self.gazetteer.capital, self.shapes)
        return analysis

    def given_events(self, analysis: Analysis, spans) -> list:
        """Events for triggers found by someone else's coder: (start, end) offsets into the text,
        each typed, linked to the names that say where it happened, and placed."""
        from geo.events.context import EventContext
        from geo.events.reports import given_events
        n = len(analysis.document.text)
        for start, end in spans:
            if not (0 <= int(start) < int(end) <= n):
                raise ValueError(f"event span [{start}, {end}) is outside the text (length {n})")
        ctx = EventContext(analysis, self.zones, [], self.linker, self.gazetteer.lexicon, capital=self.gazetteer.capital,
                           shape_of=self.shapes)
        return given_events(ctx, [(int(s), int(e)) for s, e in spans])


def make_linker(name: str, words: dict | None = None):
    """The event–location linker a setting names: "learned" (the default: a tree model over the
    candidates' features, geo/events/learned.py; it loads its model here, once per pipeline) or
    "rules" (geo/events/linking.RuleLinker). `words`: the gazetteer's word lists."""
    if name == "rules":
        from geo.events.linking import RuleLinker
        return RuleLinker()
    if name == "learned":
        from geo.events.learned import LearnedLinker
        return LearnedLinker(words)
    raise ValueError(f"unknown event-location linker {name!r} (known: learned, rules)")


# ---------------------------------------------------------------------------------------------
# The stages as functions

def make_document(text: str, meta: DocumentMeta | None = None) -> Document:
    return Document(text=text, sentences=tuple(split_sentences(text)), meta=meta or DocumentMeta())


def mentions_from_spans(doc: Document, spans) -> list[Mention]:
    """Mentions for spans given from outside (another recogniser, gold annotations)."""
    sent_of = sentence_index(list(doc.sentences))
    out = []
    n = len(doc.text)
    for start, end in spans:
        start, end = int(start), int(end)
        if not (0 <= start < end <= n):
            raise ValueError(f"span [{start}, {end}) is outside the text (length {n})")
        surface = doc.text[start:end]
        out.append(Mention(start, end, surface, sent_of(start), "toponym", name_key(surface)))
    return out


def _valid_corrections(corrections) -> list[dict]:
    out = []
    for c in corrections:
        try:
            int(c["start"]), int(c["end"])
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"a correction needs start and end offsets: {c!r}") from None
        out.append(c)
    return out


def apply_corrections(resolutions: list[Resolution], corrections, gazetteer: Gazetteer) -> list[Resolution]:
    """A user's choices override the resolver: another candidate (`place_id`), or typed
    coordinates (`lat`, `lon`, optionally `name`), each for the mention at (`start`, `end`)."""
    if not corrections:
        return list(resolutions)
    by_span = {(int(c["start"]), int(c["end"])): c for c in _valid_corrections(corrections)}
    out = []
    for r in resolutions:
        c = by_span.get((r.mention.start, r.mention.end))
        if c is None:
            out.append(r)
            continue
        place = _corrected_place(r, c, gazetteer)
        old = (Candidate(r.place, r.confidence),) if r.place is not None else ()
        alts = old + tuple(a for a in r.alternatives if a.place.id != place.id or place.id < 0)
        out.append(Resolution(r.mention, place, 1.0, CORRECTED, alts))
    return out


def _corrected_place(r: Resolution, c: dict, gazetteer: Gazetteer) -> Place:
    if c.get("place_id") is not None:
        pid = int(c["place_id"])
        if not 0 <= pid < len(gazetteer):
            raise ValueError(f"no place with id {pid}")
        return gazetteer.place(pid)
    lat, lon = float(c["lat"]), float(c["lon"])
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"coordinates out of range: {lat}, {lon}")
    if r.place is not None:
        # the same place (kind, country, name, GeoNames id) where the user says it is; id -1: not
        # the gazetteer's point any more (its group is keyed by the coordinates)
        return replace(r.place, id=-1, name=str(c.get("name") or r.place.name), lat=lat, lon=lon, source="user")
    return Place(id=-1, name=str(c.get("name") or r.mention.text), lat=lat, lon=lon, feature_type="point",
                 country_code="", source="user")


_confidence = attrgetter("confidence")


def group_places(resolutions) -> list[PlaceGroup]:
    """One group per distinct place, in order of first mention."""
    groups: dict[tuple, list[Resolution]] = {}      # insertion order: first mention
    for r in resolutions:
        if r.place is None or r.mention.kind not in MAPPED_KINDS:
            continue
        key = (r.place.id, r.place.lat, r.place.lon) if r.place.id < 0 else (r.place.id,)
        groups.setdefault(key, []).append(r)
    out = []
    for rs in groups.values():
        best = rs[0] if len(rs) == 1 else max(rs, key=_confidence)
        seen, alts = {best.place.id}, []
        for r in rs:
            for a in r.alternatives:
                if a.place.id not in seen:
                    seen.add(a.place.id)
                    alts.append(a)
            if len(alts) >= MAX_GROUP_ALTERNATIVES:
                break           # the rest would be cut off below
        out.append(PlaceGroup(place=best.place, mentions=tuple(r.mention for r in rs),
                              confidence=best.confidence, reason=best.reason,
                              alternatives=tuple(alts[:MAX_GROUP_ALTERNATIVES]),
                              corrected=any(r.reason == CORRECTED for r in rs)))
    return out


# ---------------------------------------------------------------------------------------------
# Long texts

def split_text(text: str, limit: int) -> list[tuple[int, str]]:
    """Contiguous pieces of at most `limit` characters, cut at a paragraph break where there is
    one in the second half of the window, else a line break, a sentence end, a space."""
    out, pos, n = [], 0, len(text)
    while n - pos > limit:
        lo, hi = pos + limit // 2, pos + limit
        cut = -1
        for sep in ("\n\n", "\n", ". ", " "):
            i = text.rfind(sep, lo, hi)
            if i >= 0:
                cut = i + len(sep)
                break
        if cut <= pos:
            cut = hi
        out.append((pos, text[pos:cut]))
        pos = cut
    out.append((pos, text[pos:]))
    return out


def _shift_mention(m: Mention, chars: int, sentences: int, same: dict | None = None) -> Mention:
    """`m` in the whole text; `same` shares one string object among equal names (a name repeated a
    million times is then one string, not a million)."""
    text, key = (same.setdefault(m.text, m.text), same.setdefault(m.key, m.key)) if same is not None else (m.text, m.key)
    return Mention(m.start + chars, m.end + chars, text, m.sentence + sentences, m.kind, key)


def _shift_claim(c, chars: int):
    anchor = replace(c.anchor_place, start=c.anchor_place.start + chars, end=c.anchor_place.end + chars) \
        if c.anchor_place is not None else None
    return replace(c, start=c.start + chars, end=c.end + chars, anchor_place=anchor)


def merge_pieces(text: str, meta: DocumentMeta, pieces) -> Analysis:
    """One analysis of the whole text from the analyses of its pieces: offsets and sentence
    indices shifted, a place named in several pieces one group, events pointing at the whole
    text's sentences."""
    sentences, mentions, resolutions, events, relations, areas, notes = [], [], [], [], [], [], []
    same: dict[str, str] = {}
    for offset, a in pieces:
        n_sent = len(sentences)
        sentences += [Span(s.start + offset, s.end + offset) for s in a.document.sentences]
        shifted = {id(m): _shift_mention(m, offset, n_sent, same) for m in a.mentions}
        mentions += shifted.values()
        resolutions += [replace(r, mention=shifted.get(id(r.mention)) or _shift_mention(r.mention, offset, n_sent))
                        for r in a.resolutions]
        events += [replace(e, sentences=tuple(s + n_sent for s in e.sentences),
                           claims=tuple(_shift_claim(c, offset) for c in e.claims),
                           triggers=tuple(Span(t.start + offset, t.end + offset) for t in e.triggers),
                           locations=tuple(replace(x, start=x.start + offset, end=x.end + offset)
                                           for x in e.locations))
                   for e in a.events]
        relations += a.relations
        areas += a.areas
        notes += [n for n in a.notes if n not in notes]
    return Analysis(Document(text, tuple(sentences), meta), tuple(mentions), tuple(resolutions),
                    tuple(group_places(resolutions)), tuple(events), tuple(relations), tuple(areas), tuple(notes))
