"""What a pipeline is built from, in one place. Nothing reads the environment but `Settings.from_env`,
which the applications (command line, batch, page) call once at start."""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from gazetteer.resolve import MAX_ALTERNATIVES
from gazetteer.user import DEFAULT_PATH as DEFAULT_USER_GAZETTEER

# the environment variables `from_env` reads (README: "Configuration")
ENV_GEOCODER = "NEWSMAP_GEOCODER"          # "nominatim" switches the network fallback on
ENV_GEOCODER_URL = "NEWSMAP_GEOCODER_URL"  # a self-hosted Nominatim
ENV_GEOCODER_CACHE = "NEWSMAP_GEOCODER_CACHE"
ENV_ZONES = "NEWSMAP_ZONES_FILE"           # another zones.npz (geo/build/zones.py)
ENV_USER_GAZETTEER = "NEWSMAP_USER_GAZETTEER"   # the user's own gazetteer file; "off": none
ENV_GAZETTEER_DIR = "NEWSMAP_GAZETTEER_DIR"     # another index folder (python -m gazetteer build --out)


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
    geo.events.linking.RuleLinker); user_gazetteer: the user's own gazetteer file (gazetteer.user;
    None: none), whose places rank above the bundled data and which is read again when it changes."""
    gazetteer_dir: Path | None = None
    user_gazetteer: Path | None = None
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
                   zones_file=Path(env[ENV_ZONES]) if env.get(ENV_ZONES) else None,
                   user_gazetteer=user_gazetteer_path(env.get(ENV_USER_GAZETTEER)),
                   gazetteer_dir=Path(env[ENV_GAZETTEER_DIR]).expanduser() if env.get(ENV_GAZETTEER_DIR) else None)
        return replace(base, **overrides)


def user_gazetteer_path(value: str | None) -> Path | None:
    """The user gazetteer's path from the environment's value: unset or empty gives the default
    (~/.local/share/newsmap/gazetteer.tsv), "off" (or "none", "0") gives none."""
    value = (value or "").strip()
    if value.lower() in ("off", "none", "0", "no", "false"):
        return None
    return Path(value or DEFAULT_USER_GAZETTEER).expanduser()
