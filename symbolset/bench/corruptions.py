"""Graded corruptions of a clean clip, 5 severities each, used to prove the metrics mean something.

Each corruption is ``fn(frames, severity, rng, spec) -> frames | None`` (None: not applicable to
this clip, e.g. a glyph substitution in a clip without text). Sizes scale with the frame height
(``u = H / 128``) so severities mean the same at any resolution.

=============  ==========================================================  =====================
name           what                                                        severity 1 .. 5
=============  ==========================================================  =====================
blur           Gaussian blur of every frame                                sigma 0.6 .. 3.0 u px
jpeg           per-frame JPEG re-compression                               quality 50 .. 5
shuffle        a fraction of frame positions randomly permuted             15% .. 80% of frames
drop           frames dropped and the previous frame held in their place   10% .. 70% of frames
jitter         random per-frame translation (camera shake)                 std 0.5 .. 4 u px
char_sub       characters replaced by other glyphs (re-rendered spec)      20% .. 100% of chars
stroke_break   background-coloured gaps cut into the symbols               2 .. 14 gaps
geometric      smooth random warp of the image plane (same every frame)    0.6 .. 4 u px
=============  ==========================================================  =====================
"""

from __future__ import annotations

import copy
import math

import cv2
import numpy as np

from .. import codec
from ..draw import pick
from ..render import render_clip
from ..spec import is_track, validate

SEVERITIES = (1, 2, 3, 4, 5)
_BLUR = (0.6, 1.0, 1.5, 2.2, 3.0)
_JPEG = (50, 30, 18, 10, 5)
_SHUFFLE = (0.15, 0.3, 0.45, 0.6, 0.8)
_DROP = (0.1, 0.2, 0.35, 0.5, 0.7)
_JITTER = (0.5, 1.0, 2.0, 3.0, 4.0)
_SUB = (0.2, 0.4, 0.6, 0.8, 1.0)
_BREAKS = (2, 4, 7, 10, 14)
_WARP = (0.6, 1.2, 2.0, 3.0, 4.0)


def _unit(frames: np.ndarray) -> float:
    return frames.shape[1] / 128.0


def blur(frames, severity, rng, spec):
    """Gaussian blur."""
    s = _BLUR[severity - 1] * _unit(frames)
    return np.stack([cv2.GaussianBlur(f, (0, 0), s) for f in frames])


def jpeg(frames, severity, rng, spec):
    """JPEG re-compression of each frame."""
    q = [int(cv2.IMWRITE_JPEG_QUALITY), _JPEG[severity - 1]]
    return np.stack([cv2.imdecode(cv2.imencode(".jpg", f[:, :, ::-1], q)[1], cv2.IMREAD_COLOR)[:, :, ::-1] for f in frames])


def shuffle(frames, severity, rng, spec):
    """Permute a fraction of the frame positions (each chosen frame moves)."""
    n = len(frames)
    k = min(n, max(2, int(round(_SHUFFLE[severity - 1] * n))))
    pos = np.sort(rng.choice(n, size=k, replace=False))
    perm = pos[np.roll(np.arange(k), 1)] if k == 2 else pos[rng.permutation(k)]
    while k > 2 and np.any(perm == pos):
        perm = pos[rng.permutation(k)]
    order = np.arange(n)
    order[pos] = perm
    return frames[order]


def drop(frames, severity, rng, spec):
    """Drop frames, holding the previous kept frame in their place (a stutter)."""
    n = len(frames)
    k = min(n - 1, max(1, int(round(_DROP[severity - 1] * n))))
    dropped = set(rng.choice(np.arange(1, n), size=k, replace=False).tolist())
    order, last = [], 0
    for i in range(n):
        last = last if i in dropped else i
        order.append(last)
    return frames[order]


