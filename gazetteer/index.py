"""The runtime place index: loads what `gazetteer.build` wrote (the files `gazetteer.format`
describes), memory-mapped where it can.

    gaz = Gazetteer.load()
    gaz.lookup("wonsan")        -> [(Place, flags), ...]
"""
from __future__ import annotations

import copy
import gzip
import json
import threading
from functools import cached_property
from pathlib import Path

import marisa_trie
import numpy as np

from gazetteer.format import (PLACE_DTYPE, AMBIGUOUS, ASCII_ALT, DEFAULT_INDEX, DEMONYM, EXACT_CASE,  # noqa: F401
                              ENGLISH_NAMES_FILE, EXACT_FORMS_FILE, LEXICON_FILE, LOWER_OK, NAMES_FILE, OFFSETS_FILE,
                              PLACE_NAMES_FILE, PLACES_FILE, POSTAL, POSTINGS_FILE, PRIMARY, SHAPES_FILE,
                              SOURCES, USER)
from gazetteer.model import FEATURE_TYPES, Place
from gazetteer.normalize import name_key


class IndexMissing(RuntimeError):
    pass


def _mapped(path: Path) -> np.ndarray:
    return np.load(path, mmap_mode="r").view(np.ndarray)


class Gazetteer:
    def __init__(self, folder: Path = DEFAULT_INDEX) -> None:
        folder = Path(folder)
        if not (folder / NAMES_FILE).exists():
            raise IndexMissing(f"no place index in {folder}; run `python -m gazetteer build`")
        self.folder = folder
        self.trie = marisa_trie.Trie()
        self.trie.mmap(str(folder / NAMES_FILE))
        # plain arrays over the mapped files: np.memmap's own indexing costs more than the lookup
        self.offsets = _mapped(folder / OFFSETS_FILE)
        postings = _mapped(folder / POSTINGS_FILE)
        self.post_pid = postings["pid"]
        self.post_flags = postings["flags"]
        self.places = _mapped(folder / PLACES_FILE)
        if self.places.dtype != PLACE_DTYPE:      # place() reads a row's fields in this order
            raise IndexMissing(f"{folder} was built by another version; run `python -m gazetteer build`")
        self.exact_forms: dict[str, list[str]] = json.loads((folder / EXACT_FORMS_FILE).read_text("utf-8"))
        self._place_cache: dict[int, Place] = {}
        self._lookup_cache: dict[str, tuple] = {}
        # the user's own gazetteer (with_user): places after the bundled ones, names in a small trie
        self.user = None
        self._user_stamp = None
        self._user_places: list[Place] = []
        self._user_keys: dict[str, tuple] = {}
        self._user_trie = None
        self.prefixes = self.trie.prefixes      # the keys that start a string (the user's too)

    _default: "Gazetteer | None" = None
    _lock = threading.Lock()

    @classmethod
    def load(cls, folder: Path | None = None) -> "Gazetteer":
        """The shared index (loaded once per process)."""
        if folder is not None:
            return cls(folder)
        with cls._lock:
            if cls._default is None:
                cls._default = cls()
            return cls._default

    def with_user(self, path) -> "Gazetteer":
        """This index with the user's own gazetteer file on top (gazetteer.user): its names are
        looked up first and found in running text. The bundled data is shared, not copied."""
        from gazetteer.user import UserGazetteer
        g = copy.copy(self)
        g._lookup_cache = {}
        g.user = UserGazetteer(path)
        g._user_stamp = False
        g.refresh_user()
        return g

    def refresh_user(self) -> bool:
        """Read the user's file again if it changed since last read; True when it did."""
        if self.user is None:
            return False
        stamp = self.user.stamp()
        if stamp == self._user_stamp:
            return False
        self._user_stamp = stamp
        self._load_user(self.user.list() if stamp is not None else [])
        return True

    def _load_user(self, entries) -> None:
        import marisa_trie
        base = len(self.places)
        places, keys = [], {}
        for k, e in enumerate(entries):
            p = Place(id=base + k, name=e.name, lat=e.lat, lon=e.lon, feature_type=e.feature_type,
                      country_code=e.country_code, source="user")
            places.append(p)
            for n, name in enumerate(e.names()):
                key = name_key(name)
                flags = USER | (PRIMARY if n == 0 else 0)
                if all(q.id != p.id for q, _ in keys.get(key, ())):
                    keys[key] = keys.get(key, ()) + ((p, flags),)
        self._user_places, self._user_keys = places, keys
        self._lookup_cache.clear()
        if keys:
            self._user_trie = marisa_trie.Trie(list(keys))
            self.prefixes = self._prefixes_with_user
        else:
            self._user_trie, self.prefixes = None, self.trie.prefixes

    def _prefixes_with_user(self, text: str) -> list[str]:
        return sorted(set(self.trie.prefixes(text)) | set(self._user_trie.prefixes(text)), key=len)

    @cached_property
    def names(self) -> list[str]:
        return (self.folder / PLACE_NAMES_FILE).read_text("utf-8").split("\n")

    @cached_property
    def lexicon(self) -> dict[str, frozenset[str]]:
        raw = json.loads((self.folder / LEXICON_FILE).read_text("utf-8"))
        return {k: frozenset(v) for k, v in raw.items()}

    @cached_property
    def english_names(self) -> dict[int, frozenset[str]]:
        """pid -> keys of the English names the place is called beside its own ("odessa" for
        Odesa); empty for an index without them."""
        path = self.folder / ENGLISH_NAMES_FILE
        if not path.exists():
            return {}
        return {int(k): frozenset(v) for k, v in json.loads(path.read_text("utf-8")).items()}

    @cached_property
    def shapes(self) -> dict[int, dict]:
        with gzip.open(self.folder / SHAPES_FILE, "rt", encoding="utf-8") as fh:
            return {int(k): v for k, v in json.load(fh).items()}

    @cached_property
    def shapes_by_name(self) -> dict[str, dict]:
        """{name: GeoJSON geometry} of the seas and regions with an outline (the first of a name)."""
        named: dict[str, dict] = {}
        for pid, geom in self.shapes.items():
            named.setdefault(self.place(pid).name, geom)
        return named

    def __len__(self) -> int:
        return len(self.places) + len(self._user_places)

    def place(self, pid: int) -> Place:
        if pid >= len(self.places):
            return self._user_places[pid - len(self.places)]
        p = self._place_cache.get(pid)
        if p is None:
            # (the array's item(), not the row's: no row scalar made on the way)
            lat, lon, population, gid, ftype, cc, admin1, source, _ = self.places.item(pid)
            # positional arguments, the fields in order: a frozen dataclass is built faster from them
            p = Place(int(pid), self.names[pid], lat, lon, FEATURE_TYPES[ftype], cc.decode("ascii"),
                      admin1.decode("utf-8", "ignore"), population, gid if gid > 0 else None, SOURCES[source])
            self._place_cache[pid] = p
        return p

    def importance(self, pid: int) -> float:
        return float(self._importance[pid]) if pid < len(self.places) else 1.0

    @cached_property
    def _importance(self) -> np.ndarray:
        """The places' importance column (a view: one field of a row costs more through the row)."""
        return self.places["importance"]

    def key_id(self, key: str) -> int | None:
        return self.trie.get(key)

    def postings(self, key_id: int) -> tuple[np.ndarray, np.ndarray]:
        a, b = self.offsets.item(key_id), self.offsets.item(key_id + 1)     # Python ints, no scalars made
        return self.post_pid[a:b], self.post_flags[a:b]

    def lookup_key(self, key: str) -> tuple[tuple[Place, int], ...]:
        """Every place whose name folds to `key`, with the posting flags; the user's own first."""
        hit = self._lookup_cache.get(key)
        if hit is None:
            kid = self.trie.get(key)
            if kid is None:
                hit = ()
            else:
                pids, flags = self.postings(kid)
                place = self.place
                hit = tuple([(place(p), f) for p, f in zip(pids.tolist(), flags.tolist())])
            if self._user_keys:
                hit = self._user_keys.get(key, ()) + hit
            if len(self._lookup_cache) > 200_000:
                self._lookup_cache.clear()
            self._lookup_cache[key] = hit
        return hit

    def has_key(self, key: str) -> bool:
        """Whether some place's name folds to `key`: one trie walk, no place built (every key of
        the trie has postings)."""
        return key in self.trie or key in self._user_keys

    def key_flags(self, key: str) -> tuple[int, ...]:
        """The posting flags of `key`, one per entry of lookup_key(key) and in its order, read
        without building the places (most names a recogniser tries are never resolved)."""
        hit = self._lookup_cache.get(key)
        if hit is not None:
            return tuple([f for _, f in hit])
        kid = self.trie.get(key)
        flags = () if kid is None else tuple(self.post_flags[self.offsets.item(kid):self.offsets.item(kid + 1)].tolist())
        if self._user_keys:
            flags = tuple([f for _, f in self._user_keys.get(key, ())]) + flags
        return flags

    def key_kinds(self, key: str) -> tuple[tuple[str, int, int], ...]:
        """(feature type, population, posting flags) of each entry of lookup_key(key), in its order,
        read from the index's columns without building the places (a recogniser asks this of most
        capitalised words it meets, and most never become a mention)."""
        hit = self._lookup_cache.get(key)
        if hit is not None:
            return tuple([(p.feature_type, p.population, f) for p, f in hit])
        kid = self.trie.get(key)
        out = ()
        if kid is not None:
            pids, flags = self.postings(kid)
            out = tuple(zip([FEATURE_TYPES[t] for t in self._ftype[pids].tolist()], self._population[pids].tolist(),
                            flags.tolist()))
        if self._user_keys:
            out = tuple((p.feature_type, p.population, f) for p, f in self._user_keys.get(key, ())) + out
        return out

    @cached_property
    def _ftype(self) -> np.ndarray:
        return self.places["ftype"]

    @cached_property
    def _population(self) -> np.ndarray:
        return self.places["population"]

    def lookup(self, name: str) -> tuple[tuple[Place, int], ...]:
        return self.lookup_key(name_key(name))

    def countries(self) -> dict[str, Place]:
        """ISO code -> the country's place."""
        if not hasattr(self, "_countries"):
            ctype = FEATURE_TYPES.index("country")
            idx = np.nonzero(self.places["ftype"] == ctype)[0]
            self._countries = {self.place(int(i)).country_code: self.place(int(i)) for i in idx}
        return self._countries

    def capital(self, country_code: str) -> Place | None:
        """The country's capital (its most populous, where GeoNames lists several)."""
        if not hasattr(self, "_capitals"):
            ctype = FEATURE_TYPES.index("capital")
            self._capitals = {}
            for i in np.nonzero(self.places["ftype"] == ctype)[0]:
                p = self.place(int(i))
                have = self._capitals.get(p.country_code)
                if have is None or p.population > have.population:
                    self._capitals[p.country_code] = p
        return self._capitals.get(country_code)

    def admin1(self, country_code: str, admin1: str) -> Place | None:
        if not hasattr(self, "_admin1"):
            atype = FEATURE_TYPES.index("admin1")
            idx = np.nonzero(self.places["ftype"] == atype)[0]
            self._admin1 = {}
            for i in idx:
                p = self.place(int(i))
                self._admin1.setdefault((p.country_code, p.admin1), p)
        return self._admin1.get((country_code, admin1))
