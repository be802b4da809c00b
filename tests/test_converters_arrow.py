"""Conversions into Parquet: whole shards read as Arrow tables, and thumbnails copied when they show the same clips."""

from __future__ import annotations

import json
import shutil
import tarfile

import pytest
from test_converters import error_line, run

from symbolset import hub, layout
from symbolset.cli import main
from symbolset.converters import fields, tables, tfexample
from symbolset.converters.base import Options
from symbolset.converters.convert import make_reader
from symbolset.converters.tfrecord import frame_records, read_records
from symbolset.record import to_table


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """A small generated dataset (with its thumbnails listed) and its WebDataset and TFRecord conversions."""
    root = tmp_path_factory.mktemp("arrow")
    src = root / "parquet"
    argv = ["generate", "tiny", "--families", "clock,signage,text_typing", "--num", "9", "--size", "64", "--frames", "4", "--quiet"]
    assert main([*argv, "--out", str(src)]) == 0
    out = {"parquet": src}
    for fmt in ("webdataset", "tfrecord", "mp4"):
        out[fmt] = root / fmt
        assert main(["convert", str(src), str(out[fmt]), "--to", fmt, "--quiet"]) == 0
    return out


@pytest.mark.parametrize("fmt", ["webdataset", "tfrecord", "mp4"])
def test_whole_shards_read_as_tables_equal_the_records_read_one_by_one(fmt, folders, monkeypatch):
    reader = make_reader(fmt, folders[fmt], Options())
    slow = to_table([reader.materialize(item) for item in reader.items()])

    def no_slow_path(*_):
        raise AssertionError("a shard of our own fell back to the record-by-record path")

    monkeypatch.setattr(tables, "rows_table", no_slow_path)
    import pyarrow as pa

    fast = pa.concat_tables([reader.read_shard(p) for p in reader.shards()])
    assert fast.schema.equals(slow.schema, check_metadata=True) and fast.equals(slow)
    assert fast.to_pylist() == list(layout.iter_rows(folders["parquet"]))


def _copy(folder, dst):
    shutil.copytree(folder, dst)
    (dst / "symbolset-convert.json").unlink()  # foreign: no sha256 list, so the records themselves are read
    return dst


def test_a_sample_that_does_not_fit_falls_back_and_is_named(folders, tmp_path, capsys):
    src = _copy(folders["webdataset"], tmp_path / "wds")
    shard = sorted(src.glob("train-*.tar"))[0]
    with tarfile.open(shard) as tar:
        members = [(m.name, tar.extractfile(m).read()) for m in tar.getmembers()]
    name, data = next((n, d) for n, d in members if n.endswith(".json"))
    meta = json.loads(data)
    del meta["seed"]
    from symbolset.converters.webdataset import BLOCK, tar_member

    members = [(n, fields.dumps(meta) if n == name else d) for n, d in members]
    shard.write_bytes(b"".join(tar_member(n, d) for n, d in members) + b"\0" * (2 * BLOCK))
    rc, err = run(capsys, src, tmp_path / "out", "--to", "parquet")
    line = error_line(err)
    assert rc == 1 and shard.name in line and name.rsplit(".", 1)[0] in line and "seed" in line
    assert not (tmp_path / "out" / "manifest.json").exists()


@pytest.mark.parametrize("annotations", [b'[], "seed": 5', b'[], "extra": 5', b'[]} {"annotations": []'])
def test_a_stored_annotations_feature_that_is_not_one_json_value_is_refused(annotations, folders, tmp_path, capsys):
    """The table path splices the stored JSON into a line of its own; it must not read more into it."""
    src = _copy(folders["tfrecord"], tmp_path / "tfr")
    shard = sorted(src.glob("train-*.tfrecord"))[0]
    records = read_records(shard)
    features = tfexample.decode_example(records[0])
    features["annotations"] = ("bytes", [annotations])
    records[0] = tfexample.encode_example(features)
    shard.write_bytes(frame_records(records))
    rc, err = run(capsys, src, tmp_path / "out", "--to", "parquet")
    line = error_line(err)
    assert rc == 1 and f"{shard.name}: record 0" in line and "annotations" in line and "not valid JSON" in line


def test_a_tfrecord_example_that_does_not_fit_falls_back_and_is_named(folders, tmp_path, capsys):
    src = _copy(folders["tfrecord"], tmp_path / "tfr")
    shard = sorted(src.glob("train-*.tfrecord"))[0]
    records = read_records(shard)
    features = tfexample.decode_example(records[1])
    features["annotations"] = ("bytes", [b'[{"frame": 0, "time": 0.0, "texts": [{"box": [1, 2, 3]}]}]'])  # a box of 3 numbers
    records[1] = tfexample.encode_example(features)
    shard.write_bytes(frame_records(records))
    rc, err = run(capsys, src, tmp_path / "out", "--to", "parquet")
    line = error_line(err)
    assert rc == 1 and shard.name in line and "record" in line and "does not fit the record schema" in line
    assert not (tmp_path / "out" / "manifest.json").exists()


