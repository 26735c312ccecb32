"""Machine instructions per article of `parse --jsonl`'s own code path, counted by valgrind.

    python benchmarks/bench_instructions.py [--corpus tr-news] [--passes 1] [--python PY]

Wall-clock rates on a shared machine move twofold between runs; an instruction count does not:
the same code, input and interpreter give the same count to four digits whatever else the machine
is doing, so two builds can be compared in any minute. The script runs itself under
`valgrind --tool=callgrind` with counting off, analyses every article of the corpus once (a warm
pass: every name and trigger met once, lazy data loaded), switches counting on
(`callgrind_control -i on`), answers each article `--passes` times through the same function the
`parse --jsonl` loop calls (`geo.apps.cli._jsonl_line`, JSON parsing and the answer's
serialisation included), switches counting off and prints instructions per article. String
hashing is fixed (PYTHONHASHSEED=0) because set and dict order change the work done.

It converts to time only through the machine's rate: on this 2-core VM, 15.2 M instructions an
article was 2.3-2.6 ms (about 6 G instructions a second); 700 articles a second needs about 8.5 M.
Needs valgrind (Debian's `valgrind` package); skips with a message where it or the corpus is absent.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import corpora  # noqa: E402

_CHILD_FLAG = "NEWSMAP_UNDER_CALLGRIND"


def _count(on: bool) -> None:
    """Switch callgrind's counting for this process (no-op outside callgrind)."""
    if os.environ.get(_CHILD_FLAG):
        subprocess.run(["callgrind_control", "-i", "on" if on else "off", str(os.getpid())],
                       capture_output=True, check=False)


def child(corpus: str, passes: int) -> None:
    """Runs under callgrind: warm pass uncounted, then `passes` counted passes."""
    from geo.apps.cli import _jsonl_line
    from geo.pipeline import Pipeline
    from geo.settings import Settings

    texts = [a.text for a in corpora.load_corpus(corpus)]
    pipeline = Pipeline(Settings())
    lines = [json.dumps({"id": i, "text": t}).encode() for i, t in enumerate(texts)]

    def answer_all() -> None:
        for i, raw in enumerate(lines):
            json.dumps(_jsonl_line(i, raw, len(raw), pipeline), ensure_ascii=False)
    answer_all()
    _count(True)
    for _ in range(passes):
        answer_all()
    _count(False)
    print(json.dumps({"articles": len(texts) * passes}))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default="tr-news")
    ap.add_argument("--passes", type=int, default=1)
    ap.add_argument("--python", default=sys.executable, help="interpreter to run the project with")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.corpus, args.passes)
        return 0
    try:
        corpora.load_corpus(args.corpus)
    except corpora.CorpusMissing:
        print(f"skipped: {args.corpus} not found in {corpora.eval_dir_display()}")
        return 0
    if not (shutil.which("valgrind") and shutil.which("callgrind_control")):
        print("skipped: valgrind is not installed (Debian: apt-get install valgrind)")
        return 0
    with tempfile.TemporaryDirectory(prefix="geo-instr-") as tmp:
        out = Path(tmp) / "callgrind.out"
        env = dict(os.environ, PYTHONHASHSEED="0", **{_CHILD_FLAG: "1"})
        proc = subprocess.run(["valgrind", "--tool=callgrind", "--instr-atstart=no",
                               f"--callgrind-out-file={out}", args.python, str(Path(__file__).resolve()),
                               "--child", "--corpus", args.corpus, "--passes", str(args.passes)],
                              env=env, capture_output=True, text=True, cwd=corpora.REPO_ROOT)
        if proc.returncode != 0:
            sys.exit(f"the run under valgrind failed ({proc.returncode}): {proc.stderr[-800:]}")
        articles = json.loads(proc.stdout.strip().splitlines()[-1])["articles"]
        totals = [int(m.group(1)) for f in Path(tmp).glob("callgrind.out*")
                  for m in re.finditer(r"^totals:\s+(\d+)", f.read_text(errors="replace"), re.M)]
    if not totals:
        sys.exit("callgrind wrote no totals")
    per = max(totals) / articles
    print(f"instructions per article ({args.corpus}, {articles} answers, warm, PYTHONHASHSEED=0): "
          f"{per / 1e6:.2f} M")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
