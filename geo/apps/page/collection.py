"""The collection view (`?view=collection`): every event and place of the store on one map, with
a time range, filters, a timeline, the sentences behind a clicked marker, a table, exports, and its
whole state in the URL. The single-article page calls `render_view_switch` in its sidebar and, when
it says so, `render_collection` instead of itself."""
from __future__ import annotations

import io

import numpy as np
import streamlit as st

from geo.apps.page import collection_map as cmap
from geo.apps.page import collection_panels as panels
from geo.apps.page.escape import error_html, sanitize_text as esc
from geo.apps.page.viewstate import VIEW, ViewState, from_query, to_query
from geo.apps.storecmd import StoreConfig
from geo.events.taxonomy import BY_NAME, event_type
from geo.store import StoreError, open_store
from geo.store import export as store_export
from geo.store.query import PLACE, Filter, build_snapshot, select
from geo.store.records import day_iso, day_number

MAP_HEIGHT = 620
# where the page's document finds the project's static/ folder when Streamlit serves it
# (server.enableStaticServing): the map is drawn in that document, not in a component's frame
STATIC_URL = "app/static/"
SWITCH = {"article": "One article", VIEW: "Many reports (the store)"}
# the map gets the width: narrower margins than Streamlit's wide layout in this view
_LAYOUT_CSS = ".block-container, [data-testid='stMainBlockContainer'] {padding: 2.5rem 1.5rem 2rem 1.5rem;}"


# ---------------------------------------------------------------------------------------------
# The store, its snapshot (cached per revision, for every session of this server)

@st.cache_resource(show_spinner=False)
def store_at(location: str):
    return open_store(location)


@st.cache_resource(max_entries=2, show_spinner="Reading the store…")
def snapshot_at(location: str, revision: int):
    return build_snapshot(store_at(location))


@st.cache_resource(max_entries=2, show_spinner=False)
def options_at(location: str, revision: int) -> dict:
    return filter_options(snapshot_at(location, revision))


@st.cache_data(max_entries=64, show_spinner=False)
def search_at(location: str, revision: int, text: str) -> tuple[list, list]:
    return store_at(location).search(text)


def store_location() -> str:
    return StoreConfig.from_env().location


# ---------------------------------------------------------------------------------------------
# The switch between the views

def current_view() -> str:
    return VIEW if st.query_params.get("view") == VIEW else "article"


def _on_switch() -> None:
    if st.session_state.get("view_switch") == VIEW:
        st.query_params["view"] = VIEW
    else:
        st.query_params.clear()


def render_view_switch() -> str:
    """The sidebar's switch between one article and the collection; returns the view chosen."""
    view = current_view()
    st.session_state["view_switch"] = view
    st.radio("View", list(SWITCH), format_func=SWITCH.get, key="view_switch", on_change=_on_switch,
             horizontal=True)
    return view


def render_add_to_store(doc: dict | None, analyse) -> None:
    """A button that keeps the article shown (with its corrections) in the store.
    `analyse(doc) -> Analysis` re-analyses it with the corrections."""
    if not doc or doc.get("error") or doc.get("fc") is None:
        return
    if st.button("Add this article to the store", help=f"Keep it in {store_location()} for the collection view"):
        from geo.store import from_analysis
        try:
            res = store_at(store_location()).add([from_analysis(analyse(doc), doc["text"], doc["corrections"])])
        except StoreError as e:
            st.html(error_html(str(e)))
            return
        st.success("Added to the store." if res["added"] else "Updated in the store.")


# ---------------------------------------------------------------------------------------------
# State: from the URL once per session, then the widgets'

def _init_state(opts: dict) -> None:
    """The widgets' values from the URL, at the session's first run of the view."""
    ss = st.session_state
    if ss.get("c_init"):
        return
    ss["c_init"] = True
    state = from_query(st.query_params)
    f = state.filter
    lo, hi = opts["days"]
    if lo is not None:
        a = min(max(day_number(f.start), lo), hi) if f.start else lo
        b = max(min(day_number(f.end), hi), lo) if f.end else hi
        ss["c_range"] = (_date(a), _date(max(a, b)))
    ss["c_kinds"] = [k for k in f.kinds if k in opts["kinds"]]
    ss["c_areas"] = [a for a in f.areas if a in opts["areas"]]
    ss["c_sources"] = [s for s in f.sources if s in opts["sources"]]
    ss["c_actors"] = [a for a in f.actors if a in opts["actors"]]
    ss["c_conf"] = float(f.min_confidence)
    ss["c_q"] = f.text
    ss["c_sel"] = state.selected
    if state.zoom is not None:
        ss["c_goto"] = (state.lat, state.lon, state.zoom)


