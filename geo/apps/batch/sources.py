"""The batch's inputs as a stream of records: folders, article files, JSON Lines and feeds.

Each record is a dict: an article to analyse ({"kind": "article", "key", "source", "id", and the
article as file bytes ("raw", "name", meta), a JSON line ("json", "lineno") or text ("text", meta)})
or an error ({"kind": "error", "key", "source", "id", "error"}). The key identifies a record
across runs: where it is and what it holds. The main process only reads and hashes: decoding,
HTML and JSON parsing happen in the workers (geo.apps.batch.work).
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from geo.io.feeds import FEED_SUFFIXES, read_feed
from geo.io.reader import (ARTICLE_SUFFIXES, MAX_ARTICLE_BYTES, Article, InputError, read_limited, read_sidecar,
                           too_large)

JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
FOLDER_SUFFIXES = ARTICLE_SUFFIXES | JSONL_SUFFIXES | FEED_SUFFIXES


def record_key(source: str, where: str, data: bytes) -> str:
    """The journal's key of an input record: where it is and what it holds (short, so the
    journal's indexes stay small)."""
    h = hashlib.blake2b(f"{source}|{where}|".encode("utf-8", "surrogatepass"), digest_size=12)
    h.update(data)
    return h.hexdigest()


def error_record(source: str, where: str, rec_id, message: str, data: bytes = b"") -> dict:
    return {"kind": "error", "key": record_key(source, where, data + message.encode()), "source": source,
            "id": "" if rec_id is None else str(rec_id), "error": message}


def article_meta(article: Article) -> dict:
    return {"title": article.title, "date": article.date, "timezone": article.timezone, "url": article.url,
            "publisher": article.source}


def _article_file(path: Path, root: Path | None) -> dict:
    source = str(path)
    rel = path.relative_to(root) if root is not None else Path(path.name)
    rec_id = str(rel.with_suffix(""))
    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            return error_record(source, "", rec_id, str(too_large(size, path.name)), str(size).encode())
        with open(path, "rb") as f:
            data = read_limited(f, path.name)
    except InputError as e:
        return error_record(source, "", rec_id, str(e))
    except OSError as e:
        return error_record(source, "", rec_id, f"{path.name}: cannot read: {e.strerror or e}")
    meta = read_sidecar(path)
    # the id (path below the folder given) is part of the key: the same file reached from another
    # folder is another article id, so it is analysed again rather than listed under a stale id
    return {"kind": "article", "key": record_key(source, rec_id, data), "source": source, "id": rec_id,
            "raw": data, "name": path.name, "title": meta.get("title", ""), "date": meta.get("date", ""),
            "timezone": meta.get("timezone", ""), "url": meta.get("url", ""), "publisher": meta.get("source", "")}


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
        yield error_record(source, "", path.name, f"{path.name}: cannot read: {e.strerror or e}")
        return
    with f:
        for lineno, (raw, size) in enumerate(_bounded_lines(f, MAX_ARTICLE_BYTES + 4096), 1):
            where = f"line {lineno}"
            if raw is None:
                yield error_record(source, where, lineno, f"line {lineno}: {size / 1e6:.1f} MB is more than the "
                                   f"{MAX_ARTICLE_BYTES // 2**20} MB an article may have", str(size).encode())
                continue
            if not raw.strip():
                continue
            # the line is parsed by the worker: the main process only hashes it
            yield {"kind": "article", "key": record_key(source, where, raw), "source": source,
                   "id": f"{path.stem}:{lineno}", "json": raw, "lineno": lineno}


def iter_feed(path: Path):
    source = str(path)
    for where, item, data in read_feed(path):
        if isinstance(item, InputError):
            rec_id = item.record_id if where else path.name
            yield error_record(source, where, rec_id, str(item), data)
        else:
            yield {"kind": "article", "key": record_key(source, where, data), "source": source, "id": item.id,
                   "text": item.text, **article_meta(item)}


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
            yield error_record(str(path), "", p, f"{p}: no such file or folder")


def _file_records(path: Path, root: Path | None):
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from iter_jsonl(path)
    elif suffix in FEED_SUFFIXES:
        yield from iter_feed(path)
    else:
        yield _article_file(path, root)
