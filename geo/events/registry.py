"""Event families, registered by name: each reads one kind of event from an article.

A family is a function over an ``EventContext`` returning a ``FamilyResult``, registered with
``@family(name, fires=...)``: `fires(text)` is a cheap test on the whole text (most articles
name no missile) run before anything else is read.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from geo.model import Area, Event, Relation


@dataclass
class FamilyResult:
    events: list[Event] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    areas: list[Area] = field(default_factory=list)


@dataclass(frozen=True)
class Family:
    name: str
    fires: Callable[[str], bool]
    read: Callable[..., FamilyResult]


FAMILIES: dict[str, Family] = {}


def family(name: str, fires: Callable[[str], bool]):
    """Register an event family under `name` (families run in registration order)."""
    def register(read):
        if name in FAMILIES:
            raise ValueError(f"event family {name!r} is registered twice")
        FAMILIES[name] = Family(name, fires, read)
        return read
    return register
