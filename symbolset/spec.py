"""The scene spec: plain JSON data from which every pixel, caption and annotation is derived.

A spec is a ``dict``::

    {"version": 1, "family": "clock", "width": 256, "height": 256, "fps": 8.0,
     "num_frames": 16, "background": [255, 255, 255],
     "elements": [{"id": "face", "type": "circle", ...}, ...],
     "meta": {...}}            # the family's symbolic description (free JSON)

Any element property may be *animated*: instead of a value it holds a track
``{"keys": [[t0, v0], [t1, v1], ...], "ease": "linear" | "in_out" | "step"}`` with times
in seconds. Numbers and lists of numbers interpolate; strings (and any track with
``"ease": "step"``) hold each key's value until the next key. Integer-valued properties
(``visible``) are floored after interpolation.
Elements are drawn in list order (later ones on top).
"""

from __future__ import annotations

import json
import math
from typing import Any

from .errors import SpecError

SPEC_VERSION = 1
EASINGS = ("linear", "in_out", "step")
ANCHORS = ("left", "center")

# Element schemas: field -> (kind, required, animatable). Kinds are checked by _check_value.
_COMMON = {"id": ("str", True, False), "type": ("str", True, False), "opacity": ("unit", False, True)}
ELEMENT_FIELDS: dict[str, dict[str, tuple[str, bool, bool]]] = {
    "text": {
        "text": ("str", True, False),
        "font": ("str", True, False),
        "size": ("pos", True, False),
        "color": ("rgb", True, False),
        "position": ("xy", True, True),
        "anchor": ("anchor", False, False),
        "rotation": ("num", False, True),
        "scale": ("pos", False, True),
        "visible": ("count", False, True),
        "cursor": ("cursor", False, False),
    },
    "polyline": {
        "points": ("points", True, True),
        "color": ("rgb", True, False),
        "width": ("width", True, False),
        "closed": ("bool", False, False),
        "progress": ("unit", False, True),
    },
    "circle": {
        "center": ("xy", True, True),
        "radius": ("pos", True, True),
        "color": ("rgb", True, False),
        "width": ("width", False, False),
        "fill": ("rgb?", False, False),
        "start": ("num", False, False),
        "sweep": ("num", False, True),
    },
    "polygon": {
        "points": ("points", True, True),
        "fill": ("rgb", True, False),
    },
    "ray": {
        "origin": ("xy", True, True),
        "length": ("pos", True, True),
        "angle": ("num", True, True),
        "color": ("rgb", True, False),
        "width": ("width", True, False),
    },
    "seven_segment": {
        "position": ("xy", True, True),
        "digit_height": ("pos", True, False),
        "text": ("segtext", True, True),
        "color": ("rgb", True, False),
        "off_color": ("rgb?", False, False),
    },
    "lane_line": {
        "vanishing_point": ("xy", True, False),
        "bottom_x": ("num", True, False),
        "bottom_width": ("width", True, False),
        "color": ("rgb", True, False),
        "dash": ("dash?", False, False),
        "offset": ("num", False, True),
    },
}
SEGMENT_CHARS = set("0123456789-: .")


def is_track(value: Any) -> bool:
    """True when ``value`` is an animation track rather than a constant."""
    return isinstance(value, dict) and "keys" in value


def _ease(u: float, ease: str) -> float:
    if ease == "in_out":
        return u * u * (3.0 - 2.0 * u)
    return u


def value_at(value: Any, t: float) -> Any:
    """The value of a (possibly animated) property at time ``t`` seconds."""
    if not is_track(value):
        return value
    keys = value["keys"]
    ease = value.get("ease", "linear")
    if t <= keys[0][0]:
        return keys[0][1]
    for (t0, v0), (t1, v1) in zip(keys, keys[1:]):
        if t < t1:
            if ease == "step" or isinstance(v0, str):
                return v0
            u = _ease((t - t0) / (t1 - t0), ease)
            return _lerp(v0, v1, u)
    return keys[-1][1]


def _lerp(a: Any, b: Any, u: float) -> Any:
    if isinstance(a, list):
        return [_lerp(x, y, u) for x, y in zip(a, b)]
    return a + (b - a) * u


