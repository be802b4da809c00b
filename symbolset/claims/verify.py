"""Verifiers: every claim kind measured again on frames (rendered or decoded) and annotations.

``verify_claims(spec, frames, annotations, claims)`` returns one line per claim that the pixels do
not bear out, within the tolerance stated in :data:`symbolset.claims.KINDS`. Positions come from
ink, widths from the ink across a stroke, times from the first frame that shows a change.
"""

from __future__ import annotations

import math

import numpy as np

from . import REGION_TOLERANCE, band_limits, figures
from .looks import line_pattern, pace, rotation
from .measure import (
    _dot,
    centroid,
    changed_pixels,
    claim_region,
    coverage,
    element_coverage,
    element_coverages,
    find,
    gyration,
    hide_cursors,
    ink_box,
    kept_mask,
    window,
)
from .named_colour import colour

_EPS = 1e-6
_MIN_CHANGED = 6  # pixels: fewer is codec noise (a pixel's colour flipping between similar scene colours)


# ---------------------------------------------------------------- one verifier per kind


def _quoted_text(spec, frames, annotations, c):
    ann = find(annotations[-1], c["element"])
    if ann is None or ann["string"] != c["text"]:
        return [f"quoted {c['text']!r} is not on screen at the last frame (shows {ann and ann['string']!r})"]
    win, _, _ = window(coverage(frames[-1], c["color"], c.get("base", spec["background"]), c.get("others", ())), ann["box"])
    if (win > 0.5).sum() < 3:
        return [f"quoted {c['text']!r}: no ink in its box"]
    return []


def _label(spec, frames, annotations, c):
    ann = find(annotations[-1], c["element"])
    if ann is None or ann["string"] != c["subject"]:
        return [f"label {c['subject']!r} is not drawn"]
    win, x0, y0 = window(coverage(frames[-1], c["color"], c.get("base", spec["background"]), c.get("others", ())), ann["box"])
    box = ink_box(win)
    if box is None:
        return [f"label {c['subject']!r}: no ink"]
    centre = np.array([(box[0] + box[2]) / 2 + x0, (box[1] + box[3]) / 2 + y0])
    off = float(np.linalg.norm(centre - np.asarray(c["point"])))
    if off > 1.5 * c["size"]:
        return [f"label {c['subject']!r}: ink is {off:.1f} px from its point"]
    return []


def _formula(spec, frames, annotations, c):
    present = {t["element"] for t in annotations[-1]["texts"]} | {s["element"] for s in annotations[-1]["shapes"]}
    missing = [e for term in c["terms"] for e in term if e not in present]
    return [f"formula {c['text']!r}: elements {missing} are not drawn"] if missing else []


def _profile_width(cov: np.ndarray, point, normal, reach: float) -> float:
    """Sum of coverage along a line through ``point`` across a stroke (bilinear samples every 0.25 px)."""
    h, w = cov.shape
    s = np.arange(-reach, reach + _EPS, 0.25)
    xs, ys = point[0] + s * normal[0] - 0.5, point[1] + s * normal[1] - 0.5
    if xs.min() < 0 or ys.min() < 0 or xs.max() >= w - 1 or ys.max() >= h - 1:
        return float("nan")
    x0, y0 = np.floor(xs).astype(int), np.floor(ys).astype(int)
    fx, fy = xs - x0, ys - y0
    v = (
        cov[y0, x0] * (1 - fx) * (1 - fy)
        + cov[y0, x0 + 1] * fx * (1 - fy)
        + cov[y0 + 1, x0] * (1 - fx) * fy
        + cov[y0 + 1, x0 + 1] * fx * fy
    )
    return float(v.sum() * 0.25)


