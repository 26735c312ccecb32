"""Articles for the store's benchmarks and checks, made from the development corpora in
../shared/eval (TR-News, GeoWebNews, LGL) and the seeds (missile reports, so that there are events),
repeated with varied ids, dates, sources and a varied first line (so that each text is its own
article: the store merges identical texts). Never copied into the project.

    python benchmarks/store_corpus.py N OUT.jsonl [--seed-share 0.1]
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
CORPORA = ("tr-news.xml", "geowebnews.xml", "lgl.xml")
SOURCES = ["Wire A", "Daily B", "Herald C", "Times D", "Radio E", "Post F"]


def corpus_texts() -> list[str]:
    out = []
    for name in CORPORA:
        path = EVAL / name
        if path.exists():
            out.extend(t.text for t in ET.parse(path).getroot().iter("text") if (t.text or "").strip())
    return out


def seed_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]


def records(n: int, seed_share: float = 0.1, start_year: int = 2019, rnd_seed: int = 7):
    """`n` JSON Lines records {"id", "text", "date", "title", "source", "url"}."""
    rnd = random.Random(rnd_seed)
    texts, seeds = corpus_texts(), seed_texts()
    if not texts:
        sys.exit("skipped: ../shared/eval not found")
    for i in range(n):
        from_seed = rnd.random() < seed_share
        base = seeds[i % len(seeds)] if from_seed else texts[i % len(texts)]
        date = f"{start_year + rnd.randrange(2)}-{1 + rnd.randrange(12):02d}-{1 + rnd.randrange(28):02d}"
        source = SOURCES[rnd.randrange(len(SOURCES))]
        title = base.strip().splitlines()[0][:90]
        yield {"id": f"r{i:06d}", "text": f"Report {i} ({source}, {date}).\n\n{base}", "date": date,
               "title": title, "source": source, "url": f"https://example.org/{i}"}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed-share", type=float, default=0.1)
    a = ap.parse_args()
    with open(a.out, "w", encoding="utf-8") as f:
        for r in records(a.n, a.seed_share):
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
