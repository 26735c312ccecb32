"""Parts of a country, a sea or a region: "southern Lebanon", "eastern Ukraine", "the southern Red
Sea". The gazetteer holds such places as points; their outlines (a country's main land from the
zones, a sea's or a region's polygon from Natural Earth) say where the part lies.

    shapes = Shapes(zones.zone_geometry, lambda: gazetteer.shapes_by_name)
    part = part_of(shapes(place), 180.0)       # the southern part: a point and a radius, or None
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import shapely
from pyproj import Geod
from shapely.geometry import box, shape

from gazetteer.bounded import keep

_GEOD = Geod(ellps="WGS84")
# how much of the outline's extent, along the stated direction, a part covers ("southern": the
# southern 40 %); "central": the middle 40 % both ways
PART_SHARE = 0.4


@dataclass(frozen=True)
class Part:
    point: tuple[float, float]     # (lon, lat)
    radius_km: float               # a circle of this radius covers about the part


# the parts found, by the outline's identity and the bearing: the same parts of the same countries
# and seas recur across articles, and each costs a geodesic area and a polygon intersection (~1 ms).
# The outline is kept with its part, so that its id is not reused while the entry lives.
_PARTS: dict[tuple[int, float | None], tuple[object, Part | None]] = {}
_PARTS_MAX = 1024


def part_of(outline, bearing: float | None) -> Part | None:
    """The part of `outline` (lon/lat) that lies toward `bearing` (degrees; 0 north, 90 east; None:
    the middle): its representative point and a radius of about its size."""
    if outline is None:
        return None
    key = (id(outline), bearing)
    known = _PARTS.get(key)
    if known is not None and known[0] is outline:
        return known[1]
    return keep(_PARTS, key, (outline, _part_of(outline, bearing)), _PARTS_MAX)[1]


def _part_of(outline, bearing: float | None) -> Part | None:
    if outline.is_empty:
        return None
    x0, y0, x1, y1 = outline.bounds
    w, h = x1 - x0, y1 - y0
    if bearing is None:
        cut = box(x0 + w * 0.3, y0 + h * 0.3, x1 - w * 0.3, y1 - h * 0.3)
    else:
        dx, dy = math.sin(math.radians(bearing)), math.cos(math.radians(bearing))
        share = PART_SHARE if abs(dx) < 0.3 or abs(dy) < 0.3 else 0.55    # a corner: more of each side
        cut = box(x1 - w * share if dx > 0.3 else x0, y1 - h * share if dy > 0.3 else y0,
                  x0 + w * share if dx < -0.3 else x1, y0 + h * share if dy < -0.3 else y1)
    part = outline.intersection(cut)
    if part.is_empty or part.area <= 0:
        return None
    c = part.centroid
    p = c if part.contains(c) else part.representative_point()
    area_m2 = abs(_GEOD.geometry_area_perimeter(part)[0])
    return Part((round(p.x, 5), round(p.y, 5)), round(1.3 * math.sqrt(area_m2 / math.pi) / 1000.0, 1))


def piece_at(outline, lon: float, lat: float):
    """Of a (multi)polygon, the piece that holds the point, else the nearest (the larger of equals):
    a country's main land, not its overseas territories; the island a place is on."""
    here = shapely.Point(lon, lat)
    return min(getattr(outline, "geoms", [outline]), key=lambda g: (not g.contains(here), g.distance(here), -g.area))


class Shapes:
    """The outline of a place a text names, when there is one: a country's main land (the piece
    of its land that holds or is nearest its point: not its overseas territories), a sea's or a
    region's polygon by its gazetteer name. Kept once made."""

    def __init__(self, zone_geometry: Callable | None = None, named: Callable[[], dict] | None = None) -> None:
        self._zone_geometry = zone_geometry
        self._named = named
        self._cache: dict[tuple, object] = {}

    def __call__(self, place) -> object | None:
        key = (place.feature_type, place.name, place.country_code)
        if key not in self._cache:
            self._cache[key] = self._outline(place)
        return self._cache[key]

    def _outline(self, place):
        if place.feature_type == "country" and place.country_code and self._zone_geometry is not None:
            land = self._zone_geometry(place.country_code, "land")
            return None if land.is_empty else piece_at(land, place.lon, place.lat)
        if place.feature_type in ("water", "region") and self._named is not None:
            found = self._named().get(place.name)
            return shape(found) if found else None
        return None
