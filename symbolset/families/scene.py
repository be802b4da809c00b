"""Scene templates: a family written as data (YAML or JSON), named ``scene:<name>``.

A template says which spec elements exist, which of their values are drawn at random, how the
captions read (en + zh, three granularities) and which rules are checked on the pixels::

    name: microwave_timer                     # the family is "scene:microwave_timer"
    rule: The display counts down one second per second.
    background: cream                         # a palette colour name, or an expression
    variables:                                # drawn in order with the sample's seeded rng
      start: {int: [20, 95]}                  # inclusive integer range
      lit: {choice: [red, green, orange]}     # one of a list
      speed: {uniform: [0.5, 1.5]}            # a float in [a, b)
      word: {csv: words.csv, column: word}    # one value of a CSV column (path relative to the template)
    derived:                                  # Jinja expressions over the variables, in order
      end: "{{ start - duration | int }}"
    elements:                                 # spec elements (see symbolset.spec); any string may hold
      - {id: display, type: seven_segment, ...}   # "{{ expr }}" (a native value) or text with {{ }} slots
      - {id: "day{{ d }}", each: {as: d, in: "{{ range(1, 31) }}"}, type: text, ...}  # one per value
    captions:
      en: {short: "...", detailed: "...", temporal: ["one phrasing", "another"]}
      zh: {short: "...", detailed: "...", temporal: "..."}
    verify:                                   # optional extra rules (the basic ones always run)
      - {rule: value_sequence, element: display, values: "{{ ... }}"}

Expressions run in Jinja's sandbox with the canvas (``width``, ``height``, ``fps``, ``num_frames``,
``duration``), every variable, and the helpers in :data:`HELPERS`. The drawn values, the caption
templates and the extra rules are stored in ``spec["meta"]``, so captions and checks are pure
functions of the stored spec, like every built-in family. Every sample is checked on its own pixels
by :func:`verify` (:mod:`.scene_verify`): text is inked inside its annotated box, 7-segment
displays read back their value at every frame, and everything drawn stays on the canvas.

This module samples templates and keeps the registry of ``scene:<name>`` families; the template
schema, its check and the expression helpers are :mod:`.scene_template`, the pixel checks
:mod:`.scene_verify` (their public names are re-exported here).
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from .. import captions as cap
from .. import fonts
from ..draw import pick
from ..errors import SpecError, SymbolSetError
from ..spec import duration, validate, value_at
from . import SCENE_PREFIX
from .canvas import skeleton
from .scene_template import (  # noqa: F401  (re-exported: the authoring tools and tests read them here)
    _CANVAS,
    DISTRIBUTIONS,
    HELPERS,
    NAME_PATTERN,
    RULES,
    TEMPLATE_SCHEMA,
    TOP_FIELDS,
    _plain,
    check_template,
    evaluate,
)
from .scene_verify import verify
from .wording import text_difficulty

PREFIX = SCENE_PREFIX


# --------------------------------------------------------------------------------------- loading
def load_template(path: str | Path) -> dict:
    """A template file, checked, with CSV variables read in (so the result is self-contained data).

    :class:`SymbolSetError` names the file and the field at fault.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SymbolSetError(f"{path}: cannot read ({getattr(exc, 'strerror', None) or exc})") from None
    import yaml  # here: checking a config's families needs this module, not a YAML parser (~15 ms to import)

    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise SymbolSetError(
            f"{path}: not valid {'JSON' if path.suffix.lower() == '.json' else 'YAML'} ({str(exc).splitlines()[0]})"
        ) from None
    template = check_template(data, str(path), base=path.parent)
    try:  # evaluate every expression once, so an error names the file (sampling names only the scene)
        SceneFamily(template).sample(np.random.default_rng(0), {"width": 256, "height": 256, "num_frames": 16, "fps": 8.0})
    except SymbolSetError as exc:
        raise type(exc)(f"{path}: {exc}") from None
    return template


