"""PyTorch loaders: sample options, determinism, workers (fork and spawn), rank/worker sharding,
corrupt videos, and every kind of source (folder, tiny, datasets.Dataset, Hub repo id offline)."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
import torch
from torch.utils.data import DataLoader

from symbolset import codec, layout, sampling, sources
from symbolset.errors import SymbolSetError
from symbolset.sampling import warn_and_continue
from symbolset.torch import SymbolVideoDataset, SymbolVideoIterableDataset, collate


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    """12 clips, two families, 64x48, 8 frames; the train split spread over 4 shards. One extra shard
    holding several row groups is added as split ``multi``, to exercise partial row-group ranges."""
    from symbolset.build import generate
    from symbolset.config import load_config

    out = tmp_path_factory.mktemp("loader") / "ds"
    cfg = load_config("tiny", name="loader", families=("text_typing", "clock"), num=12, width=64, height=48, num_frames=8, shard_size=2)
    generate(cfg, out, progress=False)
    table = pq.read_table(layout.shard_paths(out, "train") + layout.shard_paths(out, "validation"))
    pq.write_table(table, out / "data" / "multi-00000-of-00002.parquet", row_group_size=3)
    pq.write_table(table.slice(0, 5), out / "data" / "multi-00001-of-00002.parquet", row_group_size=2)
    return out


def all_ids(root, split=None) -> list[str]:
    return [r["id"] for r in layout.iter_rows(root, split, ["id"])]


def test_item_fields_layouts_and_dtypes(data):
    ds = SymbolVideoDataset(data, "train", clip_start="start")
    assert len(ds) == len(all_ids(data, "train"))
    s = ds[0]
    assert set(s) == {"video", "caption", "caption_key", "id", "family", "frames"}
    assert s["video"].shape == (8, 3, 48, 64) and s["video"].dtype == torch.uint8
    row = next(layout.iter_rows(data, "train"))
    assert s["id"] == row["id"] and s["caption"] == row["caption"] and s["family"] == row["family"]
    frames = codec.decode(row["video"]["bytes"])
    assert torch.equal(s["video"], torch.from_numpy(frames).permute(0, 3, 1, 2))
    assert SymbolVideoDataset(data, "train", layout="CTHW")[0]["video"].shape == (3, 8, 48, 64)
    assert SymbolVideoDataset(data, "train", layout="THWC")[0]["video"].shape == (8, 48, 64, 3)
    v = SymbolVideoDataset(data, "train", dtype="float32", clip_start="start")[0]["video"]
    assert v.dtype == torch.float32 and 0 <= float(v.min()) and float(v.max()) <= 1
    assert torch.allclose(v * 255, s["video"].float())
    assert SymbolVideoDataset(data, "train", transform=lambda x: {**x, "extra": 1})[0]["extra"] == 1
    with pytest.raises(IndexError):
        ds[len(ds)]


def test_frame_sampling_options(data):
    idx = lambda **kw: SymbolVideoDataset(data, "train", **kw)[0]["frames"].tolist()  # noqa: E731
    assert idx(num_frames=3, stride=2, clip_start="start") == [0, 2, 4]
    assert idx(num_frames=3, stride=2, clip_start="center") == [1, 3, 5]
    assert idx(num_frames=2, stride=3, clip_start=1) == [1, 4]
    assert idx(num_frames=4, fps=4, clip_start="start") == [0, 2, 4, 6]  # stored at 8 fps
    assert idx(stride=3, clip_start="start") == [0, 3, 6]  # as many as fit
    assert idx(num_frames=10, clip_start="start") == [0, 1, 2, 3, 4, 5, 6, 7, 7, 7]  # too short: last frame repeats
    s = SymbolVideoDataset(data, "train", num_frames=3, stride=2, clip_start="start")[0]
    full = SymbolVideoDataset(data, "train", clip_start="start")[0]["video"]
    assert torch.equal(s["video"], full[[0, 2, 4]])
    for bad in ({"num_frames": 0}, {"stride": 0}, {"fps": -1}, {"stride": 2, "fps": 4}, {"clip_start": "middle"}, {"layout": "HWC"},
                {"dtype": "int7"}, {"caption": "fr.short"}, {"caption": "en"}, {"resize": (0, 3)}, {"crop_mode": "corner"}, {"on_error": "ignore"}):  # fmt: skip
        with pytest.raises(SymbolSetError):
            SymbolVideoDataset(data, "train", **bad)


def test_random_choices_are_deterministic_per_seed_and_epoch(data):
    kw = dict(num_frames=3, crop=(24, 32), crop_mode="random", caption="random")

    def run(seed, epoch):
        ds = SymbolVideoDataset(data, "train", seed=seed, **kw)
        ds.set_epoch(epoch)
        return [(s["frames"].tolist(), s["caption_key"], s["video"].sum().item()) for s in (ds[i] for i in range(len(ds)))]

    assert run(0, 0) == run(0, 0)
    assert run(0, 0) != run(0, 1) and run(0, 0) != run(1, 0)
    keys = Counter(k for e in range(4) for _, k, _ in run(0, e))
    assert len(keys) >= 3 and all(k.split(".")[0] in ("en", "zh") for k in keys)
    row = next(layout.iter_rows(data, "train"))
    zh = SymbolVideoDataset(data, "train", caption="zh.temporal")[0]
    assert zh["caption"] == row["captions"]["zh"]["temporal"] and zh["caption_key"] == "zh.temporal"


def test_resize_crop_and_annotations_follow_the_frames(data):
    ds = SymbolVideoDataset(data, "train", families="text_typing", num_frames=4, stride=2, clip_start="start",
                            resize=96, crop=(80, 100), annotations=True, layout="THWC")  # fmt: skip
    s = ds[0]
    assert s["video"].shape == (4, 80, 100, 3)  # 48x64 -> 96x128, center crop 80x100
    row = next(r for r in layout.iter_rows(data, "train") if r["id"] == s["id"])
    notes = s["annotations"]
    assert [a["frame"] for a in notes] == [0, 1, 2, 3] and [a["source_frame"] for a in notes] == [0, 2, 4, 6]
    top, left = (96 - 80) // 2, (128 - 100) // 2
    for a in notes:
        src = row["annotations"][a["source_frame"]]
        assert a["time"] == pytest.approx(src["time"])
        assert a["pixel_transform"] == {"scale": [2.0, 2.0], "offset": [-left, -top]}
        for t, st in zip(a["texts"], src["texts"]):
            assert t["string"] == st["string"]
            assert t["box"] == pytest.approx([st["box"][0] * 2 - left, st["box"][1] * 2 - top, st["box"][2] * 2 - left, st["box"][3] * 2 - top])
        assert all(isinstance(sh["params"], dict) for sh in a["shapes"])
    assert any(a["texts"] for a in notes)


def test_only_asked_columns_are_read_and_annotations_convert_on_access(data):
    plain = SymbolVideoDataset(data, "train", num_frames=3, clip_start="start")
    assert plain.reader.columns == ["id", "family", "video", "captions", "fps"]  # no spec, no annotations
    rows = {r["id"]: r for r in layout.iter_rows(data, "train")}
    ds = SymbolVideoDataset(data, "train", num_frames=3, stride=2, clip_start="center", annotations=True, columns=["difficulty", "seed"])
    assert ds.reader.columns == ["id", "family", "video", "captions", "fps", "annotations", "difficulty", "seed"]
    for i in range(len(ds)):
        s = ds[i]
        row = rows[s["id"]]
        assert s["difficulty"] == row["difficulty"] and s["seed"] == row["seed"]
        notes = s["annotations"]
        assert isinstance(notes, sampling.Annotations) and "0 converted" in repr(notes)  # nothing converted yet
        eager = sampling.reindex_annotations(row["annotations"], s["frames"].numpy(), (1.0, 1.0), (0, 0))
        assert notes[-1] == eager[-1] and "1 converted" in repr(notes)
        assert notes == eager and list(notes) == eager and notes[1:] == eager[1:]
    from_dict = sampling.make_sample(rows[s["id"]], ds.options, where="x")  # a plain dict row gives the same sample
    assert from_dict["annotations"] == list(s["annotations"]) and np.array_equal(from_dict["video"], s["video"].numpy().transpose(0, 2, 3, 1))
    with pytest.raises(SymbolSetError, match="columns: 'caption' is already a key"):
        SymbolVideoDataset(data, "train", columns=["caption"])
    with pytest.raises(SymbolSetError, match="no column 'flavour'"):
        SymbolVideoDataset(data, "train", columns=["flavour"])[0]


def test_filters(data):
    rows = list(layout.iter_rows(data, "train", ["id", "family", "difficulty"]))
    clock = SymbolVideoDataset(data, "train", families=["clock"])
    assert len(clock) == sum(r["family"] == "clock" for r in rows)
    level = rows[0]["difficulty"]["level"]
    easy = SymbolVideoDataset(data, "train", difficulty={"level": level})
    assert len(easy) == sum(r["difficulty"]["level"] == level for r in rows) and all(
        r["difficulty"]["level"] == level for r in rows if r["id"] in {easy[i]["id"] for i in range(len(easy))}
    )
    assert len(SymbolVideoDataset(data, "train", difficulty=lambda d: d["num_elements"] >= 0)) == len(rows)
    assert len(SymbolVideoDataset(data, "train", difficulty={"level": ["easy", "medium", "hard"]})) == len(rows)
    with pytest.raises(SymbolSetError, match="unknown family"):
        SymbolVideoDataset(data, "train", families="cats")
    with pytest.raises(SymbolSetError, match="unknown label"):
        SymbolVideoDataset(data, "train", difficulty={"colour": 1})


def _pass(loader) -> list[tuple[str, int]]:
    return [(i, int(v.sum())) for b in loader for i, v in zip(b["id"], b["video"])]


def test_dataloader_workers_fork_and_spawn_match_single_process(data):
    ref = _pass(DataLoader(SymbolVideoDataset(data, "train", num_frames=4, caption="random", seed=3), batch_size=3, collate_fn=collate))
    ds = SymbolVideoDataset(data, "train", num_frames=4, caption="random", seed=3)
    assert len(ref) == len(ds)
    assert _pass(DataLoader(ds, batch_size=3, num_workers=2, collate_fn=collate)) == ref
    spawn = DataLoader(ds, batch_size=3, num_workers=1, collate_fn=collate, multiprocessing_context="spawn")
    assert _pass(spawn) == ref
    assert ds.reader.shards._files == {}  # the main process never opened a shard for the workers


@pytest.mark.filterwarnings("ignore:This DataLoader will create")
@pytest.mark.parametrize("world_size", [1, 2])
@pytest.mark.parametrize("workers", [1, 2, 3])
def test_streaming_yields_every_sample_once_across_workers_and_ranks(data, workers, world_size):
    expected = Counter(all_ids(data, "multi"))
    for shuffle in (0, 4):
        seen: Counter = Counter()
        per_rank = []
        for rank in range(world_size):
            ds = SymbolVideoIterableDataset(data, "multi", num_frames=2, rank=rank, world_size=world_size, shuffle_buffer=shuffle)
            ds.set_epoch(1)
            got = [s["id"] for s in DataLoader(ds, batch_size=None, num_workers=workers)]
            per_rank.append(len(got))
            seen.update(got)
        assert seen == expected, (workers, world_size, shuffle)
        assert max(per_rank) - min(per_rank) <= 1


def test_streaming_order_partitions_and_shuffle(data):
    plain = SymbolVideoIterableDataset(data, "multi", num_frames=2)
    ids = [s["id"] for s in plain]
    assert ids == all_ids(data, "multi")  # no shuffle: storage order
    shuffled = SymbolVideoIterableDataset(data, "multi", num_frames=2, shuffle_buffer=5, seed=1)
    first = [s["id"] for s in shuffled]
    assert sorted(first) == sorted(ids) and first != ids
    assert [s["id"] for s in shuffled] == first  # same epoch, same order
    shuffled.set_epoch(1)
    assert [s["id"] for s in shuffled] != first
    parts = [list(sources.partition(10, p, 3)) for p in range(3)]
    assert parts == [[0, 1, 2], [3, 4, 5], [6, 7, 8, 9]]
    with pytest.raises(SymbolSetError):
        SymbolVideoIterableDataset(data, "multi", rank=2, world_size=2)


def test_streaming_rank_defaults_to_torch_distributed(data, monkeypatch):
    monkeypatch.setattr(torch.distributed, "is_initialized", lambda: True)
    monkeypatch.setattr(torch.distributed, "get_rank", lambda: 1)
    monkeypatch.setattr(torch.distributed, "get_world_size", lambda: 2)
    second = SymbolVideoIterableDataset(data, "multi", num_frames=1)
    assert (second.rank, second.world_size) == (1, 2)
    first = SymbolVideoIterableDataset(data, "multi", num_frames=1, rank=0, world_size=2)
    assert [s["id"] for s in first] + [s["id"] for s in second] == all_ids(data, "multi")


@pytest.fixture()
def corrupt(data, tmp_path) -> tuple[Path, str, str]:
    """A copy of ``data`` whose second train row has broken video bytes: (root, bad id, its shard)."""
    root = tmp_path / "bad"
    shutil.copytree(data, root)
    shard = layout.shard_paths(root, "train")[1]
    rows = pq.read_table(shard).to_pylist()
    rows[0]["video"]["bytes"] = rows[0]["video"]["bytes"][:40] + b"\x00garbage" * 50
    pq.write_table(pq.read_table(shard).from_pylist(rows, schema=pq.read_schema(shard)), shard)
    return root, rows[0]["id"], shard.name


def test_corrupt_video_raises_naming_sample_and_shard(corrupt):
    root, bad, shard = corrupt
    ds = SymbolVideoDataset(root, "train")
    i = [ds.reader.read(k)["id"] for k in range(len(ds))].index(bad)
    with pytest.raises(codec.VideoError) as err:
        ds[i]
    assert bad in str(err.value) and shard in str(err.value)
    with pytest.raises(codec.VideoError, match=bad):
        list(SymbolVideoIterableDataset(root, "train"))


def test_corrupt_video_skipped_and_counted(corrupt):
    root, bad, _ = corrupt
    n = len(all_ids(root, "train"))
    ds = SymbolVideoDataset(root, "train", handler=warn_and_continue)
    with pytest.warns(RuntimeWarning, match=bad):
        batches = list(DataLoader(ds, batch_size=4, collate_fn=collate))
    assert sum(b["skipped"] for b in batches) == 1 and sum(len(b.get("id", [])) for b in batches) == n - 1
    assert [s["id"] for s in ds.skipped] == [bad]
    assert sum(b["skipped"] for b in DataLoader(ds, batch_size=4, num_workers=2, collate_fn=collate)) == 1
    it = SymbolVideoIterableDataset(root, "train", handler=warn_and_continue)
    with pytest.warns(RuntimeWarning):
        got = [s["id"] for s in it]
    assert len(got) == n - 1 and bad not in got and len(it.skipped) == 1


def test_sources_tiny_dataset_object_and_errors(data, tiny_dir, tmp_path):
    import datasets

    tiny = SymbolVideoDataset("tiny", "validation", clip_start="start")
    assert len(tiny) == len(all_ids(tiny_dir, "validation"))
    hf = datasets.load_dataset(str(data), split="train", cache_dir=str(tmp_path / "cache"))
    from_hf = SymbolVideoDataset(hf, clip_start="start", families="clock")
    from_dir = SymbolVideoDataset(data, "train", clip_start="start", families="clock")
    assert len(from_hf) == len(from_dir) > 0
    for a, b in zip(from_hf, from_dir):
        assert a["id"] == b["id"] and a["caption"] == b["caption"] and torch.equal(a["video"], b["video"])
    with pytest.raises(SymbolSetError, match="no such dataset folder"):
        SymbolVideoDataset("/nonexistent/folder")
    with pytest.raises(SymbolSetError, match="no shards"):
        SymbolVideoDataset(data, "nosuchsplit")
    with pytest.raises(SymbolSetError, match="unsupported source"):
        SymbolVideoDataset(42)


def test_hub_repo_id_resolves_offline_from_the_cache(data, tmp_path, monkeypatch):
    from huggingface_hub import constants

    commit = "0" * 40
    repo = tmp_path / "hub" / "datasets--gpnu--symbolset"
    snap = repo / "snapshots" / commit
    shutil.copytree(data, snap, ignore=shutil.ignore_patterns("thumbnails"))
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    ds = SymbolVideoDataset("gpnu/symbolset", "train", cache_dir=str(tmp_path / "hub"))
    assert [ds[i]["id"] for i in range(len(ds))] == all_ids(data, "train")
    with pytest.raises(SymbolSetError, match="not in the local Hugging Face cache"):
        SymbolVideoDataset("gpnu/other", "train", cache_dir=str(tmp_path / "hub"))


def test_collate_stacks_and_lists():
    a = {"video": torch.zeros(2, 3, 4, 4), "frames": torch.arange(2), "id": "a"}
    b = {"video": torch.ones(2, 3, 4, 4), "frames": torch.arange(2), "id": "b"}
    out = collate([a, None, b])
    assert out["video"].shape == (2, 2, 3, 4, 4) and out["id"] == ["a", "b"] and out["skipped"] == 1
    c = {"video": torch.ones(3, 3, 4, 4), "frames": torch.arange(3), "id": "c"}
    assert isinstance(collate([a, c])["video"], list)
    assert collate([None]) == {"skipped": 1}
    assert np.array_equal(collate([a, b])["frames"].numpy(), [[0, 1], [0, 1]])
