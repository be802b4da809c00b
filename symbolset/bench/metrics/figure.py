"""Figures judged whole: constructions, plots and charts carried onto the spec's canvas
(:mod:`.geometric`) are right only when every part is where the spec puts it and nothing else is
drawn.

- :func:`segments_score`: the worst straight edge of the expected polylines, by how fully edge
  pixels line it (geometry: a moved vertex breaks the two edges meeting there).
- :func:`marks_score`: the worst mark of a plot or chart (axes, curve, bars, line, markers), by how
  fully edge pixels line its outline where the spec's values put it.
- :func:`precision_score`: the share of the figure's edge pixels that lie where the spec's frame
  puts ink (:func:`explained`) -- what a model drew that the spec lacks.
- :func:`crossing`: where the spec's straight strokes (lines, hands) lie, so that a reader of one
  shape leaves out what another stroke drawn across it hides (a clock's hub under its hands).
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from . import locate


def shapes_of(annotation: dict) -> list[dict]:
    """The annotation's shapes a reader judges (all but the text cursor)."""
    return [s for s in annotation["shapes"] if s["type"] != "cursor"]


def _edge_cover(dist: np.ndarray, p: np.ndarray, q: np.ndarray, width: float) -> float:
    """Share of the points along the middle 80% of edge ``p``-``q`` within ``1.5 + width / 2`` px
    of an edge pixel (``dist``: :func:`.locate.edge_distance`); points off the frame count as uncovered."""
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
    rest). None when no edge is long enough. ``dist``: the frame's :func:`.locate.edge_distance`, when
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
    dist = locate.edge_distance(frame) if dist is None else dist
    return min(min(1.0, max(0.0, (_edge_cover(dist, p, q, width) - 0.5) / 0.4)) for p, q, width in segs)


def _fixed(point) -> tuple[int, int]:
    """A canvas point (pixel centres at +0.5) in cv2's 4-bit fixed point."""
    return tuple(int(v) for v in np.round((np.asarray(point, float) - 0.5) * 16))


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


def crossing(shapes: list[dict], shape: tuple[int, int], skip: str | None = None, tol: float = 2.0) -> np.ndarray:
    """Mask (``shape``) of where the straight strokes of ``shapes`` (rays and polylines, other than
    element ``skip``) lie, each drawn ``width + 2 * tol`` px thick: where an outline another stroke
    is drawn across (a clock's hub under its hands, which end in round caps there) has no edge of
    its own to read."""
    mask = np.zeros(shape, np.uint8)
    for s in shapes:
        p = s["params"]
        if s.get("element") == skip or s["type"] not in ("ray", "polyline"):
            continue
        t = max(1, int(round(float(p.get("width", 2)) + 2 * tol)))
        pts = [p["origin"], p["end"]] if s["type"] == "ray" else p["points"]
        cv2.polylines(mask, [np.round((np.asarray(pts, float) - 0.5) * 16).astype(np.int32)], False, 1, t, cv2.LINE_8, 4)
    return mask > 0


def explained(annotation: dict, shape: tuple[int, int], tol: float = 2.0, following: dict | None = None) -> np.ndarray:
    """Mask (``shape``) of where the spec's frame puts ink: its polylines, polygons, circles and
    rays drawn ``width + 2 * tol`` px thick and its text boxes grown by ``tol`` px and a quarter
    of their size (another font may set the text wider); with the
    ``following`` spec frame, its ink too and every ray's sweep between the two."""
    mask = np.zeros(shape, np.uint8)
    later = {s["element"]: s["params"] for s in shapes_of(following)} if following is not None else {}
    for s in shapes_of(annotation) + (shapes_of(following) if following is not None else []):
        p, t = s["params"], int(round(float(s["params"].get("width", 2)) + 2 * tol))
        if s["type"] == "ray":
            for end in _swept(p, later.get(s["element"])):
                cv2.line(mask, _fixed(p["origin"]), _fixed(end), 1, max(1, t), cv2.LINE_8, 4)
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
        gx, gy = tol + 0.25 * (x1 - x0), tol + 0.25 * (y1 - y0)  # another font sets the text wider or taller
        mask[max(0, int(y0 - gy)) : int(y1 + gy) + 1, max(0, int(x0 - gx)) : int(x1 + gx) + 1] = 1
    return mask > 0


