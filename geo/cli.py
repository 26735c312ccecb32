"""Command line: `python -m geo parse PATH|-` and `python -m geo parse --jsonl PATH|-`."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from geo.inputs import InputError, read_article, read_json_line

EXIT_BAD_INPUT = 2


def _read_bytes(path: str) -> tuple[bytes, str]:
    if path == "-":
        return sys.stdin.buffer.read(), "stdin"
    p = Path(path)
    if not p.exists():
        raise InputError(f"{path}: no such file")
    if p.is_dir():
        raise InputError(f"{path}: is a folder (use `python -m geo batch` for folders)")
    return p.read_bytes(), p.name


def _seed_meta(path: str) -> dict:
    """A seed's sidecar (`article.json` beside `article.txt`) supplies title, date, time zone."""
    if path == "-":
        return {}
    side = Path(path).with_suffix(".json")
    if side.exists() and side != Path(path):
        try:
            return json.loads(side.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
    return {}


def cmd_parse(args) -> int:
    if getattr(args, "network", False):
        # opt-in network fallback for names the gazetteer lacks (README: "Network fallback"); the resolver reads it
        os.environ["NEWSMAP_GEOCODER"] = "nominatim"
    if args.jsonl:
        return parse_jsonl(args)
    from geo.batch import analyse_to_fc
    try:
        data, name = _read_bytes(args.path)
        text, html_title = read_article(data, name)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    meta = _seed_meta(args.path)
    # a very long article is read in pieces (geo.batch.split_text), offsets shifted back
    fc = analyse_to_fc(text, title=args.title or meta.get("title") or html_title or None,
                       date=args.date or meta.get("date"), timezone=args.timezone or meta.get("timezone"),
                       source=meta.get("source"), article_id=args.id or (Path(args.path).stem if args.path != "-" else ""))
    json.dump(fc, sys.stdout, ensure_ascii=False, indent=1 if args.pretty else None)
    sys.stdout.write("\n")
    return 0


def parse_jsonl(args) -> int:
    from geo.export import place_record, unplaced_record
    from geo.pipeline import make_document, mentions_from_spans
    from gazetteer.recognize import find_mentions
    from gazetteer.resolve import resolve_mentions
    from geo.document import DocumentMeta
    from geo.batch import split_text
    from dataclasses import replace

    def shift(r, offset):
        if not offset:
            return r
        m = r.mention
        return replace(r, mention=replace(m, start=m.start + offset, end=m.end + offset))

    stream = sys.stdin.buffer if args.path == "-" else open(args.path, "rb")
    out = sys.stdout
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
                rec_id, text = obj.get("id"), obj["text"]
                spans = obj.get("spans")
                if spans is not None:
                    doc = make_document(text, DocumentMeta(id=str(rec_id or "")))
                    if not isinstance(spans, list) or not all(isinstance(s, (list, tuple)) and len(s) == 2 for s in spans):
                        raise InputError("'spans' must be a list of [start, end] pairs")
                    try:
                        mentions = mentions_from_spans(doc, spans)
                    except (TypeError, ValueError) as e:
                        raise InputError(str(e)) from None
                    resolutions = resolve_mentions(doc.text, mentions)
                else:
                    resolutions = []
                    for offset, piece in split_text(text):     # one piece unless very long
                        pdoc = make_document(piece)
                        found = resolve_mentions(piece, find_mentions(piece, list(pdoc.sentences)))
                        resolutions.extend(shift(r, offset) for r in found)
                places = [place_record(r) if r.place else unplaced_record(r.mention.start, r.mention.end, r.mention.text)
                          for r in resolutions]
                out.write(json.dumps({"id": rec_id, "places": places}, ensure_ascii=False) + "\n")
            except InputError as e:
                bad += 1
                rec_id = rec_id if rec_id is not None else e.record_id
                out.write(json.dumps({"id": rec_id if rec_id is not None else lineno, "line": lineno,
                                      "error": str(e)}, ensure_ascii=False) + "\n")
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
    p.set_defaults(func=cmd_parse)
    from geo.batch import add_batch_parser
    add_batch_parser(sub)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
