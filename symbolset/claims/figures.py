"""Verifiers for the claims of drawn figures: counts of drawn marks, circle radii and
polygon angles, each measured on a frame's pixels inside the regions its annotations give.

A claim names its elements (annotation ``element`` ids); the region of an element is the core of
its stroke (circles, polylines, rays), its fill (filled circles, polygons) or its text box.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from ..captions import rgb
from .measure import color_alpha, coverage, shape_mask

_SHIFT = 4


def shape_box(shape: dict) -> list[float] | None:
    """The box of an annotated shape: its digit cells, quad or points (None when it has none)."""
    p = shape["params"]
    pts = [q for d in p["digits"] for q in (d["cell"][:2], d["cell"][2:])] if "digits" in p else p.get("quad") or p.get("points")
    if not pts:
        return None
    a = np.asarray(pts, np.float64)
    return [float(a[:, 0].min()), float(a[:, 1].min()), float(a[:, 0].max()), float(a[:, 1].max())]


def element_region(annotation: dict, elements, shape: tuple[int, int], *, fill: bool = False, grow: float = 0.0) -> np.ndarray:
    """Pixels of ``elements`` in one frame's annotation: the core of each stroke (``grow`` px wider on
    each side), the inside of each polygon and (with ``fill``) of each circle, each text's box, the
    box of a shape drawn from a quad or cells (a cursor, a display).
    Regions left out of a measurement are their strokes (no ``fill``): an outline circle keeps
    what it encloses."""
    mask = np.zeros(shape, np.uint8)
    one = 1 << _SHIFT
    for s in annotation["shapes"]:
        if s["element"] not in elements:
            continue
        p = s["params"]
        if not {"points", "origin", "center"} & set(p):  # a cursor's quad, a display's cells: their box
            box = shape_box(s)
            if box is not None:
                x0, y0, x1, y1 = box
                mask[max(0, int(y0 - grow)) : max(0, int(math.ceil(y1 + grow))), max(0, int(x0 - grow)) : max(0, int(math.ceil(x1 + grow)))] = 1
            continue
        if s["type"] == "polygon" or (fill and s["type"] == "circle"):
            if s["type"] == "polygon":
                cv2.fillPoly(mask, [np.round(np.asarray(p["points"]) * one).astype(np.int32)], 1, cv2.LINE_8, _SHIFT)
            else:
                centre = tuple(int(round(v * one)) for v in p["center"])
                cv2.circle(mask, centre, int(round(p["radius"] * one)), 1, -1, cv2.LINE_8, _SHIFT)
            if grow < 0:  # keep clear of the anti-aliased rim
                mask = cv2.erode(mask, np.ones((3, 3), np.uint8), iterations=int(math.ceil(-grow)))
            continue
        reach = max(0.5, (float(p.get("width", 1)) - 1) / 2 + grow)
        mask |= shape_mask({"shapes": [s]}, [s["element"]], reach, shape).astype(np.uint8)
    for t in annotation["texts"]:
        if t["element"] in elements:
            x0, y0, x1, y1 = t["box"]
            mask[max(0, int(y0)) : int(math.ceil(y1)), max(0, int(x0)) : int(math.ceil(x1))] = 1
    return mask.astype(bool)


def _count(spec, frames, annotations, c):
    """Each listed element must hold ink of the claim's colour at the frame (coverage summing to 2 px
    within 1 px of its stroke, in its fill or text box); their number is the count."""
    i = c.get("frame", -1)
    frame, ann = frames[i], annotations[i]
    cov = coverage(frame, c["color"], c.get("base", spec["background"]), c.get("others", ()))
    inked = sum(1 for e in c["elements"] if float(cov[element_region(ann, [e], cov.shape, fill=True, grow=1.0)].sum()) >= 2.0)
    return [] if inked == c["count"] == len(c["elements"]) else [f"{c['subject']}: {inked} drawn, caption says {c['count']}"]


def fit_circle(xs: np.ndarray, ys: np.ndarray, weights: np.ndarray) -> tuple[float, float, float]:
    """Weighted least-squares (Kasa) circle through points: (cx, cy, r)."""
    wt = np.sqrt(weights)
    a = np.column_stack([xs, ys, np.ones_like(xs)]) * wt[:, None]
    (d, e, f), *_ = np.linalg.lstsq(a, -(xs**2 + ys**2) * wt, rcond=None)
    cx, cy = -d / 2, -e / 2
    return float(cx), float(cy), float(math.sqrt(max(cx * cx + cy * cy - f, 0.0)))


def _ink_points(frames, annotations, c, elements, color, exclude=()):
    """Centres and coverages of the pixels of ``color`` near the strokes of ``elements`` at the claim's frame."""
    i = c.get("frame", -1)
    cov = coverage(frames[i], color, c.get("base"), c.get("others", ()))
    keep = element_region(annotations[i], elements, cov.shape, grow=2.0)
    if exclude:
        keep &= ~element_region(annotations[i], exclude, cov.shape, fill=False, grow=c.get("exclude_grow", 2.0))
    ys, xs = np.nonzero(keep & (cov > 0.1))
    return xs + 0.5, ys + 0.5, cov[ys, xs].astype(np.float64)


