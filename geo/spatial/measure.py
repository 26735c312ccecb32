"""Geodesic measures on the WGS84 ellipsoid (pyproj ``Geod``), compass words and distance units.

Every distance here is measured on the ellipsoid; nothing treats degrees as kilometres.

>>> round(distance_km(127.44361, 39.15278, 132.49675, 35.00365))   # Wonsan -> Shimane
643
>>> compass(45.0), compass(30.0, points=16)
('NE', 'NNE')
>>> to_km(200, "nautical miles")
370.4
"""
from __future__ import annotations

import math
import re

import numpy as np
from pyproj import Geod

GEOD = Geod(ellps="WGS84")

KM_PER_MILE = 1.609344          # statute mile
KM_PER_NAUTICAL_MILE = 1.852

# unit words (lower case, spaces normalised) -> kilometres per unit
UNIT_KM = {
    "km": 1.0, "kms": 1.0, "kilometre": 1.0, "kilometres": 1.0, "kilometer": 1.0, "kilometers": 1.0,
    "m": 0.001, "metre": 0.001, "metres": 0.001, "meter": 0.001, "meters": 0.001,
    "mile": KM_PER_MILE, "miles": KM_PER_MILE, "mi": KM_PER_MILE,
    "statute mile": KM_PER_MILE, "statute miles": KM_PER_MILE,
    "nautical mile": KM_PER_NAUTICAL_MILE, "nautical miles": KM_PER_NAUTICAL_MILE,
    "nm": KM_PER_NAUTICAL_MILE, "nmi": KM_PER_NAUTICAL_MILE, "nmiles": KM_PER_NAUTICAL_MILE,
}

# regular-expression alternation for unit words, longest first (used by geo.relations too)
UNIT_PATTERN = (r"(?:nautical\s+miles?|statute\s+miles?|kilomet(?:re|er)s?|met(?:re|er)s?|miles?"
                r"|kms?|nmi|nm|mi|m)\b")

_POINTS_16 = ("N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE",
              "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW")
_POINTS_8 = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
_BASE = {"north": 0.0, "east": 90.0, "south": 180.0, "west": 270.0}
_ABBR = {p: i * 22.5 for i, p in enumerate(_POINTS_16)}

# direction words as written in news text: "north-east", "northeast", "north east", "NNE",
# "east-northeast", "north-northeast"
DIRECTION_PATTERN = (
    r"(?:(?:north|south)[\s-]?(?:north|south)?[\s-]?(?:east|west)"   # north-east, north-north-east
    r"|(?:east|west)[\s-]?(?:north|south)[\s-]?(?:east|west)"          # east-north-east
    r"|north|south|east|west"
    r"|NNE|ENE|ESE|SSE|SSW|WSW|WNW|NNW|NE|SE|SW|NW|N|E|S|W)"
)


def distance_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Geodesic distance in kilometres."""
    _, _, m = GEOD.inv(lon1, lat1, lon2, lat2)
    return float(m) / 1000.0


def bearing_deg(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Initial bearing (forward azimuth) from point 1 to point 2, in degrees 0..360."""
    az, _, _ = GEOD.inv(lon1, lat1, lon2, lat2)
    return float(az) % 360.0


def destination(lon: float, lat: float, bearing: float, distance: float) -> tuple[float, float]:
    """The point reached by going `distance` km from (lon, lat) on initial bearing `bearing`."""
    lon2, lat2, _ = GEOD.fwd(lon, lat, bearing, distance * 1000.0)
    return float(lon2), float(lat2)


