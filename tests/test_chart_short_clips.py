"""A chart's captions hold on short clips: every bar or point, and its value label, is on screen by
the last frame, however few frames there are (the data and the labels are read there)."""

from __future__ import annotations

import pytest

from symbolset import families
from symbolset.claims.verify import verify_claims
from symbolset.record import sample_seed, sample_spec
from symbolset.render import render_clip

chart = families.get("chart")


@pytest.mark.parametrize("num_frames", [2, 4, 6, 8])
def test_every_claim_holds_on_the_rendered_frames(num_frames):
    kinds = set()
    for k in range(8):
        spec = sample_spec("chart", sample_seed(1, "chart", k), {"width": 160, "height": 160, "num_frames": num_frames, "fps": 8.0, "options": {}})
        kinds.add(spec["meta"]["kind"])
        frames, annotations = render_clip(spec)
        shown = {t["element"] for t in annotations[-1]["texts"]}
        assert {f"value_{i}" for i in range(len(spec["meta"]["data"]["values"]))} <= shown, f"clip {k}"
        assert verify_claims(spec, frames, annotations, chart.claims(spec)) == []
        assert chart.verify(spec, frames, annotations) == []
    assert kinds == {"bar", "line"}


def test_a_long_clip_keeps_its_timing():
    """Where the growth already ends by the last frame nothing is rescaled (tiny/ keeps its bytes)."""
    for k in range(8):
        spec = sample_spec("chart", sample_seed(1, "chart", k), {"width": 160, "height": 160, "num_frames": 16, "fps": 8.0, "options": {}})
        m = spec["meta"]
        assert m["grow"] == round(0.35 * 2.0, 3)
        assert m["t_line"][1] >= 0.65 * 2.0
