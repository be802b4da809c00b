"""Differential fuzz of spec.validate: this checkout's against another checkout's, on mutated generated specs.

A faster validate must accept and refuse exactly what the reference accepts and refuses, with the same
message (the first bad field, in the same order). This samples specs of every family, mutates one to
three values anywhere in each (NaN, inf, bools, huge ints, NumPy scalars, list subclasses, deep
nesting, dropped or duplicated items, scaled numbers) and compares the outcome of both validates.
Prints JSON: how many specs, how many both accepted, how many outcomes differ (and the first few).

    python benchmarks/validate_diff.py /path/to/reference/checkout [--num 200] [--specs 20000]
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import random
import sys

import numpy as np
from other_checkout import imported_copy

from symbolset import families
from symbolset import spec as this_spec
from symbolset.build import plan
from symbolset.config import load_config


class _List(list):
    pass


class _Float(float):
    pass


def _nested(depth: int) -> list:
    v: list = [1.0, 2.0]
    for _ in range(depth):
        v = [v]
    return v


ODD = [math.nan, math.inf, -math.inf, True, False, None, 10**400, 2**60, -1e308, 1e308, 1e9, -1e9, 0, -0.0, "1.5", [], [1.0],
       [1.0, 2.0, 3.0], [[1.0, 2.0]], [[1.0, math.nan]], [[True, 1.0], [1.0, 2.0]], [[1e308, 1e308], [-1e308, -1e308]], {"a": 1},
       _List([1.0, 2.0]), _Float(3.0), _Float(math.nan), np.float64(2.0), np.float32(1.0), np.int64(3), [[1, 2], [3, 4]],
       [[1.0, 2.0], _List([3.0, 4.0])], 300, -1, 255, [255, 0, True], [0, 0, 256],
       _nested(28), _nested(29), _nested(30), _nested(31)]  # fmt: skip


def _paths(v, where=()):
    yield where
    if isinstance(v, dict):
        for k, c in v.items():
            yield from _paths(c, (*where, k))
    elif isinstance(v, list):
        for i, c in enumerate(v):
            yield from _paths(c, (*where, i))


def _mutate(spec: dict, rnd: random.Random) -> None:
    paths = list(_paths(spec))[1:]
    for _ in range(rnd.choice([1, 1, 2, 3])):
        path = rnd.choice(paths)
        try:
            parent = spec
            for k in path[:-1]:
                parent = parent[k]
            here, w = parent[path[-1]], rnd.random()
            if w < 0.7:
                parent[path[-1]] = copy.deepcopy(rnd.choice(ODD))
            elif w < 0.8 and isinstance(here, float):
                parent[path[-1]] = here * rnd.choice([1e3, 1e6, -1, 100])
            elif w < 0.9 and isinstance(here, list) and here:
                here.append(copy.deepcopy(here[0]))
            elif isinstance(parent, list):
                del parent[path[-1]]
            else:
                parent.pop(path[-1])
        except (KeyError, IndexError, TypeError):
            pass  # a path an earlier mutation removed


def _outcome(validate, spec) -> str:
    try:
        validate(spec)
        return "ok"
    except Exception as exc:  # any outcome is compared
        return f"{type(exc).__name__}: {exc}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("reference", help="a checkout of the project (its symbolset/spec.py is compared)")
    ap.add_argument("--num", type=int, default=200, help="generated specs to mutate (default config)")
    ap.add_argument("--specs", type=int, default=20000, help="mutated specs to compare")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    cfg = load_config("default", num=args.num)
    specs = [families.get(t["family"]).sample(np.random.default_rng(t["seed"]), cfg.params(t["family"])) for t in plan(cfg)]
    rnd = random.Random(args.seed)
    same = accepted = 0
    differ: list[str] = []
    with imported_copy(args.reference) as load_ref:
        ref_spec = load_ref("spec")
        for _ in range(args.specs):
            spec = copy.deepcopy(rnd.choice(specs))
            _mutate(spec, rnd)
            a, b = _outcome(ref_spec.validate, spec), _outcome(this_spec.validate, spec)
            if a == b:
                same += 1
                accepted += a == "ok"
            else:
                differ.append(f"reference: {a[:160]} | this: {b[:160]}")
    print(json.dumps({"specs": args.specs, "same_outcome": same, "both_accepted": accepted, "differ": len(differ), "first_differences": differ[:5]}, indent=2))
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
