"""Diversity and legibility of the real style, as JSON.

A smaller stand-in for a ``release`` run (style ``mixed``): ``--num`` clips (default 200) at
``--size`` px (default 256), planned as ``release`` plans them (the built-in families in turn, and
``--composite`` of them, 0.25 as in ``release``, composite scenes). Prints the share of composite
scenes and their layouts, distinct faces used (a composite's parts' faces count), the share
of the most used face, the material kinds, the share of clips with a 3D camera (and with a moving
one), the OCR figure on ``real`` frames (RapidOCR reading the rectified quad of every unrotated,
whole text run whose glyphs are >= 24 px tall on the first, middle and last frame; exact match after normalisation,
per family and per font; words with a character not ``full``, behind an occluder or past the frame's
edge, are left out; ``--ocr-codec`` reads the frames decoded from the clip encoded in that codec instead
of the exact ones), the share of clips with an occluder and the generation cost of each clip rendered as ``real`` against the same
clip rendered ``flat`` (build_record: render + encode + captions; and render alone), as medians and
their ratio (for composite scenes, which have no flat twin, their own median cost, sampling included:
it renders and checks each part's card).

    python benchmarks/diversity.py --num 200 --size 256 --pool full
    python benchmarks/diversity.py --num 1000 --size 512 --frames 32 --specs-only   # a release-sized draw of faces
"""

from __future__ import annotations

import argparse
import collections
import json
import statistics
import sys
import time
import unicodedata
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from symbolset import codec, composite, families, record
from symbolset.build import plan
from symbolset.config import load_config
from symbolset.render import render_clip

MIN_GLYPH = 24


