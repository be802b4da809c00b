"""Test-only helpers: legitimate re-renders and wrong-content versions of a tiny/ spec, made with
the generator itself (spec -> spec, then ``render_clip`` and ``codec.encode``).

Kept in tests/ on purpose: ``symbolset/bench/variants.py`` (the validation work) is the shipped
home of such transformations; these few exist so the metric tests do not depend on it.
"""

from __future__ import annotations

import copy

from symbolset import codec, fonts
from symbolset.render import render_clip
from symbolset.spec import duration, is_track, validate, value_at

_POINT_FIELDS = {"position", "center", "origin", "vanishing_point"}
_SIZE_FIELDS = {"size", "radius", "length", "digit_height"}
_INT_FIELDS = {"width", "bottom_width"}


def _map(value, fn):
    if is_track(value):
        return {**value, "keys": [[t, fn(v)] for t, v in value["keys"]]}
    return fn(value)


def moved(spec: dict, dx: float, dy: float, scale: float) -> dict:
    """Every element scaled by ``scale`` about the frame's centre, then moved by (dx, dy) px;
    polygon corners on the frame's edge (backdrops: ground, road) stay on it."""
    out = copy.deepcopy(spec)
    w, h = spec["width"], spec["height"]

    def pt(p):
        return [(p[0] - w / 2) * scale + w / 2 + dx, (p[1] - h / 2) * scale + h / 2 + dy]

    def corner(p):
        x, y = pt(p)
        x = 0.0 if p[0] <= 0 else float(w) if p[0] >= w else x
        y = 0.0 if p[1] <= 0 else float(h) if p[1] >= h else y
        return [x, y]

    for el in out["elements"]:
        if el["type"] == "lane_line":  # the line through the moved vanishing point and bottom crossing, cut at the bottom
            (vx, vy), (bx, by) = pt(el["vanishing_point"]), pt([el["bottom_x"], h])
            el["bottom_x"] = vx + (bx - vx) * (h - vy) / (by - vy)
        for key in list(el):
            if key in _POINT_FIELDS:
                el[key] = _map(el[key], pt)
            elif key in _SIZE_FIELDS:
                el[key] = _map(el[key], lambda v: v * scale)
            elif key in _INT_FIELDS:
                el[key] = _map(el[key], lambda v: max(1, int(round(v * scale))))
            elif key == "points":
                el[key] = _map(el[key], lambda ps, t=el["type"]: [corner(p) if t == "polygon" else pt(p) for p in ps])
    return validate(out)


def refonted(spec: dict) -> dict:
    """Every text element in another registered font that covers its text."""
    out = copy.deepcopy(spec)
    for el in out["elements"]:
        if el["type"] != "text":
            continue
        others = [f for f in fonts.FONT_IDS if f != el["font"] and not fonts.missing_chars(f, el["text"])]
        # prefer a different family (not just the same design in another region's cut)
        others.sort(key=lambda f: (f.split("-")[0] == el["font"].split("-")[0], f))
        el["font"] = others[0]
    return validate(out)


def retimed(spec: dict, factor: float, num_frames: int | None = None) -> dict:
    """Every animation key's time multiplied by ``factor`` (events run slower for > 1), values past
    the clip's end cut at the end; optionally another frame count over the same duration."""
    out = copy.deepcopy(spec)
    end = duration(spec)
    for el in out["elements"]:
        for key, value in el.items():
            if not is_track(value):
                continue
            keys = [[t * factor, v] for t, v in value["keys"]]
            kept = [k for k in keys if k[0] <= end]
            if len(kept) < len(keys):
                kept.append([end, value_at({**value, "keys": keys}, end)])
            el[key] = {**value, "keys": kept}
    if num_frames:
        out["fps"] = num_frames / end
        out["num_frames"] = num_frames
    return validate(out)


def video(spec: dict):
    """The spec rendered and passed through H.264, as a model's video file would be."""
    return codec.decode(codec.encode(render_clip(spec)[0], spec["fps"]))


def lane_swapped(spec: dict) -> dict:
    """One symbol wrong: the leftmost lane line solid where it was dashed, or dashed where solid."""
    out = copy.deepcopy(spec)
    lane = min((el for el in out["elements"] if el["type"] == "lane_line"), key=lambda el: el["bottom_x"])
    if lane.get("dash") is None:
        lane["dash"] = [0.76, 0.95]
    else:
        lane.pop("dash")
        lane.pop("offset", None)
    return validate(out)


def chart_value_changed(spec: dict, index: int, value: int) -> dict:
    """One symbol wrong: the chart's ``index``-th value drawn as ``value`` (:func:`symbolset.bench.variants.chart_value`)."""
    from symbolset.bench.variants import chart_value

    return validate(chart_value(spec, index, value))
