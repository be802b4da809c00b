"""Scene templates as data: the template schema, its structural check, and the expressions it holds.

:func:`check_template` checks a parsed template (one line naming the file and field when wrong);
:func:`evaluate` runs a template's ``{{ }}`` expressions in Jinja's sandbox with the canvas, the
drawn variables and :data:`HELPERS`. Sampling a template is :mod:`.scene`; checking its pixels is
:mod:`.scene_verify`.
"""

from __future__ import annotations

import copy
import csv
import functools
import math
import re
from pathlib import Path
from typing import Any

import numpy as np

from .. import captions as cap
from .. import fonts
from ..errors import SymbolSetError
from ..render import segment_layout
from ..spec import ELEMENT_FIELDS
from . import canvas, wording

_CANVAS = ("width", "height", "fps", "num_frames", "duration", "last_time")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
TOP_FIELDS = {"name", "rule", "description", "background", "variables", "derived", "elements", "captions", "verify"}
DISTRIBUTIONS = ("choice", "int", "uniform", "csv")
RULES = ("value_sequence", "text_sequence")
_WHOLE_EXPRESSION = re.compile(r"^\s*\{\{(.*)\}\}\s*$", re.S)

# JSON Schema of a template: shown to the drafting model, and documented in docs/scenes.md.
TEMPLATE_SCHEMA: dict = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "SymbolSet scene template",
    "type": "object",
    "required": ["name", "rule", "elements", "captions"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "pattern": NAME_PATTERN.pattern},
        "rule": {"type": "string", "description": "the rule every clip obeys, one sentence"},
        "description": {"type": "string"},
        "background": {"description": "a palette colour name, an [r, g, b] list or an expression"},
        "variables": {
            "type": "object",
            "additionalProperties": {
                "oneOf": [
                    {
                        "type": "object",
                        "properties": {"choice": {"type": "array", "minItems": 1}},
                        "required": ["choice"],
                        "additionalProperties": False,
                    },
                    {
                        "type": "object",
                        "properties": {"int": {"type": "array", "minItems": 2, "maxItems": 2}},
                        "required": ["int"],
                        "additionalProperties": False,
                    },
                    {
                        "type": "object",
                        "properties": {"uniform": {"type": "array", "minItems": 2, "maxItems": 2}},
                        "required": ["uniform"],
                        "additionalProperties": False,
                    },
                    {
                        "type": "object",
                        "properties": {"csv": {"type": "string"}, "column": {"type": "string"}},
                        "required": ["csv", "column"],
                        "additionalProperties": False,
                    },
                    {"type": ["string", "number", "boolean", "array"]},
                ]
            },
        },
        "derived": {"type": "object", "additionalProperties": {"type": ["string", "number", "array", "boolean"]}},
        "elements": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["id", "type"]}},
        "captions": {
            "type": "object",
            "required": ["en", "zh"],
            "additionalProperties": False,
            "properties": {
                lang: {
                    "type": "object",
                    "required": ["short", "detailed", "temporal"],
                    "additionalProperties": False,
                    "properties": {
                        g: {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}]}
                        for g in cap.GRANULARITIES
                    },
                }
                for lang in cap.LANGUAGES
            },
        },
        "verify": {
            "type": "array",
            "items": {"type": "object", "required": ["rule", "element", "values"], "properties": {"rule": {"enum": list(RULES)}}},
        },
    },
}


