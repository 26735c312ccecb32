"""Command line: `python -m geo parse PATH|-`, `python -m geo parse --jsonl PATH|-` and
`python -m geo batch ...` (geo.apps.batch)."""
from __future__ import annotations

import argparse
import gc
import io
import json
import sys
from dataclasses import replace

from geo.io.export import event_record, place_record, to_feature_collection
from geo.io.reader import InputError, bounded_lines, line_too_long, read_file, read_json_line, read_stdin
from geo.io.validate import check_date, check_spans, check_string, check_timezone, display_path
from geo.settings import Settings

EXIT_BAD_INPUT = 2


def settings_from_args(args) -> Settings:
    """The environment's settings, with the command line's switches on top."""
    overrides = {"geocoder": "nominatim"} if getattr(args, "network", False) else {}
    return Settings.from_env(**overrides)


def cmd_parse(args) -> int:
    from geo.pipeline import Pipeline
    try:
        given = _given_meta(args)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    pipeline = Pipeline(settings_from_args(args))
    if args.jsonl:
        return parse_jsonl(args, pipeline)
    try:
        article = read_stdin(sys.stdin.buffer) if args.path == "-" else read_file(args.path)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    article = replace(article, **given)     # the command line wins
    analysis = pipeline.analyse(article.text, article.meta())
    fc = to_feature_collection(analysis)
    if args.store is not None:           # --store: the analysis is kept in the store too
        from geo.apps.storecmd import add_to_store, store_arg
        add_to_store(store_arg(args), analysis, article.text)
    write_json(fc, indent=1 if args.pretty else None)
    return 0


def _given_events(obj: dict) -> list[tuple[int, int]] | None:
    """The `events` of a record ([{"start", "end"}] or [[start, end]]), None when it gives none."""
    given = obj.get("events")
    if given is None:
        return None
    if not isinstance(given, list):
        raise InputError("'events' must be a list of {\"start\", \"end\"} objects")
    out = []
    for e in given:
        pair = (e.get("start"), e.get("end")) if isinstance(e, dict) else tuple(e) if isinstance(e, (list, tuple)) else ()
        if len(pair) != 2 or not all(isinstance(x, int) and not isinstance(x, bool) for x in pair):
            raise InputError("each event needs integer 'start' and 'end' offsets")
        out.append(pair)
    return out


def _given_meta(args) -> dict:
    """--id, --title, --date and --timezone, checked as any input's metadata (InputError)."""
    given = {"id": check_string("--id", args.id), "title": check_string("--title", args.title),
             "date": check_date(args.date, "--date"), "timezone": check_timezone(args.timezone, "--timezone")}
    return {k: v for k, v in given.items() if v}


def write_json(obj, indent=None) -> None:
    """One JSON document and a line break on standard output, as UTF-8 whatever the locale says
    (a lone surrogate the checks missed becomes "?": the output is always valid UTF-8)."""
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", errors="replace", write_through=False)
    json.dump(obj, out, ensure_ascii=False, indent=indent)      # in pieces: no second copy of a long output
    out.write("\n")
    out.flush()
    out.detach()


def _jsonl_answer(obj: dict, pipeline) -> dict:
    """The answer to one JSON Lines record: its places (and, given `spans`, exactly those) and its
    events (given `events`, exactly those triggers, each linked and placed)."""
    spans = obj.get("spans")
    if spans is not None:
        spans = check_spans(spans, len(obj["text"]))
    given = _given_events(obj)
    try:
        analysis = pipeline.analyse(obj["text"], spans=spans, events=given is None, alternatives=False)
        events = pipeline.given_events(analysis, given) if given is not None else analysis.events
    except (TypeError, ValueError, OverflowError) as e:
        raise InputError(str(e)) from None
    return {"id": obj.get("id"), "places": [place_record(r) for r in analysis.resolutions],
            "events": [event_record(e, analysis.document.text) for e in events]}


def _jsonl_line(lineno: int, raw: bytes | None, size: int, pipeline) -> dict:
    """The answer to one line, or its error record {"id", "line", "error"}."""
    rec_id = None
    try:
        if raw is None:
            raise line_too_long(size)
        obj = read_json_line(raw)
        rec_id = obj.get("id")
        return _jsonl_answer(obj, pipeline)
    except InputError as e:
        rec_id = rec_id if rec_id is not None else e.record_id
        return {"id": rec_id if rec_id is not None else lineno, "line": lineno, "error": str(e)}
    except (RecursionError, MemoryError, TypeError, ValueError, OverflowError) as e:
        return {"id": rec_id if rec_id is not None else lineno, "line": lineno,
                "error": f"analysis failed: {type(e).__name__}: {e}"}


def parse_jsonl(args, pipeline) -> int:
    try:
        stream = sys.stdin.buffer if args.path == "-" else open(args.path, "rb")
    except OSError as e:
        print(f"error: {display_path(args.path)}: cannot read: {e.strerror or e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    bad = 0
    lines = enumerate(bounded_lines(stream), 1)     # a line is never held beyond the size limit
    if sys.stderr.isatty():          # long work shows progress, on a terminal only
        from tqdm import tqdm
        lines = tqdm(lines, unit=" articles", file=sys.stderr)
    write = sys.stdout.buffer.write
    to_json = json.JSONEncoder(ensure_ascii=False).encode      # json.dumps(..., ensure_ascii=False), made once
    warm = False
    try:
        for lineno, (raw, size) in lines:
            if raw is not None and (not raw or raw.isspace()):     # a blank line (isspace: no copy of the line)
                continue
            if not warm:
                # a stream: what its articles would load on first use (the place names, outlines,
                # zone unions) is loaded once, before the first, not in the middle of a later one
                pipeline.warm_up()
                # what was loaded lives as long as the process: a full collection need not scan it again
                gc.freeze()
                warm = True
            answer = _jsonl_line(lineno, raw, size, pipeline)
            bad += "error" in answer
            write((to_json(answer) + "\n").encode("utf-8", "replace"))
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
    p.add_argument("--jsonl", action="store_true", help='read JSON Lines {"id", "text", "spans"?, "events"?}, write one line each')
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
