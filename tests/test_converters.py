"""Converters: round trips through every format, determinism, sharding, resume, and bad input."""

from __future__ import annotations

import io
import json
import os
import shutil
import struct
import tarfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from symbolset import codec, layout
from symbolset.cli import main
from symbolset.converters import convert as convert_mod
from symbolset.converters import crc32c, fields, tfexample
from symbolset.converters.base import Options
from symbolset.converters.webdataset import MTIME, WebDatasetWriter
from symbolset.render import render_clip
from symbolset.spec import from_json


def rows_of(root: Path) -> list[dict]:
    return list(layout.iter_rows(root))


def run(capsys, *argv) -> tuple[int, str]:
    capsys.readouterr()
    rc = main(["convert", *map(str, argv), "--quiet"])
    return rc, capsys.readouterr().err


def error_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.fixture(scope="module")
def source(tiny_dir) -> list[dict]:
    return rows_of(tiny_dir)


@pytest.fixture(scope="module")
def converted(tiny_dir, tmp_path_factory) -> dict[str, Path]:
    """tiny/ converted once to every format (PNG frames decoded from the videos)."""
    root = tmp_path_factory.mktemp("conv")
    out = {}
    for fmt, extra in (("webdataset", []), ("tfrecord", []), ("mp4", []), ("png", [])):
        out[fmt] = root / fmt
        assert main(["convert", str(tiny_dir), str(out[fmt]), "--to", fmt, "--quiet", *extra]) == 0
    return out


# ------------------------------------------------------------------ building blocks


def test_crc32c_known_values_and_fallback_matches_reference():
    assert crc32c.crc32c(b"123456789") == 0xE3069283
    assert crc32c.crc32c(b"") == 0
    rng = np.random.default_rng(0)
    chunks = [rng.integers(0, 256, n, dtype=np.uint8).tobytes() for n in (1, 3, 4, 15, 16, 17, 100, 1000, 4097, 33333)]
    assert crc32c.crc32c_many(chunks) == [crc32c.crc32c_python(c) for c in chunks]
    # TFRecord's masking of the CRC of an empty length header, as TensorFlow writes it
    assert (
        crc32c.masked_crc32c(b"\0" * 8) == (((crc32c.crc32c(b"\0" * 8) >> 15) | (crc32c.crc32c(b"\0" * 8) << 17)) + 0xA282EAD8) & 0xFFFFFFFF
    )


def test_example_wire_format_round_trips():
    feats = {"b": ("bytes", [b"x", b"", "é".encode()]), "f": ("float", [0.5, -2.0]), "i": ("int64", [0, -1, 2**62]), "e": ("int64", [])}
    assert tfexample.decode_example(tfexample.encode_example(feats)) == feats
    ctx, lists = tfexample.decode_sequence_example(
        tfexample.encode_sequence_example({"a": ("int64", [3])}, {"fr": ("bytes", [[b"1"], [b"2"]])})
    )
    assert ctx == {"a": ("int64", [3])} and lists == {"fr": ("bytes", [[b"1"], [b"2"]])}


def test_flat_fields_round_trip(source):
    video, meta = fields.split_row(source[0])
    assert fields.unflatten(fields.flatten(meta), "x") == meta
    assert fields.join_row(meta, video, "x") == source[0]
    assert set(fields.SPEC) >= {"video/bytes", "captions/zh/temporal", "difficulty/level", "annotations", "seed"}
    bad = dict(meta)
    del bad["spec"]
    with pytest.raises(Exception, match="missing field.*spec"):
        fields.join_row(bad, video, "here")


# ------------------------------------------------------------------ round trips


@pytest.mark.parametrize("fmt", ["webdataset", "tfrecord", "mp4"])
def test_round_trip_identical_rows(fmt, converted, source, tiny_dir, tmp_path, capsys):
    back = tmp_path / "back"
    rc, err = run(capsys, converted[fmt], back, "--to", "parquet")
    assert rc == 0, err
    assert rows_of(back) == source
    assert layout.load_manifest(back)["splits"] == layout.load_manifest(tiny_dir)["splits"]
    # same shard cut as the source (its shard_size travels in the marker)
    assert [p.name for p in layout.shard_paths(back)] == [p.name for p in layout.shard_paths(tiny_dir)]


