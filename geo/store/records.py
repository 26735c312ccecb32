"""What the store keeps of one analysed article, made from an `Analysis` (the page, `parse`) or from the
rows a batch worker already made for its journal (no second pass over the analysis).

A record is plain data: the article's metadata and text, one `PlaceRow` per distinct place it names
(with every mention: offsets, surface text, sentence), and its events, relations and areas as
GeoJSON feature strings, exactly as ``geo.io.export`` writes them.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from geo.io.export import extra_features, place_feature
from geo.model import Analysis

_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
dumps = _JSON.encode
_EPOCH = _dt.date(1970, 1, 1)
NO_DAY = -(1 << 30)            # the day of an article or event without a date


def text_hash(text: str) -> str:
    """The identity of an article's text: the same text added twice (under any id) is one article."""
    return hashlib.blake2b(text.strip().encode("utf-8", "replace"), digest_size=16).hexdigest()


def day_number(value) -> int:
    """Days since 1970-01-01 of an ISO date or date-time ("2019-10-02", "2019-10-02T07:10:00+09:00");
    NO_DAY when there is none."""
    s = str(value or "")[:10]
    try:
        return (_dt.date.fromisoformat(s) - _EPOCH).days
    except ValueError:
        return NO_DAY


def day_iso(day: int) -> str:
    return "" if day == NO_DAY else (_EPOCH + _dt.timedelta(days=int(day))).isoformat()


@dataclass
class PlaceRow:
    """One distinct place of an article: the place (shared by every article) and its mentions here."""
    key: str                   # "g<place id>" for gazetteer places, "u<id>@<lon>,<lat>" for names placed by
    #                            what holds them, "c<lon>,<lat>" otherwise (see place_key)
    lon: float
    lat: float
    props: str                 # the place's properties (JSON): name, place_id, geonameid, feature_type, ...
    confidence: float
    n: int                     # mentions in this article
    mentions: str              # JSON array of {start, end, text, kind, sentence}


@dataclass
class ArticleRecord:
    article_id: str
    text_hash: str
    title: str = ""
    date: str = ""
    url: str = ""
    source: str = ""
    timezone: str = ""
    text: str | None = None    # None: not kept (an article reused from an older batch journal)
    places: list[PlaceRow] = field(default_factory=list)
    events: list[str] = field(default_factory=list)       # GeoJSON Feature strings of its events
    extras: bytes | None = None     # every feature (events, relations, areas), comma-joined, zlib-compressed
    n_features: int = 0
    corrections: list = field(default_factory=list)


def merged_places(rows: list[PlaceRow]) -> list[PlaceRow]:
    """An article's place rows with one row per key (rows written by an older version of the batch,
    whose keys two places could share, are merged rather than refused by the store)."""
    if len({r.key for r in rows}) == len(rows):
        return rows
    out: dict[str, PlaceRow] = {}
    for r in rows:
        have = out.get(r.key)
        if have is None:
            out[r.key] = r
            continue
        both = have.mentions[:-1] + ("," if have.mentions != "[]" and r.mentions != "[]" else "") + r.mentions[1:]
        out[r.key] = PlaceRow(r.key, have.lon, have.lat, have.props, max(have.confidence, r.confidence),
                              have.n + r.n, both)
    return list(out.values())


def place_key(place_id, lon: float, lat: float) -> str:
    """One key per distinct place across articles: its gazetteer id; for a name the gazetteer
    lacks, placed by what contains it (a negative id made from the name), that id and the point
    (two such names placed in one container share the point, not the key); else the point."""
    if isinstance(place_id, int) and place_id >= 0:
        return f"g{place_id}"
    if isinstance(place_id, int):
        return f"u{-place_id}@{lon:.6f},{lat:.6f}"
    return f"c{lon:.6f},{lat:.6f}"


def from_analysis(analysis: Analysis, text: str | None = None, corrections=None) -> ArticleRecord:
    """The record of an analysis (its document's text and metadata; `corrections` as given to
    ``Pipeline.analyse``)."""
    doc = analysis.document
    meta = doc.meta
    text = doc.text if text is None else text
    aid = meta.id or "article-" + text_hash(text)[:12]
    places = []
    for g in analysis.places:
        f = place_feature(g, analysis)
        props = f["properties"]
        lon, lat = f["geometry"]["coordinates"][:2]
        mentions = [{**m, "article_id": aid} for m in props["mentions"]]
        keep = {k: props[k] for k in ("kind", "name", "place_id", "geonameid", "feature_type", "country_code",
                                      "source")}
        places.append(PlaceRow(place_key(g.place.id, lon, lat), lon, lat, dumps(keep), round(g.confidence, 3),
                               len(mentions), dumps(mentions)))
    feats = [{**f, "properties": {**f["properties"], "article_id": aid}} for f in extra_features(analysis)]
    strings = [dumps(f) for f in feats]
    return ArticleRecord(article_id=aid, text_hash=text_hash(text), title=meta.title, date=meta.date, url=meta.url,
                         source=meta.source, timezone=meta.timezone, text=text, places=places,
                         events=[s for f, s in zip(feats, strings) if f["properties"].get("kind") == "event"],
                         extras=zlib.compress(",".join(strings).encode("utf-8"), 6) if strings else None,
                         n_features=len(strings), corrections=list(corrections or []))


