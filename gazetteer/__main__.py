"""The gazetteer's command line.

    python -m gazetteer build [--naturalearth DIR] [--out DIR]       the bundled index
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _build(args) -> int:
    from gazetteer.build import build
    if not args.naturalearth.exists():
        print(f"Natural Earth folder not found: {args.naturalearth}", file=sys.stderr)
        return 2
    build(args.naturalearth, args.out, args.admin1_point)
    return 0


def parser() -> argparse.ArgumentParser:
    from gazetteer.build.common import DEFAULT_NE, DEFAULT_OUT
    ap = argparse.ArgumentParser(prog="python -m gazetteer", description="The offline place index.")
    sub = ap.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build the place index from its sources")
    b.add_argument("--naturalearth", type=Path, default=DEFAULT_NE, help="folder of Natural Earth layers")
    b.add_argument("--out", type=Path, default=DEFAULT_OUT, help="index folder to write")
    b.add_argument("--admin1-point", choices=("towns", "label"), default="towns",
                   help="where a first-level division goes: the middle of its towns (default) or "
                        "Natural Earth's label point")
    b.set_defaults(run=_build)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    raise SystemExit(main())
