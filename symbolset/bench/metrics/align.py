"""Monotonic alignment (DTW) of a video's frames with the spec's timeline.

A model may play the prompt's events faster or slower than the spec. Each video frame ``j`` has a
normalised time ``u_j = j / (T_v - 1)`` and each spec frame ``i`` a normalised time
``t_i = i / (T_s - 1)``; dynamic time warping finds the monotonic path from ``(0, 0)`` to
``(T_s - 1, T_v - 1)`` (steps right, down, diagonal) of least total cost, inside a Sakoe-Chiba band
``|t_i - u_j| <= BAND``. The band is what lets a 20% faster or slower video align while a frozen or
reversed one cannot hide: the last video frame must be matched with a spec state from the last
``BAND`` of the timeline.
"""

from __future__ import annotations

import numpy as np

BAND = 0.3


def norm_times(n: int) -> np.ndarray:
    """Normalised times of ``n`` evenly spread frames (``[0.0]`` for one)."""
    return np.linspace(0.0, 1.0, n) if n > 1 else np.zeros(1)


def dtw_path(cost: np.ndarray, t_rows=None, t_cols=None, band: float = BAND, step_penalty: float = 1e-6) -> list[tuple[int, int]]:
    """The least-cost monotonic path through ``cost`` (rows: spec frames, columns: video frames),
    as ``(row, col)`` pairs from the first cell to the last, inside the band (widened to the
    smallest band that connects the corners when the grids are very coarse). ``step_penalty`` is
    added for every non-diagonal step, so that between near-equal paths the one that does not
    warp time wins."""
    n, m = cost.shape
    t_rows = norm_times(n) if t_rows is None else np.asarray(t_rows, float)
    t_cols = norm_times(m) if t_cols is None else np.asarray(t_cols, float)
    gap = np.abs(t_rows[:, None] - t_cols[None, :])
    # A step of one cell moves time by at most the coarser grid's spacing: the band must allow it.
    band = max(band, 1.0 / max(1, min(n, m) - 1) if min(n, m) > 1 else 1.0)
    c = np.where(gap <= band + 1e-9, cost, np.inf)
    acc = np.full((n + 1, m + 1), np.inf)
    acc[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            if np.isfinite(c[i - 1, j - 1]):
                acc[i, j] = c[i - 1, j - 1] + min(acc[i - 1, j - 1], acc[i - 1, j] + step_penalty, acc[i, j - 1] + step_penalty)
    i, j, path = n, m, []
    while i > 0 and j > 0:
        path.append((i - 1, j - 1))
        steps = ((acc[i - 1, j - 1], i - 1, j - 1), (acc[i - 1, j] + step_penalty, i - 1, j), (acc[i, j - 1] + step_penalty, i, j - 1))
        _, i, j = min(steps, key=lambda s: s[0])
    return path[::-1]


def best_per_column(score: np.ndarray, path: list[tuple[int, int]], t_rows=None, t_cols=None) -> list[int]:
    """For every column (video frame), the row on ``path`` with the highest ``score``; of rows
    that score the same, the one nearest the column in normalised time (the unwarped reading)."""
    n, m = score.shape
    t_rows = norm_times(n) if t_rows is None else np.asarray(t_rows, float)
    t_cols = norm_times(m) if t_cols is None else np.asarray(t_cols, float)
    best: dict[int, int] = {}
    for i, j in path:
        key = (score[i, j], -abs(t_rows[i] - t_cols[j]))
        if j not in best or key > (score[best[j], j], -abs(t_rows[best[j]] - t_cols[j])):
            best[j] = i
    return [best[j] for j in range(m)]
