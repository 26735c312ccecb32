"""Page logic with streamlit's AppTest on the real pipeline, plus the escaping/CSV/upload
helpers of geo.apps.page and geo.io."""
from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from pathlib import Path

import pytest

from geo.apps.page import assets, escape, mapview
from geo.io import export, reader
from tests.conftest import ROOT, analyse

APP = str(ROOT / "streamlit_app.py")
SEED = "north-korea-missiles-2019-10-02"


# ---------------------------------------------------------------------------------------------
@pytest.fixture()
def pipeline():
    """The real pipeline (tests.conftest.analyse); kept as a fixture so tests name what they use."""
    yield analyse


def _app():
    from streamlit.testing.v1 import AppTest
    return AppTest.from_file(APP, default_timeout=120)


def _fc(at) -> dict:
    return at.session_state["docs"][at.session_state["current"]]["fc"]


def _table(at):
    """The places-and-events table (the only dataframe with a "kind" column), drawn once its
    expander is opened, as a click on it does."""
    if not any("kind" in d.value.columns for d in at.dataframe):
        at.session_state["table_open"] = True
        at.run()
        assert not at.exception, at.exception
    return next(d.value for d in at.dataframe if "kind" in d.value.columns)


def fold(name) -> str:
    """ASCII-folded name: the gazetteer may say "Wŏnsan" where the article says "Wonsan"."""
    return "".join(c for c in unicodedata.normalize("NFKD", str(name)) if not unicodedata.combining(c))


def _wonsan(fc) -> dict:
    return next(f for f in fc["features"] if f["properties"].get("kind") == "place"
                and any(m.get("text") == "Wonsan" for m in f["properties"].get("mentions") or []))


# ---------------------------------------------------------------------------------------------
# Page


def test_seed_from_query_param_loads_and_lists_places(pipeline):
    at = _app()
    at.query_params["seed"] = SEED
    at.run()
    assert not at.exception, at.exception
    assert at.text_area(key="article_text").value.startswith("North Korea fires missiles")
    assert at.text_input(key="meta_title").value == "North Korea fires missiles as US talks set to resume"
    assert at.text_input(key="meta_date").value == "2019-10-02"
    table = _table(at)
    table["folded"] = table["name"].map(fold)
    assert {"Wonsan", "Seoul", "Pyongyang", "Tokyo"} <= set(table["folded"])
    wonsan = table[table["folded"] == "Wonsan"].iloc[0]
    assert abs(wonsan["lat"] - 39.15) < 0.1 and abs(wonsan["lon"] - 127.44) < 0.1


def test_closed_sections_are_drawn_when_opened(pipeline):
    """The first page carries the map but not the closed sections (their browser code and data
    would come before the map's frame); opening one draws it."""
    at = _app()
    at.query_params["seed"] = SEED
    at.run()
    assert not at.exception, at.exception
    maps = at.get("component_instance")
    assert len(maps) == 1 and maps[0].proto.component_name == "streamlit_folium.st_folium"
    assert not at.dataframe and not at.get("file_uploader")
    assert not any("geo-article" in str(h.proto.body) for h in at.get("html"))
    at.session_state["article_open"] = True
    at.session_state["uploads_open"] = True
    at.run()
    assert not at.exception, at.exception
    article = [str(h.proto.body) for h in at.get("html") if "geo-article" in str(h.proto.body)]
    assert article and "<mark" in article[0] and "Wonsan" in article[0]
    assert [u.key for u in at.get("file_uploader")] == ["uploads"]
    assert {"Wonsan", "Seoul"} <= set(_table(at)["name"].map(fold))


def test_seed_button_loads_seed(pipeline):
    at = _app()
    at.run()
    assert not at.session_state["docs"]
    at.button(key=f"seed_{SEED}").click().run()
    assert not at.exception, at.exception
    assert "Wonsan" in set(_table(at)["name"].map(fold))


def _errors(at) -> list[str]:
    """The page's error boxes (escaped HTML, geo.apps.page.escape.error_html)."""
    return [h.proto.body for h in at.get("html") if "geo-error" in h.proto.body]


def test_unknown_seed_is_reported(pipeline):
    at = _app()
    at.query_params["seed"] = "../../etc/passwd"
    at.run()
    assert not at.exception
    assert any("No sample article" in e for e in _errors(at))


