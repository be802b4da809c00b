"""Render a scene spec at time t: an anti-aliased RGB frame plus that frame's annotations.

Coordinates are continuous pixels: pixel (i, j) covers [i, i+1) x [j, j+1), so its centre is
(i + 0.5, j + 0.5). Boxes are ``[x0, y0, x1, y1]`` in that system and contain every ink pixel
of what they annotate. Geometry is drawn by OpenCV (anti-aliased, sub-pixel, in C); text by
Pillow/FreeType into a coverage mask that is placed with an exact affine transform.

Annotations of one frame::

    {"frame": i, "time": t,
     "texts":  [{"element", "string", "box", "chars", "char_boxes"}],   # non-empty strings only
     "shapes": [{"element", "type", "params": {...}}]}                  # geometry in pixels

This module is one drawer per element type (``_DRAW``; importing it fails while a declared type
lacks one). The text drawer's pixels come from :mod:`.textdraw` (the rasteriser), text geometry
without pixels from :mod:`.textlayout`, and how a whole clip is drawn with less work is
:mod:`.clipdraw`. It stays over 400 lines because the drawers are small, alike, and read best side
by side.
"""

from __future__ import annotations

import contextlib
import functools
import math
import threading

import cv2
import numpy as np

from . import textdraw
from .composite import move_annotation, rect
from .rounding import rounded
from .spec import ELEMENT_FIELDS, frame_time, is_track, value_at
from .textlayout import apply_affine as _apply
from .textlayout import layout_for, text_transform
from .textlayout import shown_count as _shown

_SHIFT = 4
_ONE = 1 << _SHIFT


_kept = threading.local()  # .drawn, inside reuse(): [(flat spec, read-only frames, annotations)] of the last flat clip drawn


@contextlib.contextmanager
def reuse():
    """Within this block (in this thread) the last flat clip drawn is kept: ``render_clip`` /
    ``render_frame`` of an equal flat spec (a family's claims measuring the card that its record has
    just rendered) return its frames (read-only) and annotations instead of drawing them again. The
    caller must not change the spec inside the block."""
    outer = getattr(_kept, "drawn", None)
    _kept.drawn = []
    try:
        yield
    finally:
        _kept.drawn = outer


def _reused(spec: dict):
    """The kept ``(frames, annotations)`` of a flat spec equal to ``spec``, else None."""
    drawn = getattr(_kept, "drawn", None)
    if drawn and "stage" not in spec and drawn[0][0] == spec:
        return drawn[0][1:]
    return None


def render_clip(spec: dict) -> tuple[np.ndarray, list[dict]]:
    """All frames of a spec as a ``(T, H, W, 3)`` uint8 array, with per-frame annotations.

    Exactly what ``render_frame`` gives for each frame, done with less work (:mod:`.clipdraw`): the
    leading elements that never change (a clock face, axes, a road) are drawn once, a frame whose
    element states equal the previous frame's (a typing pause, a held display) is copied, and a
    frame redraws only what its changes can reach.
    """
    kept = _reused(spec)
    if kept is not None:
        return kept
    from .clipdraw import draw_clip  # imported here: it draws with this module's drawers

    outer = getattr(_clip, "paths", None)
    _clip.paths = {}
    try:
        frames, annotations = draw_clip(spec)
    finally:
        _clip.paths = outer
    if "parts" in spec:  # a composite scene: each part's own card pasted onto this one (composite.py)
        frames, annotations = paste_parts(spec, frames, annotations)
    drawn = getattr(_kept, "drawn", None)
    if drawn is not None:
        kept_frames = frames.view()
        kept_frames.flags.writeable = False
        drawn[:] = [({k: v for k, v in spec.items() if k != "stage"}, kept_frames, annotations)]
    if "stage" in spec:  # the real style: the flat frames become a card seen by a 3D camera
        from .stage import project

        return project(spec, frames, annotations)
    return frames, annotations


