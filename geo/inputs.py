"""Read articles from files, stdin and HTML, refusing what is not text with a clear message."""
from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

MAX_ARTICLE_BYTES = 25 * 1024 * 1024   # a 20 MB article is read; larger input is refused


# C0 control characters other than tab, line feed, form feed and carriage return: binary data
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


class InputError(ValueError):
    """Input that cannot be read as an article; the message says why. `record_id` is the id of a
    JSON Lines record that parsed but is unusable, so the error can name it."""

    def __init__(self, message: str, record_id=None) -> None:
        super().__init__(message)
        self.record_id = record_id


def decode_text(data: bytes, name: str = "input") -> str:
    if len(data) > MAX_ARTICLE_BYTES:
        raise InputError(f"{name}: {len(data) / 1e6:.1f} MB is more than the {MAX_ARTICLE_BYTES // 2**20} MB an article may have")
    if not data.strip():
        raise InputError(f"{name}: empty input")
    head = data[:65536]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{name}: binary data, not text")
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, errors="replace").lstrip("\ufeff")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        bad = text.count("\ufffd")
        if bad > max(8, len(text) // 100):
            raise InputError(f"{name}: not UTF-8 text ({bad} undecodable bytes)") from None
    controls = len(_CONTROL_CHARS.findall(text, 0, 65536))
    if controls > max(8, len(text[:65536]) // 50):
        raise InputError(f"{name}: binary data, not text")
    return text


class _TextExtractor(HTMLParser):
    _SKIP = {"script", "style", "noscript", "template", "svg", "head", "iframe", "object"}
    _BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article",
              "blockquote", "header", "footer", "title", "pre", "ul", "ol", "table"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIP:
            self.skip += 1
        if tag == "title":
            self._in_title = True
        if tag in self._BLOCK:
            self.parts.append("\n\n" if tag != "br" else "\n")

    def handle_endtag(self, tag):
        if tag in self._SKIP and self.skip:
            self.skip -= 1
        if tag == "title":
            self._in_title = False
        if tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if self._in_title:
            self.title += data
            return
        if not self.skip:
            self.parts.append(data)


_BLANKS = re.compile(r"[ \t\f\v\r]*\n[ \t\f\v\r\n]*\n[ \t\f\v\r\n]*")
_SPACES = re.compile(r"[ \t\f\v]+")


def html_to_text(markup: str) -> tuple[str, str]:
    """The readable text of an HTML page (scripts and styles dropped) and its title."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    text = _SPACES.sub(" ", text)
    text = _BLANKS.sub("\n\n", text)
    return html.unescape(text).strip(), parser.title.strip()


def looks_like_html(text: str) -> bool:
    head = text[:2000].lower()
    return "<html" in head or "<!doctype html" in head or ("<p>" in head and "</p>" in head) or "<body" in head


def markdown_to_text(text: str) -> str:
    """Markdown keeps its words; links and images keep their text, markup characters go."""
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^#{1,6}\s*", "", text, flags=re.M)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    return text


def read_article(data: bytes, name: str = "input") -> tuple[str, str]:
    """Article text and title ("" when none) from a file's bytes, by its name's suffix or content."""
    text = decode_text(data, name)
    suffix = Path(name).suffix.lower()
    title = ""
    if suffix in (".html", ".htm", ".xhtml") or (suffix not in (".txt", ".md") and looks_like_html(text)):
        text, title = html_to_text(text)
    elif suffix in (".md", ".markdown"):
        text = markdown_to_text(text)
    if not text.strip():
        raise InputError(f"{name}: no text in it")
    return text, title


def read_json_line(raw: bytes) -> dict:
    """One JSON Lines record: an object whose "text" is a string; InputError says what is wrong.

    `id` may be absent; an error's message does not repeat the line number (callers add it)."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("not valid UTF-8") from None
    try:
        obj = json.loads(line)
    except ValueError as e:
        raise InputError(f"not JSON: {getattr(e, 'msg', e)}") from None
    if not isinstance(obj, dict):
        raise InputError("a line must be a JSON object with 'id' and 'text'")
    if not isinstance(obj.get("text"), str):
        raise InputError("'text' is missing or not a string", record_id=obj.get("id"))
    return obj
