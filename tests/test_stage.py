"""The real style (stage.py, materials.py, fontpack.py): rules checked on rendered pixels."""

from __future__ import annotations

import copy

import cv2
import numpy as np
import pytest

from symbolset import families, fontpack, fonts, materials, record, stage, textdraw
from symbolset.config import load_config
from symbolset.errors import SpecError, SymbolSetError
from symbolset.render import render_clip
from symbolset.spec import from_json, to_json, validate, value_at
from symbolset.textlayout import text_layout

PARAMS = {"width": 192, "height": 192, "num_frames": 6, "fps": 6.0, "options": {}, "style": "real"}


def real_spec(family="signage", seed=3, **extra):
    return record.sample_spec(family, seed, {**PARAMS, **extra})


def with_move(spec: dict, move: str) -> dict:
    """The spec with its camera set to one move (and refitted into the frame)."""
    spec = copy.deepcopy(spec)
    cam = spec["stage"]["camera"]
    keys = {"yaw": [12.0, 12.0], "pitch": [-8.0, -8.0], "pan": [0.0, 0.0], "tilt": [0.0, 0.0], "roll": [2.0, 2.0], "distance": [1.0, 1.0]}
    keys.update({"orbit": {"yaw": [-14.0, 20.0]}, "dolly": {"distance": [1.4, 1.0]}, "pan": {"pan": [-4.0, 4.0]},
                 "tilt": {"tilt": [3.0, -3.0]}}.get(move, {}))  # fmt: skip
    cam.update(move=move, keys=keys, shake=0.3 if move == "shake" else 0.0, fill=0.8)
    stage._fit_camera(spec["stage"], spec)
    return spec


