"""`python -m geo batch`: many articles, resumable, on one machine or a Dask cluster.

    python -m geo batch INPUT... --out OUT.geojson [--csv] [--workers N] [--engine local|dask]
                                 [--scheduler ADDRESS] [--date YYYY-MM-DD]

Inputs are folders (searched recursively for .txt, .md, .html/.htm, .jsonl, .xml/.rss/.atom),
JSON Lines files (`{"id", "text", "date"?, "url"?, "title"?}` per line) and RSS/Atom feeds.

How it works:
- The main process only reads the inputs (streaming: generators, never all texts at once), writes
  the journal and assembles the output. Workers (a process pool, or Dask workers) run
  `geo.pipeline.analyse` on chunks of articles and turn each analysis straight into journal rows.
- Every article's result goes into the journal `OUT.journal.sqlite`, keyed by source path +
  line/item + a hash of the article's bytes: its status or error, one row per place it names
  (the place, and its mentions there with their sentences) and its events, relations and areas
  (GeoJSON, zlib-compressed). A chunk's results are written as one unit and commits come every
  `COMMIT_EVERY` articles, so a run that is interrupted resumes where it stopped; a rerun analyses
  nothing it has already done.
- The output is assembled from the journal with SQL, streaming: one feature per distinct place
  across all the articles of this run (same gazetteer place id, or the same coordinates for
  places without one), listing every mention; then the events, relations and areas of each article
  with its `article_id`. `OUT.errors.jsonl` lists every input that failed; `--csv` writes OUT.csv.
- Very long articles are analysed in pieces of at most `PIECE_CHARS` characters cut at paragraph
  boundaries (the pipeline's cost grows faster than linearly with length), offsets shifted back.
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import csv
import email.utils
import gc
import hashlib
import json
import os
import re
import signal
import sqlite3
import sys
import time
import xml.etree.ElementTree as ET
import zlib
from datetime import datetime
from pathlib import Path

from geo.inputs import MAX_ARTICLE_BYTES, InputError, decode_text, html_to_text, read_article, read_json_line

ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".xhtml"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom"})
FOLDER_SUFFIXES = ARTICLE_SUFFIXES | JSONL_SUFFIXES | FEED_SUFFIXES

CHUNK = 64                   # articles per task (local process pool)
DASK_CHUNK = 256             # articles per Dask task: each task costs the scheduler more than a pool task
COMMIT_EVERY = 1000          # articles per journal transaction
IN_FLIGHT_PER_WORKER = 3     # chunks queued per worker: keeps workers busy, memory bounded
PIECE_CHARS = 50_000         # longer articles are analysed in pieces (README: "Very long articles")
MAX_FEED_BYTES = 8 * MAX_ARTICLE_BYTES
_FIRST_SORT = 1 << 20        # features per article stay below this
WORKER_FAILED = "worker failed"


# ---------------------------------------------------------------------------------------------
# Reading the inputs: a stream of article and error records

def _key(source: str, where: str, data: bytes) -> str:
    """The journal's key of an input record: where it is and what it holds (short, so the
    journal's indexes stay small)."""
    h = hashlib.blake2b(f"{source}|{where}|".encode("utf-8", "surrogatepass"), digest_size=12)
    h.update(data)
    return h.hexdigest()


def _error(source: str, where: str, rec_id, message: str, data: bytes = b"") -> dict:
    return {"kind": "error", "key": _key(source, where, data + message.encode()), "source": source,
            "id": "" if rec_id is None else str(rec_id), "error": message}


def normalise_date(value) -> str:
    """An ISO date (YYYY-MM-DD) from ISO 8601 or RFC 822 (RSS pubDate) text; "" when unreadable."""
    if not isinstance(value, str) or not value.strip():
        return ""
    s = value.strip()
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(s).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    m = re.match(r"(\d{4}-\d{2}-\d{2})", s)
    try:
        return datetime.strptime(m.group(1), "%Y-%m-%d").date().isoformat() if m else ""
    except ValueError:
        return ""


def _sidecar(path: Path) -> dict:
    side = path.with_suffix(".json")
    if side == path or not side.is_file():
        return {}
    try:
        meta = json.loads(side.read_text("utf-8"))
        return meta if isinstance(meta, dict) else {}
    except (OSError, ValueError):
        return {}


