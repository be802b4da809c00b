"""Converter throughput beside its floors, measured in the same run (medians of ``--repeat`` runs).

    python benchmarks/convert.py [--source DIR | --config default --num 200 | --copies 40] [--repeat 3] [--workers 1]

Without ``--source`` the source is ``--num`` clips of ``--config`` generated into a temporary folder
(issue 15's measure: 200 ``default`` clips at 256 px), or with ``--copies`` ``tiny/`` replicated that
many times (new ids, same clips). For each direction it prints MB/s (source bytes read per
second), samples/s and two ratios (conversion speed over floor speed; 1.0 = at the floor):

- ``ratio_to_raw_copy``: ``shutil.copyfileobj`` of the direction's source files;
- ``ratio_to_plain_pass`` (and ``cpu_ratio_...``: the same by CPU time, steadier on a shared
  machine; with ``--workers 1`` the whole conversion runs in this process): the plainest pass that reads those files and writes the target's kind
  of file: a pyarrow ``read_table`` + a tar of each row's video bytes (Parquet -> WebDataset),
  reading the tars + pyarrow ``write_table`` of the same rows (-> Parquet), and so on.

``roundtrip parquet->webdataset->parquet`` adds both directions and both floors (issue 15's goal:
>= 0.8x); ``tfrecord->parquet`` has the goal >= 0.5x of its plain pass.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import shutil
import statistics
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
    manifest["shards"] = []
    for split, rs in splits.items():
        n = -(-len(rs) // size)
        for j in range(n):
            name = f"data/{split}-{j:05d}-of-{n:05d}.parquet"
            write_parquet(to_table(rs[j * size : (j + 1) * size]), out / name)
            data = (out / name).read_bytes()
            manifest["shards"].append({"file": name, "split": split, "rows": len(rs[j * size : (j + 1) * size]), "bytes": len(data),
                                       "sha256": hashlib.sha256(data).hexdigest()})  # fmt: skip
    manifest["splits"] = {s: {"rows": len(rs), "families": {}} for s, rs in splits.items()}
    layout.write_json_atomic(out / layout.MANIFEST, manifest)
    return out


def make_source(config: str, num: int, out: Path) -> Path:
    """``num`` clips of the built-in config ``config`` (two workers; not timed)."""
    from symbolset.build import generate
    from symbolset.config import load_config

    generate(load_config(config, num=num), out, workers=2, progress=False)
    return out


def source_files(root: Path) -> list[Path]:
    """The data files of a dataset folder (what a raw copy would move)."""
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file()
        and not p.name.startswith(".")
        and not p.name.endswith((".json", ".md", ".png", ".jsonl"))
        and "thumbnails" not in p.parts
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


def plain_pass(frm: str, to: str, files: list[Path], parquet_src: Path, dst: Path) -> tuple[float, float]:
    """Wall and CPU seconds of the plainest read of ``files`` plus a write of the same rows in ``to``'s kind of file.

    Reading is a pyarrow ``read_table`` (Parquet) or a plain read of the bytes (tar, TFRecord, MP4);
    writing is a tar of the rows' video bytes (WebDataset), the bytes as one file (TFRecord, MP4), or a
    pyarrow ``write_table`` of the source rows read beforehand, untimed (Parquet).
    """
    import tarfile

    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.concat_tables(pq.read_table(p) for p in sorted((parquet_src / "data").glob("*.parquet"))) if to == "parquet" else None
    dst.mkdir(parents=True, exist_ok=True)
    t0, c0 = time.perf_counter(), time.process_time()
    if frm == "parquet":
        read = pa.concat_tables(pq.read_table(p) for p in files)
        videos = read.column("video").combine_chunks().field("bytes").to_pylist()
    else:
        videos = [p.read_bytes() for p in files]
    if to == "parquet":
        pq.write_table(table, dst / "out.parquet")
    elif to == "webdataset":
        with tarfile.open(dst / "out.tar", "w") as tar:
            for i, data in enumerate(videos):
                info = tarfile.TarInfo(f"{i:08d}.mp4")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    else:
        with open(dst / "out.bin", "wb") as f:
            for data in videos:
                f.write(data)
    dt = time.perf_counter() - t0, time.process_time() - c0
    shutil.rmtree(dst)
    return dt


def main(argv=None) -> int:
    """Run every direction and print one JSON object."""
    from symbolset.converters.convert import convert

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", type=Path, help="a Hub-layout dataset (default: generate --num clips of --config)")
    ap.add_argument("--config", default="default")
    ap.add_argument("--num", type=int, default=200)
    ap.add_argument("--copies", type=int, help="instead: tiny/ replicated this many times")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="symbolset-bench-") as tmp:
        tmp = Path(tmp)
        src = args.source or (
            replicate(REPO / "tiny", tmp / "parquet", args.copies) if args.copies else make_source(args.config, args.num, tmp / "parquet")
        )
        dirs = {"parquet": src}
        results, pairs = {}, {}
        for frm, to in DIRECTIONS:
            source = dirs[frm]
            files = source_files(source)
            nbytes = sum(p.stat().st_size for p in files)
            copies, plains, convs, rows = [], [], [], 0
            for k in range(args.repeat):  # floor and conversion alternate, so a load that comes and goes hits both alike
                copies.append(raw_copy(files, tmp / "copy"))
                plains.append(plain_pass(frm, to, files, src, tmp / "plain"))
                out = tmp / f"{frm}-{to}-{k}"
                t0, c0 = time.perf_counter(), time.process_time()
                marker = convert(source, out, to, workers=args.workers, progress=False)
                convs.append((time.perf_counter() - t0, time.process_time() - c0))
                splits = marker.get("splits", {})
                rows = sum(v["rows"] if isinstance(v, dict) else v for v in splits.values())
                if to not in dirs and k == 0:
                    dirs[to] = out
                elif k:
                    shutil.rmtree(out)
            pairs[f"{frm}->{to}"] = list(zip(plains, convs))
            med = statistics.median
            conv_s, conv_cpu, copy_s = med(c[0] for c in convs), med(c[1] for c in convs), med(copies)
            results[f"{frm}->{to}"] = {
                "samples": rows, "source_mb": round(nbytes / 1e6, 2), "seconds": round(conv_s, 3),
                "mb_per_s": round(nbytes / conv_s / 1e6, 1), "samples_per_s": round(rows / conv_s, 1),
                "raw_copy_seconds": round(copy_s, 3), "ratio_to_raw_copy": round(med(a / c[0] for a, c in zip(copies, convs)), 4),
                "plain_pass_seconds": round(med(p[0] for p in plains), 3), "ratio_to_plain_pass": round(med(p[0] / c[0] for p, c in zip(plains, convs)), 4),
                "cpu_seconds": round(conv_cpu, 3), "plain_pass_cpu_seconds": round(med(p[1] for p in plains), 3),
                "cpu_ratio_to_plain_pass": round(med(p[1] / c[1] for p, c in zip(plains, convs)), 4),
            }  # fmt: skip
        there, back = results["parquet->webdataset"], results["webdataset->parquet"]
        both = list(zip(pairs["parquet->webdataset"], pairs["webdataset->parquet"]))  # repeat k of each direction
        results["roundtrip parquet->webdataset->parquet"] = {
            "seconds": round(there["seconds"] + back["seconds"], 3),
            "plain_pass_seconds": round(there["plain_pass_seconds"] + back["plain_pass_seconds"], 3),
            "ratio_to_plain_pass": round(statistics.median((a[0][0] + b[0][0]) / (a[1][0] + b[1][0]) for a, b in both), 4),
            "cpu_ratio_to_plain_pass": round(statistics.median((a[0][1] + b[0][1]) / (a[1][1] + b[1][1]) for a, b in both), 4),
            "goal": 0.8,
        }
        results["tfrecord->parquet"]["goal_ratio_to_plain_pass"] = 0.5
    from symbolset.converters import crc32c

    report = {
        "benchmark": "convert",
        "source": str(args.source) if args.source else f"tiny x {args.copies}" if args.copies else f"{args.config} x {args.num}",
        "workers": args.workers,
        "unit": f"median of {args.repeat} runs; ratio = median over runs of floor seconds / conversion seconds (the two alternate)",
        "crc32c": "native" if crc32c.NATIVE else "numpy",
        "directions": results,
    }
    json.dump(report, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
