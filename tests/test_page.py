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
    assert len(urls) == 7 and assets.external_asset_urls(m) == []  # Leaflet, cluster, basemap scripts
    page = m.get_root().render()
    assert "data:" not in page and "base64" not in page
    assert '"tiles":' not in page  # the basemap's tiles are fetched, not embedded
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
    assert not at.error and not _errors(at), _errors(at)
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


# ---------------------------------------------------------------------------------------------
# Issue 13: the defects a first-time analyst hits


def _header(at) -> str:
    """The shown article's title and its line of metadata (the first HTML with an <h2>)."""
    return next(str(h.proto.body) for h in at.get("html") if "<h2" in str(h.proto.body))


def _three_docs():
    from geo.apps.page import session
    return [session.new_doc(reader.Article(f"Report {i}\n\nA large protest took place in {city} on Monday.",
                                           id=f"report-{i}", title=f"Report {i}"))
            for i, city in ((1, "Lisbon"), (2, "Nairobi"), (3, "Hanoi"))]


def test_article_picker_takes_every_choice_at_once(pipeline):
    at = _app()
    at.session_state["docs"] = _three_docs()
    at.session_state["pending"] = True
    at.run()
    assert not at.exception, at.exception
    assert "Report 1" in _header(at)
    for want in (2, 1, 0, 2, 2, 1):
        next(s for s in at.selectbox if s.label == "Article").set_value(want).run()
        assert not at.exception, at.exception
        assert f"Report {want + 1}" in _header(at), (want, _header(at))
        assert at.session_state["current"] == want


def test_pasted_article_does_not_keep_the_samples_metadata(pipeline):
    at = _app()
    at.query_params["seed"] = SEED
    at.run()
    text = ("North Korea fired a ballistic missile from Sinpo at 6:40 am on Tuesday, "
            "the military in Seoul said. It flew east into the sea.")
    at.text_area(key="article_text").input(text)
    next(b for b in at.button if getattr(b, "label", "") == "Analyse").click().run()
    assert not at.exception, at.exception
    doc = at.session_state["docs"][0]
    assert (doc["title"], doc["date"], doc["source"]) == ("", "", "")
    assert [at.text_input(key=k).value for k in ("meta_title", "meta_date", "meta_source")] == ["", "", ""]
    assert "North Korea fires missiles" not in _header(at) and "2019-10-02" not in _header(at)
    events = [f for f in _fc(at)["features"] if f["properties"].get("kind") == "event"]
    assert events and not any(str(e["properties"].get("time") or "").startswith("2019") for e in events)
    assert "2019-10-02" not in export.to_csv(_fc(at))
    assert "seed" not in at.query_params  # the address no longer names the sample


def test_an_edited_sample_keeps_its_metadata_and_typed_metadata_stays(pipeline):
    at = _app()
    at.query_params["seed"] = SEED
    at.run()
    text = at.text_area(key="article_text").value
    at.text_area(key="article_text").input(text.replace("early on Wednesday", "early on Wednesday morning"))
    next(b for b in at.button if getattr(b, "label", "") == "Analyse").click().run()
    assert at.session_state["docs"][0]["date"] == "2019-10-02"   # the same article, edited
    at.text_area(key="article_text").input("Ministers met in Paris, France, on Tuesday.")
    at.text_input(key="meta_title").input("Paris talks")
    next(b for b in at.button if getattr(b, "label", "") == "Analyse").click().run()
    doc = at.session_state["docs"][0]
    assert (doc["title"], doc["date"]) == ("Paris talks", "")       # typed: kept; the sample's: gone


