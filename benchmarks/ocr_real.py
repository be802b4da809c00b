"""Legibility of words on ``real`` frames: an independent OCR (RapidOCR's recogniser) reading them.

Used by ``benchmarks/diversity.py``. A word is a text run that is unrotated, wholly shown, not
touched by a cursor, with every character ``full`` (nothing in front of it, inside the frame) and
whose median character box is at least ``min_glyph`` px tall; its rectified quad is read (a
vertical column one upright character at a time) and compared exactly after :func:`normalize`
(raw, and with two documented reading rules). A word another element's ink touches on the card
(:func:`touched`) is not unoccluded: it is counted apart.

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

from symbolset import composite, composite_planes, stage
from symbolset.bench.metrics.ocr import MIN_CONFIDENCE, engine
from symbolset.render import render_frame
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


_FOLD = str.maketrans("COSUVWXZ\u2212\u2010\u2011\u2012\u2013", "cosuvwxz-----")  # capitals shaped like their lower case; dashes
# The recogniser has one token for DEGREE CELSIUS (U+2103, which NFKC writes "°C") and one for FAHRENHEIT;
# on the ink "°C" it often emits the degree sign and then that token, reading the ring twice.
_UNIT_TOKENS = ("\u2103", "\u2109")


RULES = ("ring_token", "lone_ring")


def normalize(text: str, rules: tuple[str, ...] | bool = RULES) -> str:
    """Comparison form: NFKC, no whitespace, same-shape capitals and dashes folded. With ``rules``
    (the figure's, :data:`RULES`; ``()`` or ``False`` gives the raw one) two artefacts of reading
    are forgiven, nothing else: ``ring_token``, a degree sign read just before the recogniser's ℃ / ℉ token (the token holds the ring itself, so
    "°℃" is one ring read twice; nothing we draw has two degree signs in a row), and ``lone_ring``, a lone ``0``
    for a lone ``O`` or ``o``: a one-character word has no neighbour to show that its ring is a
    letter, and the recogniser reads any lone ring as 0: drawn alone black on white, a lone O reads
    0 in 43 of the full pool's 57 faces and a lone o in 40 (``python benchmarks/ocr_real.py Oo0``)."""
    rules = RULES if rules is True else rules or ()
    if "ring_token" in rules:
        for tok in _UNIT_TOKENS:
            text = text.replace("\u00b0" + tok, tok)
    out = "".join(unicodedata.normalize("NFKC", text).split()).translate(_FOLD)
    return "o" if "lone_ring" in rules and out == "0" else out


def _forgiven(read: str, string: str) -> str | None:
    """The one rule of :data:`RULES` a read needs to match (None: it matches raw, or not at all)."""
    if normalize(read, ()) == normalize(string, ()) or normalize(read) != normalize(string):
        return None
    return next((rule for rule in RULES if normalize(read, (rule,)) == normalize(string, (rule,))), "both")


def recognize(crops: list[np.ndarray]) -> list[str]:
    """RapidOCR's recognition model (no detection; the benchmark's shared engine) on RGB crops: the
    text of each ("" when unsure)."""
    if not crops:
        return []
    results = engine().text_rec([np.ascontiguousarray(c[:, :, ::-1]) for c in crops])[0]
    return [text if float(conf) >= MIN_CONFIDENCE else "" for text, conf in results]


def _elements(spec: dict) -> dict[str, dict]:
    """Every element by its annotation id (a composite's parts' as ``<part>/<element>``)."""
    els = {el["id"]: el for el in spec["elements"]}
    for part in spec.get("parts", ()):
        els.update({f"{part['id']}{composite.SEP}{el['id']}": el for el in part["spec"]["elements"]})
    return els


def _without(card: dict, key: str) -> dict:
    """The card spec less the element ``key`` (a composite part's as ``<part>/<element>``)."""
    part_id, sep, el_id = key.rpartition(composite.SEP)
    if not sep:
        return {**card, "elements": [el for el in card["elements"] if el["id"] != key]}
    parts = [{**p, "spec": {**p["spec"], "elements": [el for el in p["spec"]["elements"] if el["id"] != el_id]}} if p["id"] == part_id else p for p in card["parts"]]
    return {**card, "parts": parts}


_NEAR = 1  # px: other ink this close to a word's own ink (its anti-aliased rim included) touches it


def touched(spec: dict, index: int, keys: list[str]) -> set[str]:
    """The texts among ``keys`` that another element's ink touches on the flat card at frame
    ``index`` (a clock hand over a numeral, a line through a point's label): drawn without the text,
    its surroundings are not one colour within :data:`_NEAR` px of its own ink. Such a word is not
    unoccluded; the figure counts it apart."""
    if not keys:
        return set()
    card = stage.card(spec)
    full, ann = render_frame(card, index)
    boxes = {t["element"]: t["box"] for t in ann["texts"]}
    kernel = np.ones((2 * _NEAR + 1, 2 * _NEAR + 1), np.uint8)
    out = set()
    for key in keys:
        x0, y0, x1, y1 = boxes[key]
        rows = slice(max(0, int(y0) - _NEAR), int(np.ceil(y1)) + _NEAR)
        cols = slice(max(0, int(x0) - _NEAR), int(np.ceil(x1)) + _NEAR)
        bare = render_frame(_without(card, key), index)[0][rows, cols]
        ink = (bare != full[rows, cols]).any(axis=2).astype(np.uint8)
        colours, counts = np.unique(bare.reshape(-1, 3), axis=0, return_counts=True)
        other = (bare != colours[counts.argmax()]).any(axis=2)  # anything but the ground the text lies on
        if (other & (cv2.dilate(ink, kernel) > 0)).any():
            out.add(key)
    return out


def words(spec: dict, ann: dict, min_glyph: float = MIN_GLYPH) -> list[tuple[dict, dict, bool]]:
    """The frame's words (module docstring): ``(annotated text, element, touched)``, ``touched`` when
    another element's ink lies in its box (:func:`touched`; such words are not counted as unoccluded)."""
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
    hit = touched(spec, ann["frame"], [t["element"] for t, _ in out])
    return [(t, el, t["element"] in hit) for t, el in out]


