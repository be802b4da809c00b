"""MP4 and PNG folders: one file (or folder of frames) per record plus ``<split>/metadata.jsonl``.

MP4 folder (the layout ``datasets``' ``videofolder`` builder reads; ``file_name`` is relative to the
``metadata.jsonl`` beside it, every other key becomes a column)::

    train/metadata.jsonl        {"file_name": "<id>.mp4", "id": ..., "caption": ..., ...}
    train/<id>.mp4              the video bytes exactly as stored (.mkv for the lossless codecs)

PNG folder::

    train/metadata.jsonl        {"frames_dir": "<id>", "id": ..., ...}
    train/<id>/frame_0000.png   decoded video frames (or, with --rerender, frames rendered from the spec)

Each line carries every field of the record but the video (see :mod:`.fields`). Videos and frame
folders are written under temporary names and renamed, made durable together (one ``syncfs``, see
:func:`.output.sync_folder`), and only then is ``metadata.jsonl`` written. The source's thumbnails
travel in ``thumbnails/`` as with the shard formats (not a split folder).
"""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa

from symbolset import codec
from symbolset.errors import SymbolSetError
from symbolset.layout import write_folder_atomic

from . import fields, frames, output, tables
from .base import Reader, split_key
from .pipeline import Encoded

METADATA = "metadata.jsonl"
CHUNK_LINES = 256  # metadata lines read as one table (with their videos, in memory at once)


def file_stem(sample_id: str) -> str:
    """A safe file name for a record id (no path separators, no leading dot)."""
    stem = sample_id.replace("/", "_").replace("\\", "_")
    return "_" + stem[1:] if stem.startswith(".") else stem


class FolderWriter:
    """Records -> ``<split>/<id>.<ext>`` (``kind="mp4"``) or ``<split>/<id>/frame_NNNN.png`` (``kind="png"``)."""

    marker = output.DONE

    def __init__(self, dst: Path, options, info: dict | None, kind: str):
        self.dst, self.options, self.info, self.format = Path(dst), options, info, kind
        self.lines: dict[str, object] = {}
        self.counts: dict[str, int] = {}

    def start(self) -> None:
        """Remove temporary files of an interrupted run."""
        for sub in [self.dst, *(p for p in self.dst.iterdir() if p.is_dir())]:
            output.remove_stale(sub)

    def encode(self, row: dict) -> Encoded:
        """Write the record's video (or frames) unless a previous run did; return its metadata line."""
        video, meta = fields.split_row(row)
        folder = self.dst / row["split"]
        stem = file_stem(row["id"])
        if self.format == "mp4":
            name = f"{stem}.{codec.extension(row['codec'])}"
            if not output.holds(folder / name, video):  # a previous run's file may be torn: it was never synced
                folder.mkdir(parents=True, exist_ok=True)
                output.write_unsynced(folder / name, video)
            line = {"file_name": name, **meta}
        else:
            if not (folder / stem).is_dir():
                pngs = frames.record_pngs(row, self.options.rerender)
                write_folder_atomic(folder / stem, {f"frame_{i:04d}.png": p for i, p in enumerate(pngs)})
            line = {"frames_dir": stem, **meta}
        return Encoded(row["split"], 0, fields.dumps(line) + b"\n")

    def add(self, enc: Encoded) -> None:
        """Append the sample's metadata line to its split's (temporary) ``metadata.jsonl``."""
        if enc.split not in self.lines:
            (self.dst / enc.split).mkdir(parents=True, exist_ok=True)
            self.lines[enc.split] = open(self._tmp(enc.split), "wb")
        self.lines[enc.split].write(enc.payload)
        self.counts[enc.split] = self.counts.get(enc.split, 0) + 1

    def close(self) -> None:
        """Make the videos (or frames) durable at once, then every split's ``metadata.jsonl`` final."""
        output.sync_folder(self.dst)
        for split, f in self.lines.items():
            f.flush()
            os.fsync(f.fileno())
            f.close()
            os.replace(self._tmp(split), self.dst / split / METADATA)

    def _tmp(self, split: str) -> Path:
        return self.dst / split / f".{METADATA}.tmp-{os.getpid()}"

    def finish(self, state: dict) -> dict:
        """Write the completion marker; returns it."""
        payload = {"format": self.format, "options": self.options.to_dict(), "splits": self.counts, "source_manifest": self.info}
        output.carry_thumbnails(Path(state["source"]), self.info, self.dst)
        output.complete(self.dst, self.marker, state, payload)
        return payload


