"""Converter throughput beside the raw-copy ceiling of the same bytes, measured in the same run.

    python benchmarks/convert.py [--source DIR] [--copies 40] [--repeat 3] [--workers 1]

Without ``--source`` the source is ``tiny/`` replicated ``--copies`` times (new ids, same clips),
so the rows have the real size and shape. For each direction it prints MB/s (source bytes read per
second) and samples/s, and ``ratio_to_raw_copy``: the conversion's MB/s over the MB/s of
``shutil.copyfileobj`` copying the *source files of that direction* (best of ``--repeat`` runs
each). The issue's goal: Parquet <-> WebDataset and Parquet <-> TFRecord >= 0.5x raw copy.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DIRECTIONS = (
    ("parquet", "webdataset"),
    ("webdataset", "parquet"),
    ("parquet", "tfrecord"),
    ("tfrecord", "parquet"),
    ("parquet", "mp4"),
    ("mp4", "parquet"),
)


def replicate(tiny: Path, out: Path, copies: int) -> Path:
    """A Hub-layout dataset of ``copies`` x the rows of ``tiny`` (ids suffixed ``-cN``)."""
    from symbolset import layout
    from symbolset.layout import write_parquet
    from symbolset.record import to_table

    rows = list(layout.iter_rows(tiny))
    manifest = layout.load_manifest(tiny)
    (out / "data").mkdir(parents=True)
    splits: dict[str, list] = {}
    for c in range(copies):
        for r in rows:
            splits.setdefault(r["split"], []).append({**r, "id": f"{r['id']}-c{c}"})
    size = manifest["config"]["shard_size"]
    for split, rs in splits.items():
        n = -(-len(rs) // size)
        for j in range(n):
            write_parquet(to_table(rs[j * size : (j + 1) * size]), out / "data" / f"{split}-{j:05d}-of-{n:05d}.parquet")
    manifest["splits"] = {s: {"rows": len(rs), "families": {}} for s, rs in splits.items()}
    layout.write_json_atomic(out / layout.MANIFEST, manifest)
    return out


def source_files(root: Path) -> list[Path]:
    """The data files of a dataset folder (what a raw copy would move)."""
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and not p.name.endswith((".json", ".md", ".png", ".jsonl")) and "thumbnails" not in p.parts
    )


def raw_copy(files: list[Path], dst: Path) -> float:
    """Seconds to copy ``files`` into ``dst`` with ``shutil.copyfileobj``."""
    dst.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    for i, p in enumerate(files):
        with open(p, "rb") as fi, open(dst / f"{i}.bin", "wb") as fo:
            shutil.copyfileobj(fi, fo)
    dt = time.perf_counter() - t0
    shutil.rmtree(dst)
    return dt


def main(argv=None) -> int:
    """Run every direction and print one JSON object."""
    from symbolset.converters.convert import convert

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", type=Path, help="a Hub-layout dataset (default: tiny/ replicated)")
    ap.add_argument("--copies", type=int, default=40)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="symbolset-bench-") as tmp:
        tmp = Path(tmp)
        src = args.source or replicate(REPO / "tiny", tmp / "parquet", args.copies)
        dirs = {"parquet": src}
        results = {}
        for frm, to in DIRECTIONS:
            source = dirs[frm]
            files = source_files(source)
            nbytes = sum(p.stat().st_size for p in files)
            best_copy = min(raw_copy(files, tmp / "copy") for _ in range(args.repeat))
            best, rows = float("inf"), 0
            for k in range(args.repeat):
                out = tmp / f"{frm}-{to}-{k}"
                t0 = time.perf_counter()
                marker = convert(source, out, to, workers=args.workers, progress=False)
                best = min(best, time.perf_counter() - t0)
                splits = marker.get("splits", {})
                rows = sum(v["rows"] if isinstance(v, dict) else v for v in splits.values())
                if to not in dirs and k == 0:
                    dirs[to] = out
                elif k:
                    shutil.rmtree(out)
            conv_mbs, copy_mbs = nbytes / best / 1e6, nbytes / best_copy / 1e6
            results[f"{frm}->{to}"] = {
                "samples": rows, "source_mb": round(nbytes / 1e6, 2), "seconds": round(best, 3),
                "mb_per_s": round(conv_mbs, 1), "samples_per_s": round(rows / best, 1),
                "raw_copy_mb_per_s": round(copy_mbs, 1), "ratio_to_raw_copy": round(conv_mbs / copy_mbs, 4),
            }  # fmt: skip
    from symbolset.converters import crc32c

    report = {"benchmark": "convert", "workers": args.workers, "crc32c": "native" if crc32c.NATIVE else "numpy", "directions": results}
    json.dump(report, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
