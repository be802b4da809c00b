"""Verifiers of how things look and move: a ``rotation`` measured by
matching turned ink, the ``pace`` of a glide and a line's solid/dashed ``line_pattern`` (the tolerances
are stated in :data:`symbolset.claims.KINDS`; :mod:`.verify` dispatches to them)."""

from __future__ import annotations

import cv2
import numpy as np

from .measure import centroid, coverage, gyration

_EPS = 1e-6


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