def ocr_words(spec: dict, frame: np.ndarray, ann: dict, min_glyph: float = MIN_GLYPH, crops_out: list | None = None) -> tuple[int, int, list[dict]]:
    """(read exactly, counted, details) for the frame's :func:`words`, the counts of those not
    ``touched``; ``ok`` is the comparison with :func:`normalize`'s rules, ``ok_raw`` without them.
    ``crops_out`` (a list) receives each word's crops, in the order of the details."""
    quads = {s["element"]: s["params"] for s in ann["shapes"] if s["type"] == "text_quad"}
    items = []
    for t, el, hit in words(spec, ann, min_glyph):
        q = quads[t["element"]]
        if el.get("vertical"):  # a column: the recogniser reads rows, so each upright character is read alone
            crops = [rectified(frame, np.asarray(c), isolate=True) for c in q["char_quads"]]
        else:
            crops = [rectified(frame, np.asarray(q["quad"]))]
        items.append((t, el, hit, crops))
    flat_reads = iter(recognize([c for *_, crops in items for c in crops]))
    reads = ["".join(next(flat_reads) for _ in crops) for *_, crops in items]
    details = [
        {"element": t["element"], "string": t["string"], "read": r, "ok": normalize(r) == normalize(t["string"]),
         "ok_raw": normalize(r, ()) == normalize(t["string"], ()), "forgiven": _forgiven(r, t["string"]), "font": el["font"], "vertical": bool(el.get("vertical")), "touched": hit}
        for (t, el, hit, _), r in zip(items, reads)
    ]  # fmt: skip
    if crops_out is not None:
        crops_out.extend(crops for *_, crops in items)
    clear = [d for d in details if not d["touched"]]
    return sum(d["ok"] for d in clear), len(clear), details


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
            keys = (("family", family), ("font", d["font"]), ("layout", "column" if d["vertical"] else "row"), ("all", "all"))
            if d["touched"]:  # not an unoccluded word: counted apart, per family
                keys = (("touched", family), ("touched", "all"))
            for key in keys:
                c = self.frames[key]
                c[0], c[1], c[2] = c[0] + d["ok"], c[1] + d["ok_raw"], c[2] + 1
            word = self.words.setdefault((family, seed, d["element"], d["touched"]), {"keys": keys, "ok": True, "ok_raw": True, "forgiven": set()})
            word["ok"] &= d["ok"]
            word["ok_raw"] &= d["ok_raw"]
            if d["forgiven"]:
                word["forgiven"].add(d["forgiven"])
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
        """The figure as JSON-ready dict: headline per distinct word, then per word-frame; the words
        another element's ink touches apart (``touched``, per family), and every miss."""
        per_word = collections.defaultdict(lambda: [0, 0, 0])
        forgiven = collections.Counter()  # words read only thanks to a rule (on some frame), by rule
        for word in self.words.values():
            if word["ok"] and not word["ok_raw"] and ("all", "all") in word["keys"]:
                forgiven.update(word["forgiven"])
            for key in word["keys"]:
                c = per_word[key]
                c[0], c[1], c[2] = c[0] + word["ok"], c[1] + word["ok_raw"], c[2] + 1

        def table(counts, kind):
            return {k: {"read": a, "read_raw": b, "words": n} for (t, k), (a, b, n) in sorted(counts.items()) if t == kind}

        def figure(counts):
            a, b, n = counts.get(("all", "all"), (0, 0, 0))
            a_t, b_t, n_t = counts.get(("touched", "all"), (0, 0, 0))
            return {"read": a, "read_raw": b, "words": n, "accuracy": round(a / max(1, n), 4), "accuracy_raw": round(b / max(1, n), 4),
                    "per_family": table(counts, "family"), "per_font": table(counts, "font"), "per_layout": table(counts, "layout"),
                    "touched": {"read": a_t, "read_raw": b_t, "words": n_t, "per_family": {k: v for k, v in table(counts, "touched").items() if k != "all"}}}  # fmt: skip

        return {"min_glyph_px": min_glyph, "frames": frames, "counted": "distinct words, each read exactly on every frame it is read on",
                **figure(per_word), "forgiven_words": {rule: forgiven[rule] for rule in RULES + ("both",) if forgiven[rule]},
                "per_word_frame": figure(self.frames), "misses": self.misses}  # fmt: skip


def lone_reads(chars: str, size: int = 32) -> dict[str, dict[str, str]]:
    """What the recogniser reads for each character of ``chars`` drawn alone, black on white at
    ``size`` px with the figure's margin, in each installed face of the full pool that has it:
    the reading of a lone glyph with nothing of the scene about it."""
    from PIL import Image, ImageDraw

    from symbolset import fontpack, fonts

    faces = [fid for fid in fontpack.POOLS["full"] if fontpack.installed(fid)]
    out: dict[str, dict[str, str]] = {}
    for ch in chars:
        drawn, crops = [], []
        for fid in faces:
            if fonts.missing_chars(fid, ch):
                continue
            font = fonts.load(fid, size)
            x0, y0, x1, y1 = font.getbbox(ch)
            pad = int(0.15 * (y1 - y0) + 2)
            img = Image.new("RGB", (x1 - x0 + 2 * pad, y1 - y0 + 2 * pad), (255, 255, 255))
            ImageDraw.Draw(img).text((pad - x0, pad - y0), ch, font=font, fill=(0, 0, 0))
            drawn.append(fid)
            crops.append(np.asarray(img))
        for fid, read in zip(drawn, recognize(crops)):
            out.setdefault(fid, {})[ch] = read
    return out


if __name__ == "__main__":  # python benchmarks/ocr_real.py O0: how each face's lone O and 0 read
    import json
    import sys

    reads = lone_reads(sys.argv[1] if len(sys.argv) > 1 else "O0")
    chars = sorted({ch for r in reads.values() for ch in r})
    summary = {ch: {"faces": sum(ch in r for r in reads.values()), "read_exactly": sum(r.get(ch) == ch for r in reads.values()),
                    "reads": dict(collections.Counter(r[ch] for r in reads.values() if ch in r).most_common())} for ch in chars}  # fmt: skip
    print(json.dumps({"summary": summary, "per_face": reads}, indent=1, ensure_ascii=False))
