"""The hazards family: earthquakes, tsunamis, floods, wildfires, storm landfalls, volcanic
eruptions. An earthquake's label carries its magnitude when the text gives one ("a magnitude 7.5
earthquake" -> "Earthquake M7.5 (about 40 km north-east of Anamizu)")."""
from __future__ import annotations

import re
from dataclasses import replace

from geo.events.registry import FamilyResult, family
from geo.events.reports import family_result, fires_for

_MAGNITUDE_RE = re.compile(r"\b(?:magnitude(?:\s+of)?\s*(?:-\s*)?(?P<a>\d(?:\.\d)?)|(?P<b>\d(?:\.\d)?)(?:\s*-\s*|\s+)"
                           r"magnitude|M\s?(?P<c>\d\.\d))\b", re.I)


def magnitude(text: str) -> str | None:
    """The magnitude a text gives an earthquake ("magnitude 7.5", "7.5-magnitude", "M7.5")."""
    m = _MAGNITUDE_RE.search(text)
    return (m.group("a") or m.group("b") or m.group("c")) if m else None


@family("hazards", fires=fires_for("hazards"))
def read_hazards(ctx) -> FamilyResult:
    out = family_result(ctx, "hazards")
    for k, e in enumerate(out.events):
        if e.type == "earthquake":
            mag = next((m for i in e.sentences for m in [magnitude(ctx.document.sentence_text(i))] if m), None)
            if mag:
                out.events[k] = replace(e, label=e.label.replace("Earthquake", f"Earthquake M{mag}", 1))
    return out
