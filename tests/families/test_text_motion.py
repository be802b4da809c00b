"""text_motion: its rule check catches a jump and changed content."""

from __future__ import annotations

import numpy as np
import pytest
from clips import clip, make

from symbolset import families
from symbolset.record import sample_spec
from symbolset.render import render_clip


def test_motion_check_catches_a_jump():
    spec, frames, annotations = clip("text_motion", 1)
    bad = frames.copy()
    shifted = np.empty_like(bad[8])
    shifted[:] = spec["background"]
    shifted[:, 20:] = bad[8][:, :-20]
    bad[8] = shifted
    problems = families.get("text_motion").verify(spec, bad, annotations)
    assert any("jump" in p for p in problems)


def test_motion_check_catches_changed_content():
    spec, frames, annotations = clip("text_motion", 2)
    bad = frames.copy()
    x0, y0, x1, y1 = annotations[5]["texts"][0]["char_boxes"][0]
    bad[5, int(y0) : int(np.ceil(y1)), int(x0) : int(np.ceil(x1))] = spec["background"]
    assert families.get("text_motion").verify(spec, bad, annotations)


# Default-config seeds (``sample_seed(0, "text_motion", i)``, i = 155 and 248) of a wide mixed-script text
# gliding at 128 px: each glyph follows its path to a few hundredths of a pixel, but its ink amount
# swings by up to 15% with the sub-pixel phase (hinted one-pixel stems resampled), and the ink-weighted
# centroid of the whole text swung with it: "the text jumps (2.2 px)" on a smooth glide.
@pytest.mark.parametrize("seed,num_frames", [(8731877586696732041, 12), (1842523944604036426, 16)])
def test_a_smooth_glide_is_not_read_as_a_jump(seed, num_frames):
    spec = sample_spec("text_motion", seed, {"width": 128, "height": 128, "num_frames": num_frames, "fps": 8.0})
    frames, annotations = render_clip(spec)
    assert families.get("text_motion").verify(spec, frames, annotations) == []
    bad = frames.copy()
    k = num_frames // 2
    bad[k] = np.roll(frames[k], 3, axis=1)  # a 3 px jump of one frame (the background is uniform)
    problems = families.get("text_motion").verify(spec, bad, annotations)
    assert any(p.startswith(f"frame {k}: the text jumps") for p in problems), problems


def test_a_jump_of_a_turning_scaling_text_is_caught():
    for seed in range(40):
        spec = make("text_motion", seed)
        if spec["meta"]["motion"] == "rotate+scale":
            break
    frames, annotations = render_clip(spec)
    assert families.get("text_motion").verify(spec, frames, annotations) == []
    bad = frames.copy()
    bad[9] = np.roll(frames[9], -3, axis=0)
    assert any(p.startswith("frame 9: the text jumps") for p in families.get("text_motion").verify(spec, bad, annotations))


@pytest.mark.slow
def test_no_smooth_clip_is_read_as_a_jump():
    """The default config's first 300 text_motion seeds at 128 px and 12 frames (tiny's size) pass the
    rule check: a glide, turn or resize is never read as a jump (two of them were, by the centroid)."""
    from symbolset.record import sample_seed

    problems = []
    for i in range(300):
        spec = sample_spec("text_motion", sample_seed(0, "text_motion", i), {"width": 128, "height": 128, "num_frames": 12, "fps": 8.0})
        frames, annotations = render_clip(spec)
        problems += [f"seed {i}: {p}" for p in families.get("text_motion").verify(spec, frames, annotations)]
    assert problems == []
