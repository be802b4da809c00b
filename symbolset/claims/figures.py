"""Verifiers for the claims of drawn figures: named colours, counts of drawn marks, circle radii and
polygon angles, each measured on a frame's pixels inside the regions its annotations give.

A claim names its elements (annotation ``element`` ids); the region of an element is the core of
its stroke (circles, polylines, rays), its fill (filled circles, polygons) or its text box.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from ..captions import PALETTE
from .measure import coverage, shape_mask

_SHIFT = 4


def element_region(annotation: dict, elements, shape: tuple[int, int], *, fill: bool = False, grow: float = 0.0) -> np.ndarray:
    """Pixels of ``elements`` in one frame's annotation: the core of each stroke (``grow`` px wider on
    each side), the inside of each filled circle or polygon (with ``fill``), each text's box."""
    mask = np.zeros(shape, np.uint8)
    one = 1 << _SHIFT
    for s in annotation["shapes"]:
        if s["element"] not in elements:
            continue
        p = s["params"]
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


def _blend_residual(pixels: np.ndarray, color, base) -> np.ndarray:
    """Distance of each pixel from the segment between ``base`` and ``color`` (an anti-aliased blend)."""
    b, v = np.asarray(base, np.float32), np.asarray(color, np.float32) - np.asarray(base, np.float32)
    a = np.clip((pixels - b) @ v / max(float(v @ v), 1.0), 0.0, 1.0)
    return np.linalg.norm(pixels - b - a[:, None] * v, axis=-1)


def measured_colour(frame: np.ndarray, annotation: dict, c: dict) -> str | None:
    """The palette name of the claim's colour as the frame shows it; None when its region is empty.

    ``part == "fill"`` (or no elements: the background): the median colour of the region, nearest
    palette colour. ``part == "ink"`` (strokes, text): the palette colour whose blend with ``base``
    explains the region's strongest ink best (median distance from the blend line, in steps of 8
    units; a tie goes to the colour nearest the strongest pixels). ``among``: the palette names the
    family draws this colour from (default: the whole palette)."""
    h, w = frame.shape[:2]
    if c.get("elements"):
        region = element_region(annotation, c["elements"], (h, w), fill=c.get("part") == "fill", grow=-1.0 if c.get("part") == "fill" else 0.0)
    else:  # the background: every pixel away from all drawn elements
        everything = {s["element"] for s in annotation["shapes"]} | {t["element"] for t in annotation["texts"]}
        region = ~element_region(annotation, everything, (h, w), fill=True, grow=3.0)
    if c.get("exclude"):
        region &= ~element_region(annotation, c["exclude"], (h, w), fill=True, grow=c.get("exclude_grow", 2.0))
    pixels = frame[region].astype(np.float32)
    if len(pixels) < 3:
        return None
    names = c.get("among") or list(PALETTE)
    if c.get("part", "fill") == "fill" or not c.get("elements"):
        median = np.median(pixels, axis=0)
        return min(names, key=lambda n: float(np.linalg.norm(median - np.asarray(PALETTE[n][0], np.float32))))
    base = np.asarray(c["base"], np.float32)
    dist = np.linalg.norm(pixels - base, axis=-1)
    top = float(np.percentile(dist, 95))
    strong, peak = pixels[dist >= 0.6 * top], np.median(pixels[dist >= 0.9 * top], axis=0)
    names = [n for n in names if list(PALETTE[n][0]) != list(c["base"])]

    def score(n):  # blend-line fit in steps of 8 units; a tie goes to the colour nearest the strongest ink
        return (round(float(np.median(_blend_residual(strong, PALETTE[n][0], base))) / 8), float(np.linalg.norm(peak - PALETTE[n][0])))

    return min(names, key=score)


def _colour(spec, frames, annotations, c):
    i = c.get("frame", -1)
    got = measured_colour(frames[i], annotations[i], c)
    if got is None:
        return [f"colour of {c['subject']}: nothing of it is drawn at frame {i % len(frames)}"]
    return [] if got == c["name"] else [f"colour of {c['subject']}: the frame shows {got}, caption says {c['name']}"]


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
        keep &= ~element_region(annotations[i], exclude, cov.shape, fill=True, grow=2.0)
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
    return [] if abs(got - c["degrees"]) <= 1.5 else [f"angle {c['subject']}: measured {got:.1f} deg, caption says {c['degrees']} deg"]


VERIFIERS = {"colour": _colour, "count": _count, "radius": _radius, "angle": _angle}
