"""What checking each composite part's family rule (its ``verify``) at generation costs.

For ``--seeds`` composite scenes at the ``release`` size, each is generated whole
(``record.sample_spec`` + ``record.build_record``: parts sampled and checked, scene rendered
through the camera, captions, encode; CPU seconds) twice in the same run: with the parts checked
on their claims only (as before) and on their claims and their family's rule (as now). Prints JSON:
per layout and over all scenes the medians, ``ratio`` (rule checked / claims only, median of
per-scene ratios) and the verify time alone per part family.

    python benchmarks/composite_checks.py [--seeds 6] [--size 512] [--frames 32]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from symbolset import families, record
from symbolset.families import composite as scene


def _claims_only(sub: dict) -> list[str]:
    from symbolset.claims.verify import verify_claims
    from symbolset.render import render_clip

    frames, anns = render_clip(sub)
    return verify_claims(sub, frames, anns, families.get(sub["family"]).claims(sub))


def _scene_cpu(seed: int, params: dict) -> tuple[float, str, list]:
    t = time.process_time()
    spec = record.sample_spec("composite", seed, params)
    record.build_record(spec, sample_id="bench", split="train", seed=seed)
    return time.process_time() - t, spec["meta"]["layout"], spec["parts"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=6)
    ap.add_argument("--size", type=int, default=512)
    ap.add_argument("--frames", type=int, default=32)
    args = ap.parse_args()
    params = {"width": args.size, "height": args.size, "num_frames": args.frames, "fps": 16.0, "options": {}, "font_pool": "pip"}
    checked = scene.problems
    rows, verify_s = [], {}
    for seed in range(args.seeds):
        scene.problems = _claims_only
        try:
            before, layout, _ = _scene_cpu(seed, params)
        finally:
            scene.problems = checked
        after, _, parts = _scene_cpu(seed, params)
        from symbolset.render import render_clip

        for p in parts:  # the rule alone, on the part written
            frames, anns = render_clip(p["spec"])
            t = time.process_time()
            families.get(p["spec"]["family"]).verify(p["spec"], frames, anns)
            verify_s.setdefault(p["spec"]["family"], []).append(time.process_time() - t)
        rows.append({"seed": seed, "layout": layout, "claims_only_s": before, "with_rule_s": after})

    def summary(rs):
        return {"scenes": len(rs), "claims_only_s": round(statistics.median(r["claims_only_s"] for r in rs), 3),
                "with_rule_s": round(statistics.median(r["with_rule_s"] for r in rs), 3),
                "ratio": round(statistics.median(r["with_rule_s"] / r["claims_only_s"] for r in rs), 3)}  # fmt: skip

    out = {"size": args.size, "frames": args.frames, "all": summary(rows),
           "layouts": {k: summary([r for r in rows if r["layout"] == k]) for k in sorted({r["layout"] for r in rows})},
           "verify_s_median": {k: round(statistics.median(v), 3) for k, v in sorted(verify_s.items())}}  # fmt: skip
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