def test_date_is_validated(pipeline):
    at = _app()
    at.run()
    at.text_area(key="article_text").input("Ministers met in Paris, France, on Tuesday.")
    at.text_input(key="meta_date").input("yesterday")
    next(b for b in at.button if getattr(b, "label", "") == "Analyse").click().run()
    assert not at.exception, at.exception
    assert not at.session_state["docs"]
    assert any("YYYY-MM-DD" in e and "yesterday" in e for e in _errors(at)), _errors(at)
    at.text_input(key="meta_date").input("2024-05-07")
    next(b for b in at.button if getattr(b, "label", "") == "Analyse").click().run()
    assert not _errors(at) and at.session_state["docs"][0]["date"] == "2024-05-07"
    assert "2024-05-07 · " in _header(at)


def test_bad_seed_error_goes_after_other_work(pipeline):
    at = _app()
    at.query_params["seed"] = "no-such-sample"
    at.run()
    assert any("No sample article" in e for e in _errors(at))
    at.button(key=f"seed_{SEED}").click().run()
    assert not any("No sample article" in e for e in _errors(at))
    assert at.query_params["seed"] == SEED   # the address opens the sample shown


def test_header_without_date_or_source_starts_with_what_was_found(pipeline):
    from geo.apps.page import session
    at = _app()
    at.session_state["docs"] = [session.new_doc(reader.Article("Talks were held in Paris and Tokyo.", id="up",
                                                               title="up"))]
    at.session_state["pending"] = True
    at.run()
    line = re.search(r"class='geo-subtitle'[^>]*>(.*?)</div>", _header(at)).group(1)
    assert line.startswith("2 places, 0 events"), line


def test_page_says_which_events_it_reads(pipeline, monkeypatch):
    import sys
    import types
    from geo.apps.page import session
    at = _app()
    at.run()
    captions = " ".join(c.value for c in at.sidebar.caption)
    brief, full = session.event_kinds()
    assert brief in captions and "missile launch" in full and "overflight" in full
    # from the taxonomy where there is one; a long one said by its groups
    kinds = [("Missile launch", "weapons"), ("Attack on a ship", "maritime"), ("Earthquake", "hazard")] * 3
    fake = types.ModuleType("geo.events.taxonomy")
    fake.TYPES = [types.SimpleNamespace(label=label, group=group) for label, group in kinds]
    monkeypatch.setitem(sys.modules, "geo.events.taxonomy", fake)
    assert session.event_kinds()[0] == "9 kinds: weapons, maritime, hazard"
    assert session.event_kinds()[1].startswith("missile launch; attack on a ship; earthquake")


def _select_wonsan(at) -> int:
    at.query_params["seed"] = SEED
    at.run()
    start = _wonsan(_fc(at))["properties"]["mentions"][0]["start"]
    at.session_state["selected"] = ("place", start)
    at.run()
    return start


def _moved_place(at, start: int) -> dict:
    return next(f for f in _fc(at)["features"] if f["properties"].get("kind") == "place"
                and any(m["start"] == start for m in f["properties"].get("mentions") or []))


def test_corrected_city_stays_a_city_on_the_cities_layer(pipeline):
    at = _app()
    start = _select_wonsan(at)
    next(n for n in at.number_input if n.key.startswith("lat_")).set_value(39.5)
    next(n for n in at.number_input if n.key.startswith("lon_")).set_value(127.0)
    next(b for b in at.button if b.key and b.key.startswith("use_ll_")).click().run()
    assert not at.exception, at.exception
    p = _moved_place(at, start)["properties"]
    assert (p["feature_type"], p["country_code"], p["corrected"]) == ("city", "KP", True)
    assert p["geonameid"] and fold(p["name"]) == "Wonsan"
    pins = mapview._overlay_features(_fc(at))["pins"]
    assert any(f["geometry"]["coordinates"] == pytest.approx([127.0, 39.5]) for f in pins)
    panel = " ".join(str(h.proto.body) for h in at.get("html"))
    assert "corrected" in panel and "city" in panel
    # the boxes now hold the corrected place; pressing the button again changes nothing
    assert next(n for n in at.number_input if n.key.startswith("lat_")).value == pytest.approx(39.5)