def precision_score(edges: np.ndarray, annotation: dict, following: dict | None = None, mask: np.ndarray | None = None) -> float | None:
    """Share of the frame's edge pixels around the figure (within a quarter of its size of the ink
    the spec's frame puts down) that lie where the spec puts ink (:func:`explained`), scored steeply
    ``clip((share - 0.9) / 0.08, 0, 1)``: a stroke drawn where the spec has none (a vertex moved, a
    figure of another prompt, a part drawn before its time) costs; what the ``following`` spec frame
    adds is allowed too (a video between two spec frames is ahead of the earlier one). None when
    there is none. ``mask``: that :func:`explained` mask, when already at hand."""
    mask = explained(annotation, edges.shape, following=following) if mask is None else mask
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


def marks_score(frame: np.ndarray, shapes: list[dict], dist: np.ndarray | None = None, under: list | None = None,
                zoom: float = 1.0) -> float | None:  # fmt: skip
    """How fully edge pixels line the *worst* of a chart's or plot's marks -- each polyline (axes,
    curve, line), polygon (bar, legend key) and circle (marker) of the spec's frame with 8 or more
    outline points, at the place its values give it relative to the rest: per mark the share of
    its outline points (those inside another mark -- a line through a marker -- left out) within ``1.5 + width / 2`` px of an edge pixel, scored
    ``clip((share - 0.5) / 0.4, 0, 1)``. A mark at rest (the same in the spec's frames either side:
    a bar grown to its value, a point drawn) is read as a person reads a value: its *worst
    stretch* (about 16 px of its outline, split at corners) scored the same way, so a bar one or two units off leaves its top bare and scores 0, and a
    moved point its line's stretches beside it. A mark in motion is judged whole only (a video
    between two spec frames shows it between them). None when no mark is large enough.
    ``under``: the :func:`mark_points` of ``shapes``, when already at hand. ``zoom``: canvas px per
    video px where the video was enlarged onto the canvas (a smaller video): its strokes, at least
    one video pixel wide, and its pixel grid are that much coarser there, so the ``1.5 + width / 2``
    px tolerance grows with it (a correct plot at 0.75x lost a curve stretch to it: the upscaled
    stroke's sides lie 1.9-2.9 px from its middle line)."""
    dist = locate.edge_distance(frame) if dist is None else dist
    scores = []
    for xs, ys, inside, seen, width, stretch, rest in mark_points(shapes, dist.shape) if under is None else under:
        near = inside & (dist[ys, xs] <= (1.5 + width / 2) * max(1.0, zoom))
        score = min(1.0, max(0.0, (float(near[seen].mean()) - 0.5) / 0.4))
        for k in np.unique(stretch[seen]) if rest else ():
            part = seen & (stretch == k)
            if part.sum() >= _MIN_STRETCH:
                score = min(score, max(0.0, (float(near[part].mean()) - 0.5) / 0.4))
        scores.append(score)
    return min(scores) if scores else None


_STRETCH = 16.0  # px of stroke a value is read over
_MIN_STRETCH = 6  # samples a stretch needs to be read (shorter ones: a tick, the end of a run)
_CORNER = math.radians(30)  # a turn this sharp ends a stretch (a bar's corner, a line's data point)


