"""Mt (a), text found anywhere in the frame, and its change over time (Mc's OCR stability).

Engine: ``rapidocr-onnxruntime`` (Chinese + English detection and recognition models ship in the
wheel, so it runs offline). Nothing is read at a fixed place: each sampled video frame is
*detected and recognised whole* (lines with confidence below ``MIN_CONFIDENCE`` dropped), first
with the detector's input scaled to ``DET_SIDES[0]`` px on its shorter side and, only for a frame
whose text does not yet match the spec exactly (a string missing, wrong or extra, or one symbol of
the whole text unaccounted for: :func:`_read_fit`) or where nothing is read while a state the frame
may show expects text, again at ``DET_SIDES[1]`` together with every isolated glyph-sized blob
of ink recognised on its own (single label letters, tick labels, which line detectors miss; a
solid bar such as a typing cursor with its neighbours' ink blanked), and, for a formula, with a line holding
stacked fractions read part by part at the parts' own boxes (:mod:`.stacked`); the better of the
two reads is kept. Reads are then followed across the
sampled frames (:func:`track_reads`): a line read at the same place before and after a frame
that shows ink there but where it was missed is carried into that frame. Lines are put in reading order (rows top to
bottom, left to right within a row); the spec's expected strings of each frame (its annotations)
are put in the same order.

Strings are compared after normalisation (NFKC, whitespace removed, the letters whose capital and
small forms have the same shape -- c o s u v w x z -- folded to lower case, the digit 0 with the
letter o, dashes folded to
``-``, Greek letters the recogniser reads as something else folded with that, the degree sign
dropped: see ``_FOLD``). For one video frame ``j`` read as lines ``L`` (joined: ``Y``) and one spec state ``i`` with
expected strings ``E`` (joined: ``X``):

- **recall** (``ocr_ned``): per expected string ``e``, ``1 - d(e, Y) / |e|`` where ``d`` is the
  edit distance of ``e`` to its best-matching substring of ``Y`` (the string may be anywhere,
  split over lines or merged with a neighbour); averaged weighted by length. ``ocr_exact``: the
  fraction of strings with ``d = 0``.
- **precision** (``ocr_precision``): the share of read characters that the expected text explains:
  ``sum(|l| - d(l, X)) / sum(|l|)`` over lines ``l``; hallucinated extra text lowers it. A typing
  cursor (drawn, and part of the prompt) read as a trailing ``| l I 1 ! [ ]``, or once as a line
  of its own, is forgiven.
- **symbols** (``ocr_symbols``): per-symbol exactness, ``SYMBOL_PENALTY ** n`` with ``n`` the
  larger of the expected characters not found (the recall distances summed) and the expected
  characters the reads do not account for (``|X|`` less the read characters ``X`` explains): each
  wrong or missing character halves it, so one wrong digit or letter costs clearly however long
  the text is, where ``ocr_ned`` (a length-weighted similarity) barely moves. Extra text is left
  to precision. Among the frames aligned to the same expected text, ``n`` is that of the clearest
  read (:func:`clearest_wrong`). Mt is gated by it (see :mod:`..match`). A formula (``FORMULAS``)
  is one statement: ``0 ** n`` instead, with ``n`` at least that of the frame showing the latest
  state (:func:`whole_statement`): one wrong term makes the whole formula wrong.
- **order** (``ocr_order``): ``NED(X, Y) = 1 - lev(X, Y) / max(|X|, |Y|)``, the whole frame's text in
  reading order (``X`` in reading order or in the spec's element order, whichever matches better:
  a formula's superscripts sit above its reading-order row). Precision uses both orders too.

The spec's states are aligned with the video's sampled frames by DTW on ``1 - similarity``, the
mean of ``min(recall, precision)`` and order (see :func:`_similarity` and
:mod:`symbolset.bench.metrics.align`), so typing, counters and signage that run 20% faster or
slower are read against the state they are showing; each video frame is scored against its best
aligned state (of equally good ones, the nearest in time) and the scores are averaged over
frames. A frame where text is expected and none is read scores 0, never "perfect".
**OCR stability** (Mc): for consecutive sampled frames, the change read ``lev(Y_j, Y_j+1)``
should equal the change of their aligned spec states ``lev(X, X')``:
``1 - |difference| / max(1, |X|, |X'|)``, floored at 0.
"""

