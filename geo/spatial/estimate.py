"""Where one object is, from the claims the text makes about it: a point, an area when the text
describes a region, and an uncertainty radius in kilometres."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from geo.model import Claim
from geo.spatial.expressions import zone_shape
from geo.spatial.measure import area_summary


@dataclass(frozen=True)
class Estimate:
    point: tuple[float, float] | None
    uncertainty_km: float | None
    area: object = None
    basis: str = ""                # how it was derived, in words
    notes: tuple[str, ...] = field(default_factory=tuple)


def estimate_position(claims: Iterable[Claim], zone_geometry: Callable | None = None) -> Estimate | None:
    """Best point, area and uncertainty for one object from the claims about it.

    Order of preference: a stated distance and direction; a distance alone ("70 nautical miles off
    Aden"); "between X and Y", "in the X district of Y", "Y's port", "near X" (the narrowest
    first); a direction (a sector) cut by the zone the text puts it in or out of; "off the coast
    of"; a named place or sea it fell in. None when no claim gives a position (a zone claim alone
    does not).
    """
    claims = list(claims)
    dd = [c for c in claims if c.kind == "distance_direction"]
    if dd:
        c = dd[0]
        return Estimate(c.point, c.uncertainty_km, None, f"{c.text} (geodesic destination)")
    for kinds in (("distance",), PLACE_CLAIMS):
        found = sorted((c for c in claims if c.kind in kinds and c.point is not None),
                       key=lambda c: c.uncertainty_km or 1e9)
        if found:
            c = found[0]
            return Estimate(c.point, c.uncertainty_km, None, f"{c.text} ({PLACE_CLAIM_WORDS.get(c.kind, c.kind)})")
    dirs = [c for c in claims if c.kind == "direction" and c.area is not None]
    if dirs:
        return _in_sector(dirs[0], [c for c in claims if c.kind == "zone" and c.zone_sovereign], zone_geometry)
    off = [c for c in claims if c.kind == "offshore"]
    if off:
        c = off[0]
        return Estimate(c.point, c.uncertainty_km, None, c.text)
    inp = sorted((c for c in claims if c.kind == "in_place"), key=lambda c: c.uncertainty_km or 1e9)
    if inp:
        c = inp[0]
        return Estimate(c.point, c.uncertainty_km, None, f"{c.text} (the place's point only)")
    return None


# claims that put a thing at or around one place, and how their point was found
PLACE_CLAIMS = ("between", "district", "facility", "near", "part")
PLACE_CLAIM_WORDS = {"distance": "that far from the place, out to sea where the text says off",
                     "between": "the middle of the two places", "district": "the district, else the city it is in",
                     "facility": "the place's point", "near": "the place's point, widened",
                     "part": "that part of the place's outline"}


def _in_sector(c: Claim, zones: list[Claim], zone_geometry: Callable | None) -> Estimate:
    """"north-east of Shimane": the sector, cut to the zone the text puts the object in (or out
    of) and cleared of the anchor country's land; its centre and the radius covering 90% of it."""
    area = c.area
    notes = []
    basis = c.text
    if zone_geometry is not None:
        seen = set()
        for z in zones:
            if (z.zone_sovereign, z.zone_kind, z.inside) in seen:
                continue
            seen.add((z.zone_sovereign, z.zone_kind, z.inside))
            zg = zone_shape(zone_geometry, z.zone_sovereign, z.zone_kind)
            if zg is None:
                continue
            cut = area.intersection(zg) if z.inside else area.difference(zg)
            if cut.is_empty or cut.area < 1e-6:
                notes.append(f"the area {c.text!r} does not meet the zone of {z.text!r}")
                continue
            area = cut
            basis += f", {'inside' if z.inside else 'outside'} {z.zone_sovereign} {z.zone_kind}"
        if c.anchor_place is not None and c.anchor_place.country_code:
            try:
                land = zone_geometry(c.anchor_place.country_code, "land")
                sea = area.difference(land) if land is not None and not land.is_empty else area
                if not sea.is_empty and sea.area > 1e-6:
                    area = sea
            except Exception:
                pass
    area = _polygonal(area)
    summ = area_summary(area)
    if summ is None:
        return Estimate(c.point, c.uncertainty_km, c.area, basis, tuple(notes))
    return Estimate(summ[0], round(summ[1], 1), area, basis + " (centre of the region)", tuple(notes))


def _polygonal(geom):
    """Keep only the polygons of a geometry (intersections can leave lines and points)."""
    import shapely
    if geom is None or geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()
