"""Nothing lost: --overwrite replaces only a folder the same command made, never one holding the source
or a file the command did not write; a folder being written by one run is refused to every other."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from symbolset import layout
from symbolset.cli import main
from symbolset.validate import validate_dataset

GEN = ["generate", "tiny", "--families", "text_typing,clock", "--num", "4", "--size", "64", "--frames", "4", "--quiet"]


def one_line(capsys) -> str:
    err = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]
    assert len(err) == 1 and err[0].startswith("error: "), err
    return err[0]


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def parent(tiny_dir, tmp_path) -> Path:
    """PARENT/ds (a copy of tiny/ with a review database inside) and PARENT/thesis.txt."""
    from symbolset.viewer.reviews import ReviewStore

    parent = tmp_path / "parent"
    shutil.copytree(tiny_dir, parent / "ds")
    row = next(layout.iter_rows(parent / "ds"))
    ReviewStore(parent / "ds" / "reviews.sqlite").record(row["id"], "ann", "accept", original=row["captions"])
    (parent / "thesis.txt").write_text("three years of work")
    return parent


def test_reviews_apply_never_replaces_the_folder_that_holds_the_source(parent, capsys):
    before = snapshot(parent)
    ds = parent / "ds"
    assert main(["reviews", "apply", str(ds), str(ds / "reviews.sqlite"), "--out", str(parent), "--overwrite"]) == 1
    assert "must not be the source folder" in one_line(capsys)
    assert snapshot(parent) == before


def test_convert_never_empties_the_folder_that_holds_the_source(parent, capsys):
    (parent / "manifest.json").write_text("{}")
    before = snapshot(parent)
    assert main(["convert", str(parent / "ds"), str(parent), "--to", "webdataset", "--overwrite", "--quiet"]) == 1
    assert "must not be the source folder" in one_line(capsys)
    assert snapshot(parent) == before


def test_generate_overwrite_refuses_a_folder_it_did_not_make(tmp_path, capsys):
    folder = tmp_path / "mine"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "precious.csv").write_text("a,b\n1,2\n")
    (folder / "README.md").write_text("# my notes")
    (folder / "manifest.json").write_text('{"shards": []}')
    before = snapshot(folder)
    assert main([*GEN, "--out", str(folder), "--overwrite"]) == 1
    assert "not made by a SymbolSet command (no .symbolset-output.json); refusing to delete it" in one_line(capsys)
    assert snapshot(folder) == before


def test_overwrite_refuses_a_file_the_command_did_not_write(tmp_path, capsys):
    out = tmp_path / "ds"
    assert main([*GEN, "--out", str(out)]) == 0
    (out / "data" / "precious.csv").write_text("a,b\n1,2\n")
    before = snapshot(out)
    assert main([*GEN, "--seed", "7", "--out", str(out), "--overwrite"]) == 1
    assert "holds data/precious.csv, which `symbolset generate` did not write" in one_line(capsys)
    assert snapshot(out) == before
    (out / "data" / "precious.csv").unlink()
    assert main([*GEN, "--seed", "7", "--out", str(out), "--overwrite"]) == 0
    assert layout.load_manifest(out)["config"]["seed"] == 7 and validate_dataset(out, decode=False) == []


def test_convert_overwrite_refuses_a_folder_with_just_some_manifest(tiny_dir, tmp_path, capsys):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "manifest.json").write_text("{}")
    (folder / "notes.txt").write_text("keep")
    assert main(["convert", str(tiny_dir), str(folder), "--to", "webdataset", "--overwrite", "--quiet"]) == 1
    assert "refusing to delete it" in one_line(capsys)
    assert snapshot(folder) == {"manifest.json": b"{}", "notes.txt": b"keep"}


def test_overwrite_refuses_the_output_of_another_command(tiny_dir, tmp_path, capsys):
    out = tmp_path / "ds"
    assert main([*GEN, "--out", str(out)]) == 0
    before = snapshot(out)
    assert main(["convert", str(tiny_dir), str(out), "--to", "webdataset", "--overwrite", "--quiet"]) == 1
    assert "made by `symbolset generate`, not `symbolset convert`" in one_line(capsys)
    assert snapshot(out) == before


def test_reviews_apply_overwrite_refuses_a_plain_folder(parent, tmp_path, capsys):
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "notes.txt").write_text("keep")
    ds = parent / "ds"
    assert main(["reviews", "apply", str(ds), str(ds / "reviews.sqlite"), "--out", str(plain), "--overwrite"]) == 1
    assert "refusing to delete it" in one_line(capsys)
    assert snapshot(plain) == {"notes.txt": b"keep"}
    out = tmp_path / "reviewed"
    assert main(["reviews", "apply", str(ds), str(ds / "reviews.sqlite"), "--out", str(out)]) == 0
    assert main(["reviews", "apply", str(ds), str(ds / "reviews.sqlite"), "--out", str(out), "--overwrite"]) == 0
    assert validate_dataset(out, decode=False) == []


def test_render_overwrite_replaces_only_its_own_frame_folder(tiny_dir, tmp_path, capsys):
    rid = next(layout.iter_rows(tiny_dir, columns=["id"]))["id"]
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "notes.txt").write_text("keep")
    assert main(["render", "--from", str(tiny_dir), "--id", rid, "--out", str(plain), "--overwrite"]) == 1
    assert "refusing to delete it" in one_line(capsys)
    assert snapshot(plain) == {"notes.txt": b"keep"}
    frames = tmp_path / "frames"
    assert main(["render", "--from", str(tiny_dir), "--id", rid, "--out", str(frames)]) == 0
    assert main(["render", "--from", str(tiny_dir), "--id", rid, "--out", str(frames), "--overwrite"]) == 0
    assert len(list(frames.glob("frame_*.png"))) == 12


# ------------------------------------------------------------------ one run per output folder

HOLD = """
import sys
from symbolset import layout
claim = layout.claim_output(sys.argv[1], sys.argv[2], {}, overwrite=False, owned=())
print("locked", flush=True)
sys.stdin.read()
"""


@pytest.fixture
def held(tmp_path):
    """A folder that another process is writing (it holds the output lock until the test ends)."""
    procs = []

    def hold(folder: Path, command: str) -> Path:
        argv = [sys.executable, "-c", HOLD, str(folder), command]
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        procs.append(proc)
        assert proc.stdout.readline().strip() == "locked"
        return folder

    yield hold
    for proc in procs:
        proc.stdin.close()
        proc.wait(timeout=30)


def test_a_folder_being_written_is_refused_to_every_other_run(held, parent, tiny_dir, tmp_path, capsys):
    out = held(tmp_path / "busy", "generate")
    assert main([*GEN, "--out", str(out)]) == 1
    assert "another symbolset command is writing to it" in one_line(capsys)
    assert not (out / ".symbolset-build.json").exists() and not (out / "data").exists()
    conv = held(tmp_path / "busy-conv", "convert")
    assert main(["convert", str(tiny_dir), str(conv), "--to", "webdataset", "--quiet"]) == 1
    assert "another symbolset command is writing to it" in one_line(capsys)
    assert not list(conv.glob("*.tar"))
    rev = held(tmp_path / "busy-rev", "reviews apply")
    ds = parent / "ds"
    assert main(["reviews", "apply", str(ds), str(ds / "reviews.sqlite"), "--out", str(rev)]) == 1
    assert "another symbolset command is writing to it" in one_line(capsys)
    assert not (rev / "manifest.json").exists()


def _cli(*argv) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "symbolset.cli", *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow  # two real processes racing for one folder
def test_two_generate_runs_of_different_configs_never_both_succeed(tmp_path):
    out = tmp_path / "ds"
    runs = {seed: _cli(*GEN, "--seed", str(seed), "--out", str(out)) for seed in (1, 2)}
    results = {seed: (p.wait(timeout=600), p.stderr.read()) for seed, p in runs.items()}
    winners = [seed for seed, (rc, _) in results.items() if rc == 0]
    assert len(winners) == 1, results
    loser = next(err for rc, err in results.values() if rc != 0)
    assert "Traceback" not in loser and len(loser.strip().splitlines()) == 1
    assert layout.load_manifest(out)["config"]["seed"] == winners[0]
    assert validate_dataset(out, decode=False) == []


@pytest.mark.slow  # two real processes racing for one folder
def test_two_converts_into_one_folder_end_cleanly(tiny_dir, tmp_path):
    out = tmp_path / "wds"
    runs = [_cli("convert", str(tiny_dir), str(out), "--to", "webdataset", "--quiet", "--shard-size", "4") for _ in range(2)]
    results = [(p.wait(timeout=600), p.stderr.read()) for p in runs]
    assert any(rc == 0 for rc, _ in results), results
    for rc, err in results:
        assert "Traceback" not in err
        assert rc == 0 or len(err.strip().splitlines()) == 1
    clean = tmp_path / "clean"
    assert main(["convert", str(tiny_dir), str(clean), "--to", "webdataset", "--quiet", "--shard-size", "4"]) == 0
    visible = lambda root: {k: v for k, v in snapshot(root).items() if not k.startswith(".")}  # noqa: E731
    assert visible(out) == visible(clean)


def test_reviews_apply_refuses_a_damaged_source(parent, tmp_path, capsys):
    """A damaged source must not come out of `reviews apply` with a fresh, clean manifest."""
    ds = parent / "ds"
    shard = layout.shard_paths(ds, "train")[0]
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 1
    shard.write_bytes(bytes(data))
    out = tmp_path / "reviewed"
    assert main(["reviews", "apply", str(ds), str(ds / "reviews.sqlite"), "--out", str(out)]) == 1
    assert f"{shard}: sha256 mismatch" in one_line(capsys)
    assert not out.exists()


def test_reviews_apply_refuses_a_record_that_fails_its_checksum(parent, tmp_path, capsys):
    import json

    from symbolset import codec
    from symbolset.record import to_table

    ds = parent / "ds"
    shard = layout.shard_paths(ds, "train")[0]
    rows = list(layout.iter_rows(ds, "train"))
    video = bytearray(rows[-1]["video"]["bytes"])
    video[len(video) // 2] ^= 1
    rows[-1]["video"] = {**rows[-1]["video"], "bytes": bytes(video)}
    layout.write_parquet(to_table(rows), shard)
    manifest = json.loads((ds / "manifest.json").read_text())
    for entry in manifest["shards"]:  # the shard's sha256 made to match: only the record checksum is left
        if entry["file"].endswith(shard.name):
            entry["sha256"] = codec.sha256(shard.read_bytes())
    (ds / "manifest.json").write_text(json.dumps(manifest))
    out = tmp_path / "reviewed"
    assert main(["reviews", "apply", str(ds), str(ds / "reviews.sqlite"), "--out", str(out)]) == 1
    assert f"record {rows[-1]['id']!r}: checksum mismatch" in one_line(capsys)
    assert not out.exists()
