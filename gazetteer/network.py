"""Opt-in network fallback for names the offline gazetteer lacks: Nominatim through geopy.

Off by default. Switched on by the pipeline's settings (``geo.settings``: the environment's
`NEWSMAP_GEOCODER=nominatim`, optionally `NEWSMAP_GEOCODER_URL=http://host:port` for a
self-hosted Nominatim and `NEWSMAP_GEOCODER_CACHE=path` for the cache file) or by
`python -m geo parse --network`.
See the README, "Network fallback": names from the article leave the machine when it is on.

- rate-limited with geopy's `RateLimiter` (1 request a second by default, Nominatim's policy);
- every answer, hits and misses alike, is cached in a SQLite file keyed by the normalised name
  (`~/.cache/newsmap/geocode.sqlite` by default), so a name is asked at most once;
- any failure (time-out, refused connection, HTTP error, bad JSON) is caught, reported once on
  stderr, and the lookup answers None: the parse goes on without it. After a few failures in a
  row the geocoder stops asking for the rest of the process.
"""
from __future__ import annotations

import json
import os
import sqlite3
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from gazetteer.model import ADMIN1, ADMIN2, CITY, COUNTRY, REGION, WATER, Place
from gazetteer.normalize import name_key

SUPPORTED = ("nominatim",)

DEFAULT_DOMAIN = "nominatim.openstreetmap.org"
DEFAULT_CACHE = Path("~/.cache/newsmap/geocode.sqlite")
USER_AGENT = "newsmap/0.1 (news-article geoparser; offline gazetteer with opt-in Nominatim fallback)"
MAX_CONSECUTIVE_FAILURES = 3
REASON = "from the network geocoder (Nominatim)"

_WATER_TYPES = frozenset("sea ocean bay strait gulf water lake river reservoir lagoon fjord sound "
                         "channel canal wetland".split())
_REGION_TYPES = frozenset("island islet archipelago peninsula region mountain_range peak volcano desert "
                          "cape valley plateau ridge forest".split())
_ADMIN1_TYPES = frozenset("state province region state_district".split())


def feature_type_of(raw: dict) -> str:
    """Nominatim's class/type (and addresstype, place_rank) mapped roughly onto our coarse types."""
    cls = str(raw.get("class") or raw.get("category") or "")
    typ = str(raw.get("type") or "")
    addresstype = str(raw.get("addresstype") or "")
    try:
        rank = int(raw.get("place_rank") or 0)
    except (TypeError, ValueError):
        rank = 0
    if typ == "country" or addresstype == "country" or (cls == "boundary" and rank == 4):
        return COUNTRY
    if cls in ("waterway",) or (cls == "natural" and typ in _WATER_TYPES) or typ in ("sea", "ocean", "bay", "strait"):
        return WATER
    if cls == "boundary" and typ == "administrative":
        if addresstype in _ADMIN1_TYPES or rank in (5, 6, 7, 8):
            return ADMIN1
        if addresstype == "county" or rank in (9, 10, 11, 12):
            return ADMIN2
        return CITY
    if cls == "place":
        if typ in ("state", "province"):
            return ADMIN1
        if typ in ("county", "district"):
            return ADMIN2
        if typ in _REGION_TYPES:
            return REGION
        return CITY
    if cls == "natural":
        return REGION
    return CITY


