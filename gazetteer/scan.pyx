# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The recogniser's tokeniser as one C loop over the text (compiled by `pip install`, setup.py).

gazetteer.recognize._tokenize finds the same tokens with three regexes: a capitalised word, the
lower-case word read after it and the one read before it. Their cost is the number of calls (two
regex matches and a few method calls per capitalised word), not the text's length; one pass over
the characters does a tenth of the work. The character classes are the regex engine's own for str
patterns: a word character is `Py_UNICODE_ISALNUM` or "_" (`\\w`), a digit `Py_UNICODE_ISDECIMAL`
(`\\d`). The words looked for are plain word characters (the recogniser checks it), so "the lower-case
word after the name is one of them" is "the whole run of word characters there is in the set".
recognize._tokenize uses this when it is built; tests/test_compiled.py compares the two."""
from cpython.ref cimport Py_INCREF
from cpython.tuple cimport PyTuple_SET_ITEM
from cpython.unicode cimport Py_UNICODE_ISALNUM, Py_UNICODE_ISDECIMAL, Py_UNICODE_ISSPACE


cdef extern from "Python.h":
    # the characters as stored (1, 2 or 4 bytes each), read without a Python object per character
    int PyUnicode_KIND(object text)
    void* PyUnicode_DATA(object text)
    Py_UCS4 PyUnicode_READ(int kind, void* data, Py_ssize_t index) noexcept nogil


cdef extern from *:
    """
    /* an instance of a tuple type with n empty places, as tuple.__new__(type, items) makes it
       before copying the items (without the call through the type and the copy) */
    static PyObject* newsmap_tuple_of(PyObject* type, Py_ssize_t n) {
        return ((PyTypeObject*)type)->tp_alloc((PyTypeObject*)type, n);
    }
    """
    object newsmap_tuple_of(object type, Py_ssize_t n)


cdef inline object _tuple5(object tok, object a, object b, object c, object d, object e):
    """tuple.__new__(tok, (a, b, c, d, e)): a token."""
    cdef object t = newsmap_tuple_of(tok, 5)
    Py_INCREF(a); PyTuple_SET_ITEM(t, 0, a)
    Py_INCREF(b); PyTuple_SET_ITEM(t, 1, b)
    Py_INCREF(c); PyTuple_SET_ITEM(t, 2, c)
    Py_INCREF(d); PyTuple_SET_ITEM(t, 3, d)
    Py_INCREF(e); PyTuple_SET_ITEM(t, 4, e)
    return t


cdef struct Chars:
    int kind
    void* data
    Py_ssize_t n


cdef inline Py_UCS4 _at(Chars t, Py_ssize_t i) noexcept:
    return PyUnicode_READ(t.kind, t.data, i)


cdef inline bint _word(Py_UCS4 c) noexcept:
    if c < 128:         # (most characters: no call into the Unicode tables)
        return (u'a' <= c <= u'z') or (u'A' <= c <= u'Z') or (u'0' <= c <= u'9') or c == u'_'
    return Py_UNICODE_ISALNUM(c)


cdef inline bint _apostrophe(Py_UCS4 c) noexcept:
    return c == u"'" or c == u'\u2019' or c == u'\u02bc' or c == u'\u2018'


cdef Py_ssize_t _capital_end(Chars t, Py_ssize_t i) noexcept:
    """The end of the capitalised word starting at i: word characters, then any apostrophe with
    word characters after it but a possessive's ("Ma'rib", not "Korea's")."""
    cdef Py_ssize_t j, n = t.n
    i += 1
    while i < n and _word(_at(t, i)):
        i += 1
    while i + 1 < n and _apostrophe(_at(t, i)):
        j = i + 1
        if _at(t, j) == u's' and (j + 1 >= n or not _word(_at(t, j + 1))):
            break
        if not _word(_at(t, j)):
            break
        j += 1
        while j < n and _word(_at(t, j)):
            j += 1
        i = j
    return i


cdef inline bint _starts_capital(Chars t, Py_ssize_t i) noexcept:
    """A capitalised word may start at i: an ASCII capital or any non-ASCII letter (a word
    character, not a digit) after no word character."""
    cdef Py_UCS4 c = _at(t, i)
    if not ((u'A' <= c <= u'Z') or c >= 0x80):
        return False
    if c >= 0x80 and (not _word(c) or Py_UNICODE_ISDECIMAL(c)):
        return False
    return i == 0 or not _word(_at(t, i - 1))