def load_scenes(path: str | Path) -> dict[str, dict]:
    """Templates of a file or a folder (``*.yaml``, ``*.yml``, ``*.json``), by name."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in (".yaml", ".yml", ".json"))
        if not files:
            raise SymbolSetError(f"{path}: no scene templates (*.yaml, *.yml, *.json)")
    elif path.is_file():
        files = [path]
    else:
        raise SymbolSetError(f"{path}: no such scene template file or folder")
    out: dict[str, dict] = {}
    for f in files:
        t = load_template(f)
        if t["name"] in out:
            raise SymbolSetError(f"{f}: name: {t['name']!r} is also the name of another template")
        out[t["name"]] = t
    return out


def builtin_dir() -> Path:
    """The folder of the scene templates shipped with SymbolSet."""
    return Path(__file__).resolve().parent.parent / "scenes"


# -------------------------------------------------------------------------------------- registry
_REGISTRY: dict[str, SceneFamily] = {}


def register(template: dict) -> SceneFamily:
    """Make ``scene:<name>`` a family in this process (returns it)."""
    family = SceneFamily(template)
    _REGISTRY[family.NAME] = family
    return family


def get(name: str, template: dict | None = None) -> SceneFamily:
    """The scene family ``scene:<name>``: registered here, given as ``template`` (registered now), or
    shipped with SymbolSet. An unknown name still captions, verifies and rates stored specs (those
    read only the spec), but cannot sample."""
    if template is not None and (name not in _REGISTRY or _REGISTRY[name].template != template):
        register(template)
    if name not in _REGISTRY and name[len(PREFIX) :] in _builtin_names():
        register(load_template(_builtin_names()[name[len(PREFIX) :]]))
    return _REGISTRY.get(name) or SceneFamily(None, name)


def unknown_scene(name: str) -> str:
    """The one-line message for a scene name that is neither registered nor shipped."""
    known = sorted(set(_REGISTRY) | {PREFIX + n for n in _builtin_names()})
    return f"unknown scene {name!r} (pass --scenes FILE_OR_DIR; known: {', '.join(known)})"


@functools.cache
def _builtin_names() -> dict[str, Path]:
    folder = builtin_dir()
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))} if folder.is_dir() else {}


class SceneFamily:
    """A template seen through the family contract (``sample``, ``captions``, ``difficulty``, ``verify``)."""

    def __init__(self, template: dict | None, name: str | None = None):
        self.template = template
        self.NAME = PREFIX + template["name"] if template else name
        self.RULE = template["rule"] if template else ""
        self.digest = hashlib.sha256(json.dumps(template, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16] if template else ""

    def sample(self, rng: np.random.Generator, params: dict) -> dict:
        """Draw the variables, evaluate the derived values and elements: one spec."""
        t = self.template
        if t is None:
            raise SymbolSetError(unknown_scene(self.NAME))
        spec = skeleton(params, self.NAME, cap.rgb("white"))
        names: dict[str, Any] = {k: spec[k] for k in ("width", "height", "fps", "num_frames")}
        names.update(_canvas_times(spec))
        drawn: dict[str, Any] = {}
        background = evaluate(_draw(rng, t.get("background", "white")), names, f"{self.NAME}: background")
        drawn["background"] = names["background"] = background
        spec["background"] = cap.rgb(background) if isinstance(background, str) and background in cap.PALETTE else background
        for name, dist in t["variables"].items():
            drawn[name] = names[name] = _draw(rng, dist)
        for name, expr in t["derived"].items():
            drawn[name] = names[name] = evaluate(expr, names, f"{self.NAME}: derived.{name}")
        spec["elements"] = _elements(t["elements"], names, self.NAME)
        for el in spec["elements"]:
            if el["type"] == "text" and isinstance(el.get("text"), str):
                fonts.check_coverage(el["font"], el["text"], f"{self.NAME}: element {el['id']!r}")
        try:
            validate(spec)
        except SpecError as exc:
            short = ".keys[" in str(exc) and spec["num_frames"] < 4  # its timed keys do not fit so short a clip
            hint = f" (num_frames: {spec['num_frames']} is too few frames for this scene's timing; set num_frames / --frames higher)" if short else ""
            raise SpecError(f"{self.NAME}: {exc}{hint}") from None
        spec["meta"] = {
            "scene": t["name"],
            "template": self.digest,
            "values": _plain(drawn, self.NAME),
            "captions": t["captions"],
            "verify": [evaluate(r, names, f"{self.NAME}: verify[{i}]") for i, r in enumerate(t["verify"])],
        }
        return spec

    def captions(self, spec: dict, rng: np.random.Generator) -> dict:
        """The template's captions, slots filled with the values stored in the spec."""
        return captions(spec, rng)

    def difficulty(self, spec: dict, annotations: list[dict]) -> dict:
        """Text length, script and glyph height of the scene's longest text."""
        texts = [str(value_at(el["text"], 0.0)) for el in spec["elements"] if el["type"] == "text"]
        if not texts:
            return {}
        longest = max(texts, key=len)
        return text_difficulty(annotations, longest)

    def verify(self, spec: dict, frames: np.ndarray, annotations: list[dict]) -> list[str]:
        """Rule violations found in the rendered frames (see :func:`verify`)."""
        return verify(spec, frames, annotations)