def paste_parts(spec: dict, frames: np.ndarray, annotations: list[dict], *, index: int = 0) -> tuple[np.ndarray, list[dict]]:
    """The card: the backdrop ``frames`` (the composite's own elements) with every part's flat
    frames pasted at its ``at``, and the parts' annotations moved there (after the backdrop's, in
    part order). ``index`` is the first frame's number."""
    frames = frames.copy()
    annotations = [{**a, "texts": list(a["texts"]), "shapes": list(a["shapes"])} for a in annotations]
    whole = index == 0 and len(frames) == spec["num_frames"]
    for part in spec["parts"]:
        sub = part["spec"]
        x0, y0, x1, y1 = rect(part)
        if whole:
            sub_frames, sub_anns = render_clip(sub)
        else:
            drawn = [render_frame(sub, index + i) for i in range(len(frames))]
            sub_frames, sub_anns = np.stack([f for f, _ in drawn]), [a for _, a in drawn]
        frames[:, y0:y1, x0:x1] = sub_frames
        for a, sa in zip(annotations, sub_anns):
            moved = move_annotation(sa, part["id"], x0, y0)
            a["texts"] += moved["texts"]
            a["shapes"] += moved["shapes"]
    return frames, annotations


def _static_prefix(spec: dict) -> int:
    """How many leading elements have no animated property (and no blinking cursor)."""
    count = 0
    for el in spec["elements"]:
        if any(is_track(v) for v in el.values()) or (el.get("cursor") or {}).get("blink"):
            break
        count += 1
    return count


def render_frame(spec: dict, index: int) -> tuple[np.ndarray, dict]:
    """Frame ``index`` of a (validated) spec and its annotations."""
    kept = _reused(spec)
    if kept is not None and 0 <= index < len(kept[1]):
        return kept[0][index], kept[1][index]
    t = frame_time(spec, index)
    frame, ann = _draw(spec, element_states(spec, t), index, t)
    if "parts" in spec:
        pasted, anns = paste_parts(spec, frame[None], [ann], index=index)
        frame, ann = pasted[0], anns[0]
    if "stage" in spec:
        from .stage import project

        frames, anns = project(spec, frame[None], [ann], index=index)
        return frames[0], anns[0]
    return frame, ann


def element_states(spec: dict, t: float) -> list[dict]:
    """Every element's properties evaluated at time ``t`` (a frame is a pure function of these)."""
    return _evaluator(spec["elements"])(t)


def _evaluator(elements: list[dict]):
    """``t -> element states`` for ``elements``: which properties are animated is found once, so a
    frame evaluates only its tracks (a state keeps its element's key order and constant values). An
    element with neither tracks nor a cursor has one state, the same dict at every time."""
    plans = []
    for el in elements:
        tracks = [k for k, v in el.items() if is_track(v)]
        plans.append((el, tracks, None if tracks or el.get("cursor") else dict(el)))

    def states(t: float) -> list[dict]:
        out = []
        for el, tracks, still in plans:
            if still is not None:
                out.append(still)
                continue
            props = dict(el)
            for k in tracks:
                props[k] = value_at(el[k], t)
            cursor = props.get("cursor")
            if cursor:
                props["cursor_on"] = not cursor.get("blink") or int(t / cursor["blink"] + 1e-9) % 2 == 0
            out.append(props)
        return out

    return states


@functools.lru_cache(maxsize=8)
def _background(height: int, width: int, rgb: tuple) -> np.ndarray:
    canvas = np.empty((height, width, 3), np.uint8)
    canvas[:] = rgb
    canvas.flags.writeable = False
    return canvas


def _draw(spec: dict, states: list[dict], index: int, t: float, base: np.ndarray | None = None) -> tuple[np.ndarray, dict]:
    """Draw element states over ``base`` (default: the background) into a new canvas."""
    if base is None:
        base = _background(spec["height"], spec["width"], tuple(spec.get("background", (255, 255, 255))))
    canvas = base.copy()
    ann = {"frame": index, "time": round(t, 6), "texts": [], "shapes": []}
    for props in states:
        _draw_one(canvas, props, t, ann)
    return canvas, ann


def _draw_one(canvas: np.ndarray, props: dict, t: float, ann: dict) -> None:
    """Draw one element state onto ``canvas`` (in place), appending its annotations to ``ann``."""
    opacity = float(props.get("opacity", 1.0))
    if opacity <= 0:
        return
    target = canvas if opacity >= 1 else canvas.copy()
    _DRAW[props["type"]](target, props, t, ann)
    if target is not canvas:
        cv2.addWeighted(target, opacity, canvas, 1 - opacity, 0, dst=canvas)