cdef inline bint _capital_letter(Py_UCS4 c) noexcept:
    """A word character that is no digit, no "_" and no ASCII lower-case letter (the regex's [^\\W\\da-z_])."""
    return _word(c) and not Py_UNICODE_ISDECIMAL(c) and not (u'a' <= c <= u'z') and c != u'_'


cdef Py_ssize_t _word_after(Chars t, str text, Py_ssize_t at, frozenset after_words, frozenset article_words,
                            Py_ssize_t* word_end):
    """Where the lower-case word read after `at` starts (white space or punctuation between), its
    end in word_end; -1 when there is none."""
    cdef Py_ssize_t p = at, q, n = t.n
    while p < n and not _word(_at(t, p)):
        p += 1
    if p == at or p == n:
        return -1
    q = p
    while q < n and _word(_at(t, q)):
        q += 1
    word = text[p:q]
    if word in after_words or (word in article_words and q + 1 < n and _at(t, q) == u'-'
                               and _capital_letter(_at(t, q + 1))):
        word_end[0] = q
        return p
    return -1


def tokenize(str text, list bounds, frozenset after_words, frozenset article_words, dict capitalised,
             capitalised_of, tok):
    """(tokens, capitalised words per sentence), as gazetteer.recognize._tokenize gives them.
    `bounds`: the sentences' ends; `after_words`: the lower-case words read next to a capitalised
    one; `article_words`: those read only before a hyphen and a capital ("al-Mawasi");
    `capitalised`: a word -> is it capitalised (a cache), `capitalised_of(word)` filling it; `tok`:
    the token type (a 5-tuple: start, end, text, capitalised, sentence)."""
    if not issubclass(tok, tuple):
        raise TypeError("tok must be a tuple type")
    cdef Chars t
    t.kind, t.data, t.n = PyUnicode_KIND(text), PyUnicode_DATA(text), len(text)
    cdef Py_ssize_t n = t.n, i = 0, end, p, q, last_end = 0, prev_end = -2
    cdef Py_ssize_t si = 0, last_sent = len(bounds) - 1
    cdef list tokens = []
    cdef list caps = [0] * max(len(bounds), 1)
    cdef object word, cap
    while i < n:
        if not _starts_capital(t, i):
            i += 1
            continue
        end = _capital_end(t, i)
        if i != prev_end + 1:
            if prev_end >= 0:           # the lower-case word after the capitalised one before
                p = _word_after(t, text, prev_end, after_words, article_words, &q)
                if p >= 0:
                    last_end = q
                    while si < last_sent and p >= bounds[si]:
                        si += 1
                    tokens.append(_tuple5(tok, p, q, text[p:q], False, si))
            # the lower-case word before this one: one of the words, or an article right before a hyphen
            q = i
            while q > 0 and not _word(_at(t, q - 1)):
                q -= 1
            p = q
            while p > 0 and _word(_at(t, p - 1)):
                p -= 1
            if q < i and p < q and p >= last_end:
                word = text[p:q]
                if word in after_words or (q == i - 1 and _at(t, q) == u'-' and word in article_words):
                    last_end = q
                    while si < last_sent and p >= bounds[si]:
                        si += 1
                    tokens.append(_tuple5(tok, p, q, word, False, si))
        word = text[i:end]
        cap = capitalised.get(word)
        if cap is None:
            cap = capitalised_of(word)
        while si < last_sent and i >= bounds[si]:
            si += 1
        tokens.append(_tuple5(tok, i, end, word, cap, si))
        if cap:
            caps[si] += 1
        prev_end = last_end = end
        i = end
    if prev_end >= 0:
        p = _word_after(t, text, prev_end, after_words, article_words, &q)
        if p >= 0:
            while si < last_sent and p >= bounds[si]:
                si += 1
            tokens.append(_tuple5(tok, p, q, text[p:q], False, si))
    return tokens, caps


