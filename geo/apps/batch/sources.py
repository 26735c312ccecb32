"""The batch's inputs as a stream of records: folders, article files, JSON Lines and feeds.

Each record is a dict: an article to analyse ({"kind": "article", "key", "source", "id", and the
article as file bytes ("raw", "name", meta), a JSON line ("json", "lineno") or text ("text", meta)})
or an error ({"kind": "error", "key", "source", "id", "error"}). The key identifies a record
across runs: where it is and what it holds. The main process only reads and hashes: decoding,
HTML and JSON parsing happen in the workers (geo.apps.batch.work).
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from geo.io.feeds import FEED_SUFFIXES, read_feed
from geo.io.reader import (ARTICLE_SUFFIXES, MAX_ARTICLE_BYTES, Article, InputError, bounded_lines, line_too_long,
                           read_limited, read_sidecar, too_large)
from geo.io.validate import check_path_name, clean_text, display_path

JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
FOLDER_SUFFIXES = ARTICLE_SUFFIXES | JSONL_SUFFIXES | FEED_SUFFIXES


def record_key(source: str, where: str, data: bytes) -> str:
    """The journal's key of an input record: where it is and what it holds (short, so the
    journal's indexes stay small)."""
    h = hashlib.blake2b(f"{source}|{where}|".encode("utf-8", "surrogatepass"), digest_size=12)
    h.update(data)
    return h.hexdigest()


def error_record(source: str, where: str, rec_id, message: str, data: bytes = b"") -> dict:
    source, message = clean_text(str(source)), clean_text(message)
    return {"kind": "error", "key": record_key(source, where, data + message.encode()), "source": source,
            "id": "" if rec_id is None else clean_text(str(rec_id)), "error": message}


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
        meta = read_sidecar(path)
    except InputError as e:
        return error_record(source, "", rec_id, str(e))
    except OSError as e:
        return error_record(source, "", rec_id, f"{path.name}: cannot read: {e.strerror or e}")
    # the id (path below the folder given) is part of the key: the same file reached from another
    # folder is another article id, so it is analysed again rather than listed under a stale id
    return {"kind": "article", "key": record_key(source, rec_id, data), "source": source, "id": rec_id,
            "raw": data, "name": path.name, "title": meta.get("title", ""), "date": meta.get("date", ""),
            "timezone": meta.get("timezone", ""), "url": meta.get("url", ""), "publisher": meta.get("source", "")}


def iter_jsonl(path: Path):
    source = str(path)
    try:
        f = open(path, "rb")
    except OSError as e:
        yield error_record(source, "", path.name, f"{path.name}: cannot read: {e.strerror or e}")
        return
    with f:
        for lineno, (raw, size) in enumerate(bounded_lines(f), 1):
            where = f"line {lineno}"
            if raw is None:
                yield error_record(source, where, lineno, f"line {lineno}: {line_too_long(size)}", str(size).encode())
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


def iter_inputs(paths, exclude=frozenset()):
    """Article and error records from files and folders, in a stable order, one at a time.
    `exclude`: resolved paths never read (the run's own outputs, when they lie in an input folder)."""
    for p in paths:
        path = Path(p).expanduser()
        try:
            path = path.resolve()
        except OSError:
            pass
        if path.is_dir():
            for f, error in folder_files(path):
                if error is not None:
                    yield error_record(display_path(f), "", display_path(f.relative_to(path)), error)
                elif f not in exclude:
                    yield from _file_records(f, path)
        elif path.is_file():
            if path not in exclude:
                yield from _file_records(path, None)
        else:
            yield error_record(display_path(path), "", display_path(p), f"{display_path(p)}: no such file or folder")


def folder_files(root: Path) -> list[tuple[Path, str | None]]:
    """The input files below `root` (by suffix), sorted, each as (path, None); and (folder,
    message) for each sub-folder that is not read: one that cannot be listed, or a symbolic link
    to a folder (not followed: it may lead outside the folder given, or back into it)."""
    out: list[tuple[Path, str | None]] = []
    todo = [root]
    while todo:
        folder = todo.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as e:
            out.append((folder, f"{display_path(folder)}: cannot read the folder: {e.strerror or e}; "
                                 "its articles are not analysed"))
            continue
        for entry in entries:
            path = Path(entry.path)
            try:
                if entry.is_dir(follow_symlinks=False):
                    todo.append(path)
                elif entry.is_symlink() and entry.is_dir():
                    out.append((path, f"{display_path(path)}: a symbolic link to a folder is not followed; "
                                      "give the folder itself as an input to analyse its articles"))
                elif path.suffix.lower() in FOLDER_SUFFIXES and entry.is_file():
                    out.append((path, None))
            except OSError as e:
                out.append((path, f"{display_path(path)}: cannot read: {e.strerror or e}"))
    return sorted(out, key=lambda pe: pe[0])


def _file_records(path: Path, root: Path | None):
    try:
        check_path_name(path)
    except InputError as e:
        rel = path.relative_to(root) if root is not None else Path(path.name)
        yield error_record(display_path(path), "", display_path(rel.with_suffix("")), str(e))
        return
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from iter_jsonl(path)
    elif suffix in FEED_SUFFIXES:
        yield from iter_feed(path)
    else:
        yield _article_file(path, root)
