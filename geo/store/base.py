"""The store's one interface. Two backends implement it: an SQLite file (``geo.store.sqlite``, the
default) and PostgreSQL with PostGIS (``geo.store.postgres``, for teams); ``geo.store.open_store``
picks one from a location, as geopy picks a geocoder by name.

A store holds analysed articles: metadata and text, the places each names (every mention with its
offsets and sentence), its events, relations and areas (GeoJSON, with their sentences and offsets),
and the user's corrections. An article is one row however often it is added: adding an article
with the same id or the same text replaces what the store had for it, in one transaction.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Iterable, Iterator

from geo.store.records import ArticleRecord


class StoreError(Exception):
    """A store that cannot be used: not a store, of a newer schema, unreachable."""


class Store(ABC):
    """Articles in, collections out. Every method is safe to call while other processes write."""

    location: str
    schema_version: int

    # -- writing ------------------------------------------------------------------------------
    @abstractmethod
    def add(self, records: Iterable[ArticleRecord]) -> dict:
        """Add or replace articles (matched by article id, else by text hash), all in one
        transaction; returns {"added", "updated"}."""

    @abstractmethod
    def remove(self, article_ids: Iterable[str]) -> int:
        """Remove articles and everything derived from them; returns how many were removed."""

    # -- reading ------------------------------------------------------------------------------
    @abstractmethod
    def revision(self) -> int:
        """A number that changes with every write (readers cache on it)."""

    @abstractmethod
    def count(self) -> int:
        """How many articles."""

    @abstractmethod
    def existing(self, article_ids: Iterable[str]) -> set[str]:
        """Which of these article ids the store has."""

    @abstractmethod
    def articles(self, ids: Iterable[int] | None = None) -> Iterator[dict]:
        """Article metadata rows (store id, article_id, title, date, url, source, places, features),
        of `ids` (store ids) or of every article, in order of date."""

    @abstractmethod
    def article(self, article_id: str) -> dict | None:
        """One article's metadata, text and corrections, or None."""

    @abstractmethod
    def snapshot_rows(self) -> dict:
        """The raw columns of ``geo.store.snapshot.Snapshot`` (articles, places, events)."""

    @abstractmethod
    def search(self, text: str) -> tuple[list[int], list[int]]:
        """Store ids of the articles whose text, and of the features whose sentences, match `text`
        (words, all of them, any order)."""

    @abstractmethod
    def place_mentions(self, place_id: int, article_ids: Iterable[int]) -> list[dict]:
        """A place's mentions in the given articles (store ids): article metadata, confidence and
        mentions (offsets, text, sentence), one dict per article."""

    @abstractmethod
    def place_articles(self, place_id: int) -> list[int]:
        """Store ids of the articles that name a place."""

    @abstractmethod
    def features(self, feature_ids: Iterable[int]) -> list[dict]:
        """GeoJSON features (with their store id as ``properties.store_id``)."""

    @abstractmethod
    def article_features(self, article_ids: Iterable[int] | None) -> Iterator[str]:
        """The events, relations and areas of articles (None: all), GeoJSON strings."""

    @abstractmethod
    def place_rows(self, article_ids: Iterable[int] | None) -> Iterator[tuple]:
        """(place id, geometry JSON, props JSON, article store id, confidence, mentions JSON) rows,
        ordered by place, for the exports."""

    @abstractmethod
    def in_box(self, west: float, south: float, east: float, north: float) -> tuple[list[int], list[int]]:
        """Ids of the places and features whose bounding box meets the box (spatial index)."""

    @abstractmethod
    def close(self) -> None:
        ...

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
