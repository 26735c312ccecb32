"""What every part of the build shares: the Builder that collects places and names, and readers."""
from __future__ import annotations

import csv
import gzip
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

from gazetteer.format import DEMONYM, EXACT_CASE, SOURCES
from gazetteer.model import FEATURE_TYPES
from gazetteer.normalize import key_variants, name_key

PACKAGE = Path(__file__).resolve().parent.parent          # gazetteer/
DEFAULT_NE = PACKAGE.parent.parent / "shared" / "naturalearth"
DEFAULT_OUT = PACKAGE / "data" / "index"
CURATED = PACKAGE / "data" / "curated"


def progress(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class Builder:
    """Places (rows of the place table) and the names that point at them, as the build adds them."""

    def __init__(self) -> None:
        self.rows: list[tuple] = []
        self.names: list[str] = []
        self.postings: dict[str, dict[int, int]] = defaultdict(dict)
        self.exact_forms: dict[str, list[str]] = defaultdict(list)
        self.shapes: dict[int, dict] = {}
        self.english: dict[int, list[str]] = defaultdict(list)     # pid -> keys of its English names

    def add_place(self, name, lat, lon, ftype, cc="", admin1="", population=0, geonameid=None,
                  source="geonames", importance=0.0) -> int:
        pid = len(self.rows)
        self.rows.append((float(lat), float(lon), int(population or 0), int(geonameid or -1),
                          FEATURE_TYPES.index(ftype), (cc or "").encode("ascii", "ignore"),
                          (admin1 or "").encode("utf-8")[:8], SOURCES.index(source),
                          float(importance)))
        self.names.append(name)
        return pid

    def add_name(self, name: str, pid: int, flags: int = 0) -> None:
        key, keys = index_keys(name, flags)
        for k in keys:
            self.postings[k][pid] = self.postings[k].get(pid, 0) | flags
        if keys and flags & EXACT_CASE:
            forms = self.exact_forms[key]
            if name.strip() not in forms:
                forms.append(name.strip())

    def pids_of_type(self, ftype: str) -> dict[str, int]:
        """Name -> place of every place of one feature type added so far."""
        code = FEATURE_TYPES.index(ftype)
        return {self.names[pid]: pid for pid, row in enumerate(self.rows) if row[4] == code}


def index_keys(name: str, flags: int) -> tuple[str, set[str]]:
    """The name's key and the keys it is indexed under (none for a name too short or too long
    to be one): its spelling variants, except for exact-case names and demonyms."""
    key = name_key(name) if name else ""
    if len(key) < 2 or len(key) > 80:
        return key, set()
    return key, {key} if flags & (EXACT_CASE | DEMONYM) else key_variants(key)


def usable_alternate(alt: str, main: str) -> bool:
    """Alternate names worth indexing: drop codes (IATA "HAN"), URLs and numerals."""
    a = alt.strip()
    if len(a) < 3 or a == main:
        return len(a) >= 2 and a == main
    if a.isupper() and len(a) <= 4:
        return False
    if any(ch.isdigit() for ch in a) or "http" in a or "/" in a:
        return False
    return True


def is_latin(text: str) -> bool:
    return all(ord(c) < 0x250 or c in "’‘ʻʼ" for c in text)


def load_geojson(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)["features"]


def read_tsv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        lines = [ln for ln in fh if not ln.startswith("#") and ln.strip()]
    return list(csv.DictReader(lines, delimiter="\t"))
