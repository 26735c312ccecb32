"""Place names that conflict, incident and disaster reports use, each in a plain sentence: the
share recognised (a place mention covering the name) and the share placed within 161 km of the
expected point.

    python benchmarks/eval_news_names.py [--errors] [--category island] [--json] [--gazetteer DIR] [--list TSV]

The list is benchmarks/data/news_names.tsv (about 180 names, with the source of each expected
point). It is a check of the gazetteer's depth and rules, not something to tune to: the project is
scored on another list. Runs the default pipeline (bundled index, no user gazetteer) in process.
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LIST = Path(__file__).resolve().parent / "data" / "news_names.tsv"
RADIUS_KM = 161.0


def load(path: Path = LIST) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        lines = [ln for ln in fh if not ln.startswith("#") and ln.strip()]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def check(row: dict, analysis) -> dict:
    """Recognised: a toponym or demonym mention whose span holds the whole name; placed: its place
    within 161 km of the expected point."""
    s = row["sentence"].index(row["name"])
    e = s + len(row["name"])
    found = [r for r in analysis.resolutions
             if r.mention.kind in ("toponym", "demonym") and r.mention.start <= s and r.mention.end >= e]
    out = {"category": row["category"], "name": row["name"], "recognised": bool(found), "placed": False,
           "got": None, "km": None}
    if found:
        r = found[0]
        if r.place is not None:
            d = km(float(row["lat"]), float(row["lon"]), r.place.lat, r.place.lon)
            out.update(placed=d <= RADIUS_KM, got=f"{r.place.name} ({r.place.feature_type}, "
                                                   f"{r.place.country_code or '-'})", km=round(d))
    else:
        near = [r.mention.text for r in analysis.resolutions if r.mention.end > s and r.mention.start < e]
        out["got"] = f"mentions: {near}" if near else "no mention"
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--errors", action="store_true", help="list the names missed or placed too far")
    ap.add_argument("--category", help="one category only")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--gazetteer", type=Path, help="another index folder (default: the bundled one)")
    ap.add_argument("--list", type=Path, default=LIST, help="another list in the same columns (default: %(default)s)")
    a = ap.parse_args()
    from geo.pipeline import Pipeline
    from geo.settings import Settings
    pipeline = Pipeline(Settings(gazetteer_dir=a.gazetteer))
    rows = [r for r in load(a.list) if a.category in (None, r["category"])]
    results = [check(r, pipeline.analyse(r["sentence"], events=False)) for r in rows]
    by_cat = defaultdict(list)
    for r in results:
        by_cat[r["category"]].append(r)
    summary = {c: {"n": len(rs), "recognised": sum(x["recognised"] for x in rs), "placed": sum(x["placed"] for x in rs)}
               for c, rs in by_cat.items()}
    n = len(results)
    rec, placed = sum(x["recognised"] for x in results), sum(x["placed"] for x in results)
    if a.json:
        print(json.dumps({"n": n, "recognised": rec, "placed": placed, "categories": summary,
                          "misses": [r for r in results if not r["placed"]]}, ensure_ascii=False, indent=1))
        return 0
    print(f"{'category':<10} {'n':>4} {'recognised':>11} {'placed ≤161 km':>15}")
    for c, s in summary.items():
        print(f"{c:<10} {s['n']:>4} {s['recognised']:>11} {s['placed']:>15}")
    print(f"{'all':<10} {n:>4} {rec:>5} ({rec / n:.1%}) {placed:>6} ({placed / n:.1%})")
    if a.errors:
        for r in results:
            if not r["placed"]:
                print(f"  {r['category']:<9} {r['name']!r}: {r['got']}" + (f", {r['km']} km" if r["km"] is not None else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
