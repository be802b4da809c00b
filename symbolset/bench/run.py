"""``bench run``: score a model's videos for a prompt set; write scores, summary and report.

Outputs in ``R/``: ``scores.jsonl`` (one line per video: id, video file, every metric, match; a
missing or undecodable video gets a line with ``error``), ``summary.json`` (overall, per family
and per difficulty level: means with bootstrap 95% intervals; counts of prompts, videos, missing
and undecodable; FVD when an I3D file is given; settings; throughput), and ``report.md`` with PNG
plots (per-family bars, metric vs difficulty).
"""

from __future__ import annotations

import functools
import json
import time
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .. import codec
from ..errors import SymbolSetError
from ..layout import write_bytes_atomic, write_json_atomic
from ..render import render_clip
from ..spec import validate
from . import plots, stats
from .match import DEFAULT_WEIGHTS
from .parallel import naming, ordered_map
from .prompts import load_prompts
from .score import DEFAULT_OCR_FRAMES, Scorer
from .videos import find_videos


def _fmt(s: dict | None) -> str:
    return stats.format_mean(s)


class Settings(NamedTuple):
    """What every worker needs to score a prompt's videos the same way."""

    ocr_frames: int
    use_ocr: bool
    weights: tuple
    clip_model: str | None
    i3d: str | None
    fvd_frames: int
    fvd_size: int
    fvd_stride: int | None


@functools.lru_cache(maxsize=1)
def _models(clip_model: str | None, i3d: str | None) -> tuple:
    """The CLIP scorer and I3D detector (or None), loaded once per process."""
    clip = detector = None
    if clip_model:
        from .metrics.clipsim import ClipScorer

        clip = ClipScorer(clip_model)
    if i3d:
        from .metrics import fvd

        detector = fvd.load_detector(i3d)
    return clip, detector


def _prompt_label(job) -> str:
    return f"bench run: prompt {job[0]['id']}"


def _score_prompt(job) -> tuple[list[dict], list, list]:
    """One prompt's score rows (an ``error`` row for a missing or undecodable video) and its FVD features."""
    prompt, paths, st = job
    base = {"id": prompt["id"], "family": prompt["family"], "level": prompt.get("difficulty", {}).get("level", "none")}
    if not paths:
        return [{**base, "video": None, "error": "missing"}], [], []
    clip, detector = _models(st.clip_model, st.i3d)
    if detector is not None:
        from .metrics.fvd import extract_features  # torch, only when FVD is asked for
    scorer = Scorer(ocr_frames=st.ocr_frames, use_ocr=st.use_ocr, weights=st.weights, clip=clip)
    native = render_clip(validate(prompt["spec"]))
    rows, feats_g, feats_r = [], [], []
    for path in paths:
        try:
            frames = codec.decode(path.read_bytes(), str(path))
        except (SymbolSetError, OSError) as exc:
            rows.append({**base, "video": str(path), "error": f"undecodable: {exc}"})
            continue
        with naming(f"video {path}"):
            rows.append({**base, "video": str(path), **scorer.score(prompt, frames, native)})
            if detector is not None:
                feats_g.append(extract_features(detector, [frames], st.fvd_frames, st.fvd_size, st.fvd_stride)[0])
                feats_r.append(extract_features(detector, [native[0]], st.fvd_frames, st.fvd_size, st.fvd_stride)[0])
    return rows, feats_g, feats_r


