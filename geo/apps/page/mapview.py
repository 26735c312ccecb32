"""The folium map drawn from a GeoJSON FeatureCollection, and the click that comes back from it.

The default base layer is an offline vector basemap with labels: Natural Earth vector tiles in
``static/basemap/`` (see ``geo/build/basemap.py``) drawn by protomaps-leaflet; an
OpenStreetMap tile layer is offered in the layer control but never shown by default.
``build_map(fc)`` inlines all of it (``data:`` URLs, the lighter basemap tiles embedded): a
self-contained map. ``build_map(fc, static_url=...)`` refers to the files at the URL where
``static/`` is served (the page: Streamlit's static file serving), so the browser loads them as
files, can cache them, reads only the tiles in view, and draws the markers first. Article text reaches the map only as GeoJSON
properties escaped by ``escape.sanitize_text``, never as generated code.
"""
from __future__ import annotations

import json
import math
from collections import Counter
from typing import Any

import folium
import folium.plugins
import jinja2
import numpy as np
from folium.utilities import JsCode

from geo.apps.page.assets import basemap_assets, basemap_lite_json, basemap_url, countries, vendored_assets
from geo.apps.page.escape import sanitize_text
from geo.apps.page.legend import Legend
from geo.events.taxonomy import MISSILE_ROLES, EventType, event_type
from geo.spatial.measure import destination, distances_km

POINT_TYPES = frozenset({"city", "capital"})
# Radius of the circle drawn for an area whose outline we do not have (metres).
AREA_RADIUS_M = {
    "country": 300_000, "admin1": 80_000, "admin2": 30_000, "water": 250_000,
    "region": 150_000, "continent": 1_500_000, "zone": 25_000,
}
CLUSTER_THRESHOLD = 300
# An event's uncertainty circle larger than this is drawn as an outline only, and an area's extent
# larger than AREA_EXTENT_M not at all (its centre's ring and the basemap's name say where it is):
# many circles stay readable instead of tinting the whole map.
LARGE_CIRCLE_M = 150_000
AREA_EXTENT_M = 100_000

# Every style of line and area the map draws; features carry theirs (``properties.style``), and the
# legend (legend.py) shows each as drawn.
STYLES: dict[str, dict] = {
    "outline": {"color": "#1f6fb2", "weight": 1.2, "opacity": 0.75, "fillColor": "#1f6fb2", "fillOpacity": 0.04},
    "extent": {"stroke": False, "fillColor": "#1f6fb2", "fillOpacity": 0.08},
    "uncertainty": {"color": "#6c3483", "weight": 1, "opacity": 0.7, "fillColor": "#6c3483", "fillOpacity": 0.08},
    "uncertainty_large": {"color": "#6c3483", "weight": 1, "opacity": 0.5, "fill": False},
    "relation": {"color": "#1e8449", "weight": 2, "opacity": 0.8, "dashArray": "6 5"},
    "zone": {"color": "#d35400", "weight": 1.2, "opacity": 0.8, "fillColor": "#d35400", "fillOpacity": 0.03},
    "event_area": {"color": "#c0392b", "weight": 1, "opacity": 0.6, "fillColor": "#c0392b", "fillOpacity": 0.07},
}
# The legend's words for each kind of drawn feature (events: their type's label, see _event_style).
LEGEND = {
    "pin": "City or capital",
    "area": "Division, sea or region (centre)",
    "extent": "Division or zone (approximate extent)",
    "outline": "Country",
    "uncertainty": "Uncertainty of an event's position",
    "relation": "Distance or direction in the text",
    "zone": "Maritime zone (territorial sea, EEZ)",
    "event_area": "Region the text places an event in",
}

MAP_CSS = (
    # an event's marker hangs below its point, a tail up to it: the pin of its place stays in view
    ".geo-event-icon::before{content:'';position:absolute;left:7px;top:-7px;border:5px solid transparent;"
    "border-top:0;border-bottom:7px solid #333;}"
    # an area's centre: a ring, not a pin
    ".geo-area-ring{width:10px;height:10px;border:2px solid #1f6fb2;border-radius:50%;"
    "background:rgba(255,255,255,.75);box-shadow:0 0 2px rgba(0,0,0,.4);}"
)

