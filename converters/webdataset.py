"""WebDataset tar shards: ``<split>-NNNNNN.tar`` with members ``<key>.json``, ``<key>.mp4``, ``<key>.txt``.

- ``<key>.mp4`` (``.mkv`` for the lossless codecs): the video bytes, exactly as stored in Parquet.
- ``<key>.json``: every other field of the record (see :mod:`.fields`), plus ``video_path``.
- ``<key>.txt``: the default caption (``caption``: the English detailed caption), UTF-8.

The key is the record id with any dot replaced by ``_`` (WebDataset ends a key at the first dot of a
member name); the true id is in the JSON. Every sample has the same three members, in sorted order,
with a fixed mtime, uid/gid 0 and empty user/group names, so the same records give the same bytes.
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pyarrow as pa

from symbolset import codec
from symbolset.errors import SymbolSetError

from . import fields, tables
from .base import Reader, ShardWriter
from .pipeline import Encoded

MTIME = 946684800  # 2000-01-01T00:00:00Z: fixed, so shards are byte-identical across runs
BLOCK = 512
_ZERO_BLOCK = bytes(BLOCK)
VIDEO_EXTENSIONS = frozenset(codec.EXTENSIONS.values())
_JSON_FIELDS = [c for c in fields.META_COLUMNS if c != "caption"]  # what a sample's .json holds, besides video_path


def sample_key(sample_id: str) -> str:
    """The WebDataset key of a record id (no dots, no slashes)."""
    return sample_id.replace(".", "_").replace("/", "_")


def _tarinfo_header(name: str, size: int) -> bytes:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, MTIME, 0o644
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    # Plain ustar headers when the name and size fit; pax headers only for long or non-ASCII names, or 8 GiB members.
    fmt = tarfile.USTAR_FORMAT if len(name) <= 100 and name.isascii() and size < 8**11 else tarfile.PAX_FORMAT
    return info.tobuf(format=fmt, encoding="utf-8")


_TEMPLATE = _tarinfo_header("x", 0)  # every field but name, size and checksum is the same in every member


def _header(name: str, size: int) -> bytes:
    """What ``tarfile`` writes for this member, built from :data:`_TEMPLATE` (a fraction of the cost):
    a plain ustar header when the name is short ASCII and the size fits 11 octal digits."""
    if len(name) > 100 or not name.isascii() or size >= 8**11:
        return _tarinfo_header(name, size)
    hdr = bytearray(_TEMPLATE)
    hdr[0:100] = name.encode().ljust(100, b"\0")
    hdr[124:136] = b"%011o\0" % size
    hdr[148:156] = b"        "
    hdr[148:155] = b"%06o\0" % sum(hdr)
    return bytes(hdr)


def tar_member(name: str, data: bytes) -> bytes:
    """One regular-file tar member (header + data padded to 512 bytes) with fixed metadata."""
    return _header(name, len(data)) + data + b"\0" * (-len(data) % BLOCK)


class WebDatasetWriter(ShardWriter):
    """Records -> tar shards."""

    format = "webdataset"
    suffix = ".tar"

    def encode(self, row: dict) -> Encoded:
        """The sample's three members, as tar bytes."""
        video, meta = fields.split_row(row)
        caption = meta.pop("caption")
        key = sample_key(row["id"])
        ext = codec.extension(row["codec"])
        members = sorted({f"{key}.json": fields.dumps(meta), f"{key}.{ext}": video, f"{key}.txt": caption.encode()}.items())
        blob = b"".join(tar_member(name, data) for name, data in members)
        return Encoded(row["split"], len(blob), blob)

    def pack(self, payloads: list) -> bytes:
        """Members of every sample, then the end-of-archive marker (two zero blocks)."""
        return b"".join(payloads) + b"\0" * (2 * BLOCK)


class WebDatasetReader(Reader):
    """Tar shards -> records (streaming, one member at a time), or a whole shard as an Arrow table."""

    format = "webdataset"
    reads_tables = True

    def items(self):
        """``(where, {extension: bytes})`` for each sample, in shard order."""
        for path in self.shards():
            yield from _samples(path)

    def shards(self) -> list[Path]:
        """The tar shards, in order (what :meth:`read_shard` reads)."""
        return self.files(("*.tar",), "WebDataset .tar shards")

    def read_shard(self, path: Path) -> pa.Table:
        """One shard's records as a checked table of the record schema: the ``.json`` members parsed
        by pyarrow, or, when one does not fit the schema exactly, record by record (:mod:`.tables`)."""
        samples = list(_samples(path, _read_all(path)))
        videos = [next(m[e] for e in m if e not in ("json", "txt")) for _, m in samples]
        columns = tables.parse_json([m["json"] for _, m in samples], [*_JSON_FIELDS, fields.VIDEO_PATH]) if all(videos) else None
        table = None
        if columns is not None:
            try:
                columns["caption"] = pa.chunked_array([tables.bytes_array([m["txt"] for _, m in samples], pa.string())])
                table = tables.assemble(columns, videos)
            except pa.ArrowInvalid:  # a caption not UTF-8, or a shard of 2 GiB or more
                pass
        if table is None:
            return tables.rows_table([self.materialize(s) for s in samples], self.src, path)
        tables.check_records(table, videos, self.src)
        return table

    def materialize(self, item) -> dict:
        """The record of one sample's members."""
        where, members = item
        meta = fields.loads(members["json"], f"{where}.json")
        try:
            meta["caption"] = members["txt"].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SymbolSetError(f"{where}.txt: not UTF-8 ({exc})") from None
        video = next(members[e] for e in members if e not in ("json", "txt"))
        return fields.join_row(meta, video, where)


