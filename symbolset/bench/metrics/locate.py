"""Locating a prompt's figure in a video frame, wherever and however large the model drew it.

A symbolic reader written in the spec's coordinates (the clock's hand reader, the 7-segment
decoder, a circle fit) is applied to a video by first *locating* the figure: the bounding box of
the pixels that differ from the frame's own background (the most common colour on the frame's
border), taken over the sampled frames, or, for a figure whose panel colour the prompt states, the
box of that colour. The same box is located in the spec's own render; the axis-aligned map between
the two boxes (independent x and y scales, so aspect ratio is free too) carries the video frame
onto the spec's canvas. No pixel of the render is compared with the video: only the two boxes meet.
"""

from __future__ import annotations

import cv2
import numpy as np

INK_TOL = 24  # grey levels (max over channels) a pixel must differ from the background to be ink
_MIN_PIXELS = 2  # a row or column needs this many ink pixels to count (codec speckles do not)


def background(frame: np.ndarray) -> np.ndarray:
    """The most common colour (quantised to 16 levels per channel) on the frame's border."""
    border = np.concatenate([frame[0], frame[-1], frame[:, 0], frame[:, -1]]).astype(np.int32)
    keys = (border // 16) @ np.array([256, 16, 1])
    common = np.bincount(keys).argmax()
    return border[keys == common].mean(axis=0)


def _box(mask: np.ndarray) -> list[float] | None:
    rows, cols = np.nonzero(mask.sum(axis=1) >= _MIN_PIXELS)[0], np.nonzero(mask.sum(axis=0) >= _MIN_PIXELS)[0]
    if len(rows) < 2 or len(cols) < 2:
        return None
    return [float(cols[0]), float(rows[0]), float(cols[-1] + 1), float(rows[-1] + 1)]


def figure_box(frames, color=None, tol: float = INK_TOL) -> list[float] | None:
    """``[x0, y0, x1, y1]`` of the union over ``frames`` of the ink (pixels unlike each frame's
    background) or, with ``color``, of the pixels within ``tol`` of it (largest connected blob);
    None when nothing is found."""
    union = None
    for frame in frames:
        f = frame.astype(np.int16)
        if color is None:
            mask = np.abs(f - background(frame)).max(axis=-1) > tol
        else:
            mask = (np.abs(f - np.asarray(color)).max(axis=-1) <= tol).astype(np.uint8)
            n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
            mask = labels == (1 + int(stats[1:, cv2.CC_STAT_AREA].argmax())) if n > 1 else np.zeros(mask.shape, bool)
        union = mask if union is None else union | mask
    return None if union is None else _box(union)


def box_map(src: list[float], dst: list[float]) -> np.ndarray:
    """The 2x3 affine map (x and y scales, translation) that carries box ``src`` onto box ``dst``."""
    sx = (dst[2] - dst[0]) / max(1e-6, src[2] - src[0])
    sy = (dst[3] - dst[1]) / max(1e-6, src[3] - src[1])
    return np.array([[sx, 0.0, dst[0] - sx * src[0]], [0.0, sy, dst[1] - sy * src[1]]])


def onto_canvas(frames, matrix: np.ndarray, width: int, height: int) -> list[np.ndarray]:
    """``frames`` carried by the scale-and-shift ``matrix`` onto a ``width`` x ``height`` canvas:
    resized first (area filter when shrinking), then shifted; the border is filled with each
    frame's background."""
    sx, sy = float(matrix[0, 0]), float(matrix[1, 1])
    out = []
    for f in frames:
        h, w = f.shape[:2]
        nw, nh = max(1, int(round(w * sx))), max(1, int(round(h * sy)))
        scaled = cv2.resize(f, (nw, nh), interpolation=cv2.INTER_AREA if nw * nh < w * h else cv2.INTER_LINEAR)
        m = np.array([[sx * w / nw, 0.0, matrix[0, 2]], [0.0, sy * h / nh, matrix[1, 2]]])  # what rounding the size left, and the shift
        bg = tuple(float(v) for v in background(f))
        out.append(cv2.warpAffine(scaled, m, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=bg))
    return out
