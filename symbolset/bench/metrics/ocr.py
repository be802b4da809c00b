"""Mt (a), OCR fidelity, and the per-frame reads that OCR stability (Mc) uses.

Engine: ``rapidocr-onnxruntime`` (its Chinese + English detection and recognition models ship in
the wheel, so it runs offline). For each sampled frame and each expected string (from the spec's
annotations, boxes scaled to the video's resolution):

1. the expected box, padded, is cropped and *recognised* (all crops in one batch; fast; finds single letters that text
   detectors miss); annotated non-text marks in the crop (the typing cursor) are painted over with
   the crop's background colour;
2. when that read is not exact, the whole frame is *detected and recognised* once, and every line,
   and all lines joined in reading order, become candidates too.

The string's score is the best normalised edit similarity ``NED = 1 - Levenshtein(a, b) / max(|a|, |b|)``
over candidates, after normalisation (NFKC, whitespace removed, and the letters whose capital and
small forms have the same shape -- c o s u v w x z -- folded to lower case). Reads with a
confidence below ``MIN_CONFIDENCE`` are discarded; so a frame where text is expected and none is
found scores 0, never "perfect". ``exact`` is the fraction of strings read exactly.

OCR stability needs a read of *every* frame, so :func:`stability_reads` only recognises the
expected boxes (step 1, batched), on the video resized to the aligned reference's canvas with the
aligned reference's boxes; see :mod:`symbolset.bench.metrics.temporal` for the score.
"""

from __future__ import annotations

import unicodedata

import cv2
import numpy as np

from ...render import element_states, text_quad

MIN_CONFIDENCE = 0.3
_LEVEL_DEG = 1.0  # text rotated less than this is cropped as is
# Same-shape capitals, and the dashes an OCR engine reads as "-" (minus sign, hyphen, figure and en dash).
_FOLD = str.maketrans("COSUVWXZ\u2212\u2010\u2011\u2012\u2013", "cosuvwxz-----")


def normalize(text: str) -> str:
    """OCR comparison form: NFKC, no whitespace, same-shape capitals and dashes folded."""
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


_engine = None


def engine(threads: int = -1):
    """The shared RapidOCR engine, loaded by the first call in a process; ``threads``: ONNX Runtime
    threads per model on that first call (-1 = all cores; worker processes pass 1)."""
    global _engine
    if _engine is None:
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as exc:  # pragma: no cover - the bench extra is missing
            from ...errors import SymbolSetError

            raise SymbolSetError("OCR needs rapidocr-onnxruntime: pip install 'symbolset[bench]'") from exc
        _engine = RapidOCR(intra_op_num_threads=threads) if threads > 0 else RapidOCR()
    return _engine


def recognize_many(crops: list[np.ndarray]) -> list[str]:
    """Recognition only on many RGB crops, batched: the texts ("" where nothing is read confidently)."""
    # Identical crops (static text, which video codecs often reproduce bit for bit) are read once.
    unique: dict[tuple, int] = {}
    keys = [(c.shape, c.tobytes()) if c.size and min(c.shape[:2]) >= 4 else None for c in crops]
    batch = []
    for key, crop in zip(keys, crops):
        if key is not None and key not in unique:
            unique[key] = len(batch)
            batch.append(np.ascontiguousarray(crop[:, :, ::-1]))
    results = engine().text_rec(batch)[0] if batch else []
    texts = [text if text.strip() and float(conf) >= MIN_CONFIDENCE else "" for text, conf in results]
    return ["" if key is None else texts[unique[key]] for key in keys]


def detect(frame: np.ndarray) -> list[str]:
    """Detection + recognition on a whole RGB frame: the lines read, in reading order."""
    result, _ = engine()(np.ascontiguousarray(frame[:, :, ::-1]), use_cls=False)
    lines = [(np.asarray(box, float), text) for box, text, conf in (result or []) if float(conf) >= MIN_CONFIDENCE and text.strip()]
    lines.sort(key=lambda item: (round(item[0][:, 1].mean() / max(1.0, np.ptp(item[0][:, 1]))), item[0][:, 0].min()))
    return [text for _, text in lines]


def _crop(frame: np.ndarray, item: dict) -> np.ndarray:
    """The padded region of one expected string, upright: an axis-aligned crop, or for rotated
    text the oriented box warped level; annotated marks (the cursor) painted with the background."""
    if item["marks"]:
        frame = _paint_marks(frame, item["box"], item["marks"])
    if "quad" in item:
        return _upright(frame, np.asarray(item["quad"], np.float64))
    h, w = frame.shape[:2]
    x0, y0, x1, y1 = item["box"]
    bh = y1 - y0
    px, py = 0.15 * bh + 2, 0.3 * bh + 2
    cx0, cy0 = max(0, int(np.floor(x0 - px))), max(0, int(np.floor(y0 - py)))
    cx1, cy1 = min(w, int(np.ceil(x1 + px))), min(h, int(np.ceil(y1 + py)))
    return frame[cy0:cy1, cx0:cx1]


