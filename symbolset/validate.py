"""Check a dataset folder (or an fsspec URL of one): manifest, schema, counts, shard and record checksums, specs, and that every video decodes."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from . import codec, layout, remote
from .errors import SymbolSetError
from .record import SCHEMA
from .spec import from_json


def validate_dataset(root: str | Path, *, decode: bool = True) -> list[str]:
    """Every problem found in the dataset folder, one line each (empty when it is sound)."""
    root = str(root).rstrip("/") if remote.is_url(str(root)) else Path(root)
    try:
        manifest = layout.load_manifest(root)
        files = _Files(root)
    except SymbolSetError as exc:
        return [str(exc)]
    problems = []
    if files.read("README.md") is None:
        problems.append(f"{remote.join(root, 'README.md')}: missing dataset card")
    listed = {e["file"] for e in manifest["shards"]}
    for path in layout.shard_paths(root):
        rel = f"data/{Path(path).name}"
        if rel not in listed:
            problems.append(f"{path}: shard not listed in {layout.MANIFEST}")
    ids: set[str] = set()
    for entry in manifest["shards"]:
        problems += _check_shard(files, entry, ids, decode)
    total = sum(v["rows"] for v in manifest.get("splits", {}).values())
    if total != sum(e["rows"] for e in manifest["shards"]):
        problems.append(f"{layout.MANIFEST}: split counts ({total}) disagree with shard rows")
    return problems


class _Files:
    """The files of a dataset folder or URL, read whole (None when missing)."""

    def __init__(self, root: Path | str):
        self.root, self.store = root, remote.Store(root) if isinstance(root, str) else None

    def read(self, rel: str) -> bytes | None:
        if self.store is not None:
            return self.store.read_bytes(rel)
        path = self.root / rel
        return path.read_bytes() if path.is_file() else None


def _check_shard(files: _Files, entry: dict, ids: set, decode: bool) -> list[str]:
    path = remote.join(files.root, entry["file"])
    data = files.read(entry["file"])
    if data is None:
        return [f"{path}: missing (listed in {layout.MANIFEST})"]
    if codec.sha256(data) != entry["sha256"]:
        return [f"{path}: sha256 mismatch (file changed or damaged)"]
    try:
        table = pq.read_table(pa.BufferReader(data))
    except Exception as exc:  # pyarrow raises several types for damaged files
        return [f"{path}: unreadable Parquet ({exc})"]
    problems = []
    if not table.schema.equals(SCHEMA, check_metadata=False):
        problems.append(f"{path}: schema differs from symbolset.record.SCHEMA")
        return problems
    if table.num_rows != entry["rows"]:
        problems.append(f"{path}: {table.num_rows} rows, manifest says {entry['rows']}")
    for row in table.to_pylist():
        where = f"{Path(path).name}: record {row['id']}"
        if row["id"] in ids:
            problems.append(f"{where}: duplicate id")
        ids.add(row["id"])
        try:
            layout.check_record(row, where)
        except SymbolSetError as exc:
            problems.append(str(exc))
        if row["split"] != entry["split"]:
            problems.append(f"{where}: split {row['split']!r} in a {entry['split']} shard")
        try:
            spec = from_json(row["spec"], "spec")
        except SymbolSetError as exc:
            problems.append(f"{where}: {exc}")
            continue
        for field in ("num_frames", "width", "height"):
            if row[field] != spec[field]:
                problems.append(f"{where}: {field} {row[field]} disagrees with its spec ({spec[field]})")
        if len(row["annotations"]) != row["num_frames"]:
            problems.append(f"{where}: {len(row['annotations'])} annotation frames for {row['num_frames']} video frames")
        for lang in ("en", "zh"):
            for g in ("short", "detailed", "temporal"):
                if not row["captions"][lang][g]:
                    problems.append(f"{where}: empty caption {lang}.{g}")
        if decode:
            try:
                frames = codec.decode(row["video"]["bytes"], where)
            except codec.VideoError as exc:
                problems.append(str(exc))
                continue
            if frames.shape[:3] != (row["num_frames"], row["height"], row["width"]):
                problems.append(f"{where}: video decodes to {list(frames.shape[:3])}, expected {[row['num_frames'], row['height'], row['width']]}")
    return problems
