"""Resolution benchmark: with the gold spans given, how far from the gold point each toponym lands.

    python benchmarks/eval_resolution.py [--corpus lgl|tr-news|geowebnews] [--errors N] [--json]
                                         [--cmd "python -m geo parse --jsonl -"]

One subprocess of the system per corpus gets every article as {"id", "text", "spans"} where
`spans` are all the gold toponym spans of the article (so the system sees the same context as in
the corpus); it must answer one place per span, in order. Scored are the gold toponyms with
coordinates: A@161, AUC of the sorted log errors (lower is better), median error, n, and how many
were left unplaced (each counted as 20,039 km). Exits 0 with "skipped: ../shared/eval not found"
when the corpora are absent.
"""
from __future__ import annotations

import sys
from collections import Counter, defaultdict
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import corpora  # noqa: E402
from benchmarks.eval_recognition import (print_notes, print_rows, run_benchmark, run_system,  # noqa: E402
                                         stderr_tail, system_failed)
from benchmarks.scoring import A161_KM, DISTANCE_METHOD, MAX_ERROR_KM, error_km, resolution_scores  # noqa: E402


def _num(x) -> float | None:
    try:
        return None if x is None else float(x)
    except (TypeError, ValueError):
        return None


def match_places(spans: list[tuple[int, int]], places: list) -> tuple[list[dict | None], int]:
    """The system's place for each span: by position when the answer lines up with the spans,
    else by (start, end). Returns (places aligned with spans, count of mismatched entries)."""
    places = [p for p in places if isinstance(p, dict)]

    def key(p: dict):
        try:
            return (int(p.get("start")), int(p.get("end")))
        except (TypeError, ValueError):
            return None

    if len(places) == len(spans) and all(key(p) in (None, sp) for p, sp in zip(places, spans)):
        return list(places), 0
    by_span: dict = {}
    for p in places:
        by_span.setdefault(key(p), p)
    out = [by_span.get(sp) for sp in spans]
    return out, sum(1 for p in out if p is None)


def evaluate_corpus(name: str, cmd: str, timeout: float, limit: int = 0, top_errors: int = 0) -> dict:
    notes: list[str] = []
    articles = corpora.load_corpus(name, notes=notes)
    if limit:
        articles = articles[:limit]
    records = [{"id": a.id, "text": a.text, "spans": [list(sp) for sp in a.gold_spans()]} for a in articles]
    res = run_system(cmd, records, timeout)
    if system_failed(res):
        return {"corpus": name, "failed": True, "returncode": res.returncode,
                "stderr_tail": stderr_tail(res), "warnings": res.warnings}

    errors: list[float] = []
    rows: list[dict] = []
    unplaced = 0
    misaligned = 0
    for a, out in zip(articles, res.outputs):
        spans = a.gold_spans()
        places, bad = match_places(spans, (out or {}).get("places") or [])
        if out is not None and "places" in out:
            misaligned += bad
        for t, p in zip(a.toponyms, places):
            if not t.has_coords:
                continue
            lat = _num(p.get("lat")) if p else None
            lon = _num(p.get("lon")) if p else None
            e = error_km(t.lat, t.lon, lat, lon)
            if lat is None or lon is None:
                unplaced += 1
            errors.append(e)
            if top_errors:
                rows.append({"article": a.id, "start": t.start, "end": t.end, "phrase": t.phrase,
                             "gold_lat": t.lat, "gold_lon": t.lon, "type": t.type,
                             "name": (p or {}).get("name"), "lat": lat, "lon": lon,
                             "country_code": (p or {}).get("country_code"),
                             "feature_type": (p or {}).get("feature_type"),
                             "error_km": round(e, 1), "placed": lat is not None and lon is not None})
    scores = resolution_scores(errors)
    result = {"corpus": name, "articles": len(articles),
              "spans_sent": sum(len(a.toponyms) for a in articles),
              **scores, "unplaced": unplaced, "misaligned": misaligned,
              "seconds": round(res.seconds, 2), "errors": res.errors, "missing": res.missing,
              "warnings": res.warnings, "notes": notes}
    if top_errors:
        placed = sorted((r for r in rows if r["placed"]), key=lambda r: -r["error_km"])
        result["worst_placed"] = placed[:top_errors]
        result["top_unplaced"] = Counter(r["phrase"] for r in rows if not r["placed"]).most_common(top_errors)
        far: dict[str, Counter] = defaultdict(Counter)
        for r in rows:
            if r["placed"] and r["error_km"] > A161_KM:
                far[r["phrase"]][f"{r['name']} ({r['country_code']})"] += 1
        ranked = sorted(far.items(), key=lambda kv: -sum(kv[1].values()))[:top_errors]
        result["top_wrong_phrases"] = [
            {"phrase": ph, "count": sum(c.values()), "chosen": c.most_common(3)} for ph, c in ranked]
    return result


def _fmt(x: float | None, spec: str) -> str:
    return "-" if x is None or x != x else format(x, spec)


def print_table(results: list[dict], cmd: str) -> None:
    print_rows(f"Resolution with gold spans (system: {cmd}; distances: {DISTANCE_METHOD})",
               f"{'corpus':<11} {'articles':>8} {'n':>6} {'A@161':>6} {'AUC':>6} {'median km':>10} "
               f"{'mean km':>8} {'unplaced':>8} {'time s':>7}", results,
               lambda r: f"{r['corpus']:<11} {r['articles']:>8} {r['n']:>6} {_fmt(r['a161'], '.3f'):>6} "
                         f"{_fmt(r['auc'], '.3f'):>6} {_fmt(r['median_km'], '.1f'):>10} "
                         f"{_fmt(r['mean_km'], '.0f'):>8} {r['unplaced']:>8} {r['seconds']:>7.1f}")
    print(f"(unplaced toponyms count as {MAX_ERROR_KM:,.0f} km; AUC: lower is better)")
    for r in results:
        extra = []
        if r.get("failed"):
            extra.append("stderr:\n" + r["stderr_tail"])
        elif r.get("misaligned"):
            extra.append(f"{r['misaligned']} span(s) had no matching place in the answer (counted unplaced)")
        print_notes(r, extra)
        if r.get("worst_placed") is not None:
            print(f"\n[{r['corpus']}] worst placed toponyms:")
            print(f"    {'error km':>9}  {'phrase':<24} {'gold lat,lon':<18}  predicted")
            for w in r["worst_placed"]:
                gold = f"{w['gold_lat']:.2f},{w['gold_lon']:.2f}"
                pred = f"{w['name']} [{w['country_code']}, {w['feature_type']}] {w['lat']:.2f},{w['lon']:.2f}"
                print(f"    {w['error_km']:>9.0f}  {w['phrase'][:24]:<24} {gold:<18}  {pred}")
            print("  most frequent unplaced phrases:")
            for ph, n in r["top_unplaced"]:
                print(f"    {n:>5}  {ph!r}")
            print(f"  phrases most often placed > {A161_KM:.0f} km off (with the places chosen):")
            for w in r["top_wrong_phrases"]:
                chosen = "; ".join(f"{k} x{v}" for k, v in w["chosen"])
                print(f"    {w['count']:>5}  {w['phrase']!r}: {chosen}")


def main(argv: list[str] | None = None) -> int:
    return run_benchmark(argv, __doc__.split("\n\n")[0], "resolution", evaluate_corpus, print_table,
                         distance=DISTANCE_METHOD)


if __name__ == "__main__":
    sys.exit(main())
