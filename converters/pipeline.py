"""Streaming machinery shared by every format: a bounded, ordered process-pool map and shard grouping.

Memory stays bounded: at most ``window`` samples are in flight between the reader and the writer,
and a writer holds at most one open shard per split.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field


def _init_worker() -> None:
    try:
        import cv2

        cv2.setNumThreads(1)
    except ImportError:  # pragma: no cover - opencv is a core dependency
        pass


def ordered_map(fn: Callable, items: Iterable, workers: int = 1, window: int | None = None) -> Iterator:
    """``map(fn, items)`` in input order, over ``workers`` processes, never more than ``window`` items in flight.

    Unlike ``Pool.imap`` (whose feeder thread drains the input as fast as it can), this reads the
    input only as results are consumed, so a large source never piles up in memory.
    """
    with gc_paused():
        for i, result in enumerate(_ordered(fn, items, workers, window), 1):
            yield result
            if i % 256 == 0:  # the young generations only: what was made since the pause, i.e. live data
                gc.collect(1)


def _ordered(fn: Callable, items: Iterable, workers: int, window: int | None) -> Iterator:
    if workers <= 1:
        yield from map(fn, items)
        return
    window = window or 4 * workers
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker) as pool:
        pending: deque = deque()
        try:
            for item in items:
                pending.append(pool.submit(fn, item))
                if len(pending) >= window:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for fut in pending:
                fut.cancel()


@contextmanager
def gc_paused():
    """The cyclic garbage collector off while records stream through (restored after).

    A clip's annotations are thousands of small Python objects; the collector's full passes over
    every live one cost more than the conversion itself. Records are plain trees without cycles,
    so reference counting frees them; :func:`ordered_map` still collects the young generations
    every 256 records, in case a library (PyAV, PIL) leaves a cycle behind.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass
class Encoded:
    """One sample as a writer will store it: its split, its size in bytes, and the payload."""

    split: str
    nbytes: int
    payload: object


@dataclass
class _Open:
    index: int = 0
    payloads: list = field(default_factory=list)
    nbytes: int = 0


class Sharder:
    """Groups encoded samples into shards per split, by count (``shard_size``) or size (``shard_bytes``).

    ``flush(split, index, payloads)`` is called for each full shard, in order; boundaries depend only
    on the input, so a re-run cuts the same shards (which is what makes resuming possible).
    """

    def __init__(self, flush: Callable[[str, int, list], None], shard_size: int | None = None, shard_bytes: int | None = None):
        self.flush, self.shard_size, self.shard_bytes = flush, shard_size, shard_bytes
        self.open: dict[str, _Open] = {}

    def add(self, enc: Encoded) -> None:
        """Add one sample; writes the split's shard first if the sample would overflow it."""
        cur = self.open.setdefault(enc.split, _Open())
        full = cur.payloads and (
            (self.shard_size and len(cur.payloads) >= self.shard_size) or (self.shard_bytes and cur.nbytes + enc.nbytes > self.shard_bytes)
        )
        if full:
            self._emit(enc.split)
            cur = self.open[enc.split]
        cur.payloads.append(enc.payload)
        cur.nbytes += enc.nbytes

    def close(self) -> None:
        """Write every split's last, partly filled shard."""
        for split in list(self.open):
            if self.open[split].payloads:
                self._emit(split)

    def _emit(self, split: str) -> None:
        cur = self.open[split]
        self.flush(split, cur.index, cur.payloads)
        self.open[split] = _Open(index=cur.index + 1)
