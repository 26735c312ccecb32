"""What the collection view shows beside and below its map: the selected place's or event's
sentences from every article that supports it (each with its article's title, date and link; all
article text escaped), the timeline of events per day or week by type, and the table of what is
shown."""
from __future__ import annotations

import numpy as np
import pandas as pd

from geo.apps.page.escape import highlight_mention, safe_link, sanitize_text as esc
from geo.apps.page.panels import event_html
from geo.spatial.measure import distances_km
from geo.store.records import NO_DAY, day_iso

MAX_ARTICLES = 40            # articles listed in a panel (newest first)
SAME_EVENT_DAYS = 2          # reports of one event: same type, days apart at most (a report may come out later) ...
SAME_EVENT_KM = 100.0        # ... and this far apart, or within their combined uncertainty


def article_head(title, date, url, source, article_id) -> str:
    name = title or article_id
    link = safe_link(url, name) if url else esc(name)
    bits = [b for b in (esc(date or "undated"), esc(source) if source else "") if b]
    return (f"<div class='geo-report' style='margin-top:.6em'><b>{link}</b>"
            f"<span style='color:#666'> · {' · '.join(bits)}</span></div>")


def place_panel_html(name: str, props: dict, reports: list[dict], total: int) -> str:
    """A place, and each article that names it with the sentences that do, the name marked."""
    head = (f"<h3 style='margin:0'>{esc(name)}</h3><div><b>Type:</b> {esc(props.get('feature_type') or '—')}"
            f" &nbsp; <b>Country:</b> {esc(props.get('country_code') or '—')}"
            f" &nbsp; <b>Coordinates:</b> {props.get('lat', 0):.4f}, {props.get('lon', 0):.4f}<br>"
            f"<b>Named in {total} article{'s' if total != 1 else ''}</b>"
            + (f" (the {len(reports)} newest below)" if total > len(reports) else "") + "</div>")
    parts = [head]
    for r in reports:
        parts.append(article_head(r["title"], r["date"], r["url"], r["source"], r["article_id"]))
        seen = set()
        for m in r["mentions"]:
            if m.get("sentence") in seen:
                continue
            seen.add(m.get("sentence"))
            parts.append(f"<p class='geo-sentence' style='margin:.2em 0 .2em .8em'>{highlight_mention(m)}</p>")
    return "".join(parts)


def same_event(snap, sel, k: int) -> np.ndarray:
    """Indices of the shown events that report the same event as event `k` (itself included):
    the same type, at most a day apart, close enough (geodesic distance)."""
    ev = snap.ev
    cand = sel.events[(ev["type"][sel.events] == ev["type"][k])]
    day = ev["day"][k]
    if day != NO_DAY:
        cand = cand[np.abs(ev["day"][cand] - day) <= SAME_EVENT_DAYS]
    if not len(cand):
        return np.array([k])
    dist = distances_km(float(ev["lon"][k]), float(ev["lat"][k]), ev["lon"][cand], ev["lat"][cand])
    unc = np.nan_to_num(ev["unc"][cand], nan=0.0) + (0.0 if np.isnan(ev["unc"][k]) else float(ev["unc"][k]))
    close = cand[dist <= np.maximum(SAME_EVENT_KM, unc)]
    return close if k in close else np.r_[k, close]


def event_panel_html(feature: dict, reports: list[dict]) -> str:
    """The event (as the single-article page shows it) and every article that reports it, with the
    sentences that do."""
    lon, lat = feature["geometry"]["coordinates"][:2]
    parts = [event_html(feature["properties"], lat, lon),
             f"<div style='margin-top:.6em'><b>Reported in {len(reports)} article"
             f"{'s' if len(reports) != 1 else ''}</b></div>"]
    for f in reports:
        p = f["properties"]
        prov = p.get("provenance") or {}
        parts.append(article_head(prov.get("title"), prov.get("date"), prov.get("url"), prov.get("source"),
                                  prov.get("article_id") or p.get("article_id")))
        parts.extend(f"<p class='geo-sentence' style='margin:.2em 0 .2em .8em'>{esc(s)}</p>"
                     for s in p.get("sentences") or [])
    return "".join(parts)


def timeline_frame(snap, sel) -> tuple[pd.DataFrame, str]:
    """Counts per day (or week, over long spans) and type of the shown events; articles per
    bucket when no event is shown."""
    ev = snap.ev
    days = ev["day"][sel.events]
    types = ev["type"][sel.events]
    keep = days != NO_DAY
    days, types = days[keep], types[keep]
    what = "events"
    if not len(days):
        days = snap.art_day[sel.articles]
        days = days[days != NO_DAY]
        types = np.full(len(days), "articles", dtype=object)
        what = "articles"
    if not len(days):
        return pd.DataFrame(columns=["date", "type", "count"]), what
    step = 7 if days.max() - days.min() > 120 else 1
    bucket = days - ((days + 3) % 7 if step == 7 else 0)          # weeks start on Monday
    names, codes = np.unique(types.astype(str), return_inverse=True)
    keys, counts = np.unique(bucket.astype(np.int64) * len(names) + codes, return_counts=True)
    df = pd.DataFrame({"date": pd.to_datetime(keys // len(names), unit="D"), "type": names[keys % len(names)],
                       "count": counts})
    return df, ("week" if step == 7 else "day") + ":" + what


def table_frame(snap, sel, limit: int = 5000) -> pd.DataFrame:
    """What is shown, one row per event and per place (the first `limit` of each)."""
    ev = snap.ev
    e = sel.events[:limit]
    events = pd.DataFrame({
        "kind": "event", "type": ev["type"][e], "name": ev["label"][e], "actor": ev["actor"][e],
        "date": [day_iso(int(d)) for d in ev["day"][e]], "lat": np.round(ev["lat"][e], 4),
        "lon": np.round(ev["lon"][e], 4), "confidence": ev["conf"][e], "uncertainty_km": ev["unc"][e],
        "articles": 1, "country": "", "zones": ev["zones"][e]})
    p = sel.places[:limit]
    places = pd.DataFrame({
        "kind": "place", "type": snap.pl_ftype[p], "name": snap.pl_name[p], "actor": "", "date": "",
        "lat": np.round(snap.pl_lat[p], 4), "lon": np.round(snap.pl_lon[p], 4),
        "confidence": sel.place_conf[:limit].astype(float), "uncertainty_km": np.nan,
        "articles": sel.place_articles[:limit], "country": snap.pl_cc[p], "zones": ""})
    places = places.sort_values("articles", ascending=False)
    return pd.concat([events, places], ignore_index=True)
