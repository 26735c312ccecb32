"""What the two backends share: the store's tables and how articles are written and read, in SQL
both SQLite and PostgreSQL speak. A backend supplies the connection, its transactions, its spatial
index (R*Tree / PostGIS) and its text index (FTS5 / tsvector) through the hooks at the end.

Tables: ``articles`` (metadata, the place ids and confidences of each as packed arrays for the
collection view), ``places`` (one row per distinct place, never deleted: ids stay valid),
``mentions`` (article x place: confidence and mentions with offsets and sentences), ``features``
(its events: indexed columns and the GeoJSON; every feature of an article, relations and areas too,
is in its ``extras``), ``place_box``/``feature_box`` (the spatial index of places and events),
``article_text``/``feature_text`` (the text index; the article's text itself).
"""
from __future__ import annotations

import json
import threading
import time
from contextlib import contextmanager
from typing import Iterable, Iterator

import numpy as np

from geo.store.base import Store
from geo.store.records import ArticleRecord, day_number, dumps, feature_columns, merged_places, split_features

FORMAT = "newsmap-store"


def last_wins(records: list[ArticleRecord]) -> list[ArticleRecord]:
    """Of records that share an article id or a text hash, the last one."""
    out, seen_id, seen_hash = [], set(), set()
    for r in reversed(records):
        if r.article_id in seen_id or r.text_hash in seen_hash:
            continue
        seen_id.add(r.article_id)
        seen_hash.add(r.text_hash)
        out.append(r)
    return out[::-1]


