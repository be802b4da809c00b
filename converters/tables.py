"""Whole shards as Arrow tables: the fast path of a conversion into the Parquet layout.

Read record by record, a WebDataset or TFRecord shard turns every record's metadata JSON into Python
objects (hundreds per frame, for the annotations) only for the Parquet writer to turn them back into
Arrow. Here a shard's JSON is parsed by pyarrow's JSON reader (C++) straight into the record schema,
and the record checksums are checked on the columns.

The fast path never decides what is valid: when anything in a shard is off (JSON that does not
parse, a missing field, a null, a value of another type, a list of the wrong length), it gives up
(``None``) and the reader reads that shard again record by record, whose checks name the file and
the record. So both paths accept and refuse the same input and give the same table.
"""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

from symbolset.errors import SymbolSetError
from symbolset.layout import check_record
from symbolset.record import SCHEMA, to_table


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


def parse_json(lines: list[bytes], names: list[str]) -> dict[str, pa.ChunkedArray] | None:
    """The columns ``names`` (of :data:`~symbolset.record.SCHEMA`, or ``video_path``) of one JSON object
    per line, cast to the record's types; None when a line does not fit them exactly."""
    if not lines or any(b"\n" in line or b"\r" in line for line in lines):
        return None
    schema = pa.schema([pa.field(n, pa.string() if n == "video_path" else _parse_type(SCHEMA.field(n).type)) for n in names])
    try:
        table = pj.read_json(
            io.BytesIO(b"\n".join(lines)),
            read_options=pj.ReadOptions(use_threads=False, block_size=max(1 << 20, 2 * sum(map(len, lines)))),  # one block: workers are the parallelism
            parse_options=pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore"),
        )
        if table.num_rows != len(lines) or any(_has_nulls(table.column(n)) for n in names):
            return None
        return {n: table.column(n) if n == "video_path" else table.column(n).cast(SCHEMA.field(n).type, safe=False) for n in names}
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return None


def assemble(columns: dict[str, pa.ChunkedArray | pa.Array], videos: list[bytes], paths) -> pa.Table:
    """The table of the record schema from every column but ``video``, and the videos' bytes and paths."""
    video = pa.StructArray.from_arrays(
        [pa.array(videos, pa.binary()), pa.chunked_array(paths).combine_chunks() if isinstance(paths, pa.ChunkedArray) else pa.array(paths, pa.string())],
        fields=list(SCHEMA.field("video").type),
    )
    arrays = [video if f.name == "video" else columns[f.name] for f in SCHEMA]
    return pa.Table.from_arrays([a if isinstance(a, pa.ChunkedArray) else pa.chunked_array([a]) for a in arrays], schema=SCHEMA)


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
    return pa.concat_tables([t.take(idx) for t, idx in parts]).combine_chunks()
