"""Whole shards as Arrow tables: the fast path of a conversion into the Parquet layout.

Read record by record, a WebDataset or TFRecord shard turns every record's metadata JSON into Python
objects (hundreds per frame, for the annotations) only for the Parquet writer to turn them back into
Arrow. Here a shard's JSON is parsed by pyarrow's JSON reader (C++) straight into the record schema,
and the record checksums are checked on the columns.

The fast path never decides what is valid: when anything in a shard is off (JSON that does not
parse, a missing field, a null, a value of another type, a list of the wrong length), it gives up
(``None``) and the reader reads that shard again record by record, whose checks decide and name the
file and the record. Where the fast path takes a shard it gives the table the slow path gives (tested).
A shard is held in memory whole while it is read (its bytes, its members and its table: about three
times its size).
"""

from __future__ import annotations

import io

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

from symbolset.errors import SymbolSetError
from symbolset.layout import check_record
from symbolset.record import SCHEMA, to_table

from . import fields


def _parse_type(t: pa.DataType) -> pa.DataType:
    """The type the JSON reader parses into: float64 for float32 (then cast, rounding as Python's
    float -> float32 does) and variable lists for fixed-size ones (the cast checks their length)."""
    if pa.types.is_float32(t):
        return pa.float64()
    if pa.types.is_struct(t):
        return pa.struct([pa.field(f.name, _parse_type(f.type)) for f in t])
    if pa.types.is_list(t) or pa.types.is_fixed_size_list(t):
        return pa.list_(_parse_type(t.value_type))
    return t


def _has_nulls(arr) -> bool:
    """Whether a (chunked) array holds a null at any depth."""
    chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
    for a in chunks:
        if a.null_count:
            return True
        t = a.type
        if pa.types.is_struct(t):
            if any(_has_nulls(a.field(i)) for i in range(t.num_fields)):
                return True
        elif (pa.types.is_list(t) or pa.types.is_fixed_size_list(t)) and _has_nulls(a.flatten()):
            return True
    return False


def parse_json(lines: list[bytes], names: list[str], strict: bool = False) -> dict[str, pa.ChunkedArray] | None:
    """The columns ``names`` (of :data:`~symbolset.record.SCHEMA`; any other is a string) of one JSON object
    per line, cast to the record's types; None when a line does not fit them exactly. Keys that are
    not columns are ignored, or with ``strict`` make it None (a key given twice always does)."""
    if not lines or any(b"\n" in line or b"\r" in line for line in lines):
        return None
    schema = pa.schema([pa.field(n, _parse_type(SCHEMA.field(n).type) if n in SCHEMA.names else pa.string()) for n in names])
    try:
        table = pj.read_json(
            io.BytesIO(b"\n".join(lines)),
            # One block, one thread: worker processes are the parallelism.
            read_options=pj.ReadOptions(use_threads=False, block_size=max(1 << 20, 2 * sum(map(len, lines)))),
            parse_options=pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="error" if strict else "ignore"),
        )
        if table.num_rows != len(lines) or any(_has_nulls(table.column(n)) for n in names):
            return None
        return {n: table.column(n).cast(SCHEMA.field(n).type, safe=False) if n in SCHEMA.names else table.column(n) for n in names}
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return None


def assemble(columns: dict[str, pa.ChunkedArray], videos: list[bytes]) -> pa.Table:
    """The table of the record schema from every column but ``video`` (with ``video_path``), and the videos' bytes."""
    paths = columns[fields.VIDEO_PATH].combine_chunks()
    video = pa.StructArray.from_arrays([bytes_array(videos), paths], fields=list(SCHEMA.field("video").type))
    return pa.Table.from_arrays([pa.chunked_array([video]) if f.name == "video" else columns[f.name] for f in SCHEMA], schema=SCHEMA)


def bytes_array(values: list[bytes], typ: pa.DataType | None = None) -> pa.Array:
    """A binary (or string: then checked to be UTF-8) array of ``values``, built from two buffers;
    :class:`pyarrow.ArrowInvalid` when a string is not UTF-8 or the whole is 2 GiB or more.

    ``pa.array`` of a list would do, but imports pandas when it is installed: a second or more in a
    fresh process (the CLI, each worker), more than the rest of a conversion of a few hundred clips."""
    sizes = np.fromiter(map(len, values), np.int64, len(values))
    if sizes.sum() >= 2**31:  # past 32-bit offsets: the record-by-record path chunks the column
        raise pa.ArrowInvalid("over 2 GiB in one column")
    offsets = np.zeros(len(values) + 1, np.int32)
    np.cumsum(sizes, out=offsets[1:])
    arr = pa.Array.from_buffers(typ or pa.binary(), len(values), [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(values))])
    arr.validate(full=True)  # raises ArrowInvalid for a string that is not UTF-8
    return arr


def check_records(table: pa.Table, videos: list[bytes], source) -> None:
    """Every record's video and spec against its checksum (:func:`symbolset.layout.check_record`)."""
    for sample_id, video, spec, checksum in zip(*(table.column(c).to_pylist() for c in ("id",)), videos,
                                                table.column("spec").to_pylist(), table.column("checksum").to_pylist()):  # fmt: skip
        check_record({"id": sample_id, "video": {"bytes": video}, "spec": spec, "checksum": checksum}, f"{source}: record {sample_id!r}")


def rows_table(rows: list[dict], source, shard) -> pa.Table:
    """The slow path's table: records read one by one from ``shard``, each checked against its checksum;
    :class:`SymbolSetError` naming the shard and record when a field does not fit the record schema."""
    for row in rows:
        check_record(row, f"{source}: record {row.get('id')!r}")
    try:
        return to_table(rows)
    except (pa.ArrowException, TypeError, ValueError):
        for row in rows:
            try:
                to_table([row])
            except (pa.ArrowException, TypeError, ValueError) as exc:
                raise SymbolSetError(f"{shard}: record {row.get('id')!r}: a field does not fit the record schema ({exc})") from None
        raise


def sizes(table: pa.Table) -> list[int]:
    """Each record's size as the Parquet writer counts it for ``--shard-bytes`` (video bytes + spec characters)."""
    video = pc.binary_length(table.column("video").combine_chunks().field("bytes"))
    spec = pc.utf8_length(table.column("spec"))
    return pc.add(video, spec).to_pylist()


def take(rows: list[tuple[pa.Table, int]]) -> pa.Table:
    """One table of the rows ``(table, index)``, in order (runs of the same table taken at once)."""
    parts: list[tuple[pa.Table, list[int]]] = []
    for table, i in rows:
        if parts and parts[-1][0] is table:
            parts[-1][1].append(i)
        else:
            parts.append((table, [i]))
    return pa.concat_tables([t.take(_int64_array(idx)) for t, idx in parts]).combine_chunks()


def _int64_array(values: list[int]) -> pa.Array:
    data = np.asarray(values, np.int64)
    return pa.Array.from_buffers(pa.int64(), len(data), [None, pa.py_buffer(data)])  # not pa.array: see bytes_array