# ---------------------------------------------------------------- geometry helpers


def _fixed(points) -> np.ndarray:
    """Continuous coordinates -> OpenCV fixed point (OpenCV puts pixel centres on integers)."""
    return np.round((np.asarray(points, np.float64) - 0.5) * _ONE).astype(np.int32)


def _fixed_point(point) -> tuple[int, int]:
    """One point as :func:`_fixed` gives it (both round half to even), without NumPy's per-call cost."""
    return int(round((float(point[0]) - 0.5) * _ONE)), int(round((float(point[1]) - 0.5) * _ONE))


def _color(rgb) -> tuple[int, int, int]:
    return (int(rgb[0]), int(rgb[1]), int(rgb[2]))


def _round(values, nd: int = 3):
    return [round(float(v), nd) for v in values]


def partial_path(points: list, fraction: float) -> list[list[float]]:
    """The first ``fraction`` (by length) of a polyline, as a list of points."""
    path = _Path(points)
    n, end = path.cut(fraction)
    return path.listed[:n] + ([end] if end is not None else [])


class _Path:
    """A polyline's vertices, prepared once for every frame of a clip that draws a part of it: as
    floats, their running length, in OpenCV fixed point and rounded for annotations (each made when
    first asked for)."""

    def __init__(self, points: list):
        self.pts = np.asarray(points, np.float64)
        self.listed = self.pts.tolist()
        self._seg = self._run = self._fixed = self._rounded = None

    def cut(self, fraction: float) -> tuple[int, list | None]:
        """The first ``fraction`` by length: the first ``n`` vertices, then ``end`` (a point inside
        the next segment), or ``(all, None)``. The same arithmetic as walking the segments in order."""
        if fraction >= 1:
            return len(self.listed), None
        if self._seg is None:
            self._seg = np.linalg.norm(np.diff(self.pts, axis=0), axis=1)
            self._run = np.cumsum(self._seg)  # in order: the walk's running sums, bit for bit
        target = fraction * self._seg.sum()
        j = int(np.searchsorted(self._run, target, side="left"))  # the first segment whose end reaches it
        if j == len(self._run):
            return len(self.listed), None
        run, length = (self._run[j - 1] if j else 0.0), self._seg[j]
        u = (target - run) / length if length else 0.0
        p, q = self.pts[j], self.pts[j + 1]
        return j + 1, (p + (q - p) * u).tolist()

    def fixed(self, n: int, end: list | None) -> np.ndarray:
        """The first ``n`` vertices and ``end`` in OpenCV fixed point."""
        if self._fixed is None:
            self._fixed = _fixed(self.pts)
        return self._fixed[:n] if end is None else np.vstack([self._fixed[:n], _fixed([end])])

    def rounded(self, n: int, end: list | None) -> list:
        """The first ``n`` vertices and ``end`` rounded as annotations are."""
        if self._rounded is None:  # round(v, 3) of every coordinate (_round's); a long path's at once
            if len(self.listed) > 16:
                self._rounded = np.reshape(rounded(self.pts, 3), (-1, 2)).tolist()
            else:  # the vertices are Python floats (tolist)
                self._rounded = [[round(x, 3), round(y, 3)] for x, y in self.listed]
        return self._rounded[:n] + ([_round(end)] if end is not None else [])


_clip = threading.local()  # .paths, while render_clip draws: {(id(points), closed): (points, _Path)}


def _path_of(p: dict) -> _Path:
    """The prepared path of a polyline state: within a clip, one per points list (a still curve that is
    drawn on over many frames is measured, fixed and rounded once)."""
    paths = getattr(_clip, "paths", None)
    key = (id(p["points"]), bool(p.get("closed")))
    if paths is not None and key in paths:
        return paths[key][1]
    path = _Path(p["points"] + ([p["points"][0]] if p.get("closed") else []))
    if paths is not None:
        paths[key] = (p["points"], path)  # the list is kept alive, so no other list takes its id
    return path


def _draw_polyline(canvas, p, t, ann) -> None:
    path = _path_of(p)
    n, end = path.cut(float(p.get("progress", 1.0)))
    if n + (end is not None) >= 2 and p.get("progress", 1.0) > 0:
        cv2.polylines(canvas, [path.fixed(n, end)], False, _color(p["color"]), int(p["width"]), cv2.LINE_AA, _SHIFT)
    ann["shapes"].append({"element": p["id"], "type": "polyline", "params": {"points": path.rounded(n, end), "width": p["width"]}})


