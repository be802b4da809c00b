"""TFRecord shards: ``<split>-NNNNNN.tfrecord`` (``.tfrecord.gz`` with ``--gzip``), written without TensorFlow.

Framing of each record (TensorFlow's ``RecordWriter``): ``uint64 length``, ``uint32 masked_crc32c(length)``,
``data``, ``uint32 masked_crc32c(data)``, all little-endian. With ``--gzip`` the whole file is one
GZIP stream (``tf.data.TFRecordDataset(..., compression_type="GZIP")``).

Two layouts:

- default: one ``tf.train.Example`` per record: ``video/bytes`` (the encoded video, as in Parquet)
  and every other field as a feature (names and kinds in :data:`.fields.SPEC`);
- ``--frames png``: one ``tf.train.SequenceExample`` per record: the same features as context
  (without ``video/bytes``) and the feature list ``image/encoded`` with one PNG per frame.
"""

from __future__ import annotations

import gzip
import struct
import zlib
from pathlib import Path

import pyarrow as pa

from symbolset.errors import SymbolSetError

from . import fields, frames, tables, tfexample
from .base import Reader, ShardWriter
from .crc32c import masked_crc32c, masked_crc32c_many
from .pipeline import Encoded

FRAMES_FEATURE = "image/encoded"


def frame_records(records: list[bytes]) -> bytes:
    """TFRecord framing of ``records`` (checksums computed in one batch)."""
    headers = [struct.pack("<Q", len(r)) for r in records]
    crcs = masked_crc32c_many(headers + records)
    n = len(records)
    return b"".join(h + struct.pack("<I", crcs[i]) + r + struct.pack("<I", crcs[n + i]) for i, (h, r) in enumerate(zip(headers, records)))


def read_records(path: Path) -> list[bytes]:
    """Every record of a TFRecord file (plain or GZIP), checksums verified; errors name the file and record."""
    try:
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        raise SymbolSetError(f"{path}: unreadable or truncated GZIP ({exc})") from None
    view = memoryview(data)
    pos, spans = 0, []
    while pos < len(data):
        i = len(spans)
        if pos + 12 > len(data):
            raise SymbolSetError(f"{path}: record {i}: truncated (file ends inside its header)")
        (length,) = struct.unpack_from("<Q", data, pos)
        if struct.unpack_from("<I", data, pos + 8)[0] != masked_crc32c(data[pos : pos + 8]):
            raise SymbolSetError(f"{path}: record {i}: corrupt length (crc mismatch; not a TFRecord file?)")
        end = pos + 12 + length + 4
        if end > len(data):
            raise SymbolSetError(f"{path}: record {i}: truncated ({length} bytes announced, {len(data) - pos - 16} left)")
        spans.append((pos, length))
        pos = end
    bodies = [bytes(view[p + 12 : p + 12 + n]) for p, n in spans]
    for i, ((p, n), crc) in enumerate(zip(spans, masked_crc32c_many(bodies))):
        if struct.unpack_from("<I", data, p + 12 + n)[0] != crc:
            raise SymbolSetError(f"{path}: record {i}: corrupt data (crc mismatch)")
    return bodies


class TFRecordWriter(ShardWriter):
    """Records -> TFRecord shards of ``tf.train.Example`` (or ``SequenceExample`` of PNG frames)."""

    format = "tfrecord"

    def __init__(self, dst, options, info):
        super().__init__(dst, options, info)
        if options.frames not in (None, "png"):
            raise SymbolSetError(f"--frames: only 'png' is supported, got {options.frames!r}")
        self.suffix = ".tfrecord.gz" if options.gzip else ".tfrecord"

    def encode(self, row: dict) -> Encoded:
        """The serialized Example / SequenceExample of one record."""
        video, meta = fields.split_row(row)
        context = fields.flatten(meta)
        if self.options.frames == "png":
            pngs = frames.record_pngs(row, self.options.rerender)
            data = tfexample.encode_sequence_example(context, {FRAMES_FEATURE: ("bytes", [[p] for p in pngs])})
        else:
            context["video/bytes"] = ("bytes", [video])
            data = tfexample.encode_example(context)
        return Encoded(row["split"], len(data) + 16, data)

    def pack(self, payloads: list) -> bytes:
        """Framed records, GZIP-compressed (mtime 0, so deterministic) with ``--gzip``."""
        data = frame_records(payloads)
        return gzip.compress(data, compresslevel=6, mtime=0) if self.options.gzip else data


