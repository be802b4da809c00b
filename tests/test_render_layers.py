"""render_clip's shortcuts (kept canvases of unchanged leading elements, shared annotations of unchanged
elements, polylines prepared once per clip) give exactly what drawing every frame from scratch gives."""

from __future__ import annotations

import numpy as np
import pytest

from symbolset import clipdraw, record, render
from symbolset.render import partial_path, render_clip, render_frame
from symbolset.spec import validate

BG = [250, 250, 240]
FPS = 8.0


def _track(*keys, ease="linear"):
    return {"keys": [list(k) for k in keys], "ease": ease}


def _spec(elements, frames=12, w=120, h=90):
    return validate({"version": 1, "width": w, "height": h, "fps": FPS, "num_frames": frames, "background": BG, "elements": elements})


def _layered() -> dict:
    """Elements that stop and start moving at different frames, in every order, opacity and drawer."""
    wave = [[10 + 4 * k, 40 + 15 * np.sin(k / 2)] for k in range(25)]
    wave = [[round(x, 3), round(float(y), 3)] for x, y in wave]
    return _spec([
        {"id": "road", "type": "polygon", "points": [[0, 60], [120, 60], [120, 90], [0, 90]], "fill": [90, 90, 90]},
        {"id": "early", "type": "circle", "center": _track((0, [20, 20]), (0.25, [40, 25])), "radius": 8, "color": [200, 0, 0], "width": 2},
        {"id": "curve", "type": "polyline", "points": wave, "color": [0, 0, 200], "width": 2, "progress": _track((0.25, 0.0), (1.0, 1.0))},
        {"id": "ring", "type": "polyline", "points": [[60, 10], [90, 15], [80, 35], [55, 30]], "closed": True, "color": [0, 120, 0],
         "width": 3, "progress": _track((0.5, 0.0), (0.875, 1.0)), "opacity": 0.6},
        {"id": "hand", "type": "ray", "origin": [60, 45], "length": 25, "angle": _track((0.0, 0.0), (1.375, 300.0)), "color": [0, 0, 0], "width": 2},
        {"id": "label", "type": "text", "text": "Go 42", "font": "dejavu-sans", "size": 12, "color": [10, 10, 10], "position": [5, 85]},
        {"id": "late", "type": "lane_line", "vanishing_point": [60, 62], "bottom_x": 60, "bottom_width": 6, "color": [255, 255, 255],
         "dash": [0.5, 1.0], "offset": _track((0.75, 0.0), (1.375, 2.0))},
        {"id": "fade", "type": "circle", "center": [100, 70], "radius": 6, "color": [0, 0, 0], "fill": [255, 200, 0],
         "opacity": _track((0.0, 1.0), (0.5, 0.0), (1.0, 0.8))},
    ])  # fmt: skip


def _counting(monkeypatch) -> list:
    calls: list = []
    draw = render._draw_one
    monkeypatch.setattr(render, "_draw_one", lambda canvas, props, t, ann: calls.append(props["id"]) or draw(canvas, props, t, ann))
    return calls


def test_layered_clip_equals_every_frame_drawn_alone(monkeypatch):
    spec = _layered()
    calls = _counting(monkeypatch)
    frames, anns = render_clip(spec)
    # the road (static) once; an element is redrawn only from the first one that changed since the frame before
    assert calls.count("road") == 1 and calls.count("early") < spec["num_frames"] < calls.count("hand") + 2
    assert len(calls) < spec["num_frames"] * (len(spec["elements"]) - 1)
    for i in range(spec["num_frames"]):
        frame, ann = render_frame(spec, i)
        np.testing.assert_array_equal(frame, frames[i], err_msg=f"frame {i}")
        assert ann == anns[i], f"frame {i}"


def test_unchanged_shapes_are_shared_between_frames_and_serialised_once():
    spec = _layered()
    _, anns = render_clip(spec)
    by_id = [{s["element"]: s for s in a["shapes"]} for a in anns]
    assert by_id[5]["early"] is by_id[4]["early"] and by_id[5]["hand"] is not by_id[4]["hand"]
    assert by_id[11]["curve"] is by_id[10]["curve"]  # drawn on by 1.0 s: held since
    rows = record.annotations_for_record(anns)
    assert rows[5]["shapes"][1] is rows[4]["shapes"][1]  # one JSON text for a held shape
    assert [r["shapes"] for r in rows] == [[{**s, "params": record.json.dumps(s["params"], sort_keys=True, separators=(",", ":"))}
                                            for s in a["shapes"]] for a in anns]  # fmt: skip


