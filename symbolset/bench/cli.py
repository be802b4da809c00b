"""``symbolset bench prompts | run | compare | validate``."""

from __future__ import annotations

from pathlib import Path

from ..errors import SymbolSetError


def _prompts(args) -> int:
    from .prompts import build_prompts, write_prompts

    out = Path(args.out)
    if out.exists() and not args.overwrite:
        raise SymbolSetError(f"{out}: already exists; pass --overwrite to replace it")
    prompts = build_prompts(args.source, split=args.split, per_family=args.per_family)
    write_prompts(prompts, out)
    fams = sorted({p["family"] for p in prompts})
    print(f"{out}: {len(prompts)} prompts from {len(fams)} famil{'y' if len(fams) == 1 else 'ies'} ({', '.join(fams)})")
    return 0


def _run(args) -> int:
    from .match import parse_weights
    from .run import run_benchmark
    from .stats import format_mean

    if args.ocr_frames < 1:
        raise SymbolSetError(f"--ocr-frames: expected a positive number, got {args.ocr_frames}")
    summary = run_benchmark(args.prompts, args.videos, args.out, ocr_frames=args.ocr_frames, use_ocr=not args.no_ocr,
                            weights=parse_weights(args.weights), clip_model=args.clip_model, i3d=args.i3d, fvd_frames=args.fvd_frames,
                            fvd_size=args.fvd_size, fvd_stride=args.fvd_stride, workers=args.workers, overwrite=args.overwrite, name=args.name,
                            progress=not args.quiet)  # fmt: skip
    c, m = summary["counts"], summary["overall"].get("match")
    print(f"{args.out}: {c['scored']} videos scored, {c['missing']} missing, {c['undecodable']} undecodable; "
          f"Match {format_mean(m)}" if m else f"{args.out}: no video scored")  # fmt: skip
    return 0


def _compare(args) -> int:
    from .compare import leaderboard

    table = leaderboard(args.runs, allow_different_prompts=args.allow_different_prompts)
    if args.out:
        from ..layout import write_bytes_atomic

        write_bytes_atomic(Path(args.out), table.encode())
    print(table, end="")
    return 0


def _validate(args) -> int:
    from .validate import run_validation

    res = run_validation(args.source, args.out, split=args.split, limit=args.limit, per_family=args.per_family, families=args.families, ocr_frames=args.ocr_frames, corruptions=args.corruptions,
                         legitimate=args.variants, wrong=not args.no_wrong, human=args.human, seed=args.seed, workers=args.workers,
                         overwrite=args.overwrite, progress=not args.quiet)  # fmt: skip
    g, parts = res["goals"], [f"reference Match {res['reference']['match']:.3f}"]
    if g["targets_total"]:
        parts.append(f"{g['targets_passed']}/{g['targets_total']} targeted rho goals met")
    fams = {f: v for f, v in ((res.get("variants") or {}).get("by_family") or {}).items() if f != "all"}
    for key in ("invariance", "auroc", "gap"):
        if fams:
            parts.append(f"{key} {sum(v['pass'][key] for v in fams.values())}/{len(fams)} families")
    if res.get("human"):
        parts.append(f"human agreement over {res['human']['videos']} rated videos")
    print(f"{args.out}: " + "; ".join(parts))
    return 0


def register(sub) -> None:
    """Add the ``bench`` command and its sub-commands to the CLI."""
    b = sub.add_parser("bench", help="SymbolBench: score generated videos against the specs")
    bs = b.add_subparsers(dest="bench_command", metavar="SUBCOMMAND")
    b.set_defaults(func=lambda args: b.print_help() or 2)

    p = bs.add_parser("prompts", help="write the benchmark prompt set (JSONL) from a dataset's test split")
    p.add_argument("source", help="dataset folder (Hub layout)")
    p.add_argument("--out", required=True, help="prompts.jsonl")
    p.add_argument("--split", default="test")
    p.add_argument("--per-family", type=int, default=50, help="prompts per family, stratified by difficulty [50]")
    p.add_argument("--overwrite", action="store_true")
    p.set_defaults(func=_prompts)

    r = bs.add_parser("run", help="score a model's videos for a prompt set")
    r.add_argument("--prompts", required=True)
    r.add_argument("--videos", required=True, help="folder of <id>.mp4 / <id>-<k>.mp4, or a CSV/JSONL mapping (id, path)")
    r.add_argument("--out", required=True, help="results folder")
    r.add_argument("--name", help="run name shown in reports and leaderboards [folder name]")
    r.add_argument("--weights", help="b1,b2,b3 for Match = b1*Mf + b2*Mc + b3*Mt [0.2,0.3,0.5]")
    r.add_argument("--ocr-frames", type=int, default=4, help="frames per video read by OCR and the geometric detectors [4]")
    r.add_argument("--no-ocr", action="store_true", help="skip OCR (faster; no OCR fidelity or stability)")
    r.add_argument("--clip-model", help="local CLIP folder or cached model id for CLIPSIM (never downloaded)")
    r.add_argument("--i3d", help="I3D TorchScript file for FVD")
    r.add_argument("--fvd-frames", type=int, default=16)
    r.add_argument("--fvd-size", type=int, default=224)
    r.add_argument("--fvd-stride", type=int, help="frame stride for FVD clips [evenly spread]")
    r.add_argument("--workers", type=int, default=1, help="processes, one prompt each at a time (scores do not depend on it) [1]")
    r.add_argument("--overwrite", action="store_true")
    r.add_argument("--quiet", action="store_true")
    r.set_defaults(func=_run)

    c = bs.add_parser("compare", help="leaderboard of several runs")
    c.add_argument("runs", nargs="+", help="results folders of bench run")
    c.add_argument("--out", help="also write the leaderboard (Markdown) here")
    c.add_argument("--allow-different-prompts", action="store_true", help="rank runs even when they cover different prompt sets")
    c.set_defaults(func=_compare)

    v = bs.add_parser("validate", help="check the metrics: graded corruptions, legitimate re-renders, wrong content, human ratings")
    v.add_argument("source", help="dataset folder (Hub layout)")
    v.add_argument("--out", required=True, help="report folder")
    v.add_argument("--split", help="one split [all]")
    v.add_argument("--limit", type=int, help="at most this many clips")
    v.add_argument("--per-family", type=int, help="this many clips per family, stratified by difficulty in id order [all]")
    v.add_argument("--families", help="comma-separated families to validate on [all in the source]")
    v.add_argument("--corruptions", help="comma-separated subset, or none [all]")
    v.add_argument("--variants", help="legitimate re-renders: a comma-separated subset of "
                   "move,resize,reframe,refont,recolor,retime,refps, or none [all]")
    v.add_argument("--no-wrong", action="store_true", help="skip the wrong-content clips (another prompt; one symbol changed)")
    v.add_argument("--human", help="a `bench run` folder rated with `symbolset view RESULTS --rate` (or its ratings.sqlite)")
    v.add_argument("--ocr-frames", type=int, default=4)
    v.add_argument("--seed", type=int, default=0)
    v.add_argument("--workers", type=int, default=1, help="processes, one clip each at a time (results do not depend on it) [1]")
    v.add_argument("--overwrite", action="store_true")
    v.add_argument("--quiet", action="store_true")
    v.set_defaults(func=_validate)
