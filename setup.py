"""Builds the package (its metadata is in pyproject.toml) and compiles the modules every article
passes through with Cython: the same .py files, not a second code base, 10-15 % faster. Two small
modules are written for Cython: gazetteer/treewalk.pyx, the tree ensembles' sums as C loops, which
stand in for numpy code that stays beside them and gives the same doubles, and gazetteer/scan.pyx,
the recogniser's tokeniser as one loop over the characters, which stands in for three regexes
(tests/test_compiled.py compares each with the code it stands in for).

Compiling is optional. Without a C compiler or Python's headers, or with NEWSMAP_PURE_PYTHON=1,
the package installs as plain Python and gives the same answers. A compiled module is used only
while its source is the one it was compiled from (gazetteer/compiled.py): an edited .py file is
run as it is until the next `pip install -e .`."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from setuptools import setup

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "gazetteer" / "compiled_sources.json"   # module -> SHA-256 of the .py it was built from

# the per-article path: recognition, resolution, events, spatial expressions, the output records
COMPILED = [
    "gazetteer/bounded.py", "gazetteer/containment.py", "gazetteer/index.py", "gazetteer/normalize.py",
    "gazetteer/rank.py", "gazetteer/recognize.py", "gazetteer/resolve.py", "gazetteer/text.py",
    "geo/events/actors.py", "geo/events/context.py", "geo/events/learned.py", "geo/events/linking.py",
    "geo/events/missiles.py", "geo/events/reports.py", "geo/events/times.py", "geo/events/triggers.py",
    "geo/spatial/estimate.py", "geo/spatial/expressions.py", "geo/spatial/measure.py", "geo/spatial/parts.py",
    "geo/io/export.py", "geo/io/reader.py", "geo/pipeline.py", "geo/vocabulary.py",
]

PYX = ("treewalk", "scan")

DIRECTIVES = {
    "language_level": 3,
    "binding": True,              # functions stay introspectable and picklable, as in Python
    "annotation_typing": False,   # annotations are documentation here, never C types or checks
}


def source_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def compiled_extensions() -> list:
    if os.environ.get("NEWSMAP_PURE_PYTHON") == "1":
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:
        print("newsmap: Cython is not installed; installing as plain Python")
        return []
    from setuptools import Extension
    modules = [Extension(path[:-3].replace("/", "."), [path], optional=True) for path in COMPILED]
    # the tree ensembles' C loops: written for Cython, with the numpy code they stand in for as the fallback
    # modules written for Cython, each with the Python code it stands in for as the fallback: the
    # tree ensembles' sums, the recogniser's tokeniser
    modules += [Extension(f"gazetteer.{name}", [f"gazetteer/{name}.pyx"], optional=True) for name in PYX]
    extensions = cythonize(modules, compiler_directives=DIRECTIVES, build_dir="build/cython", quiet=True,
                           nthreads=os.cpu_count() or 1)
    digests = {path[:-3].replace("/", "."): source_digest(HERE / path) for path in COMPILED}
    digests.update({f"gazetteer.{name}": source_digest(HERE / "gazetteer" / f"{name}.pyx") for name in PYX})
    MANIFEST.write_text(json.dumps(digests, indent=1) + "\n")
    return extensions


setup(ext_modules=compiled_extensions(),
      options={"build_ext": {"parallel": os.cpu_count() or 1}})     # the C files compile side by side