from __future__ import annotations

import functools
import unicodedata

import cv2
import numpy as np

from . import align, stacked

MIN_CONFIDENCE = 0.3
SYMBOL_PENALTY = 0.5  # ocr_symbols: each wrong, missing or extra symbol of a frame's whole text halves it
FORMULAS = frozenset({"formula"})  # read with their 2-D layout, and judged as one statement (one wrong symbol makes it false)
DET_SIDES = (384, 736)
_CURSOR_READS = "|lI1![]"
_GLYPH_TOL = 60
_MARKS = "\u00b7.,\u00b0'`\"\u2022:;"
# Same-shape capitals, the digit 0 and the letter o (one ring: a lone tick label "0" is read "o" or
# the ideographic full stop), the dashes an OCR engine reads as "-" (minus sign, hyphen, figure and
# en dash), and the Greek letters the recogniser has no reliable class for, folded with what it reads them as
# (measured on formula renders at 128 and 256 px): lambda as the CJK "ru" or as "A", gamma as "y",
# pi as "n"; a lone "=" (an equation's, read on its own between stacked fractions) as the CJK "two";
# and the middle dot of a product (plot titles "y=2·exp(-x)"), read as "-" or "·" by turns at
# 128 px, folded with "-".
# The degree sign (a ring of a few pixels, which the recogniser drops, as in the 7-segment unit
# "29°C" read "29C") is left out altogether.
_FOLD = str.maketrans("COSUVWXZ0\u00b7\u22c5\u2212\u2010\u2011\u2012\u2013\u5165A\u03b3\u03c0\u4e8c",
                      "cosuvwxzo-------\u03bb\u03bbyn=", "\u00b0")


def normalize(text: str) -> str:
    """OCR comparison form: NFKC, no whitespace, same-shape capitals and dashes folded."""
    return "".join(unicodedata.normalize("NFKC", text).split()).translate(_FOLD)


@functools.lru_cache(maxsize=1 << 16)  # pure; the OCR alignment asks the same pairs again and again
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


@functools.lru_cache(maxsize=1 << 16)
def substring_distance(pattern: str, text: str) -> int:
    """Edit distance of ``pattern`` to its best-matching substring of ``text`` (``|pattern|`` when
    ``text`` is empty)."""
    prev = [0] * (len(text) + 1)  # a match may start anywhere in text
    for i, cp in enumerate(pattern, 1):
        cur = [i]
        for j, ct in enumerate(text, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (cp != ct)))
        prev = cur
    return min(prev)  # ... and end anywhere


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


def reading_order(items: list[tuple[str, list[float]]]) -> list[str]:
    """Texts of ``(text, [x0, y0, x1, y1])`` items in reading order: rows (items whose vertical
    centres lie within half a line height of the row's first item) top to bottom, left to right."""
    rows: list[list] = []
    for text, box in sorted(items, key=lambda it: (it[1][1] + it[1][3]) / 2):
        cy, h = (box[1] + box[3]) / 2, max(1.0, box[3] - box[1])
        if rows and abs(cy - rows[-1][0]) <= 0.5 * max(h, rows[-1][1]):
            rows[-1][2].append((box[0], text))
        else:
            rows.append([cy, h, [(box[0], text)]])
    return [text for _, _, row in rows for _, text in sorted(row, key=lambda r: r[0])]


def _items(frame: np.ndarray, side: int) -> list[tuple[str, list[float]]]:
    """Detection + recognition on a whole RGB frame: ``(normalised text, box)`` of each line read
    confidently, the detector's input scaled to ``side`` px on its shorter side."""
    eng = engine()
    eng.text_det.limit_side_len = side
    result, _ = eng(np.ascontiguousarray(frame[:, :, ::-1]), use_cls=False)
    items = []
    for box, text, conf in result or []:
        q = np.asarray(box, float)
        if float(conf) >= MIN_CONFIDENCE and normalize(text):
            items.append((normalize(text), [q[:, 0].min(), q[:, 1].min(), q[:, 0].max(), q[:, 1].max()]))
    return items


def _glyph_items(frame: np.ndarray, lines: list[tuple[str, list[float]]]) -> list[tuple[str, list[float]]]:
    """Isolated glyphs that line detection misses or misreads (a single label letter, a tick
    label): blobs of ink (pixels unlike the frame's border colour) of glyph size, each recognised
    on its own (batched), outside the ``lines`` of two or more characters already read."""
    from .locate import background

    h, w = frame.shape[:2]
    bg = background(frame)
    # A strict ink threshold and 4-connectivity keep a label apart from a stroke its anti-aliased fringe touches.
    ink = (np.abs(frame.astype(np.int16) - bg).max(axis=-1) > _GLYPH_TOL).astype(np.uint8)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=4)
    boxes, alone, blobs = [], [], []
    for k, (x, y, bw, bh, area) in enumerate(stats[1:], 1):
        if not (5 <= bh <= h / 4 and bw <= 2 * bh and area >= 0.1 * bw * bh):
            continue
        cx, cy = x + bw / 2, y + bh / 2
        if any(len(t) > 1 and b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for t, b in lines):
            continue
        boxes.append([float(x), float(y), float(x + bw), float(y + bh)])
        blobs.append(labels[y : y + bh, x : x + bw] == k)
        # A solid upright bar (a typing cursor, l, I) is read with its neighbours' ink blanked: in
        # the padded crop the recogniser otherwise reads the letter beside it (a cursor after "E" as "E").
        alone.append(k if bh >= 3 * bw and area >= 0.7 * bw * bh else 0)
    crops = []
    for (x0, y0, x1, y1), k in zip(boxes, alone):
        pad = 0.3 * (y1 - y0) + 2
        sy, sx = slice(max(0, int(y0 - pad)), int(y1 + pad)), slice(max(0, int(x0 - pad)), int(x1 + pad))
        crop = frame[sy, sx, ::-1]
        if k:
            crop = np.where(((labels[sy, sx] != k) & (ink[sy, sx] > 0))[..., None], bg[::-1].astype(np.uint8), crop)
        crops.append(_rec_input(crop))
    if not crops:
        return []
    out = []
    for (text, conf), box, blob in zip(engine().text_rec(crops)[0], boxes, blobs):
        # One blob is one glyph: a ring read as the ideographic full stop is an "o"; a blob read as
        # punctuation only (a dot marker) is no text, nor is one read as a ring that encloses no
        # background (a filled vertex dot: every 0/o/O measured on tiny's plots, charts and
        # geometry at 128 px keeps a hole of 4 px or more).
        glyph = normalize(text.strip(_MARKS + " ")).replace("\u3002", "o").strip(_MARKS)  # marks go before "·" folds to "-"
        if glyph and float(conf) >= MIN_CONFIDENCE and not (glyph[0] == "o" and not _encloses(blob)):
            out.append((glyph[0], box))
    return out


def _rec_input(crop: np.ndarray) -> np.ndarray:
    """A BGR crop enlarged smoothly to the recogniser's input height (48 px), not by its own resize."""
    scale = max(1.0, 48.0 / crop.shape[0])
    return np.ascontiguousarray(cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC))


def _recognise(crops: list[np.ndarray]) -> list[str]:
    """The normalised text of each BGR crop, recognised as one row ("" when not confident), without
    stray marks at its ends (a speck of a neighbour's ink read as a dot)."""
    reads = engine().text_rec([_rec_input(c) for c in crops])[0]
    return [normalize(text.strip(_MARKS + " ")) if float(conf) >= MIN_CONFIDENCE else "" for text, conf in reads]


def _ink(frame: np.ndarray) -> np.ndarray:
    """Pixels clearly unlike the frame's border colour (a strict threshold keeps glyphs apart)."""
    from .locate import background

    return (np.abs(frame.astype(np.int16) - background(frame)).max(axis=-1) > _GLYPH_TOL).astype(np.uint8)


def _encloses(mask: np.ndarray) -> bool:
    """Whether a blob's ``mask`` encloses background (a hole): the pixels outside it that its
    surroundings cannot reach."""
    outside = np.pad(~mask, 1, constant_values=True).astype(np.uint8)
    n, _ = cv2.connectedComponents(outside, connectivity=8)  # 8 around a 4-connected blob: a diagonal gap is no wall
    return n > 2  # 0: the blob; 1: what surrounds it; more: a hole


