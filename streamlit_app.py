"""News event map: paste or upload an article, see its places and events on a map.

The page only: analysis is ``geo.pipeline.Pipeline``, GeoJSON is ``geo.io.export``, the map, the
panels and the session's documents are ``geo.apps.page``. Run with ``streamlit run streamlit_app.py``.
Untrusted article text reaches HTML only through ``escape.sanitize_text`` (via ``st.html``) or
plain-text widgets (dataframes, text inputs); never through markdown.
"""
from __future__ import annotations

import json

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.apps.page import collection, mapview, panels, session
from geo.apps.page.escape import highlight_article, markdown_escape, safe_link, sanitize_text as esc
from geo.io.export import to_csv, to_feature_collection
from geo.io.reader import Article, InputError, read_upload
from geo.model import DocumentMeta
from geo.pipeline import Pipeline
from geo.settings import Settings

UPLOAD_TYPES = ["txt", "html", "htm", "md"]
# What the map reports back. Not last_object_clicked_count: the component's first report (0)
# differs from st_folium's default (None), and would rerun the whole page as the map appears.
RETURNED = ["last_object_clicked", "last_object_clicked_tooltip", "last_active_drawing"]
# The project's static/ folder as the map's frame (<server>/component/<name>/index.html) sees it,
# when Streamlit serves it (server.enableStaticServing in .streamlit/config.toml): the map then
# loads Leaflet and the basemap as files instead of carrying them inline over the websocket.
STATIC_URL = "../../app/static/"


# ---------------------------------------------------------------------------------------------
# State


def init_state() -> None:
    ss = st.session_state
    ss.setdefault("docs", [])
    ss.setdefault("current", 0)
    ss.setdefault("selected", None)      # (kind, anchor) of the feature shown beside the map
    ss.setdefault("click_sig", None)
    for key in ("article_text", "meta_title", "meta_date", "meta_source"):
        ss.setdefault(key, "")


def fill_form(doc: dict) -> None:
    ss = st.session_state
    ss["article_text"] = doc["text"]
    ss["meta_title"], ss["meta_date"], ss["meta_source"] = doc["title"], doc["date"], doc["source"]


def set_docs(docs: list[dict]) -> None:
    ss = st.session_state
    ss["docs"], ss["current"], ss["selected"], ss["click_sig"] = docs, 0, None, None
    ss["pending"] = True


def on_seed(name: str) -> None:
    doc = session.seed_doc(name)
    fill_form(doc)
    set_docs([doc])


def on_analyse_form() -> None:
    ss = st.session_state
    text = ss.get("article_text", "")
    if not text.strip():
        ss["form_error"] = "Paste an article into “Article text” first."
        return
    set_docs([session.new_doc(Article(text, title=ss.get("meta_title") or "", date=ss.get("meta_date") or "",
                                      source=ss.get("meta_source") or ""))])


def on_analyse_uploads() -> None:
    ss = st.session_state
    docs, errors = [], []
    for f in ss.get("uploads") or []:
        try:
            docs.append(session.new_doc(read_upload(f.name, f.getvalue())))
        except InputError as exc:
            errors.append(str(exc))
    ss["upload_errors"] = errors
    if docs:
        set_docs(docs)


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


@st.cache_data(max_entries=64, show_spinner=False)
def analysed_fc(text: str, title: str, date: str, source: str, article_id: str, timezone: str,
                corrections_json: str) -> dict:
    """The article's FeatureCollection, shared by every session that opens the same article."""
    meta = DocumentMeta(id=article_id, title=title, date=date, timezone=timezone, source=source)
    analysis = pipeline().analyse(text, meta, corrections=json.loads(corrections_json) or None)
    return to_feature_collection(analysis)


# ---------------------------------------------------------------------------------------------
# Rendering


