"""The folium map drawn from a GeoJSON FeatureCollection, and the small helpers the page needs.

Offline first: every JavaScript/CSS file the map uses is vendored in the project's ``static/vendor/``
(see ``scripts/vendor_assets.sh``), so the map renders with no network and makes no request to any
CDN. The default base layer is an offline vector basemap with labels: Natural Earth vector tiles
in ``static/basemap/`` (see ``scripts/build_basemap.py``) drawn by protomaps-leaflet; an
OpenStreetMap tile layer is offered in the layer control but never shown by default.
``build_map(fc)`` inlines all of it (``data:`` URLs, the lighter basemap tiles embedded): a
self-contained map. ``build_map(fc, static_url=...)`` refers to the files at the URL where
``static/`` is served instead (the page: Streamlit's static file serving), so the browser loads
them as files, can cache them, reads only the tiles in view, and draws the markers first.

Article text is untrusted. Every string that reaches HTML or JavaScript goes through
:func:`sanitize_text` (HTML-escaped, and backticks and ``$`` neutralised because folium puts
tooltip/popup text inside JavaScript template literals). Data reaches the map only as GeoJSON
properties, never as generated code.
"""
from __future__ import annotations

import base64
import csv
import html
import io
import json
import math
import re
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import urlsplit

import folium
import folium.plugins
from folium.utilities import JsCode
import jinja2


# folium builds jinja2 templates from the same source strings on every render (74 compilations,
# 40 % of a rerun of the page); compiled templates are immutable, so one compilation per source
# serves every render. folium also wraps each element's rendered script in a template: those
# repeat from rerun to rerun too (streamlit-folium renames the elements), but one that carries a
# map's data can be large, so only sources up to _CACHED_SOURCE_MAX characters are kept.
_compile_template = jinja2.Environment.from_string
_CACHED_SOURCE_MAX = 64_000


@lru_cache(maxsize=512)
def _compiled(env: jinja2.Environment, source: str, template_class) -> jinja2.Template:
    return _compile_template(env, source, template_class=template_class)


def _from_string(self, source, globals=None, template_class=None):
    if globals or not isinstance(source, str) or len(source) > _CACHED_SOURCE_MAX:
        return _compile_template(self, source, globals, template_class)
    return _compiled(self, source, template_class)


jinja2.Environment.from_string = _from_string

# the project's static/ folder (beside streamlit_app.py, where Streamlit serves it at app/static/)
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
# the offline basemap (scripts/build_basemap.py): vector tiles read by HTTP Range requests, the
# lighter tiles a self-contained map inlines, the style that draws them; and country outlines
BASEMAP_PATH = STATIC_DIR / "basemap" / "basemap.pmtiles"
BASEMAP_LITE_PATH = STATIC_DIR / "basemap" / "basemap-lite.json"
BASEMAP_JS = (("protomaps_leaflet", "vendor/protomaps-leaflet/protomaps-leaflet.js"),
              ("newsmap_basemap", "basemap/basemap.js"))
COUNTRIES_PATH = STATIC_DIR / "basemap" / "countries.geojson"

POINT_TYPES = frozenset({"city", "capital"})
# Radius of the shaded circle drawn for an area whose outline we do not have (metres).
AREA_RADIUS_M = {
    "country": 300_000, "admin1": 80_000, "admin2": 30_000, "water": 250_000,
    "region": 150_000, "continent": 1_500_000, "zone": 25_000,
}
CLUSTER_THRESHOLD = 300

# ---------------------------------------------------------------------------------------------
# Escaping


def sanitize_text(value: Any) -> str:
    """Make untrusted text safe inside HTML *and* inside a JavaScript template literal.

    ``html.escape`` handles ``<>&"'``; folium embeds tooltip/popup HTML in backtick strings, where
    ``${...}`` would run as code and a backtick would end the string, so those become entities too.
    Backslashes become entities so they cannot start an escape sequence in a JS string.
    """
    if value is None:
        return ""
    text = html.escape(str(value), quote=True)
    return text.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def markdown_escape(value: Any) -> str:
    """Untrusted text for Streamlit widgets that render Markdown (st.error, labels): every Markdown
    punctuation character backslash-escaped, so no link, image or formatting can be formed."""
    return _MD_SPECIAL.sub(r"\\\1", "" if value is None else str(value))