def _walk(points, fraction):
    """The first ``fraction`` of a polyline by walking its segments (the definition partial_path keeps)."""
    pts = np.asarray(points, np.float64)
    if fraction >= 1:
        return pts.tolist()
    seg = np.linalg.norm(np.diff(pts, axis=0), axis=1)
    target = fraction * seg.sum()
    out, run = [pts[0].tolist()], 0.0
    for p, q, length in zip(pts, pts[1:], seg):
        if run + length >= target:
            u = (target - run) / length if length else 0.0
            out.append((p + (q - p) * u).tolist())
            return out
        out.append(q.tolist())
        run += length
    return out


@pytest.mark.parametrize("seed", range(6))
def test_partial_path_is_the_walk_bit_for_bit(seed):
    rng = np.random.default_rng(seed)
    points = np.round(rng.uniform(0, 200, (int(rng.integers(2, 80)), 2)), 3).tolist()
    points[3:5] = [points[2], points[2]] if len(points) > 5 else points[3:5]  # zero-length segments
    fractions = [0.0, 1e-12, 0.5, 1 - 1e-16, 1.0, 1.5, *rng.uniform(0, 1, 200).tolist()]
    for f in fractions:
        assert partial_path(points, f) == _walk(points, f), f


def test_a_curve_drawn_on_in_a_clip_matches_frames_drawn_alone():
    points = [[float(x), round(45 + 30 * np.cos(x / 9), 3)] for x in range(5, 115, 3)]
    spec = _spec([{"id": "c", "type": "polyline", "points": points, "color": [0, 0, 0], "width": 2,
                   "progress": _track((0.0, 0.0), (1.25, 1.0))}], frames=12)  # fmt: skip
    frames, anns = render_clip(spec)
    for i in (0, 1, 5, 9, 11):
        frame, ann = render_frame(spec, i)
        np.testing.assert_array_equal(frame, frames[i])
        assert ann == anns[i]
        assert ann["shapes"][0]["params"]["points"] == [[round(x, 3), round(y, 3)] for x, y in _walk(points, min(i / FPS / 1.25, 1.0))]


def test_polyline_params_json_is_json_dumps_whatever_the_coordinates():
    shared = [[1.5, 2.25], [3.0, -0.0]]
    frames = [
        {"frame": i, "time": i / 8, "texts": [], "shapes": [
            {"element": "c", "type": "polyline", "params": {"points": shared + [[4.125 + i, 5.0]], "width": 2}},
            {"element": "d", "type": "polyline", "params": {"points": [[1, 2.5], [3.0, 4.0]], "width": 3}},  # an int
            {"element": "e", "type": "polyline", "params": {"points": [[float("inf"), 2.5], [3.0, 4.0]], "width": 1.5}},
            {"element": "f", "type": "polyline", "params": {"points": [[1e-7, 1e22], [3.0, 4.0]], "width": 1}},
        ]}
        for i in range(3)
    ]  # fmt: skip
    rows = record.annotations_for_record(frames)
    for frame, row in zip(frames, rows):
        assert [s["params"] for s in row["shapes"]] == [
            record.json.dumps(s["params"], sort_keys=True, separators=(",", ":")) for s in frame["shapes"]
        ]


def _overlapping() -> dict:
    """A small mover under and beside still elements drawn after it: some overlap its path, some never do."""
    return _spec([
        {"id": "dot", "type": "circle", "center": _track((0.0, [10, 10]), (1.375, [45, 25])), "radius": 5, "color": [200, 0, 0], "width": 2,
         "fill": [255, 200, 200]},
        {"id": "num", "type": "text", "text": "12", "font": "dejavu-sans", "size": 11, "color": [0, 0, 0],
         "opacity": _track((0.0, 0.0), (0.5, 1.0), ease="step"), "position": _track((0.0, [5, 50]), (1.0, [8, 52]), ease="step")},
        # a changed text (it appears, then moves): its ink is found before the frame is drawn
        {"id": "over", "type": "polygon", "points": [[35, 15], [50, 15], [50, 40], [35, 40]], "fill": [0, 90, 200]},  # the dot passes under it
        {"id": "far", "type": "text", "text": "Far 7", "font": "dejavu-sans", "size": 12, "color": [10, 10, 10], "position": [70, 80]},
        {"id": "tick", "type": "polyline", "points": [[5, 70], [40, 85]], "color": [0, 0, 0], "width": 3},
        {"id": "hand", "type": "ray", "origin": [100, 30], "length": 15, "angle": 45, "color": [0, 120, 0], "width": 2},
        {"id": "seg", "type": "seven_segment", "position": [80, 40], "digit_height": 20, "text": "1:8", "color": [255, 0, 0]},
        {"id": "ring", "type": "circle", "center": [55, 25], "radius": 12, "color": [0, 0, 0], "width": 1, "sweep": 200},  # meets the dot late
    ], frames=12)  # fmt: skip


