"""Clock times in event sentences, as ISO 8601 on the article's date with the stated zone's offset.

"7.10am Tokyo time" in an article dated 2019-10-02 -> 2019-10-02T07:10:00+09:00.
"""
from __future__ import annotations

import re
from datetime import date as _date, datetime, timedelta
from zoneinfo import ZoneInfo

from geo.vocabulary import at_word

WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
WEEKDAY_RE = re.compile(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)
# the same (and "today", "yesterday") with the character before, to search " " + a sentence (`at_word`)
_WEEKDAY_AT = at_word(WEEKDAY_RE.pattern, re.I)
_TODAY_AT = at_word(r"\b(today|yesterday)\b", re.I)

# clock times: "7.10am", "7:27 a.m.", "07:17", "2250 GMT", each with an optional zone word
_ZONE_WORDS = (r"(?P<zone>Tokyo|Japan(?:ese)?|JST|Seoul|South\s+Korean?|Korea(?:n)?|KST|Pyongyang|North\s+Korean?"
               r"|local|GMT|UTC|Z|ET|EST|EDT|Washington)")
# (possessive blanks: "7am" and 100,000 spaces is one attempt, not one per way to split the spaces)
_TIME_RE = re.compile(
    r"\b(?:(?P<h>\d{1,2})(?:[.:](?P<m>[0-5]\d))?\s*+(?P<ap>[ap]\.?\s?m\b\.?)"
    r"|(?P<h2>[01]?\d|2[0-3]):(?P<m2>[0-5]\d)\b"
    r"|(?P<h3>[01]\d|2[0-3])(?P<m3>[0-5]\d)\s*+(?=(?:GMT|UTC|hrs|hours)\b))"
    r"(?:\s*+\(?\s*+" + _ZONE_WORDS + r"(?:\s++(?:standard\s++)?time)?\b\)?)?", re.I)
TIME_ZONES = {"tokyo": "Asia/Tokyo", "japan": "Asia/Tokyo", "japanese": "Asia/Tokyo", "jst": "Asia/Tokyo",
       "seoul": "Asia/Seoul", "south korea": "Asia/Seoul", "south korean": "Asia/Seoul", "korea": "Asia/Seoul",
       "korean": "Asia/Seoul", "kst": "Asia/Seoul", "pyongyang": "Asia/Pyongyang",
       "north korea": "Asia/Pyongyang", "north korean": "Asia/Pyongyang", "gmt": "UTC", "utc": "UTC", "z": "UTC",
       "et": "America/New_York", "est": "America/New_York", "edt": "America/New_York",
       "washington": "America/New_York"}

_DIGIT = re.compile(r"\d")


def find_times(text: str, offset: int = 0) -> list[tuple[int, int, int, int, str | None, str]]:
    """Clock times in `text`: (start, end, hour, minute, zone word or None, surface)."""
    out = []
    if _DIGIT.search(text) is None:
        return out                  # every clock time has a digit (most sentences: no regex search)
    for m in _TIME_RE.finditer(text):
        if m.group("h") is not None:
            h, mi = int(m.group("h")), int(m.group("m") or 0)
            ap = m.group("ap").lower().replace(".", "").replace(" ", "")
            if not 1 <= h <= 12:
                continue
            h = h % 12 + (12 if ap == "pm" else 0)
        elif m.group("h2") is not None:
            h, mi = int(m.group("h2")), int(m.group("m2"))
        else:
            h, mi = int(m.group("h3")), int(m.group("m3"))
        zone = m.group("zone")
        out.append((offset + m.start(), offset + m.end(), h, mi, zone, m.group().strip()))
    return out


def iso_time(day: str, hour: int, minute: int, zone_word: str | None, default_tz: str = "",
             weekday: str | None = None) -> str | None:
    """ISO 8601 time on the article's date, with the offset of the stated (or the article's) zone.

    A weekday named next to the time moves the date back to that weekday (at most six days):
    an article dated Thursday reporting "at 7am on Wednesday" means the day before.
    """
    if not day:
        return None
    try:
        d = _date.fromisoformat(day[:10])
    except ValueError:
        return None
    tzname = zone_of(zone_word) or default_tz or None
    try:
        tz = ZoneInfo(tzname) if tzname else None
    except Exception:
        tz = None
    try:
        if weekday:
            back = (d.weekday() - WEEKDAYS[weekday.lower()]) % 7
            d = d - timedelta(days=back)
        return datetime(d.year, d.month, d.day, hour, minute, tzinfo=tz).isoformat()
    except (OverflowError, ValueError):      # a date at the calendar's edge (0001-01-01): no time
        return None


def zone_of(word: str | None) -> str | None:
    """The IANA zone a zone word names ("Tokyo" -> Asia/Tokyo); None for "local" or unknown words."""
    if not word or word.lower() == "local":
        return None
    return TIME_ZONES.get(re.sub(r"\s+", " ", word.lower()))


def first_stated_zone(text: str) -> str:
    """The zone of the first clock time that states one ("7.10am Tokyo time"), else ""."""
    for (_, _, _, _, zone, _) in find_times(text):
        if zone_of(zone):
            return zone_of(zone)
    return ""


def sentence_time(text: str, start: int, end: int, day: str, default_tz: str = "") -> tuple[str | None, str | None]:
    """The time an event sentence text[start:end] states: its first clock time (ISO 8601 on the
    article's date, moved back to a weekday named in the sentence), else a weekday alone ("on
    Tuesday" -> the date of the last Tuesday on or before the article's date, "2024-01-02"),
    else "today"/"yesterday"; (None, None) when it states none or the article has no date."""
    sent = text[start:end]
    # a weekday, "today" and "yesterday" all end in "day" (another text than ASCII may fold case otherwise)
    days = not sent.isascii() or "day" in sent.lower()
    first_day = _WEEKDAY_AT.search(" " + sent) if days else None
    wd = first_day.group(1) if first_day else None
    times = find_times(sent, start)
    if times:
        _, _, h, mi, zone, surface = times[0]
        return iso_time(day, h, mi, zone, default_tz, wd), surface
    if not day:
        return None, None
    try:
        d = _date.fromisoformat(day[:10])
    except ValueError:
        return None, None
    if wd:
        return (d - timedelta(days=(d.weekday() - WEEKDAYS[wd.lower()]) % 7)).isoformat(), wd
    m = _TODAY_AT.search(" " + sent) if days else None
    if m:
        return (d - timedelta(days=1 if m.group(1).lower() == "yesterday" else 0)).isoformat(), m.group(1)
    return None, None
