"""News event map: paste or upload an article, see its places and events on a map.

The page only: analysis is ``geo.pipeline.Pipeline``, GeoJSON is ``geo.io.export``, the map, the
panels and the session's documents are ``geo.apps.page``. Run with ``streamlit run streamlit_app.py``.
Untrusted article text reaches HTML only through ``escape.sanitize_text`` (via ``st.html``) or
plain-text widgets (dataframes, text inputs); never through markdown.
"""
from __future__ import annotations

import hashlib
import json

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.apps.page import collection, layout, mapview, panels, session
from geo.apps.page.cache import ByteBoundedCache
from geo.apps.page.escape import error_html, highlight_article, safe_link, sanitize_text as esc
from geo.io.export import all_mentions, to_csv, to_feature_collection
from geo.io.reader import Article, InputError, normalise_date, read_upload
from geo.model import DocumentMeta
from geo.pipeline import Pipeline
from geo.settings import Settings

UPLOAD_TYPES = ["txt", "html", "htm", "md"]
# the longest article the page analyses (about 5 s of one core); longer ones: python -m geo parse
MAX_PAGE_CHARS = 1_000_000
# What the map reports back. Not last_object_clicked_count: the component's first report (0)
# differs from st_folium's default (None), and would rerun the whole page as the map appears.
RETURNED = ["last_object_clicked", "last_object_clicked_tooltip", "last_active_drawing"]
# The project's static/ folder as the map's frame (<server>/component/<name>/index.html) sees it,
# when Streamlit serves it (server.enableStaticServing in .streamlit/config.toml): the map then
# loads Leaflet and the basemap as files instead of carrying them inline over the websocket.
STATIC_URL = "../../app/static/"


# ---------------------------------------------------------------------------------------------
# State

META_KEYS = ("meta_title", "meta_date", "meta_source")


def init_state() -> None:
    ss = st.session_state
    ss.setdefault("docs", [])
    ss.setdefault("current", 0)
    ss.setdefault("selected", None)      # (kind, anchor) of the feature shown beside the map
    ss.setdefault("click_sig", None)
    for key in ("article_text",) + META_KEYS:
        ss.setdefault(key, "")


def fill_form(doc: dict) -> None:
    """The form shows a sample's text and metadata, and remembers what it was filled with."""
    ss = st.session_state
    values = {"article_text": doc["text"], "meta_title": doc["title"], "meta_date": doc["date"],
              "meta_source": doc["source"]}
    ss.update(values)
    ss["filled"] = values


def set_docs(docs: list[dict]) -> None:
    ss = st.session_state
    ss["docs"], ss["current"], ss["selected"], ss["click_sig"] = docs, 0, None, None
    ss["picker"] = 0
    ss["pending"] = True
    ss.pop("seed_error", None)  # other work done: an old error about the URL no longer applies


def on_seed(name: str, from_url: bool = False) -> None:
    doc = session.seed_doc(name)
    fill_form(doc)
    set_docs([doc])
    if not from_url:  # the address now opens this sample
        st.session_state["query_seed"] = name
        st.query_params["seed"] = name


def leave_seed_url() -> None:
    """Another article than a sample is shown: the address no longer names one."""
    if "seed" in st.query_params:
        del st.query_params["seed"]


def forget_stale_meta(text: str) -> None:
    """When another article is pasted over the one the form was filled with (a sample), the
    title, date and source still showing that article's are emptied, not given to the new one."""
    ss = st.session_state
    filled = ss.get("filled")
    if not filled or session.same_article(text, filled["article_text"]):
        return
    for key in META_KEYS:
        if ss.get(key) == filled.get(key):
            ss[key] = ""
    ss["filled"] = None


