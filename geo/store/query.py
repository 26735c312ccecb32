"""The store as arrays (a `Snapshot`, read once per store revision) and the filters of the collection
view and of `store export`, applied to them with numpy: a filter change over 100,000 articles takes
milliseconds, with no query to the store but the full-text search.

Filters are generic over what every event has (`type` or `role`, `actor`, `time`, `zones`,
`confidence`), so new kinds of events flow through without a change here.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from geo.events.taxonomy import MISSILE_ROLES
from geo.store.records import NO_DAY, day_iso, day_number

PLACE = "place"          # the kind the filter on types calls places


@dataclass
class Snapshot:
    revision: int
    art_id: np.ndarray            # store ids of the articles (sorted)
    art_day: np.ndarray           # publication day (days since 1970), NO_DAY when unknown
    art_src: np.ndarray           # index into `sources`
    sources: list
    m_art: np.ndarray             # one entry per (article, place): the article's index ...
    m_place: np.ndarray           # ... the place's index ...
    m_conf: np.ndarray            # ... and the place's confidence there
    pl_id: np.ndarray
    pl_key: np.ndarray
    pl_name: np.ndarray
    pl_lon: np.ndarray
    pl_lat: np.ndarray
    pl_cc: np.ndarray
    pl_ftype: np.ndarray
    ev: dict = field(default_factory=dict)   # id, art (index), type, actor, day, lon, lat, conf, unc, zones, label

    @property
    def n_events(self) -> int:
        return len(self.ev["id"])

    def day_range(self) -> tuple[str, str]:
        days = np.concatenate([self.art_day[self.art_day != NO_DAY], self.ev["day"][self.ev["day"] != NO_DAY]])
        if not len(days):
            return "", ""
        return day_iso(int(days.min())), day_iso(int(days.max()))


def _column(rows, i, dtype):
    return np.array([r[i] for r in rows], dtype=dtype) if rows else np.zeros(0, dtype=dtype)


def build_snapshot(store) -> Snapshot:
    """Every article, place and event of the store as arrays (memory: about 30 bytes per place
    mention, 100 per event)."""
    revision = store.revision()
    rows = store.snapshot_rows()
    arts, places, events = rows["articles"], rows["places"], rows["events"]
    art_id = _column(arts, 0, np.int64)
    art_day = np.array([NO_DAY if r[1] is None else r[1] for r in arts], dtype=np.int32)
    src_names = sorted({r[2] or "" for r in arts})
    src_code = {s: i for i, s in enumerate(src_names)}
    art_src = np.array([src_code[r[2] or ""] for r in arts], dtype=np.int32)
    # the packed place ids and confidences of every article, joined: one array each
    lens = np.fromiter((len(r[3] or b"") // 4 for r in arts), dtype=np.int64, count=len(arts))
    pl_id = _column(places, 0, np.int64)
    m_place_id = np.frombuffer(b"".join(bytes(r[3] or b"") for r in arts), dtype="<i4")
    m_place = np.searchsorted(pl_id, m_place_id).astype(np.int32)
    m_conf = np.frombuffer(b"".join(bytes(r[4] or b"") for r in arts), dtype="<f4")
    ev = {"id": _column(events, 0, np.int64),
          "art": np.searchsorted(art_id, _column(events, 1, np.int64)).astype(np.int32),
          "type": _column(events, 2, object), "actor": np.array([r[3] or "" for r in events], dtype=object),
          "day": np.array([NO_DAY if r[4] is None else r[4] for r in events], dtype=np.int32),
          "lon": _column(events, 5, np.float64), "lat": _column(events, 6, np.float64),
          "conf": np.array([np.nan if r[7] is None else r[7] for r in events], dtype=np.float64),
          "unc": np.array([np.nan if r[8] is None else r[8] for r in events], dtype=np.float64),
          "zones": np.array([r[9] or "" for r in events], dtype=object), "label": _column(events, 10, object)}
    return Snapshot(revision, art_id, art_day, art_src, src_names,
                    np.repeat(np.arange(len(arts), dtype=np.int32), lens), m_place, m_conf,
                    pl_id, _column(places, 1, object), _column(places, 2, object), _column(places, 3, np.float64),
                    _column(places, 4, np.float64), _column(places, 5, object), _column(places, 6, object), ev)


@dataclass(frozen=True)
class Filter:
    """What the collection view shows. Empty fields filter nothing.

    start/end: ISO dates, inclusive (an event's own day, else its article's; a place's mentions by
    their article's day; undated items are left out once a range is set). kinds: "place" and/or
    event types. areas: country codes ("JP": places in Japan, events in its land or waters) and
    zones ("EEZ:JP", "territorial_sea:JP", "land:JP": events inside). actors: events by them, and
    places of the articles that report those. min_confidence: places' confidence, events' when they
    have one. text: words in the articles' text (places) or the events' sentences. box: (west,
    south, east, north)."""
    start: str = ""
    end: str = ""
    kinds: tuple = ()
    areas: tuple = ()
    sources: tuple = ()
    actors: tuple = ()
    min_confidence: float = 0.0
    text: str = ""
    box: tuple | None = None

    def __post_init__(self):
        # the missile family's roles name their types too ("launch": "missile_launch"), as in
        # URLs and commands written before the taxonomy
        object.__setattr__(self, "kinds", tuple(dict.fromkeys(MISSILE_ROLES.get(k, k) for k in self.kinds)))


@dataclass
class Selection:
    places: np.ndarray            # indices of the places shown
    place_articles: np.ndarray    # how many selected articles name each of them
    place_conf: np.ndarray        # their highest confidence there
    events: np.ndarray            # indices of the events shown
    articles: np.ndarray          # indices of the articles that contribute something shown

    @property
    def empty(self) -> bool:
        return not len(self.places) and not len(self.events)


def _in_box(lon, lat, box) -> np.ndarray:
    w, s, e, n = box
    inside_lon = (lon >= w) & (lon <= e) if w <= e else (lon >= w) | (lon <= e)
    return inside_lon & (lat >= s) & (lat <= n)


def _zone_mask(zones: np.ndarray, areas: tuple) -> np.ndarray:
    countries = {a for a in areas if ":" not in a}
    wanted = {a for a in areas if ":" in a}
    memo: dict[str, bool] = {}
    out = np.zeros(len(zones), dtype=bool)
    for i, z in enumerate(zones):
        hit = memo.get(z)
        if hit is None:
            toks = set(z.split())
            hit = memo[z] = bool(toks & wanted) or any(t.split(":", 1)[1] in countries for t in toks)
        out[i] = hit
    return out


def _article_mask(snap: Snapshot, f: Filter) -> np.ndarray:
    art = np.ones(len(snap.art_id), dtype=bool)
    if f.start or f.end:
        d0 = day_number(f.start) if f.start else -(1 << 29)
        d1 = day_number(f.end) if f.end else 1 << 29
        art &= (snap.art_day >= d0) & (snap.art_day <= d1) & (snap.art_day != NO_DAY)
    if f.sources:
        codes = [i for i, s in enumerate(snap.sources) if s in set(f.sources)]
        art &= np.isin(snap.art_src, codes)
    return art


def _event_mask(snap: Snapshot, f: Filter, art: np.ndarray) -> np.ndarray:
    """`art`: the articles the filter on sources lets through."""
    ev = snap.ev
    m = art[ev["art"]] if len(ev["id"]) else np.zeros(0, dtype=bool)
    if f.start or f.end:          # an event's own day, whatever its article's
        d0 = day_number(f.start) if f.start else -(1 << 29)
        d1 = day_number(f.end) if f.end else 1 << 29
        m &= (ev["day"] >= d0) & (ev["day"] <= d1) & (ev["day"] != NO_DAY)
    if f.kinds:
        m &= np.isin(ev["type"], [k for k in f.kinds if k != PLACE])
    if f.actors:
        m &= np.isin(ev["actor"], list(f.actors))
    if f.areas:
        m &= _zone_mask(ev["zones"], f.areas)
    if f.min_confidence > 0:
        m &= np.isnan(ev["conf"]) | (ev["conf"] >= f.min_confidence)
    if f.box:
        m &= _in_box(ev["lon"], ev["lat"], f.box)
    return m


def select(snap: Snapshot, f: Filter, search=None) -> Selection:
    """The places and events `f` lets through. `search(text) -> (article ids, feature ids)` is
    the store's full-text search (needed only when `f.text` is set)."""
    art = _article_mask(snap, f)
    ev = _event_mask(snap, f, _article_mask(snap, Filter(sources=f.sources)) if f.start or f.end else art)
    if f.text.strip() and search is not None:
        art_hits, feature_hits = search(f.text)
        art &= np.isin(snap.art_id, art_hits)
        ev &= np.isin(snap.ev["id"], feature_hits)
    if f.actors:                      # places of the articles that report what those actors did
        by_actor = np.zeros(len(art), dtype=bool)
        by_actor[snap.ev["art"][ev]] = True
        art &= by_actor
    n_places = len(snap.pl_id)
    if f.kinds and PLACE not in f.kinds:
        men = np.zeros(len(snap.m_art), dtype=bool)
    else:
        men = art[snap.m_art]
        if f.min_confidence > 0:
            men &= snap.m_conf >= f.min_confidence
        if f.areas:
            countries = [a for a in f.areas if ":" not in a]
            men &= np.isin(snap.pl_cc, countries)[snap.m_place]
        if f.box:
            men &= _in_box(snap.pl_lon, snap.pl_lat, f.box)[snap.m_place]
    counts = np.bincount(snap.m_place[men], minlength=n_places)
    conf = np.zeros(n_places, dtype=np.float32)
    np.maximum.at(conf, snap.m_place[men], snap.m_conf[men])
    places = np.flatnonzero(counts)
    used = np.zeros(len(art), dtype=bool)
    used[snap.m_art[men]] = True
    used[snap.ev["art"][ev]] = True
    return Selection(places, counts[places], conf[places], np.flatnonzero(ev), np.flatnonzero(used))
