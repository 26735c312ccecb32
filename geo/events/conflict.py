"""The conflict family: armed attacks and clashes, air and drone strikes, shelling, bombings and
explosions, shootings, killings, abductions, arrests, patrols and deployments, nuclear tests.

Read by the shared steps of ``geo.events.reports`` (triggers, links, incidents, placing)."""
from __future__ import annotations

from geo.events.registry import FamilyResult, family
from geo.events.reports import family_result, fires_for


@family("conflict", fires=fires_for("conflict"))
def read_conflict(ctx) -> FamilyResult:
    return family_result(ctx, "conflict")