def _rectified(frame: np.ndarray, quad: np.ndarray, isolate: bool = False) -> np.ndarray:
    """The quad's content warped upright with a margin; ``isolate`` paints the margin in the median
    colour of the quad's edge (a character of a column, whose neighbours would reach into the margin)."""
    w, h = np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[3] - quad[0])
    pad = 0.15 * h + 2
    out_w, out_h = int(np.ceil(w + 2 * pad)), int(np.ceil(h + 2 * pad))
    dst = np.float32([[pad, pad], [pad + w, pad], [pad + w, pad + h], [pad, pad + h]]) - 0.5
    m = cv2.getPerspectiveTransform(np.float32(quad) - 0.5, dst)
    crop = cv2.warpPerspective(frame, m, (out_w, out_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    if isolate:
        y0, y1, x0, x1 = int(np.ceil(pad)), int(pad + h), int(np.ceil(pad)), int(pad + w)
        edge = np.concatenate([crop[y0, x0:x1], crop[y1 - 1, x0:x1], crop[y0:y1, x0], crop[y0:y1, x1 - 1]])
        inner = crop[y0:y1, x0:x1].copy()
        crop[:] = np.median(edge, axis=0).astype(np.uint8)
        crop[y0:y1, x0:x1] = inner
    return crop


_OCR = None
_FOLD = str.maketrans("COSUVWXZ\u2212\u2010\u2011\u2012\u2013", "cosuvwxz-----")  # capitals shaped like their lower case; dashes


def normalize(text: str) -> str:
    """Comparison form: NFKC, no whitespace, same-shape capitals and dashes folded."""
    return "".join(unicodedata.normalize("NFKC", text).split()).translate(_FOLD)


def _recognize(crops: list[np.ndarray]) -> list[str]:
    """RapidOCR's recognition model (no detection) on RGB crops: the text of each ("" when unsure)."""
    global _OCR
    if not crops:
        return []
    if _OCR is None:
        from rapidocr_onnxruntime import RapidOCR

        _OCR = RapidOCR()
    results = _OCR.text_rec([np.ascontiguousarray(c[:, :, ::-1]) for c in crops])[0]
    return [text if float(conf) >= 0.3 else "" for text, conf in results]


def ocr_words(spec: dict, frame: np.ndarray, ann: dict, min_glyph: float = MIN_GLYPH) -> tuple[int, int, list[dict]]:
    """(read exactly, counted, details) for the frame's text runs that are unrotated, fully shown, not
    touched by a cursor, with every character ``full`` (nothing in front of it, inside the frame) and whose characters are at least ``min_glyph`` px tall (median char box height)."""
    els = {el["id"]: el for el in spec["elements"]}
    for part in spec.get("parts", ()):  # a composite's texts are its parts', annotated "<part>/<element>"
        els.update({f"{part['id']}{composite.SEP}{el['id']}": el for el in part["spec"]["elements"]})
    quads = {s["element"]: s["params"]["quad"] for s in ann["shapes"] if s["type"] == "text_quad"}
    char_quads = {s["element"]: s["params"]["char_quads"] for s in ann["shapes"] if s["type"] == "text_quad"}
    occluded = {s["element"] for s in ann["shapes"] if s["type"] == "cursor"}  # a visible cursor touches the word
    # and so does anything passing in front (or the frame's edge): only words with every character full count
    occluded |= {s["element"] for s in ann["shapes"] if s["type"] == "text_quad" and set(s["params"]["char_visibility"]) - {"full"}}
    items = []
    for t in ann["texts"]:
        el = els.get(t["element"])
        if el is None or el["type"] != "text" or t["element"] not in quads or t["element"] in occluded or not t["char_boxes"]:
            continue
        if (
            isinstance(el.get("rotation"), dict)
            or el.get("rotation", 0)
            or t["string"] != el["text"]
            or isinstance(el.get("opacity", 1), dict)
        ):
            continue
        if statistics.median(b[3] - b[1] for b in t["char_boxes"]) < min_glyph:
            continue
        if el.get("vertical"):  # a column: the recogniser reads rows, so each upright character is read alone
            crops = [_rectified(frame, np.asarray(q), isolate=True) for q in char_quads[t["element"]]]
        else:
            crops = [_rectified(frame, np.asarray(quads[t["element"]]))]
        items.append((t, el, crops))
    flat_reads = iter(_recognize([c for _, _, crops in items for c in crops]))
    reads = ["".join(next(flat_reads) for _ in crops) for _, _, crops in items]
    details = [
        {"element": t["element"], "string": t["string"], "read": r, "ok": normalize(r) == normalize(t["string"]), "font": el["font"], "vertical": bool(el.get("vertical"))}
        for (t, el, _), r in zip(items, reads)
    ]
    return sum(d["ok"] for d in details), len(details), details


def _cold() -> None:
    """Forget the renderer's placed-text caches (fonts stay loaded), so a repeated render costs what a first one does."""
    from symbolset import render

    for f in (render._placed_text, render._text_mask, render.text_layout):
        f.cache_clear()


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
    ap.add_argument("--ocr-codec", choices=sorted(codec.CODECS), help="OCR the frames decoded from the clip encoded in this codec (default: the exact frames)")
    args = ap.parse_args()
    base = {"width": args.size, "height": args.size, "num_frames": args.frames, "fps": 8.0, "options": {}, "font_pool": args.pool}
    options = {"signage": {"vertical": args.vertical}} if args.vertical else {}
    cfg = load_config("release", num=args.num, seed=args.seed, width=args.size, height=args.size, num_frames=args.frames, fps=8.0,
                      font_pool=args.pool, composite=args.composite, options=options)  # fmt: skip
    layouts, t_scene = collections.Counter(), []

    def tally(fam, seed, spec, frames, anns):
        if args.ocr_codec:
            frames = codec.decode(codec.encode(frames, spec["fps"], args.ocr_codec))
        for i in sorted({0, len(frames) // 2, len(frames) - 1}):  # three camera positions
            ok, n, details = ocr_words(spec, frames[i], anns[i], args.min_glyph)
            ocr_fam[fam][0] += ok
            ocr_fam[fam][1] += n
            for d in details:
                ocr_font[d["font"]][0] += d["ok"]
                ocr_font[d["font"]][1] += 1
                ocr_layout["column" if d["vertical"] else "row"][0] += d["ok"]
                ocr_layout["column" if d["vertical"] else "row"][1] += 1
                if not d["ok"]:
                    misses.append({"family": fam, "seed": seed, "frame": i, **d})

    ocr_layout = collections.defaultdict(lambda: [0, 0])  # rows and vertical columns
    face_clips, kinds, ocr_fam, ocr_font = (
        collections.Counter(),
        set(),
        collections.defaultdict(lambda: [0, 0]),
        collections.defaultdict(lambda: [0, 0]),
    )
    staged = moving = text_clips = occluded = 0
    t_flat, t_real, ratios, misses, r_flat, r_real = [], [], [], [], [], []
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
    read, counted = sum(v[0] for v in ocr_fam.values()), sum(v[1] for v in ocr_fam.values())
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
    out.update({
        "ocr_real": {"min_glyph_px": args.min_glyph, "frames": args.ocr_codec or "exact", "read": read, "words": counted, "accuracy": round(read / max(1, counted), 4),
                     "per_family": {f: {"read": a, "words": b} for f, (a, b) in sorted(ocr_fam.items())},
                     "per_font": {f: {"read": a, "words": b} for f, (a, b) in sorted(ocr_font.items())},
                     "per_layout": {f: {"read": a, "words": b} for f, (a, b) in sorted(ocr_layout.items())}, "misses": misses[:20]},
        "cost_s": {"flat_median": round(statistics.median(t_flat), 4), "real_median": round(statistics.median(t_real), 4),
                   "ratio_of_medians": round(statistics.median(t_real) / statistics.median(t_flat), 3), "median_ratio": round(statistics.median(ratios), 3), "ceiling": 2.0,
                   "render_only": {"flat_median": round(statistics.median(r_flat), 4), "real_median": round(statistics.median(r_real), 4),
                                   "ratio_of_medians": round(statistics.median(r_real) / statistics.median(r_flat), 3)}},
    })  # fmt: skip
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
