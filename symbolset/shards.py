"""Reading stored rows from Parquet shards: safe under threads and processes, and lazy.

- :class:`Shards`: the shard files of a dataset, opened on first use. One handle per shard per
  process, every read under a lock: a ``pyarrow.parquet.ParquetFile`` is not safe for concurrent
  reads (two threads inside ``read_row_group`` crash the interpreter, or fail with "ReadRangeCache
  did not find matching cache entry" on an intact shard). A forked or unpickled copy (a DataLoader
  worker) opens its own handles. The tf.data loader's parallel map threads, the PyTorch loader's
  workers and the viewer's request threads all read through this class.
- :class:`Row`: one row of an Arrow table whose fields become Python objects only when asked for:
  the video bytes are a zero-copy buffer, one caption is read without the other five, and the
  annotations of the frames a sample takes are picked out still in Arrow.

Depends only on ``errors`` and pyarrow (readers, the viewer and converters import it).
"""

from __future__ import annotations

import os
import threading
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .errors import SymbolSetError


class UnreadableShard(SymbolSetError):
    """A shard, or a page of it, that pyarrow cannot read (``path`` and ``reason`` kept for messages)."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: unreadable Parquet shard ({reason})")
        self.path, self.reason = str(path), str(reason)

    def __reduce__(self):  # picklable (DataLoader workers send errors to the main process)
        return (UnreadableShard, (self.path, self.reason))


def open_shard(path: str) -> pq.ParquetFile:
    """A ``pyarrow.parquet.ParquetFile`` for a local path or an fsspec URL (``hf://``, ``file://``...)."""
    try:
        if "://" in path:
            import fsspec

            return pq.ParquetFile(fsspec.open(path, "rb").open())
        return pq.ParquetFile(path)
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise UnreadableShard(path, exc) from None


def shard_label(path: str) -> str:
    """A short name for a shard in messages (``data/train-00000-of-00001.parquet``)."""
    parts = str(path).replace("\\", "/").split("/")
    return "/".join(parts[-2:]) if len(parts) >= 2 else str(path)


class Shards:
    """Shard files opened lazily, safe to share between threads and to pass to other processes."""

    def __init__(self, paths):
        self.paths = [str(p) for p in paths]
        self._reset()

    def _reset(self) -> None:
        self._pid, self._files, self._lock = os.getpid(), {}, threading.Lock()

    def __getstate__(self):
        return {"paths": self.paths}

    def __setstate__(self, state):
        self.paths = state["paths"]
        self._reset()

    def _file(self, s: int) -> pq.ParquetFile:  # caller holds the lock
        pf = self._files.get(s)
        if pf is None:
            pf = self._files[s] = open_shard(self.paths[s])
        return pf

    def read_row_group(self, s: int, g: int, columns: list[str] | None = None) -> pa.Table:
        """Row group ``g`` of shard ``s`` (only ``columns``, or all); one clear error for a damaged shard."""
        if self._pid != os.getpid():  # a forked child: never touch the parent's handles or its (maybe held) lock
            self._reset()
        with self._lock:
            try:
                return self._file(s).read_row_group(g, columns=columns)
            except (OSError, ValueError, pa.ArrowException) as exc:
                raise UnreadableShard(self.paths[s], exc) from None


class Row:
    """One stored row: an Arrow table and an offset (or a plain dict); fields convert on access."""

    def __init__(self, table: pa.Table | dict, offset: int = 0):
        self.table, self.offset = table, offset
        self._cache: dict[str, Any] = {}

    def _scalar(self, name: str):
        return self.table.column(name)[self.offset]

    def __getitem__(self, name: str) -> Any:
        if isinstance(self.table, dict):
            return self.table[name]
        if name not in self._cache:
            self._cache[name] = self._scalar(name).as_py()
        return self._cache[name]

    def __contains__(self, name: str) -> bool:
        return name in (self.table if isinstance(self.table, dict) else self.table.column_names)

    def get(self, name: str, default=None) -> Any:
        """The field's Python value, or ``default`` when the row has no such column."""
        return self[name] if name in self else default

    def video_bytes(self) -> bytes | pa.Buffer | None:
        """The stored video (a zero-copy Arrow buffer), read from ``video.path`` when no bytes are stored."""
        if isinstance(self.table, dict):
            video = self.table.get("video") or {}
            data, path = video.get("bytes"), video.get("path")
        else:
            video = self._scalar("video")
            data = video["bytes"].as_buffer() if video.is_valid else None
            path = video["path"].as_py() if video.is_valid else None
        if data is None and path and os.path.isfile(path):
            with open(path, "rb") as f:
                data = f.read()
        return data

    def caption(self, lang: str, granularity: str) -> str:
        """One caption (the other five stay in Arrow)."""
        if isinstance(self.table, dict):
            return self.table["captions"][lang][granularity]
        return self._scalar("captions")[lang][granularity].as_py()

    def frame_annotations(self, frames) -> pa.Array | list:
        """The stored annotations of frames ``frames`` (stored frame numbers), in that order, still
        in Arrow (a struct array, null where a frame has none); a list of dicts / None for a dict row."""
        frames = [int(f) for f in frames]
        if isinstance(self.table, dict):
            by_frame = {a["frame"]: a for a in self.table.get("annotations") or []}
            return [by_frame.get(f) for f in frames]
        notes = self._scalar("annotations")
        if not notes.is_valid or not len(notes.values):
            return [None] * len(frames)
        values = notes.values
        stored = values.flatten()[values.type.get_field_index("frame")]  # .field() on a slice is ~1000x slower
        where = {int(f): k for k, f in enumerate(stored.to_numpy(zero_copy_only=False))}
        return values.take(pa.array([where.get(f) for f in frames], type=pa.int64()))


def row_group_bounds(pf: pq.ParquetFile) -> np.ndarray:
    """The first row of each row group of ``pf``, plus the total (for locating a row without reading data)."""
    sizes = [pf.metadata.row_group(i).num_rows for i in range(pf.metadata.num_row_groups)]
    return np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
