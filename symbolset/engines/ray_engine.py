"""The Ray engine: one Ray Core task per output shard, on a local or an existing Ray cluster.

Each task (``num_cpus=1``, retried by Ray when its worker dies) renders its shard's samples in
plan order and writes the shard atomically, so the files are byte-identical to the local engine's.
The driver only plans, submits, follows progress with ``ray.wait`` and checks each shard is
visible from here (on several nodes ``--out`` must be storage every node shares).
Ray is optional: ``pip install 'symbolset[ray]'``.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import SymbolSetError
from ..remote import Store, is_url, join
from . import FAULT_ENV, render_shard


def connect(address: str | None, num_cpus: int | None = None):
    """``ray.init`` on ``address`` (else ``RAY_ADDRESS``, else a private local cluster); the ray module."""
    try:
        import ray
    except ImportError:
        raise SymbolSetError("--engine ray needs Ray: pip install 'symbolset[ray]'") from None
    address = address or os.environ.get("RAY_ADDRESS") or "local"  # "local" never attaches to a stale cluster
    local = address == "local"
    fault = os.environ.get(FAULT_ENV)  # the test hook reaches workers of an existing cluster only this way
    try:
        ray.init(address=address, num_cpus=num_cpus if local else None, include_dashboard=False, log_to_driver=False,
                 logging_level="WARNING", runtime_env={"env_vars": {FAULT_ENV: fault}} if fault else None)  # fmt: skip
    except Exception as exc:  # Ray raises ConnectionError, RuntimeError, ValueError, its own AuthenticationError...
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SymbolSetError(f"--ray-address {address}: cannot start or connect to Ray ({first})") from None
    return ray


def run(
    shards: list[dict], params: dict, out: Path | str, bar, *, address: str | None = None, workers: int | None = None, retries: int = 2
) -> None:
    """Render and write ``shards`` into ``out`` as Ray tasks; ``workers`` caps the CPUs of a local cluster."""
    ray = connect(address, workers)
    try:
        task = ray.remote(num_cpus=1, max_retries=retries)(render_shard)
        refs = {task.remote(s, params, str(out)): s for s in shards}
        while refs:
            ready, _ = ray.wait(list(refs), num_returns=1)
            for ref in ready:
                shard = refs.pop(ref)
                result = _result(ray, ref, join(out, shard["file"]), retries)
                _check_visible(out, shard["file"], result)
                bar.update(len(shard["tasks"]))
    finally:
        ray.shutdown()


def _result(ray, ref, path: Path, retries: int) -> dict:
    try:
        return ray.get(ref)
    except ray.exceptions.RayTaskError as exc:
        cause = exc.cause if isinstance(getattr(exc, "cause", None), SymbolSetError) else None
        if cause is not None:
            raise SymbolSetError(str(cause)) from None
        raise SymbolSetError(f"{path}: rendering failed on a Ray worker ({_first_line(exc)})") from None
    except (ray.exceptions.WorkerCrashedError, ray.exceptions.NodeDiedError, ray.exceptions.OutOfMemoryError) as exc:
        raise SymbolSetError(f"{path}: the Ray worker died {retries + 1} times while rendering this shard "
                             f"(killed by the OS, e.g. out of memory: {_first_line(exc)}); stopping") from None  # fmt: skip


def _check_visible(out: Path | str, file: str, result: dict) -> None:
    import pyarrow.parquet as pq

    path = join(out, file)
    try:
        rows = Store(str(out)).parquet_rows(file) if is_url(str(out)) else pq.read_metadata(path).num_rows
    except (OSError, ValueError):
        rows = None
    if rows != result["rows"]:
        hint = ("the driver and the workers must see the same store (same endpoint)" if is_url(str(out))
                else "on a multi-node cluster --out must be a folder every node shares (e.g. NFS) or an object-store URL")  # fmt: skip
        raise SymbolSetError(f"{path}: written by a Ray worker on {result['host']} but not readable here; {hint}")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