def test_coordinate_boxes_follow_another_candidate(pipeline):
    at = _app()
    at.query_params["seed"] = SEED
    at.run()
    fc = _fc(at)
    place = next(f for f in fc["features"] if f["properties"].get("kind") == "place"
                 and f["properties"].get("name") == "Washington")
    start = place["properties"]["mentions"][0]["start"]
    at.session_state["selected"] = ("place", start)
    at.run()
    box = next(s for s in at.selectbox if s.key and s.key.startswith("alt_"))
    alt = place["properties"]["alternatives"][0]
    box.set_value(box.options[1]).run()
    next(b for b in at.button if b.key and b.key.startswith("use_alt_")).click().run()
    assert not at.exception, at.exception
    lat = next(n for n in at.number_input if n.key.startswith("lat_")).value
    lon = next(n for n in at.number_input if n.key.startswith("lon_")).value
    assert (lat, lon) == pytest.approx((alt["lat"], alt["lon"]), abs=1e-4)
    # "Use these coordinates" now keeps the chosen candidate's position
    next(b for b in at.button if b.key and b.key.startswith("use_ll_")).click().run()
    lon2, lat2 = _moved_place(at, start)["geometry"]["coordinates"][:2]
    assert (lat2, lon2) == pytest.approx((alt["lat"], alt["lon"]), abs=1e-4)


def test_one_correction_counts_once(pipeline):
    at = _app()
    at.query_params["seed"] = SEED
    at.run()
    pyongyang = next(f for f in _fc(at)["features"] if f["properties"].get("name") == "Pyongyang")
    n = len(pyongyang["properties"]["mentions"])
    assert n > 2
    at.session_state["selected"] = ("place", pyongyang["properties"]["mentions"][0]["start"])
    at.run()
    next(n for n in at.number_input if n.key.startswith("lat_")).set_value(39.0)
    next(b for b in at.button if b.key and b.key.startswith("use_ll_")).click().run()
    assert len(at.session_state["docs"][0]["corrections"]) == n      # one per mention
    assert "1 place corrected" in [c.value for c in at.caption]
    assert ", 1 corrected" in _header(at) and f"{n} corrected" not in _header(at)


class _Store:
    def __init__(self):
        self.added = []

    def add(self, name, lat, lon, feature_type="city", country_code="", alt_names=()):
        self.added.append((name, lat, lon, feature_type, country_code, tuple(alt_names)))


def test_correction_can_be_remembered_through_the_seam(pipeline, monkeypatch):
    from geo.apps.page import session
    at = _app()
    monkeypatch.setattr(session, "user_store", lambda settings: None)
    start = _select_wonsan(at)
    assert not [c for c in at.checkbox if c.key.startswith("remember_")]  # no user gazetteer: no option
    store = _Store()
    monkeypatch.setattr(session, "user_store", lambda settings: store)
    at.run()
    next(c for c in at.checkbox if c.key.startswith("remember_")).check()
    next(n for n in at.number_input if n.key.startswith("lat_")).set_value(39.2)
    next(b for b in at.button if b.key and b.key.startswith("use_ll_")).click().run()
    assert not at.exception, at.exception
    name, lat, lon, ftype, cc, alts = store.added[0]
    assert fold(name) == "Wonsan" and (lat, ftype, cc) == (39.2, "city", "KP") and alts == ("Wonsan",)
    assert any("Remembered for future articles" in h.proto.body for h in at.get("html"))
    assert _moved_place(at, start)["properties"]["corrected"]


def test_user_store_needs_the_module_and_the_setting(monkeypatch, tmp_path):
    import sys
    import types
    from geo.apps.page import session
    from geo.settings import Settings
    assert session.user_store(Settings()) is None
    fake = types.ModuleType("gazetteer.user")
    fake.UserGazetteer = lambda path: ("store", path)
    monkeypatch.setitem(sys.modules, "gazetteer.user", fake)
    assert session.user_store(Settings()) is None  # no file configured
    configured = types.SimpleNamespace(user_gazetteer=tmp_path / "mine.tsv")
    assert session.user_store(configured) == ("store", tmp_path / "mine.tsv")