def on_analyse_form() -> None:
    ss = st.session_state
    ss.pop("seed_error", None)
    text = ss.get("article_text", "")
    if not text.strip():
        ss["form_error"] = "Paste an article into “Article text” first."
        return
    if len(text) > MAX_PAGE_CHARS:
        ss["form_error"] = (f"The text has {len(text):,} characters; the page analyses up to {MAX_PAGE_CHARS:,}. "
                            "Use `python -m geo parse` for longer articles.")
        return
    forget_stale_meta(text)
    problem = session.date_error(ss.get("meta_date"))
    if problem:
        ss["form_error"] = f"Date “{ss['meta_date'].strip()}”: {problem}."
        return
    leave_seed_url()
    set_docs([session.new_doc(Article(text, title=ss.get("meta_title") or "",
                                      date=normalise_date(ss.get("meta_date") or ""),
                                      source=ss.get("meta_source") or ""))])


def on_analyse_uploads() -> None:
    ss = st.session_state
    ss.pop("seed_error", None)
    docs, errors = [], []
    for f in ss.get("uploads") or []:
        try:
            article = read_upload(f.name, f.getvalue())
            if len(article.text) > MAX_PAGE_CHARS:
                raise InputError(f"{f.name}: {len(article.text):,} characters; the page analyses up to "
                                 f"{MAX_PAGE_CHARS:,} (use python -m geo parse for longer articles)")
            docs.append({**session.new_doc(article), "file": f.name})
        except InputError as exc:
            errors.append(str(exc))
    ss["upload_errors"] = errors
    if docs:
        leave_seed_url()
        set_docs(docs)


def on_pick() -> None:
    """Another article chosen in the picker: shown at once, with nothing selected."""
    ss = st.session_state
    ss["current"], ss["selected"], ss["click_sig"] = ss["picker"], None, None


def current_doc() -> dict | None:
    docs = st.session_state["docs"]
    if not docs:
        return None
    return docs[min(st.session_state["current"], len(docs) - 1)]


# ---------------------------------------------------------------------------------------------
# Analysis


def ensure_analysed(docs: list[dict], progress: bool = False) -> None:
    """(Re)analyse every doc whose text or corrections changed since its last analysis."""
    todo = [d for d in docs if d["fc_key"] != session.fc_key(d)]
    if not todo:
        return
    bar = st.progress(0.0, text=f"Analysing {len(todo)} article(s)…") if progress and len(todo) > 1 else None
    for i, d in enumerate(todo, start=1):
        try:
            d["fc"] = analysed_fc(d["text"], d["title"], d["date"], d["source"], d["id"],
                                  d.get("timezone", ""), json.dumps(d["corrections"]))
            d["error"] = None
        except Exception as exc:  # show the failure, keep the page alive
            d["fc"], d["error"] = None, f"Analysis failed: {type(exc).__name__}: {exc}"
        d["fc_key"] = session.fc_key(d)
        if bar is not None:
            bar.progress(i / len(todo), text=f"Analysed {i} of {len(todo)} articles")
    if bar is not None:
        bar.empty()


@st.cache_resource(show_spinner=False)
def pipeline() -> Pipeline:
    """One pipeline for every session of this server, built from the environment's settings."""
    return Pipeline(Settings.from_env())


@st.cache_resource(show_spinner=False)
def analyses() -> ByteBoundedCache:
    """The analyses every session of this server shares, bounded in bytes (geo.apps.page.cache)."""
    return ByteBoundedCache()


def analysed_fc(text: str, title: str, date: str, source: str, article_id: str, timezone: str,
                corrections_json: str) -> dict:
    """The article's FeatureCollection, shared by every session that opens the same article (the
    same object: the page never changes it)."""
    def make():
        meta = DocumentMeta(id=article_id, title=title, date=date, timezone=timezone, source=source)
        return to_feature_collection(pipeline().analyse(text, meta, corrections=json.loads(corrections_json) or None))
    key = hashlib.sha256(json.dumps([text, title, date, source, article_id, timezone, corrections_json])
                         .encode("utf-8", "replace")).hexdigest()
    return analyses().get_or_make(key, make)


# ---------------------------------------------------------------------------------------------
# Rendering: the sidebar


def error_box(message: str) -> None:
    """An error shown as escaped HTML: Markdown (st.error) would turn an address in it into a link
    whatever is escaped (auto-links: "https://…", "www.…", e-mail addresses)."""
    st.html(error_html(message))


