"""The loaders' webdataset-style ``handler=``: called with a corrupt sample's error, True skips it,
False stops (a stream) or raises (a map-style dataset), raising propagates; ``on_error`` is a
deprecated alias. Checked with webdataset's own handlers, under DataLoader workers and tf.data."""

from __future__ import annotations

import shutil
import warnings

import pyarrow.parquet as pq
import pytest
import tensorflow as tf
import webdataset.handlers as wds
from torch.utils.data import DataLoader

from symbolset import codec, layout, sampling
from symbolset.errors import SymbolSetError
from symbolset.tf import to_tf_dataset
from symbolset.torch import SymbolVideoDataset, SymbolVideoIterableDataset, collate


@pytest.fixture(scope="module")
def corrupt(tiny_dir, tmp_path_factory):
    """A copy of tiny/ whose train shard has one row (the fourth) with broken video bytes: (root, all train ids, bad id)."""
    root = tmp_path_factory.mktemp("handler") / "bad"
    shutil.copytree(tiny_dir, root)
    shard = layout.shard_paths(root, "train")[0]
    table = pq.read_table(shard)
    rows = table.to_pylist()
    rows[3]["video"]["bytes"] = rows[3]["video"]["bytes"][:40] + b"\x00garbage" * 50
    pq.write_table(table.from_pylist(rows, schema=table.schema), shard)
    return root, [r["id"] for r in rows], rows[3]["id"]


def _stop(exc):  # module level: DataLoader workers may pickle it
    return False


def _ids(batches):
    return [i for b in batches for i in b.get("id", [])]


@pytest.mark.parametrize("handler", [wds.ignore_and_continue, sampling.warn_and_continue])
def test_a_continuing_handler_skips_the_sample_under_workers(corrupt, handler):
    root, ids, bad = corrupt
    ds = SymbolVideoDataset(root, "train", num_frames=2, handler=handler)
    batches = list(DataLoader(ds, batch_size=3, num_workers=2, collate_fn=collate))
    assert sum(b["skipped"] for b in batches) == 1 and sorted(_ids(batches)) == sorted(i for i in ids if i != bad)
    it = SymbolVideoIterableDataset(root, "train", num_frames=2, handler=handler)
    assert sorted(_ids(DataLoader(it, batch_size=3, num_workers=2, collate_fn=collate))) == sorted(i for i in ids if i != bad)


def test_ignore_and_continue_is_quiet_and_warn_and_continue_warns(corrupt):
    root, ids, bad = corrupt
    ds = SymbolVideoDataset(root, "train", num_frames=2, handler=wds.ignore_and_continue)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert [s["id"] for s in map(ds.__getitem__, range(len(ds))) if s is not None] == [i for i in ids if i != bad]
    assert [s["id"] for s in ds.skipped] == [bad]
    with pytest.warns(RuntimeWarning, match=bad):
        assert SymbolVideoDataset(root, "train", num_frames=2, handler=sampling.warn_and_continue)[3] is None


def test_reraising_handler_raises_naming_the_sample_under_workers(corrupt):
    root, _, bad = corrupt
    for handler in (wds.reraise_exception, None):
        ds = SymbolVideoDataset(root, "train", num_frames=2, handler=handler)
        with pytest.raises(codec.VideoError, match=bad):
            list(DataLoader(ds, batch_size=3, num_workers=2, collate_fn=collate))


def test_a_stopping_handler_ends_a_stream_and_raises_in_a_map(corrupt):
    root, ids, bad = corrupt
    it = SymbolVideoIterableDataset(root, "train", num_frames=2, handler=_stop)
    assert [s["id"] for s in it] == ids[:3]
    got = _ids(DataLoader(SymbolVideoIterableDataset(root, "train", num_frames=2, handler=wds.ignore_and_stop), batch_size=2, num_workers=2, collate_fn=collate))
    assert bad not in got and ids[:3] == [i for i in got if i in ids[:3]] and set(ids[5:]) <= set(got)  # worker 0 stops at the bad row, worker 1 reads its part
    with pytest.raises(codec.VideoError, match=bad):
        SymbolVideoDataset(root, "train", num_frames=2, handler=_stop)[3]


def test_on_error_still_works_but_is_deprecated(corrupt):
    root, ids, bad = corrupt
    with pytest.warns(DeprecationWarning, match="handler="):
        ds = SymbolVideoDataset(root, "train", num_frames=2, on_error="skip")
    with pytest.warns(RuntimeWarning, match=bad):
        assert sum(b["skipped"] for b in DataLoader(ds, batch_size=4, collate_fn=collate)) == 1
    with pytest.warns(DeprecationWarning):
        with pytest.raises(codec.VideoError, match=bad):
            SymbolVideoDataset(root, "train", num_frames=2, on_error="raise")[3]
    with pytest.raises(SymbolSetError, match="not both"), pytest.warns(DeprecationWarning):
        SymbolVideoDataset(root, "train", handler=wds.ignore_and_continue, on_error="skip")
    with pytest.raises(SymbolSetError, match="handler: expected a callable"):
        SymbolVideoDataset(root, "train", handler="skip")


@pytest.mark.filterwarnings("ignore:skipped:RuntimeWarning")  # on_error="skip" warns from tf.data's thread
def test_tf_handler_skips_stops_or_raises(corrupt):
    root, ids, bad = corrupt

    def run(**kw):
        return [e["id"].decode() for e in to_tf_dataset(root, "train", num_frames=2, **kw).as_numpy_iterator()]

    assert run(handler=wds.ignore_and_continue) == [i for i in ids if i != bad]
    assert run(handler=wds.ignore_and_stop) == ids[:3]
    with pytest.raises(tf.errors.OpError, match=bad):
        run(handler=wds.reraise_exception)
    with pytest.warns(DeprecationWarning):
        assert run(on_error="skip") == [i for i in ids if i != bad]
