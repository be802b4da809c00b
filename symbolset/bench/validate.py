"""``bench validate``: do the metrics respond to what they are meant to detect?

For each clip of a dataset folder, the stored video (the clean reference, H.264 as published) is
scored, then every corruption (:mod:`symbolset.bench.corruptions`) at severities 1..5. For each
metric and corruption the mean score over clips is taken at severities 0 (clean) .. 5, and
Spearman's rho between severity and that mean is reported (``scipy.stats.spearmanr`` when scipy is
installed, else the same rank correlation computed with numpy). Goals: rho <= -0.9 for every
corruption in a metric's ``TARGETS``; the clean clips' Match >= 0.95. Responses to the other
corruptions (which a metric should tolerate) are reported alongside.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from .. import codec
from ..errors import SymbolSetError
from ..layout import iter_rows, write_bytes_atomic, write_json_atomic
from ..render import render_clip
from ..spec import validate as validate_spec
from . import plots
from .corruptions import CORRUPTIONS, SEVERITIES, corrupt
from .parallel import ordered_map
from .score import DEFAULT_OCR_FRAMES, Scorer

RHO_GOAL = -0.9
MATCH_GOAL = 0.95
METRICS = ("match", "mf", "mc", "mt", "flicker", "motion", "tracks", "ocr_stability", "ocr_ned", "geo")
# The corruptions each metric is meant to detect (its rho must be <= RHO_GOAL on them).
TARGETS = {
    "mf": ("blur", "jpeg"),
    "flicker": ("shuffle", "jitter"),
    "motion": ("drop", "shuffle", "jitter"),
    "tracks": ("jitter",),
    "ocr_stability": ("shuffle",),
    "ocr_ned": ("char_sub", "blur", "stroke_break"),
    "geo": ("geometric", "stroke_break", "blur"),
    "mc": ("shuffle", "jitter", "drop"),
    "mt": ("char_sub", "stroke_break", "geometric"),
    "match": tuple(CORRUPTIONS),
}


def spearman(x, y) -> float | None:
    """Spearman's rank correlation (None when either side is constant)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    if len(x) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return None
    try:
        from scipy.stats import spearmanr

        return float(spearmanr(x, y).statistic)
    except ImportError:

        def ranks(v):
            order = np.argsort(v, kind="mergesort")
            r = np.empty(len(v))
            r[order] = np.arange(len(v), dtype=float)
            for value in np.unique(v):  # average ranks of ties
                r[v == value] = r[v == value].mean()
            return r

        return float(np.corrcoef(ranks(x), ranks(y))[0, 1])


def _prompt(row: dict) -> dict:
    return {"id": row["id"], "family": row["family"], "spec": json.loads(row["spec"]), "caption": {"en": row["caption"]}}


def run_validation(source, out, *, split: str | None = None, limit: int | None = None, corruptions=None, ocr_frames: int = DEFAULT_OCR_FRAMES,
                   seed: int = 0, workers: int = 1, overwrite: bool = False, progress: bool = False) -> dict:  # fmt: skip
    """Score clean and corrupted clips of ``source`` (``workers`` processes, one clip each at a
    time; results do not depend on their number); write ``validation.json``, ``report.md`` and
    plots to ``out``; return the results."""
    out = Path(out)
    if out.exists() and any(out.iterdir()) and not overwrite:
        raise SymbolSetError(f"{out}: already exists and is not empty; pass --overwrite to replace it")
    names = list(corruptions or CORRUPTIONS)
    unknown = [n for n in names if n not in CORRUPTIONS]
    if unknown:
        raise SymbolSetError(f"unknown corruption {unknown[0]!r} (known: {', '.join(CORRUPTIONS)})")
    rows = list(iter_rows(source, split, columns=["id", "family", "spec", "caption", "video"]))
    rows = rows[:limit] if limit else rows
    if not rows:
        raise SymbolSetError(f"{source}: no clips to validate on")
    start = time.perf_counter()
    jobs = [(row, names, ocr_frames, seed + k) for k, row in enumerate(rows)]
    clean, curves = [], {n: {s: [] for s in SEVERITIES} for n in names}
    results = list(ordered_map(_score_clip, jobs, workers, desc="bench validate", unit="clip", progress=progress))
    for base, by_name in results:
        clean.append(base)
        for n in names:
            for s in SEVERITIES:
                curves[n][s].append(by_name[n][s - 1])
    results = summarize(clean, curves)
    results["settings"] = {"source": str(source), "split": split or "all", "clips": len(rows), "families": sorted({r["family"] for r in clean}),
                           "corruptions": names, "ocr_frames": ocr_frames, "seed": seed}  # fmt: skip
    results["seconds"] = round(time.perf_counter() - start, 1)
    results["workers"] = workers
    write_report(out, results)
    return results


