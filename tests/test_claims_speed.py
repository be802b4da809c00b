"""The fast paths of claim making give exactly what measuring everything gives: the same floats, bit
for bit (captions are generated data, so a changed last digit would change the dataset)."""

from __future__ import annotations

import numpy as np
import pytest

from symbolset import claims as cl
from symbolset.claims import measure, verify
from symbolset.spec import value_at

_COLOURS = [  # (colour, background, others): luma-separated, chroma-only, on a dark background
    ((200, 30, 30), (255, 255, 255), [(0, 0, 0), (20, 40, 200)]),
    ((120, 120, 40), (110, 130, 60), []),
    ((250, 250, 250), (12, 30, 70), [(255, 220, 0)]),
]


def _scene(rng, shape, background, ink_share):
    """A frame of ``background`` with a share of random pixels (some close to it, some one channel off)."""
    frame = np.empty(shape, np.uint8)
    frame[:] = background
    hit = rng.random(shape[:-1]) < ink_share
    frame[hit] = rng.integers(0, 256, (int(hit.sum()), 3))
    one = rng.random(shape[:-1]) < 0.02
    frame[one, rng.integers(0, 3)] ^= 1
    return frame


@pytest.mark.parametrize("colour,background,others", _COLOURS)
@pytest.mark.parametrize("ink_share", [0.0, 0.05, 0.4, 0.9])
def test_coverage_equals_measuring_every_pixel(colour, background, others, ink_share):
    rng = np.random.default_rng(int(ink_share * 100))
    frame = _scene(rng, (48, 70, 3), background, ink_share)
    for f in (frame, frame[5:40, 3:61], frame[None, 7], frame[:, ::2], frame.reshape(-1, 3), frame.astype(np.float32)):
        for margin in (1.0, 2.0):
            got = measure.coverage(f, colour, background, others, margin)
            want = measure._coverage(f, colour, background, others, margin)
            assert got.dtype == want.dtype and got.shape == want.shape and np.array_equal(got, want)


def test_coverage_of_a_background_that_is_no_pixel_measures_every_pixel():
    frame = np.full((8, 9, 3), 100, np.uint8)
    for background in ([100.5, 100, 100], [300, 0, 0], (100, 100, 100, 0)):
        got = measure.coverage(frame, (0, 0, 0), background[:3])
        assert np.array_equal(got, measure._coverage(frame, (0, 0, 0), background[:3], (), 1.0))


@pytest.mark.parametrize("shape", [(30, 41), (1, 1), (16, 16)])
def test_centroid_equals_the_grid_weighted_mean(shape):
    rng = np.random.default_rng(1)
    for cov in (rng.random(shape, dtype=np.float32), rng.random(shape)):
        m = np.where(cov > 0.15, cov, 0.0)
        yy, xx = np.mgrid[0 : shape[0], 0 : shape[1]]
        want = (
            None if float(m.sum()) < 1.0 else np.array([(m * (xx + 0.5)).sum() / float(m.sum()), (m * (yy + 0.5)).sum() / float(m.sum())])
        )
        got = measure.centroid(cov)
        assert (got is None and want is None) or np.array_equal(got, want)


_TRACKS = [
    {"keys": [[0.0, [[1, 2.5], [3, 4]]], [0.7, [[9, 2.5], [3, 40]]], [1.5, [[9, 7.25], [-3, 40]]]], "ease": "in_out"},
    {"keys": [[0.25, 3], [0.25, 8], [0.9, -2.125], [2.0, 17]]},  # two keys at one time, ints, linear
    {"keys": [[0.1, [0.3, 7]], [0.6, [1.7, -7]]], "ease": "step"},
    {"keys": [[0.5, 1.0]]},
    {"keys": [[0.0, 0.0], [1.0 / 3.0, 1.0], [0.7, 0.1]], "ease": "in_out"},
]


