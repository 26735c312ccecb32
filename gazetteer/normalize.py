"""Name normalisation shared by the index builder and the recogniser.

`fold` is length-preserving (one character in, one out), so offsets found in folded text are
offsets in the original text. It lower-cases, strips diacritics and unifies apostrophes,
hyphens and white space.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from gazetteer.compiled import scan

_SPECIAL = {
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u02bb": "'", "`": "'", "\u00b4": "'",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ", "\t": " ", "\n": " ", "\r": " ", "\u2009": " ", "\u202f": " ", "\u3000": " ",
    "\u0131": "i", "\u0142": "l", "\u0141": "l", "\u00f8": "o", "\u00d8": "o", "\u0111": "d",
    "\u0110": "d", "\u00df": "s", "\u00e6": "a", "\u00c6": "a", "\u0153": "o", "\u0152": "o",
    "\u00f0": "d", "\u00fe": "t", "\u0127": "h",
}


@lru_cache(maxsize=None)
def _fold_char(ch: str) -> str:
    if ch in _SPECIAL:
        return _SPECIAL[ch]
    low = ch.lower()
    if len(low) != 1:
        low = ch
    if ord(low) < 128:
        return low
    parts = unicodedata.normalize("NFD", low)
    # strip accents only: Hangul syllables also decompose (into letters), and must stay whole
    if len(parts) > 1 and not unicodedata.category(parts[0]).startswith("M") \
            and all(unicodedata.category(c).startswith("M") for c in parts[1:]):
        base = parts[0].lower()          # "İ" -> "I" + dot -> "i"
        return base if len(base) == 1 else parts[0]
    return low




class _FoldTable(dict):
    """str.translate table that works out each character's fold the first time it is seen."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLD = _FoldTable()


_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_SCAN = scan()


def _fold_run(m: re.Match) -> str:
    return m.group().translate(_FOLD)


def fold(text: str) -> str:
    """Lower-case, strip diacritics; same length as `text`."""
    if text.isascii():
        return text.lower().replace("\t", " ").replace("\n", " ").replace("\r", " ")
    # bytes.lower() lower-cases ASCII letters only; the (few) other characters go through the
    # table run by run, rather than every character of the text
    low = text.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")
    low = low.replace("\t", " ").replace("\n", " ").replace("\r", " ").replace("`", "'")
    if _SCAN is not None:
        return _SCAN.translate_runs(low, _FOLD)        # the same, as one C loop
    return _NON_ASCII_RUN.sub(_fold_run, low)


_SPACES = re.compile(r"\s+")


def name_key(name: str) -> str:
    """The index key of a gazetteer name: folded, single-spaced, trimmed."""
    return _SPACES.sub(" ", fold(name.strip()))


# Spelling variants news writes for the same name; each pair is applied both ways at build time.
_VARIANTS = (
    (re.compile(r"^saint "), "st. "), (re.compile(r"^st\.? "), "saint "),
    (re.compile(r"^sainte "), "ste. "), (re.compile(r"^fort "), "ft. "), (re.compile(r"^ft\.? "), "fort "),
    (re.compile(r"^mount "), "mt. "), (re.compile(r"^mt\.? "), "mount "),
    (re.compile(r"^port "), "pt. "), (re.compile(r" saint "), " st. "),
    (re.compile(r" county$"), " co."), (re.compile(r" co\.?$"), " county"),
)


def key_variants(key: str) -> set[str]:
    """Other spellings of a key: St./Saint, Ft./Fort, Mt./Mount, hyphen or space, 'St' without dot."""
    out = {key}
    for pattern, repl in _VARIANTS:
        if pattern.search(key):
            out.add(pattern.sub(repl, key, count=1))
    for k in list(out):
        if "-" in k:
            out.add(k.replace("-", " "))
        if _COMPASS.search(k):
            out.add(_COMPASS.sub(r"\1\2", k))        # "North-West" region, "Northwest" in the news
        if "st. " in k or "ft. " in k or "mt. " in k:
            out.add(k.replace("st. ", "st ").replace("ft. ", "ft ").replace("mt. ", "mt "))
    for k in list(out):
        if _INNER_APOSTROPHE.search(k):
            # romanisations news writes without the apostrophe: "Kimch'aek" -> "Kimchaek",
            # "N'Djamena" -> "Ndjamena", "Sunch'on" -> "Sunchon"
            out.add(_INNER_APOSTROPHE.sub("", k))
    return out


_COMPASS = re.compile(r"\b(north|south)[- ](east|west)\b")
_INNER_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)(?!s\b)")
