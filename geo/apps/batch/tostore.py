"""`python -m geo batch ... --store S`: the batch's results go to a store as well, a chunk per
transaction, straight from the rows the workers made for the journal (no second pass)."""
from __future__ import annotations

import sqlite3

from geo.store import Store, open_store
from geo.store.records import from_batch


class StoreSink:
    """Writes each chunk the batch analysed; at the end, the articles it took from its journal
    (analysed by an earlier run) that the store lacks."""

    def __init__(self, store: Store | str):
        self.store = open_store(store) if isinstance(store, str) else store
        self.reused: list[str] = []          # journal keys of articles not analysed in this run
        self.stats = {"stored": 0, "updated": 0}

    def write(self, items: list[dict], results: list[dict]) -> None:
        recs = [from_batch(it, res) for it, res in zip(items, results) if res.get("status") == "ok"]
        if recs:
            s = self.store.add(recs)
            self.stats["stored"] += s["added"]
            self.stats["updated"] += s["updated"]

    def backfill(self, journal: sqlite3.Connection) -> None:
        """Articles reused from the journal, added when the store does not have them (without
        their text, which the journal does not keep)."""
        for start in range(0, len(self.reused), 500):
            keys = self.reused[start:start + 500]
            marks = ",".join("?" * len(keys))
            arts = journal.execute(f"SELECT key, article_id, title, date, url, source, extras FROM articles"
                                   f" WHERE key IN ({marks}) AND status = 'ok'", keys).fetchall()
            have = self.store.existing(a[1] for a in arts)
            arts = [a for a in arts if a[1] not in have]
            if not arts:
                continue
            rows: dict[str, list] = {a[0]: [] for a in arts}
            marks = ",".join("?" * len(arts))
            for key, pk, geom, props, fidx, conf, n, men in journal.execute(
                    f"SELECT m.article_key, m.place_key, p.geometry, p.props, m.fidx, m.conf, m.n, m.mentions"
                    f" FROM mentions m JOIN places p ON p.place_key = m.place_key WHERE m.article_key IN ({marks})"
                    " ORDER BY m.fidx", [a[0] for a in arts]):
                rows[key].append([pk, geom, props, fidx, conf, n, men])
            items = [{"key": a[0], "id": a[1], "source": a[5]} for a in arts]
            results = [{"id": a[1], "title": a[2], "date": a[3], "url": a[4], "places": rows[a[0]], "extras": a[6]}
                       for a in arts]
            s = self.store.add([from_batch(it, res) for it, res in zip(items, results)])
            self.stats["stored"] += s["added"]
            self.stats["updated"] += s["updated"]
        self.reused = []

    def close(self) -> None:
        self.store.close()