def frame_time(spec: dict, index: int) -> float:
    """Time in seconds of frame ``index``."""
    return index / float(spec["fps"])


def duration(spec: dict) -> float:
    """Clip length in seconds."""
    return spec["num_frames"] / float(spec["fps"])


# ---------------------------------------------------------------- validation


def _fail(where: str, problem: str) -> None:
    raise SpecError(f"{where}: {problem}")


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _check_value(kind: str, v: Any, where: str) -> None:
    if kind == "str":
        ok = isinstance(v, str) and v != ""
        want = "a non-empty string"
    elif kind == "num":
        ok, want = _is_num(v), "a finite number"
    elif kind == "pos":
        ok, want = _is_num(v) and v > 0, "a positive number"
    elif kind == "width":
        ok, want = isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 512, "an integer width 1..512"
    elif kind == "unit":
        ok, want = _is_num(v) and 0 <= v <= 1, "a number in [0, 1]"
    elif kind == "count":
        ok, want = isinstance(v, int) and not isinstance(v, bool) and v >= 0, "a non-negative integer"
    elif kind == "bool":
        ok, want = isinstance(v, bool), "true or false"
    elif kind == "anchor":
        ok, want = v in ANCHORS, f"one of {', '.join(ANCHORS)}"
    elif kind in ("rgb", "rgb?"):
        ok = (v is None and kind == "rgb?") or (
            isinstance(v, list) and len(v) == 3 and all(isinstance(c, int) and 0 <= c <= 255 for c in v)
        )
        want = "an [r, g, b] list of integers 0..255" + (" or null" if kind == "rgb?" else "")
    elif kind == "xy":
        ok, want = isinstance(v, list) and len(v) == 2 and all(_is_num(c) for c in v), "an [x, y] pair of numbers"
    elif kind == "points":
        ok = isinstance(v, list) and len(v) >= 2 and all(
            isinstance(p, list) and len(p) == 2 and all(_is_num(c) for c in p) for p in v
        )
        want = "a list of at least two [x, y] points"
    elif kind == "segtext":
        ok = isinstance(v, str) and v != "" and set(v) <= SEGMENT_CHARS
        want = "a string of 7-segment characters (digits, '-', ':', '.', ' ')"
    elif kind == "cursor":
        ok = v is None or (isinstance(v, dict) and set(v) <= {"color", "blink"})
        want = 'null or {"color": [r, g, b], "blink": seconds}'
        if ok and isinstance(v, dict):
            _check_value("rgb", v.get("color"), where + ".color")
            if "blink" in v:
                _check_value("pos", v["blink"], where + ".blink")
    elif kind == "dash?":
        ok = v is None or (isinstance(v, list) and len(v) == 2 and all(_is_num(c) and c > 0 for c in v))
        want = "null or [dash_length, gap_length] (positive numbers)"
    else:  # pragma: no cover - schema typo
        raise AssertionError(kind)
    if not ok:
        _fail(where, f"expected {want}, got {json.dumps(v)[:60]}")


def _check_track(kind: str, track: dict, where: str, duration_s: float) -> None:
    if set(track) - {"keys", "ease"}:
        _fail(where, f"unknown track field(s) {sorted(set(track) - {'keys', 'ease'})}")
    if track.get("ease", "linear") not in EASINGS:
        _fail(where + ".ease", f"expected one of {', '.join(EASINGS)}, got {json.dumps(track.get('ease'))}")
    keys = track["keys"]
    if not isinstance(keys, list) or not keys:
        _fail(where + ".keys", "expected a non-empty list of [time, value] pairs")
    last = -math.inf
    for i, key in enumerate(keys):
        if not (isinstance(key, list) and len(key) == 2 and _is_num(key[0])):
            _fail(f"{where}.keys[{i}]", "expected a [time, value] pair")
        if key[0] <= last:
            _fail(f"{where}.keys[{i}]", "key times must increase strictly")
        if key[0] < 0 or key[0] > duration_s + 1e-9:
            _fail(f"{where}.keys[{i}]", f"time {key[0]} is outside the clip [0, {duration_s:g}] s")
        last = key[0]
        _check_value(kind, key[1], f"{where}.keys[{i}][1]")


