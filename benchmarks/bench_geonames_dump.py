"""Time and memory of `python -m gazetteer build --geonames ...` on a synthetic dump in GeoNames'
exact column format, extrapolated to the real one (about 12.4 million features in allCountries.txt
and 16 million lines in alternateNamesV2.txt).

    python benchmarks/bench_geonames_dump.py [--rows 300000] [--keep DIR]

The synthetic rows mix the dump's feature classes in its proportions (about 45 % hydrography and
terrain, 40 % populated places, 15 % spots and areas) with one to six alternate names each
(GeoNames averages about 2.5 in the column) and 1.3 lines of alternateNamesV2 per feature.
Names are made of random syllables, so keys are as distinct as real ones (worse for the trie).
Natural Earth and the curated tables are added as in a real build.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL_ROWS = 12_400_000
REAL_ALTERNATES = 16_000_000
CLASSES = [("H", "STM")] * 25 + [("T", "HLL")] * 15 + [("T", "ISL")] * 5 + [("P", "PPL")] * 40 + \
          [("S", "SCH")] * 10 + [("L", "AREA")] * 5
SYLLABLES = "ka ri mo na to su lan ber gor vil ham ton dor mi sa el al ez ku shi ya bad pur abad".split()


def name(rng: random.Random) -> str:
    return " ".join("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
                    for _ in range(rng.choice((1, 1, 1, 2, 2, 3))))


def write_sample(folder: Path, rows: int, seed: int = 7) -> tuple[Path, Path]:
    rng = random.Random(seed)
    dump, alts = folder / "allCountries.txt", folder / "alternateNamesV2.txt"
    with dump.open("w", encoding="utf-8") as d, alts.open("w", encoding="utf-8") as a:
        alt_id = 1
        for gid in range(1, rows + 1):
            fclass, fcode = rng.choice(CLASSES)
            n = name(rng)
            others = ",".join(name(rng) for _ in range(rng.randint(1, 6)))
            d.write("\t".join(map(str, (gid, n, n, others, round(rng.uniform(-60, 70), 5), round(rng.uniform(-180, 180), 5),
                                       fclass, fcode, rng.choice(("US", "IN", "CN", "RU", "BR", "NG")), "", "01", "", "", "",
                                       rng.choice((0, 0, 0, 500, 20000)), "", 100, "UTC", "2024-01-01"))) + "\n")
            for _ in range(1 if rng.random() < 0.7 else 2):
                a.write("\t".join(map(str, (alt_id, gid, rng.choice(("en", "", "de", "link", "post")), name(rng),
                                           "", "", "", "", "", ""))) + "\n")
                alt_id += 1
    return dump, alts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=300_000)
    ap.add_argument("--keep", type=Path, help="keep the built index here")
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-dump-"))
    try:
        dump, alts = write_sample(tmp, a.rows)
        alt_lines = sum(1 for _ in alts.open(encoding="utf-8"))
        out = a.keep or tmp / "index"
        t0 = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, "-m", "gazetteer", "build", "--geonames",
                            str(dump), "--alternate-names", str(alts), "--out", str(out)],
                           cwd=ROOT, capture_output=True, text=True)
        secs = time.perf_counter() - t0
        if p.returncode != 0:
            print(p.stderr[-2000:])
            return 1
        rss_mb = int(p.stderr.strip().splitlines()[-1]) / 1024
        size = sum(f.stat().st_size for f in out.iterdir())
        meta = json.loads((out / "meta.json").read_text())
        scale = REAL_ROWS / a.rows
        print(f"{a.rows:,} features + {alt_lines:,} alternate-name lines: {secs:.1f} s, peak RSS {rss_mb:.0f} MiB, "
              f"index {size / 2**20:.1f} MiB ({meta['places']:,} places, {meta['keys']:,} keys, "
              f"{meta['postings']:,} postings)")
        print(f"extrapolated to {REAL_ROWS:,} features and {REAL_ALTERNATES:,} alternate names (linear): "
              f"about {secs * scale / 60:.0f} min, index about {size * scale / 2**30:.1f} GiB; memory stays near "
              f"the runs' {2_000_000:,} records plus the trie builder's share of the keys")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
