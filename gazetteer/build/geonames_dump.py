"""An index from GeoNames' own dump files, for users who have them (every feature class: islands,
capes, hydrography, facilities…), in the same format the runtime loads.

    python -m gazetteer build --geonames allCountries.txt [--alternate-names alternateNamesV2.txt] [--out DIR]

`allCountries.txt` has 19 tab-separated columns: geonameid, name, asciiname, alternatenames
(comma-separated), latitude, longitude, feature class, feature code, country code, cc2,
admin1 code, admin2 code, admin3 code, admin4 code, population, elevation, dem, timezone,
modification date. `alternateNamesV2.txt` has 10: alternateNameId, geonameid, isolanguage,
alternate name, isPreferredName, isShortName, isColloquial, isHistoric, from, to.

Streaming, in bounded memory: place rows go to disk as they are read; each name's postings
(key, place, flags) are gathered in sorted runs of at most RUN_RECORDS records written to
temporary files and merged at the end; a place's row is found from its GeoNames id through one
int32 array (52 MB for GeoNames' 13 million ids). What stays in memory grows with the number of
distinct keys only inside marisa's C++ trie builder. Natural Earth's seas and regions (with their
shapes) and the curated tables are added on top, as in the bundled index.
"""
from __future__ import annotations

import heapq
import os
import tempfile
from pathlib import Path

import numpy as np

from gazetteer.build.common import Builder, index_keys, is_latin, progress, usable_alternate
from gazetteer.format import (ASCII_ALT, EXACT_CASE, LOWER_OK, NAMES_FILE, OFFSETS_FILE, PLACE_DTYPE,
                              PLACE_NAMES_FILE, PLACES_FILE, PRIMARY, SOURCES)
from gazetteer.model import (ADMIN1, ADMIN2, CAPITAL, CITY, CONTINENT, COUNTRY, FEATURE_TYPES, REGION, SITE,
                             WATER, ZONE)

RUN_RECORDS = 2_000_000
DUMP_COLUMNS = 19
ALTERNATE_COLUMNS = 10
# alternate names that are codes or links, not names
SKIP_LANGUAGES = frozenset({"link", "post", "iata", "icao", "faac", "tcid", "unlc", "wkdt", "fr_1793"})
COUNTRY_CODES = frozenset({"PCLI", "PCLD", "PCLF", "PCLS", "PCLIX", "PCL", "TERR"})
_CLASS_TYPE = {"H": WATER, "T": REGION, "L": REGION, "S": SITE, "R": SITE, "U": WATER, "V": REGION}
_IMPORTANCE = {COUNTRY: 1.0, CONTINENT: 0.9, ADMIN1: 0.8, CAPITAL: 0.7, ADMIN2: 0.4}


def feature_type(fclass: str, fcode: str) -> str | None:
    """The coarse type of a GeoNames feature class and code (None: not indexed)."""
    if fclass == "A":
        if fcode in COUNTRY_CODES:
            return COUNTRY
        if fcode == "ADM1":
            return ADMIN1
        if fcode.startswith("ADM") or fcode == "ADMD":
            return ADMIN2
        return ZONE if fcode == "ZN" else None
    if fclass == "P":
        return CAPITAL if fcode == "PPLC" else (None if fcode in ("PPLH", "PPLQ", "PPLW") else CITY)
    if fclass == "L" and fcode == "CONT":
        return CONTINENT
    return _CLASS_TYPE.get(fclass)


