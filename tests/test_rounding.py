"""rounding.round3 and rounding.rounded are Python's round, float for float (sign of zero included), on
random values, ties and near-ties, integers, tiny, huge and non-finite ones."""

from __future__ import annotations

import json
import math
import struct

import numpy as np
import pytest

from symbolset.rounding import round3, rounded


def _bits(values) -> list[bytes]:
    return [struct.pack("<d", v) for v in values]


def test_round3_is_round_to_the_bit():
    rng = np.random.default_rng(17)
    ties = (rng.integers(-300_000, 600_000, 50_000) + 0.5) / 1000  # k + 0.0005: the decimal ties, as doubles
    near = ties + rng.choice([-1, 1], ties.size) * np.spacing(600.0) * rng.integers(0, 4, ties.size)
    special = [0.0, -0.0, -0.0004, 0.0004, -0.0005, 0.0005, 2.675, 1.0005, 0.1 + 0.2, 2.0**49 + 0.3, 2.0**52, 1e300, -1e300]
    values = np.concatenate([rng.uniform(-300, 600, 200_000), rng.uniform(-1, 1, 50_000), ties, near, np.arange(-300.0, 600.0), special])
    want = [round(v, 3) for v in values.tolist()]
    got = round3(values)
    assert all(type(v) is float for v in got)
    assert _bits(got) == _bits(want)
    assert round3(values[:1000].tolist()) == want[:1000]  # a list as well as an array


def test_round3_of_non_finite_values_is_rounds():
    got = round3([1.23456, math.inf, -math.inf, math.nan])
    assert got[:3] == [1.235, math.inf, -math.inf] and math.isnan(got[3])
    assert round3([]) == []


@pytest.mark.parametrize("ndigits", [0, 2, 3, 4, 6])
def test_rounded_is_pythons_round_of_every_value(ndigits):
    """rounding.rounded (NumPy) gives round(v, ndigits) bit for bit, sign of zero included: random
    values, values a hair from a half and exactly on one in decimal, and non-finite or huge ones."""
    rng = np.random.default_rng(ndigits)
    halves = (np.arange(-20000, 20001) + 0.5) / 10**ndigits  # the nearest doubles to x.xxx5: either side of the half
    values = np.concatenate([rng.uniform(-400, 400, 200_000), halves, np.nextafter(halves, np.inf), np.nextafter(halves, -np.inf),
                             [0.0, -0.0, -1e-9, 1e-9, 2.675, -2.675, np.nan, np.inf, -np.inf, 1e300, -1e300, 2.0**60, 2.0**52 / 10**ndigits]])  # fmt: skip
    got = rounded(values, ndigits)
    want = [round(float(v), ndigits) for v in values]
    assert all(type(g) is float for g in got)
    assert json.dumps(got) == json.dumps(want)  # -0.0 and 0.0 differ as text; NaN equals NaN as text
    assert rounded([], ndigits) == []
