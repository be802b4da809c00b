"""Dataset statistics from the index: counts per family / split / language, caption length and
glyph size histograms, as matplotlib figures (no video is read)."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pyarrow.compute as pc
from matplotlib.figure import Figure  # no pyplot: no global state, no GUI backend
from matplotlib.ticker import MaxNLocator

from .index import SCRIPT_LABELS, DatasetIndex

SPLITS = ("train", "validation", "test")
_COLORS = {"train": "#4c72b0", "validation": "#dd8452", "test": "#55a868"}


def counts(index: DatasetIndex) -> dict:
    """``{"family": {family: {split: n}}, "script": {...}, "level": {...}}`` over the whole index."""
    t = index.table
    split = t.column("split").to_pylist()
    out = {}
    for column in ("family", "script", "level"):
        c: dict[str, Counter] = {}
        for value, s in zip(t.column(column).to_pylist(), split):
            c.setdefault(value, Counter())[s] += 1
        out[column] = {k: dict(v) for k, v in sorted(c.items())}
    return out


def summary_markdown(index: DatasetIndex) -> str:
    """A Markdown table of rows per family and split."""
    fam = counts(index)["family"]
    splits = [s for s in SPLITS if any(s in v for v in fam.values())]
    lines = ["| family | " + " | ".join(splits) + " | all |", "|---|" + "---:|" * (len(splits) + 1)]
    for name, per in fam.items():
        lines.append(f"| `{name}` | " + " | ".join(str(per.get(s, 0)) for s in splits) + f" | {sum(per.values())} |")
    totals = [sum(per.get(s, 0) for per in fam.values()) for s in splits]
    lines.append("| **all** | " + " | ".join(f"**{n}**" for n in totals) + f" | **{sum(totals)}** |")
    return "\n".join(lines)


def _stacked(ax, table: dict, title: str, labels: dict | None = None) -> None:
    names = list(table)
    bottom = np.zeros(len(names))
    for s in SPLITS:
        vals = np.array([table[n].get(s, 0) for n in names], dtype=float)
        if vals.any():
            ax.bar(range(len(names)), vals, bottom=bottom, label=s, color=_COLORS[s])
            bottom += vals
    ax.set_xticks(range(len(names)), [labels.get(n, n) if labels else n for n in names], rotation=30, ha="right")
    ax.set_title(title, pad=22)
    ax.set_ylabel("samples")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(frameon=False, fontsize=8, ncols=3, loc="lower left", bbox_to_anchor=(0, 1.0), borderaxespad=0.2)
    ax.spines[["top", "right"]].set_visible(False)


def counts_figure(index: DatasetIndex):
    """Bar charts: samples per family, per language (script) and per difficulty level, by split."""
    c = counts(index)
    fig = Figure(figsize=(12, 4.2))
    axes = fig.subplots(1, 3, width_ratios=[max(2, len(c["family"])), max(2, len(c["script"])), 3])
    _stacked(axes[0], c["family"], "per family")
    _stacked(axes[1], c["script"], "per language (script)", SCRIPT_LABELS)
    _stacked(axes[2], {k: c["level"][k] for k in ("easy", "medium", "hard") if k in c["level"]}, "per difficulty")
    fig.tight_layout()
    return fig


def histograms_figure(index: DatasetIndex):
    """Histograms: caption length (characters, English and Chinese detailed) and glyph height (px)."""
    t = index.table
    en = pc.utf8_length(t.column("en_detailed")).to_numpy(zero_copy_only=False)
    zh = pc.utf8_length(t.column("zh_detailed")).to_numpy(zero_copy_only=False)
    glyph = t.column("glyph_height_px").to_numpy(zero_copy_only=False).astype(float)
    glyph = glyph[glyph > 0]
    fig = Figure(figsize=(13, 3.6))
    axes = fig.subplots(1, 2)
    bins = np.histogram_bin_edges(np.concatenate([en, zh]).astype(float), bins=30)
    axes[0].hist(en, bins=bins, alpha=0.75, label="English", color="#4c72b0")
    axes[0].hist(zh, bins=bins, alpha=0.75, label="Chinese", color="#c44e52")
    axes[0].set_title("detailed caption length")
    axes[0].set_xlabel("characters")
    axes[0].legend(frameon=False)
    if glyph.size:
        axes[1].hist(glyph, bins=30, color="#8172b3")
    else:
        axes[1].text(0.5, 0.5, "no text in this dataset", ha="center", va="center", transform=axes[1].transAxes)
    axes[1].set_title("glyph height")
    axes[1].set_xlabel("px")
    for ax in axes:
        ax.set_ylabel("samples")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig
