"""The plan of a generation run, a pure function of its config: every sample's id, seed and split,
cut into shards; and the files a run owns in its output.

Sample ``k`` of family ``f`` always gets the id ``f"{f}-{seed}-{k:06d}"``, the seed
``SeedSequence([seed, crc32(f), k])`` and the split ``train`` (k % 10 == 0 and 3..9), ``test``
(k % 10 == 1) or ``validation`` (k % 10 == 2).
"""

from __future__ import annotations

import math
import sys

from . import __version__
from .config import Config
from .errors import SymbolSetError
from .families import COMPOSITE
from .layout import MANIFEST, SPLITS, shard_file
from .record import sample_seed, sample_spec

STATE_FILE = ".symbolset-build.json"
ENGINES = ("local", "ray")


def split_of(index: int) -> str:
    """The split of a family's ``index``-th sample: train first, then test, then validation (of every ten: 8/1/1)."""
    return "test" if index % 10 == 1 else "validation" if index % 10 == 2 else "train"


def _counts(cfg: Config) -> tuple[tuple[str, ...], list[int], bool]:
    """The plan's families (composite scenes last), how many samples each, and whether composite
    scenes are spread through it (a ``composite`` share)."""
    nfam, fams = len(cfg.families), cfg.families
    scenes = round(cfg.num * cfg.composite)  # composite scenes, a share of the whole (0 in most configs)
    rest = cfg.num - scenes
    counts = [rest // nfam + (j < rest % nfam) for j in range(nfam)]
    if scenes:
        fams, counts = fams + (COMPOSITE,), counts + [scenes]
    return fams, counts, bool(scenes)


def plan(cfg: Config) -> list[dict]:
    """Every sample to generate, in dataset order (families interleaved)."""
    fams, counts, scenes = _counts(cfg)
    tasks = []
    for k in range(max(counts)):
        for fam, count in zip(fams, counts):
            if k < count:
                tasks.append(
                    {
                        "id": f"{fam}-{cfg.seed}-{k:06d}",
                        "family": fam,
                        "index": k,
                        "seed": sample_seed(cfg.seed, fam, k),
                        "split": split_of(k),
                    }
                )
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


def check_config(cfg: Config) -> None:
    """Sample each family's first spec, in plan order, so a bad family option fails before the output
    folder is touched. Without making the whole plan: its seeds cost ~50 us a sample (a minute a million)."""
    fams, counts, scenes = _counts(cfg)
    first = [(fam, count) for fam, count in zip(fams, counts) if count]  # each family's sample 0, in plan order:
    if scenes:  # ... as plan() sorts them (stable)
        first.sort(key=lambda fc: 0.5 / fc[1])
    for fam, _ in dict(first).items():
        sample_spec(fam, sample_seed(cfg.seed, fam, 0), cfg.params(fam))


def resumed(where, cfg: Config, state) -> Config:
    """The config an unfinished run at ``where`` (its saved ``state``) continues with; one line naming
    what differs otherwise."""
    saved = state if isinstance(state, dict) else {}
    then, note = cfg.resuming(saved.get("config")) if saved.get("generator_version") == __version__ else (None, None)
    if then is None:
        why = f" ({note})" if note else ""
        raise SymbolSetError(f"{where}: holds an unfinished run of a different config{why}; pass --overwrite to replace it")
    if note:
        print(f"{where}: {note}", file=sys.stderr)
    return then
