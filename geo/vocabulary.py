"""Trigger words, once: the verbs that say something was fired, came down or flew over.

Both the spatial expressions ("fired from Wonsan", "landed in the Sea of Japan") and the event
families read these lists; a word added here is read everywhere.
"""
from __future__ import annotations

import re

LAUNCH_VERBS = ("fired", "fires", "launched", "launches", "test-fired", "test-fires", "test-launched",
                "lifted off", "took off")
IMPACT_VERBS = ("landed", "lands", "fell", "falls", "splashed down", "splashes down", "impacted", "crashed",
                "came down", "dropped")
OVERFLIGHT_VERBS = ("passed over", "passing over", "flew over", "flying over", "flown over", "overflew")
SPEECH_VERBS = ("said", "says", "say", "confirmed", "confirms", "announced", "announces", "reported", "reports",
                "told", "added", "stated", "according to", "claimed", "claims")


def alternation(words) -> str:
    """A regex alternation of words (longest first; spaces match any white space)."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


LAUNCH_PATTERN = alternation(LAUNCH_VERBS)
IMPACT_PATTERN = alternation(IMPACT_VERBS)
OVERFLIGHT_PATTERN = alternation(OVERFLIGHT_VERBS)
SPEECH_PATTERN = alternation(SPEECH_VERBS)