def test_packed_floats_of_a_length_not_a_multiple_of_4_are_one_line(folders, tmp_path, capsys):
    src = _copy(folders["tfrecord"], tmp_path / "tfr")
    shard = sorted(src.glob("train-*.tfrecord"))[0]
    records = read_records(shard)
    features = tfexample.decode_example(records[0])
    bad_entry = tfexample._field(1, tfexample._key("zz") + tfexample._field(2, tfexample._field(2, tfexample._field(1, b"\0"))))
    records[0] = tfexample._field(1, tfexample._features(features) + bad_entry)
    shard.write_bytes(frame_records(records))
    rc, err = run(capsys, src, tmp_path / "out", "--to", "parquet")
    line = error_line(err)
    assert rc == 1 and f"{shard.name}: record 0" in line and "not a multiple of 4" in line


@pytest.mark.parametrize("fmt", ["webdataset", "tfrecord", "mp4"])
def test_thumbnails_are_copied_when_they_show_the_same_clips(fmt, folders, tmp_path, capsys, monkeypatch):
    src = folders["parquet"]
    listed = layout.load_manifest(src)["thumbnails"]
    assert set(listed) == {"clock", "signage", "text_typing"}
    rendered = []
    real = hub._render_thumbnail
    monkeypatch.setattr(hub, "_render_thumbnail", lambda *a: rendered.append(a) or real(*a))
    wds = tmp_path / fmt
    assert run(capsys, src, wds, "--to", fmt)[0] == 0
    back = tmp_path / "back"
    assert run(capsys, wds, back, "--to", "parquet")[0] == 0
    assert rendered == []  # every thumbnail came along, none was drawn again
    for entry in listed.values():
        assert (back / entry["file"]).read_bytes() == (src / entry["file"]).read_bytes()
    assert layout.load_manifest(back)["thumbnails"] == listed
    # a damaged copy is not trusted: that one family is drawn again, to the same bytes
    (wds / listed["clock"]["file"]).write_bytes(b"not the thumbnail")
    again = tmp_path / "again"
    assert run(capsys, wds, again, "--to", "parquet")[0] == 0
    assert len(rendered) == 1
    for entry in listed.values():
        assert (again / entry["file"]).read_bytes() == (src / entry["file"]).read_bytes()


@pytest.mark.parametrize("fmt", ["webdataset", "tfrecord", "mp4"])
def test_the_table_path_cuts_and_writes_what_the_record_path_does(fmt, folders, tmp_path, capsys, monkeypatch):
    from symbolset.converters.parquet import ParquetWriter

    fast = tmp_path / "fast"
    assert run(capsys, folders[fmt], fast, "--to", "parquet", "--shard-bytes", "4000", "--workers", "2")[0] == 0
    monkeypatch.delattr(ParquetWriter, "encode_table")  # the record-by-record path
    slow = tmp_path / "slow"
    assert run(capsys, folders[fmt], slow, "--to", "parquet", "--shard-bytes", "4000")[0] == 0
    files = sorted(p.relative_to(slow) for p in slow.rglob("*") if p.is_file() and not p.name.startswith("."))
    assert len([f for f in files if f.suffix == ".parquet"]) > 3
    assert files == sorted(p.relative_to(fast) for p in fast.rglob("*") if p.is_file() and not p.name.startswith("."))
    for f in files:
        if f.name != "manifest.json":  # it records the conversion's options (--workers is not one, but the path differs)
            assert (fast / f).read_bytes() == (slow / f).read_bytes(), f
    assert layout.load_manifest(fast)["shards"] == layout.load_manifest(slow)["shards"]


@pytest.mark.parametrize("fmt", ["webdataset", "tfrecord", "mp4"])
def test_conversion_into_parquet_does_not_import_pandas(fmt, folders, tmp_path):
    """pyarrow imports pandas (a second or more in a fresh process) on the first ``pa.array``; a
    CLI conversion into Parquet needs none of it."""
    import subprocess
    import sys

    code = (
        "import sys; from symbolset.cli import main; rc = main(sys.argv[1:]); "
        "sys.exit(rc or 3 * ('pandas' in sys.modules))"
    )  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code, "convert", str(folders[fmt]), str(tmp_path / "out"), "--to", "parquet", "--quiet"],
                         capture_output=True, text=True)  # fmt: skip
    assert out.returncode == 0, out.stderr


def test_a_caption_that_is_not_utf8_is_named(folders, tmp_path, capsys):
    src = _copy(folders["webdataset"], tmp_path / "wds")
    shard = sorted(src.glob("train-*.tar"))[0]
    with tarfile.open(shard) as tar:
        members = [(m.name, tar.extractfile(m).read()) for m in tar.getmembers()]
    name = next(n for n, _ in members if n.endswith(".txt"))
    from symbolset.converters.webdataset import BLOCK, tar_member

    members = [(n, b"caption \xff" if n == name else d) for n, d in members]
    shard.write_bytes(b"".join(tar_member(n, d) for n, d in members) + b"\0" * (2 * BLOCK))
    rc, err = run(capsys, src, tmp_path / "out", "--to", "parquet")
    line = error_line(err)
    assert rc == 1 and shard.name in line and name.rsplit(".", 1)[0] in line and "not UTF-8" in line