def _paint_marks(frame: np.ndarray, box, marks) -> np.ndarray:
    """A copy of ``frame`` with ``marks`` filled by the median colour of the ring around ``box``."""
    h, w = frame.shape[:2]
    pad = 0.3 * (box[3] - box[1]) + 2
    x0, y0 = max(0, int(box[0] - pad)), max(0, int(box[1] - pad))
    x1, y1 = min(w, int(np.ceil(box[2] + pad))), min(h, int(np.ceil(box[3] + pad)))
    region = frame[y0:y1, x0:x1]
    if not region.size:
        return frame
    border = np.concatenate([region[0], region[-1], region[:, 0], region[:, -1]])
    fill = np.median(border, axis=0).astype(np.uint8)
    frame = frame.copy()
    for mx0, my0, mx1, my1 in marks:
        frame[max(0, int(np.floor(my0)) - 1) : max(0, int(np.ceil(my1)) + 1), max(0, int(np.floor(mx0)) - 1) : max(0, int(np.ceil(mx1)) + 1)] = fill
    return frame


def _upright(frame: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """The oriented box ``quad`` (4 corners in reading order), padded, warped to an upright crop."""
    w, h = np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[3] - quad[0])
    if w < 1 or h < 1:
        return np.zeros((0, 0, 3), np.uint8)
    pad = 0.1 * h + 2
    out_w, out_h = int(np.ceil(w + 2 * pad)), int(np.ceil(h + 2 * pad))
    dst = np.float32([[pad, pad], [pad + w, pad], [pad + w, pad + h], [pad, pad + h]]) - 0.5
    m = cv2.getPerspectiveTransform(np.float32(quad) - 0.5, dst)
    return cv2.warpPerspective(frame, m, (out_w, out_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def expected_texts(annotation: dict, spec: dict) -> list[dict]:
    """The expected strings of one annotation frame of ``spec`` (same resolution): ``{"string",
    "box", "marks"}`` (marks: the cursor boxes to paint over) and, for rotated text, its ``"quad"``."""
    marks = []
    for s in annotation.get("shapes", []):
        if s["type"] == "cursor":
            q = np.asarray(s["params"]["quad"], float)
            marks.append([q[:, 0].min(), q[:, 1].min(), q[:, 0].max(), q[:, 1].max()])
    states = {p["id"]: p for p in element_states(spec, annotation["time"])}
    out = []
    for t in annotation.get("texts", []):
        if not t["string"].strip():
            continue
        item = {"string": t["string"], "box": t["box"], "marks": marks}
        state = states.get(t["element"])
        if state is not None and state.get("type") == "text" and abs(float(state.get("rotation", 0.0))) % 360 >= _LEVEL_DEG:
            item["quad"] = text_quad(state).tolist()
        out.append(item)
    return out


def ocr_scores(frames: list[np.ndarray], expected: list[list[dict]], sx: float, sy: float) -> dict:
    """OCR fidelity (mean NED) and exact-match rate over the sampled ``frames``; ``expected[i]``
    holds frame i's ``{"string", "box", "marks"}`` at the spec's resolution, scaled here by ``(sx, sy)``."""
    items = [(i, item) for i, frame_items in enumerate(expected) for item in frame_items]
    crops = [_crop(frames[i], _scaled(item, sx, sy)) for i, item in items]
    detected: dict[int, list[str]] = {}
    neds, exacts = [], []
    for (i, item), read in zip(items, recognize_many(crops)):
        want = normalize(item["string"])
        candidates = [read] if read else []
        if normalize(read) != want:  # fall back on whole-frame detection, once per frame
            if i not in detected:
                detected[i] = detect(frames[i])
            lines = detected[i]
            candidates += lines + ([" ".join(lines)] if len(lines) > 1 else [])
        best = normalize(max(candidates, key=lambda c: ned(want, normalize(c)), default=""))
        neds.append(ned(want, best))
        exacts.append(float(best == want))
    return {
        "ocr_ned": float(np.mean(neds)) if neds else None,
        "ocr_exact": float(np.mean(exacts)) if exacts else None,
        "ocr_strings": len(neds),
    }


def _scaled(item: dict, sx: float, sy: float) -> dict:
    """An expected item with its geometry scaled by (sx, sy)."""

    def box(b):
        return [b[0] * sx, b[1] * sy, b[2] * sx, b[3] * sy]

    out = {**item, "box": box(item["box"]), "marks": [box(m) for m in item["marks"]]}
    if "quad" in item:
        out["quad"] = [[x * sx, y * sy] for x, y in item["quad"]]
    return out


def stability_reads(frames: np.ndarray, spec: dict, annotations: list[dict]) -> tuple[list[str], list[str]]:
    """(read, expected) string of every frame: the expected boxes of ``spec``'s ``annotations``
    (same resolution as ``frames``) recognised in one batch, each frame's reads joined after normalisation."""
    expected = [expected_texts(a, spec) for a in annotations]
    crops = [_crop(frame, item) for frame, items in zip(frames, expected) for item in items]
    texts = iter(recognize_many(crops))
    reads = ["".join(normalize(next(texts)) for _ in items) for items in expected]
    return reads, ["".join(normalize(i["string"]) for i in items) for items in expected]
