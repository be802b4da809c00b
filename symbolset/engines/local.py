"""The local engine: a pool of worker processes rendering samples, the parent writing shards.

Rows come back in plan order, so at most one partial shard is held. A worker killed by the OS
(the OOM killer sends SIGKILL) breaks the pool (``BrokenProcessPool``; ``multiprocessing.Pool``
would hang forever instead): the pool is restarted and the samples not yet collected are redone,
one at a time (so the sample that kills its worker is known), at most ``retries`` times per
sample, then the run stops with one line naming the shard and sample. Workers ignore SIGINT:
Ctrl-C is the parent's to handle, so no worker prints a traceback.

Workers are forked from a fork server that has imported the renderer, the families, OpenCV and
PyAV once (``forkserver``; ``spawn`` where there is none): a spawned worker spent ~0.4-0.5 CPU-s on
those imports before its first clip, per worker, and a restarted pool paid it again.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections import Counter, deque
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import SymbolSetError
from ..families import FAMILY_NAMES
from . import render_sample, render_sample_with_thumbnail, software_versions, write_shard

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor
# multiprocessing and concurrent.futures are imported where a pool is made: one worker needs neither.


def run(shards: list[dict], params: dict, out: Path | str, bar, *, workers: int = 1, retries: int = 2) -> dict:
    """Render and write ``shards`` into ``out`` (a folder or an fsspec URL) with ``workers`` processes (1: in this process).

    Returns ``hub.finish``'s ``drawn`` and ``software``: the worker that renders a family's first
    clip draws its thumbnail too, with warm caches and in parallel, and a worker names its library
    versions, instead of this process drawing every thumbnail cold after the last shard and
    importing PyAV only to read its version."""
    from ..record import to_table

    jobs = [(i, t) for i, s in enumerate(shards) for t in s["tasks"]]
    # Test hook: die abruptly (no cleanup, like SIGKILL) after this many shards, so resume tests need no timing race.
    die_after = int(os.environ.get("SYMBOLSET_TEST_DIE_AFTER_SHARDS") or 0)
    written = 0
    rows: list[dict] = []
    done = 0  # jobs collected so far, in plan order
    deaths: Counter = Counter()
    firsts = {t["family"]: t["id"] for _, t in reversed(jobs)}  # each family's first sample here
    thumbs = set(firsts.values())
    drawn: dict[str, bytes] = {}  # thumbnail by clip checksum

    def collect(results) -> None:
        # Rows come back as dicts and the shard's table is built here in one go: a one-row table per
        # sample costs ten times as much to build, and twice as much to pickle, as the dict does.
        nonlocal done, rows, written
        for row in results:
            if isinstance(row, tuple):
                row, png = row
                drawn[row["checksum"]] = png
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
        collect(_job(t, thumbs)(t, params[t["family"]]) for _, t in jobs)
        return {"drawn": drawn}
    from concurrent.futures.process import BrokenProcessPool

    from tqdm import tqdm

    from ..remote import join

    software = None
    careful_end = 0  # after a break, the samples that were in flight are redone one at a time, so blame is exact
    while done < len(jobs):
        careful = done < careful_end
        tasks = [t for _, t in jobs[done : careful_end if careful else len(jobs)]]
        try:
            with _pool(1 if careful else workers) as pool:
                versions = pool.submit(software_versions) if software is None else None
                collect(_ordered(pool, tasks, params, thumbs, window=1 if careful else 2 * workers))
                software = software or versions.result()
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
    return {"drawn": drawn, "software": software}


def _job(task: dict, thumbs: set):
    """What renders ``task``: with its thumbnail when it is in ``thumbs``."""
    return render_sample_with_thumbnail if task["id"] in thumbs else render_sample


def _ordered(pool: ProcessPoolExecutor, tasks: list[dict], params: dict, thumbs: set, window: int):
    """Results of ``tasks`` in order, with at most ``window`` submitted ahead (bounded memory)."""
    pending: deque = deque()
    todo = iter(tasks)
    with _sigint_ignored():  # the workers are spawned here and inherit SIG_IGN: none can die of Ctrl-C while starting
        for task in todo:
            pending.append(pool.submit(_job(task, thumbs), task, params[task["family"]]))
            if len(pending) >= window:
                break
    while pending:
        future = pending.popleft()
        task = next(todo, None)
        if task is not None:
            pending.append(pool.submit(_job(task, thumbs), task, params[task["family"]]))
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


# What a worker needs to render a clip, imported once by the fork server (it ignores modules it cannot import).
_PRELOAD = ["symbolset.engines", "symbolset.record", "symbolset.render", "symbolset.stage", "symbolset.hub", "av", "cv2",
            *(f"symbolset.families.{name}" for name in FAMILY_NAMES)]  # fmt: skip


def _context():
    """The fork server's context (preloading :data:`_PRELOAD`), else spawn's."""
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(_PRELOAD)  # no effect once this process's fork server runs
    return ctx


def start_fork_server() -> None:
    """Start this process's fork server now, so that its imports (a few tenths of a CPU-second) run
    while this process still imports and plans, not after. Optional: the first pool starts it anyway."""
    if _context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        with _sigint_ignored():  # as the pool's workers: Ctrl-C is the parent's alone
            forkserver.ensure_running()


def _worker_init(environ: dict, cwd: str) -> None:
    import cv2

    from ..memory import tune_allocator, tune_collector

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    cv2.setNumThreads(1)  # one clip per process: threads would only contend
    # A forked worker has the fork server's environment and folder, as they were when it started
    # (maybe an earlier run of this process): take the parent's now, as a spawned worker would.
    if os.environ != environ:
        os.environ.clear()
        os.environ.update(environ)
    os.chdir(cwd)
    tune_allocator()  # as the parent's (see memory.py): freed memory kept for the next clip,
    tune_collector()  # the fork server's imports frozen out of the collector's way


@contextmanager
def _pool(workers: int):
    """A pool (:func:`_context`) whose workers ignore SIGINT from birth, terminated on any error."""
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(workers, mp_context=_context(), initializer=_worker_init, initargs=(dict(os.environ), os.getcwd()))
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
