"""Python rows -> an Arrow table of a known schema, built from buffers.

``pa.Table.from_pylist`` (like every ``pa.array`` of Python or NumPy data) imports pandas on its
first call in a process, to ask whether the data is a pandas object: 0.3 CPU-s, paid once by every
process that writes shards, and never used. :func:`table` builds the same arrays from NumPy buffers
with ``pa.Array.from_buffers``, which never asks. It takes the plain values rows are made of (``str``,
``bytes``, ``int``, ``float``, ``list``, ``dict``, no nulls) and returns None for anything else, for
which the caller uses ``from_pylist`` (and its errors) instead.
"""

from __future__ import annotations

import itertools
import operator

import numpy as np
import pyarrow as pa


class _Unsupported(Exception):
    """A value this builder does not take (a null, a tuple, a NumPy scalar ...)."""


_NUMERIC = {pa.int32(): (np.int32, (int,)), pa.int64(): (np.int64, (int,)), pa.float32(): (np.float32, (float, int))}


def _offsets(lengths: list[int]) -> pa.Buffer:
    offsets = np.zeros(len(lengths) + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    if offsets[-1] >= 2**31:
        raise _Unsupported
    return pa.py_buffer(offsets.astype(np.int32))


def _array(t: pa.DataType, values: list) -> pa.Array:
    n = len(values)
    if t in _NUMERIC:
        dtype, kinds = _NUMERIC[t]
        types = set(map(type, values))  # one pass in C; bool is not int here
        if not types <= set(kinds):
            raise _Unsupported
        data = np.array(values, np.float64 if dtype is np.float32 else np.int64)
        if dtype is np.int32 and n and (data.min() < -(2**31) or data.max() >= 2**31):
            raise _Unsupported
        if dtype is np.float32 and int in types and any(type(v) is int and abs(v) > 2**24 for v in values):  # pyarrow refuses inexact ones
            raise _Unsupported
        return pa.Array.from_buffers(t, n, [None, pa.py_buffer(data.astype(dtype))])
    if t in (pa.string(), pa.binary()):
        kind = str if t == pa.string() else bytes
        if values and set(map(type, values)) != {kind}:
            raise _Unsupported
        if kind is str:
            data = "".join(values).encode("utf-8")
            if len(data) == sum(map(len, values)):  # all ASCII: a string's length is its byte count
                return pa.Array.from_buffers(t, n, [None, _offsets(list(map(len, values))), pa.py_buffer(data)])
            values = [v.encode("utf-8") for v in values]
        return pa.Array.from_buffers(t, n, [None, _offsets(list(map(len, values))), pa.py_buffer(b"".join(values))])
    if pa.types.is_struct(t):
        if values and set(map(type, values)) != {dict}:
            raise _Unsupported
        try:
            children = [_array(f.type, list(map(operator.itemgetter(f.name), values))) for f in t]
        except KeyError:
            raise _Unsupported from None
        return pa.StructArray.from_arrays(children, fields=list(t))
    if pa.types.is_fixed_size_list(t):
        if values and (set(map(type, values)) != {list} or set(map(len, values)) != {t.list_size}):
            raise _Unsupported
        return pa.FixedSizeListArray.from_arrays(_array(t.value_type, list(itertools.chain.from_iterable(values))), t.list_size)
    if pa.types.is_list(t):
        if values and set(map(type, values)) != {list}:
            raise _Unsupported
        child = _array(t.value_type, list(itertools.chain.from_iterable(values)))
        return pa.Array.from_buffers(t, n, [None, _offsets(list(map(len, values)))], children=[child])
    raise _Unsupported


def table(rows: list[dict], schema: pa.Schema) -> pa.Table | None:
    """``rows`` as a table of ``schema`` (equal to ``pa.Table.from_pylist(rows, schema=schema)``), or
    None when a value is not one this builder takes."""
    if not rows or any(type(r) is not dict for r in rows):
        return None
    try:
        return pa.Table.from_arrays([_array(f.type, [r[f.name] for r in rows]) for f in schema], schema=schema)
    except (_Unsupported, KeyError):
        return None
