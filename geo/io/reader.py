"""The one article reader: files, standard input, uploads and JSON Lines records become `Article`s.

Used by the command line, the batch and the page alike, so a file reads the same everywhere:
- bytes are decoded by their byte-order mark (UTF-8, UTF-16, UTF-32), else as UTF-8 (a few
  undecodable bytes replaced; mostly undecodable data or control characters is refused as binary);
- `.html`/`.htm` (or text that looks like HTML) is reduced to its readable text, scripts and
  styles dropped, its `<title>` kept; `.md` loses its markup characters, keeping the words;
- line breaks are normalised to "\\n" (offsets then mean the same on every platform);
- a file's `.json` sidecar beside it (`article.json` for `article.txt`) gives title, date, time
  zone, source and URL;
- nothing larger than `MAX_ARTICLE_BYTES` is read: the limit applies while reading.
Every refusal is an `InputError` whose message says what is wrong, for the user.
"""
from __future__ import annotations

import email.utils
import html
import json
import re
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from geo.io.validate import InputError, check_id, check_meta, check_path_name, clean_text, display_path
from geo.model import DocumentMeta

MAX_ARTICLE_BYTES = 25 * 1024 * 1024   # a 20 MB article is read; larger input is refused
MAX_JSON_LINE_BYTES = MAX_ARTICLE_BYTES + (1 << 20)     # an article's text, its spans and metadata
SIDECAR_MAX_BYTES = 64 * 1024
ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".xhtml"})

