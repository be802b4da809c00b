"""Legibility of words on ``real`` frames: an independent OCR (RapidOCR's recogniser) reading them.

Used by ``benchmarks/diversity.py``. A word is a text run that is unrotated, wholly shown, not
touched by a cursor, with every character ``full`` (nothing in front of it, inside the frame) and
whose median character box is at least ``min_glyph`` px tall; its rectified quad is read (a
vertical column one upright character at a time) and compared exactly after :func:`normalize`.

Counted two ways (:class:`Tally`): per word-frame (each of the sampled frames a word qualifies on)
and per distinct word (a clip's text element, read exactly on *every* sampled frame it qualifies
on). The issue asks for "words", so the headline is the distinct-word figure; a word held still
over the frames would otherwise count (and miss) once per frame.
"""

from __future__ import annotations

import collections
import statistics
import unicodedata
from pathlib import Path

import cv2
import numpy as np

from symbolset import composite, composite_planes
from symbolset.spec import is_track
from symbolset.stage_camera import homography
from symbolset.textlayout import layout_for

MIN_GLYPH = 24
_HULL = 3.0  # px a character's box on a real frame may exceed its mapped ink box (the stage's pixel hull of the grown quad)


def rectified(frame: np.ndarray, quad: np.ndarray, isolate: bool = False) -> np.ndarray:
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
# The recogniser has one token for DEGREE CELSIUS (U+2103, which NFKC writes "°C") and one for FAHRENHEIT;
# on the ink "°C" it sometimes emits the degree sign and then that token, reading the ring twice.
_UNIT_TOKENS = ("\u2103", "\u2109")


def normalize(text: str, tokens: bool = True) -> str:
    """Comparison form: NFKC, no whitespace, same-shape capitals and dashes folded; with ``tokens``
    also a degree sign read just before the recogniser's ℃ / ℉ token dropped (that token holds the
    ring itself, so "°℃" is one ring read twice; nothing we draw has two degree signs in a row)."""
    if tokens:
        for tok in _UNIT_TOKENS:
            text = text.replace("\u00b0" + tok, tok)
    return "".join(unicodedata.normalize("NFKC", text).split()).translate(_FOLD)


def recognize(crops: list[np.ndarray]) -> list[str]:
    """RapidOCR's recognition model (no detection) on RGB crops: the text of each ("" when unsure)."""
    global _OCR
    if not crops:
        return []
    if _OCR is None:
        from rapidocr_onnxruntime import RapidOCR

        _OCR = RapidOCR()
    results = _OCR.text_rec([np.ascontiguousarray(c[:, :, ::-1]) for c in crops])[0]
    return [text if float(conf) >= 0.3 else "" for text, conf in results]


def _elements(spec: dict) -> dict[str, dict]:
    """Every element by its annotation id (a composite's parts' as ``<part>/<element>``)."""
    els = {el["id"]: el for el in spec["elements"]}
    for part in spec.get("parts", ()):
        els.update({f"{part['id']}{composite.SEP}{el['id']}": el for el in part["spec"]["elements"]})
    return els


def words(spec: dict, ann: dict, min_glyph: float = MIN_GLYPH) -> list[tuple[dict, dict]]:
    """The frame's words (module docstring): ``(annotated text, element)`` pairs."""
    els = _elements(spec)
    quads = {s["element"] for s in ann["shapes"] if s["type"] == "text_quad"}
    occluded = {s["element"] for s in ann["shapes"] if s["type"] == "cursor"}  # a visible cursor touches the word
    # and so does anything passing in front (or the frame's edge): only words with every character full count
    occluded |= {s["element"] for s in ann["shapes"] if s["type"] == "text_quad" and set(s["params"]["char_visibility"]) - {"full"}}
    out = []
    for t in ann["texts"]:
        el = els.get(t["element"])
        if el is None or el["type"] != "text" or t["element"] not in quads or t["element"] in occluded or not t["char_boxes"]:
            continue
        if isinstance(el.get("rotation"), dict) or el.get("rotation", 0) or t["string"] != el["text"] or isinstance(el.get("opacity", 1), dict):
            continue
        if statistics.median(b[3] - b[1] for b in t["char_boxes"]) >= min_glyph:
            out.append((t, el))
    return out


