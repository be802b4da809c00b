"""Shrinking text drawn filtered (``textdraw.supersampling``) against drawn by point sampling, in one run.

For signage clips of a config (seeds 0..--clips-1), both ways in the same process (the unfiltered
way is the renderer with ``supersampling`` forced to 1, i.e. PIL's bicubic transform alone):

- ``offset_px``: per zoom factor applied to the signs' text (1.0 as sampled; 0.6 and 0.4 force
  small glyphs), the largest distance between a character's ink centroid on a frame and in an
  exact rendering of its glyph (the reference of ``tests/families/test_signage_exact.py``, imported
  from there), and ``vanished``: characters with ink in the reference and none on the frame;
- ``render_ms`` / ``record_ms``: CPU ms per clip of ``render_clip`` and of a whole record
  (``make_record``), median over ``--repeats`` interleaved rounds, and their ratio filtered / unfiltered.

    python benchmarks/text_shrink.py [--config default] [--clips 6] [--repeats 7]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "families"))

import symbolset.render as render  # noqa: E402
import symbolset.textdraw as textdraw  # noqa: E402
from symbolset.config import load_config  # noqa: E402
from symbolset.record import make_record, sample_spec  # noqa: E402

FILTERED = textdraw.supersampling
WAYS = {"unfiltered": lambda lin: 1, "filtered": FILTERED}


def _offsets(specs: list[dict], factor: float) -> dict:
    from test_signage_exact import _offsets, _zoomed

    offs = [o for spec in specs for o, _ in _offsets(_zoomed(spec, factor))]
    finite = [o for o in offs if math.isfinite(o)]
    return {
        "max": round(max(finite), 3),
        "p99": round(statistics.quantiles(finite, n=100)[98], 3),
        "vanished": len(offs) - len(finite),
        "chars": len(offs),
    }


def main() -> None:
    """Measure both ways and print the JSON report."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default="default")
    ap.add_argument("--clips", type=int, default=6)
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args()
    params = load_config(args.config).params("signage")
    specs = [sample_spec("signage", seed, params) for seed in range(args.clips)]
    out: dict = {"config": args.config, "clips": args.clips, "unit": f"CPU ms per clip, median of {args.repeats}"}
    times: dict = {way: {"render_ms": [], "record_ms": []} for way in WAYS}
    for _ in range(args.repeats):
        for way, fn in WAYS.items():
            textdraw.supersampling = fn
            textdraw.placed_text.cache_clear()
            start = time.process_time()
            for spec in specs:
                render.render_clip(spec)
            times[way]["render_ms"].append((time.process_time() - start) / len(specs) * 1e3)
            textdraw.placed_text.cache_clear()
            start = time.process_time()
            for seed in range(args.clips):
                make_record({"id": f"s{seed}", "family": "signage", "split": "train", "seed": seed}, params)
            times[way]["record_ms"].append((time.process_time() - start) / len(specs) * 1e3)
    for way, fn in WAYS.items():
        textdraw.supersampling = fn
        textdraw.placed_text.cache_clear()
        out[way] = {k: round(statistics.median(v), 2) for k, v in times[way].items()}
        out[way]["offset_px"] = {str(f): _offsets(specs, f) for f in (1.0, 0.6, 0.4)}
    textdraw.supersampling = FILTERED
    out["ratio"] = {k: round(out["filtered"][k] / out["unfiltered"][k], 3) for k in ("render_ms", "record_ms")}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
