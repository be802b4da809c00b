"""Mc, temporal coherence: flicker, motion agreement, Lucas-Kanade track smoothness, and OCR stability.

- **Flicker** follows VBench's temporal flickering: the mean absolute difference (0..255) of
  consecutive frames, ``vbench_flicker = (255 - MAE) / 255``. Symbol clips move on purpose (typing,
  ticking hands), so the score compares with the aligned reference:
  ``flicker = min(1, (MAE_ref + 1) / (MAE_video + 1))`` (1 grey level of slack).
- **Motion agreement**: the video should change *when* and *as much as* the reference does. A
  transition's change is the mean over pixels of ``|f(t+1) - f(t)|`` (max over channels), counting
  only differences above ``_MOTION_NOISE`` grey levels so codec noise is not motion; with the
  video's and the reference's per-transition changes ``d_v`` and ``d_r``,
  ``motion = (sum min(d_v, d_r) + eps) / (sum max(d_v, d_r) + eps)`` (weighted Jaccard similarity
  of the two motion profiles, ``eps = 0.01`` per transition). A held (frozen) frame where the
  reference moves, the catch-up jump after it, and changes where the reference is still all lower
  it; flicker alone cannot see a stutter, which changes the video *less* than the reference.
- **Track smoothness**: corners (Shi-Tomasi) of frame t are tracked to t-1 and t+1 with pyramidal
  Lucas-Kanade (OpenCV); the acceleration ``|p(t+1) - 2 p(t) + p(t-1)|`` (px/frame^2) is averaged
  over tracks and frames, a point lost by the tracker counting as a jump of ``_LOST_PX``.
  ``tracks = min(1, (A_ref + eps) / (A_video + eps))`` with ``eps = 0.25 px``.
- **OCR stability**: over consecutive frames (every frame of the video, read in the aligned
  reference's text boxes), the string read should change only where,
  and as much as, the spec's expected string changes: per pair of frames,
  ``1 - |lev(read_i, read_i+1) - lev(exp_i, exp_i+1)| / max(1, |exp_i|, |exp_i+1|)`` (floored at 0),
  averaged over pairs (see :mod:`symbolset.bench.metrics.ocr` for the reads).
"""

from __future__ import annotations

import cv2
import numpy as np

_LOST_PX = 16.0
_TRACK_EPS = 0.25
_MAX_CORNERS = 200
_MOTION_NOISE = 10
_MOTION_EPS = 0.01


def mean_abs_diff(frames: np.ndarray) -> float:
    """Mean absolute difference (0..255) between consecutive frames; 0 for a single frame."""
    if len(frames) < 2:
        return 0.0
    f = frames.astype(np.int16)
    return float(np.mean([np.abs(f[i + 1] - f[i]).mean() for i in range(len(f) - 1)]))


def vbench_flicker(frames: np.ndarray) -> float:
    """VBench's temporal-flickering score ``(255 - MAE) / 255`` (1 = no change at all)."""
    return (255.0 - mean_abs_diff(frames)) / 255.0


def flicker_score(video: np.ndarray, reference: np.ndarray) -> float:
    """Flicker relative to the aligned reference: 1 when the video changes no more than it should."""
    return float(min(1.0, (mean_abs_diff(reference) + 1.0) / (mean_abs_diff(video) + 1.0)))


def motion_profile(frames: np.ndarray) -> np.ndarray:
    """Per-transition change (mean over pixels, 0..255) with differences of ``_MOTION_NOISE`` grey
    levels or less ignored; length ``T - 1``."""
    out = np.zeros(max(0, len(frames) - 1))
    for t in range(len(out)):
        diff = cv2.absdiff(frames[t + 1], frames[t]).max(axis=-1)
        out[t] = diff[diff > _MOTION_NOISE].sum(dtype=np.int64) / diff.size
    return out


def motion_score(video: np.ndarray, reference: np.ndarray) -> float | None:
    """Motion agreement with the aligned reference (see the module docstring); None for one frame."""
    if len(video) < 2:
        return None
    d_v, d_r = motion_profile(video), motion_profile(reference)
    eps = _MOTION_EPS * len(d_v)
    return float((np.minimum(d_v, d_r).sum() + eps) / (np.maximum(d_v, d_r).sum() + eps))


def track_acceleration(frames: np.ndarray) -> float | None:
    """Mean Lucas-Kanade track acceleration (px/frame^2); None when fewer than 3 frames or no corners."""
    if len(frames) < 3:
        return None
    gray = [cv2.cvtColor(f, cv2.COLOR_RGB2GRAY) for f in frames]
    lk = {"winSize": (15, 15), "maxLevel": 2, "criteria": (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 20, 0.03)}
    min_dist = max(3, min(gray[0].shape) // 40)
    values = []
    for t in range(1, len(gray) - 1):
        pts = cv2.goodFeaturesToTrack(gray[t], maxCorners=_MAX_CORNERS, qualityLevel=0.05, minDistance=min_dist, blockSize=5)
        if pts is None:
            continue
        nxt, st_n, _ = cv2.calcOpticalFlowPyrLK(gray[t], gray[t + 1], pts, None, **lk)
        prv, st_p, _ = cv2.calcOpticalFlowPyrLK(gray[t], gray[t - 1], pts, None, **lk)
        ok = (st_n.ravel() == 1) & (st_p.ravel() == 1)
        acc = np.full(len(pts), _LOST_PX)
        acc[ok] = np.minimum(np.linalg.norm((nxt - 2 * pts + prv).reshape(-1, 2)[ok], axis=1), _LOST_PX)
        values.append(float(acc.mean()))
    return float(np.mean(values)) if values else None


def track_score(video: np.ndarray, reference: np.ndarray) -> tuple[float | None, float | None]:
    """(score, video acceleration): smoothness relative to the aligned reference."""
    a_v = track_acceleration(video)
    if a_v is None:
        return None, None
    a_r = track_acceleration(reference) or 0.0
    return float(min(1.0, (a_r + _TRACK_EPS) / (a_v + _TRACK_EPS))), a_v


def ocr_stability(reads: list[str], expected: list[str]) -> float | None:
    """How well the change between consecutive reads matches the change the spec expects (see the
    module docstring; strings after OCR normalisation); None with fewer than two frames."""
    from .ocr import levenshtein

    if len(reads) < 2:
        return None
    scores = []
    for i in range(len(reads) - 1):
        d_read, d_exp = levenshtein(reads[i], reads[i + 1]), levenshtein(expected[i], expected[i + 1])
        scores.append(max(0.0, 1.0 - abs(d_read - d_exp) / max(1, len(expected[i]), len(expected[i + 1]))))
    return float(np.mean(scores))
