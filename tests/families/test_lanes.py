"""lanes: its rule check catches a shifted lane and dashes that jump or change speed."""

from __future__ import annotations

import copy

import pytest
from clips import SEEDS, clip

from symbolset import families
from symbolset.render import render_clip, render_frame


def _lane_shifted(spec: dict, dx: float) -> dict:
    bad = copy.deepcopy(spec)
    el = next(e for e in bad["elements"] if e["type"] == "lane_line")
    el["vanishing_point"] = [el["vanishing_point"][0] + dx, el["vanishing_point"][1]]
    el["bottom_x"] += dx
    return bad


@pytest.mark.parametrize("seed", SEEDS)
def test_lanes_check_catches_a_shifted_lane(seed):
    spec, frames, annotations = clip("lanes", seed)
    bad = frames.copy()
    bad[7] = render_frame(_lane_shifted(spec, 9.0), 7)[0]
    problems = families.get("lanes").verify(spec, bad, annotations)
    assert any(p.startswith("frame 7:") and "vanishing point" in p for p in problems)


def test_lanes_check_catches_jumping_dashes():
    spec, frames, annotations = clip("lanes", 1)
    jumped = copy.deepcopy(spec)
    for el in jumped["elements"]:
        if el.get("dash"):
            el["offset"] = {"keys": [[k[0], k[1] + sum(el["dash"]) / 2] for k in el["offset"]["keys"]], "ease": "linear"}
    bad = frames.copy()
    bad[9] = render_frame(jumped, 9)[0]
    problems = families.get("lanes").verify(spec, bad, annotations)
    assert any(p.startswith("frame 9:") for p in problems)
    # and a spec whose dashes speed up breaks the constant-speed rule in its annotations
    fast = copy.deepcopy(spec)
    for el in fast["elements"]:
        if el.get("dash"):
            (t0, v0), (t1, v1) = el["offset"]["keys"]
            el["offset"]["keys"] = [[t0, v0], [t1 / 2, v0 + (v1 - v0) / 4], [t1, v1]]
    frames2, annotations2 = render_clip(fast)
    assert any("constant" in p for p in families.get("lanes").verify(fast, frames2, annotations2))


# Two roads drawn as a composite dashboard's 470x286 panel that the rule check used to reject: a dashed
# line leaving the frame at the side (its cut rows' ink pulled inward) seen over one dash, whose
# short fit, extrapolated 75 rows to the horizon, missed the vanishing point by 4-6 px although the
# ink lies on the line (OpenCV's anti-aliased fill puts a slanted stroke's centre up to ~0.7 px off).
PANEL = {"width": 470, "height": 286, "num_frames": 32, "fps": 16.0, "options": {}}


@pytest.mark.parametrize("seed", [6329741971911211314, 1175501186847259623])
def test_lanes_rule_holds_for_a_line_leaving_the_frame_seen_over_one_dash(seed):
    import numpy as np

    spec = families.get("lanes").sample(np.random.default_rng(seed), PANEL)
    assert max(el["bottom_x"] for el in spec["elements"] if el["type"] == "lane_line") > spec["width"]
    frames, annotations = render_clip(spec)
    assert families.get("lanes").verify(spec, frames, annotations) == []
    bad = frames.copy()
    bad[5] = render_frame(_lane_shifted(spec, 6.0), 5)[0]  # still caught: a line 6 px off
    assert any(p.startswith("frame 5:") and "vanishing point" in p for p in families.get("lanes").verify(spec, bad, annotations))
