"""Another checkout's ``symbolset`` imported beside this one, for the A/B benchmarks
(``generate_ab``, ``stages_ab``, ``render_ab``, ``validate_diff``)."""

from __future__ import annotations

import contextlib
import importlib
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path


@contextlib.contextmanager
def imported_copy(checkout: str | Path, name: str = "symbolset_ref") -> Iterator[Callable]:
    """Copy ``checkout``'s ``symbolset/`` to a temporary folder as the package ``name`` (it imports
    itself relatively, so the copy uses only its own modules) and yield ``load``: ``load("render")``
    imports that copy's module."""
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(Path(checkout) / "symbolset", Path(tmp) / name)
        sys.path.insert(0, tmp)
        try:
            yield lambda module: importlib.import_module(f"{name}.{module}")
        finally:
            sys.path.remove(tmp)
