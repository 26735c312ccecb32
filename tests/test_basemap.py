"""The offline basemap: the built tiles (static/basemap/, geo/build/basemap.py), the map's
references to them, and labels actually drawn in headless chromium."""
from __future__ import annotations

import base64
import gzip
import io
import json
import math
import re
from pathlib import Path

import folium
import mapbox_vector_tile
import pytest
import shapely
from pmtiles.reader import MmapSource, Reader
from pmtiles.tile import TileType

from geo.apps.page import assets, mapview

ROOT = Path(__file__).resolve().parent.parent
SEOUL = (126.98, 37.57)
TOKYO = (139.69, 35.69)
LAYERS = {"land", "boundary", "maritime", "islets", "ocean", "marine", "country", "place", "admin1"}
EXTENT = 4096


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, float, float]:
    """Tile x, y at zoom z holding the point, and the point's position in it (0..EXTENT, y down)."""
    n = 2 ** z
    fx = (lon + 180) / 360 * n
    r = math.radians(lat)
    fy = (1 - math.log(math.tan(r) + 1 / math.cos(r)) / math.pi) / 2 * n
    x, y = int(fx), int(fy)
    return x, y, (fx - x) * EXTENT, (fy - y) * EXTENT


def units(lon: float, lat: float, z: int, x: int, y: int) -> tuple[float, float]:
    """The point in the units of tile z/x/y as decoded (0..EXTENT, y up), even outside it."""
    tx, ty, px, py = tile_of(lon, lat, z)
    return (tx - x) * EXTENT + px, EXTENT - ((ty - y) * EXTENT + py)


@pytest.fixture(scope="module")
def archive():
    with open(assets.BASEMAP_PATH, "rb") as fh:
        reader = Reader(MmapSource(fh))
        header, metadata = reader.header(), reader.metadata()

        def tile(z, x, y):
            data = reader.get(z, x, y)
            return mapbox_vector_tile.decode(gzip.decompress(data)) if data else {}

        yield header, metadata, tile


def names(tile: dict, layer: str) -> set[str]:
    return {f["properties"]["name"] for f in tile.get(layer, {}).get("features", [])}


def test_archive_is_vector_tiles_of_the_whole_world(archive):
    header, metadata, tile = archive
    assert header["tile_type"] == TileType.MVT
    assert header["min_zoom"] == 0 and header["max_zoom"] == 7
    assert {layer["id"] for layer in metadata["vector_layers"]} == LAYERS
    assert "Natural Earth" in metadata["attribution"]
    world = tile(0, 0, 0)
    assert {"land", "boundary", "country", "ocean"} <= set(world)
    assert {"NORTH PACIFIC OCEAN", "INDIAN OCEAN"} <= names(world, "ocean")
    assert {"Russia", "China", "Brazil"} <= names(world, "country")
    # the repository stays small: the whole world to the 1:10m coastline in a few MB
    assert assets.BASEMAP_PATH.stat().st_size < 8e6
    assert assets.BASEMAP_LITE_PATH.stat().st_size < 0.8e6


def test_korea_tiles_hold_its_names_and_coast(archive):
    _, _, tile = archive
    # the data tile at zoom 4 (drawn at map zoom 5) around Seoul: the capitals, the sea
    x, y, _, _ = tile_of(*SEOUL, 4)
    t = tile(4, x, y)
    places = {f["properties"]["name"]: f["properties"] for f in t["place"]["features"]}
    assert places["Seoul"]["cap"] == 2 and places["Seoul"]["minz"] <= 5
    assert places["Pyongyang"]["cap"] == 2
    assert {"South Korea", "North Korea"} <= names(t, "country")
    assert "Sea of Japan (East Sea)" in names(t, "marine")
    sea = next(f for f in t["marine"]["features"] if f["properties"]["name"] == "Sea of Japan (East Sea)")
    assert sea["properties"]["minz"] <= 5
    # Seoul is on land there, the Sea of Japan's label point is not
    land = shapely.union_all([shapely.geometry.shape(f["geometry"]) for f in t["land"]["features"]])
    assert land.contains(shapely.Point(units(*SEOUL, 4, x, y)))
    sx, sy = sea["geometry"]["coordinates"]
    assert not land.contains(shapely.Point(sx, sy))
    # Japan's tile at the same zoom: Tokyo and the country's name
    x, y, _, _ = tile_of(*TOKYO, 4)
    t = tile(4, x, y)
    assert "Tokyo" in names(t, "place") and "Japan" in names(t, "country")


