"""Renderer: boxes are tight around the ink, geometry lands where the annotations say, no tofu."""

from __future__ import annotations

import numpy as np
import pytest

from symbolset import fonts
from symbolset.families.common import ink_mask
from symbolset.record import sample_spec
from symbolset.render import render_clip, render_frame
from symbolset.spec import to_json, validate

BG = [255, 255, 255]


def _spec(elements, w=160, h=96, frames=4):
    return validate({"version": 1, "width": w, "height": h, "fps": 4.0, "num_frames": frames, "background": BG, "elements": elements})


@pytest.mark.parametrize(
    ("text", "font", "rotation", "scale"),
    [("EXIT", "dejavu-sans", 0, 1), ("Quartz 42", "dejavu-serif", 0, 1), ("安全出口", "noto-sans-sc", 0, 1),
     ("Gate 12 登机口", "noto-sans-tc", 12, 1), ("Hello", "dejavu-sans-bold", -20, 1.3)],
)  # fmt: skip
def test_text_ink_inside_tight_boxes(text, font, rotation, scale):
    el = {"id": "t", "type": "text", "text": text, "font": font, "size": 20, "color": [0, 0, 0], "position": [80, 48],
          "anchor": "center", "rotation": rotation, "scale": scale}  # fmt: skip
    frame, ann = render_frame(_spec([el]), 0)
    (word,) = ann["texts"]
    assert word["string"] == text
    assert word["chars"] == [c for c in text if not c.isspace()]
    ink = ink_mask(frame, BG, threshold=8)
    ys, xs = np.nonzero(ink)
    x0, y0, x1, y1 = word["box"]
    # Every ink pixel lies inside the word box, and the box is exactly the ink's extent.
    assert xs.min() >= x0 and xs.max() + 1 <= x1 and ys.min() >= y0 and ys.max() + 1 <= y1
    assert (x1 - x0) <= (xs.max() + 1 - xs.min()) + 2 and (y1 - y0) <= (ys.max() + 1 - ys.min()) + 2
    covered = np.zeros_like(ink)
    for bx0, by0, bx1, by1 in word["char_boxes"]:
        assert bx1 > bx0 and by1 > by0
        covered[int(np.floor(by0)) : int(np.ceil(by1)) + 1, int(np.floor(bx0)) : int(np.ceil(bx1)) + 1] = True
        assert ink[int(np.floor(by0)) : int(np.ceil(by1)), int(np.floor(bx0)) : int(np.ceil(bx1))].any()
    strong = ink_mask(frame, BG, threshold=100)
    if rotation == 0:  # upright glyph boxes cover all the ink
        assert not (strong & ~covered).any()


def test_circle_and_ray_land_where_annotated():
    spec = _spec([
        {"id": "c", "type": "circle", "center": [60.5, 40.5], "radius": 25, "color": [200, 0, 0], "width": 2},
        {"id": "r", "type": "ray", "origin": [120, 50], "length": 30, "angle": 90, "color": [0, 0, 200], "width": 3},
    ])  # fmt: skip
    frame, ann = render_frame(spec, 0)
    red = (frame[..., 0] > 150) & (frame[..., 2] < 100)
    ys, xs = np.nonzero(red)
    r = np.hypot(xs + 0.5 - 60.5, ys + 0.5 - 40.5)
    assert abs(np.median(r) - 25) < 1.0 and r.max() - r.min() < 4
    blue = (frame[..., 2] > 150) & (frame[..., 0] < 100)
    ys, xs = np.nonzero(blue)
    assert abs(np.median(ys + 0.5) - 50) < 1 and xs.max() + 1 > 148 and xs.min() < 122  # angle 90 = pointing right
    ray = next(s for s in ann["shapes"] if s["type"] == "ray")
    assert ray["params"]["end"] == [150.0, 50.0]


