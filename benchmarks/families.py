"""Generation throughput per family: render + encode (``record.make_record``) at 256x256, 16 frames.

Prints JSON: for each family in ``FAMILY_NAMES`` the median over repeats of clips/s and frames/s
(one process, one thread), and each family's ratio to the fastest. Goal: every family within 2x
of the fastest. Families whose module is not importable yet are listed under ``"missing"``.

    python benchmarks/families.py [--clips 6] [--repeats 3] [--size 256] [--frames 16]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from symbolset import families
from symbolset.record import make_record


def throughput(name: str, clips: int, repeats: int, params: dict) -> dict:
    """Median clips/s and frames/s of ``make_record`` for one family (seeds 0..clips-1, after one warm-up)."""
    make_record({"id": f"{name}-warm", "family": name, "split": "train", "seed": 10_000}, params)
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        for seed in range(clips):
            make_record({"id": f"{name}-{seed}", "family": name, "split": "train", "seed": seed}, params)
        rates.append(clips / (time.perf_counter() - start))
    clips_s = statistics.median(rates)
    return {"clips_per_s": round(clips_s, 3), "frames_per_s": round(clips_s * params["num_frames"], 1)}


def main() -> None:
    """Measure every registered family and print the JSON report."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clips", type=int, default=6)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--frames", type=int, default=16)
    args = ap.parse_args()
    params = {"width": args.size, "height": args.size, "num_frames": args.frames, "fps": 8.0}
    report, missing = {}, []
    for name in families.FAMILY_NAMES:
        try:
            families.get(name)
        except ImportError:
            missing.append(name)
            continue
        report[name] = throughput(name, args.clips, args.repeats, params)
    fastest = max(r["clips_per_s"] for r in report.values())
    for r in report.values():
        r["ratio_to_fastest"] = round(fastest / r["clips_per_s"], 2)
    out = {"size": args.size, "frames": args.frames, "clips": args.clips, "repeats": args.repeats, "families": report, "missing": missing,
           "all_within_2x": all(r["ratio_to_fastest"] <= 2.0 for r in report.values())}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
