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
from typing import Any

import folium
import folium.plugins
import jinja2
from folium.utilities import JsCode

from geo.apps.page.assets import basemap_assets, basemap_lite_json, basemap_url, countries, vendored_assets
from geo.apps.page.escape import sanitize_text
from geo.events.taxonomy import MISSILE_ROLES, EventType, event_type

POINT_TYPES = frozenset({"city", "capital"})
# Radius of the shaded circle drawn for an area whose outline we do not have (metres).
AREA_RADIUS_M = {
    "country": 300_000, "admin1": 80_000, "admin2": 30_000, "water": 250_000,
    "region": 150_000, "continent": 1_500_000, "zone": 25_000,
}
CLUSTER_THRESHOLD = 300


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
            iconSize: [24, 24], iconAnchor: [12, 12]})});
    }
    if (p.shape === "uncertainty") {
        return L.circle(latlng, {radius: p.radius_m, interactive: false, color: "#c0392b",
                                 weight: 1, dashArray: "4 4", fillOpacity: 0.08});
    }
    return L.circle(latlng, {radius: p.radius_m || 50000, color: "#1f6fb2", weight: 1.5,
                             dashArray: "6 4", fillColor: "#1f6fb2", fillOpacity: 0.1});
}
"""


def _pin_to_layer(static_url: str | None = None) -> JsCode:
    pin = dict(vendored_assets(static_url)["pin"])
    icon = json.dumps({"iconUrl": pin["icon"], "iconRetinaUrl": pin["icon2x"], "shadowUrl": pin["shadow"],
                       "iconSize": [25, 41], "iconAnchor": [12, 41], "popupAnchor": [1, -34],
                       "tooltipAnchor": [16, -28], "shadowSize": [41, 41]})
    return JsCode(_PIN_TO_LAYER % {"icon": icon})


def _country_outlines() -> dict[str, dict]:
    return {f["properties"].get("iso_a2"): f["geometry"] for f in countries()["features"]
            if f["properties"].get("iso_a2") not in (None, "", "-99")}


def display_name(props: dict) -> str:
    """The name shown for a feature (tooltip, table, panel): name, else label, else role/kind."""
    for key in ("name", "label", "text"):
        if props.get(key):
            return str(props[key])
    role = props.get("role") or props.get("kind") or ""
    return str(role).capitalize() + (f" ({props['time']})" if props.get("time") else "")


def _event_type(props: dict) -> EventType:
    """An event's type in the taxonomy (from its `type`, else the missile family's `role`)."""
    return event_type(str(props.get("type") or MISSILE_ROLES.get(str(props.get("role") or ""), "")))


def _event_style(props: dict) -> dict:
    """The marker of an event: its type's icon (as an HTML entity) and colour, from the taxonomy
    only, never from the feature's own strings."""
    t = _event_type(props)
    return {"type": t.name, "role": sanitize_text(props.get("role") or t.name),
            "icon": "".join(f"&#{ord(ch)};" for ch in t.icon), "colour": t.colour}


def legend_html(fc: dict) -> str:
    """A legend of the event types present in a FeatureCollection (empty when it has no events)."""
    seen: dict[str, EventType] = {}
    for f in fc.get("features", []):
        p = f.get("properties") or {}
        if p.get("kind") == "event" and f.get("geometry"):
            t = _event_type(p)
            seen.setdefault(t.name, t)
    if not seen:
        return ""
    rows = "".join(
        f"<div style='margin:2px 0'><span style='display:inline-block;width:18px;height:18px;line-height:16px;"
        f"border-radius:50%;background:{t.colour};color:#fff;text-align:center;font-size:11px;margin-right:6px'>"
        f"{''.join(f'&#{ord(ch)};' for ch in t.icon)}</span>{sanitize_text(t.label)}</div>"
        for t in sorted(seen.values(), key=lambda t: t.label))
    return ("<div class='geo-legend' style='position:fixed;bottom:24px;left:10px;z-index:1000;background:#fff;"
            "padding:6px 8px;border-radius:4px;box-shadow:0 0 4px rgba(0,0,0,.4);font:12px sans-serif'>"
            f"<b>Events</b>{rows}</div>")