def _stroke_samples(shape: dict):
    """(point, unit normal) pairs along a drawn stroke's straight runs or arcs (a polygon: its outline)."""
    p = shape["params"]
    if shape["type"] == "circle":
        cx, cy = p["center"]
        for k in range(24):
            a = math.radians(p["start"] + p["sweep"] * (k + 0.5) / 24)
            if abs(p["sweep"]) * math.pi / 180 * p["radius"] < 20:
                return
            yield (cx + p["radius"] * math.cos(a), cy + p["radius"] * math.sin(a)), (math.cos(a), math.sin(a))
        return
    pts = np.asarray(
        [p["origin"], p["end"]] if shape["type"] == "ray" else p["points"] + (p["points"][:1] if shape["type"] == "polygon" else []),
        np.float64,
    )
    if len(pts) < 2:
        return
    seg = np.diff(pts, axis=0)
    lengths = np.linalg.norm(seg, axis=1)
    ends = np.cumsum(lengths)
    for at in np.arange(4.0, ends[-1] - 4.0, 3.0):  # every 3 px along the path, clear of its ends
        k = int(np.searchsorted(ends, at))
        if lengths[k] < 1e-6:
            continue
        d = seg[k] / lengths[k]
        yield tuple(pts[k] + d * (at - (ends[k] - lengths[k]))), (-d[1], d[0])


def _stroke_width(spec, frames, annotations, c):
    base = c.get("base", spec["background"])
    others = [o for o in c.get("others", ()) if list(o) not in (list(c["color"]), list(base))]
    cov = coverage(frames[-1], c["color"], base, others)
    foreign = [coverage(frames[-1], o, base, others + [c["color"]]) for o in others]
    reach = c["px"] + 3.0
    widths = []
    for s in annotations[-1]["shapes"]:
        if s["element"] not in c["elements"]:
            continue
        for pt, n in _stroke_samples(s):
            if any(_profile_width(f, pt, n, reach) > 0.5 for f in foreign):
                continue  # another mark crosses this cross-section
            widths.append(_profile_width(cov, pt, n, reach))
    widths = [v for v in widths if not math.isnan(v)]
    if len(widths) < 3:
        return [f"stroke width of {c['subject']}: fewer than 3 clear cross-sections to measure"]
    med = float(np.median(widths))
    if abs(med - c["px"]) > 0.75:
        return [f"stroke width of {c['subject']}: measured {med:.2f} px, caption says {c['px']} px"]
    return []


def _glyph_height(spec, frames, annotations, c):
    ann = find(annotations[c["frame"]], c["element"])
    if ann is None:
        return [f"glyph height of {c['subject']}: text not drawn at frame {c['frame']}"]
    box = ink_box(element_coverage(spec, frames, annotations, {**c, "box": ann["box"]}, c["frame"]))
    height = 0 if box is None else box[3] - box[1]
    if abs(height - c["px"]) > 1:
        return [f"glyph height of {c['subject']}: ink {height} px tall, caption says {c['px']} px"]
    return []


def _in_band(u: float, index) -> bool:
    if index is None:
        return True
    lo, hi = band_limits(index)
    return lo - REGION_TOLERANCE <= u <= hi + REGION_TOLERANCE


def _position_region(spec, frames, annotations, c):
    if c.get("element"):
        cov = element_coverage(
            spec, frames, annotations, {**c, "box": (find(annotations[c["frame"]], c["element"]) or {}).get("box")}, c["frame"]
        )
        box = ink_box(cov)
        if box is None:
            return [f"position of {c['subject']}: no ink at frame {c['frame']}"]
        x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    elif c.get("point_of"):
        element, key = c["point_of"]
        shape = find(annotations[c["frame"]], element, "shapes")
        if shape is None:
            return [f"position of {c['subject']}: {element} is not drawn at frame {c['frame']}"]
        x, y = shape["params"][key]
    else:
        x, y = c["point"]
    u, v = x / spec["width"], y / spec["height"]
    if not (_in_band(u, c["col"]) and _in_band(v, c["row"])):
        return [f"position of {c['subject']}: ink centre at ({x:.1f}, {y:.1f}) is outside the stated region"]
    return []


