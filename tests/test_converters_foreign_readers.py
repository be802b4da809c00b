"""Converted outputs read by other people's code: the ``webdataset`` library, ``datasets`` and plain ``tf.data``.

The outputs are made by the ``symbolset`` command in a subprocess; the expected values come from
the source Parquet shards read with pyarrow. No reading code here imports symbolset.
"""

from __future__ import annotations

import glob
import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

SPLITS = ("train", "validation", "test")


def convert(src: Path, dst: Path, *args: str) -> Path:
    cmd = [sys.executable, "-m", "symbolset.cli", "convert", str(src), str(dst), "--quiet", *args]
    subprocess.run(cmd, check=True, capture_output=True)
    return dst


@pytest.fixture(scope="module")
def expected(tiny_dir) -> dict[str, dict]:
    """Source rows by id, read with pyarrow alone."""
    rows = []
    for path in sorted(glob.glob(str(tiny_dir / "data" / "*.parquet"))):
        rows += pq.read_table(path).to_pylist()
    return {r["id"]: r for r in rows}


class _Outputs(dict):
    """tiny/ converted to one format on first use, so a test (or the fast subset) converts only what it reads."""

    ARGS = {"webdataset": ("wds", "--to", "webdataset", "--shard-size", "4"), "tfrecord": ("tfr", "--to", "tfrecord", "--gzip"),
            "frames": ("seq", "--to", "tfrecord", "--frames", "png"), "mp4": ("mp4", "--to", "mp4")}  # fmt: skip

    def __init__(self, src: Path, root: Path):
        super().__init__()
        self.src, self.root = src, root

    def __missing__(self, name: str) -> Path:
        folder, *args = self.ARGS[name]
        self[name] = convert(self.src, self.root / folder, *args)
        return self[name]


@pytest.fixture(scope="module")
def outputs(tiny_dir, tmp_path_factory) -> dict[str, Path]:
    return _Outputs(tiny_dir, tmp_path_factory.mktemp("foreign"))


def check_json_fields(meta: dict, row: dict) -> None:
    """The WebDataset .json carries every field but the video bytes and the .txt caption."""
    for key, value in row.items():
        if key == "video":
            assert meta["video_path"] == value["path"]
        elif key != "caption":
            assert meta[key] == value, key


def decode_video(data: bytes) -> np.ndarray:
    import av

    with av.open(io.BytesIO(data)) as container:
        return np.stack([f.to_ndarray(format="rgb24") for f in container.decode(video=0)])


def test_webdataset_library_reads_every_field(outputs, expected):
    import webdataset as wds

    urls = sorted(str(p) for p in outputs["webdataset"].glob("*.tar"))
    seen = set()
    for sample in wds.WebDataset(urls, shardshuffle=False, empty_check=False):
        meta = json.loads(sample["json"])
        row = expected[meta["id"]]
        assert sample["__key__"] == row["id"] and "." not in sample["__key__"]
        assert sample["mp4"] == row["video"]["bytes"]
        assert sample["txt"].decode() == row["caption"]
        check_json_fields(meta, row)
        seen.add(meta["id"])
    assert seen == set(expected)


def test_datasets_webdataset_builder_reads_every_field(outputs, expected, tmp_path):
    import datasets

    files = {s: sorted(str(p) for p in outputs["webdataset"].glob(f"{s}-*.tar")) for s in SPLITS}
    dd = datasets.load_dataset("webdataset", data_files={s: f for s, f in files.items() if f}, cache_dir=str(tmp_path / "hf"))
    seen = set()
    for split, ds in dd.items():
        ds = ds.cast_column("mp4", datasets.Video(decode=False))  # keep the bytes; no torchcodec needed
        for sample in ds:
            row = expected[sample["json"]["id"]]
            assert row["split"] == split
            assert sample["mp4"]["bytes"] == row["video"]["bytes"]
            assert sample["txt"] == row["caption"]
            check_json_fields(sample["json"], row)
            seen.add(row["id"])
    assert seen == set(expected)