def _date(day: int):
    import datetime as dt
    return dt.date.fromisoformat(day_iso(day))


def kind_label(kind: str) -> str:
    """What the page calls a kind: "Places", the timeline's "Articles" (when no event is shown),
    or the taxonomy's label of an event type."""
    fixed = {PLACE: "Places", "articles": "Articles"}
    return fixed.get(kind) or (event_type(kind).label if kind in BY_NAME else kind)


def filter_options(snap) -> dict:
    ev = snap.ev
    names = {str(cc): str(n) for cc, n, t in zip(snap.pl_cc, snap.pl_name, snap.pl_ftype) if t == "country" and cc}
    zones = sorted({t for z in set(ev["zones"]) for t in str(z).split()})
    countries = sorted({str(c) for c in snap.pl_cc if c} | {t.split(":")[1] for t in zones})
    days = np.concatenate([snap.art_day, ev["day"]])
    days = days[days != -(1 << 30)]
    return {"kinds": [PLACE] + sorted({str(t) for t in ev["type"]}),
            "areas": countries + zones, "names": names,
            "sources": [s for s in snap.sources if s], "actors": sorted({str(a) for a in ev["actor"] if a}),
            "days": (int(days.min()), int(days.max())) if len(days) else (None, None)}


def area_label(token: str, names: dict) -> str:
    if ":" not in token:
        return f"{names.get(token, token)} ({token})"
    kind, cc = token.split(":", 1)
    what = {"EEZ": "EEZ", "territorial_sea": "territorial sea", "land": "land"}.get(kind, kind)
    return f"inside {names.get(cc, cc)}'s {what}"


def filter_from_state(opts: dict) -> Filter:
    """The Filter the sidebar's widgets hold (their values are in the session before the script
    runs, so the map can be drawn before them: the browser shows the map sooner)."""
    ss = st.session_state
    for key, opt in (("c_kinds", "kinds"), ("c_areas", "areas"), ("c_sources", "sources"), ("c_actors", "actors")):
        ss[key] = [v for v in ss.get(key) or [] if v in opts[opt]]   # the store may have changed
    ss.setdefault("c_conf", 0.0)
    ss.setdefault("c_q", "")
    lo, hi = opts["days"]
    start = end = ""
    if lo is not None and hi > lo:
        ss.setdefault("c_range", (_date(lo), _date(hi)))
        a, b = ss["c_range"]
        start = a.isoformat() if day_number(a.isoformat()) > lo else ""
        end = b.isoformat() if day_number(b.isoformat()) < hi else ""
    return Filter(start=start, end=end, kinds=tuple(ss["c_kinds"]), areas=tuple(ss["c_areas"]),
                  sources=tuple(ss["c_sources"]), actors=tuple(ss["c_actors"]), min_confidence=float(ss["c_conf"]),
                  text=str(ss["c_q"]).strip())


def render_filters(opts: dict) -> None:
    """The sidebar's filters (their values: `filter_from_state`)."""
    lo, hi = opts["days"]
    if lo is not None and hi > lo:
        st.slider("Time range", min_value=_date(lo), max_value=_date(hi), key="c_range", format="YYYY-MM-DD")
    elif lo is not None:
        st.caption(f"Every dated report is of {day_iso(lo)}.")
    st.multiselect("Show", opts["kinds"], key="c_kinds", placeholder="places and every event type",
                   format_func=kind_label)
    st.multiselect("Country or zone", opts["areas"], key="c_areas", placeholder="anywhere",
                   format_func=lambda t: area_label(t, opts["names"]))
    if opts["sources"]:
        st.multiselect("Source", opts["sources"], key="c_sources", placeholder="every source")
    if opts["actors"]:
        st.multiselect("Actor", opts["actors"], key="c_actors", placeholder="anyone")
    st.slider("Confidence at least", 0.0, 1.0, step=0.05, key="c_conf")
    st.text_input("Words in the sentences", key="c_q", placeholder="e.g. ballistic")


# ---------------------------------------------------------------------------------------------
# The map and what it reports back

def _on_map() -> None:
    """The view the browser reports after each move or zoom: {lat, lng, zoom, bounds: [w, s, e, n]}."""
    ss = st.session_state
    v = (ss.get("c_map") or {}).get("view") or {}
    try:
        lat, lng, zoom = float(v["lat"]), float(v["lng"]), int(v["zoom"])
        box = tuple(float(x) for x in v["bounds"])
    except (KeyError, TypeError, ValueError):
        return
    if len(box) == 4:
        ss["c_view"] = (lat, (lng + 180) % 360 - 180, zoom, box)


