"""Construction math of the geometry family: triangle centres, the triangle search, and vertex labels."""

from __future__ import annotations

import math

import numpy as np

from ... import captions as cap
from ...spec import element
from .. import common


def angle_at(p, q, r) -> float:
    """Interior angle at q of triangle pqr, in degrees."""
    a, b = np.subtract(p, q), np.subtract(r, q)
    return math.degrees(math.acos(float(np.clip(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)), -1, 1))))


# How far (degrees) _angle_estimate may be from angle_at, many times over (both round a few products of
# pixel coordinates; the last bits differ as NumPy's dot fuses a multiply-add): near 10^-13 degrees.
_SLACK = 1e-6


def _angle_estimate(p, q, r) -> float:
    """angle_at in plain floats, within :data:`_SLACK` of it (for a triangle whose sides are not 0)."""
    ax, ay, bx, by = p[0] - q[0], p[1] - q[1], r[0] - q[0], r[1] - q[1]
    return math.degrees(math.acos(min(max((ax * bx + ay * by) / (math.hypot(ax, ay) * math.hypot(bx, by)), -1.0), 1.0)))


def circumcircle(a, b, c) -> tuple[list[float], float]:
    """Centre and radius of the circle through a, b, c."""
    ax, ay = a
    bx, by = b
    cx, cy = c
    d = 2 * (ax * (by - cy) + bx * (cy - ay) + cx * (ay - by))
    ux = ((ax * ax + ay * ay) * (by - cy) + (bx * bx + by * by) * (cy - ay) + (cx * cx + cy * cy) * (ay - by)) / d
    uy = ((ax * ax + ay * ay) * (cx - bx) + (bx * bx + by * by) * (ax - cx) + (cx * cx + cy * cy) * (bx - ax)) / d
    return [ux, uy], math.hypot(ax - ux, ay - uy)


def incircle(a, b, c) -> tuple[list[float], float]:
    """Centre and radius of the circle tangent to the three sides."""
    la, lb, lc = math.dist(b, c), math.dist(a, c), math.dist(a, b)
    s = la + lb + lc
    center = [(la * a[0] + lb * b[0] + lc * c[0]) / s, (la * a[1] + lb * b[1] + lc * c[1]) / s]
    area = abs((b[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (b[1] - a[1])) / 2
    return center, 2 * area / s


def _inside(box, w, h, margin) -> bool:
    return box[0] >= margin and box[1] >= margin and box[2] <= w - margin and box[3] <= h - margin


def triangle(rng: np.random.Generator, w: int, h: int, relation: str):
    """A well-shaped triangle whose circum- or incircle fits the canvas: (points, centre, radius, angles)."""
    for _ in range(200):
        pts = [[float(rng.uniform(0.12, 0.88) * w), float(rng.uniform(0.15, 0.88) * h)] for _ in range(3)]
        if min(math.dist(p, q) for p, q in zip(pts, pts[1:] + pts[:1])) < 0.32 * min(w, h):
            continue
        corners = [(pts[2], pts[0], pts[1]), (pts[0], pts[1], pts[2]), (pts[1], pts[2], pts[0])]
        rough = [_angle_estimate(*c) for c in corners]  # most draws fail by degrees: no NumPy angle needed to tell
        if min(rough) < 28 - _SLACK or max(rough) > 115 + _SLACK:
            continue
        angles = [angle_at(*c) for c in corners]
        if min(angles) < 28 or max(angles) > 115:
            continue
        center, r = circumcircle(*pts) if relation == "circumcircle" else incircle(*pts)
        box = [center[0] - r, center[1] - r, center[0] + r, center[1] + r]
        if r >= (0.1 if relation == "circumcircle" else 0.12) * min(w, h) and _inside(box, w, h, 0.04 * min(w, h)):
            pts = [[round(x, 2), round(y, 2)] for x, y in pts]
            center, r = circumcircle(*pts) if relation == "circumcircle" else incircle(*pts)
            return pts, [round(center[0], 4), round(center[1], 4)], round(r, 4), [round(a, 1) for a in angles]
    raise AssertionError("no triangle found")  # pragma: no cover - 200 tries always succeed at these ranges


def label(spec: dict, el_id: str, text: str, font: str, size: int, color: str, at, toward, distance: float, on: float) -> list[float]:
    """Append a label placed ``distance`` px from ``at``, away from the point ``toward``; its centre."""
    d = np.subtract(at, toward)
    d = d / (np.linalg.norm(d) or 1.0)
    cx, cy = at[0] + d[0] * distance, at[1] + d[1] * distance
    spec["elements"].append(element("text", el_id, text=text, font=font, size=size, color=cap.rgb(color),
                                    position=common.centered_text(font, size, text, cx, cy), anchor="center", opacity=common.step_on(on)))  # fmt: skip
    return [round(cx, 3), round(cy, 3)]