def _map_feature(fid: int, feat: dict, outlines: dict[str, dict]) -> dict | None:
    """The small, escaped feature drawn on the map for fc["features"][fid] (None: not drawn)."""
    props = feat.get("properties") or {}
    geom = feat.get("geometry") or {}
    kind = props.get("kind")
    name = display_name(props)
    out = {"fid": fid, "kind": sanitize_text(kind), "name": sanitize_text(name)}
    if kind == "place" and geom.get("type") == "Point":
        ftype = props.get("feature_type") or ""
        out["feature_type"] = sanitize_text(ftype)
        if ftype in POINT_TYPES:
            out["shape"] = "pin"
        elif ftype == "country" and props.get("country_code") in outlines:
            out["shape"] = "outline"
            return {"type": "Feature", "properties": out, "geometry": outlines[props["country_code"]]}
        else:
            out["shape"] = "area"
            out["radius_m"] = AREA_RADIUS_M.get(ftype, 100_000)
    elif kind == "event" and geom.get("type") == "Point":
        out.update(_event_style(props))
        out["shape"] = "event"
    elif kind == "relation":
        text = str(props.get("text") or "")
        dist = props.get("distance_km")
        label = f"{props.get('from', '')} → {props.get('to', '')}"
        if text and text != label:
            label = f"{label} ({text})" if "→" not in text else text
        if isinstance(dist, (int, float)):
            label += f": {dist:,.0f} km"
            if isinstance(props.get("bearing_deg"), (int, float)):
                label += f", bearing {props['bearing_deg']:.0f}°"
        out["name"] = sanitize_text(label)
    elif kind in ("area", "zone"):
        if props.get("sovereign"):
            out["name"] = sanitize_text(f"{name} ({props['sovereign']})")
    else:
        return None
    return {"type": "Feature", "properties": out, "geometry": geom}


def _point_latlons(fc: dict) -> list[tuple[float, float]]:
    pts = []
    for feat in fc.get("features", []):
        geom = feat.get("geometry") or {}
        coords = geom.get("coordinates")
        if geom.get("type") == "Point" and coords:
            pts.append((coords[1], coords[0]))
        elif geom.get("type") == "LineString" and coords:
            pts.extend((c[1], c[0]) for c in coords)
    return [(la, lo) for la, lo in pts if -90 <= la <= 90 and -180 <= lo <= 180]


def content_bounds(fc: dict) -> list[list[float]] | None:
    """[[south, west], [north, east]] around what the article is about, padded; None when empty.

    With events, that is the events and the lines that place them (a missile report names
    Washington and Hanoi too, but happened around Korea); otherwise every point and line.
    """
    focus = [f for f in fc.get("features", [])
             if (f.get("properties") or {}).get("kind") in ("event", "relation") and f.get("geometry")]
    pts = _point_latlons({"features": focus}) or _point_latlons(fc)
    if not pts:
        return None
    lats, lons = [p[0] for p in pts], [p[1] for p in pts]
    s, n, w, e = min(lats), max(lats), min(lons), max(lons)
    pad = max(0.5, 0.08 * max(n - s, e - w))
    return [[max(-85.0, s - pad), max(-180.0, w - pad)], [min(85.0, n + pad), min(180.0, e + pad)]]


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


def _geojson_layer(features: list[dict], name: str, style: dict, *, tooltip: bool = True,
                   show: bool = True, overlay: bool = True, interactive: bool = True,
                   static_url: str | None = None) -> folium.GeoJson:
    kwargs: dict[str, Any] = {}
    if not interactive:
        kwargs["interactive"] = False
    layer = folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=name, show=show, overlay=overlay,
        style_function=lambda _f, s=style: s,
        marker=None,
        tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False, sticky=False) if tooltip else None,
        point_to_layer=_pin_to_layer(static_url),
        **kwargs,
    )
    return layer


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
        ".leaflet-tooltip table{margin:0;} .leaflet-tooltip td{padding:0;}</style>"), name="geo_style")
    folium.map.CustomPane(BASEMAP_PANE, z_index=250, pointer_events=False).add_to(m)
    Basemap(static_url=static_url).add_to(m)
    folium.TileLayer("OpenStreetMap", name="OpenStreetMap (online)", overlay=False, show=False).add_to(m)
    return m