def _radius(spec, frames, annotations, c):
    xs, ys, wt = _ink_points(frames, annotations, {"base": spec["background"], **c}, [c["element"]], c["color"], c.get("exclude", ()))
    if len(xs) < 12:
        return [f"radius of {c['subject']}: too little ink to fit a circle"]
    _, _, r = fit_circle(xs, ys, wt)
    return [] if abs(r - c["px"]) <= 1.0 else [f"radius of {c['subject']}: fitted {r:.2f} px, caption says {c['px']} px"]


def _side_line(xs, ys, wt, p, q):
    """Total-least-squares line through the ink within the middle 70% of segment pq: (point, direction)."""
    p, q = np.asarray(p, np.float64), np.asarray(q, np.float64)
    d = (q - p) / np.linalg.norm(q - p)
    rel = np.column_stack([xs, ys]) - p
    along, off = rel @ d, rel @ np.array([-d[1], d[0]])
    sel = (along > 0.15 * np.linalg.norm(q - p)) & (along < 0.85 * np.linalg.norm(q - p)) & (np.abs(off) < 4)
    if wt[sel].sum() < 4:
        return None
    pts, w = np.column_stack([xs, ys])[sel], wt[sel]
    mean = (pts * w[:, None]).sum(0) / w.sum()
    _, _, vt = np.linalg.svd((pts - mean) * np.sqrt(w)[:, None], full_matrices=False)
    return vt[0] if vt[0] @ d >= 0 else -vt[0]


def _angle(spec, frames, annotations, c):
    """The interior angle at vertex ``index`` of the closed polyline ``element``, from lines fitted to
    the ink of its two sides (away from the vertices and from ``exclude``)."""
    i = c.get("frame", -1)
    shape = next((s for s in annotations[i]["shapes"] if s["element"] == c["element"]), None)
    if shape is None:
        return [f"angle {c['subject']}: {c['element']} is not drawn"]
    pts = shape["params"]["points"]
    n = len(pts) - 1 if pts[0] == pts[-1] else len(pts)
    k = c["index"]
    xs, ys, wt = _ink_points(frames, annotations, {"base": spec["background"], **c}, [c["element"]], c["color"], c.get("exclude", ()))
    a = _side_line(xs, ys, wt, pts[k], pts[(k + 1) % n])
    b = _side_line(xs, ys, wt, pts[k], pts[(k - 1) % n])
    if a is None or b is None:
        return [f"angle {c['subject']}: a side is not inked"]
    got = math.degrees(math.acos(float(np.clip(a @ b, -1.0, 1.0))))
    return [] if abs(got - c["degrees"]) <= 2.0 else [f"angle {c['subject']}: measured {got:.1f} deg, caption says {c['degrees']} deg"]


def _crossing(profile: np.ndarray, row: int, step: int) -> float:
    """Where ``profile`` falls through one half, walking from ``row`` (inside) by ``step``: the edge
    between the last row at or above one half and the next, interpolated (a blurred edge keeps it)."""
    while 0 < row + step < len(profile) and profile[row + step] >= 0.5:
        row += step
    inside, outside = float(profile[row]), float(profile[min(max(row + step, 0), len(profile) - 1)])
    return row + 0.5 + step * (inside - 0.5) / max(inside - outside, 1e-6)


