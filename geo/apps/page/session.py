"""What the page keeps about the articles a user opened, as plain dicts in its session: the
samples in seeds/, documents, the feature a selection points at, corrections."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from geo.apps.page.mapview import display_name
from geo.io.reader import Article, read_file

SEEDS_DIR = Path(__file__).resolve().parents[3] / "seeds"


def seeds(folder: Path = SEEDS_DIR) -> dict[str, Path]:
    """Seed name (file name without extension) -> article path."""
    if not folder.is_dir():
        return {}
    return {p.stem: p for p in sorted(folder.glob("*.txt"))}


def seed_doc(name: str, folder: Path = SEEDS_DIR) -> dict:
    """A sample article with its sidecar's title, date, time zone and source."""
    return new_doc(read_file(seeds(folder)[name], article_id=name))


def new_doc(article: Article) -> dict:
    """A document as the page keeps it: the article, the user's corrections, its analysis."""
    article_id = article.id or "article-" + hashlib.sha1(article.text.encode("utf-8", "replace")).hexdigest()[:10]
    return {"id": article_id, "text": article.text, "title": article.title, "date": article.date,
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
