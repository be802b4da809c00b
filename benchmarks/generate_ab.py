"""Generation CPU per clip of this checkout against another one, interleaved clip by clip in one process.

On a shared machine, two benchmark runs minutes apart differ by 10-20% (other jobs change the
caches' and memory bus's load), more than most speed-ups. This runs both versions in the same
process, alternating clip by clip: ``make_record`` of the reference checkout's ``symbolset``
(imported from a copy renamed ``symbolset_ref``), ``make_record`` of this one, and the encode floor
(``codec.encode`` of the same clip's frames, rendered by a third copy so that neither side finds
that clip in its caches). Each side keeps its own caches, as a real run would. Prints JSON: CPU ms
per clip (``time.process_time``) of each, the floor, and ratios; rows are checked to be equal.

    python benchmarks/generate_ab.py /path/to/other/checkout [--num 200] [--config default]
"""

from __future__ import annotations

import argparse
import collections
import json
import statistics
import sys
import time

from other_checkout import imported_copy

from symbolset import record
from symbolset.build import plan
from symbolset.config import load_config


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("reference", help="a checkout of the project (its symbolset/ package is compared)")
    ap.add_argument("--num", type=int, default=200)
    ap.add_argument("--config", default="default")
    args = ap.parse_args()
    cfg = load_config(args.config, num=args.num)
    tasks = plan(cfg)
    with imported_copy(args.reference) as load_ref, imported_copy(args.reference, "symbolset_floor") as load_floor:
        ref = load_ref("record")
        floor_rec, floor_render, floor_codec = load_floor("record"), load_floor("render"), load_floor("codec")
        for t in tasks[:10]:  # warm-up: imports, fonts' character maps
            ref.make_record(t, cfg.params(t["family"]))
            record.make_record(t, cfg.params(t["family"]))
        spent: dict[str, dict[str, list[float]]] = {"reference": {}, "this": {}, "floor": {}}
        seen: collections.Counter = collections.Counter()
        for t in tasks:
            params = cfg.params(t["family"])
            spec = floor_rec.sample_spec(t["family"], t["seed"], params)
            frames = floor_render.render_clip(spec)[0]
            jobs = {  # called at once, in this iteration
                "reference": lambda t=t, params=params: ref.make_record(t, params),
                "this": lambda t=t, params=params: record.make_record(t, params),
                "floor": lambda frames=frames, spec=spec, params=params: floor_codec.encode(
                    frames, spec["fps"], floor_rec.clip_codec(spec, params)
                ),
            }
            rows = {}
            # alternate the order clip by clip within each family (the plan interleaves families, so
            # alternating on the plan index would give a family the same order on every clip)
            turn = seen[t["family"]] % 2
            seen[t["family"]] += 1
            for side in list(jobs) if turn == 0 else list(jobs)[::-1]:
                start = time.process_time()
                rows[side] = jobs[side]()
                spent[side].setdefault(t["family"], []).append(time.process_time() - start)
            differ = sorted(k for k in rows["this"] if rows["reference"].get(k) != rows["this"][k])
            if differ:  # every column: video, spec, captions, annotations, difficulty, checksum ...
                print(f"note: {t['id']}: {', '.join(differ)} differ between the two checkouts", file=sys.stderr)
    ms = {side: 1e3 * sum(sum(v) for v in by_family.values()) / len(tasks) for side, by_family in spent.items()}
    out = {
        "config": cfg.name, "num_clips": len(tasks), "unit": "CPU ms per clip (make_record; floor: codec.encode of the same frames)",
        **{side: round(v, 2) for side, v in ms.items()},
        "non_encode_reference": round(ms["reference"] - ms["floor"], 2), "non_encode_this": round(ms["this"] - ms["floor"], 2),
        "floor_ratio_reference": round(ms["floor"] / ms["reference"], 3), "floor_ratio_this": round(ms["floor"] / ms["this"], 3),
        "families": {f: {side: round(1e3 * statistics.mean(spent[side][f]), 1) for side in spent} for f in spent["this"]},
    }  # fmt: skip
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