def _article_file(path: Path, root: Path | None) -> dict:
    source = str(path)
    rel = path.relative_to(root) if root is not None else Path(path.name)
    rec_id = str(rel.with_suffix(""))
    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            return _error(source, "", rec_id, f"{path.name}: {size / 1e6:.1f} MB is more than the "
                          f"{MAX_ARTICLE_BYTES // 2**20} MB an article may have", str(size).encode())
        data = path.read_bytes()
    except OSError as e:
        return _error(source, "", rec_id, f"{path.name}: cannot read: {e.strerror or e}")
    meta = _sidecar(path)
    # the id (path below the folder given) is part of the key: the same file reached from another
    # folder is another article id, so it is analysed again rather than listed under a stale id
    return {"kind": "article", "key": _key(source, rec_id, data), "source": source, "id": rec_id,
            "raw": data, "name": path.name, "title": str(meta.get("title") or ""),
            "date": normalise_date(meta.get("date")), "timezone": str(meta.get("timezone") or ""), "url": ""}


def _bounded_lines(f, limit: int):
    """Lines of a binary file; a line longer than `limit` comes as (None, its length)."""
    while True:
        line = f.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            n = len(line)
            while True:
                more = f.readline(1 << 20)
                n += len(more)
                if not more or more.endswith(b"\n"):
                    break
            yield None, n
        else:
            yield line, len(line)


def iter_jsonl(path: Path):
    source = str(path)
    try:
        f = open(path, "rb")
    except OSError as e:
        yield _error(source, "", path.name, f"{path.name}: cannot read: {e.strerror or e}")
        return
    stem = path.stem
    with f:
        for lineno, (raw, size) in enumerate(_bounded_lines(f, MAX_ARTICLE_BYTES + 4096), 1):
            where = f"line {lineno}"
            if raw is None:
                yield _error(source, where, lineno, f"line {lineno}: {size / 1e6:.1f} MB is more than the "
                             f"{MAX_ARTICLE_BYTES // 2**20} MB an article may have", str(size).encode())
                continue
            if not raw.strip():
                continue
            # the line is parsed by the worker (read_json_record): the main process only hashes it
            yield {"kind": "article", "key": _key(source, where, raw), "source": source,
                   "id": f"{stem}:{lineno}", "json": raw, "lineno": lineno}


def read_json_record(item: dict) -> dict:
    """The article of a JSON Lines record: id, text, title, date, url, timezone (InputError if
    the line is not a usable record)."""
    lineno = item["lineno"]
    try:
        obj = read_json_line(item["json"])
    except InputError as e:
        rid = e.record_id if e.record_id is not None else lineno
        raise InputError(f"line {lineno}: {e}", rid) from None

    def s(k):
        v = obj.get(k)
        return v if isinstance(v, str) else ""
    rec_id = obj.get("id")
    return {"id": str(rec_id) if rec_id is not None else item["id"], "text": obj["text"], "title": s("title"),
            "date": normalise_date(obj.get("date")), "url": s("url"), "timezone": s("timezone")}


_XML_DANGER = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _markup_text(s: str) -> str:
    s = (s or "").strip()
    if "<" in s and ">" in s:
        s = html_to_text(s)[0]
    return s


def _feed_item(elem: ET.Element) -> dict:
    parts: dict[str, str] = {}
    link = ""
    for child in elem:
        name = _local(child.tag)
        if name == "link":
            href = child.get("href")
            if href and (child.get("rel") in (None, "alternate") or not link):
                link = href
            elif not href and child.text and not link:
                link = child.text.strip()
            continue
        text = "".join(child.itertext())
        if name not in parts and text.strip():
            parts[name] = text
    title = _markup_text(parts.get("title", ""))
    body = ""
    for name in ("encoded", "content", "description", "summary"):
        if parts.get(name, "").strip():
            body = _markup_text(parts[name])
            break
    date = ""
    for name in ("pubdate", "published", "updated", "date", "issued"):
        if parts.get(name):
            date = normalise_date(parts[name])
            if date:
                break
    rec_id = (parts.get("guid") or parts.get("id") or link or "").strip()
    text = f"{title}\n\n{body}" if title and body else (title or body)
    return {"title": title, "text": text, "url": link, "date": date, "id": rec_id}


