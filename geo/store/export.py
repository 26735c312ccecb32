"""A store, whole or a filtered part, written out: GeoJSON (RFC 7946, as the batch writes it: one
feature per distinct place with every mention, each mention with its article id, then the events,
relations and areas), CSV (the one schema of ``geo.io.export``) and GeoPackage (``geo.io.geopackage``:
layers places, events and shapes). Streaming: memory stays flat however big the store is."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from geo.io.export import csv_writer, mention_rows, rfc7946_geometry
from geo.io.geopackage import GeoPackage
from geo.store.records import dumps

FORMATS = ("geojson", "csv", "gpkg")


@dataclass
class Part:
    """What to write: the articles (store ids; None: all), of their places only `places` (store ids;
    None: all) and of their features only `features` (None: all, relations and areas too)."""
    articles: list | None = None
    places: set | None = None
    features: list | None = None


def part_of(snap, sel) -> Part:
    """The part of the store a collection view's selection shows."""
    return Part(articles=[int(i) for i in snap.art_id[sel.articles]],
                places={int(i) for i in snap.pl_id[sel.places]},
                features=[int(i) for i in snap.ev["id"][sel.events]])


def _place_groups(store, part: Part):
    """(place id, lon, lat, props JSON, [(article store id, confidence, mentions JSON array)]) per place."""
    cur, group = None, []
    for pid, lon, lat, props, art, conf, mentions in store.place_rows(part.articles):
        if part.places is not None and pid not in part.places:
            continue
        if cur is not None and pid != cur[0]:
            yield (*cur, group)
            group = []
        cur = (pid, lon, lat, props)
        group.append((art, conf, mentions))
    if cur is not None:
        yield (*cur, group)


def _place_head(props_s: str, group: list) -> dict:
    props = json.loads(props_s)
    props["confidence"] = round(max(float(c or 0) for _, c, _ in group), 3)
    props["articles"] = len(group)
    return props


def _features(store, part: Part):
    if part.features is not None:
        for f in store.features(part.features):
            f["properties"].pop("store_id", None)
            f["properties"].pop("store_article", None)
            yield dumps(f)
    else:
        yield from store.article_features(part.articles)


def write_geojson(store, path_or_file, part: Part | None = None) -> int:
    part = part or Part()
    own = not hasattr(path_or_file, "write")
    f = open(path_or_file, "w", encoding="utf-8") if own else path_or_file
    n = 0
    try:
        f.write('{"type":"FeatureCollection","features":[')
        for _pid, lon, lat, props_s, group in _place_groups(store, part):
            head = dumps(_place_head(props_s, group))[:-1] + ',"mentions":['
            geom = dumps(rfc7946_geometry({"type": "Point", "coordinates": [lon, lat]}))
            body = ",".join(m[1:-1] for _, _, m in group if len(m) > 2)
            f.write(("," if n else "") + '{"type":"Feature","geometry":' + geom + ',"properties":' + head + body + "]}}")
            n += 1
        for s in _features(store, part):
            f.write(("," if n else "") + s)
            n += 1
        f.write('],"articles":[')
        for i, a in enumerate(store.articles(part.articles)):
            f.write(("," if i else "") + dumps({k: a[k] for k in ("article_id", "title", "date", "url", "source")}))
        f.write("]}\n")
    finally:
        if own:
            f.close()
    return n


def write_csv(store, path_or_file, part: Part | None = None) -> int:
    """One row per mention of a place (geo.io.export.CSV_COLUMNS)."""
    part = part or Part()
    own = not hasattr(path_or_file, "write")
    f = open(path_or_file, "w", encoding="utf-8", newline="") if own else path_or_file
    n = 0
    try:
        writer = csv_writer(f)
        for _pid, lon, lat, props_s, group in _place_groups(store, part):
            props = _place_head(props_s, group)
            for _art, _conf, mentions in group:
                rows = list(mention_rows(props, round(lon, 6), round(lat, 6), json.loads(mentions)))
                writer.writerows(rows)
                n += len(rows)
    finally:
        if own:
            f.close()
    return n


PLACE_COLUMNS = {"name": str, "place_id": int, "geonameid": int, "feature_type": str, "country_code": str,
                 "confidence": float, "articles": int, "mentions": int}
EVENT_COLUMNS = {"type": str, "role": str, "label": str, "actor": str, "time": str, "uncertainty_km": float,
                 "zones": str, "position": str, "article_id": str, "sentences": str}
SHAPE_COLUMNS = {"kind": str, "name": str, "sovereign": str, "distance_km": float, "text": str, "article_id": str}


def _gpkg_places(store, part):
    for _pid, lon, lat, props_s, group in _place_groups(store, part):
        props = _place_head(props_s, group)
        props["mentions"] = sum(len(json.loads(m)) for _, _, m in group)
        yield {"type": "Point", "coordinates": [lon, lat]}, props


def _gpkg_features(store, part, events: bool):
    for s in _features(store, part):
        f = json.loads(s)
        p = f["properties"]
        if f.get("geometry") is None or (p.get("kind") == "event") != events:
            continue
        if events:
            p = {**p, "type": p.get("type") or p.get("role"), "sentences": " | ".join(p.get("sentences") or []),
                 "zones": " ".join(f"{z.get('kind')}:{z.get('sovereign')}" for z in p.get("zones") or []
                                   if z.get("inside"))}
        else:
            p = {**p, "name": p.get("name") or f"{p.get('from', '')} -> {p.get('to', '')}"}
        yield f["geometry"], p


def write_geopackage(store, path, part: Part | None = None) -> int:
    """Layers `places` (points), `events` (points) and `shapes` (relations' lines, areas' and
    zones' polygons)."""
    part = part or Part()
    gp = GeoPackage(Path(path))
    try:
        n = gp.layer("places", "POINT", PLACE_COLUMNS, _gpkg_places(store, part))
        n += gp.layer("events", "POINT", EVENT_COLUMNS, _gpkg_features(store, part, events=True))
        n += gp.layer("shapes", "GEOMETRY", SHAPE_COLUMNS, _gpkg_features(store, part, events=False))
    finally:
        gp.close()
    return n


def write(store, path, fmt: str | None = None, part: Part | None = None) -> int:
    """Write `part` of the store to `path` in `fmt` (default: from the suffix)."""
    fmt = (fmt or Path(path).suffix.lstrip(".").lower() or "geojson").replace("json", "geojson").replace(
        "geogeojson", "geojson")
    if fmt == "geojson":
        return write_geojson(store, path, part)
    if fmt == "csv":
        return write_csv(store, path, part)
    if fmt in ("gpkg", "geopackage"):
        return write_geopackage(store, path, part)
    raise ValueError(f"unknown export format {fmt!r} (geojson, csv, gpkg)")
