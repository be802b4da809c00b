"""One job per clip or prompt, in order, inline or over worker processes (``bench run`` and ``bench validate``).

A job that fails stops the run with one line naming it (:class:`JobError`, a
:class:`~symbolset.errors.SymbolSetError`, printed by the CLI without a traceback), raised the same
way whether the job ran inline or in a worker process; nothing is written, as the callers write
their outputs only after the last job."""

from __future__ import annotations

import contextlib
import multiprocessing
from collections.abc import Callable, Iterable, Iterator

from tqdm import tqdm

from ..errors import SymbolSetError


class JobError(SymbolSetError):
    """A job of a run failed; the message names the job (clip, variant, video) and the cause on one line."""


def _one_line(exc: BaseException) -> str:
    """``exc`` as one line: its message (its type's name for an unexpected error, as ``ValueError: ...``)."""
    text = " ".join(str(exc).split()) or "(no message)"
    return text if isinstance(exc, SymbolSetError) else f"{type(exc).__name__}: {text}"


@contextlib.contextmanager
def naming(what: str) -> Iterator[None]:
    """Re-raise an exception of the block as a :class:`JobError` whose line starts with ``what``
    (``"variant move"``); nested blocks name the path to the failure (``"clip X: variant move: ..."``)."""
    try:
        yield
    except Exception as exc:
        raise JobError(f"{what}: {_one_line(exc)}") from None


class _Named:
    """``fn(job)`` with a failure named by ``label(job)``: picklable, so it runs the same in a worker."""

    def __init__(self, fn: Callable, label: Callable[[object], str]):
        self.fn, self.label = fn, label

    def __call__(self, job):
        with naming(self.label(job)):
            return self.fn(job)


def _worker_init() -> None:
    import cv2

    from .metrics import ocr

    cv2.setNumThreads(1)  # one job per process: threads would only contend
    ocr.engine(threads=1)


def ordered_map(fn: Callable, jobs: list, workers: int = 1, *, label: Callable | None = None, desc: str = "", unit: str = "job",
                progress: bool = False) -> Iterator:  # fmt: skip
    """``fn(job)`` for every job, yielded in job order.

    ``workers > 1``: that many spawned processes, each single-threaded (OpenCV and OCR), one job at a
    time; results do not depend on their number. ``fn`` (and ``label``) must be module-level functions.
    ``label(job)`` names a job whose ``fn`` raises: the run stops with :class:`JobError`, one line."""
    fn = _Named(fn, label) if label is not None else fn
    with tqdm(total=len(jobs), unit=unit, desc=desc, disable=not progress) as bar:
        if workers > 1 and len(jobs) > 1:
            ctx = multiprocessing.get_context("spawn")
            with ctx.Pool(min(workers, len(jobs)), initializer=_worker_init) as pool:
                try:
                    yield from _tick(pool.imap(fn, jobs, chunksize=1), bar)
                except JobError as exc:
                    raise JobError(str(exc)) from None  # without the worker's traceback attached
        else:
            yield from _tick(map(fn, jobs), bar)


def _tick(items: Iterable, bar) -> Iterator:
    for item in items:
        bar.update()
        yield item