def changes(spec, frames, annotations, c) -> list[int]:
    """The frames during which the subject changes, measured on its ink. With ``grow_only`` (things
    being drawn): frames that add ink, i.e. at least _MIN_CHANGED pixels whose distance from the
    background grows by a quarter of the colour's and that the subject's colour owns (marks drawn over
    the subject do not count). Otherwise (moves): from the first frame that has moved away from the
    first frame to the frame from which all look like the last one (see below)."""
    if c.get("grow_only"):
        counts = _grown(spec, frames, annotations, c)
        return [i for i in range(1, len(frames)) if counts[i] >= _MIN_CHANGED]
    # only pixels clearly of the subject's colour count: thin strokes of another colour lose their
    # chroma in yuv420p video and may sit nearly as close to the subject's blend line
    covs = element_coverages(spec, frames, annotations, c, 2.0)
    # A move or reshape: how far each frame is from the first and from the last. It has begun at the
    # first frame 5% of the whole change away from the start, and ended at the frame from which every
    # frame is within 5% of the end state (a codec's I/P-frame differences stay below that share).
    away = [int((np.abs(cv - covs[0]) > 0.25).sum()) for cv in covs]
    left = [int((np.abs(cv - covs[-1]) > 0.25).sum()) for cv in covs]
    floor = max(_MIN_CHANGED, 0.05 * max(max(away), max(left)))
    begun = [i for i in range(1, len(frames)) if away[i] >= floor]
    if not begun:
        return []
    final = max([i + 1 for i in range(len(frames) - 1) if left[i] >= floor], default=begun[0])
    return list(range(begun[0], max(final, begun[0]) + 1))


def _grown(spec, frames, annotations, c) -> list[int]:
    """Per frame, how many pixels gain ink of the subject: whose distance from the background grows
    by a quarter of the colour's since the frame before and whose coverage by the subject's colour
    (margin 2: only pixels clearly of it; :func:`element_coverage`) exceeds a quarter. Only pixels
    that differ from the frame before can gain, so only those are measured (each pixel alone: the
    same numbers as measuring whole frames); frame 0 gains nothing."""
    base = np.asarray(c.get("base", spec["background"]), np.float32)
    scale = float(np.linalg.norm(np.asarray(c["color"], np.float32) - base))
    frames = frames if isinstance(frames, np.ndarray) else np.stack(frames)
    shape = frames.shape[1:3]
    # coverage is 0 outside the claim's region, so ink is compared there alone
    x0, y0, x1, y1 = claim_region(annotations, c, shape) or (0, 0, shape[1], shape[0])
    index, pixel = changed_pixels(frames)
    ys, xs = pixel // shape[1], pixel % shape[1]
    inside = (ys >= y0) & (ys < y1) & (xs >= x0) & (xs < x1)
    index, pixel, ys, xs = index[inside], pixel[inside], ys[inside], xs[inside]
    at = index * (shape[0] * shape[1]) + pixel
    flat = frames.reshape(-1, 3)
    now, before = flat.take(at, axis=0), flat.take(at - shape[0] * shape[1], axis=0)

    def ink(f):
        return np.clip(_length(f.astype(np.float32) - base) / scale, 0, 1)

    gains = (ink(now) - ink(before)) > 0.25
    gains[gains] = coverage(now[gains], c["color"], c.get("base", spec["background"]), c.get("others", ()), 2.0) > 0.25
    for i in np.flatnonzero(np.bincount(index[gains], minlength=len(frames))).tolist():  # the claim's own clearing of frame i
        keep = kept_mask(spec, annotations, c, i, shape)
        if keep is not None:
            at = index == i
            gains[at] &= keep[ys[at], xs[at]]
    return np.bincount(index[gains], minlength=len(frames)).tolist()


def _length(x: np.ndarray) -> np.ndarray:
    """Per-pixel length of float32 RGB vectors: ``np.linalg.norm(x, axis=-1)`` to the bit (the same
    float32 products summed in the same order), without a reduction over a 3-long axis."""
    return np.sqrt(_dot(x, x))


