"""Shared by the tests: the project's paths, and the pipeline with the bundled data and default
(offline) settings, built once for the whole run."""
import os
from pathlib import Path

import pytest

from geo.model import DocumentMeta
from geo.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "north-korea-missiles-2019-10-02.txt"
CHROMIUM = os.environ.get("NEWSMAP_CHROMIUM", "/usr/bin/chromium")   # .ci/run says how to set it
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium under Playwright, one per test module (the browser tests never skip)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) "
                    "to run the browser tests", pytrace=False)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def pipeline() -> Pipeline:
    return Pipeline.shared()


def analyse(text: str, *, title: str = "", date: str = "", timezone: str = "", article_id: str = "",
            source: str = "", url: str = "", **kw):
    """The analysis of `text` by the default pipeline, with the article's metadata."""
    meta = DocumentMeta(id=article_id, title=title, date=date, timezone=timezone, source=source, url=url)
    return pipeline().analyse(text, meta, **kw)


def find_mentions(text: str, sentences=None):
    return pipeline().recognizer.find(text, sentences)