class DumpBuilder(Builder):
    """A Builder whose place rows and name postings go to disk as they come."""

    def __init__(self, tmp: Path) -> None:
        super().__init__()
        self.tmp = tmp
        self.n_places = 0
        self._rows_fh = open(tmp / "rows.bin", "wb")
        self._names_fh = open(tmp / PLACE_NAMES_FILE, "w", encoding="utf-8")
        self._buffer: list[tuple[str, int, int]] = []
        self.runs: list[Path] = []
        self.lower_keys: set[str] = set()
        self._row_buffer = np.zeros(65536, dtype=PLACE_DTYPE)
        self._row_fill = 0

    def add_place(self, name, lat, lon, ftype, cc="", admin1="", population=0, geonameid=None,
                  source="geonames", importance=0.0) -> int:
        pid = self.n_places
        self._row_buffer[self._row_fill] = (float(lat), float(lon), int(population or 0), int(geonameid or -1),
                                            FEATURE_TYPES.index(ftype), (cc or "").encode("ascii", "ignore"),
                                            (admin1 or "").encode("utf-8")[:8], SOURCES.index(source),
                                            float(importance))
        self._row_fill += 1
        if self._row_fill == len(self._row_buffer):
            self._flush_rows()
        self._names_fh.write(name.replace("\n", " ") + "\n")
        self.n_places += 1
        return pid

    def _flush_rows(self) -> None:
        self._rows_fh.write(self._row_buffer[:self._row_fill].tobytes())
        self._row_fill = 0

    def add_name(self, name: str, pid: int, flags: int = 0) -> None:
        key, keys = index_keys(name, flags)
        if not keys:
            return
        for k in keys:
            self._buffer.append((k, pid, flags))
            if flags & LOWER_OK:
                self.lower_keys.add(k)
        if flags & EXACT_CASE:
            forms = self.exact_forms[key]
            if name.strip() not in forms:
                forms.append(name.strip())
        if len(self._buffer) >= RUN_RECORDS:
            self._flush_run()

    def _flush_run(self) -> None:
        if not self._buffer:
            return
        self._buffer.sort()
        path = self.tmp / f"run{len(self.runs):04d}.tsv"
        with open(path, "w", encoding="utf-8") as fh:
            fh.writelines(f"{k}\t{p}\t{f}\n" for k, p, f in self._buffer)
        self.runs.append(path)
        self._buffer = []

    def pids_of_type(self, ftype: str) -> dict[str, int]:
        return dict(self._typed.get(ftype, {}))

    def finish_places(self, out_dir: Path) -> None:
        """The place table and names, moved into the output folder."""
        self._flush_rows()
        self._rows_fh.close()
        self._names_fh.close()
        rows = np.memmap(self.tmp / "rows.bin", dtype=PLACE_DTYPE, mode="r")
        out = np.lib.format.open_memmap(out_dir / PLACES_FILE, mode="w+", dtype=PLACE_DTYPE, shape=rows.shape)
        for a in range(0, len(rows), 1 << 20):        # a million rows at a time
            out[a:a + (1 << 20)] = rows[a:a + (1 << 20)]
        out.flush()
        del out, rows
        os.replace(self.tmp / PLACE_NAMES_FILE, out_dir / PLACE_NAMES_FILE)
        self._flush_run()


def _read_runs(runs: list[Path]):
    """(key, pid, flags) from every run, in (key, pid) order, one record per (key, pid) with the
    flags or-ed."""
    def records(path):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                k, p, f = line.rstrip("\n").split("\t")
                yield k, int(p), int(f)
    last = None
    for rec in heapq.merge(*(records(p) for p in runs)):
        if last is not None and rec[0] == last[0] and rec[1] == last[1]:
            last = (last[0], last[1], last[2] | rec[2])
            continue
        if last is not None:
            yield last
        last = rec
    if last is not None:
        yield last


def write_postings(b: DumpBuilder, out_dir: Path) -> tuple[int, int]:
    """The trie and postings from the sorted runs, in two passes over the merge. Returns
    (keys, postings)."""
    import marisa_trie
    from gazetteer.build.write import save_postings
    from array import array
    keys_path = b.tmp / "keys.txt"
    counts = array("l")         # a machine integer per key, not a Python object
    with open(keys_path, "w", encoding="utf-8") as fh:
        prev = None
        for k, _, _ in _read_runs(b.runs):
            if k != prev:
                fh.write(k + "\n")
                counts.append(0)
                prev = k
            counts[-1] += 1
    counts = np.frombuffer(counts, dtype=np.int64) if counts.itemsize == 8 else np.array(counts, dtype=np.int64)

    def keys():
        with open(keys_path, encoding="utf-8") as fh:
            for line in fh:
                yield line[:-1]
    trie = marisa_trie.Trie(keys())
    kid_of = np.fromiter((trie[k] for k in keys()), dtype=np.int32, count=len(counts))
    by_kid = np.zeros(len(counts), dtype=np.int64)
    by_kid[kid_of] = counts
    offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(by_kid, out=offsets[1:])
    total = int(offsets[-1])
    pids = np.lib.format.open_memmap(b.tmp / "pids.npy", mode="w+", dtype=np.int32, shape=(total,))
    flags = np.lib.format.open_memmap(b.tmp / "flags.npy", mode="w+", dtype=np.uint8, shape=(total,))
    pos, prev, n = -1, None, -1
    for k, p, f in _read_runs(b.runs):
        if k != prev:
            n += 1
            pos = int(offsets[kid_of[n]])
            prev = k
        pids[pos], flags[pos] = p, f
        pos += 1
    trie.save(str(out_dir / NAMES_FILE))
    save_postings(out_dir, pids, flags)
    np.save(out_dir / OFFSETS_FILE, offsets.astype(np.int32), allow_pickle=False)
    return len(counts), total


