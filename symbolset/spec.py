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

Every spec that validates renders in bounded time and memory: :data:`LIMITS` caps the canvas
(width x height x num_frames), the element, point, track-key and character counts, the work of a
clip (num_frames x items), font sizes, lengths, coordinates and the nesting depth, and a value
outside its cap is a :class:`SpecError` naming the field.

The element types and their fields are declared once in :mod:`symbolset.elements` (re-exported
here: ``spec.ELEMENT_FIELDS``, ``spec.PIXEL_FIELDS``, ``spec.element`` keep working).
"""

from __future__ import annotations

import functools
import json
import math
from itertools import chain
from typing import Any

from .elements import _COMMON, ELEMENT_FIELDS, INT_PIXEL_FIELDS, PIXEL_FIELDS, PIXEL_KINDS, SEGMENT_CHARS, element  # noqa: F401 (re-exported)
from .errors import SpecError

SPEC_VERSION = 1
# Caps that keep rendering bounded (README "Bad input" states them). Tiny's largest spec uses
# 128x128x12, 33 elements, 9 keys, 52 points, 21 characters at 17 px, depth 8.
LIMITS = {
    "pixel_frames": 2**30,  # width x height x num_frames: 3 GiB of RGB frames (1920x1080 x 517 frames)
    "elements": 1000,
    "points": 4096,  # per point list
    "track_keys": 1000,  # per track
    "work": 2_000_000,  # num_frames x items (elements, points, track keys, characters): bounds the frame loop
    "text_chars": 1000,  # per string
    "text_extent": 16384,  # px: the laid-out width of a text at its font size
    "font_size": 1024,  # px
    "reach": 4,  # coordinates, radii, lengths, digit heights: within 4 x the canvas's longer side
    "number": 1_000_000,  # any other number (angles in degrees, lane offsets, blink periods)
    "scale": 1024,  # text scale in [1/1024, 1024]
    "fps": 1000,
    "depth": 32,  # nesting of lists and objects, ``meta`` included
}
EASINGS = ("linear", "in_out", "step")
ANCHORS = ("left", "center")


def is_track(value: Any) -> bool:
    """True when ``value`` is an animation track rather than a constant."""
    return isinstance(value, dict) and "keys" in value


def value_at(value: Any, t: float) -> Any:
    """The value of a (possibly animated) property at time ``t`` seconds."""
    if not isinstance(value, dict) or "keys" not in value:
        return value
    keys = value["keys"]
    if t <= keys[0][0]:
        return keys[0][1]
    # a loop over indexes, not zip(keys, keys[1:]): the renderer and the claims call this for every
    # animated field of every frame, and the slice copied the list on each call
    for i in range(1, len(keys)):
        t1 = keys[i][0]
        if t < t1:
            t0, v0 = keys[i - 1]
            ease = value.get("ease", "linear")
            if ease == "step" or isinstance(v0, str):
                return v0
            u = (t - t0) / (t1 - t0)
            if ease == "in_out":
                u = u * u * (3.0 - 2.0 * u)
            return _lerp(v0, keys[i][1], u)
    return keys[-1][1]


def _lerp(a: Any, b: Any, u: float) -> Any:
    if type(a) is float:
        return a + (b - a) * u
    if isinstance(a, list):  # floats inline, anything else (points, ints) by recursion: the same a + (b - a) * u
        return [x + (y - x) * u if type(x) is float else _lerp(x, y, u) for x, y in zip(a, b)]
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
    t = type(v)
    if t is float or t is int:  # the common case, without the isinstance calls
        return math.isfinite(v)
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _coord_ok(c: Any, reach: float) -> bool:
    return (type(c) is float and -reach <= c <= reach) or (_is_num(c) and abs(c) <= reach)


def _rgb_ok(v: Any) -> bool:
    if type(v) is list and len(v) == 3:  # the common case: three plain ints, tested without a generator
        r, g, b = v
        if type(r) is int and type(g) is int and type(b) is int:
            return 0 <= r <= 255 and 0 <= g <= 255 and 0 <= b <= 255
    return isinstance(v, list) and len(v) == 3 and all(isinstance(c, int) and 0 <= c <= 255 for c in v)


_PLAIN_NUMBERS = frozenset({float, int, bool})
_COORDINATES = frozenset({float, int})  # a bool is no coordinate


def _flat_numbers(v: list, types: frozenset = _PLAIN_NUMBERS) -> list | None:
    """The items of ``v``'s items, when ``v`` is a list of lists of numbers of ``types`` (exact types)
    whose exact sum is finite, so none is inf or NaN; else None. Every test runs in C (set, map,
    chain, fsum): a curve's points or a track's keys are passed without a Python loop per item."""
    if set(map(type, v)) != {list}:
        return None
    flat = list(chain.from_iterable(v))
    if not types.issuperset(map(type, flat)) or not _finite_numbers(flat):
        return None
    return flat


def _points_ok(v: Any, reach: float) -> bool:
    if not (isinstance(v, list) and 2 <= len(v) <= LIMITS["points"]):
        return False
    # the common case at C speed: [x, y] lists of finite floats or ints (no bool: it is no coordinate)
    flat = _flat_numbers(v, _COORDINATES)
    if flat is not None and set(map(len, v)) == {2}:
        return -reach <= min(flat) and max(flat) <= reach
    for p in v:
        if not (isinstance(p, list) and len(p) == 2):
            return False
        x, y = p
        if not ((type(x) is float and -reach <= x <= reach) or _coord_ok(x, reach)):
            return False
        if not ((type(y) is float and -reach <= y <= reach) or _coord_ok(y, reach)):
            return False
    return True


def _is_count(v: Any, lo: int, hi: float) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and lo <= v <= hi


# kind -> test of a value (``reach`` bounds coordinates and lengths); a failed test is reported by
# _check_value with the kind's wording from _want, so a passing value builds no message
_OK = {
    "str": lambda v, reach: isinstance(v, str) and 0 < len(v) <= LIMITS["text_chars"],
    # a plain float is tested by its comparisons alone: NaN fails every one, and so does inf here
    "num": lambda v, reach: -LIMITS["number"] <= v <= LIMITS["number"] if type(v) is float else _is_num(v) and abs(v) <= LIMITS["number"],
    "pos": lambda v, reach: 0 < v <= LIMITS["number"] if type(v) is float else _is_num(v) and 0 < v <= LIMITS["number"],
    "coord": _coord_ok,
    "length": lambda v, reach: 0 < v <= reach if type(v) is float else _coord_ok(v, reach) and v > 0,
    "fontsize": lambda v, reach: 1 <= v <= LIMITS["font_size"] if type(v) is float else _is_num(v) and 1 <= v <= LIMITS["font_size"],
    "scale": lambda v, reach: _is_num(v) and 1 / LIMITS["scale"] <= v <= LIMITS["scale"],
    "width": lambda v, reach: _is_count(v, 1, 512),
    "unit": lambda v, reach: 0 <= v <= 1 if type(v) is float else _is_num(v) and 0 <= v <= 1,
    "count": lambda v, reach: _is_count(v, 0, math.inf),
    "bool": lambda v, reach: isinstance(v, bool),
    "anchor": lambda v, reach: v in ANCHORS,
    "rgb": lambda v, reach: _rgb_ok(v),
    "rgb?": lambda v, reach: v is None or _rgb_ok(v),
    "xy": lambda v, reach: isinstance(v, list) and len(v) == 2 and _coord_ok(v[0], reach) and _coord_ok(v[1], reach),
    "points": _points_ok,
    "segtext": lambda v, reach: isinstance(v, str) and 0 < len(v) <= LIMITS["text_chars"] and set(v) <= SEGMENT_CHARS,
    "cursor": lambda v, reach: v is None or (isinstance(v, dict) and set(v) <= {"color", "blink"}),  # its fields: _check_value
    "dash?": lambda v, reach: v is None or (isinstance(v, list) and len(v) == 2 and all(_is_num(c) and 0 < c <= LIMITS["number"] for c in v)),
}


def _want(kind: str, reach: float) -> str:
    """What a value of ``kind`` must be, in the words of the error that names a bad one."""
    big, far, cap, chars = f"{LIMITS['number']:,}", f"{reach:g} ({LIMITS['reach']} x the canvas side)", LIMITS["scale"], LIMITS["text_chars"]
    return {
        "str": f"a non-empty string of at most {chars} characters",
        "num": f"a number within ±{big}",
        "pos": f"a positive number up to {big}",
        "coord": f"a number within ±{far}",
        "length": f"a positive number up to {far}",
        "fontsize": f"a positive number (a font size of 1..{LIMITS['font_size']} px)",
        "scale": f"a scale in [1/{cap}, {cap}]",
        "width": "an integer width 1..512",
        "unit": "a number in [0, 1]",
        "count": "a non-negative integer",
        "bool": "true or false",
        "anchor": f"one of {', '.join(ANCHORS)}",
        "rgb": "an [r, g, b] list of integers 0..255",
        "rgb?": "an [r, g, b] list of integers 0..255 or null",
        "xy": f"an [x, y] pair of numbers within ±{far}",
        "points": f"a list of 2..{LIMITS['points']} [x, y] points with coordinates within ±{far}",
        "segtext": f"a string of 1..{chars} 7-segment characters (digits, '-', ':', '.', ' ')",
        "cursor": 'null or {"color": [r, g, b], "blink": seconds}',
        "dash?": f"null or [dash_length, gap_length] (positive numbers up to {big})",
    }[kind]


def _check_value(kind: str, v: Any, where: str, reach: float = LIMITS["reach"] * 4096) -> None:
    """Check one value of a kind; ``reach`` bounds coordinates and lengths (px)."""
    ok = _OK.get(kind)
    if ok is None:  # pragma: no cover - schema typo
        raise AssertionError(kind)
    if not ok(v, reach):
        _fail(where, f"expected {_want(kind, reach)}, got {json.dumps(v)[:60]}")
    if kind == "cursor" and isinstance(v, dict):
        _check_value("rgb", v.get("color"), where + ".color")
        if "blink" in v:
            _check_value("pos", v["blink"], where + ".blink")


def _check_track(kind: str, track: dict, where: str, duration_s: float, reach: float) -> None:
    if set(track) - {"keys", "ease"}:
        _fail(where, f"unknown track field(s) {sorted(set(track) - {'keys', 'ease'})}")
    if track.get("ease", "linear") not in EASINGS:
        _fail(where + ".ease", f"expected one of {', '.join(EASINGS)}, got {json.dumps(track.get('ease'))}")
    keys = track["keys"]
    if not isinstance(keys, list) or not 0 < len(keys) <= LIMITS["track_keys"]:
        _fail(where + ".keys", f"expected a list of 1..{LIMITS['track_keys']} [time, value] pairs")
    last, ok = -math.inf, _OK[kind]
    for i, key in enumerate(keys):
        if not (isinstance(key, list) and len(key) == 2 and _is_num(key[0])):
            _fail(f"{where}.keys[{i}]", "expected a [time, value] pair")
        if key[0] <= last:
            _fail(f"{where}.keys[{i}]", "key times must increase strictly")
        if key[0] < 0 or key[0] > duration_s + 1e-9:
            _fail(f"{where}.keys[{i}]", f"time {key[0]} is outside the clip [0, {duration_s:g}] s")
        last = key[0]
        if not ok(key[1], reach):
            _check_value(kind, key[1], f"{where}.keys[{i}][1]", reach)


def _plain(spec: Any) -> bool:
    """True when nesting stays within the cap and every float is finite: :func:`_check_plain_data`'s
    test without naming the field, so without building a path for every value."""
    level, depth, cap = [spec], 0, LIMITS["depth"]
    while level:
        below = []
        for v in level:
            t = type(v)
            if t is str or t is int or t is bool or v is None:  # most values: no test to make
                continue
            if t is float or isinstance(v, float):
                if not math.isfinite(v):
                    return False
            elif t is list or t is dict or isinstance(v, (dict, list)):
                if depth >= cap:
                    return False
                if t is list and _finite_numbers(v):  # a point, a colour: no float to test one by one, nothing below
                    continue
                if t is list and depth + 1 < cap and _flat_numbers(v) is not None:  # a list of points or keys
                    continue
                below += v.values() if isinstance(v, dict) else v
        level, depth = below, depth + 1
    return True


def _finite_numbers(values: list) -> bool:
    """True when every item is a number and their exact sum is finite, so none is inf or NaN (``fsum``
    reads a float's own value, subclasses included; a list, dict, string or None raises TypeError)."""
    try:
        return math.isfinite(math.fsum(values))
    except (TypeError, ValueError, OverflowError):
        return False


def _check_plain_data(spec: Any) -> None:
    """Nesting depth within the cap and every number finite, ``meta`` included (iterative: a
    hostile depth cannot exhaust the stack here)."""
    if _plain(spec):
        return
    stack = [(spec, "", 0)]
    while stack:
        v, where, depth = stack.pop()
        if isinstance(v, float) and not math.isfinite(v):
            _fail(where, f"expected a finite number, got {v}")
        if isinstance(v, (dict, list)):
            if depth >= LIMITS["depth"]:
                _fail(where, f"nested deeper than {LIMITS['depth']} levels")
            if isinstance(v, dict):
                stack += [(child, f"{where}.{k}" if where else str(k), depth + 1) for k, child in v.items()]
            else:
                stack += [(child, f"{where}[{i}]", depth + 1) for i, child in enumerate(v)]


_SPEC_FIELDS = frozenset({"version", "family", "width", "height", "fps", "num_frames", "background", "elements", "meta", "stage", "parts"})


@functools.cache
def _fields_of(etype: str) -> tuple[dict, tuple, frozenset]:
    """An element type's fields (common ones first) and, in that order, (name, kind, required,
    animatable, the kind's test), and the names it requires: built once per type, not per element."""
    fields = {**_COMMON, **ELEMENT_FIELDS[etype]}
    table = tuple((name, kind, required, animatable, _OK[kind]) for name, (kind, required, animatable) in fields.items())
    return fields, table, frozenset(name for name, (_, required, _) in fields.items() if required)


@functools.cache
def _by_name(etype: str) -> dict:
    """name -> (kind, animatable, the kind's test, counted) of an element type's fields; ``counted``:
    a checked value is a list of points or a string, whose length a frame pays."""
    return {name: (kind, animatable, ok, kind == "points" or name == "text") for name, kind, _, animatable, ok in _fields_of(etype)[1]}


def _element_items(el: dict, etype: str, dur: float, reach: float) -> int | None:
    """What a valid element costs a frame (1, plus its points, track keys and characters), or None
    when one of its fields is unknown, missing or bad: the common case tests each field present once,
    in the element's order, and builds no path; :func:`_check_fields` then names the first bad one in
    the schema's order."""
    fields, _, required = _fields_of(etype)
    if not (fields.keys() >= el.keys() and required <= el.keys()):
        return None
    by_name, items = _by_name(etype), 1
    try:  # any failure (a bad value, or one whose error message cannot be built): _check_fields names it
        for name, v in el.items():
            kind, animatable, ok, counted = by_name[name]
            if isinstance(v, dict) and "keys" in v:  # a track
                if not animatable:
                    return None
                _check_track(kind, v, name, dur, reach)
                items += len(v["keys"]) - 1 + (sum(len(key[1]) for key in v["keys"]) if counted else 0)
            else:
                if not ok(v, reach):
                    return None
                if kind == "cursor":
                    _check_value(kind, v, name, reach)
                items += len(v) if counted else 0
    except Exception:  # _check_fields then raises what the field deserves
        return None
    return items


def _check_fields(el: dict, etype: str, where: str, dur: float, reach: float) -> int:
    """Name the first unknown, missing or bad field of an element (in the schema's order) or, when
    there is none, return what it costs a frame."""
    fields, table, _ = _fields_of(etype)
    items = 1
    for name in el:
        if name not in fields:
            _fail(f"{where}.{name}", f"unknown field for a {etype} element")
    for name, kind, required, animatable, ok in table:
        if name not in el:
            if required:
                _fail(f"{where}.{name}", "missing")
            continue
        v = el[name]
        counted = kind == "points" or name == "text"  # a checked value of these is a list of points or a string
        if isinstance(v, dict) and "keys" in v:  # a track
            if not animatable:
                _fail(f"{where}.{name}", "cannot be animated")
            _check_track(kind, v, f"{where}.{name}", dur, reach)
            items += len(v["keys"]) - 1 + (sum(len(key[1]) for key in v["keys"]) if counted else 0)
        else:
            if not ok(v, reach) or kind == "cursor":  # the path is named only for a value that needs it
                _check_value(kind, v, f"{where}.{name}", reach)
            items += len(v) if counted else 0
    return items


def validate(spec: Any) -> dict:
    """Check a spec and return it; raise :class:`SpecError` naming the first bad field."""
    if not isinstance(spec, dict):
        _fail("spec", "expected a JSON object")
    # Plain data (finite numbers, bounded nesting) is checked first, so that its error is the one named.
    # The elements are left out of that walk: a field's kind test reads every value under it and
    # passes only finite numbers, at most 8 levels deep, so elements that pass are plain data.
    if not _plain({**spec, "elements": []}):
        _check_plain_data(spec)
    try:
        return _check_fields_of_spec(spec)
    except Exception:
        _check_plain_data(spec)  # bad data under an element comes first, as it would have
        raise


def _check_fields_of_spec(spec: dict) -> dict:
    """:func:`validate` once the plain data outside the elements is checked."""
    known = _SPEC_FIELDS
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
    if not (_is_num(spec["fps"]) and 0 < spec["fps"] <= LIMITS["fps"]):
        _fail("fps", f"expected a positive number up to {LIMITS['fps']}, got {json.dumps(spec['fps'])[:60]}")
    n = spec["num_frames"]
    if not (isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 10000):
        _fail("num_frames", f"expected an integer 1..10000, got {json.dumps(n)}")
    if spec["width"] * spec["height"] * n > LIMITS["pixel_frames"]:
        _fail("num_frames", f"width x height x num_frames is {spec['width'] * spec['height'] * n:,}, over the {LIMITS['pixel_frames']:,} limit")
    _check_value("rgb", spec.get("background", [255, 255, 255]), "background")
    if "family" in spec:
        _check_value("str", spec["family"], "family")
    if not isinstance(spec.get("meta", {}), dict):
        _fail("meta", "expected a JSON object")
    if not isinstance(spec["elements"], list):
        _fail("elements", "expected a list")
    if len(spec["elements"]) > LIMITS["elements"]:
        _fail("elements", f"{len(spec['elements'])} elements, over the {LIMITS['elements']} limit")
    dur = duration(spec)
    reach = LIMITS["reach"] * max(spec["width"], spec["height"])
    ids, items = set(), 0  # items: what a frame costs, 1 per element plus its points, track keys and characters
    for i, el in enumerate(spec["elements"]):
        where = f"elements[{i}]"
        if not isinstance(el, dict):
            _fail(where, "expected a JSON object")
        etype = el.get("type")
        if etype not in ELEMENT_FIELDS:
            _fail(where + ".type", f"expected one of {', '.join(ELEMENT_FIELDS)}, got {json.dumps(etype)}")
        cost = _element_items(el, etype, dur, reach)
        items += cost if cost is not None else _check_fields(el, etype, where, dur, reach)
        if el["id"] in ids:
            _fail(f"{where}.id", f"duplicate element id {json.dumps(el['id'])}")
        ids.add(el["id"])
        if etype == "text":
            _check_text(el, where)
        elif etype == "lane_line":
            _check_lane_marks(el, where, spec["height"])
    work = n * items
    if work > LIMITS["work"]:
        _fail("elements", f"num_frames x items (elements, points, track keys, characters) is {work:,}, over the {LIMITS['work']:,} limit")
    if "parts" in spec:  # a composite scene's parts, each a family's spec (composite.py)
        from .composite import check as check_parts

        check_parts(spec, validate)
    if "stage" in spec:  # the real style's 3D stage; imported late: materials needs OpenCV, loaders must not
        from .stage_schema import check

        check(spec)
    return spec


def _check_lane_marks(el: dict, where: str, height: int) -> None:
    dash = el.get("dash")
    if dash is not None:
        marks = (height - el["vanishing_point"][1]) / (dash[0] + dash[1])
        if marks > LIMITS["points"]:
            _fail(f"{where}.dash", f"dashes this short give ~{marks:,.0f} marks, over the {LIMITS['points']} limit")


@functools.cache
def _text_helpers() -> tuple:
    """fonts.check_coverage and textlayout.text_layout, imported on first use (they import Pillow,
    which readers of specs need not), then kept: an import statement per text element cost ~1 us."""
    from .fonts import check_coverage  # fonts sit beside spec at the ground floor
    from .textlayout import text_layout

    return check_coverage, text_layout


def _check_text(el: dict, where: str) -> None:
    check_coverage, text_layout = _text_helpers()
    check_coverage(el["font"], el["text"], where)
    if el.get("vertical"):
        from .textcolumn import bad_char

        ch = bad_char(el["text"])
        if ch is not None:
            _fail(f"{where}.text", f"{ch!r} cannot stand upright in a vertical column (only CJK letters and wide digits)")
        if el.get("cursor"):
            _fail(f"{where}.cursor", "a vertical text has no cursor")
    if el.get("vertical"):  # a column: one em per character
        extent = len(el["text"]) * int(round(el["size"]))
    else:  # the font's length of the text, from the layout the renderer asks for next (cached), not measured twice
        extent = text_layout(el["font"], int(round(el["size"])), el["text"])["width"]
    if extent > LIMITS["text_extent"]:
        _fail(f"{where}.text", f"{extent:,.0f} px {'tall' if el.get('vertical') else 'wide'} at size {el['size']:g}, over the {LIMITS['text_extent']} px limit")
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
        spec = json.loads(text, parse_constant=_reject_constant)
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError) as exc:
        raise SpecError(f"{source}: not valid JSON ({exc})") from None
    except RecursionError:
        raise SpecError(f"{source}: not valid JSON (nested deeper than this reader allows)") from None
    try:
        return validate(spec)
    except SpecError as exc:
        raise SpecError(f"{source}: {exc}") from None


def _reject_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def elements_of(spec: dict, etype: str) -> list[dict]:
    """The spec's elements of one type, in drawing order."""
    return [el for el in spec["elements"] if el["type"] == etype]
