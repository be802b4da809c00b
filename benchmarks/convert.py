"""Converter throughput beside its floors, measured in the same run (medians of ``--repeat`` runs).

    python benchmarks/convert.py [--source DIR | --config default --num 200 | --copies 40] [--repeat 3] [--workers 1]

Without ``--source`` the source is ``--num`` clips of ``--config`` generated into a temporary folder
(issue 15's measure: 200 ``default`` clips at 256 px), or with ``--copies`` ``tiny/`` replicated that
many times (new ids, same clips). For each direction it prints MB/s (source bytes read per
second), samples/s and its ratios to three floors measured in the same run (conversion speed over
floor speed, i.e. floor seconds / conversion seconds; 1.0 = at the floor; ``cpu_ratio_...`` is the
same by CPU time, steadier on a shared machine -- with ``--workers 1`` the whole conversion runs in
this process):

- ``ratio_to_rows_pass`` -- issue 15's floor, "a plain read + write of the same rows": the plainest
  pass a user would write that carries **every column** of every row (the video and all metadata,
  per-frame annotations included) from the source files into the target's kind of file, with
  stdlib ``json`` and no SymbolSet code. Reading: Parquet, pyarrow ``read_table`` + ``to_pylist``;
  WebDataset, ``tarfile`` + ``json.loads`` of each ``.json``; TFRecord, ``tf.data.TFRecordDataset``
  + ``tf.train.Example.FromString`` (features nested at ``/``, ``annotations`` ``json.loads``-ed);
  MP4 folder, ``json.loads`` of each ``metadata.jsonl`` line + each video file read. Writing:
  Parquet, ``pa.Table.from_pylist`` (record schema) + ``pq.write_table``; WebDataset, ``tarfile``
  of ``.json`` (``json.dumps``) + ``.mp4`` + ``.txt`` per row; TFRecord, ``tf.io.TFRecordWriter``
  of an Example with two features (the video bytes, the metadata as one ``json.dumps`` string);
  MP4 folder, each video file + ``metadata.jsonl`` (``json.dumps`` per line). Before timing, the
  floor's reader is checked to give exactly the source's rows.
- ``ratio_to_video_only_pass`` -- the floor this script used before, kept for comparison: a pyarrow
  ``read_table`` + a tar of each row's **video bytes only** (Parquet -> WebDataset), reading the tars'
  bytes + pyarrow ``write_table`` of rows read beforehand, untimed (-> Parquet), and so on. It moves
  ~15 KB of video per ``default`` clip and none of its ~34 KB of metadata: not "the same rows".
- ``ratio_to_raw_copy`` -- ``shutil.copyfileobj`` of the direction's source files.

``roundtrip parquet->webdataset->parquet`` adds both directions and their floors (issue 15's goal:
>= 0.8x); ``tfrecord->parquet`` has the goal >= 0.5x. TensorFlow is imported for the TFRecord floor
(outside the timed part).
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


def video_only_pass(frm: str, to: str, files: list[Path], parquet_src: Path, dst: Path) -> tuple[float, float]:
    """Wall and CPU seconds of the old floor, which moves only the video bytes (named for what it is).

    Reading is a pyarrow ``read_table`` (Parquet) or a plain read of the bytes (tar, TFRecord, MP4);
    writing is a tar of the rows' video bytes (WebDataset), the bytes as one file (TFRecord, MP4), or a
    pyarrow ``write_table`` of the source rows read beforehand, untimed (Parquet). The rows' metadata
    (about 34 KB of per-frame annotations per ``default`` clip against 15 KB of video) is neither
    parsed nor written, so this is not a pass over "the same rows".
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


# ------------------------------------------------------------------ the rows floor: plain user code, every column


def _row(meta: dict, video: bytes) -> dict:
    """A record from a flat format's metadata (with ``video_path``) and its video bytes."""
    meta["video"] = {"bytes": video, "path": meta.pop("video_path")}
    return meta


def plain_read_parquet(source: Path) -> list[dict]:
    """pyarrow ``read_table`` + ``to_pylist`` of every shard."""
    import pyarrow.parquet as pq

    return [row for p in source_files(source) for row in pq.read_table(p).to_pylist()]


