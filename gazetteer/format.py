"""The file format of the place index, shared by the builder (`gazetteer.build`) and the loader
(`gazetteer.index`): file names, posting flags and the place table's row layout.

An index folder holds:
- `names.marisa`: a marisa trie of every folded name key (`gazetteer.normalize.name_key`);
- `offsets.npy` (int32, one more than the trie has keys) and `postings.npy` (pid int32, flags
  uint8): the postings of trie key id k are rows offsets[k]:offsets[k+1];
- `places.npy`: one PLACE_DTYPE row per place, `place_names.txt` its names, one a line;
- `shapes.json.gz`: {pid: GeoJSON geometry} of seas and regions (simplified);
- `exact_forms.json`: {key: [forms written exactly so]} for EXACT_CASE postings;
- `lexicon.json`: word lists the recogniser reads (common words, given names, lower-case keys);
- `english_names.json`: {pid: [keys]} of the English names a place is called beside its own
  ("Odessa" for Odesa, "Hodeidah" for Al Ḩudaydah; optional: an index of the full dump has none);
- `meta.json`: counts, date and sources of the build.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

# Posting flags: how a name may be matched in text.
PRIMARY = 1        # the place's own name (not an alternate)
EXACT_CASE = 2     # abbreviation: must appear exactly as written ("US", "U.S.", "Ga.")
LOWER_OK = 4       # may appear in lower case ("the demilitarised zone")
DEMONYM = 8        # adjective or people ("Japanese" -> Japan)
AMBIGUOUS = 16     # demonym or short form often meaning something else ("Polish")
POSTAL = 32        # two-letter state code: only after "City, "
ASCII_ALT = 64     # an alternate name in Latin script
USER = 128         # a name from the user's own gazetteer (gazetteer.user; never in an index file)

PLACE_DTYPE = np.dtype([
    ("lat", "f8"), ("lon", "f8"), ("population", "i8"), ("geonameid", "i8"),
    ("ftype", "u1"), ("cc", "S2"), ("admin1", "S8"), ("source", "u1"), ("importance", "f4"),
])
# a place's `source` is an index into this tuple
SOURCES = ("geonames", "naturalearth", "curated", "airportsdata")

NAMES_FILE = "names.marisa"
OFFSETS_FILE = "offsets.npy"
POSTINGS_FILE = "postings.npy"
PLACES_FILE = "places.npy"
PLACE_NAMES_FILE = "place_names.txt"
SHAPES_FILE = "shapes.json.gz"
EXACT_FORMS_FILE = "exact_forms.json"
LEXICON_FILE = "lexicon.json"
META_FILE = "meta.json"
ENGLISH_NAMES_FILE = "english_names.json"
INDEX_FILES = (NAMES_FILE, OFFSETS_FILE, POSTINGS_FILE, PLACES_FILE, PLACE_NAMES_FILE, SHAPES_FILE,
               EXACT_FORMS_FILE, LEXICON_FILE, META_FILE)

# the index bundled with the code
DEFAULT_INDEX = Path(__file__).resolve().parent / "data" / "index"