def run_benchmark(prompts_path, videos, out, *, ocr_frames: int = DEFAULT_OCR_FRAMES, use_ocr: bool = True, weights=DEFAULT_WEIGHTS,
                  clip_model: str | None = None, i3d: str | None = None, fvd_frames: int = 16, fvd_size: int = 224,
                  fvd_stride: int | None = None, workers: int = 1, overwrite: bool = False, name: str | None = None,
                  progress: bool = False) -> dict:  # fmt: skip
    """Score every video found for the prompts in ``prompts_path`` (``workers`` processes, one prompt
    each at a time; the scores do not depend on their number); returns the summary."""
    out = Path(out)
    if out.exists() and any(out.iterdir()) and not overwrite:
        raise SymbolSetError(f"{out}: already exists and is not empty; pass --overwrite to replace its results")
    prompts = load_prompts(prompts_path)
    found = find_videos(videos, [p["id"] for p in prompts])
    settings = Settings(ocr_frames, use_ocr, tuple(weights), clip_model, i3d, fvd_frames, fvd_size, fvd_stride)
    _models(clip_model, i3d)  # a missing or broken model file fails here, once, before any scoring
    start = time.perf_counter()
    jobs = [(prompt, found[prompt["id"]], settings) for prompt in prompts]
    rows, feats_g, feats_r = [], [], []
    mapped = ordered_map(_score_prompt, jobs, workers, label=_prompt_label, desc="bench run", unit="prompt", progress=progress)
    for prompt_rows, g, r in mapped:
        rows += prompt_rows
        feats_g += g
        feats_r += r
    missing = sum(r.get("error") == "missing" for r in rows)
    undecodable = sum(r.get("error", "").startswith("undecodable") for r in rows)
    elapsed = time.perf_counter() - start
    scored = [r for r in rows if not r.get("error")]
    summary = {
        "name": name or out.name,
        "counts": {
            "prompts": len(prompts),
            "videos": len(scored) + undecodable,
            "scored": len(scored),
            "missing": missing,
            "undecodable": undecodable,
        },
        "overall": stats.summarize(rows),
        "by_family": stats.grouped(scored, "family"),
        "by_level": stats.grouped(scored, "level"),
        "settings": {
            "weights": list(weights),
            "workers": workers,
            "ocr": use_ocr,
            "ocr_frames": ocr_frames,
            "clip_model": clip_model,
            "i3d": i3d,
            "bootstrap_resamples": stats.BOOTSTRAP_RESAMPLES,
        },  # fmt: skip
        "throughput": {
            "seconds": round(elapsed, 2),
            "videos_per_min": round(60 * len(scored) / elapsed, 2) if elapsed and scored else None,
        },
    }
    if i3d and len(feats_g) >= 2:
        from .metrics.fvd import feature_stats, frechet_distance

        g, r = feature_stats(np.stack(feats_g)), feature_stats(np.stack(feats_r))
        summary["fvd"] = {"fvd": frechet_distance(g[0], g[1], r[0], r[1]), "videos": len(feats_g), "reference_videos": len(feats_r),
                          "frames": fvd_frames, "resolution": fvd_size, "stride": fvd_stride if fvd_stride is not None else "even"}  # fmt: skip
    write_results(out, rows, summary)
    return summary


def write_results(out: Path, rows: list[dict], summary: dict) -> None:
    """scores.jsonl, summary.json, report.md and its plots."""
    out.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(out / "scores.jsonl", "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows).encode())
    write_json_atomic(out / "summary.json", summary)
    if summary["by_family"]:
        plots.family_bars(summary["by_family"], out / "families.png")
    if summary["by_level"]:
        plots.difficulty_lines(summary["by_level"], out / "difficulty.png")
    write_bytes_atomic(out / "report.md", report_markdown(summary).encode())


def report_markdown(summary: dict) -> str:
    """The run's report: counts, overall metrics, per-family and per-level tables, plots, FVD."""
    c = summary["counts"]
    lines = [f"# SymbolBench run: {summary['name']}", "",
             f"{c['prompts']} prompts, {c['videos']} videos ({c['scored']} scored, {c['undecodable']} undecodable), "
             f"{c['missing']} prompts without a video. Means with bootstrap 95% intervals.", "",
             "| metric | mean [95% CI] | n |", "|---|---|---|"]  # fmt: skip
    for m, s in summary["overall"].items():
        lines.append(f"| {m} | {_fmt(s)} | {s['n']} |")
    for title, key, plot in (("family", "by_family", "families.png"), ("difficulty", "by_level", "difficulty.png")):
        groups = summary[key]
        if not groups:
            continue
        lines += ["", f"## By {title}", "", f"| {title} | n | Match | Mf | Mc | Mt |", "|---|---|---|---|---|---|"]
        for g, s in groups.items():
            n = s.get("match", {}).get("n", 0)
            lines.append(f"| {g} | {n} | " + " | ".join(_fmt(s.get(m)) for m in ("match", "mf", "mc", "mt")) + " |")
        lines += ["", f"![{title}]({plot})"]
    if "fvd" in summary:
        f = summary["fvd"]
        lines += ["", "## FVD", "", f"FVD = {f['fvd']:.3f} over {f['videos']} videos vs {f['reference_videos']} reference renders, "
                  f"{f['frames']} frames at {f['resolution']}x{f['resolution']}, stride {f['stride']}."]  # fmt: skip
    s = summary["settings"]
    lines += ["", "## Settings", "", f"weights (Mf, Mc, Mt) = {tuple(s['weights'])}; OCR {'on' if s['ocr'] else 'off'}, {s['ocr_frames']} frames per video; "
              f"CLIP model: {s['clip_model'] or 'none'}; I3D: {s['i3d'] or 'none'}; throughput {summary['throughput']['videos_per_min']} videos/min."]  # fmt: skip
    return "\n".join(lines) + "\n"
