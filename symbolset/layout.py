"""The on-disk layout of a SymbolSet dataset folder, and the atomic writes that build it
(their code is in ``atomic.py``; every name of it is re-exported here).

This is the ground floor every reader and writer shares (it depends only on ``errors``, ``atomic``, ``remote`` and pyarrow)::

    README.md                                   dataset card (written by ``hub``)
    manifest.json                               config, counts, every shard's rows / bytes / sha256
    data/<split>-NNNNN-of-MMMMM.parquet         the rows (schema: symbolset.record.FEATURES)
    thumbnails/<family>.png                     a strip of frames per family (written by ``hub``)
    .symbolset-output.json, .symbolset.lock     which command made the folder; the lock of a run

Each row carries a ``checksum`` (:func:`record_checksum`, checked by :func:`check_record`). Every
command that writes a folder claims it with :func:`claim_output` (lock, source and ``--overwrite`` rules).

Readers (loaders, converters, viewer, bench) import this module, never ``build`` or the renderer.
The readers here (:func:`load_manifest`, :func:`shard_paths`, :func:`iter_rows`, :func:`find_record`,
:func:`verify_files`) also take an fsspec URL (``s3://bucket/prefix``; :mod:`symbolset.remote`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pyarrow.parquet as pq

from . import remote
from .atomic import os_error, remove_temporaries, replace_folder, write_bytes_atomic, write_folder_atomic, write_json_atomic  # noqa: F401 (re-exported)
from .errors import SymbolSetError

MANIFEST = "manifest.json"
SPLITS = ("train", "validation", "test")


def shard_file(split: str, index: int, count: int) -> str:
    """The path, relative to the dataset folder, of shard ``index`` of ``count`` of ``split``."""
    return f"data/{split}-{index:05d}-of-{count:05d}.parquet"


def record_checksum(video: bytes, spec: str) -> str:
    """The per-record checksum stored in the ``checksum`` column: the sha256 (hex) of the video bytes
    and the spec text (the video's length comes first, so no byte can move between the two)."""
    h = hashlib.sha256(len(video).to_bytes(8, "big"))
    h.update(video)
    h.update(spec.encode("utf-8"))
    return h.hexdigest()


def check_record(row: dict, where: str | None = None) -> None:
    """Check a row's video bytes and spec against its ``checksum`` column.

    :class:`SymbolSetError` naming the record (``where``, default ``record <id>``) when the checksum is
    missing or does not match: a flipped byte in a video or a spec never passes for a valid record.
    """
    where = where or f"record {row.get('id')!r}"
    stored = row.get("checksum")
    video = (row.get("video") or {}).get("bytes")
    spec = row.get("spec")
    if not stored:
        raise SymbolSetError(f"{where}: no checksum (made by an older symbolset; regenerate it)")
    if not isinstance(video, bytes | bytearray) or not isinstance(spec, str):
        raise SymbolSetError(f"{where}: no video bytes or spec to check")
    if record_checksum(bytes(video), spec) != stored:
        raise SymbolSetError(f"{where}: checksum mismatch (video or spec changed or damaged)")


def write_parquet(table, path: Path, sync: bool = True) -> None:
    """Write a shard atomically. The video column is uncompressed, PLAIN-encoded, without dictionary
    (as ``datasets`` >= 4.6 writes it), so readers can seek to one clip's bytes; other columns use zstd.
    ``sync=False``: no fsync (the caller makes many files durable at once, before anything points to them)."""
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
        if sync:
            with open(tmp, "rb+") as f:
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:  # disk full, permission denied, read-only file system
        raise SymbolSetError(f"{path}: cannot write ({exc.strerror or exc})") from None
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


def verify_files(root: str | Path, entries: list[dict]) -> None:
    """Check each listed file (``{"file": relative path, "sha256": hex}``, as a manifest lists its shards)
    against its sha256; :class:`SymbolSetError` naming the first missing or damaged one."""
    if remote.is_url(str(root)):
        store = remote.Store(str(root))
        present = store.files()
        for entry in entries:
            if entry["file"] not in present:
                raise SymbolSetError(f"{store.where(entry['file'])}: missing (listed in the manifest)")
            if store.sha256(entry["file"])[1] != entry.get("sha256"):
                raise SymbolSetError(f"{store.where(entry['file'])}: sha256 mismatch (file changed or damaged since it was written)")
        return
    for entry in entries:
        path = Path(root) / entry["file"]
        try:
            with open(path, "rb") as f:
                digest = hashlib.file_digest(f, "sha256").hexdigest()
        except FileNotFoundError:
            raise SymbolSetError(f"{path}: missing (listed in the manifest)") from None
        except OSError as exc:
            raise SymbolSetError(f"{path}: cannot read ({exc.strerror})") from None
        if digest != entry.get("sha256"):
            raise SymbolSetError(f"{path}: sha256 mismatch (file changed or damaged since it was written)")


def load_manifest(root: str | Path) -> dict:
    """The dataset's manifest; :class:`SymbolSetError` when missing or malformed."""
    url = remote.is_url(str(root))
    path = remote.join(str(root), MANIFEST) if url else Path(root) / MANIFEST
    try:
        data = remote.Store(str(root)).read_bytes(MANIFEST) if url else path.read_bytes()
        if data is None:
            raise FileNotFoundError(path)
        manifest = json.loads(data.decode("utf-8"))
    except FileNotFoundError:
        raise SymbolSetError(f"{path}: missing (not a SymbolSet dataset folder, or an unfinished run)") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SymbolSetError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("shards"), list):
        raise SymbolSetError(f"{path}: malformed manifest (no shard list)")
    return manifest


