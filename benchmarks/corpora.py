"""Loaders for the three annotated news corpora in ../shared/eval (LGL, TR-News, GeoWebNews).

Each loader returns plain `Article`s whose `toponyms` hold the gold spans as offsets into
`Article.text` exactly as the XML parser returns it (`text[start:end] == phrase` after
realignment). Nothing here knows about the system under test.

- LGL, TR-News: `<toponym>` with `<start>`, `<end>`, `<phrase>` and, usually, a `<gaztag geonameid=...>`
  holding `<lat>`, `<lon>`, `<fcode>`. Toponyms without coordinates count for recognition only.
- GeoWebNews: `<toponym>` with `<extractedName>`, `<type>`, `<start>`, `<end>` and, for most
  toponyms, `<geonamesID>`, `<latitude>`, `<longitude>`. The types in `EXCLUDED_GWN_TYPES` are not
  toponyms (the corpus' own evaluation leaves them out); they are kept apart in `Article.excluded`
  for error analysis only.

Offsets that do not match their phrase are realigned onto the nearest occurrence of the phrase
whose start lies within `window` characters (TR-News has about a hundred that drift by 1-10
characters, two with a wrong end). Annotations whose offsets fall outside the text (GeoWebNews
has a few that point into the title) are dropped. Both are counted in the optional `notes` list.
"""
from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EVAL_DIR = REPO_ROOT.parent / "shared" / "eval"
EVAL_DIR_ENV = "GEO_EVAL_DIR"
# Kept for callers that want the default location; use `eval_dir()` to honour GEO_EVAL_DIR.
SHARED_EVAL = DEFAULT_EVAL_DIR

CORPUS_FILES = {"lgl": "lgl.xml", "tr-news": "tr-news.xml", "geowebnews": "geowebnews.xml"}
ALIASES = {"trnews": "tr-news", "tr_news": "tr-news", "tr": "tr-news", "gwn": "geowebnews",
           "geo-web-news": "geowebnews"}
EXCLUDED_GWN_TYPES = frozenset({"Non_Toponym", "Literal_Expression", "Non_Lit_Expression"})
REALIGN_WINDOW = 10


class CorpusMissing(FileNotFoundError):
    """The evaluation corpora (or one corpus file) are not where they should be."""