def _elements(templates: list[dict], names: dict, where: str) -> list[dict]:
    """The spec's elements: each template evaluated, and one copy per value for those with ``each``."""
    out = []
    for i, el in enumerate(templates):
        if "each" not in el:
            out.append(evaluate(el, names, f"{where}: elements[{i}]"))
            continue
        var, values = el["each"]["as"], evaluate(el["each"]["in"], names, f"{where}: elements[{i}].each.in")
        if not isinstance(values, list):
            raise SymbolSetError(f"{where}: elements[{i}].each.in: expected a list, got {type(values).__name__}")
        body = {k: v for k, v in el.items() if k != "each"}
        for k, value in enumerate(values):
            out.append(evaluate(body, {**names, var: value, "index": k}, f"{where}: elements[{i}] ({var}={value!r})"))
    ids = [el["id"] for el in out]
    if len(set(ids)) != len(ids):
        raise SymbolSetError(
            f"{where}: elements: duplicate id {next(x for x in ids if ids.count(x) > 1)!r} (give repeated elements an id with {{{{ }}}})"
        )
    return out


def _canvas_times(spec: dict) -> dict:
    """``duration`` (frames / fps) and ``last_time``, the time of the last frame, in seconds."""
    return {"duration": duration(spec), "last_time": (spec["num_frames"] - 1) / spec["fps"]}


def _draw(rng: np.random.Generator, dist: Any) -> Any:
    if not isinstance(dist, dict):
        return dist
    if "choice" in dist:
        return copy.deepcopy(pick(rng, dist["choice"]))
    if "int" in dist:
        lo, hi = dist["int"]
        return int(rng.integers(lo, hi + 1))
    lo, hi = dist["uniform"]
    return float(round(rng.uniform(lo, hi), 4))


def captions(spec: dict, rng: np.random.Generator) -> dict:
    """A scene spec's captions: one phrasing per granularity, chosen by ``rng``, slots filled."""
    meta = spec["meta"]
    names = {k: spec[k] for k in ("width", "height", "fps", "num_frames")} | _canvas_times(spec) | meta["values"]
    out = {}
    for lang in cap.LANGUAGES:
        out[lang] = {}
        for g in cap.GRANULARITIES:
            options = meta["captions"][lang][g]
            text = evaluate(pick(rng, options), names, f"{spec['family']}: captions.{lang}.{g}")
            out[lang][g] = " ".join(str(text).split())
    return out
