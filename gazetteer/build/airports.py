"""Airports and air bases from the `airportsdata` package (ICAO list, MIT licence): every airport
with an IATA code and every military field ("Air Base", "Airbase", "Air Force Base", "Naval Air
Station"), as sites. Each gets its full name, the name without its city ("Gatwick Airport"), and
its own word(s) when they are distinctive ("Gatwick", "Schiphol", "Hmeimim")."""
from __future__ import annotations

import re

from gazetteer.build.common import Builder, progress
from gazetteer.format import PRIMARY
from gazetteer.model import SITE
from gazetteer.normalize import name_key

MILITARY = re.compile(r"\b(?:Air Base|Airbase|Air Force Base|Naval Air Station|Air Station|Army Air Field|Air Field)\b", re.I)
GENERIC = frozenset("""airport international intl intl. regional municipal air base airbase airfield field force
station naval domestic aerodrome airstrip heliport county national memorial of and the de del
aeroporto aeropuerto aéroport flughafen army marine corps""".split())


def core_words(name: str, city: str) -> str:
    """What is left of an airport's name without its city's words and generic words."""
    city_words = {w.lower() for w in re.findall(r"[\w'’-]+", city or "")}
    words = [w for w in re.findall(r"[\w'’-]+", name) if w.lower() not in GENERIC and w.lower() not in city_words]
    return " ".join(words)


def add_airports(b: Builder, common: set[str], given: set[str]) -> int:
    try:
        import airportsdata
    except ImportError:
        progress("airportsdata not installed: no airports")
        return 0
    n = 0
    for a in airportsdata.load("ICAO").values():
        name, military = a["name"].strip(), bool(MILITARY.search(a["name"]))
        if not name or not (a["iata"] or military):
            continue
        pid = b.add_place(name, a["lat"], a["lon"], SITE, a["country"], source="airportsdata",
                          importance=0.3 if military else 0.2)
        b.add_name(name, pid, PRIMARY)
        city = (a["city"] or "").strip()
        if city and name.lower().startswith(city.lower() + " ") and len(name) > len(city) + 8:
            b.add_name(name[len(city) + 1:], pid)                       # "Gatwick Airport"
        core = core_words(name, city)
        first = core.split()[0].lower() if core else ""
        if len(core) >= 5 and name_key(core) not in common and first not in given and first not in common:
            b.add_name(core, pid)                                       # "Gatwick", "Hmeimim"
        n += 1
    progress(f"{n} airports and air bases")
    return n
