"""Engines run chunks of articles: a local process pool, or the workers of a Dask cluster."""
from __future__ import annotations

import concurrent.futures as cf
import multiprocessing.connection as mpc
import time
from collections import deque

from geo.apps.batch.journal import WORKER_FAILED
from geo.apps.batch.work import analyse_chunk, failed_result, worker_main


# an article whose worker dies is retried on a fresh worker this many times; then it gets an error
# record (an article that kills every worker it meets, out of memory say, costs three workers).
# Two, not one: a worker killed from outside (the OOM killer choosing it, an operator) dies while
# analysing an innocent article, and a second such death during the retry must not lose it.
RETRIES = 2


class EngineError(RuntimeError):
    """The engine cannot run the analysis at all; the message says why."""


class _Task:
    """A chunk of articles on its way through the local workers: results arrive one by one."""

    def __init__(self, items: list[dict]):
        self.items, self.results, self.future = items, [], cf.Future()

    @property
    def current(self) -> dict:
        return self.items[len(self.results)]


class _Worker:
    """One worker process and the pipe it gets chunks from and sends each article's result on."""

    def __init__(self, ctx, settings):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=worker_main, args=(child, settings), daemon=True)
        self.proc.start()
        child.close()
        self.task: _Task | None = None
        self.since = time.monotonic()   # when it started, or was handed the article it works on
        self.ready = False              # it has loaded the pipeline (its first message)

    def give(self, task: _Task) -> None:
        """Send it the rest of `task` (OSError when it died while idle: then it holds no task)."""
        self.conn.send(task.items[len(task.results):])
        self.task, self.since = task, time.monotonic()

    def stop(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()


class LocalEngine:
    """Worker processes on this machine (forkserver: they start with the pipeline loaded), each
    given one chunk at a time and sending back each article's result as it is done.

    A worker that dies (killed, out of memory, crashed) costs nothing done: the article it was
    analysing is retried on a fresh worker (RETRIES times; then it gets an error record) and the
    rest of its chunk goes on there. A worker that spends more than `timeout` seconds on one
    article is killed and that article gets an error record. The workers die with this process
    (geo.apps.batch.work.worker_main), so killing a run leaves no orphans."""

    def __init__(self, workers: int, settings, timeout: float = 600.0):
        import multiprocessing
        self.workers, self.settings, self.timeout = workers, settings, timeout
        self._ctx = multiprocessing.get_context("forkserver")
        # workers fork from a server that has already loaded what they need (no effect if this
        # process started its fork server earlier; the workers then load it themselves)
        self._ctx.set_forkserver_preload(["geo.apps.batch.warm"])
        self.pool = [_Worker(self._ctx, settings) for _ in range(workers)]
        self.queue: deque[_Task] = deque()
        self.deaths: dict[str, int] = {}       # article key -> deaths of workers analysing it
        self.restarts = 0
        self.early_deaths = 0                  # workers in a row that died before they were ready

    def submit(self, items):
        task = _Task(list(items))
        self.queue.append(task)
        self._feed()
        return task.future

    def wait(self, futures):
        """Run the workers until one of `futures` is done; the done ones."""
        while True:
            done = {f for f in futures if f.done()}
            if done:
                return done
            self._step()

    def _feed(self) -> None:
        for w in self.pool:
            if w.ready and w.task is None and self.queue:
                try:
                    w.give(self.queue[0])
                except OSError:         # killed while idle (a broken pipe): nothing was sent
                    self._replace(w, "", retry=True)
                    continue
                self.queue.popleft()

    def _step(self) -> None:
        active = [w for w in self.pool if w.task is not None or not w.ready]
        if not active:
            raise RuntimeError("no chunk is being analysed")
        deadline = min(w.since for w in active) + self.timeout
        ready = set(mpc.wait([w.conn for w in active] + [w.proc.sentinel for w in active],
                             timeout=max(0.0, deadline - time.monotonic())))
        for w in active:
            if w.conn in ready or w.proc.sentinel in ready:
                self._receive(w)
            elif time.monotonic() - w.since > self.timeout:
                self._replace(w, f"analysis timed out after {self.timeout:g} s", retry=False)
        self._feed()

    def _receive(self, w: _Worker) -> None:
        try:
            if not w.ready and w.conn.poll():
                w.ready = w.conn.recv() == "ready"
                self.early_deaths = 0
            while w.task is not None and w.conn.poll():
                w.task.results.append(w.conn.recv())
                w.since = time.monotonic()
                if len(w.task.results) == len(w.task.items):
                    w.task.future.set_result(w.task.results)
                    w.task = None
                    return
        except (EOFError, OSError):
            pass
        if not w.proc.is_alive() or w.conn.closed:
            w.proc.join(1)
            code = w.proc.exitcode
            why = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            self._replace(w, f"{WORKER_FAILED}: the worker process died {RETRIES + 1} times on this article ({why})",
                          retry=True)

    def _replace(self, w: _Worker, error: str, retry: bool) -> None:
        """A fresh worker for `w`, which died or hung: its article retried (`retry`, up to RETRIES
        times) or given `error`; the rest of its chunk first in line."""
        task = w.task
        w.stop()
        self.restarts += 1
        if not w.ready:
            self.early_deaths += 1
            if self.early_deaths >= 5:
                raise EngineError(f"worker processes die as they start ({error.rsplit('(', 1)[-1].rstrip(')')}): "
                                   "run `python -m geo parse` on one article to see why")
        self.pool[self.pool.index(w)] = _Worker(self._ctx, self.settings)
        if task is None:
            return
        key = task.current["key"]
        self.deaths[key] = self.deaths.get(key, 0) + 1
        if not retry or self.deaths[key] > RETRIES:
            task.results.append(failed_result(task.current, error))
        if len(task.results) == len(task.items):
            task.future.set_result(task.results)
        else:
            self.queue.appendleft(task)

    def close(self, cancel: bool = False):
        for w in self.pool:
            if w.task is None and not cancel:
                try:
                    w.conn.send(None)           # done: the worker exits on its own
                except OSError:
                    pass
            w.stop()


class DaskEngine:
    """The workers of a Dask cluster: the one at `scheduler`, else a LocalCluster started here."""

    def __init__(self, workers: int, settings, scheduler: str | None = None):
        import logging
        from dask.distributed import Client, LocalCluster
        import dask
        for name in ("distributed", "distributed.worker", "distributed.scheduler", "distributed.nanny"):
            logging.getLogger(name).setLevel(logging.ERROR)
        # the workers' statistical profiler samples every task's stack 100 times a second: CPU
        # this work needs (it applies to the local cluster started here)
        dask.config.set({"distributed.worker.profile.enabled": False})
        self.settings = settings
        self.cluster = None
        if scheduler:
            self.client = Client(scheduler)
        else:
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                        dashboard_address=None, silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
        try:
            self.workers = check_cluster(self.client, scheduler or "the local cluster")
        except BaseException:
            self.close()
            raise

    def submit(self, items):
        return self.client.submit(analyse_chunk, items, self.settings, pure=False)

    def wait(self, futures):
        from dask.distributed import wait
        return wait(list(futures), return_when="FIRST_COMPLETED").done

    def close(self, cancel: bool = False):
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()


class ClusterError(EngineError):
    """The cluster cannot run the analysis; the message names the cause and the fix."""


INSTALL_HINT = ("install the project on every node of the cluster with `pip install newsmap-VERSION-py3-none-any.whl` "
                "(a wheel made by `pip wheel --no-deps -w dist .`; the README's \"Many articles on a cluster\")")


def check_cluster(client, address: str, wait_s: float = 30.0) -> int:
    """The number of workers of the cluster, once each has shown that it can run the analysis:
    it imports this project (the same version) and loads the gazetteer. ClusterError otherwise,
    before any article is sent."""
    from geo.apps.batch.work import probe_worker
    try:
        client.wait_for_workers(1, timeout=wait_s)
    except Exception:       # noqa: BLE001 - distributed raises TimeoutError of its own kinds
        raise ClusterError(f"the Dask scheduler at {address} has no workers after {wait_s:g} s: start them with "
                           f"`dask worker {address}` on the machines that should do the work") from None
    expected = probe_worker()
    try:            # the scheduler unpickles the tasks (they name this project's functions) ...
        client.run_on_scheduler(probe_worker)
    except Exception as e:      # noqa: BLE001 - whatever the scheduler could not do, it names
        raise ClusterError(f"the cluster's scheduler cannot import the project ({type(e).__name__}: {e}); "
                           + INSTALL_HINT) from None
    answers = client.run(probe_worker, on_error="return")      # ... and every worker runs them
    for addr, answer in sorted(answers.items()):
        if isinstance(answer, BaseException):
            raise ClusterError(f"the cluster's workers cannot import the project (worker {addr}: "
                               f"{type(answer).__name__}: {answer}); {INSTALL_HINT}")
        if answer != expected:
            raise ClusterError(f"worker {addr} runs {answer} but this client runs {expected}: the places would differ; "
                               + INSTALL_HINT.replace("install the project", "install this version"))
    return max(1, len(answers))


def make_engine(kind: str, workers: int, settings, scheduler: str | None = None, timeout: float = 600.0):
    if kind == "dask":
        return DaskEngine(workers, settings, scheduler)
    return LocalEngine(workers, settings, timeout=timeout)
