"""Events of every kind, placed where the text says they happened: the share of short reports
whose event is placed within max(50 km, 25 % of the distance the text states).

    python benchmarks/eval_event_reports.py [--file benchmarks/data/event_reports.jsonl] [--verbose]
                                            [--cmd "python -m geo parse --jsonl -"]

The reports (benchmarks/data/event_reports.jsonl, written for this project, modelled on real news
of ship attacks, earthquakes, strikes, missile tests, floods, fires, crashes and sinkings) each
give the expected event type (`type`, and `accept`: the types that also count), the point the text
describes (`lat`, `lon`, with `coordinates_from` saying how it was computed: the anchor's
coordinates and, for "N km <direction> of X", the geodesic destination) and the tolerance.

The system runs as `parse --jsonl` over `{"id", "text"}` lines and answers with its `events`
(`type`, `lat`, `lon`). A report counts as placed when an event of an accepted type lies within
the tolerance; "any type" counts an event of any type there. Reports whose anchor the gazetteer
lacks (`anchor_in_gazetteer: false`) are listed: those wait for the gazetteer, not for the events.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.eval_recognition import DEFAULT_CMD, REPO_ROOT, child_env, command_args  # noqa: E402
from geo.spatial.measure import distance_km  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "event_reports.jsonl"


def run(cmd: str, reports: list[dict]) -> dict[str, dict]:
    lines = "".join(json.dumps({"id": r["id"], "text": r["text"]}) + "\n" for r in reports)
    p = subprocess.run(command_args(cmd), input=lines, capture_output=True, text=True, cwd=REPO_ROOT,
                       env=child_env())
    if p.returncode != 0:
        sys.exit(f"command failed ({p.returncode}): {p.stderr[-500:]}")
    return {o.get("id"): o for o in map(json.loads, p.stdout.splitlines()) if o}


def score(report: dict, answer: dict) -> tuple[bool, bool, float | None, str]:
    """(placed with an accepted type, placed with any type, the nearest accepted event's distance
    in km, its type)."""
    best_any = best_ok = None
    best_type = ""
    for e in answer.get("events") or []:
        if e.get("lat") is None:
            continue
        d = distance_km(e["lon"], e["lat"], report["lon"], report["lat"])
        best_any = d if best_any is None else min(best_any, d)
        if e.get("type") in report["accept"] and (best_ok is None or d < best_ok):
            best_ok, best_type = d, e["type"]
    tol = report["tolerance_km"]
    return (best_ok is not None and best_ok <= tol, best_any is not None and best_any <= tol, best_ok,
            best_type or ",".join(sorted({e.get("type") for e in answer.get("events") or []})) or "no event")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--file", default=str(DATA))
    ap.add_argument("--cmd", default=DEFAULT_CMD)
    ap.add_argument("--verbose", action="store_true", help="one line per report")
    a = ap.parse_args()
    reports = [json.loads(x) for x in Path(a.file).read_text("utf-8").splitlines() if x.strip()]
    answers = run(a.cmd, reports)
    ok = anyok = 0
    missing = []
    for r in reports:
        placed, placed_any, d, t = score(r, answers.get(r["id"], {}))
        ok += placed
        anyok += placed_any
        if not r.get("anchor_in_gazetteer", True):
            missing.append(f"{r['anchor']} ({r['id']}{': placed anyway' if placed else ''})")
        if a.verbose or not placed:
            dist = f"{d:,.0f} km" if d is not None else "-"
            print(f"{'ok  ' if placed else 'MISS'} {r['id']:22s} {r['type']:15s} got {t:15s} {dist:>9s} "
                  f"(tolerance {r['tolerance_km']:.0f} km)")
    n = len(reports)
    print(f"anchors the gazetteer lacks: {', '.join(missing) or 'none'}")
    print(f"event reports: {ok}/{n} placed within tolerance with the expected type ({ok / n:.1%}); "
          f"{anyok}/{n} with any type ({anyok / n:.1%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