def iter_feed(path: Path):
    """Items of an RSS (0.9x/2.0/1.0) or Atom feed, read incrementally. DOCTYPE and ENTITY
    declarations are refused (no entity expansion, no external resources)."""
    source = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FEED_BYTES:
            yield _error(source, "", path.name, f"{path.name}: {size / 1e6:.1f} MB is more than the "
                         f"{MAX_FEED_BYTES // 2**20} MB a feed may have", str(size).encode())
            return
        f = open(path, "rb")
    except OSError as e:
        yield _error(source, "", path.name, f"{path.name}: cannot read: {e.strerror or e}")
        return
    parser = ET.XMLPullParser(events=("start", "end"))
    depth, index, tail = 0, 0, b""
    with f:
        try:
            while True:
                block = f.read(1 << 16)
                if not block:
                    parser.close()
                    break
                if _XML_DANGER.search(tail + block):
                    raise InputError(f"{path.name}: DOCTYPE/ENTITY declarations are not accepted in feeds")
                tail = block[-16:]
                parser.feed(block)
                for event, elem in parser.read_events():
                    name = _local(elem.tag)
                    if event == "start":
                        if name in ("item", "entry"):
                            depth += 1
                        continue
                    if name not in ("item", "entry"):
                        continue
                    depth -= 1
                    if depth:
                        continue
                    index += 1
                    where = f"item {index}"
                    item = _feed_item(elem)
                    elem.clear()
                    data = json.dumps(item, sort_keys=True).encode("utf-8", "replace")
                    if not item["text"].strip():
                        yield _error(source, where, item["id"] or index, f"{path.name} item {index}: no text", data)
                        continue
                    yield {"kind": "article", "key": _key(source, where, data), "source": source,
                           "id": item["id"] or f"{path.stem}#{index}", "text": item["text"],
                           "title": item["title"], "date": item["date"], "url": item["url"], "timezone": ""}
        except ET.ParseError as e:
            yield _error(source, "", path.name, f"{path.name}: not well-formed XML: {e}", str(index).encode())
        except InputError as e:
            yield _error(source, "", path.name, str(e))


def iter_inputs(paths):
    """Article and error records from files and folders, in a stable order, one at a time."""
    for p in paths:
        path = Path(p).expanduser()
        try:
            path = path.resolve()
        except OSError:
            pass
        if path.is_dir():
            files = sorted(f for f in path.rglob("*") if f.suffix.lower() in FOLDER_SUFFIXES and f.is_file())
            for f in files:
                yield from _file_records(f, path)
        elif path.is_file():
            yield from _file_records(path, None)
        else:
            yield _error(str(path), "", p, f"{p}: no such file or folder")


def _file_records(path: Path, root: Path | None):
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from iter_jsonl(path)
    elif suffix in FEED_SUFFIXES:
        yield from iter_feed(path)
    else:
        yield _article_file(path, root)


# ---------------------------------------------------------------------------------------------
# The work: one article -> its FeatureCollection and the rows the journal needs

def init_worker() -> None:
    """Process-pool initializer: load the gazetteer once; leave Ctrl-C to the main process."""
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:
        pass
    _load_gazetteer()


def _load_gazetteer() -> None:
    from gazetteer.index import Gazetteer
    Gazetteer.load()          # shared per process: a second call returns the loaded index
    # An article allocates thousands of short-lived objects and makes no reference cycles, so
    # the default collector (every 700 allocations) spends ~8 % of a worker's time finding none.
    gc.set_threshold(100_000, 50, 100)


def split_text(text: str, limit: int = PIECE_CHARS) -> list[tuple[int, str]]:
    """Contiguous pieces of at most `limit` characters, cut at a paragraph break where there is
    one in the second half of the window, else a line break, a sentence end, a space."""
    out, pos, n = [], 0, len(text)
    while n - pos > limit:
        lo, hi = pos + limit // 2, pos + limit
        cut = -1
        for sep in ("\n\n", "\n", ". ", " "):
            i = text.rfind(sep, lo, hi)
            if i >= 0:
                cut = i + len(sep)
                break
        if cut <= pos:
            cut = hi
        out.append((pos, text[pos:cut]))
        pos = cut
    out.append((pos, text[pos:]))
    return out


def place_key(props: dict, coords) -> str:
    pid = props.get("place_id")
    if isinstance(pid, int) and pid >= 0:
        return f"g{pid}"
    return f"c{coords[0]:.6f},{coords[1]:.6f}"