def test_coast_and_borders_gain_detail_with_zoom(archive):
    _, _, tile = archive

    def vertices(z: int, layer: str) -> int:
        """Vertices of the layer in the box 124-131°E, 33-43°N (Korea), at data zoom z."""
        total = 0
        x0, y0, _, _ = tile_of(124.0, 43.0, z)
        x1, y1, _, _ = tile_of(131.0, 33.0, z)
        for x in range(x0, x1 + 1):
            for y in range(y0, y1 + 1):
                left, top = units(124.0, 43.0, z, x, y)
                right, bottom = units(131.0, 33.0, z, x, y)
                for f in tile(z, x, y).get(layer, {}).get("features", []):
                    g = shapely.clip_by_rect(shapely.geometry.shape(f["geometry"]), left, bottom, right, top)
                    total += shapely.get_num_coordinates(g)
        return total

    land = {z: vertices(z, "land") for z in (2, 4, 7)}
    assert land[2] < land[4] < land[7]
    assert land[7] > 5 * land[2]  # coarse when zoomed out, the 1:10m coast when zoomed in
    assert vertices(7, "boundary") > vertices(2, "boundary") > 0  # the DMZ, the Yalu and Tumen
    # admin-1 names and small towns only when zoomed in
    x, y, _, _ = tile_of(*SEOUL, 7)
    t = tile(7, x, y)
    assert "Gyeonggi-do" in names(t, "admin1") or "Seoul" in names(t, "admin1")
    assert {"Incheon", "Suwon"} <= names(t, "place")
    x, y, _, _ = tile_of(*SEOUL, 2)
    assert "Suwon" not in names(tile(2, x, y), "place")
    assert "admin1" not in tile(2, x, y)


def test_lite_tiles_inlined_in_self_contained_maps():
    lite = json.loads(assets.BASEMAP_LITE_PATH.read_text(encoding="utf-8"))
    assert lite["maxzoom"] == 3
    assert {k.split("/")[0] for k in lite["tiles"]} == {"0", "1", "2", "3"}
    x, y, _, _ = tile_of(*SEOUL, 3)
    t = mapbox_vector_tile.decode(gzip.decompress(base64.b64decode(lite["tiles"][f"3/{x}/{y}"])))
    assert "Seoul" in names(t, "place") and "Sea of Japan (East Sea)" in names(t, "marine")
    assert "land" in t and "boundary" in t


