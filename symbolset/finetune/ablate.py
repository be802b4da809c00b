"""``symbolset ablate CONFIG``: fine-tune variants of one base model, sample, score, compare.

Config (YAML)::

    output: ablation/cogvideox      # runs/, videos/, bench/, table.md, table.json, ablation.png
    prompts: prompts.jsonl          # `symbolset bench prompts` output (held-out test split)
    finetune: finetune.yaml         # the shared finetune config (a path, or the mapping inline)
    seeds: [0, 1]                   # each variant is trained once per seed (train.seed)
    include_base: true              # also score the pretrained model without fine-tuning
    variants:                       # name -> overrides merged into the finetune config
      full: {}
      no_temporal: {data: {captions: {en.short: 1, en.detailed: 2}}}
      no_chinese: {data: {captions: {en.*: 1}}}
      clock_lanes: {data: {families: [clock, lanes]}}
    bench: {no_ocr: false, ocr_frames: 4, workers: 1}

For each variant and seed (run ``<variant>-s<seed>``): train (``runs/``; resumes, skips a finished
run), sample every prompt (``videos/``; same noise seeds for every run, so comparisons are paired),
score with SymbolBench (``bench/``; ``bench run`` under the hood; skipped when its summary exists).
Then one table: per variant, Match / Mf / Mc / Mt pooled over seeds with bootstrap 95% intervals,
each seed's Match, and the paired difference in Match against the reference row (the base model
when included, else the first variant) with a two-level bootstrap interval (training seeds, then
prompts: :func:`paired_delta`); per-family Match; and
``bench compare``'s leaderboard of every run. ``ablation.png`` plots Match and the differences.
Everything is resumable: run the same command again after an interruption.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
import yaml

from ..bench import stats
from ..bench.compare import leaderboard, load_scores
from ..errors import SymbolSetError
from ..layout import write_bytes_atomic, write_json_atomic
from . import config as ftconfig

_KEYS = ("output", "prompts", "finetune", "seeds", "include_base", "variants", "bench", "reference")
_COMPONENTS = ("match", "mf", "mc", "mt")


def load(path: str | Path) -> dict:
    """Read and check an ablation config; returns it with ``finetune`` as a mapping."""
    path = Path(path)
    raw = ftconfig.read_yaml(path)
    if not isinstance(raw, dict):
        raise SymbolSetError(f"{path}: expected a mapping with {', '.join(_KEYS)}")
    for key in raw:
        if key not in _KEYS:
            raise SymbolSetError(f"{path}: {key}: unknown field (known: {', '.join(_KEYS)})")
    for key in ("output", "prompts", "finetune", "variants"):
        if not raw.get(key):
            raise SymbolSetError(f"{path}: {key}: must be given")
    ft = raw["finetune"]
    if isinstance(ft, str):
        ft_path = Path(ft)
        try:
            ft = yaml.safe_load(ft_path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise SymbolSetError(f"{path}: finetune: cannot read {ft_path} ({getattr(exc, 'strerror', None) or exc})") from None
    if not isinstance(ft, dict):
        raise SymbolSetError(f"{path}: finetune: expected a path or a mapping")
    if not isinstance(raw["variants"], dict) or not all(isinstance(v, dict) or v is None for v in raw["variants"].values()):
        raise SymbolSetError(f"{path}: variants: expected a mapping of name -> overrides")
    seeds = raw.get("seeds", [0])
    if not isinstance(seeds, list) or not seeds or not all(isinstance(s, int) and not isinstance(s, bool) for s in seeds):
        raise SymbolSetError(f"{path}: seeds: expected a list of integers, got {seeds!r}")
    bench = raw.get("bench") or {}
    unknown = set(bench) - {"no_ocr", "ocr_frames", "workers"}
    if unknown:
        raise SymbolSetError(f"{path}: bench.{sorted(unknown)[0]}: unknown field (known: no_ocr, ocr_frames, workers)")
    cfg = {"output": str(raw["output"]), "prompts": str(raw["prompts"]), "finetune": ft, "seeds": seeds, "variants": {k: v or {} for k, v in raw["variants"].items()},
           "include_base": bool(raw.get("include_base", ft.get("model", {}).get("kind") != "scratch")), "bench": bench, "source": str(path)}  # fmt: skip
    cfg["reference"] = raw.get("reference") or ("base" if cfg["include_base"] else next(iter(cfg["variants"])))
    if cfg["include_base"] and ft.get("model", {}).get("kind") == "scratch":
        raise SymbolSetError(f"{path}: include_base: a scratch model has no pretrained base")
    for name in cfg["variants"]:
        run_config(cfg, name, seeds[0])  # every variant's config is checked before anything runs
    if cfg["reference"] not in (*cfg["variants"], "base"):
        raise SymbolSetError(f"{path}: reference: {cfg['reference']!r} is not a variant")
    from ..bench.prompts import load_prompts

    load_prompts(cfg["prompts"])  # a missing or malformed prompt file stops here, before any training
    return cfg


def run_config(cfg: dict, variant: str, seed: int):
    """The finetune config of one run: shared config + the variant's overrides + seed + output."""
    merged = ftconfig.deep_merge(cfg["finetune"], cfg["variants"][variant])
    merged = ftconfig.deep_merge(merged, {"train": {"seed": seed}, "output": str(Path(cfg["output"]) / "runs" / f"{variant}-s{seed}")})
    return ftconfig.from_dict(merged, f"{cfg['source']}: variants.{variant}")


