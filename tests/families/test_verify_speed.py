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
    for spec, frames, anns in _clock_frames(size, range(4)):
        m, c = spec["meta"], spec["meta"]["colors"]
        names = clock.hand_names(spec)
        rays = {el["id"]: el for el in spec["elements"] if el["type"] == "ray"}
        for frame, a in zip(frames, anns):
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


def _plain_color_alpha(frame, color, others, background):
    """``measure.color_alpha`` as it was before it skipped background pixels: every pixel fitted."""
    f = frame.astype(np.float32)

    def fit(c):
        bg = np.asarray(background, np.float32)
        v = np.asarray(c, np.float32) - bg
        a = np.clip(((f - bg) @ v) / max(float(v @ v), 1.0), 0.0, 1.0)
        return a, np.sqrt(((f - bg - a[..., None] * v) ** 2).sum(-1))

    alpha, resid = fit(color)
    own = resid <= 0.25 * float(np.linalg.norm(np.asarray(color, np.float32) - np.asarray(background, np.float32))) + 12
    for o in others:
        if list(o) in (list(color), list(background)):
            continue
        own &= resid < fit(o)[1]
    return np.where(own, alpha, 0.0)


def _bits(a):
    return a.dtype, a.shape, np.ascontiguousarray(a).view(np.uint8).tobytes()


@pytest.mark.parametrize("family", ["geometry", "signage", "plot", "chart", "composite"])
def test_color_alpha_equals_fitting_every_pixel(family):
    from symbolset.claims import measure

    params = load_config("release" if family == "composite" else "default").params(family)
    checked = 0
    for seed in range(2 if family == "composite" else 3):
        spec = record.sample_spec(family, seed, {**params, "num_frames": 3} if family != "composite" else params)
        frames, _ = render_clip(spec)
        for frame in frames[:3]:
            flat = frame.reshape(-1, 3)
            key = (flat[:, 0].astype(np.int32) << 16) | (flat[:, 1].astype(np.int32) << 8) | flat[:, 2]
            values, counts = np.unique(key, return_counts=True)
            common = [((k >> 16) & 255, (k >> 8) & 255, k & 255) for k in values[np.argsort(-counts)][:6].tolist()]
            for background in common[:2] + [tuple(int(v) for v in spec["background"][:3])] if isinstance(spec["background"], list) else common[:2]:
                fits: dict = {}
                for color in common:
                    want = _plain_color_alpha(frame, color, common, background)
                    assert _bits(measure.color_alpha(frame, color, common, background)) == _bits(want)
                    assert _bits(measure.color_alpha(frame, color, common, background, fits)) == _bits(want)
                    assert _bits(measure.color_alpha(frame[::2, 1:], color, common, background)) == _bits(_plain_color_alpha(frame[::2, 1:], color, common, background))
                    checked += 1
    assert checked > 30


def test_color_alpha_of_a_frame_all_background():
    from symbolset.claims import measure

    frame = np.full((20, 30, 3), (250, 245, 230), np.uint8)
    for color, others in (((0, 0, 0), [(200, 30, 30)]), ((255, 255, 255), []), ((250, 245, 230), [(0, 0, 0)])):
        want = _plain_color_alpha(frame, color, others, (250, 245, 230))
        assert _bits(measure.color_alpha(frame, color, others, (250, 245, 230))) == _bits(want)
