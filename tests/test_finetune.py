"""Fine-tuning recipes and the ablation harness, end to end on CPU with tiny random models built
from configs (nothing is downloaded): data -> LoRA steps -> checkpoint -> resume -> sampling ->
SymbolBench -> table."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import accelerate  # noqa: F401
import diffusers  # noqa: F401
import numpy as np
import peft  # noqa: F401
import pytest
import torch
import yaml

from symbolset.cli import main
from symbolset.finetune import config as ftconfig
from symbolset.finetune.data import FinetuneDataset, caption_weights, fit_frames, pick_caption


@pytest.fixture(autouse=True)
def one_thread():
    """Tiny models on a shared 2-core machine: one thread avoids oversubscription (100x slower)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def tiny_models(tmp_path_factory):
    from symbolset.finetune.tiny import write_tiny

    root = tmp_path_factory.mktemp("models")
    torch.set_num_threads(1)
    return {kind: write_tiny(kind, root / kind) for kind in ("cogvideox", "wan", "sd")}


@pytest.fixture(scope="module")
def prompts(tmp_path_factory, tiny_dir):
    from symbolset.bench.prompts import build_prompts, write_prompts

    path = tmp_path_factory.mktemp("prompts") / "prompts.jsonl"
    write_prompts([p for p in build_prompts(tiny_dir, per_family=1) if p["family"] in ("clock", "lanes", "seven_segment")], path)
    return path


def _config(tmp_path: Path, kind: str, model_path: Path | None, name: str = "run", **over) -> Path:
    raw = {
        "model": {"kind": kind, "lora_rank": 4, "lora_alpha": 4, **({"pretrained": str(model_path)} if model_path else {})},
        "data": {
            "source": "tiny",
            "frames": {"cogvideox": 9, "wan": 9, "sd": 1, "scratch": 4}[kind],
            "height": 32,
            "width": 32,
            "workers": 0,
        },
        "train": {"steps": 4, "batch_size": 2, "mixed_precision": "no", "checkpoint_every": 2, "lr": 1e-3},
        "generate": {"steps": 2, "frames": 9 if kind in ("cogvideox", "wan") else 4},
        "output": str(tmp_path / name),
    }
    raw = ftconfig.deep_merge(raw, over)
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


# ------------------------------------------------------------------------------------------ config
@pytest.mark.parametrize(
    "change, message",
    [
        ({"train": {"lr": "fast"}}, "train.lr: expected a number"),
        ({"train": {"speed": 3}}, "train.speed: unknown field"),
        ({"data": {"frames": 8}}, "data.frames: cogvideox needs 4k+1 frames"),
        ({"data": {"captions": {"fr.short": 1}}}, "data.captions"),
        ({"data": {"fit": "squash"}}, "data.fit: expected one of pad, crop, stretch"),
        ({"model": {"kind": "gan"}}, "model.kind: expected one of"),
        ({"generate": {"frames": 12}}, "generate.frames: cogvideox needs 4k+1 frames"),
        ({"data": {"source": "/nonexistent/symbolset"}}, "no such dataset folder"),
        ({}, "model.pretrained: cannot load"),  # the model folder does not exist
    ],
)
def test_bad_config_is_one_line_naming_the_field(tmp_path, capsys, change, message):
    path = _config(tmp_path, "cogvideox", tmp_path / "model", **change)
    assert main(["finetune", str(path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and message in err and len(err.splitlines()) == 1, err
    assert not (tmp_path / "run").exists()


def test_kind_defaults_fill_model_sizes():
    cfg = ftconfig.from_dict({"model": {"kind": "cogvideox", "pretrained": "x"}, "output": "o"})
    assert (cfg.data.frames, cfg.data.height, cfg.data.width) == (49, 480, 720)
    assert cfg.generate.guidance == 6.0 and cfg.train.mixed_precision == "bf16"
    cfg = ftconfig.from_dict({"model": {"kind": "wan", "pretrained": "x"}, "data": {"height": 256}, "output": "o"})
    assert (cfg.data.frames, cfg.data.height, cfg.data.width) == (81, 256, 832)


# -------------------------------------------------------------------------------------------- data
def test_caption_policy_weights_and_draws():
    assert caption_weights("en.detailed") == {"en.detailed": 1.0}
    w = caption_weights({"en.*": 3, "zh.short": 1})
    assert set(w) == {"en.short", "en.detailed", "en.temporal", "zh.short"} and w["en.short"] == pytest.approx(0.25)
    caps = {lang: {g: f"{lang}-{g}" for g in ("short", "detailed", "temporal")} for lang in ("en", "zh")}
    no_temporal = caption_weights({"en.short": 1, "en.detailed": 1, "zh.temporal": 0})
    drawn = Counter(pick_caption(caps, no_temporal, 0, e, f"id{i}")[1] for i in range(200) for e in range(2))
    assert set(drawn) == {"en.short", "en.detailed"} and min(drawn.values()) > 150
    assert pick_caption(caps, w, 3, 1, "x") == pick_caption(caps, w, 3, 1, "x")  # a pure function of (seed, epoch, id)
    assert len({pick_caption(caps, w, 3, e, "x")[1] for e in range(30)}) > 1


def test_fit_pad_keeps_every_pixel_of_the_clip():
    rng = np.random.default_rng(0)
    frames = rng.integers(0, 256, size=(2, 64, 128, 3), dtype=np.uint8)
    out = fit_frames(frames, 64, 64, "pad")
    assert out.shape == (2, 64, 64, 3)
    inner = out[:, 16:48]  # the 128x64 clip scaled to 64x32, centred; the rest replicates its border
    import cv2

    assert np.array_equal(inner[0], cv2.resize(frames[0], (64, 32), interpolation=cv2.INTER_AREA))
    assert np.array_equal(out[:, 0], np.repeat(inner[:, :1], 1, axis=1)[:, 0])
    assert fit_frames(frames, 64, 64, "crop").shape == (2, 64, 64, 3) and fit_frames(frames, 32, 48, "stretch").shape == (2, 32, 48, 3)


def test_dataset_samples_fit_the_model_and_follow_the_policy():
    cfg = ftconfig.from_dict({"model": {"kind": "cogvideox", "pretrained": "x"}, "output": "o",
                              "data": {"frames": 9, "height": 32, "width": 48, "captions": {"zh.*": 1}, "families": ["clock", "lanes"]}})  # fmt: skip
    ds = FinetuneDataset(cfg.data, seed=0)
    assert len(ds) == 2
    s = ds[0]
    assert s["video"].shape == (9, 3, 32, 48) and s["video"].dtype == torch.float32
    assert -1.0 <= s["video"].min() and s["video"].max() <= 1.0
    assert s["caption_key"].startswith("zh.") and s["family"] in ("clock", "lanes")


def test_batches_do_not_depend_on_the_number_of_workers():
    from torch.utils.data import DataLoader

    from symbolset.finetune.data import collate
    from symbolset.finetune.train import EpochPermutation

    cfg = ftconfig.from_dict({"model": {"kind": "scratch"}, "output": "o", "data": {"frames": 4, "height": 32, "width": 32}})
    batches = {}
    for workers in (0, 2):
        ds = FinetuneDataset(cfg.data, seed=3)
        sampler = EpochPermutation(len(ds), 3)
        sampler.set_epoch(1)
        ds.set_epoch(1)
        batches[workers] = list(DataLoader(ds, batch_size=4, sampler=sampler, num_workers=workers, collate_fn=collate))
    for a, b in zip(batches[0], batches[2]):
        assert a["id"] == b["id"] and a["caption"] == b["caption"] and torch.equal(a["video"], b["video"])


# ------------------------------------------------------------------------------- train and resume
def _final_weights(run: Path) -> dict:
    from safetensors.torch import load_file

    files = sorted((run / "final").glob("*.safetensors"))
    assert files, f"no weights in {run / 'final'}"
    return load_file(str(files[0]))


def test_cogvideox_lora_trains_checkpoints_and_resumes_exactly(tmp_path, tiny_models, capsys):
    # 10 clips in batches of 3: epochs of 3 steps; the resume point (step 4) is inside the second epoch
    path = _config(tmp_path, "cogvideox", tiny_models["cogvideox"], **{"train": {"steps": 6, "batch_size": 3}})
    assert main(["finetune", str(path), "--quiet"]) == 0
    run = tmp_path / "run"
    log = [json.loads(x) for x in (run / "log.jsonl").read_text().splitlines()]
    assert [r["step"] for r in log] == [1, 2, 3, 4, 5, 6] and all(np.isfinite(r["loss"]) for r in log)
    assert sorted(p.name for p in (run / "checkpoints").iterdir()) == ["step-00000004", "step-00000006"]
    full = _final_weights(run)
    assert full and all("lora" in k for k in full)
    base = tiny_models["cogvideox"] / "transformer"
    assert any(v.abs().sum() > 0 for k, v in full.items() if "lora_B" in k)  # B starts at 0: training moved it

    # a finished run is reported, not redone; another config in the same folder is refused
    assert main(["finetune", str(path)]) == 0 and "already finished" in capsys.readouterr().out
    assert main(["finetune", str(path), "--steps", "8"]) == 1 and "train.steps" in capsys.readouterr().err

    # interrupt after step 4 (drop what came later), then resume: the same weights as uninterrupted
    import shutil

    shutil.rmtree(run / "final")
    shutil.rmtree(run / "checkpoints" / "step-00000006")
    (run / "checkpoints" / "step-00000006.tmp").mkdir()  # a half-written checkpoint is never used
    assert main(["finetune", str(path), "--quiet"]) == 0
    assert "resumed from step-00000004" in capsys.readouterr().out
    resumed = _final_weights(run)
    assert resumed.keys() == full.keys() and all(torch.equal(resumed[k], full[k]) for k in full)
    assert [json.loads(x) for x in (run / "log.jsonl").read_text().splitlines()] == log  # same losses too
    assert base.is_dir()


@pytest.mark.parametrize("kind", ["wan", "sd"])
def test_other_recipes_train_and_sample(tmp_path, tiny_models, prompts, kind):
    path = _config(tmp_path, kind, tiny_models[kind], **{"train": {"steps": 2}})
    assert main(["finetune", str(path), "--quiet"]) == 0
    assert _final_weights(tmp_path / "run")
    assert main(["sample", str(path), "--prompts", str(prompts), "--out", str(tmp_path / "videos"), "--quiet"]) == 0
    from symbolset import codec

    videos = sorted((tmp_path / "videos").glob("*.mp4"))
    assert len(videos) == 3
    frames = codec.decode(videos[0].read_bytes(), "v")
    assert frames.shape[1:] == (32, 32, 3) and len(frames) == (9 if kind == "wan" else 4)


# ------------------------------------------------------------------------------------------ ablation
@pytest.mark.slow  # end to end: several training runs, sampling and bench scoring
def test_ablation_end_to_end_with_base_and_two_seeds(tmp_path, tiny_models, prompts, capsys):
    ft = _config(tmp_path, "cogvideox", tiny_models["cogvideox"], name="shared", **{"train": {"steps": 2}})
    abl = tmp_path / "ablate.yaml"
    abl.write_text(yaml.safe_dump({
        "output": str(tmp_path / "abl"), "prompts": str(prompts), "finetune": str(ft), "seeds": [0, 1],
        "variants": {"full": {}, "no_temporal": {"data": {"captions": {"en.short": 1, "en.detailed": 1}}}},
        "bench": {"no_ocr": True, "ocr_frames": 2},
    }))  # fmt: skip
    assert main(["ablate", str(abl), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "base: Match" in out and "no_temporal: Match" in out
    root = tmp_path / "abl"
    data = json.loads((root / "table.json").read_text())
    assert list(data["rows"]) == ["base", "full", "no_temporal"] and data["reference"] == "base"
    full = data["rows"]["full"]
    assert full["runs"] == ["full-s0", "full-s1"] and full["videos"] == 6 and len(full["seed_match"]) == 2
    assert full["delta_match"]["lo"] <= full["delta_match"]["mean"] <= full["delta_match"]["hi"]
    # the pooled mean is the mean of the two seeds' scores, straight from bench run's files
    scores = [json.loads(x)["match"] for s in (0, 1) for x in (root / "bench" / f"full-s{s}" / "scores.jsonl").read_text().splitlines()]
    assert full["match"]["mean"] == pytest.approx(np.mean(scores))
    assert data["rows"]["base"]["delta_match"] is None
    # base and fine-tuned runs drew the same noise per prompt; fine-tuning changed the videos
    a = (root / "videos" / "base").glob("*.mp4")
    assert any((root / "videos" / "full-s0" / p.name).read_bytes() != p.read_bytes() for p in a)
    table = (root / "table.md").read_text()
    assert "| no_temporal |" in table and "bench compare" in table and (root / "ablation.png").stat().st_size > 1000
    # a second run reuses everything (resumable) and writes the same table
    before = (root / "table.json").read_text()
    assert main(["ablate", str(abl), "--quiet"]) == 0
    assert (root / "table.json").read_text() == before


@pytest.mark.slow  # end to end: several training runs, sampling and bench scoring
def test_scratch_model_learns_and_ablation_runs_without_base(tmp_path, prompts):
    ft = _config(
        tmp_path,
        "scratch",
        None,
        name="shared",
        **{"data": {"height": 32, "width": 32}, "train": {"steps": 40, "batch_size": 3, "lr": 3e-3}},
    )
    abl = tmp_path / "ablate.yaml"
    abl.write_text(yaml.safe_dump({"output": str(tmp_path / "abl"), "prompts": str(prompts), "finetune": str(ft), "seeds": [0],
                                   "variants": {"all": {}, "three": {"data": {"families": ["clock", "lanes", "seven_segment"]}}}, "bench": {"no_ocr": True}}))  # fmt: skip
    assert main(["ablate", str(abl), "--quiet"]) == 0
    data = json.loads((tmp_path / "abl" / "table.json").read_text())
    assert list(data["rows"]) == ["all", "three"] and data["reference"] == "all"
    log = [json.loads(x)["loss"] for x in (tmp_path / "abl" / "runs" / "all-s0" / "log.jsonl").read_text().splitlines()]
    assert np.mean(log[-10:]) < 0.8 * np.mean(log[:10])


def test_ablation_config_errors_name_the_variant(tmp_path, capsys, prompts):
    ft = _config(tmp_path, "scratch", None, name="shared")
    abl = tmp_path / "ablate.yaml"
    abl.write_text(yaml.safe_dump({"output": str(tmp_path / "abl"), "prompts": str(prompts), "finetune": str(ft),
                                   "variants": {"ok": {}, "broken": {"train": {"batch_size": 0}}}}))  # fmt: skip
    assert main(["ablate", str(abl)]) == 1
    err = capsys.readouterr().err
    assert "variants.broken" in err and "train.batch_size" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "abl").exists()
    abl.write_text(
        yaml.safe_dump(
            {"output": str(tmp_path / "abl"), "prompts": str(tmp_path / "nope.jsonl"), "finetune": str(ft), "variants": {"ok": {}}}
        )
    )
    assert main(["ablate", str(abl)]) == 1
    assert "nope.jsonl: cannot read prompts" in capsys.readouterr().err and not (tmp_path / "abl").exists()


def test_paired_delta_carries_the_seed_to_seed_spread():
    from symbolset.finetune.ablate import paired_delta

    prompts = [f"p{i}" for i in range(40)]
    rng = np.random.default_rng(0)
    base = {p: float(v) for p, v in zip(prompts, rng.uniform(0.2, 0.6, 40))}
    # two training seeds that disagree by 0.1 everywhere; their mean is 0.05 above the reference
    seeds = [dict(base), {p: base[p] + 0.1 for p in prompts}]
    d = paired_delta(seeds, [base])
    assert d["mean"] == pytest.approx(0.05) and d["seeds"] == [2, 1]
    assert d["lo"] <= 0.0 + 1e-12 and d["hi"] >= 0.1 - 1e-12  # resampled seeds reach both ends
    pooled_over_prompts = paired_delta([{p: (seeds[0][p] + seeds[1][p]) / 2 for p in prompts}], [base])
    assert pooled_over_prompts["hi"] - pooled_over_prompts["lo"] < 1e-9  # prompts alone see no spread at all
    one = paired_delta([{p: base[p] + 0.02 * (i % 2) for i, p in enumerate(prompts)}], [base])
    assert one["lo"] < 0.01 < one["hi"] and one["mean"] == pytest.approx(0.01)
