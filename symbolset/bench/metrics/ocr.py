"""Mt (a), OCR fidelity, and the per-frame reads that OCR stability uses.

Engine: ``rapidocr-onnxruntime`` (its Chinese + English detection and recognition models ship in
the wheel, so it runs offline). For each sampled frame and each expected string (from the spec's
annotations, boxes scaled to the video's resolution):

1. the expected box, padded, is cropped and *recognised* (fast; finds single letters that text
   detectors miss); annotated non-text marks in the crop (the typing cursor) are painted over with
   the crop's background colour;
2. when that read is not exact, the whole frame is *detected and recognised* once, and every line,
   and all lines joined in reading order, become candidates too.

The string's score is the best normalised edit similarity ``NED = 1 - Levenshtein(a, b) / max(|a|, |b|)``
over candidates, after normalisation (NFKC, whitespace removed, and the letters whose capital and
small forms have the same shape -- c o s u v w x z -- folded to lower case). Reads with a
confidence below ``MIN_CONFIDENCE`` are discarded; so a frame where text is expected and none is
found scores 0, never "perfect". ``exact`` is the fraction of strings read exactly.
"""

from __future__ import annotations

import functools
import unicodedata

import numpy as np

MIN_CONFIDENCE = 0.3
_FOLD = str.maketrans("COSUVWXZ", "cosuvwxz")


def normalize(text: str) -> str:
    """OCR comparison form: NFKC, no whitespace, same-shape capitals folded."""
    return "".join(unicodedata.normalize("NFKC", text).split()).translate(_FOLD)


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insertions, deletions, substitutions of one character each)."""
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def ned(expected: str, read: str) -> float:
    """Normalised edit similarity in [0, 1] (1 = identical; 1 for two empty strings)."""
    if not expected and not read:
        return 1.0
    return 1.0 - levenshtein(expected, read) / max(len(expected), len(read))


@functools.lru_cache(maxsize=1)
def engine():
    """The shared RapidOCR engine (loaded once per process)."""
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as exc:  # pragma: no cover - the bench extra is missing
        from ...errors import SymbolSetError

        raise SymbolSetError("OCR needs rapidocr-onnxruntime: pip install 'symbolset[bench]'") from exc
    return RapidOCR()


def recognize(crop: np.ndarray) -> str | None:
    """Recognition only on an RGB crop: the text, or None when nothing is read confidently."""
    if crop.size == 0 or min(crop.shape[:2]) < 4:
        return None
    result, _ = engine()(np.ascontiguousarray(crop[:, :, ::-1]), use_det=False, use_cls=False, use_rec=True)
    if not result:
        return None
    text, conf = result[0][0], float(result[0][1])
    return text if text.strip() and conf >= MIN_CONFIDENCE else None


def detect(frame: np.ndarray) -> list[str]:
    """Detection + recognition on a whole RGB frame: the lines read, in reading order."""
    result, _ = engine()(np.ascontiguousarray(frame[:, :, ::-1]), use_cls=False)
    lines = [(np.asarray(box, float), text) for box, text, conf in (result or []) if float(conf) >= MIN_CONFIDENCE and text.strip()]
    lines.sort(key=lambda item: (round(item[0][:, 1].mean() / max(1.0, np.ptp(item[0][:, 1]))), item[0][:, 0].min()))
    return [text for _, text in lines]


def _crop(frame: np.ndarray, box, marks) -> np.ndarray:
    h, w = frame.shape[:2]
    x0, y0, x1, y1 = box
    bh = y1 - y0
    px, py = 0.15 * bh + 2, 0.3 * bh + 2
    cx0, cy0 = max(0, int(np.floor(x0 - px))), max(0, int(np.floor(y0 - py)))
    cx1, cy1 = min(w, int(np.ceil(x1 + px))), min(h, int(np.ceil(y1 + py)))
    crop = frame[cy0:cy1, cx0:cx1].copy()
    if crop.size and marks:
        border = np.concatenate([crop[0], crop[-1], crop[:, 0], crop[:, -1]])
        fill = np.median(border, axis=0).astype(np.uint8)
        for mx0, my0, mx1, my1 in marks:
            a, b = max(0, int(np.floor(mx0)) - cx0 - 1), max(0, int(np.floor(my0)) - cy0 - 1)
            c, d = int(np.ceil(mx1)) - cx0 + 1, int(np.ceil(my1)) - cy0 + 1
            if c > 0 and d > 0:
                crop[b:d, a:c] = fill
    return crop


def read_frame(frame: np.ndarray, expected: list[dict], sx: float, sy: float) -> dict:
    """Score one frame: ``expected`` holds ``{"string", "box", "marks"}`` at the spec's resolution,
    scaled here by ``(sx, sy)``. Returns per-string NED / exact and the frame's read string."""
    scores, exact, reads = [], [], []
    detected: list[str] | None = None
    if not expected:
        detected = detect(frame)
        return {"ned": [], "exact": [], "read": normalize("".join(detected))}
    for item in expected:
        want = normalize(item["string"])
        box = [item["box"][0] * sx, item["box"][1] * sy, item["box"][2] * sx, item["box"][3] * sy]
        marks = [[m[0] * sx, m[1] * sy, m[2] * sx, m[3] * sy] for m in item.get("marks", [])]
        candidates = [c for c in [recognize(_crop(frame, box, marks))] if c]
        if not any(normalize(c) == want for c in candidates):
            if detected is None:
                detected = detect(frame)
            candidates += detected + ([" ".join(detected)] if len(detected) > 1 else [])
        best = max(candidates, key=lambda c: ned(want, normalize(c)), default="")
        scores.append(ned(want, normalize(best)))
        exact.append(float(normalize(best) == want))
        reads.append(normalize(best))
    return {"ned": scores, "exact": exact, "read": "".join(reads)}


def expected_texts(annotation: dict) -> list[dict]:
    """The expected strings of one (native) annotation frame, with the cursor boxes to paint over."""
    marks = []
    for s in annotation.get("shapes", []):
        if s["type"] == "cursor":
            q = np.asarray(s["params"]["quad"], float)
            marks.append([q[:, 0].min(), q[:, 1].min(), q[:, 0].max(), q[:, 1].max()])
    return [{"string": t["string"], "box": t["box"], "marks": marks} for t in annotation.get("texts", []) if t["string"].strip()]


def ocr_scores(frames: list[np.ndarray], expected: list[list[dict]], sx: float, sy: float) -> dict:
    """OCR fidelity (mean NED), exact-match rate, and stability over the sampled ``frames``."""
    from .temporal import ocr_stability

    neds, exacts, reads, wanted = [], [], [], []
    for frame, items in zip(frames, expected):
        r = read_frame(frame, items, sx, sy)
        neds += r["ned"]
        exacts += r["exact"]
        reads.append(r["read"])
        wanted.append("".join(normalize(i["string"]) for i in items))
    return {
        "ocr_ned": float(np.mean(neds)) if neds else None,
        "ocr_exact": float(np.mean(exacts)) if exacts else None,
        "ocr_stability": ocr_stability(reads, wanted) if any(wanted) else None,
        "ocr_strings": len(neds),
    }
