"""The HF builder (loading_script.SymbolSet): configs, features equal to the Parquet layout's, and
the same rows as the Parquet route, for tiny/, a data_dir and a per-family config."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import datasets
import pytest

from symbolset import layout
from symbolset.families import FAMILY_NAMES
from symbolset.record import FEATURES

SCRIPT = Path(__file__).resolve().parent.parent / "loading_script.py"


@pytest.fixture(scope="module")
def SymbolSet():
    """The builder class, imported from the top-level script by path (it is not a package module)."""
    spec = importlib.util.spec_from_file_location("loading_script", SCRIPT)
    module = sys.modules.setdefault("loading_script", importlib.util.module_from_spec(spec))
    spec.loader.exec_module(module)
    return module.SymbolSet


def undecoded(ds):
    return ds.cast_column("video", datasets.Video(decode=False))


def test_configs_and_features(SymbolSet, tmp_path):
    names = [c.name for c in SymbolSet.BUILDER_CONFIGS]
    assert names == ["tiny", "default", *FAMILY_NAMES]
    builder = SymbolSet(config_name="tiny", cache_dir=str(tmp_path))
    assert builder.info.features == FEATURES


def test_tiny_rows_equal_the_parquet_route(SymbolSet, tiny_dir, tmp_path):
    builder = SymbolSet(config_name="tiny", cache_dir=str(tmp_path))
    builder.download_and_prepare()
    dd = builder.as_dataset()
    assert set(dd) == {s for s in layout.SPLITS if layout.shard_paths(tiny_dir, s)}
    for split, ds in dd.items():
        assert ds.features == FEATURES
        assert list(undecoded(ds)) == list(layout.iter_rows(tiny_dir, split))
    again = SymbolSet(config_name="tiny", cache_dir=str(tmp_path))  # from the prepared cache
    again.download_and_prepare()
    assert again.as_dataset(split="train").features == FEATURES


def test_default_with_data_dir_and_family_config(SymbolSet, tiny_dir, tmp_path):
    rows = list(layout.iter_rows(tiny_dir, "train"))
    builder = SymbolSet(config_name="default", data_dir=str(tiny_dir), cache_dir=str(tmp_path))
    builder.download_and_prepare()
    assert list(undecoded(builder.as_dataset(split="train"))) == rows
    family = rows[0]["family"]
    fam = SymbolSet(config_name=family, data_dir=str(tiny_dir), cache_dir=str(tmp_path))
    fam.download_and_prepare()
    assert list(undecoded(fam.as_dataset(split="train"))) == [r for r in rows if r["family"] == family]


def test_video_bytes_survive_a_same_named_file_in_the_working_directory(SymbolSet, tiny_dir, tmp_path, monkeypatch):
    """datasets.Video would store only the path when a file of that name exists; the builder keeps the bytes."""
    first = next(layout.iter_rows(tiny_dir, "train"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / first["video"]["path"]).write_bytes(b"decoy")
    builder = SymbolSet(config_name="tiny", cache_dir=str(tmp_path / "cache"))
    builder.download_and_prepare()
    assert undecoded(builder.as_dataset(split="train"))[0]["video"] == first["video"]