_PIN_TO_LAYER = """
function(feature, latlng) {
    var p = feature.properties || {};
    if (p.shape === "pin") {
        return L.marker(latlng, {icon: L.icon(%(icon)s), title: ""});
    }
    if (p.shape === "event") {
        var color = p.colour || "#566573";
        var glyph = p.icon || "&#9679;";
        return L.marker(latlng, {icon: L.divIcon({
            className: "geo-event-icon",
            html: '<div style="background:' + color + ';color:#fff;border:2px solid #fff;' +
                  'border-radius:50%%;width:24px;height:24px;line-height:20px;text-align:center;' +
                  'font-size:13px;box-shadow:0 0 4px rgba(0,0,0,.6)">' + glyph + '</div>',
            iconSize: [24, 24], iconAnchor: [12, -6]})});
    }
    if (p.shape === "area") {
        return L.marker(latlng, {icon: L.divIcon({className: "geo-area-icon", html: '<div class="geo-area-ring"></div>',
                                                  iconSize: [14, 14], iconAnchor: [7, 7]})});
    }
    // an area's extent or an event's uncertainty: drawn in properties.style, not clickable
    return L.circle(latlng, {radius: p.radius_m || 50000, interactive: false});
}
"""


def _pin_to_layer(static_url: str | None = None) -> JsCode:
    pin = dict(vendored_assets(static_url)["pin"])
    icon = json.dumps({"iconUrl": pin["icon"], "iconRetinaUrl": pin["icon2x"], "shadowUrl": pin["shadow"],
                       "iconSize": [25, 41], "iconAnchor": [12, 41], "popupAnchor": [1, -34],
                       "tooltipAnchor": [16, -28], "shadowSize": [41, 41]})
    return JsCode(_PIN_TO_LAYER % {"icon": icon})


def _event_type(props: dict) -> EventType:
    """An event's type in the taxonomy (from its `type`, else the missile family's `role`)."""
    return event_type(str(props.get("type") or MISSILE_ROLES.get(str(props.get("role") or ""), "")))


def _event_style(props: dict) -> dict:
    """The marker of an event: its type's icon (as an HTML entity), colour and legend words, from
    the taxonomy only, never from the feature's own strings."""
    t = _event_type(props)
    return {"type": t.name, "icon": "".join(f"&#{ord(ch)};" for ch in t.icon), "colour": t.colour,
            "legend": sanitize_text(t.label)}


def _country_outlines() -> dict[str, dict]:
    return {f["properties"].get("iso_a2"): f["geometry"] for f in countries()["features"]
            if f["properties"].get("iso_a2") not in (None, "", "-99")}


def article_form(props: dict) -> str:
    """The article's own form of a place's name: its most frequent mention that is not a demonym
    ("Wonsan", where the gazetteer says "Wŏnsan"); "" when there is none."""
    forms = Counter(str(m["text"]) for m in props.get("mentions") or []
                    if isinstance(m, dict) and m.get("text") and m.get("kind") != "demonym")
    return forms.most_common(1)[0][0] if forms else ""


def display_name(props: dict) -> str:
    """The name shown for a feature (tooltip, table, panel): for a place the article's own form,
    the gazetteer's name beside it when it differs ("Wonsan (Wŏnsan)"); else name, label, role/kind."""
    if props.get("kind") == "place" and props.get("name"):
        form, name = article_form(props), str(props["name"])
        return f"{form} ({name})" if form and form.casefold() != name.casefold() else name
    for key in ("name", "label", "text"):
        if props.get(key):
            return str(props[key])
    role = props.get("role") or props.get("kind") or ""
    return str(role).capitalize() + (f" ({props['time']})" if props.get("time") else "")


