"""``symbolset convert SRC DST --to FORMAT``: registered into the main CLI by :func:`register`."""

from __future__ import annotations

import re

from symbolset.errors import SymbolSetError

from . import FORMATS

_UNITS = {"": 1, "b": 1, "k": 1 << 10, "kb": 1 << 10, "m": 1 << 20, "mb": 1 << 20, "g": 1 << 30, "gb": 1 << 30}


def parse_size(text: str) -> int:
    """``"256MB"`` / ``"64k"`` / ``"1000000"`` -> bytes (binary units)."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", text)
    if not m or m.group(2).lower() not in _UNITS:
        raise SymbolSetError(f"--shard-bytes: expected a size like 256MB, 64k or 1000000, got {text!r}")
    return int(float(m.group(1)) * _UNITS[m.group(2).lower()])


def _convert(args) -> int:
    from .base import Options
    from .convert import convert

    options = Options(
        shard_size=args.shard_size,
        shard_bytes=parse_size(args.shard_bytes) if args.shard_bytes else None,
        gzip=args.gzip,
        frames=args.frames,
        rerender=args.rerender,
        codec=args.codec,
    )
    if args.workers < 1:
        raise SymbolSetError(f"--workers: must be at least 1, got {args.workers}")
    result = convert(args.src, args.dst, args.to, source_format=getattr(args, "from"), options=options, workers=args.workers,
                     overwrite=args.overwrite, progress=not args.quiet)  # fmt: skip
    splits = result.get("splits", {})
    counts = {s: (v["rows"] if isinstance(v, dict) else v) for s, v in splits.items()}
    print(f"{args.dst}: {sum(counts.values())} clips {counts} as {args.to}")
    return 0


def register(sub) -> None:
    """Add the ``convert`` command to the ``symbolset`` sub-parsers."""
    c = sub.add_parser("convert", help="convert a dataset between Parquet (Hub layout), WebDataset, TFRecord, MP4 and PNG folders")
    c.add_argument("src", help="source folder")
    c.add_argument("dst", help="output folder")
    c.add_argument("--to", required=True, choices=FORMATS, help="output format")
    c.add_argument("--from", choices=FORMATS, help="source format (default: detected)")
    c.add_argument("--workers", type=int, default=1, help="processes (output is identical for any number)")
    c.add_argument("--shard-size", type=int, help="samples per output shard")
    c.add_argument("--shard-bytes", help="bytes per output shard, e.g. 256MB (default for WebDataset/TFRecord)")
    c.add_argument("--gzip", action="store_true", help="TFRecord: GZIP-compressed files")
    c.add_argument("--frames", choices=("png",), help="TFRecord: SequenceExample with one PNG per frame instead of the video")
    c.add_argument("--rerender", action="store_true", help="PNG outputs: frames rendered losslessly from the stored spec")
    c.add_argument("--codec", help="PNG -> video: codec of the re-encoded video (default: the record's own)")
    c.add_argument("--overwrite", action="store_true", help="replace an existing output")
    c.add_argument("--quiet", action="store_true", help="no progress bar")
    c.set_defaults(func=_convert)