def _on_click() -> None:
    """A click on a marker ({ref}): a cluster's zooms in, anything else's is selected."""
    ss = st.session_state
    ref = str(((ss.get("c_map") or {}).get("click") or {}).get("ref") or "")
    if ref.startswith("c:"):
        try:
            lat, lon = (float(x) for x in ref.rsplit(":", 1)[1].split(","))
        except ValueError:
            return
        _go(lat, lon, min(18, int(ss.get("c_view", (0, 0, 2))[2]) + 2))
    elif ref:
        ss["c_sel"] = ref


def _go(lat: float, lon: float, zoom: int) -> None:
    """The map to (lat, lon, zoom); it moves only when asked somewhere new, so asked again where it
    was asked last, it is asked a hair away."""
    goto = (round(lat, 4), round(lon, 4), zoom)
    if goto == st.session_state.get("c_goto"):
        goto = (goto[0] + 0.0001, goto[1], zoom)
    st.session_state["c_goto"] = goto


def render_map(snap, sel, static_url: str | None) -> tuple[float, float, int]:
    """The map with the markers of the current view; returns that view (lat, lon, zoom)."""
    ss = st.session_state
    if "c_goto" not in ss:
        _fit(snap, sel)
    goto = ss["c_goto"]
    view = ss.get("c_view")
    if view is None or ss.get("c_view_goto") != goto:
        # the browser has not said where the map is since it was asked to go to `goto`
        view = (goto[0], goto[1], goto[2], cmap.view_box(goto[0], goto[1], goto[2]))
    feats, counts = cmap.marker_features(snap, sel, view[2], view[3])
    cmap.show_map(feats, goto, static_url, key="c_map", height=MAP_HEIGHT, on_view=_on_map, on_click=_on_click)
    ss["c_view_goto"] = goto
    n_clusters = counts["event_clusters"] + counts["place_clusters"]
    left, right = st.columns([4, 1])
    left.caption(f"Markers: {counts['events']} events, {counts['places']} places, {n_clusters} "
                 f"cluster{'' if n_clusters == 1 else 's'} (a click on a cluster zooms in)")
    right.button("Fit map", on_click=_fit, args=(snap, sel), help="Centre the map on what is shown (its events, "
                 "when there are any)")
    return view[0], view[1], view[2]


def _fit(snap, sel) -> None:
    """The map to what is shown: its events when there are any (a missile report names Washington
    too, but happened around Korea), else its places."""
    if len(sel.events):
        lons, lats = snap.ev["lon"][sel.events], snap.ev["lat"][sel.events]
    else:
        lons, lats = snap.pl_lon[sel.places], snap.pl_lat[sel.places]
    _go(*cmap.fit_view(lons, lats))


# ---------------------------------------------------------------------------------------------
# Beside and below the map

def render_timeline(snap, sel) -> None:
    df, what = panels.timeline_frame(snap, sel)
    if df.empty:
        st.caption("No dated report in the selection.")
        return
    step, unit = what.split(":")
    import altair as alt            # here: the single-article page never needs it (0.2 s of a cold start)
    df = df.assign(kind=[kind_label(t) for t in df["type"]])
    scale = _colours(df["type"])
    chart = alt.Chart(df).mark_bar().encode(
        x=alt.X("date:T", title=None, axis=alt.Axis(format="%Y-%m-%d", labelAngle=0, tickCount=4)),
        y=alt.Y("count:Q", title=f"{unit} per {step}"),
        # no legend in the chart: the taxonomy's labels are long and many; the one below wraps
        color=alt.Color("kind:N", title=None, legend=None, scale=scale),
        tooltip=[alt.Tooltip("date:T", format="%Y-%m-%d"), alt.Tooltip("kind:N", title="type"), "count:Q"],
    ).properties(height=170)
    st.altair_chart(chart, width="stretch")
    st.html("<div style='font-size:.8rem;line-height:1.6;color:#444'>" + " ".join(
        f"<span style='white-space:nowrap;margin-right:.6rem'><span style='display:inline-block;width:.7rem;"
        f"height:.7rem;background:{colour};border-radius:2px;margin-right:.25rem'></span>{esc(label)}</span>"
        for label, colour in zip(scale.domain, scale.range)) + "</div>")


def _colours(types) -> "alt.Scale":
    """The markers' colours for the event types (by their labels, as the legend shows them);
    others from a palette."""
    spare = iter(["#2c3e50", "#16a085", "#7f8c8d", "#f39c12", "#27ae60", "#2980b9", "#e84393", "#6c5ce7"] * 8)
    import altair as alt
    types = sorted(set(types))
    return alt.Scale(domain=[kind_label(t) for t in types],
                     range=[event_type(t).colour if t in BY_NAME else "#1f6fb2" if t == "articles" else next(spare)
                            for t in types])


