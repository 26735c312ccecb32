"""`python -m geo batch`: many articles, resumable, on one machine or a Dask cluster.

    python -m geo batch INPUT... --out OUT.geojson [--csv] [--workers N] [--engine local|dask]
                                 [--scheduler ADDRESS] [--date YYYY-MM-DD]

Inputs are folders (searched recursively for .txt, .md, .html/.htm, .jsonl, .xml/.rss/.atom),
JSON Lines files (`{"id", "text", "date"?, "url"?, "title"?}` per line) and RSS/Atom feeds.

How it works:
- The main process only reads the inputs (streaming: generators, never all texts at once), writes
  the journal and assembles the output. Workers (a process pool, or Dask workers) run
  `geo.pipeline.analyse` + `geo.export.to_feature_collection` on chunks of articles.
- Every article's result (its FeatureCollection, zlib-compressed, or its error) goes into the
  journal `OUT.journal.sqlite`, keyed by source path + line/item + a hash of the article's bytes,
  together with one row per place mention. Commits come every `COMMIT_EVERY` articles, so a run
  that is interrupted resumes where it stopped; a rerun analyses nothing it has already done.
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

CHUNK = 64                   # articles per task
COMMIT_EVERY = 200           # articles per journal transaction
IN_FLIGHT_PER_WORKER = 3     # chunks queued per worker: keeps workers busy, memory bounded
PIECE_CHARS = 50_000         # longer articles are analysed in pieces (README: "Very long articles")
MAX_FEED_BYTES = 8 * MAX_ARTICLE_BYTES
_FIRST_SORT = 1 << 20        # features per article stay below this
WORKER_FAILED = "worker failed"


# ---------------------------------------------------------------------------------------------
# Reading the inputs: a stream of article and error records

def _key(source: str, where: str, data: bytes) -> str:
    return f"{source}|{where}|{hashlib.sha1(data).hexdigest()[:20]}"


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
    with f:
        for lineno, (raw, size) in enumerate(_bounded_lines(f, MAX_ARTICLE_BYTES + 4096), 1):
            where = f"line {lineno}"
            if raw is None:
                yield _error(source, where, lineno, f"line {lineno}: {size / 1e6:.1f} MB is more than the "
                             f"{MAX_ARTICLE_BYTES // 2**20} MB an article may have", str(size).encode())
                continue
            if not raw.strip():
                continue
            try:
                obj = read_json_line(raw)
            except InputError as e:
                rid = e.record_id if e.record_id is not None else lineno
                yield _error(source, where, rid, f"line {lineno}: {e}", raw)
                continue
            rec_id, text = obj.get("id"), obj["text"]

            def s(k):
                v = obj.get(k)
                return v if isinstance(v, str) else ""
            yield {"kind": "article", "key": _key(source, where, raw), "source": source,
                   "id": str(rec_id) if rec_id is not None else f"{path.stem}:{lineno}", "text": text,
                   "title": s("title"), "date": normalise_date(obj.get("date")), "url": s("url"),
                   "timezone": s("timezone")}


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


def analyse_to_fc(text: str, **meta) -> dict:
    """`analyse` + `to_feature_collection`, in pieces for very long texts (offsets shifted back)."""
    from geo.export import to_feature_collection
    from geo.pipeline import analyse
    pieces = split_text(text) if len(text) > PIECE_CHARS else [(0, text)]
    if len(pieces) == 1:
        return to_feature_collection(analyse(text, **meta))
    places: dict[str, dict] = {}
    extras: list[dict] = []
    for offset, piece in pieces:
        if not piece.strip():
            continue
        fc = to_feature_collection(analyse(piece, **meta))
        for f in fc["features"]:
            props = f["properties"]
            if props.get("kind") != "place":
                prov = props.get("provenance") or {}
                if offset and prov.get("sentence_offsets"):
                    prov["sentence_offsets"] = [[a + offset, b + offset] for a, b in prov["sentence_offsets"]]
                extras.append(f)
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


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def analyse_item(item: dict) -> dict:
    """One article's journal record; any failure becomes an error record."""
    t0 = time.perf_counter()
    key = item["key"]
    try:
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
        fc = analyse_to_fc(text, title=item.get("title") or html_title or None, date=item.get("date") or None,
                           article_id=aid, url=item.get("url") or None, source=item.get("source") or None,
                           timezone=item.get("timezone") or None)
        places, extras = [], []
        for fidx, f in enumerate(fc["features"]):
            props = f["properties"]
            if props.get("kind") != "place":
                ef = dict(f)
                ef["properties"] = dict(props, article_id=aid)
                extras.append(_dumps(ef))
                continue
            coords = f["geometry"]["coordinates"]
            base = {k: props.get(k) for k in ("kind", "name", "place_id", "geonameid", "feature_type",
                                              "country_code", "source")}
            mentions = [(_dumps({"article_id": aid, "start": m["start"], "end": m["end"], "text": m["text"],
                                 "kind": m.get("kind", "toponym"), "sentence": m.get("sentence", "")}), midx)
                        for midx, m in enumerate(props.get("mentions", []))]
            places.append((place_key(props, coords), _dumps(f["geometry"]), _dumps(base), fidx,
                           float(props.get("confidence") or 0.0), mentions))
        return {"key": key, "status": "ok", "error": None, "title": item.get("title") or html_title,
                "fc": zlib.compress(_dumps(fc).encode("utf-8"), 6), "places": places,
                "extras": zlib.compress(",".join(extras).encode("utf-8"), 6) if extras else None,
                "seconds": time.perf_counter() - t0}
    except InputError as e:
        msg = str(e)
    except RecursionError:
        msg = "analysis failed: recursion too deep"
    except MemoryError:
        msg = "analysis failed: out of memory"
    except Exception as e:          # noqa: BLE001 - bad input must never stop the batch
        msg = f"analysis failed: {type(e).__name__}: {e}"
    return {"key": key, "status": "error", "error": msg, "title": item.get("title") or "", "fc": None,
            "places": [], "extras": None, "seconds": time.perf_counter() - t0}


