"""Engines that turn planned shards into Parquet files: ``local`` (a process pool) and ``ray``.

Both render each shard's samples in plan order with the per-sample seeds and write
``data/<split>-NNNNN-of-MMMMM.parquet`` atomically (:func:`write_shard`: into a folder, or PUT
whole under an fsspec URL), so the bytes are the same whichever engine and however many workers. An engine gets only the shards still to do (``build`` skips complete ones).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import Config

# Light to import (the rest is imported where it is used): generation workers import this package
# for render_sample, and ``generate`` imports it before it starts its workers (local.start_fork_server).

FAULT_ENV = "SYMBOLSET_TEST_FAULT"


def render_sample(task: dict, params: dict) -> dict:
    """One row; the test fault hook (``SYMBOLSET_TEST_FAULT``) runs first."""
    from ..record import make_record

    _fault_hook(task["id"])
    return make_record(task, params)


def render_sample_with_thumbnail(task: dict, params: dict) -> tuple[dict, bytes]:
    """:func:`render_sample` and the thumbnail of its clip (:func:`symbolset.hub.thumbnail` of the
    stored spec), drawn while this process's caches still hold what the clip used."""
    from ..hub import thumbnail

    row = render_sample(task, params)
    return row, thumbnail(row["spec"], row["id"])


def software_versions() -> dict:
    """:func:`symbolset.hub.software_versions` of this (worker) process."""
    from ..hub import software_versions

    return software_versions()


def render_shard(shard: dict, params: dict, out: str) -> dict:
    """Render every sample of ``shard`` in plan order and write its Parquet file under ``out``.

    ``params`` maps each family to its canvas parameters. Returns ``{file, rows, host}``.
    """
    import socket

    import cv2

    from ..record import to_table

    cv2.setNumThreads(1)  # one shard per CPU: threads would only contend
    rows = [render_sample(t, params[t["family"]]) for t in shard["tasks"]]
    write_shard(to_table(rows), out, shard["file"])
    return {"file": shard["file"], "rows": len(rows), "host": socket.gethostname()}


def write_shard(table, out, file: str) -> None:
    """Write one shard's table as ``file`` under ``out``: a folder (atomically, :func:`layout.write_parquet`)
    or an fsspec URL: written to local scratch (``SYMBOLSET_SCRATCH``, else the system's temporary
    folder), PUT whole under its final name, then its size and sha256 as :func:`remote_digest_name`
    (so the manifest needs no second download of the shard)."""
    from .. import remote
    from ..layout import write_parquet

    if not remote.is_url(str(out)):
        write_parquet(table, Path(out) / file)
        return
    import hashlib

    store = remote.Store(str(out))
    with tempfile.TemporaryDirectory(prefix="symbolset-shard-", dir=os.environ.get("SYMBOLSET_SCRATCH") or None) as scratch:
        local = Path(scratch) / Path(file).name
        write_parquet(table, local)
        with open(local, "rb") as f:
            digest = hashlib.file_digest(f, "sha256").hexdigest()
        store.put_file(str(local), file)
        store.write_bytes(remote_digest_name(file), json.dumps({"bytes": local.stat().st_size, "sha256": digest}).encode())


def remote_digest_name(file: str) -> str:
    """Where :func:`write_shard` records an uploaded shard's ``{bytes, sha256}`` (deleted when the run completes)."""
    return f".symbolset-digests/{file}.json"


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


def run_engine(cfg: Config, todo: list[dict], out: Path | str, done_before: int, progress: bool, engine: str,
               workers: int | None, ray_address: str | None, retries: int) -> dict:  # fmt: skip
    """Render and write the shards ``todo`` into ``out`` (a folder or an fsspec URL) with a progress bar.

    Returns what the engine learnt on the way, as ``hub.finish``'s keyword arguments: ``drawn``
    (thumbnails) and ``software`` (the workers' library versions), each when it has them."""
    params = {f: cfg.params(f) for f in cfg.planned()}
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=cfg.num, initial=done_before, unit="clip", desc=f"generate {cfg.name}", smoothing=0.1)
    else:  # no tqdm to import (~25 ms, with its multiprocessing lock) for a bar that would not be shown
        bar = _NoBar()
    try:
        if engine == "ray":
            from . import ray_engine

            ray_engine.run(todo, params, out, bar, address=ray_address, workers=workers, retries=retries)
            return {}
        from . import local

        return local.run(todo, params, out, bar, workers=workers or 1, retries=retries)
    finally:
        bar.close()


class _NoBar:
    """What the engines call on a progress bar, doing nothing (``--quiet``)."""

    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass
