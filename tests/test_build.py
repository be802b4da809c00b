"""Generation: deterministic whatever the workers, resumable after a kill, safe with existing output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from symbolset import codec, layout
from symbolset.build import generate, plan, sample_seed
from symbolset.cli import main
from symbolset.config import load_config
from symbolset.errors import SymbolSetError
from symbolset.record import make_record, to_table
from symbolset.validate import validate_dataset

FAMS = ("text_typing",)


def _cfg(**kw):
    base = {"families": FAMS, "num": 12, "width": 64, "height": 64, "num_frames": 6, "shard_size": 3}
    return load_config("tiny", **{**base, **kw})


def _shard_bytes(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in layout.shard_paths(root)}


def test_same_config_same_bytes_whatever_the_workers(tmp_path):
    cfg = _cfg()
    generate(cfg, tmp_path / "w1", workers=1, progress=False)
    generate(cfg, tmp_path / "w2", workers=2, progress=False)
    one, two = _shard_bytes(tmp_path / "w1"), _shard_bytes(tmp_path / "w2")
    assert one and one == two
    assert (tmp_path / "w1" / "manifest.json").read_text() == (tmp_path / "w2" / "manifest.json").read_text()
    assert (tmp_path / "w1" / "README.md").read_text() == (tmp_path / "w2" / "README.md").read_text()
    assert validate_dataset(tmp_path / "w1") == []


def test_one_sample_alone_equals_that_sample_in_the_dataset(tmp_path):
    cfg = _cfg(num=10)
    out = generate(cfg, tmp_path / "ds", progress=False) and tmp_path / "ds"
    task = plan(cfg)[7]
    alone = to_table([make_record(task, cfg.params(task["family"]))]).to_pylist()[0]  # as stored (float32 etc.)
    assert alone == layout.find_record(out, task["id"])


def test_seeds_are_derived_not_consecutive():
    seeds = [sample_seed(0, "text_typing", k) for k in range(4)]
    assert len(set(seeds)) == 4 and all(b - a != 1 for a, b in zip(seeds, seeds[1:]))
    assert sample_seed(0, "text_typing", 3) != sample_seed(0, "clock", 3) != sample_seed(1, "text_typing", 3)


@pytest.mark.parametrize("kw", [{"num": 200}, {"num": 7}, {"num": 60, "composite": 0.5, "families": "clock,lanes"},
                                {"num": 9, "composite": 0.2, "families": "clock,lanes"}, {"num": 4, "families": "composite,clock"}])  # fmt: skip
def test_check_config_samples_each_familys_first_plan_sample_without_making_the_plan(monkeypatch, kw):
    # The seeds of a whole plan cost ~50 us a sample: a check of the options needs only each family's first.
    from symbolset import planning

    cfg = load_config("default", **kw)
    expected = {}
    for t in plan(cfg):
        expected.setdefault(t["family"], (t["family"], t["seed"]))
    sampled = []
    monkeypatch.setattr(planning, "sample_spec", lambda fam, seed, params: sampled.append((fam, seed)))
    monkeypatch.setattr(planning, "plan", lambda cfg: pytest.fail("check_config made the whole plan"))
    planning.check_config(cfg)
    assert sampled == list(expected.values())


def test_every_family_with_two_clips_has_test_and_validation():
    splits = {(t["family"], t["split"]) for t in plan(load_config("tiny"))}
    for fam in load_config("tiny").families:
        assert {(fam, "test"), (fam, "validation"), (fam, "train")} <= splits


def test_resume_after_kill_loses_and_duplicates_nothing(tmp_path):
    cfg_args = ["tiny", "--families", "text_typing", "--num", "40", "--size", "64", "--frames", "6", "--shard-size", "2", "--quiet"]
    clean = tmp_path / "clean"
    assert main(["generate", *cfg_args, "--out", str(clean)]) == 0
    out = tmp_path / "killed"
    # The process dies abruptly (os._exit: no cleanup, as under SIGKILL) right after its third shard.
    env = {**os.environ, "SYMBOLSET_TEST_DIE_AFTER_SHARDS": "3"}
    assert subprocess.run([sys.executable, "-m", "symbolset.cli", "generate", *cfg_args, "--out", str(out)], env=env).returncode == 137
    assert len(list((out / "data").glob("*.parquet"))) == 3 < len(layout.load_manifest(clean)["shards"])
    assert not (out / "manifest.json").exists()  # nothing that looks complete
    assert main(["generate", *cfg_args, "--out", str(out)]) == 0
    assert _shard_bytes(out) == _shard_bytes(clean)
    assert not list((out / "data").glob(".*tmp*"))
    assert validate_dataset(out) == []


def test_existing_output_is_never_overwritten_silently(tmp_path, capsys):
    out = tmp_path / "ds"
    args = ["generate", "tiny", "--families", "text_typing", "--num", "3", "--size", "64", "--frames", "4", "--quiet", "--out", str(out)]
    assert main(args) == 0
    before = _shard_bytes(out)
    assert main(args) == 0  # same config, finished: nothing to do
    assert "already complete" in capsys.readouterr().err
    assert main([*args[:-2], "--seed", "7", "--out", str(out)]) == 1
    assert "pass --overwrite" in capsys.readouterr().err
    assert _shard_bytes(out) == before
    assert main([*args[:-2], "--seed", "7", "--overwrite", "--out", str(out)]) == 0
    assert _shard_bytes(out) != before
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    assert main([*args[:-2], "--out", str(other)]) == 1
    assert (other / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--families", "text_typing,unicorns"], "unknown family 'unicorns'"),
        (["--size", "63x64"], "width: must be even"),
        (["--num", "0"], "num: expected an integer"),
        (["--codec", "divx"], "codec: expected one of"),
        (["--size", "big"], "--size: expected WIDTHxHEIGHT"),
    ],
)
def test_bad_config_is_one_line_and_nonzero(tmp_path, capsys, extra, message):
    assert main(["generate", "--out", str(tmp_path / "x"), "--quiet", "--families", "text_typing", *extra]) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "x").exists()


def test_bad_family_option_fails_before_the_output_is_created(tmp_path, capsys):
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text("families: [text_typing, signage]\nnum: 4\noptions:\n  signage:\n    vertical: 2\n")
    assert main(["generate", str(cfg), "--quiet", "--out", str(tmp_path / "x")]) == 1
    err = capsys.readouterr().err
    assert "options.signage.vertical" in err and err.count("\n") == 1
    assert not (tmp_path / "x").exists()


def test_bad_yaml_config_and_unwritable_output(tmp_path, capsys):
    bad = tmp_path / "cfg.yaml"
    bad.write_text("num: [1, 2\n")
    assert main(["generate", str(bad), "--out", str(tmp_path / "x")]) == 1
    assert f"{bad}: not valid YAML" in capsys.readouterr().err
    bad.write_text("num: 4\nflavour: mint\n")
    assert main(["generate", str(bad), "--out", str(tmp_path / "x")]) == 1
    assert "unknown field 'flavour'" in capsys.readouterr().err
    good = tmp_path / "ok.yaml"
    good.write_text("families: [text_typing]\nnum: 2\nwidth: 64\nheight: 64\nnum_frames: 4\n")
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["generate", str(good), "--quiet", "--out", str(blocker / "ds")]) == 1
    assert "cannot write" in capsys.readouterr().err


def test_validate_reports_damage(tmp_path, capsys):
    out = tmp_path / "ds"
    generate(_cfg(num=4, shard_size=4), out, progress=False)
    assert main(["validate", str(out)]) == 0
    shard = layout.shard_paths(out, "train")[0]
    table = pq.read_table(shard)
    rows = table.to_pylist()
    rows[0]["video"]["bytes"] = rows[0]["video"]["bytes"][:200]  # truncated video
    from symbolset.layout import write_parquet

    write_parquet(to_table(rows), shard)
    assert main(["validate", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{shard}: sha256 mismatch" in err
    manifest = json.loads((out / "manifest.json").read_text())
    for e in manifest["shards"]:
        if e["file"].endswith(shard.name):
            e["sha256"] = codec.sha256(shard.read_bytes())
    (out / "manifest.json").write_text(json.dumps(manifest))
    assert main(["validate", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"record {rows[0]['id']}: cannot decode video" in err or f"record {rows[0]['id']}: video decodes to" in err
    # A flipped byte that still decodes (and the shard's sha256 rewritten to match): the record checksum catches it.
    rows = pq.read_table(shard).to_pylist()
    video = bytearray(rows[1]["video"]["bytes"])
    video[len(video) // 2] ^= 1
    rows[1]["video"] = {**rows[1]["video"], "bytes": bytes(video)}
    write_parquet(to_table(rows), shard)
    for e in manifest["shards"]:
        if e["file"].endswith(shard.name):
            e["sha256"] = codec.sha256(shard.read_bytes())
    (out / "manifest.json").write_text(json.dumps(manifest))
    assert main(["validate", str(out)]) == 1
    assert f"record {rows[1]['id']}: checksum mismatch" in capsys.readouterr().err
    os.remove(out / "manifest.json")
    assert main(["validate", str(out)]) == 1
    assert "manifest.json: missing" in capsys.readouterr().err


def test_render_reproduces_the_stored_video(tmp_path, capsys):
    out = tmp_path / "ds"
    generate(_cfg(num=3), out, progress=False)
    row = next(layout.iter_rows(out))
    clip = tmp_path / "clip.mp4"
    assert main(["render", "--from", str(out), "--id", row["id"], "--out", str(clip)]) == 0
    assert "identical to the stored video" in capsys.readouterr().out
    assert clip.read_bytes() == row["video"]["bytes"]
    assert main(["render", "--from", str(out), "--id", row["id"], "--out", str(clip)]) == 1
    assert "already exists" in capsys.readouterr().err
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(row["spec"])
    assert main(["render", "--spec", str(spec_file), "--out", str(tmp_path / "frames")]) == 0
    pngs = sorted((tmp_path / "frames").glob("frame_*.png"))
    assert len(pngs) == row["num_frames"]
    lossless = tmp_path / "clip.mkv"
    assert main(["render", "--spec", str(spec_file), "--out", str(lossless)]) == 0
    import numpy as np
    from PIL import Image

    frames = codec.decode(lossless.read_bytes())
    assert np.array_equal(frames[0], np.asarray(Image.open(pngs[0]).convert("RGB")))
    spec_file.write_text('{"version": 1}')
    assert main(["render", "--spec", str(spec_file), "--out", str(tmp_path / "x.mp4")]) == 1
    assert f"{spec_file}: width: missing" in capsys.readouterr().err
    assert main(["render", "--from", str(out), "--id", "nope", "--out", str(tmp_path / "y.mp4")]) == 1
    assert "no record with id 'nope'" in capsys.readouterr().err
    assert not (tmp_path / "x.mp4").exists() and not (tmp_path / "y.mp4").exists()


def test_unknown_config_name(capsys, tmp_path):
    with pytest.raises(SymbolSetError, match="no such config"):
        load_config("enormous")


def test_schema_is_the_hf_features_schema_and_generation_and_conversion_never_import_datasets(tmp_path):
    # The Arrow schema (with its HF metadata) is built by pyarrow alone; it must be exactly what
    # `datasets` derives from the features, or load_dataset would read the shards differently.
    import datasets  # noqa: F401  (imported here, in the test process only)

    from symbolset import record

    assert record.FEATURES.arrow_schema.equals(record.SCHEMA, check_metadata=True)
    assert tuple(record.FEATURES) == record.COLUMNS
    ds, wds, back = (str(tmp_path / name) for name in ("ds", "wds", "back"))
    code = (
        "import sys; from symbolset.cli import main; "
        f"main(['generate', 'tiny', '--num', '3', '--quiet', '--out', {ds!r}]); "
        f"main(['convert', {ds!r}, {wds!r}, '--to', 'webdataset', '--quiet']); "
        f"main(['convert', {wds!r}, {back!r}, '--to', 'parquet', '--quiet']); "
        "print('datasets' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split()[-1] == "False"