def test_png_folder_holds_the_decoded_frames_exactly(converted, source):
    for row in source[:: max(1, len(source) // 6)]:
        folder = converted["png"] / row["split"] / row["id"]
        pngs = sorted(folder.glob("frame_*.png"))
        got = np.stack([np.asarray(Image.open(p).convert("RGB")) for p in pngs])
        np.testing.assert_array_equal(got, codec.decode(row["video"]["bytes"]))
    lines = (converted["png"] / source[0]["split"] / "metadata.jsonl").read_text().splitlines()
    assert json.loads(lines[0])["frames_dir"] == source[0]["id"]


def test_png_back_to_parquet_reencodes_with_the_record_codec(converted, source, tmp_path, capsys):
    back = tmp_path / "back"
    rc, err = run(capsys, converted["png"], back, "--to", "parquet")
    assert rc == 0, err
    got = rows_of(back)
    others = lambda r: {k: v for k, v in r.items() if k not in ("video", "checksum")}  # noqa: E731
    assert [others(r) for r in got] == [others(r) for r in source]
    for row in got:  # re-encoded video, so a new checksum, and a true one
        layout.check_record(row)
    for new, old in list(zip(got, source))[:3]:
        assert new["video"]["path"] == old["video"]["path"]
        assert codec.probe(new["video"]["bytes"])["num_frames"] == old["num_frames"]
        assert codec.psnr(codec.decode(new["video"]["bytes"]), codec.decode(old["video"]["bytes"])) > 35


def test_rerendered_png_frames_are_lossless_and_reencode_to_the_original_bytes(tiny_dir, source, tmp_path, capsys):
    pngs, back = tmp_path / "png", tmp_path / "back"
    assert run(capsys, tiny_dir, pngs, "--to", "png", "--rerender")[0] == 0
    row = source[0]
    frames = np.stack([np.asarray(Image.open(p)) for p in sorted((pngs / row["split"] / row["id"]).glob("*.png"))])
    np.testing.assert_array_equal(frames, render_clip(from_json(row["spec"]))[0])
    assert run(capsys, pngs, back, "--to", "parquet", "--codec", "h264-lossless")[0] == 0
    got = rows_of(back)
    assert {r["codec"] for r in got} == {"h264-lossless"} and got[0]["video"]["path"].endswith(".mkv")
    np.testing.assert_array_equal(codec.decode(got[0]["video"]["bytes"]), frames)


def test_tfrecord_png_frames_gzip_round_trip(tiny_dir, source, tmp_path, capsys):
    tfr, back = tmp_path / "tfr", tmp_path / "back"
    assert run(capsys, tiny_dir, tfr, "--to", "tfrecord", "--frames", "png", "--gzip", "--rerender")[0] == 0
    shards = [p.name for p in tfr.iterdir() if p.name.startswith(("train", "validation", "test"))]
    assert shards and all(name.endswith(".tfrecord.gz") for name in shards)
    assert run(capsys, tfr, back, "--to", "parquet")[0] == 0
    # frames rendered from the spec, re-encoded with the record's codec: the original video again
    assert rows_of(back) == source


def test_webdataset_to_tfrecord_directly(converted, source, tmp_path, capsys):
    tfr, back = tmp_path / "tfr", tmp_path / "back"
    assert run(capsys, converted["webdataset"], tfr, "--to", "tfrecord")[0] == 0
    assert run(capsys, tfr, back, "--to", "parquet")[0] == 0
    assert rows_of(back) == source


# ------------------------------------------------------------------ WebDataset layout, determinism, sharding


def test_webdataset_members_are_deterministic_and_uniform(converted, tiny_dir, tmp_path, capsys):
    again = tmp_path / "again"
    assert run(capsys, tiny_dir, again, "--to", "webdataset")[0] == 0
    shards = sorted(converted["webdataset"].glob("*.tar"))
    for path in shards:
        assert path.read_bytes() == (again / path.name).read_bytes()
        with tarfile.open(path) as tar:
            members = tar.getmembers()
        assert all(m.mtime == MTIME and m.uid == 0 and m.gid == 0 and m.uname == "" and m.isfile() for m in members)
        keys = [m.name.split(".", 1)[0] for m in members]
        assert all("." not in k for k in keys)
        groups: dict[str, list[str]] = {}
        for m in members:
            groups.setdefault(m.name.split(".", 1)[0], []).append(m.name.split(".", 1)[1])
        assert {tuple(v) for v in groups.values()} == {("json", "mp4", "txt")}  # same members, sorted, in every sample


def test_shard_by_count_and_by_bytes(tiny_dir, source, tmp_path, capsys):
    per_split = {s: sum(r["split"] == s for r in source) for s in {r["split"] for r in source}}
    assert run(capsys, tiny_dir, tmp_path / "n", "--to", "webdataset", "--shard-size", "3")[0] == 0
    marker = json.loads((tmp_path / "n" / "symbolset-convert.json").read_text())
    for split, n in per_split.items():
        assert [e["rows"] for e in marker["files"] if e["split"] == split] == [3] * (n // 3) + ([n % 3] if n % 3 else [])
    biggest = max(len(r["video"]["bytes"]) for r in source)
    limit = 3 * (biggest + 40_000)
    assert run(capsys, tiny_dir, tmp_path / "b", "--to", "tfrecord", "--shard-bytes", str(limit))[0] == 0
    marker = json.loads((tmp_path / "b" / "symbolset-convert.json").read_text())
    assert all(e["bytes"] <= limit for e in marker["files"]) and len(marker["files"]) > len(per_split)
    assert sum(e["rows"] for e in marker["files"]) == len(source)


def test_workers_give_identical_output(tiny_dir, converted, tmp_path, capsys):
    out = tmp_path / "w"
    assert run(capsys, tiny_dir, out, "--to", "tfrecord", "--workers", "2")[0] == 0
    for path in converted["tfrecord"].glob("*.tfrecord"):
        assert path.read_bytes() == (out / path.name).read_bytes()


# ------------------------------------------------------------------ atomic outputs, resume, refusal


def interrupt_flush(monkeypatch, after: int) -> None:
    """Make the WebDataset writer's shard flush raise KeyboardInterrupt once ``after`` shards are written."""
    real_flush = WebDatasetWriter.flush
    calls = {"n": 0}

    def flaky(self, split, index, payloads):
        if calls["n"] == after:
            raise KeyboardInterrupt
        calls["n"] += 1
        real_flush(self, split, index, payloads)

    monkeypatch.setattr(WebDatasetWriter, "flush", flaky)


def test_interrupted_conversion_leaves_nothing_complete_and_resumes(tiny_dir, converted, tmp_path, capsys, monkeypatch):
    out = tmp_path / "wds"
    interrupt_flush(monkeypatch, after=1)
    rc, err = run(capsys, tiny_dir, out, "--to", "webdataset")
    assert rc == 130 and "run the same command again" in err
    assert not (out / "symbolset-convert.json").exists()  # no completion marker
    assert (out / ".symbolset-convert.json").exists()
    assert len(list(out.glob("*.tar"))) == 1  # the one finished shard; nothing half-written under a final name
    # a different command refuses the unfinished folder
    rc, err = run(capsys, tiny_dir, out, "--to", "webdataset", "--shard-size", "2")
    assert rc == 1 and "unfinished conversion" in error_line(err)
    monkeypatch.undo()
    assert run(capsys, tiny_dir, out, "--to", "webdataset")[0] == 0
    for path in converted["webdataset"].glob("*.tar"):
        assert path.read_bytes() == (out / path.name).read_bytes()
    # done: the same command is a no-op, another one refuses without --overwrite
    rc, err = run(capsys, tiny_dir, out, "--to", "webdataset")
    assert rc == 0 and "already complete" in err
    rc, err = run(capsys, tiny_dir, out, "--to", "tfrecord")
    assert rc == 1 and "--overwrite" in error_line(err)
    assert run(capsys, tiny_dir, out, "--to", "tfrecord", "--overwrite")[0] == 0
    assert not list(out.glob("*.tar")) and list(out.glob("*.tfrecord"))


def test_mp4_folder_syncs_videos_before_its_metadata_and_resume_rewrites_a_torn_video(tiny_dir, converted, tmp_path, capsys, monkeypatch):
    """Videos are renamed into place unsynced and made durable by one sync before metadata.jsonl; a
    crash before that sync can leave a torn video under its final name, which a resumed run must not keep."""
    from symbolset.converters import folders, output

    order = []
    real_sync, real_replace = output.sync_folder, os.replace
    monkeypatch.setattr(output, "sync_folder", lambda folder: order.append("sync") or real_sync(folder))
    monkeypatch.setattr(folders.os, "replace", lambda a, b: order.append(Path(b).name) or real_replace(a, b))
    monkeypatch.setattr(folders.FolderWriter, "finish", lambda self, state: (_ for _ in ()).throw(KeyboardInterrupt))
    out = tmp_path / "mp4"
    assert run(capsys, tiny_dir, out, "--to", "mp4")[0] == 130
    order = [name for name in order if name == "sync" or name.endswith((".mp4", folders.METADATA))]
    assert order.count("sync") == 1 and len(order) == 30 + 1 + 3  # 30 videos, one sync, 3 splits' metadata
    assert all(name.endswith(".mp4") for name in order[:30]) and order[30] == "sync"
    monkeypatch.undo()
    for meta in out.glob(f"*/{folders.METADATA}"):  # as if the crash came before the sync: no metadata, videos torn
        meta.unlink()
    videos = sorted(out.glob("*/*.mp4"))
    videos[0].write_bytes(videos[0].read_bytes()[:100])
    videos[-1].write_bytes(b"")
    assert run(capsys, tiny_dir, out, "--to", "mp4")[0] == 0
    for path in converted["mp4"].rglob("*"):
        if path.is_file() and path.name != "symbolset-convert.json":
            assert path.read_bytes() == (out / path.relative_to(converted["mp4"])).read_bytes(), path


def test_sync_folder_without_syncfs_fsyncs_every_file(tmp_path, monkeypatch):
    from symbolset.converters import output

    (tmp_path / "a").mkdir()
    for name in ("a/x.mp4", "y.jsonl"):
        output.write_unsynced(tmp_path / name, b"data")
    synced = []
    real = os.fsync
    monkeypatch.setattr(output, "_syncfs", lambda folder: False)
    monkeypatch.setattr(output.os, "fsync", lambda fd: synced.append(fd) or real(fd))
    output.sync_folder(tmp_path)
    assert len(synced) == 2 and output.holds(tmp_path / "a" / "x.mp4", b"data") and not output.holds(tmp_path / "y.jsonl", b"dat")


def test_shards_are_synced_once_before_the_marker_and_resume_rewrites_a_torn_shard(tiny_dir, converted, tmp_path, capsys, monkeypatch):
    from symbolset.converters import output

    out = tmp_path / "wds"
    interrupt_flush(monkeypatch, after=2)
    assert run(capsys, tiny_dir, out, "--to", "webdataset")[0] == 130
    monkeypatch.undo()
    shards = sorted(out.glob("*.tar"))
    assert len(shards) == 2
    shards[0].write_bytes(shards[0].read_bytes()[:1000])  # as a crash before the sync may leave it
    order = []
    real_sync, real_complete = output.sync_folder, output.complete
    monkeypatch.setattr(output, "sync_folder", lambda folder: order.append("sync") or real_sync(folder))
    monkeypatch.setattr(output, "complete", lambda *a, **k: order.append("marker") or real_complete(*a, **k))
    assert run(capsys, tiny_dir, out, "--to", "webdataset")[0] == 0
    assert order == ["sync", "marker"]
    for path in converted["webdataset"].glob("*.tar"):
        assert path.read_bytes() == (out / path.name).read_bytes()


def test_parquet_output_is_invisible_until_finished(converted, tmp_path, capsys, monkeypatch):
    from symbolset.converters import parquet

    out = tmp_path / "pq"
    monkeypatch.setattr(parquet.ParquetWriter, "finish", lambda self, state: (_ for _ in ()).throw(KeyboardInterrupt))
    assert run(capsys, converted["webdataset"], out, "--to", "parquet", "--shard-size", "4")[0] == 130
    assert not (out / "manifest.json").exists() and not list((out / "data").glob("*.parquet"))
    monkeypatch.undo()
    assert run(capsys, converted["webdataset"], out, "--to", "parquet", "--shard-size", "4")[0] == 0
    assert (out / "manifest.json").exists() and not (out / "data" / ".pending").exists()


def test_parquet_output_syncs_pending_shards_once_before_naming_them_and_resume_rewrites_a_torn_one(converted, tmp_path, capsys, monkeypatch):
    from symbolset.converters import output, parquet

    reference = tmp_path / "reference"
    assert run(capsys, converted["webdataset"], reference, "--to", "parquet", "--shard-size", "4")[0] == 0
    out = tmp_path / "pq"
    monkeypatch.setattr(parquet.ParquetWriter, "finish", lambda self, state: (_ for _ in ()).throw(KeyboardInterrupt))
    assert run(capsys, converted["webdataset"], out, "--to", "parquet", "--shard-size", "4")[0] == 130
    monkeypatch.undo()
    pending = sorted((out / "data" / ".pending").glob("*.parquet"))
    assert len(pending) == 9  # 30 clips in shards of 4 per split
    pending[0].write_bytes(pending[0].read_bytes()[:200])  # as a crash before the sync may leave it
    pending[1].write_bytes(b"")
    synced = []
    real_sync = output.sync_folder
    monkeypatch.setattr(output, "sync_folder", lambda folder: synced.append(sorted(p.name for p in (out / "data").rglob("*.parquet"))) or real_sync(folder))
    assert run(capsys, converted["webdataset"], out, "--to", "parquet", "--shard-size", "4")[0] == 0
    assert len(synced) == 1 and len(synced[0]) == 9 and all("-of-" not in name for name in synced[0])  # before any final name
    files = sorted(p.relative_to(reference) for p in reference.rglob("*") if p.is_file() and not p.name.startswith("."))
    assert files == sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file() and not p.name.startswith("."))
    for f in files:
        if f.suffix == ".parquet":
            assert (reference / f).read_bytes() == (out / f).read_bytes(), f


def test_refuses_unrelated_folder_even_with_overwrite(tiny_dir, tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    rc, err = run(capsys, tiny_dir, out, "--to", "webdataset")
    assert rc == 1 and "not empty" in error_line(err)
    rc, err = run(capsys, tiny_dir, out, "--to", "webdataset", "--overwrite")
    assert rc == 1 and "refusing to delete" in error_line(err)
    assert (out / "notes.txt").read_text() == "keep me"


# ------------------------------------------------------------------ bad input: one line naming the file and record


def _copy(src: Path, dst: Path, foreign: bool = False) -> Path:
    """A copy of a converted folder; ``foreign``: without its marker (no sha256 list), as shards made elsewhere."""
    import shutil

    shutil.copytree(src, dst)
    if foreign:
        (dst / "symbolset-convert.json").unlink()
    return dst


def test_truncated_tar(converted, tmp_path, capsys):
    src = _copy(converted["webdataset"], tmp_path / "src", foreign=True)
    shard = sorted(src.glob("*.tar"))[0]
    data = shard.read_bytes()
    shard.write_bytes(data[: len(data) // 2])
    rc, err = run(capsys, src, tmp_path / "out", "--to", "parquet")
    line = error_line(err)
    assert rc == 1 and shard.name in line and "sample" in line and "truncated" in line
    assert not (tmp_path / "out" / "manifest.json").exists()


def test_tar_cut_at_a_member_boundary(converted, tmp_path, capsys):
    src = _copy(converted["webdataset"], tmp_path / "src", foreign=True)
    shard = sorted(src.glob("*.tar"))[0]
    with tarfile.open(shard) as tar:
        third = tar.getmembers()[3]  # first member of the second sample
    shard.write_bytes(shard.read_bytes()[: third.offset])
    rc, err = run(capsys, src, tmp_path / "out", "--to", "parquet")
    line = error_line(err)
    assert rc == 1 and shard.name in line and "truncated" in line


def test_corrupt_tfrecord_crc(converted, tmp_path, capsys):
    src = _copy(converted["tfrecord"], tmp_path / "src", foreign=True)
    shard = sorted(src.glob("*.tfrecord"))[0]
    data = bytearray(shard.read_bytes())
    (first_len,) = struct.unpack_from("<Q", data, 0)
    data[12 + first_len + 16 + 100] ^= 0xFF  # a byte inside record 1's data
    shard.write_bytes(bytes(data))
    rc, err = run(capsys, src, tmp_path / "out", "--to", "parquet")
    line = error_line(err)
    assert rc == 1 and shard.name in line and "record 1" in line and "crc" in line


def test_truncated_tfrecord(converted, tmp_path, capsys):
    src = _copy(converted["tfrecord"], tmp_path / "src", foreign=True)
    shard = sorted(src.glob("*.tfrecord"))[0]
    shard.write_bytes(shard.read_bytes()[:-10])
    rc, err = run(capsys, src, tmp_path / "out", "--to", "parquet")
    assert rc == 1 and shard.name in error_line(err) and "truncated" in err


def test_missing_metadata(converted, tmp_path, capsys):
    src = _copy(converted["mp4"], tmp_path / "src")
    meta = sorted(src.glob("*/metadata.jsonl"))[-1]
    meta.unlink()
    rc, err = run(capsys, src, tmp_path / "out", "--to", "parquet", "--from", "mp4")
    line = error_line(err)
    assert rc == 1 and str(meta) in line and "missing" in line


def test_metadata_line_missing_a_field_and_missing_video(converted, tmp_path, capsys):
    src = _copy(converted["mp4"], tmp_path / "src")
    meta = sorted(src.glob("*/metadata.jsonl"))[0]
    lines = meta.read_text().splitlines()
    second = json.loads(lines[1])
    del second["captions"]
    meta.write_text("\n".join([lines[0], json.dumps(second), *lines[2:]]) + "\n")
    rc, err = run(capsys, src, tmp_path / "out", "--to", "parquet")
    line = error_line(err)
    assert rc == 1 and "line 2" in line and second["id"] in line and "captions" in line
    meta.write_text("\n".join(lines) + "\n")
    (meta.parent / json.loads(lines[0])["file_name"]).unlink()
    rc, err = run(capsys, src, tmp_path / "out2", "--to", "parquet")
    assert rc == 1 and "line 1" in error_line(err)


def test_formats_registry_detects_and_reads_every_format(converted, source, tiny_dir, tmp_path):
    """One registry entry per format (converters.FORMATS): convert detects and opens each through it."""
    from symbolset.converters import FORMATS
    from symbolset.converters.output import DONE

    folders = {"parquet": tiny_dir, **converted}
    assert list(FORMATS) == ["parquet", "webdataset", "tfrecord", "mp4", "png"]
    for name, fmt in FORMATS.items():
        bare = tmp_path / name
        shutil.copytree(folders[name], bare, ignore=shutil.ignore_patterns(DONE))
        assert convert_mod.detect(bare) == name  # by its files alone, without a conversion marker
        reader = fmt.open_reader(name, folders[name], Options())
        assert sum(1 for _ in reader.items()) == len(source)


def test_wrong_format(converted, tmp_path, capsys):
    rc, err = run(capsys, converted["webdataset"], tmp_path / "o", "--to", "parquet", "--from", "tfrecord")
    assert rc == 1 and "no TFRecord files" in error_line(err)
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "train-000000.tar").write_bytes(b"this is not a tar archive at all" * 40)
    rc, err = run(capsys, fake, tmp_path / "o2", "--to", "parquet")
    line = error_line(err)
    assert rc == 1 and "train-000000.tar" in line
    (fake / "train-000000.tar").unlink()
    (fake / "x.tfrecord").write_bytes(b"\x05" + b"\0" * 30)
    rc, err = run(capsys, fake, tmp_path / "o3", "--to", "parquet")
    assert rc == 1 and "x.tfrecord" in error_line(err) and "record 0" in err
    rc, err = run(capsys, tmp_path / "nowhere", tmp_path / "o4", "--to", "parquet")
    assert rc == 1 and "does not exist" in error_line(err)


def test_option_mistakes(tiny_dir, tmp_path, capsys):
    rc, err = run(capsys, tiny_dir, tmp_path / "o", "--to", "webdataset", "--gzip")
    assert rc == 1 and "--gzip" in error_line(err)
    rc, err = run(capsys, tiny_dir, tmp_path / "o", "--to", "webdataset", "--shard-bytes", "lots")
    assert rc == 1 and "--shard-bytes" in error_line(err)
    rc, err = run(capsys, tiny_dir, tiny_dir / "inside", "--to", "webdataset")
    assert rc == 1 and "source folder" in error_line(err)


def test_tar_member_helper_reads_back_with_tarfile():
    from symbolset.converters.webdataset import tar_member

    blob = tar_member("k.txt", b"hello") + b"\0" * 1024
    with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
        (m,) = tar.getmembers()
        assert tar.extractfile(m).read() == b"hello" and m.mtime == MTIME


def test_unfinished_source_is_refused(tiny_dir, tmp_path, capsys):
    src = tmp_path / "half"
    src.mkdir()
    (src / ".symbolset-convert.json").write_text("{}")
    (src / "train-000000.tar").write_bytes(b"")
    rc, err = run(capsys, src, tmp_path / "o", "--to", "parquet", "--from", "webdataset")
    assert rc == 1 and "unfinished conversion" in error_line(err)
    assert os.path.exists(src / "train-000000.tar")


def test_options_are_recorded(converted):
    marker = json.loads((converted["tfrecord"] / "symbolset-convert.json").read_text())
    assert marker["format"] == "tfrecord" and marker["options"] == Options().to_dict()
    assert marker["source_manifest"]["config"]["name"]


# ------------------------------------------------------------------ integrity: shard sha256, record checksum, source first


def test_shard_that_fails_its_sha256_is_refused_before_reading(tiny_dir, tmp_path, capsys):
    src = _copy(tiny_dir, tmp_path / "src")
    shard = layout.shard_paths(src, "train")[0]
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 1  # inside a video: the Parquet file still reads
    shard.write_bytes(bytes(data))
    out = tmp_path / "out"
    rc, err = run(capsys, src, out, "--to", "webdataset")
    line = error_line(err)
    assert rc == 1 and str(shard) in line and "sha256 mismatch" in line
    assert not out.exists()


def test_flipped_video_byte_is_caught_by_the_record_checksum(converted, source, tmp_path, capsys):
    src = _copy(converted["webdataset"], tmp_path / "src", foreign=True)  # no sha256 list: only the record checksum is left
    shard = sorted(src.glob("*.tar"))[0]
    with tarfile.open(shard) as tar:
        video = next(m for m in tar.getmembers() if m.name.endswith((".mp4", ".mkv")))
    data = bytearray(shard.read_bytes())
    data[video.offset_data + video.size // 2] ^= 1
    shard.write_bytes(bytes(data))
    out = tmp_path / "out"
    rc, err = run(capsys, src, out, "--to", "parquet")
    line = error_line(err)
    rid = json.loads(tarfile.open(shard).extractfile(video.name.rsplit(".", 1)[0] + ".json").read())["id"]
    assert rc == 1 and f"record {rid!r}: checksum mismatch" in line
    assert not (out / "manifest.json").exists()


@pytest.mark.parametrize("fmt", ["tfrecord", "mp4", "webdataset", "parquet"])
def test_missing_or_empty_source_creates_nothing(fmt, tiny_dir, tmp_path, capsys):
    out = tmp_path / "out"
    rc, err = run(capsys, tmp_path / "missing", out, "--to", "parquet" if fmt != "parquet" else "webdataset", "--from", fmt)
    assert rc == 1 and "does not exist" in error_line(err) and not out.exists()
    (tmp_path / "empty").mkdir()
    rc, err = run(capsys, tmp_path / "empty", out, "--to", "parquet" if fmt != "parquet" else "webdataset", "--from", fmt)
    assert rc == 1 and str(tmp_path / "empty") in error_line(err) and not out.exists()
    # the next correct run into the same folder is not blocked by any leftover
    assert run(capsys, tiny_dir, out, "--to", "webdataset")[0] == 0


def test_damaged_parquet_source_names_the_file(tiny_dir, tmp_path, capsys):
    src = _copy(tiny_dir, tmp_path / "src")
    (src / "manifest.json").unlink()
    shard = layout.shard_paths(src, "validation")[0]
    shard.write_bytes(b"not parquet at all")
    rc, err = run(capsys, src, tmp_path / "out", "--to", "webdataset")
    assert rc == 1 and str(shard) in error_line(err)


def test_a_url_source_or_destination_is_one_clear_line(tmp_path, capsys):
    rc, err = run(capsys, "memory://bucket/ds", tmp_path / "out", "--to", "webdataset")
    assert rc == 1 and "memory://bucket/ds: convert works on local folders" in error_line(err)
    rc, err = run(capsys, tmp_path, "s3://bucket/out", "--to", "webdataset")
    assert rc == 1 and "s3://bucket/out: convert works on local folders" in error_line(err)
