"""Means with bootstrap 95% intervals, and grouped summaries of per-video scores."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

BOOTSTRAP_RESAMPLES = 1000
METRICS = ("match", "mf", "mc", "mt", "mf_region", "mf_whole", "flicker", "vbench_flicker", "motion", "tracks", "ocr_stability",
           "ocr_ned", "ocr_exact", "geo", "clipsim")  # fmt: skip


def bootstrap_mean(values, resamples: int = BOOTSTRAP_RESAMPLES, seed: int = 0) -> dict | None:
    """``{"mean", "lo", "hi", "n"}``: the mean and its percentile-bootstrap 95% interval (seeded)."""
    x = np.asarray([v for v in values if v is not None], np.float64)
    if not len(x):
        return None
    if len(x) == 1:
        return {"mean": float(x[0]), "lo": float(x[0]), "hi": float(x[0]), "n": 1}
    rng = np.random.default_rng(seed)
    means = x[rng.integers(0, len(x), size=(resamples, len(x)))].mean(axis=1)
    lo, hi = np.percentile(means, [2.5, 97.5])
    return {"mean": float(x.mean()), "lo": float(lo), "hi": float(hi), "n": int(len(x))}


def summarize(rows: list[dict], metrics=METRICS) -> dict:
    """Per metric: bootstrap mean over the rows that have it (rows with an ``error`` are skipped)."""
    ok = [r for r in rows if not r.get("error")]
    return {m: s for m in metrics if (s := bootstrap_mean([r.get(m) for r in ok])) is not None}


def grouped(rows: list[dict], key: str, metrics=METRICS) -> dict:
    """``summarize`` per value of ``key`` (e.g. family, level)."""
    groups: dict[str, list] = defaultdict(list)
    for r in rows:
        groups[str(r.get(key))].append(r)
    return {g: summarize(rs, metrics) for g, rs in sorted(groups.items())}