def ocr_words(spec: dict, frame: np.ndarray, ann: dict, min_glyph: float = MIN_GLYPH, crops_out: list | None = None) -> tuple[int, int, list[dict]]:
    """(read exactly, counted, details) for the frame's :func:`words`; ``ok`` is the normalised
    comparison, ``ok_raw`` the one without the ℃-token rule. ``crops_out`` (a list) receives each
    word's crops, in the order of the details."""
    quads = {s["element"]: s["params"] for s in ann["shapes"] if s["type"] == "text_quad"}
    items = []
    for t, el in words(spec, ann, min_glyph):
        q = quads[t["element"]]
        if el.get("vertical"):  # a column: the recogniser reads rows, so each upright character is read alone
            crops = [rectified(frame, np.asarray(c), isolate=True) for c in q["char_quads"]]
        else:
            crops = [rectified(frame, np.asarray(q["quad"]))]
        items.append((t, el, crops))
    flat_reads = iter(recognize([c for _, _, crops in items for c in crops]))
    reads = ["".join(next(flat_reads) for _ in crops) for _, _, crops in items]
    details = [
        {"element": t["element"], "string": t["string"], "read": r, "ok": normalize(r) == normalize(t["string"]),
         "ok_raw": normalize(r, tokens=False) == normalize(t["string"], tokens=False), "font": el["font"], "vertical": bool(el.get("vertical"))}
        for (t, el, _), r in zip(items, reads)
    ]  # fmt: skip
    if crops_out is not None:
        crops_out.extend(crops for _, _, crops in items)
    return sum(d["ok"] for d in details), len(details), details


