"""The maritime family: attacks on ships, seizures and boardings of ships, sinkings, collisions
and groundings. A trigger is maritime when a vessel word stands nearest it ("a tanker was struck",
"seized the cargo ship"); ships are usually placed from the sea ("97 nautical miles northwest of
Hodeidah", "70 nautical miles off Aden": out to sea from the port, ``geo.spatial.expressions``)."""
from __future__ import annotations

from geo.events.registry import FamilyResult, family
from geo.events.reports import family_result, fires_for


@family("maritime", fires=fires_for("maritime"))
def read_maritime(ctx) -> FamilyResult:
    return family_result(ctx, "maritime")
