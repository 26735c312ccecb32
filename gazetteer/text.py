"""Sentences and tokens: the offsets every later stage points into."""
from __future__ import annotations

import re

from gazetteer.compiled import scan
from gazetteer.model import Span

# Words after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset("""
mr mrs ms dr prof sen rep gov gen col lt capt sgt cpl maj adm cmdr rev st mt ft ste pt jr sr co corp inc ltd
no vs etc jan feb mar apr jun jul aug sep sept oct nov dec ala ariz ark calif colo conn del fla ga ill ind
kan kans ky la md mass mich minn miss mo mont neb nev okla ore pa tenn tex vt va wash wis wyo u s n e w
a b c d f g h i j k l m o p q r t v x y z approx dept est fig univ ave blvd rd hwy
""".split())

# a sentence ends at . ! ? before a capital or digit, at a blank line, or at the CJK full stops;
# a single line break does not end one (wire copy wraps lines mid-sentence)
# (the pattern starts by taking one of those characters, a plain set the engine skips to without
# trying anything at other positions; the look-behinds then say which branch that character began).
# Linear on any text: a run of stops is tried once, from its first character (the look-behind),
# and no quantifier gives back what it took (possessive), so 200,000 dots are one failed attempt
# rather than 200,000 attempts of 200,000 steps each.
_SENTENCE_END = re.compile(r"""[.!?…\n。！？](?:(?<=[.!?…])(?<![.!?…].)[.!?…]*["'”’)\]]*"""
                           r"""(?=\s+["'“‘(\[]?[A-Z0-9\u00C0-\u024F])|(?<=\n)[ \t]*\n|(?<=[。！？]))""")
# Longer "sentences" (text without sentence breaks: lists, tables, hostile input) are cut into
# pieces of at most this many characters, at a space where there is one, so that everything
# computed per sentence (the context of a mention, the clauses of an event) stays bounded.
MAX_SENTENCE_CHARS = 2000
_LONGEST_ABBREVIATION = max(map(len, ABBREVIATIONS))
_SCAN = scan()


def _sentence_ends(text: str) -> list[tuple[int, int]]:
    """(start, end) of each match of _SENTENCE_END: as one C loop when gazetteer/scan.pyx is built."""
    if _SCAN is not None:
        return _SCAN.sentence_ends(text)
    return [m.span() for m in _SENTENCE_END.finditer(text)]


def split_sentences(text: str) -> list[Span]:
    """Sentence spans covering the text's non-blank parts, in order.

    A full stop ends a sentence when a capital or digit follows, except after a known
    abbreviation or initial ("Mr. Kim", "St. Louis", "U.S. officials"); line breaks end
    headlines and paragraphs.
    """
    spans: list[Span] = []
    start = 0
    for s, end in _sentence_ends(text):
        if text[s] == "." and "\n" not in text[s:end]:
            # a word longer than any abbreviation right before the stop cannot be one
            if not (s > _LONGEST_ABBREVIATION and text[s - _LONGEST_ABBREVIATION - 1:s].isalpha()):
                if _word_before(text, max(0, s - 12), s).lower() in ABBREVIATIONS:
                    continue
        # the usual sentence, short and with text in it, is added here without a call to _append
        seg = text[start:end]
        stripped = seg.strip()
        if stripped and len(stripped) <= MAX_SENTENCE_CHARS:
            s = start + len(seg) - len(seg.lstrip())
            spans.append(Span(s, s + len(stripped)))
        else:
            _append(spans, text, start, end)
        start = end
    _append(spans, text, start, len(text))
    return spans


def _word_before(text: str, lo: int, hi: int) -> str:
    r"""The last word of text[lo:hi] (cut at lo), what `(\w+)\W*$` finds there, or "": walked back
    from `hi`, a few characters, where the regex would try every position of the window."""
    # the usual case, a word ending at `hi` after a space, found by str methods in C
    word = text[max(text.rfind(" ", lo, hi), text.rfind("\n", lo, hi), lo - 1) + 1:hi]
    if word.isalnum():
        return word
    end = hi
    while end > lo and not (text[end - 1].isalnum() or text[end - 1] == "_"):
        end -= 1
    start = end
    while start > lo and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    return text[start:end]


def _append(spans: list[Span], text: str, start: int, end: int) -> None:
    seg = text[start:end]
    stripped = seg.strip()
    if not stripped:
        return
    lead = len(seg) - len(seg.lstrip())
    s, e = start + lead, start + lead + len(stripped)
    while e - s > MAX_SENTENCE_CHARS:
        cut = _cut_point(text, s, s + MAX_SENTENCE_CHARS)
        _append(spans, text, s, cut)
        s = cut
        while s < e and text[s].isspace():
            s += 1
    if e > s:
        spans.append(Span(s, e))


def _cut_point(text: str, lo: int, hi: int) -> int:
    """Where to cut an over-long sentence in text[lo:hi]: after the last space of its second half
    (never inside a word there is room to keep), else at `hi`."""
    i = max(text.rfind(" ", (lo + hi) // 2, hi), text.rfind("\n", (lo + hi) // 2, hi))
    return i + 1 if i > lo else hi


def sentence_index(spans: list[Span]):
    """A function mapping a character offset to the index of the sentence that holds it."""
    import bisect
    starts = [s.start for s in spans]

    def find(offset: int) -> int:
        i = bisect.bisect_right(starts, offset) - 1
        return max(i, 0)
    return find


def trie_alternation(words) -> str:
    """A regex alternation of words as a tree of their letters ("kill(?:ed|ing|s)?"): one branch to
    try at each position of a text, so that a whole article is scanned for hundreds of words at once."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = [re.escape(ch) + pattern(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            body = ("(?:" + body + ")" if len(branches) == 1 and len(body) > 1 else body) + "?"
        return body
    return pattern(trie)