def _draw_circle(canvas, p, t, ann) -> None:
    cx, cy = p["center"]
    r = float(p["radius"])
    start = float(p.get("start", 0.0))
    sweep = max(-360.0, min(360.0, float(p.get("sweep", 360.0))))
    center, axes = _fixed_point((cx, cy)), (int(round(r * _ONE)),) * 2
    if p.get("fill") is not None and sweep:
        cv2.ellipse(canvas, center, axes, 0, start, start + sweep, _color(p["fill"]), -1, cv2.LINE_AA, _SHIFT)
    width = int(p.get("width", 2))
    if sweep:
        cv2.ellipse(canvas, center, axes, 0, start, start + sweep, _color(p["color"]), width, cv2.LINE_AA, _SHIFT)
    ann["shapes"].append(
        {
            "element": p["id"],
            "type": "circle",
            "params": {"center": _round([cx, cy]), "radius": round(r, 3), "start": start, "sweep": round(sweep, 3), "width": width},
        }
    )


def _draw_polygon(canvas, p, t, ann) -> None:
    cv2.fillPoly(canvas, [_fixed(p["points"])], _color(p["fill"]), cv2.LINE_AA, _SHIFT)
    ann["shapes"].append({"element": p["id"], "type": "polygon", "params": {"points": [_round(q) for q in p["points"]]}})


def ray_end(origin, length: float, angle_deg: float) -> tuple[float, float]:
    """End of a ray from ``origin``; angle in degrees clockwise from 12 o'clock (screen up)."""
    a = math.radians(angle_deg)
    return origin[0] + length * math.sin(a), origin[1] - length * math.cos(a)


def _draw_ray(canvas, p, t, ann) -> None:
    end = ray_end(p["origin"], float(p["length"]), float(p["angle"]))
    cv2.line(canvas, _fixed_point(p["origin"]), _fixed_point(end), _color(p["color"]), int(p["width"]), cv2.LINE_AA, _SHIFT)
    ann["shapes"].append(
        {
            "element": p["id"],
            "type": "ray",
            "params": {"origin": _round(p["origin"]), "end": _round(end), "angle": round(float(p["angle"]) % 360.0, 4), "width": p["width"]},
        }
    )


# ---------------------------------------------------------------- seven-segment digits

# Lit segments per character (a top, b upper right, c lower right, d bottom, e lower left, f upper left, g middle).
SEGMENTS = {
    "0": "abcdef", "1": "bc", "2": "abdeg", "3": "abcdg", "4": "bcfg", "5": "acdfg",
    "6": "acdefg", "7": "abc", "8": "abcdefg", "9": "abcdfg", "-": "g", " ": "",
}  # fmt: skip


def segment_layout(height: float) -> dict:
    """Cell geometry of a digit of the given height: width, stroke, advance and narrow advances."""
    return {"width": 0.55 * height, "stroke": 0.13 * height, "advance": 0.75 * height, "narrow": 0.3 * height}


def _segment_polygons(x: float, y: float, h: float) -> dict[str, np.ndarray]:
    geo = segment_layout(h)
    w, s = geo["width"], geo["stroke"]
    half, g = s / 2, s * 0.12  # g: the small gap between neighbouring segments

    def horizontal(yc):
        return np.array([[x + g, yc], [x + half + g, yc - half], [x + w - half - g, yc - half],
                         [x + w - g, yc], [x + w - half - g, yc + half], [x + half + g, yc + half]])  # fmt: skip

    def vertical(xc, y0, y1):
        return np.array([[xc, y0 + g], [xc + half, y0 + half + g], [xc + half, y1 - half - g],
                         [xc, y1 - g], [xc - half, y1 - half - g], [xc - half, y0 + half + g]])  # fmt: skip

    top, mid, bot = y + half, y + h / 2, y + h - half
    left, right = x + half, x + w - half
    return {
        "a": horizontal(top), "g": horizontal(mid), "d": horizontal(bot),
        "f": vertical(left, top, mid), "b": vertical(right, top, mid),
        "e": vertical(left, mid, bot), "c": vertical(right, mid, bot),
    }  # fmt: skip