cdef class KeySet:
    """Words to find in a lower-cased text (words of word characters and hyphens), as
    `re.finditer(r"\\b(?:k1|k2|...)\\b", low)` finds them when its alternation is a tree of the
    words' letters (gazetteer.text.trie_alternation): at each word's start, the longest word that
    ends where a word of the text does. (geo.events.triggers' key_hits.)"""
    cdef frozenset keys
    cdef Py_ssize_t longest
    # for two ASCII lower-case letters, the lengths (bits) of the words starting with them: most of
    # a text's words are no key and are passed by without a string made for them
    cdef unsigned long long lengths[26 * 26]

    def __init__(self, keys):
        self.keys = frozenset(keys)
        self.longest = max(map(len, self.keys), default=0)
        if self.longest >= 64:
            raise ValueError("a key of 64 characters or more")
        cdef Py_ssize_t k
        for k in range(26 * 26):
            self.lengths[k] = 0
        for key in self.keys:
            if len(key) >= 2 and u'a' <= key[0] <= u'z' and u'a' <= key[1] <= u'z':
                k = (ord(key[0]) - 97) * 26 + (ord(key[1]) - 97)
                self.lengths[k] |= 1ULL << len(key)

    cdef bint _maybe(self, Chars t, Py_ssize_t i, Py_ssize_t length):
        """Whether text[i:i + length] may be a key (False only when it cannot)."""
        cdef Py_UCS4 a, b
        if length < 2:
            return True
        a, b = _at(t, i), _at(t, i + 1)
        if not (u'a' <= a <= u'z' and u'a' <= b <= u'z'):
            return True
        return (self.lengths[(<Py_ssize_t>a - 97) * 26 + (<Py_ssize_t>b - 97)] >> length) & 1

    def hits(self, str low):
        """(offset, key) in text order."""
        cdef Chars t
        t.kind, t.data, t.n = PyUnicode_KIND(low), PyUnicode_DATA(low), len(low)
        cdef Py_ssize_t n = t.n, i = 0, j, best
        cdef Py_UCS4 c
        cdef list hits = []
        while i < n:
            if not _word(_at(t, i)) or (i > 0 and _word(_at(t, i - 1))):
                i += 1
                continue
            best = -1
            j = i
            while j < n and j - i < self.longest:
                c = _at(t, j)
                if c == u'-':
                    j += 1
                    continue
                if not _word(c):
                    break
                j += 1
                if (j == n or not _word(_at(t, j))) and self._maybe(t, i, j - i) and low[i:j] in self.keys:
                    best = j
            if best < 0:
                i += 1
                continue
            hits.append((i, low[i:best]))
            i = best
        return hits


cdef inline bint _quote_open(Py_UCS4 c) noexcept:
    return c == u'\u2018' or c == u'`'


cdef Py_ssize_t _link_token_end(Chars t, Py_ssize_t i):
    """The end of the linker's token starting at the non-space character i, the first of:
    initials ("U.S."), a possessive's "'s", a word with inner hyphens and apostrophes ("Al-Bab",
    "Sa’sa", not "Korea's"), one other character (geo.events.linking's _TOKEN)."""
    cdef Py_ssize_t n = t.n, j = i, k = 0
    cdef Py_UCS4 c = _at(t, i), d
    while j + 1 < n and u'A' <= _at(t, j) <= u'Z' and _at(t, j + 1) == u'.':
        j += 2
        k += 1
    if k >= 2:
        return j
    if (c == u"'" or c == u'\u2019') and i + 1 < n and _at(t, i + 1) == u's' and (i + 2 == n or not _word(_at(t, i + 2))):
        return i + 2
    j = i + 1 if _quote_open(c) and i + 1 < n and _word(_at(t, i + 1)) else i
    if not _word(_at(t, j)):
        return i + 1
    j += 1
    while j < n and _word(_at(t, j)):
        j += 1
    while j + 1 < n:
        d = _at(t, j)
        if d == u'-':
            k = j + 1
            if (_at(t, k) == u"'" or _quote_open(_at(t, k))) and k + 1 < n and _word(_at(t, k + 1)):
                k += 1
            if not _word(_at(t, k)):
                break
        elif d == u"'" or d == u'\u2019' or _quote_open(d):
            k = j + 1
            if (_at(t, k) == u's' or _at(t, k) == u'S') and (k + 1 == n or not _word(_at(t, k + 1))):
                break
            if not _word(_at(t, k)):
                break
        else:
            break
        j = k + 1
        while j < n and _word(_at(t, j)):
            j += 1
    return j


