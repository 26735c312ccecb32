"""Every way results leave the program, one schema each: GeoJSON (RFC 7946), JSON Lines records
and CSV. The only module that turns the typed results of ``geo.model`` into dicts and text.
"""
from __future__ import annotations

import csv
import io
import json
from typing import Iterable, Iterator

from gazetteer.bounded import keep
from geo.events.taxonomy import MISSILE_ROLES, event_type
from geo.model import Analysis, Area, Claim, Event, EventLocation, PlaceGroup, Relation, Resolution, ZoneHit
from geo.spatial.measure import compass, geodesic_path

TOOL = "newsmap"
TOOL_VERSION = "0.1.0"
GAZETTEER = "GeoNames + Natural Earth"
# coordinates of drawn regions are snapped to these grids (degrees): an event's region is drawn to
# about 10 m, a zone (already simplified to 0.02°) to about 100 m
AREA_GRID = {"area": 1e-4, "zone": 1e-3}


def _coord(x: float) -> float:
    return round(float(x), 6)


def _point(lon: float, lat: float) -> dict:
    return {"type": "Point", "coordinates": [_coord(lon), _coord(lat)]}


# ---------------------------------------------------------------------------------------------
# GeoJSON

def to_feature_collection(analysis: Analysis) -> dict:
    features = [place_feature(g, analysis) for g in analysis.places]
    features.extend(extra_features(analysis))
    features.extend(unplaced_features(analysis))
    return {"type": "FeatureCollection", "features": features}


def unplaced_features(analysis: Analysis) -> list[dict]:
    """Place names the program found but could not place (a name the gazetteer lacks, with nothing
    in the text saying where it is), one feature per name, with no geometry (RFC 7946 §3.2):
    shown as unplaced rather than put somewhere they are not."""
    doc = analysis.document
    by_name: dict[str, list[Resolution]] = {}
    for r in analysis.resolutions:
        if r.place is None and r.mention.kind in ("toponym", "demonym"):
            by_name.setdefault(r.mention.text, []).append(r)
    common = provenance(analysis) if by_name else None
    return [{"type": "Feature", "geometry": None,
             "properties": {"kind": "unplaced", "name": name, "reason": rs[0].reason or "not in the gazetteer",
                            "mentions": [{"start": r.mention.start, "end": r.mention.end, "text": r.mention.text,
                                          "kind": r.mention.kind, "sentence": doc.sentence_text(r.mention.sentence)}
                                         for r in rs],
                            "provenance": common}}
            for name, rs in by_name.items()]


def provenance(analysis: Analysis) -> dict:
    meta = analysis.document.meta
    return {"article_id": meta.id, "title": meta.title, "date": meta.date, "source": meta.source,
            "url": meta.url, "tool": f"{TOOL} {TOOL_VERSION}", "gazetteer": GAZETTEER}


def place_feature(group: PlaceGroup, analysis: Analysis) -> dict:
    p = group.place
    doc = analysis.document
    return {
        "type": "Feature",
        "geometry": _point(p.lon, p.lat),
        "properties": {
            "kind": "place", "name": p.name, "place_id": p.id, "geonameid": p.geonameid,
            "feature_type": p.feature_type, "country_code": p.country_code,
            "confidence": round(group.confidence, 3), "reason": group.reason, "corrected": group.corrected,
            "source": p.source,
            **mention_lists(group, doc),
            "alternatives": [
                {"place_id": a.place.id, "name": a.place.name, "lat": _coord(a.place.lat),
                 "lon": _coord(a.place.lon), "geonameid": a.place.geonameid,
                 "feature_type": a.place.feature_type, "country_code": a.place.country_code, "score": a.score}
                for a in group.alternatives],
            "provenance": provenance(analysis),
        },
    }


# Mentions of one place in one article listed in full (offsets, text, kind and context); any more
# are listed as [start, end, text] in `more_mentions`: a name repeated 100,000 times costs about
# 25 bytes a mention rather than a context each.
MAX_LISTED_MENTIONS = 100


def mention_lists(group: PlaceGroup, doc, **extra) -> dict:
    """{"mentions": [full records], "more_mentions"?: [[start, end, text], ...]} of a place's
    mentions in one document; `extra` (e.g. article_id) goes into each full record."""
    full, more = [], []
    for k, m in enumerate(group.mentions):
        if k >= MAX_LISTED_MENTIONS:
            more.append((m.start, m.end, m.text))
            continue
        a, b = doc.context(m.sentence, m.start, m.end)
        full.append({**extra, "start": m.start, "end": m.end, "text": m.text, "kind": m.kind,
                     "sentence": doc.text[a:b], "sentence_start": a, "sentence_end": b})
    return {"mentions": full, "more_mentions": more} if more else {"mentions": full}


