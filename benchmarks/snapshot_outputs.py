"""Snapshot of what the command line writes, to show a refactor changes no output.

    python benchmarks/snapshot_outputs.py --out /tmp/before     # before the change
    python benchmarks/snapshot_outputs.py --out /tmp/after      # after it
    diff -r /tmp/before /tmp/after && echo identical

Writes, through the public command line only (so it runs on any version of the code):
- `seed-NAME.geojson`: `python -m geo parse` on every sample article in seeds/ (sidecars read);
- `parse-K.geojson`: `python -m geo parse` on every 30th corpus article (a full FeatureCollection each,
  runners-up and provenance included);
- `jsonl.jsonl`: `python -m geo parse --jsonl` over every corpus article;
- `batch.geojson`: `python -m geo batch` over every corpus article, as files in a folder.
The corpus articles are the texts of ../shared/eval (LGL, TR-News, GeoWebNews: 906 articles); the
script prints `skipped: ...` and exits 0 where they are absent. The temp folder's path is normalised
out of the batch output.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
CORPORA = ("lgl.xml", "tr-news.xml", "geowebnews.xml")


def corpus_texts() -> list[str]:
    return [t.text or "" for name in CORPORA for t in ET.parse(EVAL / name).getroot().iter("text")]


def run(args: list[str], **kw) -> bytes:
    p = subprocess.run([sys.executable, "-m", "geo", *args], cwd=ROOT, capture_output=True, **kw)
    if p.returncode != 0:
        sys.exit(f"{' '.join(args[:3])} failed ({p.returncode}): {p.stderr.decode()[-500:]}")
    return p.stdout


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="folder to write the snapshot into")
    a = ap.parse_args()
    if not EVAL.is_dir():
        print(f"skipped: {EVAL} not found")
        return 0
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    for seed in sorted((ROOT / "seeds").glob("*.txt")):
        (out / f"seed-{seed.stem}.geojson").write_bytes(run(["parse", str(seed), "--pretty"]))
    texts = corpus_texts()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        for k, text in enumerate(texts):
            (folder / f"a{k:04d}.txt").write_text(text, encoding="utf-8")
        for k in range(0, len(texts), 30):
            (out / f"parse-{k:04d}.geojson").write_bytes(run(["parse", str(folder / f"a{k:04d}.txt")]))
        lines = "".join(json.dumps({"id": f"a{k:04d}", "text": t}) + "\n" for k, t in enumerate(texts))
        (out / "jsonl.jsonl").write_bytes(run(["parse", "--jsonl", "-"], input=lines.encode()))
        target = Path(tmp) / "out" / "batch.geojson"
        run(["batch", str(folder), "--out", str(target), "--workers", "2"])
        (out / "batch.geojson").write_text(target.read_text("utf-8").replace(tmp, "TMP"), encoding="utf-8")
    print(f"{len(list(out.iterdir()))} files in {out} ({len(texts)} corpus articles)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
