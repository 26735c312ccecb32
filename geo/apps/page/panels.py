"""The HTML beside the map: what a clicked place or event says, every article string escaped."""
from __future__ import annotations

from geo.apps.page.escape import highlight_mention, sanitize_text as esc
from geo.apps.page.mapview import article_form, display_name


def place_summary_html(props: dict, lat: float, lon: float) -> str:
    """The article's name for the place first, the gazetteer's beside it, then what it is."""
    conf = props.get("confidence")
    form, name = article_form(props), str(props.get("name") or "")
    head = esc(form or name)
    if form and form.casefold() != name.casefold():
        head += f" <span class='geo-gazetteer-name' style='font-weight:normal;color:#666'>({esc(name)})</span>"
    if props.get("corrected"):
        head += " <span style='font-size:.7em;background:#fef5e7;color:#9a5b00;padding:1px 6px;border-radius:8px'>corrected</span>"
    return (f"<h3 style='margin:0'>{head}</h3>"
            f"<div><b>Coordinates:</b> {lat:.5f}, {lon:.5f}<br>"
            f"<b>Type:</b> {esc(props.get('feature_type'))} &nbsp; "
            f"<b>Country:</b> {esc(props.get('country_code') or '—')}"
            f"<br><b>Confidence:</b> {esc(f'{conf:.2f}' if isinstance(conf, (int, float)) else '—')}"
            f" &nbsp; <b>GeoNames id:</b> {esc(props.get('geonameid') or '—')}<br>"
            f"<b>Why:</b> {esc(props.get('reason') or '—')}</div>")


def mentions_html(mentions: list[dict], article: str) -> str:
    return "".join(f"<p class='geo-sentence' style='margin:.3em 0'>{highlight_mention(m, article)}</p>"
                   for m in mentions)


def claim_summary(c: dict) -> str:
    kind = str(c.get("kind") or "claim")
    if "inside" in c and c.get("sovereign"):
        return f"{'inside' if c['inside'] else 'outside'} the {kind} of {c['sovereign']}"
    if c.get("anchor"):
        return f"{kind.replace('_', ' ')} {c['anchor']}"
    return kind.replace("_", " ")


def _counts_text(counts: dict) -> str:
    words = {"killed": "killed", "injured": "injured", "arrested": "arrested", "abducted": "abducted",
             "missing": "missing", "displaced": "displaced", "evacuated": "evacuated", "objects": "objects",
             "participants": "taking part"}
    return ", ".join(f"{n} {words.get(k, k)}" for k, n in counts.items() if isinstance(n, int))


def _event_head(p: dict, lat: float, lon: float) -> str:
    when = p.get("time") or "not stated"
    if p.get("time_text"):
        when = f"{when} (“{p['time_text']}”)"
    unc = p.get("uncertainty_km")
    counts = _counts_text(p.get("counts") or {})
    conf = p.get("confidence")
    return (f"<h3 style='margin:0'>{esc(display_name(p))}</h3>"
            f"<div><b>Type:</b> {esc(p.get('type_label') or p.get('role') or 'event')}"
            + (f" &nbsp; <b>Actor:</b> {esc(p['actor'])}" if p.get("actor") else "")
            + (f"<br><b>Counts:</b> {esc(counts)}" if counts else "")
            + f"<br><b>Time:</b> {esc(when)}<br><b>Coordinates:</b> {lat:.5f}, {lon:.5f}"
            + (f" &nbsp; <b>Uncertainty:</b> ±{esc(f'{unc:,.0f}' if isinstance(unc, (int, float)) else unc)} km"
               if unc else "")
            + (f" &nbsp; <b>Confidence:</b> {esc(f'{conf:.2f}')}" if isinstance(conf, (int, float)) else "")
            + (f"<br><b>Position:</b> {esc(p['position'])}" if p.get("position") else "")
            + "</div>")


def _locations_html(p: dict) -> str:
    items = []
    for x in p.get("locations") or []:
        how = {"place": f"the gazetteer's {x.get('place') or ''}",
               "unknown": f"not in the gazetteer; placed by {x.get('container') or '—'}",
               "unplaced": "not in the gazetteer; nothing in the text contains it"}.get(x.get("kind"), "")
        items.append(f"<li>“{esc(x.get('text'))}”: {esc(how)}</li>")
    return "<b>Where the text says it happened</b><ul>" + "".join(items) + "</ul>" if items else ""


def event_html(p: dict, lat: float, lon: float) -> str:
    parts = [_event_head(p, lat, lon)]
    if p.get("conflict"):
        parts.append("<div style='background:#fdecea;border-left:4px solid #c0392b;padding:.4em .6em;margin:.4em 0'>"
                     f"<b>Conflict:</b> {esc(p['conflict'])}</div>")
    parts.append(_locations_html(p))
    if p.get("zones"):
        parts.append("<b>Zones</b><ul>" + "".join(
            f"<li>{esc(z.get('name') or z.get('kind'))} ({esc(z.get('kind'))}, {esc(z.get('sovereign') or '—')}): "
            f"{'inside' if z.get('inside') else 'outside'}{' — disputed' if z.get('disputed') else ''}</li>"
            for z in p["zones"]) + "</ul>")
    if p.get("claims"):
        parts.append("<b>Claims in the text</b><ul>" + "".join(
            f"<li>{esc(c.get('by') or 'unattributed')}: {esc(claim_summary(c))} — “{esc(c.get('text'))}”</li>"
            for c in p["claims"]) + "</ul>")
    if p.get("sentences"):
        parts.append("<b>Sentences</b>" + "".join(
            f"<p class='geo-sentence' style='margin:.3em 0'>{esc(s)}</p>" for s in p["sentences"]))
    return "".join(parts)


def alternatives_html(alts: list[dict]) -> str:
    """The other candidates the resolver weighed, as a compact list (fits a narrow panel)."""
    items = "".join(
        f"<li>{esc(a.get('name'))} <span style='color:#666'>({esc(a.get('feature_type'))}, "
        f"{esc(a.get('country_code') or '—')}; {float(a.get('lat') or 0):.3f}, {float(a.get('lon') or 0):.3f}"
        + (f"; score {a['score']:.2f}" if isinstance(a.get('score'), (int, float)) else "") + ")</span></li>"
        for a in alts)
    return f"<ul class='geo-alternatives' style='margin:.2em 0 .4em 1.1em;padding:0'>{items}</ul>"