def test_names_show_the_articles_form_first(pipeline):
    at = _app()
    start = _select_wonsan(at)
    table = _table(at)
    row = table[table["name"] == "Wonsan"].iloc[0]
    assert row["gazetteer name"] == "Wŏnsan"
    p = _moved_place(at, start)["properties"]
    assert mapview.display_name(p) == "Wonsan (Wŏnsan)"
    tips = [f["properties"]["name"] for f in mapview._overlay_features(_fc(at))["pins"]]
    assert escape.sanitize_text("Wonsan (Wŏnsan)") in tips
    panel = next(str(h.proto.body) for h in at.get("html") if "<h3" in str(h.proto.body))
    assert panel.index("Wonsan") < panel.index("Wŏnsan")
    assert mapview.display_name({"kind": "place", "name": "Japan",
                                 "mentions": [{"text": "Japanese", "kind": "demonym"}]}) == "Japan"
    assert mapview.display_name({"kind": "place", "name": "Korean Peninsula",
                                 "mentions": [{"text": "Korean peninsula"}]}) == "Korean Peninsula"


# ---------------------------------------------------------------------------------------------
# The map: what frames the view, how it is drawn, its legend


def _inside(bounds, lat, lon) -> bool:
    (s, w), (n, e) = bounds
    return s <= lat <= n and w <= lon <= e


def test_a_lone_launch_is_framed_with_the_places_around_it():
    fc = real_fc("North Korea fired a ballistic missile from Sinpo on Tuesday morning, South Korea's "
                 "Joint Chiefs of Staff said. Officials in Seoul and Tokyo condemned the launch.")
    events = [f for f in fc["features"] if f["properties"].get("kind") == "event"]
    assert [e["properties"]["role"] for e in events] == ["launch"]
    bounds = mapview.content_bounds(fc)
    assert _inside(bounds, 40.04, 128.19) and _inside(bounds, 37.566, 126.978)   # Sinpo and Seoul
    assert not _inside(bounds, 35.69, 139.69)                                     # Tokyo is far away
    only = {"type": "FeatureCollection", "features": events}
    (s, w), (n, e) = mapview.content_bounds(only)
    assert n - s > 2.5 and e - w > 3.3       # at least 300 km across, not 50 km around the site


def test_events_placed_only_at_a_country_do_not_frame_the_view():
    fc = real_fc("Iran fired a ballistic missile on Tuesday, state media said. The missile landed in Iraq, "
                 "officials in Baghdad, Erbil and Basra said.")
    bounds = mapview.content_bounds(fc)
    for lat, lon in ((33.34, 44.40), (36.19, 44.01), (30.51, 47.78)):   # Baghdad, Erbil, Basra
        assert _inside(bounds, lat, lon)
    assert not _inside(bounds, 32.0, 53.0)   # Iran's point, where the launch is shown for want of a site
    # an impact with no position at a country's centre and a 1,000 km circle: the places decide
    place = {"kind": "place", "feature_type": "country", "name": "Yemen", "mentions": [{"text": "Yemen"}]}
    city = {"kind": "place", "feature_type": "city", "name": "Aden", "mentions": [{"text": "Aden"}] * 2}
    impact = {"kind": "event", "role": "impact", "uncertainty_km": 1000.0}
    synthetic = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [48.0, 15.5]}, "properties": place},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [45.04, 12.78]}, "properties": city},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [48.0, 15.5]}, "properties": impact}]}
    (s, w), (n, e) = mapview.content_bounds(synthetic)
    assert _inside([[s, w], [n, e]], 12.78, 45.04) and n - s < 9 and e - w < 9   # not the circle's 18°


