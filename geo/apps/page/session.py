"""What the page keeps about the articles a user opened, as plain dicts in its session: the
samples in seeds/, documents, the feature a selection points at, corrections."""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from geo.apps.page.mapview import display_name
from geo.io.reader import Article, normalise_date, read_file

SEEDS_DIR = Path(__file__).resolve().parents[3] / "seeds"


def seeds(folder: Path = SEEDS_DIR) -> dict[str, Path]:
    """Seed name (file name without extension) -> article path."""
    if not folder.is_dir():
        return {}
    return {p.stem: p for p in sorted(folder.glob("*.txt"))}


def seed_doc(name: str, folder: Path = SEEDS_DIR) -> dict:
    """A sample article with its sidecar's title, date, time zone and source."""
    return new_doc(read_file(seeds(folder)[name], article_id=name))


def headline(text: str) -> str:
    """A plain text's first line when it reads as a headline (short, a blank line after it), else ""."""
    first, sep, rest = text.lstrip().partition("\n")
    first = first.strip()
    if sep and rest.startswith(("\n", "\r\n")) and 0 < len(first) <= 150 and not first.endswith((".", ":", ",")):
        return first
    return ""


def new_doc(article: Article) -> dict:
    """A document as the page keeps it: the article, the user's corrections, its analysis. With no
    title of its own (an uploaded file's title is its name), its headline where it has one."""
    article_id = article.id or "article-" + hashlib.sha1(article.text.encode("utf-8", "replace")).hexdigest()[:10]
    title = article.title
    if not title or title == article.id:
        title = headline(article.text) or title
    return {"id": article_id, "text": article.text, "title": title, "date": article.date,
            "source": article.source, "timezone": article.timezone, "corrections": [], "fc": None,
            "fc_key": None, "error": None}


def fc_key(doc: dict) -> str:
    """What the analysis of a document depends on."""
    return hashlib.sha1(json.dumps([doc["text"], doc["title"], doc["date"], doc["source"], doc["corrections"]],
                                   sort_keys=True).encode()).hexdigest()


def anchor_of(feat: dict) -> tuple:
    """A handle on a feature that survives re-analysis: the first mention's offset, or role+time."""
    p = feat.get("properties") or {}
    if p.get("kind") == "place" and p.get("mentions"):
        return ("place", p["mentions"][0].get("start"))
    return (p.get("kind"), display_name(p), p.get("time"))


def find_anchor(fc: dict, anchor) -> int | None:
    if not anchor:
        return None
    for i, feat in enumerate(fc.get("features", [])):
        p = feat.get("properties") or {}
        if anchor[0] == "place" and p.get("kind") == "place":
            if any(m.get("start") == anchor[1] for m in p.get("mentions") or []):
                return i
        elif tuple(anchor) == anchor_of(feat):
            return i
    return None


def add_corrections(doc: dict, mentions: list[dict], **choice) -> tuple | None:
    """The user's choice for every mention of a place (replacing earlier ones for them); returns
    the anchor of the corrected place."""
    spans = {(m["start"], m["end"]) for m in mentions}
    kept = [c for c in doc["corrections"] if (c["start"], c["end"]) not in spans]
    doc["corrections"] = kept + [{"start": s, "end": e, **choice} for s, e in sorted(spans)]
    return ("place", mentions[0]["start"]) if mentions else None


def corrected_places(doc: dict) -> int:
    """How many places the user corrected (one correction covers every mention of a place)."""
    fc = doc.get("fc")
    if fc:
        return sum(1 for f in fc.get("features", []) if (f.get("properties") or {}).get("kind") == "place"
                   and f["properties"].get("corrected"))
    return len({json.dumps({k: v for k, v in c.items() if k not in ("start", "end")}, sort_keys=True)
                for c in doc["corrections"]})


# ---------------------------------------------------------------------------------------------
# The form


def date_error(value: str) -> str | None:
    """What is wrong with a typed article date ("" is fine: no date), None when it reads."""
    value = (value or "").strip()
    if not value or normalise_date(value):
        return None
    return ("expected a date as YYYY-MM-DD (for example 2019-10-02; a time may follow, "
            "2019-10-02T07:10), or nothing")


_WORDS = re.compile(r"\w+")


def same_article(a: str, b: str) -> bool:
    """Whether two texts are one article (edited, trimmed) rather than two: most of their words are
    shared. Used to keep a sample's title, date and source for an edit of it, not for a new text."""
    wa, wb = set(_WORDS.findall(a.lower())), set(_WORDS.findall(b.lower()))
    if not wa or not wb:
        return a.strip() == b.strip()
    return len(wa & wb) / len(wa | wb) >= 0.6


# the missile family's events, said for a reader; other families by their names
_FAMILY_WORDS = {"missiles": "missile launches, impacts and overflights"}


def event_kinds() -> tuple[str, str]:
    """The kinds of event the pipeline reads, (briefly, in full): from the event taxonomy where the
    project has one (geo.events.taxonomy; a long one is said by its groups), else from the
    registered families."""
    try:
        from geo.events.taxonomy import TYPES  # the taxonomy, when it exists
    except ImportError:
        from geo.events.registry import FAMILIES
        words = "; ".join(_FAMILY_WORDS.get(name, name) for name in FAMILIES)
        return words, words
    full = "; ".join(t.label[0].lower() + t.label[1:] for t in TYPES)
    if len(TYPES) <= 6:
        return full, full
    groups = list(dict.fromkeys(t.group for t in TYPES))
    return f"{len(TYPES)} kinds: {', '.join(groups)}", full


# ---------------------------------------------------------------------------------------------
# SEAM: the user's own gazetteer. A correction can also be remembered for future articles, in
# the file of `gazetteer.user.UserGazetteer` (add/list/remove; its path is
# Settings.user_gazetteer, from NEWSMAP_USER_GAZETTEER). Until that module and setting exist
# `user_store` finds none and the page offers no such option; once they do, nothing else here
# needs to change.


def user_store(settings) -> object | None:
    """The user's gazetteer (anything with ``add(name, lat, lon, feature_type, country_code,
    alt_names)``), or None when the project or its settings have none."""
    path = getattr(settings, "user_gazetteer", None)
    if not path:
        return None
    try:
        from gazetteer.user import UserGazetteer
    except ImportError:
        return None
    return UserGazetteer(path)


def remember(store, place: dict, target: dict) -> str:
    """Save where the user put a place in their gazetteer, so that future articles resolve it
    there: `target` (the chosen candidate, or the place with typed lat/lon) under its name, the
    article's own forms of the place as other names. Returns what was saved, for the page."""
    name = str(target.get("name") or place.get("name") or "")
    forms = sorted({str(m.get("text")) for m in place.get("mentions") or []
                    if m.get("text") and m.get("kind") != "demonym" and m.get("text") != name})
    lat, lon = float(target["lat"]), float(target["lon"])
    store.add(name, lat, lon, target.get("feature_type") or "city", target.get("country_code") or "",
              alt_names=forms)
    return f"{name} at {lat:.5f}, {lon:.5f}"