def safe_link(url: Any, label: Any = None) -> str:
    """An ``<a>`` for http(s) URLs only (opened with rel="noopener noreferrer"); otherwise escaped text."""
    url_s = "" if url is None else str(url).strip()
    text = sanitize_text(label if label is not None else url_s)
    try:
        parts = urlsplit(url_s)
    except ValueError:
        return text
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return text
    return (f'<a href="{sanitize_text(url_s)}" target="_blank" '
            f'rel="noopener noreferrer">{text}</a>')


def highlight_span(sentence: str, start: int, end: int) -> str:
    """``sentence`` escaped, with ``sentence[start:end]`` wrapped in ``<mark>``."""
    start = max(0, min(len(sentence), start))
    end = max(start, min(len(sentence), end))
    return (sanitize_text(sentence[:start]) + "<mark>" + sanitize_text(sentence[start:end])
            + "</mark>" + sanitize_text(sentence[end:]))


def highlight_mention(mention: dict, article: str | None = None) -> str:
    """The mention's sentence, escaped, with the mention itself marked.

    The sentence is located in the article around the mention's offsets when the article is
    given (so the right occurrence is marked); otherwise the first occurrence of the text is.
    """
    sentence = str(mention.get("sentence") or mention.get("text") or "")
    text = str(mention.get("text") or "")
    start, end = mention.get("start"), mention.get("end")
    if article and isinstance(start, int) and isinstance(end, int) and sentence:
        lo = max(0, end - len(sentence))
        pos = article.find(sentence, lo)
        if pos != -1 and pos <= start and end <= pos + len(sentence):
            return highlight_span(sentence, start - pos, end - pos)
    idx = sentence.find(text) if text else -1
    if idx == -1:
        return sanitize_text(sentence)
    return highlight_span(sentence, idx, idx + len(text))


def highlight_article(article: str, spans: Iterable[tuple[int, int, str]]) -> str:
    """The whole article escaped, each (start, end, title) span wrapped in ``<mark>``; newlines kept."""
    out, pos = [], 0
    for start, end, title in sorted(set(spans)):
        if start < pos or end <= start or end > len(article):
            continue
        out.append(sanitize_text(article[pos:start]))
        out.append(f'<mark title="{sanitize_text(title)}">{sanitize_text(article[start:end])}</mark>')
        pos = end
    out.append(sanitize_text(article[pos:]))
    return "".join(out).replace("\n", "<br>")


# ---------------------------------------------------------------------------------------------
# Uploads


class UploadError(ValueError):
    """An uploaded file that cannot be read as an article; the message is meant for the user."""