def run_ablation(cfg: dict, *, progress: bool = True) -> dict:
    """Train, sample and score every run, then write the table and the plot; returns the table data."""
    from ..bench.run import run_benchmark
    from .sample import sample_videos
    from .train import train

    out = Path(cfg["output"])
    runs: dict[str, list[str]] = {}  # row name -> run names
    b = cfg["bench"]

    def score(name: str) -> None:
        folder = out / "bench" / name
        if not (folder / "summary.json").is_file():
            run_benchmark(cfg["prompts"], out / "videos" / name, folder, use_ocr=not b.get("no_ocr", False), ocr_frames=int(b.get("ocr_frames", 4)),
                          workers=int(b.get("workers", 1)), overwrite=True, name=name)  # fmt: skip

    if cfg["include_base"]:
        base_cfg = run_config(cfg, next(iter(cfg["variants"])), cfg["seeds"][0])
        sample_videos(base_cfg, cfg["prompts"], out / "videos" / "base", base=True, progress=progress)
        score("base")
        runs["base"] = ["base"]
    for variant in cfg["variants"]:
        runs[variant] = []
        for seed in cfg["seeds"]:
            name = f"{variant}-s{seed}"
            rc = run_config(cfg, variant, seed)
            if progress:
                print(f"== {name}: train", flush=True)
            train(rc, progress=False)
            sample_videos(rc, cfg["prompts"], out / "videos" / name, progress=False)
            score(name)
            runs[variant].append(name)
    return write_table(out, runs, cfg["reference"])


def _scores(folder: Path) -> list[dict]:
    path = folder / "scores.jsonl"
    if not path.is_file():
        raise SymbolSetError(f"{folder}: no scores.jsonl (not a finished bench run)")
    return load_scores(folder)  # one line naming the file and line for a damaged row


def _per_prompt(rows: list[dict], metric: str = "match") -> dict[str, float]:
    by: dict[str, list] = defaultdict(list)
    for r in rows:
        if not r.get("error") and r.get(metric) is not None:
            by[r["id"]].append(r[metric])
    return {k: float(np.mean(v)) for k, v in by.items()}


def paired_delta(runs: list[dict], reference: list[dict], resamples: int = stats.BOOTSTRAP_RESAMPLES, seed: int = 0) -> dict | None:
    """Mean per-prompt difference of ``runs`` (one ``{prompt: score}`` per training seed) against
    ``reference``, with a two-level percentile bootstrap 95% interval: training seeds are resampled
    (with replacement, on each side), then prompts. With a single seed per side this is the plain
    paired bootstrap over prompts; with several, the interval also carries the seed-to-seed spread,
    which a bootstrap over prompts alone would hide."""
    common = sorted(set.intersection(*(set(r) for r in runs + reference)))
    if not common:
        return None
    a = np.asarray([[r[k] for k in common] for r in runs])  # seeds x prompts
    b = np.asarray([[r[k] for k in common] for r in reference])
    diff = a.mean(0) - b.mean(0)
    rng = np.random.default_rng(seed)
    means = np.empty(resamples)
    for i in range(resamples):
        sa = a[rng.integers(0, len(a), len(a))].mean(0)
        sb = b[rng.integers(0, len(b), len(b))].mean(0)
        means[i] = (sa - sb)[rng.integers(0, len(common), len(common))].mean()
    lo, hi = np.percentile(means, [2.5, 97.5])
    return {"mean": float(diff.mean()), "lo": float(lo), "hi": float(hi), "n": len(common), "seeds": [len(a), len(b)]}


