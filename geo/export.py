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
    for extra in (analysis.events, analysis.relations, analysis.areas):
        for item in extra:
            features.append(item if isinstance(item, dict) else item.to_feature(analysis))
    return {"type": "FeatureCollection", "features": features}


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