@pytest.mark.parametrize("seed", ["https://evil.example/login", "www.evil.example/login", "victim@evil.example"])
def test_an_address_in_an_error_is_never_a_link(pipeline, seed):
    """Markdown escaping does not stop auto-links: errors are escaped HTML, never Markdown."""
    at = _app()
    at.query_params["seed"] = seed
    at.run()
    assert not at.exception
    boxes = _errors(at)
    assert len(boxes) == 1 and seed in boxes[0] and "<a" not in boxes[0] and "href" not in boxes[0]
    assert not any(seed in m.value for m in at.markdown) and not any(seed in e.value for e in at.error)


def test_paste_and_analyse(pipeline):
    at = _app()
    at.run()
    at.text_area(key="article_text").input("Talks were held in Paris, France and later in Tokyo.")
    form_button = next(b for b in at.get("button") if getattr(b, "label", "") == "Analyse")
    form_button.click().run()
    assert not at.exception, at.exception
    names = set(_table(at)["name"])
    assert {"Paris", "Tokyo"} <= names


def test_selected_place_panel_shows_highlighted_sentence(pipeline):
    at = _app()
    at.query_params["seed"] = SEED
    at.run()
    fc = _fc(at)
    start = _wonsan(fc)["properties"]["mentions"][0]["start"]
    at.session_state["selected"] = ("place", start)
    at.run()
    assert not at.exception, at.exception
    htmls = " ".join(str(h.proto.body) for h in at.get("html"))
    assert "fired from <mark>Wonsan</mark>" in htmls


def test_correction_changes_exported_geojson(pipeline):
    at = _app()
    at.query_params["seed"] = SEED
    at.run()
    fc = _fc(at)
    wonsan = _wonsan(fc)
    start = wonsan["properties"]["mentions"][0]["start"]
    at.session_state["selected"] = ("place", start)
    at.run()
    lat_inputs = [n for n in at.number_input if n.key and n.key.startswith("lat_")]
    lon_inputs = [n for n in at.number_input if n.key and n.key.startswith("lon_")]
    assert lat_inputs and lon_inputs
    lat_inputs[0].set_value(39.5)
    lon_inputs[0].set_value(127.0)
    next(b for b in at.button if b.key and b.key.startswith("use_ll_")).click().run()
    assert not at.exception, at.exception
    doc = at.session_state["docs"][0]
    assert doc["corrections"] and all("lat" in c for c in doc["corrections"])
    new_fc = _fc(at)
    assert new_fc != fc
    moved = [f for f in new_fc["features"] if f["properties"].get("kind") == "place"
             and any(m["start"] == start for m in f["properties"].get("mentions", []))]
    assert moved and moved[0]["geometry"]["coordinates"] == pytest.approx([127.0, 39.5])
    # what the GeoJSON button exports is this collection
    assert json.loads(json.dumps(new_fc))["type"] == "FeatureCollection"
    # corrections survive a plain rerun
    at.run()
    assert at.session_state["docs"][0]["corrections"] == doc["corrections"]