def read_items(frame: np.ndarray, side: int = DET_SIDES[0], glyphs: bool = False, fractions: bool = False) -> list[tuple[str, list[float]]]:
    """``(normalised text, box)`` of the lines read in a whole RGB frame (see the module
    docstring); ``glyphs``: also read isolated glyph-sized blobs; ``fractions``: read a line of
    stacked fractions part by part (a formula's; in a figure, a stroke with labels on both sides
    is no fraction bar)."""
    items = _items(frame, side)
    found = _glyph_items(frame, items) if glyphs else []  # blobs outside the lines as detected, before any split:
    if fractions:  # a bar touching a small denominator makes one blob of both (read "#")
        items = stacked.fraction_items(frame, _ink(frame), items, _recognise)
    if glyphs:  # a one-character line over a glyph blob gives way to the blob's own reading
        inside = lambda b, g: b[0] <= (g[0] + g[2]) / 2 <= b[2] and b[1] <= (g[1] + g[3]) / 2 <= b[3]  # noqa: E731
        items = [(t, b) for t, b in items if len(t) > 1 or not any(inside(b, g) for _, g in found)] + found
    return items


def read_lines(frame: np.ndarray, side: int = DET_SIDES[0], glyphs: bool = False) -> list[str]:
    """The normalised lines read in a whole RGB frame, in reading order."""
    return reading_order(read_items(frame, side, glyphs))


def _overlap(a: list[float], b: list[float]) -> float:
    """Intersection over union of two boxes."""
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - w * h
    return w * h / union if union > 0 else 0.0


def track_reads(items: list[list], frames: list[np.ndarray]) -> list[list]:
    """Reads followed across the sampled frames: a line read in the frames before and after at the
    same place (boxes overlapping by a third or more) but missing in the frame between, which
    shows ink there, is carried into it -- OCR misses a glyph in one frame (a stroke touching it)
    far more often than a symbol blinks out and back."""
    from .locate import INK_TOL, background

    out = [list(x) for x in items]
    for j in range(1, len(items) - 1):
        for text, box in items[j - 1]:
            if any(t == text for t, _ in items[j]) or not any(t == text and _overlap(b, box) >= 1 / 3 for t, b in items[j + 1]):
                continue
            x0, y0, x1, y1 = (int(round(v)) for v in box)
            region = frames[j][max(0, y0) : y1, max(0, x0) : x1].astype(np.int16)
            if region.size and (np.abs(region - background(frames[j])).max(axis=-1) > INK_TOL).mean() >= 0.05:
                out[j].append((text, box))
    return out


def detect(frame: np.ndarray) -> list[str]:
    """The lines read in a whole RGB frame (see :func:`read_lines`), at the larger detector size."""
    return read_lines(frame, DET_SIDES[-1])


def expected_state(annotation: dict) -> dict:
    """One spec frame's expected text: normalised strings in reading order; ``joins``, the whole
    text in reading order and in the spec's own order (a formula's terms, whose superscripts sit
    higher than a reading-order row); and whether a typing cursor is drawn."""
    items = [(normalize(t["string"]), t["box"]) for t in annotation.get("texts", []) if normalize(t["string"])]
    cursor = any(s["type"] == "cursor" for s in annotation.get("shapes", []))
    strings = reading_order(items)
    return {"strings": strings, "joins": list(dict.fromkeys(["".join(strings), "".join(t for t, _ in items)])), "cursor": cursor}


def recall(strings: list[str], joined: str) -> tuple[float, float] | None:
    """(length-weighted substring similarity, exact fraction) of the expected ``strings`` in the
    read text ``joined``; None when nothing is expected."""
    if not strings:
        return None
    dist = [substring_distance(s, joined) for s in strings]
    total = sum(len(s) for s in strings)
    sim = sum(len(s) - min(d, len(s)) for s, d in zip(strings, dist)) / total
    return sim, float(np.mean([d == 0 for d in dist]))


def _explained(lines: list[str], expected: str | list[str], cursor: bool) -> tuple[int, int]:
    """(characters read, characters the expected text -- or the best of several orderings of it --
    explains) over ``lines``."""
    joins = [expected] if isinstance(expected, str) else expected
    used = explained = 0
    alone = cursor  # the drawn cursor read as a line of its own, once per frame
    for line in lines:
        d = min(substring_distance(line, x) for x in joins)
        if alone and d and line in _CURSOR_READS:
            alone = False
            continue
        if cursor and len(line) > 1 and line[-1] in _CURSOR_READS:
            d_cut = min(substring_distance(line[:-1], x) for x in joins)
            if d_cut < d:
                line, d = line[:-1], d_cut
        used += len(line)
        explained += max(0, len(line) - d)
    return used, explained