def _place_features(fid: int, props: dict, geom: dict, outlines: dict[str, dict]) -> list[dict]:
    """What is drawn for a place: a pin (city, capital), a country's outline, or an area's centre
    (a ring) with its approximate extent when that is small enough to read."""
    ftype = props.get("feature_type") or ""
    out = {"fid": fid, "kind": "place", "name": sanitize_text(display_name(props)),
           "feature_type": sanitize_text(ftype)}
    if ftype in POINT_TYPES:
        return [_feature(geom, out, shape="pin", legend=LEGEND["pin"])]
    if ftype == "country" and props.get("country_code") in outlines:
        return [_feature(outlines[props["country_code"]], out, shape="outline", style=STYLES["outline"],
                         legend=LEGEND["outline"])]
    drawn = [_feature(geom, out, shape="area", legend=LEGEND["area"])]
    radius = AREA_RADIUS_M.get(ftype, 100_000)
    if radius <= AREA_EXTENT_M:
        drawn.append(_feature(geom, {"fid": fid, "name": ""}, shape="extent", radius_m=radius,
                              style=STYLES["extent"], legend=LEGEND["extent"]))
    return drawn


def _feature(geom: dict, props: dict, **more) -> dict:
    return {"type": "Feature", "geometry": geom, "properties": {**props, **more}}


def _relation_label(props: dict) -> str:
    text = str(props.get("text") or "")
    dist = props.get("distance_km")
    label = f"{props.get('from', '')} → {props.get('to', '')}"
    if text and text != label:
        label = f"{label} ({text})" if "→" not in text else text
    if isinstance(dist, (int, float)):
        label += f": {dist:,.0f} km"
        if isinstance(props.get("bearing_deg"), (int, float)):
            label += f", bearing {props['bearing_deg']:.0f}°"
    return label


def _event_features(fid: int, props: dict, geom: dict) -> tuple[dict, dict | None]:
    """An event's marker, and the circle of its uncertainty (None when it has none)."""
    out = {"fid": fid, "kind": "event", "name": sanitize_text(display_name(props)),
           "role": sanitize_text(props.get("role") or "event"), "shape": "event", **_event_style(props)}
    unc = props.get("uncertainty_km")
    if not (isinstance(unc, (int, float)) and unc > 0 and math.isfinite(unc)):
        return _feature(geom, out), None
    radius = float(unc) * 1000
    style = STYLES["uncertainty" if radius <= LARGE_CIRCLE_M else "uncertainty_large"]
    return _feature(geom, out), _feature(geom, {"fid": fid, "name": ""}, shape="uncertainty", radius_m=radius,
                                         style=style, legend=LEGEND["uncertainty"])


LAYERS = ("events", "uncertainty", "pins", "areas", "extents", "outlines", "relations", "zones")


def _overlay_features(fc: dict) -> dict[str, list[dict]]:
    """The drawn features of a FeatureCollection by layer (``LAYERS``), each with ``fid`` (its
    index in ``fc["features"]``), its escaped name, its style and its legend words."""
    outlines = _country_outlines()
    layers: dict[str, list[dict]] = {name: [] for name in LAYERS}
    by_shape = {"pin": "pins", "outline": "outlines", "area": "areas", "extent": "extents"}
    for fid, feat in enumerate(fc.get("features", [])):
        props, geom = feat.get("properties") or {}, feat.get("geometry") or {}
        kind = props.get("kind")
        if kind == "place" and geom.get("type") == "Point":
            for drawn in _place_features(fid, props, geom, outlines):
                layers[by_shape[drawn["properties"]["shape"]]].append(drawn)
        elif kind == "event" and geom.get("type") == "Point":
            marker, circle = _event_features(fid, props, geom)
            layers["events"].append(marker)
            if circle is not None:
                layers["uncertainty"].append(circle)
        elif kind == "relation" and geom:
            layers["relations"].append(_feature(geom, {"fid": fid, "kind": "relation",
                                                       "name": sanitize_text(_relation_label(props))},
                                                style=STYLES["relation"], legend=LEGEND["relation"]))
        elif kind in ("area", "zone") and geom:
            name = display_name(props) + (f" ({props['sovereign']})" if props.get("sovereign") else "")
            style = "event_area" if kind == "area" else "zone"
            layers["zones"].append(_feature(geom, {"fid": fid, "kind": kind, "name": sanitize_text(name)},
                                            style=STYLES[style], legend=LEGEND[style]))
    return layers


