"""One job per clip or prompt, in order, inline or over worker processes (``bench run`` and ``bench validate``)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator

from tqdm import tqdm


def _worker_init() -> None:
    import cv2

    from .metrics import ocr

    cv2.setNumThreads(1)  # one job per process: threads would only contend
    ocr.engine(threads=1)


def ordered_map(fn: Callable, jobs: list, workers: int = 1, *, desc: str = "", unit: str = "job", progress: bool = False) -> Iterator:
    """``fn(job)`` for every job, yielded in job order.

    ``workers > 1``: that many spawned processes, each single-threaded (OpenCV and OCR), one job at a
    time; results do not depend on their number. ``fn`` must be a module-level function."""
    with tqdm(total=len(jobs), unit=unit, desc=desc, disable=not progress) as bar:
        if workers > 1 and len(jobs) > 1:
            ctx = multiprocessing.get_context("spawn")
            with ctx.Pool(min(workers, len(jobs)), initializer=_worker_init) as pool:
                yield from _tick(pool.imap(fn, jobs, chunksize=1), bar)
        else:
            yield from _tick(map(fn, jobs), bar)


def _tick(items: Iterable, bar) -> Iterator:
    for item in items:
        bar.update()
        yield item