@pytest.mark.parametrize("track", _TRACKS)
def test_track_values_are_value_at_bit_for_bit(track):
    times = [-0.5, 0.0, 0.1, 0.25, 0.5, 0.6, 0.7, 0.9, 1.0 / 3.0, 1.5, 2.0, 3.0, *np.linspace(0.0, 2.0, 57)]
    got = cl.track_values(track, times)
    want = np.stack([np.asarray(value_at(track, t), np.float64) for t in times])
    assert got.dtype == np.float64 and np.array_equal(got, want)


def test_track_values_leaves_strings_constants_and_ragged_keys_to_value_at():
    assert cl.track_values({"keys": [[0.0, "a"], [1.0, "b"]]}, [0.5]) is None
    assert cl.track_values(3.0, [0.5]) is None
    assert cl.track_values({"keys": [[0.0, [1, 2]], [1.0, [1, 2, 3]]]}, [0.5]) is None


@pytest.mark.parametrize("track", _TRACKS + [{"keys": [[0.0, [1, 2]], [0.4, [1, 2, 3]]]}, {"keys": [[0.0, 2], [0.3, 2]]}])
@pytest.mark.parametrize("num_frames", [1, 2, 16])
def test_changing_span_equals_comparing_each_frames_value(track, num_frames):
    spec = {"fps": 8.0, "num_frames": num_frames}
    times = cl.frame_times(spec)
    values = [np.asarray(value_at(track, t), np.float64) for t in times]
    changed = [i for i in range(1, len(times)) if values[i].shape != values[i - 1].shape or np.abs(values[i] - values[i - 1]).max() > 1e-9]
    assert cl.changing_span(spec, track) == ((times[changed[0] - 1], times[changed[-1]]) if changed else None)


@pytest.mark.parametrize("track", _TRACKS)
def test_eased_visibility_equals_stepping_value_at(track):
    start, end = 0.05, 1.9
    flat = {**track, "keys": [[t, np.asarray(v, np.float64)] for t, v in track["keys"]]}
    v0 = np.asarray(value_at(flat, start), np.float64)
    total = float(np.abs(np.asarray(value_at(flat, end), np.float64) - v0).max()) or 1.0
    times = list(np.linspace(start, end, 201))
    done = [float(np.abs(np.asarray(value_at(flat, t), np.float64) - v0).max()) / total for t in times]
    try:
        want = {"visible_from": round(next(t for t, u in zip(times, done) if u >= 0.05), 6),
                "visible_until": round(next(t for t, u in zip(times, done) if u >= 0.95), 6)}  # fmt: skip
    except StopIteration:
        with pytest.raises(StopIteration):
            cl.eased_visibility({}, track, start, end)
        return
    assert cl.eased_visibility({}, track, start, end) == want


def test_changed_pixels_are_those_that_differ_from_the_frame_before():
    rng = np.random.default_rng(2)
    for shape in [(6, 16, 16, 3), (5, 7, 9, 3), (1, 8, 8, 3), (4, 8, 3, 3)]:  # 8-byte words and not
        frames = np.repeat(rng.integers(0, 256, shape[1:], dtype=np.uint8)[None], shape[0], axis=0)
        for i in range(1, shape[0]):
            frames[i:, rng.integers(0, shape[1], 5), rng.integers(0, shape[2], 5), rng.integers(0, 3, 5)] += 1
        ne = (frames[1:] != frames[:-1]).any(axis=-1)
        want_i, want_y, want_x = np.nonzero(ne)
        for f in (frames, frames[:, :, ::-1]):
            index, pixel = measure.changed_pixels(f)
            ne = (f[1:] != f[:-1]).any(axis=-1)
            want_i, want_y, want_x = np.nonzero(ne)
            assert np.array_equal(index, want_i + 1) and np.array_equal(pixel, want_y * shape[2] + want_x)


def _grown_frames(spec, frames, annotations, c):
    """``changes`` of a growing subject as it was: each frame's ink and coverage measured whole."""
    covs = measure.element_coverages(spec, frames, annotations, c, 2.0)
    base = np.asarray(c.get("base", spec["background"]), np.float32)
    scale = float(np.linalg.norm(np.asarray(c["color"], np.float32) - base))
    x0, y0, x1, y1 = measure.claim_region(annotations, c, frames[0].shape[:2]) or (0, 0, frames[0].shape[1], frames[0].shape[0])
    ink = [np.clip(verify._length(f[y0:y1, x0:x1].astype(np.float32) - base) / scale, 0, 1) for f in frames]
    counts = [0] + [int((((ink[i] - ink[i - 1]) > 0.25) & (covs[i][y0:y1, x0:x1] > 0.25)).sum()) for i in range(1, len(frames))]
    return [i for i in range(1, len(frames)) if counts[i] >= verify._MIN_CHANGED]


