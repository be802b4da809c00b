"""The output folder of a conversion: refuse, resume or replace, then mark it complete.

While a conversion runs, ``DST/.symbolset-convert.json`` records what it is making (formats and
options). Every file is written under a hidden temporary name and renamed once complete, and the
folder's completion marker (``symbolset-convert.json``, or ``manifest.json`` for the Hub layout) is
written last. So an interrupted run leaves nothing that looks complete; the same command run again
resumes (files already renamed are kept), a different command refuses, and nothing is replaced
without ``--overwrite``. The folder is claimed through :func:`symbolset.layout.claim_output`: locked
for the run, and replaced only when ``convert`` made it and it holds nothing ``convert`` did not write.
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import shutil
import sys
from pathlib import Path

from symbolset import codec, layout
from symbolset.errors import SymbolSetError
from symbolset.layout import write_json_atomic

STATE = ".symbolset-convert.json"
DONE = "symbolset-convert.json"
HUB_MANIFEST = "manifest.json"
THUMBNAILS = "thumbnails"  # the source's thumbnails, carried by every format (never a split folder)


# Every file a conversion writes, whatever its format: `--overwrite` empties a folder only when it holds nothing else.
OWNED = (
    STATE, DONE, HUB_MANIFEST, "README.md", "data/*.parquet", "data/.pending/*.parquet", "thumbnails/*.png",  # Hub layout
    "*.tar", "*.tfrecord", "*.tfrecord.gz",  # WebDataset, TFRecord
    "*/metadata.jsonl", "*/*.mp4", "*/*.mkv", "*/*/frame_*.png",  # MP4 and PNG folders
)


def prepare(dst: Path, state: dict, marker: str, overwrite: bool, src: Path) -> tuple[layout.OutputFolder, bool]:
    """Claim ``dst`` (created and locked for this run; with ``overwrite``, emptied) for the conversion
    ``state``; returns the claim and True when ``dst`` already holds that finished conversion."""
    claim = layout.claim_output(dst, "convert", state, overwrite=overwrite, owned=OWNED, sources=(src,))
    try:
        if (dst / STATE).exists():
            if _read_json(dst / STATE) != state:
                raise SymbolSetError(f"{dst}: holds an unfinished conversion with other options; pass --overwrite to replace it")
            return claim, False
        if (dst / marker).exists() and _finished_state(dst, marker) == state:
            return claim, True
        if any(p.name not in (layout.OUTPUT_MARKER, layout.LOCK_FILE) for p in dst.iterdir()):
            raise SymbolSetError(f"{dst}: already holds another conversion; pass --overwrite to replace it")
        write_json_atomic(dst / STATE, state)
    except BaseException:
        claim.release()
        raise
    return claim, False


def complete(dst: Path, marker: str, state: dict, payload: dict | None = None) -> None:
    """Write the completion marker (``payload`` plus the conversion ``state``), then drop the run state."""
    if payload is not None:
        write_json_atomic(dst / marker, {**payload, "conversion": state})
    (dst / STATE).unlink(missing_ok=True)


def _finished_state(dst: Path, marker: str) -> dict | None:
    data = _read_json(dst / marker)
    return data.get("conversion") if isinstance(data, dict) else None


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def carry_thumbnails(src: Path, info: dict | None, dst: Path) -> None:
    """Copy into ``dst/thumbnails`` the source's thumbnails that its manifest (``info``) lists and
    whose sha256 still matches, so a conversion back to Parquet copies them instead of rendering
    them again (:func:`symbolset.hub.write_thumbnails` checks they show the same clips)."""
    listing = (info or {}).get("thumbnails")
    for entry in listing.values() if isinstance(listing, dict) else ():
        file = entry.get("file") if isinstance(entry, dict) else None
        if not isinstance(file, str) or not re.fullmatch(r"thumbnails/[^/\\]+\.png", file) or file.startswith("thumbnails/."):
            continue
        try:
            data = (src / file).read_bytes()
        except OSError:
            continue
        if codec.sha256(data) == entry.get("sha256"):
            (dst / "thumbnails").mkdir(exist_ok=True)
            tmp = dst / "thumbnails" / f".{file[11:]}.tmp-{os.getpid()}"
            tmp.write_bytes(data)
            os.replace(tmp, dst / file)


def remove_stale(folder: Path) -> None:
    """Delete temporary files a killed run left in ``folder`` (hidden ``.*.tmp-*`` names)."""
    if folder.is_dir():
        for stale in folder.glob(".*.tmp-*"):
            shutil.rmtree(stale) if stale.is_dir() else stale.unlink()


def write_unsynced(path: Path, data: bytes) -> None:
    """Write ``path`` under a temporary name and rename it into place, without an fsync: for the many
    small files of a folder format, made durable together by :func:`sync_folder` before the folder's
    metadata and completion marker are written. Until then a crash may leave the file torn, so a
    resumed run keeps it only when it holds the expected bytes (:func:`holds`)."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        raise SymbolSetError(f"{path}: cannot write ({exc.strerror})") from None
    finally:
        tmp.unlink(missing_ok=True)


def holds(path: Path, data: bytes) -> bool:
    """Whether ``path`` exists with exactly ``data`` (a previous run's file worth keeping)."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def sync_folder(folder: Path) -> None:
    """Make everything written under ``folder`` durable: one ``syncfs`` of its file system (Linux;
    one call instead of an fsync per file, which cost ~7 ms each -- most of a conversion to an MP4
    folder), else an fsync of every file under it."""
    if _syncfs(folder):
        return
    for dirpath, _, filenames in os.walk(folder):
        for name in filenames:
            fd = os.open(os.path.join(dirpath, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def _syncfs(folder: Path) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        call = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return False
    fd = os.open(folder, os.O_RDONLY)
    try:
        return call(fd) == 0
    finally:
        os.close(fd)
