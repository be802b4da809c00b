"""The CPU-scale ablation of docs/ablation_cpu.md: does what a model is trained on show in SymbolBench?

Generates a SymbolSet dataset (64x64, 8 frames at 8 fps; the model makes 32x32 clips), writes the held-out prompt set from its
test split, and runs ``symbolset ablate`` with the ``scratch`` generator (a small text-to-video
model trained from scratch, pixel MSE) in three variants, each trained with two seeds:

- ``full``: every family, the default caption policy (en short / detailed / temporal, equal weights);
- ``no_temporal``: every family, short and detailed captions only;
- ``no_clock_lanes``: the clock and lanes families left out of training (a positive control: their
  held-out prompts should score lower).

Scored with ``symbolset bench run --no-ocr`` (OCR would cost ~10x more time than everything else;
without it Mt is the geometric detectors only). Prints one JSON line with the wall time of each
stage. Run with ``nice -n 15 python examples/finetune_cpu_ablation.py --out runs/cpu_ablation``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import yaml


def main(argv=None) -> None:
    """Command line: build everything under ``--out`` and run the ablation."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="folder for the dataset, configs, runs and the table")
    ap.add_argument("--num", type=int, default=480, help="clips to generate (half train, a quarter test) [480]")
    ap.add_argument("--steps", type=int, default=60, help="training steps per run [60]")
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--size", type=int, default=32, help="frame size the model makes (a power of two) [32]")
    ap.add_argument("--per-family", type=int, default=6, help="held-out prompts per family [6]")
    ap.add_argument("--seeds", default="0,1")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (the machine is shared) [1]")
    args = ap.parse_args(argv)

    import torch

    from symbolset.cli import main as cli

    torch.set_num_threads(args.threads)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    times, t0 = {}, time.time()

    def run(*argv) -> None:
        if cli([str(a) for a in argv]) != 0:
            raise SystemExit(f"failed: symbolset {' '.join(map(str, argv))}")

    if not (out / "data" / "manifest.json").is_file():
        run("generate", "--out", out / "data", "--num", args.num, "--size", "64", "--frames", "8", "--fps", "8", "--seed", "7", "--quiet")
    times["generate"] = round(time.time() - t0, 1)
    if not (out / "prompts.jsonl").is_file():
        run("bench", "prompts", out / "data", "--out", out / "prompts.jsonl", "--per-family", args.per_family)
    finetune = {
        "model": {"kind": "scratch"},
        "data": {"source": str(out / "data"), "frames": 8, "height": args.size, "width": args.size, "workers": 0,
                 "captions": {"en.short": 1, "en.detailed": 1, "en.temporal": 1}},
        "train": {"steps": args.steps, "batch_size": args.batch_size, "lr": 3e-3, "mixed_precision": "no", "checkpoint_every": 50, "keep_checkpoints": 1},
        "generate": {"caption": "en.detailed", "fps": 8.0},
        "output": "unused",
    }  # fmt: skip
    families = ["text_typing", "text_motion", "seven_segment", "clock", "lanes", "geometry", "plot", "chart", "formula", "signage"]
    ablation = {
        "output": str(out / "ablation"),
        "prompts": str(out / "prompts.jsonl"),
        "finetune": finetune,
        "seeds": [int(s) for s in args.seeds.split(",")],
        "variants": {
            "full": {},
            "no_temporal": {"data": {"captions": {"en.short": 1, "en.detailed": 1}}},
            "no_clock_lanes": {"data": {"families": [f for f in families if f not in ("clock", "lanes")]}},
        },
        "bench": {"no_ocr": True, "ocr_frames": 4},
    }
    (out / "ablation.yaml").write_text(yaml.safe_dump(ablation, sort_keys=False))
    t1 = time.time()
    run("ablate", out / "ablation.yaml")
    times["ablate"] = round(time.time() - t1, 1)
    times["total"] = round(time.time() - t0, 1)
    print(json.dumps({"seconds": times}))


if __name__ == "__main__":
    main()
