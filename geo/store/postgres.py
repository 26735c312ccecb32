"""The store on PostgreSQL with PostGIS, for a team sharing one store: the same tables and the
same interface as the SQLite file (``geo.store.sql``), with PostGIS boxes and a GiST index where
SQLite has its R*Tree, and `tsvector` columns with GIN indexes where it has FTS5.

    open_store("postgresql://user:password@host:5432/newsmap")

Writers take a transaction-level advisory lock, so they write one after another (as SQLite's
writers do); readers read in REPEATABLE READ transactions, so they never see half an article.
Needs the `psycopg` package (``pip install newsmap[postgres]``) and a database where the
`postgis` extension exists or may be created.
"""
from __future__ import annotations

import json
import zlib
from contextlib import contextmanager

from geo.store.base import StoreError
from geo.store.sql import FORMAT, SQLStore

WRITE_LOCK = 0x4E4D5354          # the advisory lock every writer holds

_V1 = """
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE TABLE store_info(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE articles(
    id BIGINT PRIMARY KEY, article_id TEXT NOT NULL UNIQUE, text_hash TEXT NOT NULL, title TEXT, date TEXT,
    day INTEGER, url TEXT, source TEXT, timezone TEXT, text BYTEA, corrections TEXT, updated DOUBLE PRECISION,
    n_places INTEGER, n_features INTEGER, n_events INTEGER, place_ids BYTEA, place_conf BYTEA, extras BYTEA);
CREATE INDEX articles_hash ON articles(text_hash);
CREATE INDEX articles_day ON articles(day);
CREATE TABLE places(
    id BIGINT PRIMARY KEY, key TEXT NOT NULL UNIQUE, name TEXT, lon DOUBLE PRECISION, lat DOUBLE PRECISION,
    country_code TEXT, feature_type TEXT, geonameid BIGINT, props TEXT);
CREATE TABLE mentions(
    article BIGINT NOT NULL, place BIGINT NOT NULL, confidence DOUBLE PRECISION, n INTEGER, mentions TEXT,
    PRIMARY KEY (article, place));
CREATE INDEX mentions_place ON mentions(place, article);
CREATE TABLE features(
    id BIGINT PRIMARY KEY, article BIGINT NOT NULL, seq INTEGER, kind TEXT, type TEXT, actor TEXT, time TEXT,
    day INTEGER, lon DOUBLE PRECISION, lat DOUBLE PRECISION, confidence DOUBLE PRECISION,
    uncertainty_km DOUBLE PRECISION, zones TEXT, label TEXT, geojson TEXT);
CREATE INDEX features_article ON features(article);
CREATE TABLE place_box(id BIGINT PRIMARY KEY, box geometry(Geometry, 4326));
CREATE INDEX place_box_gist ON place_box USING GIST(box);
CREATE TABLE feature_box(id BIGINT PRIMARY KEY, box geometry(Geometry, 4326));
CREATE INDEX feature_box_gist ON feature_box USING GIST(box);
INSERT INTO store_info(key, value) VALUES ('format', 'newsmap-store'), ('revision', '0'), ('schema_version', '0');
"""

_V2 = """
CREATE TABLE article_text(id BIGINT PRIMARY KEY, body TEXT,
    tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED);
CREATE INDEX article_text_tsv ON article_text USING GIN(tsv);
CREATE TABLE feature_text(id BIGINT PRIMARY KEY, body TEXT,
    tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED);
CREATE INDEX feature_text_tsv ON feature_text USING GIN(tsv);
"""


def _v2(cur) -> None:
    """Version 2: full-text indexes; the article's text moves from a compressed column into the
    article index's table."""
    cur.execute(_V2)
    cur.execute("SELECT id, text FROM articles WHERE text IS NOT NULL")
    rows = [(i, zlib.decompress(bytes(t)).decode("utf-8")) for i, t in cur.fetchall()]
    cur.executemany("INSERT INTO article_text(id, body) VALUES (%s, %s)", rows)
    cur.execute("UPDATE articles SET text = NULL")
    cur.execute("SELECT id, geojson FROM features WHERE kind = 'event'")
    for fid, geojson in cur.fetchall():
        p = json.loads(geojson)["properties"]
        cur.execute("INSERT INTO feature_text(id, body) VALUES (%s, %s)",
                    (fid, " ".join(p.get("sentences") or []) + " " + str(p.get("label") or "")))


