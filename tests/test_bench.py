"""SymbolBench end to end on the tiny split: prompts, run, compare, validate, and the metric paths
(OCR, FVD with a tiny TorchScript model, CLIPSIM with a tiny random CLIP)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from symbolset import codec
from symbolset.bench import reference
from symbolset.bench.corruptions import corrupt
from symbolset.bench.metrics import fvd, ocr
from symbolset.bench.score import Scorer
from symbolset.cli import main
from symbolset.layout import iter_rows
from symbolset.render import render_clip


def _text_rows(root):
    rows = [r for r in iter_rows(root) if any(t["texts"] for t in r["annotations"])]
    return sorted(rows, key=lambda r: -len(r["annotations"][-1]["texts"][0]["string"]))


@pytest.fixture(scope="module")
def bench_run(tiny_dir, tmp_path_factory):
    """Prompts from tiny's test split, the stored videos as <id>.mp4 and a rescaled re-render as
    <id>-1.mp4, and one run with a tiny TorchScript I3D for FVD."""
    import torch
    root = tmp_path_factory.mktemp("bench")
    assert main(["bench", "prompts", str(tiny_dir), "--out", str(root / "prompts.jsonl")]) == 0
    prompts = [json.loads(line) for line in (root / "prompts.jsonl").read_text().splitlines()]
    videos = root / "videos"
    videos.mkdir()
    rows = {r["id"]: r for r in iter_rows(tiny_dir, "test")}
    for p in prompts:
        (videos / f"{p['id']}.mp4").write_bytes(rows[p["id"]]["video"]["bytes"])
        spec = reference.scale_spec(p["spec"], p["spec"]["width"] * 3 // 2, p["spec"]["height"] * 3 // 2, p["spec"]["num_frames"] + 4)
        (videos / f"{p['id']}-1.mp4").write_bytes(codec.encode(render_clip(spec)[0], spec["fps"]))

    class TinyI3D(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = torch.nn.Conv3d(3, 6, kernel_size=3, stride=2)

        def forward(self, x):
            return torch.relu(self.conv(x)).mean(dim=(2, 3, 4))

    torch.manual_seed(0)
    i3d = root / "i3d.pt"
    torch.jit.script(TinyI3D()).save(str(i3d))
    out = root / "run"
    args = ["bench", "run", "--prompts", str(root / "prompts.jsonl"), "--videos", str(videos), "--out", str(out), "--quiet",
            "--ocr-frames", "3", "--i3d", str(i3d), "--fvd-frames", "4", "--fvd-size", "32"]  # fmt: skip
    assert main(args) == 0
    return {"root": root, "prompts": prompts, "out": out, "videos": videos}


@pytest.mark.slow  # end to end: bench prompts + run (OCR, FVD) over tiny's test split
def test_prompts_rows(bench_run):
    p = bench_run["prompts"][0]
    assert {"id", "family", "difficulty", "caption", "expected", "spec"} <= set(p)
    assert set(p["caption"]) == {"en", "zh"}
    assert p["expected"]["timeline"]


@pytest.mark.slow  # end to end: bench prompts + run (OCR, FVD) over tiny's test split
def test_reference_match_reaches_the_goal(bench_run):
    rows = [json.loads(line) for line in (bench_run["out"] / "scores.jsonl").read_text().splitlines()]
    # The goal is on the mean; OCR reads formulas least well, so single clips may sit lower.
    assert np.mean([r["match"] for r in rows]) >= 0.95 and min(r["match"] for r in rows) >= 0.8


@pytest.mark.slow  # end to end: bench prompts + run (OCR, FVD) over tiny's test split
def test_run_outputs_and_reference_match(bench_run):
    out = bench_run["out"]
    rows = [json.loads(line) for line in (out / "scores.jsonl").read_text().splitlines()]
    assert len(rows) == 2 * len(bench_run["prompts"])
    assert np.mean([r["match"] for r in rows]) >= 0.9
    for r in rows:
        assert 0 <= r["mf"] <= 1 and 0 <= r["mc"] <= 1 and 0 <= r["mt"] <= 1
    assert {r["width"] for r in rows} == {128, 192}  # the reference and its 1.5x re-render
    summary = json.loads((out / "summary.json").read_text())
    assert summary["counts"]["missing"] == 0 and summary["counts"]["undecodable"] == 0
    m = summary["overall"]["match"]
    assert m["lo"] <= m["mean"] <= m["hi"]
    assert summary["fvd"]["videos"] == len(rows) and summary["fvd"]["frames"] == 4 and np.isfinite(summary["fvd"]["fvd"])
    report = (out / "report.md").read_text()
    assert "families.png" in report and (out / "families.png").stat().st_size > 0 and (out / "difficulty.png").exists()


@pytest.mark.slow  # end to end: bench prompts + run (OCR, FVD) over tiny's test split
def test_mapping_missing_undecodable_and_compare(bench_run, tmp_path, capsys):
    root, prompts = bench_run["root"], bench_run["prompts"]
    (tmp_path / "broken.mp4").write_bytes(b"not a video")
    first = prompts[0]["id"]
    mapping = tmp_path / "map.csv"
    mapping.write_text(f"id,path\n{first},{bench_run['videos'] / (first + '.mp4')}\n{first},broken.mp4\n")
    extra = tmp_path / "prompts.jsonl"
    extra.write_text((root / "prompts.jsonl").read_text() + json.dumps({**prompts[0], "id": "absent"}) + "\n")
    out2, serial = tmp_path / "run2", tmp_path / "serial"
    for out, workers in ((out2, "2"), (serial, "1")):
        args = [
            "bench",
            "run",
            "--prompts",
            str(extra),
            "--videos",
            str(mapping),
            "--out",
            str(out),
            "--quiet",
            "--no-ocr",
            "--workers",
            workers,
        ]
        assert main(args) == 0
    counts = json.loads((out2 / "summary.json").read_text())["counts"]
    assert counts["missing"] >= 1 and counts["undecodable"] == 1 and counts["scored"] == 1
    assert (out2 / "scores.jsonl").read_text() == (serial / "scores.jsonl").read_text()  # worker processes change nothing
    capsys.readouterr()
    args = ["bench", "compare", str(bench_run["out"]), str(out2), "--out", str(tmp_path / "board.md"), "--allow-different-prompts"]
    assert main(args) == 0
    board = capsys.readouterr().out
    assert "| rank |" in board and "run2" in board and (tmp_path / "board.md").exists()


def test_bad_input_is_one_line(tmp_path, capsys):
    assert main(["bench", "run", "--prompts", str(tmp_path / "nope.jsonl"), "--videos", str(tmp_path), "--out", str(tmp_path / "r")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "\n" not in err
    assert main(["bench", "compare", str(tmp_path)]) == 1


def test_ocr_reads_text_and_a_wrong_glyph_lowers_it(tiny_dir):
    row = _text_rows(tiny_dir)[0]
    prompt = {"id": row["id"], "family": row["family"], "spec": json.loads(row["spec"])}
    native = render_clip(prompt["spec"])
    frames = codec.decode(row["video"]["bytes"])
    scorer = Scorer(ocr_frames=3)
    clean = scorer.score(prompt, frames, native)
    assert clean["ocr_strings"] > 0 and clean["ocr_ned"] >= 0.8
    wrong = scorer.score(prompt, corrupt("char_sub", frames, 5, 0, prompt["spec"]), native)
    assert wrong["ocr_ned"] < clean["ocr_ned"] and wrong["ocr_exact"] < 1
    blank = np.full_like(frames, 255)
    empty = scorer.score(prompt, blank, native)
    assert empty["ocr_ned"] == 0.0  # text expected, none found: 0, never "perfect"


def test_ned_and_normalisation():
    assert ocr.ned("EXIT", "EXIT") == 1.0 and ocr.ned("EXIT", "") == 0.0
    assert ocr.ned("EXIT", "EXlT") == pytest.approx(0.75)
    assert ocr.normalize(" 出口 E X I T ") == ocr.normalize("出口EXIT") == "出口ExIT" and ocr.normalize("℃") == ocr.normalize("°C")
    # plot tick labels use the minus sign U+2212; OCR reads ASCII "-" and full-width brackets
    assert ocr.normalize("−5") == ocr.normalize("-5") and ocr.normalize("sin（0.5x）") == ocr.normalize("sin(0.5x)")
    assert ocr.normalize("−2") != ocr.normalize("2")


def test_frechet_distance_math():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(40, 5)), rng.normal(1.0, 2.0, size=(50, 5))
    ma, sa = fvd.feature_stats(a)
    assert fvd.frechet_distance(ma, sa, ma, sa) == pytest.approx(0.0, abs=1e-6)
    # One dimension: (m1 - m2)^2 + s1 + s2 - 2 sqrt(s1 s2) = (m1 - m2)^2 + (sqrt(s1) - sqrt(s2))^2
    assert fvd.frechet_distance([0.0], [[4.0]], [3.0], [[1.0]]) == pytest.approx(9.0 + 1.0)
    mb, sb = fvd.feature_stats(b)
    from scipy import linalg as scipy_linalg
    covmean = scipy_linalg.sqrtm(sa @ sb).real
    expected = ((ma - mb) ** 2).sum() + np.trace(sa + sb - 2 * covmean)
    assert fvd.frechet_distance(ma, sa, mb, sb) == pytest.approx(expected, rel=1e-6)
    assert fvd.clip_indices(10, 4, 3) == [0, 3, 6, 9] and fvd.clip_indices(5, 4, 2) == [0, 2, 4, 4]


def test_clipsim_with_a_tiny_random_clip(tmp_path, tiny_dir):
    import torch  # noqa: F401
    import transformers

    from symbolset.bench.metrics.clipsim import ClipScorer

    # GPT-2 / CLIP byte-level alphabet: printable bytes map to themselves, the rest to 256 + n.
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    chars = [chr(b) for b in printable] + [chr(256 + n) for n in range(256 - len(printable))]
    vocab = {t: i for i, t in enumerate(chars + [c + "</w>" for c in chars] + ["<|startoftext|>", "<|endoftext|>"])}
    (tmp_path / "vocab.json").write_text(json.dumps(vocab))
    (tmp_path / "merges.txt").write_text("#version: 0.2\n")
    tok = transformers.CLIPTokenizer(str(tmp_path / "vocab.json"), str(tmp_path / "merges.txt"), model_max_length=32)
    image = transformers.CLIPImageProcessor(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32})
    config = transformers.CLIPConfig(
        text_config={"vocab_size": len(vocab), "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2,
                     "max_position_embeddings": 32, "bos_token_id": vocab["<|startoftext|>"], "eos_token_id": vocab["<|endoftext|>"]},
        vision_config={"image_size": 32, "patch_size": 8, "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2},
        projection_dim=8,
    )  # fmt: skip
    model_dir = tmp_path / "tiny-clip"
    transformers.CLIPModel(config).save_pretrained(model_dir)
    transformers.CLIPProcessor(image_processor=image, tokenizer=tok).save_pretrained(model_dir)
    scorer = ClipScorer(str(model_dir))
    assert scorer.processor.image_processor.image_mean != [0.0, 0.0, 0.0]  # CLIP's normalisation is applied
    row = next(iter_rows(tiny_dir, "test"))
    frames = codec.decode(row["video"]["bytes"])
    sim = scorer.similarity(list(frames[:3]), row["caption"])
    assert -1.0 <= sim <= 1.0
    result = Scorer(ocr_frames=2, use_ocr=False, clip=scorer).score({"id": row["id"], "family": row["family"], "spec": json.loads(row["spec"]),
                                                                     "caption": {"en": row["caption"]}}, frames)  # fmt: skip
    assert -1.0 <= result["clipsim"] <= 1.0


def test_scale_spec_rescales_geometry(tiny_dir):
    spec = json.loads(next(iter_rows(tiny_dir, "test"))["spec"])
    big = reference.scale_spec(spec, spec["width"] * 2, spec["height"] * 2, spec["num_frames"] * 2)
    frames, ann = render_clip(big)
    _, ann0 = render_clip(spec)
    assert frames.shape == (spec["num_frames"] * 2, spec["height"] * 2, spec["width"] * 2, 3)
    box0 = next(a for a in ann0[::-1] if a["texts"])["texts"][0]["box"]
    box1 = next(a for a in ann[::-1] if a["texts"])["texts"][0]["box"]
    assert box1[0] == pytest.approx(2 * box0[0], abs=3) and box1[3] - box1[1] == pytest.approx(2 * (box0[3] - box0[1]), abs=4)


@pytest.mark.slow  # end to end: bench validate over rendered variants
def test_validate_reduced(tiny_dir, tmp_path):
    out = tmp_path / "validation"
    args = ["bench", "validate", str(tiny_dir), "--out", str(out), "--limit", "2", "--corruptions", "blur,char_sub,shuffle,jitter",
            "--variants", "none", "--no-wrong", "--ocr-frames", "3", "--quiet"]  # fmt: skip
    assert main(args) == 0
    res = json.loads((out / "validation.json").read_text())
    assert res["reference"]["match"] >= 0.95
    assert res["table"]["blur"]["mf"]["rho"] <= -0.9
    assert res["table"]["char_sub"]["ocr_ned"]["rho"] <= -0.9
    assert res["table"]["jitter"]["motion"]["rho"] <= -0.9  # flicker also targets jitter: -0.89 on these two clips
    assert "Spearman" in (out / "report.md").read_text() and (out / "blur.png").exists()


def _row(root, rid):
    from symbolset.layout import find_record

    row = find_record(root, rid)
    return {"id": row["id"], "family": row["family"], "spec": json.loads(row["spec"])}, codec.decode(row["video"]["bytes"])


def test_motion_agreement_sees_a_stutter_and_flicker_sees_a_shuffle(tiny_dir):
    from symbolset.bench.metrics import temporal

    prompt, frames = _row(tiny_dir, "text_motion-0-000000")
    native, _ = render_clip(prompt["spec"])
    assert temporal.motion_score(frames, native) > 0.95
    scores = [temporal.motion_score(corrupt("drop", frames, s, 0, prompt["spec"]), native) for s in (1, 3, 5)]
    assert scores[0] > scores[1] > scores[2]
    assert temporal.motion_score(np.repeat(frames[:1], len(frames), axis=0), native) == 0.0  # a still video where the spec moves
    flicker = [temporal.flicker_score(corrupt("shuffle", frames, s, 0, prompt["spec"]) if s else frames, native) for s in (0, 3, 5)]
    assert flicker[0] > 0.95 and flicker[0] > flicker[1] > flicker[2]


@pytest.mark.slow  # OCR of every frame of rotated and shuffled clips
def test_ocr_reads_rotated_text_anywhere_and_stability_sees_a_shuffle(tiny_dir):
    from bench_variants import moved, video

    prompt, frames = _row(tiny_dir, "text_motion-0-000002")
    assert any(abs(k[1]) >= 5 for k in prompt["spec"]["elements"][0]["rotation"]["keys"])  # the text turns
    native, ann = render_clip(prompt["spec"])
    states = [ocr.expected_state(a) for a in ann]
    assert ocr.text_scores(states, list(frames[::3]))["ocr_ned"] == 1.0
    # the same text drawn elsewhere and smaller is still read: no expected box is used
    shifted = video(moved(prompt["spec"], dx=-10, dy=12, scale=0.8))
    assert ocr.text_scores(states, list(shifted[::3]))["ocr_ned"] == 1.0
    typing, typed = _row(tiny_dir, "text_typing-0-000000")
    scorer = Scorer(ocr_frames=6)
    clean = scorer.score(typing, typed)["ocr_stability"]
    shuffled = scorer.score(typing, corrupt("shuffle", typed, 5, 0, typing["spec"]))["ocr_stability"]
    assert clean > 0.9 and shuffled < clean - 0.1


def test_clock_hands_are_read_about_the_located_dial(tiny_dir):
    from bench_variants import moved, video

    from symbolset.bench.metrics import geometric

    clock, frames = _row(tiny_dir, "clock-0-000000")
    native, ann = render_clip(clock["spec"])
    assert geometric.hands_score(native[0], clock["spec"], ann[0]["time"]) > 0.9
    small = video(moved(clock["spec"], dx=16, dy=-12, scale=0.75))  # a smaller clock off centre: same time
    got = geometric.geometric_scores(clock["spec"], list(small[::4]), native, ann)
    assert got["geo_hands"] > 0.85 and got["geo_circles"] > 0.8
    turned = json.loads(json.dumps(clock["spec"]))
    minute = next(el for el in turned["elements"] if el["id"] == "minute")
    if isinstance(minute["angle"], dict):
        minute["angle"]["keys"] = [[t, a + 30] for t, a in minute["angle"]["keys"]]
    else:
        minute["angle"] += 30
    wrong = video(moved(turned, dx=16, dy=-12, scale=0.75))
    assert geometric.geometric_scores(clock["spec"], list(wrong[::4]), native, ann)["geo_hands"] < 0.75  # one hand of 2-3 is 30 deg off
    assert geometric.geometric_scores(clock["spec"], list(np.full_like(frames[::4], 250)), native, ann)["geo"] == 0.0


@pytest.mark.slow  # end to end: bench validate over rendered variants
def test_validate_results_do_not_depend_on_workers(tiny_dir, tmp_path):
    results = []
    for workers in (1, 2):
        out = tmp_path / f"w{workers}"
        args = ["bench", "validate", str(tiny_dir), "--out", str(out), "--split", "test", "--limit", "2", "--corruptions", "drop",
                "--variants", "move", "--ocr-frames", "2", "--workers", str(workers), "--quiet"]  # fmt: skip
        assert main(args) == 0
        results.append(json.loads((out / "validation.json").read_text()))
    assert results[0]["table"] == results[1]["table"] and results[0]["clean"] == results[1]["clean"]
    assert results[0]["variants"] == results[1]["variants"]
