"""The local engine: a pool of worker processes rendering samples, the parent writing shards.

Rows come back in plan order, so at most one partial shard is held. A worker killed by the OS
(the OOM killer sends SIGKILL) breaks the pool (``BrokenProcessPool``; ``multiprocessing.Pool``
would hang forever instead): the pool is restarted and the samples not yet collected are redone,
one at a time (so the sample that kills its worker is known), at most ``retries`` times per
sample, then the run stops with one line naming the shard and sample. Workers ignore SIGINT:
Ctrl-C is the parent's to handle, so no worker prints a traceback.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from collections import Counter, deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path

from tqdm import tqdm

from ..errors import SymbolSetError
from ..record import to_table
from ..remote import join
from . import render_sample, write_shard


def run(shards: list[dict], params: dict, out: Path | str, bar, *, workers: int = 1, retries: int = 2) -> None:
    """Render and write ``shards`` into ``out`` (a folder or an fsspec URL) with ``workers`` processes (1: in this process)."""
    jobs = [(i, t) for i, s in enumerate(shards) for t in s["tasks"]]
    # Test hook: die abruptly (no cleanup, like SIGKILL) after this many shards, so resume tests need no timing race.
    die_after = int(os.environ.get("SYMBOLSET_TEST_DIE_AFTER_SHARDS") or 0)
    written = 0
    rows: list[dict] = []
    done = 0  # jobs collected so far, in plan order
    deaths: Counter = Counter()

    def collect(results) -> None:
        # Rows come back as dicts and the shard's table is built here in one go: a one-row table per
        # sample costs ten times as much to build, and twice as much to pickle, as the dict does.
        nonlocal done, rows, written
        for row in results:
            shard = shards[jobs[done][0]]
            rows.append(row)
            done += 1
            bar.update(1)
            if len(rows) == len(shard["tasks"]):
                write_shard(to_table(rows), out, shard["file"])
                rows = []
                written += 1
                if written == die_after:
                    os._exit(137)

    if workers <= 1:
        collect(render_sample(t, params[t["family"]]) for _, t in jobs)
        return
    careful_end = 0  # after a break, the samples that were in flight are redone one at a time, so blame is exact
    while done < len(jobs):
        careful = done < careful_end
        tasks = [t for _, t in jobs[done : careful_end if careful else len(jobs)]]
        try:
            with _pool(1 if careful else workers) as pool:
                collect(_ordered(pool, tasks, params, window=1 if careful else 2 * workers))
        except BrokenProcessPool:
            shard, sample = shards[jobs[done][0]], jobs[done][1]["id"]
            if careful:
                deaths[sample] += 1
                if deaths[sample] > retries:
                    raise SymbolSetError(
                        f"{join(out, shard['file'])}: a worker process died {deaths[sample]} times while rendering sample {sample} "
                        "(killed by the OS, e.g. out of memory); stopping. Try fewer --workers or a smaller --size"
                    ) from None
            else:
                careful_end = min(done + 2 * workers, len(jobs))
            tqdm.write(f"a worker process died while rendering {shard['file']}; restarting it", file=sys.stderr)


def _ordered(pool: ProcessPoolExecutor, tasks: list[dict], params: dict, window: int):
    """Results of ``tasks`` in order, with at most ``window`` submitted ahead (bounded memory)."""
    pending: deque = deque()
    todo = iter(tasks)
    with _sigint_ignored():  # the workers are spawned here and inherit SIG_IGN: none can die of Ctrl-C while starting
        for task in todo:
            pending.append(pool.submit(render_sample, task, params[task["family"]]))
            if len(pending) >= window:
                break
    while pending:
        future = pending.popleft()
        task = next(todo, None)
        if task is not None:
            pending.append(pool.submit(render_sample, task, params[task["family"]]))
        yield future.result()


@contextmanager
def _sigint_ignored():
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _worker_init() -> None:
    import cv2

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    cv2.setNumThreads(1)  # one clip per process: threads would only contend


@contextmanager
def _pool(workers: int):
    """A spawn-context pool whose workers ignore SIGINT from birth, terminated on any error."""
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_init)
    try:
        yield pool
    except BaseException:
        _terminate(pool)
        raise
    pool.shutdown()


def _terminate(pool: ProcessPoolExecutor) -> None:
    processes = list((getattr(pool, "_processes", None) or {}).values())  # terminate_workers() arrives in Python 3.14
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        if p.is_alive():
            p.terminate()
    for p in processes:
        p.join(timeout=5)
        if p.is_alive():  # SIGTERM not honoured in time (e.g. a machine under heavy load): no waiting on it
            p.kill()
            p.join(timeout=5)
