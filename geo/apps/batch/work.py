"""The batch's work, in the worker processes: one article record -> the rows the journal keeps."""
from __future__ import annotations

import gc
import json
import signal
import time
import zlib

from geo.io.export import extra_features, mention_lists
from geo.io.reader import InputError, article_from_record, decode_text, read_article, read_json_line
from geo.model import Analysis, DocumentMeta
from geo.settings import Settings
from geo.store.records import place_key as store_place_key
from geo.store.records import text_hash

_COMPACT_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
dumps = _COMPACT_JSON.encode      # one encoder for every record: json.dumps with options builds one per call


def place_key(place_id, coords) -> str:
    """One key per distinct place across articles (``geo.store.records.place_key``)."""
    return store_place_key(place_id, coords[0], coords[1])


def init_worker() -> None:
    """In a worker process: leave Ctrl-C to the main process, and die with it."""
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:
        pass
    die_with_parent()


def die_with_parent() -> None:
    """End this process when the one that started it ends, even when killed outright (SIGKILL
    gives it no chance to stop its workers): Linux's parent-death signal, and a thread that
    watches the parent elsewhere. (A local engine's workers are children of its fork server,
    which exits when the batch's main process does.)"""
    import os
    import threading
    parent = os.getppid()
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)          # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:                 # the parent died before the signal was set
        os._exit(1)

    def watch():
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)
    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def worker_main(conn, settings: Settings | None = None) -> None:
    """A local engine's worker: chunks of records in, each article's result out as it is done;
    None (or the main process gone) ends it."""
    from geo.pipeline import Pipeline
    init_worker()
    gc.set_threshold(100_000, 50, 100)         # as in analyse_chunk
    pipeline = Pipeline.shared(settings)
    conn.send("ready")
    while True:
        try:
            items = conn.recv()
        except (EOFError, OSError):
            return
        if items is None:
            return
        for it in items:
            conn.send(analyse_item(it, pipeline))


def probe_worker() -> str:
    """What a cluster's worker runs, for geo.apps.batch.engines.check_cluster to compare with the
    client: this project's version and the place index it loads (which decides the places)."""
    from geo.io.export import TOOL, TOOL_VERSION
    from geo.pipeline import Pipeline
    gaz = Pipeline.shared(Settings.from_env()).gazetteer
    return f"{TOOL} {TOOL_VERSION} with a place index of {len(gaz):,} places"


def failed_result(item: dict, error: str) -> dict:
    """The journal record of an article that could not be analysed."""
    return {"key": item["key"], "status": "error", "error": error, "title": "", "id": item["id"],
            "places": [], "extras": None, "seconds": 0.0}


def journal_rows(article_id: str, analysis: Analysis) -> tuple[list[list], list[str]]:
    """What the journal keeps of one article, straight from its analysis (no FeatureCollection
    in between: this runs for every article of a batch).

    Places: [place_key, geometry JSON, properties JSON, index of first appearance, confidence,
    mention count, the mentions listed in full as comma-joined JSON objects, the others (beyond
    geo.io.export.MAX_LISTED_MENTIONS) as a JSON list of [start, end, text] or None]. Extras: the
    events, relations and areas as GeoJSON feature strings carrying `article_id`."""
    doc = analysis.document
    rows = []
    for fidx, g in enumerate(analysis.places):
        pk, geom, props = _place_json(g.place)
        lists = mention_lists(g, doc, article_id=article_id)
        more = lists.get("more_mentions")
        # one encoder call per place: the list's JSON without its brackets is the comma-joined objects
        rows.append([pk, geom, props, fidx, round(g.confidence, 3), len(g.mentions), dumps(lists["mentions"])[1:-1],
                     dumps(more) if more else None])
    extras = [dumps({**f, "properties": {**f["properties"], "article_id": article_id}})
              for f in extra_features(analysis)]
    return rows, extras


_PLACE_JSON: dict[int, tuple[str, str, str]] = {}