def shard_paths(root: str | Path, split: str | None = None) -> list[Path]:
    """Parquet shards of a dataset folder (one split, or all: ``None`` or ``"all"``), in order
    (URLs, as ``str``, under an fsspec URL)."""
    if split == "all":
        split = None
    if remote.is_url(str(root)):
        from fnmatch import fnmatchcase

        store = remote.Store(str(root))
        names = [f for f in store.files() if f.count("/") == 1 and fnmatchcase(f, f"data/{split}-*.parquet" if split else "data/*.parquet") and not f.startswith("data/.")]
        if not names:
            raise SymbolSetError(f"{root}: no data/*.parquet objects (not a Hub-layout dataset)")
        names.sort(key=lambda f: (SPLITS.index(f[5:].split("-")[0]) if f[5:].split("-")[0] in SPLITS else 9, f))
        return [store.where(f) for f in names]
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
            pf = pq.ParquetFile(_open(path))
            for i in range(pf.num_row_groups):
                yield from pf.read_row_group(i, columns=columns).to_pylist()
        except (OSError, ValueError) as exc:
            raise SymbolSetError(f"{path}: unreadable Parquet shard ({exc})") from None


def find_record(root: str | Path, sample_id: str) -> dict:
    """The row with id ``sample_id``; :class:`SymbolSetError` when no shard holds it."""
    for path in shard_paths(root):
        try:
            table = pq.read_table(_open(path), filters=[("id", "=", sample_id)])
        except (OSError, ValueError) as exc:
            raise SymbolSetError(f"{path}: unreadable Parquet shard ({exc})") from None
        if table.num_rows:
            return table.to_pylist()[0]
    raise SymbolSetError(f"{root}: no record with id {sample_id!r}")


def _open(path):
    """A local path as it is, an fsspec URL opened for reading (ranged reads: a footer, a column)."""
    if not remote.is_url(str(path)):
        return path
    import fsspec

    return fsspec.open(str(path), "rb").open()