def inside(quad: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Whether pixel centres lie in a convex quad (corners in order)."""
    pts = np.stack([xs + 0.5, ys + 0.5], axis=1)
    signs = []
    for a, b in zip(quad, np.roll(quad, -1, axis=0)):
        signs.append((b[0] - a[0]) * (pts[:, 1] - a[1]) - (b[1] - a[1]) * (pts[:, 0] - a[0]))
    s = np.stack(signs)
    return (s >= -1e-6).all(axis=0) | (s <= 1e-6).all(axis=0)


@pytest.mark.parametrize("move", stage.MOVES)
def test_quads_contain_their_ink_under_every_camera_move(move):
    spec = with_move(real_spec("signage", 5), move)
    flat = {k: v for k, v in spec.items() if k != "stage"}
    frames, anns = render_clip(flat)
    real, real_ann = stage.project(spec, frames, anns, lens=False)
    texts = [el for el in spec["elements"] if el["type"] == "text"]
    assert texts
    checked = 0
    for el in texts:
        without = {**flat, "elements": [e for e in flat["elements"] if e["id"] != el["id"]]}
        f2, a2 = render_clip(without)
        bare, _ = stage.project(spec, f2, a2, lens=False)
        for i in range(spec["num_frames"]):
            ink = np.abs(real[i].astype(int) - bare[i].astype(int)).max(axis=-1) > 0
            ys, xs = np.nonzero(ink)
            if not len(xs):
                continue
            quad = next(s for s in real_ann[i]["shapes"] if s["type"] == "text_quad" and s["element"] == el["id"])
            assert inside(np.asarray(quad["params"]["quad"]), xs, ys).all(), (move, el["id"], i)
            box = next(t["box"] for t in real_ann[i]["texts"] if t["element"] == el["id"])
            assert xs.min() >= box[0] and xs.max() + 1 <= box[2] and ys.min() >= box[1] and ys.max() + 1 <= box[3]
            checked += 1
    assert checked


def test_light_shadow_blur_and_lens_never_move_a_box():
    spec = real_spec("text_typing", 8)
    spec["stage"]["light"].update(glare=0.2, shadow=0.6)
    spec["stage"]["lens"].update(noise=3.0, jpeg=60, defocus=0.8, motion_blur=0.8)
    spec = with_move(spec, "orbit")  # a moving camera, so the motion blur is there
    dark = copy.deepcopy(spec)
    dark["stage"]["light"].update(glare=0.0, shadow=0.0, gradient=[0.0, 0.0], falloff=0.0)
    dark["stage"]["lens"].update(noise=0.0, jpeg=None, defocus=0.0, motion_blur=0.0)
    f1, a1 = render_clip(spec)
    f2, a2 = render_clip(dark)
    assert a1 == a2
    assert not np.array_equal(f1, f2)  # the effects are really there


def test_real_clips_rerender_bit_for_bit_from_the_stored_spec():
    spec = real_spec("clock", 11)
    again = from_json(to_json(spec))
    f1, a1 = render_clip(spec)
    f2, a2 = render_clip(again)
    assert np.array_equal(f1, f2) and a1 == a2


def test_the_card_stays_whole_in_the_frame_and_the_camera_moves():
    for seed in range(6):
        spec = real_spec("chart", seed)
        w, h = spec["width"], spec["height"]
        corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], float)
        quads = [stage.apply(stage.homography(spec["stage"], spec, i), corners) for i in range(spec["num_frames"])]
        for q in quads:
            assert (q >= 2).all() and (q[:, 0] <= w - 2).all() and (q[:, 1] <= h - 2).all()
        if spec["stage"]["camera"]["move"] != "static":
            assert np.abs(quads[0] - quads[-1]).max() > 0.5


def test_flat_style_leaves_specs_and_configs_as_they_were():
    params = {k: v for k, v in PARAMS.items() if k != "style"}
    assert record.sample_spec("clock", 4, params) == record.sample_spec("clock", 4, {**params, "style": "flat"})
    assert "stage" not in record.sample_spec("clock", 4, params)
    assert "style" not in load_config("default").to_dict() and "style" not in load_config("tiny").params("clock")
    assert stage.style_for(load_config("tiny").params("signage"), "signage") == "mixed"  # tiny shows a few real clips
    mixed = [("stage" in record.sample_spec("clock", s, {**params, "style": "mixed"})) for s in range(20)]
    assert 0 < sum(mixed) < 20
    per_family = {**params, "style": {"default": "real", "clock": "flat"}}
    assert "stage" not in record.sample_spec("clock", 4, per_family) and "stage" in record.sample_spec("plot", 4, per_family)
    # the family's own draws are the same in both styles: only fonts, sizes and the stage differ
    real = real_spec("plot", 4)
    assert len(real["elements"]) == len(record.sample_spec("plot", 4, params)["elements"])


FULL_POOL = all(fontpack.installed(fid) for fid in fontpack.POOLS["full"])


@pytest.mark.skipif(not FULL_POOL, reason="the Debian font pack is not installed (.ci/run installs it)")
def test_real_style_fonts_come_from_the_pool_and_have_every_glyph():
    used = set()
    for seed in range(12):
        spec = real_spec("text_motion", seed, font_pool="full")
        for el in spec["elements"]:
            if el["type"] == "text":
                assert el["font"] in fontpack.POOLS["full"]
                assert not fonts.missing_chars(el["font"], el["text"])
                used.add(el["font"])
    assert len(used) >= 6


def test_captions_describe_the_stage_in_both_languages():
    spec = real_spec("geometry", 2)
    row = record.build_record(spec, sample_id="x", split="train", seed=2)
    s = stage.sentences(spec)
    for lang in ("en", "zh"):
        assert row["captions"][lang]["detailed"].endswith(s[lang]) and row["captions"][lang]["temporal"].endswith(s[lang])
        assert s[lang] not in row["captions"][lang]["short"]
    assert materials.KINDS[spec["stage"]["surface"]["kind"]][0] in s["en"]
    quads = [sh for a in record.parse_annotations(row) for sh in a["shapes"] if sh["type"] in ("text_quad", "camera")]
    assert quads


def test_bad_stage_and_missing_fonts_fail_in_one_line(monkeypatch):
    spec = real_spec("clock", 1)
    broken = copy.deepcopy(spec)
    broken["stage"]["environment"]["kind"] = "marble"
    with pytest.raises(SpecError, match=r"^spec: stage.environment.kind: expected one of"):
        from_json(to_json(broken))
    fake = fontpack.Face("ghost-sans", "Ghost Sans", "sans", "regular", ("latin",), "deb:fonts-ghost", "/nonexistent/ghost.ttf", 0, "OFL")
    monkeypatch.setitem(fontpack.FACES, "ghost-sans", fake)
    with pytest.raises(SpecError, match=r"font 'ghost-sans' \(Ghost Sans\) is not installed; apt-get install fonts-ghost provides it"):
        fonts.font_file("ghost-sans")
    monkeypatch.setitem(fontpack.POOLS, "full", ("ghost-sans",) + fontpack.POOLS["full"])
    with pytest.raises(SymbolSetError, match=r"^config 'release': font_pool: font 'ghost-sans'.*apt-get install fonts-ghost"):
        load_config("release")


def test_materials_are_deterministic_and_distinct():
    rng = np.random.default_rng(0)
    looks = {}
    for kind in materials.KINDS:
        m = {**materials.sample(rng, (kind,)), "kind": kind}
        a, b = materials.texture(m, 64, 96), materials.texture(m, 64, 96)
        assert a.shape == (64, 96, 3) and np.array_equal(a, b)
        assert a.std() > 1.0  # a texture, not a flat fill
        looks[kind] = cv2.resize(a, (16, 16)).astype(float)
    assert len({round(v.mean(), 1) for v in looks.values()}) > len(materials.KINDS) // 2


def test_the_ocr_reads_large_words_on_real_frames():
    """Recognition on the rectified quads of real frames (a small set; benchmarks/diversity.py has the full figure)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks.ocr_real import ocr_words

    total = correct = 0
    for family in ("signage", "text_motion"):
        for seed in range(5):
            spec = record.sample_spec(family, 300 + seed, {**PARAMS, "width": 448, "height": 448, "num_frames": 3})
            frames, anns = render_clip(spec)
            ok, n, details = ocr_words(spec, frames[-1], anns[-1])
            correct, total = correct + ok, total + n
    assert total >= 6 and correct / total >= 0.97, (correct, total)


def test_a_real_dataset_validates_and_its_card_lists_the_fonts(tmp_path, capsys):
    from symbolset.build import generate
    from symbolset.cli import main
    from symbolset.layout import iter_rows
    from symbolset.validate import validate_dataset

    out = tmp_path / "ds"
    assert (
        main(
            [
                "generate",
                "--out",
                str(out),
                "--num",
                "4",
                "--families",
                "signage,clock",
                "--size",
                "96x96",
                "--frames",
                "3",
                "--style",
                "real",
                "--quiet",
            ]
        )
        == 0
    )
    assert validate_dataset(out) == []
    rows = list(iter_rows(out, columns=["id", "seed", "split", "spec", "captions", "video", "annotations"]))
    again = record.build_record(from_json(rows[0]["spec"]), sample_id=rows[0]["id"], split=rows[0]["split"], seed=rows[0]["seed"])
    assert (
        again["video"]["bytes"] == rows[0]["video"]["bytes"] and again["annotations"] == rows[0]["annotations"]
    )  # re-rendered from the stored spec
    used = {el["font"] for r in rows for el in from_json(r["spec"])["elements"] if el["type"] == "text"}
    card = (out / "README.md").read_text()
    assert "## Fonts" in card and all(f"`{fid}`" in card for fid in used)
    assert all("stage" in from_json(r["spec"]) for r in rows)
    from symbolset.claims.check import check_captions

    report = check_captions(out)
    assert report["problems"] == [] and sum(c["ok"] for c in report["families"].values()) == 4  # the claims hold on the card
    capsys.readouterr()
    assert main(["fonts"]) == 0 and "fonts-lxgw-wenkai" in capsys.readouterr().out
    flat = tmp_path / "flat"
    generate(load_config("default", num=2, families=("clock",), width=96, height=96, num_frames=3), flat, progress=False)
    assert "## Fonts" not in (flat / "README.md").read_text()


def test_char_quads_contain_each_characters_ink():
    """(On an unscaled, unrotated text: there the flat char boxes hold each glyph's ink exactly; a scaled
    mask is resampled bicubically and its glyphs' ink reaches ~2 px past the flat char boxes.)"""
    spec = with_move(real_spec("signage", 5), "orbit")
    el = next(e for e in spec["elements"] if e["type"] == "text" and len(e["text"].replace(" ", "")) >= 3)
    el.update(scale=1.0, rotation=0.0)
    lay = text_layout(el["font"], int(round(el["size"])), el["text"])
    anchor = np.array([lay["width"] / 2 if el.get("anchor") == "center" else 0.0, (lay["descent"] - lay["ascent"]) / 2])
    x, y = np.round(np.asarray(value_at(el["position"], 0.0)) - anchor) + anchor  # the mask lands on whole pixels
    el["position"] = [float(x), float(y)]
    flat = {k: v for k, v in spec.items() if k != "stage"}
    i = spec["num_frames"] - 1

    def shown(k):
        els = [{**e, "visible": k} if e["id"] == el["id"] else e for e in flat["elements"]]
        frames, anns = render_clip({**flat, "elements": els})
        return stage.project(spec, frames[i : i + 1], anns[i : i + 1], index=i, lens=False)

    full, full_ann = shown(len(el["text"]))
    quads = next(s for s in full_ann[0]["shapes"] if s["type"] == "text_quad" and s["element"] == el["id"])["params"]["char_quads"]
    inked = [k for k, ch in enumerate(el["text"]) if not ch.isspace()]
    before, _ = shown(0)
    for n, k in enumerate(inked):
        after, _ = shown(k + 1)
        ys, xs = np.nonzero(np.abs(after[0].astype(int) - before[0].astype(int)).max(axis=-1) > 0)
        assert len(xs) and inside(np.asarray(quads[n]), xs, ys).all(), (el["text"], k)
        before = after


@pytest.mark.slow  # generates a real-style dataset twice (workers=1 and 2)
def test_real_output_is_the_same_for_any_number_of_workers(tmp_path):
    from symbolset.build import generate

    cfg = load_config("default", num=4, families=("signage", "plot"), width=64, height=64, num_frames=2, style="real", shard_size=2)
    generate(cfg, tmp_path / "one", workers=1, progress=False)
    generate(cfg, tmp_path / "two", workers=2, progress=False)
    shards = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one" / "data").glob("*.parquet"))
    assert shards and all((tmp_path / "one" / s).read_bytes() == (tmp_path / "two" / s).read_bytes() for s in shards)


def test_style_in_a_yaml_config(tmp_path):
    good = tmp_path / "real.yaml"
    good.write_text("num: 4\nstyle: {default: real, formula: flat}\nfont_pool: pip\n")
    cfg = load_config(str(good))
    assert cfg.params("clock")["style"] == {"default": "real", "formula": "flat"} and "style" not in cfg.params("formula")
    assert cfg.to_dict()["style"] == {"default": "real", "formula": "flat"}
    bad = tmp_path / "bad.yaml"
    bad.write_text("style: shiny\n")
    with pytest.raises(SymbolSetError, match=r"bad.yaml: style: expected one of flat, real, mixed"):
        load_config(str(bad))
    bad.write_text("style: real\nfont_pool: huge\n")
    with pytest.raises(SymbolSetError, match=r"bad.yaml: font_pool: expected one of pip, full"):
        load_config(str(bad))


def test_render_frame_equals_the_clip_also_where_frames_are_held():
    from symbolset.render import render_frame

    spec = with_move(real_spec("text_typing", 8, num_frames=8), "static")
    frames, anns = render_clip(spec)
    flat_frames, _ = render_clip({k: v for k, v in spec.items() if k != "stage"})
    assert any(np.array_equal(a, b) for a, b in zip(flat_frames, flat_frames[1:]))  # the held path is taken
    for i in range(spec["num_frames"]):
        frame, ann = render_frame(spec, i)
        assert np.array_equal(frame, frames[i]) and ann == anns[i], i


def test_defocus_and_motion_blur_spread_ink_about_where_the_box_says():
    spec = with_move(real_spec("signage", 5), "orbit")
    spec["stage"]["lens"].update(noise=0.0, jpeg=None, defocus=0.8, motion_blur=0.8)
    sharp = copy.deepcopy(spec)
    sharp["stage"]["lens"].update(defocus=0.0, motion_blur=0.0)
    flat = {k: v for k, v in spec.items() if k != "stage"}
    el = next(e for e in flat["elements"] if e["type"] == "text")
    without = {**flat, "elements": [e for e in flat["elements"] if e["id"] != el["id"]]}
    (f, a), (g, b) = render_clip(flat), render_clip(without)
    i = spec["num_frames"] - 1
    centroids = []
    for s in (spec, sharp):
        with_text, ann = stage.project(s, f, a)
        bare, _ = stage.project(s, g, b)
        ink = np.abs(with_text[i].astype(float) - bare[i].astype(float)).max(axis=-1)
        ys, xs = np.nonzero(ink)
        centroids.append([np.average(xs, weights=ink[ys, xs]), np.average(ys, weights=ink[ys, xs])])
        box = next(t["box"] for t in ann[i]["texts"] if t["element"] == el["id"])
        inside_box = ink[int(box[1]) : int(box[3]), int(box[0]) : int(box[2])].sum()
        assert inside_box / ink.sum() > 0.97  # blur moves at most a sliver of ink past the box
    assert np.abs(np.subtract(*centroids)).max() < 0.5  # and never moves it
    assert not np.array_equal(stage.project(spec, f, a)[0], stage.project(sharp, f, a)[0])


def test_sensor_noise_is_a_fixed_pattern_plus_a_faint_per_frame_part():
    spec = with_move(real_spec("text_typing", 8, num_frames=8), "static")
    spec["stage"]["lens"].update(jpeg=None, defocus=0.0, motion_blur=0.0, noise=0.0, pattern=2.0)
    flat_frames, _ = render_clip({k: v for k, v in spec.items() if k != "stage"})
    held = next(i for i in range(1, 8) if np.array_equal(flat_frames[i], flat_frames[i - 1]))
    fixed, _ = render_clip(spec)
    assert np.array_equal(fixed[held], fixed[held - 1])  # the pattern is the same on every frame
    clean = copy.deepcopy(spec)
    del clean["stage"]["lens"]["pattern"]  # specs written before the pattern existed still validate and mean "none"
    stage.check(clean)
    plain, _ = render_clip(clean)
    assert not np.array_equal(plain[0], fixed[0]) and np.abs(plain[0].astype(int) - fixed[0].astype(int)).mean() < 3
    spec["stage"]["lens"]["noise"] = 0.6
    flicker, _ = render_clip(spec)
    assert not np.array_equal(flicker[held], flicker[held - 1])  # the per-frame part differs between frames
    spec["stage"]["lens"]["pattern"] = 9.0
    with pytest.raises(SpecError, match="stage.lens"):
        stage.check(spec)


VERTICAL_PARAMS = {**PARAMS, "options": {"vertical": 1.0}, "style": "flat"}


def test_vertical_cjk_runs_down_one_column_and_each_char_box_holds_its_ink():
    from symbolset.render import layout_for

    flat = record.sample_spec("signage", 4, VERTICAL_PARAMS)
    el = next(e for e in flat["elements"] if e["type"] == "text")
    assert el.get("vertical") and len(el["text"]) >= 2
    el.update(scale=1.0)
    lay = layout_for(el)
    anchor = np.array([lay["width"] / 2, (lay["descent"] - lay["ascent"]) / 2])
    x, y = np.round(np.asarray(value_at(el["position"], 0.0)) - anchor) + anchor  # the mask lands on whole pixels
    el["position"] = [float(x), float(y)]
    spec = copy.deepcopy(flat)
    spec["stage"] = real_spec("signage", 4)["stage"]
    spec = with_move(spec, "orbit")

    def shown(k):
        els = [{**e, "visible": k} if e["id"] == el["id"] else e for e in flat["elements"]]
        frames, anns = render_clip({**flat, "elements": els})
        real, real_ann = stage.project(spec, frames[-1:], anns[-1:], index=spec["num_frames"] - 1, lens=False)
        return frames[-1], anns[-1], real[0], real_ann[0]

    full_flat, ann, _, real_ann = shown(len(el["text"]))
    boxes = next(t for t in ann["texts"] if t["element"] == el["id"])["char_boxes"]
    quads = next(s for s in real_ann["shapes"] if s["type"] == "text_quad" and s["element"] == el["id"])["params"]["char_quads"]
    assert len(boxes) == len(el["text"])
    before_flat, _, before_real, _ = shown(0)
    prev_ys = prev_xs = None
    for k in range(len(el["text"])):
        after_flat, _, after_real, _ = shown(k + 1)
        ys, xs = np.nonzero(np.abs(after_flat.astype(int) - before_flat.astype(int)).max(axis=-1) > 0)
        x0, y0, x1, y1 = boxes[k]
        assert len(xs) and xs.min() >= x0 and xs.max() + 1 <= x1 and ys.min() >= y0 and ys.max() + 1 <= y1, (el["text"], k)
        if prev_ys is not None:  # the column: each character wholly below the one before, on the same axis
            assert ys.min() >= prev_ys.max() - 1 and abs(xs.mean() - prev_xs.mean()) < 0.25 * (x1 - x0)
        ys_r, xs_r = np.nonzero(np.abs(after_real.astype(int) - before_real.astype(int)).max(axis=-1) > 0)
        assert len(xs_r) and inside(np.asarray(quads[k]), xs_r, ys_r).all(), (el["text"], k)
        before_flat, before_real, prev_ys, prev_xs = after_flat, after_real, ys, xs


def test_a_column_mask_shares_the_renderers_margin():
    from symbolset import textcolumn

    assert textcolumn.PAD == textdraw.PAD  # placed_text maps both masks with the renderer's margin


def test_vertical_signs_say_so_and_verify_catches_a_row_posing_as_a_column():
    fam = families.get("signage")
    for seed in range(3):
        spec = record.sample_spec("signage", seed, VERTICAL_PARAMS)
        assert spec["meta"]["vertical"]
        frames, anns = render_clip(spec)
        assert fam.verify(spec, frames, anns) == []
        caps = fam.captions(spec, record.caption_rng(seed))
        assert "written vertically" in caps["en"]["detailed"] and "竖排" in caps["zh"]["detailed"]
        assert "bilingual" not in caps["en"]["short"] and "中英双语" not in caps["zh"]["short"]
        row = copy.deepcopy(spec)
        next(e for e in row["elements"] if e["type"] == "text").pop("vertical")
        frames, anns = render_clip(row)
        assert any("one column" in p for p in fam.verify(row, frames, anns))
    real = record.sample_spec("signage", 2, {**VERTICAL_PARAMS, "style": "real"})  # other faces keep the column, zero tofu
    el = next(e for e in real["elements"] if e["type"] == "text")
    assert el["vertical"] and not fonts.missing_chars(el["font"], el["text"])
    for bad in ("yes", 1.5, True):
        with pytest.raises(SymbolSetError, match=r"^options.signage.vertical: expected a probability in \[0, 1\], got "):
            record.sample_spec("signage", 0, {**VERTICAL_PARAMS, "options": {"vertical": bad}})
    plain = record.sample_spec("signage", 0, {**PARAMS, "style": "flat"})  # without the option no sign is vertical
    assert not plain["meta"].get("vertical") and not any(e.get("vertical") for e in plain["elements"])


@pytest.mark.parametrize("text", ["安全,出口", "EXIT", "出口。"])
def test_vertical_text_takes_only_upright_cjk_characters(text):
    spec = record.sample_spec("signage", 1, VERTICAL_PARAMS)
    el = next(e for e in spec["elements"] if e["type"] == "text")
    el["text"] = text
    with pytest.raises(SpecError, match=r"elements\[\d+\]\.text: .* cannot stand upright"):
        validate(spec)
    el["text"], el["size"] = "出" * 600, 40  # 24,000 px tall: over the extent limit, measured down the column
    with pytest.raises(SpecError, match=r"px tall at size 40, over the 16384 px limit"):
        validate(spec)
    el["text"], el["size"], el["cursor"] = "出口", 20, {"color": [0, 0, 0]}
    with pytest.raises(SpecError, match="vertical text has no cursor"):
        validate(spec)


def test_family_captions_of_a_real_clip_describe_its_card():
    """Measured through the camera, a moving text's colour coverage on a textured, shaded frame gave
    wrong distances and directions; the family's sentences are measured on the flat card."""
    for seed in range(2):
        spec = real_spec("text_motion", seed, width=256, height=256, num_frames=12, fps=8.0)
        row = record.build_record(spec, sample_id="x", split="train", seed=seed)
        card = families.get("text_motion").captions(stage.card(spec), record.caption_rng(seed))
        assert row["captions"] == stage.add_captions(spec, card, record.parse_annotations(row))
        assert "card itself" in row["captions"]["en"]["temporal"] and "卡片本身" in row["captions"]["zh"]["temporal"]


def test_characters_pushed_out_of_frame_are_marked_and_never_get_inverted_boxes():
    """The drawn camera keeps the card whole in the frame (every character "full"); a spec whose camera
    comes too close shows what the flags mean: a "hidden" character has no ink in the frame, a "full"
    one has its quad inside it, and every box stays a box (x0 <= x1, y0 <= y1) within the frame."""
    spec = real_spec("signage", 5)
    _, anns = render_clip(spec)
    assert {v for a in anns for s in a["shapes"] if s["type"] == "text_quad" for v in s["params"]["char_visibility"]} == {"full"}
    cam = spec["stage"]["camera"]
    cam.update(fill=1.0, move="pan")
    cam["keys"].update(distance=[0.6, 0.6], pan=[-12.0, 12.0])
    flat = stage.card(spec)
    el = next(e for e in flat["elements"] if e["type"] == "text" and len(e["text"].replace(" ", "")) >= 5)
    el.update(scale=1.0, rotation=0.0)  # unscaled, on whole pixels: there the flat char boxes hold each glyph's ink exactly
    lay = text_layout(el["font"], int(round(el["size"])), el["text"])
    anchor = np.array([lay["width"] / 2 if el.get("anchor") == "center" else 0.0, (lay["descent"] - lay["ascent"]) / 2])
    el["position"] = (np.round(np.asarray(value_at(el["position"], 0.0)) - anchor) + anchor).tolist()
    w, h = spec["width"], spec["height"]

    def shown(k):
        els = [{**e, "visible": k} if e["id"] == el["id"] else e for e in flat["elements"]]
        frames, anns = render_clip({**flat, "elements": els})
        return stage.project(spec, frames, anns, lens=False)

    (before, _), (_, full_ann) = shown(0), shown(len(el["text"]))
    kinds = set()
    inked = [k for k, ch in enumerate(el["text"]) if not ch.isspace()]
    for n, k in enumerate(inked):
        after, _ = shown(k + 1)
        for i in range(spec["num_frames"]):
            params = next(s for s in full_ann[i]["shapes"] if s["type"] == "text_quad" and s["element"] == el["id"])["params"]
            seen, quad = params["char_visibility"][n], np.asarray(params["char_quads"][n])
            ys, xs = np.nonzero(np.abs(after[i].astype(int) - before[i].astype(int)).max(axis=-1) > 0)
            kinds.add(seen)
            if seen == "hidden":
                assert not len(xs), (k, i)
            elif seen == "full":
                assert (quad >= 0).all() and (quad[:, 0] <= w).all() and (quad[:, 1] <= h).all() and inside(quad, xs, ys).all()
            else:
                assert not ((quad >= 0).all() and (quad[:, 0] <= w).all() and (quad[:, 1] <= h).all())
        before = after
    assert kinds == {"hidden", "partial", "full"}
    for a in full_ann:
        for t in a["texts"]:
            for x0, y0, x1, y1 in [t["box"], *t["char_boxes"]]:
                assert 0 <= x0 <= x1 <= w and 0 <= y0 <= y1 <= h


@pytest.mark.parametrize("pool", ["pip", pytest.param("full", marks=pytest.mark.skipif(not FULL_POOL, reason="no Debian font pack"))])
def test_no_face_draws_more_than_a_tenth_of_a_mixed_runs_text_clips(pool):
    """A mixed run left the flat half of its clips in the families' seven faces, so one face drew
    15-17 % of the text clips (the issue asks for <= 10 %); now every clip but the locked families'
    draws its faces from the pool, with every glyph (zero tofu), and formula keeps its own (which
    the others no longer draw: formula alone gives each ~6 %); texts without Chinese leave the
    Chinese faces (four in the pip pool) to texts with it."""
    from collections import Counter

    params = {**PARAMS, "style": "mixed", "font_pool": pool, "num_frames": 2}
    used, text_clips, flat_seen = Counter(), 0, 0
    for k in range(200):
        fam = families.FAMILY_NAMES[k % len(families.FAMILY_NAMES)]
        seed = record.sample_seed(0, fam, k // len(families.FAMILY_NAMES))
        spec = record.sample_spec(fam, seed, params)
        plain = record.sample_spec(fam, seed, {k: v for k, v in params.items() if k != "style"})
        texts = [el for el in spec["elements"] if el["type"] == "text"]
        flat_seen += "stage" not in spec
        for el, was in zip(texts, (e for e in plain["elements"] if e["type"] == "text")):
            assert not fonts.missing_chars(el["font"], el["text"]), (fam, seed, el["id"])
            if fam in stage.FONT_LOCKED:
                assert (el["font"], el["size"]) == (was["font"], was["size"])
        used.update({el["font"] for el in texts})
        text_clips += bool(texts)
    assert 60 <= flat_seen <= 140  # both halves of mixed are in the count
    from symbolset.families import formula

    assert set(stage.LOCKED_FACES) == set(formula._FONTS)  # formula's faces are left to it
    face, n = used.most_common(1)[0]
    assert n / text_clips <= 0.10, (face, n, text_clips)
    assert len(used) >= (40 if pool == "full" else 25)


def test_glare_is_fixed_on_the_card_and_brightest_at_the_lights_centre():
    """The highlight is added on the card before the warp: it leaves the environment as it was and
    peaks where the light's centre lands in the image."""
    spec = with_move(real_spec("signage", 5), "orbit")
    spec["stage"]["light"].update(glare=0.18, center=[0.3, 0.6])
    spec["stage"]["lens"].update(noise=0.0, pattern=0.0, jpeg=None, defocus=0.0, motion_blur=0.0)
    matte = copy.deepcopy(spec)
    matte["stage"]["light"]["glare"] = 0.0
    flat = stage.card(spec)
    frames, anns = render_clip(flat)
    shiny, _ = stage.project(spec, frames, anns)
    plain, _ = stage.project(matte, frames, anns)
    w, h = spec["width"], spec["height"]
    for i in (0, spec["num_frames"] - 1):
        m = stage.homography(spec["stage"], spec, i)
        gain = shiny[i].astype(int).sum(axis=-1) - plain[i].astype(int).sum(axis=-1)
        assert (gain >= 0).all()  # a screen blend only brightens
        ys, xs = np.nonzero(gain)
        card = stage.apply(m, [[-1, -1], [w + 1, -1], [w + 1, h + 1], [-1, h + 1]])  # the card and the reach of resampling
        assert len(xs) and inside(card, xs, ys).all()
        cx, cy = stage.apply(m, [[0.3 * w, 0.6 * h]])[0]
        blurred = cv2.GaussianBlur(gain.astype(np.float32), (0, 0), 6)
        py, px = np.unravel_index(np.argmax(blurred), blurred.shape)
        assert np.hypot(px + 0.5 - cx, py + 0.5 - cy) < 0.15 * w, (i, px, py, cx, cy)


def test_a_moving_clip_rendered_frame_by_frame_matches_the_clip():
    """Quads are mapped for all frames in one pass; a frame rendered alone (another pass, other
    neighbours) gets the same pixels and the same numbers, with an occluder passing too."""
    from symbolset import stage_occlude
    from symbolset.render import render_frame

    spec = with_move(real_spec("signage", 5), "orbit")
    spec["stage"]["occluder"] = stage_occlude.sample(np.random.default_rng(2), spec["width"], spec["height"])
    frames, anns = render_clip(spec)
    for i in range(spec["num_frames"]):
        frame, ann = render_frame(spec, i)
        assert np.array_equal(frame, frames[i]) and ann == anns[i], i


@pytest.mark.parametrize("sigma", [0.3, 0.8, 2.5])
@pytest.mark.parametrize("bits", [8, 16])
def test_sensor_noise_tables_draw_rounded_normal_values(sigma, bits):
    """The lookup tables give rint(sigma z) its own probabilities (to 1 / 2**bits), symmetric about 0."""
    from statistics import NormalDist

    from symbolset import stage_light

    pos, neg = stage_light._rounded_normal(sigma, bits)
    assert len(pos) == len(neg) == 1 << bits and not (pos.astype(bool) & neg.astype(bool)).any()
    values = pos.astype(int) - neg.astype(int)
    for k in range(-3, 4):
        want = NormalDist(0, sigma).cdf(k + 0.5) - NormalDist(0, sigma).cdf(k - 0.5)
        assert abs((values == k).mean() - want) <= 1.5 / (1 << bits), k
    assert abs(values.mean()) <= 1 / (1 << bits) * 4
    drawn = stage_light._noise(np.random.default_rng(0), sigma, 64, 64, bits)
    assert all(p.shape == (64, 64, 3) and (p[..., 0] == p[..., 2]).all() for p in drawn)  # the same on the three channels