def plain_read_webdataset(source: Path) -> list[dict]:
    """``tarfile`` over every shard, members grouped by key; ``json.loads`` of each ``.json``."""
    import tarfile

    rows = []
    for p in source_files(source):
        with tarfile.open(p) as tar:
            sample: dict = {}
            for info in tar:
                key, ext = info.name.split(".", 1)
                if sample and sample["key"] != key:
                    rows.append(_row({**json.loads(sample["json"]), "caption": sample["txt"].decode()}, sample["video"]))
                    sample = {}
                sample["key"] = key
                sample["video" if ext in ("mp4", "mkv") else ext] = tar.extractfile(info).read()
            rows.append(_row({**json.loads(sample["json"]), "caption": sample["txt"].decode()}, sample["video"]))
    return rows


def plain_read_tfrecord(source: Path) -> list[dict]:
    """``tf.data.TFRecordDataset`` + ``tf.train.Example.FromString``; features nested back at their ``/``
    and the ``annotations`` feature ``json.loads``-ed."""
    import tensorflow as tf

    rows = []
    for p in source_files(source):
        for data in tf.data.TFRecordDataset(str(p)).as_numpy_iterator():
            row: dict = {}
            for name, feature in tf.train.Example.FromString(data).features.feature.items():
                kind = feature.WhichOneof("kind")
                value = getattr(feature, kind).value[0]
                if name == "annotations":
                    value = json.loads(value)
                elif kind == "bytes_list" and name != "video/bytes":
                    value = value.decode()
                *parents, leaf = name.split("/")
                node = row
                for part in parents:
                    node = node.setdefault(part, {})
                node[leaf] = value
            rows.append(row)
    return rows


def plain_read_mp4(source: Path) -> list[dict]:
    """Each split's ``metadata.jsonl`` line by line (``json.loads``) and each video file's bytes."""
    rows = []
    for meta_path in sorted(source.glob("*/metadata.jsonl")):
        with open(meta_path, encoding="utf-8") as f:
            for line in f:
                meta = json.loads(line)
                rows.append(_row(meta, (meta_path.parent / meta.pop("file_name")).read_bytes()))
    return rows


def _meta(row: dict) -> dict:
    """A record's metadata as the flat formats store it (every column but the video, plus ``video_path``)."""
    meta = {k: v for k, v in row.items() if k != "video"}
    meta["video_path"] = row["video"]["path"]
    return meta


