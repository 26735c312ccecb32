#!/usr/bin/env python3
"""Build the world's approximate maritime zones into ``geo/data/zones.npz``.

Reads Natural Earth (public domain) from ``../shared/naturalearth`` (or ``--ne DIR``):

* ``ne_50m_admin_0_countries``: the land of every state, islands included, and who owns it;
* ``ne_10m_admin_0_disputed_areas``: disputed land and islands, with their claimants.

Method (see the README, "Maritime zones", for what this is and is not):

1. The world is cut into 20° x 20° tiles. Each tile is worked on in its own azimuthal
   equidistant projection (AEQD, metres) centred on the tile, with the land within ~440 km
   around it; distances from the tile centre are exact and the scale error at the tile edges
   is below ~2 %, so buffers are metric, never degrees.
2. Territorial sea = land buffered by 12 nm (22.224 km), EEZ = land buffered by 200 nm
   (370.4 km) minus the territorial sea; land is removed from both.
3. Where states' buffers meet, the sea goes to the nearer coast (equidistance / median line):
   the coastline is sampled every ~2.5 km, each sample is labelled with the country whose land
   it lies on, and the Voronoi cells of the samples (computed in the tile's AEQD projection)
   are merged per country.
4. Disputed: every Natural Earth disputed area that touches the sea disputes the sea that is
   nearer to its coast than to any other coast (within 200 nm), the "zone it generates".
   Curated hot spots (``HOT_SPOTS``) add or correct claimants.  Tiny disputed islands that are
   missing from the 1:50m land (Dokdo, Senkaku/Pinnacle Is., Paracels, ...) are added as land
   of their administering state; features that nobody administers (Spratly Is., Scarborough
   Reef, ...) are land of no one and do not move anyone's median line.
5. Results go back to lon/lat, are clipped to the exact tile, cut into 5° pieces (for fast
   lookups) and written with coordinates quantised to 1e-5° (about 1 m).

Run:  python -m geo.build.zones            (about 2-3 minutes on 2 cores)
"""
from __future__ import annotations

import argparse
import gzip
import json
import math
import multiprocessing as mp
import os
import re
import sys
import time
from functools import cached_property
from pathlib import Path

import numpy as np
import shapely
import shapely.ops
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Polygon, box, shape

try:
    from tqdm import tqdm
except ImportError:  # pragma: no cover
    def tqdm(it, **kw):
        return it

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_NE = ROOT.parent / "shared" / "naturalearth"
OUT = ROOT / "geo" / "data" / "zones.npz"

NM = 1852.0
TS_M = 12 * NM  # 22 224 m
EEZ_M = 200 * NM  # 370 400 m
TILE = 20  # degrees, build tiles
PIECE = 5  # degrees, stored pieces
MARGIN_KM = 450.0  # land taken around a tile (> EEZ distance)
LAND_SIMPLIFY_M = 1000.0  # land simplification tolerance (metres, projected)
EEZ_SRC_SIMPLIFY_M = 2000.0  # coast simplification before the 200 nm buffer
SAMPLE_M = 2500.0  # coastline sampling for median lines
ZONE_SIMPLIFY_M = 300.0  # final simplification of sea zones
QUANT = 1e5  # stored coordinates: 1e-5 degree
# The Caspian Sea is a lake in international law (2018 Convention: 15 nm sovereign waters,
# no EEZ); Natural Earth keeps it as water, so sea zones inside this box are dropped.
CASPIAN = box(46.0, 36.0, 55.5, 47.5)

# Sovereign ISO 3166-1 alpha-2 where Natural Earth has -99.
ISO_FALLBACK = {"NOR": "NO", "FRA": "FR", "CYN": "CY", "SOL": "SO", "KOS": "XK",
                "ATC": "AU", "IOA": "AU"}
# Units whose own code is used as sovereign instead of Natural Earth's SOV_A3.
OWN_SOVEREIGN = {"PSX": "PS"}
# Units generating no sea zones: Antarctica (claims frozen by the Antarctic Treaty) and the
# landlocked, indeterminate Siachen Glacier.
NO_SEA = {"ATA", "KAS"}
# Natural Earth disputed-area types that are arrangements, not disputes.
NOT_DISPUTES = {"Overlay", "Lease"}

# Names used in Natural Earth's NOTE_BRK ("Claimed by ...") that do not match a country name.
CLAIMANT_NAMES = {
    "azer.": "AZ", "columbia": "CO", "the seychelles": "SC", "seychelles": "SC",
    "the philippines": "PH", "philippines": "PH", "the united states": "US", "u.s.a.": "US",
    "uae": "AE", "tokelau": "TK", "brunei": "BN", "vietnam": "VN", "taiwan": "TW",
    "western sahara": "EH", "south sudan": "SS", "russia": "RU", "syria": "SY",
    "marshall islands": "MH", "equatorial guinea": "GQ", "the marshall islands": "MH",
}

# Claimants that Natural Earth's notes leave out, by BRK_NAME.
EXTRA_CLAIMANTS = {
    "Donbass": ["RU"],  # annexation claimed by Russia in 2022
    "Crimea": ["UA"],
    "Belize": ["GT"],  # Guatemala's territorial claim, before the ICJ since 2019
    "Sapodilla Cayes": ["GT", "HN"],
    "Ceuta": ["MA"], "Melilla": ["MA"],  # claimed by Morocco
    "Gaza": ["IL"], "West Bank": ["IL"],
}