def link_tokens(str sentence, Py_ssize_t offset, dict forms, form_of, tok):
    """The linker's tokens of a sentence, as geo.events.linking._tokens_regex gives them: (start,
    end, text, lower case, may be part of a name) at `offset` + their place in the sentence, a
    name's suffix its own token ("ISIS" "-held"). `forms`: a word -> (lower case, capitalised,
    where a suffix starts or 0), a cache, `form_of(word)` filling it; `tok`: the token type."""
    if not issubclass(tok, tuple):
        raise TypeError("tok must be a tuple type")
    cdef Chars t
    t.kind, t.data, t.n = PyUnicode_KIND(sentence), PyUnicode_DATA(sentence), len(sentence)
    cdef Py_ssize_t n = t.n, i = 0, end, split
    cdef list out = []
    cdef object word, form, low
    while i < n:
        if Py_UNICODE_ISSPACE(_at(t, i)):
            i += 1
            continue
        end = _link_token_end(t, i)
        word = sentence[i:end]
        form = forms.get(word)
        if form is None:
            form = form_of(word)
        low, cap, split = form
        if split:
            out.append(_tuple5(tok, offset + i, offset + i + split, word[:split], low[:split], True))
            out.append(_tuple5(tok, offset + i + split, offset + end, word[split:], low[split:], False))
        else:
            out.append(_tuple5(tok, offset + i, offset + end, word, low, cap))
        i = end
    return out


cdef inline bint _stop(Py_UCS4 c) noexcept:
    return c == u'.' or c == u'!' or c == u'?' or c == u'\u2026'


cdef inline bint _closer(Py_UCS4 c) noexcept:
    return c == u'"' or c == u"'" or c == u'\u201d' or c == u'\u2019' or c == u')' or c == u']'


def sentence_ends(str text):
    """Where sentences may end: (start, end) of each match of gazetteer.text's _SENTENCE_END, as
    its finditer gives them: a run of stops (and closing quotes or brackets) before white space and
    a capital or digit, a blank line, a CJK full stop."""
    cdef Chars t
    t.kind, t.data, t.n = PyUnicode_KIND(text), PyUnicode_DATA(text), len(text)
    cdef Py_ssize_t n = t.n, i = 0, j, k
    cdef Py_UCS4 c, d
    cdef list out = []
    while i < n:
        c = _at(t, i)
        if _stop(c):
            if i > 0 and _stop(_at(t, i - 1)):
                i += 1
                continue
            j = i + 1
            while j < n and _stop(_at(t, j)):
                j += 1
            while j < n and _closer(_at(t, j)):
                j += 1
            k = j
            while k < n and Py_UNICODE_ISSPACE(_at(t, k)):
                k += 1
            if k > j and k < n:
                d = _at(t, k)
                if d == u'"' or d == u"'" or d == u'\u201c' or d == u'\u2018' or d == u'(' or d == u'[':
                    d = _at(t, k + 1) if k + 1 < n else 0       # an opening quote or bracket first
                if (u'A' <= d <= u'Z') or (u'0' <= d <= u'9') or (0xC0 <= d <= 0x24F):
                    out.append((i, j))
                    i = j
                    continue
            i += 1
        elif c == u'\n':
            j = i + 1
            while j < n and (_at(t, j) == u' ' or _at(t, j) == u'\t'):
                j += 1
            if j < n and _at(t, j) == u'\n':
                out.append((i, j + 1))
                i = j + 1
                continue
            i += 1
        elif c == u'\u3002' or c == u'\uff01' or c == u'\uff1f':
            out.append((i, i + 1))
            i += 1
        else:
            i += 1
    return out


def translate_runs(str text, table):
    """`text` with each run of non-ASCII characters put through str.translate(table), the ASCII
    between them as it is: `re.sub(r"[^\\x00-\\x7f]+", lambda m: m.group().translate(table), text)`
    without the regex's scan (gazetteer.normalize.fold)."""
    cdef Chars t
    t.kind, t.data, t.n = PyUnicode_KIND(text), PyUnicode_DATA(text), len(text)
    cdef Py_ssize_t n = t.n, i = 0, j, start = 0
    cdef list pieces = []
    while i < n:
        if _at(t, i) < 128:
            i += 1
            continue
        j = i + 1
        while j < n and _at(t, j) >= 128:
            j += 1
        pieces.append(text[start:i])
        pieces.append(text[i:j].translate(table))
        start = i = j
    if not pieces:
        return text
    pieces.append(text[start:])
    return "".join(pieces)
