"""Which land, territorial sea or exclusive economic zone (EEZ) contains a point.

The zones are an approximation built by ``geo/build/zones.py`` from Natural Earth and stored in
``geo/data/zones.npz``; the README's "Maritime zones" says exactly what they are and are not.
Nothing here needs the network.

>>> zones = Zones.load()                     # the bundled data, loaded once per process and path
>>> [h.name for h in zones.zones_at(136.78, 39.86) if h.inside]  # 250 km W of Oga  # doctest: +SKIP
['Japan EEZ']
"""
from __future__ import annotations

import hashlib
import json
import math
import threading
from pathlib import Path
from typing import Sequence

import numpy as np
import shapely
from pyproj import Geod

from geo.model import ZoneHit

DEFAULT_ZONES_FILE = Path(__file__).resolve().parent.parent / "data" / "zones.npz"

KINDS = ("land", "territorial_sea", "EEZ")
_KIND_LABEL = {"land": "", "territorial_sea": " territorial sea", "EEZ": " EEZ"}
_GEOD = Geod(ellps="WGS84")
_KM_PER_DEG = 111.32


class ZoneDataMissing(FileNotFoundError):
    pass


class Zones:
    """The zone data of one file: zone pieces and disputed regions, each with an STRtree.

    ``Zones.load(path)`` shares one loaded copy per file within a process (the data take ~0.3 s
    and ~100 MB to load); the methods answer point and zone queries."""

    _loaded: dict[Path, "Zones"] = {}
    _lock = threading.Lock()

    @classmethod
    def load(cls, path: Path | str | None = None) -> "Zones":
        path = Path(path) if path is not None else DEFAULT_ZONES_FILE
        with cls._lock:
            if path not in cls._loaded:
                if not path.exists():
                    raise ZoneDataMissing(f"{path} is missing: run `python -m geo.build.zones`")
                cls._loaded[path] = cls(path)
            return cls._loaded[path]

    def __init__(self, path: Path):
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        self.path = path
        self.meta = json.loads(str(arrays["meta"]))
        self.units = self.meta["units"]
        self.dispute_records = self.meta["disputes"]
        q = float(self.meta["quant"])
        self.geoms = _unpack(arrays, "z_", q)
        self.kind = arrays["z_kind"].astype(np.int64)
        self.unit = arrays["z_unit"].astype(np.int64)
        self.dgeoms = _unpack(arrays, "d_", q)
        self.did = arrays["d_id"].astype(np.int64)
        shapely.prepare(self.geoms)
        shapely.prepare(self.dgeoms)
        self.tree = shapely.STRtree(self.geoms)
        self.dtree = shapely.STRtree(self.dgeoms)
        # sovereign code -> display name
        self.sov_name: dict[str, str] = {}
        for u in self.units:
            if u["sov"]:
                self.sov_name.setdefault(u["sov"], u["sov_name"])
        for u in self.units:
            if u["iso"]:
                self.sov_name.setdefault(u["iso"], u["admin"])
        # name per (unit, kind) for hits
        self._names: dict[tuple[int, int], str] = {}
        self._zone_geometry: dict[tuple[str, str], object] = {}
        self._land = None
        self._unions: dict[str, bytes] | None = None     # read on first use (geo.build.zone_unions)
        self._hits_cache: dict[tuple[float, float, float], tuple[ZoneHit, ...]] = {}   # zones_at's answers

    def name(self, unit: int, kind: int) -> str:
        key = (unit, kind)
        if key not in self._names:
            u = self.units[unit]
            base = u["sov_name"]
            label = _KIND_LABEL[KINDS[kind]]
            extra = f" ({u['admin']})" if u["admin"] != u["sov_name"] else ""
            self._names[key] = f"{base}{label}{extra}"
        return self._names[key]

    # --- queries ------------------------------------------------------------------------------
    def zones_at(self, lon: float, lat: float, near_km: float = 50.0) -> list[ZoneHit]:
        """Zones containing the point (inside=True) and those within ``near_km`` (inside=False).

        Each (state, kind) appears once. A point in a disputed area or in the sea that a disputed
        coast generates is ``disputed``; claimants without a zone of their own there are added
        as ``"<State> EEZ (claimed)"`` (or territorial sea / land) hits.
        """
        lon = ((float(lon) + 180.0) % 360.0) - 180.0 if not -180.0 <= lon <= 180.0 else float(lon)
        lat = float(lat)
        # events fall on the points of places, and the same places recur from article to article
        key = (lon, lat, near_km)
        hits = self._hits_cache.get(key)
        if hits is None:
            hits = self._hits_cache[key] = tuple(self._zones_at(lon, lat, near_km))
            if len(self._hits_cache) > 10_000:
                self._hits_cache.clear()
        return list(hits)

    def _zones_at(self, lon: float, lat: float, near_km: float) -> list[ZoneHit]:
        if near_km > 0:
            cand = self.tree.query(shapely.box(*_search_box(lon, lat, near_km)))
        else:
            cand = self.tree.query(shapely.Point(lon, lat))
        if len(cand) == 0:
            inside = np.zeros(0, bool)
        else:
            # boundary inclusive: points on a 5-degree piece edge (e.g. 10N 114E) count as inside
            inside = shapely.intersects_xy(self.geoms[cand], lon, lat)
        return _hits(self, lon, lat, near_km, cand, inside)

    def zones_at_many(self, lons: Sequence[float], lats: Sequence[float],
                      near_km: float = 0.0) -> list[list[ZoneHit]]:
        """Vectorised :meth:`zones_at`; by default only the zones containing each point."""
        lons = np.asarray(lons, dtype=float)
        lats = np.asarray(lats, dtype=float)
        lons = np.where((lons < -180) | (lons > 180), (lons + 180.0) % 360.0 - 180.0, lons)
        n = len(lons)
        if near_km > 0:
            return [self.zones_at(x, y, near_km) for x, y in zip(lons, lats)]
        pi, gi = self.tree.query(shapely.points(lons, lats), predicate="intersects")
        order = np.argsort(pi, kind="stable")
        pi, gi = pi[order], gi[order]
        bounds = np.searchsorted(pi, np.arange(n + 1))
        return [_hits(self, float(lons[k]), float(lats[k]), 0.0, gi[bounds[k]:bounds[k + 1]],
                      np.ones(bounds[k + 1] - bounds[k], bool)) for k in range(n)]

    def country_at(self, lon: float, lat: float) -> str | None:
        """ISO 3166-1 alpha-2 of the state whose land the point is on (de facto), else None."""
        for i in self.tree.query(shapely.Point(lon, lat), predicate="intersects"):
            if self.kind[i] == 0 and self.unit[i] >= 0:
                return self.units[self.unit[i]]["sov"]
        return None

    def zone_geometry(self, sovereign: str, kind: str):
        """The (multi)polygon of a state's land, territorial sea or EEZ, in lon/lat (WGS84).

        Includes the state's overseas territories (zones are labelled with the sovereign's code).
        Returns an empty geometry when the state has no such zone. Kept once made.
        """
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        key = (sovereign.upper(), kind)
        if key not in self._zone_geometry:
            made = self._made_unions().get(f"{key[0]}|{kind}")
            self._zone_geometry[key] = shapely.from_wkb(made) if made is not None else self.union_of(*key)
        return self._zone_geometry[key]

    def union_of(self, sovereign: str, kind: str):
        """A state's pieces of one kind unioned (what ``geo.build.zone_unions`` stores)."""
        units = [i for i, u in enumerate(self.units) if u["sov"] == sovereign]
        mask = np.isin(self.unit, units) & (self.kind == KINDS.index(kind))
        return (shapely.union_all(self.geoms[mask], grid_size=1.0 / float(self.meta["quant"]))
                if mask.any() else shapely.MultiPolygon())

    def preload(self) -> None:
        """Read now what is otherwise read on first use (the unions made at build time)."""
        self._made_unions()

    def _made_unions(self) -> dict[str, bytes]:
        """The unions made at build time, as WKB by "STATE|kind"; none when their file is absent
        or was made from another zones file."""
        if self._unions is None:
            self._unions = {}
            path = unions_path(self.path)
            if path.exists():
                with np.load(path, allow_pickle=False) as z:
                    meta = json.loads(str(z["meta"]))
                    if meta.get("zones_sha256") == file_digest(self.path):
                        wkb, ends = z["wkb"].tobytes(), z["ends"].tolist()
                        starts = [0] + ends[:-1]
                        self._unions = {k: wkb[s:e] for k, s, e in zip(meta["keys"], starts, ends)}
        return self._unions

    def land_geometry(self):
        """All land (every state's, plus land of no one) as one geometry, in lon/lat."""
        if self._land is None:
            self._land = shapely.union_all(self.geoms[self.kind == 0], grid_size=1.0 / float(self.meta["quant"]))
        return self._land

    def disputes(self) -> list[dict]:
        """The disputes known to the data: name, claimants, admin (ISO codes) and source."""
        return [dict(d) for d in self.dispute_records]

    def data_info(self) -> dict:
        return {"path": str(self.path), "bytes": self.path.stat().st_size, "pieces": len(self.geoms),
                "dispute_pieces": len(self.dgeoms), "units": len(self.units)}


