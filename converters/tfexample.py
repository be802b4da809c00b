"""``tf.train.Example`` / ``tf.train.SequenceExample`` in the protobuf wire format, without TensorFlow.

The messages (tensorflow/core/example/{example,feature}.proto) are small and stable::

    Example         { Features features = 1; }
    SequenceExample { Features context = 1; FeatureLists feature_lists = 2; }
    Features        { map<string, Feature> feature = 1; }          // entry: key = 1, value = 2
    FeatureLists    { map<string, FeatureList> feature_list = 1; }
    FeatureList     { repeated Feature feature = 1; }
    Feature         { oneof kind { BytesList bytes_list = 1; FloatList float_list = 2; Int64List int64_list = 3; } }
    BytesList { repeated bytes value = 1; }  FloatList { repeated float value = 1 [packed]; }
    Int64List { repeated int64 value = 1 [packed]; }

A feature is given here as ``(kind, values)`` with kind ``"bytes"``, ``"float"`` or ``"int64"``.
Map entries are written in sorted key order, so the same features give the same bytes.
The decoder accepts packed and unpacked numeric lists (both are valid protobuf).
"""

from __future__ import annotations

import functools
import struct

from symbolset.errors import SymbolSetError

KINDS = {"bytes": 1, "float": 2, "int64": 3}
_KIND_NAMES = {v: k for k, v in KINDS.items()}


class ProtoError(SymbolSetError):
    """Bytes that are not a valid Example / SequenceExample."""


# ---------------------------------------------------------------- encoding


_SMALL = [bytes((i,)) for i in range(0x80)]


def _varint(n: int) -> bytes:
    if 0 <= n < 0x80:  # most tags, lengths and values: one byte
        return _SMALL[n]
    n &= (1 << 64) - 1  # negative int64 -> two's complement, 10 bytes
    out = bytearray()
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    """A length-delimited field (wire type 2)."""
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def encode_feature(kind: str, values) -> bytes:
    """One ``Feature`` message."""
    if kind == "bytes":
        inner = b"".join(_field(1, v) for v in values)
    elif kind == "float":
        inner = _field(1, struct.pack(f"<{len(values)}f", *values)) if len(values) else b""
    elif kind == "int64":
        inner = _field(1, b"".join(_varint(int(v)) for v in values)) if len(values) else b""
    else:
        raise ValueError(f"unknown feature kind {kind!r}")
    return _field(KINDS[kind], inner)


@functools.lru_cache(maxsize=1024)
def _key(key: str) -> bytes:
    return _field(1, key.encode())


def _features(features: dict) -> bytes:
    return b"".join(_field(1, _key(key) + _field(2, encode_feature(*features[key]))) for key in sorted(features))


def encode_example(features: dict[str, tuple[str, list]]) -> bytes:
    """A serialized ``tf.train.Example``."""
    return _field(1, _features(features))


def encode_sequence_example(context: dict[str, tuple[str, list]], feature_lists: dict[str, tuple[str, list[list]]]) -> bytes:
    """A serialized ``tf.train.SequenceExample``; ``feature_lists[name] = (kind, [values per step])``."""
    lists = b""
    for key in sorted(feature_lists):
        kind, steps = feature_lists[key]
        body = b"".join(_field(1, encode_feature(kind, step)) for step in steps)
        lists += _field(1, _field(1, key.encode()) + _field(2, body))
    return _field(1, _features(context)) + _field(2, lists)


# ---------------------------------------------------------------- decoding


def _read_varint(buf: memoryview, pos: int) -> tuple[int, int]:
    if pos < len(buf) and buf[pos] < 0x80:  # one byte: the common case
        return buf[pos], pos + 1
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise ProtoError("truncated varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise ProtoError("varint too long")


def _fields(buf: memoryview):
    """Yield ``(number, wire_type, value)``; value is a memoryview for wire type 2, an int otherwise."""
    pos = 0
    while pos < len(buf):
        key, pos = _read_varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _read_varint(buf, pos)
        elif wire == 2:
            size, pos = _read_varint(buf, pos)
            if pos + size > len(buf):
                raise ProtoError("truncated field")
            value, pos = buf[pos : pos + size], pos + size
        elif wire == 5:
            value, pos = bytes(buf[pos : pos + 4]), pos + 4
        elif wire == 1:
            value, pos = bytes(buf[pos : pos + 8]), pos + 8
        else:
            raise ProtoError(f"unsupported wire type {wire}")
        if pos > len(buf):
            raise ProtoError("truncated field")
        yield number, wire, value


def _signed(n: int) -> int:
    return n - (1 << 64) if n >= 1 << 63 else n


def decode_feature(buf: memoryview) -> tuple[str, list]:
    """One ``Feature`` message -> ``(kind, values)``."""
    kind, values = "bytes", []
    for number, wire, inner in _fields(buf):
        if wire != 2 or number not in _KIND_NAMES:
            raise ProtoError(f"unexpected field {number} in Feature")
        kind = _KIND_NAMES[number]
        values = []
        for n, w, v in _fields(inner):
            if n != 1:
                continue
            if kind == "bytes":
                values.append(bytes(v))
            elif kind == "float":
                if w == 2 and len(v) % 4:
                    raise ProtoError(f"packed floats of {len(v)} bytes (not a multiple of 4)")
                values.extend(struct.unpack(f"<{len(v) // 4}f", bytes(v)) if w == 2 else struct.unpack("<f", v))
            elif w == 2:
                pos = 0
                while pos < len(v):
                    x, pos = _read_varint(v, pos)
                    values.append(_signed(x))
            else:
                values.append(_signed(v))
    return kind, values


def _map_entries(buf: memoryview):
    for number, wire, entry in _fields(buf):
        if number != 1 or wire != 2:
            continue
        key, value = "", memoryview(b"")
        for n, w, v in _fields(entry):
            if n == 1 and w == 2:
                key = bytes(v).decode()
            elif n == 2 and w == 2:
                value = v
        yield key, value


def _decode_features(buf: memoryview) -> dict:
    return {key: decode_feature(value) for key, value in _map_entries(buf)}


def decode_example(data: bytes) -> dict[str, tuple[str, list]]:
    """A serialized ``tf.train.Example`` -> ``{name: (kind, values)}``."""
    features: dict = {}
    for number, wire, value in _fields(memoryview(data)):
        if number == 1 and wire == 2:
            features.update(_decode_features(value))
    return features


def decode_sequence_example(data: bytes) -> tuple[dict, dict]:
    """A serialized ``tf.train.SequenceExample`` -> ``(context, {name: (kind, [values per step])})``."""
    context: dict = {}
    lists: dict = {}
    for number, wire, value in _fields(memoryview(data)):
        if number == 1 and wire == 2:
            context.update(_decode_features(value))
        elif number == 2 and wire == 2:
            for key, body in _map_entries(value):
                steps = [decode_feature(f) for n, w, f in _fields(body) if n == 1 and w == 2]
                lists[key] = (steps[0][0] if steps else "bytes", [vals for _, vals in steps])
    return context, lists
