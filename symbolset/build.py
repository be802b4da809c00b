"""Plan -> Parquet shards in the Hub layout: deterministic ids and seeds, atomic writes, resume.

The plan is a pure function of the config: sample ``k`` of family ``f`` always gets the id
``f"{f}-{seed}-{k:06d}"``, the seed ``SeedSequence([seed, crc32(f), k])`` and the split
``train`` (k % 10 == 0 and 3..9), ``test`` (k % 10 == 1) or ``validation`` (k % 10 == 2). So
generating only sample 7 gives exactly sample 7 of a 4-worker run, and a family's first clip is
always train: one clip per family gives a train split, two add test, three or more all three. Each shard is written under a temporary name and renamed when complete;
a killed run started again skips the shards already on disk.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pyarrow.parquet as pq
from tqdm import tqdm

from . import __version__, hub, layout, remote
from .config import Config
from .errors import SymbolSetError
from .families import COMPOSITE
from .layout import MANIFEST, SPLITS, load_manifest, shard_file, write_json_atomic
from .record import sample_seed, sample_spec

STATE_FILE = ".symbolset-build.json"
ENGINES = ("local", "ray")


def split_of(index: int) -> str:
    """The split of a family's ``index``-th sample: train first, then test, then validation (of every ten: 8/1/1)."""
    return "test" if index % 10 == 1 else "validation" if index % 10 == 2 else "train"


def plan(cfg: Config) -> list[dict]:
    """Every sample to generate, in dataset order (families interleaved)."""
    nfam, fams = len(cfg.families), cfg.families
    scenes = round(cfg.num * cfg.composite)  # composite scenes, a share of the whole (0 in most configs)
    rest = cfg.num - scenes
    counts = [rest // nfam + (j < rest % nfam) for j in range(nfam)]
    if scenes:
        fams, counts = fams + (COMPOSITE,), counts + [scenes]
    tasks = []
    for k in range(max(counts)):
        for fam, count in zip(fams, counts):
            if k < count:
                tasks.append({"id": f"{fam}-{cfg.seed}-{k:06d}", "family": fam, "index": k, "seed": sample_seed(cfg.seed, fam, k), "split": split_of(k)})
    if scenes:  # spread the scenes through the plan (a stable sort, by each task's place in its family's run)
        where = dict(zip(fams, counts))
        tasks.sort(key=lambda t: (t["index"] + 0.5) / where[t["family"]])
    return tasks


def shard_plan(cfg: Config) -> list[dict]:
    """Shards ``{file, split, tasks}`` in order: each split's tasks cut into ``shard_size`` pieces."""
    tasks = plan(cfg)
    shards = []
    for split in SPLITS:
        mine = [t for t in tasks if t["split"] == split]
        n = math.ceil(len(mine) / cfg.shard_size)
        for j in range(n):
            shards.append({"file": shard_file(split, j, n), "split": split, "tasks": mine[j * cfg.shard_size : (j + 1) * cfg.shard_size]})
    return shards


# Every file `generate` writes; `--overwrite` deletes a folder only when it holds nothing else.
OWNED = (MANIFEST, "README.md", STATE_FILE, "data/*.parquet", "thumbnails/*.png")


def _prepare_output(out: Path, cfg: Config, overwrite: bool) -> tuple[layout.OutputFolder, bool]:
    """Claim (create, lock, and with ``overwrite`` empty) the output folder; returns the claim and
    True when a finished dataset of this config is already there."""
    state = {"config": cfg.to_dict(), "generator_version": __version__}
    state_path, manifest_path = out / STATE_FILE, out / MANIFEST
    claim = layout.claim_output(out, "generate", cfg.to_dict(), overwrite=overwrite, owned=OWNED)
    try:
        if state_path.exists():
            if _read_json(state_path) != state:
                raise SymbolSetError(f"{out}: holds an unfinished run of a different config; pass --overwrite to replace it")
            return claim, False
        if manifest_path.exists():
            if load_manifest(out).get("config") == cfg.to_dict():
                return claim, True
            raise SymbolSetError(f"{out}: already holds a dataset of another config; pass --overwrite to replace it")
        (out / "data").mkdir(exist_ok=True)
        write_json_atomic(state_path, state)
    except OSError as exc:
        claim.release()
        raise layout.os_error(exc, out) from None
    except BaseException:
        claim.release()
        raise
    return claim, False


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
        from .build_remote import generate_remote

        return generate_remote(cfg, str(out), workers=workers, overwrite=overwrite, progress=progress, engine=engine, ray_address=ray_address, retries=retries)
    out = Path(out)
    _check_config(cfg)
    claim, complete = _prepare_output(out, cfg, overwrite)
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


def _check_config(cfg: Config) -> None:
    """Sample each family's first spec, so a bad family option fails before the output folder is touched."""
    first = {}
    for task in plan(cfg):
        first.setdefault(task["family"], task)
    for task in first.values():
        sample_spec(task["family"], task["seed"], cfg.params(task["family"]))


def _generate(cfg: Config, out: Path, workers: int | None, progress: bool, engine: str, ray_address: str | None, retries: int) -> dict:
    layout.remove_temporaries(out)
    shards = shard_plan(cfg)
    todo = [s for s in shards if not _complete(out / s["file"], len(s["tasks"]))]
    done_before = sum(len(s["tasks"]) for s in shards) - sum(len(s["tasks"]) for s in todo)
    run_engine(cfg, todo, out, done_before, progress, engine, workers, ray_address, retries)
    manifest = hub.finish(out, cfg, shards)
    (out / STATE_FILE).unlink(missing_ok=True)
    return manifest


def run_engine(cfg: Config, todo: list[dict], out: Path | str, done_before: int, progress: bool, engine: str,
               workers: int | None, ray_address: str | None, retries: int) -> None:  # fmt: skip
    """Render and write the shards ``todo`` into ``out`` (a folder or an fsspec URL) with a progress bar."""
    params = {f: cfg.params(f) for f in cfg.planned()}
    bar = tqdm(total=cfg.num, initial=done_before, unit="clip", desc=f"generate {cfg.name}", disable=not progress, smoothing=0.1)
    try:
        if engine == "ray":
            from .engines import ray_engine

            ray_engine.run(todo, params, out, bar, address=ray_address, workers=workers, retries=retries)
        else:
            from .engines import local

            local.run(todo, params, out, bar, workers=workers or 1, retries=retries)
    finally:
        bar.close()


def _complete(path: Path, rows: int) -> bool:
    if not path.exists():
        return False
    try:
        return pq.read_metadata(path).num_rows == rows
    except Exception:  # a damaged shard is simply redone
        return False
