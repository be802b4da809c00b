"""Captions hold on small, short clips: a chart's bars or points and their value labels are on screen by
the last frame however few frames there are, and the real style's face swap keeps small labels legible."""

from __future__ import annotations

import pytest

from symbolset import families
from symbolset.claims.verify import verify_claims
from symbolset.record import sample_seed, sample_spec
from symbolset.render import render_clip

chart = families.get("chart")


@pytest.mark.parametrize("num_frames", [1, 2, 4, 6, 8])
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


@pytest.mark.parametrize("style", ["flat", "mixed"])
def test_a_one_frame_chart_shows_the_finished_chart_and_says_so(style):
    """With one frame there is no time to grow in: the frame shows every bar (or point) at its value
    with its label (read back off the pixels), and the captions describe a still, not an animation."""
    from symbolset import stage
    from symbolset.claims.figures import chart_values
    from symbolset.record import caption_rng

    kinds = set()
    for k in range(6):
        params = {"width": 160, "height": 160, "num_frames": 1, "fps": 8.0, "options": {}, "style": style}
        spec = sample_spec("chart", sample_seed(3, "chart", k), params)
        card = stage.card(spec)
        m = card["meta"]
        kinds.add(m["kind"])
        frames, annotations = render_clip(card)
        assert [round(v / m["grain"]) * m["grain"] for v in chart_values(card, frames[0])] == m["data"]["values"], f"clip {k}"
        assert {f"value_{i}" for i in range(len(m["data"]["values"]))} <= {t["element"] for t in annotations[0]["texts"]}
        caps = chart.captions(card, caption_rng(0))
        assert "single frame" in caps["en"]["temporal"] and "nothing grows" in caps["en"]["temporal"], caps["en"]["temporal"]
        assert "一帧" in caps["zh"]["temporal"]
        assert "animated" not in caps["en"]["short"] and "动画" not in caps["zh"]["short"]
    assert kinds == {"bar", "line"}


def test_a_long_clip_keeps_its_timing():
    """Where the growth already ends by the last frame nothing is rescaled (tiny/ keeps its bytes)."""
    for k in range(8):
        spec = sample_spec("chart", sample_seed(1, "chart", k), {"width": 160, "height": 160, "num_frames": 16, "fps": 8.0, "options": {}})
        m = spec["meta"]
        assert m["grow"] == round(0.35 * 2.0, 3)
        assert m["t_line"][1] >= 0.65 * 2.0


@pytest.mark.parametrize(("family", "index"), [("plot", 3), ("plot", 2), ("chart", 3), ("chart", 1)])
def test_small_labels_keep_solid_ink_in_a_swapped_face(family, index):
    """The real style's face swap once gave 8 px tick labels a light or italic face whose ink never
    reaches half coverage (a '0' as a faint ring): the quoted text was on the card but not legible."""
    from symbolset import stage

    params = {"width": 128, "height": 128, "num_frames": 4, "fps": 8.0, "options": {}, "style": "mixed"}
    spec = sample_spec(family, sample_seed(2, family, index), params)
    card = stage.card(spec)
    frames, annotations = render_clip(card)
    quoted = [c for c in families.get(family).claims(card) if c["kind"] == "quoted_text"]
    assert quoted and verify_claims(card, frames, annotations, quoted) == []