def read_jsonl(path: str | Path) -> list[tuple[int, object]]:
    """``(line number, value)`` for each non-blank line of a UTF-8 JSON Lines file (bench scores, prompts).

    Text that is not UTF-8, or a line that is not JSON, is a :class:`SymbolSetError` naming the file
    and line; an :class:`OSError` (a missing file) is the caller's to word, since it knows what the
    file should have been. What each value must hold is the caller's check too.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SymbolSetError(f"{path}: not UTF-8 text ({exc})") from None
    rows = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append((n, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise SymbolSetError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
        except RecursionError:
            raise SymbolSetError(f"{path}:{n}: not valid JSON (nested deeper than this reader allows)") from None
    return rows


# ------------------------------------------------------------------ output folders: claim, lock, overwrite

OUTPUT_MARKER = ".symbolset-output.json"
LOCK_FILE = ".symbolset.lock"


class OutputFolder:
    """An output folder claimed by one command: created, locked, and (with ``overwrite``) emptied.

    Every command that writes a folder (``generate``, ``convert``, ``reviews apply``) goes through
    :func:`claim_output`. The folder holds ``.symbolset-output.json`` (written when the command
    created it: the command and its options) and ``.symbolset.lock``, on which an OS lock
    (``flock``) is held until :meth:`release`, so two runs into one folder never interleave.
    """

    def __init__(self, path: Path, fd: int, created: bool):
        self.path, self._fd, self.created = path, fd, created  # created: the folder did not exist before

    def release(self) -> None:
        """Drop the lock (closing the file descriptor releases it)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> OutputFolder:
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def read_output_marker(path: str | Path) -> dict | None:
    """The marker of a folder a SymbolSet command made (None when there is none, or it is unreadable)."""
    try:
        data = json.loads((Path(path) / OUTPUT_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("command"), str) else None


def claim_output(out: str | Path, command: str, options: dict, *, overwrite: bool, owned: tuple[str, ...],
                 sources: tuple[str | Path, ...] = (), empty: bool = True) -> OutputFolder:  # fmt: skip
    """Create or take over the output folder ``out`` of ``symbolset <command>``, locked for this run.

    - ``out`` must not be a file, a source, inside a source, or a folder that holds a source.
    - A folder another run is writing is refused (the lock is taken before anything is checked).
    - A non-empty folder is accepted only when this command made it (its marker names ``command``);
      the caller then resumes, skips or refuses by its own state. With ``overwrite`` it is emptied
      first, and only when every file in it is one this command writes: a path matching one of the
      ``owned`` patterns (``/``-separated, ``*`` within one name), or a hidden temporary
      (``.NAME.tmp...``). Anything else is refused with one line, and nothing is deleted.
      (``empty=False``: checked but not emptied, for a command that swaps a new folder into place.)
    """
    out = Path(out)
    here = out.resolve()
    for src in sources:
        src = Path(src).resolve()
        if here == src or src in here.parents or here in src.parents:
            raise SymbolSetError(f"{out}: the output must not be the source folder {src}, lie inside it or contain it")
    if out.exists() and not out.is_dir():
        raise SymbolSetError(f"{out}: exists and is not a folder")
    _check_owner(out, command, overwrite)  # before the lock file is made: never write into a stranger's folder
    created = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(out / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise os_error(exc, out) from None
    try:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise SymbolSetError(f"{out}: another symbolset command is writing to it; wait for it to finish") from None
    folder = OutputFolder(out, fd, created)
    try:
        _take_over(out, command, options, overwrite and empty, overwrite, owned)
    except BaseException:
        folder.release()
        raise
    return folder


def _check_owner(out: Path, command: str, overwrite: bool) -> None:
    """Refuse a non-empty folder that ``command`` did not make."""
    marker = read_output_marker(out)
    if _entries(out) and (marker is None or marker["command"] != command):
        if marker:
            what = f"made by `symbolset {marker['command']}`, not `symbolset {command}`"
        else:
            what = f"not made by a SymbolSet command (no {OUTPUT_MARKER})"
        if overwrite:
            raise SymbolSetError(f"{out}: {what}; refusing to delete it (remove it yourself or choose another folder)")
        raise SymbolSetError(f"{out}: already exists and is not empty ({what}); choose another folder")


def _take_over(out: Path, command: str, options: dict, empty: bool, overwrite: bool, owned: tuple[str, ...]) -> None:
    _check_owner(out, command, overwrite)
    entries = _entries(out)
    if entries and overwrite:
        stranger = next((f for f in _files(out) if not _owned(f, owned)), None)
        if stranger is not None:
            raise SymbolSetError(
                f"{out}: holds {stranger}, which `symbolset {command}` did not write; refusing to delete it (remove it yourself)"
            )
    if entries and empty:
        try:
            for child in entries:
                shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
        except OSError as exc:
            raise os_error(exc, out) from None
        entries = []
    if not entries:
        write_json_atomic(out / OUTPUT_MARKER, {"command": command, "options": options})


def _entries(out: Path) -> list[Path]:
    return [p for p in out.iterdir() if p.name != LOCK_FILE] if out.is_dir() else []


def _files(out: Path):
    """Relative paths of the files under ``out``, except the marker and lock (symlinks are not followed)."""
    for dirpath, dirnames, filenames in os.walk(out):
        rel = Path(dirpath).relative_to(out)
        links = [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
        for name in [*filenames, *links]:
            path = (rel / name).as_posix()
            if path not in (OUTPUT_MARKER, LOCK_FILE):
                yield path


def _owned(rel: str, patterns: tuple[str, ...]) -> bool:
    from fnmatch import fnmatchcase

    parts = rel.split("/")
    if any(p.startswith(".") and ".tmp" in p for p in parts):
        return True  # a temporary of an interrupted write (``.NAME.tmp-PID`` files and folders)
    return any(len(q := pat.split("/")) == len(parts) and all(fnmatchcase(a, b) for a, b in zip(parts, q)) for pat in patterns)
