"""The statistics of ``bench validate``'s invariance, discrimination and human-agreement parts.

- Invariance: per family, the mean Match of legitimate re-renders over the reference render's
  (goal >= ``INVARIANCE_GOAL``).
- Discrimination: per family, AUROC of Match separating the legitimate re-renders (positives)
  from wrong content (another prompt's clip, one symbol changed; negatives), and the gap of their
  means (goals: AUROC >= ``AUROC_GOAL``, gap >= ``GAP_GOAL``).
- Human agreement: Kendall's tau and Spearman's rho of a metric against human ratings, with
  percentile-bootstrap 95% intervals over the rated videos (``scipy.stats``).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

INVARIANCE_GOAL = 0.9
AUROC_GOAL = 0.95
GAP_GOAL = 0.15
BOOTSTRAP_RESAMPLES = 1000


def auroc(positives, negatives) -> float | None:
    """P(a positive scores above a negative), ties counting half (the Mann-Whitney AUC)."""
    p = np.asarray([v for v in positives if v is not None], float)
    n = np.asarray([v for v in negatives if v is not None], float)
    if not len(p) or not len(n):
        return None
    diff = p[:, None] - n[None, :]
    return float(((diff > 0).sum() + 0.5 * (diff == 0).sum()) / diff.size)


def _mean(values) -> float | None:
    v = [x for x in values if x is not None]
    return float(np.mean(v)) if v else None


def variant_summary(clips: list[dict], metric: str = "match") -> dict:
    """Per family (and ``"all"``): reference, legitimate and wrong means of ``metric``, the
    invariance ratio, AUROC, gap, per-variant means, and each goal's verdict.

    ``clips``: ``{"family", "reference": scores, "legitimate": {name: scores}, "wrong": {name: scores}}``."""
    groups: dict[str, list] = defaultdict(list)
    for c in clips:
        groups[c["family"]].append(c)
        groups["all"].append(c)
    out = {}
    for fam, cs in sorted(groups.items(), key=lambda kv: (kv[0] == "all", kv[0])):
        ref = _mean([c["reference"].get(metric) for c in cs])
        legit = [s.get(metric) for c in cs for s in c["legitimate"].values()]
        wrong = [s.get(metric) for c in cs for s in c["wrong"].values()]
        ml, mw = _mean(legit), _mean(wrong)
        ratio = ml / ref if ml is not None and ref else None
        area = auroc(legit, wrong)
        gap = ml - mw if ml is not None and mw is not None else None
        by_name: dict[str, list] = defaultdict(list)
        for c in cs:
            for kind in ("legitimate", "wrong"):
                for name, s in c[kind].items():
                    by_name[f"{kind}:{name}"].append(s.get(metric))
        out[fam] = {"clips": len(cs), "reference": ref, "legitimate": ml, "wrong": mw, "ratio": ratio, "auroc": area, "gap": gap,
                    "n_legitimate": sum(v is not None for v in legit), "n_wrong": sum(v is not None for v in wrong),
                    "by_variant": {k: _mean(v) for k, v in sorted(by_name.items())},
                    "pass": {"invariance": ratio is not None and ratio >= INVARIANCE_GOAL,
                             "auroc": area is not None and area >= AUROC_GOAL, "gap": gap is not None and gap >= GAP_GOAL}}  # fmt: skip
    return out


def _ci(fn, x: np.ndarray, y: np.ndarray, seed: int) -> tuple[float | None, float | None]:
    rng = np.random.default_rng(seed)
    stats = []
    for _ in range(BOOTSTRAP_RESAMPLES):
        idx = rng.integers(0, len(x), len(x))
        if np.ptp(x[idx]) and np.ptp(y[idx]):
            stats.append(fn(x[idx], y[idx]).statistic)
    stats = [s for s in stats if np.isfinite(s)]
    if len(stats) < BOOTSTRAP_RESAMPLES // 2:
        return None, None
    lo, hi = np.percentile(stats, [2.5, 97.5])
    return float(lo), float(hi)


def correlations(metric_values, human_values, seed: int = 0) -> dict:
    """``{"n", "tau", "tau_lo", "tau_hi", "rho", "rho_lo", "rho_hi"}`` of paired values (pairs with a
    None left out); None where there are fewer than 3 pairs or either side is constant."""
    from scipy.stats import kendalltau, spearmanr

    pairs = [(m, h) for m, h in zip(metric_values, human_values) if m is not None and h is not None]
    out: dict = {"n": len(pairs), "tau": None, "tau_lo": None, "tau_hi": None, "rho": None, "rho_lo": None, "rho_hi": None}
    if len(pairs) < 3:
        return out
    x, y = np.array(pairs, float).T
    if not np.ptp(x) or not np.ptp(y):
        return out
    out["tau"], out["rho"] = float(kendalltau(x, y).statistic), float(spearmanr(x, y).statistic)
    out["tau_lo"], out["tau_hi"] = _ci(kendalltau, x, y, seed)
    out["rho_lo"], out["rho_hi"] = _ci(spearmanr, x, y, seed)
    return out
