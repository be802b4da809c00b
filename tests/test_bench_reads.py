"""Symbolic reads from located primitives (issue 13, Mt): the time a clock shows, a construction
judged whole, a plot's or chart's marks where its values put them -- the same wherever and however
large the figure is drawn, and clearly wrong when one symbol is."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest
from bench_variants import chart_value_changed, moved, video

from symbolset import codec
from symbolset.bench import variants
from symbolset.bench.corruptions import corrupt
from symbolset.bench.match import EXACT
from symbolset.bench.metrics import geometric, lanes, locate
from symbolset.bench.reference import scale_spec
from symbolset.bench.score import Scorer, sample_indices
from symbolset.layout import iter_rows
from symbolset.render import render_clip
from symbolset.spec import elements_of, validate


def _rows(root, family):
    return [(validate(json.loads(r["spec"])), r) for r in iter_rows(root, None) if r["family"] == family]


def _geo(spec, frames, k=3):
    """The symbolic reads of ``frames`` (k sampled, as `bench run` samples them) against ``spec``."""
    return geometric.geometric_scores(spec, [frames[i] for i in sample_indices(len(frames), k)], *render_clip(spec))


def _legit(spec):
    """Correct re-renders: moved and 10% smaller, and at 1.5x the resolution."""
    w, h = spec["width"], spec["height"]
    return {"moved": video(moved(spec, dx=0.08 * w, dy=-0.06 * h, scale=0.9)), "rescaled": video(scale_spec(spec, w * 3 // 2, h * 3 // 2))}


def test_read_time_reads_hands_as_a_person_does():
    names = ["hour", "minute"]
    assert geometric.read_time({"hour": 110.0, "minute": 240.0}, names) == pytest.approx(3 * 3600 + 40 * 60)  # 3:40
    assert geometric.read_time({"hour": 118.0, "minute": 240.0}, names) == pytest.approx(3 * 3600 + 40 * 60)  # hour hand a little off
    assert geometric.read_time({"hour": 200.0, "minute": 240.0}, names) == pytest.approx(6 * 3600 + 40 * 60)  # turned by 3 hours
    assert geometric.read_time({"hour": 89.9, "minute": 354.0}, names) == pytest.approx(2 * 3600 + 59 * 60)  # just before 3:00
    secs = {"hour": 0.5, "minute": 6.3, "second": 30.0}  # 12:01:05
    assert geometric.read_time(secs, names + ["second"]) == pytest.approx(65.0)
    assert geometric.read_time({"hour": None, "minute": 0.0}, names) is None
    assert "geo_time" in EXACT and "geo_marks" in EXACT and "geo_segments" in EXACT


def test_clock_time_holds_wherever_the_clock_is_drawn_and_fails_when_wrong(tiny_dir):
    spec, row = _rows(tiny_dir, "clock")[0]
    assert _geo(spec, codec.decode(row["video"]["bytes"]))["geo_time"] == 1.0
    for name, frames in _legit(spec).items():
        assert _geo(spec, frames)["geo_time"] == 1.0, name
    slower = variants.retime(spec, 0, low=1.25, high=1.25)  # the same times, 25% slower
    assert _geo(spec, video(slower))["geo_time"] == 1.0
    wrong = _geo(spec, video(variants.shift_time(spec, 0)))  # the hour hand 3-5 hours off
    assert wrong["geo_time"] == 0.0 and wrong["geo"] < 0.6


def _default_spec(family, seed):
    from symbolset.config import load_config
    from symbolset.record import sample_spec

    return sample_spec(family, seed, load_config("default").params(family))


_CLOCK_256 = 4128703675107162117  # generate default's clock-0-000001 (256 px)


def test_a_clock_at_256px_reads_its_own_dial():
    """The hub (r 5.6 px at 256 px, under the round ends of the hands) has no outline of its own to
    read; judging it as a circle scored the clock's own render geo_circles 0.83."""
    spec = _default_spec("clock", _CLOCK_256)
    frames, annotations = render_clip(spec)
    got = _geo(spec, frames)
    assert got["geo_circles"] >= 0.97 and got["geo"] >= 0.97, got
    hub = next(s["params"] for s in annotations[-1]["shapes"] if s["type"] == "circle" and s["params"]["radius"] < 10)
    assert hub["radius"] >= 4  # a circle the reader would judge, were it not under the hands


