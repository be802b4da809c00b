"""Mt (b), the lanes family's free-standing reader (no figure to locate: lane lines run off the
frame): line segments (probabilistic Hough on Canny edges) are intersected pairwise to find the
point most of them meet (the vanishing point, wherever it is: the least-squares point of the
segments passing the best crossing); rays fanned out below it find the lane lines of the stated
colour, each ``S`` (solid: on along >= 80% of its visible length, judged over a fan of +-1.5
degrees so that a line a lens or warp bends a little stays solid) or ``D`` (dashed), left to
right. ``lanes`` (:func:`lanes_score`) = share of the segments' length passing within 2% of the
diagonal of that one point, times ``1 - lev(kinds, spec's kinds) / lanes``.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from . import locate

_LANE_MIN, _LANE_SOLID = 0.15, 0.8
_edges = locate.edges


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
    if best_vp is None:
        return None
    # The first pair's crossing with the most support rests on two short segments and may sit a few
    # px off; the lines are read from the length-weighted least-squares point of all the segments it
    # explains (what they agree on), the share is that consensus's.
    inlier = np.abs(n @ best_vp - off) <= tol
    weight = np.sqrt(length[inlier])
    best_vp = np.linalg.lstsq(n[inlier] * weight[:, None], off[inlier] * weight, rcond=None)[0]
    return best_vp, float(best / length.sum())


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
    seen = np.maximum(inside.sum(axis=1), 1)
    # a thin line between two rays; its kind is judged over a wider fan of rays (+-1.5 degrees), so a
    # line bent a little (lens or warp) or a vanishing point found a pixel or two off still reads as
    # solid (a dash's gap is empty across the whole fan)
    near = on | np.roll(on, 1, axis=0) | np.roll(on, -1, axis=0)
    wide = near | np.roll(near, 2, axis=0) | np.roll(near, -2, axis=0)
    cover = (near & inside).sum(axis=1) / seen
    solid = (wide & inside).sum(axis=1) / seen
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
    return "".join("S" if solid[t] >= _LANE_SOLID else "D" for t in reversed(peaks))


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
