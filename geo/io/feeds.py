"""RSS (0.9x, 1.0, 2.0) and Atom feeds read incrementally into articles, one per item.

A feed that declares a DOCTYPE or an ENTITY is refused as a whole, in any encoding: no entity is
expanded and nothing is fetched.
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from xml.parsers import expat
from pathlib import Path
from typing import Iterator

from geo.io.reader import MAX_ARTICLE_BYTES, Article, InputError, html_to_text, normalise_date

MAX_FEED_BYTES = 8 * MAX_ARTICLE_BYTES
FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom"})


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _markup_text(s: str) -> str:
    s = (s or "").strip()
    if "<" in s and ">" in s:
        s = html_to_text(s)[0]
    return s


def _item_parts(elem: ET.Element) -> tuple[dict[str, str], str]:
    """An item's child texts by local name (the first of each), and its link."""
    parts: dict[str, str] = {}
    link = ""
    for child in elem:
        name = _local(child.tag)
        if name == "link":
            href = child.get("href")
            if href and (child.get("rel") in (None, "alternate") or not link):
                link = href
            elif not href and child.text and not link:
                link = child.text.strip()
            continue
        text = "".join(child.itertext())
        if name not in parts and text.strip():
            parts[name] = text
    return parts, link


def feed_item(elem: ET.Element) -> dict:
    """title, text (title and body), url, date and id of one <item> or <entry>."""
    parts, link = _item_parts(elem)
    title = _markup_text(parts.get("title", ""))
    body = next((_markup_text(parts[n]) for n in ("encoded", "content", "description", "summary")
                 if parts.get(n, "").strip()), "")
    date = next((d for d in (normalise_date(parts.get(n)) for n in ("pubdate", "published", "updated", "date",
                                                                   "issued")) if d), "")
    rec_id = (parts.get("guid") or parts.get("id") or link or "").strip()
    text = f"{title}\n\n{body}" if title and body else (title or body)
    return {"title": title, "text": text, "url": link, "date": date, "id": rec_id}


def _refuse(name: str):
    def refuse(*_):
        raise InputError(f"{name}: DOCTYPE/ENTITY declarations are not accepted in feeds")
    return refuse


def _items(f, name: str) -> Iterator[ET.Element]:
    """The top-level <item>/<entry> elements of a feed stream, as the parser completes them.

    Expat itself refuses any DOCTYPE (its start handler raises before a declaration in it can be
    read, so no entity is ever declared, let alone expanded), whatever the feed's encoding: no
    byte pattern to miss in UTF-16, and none to trip over in a CDATA section that quotes one."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = _refuse(name)
    parser.buffer_text = True
    done: list[ET.Element] = []
    state = {"builder": None, "depth": 0}

    def start(tag, attrs):
        if state["builder"] is None and _local(tag) in ("item", "entry"):
            state["builder"] = ET.TreeBuilder()
        if state["builder"] is not None:
            state["builder"].start(tag, attrs)
            state["depth"] += 1

    def end(tag):
        if state["builder"] is not None:
            state["builder"].end(tag)
            state["depth"] -= 1
            if not state["depth"]:
                done.append(state["builder"].close())
                state["builder"] = None

    def data(text):
        if state["builder"] is not None:
            state["builder"].data(text)

    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, data
    while True:
        block = f.read(1 << 16)
        try:
            parser.Parse(block, not block)
        except expat.ExpatError as e:
            raise ET.ParseError(expat.errors.messages[e.code] + f": line {e.lineno}, column {e.offset}") from None
        yield from done
        done.clear()
        if not block:
            return


def read_feed(path: Path) -> Iterator[tuple[str, Article | InputError, bytes]]:
    """(where, article or error, the bytes that identify it) for each item of a feed; an error
    for the whole feed has `where` "". A bad item never hides the others before it."""
    try:
        size = path.stat().st_size
        if size > MAX_FEED_BYTES:
            yield "", InputError(f"{path.name}: {size / 1e6:.1f} MB is more than the {MAX_FEED_BYTES // 2**20} "
                                 "MB a feed may have"), str(size).encode()
            return
        f = open(path, "rb")
    except OSError as e:
        yield "", InputError(f"{path.name}: cannot read: {e.strerror or e}"), b""
        return
    index = 0
    with f:
        try:
            for elem in _items(f, path.name):
                index += 1
                item = feed_item(elem)
                data = json.dumps(item, sort_keys=True).encode("utf-8", "replace")
                if not item["text"].strip():
                    yield f"item {index}", InputError(f"{path.name} item {index}: no text", item["id"] or index), data
                    continue
                yield f"item {index}", Article(text=item["text"], id=item["id"] or f"{path.stem}#{index}",
                                               title=item["title"], date=item["date"], url=item["url"]), data
        except ET.ParseError as e:
            yield "", InputError(f"{path.name}: not well-formed XML: {e}"), str(index).encode()
        except InputError as e:
            yield "", e, b""
