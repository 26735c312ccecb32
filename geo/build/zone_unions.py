"""Each state's land, territorial sea and EEZ as one geometry, made once from the zones file.

    python -m geo.build.zone_unions [--zones geo/data/zones.npz]

`Zones.zone_geometry(state, kind)` unions a state's pieces on first use: 5-10 ms a state and kind,
paid in the middle of a stream of articles the first time one says "off the coast of X" or
"southern X". This writes those unions, made by the same code from the same file, as WKB next to
the zones file (`zones_unions.npz`), with the zones file's SHA-256: the runtime reads a union from
it only while that hash matches (a rebuilt zones file without new unions falls back to the union
made at run time, the same geometry). `python -m geo.build.zones` runs this at its end.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np
import shapely

from geo.spatial.zones import DEFAULT_ZONES_FILE, KINDS, Zones, file_digest, unions_path


def build_unions(zones_file: Path) -> Path:
    """Write every (state, kind) union of `zones_file` next to it; return the written path."""
    zones = Zones(zones_file)
    states = sorted({u["sov"] for u in zones.units if u["sov"]})
    keys, blobs = [], []
    for state in states:
        for kind in KINDS:
            keys.append(f"{state}|{kind}")
            blobs.append(shapely.to_wkb(zones.union_of(state, kind)))
    ends = np.cumsum([len(b) for b in blobs], dtype=np.int64)
    out = unions_path(zones_file)
    tmp = out.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, wkb=np.frombuffer(b"".join(blobs), np.uint8), ends=ends,
                        meta=np.array(json.dumps({"zones_sha256": file_digest(zones_file), "keys": keys})))
    os.replace(tmp, out)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--zones", type=Path, default=DEFAULT_ZONES_FILE)
    a = ap.parse_args(argv)
    out = build_unions(a.zones)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
