"""`python -m geo batch`: many articles, resumable, on one machine or a Dask cluster.

    python -m geo batch INPUT... --out OUT.geojson [--csv] [--workers N] [--engine local|dask]
                                 [--scheduler ADDRESS] [--date YYYY-MM-DD]

The main process reads the inputs (``sources``: streaming, never all texts at once), marks them
in the journal (``journal``), hands chunks of articles to an engine's workers (``engines``, which
run ``work.analyse_chunk``: the pipeline, and the rows the journal keeps) and assembles the
outputs from the journal (``assemble``). The README's "Many articles" tells the whole story.
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import time
from pathlib import Path

from geo.apps.batch.assemble import assemble, errors_path, journal_path, own_outputs
from geo.apps.batch.engines import EngineError, make_engine
from geo.apps.batch.journal import WORKER_FAILED, Journal, JournalBusy
from geo.apps.batch.sources import iter_inputs
from geo.apps.batch.work import failed_result
from geo.io.reader import normalise_date
from geo.settings import Settings
from geo.store import StoreError
from geo.apps.storecmd import store_arg

CHUNK = 64                   # articles per task (local process pool)
FAIL_FAST_AFTER = 64         # articles that all failed for one reason of the machinery: stop the run
DASK_CHUNK = 256             # articles per Dask task: each task costs the scheduler more than a pool task
IN_FLIGHT_PER_WORKER = 3     # chunks queued per worker: keeps workers busy, memory bounded


class RunFailed(RuntimeError):
    """Every article analysed failed for one shared reason: the machinery, not the articles."""


def failure_reason(error: str | None) -> str | None:
    """The reason of an error that comes from the machinery (the analysis or a worker failed, a
    time-out), the same for every article it hits; None for an error of the input itself."""
    if error and error.startswith(("analysis failed", WORKER_FAILED, "analysis timed out")):
        return error
    return None


class BatchRun:
    """One run: records go to the journal or to the engine, results come back to the journal."""

    def __init__(self, journal: Journal, engine_kind: str, workers: int, scheduler: str | None, settings: Settings,
                 chunk: int, bar, defaults: dict, timeout: float = 600.0):
        self.journal, self.bar, self.chunk, self.defaults = journal, bar, chunk, defaults
        self.make = lambda: make_engine(engine_kind, workers, settings, scheduler, timeout)
        self.engine = None           # started with the first chunk to analyse (a rerun may need none)
        self.pending: dict = {}      # future -> items
        self.batch: list[dict] = []
        self.stats = {"inputs": 0, "analysed": 0, "reused": 0, "duplicates": 0, "errors": 0}
        self.ok = 0
        self.reasons: set[str | None] = set()      # failure reasons of this run's analysed articles
        self.sink = None             # a store the results also go to (tostore.StoreSink), or None

    def dispatch(self, recs: list[dict]) -> None:
        """Records marked in the journal: duplicates and done ones counted, errors written, the
        rest queued for the workers."""
        for rec, state in zip(recs, self.journal.mark(recs)):
            if state == "dup":
                self.stats["duplicates"] += 1
            elif state == "done":
                self.stats["reused"] += 1
                self.bar.update(1)
                if self.sink is not None:
                    self.sink.reused.append(rec["key"])
            elif rec["kind"] == "error":
                self.journal.write_error(rec)
                self.bar.update(1)
            else:
                self.batch.append({**rec, **self.defaults})
                if len(self.batch) >= self.chunk:
                    self.submit()

    def submit(self) -> None:
        if self.engine is None:
            self.engine = self.make()
        self.pending[self.engine.submit(self.batch)] = self.batch
        self.batch = []
        self.drain(self.engine.workers * IN_FLIGHT_PER_WORKER)

    def drain(self, block_until: int) -> None:
        """Write results until at most `block_until` chunks are in flight. A chunk whose worker
        died is retried article by article; an article that still fails gets an error record."""
        while len(self.pending) > block_until:
            for fut in self.engine.wait(self.pending):
                items = self.pending.pop(fut)
                try:
                    results = fut.result()
                except Exception as e:     # noqa: BLE001 - a worker died: retry one by one, then give up
                    if len(items) > 1:
                        for it in items:
                            self.pending[self.engine.submit([it])] = [it]
                        continue
                    results = [failed_result(items[0], f"{WORKER_FAILED}: {type(e).__name__}: {e}")]
                self.journal.write_results(items, results)
                if self.sink is not None:
                    self.sink.write(items, results)
                self.stats["analysed"] += len(items)
                self.bar.update(len(items))
                self.judge(results)

    def judge(self, results: list[dict], final: bool = False) -> None:
        """RunFailed when every article analysed so far failed for one reason of the machinery
        (after FAIL_FAST_AFTER of them, or at the end): then the run, not the articles, failed."""
        for res in results:
            if res["status"] == "ok":
                self.ok += 1
            else:
                self.reasons.add(failure_reason(res["error"]))
        failed = self.stats["analysed"] - self.ok
        if (self.ok == 0 and failed and (final or failed >= FAIL_FAST_AFTER) and len(self.reasons) == 1
                and None not in self.reasons):
            raise RunFailed(f"all {failed:,} articles analysed failed for one reason: {next(iter(self.reasons))}")

    def read(self, inputs, exclude=frozenset()) -> None:
        read: list[dict] = []
        for rec in iter_inputs(inputs, exclude):
            self.stats["inputs"] += 1
            read.append(rec)
            if len(read) >= self.chunk:
                self.dispatch(read)
                read = []
        if read:
            self.dispatch(read)
        if self.batch:
            self.submit()
        if self.engine is not None:
            self.drain(0)
            self.judge([], final=True)


def run_batch(inputs, out, *, workers: int | None = None, engine: str = "local", scheduler: str | None = None,
              date: str | None = None, csv_out: bool = False, chunk: int | None = None, progress: bool | None = None,
              max_chars: int | None = None, settings: Settings | None = None, timeout: float = 600.0,
              store=None) -> dict:
    """Analyse every input article not in the journal yet, then assemble the outputs.
    Returns counts: inputs, analysed (this run), reused (from the journal), errors, places, features."""
    from tqdm import tqdm
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    workers = max(1, int(workers or os.cpu_count() or 1))
    chunk = max(1, int(chunk or (DASK_CHUNK if engine == "dask" else CHUNK)))
    defaults = {k: v for k, v in (("default_date", normalise_date(date) if date else ""),
                                  ("max_chars", max_chars)) if v}
    journal = Journal(journal_path(out))
    bar = tqdm(unit=" articles", desc="batch", file=sys.stderr, mininterval=0.5,
               disable=(not sys.stderr.isatty()) if progress is None else not progress)
    if store is not None:
        defaults["keep_text"] = True
    run = BatchRun(journal, engine, workers, scheduler, settings or Settings(), chunk, bar, defaults, timeout)
    if store is not None:
        from geo.apps.batch.tostore import StoreSink
        run.sink = StoreSink(store)
    interrupted = finished = False
    try:
        try:
            run.read(inputs, own_outputs(out))
            finished = True
        except KeyboardInterrupt:
            interrupted = True
        finally:
            bar.close()
            journal.commit()
            if run.engine is not None:
                run.engine.close(cancel=not finished)
        if interrupted:
            raise KeyboardInterrupt
        if run.sink is not None:
            run.sink.backfill(journal.db)
            run.stats.update(run.sink.stats)
        run.stats.update(assemble(journal.db, out, csv_out=csv_out))
    finally:
        journal.close()
        if run.sink is not None:
            run.sink.close()
    return run.stats


def cmd_batch(args) -> int:
    if args.scheduler and args.engine != "dask":
        print("error: --scheduler needs --engine dask", file=sys.stderr)
        return 2
    if args.date and not normalise_date(args.date):
        print(f"error: --date {args.date!r} is not a date (YYYY-MM-DD)", file=sys.stderr)
        return 2
    if args.workers is not None and args.workers < 1:
        print("error: --workers must be at least 1", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    try:
        stats = run_batch(args.inputs, args.out, workers=args.workers, engine=args.engine, scheduler=args.scheduler,
                          date=args.date, csv_out=args.csv, chunk=args.chunk, max_chars=args.max_chars,
                          settings=Settings.from_env(), timeout=args.timeout, store=store_arg(args))
    except KeyboardInterrupt:
        print(f"interrupted; finished articles are kept in {journal_path(Path(args.out))}: "
              "run the same command again to resume", file=sys.stderr)
        return 130
    except (OSError, sqlite3.Error, JournalBusy, EngineError, RunFailed, StoreError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    dt = time.perf_counter() - t0
    print(f"{stats['inputs']} inputs: {stats['analysed']} analysed, {stats['reused']} from the journal, "
          f"{stats['errors']} errors (see {errors_path(Path(args.out))}); {stats['places']} places, "
          f"{stats['mentions']} mentions, {stats['features']} features -> {args.out} in {dt:.1f} s",
          file=sys.stderr)
    if "stored" in stats:
        print(f"store {store_arg(args)}: {stats['stored']} articles added, {stats['updated']} updated", file=sys.stderr)
    return 0


def add_batch_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser("batch", help="many articles (folders, JSON Lines, RSS/Atom) to one GeoJSON, resumable")
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="folders (.txt .md .html .jsonl .xml/.rss/.atom inside), JSON Lines or RSS/Atom files")
    p.add_argument("--out", required=True, help="the GeoJSON to write; OUT.journal.sqlite and OUT.errors.jsonl go beside it")
    p.add_argument("--csv", action="store_true", help="also write OUT.csv, one row per mention")
    p.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    p.add_argument("--engine", choices=("local", "dask"), default="local")
    p.add_argument("--scheduler", help="address of a running Dask scheduler (with --engine dask)")
    p.add_argument("--date", help="publication date (YYYY-MM-DD) for articles that give none")
    p.add_argument("--max-chars", type=int, default=None,
                   help="refuse (error record) articles longer than this many characters; default: any article "
                        "geo.io.reader accepts (long ones are analysed in pieces, about 5 s per million characters)")
    p.add_argument("--timeout", type=float, default=600.0,
                   help="seconds a worker may spend on one article before it is stopped and the article gets an "
                        "error record (local engine; default 600)")
    p.add_argument("--store", nargs="?", const="", default=None, metavar="PATH|URL",
                   help="also add every article to this store (an SQLite file or postgresql:// URL; alone: "
                        "NEWSMAP_STORE, else the default store; see `python -m geo store`)")
    p.add_argument("--chunk", type=int, default=None, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_batch)
    return p