def render_inputs() -> None:
    ss = st.session_state
    names = list(session.seeds())
    if names:
        st.caption("Sample articles")
        for name in names:
            st.button(name, key=f"seed_{name}", on_click=on_seed, args=(name,),
                                       help="Load and analyse this sample article")
    with st.form("article_form"):
        st.text_area("Article text", key="article_text", height=220,
                     placeholder="Paste a news article here, then press Ctrl+Enter or “Analyse”.")
        st.text_input("Title (optional)", key="meta_title")
        st.text_input("Date (optional)", key="meta_date", placeholder="YYYY-MM-DD")
        st.text_input("Source (optional)", key="meta_source")
        st.form_submit_button("Analyse", type="primary", on_click=on_analyse_form)
    if ss.pop("form_error", None):
        st.error("Paste an article into “Article text” first.")

    # drawn when opened (a rerun): the uploader's code is not loaded before the map
    uploads = st.expander("Upload articles (.txt, .md, .html)", key="uploads_open", on_change="rerun")
    if uploads.open:
        with uploads:
            files = st.file_uploader("Upload one or more articles", type=UPLOAD_TYPES,
                                     accept_multiple_files=True, key="uploads")
            st.button("Analyse uploaded files", disabled=not files, on_click=on_analyse_uploads)
            for msg in ss.get("upload_errors") or []:
                st.error(markdown_escape(msg), icon="🚫")


def render_place_panel(doc: dict, fc: dict, fid: int) -> None:
    feat = fc["features"][fid]
    p = feat["properties"]
    lon, lat = feat["geometry"]["coordinates"][:2]
    st.html(panels.place_summary_html(p, lat, lon))
    mentions = p.get("mentions") or []
    st.markdown(f"**Mentioned {len(mentions)} time(s)**")
    st.html(panels.mentions_html(mentions, doc["text"]))
    alts = p.get("alternatives") or []
    if alts:
        st.markdown("**Alternatives considered**")
        st.dataframe(pd.DataFrame(alts), hide_index=True)
    with st.expander("Correct this place", expanded=False):
        options = ["— keep —"] + [
            f"{a.get('name')} ({a.get('feature_type')}, {a.get('country_code') or '—'}) "
            f"{a.get('lat', 0):.3f}, {a.get('lon', 0):.3f}" for a in alts]
        choice = st.selectbox("Choose another candidate", options, key=f"alt_{fid}_{doc['fc_key']}")
        if st.button("Use this candidate", disabled=choice == options[0], key=f"use_alt_{fid}"):
            alt = alts[options.index(choice) - 1]
            st.session_state["selected"] = session.add_corrections(doc, mentions, place_id=int(alt["place_id"]))
            st.rerun()
        c1, c2 = st.columns(2)
        new_lat = c1.number_input("Latitude", -90.0, 90.0, float(lat), format="%.5f", key=f"lat_{fid}")
        new_lon = c2.number_input("Longitude", -180.0, 180.0, float(lon), format="%.5f", key=f"lon_{fid}")
        if st.button("Use these coordinates", key=f"use_ll_{fid}"):
            st.session_state["selected"] = session.add_corrections(doc, mentions, lat=float(new_lat),
                                                                   lon=float(new_lon))
            st.rerun()


def render_event_panel(fc: dict, fid: int) -> None:
    feat = fc["features"][fid]
    lon, lat = feat["geometry"]["coordinates"][:2]
    st.html(panels.event_html(feat["properties"], lat, lon))


