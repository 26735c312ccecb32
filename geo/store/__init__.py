"""A store of analysed articles, for the collection view and the exports of many reports.

    open_store("store.sqlite")                    # SQLite file (the default backend)
    open_store("postgresql://user@host/db")       # PostgreSQL with PostGIS, the same interface
"""
from __future__ import annotations

from geo.store.base import Store, StoreError
from geo.store.records import ArticleRecord, from_analysis, text_hash

__all__ = ["ArticleRecord", "Store", "StoreError", "from_analysis", "open_store", "text_hash"]


def open_store(location, create: bool = True) -> Store:
    """The store at `location`: a postgresql:// (or postgres://) URL, else an SQLite file's path."""
    loc = str(location)
    if loc.startswith(("postgresql://", "postgres://")):
        from geo.store.postgres import PostgresStore
        return PostgresStore(loc)
    from geo.store.sqlite import SQLiteStore
    return SQLiteStore(loc, create=create)