def table_data(out: Path, runs: dict[str, list[str]], reference: str) -> dict:
    """Pooled means, per-seed Match and paired differences against ``reference``, per row."""
    scores = {run: _scores(out / "bench" / run) for names in runs.values() for run in names}
    rows = {name: [r for run in names for r in scores[run]] for name, names in runs.items()}
    data = {"reference": reference, "rows": {}}
    for name, names in runs.items():
        ok = [r for r in rows[name] if not r.get("error")]
        delta = (
            None
            if name == reference
            else paired_delta([_per_prompt(scores[r]) for r in names], [_per_prompt(scores[r]) for r in runs[reference]])
        )
        data["rows"][name] = {
            "runs": names,
            "videos": len(ok),
            "errors": len(rows[name]) - len(ok),
            **{m: stats.bootstrap_mean([r.get(m) for r in ok]) for m in _COMPONENTS},
            "seed_match": [stats.bootstrap_mean([r.get("match") for r in _scores(out / "bench" / run) if not r.get("error")]) for run in names],
            "delta_match": delta,
            "by_family": {f: s.get("match") for f, s in stats.grouped(ok, "family", ("match",)).items()},
        }  # fmt: skip
    return data


def _fmt(s: dict | None, signed: bool = False) -> str:
    if not s:
        return "–"
    sign = "+" if signed else ""
    if "lo" not in s:  # too few values for an interval (stats.MIN_INTERVAL_N)
        return f"{s['mean']:{sign}.3f} (n={s['n']})"
    return f"{s['mean']:{sign}.3f} [{s['lo']:{sign}.3f}, {s['hi']:{sign}.3f}]"


def markdown(data: dict, board: str) -> str:
    """The comparison table (Markdown)."""
    ref = data["reference"]
    lines = ["# Ablation: SymbolBench before and after fine-tuning", "",
             f"Means over all videos of a row's runs (seeds pooled) with bootstrap 95% intervals over videos; Δ Match is the paired difference "
             f"per prompt against **{ref}**, its interval a two-level bootstrap (training seeds, then prompts; * when it excludes 0).", "",
             "| row | videos | Match | Mf | Mc | Mt | Match per seed | Δ Match vs " + ref + " |", "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for name, r in data["rows"].items():
        seeds = ", ".join(f"{s['mean']:.3f}" if s else "–" for s in r["seed_match"])
        d = r["delta_match"]
        star = " *" if d and "lo" in d and (d["lo"] > 0 or d["hi"] < 0) else ""  # no interval below stats.MIN_INTERVAL_N
        lines.append(f"| {name} | {r['videos']}" + (f" ({r['errors']} missing/undecodable)" if r["errors"] else "") + " | "
                     + " | ".join(_fmt(r[m]) for m in _COMPONENTS) + f" | {seeds} | {_fmt(d, True)}{star} |")  # fmt: skip
    fams = sorted({f for r in data["rows"].values() for f in r["by_family"]})
    lines += ["", "## Match by family", "", "| row | " + " | ".join(fams) + " |", "|---|" + "---|" * len(fams)]
    for name, r in data["rows"].items():
        lines.append(f"| {name} | " + " | ".join(f"{r['by_family'][f]['mean']:.3f}" if r["by_family"].get(f) else "–" for f in fams) + " |")
    lines += ["", "![ablation](ablation.png)", "", "## Every run (`symbolset bench compare`)", "", board.split("\n", 2)[2].strip()]
    return "\n".join(lines) + "\n"


def plot(data: dict, path: Path) -> None:
    """Two panels: Match per row with its interval; Δ Match against the reference with its interval."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(data["rows"])
    fig, axes = plt.subplots(1, 2, figsize=(max(7, 1.6 * len(names) + 3), 3.4))
    for ax, key, title in ((axes[0], "match", "Match (95% CI)"), (axes[1], "delta_match", f"Δ Match vs {data['reference']} (95% CI)")):
        xs = [i for i, n in enumerate(names) if data["rows"][n][key]]
        vals = [data["rows"][names[i]][key] for i in xs]
        # a row of fewer than stats.MIN_INTERVAL_N values has no interval: no error bar
        ax.bar(xs, [v["mean"] for v in vals], yerr=[[v["mean"] - v.get("lo", v["mean"]) for v in vals], [v.get("hi", v["mean"]) - v["mean"] for v in vals]], capsize=3,
               color="tab:blue" if key == "match" else "tab:orange")  # fmt: skip
        ax.set_xticks(range(len(names)), names, rotation=20)
        ax.set_title(title, fontsize=9)
        ax.axhline(0, color="black", linewidth=0.6)
    fig.tight_layout()
    tmp = path.with_name(path.stem + ".tmp.png")
    fig.savefig(tmp, dpi=100)
    plt.close(fig)
    tmp.replace(path)


def write_table(out: Path, runs: dict[str, list[str]], reference: str) -> dict:
    """table.json, table.md and ablation.png in ``out``; returns the table data."""
    data = table_data(out, runs, reference)
    board = leaderboard([out / "bench" / run for names in runs.values() for run in names])
    write_json_atomic(out / "table.json", data)
    plot(data, out / "ablation.png")
    write_bytes_atomic(out / "table.md", markdown(data, board).encode())
    return data