def destinations(lon: float, lat: float, bearings, distances) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised `destination` for arrays of bearings and distances (km)."""
    b = np.asarray(bearings, dtype=float)
    d = np.asarray(distances, dtype=float) * 1000.0
    b, d = np.broadcast_arrays(b, d)
    lons, lats, _ = GEOD.fwd(np.full(b.shape, lon), np.full(b.shape, lat), b, d)
    return np.asarray(lons), np.asarray(lats)


def distances_km(lon: float, lat: float, lons, lats) -> np.ndarray:
    """Geodesic distances (km) from one point to many."""
    lons = np.asarray(lons, dtype=float)
    lats = np.asarray(lats, dtype=float)
    _, _, m = GEOD.inv(np.full(lons.shape, lon), np.full(lats.shape, lat), lons, lats)
    return np.asarray(m) / 1000.0


def compass(bearing: float, points: int = 8) -> str:
    """Compass point for a bearing: 8 points ("NE") by default, or 16 ("NNE")."""
    names = _POINTS_16 if points == 16 else _POINTS_8
    step = 360.0 / len(names)
    return names[int(((bearing % 360.0) + step / 2) // step) % len(names)]


def parse_direction(text: str) -> float | None:
    """Bearing in degrees for a direction word: "north-east" -> 45, "NNE" -> 22.5, "west" -> 270.

    Returns None for anything that is not a compass direction.
    """
    t = text.strip()
    if t.upper() == t and t.upper() in _ABBR:      # abbreviations only in capitals ("NE", not "ne")
        return _ABBR[t.upper()]
    words = re.findall(r"north|south|east|west", t.lower())
    if not words or re.sub(r"north|south|east|west|[\s-]", "", t.lower()):
        return None
    if len(words) == 1:
        return _BASE[words[0]]
    if len(words) == 2:                         # north-east: halfway between
        return _mid(_BASE[words[0]], _BASE[words[1]])
    if len(words) == 3:                         # north-north-east: halfway between north and north-east
        return _mid(_BASE[words[0]], _mid(_BASE[words[1]], _BASE[words[2]]))
    return None


def _mid(a: float, b: float) -> float:
    d = ((b - a + 180.0) % 360.0) - 180.0
    return (a + d / 2.0) % 360.0


def unit_km(unit: str) -> float:
    """Kilometres per unit: "km" -> 1, "miles" -> 1.609344, "nautical miles"/"nm" -> 1.852."""
    key = re.sub(r"\s+", " ", unit.strip().lower().rstrip("."))
    if key not in UNIT_KM:
        raise ValueError(f"unknown distance unit: {unit!r}")
    return UNIT_KM[key]


def to_km(value: float, unit: str) -> float:
    return round(float(value) * unit_km(unit), 6)


def parse_number(text: str) -> float:
    """"1,180" -> 1180.0, "2.5" -> 2.5."""
    return float(text.replace(",", "").replace("\u2009", "").strip())


# a number starts only where no digit, comma or point stands before it (so a run of 100,000 digits
# is one attempt, not 100,000 attempts of 100,000 steps), and what follows it (a unit's letters, a
# dash, a second number) never starts inside it, so giving digits back finds nothing new. (No
# possessive quantifiers: Python 3.11.0-3.11.4's engine matches some of them wrongly.)
NUMBER_PATTERN = r"(?<![\d,.])\d[\d,]*(?:\.\d+)?"
_DISTANCE_RE = re.compile(r"(" + NUMBER_PATTERN + r")\s*(?:-|to|–)?\s*(" + NUMBER_PATTERN + r")?\s*("
                          + UNIT_PATTERN + ")", re.IGNORECASE)
# farther than this on the earth is no distance (half the equator): a bigger number is not a distance
MAX_DISTANCE_KM = 20_040.0


def parse_distance(text: str) -> float | None:
    """Kilometres for the first distance in `text`: "1,180 km" -> 1180, "200 nautical miles" -> 370.4.

    A range ("300 to 350 km") gives its middle.
    """
    m = _DISTANCE_RE.search(text)
    if not m:
        return None
    lo = parse_number(m.group(1))
    hi = parse_number(m.group(2)) if m.group(2) else lo
    km = to_km((lo + hi) / 2.0, m.group(3))
    return km if math.isfinite(km) and km <= MAX_DISTANCE_KM else None


def sector(lon: float, lat: float, bearing: float, half_width: float, radius_km: float,
           inner_km: float = 0.0, step_deg: float = 2.5):
    """A geodesic sector (a wedge) from a point as a shapely Polygon in lon/lat.

    The arc is sampled every `step_deg` degrees; the edges are geodesics sampled every ~25 km.
    """
    import shapely

    n_arc = max(2, int(math.ceil(2 * half_width / step_deg)) + 1)
    bs = np.linspace(bearing - half_width, bearing + half_width, n_arc)
    n_edge = max(2, int(math.ceil((radius_km - inner_km) / 25.0)) + 1)
    ds = np.linspace(inner_km, radius_km, n_edge)
    left = destinations(lon, lat, bs[0], ds)
    arc = destinations(lon, lat, bs, radius_km)
    right = destinations(lon, lat, bs[-1], ds[::-1])
    xs = np.concatenate([left[0], arc[0], right[0]])
    ys = np.concatenate([left[1], arc[1], right[1]])
    if inner_km > 0:
        inner = destinations(lon, lat, bs[::-1], inner_km)
        xs = np.concatenate([xs, inner[0]])
        ys = np.concatenate([ys, inner[1]])
    poly = shapely.Polygon(np.column_stack([xs, ys]))
    return poly if poly.is_valid else shapely.make_valid(poly)


def circle(lon: float, lat: float, radius_km: float, n: int = 72):
    """A geodesic circle as a shapely Polygon in lon/lat."""
    import shapely

    xs, ys = destinations(lon, lat, np.linspace(0.0, 360.0, n, endpoint=False), radius_km)
    return shapely.Polygon(np.column_stack([xs, ys]))


def area_summary(geom, samples: int = 24, share: float = 0.9) -> tuple[tuple[float, float], float] | None:
    """Point estimate and uncertainty radius for an area.

    The point is the centroid (or, when the centroid falls outside a concave area, the area's
    representative point); the radius (km) covers `share` of a grid of points spread over the area.
    """
    import shapely

    if geom is None or geom.is_empty:
        return None
    c = geom.centroid
    if not geom.contains(c):
        c = geom.point_on_surface()
    x0, y0, x1, y1 = geom.bounds
    gx, gy = np.meshgrid(np.linspace(x0, x1, samples), np.linspace(y0, y1, samples))
    gx, gy = gx.ravel(), gy.ravel()
    inside = shapely.contains_xy(geom, gx, gy)
    if inside.sum() < 3:
        xs, ys = shapely.get_coordinates(geom).T
    else:
        xs, ys = gx[inside], gy[inside]
    d = distances_km(c.x, c.y, xs, ys)
    radius = float(np.quantile(d, share)) if len(d) else 0.0
    return (float(c.x), float(c.y)), radius


def geodesic_path(a: tuple[float, float], b: tuple[float, float], step_km: float = 50.0,
                  max_points: int = 64) -> list[tuple[float, float]]:
    """Points along the geodesic from a to b ((lon, lat) each, both ends included), one every
    `step_km` up to `max_points` between: a line drawn on a map follows the earth, not the grid."""
    d = distance_km(a[0], a[1], b[0], b[1])
    n = max(0, min(max_points, int(d // step_km)))
    between = GEOD.npts(a[0], a[1], b[0], b[1], n) if n else []
    return [tuple(a)] + [(float(x), float(y)) for x, y in between] + [tuple(b)]