def test_a_clock_showing_another_time_is_a_wrong_clock():
    """The dial and the minute and second hands right, the hour hand 3-5 hours off: every reading
    of the clock counts only as far as its time is right (it scored geo 0.51 on the hands and dial)."""
    spec = _default_spec("clock", _CLOCK_256)
    w, h = spec["width"], spec["height"]
    assert _geo(spec, video(moved(spec, dx=0.08 * w, dy=-0.06 * h, scale=0.9)))["geo"] >= 0.97
    wrong = _geo(spec, video(variants.shift_time(spec, 0)))
    assert wrong["geo_time"] == 0.0 and wrong["geo"] <= 0.05, wrong


def test_a_construction_is_judged_whole_wherever_it_is_drawn(tiny_dir):
    spec, row = next((s, r) for s, r in _rows(tiny_dir, "geometry") if s["meta"]["construction"] == "circumcircle")
    for name, frames in {"reference": codec.decode(row["video"]["bytes"]), **_legit(spec)}.items():
        got = _geo(spec, frames)
        assert got["geo_segments"] == 1.0 and got["geo_circles"] >= 0.95, (name, got)
    for seed in range(3):  # one vertex moved (its dot and label follow): the figure is wrong
        got = _geo(spec, video(variants.move_vertex(spec, seed)))
        assert got["geo_segments"] == 0.0 and got["geo"] <= 0.2, (seed, got)


def test_a_compass_traced_the_wrong_way_round_costs(tiny_dir):
    spec, _ = next((s, r) for s, r in _rows(tiny_dir, "geometry") if s["meta"]["construction"] == "compass")
    right = _geo(spec, _legit(spec)["moved"], k=5)["geo_circles"]
    wrong = _geo(spec, video(variants.reverse_trace(spec, 0)), k=5)["geo_circles"]
    assert right >= 0.95 and wrong <= 0.5, (right, wrong)


@pytest.mark.parametrize("family", ["plot", "chart"])
def test_marks_sit_where_the_values_put_them(tiny_dir, family):
    rows = _rows(tiny_dir, family)
    spec, row = rows[0]
    for name, frames in {"reference": codec.decode(row["video"]["bytes"]), **_legit(spec)}.items():
        assert _geo(spec, frames)["geo_marks"] >= 0.95, name
    for _, other in rows[1:]:  # another prompt's values (a curve of another function, other bars)
        assert _geo(spec, codec.decode(other["video"]["bytes"]))["geo_marks"] <= 0.4, other["id"]


def test_register_finds_the_scale_and_shift_the_box_missed(tiny_dir):
    spec, _ = next((s, r) for s, r in _rows(tiny_dir, "geometry") if s["meta"]["construction"] == "circumcircle")
    frames, annotations = render_clip(spec)
    truth = np.array([[0.8, 0.0, 20.0], [0.0, 0.8, 9.0]])  # canvas -> video: 20% smaller, shifted
    shown = cv2.warpAffine(frames[-1], truth, (spec["width"], spec["height"]), borderValue=tuple(int(v) for v in frames[-1][0, 0]))
    off = np.array([[1.3, 0.0, -23.0], [0.0, 1.2, -9.0]])  # video -> canvas, a few px and % off the inverse
    got = locate.register(shown, geometric._shapes(annotations[-1]), off)
    inverse = np.array([[1.25, 0.0, -25.0], [0.0, 1.25, -11.25]])
    corners = np.array([[20.0, 20.0, 1.0], [100.0, 100.0, 1.0]])
    assert np.abs(corners @ got.T - corners @ inverse.T).max() < 1.0


@pytest.mark.parametrize("family, seed", [("geometry", 5413101888979391907), ("plot", 5829336150357461600)])
def test_register_leaves_a_default_render_in_place(family, seed):
    """``generate default``'s test clips geometry-0-000001 and plot-0-000001 (256 px), scored as they
    were drawn: a frame's edges lie on a stroke's two sides, and fitting the stroke's middle line to
    them moved the figure 2.5% (geometry) and scored the correct clip 0 (plot: 0.09)."""
    from symbolset.config import load_config
    from symbolset.record import sample_spec

    spec = sample_spec(family, seed, load_config("default").params(family))
    frames, annotations = render_clip(spec)
    got = locate.register(frames[-1], geometric._shapes(annotations[-1]), np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]))
    assert abs(got[0, 0] - 1.0) < 0.01 and abs(got[1, 1] - 1.0) < 0.01
    assert _geo(spec, frames)["geo"] >= 0.95