# Version 3: covering indexes for the collection view's snapshot (see geo.store.sqlite).
_V3 = """
CREATE INDEX articles_snapshot ON articles(id) INCLUDE (day, source, place_ids, place_conf);
CREATE INDEX features_snapshot ON features(kind, id) INCLUDE (article, type, actor, day, lon, lat, confidence,
                                                              uncertainty_km, zones, label);
"""

MIGRATIONS = {1: lambda cur: cur.execute(_V1), 2: _v2, 3: lambda cur: cur.execute(_V3)}
SCHEMA_VERSION = max(MIGRATIONS)


def _version(cur, location: str) -> int:
    """The database's store schema version (0: no store yet, nothing else there either)."""
    cur.execute("SELECT to_regclass('public.store_info') IS NOT NULL")
    if not cur.fetchone()[0]:
        cur.execute("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'"
                    " AND table_name NOT IN ('spatial_ref_sys')")
        if cur.fetchone()[0]:
            raise StoreError(f"{location} has tables but is not a newsmap store")
        return 0
    cur.execute("SELECT key, value FROM store_info WHERE key IN ('format', 'schema_version')")
    info = dict(cur.fetchall())
    if info.get("format") != FORMAT:
        raise StoreError(f"{location} is not a newsmap store")
    version = int(info.get("schema_version") or 0)
    if version > SCHEMA_VERSION:
        raise StoreError(f"{location} is a newsmap store of schema version {version}; this newsmap reads versions "
                         f"up to {SCHEMA_VERSION}: upgrade newsmap to open it")
    return version


def _redact(url: str) -> str:
    """The URL without its password (for messages)."""
    import re
    return re.sub(r"(//[^:/@]+):[^@/]*@", r"\1:***@", url)


class PostgresStore(SQLStore):
    P = "%s"

    def __init__(self, url: str):
        super().__init__()
        self.location = _redact(url)
        try:
            import psycopg
        except ImportError:
            raise StoreError("a postgresql:// store needs the psycopg package: pip install 'psycopg[binary]'") from None
        try:
            self.db = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.Error as e:
            raise StoreError(f"{self.location}: cannot connect: {str(e).strip()}") from None
        self.db.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        self._migrate()
        self.schema_version = SCHEMA_VERSION

    def _migrate(self) -> None:
        while True:
            with self._write() as cur:
                version = _version(cur, self.location)
                if version >= SCHEMA_VERSION:
                    return
                MIGRATIONS[version + 1](cur)
                cur.execute("UPDATE store_info SET value = %s WHERE key = 'schema_version'", (str(version + 1),))

    @contextmanager
    def _write(self):
        """A transaction that holds the writers' lock. READ COMMITTED: its statements after the
        lock see what the writer before it committed (a REPEATABLE READ snapshot would be taken
        before the lock is granted)."""
        import psycopg
        self.db.isolation_level = psycopg.IsolationLevel.READ_COMMITTED
        try:
            with self.db.transaction(), self.db.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
                yield cur
        finally:
            self.db.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ

    @contextmanager
    def _read(self):
        with self.db.transaction(), self.db.cursor() as cur:
            yield cur

    def _in(self, column: str, values: list) -> tuple[str, tuple]:
        return f"{column} = ANY(%s)", (list(values),)

    def _put_boxes(self, cur, table: str, rows: list) -> None:
        self._many(cur, f"INSERT INTO {table}(id, box) VALUES (?, ST_MakeEnvelope(?, ?, ?, ?, 4326))"
                        " ON CONFLICT (id) DO UPDATE SET box = EXCLUDED.box", rows)

    def _put_texts(self, cur, table: str, rows: list) -> None:
        self._many(cur, f"INSERT INTO {table}(id, body) VALUES (?, ?)",
                   [(i, body.replace("\x00", "")) for i, body in rows])

    def _drop_keyed(self, cur, table: str, ids: list) -> None:
        cur.execute(f"DELETE FROM {table} WHERE id = ANY(%s)", (list(ids),))

    def _get_text(self, cur, article: int) -> str | None:
        row = self._rows(cur, "SELECT body FROM article_text WHERE id = ?", (article,))
        return row[0][0] if row else None

    def _match_sql(self, text: str) -> tuple[str, tuple] | None:
        if not any(c.isalnum() for c in text):
            return None
        return "SELECT id FROM {} WHERE tsv @@ plainto_tsquery('simple', ?)", (text,)

    def _box_sql(self, west: float, south: float, east: float, north: float) -> tuple[str, tuple]:
        return "SELECT id FROM {} WHERE box && ST_MakeEnvelope(?, ?, ?, ?, 4326)", (west, south, east, north)

    def close(self) -> None:
        self.db.close()
