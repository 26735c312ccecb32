"""The word lists the recogniser reads, from real word lists: common lower-case English words
(Debian's `wamerican`, /usr/share/dict/american-english, if present) and given names
(`gender_guesser`'s name list)."""
from __future__ import annotations

from pathlib import Path

WORDS = Path("/usr/share/dict/american-english")


def common_words(path: Path = WORDS) -> set[str]:
    # a word written in lower case ("as", "may", "china") is common even when it is also a name:
    # the recogniser lets strong places (countries, capitals, big cities) through regardless
    common: set[str] = set()
    if path.exists():
        for w in path.read_text(encoding="utf-8", errors="ignore").split():
            if "'" in w or w[0].isupper():
                continue
            common.add(w.lower())
    return common


def given_names() -> set[str]:
    given: set[str] = set()
    try:
        import gender_guesser  # type: ignore
    except ImportError:
        return given
    path = Path(gender_guesser.__file__).parent / "data" / "nam_dict.txt"
    for line in path.read_text(encoding="utf-8", errors="ignore").splitlines():
        if line.startswith("#") or len(line) < 30:
            continue
        code, name = line[:2].strip(), line[3:29].strip()
        if code and name and " " not in name and "+" not in name:
            given.add(name.lower())
    return given


def build_lexicon() -> dict:
    """Common lower-case English words and given names."""
    return {"common_words": sorted(common_words()), "given_names": sorted(given_names())}