@dataclass(frozen=True, slots=True)
class GoldToponym:
    start: int
    end: int
    phrase: str
    lat: float | None          # None: the annotators gave no coordinates (recognition only)
    lon: float | None
    type: str | None = None    # GeoWebNews type ("Literal", "Metonymic", ...); None for LGL/TR-News
    geonameid: int | None = None
    feature_code: str | None = None   # GeoNames feature code (LGL/TR-News gaztag), else None
    realigned: bool = False    # offsets were moved onto the phrase

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)

    @property
    def has_coords(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass(slots=True)
class Article:
    id: str
    text: str
    toponyms: list[GoldToponym]
    title: str = ""
    excluded: list[GoldToponym] = field(default_factory=list)   # GeoWebNews non-toponym annotations

    def gold_spans(self) -> list[tuple[int, int]]:
        return [t.span for t in self.toponyms]

    def resolvable(self) -> list[GoldToponym]:
        """The toponyms that count for resolution: those with gold coordinates."""
        return [t for t in self.toponyms if t.has_coords]


# ---------------------------------------------------------------------------------------------
# Where the corpora are

def eval_dir_path() -> Path:
    """The directory the corpora are expected in: $GEO_EVAL_DIR, else <repo>/../shared/eval."""
    env = os.environ.get(EVAL_DIR_ENV)
    return Path(env).expanduser() if env else DEFAULT_EVAL_DIR


def eval_dir_display() -> str:
    """How to name that directory in messages ("../shared/eval" for the default)."""
    env = os.environ.get(EVAL_DIR_ENV)
    return env if env else "../shared/eval"


def eval_dir() -> Path | None:
    """The corpora directory, or None when it is absent."""
    p = eval_dir_path()
    return p if p.is_dir() else None


def require_eval_dir() -> Path:
    p = eval_dir()
    if p is None:
        raise CorpusMissing(f"{eval_dir_display()} not found")
    return p


def canonical_name(name: str) -> str:
    key = name.strip().lower()
    key = ALIASES.get(key, key)
    if key not in CORPUS_FILES:
        raise ValueError(f"unknown corpus {name!r}; choose from {', '.join(CORPUS_FILES)}")
    return key


def corpus_path(name: str, directory: Path | str | None = None) -> Path:
    """Path of one corpus file; raises CorpusMissing when it (or the directory) is absent."""
    key = canonical_name(name)
    d = Path(directory) if directory is not None else require_eval_dir()
    p = d / CORPUS_FILES[key]
    if not p.is_file():
        raise CorpusMissing(f"{p} not found")
    return p


def available_corpora(directory: Path | str | None = None) -> list[str]:
    d = Path(directory) if directory is not None else eval_dir()
    if d is None or not d.is_dir():
        return []
    return [k for k, f in CORPUS_FILES.items() if (d / f).is_file()]


def load_corpus(name: str, directory: Path | str | None = None,
                notes: list[str] | None = None) -> list[Article]:
    key = canonical_name(name)
    path = corpus_path(key, directory)
    return LOADERS[key](path, notes=notes)


# ---------------------------------------------------------------------------------------------
# Parsing helpers

def _child_text(elem: ET.Element, tag: str) -> str | None:
    c = elem.find(tag)
    if c is None or c.text is None:
        return None
    s = c.text.strip()
    return s if s else None


def _float(s: str | None) -> float | None:
    if s is None:
        return None
    try:
        return float(s)
    except ValueError:
        return None


def _int(s: str | None) -> int | None:
    if s is None:
        return None
    try:
        return int(s)
    except ValueError:
        return None


def realign(text: str, start: int, end: int, phrase: str | None,
            window: int = REALIGN_WINDOW) -> tuple[int, int, bool] | None:
    """Return (start, end, moved) with text[start:end] == phrase where possible.

    Offsets already matching are kept. Otherwise the occurrence of `phrase` whose start is
    nearest to `start` (at most `window` characters away, the earlier one on a tie) is taken,
    which also mends a wrong end (start right, end short). When the phrase stands nowhere near,
    the offsets are kept if they lie inside the text; None when they do not (drop the annotation).
    """
    if phrase and text[start:end] == phrase and 0 <= start:
        return start, end, False
    if phrase:
        n = len(phrase)
        for d in range(0, window + 1):
            for s in ((start - d, start + d) if d else (start,)):
                if 0 <= s and s + n <= len(text) and text[s:s + n] == phrase:
                    return s, s + n, True
    if 0 <= start < end <= len(text):
        return start, end, False
    return None


def _articles(path: Path) -> list[ET.Element]:
    root = ET.parse(path).getroot()
    return root.findall("article")


def _note(notes: list[str] | None, corpus: str, realigned: int, unmatched: int, dropped: int) -> None:
    if notes is None:
        return
    if realigned:
        notes.append(f"{corpus}: {realigned} gold span(s) realigned onto their phrase")
    if unmatched:
        notes.append(f"{corpus}: {unmatched} gold span(s) do not match their phrase (kept as given)")
    if dropped:
        notes.append(f"{corpus}: {dropped} annotation(s) dropped (offsets outside the text)")


# ---------------------------------------------------------------------------------------------
# LGL and TR-News (same format)

def _load_gaztag_corpus(path: Path, corpus: str, notes: list[str] | None,
                        window: int = REALIGN_WINDOW) -> list[Article]:
    out: list[Article] = []
    realigned = unmatched = dropped = 0
    for a in _articles(path):
        text_el = a.find("text")
        text = (text_el.text or "") if text_el is not None else ""
        aid = a.get("docid") or a.get("id") or str(len(out))
        tops: list[GoldToponym] = []
        for t in a.iter("toponym"):
            start, end = _int(_child_text(t, "start")), _int(_child_text(t, "end"))
            phrase = _child_text(t, "phrase")
            if start is None or end is None:
                dropped += 1
                continue
            r = realign(text, start, end, phrase, window)
            if r is None:
                dropped += 1
                continue
            s, e, moved = r
            realigned += moved
            if phrase is not None and text[s:e] != phrase:
                unmatched += 1
            lat = lon = None
            gid = None
            fcode = None
            g = t.find("gaztag")
            if g is not None:
                lat, lon = _float(_child_text(g, "lat")), _float(_child_text(g, "lon"))
                gid = _int(g.get("geonameid"))
                fcode = _child_text(g, "fcode")
            if lat is None or lon is None:
                lat = lon = None
            tops.append(GoldToponym(s, e, phrase if phrase is not None else text[s:e], lat, lon,
                                    None, gid, fcode, moved))
        tops.sort(key=lambda x: (x.start, x.end))
        out.append(Article(str(aid), text, tops, title=_child_text(a, "title") or ""))
    _note(notes, corpus, realigned, unmatched, dropped)
    return out


def load_lgl(path: Path | str | None = None, notes: list[str] | None = None) -> list[Article]:
    return _load_gaztag_corpus(Path(path) if path else corpus_path("lgl"), "lgl", notes)


def load_trnews(path: Path | str | None = None, notes: list[str] | None = None,
                window: int = REALIGN_WINDOW) -> list[Article]:
    return _load_gaztag_corpus(Path(path) if path else corpus_path("tr-news"), "tr-news", notes, window)


# ---------------------------------------------------------------------------------------------
# GeoWebNews

def load_geowebnews(path: Path | str | None = None, notes: list[str] | None = None,
                    window: int = REALIGN_WINDOW) -> list[Article]:
    path = Path(path) if path else corpus_path("geowebnews")
    out: list[Article] = []
    realigned = unmatched = dropped = 0
    for a in _articles(path):
        text_el = a.find("text")
        text = (text_el.text or "") if text_el is not None else ""
        aid = a.get("file") or a.get("id") or a.get("docid") or str(len(out))
        tops: list[GoldToponym] = []
        excluded: list[GoldToponym] = []
        for t in a.iter("toponym"):
            # Offsets as child elements (this release) or as attributes (other releases).
            start = _int(_child_text(t, "start") or t.get("start"))
            end = _int(_child_text(t, "end") or t.get("end"))
            phrase = _child_text(t, "extractedName") or _child_text(t, "phrase")
            ttype = _child_text(t, "type") or t.get("type")
            counted = ttype not in EXCLUDED_GWN_TYPES
            if start is None or end is None:
                dropped += counted
                continue
            r = realign(text, start, end, phrase, window)
            if r is None:
                dropped += counted
                continue
            s, e, moved = r
            lat, lon = _float(_child_text(t, "latitude")), _float(_child_text(t, "longitude"))
            if lat is None or lon is None:
                lat = lon = None
            gt = GoldToponym(s, e, phrase if phrase is not None else text[s:e], lat, lon, ttype,
                             _int(_child_text(t, "geonamesID")), None, moved)
            if ttype in EXCLUDED_GWN_TYPES:
                excluded.append(gt)
                continue
            realigned += moved
            if phrase is not None and text[s:e] != phrase:
                unmatched += 1
            tops.append(gt)
        tops.sort(key=lambda x: (x.start, x.end))
        excluded.sort(key=lambda x: (x.start, x.end))
        out.append(Article(str(aid), text, tops, title=_child_text(a, "title") or "", excluded=excluded))
    _note(notes, "geowebnews", realigned, unmatched, dropped)
    return out


LOADERS = {"lgl": load_lgl, "tr-news": load_trnews, "geowebnews": load_geowebnews}


def summary(articles: list[Article]) -> dict:
    """Counts of the gold sets: articles, toponyms (recognition), with coordinates (resolution)."""
    return {
        "articles": len(articles),
        "recognition": sum(len(a.toponyms) for a in articles),
        "resolution": sum(len(a.resolvable()) for a in articles),
    }