def all_mentions(props: dict) -> list[dict]:
    """Every mention of a place feature as a record: the full ones, then those of `more_mentions`
    (start, end, text; in a batch's output grouped by article)."""
    out = list(props.get("mentions") or [])
    for more in props.get("more_mentions") or []:
        if isinstance(more, dict):          # the batch's: {"article_id", "mentions": [[s, e, text], ...]}
            out += [{"article_id": more.get("article_id"), "start": s, "end": e, "text": t}
                    for s, e, t in more.get("mentions") or []]
        else:
            s, e, t = more
            out.append({"start": s, "end": e, "text": t})
    return out


def extra_features(analysis: Analysis) -> list[dict]:
    """The events, relations and areas of an analysis as GeoJSON features, each saying where it
    came from (the article, and the tool and data that made it)."""
    common = provenance(analysis)
    out = [event_feature(e, analysis, common) for e in analysis.events]
    out += [relation_feature(r, common) for r in analysis.relations]
    out += [area_feature(a, common) for a in analysis.areas]
    return out


def event_feature(event: Event, analysis: Analysis, common: dict | None = None) -> dict:
    """One event, in the schema every event type shares (README: "Events")."""
    doc = analysis.document
    t = event_type(event.type or MISSILE_ROLES.get(event.role, ""))
    props = {
        "kind": "event", "type": t.name, "type_label": t.label, "icon": t.icon, "colour": t.colour,
        "role": event.role, "label": event.label, "actor": event.actor, "counts": dict(event.counts),
        "time": event.time, "time_text": event.time_text,
        "zones": [zone_record(h) for h in event.zones],
        "claims": [claim_record(c) for c in event.claims],
        "locations": [location_record(x) for x in event.locations],
        "triggers": [{"start": x.start, "end": x.end, "text": doc.text[x.start:x.end]} for x in event.triggers],
        "uncertainty_km": event.uncertainty_km, "position": event.position, "confidence": event.confidence,
        "sentences": [doc.sentence_text(s) for s in event.sentences],
        "conflict": event.conflict,
        "provenance": {**(common or provenance(analysis)), "sentence_offsets": [
            [doc.sentences[s].start, doc.sentences[s].end] for s in event.sentences]},
    }
    geometry = _point(*event.point) if event.point is not None else None
    return {"type": "Feature", "geometry": geometry, "properties": props}


def location_record(x: EventLocation) -> dict:
    """A span that says where an event happened, and where it puts it."""
    return {"start": x.start, "end": x.end, "text": x.text, "kind": x.kind,
            "lat": _coord(x.point[1]) if x.point else None, "lon": _coord(x.point[0]) if x.point else None,
            "place": x.place, "feature_type": x.feature_type or None, "container": x.container,
            "uncertainty_km": x.uncertainty_km}


def relation_feature(r: Relation, common: dict) -> dict:
    line = {"type": "LineString", "coordinates": [list(p) for p in geodesic_path(r.origin, r.target)]}
    return {"type": "Feature", "geometry": rfc7946_geometry(line),
            "properties": {"kind": "relation", "from": r.origin_name, "to": r.target_name,
                           "distance_km": round(r.distance_km, 1), "bearing_deg": round(r.bearing_deg, 1),
                           "compass": compass(r.bearing_deg, 16), "text": r.text, "provenance": common}}


def area_feature(a: Area, common: dict) -> dict:
    import shapely
    geom = json.loads(shapely.to_geojson(shapely.set_precision(a.geometry, AREA_GRID[a.kind])))
    props = {"kind": a.kind, "name": a.name, "sovereign": a.sovereign}
    props.update({"event": a.event} if a.kind == "area" else {"zone_kind": a.zone_kind})
    props["provenance"] = common
    return {"type": "Feature", "geometry": rfc7946_geometry(geom), "properties": props}


def zone_record(h: ZoneHit) -> dict:
    return {"kind": h.kind, "sovereign": h.sovereign, "name": h.name, "inside": bool(h.inside),
            "disputed": bool(h.disputed), "distance_km": round(float(h.distance_km), 1)}


