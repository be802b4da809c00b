"""Generation cost per family: a whole record (``record.make_record``) beside the family's own encode floor.

Prints JSON: for each family in ``FAMILY_NAMES``, CPU ms per clip (``time.process_time``, one process,
one thread; median over repeats of the mean over ``--clips`` new seeds each, after one warm-up clip) of

- ``ms_per_clip``: a whole row (sample the spec, render, caption, encode, annotate), and
  ``clips_per_s`` / ``frames_per_s`` from it;
- ``encode_floor_ms``: encoding the same clips' frames (rendered beforehand, untimed) with the same
  codec (``codec.encode``), i.e. what the content itself costs the encoder;
- ``non_encode_ms``: the difference, and ``ratio_to_own_floor`` = floor / whole (1.0: nothing but encoding).

``ratio_to_fastest`` is each family's whole clip against the fastest family's (goal: within 2x);
``floor_ratio_to_fastest`` is the same for the encode floors alone, so a family whose content is
genuinely costlier to encode (a camera pan moves every pixel) shows as such. CPU time, unlike wall
time, hardly moves when other processes share the machine. Families whose module is not importable
are listed under ``"missing"``.

    python benchmarks/families.py [--clips 10] [--repeats 3] [--size 256] [--frames 16]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from symbolset import codec, families
from symbolset.record import clip_codec, make_record, sample_spec
from symbolset.render import render_clip


def measure(name: str, clips: int, repeats: int, params: dict) -> dict:
    """CPU ms per clip of ``make_record`` and of encoding the same frames, for one family.

    Each repeat takes ``clips`` new seeds, as a run never makes a clip twice: a repeat over the same
    seeds would find their strings, text masks and placements cached and leave out the first-time
    work every real clip has. Each clip is made (timed), then its frames are rendered again (untimed;
    cached by then) and encoded (timed), so both sides see the same load on a shared machine.
    """
    make_record({"id": f"{name}-warm", "family": name, "split": "train", "seed": 10_000}, params)
    whole, floor = [], []
    for r in range(repeats):
        made = encoded = 0.0
        for seed in range(r * clips, (r + 1) * clips):
            start = time.process_time()
            make_record({"id": f"{name}-{seed}", "family": name, "split": "train", "seed": seed}, params)
            made += time.process_time() - start
            spec = sample_spec(name, seed, params)
            frames = render_clip(spec)[0]
            start = time.process_time()
            codec.encode(frames, spec["fps"], clip_codec(spec, params))
            encoded += time.process_time() - start
        whole.append(made / clips)
        floor.append(encoded / clips)
    ms, floor_ms = 1e3 * statistics.median(whole), 1e3 * statistics.median(floor)
    return {
        "ms_per_clip": round(ms, 2),
        "clips_per_s": round(1e3 / ms, 2),
        "frames_per_s": round(1e3 / ms * params["num_frames"], 1),
        "encode_floor_ms": round(floor_ms, 2),
        "non_encode_ms": round(ms - floor_ms, 2),
        "ratio_to_own_floor": round(floor_ms / ms, 3),
    }


def main() -> None:
    """Measure every registered family and print the JSON report."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clips", type=int, default=10)
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
        report[name] = measure(name, args.clips, args.repeats, params)
    fastest = min(r["ms_per_clip"] for r in report.values())
    fastest_floor = min(r["encode_floor_ms"] for r in report.values())
    for r in report.values():
        r["ratio_to_fastest"] = round(r["ms_per_clip"] / fastest, 2)
        r["floor_ratio_to_fastest"] = round(r["encode_floor_ms"] / fastest_floor, 2)
    out = {"size": args.size, "frames": args.frames, "clips": args.clips, "unit": f"CPU ms per clip, median of {args.repeats}",
           "families": report, "missing": missing,
           "slowest_to_fastest": round(max(r["ms_per_clip"] for r in report.values()) / fastest, 2),
           "all_within_2x": all(r["ratio_to_fastest"] <= 2.0 for r in report.values()),
           "mean_ratio_to_own_floor": round(statistics.mean(r["ratio_to_own_floor"] for r in report.values()), 3)}  # fmt: skip
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
