"""Verifiers of how things look and move: the ``colour`` of ink or an area, a ``rotation`` measured by
matching turned ink, the ``pace`` of a glide and a line's solid/dashed ``line_pattern`` (the tolerances
are stated in :data:`symbolset.claims.KINDS`; :mod:`.verify` dispatches to them)."""

from __future__ import annotations

import math

import cv2
import numpy as np

from ..captions import PALETTE
from .measure import centroid, coverage, find, gyration

_EPS = 1e-6


def _palette_name(rgb) -> tuple[str, float]:
    """The palette colour nearest ``rgb`` and its distance (RGB units)."""
    name = min(PALETTE, key=lambda n: float(np.linalg.norm(np.asarray(PALETTE[n][0], np.float64) - rgb)))
    return name, float(np.linalg.norm(np.asarray(PALETTE[name][0], np.float64) - rgb))


# RGB -> (Y, Cb/2, Cr/2) (BT.601): chroma at half weight, since yuv420p keeps it at quarter resolution
_YCC = np.array([[0.299, 0.587, 0.114], [-0.0844, -0.1656, 0.25], [0.25, -0.2094, -0.0406]])


def _blend_misfit(pixels: np.ndarray, base, colour) -> float:
    """Median distance of ``pixels`` from the segment base -> colour (anti-aliased ink lies on it), in luma
    units with chroma at half weight."""
    p, b = pixels @ _YCC.T, np.asarray(base, np.float64) @ _YCC.T
    d = np.asarray(colour, np.float64) @ _YCC.T - b
    alpha = np.clip((p - b) @ d / max(float(d @ d), 1.0), 0.0, 1.0)
    return float(np.median(np.linalg.norm(p - b - alpha[:, None] * d, axis=1)))


def colour(spec, frames, annotations, c):
    """Colour of an element's ink (``part="ink"``: ``element`` or ``box``, with ``base`` the colour beneath)
    or of an area (``box``, ``points``, else the whole frame).

    Thin anti-aliased or chroma-subsampled ink rarely shows its full colour, so ink is judged by its blend
    line: its pixels (those at least half as far from ``base`` as the farthest) must lie on the segment
    from ``base`` to the named colour about as closely as on that to any other palette colour (median
    distance, in luma units with chroma at half weight, at most 1.5 times the best + 6; yuv420p video blurs
    the chroma of thin strokes, so no absolute bound holds). An area's median colour must be nearest the named colour."""
    index = c.get("frame", len(frames) - 1)
    frame = frames[index].astype(np.float64)
    box = c.get("box")
    if box is None and c.get("element"):
        ann = find(annotations[index], c["element"]) or find(annotations[index], c["element"], "shapes")
        if ann is None:
            return [f"colour of {c['subject']}: {c['element']} is not drawn at frame {index}"]
        box = ann.get("box") or _shape_box(ann)
    if "points" in c:
        h, w = frame.shape[:2]
        pixels = np.array([frame[min(max(int(y), 0), h - 1), min(max(int(x), 0), w - 1)] for x, y in c["points"]]).reshape(-1, 3)
    elif box is not None:
        x0, y0, x1, y1 = (int(math.floor(box[0])), int(math.floor(box[1])), int(math.ceil(box[2])), int(math.ceil(box[3])))
        pixels = frame[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)].reshape(-1, 3)
    else:
        pixels = frame.reshape(-1, 3)
    if c.get("part") == "ink":
        away = np.linalg.norm(pixels - np.asarray(c["base"], np.float64), axis=1)
        pixels = pixels[away >= 0.5 * away.max()] if away.max() > 20 else pixels[:0]
        if len(pixels) < 3:
            return [f"colour of {c['subject']}: fewer than 3 inked pixels to measure"]
        misfit = {n: _blend_misfit(pixels, c["base"], rgb) for n, (rgb, _) in PALETTE.items() if list(rgb) != list(c["base"])}
        best = min(misfit, key=misfit.get)
        if misfit.get(c["name"], float("inf")) > 1.5 * misfit[best] + 6:
            return [f"colour of {c['subject']}: its ink lies {misfit.get(c['name'], float('inf')):.1f} units off the blend toward {c['name']}, "
                    f"{misfit[best]:.1f} off that toward {best}"]  # fmt: skip
        return []
    if len(pixels) < 3:
        return [f"colour of {c['subject']}: fewer than 3 pixels to measure"]
    measured = np.median(pixels, axis=0)
    name, dist = _palette_name(measured)
    if name != c["name"] or dist > 60:
        return [f"colour of {c['subject']}: measured {np.round(measured).astype(int).tolist()} ({name}), caption says {c['name']}"]
    return []


