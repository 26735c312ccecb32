"""The batch's outputs, assembled from its journal with SQL, streaming (memory stays flat however
many articles there are): OUT (one GeoJSON FeatureCollection), OUT.errors.jsonl, OUT.csv."""
from __future__ import annotations

import json
import os
import sqlite3
import zlib
from pathlib import Path

from geo.apps.batch.work import dumps
from geo.io.export import csv_writer, mention_rows

_FIRST_SORT = 1 << 20        # features per article stay below this


def journal_path(out: Path) -> Path:
    return out.with_name(out.stem + ".journal.sqlite") if out.suffix else out.with_name(out.name + ".journal.sqlite")


def errors_path(out: Path) -> Path:
    return out.with_name(out.stem + ".errors.jsonl")


def csv_path(out: Path) -> Path:
    return out.with_suffix(".csv")


def own_outputs(out: Path) -> frozenset:
    """Every file a run writes for OUT (resolved): never read as input, should OUT lie in an input
    folder (its errors file is JSON Lines, which a folder's search would otherwise pick up)."""
    out = out.resolve()
    files = [out, errors_path(out), csv_path(out), journal_path(out)]
    files += [_part(f) for f in files] + [journal_path(out).with_name(journal_path(out).name + ".lock")]
    return frozenset(files)


def _part(path: Path) -> Path:
    """Where a file is written before it replaces `path` whole."""
    return path.with_name(path.name + ".part")


def assemble(db: sqlite3.Connection, out: Path, csv_out: bool = False) -> dict:
    """Write OUT (GeoJSON), OUT.errors.jsonl and, when asked, OUT.csv from the journal, streaming."""
    db.executescript(f"""
        DROP TABLE IF EXISTS temp.agg;
        CREATE TEMP TABLE agg AS
          SELECT m.place_key AS place_key, MIN(c.seq * {_FIRST_SORT} + m.fidx) AS first, MAX(m.conf) AS conf,
                 COUNT(*) AS n_articles,     -- one row per article and place
                 MAX(m.more IS NOT NULL) AS has_more
          FROM mentions m JOIN current c ON c.key = m.article_key GROUP BY m.place_key;
    """)
    csv_file = open(_part(csv_path(out)), "w", encoding="utf-8", newline="") if csv_out else None
    try:
        with open(_part(out), "w", encoding="utf-8") as f:
            f.write('{"type":"FeatureCollection","features":[')
            counts = _write_places(db, f, csv_writer(csv_file) if csv_file else None)
            counts["features"] = counts["places"] + _write_extras(db, f, first=not counts["places"])
            f.write('],"articles":[')
            counts["articles_ok"] = _write_articles(db, f)
            f.write("]}\n")
    finally:
        if csv_file:
            csv_file.close()
    if csv_file:
        os.replace(_part(csv_path(out)), csv_path(out))
    os.replace(_part(out), out)
    counts["errors"] = _write_errors(db, out)
    return counts


_PLACES = """SELECT a.place_key, a.conf, a.n_articles, p.geometry, p.props, a.has_more
              FROM agg a JOIN places p ON p.place_key = a.place_key ORDER BY a.first, a.place_key"""
# each place's rows in article order: many small sorts rather than one that carries every mention
_MENTIONS = """SELECT m.n, m.mentions FROM mentions m JOIN current c ON c.key = m.article_key
               WHERE m.place_key = ? ORDER BY c.seq, m.fidx"""
_MORE = """SELECT a.article_id, m.more FROM mentions m JOIN current c ON c.key = m.article_key
           JOIN articles a ON a.key = m.article_key WHERE m.place_key = ? AND m.more IS NOT NULL ORDER BY c.seq"""


def _write_places(db: sqlite3.Connection, f, writer) -> dict:
    """One feature per distinct place across the run's articles, listing every mention."""
    n_places = n_mentions = 0
    for pk, conf, n, geom_s, props_s, has_more in db.execute(_PLACES):
        props = json.loads(props_s)
        props["confidence"] = round(conf, 3)
        props["articles"] = n
        head = dumps(props)[:-1] + ',"mentions":['
        f.write(("," if n_places else "") + '{"type":"Feature","geometry":' + geom_s + ',"properties":' + head)
        n_places += 1
        lon, lat = json.loads(geom_s)["coordinates"][:2]
        for q, (n_here, mentions) in enumerate(db.execute(_MENTIONS, (pk,))):
            f.write("," + mentions if q else mentions)
            n_mentions += n_here
            if writer:
                writer.writerows(mention_rows(props, lon, lat, json.loads("[" + mentions + "]")))
        f.write("]")
        if has_more:
            _write_more(db, f, pk, writer, (props, lon, lat))
        f.write("}}")
    return {"places": n_places, "mentions": n_mentions}


def _write_more(db: sqlite3.Connection, f, pk: str, writer, place: tuple) -> None:
    """A place's mentions beyond those listed in full, article by article: `more_mentions`."""
    f.write(',"more_mentions":[')
    for q, (aid, more) in enumerate(db.execute(_MORE, (pk,))):
        f.write(("," if q else "") + '{"article_id":' + dumps(aid) + ',"mentions":' + more + "}")
        if writer:
            writer.writerows(mention_rows(*place, ({"article_id": aid, "start": s, "end": e, "text": t}
                                                   for s, e, t in json.loads(more))))
    f.write("]")


def _write_extras(db: sqlite3.Connection, f, first: bool) -> int:
    """Each article's events, relations and areas, in article order."""
    n = 0
    for (blob,) in db.execute("""SELECT a.extras FROM articles a JOIN current c ON c.key = a.key
                                 WHERE a.status = 'ok' AND a.extras IS NOT NULL ORDER BY c.seq"""):
        s = zlib.decompress(blob).decode("utf-8")
        f.write(("" if first else ",") + s)
        first = False
        n += s.count('{"type":"Feature"')
    return n


def _write_articles(db: sqlite3.Connection, f) -> int:
    n_ok = 0
    for aid, title, date, url, source in db.execute(
            """SELECT a.article_id, a.title, a.date, a.url, a.source FROM articles a JOIN current c ON c.key = a.key
               WHERE a.status = 'ok' ORDER BY c.seq"""):
        f.write(("," if n_ok else "") + dumps({"article_id": aid, "title": title, "date": date, "url": url,
                                               "source": source}))
        n_ok += 1
    return n_ok


def _write_errors(db: sqlite3.Connection, out: Path) -> int:
    n = 0
    with open(_part(errors_path(out)), "w", encoding="utf-8") as ef:
        for source, aid, err in db.execute("""SELECT a.source, a.article_id, a.error FROM articles a
                                              JOIN current c ON c.key = a.key WHERE a.status = 'error' ORDER BY c.seq"""):
            ef.write(dumps({"source": source, "id": aid, "error": err}) + "\n")
            n += 1
    os.replace(_part(errors_path(out)), errors_path(out))
    return n
