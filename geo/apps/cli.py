"""Command line: `python -m geo parse PATH|-`, `python -m geo parse --jsonl PATH|-` and
`python -m geo batch ...` (geo.apps.batch)."""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace

from geo.io.export import place_record, to_feature_collection
from geo.io.reader import InputError, read_file, read_json_line, read_stdin
from geo.settings import Settings

EXIT_BAD_INPUT = 2


def settings_from_args(args) -> Settings:
    """The environment's settings, with the command line's switches on top."""
    overrides = {"geocoder": "nominatim"} if getattr(args, "network", False) else {}
    return Settings.from_env(**overrides)


def cmd_parse(args) -> int:
    from geo.pipeline import Pipeline
    pipeline = Pipeline(settings_from_args(args))
    if args.jsonl:
        return parse_jsonl(args, pipeline)
    try:
        article = read_stdin(sys.stdin.buffer) if args.path == "-" else read_file(args.path)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    given = {"id": args.id, "title": args.title, "date": args.date, "timezone": args.timezone}
    article = replace(article, **{k: v for k, v in given.items() if v})     # the command line wins
    analysis = pipeline.analyse(article.text, article.meta())
    fc = to_feature_collection(analysis)
    if args.store is not None:           # --store: the analysis is kept in the store too
        from geo.apps.storecmd import add_to_store, store_arg
        add_to_store(store_arg(args), analysis, article.text)
    json.dump(fc, sys.stdout, ensure_ascii=False, indent=1 if args.pretty else None)
    sys.stdout.write("\n")
    return 0


def _jsonl_answer(obj: dict, pipeline) -> dict:
    """The answer to one JSON Lines record: its places (and, given `spans`, exactly those)."""
    spans = obj.get("spans")
    if spans is not None and (not isinstance(spans, list)
                              or not all(isinstance(s, (list, tuple)) and len(s) == 2 for s in spans)):
        raise InputError("'spans' must be a list of [start, end] pairs")
    try:
        analysis = pipeline.analyse(obj["text"], spans=spans, events=False, alternatives=False)
    except (TypeError, ValueError, OverflowError) as e:
        raise InputError(str(e)) from None
    return {"id": obj.get("id"), "places": [place_record(r) for r in analysis.resolutions]}


def parse_jsonl(args, pipeline) -> int:
    stream = sys.stdin.buffer if args.path == "-" else open(args.path, "rb")
    bad = 0
    lines = enumerate(stream, 1)
    if sys.stderr.isatty():          # long work shows progress, on a terminal only
        from tqdm import tqdm
        lines = tqdm(lines, unit=" articles", file=sys.stderr)
    try:
        for lineno, raw in lines:
            if not raw.strip():
                continue
            rec_id = None
            try:
                obj = read_json_line(raw)
                rec_id = obj.get("id")
                answer = _jsonl_answer(obj, pipeline)
            except InputError as e:
                bad += 1
                rec_id = rec_id if rec_id is not None else e.record_id
                answer = {"id": rec_id if rec_id is not None else lineno, "line": lineno, "error": str(e)}
            sys.stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    if bad:
        print(f"{bad} line(s) could not be read; see their error records", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m geo", description="Map the places and events a news article names.")
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("parse", help="find and place the places in one article (GeoJSON) or in JSON Lines")
    p.add_argument("path", help="a .txt, .md or .html file, or - for standard input")
    p.add_argument("--jsonl", action="store_true", help='read JSON Lines {"id", "text", "spans"?}, write one line each')
    p.add_argument("--date", help="publication date (YYYY-MM-DD) for the times the article quotes")
    p.add_argument("--timezone", help="IANA time zone of the article's clock times, e.g. Asia/Tokyo")
    p.add_argument("--title")
    p.add_argument("--id", help="article id written into the provenance")
    p.add_argument("--pretty", action="store_true", help="indent the GeoJSON")
    p.add_argument("--network", action="store_true",
                   help="ask Nominatim for names the offline gazetteer lacks (sends those names over the "
                        "network; same as NEWSMAP_GEOCODER=nominatim; see the README)")
    p.add_argument("--store", nargs="?", const="", default=None, metavar="PATH|URL",
                   help="also add the analysis to this store (alone: NEWSMAP_STORE, else the default store)")
    p.set_defaults(func=cmd_parse)
    from geo.apps.batch.run import add_batch_parser
    add_batch_parser(sub)
    from geo.apps.storecmd import add_store_parser
    add_store_parser(sub)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130