def precision(lines: list[str], expected: str | list[str], cursor: bool) -> float | None:
    """Share of the read characters that the expected text (or the best of several orderings of
    it) explains; None when nothing is read."""
    used, explained = _explained(lines, expected, cursor)
    return explained / used if used else None


def wrong_symbols(state: dict, lines: list[str]) -> int:
    """How many expected symbols of one frame are wrong or missing: the larger of the expected
    characters not found (summed edit distances of the expected strings to the read text) and
    the expected characters that the reads do not account for. Extra reads are left to
    precision: a figure's strokes are now and then read as a stray ``l`` or ``o``."""
    joined = "".join(lines)
    missed = sum(min(substring_distance(x, joined), len(x)) for x in state["strings"])
    _, explained = _explained(lines, state["joins"], state["cursor"])
    return max(missed, len(state["joins"][0]) - explained)


def clearest_wrong(states: list[dict], reads: list[list[str]], rows) -> list[int]:
    """Per sampled frame, :func:`wrong_symbols` of its reads against its aligned state, taken from
    the clearest read among the frames aligned to the same text: a symbol drawn wrong is read wrong
    in every frame that shows it, where the recogniser's misreads of small glyphs come and go
    between frames (as a person judges a still text from its clearest view; a text that changes
    between frames is still judged frame by frame, and its flicker by OCR stability)."""
    wrong = [wrong_symbols(states[i], lines) for lines, i in zip(reads, rows)]
    best: dict[str, int] = {}
    for n, i in zip(wrong, rows):
        key = states[i]["joins"][0]
        best[key] = min(n, best.get(key, n))
    return [best[states[i]["joins"][0]] for i in rows]


def _fit(state: dict, lines: list[str]) -> float:
    """How fully one frame's reads and one spec state explain each other, in any line order: the
    smaller of recall and precision (1: the text shown, no more, no less)."""
    r, p = recall(state["strings"], "".join(lines)), precision(lines, state["joins"], state["cursor"])
    if r is None:
        return 1.0 if p is None else 0.0
    return min(r[0], 0.0 if p is None else p)


def _read_fit(states: list[dict], rows, lines: list[str]) -> tuple[float, int]:
    """How well one frame's reads match the best of the states it may show: (:func:`_fit`, minus
    :func:`wrong_symbols`). The second term sees what the first cannot: a repeated short string
    read once (a plot's two "0" tick labels) fits fully, as every expected string is found, yet
    one symbol is missing."""
    return max((_fit(states[i], lines), -wrong_symbols(states[i], lines)) for i in rows)


def _similarity(state: dict, lines: list[str]) -> float:
    """How well one frame's reads match one spec state, for the alignment: the mean of
    :func:`_fit` and the order term. Both are symmetric in what is missing and what is extra, so a
    frame showing the whole text with one character wrong matches the final state as well as a
    shorter state plus one hallucinated character (ties go to the state nearest in time), never worse."""
    if not state["strings"]:
        return _fit(state, lines)
    return (_fit(state, lines) + _order(state, "".join(lines))) / 2


def _order(state: dict, joined: str) -> float:
    """NED of the frame's whole read text to the state's (the better of its orderings)."""
    return max(ned(x, _uncursored(joined, x, state["cursor"])) for x in state["joins"])


def whole_statement(states: list[dict], rows, wrong: list[int]) -> list[int]:
    """Per sampled frame, the wrong symbols of a text that is one statement (an equation): the
    frame's own, or those of the frame showing the latest state, if more -- a formula with one
    wrong term is a false formula, however right its first terms were while they appeared alone."""
    shown = [j for j, i in enumerate(rows) if states[i]["strings"]]
    if not shown:
        return wrong
    last = max(rows[j] for j in shown)
    final = min(wrong[j] for j in shown if rows[j] == last)
    return [max(n, final) if states[i]["strings"] else n for n, i in zip(wrong, rows)]


