"""What a ``real`` clip costs against the same clip ``flat``, per family, and where the time goes.

For each built-in family and ``--seeds`` samples, the same seed is generated as ``flat`` and as
``real`` (``record.sample_spec`` + ``record.build_record``: sample, stylize, render, captions,
encode; CPU seconds, renderer caches
cleared first so each clip pays what a first one does). The real render is then taken apart
(``stage.project`` phases: materials, the lit wall and the card's light and glare; warp, annotations
and occluder; lens) and both
clips' frames are encoded alone. Prints JSON: per family the medians and ``ratio`` (real / flat,
ratio of medians) beside ``encode_floor`` (encoding the real frames alone / the whole flat clip,
measured in the same run: what a real clip would cost if its rendering were free), and the same
over all clips. The issue's goal is ``ratio <= 2``. A real clip is encoded with the codec that
``generate`` gives it (``record.clip_codec``: ``h264-real``; ``--real-codec`` measures another) and,
for comparison in the same run, with the flat clips' codec (``*_flat_codec``: time, kB and PSNR
against the exact frames; ``real_psnr_min``: the clip's worst frame, which ``validate --captions``
requires to be >= 30 dB).

    python benchmarks/real_cost.py [--seeds 3] [--size 256] [--frames 12] [--families signage,clock] [--real-codec h264-veryfast]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import cv2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from symbolset import codec, families, record, render, stage, stage_light, textdraw


def _cold() -> None:
    textdraw.forget()


def _cpu(fn, *args, **kw):
    _cold()
    t = time.process_time()
    out = fn(*args, **kw)
    return time.process_time() - t, out


def measure(family: str, seed: int, base: dict, real_codec: str | None = None) -> dict:
    """CPU seconds of one clip in both styles, the real render's phases and the encode-only figures
    (the real clip in ``real_codec``, default what ``generate`` gives it)."""
    s_flat, flat = _cpu(record.sample_spec, family, seed, base)
    s_real, real = _cpu(record.sample_spec, family, seed, {**base, "style": "real"})
    t_flat, _ = _cpu(record.build_record, flat, sample_id="f", split="train", seed=seed)
    real_codec, flat_codec = real_codec or record.clip_codec(real, base), record.clip_codec(flat, base)
    t_real, _ = _cpu(record.build_record, real, sample_id="r", split="train", seed=seed, codec_name=real_codec)
    t_real_fc, _ = _cpu(record.build_record, real, sample_id="r", split="train", seed=seed, codec_name=flat_codec)
    bare = {k: v for k, v in real.items() if k != "stage"}
    t_draw, (frames, anns) = _cpu(render.render_clip, bare)  # the family's own frames under the real faces
    t_wall, _ = _cpu(stage_light.wall, real["stage"], real)
    t_nolens, _ = _cpu(stage.project, real, frames, anns, lens=False)
    t_proj, (out, _) = _cpu(stage.project, real, frames, anns)
    flat_frames, _ = render.render_clip(flat)
    t_enc_flat, _ = _cpu(codec.encode, flat_frames, flat["fps"])
    t_enc_real, video = _cpu(codec.encode, out, real["fps"], real_codec)
    t_enc_real_fc, video_fc = _cpu(codec.encode, out, real["fps"], flat_codec)
    decoded = codec.decode(video)
    return {
        "flat": s_flat + t_flat, "real": s_real + t_real, "real_with_flat_codec": s_real + t_real_fc, "real_stylize": s_real - s_flat,
        "flat_encode": t_enc_flat, "real_encode": t_enc_real, "real_encode_flat_codec": t_enc_real_fc, "real_draw": t_draw,
        "real_kb": len(video) / 1e3, "real_kb_flat_codec": len(video_fc) / 1e3,
        "real_psnr": codec.psnr(decoded, out), "real_psnr_flat_codec": codec.psnr(codec.decode(video_fc), out),
        "real_psnr_min": min(codec.psnr(a, b) for a, b in zip(decoded, out)),
        "stage_materials": t_wall, "stage_warp": max(0.0, t_nolens - t_wall), "stage_lens": max(0.0, t_proj - t_nolens),
    }  # fmt: skip


def summary(rows: list[dict]) -> dict:
    """Medians of every figure, the cost ratio and the encode-only floor (both real / flat, ratio of medians)."""
    med = {k: round(statistics.median(r[k] for r in rows), 4) for k in rows[0]}
    return {
        "clips": len(rows), "median_cpu_s": med,
        "ratio": round(med["real"] / med["flat"], 3),
        "ratio_with_flat_codec": round(med["real_with_flat_codec"] / med["flat"], 3),
        "median_of_ratios": round(statistics.median(r["real"] / r["flat"] for r in rows), 3),
        "encode_floor": round(med["real_encode"] / med["flat"], 3),
        "worst_frame_psnr": round(min(r["real_psnr_min"] for r in rows), 2),
        "stage_share_of_real": round((med["stage_materials"] + med["stage_warp"] + med["stage_lens"]) / med["real"], 3),
    }  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--frames", type=int, default=12)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--families", default=",".join(families.FAMILY_NAMES))
    ap.add_argument("--real-codec", choices=sorted(codec.CODECS), help="encode real clips with this codec (default: what generate gives them)")
    args = ap.parse_args()
    cv2.setNumThreads(1)  # as generate's workers run (engines.render_shard): OpenCV's threads would bill spin time here
    base = {"width": args.size, "height": args.size, "num_frames": args.frames, "fps": 8.0, "options": {}, "font_pool": "pip"}
    per_family, everything = {}, []
    for fam in args.families.split(","):
        rows = [measure(fam, record.sample_seed(args.seed, fam, k), base, args.real_codec) for k in range(args.seeds)]
        per_family[fam] = summary(rows)
        everything += rows
    real_codec = args.real_codec or record.clip_codec({"stage": {}}, base)
    print(json.dumps({"size": args.size, "frames": args.frames, "seeds": args.seeds, "real_codec": real_codec, "goal_ratio": 2.0, "all": summary(everything),
                      "per_family": per_family}, indent=1))  # fmt: skip


if __name__ == "__main__":
    main()
