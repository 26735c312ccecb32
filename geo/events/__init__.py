"""Events read from an analysed article: what happened, where and when.

``read_events(analysis, zones)`` runs every registered family (``geo.events.registry``) whose
cheap test fires on the text, and returns the analysis with its events, relations and areas.
"""
from __future__ import annotations

from dataclasses import replace

from geo.events import missiles  # noqa: F401  (registers the missile family first: it claims its sentences)
from geo.events import accidents, conflict, hazards, maritime, unrest  # noqa: F401  (the other families)
from geo.events.context import EventContext
from geo.events.registry import FAMILIES
from geo.model import Analysis


def read_events(analysis: Analysis, zones=None, families=None, linker=None, words=None, capital=None,
                shape_of=None) -> Analysis:
    """A new Analysis with the events the text reports. `zones`: a ``geo.spatial.zones.Zones``
    (None: events are placed but not checked against zones, with a note). `families`: names of
    the families to run (None: all). `linker`: a ``geo.events.linking.Linker`` (None: the
    rule-based one); `words`: the gazetteer's word lists the linker's candidates read; `capital`:
    country code -> its capital's Place ("in the Somali capital" is in Mogadishu), or None;
    `shape_of`: a place's outline (``geo.spatial.parts.Shapes``: "southern Lebanon"), or None."""
    text = analysis.document.text
    chosen = [f for name, f in FAMILIES.items() if (families is None or name in families) and f.fires(text)]
    if not chosen:
        return analysis          # nothing of any kind fired: most news, and it costs nothing
    ctx = EventContext(analysis, zones, list(analysis.notes), linker, words or {}, capital=capital, shape_of=shape_of)
    events, relations, areas = [], [], []
    for f in chosen:
        found = f.read(ctx)
        events += found.events
        relations += found.relations
        areas += found.areas
    return replace(analysis, events=tuple(events), relations=tuple(relations), areas=tuple(areas),
                   notes=tuple(ctx.notes))
