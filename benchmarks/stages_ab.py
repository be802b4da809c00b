"""CPU per clip of each stage outside encoding, this checkout against another one, per family, interleaved.

The stages of ``benchmarks/generate.py --stages`` (sample_spec, render, captions, row), for the
reference checkout's ``symbolset`` (imported from a copy renamed ``symbolset_ref``) and this one,
alternating which side goes first clip by clip within each family (the second to run a clip finds
the processor's caches warm). Two ``--stages`` runs minutes apart differ by more than most of one
room's changes on a shared machine; this compares both in the same minutes. The cyclic garbage
collector is paused while a clip is timed (a collection's cost lands on whichever side triggers it)
and run between clips (the young generation) and passes (all). Encoding is left out (the same code on both sides). Every stage's output is
checked equal between the two sides on the first pass. Prints JSON: per family and stage
``[reference, this]`` CPU ms per clip, the median of ``--repeats`` passes.

    python benchmarks/stages_ab.py /path/to/other/checkout [--num 400] [--repeats 3]
"""

from __future__ import annotations

import argparse
import collections
import gc
import importlib
import json
import statistics
import sys
import time

from other_checkout import imported_copy

STAGES = ("sample_spec", "render", "captions", "row")
_MODULES = ("record", "render", "families", "stage", "spec")


def _stages(m: dict, task: dict, params: dict) -> tuple[dict, tuple]:
    """CPU seconds of each stage of one record (as record.build_record runs them, less encoding)
    and what the stages made."""
    rec, clock = m["record"], time.process_time
    c0 = clock()
    spec = rec.sample_spec(task["family"], task["seed"], params)
    c1 = clock()
    with m["render"].reuse():
        frames, anns = m["render"].render_clip(spec)
        c2 = clock()
        fam = m["families"].get(spec["family"])
        caps = fam.captions(m["stage"].card(spec), rec.caption_rng(task["seed"]))
    caps = m["stage"].add_captions(spec, caps, anns)
    c3 = clock()
    made = (rec.annotations_for_record(anns), rec.difficulty(spec, anns, fam.difficulty(spec, anns)), m["spec"].to_json(spec))
    c4 = clock()
    return dict(zip(STAGES, (c1 - c0, c2 - c1, c3 - c2, c4 - c3))), (frames.tobytes(), caps, *made)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("reference", help="a checkout of the project (its symbolset/ package is compared)")
    ap.add_argument("--num", type=int, default=400)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--config", default="default")
    args = ap.parse_args()
    from symbolset.build import plan
    from symbolset.config import load_config

    cfg = load_config(args.config, num=args.num)
    tasks = plan(cfg)
    with imported_copy(args.reference) as load_ref:
        sides = {"reference": {k: load_ref(k) for k in _MODULES}, "this": {k: importlib.import_module(f"symbolset.{k}") for k in _MODULES}}
        for t in tasks[:20]:  # warm-up: imports, fonts' character maps
            for m in sides.values():
                _stages(m, t, cfg.params(t["family"]))
        passes = []
        gc.disable()
        try:
            for r in range(args.repeats):
                spent = {side: collections.defaultdict(lambda: collections.defaultdict(float)) for side in sides}
                seen: collections.Counter = collections.Counter()
                for t in tasks:
                    params, made = cfg.params(t["family"]), {}
                    order = list(sides) if (seen[t["family"]] + r) % 2 == 0 else list(sides)[::-1]
                    seen[t["family"]] += 1
                    for side in order:
                        times, made[side] = _stages(sides[side], t, params)
                        for stage, sec in times.items():
                            spent[side][t["family"]][stage] += sec
                    if r == 0 and made["reference"] != made["this"]:
                        print(f"note: {t['id']}: the two checkouts' stages made different output", file=sys.stderr)
                    del made
                    gc.collect(0)  # the young objects only: a full collection per clip would cost more than the clip
                gc.collect()
                passes.append({side: {f: {s: 1e3 * v / seen[f] for s, v in st.items()} for f, st in by.items()} for side, by in spent.items()})
        finally:
            gc.enable()
    families = sorted(passes[0]["this"])
    out = {f: {s: [round(statistics.median(p[side][f][s] for p in passes), 2) for side in sides] for s in STAGES} for f in families}
    mean = {s: [round(statistics.fmean(out[f][s][k] for f in families), 2) for k in (0, 1)] for s in STAGES}
    print(json.dumps({"config": cfg.name, "num_clips": len(tasks), "unit": f"CPU ms per clip, [reference, this], median of {args.repeats} passes",
                      "families": out, "mean_of_families": mean}, indent=1))  # fmt: skip


if __name__ == "__main__":
    main()
