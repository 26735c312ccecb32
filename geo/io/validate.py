"""Every value that comes from outside, checked where it enters: ids, titles, dates, time zones,
URLs, file names, spans. A bad value raises `InputError` saying which field and why, so the one
input that carries it becomes an error record and every other input goes on.

Strings must be valid Unicode (no lone surrogates: JSON allows "\\ud800", and a file name that is
not UTF-8 arrives as surrogates) and short: a field is copied into the output (an article id into
every mention of a batch), so its length is bounded. Article *text* is repaired instead of refused:
a lone surrogate becomes U+FFFD, one character for one, so offsets into the text still hold.
"""
from __future__ import annotations

import math
import os
import re
from datetime import date
from zoneinfo import ZoneInfo

MAX_FIELD_CHARS = 2000          # an id, title, date, time zone, source or URL
FIRST_YEAR = 1000               # dates before this (0001-01-01) are refused: no news, and the
                                # calendar's edge breaks date arithmetic
_SURROGATE = re.compile(r"[\ud800-\udfff]")
META_FIELDS = ("title", "date", "timezone", "source", "url")


class InputError(ValueError):
    """Input that cannot be read as an article; the message says why. `record_id` is the id of a
    JSON Lines record that parsed but is unusable, so the error can name it."""

    def __init__(self, message: str, record_id=None) -> None:
        super().__init__(message)
        self.record_id = record_id


def clean_text(text: str) -> str:
    """`text` with each lone surrogate replaced by U+FFFD (the same length: offsets hold)."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")        # only a surrogate makes it fail; faster than the regex's scan
        return text
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)


def check_string(name: str, value, limit: int = MAX_FIELD_CHARS) -> str:
    """A metadata string as given ("" for None), or InputError: not a string, not valid Unicode,
    longer than `limit`."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(f"'{name}' must be a string, not {_json_type(value)}")
    if _SURROGATE.search(value):
        raise InputError(f"'{name}' is not valid Unicode (it holds a lone surrogate such as \\ud800)")
    if len(value) > limit:
        raise InputError(f"'{name}' has {len(value):,} characters, more than the {limit:,} it may have")
    return value.strip()


def check_id(value):
    """A record's id: a string or an integer, returned as given (None when absent)."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        if isinstance(value, int) and abs(value) >= 10 ** 30:
            raise InputError("'id' is a number too large to be an id")
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, str):
        return check_string("id", value)
    raise InputError(f"'id' must be a string or an integer, not {_json_type(value)}"
                     + (" (it overflows to infinity)" if isinstance(value, float) and math.isinf(value) else ""))


def check_date(value, name: str = "date") -> str:
    """An ISO date (YYYY-MM-DD) from ISO 8601 or RFC 822 text; "" when absent; InputError when
    given but not a date from the year 1000 on."""
    from geo.io.reader import normalise_date
    s = check_string(name, value)
    if not s:
        return ""
    d = normalise_date(s)
    if not d:
        raise InputError(f"'{name}' {s[:40]!r} is not a date (YYYY-MM-DD, ISO 8601 or RFC 822)")
    if date.fromisoformat(d).year < FIRST_YEAR:
        raise InputError(f"'{name}' {d} is before the year {FIRST_YEAR}")
    return d


def check_timezone(value, name: str = "timezone") -> str:
    """An IANA time zone name ("Asia/Tokyo"); "" when absent; InputError when it names none."""
    s = check_string(name, value, limit=64)
    if not s:
        return ""
    try:
        ZoneInfo(s)
    except (ValueError, OSError, KeyError, TypeError):
        raise InputError(f"'{name}' {s!r} is not an IANA time zone (like Asia/Tokyo)") from None
    return s


def check_meta(fields: dict) -> dict[str, str]:
    """The metadata fields of `fields` that are set (title, date, timezone, source, url), checked."""
    out = {}
    for k in META_FIELDS:
        v = fields.get(k)
        if v is None:
            continue
        out[k] = check_date(v) if k == "date" else check_timezone(v) if k == "timezone" else check_string(k, v)
    return {k: v for k, v in out.items() if v}


def check_path_name(path) -> str:
    """The path as text, or InputError when its name is not valid UTF-8 (the output could not
    carry it): the message shows it with U+FFFD for the bad bytes."""
    s = os.fspath(path)
    if _SURROGATE.search(s):
        raise InputError(f"{display_path(s)}: the file name is not valid UTF-8; rename the file")
    return s


def display_path(path) -> str:
    """A path fit for messages and output: undecodable bytes of its name shown as U+FFFD."""
    return clean_text(os.fspath(path))


def check_spans(spans, text_length: int) -> list[tuple[int, int]]:
    """`spans` as a list of (start, end) integer pairs inside a text of `text_length` characters."""
    if not isinstance(spans, list):
        raise InputError("'spans' must be a list of [start, end] pairs")
    out = []
    for k, s in enumerate(spans):
        if not (isinstance(s, list) and len(s) == 2):
            raise InputError(f"'spans' item {k}: not a [start, end] pair")
        a, b = (_offset(x, k) for x in s)
        if not 0 <= a < b <= text_length:
            raise InputError(f"'spans' item {k}: [{a}, {b}) is not a span inside the text (length {text_length})")
        out.append((a, b))
    return out


def _offset(x, k: int) -> int:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise InputError(f"'spans' item {k}: offsets must be integers, not {_json_type(x)}")
    if isinstance(x, float) and not (math.isfinite(x) and x.is_integer()):
        raise InputError(f"'spans' item {k}: {x!r} is not a whole number")
    return int(x)


def _json_type(v) -> str:
    if isinstance(v, bool):
        return "a boolean"
    return {dict: "an object", list: "a list", str: "a string", int: "a number", float: "a number"}.get(type(v), type(v).__name__)