def unions_path(zones_file: Path) -> Path:
    """Where the unions made from `zones_file` are kept: beside it, "<stem>_unions.npz"."""
    return zones_file.with_name(zones_file.stem + "_unions.npz")


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _unpack(arrays: dict, prefix: str, quant: float) -> np.ndarray:
    d = arrays[prefix + "coords"].astype(np.int64)
    coords = np.cumsum(d, axis=0).astype(np.float64) / quant
    offsets = tuple(arrays[f"{prefix}off{k}"].astype(np.int64) for k in range(3))
    geoms = shapely.from_ragged_array(shapely.GeometryType.MULTIPOLYGON, coords, offsets)
    return np.asarray(geoms)


def _dist_km(lon: float, lat: float, geom) -> float:
    """Approximate geodesic distance (km) from a point to a geometry's nearest point.

    The nearest point is found in a local equirectangular frame (longitudes scaled by
    cos(latitude)), then the distance to it is measured on the WGS84 ellipsoid.
    """
    k = max(math.cos(math.radians(lat)), 0.01)
    scaled = shapely.transform(geom, lambda xy: xy * np.array([k, 1.0]))
    line = shapely.shortest_line(shapely.Point(lon * k, lat), scaled)
    (x0, y0), (x1, y1) = shapely.get_coordinates(line)
    _, _, m = _GEOD.inv(x0 / k, y0, x1 / k, y1)
    return m / 1000.0