class SQLStore(Store):
    P = "?"                      # the driver's parameter mark

    def __init__(self) -> None:
        self._place_ids: dict[str, int] = {}     # committed places: key -> id
        self._lock = threading.RLock()

    # -- helpers --------------------------------------------------------------------------------
    def q(self, sql: str) -> str:
        return sql if self.P == "?" else sql.replace("?", self.P)

    def _rows(self, cur, sql: str, params=()) -> list:
        cur.execute(self.q(sql), params)
        return cur.fetchall()

    def _scalar(self, cur, sql: str, params=()):
        row = self._rows(cur, sql, params)
        return row[0][0] if row else None

    def _many(self, cur, sql: str, rows: list) -> None:
        if rows:
            cur.executemany(self.q(sql), rows)

    # -- writing --------------------------------------------------------------------------------
    def add(self, records: Iterable[ArticleRecord]) -> dict:
        recs = last_wins(list(records))
        if not recs:
            return {"added": 0, "updated": 0}
        with self._lock, self._write() as cur:
            stats, new_places = self._add(cur, recs)
        self._place_ids.update(new_places)       # committed: now safe to remember
        return stats

    def _add(self, cur, recs: list[ArticleRecord]) -> tuple[dict, dict]:
        targets, old, drop = self._targets(cur, recs)
        self._clear(cur, old + drop, drop_articles=True)
        place_ids = self._resolve_places(cur, recs)
        now = time.time()
        art_rows, men_rows, text_rows = [], [], []
        for r, aid in zip(recs, targets):
            r.places = merged_places(r.places)
            ids = np.array([place_ids[p.key] for p in r.places], dtype="<i4")
            conf = np.array([p.confidence for p in r.places], dtype="<f4")
            art_rows.append((aid, r.article_id, r.text_hash, r.title, r.date, day_number(r.date), r.url, r.source,
                             r.timezone, dumps(r.corrections), now, len(r.places), r.n_features, len(r.events),
                             ids.tobytes(), conf.tobytes(), r.extras))
            men_rows.extend((aid, int(i), p.confidence, p.n, p.mentions) for i, p in zip(ids, r.places))
            if r.text is not None:
                text_rows.append((aid, r.text))
        self._many(cur, "INSERT INTO articles(id, article_id, text_hash, title, date, day, url, source, timezone,"
                        " corrections, updated, n_places, n_features, n_events, place_ids, place_conf, extras)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", art_rows)
        self._many(cur, "INSERT INTO mentions(article, place, confidence, n, mentions) VALUES (?, ?, ?, ?, ?)",
                   men_rows)
        self._put_texts(cur, "article_text", text_rows)
        self._add_features(cur, recs, targets)
        self._bump(cur)
        n_old = len(old)
        return {"added": len(recs) - n_old, "updated": n_old}, place_ids

    def _targets(self, cur, recs) -> tuple[list[int], list[int], list[int]]:
        """The store id each record goes to (its article's, by id, else by text hash, else a new
        one); the ids being replaced; rows merged away (the same text under another id)."""
        by_id = dict(self._select_in(cur, "SELECT article_id, id FROM articles WHERE {}", "article_id",
                                     [r.article_id for r in recs]))
        by_hash = dict(self._select_in(cur, "SELECT text_hash, id FROM articles WHERE {}", "text_hash",
                                       [r.text_hash for r in recs]))
        next_id = (self._scalar(cur, "SELECT MAX(id) FROM articles") or 0) + 1
        targets, old, drop = [], [], []
        for r in recs:
            a, h = by_id.get(r.article_id), by_hash.get(r.text_hash)
            t = a if a is not None else h
            if a is not None and h is not None and a != h:
                drop.append(h)
            if t is None:
                t, next_id = next_id, next_id + 1
            else:
                old.append(t)
            targets.append(t)
        drop = [d for d in dict.fromkeys(drop) if d not in set(targets)]
        return targets, old, drop

    def _clear(self, cur, article_ids: list[int], drop_articles: bool) -> None:
        """Delete what the store holds for articles (their places' rows stay)."""
        if not article_ids:
            return
        cond, arg = self._in("article", article_ids)
        fids = [r[0] for r in self._rows(cur, f"SELECT id FROM features WHERE {cond}", arg)]
        if fids:
            self._drop_keyed(cur, "feature_box", fids)
            self._drop_keyed(cur, "feature_text", fids)
            self._rows_nofetch(cur, "DELETE FROM features WHERE " + cond, arg)
        self._rows_nofetch(cur, "DELETE FROM mentions WHERE " + cond, arg)
        self._drop_keyed(cur, "article_text", article_ids)
        if drop_articles:
            c2, a2 = self._in("id", article_ids)
            self._rows_nofetch(cur, "DELETE FROM articles WHERE " + c2, a2)

    def _rows_nofetch(self, cur, sql: str, params=()) -> None:
        cur.execute(self.q(sql), params)

    def _resolve_places(self, cur, recs) -> dict[str, int]:
        """Store ids of every place the records name; new places are inserted (with their box)."""
        rows = {p.key: p for r in recs for p in r.places}
        ids = {k: self._place_ids[k] for k in rows if k in self._place_ids}
        missing = [k for k in rows if k not in ids]
        if missing:
            ids.update(self._select_in(cur, "SELECT key, id FROM places WHERE {}", "key", missing))
            new = [k for k in missing if k not in ids]
            if new:
                nid = (self._scalar(cur, "SELECT MAX(id) FROM places") or 0) + 1
                prow, brow = [], []
                for i, k in enumerate(new, nid):
                    p = rows[k]
                    props = json.loads(p.props)
                    gid = props.get("geonameid")
                    prow.append((i, k, str(props.get("name") or ""), p.lon, p.lat, props.get("country_code") or "",
                                 props.get("feature_type") or "", gid if isinstance(gid, int) else None, p.props))
                    brow.append((i, p.lon, p.lat, p.lon, p.lat))
                    ids[k] = i
                self._many(cur, "INSERT INTO places(id, key, name, lon, lat, country_code, feature_type, geonameid,"
                                " props) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", prow)
                self._put_boxes(cur, "place_box", brow)
        return ids

    def _add_features(self, cur, recs, targets) -> None:
        fid = (self._scalar(cur, "SELECT MAX(id) FROM features") or 0) + 1
        rows, boxes, texts = [], [], []
        for r, aid in zip(recs, targets):
            for seq, s in enumerate(r.events):
                c = feature_columns(json.loads(s), r.date)
                rows.append((fid, aid, seq, c["kind"], c["type"], c["actor"], c["time"], c["day"], c["lon"],
                             c["lat"], c["confidence"], c["uncertainty_km"], c["zones"], c["label"], s))
                if c["box"]:
                    b = c["box"]
                    boxes.append((fid, b[0], b[1], b[2], b[3]))
                texts.append((fid, c["words"]))
                fid += 1
        self._many(cur, "INSERT INTO features(id, article, seq, kind, type, actor, time, day, lon, lat, confidence,"
                        " uncertainty_km, zones, label, geojson) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   rows)
        self._put_boxes(cur, "feature_box", boxes)
        self._put_texts(cur, "feature_text", texts)

    def _bump(self, cur) -> None:
        self._rows_nofetch(cur, "UPDATE store_info SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)"
                                " WHERE key = 'revision'")

    def remove(self, article_ids: Iterable[str]) -> int:
        names = list(dict.fromkeys(str(a) for a in article_ids))
        if not names:
            return 0
        with self._lock, self._write() as cur:
            ids = [i for _, i in self._select_in(cur, "SELECT article_id, id FROM articles WHERE {}", "article_id",
                                                 names)]
            self._clear(cur, ids, drop_articles=True)
            if ids:
                self._bump(cur)
        return len(ids)

    def set_corrections(self, article_id: str, corrections: list) -> None:
        with self._lock, self._write() as cur:
            self._rows_nofetch(cur, "UPDATE articles SET corrections = ? WHERE article_id = ?",
                               (dumps(corrections), article_id))
            self._bump(cur)

    # -- reading --------------------------------------------------------------------------------
    def _select_in(self, cur, sql: str, column: str, values: list) -> list:
        cond, arg = self._in(column, values)
        return self._rows(cur, sql.format(cond), arg)

    def revision(self) -> int:
        with self._lock, self._read() as cur:
            return int(self._scalar(cur, "SELECT value FROM store_info WHERE key = 'revision'") or 0)

    def count(self) -> int:
        with self._lock, self._read() as cur:
            return int(self._scalar(cur, "SELECT COUNT(*) FROM articles"))

    def existing(self, article_ids: Iterable[str]) -> set[str]:
        names = list(dict.fromkeys(str(a) for a in article_ids))
        if not names:
            return set()
        with self._lock, self._read() as cur:
            return {r[0] for r in self._select_in(cur, "SELECT article_id FROM articles WHERE {}", "article_id", names)}

    _ARTICLE_COLS = "id, article_id, title, date, url, source, n_places, n_features"

    def articles(self, ids: Iterable[int] | None = None) -> Iterator[dict]:
        names = ("store_id", "article_id", "title", "date", "url", "source", "places", "features")
        with self._lock, self._read() as cur:
            if ids is None:
                rows = self._rows(cur, f"SELECT {self._ARTICLE_COLS} FROM articles ORDER BY date, article_id")
            else:
                cond, arg = self._in("id", [int(i) for i in ids])
                rows = self._rows(cur, f"SELECT {self._ARTICLE_COLS} FROM articles WHERE {cond}"
                                       " ORDER BY date, article_id", arg)
        return iter([dict(zip(names, r)) for r in rows])

    def article(self, article_id: str) -> dict | None:
        with self._lock, self._read() as cur:
            row = self._rows(cur, f"SELECT {self._ARTICLE_COLS}, timezone, corrections FROM articles"
                                  " WHERE article_id = ?", (article_id,))
            if not row:
                return None
            r = row[0]
            text = self._get_text(cur, r[0])
        return {"store_id": r[0], "article_id": r[1], "title": r[2], "date": r[3], "url": r[4], "source": r[5],
                "places": r[6], "features": r[7], "timezone": r[8], "corrections": json.loads(r[9] or "[]"),
                "text": text}

    def snapshot_rows(self) -> dict:
        with self._lock, self._read() as cur:
            return {
                "articles": self._rows(cur, "SELECT id, day, source, place_ids, place_conf FROM articles ORDER BY id"),
                "places": self._rows(cur, "SELECT id, key, name, lon, lat, country_code, feature_type FROM places"
                                          " ORDER BY id"),
                "events": self._rows(cur, "SELECT id, article, type, actor, day, lon, lat, confidence, uncertainty_km,"
                                          " zones, label FROM features WHERE kind = 'event' AND lon IS NOT NULL"
                                          " ORDER BY id"),
            }

    def place_mentions(self, place_id: int, article_ids: Iterable[int]) -> list[dict]:
        ids = [int(i) for i in article_ids]
        if not ids:
            return []
        cond, arg = self._in("m.article", ids)
        with self._lock, self._read() as cur:
            rows = self._rows(cur, "SELECT a.id, a.article_id, a.title, a.date, a.url, a.source, m.confidence,"
                                   " m.mentions FROM mentions m JOIN articles a ON a.id = m.article"
                                   f" WHERE m.place = ? AND {cond} ORDER BY a.date DESC, a.article_id",
                              (int(place_id), *arg))
        return [{"store_id": r[0], "article_id": r[1], "title": r[2], "date": r[3], "url": r[4], "source": r[5],
                 "confidence": r[6], "mentions": json.loads(r[7])} for r in rows]

    def place_articles(self, place_id: int) -> list[int]:
        with self._lock, self._read() as cur:
            return [r[0] for r in self._rows(cur, "SELECT article FROM mentions WHERE place = ?", (int(place_id),))]

    def features(self, feature_ids: Iterable[int]) -> list[dict]:
        ids = [int(i) for i in feature_ids]
        if not ids:
            return []
        cond, arg = self._in("id", ids)
        with self._lock, self._read() as cur:
            rows = self._rows(cur, f"SELECT id, article, geojson FROM features WHERE {cond} ORDER BY id", arg)
        out = []
        for fid, art, geojson in rows:
            f = json.loads(geojson)
            f["properties"]["store_id"] = fid
            f["properties"]["store_article"] = art
            out.append(f)
        return out

    def article_features(self, article_ids: Iterable[int] | None) -> Iterator[str]:
        sql, arg = "SELECT extras FROM articles WHERE extras IS NOT NULL", ()
        if article_ids is not None:
            cond, arg = self._in("id", [int(i) for i in article_ids])
            sql += " AND " + cond
        for (blob,) in self._stream(sql + " ORDER BY date, article_id", arg):
            yield from split_features(blob)

    def place_rows(self, article_ids: Iterable[int] | None) -> Iterator[tuple]:
        sql = ("SELECT m.place, p.lon, p.lat, p.props, m.article, m.confidence, m.mentions"
               " FROM mentions m JOIN places p ON p.id = m.place")
        arg = ()
        if article_ids is not None:
            cond, arg = self._in("m.article", [int(i) for i in article_ids])
            sql += " WHERE " + cond
        yield from self._stream(sql + " ORDER BY m.place, m.article", arg)

    def _stream(self, sql: str, arg) -> Iterator[tuple]:
        """The rows of a query, a thousand at a time, in one read transaction."""
        with self._lock, self._read() as cur:
            cur.execute(self.q(sql), arg)
            while True:
                rows = cur.fetchmany(1000)
                if not rows:
                    break
                yield from rows

    def search(self, text: str) -> tuple[list[int], list[int]]:
        q = self._match_sql(text)
        if q is None:
            return [], []
        with self._lock, self._read() as cur:
            return ([r[0] for r in self._rows(cur, q[0].format("article_text"), q[1])],
                    [r[0] for r in self._rows(cur, q[0].format("feature_text"), q[1])])

    def in_box(self, west: float, south: float, east: float, north: float) -> tuple[list[int], list[int]]:
        sql, args = self._box_sql(west, south, east, north)
        with self._lock, self._read() as cur:
            return ([r[0] for r in self._rows(cur, sql.format("place_box"), args)],
                    [r[0] for r in self._rows(cur, sql.format("feature_box"), args)])

    # -- the backend's part ---------------------------------------------------------------------
    @contextmanager
    def _write(self):
        raise NotImplementedError

    @contextmanager
    def _read(self):
        raise NotImplementedError

    def _in(self, column: str, values: list) -> tuple[str, tuple]:
        raise NotImplementedError

    def _put_boxes(self, cur, table: str, rows: list) -> None:
        raise NotImplementedError

    def _put_texts(self, cur, table: str, rows: list) -> None:
        raise NotImplementedError

    def _drop_keyed(self, cur, table: str, ids: list) -> None:
        raise NotImplementedError

    def _get_text(self, cur, article: int) -> str | None:
        raise NotImplementedError