@functools.lru_cache(maxsize=1024)
def _digit(x: float, y: float, h: float, ch: str) -> tuple:
    """One 7-segment character at ``(x, y)``: its unlit and lit polygons in fixed point (read-only),
    its ink box (None when nothing is lit) and its cell. Cached: a display redraws the same
    characters at the same places frame after frame."""
    if ch in SEGMENTS:
        polys = _segment_polygons(x, y, h)
        lit = SEGMENTS[ch]
        dark = [_fixed(polys[s]) for s in "abcdefg" if s not in lit]
        inked = [_fixed(polys[s]) for s in lit]
        box = None
        if lit:
            pts = np.concatenate([polys[s] for s in lit])
            box = _round([pts[:, 0].min(), pts[:, 1].min(), pts[:, 0].max(), pts[:, 1].max()])
        cell = _round([x, y, x + segment_layout(h)["width"], y + h])
    else:  # ':' and '.' are narrow: dots drawn as small squares
        geo = segment_layout(h)
        s = geo["stroke"]
        cx = x + geo["narrow"] / 2 - 0.15 * h
        centers = [(cx, y + 0.3 * h), (cx, y + 0.7 * h)] if ch == ":" else [(cx, y + h - s / 2)]
        squares = [np.array([[u - s / 2, v - s / 2], [u + s / 2, v - s / 2], [u + s / 2, v + s / 2], [u - s / 2, v + s / 2]]) for u, v in centers]
        dark, inked = [], [_fixed(q) for q in squares]
        pts = np.concatenate(squares)
        box = cell = _round([pts[:, 0].min(), pts[:, 1].min(), pts[:, 0].max(), pts[:, 1].max()])
    for poly in dark + inked:
        poly.flags.writeable = False
    return dark, inked, box, cell


def _draw_seven_segment(canvas, p, t, ann) -> None:
    x, y = p["position"]
    h = float(p["digit_height"])
    geo = segment_layout(h)
    on, off = _color(p["color"]), p.get("off_color")
    text = p["text"]
    digits, chars, boxes = [], [], []
    for ch in text:
        dark, inked, box, cell = _digit(x, y, h, ch)
        if ch in SEGMENTS:
            if off is not None and dark:
                cv2.fillPoly(canvas, dark, _color(off), cv2.LINE_AA, _SHIFT)
            if inked:
                cv2.fillPoly(canvas, inked, on, cv2.LINE_AA, _SHIFT)
                chars.append(ch)
                boxes.append(list(box))
            digits.append({"char": ch, "segments": SEGMENTS[ch], "cell": list(cell), "box": box and list(box)})
            x += geo["advance"]
        else:
            cv2.fillPoly(canvas, inked, on, cv2.LINE_AA, _SHIFT)
            chars.append(ch)
            boxes.append(list(box))
            digits.append({"char": ch, "segments": "", "cell": list(box), "box": list(box)})
            x += geo["narrow"]
    if chars:
        b = np.array(boxes)
        ann["texts"].append(
            {"element": p["id"], "string": text.strip(), "box": _round([b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()]), "chars": chars, "char_boxes": boxes}
        )
    ann["shapes"].append({"element": p["id"], "type": "seven_segment", "params": {"text": text, "digit_height": h, "digits": digits}})


# ---------------------------------------------------------------- lane lines in perspective


def lane_geometry(p: dict, height: int) -> list[tuple[float, float]]:
    """World-depth intervals ``(z_near, z_far)`` of a lane line's visible marks.

    Depth z is in units of the distance seen at the frame's bottom row (z = 1 there); screen row
    ``y(z) = vy + (H - vy) / z``. Dashes of length L every L + G, shifted toward the viewer by
    ``offset``; marks thinner than a pixel near the horizon are not drawn.
    """
    vy = p["vanishing_point"][1]
    z_max = (height - vy) / 1.0  # beyond this a mark is under one pixel from the horizon
    if p.get("dash") is None:
        return [(1.0, z_max)]
    length, gap = p["dash"]
    period = length + gap
    offset = float(p.get("offset", 0.0)) % period
    out = []
    k = math.floor((1.0 + offset) / period) - 1
    while True:
        near = k * period - offset
        far = near + length
        k += 1
        if near >= z_max:
            return out
        if far <= 1.0:
            continue
        whole = near >= 1.0
        near, far = max(near, 1.0), min(far, z_max)
        if (height - vy) * (1 / near - 1 / far) >= 1.0:  # at least a pixel tall on screen
            out.append((near, far))
        elif whole:  # every mark beyond is further and no longer, so shorter on screen still
            return out


