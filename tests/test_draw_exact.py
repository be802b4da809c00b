"""The drawers' and claim measurers' shortcuts give, number for number and pixel for pixel, what the plain
one-point-at-a-time arithmetic they replace gives (generated data must not change by a byte)."""

from __future__ import annotations

import cv2
import numpy as np

from symbolset import render
from symbolset.rounding import rounded


def _lane_reference(canvas, p) -> dict:
    """The lane line drawer as it was: every point through one closure, every number through _round."""
    vx, vy = p["vanishing_point"]
    height = canvas.shape[0]
    span = height - vy

    def at(z, side):
        y = vy + span / z
        u = (y - vy) / span
        return [vx + (p["bottom_x"] - vx) * u + side * p["bottom_width"] * u / 2, y]

    marks = render.lane_geometry(p, height)
    if marks:
        quads = render._fixed([[at(n, -1), at(n, 1), at(f, 1), at(f, -1)] for n, f in marks])
        cv2.fillPoly(canvas, list(quads), render._color(p["color"]), cv2.LINE_AA, render._SHIFT)
    return {
        "element": p["id"],
        "type": "lane_line",
        "params": {
            "vanishing_point": render._round([vx, vy]),
            "bottom_x": round(float(p["bottom_x"]), 3),
            "dashed": p.get("dash") is not None,
            "marks": [render._round(at(n, 0) + at(f, 0)) for n, f in marks],
            "depths": [render._round([n, f], 5) for n, f in marks],
        },
    }


def _lane(rng: np.random.Generator, k: int) -> dict:
    whole = k % 3 == 0  # integer coordinates and widths, as hand-written specs have them
    vx = int(rng.integers(0, 200)) if whole else float(rng.uniform(-50, 250))
    vy = int(rng.integers(20, 120)) if whole else float(rng.uniform(10, 140))
    p = {"id": f"lane{k}", "type": "lane_line", "vanishing_point": [vx, vy], "color": [255, 255, int(rng.integers(0, 256))],
         "bottom_x": int(rng.integers(-40, 240)) if whole else float(rng.uniform(-40, 240)),
         "bottom_width": int(rng.integers(1, 12)) if whole else float(rng.uniform(0.5, 12))}  # fmt: skip
    if k % 4:
        p["dash"] = [float(rng.uniform(0.05, 2)), float(rng.uniform(0.05, 3))]
        p["offset"] = float(rng.uniform(-5, 50))
    return p


def test_lane_lines_draw_and_annotate_as_point_by_point():
    rng = np.random.default_rng(7)
    for k in range(400):
        p = _lane(rng, k)
        base = rng.integers(0, 256, (160, 200, 3), dtype=np.uint8)
        want, got = base.copy(), base.copy()
        expected = _lane_reference(want, p)
        ann = {"texts": [], "shapes": []}
        render._draw_lane_line(got, p, 0.0, ann)
        np.testing.assert_array_equal(got, want, err_msg=str(p))
        assert ann["shapes"] == [expected], p
        for got_marks, want_marks in zip(ann["shapes"][0]["params"]["marks"], expected["params"]["marks"]):
            assert list(map(repr, got_marks)) == list(map(repr, want_marks))  # repr tells -0.0 from 0.0


def test_rounded_reads_any_shape_flat_at_any_digits():
    rng = np.random.default_rng(5)
    values = np.concatenate([rng.uniform(-300, 300, 3000), rng.integers(-3000, 3000, 3000) / 8.0, [0.000005, -0.000005, 2.675, 1.000015]])
    for n in (0, 2, 3, 5):
        want = [round(float(v), n) for v in values]
        assert [repr(v) for v in rounded(values.reshape(-1, 2), n)] == [repr(v) for v in want]


def test_coverage_of_common_colours_measured_once_is_every_pixel_measured():
    from symbolset import record
    from symbolset.claims import measure
    from symbolset.config import load_config
    from symbolset.render import render_clip

    rng = np.random.default_rng(3)
    frames = []
    for _ in range(40):  # few colours and many, in any leading shape and with strides
        h, w = int(rng.integers(40, 200)), int(rng.integers(40, 200))
        palette = rng.integers(0, 256, (int(rng.integers(1, 6)), 3), dtype=np.uint8)
        img = palette[rng.integers(0, len(palette), (h, w))]
        noisy = rng.random((h, w)) < rng.uniform(0, 0.7)
        img[noisy] = rng.integers(0, 256, (int(noisy.sum()), 3), dtype=np.uint8)
        frames += [img, img.reshape(-1, 3), img[None], img[::2, ::3]]
    spec = record.sample_spec("chart", 2, load_config("default").params("chart"))
    frames += list(render_clip(spec)[0][::5])  # drawn frames: bars, ticks, anti-aliased text
    large = 0
    for k, f in enumerate(frames):
        color, base = rng.integers(0, 256, 3).tolist(), rng.integers(0, 256, 3).tolist()
        others = [rng.integers(0, 256, 3).tolist() for _ in range(k % 4)]
        got = measure._coverage(f, color, base, others, 2.0)
        want = measure._each_coverage(f, color, base, others, 2.0)
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_array_equal(got.view(np.uint32), want.view(np.uint32))
        large += f.size >= 3 * measure._MANY
    assert large > 40  # the shortcut was taken