# ---------------------------------------------------------------------------------------------
# The view

WEAK_EVENT_KM = 500      # an event placed this vaguely does not decide the view
NEAR_KM = 700            # the article's places this near its events are framed with them
MIN_SPAN_KM = 300        # the view is at least this wide: a lone launch site is shown with its region
# places whose point frames the view (a sea's or continent's point says little of where things are)
FRAME_TYPES = frozenset({"city", "capital", "admin1", "admin2", "zone", "region", "country"})


def _located(fc: dict) -> tuple[list[tuple[float, float, float | None]], list[tuple[float, float, str, float]]]:
    """(lat, lon, uncertainty km) of the events; (lat, lon, type, weight) of the places, a place's
    weight being its mentions, and a town's or division's also its country's (it says better
    than the country's middle where the country's part of the story is)."""
    events, raw = [], []
    for feat in fc.get("features", []):
        props, geom = feat.get("properties") or {}, feat.get("geometry") or {}
        coords = geom.get("coordinates")
        if geom.get("type") != "Point" or not coords or not (-90 <= coords[1] <= 90 and -180 <= coords[0] <= 180):
            continue
        if props.get("kind") == "event":
            unc = props.get("uncertainty_km")
            events.append((coords[1], coords[0], unc if isinstance(unc, (int, float)) else None))
        elif props.get("kind") == "place":
            raw.append((coords[1], coords[0], str(props.get("feature_type") or ""),
                        len(props.get("mentions") or []) or 1, props.get("country_code") or ""))
    by_country = {cc: n for _, _, t, n, cc in raw if t == "country" and cc}
    places = [(la, lo, t, n + (by_country.get(cc, 0) if t != "country" else 0)) for la, lo, t, n, cc in raw]
    return events, places


def _within(points: list[tuple[float, float]], centres: list[tuple[float, float]], km: float) -> list[bool]:
    """Whether each point lies within `km` of any of the centres (geodesic)."""
    if not points or not centres:
        return [False] * len(points)
    lats, lons = np.array([p[0] for p in points]), np.array([p[1] for p in points])
    near = np.zeros(len(points), dtype=bool)
    for la, lo in centres:
        near |= distances_km(lo, la, lons, lats) <= km
    return near.tolist()


def _main_group(places: list[tuple[float, float, str, float]]) -> list[tuple[float, float]]:
    """The article's places around the one with the most weight near it (its main region); all of
    them when that region holds less than half of the weight (an article about many regions)."""
    if not places:
        return []
    pts = [(la, lo) for la, lo, _, _ in places]
    weights = np.array([w for *_, w in places], dtype=float)
    lats, lons = np.array([p[0] for p in pts]), np.array([p[1] for p in pts])
    best, best_w = 0, -1.0
    for i in np.argsort(-weights, kind="stable")[:20]:  # the 20 most mentioned are enough to find it
        w = float(weights[distances_km(lons[i], lats[i], lons, lats) <= NEAR_KM].sum())
        if w > best_w:
            best, best_w = int(i), w
    if best_w < 0.5 * float(weights.sum()):
        return pts
    return [p for p, ok in zip(pts, _within(pts, [pts[best]], NEAR_KM)) if ok]


def _box(pts: list[tuple[float, float]]) -> list[list[float]]:
    """[[south, west], [north, east]] around the points, padded, at least MIN_SPAN_KM across."""
    lats, lons = [p[0] for p in pts], [p[1] for p in pts]
    s, n, w, e = min(lats), max(lats), min(lons), max(lons)
    clat, clon = (s + n) / 2, (w + e) / 2
    half = MIN_SPAN_KM / 2
    e_min, _ = destination(clon, clat, 90, half)
    _, n_min = destination(clon, clat, 0, half)
    s, n = min(s, 2 * clat - n_min), max(n, n_min)
    w, e = min(w, 2 * clon - e_min), max(e, e_min)
    pad = 0.06 * max(n - s, e - w)
    return [[max(-85.0, s - pad), max(-180.0, w - pad)], [min(85.0, n + pad), min(180.0, e + pad)]]


