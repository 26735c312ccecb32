"""The store in one SQLite file: WAL mode (readers never wait for the writer and never see half a
transaction), an R*Tree index on the places' and features' bounding boxes, FTS5 indexes on the
articles' text and the events' sentences, a schema version with migrations."""
from __future__ import annotations

import json
import os
import sqlite3
import zlib
from contextlib import contextmanager
from pathlib import Path

from geo.store.base import StoreError
from geo.store.sql import FORMAT, SQLStore

APPLICATION_ID = 0x4E4D5354       # "NMST", in the file's header: a newsmap store

_V1 = """
CREATE TABLE store_info(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE articles(
    id INTEGER PRIMARY KEY, article_id TEXT NOT NULL UNIQUE, text_hash TEXT NOT NULL, title TEXT, date TEXT,
    day INTEGER, url TEXT, source TEXT, timezone TEXT, text BLOB, corrections TEXT, updated REAL,
    n_places INTEGER, n_features INTEGER, n_events INTEGER, place_ids BLOB, place_conf BLOB, extras BLOB);
CREATE INDEX articles_hash ON articles(text_hash);
CREATE INDEX articles_day ON articles(day);
CREATE TABLE places(
    id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, name TEXT, lon REAL, lat REAL, country_code TEXT,
    feature_type TEXT, geonameid INTEGER, props TEXT);
CREATE TABLE mentions(
    article INTEGER NOT NULL, place INTEGER NOT NULL, confidence REAL, n INTEGER, mentions TEXT,
    PRIMARY KEY (article, place)) WITHOUT ROWID;
CREATE INDEX mentions_place ON mentions(place, article);
CREATE TABLE features(
    id INTEGER PRIMARY KEY, article INTEGER NOT NULL, seq INTEGER, kind TEXT, type TEXT, actor TEXT, time TEXT,
    day INTEGER, lon REAL, lat REAL, confidence REAL, uncertainty_km REAL, zones TEXT, label TEXT, geojson TEXT);
CREATE INDEX features_article ON features(article);
CREATE VIRTUAL TABLE place_box USING rtree(id, minx, maxx, miny, maxy);
CREATE VIRTUAL TABLE feature_box USING rtree(id, minx, maxx, miny, maxy);
INSERT INTO store_info(key, value) VALUES ('format', 'newsmap-store'), ('revision', '0');
"""


def _script(db: sqlite3.Connection, sql: str) -> None:
    """Statements one by one, inside the caller's transaction (executescript would commit it)."""
    for stmt in sql.split(";"):
        if stmt.strip():
            db.execute(stmt)


def _v2(db: sqlite3.Connection) -> None:
    """Version 2: full-text indexes. The article's text moves from a compressed column into the
    article index (which keeps it), the events' sentences get theirs."""
    _script(db, "CREATE VIRTUAL TABLE article_text USING fts5(body, detail=none); CREATE VIRTUAL TABLE feature_text USING fts5(body)")
    rows = db.execute("SELECT id, text FROM articles WHERE text IS NOT NULL").fetchall()
    db.executemany("INSERT INTO article_text(rowid, body) VALUES (?, ?)",
                   [(i, zlib.decompress(t).decode("utf-8")) for i, t in rows])
    db.execute("UPDATE articles SET text = NULL")
    for fid, geojson in db.execute("SELECT id, geojson FROM features WHERE kind = 'event'").fetchall():
        p = json.loads(geojson)["properties"]
        db.execute("INSERT INTO feature_text(rowid, body) VALUES (?, ?)",
                   (fid, " ".join(p.get("sentences") or []) + " " + str(p.get("label") or "")))


# Version 3: covering indexes for the collection view's snapshot (geo.store.query), which reads
# these columns of every article and event: the index alone is read, not the rows with the GeoJSON.
_V3 = """
CREATE INDEX articles_snapshot ON articles(id, day, source, place_ids, place_conf);
CREATE INDEX features_snapshot ON features(kind, id, article, type, actor, day, lon, lat, confidence,
                                           uncertainty_km, zones, label)"""

MIGRATIONS = {1: lambda db: _script(db, _V1), 2: _v2, 3: lambda db: _script(db, _V3)}
SCHEMA_VERSION = max(MIGRATIONS)


