"""What every format implements: a :class:`Reader` (source -> records) and a writer (records -> output).

Readers yield lightweight *items* in dataset order and turn each into a record with
``materialize`` (which may be costly, e.g. decoding PNGs, so it runs in the worker pool).
Writers ``encode`` a record into an :class:`~.pipeline.Encoded` sample (also in the pool);
shard-based writers then pack samples into shards (:class:`ShardWriter`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from symbolset import codec
from symbolset.errors import SymbolSetError
from symbolset.layout import SPLITS

from . import output
from .pipeline import Encoded, Sharder

DEFAULT_SHARD_BYTES = 256 << 20


@dataclass(frozen=True)
class Options:
    """Conversion options that shape the output (``--workers`` does not, so it is not here)."""

    shard_size: int | None = None  # samples per shard
    shard_bytes: int | None = None  # bytes per shard (before compression)
    gzip: bool = False  # TFRecord: GZIP-compressed files
    frames: str | None = None  # TFRecord: "png" -> SequenceExample of PNG frames
    rerender: bool = False  # PNG outputs: frames rendered from the spec instead of decoded
    codec: str | None = None  # frames -> video: codec of the re-encoded video (default: the record's)

    def to_dict(self) -> dict:
        """Plain data (stored in the output's state and completion marker)."""
        return asdict(self)


def split_key(name: str) -> tuple:
    """Sort key that puts train, validation, test first, then anything else by name."""
    split = name.split("-")[0].split("/")[0]
    return (SPLITS.index(split) if split in SPLITS else len(SPLITS), name)


def read_marker(src: Path) -> dict | None:
    """The completion marker of a finished conversion in ``src`` (None if there is none)."""
    path = src / output.DONE
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SymbolSetError(f"{path}: unreadable ({exc})") from None


class Reader:
    """Base reader: ``items()`` in dataset order, ``materialize(item) -> record``, ``total`` and ``info``."""

    format = "?"
    reads_tables = False  # True: shards() and read_shard(shard) -> a checked Arrow table (.tables)

    def __init__(self, src: Path, options: Options):
        self.src, self.options = Path(src), options
        marker = read_marker(self.src)
        if (self.src / output.STATE).exists() and marker is None:
            raise SymbolSetError(f"{self.src}: an unfinished conversion; run it again to complete it before reading it")
        self.marker = marker or {}
        self.info: dict | None = self.marker.get("source_manifest")
        self.total: int | None = sum(self.marker["splits"].values()) if "splits" in self.marker else None

    def items(self):
        """Items (cheap handles or raw records) in dataset order."""
        raise NotImplementedError

    def materialize(self, item) -> dict:
        """The record of one item."""
        return item

    def files(self, patterns: tuple[str, ...], what: str) -> list[Path]:
        """Source files matching ``patterns`` in split order; a clear error when there are none."""
        if not self.src.is_dir():
            raise SymbolSetError(f"{self.src}: not a folder")
        found = sorted({p for pat in patterns for p in self.src.glob(pat) if not p.name.startswith(".")}, key=lambda p: split_key(p.name))
        if not found:
            raise SymbolSetError(f"{self.src}: no {what} found (wrong --from format?)")
        return found


class ShardWriter:
    """Base writer of shard files ``<split>-NNNNNN<suffix>`` with a ``symbolset-convert.json`` marker."""

    format = "?"
    suffix = ""
    marker = output.DONE

    def __init__(self, dst: Path, options: Options, info: dict | None):
        self.dst, self.options, self.info = Path(dst), options, info
        self.entries: list[dict] = []

    def shard_size(self) -> tuple[int | None, int | None]:
        """``(samples, bytes)`` per shard from the options (default: by size)."""
        if self.options.shard_size or self.options.shard_bytes:
            return self.options.shard_size, self.options.shard_bytes
        return None, DEFAULT_SHARD_BYTES

    def start(self) -> None:
        """Called once before the first sample (after the output folder is prepared)."""
        output.remove_stale(self.dst)
        output.remove_stale(self.dst / "thumbnails")
        self.sharder = Sharder(self.flush, *self.shard_size())

    def add(self, enc: Encoded) -> None:
        """Take one encoded sample (in dataset order)."""
        self.sharder.add(enc)

    def close(self) -> None:
        """Write the last, partly filled shards."""
        self.sharder.close()

    def encode(self, row: dict) -> Encoded:
        """One record as a sample of this format (runs in a worker)."""
        raise NotImplementedError

    def pack(self, payloads: list) -> bytes:
        """The bytes of one shard from its samples' payloads."""
        raise NotImplementedError

    def flush(self, split: str, index: int, payloads: list) -> None:
        """Write one shard atomically, unsynced (:meth:`finish` makes every shard durable at once);
        a previous run's shard is kept only when it holds these bytes (it may be torn: nothing synced it)."""
        name = f"{split}-{index:06d}{self.suffix}"
        path = self.dst / name
        data = self.pack(payloads)
        if not output.holds(path, data):
            output.write_unsynced(path, data)
        self.entries.append({"file": name, "split": split, "rows": len(payloads), "bytes": len(data), "sha256": codec.sha256(data)})

    def finish(self, state: dict) -> dict:
        """Write the completion marker; returns it."""
        splits: dict[str, int] = {}
        for e in self.entries:
            splits[e["split"]] = splits.get(e["split"], 0) + e["rows"]
        payload = {
            "format": self.format,
            "options": self.options.to_dict(),
            "splits": splits,
            "files": self.entries,
            "source_manifest": self.info,
        }
        output.carry_thumbnails(Path(state["source"]), self.info, self.dst)
        output.sync_folder(self.dst)  # every shard (and thumbnail) durable before the marker
        output.complete(self.dst, self.marker, state, payload)
        return payload
