"""Readers under concurrent use: tf.data's parallel map threads, threads sharing one PyTorch
dataset, DataLoader workers and the viewer's request threads all read the same shards.

A shared ``pyarrow.parquet.ParquetFile`` read from two threads at once crashed the interpreter
(segfault), failed with "ReadRangeCache did not find matching cache entry" on an intact shard, or
hung. Here many threads read the same small row groups at once, with the row-group cache off
where a test can reach it, so reads collide in the file; every pass must give exactly the
single-threaded result (before the fix the first test segfaulted or raised within a few passes).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from symbolset import layout, sources

THREADS = 8
REPEATS = 4


@pytest.fixture(scope="module")
def many_groups(tiny_dir, tmp_path_factory) -> Path:
    """tiny's train and validation splits rewritten with four rows per row group."""
    root = tmp_path_factory.mktemp("groups") / "ds"
    (root / "data").mkdir(parents=True)
    for split in ("train", "validation"):
        table = pq.read_table(layout.shard_paths(tiny_dir, split))
        pq.write_table(table, root / "data" / f"{split}-00000-of-00001.parquet", row_group_size=4)
    return root


def test_one_row_reader_shared_by_threads(many_groups):
    src = sources.resolve(many_groups, "train")
    index = sources.Index.build(src)
    reader = sources.RowReader(src, index, ["id", "video", "captions"], cache_groups=0)  # every read goes to the file
    ref = [(reader.read(i)["id"], bytes(reader.read(i).video_bytes()), reader.read(i).caption("zh", "short")) for i in range(len(index))]
    rng = np.random.default_rng(0)
    orders = [rng.permutation(len(index)).tolist() for _ in range(THREADS * REPEATS)]

    def one(i):
        row = reader.read(i)
        return row["id"], bytes(row.video_bytes()), row.caption("zh", "short")

    with ThreadPoolExecutor(THREADS) as pool:
        for order in orders:
            assert list(pool.map(one, order)) == [ref[i] for i in order]


def test_tf_pipeline_with_parallel_calls_is_stable(many_groups):
    tf_loader = pytest.importorskip("symbolset.tf")

    def run():
        ds = tf_loader.to_tf_dataset(many_groups, "train", num_frames=3, shuffle=True, epochs=2, caption="random", seed=5,
                                     num_parallel_calls=THREADS, annotations=True)  # fmt: skip
        return [(e["id"], e["caption_key"], tuple(e["frames"]), e["video"].tobytes(), e["annotations"]) for e in ds.as_numpy_iterator()]

    ref = run()
    assert len(ref) == 2 * len(sources.Index.build(sources.resolve(many_groups, "train")))
    for _ in range(REPEATS):
        assert run() == ref


def test_torch_dataset_shared_by_threads_and_workers(many_groups):
    pytest.importorskip("torch")
    from torch.utils.data import DataLoader

    from symbolset.torch import SymbolVideoDataset, SymbolVideoIterableDataset, collate

    ds = SymbolVideoDataset(many_groups, "train", num_frames=4, caption="random", annotations=True, columns=["difficulty"], seed=2)
    ds.reader.cache_groups = 0

    def one(i):
        s = ds[i]
        return s["id"], s["caption"], s["video"].numpy().tobytes(), s["annotations"], s["difficulty"]

    ref = [one(i) for i in range(len(ds))]
    rng = np.random.default_rng(1)
    with ThreadPoolExecutor(THREADS) as pool:
        for _ in range(REPEATS):
            order = rng.permutation(len(ds)).tolist()
            assert list(pool.map(one, order)) == [ref[i] for i in order]
    loaded = [s for b in DataLoader(ds, batch_size=5, num_workers=2, collate_fn=collate) for s in b["id"]]
    assert loaded == [r[0] for r in ref]
    stream = SymbolVideoIterableDataset(many_groups, "train", num_frames=4, shuffle_buffer=4, seed=2)
    first = sorted(s for b in DataLoader(stream, batch_size=5, num_workers=2, collate_fn=collate) for s in b["id"])
    assert first == sorted(r[0] for r in ref)


def test_viewer_index_shared_by_request_threads(many_groups):
    pytest.importorskip("gradio")
    from symbolset.viewer.index import DatasetIndex

    index = DatasetIndex(many_groups)
    ref = [index.record(p)["id"] for p in range(len(index))]
    positions = list(range(len(index))) * REPEATS
    with ThreadPoolExecutor(THREADS) as pool:
        assert list(pool.map(lambda p: index.record(p)["id"], positions)) == ref * REPEATS
        videos = list(pool.map(lambda p: index.video_bytes([p])[p], positions))
    assert all(v for v in videos)