def _check(db: sqlite3.Connection, path: str) -> int:
    """The store's schema version (0: an empty file, to be made a store); StoreError for anything
    that is not a store this version can read."""
    try:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
        app = db.execute("PRAGMA application_id").fetchone()[0]
        version = db.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as e:
        raise StoreError(f"{path} is not a newsmap store: {e}") from None
    if not tables and not app:
        return 0
    if app != APPLICATION_ID or "store_info" not in tables:
        raise StoreError(f"{path} is an SQLite database but not a newsmap store")
    if version > SCHEMA_VERSION:
        raise StoreError(f"{path} is a newsmap store of schema version {version}; this newsmap reads versions "
                         f"up to {SCHEMA_VERSION}: upgrade newsmap to open it")
    return version


class SQLiteStore(SQLStore):
    def __init__(self, path: str | os.PathLike, create: bool = True):
        super().__init__()
        self.location = str(path)
        p = Path(path)
        if not p.exists() and not create:
            raise StoreError(f"{path}: no such store")
        if p.exists() and p.is_dir():
            raise StoreError(f"{path} is a folder, not a newsmap store")
        p.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(str(p), timeout=60, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as e:
            raise StoreError(f"{path}: cannot open: {e}") from None
        version = _check(self.db, self.location)
        try:
            self.db.execute("PRAGMA journal_mode=WAL")
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{path} is not a newsmap store: {e}") from None
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA cache_size=-65536")
        if version < SCHEMA_VERSION:
            self._migrate()
        self.schema_version = SCHEMA_VERSION

    def _migrate(self) -> None:
        """Bring the file to SCHEMA_VERSION, one version at a time, each in its own transaction
        (another process may be migrating it too: the version is read again under the lock)."""
        db = self.db
        while True:
            db.execute("BEGIN IMMEDIATE")
            try:
                version = _check(db, self.location)
                if version >= SCHEMA_VERSION:
                    db.execute("COMMIT")
                    return
                MIGRATIONS[version + 1](db)
                if version == 0:
                    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                db.execute(f"PRAGMA user_version = {version + 1}")
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    @contextmanager
    def _write(self):
        cur = self.db.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            yield cur
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        cur.execute("COMMIT")

    @contextmanager
    def _read(self):
        cur = self.db.cursor()
        cur.execute("BEGIN")            # one snapshot for every statement of the read
        try:
            yield cur
        finally:
            cur.execute("COMMIT")

    def _in(self, column: str, values: list) -> tuple[str, tuple]:
        return f"{column} IN (SELECT value FROM json_each(?))", (json.dumps(list(values)),)

    def _put_boxes(self, cur, table: str, rows: list) -> None:
        # R*Tree columns: id, minx, maxx, miny, maxy (rows come as id, west, south, east, north)
        self._many(cur, f"INSERT OR REPLACE INTO {table}(id, minx, maxx, miny, maxy) VALUES (?, ?, ?, ?, ?)",
                   [(i, w, e, s, n) for i, w, s, e, n in rows])

    def _put_texts(self, cur, table: str, rows: list) -> None:
        self._many(cur, f"INSERT INTO {table}(rowid, body) VALUES (?, ?)", rows)

    def _drop_keyed(self, cur, table: str, ids: list) -> None:
        key = "id" if table.endswith("_box") else "rowid"
        cond, arg = self._in(key, ids)
        cur.execute(f"DELETE FROM {table} WHERE {cond}", arg)

    def _get_text(self, cur, article: int) -> str | None:
        row = self._rows(cur, "SELECT body FROM article_text WHERE rowid = ?", (article,))
        return row[0][0] if row else None

    def _match_sql(self, text: str) -> tuple[str, tuple] | None:
        words = [w for w in "".join(c if c.isalnum() else " " for c in text).split() if w]
        if not words:
            return None
        # every word, as a phrase of its own (FTS5's query syntax never reaches the user's text)
        return "SELECT rowid FROM {0} WHERE {0} MATCH ?", (" ".join('"' + w + '"' for w in words),)

    def _box_sql(self, west: float, south: float, east: float, north: float) -> tuple[str, tuple]:
        return "SELECT id FROM {} WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ?", (east, west, north, south)

    def close(self) -> None:
        self.db.close()


__all__ = ["SQLiteStore", "SCHEMA_VERSION", "MIGRATIONS", "FORMAT"]