def _search_box(lon: float, lat: float, near_km: float):
    dlat = near_km / _KM_PER_DEG
    dlon = near_km / (_KM_PER_DEG * max(math.cos(math.radians(min(abs(lat) + dlat, 89.9))),
                                        0.005))
    return (lon - dlon, lat - dlat, lon + dlon, lat + dlat)


def _hits(z: Zones, lon: float, lat: float, near_km: float, cand: np.ndarray,
          inside_mask: np.ndarray) -> list[ZoneHit]:
    best: dict[tuple[int, int], float] = {}
    for i, ins in zip(cand, inside_mask):
        key = (int(z.unit[i]), int(z.kind[i]))
        if key[0] < 0:
            continue  # land of no one (e.g. Spratly reefs): only its dispute is reported
        if ins:
            best[key] = 0.0
        elif best.get(key, 1.0) > 0.0 and near_km > 0:
            d = _dist_km(lon, lat, z.geoms[i])
            if d <= near_km and d < best.get(key, math.inf):
                best[key] = d
    # disputes containing the point
    dcand = z.dtree.query(shapely.Point(lon, lat))
    if len(dcand):
        dcand = dcand[shapely.intersects_xy(z.dgeoms[dcand], lon, lat)]
    sea_disputes = {int(z.did[j]) for j in dcand if z.did[j] >= 0}
    land_disputes = {int(-z.did[j] - 1) for j in dcand if z.did[j] < 0}

    hits: list[ZoneHit] = []
    present: dict[str, set[str]] = {"land": set(), "sea": set()}
    inside_kinds: set[str] = set()
    for (unit, kind), dist in best.items():
        kname = KINDS[kind]
        sov = z.units[unit]["sov"]
        if sov is None:
            continue
        inside = dist == 0.0
        group = "land" if kind == 0 else "sea"
        ds = land_disputes if group == "land" else sea_disputes
        disputed = any(sov in z.dispute_records[d]["claimants"] for d in ds)
        if inside:
            disputed = disputed or bool(ds)
            present[group].add(sov)
            inside_kinds.add(kname)
        hits.append(ZoneHit(kname, sov, z.name(unit, kind), inside, disputed,
                            round(dist, 3)))
    # claimants of a dispute covering the point, without a zone of their own here
    sea_kind = ("territorial_sea" if "territorial_sea" in inside_kinds else "EEZ")
    for group, ds, kname in (("land", land_disputes, "land"), ("sea", sea_disputes, sea_kind)):
        for d in sorted(ds):
            for c in z.dispute_records[d]["claimants"]:
                if c in present[group]:
                    continue
                present[group].add(c)
                name = z.sov_name.get(c, c) + _KIND_LABEL[kname] + " (claimed)"
                hits.append(ZoneHit(kname, c, name, True, True, 0.0))
    hits.sort(key=lambda h: (not h.inside, h.distance_km, KINDS.index(h.kind), h.sovereign))
    return hits