def place_from_result(raw: dict, query: str) -> Place | None:
    """A Place (id -1, source "network") from one Nominatim result, None when it has no point."""
    try:
        lat, lon = float(raw["lat"]), float(raw["lon"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    address = raw.get("address") if isinstance(raw.get("address"), dict) else {}
    name = raw.get("name") or str(raw.get("display_name") or "").split(",")[0].strip() or query
    cc = str(address.get("country_code") or "").upper()[:2]
    return Place(id=-1, name=str(name), lat=lat, lon=lon, feature_type=feature_type_of(raw),
                 country_code=cc, source="network")


class _Cache:
    """SQLite: (endpoint, normalised name) -> the JSON list of results ([] for a miss)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=5)
        self._lock = threading.Lock()
        with self._lock, self._db:
            self._db.execute("CREATE TABLE IF NOT EXISTS geocode (endpoint TEXT NOT NULL, key TEXT NOT NULL, "
                             "results TEXT NOT NULL, fetched REAL NOT NULL, PRIMARY KEY (endpoint, key))")

    def get(self, endpoint: str, key: str) -> list | None:
        with self._lock:
            row = self._db.execute("SELECT results FROM geocode WHERE endpoint = ? AND key = ?",
                                   (endpoint, key)).fetchone()
        if row is None:
            return None
        try:
            value = json.loads(row[0])
        except ValueError:
            return None
        return value if isinstance(value, list) else None

    def put(self, endpoint: str, key: str, results: list) -> None:
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO geocode VALUES (?, ?, ?, ?)",
                             (endpoint, key, json.dumps(results, ensure_ascii=False), time.time()))

    def close(self) -> None:
        with self._lock:
            self._db.close()


class NetworkGeocoder:
    """Nominatim (public or self-hosted) behind a rate limiter and a disk cache; never raises."""

    def __init__(self, *, domain: str = DEFAULT_DOMAIN, scheme: str = "https", user_agent: str = USER_AGENT,
                 min_delay_seconds: float = 1.0, timeout: float = 5.0,
                 cache_path: str | os.PathLike | None = None, limit: int = 5) -> None:
        from geopy.adapters import URLLibAdapter
        from geopy.extra.rate_limiter import RateLimiter
        from geopy.geocoders import Nominatim

        self.domain = domain
        self.scheme = scheme
        self.endpoint = f"{scheme}://{domain}"
        self.timeout = timeout
        self.limit = limit
        self.requests = 0                 # lookups that went to the server (not the cache)
        self._failures = 0                # consecutive failures
        self._warned: set[str] = set()
        # urllib, not requests: requests retries a timed-out read twice behind the rate limiter's back
        self._nominatim = Nominatim(user_agent=user_agent, domain=domain, scheme=scheme, timeout=timeout,
                                    adapter_factory=URLLibAdapter)
        self._geocode = RateLimiter(self._nominatim.geocode, min_delay_seconds=min_delay_seconds,
                                    max_retries=0, swallow_exceptions=False)
        self._cache: _Cache | None = None
        path = Path(cache_path if cache_path is not None else DEFAULT_CACHE).expanduser()
        try:
            self._cache = _Cache(path)
        except (OSError, sqlite3.Error) as e:
            self._warn("cache", f"cannot open the cache {path} ({e}); answers will not be kept")

    @classmethod
    def from_url(cls, url: str, **kw) -> "NetworkGeocoder":
        """`http://127.0.0.1:8080` or `https://example.org/nominatim` -> scheme and domain."""
        parts = urlsplit(url if "://" in url else f"https://{url}")
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"not an http(s) URL: {url!r}")
        return cls(domain=parts.netloc + parts.path.rstrip("/"), scheme=parts.scheme, **kw)

    @property
    def disabled(self) -> bool:
        return self._failures >= MAX_CONSECUTIVE_FAILURES

    def _warn(self, kind: str, message: str) -> None:
        if kind not in self._warned:
            self._warned.add(kind)
            print(f"warning: network geocoder: {message}", file=sys.stderr)

    def lookup(self, name: str) -> list[dict] | None:
        """Nominatim's raw results for a name (cached; [] for none), or None when the lookup failed."""
        key = name_key(name).strip()
        if not key:
            return []
        if self._cache is not None:
            cached = self._cache.get(self.endpoint, key)
            if cached is not None:
                return cached
        if self.disabled:
            return None
        self.requests += 1
        try:
            found = self._geocode(name, exactly_one=False, limit=self.limit, addressdetails=True,
                                  language="en", timeout=self.timeout)
            results = [loc.raw for loc in (found or []) if isinstance(getattr(loc, "raw", None), dict)]
        except Exception as e:   # noqa: BLE001 - any failure leaves the parse going without it
            self._failures += 1
            self._warn(type(e).__name__, f"{type(e).__name__}: {str(e)[:120] or 'failed'}; going on without it")
            if self.disabled:
                self._warn("disabled", f"{self._failures} failures in a row; no more lookups in this run")
            return None
        self._failures = 0
        if self._cache is not None:
            try:
                self._cache.put(self.endpoint, key, results)
            except sqlite3.Error as e:
                self._warn("cache-write", f"cannot write the cache ({e})")
        return results

    def geocode(self, name: str, country_hint: str | None = None) -> Place | None:
        """The place Nominatim gives for `name` (one in `country_hint` preferred), else None."""
        results = self.lookup(name)
        if not results:
            return None
        places = [p for p in (place_from_result(r, name) for r in results) if p is not None]
        if not places:
            return None
        if country_hint:
            for p in places:
                if p.country_code == country_hint.upper():
                    return p
        return places[0]

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
            self._cache = None


def make_geocoder(which: str | None, url: str | None = None, cache_path=None) -> NetworkGeocoder | None:
    """The geocoder `which` names ("nominatim"), or None when it is off, unknown or cannot start
    (with one warning on stderr: a bad setting never stops a parse)."""
    which = (which or "").strip().lower()
    if not which:
        return None
    if which not in SUPPORTED:
        print(f"warning: geocoder {which!r} is not supported (use 'nominatim'); network fallback off",
              file=sys.stderr)
        return None
    kw = {"cache_path": cache_path} if cache_path else {}
    try:
        return NetworkGeocoder.from_url(url, **kw) if url else NetworkGeocoder(**kw)
    except Exception as e:  # noqa: BLE001 - a bad setting must not stop the parse
        print(f"warning: network geocoder not started ({e}); network fallback off", file=sys.stderr)
        return None