def test_lane_kinds_hold_under_a_slight_warp_and_change_with_a_swapped_line(tiny_dir):
    """A solid lane line bent a pixel by a smooth warp (the validation's ``geometric`` corruption at
    its lowest severity, with the field that read it dashed before) still reads solid; the prompt
    with one line's kind changed does not read as the prompt."""
    rows = list(iter_rows(tiny_dir, "test"))
    k, row = next((k, r) for k, r in enumerate(rows) if r["family"] == "lanes")
    spec = validate(json.loads(row["spec"]))
    frames = codec.decode(row["video"]["bytes"])
    want = ["D" if el.get("dash") else "S" for el in sorted(elements_of(spec, "lane_line"), key=lambda el: el["bottom_x"])]
    for frame in corrupt("geometric", frames, 1, k, spec)[sample_indices(len(frames), 3)]:
        got = lanes.read_lanes(frame, lanes.lane_colors(spec))
        assert got["share"] >= 0.95 and [kind for kind, _ in got["lines"]] == want
    assert _geo(spec, frames)["geo_lanes"] >= 0.95
    assert _geo(spec, video(variants.swap_lane_kind(spec, 0)))["geo_lanes"] <= 0.6


# generate default's chart-0-000001 (a line chart) and chart-0-000003 (bars)
@pytest.mark.parametrize("seed", [2899441451437692854, 1113130296671699567])
def test_a_chart_with_one_wrong_value_is_a_wrong_chart(seed):
    """One value drawn half a tick step off (its bar or point and its label; the rest right), both
    copies moved and 10% smaller: the finished chart's values are read (a mark at rest by its
    worst stretch, the last frame against the spec's last), and every frame counts only as far as
    they are right. It cost 0.05-0.4 of geo_marks, the early frames (empty axes) being right."""
    spec = _default_spec("chart", seed)
    w, h = spec["width"], spec["height"]
    values = spec["meta"]["data"]["values"]
    k = int(np.argmax(values))
    right = video(moved(spec, dx=0.08 * w, dy=-0.06 * h, scale=0.9))
    wrong = video(moved(chart_value_changed(spec, k, values[k] - spec["meta"]["tick_step"] // 2), dx=0.08 * w, dy=-0.06 * h, scale=0.9))
    assert _geo(spec, right)["geo_marks"] >= 0.97
    assert _geo(spec, wrong)["geo_marks"] <= 0.1
    scorer = Scorer(use_ocr=False, ocr_frames=3)
    prompt = {"spec": spec}
    assert scorer.score(prompt, right)["match"] - scorer.score(prompt, wrong)["match"] >= 0.15


# generate default's plot-0-000011 (y = x^3 + b) and plot-0-000001 (y = 2 exp(-x)), chart-0-000001 (line)
@pytest.mark.parametrize("family,seed", [("plot", 4020022259737131466), ("plot", 5829336150357461600), ("chart", 2899441451437692854)])
def test_a_correct_figure_drawn_smaller_reads_right_and_a_wrong_value_still_does_not(family, seed):
    """A plot or chart at 0.75x (192 px against the prompt's 256): enlarged onto the spec's canvas,
    its strokes and pixel grid are 1.33x coarser, so the marks' and precision's tolerances grow by
    the zoom. With canvas-px tolerances the curve lost a stretch (geo_marks 0.78) or the x axis's
    upper edge counted as ink the spec lacks (0.27). A chart value half a tick step off, drawn as
    small, still reads wrong."""
    spec = _default_spec(family, seed)
    w, h = spec["width"], spec["height"]
    small = scale_spec(spec, w * 3 // 4, h * 3 // 4)
    assert _geo(spec, video(small))["geo_marks"] >= 0.97
    if family == "chart":
        values = spec["meta"]["data"]["values"]
        k = int(np.argmax(values))
        wrong = scale_spec(chart_value_changed(spec, k, values[k] - spec["meta"]["tick_step"] // 2), w * 3 // 4, h * 3 // 4)
        assert _geo(spec, video(wrong))["geo_marks"] <= 0.1


@pytest.mark.parametrize("seed", [2899441451437692854, 1113130296671699567])
def test_the_validations_wrong_chart_has_one_wrong_value_and_scores_clearly_lower(seed):
    """``variants.one_symbol`` of a chart changes one value (its bar or point and its label), not a
    title letter: a changed letter is at the OCR floor (a correct render's persistent misreads cost as
    much; it scored ~0.03 under the legitimate variants), a wrong value is a wrong chart. Scored with
    OCR, against the validation's own moved copy."""
    spec = _default_spec("chart", seed)
    wrong = variants.one_symbol(spec, 0)
    assert wrong["meta"]["variant"]["name"] == "change_value"
    scorer, prompt = Scorer(ocr_frames=3), {"spec": spec}
    right = scorer.score(prompt, video(variants.move(spec, 0)))
    bad = scorer.score(prompt, video(wrong))
    assert bad["geo_marks"] <= 0.1 and right["geo_marks"] >= 0.97
    assert right["match"] - bad["match"] >= 0.15, (right["match"], bad["match"])