def _score_clip(job) -> tuple[dict, dict]:
    """The clean clip's scores and, per corruption, its scores at severities 1..5 (None: not applicable)."""
    row, names, ocr_frames, seed = job
    scorer = Scorer(ocr_frames=ocr_frames)
    prompt = _prompt(row)
    native = render_clip(validate_spec(prompt["spec"]))
    frames = codec.decode(row["video"]["bytes"], row["id"])
    base = {"id": row["id"], "family": row["family"], **scorer.score(prompt, frames, native)}
    by_name = {}
    for n in names:
        by_name[n] = []
        for s in SEVERITIES:
            bad = corrupt(n, frames, s, seed, prompt["spec"])
            by_name[n].append(None if bad is None else scorer.score(prompt, bad, native))
    return base, by_name


def _mean(values) -> float | None:
    v = [x for x in values if x is not None]
    return float(np.mean(v)) if v else None


def summarize(clean: list[dict], curves: dict) -> dict:
    """Mean curves (severity 0..5) per corruption and metric, rho, and the goals' verdicts."""
    table: dict = {}
    for n, by_sev in curves.items():
        table[n] = {}
        for m in METRICS:
            pairs = [(c.get(m), [r.get(m) if r else None for r in (by_sev[s][i] for s in SEVERITIES)]) for i, c in enumerate(clean)]
            # Only clips where the metric applies at every severity, so the curve compares like with like.
            usable = [(c0, rest) for c0, rest in pairs if c0 is not None and all(v is not None for v in rest)]
            if not usable:
                continue
            curve = [_mean([c0 for c0, _ in usable])] + [_mean([rest[s] for _, rest in usable]) for s in range(len(SEVERITIES))]
            rho = spearman(range(len(curve)), curve)
            target = n in TARGETS.get(m, ())
            table[n][m] = {"curve": curve, "rho": rho, "clips": len(usable), "target": target,
                           "pass": (rho is not None and rho <= RHO_GOAL) if target else None}  # fmt: skip
    ref = {m: _mean([c.get(m) for c in clean]) for m in METRICS}
    goals = [v["pass"] for t in table.values() for v in t.values() if v["target"]]
    return {"reference": ref, "reference_min_match": min(c["match"] for c in clean), "clean": clean, "table": table,
            "goals": {"match_reference": ref["match"] is not None and ref["match"] >= MATCH_GOAL, "targets_passed": sum(bool(g) for g in goals),
                      "targets_total": len(goals)}}  # fmt: skip


def write_report(out: Path, results: dict) -> None:
    """validation.json, one severity-curve PNG per corruption, and report.md."""
    out.mkdir(parents=True, exist_ok=True)
    write_json_atomic(out / "validation.json", results)
    for n, metrics in results["table"].items():
        plots.severity_curves({m: v["curve"] for m, v in metrics.items()}, n, out / f"{n}.png")
    s, ref, g = results["settings"], results["reference"], results["goals"]
    lines = ["# SymbolBench metric validation", "",
             f"Produced by `symbolset bench validate` on `{Path(s['source']).name}` (split: {s['split']}): {s['clips']} clips of "
             f"{', '.join(s['families'])}; {s['ocr_frames']} OCR frames per video; seed {s['seed']}; {results['seconds']} s on "
             f"{results.get('workers', 1)} worker process(es).", "",
             "Each clip's stored video (H.264) is the clean reference (severity 0); every corruption is applied at severities 1..5. "
             "A cell is Spearman's rho between severity (0..5) and the metric's mean over clips; **bold** = a corruption the metric is "
             f"meant to detect (goal rho <= {RHO_GOAL}); ✓/✗ = goal met or not; – = metric not applicable or constant.", "",
             f"Reference renders: Match = {ref['match']:.4f} (lowest clip {results['reference_min_match']:.4f}; goal >= {MATCH_GOAL}: "
             f"{'met' if g['match_reference'] else 'NOT met'}). Targeted (metric, corruption) pairs meeting the rho goal: "
             f"{g['targets_passed']}/{g['targets_total']}.", "",
             "| reference | " + " | ".join(METRICS) + " |", "|---|" + "---|" * len(METRICS),
             "| clean mean | " + " | ".join("–" if ref[m] is None else f"{ref[m]:.3f}" for m in METRICS) + " |", "",
             "| corruption | " + " | ".join(METRICS) + " |", "|---|" + "---|" * len(METRICS)]  # fmt: skip
    for n, metrics in results["table"].items():
        cells = []
        for m in METRICS:
            v = metrics.get(m)
            if not v or v["rho"] is None:
                cells.append("–")
                continue
            text = f"{v['rho']:+.2f}"
            cells.append(f"**{text}** {'✓' if v['pass'] else '✗'}" if v["target"] else text)
        lines.append(f"| {n} | " + " | ".join(cells) + " |")
    lines += ["", "## Mean score by severity (0 = clean)", ""]
    for n, metrics in results["table"].items():
        lines += [f"### {n}", "", f"![{n}]({n}.png)", "", "| metric | " + " | ".join(str(i) for i in range(6)) + " |", "|---|" + "---|" * 6]
        for m, v in metrics.items():
            lines.append(f"| {m} | " + " | ".join("–" if x is None else f"{x:.3f}" for x in v["curve"]) + " |")
        lines.append("")
    write_bytes_atomic(out / "report.md", ("\n".join(lines) + "\n").encode())
