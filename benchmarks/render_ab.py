"""Render CPU per clip of this checkout against another one, interleaved clip by clip in one process.

``generate_ab.py`` times whole records, where encoding (25-45 ms a clip) and its variance swamp a
change of a millisecond in drawing. This times ``render.render_clip`` alone: each clip's spec is
sampled once (by this checkout), then rendered by the reference checkout's ``symbolset`` (imported
from a copy renamed ``symbolset_ref``) and by this one, alternating which goes first, each side with
its own caches as a run would have them (one pass over the plan: no clip is drawn twice by a side).
Frames and annotations are checked to be equal. Prints JSON: median and mean CPU ms per clip
(``time.process_time``) of each side per family, and their ratios.

    python benchmarks/render_ab.py /path/to/other/checkout [--num 1000] [--families signage,chart] [--config release --staged]
"""

from __future__ import annotations

import argparse
import collections
import json
import statistics
import sys
import time

import cv2
import numpy as np
from other_checkout import imported_copy

from symbolset import record, render
from symbolset.build import plan
from symbolset.config import load_config


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("reference", help="a checkout of the project (its symbolset/ package is compared)")
    ap.add_argument("--num", type=int, default=1000)
    ap.add_argument("--config", default="default")
    ap.add_argument("--families", default="", help="comma-separated families (default: all)")
    ap.add_argument("--staged", action="store_true", help="only real-style clips (a spec with a stage)")
    args = ap.parse_args()
    cv2.setNumThreads(1)  # as a run's workers have it (engines/local.py)
    cfg = load_config(args.config, num=args.num)
    wanted = set(filter(None, args.families.split(",")))
    tasks = [t for t in plan(cfg) if not wanted or t["family"] in wanted]
    spent: dict = collections.defaultdict(lambda: {"reference": [], "this": []})
    with imported_copy(args.reference) as load_ref:
        ref = load_ref("render")
        for i, t in enumerate(tasks):
            spec = record.sample_spec(t["family"], t["seed"], cfg.params(t["family"]))
            if args.staged and "stage" not in spec:
                continue
            sides = [("reference", ref), ("this", render)]
            out = {}
            for name, mod in sides if i % 2 == 0 else sides[::-1]:
                start = time.process_time()
                out[name] = mod.render_clip(spec)
                spent[t["family"]][name].append(time.process_time() - start)
            (f_ref, a_ref), (f_this, a_this) = out["reference"][:2], out["this"][:2]
            if a_ref != a_this or any(not np.array_equal(x, y) for x, y in zip(f_ref, f_this)):
                print(f"note: {t['id']}: frames or annotations differ between the two checkouts", file=sys.stderr)
    families = {}
    for fam, d in sorted(spent.items()):
        r, m = statistics.median(d["reference"]) * 1e3, statistics.median(d["this"]) * 1e3
        families[fam] = {"clips": len(d["this"]), "reference": round(r, 2), "this": round(m, 2), "ratio": round(m / r, 3),
                         "mean_reference": round(statistics.mean(d["reference"]) * 1e3, 2),
                         "mean_this": round(statistics.mean(d["this"]) * 1e3, 2)}  # fmt: skip
    every = [s for d in spent.values() for s in d["this"]], [s for d in spent.values() for s in d["reference"]]
    print(json.dumps({"config": args.config, "unit": "CPU ms per clip (render_clip; median per family)",
                      "mean_this": round(statistics.mean(every[0]) * 1e3, 2), "mean_reference": round(statistics.mean(every[1]) * 1e3, 2),
                      "families": families}, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
