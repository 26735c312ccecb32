"""`python -m geo store add|list|remove|export|info` and where the store is.

The store's location: `--store PATH|URL`, else the environment's NEWSMAP_STORE, else the default
file (``$XDG_DATA_HOME/newsmap/store.sqlite``, i.e. ``~/.local/share/newsmap/store.sqlite``).
`StoreConfig.from_env` is the one reader of those variables (as ``Settings.from_env`` is for the
pipeline); the page and the command line both ask it.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ENV_STORE = "NEWSMAP_STORE"


@dataclass(frozen=True)
class StoreConfig:
    location: str

    @classmethod
    def from_env(cls, environ=None, location: str | None = None) -> "StoreConfig":
        """`location` if given, else NEWSMAP_STORE, else the default file."""
        env = os.environ if environ is None else environ
        if location:
            return cls(str(location))
        if (env.get(ENV_STORE) or "").strip():
            return cls(env[ENV_STORE].strip())
        data = Path(env.get("XDG_DATA_HOME") or Path(env.get("HOME") or Path.home()) / ".local" / "share")
        return cls(str(data / "newsmap" / "store.sqlite"))


def store_arg(args) -> str | None:
    """The store a command's `--store` names: None when not given, its value or (given alone) the
    configured one."""
    value = getattr(args, "store", None)
    if value is None:
        return None
    return StoreConfig.from_env(location=value or None).location


def add_filter_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="start", metavar="DATE", default="", help="from this day (YYYY-MM-DD)")
    p.add_argument("--to", dest="end", metavar="DATE", default="", help="to this day, inclusive")
    p.add_argument("--type", dest="kinds", action="append", default=[], metavar="TYPE",
                   help="place, or an event type (missile_launch, earthquake, ship_attack, ...: the GeoJSON's `type`); repeatable")
    p.add_argument("--area", dest="areas", action="append", default=[], metavar="AREA",
                   help="a country code (JP) or a zone (EEZ:JP, territorial_sea:JP, land:KP); repeatable")
    p.add_argument("--source", dest="sources", action="append", default=[], help="repeatable")
    p.add_argument("--actor", dest="actors", action="append", default=[], help="repeatable")
    p.add_argument("--min-confidence", type=float, default=0.0)
    p.add_argument("--text", default="", help="words in the article's text or the event's sentences")
    p.add_argument("--bbox", default=None, metavar="W,S,E,N")


def filter_of(args):
    from geo.store.query import Filter
    box = tuple(float(x) for x in args.bbox.split(",")) if args.bbox else None
    if box is not None and len(box) != 4:
        raise ValueError("--bbox wants four numbers: west,south,east,north")
    return Filter(start=args.start, end=args.end, kinds=tuple(args.kinds), areas=tuple(args.areas),
                  sources=tuple(args.sources), actors=tuple(args.actors), min_confidence=args.min_confidence,
                  text=args.text, box=box)


def _filtered(args) -> bool:
    return any([args.start, args.end, args.kinds, args.areas, args.sources, args.actors, args.min_confidence,
                args.text, args.bbox])


def _selection(store, args):
    from geo.store.query import build_snapshot, select
    snap = build_snapshot(store)
    return snap, select(snap, filter_of(args), store.search)


def cmd_list(store, args) -> int:
    ids = None
    if _filtered(args):
        snap, sel = _selection(store, args)
        ids = [int(i) for i in snap.art_id[sel.articles]]
    for a in store.articles(ids):
        title = " ".join(str(a["title"] or "").split())
        sys.stdout.write(f"{a['article_id']}\t{a['date'] or '-'}\t{a['places']} places\t{a['features']} features"
                         f"\t{title}\n")
    return 0


def cmd_export(store, args) -> int:
    from geo.store import export
    part = None
    if _filtered(args):
        snap, sel = _selection(store, args)
        part = export.part_of(snap, sel)
    n = export.write(store, args.out, args.format, part)
    print(f"{n} features/rows -> {args.out}", file=sys.stderr)
    return 0


def cmd_add(store, args) -> int:
    from geo.apps.batch.run import run_batch
    from geo.settings import Settings
    with tempfile.TemporaryDirectory() as tmp:
        stats = run_batch(args.inputs, Path(tmp) / "added.geojson", workers=args.workers, date=args.date,
                          settings=Settings.from_env(), store=store)
    print(f"{stats['inputs']} inputs: {stats.get('stored', 0)} articles added, {stats.get('updated', 0)} updated, "
          f"{stats['errors']} errors -> {store.location}", file=sys.stderr)
    return 0


def cmd_remove(store, args) -> int:
    n = store.remove(args.ids)
    print(f"{n} of {len(args.ids)} article(s) removed from {store.location}", file=sys.stderr)
    return 0 if n == len(set(args.ids)) else 1


def cmd_info(store, args) -> int:
    print(f"{store.location}: newsmap store, schema version {store.schema_version}, {store.count()} articles, "
          f"revision {store.revision()}")
    return 0


def cmd_store(args) -> int:
    from geo.store import StoreError, open_store
    location = StoreConfig.from_env(location=args.store).location
    try:
        store = open_store(location, create=args.action in ("add",))
    except StoreError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    try:
        return {"add": cmd_add, "list": cmd_list, "remove": cmd_remove, "export": cmd_export,
                "info": cmd_info}[args.action](store, args)
    except (StoreError, ValueError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    finally:
        store.close()


def add_store_parser(subparsers) -> None:
    p = subparsers.add_parser("store", help="the store of analysed articles: add, list, remove, export")
    sub = p.add_subparsers(dest="action", required=True)
    where = argparse.ArgumentParser(add_help=False)
    where.add_argument("--store", default=None, metavar="PATH|URL",
                       help=f"an SQLite file or postgresql:// URL (default: ${ENV_STORE}, else "
                            "~/.local/share/newsmap/store.sqlite)")
    a = sub.add_parser("add", parents=[where], help="analyse articles (files, folders, JSON Lines, feeds) into the store")
    a.add_argument("inputs", nargs="+", metavar="INPUT")
    a.add_argument("--date", help="publication date (YYYY-MM-DD) for articles that give none")
    a.add_argument("--workers", type=int, default=None)
    ls = sub.add_parser("list", parents=[where], help="one line per article: id, date, places, features, title")
    add_filter_args(ls)
    rm = sub.add_parser("remove", parents=[where], help="remove articles by id")
    rm.add_argument("ids", nargs="+", metavar="ARTICLE_ID")
    ex = sub.add_parser("export", parents=[where], help="GeoJSON, CSV or GeoPackage of the store or a filtered part")
    ex.add_argument("--out", required=True, help="the file to write (.geojson, .csv, .gpkg)")
    ex.add_argument("--format", choices=("geojson", "csv", "gpkg"), default=None, help="default: from --out's suffix")
    add_filter_args(ex)
    sub.add_parser("info", parents=[where], help="schema version, number of articles")
    p.set_defaults(func=cmd_store)


def add_to_store(location: str, analysis, text: str, corrections=None) -> dict:
    """`parse --store`: one analysis into the store."""
    from geo.store import from_analysis, open_store
    with open_store(location) as store:
        return store.add([from_analysis(analysis, text, corrections)])
