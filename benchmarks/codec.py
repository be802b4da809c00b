"""Fidelity and size of every codec: PSNR of decoded vs rendered frames, bytes per clip. Prints JSON."""

from __future__ import annotations

import json
import statistics
import time

from symbolset import codec
from symbolset.build import plan
from symbolset.config import load_config
from symbolset.record import sample_spec
from symbolset.render import render_clip


def main(per_family: int = 2, size: int = 256) -> None:
    cfg = load_config("default", num=per_family * len(load_config("default").families), width=size, height=size)
    clips = [(t["family"], render_clip(sample_spec(t["family"], t["seed"], cfg.params(t["family"])))[0]) for t in plan(cfg)]
    out = {"size": f"{size}x{size}", "clips": len(clips), "codecs": {}}
    for name in codec.CODECS:
        psnrs, sizes, times = [], [], []
        for _, frames in clips:
            start = time.perf_counter()
            data = codec.encode(frames, cfg.fps, name)
            times.append(time.perf_counter() - start)
            psnrs.append(codec.psnr(codec.decode(data), frames))
            sizes.append(len(data))
        finite = [p for p in psnrs if p != float("inf")]
        out["codecs"][name] = {
            "psnr_db_median": round(statistics.median(finite), 2) if finite else "inf (lossless)",
            "psnr_db_min": round(min(finite), 2) if finite else "inf (lossless)",
            "kb_per_clip_median": round(statistics.median(sizes) / 1024, 1),
            "encode_ms_per_frame_median": round(statistics.median(times) / cfg.num_frames * 1000, 2),
        }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--per-family", type=int, default=20, help="clips of every family [20]")
    ap.add_argument("--size", type=int, default=256)
    args = ap.parse_args()
    main(args.per_family, args.size)