def _overlay_features(fc: dict) -> dict[str, list[dict]]:
    """The drawn features of a FeatureCollection by layer: pins, areas, events, their
    uncertainty circles, relations, zones."""
    outlines = _country_outlines()
    layers: dict[str, list[dict]] = {"pins": [], "areas": [], "events": [], "uncertainty": [],
                                      "relations": [], "zones": []}
    for fid, feat in enumerate(fc.get("features", [])):
        mf = _map_feature(fid, feat, outlines)
        if mf is None:
            continue
        kind = (feat.get("properties") or {}).get("kind")
        if kind == "place":
            layers["pins" if mf["properties"].get("shape") == "pin" else "areas"].append(mf)
        elif kind == "event":
            layers["events"].append(mf)
            unc = (feat.get("properties") or {}).get("uncertainty_km")
            if isinstance(unc, (int, float)) and unc > 0 and math.isfinite(unc):
                layers["uncertainty"].append({"type": "Feature", "geometry": mf["geometry"],
                                              "properties": {"fid": fid, "shape": "uncertainty",
                                                             "radius_m": float(unc) * 1000, "name": ""}})
        elif kind == "relation":
            layers["relations"].append(mf)
        else:
            layers["zones"].append(mf)
    return layers


def build_map(fc: dict, *, cluster_threshold: int = CLUSTER_THRESHOLD,
              static_url: str | None = None) -> folium.Map:
    """The folium map of a FeatureCollection: places, events, relations and zones layers.

    Each drawn feature carries ``fid`` (its index in ``fc["features"]``) and its escaped name,
    which is also its tooltip; :func:`clicked_feature` maps a click back to the feature.
    ``static_url``: where the map's document finds the project's ``static/`` folder (ending in
    "/"); the vendored files and the basemap are then loaded from there instead of inlined.
    """
    m = _base_map(static_url)
    layers = _overlay_features(fc)

    def layer(*args, **kwargs):
        return _geojson_layer(*args, static_url=static_url, **kwargs)

    if layers["zones"]:
        layer(layers["zones"], "Zones", {"color": "#d35400", "weight": 1.5, "fillColor": "#d35400",
                                         "fillOpacity": 0.04, "dashArray": "2 4"}).add_to(m)
    if layers["areas"]:
        layer(layers["areas"], "Places: areas (countries, seas, regions)",
              {"color": "#1f6fb2", "weight": 1.5, "fillColor": "#1f6fb2", "fillOpacity": 0.07,
               "dashArray": "6 4"}).add_to(m)
    if layers["relations"]:
        layer(layers["relations"], "Relations", {"color": "#27ae60", "weight": 2.5,
                                                 "dashArray": "8 6"}).add_to(m)
    if layers["pins"]:
        pins = layer(layers["pins"], "Places: cities", {})
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
            layer(layers["uncertainty"], "Event uncertainty", {}, tooltip=False,
                  interactive=False).add_to(group)
        layer(layers["events"], "Events", {}).add_to(group)

    folium.LayerControl(collapsed=True).add_to(m)
    legend = legend_html(fc)
    if legend:
        m.get_root().html.add_child(folium.Element(legend), name="geo_event_legend")
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
        rows.append({
            "kind": p.get("kind"),
            "name": display_name(p),
            "type": p.get("feature_type") or p.get("type_label") or p.get("role") or "",
            "country": p.get("country_code") or "",
            "lat": round(lat, 5), "lon": round(lon, 5),
            "confidence": p.get("confidence"),
            "mentions": len(p.get("mentions") or p.get("sentences") or []),
            "time": p.get("time") or "",
        })
    return rows
