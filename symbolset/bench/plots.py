"""PNG plots of benchmark results and validation curves (matplotlib, Agg backend)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

_COMPONENTS = ("match", "mf", "mc", "mt")


def family_bars(by_family: dict, path: str | Path) -> None:
    """Grouped bars: Match, Mf, Mc, Mt per family with 95% interval whiskers."""
    fams = list(by_family)
    fig, ax = plt.subplots(figsize=(max(5, 1.4 * len(fams) + 2), 3.6))
    width = 0.8 / len(_COMPONENTS)
    for k, m in enumerate(_COMPONENTS):
        xs, ys, errs = [], [], [[], []]
        for i, f in enumerate(fams):
            s = by_family[f].get(m)
            if s:
                xs.append(i + (k - 1.5) * width)
                ys.append(s["mean"])
                errs[0].append(s["mean"] - s.get("lo", s["mean"]))  # no whisker below stats.MIN_INTERVAL_N
                errs[1].append(s.get("hi", s["mean"]) - s["mean"])
        ax.bar(xs, ys, width, yerr=errs, capsize=2, label=m)
    ax.set_xticks(range(len(fams)), fams, rotation=20)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("score (95% CI)")
    ax.legend(ncol=4, fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def difficulty_lines(by_level: dict, path: str | Path) -> None:
    """Each component's mean against difficulty level (easy, medium, hard)."""
    levels = [lv for lv in ("easy", "medium", "hard") if lv in by_level] + [lv for lv in by_level if lv not in ("easy", "medium", "hard")]
    fig, ax = plt.subplots(figsize=(4.8, 3.4))
    for m in _COMPONENTS:
        pts = [(i, by_level[lv][m]["mean"]) for i, lv in enumerate(levels) if m in by_level[lv]]
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=m)
    ax.set_xticks(range(len(levels)), levels)
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("difficulty")
    ax.set_ylabel("mean score")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def severity_curves(curves: dict, title: str, path: str | Path) -> None:
    """Mean metric against corruption severity (0 = clean), one line per metric."""
    fig, ax = plt.subplots(figsize=(4.8, 3.4))
    for metric, values in curves.items():
        ax.plot(range(len(values)), values, marker="o", label=metric)
    ax.set_xlabel("severity")
    ax.set_ylabel("mean score")
    ax.set_ylim(-0.02, 1.05)
    ax.set_title(title)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