def ocr_frames(spec: dict) -> list[int]:
    """The frames read: first, middle and last (three camera positions)."""
    n = spec["num_frames"]
    return sorted({0, n // 2, n - 1})


def _largest(value) -> float:
    return max(float(v) for _, v in value["keys"]) if is_track(value) else float(value)


def _magnification(h: np.ndarray, corners: np.ndarray) -> float:
    """The largest local linear scale of homography ``h`` over the quadrilateral ``corners`` (a
    homography's local scale is extreme at a corner of a convex region)."""
    out = 0.0
    for x, y in corners:
        w = h[2, 0] * x + h[2, 1] * y + h[2, 2]
        u, v = (h[0, 0] * x + h[0, 1] * y + h[0, 2]) / w, (h[1, 0] * x + h[1, 1] * y + h[1, 2]) / w
        jac = np.array([[h[0, 0] - u * h[2, 0], h[0, 1] - u * h[2, 1]], [h[1, 0] - v * h[2, 0], h[1, 1] - v * h[2, 1]]]) / w
        out = max(out, float(np.linalg.svd(jac, compute_uv=False)[0]))
    return out


def _ink_height(el: dict) -> float:
    """The median height of the text's characters' ink boxes on the card at its largest scale."""
    inks = [ink for ink in layout_for(el)["inks"] if ink is not None]
    return statistics.median(ink[3] - ink[1] for ink in inks) * _largest(el.get("scale", 1.0)) if inks else 0.0


def glyph_bounds(spec: dict) -> dict[str, float]:
    """Per text of a real clip (by annotation id): a bound on the median height of its character
    boxes on a read frame while it is unrotated: the median height of its characters' ink boxes on
    the card, at its largest scale, times the camera's largest magnification over the card (or over
    its part's own plane), plus the pixel hull."""
    st, w, h = spec["stage"], spec["width"], spec["height"]
    card = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float64)
    frames = ocr_frames(spec)
    mag = max(_magnification(homography(st, spec, i), card) for i in frames)
    for part in composite_planes.planed(spec):
        corners = composite_planes.corners(part)
        mag = max(mag, *(_magnification(composite_planes.homographies(st, spec, i)[part["id"]], corners) for i in frames))
    return {key: _ink_height(el) * mag + _HULL for key, el in _elements(spec).items() if el["type"] == "text"}


def may_have_words(spec: dict, min_glyph: float = MIN_GLYPH) -> bool:
    """False only when no text of the clip can be a word on a read frame (:func:`glyph_bounds`): lets
    a sample skip rendering clips with nothing to read (``tests/test_ocr_real.py`` checks the bound)."""
    return "stage" in spec and any(b >= min_glyph for b in glyph_bounds(spec).values())


class Tally:
    """Reads per family, font and layout, per word-frame and per distinct word, and the misses."""

    def __init__(self, crops_dir: str | None = None):
        self.frames = collections.defaultdict(lambda: [0, 0, 0])  # (kind, key) -> [read, read raw, counted]
        self.words: dict[tuple, dict] = {}
        self.misses: list[dict] = []
        self.crops_dir = Path(crops_dir) if crops_dir else None

    def add(self, family: str, seed: int, spec: dict, frame_index: int, frame: np.ndarray, ann: dict, min_glyph: float) -> None:
        """Read one frame's words and count them."""
        crops: list = []
        _, _, details = ocr_words(spec, frame, ann, min_glyph, crops_out=crops)
        for d, word_crops in zip(details, crops):
            keys = (("family", family), ("font", d["font"]), ("layout", "column" if d["vertical"] else "row"))
            for key in keys + (("all", "all"),):
                c = self.frames[key]
                c[0], c[1], c[2] = c[0] + d["ok"], c[1] + d["ok_raw"], c[2] + 1
            word = self.words.setdefault((family, seed, d["element"]), {"keys": keys, "ok": True, "ok_raw": True})
            word["ok"] &= d["ok"]
            word["ok_raw"] &= d["ok_raw"]
            if not d["ok"] or not d["ok_raw"]:
                miss = {"family": family, "seed": seed, "frame": frame_index, **d}
                if self.crops_dir:
                    self.crops_dir.mkdir(parents=True, exist_ok=True)
                    name = f"{len(self.misses):03d}_{family}_{seed}_{frame_index}.png"
                    crop = np.concatenate([np.pad(c, ((0, 0), (0, 4), (0, 0))) for c in word_crops], axis=1)
                    cv2.imwrite(str(self.crops_dir / name), crop[:, :, ::-1])
                    miss["crop"] = name
                self.misses.append(miss)

    def report(self, min_glyph: float, frames: str) -> dict:
        """The figure as JSON-ready dict: headline per distinct word, then per word-frame."""
        per_word = collections.defaultdict(lambda: [0, 0, 0])
        for word in self.words.values():
            for key in word["keys"] + (("all", "all"),):
                c = per_word[key]
                c[0], c[1], c[2] = c[0] + word["ok"], c[1] + word["ok_raw"], c[2] + 1

        def table(counts, kind):
            return {k: {"read": a, "read_raw": b, "words": n} for (t, k), (a, b, n) in sorted(counts.items()) if t == kind}

        def figure(counts):
            a, b, n = counts.get(("all", "all"), (0, 0, 0))
            return {"read": a, "read_raw": b, "words": n, "accuracy": round(a / max(1, n), 4), "accuracy_raw": round(b / max(1, n), 4),
                    "per_family": table(counts, "family"), "per_font": table(counts, "font"), "per_layout": table(counts, "layout")}  # fmt: skip

        return {"min_glyph_px": min_glyph, "frames": frames, "counted": "distinct words, each read exactly on every frame read",
                **figure(per_word), "per_word_frame": figure(self.frames), "misses": self.misses}  # fmt: skip
