"""Shared by the store's tests: records made by hand (no pipeline: fast enough for the
concurrency tests) and the seeds analysed for real, in dated variants."""
from __future__ import annotations

import json
import sqlite3
import zlib

from geo.store.records import ArticleRecord, PlaceRow, dumps, text_hash
from tests.conftest import ROOT, analyse

SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def fake_record(i: int, n_places: int = 5, date: str = "2020-01-01", aid: str | None = None) -> ArticleRecord:
    text = f"Article {i}: " + " ".join(f"Place{i % 50 + k}" for k in range(n_places))
    places = []
    for k in range(n_places):
        key = f"g{900000 + i % 50 + k}"
        props = dumps({"kind": "place", "name": f"Place{i % 50 + k}", "place_id": 900000 + i % 50 + k,
                       "geonameid": None, "feature_type": "city", "country_code": "JP", "source": "test"})
        men = [{"start": 12, "end": 18, "text": f"Place{k}", "kind": "toponym", "sentence": text,
                "article_id": aid or f"a{i}"}]
        places.append(PlaceRow(key, 130.0 + k, 35.0 + (i % 7), props, 0.5 + k / 20, 1, dumps(men)))
    event = dumps({"type": "Feature", "geometry": {"type": "Point", "coordinates": [131.0, 38.0]},
                   "properties": {"kind": "event", "role": "impact", "label": f"Impact {i}", "time": date,
                                  "zones": [{"kind": "EEZ", "sovereign": "JP", "inside": True}],
                                  "sentences": [text], "article_id": aid or f"a{i}"}})
    return ArticleRecord(article_id=aid or f"a{i}", text_hash=text_hash(text), title=f"Title {i}", date=date,
                         text=text, places=places, events=[event], extras=zlib.compress(event.encode()), n_features=1)


def consistent(path) -> tuple[int, list]:
    """(articles, problems): every article's place and event rows are all there, none twice."""
    db = sqlite3.connect(str(path), timeout=30)
    try:
        db.execute("BEGIN")
        rows = db.execute("""SELECT a.article_id, a.n_places, a.n_events,
                                    (SELECT COUNT(*) FROM mentions m WHERE m.article = a.id),
                                    (SELECT COUNT(*) FROM features f WHERE f.article = a.id) FROM articles a""").fetchall()
        dup = db.execute("SELECT text_hash, COUNT(*) FROM articles GROUP BY text_hash HAVING COUNT(*) > 1").fetchall()
        orphans = db.execute("SELECT COUNT(*) FROM mentions WHERE article NOT IN (SELECT id FROM articles)").fetchone()[0]
        db.execute("COMMIT")
    finally:
        db.close()
    bad = [r for r in rows if r[1] != r[3] or r[2] != r[4]]
    return len(rows), bad + dup + ([("orphan mentions", orphans)] if orphans else [])


def seed_variants(copies: int = 3):
    """The seeds analysed for real, each in `copies` dated variants (another first line, so each
    is its own article); the variants share places and events."""
    from geo.store import from_analysis
    out = []
    for c in range(copies):
        for k, path in enumerate(SEEDS):
            meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
            year = int(meta["date"][:4])
            date = f"{year}-{meta['date'][5:7]}-{int(meta['date'][8:10]) + c:02d}"
            text = f"Report {c} of {path.stem}.\n\n" + path.read_text(encoding="utf-8")
            a = analyse(text, title=f"{meta.get('title', path.stem)} ({c + 1})", date=date,
                        timezone=meta.get("timezone", ""), article_id=f"{path.stem}-{c}",
                        source=["Wire A", "Daily B", "Herald C"][c % 3], url=f"https://example.org/{k}/{c}")
            out.append(from_analysis(a))
    return out