# Curated maritime hot spots (lon, lat, claimants, source). A hot spot is matched to the
# Natural Earth disputed area within 100 km, whose claimants it replaces; without a match it
# becomes a dispute of its own around the point.
HOT_SPOTS = [
    {"name": "Liancourt Rocks (Dokdo / Takeshima)", "lon": 131.87, "lat": 37.24,
     "claimants": ["KR", "JP"],
     "source": "administered by South Korea, claimed by Japan (Natural Earth 'Dokdo'; "
               "CIA World Factbook, Liancourt Rocks)"},
    {"name": "Senkaku / Diaoyu Islands", "lon": 123.5, "lat": 25.75,
     "claimants": ["JP", "CN", "TW"],
     "source": "administered by Japan, claimed by China and Taiwan (Natural Earth "
               "'Pinnacle Is.'; CIA World Factbook)"},
    {"name": "Southern Kuril Islands / Northern Territories", "lon": 146.0, "lat": 44.0,
     "claimants": ["RU", "JP"],
     "source": "administered by Russia, claimed by Japan (Natural Earth 'Kuril Is.')"},
    {"name": "Spratly Islands", "lon": 114.0, "lat": 10.0,
     "claimants": ["CN", "VN", "PH", "MY", "BN", "TW"],
     "source": "Natural Earth 'Spratly Is.'; PCA case 2013-19 (Philippines v. China)"},
    {"name": "Scarborough Shoal", "lon": 117.76, "lat": 15.15,
     "claimants": ["PH", "CN", "TW"],
     "source": "Natural Earth 'Scarborough Reef' (no claimants listed); PCA case 2013-19"},
    {"name": "Okino-Tori-shima", "lon": 136.08, "lat": 20.42, "claimants": ["JP"],
     "source": "Japan claims an EEZ around it; China and South Korea hold it to be a rock "
               "without EEZ (UNCLOS art. 121(3))"},
    {"name": "Northern Limit Line waters (Yellow Sea)", "lon": 125.2, "lat": 37.75,
     "area": (124.4, 37.45, 126.2, 38.15), "claimants": ["KR", "KP"],
     "source": "UN Command's Northern Limit Line (1953) vs. North Korea's 1999 "
               "'West Sea Military Demarcation Line'; clashes 1999, 2002, 2009, 2010"},
    {"name": "Paracel Islands", "lon": 112.0, "lat": 16.5,
     "claimants": ["CN", "VN", "TW"],
     "source": "administered by China, claimed by Vietnam and Taiwan (Natural Earth "
               "'Paracel Is.')"},
]


# Islands missing from the 1:50m land are taken from the 1:10m land and minor islands.
# Their owner (ADM0_A3 of a 1:50m unit) is set here by bounding box (lon0, lat0, lon1, lat1);
# elsewhere only remote islands (> ISLAND_REMOTE_KM from any 1:50m land) are added, and only
# when the nearest state is unambiguous. Small islands close to a coast and not listed here
# are left out rather than risk giving them to the wrong state.
ISLAND_OWNERS = [
    ("Baengnyeong, Daecheong, Socheong (NLL islands)", (124.55, 37.70, 124.95, 37.99), "KOR"),
    ("Yeonpyeong", (125.60, 37.62, 125.76, 37.70), "KOR"),
    ("Matsu Islands", (119.85, 25.90, 120.55, 26.40), "TWN"),
    ("Kinmen", (118.15, 24.35, 118.50, 24.55), "TWN"),
    ("Wuqiu", (119.42, 24.96, 119.50, 25.02), "TWN"),
    ("Penghu", (119.30, 23.15, 119.75, 23.80), "TWN"),
    ("Pratas (Dongsha)", (116.60, 20.55, 116.85, 20.80), "TWN"),
    ("Kastellorizo", (29.50, 36.08, 29.65, 36.17), "GRC"),
    ("Clipperton", (-109.30, 10.25, -109.15, 10.35), "FRA"),
    ("US Pacific remote islands (Johnston, Palmyra, Kingman, Jarvis, Howland, Baker)",
     (-177.0, -1.0, -159.5, 17.5), "USA"),
    ("Bouvet", (3.2, -54.6, 3.6, -54.3), "NOR"),
    ("Tristan da Cunha, Gough", (-13.0, -41.0, -9.0, -36.5), "SHN"),
    ("Agalega", (56.4, -10.6, 56.8, -10.2), "MUS"),
    ("Kermadec Islands", (-179.5, -32.0, -177.0, -29.0), "NZL"),
    ("Minerva Reefs", (-179.3, -24.0, -178.7, -23.5), "TON"),
    ("Chesterfield Islands", (158.0, -21.5, 159.5, -19.0), "NCL"),
    ("Lakshadweep, Minicoy", (71.5, 8.0, 74.0, 12.5), "IND"),
    ("Ogasawara, Volcano, Daito Islands", (130.5, 24.0, 143.0, 28.0), "JPN"),
    ("Amsterdam, Saint-Paul", (77.0, -39.0, 78.0, -37.5), "ATF"),
    ("Trindade, Martim Vaz", (-29.5, -20.7, -28.7, -20.4), "BRA"),
    ("Saint Peter and Saint Paul Rocks", (-29.5, 0.8, -29.2, 1.0), "BRA"),
    ("Northwestern Hawaiian Islands, Midway, Kure", (-178.5, 23.0, -161.5, 29.0), "USA"),
]
ISLAND_REMOTE_KM = 100.0

