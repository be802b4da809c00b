"""Diversity and legibility of the real style, as JSON.

A smaller stand-in for a ``release`` run (style ``mixed``): ``--num`` clips (default 200) at
``--size`` px (default 256), planned as ``release`` plans them (the built-in families in turn, and
``--composite`` of them, 0.25 as in ``release``, composite scenes). Prints the share of composite
scenes and their layouts, distinct faces used (a composite's parts' faces count), the share
of the most used face, the material kinds, the share of clips with a 3D camera (and with a moving
one), the OCR figure on ``real`` frames (``benchmarks/ocr_real.py``: RapidOCR reading the rectified
quad of every unrotated, whole text run whose glyphs are >= 24 px tall on the first, middle and last
frame, exactly after normalisation; headline per distinct word, read on every frame it is read on,
and also per word-frame, each per family, font and layout, normalised and raw; words with a
character not ``full``, behind an occluder or past the frame's edge, are left out; ``--ocr-codec``
reads the frames decoded from the clip encoded in that codec instead of the exact ones), the share of clips with an occluder and the generation cost of each clip rendered as ``real`` against the same
clip rendered ``flat`` (build_record: render + encode + captions; and render alone), as medians and
their ratio (for composite scenes, which have no flat twin, their own median cost, sampling included:
it renders and checks each part's card).

    python benchmarks/diversity.py --num 200 --size 256 --pool full
    python benchmarks/diversity.py --num 1000 --size 512 --frames 32 --specs-only   # a release-sized draw of faces
    python benchmarks/diversity.py --num 2000 --size 512 --frames 8 --ocr-only --seed 7   # the OCR figure alone

``--ocr-only`` makes every one-family clip real (as the cost comparison does) and renders only the
read frames of clips where a word may reach the glyph height (``ocr_real.may_have_words``, a bound
that never skips one); ``--crops DIR`` saves each missed word's crop as PNG.
"""

from __future__ import annotations

import argparse
import collections
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.ocr_real import MIN_GLYPH, Tally, may_have_words, ocr_frames
from symbolset import codec, composite, families, record
from symbolset.build import plan
from symbolset.config import load_config
from symbolset.render import render_clip, render_frame


