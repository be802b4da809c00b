"""geometry: its rule check on small panels (a composite classroom's figure at 256 and 384 px scenes)."""

from __future__ import annotations

import numpy as np
import pytest

from symbolset import families
from symbolset.render import render_clip

# Right (or nearly right) triangles, whose circumcentre lies on (or 1.3 px from) side BC: the centre's
# dot, drawn over the side, left a "gap" (or pulled the side's ink 1.26 px off its line) mid-construction.
CASES = [(3202442324374559302, 106, 224), (4640481881783771397, 160, 336), (3884467675032898953, 160, 336)]


@pytest.mark.parametrize("seed,width,height", CASES)
def test_geometry_rule_holds_where_the_centre_dot_lies_on_a_side(seed, width, height):
    params = {"width": width, "height": height, "num_frames": 32, "fps": 16.0, "options": {}}
    spec = families.get("geometry").sample(np.random.default_rng(seed), params)
    m = spec["meta"]
    b, c = np.asarray(m["points"]["B"]), np.asarray(m["points"]["C"])
    (dx, dy), (ex, ey) = c - b, np.asarray(m["center"]) - b
    off = abs(dx * ey - dy * ex) / np.hypot(dx, dy)
    assert m["construction"] == "circumcircle" and off < 2.0  # the centre on (or by) side BC
    frames, annotations = render_clip(spec)
    assert families.get("geometry").verify(spec, frames, annotations) == []
    bad = frames.copy()
    bad[-1] = np.roll(frames[-1], 3, axis=1)  # still caught: the whole figure 3 px off
    assert any(p.startswith(f"frame {len(frames) - 1}:") for p in families.get("geometry").verify(spec, bad, annotations))


def test_held_frames_get_the_verdicts_they_get_checked_alone():
    """verify() reads a held frame's problems off the frame before it: the same as checking each frame alone."""
    params = {"width": 214, "height": 450, "num_frames": 32, "fps": 16.0, "options": {}}
    spec = families.get("geometry").sample(np.random.default_rng(2), params)
    frames, annotations = render_clip(spec)
    bad = frames.copy()
    bad[-2:] = np.roll(frames[-1], 3, axis=1)  # two equal (held) frames, both wrong
    assert sum(np.array_equal(bad[i], bad[i - 1]) for i in range(1, len(bad))) >= 3
    alone = []
    for i in range(len(bad)):
        alone += [p.replace("frame 0:", f"frame {i}:", 1) for p in families.get("geometry").verify(spec, bad[i : i + 1], annotations[i : i + 1])]
    together = families.get("geometry").verify(spec, bad, annotations)
    assert together == alone and any(p.startswith(f"frame {len(bad) - 1}:") for p in together)
