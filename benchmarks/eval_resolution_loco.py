"""Leave-one-corpus-out resolution: the resolver's ranker trained on two corpora, scored on the third.

    python benchmarks/eval_resolution_loco.py [--corpus lgl|tr-news|geowebnews] [--select] [--json]

For each held-out corpus the two-stage ranker is trained afresh (scripts/train_resolver.py: same
features, seeds and configuration as the shipped model) on the other two corpora, and the
held-out corpus is resolved in-process with its gold spans, scored as eval_resolution.py scores
(A@161, AUC, median error; unplaced toponyms at 20,039 km), with the fallback placement of names
left unplaced and without it. With --select the configuration is chosen for each held-out corpus
by cross-validation on the other two (nested; slower). These are the figures to quote for text the
model has not seen; `eval_resolution.py` runs the shipped model, trained on all three (in-sample).
Needs LightGBM (requirements-dev.txt). Exits 0 with "skipped: ../shared/eval not found" when the
corpora are absent.
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


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", help="hold out only this corpus: lgl, tr-news or geowebnews")
    p.add_argument("--select", action="store_true",
                   help="choose the configuration by cross-validation on the training corpora (nested)")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON instead of a table")
    a = p.parse_args(argv)
    if corpora.eval_dir() is None:
        print(f"skipped: {corpora.eval_dir_display()} not found")
        return 0
    sys.path.insert(0, str(corpora.REPO_ROOT / "scripts"))
    import train_resolver as tr
    from gazetteer.resolve import Resolver

    held_out = [corpora.canonical_name(a.corpus)] if a.corpus else list(tr.CORPORA)
    t0 = time.perf_counter()
    resolver = Resolver(network=False)
    data = {name: tr.prepare(name, resolver) for name in tr.CORPORA}
    results = tr.loco(data, resolver, nested=a.select, held_out=held_out)
    if a.json:
        print(json.dumps({"task": "resolution, leave one corpus out", "seconds": round(time.perf_counter() - t0, 1),
                          "corpora": results}, indent=1))
        return 0
    tr.table("Resolution with gold spans, leave one corpus out (trained on the other two corpora)"
             + (", configuration chosen on them" if a.select else f", {tr.CONFIG.name}"), results)
    print(f"(unplaced toponyms count as 20,039 km; AUC: lower is better; {time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