def test_build_map_refers_only_to_local_files():
    fc = {"type": "FeatureCollection", "features": []}
    served = mapview.build_map(fc, static_url="../../app/static/")
    assert assets.external_asset_urls(served) == []
    urls = assets.asset_urls(served)
    assert "../../app/static/vendor/protomaps-leaflet/protomaps-leaflet.js" in urls
    assert "../../app/static/basemap/basemap.js" in urls
    page = served.get_root().render()
    assert '"../../app/static/basemap/basemap.pmtiles"' in page
    assert "basemap-lite" not in page and "base64" not in page  # tiles are read from the server
    for url in urls:
        assert (assets.STATIC_DIR / url.removeprefix("../../app/static/")).is_file(), url

    inline = mapview.build_map(fc)
    assert assets.external_asset_urls(inline) == []
    assert all(u.startswith("data:") for u in assets.asset_urls(inline))
    page = inline.get_root().render()
    assert "pmtiles" not in page and '"tiles":{"0/0/0":' in page
    assert not [u for u in re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", page)]


def _basemap_labels(page, bounds_only: bool = True) -> list[dict]:
    return page.evaluate("""(inView) => {
        let layer = null;
        window.map.eachLayer(l => { if (l.labelers) layer = l; });
        if (!layer) return [];
        const b = window.map.getBounds();
        return newsmapBasemap.labels(layer).filter(l => !inView || b.contains([l.lat, l.lng])); }""", bounds_only)



def test_self_contained_map_draws_labels(browser, tmp_path):
    """A saved self-contained map, opened from a file with no server: around Korea and Japan at
    zoom 5 the basemap draws "Japan", "Sea of Japan", "Seoul" and "Tokyo" on its canvas. The
    labels are read from the layer's label index (what it paints), and "Japan" is checked in the
    pixels: its box holds dark text on a white halo with the basemap shown and not without it."""
    from PIL import Image

    m = mapview.build_map({"type": "FeatureCollection", "features": []})
    m.get_root().header.add_child(folium.Element(
        "<script>window.addEventListener('load', () => { for (const k in window)"
        " { try { if (window[k] instanceof L.Map) window.map = window[k]; } catch (e) {} } });</script>"))
    path = tmp_path / "map.html"
    m.save(str(path))
    context = browser.new_context(viewport={"width": 900, "height": 700})
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    page.goto(path.as_uri())
    page.wait_for_function("() => window.map && window.newsmapBasemap", timeout=30_000)
    page.evaluate("() => window.map.setView([37.5, 132], 5, {animate: false})")
    wanted = {"Japan", "Sea of Japan (East Sea)", "Seoul", "Tokyo", "South Korea", "North Korea"}
    page.wait_for_function("""(wanted) => { let layer = null;
        window.map.eachLayer(l => { if (l.labelers) layer = l; });
        if (!layer || !layer._noTilesToLoad()) return false;
        const got = new Set(newsmapBasemap.labels(layer).map(l => l.text));
        return wanted.every(w => got.has(w)); }""", arg=sorted(wanted), timeout=30_000)
    labels = {label["text"]: label for label in _basemap_labels(page)}
    assert wanted <= set(labels), sorted(labels)
    assert [u for u in requests if not u.startswith(("file:", "data:", "blob:"))] == []

    # "Japan" in the pixels of its box
    lat0, lng0, lat1, lng1 = labels["Japan"]["bboxes"][0]
    box = page.evaluate("""([a, b]) => { const p = window.map.latLngToContainerPoint(a),
        q = window.map.latLngToContainerPoint(b), r = window.map.getContainer().getBoundingClientRect();
        return [r.left + p.x, r.top + p.y, q.x - p.x, q.y - p.y]; }""", [[lat0, lng0], [lat1, lng1]])
    clip = {"x": box[0], "y": box[1], "width": box[2], "height": box[3]}
    assert 20 < clip["width"] < 200 and 8 < clip["height"] < 60, clip

    def dark_and_white(png: bytes) -> tuple[int, int]:
        px = Image.open(io.BytesIO(png)).convert("L").tobytes()
        return sum(1 for v in px if v < 140), sum(1 for v in px if v > 252)

    # dark grey glyphs on a white halo (land and sea are light grey and blue: neither is either);
    # tiles are repainted as their neighbours' labels settle, so give it a moment
    for _ in range(20):
        dark, white = dark_and_white(page.screenshot(clip=clip))
        if dark >= 15 and white >= 15:
            break
        page.wait_for_timeout(100)
    assert dark >= 15 and white >= 15, (dark, white)
    page.evaluate("() => window.map.eachLayer(l => { if (l.labelers) window.map.removeLayer(l); })")
    page.wait_for_timeout(100)
    assert dark_and_white(page.screenshot(clip=clip)) == (0, 0)  # without the basemap: nothing there
    context.close()
