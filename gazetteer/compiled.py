"""Compiled modules are used only while their source is the one they were compiled from.

`pip install` compiles the per-article modules with Cython (setup.py) and records the SHA-256 of
each .py it compiled in compiled_sources.json. Python prefers a compiled module to the .py beside
it; after the .py is edited (or checked out at another version) that would run stale code. This
finder, placed before Python's own, loads the .py instead whenever its digest differs from the
record, or there is no record. NEWSMAP_PURE_PYTHON=1 runs every module from its .py (the answers
are the same; the tests compare them)."""
from __future__ import annotations

import hashlib
import importlib
import importlib.machinery
import importlib.util
import json
import os
import sys
from pathlib import Path

MANIFEST = Path(__file__).with_name("compiled_sources.json")
PACKAGES = ("gazetteer.", "geo.")


def _recorded() -> dict[str, str]:
    try:
        return json.loads(MANIFEST.read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def _digest(source: Path) -> str:
    """The SHA-256 of a source file, as setup.py records it for what it compiled."""
    return hashlib.sha256(source.read_bytes()).hexdigest()


class StaleCompiledFinder:
    """A meta path finder that answers only for a compiled module whose source has changed."""

    def __init__(self, recorded: dict[str, str], pure: bool = False) -> None:
        self.recorded = recorded
        self.pure = pure            # every module from its .py

    def find_spec(self, name, path=None, target=None):
        if path is None or not name.startswith(PACKAGES):
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or not isinstance(spec.loader, importlib.machinery.ExtensionFileLoader):
            return None
        source = Path(spec.origin).parent / (name.rpartition(".")[2] + ".py")
        if not source.exists():
            return None
        if not self.pure and self.recorded.get(name) == _digest(source):
            return spec                 # compiled from this very source
        return importlib.util.spec_from_file_location(name, source)

    def invalidate_caches(self) -> None:
        pass


def install() -> None:
    """Put the finder first on sys.meta_path (once)."""
    if not any(isinstance(f, StaleCompiledFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, StaleCompiledFinder(_recorded(), os.environ.get("NEWSMAP_PURE_PYTHON") == "1"))


def extension(name: str):
    """A module written for Cython (gazetteer/<name>.pyx), or None: not built, built from another
    version of the .pyx, or NEWSMAP_PURE_PYTHON=1. The callers then run the Python code it stands
    in for, with the same answers."""
    if os.environ.get("NEWSMAP_PURE_PYTHON") == "1":
        return None
    source = Path(__file__).with_name(f"{name}.pyx")
    try:
        if _recorded().get(f"gazetteer.{name}") != _digest(source):
            return None
        module = importlib.import_module(f"gazetteer.{name}")
    except (OSError, ImportError):
        return None
    return module


def treewalk():
    """The tree ensembles' C loops (gazetteer/treewalk.pyx), or None (the numpy code runs)."""
    return extension("treewalk")


def scan():
    """The recogniser's tokeniser as a C loop (gazetteer/scan.pyx), or None (the regexes run)."""
    return extension("scan")


def is_compiled(module) -> bool:
    """Whether a loaded module runs compiled code."""
    return isinstance(getattr(module, "__loader__", None), importlib.machinery.ExtensionFileLoader)
