"""Clips the family-specific tests share: seeded specs and their rendered frames (cached)."""

from __future__ import annotations

import functools

import numpy as np

from symbolset import families
from symbolset.render import render_clip
from symbolset.spec import validate

PARAMS = {"width": 128, "height": 128, "num_frames": 16, "fps": 8.0}
SEEDS = (1, 2, 3)


def make(name: str, seed: int, params: dict = PARAMS) -> dict:
    """A validated spec of family ``name`` drawn with ``seed``."""
    return validate(families.get(name).sample(np.random.default_rng(seed), dict(params)))


@functools.cache
def clip(name: str, seed: int):
    """(spec, read-only frames, annotations) of ``make(name, seed)``."""
    spec = make(name, seed)
    frames, annotations = render_clip(spec)
    frames.setflags(write=False)
    return spec, frames, annotations