def read_dump(path: Path, b: DumpBuilder, id_to_pid: np.ndarray) -> dict[str, int]:
    """Every feature of the dump with a type: a place, its name, ASCII name and alternate names.
    Returns ISO code -> the country's place."""
    countries: dict[str, int] = {}
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            cols = line.rstrip("\n").split("\t")
            if len(cols) != DUMP_COLUMNS:
                continue
            ftype = feature_type(cols[6], cols[7])
            if ftype is None:
                continue
            gid, name = int(cols[0]), cols[1]
            pid = b.add_place(name, float(cols[4]), float(cols[5]), ftype, cols[8] if ftype != CONTINENT else "",
                              cols[10], int(cols[14] or 0), gid, importance=_IMPORTANCE.get(ftype, 0.0))
            if gid < len(id_to_pid):
                id_to_pid[gid] = pid
            if ftype == COUNTRY and cols[7] == "PCLI" or (ftype == COUNTRY and cols[8] not in countries):
                countries[cols[8]] = pid
            if ftype == CONTINENT:
                b._typed.setdefault(CONTINENT, {})[name] = pid
            b.add_name(name, pid, PRIMARY)
            if cols[2] != name:
                b.add_name(cols[2], pid)
            for alt in cols[3].split(",") if cols[3] else ():
                if usable_alternate(alt, name):
                    b.add_name(alt, pid, ASCII_ALT if is_latin(alt) else 0)
            if n and n % 1_000_000 == 0:
                progress(f"{n:,} lines")
    return countries


def read_alternate_names(path: Path, b: DumpBuilder, id_to_pid: np.ndarray) -> int:
    """alternateNamesV2: each usable name of an indexed place (codes and links skipped,
    abbreviations matched exactly as written)."""
    added = 0
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < ALTERNATE_COLUMNS - 2 or cols[2] in SKIP_LANGUAGES:
                continue
            gid = int(cols[1])
            pid = int(id_to_pid[gid]) if gid < len(id_to_pid) else -1
            if pid < 0:
                continue
            alt = cols[3]
            if cols[2] == "abbr":
                b.add_name(alt, pid, EXACT_CASE)
            elif usable_alternate(alt, ""):
                b.add_name(alt, pid, ASCII_ALT if is_latin(alt) else 0)
            else:
                continue
            added += 1
    return added


def build_from_dump(dump: Path, alternate_names: Path | None, ne_dir: Path | None, out_dir: Path,
                    max_geonameid: int = 16_000_000) -> dict:
    from gazetteer.build import add_airports, curated, lexicon_from_keys, naturalearth
    from gazetteer.build.write import write_extras, write_meta
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gazetteer-build-") as tmp:
        b = DumpBuilder(Path(tmp))
        b._typed = {}
        id_to_pid = np.full(max_geonameid, -1, dtype=np.int32)
        progress(f"reading {dump}")
        countries = read_dump(dump, b, id_to_pid)
        if alternate_names is not None:
            progress(f"reading {alternate_names}")
            progress(f"{read_alternate_names(alternate_names, b, id_to_pid):,} alternate names")
        del id_to_pid
        if ne_dir is not None and ne_dir.exists():
            naturalearth.add_features(b, ne_dir)
        add_airports(b)
        curated.add_curated(b, countries, us_states(b, out_dir, countries))
        b.finish_places(out_dir)
        progress("writing postings")
        keys, postings = write_postings(b, out_dir)
        write_extras(b, lexicon_from_keys(b.lower_keys), out_dir)
        meta = write_meta(out_dir, b.n_places, keys, postings,
                          [f"GeoNames dump {dump.name}" + (f" + {alternate_names.name}" if alternate_names else ""),
                           "Natural Earth 10m/50m" if ne_dir is not None and ne_dir.exists() else "",
                           "curated tables in gazetteer/data/curated"])
    progress(f"done: {meta}")
    return meta


def us_states(b: DumpBuilder, out_dir: Path, countries) -> dict[str, int]:
    """ISO 3166-2 code -> place for the divisions the curated tables name (US states: GeoNames'
    admin-1 codes of the US are their postal codes); read back from the rows written so far."""
    b._flush_rows()
    b._rows_fh.flush()
    rows = np.memmap(b.tmp / "rows.bin", dtype=PLACE_DTYPE, mode="r")
    idx = np.nonzero((rows["ftype"] == FEATURE_TYPES.index(ADMIN1)) & (rows["cc"] == b"US"))[0]
    return {f"US-{rows['admin1'][i].decode()}": int(i) for i in idx}
