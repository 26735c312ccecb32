"""The accidents family: aircraft crashes, industrial explosions and fires. An explosion or a
fire is industrial when a facility word stands nearest it ("an explosion at a chemical plant");
a crash is an aircraft's when an aircraft word does ("the plane crashed")."""
from __future__ import annotations

from geo.events.registry import FamilyResult, family
from geo.events.reports import family_result, fires_for


@family("accidents", fires=fires_for("accidents"))
def read_accidents(ctx) -> FamilyResult:
    return family_result(ctx, "accidents")
