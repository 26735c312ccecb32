"""GeoJSON (RFC 7946) and JSON Lines records from an analysis."""
from __future__ import annotations

from gazetteer.model import Place, Resolution
from geo.document import Analysis, PlaceGroup

TOOL = "newsmap"
TOOL_VERSION = "0.1.0"


def _coord(x: float) -> float:
    return round(float(x), 6)


def place_feature(group: PlaceGroup, analysis: Analysis) -> dict:
    p = group.place
    doc = analysis.document
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [_coord(p.lon), _coord(p.lat)]},
        "properties": {
            "kind": "place",
            "name": p.name,
            "place_id": p.id,
            "geonameid": p.geonameid,
            "feature_type": p.feature_type,
            "country_code": p.country_code,
            "confidence": round(group.confidence, 3),
            "reason": group.reason,
            "corrected": group.corrected,
            "source": p.source,
            "mentions": [
                {"start": m.start, "end": m.end, "text": m.text, "kind": m.kind,
                 "sentence": doc.sentence_text(m.sentence)}
                for m in group.mentions
            ],
            "alternatives": [
                {"place_id": a.place.id, "name": a.place.name, "lat": _coord(a.place.lat),
                 "lon": _coord(a.place.lon), "geonameid": a.place.geonameid,
                 "feature_type": a.place.feature_type, "country_code": a.place.country_code,
                 "score": a.score}
                for a in group.alternatives
            ],
            "provenance": provenance(analysis),
        },
    }


def provenance(analysis: Analysis) -> dict:
    meta = analysis.document.meta
    return {"article_id": meta.id, "title": meta.title, "date": meta.date, "source": meta.source,
            "url": meta.url, "tool": f"{TOOL} {TOOL_VERSION}", "gazetteer": "GeoNames + Natural Earth"}


def to_feature_collection(analysis: Analysis) -> dict:
    features = [place_feature(g, analysis) for g in analysis.places]
    features.extend(extra_features(analysis))
    return {"type": "FeatureCollection", "features": features}


def extra_features(analysis: Analysis) -> list[dict]:
    """The events, relations and areas of an analysis as GeoJSON features, with provenance."""
    features: list[dict] = []
    if not (analysis.events or analysis.relations or analysis.areas):
        return features
    common = provenance(analysis)
    for extra in (analysis.events, analysis.relations, analysis.areas):
        for item in extra:
            feat = item if isinstance(item, dict) else item.to_feature(analysis)
            props = feat.get("properties") or {}
            # every feature says where it came from: the article, and the tool and data that made it
            feat = {**feat, "properties": {**props, "provenance": {**common, **(props.get("provenance") or {})}}}
            if feat.get("geometry"):
                feat["geometry"] = rfc7946_geometry(feat["geometry"])
            features.append(feat)
    return features


def rfc7946_geometry(geom: dict) -> dict:
    """A GeoJSON geometry as RFC 7946 wants it: [lon, lat] to 6 decimals, polygons' exterior rings
    counter-clockwise (holes clockwise), lines that cross the antimeridian split there."""
    kind = geom.get("type")
    if kind in ("Polygon", "MultiPolygon"):
        import shapely
        from shapely.geometry import mapping, shape
        geom = mapping(shapely.orient_polygons(shape(geom), exterior_cw=False))
        return {"type": kind if geom["type"] == kind else geom["type"],
                "coordinates": _round_coords(geom["coordinates"])}
    if kind == "LineString":
        parts = _split_at_antimeridian(geom["coordinates"])
        if len(parts) > 1:
            return {"type": "MultiLineString", "coordinates": _round_coords(parts)}
        return {"type": "LineString", "coordinates": _round_coords(parts[0])}
    if kind == "MultiLineString":
        parts = [p for line in geom["coordinates"] for p in _split_at_antimeridian(line)]
        return {"type": "MultiLineString", "coordinates": _round_coords(parts)}
    if "coordinates" in geom:
        return {**geom, "coordinates": _round_coords(geom["coordinates"])}
    return geom


def _round_coords(c):
    if isinstance(c, (list, tuple)) and c and isinstance(c[0], (int, float)):
        return [_coord(x) for x in c]
    return [_round_coords(x) for x in c]


def _split_at_antimeridian(line) -> list[list]:
    """Pieces of a line whose consecutive points never jump more than 180° of longitude; the
    crossing point is interpolated onto ±180 at both ends of the cut."""
    pieces, cur = [], [list(line[0])]
    for (x0, y0, *_), (x1, y1, *_) in zip(line, line[1:]):
        if abs(x1 - x0) > 180:
            # unwrap x1 to the side of x0, find where the segment meets ±180
            x1u = x1 + 360 if x1 < x0 else x1 - 360
            edge = 180.0 if x1u > 180 else -180.0
            t = (edge - x0) / (x1u - x0)
            y = y0 + t * (y1 - y0)
            cur.append([edge, y])
            pieces.append(cur)
            cur = [[-edge, y]]
        cur.append([x1, y1])
    pieces.append(cur)
    return pieces


def place_record(r: Resolution) -> dict:
    """One entry of `parse --jsonl` output."""
    m, p = r.mention, r.place
    return {
        "start": m.start, "end": m.end, "text": m.text, "kind": m.kind,
        "lat": _coord(p.lat) if p else None, "lon": _coord(p.lon) if p else None,
        "geonameid": p.geonameid if p else None, "name": p.name if p else None,
        "feature_type": p.feature_type if p else None, "country_code": p.country_code if p else None,
        "confidence": round(r.confidence, 3),
    }


def unplaced_record(start: int, end: int, text: str) -> dict:
    return {"start": start, "end": end, "text": text, "kind": "toponym", "lat": None, "lon": None,
            "geonameid": None, "name": None, "feature_type": None, "country_code": None, "confidence": 0.0}


def place_point(place: Place) -> list[float]:
    return [_coord(place.lon), _coord(place.lat)]
