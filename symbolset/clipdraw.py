"""How :func:`render.render_clip` draws a clip's frames with less work than drawing each from scratch,
giving the same bytes: the leading elements that never change are drawn once; a frame whose states
equal the last frame's is copied; a frame starts from a kept canvas of the leading elements it
shares with the last frame drawn; and when the elements that changed may only change pixels inside
a rectangle (their *extents*, old and new), the rest of the frame is the last frame's and only the
elements that reach into that rectangle are drawn again. Every drawer changes a pixel from that
pixel alone (OpenCV's anti-aliased fills and lines, text coverage blending), which is what makes
drawing a region on its own exact.
"""

from __future__ import annotations

import math

import numpy as np

from . import render
from .spec import frame_time


def draw_clip(spec: dict) -> tuple[np.ndarray, list[dict]]:
    """The flat frames of a spec and every frame's annotations (what :func:`render.render_clip` gives before
    composite parts and the stage), each frame drawn from what it shares with the one before."""
    frames = np.empty((spec["num_frames"], spec["height"], spec["width"], 3), np.uint8)
    static = render._static_prefix(spec)
    if static:
        base, base_ann = render._draw(spec, render.element_states(spec, 0.0)[:static], 0, 0.0)
    else:
        base, base_ann = render._background(spec["height"], spec["width"], tuple(spec.get("background", (255, 255, 255)))), None
    moving = render._evaluator(spec["elements"][static:])  # the static prefix is drawn once, never re-evaluated
    times = [frame_time(spec, i) for i in range(spec["num_frames"])]
    states = [moving(t) for t in times]
    count = len(states[0]) if states else 0
    shared = [0] + [_shared(a, b) for a, b in zip(states, states[1:])]  # leading states equal to the previous frame's
    keep = _keep_depths(shared, count)
    layers = [(0, base)]  # (k, canvas with the first k moving elements of the last drawn frame), k increasing
    entries: list = [((), ())] * count  # per moving element: the texts and shapes it annotated last
    drawn: list = [None] * count  # per moving element: its last drawn state and that state's text annotations
    extents: dict[int, tuple | None] = {}  # their _extent, found when first asked for

    def extent(k: int) -> tuple | None:
        if k not in extents:
            extents[k] = _extent(*drawn[k])
        return extents[k]

    scratch = probe = None
    annotations: list[dict] = []
    for i, t in enumerate(times):
        if i and shared[i] == count:  # every state as in the previous frame: the same frame
            frames[i] = frames[i - 1]
            annotations.append({**annotations[-1], "frame": i, "time": round(t, 6)})
            continue
        while layers[-1][0] > shared[i]:
            layers.pop()
        depth = layers[-1][0]
        # a still element's state is one dict at every time, which != would walk key by key
        changed = {k for k in range(shared[i], count) if not i or (states[i][k] is not states[i - 1][k] and states[i][k] != states[i - 1][k])}
        ahead: dict[int, tuple | None] = {}  # the changed elements' new extents, when _damage finds them
        region = None
        if i and len(changed) < count - depth:  # some element would not need drawing if the change stays clear of it
            if probe is None:
                probe = np.empty_like(frames[0])
            region = _damage(changed, extent, states[i], t, probe, ahead)
        if region is not None and all(k in changed or _meets(extent(k), region) for k in range(depth, count)):
            region = None  # every element is drawn anyway
        if region is None:  # the whole frame, drawn in place: frames[i] is a C-contiguous view
            canvas = frames[i]
            canvas[:] = layers[-1][1]
        else:  # only the region changes: the other pixels are the last frame's. Drawing is per pixel, so
            # the region's pixels are right on a scratch canvas whose other pixels are not
            scratch = canvas = np.empty_like(frames[i]) if scratch is None else scratch
            x0, y0, x1, y1 = region
            frames[i] = frames[i - 1]
            canvas[y0:y1, x0:x1] = layers[-1][1][y0:y1, x0:x1]
        for k in range(depth, count):
            if k == keep[i] and k > depth and region is None:  # the next frame drawn starts here
                layers.append((k, canvas.copy()))
            fresh = k in changed
            if region is not None and not fresh and not _meets(extent(k), region):
                continue  # an unchanged element that changes no pixel of the region
            ann: dict = {"texts": [], "shapes": []}
            render._draw_one(canvas, states[i][k], t, ann)
            if fresh:
                entries[k] = (ann["texts"], ann["shapes"])  # else the last frame's: equal, and serialised once
                drawn[k] = (states[i][k], ann["texts"])
                if k in ahead:  # found before drawing
                    extents[k] = ahead[k]
                else:
                    extents.pop(k, None)
        if region is not None:
            x0, y0, x1, y1 = region
            frames[i, y0:y1, x0:x1] = canvas[y0:y1, x0:x1]
        texts = [e for ts, _ in entries for e in ts]
        shapes = [e for _, ss in entries for e in ss]
        if static:
            texts, shapes = base_ann["texts"] + texts, base_ann["shapes"] + shapes
        annotations.append({"frame": i, "time": round(t, 6), "texts": texts, "shapes": shapes})
    return frames, annotations