class FolderReader(Reader):
    """``<split>/metadata.jsonl`` folders (MP4 or PNG) -> records."""

    def __init__(self, src: Path, options, kind: str):
        super().__init__(src, options)
        self.format = kind
        self.reads_tables = kind == "mp4"  # PNG frames are re-encoded record by record, across the workers

    def items(self):
        """``(where, metadata, path of the video or frame folder)`` per line, split by split."""
        for chunk in self.shards():
            yield from self._chunk_items(chunk)

    def shards(self):
        """Each split's ``metadata.jsonl`` in chunks of lines (what :meth:`read_shard` reads):
        ``(split folder, metadata path, [(line number, line)])``."""
        if not self.src.is_dir():
            raise SymbolSetError(f"{self.src}: not a folder")
        folders = (p for p in self.src.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name != output.THUMBNAILS)
        splits = sorted(folders, key=lambda p: split_key(p.name))
        if not splits:
            raise SymbolSetError(f"{self.src}: no split folders with {METADATA} (wrong --from format?)")
        for folder in splits:
            meta_path = folder / METADATA
            if not meta_path.exists():
                raise SymbolSetError(f"{meta_path}: missing (every split folder needs its metadata)")
            with open(meta_path, "rb") as f:
                chunk: list = []
                for n, line in enumerate(f, 1):
                    if line.strip():
                        chunk.append((n, line))
                    if len(chunk) == CHUNK_LINES:
                        yield folder, meta_path, chunk
                        chunk = []
                if chunk:
                    yield folder, meta_path, chunk

    def _chunk_items(self, chunk):
        folder, meta_path, lines = chunk
        key = "file_name" if self.format == "mp4" else "frames_dir"
        for n, line in lines:
            where = f"{meta_path}: line {n}"
            meta = fields.loads(line, where)
            if key not in meta:
                other = "frames_dir" if key == "file_name" else "file_name"
                hint = f" (this looks like a {'png' if other == 'frames_dir' else 'mp4'} folder)" if other in meta else ""
                raise SymbolSetError(f"{where}: no {key!r}{hint}")
            target = folder / meta.pop(key)
            yield f"{where} (id {meta.get('id')!r})", meta, target

    def read_shard(self, chunk) -> pa.Table:
        """A chunk of an MP4 folder's metadata lines as a checked table of the record schema, parsed by
        pyarrow with the videos read beside them; a PNG folder's frames to re-encode, or anything that
        does not fit exactly, record by record (:mod:`.tables`)."""
        folder, meta_path, lines = chunk
        table = self._columns(folder, [line.rstrip(b"\r\n") for _, line in lines]) if self.format == "mp4" else None
        if table is None:
            return tables.rows_table([self.materialize(item) for item in self._chunk_items(chunk)], self.src, meta_path)
        tables.check_records(*table, self.src)
        return table[0]

    def _columns(self, folder: Path, lines: list[bytes]) -> tuple[pa.Table, list[bytes]] | None:
        columns = tables.parse_json(lines, [*fields.META_COLUMNS, fields.VIDEO_PATH, "file_name"])
        if columns is None:
            return None
        try:
            videos = [(folder / name).read_bytes() for name in columns.pop("file_name").to_pylist()]
            return (tables.assemble(columns, videos), videos) if all(videos) else None
        except (OSError, pa.ArrowInvalid):  # a missing video, or 2 GiB or more
            return None

    def materialize(self, item) -> dict:
        """Read the video (or re-encode the PNG frames) of one metadata line."""
        where, meta, target = item
        if self.format == "mp4":
            try:
                video = target.read_bytes()
            except OSError as exc:
                raise SymbolSetError(f"{where}: cannot read {target} ({exc.strerror})") from None
        else:
            paths = sorted(target.glob("frame_*.png")) if target.is_dir() else []
            if not paths:
                raise SymbolSetError(f"{where}: no frame_*.png in {target}")
            video = frames.video_from_pngs([p.read_bytes() for p in paths], meta, where, self.options.codec)
        return fields.join_row(meta, video, where)