def content_bounds(fc: dict) -> list[list[float]] | None:
    """[[south, west], [north, east]] around what the article is about, padded; None when empty.

    With events, that is the events placed with some precision and the article's places near
    them (a missile report names Washington and Hanoi too, but happened around Korea; a launch
    is shown with the places around its site). An event placed only at a country's point, or
    within hundreds of kilometres, does not decide the view, nor does its circle. Without such
    events, the article's main group of places, by mentions (a town's counting its country's).
    """
    events, places = _located(fc)
    countries = {(round(la, 3), round(lo, 3)) for la, lo, t, _ in places if t == "country"}
    focus = [(la, lo) for la, lo, unc in events
             if (unc is None or unc <= WEAK_EVENT_KM) and (round(la, 3), round(lo, 3)) not in countries]
    local = [p for p in places if p[2] in FRAME_TYPES]
    if focus:
        pts = [(la, lo) for la, lo, _, _ in local]
        focus += [p for p, ok in zip(pts, _within(pts, focus, NEAR_KM)) if ok]
    else:
        regional = [p for p in places if p[2] != "continent"]
        focus = _main_group(regional) or [(la, lo) for la, lo, _ in events]
    return _box(focus) if focus else None


def _offline(element, js_key: str, css_key: str, static_url: str | None = None):
    assets = vendored_assets(static_url)
    element.default_js = list(assets[js_key])
    element.default_css = list(assets[css_key])
    return element


BASEMAP_PANE = "basemap"
BASEMAP_SEA = "#d3e5f2"  # the map's background under the basemap's land (as in basemap.js)


class Basemap(folium.map.Layer):
    """The offline basemap as a base layer, in its own pane under the overlays: Natural Earth
    vector tiles drawn on canvas by protomaps-leaflet with the style of ``static/basemap/basemap.js``
    (land, borders, and country, sea, city and division names by zoom, kept from overlapping).

    With ``static_url`` the tiles come from ``basemap.pmtiles`` by HTTP Range requests to the
    page's own server, only those in view. Without, the lighter tiles of ``basemap-lite.json``
    are embedded (coarse outlines and the main labels) and the scripts inlined: a self-contained
    map. The layer is a small stand-in that loads its two scripts (``default_js``, which
    :func:`asset_urls` lists, but which are not put in the page's head) once the map has been
    painted, then draws the basemap: the markers never wait for protomaps-leaflet. Its own pane
    keeps it under every overlay whenever it arrives. (``lite_json`` is the build's own JSON,
    base64 tiles and zoom keys, placed in the script as it is.)
    """

    _template = jinja2.Template("""
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = (function () {
                var scripts = {{ this.script_urls|tojson }};
                var options = {
                    {%- if this.url %}url: {{ this.url|tojson }},{% else %}lite: {{ this.lite_json }},{% endif %}
                    pane: {{ this.pane|tojson }}};
                function load(i, done) {
                    if (window.newsmapBasemap || i >= scripts.length) return done();
                    var el = document.createElement("script");
                    el.src = scripts[i];
                    el.onload = function () { load(i + 1, done); };
                    document.head.appendChild(el);
                }
                var Stand = L.Layer.extend({
                    onAdd: function (map) {
                        var self = this;
                        self._shown = true;
                        // after the next frame: the markers are painted before the basemap's
                        // scripts are fetched and compiled
                        requestAnimationFrame(function () { setTimeout(function () {
                            load(0, function () {
                                if (!self._shown || !window.newsmapBasemap) return;
                                self.basemap = self.basemap || newsmapBasemap(options);
                                if (!map.hasLayer(self.basemap)) map.addLayer(self.basemap);
                            });
                        }, 0); });
                    },
                    onRemove: function (map) {
                        this._shown = false;
                        if (this.basemap) map.removeLayer(this.basemap);
                    }
                });
                return new Stand({pane: options.pane, attribution: "Made with Natural Earth"});
            })();
        {% endmacro %}
    """)

    def __init__(self, *, static_url: str | None = None, name: str = "Offline basemap (Natural Earth)"):
        super().__init__(name=name, overlay=False, control=True, show=True)
        self._name = "Basemap"
        self.url = basemap_url(static_url) if static_url is not None else None
        self.lite_json = None if self.url else basemap_lite_json()
        self.pane = BASEMAP_PANE
        self.default_js = list(basemap_assets(static_url))  # loaded by the layer, not in the head
        self.script_urls = [url for _, url in self.default_js]


