"""Where samples come from, and reading their rows (shared by the PyTorch and TensorFlow loaders).

- :func:`resolve`: a *source* (a Hub-layout folder, ``"tiny"``, a Hub repo id, or a
  ``datasets.Dataset``) -> a :class:`Source` (shard paths or the in-memory dataset).
- :class:`Index` and :class:`RowReader`: which rows are selected (family / difficulty filter) and
  reading one row as a lazy :class:`symbolset.shards.Row` (only the columns the options need;
  fields become Python objects only when used), through :class:`symbolset.shards.Shards`, which
  is safe under tf.data's parallel threads and opens its own files in each DataLoader worker.

How a row becomes a sample is :mod:`symbolset.sampling`.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import layout
from .errors import SymbolSetError

# Moved to symbolset.sampling; still importable from here for code written against sources.
from .sampling import (  # noqa: F401
    SAMPLE_COLUMNS,
    Annotations,
    ClipOptions,
    caption_choices,
    check_on_error,
    choose_caption,
    frame_indices,
    make_sample,
    note_skip,
    reindex_annotations,
    sample_rng,
)
from .shards import Row, Shards, open_shard, row_group_bounds, shard_label

__all__ = ["Source", "Index", "RowReader", "resolve", "make_filter", "partition", "tiny_dir", "open_shard", "shard_label"]


# --------------------------------------------------------------------------------------- sources
@dataclass
class Source:
    """A resolved source: Parquet shard paths (local paths or fsspec URLs), or a ``datasets.Dataset``."""

    name: str
    shards: list[str] = field(default_factory=list)
    dataset: Any = None  # datasets.Dataset with the video column undecoded


def tiny_dir() -> Path:
    """The checked-in tiny split (``tiny/`` beside the package in a source checkout)."""
    path = Path(__file__).resolve().parent.parent / "tiny"
    if not (path / "data").is_dir():
        raise SymbolSetError(f"{path}: the tiny split is not here (it ships with the source checkout); pass a dataset folder instead")
    return path


def _looks_like_repo_id(text: str) -> bool:
    parts = text.split("/")
    return len(parts) == 2 and all(parts) and not text.startswith((".", "~")) and not os.path.exists(text)


def resolve(source, split: str | None = "train", *, revision: str | None = None, cache_dir: str | None = None, download: bool = True) -> Source:
    """Resolve ``source`` to a :class:`Source` for ``split`` (None: every split).

    ``source`` is a Hub-layout folder (or an fsspec URL of one: ``s3://bucket/prefix``), ``"tiny"`` (the checked-in tiny split), a Hub dataset repo id
    (``owner/name``: downloaded into the ``huggingface_hub`` cache with ``snapshot_download``, which
    works offline from that cache when ``HF_HUB_OFFLINE=1``; with ``download=False`` the shards are
    read over HTTP as ``hf://`` URLs instead), or a ``datasets.Dataset`` (its split is its own).
    """
    if _is_hf_dataset(source):
        return Source(name=f"datasets.Dataset({source.num_rows} rows)", dataset=_undecoded(source))
    if not isinstance(source, (str, os.PathLike)):
        raise SymbolSetError(f"unsupported source {type(source).__name__}: pass a folder, 'tiny', a Hub repo id or a datasets.Dataset")
    text = os.fspath(source)
    if text == "tiny":
        root = tiny_dir()
    elif os.path.isdir(text):
        root = Path(text)
    elif "://" in text:  # an fsspec URL (s3://bucket/prefix...): shards read in place, ranged reads
        return Source(name=text, shards=layout.shard_paths(text, split))
    elif _looks_like_repo_id(text):
        if not download:
            return Source(name=text, shards=_remote_shards(text, split, revision))
        root = _snapshot(text, split, revision, cache_dir)
    else:
        raise SymbolSetError(f"{text}: no such dataset folder (and not a Hub repo id owner/name)")
    shards = [str(p) for p in layout.shard_paths(root, split)]
    if not shards:
        raise SymbolSetError(f"{root}: no shards for split {split!r} under data/")
    return Source(name=str(root), shards=shards)


def _is_hf_dataset(obj) -> bool:
    try:
        import datasets
    except ImportError:  # pragma: no cover - datasets is a core dependency
        return False
    return isinstance(obj, datasets.Dataset)


def _undecoded(ds):
    """The dataset with its video column as raw ``{bytes, path}`` (no torchcodec decoding)."""
    import datasets

    missing = [c for c in ("id", "family", "video", "captions", "fps") if c not in ds.column_names]
    if missing:
        raise SymbolSetError(f"datasets.Dataset lacks SymbolSet column {missing[0]!r}")
    feat = ds.features["video"]
    if isinstance(feat, datasets.Video) and feat.decode:
        ds = ds.cast_column("video", datasets.Video(decode=False))
    return ds.with_format(None)


def _snapshot(repo_id: str, split: str | None, revision: str | None, cache_dir: str | None) -> Path:
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError

    pattern = f"data/{split}-*.parquet" if split else "data/*.parquet"
    try:
        path = snapshot_download(repo_id, repo_type="dataset", revision=revision, cache_dir=cache_dir,
                                 allow_patterns=["README.md", layout.MANIFEST, pattern])  # fmt: skip
    except LocalEntryNotFoundError:
        raise SymbolSetError(f"{repo_id}: not in the local Hugging Face cache and the Hub cannot be reached (offline?)") from None
    except HfHubHTTPError as exc:
        raise SymbolSetError(f"{repo_id}: cannot download from the Hub ({str(exc).splitlines()[0]})") from None
    except OSError as exc:
        raise SymbolSetError(f"{repo_id}: cannot reach the Hub ({exc})") from None
    return Path(path)


def _remote_shards(repo_id: str, split: str | None, revision: str | None) -> list[str]:
    from huggingface_hub import HfFileSystem

    rev = f"@{revision}" if revision else ""
    pattern = f"datasets/{repo_id}{rev}/data/{split or '*'}-*.parquet"
    try:
        found = sorted(HfFileSystem().glob(pattern))
    except Exception as exc:  # network or auth failures come in many types
        raise SymbolSetError(f"{repo_id}: cannot list shards on the Hub ({str(exc).splitlines()[0]})") from None
    if not found:
        raise SymbolSetError(f"{repo_id}: no shards for split {split!r} on the Hub")
    return [f"hf://{p}" for p in found]


# ----------------------------------------------------------------------------------------- index
def make_filter(families=None, difficulty=None) -> Callable[[str, dict], bool] | None:
    """A predicate ``(family, difficulty_labels) -> bool`` from the loaders' filter options.

    ``families``: a name or a collection of names. ``difficulty``: a mapping ``label -> value``
    (or a collection of accepted values, e.g. ``{"level": ["easy", "medium"]}``), or a callable
    taking the difficulty dict. None for both: no filter.
    """
    if families is None and difficulty is None:
        return None
    fams = None if families is None else ({families} if isinstance(families, str) else set(families))
    if fams is not None:
        from .families import NAMED

        unknown = sorted(fams - set(NAMED))
        if unknown:
            raise SymbolSetError(f"unknown family {unknown[0]!r} in filter (known: {', '.join(NAMED)})")
    if difficulty is not None and not callable(difficulty) and not isinstance(difficulty, dict):
        raise SymbolSetError("difficulty filter: expected a mapping label -> value(s) or a callable")

    def accept(family: str, labels: dict) -> bool:
        if fams is not None and family not in fams:
            return False
        if difficulty is None:
            return True
        if callable(difficulty):
            return bool(difficulty(labels))
        for key, want in difficulty.items():
            if key not in labels:
                raise SymbolSetError(f"difficulty filter: unknown label {key!r} (known: {', '.join(labels)})")
            ok = labels[key] in want if isinstance(want, (list, tuple, set, frozenset)) else labels[key] == want
            if not ok:
                return False
        return True

    return accept


@dataclass
class Index:
    """The selected rows: parallel arrays of shard number and row number within that shard.

    ``row_groups[s]`` holds the first row of each row group of shard ``s`` (plus the total), so a
    row is found without reading any data. For a ``datasets.Dataset`` source, shard is 0 and row is
    the dataset's row number.
    """

    shard: np.ndarray
    row: np.ndarray
    row_groups: list[np.ndarray]

    def __len__(self) -> int:
        return len(self.row)

    @classmethod
    def build(cls, src: Source, accept: Callable[[str, dict], bool] | None = None) -> Index:
        """Index every row of ``src`` that ``accept`` takes (reads footers, plus two small columns when filtering)."""
        if src.dataset is not None:
            n = src.dataset.num_rows
            rows = np.arange(n)
            if accept is not None:
                meta = src.dataset.select_columns(["family", "difficulty"]).to_dict()
                keep = [accept(f, d) for f, d in zip(meta["family"], meta["difficulty"])]
                rows = rows[np.asarray(keep, dtype=bool)] if n else rows
            return cls(np.zeros(len(rows), dtype=np.int32), rows.astype(np.int64), [np.array([0, n])])
        shards, rows, groups = [], [], []
        for s, path in enumerate(src.shards):
            pf = open_shard(path)
            groups.append(row_group_bounds(pf))
            n = int(groups[-1][-1])
            local = np.arange(n, dtype=np.int64)
            if accept is not None and n:
                try:
                    meta = pf.read(columns=["family", "difficulty"]).to_pydict()
                except (OSError, ValueError) as exc:
                    raise SymbolSetError(f"{path}: unreadable Parquet shard ({exc})") from None
                local = local[np.asarray([accept(f, d) for f, d in zip(meta["family"], meta["difficulty"])], dtype=bool)]
            shards.append(np.full(len(local), s, dtype=np.int32))
            rows.append(local)
        cat = (lambda xs, dt: np.concatenate(xs) if xs else np.zeros(0, dtype=dt))  # noqa: E731
        return cls(cat(shards, np.int32), cat(rows, np.int64), groups)


def partition(n: int, part: int, parts: int) -> range:
    """The ``part``-th of ``parts`` contiguous, near-equal ranges of ``range(n)`` (sizes differ by at most 1)."""
    if not 0 <= part < parts:
        raise SymbolSetError(f"partition {part} out of range for {parts} parts")
    return range(n * part // parts, n * (part + 1) // parts)


# ---------------------------------------------------------------------------------------- reading
class RowReader:
    """Reads single rows of a :class:`Source` (only ``columns``) as lazy :class:`Row` objects.

    Safe to share between threads (tf.data's parallel map) and to pickle into DataLoader workers
    (which open their own files). Keeps the last ``cache_groups`` row groups it read as Arrow
    tables, so a sequential pass reads each row group once.
    """

    def __init__(self, src: Source, index: Index, columns: list[str], cache_groups: int = 2):
        self.src, self.index, self.columns, self.cache_groups = src, index, list(columns), cache_groups
        self.shards = Shards(src.shards)
        self._init_cache()

    def _init_cache(self) -> None:
        self._cache, self._lock, self._ds = OrderedDict(), threading.Lock(), None

    def __getstate__(self):
        state = dict(self.__dict__)
        for key in ("_cache", "_lock", "_ds"):
            state.pop(key)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._init_cache()

    def where(self, i: int) -> str:
        """Where row ``i`` of the index lives, for messages."""
        if self.src.dataset is not None:
            return f"row {int(self.index.row[i])} of {self.src.name}"
        return shard_label(self.src.shards[int(self.index.shard[i])])

    def read(self, i: int) -> Row:
        """Row ``i`` of the index (the reader's columns), converted to Python only field by field."""
        row = int(self.index.row[i])
        if self.src.dataset is not None:
            with self._lock:
                if self._ds is None:
                    names = self.src.dataset.column_names
                    self._ds = self.src.dataset.select_columns([c for c in self.columns if c in names]).with_format("arrow")
                return Row(self._ds[row], 0)
        s = int(self.index.shard[i])
        bounds = self.index.row_groups[s]
        g = int(np.searchsorted(bounds, row, side="right") - 1)
        key = (s, g)
        with self._lock:
            table = self._cache.get(key)
            if table is not None:
                self._cache.move_to_end(key)
        if table is None:
            table = self.shards.read_row_group(s, g, self.columns)
            with self._lock:
                self._cache[key] = table
                while len(self._cache) > self.cache_groups:
                    self._cache.popitem(last=False)
        return Row(table, row - int(bounds[g]))