def bar_height(frame: np.ndarray, color, background, x0: float, x1: float, y0: float, y1: float) -> float:
    """Drawn height (px) of the bar annotated as columns x0..x1, rows y0 (top) to y1 (its foot).

    Read from luma (full resolution in 4:2:0 video; the bar's colours differ from the ground by
    >= 40 in luma): the top edge is where the middle columns' coverage falls through one half; an
    anti-aliased fill spreads every edge by the same amount, measured as half the surplus of the
    bar's width between the half crossings of its sides at mid-height."""
    w = np.array([0.299, 0.587, 0.114], np.float32)
    yb = float(np.asarray(background, np.float32) @ w)
    alpha = np.clip((frame.astype(np.float32) @ w - yb) / (float(np.asarray(color, np.float32) @ w) - yb), 0.0, 1.0)
    a, b = int(math.ceil(x0 + 0.2 * (x1 - x0))), int(math.floor(x1 - 0.2 * (x1 - x0)))
    mid = int((y0 + y1) / 2)
    if y1 - y0 < 3 or alpha[mid, a:b].mean() < 0.5:
        return max(0.0, y1 - y0)  # too flat to measure its edges: its annotated height
    top = _crossing(alpha[:, a : max(a + 1, b)].mean(axis=1), mid, -1)
    row = alpha[mid]
    spread = (_crossing(row, int((x0 + x1) / 2), 1) - _crossing(row, int((x0 + x1) / 2), -1) - (x1 - x0)) / 2
    return y1 - top - spread


def _relation(spec, frames, annotations, c):
    """A circle fitted to the circle's ink passes through the polygon's vertices (``circumcircle``:
    the crossings of lines fitted to its sides) or touches its sides (``incircle``), within 1.5 px."""
    base = {"base": spec["background"], **c}
    xs, ys, wt = _ink_points(frames, annotations, base, [c["circle"]], c["circle_color"], c.get("exclude", ()))
    shape = next((s for s in annotations[-1]["shapes"] if s["element"] == c["polygon"]), None)
    if len(xs) < 12 or shape is None:
        return [f"{c['subject']}: the circle or the polygon is not drawn"]
    cx, cy, r = fit_circle(xs, ys, wt)
    pts = shape["params"]["points"]
    n = len(pts) - 1 if pts[0] == pts[-1] else len(pts)
    lx, ly, lw = _ink_points(frames, annotations, base, [c["polygon"]], c["line_color"], list(c.get("exclude", ())) + [c["circle"]])
    sides = []
    for k in range(n):
        p, q = np.asarray(pts[k], np.float64), np.asarray(pts[(k + 1) % n], np.float64)
        d = _side_line(lx, ly, lw, p, q)
        if d is None:
            return [f"{c['subject']}: side {k} is not inked"]
        normal = np.array([-d[1], d[0]])
        near = np.abs((np.column_stack([lx, ly]) - p) @ normal) < 4
        offset = float(((np.column_stack([lx, ly])[near] - p) @ normal * lw[near]).sum() / lw[near].sum())
        sides.append((p + normal * offset, d))
    if c["relation"] == "incircle":
        gaps = [abs(float((np.array([cx, cy]) - p0) @ np.array([-d[1], d[0]]))) - r for p0, d in sides]
    else:
        gaps = []
        for (p0, d0), (p1, d1) in zip(sides[-1:] + sides[:-1], sides):  # side k-1 and side k meet at vertex k
            t = np.linalg.solve(np.column_stack([d0, -d1]), p1 - p0)
            gaps.append(math.dist(p0 + t[0] * d0, (cx, cy)) - r)
    worst = max(gaps, key=abs)
    if abs(worst) > 1.5:
        return [f"{c['subject']}: the fitted circle is {worst:+.2f} px off a {'side' if c['relation'] == 'incircle' else 'vertex'}"]
    return []