def _geojson_layer(features: list[dict], name: str, *, tooltip: bool = True, show: bool = True,
                   overlay: bool = True, interactive: bool = True, static_url: str | None = None) -> folium.GeoJson:
    """A GeoJSON layer of drawn features; each is styled by its own ``properties.style`` (folium
    applies it when no style function is given), markers made by the point-to-layer function."""
    kwargs: dict[str, Any] = {}
    if not interactive:
        kwargs["interactive"] = False
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=name, show=show, overlay=overlay, marker=None,
        tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False, sticky=False) if tooltip else None,
        point_to_layer=_pin_to_layer(static_url),
        **kwargs,
    )


def _base_map(static_url: str | None) -> folium.Map:
    """An empty map with the offline basemap (default) and OpenStreetMap tiles (online only) as
    base layers; the basemap's pane lies between the tiles' (200) and the overlays' (400)."""
    # canvas, not SVG: the country outlines and the zone polygons draw several times faster
    m = folium.Map(location=[20, 0], zoom_start=2, tiles=None, control_scale=True,
                   world_copy_jump=True, min_zoom=1, prefer_canvas=True)
    m.options["maxZoom"] = 18  # folium passes max_zoom only to tiles; clustering needs it on the map
    _offline(m, "map_js", "map_css", static_url)
    m.get_root().header.add_child(folium.Element(
        f"<style>.leaflet-container{{background:{BASEMAP_SEA} !important;}}"
        ".leaflet-tooltip table{margin:0;} .leaflet-tooltip td{padding:0;}" + MAP_CSS +
        # in the page's frame (streamlit-folium's #map_div): the map fills the frame, whose
        # height the page's CSS sets from the window (geo/apps/page/layout.py)
        "#map_div,#map_div2{height:100vh !important;} body{margin:0;overflow:hidden;}</style>"), name="geo_style")
    folium.map.CustomPane(BASEMAP_PANE, z_index=250, pointer_events=False).add_to(m)
    Basemap(static_url=static_url).add_to(m)
    folium.TileLayer("OpenStreetMap", name="OpenStreetMap (online)", overlay=False, show=False).add_to(m)
    return m


def _add_overlays(m: folium.Map, layers: dict[str, list[dict]], cluster_threshold: int,
                  static_url: str | None) -> list[folium.GeoJson]:
    """The article's layers on the map, lowest first; returns them in the legend's order."""
    def layer(features, name, **kwargs):
        return _geojson_layer(features, name, static_url=static_url, **kwargs)

    made: dict[str, folium.GeoJson] = {}
    if layers["zones"]:
        made["zones"] = layer(layers["zones"], "Zones").add_to(m)
    if layers["outlines"]:
        made["outlines"] = layer(layers["outlines"], "Places: countries").add_to(m)
    if layers["areas"]:
        group = folium.FeatureGroup(name="Places: divisions, seas, regions").add_to(m)
        if layers["extents"]:
            made["extents"] = layer(layers["extents"], "extents", tooltip=False, interactive=False).add_to(group)
        made["areas"] = layer(layers["areas"], "Places: areas").add_to(group)
    if layers["relations"]:
        made["relations"] = layer(layers["relations"], "Relations").add_to(m)
    if layers["pins"]:
        made["pins"] = pins = layer(layers["pins"], "Places: cities")
        if len(layers["pins"]) + len(layers["events"]) > cluster_threshold:
            cluster = _offline(folium.plugins.MarkerCluster(name="Places: cities"), "cluster_js", "cluster_css",
                               static_url)
            pins.control = False
            pins.add_to(cluster)
            cluster.add_to(m)
        else:
            pins.add_to(m)
    if layers["events"]:
        group = folium.FeatureGroup(name="Events").add_to(m)
        if layers["uncertainty"]:
            made["uncertainty"] = layer(layers["uncertainty"], "Event uncertainty", tooltip=False,
                                        interactive=False).add_to(group)
        made["events"] = layer(layers["events"], "Events").add_to(group)
    return [made[name] for name in LAYERS if name in made]