# Remote islands missing from Natural Earth altogether: added as ~1 km land discs of their
# administering unit (ADM0_A3) unless 1:10m land is found there. Positions: GeoNames.
REMOTE_ISLANDS = [
    ("Minami-Tori-shima (Marcus Island)", 153.98, 24.29, "JPN"),
    ("Okino-Tori-shima (Parece Vela)", 136.08, 20.42, "JPN"),
    ("Pratas Island (Dongsha)", 116.72, 20.70, "TWN"),
]


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def read_ne(ne: Path, name: str) -> list[dict]:
    with gzip.open(ne / f"{name}.geojson.gz", "rt", encoding="utf-8") as fh:
        return json.load(fh)["features"]


def good(code) -> str | None:
    return code if isinstance(code, str) and len(code) == 2 and code != "-9" else None


# --------------------------------------------------------------------------- inputs
def load_units(ne: Path):
    """Return (units, geoms): one unit per Natural Earth 1:50m admin-0 country."""
    feats = read_ne(ne, "ne_50m_admin_0_countries")
    own = {}
    for f in feats:
        p = f["properties"]
        own[p["ADM0_A3"]] = (good(p.get("ISO_A2")) or good(p.get("WB_A2"))
                             or ISO_FALLBACK.get(p["ADM0_A3"]))
    sov_iso, sov_name = {}, {}
    for f in feats:
        p = f["properties"]
        if p.get("HOMEPART") == 1 or p["ADM0_A3"] == p["SOV_A3"]:
            sov_iso.setdefault(p["SOV_A3"], own[p["ADM0_A3"]])
            sov_name.setdefault(p["SOV_A3"], p["ADMIN"])
    units, geoms = [], []
    for f in feats:
        p = f["properties"]
        a3 = p["ADM0_A3"]
        if a3 in OWN_SOVEREIGN:
            s_iso, s_name = OWN_SOVEREIGN[a3], p["ADMIN"]
        else:
            s_iso = sov_iso.get(p["SOV_A3"]) or own[a3]
            s_name = sov_name.get(p["SOV_A3"], p["SOVEREIGNT"])
        if a3 == "CYN":  # Northern Cyprus: internationally part of Cyprus
            s_iso, s_name = "CY", "Cyprus"
        if a3 == "SOL":  # Somaliland: internationally part of Somalia
            s_iso, s_name = "SO", "Somalia"
        if a3 == "KAS":
            s_iso = None
        units.append({"adm0": a3, "iso": own[a3], "sov": s_iso, "admin": p["ADMIN"],
                      "sov_name": s_name, "sea": a3 not in NO_SEA and s_iso is not None})
        geoms.append(shapely.make_valid(shape(f["geometry"])))
    return units, geoms


def parse_claimants(note: str, name_to_iso: dict) -> list[str]:
    m = re.search(r"[Cc]laimed by (.*)", note or "")
    if not m:
        return []
    text = m.group(1).split(" after ")[0].strip(" .;")
    out = []
    for part in re.split(r",\s*(?:and\s+)?|\s+and\s+", text):
        key = part.strip().lower()
        if not key or key == "multiple":
            continue
        iso = CLAIMANT_NAMES.get(key) or name_to_iso.get(key) or name_to_iso.get(
            key.removeprefix("the "))
        if iso and iso not in out:
            out.append(iso)
    return out