def test_map_draws_no_dashed_circles_and_large_ones_as_outlines():
    fc = real_fc((ROOT / "seeds" / f"{SEED}.txt").read_text(encoding="utf-8"))
    layers = mapview._overlay_features(fc)
    circles = layers["uncertainty"] + layers["extents"]
    assert circles
    for f in circles:
        style = f["properties"]["style"]
        assert "dashArray" not in style
        if f["properties"]["radius_m"] > mapview.LARGE_CIRCLE_M:
            assert style.get("fill") is False
    # seas, regions and continents: a ring at their centre, no circle over the map
    sea = next(f for f in layers["areas"] if "Sea of Japan" in f["properties"]["name"])
    assert not [f for f in layers["extents"] if f["properties"]["fid"] == sea["properties"]["fid"]]
    # every drawn feature says what it is in the legend
    assert all(f["properties"].get("legend") for name in mapview.LAYERS for f in layers[name])
    assert {f["properties"]["legend"] for f in layers["events"]} == {
        "Missile launch", "Missile impact"}


def test_the_legend_is_in_the_map_and_lists_the_drawn_layers():
    fc = real_fc("Talks in Paris, France. Then Tokyo.")
    page = mapview.build_map(fc).get_root().render()
    assert "geo-legend" in page and "<summary>Legend</summary>" in page
    empty = mapview.build_map({"type": "FeatureCollection", "features": []}).get_root().render()
    assert "geo-legend leaflet-control" not in empty   # nothing drawn, no legend


def test_event_legend_words_come_from_the_taxonomy():
    style = mapview._event_style
    assert style({"role": "overflight"})["legend"] == "Overflight"
    assert style({"role": "launch"})["legend"] == "Missile launch"
    assert style({"type": "protest"})["legend"] == "Protest, demonstration or march"


def _without_events(fc: dict) -> dict:
    return {**fc, "features": [f for f in fc["features"] if f["properties"].get("kind") != "event"]}


def test_without_events_the_towns_frame_the_view_not_a_countrys_middle():
    fc = real_fc("Quake shakes southern Chile\n\nA magnitude 6.8 earthquake struck about 60 km west of Temuco, "
                 "Chile, on Friday morning, the national seismological centre said.")
    assert _inside(mapview.content_bounds(fc), -38.74, -72.60)     # with the quake event
    fc = _without_events(fc)
    bounds = mapview.content_bounds(fc)
    assert _inside(bounds, -38.74, -72.60)    # Temuco, 900 km south of Chile's point
    # a maritime report: the seas and coasts it names, not the one town it names in passing (Tampa)
    fc = real_fc("Tanker hit off Yemen\n\nA Liberian-flagged oil tanker was struck by a missile west of Yemen's "
                 "coast on Tuesday. The vessel continued to Djibouti. Another ship reported an explosion near "
                 "the Bab el-Mandeb strait, and a US destroyer in the Gulf of Aden shot down two drones, "
                 "US Central Command said in a statement from Tampa.")
    bounds = mapview.content_bounds(_without_events(fc))
    assert _inside(bounds, 11.6, 43.1) and _inside(bounds, 12.58, 43.33)   # Djibouti, Bab el-Mandeb
    assert not _inside(bounds, 27.95, -82.46)                              # Tampa


def test_an_article_about_many_regions_is_framed_whole():
    towns = [("Lisbon", -9.14, 38.72), ("Nairobi", 36.82, -1.29), ("Hanoi", 105.84, 21.02), ("Lima", -77.04, -12.05),
             ("Oslo", 10.75, 59.91), ("Perth", 115.86, -31.95)]
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
         "properties": {"kind": "place", "feature_type": "city", "name": name, "mentions": [{"text": name}]}}
        for name, lon, lat in towns]}
    bounds = mapview.content_bounds(fc)
    assert all(_inside(bounds, lat, lon) for _, lon, lat in towns)