def build_map(fc: dict, *, cluster_threshold: int = CLUSTER_THRESHOLD,
              static_url: str | None = None) -> folium.Map:
    """The folium map of a FeatureCollection: places, events, relations and zones layers, and a
    legend of what they draw.

    Each drawn feature carries ``fid`` (its index in ``fc["features"]``) and its escaped name,
    which is also its tooltip; :func:`clicked_feature` maps a click back to the feature.
    ``static_url``: where the map's document finds the project's ``static/`` folder (ending in
    "/"); the vendored files and the basemap are then loaded from there instead of inlined.
    """
    m = _base_map(static_url)
    drawn = _add_overlays(m, _overlay_features(fc), cluster_threshold, static_url)
    folium.LayerControl(collapsed=True).add_to(m)
    if drawn:
        Legend(drawn).add_to(m)  # after the layer switcher: under it, in the top right corner
    bounds = content_bounds(fc)
    if bounds:
        m.fit_bounds(bounds, max_zoom=7)
    # streamlit-folium asks the map for its bounds only to seed its first answer; folium would
    # walk every coordinate of the basemap for it (a third of a rerun): the view's bounds serve
    m.get_bounds = lambda: bounds or [[-85.0, -180.0], [85.0, 180.0]]
    return m


# ---------------------------------------------------------------------------------------------
# Clicks and tables


def clicked_feature(fc: dict, returned: dict | None) -> int | None:
    """Index in ``fc["features"]`` of the feature the user clicked, from st_folium's return value."""
    if not returned:
        return None
    features = fc.get("features", [])
    drawing = returned.get("last_active_drawing") or {}
    fid = (drawing.get("properties") or {}).get("fid") if isinstance(drawing, dict) else None
    if isinstance(fid, int) and 0 <= fid < len(features):
        return fid
    clicked = returned.get("last_object_clicked") or {}
    if not isinstance(clicked, dict) or "lat" not in clicked:
        return None
    tip = (returned.get("last_object_clicked_tooltip") or "").strip()
    best, best_d = None, None
    for i, feat in enumerate(features):
        geom = feat.get("geometry") or {}
        props = feat.get("properties") or {}
        if geom.get("type") != "Point" or props.get("kind") not in ("place", "event"):
            continue
        if tip and display_name(props) != tip:
            continue
        lon, lat = geom["coordinates"][:2]
        d = (lat - clicked["lat"]) ** 2 + (lon - clicked.get("lng", 0)) ** 2
        if best_d is None or d < best_d:
            best, best_d = i, d
    return best


def places_and_events_rows(fc: dict) -> list[dict]:
    """One row per place or event, for the sortable table."""
    rows = []
    for feat in fc.get("features", []):
        p = feat.get("properties") or {}
        geom = feat.get("geometry") or {}
        if p.get("kind") not in ("place", "event") or geom.get("type") != "Point":
            continue
        lon, lat = geom["coordinates"][:2]
        place = p.get("kind") == "place"
        rows.append({
            "kind": p.get("kind"),
            "name": (article_form(p) or display_name(p)) if place else display_name(p),
            "gazetteer name": (p.get("name") or "") if place else "",
            "type": p.get("feature_type") or p.get("type_label") or p.get("role") or "",
            "country": p.get("country_code") or "",
            "lat": round(lat, 5), "lon": round(lon, 5),
            "confidence": p.get("confidence"),
            "mentions": len(p.get("mentions") or p.get("sentences") or []),
            "time": p.get("time") or "",
        })
    return rows
