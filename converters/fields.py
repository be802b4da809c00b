"""The one mapping between a SymbolSet record and the flat fields every format stores.

A record (a row of :data:`symbolset.record.SCHEMA`) is split into

- its **video bytes** (stored as the format's own file / member / feature), and
- its **metadata**: every other column, plus ``video_path`` (the record's ``video.path``).

Text formats (WebDataset ``.json``, folder ``metadata.jsonl``) store the metadata as JSON.
TFRecord stores it as named features flattened from the record's types (:data:`symbolset.record.ROW`):
nested structs become ``parent/child`` names, strings become ``bytes`` features, integers
``int64``, floats ``float`` (float32, the record's own precision), and lists of structs
(``annotations``) one JSON ``bytes`` feature. :func:`join_row` is the inverse of :func:`split_row`.
"""

from __future__ import annotations

import json

import orjson

from symbolset.errors import SymbolSetError
from symbolset.record import COLUMNS, ROW

META_COLUMNS = tuple(c for c in COLUMNS if c != "video")
VIDEO_PATH = "video_path"
JSON_FEATURES = ("annotations",)  # list-of-struct columns stored as one JSON string in flat formats


def split_row(row: dict) -> tuple[bytes, dict]:
    """``(video bytes, metadata)`` of a record."""
    meta = {c: row[c] for c in META_COLUMNS}
    meta[VIDEO_PATH] = row["video"]["path"]
    return row["video"]["bytes"], meta


def join_row(meta: dict, video: bytes, where: str) -> dict:
    """The record of ``meta`` + ``video``; :class:`SymbolSetError` naming ``where`` if a field is missing."""
    missing = [c for c in (*META_COLUMNS, VIDEO_PATH) if c not in meta]
    if missing:
        raise SymbolSetError(f"{where}: missing field(s) {', '.join(missing)} (not a SymbolSet record)")
    if not isinstance(video, bytes | bytearray) or not video:
        raise SymbolSetError(f"{where}: no video bytes")
    row = {c: meta[c] for c in META_COLUMNS}
    row["video"] = {"bytes": bytes(video), "path": meta[VIDEO_PATH]}
    return {c: row[c] for c in COLUMNS}


def dumps(meta) -> bytes:
    """Compact UTF-8 JSON bytes. Keys keep the record schema's order (no sorting), so the same metadata
    gives the same bytes. orjson does it in native code (per-frame annotations made ``json`` the
    converters' largest cost); it writes NaN and infinity as ``null``, which ``json`` refuses as we do."""
    data = orjson.dumps(meta)
    # Only then look for a value JSON cannot hold: when the output has more "null"s than the spec text
    # (escaping a string never removes one) -- a spec's own nulls (e.g. a blank digit) are no reason.
    if data.count(b"null") > (meta["spec"].count("null") if isinstance(meta, dict) and isinstance(meta.get("spec"), str) else 0):
        json.dumps(meta, allow_nan=False)
    return data


def loads(data: bytes, where: str) -> dict:
    """Parse a JSON object; :class:`SymbolSetError` naming ``where`` when it is not one."""
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise SymbolSetError(f"{where}: not valid JSON ({exc})") from None
    if not isinstance(obj, dict):
        raise SymbolSetError(f"{where}: expected a JSON object, got {type(obj).__name__}")
    return obj


# ------------------------------------------------------------------ flat (TFRecord) features


def _kind(dtype: str) -> str:
    return "bytes" if dtype == "string" else "float" if dtype.startswith("float") else "int64"


def feature_spec() -> dict[str, str]:
    """Name -> kind (``bytes`` / ``int64`` / ``float``) of every flat feature of a record, video included."""
    spec: dict[str, str] = {}

    def walk(prefix: str, row: dict) -> None:  # record.ROW: the row's types as plain data (no `datasets` import)
        for name, dtype in row.items():
            key = f"{prefix}{name}"
            if isinstance(dtype, dict):
                walk(key + "/", dtype)
            elif dtype == "video":
                spec[f"{key}/bytes"] = "bytes"
                spec[f"{key}/path"] = "bytes"
            elif name in JSON_FEATURES:
                spec[key] = "bytes"
            else:
                spec[key] = _kind(dtype)

    walk("", ROW)
    return spec


SPEC = feature_spec()


def _get(meta: dict, key: str):
    if key == "video/path":
        return meta[VIDEO_PATH]
    value = meta
    for part in key.split("/"):
        value = value[part]
    return value


def flatten(meta: dict) -> dict[str, tuple[str, list]]:
    """Metadata -> ``{feature name: (kind, values)}`` (every feature of :data:`SPEC` except ``video/bytes``)."""
    out = {}
    for key, kind in SPEC.items():
        if key == "video/bytes":
            continue
        value = _get(meta, key)
        if key in JSON_FEATURES:
            value = dumps(value)
        elif kind == "bytes":
            value = value.encode()
        out[key] = (kind, [value])
    return out


def unflatten(flat: dict[str, tuple[str, list]], where: str, raw_json: bool = False) -> dict:
    """``{feature name: (kind, values)}`` -> metadata (inverse of :func:`flatten`); with ``raw_json`` the
    JSON features (:data:`JSON_FEATURES`) stay the JSON bytes they are stored as."""
    meta: dict = {}
    for key, kind in SPEC.items():
        if key == "video/bytes":
            continue
        if key not in flat:
            raise SymbolSetError(f"{where}: missing feature {key!r} (not a SymbolSet record)")
        got_kind, values = flat[key]
        if got_kind != kind or len(values) != 1:
            raise SymbolSetError(f"{where}: feature {key!r}: expected one {kind} value, got {len(values)} {got_kind}")
        value = values[0]
        if key in JSON_FEATURES and not raw_json:
            try:
                value = orjson.loads(value)
            except orjson.JSONDecodeError as exc:
                raise SymbolSetError(f"{where}: feature {key!r}: not valid JSON ({exc})") from None
        elif kind == "bytes" and key not in JSON_FEATURES:
            value = value.decode()
        if key == "video/path":
            meta[VIDEO_PATH] = value
            continue
        parts = key.split("/")
        node = meta
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return meta
