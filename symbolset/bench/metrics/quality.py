"""Mf, frame quality: variance of the Laplacian, inside the expected symbol regions and over the
whole frame, relative to the reference render of the same prompt at the same resolution.

For one frame, ``r = LV(video) / LV(reference)``; the frame's score is ``min(r, 1/r)``, so 1.0 means
"as sharp as the ground truth", blur (r < 1) and noise or ringing (r > 1) both lower it. The region
score uses the union of the reference annotation's boxes at that frame; frames without expected
regions use the whole-frame score alone. Mf = mean over frames of (region + whole) / 2.
"""

from __future__ import annotations

import cv2
import numpy as np

from .regions import region_mask

_EPS = 1e-6


def laplacian_variance(gray: np.ndarray, mask: np.ndarray | None = None) -> float:
    """Variance of the 3x3 Laplacian of a grey frame (float64), optionally inside ``mask``."""
    lap = cv2.Laplacian(gray.astype(np.float64), cv2.CV_64F, ksize=3)
    values = lap[mask] if mask is not None else lap
    return float(values.var()) if values.size else 0.0


def ratio_score(value: float, reference: float) -> float:
    """``min(r, 1/r)`` of ``r = value / reference`` (1.0 when equal, 0 when either is ~0)."""
    if reference <= _EPS and value <= _EPS:
        return 1.0
    if reference <= _EPS or value <= _EPS:
        return 0.0
    r = value / reference
    return float(min(r, 1.0 / r))


def frame_quality(video: np.ndarray, reference: np.ndarray, annotations: list[dict], indices=None) -> dict:
    """Mf of a video against its aligned reference (equal shapes); ``indices`` limits the frames."""
    indices = range(len(video)) if indices is None else indices
    region_scores, whole_scores, frame_scores = [], [], []
    for i in indices:
        g_v = cv2.cvtColor(video[i], cv2.COLOR_RGB2GRAY)
        g_r = cv2.cvtColor(reference[i], cv2.COLOR_RGB2GRAY)
        whole = ratio_score(laplacian_variance(g_v), laplacian_variance(g_r))
        whole_scores.append(whole)
        mask = region_mask(annotations[i], *g_v.shape)
        if mask.any():
            region = ratio_score(laplacian_variance(g_v, mask), laplacian_variance(g_r, mask))
            region_scores.append(region)
            frame_scores.append((region + whole) / 2)
        else:
            frame_scores.append(whole)
    return {
        "mf": float(np.mean(frame_scores)),
        "mf_region": float(np.mean(region_scores)) if region_scores else None,
        "mf_whole": float(np.mean(whole_scores)),
    }
