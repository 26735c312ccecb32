"""The document pipeline: text -> sentences -> mentions -> resolutions -> places (-> events).

Each stage is a function of the previous stages' plain data:

    doc = make_document(text, meta)
    mentions = find_mentions(doc.text, list(doc.sentences))
    resolutions = resolve_mentions(doc.text, mentions, MAX_ALTERNATIVES if alternatives else 0)
    resolutions = apply_corrections(resolutions, corrections)
    places = group_places(resolutions)
    analysis = add_events(Analysis(doc, mentions, resolutions, places))

`analyse` runs them all.
"""
from __future__ import annotations

from collections import OrderedDict

from gazetteer.index import Gazetteer
from gazetteer.model import Candidate, Mention, Place, Resolution
from gazetteer.normalize import name_key
from gazetteer.recognize import find_mentions
from gazetteer.resolve import MAX_ALTERNATIVES, resolve_mentions
from gazetteer.text import sentence_index, split_sentences
from geo.document import Analysis, Document, DocumentMeta, PlaceGroup
from geo.events import add_events

# Mentions that become points on the map; embedded ones ("Asan" in "Asan Institute") name an
# organisation, not a place where something happened.
MAPPED_KINDS = frozenset({"toponym", "demonym"})
CORRECTED = "corrected by the user"


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


def apply_corrections(resolutions: list[Resolution], corrections, gazetteer: Gazetteer | None = None
                      ) -> list[Resolution]:
    """A user's choices override the resolver: another candidate, or typed coordinates."""
    if not corrections:
        return list(resolutions)
    gaz = gazetteer or Gazetteer.load()
    by_span = {}
    for c in corrections:
        try:
            by_span[(int(c["start"]), int(c["end"]))] = c
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"a correction needs start and end offsets: {c!r}") from None
    out = []
    for r in resolutions:
        c = by_span.get((r.mention.start, r.mention.end))
        if c is None:
            out.append(r)
            continue
        old = (Candidate(r.place, r.confidence),) if r.place is not None else ()
        if c.get("place_id") is not None:
            pid = int(c["place_id"])
            if not 0 <= pid < len(gaz):
                raise ValueError(f"no place with id {pid}")
            place = gaz.place(pid)
        else:
            lat, lon = float(c["lat"]), float(c["lon"])
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValueError(f"coordinates out of range: {lat}, {lon}")
            place = Place(id=-1, name=str(c.get("name") or r.mention.text), lat=lat, lon=lon,
                          feature_type="point", country_code="", source="user")
        alts = old + tuple(a for a in r.alternatives if a.place.id != place.id or place.id < 0)
        out.append(Resolution(r.mention, place, 1.0, CORRECTED, alts))
    return out


def group_places(resolutions: list[Resolution]) -> list[PlaceGroup]:
    """One group per distinct place, in order of first mention."""
    groups: "OrderedDict[tuple, list[Resolution]]" = OrderedDict()
    for r in resolutions:
        if r.place is None or r.mention.kind not in MAPPED_KINDS:
            continue
        key = (r.place.id, r.place.lat, r.place.lon) if r.place.id < 0 else (r.place.id,)
        groups.setdefault(key, []).append(r)
    out = []
    for rs in groups.values():
        best = max(rs, key=lambda r: r.confidence)
        seen, alts = {best.place.id}, []
        for r in rs:
            for a in r.alternatives:
                if a.place.id not in seen:
                    seen.add(a.place.id)
                    alts.append(a)
        out.append(PlaceGroup(place=best.place, mentions=tuple(r.mention for r in rs),
                              confidence=best.confidence, reason=best.reason,
                              alternatives=tuple(alts[:8]),
                              corrected=any(r.reason == CORRECTED for r in rs)))
    return out


def analyse(text: str, *, title: str | None = None, date: str | None = None, source: str | None = None,
            article_id: str | None = None, timezone: str | None = None, url: str | None = None,
            corrections=None, spans=None, events: bool = True, alternatives: bool = True) -> Analysis:
    """Run the whole pipeline over one article. `alternatives=False` skips the runners-up of each
    choice, for callers that keep only the choice (the batch command)."""
    meta = DocumentMeta(id=article_id or "", title=title or "", date=date or "", timezone=timezone or "",
                        source=source or "", url=url or "")
    doc = make_document(text, meta)
    mentions = mentions_from_spans(doc, spans) if spans is not None else find_mentions(doc.text, list(doc.sentences))
    resolutions = resolve_mentions(doc.text, mentions, MAX_ALTERNATIVES if alternatives else 0)
    resolutions = apply_corrections(resolutions, corrections)
    places = group_places(resolutions)
    analysis = Analysis(document=doc, mentions=tuple(mentions), resolutions=tuple(resolutions),
                        places=tuple(places))
    if events:
        analysis = add_events(analysis)
    return analysis
