"""``generate`` into an fsspec URL (``s3://bucket/prefix``, ``gs://...``, ``memory://...``): a local
folder's guarantees kept on an object store, which has whole-object PUTs but no rename and no file lock.

- Claim: the prefix is listed first, so a bad URL, missing credentials or an unreachable endpoint
  stop the run with one line before anything is written. A non-empty prefix that ``generate`` did
  not make (no ``.symbolset-output.json`` naming it) is refused; then ``.symbolset.lock`` is taken
  as a :class:`symbolset.remote.Lease` (a conditional create, renewed while the run lasts); with
  ``--overwrite`` the prefix is emptied, only when every object in it is one ``generate`` writes.
- Shards: whoever renders a shard (the local engine's parent process, or a Ray task) writes it to
  local scratch and PUTs it whole under its final name, then a small digest object (bytes, sha256;
  :func:`symbolset.engines.write_shard`). No partial object is ever visible under a shard's name.
- Resume: what is there is listed; a shard is complete when its Parquet footer holds the planned
  rows (a ranged read), otherwise it is redone.
- Finish: thumbnails, README.md and last ``manifest.json`` (its presence marks a complete dataset),
  rendered in a local staging folder and uploaded; then the run state, digests and lock are deleted.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from . import __version__, hub, planning, remote
from .config import Config
from .engines import remote_digest_name, run_engine
from .errors import SymbolSetError
from .layout import LOCK_FILE, MANIFEST, OUTPUT_MARKER, _owned, load_manifest

DIGESTS = ".symbolset-digests/data/*.json"


def generate_remote(cfg: Config, url: str, *, workers: int | None = None, overwrite: bool = False, progress: bool = True,
                    engine: str = "local", ray_address: str | None = None, retries: int = 2) -> dict:  # fmt: skip
    """:func:`symbolset.build.generate` into the fsspec URL ``url``; returns the manifest."""
    store = remote.Store(url)
    planning.check_config(cfg)
    _check_owner(store, store.files(), overwrite)  # before the lock object is made: never write into a stranger's prefix
    with remote.Lease(store, LOCK_FILE, "generate").acquire() as lease:
        files = _take_over(store, cfg, overwrite)
        state = {"config": cfg.to_dict(), "generator_version": __version__}
        if planning.STATE_FILE in files:
            cfg = planning.resumed(url, cfg, _json(store.read_bytes(planning.STATE_FILE)))
        elif MANIFEST in files:
            if load_manifest(url).get("config") == cfg.to_dict():
                print(f"{url}: already complete ({cfg.num} clips); nothing to do", file=sys.stderr)
                return load_manifest(url)
            raise SymbolSetError(f"{url}: already holds a dataset of another config; pass --overwrite to replace it")
        else:
            store.write_bytes(planning.STATE_FILE, _dumps(state))
        store.remove([f for f in files if _is_temporary(f)])  # left by a killed non-atomic upload
        shards = planning.shard_plan(cfg)
        present = [s for s in shards if s["file"] in files]
        from concurrent.futures import ThreadPoolExecutor  # here: a run into a local folder never needs it

        with ThreadPoolExecutor(16) as pool:  # one ranged read per shard already there: latency-bound
            rows = dict(zip((s["file"] for s in present), pool.map(store.parquet_rows, (s["file"] for s in present))))
        todo = [s for s in shards if rows.get(s["file"]) != len(s["tasks"])]
        done_before = sum(len(s["tasks"]) for s in shards) - sum(len(s["tasks"]) for s in todo)
        learnt = run_engine(cfg, todo, url, done_before, progress, engine, workers, ray_address, retries)
        return _finish(store, lease, cfg, shards, learnt)


def _finish(store: remote.Store, lease: remote.Lease, cfg: Config, shards: list[dict], learnt: dict | None = None) -> dict:
    """Manifest, card and thumbnails, made locally from the stored shards' digests and columns, then uploaded (manifest last)."""
    files = store.files()
    digests, recorded = {}, store.read_many([remote_digest_name(s["file"]) for s in shards])
    for shard in shards:
        known = _json(recorded.get(remote_digest_name(shard["file"])))
        if isinstance(known, dict) and known.get("bytes") == files.get(shard["file"]) and isinstance(known.get("sha256"), str):
            digests[shard["file"]] = (known["bytes"], known["sha256"])
        else:  # uploaded by a run killed before its digest object: read it once
            digests[shard["file"]] = store.sha256(shard["file"])
    with tempfile.TemporaryDirectory(prefix="symbolset-finish-") as stage:
        manifest = hub.finish(Path(stage), cfg, shards, digests=digests, source=store.url, **(learnt or {}))
        if not lease.held():
            raise SymbolSetError(
                f"{store.where(LOCK_FILE)}: this run lost its lock (not renewed in time, taken over by another run); stopping before the manifest"
            )
        for path in sorted(Path(stage).rglob("*")):
            rel = path.relative_to(stage).as_posix()
            if path.is_file() and rel != MANIFEST:
                store.put_file(str(path), rel)
        store.put_file(str(Path(stage) / MANIFEST), MANIFEST)
    store.remove([planning.STATE_FILE, *(remote_digest_name(s["file"]) for s in shards)])
    return manifest


def _check_owner(store: remote.Store, files: dict, overwrite: bool) -> None:
    """Refuse a non-empty prefix that ``generate`` did not make (the rules of :func:`layout.claim_output`)."""
    if not [f for f in files if f != LOCK_FILE]:
        return
    marker = _json(store.read_bytes(OUTPUT_MARKER)) if OUTPUT_MARKER in files else None
    command = marker.get("command") if isinstance(marker, dict) else None
    if command == "generate":
        return
    what = (
        f"made by `symbolset {command}`, not `symbolset generate`" if command else f"not made by a SymbolSet command (no {OUTPUT_MARKER})"
    )
    if overwrite:
        raise SymbolSetError(f"{store.url}: {what}; refusing to delete it (remove it yourself or choose another prefix)")
    raise SymbolSetError(f"{store.url}: already exists and is not empty ({what}); choose another prefix")


def _take_over(store: remote.Store, cfg: Config, overwrite: bool) -> dict:
    """Under the lock: check the owner again, empty the prefix with ``overwrite``, mark a new one; its listing."""
    files = store.files()
    _check_owner(store, files, overwrite)
    mine = [f for f in files if f not in (LOCK_FILE, OUTPUT_MARKER)]
    if mine and overwrite:
        stranger = next((f for f in mine if not _owned(f, (*planning.OWNED, DIGESTS))), None)
        if stranger is not None:
            raise SymbolSetError(
                f"{store.url}: holds {stranger}, which `symbolset generate` did not write; refusing to delete it (remove it yourself)"
            )
        store.remove(mine)
        files = {f: n for f, n in files.items() if f not in mine}
    if OUTPUT_MARKER not in files:
        store.write_bytes(OUTPUT_MARKER, _dumps({"command": "generate", "options": cfg.to_dict()}))
    return files


def _is_temporary(rel: str) -> bool:
    return any(p.startswith(".") and ".tmp" in p for p in rel.split("/"))


def _json(data: bytes | None):
    try:
        return json.loads(data) if data else None
    except ValueError:
        return None


def _dumps(data) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode()
