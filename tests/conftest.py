"""Shared by the tests: the project's paths, and the pipeline with the bundled data and default
(offline) settings, built once for the whole run."""
from pathlib import Path

from geo.model import DocumentMeta
from geo.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "north-korea-missiles-2019-10-02.txt"


def pipeline() -> Pipeline:
    return Pipeline.shared()


def analyse(text: str, *, title: str = "", date: str = "", timezone: str = "", article_id: str = "",
            source: str = "", url: str = "", **kw):
    """The analysis of `text` by the default pipeline, with the article's metadata."""
    meta = DocumentMeta(id=article_id, title=title, date=date, timezone=timezone, source=source, url=url)
    return pipeline().analyse(text, meta, **kw)


def find_mentions(text: str, sentences=None):
    return pipeline().recognizer.find(text, sentences)