def claim_record(c: Claim) -> dict:
    if c.kind == "zone":
        return {"kind": c.zone_kind, "sovereign": c.zone_sovereign, "inside": c.inside, "text": c.text,
                "by": c.by_name}
    d = {"kind": c.kind, "text": c.text, "by": c.by_name, "anchor": c.anchor_place.name if c.anchor_place else None}
    if c.distance_km is not None:
        d["distance_km"] = round(c.distance_km, 1)
    if c.bearing is not None:
        d["bearing_deg"] = round(c.bearing, 1)
    if c.point is not None:
        d["point"] = [round(float(c.point[0]), 5), round(float(c.point[1]), 5)]
    if c.uncertainty_km is not None:
        d["uncertainty_km"] = c.uncertainty_km
    return d


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


# ---------------------------------------------------------------------------------------------
# JSON Lines (`python -m geo parse --jsonl`)

def place_record(r: Resolution) -> dict:
    """One place of a `parse --jsonl` answer: the mention and where it was placed (nulls when
    nothing fits)."""
    m, p = r.mention, r.place
    lat, lon, geonameid, name, feature_type, country_code = _place_fields(p) if p is not None else _NO_PLACE
    return {"start": m.start, "end": m.end, "text": m.text, "kind": m.kind, "lat": lat, "lon": lon,
            "geonameid": geonameid, "name": name, "feature_type": feature_type, "country_code": country_code,
            "confidence": round(r.confidence, 3)}


_PLACE_FIELDS: dict[int, tuple] = {}      # place id -> (the place, its fields as an answer gives them)
_NO_PLACE = (None,) * 6                    # the same fields when nothing fits


def _place_fields(p) -> tuple:
    """(lat, lon, geonameid, name, feature_type, country_code) of a place, coordinates rounded;
    cached (bounded): places recur across articles. The place itself is kept with them, so a
    user's place that took another's id after a reload is never mistaken for it."""
    hit = _PLACE_FIELDS.get(p.id)
    if hit is None or hit[0] is not p:
        hit = keep(_PLACE_FIELDS, p.id, (p, (_coord(p.lat), _coord(p.lon), p.geonameid, p.name, p.feature_type,
                                             p.country_code)))
    return hit[1]


def event_record(event: Event, text: str) -> dict:
    """One event of a `parse --jsonl` answer: its trigger's span, type, point and the spans that
    say where it happened."""
    trig = event.triggers[0] if event.triggers else None
    return {
        "start": trig.start if trig else None, "end": trig.end if trig else None,
        "text": text[trig.start:trig.end] if trig else None, "type": event.type or event.role, "label": event.label,
        "lat": _coord(event.point[1]) if event.point else None, "lon": _coord(event.point[0]) if event.point else None,
        "uncertainty_km": event.uncertainty_km,
        "locations": [{"start": x.start, "end": x.end, "text": x.text,
                       "lat": _coord(x.point[1]) if x.point else None, "lon": _coord(x.point[0]) if x.point else None}
                      for x in event.locations],
    }


# ---------------------------------------------------------------------------------------------
# CSV: one row per mention of a place, for the page's download and `batch --csv` alike

CSV_COLUMNS = ["article_id", "place_name", "lat", "lon", "place_id", "geonameid", "feature_type", "country_code",
               "confidence", "start", "end", "mention", "sentence", "tool"]


def csv_cell(value):
    """Neutralise spreadsheet formulas in untrusted text cells (CSV injection): a cell that a
    spreadsheet would evaluate gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def mention_rows(props: dict, lon: float, lat: float, mentions: Iterable[dict],
                 article_id: str | None = None) -> Iterator[list]:
    """CSV rows of one place's mentions; each mention's own `article_id` wins over `article_id`."""
    tool = f"{TOOL} {TOOL_VERSION}"
    for men in mentions:
        yield [csv_cell(v) for v in (
            men.get("article_id", article_id or ""), props.get("name", ""), lat, lon, props.get("place_id"),
            props.get("geonameid"), props.get("feature_type", ""), props.get("country_code", ""),
            props.get("confidence"), men.get("start"), men.get("end"), men.get("text", ""),
            men.get("sentence", ""), tool)]


def csv_writer(stream) -> "csv._writer":
    """A CSV writer on `stream` that has written the header."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    return writer


def to_csv(fc: dict) -> str:
    """The places of a FeatureCollection as CSV, one row per mention."""
    buf = io.StringIO()
    writer = csv_writer(buf)
    for feat in fc.get("features", []):
        p = feat.get("properties") or {}
        geom = feat.get("geometry") or {}
        if p.get("kind") != "place" or geom.get("type") != "Point":
            continue
        lon, lat = geom["coordinates"][:2]
        writer.writerows(mention_rows(p, lon, lat, all_mentions(p), (p.get("provenance") or {}).get("article_id", "")))
    return buf.getvalue()