def jitter(frames, severity, rng, spec):
    """Random per-frame translation (border replicated)."""
    s = _JITTER[severity - 1] * _unit(frames)
    h, w = frames.shape[1:3]
    out = []
    for f in frames:
        dx, dy = rng.normal(0, s, 2)
        out.append(cv2.warpAffine(f, np.float32([[1, 0, dx], [0, 1, dy]]), (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE))
    return np.stack(out)


def _substitute(text: str, fraction: float, rng, alphabet_for) -> str:
    chars = list(text)
    slots = [i for i, c in enumerate(chars) if alphabet_for(c)]
    if not slots:
        return text
    k = max(1, int(math.ceil(fraction * len(slots) - 1e-9)))
    for i in rng.choice(slots, size=min(k, len(slots)), replace=False):
        pool = [c for c in alphabet_for(chars[i]) if c != chars[i]]
        chars[i] = pick(rng, pool)
    return "".join(chars)


def _alphabet(font: str | None):
    from ..families.common import HAN_WORDS
    from ..fonts import missing_chars

    han = sorted({c for w in HAN_WORDS for c in w})

    def alphabet_for(c: str) -> str:
        if c.isdigit():
            return "0123456789"
        if c.isascii() and c.isalpha():
            return "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c.isupper() else "abcdefghijklmnopqrstuvwxyz"
        if "\u4e00" <= c <= "\u9fff":
            return "".join(h for h in han if font is None or not missing_chars(font, h))
        return ""

    return alphabet_for


def _digits(c: str) -> str:
    return "0123456789" if c.isdigit() else ""


def char_sub(frames, severity, rng, spec):
    """Replace a fraction of the characters of every text (and 7-segment digits) with other glyphs,
    re-render the spec and encode it like the dataset's videos."""
    new = copy.deepcopy(spec)
    changed = False
    for el in new["elements"]:
        if el.get("type") == "text":
            text = _substitute(el["text"], _SUB[severity - 1], rng, _alphabet(el.get("font")))
            changed |= text != el["text"]
            el["text"] = text
        elif el.get("type") == "seven_segment":
            if is_track(el["text"]):
                for key in el["text"]["keys"]:
                    key[1] = _substitute(key[1], _SUB[severity - 1], rng, _digits)
            else:
                el["text"] = _substitute(el["text"], _SUB[severity - 1], rng, _digits)
            changed = True
    if not changed:
        return None
    rendered, _ = render_clip(validate(new))
    return codec.decode(codec.encode(rendered, new["fps"]))[: len(frames)]


def stroke_break(frames, severity, rng, spec):
    """Cut background-coloured gaps into the symbols (same places in every frame)."""
    bg = np.asarray(spec.get("background", [255, 255, 255]), np.int16)
    ink = np.zeros(frames.shape[1:3], bool)
    for f in frames:
        ink |= np.abs(f.astype(np.int16) - bg).max(axis=-1) > 60
    ys, xs = np.nonzero(ink)
    if not len(xs):
        return None
    out = frames.copy()
    size = max(2, int(round(0.035 * frames.shape[1])))
    for k in rng.choice(len(xs), size=min(len(xs), _BREAKS[severity - 1]), replace=False):
        x, y = int(xs[k]), int(ys[k])
        horizontal = rng.random() < 0.5
        x0, x1 = (x - 2 * size, x + 2 * size) if horizontal else (x - size // 2, x + size - size // 2)
        y0, y1 = (y - size // 2, y + size - size // 2) if horizontal else (y - 2 * size, y + 2 * size)
        out[:, max(0, y0) : y1, max(0, x0) : x1] = bg.astype(np.uint8)
    return out


def geometric(frames, severity, rng, spec):
    """Smooth random warp of the image plane (a 4x4 grid of random displacements, cubic-upsampled)."""
    h, w = frames.shape[1:3]
    amp = _WARP[severity - 1] * _unit(frames)
    grid = rng.normal(0, 1, (2, 4, 4)).astype(np.float32)
    grid /= max(1e-6, float(np.abs(grid).max()))
    dx = cv2.resize(grid[0], (w, h), interpolation=cv2.INTER_CUBIC) * amp
    dy = cv2.resize(grid[1], (w, h), interpolation=cv2.INTER_CUBIC) * amp
    xx, yy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    return np.stack([cv2.remap(f, xx + dx, yy + dy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE) for f in frames])


CORRUPTIONS = {"blur": blur, "jpeg": jpeg, "shuffle": shuffle, "drop": drop, "jitter": jitter,
               "char_sub": char_sub, "stroke_break": stroke_break, "geometric": geometric}  # fmt: skip


def corrupt(name: str, frames: np.ndarray, severity: int, seed: int, spec: dict):
    """Apply corruption ``name`` at ``severity`` (1..5), deterministically from ``seed``."""
    return CORRUPTIONS[name](frames, severity, np.random.default_rng([seed, severity]), spec)