def _draw_lane_line(canvas, p, t, ann) -> None:
    vx, vy = p["vanishing_point"]
    height = canvas.shape[0]
    span = height - vy
    bx, half = p["bottom_x"], p["bottom_width"]
    left, right, middle = -1 * half, 1 * half, 0 * half  # side * bottom_width, as each side's point computes it
    quads, ends, depths = [], [], []
    for n, f in lane_geometry(p, height):
        yn, yf = vy + span / n, vy + span / f
        un, uf = (yn - vy) / span, (yf - vy) / span
        xn, xf = vx + (bx - vx) * un, vx + (bx - vx) * uf
        quads += [xn + left * un / 2, yn, xn + right * un / 2, yn, xf + right * uf / 2, yf, xf + left * uf / 2, yf]
        ends.append([round(xn + middle * un / 2, 3), round(yn, 3), round(xf + middle * uf / 2, 3), round(yf, 3)])
        depths.append([round(n, 5), round(f, 5)])
    if quads:  # every mark's quad in one array: _fixed rounds each coordinate on its own
        cv2.fillPoly(canvas, list(_fixed(quads).reshape(-1, 4, 2)), _color(p["color"]), cv2.LINE_AA, _SHIFT)
    ann["shapes"].append(
        {
            "element": p["id"],
            "type": "lane_line",
            "params": {
                "vanishing_point": _round([vx, vy]),
                "bottom_x": round(float(bx), 3),
                "dashed": p.get("dash") is not None,
                "marks": ends,
                "depths": depths,
            },
        }
    )


# ---------------------------------------------------------------- text


def _draw_text(canvas, p, t, ann) -> None:
    text, size = p["text"], int(round(p["size"]))
    shown = _shown(p)
    if shown:
        pos, vertical = p["position"], bool(p.get("vertical"))
        matrix = textdraw.text_matrix(p["font"], size, text, vertical, (pos[0], pos[1]), p.get("scale", 1.0), p.get("rotation", 0.0), p.get("anchor", "left"))
        placed = textdraw.placed_text(p["font"], size, text, shown, matrix, canvas.shape[1], canvas.shape[0], vertical)
        if placed is not None:
            textdraw.paint(canvas, placed, tuple(p["color"]))
            box, chars, char_boxes = placed[3:6]
            ann["texts"].append({"element": p["id"], "string": text[:shown], "box": list(box), "chars": list(chars), "char_boxes": [list(b) for b in char_boxes]})
    cursor = p.get("cursor")
    if cursor and p["cursor_on"]:
        lay = layout_for(p, size)
        m = text_transform(p, lay)
        pen = lay["pens"][shown] if shown < len(text) else lay["width"]
        x = pen + max(1.0, size * 0.06)
        quad = _apply(m, [[x, -lay["ascent"] * 0.85], [x + max(1.0, size * 0.08), -lay["ascent"] * 0.85],
                          [x + max(1.0, size * 0.08), lay["descent"] * 0.6], [x, lay["descent"] * 0.6]])  # fmt: skip
        cv2.fillPoly(canvas, [_fixed(quad)], _color(cursor["color"]), cv2.LINE_AA, _SHIFT)
        ann["shapes"].append({"element": p["id"], "type": "cursor", "params": {"quad": [_round(q) for q in quad], "index": shown}})


_DRAW = {
    "text": _draw_text,
    "polyline": _draw_polyline,
    "circle": _draw_circle,
    "polygon": _draw_polygon,
    "ray": _draw_ray,
    "seven_segment": _draw_seven_segment,
    "lane_line": _draw_lane_line,
}
if set(_DRAW) != set(ELEMENT_FIELDS):  # every element type the spec declares has exactly one drawer
    raise ImportError(f"render: element types without a drawer: {sorted(set(ELEMENT_FIELDS) - set(_DRAW))}, "
                      f"drawers without a type: {sorted(set(_DRAW) - set(ELEMENT_FIELDS))}")  # fmt: skip
