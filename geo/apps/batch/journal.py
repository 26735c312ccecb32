"""The batch's journal: every article's result, so an interrupted run resumes and a rerun
analyses nothing it has already done (SQLite, one file beside the output)."""
from __future__ import annotations

import sqlite3
import sys
import time
from pathlib import Path

from geo.io.validate import clean_text

COMMIT_EVERY = 1000          # articles per journal transaction
WORKER_FAILED = "worker failed"

JOURNAL_VERSION = 3       # PRAGMA user_version of the journal's layout
SCHEMA = """
CREATE TABLE IF NOT EXISTS articles(
    key TEXT PRIMARY KEY, source TEXT, article_id TEXT, title TEXT, date TEXT, url TEXT,
    status TEXT NOT NULL, error TEXT, extras BLOB, seconds REAL, run INTEGER);
-- one row per article and place: its mentions there, as comma-joined JSON objects, and those
-- beyond the ones listed in full as a JSON list of [start, end, text] (NULL when none)
CREATE TABLE IF NOT EXISTS mentions(
    article_key TEXT NOT NULL, place_key TEXT NOT NULL, fidx INTEGER, conf REAL, n INTEGER, mentions TEXT,
    more TEXT);
CREATE INDEX IF NOT EXISTS mentions_place ON mentions(place_key);
CREATE TABLE IF NOT EXISTS places(place_key TEXT PRIMARY KEY, geometry TEXT, props TEXT);
CREATE TABLE IF NOT EXISTS runs(run INTEGER PRIMARY KEY, started REAL, args TEXT);
"""


def _c(value):
    """A string the journal can store: the sources validate what they read, and this is the last
    guard, so one string that is not valid Unicode can never stop a run (None stays None)."""
    return clean_text(str(value)) if value is not None else None


class JournalBusy(RuntimeError):
    """Another run holds the journal."""


class Journal:
    def __init__(self, path: Path):
        import fcntl
        self.path = path
        # one run per journal at a time: a second run would rebuild `current` under the first
        self._lock = open(path.with_name(path.name + ".lock"), "w")
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._lock.close()
            raise JournalBusy(f"another batch run is writing to {path}; wait for it or use another --out") from None
        self.db = sqlite3.connect(str(path), timeout=60)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        has_tables = self.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'articles'").fetchone()
        if has_tables and version != JOURNAL_VERSION:
            # written by an older version of this command: its results cannot be read back, so
            # they are analysed again (the journal only ever saves time)
            print(f"note: {path} has an older layout; starting it afresh", file=sys.stderr)
            self.db.executescript("DROP TABLE IF EXISTS mentions; DROP TABLE IF EXISTS places; "
                                  "DROP TABLE IF EXISTS articles; DROP TABLE IF EXISTS runs;")
        self.db.executescript(SCHEMA)
        self.db.execute(f"PRAGMA user_version = {JOURNAL_VERSION}")
        # The articles of this run, in input order: the output is assembled from these.
        self.db.executescript("DROP TABLE IF EXISTS current; CREATE TABLE current(key TEXT PRIMARY KEY, seq INTEGER);")
        cur = self.db.execute("INSERT INTO runs(started, args) VALUES (?, ?)", (time.time(), " ".join(sys.argv)))
        self.run = cur.lastrowid
        self.db.commit()
        self.seq = 0
        self.uncommitted = 0
        self.in_chunk = False
        # place keys this run has written (or found) in `places`: most articles name places
        # written before, and their rows need no statement (one key per distinct place: small)
        self.places_written: set[str] = set()

    def mark(self, recs: list[dict]) -> list[str]:
        """Add input records to this run, in order; for each: "dup" (seen before in this run),
        "done" (its result is in the journal) or "new". Three statements for the whole list."""
        out: list[str] = []
        for start in range(0, len(recs), 500):      # SQLite's limit on parameters per statement
            out.extend(self._mark(recs[start:start + 500]))
        return out

    def _mark(self, recs: list[dict]) -> list[str]:
        keys = [r["key"] for r in recs]
        marks = ",".join("?" * len(keys))
        seen = {k for (k,) in self.db.execute(f"SELECT key FROM current WHERE key IN ({marks})", keys)}
        states, fresh = [], []
        for k in keys:
            if k in seen:
                states.append("dup")
                continue
            seen.add(k)
            fresh.append((k, self.seq))
            self.seq += 1
            states.append("")
        self.db.executemany("INSERT INTO current(key, seq) VALUES (?, ?)", fresh)
        done = {k: err for k, err in self.db.execute(
            f"SELECT key, error FROM articles WHERE key IN ({marks})", keys)}
        for q, k in enumerate(keys):
            if not states[q]:
                # never done, or a worker died on it (maybe out of memory): try again
                states[q] = "done" if k in done and not (done[k] or "").startswith(WORKER_FAILED) else "new"
        return states

    def write_error(self, rec: dict) -> None:
        self.db.execute("INSERT OR REPLACE INTO articles(key, source, article_id, title, date, url, status, error, run)"
                        " VALUES (?, ?, ?, '', '', '', 'error', ?, ?)",
                        (rec["key"], _c(rec["source"]), _c(rec["id"]), _c(rec["error"]), self.run))
        self._tick()

    def write_results(self, items: list[dict], results: list[dict]) -> None:
        """The results of a chunk of articles, as one unit: an interrupt while writing them rolls
        back just this chunk, whose articles the next run analyses again."""
        db = self.db
        if not db.in_transaction:
            db.execute("BEGIN")
        db.execute("SAVEPOINT chunk")
        self.in_chunk = True
        # (no old mention rows to delete: an article is analysed again only when the journal holds
        # no result for it, or a "worker failed" error, which has none)
        db.executemany("INSERT OR REPLACE INTO articles(key, source, article_id, title, date, url, status, error, extras,"
                       " seconds, run) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       [(it["key"], _c(it["source"]), _c(res.get("id", it["id"])), _c(res.get("title") or ""),
                         _c(res.get("date", it.get("date")) or ""), _c(res.get("url", it.get("url")) or ""),
                         res["status"], _c(res["error"]), res["extras"], res["seconds"], self.run)
                        for it, res in zip(items, results)])
        new_places = {}
        for res in results:
            for row in res["places"]:
                if row[0] not in self.places_written:
                    new_places[row[0]] = row[:3]
        if new_places:
            db.executemany("INSERT OR IGNORE INTO places(place_key, geometry, props) VALUES (?, ?, ?)",
                           list(new_places.values()))
        db.executemany("INSERT INTO mentions(article_key, place_key, fidx, conf, n, mentions, more)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?)",
                       [(it["key"], row[0], *row[3:]) for it, res in zip(items, results) for row in res["places"]])
        db.execute("RELEASE chunk")
        self.in_chunk = False
        self.places_written.update(new_places)
        self._tick(len(items))

    def _tick(self, n: int = 1) -> None:
        self.uncommitted += n
        if self.uncommitted >= COMMIT_EVERY:
            self.commit()

    def commit(self) -> None:
        if self.in_chunk:
            self.db.execute("ROLLBACK TO chunk")
            self.db.execute("RELEASE chunk")
            self.in_chunk = False
        self.db.commit()
        self.uncommitted = 0

    def close(self) -> None:
        self.commit()
        self.db.close()
        self._lock.close()
