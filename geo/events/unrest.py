"""The unrest family: protests, demonstrations and marches, riots.

A "protest" lodged through an embassy is no demonstration (``geo.vocabulary.NOT_EVENT_BEFORE``);
what a protest is against is not where it is ("protested against the killings in Sopore")."""
from __future__ import annotations

from geo.events.registry import FamilyResult, family
from geo.events.reports import family_result, fires_for


@family("unrest", fires=fires_for("unrest"))
def read_unrest(ctx) -> FamilyResult:
    return family_result(ctx, "unrest")