def load_islands(ne: Path, units, unit_geoms, avoid=()):
    """(polygon, unit index) of islands missing from the 1:50m land (see ISLAND_OWNERS)."""
    from pyproj import Geod
    geod = Geod(ellps="WGS84")
    cands = []
    for f in read_ne(ne, "ne_10m_land"):
        cands.extend(shapely.get_parts(shapely.make_valid(shape(f["geometry"]))))
    lines = [shape(f["geometry"]) for f in read_ne(ne, "ne_10m_minor_islands_coastline")]
    cands.extend(shapely.get_parts(shapely.polygonize(lines)))
    cands = [c for c in cands if c.geom_type == "Polygon" and c.area > 0]
    a3_to_unit = {u["adm0"]: i for i, u in enumerate(units)}
    uparts, uowner = [], []
    for i, g in enumerate(unit_geoms):
        for p in shapely.get_parts(g):
            uparts.append(p)
            uowner.append(i)
    tree = shapely.STRtree(uparts)
    # islands not touching the 1:50m land (0.02 degree ~ 2 km slack for the coarser outline)
    carr = np.array(cands, dtype=object)
    hit = tree.query(carr, predicate="dwithin", distance=0.02)
    touching = set(hit[0].tolist())
    overlapping = set(tree.query(carr, predicate="intersects")[0].tolist())

    def curated(x, y):
        for _name, (x0, y0, x1, y1), a3 in ISLAND_OWNERS:
            if x0 <= x <= x1 and y0 <= y <= y1:
                return a3_to_unit[a3]
        return None
    # islands of a disputed area are handled as disputes (e.g. the Spratly reefs)
    if len(avoid):
        hit = shapely.STRtree(list(avoid)).query(np.array(cands, dtype=object),
                                                 predicate="dwithin", distance=0.1)
        touching |= set(hit[0].tolist())
    out, skipped = [], 0
    for k, c in enumerate(cands):
        x, y = c.representative_point().coords[0]
        owner = curated(x, y)
        # listed islands may lie close to a foreign coast (Kastellorizo): only skip those
        # already in the 1:50m land; others must keep clear of it
        if k in (overlapping if owner is not None else touching):
            continue
        if owner is None:
            # nearest states (approximate geodesic distances to the nearest 1:50m parts)
            near = tree.query(shapely.Point(x, y), predicate="dwithin", distance=15.0)
            dist = {}
            for j in near:
                p1, p2 = shapely.ops.nearest_points(shapely.Point(x, y), uparts[j])
                km = geod.inv(p1.x, p1.y, p2.x, p2.y)[2] / 1000.0
                sov = units[uowner[j]]["sov"]
                if sov and km < dist.get(sov, (1e9, None))[0]:
                    dist[sov] = (km, uowner[j])
            ranked = sorted(dist.values(), key=lambda t: t[0])
            if (ranked and ISLAND_REMOTE_KM < ranked[0][0] < 800.0
                    and (len(ranked) == 1 or ranked[1][0] > 1.5 * ranked[0][0])):
                owner = ranked[0][1]
        if owner is None or not units[owner]["sea"]:
            skipped += 1
            continue
        out.append((c, owner))
    log(f"{len(out)} islands added from 1:10m land and minor islands, {skipped} left out")
    return out


def load_disputes(ne: Path, units, unit_geoms):
    """Disputed areas: list of dicts with lon/lat geometry, claimants and land owner."""
    name_to_iso = {}
    for u in units:
        if u["iso"]:
            name_to_iso[u["admin"].lower()] = u["iso"]
        if u["sov"]:
            name_to_iso[u["sov_name"].lower()] = u["sov"]
    a3_to_unit = {u["adm0"]: i for i, u in enumerate(units)}
    sov_home = {}
    for i, u in enumerate(units):
        sov_home.setdefault(u["sov"], i)
    land = shapely.union_all(unit_geoms)
    disputes = []
    for f in read_ne(ne, "ne_10m_admin_0_disputed_areas"):
        p = f["properties"]
        if p["TYPE"] in NOT_DISPUTES or p["SOV_A3"] == "CNM":  # CNM: UN buffer zone
            continue
        g = shapely.make_valid(shape(f["geometry"]))
        admin_unit = a3_to_unit.get(p["ADM0_A3"])
        indeterminate = p["TYPE"] == "Indeterminate" and p["ADM0_A3"] not in a3_to_unit
        if admin_unit is None and not indeterminate:
            # e.g. UMI (US Minor Outlying Islands) is not a 1:50m unit: use the sovereign's.
            sov = next((u["sov"] for u in units if u["adm0"] == p["SOV_A3"]), None)
            if sov is None:
                sov = next((u["sov"] for u in units
                            if p["SOV_A3"] and u["sov_name"] == p["SOVEREIGNT"]), None)
            admin_unit = sov_home.get(sov)
        admin_iso = units[admin_unit]["sov"] if admin_unit is not None else None
        claimants = ([admin_iso] if admin_iso else []) + parse_claimants(p["NOTE_BRK"],
                                                                         name_to_iso)
        claimants += EXTRA_CLAIMANTS.get(p["BRK_NAME"], [])
        claimants = list(dict.fromkeys(c for c in claimants if c))
        # Part of the disputed land missing from the 1:50m land (small islands)
        missing = g.difference(land)
        add_land = missing if (g.area > 0 and missing.area / g.area > 0.5) else None
        disputes.append({
            "name": p["BRK_NAME"], "claimants": claimants, "admin": admin_iso,
            "source": "Natural Earth ne_10m_admin_0_disputed_areas: " + (p["NOTE_BRK"] or
                                                                         p["TYPE"]),
            "geom": g, "add_land": add_land,
            "land_unit": None if indeterminate else admin_unit,
        })
    # Curated hot spots
    for hs in HOT_SPOTS:
        pt = shapely.Point(hs["lon"], hs["lat"])
        if "area" in hs:  # a disputed sea area given as a box: applies to sea zones only
            disputes.append({"name": hs["name"], "claimants": hs["claimants"], "admin": None,
                             "source": hs["source"], "geom": Polygon(), "add_land": None,
                             "land_unit": None, "area": box(*hs["area"])})
            continue
        best, best_d = None, 1e9
        for d in disputes:
            dist = d["geom"].distance(pt) * 111.0  # rough degrees->km, only to match
            if dist < best_d:
                best, best_d = d, dist
        if best is not None and best_d < 100:
            best["claimants"] = list(dict.fromkeys(hs["claimants"]))
            best["name"] = hs["name"]
            best["source"] = hs["source"] + "; " + best["source"]
        else:
            disputes.append({"name": hs["name"], "claimants": hs["claimants"],
                             "admin": None, "source": hs["source"],
                             "geom": pt.buffer(0.01), "add_land": None, "land_unit": None,
                             "point_only": True})
    return disputes


