"""``bench validate``: do the metrics respond to what they are meant to detect, and only to that?

Four parts, on the clips of a dataset folder (the stored H.264 video is each clip's clean reference):

1. Sensitivity: every corruption (:mod:`symbolset.bench.corruptions`) at severities 1..5; per metric
   and corruption, Spearman's rho between severity and the mean score over clips (goal rho <= -0.9
   on the corruptions in the metric's ``TARGETS``; the clean clips' Match >= 0.95).
2. Invariance: legitimate re-renders of each clip's spec (:mod:`symbolset.bench.variants`:
   re-layout, font, shades, resolution, aspect, frame rate, timing), rendered and encoded by the
   generator itself; goal per family: mean Match >= 0.9 x the reference's.
3. Discrimination: wrong content -- a clean clip of another prompt of the same family (from any
   split of the source) and the clip with one symbol changed; goal per family: AUROC(legitimate vs
   wrong) >= 0.95 and a mean Match gap >= 0.15.
4. Human agreement (``human``: a ``bench run`` folder, or its ratings database, rated with
   ``symbolset view RESULTS --rate``): Kendall's tau and Spearman's rho of each metric against the
   ratings, with bootstrap 95% intervals.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import numpy as np

from .. import codec
from ..errors import SymbolSetError
from ..layout import iter_rows
from ..render import render_clip
from ..spec import validate as validate_spec
from . import agreement, variants
from .corruptions import CORRUPTIONS, SEVERITIES, corrupt
from .goals import MATCH_GOAL, METRICS, RHO_GOAL, TARGETS
from .match import EXACT
from .parallel import naming, ordered_map
from .prompts import select
from .score import DEFAULT_OCR_FRAMES, Scorer


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


def _names(chosen, known: dict | tuple, what: str) -> list[str]:
    """A comma list of names (``None``: all; ``"none"``: none), checked against ``known``."""
    if chosen is None:
        return list(known)
    names = [] if chosen in ("none", ["none"]) else list(chosen.split(",") if isinstance(chosen, str) else chosen)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SymbolSetError(f"unknown {what} {unknown[0]!r} (known: {', '.join(known)}, or none)")
    return names


def _other_prompts(source, rows: list[dict], seed: int) -> dict[str, dict]:
    """For each clip, a clean clip of another prompt of its family (any split of ``source``),
    chosen by a seeded hash: ``{clip id: {"id", "video"}}``; a family with one clip gets none."""
    ids_by_family: dict[str, list[str]] = {}
    for r in iter_rows(source, None, columns=["id", "family"]):
        ids_by_family.setdefault(r["family"], []).append(r["id"])
    wanted = {}
    for row in rows:
        others = [i for i in ids_by_family.get(row["family"], []) if i != row["id"]]
        if others:
            wanted[row["id"]] = min(others, key=lambda i: hashlib.sha256(f"{seed}:{row['id']}:{i}".encode()).hexdigest())
    videos = {r["id"]: r["video"]["bytes"] for r in iter_rows(source, None, columns=["id", "video"]) if r["id"] in set(wanted.values())}
    return {cid: {"id": oid, "video": videos[oid]} for cid, oid in wanted.items()}


def run_validation(source, out, *, split: str | None = None, limit: int | None = None, per_family: int | None = None, families=None, corruptions=None, legitimate=None,
                   wrong: bool = True, human=None, ocr_frames: int = DEFAULT_OCR_FRAMES, seed: int = 0, workers: int = 1,
                   overwrite: bool = False, progress: bool = False) -> dict:  # fmt: skip
    """Score clean, corrupted, re-rendered and wrong clips of ``source`` (``workers`` processes, one
    clip each at a time; results do not depend on their number); ``per_family``: that many clips of
    each family, stratified over difficulty in id order (as ``bench prompts`` picks them); with
    ``human``, correlate the metrics with human ratings; write ``validation.json``, ``report.md`` and
    plots to ``out``."""
    from .validate_report import write_report

    out = Path(out)
    if out.exists() and any(out.iterdir()) and not overwrite:
        raise SymbolSetError(f"{out}: already exists and is not empty; pass --overwrite to replace it")
    names = _names(corruptions, CORRUPTIONS, "corruption")
    legit = _names(legitimate, variants.LEGITIMATE, "variant")
    if per_family is not None and per_family < 1:
        raise SymbolSetError(f"--per-family: expected a positive number, got {per_family}")
    human_result = human_agreement(human) if human else None  # bad ratings fail before any scoring
    rows = list(iter_rows(source, split, columns=["id", "family", "spec", "caption", "video", "difficulty"]))
    if not rows:
        raise SymbolSetError(f"{source}: no clips" + (f" in split {split!r}" if split else ""))  # before the family check names none
    if families:
        chosen = _names(families, tuple(sorted({r["family"] for r in rows})), "family")
        rows = [r for r in rows if r["family"] in chosen]
    if per_family:
        rows = select(rows, per_family)
    rows = rows[:limit] if limit else rows
    if not rows:
        raise SymbolSetError(f"{source}: no clips to validate on (--families none or --limit 0)")
    others = _other_prompts(source, rows, seed) if wrong else {}
    start = time.perf_counter()
    jobs = [(row, names, legit, wrong, others.get(row["id"]), ocr_frames, seed + k) for k, row in enumerate(rows)]
    clean, curves, clips = [], {n: {s: [] for s in SEVERITIES} for n in names}, []
    mapped = ordered_map(_score_clip, jobs, workers, label=_clip_label, desc="bench validate", unit="clip", progress=progress)
    for base, by_name, clip in mapped:
        clean.append(base)
        clips.append(clip)
        for n in names:
            for s in SEVERITIES:
                curves[n][s].append(by_name[n][s - 1])
    results = summarize(clean, curves)
    # Every corrupted clip's scores, so a change to how Match combines them can be measured offline.
    results["corrupted"] = [{"id": c["id"], "corruption": n, "severity": s, **_brief(r)}
                            for n in names for s in SEVERITIES for c, r in zip(clean, curves[n][s]) if r is not None]  # fmt: skip
    results["variants"] = {"clips": clips, "by_family": agreement.variant_summary(clips)} if legit or wrong else None
    results["human"] = human_result
    results["settings"] = {"source": str(source), "split": split or "all", "clips": len(rows), "families": sorted({r["family"] for r in clean}),
                           "corruptions": names, "legitimate": legit, "wrong": wrong, "human": str(human) if human else None,
                           "limit": limit, "per_family": per_family, "only_families": families, "ocr_frames": ocr_frames, "seed": seed}  # fmt: skip
    results["seconds"] = round(time.perf_counter() - start, 1)
    results["workers"] = workers
    write_report(out, results)
    return results


def _video_of(spec: dict) -> np.ndarray:
    """A spec rendered and encoded by the generator (H.264, as the dataset stores clips), decoded back."""
    frames = render_clip(validate_spec(spec))[0]
    return codec.decode(codec.encode(frames, spec["fps"]), "variant")


def _clip_label(job) -> str:
    return f"bench validate: clip {job[0]['id']}"


def _score_clip(job) -> tuple[dict, dict, dict]:
    """The clean clip's scores; per corruption, its scores at severities 1..5 (None: not
    applicable); and the scores of its legitimate variants and wrong-content clips. A failure
    names the part that failed (the reference, a corruption and severity, a variant)."""
    row, names, legit, wrong, other, ocr_frames, seed = job
    scorer = Scorer(ocr_frames=ocr_frames)
    prompt = _prompt(row)
    with naming("reference"):
        native = render_clip(validate_spec(prompt["spec"]))
        frames = codec.decode(row["video"]["bytes"], row["id"])
        base = {"id": row["id"], "family": row["family"], **scorer.score(prompt, frames, native)}
    by_name = {}
    for n in names:
        by_name[n] = []
        for s in SEVERITIES:
            with naming(f"corruption {n} at severity {s}"):
                bad = corrupt(n, frames, s, seed, prompt["spec"])
                by_name[n].append(None if bad is None else scorer.score(prompt, bad, native))
    clip = {"id": row["id"], "family": row["family"], "reference": _brief(base), "legitimate": {}, "wrong": {}, "params": {}}
    for name in legit:
        with naming(f"legitimate variant {name}"):
            spec = variants.LEGITIMATE[name](prompt["spec"], seed)
            clip["params"][name] = spec["meta"]["variant"]
            clip["legitimate"][name] = _brief(scorer.score(prompt, _video_of(spec), native))
    if wrong:
        with naming("wrong variant one_symbol"):
            spec = variants.one_symbol(prompt["spec"], seed)
            clip["params"]["one_symbol"] = spec["meta"]["variant"]
            clip["wrong"]["one_symbol"] = _brief(scorer.score(prompt, _video_of(spec), native))
        if other is not None:
            with naming(f"wrong variant other_prompt ({other['id']})"):
                clip["params"]["other_prompt"] = {"id": other["id"]}
                clip["wrong"]["other_prompt"] = _brief(scorer.score(prompt, codec.decode(other["video"], other["id"]), native))
    return base, by_name, clip


def _brief(scores: dict) -> dict:
    return {m: scores.get(m) for m in METRICS + tuple(k for k in EXACT if k not in METRICS)}


def human_agreement(path, seed: int = 0) -> dict:
    """Each metric's Kendall tau and Spearman rho (bootstrap 95% intervals) against the human
    ratings of a ``bench run`` folder (``path``: the folder or its ratings database; the metric
    scores come from the folder's ``scores.jsonl``)."""
    from .compare import load_scores
    from .ratings import CRITERIA, RatingStore, video_scores

    path = Path(path)
    db, run = (path / "ratings.sqlite", path) if path.is_dir() else (path, path.parent)
    store = RatingStore(db, create=False)
    rated = video_scores(store.ratings())
    scores = {str(r["video"]): r for r in load_scores(run) if not r.get("error") and r.get("video")}
    videos = [v for v in rated if v in scores]
    table = {}
    for m in METRICS:
        table[m] = {c: agreement.correlations([scores[v].get(m) for v in videos], [rated[v][c] for v in videos], seed)
                    for c in (*CRITERIA, "overall")}  # fmt: skip
    return {"ratings": str(db), "run": str(run), "videos": len(videos), "unmatched": len(rated) - len(videos),
            "raters": len({r["rater"] for r in store.ratings()}), "table": table}  # fmt: skip


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