def _turn(spec, frames, annotations, c):
    """The ink of ``element`` turns about ``center`` in the stated direction by the stated degrees
    (when given): its centroid's angle, unwrapped frame to frame, within 8 degrees."""
    angles = []
    for i in range(len(frames)):
        cov = coverage(frames[i], c["color"], spec["background"], c.get("others", ()))
        keep = element_region(annotations[i], [c["element"]], cov.shape, fill=True, grow=1.0)
        if c.get("exclude"):
            keep &= ~element_region(annotations[i], c["exclude"], cov.shape, fill=False, grow=2.0)
        ys, xs = np.nonzero(keep & (cov > 0.25))
        if len(xs) == 0:
            continue
        w = cov[ys, xs]
        x, y = float((xs * w).sum() / w.sum()) + 0.5, float((ys * w).sum() / w.sum()) + 0.5
        angles.append(math.degrees(math.atan2(x - c["center"][0], c["center"][1] - y)))  # clockwise from 12 o'clock
    if len(angles) < 2:
        return [f"{c['subject']}: no ink to follow"]
    total = float(np.sum((np.diff(angles) + 180.0) % 360.0 - 180.0))
    if (total > 0) != (c["direction"] == "clockwise") or abs(total) < 5:
        return [f"{c['subject']}: turns {total:+.1f} deg (clockwise positive), caption says {c['direction']}"]
    if c.get("degrees") is not None and abs(abs(total) - c["degrees"]) > 8.0:
        return [f"{c['subject']}: turns {abs(total):.1f} deg, caption says {c['degrees']}"]
    return []


def chart_values(spec: dict, frame: np.ndarray) -> list[float]:
    """Values measured on the pixels: each bar's inked height (or each marker's centre) over the scale."""
    m = spec["meta"]
    box = m["box"]
    scene = [rgb(c) for c in m["colors"].values()]
    out = []
    if m["kind"] == "bar":
        alpha = color_alpha(frame, rgb(m["colors"]["ink"]), scene, spec["background"])
        for cx, top_y in m["points"]:
            cols = alpha[int(box[1]) - 2 : int(math.ceil(box[3])) + 2, int(cx - m["bar_width"] * 0.3) : int(cx + m["bar_width"] * 0.3)]
            # The anti-aliased fill spreads each edge by the same amount; the bar's measured width tells how much.
            row = alpha[int((top_y + box[3]) / 2), int(cx - m["bar_width"]) : int(cx + m["bar_width"]) + 1]
            spread = float(row.sum()) - m["bar_width"] if box[3] - top_y > 3 else 0.0
            out.append((float(np.median(cols.sum(0))) - spread) / m["scale"])
    else:
        alpha = color_alpha(frame, rgb(m["colors"]["accent"]), scene, spec["background"])
        for cx, cy in m["points"]:
            y0 = max(0, int(cy) - 6)
            win = alpha[y0 : int(cy) + 7, int(cx) - 6 : int(cx) + 7]
            rows = np.arange(y0, y0 + win.shape[0]) + 0.5
            mass = win.sum(1)
            out.append((box[3] - float((rows * mass).sum() / max(mass.sum(), 1e-6))) / m["scale"] if mass.sum() > 1 else float("nan"))
    return out


def _data_value(spec, frames, annotations, c):
    """A chart's value as drawn: the bar's inked height (or the marker's centre) over the axis scale."""
    m = spec["meta"]
    if m["kind"] == "bar":
        shape = next(s for s in annotations[-1]["shapes"] if s["element"] == f"bar_{c['index']}")
        xs = [p[0] for p in shape["params"]["points"]]
        ys = [p[1] for p in shape["params"]["points"]]
        height = bar_height(frames[-1], c["color"], spec["background"], min(xs), max(xs), min(ys), max(ys))
        got = height / m["scale"]
    else:
        got = chart_values(spec, frames[-1])[c["index"]]
    if got != got or abs(got - c["value"]) * m["scale"] > 1.0:
        return [f"value of {c['category']!r}: the frame shows {got:.2f}, caption says {c['value']}"]
    return []


def _curve(spec, frames, annotations, c):
    """The inked curve at the claim's frame is the graph of the claim's function (plot's curve check)."""
    from ..families.plot import curve_problems

    i = c["frame"]
    # from luma, and not given to other colours: 4:2:0 video greys a thin curve's chroma (only the
    # curve is drawn inside the plot box, but the strokes of ``exclude`` may reach into its columns)
    cov = coverage(frames[i], c["color"], spec["background"])
    cov[element_region(annotations[i], c.get("exclude", ()), cov.shape, fill=False, grow=1.0)] = 0.0
    return curve_problems(spec, c["function"], frames[i], annotations[i], c.get("amplitude"), f"{c['subject']} at frame {i}", 0.03, cov)


VERIFIERS = {"relation": _relation, "turn": _turn, "curve": _curve, "count": _count, "radius": _radius, "angle": _angle, "data_value": _data_value}
