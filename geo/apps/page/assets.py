"""The map's JavaScript, CSS, images and basemap: vendored files in the project's ``static/``.

Offline first: every file the map uses is vendored in ``static/vendor/`` (``scripts/vendor_assets.sh``),
so the map renders with no network and makes no request to any CDN. With ``static_url`` (where the
page's server serves ``static/``) the map refers to the files; without, they are inlined as
``data:`` URLs (a self-contained map).
"""
from __future__ import annotations

import base64
import json
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import folium

# the project's static/ folder (beside streamlit_app.py, where Streamlit serves it at app/static/)
STATIC_DIR = Path(__file__).resolve().parents[3] / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
# the offline basemap (geo/build/basemap.py): vector tiles read by HTTP Range requests, the
# lighter tiles a self-contained map inlines, the style that draws them; and country outlines
BASEMAP_PATH = STATIC_DIR / "basemap" / "basemap.pmtiles"
BASEMAP_LITE_PATH = STATIC_DIR / "basemap" / "basemap-lite.json"
BASEMAP_JS = (("protomaps_leaflet", "vendor/protomaps-leaflet/protomaps-leaflet.js"),
              ("newsmap_basemap", "basemap/basemap.js"))
COUNTRIES_PATH = STATIC_DIR / "basemap" / "countries.geojson"


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
