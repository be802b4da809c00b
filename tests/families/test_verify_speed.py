"""The fast paths of the families' pixel checks give exactly what the plain computation gives, bit
for bit: these checks decide which composite scenes are sampled, so a changed float could change the
dataset."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from symbolset import record
from symbolset.config import load_config
from symbolset.families import clock
from symbolset.render import render_clip


def _plain_stack_cost(target, region, origin, face, center, hands, k, angle):
    """``clock._stack_cost`` as it was before its integer path: a float32 sum over the region."""
    one = 1 << 4
    x0, y0 = origin
    synth = np.empty(target.shape, np.uint8)
    synth[:] = face
    for j, hand in enumerate(hands):
        end = clock.ray_end(center, hand["length"], angle if j == k else hand["angle"])
        p = (int(round((center[0] - x0 - 0.5) * one)), int(round((center[1] - y0 - 0.5) * one)))
        q = (int(round((end[0] - x0 - 0.5) * one)), int(round((end[1] - y0 - 0.5) * one)))
        cv2.line(synth, p, q, tuple(hand["color"]), hand["width"], cv2.LINE_AA, 4)
    return float(np.abs(synth.astype(np.float32) - target.astype(np.float32))[region.astype(bool)].sum())


def _clock_frames(size, seeds):
    params = load_config("release").params("clock")
    for seed in seeds:
        spec = record.sample_spec("clock", seed, {**params, "width": size, "height": size, "num_frames": 4})
        frames, annotations = render_clip(spec)
        yield spec, frames, annotations


@pytest.mark.parametrize("size", [96, 256, 512])
def test_stack_cost_equals_the_float32_sum(size):
    rng = np.random.default_rng(size)
    checked = 0
    for spec, frames, annotations in _clock_frames(size, range(4)):
        m, c = spec["meta"], spec["meta"]["colors"]
        names = clock.hand_names(spec)
        rays = {el["id"]: el for el in spec["elements"] if el["type"] == "ray"}
        for frame, a in zip(frames, annotations):
            want = clock.expected_hands(spec, a["time"])
            hands = [{"length": float(rays[n]["length"]), "width": int(rays[n]["width"]), "color": clock.cap.rgb(c[n]),
                      "angle": want[n] + rng.normal(0, 2)} for n in names]  # fmt: skip
            center, r0 = tuple(m["center"]), 0.15 * m["radius"]
            for k, hand in enumerate(hands):
                reach = hand["length"] + hand["width"] + 2
                # A tight crop (the one _refine compares) and the whole frame (totals past 2**24 at 512 px).
                for x0, y0, x1, y1 in ((int(center[0] - reach), int(center[1] - reach), int(center[0] + reach) + 1, int(center[1] + reach) + 1),
                                       (0, 0, size, size)):  # fmt: skip
                    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(size, x1), min(size, y1)
                    yy, xx = np.mgrid[y0:y1, x0:x1]
                    rad = np.hypot(xx + 0.5 - center[0], yy + 0.5 - center[1])
                    region = ((rad >= r0) & (rad <= max(reach, (x1 - x0)))).astype(np.uint8)
                    crop = frame[y0:y1, x0:x1]
                    for angle in hand["angle"] + rng.uniform(-40, 40, 6):
                        args = (region, (x0, y0), clock.cap.rgb(c["face"]), center, hands, k, float(angle))
                        want_cost = _plain_stack_cost(crop, *args)
                        canvas = np.empty(crop.shape, np.uint8)
                        canvas[:] = clock.cap.rgb(c["face"])
                        fast = (region, (x0, y0), canvas, center, hands, k, float(angle))
                        assert clock._stack_cost(crop, *fast) == want_cost
                        assert clock._stack_cost(crop.astype(np.float32), *fast) == want_cost
                        checked += 1
    assert checked > 100


def test_read_hands_equals_the_plain_stack_cost(monkeypatch):
    frames_seen, got = 0, []
    cases = list(_clock_frames(256, range(12))) + list(_clock_frames(512, range(3)))
    for spec, frames, _ in cases:
        for frame in frames:
            got.append(clock.read_hands(spec, frame))
            frames_seen += 1
    def plain(target, region, origin, canvas, *rest):
        return _plain_stack_cost(target, region, origin, tuple(int(v) for v in canvas[0, 0]), *rest)

    monkeypatch.setattr(clock, "_stack_cost", plain)
    want = [clock.read_hands(spec, frame) for spec, frames, _ in cases for frame in frames]
    assert frames_seen > 40 and got == want


def _plain_nearest(frame, colors):
    """``ink.nearest_color`` as it was before its float32 path: float64 distances and ``argmin``."""
    c = np.asarray(colors, np.float64)
    d = (c * c).sum(axis=-1) - 2.0 * (frame.reshape(-1, 3).astype(np.float64) @ c.T)
    return d.argmin(axis=-1).reshape(frame.shape[:2])


def test_nearest_color_equals_the_float64_argmin():
    rng = np.random.default_rng(7)
    frames = [f for _, clip, _ in _clock_frames(256, range(3)) for f in clip]
    frames.append(rng.integers(0, 256, (61, 47, 3), np.uint8))
    frames.append(frames[0][3:200:2, 5:201])  # a strided view
    frames.append(np.full((9, 9, 3), 100, np.uint8))  # every pixel equally far from two colours below
    palettes = [[(100, 90, 100), (100, 110, 100), (90, 100, 100)], [(0, 0, 0)], [(255, 255, 255), (0, 0, 0), (255, 0, 0)],
                [tuple(int(v) for v in rng.integers(0, 256, 3)) for _ in range(40)], rng.integers(0, 256, (7, 3)).tolist()]  # fmt: skip
    for frame in frames:
        for colors in palettes:
            got = clock.common.nearest_color(frame, colors)
            want = _plain_nearest(frame, colors)
            assert got.dtype == want.dtype and np.array_equal(got, want)
    # Colours that are no 8-bit pixel, and a float frame, take the float64 path.
    for frame, colors in ((frames[-2], [(10.5, 0, 0), (200, 200, 200)]), (frames[-2].astype(np.float32), [(0, 0, 0), (255, 255, 255)])):
        assert np.array_equal(clock.common.nearest_color(frame, colors), _plain_nearest(frame, colors))