# ----------------------------------------------------------------------------- expression helpers
def _mmss(seconds):
    """95 -> "1:35"; a list gives a list."""
    if isinstance(seconds, (list, tuple, range)):
        return [_mmss(s) for s in seconds]
    seconds = int(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


def _seq(start, count, step=1) -> list:
    """``count`` values from ``start`` in steps of ``step``."""
    return [start + k * step for k in range(int(count))]


def _frame_values(a: float, b: float, num_frames: int) -> list[float]:
    """The value at each frame of a linear change from ``a`` (first frame) to ``b`` (last frame)."""
    n = int(num_frames)
    return [a + (b - a) * i / (n - 1) if n > 1 else a for i in range(n)]


def _scale(values, factor: float):
    """``values`` (one or a list) times ``factor``."""
    if isinstance(values, (list, tuple, range)):
        return [v * factor for v in values]
    return values * factor


def _fmt(values, pattern: str):
    """Python ``format`` of a value or of each value of a list: fmt(3.5, "{:.1f}") -> "3.5"."""
    if isinstance(values, (list, tuple, range)):
        return [pattern.format(v) for v in values]
    return pattern.format(values)


def _segment_width(text: str, digit_height: float) -> float:
    """Width in px of ``text`` on a 7-segment display of ``digit_height``."""
    geo = segment_layout(digit_height)
    widths = [geo["narrow"] if ch in ":." else geo["advance"] for ch in text]
    return sum(widths) - (0 if text[-1] in ":." else geo["advance"] - geo["width"])


def _steps(values: list, every: float = 1.0, start: float = 0.0, *, until: float | None = None) -> Any:
    """A step track showing ``values[k]`` from ``start + k * every`` (keys past ``until`` dropped)."""
    keys = [[start + k * every, v] for k, v in enumerate(values)]  # unrounded: a key must not land after its frame
    if until is not None:
        keys = [k for k in keys if k[0] < until] or keys[:1]
    return {"keys": keys, "ease": "step"} if len(keys) > 1 else keys[0][1]


def _window(count: int, start: float, end: float | None = None) -> Any:
    """A ``visible`` value showing ``count`` characters from ``start`` until ``end`` (or the end)."""
    keys = [[0.0, 0]] if start > 0 else []
    keys.append([max(0.0, float(start)), int(count)])
    if end is not None:
        keys.append([float(end), 0])
    return {"keys": keys, "ease": "step"} if len(keys) > 1 else int(count)


def _typing(count: int, first: float, every: float) -> Any:
    """A ``visible`` track typing ``count`` characters: the first at ``first`` s, then one every ``every`` s."""
    keys = ([[0.0, 0]] if first > 0 else []) + [[float(first) + k * float(every), k + 1] for k in range(int(count))]
    return {"keys": keys, "ease": "step"} if len(keys) > 1 else int(count)


def _track(keys: list, ease: str = "linear") -> dict:
    return {"keys": [[float(t), v] for t, v in keys], "ease": ease}


def _text_width(font: str, size: int, text: str) -> float:
    return float(canvas.text_width(font, int(size), text))


def _month(year: int, month: int) -> list[int]:
    """[weekday of the 1st (0 = Monday), number of days] of a calendar month."""
    import calendar

    return list(calendar.monthrange(int(year), int(month)))


def _grid_centres(indices, columns: int, x0: float, y0: float, cell_w: float, cell_h: float) -> list[list[float]]:
    """Centres of cells ``indices`` (row-major) of a grid with ``columns`` columns at ``(x0, y0)``."""
    return [[x0 + (i % columns + 0.5) * cell_w, y0 + (i // columns + 0.5) * cell_h] for i in indices]


def _fit_all(font: str, texts: list[str], size: int, max_width: float) -> int:
    """The largest size <= ``size`` at which every one of ``texts`` is at most ``max_width`` px wide."""
    return min(canvas.fit_size(font, t, int(size), max_width) for t in texts)


def _font_for(text: str, preferred: str = "noto-sans-sc") -> str:
    """``preferred`` if it covers ``text``, else the first registered font that does."""
    if not fonts.missing_chars(preferred, text):
        return preferred
    for fid in fonts.FONT_IDS:
        if not fonts.missing_chars(fid, text):
            return fid
    raise SymbolSetError(f"no registered font covers every character of {text!r}")


HELPERS = {
    "rgb": cap.rgb,  # palette name -> [r, g, b]
    "zh_color": lambda name: cap.PALETTE[name][1],
    "article": wording.article,  # "orange arrow" -> "an orange arrow"
    "mmss": _mmss,  # 95 -> "1:35" (each of a list)
    "seq": _seq,  # start, count, step -> a list
    "scale": _scale,  # value(s), factor -> value(s) * factor
    "fmt": _fmt,  # value(s), "{:.1f}" -> text(s)
    "frame_values": _frame_values,  # a, b, num_frames -> the value at each frame of a linear change
    "segment_width": _segment_width,  # text, digit_height -> width of a 7-segment text
    "crisp_y": canvas.crisp_y,  # y, font, size, text -> y with the baseline on a whole pixel
    "seconds": cap.seconds,  # 1.5 -> "1.5 s" in captions
    "steps": _steps,  # values, every, start -> a step track
    "track": _track,  # [[t, v], ...], ease -> a track
    "prefixes": lambda text, count: [text[: k + 1] for k in range(int(count))],  # "abc", 2 -> ["a", "ab"]
    "typing": _typing,  # count, first, every -> a visible track typing characters in
    "window": _window,  # count, start[, end] -> a visible track (text shown in that window)
    "text_width": _text_width,  # font, size, text -> width in px
    "fit_size": canvas.fit_size,  # font, text, size, max_width -> the largest size that fits
    "fit_all": _fit_all,
    "grid_centres": _grid_centres,  # indices, columns, x0, y0, cell_w, cell_h -> cell centres
    "month": _month,  # year, month -> [weekday of the 1st (Monday 0), days]                     # font, texts, size, max_width -> the largest size all fit
    "font_for": _font_for,  # text[, preferred] -> a font id covering the text
    "round": round,
    "min": min,
    "max": max,
    "abs": abs,
    "int": int,
    "float": float,
    "str": str,
    "sin_deg": lambda a: math.sin(math.radians(a)),
    "cos_deg": lambda a: math.cos(math.radians(a)),
    "len": len,
    "range": range,
    "list": list,
    "zip": zip,
    "floor": math.floor,
    "ceil": math.ceil,
}


@functools.cache
def _environment():
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(autoescape=False, keep_trailing_newline=False)
    env.globals.update(HELPERS)
    return env


def evaluate(value: Any, names: dict, where: str) -> Any:
    """``value`` with every expression evaluated: ``"{{ e }}"`` gives e's native value, other strings
    with ``{{ }}`` are rendered as text; lists and dicts are walked. Errors name ``where``."""
    from jinja2 import TemplateError

    if isinstance(value, dict):
        return {k: evaluate(v, names, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [evaluate(v, names, f"{where}[{i}]") for i, v in enumerate(value)]
    if not isinstance(value, str) or "{{" not in value and "{%" not in value:
        return value
    try:
        whole = _WHOLE_EXPRESSION.match(value)
        if whole and "}}" not in whole.group(1):
            return _plain(_environment().compile_expression(whole.group(1).strip(), undefined_to_none=False)(**names), where)
        return _environment().from_string(value).render(**names)
    except (TemplateError, ArithmeticError, TypeError, ValueError, KeyError, IndexError, AttributeError, SymbolSetError) as exc:
        raise SymbolSetError(f"{where}: cannot evaluate {value!r} ({type(exc).__name__}: {exc})") from None


def _plain(value: Any, where: str) -> Any:
    """Jinja's value as plain JSON data (tuples and ranges become lists; undefined names are errors)."""
    from jinja2 import Undefined

    if isinstance(value, Undefined):
        value._fail_with_undefined_error()
    if isinstance(value, (list, tuple, range)):
        return [_plain(v, where) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v, where) for k, v in value.items()}
    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    if isinstance(value, float) and not math.isfinite(value):
        raise SymbolSetError(f"{where}: evaluates to {value}, not a finite number")
    return value


def check_template(data: Any, where: str, base: Path | None = None) -> dict:
    """Check a parsed template's structure (one line naming ``where`` and the field when wrong);
    returns a copy with CSV variables resolved to ``choice`` lists."""

    def bad(field: str, problem: str):
        raise SymbolSetError(f"{where}: {field}: {problem}")

    if not isinstance(data, dict):
        raise SymbolSetError(f"{where}: expected a mapping with name, rule, elements and captions")
    data = copy.deepcopy(data)
    for key in sorted(set(data) - TOP_FIELDS):
        bad(key, f"unknown field (known: {', '.join(sorted(TOP_FIELDS))})")
    for key in ("name", "rule", "elements", "captions"):
        if key not in data:
            bad(key, "missing")
    if not isinstance(data["name"], str) or not NAME_PATTERN.match(data["name"]):
        bad("name", f"expected lower-case letters, digits and _ (starting with a letter), got {data['name']!r}")
    if not isinstance(data["rule"], str) or not data["rule"].strip():
        bad("rule", "expected one sentence")
    variables = data.setdefault("variables", {}) or {}
    if not isinstance(variables, dict):
        bad("variables", "expected a mapping of name -> distribution")
    for name, dist in variables.items():
        field = f"variables.{name}"
        if not isinstance(name, str) or not name.isidentifier() or name in HELPERS or name in _CANVAS or name == "background":
            bad(field, "expected an identifier that is not a helper, canvas name or 'background'")
        if isinstance(dist, dict):
            kinds = [k for k in DISTRIBUTIONS if k in dist]
            if len(kinds) != 1:
                bad(field, f"expected exactly one of {', '.join(DISTRIBUTIONS)}")
            kind = kinds[0]
            if kind == "choice" and (not isinstance(dist["choice"], list) or not dist["choice"]):
                bad(f"{field}.choice", "expected a non-empty list")
            if kind in ("int", "uniform"):
                lo_hi = dist[kind]
                ok = (
                    isinstance(lo_hi, list)
                    and len(lo_hi) == 2
                    and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in lo_hi)
                )
                if not ok or lo_hi[0] > lo_hi[1] or (kind == "int" and not all(isinstance(v, int) for v in lo_hi)):
                    bad(f"{field}.{kind}", f"expected [low, high] {'integers' if kind == 'int' else 'numbers'} with low <= high")
            if kind == "csv":
                variables[name] = {"choice": _csv_column(dist, base, f"{where}: {field}")}
    derived = data.setdefault("derived", {}) or {}
    if not isinstance(derived, dict):
        bad("derived", "expected a mapping of name -> expression")
    for name in derived:
        if not isinstance(name, str) or not name.isidentifier() or name in variables or name in HELPERS or name in _CANVAS:
            bad(f"derived.{name}", "expected a new identifier (not a variable, helper or canvas name)")
    if not isinstance(data["elements"], list) or not data["elements"]:
        bad("elements", "expected a non-empty list of spec elements")
    ids = set()
    for i, el in enumerate(data["elements"]):
        if not isinstance(el, dict) or "id" not in el or "type" not in el:
            bad(f"elements[{i}]", "expected a mapping with id and type")
        if el["type"] not in ELEMENT_FIELDS:
            bad(f"elements[{i}].type", f"unknown element type {el['type']!r} (known: {', '.join(ELEMENT_FIELDS)})")
        each = el.get("each")
        if each is not None and (not isinstance(each, dict) or set(each) != {"as", "in"} or not str(each["as"]).isidentifier()):
            bad(f"elements[{i}].each", "expected {as: NAME, in: LIST_EXPRESSION}")
        for key in el:
            if key not in ("id", "type", "opacity", "each") and key not in ELEMENT_FIELDS[el["type"]]:
                bad(f"elements[{i}].{key}", f"not a field of {el['type']} (fields: {', '.join(ELEMENT_FIELDS[el['type']])})")
        if el["id"] in ids and "each" not in el:
            bad(f"elements[{i}].id", f"duplicate id {el['id']!r}")
        ids.add(el["id"])
    caps = data["captions"]
    if not isinstance(caps, dict):
        bad("captions", "expected en and zh")
    for lang in cap.LANGUAGES:
        if not isinstance(caps.get(lang), dict):
            bad(f"captions.{lang}", "missing (en and zh are both required)")
        for g in cap.GRANULARITIES:
            v = caps[lang].get(g)
            if isinstance(v, str):
                v = caps[lang][g] = [v]
            if not isinstance(v, list) or not v or not all(isinstance(s, str) and s.strip() for s in v):
                bad(f"captions.{lang}.{g}", "expected a sentence or a list of alternative sentences")
    rules = data.setdefault("verify", []) or []
    if not isinstance(rules, list):
        bad("verify", "expected a list of rules")
    for i, r in enumerate(rules):
        if not isinstance(r, dict) or r.get("rule") not in RULES or "element" not in r or "values" not in r:
            bad(f"verify[{i}]", f"expected {{rule: {' | '.join(RULES)}, element: ID, values: ...}}")
        if r["element"] not in ids and not any("each" in el for el in data["elements"]):
            bad(f"verify[{i}].element", f"no element with id {r['element']!r}")
    return data


def _csv_column(dist: dict, base: Path | None, where: str) -> list[str]:
    path = Path(dist["csv"])
    if not path.is_absolute() and base is not None:
        path = base / path
    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SymbolSetError(f"{where}: cannot read {path} ({getattr(exc, 'strerror', None) or exc})") from None
    if not rows or dist["column"] not in rows[0]:
        raise SymbolSetError(f"{where}: {path} has no column {dist['column']!r}")
    values = [r[dist["column"]].strip() for r in rows if (r[dist["column"]] or "").strip()]
    if not values:
        raise SymbolSetError(f"{where}: {path} column {dist['column']!r} is empty")
    return values
