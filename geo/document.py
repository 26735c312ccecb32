"""The document and the analysis: plain data handed from stage to stage."""
from __future__ import annotations

from dataclasses import dataclass, field

from gazetteer.model import Candidate, Mention, Place, Resolution, Span


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    id: str = ""
    title: str = ""
    date: str = ""             # ISO date of publication, "" when unknown
    timezone: str = ""         # IANA zone the article's clock times are in ("Asia/Tokyo")
    source: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True)
class Document:
    text: str
    sentences: tuple[Span, ...]
    meta: DocumentMeta = DocumentMeta()

    def sentence_text(self, index: int) -> str:
        s = self.sentences[index] if 0 <= index < len(self.sentences) else Span(0, 0)
        return self.text[s.start:s.end]


@dataclass(frozen=True, slots=True)
class PlaceGroup:
    """One distinct place with every mention that points to it."""
    place: Place
    mentions: tuple[Mention, ...]
    confidence: float
    reason: str
    alternatives: tuple[Candidate, ...]
    corrected: bool = False


@dataclass(frozen=True, slots=True)
class Analysis:
    document: Document
    mentions: tuple[Mention, ...]
    resolutions: tuple[Resolution, ...]
    places: tuple[PlaceGroup, ...]
    events: tuple = ()
    relations: tuple = ()
    areas: tuple = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
