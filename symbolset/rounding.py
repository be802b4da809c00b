"""Python's decimal rounding of many numbers at once, to the bit.

Annotations and claims round coordinates with ``round(v, n)``; a clip rounds thousands of them, so
:func:`rounded` does it with NumPy and hands back to Python only the few numbers where NumPy's
shortcut could differ. Ground floor: imported by the renderer and the claims alike.
"""

from __future__ import annotations

import numpy as np


def rounded(values, ndigits: int) -> list[float]:
    """``[round(float(v), ndigits) for v in values]`` (Python's correctly rounded decimal rounding; an
    array of any shape is read flat), at once: NumPy's ``rint(v * 10**n) / 10**n`` is the same number unless ``v * 10**n`` lies within its
    rounding error of a half (or is huge or not finite); those few are rounded by Python."""
    x = np.asarray(values, np.float64).ravel()
    scale = 10.0**ndigits
    y = x * scale
    out = (np.round(y) / scale).tolist()
    with np.errstate(invalid="ignore"):
        unsure = ~(np.abs(y) < 2.0**31) | (np.abs(y - np.floor(y) - 0.5) < 1e-6)
    for i in np.flatnonzero(unsure).tolist():
        out[i] = round(float(x[i]), ndigits)
    return out