def render_panel(store, snap, sel) -> None:
    ref = st.session_state.get("c_sel") or ""
    if ref.startswith("e:") and ref[2:].isdigit():
        k = np.flatnonzero(snap.ev["id"] == int(ref[2:]))
        if len(k):
            same = panels.same_event(snap, sel, int(k[0]))
            ids = [int(snap.ev["id"][int(k[0])])] + [int(snap.ev["id"][i]) for i in same if i != k[0]]
            feats = store.features(ids[:panels.MAX_ARTICLES])
            if feats:
                st.html(panels.event_panel_html(feats[0], feats))
                return
    elif ref.startswith("p:"):
        k = np.flatnonzero(snap.pl_key == ref[2:])
        if len(k):
            _render_place(store, snap, sel, int(k[0]))
            return
    st.info("Click a marker to read the sentences of every report behind it; click a cluster to zoom in.")


def _render_place(store, snap, sel, k: int) -> None:
    pid = int(snap.pl_id[k])
    shown = snap.art_id[sel.articles]
    arts = np.intersect1d(np.array(store.place_articles(pid), dtype=np.int64), shown)
    order = np.argsort(-snap.art_day[np.searchsorted(snap.art_id, arts)], kind="stable")
    newest = arts[order][:panels.MAX_ARTICLES]
    reports = store.place_mentions(pid, newest)
    props = {"feature_type": snap.pl_ftype[k], "country_code": snap.pl_cc[k], "lat": snap.pl_lat[k],
             "lon": snap.pl_lon[k]}
    st.html(panels.place_panel_html(str(snap.pl_name[k]), props, reports, len(arts)))


def render_below(store, snap, sel) -> None:
    c1, c2, _ = st.columns([1, 1, 3])
    part = lambda: store_export.part_of(snap, sel)     # noqa: E731 - made when a button is clicked

    def geojson() -> str:
        buf = io.StringIO()
        store_export.write_geojson(store, buf, part())
        return buf.getvalue()

    def csv() -> str:
        buf = io.StringIO()
        store_export.write_csv(store, buf, part())
        return buf.getvalue()

    c1.download_button("Export GeoJSON", geojson, file_name="collection.geojson",
                       mime="application/geo+json", on_click="ignore", help="what is shown: places and events")
    c2.download_button("Export CSV", csv, file_name="collection.csv", mime="text/csv", on_click="ignore",
                       help="what is shown, one row per mention of a place")
    n = len(sel.events) + len(sel.places)
    table = st.expander(f"What is shown ({n:,}): a sortable table", key="c_table_open", on_change="rerun")
    if table.open:
        with table:
            st.dataframe(panels.table_frame(snap, sel), hide_index=True, key="c_table")


# ---------------------------------------------------------------------------------------------
# The view

def _sync_url(flt: Filter, view: tuple) -> None:
    """The view's state in the URL (written only when it changed: no rerun, no history entry)."""
    state = ViewState(flt, selected=st.session_state.get("c_sel") or "").with_view(*view[:3])
    want = to_query(state)
    have = {k: st.query_params.get_all(k) for k in st.query_params}
    norm = {k: v if isinstance(v, list) else [v] for k, v in want.items()}
    if have != norm:
        st.query_params.from_dict(want)


def render_collection(static_url: str | None = None) -> None:
    location = store_location()
    try:
        store = store_at(location)
        snap = snapshot_at(location, store.revision())
    except StoreError as e:
        st.html(error_html(str(e)))
        return
    opts = options_at(location, snap.revision)
    _init_state(opts)
    st.html(f"<style>{_LAYOUT_CSS}</style>")
    flt = filter_from_state(opts)
    search = (lambda q: search_at(location, snap.revision, q)) if flt.text else None
    sel = select(snap, flt, search)
    st.html(f"<h2 style='margin:0'>Many reports: {len(sel.articles):,} of {len(snap.art_id):,} articles</h2>"
            f"<div style='color:#666'>{len(sel.events):,} events and {len(sel.places):,} places shown · store "
            f"{esc(location)}</div>")
    if not len(snap.art_id):
        st.info("The store is empty: add articles with `python -m geo batch … --store`, `python -m geo store add`, "
                "or the “Add this article to the store” button of the single-article view.")
    col_map, col_side = st.columns([7, 3], gap="medium")     # the map gets the width
    with col_map:
        view = render_map(snap, sel, static_url)
    with col_side:
        render_timeline(snap, sel)
        render_panel(store, snap, sel)
    render_below(store, snap, sel)
    _sync_url(flt, view)
    # the sidebar last: the map's code and data reach the browser first
    with st.sidebar:
        st.header("News event map")
        render_view_switch()
        st.subheader("Filters")
        render_filters(opts)
