"""text_motion: its rule check catches a jump and changed content."""

from __future__ import annotations

import numpy as np
from clips import clip

from symbolset import families


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