def analyse_pieces(text: str, **meta) -> list[tuple[int, "Analysis"]]:
    """`analyse` over the text, in pieces for very long texts: (offset of the piece, its analysis)."""
    from geo.pipeline import analyse
    if len(text) <= PIECE_CHARS:
        return [(0, analyse(text, **meta))]
    return [(offset, analyse(piece, **meta)) for offset, piece in split_text(text) if piece.strip()]


def _shift_provenance(feature: dict, offset: int) -> dict:
    prov = feature["properties"].get("provenance") or {}
    if offset and prov.get("sentence_offsets"):
        prov["sentence_offsets"] = [[a + offset, b + offset] for a, b in prov["sentence_offsets"]]
    return feature


def analyse_to_fc(text: str, **meta) -> dict:
    """`analyse` + `to_feature_collection`, in pieces for very long texts (offsets shifted back)."""
    from geo.export import to_feature_collection
    pieces = analyse_pieces(text, **meta)
    if len(pieces) == 1 and pieces[0][0] == 0:
        return to_feature_collection(pieces[0][1])
    places: dict[str, dict] = {}
    extras: list[dict] = []
    for offset, analysis in pieces:
        fc = to_feature_collection(analysis)
        for f in fc["features"]:
            props = f["properties"]
            if props.get("kind") != "place":
                extras.append(_shift_provenance(f, offset))
                continue
            for m in props["mentions"]:
                m["start"] += offset
                m["end"] += offset
            k = place_key(props, f["geometry"]["coordinates"])
            if k in places:
                old = places[k]["properties"]
                old["mentions"].extend(props["mentions"])
                old["confidence"] = max(old["confidence"], props["confidence"])
            else:
                places[k] = f
    return {"type": "FeatureCollection", "features": list(places.values()) + extras}


_COMPACT_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_dumps = _COMPACT_JSON.encode      # one encoder for every record: json.dumps with options builds one per call


def journal_rows(article_id: str, pieces: list[tuple[int, "Analysis"]]) -> tuple[list[list], list[str]]:
    """What the journal keeps of one article, straight from its analyses (no FeatureCollection
    in between: this runs for every article of a batch).

    Places: [place_key, geometry JSON, properties JSON, index of first appearance, confidence,
    mention count, the mentions as comma-joined JSON objects]. Extras: the events, relations and
    areas as GeoJSON feature strings carrying `article_id`."""
    from geo.export import extra_features
    places: dict[str, list] = {}
    extras: list[str] = []
    for offset, analysis in pieces:
        doc = analysis.document
        for g in analysis.places:
            pk, geom, props = _place_json(g.place)
            mentions = [{"article_id": article_id, "start": m.start + offset, "end": m.end + offset,
                         "text": m.text, "kind": m.kind, "sentence": doc.sentence_text(m.sentence)}
                        for m in g.mentions]
            conf = round(g.confidence, 3)
            row = places.get(pk)
            if row is None:
                places[pk] = [pk, geom, props, len(places), conf, mentions]
            else:
                row[4] = max(row[4], conf)
                row[5].extend(mentions)
        for f in extra_features(analysis):
            f = _shift_provenance(f, offset)
            extras.append(_dumps({**f, "properties": {**f["properties"], "article_id": article_id}}))
    # one encoder call per place: the list's JSON without its brackets is the comma-joined objects
    rows = [[pk, geom, props, fidx, conf, len(ms), _dumps(ms)[1:-1]] for pk, geom, props, fidx, conf, ms in places.values()]
    return rows, extras


_PLACE_JSON: dict[int, tuple[str, str, str]] = {}


def _place_json(p) -> tuple[str, str, str]:
    """A place's key, geometry and properties as the journal stores them; the same for every
    article, so gazetteer places are encoded once per worker."""
    hit = _PLACE_JSON.get(p.id) if p.id >= 0 else None
    if hit is None:
        from geo.export import place_point
        point = place_point(p)
        pk = place_key({"place_id": p.id}, point)
        props = {"kind": "place", "name": p.name, "place_id": p.id, "geonameid": p.geonameid,
                 "feature_type": p.feature_type, "country_code": p.country_code, "source": p.source}
        hit = (pk, _dumps({"type": "Point", "coordinates": point}), _dumps(props))
        if p.id >= 0:
            if len(_PLACE_JSON) > 200_000:
                _PLACE_JSON.clear()
            _PLACE_JSON[p.id] = hit
    return hit