def _cold() -> None:
    """Forget the renderer's placed-text caches (fonts stay loaded), so a repeated render costs what a first one does."""
    from symbolset import textdraw

    textdraw.forget()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--num", type=int, default=200)
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--frames", type=int, default=12)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--pool", default="full", choices=("pip", "full"))
    ap.add_argument("--vertical", type=float, default=0.0, help="share of signage clips drawn as vertical (竖排) signs")
    ap.add_argument("--specs-only", action="store_true", help="faces, materials, cameras and occluders from the specs alone (no render, OCR or cost)")
    ap.add_argument("--min-glyph", type=float, default=MIN_GLYPH, help="OCR only words whose median glyph height is at least this (px)")
    ap.add_argument("--composite", type=float, default=0.25, help="share of composite scenes (release: 0.25)")
    ap.add_argument("--ocr-only", action="store_true", help="only the specs' figures and the OCR figure: every clip as real, frames rendered only when a word may qualify (no cost)")
    ap.add_argument("--crops", help="write each missed word's rectified crop(s) here as PNG (named in misses[].crop)")
    ap.add_argument("--ocr-codec", choices=sorted(codec.CODECS), help="OCR the frames decoded from the clip encoded in this codec (default: the exact frames)")
    args = ap.parse_args()
    base = {"width": args.size, "height": args.size, "num_frames": args.frames, "fps": 8.0, "options": {}, "font_pool": args.pool}
    options = {"signage": {"vertical": args.vertical}} if args.vertical else {}
    cfg = load_config("release", num=args.num, seed=args.seed, width=args.size, height=args.size, num_frames=args.frames, fps=8.0,
                      font_pool=args.pool, composite=args.composite, options=options)  # fmt: skip
    layouts, t_scene = collections.Counter(), []

    ocr = Tally(args.crops)
    rendered = 0  # real clips whose frames were read

    def tally(fam, seed, spec, frames=None, anns=None):
        """Read the real clip's words on its first, middle and last frame (``frames`` None: render just those)."""
        nonlocal rendered
        if frames is None and not may_have_words(spec, args.min_glyph):
            return  # no text of it can reach the glyph height on a read frame
        rendered += 1
        if args.ocr_codec:
            if frames is None:
                frames, anns = render_clip(spec)
            frames = codec.decode(codec.encode(frames, spec["fps"], args.ocr_codec))
        for i in ocr_frames(spec):
            frame, ann = (frames[i], anns[i]) if frames is not None else render_frame(spec, i)
            ocr.add(fam, seed, spec, i, frame, ann, args.min_glyph)

    face_clips, kinds = collections.Counter(), set()
    staged = moving = text_clips = occluded = 0
    t_flat, t_real, ratios, r_flat, r_real = [], [], [], [], []
    for task in plan(cfg):
        fam, seed = task["family"], task["seed"]
        params = {**base, "options": options.get(fam, {})}
        t_sample = time.perf_counter()
        spec = record.sample_spec(fam, seed, {**params, "style": "mixed"})
        t_sample = time.perf_counter() - t_sample
        faces = {el["font"] for el in composite.all_elements(spec) if el["type"] == "text"}
        text_clips += bool(faces)
        face_clips.update(faces)
        if "stage" in spec:
            staged += 1
            moving += spec["stage"]["camera"]["move"] != "static"
            occluded += "occluder" in spec["stage"]
            kinds.update((spec["stage"]["surface"]["kind"], spec["stage"]["environment"]["kind"]))
        if fam == families.COMPOSITE:
            layouts[spec["meta"]["layout"]] += 1
        if args.specs_only:
            continue
        if args.ocr_only:  # the clip as real (a composite always is), its frames rendered only if a word may qualify
            tally(fam, seed, spec if fam == families.COMPOSITE else record.sample_spec(fam, seed, {**params, "style": "real"}))
            continue
        if fam == families.COMPOSITE:  # always real: its own cost, and OCR on its frames
            t0 = time.perf_counter()
            record.build_record(spec, sample_id="c", split="train", seed=seed)
            t_scene.append(time.perf_counter() - t0 + t_sample)  # its sampling renders and checks each part's card
            frames, anns = render_clip(spec)
            tally(fam, seed, spec, frames, anns)
            continue
        # cost and OCR: the same clip in both styles
        flat = record.sample_spec(fam, seed, params)
        real = record.sample_spec(fam, seed, {**params, "style": "real"})
        t0 = time.perf_counter()
        record.build_record(flat, sample_id="f", split="train", seed=seed)
        t1 = time.perf_counter()
        record.build_record(real, sample_id="r", split="train", seed=seed)
        t2 = time.perf_counter()
        t_flat.append(t1 - t0)
        t_real.append(t2 - t1)
        ratios.append((t2 - t1) / (t1 - t0))
        _cold()
        t0 = time.perf_counter()
        render_clip(flat)
        _cold()
        t1 = time.perf_counter()
        frames, anns = render_clip(real)
        r_flat.append(t1 - t0)
        r_real.append(time.perf_counter() - t1)
        tally(fam, seed, real, frames, anns)
    out = {
        "clips": args.num, "size": args.size, "vertical_signage": args.vertical, "frames": args.frames, "font_pool": args.pool, "style": "mixed",
        "distinct_faces": len(face_clips), "clips_with_text": text_clips,
        "most_used_face": face_clips.most_common(1)[0][0] if face_clips else None,
        "most_used_face_share": round(face_clips.most_common(1)[0][1] / max(1, text_clips), 4) if face_clips else 0.0,
        "share_composite": round(sum(layouts.values()) / args.num, 4), "composite_layouts": dict(sorted(layouts.items())),
        "composite_cost_s_median": round(statistics.median(t_scene), 4) if t_scene else None,
        "material_kinds": sorted(kinds), "share_3d_camera": round(staged / args.num, 4), "share_moving_3d_camera": round(moving / args.num, 4),
        "share_occluder": round(occluded / args.num, 4), "share_occluder_of_real": round(occluded / max(1, staged), 4)}
    if args.specs_only:
        print(json.dumps(out, indent=1))
        return
    out["ocr_real"] = {**ocr.report(args.min_glyph, args.ocr_codec or "exact"), "real_clips_read": rendered}
    if args.ocr_only:
        print(json.dumps(out, indent=1, ensure_ascii=False))
        return
    out.update({
        "cost_s": {"flat_median": round(statistics.median(t_flat), 4), "real_median": round(statistics.median(t_real), 4),
                   "ratio_of_medians": round(statistics.median(t_real) / statistics.median(t_flat), 3), "median_ratio": round(statistics.median(ratios), 3), "ceiling": 2.0,
                   "render_only": {"flat_median": round(statistics.median(r_flat), 4), "real_median": round(statistics.median(r_real), 4),
                                   "ratio_of_medians": round(statistics.median(r_real) / statistics.median(r_flat), 3)}},
    })  # fmt: skip
    print(json.dumps(out, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
