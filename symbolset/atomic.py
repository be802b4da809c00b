"""Atomic writes: a file or folder is written under a hidden temporary name, flushed, then renamed
into place, so a reader never sees half of it and a killed run leaves only ``.NAME.tmp-...`` temporaries
(:func:`remove_temporaries` deletes them). Write errors are one line naming the path.

Ground floor: depends only on ``errors``. :mod:`symbolset.layout` re-exports every name.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from .errors import SymbolSetError


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
    """Write a folder of files atomically: fill a hidden temporary folder, then rename it to ``path``
    (an existing ``path`` is replaced by :func:`replace_folder`: removed only once the new one is in place)."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.tmp-", dir=path.parent))
    except OSError as exc:
        raise SymbolSetError(f"{path}: cannot write ({exc.strerror})") from None
    try:
        for name, data in files.items():
            (tmp / name).write_bytes(data)
        replace_folder(tmp, path)
    except OSError as exc:
        raise SymbolSetError(f"{path}: cannot write ({exc.strerror})") from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)


def replace_folder(new: Path, path: Path) -> None:
    """Rename the finished folder ``new`` to ``path``; an old ``path`` is deleted only after the new one is there."""
    if not path.exists():
        os.replace(new, path)
        return
    old = path.with_name(f".{path.name}.old-{os.getpid()}")
    os.replace(path, old)
    os.replace(new, path)
    shutil.rmtree(old) if old.is_dir() and not old.is_symlink() else old.unlink()


def remove_temporaries(root: str | Path) -> None:
    """Delete the hidden temporaries (``.NAME.tmp...`` files and folders) an interrupted write left under ``root``."""
    for dirpath, dirnames, filenames in os.walk(root):
        for name in [*dirnames, *filenames]:
            if name.startswith(".") and ".tmp" in name:
                path = Path(dirpath) / name
                shutil.rmtree(path, ignore_errors=True) if path.is_dir() and not path.is_symlink() else path.unlink(missing_ok=True)
        dirnames[:] = [d for d in dirnames if not (d.startswith(".") and ".tmp" in d)]


def os_error(exc: OSError, path: str | Path) -> SymbolSetError:
    """One line for an OS error while writing (disk full, permission denied, read-only file system)."""
    return SymbolSetError(f"{exc.filename or path}: cannot write ({exc.strerror or exc})")