def analyse_item(item: dict) -> dict:
    """One article's journal record; any failure becomes an error record."""
    t0 = time.perf_counter()
    key = item["key"]
    try:
        if "json" in item:
            item = {**item, **read_json_record(item)}
        if not item.get("date") and item.get("default_date"):
            item = {**item, "date": item["default_date"]}
        if "raw" in item:
            text, html_title = read_article(item["raw"], item.get("name") or "input")
        else:
            text = item["text"]
            html_title = ""
            data = text.encode("utf-8", "replace")   # lone surrogates from JSON become "?"
            text = decode_text(data, f"article {item['id']}")
        if not text.strip():
            raise InputError(f"article {item['id']}: no text")
        limit = item.get("max_chars")
        if limit and len(text) > limit:
            raise InputError(f"article {item['id']}: {len(text):,} characters is more than --max-chars {limit:,}")
        aid = item["id"]
        # alternatives=False: the aggregated output keeps each place, not the resolver's runners-up
        pieces = analyse_pieces(text, alternatives=False, title=item.get("title") or html_title or None,
                                date=item.get("date") or None, article_id=aid, url=item.get("url") or None,
                                source=item.get("source") or None, timezone=item.get("timezone") or None)
        places, extras = journal_rows(aid, pieces)
        return {"key": key, "status": "ok", "error": None, "title": item.get("title") or html_title,
                "id": aid, "date": item.get("date") or "", "url": item.get("url") or "",
                "places": places, "extras": zlib.compress(",".join(extras).encode("utf-8"), 6) if extras else None,
                "seconds": time.perf_counter() - t0}
    except InputError as e:
        msg = str(e)
        if e.record_id is not None:
            item = {**item, "id": str(e.record_id)}
    except RecursionError:
        msg = "analysis failed: recursion too deep"
    except MemoryError:
        msg = "analysis failed: out of memory"
    except Exception as e:          # noqa: BLE001 - bad input must never stop the batch
        msg = f"analysis failed: {type(e).__name__}: {e}"
    return {"key": key, "status": "error", "error": msg, "title": item.get("title") or "", "id": item["id"],
            "date": item.get("date") or "", "url": item.get("url") or "", "places": [], "extras": None,
            "seconds": time.perf_counter() - t0}


def analyse_chunk(items: list[dict]) -> list[dict]:
    _load_gazetteer()
    return [analyse_item(it) for it in items]


# ---------------------------------------------------------------------------------------------
# The journal

