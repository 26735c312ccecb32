"""Untrusted article text made safe for the page: HTML, JavaScript template literals, Markdown.

Every string from an article that reaches HTML or JavaScript goes through `sanitize_text`
(HTML-escaped, and backticks, `$` and backslashes neutralised because folium puts tooltip and
popup text inside JavaScript template literals); links only for http(s) URLs (`safe_link`);
text shown by widgets that render Markdown through `markdown_escape`.
"""
from __future__ import annotations

import html
import re
from typing import Any, Iterable
from urllib.parse import urlsplit


def sanitize_text(value: Any) -> str:
    """Make untrusted text safe inside HTML *and* inside a JavaScript template literal.

    ``html.escape`` handles ``<>&"'``; folium embeds tooltip/popup HTML in backtick strings, where
    ``${...}`` would run as code and a backtick would end the string, so those become entities too.
    Backslashes become entities so they cannot start an escape sequence in a JS string.
    """
    if value is None:
        return ""
    text = html.escape(str(value), quote=True)
    return text.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def markdown_escape(value: Any) -> str:
    """Untrusted text for Streamlit widgets that render Markdown (st.error, labels): every Markdown
    punctuation character backslash-escaped, so no link, image or formatting can be formed."""
    return _MD_SPECIAL.sub(r"\\\1", "" if value is None else str(value))


def safe_link(url: Any, label: Any = None) -> str:
    """An ``<a>`` for http(s) URLs only (opened with rel="noopener noreferrer"); otherwise escaped text."""
    url_s = "" if url is None else str(url).strip()
    text = sanitize_text(label if label is not None else url_s)
    try:
        parts = urlsplit(url_s)
    except ValueError:
        return text
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return text
    return (f'<a href="{sanitize_text(url_s)}" target="_blank" '
            f'rel="noopener noreferrer">{text}</a>')


def highlight_span(sentence: str, start: int, end: int) -> str:
    """``sentence`` escaped, with ``sentence[start:end]`` wrapped in ``<mark>``."""
    start = max(0, min(len(sentence), start))
    end = max(start, min(len(sentence), end))
    return (sanitize_text(sentence[:start]) + "<mark>" + sanitize_text(sentence[start:end])
            + "</mark>" + sanitize_text(sentence[end:]))


def highlight_mention(mention: dict, article: str | None = None) -> str:
    """The mention's sentence, escaped, with the mention itself marked.

    The sentence is located in the article around the mention's offsets when the article is
    given (so the right occurrence is marked); otherwise the first occurrence of the text is.
    """
    sentence = str(mention.get("sentence") or mention.get("text") or "")
    text = str(mention.get("text") or "")
    start, end, at = mention.get("start"), mention.get("end"), mention.get("sentence_start")
    if isinstance(start, int) and isinstance(end, int) and isinstance(at, int) and at <= start <= end <= at + len(sentence):
        return highlight_span(sentence, start - at, end - at)     # the context's own offset says where
    if article and isinstance(start, int) and isinstance(end, int) and sentence:
        lo = max(0, end - len(sentence))
        pos = article.find(sentence, lo)
        if pos != -1 and pos <= start and end <= pos + len(sentence):
            return highlight_span(sentence, start - pos, end - pos)
    idx = sentence.find(text) if text else -1
    if idx == -1:
        return sanitize_text(sentence)
    return highlight_span(sentence, idx, idx + len(text))


def highlight_article(article: str, spans: Iterable[tuple[int, int, str]]) -> str:
    """The whole article escaped, each (start, end, title) span wrapped in ``<mark>``; newlines kept."""
    out, pos = [], 0
    for start, end, title in sorted(set(spans)):
        if start < pos or end <= start or end > len(article):
            continue
        out.append(sanitize_text(article[pos:start]))
        out.append(f'<mark title="{sanitize_text(title)}">{sanitize_text(article[start:end])}</mark>')
        pos = end
    out.append(sanitize_text(article[pos:]))
    return "".join(out).replace("\n", "<br>")


_NOTICE_COLOURS = {"error": ("#fdecea", "#7d1a12"), "success": ("#e8f5e9", "#1b5e20")}


def error_html(message: Any, kind: str = "error") -> str:
    """An error (or, with kind="success", a confirmation) as a box of escaped HTML: no Markdown,
    so no auto-link either."""
    background, colour = _NOTICE_COLOURS[kind]
    role = " role='alert'" if kind == "error" else ""
    return (f"<div{role} class='geo-{kind}' style='background:{background};color:{colour};border-radius:.5rem;"
            f"padding:.75rem 1rem;margin:.25rem 0'>{sanitize_text(message)}</div>")
