"""Scene families: each module samples specs that obey one rule, and checks that rule on pixels.

A family module defines::

    NAME: str                  # registry key, also stored as spec["family"]
    RULE: str                  # the rule its videos obey, one sentence (goes into the dataset card)
    sample(rng, params) -> spec            # params: width, height, num_frames, fps (+ options)
    claims(spec) -> list[dict]             # typed claims measured on the rendered clip (symbolset.claims)
    captions(spec, rng) -> {"en": {short, detailed, temporal}, "zh": {...}}   # words for those claims
    difficulty(spec, annotations) -> dict  # family-specific difficulty labels (see record.DIFFICULTY)
    verify(spec, frames, annotations) -> list[str]   # rule violations found in rendered frames

Every random draw takes the explicit ``rng``; nothing else is random. Scene templates (data, not
code) are families too, named ``scene:<name>``: see :mod:`.scene`. tests/test_family_contract.py
holds every family to this interface and checks its claims on rendered and decoded frames.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from ..errors import SymbolSetError

FAMILY_NAMES = ("text_typing", "text_motion", "seven_segment", "clock", "lanes", "geometry", "plot", "chart", "formula", "signage")
COMPOSITE = "composite"  # several families on one stage (composite.py); not in FAMILY_NAMES, so default configs stay as they were
NAMED = FAMILY_NAMES + (COMPOSITE,)  # every family that is a module (scene templates are data)
SCENE_PREFIX = "scene:"  # names of scene-template families (:mod:`.scene`)


def get(name: str, template: dict | None = None) -> ModuleType:
    """The family module called ``name``; :class:`SymbolSetError` for an unknown family.

    ``scene:<name>`` is a scene template (:mod:`.scene`); ``template`` registers it in this process.
    """
    if name.startswith(SCENE_PREFIX):
        from . import scene

        return scene.get(name, template)
    if name not in NAMED:
        raise SymbolSetError(f"unknown family {name!r} (known: {', '.join(NAMED)})")
    return importlib.import_module(f"{__name__}.{name}")


def all_families() -> dict[str, ModuleType]:
    """Every registered family, by name."""
    return {name: get(name) for name in FAMILY_NAMES}