def _shape_box(shape: dict) -> list[float] | None:
    """The box of an annotated shape: its digit cells, quad or points."""
    p = shape["params"]
    pts = [q for d in p["digits"] for q in (d["cell"][:2], d["cell"][2:])] if "digits" in p else p.get("quad") or p.get("points")
    if not pts:
        return None
    a = np.asarray(pts, np.float64)
    return [float(a[:, 0].min()), float(a[:, 1].min()), float(a[:, 0].max()), float(a[:, 1].max())]


def rotation(spec, frames, annotations, c):
    """Turn the first frame's ink about its centroid (scaled by the ink's size change, moved onto the last
    frame's centroid) and find the angle that best matches the last frame's ink."""
    base = c.get("base", spec["background"])
    cov0 = coverage(frames[0], c["color"], base, c.get("others", ())).astype(np.float32)
    cov1 = coverage(frames[-1], c["color"], base, c.get("others", ())).astype(np.float32)
    a, b = centroid(cov0), centroid(cov1)
    if a is None or b is None:
        return [f"{c['subject']}: no ink to follow"]
    size = gyration(cov1) / max(gyration(cov0), _EPS)
    h, w = cov1.shape
    norm1 = float(np.sqrt((cov1 * cov1).sum()))

    def match(angle: float) -> float:
        m = cv2.getRotationMatrix2D((float(a[0] - 0.5), float(a[1] - 0.5)), angle, size)  # positive: counter-clockwise on screen
        m[:, 2] += b - a
        turned = cv2.warpAffine(cov0, m, (w, h), flags=cv2.INTER_LINEAR)
        return float((turned * cov1).sum()) / max(float(np.sqrt((turned * turned).sum())) * norm1, _EPS)

    coarse = max(np.arange(-90.0, 90.5, 1.0), key=match)
    best = max(np.arange(coarse - 1.0, coarse + 1.01, 0.1), key=match)
    if abs(best - c["turn"]) > 3.0:
        return [f"{c['subject']}: ink turned {best:+.1f} deg (counter-clockwise positive), caption says {c['turn']:+.1f} deg"]
    return []


def pace(spec, frames, annotations, c):
    """Ink-centroid speed per frame step: its mean over the first and last fifth of the steps against its
    mean over the middle fifth is at least 0.7 for a steady pace and at most 0.6 for easing in and out."""
    base = c.get("base", spec["background"])
    cents = [centroid(coverage(f, c["color"], base, c.get("others", ()))) for f in frames]
    if any(p is None for p in cents) or len(cents) < 6:
        return [f"{c['subject']}: too few frames with ink to measure its pace"]
    speeds = np.linalg.norm(np.diff(np.asarray(cents), axis=0), axis=1)
    n = len(speeds)
    k = max(1, round(0.2 * n))
    ends = float(np.mean(np.concatenate([speeds[:k], speeds[-k:]])))
    mid = float(np.mean(speeds[(n - k) // 2 : (n - k) // 2 + k]))
    ratio = ends / max(mid, _EPS)
    if (c["pace"] == "steady" and ratio < 0.7) or (c["pace"] == "eased" and ratio > 0.6):
        return [f"{c['subject']}: end/middle speed ratio {ratio:.2f}, caption says the pace is {c['pace']}"]
    return []


def line_pattern(spec, frames, annotations, c):
    """Walk the stated centre points of a line in the last frame: a solid line is inked at 90% of them and
    breaks nowhere for more than 2 points; a dashed line has ink at 2 points or more and a stretch of at
    least 2 points without ink."""
    cov = coverage(frames[-1], c["color"], c.get("base", spec["background"]), c.get("others", ()))
    h, w = cov.shape
    inked = [bool(cov[min(max(int(y), 0), h - 1), min(max(int(x), 0), w - 1)] > 0.5) for x, y in c["points"]]
    if len(inked) < 5:
        return [f"{c['subject']}: fewer than 5 points to walk"]
    gap = run = 0  # the longest stretch of points without ink
    for on in inked:
        run = 0 if on else run + 1
        gap = max(gap, run)
    if c["dashed"] and (gap < 2 or sum(inked) < 2):
        return [f"{c['subject']}: said to be dashed, but its ink has no gap ({sum(inked)}/{len(inked)} points inked)"]
    if not c["dashed"] and (sum(inked) < 0.9 * len(inked) or gap > 2):
        return [f"{c['subject']}: said to be solid, but {len(inked) - sum(inked)}/{len(inked)} points are not inked (longest gap {gap})"]
    return []