def analyse_chunk(items: list[dict]) -> list[dict]:
    _load_gazetteer()
    return [analyse_item(it) for it in items]


# ---------------------------------------------------------------------------------------------
# The journal

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles(
    key TEXT PRIMARY KEY, source TEXT, article_id TEXT, title TEXT, date TEXT, url TEXT,
    status TEXT NOT NULL, error TEXT, fc BLOB, extras BLOB, seconds REAL, run INTEGER);
CREATE TABLE IF NOT EXISTS mentions(
    article_key TEXT NOT NULL, place_key TEXT NOT NULL, fidx INTEGER, midx INTEGER, conf REAL, mention TEXT);
CREATE INDEX IF NOT EXISTS mentions_place ON mentions(place_key);
CREATE INDEX IF NOT EXISTS mentions_article ON mentions(article_key);
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
        self.db.executescript(SCHEMA)
        # The articles of this run, in input order: the output is assembled from these.
        self.db.executescript("DROP TABLE IF EXISTS current; CREATE TABLE current(key TEXT PRIMARY KEY, seq INTEGER);")
        cur = self.db.execute("INSERT INTO runs(started, args) VALUES (?, ?)", (time.time(), " ".join(sys.argv)))
        self.run = cur.lastrowid
        self.db.commit()
        self.seq = 0
        self.uncommitted = 0
        self.in_article = False

    def mark(self, rec: dict) -> str:
        """Add an input record to this run: "dup" (seen in this run), "done" (journalled) or "new"."""
        key = rec["key"]
        cur = self.db.execute("INSERT OR IGNORE INTO current(key, seq) VALUES (?, ?)", (key, self.seq))
        self.seq += 1
        if cur.rowcount == 0:
            return "dup"
        row = self.db.execute("SELECT error FROM articles WHERE key = ?", (key,)).fetchone()
        if row is None or (row[0] or "").startswith(WORKER_FAILED):
            return "new"          # never done, or a worker died on it (maybe out of memory): try again
        return "done"

    def write_error(self, rec: dict) -> None:
        self.db.execute("INSERT OR REPLACE INTO articles(key, source, article_id, title, date, url, status, error, run)"
                        " VALUES (?, ?, ?, '', '', '', 'error', ?, ?)",
                        (rec["key"], rec["source"], rec["id"], rec["error"], self.run))
        self._tick()

    def write_result(self, item: dict, res: dict) -> None:
        db = self.db
        if not db.in_transaction:
            db.execute("BEGIN")
        db.execute("SAVEPOINT article")       # an interrupt mid-article rolls back just this article
        self.in_article = True
        db.execute("DELETE FROM mentions WHERE article_key = ?", (item["key"],))
        db.execute("INSERT OR REPLACE INTO articles(key, source, article_id, title, date, url, status, error, fc, extras,"
                   " seconds, run) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (item["key"], item["source"], item["id"], res.get("title") or "", item.get("date") or "",
                    item.get("url") or "", res["status"], res["error"], res["fc"], res["extras"], res["seconds"],
                    self.run))
        for pk, geom, props, fidx, conf, mentions in res["places"]:
            db.execute("INSERT OR IGNORE INTO places(place_key, geometry, props) VALUES (?, ?, ?)", (pk, geom, props))
            db.executemany("INSERT INTO mentions(article_key, place_key, fidx, midx, conf, mention) VALUES (?, ?, ?, ?, ?, ?)",
                           [(item["key"], pk, fidx, midx, conf, m) for m, midx in mentions])
        db.execute("RELEASE article")
        self.in_article = False
        self._tick()

    def _tick(self) -> None:
        self.uncommitted += 1
        if self.uncommitted >= COMMIT_EVERY:
            self.commit()

    def commit(self) -> None:
        if self.in_article:
            self.db.execute("ROLLBACK TO article")
            self.db.execute("RELEASE article")
            self.in_article = False
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
        for name in ("distributed", "distributed.worker", "distributed.scheduler", "distributed.nanny"):
            logging.getLogger(name).setLevel(logging.ERROR)
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
              date: str | None = None, csv_out: bool = False, chunk: int = CHUNK, progress: bool | None = None,
              max_chars: int | None = None) -> dict:
    """Analyse every input article not in the journal yet, then assemble the outputs.
    Returns counts: inputs, analysed (this run), reused (from the journal), errors, places, features."""
    from tqdm import tqdm
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    workers = max(1, int(workers or os.cpu_count() or 1))
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
                    results = [{"key": items[0]["key"], "status": "error", "fc": None, "places": [], "extras": None,
                                "error": f"{WORKER_FAILED}: {type(e).__name__}: {e}", "title": "", "seconds": 0.0}]
                for it, res in zip(items, results):
                    journal.write_result(it, res)
                    stats["analysed"] += 1
                    bar.update(1)

    try:
        for rec in iter_inputs(inputs):
            stats["inputs"] += 1
            state = journal.mark(rec)
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
            if default_date and not rec.get("date"):
                rec["date"] = default_date
            if max_chars:
                rec["max_chars"] = max_chars
            batch.append(rec)
            if len(batch) >= chunk:
                if eng is None:
                    eng = _engine(engine, workers, scheduler)
                pending[eng.submit(batch)] = batch
                batch = []
                drain(eng.workers * IN_FLIGHT_PER_WORKER)
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
                 COUNT(DISTINCT m.article_key) AS n
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
        rows = db.execute("""
            SELECT a.place_key, a.conf, a.n, p.geometry, p.props, m.mention
            FROM agg a JOIN places p ON p.place_key = a.place_key
                       JOIN mentions m ON m.place_key = a.place_key
                       JOIN current c ON c.key = m.article_key
            ORDER BY a.first, a.place_key, c.seq, m.fidx, m.midx""")
        base = geom = None
        for pk, conf, n, geom_s, props_s, mention in rows:
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
            f.write(mention if first_mention else "," + mention)
            first_mention = False
            n_mentions += 1
            if writer:
                m = json.loads(mention)
                lon, lat = geom["coordinates"][:2]
                writer.writerow([m["article_id"], base.get("name"), lat, lon, base.get("geonameid") or "",
                                 base.get("feature_type"), base.get("country_code"), m["start"], m["end"], m["text"],
                                 m["sentence"]])
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
    p.add_argument("--chunk", type=int, default=CHUNK, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_batch)
    return p
