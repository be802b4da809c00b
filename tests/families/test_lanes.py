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
