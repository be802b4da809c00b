"""The on-disk layout of a SymbolSet dataset folder, and the atomic writes that build it.

This is the ground floor every reader and writer shares (it depends only on ``errors`` and pyarrow)::

    README.md                                   dataset card (written by ``hub``)
    manifest.json                               config, counts, every shard's rows / bytes / sha256
    data/<split>-NNNNN-of-MMMMM.parquet         the rows (schema: symbolset.record.FEATURES)
    thumbnails/<family>.png                     a strip of frames per family (written by ``hub``)

Readers (loaders, converters, viewer, bench) import this module, never ``build`` or the renderer.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pyarrow.parquet as pq

from .errors import SymbolSetError

MANIFEST = "manifest.json"
SPLITS = ("train", "validation", "test")


def shard_file(split: str, index: int, count: int) -> str:
    """The path, relative to the dataset folder, of shard ``index`` of ``count`` of ``split``."""
    return f"data/{split}-{index:05d}-of-{count:05d}.parquet"


def write_json_atomic(path: Path, data) -> None:
    """Write JSON under a temporary name, fsync, then rename."""
    write_bytes_atomic(path, (json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode())


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write bytes under a temporary name, fsync, then rename over ``path`` (parents are created).

    :class:`SymbolSetError` naming the path when it cannot be written.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        raise SymbolSetError(f"{path}: cannot write ({exc.strerror})") from None
    finally:
        tmp.unlink(missing_ok=True)


def write_folder_atomic(path: Path, files: dict[str, bytes]) -> None:
    """Write a folder of files atomically: fill a hidden temporary folder, then rename it to ``path``."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.tmp-", dir=path.parent))
    except OSError as exc:
        raise SymbolSetError(f"{path}: cannot write ({exc.strerror})") from None
    try:
        for name, data in files.items():
            (tmp / name).write_bytes(data)
        os.replace(tmp, path)
    except OSError as exc:
        raise SymbolSetError(f"{path}: cannot write ({exc.strerror})") from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)


def write_parquet(table, path: Path) -> None:
    """Write a shard atomically. The video column is uncompressed, PLAIN-encoded, without dictionary
    (as ``datasets`` >= 4.6 writes it), so readers can seek to one clip's bytes; other columns use zstd."""
    video_cols = ["video.bytes", "video.path"]
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        pq.write_table(
            table,
            tmp,
            row_group_size=32,
            compression={c: ("none" if c.startswith("video") else "zstd") for c in _leaf_columns(table.schema)},
            use_dictionary=[c for c in _leaf_columns(table.schema) if c not in video_cols],
            column_encoding={"video.bytes": "PLAIN"},
            write_statistics=[c for c in _leaf_columns(table.schema) if c not in video_cols],
        )
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _leaf_columns(schema) -> list[str]:
    out = []

    def walk(name, typ):
        if hasattr(typ, "num_fields") and typ.num_fields and not hasattr(typ, "value_type"):
            for i in range(typ.num_fields):
                f = typ.field(i)
                walk(f"{name}.{f.name}", f.type)
        elif hasattr(typ, "value_type"):
            walk(f"{name}.list.element", typ.value_type)
        else:
            out.append(name)

    for field in schema:
        walk(field.name, field.type)
    return out


def load_manifest(root: str | Path) -> dict:
    """The dataset's manifest; :class:`SymbolSetError` when missing or malformed."""
    path = Path(root) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SymbolSetError(f"{path}: missing (not a SymbolSet dataset folder, or an unfinished run)") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SymbolSetError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("shards"), list):
        raise SymbolSetError(f"{path}: malformed manifest (no shard list)")
    return manifest


def shard_paths(root: str | Path, split: str | None = None) -> list[Path]:
    """Parquet shards of a dataset folder (one split, or all), in order."""
    data = Path(root) / "data"
    if not data.is_dir():
        raise SymbolSetError(f"{root}: no data/ folder (not a Hub-layout dataset)")
    pattern = f"{split}-*.parquet" if split else "*.parquet"
    paths = sorted(data.glob(pattern))
    if split is None:
        paths.sort(key=lambda p: (SPLITS.index(p.name.split("-")[0]) if p.name.split("-")[0] in SPLITS else 9, p.name))
    return paths


def iter_rows(root: str | Path, split: str | None = None, columns: list[str] | None = None):
    """Rows of a dataset folder as dicts, shard by shard (memory: one row group at a time)."""
    for path in shard_paths(root, split):
        try:
            pf = pq.ParquetFile(path)
            for i in range(pf.num_row_groups):
                yield from pf.read_row_group(i, columns=columns).to_pylist()
        except (OSError, ValueError) as exc:
            raise SymbolSetError(f"{path}: unreadable Parquet shard ({exc})") from None


def find_record(root: str | Path, sample_id: str) -> dict:
    """The row with id ``sample_id``; :class:`SymbolSetError` when no shard holds it."""
    for path in shard_paths(root):
        try:
            table = pq.read_table(path, filters=[("id", "=", sample_id)])
        except (OSError, ValueError) as exc:
            raise SymbolSetError(f"{path}: unreadable Parquet shard ({exc})") from None
        if table.num_rows:
            return table.to_pylist()[0]
    raise SymbolSetError(f"{root}: no record with id {sample_id!r}")
