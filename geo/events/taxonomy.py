"""The kinds of event the program reads, each with the family that reads it, a label, an icon and
a colour for the map (README: "Events").

The words that trigger each type are in ``geo.vocabulary.TRIGGER_WORDS``; this module says what
the types are. `TYPES` is in order of specificity: when several triggers of one sentence report
one incident ("a missile strike hit the city, killing three"), the incident takes the type that
comes first here (an air strike, not a killing).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class EventType:
    name: str                      # the machine name ("airstrike"): GeoJSON `type`, JSON Lines `type`
    label: str                     # what a reader sees ("Air or drone strike")
    family: str                    # the family that reads it (geo/events/registry.py)
    group: str                     # conflict | unrest | maritime | weapons | hazard | accident
    icon: str                      # one character, drawn in the marker (one Debian's default fonts have)
    colour: str                    # the marker's colour (#rrggbb)


TYPES: tuple[EventType, ...] = (
    EventType("missile_launch", "Missile launch", "missiles", "weapons", "▲", "#8e44ad"),
    EventType("missile_impact", "Missile impact", "missiles", "weapons", "✖", "#c0392b"),
    EventType("overflight", "Overflight", "missiles", "weapons", "➶", "#6c3483"),
    EventType("nuclear_test", "Nuclear test", "conflict", "weapons", "☢", "#9a7d0a"),
    EventType("ship_attack", "Attack on a ship", "maritime", "maritime", "⚓", "#922b21"),
    EventType("ship_seizure", "Seizure or boarding of a ship", "maritime", "maritime", "⚑", "#0e6655"),
    EventType("ship_accident", "Ship sinking, collision or grounding", "maritime", "maritime", "☸", "#1b4f72"),
    EventType("aircraft_crash", "Aircraft crash", "accidents", "accident", "✈", "#34495e"),
    EventType("industrial", "Industrial explosion or fire", "accidents", "accident", "⚙", "#7e5109"),
    EventType("earthquake", "Earthquake", "hazards", "hazard", "≋", "#784212"),
    EventType("tsunami", "Tsunami", "hazards", "hazard", "∿", "#117a65"),
    EventType("eruption", "Volcanic eruption", "hazards", "hazard", "▴", "#943126"),
    EventType("storm", "Storm landfall", "hazards", "hazard", "✺", "#2e86c1"),
    EventType("flood", "Flood", "hazards", "hazard", "≈", "#1f618d"),
    EventType("wildfire", "Wildfire", "hazards", "hazard", "♨", "#d35400"),
    EventType("airstrike", "Air or drone strike", "conflict", "conflict", "☄", "#6c3483"),
    EventType("shelling", "Shelling", "conflict", "conflict", "✸", "#a04000"),
    EventType("explosion", "Bombing or explosion", "conflict", "conflict", "✹", "#e67e22"),
    EventType("shooting", "Shooting", "conflict", "conflict", "◎", "#b03a2e"),
    EventType("abduction", "Abduction or capture", "conflict", "conflict", "⊗", "#7d3c98"),
    EventType("arrest", "Arrest", "conflict", "unrest", "⚖", "#2c3e50"),
    EventType("riot", "Riot", "unrest", "unrest", "⚠", "#cb4335"),
    EventType("protest", "Protest, demonstration or march", "unrest", "unrest", "⚐", "#2874a6"),
    EventType("patrol", "Patrol or deployment", "conflict", "conflict", "◈", "#196f3d"),
    EventType("attack", "Armed attack or clash", "conflict", "conflict", "⚔", "#a93226"),
    EventType("killing", "Killing", "conflict", "conflict", "✝", "#4d5656"),
)
BY_NAME: dict[str, EventType] = {t.name: t for t in TYPES}
# the missile family's roles and the taxonomy's names for them
MISSILE_ROLES = {"launch": "missile_launch", "impact": "missile_impact", "overflight": "overflight"}
# a trigger a user gives (parse --jsonl "events") that no vocabulary word explains
UNKNOWN = EventType("event", "Event", "", "other", "●", "#566573")


def event_type(name: str) -> EventType:
    """The type called `name` (UNKNOWN for a name the taxonomy lacks)."""
    return BY_NAME.get(name, UNKNOWN)


_RANK = {t.name: k for k, t in enumerate(TYPES)}


def rank(name: str) -> int:
    """How specific a type is: lower is more specific (the order of TYPES)."""
    return _RANK.get(name, len(TYPES))


@lru_cache(maxsize=None)
def family_types(family: str) -> frozenset[str]:
    """The names of the types one family reads (each family asks for every article)."""
    return frozenset(t.name for t in TYPES if t.family == family)
