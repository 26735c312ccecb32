"""The collection view's map: Leaflet in the page's own document (a Streamlit components-v2
component, ``collection_map.js``; no iframe, so the markers are in the page's DOM), made once and
kept in the browser with the offline basemap and the user's view; each run sends the markers of
the current view, which replace the last ones, and where to go when that is new.

Never more than a few thousand markers go to the browser: the places and events in the view (with
a margin) are drawn one by one when there are at most `DETAIL_LIMIT` of a kind, else gathered in a
grid of cells about `CELL_PX` pixels wide at the map's zoom, each cell one cluster marker with its
count (a click zooms in). Below `DETAIL_ZOOM` items that share a cell are always a cluster (reports
of one event at one point would otherwise hide each other). Cells are aligned to a global grid, so the same view gives the same
markers.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

import numpy as np

from geo.apps.page.assets import basemap_assets, basemap_lite_json, basemap_url, vendored_assets
from geo.events.taxonomy import event_type

DETAIL_LIMIT = 800            # items of one kind in view drawn one by one when zoomed in ...
DETAIL_ZOOM = 9               # ... this far (below it, items that share a cell are a cluster)
CELL_PX = 48                  # width of a cluster cell on screen
MARGIN = 0.25                 # the view's margin (fraction of its size on each side) that gets markers too
MAP_PX = (900, 620)           # the map's size in pixels, to guess the view before the browser says


# the map's element and its styles, which live in the page's document beside Streamlit's: every
# rule is under the map's class
_HTML = "<div class='geo-cmap' role='region' aria-label='Map of the reports'></div>"
_CSS = """.geo-cmap{width:100%;}
.geo-cmap.leaflet-container{background:#c9dff0;}
.geo-cmap .geo-event-cluster{background-color:rgba(192,57,43,.35);}
.geo-cmap .geo-event-cluster div{background-color:rgba(192,57,43,.75);color:#fff;}
.geo-cmap .geo-place-icon,.geo-cmap .geo-event-icon{background:none;border:none;}
.geo-cmap .geo-event-dot,.geo-cmap .geo-place-dot{box-sizing:content-box;border-radius:50%;}
.geo-cmap .geo-event-dot{color:#fff;border:2px solid #fff;width:22px;height:22px;line-height:18px;text-align:center;
  font-size:12px;box-shadow:0 0 4px rgba(0,0,0,.6);}
.geo-cmap .geo-place-dot{background:#1f6fb2;opacity:.85;border:1.5px solid #fff;box-shadow:0 0 2px rgba(0,0,0,.5);}"""
_JS = (Path(__file__).with_name("collection_map.js")).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def _component():
    """The map's Streamlit component (components v2, registered once per process): mounted in the
    page's own document, not in an iframe nor a shadow root."""
    from streamlit.components.v2 import component
    return component("newsmap_collection_map", html=_HTML, css=_CSS, js=_JS, isolate_styles=False)


@lru_cache(maxsize=None)
def map_assets(static_url: str | None) -> dict:
    """The files the map loads once per page: Leaflet and the cluster styles, the basemap's scripts
    and its tiles. With ``static_url`` (where the page's document finds ``static/``) their URLs;
    without, inlined (data: URLs, the lighter basemap tiles embedded)."""
    files = vendored_assets(static_url)
    return {"js": [url for _, url in files["map_js"]],
            "css": [url for _, url in files["map_css"] + files["cluster_css"]],
            "basemap_js": [url for _, url in basemap_assets(static_url)],
            "tiles": basemap_url(static_url) if static_url is not None else None,
            "lite": None if static_url is not None else json.loads(basemap_lite_json())}


def show_map(features: list[dict], goto: tuple[float, float, int], static_url: str | None, *, key: str,
             height: int, on_view, on_click) -> None:
    """The map of these markers, `height` pixels tall, sent to `goto` (lat, lon, zoom) when that is
    new to it. The browser reports each view (centre, zoom, bounds) to `on_view` and a marker's
    click to `on_click` (both read `st.session_state[key]`: "view", "click")."""
    data = {"goto": [float(goto[0]), float(goto[1]), int(goto[2])], "features": features, "height": int(height),
            "assets": map_assets(static_url)}
    _component()(key=key, data=data, height=int(height), on_view_change=on_view, on_click_change=on_click)


def view_box(lat: float, lon: float, zoom: int, px=MAP_PX) -> tuple[float, float, float, float]:
    """(west, south, east, north) of a view of `px` pixels (Web Mercator)."""
    scale = 256 * 2 ** zoom
    half_w = px[0] / 2 / scale * 360

    def y(la):
        return (1 - math.log(math.tan(math.radians(la)) + 1 / math.cos(math.radians(la))) / math.pi) / 2 * scale

    def lat_of(yy):
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * yy / scale))))

    cy = y(max(-85.0, min(85.0, lat)))
    return (lon - half_w, lat_of(min(scale, cy + px[1] / 2)), lon + half_w, lat_of(max(0.0, cy - px[1] / 2)))


def fit_view(lons: np.ndarray, lats: np.ndarray, px=MAP_PX) -> tuple[float, float, int]:
    """Centre and zoom that show these points (the world when there are none)."""
    if not len(lons):
        return 20.0, 0.0, 2
    w, e = np.percentile(lons, [1, 99]) if len(lons) > 50 else (lons.min(), lons.max())
    s, n = np.percentile(lats, [1, 99]) if len(lats) > 50 else (lats.min(), lats.max())
    span = max(float(e - w), float(n - s) * px[0] / px[1], 0.5)
    zoom = int(max(1, min(10, math.floor(math.log2(360 / span * px[0] / 256 * 0.8)))))
    return float((s + n) / 2), float((w + e) / 2), zoom


def _padded(box, margin=MARGIN):
    w, s, e, n = box
    dx, dy = (e - w) * margin, (n - s) * margin
    return w - dx, max(-90.0, s - dy), e + dx, min(90.0, n + dy)


def _in(lon, lat, box):
    w, s, e, n = box
    if e - w >= 360:
        inside = np.ones(len(lon), dtype=bool)
    else:
        ww, ee = (w + 180) % 360 - 180, (e + 180) % 360 - 180
        inside = (lon >= ww) & (lon <= ee) if ww <= ee else (lon >= ww) | (lon <= ee)
    return inside & (lat >= s) & (lat <= n)


def grid(lon: np.ndarray, lat: np.ndarray, zoom: int, box, limit: int = DETAIL_LIMIT):
    """Indices of the items in the padded view drawn one by one, and clusters (lon, lat, member
    indices) of the rest: a cell of the global grid with more than one item is a cluster."""
    idx = np.flatnonzero(_in(lon, lat, _padded(box)))
    if not len(idx) or (len(idx) <= limit and zoom >= DETAIL_ZOOM):
        return idx, []
    cell = 360.0 / 2 ** zoom * CELL_PX / 256
    cx = np.floor((lon[idx] + 180) / cell).astype(np.int64)
    cy = np.floor((lat[idx] + 90) / cell).astype(np.int64)
    keys = cx * 1_000_000 + cy
    order = np.argsort(keys, kind="stable")
    keys, idx = keys[order], idx[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    ends = np.r_[starts[1:], len(keys)]
    singles, clusters = [], []
    for a, b in zip(starts, ends):
        members = idx[a:b]
        if b - a == 1:
            singles.append(members[0])
        else:
            clusters.append((float(lon[members].mean()), float(lat[members].mean()), members))
    return np.array(singles, dtype=np.int64), clusters


def _feature(lon, lat, props) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(float(lon), 5),
                                                                             round(float(lat), 5)]},
            "properties": props}


def marker_features(snap, sel, zoom: int, box) -> tuple[list[dict], dict]:
    """The GeoJSON features of the markers for this view, and counts of what they are. Their names
    are plain text (an article's words, unescaped): the map sets them as text, never as HTML."""
    feats = []
    ev = snap.ev
    e_idx = sel.events
    singles, clusters = grid(ev["lon"][e_idx], ev["lat"][e_idx], zoom, box)
    for i in singles:
        k = e_idx[i]
        kind = event_type(str(ev["type"][k]))       # the taxonomy's colour and icon, as on the page
        feats.append(_feature(ev["lon"][k], ev["lat"][k], {
            "shape": "event", "ref": f"e:{int(ev['id'][k])}", "colour": kind.colour,
            "glyph": kind.icon, "name": str(ev["label"][k] or kind.label)}))     # the label names the type
    for lo, la, members in clusters:
        n = len(members)
        k = e_idx[members]
        if np.ptp(ev["lon"][k]) < 1e-4 and np.ptp(ev["lat"][k]) < 1e-4:
            # reports placed at one point: zooming in would not part them, a click reads them
            ref, name = f"e:{int(ev['id'][k[0]])}", f"{n} events at one point: click to read them"
        else:
            ref, name = f"c:e:{la:.5f},{lo:.5f}", f"{n} events: click to zoom in"
        feats.append(_feature(lo, la, {"shape": "cluster", "of": "event", "n": n, "label": str(n), "ref": ref,
                                       "name": name}))
    p_idx = sel.places
    singles_p, clusters_p = grid(snap.pl_lon[p_idx], snap.pl_lat[p_idx], zoom, box)
    for i in singles_p:
        k = p_idx[i]
        n_art = int(sel.place_articles[i])
        feats.append(_feature(snap.pl_lon[k], snap.pl_lat[k], {
            "shape": "place", "ref": f"p:{snap.pl_key[k]}", "r": int(min(18, 7 + 2.5 * math.log10(1 + n_art) * 2)),
            "name": f"{snap.pl_name[k]} ({n_art} article{'s' if n_art != 1 else ''})"}))
    for lo, la, members in clusters_p:
        n = len(members)
        feats.append(_feature(lo, la, {"shape": "cluster", "of": "place", "n": n, "label": str(n),
                                       "ref": f"c:p:{la:.5f},{lo:.5f}", "name": f"{n} places: click to zoom in"}))
    counts = {"events": len(singles), "event_clusters": len(clusters), "places": len(singles_p),
              "place_clusters": len(clusters_p)}
    return feats, counts