def text_scores(states: list[dict], frames: list[np.ndarray], formula: bool = False) -> dict:
    """OCR scores of the sampled video ``frames`` (evenly spread over the video, in order) against
    the spec's per-frame ``states`` (:func:`expected_state`); every value None when the spec
    shows no text. ``formula``: the text is a formula, read with its stacked fractions
    (:mod:`.stacked`) and judged as one statement, true only if every symbol is right (one wrong
    symbol makes ``ocr_symbols`` 0, in every frame: :func:`whole_statement`)."""
    keys = ("ocr_ned", "ocr_exact", "ocr_precision", "ocr_order", "ocr_symbols", "ocr_stability")
    if not any(s["strings"] for s in states):
        return {**dict.fromkeys(keys), "ocr_strings": 0}
    t_spec, t_video = align.norm_times(len(states)), align.norm_times(len(frames))
    near = np.abs(t_spec[:, None] - t_video[None, :]) <= max(align.BAND, 1.0 / max(1, len(frames) - 1)) + 1e-9
    found = []
    for j, frame in enumerate(frames):
        rows = np.nonzero(near[:, j])[0]
        items = read_items(frame, DET_SIDES[0])
        best = _read_fit(states, rows, reading_order(items))
        # Small text: read again with a larger detector input, and isolated glyphs, unless the read
        # is exact. Nothing read where a state this frame may show expects text is the small
        # detector's commonest miss (one typed letter), even when an empty state is near too.
        if best < (1.0, 0) or (not items and any(states[i]["strings"] for i in rows)):
            again = read_items(frame, DET_SIDES[1], glyphs=True, fractions=formula)
            better = _read_fit(states, rows, reading_order(again))
            if better > best or (again and not items and better >= best):  # text found beats none that fits as well
                items = again
        found.append(items)
    reads = [reading_order(items) for items in track_reads(found, frames)]
    sim = np.array([[_similarity(s, lines) for lines in reads] for s in states])
    rows = align.best_per_column(sim, align.dtw_path(1.0 - sim, t_spec, t_video), t_spec, t_video)
    recalls, exacts, precisions, orders, symbols, texts = [], [], [], [], [], []
    wrong = clearest_wrong(states, reads, rows)
    if formula:
        wrong = whole_statement(states, rows, wrong)
    penalty = 0.0 if formula else SYMBOL_PENALTY
    for j, (lines, i) in enumerate(zip(reads, rows)):
        state, joined = states[i], "".join(lines)
        r = recall(state["strings"], joined)
        if r is not None:
            recalls.append(r[0])
            exacts.append(r[1])
            orders.append(_order(state, joined))
            symbols.append(penalty ** wrong[j])
        p = precision(lines, state["joins"], state["cursor"])
        if p is not None:
            precisions.append(p)
        elif r is not None:
            precisions.append(0.0)  # text expected, nothing read: no evidence of precision either
        texts.append(joined)
    pairs = []
    for j in range(len(reads) - 1):
        x0, x1 = states[rows[j]]["joins"][0], states[rows[j + 1]]["joins"][0]
        y0 = _uncursored(texts[j], x0, states[rows[j]]["cursor"])
        y1 = _uncursored(texts[j + 1], x1, states[rows[j + 1]]["cursor"])
        pairs.append(max(0.0, 1.0 - abs(levenshtein(y0, y1) - levenshtein(x0, x1)) / max(1, len(x0), len(x1))))
    mean = lambda v: float(np.mean(v)) if v else None  # noqa: E731
    return {"ocr_ned": mean(recalls), "ocr_exact": mean(exacts), "ocr_precision": mean(precisions), "ocr_order": mean(orders),
            "ocr_symbols": mean(symbols), "ocr_stability": mean(pairs), "ocr_strings": int(sum(len(states[i]["strings"]) for i in rows))}  # fmt: skip


def _uncursored(read: str, expected: str, cursor: bool) -> str:
    """``read`` without a trailing cursor-like character when a cursor is drawn and dropping it
    brings the read closer to ``expected`` (``ExII`` for ``ExI`` with the cursor read as ``I``)."""
    if cursor and read and read[-1] in _CURSOR_READS and levenshtein(read[:-1], expected) < levenshtein(read, expected):
        return read[:-1]
    return read