def render_inputs() -> None:
    ss = st.session_state
    brief, full = session.event_kinds()
    st.caption(f"Finds the places an article names and the events it reports ({brief}), "
               "and maps them. Nothing leaves this computer.", help=f"Events read: {full}.")
    names = list(session.seeds())
    if names:
        st.caption("Sample articles")
        for name in names:
            st.button(name, key=f"seed_{name}", on_click=on_seed, args=(name,),
                      help="Load and analyse this sample article")
    with st.form("article_form"):
        st.text_area("Article text", key="article_text", height=220, max_chars=MAX_PAGE_CHARS,
                     placeholder="Paste a news article here, then press Ctrl+Enter or “Analyse”.")
        st.text_input("Title (optional)", key="meta_title")
        st.text_input("Date (optional)", key="meta_date", placeholder="YYYY-MM-DD",
                      help="The article's date, as YYYY-MM-DD: times the article gives (“at 7.10am”) "
                           "are dated from it. Leave it empty when unknown.")
        st.text_input("Source (optional)", key="meta_source")
        st.form_submit_button("Analyse", type="primary", on_click=on_analyse_form)
    if ss.get("form_error"):
        error_box(ss.pop("form_error"))

    # drawn when opened (a rerun): the uploader's code is not loaded before the map
    uploads = st.expander("Upload articles (.txt, .md, .html)", key="uploads_open", on_change="rerun")
    if uploads.open:
        with uploads:
            # analysed as soon as they are chosen; the button analyses them again (after a paste)
            files = st.file_uploader("Upload one or more articles", type=UPLOAD_TYPES,
                                     accept_multiple_files=True, key="uploads", on_change=on_analyse_uploads)
            st.button("Analyse uploaded files", disabled=not files, on_click=on_analyse_uploads)
            for msg in ss.get("upload_errors") or []:
                error_box(msg)


# ---------------------------------------------------------------------------------------------
# Rendering: the panel beside the map


def render_place_panel(doc: dict, fc: dict, fid: int) -> None:
    feat = fc["features"][fid]
    p = feat["properties"]
    lon, lat = feat["geometry"]["coordinates"][:2]
    st.html(panels.place_summary_html(p, lat, lon))
    mentions = p.get("mentions") or []
    st.markdown(f"**Mentioned {len(mentions)} time(s)**")
    st.html(panels.mentions_html(mentions, doc["text"]))
    if p.get("alternatives"):
        st.markdown("**Alternatives considered**")
        st.html(panels.alternatives_html(p["alternatives"]))
    with st.expander("Correct this place", expanded=False):
        render_correction(doc, p, lat, lon, fid)


def render_correction(doc: dict, p: dict, lat: float, lon: float, fid: int) -> None:
    """Another candidate, or typed coordinates, for every mention of the place. The widgets'
    keys name the analysis they belong to, so after a correction they show the new place."""
    k = f"{fid}_{doc['fc_key']}"
    alts = p.get("alternatives") or []
    store = session.user_store(pipeline().settings)
    keep = store is not None and st.checkbox(
        "Also remember for future articles", key=f"remember_{k}",
        help="Saves the place where you put it in your own gazetteer, under the article's names for it.")
    options = ["— keep —"] + [
        f"{a.get('name')} ({a.get('feature_type')}, {a.get('country_code') or '—'}) "
        f"{float(a.get('lat') or 0):.3f}, {float(a.get('lon') or 0):.3f}" for a in alts]
    choice = st.selectbox("Choose another candidate", options, key=f"alt_{k}")
    if st.button("Use this candidate", disabled=choice == options[0], key=f"use_alt_{k}"):
        alt = alts[options.index(choice) - 1]
        apply_correction(doc, p, store if keep else None, alt, place_id=int(alt["place_id"]))
    c1, c2 = st.columns(2)
    new_lat = c1.number_input("Latitude", -90.0, 90.0, float(lat), format="%.5f", key=f"lat_{k}")
    new_lon = c2.number_input("Longitude", -180.0, 180.0, float(lon), format="%.5f", key=f"lon_{k}")
    if st.button("Use these coordinates", key=f"use_ll_{k}"):
        apply_correction(doc, p, store if keep else None, {**p, "lat": new_lat, "lon": new_lon},
                         lat=float(new_lat), lon=float(new_lon))