def _damage(changed: set[int], extent, states: list[dict], t: float, probe: np.ndarray, ahead: dict) -> tuple | None:
    """The rectangle ``(x0, y0, x1, y1)`` outside which a frame equals the previous one: every pixel
    that a changed element may change in its last state (``extent(k)``) and its new one (put in
    ``ahead``). None when that is not known, or too large to pay: then the frame is drawn whole.
    A changed text's extent is its ink, so it is drawn first onto ``probe`` (a scratch canvas) for
    its annotation, which is the same whatever the canvas holds."""
    if any(states[k]["type"] == "lane_line" for k in changed):
        return None
    for k in changed:
        texts = None
        if states[k]["type"] == "text" and float(states[k].get("opacity", 1.0)) >= 1 and not states[k].get("cursor"):
            ann: dict = {"texts": [], "shapes": []}
            render._draw_one(probe, states[k], t, ann)
            texts = ann["texts"]
        ahead[k] = _extent(states[k], texts)
    new = list(ahead.values())
    if None in new:
        return None
    height, width = probe.shape[:2]
    x0, y0, x1, y1 = width, height, 0, 0
    for e in new + [extent(k) for k in changed]:
        if e is None:
            return None
        if e:
            x0, y0, x1, y1 = min(x0, e[0]), min(y0, e[1]), max(x1, e[2]), max(y1, e[3])
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, width), min(y1, height)
    if x1 <= x0 or y1 <= y0:
        return 0, 0, 0, 0
    return (x0, y0, x1, y1) if (x1 - x0) * (y1 - y0) <= 0.5 * width * height else None


def _meets(extent: tuple | None, region: tuple) -> bool:
    """Whether an element's extent (:func:`_extent`) may reach into ``region``."""
    if extent is None:
        return True
    return bool(extent) and extent[0] < region[2] and region[0] < extent[2] and extent[1] < region[3] and region[1] < extent[3]


_REACH = 3  # px beyond a shape's geometry that anti-aliasing (and round line caps) may ink, with room to spare


def _extent(p: dict, texts: list | None) -> tuple | None:
    """A whole-pixel rectangle ``(x0, y0, x1, y1)`` holding every pixel that drawing state ``p`` may
    change, whatever is under it; ``()`` when it draws nothing; None when not known (a partly
    transparent state, which blends the whole canvas; a lane line; a text before it is drawn, or one
    with a cursor). ``texts``: the state's text annotations once drawn (their boxes hold every pixel
    of non-zero coverage, which are the only pixels a text changes)."""
    opacity = float(p.get("opacity", 1.0))
    if opacity <= 0:
        return ()
    if opacity < 1:
        return None
    kind = p["type"]
    if kind == "text":
        if texts is None or p.get("cursor"):
            return None
        if not texts:
            return ()
        x0, y0, x1, y1 = zip(*(tx["box"] for tx in texts))
        lo, hi, pad = [min(x0), min(y0)], [max(x1), max(y1)], 1.0
    elif kind in ("polyline", "polygon"):
        xs, ys = zip(*p["points"])
        lo, hi = [min(xs), min(ys)], [max(xs), max(ys)]
        pad = (int(p["width"]) / 2 if kind == "polyline" else 0) + _REACH
    elif kind == "circle":
        (cx, cy), r = p["center"], float(p["radius"])
        lo, hi, pad = [cx, cy], [cx, cy], r + int(p.get("width", 2)) / 2 + _REACH
    elif kind == "ray":
        end = render.ray_end(p["origin"], float(p["length"]), float(p["angle"]))
        lo, hi = [min(p["origin"][0], end[0]), min(p["origin"][1], end[1])], [max(p["origin"][0], end[0]), max(p["origin"][1], end[1])]
        pad = int(p["width"]) / 2 + _REACH
    elif kind == "seven_segment":  # cells advance at most 0.75 h, a dot reaches 0.065 h left of its place
        (x, y), h = p["position"], float(p["digit_height"])
        lo, hi, pad = [x - 0.1 * h, y], [x + 0.75 * h * len(p["text"]), y + h], _REACH
    else:
        return None
    return (math.floor(lo[0] - pad), math.floor(lo[1] - pad), math.ceil(hi[0] + pad), math.ceil(hi[1] + pad))


def _shared(states: list[dict], previous: list[dict]) -> int:
    """How many leading element states equal the previous frame's."""
    for k, (a, b) in enumerate(zip(states, previous)):
        if a is not b and a != b:  # a still element's state is the same dict (dicts compare no identity first)
            return k
    return len(states)


def _keep_depths(shared: list[int], count: int) -> list[int]:
    """Per frame, how many leading moving elements the next frame that is drawn (not copied) shares
    with it: the depth of the canvas worth keeping while drawing it (0: none)."""
    keep, following = [0] * len(shared), 0
    for i in range(len(shared) - 1, -1, -1):
        keep[i] = following
        if shared[i] < count:
            following = shared[i]
    return keep
