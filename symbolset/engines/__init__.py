"""Engines that turn planned shards into Parquet files: ``local`` (a process pool) and ``ray``.

Both render each shard's samples in plan order with the per-sample seeds and write
``data/<split>-NNNNN-of-MMMMM.parquet`` atomically, so the bytes are the same whichever engine
and however many workers. An engine gets only the shards still to do (``build`` skips complete ones).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from ..layout import write_parquet
from ..record import make_record, to_table

FAULT_ENV = "SYMBOLSET_TEST_FAULT"


def render_sample(task: dict, params: dict) -> dict:
    """One row; the test fault hook (``SYMBOLSET_TEST_FAULT``) runs first."""
    _fault_hook(task["id"])
    return make_record(task, params)


def render_shard(shard: dict, params: dict, out: str) -> dict:
    """Render every sample of ``shard`` in plan order and write its Parquet file under ``out``.

    ``params`` maps each family to its canvas parameters. Returns ``{file, rows, host}``.
    """
    import socket

    import cv2

    cv2.setNumThreads(1)  # one shard per CPU: threads would only contend
    rows = [render_sample(t, params[t["family"]]) for t in shard["tasks"]]
    write_parquet(to_table(rows), Path(out) / shard["file"])
    return {"file": shard["file"], "rows": len(rows), "host": socket.gethostname()}


def _fault_hook(sample_id: str) -> None:
    """Fault injection for tests of dead workers: ``MODE:SAMPLE_ID[:MARKER]`` in ``SYMBOLSET_TEST_FAULT``.

    MODE ``exit`` ends the worker process at once (as the OOM killer would); ``stall`` makes it
    hang so a test can SIGKILL it. With MARKER the fault fires only while that file does not
    exist (the worker creates it, holding its pid), i.e. once; without, on every attempt.
    """
    spec = os.environ.get(FAULT_ENV)
    if not spec:
        return
    mode, _, rest = spec.partition(":")
    target, _, marker = rest.partition(":")
    if target != sample_id:
        return
    if marker:
        try:
            fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
    if mode == "exit":
        os._exit(137)
    if mode == "stall":
        time.sleep(3600)