def _time_range(spec, frames, annotations, c):
    step, last = 1.0 / spec["fps"], (len(frames) - 1) / spec["fps"]
    if c["end"] > last + _EPS:
        return [f"{c['subject']}: caption time {c['end']} s is after the last frame ({last:.3f} s)"]
    active = changes(spec, frames, annotations, c)
    if not active:
        return [f"{c['subject']}: nothing changes, caption says it changes from {c['start']} s to {c['end']} s"]
    first, final = active[0] * step, active[-1] * step
    problems = []
    # a change that starts or ends slowly may stay under the pixel threshold for one more frame,
    # and a video codec may touch up still content one frame after it stops
    # counted in frames: from the first frame at or after the stated start (frames sample the timeline)
    shown_start = math.ceil(c["start"] / step - _EPS) * step
    if not (c["start"] - _EPS <= first <= max(shown_start + 2 * step, c.get("visible_from", 0.0) + step) + _EPS):
        problems.append(f"{c['subject']}: first change at {first:.3f} s, caption says {c['start']} s")
    if not (min(c["end"] - 2 * step, c.get("visible_until", c["end"]) - step) - _EPS <= final <= c["end"] + 2 * step + _EPS):
        problems.append(f"{c['subject']}: last change at {final:.3f} s, caption says {c['end']} s")
    return problems


def _first_ink(spec, frames, annotations, c):
    for i in range(len(frames)):
        if (element_coverage(spec, frames, annotations, c, i) > 0.5).sum() >= 2:
            t = i / spec["fps"]
            return [] if abs(t - c["time"]) <= _EPS + 1e-3 else [f"{c['subject']}: first ink at {t:.3f} s, caption says {c['time']} s"]
    return [f"{c['subject']}: never inked"]


def _order(spec, frames, annotations, c):
    spans = []
    for s in c["subjects"]:
        active = changes(spec, frames, annotations, {**s, "subject": c["subject"]})
        if active:
            spans.append((active[0], active[-1]))
    if len(spans) < 2:
        return [f"{c['subject']}: fewer than two animations measured"]
    spans.sort()
    overlap = any(b[0] <= a[1] for a, b in zip(spans, spans[1:]))
    if c["mode"] == "sequential" and overlap:
        return [f"{c['subject']}: caption says one after another, but animations overlap (frame spans {spans})"]
    if c["mode"] == "overlapping" and not overlap:
        return [f"{c['subject']}: caption says they overlap, but they run one after another (frame spans {spans})"]
    return []


def _typing(spec, frames, annotations, c):
    final = find(annotations[-1], c["element"])
    if final is None:
        return [f"{c['subject']}: text not drawn at the last frame"]
    previous, problems = 0, []
    for i, frame in enumerate(frames):
        cov = hide_cursors(coverage(frame, c["color"], c.get("base", spec["background"]), c.get("others", ())), annotations[i])
        count = 0
        for x0, y0, x1, y1 in final["char_boxes"]:
            inset = 1 if min(x1 - x0, y1 - y0) >= 6 else 0
            if (cov[int(y0) + inset : int(np.ceil(y1)) - inset, int(x0) + inset : int(np.ceil(x1)) - inset] > 0.5).any():
                count += 1
            else:
                break
        if count - previous > 1:
            problems.append(f"{c['subject']}: {count - previous} glyphs appear at once at frame {i}")
        previous = max(previous, count)
    return problems[:1]


def _centroids(spec, frames, annotations, c):
    first = centroid(coverage(frames[0], c["color"], c.get("base", spec["background"]), c.get("others", ())))
    last = centroid(coverage(frames[-1], c["color"], c.get("base", spec["background"]), c.get("others", ())))
    return first, last