JOURNAL_VERSION = 2       # PRAGMA user_version of the journal's layout
SCHEMA = """
CREATE TABLE IF NOT EXISTS articles(
    key TEXT PRIMARY KEY, source TEXT, article_id TEXT, title TEXT, date TEXT, url TEXT,
    status TEXT NOT NULL, error TEXT, extras BLOB, seconds REAL, run INTEGER);
-- one row per article and place: its mentions there, as comma-joined JSON objects
CREATE TABLE IF NOT EXISTS mentions(
    article_key TEXT NOT NULL, place_key TEXT NOT NULL, fidx INTEGER, conf REAL, n INTEGER, mentions TEXT);
CREATE INDEX IF NOT EXISTS mentions_place ON mentions(place_key);
CREATE TABLE IF NOT EXISTS places(place_key TEXT PRIMARY KEY, geometry TEXT, props TEXT);
CREATE TABLE IF NOT EXISTS runs(run INTEGER PRIMARY KEY, started REAL, args TEXT);
"""


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
                        (rec["key"], rec["source"], rec["id"], rec["error"], self.run))
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
                       [(it["key"], it["source"], res.get("id", it["id"]), res.get("title") or "",
                         res.get("date", it.get("date")) or "", res.get("url", it.get("url")) or "", res["status"],
                         res["error"], res["extras"], res["seconds"], self.run)
                        for it, res in zip(items, results)])
        new_places = {}
        for res in results:
            for row in res["places"]:
                if row[0] not in self.places_written:
                    new_places[row[0]] = row[:3]
        if new_places:
            db.executemany("INSERT OR IGNORE INTO places(place_key, geometry, props) VALUES (?, ?, ?)",
                           list(new_places.values()))
        db.executemany("INSERT INTO mentions(article_key, place_key, fidx, conf, n, mentions) VALUES (?, ?, ?, ?, ?, ?)",
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


# ---------------------------------------------------------------------------------------------
# Engines: the same loop over a process pool or a Dask client

class LocalEngine:
    def __init__(self, workers: int):
        import multiprocessing
        self.workers = workers
        self._ctx = multiprocessing.get_context("forkserver")
        # workers fork from a server that has already loaded what they need (no effect if this
        # process started its fork server earlier; the workers then load it themselves)
        self._ctx.set_forkserver_preload(["geo.warm"])
        self.pool = self._new_pool()

    def _new_pool(self):
        return cf.ProcessPoolExecutor(max_workers=self.workers, mp_context=self._ctx, initializer=init_worker)

    def submit(self, items):
        try:
            return self.pool.submit(analyse_chunk, items)
        except cf.process.BrokenProcessPool:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = self._new_pool()
            return self.pool.submit(analyse_chunk, items)

    def wait(self, futures):
        done, _ = cf.wait(futures, return_when=cf.FIRST_COMPLETED)
        return done

    def close(self, cancel: bool = False):
        self.pool.shutdown(wait=not cancel, cancel_futures=cancel)


class DaskEngine:
    def __init__(self, workers: int, scheduler: str | None):
        import logging
        from dask.distributed import Client, LocalCluster
        import dask
        for name in ("distributed", "distributed.worker", "distributed.scheduler", "distributed.nanny"):
            logging.getLogger(name).setLevel(logging.ERROR)
        # the workers' statistical profiler samples every task's stack 100 times a second: CPU
        # this work needs (it applies to the local cluster started here)
        dask.config.set({"distributed.worker.profile.enabled": False})
        self.cluster = None
        if scheduler:
            self.client = Client(scheduler)
        else:
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                        dashboard_address=None, silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
        info = self.client.scheduler_info()
        self.workers = max(1, len(info.get("workers", {})) or workers)

    def submit(self, items):
        return self.client.submit(analyse_chunk, items, pure=False)

    def wait(self, futures):
        from dask.distributed import wait
        return wait(list(futures), return_when="FIRST_COMPLETED").done

    def close(self, cancel: bool = False):
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()


# ---------------------------------------------------------------------------------------------
# The run

def run_batch(inputs, out, *, workers: int | None = None, engine: str = "local", scheduler: str | None = None,
              date: str | None = None, csv_out: bool = False, chunk: int | None = None, progress: bool | None = None,
              max_chars: int | None = None) -> dict:
    """Analyse every input article not in the journal yet, then assemble the outputs.
    Returns counts: inputs, analysed (this run), reused (from the journal), errors, places, features."""
    from tqdm import tqdm
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    workers = max(1, int(workers or os.cpu_count() or 1))
    chunk = max(1, int(chunk or (DASK_CHUNK if engine == "dask" else CHUNK)))
    journal = Journal(journal_path(out))
    stats = {"inputs": 0, "analysed": 0, "reused": 0, "duplicates": 0, "errors": 0}
    default_date = normalise_date(date) if date else ""
    eng = None
    pending: dict = {}          # future -> items
    batch: list[dict] = []
    bar = tqdm(unit=" articles", desc="batch", file=sys.stderr, disable=(not sys.stderr.isatty()) if progress is None else not progress,
               mininterval=0.5)
    interrupted = False

    def drain(block_until: int):
        while len(pending) > block_until:
            for fut in eng.wait(pending):
                items = pending.pop(fut)
                try:
                    results = fut.result()
                except Exception as e:     # noqa: BLE001 - a worker died: retry one by one, then give up
                    if len(items) > 1:
                        for it in items:
                            pending[eng.submit([it])] = [it]
                        continue
                    results = [{"key": items[0]["key"], "status": "error", "places": [], "extras": None,
                                "error": f"{WORKER_FAILED}: {type(e).__name__}: {e}", "title": "", "seconds": 0.0}]
                journal.write_results(items, results)
                stats["analysed"] += len(items)
                bar.update(len(items))

    def dispatch(recs: list[dict]):
        nonlocal batch, eng
        for rec, state in zip(recs, journal.mark(recs)):
            if state == "dup":
                stats["duplicates"] += 1
                continue
            if state == "done":
                stats["reused"] += 1
                bar.update(1)
                continue
            if rec["kind"] == "error":
                journal.write_error(rec)
                bar.update(1)
                continue
            if default_date:
                rec["default_date"] = default_date
            if max_chars:
                rec["max_chars"] = max_chars
            batch.append(rec)
            if len(batch) >= chunk:
                if eng is None:
                    eng = _engine(engine, workers, scheduler)
                pending[eng.submit(batch)] = batch
                batch = []
                drain(eng.workers * IN_FLIGHT_PER_WORKER)

    try:
        read: list[dict] = []
        for rec in iter_inputs(inputs):
            stats["inputs"] += 1
            read.append(rec)
            if len(read) >= chunk:
                dispatch(read)
                read = []
        if read:
            dispatch(read)
        if batch:
            if eng is None:
                eng = _engine(engine, workers, scheduler)
            pending[eng.submit(batch)] = batch
            batch = []
        if eng is not None:
            drain(0)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        bar.close()
        journal.commit()
        if eng is not None:
            eng.close(cancel=interrupted)
    if interrupted:
        journal.close()
        raise KeyboardInterrupt
    try:
        stats.update(assemble(journal.db, out, csv_out=csv_out))
    finally:
        journal.close()
    return stats


def _engine(kind: str, workers: int, scheduler: str | None):
    if kind == "dask":
        return DaskEngine(workers, scheduler)
    return LocalEngine(workers)


def journal_path(out: Path) -> Path:
    return out.with_name(out.stem + ".journal.sqlite") if out.suffix else out.with_name(out.name + ".journal.sqlite")


def errors_path(out: Path) -> Path:
    return out.with_name(out.stem + ".errors.jsonl")


def csv_path(out: Path) -> Path:
    return out.with_suffix(".csv")


CSV_FIELDS = ["article_id", "name", "lat", "lon", "geonameid", "feature_type", "country_code", "start", "end",
              "text", "sentence"]


def assemble(db: sqlite3.Connection, out: Path, csv_out: bool = False) -> dict:
    """Write OUT (GeoJSON), OUT.errors.jsonl and, when asked, OUT.csv from the journal, streaming."""
    db.executescript(f"""
        DROP TABLE IF EXISTS temp.agg;
        CREATE TEMP TABLE agg AS
          SELECT m.place_key AS place_key, MIN(c.seq * {_FIRST_SORT} + m.fidx) AS first, MAX(m.conf) AS conf,
                 COUNT(*) AS n_articles      -- one row per article and place
          FROM mentions m JOIN current c ON c.key = m.article_key GROUP BY m.place_key;
    """)
    tmp = out.with_name(out.name + ".part")
    tmp_csv = csv_path(out).with_name(csv_path(out).name + ".part")
    n_places = n_features = n_mentions = 0
    csv_file = open(tmp_csv, "w", encoding="utf-8", newline="") if csv_out else None
    writer = csv.writer(csv_file) if csv_file else None
    if writer:
        writer.writerow(CSV_FIELDS)
    with open(tmp, "w", encoding="utf-8") as f:
        f.write('{"type":"FeatureCollection","features":[')
        first_feature = True
        current_place = None
        # place by place, each place's rows in article order: many small sorts rather than one
        # sort that carries every mention's text
        rows = ((pk, conf, n, geom_s, props_s, n_here, mentions)
                for pk, conf, n, geom_s, props_s in db.execute("""
                    SELECT a.place_key, a.conf, a.n_articles, p.geometry, p.props
                    FROM agg a JOIN places p ON p.place_key = a.place_key ORDER BY a.first, a.place_key""")
                for n_here, mentions in db.execute("""
                    SELECT m.n, m.mentions FROM mentions m JOIN current c ON c.key = m.article_key
                    WHERE m.place_key = ? ORDER BY c.seq, m.fidx""", (pk,)))
        base = geom = None
        for pk, conf, n, geom_s, props_s, n_here, mentions in rows:
            if pk != current_place:
                if current_place is not None:
                    f.write("]}}")
                current_place = pk
                props = json.loads(props_s)
                props["confidence"] = round(conf, 3)
                props["articles"] = n
                head = _dumps(props)[:-1] + ',"mentions":['
                f.write(("" if first_feature else ",") + '{"type":"Feature","geometry":' + geom_s + ',"properties":' + head)
                first_feature = False
                n_places += 1
                first_mention = True
                base, geom = props, json.loads(geom_s)
            f.write(mentions if first_mention else "," + mentions)
            first_mention = False
            n_mentions += n_here
            if writer:
                lon, lat = geom["coordinates"][:2]
                for m in json.loads("[" + mentions + "]"):
                    writer.writerow([m["article_id"], base.get("name"), lat, lon, base.get("geonameid") or "",
                                     base.get("feature_type"), base.get("country_code"), m["start"], m["end"],
                                     m["text"], m["sentence"]])
        if current_place is not None:
            f.write("]}}")
        n_features = n_places
        for (blob,) in db.execute("""SELECT a.extras FROM articles a JOIN current c ON c.key = a.key
                                     WHERE a.status = 'ok' AND a.extras IS NOT NULL ORDER BY c.seq"""):
            s = zlib.decompress(blob).decode("utf-8")
            f.write(("" if first_feature else ",") + s)
            first_feature = False
            n_features += s.count('{"type":"Feature"')
        f.write('],"articles":[')
        n_ok = 0
        for aid, title, date, url, source in db.execute(
                """SELECT a.article_id, a.title, a.date, a.url, a.source FROM articles a JOIN current c ON c.key = a.key
                   WHERE a.status = 'ok' ORDER BY c.seq"""):
            f.write(("," if n_ok else "") + _dumps({"article_id": aid, "title": title, "date": date, "url": url,
                                                     "source": source}))
            n_ok += 1
        f.write("]}\n")
    if csv_file:
        csv_file.close()
        os.replace(tmp_csv, csv_path(out))
    os.replace(tmp, out)
    n_errors = 0
    etmp = errors_path(out).with_name(errors_path(out).name + ".part")
    with open(etmp, "w", encoding="utf-8") as ef:
        for source, aid, err in db.execute("""SELECT a.source, a.article_id, a.error FROM articles a
                                              JOIN current c ON c.key = a.key WHERE a.status = 'error' ORDER BY c.seq"""):
            ef.write(_dumps({"source": source, "id": aid, "error": err}) + "\n")
            n_errors += 1
    os.replace(etmp, errors_path(out))
    return {"articles_ok": n_ok, "errors": n_errors, "places": n_places, "mentions": n_mentions,
            "features": n_features}


# ---------------------------------------------------------------------------------------------
# Command line

def cmd_batch(args) -> int:
    if args.scheduler and args.engine != "dask":
        print("error: --scheduler needs --engine dask", file=sys.stderr)
        return 2
    if args.date and not normalise_date(args.date):
        print(f"error: --date {args.date!r} is not a date (YYYY-MM-DD)", file=sys.stderr)
        return 2
    if args.workers is not None and args.workers < 1:
        print("error: --workers must be at least 1", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    try:
        stats = run_batch(args.inputs, args.out, workers=args.workers, engine=args.engine, scheduler=args.scheduler,
                          date=args.date, csv_out=args.csv, chunk=args.chunk, max_chars=args.max_chars)
    except KeyboardInterrupt:
        print(f"interrupted; finished articles are kept in {journal_path(Path(args.out))}: "
              "run the same command again to resume", file=sys.stderr)
        return 130
    except (OSError, sqlite3.Error, JournalBusy) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    dt = time.perf_counter() - t0
    print(f"{stats['inputs']} inputs: {stats['analysed']} analysed, {stats['reused']} from the journal, "
          f"{stats['errors']} errors (see {errors_path(Path(args.out))}); {stats['places']} places, "
          f"{stats['mentions']} mentions, {stats['features']} features -> {args.out} in {dt:.1f} s",
          file=sys.stderr)
    return 0


def add_batch_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser("batch", help="many articles (folders, JSON Lines, RSS/Atom) to one GeoJSON, resumable")
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="folders (.txt .md .html .jsonl .xml/.rss/.atom inside), JSON Lines or RSS/Atom files")
    p.add_argument("--out", required=True, help="the GeoJSON to write; OUT.journal.sqlite and OUT.errors.jsonl go beside it")
    p.add_argument("--csv", action="store_true", help="also write OUT.csv, one row per mention")
    p.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    p.add_argument("--engine", choices=("local", "dask"), default="local")
    p.add_argument("--scheduler", help="address of a running Dask scheduler (with --engine dask)")
    p.add_argument("--date", help="publication date (YYYY-MM-DD) for articles that give none")
    p.add_argument("--max-chars", type=int, default=None,
                   help="refuse (error record) articles longer than this many characters; default: any article "
                        "geo.inputs accepts (long ones are analysed in pieces, about 5 s per million characters)")
    p.add_argument("--chunk", type=int, default=None, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_batch)
    return p