def stroke_samples(shape: dict, step: float = 1.0) -> tuple[np.ndarray, np.ndarray] | None:
    """Points every ``step`` px along the middle line of a polyline, polygon (closed) or circle
    (its drawn arc) shape and their stretch numbers: runs between corners (turns of 30 degrees or
    more) cut into pieces of about ``_STRETCH`` px. None for other shapes."""
    p = shape["params"]
    if shape["type"] in ("polyline", "polygon"):
        pts = np.asarray(p["points"], float)
        if shape["type"] == "polygon" and len(pts) > 2:
            pts = np.vstack([pts, pts[:1]])
        mids, run, runs, heading = [], [], [], None
        for a, b in zip(pts, pts[1:]):
            length = math.hypot(*(b - a))
            if length <= 0:
                continue
            angle = math.atan2(b[1] - a[1], b[0] - a[0])
            if heading is not None and abs((angle - heading + math.pi) % (2 * math.pi) - math.pi) >= _CORNER:
                runs.append(run)
                run = []
            heading = angle
            n = max(2, int(length / step) + 1)
            t = np.linspace(0.0, 1.0, n)[:-1]  # the segment's end is the next one's start
            mids.append(a + t[:, None] * (b - a))
            run += [length / max(1, n - 1)] * len(t)
        runs.append(run)
        if not mids:
            return None
        stretch = np.concatenate([_pieces(np.asarray(r), k) for k, r in enumerate(runs) if r])
        return np.concatenate(mids), stretch
    if shape["type"] == "circle":
        r, sweep = float(p["radius"]), float(p.get("sweep", 360.0))
        n = max(8, int(abs(math.radians(sweep)) * r / step) + 1)
        a = np.radians(float(p.get("start", 0.0)) + np.linspace(0.0, sweep, n))
        pts = np.asarray(p["center"], float) + r * np.column_stack([np.cos(a), np.sin(a)])
        return pts, _pieces(np.full(n, abs(math.radians(sweep)) * r / n), 0)
    return None


def _pieces(steps: np.ndarray, run: int) -> np.ndarray:
    """Stretch numbers (``run`` * 1000 + piece) of samples ``steps`` px apart: the run cut into
    equal pieces of about ``_STRETCH`` px."""
    along = np.cumsum(steps) - steps
    count = max(1, int(round(float(steps.sum()) / _STRETCH)))
    return run * 1000 + np.minimum(count - 1, (along / (float(steps.sum()) / count)).astype(int))


def mark_points(shapes: list[dict], shape: tuple[int, int], still: set | None = None) -> list[tuple]:
    """Per mark of ``shapes`` with 8 or more outline points not inside another mark (on a canvas of
    ``shape``): its points' (:func:`stroke_samples`) pixel columns and rows, which lie on the
    canvas, which are not inside another mark (the other polygons and circles, filled: a line
    drawn into a marker has no edge of its own there, right up to the marker's rim), its width,
    their stretch numbers, and whether the mark is at rest (its element in ``still``)."""
    h, w = shape
    fills = []
    for s in shapes:
        mask, p = np.zeros(shape, np.uint8), s["params"]
        if s["type"] == "polygon":
            cv2.fillPoly(mask, [np.round((np.asarray(p["points"], float) - 0.5) * 16).astype(np.int32)], 1, cv2.LINE_8, 4)
        elif s["type"] == "circle":
            c = tuple(int(v) for v in np.round((np.asarray(p["center"], float) - 0.5) * 16))
            cv2.circle(mask, c, int(round(float(p["radius"]) * 16)), 1, -1, cv2.LINE_8, 4)
        fills.append(mask)
    count = np.sum(fills, axis=0) if fills else np.zeros(shape, np.uint8)
    out = []
    for s, own in zip(shapes, fills):
        samples = stroke_samples(s)
        if samples is None:
            continue
        pts, stretch = samples
        width = float(s["params"].get("width", 1))
        xs, ys = np.clip(pts[:, 0].astype(int), 0, w - 1), np.clip(pts[:, 1].astype(int), 0, h - 1)
        inside = (pts[:, 0] >= 0) & (pts[:, 0] < w) & (pts[:, 1] >= 0) & (pts[:, 1] < h)
        seen = ~(inside & ((count - own)[ys, xs] > 0))  # a line through a marker has no edge inside it
        if seen.sum() >= 8:
            out.append((xs, ys, inside, seen, width, stretch, still is not None and s.get("element") in still))
    return out