def _motion(spec, frames, annotations, c):
    a, b = _centroids(spec, frames, annotations, c)
    if a is None or b is None:
        return [f"{c['subject']}: no ink to follow"]
    d = b - a
    dist = float(np.linalg.norm(d))
    problems = []
    if abs(dist - c["distance"]) > max(3.0, 0.15 * c["distance"]):
        problems.append(f"{c['subject']}: ink moved {dist:.1f} px, caption says about {c['distance']} px")
    if c.get("horizontal") and (d[0] > 0) != (c["horizontal"] == "right"):
        problems.append(f"{c['subject']}: ink moved {'right' if d[0] > 0 else 'left'}, caption says {c['horizontal']}")
    if c.get("vertical") and (d[1] > 0) != (c["vertical"] == "down"):
        problems.append(f"{c['subject']}: ink moved {'down' if d[1] > 0 else 'up'}, caption says {c['vertical']}")
    return problems


def _in_place(spec, frames, annotations, c):
    a, b = _centroids(spec, frames, annotations, c)
    if a is None or b is None:
        return [f"{c['subject']}: no ink to follow"]
    limit = 3.0 + 0.04 * min(spec["width"], spec["height"])
    dist = float(np.linalg.norm(b - a))
    return [f"{c['subject']}: said to stay in place, but its ink moved {dist:.1f} px"] if dist > limit else []


def _scale(spec, frames, annotations, c):
    base = c.get("base", spec["background"])
    r0 = gyration(coverage(frames[0], c["color"], base, c.get("others", ())))
    r1 = gyration(coverage(frames[-1], c["color"], base, c.get("others", ())))
    ratio = r1 / max(r0, _EPS)
    if abs(ratio / c["ratio"] - 1) > 0.10:
        return [f"{c['subject']}: size changed by {ratio:.3f}x, caption says {c['ratio']}x"]
    return []


def _value_sequence(spec, frames, annotations, c):
    """Read the display off every frame's pixels (seven-segment reader) and list the distinct values in order."""
    from ..families.seven_segment import read_display

    seen = []
    for frame, ann in zip(frames, annotations):
        shape = find(ann, c["element"], "shapes")
        value = read_display(frame, shape["params"]["digits"], c["color"], c["off"]).strip() if shape else ""
        if not seen or seen[-1] != value:
            seen.append(value)
    return [] if seen == c["values"] else [f"{c['subject']}: frames show {seen}, caption says {c['values']}"]


def _clock_time(spec, frames, annotations, c):
    """Hands read off the frame must show the stated time (within the reader's 3 degrees plus half the
    stated unit: 3 degrees of the minute hand for h:mm, of the second hand for h:mm:ss)."""
    from ..families.clock import hand_angles, read_hands

    got = read_hands(spec, frames[c["frame"]])
    want = hand_angles(c["seconds"])
    for name, angle in got.items():
        limit = 3.0 + (3.0 if name == c["unit_hand"] else 0.25)
        if angle is None or abs((angle - want[name] + 180) % 360 - 180) > limit:
            return [
                f"{c['subject']}: {name} hand reads {angle if angle is None else round(angle, 1)} deg, {c['text']} needs {want[name]:.1f} deg"
            ]
    return []


VERIFIERS = {
    "quoted_text": _quoted_text, "label": _label, "formula": _formula, "stroke_width": _stroke_width,
    "glyph_height": _glyph_height, "position_region": _position_region, "time_range": _time_range,
    "first_ink": _first_ink, "order": _order, "typing": _typing, "motion": _motion, "in_place": _in_place,
    "scale": _scale, "value_sequence": _value_sequence, "clock_time": _clock_time, "colour": colour, "rotation": rotation,
    "line_pattern": line_pattern, "pace": pace,
}  # fmt: skip
VERIFIERS.update(figures.VERIFIERS)


def verify_claims(spec: dict, frames: np.ndarray, annotations: list[dict], claims: list[dict]) -> list[str]:
    """Every claim the frames and annotations do not bear out, one line each (empty when all hold)."""
    problems = []
    for c in claims:
        problems += VERIFIERS[c["kind"]](spec, frames, annotations, c)
    return problems
