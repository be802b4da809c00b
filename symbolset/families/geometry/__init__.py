"""``geometry``: ruler-and-compass constructions drawn step by step, stored symbolically.

Constructions (``meta["construction"]``), one module each:

- ``circumcircle`` / ``incircle`` (:mod:`.triangle`): triangle ABC drawn edge by edge, vertex labels
  appear as each vertex is reached, then the circle is traced around its centre O.
- ``compass`` (:mod:`.circle`): a compass leg (a ray of fixed length) sweeps once around O and traces a circle.
- ``moving_point`` (:mod:`.circle`): a point P travels along a circle with its radius OP and the chord QP.

``sample`` draws the values shared by all constructions, the construction's module draws its own
(``draw``) and builds the spec from them (``build``). The meta keeps points, radii and relations;
:mod:`.words` states claims and captions, :mod:`.check` re-measures everything on the pixels (circle
fits, line fits, label ink) and checks the construction's definition in every frame.
"""

from __future__ import annotations

import functools
import itertools

import numpy as np

from ... import captions as cap
from ...draw import pick
from .. import common
from . import circle, triangle
from .check import verify
from .words import captions, claims, difficulty, words

NAME = "geometry"
RULE = ("The constructed figure satisfies its definition in every frame: circle radii stay constant within 1 px, "
        "the polygon closes, labels stay on their vertices and an incircle touches all three sides.")  # fmt: skip

CONSTRUCTIONS = ("circumcircle", "incircle", "compass", "moving_point")
_BACKGROUNDS = ["white", "cream"]
INKS = ["black", "red", "green", "blue", "purple", "orange"]
_LABEL_FONTS = ["dejavu-sans", "dejavu-sans-bold", "dejavu-serif"]
_CLOSE = ({"red", "orange"}, {"blue", "purple"})  # pairs that yuv420p video blurs into each other on thin strokes

__all__ = ["NAME", "RULE", "CONSTRUCTIONS", "sample", "claims", "captions", "words", "difficulty", "verify"]


def pick_colors(rng: np.random.Generator, count: int, pool=INKS) -> list[str]:
    """``count`` distinct palette colours drawn from ``pool``."""
    order = rng.permutation(len(pool))[:count]
    return [pool[int(i)] for i in order]


# Roles (indices into line, circle, label, point, chord) that must not share a close pair of colours: line,
# circle and point, whose changes the captions time, and the label with the line and the circle. Where the
# circle crosses a side, an anti-aliased pixel blends two inks into a colour nearer the label's close twin
# than either: a red label beside an orange circle over black sides owned those pixels ("label 'C' is 6.0 px
# from its place"), a purple label took a blue incircle's arc where it touched an orange side ("the arc is
# missing"), and a red circle over blue sides made purple next to a purple label 'B'.
_APART = ((0, 1), (0, 3), (1, 3), (2, 0), (2, 1))


def _separated(colors: list[str]) -> list[str]:
    """``colors`` (line, circle, label, point, chord) as drawn when no pair of :data:`_APART` is close;
    otherwise the order that keeps every such pair apart and moves the fewest colours (the first in
    permutation order). One always exists: of five colours from six, at most two close pairs; one can
    go on label and point, and the chord takes a colour of the other."""

    # which pairs of positions hold close colours, once: an order is then a permutation of positions
    # whose pairs of _APART are tested by one set operation
    close = {(a, b) for a in range(len(colors)) for b in range(len(colors)) if {colors[a], colors[b]} in _CLOSE}
    orders = _orders(len(colors))
    if close.isdisjoint(orders[0][1]):  # the first order keeps every position
        return list(colors)
    if len(set(colors)) == len(colors):  # distinct colours: an order moves a colour where it moves a position
        moves = [(q, moved) for q, pairs, moved in orders if close.isdisjoint(pairs)]
    else:
        moves = [(q, sum(colors[a] != b for a, b in zip(q, colors))) for q, pairs, _ in orders if close.isdisjoint(pairs)]
    return [colors[a] for a in min(moves, key=lambda qm: qm[1])[0]]


@functools.cache
def _orders(n: int) -> tuple:
    """Every order of n positions, in itertools.permutations order (so in the order of the colours'
    permutations), with the pairs of positions it puts at the places of :data:`_APART` and how many
    positions it moves."""
    return tuple((q, frozenset((q[i], q[j]) for i, j in _APART), sum(a != k for k, a in enumerate(q))) for q in itertools.permutations(range(n)))


def draw(rng: np.random.Generator, w: int, h: int) -> dict:
    """The values every construction shares: background, construction, colours, stroke width, label font and size."""
    bg = pick(rng, _BACKGROUNDS)
    kind = pick(rng, CONSTRUCTIONS)
    line_c, circle_c, label_c, point_c, chord_c = _separated(pick_colors(rng, 5))
    width = int(max(1, round(min(w, h) / 160)) + rng.integers(0, 2))
    font = pick(rng, _LABEL_FONTS)
    size = max(9, int(round(min(w, h) * float(rng.uniform(0.065, 0.085)))))
    return {"construction": kind, "background": bg, "colors": {"line": line_c, "circle": circle_c, "label": label_c, "point": point_c, "chord": chord_c},
            "stroke_width": width, "label_font": font, "label_size": size}  # fmt: skip


def sample(rng: np.random.Generator, params: dict) -> dict:
    """A construction drawn from ``rng``: its kind, points, colours, stroke width and timing."""
    w, h = int(params["width"]), int(params["height"])
    meta = draw(rng, w, h)
    if meta["construction"] == "compass" and 1 < int(params["num_frames"]) < 6:
        # a full turn in under 4 frame steps is over 90 degrees a step: no frame sequence shows which way it
        # turns, and the short arc drawn by the last frame does not fix its radius; a moving point does
        meta["construction"] = "moving_point"
    spec = common.skeleton(params, NAME, cap.rgb(meta["background"]))
    module = triangle if meta["construction"] in ("circumcircle", "incircle") else circle
    module.build(spec, meta, module.draw(rng, meta["construction"], w, h, spec["num_frames"] / spec["fps"]))
    spec["meta"] = meta
    return spec