class _TextExtractor(HTMLParser):
    _SKIP = {"script", "style", "noscript", "template", "head"}
    _BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article",
              "blockquote", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIP:
            self._skip += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self._SKIP and self._skip:
            self._skip -= 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def text_from_upload(name: str, data: bytes) -> str:
    """Article text from an uploaded .txt/.md/.html file; raises UploadError with a clear message."""
    if not data or not data.strip():
        raise UploadError(f"{name}: the file is empty.")
    sample = data[:65536]
    if b"\x00" in sample:
        raise UploadError(f"{name}: this looks like a binary file, not text (.txt, .md or .html).")
    text = data.decode("utf-8", errors="replace")
    bad = sum(1 for ch in text[:65536] if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\n\r\t\f"))
    if bad > max(3, 0.05 * min(len(text), 65536)):
        raise UploadError(f"{name}: this does not look like UTF-8 text (too many unreadable bytes).")
    if name.lower().endswith((".html", ".htm")):
        parser = _TextExtractor()
        parser.feed(text)
        parser.close()
        text = "".join(parser.parts)
        text = re.sub(r"[ \t\r\f\v]+", " ", text)
        text = re.sub(r"\n\s*\n\s*", "\n\n", text).strip()
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise UploadError(f"{name}: no text found in the file.")
    return text


# ---------------------------------------------------------------------------------------------
# Vendored assets


def _data_url(path: Path, mime: str) -> str:
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _css_data_url(path: Path) -> str:
    """CSS as a data: URL, with its relative url(...) images inlined too."""
    css = path.read_text(encoding="utf-8")

    def inline(match: re.Match) -> str:
        ref = match.group(2)
        if ref.startswith(("data:", "#")):
            return match.group(0)
        target = (path.parent / ref).resolve()
        if not target.is_file():
            return "url()"  # never leave a reference that would be fetched
        return f'url("{_data_url(target, "image/png")}")'

    css = re.sub(r"""url\((['"]?)([^'")]+)\1\)""", inline, css)
    return "data:text/css;base64," + base64.b64encode(css.encode("utf-8")).decode("ascii")


@lru_cache(maxsize=None)
def vendored_assets(static_url: str | None = None) -> dict[str, tuple[tuple[str, str], ...]]:
    """``{"map_js", "map_css", "cluster_js", "cluster_css", "pin"}`` → folium-style (name, URL) lists.

    With ``static_url`` (the URL of the project's ``static/`` folder as the map's document sees
    it, ending in "/"), URLs of the files under it; without, the files inlined as data: URLs
    (read and encoded once per process: they do not change while it runs).
    """
    files = {
        "map_js": (("leaflet", "vendor/leaflet/leaflet.js"),),
        "map_css": (("leaflet_css", "vendor/leaflet/leaflet.css"),),
        "cluster_js": (("markerclusterjs", "vendor/leaflet.markercluster/leaflet.markercluster.js"),),
        "cluster_css": (("markerclustercss", "vendor/leaflet.markercluster/MarkerCluster.css"),
                        ("markerclusterdefaultcss", "vendor/leaflet.markercluster/MarkerCluster.Default.css")),
        "pin": (("icon", "vendor/leaflet/images/marker-icon.png"),
                ("icon2x", "vendor/leaflet/images/marker-icon-2x.png"),
                ("shadow", "vendor/leaflet/images/marker-shadow.png")),
    }
    if static_url is not None:
        return {key: tuple((name, static_url + rel) for name, rel in items) for key, items in files.items()}

    def inline(rel: str) -> str:
        path = STATIC_DIR / rel
        if path.suffix == ".css":
            return _css_data_url(path)
        return _data_url(path, "text/javascript" if path.suffix == ".js" else "image/png")

    return {key: tuple((name, inline(rel)) for name, rel in items) for key, items in files.items()}


@lru_cache(maxsize=None)
def countries() -> dict:
    """Natural Earth 1:50m country outlines (simplified), drawn for the countries an article names."""
    return json.loads(COUNTRIES_PATH.read_text(encoding="utf-8"))


def basemap_url(static_url: str) -> str:
    """URL of the basemap's PMTiles archive, under the URL where ``static/`` is served."""
    return static_url + BASEMAP_PATH.relative_to(STATIC_DIR).as_posix()


@lru_cache(maxsize=None)
def basemap_lite_json() -> str:
    """The lighter basemap tiles (data zooms 0-3, labels to zoom 6) as the JSON text a
    self-contained map embeds (read once per process)."""
    return BASEMAP_LITE_PATH.read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def basemap_assets(static_url: str | None = None) -> tuple[tuple[str, str], ...]:
    """The basemap's scripts (protomaps-leaflet, the style) as folium (name, URL) pairs: files
    under ``static_url``, or inlined as data: URLs."""
    if static_url is not None:
        return tuple((name, static_url + rel) for name, rel in BASEMAP_JS)
    return tuple((name, _data_url(STATIC_DIR / rel, "text/javascript")) for name, rel in BASEMAP_JS)


def _walk(element):
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def asset_urls(m: folium.Map) -> list[str]:
    """Every JS/CSS URL the map loads (folium's ``default_js``/``default_css`` of every element)."""
    urls = []
    for el in _walk(m):
        for _, url in list(getattr(el, "default_js", [])) + list(getattr(el, "default_css", [])):
            urls.append(url)
    return urls


def external_asset_urls(m: folium.Map) -> list[str]:
    """Every JS/CSS URL the map would load from another host (empty for an offline map): anything
    but a data: URL or a path on the server that serves the page."""
    out = []
    for url in asset_urls(m):
        parts = urlsplit(url)
        if parts.scheme == "data" or (not parts.scheme and not parts.netloc):
            continue
        out.append(url)
    return out


# ---------------------------------------------------------------------------------------------
# The map

_PIN_TO_LAYER = """
function(feature, latlng) {
    var p = feature.properties || {};
    if (p.shape === "pin") {
        return L.marker(latlng, {icon: L.icon(%(icon)s), title: ""});
    }
    if (p.shape === "event") {
        var color = p.role === "impact" ? "#c0392b" : "#8e44ad";
        var glyph = p.role === "impact" ? "&#10006;" : "&#9650;";
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
        role = props.get("role") or "event"
        out["role"] = sanitize_text(role)
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


def build_map(fc: dict, *, cluster_threshold: int = CLUSTER_THRESHOLD,
              static_url: str | None = None) -> folium.Map:
    """The folium map of a FeatureCollection: places, events, relations and zones layers.

    Each drawn feature carries ``fid`` (its index in ``fc["features"]``) and its escaped name,
    which is also its tooltip; :func:`clicked_feature` maps a click back to the feature.
    ``static_url``: where the map's document finds the project's ``static/`` folder (ending in
    "/"); the vendored files and the basemap are then loaded from there instead of inlined.
    """
    # canvas, not SVG: the country outlines and the zone polygons draw several times faster
    m = folium.Map(location=[20, 0], zoom_start=2, tiles=None, control_scale=True,
                   world_copy_jump=True, min_zoom=1, prefer_canvas=True)
    m.options["maxZoom"] = 18  # folium passes max_zoom only to tiles; clustering needs it on the map
    _offline(m, "map_js", "map_css", static_url)
    m.get_root().header.add_child(folium.Element(
        f"<style>.leaflet-container{{background:{BASEMAP_SEA} !important;}}"
        ".leaflet-tooltip table{margin:0;} .leaflet-tooltip td{padding:0;}</style>"), name="geo_style")

    # Base layers: the offline vector basemap (default), OpenStreetMap tiles (online only). The
    # basemap's pane lies between the tiles' (200) and the overlays' (400).
    folium.map.CustomPane(BASEMAP_PANE, z_index=250, pointer_events=False).add_to(m)
    Basemap(static_url=static_url).add_to(m)
    folium.TileLayer("OpenStreetMap", name="OpenStreetMap (online)", overlay=False, show=False).add_to(m)

    outlines = _country_outlines()
    layers: dict[str, list[dict]] = {"pins": [], "areas": [], "events": [], "uncertainty": [],
                                      "relations": [], "zones": []}
    for fid, feat in enumerate(fc.get("features", [])):
        mf = _map_feature(fid, feat, outlines)
        if mf is None:
            continue
        kind = (feat.get("properties") or {}).get("kind")
        shape = mf["properties"].get("shape")
        if kind == "place":
            layers["pins" if shape == "pin" else "areas"].append(mf)
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
        n_markers = len(layers["pins"]) + len(layers["events"])
        if n_markers > cluster_threshold:
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
            "type": p.get("feature_type") or p.get("role") or "",
            "country": p.get("country_code") or "",
            "lat": round(lat, 5), "lon": round(lon, 5),
            "confidence": p.get("confidence"),
            "mentions": len(p.get("mentions") or p.get("sentences") or []),
            "time": p.get("time") or "",
        })
    return rows


CSV_COLUMNS = ["article_id", "place_name", "lat", "lon", "place_id", "geonameid", "feature_type", "country_code",
               "confidence", "start", "end", "mention", "sentence", "tool"]


def _csv_cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas in untrusted text cells (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(fc: dict) -> str:
    """One row per mention of a place: name, lat, lon, ids, offsets, mention text and sentence."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for feat in fc.get("features", []):
        p = feat.get("properties") or {}
        geom = feat.get("geometry") or {}
        if p.get("kind") != "place" or geom.get("type") != "Point":
            continue
        lon, lat = geom["coordinates"][:2]
        prov = p.get("provenance") or {}
        for men in p.get("mentions") or []:
            writer.writerow({k: _csv_cell(v) for k, v in {
                "article_id": prov.get("article_id", ""), "tool": prov.get("tool", ""),
                "place_name": p.get("name", ""), "lat": lat, "lon": lon,
                "place_id": p.get("place_id"), "geonameid": p.get("geonameid"),
                "feature_type": p.get("feature_type", ""), "country_code": p.get("country_code", ""),
                "confidence": p.get("confidence"), "start": men.get("start"), "end": men.get("end"),
                "mention": men.get("text", ""), "sentence": men.get("sentence", ""),
            }.items()})
    return buf.getvalue()
