"""Checking a scene template's clip on its own pixels (the rules every template obeys, and its own)."""

from __future__ import annotations

import math

import numpy as np

from ..spec import frame_time, value_at
from .ink import ink_mask


def verify(spec: dict, frames: np.ndarray, annotations: list[dict]) -> list[str]:
    """Check a scene on its own pixels.

    - every text element visible in a frame has ink of its colour inside its annotated box, and
      the annotation's string is the element's text at that time;
    - every 7-segment display reads back, segment by segment, the value its track holds then;
    - every annotated box lies on the canvas;
    - each ``verify`` rule of the template: ``value_sequence`` (a display shows exactly these values,
      in this order, over the clip) or ``text_sequence`` (the same for a text element).
    """
    from . import seven_segment

    problems: list[str] = []
    w, h = spec["width"], spec["height"]
    by_id = {el["id"]: el for el in spec["elements"]}
    shown: dict[str, list[str]] = {}
    for i, (frame, ann) in enumerate(zip(frames, annotations)):
        t = frame_time(spec, i)  # exact: the annotation's time is rounded to the millisecond
        for text in ann["texts"]:
            x0, y0, x1, y1 = text["box"]
            if x0 < -0.5 or y0 < -0.5 or x1 > w + 0.5 or y1 > h + 0.5:
                problems.append(f"frame {i}: {text['element']!r} box {text['box']} leaves the {w}x{h} canvas")
            el = by_id.get(text["element"])
            if el is None or el["type"] != "text":
                continue  # 7-segment displays are read segment by segment below
            want = str(value_at(el["text"], t))
            if not want.startswith(text["string"]):  # typing shows a prefix
                problems.append(f"frame {i}: text {text['element']!r} annotated {text['string']!r}, the spec holds {want!r}")
            if text["string"].strip():
                shown.setdefault(text["element"], []).append(text["string"])
                if min(x1 - x0, y1 - y0) < 3:  # a sliver at the canvas edge holds only anti-aliased ink
                    continue
                xa, ya, xb, yb = (max(0, math.floor(x0)), max(0, math.floor(y0)), min(w, math.ceil(x1)), min(h, math.ceil(y1)))
                region = frame[ya:yb, xa:xb]
                if region.size and not ink_mask(region, _behind(spec, el, t)).any():
                    problems.append(f"frame {i}: no ink of text {text['element']!r} inside its box {text['box']}")
        for shape in ann["shapes"]:
            el = by_id.get(shape["element"])
            if el is None or el["type"] != "seven_segment":
                continue
            for d in shape["params"]["digits"]:
                x0, y0, x1, y1 = d["cell"]
                if x0 < -0.5 or y0 < -0.5 or x1 > w + 0.5 or y1 > h + 0.5:
                    problems.append(f"frame {i}: display {shape['element']!r} digit cell {d['cell']} leaves the {w}x{h} canvas")
            off = el.get("off_color") or _behind(spec, el, t)
            got = seven_segment.read_display(frame, shape["params"]["digits"], el["color"], off)
            want = str(value_at(el["text"], t))
            shown.setdefault(shape["element"], []).append(got)
            if got != want:
                problems.append(f"frame {i}: display {shape['element']!r} reads {got!r}, expected {want!r} at {t:.3f} s")
    for rule in spec["meta"].get("verify", []):
        seq = [s for k, s in enumerate(shown.get(rule["element"], [])) if k == 0 or s != shown[rule["element"]][k - 1]]
        want = [str(v) for v in rule["values"]]
        if seq != want:
            problems.append(f"rule {rule['rule']} on {rule['element']!r}: the frames show {seq}, the template promises {want}")
    return problems


def _behind(spec: dict, el: dict, t: float) -> list:
    """The colour under an element: the fill of the last polygon drawn before it that contains its
    anchor, else the background (good enough for the flat panels templates draw)."""
    import cv2

    anchor = el.get("position")
    anchor = value_at(anchor, t) if anchor is not None else None
    colour = spec["background"]
    for other in spec["elements"]:
        if other is el:
            break
        if other["type"] == "polygon" and anchor is not None:
            pts = np.asarray(value_at(other["points"], t), np.float32)
            if cv2.pointPolygonTest(pts, (float(anchor[0]), float(anchor[1])), False) >= 0:
                colour = other["fill"]
    return colour