def _place_json(p) -> tuple[str, str, str]:
    """A place's key, geometry and properties as the journal stores them; the same for every
    article, so gazetteer places are encoded once per worker."""
    hit = _PLACE_JSON.get(p.id) if p.id >= 0 else None
    if hit is None:
        point = [round(float(p.lon), 6), round(float(p.lat), 6)]
        props = {"kind": "place", "name": p.name, "place_id": p.id, "geonameid": p.geonameid,
                 "feature_type": p.feature_type, "country_code": p.country_code, "source": p.source}
        hit = (place_key(p.id, point), dumps({"type": "Point", "coordinates": point}), dumps(props))
        if p.id >= 0:
            if len(_PLACE_JSON) > 200_000:
                _PLACE_JSON.clear()
            _PLACE_JSON[p.id] = hit
    return hit


def _article_of(item: dict):
    """The article text and metadata of a record, read as the reader reads them."""
    if "json" in item:
        try:
            a = article_from_record(read_json_line(item["json"]), item["id"])
        except InputError as e:
            rid = e.record_id if e.record_id is not None else item["lineno"]
            raise InputError(f"line {item['lineno']}: {e}", rid) from None
        item = {**item, "id": a.id, "text": a.text, "title": a.title, "date": a.date, "url": a.url,
                "timezone": a.timezone, "publisher": a.source}
    if "raw" in item:
        text, html_title = read_article(item["raw"], item.get("name") or "input")
        item = {**item, "title": item.get("title") or html_title}
    else:
        # lone surrogates from JSON become "?": the text must be encodable to be stored
        try:
            text = decode_text(item["text"].encode("utf-8", "replace"), f"article {item['id']}")
        except InputError as e:
            raise InputError(str(e), item["id"]) from None
    return text, item


def analyse_item(item: dict, pipeline) -> dict:
    """One article's journal record; any failure becomes an error record."""
    t0 = time.perf_counter()
    key = item["key"]
    try:
        text, item = _article_of(item)
        if not item.get("date") and item.get("default_date"):
            item = {**item, "date": item["default_date"]}
        if not text.strip():
            raise InputError(f"article {item['id']}: no text")
        limit = item.get("max_chars")
        if limit and len(text) > limit:
            raise InputError(f"article {item['id']}: {len(text):,} characters is more than --max-chars {limit:,}")
        meta = DocumentMeta(id=item["id"], title=item.get("title") or "", date=item.get("date") or "",
                            timezone=item.get("timezone") or "", source=item.get("source") or "",
                            url=item.get("url") or "")
        # alternatives=False: the aggregated output keeps each place, not the resolver's runners-up
        places, extras = journal_rows(item["id"], pipeline.analyse(text, meta, alternatives=False))
        out = {"key": key, "status": "ok", "error": None, "title": meta.title, "id": meta.id, "date": meta.date,
               "url": meta.url, "places": places,
               "extras": zlib.compress(",".join(extras).encode("utf-8"), 6) if extras else None,
               "seconds": time.perf_counter() - t0}
        if item.get("keep_text"):          # batch --store: the store keeps the text (geo.apps.batch.tostore)
            out["text"], out["text_hash"], out["publisher"] = text, text_hash(text), item.get("publisher") or ""
        return out
    except InputError as e:
        msg = str(e)
        if e.record_id is not None:
            item = {**item, "id": str(e.record_id)}
    except RecursionError:
        msg = "analysis failed: recursion too deep"
    except MemoryError:
        msg = "analysis failed: out of memory"
    except Exception as e:          # noqa: BLE001 - bad input must never stop the batch
        msg = f"analysis failed: {type(e).__name__}: {e}"
    return {"key": key, "status": "error", "error": msg, "title": item.get("title") or "", "id": item["id"],
            "date": item.get("date") or "", "url": item.get("url") or "", "places": [], "extras": None,
            "seconds": time.perf_counter() - t0}


def analyse_chunk(items: list[dict], settings: Settings | None = None) -> list[dict]:
    """A chunk of records, analysed by this process's pipeline for `settings`."""
    from geo.pipeline import Pipeline
    # An article allocates thousands of short-lived objects and makes no reference cycles, so
    # the default collector (every 700 allocations) spends ~8 % of a worker's time finding none.
    gc.set_threshold(100_000, 50, 100)
    pipeline = Pipeline.shared(settings)
    return [analyse_item(it, pipeline) for it in items]
