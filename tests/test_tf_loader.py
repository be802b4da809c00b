"""tf.data adapter: fixed signature, options, skip on corrupt video, and the three routes
(PyTorch, tf.data, HF builder / load_dataset) giving identical ids, captions and pixels on tiny/."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import datasets
import numpy as np
import pyarrow.parquet as pq
import pytest
import tensorflow as tf

from symbolset import codec, layout
from symbolset.errors import SymbolSetError
from symbolset.sampling import warn_and_continue
from symbolset.tf import to_tf_dataset


def test_signature_is_fixed_and_options_apply(tiny_dir):
    ds = to_tf_dataset(tiny_dir, "train", num_frames=4, stride=2, clip_start="start", resize=(32, 48), caption="zh.short", annotations=True)
    spec = ds.element_spec
    assert spec["video"] == tf.TensorSpec([4, 32, 48, 3], tf.uint8)
    for key in ("caption", "caption_key", "id", "family", "annotations"):
        assert spec[key] == tf.TensorSpec([], tf.string)
    assert spec["index"] == tf.TensorSpec([], tf.int64) and spec["frames"] == tf.TensorSpec([4], tf.int64)
    rows = list(layout.iter_rows(tiny_dir, "train", ["id", "captions"]))
    got = list(ds.as_numpy_iterator())
    assert [e["id"].decode() for e in got] == [r["id"] for r in rows]
    assert [e["caption"].decode() for e in got] == [r["captions"]["zh"]["short"] for r in rows]
    assert all(e["frames"].tolist() == [0, 2, 4, 6] for e in got)
    batched = to_tf_dataset(tiny_dir, "train", num_frames=2, dtype="float32", batch_size=4, families=["clock", "lanes", "chart"])
    first = next(iter(batched))
    assert first["video"].shape[1:] == (2, 128, 128, 3) and first["video"].dtype == tf.float32
    assert float(tf.reduce_max(first["video"])) <= 1.0
    with pytest.raises(SymbolSetError):
        to_tf_dataset(tiny_dir, "train", dtype="int3")


def test_epochs_shuffle_and_random_choices_are_deterministic(tiny_dir):
    def run():
        ds = to_tf_dataset(tiny_dir, "train", num_frames=3, shuffle=True, epochs=2, caption="random", seed=5)
        return [(e["id"], e["caption_key"], tuple(e["frames"])) for e in ds.as_numpy_iterator()]

    a = run()
    n = len(list(layout.iter_rows(tiny_dir, "train", ["id"])))
    assert a == run() and len(a) == 2 * n
    assert sorted(x[0] for x in a[:n]) == sorted(x[0] for x in a[n:]) and a[:n] != a[n:]


def test_corrupt_video_is_skipped_or_raises(tiny_dir, tmp_path):
    root = tmp_path / "bad"
    shutil.copytree(tiny_dir, root)
    shard = layout.shard_paths(root, "train")[0]
    table = pq.read_table(shard)
    rows = table.to_pylist()
    rows[1]["video"]["bytes"] = b"not a video" * 20
    pq.write_table(table.from_pylist(rows, schema=table.schema), shard)
    with pytest.warns(RuntimeWarning, match=rows[1]["id"]):
        ids = [e["id"].decode() for e in to_tf_dataset(root, "train", num_frames=2, handler=warn_and_continue).as_numpy_iterator()]
    assert ids == [r["id"] for i, r in enumerate(rows) if i != 1]
    with pytest.raises(tf.errors.OpError, match=rf"{rows[1]['id']} in data/train-00000"):  # TF wraps the VideoError
        list(to_tf_dataset(root, "train", num_frames=2).as_numpy_iterator())


def test_three_routes_give_identical_samples(tiny_dir, tmp_path):
    """PyTorch, tf.data, the HF builder and load_dataset(DIR): same ids, captions, pixels."""
    from symbolset.torch import SymbolVideoDataset

    spec = importlib.util.spec_from_file_location("loading_script", Path(__file__).resolve().parent.parent / "loading_script.py")
    module = sys.modules.setdefault("loading_script", importlib.util.module_from_spec(spec))
    spec.loader.exec_module(module)
    SymbolSet = module.SymbolSet
    builder = SymbolSet(config_name="tiny", cache_dir=str(tmp_path / "cache"))
    builder.download_and_prepare()
    for split in ("train", "validation", "test"):
        torch_ds = SymbolVideoDataset(tiny_dir, split, clip_start="start", layout="THWC")
        via_torch = [(s["id"], s["caption"], s["video"].numpy()) for s in torch_ds]
        via_tf = [(e["id"].decode(), e["caption"].decode(), e["video"]) for e in to_tf_dataset(tiny_dir, split, clip_start="start").as_numpy_iterator()]
        hf_routes = [builder.as_dataset(split=split), datasets.load_dataset(str(tiny_dir), split=split, cache_dir=str(tmp_path / "cache"))]
        assert len(via_torch) == len(via_tf) > 0
        for ds in hf_routes:
            rows = ds.cast_column("video", datasets.Video(decode=False))
            via_hf = [(r["id"], r["caption"], codec.decode(r["video"]["bytes"])) for r in rows]
            assert len(via_hf) == len(via_torch)
            for (i1, c1, v1), (i2, c2, v2), (i3, c3, v3) in zip(via_torch, via_tf, via_hf):
                assert i1 == i2 == i3 and c1 == c2 == c3
                assert v1.shape == v3.shape and np.array_equal(v1, v2) and np.array_equal(v1, v3)