def test_bad_uploads_give_clear_errors():
    def upload(name, data):
        return reader.read_upload(name, data).text
    with pytest.raises(reader.InputError, match="empty"):
        upload("a.txt", b"")
    with pytest.raises(reader.InputError, match="empty"):
        upload("a.txt", b"   \n ")
    with pytest.raises(reader.InputError, match="binary"):
        upload("a.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(reader.InputError, match="UTF-8"):
        upload("a.txt", bytes(range(128, 256)) * 4)
    assert upload("a.md", "Café in **Paris**".encode()) == "Café in Paris"       # as the command line reads it
    assert upload("a.txt", "Talks in Seoul".encode("utf-16")) == "Talks in Seoul"   # so is UTF-16
    assert upload("a.txt", b"caf\xe9 in Paris, Tokyo and Seoul today").startswith("caf\ufffd in Paris")
    page = b"<html><head><script>alert(1)</script><title>T</title></head><body><p>Paris</p><p>Tokyo</p></body></html>"
    article = reader.read_upload("a.html", page)
    assert "alert" not in article.text and "Paris" in article.text and "Tokyo" in article.text
    assert article.title == "T"


# ---------------------------------------------------------------------------------------------
# Escaping, CSV, map


PAYLOADS = ["<img src=x onerror=window.__xss=1>", "${window.__xss=2}", "`;window.__xss=5;`",
            "</script><script>window.__xss=3</script>", "<svg onload=window.__xss=4>", "\\`${1}"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sanitize_text_neutralises_html_and_template_literals(payload):
    out = escape.sanitize_text(payload)
    assert not set("<>`$\\") & set(out)
    assert '"' not in out and "'" not in out
    import html
    assert html.unescape(out) == payload


def test_safe_link_allows_only_http():
    assert escape.safe_link("javascript:alert(1)", "x") == "x"
    assert escape.safe_link("data:text/html,<b>", "<b>") == "&lt;b&gt;"
    link = escape.safe_link("https://example.org/a?b=1&c=`", "ok")
    assert link.startswith('<a href="https://example.org/a?b=1&amp;c=&#96;"')
    assert 'rel="noopener noreferrer"' in link


def test_highlight_mention_marks_the_right_occurrence():
    article = "Paris is big. In Paris, Paris <b> is loved."
    sentence = "In Paris, Paris <b> is loved."
    out = escape.highlight_mention({"start": 24, "end": 29, "text": "Paris", "sentence": sentence}, article)
    assert out == "In Paris, <mark>Paris</mark> &lt;b&gt; is loved."
    out = escape.highlight_mention({"text": "Paris", "sentence": "<i>Paris</i>"})
    assert out == "&lt;i&gt;<mark>Paris</mark>&lt;/i&gt;"


def test_highlight_article_escapes_everything():
    text = "<script>x</script> Paris ${y}"
    out = escape.highlight_article(text, [(19, 24, "Paris <FR>")])
    assert "<script>" not in out and "${" not in out
    assert '<mark title="Paris &lt;FR&gt;">Paris</mark>' in out


def real_fc(text: str) -> dict:
    return export.to_feature_collection(analyse(text))


def test_map_inlines_assets_and_escapes_names():
    fc = real_fc("Talks in Paris. " + " ".join(PAYLOADS) + " Then Tokyo.")
    fc["features"][0]["properties"]["name"] = PAYLOADS[0] + PAYLOADS[1]
    m = mapview.build_map(fc)
    assert assets.external_asset_urls(m) == []
    page = m.get_root().render()
    for p in PAYLOADS:
        assert p not in page
    assert "\\u0026lt;img src=x onerror" in page  # the name is there, escaped, as inert data
    urls = set(re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", page))
    assert urls == set(), urls


def test_map_served_from_the_static_folder():
    """As the page draws it: Leaflet, its CSS and images, and the basemap are files of static/,
    referred to by relative URLs (the server that serves the page); nothing is inlined and
    nothing comes from another host."""
    fc = real_fc("Talks in Paris. " + " ".join(PAYLOADS) + " Then Tokyo.")
    fc["features"][0]["properties"]["name"] = PAYLOADS[0]
    m = mapview.build_map(fc, static_url="../../app/static/", cluster_threshold=0)  # clustered too
    urls = assets.asset_urls(m)
    assert len(urls) == 5 and assets.external_asset_urls(m) == []
    page = m.get_root().render()
    assert "data:" not in page and "base64" not in page
    assert "Afghanistan" not in page  # the basemap is fetched, not embedded
    referred = set(urls) | set(re.findall(r"\.\./\.\./app/static/[\w./-]+", page))
    assert assets.basemap_url("../../app/static/") in referred
    assert any(u.endswith("marker-icon.png") for u in referred)
    for url in referred:
        assert (assets.STATIC_DIR / url.removeprefix("../../app/static/")).is_file(), url
    for p in PAYLOADS:
        assert p not in page
    assert assets.external_asset_urls(mapview.build_map(fc)) == []  # the self-contained map


def test_map_clusters_many_markers():
    feats = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [i % 360 - 179.5, (i % 170) - 85]},
              "properties": {"kind": "place", "name": f"P{i}", "feature_type": "city", "mentions": []}}
             for i in range(400)]
    m = mapview.build_map({"type": "FeatureCollection", "features": feats})
    page = m.get_root().render()
    assert "markerClusterGroup" in page
    assert re.search(r"\"maxZoom\": 18\b", page)  # Leaflet.markercluster needs maxZoom on a map without tiles
    assert assets.external_asset_urls(m) == []


