"""The gazetteer's command line.

    python -m gazetteer build [--naturalearth DIR] [--out DIR]       the bundled index
    python -m gazetteer build --geonames allCountries.txt [--alternate-names alternateNamesV2.txt] [--out DIR]
                                                                     an index from GeoNames' full dump
    python -m gazetteer add NAME LAT LON [--type T] [--country CC] [--alt NAME]...
    python -m gazetteer list
    python -m gazetteer remove NAME

add/list/remove edit the user's own gazetteer (gazetteer.user): the file NEWSMAP_USER_GAZETTEER
names, by default ~/.local/share/newsmap/gazetteer.tsv (or --file PATH).
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path


def _build(args) -> int:
    if args.geonames is not None:
        from gazetteer.build.geonames_dump import build_from_dump
        for f in (args.geonames, args.alternate_names):
            if f is not None and not f.is_file():
                print(f"file not found: {f}", file=sys.stderr)
                return 2
        if not args.naturalearth.exists():
            print(f"Natural Earth folder not found: {args.naturalearth}; seas and regions from the dump only",
                  file=sys.stderr)
        with staged(args.out) as tmp:
            build_from_dump(args.geonames, args.alternate_names, args.naturalearth, tmp)
        return 0
    from gazetteer.build import build
    if args.alternate_names is not None:
        print("--alternate-names goes with --geonames", file=sys.stderr)
        return 2
    if not args.naturalearth.exists():
        print(f"Natural Earth folder not found: {args.naturalearth}", file=sys.stderr)
        return 2
    with staged(args.out) as tmp:
        build(args.naturalearth, tmp, args.admin1_point)
    return 0


@contextmanager
def staged(out: Path):
    """A fresh folder beside `out` to build into; on success each file replaces its namesake in
    `out` by a rename, so a page or batch running on the old index keeps reading the old files
    (they are memory-mapped: rewritten in place, they would crash it)."""
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=out.parent))
    try:
        yield tmp
        for f in sorted(tmp.iterdir()):
            if f.is_file():
                os.replace(f, out / f.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _user_gazetteer(args):
    from gazetteer.user import UserGazetteer
    if args.file is not None:
        return UserGazetteer(args.file)
    from geo.settings import Settings
    path = Settings.from_env().user_gazetteer
    if path is None:
        raise SystemExit("the user gazetteer is switched off (NEWSMAP_USER_GAZETTEER=off); give --file PATH")
    return UserGazetteer(path)


def _add(args) -> int:
    from gazetteer.user import UserGazetteerError
    ug = _user_gazetteer(args)
    try:
        p = ug.add(args.name, args.lat, args.lon, args.type, args.country or "", args.alt or ())
    except UserGazetteerError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"added {p.name} ({p.lat}, {p.lon}, {p.feature_type}{', ' + p.country_code if p.country_code else ''}) "
          f"to {ug.path}")
    return 0


def _list(args) -> int:
    ug = _user_gazetteer(args)
    places = ug.list()
    for p in places:
        alts = f"\talso: {', '.join(p.alt_names)}" if p.alt_names else ""
        print(f"{p.name}\t{p.lat}\t{p.lon}\t{p.feature_type}\t{p.country_code or '-'}\t{p.added}{alts}")
    print(f"{len(places)} place(s) in {ug.path}", file=sys.stderr)
    return 0


def _remove(args) -> int:
    ug = _user_gazetteer(args)
    n = ug.remove(args.name)
    if not n:
        print(f"no place named {args.name!r} in {ug.path}", file=sys.stderr)
        return 1
    print(f"removed {args.name} from {ug.path}")
    return 0


def _add_user_commands(sub) -> None:
    from gazetteer.model import CITY, FEATURE_TYPES
    a = sub.add_parser("add", help="add a place to your own gazetteer (or replace the one of that name)")
    a.add_argument("name")
    a.add_argument("lat", type=float)
    a.add_argument("lon", type=float)
    a.add_argument("--type", default=CITY, choices=FEATURE_TYPES, help="kind of place (default: city)")
    a.add_argument("--country", help="ISO 3166-1 alpha-2 code")
    a.add_argument("--alt", action="append", help="another name of the place (repeatable)")
    a.set_defaults(run=_add)
    ls = sub.add_parser("list", help="list your own gazetteer's places")
    ls.set_defaults(run=_list)
    r = sub.add_parser("remove", help="remove a place from your own gazetteer")
    r.add_argument("name")
    r.set_defaults(run=_remove)
    for p in (a, ls, r):
        p.add_argument("--file", type=Path, help="the user gazetteer file (default: NEWSMAP_USER_GAZETTEER "
                                                  "or ~/.local/share/newsmap/gazetteer.tsv)")


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
    b.add_argument("--geonames", type=Path, metavar="allCountries.txt",
                   help="build from GeoNames' full dump (every feature class) instead of the packaged subsets")
    b.add_argument("--alternate-names", type=Path, metavar="alternateNamesV2.txt",
                   help="GeoNames' alternate names file, with --geonames")
    b.set_defaults(run=_build)
    _add_user_commands(sub)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    raise SystemExit(main())
