"""benchmarks/convert.py's rows floor (issue 15's "plain read + write of the same rows") carries every column.

Its plain readers must give exactly the source's rows from each converted format, and its plain
writers must write every column of them (checked by reading their output back with plain code).
"""

from __future__ import annotations

import importlib.util
import json
import tarfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from symbolset.cli import main
from symbolset.record import SCHEMA

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_convert", REPO / "benchmarks" / "convert.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def outputs(tiny_dir, tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("bench")
    out = {"parquet": tiny_dir}
    for fmt in ("webdataset", "tfrecord", "mp4"):
        out[fmt] = root / fmt
        assert main(["convert", str(tiny_dir), str(out[fmt]), "--to", fmt, "--quiet"]) == 0
    return out


def _table(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=SCHEMA).sort_by("id")


@pytest.mark.parametrize("fmt", ["parquet", "webdataset", "tfrecord", "mp4"])
def test_plain_readers_give_the_source_rows(fmt, bench, outputs, tiny_dir):
    got = bench.READ[fmt](outputs[fmt])
    assert len(got) == 30 and _table(got).equals(_table(bench.plain_read_parquet(tiny_dir)))
    bench.check_rows(fmt, outputs[fmt], tiny_dir)  # what the benchmark runs before timing


def test_check_rows_refuses_a_reader_that_drops_a_column(bench, outputs, tiny_dir, monkeypatch):
    real = bench.READ["mp4"]
    monkeypatch.setitem(bench.READ, "mp4", lambda src: [{**r, "annotations": []} for r in real(src)])
    with pytest.raises(SystemExit, match="does not read the source's rows"):
        bench.check_rows("mp4", outputs["mp4"], tiny_dir)


@pytest.mark.parametrize("fmt", ["parquet", "webdataset", "tfrecord", "mp4"])
def test_plain_writers_write_every_column(fmt, bench, tiny_dir, tmp_path):
    rows = bench.plain_read_parquet(tiny_dir)
    want = {r["id"]: r for r in rows}
    bench.WRITE[fmt](rows, tmp_path)
    if fmt == "parquet":
        assert _table(pq.read_table(tmp_path / "out.parquet").to_pylist()).equals(_table(rows))
        return
    if fmt == "webdataset":
        with tarfile.open(tmp_path / "out.tar") as tar:
            members = {m.name: tar.extractfile(m).read() for m in tar}
        back = [{**json.loads(members[f"{i:08d}.json"]), "caption": members[f"{i:08d}.txt"].decode(),
                 "video": members[f"{i:08d}.mp4"]} for i in range(len(rows))]  # fmt: skip
    elif fmt == "mp4":
        lines = [json.loads(line) for line in (tmp_path / "metadata.jsonl").read_text(encoding="utf-8").splitlines()]
        back = [{"video": (tmp_path / m.pop("file_name")).read_bytes(), **m} for m in lines]
    else:
        import tensorflow as tf

        back = []
        for data in tf.data.TFRecordDataset(str(tmp_path / "out.tfrecord")).as_numpy_iterator():
            feature = tf.train.Example.FromString(data).features.feature
            back.append({**json.loads(feature["json"].bytes_list.value[0]), "video": feature["video"].bytes_list.value[0]})
    assert len(back) == len(rows)
    for b in back:
        r = want[b["id"]]
        assert b.pop("video") == r["video"]["bytes"] and b.pop("video_path") == r["video"]["path"]
        assert b == {k: v for k, v in r.items() if k != "video"}
