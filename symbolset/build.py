"""Plan -> Parquet shards in the Hub layout: deterministic ids and seeds, atomic writes, resume.

The plan (:mod:`symbolset.planning`) is a pure function of the config, so generating only sample 7
gives exactly sample 7 of a 4-worker run, and a family's first clip is always train: one clip per
family gives a train split, two add test, three or more all three. An engine
(:mod:`symbolset.engines`) writes each shard under a temporary name and renames it when complete; a
killed run started again skips the shards already on disk. An fsspec URL as ``out`` goes to
:mod:`symbolset.build_remote`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pyarrow.parquet as pq

from . import __version__, hub, layout, remote
from .build_remote import generate_remote
from .config import Config
from .engines import run_engine
from .errors import SymbolSetError
from .layout import MANIFEST, load_manifest, write_json_atomic
from .planning import ENGINES, OWNED, STATE_FILE, check_config, plan, resumed, shard_plan, split_of
from .record import sample_seed

__all__ = ["generate", "plan", "shard_plan", "split_of", "sample_seed"]  # plan and seeds re-exported for callers of build


def _prepare_output(out: Path, cfg: Config, overwrite: bool) -> tuple[layout.OutputFolder, bool, Config]:
    """Claim (create, lock, and with ``overwrite`` empty) the output folder; returns the claim, True
    when a finished dataset of this config is already there, and the config to run (an unfinished
    run's own, see :meth:`Config.resuming`)."""
    state = {"config": cfg.to_dict(), "generator_version": __version__}
    state_path, manifest_path = out / STATE_FILE, out / MANIFEST
    claim = layout.claim_output(out, "generate", cfg.to_dict(), overwrite=overwrite, owned=OWNED)
    try:
        if state_path.exists():
            return claim, False, resumed(out, cfg, _read_json(state_path))
        if manifest_path.exists():
            if load_manifest(out).get("config") == cfg.to_dict():
                return claim, True, cfg
            raise SymbolSetError(f"{out}: already holds a dataset of another config; pass --overwrite to replace it")
        (out / "data").mkdir(exist_ok=True)
        write_json_atomic(state_path, state)
    except OSError as exc:
        claim.release()
        raise layout.os_error(exc, out) from None
    except BaseException:
        claim.release()
        raise
    return claim, False, cfg


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def generate(cfg: Config, out: str | Path, *, workers: int | None = None, overwrite: bool = False, progress: bool = True,
             engine: str = "local", ray_address: str | None = None, retries: int = 2) -> dict:  # fmt: skip
    """Generate the dataset of ``cfg`` into ``out`` (Hub layout); returns the manifest.

    ``engine`` is ``local`` (``workers`` processes, default 1) or ``ray`` (one task per shard on the
    cluster at ``ray_address`` / ``RAY_ADDRESS``, else a local one with ``workers`` CPUs, default all).
    A shard whose worker dies is retried ``retries`` times. The bytes are the same for any engine and workers.
    Interrupted runs resume: shards already written are kept, unfinished ones are redone. The folder
    is locked for the whole run (a second run into it is refused); a disk that fills up, or a folder
    that cannot be written, ends the run with one line naming the path, temporary files removed.
    """
    if engine not in ENGINES:
        raise SymbolSetError(f"--engine: expected one of {', '.join(ENGINES)}, got {engine!r}")
    if remote.is_url(str(out)):  # s3://, gs://, any fsspec URL: each shard rendered locally and PUT whole
        return generate_remote(cfg, str(out), workers=workers, overwrite=overwrite, progress=progress, engine=engine, ray_address=ray_address, retries=retries)
    out = Path(out)
    check_config(cfg)
    claim, complete, cfg = _prepare_output(out, cfg, overwrite)
    with claim:
        if complete:
            print(f"{out}: already complete ({cfg.num} clips); nothing to do", file=sys.stderr)
            return load_manifest(out)
        try:
            return _generate(cfg, out, workers, progress, engine, ray_address, retries)
        except OSError as exc:
            raise layout.os_error(exc, out) from None
        finally:
            layout.remove_temporaries(out)


def _generate(cfg: Config, out: Path, workers: int | None, progress: bool, engine: str, ray_address: str | None, retries: int) -> dict:
    layout.remove_temporaries(out)
    shards = shard_plan(cfg)
    todo = [s for s in shards if not _complete(out / s["file"], len(s["tasks"]))]
    done_before = sum(len(s["tasks"]) for s in shards) - sum(len(s["tasks"]) for s in todo)
    learnt = run_engine(cfg, todo, out, done_before, progress, engine, workers, ray_address, retries)
    manifest = hub.finish(out, cfg, shards, **learnt)
    (out / STATE_FILE).unlink(missing_ok=True)
    return manifest


def _complete(path: Path, rows: int) -> bool:
    if not path.exists():
        return False
    try:
        return pq.read_metadata(path).num_rows == rows
    except Exception:  # a damaged shard is simply redone
        return False
