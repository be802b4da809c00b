"""Mt (b), symbolic checks read from primitives located in the video, per family.

Nothing is compared at fixed coordinates. Two kinds of reader:

- **Located figure** (clock, geometry, 7-segment): the figure is found in the video and carried
  onto the spec's canvas by the map between its box and the same box in the spec's own render (see
  :mod:`symbolset.bench.metrics.locate`); the spec's readers then run on it. So a clock drawn
  smaller in a corner reads the same time; one with the hands at other angles does not.

  - ``circles`` (any ``circle`` shape of r >= 4 px drawn over >= 90 degrees, e.g. geometry's
    constructions, clock faces): edge pixels within a band around the drawn part of the expected
    arc give the centre (least-squares fit, for arcs of 180 degrees or more) and the radius (their
    median distance from it); error = (|centre shift| + |radius error| - (1 + stroke width / 2)) / r,
    floored at 0 (edges sit half a stroke off the circle); score =
    max(0, 1 - error / 0.2) * share of the arc's 10-degree bins with edge pixels. The circle is
    placed relative to the rest of the figure, so roundness, tangency and incidence (a vertex on a
    circumcircle) are what it checks.
  - ``hands`` (clock): the family's reader finds each hand's angle from its stated colour about the
    located dial's centre; per hand ``max(0, 1 - |angle error| / 15 deg)``, a hand not found 0.
  - ``seven_segment``: the panel is located by its stated colour, the family's decoder reads the
    digits; score = fraction of characters equal to the spec's value at that time.

- **Free-standing** (lanes): line segments (probabilistic Hough on Canny edges) are intersected
  pairwise to find the point most of them meet (the vanishing point, wherever it is); rays fanned
  out below it find the lane lines of the stated colour, each ``S`` (solid: on along >= 80% of
  its visible length) or ``D`` (dashed), left to right. ``lanes`` = share of the segments' length
  passing within 2% of the diagonal of that one point, times ``1 - lev(kinds, spec's kinds) /
  lanes``.

Text, plots, charts, formulas and signs are judged by OCR (:mod:`.ocr`); their ``geo`` is None.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from ...families import clock, seven_segment
from ...families.common import angle_diff
from . import align, locate


_edges = locate.edges


def fit_circle(xs: np.ndarray, ys: np.ndarray) -> tuple[float, float, float]:
    """Least-squares (Kasa) circle through points: (cx, cy, r)."""
    a = np.column_stack([xs, ys, np.ones_like(xs)])
    (d, e, f), *_ = np.linalg.lstsq(a, -(xs**2 + ys**2), rcond=None)
    cx, cy = -d / 2, -e / 2
    return float(cx), float(cy), float(math.sqrt(max(cx * cx + cy * cy - f, 0.0)))


def circle_score(frame: np.ndarray, params: dict) -> float | None:
    """Fit of the edges near one expected circle or arc (see the module docstring)."""
    (cx, cy), r = params["center"], float(params["radius"])
    start, sweep = float(params.get("start", 0.0)), float(params.get("sweep", 360.0))
    if r < 4 or abs(sweep) < 90:
        return None
    edges = _edges(frame)
    band = max(3.0, 0.15 * r) + float(params.get("width", 2)) / 2
    ys, xs = np.nonzero(edges)
    xs, ys = xs + 0.5, ys + 0.5
    angles = np.degrees(np.arctan2(ys - cy, xs - cx)) % 360  # clockwise on screen, as cv2 draws arcs
    along = ((angles - min(start, start + sweep)) % 360) <= abs(sweep) + 5  # on the drawn part of the arc
    near = along & (np.abs(np.hypot(xs - cx, ys - cy) - r) <= band)
    if near.sum() < 8:
        return 0.0
    if abs(sweep) >= 180:  # enough arc to fit the centre too
        fx, fy, _ = fit_circle(xs[near], ys[near])
    else:
        fx, fy = cx, cy
    radius = float(np.median(np.hypot(xs[near] - fx, ys[near] - fy)))  # robust to a stroke crossing the band
    # A stroke's two edges sit half its width either side of the circle: that much (and a pixel) is no error.
    slack = 1.0 + float(params.get("width", 2)) / 2
    error = max(0.0, math.hypot(fx - cx, fy - cy) + abs(radius - r) - slack) / r
    bins = ((angles[near] - min(start, start + sweep)) % 360 // 10).astype(int)
    covered = len(np.unique(bins[bins < math.ceil(abs(sweep) / 10)])) / max(1, math.ceil(abs(sweep) / 10))
    return float(max(0.0, 1.0 - error / 0.2) * min(1.0, covered))


def _segments(frame: np.ndarray) -> np.ndarray:
    """Hough line segments ``(N, 4)`` of the frame's edges, none near-horizontal."""
    h, w = frame.shape[:2]
    edges = _edges(frame).astype(np.uint8) * 255
    segs = cv2.HoughLinesP(edges, 1, np.pi / 180, threshold=max(8, h // 16), minLineLength=max(6, h // 12), maxLineGap=max(2, h // 40))
    if segs is None:
        return np.zeros((0, 4))
    segs = segs.reshape(-1, 4).astype(float) + 0.5
    d = segs[:, 2:] - segs[:, :2]
    return segs[np.abs(d[:, 1]) > 0.2 * np.hypot(d[:, 0], d[:, 1])]


def vanishing_point(frame: np.ndarray) -> tuple[np.ndarray, float] | None:
    """(the point most line segments meet, share of the segments' length passing within 2% of the
    diagonal of it); None when fewer than two segments are found."""
    segs = _segments(frame)
    if len(segs) < 2:
        return None
    h, w = frame.shape[:2]
    tol = 0.02 * math.hypot(h, w)
    p, d = segs[:, :2], segs[:, 2:] - segs[:, :2]
    length = np.hypot(d[:, 0], d[:, 1])
    n = np.column_stack([-d[:, 1], d[:, 0]]) / length[:, None]
    off = (n * p).sum(axis=1)
    best, best_vp = -1.0, None
    for a in range(len(segs)):  # every pair's intersection is a candidate (segments are few)
        for b in range(a + 1, len(segs)):
            m = np.array([n[a], n[b]])
            if abs(np.linalg.det(m)) < 1e-3:
                continue
            vp = np.linalg.solve(m, [off[a], off[b]])
            support = length[np.abs(n @ vp - off) <= tol].sum()
            if support > best:
                best, best_vp = support, vp
    return None if best_vp is None else (best_vp, float(best / length.sum()))


def lane_kinds(frame: np.ndarray, vp: np.ndarray, color) -> str:
    """The lane lines of ``color`` (within 40 grey levels) fanning out below ``vp``, left to right
    on screen: ``S`` for a solid line (on along 80% or more of its visible length), ``D`` for dashed."""
    h, w = frame.shape[:2]
    mask = (np.abs(frame.astype(np.int16) - np.asarray(color)).max(axis=-1) <= 40).astype(np.float32)
    angles = np.radians(np.arange(8.0, 172.5, 0.5))  # directions below the horizon through vp (not along it)
    radii = np.arange(0.08 * h, math.hypot(h, w), 0.5)
    xs = (vp[0] + np.cos(angles)[:, None] * radii[None]).astype(np.float32) - 0.5
    ys = (vp[1] + np.sin(angles)[:, None] * radii[None]).astype(np.float32) - 0.5
    inside = (xs >= 0) & (xs <= w - 1) & (ys >= 0) & (ys <= h - 1)
    on = cv2.remap(mask, xs, ys, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0) > 0.5
    on = on | np.roll(on, 1, axis=0) | np.roll(on, -1, axis=0)  # a thin line between two rays
    seen = inside.sum(axis=1)
    cover = np.where(seen > 0, (on & inside).sum(axis=1) / np.maximum(seen, 1), 0.0)
    peaks, k = [], 0
    while k < len(cover):
        if cover[k] < _LANE_MIN:
            k += 1
            continue
        top = k
        while k < len(cover) and cover[k] >= _LANE_MIN:
            top = k if cover[k] > cover[top] else top
            k += 1
        if peaks and top - peaks[-1] < 8:  # within 4 degrees: the same line (a dash gap split it)
            peaks[-1] = top if cover[top] > cover[peaks[-1]] else peaks[-1]
        else:
            peaks.append(top)
    # the ray angle grows clockwise from screen-right, so reversing gives left to right
    return "".join("S" if cover[t] >= _LANE_SOLID else "D" for t in reversed(peaks))


def lanes_score(frame: np.ndarray, spec: dict, annotation: dict) -> float | None:
    """Vanishing-point consistency times the agreement of the lane lines (solid/dashed, left to
    right) seen with the spec's."""
    lanes = sorted((s["params"] for s in annotation["shapes"] if s["type"] == "lane_line"), key=lambda p: p["bottom_x"])
    if len(lanes) < 2:
        return None
    want = "".join("D" if p["dashed"] else "S" for p in lanes)
    color = next(el["color"] for el in spec["elements"] if el["type"] == "lane_line")
    found = vanishing_point(frame)
    if found is None:
        return 0.0
    vp, share = found
    from .ocr import levenshtein

    got = lane_kinds(frame, vp, color)
    return float(share * max(0.0, 1.0 - levenshtein(got, want) / len(want)))


_LANE_MIN, _LANE_SOLID = 0.15, 0.8
_HAND_TOL_DEG = 15.0
_TIME_TOL_DEG = 6.0  # of the finest hand: one minute, or one second
_UNIT = {"hour": 3600.0, "minute": 60.0, "second": 1.0}  # seconds per unit a hand counts
_TURN = {"hour": 12, "minute": 60, "second": 60}  # units per turn
_DIAL = 12 * 3600.0


edge_distance = locate.edge_distance


def _edge_cover(dist: np.ndarray, p: np.ndarray, q: np.ndarray, width: float) -> float:
    """Share of the points along the middle 80% of edge ``p``-``q`` within ``1.5 + width / 2`` px
    of an edge pixel (``dist``: :func:`edge_distance`); points off the frame count as uncovered."""
    h, w = dist.shape
    t = np.linspace(0.1, 0.9, max(4, int(np.hypot(*(q - p)) / 2)))
    pts = p[None, :] + t[:, None] * (q - p)[None, :]
    xs, ys = np.clip(pts[:, 0].astype(int), 0, w - 1), np.clip(pts[:, 1].astype(int), 0, h - 1)
    inside = (pts[:, 0] >= 0) & (pts[:, 0] < w) & (pts[:, 1] >= 0) & (pts[:, 1] < h)
    return float(np.mean(inside & (dist[ys, xs] <= 1.5 + width / 2)))


def segments_score(frame: np.ndarray, shapes: list[dict], dist: np.ndarray | None = None) -> float | None:
    """How fully edge pixels line the *worst* of the straight edges (>= 8 px long) of the expected
    polylines: per edge ``coverage`` (:func:`_edge_cover`) scored steeply ``clip((coverage - 0.5) /
    0.4, 0, 1)``, the frame's score the lowest of them -- a figure with one edge off its place is a
    wrong figure (a vertex moved off its place breaks the two edges meeting there, whatever the
    rest). None when no edge is long enough. ``dist``: the frame's :func:`edge_distance`, when
    already at hand."""
    segs = [
        (np.asarray(p, float), np.asarray(q, float), float(s["params"].get("width", 2)))
        for s in shapes
        if s["type"] == "polyline"
        for p, q in zip(s["params"]["points"], s["params"]["points"][1:])
    ]
    segs = [(p, q, w) for p, q, w in segs if np.hypot(*(q - p)) >= 8]
    if not segs:
        return None
    dist = edge_distance(frame) if dist is None else dist
    return min(min(1.0, max(0.0, (_edge_cover(dist, p, q, width) - 0.5) / 0.4)) for p, q, width in segs)


def _swept(ray: dict, following: dict | None) -> list[list]:
    """The ray's end points from its angle in one spec frame to its angle in the ``following``
    (the same element's ray there), in 8 steps: a hand or compass leg turning between two frames."""
    (ox, oy), (ex, ey) = ray["origin"], ray["end"]
    if following is None:
        return [[ex, ey]]
    a0, length = math.atan2(ey - oy, ex - ox), math.hypot(ex - ox, ey - oy)
    a1 = math.atan2(following["end"][1] - following["origin"][1], following["end"][0] - following["origin"][0])
    turn = (a1 - a0 + math.pi) % (2 * math.pi) - math.pi
    return [[ox + length * math.cos(a0 + k * turn), oy + length * math.sin(a0 + k * turn)] for k in np.linspace(0.0, 1.0, 9)]


def explained(annotation: dict, shape: tuple[int, int], tol: float = 2.0, following: dict | None = None) -> np.ndarray:
    """Mask (``shape``) of where the spec's frame puts ink: its polylines, polygons, circles and
    rays drawn ``width + 2 * tol`` px thick and its text boxes grown by ``tol`` px; with the
    ``following`` spec frame, its ink too and every ray's sweep between the two."""
    mask = np.zeros(shape, np.uint8)
    later = {s["element"]: s["params"] for s in _shapes(following)} if following is not None else {}
    for s in _shapes(annotation) + (_shapes(following) if following is not None else []):
        p, t = s["params"], int(round(float(s["params"].get("width", 2)) + 2 * tol))
        if s["type"] == "ray":
            for end in _swept(p, later.get(s["element"]) if s["element"] in later else None):
                cv2.line(mask, *[tuple(int(v) for v in np.round((np.asarray(q, float) - 0.5) * 16)) for q in (p["origin"], end)], 1, max(1, t), cv2.LINE_8, 4)
        elif s["type"] in ("polyline", "polygon"):
            pts = p["points"]
            closed = s["type"] == "polygon"
            cv2.polylines(mask, [np.round((np.asarray(pts, float) - 0.5) * 16).astype(np.int32)], closed, 1, max(1, t), cv2.LINE_8, 4)
        elif s["type"] == "circle":
            c = np.round((np.asarray(p["center"], float) - 0.5) * 16).astype(int)
            r = int(round(float(p["radius"]) * 16))
            if float(p["radius"]) < 4:  # a dot: filled
                cv2.circle(mask, tuple(c), r + int(16 * tol), 1, -1, cv2.LINE_8, 4)
            else:
                start, sweep = float(p.get("start", 0.0)), float(p.get("sweep", 360.0))
                cv2.ellipse(mask, tuple(c), (r, r), 0, min(start, start + sweep), max(start, start + sweep), 1, max(1, t), cv2.LINE_8, 4)
    for text in annotation.get("texts", []) + (following.get("texts", []) if following is not None else []):
        x0, y0, x1, y1 = text["box"]
        mask[max(0, int(y0 - tol)) : int(y1 + tol) + 1, max(0, int(x0 - tol)) : int(x1 + tol) + 1] = 1
    return mask > 0


def precision_score(edges: np.ndarray, annotation: dict, following: dict | None = None) -> float | None:
    """Share of the frame's edge pixels around the figure (within a quarter of its size of the ink
    the spec's frame puts down) that lie where the spec puts ink (:func:`explained`), scored steeply
    ``clip((share - 0.9) / 0.08, 0, 1)``: a stroke drawn where the spec has none (a vertex moved, a
    figure of another prompt, a part drawn before its time) costs; what the ``following`` spec frame
    adds is allowed too (a video between two spec frames is ahead of the earlier one). None when
    there is none."""
    mask = explained(annotation, edges.shape, following=following)
    ys, xs = np.nonzero(mask)
    if not len(xs):
        return None
    gx, gy = 0.25 * (xs.max() - xs.min()), 0.25 * (ys.max() - ys.min())  # the figure's surroundings: what lies beyond is scenery
    near = np.zeros_like(mask)
    near[max(0, int(ys.min() - gy)) : int(ys.max() + gy) + 1, max(0, int(xs.min() - gx)) : int(xs.max() + gx) + 1] = True
    found = edges & near
    if not found.any():
        return None
    share = float(mask[found].mean())
    return min(1.0, max(0.0, (share - 0.9) / 0.08))


def hands_score(frame: np.ndarray, spec: dict, time: float) -> float | None:
    """Mean over the clock's hands of ``max(0, 1 - |angle error| / 15 deg)`` (0 for a hand not found)."""
    return _hands_vs(clock.read_hands(spec, frame), spec, time)


def _hands_vs(got: dict, spec: dict, time: float) -> float:
    want = clock.expected_hands(spec, time)
    errors = [None if got[n] is None else abs(angle_diff(got[n], want[n])) for n in clock.hand_names(spec)]
    return float(np.mean([0.0 if e is None else max(0.0, 1.0 - e / _HAND_TOL_DEG) for e in errors]))


def read_time(angles: dict, names: list[str]) -> float | None:
    """The time (seconds after 12:00, 0 .. 43200) that hand ``angles`` (degrees clockwise from 12)
    show, read as a person reads a clock: the finest hand gives the time within its turn, each
    coarser hand only its whole unit, rounded against what the finer hands add (so an hour hand a
    little off still reads its hour, one turned by hours does not). None if a hand is missing."""
    if any(angles.get(n) is None for n in names):
        return None
    finest = names[-1]
    t = angles[finest] / 360.0 * _TURN[finest] * _UNIT[finest]
    for n in reversed(names[:-1]):
        t += (round(angles[n] / 360.0 * _TURN[n] - t / _UNIT[n]) % _TURN[n]) * _UNIT[n]
    return t % _DIAL


def time_score(spec: dict, readings: list[dict]) -> float:
    """Share of the video frames whose read time (:func:`read_time` of each frame's hand angles,
    ``readings``, evenly spread over the video) is within the finest hand's ``_TIME_TOL_DEG`` (one
    minute, or one second on a clock with a second hand) of the spec's time (a frame's credit falls
    linearly from 1 at that tolerance to 0 at three times it), the video's timeline
    aligned to the spec's by DTW over a fine grid of the spec's continuous time track (so a clock
    run 20% faster or slower is not wrong). A frame whose hands are not all seen counts wrong."""
    names = clock.hand_names(spec)
    tol = _TIME_TOL_DEG / 360.0 * _TURN[names[-1]] * _UNIT[names[-1]]
    m = spec["meta"]
    end = (spec["num_frames"] - 1) / spec["fps"]
    grid = np.linspace(0.0, end, 8 * max(1, spec["num_frames"] - 1) + 1)
    want = (m["start_seconds"] + m["rate"] * grid) % _DIAL
    got = np.array([np.nan if t is None else t for t in (read_time(r, names) for r in readings)])
    err = np.abs((got[None, :] - want[:, None] + _DIAL / 2) % _DIAL - _DIAL / 2)
    err = np.where(np.isnan(err), _DIAL, err)
    rows = align.best_per_column(-err, align.dtw_path(np.minimum(1.0, err / (10 * tol))))
    return float(np.mean([np.clip((3 * tol - err[i, j]) / (2 * tol), 0.0, 1.0) for j, i in enumerate(rows)]))


def _circles(frame, shapes):
    scores = [circle_score(frame, s["params"]) for s in shapes if s["type"] == "circle"]
    scores = [s for s in scores if s is not None]
    return float(np.mean(scores)) if scores else None


def _shapes(ann: dict) -> list[dict]:
    return [s for s in ann["shapes"] if s["type"] != "cursor"]


def _reader(name: str, spec: dict, frame: np.ndarray, annotations: list[dict], hands: dict | None = None):
    """A function ``i -> score | None`` of one video frame (on the spec's canvas) against spec
    frame ``i``; what does not depend on ``i`` (a reading of the frame) is done once, here.
    ``hands``: the clock's hand angles read from ``frame``, when already at hand."""
    if name == "circles":
        return lambda i: _circles(frame, _shapes(annotations[i]))
    if name == "segments":
        dist = edge_distance(frame)
        return lambda i: segments_score(frame, _shapes(annotations[i]), dist)
    if name == "precision":
        edges = _edges(frame)
        return lambda i: precision_score(edges, annotations[i], annotations[i + 1] if i + 1 < len(annotations) else None)
    if name == "lanes":
        return lambda i: lanes_score(frame, spec, annotations[i])
    if name == "hands":
        got = clock.read_hands(spec, frame) if hands is None else hands
        return lambda i: _hands_vs(got, spec, annotations[i]["time"])
    if name == "seven_segment":
        display = next((el for el in spec["elements"] if el.get("type") == "seven_segment"), None)
        shape = next((s for a in annotations for s in a["shapes"] if s["type"] == "seven_segment"), None)
        if display is None or shape is None:
            return lambda i: None
        panel = next((el for el in spec["elements"] if el.get("type") == "polygon"), None)
        off = display.get("off_color") or (panel["fill"] if panel else spec["background"])
        got = seven_segment.read_display(frame, shape["params"]["digits"], display["color"], off)

        def score(i):
            want = next((s["params"]["text"] for s in annotations[i]["shapes"] if s["type"] == "seven_segment"), "")
            return float(np.mean([a == b for a, b in zip(got, want)])) if want else None

        return score
    raise KeyError(name)


READERS = ("circles", "segments", "lanes", "hands", "seven_segment")
# family -> readers that apply; families not listed have no symbolic reader (OCR judges them)
FAMILY_DETECTORS = {
    "seven_segment": ("seven_segment",),
    "clock": ("circles", "hands"),
    "lanes": ("lanes",),
    "geometry": ("circles", "segments"),
}
# families whose readers need the figure carried onto the spec's canvas
_LOCATED = {"seven_segment", "clock", "geometry"}
_REGISTERED = {"clock", "geometry"}  # ... and then registered on their primitives (locate.register)
_PRECISE = {"geometry"}  # constructions: every reading is capped by precision_score (no stroke the spec lacks)


def _panel_color(spec: dict):
    """The 7-segment panel's fill (its colour is stated in the caption), else None."""
    panel = next((el for el in spec["elements"] if el.get("id") == "panel"), None)
    return panel.get("fill") if panel else None


def _matrix(name: str, spec: dict, frames, annotations: list[dict], hands) -> np.ndarray:
    """Reader ``name``'s score of every video frame (columns) against every spec frame (rows); NaN
    where it does not apply."""
    score = np.full((len(annotations), len(frames)), np.nan)
    for j, frame in enumerate(frames):
        read = _reader(name, spec, frame, annotations, hands[j])
        for i in range(len(annotations)):
            value = read(i) if _shapes(annotations[i]) else None
            score[i, j] = np.nan if value is None else value
    return score


def geometric_scores(spec: dict, frames: list[np.ndarray], spec_frames, annotations: list[dict]) -> dict:
    """Per-reader means and their mean ``geo`` for sampled video ``frames`` (any size, evenly
    spread over the video), against the spec's render ``spec_frames`` / ``annotations`` (every
    frame). Each reader scores every video frame against every spec frame; the two timelines are
    aligned by DTW (:mod:`.align`) and each video frame keeps its best aligned score. None when
    the family has no reader or no frame has annotated shapes; a figure not located scores 0."""
    names = FAMILY_DETECTORS.get(spec["family"], ())
    if not names or not any(_shapes(a) for a in annotations):
        return {"geo": None}
    w, h = spec["width"], spec["height"]
    picks = [int(round(x)) for x in align.norm_times(len(frames)) * (len(spec_frames) - 1)]
    if spec["family"] in _LOCATED:
        color = _panel_color(spec) if spec["family"] == "seven_segment" else None
        src, dst = locate.figure_box(frames, color), locate.figure_box([spec_frames[i] for i in picks], color)
        if dst is None:
            return {"geo": None}
        if src is None:
            return {"geo": 0.0, **{f"geo_{n}": 0.0 for n in names + (("time",) if "hands" in names else ())}}
        matrix = locate.box_map(src, dst)
        if spec["family"] in _REGISTERED:  # fit the spec's own primitives to the edges of the last frame
            matrix = locate.register(frames[-1], _shapes(annotations[picks[-1]]), matrix)
        frames = locate.onto_canvas(frames, matrix, w, h)
    means = {}
    hands = [clock.read_hands(spec, f) for f in frames] if "hands" in names else [None] * len(frames)
    strict = _matrix("precision", spec, frames, annotations, hands) if spec["family"] in _PRECISE else None
    for n in names:
        score = _matrix(n, spec, frames, annotations, hands)
        if strict is not None:  # a reading counts only as far as the figure has no stroke the spec lacks
            score = np.minimum(score, np.nan_to_num(strict, nan=0.0))
        if np.isnan(score).all():
            continue
        filled = np.nan_to_num(score, nan=0.0)
        rows = align.best_per_column(filled, align.dtw_path(1.0 - filled))
        values = [score[i, j] for j, i in enumerate(rows) if not np.isnan(score[i, j])]
        if values:
            means[f"geo_{n}"] = float(np.mean(values))
    if "hands" in names:
        means["geo_time"] = time_score(spec, hands)
    return {"geo": float(np.mean(list(means.values()))) if means else None, **means}
