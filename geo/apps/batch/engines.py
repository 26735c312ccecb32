"""Engines run chunks of articles: a local process pool, or the workers of a Dask cluster."""
from __future__ import annotations

import concurrent.futures as cf
from functools import partial

from geo.apps.batch.work import analyse_chunk, init_worker


class LocalEngine:
    """A process pool on this machine (forkserver: the workers start with the pipeline loaded)."""

    def __init__(self, workers: int, settings):
        import multiprocessing
        self.workers = workers
        self.work = partial(analyse_chunk, settings=settings)
        self._ctx = multiprocessing.get_context("forkserver")
        # workers fork from a server that has already loaded what they need (no effect if this
        # process started its fork server earlier; the workers then load it themselves)
        self._ctx.set_forkserver_preload(["geo.apps.batch.warm"])
        self.pool = self._new_pool()

    def _new_pool(self):
        return cf.ProcessPoolExecutor(max_workers=self.workers, mp_context=self._ctx, initializer=init_worker)

    def submit(self, items):
        try:
            return self.pool.submit(self.work, items)
        except cf.process.BrokenProcessPool:      # a worker died: a fresh pool for the rest
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = self._new_pool()
            return self.pool.submit(self.work, items)

    def wait(self, futures):
        done, _ = cf.wait(futures, return_when=cf.FIRST_COMPLETED)
        return done

    def close(self, cancel: bool = False):
        self.pool.shutdown(wait=not cancel, cancel_futures=cancel)


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
        info = self.client.scheduler_info()
        self.workers = max(1, len(info.get("workers", {})) or workers)

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


def make_engine(kind: str, workers: int, settings, scheduler: str | None = None):
    if kind == "dask":
        return DaskEngine(workers, settings, scheduler)
    return LocalEngine(workers, settings)