def test_a_small_change_redraws_only_what_meets_it(monkeypatch):
    spec = _overlapping()
    calls = _counting(monkeypatch)
    frames, anns = render_clip(spec)
    assert calls.count("dot") == spec["num_frames"]  # it changes in every frame
    assert calls.count("far") == calls.count("hand") == calls.count("seg") == calls.count("tick") == 1  # never near the dot: drawn once
    assert 1 < calls.count("over") < spec["num_frames"]  # drawn again only while the dot is under it
    for i in range(spec["num_frames"]):
        frame, ann = render_frame(spec, i)
        np.testing.assert_array_equal(frame, frames[i], err_msg=f"frame {i}")
        assert ann == anns[i], f"frame {i}"


def _states(seed: int) -> list[dict]:
    rng = np.random.default_rng(seed)

    def xy():
        return [round(float(v), 3) for v in rng.uniform(-10, 110, 2)]

    w = int(rng.integers(1, 9))
    return [
        {"id": "a", "type": "polyline", "points": [xy() for _ in range(int(rng.integers(2, 6)))], "color": [0, 0, 0], "width": w,
         "closed": bool(rng.integers(2)), "progress": float(rng.uniform(0.2, 1))},
        {"id": "b", "type": "polygon", "points": [xy() for _ in range(int(rng.integers(3, 7)))], "fill": [0, 0, 0]},
        {"id": "c", "type": "circle", "center": xy(), "radius": float(rng.uniform(1, 40)), "color": [0, 0, 0], "width": w,
         "fill": [9, 9, 9] if rng.integers(2) else None, "start": float(rng.uniform(0, 360)), "sweep": float(rng.uniform(-360, 360))},
        {"id": "d", "type": "ray", "origin": xy(), "length": float(rng.uniform(1, 60)), "angle": float(rng.uniform(0, 360)), "color": [0, 0, 0], "width": w},
        {"id": "e", "type": "seven_segment", "position": xy(), "digit_height": float(rng.uniform(6, 40)), "text": "8.:-1 8"[: int(rng.integers(1, 8))],
         "color": [0, 0, 0], "off_color": [40, 40, 40] if rng.integers(2) else None},
        {"id": "f", "type": "text", "text": "Ag 9", "font": "dejavu-sans", "size": float(rng.integers(6, 30)), "color": [0, 0, 0],
         "position": xy(), "rotation": float(rng.uniform(-40, 40)), "scale": float(rng.uniform(0.3, 2)), "anchor": "left"},
    ]  # fmt: skip


@pytest.mark.parametrize("seed", range(40))
def test_an_extent_holds_every_pixel_its_drawing_changes_on_any_canvas(seed):
    """What the damage rectangles rest on: outside an element's _extent no pixel changes, whatever the canvas holds."""
    rng = np.random.default_rng(1000 + seed)
    canvases = [np.zeros((100, 100, 3), np.uint8), np.full((100, 100, 3), 255, np.uint8), rng.integers(0, 256, (100, 100, 3), dtype=np.uint8)]
    for props in _states(seed):
        for before in canvases:
            canvas, ann = before.copy(), {"texts": [], "shapes": []}
            render._draw_one(canvas, props, 0.0, ann)
            extent = clipdraw._extent(props, ann["texts"])
            if props["type"] != "text":
                assert clipdraw._extent(props, None) == extent
            ys, xs = np.nonzero((canvas != before).any(axis=2))
            if extent is None or not len(xs):
                continue
            assert extent != () and xs.min() >= extent[0] and ys.min() >= extent[1] and xs.max() < extent[2] and ys.max() < extent[3], props