@pytest.mark.slow  # converts tiny once more (MP4 folder / PNG-frame TFRecord) in a subprocess
def test_datasets_videofolder_reads_the_mp4_folder(outputs, expected, tmp_path):
    import datasets

    dd = datasets.load_dataset("videofolder", data_dir=str(outputs["mp4"]), cache_dir=str(tmp_path / "hf"))
    seen = set()
    for split, ds in dd.items():
        ds = ds.cast_column("video", datasets.Video(decode=False))
        for sample in ds:
            row = expected[sample["id"]]
            assert row["split"] == split
            assert Path(sample["video"]["path"]).read_bytes() == row["video"]["bytes"]
            assert sample["caption"] == row["caption"]
            check_json_fields({**sample, "video_path": sample["video_path"]}, row)
            seen.add(row["id"])
    assert seen == set(expected)


def _tf_context_spec(tf, with_video: bool) -> dict:
    s, i, f = tf.io.FixedLenFeature([], tf.string), tf.io.FixedLenFeature([], tf.int64), tf.io.FixedLenFeature([], tf.float32)
    spec = {
        "id": s, "family": s, "split": s, "seed": i, "spec": s, "video/path": s, "codec": s, "num_frames": i, "fps": f,
        "width": i, "height": i, "caption": s, "caption_source": s, "annotations": s, "generator_version": s,
        "difficulty/level": s, "difficulty/num_elements": i, "difficulty/text_length": i, "difficulty/script": s,
        "difficulty/glyph_height_px": f, "difficulty/motion_speed": f, "difficulty/stroke_width": f,
    }  # fmt: skip
    spec.update({f"captions/{lang}/{g}": s for lang in ("en", "zh") for g in ("short", "detailed", "temporal")})
    if with_video:
        spec["video/bytes"] = s
    return spec


def _check_tf_context(ex: dict, row: dict) -> None:
    text = lambda k: ex[k].numpy().decode()  # noqa: E731
    for key in ("id", "family", "split", "spec", "codec", "caption", "caption_source", "generator_version"):
        assert text(key) == row[key], key
    for key in ("seed", "num_frames", "width", "height"):
        assert int(ex[key].numpy()) == row[key], key
    assert float(ex["fps"].numpy()) == row["fps"]
    assert text("video/path") == row["video"]["path"]
    assert json.loads(text("annotations")) == row["annotations"]
    for lang in ("en", "zh"):
        for g in ("short", "detailed", "temporal"):
            assert text(f"captions/{lang}/{g}") == row["captions"][lang][g]
    for key, value in row["difficulty"].items():
        got = ex[f"difficulty/{key}"].numpy()
        assert (got.decode() if isinstance(value, str) else got.item()) == value, key


def test_tf_data_reads_every_field_of_the_examples(outputs, expected):
    import tensorflow as tf
    files = sorted(str(p) for p in outputs["tfrecord"].glob("*.tfrecord.gz"))
    spec = _tf_context_spec(tf, with_video=True)
    seen = set()
    for record in tf.data.TFRecordDataset(files, compression_type="GZIP"):
        ex = tf.io.parse_single_example(record, spec)
        row = expected[ex["id"].numpy().decode()]
        assert ex["video/bytes"].numpy() == row["video"]["bytes"]
        _check_tf_context(ex, row)
        seen.add(row["id"])
    assert seen == set(expected)


@pytest.mark.slow  # converts tiny once more (MP4 folder / PNG-frame TFRecord) in a subprocess
def test_tf_data_reads_the_png_frame_sequences(outputs, expected):
    import tensorflow as tf
    files = sorted(str(p) for p in outputs["frames"].glob("*.tfrecord"))
    seen = set()
    for record in tf.data.TFRecordDataset(files):
        ctx, seq = tf.io.parse_single_sequence_example(
            record, context_features=_tf_context_spec(tf, with_video=False),
            sequence_features={"image/encoded": tf.io.FixedLenSequenceFeature([], tf.string)},
        )  # fmt: skip
        row = expected[ctx["id"].numpy().decode()]
        _check_tf_context(ctx, row)
        frames = np.stack([tf.io.decode_png(p, channels=3).numpy() for p in seq["image/encoded"]])
        np.testing.assert_array_equal(frames, decode_video(row["video"]["bytes"]))
        seen.add(row["id"])
    assert seen == set(expected)
