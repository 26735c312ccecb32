"""Speed of geo.spatial.zones: load time, data size and per-point lookup time.

Run: python benchmarks/bench_zones.py [N]
Needs only the committed data file geo/data/zones.npz (built by python -m geo.build.zones).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from geo.spatial.zones import DEFAULT_ZONES_FILE, Zones  # noqa: E402

SEA_OF_JAPAN = [  # (label, lon, lat)
    ("~200 km NW of Oki", 131.67, 37.53),
    ("off Wonsan", 127.60, 39.20),
    ("Liancourt Rocks", 131.87, 37.24),
    ("250 km W of Oga", 136.78, 39.86),
    ("Tsushima Strait", 129.20, 34.80),
    ("mid Sea of Japan", 134.00, 40.00),
]


def main(n: int = 10_000) -> None:
    if not DEFAULT_ZONES_FILE.exists():
        print(f"skip: {DEFAULT_ZONES_FILE} missing (run python -m geo.build.zones)")
        return
    t0 = time.perf_counter()
    zones = Zones.load()
    t_load = time.perf_counter() - t0
    info = zones.data_info()
    print(f"data file: {info['path']} ({info['bytes'] / 1e6:.2f} MB, {info['pieces']} zone "
          f"pieces, {info['dispute_pieces']} dispute pieces)")
    print(f"load time: {t_load * 1000:.0f} ms")

    rng = np.random.default_rng(42)
    lons = rng.uniform(-180, 180, n)
    # uniform on the sphere
    lats = np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
    # near-coast points: perturbed Sea of Japan / Europe / Caribbean boxes
    boxes = [(124, 33, 142, 45), (-10, 35, 30, 60), (-90, 10, -60, 25), (100, 0, 130, 25)]
    cl = []
    for x0, y0, x1, y1 in boxes:
        cl.append(np.column_stack([rng.uniform(x0, x1, n // 4), rng.uniform(y0, y1, n // 4)]))
    coastal = np.vstack(cl)

    for label, xs, ys in (("random world", lons, lats),
                          ("coastal seas", coastal[:, 0], coastal[:, 1])):
        zones.zones_at(float(xs[0]), float(ys[0]))  # warm up
        t0 = time.perf_counter()
        nhits = 0
        for x, y in zip(xs, ys):
            nhits += len(zones.zones_at(float(x), float(y)))
        dt = time.perf_counter() - t0
        print(f"zones_at, {label}: {len(xs)} points, {dt / len(xs) * 1e6:.0f} us/point "
              f"(near_km=50, {nhits / len(xs):.2f} hits/point)")
        t0 = time.perf_counter()
        res = zones.zones_at_many(xs, ys)
        dt = time.perf_counter() - t0
        print(f"zones_at_many (inside only), {label}: {dt / len(xs) * 1e6:.0f} us/point "
              f"({sum(map(len, res)) / len(xs):.2f} hits/point)")
        t0 = time.perf_counter()
        for x, y in zip(xs[:2000], ys[:2000]):
            zones.country_at(float(x), float(y))
        dt = time.perf_counter() - t0
        print(f"country_at, {label}: {dt / 2000 * 1e6:.0f} us/point")

    print("Sea of Japan:")
    for label, x, y in SEA_OF_JAPAN:
        t0 = time.perf_counter()
        for _ in range(200):
            hits = zones.zones_at(x, y)
        dt = (time.perf_counter() - t0) / 200
        inside = ", ".join(f"{h.name}{' [disputed]' if h.disputed else ''}"
                           for h in hits if h.inside) or "no zone"
        print(f"  {label:20s} {dt * 1e6:6.0f} us  {inside}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