_GEOMS: dict[str, tuple[float, float]] = {}


def from_batch(item: dict, result: dict, text: str | None = None) -> ArticleRecord:
    """The record of one batch article from its worker's journal rows (``geo.apps.batch.work``):
    place rows ``[key, geometry, props, fidx, confidence, n, mentions, more]`` and the features as
    a zlib-compressed, comma-joined list. (`more`, the offsets of mentions beyond the listed ones
    of a place named very often, is left to the journal: the store keeps the listed mentions.)"""
    places = []
    for key, geom, props, _fidx, conf, n, mentions, *_more in result["places"]:
        ll = _GEOMS.get(geom)
        if ll is None:
            ll = tuple(json.loads(geom)["coordinates"][:2])
            if len(_GEOMS) > 500_000:
                _GEOMS.clear()
            _GEOMS[geom] = ll
        places.append(PlaceRow(key, ll[0], ll[1], props, conf, n, "[" + mentions + "]"))
    features = split_features(result.get("extras"))
    events = [s for s in features if _EVENT in s]
    text = result.get("text", text)
    return ArticleRecord(article_id=str(result.get("id", item.get("id"))),
                         text_hash=result.get("text_hash") or (text_hash(text) if text else "key:" + item["key"]),
                         title=result.get("title") or "", date=result.get("date") or item.get("date") or "",
                         url=result.get("url") or item.get("url") or "", source=_publisher(item, result),
                         timezone=item.get("timezone") or "", text=text, places=places, events=events,
                         extras=result.get("extras"), n_features=len(features))


def _publisher(item: dict, result: dict) -> str:
    """Who published a batch article: the record's `source` (a JSON line's, a sidecar's, a feed's),
    else the name of the file it came from."""
    return result.get("publisher") or item.get("publisher") or Path(str(item.get("source") or "")).name


_SEP = ',{"type":"Feature",'
_EVENT = '"properties":{"kind":"event"'


def split_features(blob) -> list[str]:
    """The feature strings of compressed, comma-joined features as ``geo.apps.batch.work`` and
    `from_analysis` write them (compact JSON: a separator with bare quotes cannot occur inside a
    string, where quotes are escaped), without parsing them."""
    if not blob:
        return []
    text = zlib.decompress(bytes(blob)).decode("utf-8")
    parts = text.split(_SEP)
    return parts[:1] + ['{"type":"Feature",' + p for p in parts[1:]]


def _coords(c):
    if c and isinstance(c[0], (int, float)):
        yield c
    else:
        for x in c or ():
            yield from _coords(x)


def bbox(geometry: dict | None) -> tuple[float, float, float, float] | None:
    pts = list(_coords((geometry or {}).get("coordinates")))
    if not pts:
        return None
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


def feature_columns(feature: dict, article_date: str) -> dict:
    """What the store indexes of a feature, generically over its properties: kind, type (an event's
    `type`, else its `role`), actor, time and day, a point, a bounding box, confidence, uncertainty,
    the zones it is inside ("EEZ:JP land:KP"), a label and the words of its sentences."""
    p = feature.get("properties") or {}
    box = bbox(feature.get("geometry"))
    geom = feature.get("geometry") or {}
    if geom.get("type") == "Point":
        lon, lat = geom["coordinates"][:2]
    elif box:
        lon, lat = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    else:
        lon = lat = None
    time = p.get("time") if isinstance(p.get("time"), str) else None
    day = day_number(time) if time else NO_DAY
    if day == NO_DAY:
        day = day_number(article_date)
    conf = p.get("confidence")
    unc = p.get("uncertainty_km")
    zones = " ".join(sorted({f"{z.get('kind')}:{z.get('sovereign')}" for z in p.get("zones") or []
                             if isinstance(z, dict) and z.get("inside") and z.get("sovereign")}))
    kind = str(p.get("kind") or "")
    sentences = p.get("sentences") or []
    label = p.get("label") or p.get("name") or p.get("text") or kind
    return {"kind": kind, "type": str(p.get("type") or p.get("role") or kind), "actor": str(p.get("actor") or ""),
            "time": time, "day": day, "lon": lon, "lat": lat, "box": box,
            "confidence": float(conf) if isinstance(conf, (int, float)) else None,
            "uncertainty_km": float(unc) if isinstance(unc, (int, float)) else None, "zones": zones,
            "label": str(label),
            "words": " ".join(str(s) for s in sentences if isinstance(s, str)) + " " + str(label)}
