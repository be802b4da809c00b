"""Draw docs/composite_planes.png: composite scenes whose clock or speed display stands on a plane of
its own (symbolset/composite_planes.py), first and last frame, and the last frame again with every
character quad of that part outlined (as stored in the annotations).

    python examples/composite_planes_figure.py [--out docs/composite_planes.png] [--size 288]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from symbolset import record
from symbolset.render import render_clip

SEEDS = (21, 20)  # a shop front (clock on a bracket) and a dashboard (display tilted on the dash)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="docs/composite_planes.png")
    ap.add_argument("--size", type=int, default=288)
    args = ap.parse_args()
    params = {"width": args.size, "height": args.size, "num_frames": 16, "fps": 8.0, "options": {}, "font_pool": "pip", "occluders": 0.0}
    rows = []
    for seed in SEEDS:
        spec = record.sample_spec("composite", seed, params)
        planed = [p["id"] for p in spec["parts"] if "plane" in p]
        frames, anns = render_clip(spec)
        marked = frames[-1].copy()
        for s in anns[-1]["shapes"]:
            if s["type"] == "text_quad" and s["element"].split("/")[0] in planed:
                for q in s["params"]["char_quads"]:
                    cv2.polylines(marked, [np.round(np.asarray(q) * 4).astype(np.int32)], True, (0, 255, 0), 1, cv2.LINE_AA, 2)
        rows.append(np.concatenate([frames[0], frames[-1], marked], axis=1))
    Image.fromarray(np.concatenate(rows, axis=0)).save(args.out, optimize=True)
    print(args.out)


if __name__ == "__main__":
    main()