def _read_all(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SymbolSetError(f"{path}: cannot read ({exc.strerror or exc})") from None


def _open(path: Path, data: bytes | None):
    """The shard as a binary file: read from disk, or from its bytes already in memory."""
    return open(path, "rb") if data is None else io.BytesIO(data)


def _samples(path: Path, data: bytes | None = None):
    key, members = None, {}

    def done():
        where = f"{path}: sample {key!r}"
        missing = [e for e in ("json", "txt") if e not in members]
        videos = [e for e in members if e not in ("json", "txt")]
        if missing or len(videos) != 1:
            what = f"no .{missing[0]} member" if missing else "no video member" if not videos else f"several video members {videos}"
            raise SymbolSetError(f"{where}: {what} (truncated or not a SymbolSet shard)")
        return where, members

    index = _plain_index(path, data)
    end = [0]
    try:
        for member, body, size in _read_plain(path, index, end, data) if index else _read_tarfile(path, end, data):
            name = member.rsplit("/", 1)[-1]
            base, dot, ext = name.partition(".")
            if not dot:
                raise SymbolSetError(f"{path}: member {member!r} has no extension (not a WebDataset shard)")
            if len(body) != size:
                raise SymbolSetError(f"{path}: truncated in member {member!r} (sample {base!r})")
            if base != key:
                if key is not None:
                    yield done()
                key, members = base, {}
            members[ext] = body
    except (tarfile.TarError, EOFError) as exc:
        where = f"in sample {key!r}" if key is not None else "at the first sample"
        raise SymbolSetError(f"{path}: truncated or corrupt tar {where} ({exc})") from None
    if key is None:
        raise SymbolSetError(f"{path}: empty tar archive (no samples)")
    if (path.stat().st_size if data is None else len(data)) - end[0] < 2 * BLOCK:
        raise SymbolSetError(f"{path}: truncated after sample {key!r} (no end-of-archive marker)")
    yield done()


def _read_tarfile(path: Path, end: list, data: bytes | None = None):
    """``(name, data, size)`` of each regular file, read with :mod:`tarfile` (any tar format)."""
    with _open(path, data) as raw, tarfile.open(fileobj=raw, mode="r|") as tar:
        for info in tar:
            if info.isfile():
                yield info.name, tar.extractfile(info).read(), info.size
        end[0] = tar.offset


def _read_plain(path: Path, index: tuple, end: list, data: bytes | None = None):
    """``(name, data, size)`` of each member listed by :func:`_plain_index`."""
    members, end[0] = index
    if data is not None:  # slices of the bytes in memory
        for name, offset, size in members:
            yield name, data[offset : offset + size], size
        return
    with open(path, "rb") as f:
        for name, offset, size in members:
            f.seek(offset)
            yield name, f.read(size), size


def _plain_index(path: Path, data: bytes | None = None) -> tuple[list, int] | None:
    """``([(name, data offset, size)], end offset)`` when every header is a plain POSIX ustar regular
    file with a valid checksum and the archive is complete (what our writer makes); else None, and
    :mod:`tarfile` reads it (pax or GNU headers, links, damage: its errors name the problem).

    Parsing the 512-byte headers here instead costs a fraction of ``tarfile``'s per-member work.
    """
    total, members, pos = path.stat().st_size if data is None else len(data), [], 0
    with _open(path, data) as f:
        while True:
            hdr = f.read(BLOCK)
            if len(hdr) < BLOCK:
                return None
            if hdr == _ZERO_BLOCK:
                return (members, pos) if members else None
            if hdr[156:157] not in (b"0", b"\0") or hdr[257:265] != b"ustar\x0000" or hdr[124] & 0x80:
                return None
            try:
                checksum, size = int(hdr[148:156].strip(b" \0") or b"0", 8), int(hdr[124:136].strip(b" \0") or b"0", 8)
            except ValueError:
                return None
            if checksum != sum(hdr) - sum(hdr[148:156]) + 8 * 32:
                return None
            name, prefix = hdr[:100].split(b"\0", 1)[0], hdr[345:500].split(b"\0", 1)[0]
            members.append(((prefix + b"/" + name if prefix else name).decode("utf-8", "surrogateescape"), pos + BLOCK, size))
            pos += BLOCK + size + (-size % BLOCK)
            if pos > total:
                return None
            f.seek(pos)
