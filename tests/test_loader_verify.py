"""verify=True: every loader checks each record against its stored checksum before decoding.
A flipped byte (in the video or the spec) is one clear error naming the record and shard, or,
with handler=warn_and_continue, a skipped and counted sample; intact records load exactly as without it."""

from __future__ import annotations

import shutil

import pyarrow.parquet as pq
import pytest

from symbolset import layout
from symbolset.errors import SymbolSetError
from symbolset.sampling import warn_and_continue


@pytest.fixture(scope="module")
def damaged(tiny_dir, tmp_path_factory):
    """tiny/ with one flipped byte in the video of train row 1 and in the spec of train row 3."""
    root = tmp_path_factory.mktemp("verify") / "ds"
    shutil.copytree(tiny_dir, root)
    shard = layout.shard_paths(root, "train")[0]
    table = pq.read_table(shard)
    rows = table.to_pylist()
    video = bytearray(rows[1]["video"]["bytes"])
    video[len(video) // 2] ^= 0x01
    rows[1]["video"]["bytes"] = bytes(video)
    rows[3]["spec"] = rows[3]["spec"].replace("1", "2", 1)
    pq.write_table(table.from_pylist(rows, schema=table.schema), shard)
    return root, [r["id"] for r in rows], {rows[1]["id"], rows[3]["id"]}


def test_torch_map_style(damaged):
    from symbolset.torch import SymbolVideoDataset, collate

    root, ids, bad = damaged
    plain = SymbolVideoDataset(root, "train", num_frames=2, clip_start="start")
    checked = SymbolVideoDataset(root, "train", num_frames=2, clip_start="start", verify=True)
    for i, sid in enumerate(ids):
        if sid in bad:
            with pytest.raises(SymbolSetError, match=rf"sample {sid} in data/train-00000-of-00001.parquet: checksum mismatch"):
                checked[i]
        else:
            assert (checked[i]["video"] == plain[i]["video"]).all()
    skipping = SymbolVideoDataset(root, "train", num_frames=2, clip_start="start", verify=True, handler=warn_and_continue)
    with pytest.warns(RuntimeWarning, match="checksum mismatch"):
        batch = collate([skipping[i] for i in range(len(ids))])
    assert batch["skipped"] == 2 and batch["id"] == [s for s in ids if s not in bad]
    assert {s["id"] for s in skipping.skipped} == bad


def test_torch_streaming(damaged):
    from symbolset.torch import SymbolVideoIterableDataset

    root, ids, bad = damaged
    ds = SymbolVideoIterableDataset(root, "train", num_frames=2, verify=True, handler=warn_and_continue)
    with pytest.warns(RuntimeWarning):
        assert [s["id"] for s in ds] == [s for s in ids if s not in bad]
    with pytest.raises(SymbolSetError, match="checksum mismatch"):
        list(SymbolVideoIterableDataset(root, "train", num_frames=2, verify=True))


def test_tf(damaged):
    import tensorflow as tf

    from symbolset.tf import to_tf_dataset

    root, ids, bad = damaged
    with pytest.warns(RuntimeWarning, match="checksum mismatch"):
        got = [e["id"].decode() for e in to_tf_dataset(root, "train", num_frames=2, verify=True, handler=warn_and_continue).as_numpy_iterator()]
    assert got == [s for s in ids if s not in bad]
    with pytest.raises(tf.errors.OpError, match=rf"sample {sorted(bad)[0]}|sample {sorted(bad)[1]}"):
        list(to_tf_dataset(root, "train", num_frames=2, verify=True).as_numpy_iterator())


def test_intact_tiny_verifies(tiny_dir):
    from symbolset.torch import SymbolVideoDataset

    ds = SymbolVideoDataset(tiny_dir, None, num_frames=1, verify=True)
    assert "checksum" in ds.reader.columns and all(ds[i] is not None for i in range(len(ds)))
