"""Python's decimal rounding (``round(v, n)``) of many floats, to the bit, for less than ``round`` costs.

Annotations round every coordinate to 3 decimals with ``round``, which writes each float as a
correctly rounded decimal and parses it back (0.4-0.9 us a value here; a frame's character boxes
ask dozens). :func:`round3` takes a shorter way where it provably lands on the same float:
``r = round(v * 1000)`` is that decimal's digits whenever ``v * 1000`` lies within 0.4999 of ``r`` (the
product's rounding error, at most half an ulp, cannot cross a tie from there), and ``r / 1000`` (an
exact integer over 1000, correctly rounded) is then the double nearest that decimal, which is what
``round`` parses back. Near a tie, at zero (whose sign ``round`` keeps and an integer would lose),
for huge values and non-finite ones, ``round`` itself answers. :func:`rounded` is the same argument
with NumPy, at any number of digits, for long runs of numbers (a curve's vertices, a lane's centres).
Ground floor: imported by the renderer and the claims alike.
"""

from __future__ import annotations

import numpy as np

_LIMIT = 1 << 50  # |r| under this: v * 1000's ulp is at most 1/8, far below the 0.0001 margin


def round3(values) -> list[float]:
    """``[round(v, 3) for v in values]`` for Python floats (a NumPy array: of its ``tolist()``)."""
    if hasattr(values, "tolist"):
        values = values.tolist()
    out = []
    try:
        for v in values:
            y = v * 1000.0
            r = round(y)
            out.append(r / 1000 if -0.4999 < y - r < 0.4999 and r and -_LIMIT < r < _LIMIT else round(v, 3))
    except (OverflowError, ValueError):  # round(inf), round(nan)
        return [round(v, 3) for v in values]
    return out


def rounded(values, ndigits: int) -> list[float]:
    """``[round(float(v), ndigits) for v in values]`` (an array of any shape is read flat), at once:
    NumPy's ``rint(v * 10**n) / 10**n`` is the same number unless ``v * 10**n`` lies within its
    rounding error of a half (or is huge or not finite); those few are rounded by Python. (NumPy's
    rint keeps a zero's sign, as ``round`` does.) Pays from a few dozen numbers on."""
    x = np.asarray(values, np.float64).ravel()
    scale = 10.0**ndigits
    y = x * scale
    out = (np.round(y) / scale).tolist()
    with np.errstate(invalid="ignore"):
        unsure = ~(np.abs(y) < 2.0**31) | (np.abs(y - np.floor(y) - 0.5) < 1e-6)
    for i in np.flatnonzero(unsure).tolist():
        out[i] = round(float(x[i]), ndigits)
    return out