def test_csv_one_row_per_mention_and_no_formulas():
    fc = real_fc("=HYPERLINK(1) in Paris. Later Paris and Tokyo.")
    rows = list(csv.DictReader(io.StringIO(export.to_csv(fc))))
    assert [r["place_name"] for r in rows].count("Paris") == 2
    assert len(rows) == 3
    paris = next(r for r in rows if r["place_name"] == "Paris")
    assert float(paris["lat"]) == pytest.approx(48.85341, abs=0.01)
    assert paris["sentence"].startswith("'=HYPERLINK")
    assert set(rows[0]) == set(export.CSV_COLUMNS)


def test_clicked_feature_maps_click_to_feature():
    fc = real_fc("Talks in Paris and Tokyo.")
    tokyo = next(i for i, f in enumerate(fc["features"]) if f["properties"]["name"] == "Tokyo")
    assert mapview.clicked_feature(fc, {"last_active_drawing": {"properties": {"fid": tokyo}}}) == tokyo
    assert mapview.clicked_feature(fc, {"last_object_clicked": {"lat": 35.7, "lng": 139.7},
                                        "last_object_clicked_tooltip": "Tokyo"}) == tokyo
    assert mapview.clicked_feature(fc, None) is None


@pytest.mark.parametrize("seed", sorted(p.stem for p in (ROOT / "seeds").glob("*.txt")))
def test_every_seed_renders(pipeline, seed):
    at = _app()
    at.query_params["seed"] = seed
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert len(_table(at)) > 0


def test_selected_event_panel_shows_time_zones_and_claims(pipeline):
    at = _app()
    at.query_params["seed"] = SEED
    at.run()
    fc = _fc(at)
    events = [f for f in fc["features"] if f["properties"].get("kind") == "event"]
    assert len(events) == 3      # the launch at Wonsan and two impacts
    event = next((e for e in events if e["properties"].get("zones")), events[0])
    p = event["properties"]
    at.session_state["selected"] = ("event", mapview.display_name(p), p.get("time"))
    at.run()
    assert not at.exception, at.exception
    panel = " ".join(str(h.proto.body) for h in at.get("html"))
    assert escape.sanitize_text(mapview.display_name(p)) in panel
    assert "<b>Time:</b>" in panel
    for zone in p.get("zones") or []:
        assert escape.sanitize_text(zone.get("name") or zone.get("kind")) in panel
    for claim in p.get("claims") or []:
        assert escape.sanitize_text(claim.get("text")) in panel
    if p.get("conflict"):
        assert "Conflict:" in panel


def test_markdown_escape_forms_no_links_or_images():
    out = escape.markdown_escape("![x](http://evil.example/x.png) [a](javascript:alert(1)) *b* `c` $d$")
    assert "![" not in out.replace("\\!\\[", "") and "](" not in out.replace("\\]\\(", "")
    assert out.replace("\\", "") == "![x](http://evil.example/x.png) [a](javascript:alert(1)) *b* `c` $d$"


def test_choosing_an_alternative_changes_the_export(pipeline):
    at = _app()
    at.query_params["seed"] = SEED
    at.run()
    fc = _fc(at)
    place = next((f for f in fc["features"] if f["properties"].get("kind") == "place"
                  and f["properties"].get("alternatives") and f["properties"].get("mentions")), None)
    assert place is not None, "the seed has places with alternatives (Washington, New York, ...)"
    start = place["properties"]["mentions"][0]["start"]
    alt = place["properties"]["alternatives"][0]
    at.session_state["selected"] = ("place", start)
    at.run()
    box = next(s for s in at.selectbox if s.key and s.key.startswith("alt_"))
    box.set_value(box.options[1]).run()
    next(b for b in at.button if b.key and b.key.startswith("use_alt_")).click().run()
    assert not at.exception, at.exception
    doc = at.session_state["docs"][0]
    assert {"start": start, "end": place["properties"]["mentions"][0]["end"],
            "place_id": alt["place_id"]} in doc["corrections"]
    new = next(f for f in _fc(at)["features"] if f["properties"].get("kind") == "place"
               and any(m["start"] == start for m in f["properties"].get("mentions") or []))
    assert new["properties"]["place_id"] == alt["place_id"]
    lon, lat = new["geometry"]["coordinates"][:2]
    assert (lat, lon) == pytest.approx((alt["lat"], alt["lon"]), abs=1e-3)
    csv_rows = list(csv.DictReader(io.StringIO(export.to_csv(_fc(at)))))
    assert any(r["start"] == str(start) and r["place_id"] == str(alt["place_id"]) for r in csv_rows)
