"""What a pipeline is built from, in one place. Nothing reads the environment but `Settings.from_env`,
which the applications (command line, batch, page) call once at start."""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from gazetteer.resolve import MAX_ALTERNATIVES

# the environment variables `from_env` reads (README: "Configuration")
ENV_GEOCODER = "NEWSMAP_GEOCODER"          # "nominatim" switches the network fallback on
ENV_GEOCODER_URL = "NEWSMAP_GEOCODER_URL"  # a self-hosted Nominatim
ENV_GEOCODER_CACHE = "NEWSMAP_GEOCODER_CACHE"
ENV_ZONES = "NEWSMAP_ZONES_FILE"           # another zones.npz (geo/build/zones.py)


@dataclass(frozen=True)
class Settings:
    """How to build a `geo.pipeline.Pipeline`.

    gazetteer_dir: the place index (None: the bundled one); zones_file: the maritime zones (None:
    the bundled ones); geocoder: "nominatim" to ask the network for names the gazetteer lacks
    (off by default: names would leave the machine), with its URL and cache file; events: read
    events at all; event_families: which (None: every registered family); alternatives: runners-up
    kept per place; piece_chars: longer texts are analysed in pieces of at most this many
    characters (the cost of one piece grows faster than its length); linker: which event–location
    linker places events ("learned": geo.events.learned.LearnedLinker; "rules":
    geo.events.linking.RuleLinker)."""
    gazetteer_dir: Path | None = None
    zones_file: Path | None = None
    geocoder: str | None = None
    geocoder_url: str | None = None
    geocoder_cache: Path | None = None
    events: bool = True
    event_families: tuple[str, ...] | None = None
    alternatives: int = MAX_ALTERNATIVES
    piece_chars: int = 50_000
    linker: str = "learned"

    @classmethod
    def from_env(cls, environ=None, **overrides) -> "Settings":
        """Settings from the environment variables above, then `overrides`."""
        env = os.environ if environ is None else environ
        geocoder = (env.get(ENV_GEOCODER) or "").strip().lower() or None
        if geocoder in ("0", "off", "no", "none", "false"):
            geocoder = None
        base = cls(geocoder=geocoder, geocoder_url=(env.get(ENV_GEOCODER_URL) or "").strip() or None,
                   geocoder_cache=Path(env[ENV_GEOCODER_CACHE]) if env.get(ENV_GEOCODER_CACHE) else None,
                   zones_file=Path(env[ENV_ZONES]) if env.get(ENV_ZONES) else None)
        return replace(base, **overrides)