def plain_write_parquet(rows: list[dict], dst: Path) -> None:
    """``pa.Table.from_pylist`` (the record schema) + ``pq.write_table``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from symbolset.record import SCHEMA

    pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMA), dst / "out.parquet")


def plain_write_webdataset(rows: list[dict], dst: Path) -> None:
    """``tarfile``: per row a ``.json`` (stdlib ``json.dumps`` of the metadata), the video and a ``.txt`` caption."""
    import tarfile

    with tarfile.open(dst / "out.tar", "w") as tar:
        for i, row in enumerate(rows):
            meta = _meta(row)
            caption = meta.pop("caption")
            for ext, data in (("json", json.dumps(meta).encode()), ("mp4", row["video"]["bytes"]), ("txt", caption.encode())):
                info = tarfile.TarInfo(f"{i:08d}.{ext}")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))


def plain_write_tfrecord(rows: list[dict], dst: Path) -> None:
    """``tf.io.TFRecordWriter`` of one ``tf.train.Example`` per row: the video bytes and the metadata as
    one ``json.dumps`` string (the plainest Example; the converter's flat features cost more)."""
    import tensorflow as tf

    def feature(value: bytes):
        return tf.train.Feature(bytes_list=tf.train.BytesList(value=[value]))

    with tf.io.TFRecordWriter(str(dst / "out.tfrecord")) as w:
        for row in rows:
            example = tf.train.Example(features=tf.train.Features(feature={"video": feature(row["video"]["bytes"]),
                                                                           "json": feature(json.dumps(_meta(row)).encode())}))  # fmt: skip
            w.write(example.SerializeToString())


def plain_write_mp4(rows: list[dict], dst: Path) -> None:
    """Each video as a file, and ``metadata.jsonl`` (stdlib ``json.dumps`` per line)."""
    with open(dst / "metadata.jsonl", "w", encoding="utf-8") as f:
        for i, row in enumerate(rows):
            (dst / f"{i:08d}.mp4").write_bytes(row["video"]["bytes"])
            f.write(json.dumps({"file_name": f"{i:08d}.mp4", **_meta(row)}) + "\n")


READ = {"parquet": plain_read_parquet, "webdataset": plain_read_webdataset, "tfrecord": plain_read_tfrecord, "mp4": plain_read_mp4}
WRITE = {"parquet": plain_write_parquet, "webdataset": plain_write_webdataset, "tfrecord": plain_write_tfrecord, "mp4": plain_write_mp4}


def rows_pass(frm: str, to: str, source: Path, dst: Path) -> tuple[float, float]:
    """Wall and CPU seconds of the plainest pass a user would write over the same rows, every column:
    read ``source`` (``READ[frm]``) into one dict per row, write them as ``to``'s kind of file (``WRITE[to]``)."""
    dst.mkdir(parents=True, exist_ok=True)
    t0, c0 = time.perf_counter(), time.process_time()
    WRITE[to](READ[frm](source), dst)
    dt = time.perf_counter() - t0, time.process_time() - c0
    shutil.rmtree(dst)
    return dt


def _ratios(name: str, floors: list, convs: list) -> dict:
    """Floor seconds (wall, CPU) and the medians over runs of floor / conversion, under ``name``."""
    med = statistics.median
    return {
        f"{name}_seconds": round(med(p[0] for p in floors), 3), f"{name}_cpu_seconds": round(med(p[1] for p in floors), 3),
        f"ratio_to_{name}": round(med(p[0] / c[0] for p, c in zip(floors, convs)), 4),
        f"cpu_ratio_to_{name}": round(med(p[1] / c[1] for p, c in zip(floors, convs)), 4),
    }  # fmt: skip


def check_rows(frm: str, source: Path, parquet_src: Path) -> None:
    """The rows floor reads the same rows the conversion does (untimed): equal to the Parquet source's."""
    import pyarrow as pa

    from symbolset.record import SCHEMA

    got = pa.Table.from_pylist(READ[frm](source), schema=SCHEMA)
    want = pa.Table.from_pylist(plain_read_parquet(parquet_src), schema=SCHEMA)
    if not got.sort_by("id").equals(want.sort_by("id")):
        raise SystemExit(f"the rows floor's {frm} reader does not read the source's rows")


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
        med = statistics.median
        for frm, to in DIRECTIONS:
            source = dirs[frm]
            files = source_files(source)
            nbytes = sum(p.stat().st_size for p in files)
            check_rows(frm, source, src)
            copies, videos, plains, convs, rows = [], [], [], [], 0
            for k in range(args.repeat):  # floors and conversion alternate, so a load that comes and goes hits all alike
                copies.append(raw_copy(files, tmp / "copy"))
                videos.append(video_only_pass(frm, to, files, src, tmp / "plain"))
                plains.append(rows_pass(frm, to, source, tmp / "plain"))
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
            pairs[f"{frm}->{to}"] = {"rows": list(zip(plains, convs)), "video_only": list(zip(videos, convs))}
            conv_s, conv_cpu, copy_s = med(c[0] for c in convs), med(c[1] for c in convs), med(copies)
            results[f"{frm}->{to}"] = {
                "samples": rows, "source_mb": round(nbytes / 1e6, 2), "seconds": round(conv_s, 3), "cpu_seconds": round(conv_cpu, 3),
                "mb_per_s": round(nbytes / conv_s / 1e6, 1), "samples_per_s": round(rows / conv_s, 1),
                "raw_copy_seconds": round(copy_s, 3), "ratio_to_raw_copy": round(med(a / c[0] for a, c in zip(copies, convs)), 4),
                **_ratios("rows_pass", plains, convs), **_ratios("video_only_pass", videos, convs),
            }  # fmt: skip
        for name, floor in (("rows_pass", "rows"), ("video_only_pass", "video_only")):
            both = list(zip(pairs["parquet->webdataset"][floor], pairs["webdataset->parquet"][floor]))  # repeat k of each direction
            results.setdefault("roundtrip parquet->webdataset->parquet", {"goal": 0.8}).update({
                "seconds": round(med(a[1][0] + b[1][0] for a, b in both), 3), "cpu_seconds": round(med(a[1][1] + b[1][1] for a, b in both), 3),
                f"{name}_seconds": round(med(a[0][0] + b[0][0] for a, b in both), 3),
                f"{name}_cpu_seconds": round(med(a[0][1] + b[0][1] for a, b in both), 3),
                f"ratio_to_{name}": round(med((a[0][0] + b[0][0]) / (a[1][0] + b[1][0]) for a, b in both), 4),
                f"cpu_ratio_to_{name}": round(med((a[0][1] + b[0][1]) / (a[1][1] + b[1][1]) for a, b in both), 4),
            })  # fmt: skip
        results["tfrecord->parquet"]["goal"] = 0.5
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
