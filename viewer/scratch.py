"""The viewer's private temporary folders, named after the process that owns them.

A viewer writes clips and converted datasets into ``<tmp>/symbolset-viewer-<pid>-<random>`` and
``<tmp>/symbolset-view-<pid>-<random>`` and removes them at exit. A viewer killed with SIGKILL
cannot; the next viewer to start removes every such folder of this user whose pid is no longer
running (a pid still running, even if reused by another program, keeps its folder: never remove
what might be in use).
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
from pathlib import Path

PREFIXES = ("symbolset-viewer-", "symbolset-view-")
_reclaimed = False  # once per process, at the first folder it makes
_NAME = re.compile(r"^(?:%s)(\d+)-" % "|".join(re.escape(p) for p in PREFIXES))


def private_dir(prefix: str) -> Path:
    """A new folder ``<tmp>/<prefix><pid>-<random>`` (mode 0700), removed when this process exits.

    The first call of a process also reclaims the folders of dead viewers (:func:`reclaim_stale`).
    """
    assert prefix in PREFIXES, prefix
    global _reclaimed
    if not _reclaimed:
        _reclaimed = True
        reclaim_stale()
    path = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-"))
    atexit.register(shutil.rmtree, path, True)
    return path


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def reclaim_stale(tmp: str | Path | None = None) -> list[Path]:
    """Remove this user's viewer folders whose owning process is gone; returns what was removed."""
    removed = []
    root = Path(tmp or tempfile.gettempdir())
    for path in root.glob("symbolset-view*"):
        m = _NAME.match(path.name)
        if not m or not path.is_dir() or path.is_symlink():
            continue
        try:
            if path.stat().st_uid != os.getuid():
                continue
        except OSError:
            continue
        pid = int(m.group(1))
        if pid != os.getpid() and not _alive(pid):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed
