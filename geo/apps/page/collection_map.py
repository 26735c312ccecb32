"""The collection view's map: a base map that stays in the browser (the offline basemap, the
layer control) and the markers of the current view, sent as a layer that replaces the last one.

Never more than a few thousand markers go to the browser: the places and events in the view (with
a margin) are drawn one by one when there are at most `DETAIL_LIMIT` of a kind, else gathered in a
grid of cells about `CELL_PX` pixels wide at the map's zoom, each cell one cluster marker with its
count (a click zooms in). Below `DETAIL_ZOOM` items that share a cell are always a cluster (reports
of one event at one point would otherwise hide each other). Cells are aligned to a global grid, so the same view gives the same
markers.
"""
from __future__ import annotations

import math

import folium
import numpy as np
from folium.utilities import JsCode

from geo.apps.page.assets import vendored_assets
from geo.apps.page.escape import sanitize_text
from geo.apps.page.mapview import BASEMAP_PANE, Basemap, _offline
from geo.events.taxonomy import event_type

DETAIL_LIMIT = 800            # items of one kind in view drawn one by one when zoomed in ...
DETAIL_ZOOM = 9               # ... this far (below it, items that share a cell are a cluster)
CELL_PX = 48                  # width of a cluster cell on screen
MARGIN = 0.25                 # the view's margin (fraction of its size on each side) that gets markers too
MAP_PX = (900, 620)           # the map's size in pixels, to guess the view before the browser says
START = (20.0, 0.0, 2)        # where the base map starts (lat, lon, zoom), before it is sent to the view


_MARKER_JS = """
function(feature, latlng) {
    var p = feature.properties || {};
    if (p.shape === "cluster") {
        var size = p.n < 10 ? "small" : (p.n < 100 ? "medium" : "large");
        var d = p.n < 10 ? 30 : (p.n < 100 ? 36 : 44);
        return L.marker(latlng, {icon: L.divIcon({
            html: "<div><span>" + p.label + "</span></div>",
            className: "marker-cluster marker-cluster-" + size + (p.of === "event" ? " geo-event-cluster" : ""),
            iconSize: [d, d]}), zIndexOffset: p.of === "event" ? 1000 : 0});
    }
    if (p.shape === "event") {
        return L.marker(latlng, {icon: L.divIcon({className: "geo-event-icon",
            html: '<div style="background:' + p.colour + ';color:#fff;border:2px solid #fff;border-radius:50%;' +
                  'width:22px;height:22px;line-height:18px;text-align:center;font-size:12px;' +
                  'box-shadow:0 0 4px rgba(0,0,0,.6)">' + p.glyph + '</div>',
            iconSize: [22, 22], iconAnchor: [11, 11]}), zIndexOffset: 1000});
    }
    var r = p.r || 8;
    return L.marker(latlng, {icon: L.divIcon({className: "geo-place-icon",
        html: '<div style="background:#1f6fb2;opacity:.85;border:1.5px solid #fff;border-radius:50%;width:' + r +
              'px;height:' + r + 'px;box-shadow:0 0 2px rgba(0,0,0,.5)"></div>',
        iconSize: [r, r], iconAnchor: [r / 2, r / 2]})});
}
"""

_CSS = """<style>.leaflet-container{background:#c9dff0 !important;}
.geo-event-cluster{background-color:rgba(192,57,43,.35) !important;}
.geo-event-cluster div{background-color:rgba(192,57,43,.75) !important;color:#fff;}
.geo-place-icon,.geo-event-icon{background:none;border:none;}</style>"""


def base_map(static_url: str | None) -> folium.Map:
    """The map without markers: the same script on every run, so the browser keeps it (and the
    user's view) and only the marker layer is replaced."""
    m = folium.Map(location=list(START[:2]), zoom_start=START[2], tiles=None, control_scale=True, world_copy_jump=False,
                   min_zoom=1, prefer_canvas=True)
    m.options["maxZoom"] = 18
    _offline(m, "map_js", "map_css", static_url)
    m.default_css = m.default_css + list(vendored_assets(static_url)["cluster_css"])
    m.get_root().header.add_child(folium.Element(_CSS), name="geo_collection_style")
    folium.map.CustomPane(BASEMAP_PANE, z_index=250, pointer_events=False).add_to(m)
    Basemap(static_url=static_url).add_to(m)
    folium.TileLayer("OpenStreetMap", name="OpenStreetMap (online)", overlay=False, show=False).add_to(m)
    return m


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
    """The GeoJSON features of the markers for this view, and counts of what they are."""
    feats = []
    ev = snap.ev
    e_idx = sel.events
    singles, clusters = grid(ev["lon"][e_idx], ev["lat"][e_idx], zoom, box)
    for i in singles:
        k = e_idx[i]
        kind = event_type(str(ev["type"][k]))       # the taxonomy's colour and icon, as on the page
        feats.append(_feature(ev["lon"][k], ev["lat"][k], {
            "shape": "event", "ref": f"e:{int(ev['id'][k])}", "colour": kind.colour,
            "glyph": sanitize_text(kind.icon), "name": sanitize_text(ev["label"][k] or kind.label)}))     # the label names the type
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
            "name": sanitize_text(f"{snap.pl_name[k]} ({n_art} article{'s' if n_art != 1 else ''})")}))
    for lo, la, members in clusters_p:
        n = len(members)
        feats.append(_feature(lo, la, {"shape": "cluster", "of": "place", "n": n, "label": str(n),
                                       "ref": f"c:p:{la:.5f},{lo:.5f}", "name": f"{n} places: click to zoom in"}))
    counts = {"events": len(singles), "event_clusters": len(clusters), "places": len(singles_p),
              "place_clusters": len(clusters_p)}
    return feats, counts


def marker_layer(features: list[dict]) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name="Events and places")
    if not features:          # nothing passes the filters (folium's tooltip wants a feature to check)
        return group
    folium.GeoJson({"type": "FeatureCollection", "features": features}, name="markers", marker=None,
                   tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False, sticky=False),
                   point_to_layer=JsCode(_MARKER_JS)).add_to(group)
    return group
