"""``convert(src, dst, to=...)``: any supported format to any other, streaming, resumable, atomic.

Every conversion is reader -> records -> writer: the Hub Parquet layout is one format among the
others, so WebDataset -> TFRecord works as well as Parquet -> WebDataset.
"""

from __future__ import annotations

import functools
import itertools
import json
import sys
from pathlib import Path

from tqdm import tqdm

from symbolset import layout, remote
from symbolset.errors import SymbolSetError
from symbolset.layout import check_record

from . import FORMATS, output
from .base import Options, read_marker
from .folders import METADATA
from .pipeline import ordered_map


def detect(src: Path) -> str:
    """The format of a source folder, from its completion marker or its files."""
    if not src.exists():
        raise SymbolSetError(f"{src}: does not exist")
    if not src.is_dir():
        raise SymbolSetError(f"{src}: not a folder (give the folder that holds the shards)")
    marker = read_marker(src)
    if marker and marker.get("format") in FORMATS:
        return marker["format"]
    for name, fmt in FORMATS.items():
        if any(next(src.glob(pattern), None) for pattern in fmt.files):
            return name
    for meta in sorted(src.glob(f"*/{METADATA}")):
        with open(meta, "rb") as f:
            first = f.readline()
        try:
            keys = json.loads(first) if first.strip() else {}
        except ValueError:
            raise SymbolSetError(f"{meta}: line 1: not valid JSON") from None
        for name, fmt in FORMATS.items():
            if fmt.folder_key is not None and fmt.folder_key in keys:
                return name
    raise SymbolSetError(f"{src}: cannot tell its format (no manifest, .tar, .tfrecord or */{METADATA}); pass --from")


def make_reader(fmt: str, src: Path, options: Options):
    """The reader of format ``fmt``."""
    if fmt not in FORMATS:
        raise SymbolSetError(f"--from: unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    return FORMATS[fmt].open_reader(fmt, src, options)


def make_writer(fmt: str, dst: Path, options: Options, info: dict | None):
    """The writer of format ``fmt``."""
    if fmt not in FORMATS:
        raise SymbolSetError(f"--to: unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    return FORMATS[fmt].open_writer(fmt, dst, options, info)


def _check_options(to: str, options: Options) -> None:
    if options.frames and to != "tfrecord":
        raise SymbolSetError("--frames png applies to --to tfrecord (use --to png for a PNG folder)")
    if options.gzip and to != "tfrecord":
        raise SymbolSetError("--gzip applies to --to tfrecord")
    if options.rerender and not (to == "png" or options.frames == "png"):
        raise SymbolSetError("--rerender applies to PNG outputs (--to png, or --to tfrecord --frames png)")
    for name in ("shard_size", "shard_bytes"):
        value = getattr(options, name)
        if value is not None and value < 1:
            raise SymbolSetError(f"--{name.replace('_', '-')}: must be at least 1, got {value}")


def _process(item, materialize, encode, source):
    row = materialize(item)
    check_record(row, f"{source}: record {row.get('id')!r}")
    return encode(row)


def verify_shards(src: Path, fmt: str, reader) -> None:
    """Check the sha256 of every shard the source lists (its manifest, or its conversion marker) before any is read."""
    layout.verify_files(src, (reader.info or {}).get("shards", []) if fmt == "parquet" else reader.marker.get("files", []))


def convert(src, dst, to: str, *, source_format: str | None = None, options: Options | None = None, workers: int = 1,
            overwrite: bool = False, progress: bool = True) -> dict:  # fmt: skip
    """Convert the dataset in ``src`` to format ``to`` in ``dst``; returns the output's marker/manifest.

    The source is checked before anything is created: its shards against their sha256, then every
    record against its checksum as it is read. Interrupted runs resume when started again with the
    same arguments; ``dst`` is locked while the conversion runs, never replaced without
    ``overwrite``, and never replaced when ``convert`` did not make it.
    """
    for path in (src, dst):
        if remote.is_url(str(path)):
            raise SymbolSetError(f"{path}: convert works on local folders; copy the dataset from the store first (e.g. `aws s3 sync`, `gsutil rsync`)")
    src, dst = Path(src), Path(dst)
    options = options or Options()
    if to not in FORMATS:
        raise SymbolSetError(f"--to: unknown format {to!r} (known: {', '.join(FORMATS)})")
    _check_options(to, options)
    if not src.exists():
        raise SymbolSetError(f"{src}: does not exist")
    if not src.is_dir():
        raise SymbolSetError(f"{src}: not a folder (give the folder that holds the shards)")
    fmt = source_format or detect(src)
    reader = make_reader(fmt, src, options)
    verify_shards(src, fmt, reader)
    items = reader.items()
    first = next(items, None)  # a source with nothing to read fails here, before the output is created
    if first is None:
        raise SymbolSetError(f"{src}: the source has no records")
    writer = make_writer(to, dst, options, reader.info)
    state = {"from": fmt, "to": to, "source": str(src.resolve()), "options": options.to_dict()}
    claim, complete = output.prepare(dst, state, writer.marker, overwrite, src)
    with claim:
        if complete:
            print(f"{dst}: already complete; nothing to do", file=sys.stderr)
            return json.loads((dst / writer.marker).read_text(encoding="utf-8"))
        try:
            return _run(reader, writer, itertools.chain([first], items), fmt, to, src, state, workers, progress)
        except OSError as exc:  # disk full, permission denied, read-only file system
            raise layout.os_error(exc, dst) from None
        finally:
            layout.remove_temporaries(dst)


def _run(reader, writer, items, fmt, to, src, state, workers, progress) -> dict:
    writer.start()
    bar = tqdm(total=reader.total, unit="clip", desc=f"{fmt} -> {to}", disable=not progress, smoothing=0.1)
    try:
        if reader.reads_tables and hasattr(writer, "encode_table"):  # whole shards as Arrow tables (.tables)
            encoded = (enc for table in ordered_map(reader.read_shard, reader.shards(), workers) for enc in writer.encode_table(table))
        else:
            encoded = ordered_map(
                functools.partial(_process, materialize=reader.materialize, encode=writer.encode, source=src), items, workers
            )
        for enc in encoded:
            writer.add(enc)
            bar.update(1)
        writer.close()
    finally:
        bar.close()
    return writer.finish(state)