def test_animated_arc_progress_and_opacity():
    spec = _spec([{"id": "c", "type": "circle", "center": [48, 48], "radius": 30, "color": [0, 0, 0], "width": 3,
                   "sweep": {"keys": [[0, 0], [0.75, 360]]}, "opacity": {"keys": [[0, 1.0], [0.75, 0.5]]}}], w=96)  # fmt: skip
    frames, anns = render_clip(spec)
    inked = [int(ink_mask(f, BG).sum()) for f in frames]
    assert inked[0] == 0 and inked[1] < inked[2] < inked[3]
    assert frames[3].min() > 60  # half opacity: black drawn at 50% over white
    assert [a["shapes"][0]["params"]["sweep"] for a in anns] == [0.0, 120.0, 240.0, 360.0]


def test_seven_segment_lights_the_right_segments():
    spec = _spec([{"id": "d", "type": "seven_segment", "position": [10, 10], "digit_height": 40, "text": "17", "color": [255, 0, 0]}])
    frame, ann = render_frame(spec, 0)
    digits = next(s for s in ann["shapes"] if s["type"] == "seven_segment")["params"]["digits"]
    assert [d["segments"] for d in digits] == ["bc", "abc"]
    assert ann["texts"][0]["string"] == "17"
    x0, y0, x1, y1 = digits[0]["cell"]
    left_half = frame[int(y0) : int(y1), int(x0) : int((x0 + x1) / 2)]
    assert (left_half[..., 1] < 128).sum() == 0  # a '1' lights only the right-hand segments


def test_every_registered_font_renders_its_scripts():
    for fid in fonts.FONT_IDS:
        assert not fonts.missing_chars(fid, "AZaz09")
        if fid in fonts.fonts_for("han"):
            assert not fonts.missing_chars(fid, "出口欢迎")


def test_a_font_lacking_a_glyph_fails_the_coverage_check(tmp_path):
    """A font without Han glyphs (DejaVu) must never be asked to draw them."""
    assert fonts.missing_chars("dejavu-sans", "EXIT 出口") == ["出", "口"]
    rng = np.random.default_rng(0)
    assert fonts.pick_font(rng, "EXIT 出口", ["dejavu-sans", "noto-sans-sc"]) == "noto-sans-sc"
    with pytest.raises(fonts.GlyphError, match="no font among dejavu-sans covers"):
        fonts.pick_font(rng, "出口", ["dejavu-sans"])


def test_clip_rendering_equals_frame_by_frame_for_every_family():
    """render_clip draws static elements once and copies unchanged frames: the result must not change."""
    from symbolset.families import FAMILY_NAMES
    from symbolset.record import sample_seed, sample_spec

    params = {"width": 96, "height": 96, "num_frames": 10, "fps": 8.0}
    for fam in FAMILY_NAMES:
        spec = sample_spec(fam, sample_seed(3, fam, 1), params)
        frames, anns = render_clip(spec)
        for i in range(spec["num_frames"]):
            frame, ann = render_frame(spec, i)
            np.testing.assert_array_equal(frame, frames[i], err_msg=f"{fam} frame {i}")
            assert ann == anns[i], f"{fam} frame {i}"


def test_render_refuses_a_codec_whose_container_does_not_match_the_suffix(tmp_path, capsys):
    from symbolset.cli import main

    spec = tmp_path / "spec.json"
    spec.write_text(to_json(sample_spec("clock", 3, {"width": 64, "height": 64, "num_frames": 2, "fps": 8})))
    assert main(["render", "--spec", str(spec), "--codec", "ffv1", "--out", str(tmp_path / "clip.mp4")]) == 1
    assert "not .mp4" in capsys.readouterr().err and not (tmp_path / "clip.mp4").exists()
    assert main(["render", "--spec", str(spec), "--codec", "ffv1", "--out", str(tmp_path / "clip.mkv")]) == 0


def test_every_codec_states_its_container_facts():
    from symbolset import codec

    for name, facts in codec.CODECS.items():
        assert codec.extension(name) == facts["extension"] in codec.DEFAULT_FOR_EXTENSION
    assert codec.DEFAULT_CODEC in codec.BROWSER_PLAYABLE
