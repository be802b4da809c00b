"""Means with bootstrap 95% intervals, and grouped summaries of per-video scores."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

BOOTSTRAP_RESAMPLES = 1000
# Below this many values a bootstrap interval says nothing (one value gives [x, x]): report n only.
MIN_INTERVAL_N = 5
METRICS = ("match", "mf", "mc", "mt", "mf_region", "mf_whole", "flicker", "vbench_flicker", "motion", "tracks", "ocr_stability", "ocr_symbols",
           "ocr_ned", "ocr_exact", "geo", "clipsim")  # fmt: skip


def bootstrap_mean(values, resamples: int = BOOTSTRAP_RESAMPLES, seed: int = 0) -> dict | None:
    """``{"mean", "lo", "hi", "n"}``: the mean and its percentile-bootstrap 95% interval (seeded);
    below ``MIN_INTERVAL_N`` values, ``{"mean", "n"}`` only."""
    x = np.asarray([v for v in values if v is not None], np.float64)
    if not len(x):
        return None
    if len(x) < MIN_INTERVAL_N:
        return {"mean": float(x.mean()), "n": int(len(x))}
    rng = np.random.default_rng(seed)
    means = x[rng.integers(0, len(x), size=(resamples, len(x)))].mean(axis=1)
    lo, hi = np.percentile(means, [2.5, 97.5])
    return {"mean": float(x.mean()), "lo": float(lo), "hi": float(hi), "n": int(len(x))}


def format_mean(s: dict | None, style: str = "interval") -> str:
    """``0.940 [0.912, 0.961]`` (``style="interval"``) or ``0.940 ±0.025`` (``"plusminus"``); without an
    interval (too few values) ``0.940 (n=1)``; ``–`` for None."""
    if not s:
        return "–"
    if "lo" not in s:
        return f"{s['mean']:.3f} (n={s['n']})"
    if style == "plusminus":
        return f"{s['mean']:.3f} ±{(s['hi'] - s['lo']) / 2:.3f}"
    return f"{s['mean']:.3f} [{s['lo']:.3f}, {s['hi']:.3f}]"


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