def render_results(doc: dict) -> None:
    ss = st.session_state
    if doc.get("error"):
        st.error(markdown_escape(doc["error"]))
        return
    fc = doc["fc"]
    if fc is None:
        return
    n_places = sum(1 for f in fc.get("features", []) if (f.get("properties") or {}).get("kind") == "place")
    n_events = sum(1 for f in fc.get("features", []) if (f.get("properties") or {}).get("kind") == "event")
    st.html(f"<h2 style='margin:0'>{esc(doc['title'] or doc['id'])}</h2>"
            f"<div style='color:#666'>{esc(doc['date'])} {safe_link(doc['source'])} — {n_places} places, "
            f"{n_events} events, {len(doc['corrections'])} correction(s)</div>")

    col_map, col_panel = st.columns([3, 2], gap="medium")
    with col_map:
        static_url = STATIC_URL if st.get_option("server.enableStaticServing") else None
        out = st_folium(mapview.build_map(fc, static_url=static_url), key="map", height=560,
                        use_container_width=True, returned_objects=RETURNED)
    sig = json.dumps([(out or {}).get(k) for k in RETURNED], sort_keys=True, default=str)
    if out and out.get("last_object_clicked") and sig != ss.get("click_sig"):
        ss["click_sig"] = sig
        fid = mapview.clicked_feature(fc, out)
        if fid is not None:
            ss["selected"] = session.anchor_of(fc["features"][fid])
    with col_panel:
        fid = session.find_anchor(fc, ss.get("selected"))
        if fid is None:
            st.info("Click a marker on the map to see where the article mentions it.")
        elif fc["features"][fid]["properties"].get("kind") == "event":
            render_event_panel(fc, fid)
        else:
            render_place_panel(doc, fc, fid)
        if doc["corrections"]:
            st.caption(f"{len(doc['corrections'])} correction(s) applied")
            if st.button("Undo all corrections"):
                doc["corrections"] = []
                st.rerun()

    c1, c2, _ = st.columns([1, 1, 6])
    # the files are made when a button is clicked (without a rerun), not on every run: nothing
    # for the browser to fetch while the page loads
    c1.download_button("GeoJSON", lambda: json.dumps(fc, ensure_ascii=False, indent=1),
                       file_name=f"{doc['id']}.geojson", mime="application/geo+json", on_click="ignore")
    c2.download_button("CSV", lambda: to_csv(fc), file_name=f"{doc['id']}.csv", mime="text/csv",
                       on_click="ignore")

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
        spans = [(m["start"], m["end"], str(f["properties"].get("name", "")))
                 for f in fc.get("features", []) if (f.get("properties") or {}).get("kind") == "place"
                 for m in f["properties"].get("mentions") or []
                 if isinstance(m.get("start"), int) and isinstance(m.get("end"), int)]
        article.html(f"<div class='geo-article' style='line-height:1.5'>"
                     f"{highlight_article(doc['text'], spans)}</div>")


def analyse_doc(doc: dict):
    """The analysis of a page document with its corrections (for the store)."""
    meta = DocumentMeta(id=doc["id"], title=doc["title"], date=doc["date"], timezone=doc.get("timezone", ""),
                        source=doc["source"])
    return pipeline().analyse(doc["text"], meta, corrections=doc["corrections"] or None)


def main() -> None:
    st.set_page_config(page_title="News event map", page_icon="🗺️", layout="wide")
    if collection.current_view() == collection.VIEW:      # ?view=collection: many reports (the store)
        collection.render_collection(STATIC_URL if st.get_option("server.enableStaticServing") else None)
        return
    init_state()
    ss = st.session_state

    seed = st.query_params.get("seed")
    if seed and ss.get("query_seed") != seed:
        ss["query_seed"] = seed
        if seed in session.seeds():
            on_seed(seed)
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
        st.error(f"No sample article named “{markdown_escape(ss['seed_error'])}”.")

    docs = ss["docs"]
    if not docs:
        st.title("News event map")
        st.info("Paste an article in the sidebar and press Ctrl+Enter or “Analyse”, upload articles, "
                "or open a sample article.")
        return
    ensure_analysed(docs, progress=ss.pop("pending", False))
    if len(docs) > 1:
        labels = [f"{i + 1}. {d['title'] or d['id']}" + (" (failed)" if d.get("error") else "")
                  for i, d in enumerate(docs)]
        ss["current"] = st.selectbox("Article", range(len(docs)), format_func=lambda i: labels[i],
                                     index=min(ss["current"], len(docs) - 1))
    doc = current_doc()
    if doc is not None and ss.get("shown_doc") != (ss["current"], doc["id"]):
        ss["shown_doc"] = (ss["current"], doc["id"])  # another article: forget the old selection
        ss["selected"], ss["click_sig"] = None, None
    if doc is not None:
        render_results(doc)        # analysed above, with every other article


main()