# C0 control characters other than tab, line feed, form feed and carriage return: binary data
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
_BOMS = ((b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\xef\xbb\xbf", "utf-8"),
         (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


@dataclass(frozen=True)
class Article:
    """An article's text and what is known about it."""
    text: str
    id: str = ""
    title: str = ""
    date: str = ""             # ISO date, "" when unknown
    timezone: str = ""         # IANA zone of its clock times
    source: str = ""
    url: str = ""

    def meta(self) -> DocumentMeta:
        return DocumentMeta(id=self.id, title=self.title, date=self.date, timezone=self.timezone,
                            source=self.source, url=self.url)


# ---------------------------------------------------------------------------------------------
# Bytes to text

def too_large(size: int, name: str, limit: int = MAX_ARTICLE_BYTES, what: str = "an article") -> InputError:
    most = f"{limit // 2**20} MB" if limit >= 2**20 else f"{limit // 1024} kB"
    return InputError(f"{name}: {size / 1e6:.1f} MB is more than the {most} {what} may have")


def read_limited(stream, name: str, limit: int = MAX_ARTICLE_BYTES, what: str = "an article") -> bytes:
    """At most `limit` bytes from a binary stream; InputError (without reading the rest) beyond."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise too_large(len(data), name, limit, what)
    return data


def decode_text(data: bytes, name: str = "input") -> str:
    if len(data) > MAX_ARTICLE_BYTES:
        raise too_large(len(data), name)
    if not data.strip():
        raise InputError(f"{name}: empty input")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace")
    if b"\x00" in data[:65536]:
        raise InputError(f"{name}: binary data, not text")
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


# ---------------------------------------------------------------------------------------------
# Markup to text

# HTML is read by a small scanner rather than html.parser, whose cost grows with the square of
# the length on unclosed constructs ("<a " or "<!--" repeated: 14 s for 24 kB). Every step here
# either consumes what it looked at or ends the scan, so the cost is linear in the markup's length.
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "object", "textarea"})
_BLOCK_TAGS = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article",
                         "blockquote", "header", "footer", "title", "pre", "ul", "ol", "table"})
# a tag: its name, then attributes (quoted values may not hold "<"), each part taken once
_TAG = re.compile(r"""<(/?)([A-Za-z][^\s/<>]{0,64})(?:[^<>"']|"[^"<]*+"|'[^'<]*+')*+>""")
_END_TAG = {name: re.compile(rf"</{name}\s*>", re.I) for name in _SKIP_TAGS | {"title"}}


def _skip_construct(markup: str, i: int) -> int:
    """The end of a comment, CDATA section, declaration or processing instruction starting at
    `i` (len(markup) when it never closes: the rest is inside it); -1 when none starts there."""
    for opener, closer in (("<!--", "-->"), ("<![CDATA[", "]]>"), ("<!", ">"), ("<?", ">")):
        if markup.startswith(opener, i):
            j = markup.find(closer, i + len(opener))
            return len(markup) if j < 0 else j + len(closer)
    return -1


def _scan_html(markup: str) -> tuple[list[str], str]:
    """The text pieces of a page (block tags as blank lines, skipped elements left out) and its title."""
    parts: list[str] = []
    title = ""
    pos, n = 0, len(markup)
    while pos < n:
        i = markup.find("<", pos)
        if i < 0:
            parts.append(markup[pos:])
            break
        parts.append(markup[pos:i])
        j = _skip_construct(markup, i)
        if j >= 0:
            pos = j
            continue
        m = _TAG.match(markup, i)
        if m is None:                   # a "<" that starts no tag is text
            parts.append("<")
            pos = i + 1
            continue
        pos = m.end()
        name = m.group(2).lower()
        if name in _BLOCK_TAGS:
            parts.append("\n" if name == "br" else "\n\n")
        if m.group(1) or not (name in _SKIP_TAGS or name == "title"):
            continue
        close = _END_TAG[name].search(markup, pos)
        inner_end, pos = (close.start(), close.end()) if close else (n, n)
        if name == "title" and not title:
            title = markup[m.end():inner_end]
    return parts, title


_BLANKS = re.compile(r"(?<![ \t\f\v\r])[ \t\f\v\r]*+\n[ \t\f\v\r\n]*\n[ \t\f\v\r\n]*+")
_SPACES = re.compile(r"[ \t\f\v]++")


def html_to_text(markup: str) -> tuple[str, str]:
    """The readable text of an HTML page (scripts and styles dropped) and its title."""
    parts, title = _scan_html(markup)
    text = _SPACES.sub(" ", "".join(parts))
    text = _BLANKS.sub("\n\n", text)
    return html.unescape(text).strip(), html.unescape(_SPACES.sub(" ", title)).strip()


def looks_like_html(text: str) -> bool:
    head = text[:2000].lower()
    return "<html" in head or "<!doctype html" in head or ("<p>" in head and "</p>" in head) or "<body" in head


# Markdown markup, each pattern linear on any text: what lies between the delimiters excludes
# the opening delimiter itself and is bounded, so a scan from one "[" or "**" ends at the next
_MD_IMAGE = re.compile(r"!\[([^\[\]\n]{0,1000})\]\([^()\n]{0,2000}\)")
_MD_LINK = re.compile(r"\[([^\[\]\n]{0,1000})\]\([^()\n]{0,2000}\)")
_MD_HEADING = re.compile(r"^#{1,6}[ \t]*+", re.M)
_MD_STRONG = re.compile(r"\*\*([^*\n]{1,1000})\*\*|__([^_\n]{1,1000})__")


def markdown_to_text(text: str) -> str:
    """Markdown keeps its words; links and images keep their text, markup characters go."""
    text = _MD_IMAGE.sub(r"\1", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_HEADING.sub("", text)
    return _MD_STRONG.sub(lambda m: m.group(1) or m.group(2), text)


def read_article(data: bytes, name: str = "input") -> tuple[str, str]:
    """Article text and title ("" when none) from a file's bytes, by its name's suffix or content."""
    text = decode_text(data, name)
    suffix = Path(name).suffix.lower()
    title = ""
    if suffix in (".html", ".htm", ".xhtml") or (suffix not in (".txt", ".md", ".markdown") and looks_like_html(text)):
        text, title = html_to_text(text)
    elif suffix in (".md", ".markdown"):
        text = markdown_to_text(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(f"{name}: no text in it")
    return text, title


# ---------------------------------------------------------------------------------------------
# Files, uploads, sidecars

def read_upload(name: str, data: bytes) -> Article:
    """An uploaded file (the page): read as a file of that name would be."""
    text, title = read_article(data, name)
    return Article(text=text, id=Path(name).stem, title=title or Path(name).stem)


def read_file(path: Path | str, article_id: str | None = None) -> Article:
    """An article file with its sidecar's metadata; `article_id` defaults to the file's stem."""
    path = Path(path)
    check_path_name(path)
    try:
        if not path.exists():
            raise InputError(f"{path}: no such file")
        if path.is_dir():
            raise InputError(f"{path}: is a folder (use `python -m geo batch` for folders)")
        with open(path, "rb") as f:
            data = read_limited(f, path.name)
    except OSError as e:
        raise InputError(f"{path.name}: cannot read: {e.strerror or e}") from None
    text, html_title = read_article(data, path.name)
    meta = read_sidecar(path)
    return Article(text=text, id=path.stem if article_id is None else article_id,
                   title=meta.get("title") or html_title, date=meta.get("date", ""),
                   timezone=meta.get("timezone", ""), source=meta.get("source", ""), url=meta.get("url", ""))


def read_stdin(stream) -> Article:
    data = read_limited(stream, "stdin")
    text, title = read_article(data, "stdin")
    return Article(text=text, title=title)


SIDECAR_FIELDS = ("title", "date", "timezone", "source", "url")


def read_sidecar(path: Path) -> dict[str, str]:
    """The metadata in `article.json` beside `article.txt`: the fields it sets (a date normalised
    to YYYY-MM-DD); {} when there is none. A sidecar that is there but bad (too large, not a JSON
    object, nested too deeply, a field of the wrong type or value) is an InputError for its
    article: its metadata would otherwise be silently lost."""
    side = path.with_suffix(".json")
    try:
        if side == path or not side.is_file():
            return {}
        with open(side, "rb") as f:
            data = read_limited(f, side.name, SIDECAR_MAX_BYTES, "a sidecar")
    except InputError as e:
        raise InputError(f"{e} (the sidecar of {display_path(path.name)})") from None
    except OSError:         # none that can be opened (its name too long for the file system, ...)
        return {}
    where = f"{display_path(side.name)} (the sidecar of {display_path(path.name)})"
    try:
        meta = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError(f"{where}: not UTF-8") from None
    except ValueError as e:
        raise InputError(f"{where}: not JSON: {getattr(e, 'msg', e)}") from None
    except RecursionError:
        raise InputError(f"{where}: not JSON: nested too deeply") from None
    if not isinstance(meta, dict):
        raise InputError(f"{where}: must be a JSON object with title, date, timezone, source, url")
    try:
        return check_meta(meta)
    except InputError as e:
        raise InputError(f"{where}: {e}") from None


def normalise_date(value) -> str:
    """An ISO date (YYYY-MM-DD) from ISO 8601 or RFC 822 (RSS pubDate) text; "" when unreadable."""
    if not isinstance(value, str) or not value.strip():
        return ""
    s = value.strip()
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(s).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    m = re.match(r"(\d{4}-\d{2}-\d{2})", s)
    try:
        return datetime.strptime(m.group(1), "%Y-%m-%d").date().isoformat() if m else ""
    except ValueError:
        return ""


# ---------------------------------------------------------------------------------------------
# JSON Lines records

def read_json_line(raw: bytes) -> dict:
    """One JSON Lines record: an object whose "text" is a string (lone surrogates in it replaced
    by U+FFFD) and whose "id", when given, is a string or an integer; InputError says what is
    wrong. An error's message does not repeat the line number (callers add it)."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("not valid UTF-8") from None
    try:
        obj = json.loads(line)
    except ValueError as e:
        raise InputError(f"not JSON: {getattr(e, 'msg', e)}") from None
    except RecursionError:
        raise InputError("not JSON: nested too deeply") from None
    if not isinstance(obj, dict):
        raise InputError("a line must be a JSON object with 'id' and 'text'")
    obj["id"] = check_id(obj.get("id"))
    if not isinstance(obj.get("text"), str):
        raise InputError("'text' is missing or not a string", record_id=obj["id"])
    obj["text"] = clean_text(obj["text"])
    return obj


def article_from_record(obj: dict, default_id: str = "") -> Article:
    """The article of a JSON Lines record `{"id", "text", "title"?, "date"?, "url"?, "timezone"?,
    "source"?}` (as read_json_line returns it); InputError names a bad field."""
    rec_id = obj.get("id")
    try:
        meta = check_meta(obj)
    except InputError as e:
        raise InputError(str(e), rec_id) from None
    return Article(text=obj["text"], id=str(rec_id) if rec_id is not None else default_id, **meta)


def bounded_lines(f, limit: int = MAX_JSON_LINE_BYTES):
    """(line, size) for each line of a binary file, holding at most `limit` bytes of it at once;
    a longer line comes as (None, its length), read past without being kept."""
    while True:
        line = f.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            n = len(line)
            while True:
                more = f.readline(1 << 20)
                n += len(more)
                if not more or more.endswith(b"\n"):
                    break
            yield None, n
        else:
            yield line, len(line)


def line_too_long(size: int) -> InputError:
    return InputError(f"{size / 1e6:.1f} MB is more than the {MAX_JSON_LINE_BYTES // 2**20} MB a line may have")


def with_defaults(article: Article, **defaults) -> Article:
    """The article with each empty field filled from `defaults` (e.g. a --date for undated ones)."""
    return replace(article, **{k: v for k, v in defaults.items() if v and not getattr(article, k)})
