"""Write what a Builder collected as an index folder (the files `gazetteer.format` names)."""
from __future__ import annotations

import gzip
import json
import time
from pathlib import Path

import numpy as np

from gazetteer.build.common import Builder, progress
from gazetteer.format import (ENGLISH_NAMES_FILE, EXACT_FORMS_FILE, LEXICON_FILE, META_FILE, NAMES_FILE,
                              OFFSETS_FILE, PLACE_DTYPE, PLACE_NAMES_FILE, PLACES_FILE, POSTINGS_FILE, SHAPES_FILE)


def write_postings(postings: dict[str, dict[int, int]], out_dir: Path) -> int:
    """The trie of name keys, and each key's postings (pid, flags) in pid order, grouped by the
    trie's key ids. Returns the number of postings."""
    import marisa_trie
    keys = sorted(postings)
    trie = marisa_trie.Trie(keys)
    offsets = np.zeros(len(keys) + 1, dtype=np.int32)
    ordered = [None] * len(keys)
    for k in keys:
        ordered[trie[k]] = postings[k]
    post_pid, post_flags = [], []
    for i, plist in enumerate(ordered):
        items = sorted(plist.items())
        post_pid.extend(p for p, _ in items)
        post_flags.extend(f for _, f in items)
        offsets[i + 1] = offsets[i] + len(items)
    trie.save(str(out_dir / NAMES_FILE))
    save_postings(out_dir, np.array(post_pid, dtype=np.int32), np.array(post_flags, dtype=np.uint8))
    np.save(out_dir / OFFSETS_FILE, offsets, allow_pickle=False)
    return len(post_pid)


def save_postings(out_dir: Path, pids: np.ndarray, flags: np.ndarray) -> None:
    np.save(out_dir / POSTINGS_FILE, np.rec.fromarrays([pids, flags], names=["pid", "flags"]).view(np.ndarray),
            allow_pickle=False)


def write_places(rows: list[tuple], names: list[str], out_dir: Path) -> None:
    np.save(out_dir / PLACES_FILE, np.array(rows, dtype=PLACE_DTYPE), allow_pickle=False)
    write_place_names(names, out_dir)


def write_place_names(names, out_dir: Path) -> None:
    (out_dir / PLACE_NAMES_FILE).write_text("\n".join(n.replace("\n", " ") for n in names) + "\n",
                                            encoding="utf-8")


def write_extras(b: Builder, lexicon: dict, out_dir: Path) -> None:
    """Shapes, exact forms and the recogniser's lexicon."""
    # no time stamp in the gzip header: the same sources give the same bytes
    with open(out_dir / SHAPES_FILE, "wb") as raw, gzip.GzipFile("", "wb", fileobj=raw, mtime=0) as gz:
        gz.write(json.dumps({str(k): v for k, v in b.shapes.items()}, separators=(",", ":")).encode("utf-8"))
    (out_dir / EXACT_FORMS_FILE).write_text(json.dumps(b.exact_forms, ensure_ascii=False, sort_keys=True),
                                            encoding="utf-8")
    (out_dir / LEXICON_FILE).write_text(json.dumps(lexicon, ensure_ascii=False, sort_keys=True),
                                        encoding="utf-8")
    english = {str(pid): sorted(set(keys)) for pid, keys in sorted(getattr(b, "english", {}).items())}
    (out_dir / ENGLISH_NAMES_FILE).write_text(json.dumps(english, ensure_ascii=False, sort_keys=True),
                                              encoding="utf-8")


def write_meta(out_dir: Path, places: int, keys: int, postings: int, sources: list[str]) -> dict:
    meta = {"places": places, "keys": keys, "postings": postings, "built": time.strftime("%Y-%m-%d"),
            "sources": sources}
    (out_dir / META_FILE).write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return meta


def write_index(b: Builder, lexicon: dict, out_dir: Path, sources: list[str]) -> dict:
    progress("writing")
    out_dir.mkdir(parents=True, exist_ok=True)
    n_postings = write_postings(b.postings, out_dir)
    write_places(b.rows, b.names, out_dir)
    write_extras(b, lexicon, out_dir)
    meta = write_meta(out_dir, len(b.rows), len(b.postings), n_postings, sources)
    progress(f"done: {meta}")
    return meta