def apply_correction(doc: dict, p: dict, store, target: dict, **choice) -> None:
    """Correct every mention of the place; with a `store`, remember it there too."""
    ss = st.session_state
    ss["selected"] = session.add_corrections(doc, all_mentions(p), **choice)
    if store is not None:
        try:
            ss["remembered"] = ("success", "Remembered for future articles: " + session.remember(store, p, target))
        except Exception as exc:  # a bad name or file: say so, keep the correction
            ss["remembered"] = ("error", f"Not remembered: {exc}")
    st.rerun()


def render_event_panel(fc: dict, fid: int) -> None:
    feat = fc["features"][fid]
    lon, lat = feat["geometry"]["coordinates"][:2]
    st.html(panels.event_html(feat["properties"], lat, lon))


def render_panel(doc: dict, fc: dict) -> None:
    ss = st.session_state
    note = ss.pop("remembered", None)
    if note:
        st.html(error_html(note[1], note[0]))
    fid = session.find_anchor(fc, ss.get("selected"))
    if fid is None:
        st.info("Click a marker on the map to see where the article mentions it.")
    elif fc["features"][fid]["properties"].get("kind") == "event":
        render_event_panel(fc, fid)
    else:
        render_place_panel(doc, fc, fid)
    if doc["corrections"]:
        n = session.corrected_places(doc)
        st.caption(f"{n} place{'s' if n != 1 else ''} corrected")
        if st.button("Undo all corrections"):
            doc["corrections"] = []
            st.rerun()


# ---------------------------------------------------------------------------------------------
# Rendering: the article


def header_html(doc: dict, fc: dict) -> str:
    """The article's title, then its date and source where known, and what was found."""
    kinds = [(f.get("properties") or {}).get("kind") for f in fc.get("features", [])]
    n_places, n_events, n_fixed = kinds.count("place"), kinds.count("event"), session.corrected_places(doc)
    found = f"{n_places:,} place{'s' if n_places != 1 else ''}, {n_events:,} event{'s' if n_events != 1 else ''}"
    if n_fixed:
        found += f", {n_fixed} corrected"
    parts = [esc(doc["date"]) if doc["date"] else "", safe_link(doc["source"]) if doc["source"] else "", found]
    return (f"<h2 style='margin:0;padding:0'>{esc(doc['title'] or doc['id'])}</h2>"
            f"<div class='geo-subtitle' style='color:#666'>{' · '.join(p for p in parts if p)}</div>")


def render_results(doc: dict) -> None:
    ss = st.session_state
    if doc.get("error"):
        error_box(doc["error"])
        return
    fc = doc["fc"]
    if fc is None:
        return
    st.html(header_html(doc, fc))
    with st.container(key="map_row"):  # the map and its panel: side by side, or stacked (layout.py)
        col_map, col_panel = st.columns([3, 1], gap="small")
        with col_map:
            static_url = STATIC_URL if st.get_option("server.enableStaticServing") else None
            out = st_folium(mapview.build_map(fc, static_url=static_url), key="map", height=layout.MAP_HEIGHT,
                            use_container_width=True, returned_objects=RETURNED)
        sig = json.dumps([(out or {}).get(k) for k in RETURNED], sort_keys=True, default=str)
        if out and out.get("last_object_clicked") and sig != ss.get("click_sig"):
            ss["click_sig"] = sig
            fid = mapview.clicked_feature(fc, out)
            if fid is not None:
                ss["selected"] = session.anchor_of(fc["features"][fid])
        with col_panel:
            render_panel(doc, fc)
            render_downloads(doc, fc)
    render_sections(doc, fc)


def render_downloads(doc: dict, fc: dict) -> None:
    st.caption("Download the places and events")
    row = st.container(horizontal=True, gap="small")
    # the files are made when a button is clicked (without a rerun), not on every run: nothing
    # for the browser to fetch while the page loads
    row.download_button("GeoJSON", lambda: json.dumps(fc, ensure_ascii=False, indent=1),
                       file_name=f"{doc['id']}.geojson", mime="application/geo+json", on_click="ignore")
    row.download_button("CSV", lambda: to_csv(fc), file_name=f"{doc['id']}.csv", mime="text/csv",
                       on_click="ignore")


