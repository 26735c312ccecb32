"""Names and places: the place index built from GeoNames and Natural Earth, finding place names
in text, choosing the right place for each."""
from gazetteer.compiled import install as _use_fresh_compiled_modules

_use_fresh_compiled_modules()
