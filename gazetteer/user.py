"""The user's own gazetteer: places a user adds (or corrects on the page), kept in a small local
file and used by every later analysis, ranked above the bundled data.

    from gazetteer.user import UserGazetteer
    ug = UserGazetteer("~/.local/share/newsmap/gazetteer.tsv")   # Settings.user_gazetteer
    ug.add("Aziziyah", 36.2105, 37.1357, feature_type="city", country_code="SY")
    ug.list()       -> [UserPlace(name="Aziziyah", lat=36.2105, ...)]
    ug.remove("Aziziyah")   -> 1 (entries removed)

From the shell: `python -m gazetteer add NAME LAT LON [--type T --country CC --alt NAME]`,
`python -m gazetteer list`, `python -m gazetteer remove NAME`.

The file is UTF-8 text, tab-separated, one place a line, with a header line:
`name  lat  lon  feature_type  country_code  alt_names (|-separated)  added (ISO date)`.
A name is one entry: adding it again replaces the old one (names compare folded, so "Kyiv" and
"kyiv" are one). Writes go to a temporary file renamed over the old one, so a reader never sees
half a file. A `Pipeline` built with `Settings(user_gazetteer=path)` reads it, and reads it again
when the file changes (the page's corrections show in the next analysis).
"""
from __future__ import annotations

import math
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from gazetteer.model import CITY, FEATURE_TYPES
from gazetteer.normalize import name_key

DEFAULT_PATH = Path("~/.local/share/newsmap/gazetteer.tsv")
COLUMNS = ("name", "lat", "lon", "feature_type", "country_code", "alt_names", "added")


@dataclass(frozen=True, slots=True)
class UserPlace:
    name: str
    lat: float
    lon: float
    feature_type: str = CITY
    country_code: str = ""
    alt_names: tuple[str, ...] = field(default_factory=tuple)
    added: str = ""

    def names(self) -> tuple[str, ...]:
        return (self.name, *self.alt_names)


class UserGazetteerError(ValueError):
    pass


def _clean(text: str) -> str:
    return " ".join(str(text).replace("\t", " ").split())


def check_place(name: str, lat: float, lon: float, feature_type: str, country_code: str) -> UserPlace:
    name = _clean(name)
    if len(name_key(name)) < 2:
        raise UserGazetteerError(f"a name needs at least two letters: {name!r}")
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        raise UserGazetteerError(f"latitude and longitude must be numbers: {lat!r}, {lon!r}") from None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise UserGazetteerError(f"coordinates out of range: {lat}, {lon}")
    if feature_type not in FEATURE_TYPES:
        raise UserGazetteerError(f"unknown type {feature_type!r}; choose from {', '.join(FEATURE_TYPES)}")
    cc = (country_code or "").strip().upper()
    if cc and (len(cc) != 2 or not cc.isalpha()):
        raise UserGazetteerError(f"a country code is two letters (ISO 3166-1): {country_code!r}")
    return UserPlace(name, round(lat, 6), round(lon, 6), feature_type, cc)


class UserGazetteer:
    """The places in one user gazetteer file (which need not exist yet)."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path).expanduser()

    def list(self) -> list[UserPlace]:
        """Every entry, in the order added."""
        if not self.path.exists():
            return []
        out = []
        for n, line in enumerate(self.path.read_text("utf-8").splitlines()):
            if not line.strip() or line.startswith("#") or (n == 0 and line.startswith("name\t")):
                continue
            cells = line.split("\t") + [""] * len(COLUMNS)
            try:
                out.append(UserPlace(cells[0], float(cells[1]), float(cells[2]), cells[3] or CITY,
                                     cells[4], tuple(a for a in cells[5].split("|") if a.strip()), cells[6]))
            except ValueError:
                continue        # a line edited by hand into nonsense is skipped, not fatal
        return out

    def add(self, name: str, lat: float, lon: float, feature_type: str = CITY, country_code: str = "",
            alt_names=()) -> UserPlace:
        """Add a place (or replace the entry of that name) and save the file."""
        place = check_place(name, lat, lon, feature_type, country_code)
        alts = tuple(a for a in (_clean(a) for a in alt_names) if len(name_key(a)) >= 2)
        place = UserPlace(place.name, place.lat, place.lon, place.feature_type, place.country_code, alts,
                          time.strftime("%Y-%m-%d"))
        key = name_key(place.name)
        self._save([p for p in self.list() if name_key(p.name) != key] + [place])
        return place

    def remove(self, name: str) -> int:
        """Remove the entry of that name (folded); returns how many were removed (0 or 1)."""
        key = name_key(name)
        places = self.list()
        kept = [p for p in places if name_key(p.name) != key]
        if len(kept) != len(places):
            self._save(kept)
        return len(places) - len(kept)

    def _save(self, places: list[UserPlace]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lines = ["\t".join(COLUMNS)]
        lines += ["\t".join((p.name, repr(p.lat), repr(p.lon), p.feature_type, p.country_code,
                             "|".join(p.alt_names), p.added)) for p in places]
        fd, tmp = tempfile.mkstemp(prefix=".gazetteer-", dir=self.path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
        os.replace(tmp, self.path)

    def stamp(self) -> tuple | None:
        """Changes whenever the file does (None: no file)."""
        try:
            st = self.path.stat()
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)