def validate(spec: Any) -> dict:
    """Check a spec and return it; raise :class:`SpecError` naming the first bad field."""
    if not isinstance(spec, dict):
        _fail("spec", "expected a JSON object")
    known = {"version", "family", "width", "height", "fps", "num_frames", "background", "elements", "meta", "stage"}
    for field in ("version", "width", "height", "fps", "num_frames", "elements"):
        if field not in spec:
            _fail(field, "missing")
    if set(spec) - known:
        _fail(sorted(set(spec) - known)[0], "unknown field")
    if spec["version"] != SPEC_VERSION:
        _fail("version", f"unsupported spec version {json.dumps(spec['version'])} (this release reads {SPEC_VERSION})")
    for field in ("width", "height"):
        v = spec[field]
        if not (isinstance(v, int) and not isinstance(v, bool) and 16 <= v <= 4096 and v % 2 == 0):
            _fail(field, f"expected an even integer 16..4096, got {json.dumps(v)}")
    _check_value("pos", spec["fps"], "fps")
    n = spec["num_frames"]
    if not (isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 10000):
        _fail("num_frames", f"expected an integer 1..10000, got {json.dumps(n)}")
    _check_value("rgb", spec.get("background", [255, 255, 255]), "background")
    if "family" in spec:
        _check_value("str", spec["family"], "family")
    if not isinstance(spec.get("meta", {}), dict):
        _fail("meta", "expected a JSON object")
    if not isinstance(spec["elements"], list):
        _fail("elements", "expected a list")
    dur = duration(spec)
    ids = set()
    for i, el in enumerate(spec["elements"]):
        where = f"elements[{i}]"
        if not isinstance(el, dict):
            _fail(where, "expected a JSON object")
        etype = el.get("type")
        if etype not in ELEMENT_FIELDS:
            _fail(where + ".type", f"expected one of {', '.join(ELEMENT_FIELDS)}, got {json.dumps(etype)}")
        fields = {**_COMMON, **ELEMENT_FIELDS[etype]}
        for name in el:
            if name not in fields:
                _fail(f"{where}.{name}", f"unknown field for a {etype} element")
        for name, (kind, required, animatable) in fields.items():
            if name not in el:
                if required:
                    _fail(f"{where}.{name}", "missing")
                continue
            v = el[name]
            if is_track(v):
                if not animatable:
                    _fail(f"{where}.{name}", "cannot be animated")
                _check_track(kind, v, f"{where}.{name}", dur)
            else:
                _check_value(kind, v, f"{where}.{name}")
        if el["id"] in ids:
            _fail(f"{where}.id", f"duplicate element id {json.dumps(el['id'])}")
        ids.add(el["id"])
        if etype == "text":
            _check_text(el, where)
    if "stage" in spec:  # the real style's 3D stage (stage.py sits beside spec)
        from .stage import check

        check(spec)
    return spec


def _check_text(el: dict, where: str) -> None:
    from .fonts import check_coverage  # fonts sit beside spec at the ground floor

    check_coverage(el["font"], el["text"], where)
    vis = el.get("visible")
    if vis is not None:
        values = [k[1] for k in vis["keys"]] if is_track(vis) else [vis]
        if max(values) > len(el["text"]):
            _fail(f"{where}.visible", f"shows more characters than the text has ({len(el['text'])})")


# ---------------------------------------------------------------- JSON


def to_json(spec: dict) -> str:
    """Canonical JSON text of a spec (sorted keys, no spaces): equal specs give equal strings."""
    return json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def from_json(text: str | bytes, source: str = "spec") -> dict:
    """Parse and validate a spec; errors name ``source`` and the field."""
    try:
        spec = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SpecError(f"{source}: not valid JSON ({exc})") from None
    try:
        return validate(spec)
    except SpecError as exc:
        raise SpecError(f"{source}: {exc}") from None


def elements_of(spec: dict, etype: str) -> list[dict]:
    """The spec's elements of one type, in drawing order."""
    return [el for el in spec["elements"] if el["type"] == etype]
