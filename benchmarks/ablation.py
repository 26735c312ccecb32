"""Evidence ablation for the resolver: what each kind of evidence adds, with the gold spans given.

    python benchmarks/ablation.py [--corpus lgl|tr-news|geowebnews] [--limit K] [--json]

For each corpus the resolver runs in-process (no subprocess, no network) over every article with
its gold toponym spans, first with all evidence on, then with each kind in
`gazetteer.resolve.EVIDENCE` switched off in turn. Printed: A@161 and AUC (lower is better) per
corpus per configuration, with the change against "all on" (a negative A@161 change and a positive
AUC change mean the evidence helps). Scored as in `eval_resolution.py`: gold toponyms with
coordinates; an unplaced one counts as 20,039 km. Exits 0 with "skipped: ../shared/eval not found"
when the corpora are absent.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import corpora  # noqa: E402
from benchmarks.eval_recognition import select_corpora  # noqa: E402
from benchmarks.scoring import error_km, resolution_scores  # noqa: E402

# The order the kinds are listed in (gazetteer.resolve.EVIDENCE is a set).
ORDER = ("type", "population", "document_countries", "document_divisions", "coherence", "patterns", "cues",
         "containment")


def prepare(name: str, limit: int = 0, notes: list[str] | None = None) -> list[tuple]:
    """(document text, mentions for the gold spans, gold toponyms) per article."""
    from geo.model import DocumentMeta
    from geo.pipeline import make_document, mentions_from_spans

    articles = corpora.load_corpus(name, notes=notes)
    if limit:
        articles = articles[:limit]
    out = []
    for a in articles:
        doc = make_document(a.text, DocumentMeta(id=a.id))
        out.append((doc.text, mentions_from_spans(doc, a.gold_spans()), a.toponyms))
    return out


def score(prepared: list[tuple], evidence: frozenset[str]) -> dict:
    from gazetteer.resolve import Resolver

    resolver = Resolver(network=False, evidence=evidence)    # never the network in a benchmark
    errors: list[float] = []
    unplaced = 0
    for text, mentions, toponyms in prepared:
        for t, r in zip(toponyms, resolver.resolve(text, mentions)):
            if not t.has_coords:
                continue
            p = r.place
            errors.append(error_km(t.lat, t.lon, p.lat if p else None, p.lon if p else None))
            unplaced += p is None
    return {**resolution_scores(errors), "unplaced": unplaced}


def configurations() -> list[tuple[str, frozenset[str]]]:
    from gazetteer.resolve import EVIDENCE

    kinds = [k for k in ORDER if k in EVIDENCE] + sorted(EVIDENCE - set(ORDER))
    return [("all on", frozenset(EVIDENCE))] + [(f"- {k}", frozenset(EVIDENCE - {k})) for k in kinds]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", help="only this corpus: lgl, tr-news or geowebnews")
    p.add_argument("--limit", type=int, default=0, metavar="K", help="only the first K articles (quick look)")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON instead of a table")
    a = p.parse_args(argv)
    try:
        names, skips = select_corpora(a.corpus)
    except ValueError as e:
        p.error(str(e))

    t0 = time.perf_counter()
    notes: list[str] = []
    prepared = {n: prepare(n, a.limit, notes) for n in names}
    configs = configurations()
    results = {label: {n: score(prepared[n], ev) for n in names} for label, ev in configs}
    seconds = time.perf_counter() - t0

    if a.json:
        print(json.dumps({"task": "resolution ablation", "skipped": skips, "seconds": round(seconds, 1),
                          "configurations": [{"name": label, "evidence": sorted(ev), "corpora": results[label]}
                                             for label, ev in configs]}, indent=1))
        return 0
    for s in skips:
        print(s)
    base = results["all on"]
    print("Resolution with gold spans, each kind of evidence switched off in turn "
          "(A@161 higher is better, AUC lower is better; in brackets the change against all on)")
    head = f"{'configuration':<28}" + "".join(f" {n + ' A@161':>22} {n + ' AUC':>20}" for n in names)
    print(head)
    print("-" * len(head))
    for label, _ in configs:
        row = f"{label:<28}"
        for n in names:
            r, b = results[label][n], base[n]
            if label == "all on":
                row += f" {r['a161']:>22.3f} {r['auc']:>20.3f}"
            else:
                row += f" {r['a161']:>13.3f} ({r['a161'] - b['a161']:+.3f})" \
                       f" {r['auc']:>11.3f} ({r['auc'] - b['auc']:+.3f})"
        print(row)
    print("articles / scored toponyms: " + ", ".join(
        f"{n} {len(prepared[n])} / {base[n]['n']}" for n in names) + f"; {seconds:.1f} s")
    for note in notes:
        print("  " + note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