# --------------------------------------------------------------------------- per tile
G = {}  # globals shared with worker processes (fork)


def to_proj(geom, tr):
    def f(xy):
        x, y = tr.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])
    return shapely.transform(geom, f)


def to_lonlat(geom, tr, lonc):
    def f(xy):
        lon, lat = tr.transform(xy[:, 0], xy[:, 1], direction="INVERSE")
        lon = lonc + ((np.asarray(lon) - lonc + 180.0) % 360.0 - 180.0)
        return np.column_stack([lon, lat])
    return shapely.transform(geom, f)


def polys_only(g):
    if g is None or g.is_empty:
        return None
    if g.geom_type in ("Polygon", "MultiPolygon"):
        return g
    parts = [p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return None
    return shapely.union_all(parts)


def region_parts(lon0, lon1, lat0, lat1):
    """Indices and lon-shifted copies of land parts within the tile's margin box."""
    mlat = MARGIN_KM / 111.0
    la0, la1 = max(-90.0, lat0 - mlat), min(90.0, lat1 + mlat)
    maxlat = min(89.0, max(abs(la0), abs(la1)))
    mlon = min(180.0, mlat / max(math.cos(math.radians(maxlat)), 1e-3))
    lo0, lo1 = lon0 - mlon, lon1 + mlon
    if lo1 - lo0 >= 360:
        lo0, lo1 = -180.0, 180.0
    out = []
    for shift in (-360.0, 0.0, 360.0):
        x0, x1 = max(lo0, -180 + shift), min(lo1, 180 + shift)
        if x1 <= x0:
            continue
        qb_unshifted = box(x0 - shift, la0, x1 - shift, la1)
        for i in G["tree"].query(qb_unshifted):
            g = shapely.clip_by_rect(G["parts"][i], *qb_unshifted.bounds)
            if g.is_empty:
                continue
            if shift:
                g = shapely.transform(g, lambda xy, s=shift: xy + np.array([s, 0.0]))
            out.append((i, g))
    return out


class Tile:
    """One build tile: its bounds, the AEQD projection centred on it and the shapes it is cut by."""

    def __init__(self, lon0, lat0):
        self.lon0, self.lon1 = lon0, lon0 + TILE
        self.lat0c, self.lat1c = max(lat0, -89.9), min(lat0 + TILE, 89.9)
        self.lonc, self.latc = lon0 + TILE / 2, (self.lat0c + self.lat1c) / 2

    @cached_property
    def tr(self):
        """The tile's own metric projection, so that buffers are in metres, never degrees."""
        return Transformer.from_crs(
            "EPSG:4326",
            f"+proj=aeqd +lat_0={self.latc} +lon_0={self.lonc} +datum=WGS84 +units=m",
            always_xy=True)

    @cached_property
    def exact(self):
        """The tile itself in lon/lat, which every result is finally clipped to."""
        return box(self.lon0, self.lat0c, self.lon1, self.lat1c)

    @cached_property
    def clip(self):
        """The tile plus 0.5° in the projection, so that projected work has no seams at its edge."""
        clip_ll = box(max(self.lon0 - 0.5, -180), max(self.lat0c - 0.5, -89.9),
                      min(self.lon1 + 0.5, 180), min(self.lat1c + 0.5, 89.9))
        return shapely.make_valid(to_proj(shapely.segmentize(clip_ll, 0.25), self.tr))

    @cached_property
    def near(self):
        """Where coasts can still generate zones inside the tile (EEZ reach plus slack)."""
        return self.clip.buffer(EEZ_M + 20000)

    @cached_property
    def ext(self):
        """The box that Voronoi diagrams are extended to, far beyond the tile."""
        return shapely.envelope(self.clip.buffer(2_000_000))


def project_land(t: Tile, found):
    """(owners, geoms) of the land around the tile, projected and simplified as one coverage."""
    parts_owner = G["parts_owner"]
    owners, geoms = [], []
    for i, g in found:
        g = polys_only(shapely.make_valid(to_proj(shapely.segmentize(g, 0.25), t.tr)))
        if g is not None:
            owners.append(parts_owner[i])
            geoms.append(g)
    # Simplify as a coverage so that neighbouring countries keep a common border (no gaps
    # that would look like coastline).
    try:
        simple = shapely.coverage_simplify(np.array(geoms, dtype=object), LAND_SIMPLIFY_M)
    except shapely.errors.GEOSException:
        simple = shapely.simplify(np.array(geoms, dtype=object), LAND_SIMPLIFY_M,
                                  preserve_topology=True)
    keep = [k for k, g in enumerate(simple)
            if polys_only(shapely.make_valid(g)) is not None]
    owners = [owners[k] for k in keep]
    geoms = [polys_only(shapely.make_valid(simple[k])) for k in keep]
    return np.array(owners), np.array(geoms, dtype=object)


def tile_zone(t: Tile, kind: str, g):
    """A projected zone back in lon/lat, cut to the exact tile (sea also out of the Caspian)."""
    g = polys_only(shapely.make_valid(g)) if g is not None else None
    if g is None:
        return None
    g = polys_only(shapely.make_valid(to_lonlat(g, t.tr, t.lonc)))
    if g is None:
        return None
    g = polys_only(shapely.intersection(g, t.exact))
    if g is None:
        return None
    if kind in ("ts", "eez", "disp"):
        g = polys_only(g.difference(CASPIAN))
    return g


def sea_sources(owners, geoms):
    """(land of states that make sea zones, all land whose coast bounds them) or None if none."""
    units = G["units"]
    makes_sea = np.array([o >= 0 and units[o]["sea"] for o in owners], dtype=bool)
    gen_all = np.array([o == -1 or (o >= 0 and units[o]["sea"]) for o in owners], bool)
    if not makes_sea.any() and not gen_all.any():
        return None
    own_src = shapely.union_all(geoms[makes_sea]) if makes_sea.any() else Polygon()
    all_src = shapely.union_all(geoms[gen_all])
    return own_src, all_src


def sea_buffers(t: Tile, own_src, land):
    """(territorial sea, EEZ) of all states together: 12 nm and 200 nm buffers off the land."""
    if own_src.is_empty or not own_src.intersects(t.near):
        return Polygon(), Polygon()
    own_simple = shapely.simplify(own_src, EEZ_SRC_SIMPLIFY_M)
    eezbuf = shapely.buffer(own_simple, EEZ_M, quad_segs=8)
    tsbuf = shapely.buffer(own_src, TS_M, quad_segs=4)
    eez_sea = shapely.difference(shapely.intersection(eezbuf, t.clip),
                                 shapely.union(tsbuf, land))
    ts_sea = shapely.difference(shapely.intersection(tsbuf, t.clip), land)
    return ts_sea, eez_sea


def coast_samples(t: Tile, all_src):
    """Points every ~2.5 km along the coasts within reach of the tile, for median lines."""
    coast = shapely.intersection(shapely.boundary(all_src), t.near.buffer(EEZ_M))
    pts = shapely.get_coordinates(shapely.segmentize(coast, SAMPLE_M))
    return np.unique(np.round(pts, 0), axis=0)


def voronoi_cells(t: Tile, xy):
    """The Voronoi cells of the points, in the order of the points."""
    mp_ = shapely.multipoints(xy)
    return np.asarray(shapely.get_parts(
        shapely.voronoi_polygons(mp_, extend_to=t.ext, ordered=True)))


def owner_cells(t: Tile, pts, p_owner):
    """Each sea-making state's part of the tile: the sea nearer its coast than any other."""
    units = G["units"]
    owned = p_owner >= 0
    owned &= np.array([units[o]["sea"] if o >= 0 else False for o in p_owner], bool)
    own_units = np.unique(p_owner[owned])
    if len(own_units) == 1:
        return {int(own_units[0]): t.clip}
    if len(own_units) > 1:
        cells = voronoi_cells(t, pts[owned])
        lab = p_owner[owned]
        return {int(u): shapely.intersection(shapely.coverage_union_all(cells[lab == u]),
                                             t.clip)
                for u in own_units}
    return {}


def dispute_labels(t: Tile, pts):
    """(dispute id of each coast sample or -1, (x, y, id) of disputes known only as a point)."""
    p_disp = np.full(len(pts), -1)
    dproj = []
    for j, dg in enumerate(G["dispute_geoms"]):
        if dg.is_empty:
            continue
        b = dg.bounds
        if (b[2] < t.lon0 - 15 or b[0] > t.lon1 + 15 or b[3] < t.lat0c - 5
                or b[1] > t.lat1c + 5):
            continue
        dproj.append((j, shapely.make_valid(to_proj(shapely.segmentize(dg, 0.1), t.tr)
                                            ).buffer(3000)))
    for j, dp in dproj:
        inside = shapely.intersects_xy(dp, pts[:, 0], pts[:, 1])
        p_disp[inside] = j
    extra = []  # dispute-only points (curated hot spots without Natural Earth match)
    for j, dp in dproj:
        if G["dispute_point_only"][j] and dp.intersects(t.near):
            c = dp.centroid
            extra.append((c.x, c.y, j))
    return p_disp, extra


def disputed_sea(t: Tile, all_src, land, pts, p_owner):
    """Disputed sea by dispute id: the sea nearer to a disputed coast than to any other coast."""
    p_disp, extra = dispute_labels(t, pts)
    if not ((p_disp >= 0).any() or extra):
        return {}
    allbuf = shapely.difference(
        shapely.intersection(shapely.buffer(shapely.simplify(all_src, EEZ_SRC_SIMPLIFY_M),
                                            EEZ_M, quad_segs=8), t.clip), land)
    units = G["units"]
    gen = np.array([o == -1 or (o >= 0 and units[o]["sea"]) for o in p_owner], bool)
    xy = pts[gen]
    lab = p_disp[gen]
    if extra:
        xy = np.vstack([xy, np.array([(x, y) for x, y, _ in extra])])
        lab = np.concatenate([lab, np.array([j for _, _, j in extra])])
    if len(np.unique(lab)) == 1:
        regions = {int(lab[0]): t.clip} if lab[0] >= 0 else {}
    else:
        cells = voronoi_cells(t, xy)
        regions = {int(d): shapely.coverage_union_all(cells[lab == d])
                   for d in np.unique(lab) if d >= 0}
    return {d: shapely.intersection(allbuf, cell) for d, cell in regions.items()}


def work_tile(args):
    """One tile's land, territorial sea, EEZ and disputed sea in lon/lat (a worker's job)."""
    t = Tile(*args)
    found = region_parts(t.lon0, t.lon1, t.lat0c, t.lat1c)
    if not found:
        return None
    owners, geoms = project_land(t, found)
    land = shapely.union_all(geoms)
    res = {"land": [], "ts": [], "eez": [], "disp": []}

    def emit(kind, key, g):
        """Keep what is left of the zone in the tile, under its kind and key."""
        g = tile_zone(t, kind, g)
        if g is not None:
            res[kind].append((key, g))

    # land, per unit (owner -1: land of no one)
    for o in np.unique(owners):
        g = shapely.union_all(geoms[owners == o])
        emit("land", int(o), shapely.intersection(g, t.clip))
    sources = sea_sources(owners, geoms)
    if sources is None:
        return res
    own_src, all_src = sources
    ts_sea, eez_sea = sea_buffers(t, own_src, land)
    pts = coast_samples(t, all_src)
    if len(pts) == 0 and eez_sea.is_empty:
        return res
    p_owner = owners[shapely.STRtree(geoms).nearest(shapely.points(pts))]
    for u, cell in owner_cells(t, pts, p_owner).items():
        emit("eez", u, shapely.intersection(eez_sea, cell))
        emit("ts", u, shapely.intersection(ts_sea, cell))
    for d, g in disputed_sea(t, all_src, land, pts, p_owner).items():
        emit("disp", d, g)
    return res


# --------------------------------------------------------------------------- output
def split_pieces(items):
    """Cut (key, geom) items into PIECE-degree pieces."""
    out = []
    for key, g in items:
        x0, y0, x1, y1 = g.bounds
        for gx in range(int(math.floor(x0 / PIECE)) * PIECE, int(math.ceil(x1)), PIECE):
            for gy in range(int(math.floor(y0 / PIECE)) * PIECE, int(math.ceil(y1)), PIECE):
                p = shapely.clip_by_rect(g, gx, gy, gx + PIECE, gy + PIECE)
                # snap to the stored 1e-5 degree grid, keeping the polygons valid
                p = polys_only(shapely.set_precision(p, 1.0 / QUANT)) if not p.is_empty else None
                if p is not None and p.area > 0:
                    out.append((key, p))
    return out


def pack(prefix: str, geoms: list, arrays: dict) -> None:
    mps = [g if g.geom_type == "MultiPolygon" else MultiPolygon([g]) for g in geoms]
    typ, coords, offsets = shapely.to_ragged_array(mps)
    q = np.round(coords * QUANT).astype(np.int64)
    d = np.diff(q, axis=0, prepend=np.zeros((1, 2), np.int64))
    arrays[prefix + "coords"] = d.astype(np.int32)
    for k, off in enumerate(offsets):
        arrays[f"{prefix}off{k}"] = off.astype(np.int32)


def parse_args(argv):
    """The command line: Natural Earth directory, output file, processes and a debug bbox."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ne", type=Path, default=DEFAULT_NE, help="Natural Earth directory")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--jobs", type=int, default=max(1, min(2, os.cpu_count() or 1)))
    ap.add_argument("--bbox", type=float, nargs=4, default=None,
                    help="debug only: build tiles intersecting lon0 lat0 lon1 lat1")
    return ap.parse_args(argv)


def land_parts(ne: Path, units, ugeoms, disputes):
    """(parts, parts_owner): every land polygon with the unit owning it (-1: no one's)."""
    parts, parts_owner = [], []
    for i, g in enumerate(ugeoms):
        for p in shapely.get_parts(g):
            parts.append(p)
            parts_owner.append(i)
    for d in disputes:
        if d["add_land"] is not None and not d["add_land"].is_empty:
            for p in shapely.get_parts(d["add_land"]):
                if p.geom_type == "Polygon":
                    parts.append(p)
                    parts_owner.append(d["land_unit"] if d["land_unit"] is not None else -1)
    a3_to_unit = {u["adm0"]: i for i, u in enumerate(units)}
    for g, owner in load_islands(ne, units, ugeoms, [d["geom"] for d in disputes]):
        parts.append(g)
        parts_owner.append(owner)
    for _name, lon, lat, a3 in REMOTE_ISLANDS:
        pt = shapely.Point(lon, lat)
        if not any(p.distance(pt) < 0.03 for p in parts[-2000:]):
            parts.append(pt.buffer(0.01, quad_segs=4))
            parts_owner.append(a3_to_unit[a3])
    return parts, parts_owner


def tile_origins(bbox):
    """The south-west corners of the tiles to build: the world, or those meeting the bbox."""
    tiles = [(lon, lat) for lat in range(-90, 90, TILE) for lon in range(-180, 180, TILE)]
    if bbox:
        x0, y0, x1, y1 = bbox
        tiles = [(lo, la) for lo, la in tiles
                 if lo < x1 and lo + TILE > x0 and la < y1 and la + TILE > y0]
    return tiles


def tile_results(tiles, jobs: int):
    """work_tile's results in tile order (ordered: reproducible output), in jobs processes."""
    if jobs <= 1:
        yield from map(work_tile, tiles)
        return
    with mp.get_context("fork").Pool(jobs) as pool:
        yield from pool.imap(work_tile, tiles)


def build_tiles(tiles, jobs: int) -> dict:
    """All tiles' (key, geom) items gathered by kind: land, ts, eez, disp."""
    results = {"land": [], "ts": [], "eez": [], "disp": []}
    for r in tqdm(tile_results(tiles, jobs), total=len(tiles), desc="tiles"):
        if r:
            for k in results:
                results[k].extend(r[k])
    return results


def zone_pieces(results: dict) -> list:
    """(kind code, unit, piece) of the land, territorial sea and EEZ, cut into pieces."""
    kinds = {"land": 0, "ts": 1, "eez": 2}
    zone_items = []
    for k, code in kinds.items():
        for key, g in split_pieces(results[k]):
            zone_items.append((code, key, g))
    return zone_items


def dispute_pieces(results: dict, disputes) -> list:
    """(id, piece) of the disputes: id >= 0 their sea, id < 0 their land -(id+1)."""
    disp_items = split_pieces(results["disp"])
    # land disputes: the disputed land itself (simplified, ~100 m)
    for j, d in enumerate(disputes):
        if d.get("area") is not None:
            disp_items.extend(split_pieces([(j, d["area"])]))
        if d.get("point_only") or d["geom"].is_empty:
            continue
        g = polys_only(shapely.make_valid(shapely.simplify(d["geom"], 0.001)))
        if g is not None:
            disp_items.extend((-(j + 1), p) for _, p in split_pieces([(j, g)]))
    return disp_items


def write_npz(out: Path, units, disputes, zone_items, disp_items) -> dict:
    """Write the pieces and their metadata to out (atomically); return the arrays written."""
    arrays = {}
    pack("z_", [g for _, _, g in zone_items], arrays)
    arrays["z_kind"] = np.array([c for c, _, _ in zone_items], np.int8)
    arrays["z_unit"] = np.array([u for _, u, _ in zone_items], np.int16)
    pack("d_", [g for _, g in disp_items], arrays)
    # d_id >= 0: sea region of dispute id; d_id < 0: land of dispute -(id+1)
    arrays["d_id"] = np.array([k for k, _ in disp_items], np.int16)
    meta = {
        "version": 1,
        "quant": QUANT,
        "units": units,
        "disputes": [{k: d[k] for k in ("name", "claimants", "admin", "source")}
                     for d in disputes],
        "params": {"ts_m": TS_M, "eez_m": EEZ_M, "tile_deg": TILE, "piece_deg": PIECE,
                   "land_simplify_m": LAND_SIMPLIFY_M, "sample_m": SAMPLE_M},
        "source": "Natural Earth 1:50m admin-0 countries, 1:10m disputed areas",
    }
    arrays["meta"] = np.array(json.dumps(meta, ensure_ascii=False))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, **arrays)
    os.replace(tmp, out)
    return arrays


def main(argv=None) -> int:
    """Read Natural Earth, build every tile and write the zones file."""
    a = parse_args(argv)
    t0 = time.time()
    if not a.ne.is_dir():
        print(f"Natural Earth data not found in {a.ne}", file=sys.stderr)
        return 2
    log("reading Natural Earth")
    units, ugeoms = load_units(a.ne)
    disputes = load_disputes(a.ne, units, ugeoms)
    parts, parts_owner = land_parts(a.ne, units, ugeoms, disputes)
    log(f"{len(units)} units, {len(parts)} land parts, {len(disputes)} disputes")
    G.update(units=units, parts=parts, parts_owner=parts_owner,
             tree=shapely.STRtree(parts),
             dispute_geoms=[d["geom"] for d in disputes],
             dispute_point_only=[bool(d.get("point_only")) for d in disputes])
    tiles = tile_origins(a.bbox)
    log(f"building {len(tiles)} tiles with {a.jobs} process(es)")
    results = build_tiles(tiles, a.jobs)
    log("cutting into pieces and writing")
    zone_items = zone_pieces(results)
    disp_items = dispute_pieces(results, disputes)
    arrays = write_npz(a.out, units, disputes, zone_items, disp_items)
    nverts = len(arrays["z_coords"]) + len(arrays["d_coords"])
    log(f"wrote {a.out} ({a.out.stat().st_size / 1e6:.2f} MB, {len(zone_items)} zone pieces,"
        f" {len(disp_items)} dispute pieces, {nverts} vertices) in {time.time() - t0:.0f} s")
    from geo.build.zone_unions import build_unions
    log(f"wrote {build_unions(a.out)} (each state's zones unioned once, for the runtime)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