@pytest.mark.parametrize("family", ["chart", "text_typing", "text_motion"])
def test_growth_frames_equal_measuring_every_frame_whole(family, monkeypatch):
    from symbolset import record
    from symbolset.config import load_config
    from symbolset.render import render_clip

    params = load_config("default").params(family)
    checked = cursors = 0
    for seed in range(4):
        spec = record.sample_spec(family, seed, params)
        frames, ann = render_clip(spec)
        colours = sorted({tuple(e["color"]) for e in spec["elements"] if isinstance(e.get("color"), list)})
        colours += sorted({tuple(e["fill"]) for e in spec["elements"] if isinstance(e.get("fill"), list)})
        texts = [t["element"] for t in ann[-1]["texts"]]
        for colour in colours[:4]:
            claims = [
                {"color": list(colour), "grow_only": True},
                {"color": list(colour), "grow_only": True, "box": [20.5, 30, 200, 180.2], "others": [[0, 0, 0]]},
            ]
            claims += [{"color": list(colour), "grow_only": True, "element": texts[0], "pad": 2}] if texts else []
            shapes = sorted({s["element"] for s in ann[-1]["shapes"] if s["type"] in ("circle", "polyline", "polygon", "ray")})
            claims += (
                [
                    {
                        "color": list(colour),
                        "grow_only": True,
                        "within": shapes[:2],
                        "exclude": shapes[2:3],
                        "reach": 2.5,
                        "box": [10, 10, 220, 250],
                    }
                ]
                if shapes
                else []
            )
            for c in claims:
                got = verify.changes(spec, frames, ann, c)
                with monkeypatch.context() as m:  # the reference measures with the whole-frame coverage
                    m.setattr(measure, "coverage", lambda f, *a: measure._coverage(f, *a))
                    want = _grown_frames(spec, frames, ann, c)
                assert got == want
                wider = np.zeros(frames.shape[:2] + (frames.shape[2] + 1, 3), np.uint8)
                wider[:, :, 1:] = frames
                for f in (list(frames), wider[:, :, 1:]):  # a list, a view that is not contiguous
                    assert verify.changes(spec, f, ann, c) == want
                checked += bool(want)
                cursors += any(s["type"] == "cursor" for a in ann for s in a["shapes"])
    assert checked and (cursors or family != "text_typing")  # some subjects do grow; cursors are cleared


@pytest.mark.parametrize("shape", [(30, 41), (1, 1), (5, 1)])
def test_ink_box_is_the_box_of_the_covered_pixels(shape):
    rng = np.random.default_rng(3)
    for share in (0.0, 0.01, 0.3):
        cov = np.where(rng.random(shape) < share, rng.random(shape), 0.0).astype(np.float32)
        ys, xs = np.nonzero(cov > 0.5)
        want = None if len(xs) == 0 else [int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1]
        assert measure.ink_box(cov) == want


def test_lane_points_are_each_centre_rounded_alone():
    from symbolset import record
    from symbolset.config import load_config
    from symbolset.families import lanes

    params = load_config("default").params("lanes")
    for seed in range(3):
        spec = record.sample_spec("lanes", seed, params)
        h, w = spec["height"], spec["width"]
        patterns = [c for c in lanes.claims(spec) if c["kind"] == "line_pattern"]
        for el, c in zip([e for e in spec["elements"] if e["type"] == "lane_line"], patterns):
            ys = [p[1] for p in c["points"]]
            assert c["points"] == [[round(lanes._line_centre(el, y, h), 2), round(float(y), 2)] for y in ys]
            assert all(2 <= p[0] <= w - 2 for p in c["points"]) and len(ys) > 10
