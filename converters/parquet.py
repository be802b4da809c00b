"""The Hub Parquet layout (``symbolset generate``'s output) as a conversion source and target.

Reading streams the shards a row group at a time. Writing puts finished shards in
``data/.pending/<split>-NNNNN.parquet`` (invisible to ``load_dataset``: the card's patterns are
``data/<split>-*.parquet``), unsynced, and only when every row is written makes them durable with
one sync, renames them to ``data/<split>-NNNNN-of-MMMMM.parquet`` and writes the manifest,
thumbnails and card with the core's own helpers. The source dataset's manifest travels with every
other format, so by default the shards are cut as the original ones were (its ``shard_size``) and
the card describes the same config.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from symbolset import families, hub, layout
from symbolset.config import Config
from symbolset.errors import SymbolSetError
from symbolset.layout import write_parquet
from symbolset.record import to_table

from . import output, tables
from .base import Reader, ShardWriter
from .pipeline import Encoded

PENDING = "data/.pending"
DEFAULT_SHARD_SIZE = 64


class ParquetReader(Reader):
    """Hub-layout folder -> records."""

    format = "parquet"

    def __init__(self, src: Path, options):
        super().__init__(src, options)
        self.paths = layout.shard_paths(self.src)
        if not self.paths:
            raise SymbolSetError(f"{self.src}: no data/*.parquet shards (wrong --from format?)")
        self.info = layout.load_manifest(self.src) if (self.src / layout.MANIFEST).exists() else None
        self.total = sum(_num_rows(p) for p in self.paths)

    def items(self):
        """Rows, shard by shard, a row group at a time."""
        yield from layout.iter_rows(self.src)


def _num_rows(path: Path) -> int:
    try:
        return pq.read_metadata(path).num_rows
    except (OSError, ValueError) as exc:
        raise SymbolSetError(f"{path}: unreadable Parquet shard ({exc})") from None


class ParquetWriter(ShardWriter):
    """Records -> Hub layout (``data/<split>-NNNNN-of-MMMMM.parquet``, ``manifest.json``, ``README.md``)."""

    format = "parquet"
    marker = layout.MANIFEST

    def shard_size(self) -> tuple[int | None, int | None]:
        """Rows per shard: ``--shard-size``, else the source dataset's, else 64 (or ``--shard-bytes``)."""
        if self.options.shard_size or self.options.shard_bytes:
            return self.options.shard_size, self.options.shard_bytes
        return ((self.info or {}).get("config", {}).get("shard_size") or DEFAULT_SHARD_SIZE), None

    def start(self) -> None:
        """Create ``data/.pending`` and clear temporary files of an interrupted run."""
        (self.dst / PENDING).mkdir(parents=True, exist_ok=True)
        output.remove_stale(self.dst / PENDING)
        output.remove_stale(self.dst / "data")
        super().start()
        self.first: dict | None = None

    def encode(self, row: dict) -> Encoded:
        """The row itself; the size counts the video and the spec. The shard's Arrow table is built
        in one go when it is full (:meth:`flush`): one-row tables cost ten times as much to build,
        and twice as much to send back from a worker. The cyclic collector is paused meanwhile
        (:func:`~.pipeline.gc_paused`), so the rows' many small objects cost no collection passes."""
        return Encoded(row["split"], len(row["video"]["bytes"]) + len(row["spec"]), row)

    def encode_table(self, table: pa.Table) -> list[Encoded]:
        """The rows of a checked table of the record schema (a reader's :meth:`read_shard`), each as
        ``(table, row index)``, sized as :meth:`encode` sizes a row."""
        splits = table.column("split").to_pylist()
        return [Encoded(split, size, (table, i)) for i, (split, size) in enumerate(zip(splits, tables.sizes(table)))]

    def flush(self, split: str, index: int, payloads: list) -> None:
        """Write one pending shard, unsynced: :meth:`finish` makes them all durable at once. A previous
        run's pending shard is written again (it may be torn: nothing synced it)."""
        path = self.dst / PENDING / f"{split}-{index:05d}.parquet"
        table = tables.take(payloads) if isinstance(payloads[0], tuple) else to_table(payloads)
        write_parquet(table, path, sync=False)
        if self.first is None:  # read back through the schema (fps as float32), as the shard stores it
            self.first = {k: table.column(k)[0].as_py() for k in ("width", "height", "num_frames", "fps", "codec")}
        self.entries.append({"file": path, "split": split, "tasks": [{"family": f} for f in table.column("family").to_pylist()]})

    def finish(self, state: dict) -> dict:
        """Rename pending shards to their final names, then write manifest, thumbnails and card."""
        if not self.entries:
            raise SymbolSetError(f"{self.dst}: the source has no records")
        output.sync_folder(self.dst / PENDING)  # one syncfs for every shard, before any gets its final name
        per_split: dict[str, int] = {}
        for e in self.entries:
            per_split[e["split"]] = per_split.get(e["split"], 0) + 1
        shards, seen = [], {}
        for e in self.entries:
            j = seen[e["split"]] = seen.get(e["split"], -1) + 1
            name = f"data/{e['split']}-{j:05d}-of-{per_split[e['split']]:05d}.parquet"
            os.replace(e["file"], self.dst / name)
            shards.append({**e, "file": name})
        (self.dst / PENDING).rmdir()
        reuse = (Path(state["source"]), (self.info or {}).get("thumbnails"))
        manifest = hub.finish(self.dst, self._config(shards), shards, reuse=reuse, extra={"conversion": state})
        output.complete(self.dst, self.marker, state)
        return manifest

    def _config(self, shards: list[dict]) -> Config:
        """The generation config: the source dataset's, or one described from the records themselves."""
        config = dict((self.info or {}).get("config") or {})
        if config:
            config["families"] = tuple(config["families"])
            return Config(**config)
        seen = {t["family"] for s in shards for t in s["tasks"]}
        fams = tuple(f for f in families.NAMED if f in seen)
        rows = sum(len(s["tasks"]) for s in shards)
        return Config(name=self.dst.name, families=fams or families.FAMILY_NAMES[:1], num=rows, shard_size=self.shard_size()[0] or DEFAULT_SHARD_SIZE,
                      **self.first)  # fmt: skip
