"""``compass``: a compass leg (a ray of fixed length) sweeps once around O and traces a circle.
``moving_point``: a point P travels along a circle with its radius OP and the chord QP to a fixed Q."""

from __future__ import annotations

import math

import numpy as np

from ... import captions as cap
from ...spec import element
from .shapes import label


def draw(rng: np.random.Generator, kind: str, w: int, h: int, dur: float) -> dict:
    """Circle, start angle, timing and direction (and, for a moving point, its turns and Q), from ``rng``."""
    r = round(float(rng.uniform(0.22, 0.32)) * min(w, h), 2)
    center = [round(float(rng.uniform(0.42, 0.58)) * w, 2), round(float(rng.uniform(0.45, 0.58)) * h, 2)]
    a0 = float(round(rng.uniform(0, 360), 1))  # compass angle: clockwise from 12 o'clock
    t0 = round(float(rng.uniform(0.0, 0.15)) * dur, 3)
    t1 = round(float(rng.uniform(0.75, 0.95)) * dur, 3)
    direction = 1 if rng.random() < 0.5 else -1
    d = {"radius": r, "center": center, "a0": a0, "t0": t0, "t1": t1, "direction": direction}
    if kind == "moving_point":
        d["turns"] = float(round(rng.uniform(0.35, 0.8), 2)) * direction
        # Q lies 25-50 degrees off the point opposite P's start: nearer, the chord QP starts along the
        # radius OP, through O, and hides it (an offset under 25 degrees moves 25 degrees further out)
        q_offset = float(rng.uniform(-50, 50))
        d["q_offset"] = q_offset if abs(q_offset) >= 25.0 else math.copysign(25.0 + abs(q_offset), q_offset)
    return d


def build(spec: dict, meta: dict, d: dict) -> None:
    """Append the construction's elements to ``spec`` and its values to ``meta`` (deterministic in ``d``)."""
    kind, col, width = meta["construction"], meta["colors"], meta["stroke_width"]
    font, size = meta["label_font"], meta["label_size"]
    r, center, a0, t0, t1, direction = d["radius"], d["center"], d["a0"], d["t0"], d["t1"], d["direction"]
    dot = max(1.5, width * 1.2)
    els = spec["elements"]
    still = spec["num_frames"] == 1  # one frame: the traced circle (the leg back at its start), or P halfway along its turn
    # per frame, the segments the label 'O' keeps clear of: the turning radius and chord; of the compass
    # leg, which sweeps under it by design, where it rests on the last frame
    strokes = []

    def point(a):  # the point of the circle at a compass angle (degrees clockwise from 12 o'clock)
        return [center[0] + r * math.sin(math.radians(a)), center[1] - r * math.cos(math.radians(a))]

    if still:
        t0 = t1 = 0.0
    if kind == "compass":
        els.append(element("circle", "circle", center=center, radius=r, color=cap.rgb(col["circle"]), width=width, start=a0 - 90.0,
                           sweep=360.0 * direction if still else {"keys": [[t0, 0.0], [t1, 360.0 * direction]], "ease": "linear"}))  # fmt: skip
        els.append(element("ray", "leg", origin=center, length=r, color=cap.rgb(col["line"]), width=width,
                           angle=a0 if still else {"keys": [[t0, a0], [t1, a0 + 360.0 * direction]], "ease": "linear"}))  # fmt: skip
        meta.update({"t_start": t0, "t_end": t1})
        last = (spec["num_frames"] - 1) / spec["fps"]
        leg = a0 + 360.0 * direction * (1.0 if still else min(max((last - t0) / max(t1 - t0, 1e-6), 0.0), 1.0))
        strokes = [[(center, point(leg))]]
    else:
        times = [round(i / spec["fps"], 6) for i in range(spec["num_frames"])]

        def progress(t):
            return 0.5 if still else min(max((t - t0) / max(t1 - t0, 1e-6), 0.0), 1.0)

        def angle_at(t):
            return a0 + 360.0 * turns * progress(t)

        def fixed(offset):
            """Q's angle for ``offset`` and P's turn: P stops short of Q (by its dot, Q's dot and a
            margin) so it never hides the fixed point."""
            room = ((a0 + 180.0 + offset - a0) * direction) % 360.0 - math.degrees((2 * dot + 2.0 + 2 * width) / r) - 5.0
            return a0 + 180.0 + offset, math.copysign(min(abs(d["turns"]), math.floor(room / 360.0 * 100) / 100), d["turns"])

        def aside(q_angle, turns):
            """How far (degrees) P on the last frame is from the point opposite Q: near it, the chord
            QP runs along the radius OP and hides it (the angle between them at P is half this)."""
            return abs((a0 + 360.0 * turns * progress(times[-1]) - q_angle) % 360.0 - 180.0)

        q_angle, turns = fixed(d["q_offset"])
        if aside(q_angle, turns) < 50.0:  # Q mirrored about the start's opposite point, if that leaves the radius clearer
            q_angle, turns = max((q_angle, turns), fixed(-d["q_offset"]), key=lambda qt: aside(*qt))
        q = [round(v, 4) for v in point(q_angle)]
        strokes = [((center, point(angle_at(t))), (q, point(angle_at(t)))) for t in times]  # radius OP and chord QP, frame by frame
        chord, point_c = cap.rgb(col["chord"]), cap.rgb(col["point"])
        els.append(element("circle", "circle", center=center, radius=r, color=cap.rgb(col["circle"]), width=width))
        els.append(element("ray", "radius", origin=center, length=r, color=cap.rgb(col["line"]), width=width,
                           angle=angle_at(0.0) if still else {"keys": [[t0, a0], [t1, a0 + 360.0 * turns]], "ease": "linear"}))  # fmt: skip
        els.append(element("polyline", "chord", color=chord, width=width,
                           points={"keys": [[t, [q, [round(v, 4) for v in point(angle_at(t))]]] for t in times], "ease": "linear"}))  # fmt: skip
        els.append(element("circle", "dot_Q", center=q, radius=dot + 0.5, color=chord, width=1, fill=chord))
        els.append(element("circle", "point_P", radius=dot + 1.5, color=point_c, width=1, fill=point_c,
                           center={"keys": [[t, [round(v, 4) for v in point(angle_at(t))]] for t in times], "ease": "linear"}))  # fmt: skip
        meta.update({"t_start": t0, "t_end": t1, "turns": turns, "Q": q, "relation": "P lies on the circle with centre O; OP is a radius and QP a chord"})
    # drawn last, so the turning leg or radius passes under the label instead of cutting its glyph
    away = _label_side(center, size, width, strokes)
    label_at = label(spec, "label_O", "O", font, size, col["label"], center, np.subtract(center, away), size * 0.8, 0.0)
    meta.update({"center": center, "radius": r, "start_angle": a0, "direction": "clockwise" if direction > 0 else "counter-clockwise",
                 "label_anchors": {"O": label_at}, "label_gap": size * 0.8})  # fmt: skip
    if kind == "compass":
        meta["relation"] = "every traced point is at distance r from O"


