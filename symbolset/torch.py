"""PyTorch loaders: :class:`SymbolVideoDataset` (map-style), :class:`SymbolVideoIterableDataset`
(streaming over shards, split across DataLoader workers and distributed ranks) and :func:`collate`.

Both decode with PyAV (:mod:`symbolset.codec`), never torchcodec, and open shards lazily in each
worker process. Frame sampling, caption choice and annotation mapping live in
:mod:`symbolset.sampling`, shared with the TensorFlow loader, so both give identical samples.

    >>> from torch.utils.data import DataLoader
    >>> from symbolset.torch import SymbolVideoDataset, collate
    >>> ds = SymbolVideoDataset("tiny", "train", num_frames=8, resize=64, dtype="float32")
    >>> batch = next(iter(DataLoader(ds, batch_size=4, num_workers=2, collate_fn=collate)))
    >>> batch["video"].shape   # (4, 8, 3, 64, 64)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch.utils.data import Dataset, IterableDataset, get_worker_info

from . import sampling, sources
from .errors import SymbolSetError

LAYOUTS = ("TCHW", "CTHW", "THWC")
_STOP = object()  # an iterable dataset's handler said stop
DTYPES = {"uint8": torch.uint8, "float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}


class _Base:
    """Options and sample conversion shared by the map-style and the streaming dataset."""

    _can_stop = False  # a map-style dataset cannot stop: a handler's False raises the error

    def _setup(self, source, split, *, layout, dtype, transform, families, difficulty, handler, on_error, revision, cache_dir, download=True, **clip):
        if layout not in LAYOUTS:
            raise SymbolSetError(f"layout: expected one of {', '.join(LAYOUTS)}, got {layout!r}")
        name = dtype if isinstance(dtype, str) else str(dtype).removeprefix("torch.")
        if name not in DTYPES:
            raise SymbolSetError(f"dtype: expected one of {', '.join(DTYPES)}, got {dtype!r}")
        self.options = sampling.ClipOptions(**clip)
        self.layout, self.dtype, self.transform = layout, DTYPES[name], transform
        self.handler = sampling.error_handler(handler, on_error)
        self.source = sources.resolve(source, split, revision=revision, cache_dir=cache_dir, download=download)
        self._accept = sources.make_filter(families, difficulty)
        self.epoch = 0
        self.skipped: list[dict] = []  # samples the handler skipped (in this process)

    def set_epoch(self, epoch: int) -> None:
        """Select the epoch: random clip starts, crops and captions are drawn anew per epoch."""
        self.epoch = int(epoch)

    def _sample(self, reader: sources.RowReader, i: int) -> dict | None:
        row = reader.read(i)
        where = reader.where(i)
        try:
            s = sampling.make_sample(row, self.options, self.epoch, where=where)
        except SymbolSetError as exc:  # an undecodable video, or a checksum mismatch with verify=True
            if not self.handler(exc):
                if not self._can_stop:
                    raise
                return _STOP
            sampling.note_skip(self.skipped, row["id"], where, exc)
            return None
        return self._to_torch(s)

    def _to_torch(self, s: dict) -> dict:
        video = torch.from_numpy(s["video"])  # T H W C uint8
        if self.layout == "TCHW":
            video = video.permute(0, 3, 1, 2)
        elif self.layout == "CTHW":
            video = video.permute(3, 0, 1, 2)
        video = video.contiguous()
        if self.dtype != torch.uint8:
            video = video.to(self.dtype).div_(255)
        s["video"] = video
        s["frames"] = torch.from_numpy(s["frames"])
        return self.transform(s) if self.transform is not None else s


def _clip_kwargs(num_frames, stride, fps, clip_start, resize, crop, crop_mode, caption, annotations, seed, columns, verify) -> dict:
    return dict(num_frames=num_frames, stride=stride, fps=fps, clip_start=clip_start, resize=resize, crop=crop,
                crop_mode=crop_mode, caption=caption, annotations=annotations, seed=seed, columns=tuple(columns or ()), verify=verify)  # fmt: skip


class SymbolVideoDataset(_Base, Dataset):
    """Map-style dataset of SymbolSet clips.

    Args:
        source: a Hub-layout folder, ``"tiny"``, a Hub repo id (cached by ``huggingface_hub``;
            offline with ``HF_HUB_OFFLINE=1``) or a ``datasets.Dataset``.
        split: ``"train"``, ``"validation"`` or ``"test"`` (ignored for a ``datasets.Dataset``).
        num_frames, stride, fps, clip_start, resize, crop, crop_mode, caption, annotations, seed, columns:
            see :class:`symbolset.sampling.ClipOptions` (``columns``: further stored fields to return,
            e.g. ``["difficulty"]``; only what a sample needs is read and converted).
        verify: check each record against its stored checksum before decoding (a flipped byte is a
            :class:`SymbolSetError` naming the record and shard, given to ``handler``).
        layout: ``"TCHW"`` (default), ``"CTHW"`` or ``"THWC"``.
        dtype: ``"uint8"`` (0..255) or a float type (``"float32"``...) scaled to [0, 1].
        transform: a callable applied to each sample dict last.
        families, difficulty: filter (see :func:`symbolset.sources.make_filter`).
        handler: webdataset-style error handler, called with the :class:`SymbolSetError` (naming the
            sample id and shard) of a sample that cannot be read: it raises (default:
            :func:`symbolset.sampling.reraise`), or returns True to skip it (``__getitem__`` returns
            None, :func:`collate` drops it and counts it in ``batch["skipped"]``; it is listed in
            ``skipped``); False raises the error too (a map-style dataset cannot stop).
            ``webdataset.handlers.reraise_exception``, ``warn_and_continue`` and ``ignore_and_continue`` fit.
        on_error: deprecated alias: ``"raise"`` (:func:`~symbolset.sampling.reraise`) or ``"skip"``
            (:func:`~symbolset.sampling.warn_and_continue`).

    Each item is a dict: ``video`` tensor, ``caption``, ``caption_key``, ``id``, ``family``,
    ``frames`` (stored frame numbers), and ``annotations`` when asked. Call :meth:`set_epoch` each
    epoch (before iterating the DataLoader) for fresh random choices; results are deterministic
    given ``seed``, epoch and sample.
    """

    def __init__(self, source: Any = "tiny", split: str = "train", *, num_frames: int | None = None, stride: int = 1, fps: float | None = None,
                 clip_start: str | int = "random", resize=None, crop=None, crop_mode: str = "center", layout: str = "TCHW", dtype="uint8",
                 caption: str = "en.detailed", annotations: bool = False, transform: Callable | None = None, families=None, difficulty=None,
                 seed: int = 0, handler: Callable[[Exception], bool] | None = None, on_error: str | None = None, columns=(), verify: bool = False, revision: str | None = None, cache_dir: str | None = None):  # fmt: skip
        self._setup(source, split, layout=layout, dtype=dtype, transform=transform, families=families, difficulty=difficulty,
                    handler=handler, on_error=on_error, revision=revision, cache_dir=cache_dir,
                    **_clip_kwargs(num_frames, stride, fps, clip_start, resize, crop, crop_mode, caption, annotations, seed, columns, verify))  # fmt: skip
        self.index = sources.Index.build(self.source, self._accept)
        self.reader = sources.RowReader(self.source, self.index, self.options.read_columns())

    def __len__(self) -> int:
        return len(self.index)

    def __getitem__(self, i: int) -> dict | None:
        if not -len(self) <= i < len(self):
            raise IndexError(f"index {i} out of range for {len(self)} samples")
        return self._sample(self.reader, i % len(self))


class SymbolVideoIterableDataset(_Base, IterableDataset):
    """Streaming dataset: reads shards row group by row group, never holding more than two in memory.

    The selected rows are cut into ``world_size x num_workers`` contiguous, near-equal parts, one per
    (rank, DataLoader worker), so in an epoch every sample is yielded exactly once over all ranks and
    workers. ``rank`` / ``world_size`` default to ``torch.distributed``'s when it is initialised
    (else 0 / 1). ``shuffle_buffer > 0`` shuffles row-group order and then samples through a buffer
    of that size (deterministic given ``seed`` and the epoch); parts rotate across ranks and workers
    each epoch. ``download=False`` with a Hub repo id reads the shards over HTTP without caching them.
    Same sample options as :class:`SymbolVideoDataset`; a corrupt video is
    left out when ``handler`` returns True (and recorded in ``skipped`` of the process that read it);
    False ends the stream of the (rank, worker) that met it, as in webdataset.
    """

    _can_stop = True

    def __init__(self, source: Any = "tiny", split: str = "train", *, num_frames: int | None = None, stride: int = 1, fps: float | None = None,
                 clip_start: str | int = "random", resize=None, crop=None, crop_mode: str = "center", layout: str = "TCHW", dtype="uint8",
                 caption: str = "en.detailed", annotations: bool = False, transform: Callable | None = None, families=None, difficulty=None,
                 seed: int = 0, handler: Callable[[Exception], bool] | None = None, on_error: str | None = None, columns=(), verify: bool = False, shuffle_buffer: int = 0, rank: int | None = None, world_size: int | None = None,
                 revision: str | None = None, cache_dir: str | None = None, download: bool = True):  # fmt: skip
        self._setup(source, split, layout=layout, dtype=dtype, transform=transform, families=families, difficulty=difficulty,
                    handler=handler, on_error=on_error, revision=revision, cache_dir=cache_dir, download=download,
                    **_clip_kwargs(num_frames, stride, fps, clip_start, resize, crop, crop_mode, caption, annotations, seed, columns, verify))  # fmt: skip
        if rank is None and world_size is None and torch.distributed.is_available() and torch.distributed.is_initialized():
            rank, world_size = torch.distributed.get_rank(), torch.distributed.get_world_size()
        self.rank, self.world_size = int(rank or 0), int(world_size or 1)
        if not 0 <= self.rank < self.world_size:
            raise SymbolSetError(f"rank {self.rank} out of range for world_size {self.world_size}")
        if shuffle_buffer < 0:
            raise SymbolSetError(f"shuffle_buffer: expected >= 0, got {shuffle_buffer}")
        self.shuffle_buffer = int(shuffle_buffer)
        self._index: sources.Index | None = None  # built lazily, in the process that iterates

    def positions(self, worker_id: int = 0, num_workers: int = 1) -> np.ndarray:
        """Index positions this (rank, worker) reads this epoch, in reading order."""
        if self._index is None:
            self._index = sources.Index.build(self.source, self._accept)
        parts = self.world_size * num_workers
        part = self.rank * num_workers + worker_id
        if self.shuffle_buffer:
            part = (part + self.epoch) % parts
        pos = np.asarray(sources.partition(len(self._index), part, parts), dtype=np.int64)
        if self.shuffle_buffer and len(pos):
            # shuffle whole row groups (cheap to read), keep rows within a group together
            key = self._index.shard[pos].astype(np.int64) * (1 << 40) + self._row_group(pos)
            blocks = np.split(pos, np.flatnonzero(np.diff(key)) + 1)
            rng = np.random.default_rng([self.options.seed, self.epoch, part, 1])
            pos = np.concatenate([blocks[j] for j in rng.permutation(len(blocks))])
        return pos

    def _row_group(self, pos: np.ndarray) -> np.ndarray:
        idx = self._index
        return np.array([np.searchsorted(idx.row_groups[s], r, side="right") - 1 for s, r in zip(idx.shard[pos], idx.row[pos])], dtype=np.int64)

    def __iter__(self):
        info = get_worker_info()
        worker_id, num_workers = (info.id, info.num_workers) if info is not None else (0, 1)
        pos = self.positions(worker_id, num_workers)
        reader = sources.RowReader(self.source, self._index, self.options.read_columns())
        rng = np.random.default_rng([self.options.seed, self.epoch, self.rank, worker_id, 2])
        buffer: list[dict] = []
        for i in pos:
            s = self._sample(reader, int(i))
            if s is _STOP:
                break
            if s is None:
                continue
            if not self.shuffle_buffer:
                yield s
                continue
            buffer.append(s)
            if len(buffer) >= self.shuffle_buffer:
                yield buffer.pop(int(rng.integers(len(buffer))))
        while buffer:
            yield buffer.pop(int(rng.integers(len(buffer))))


def collate(batch: list[dict | None]) -> dict:
    """Batch sample dicts: ``video`` and ``frames`` stacked when their shapes agree (else lists),
    other fields as lists; None items (skipped samples) are dropped and counted in ``skipped``."""
    items = [b for b in batch if b is not None]
    out: dict[str, Any] = {"skipped": len(batch) - len(items)}
    if not items:
        return out
    for key in items[0]:
        values = [b[key] for b in items]
        if isinstance(values[0], torch.Tensor) and all(v.shape == values[0].shape for v in values):
            out[key] = torch.stack(values)
        else:
            out[key] = values
    return out