def render_sections(doc: dict, fc: dict) -> None:
    rows = mapview.places_and_events_rows(fc)
    # The table and the highlighted article are sent only once their expander is opened (a
    # rerun): a dataframe anywhere on the page makes the browser fetch and run Streamlit's 1.2 MB
    # grid code before it draws the map's frame, and the article may be megabytes of HTML.
    table = st.expander(f"Places and events ({len(rows)}): a sortable table", key="table_open",
                        on_change="rerun")
    if table.open:
        with table:
            if rows:
                st.dataframe(pd.DataFrame(rows), hide_index=True, key="places_table")
            else:
                st.info("No places found in this article.")
    article = st.expander("Article with places highlighted", key="article_open", on_change="rerun")
    if article.open:
        spans = [(m["start"], m["end"], mapview.display_name(f["properties"]))
                 for f in fc.get("features", []) if (f.get("properties") or {}).get("kind") == "place"
                 for m in all_mentions(f["properties"])
                 if isinstance(m.get("start"), int) and isinstance(m.get("end"), int)]
        article.html(f"<div class='geo-article' style='line-height:1.5'>"
                     f"{highlight_article(doc['text'], spans)}</div>")


def analyse_doc(doc: dict):
    """The analysis of a page document with its corrections (for the store)."""
    meta = DocumentMeta(id=doc["id"], title=doc["title"], date=doc["date"], timezone=doc.get("timezone", ""),
                        source=doc["source"])
    return pipeline().analyse(doc["text"], meta, corrections=doc["corrections"] or None)


# ---------------------------------------------------------------------------------------------
# The page


def main() -> None:
    st.set_page_config(page_title="News event map", page_icon="🗺️", layout="wide",
                       initial_sidebar_state=layout.SIDEBAR_WIDTH)
    st.html(layout.PAGE_CSS)
    if collection.current_view() == collection.VIEW:      # ?view=collection: many reports (the store)
        collection.render_collection(collection.STATIC_URL if st.get_option("server.enableStaticServing") else None)
        return
    init_state()
    ss = st.session_state

    seed = st.query_params.get("seed")
    if seed and ss.get("query_seed") != seed:
        ss["query_seed"] = seed
        if seed in session.seeds():
            on_seed(seed, from_url=True)
        else:
            ss["seed_error"] = seed

    # The main area first, the sidebar after: the browser draws the elements, and fetches the
    # code of each kind of element, in the order the script sends them, and the map is the part
    # of the page that takes longest to appear. The sidebar's form and buttons act through
    # callbacks, which run before the script, so the order changes nothing else.
    render_main()
    with st.sidebar:
        st.header("News event map")
        collection.render_view_switch()
        render_inputs()
        collection.render_add_to_store(current_doc(), analyse_doc)


def render_main() -> None:
    ss = st.session_state
    if ss.get("seed_error"):
        error_box(f"No sample article named “{ss['seed_error']}”.")

    docs = ss["docs"]
    if not docs:
        st.title("News event map")
        st.info("Paste an article in the sidebar and press Ctrl+Enter or “Analyse”, upload articles, "
                "or open a sample article.")
        return
    ensure_analysed(docs, progress=ss.pop("pending", False))
    if len(docs) > 1:
        labels = [f"{i + 1}. {d['title'] or d['id']}" + (f" ({d['file']})" if d.get("file") else "")
                  + (" (failed)" if d.get("error") else "") for i, d in enumerate(docs)]
        ss.setdefault("picker", min(ss["current"], len(docs) - 1))
        st.selectbox("Article", range(len(docs)), format_func=lambda i: labels[i], key="picker",
                     on_change=on_pick)
    doc = current_doc()
    if doc is not None and ss.get("shown_doc") != (ss["current"], doc["id"]):
        ss["shown_doc"] = (ss["current"], doc["id"])  # another article: forget the old selection
        ss["selected"], ss["click_sig"] = None, None
    if doc is not None:
        render_results(doc)        # analysed above, with every other article


main()