def _segment_distance(p, a, b) -> float:
    """Distance from point ``p`` to the segment ``a``-``b`` (NumPy's dot, which fuses a multiply-add:
    these exact bits decide ties between label directions). ``np.clip`` of a float is ``min(max())``
    and ``np.linalg.norm`` of a vector is ``sqrt(x.dot(x))``, spelt out here without their overhead."""
    p, a, b = (np.asarray(v, np.float64) for v in (p, a, b))
    ab, pa = b - a, p - a
    u = min(max(float(pa.dot(ab)) / max(float(ab @ ab), 1e-12), 0.0), 1.0)
    d = pa - u * ab
    return math.sqrt(float(d.dot(d)))


# How far (px) an _estimates value may be from _segment_distance, many times over: both round a few
# products of coordinates under 10^4 px (NumPy's dot fuses a multiply-add, so the last bits differ),
# an error near 10^-12 px.
_SLACK = 1e-6


def _estimates(points: list, segments: list) -> np.ndarray:
    """Plain float64 distances from each of ``points`` to each of ``segments`` (points x segments),
    within :data:`_SLACK` of :func:`_segment_distance`, all at once."""
    p = np.asarray(points, np.float64)[:, None, :]
    a, b = (np.asarray([seg[i] for seg in segments], np.float64)[None] for i in (0, 1))
    ab, pa = b - a, p - a
    u = np.clip((pa * ab).sum(-1) / np.maximum((ab * ab).sum(-1), 1e-12), 0.0, 1.0)
    off = pa - u[..., None] * ab
    return np.hypot(off[..., 0], off[..., 1])


def _nearest(p, segments: list, estimates: np.ndarray) -> float:
    """The least :func:`_segment_distance` from ``p`` to ``segments``, bit for bit, measured only on the
    segments whose estimate comes within :data:`_SLACK` of the least (one or two): no other can be nearest."""
    if not segments:
        return math.inf
    est = estimates.tolist()
    reach = min(est) + 2 * _SLACK
    return min(_segment_distance(p, a, b) for (a, b), e in zip(segments, est) if e <= reach)


def _label_side(center, size: int, width: int, strokes: list) -> list[float]:
    """Which way from O its label goes (a direction): down-left, unless a segment of ``strokes`` (per
    frame: the turning radius and the chord) passes within a glyph of that place in some frame; then
    the way, in 15 degree steps, clear of them on the last frame (the finished figure, whose colours
    the captions name) and, among those, farthest from them over all frames. A stroke under a 9 px
    'O' leaves no pixel of the label's colour to read, and the label is hard to read."""
    clear = 0.5 * size + width + 1.0
    every = [seg for frame in strokes for seg in frame]  # the nearest over all frames is the nearest of all segments
    last = len(every) - (len(strokes[-1]) if strokes else 0)  # the last frame's segments: every[last:]

    def rooms(degrees):
        ways = [(math.cos(math.radians(deg)), math.sin(math.radians(deg))) for deg in degrees]
        ats = [(center[0] + d[0] * size * 0.8, center[1] + d[1] * size * 0.8) for d in ways]
        est = _estimates(ats, every) if every else np.zeros((len(ats), 0))
        return [(min(_nearest(at, every[last:], row[last:]), clear), _nearest(at, every, row), list(d)) for d, at, row in zip(ways, ats, est)]

    first = rooms([135.0])[0]  # 135 degrees (y down): the default, down-left; the other ways only when it is not clear
    if first[1] >= clear:
        return [-1.0, 1.0]
    return max([first] + rooms([135.0 + 15.0 * k for k in range(1, 24)]), key=lambda w: w[:2])[2]