class TFRecordReader(Reader):
    """TFRecord shards (either layout, plain or GZIP) -> records."""

    format = "tfrecord"

    def __init__(self, src, options):
        super().__init__(src, options)
        # PNG frames (--frames png) are re-encoded record by record, across the workers
        self.reads_tables = (self.marker.get("options") or {}).get("frames") != "png"

    def items(self):
        """``(where, serialized record)`` in shard order (one shard in memory at a time)."""
        for path in self.shards():
            for i, rec in enumerate(read_records(path)):
                yield f"{path}: record {i}", rec

    def shards(self) -> list[Path]:
        """The TFRecord files, in order (what :meth:`read_shard` reads)."""
        return self.files(("*.tfrecord", "*.tfrecord.gz"), "TFRecord files (*.tfrecord, *.tfrecord.gz)")

    def read_shard(self, path: Path) -> pa.Table:
        """One file's records as a checked table of the record schema. Examples with the video's bytes
        are read into columns, their annotations JSON parsed by pyarrow; anything else (PNG frames to
        re-encode, a field that does not fit the schema exactly) record by record (:mod:`.tables`)."""
        items = [(f"{path}: record {i}", rec) for i, rec in enumerate(read_records(path))]
        fast = self._columns(items)
        if fast is None:
            return tables.rows_table([self.materialize(item) for item in items], self.src, path)
        tables.check_records(*fast, self.src)
        return fast[0]

    def _columns(self, items: list) -> tuple[pa.Table, list[bytes]] | None:
        lines, videos = [], []
        try:
            for where, data in items:
                context, lists = tfexample.decode_sequence_example(data)
                if lists or len(context.get("video/bytes", ("", ()))[1]) != 1 or not context["video/bytes"][1][0]:
                    return None
                meta = fields.unflatten(context, where, raw_json=True)
                raw = b"".join(b',"%s":%s' % (c.encode(), meta.pop(c)) for c in fields.JSON_FEATURES)
                lines.append(fields.dumps(meta)[:-1] + raw + b"}")  # the JSON features spliced in as they are stored
                videos.append(context["video/bytes"][1][0])
        except (SymbolSetError, ValueError, TypeError, KeyError):  # the record-by-record path names the problem
            return None
        # strict: a stored JSON feature that is not one JSON value (`[], "seed": 1`) adds a key (or
        # gives one twice) instead of failing to parse as it does record by record: both refuse it
        columns = tables.parse_json(lines, [*fields.META_COLUMNS, fields.VIDEO_PATH], strict=True)
        try:
            return None if columns is None else (tables.assemble(columns, videos), videos)
        except pa.ArrowInvalid:  # a file of 2 GiB or more
            return None

    def materialize(self, item) -> dict:
        """Parse one record (Example, or SequenceExample of PNG frames that are re-encoded)."""
        where, data = item
        try:
            context, lists = tfexample.decode_sequence_example(data)
        except tfexample.ProtoError as exc:
            raise SymbolSetError(f"{where}: not a tf.train.Example ({exc})") from None
        meta = fields.unflatten(context, where)
        if FRAMES_FEATURE in lists:
            pngs = [values[0] if values else b"" for values in lists[FRAMES_FEATURE][1]]
            video = frames.video_from_pngs(pngs, meta, where, self.options.codec)
        else:
            if "video/bytes" not in context:
                raise SymbolSetError(f"{where}: no 'video/bytes' feature and no '{FRAMES_FEATURE}' frames")
            video = context["video/bytes"][1][0]
        return fields.join_row(meta, video, where)
