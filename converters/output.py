"""The output folder of a conversion: refuse, resume or replace, then mark it complete.

While a conversion runs, ``DST/.symbolset-convert.json`` records what it is making (formats and
options). Every file is written under a hidden temporary name and renamed once complete, and the
folder's completion marker (``symbolset-convert.json``, or ``manifest.json`` for the Hub layout) is
written last. So an interrupted run leaves nothing that looks complete; the same command run again
resumes (files already renamed are kept), a different command refuses, and nothing is replaced
without ``--overwrite``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from symbolset.errors import SymbolSetError
from symbolset.layout import write_json_atomic

STATE = ".symbolset-convert.json"
DONE = "symbolset-convert.json"
HUB_MANIFEST = "manifest.json"


def prepare(dst: Path, state: dict, marker: str, overwrite: bool) -> bool:
    """Get ``dst`` ready for the conversion ``state``; True when it already holds that finished conversion."""
    if dst.exists() and not dst.is_dir():
        raise SymbolSetError(f"{dst}: exists and is not a folder")
    if dst.exists() and any(dst.iterdir()):
        ours = any((dst / n).exists() for n in (STATE, DONE, HUB_MANIFEST))
        if overwrite:
            if not ours:
                raise SymbolSetError(f"{dst}: not a SymbolSet dataset or conversion; refusing to delete it (remove it yourself)")
            _clear(dst)
        elif (dst / STATE).exists():
            previous = _read_json(dst / STATE)
            if previous != state:
                raise SymbolSetError(f"{dst}: holds an unfinished conversion with other options; pass --overwrite to replace it")
            return False
        elif (dst / marker).exists() and _finished_state(dst, marker) == state:
            return True
        else:
            raise SymbolSetError(f"{dst}: already exists and is not empty; pass --overwrite to replace it")
    try:
        dst.mkdir(parents=True, exist_ok=True)
        write_json_atomic(dst / STATE, state)
    except OSError as exc:
        raise SymbolSetError(f"{dst}: cannot write ({exc.strerror})") from None
    return False


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


def _clear(dst: Path) -> None:
    for child in dst.iterdir():
        shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()


def remove_stale(folder: Path) -> None:
    """Delete temporary files a killed run left in ``folder`` (hidden ``.*.tmp-*`` names)."""
    if folder.is_dir():
        for stale in folder.glob(".*.tmp-*"):
            shutil.rmtree(stale) if stale.is_dir() else stale.unlink()


