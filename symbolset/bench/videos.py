"""Finding a model's videos for each prompt id, without imposing one naming scheme.

``--videos`` is either a folder or a mapping file:

- folder: ``<id>.<ext>`` and ``<id>-<k>.<ext>`` (k = 0, 1, ...; several samples per prompt), any
  of the extensions in ``EXTENSIONS``, searched recursively;
- mapping file (``.csv`` with a header ``id,path``, or ``.jsonl`` rows ``{"id", "path"}``): paths
  relative to the mapping file's folder; an id may appear several times.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

from ..errors import SymbolSetError
from ..layout import read_jsonl

EXTENSIONS = (".mp4", ".mkv", ".webm", ".mov", ".avi", ".gif")


def _from_mapping(path: Path) -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = defaultdict(list)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".jsonl"):
        raise SymbolSetError(f"{path}: a mapping file must be .csv or .jsonl")
    try:
        if suffix == ".jsonl":
            rows = read_jsonl(path)
        else:
            reader = csv.DictReader(path.read_text(encoding="utf-8").splitlines())
            if not reader.fieldnames or not {"id", "path"} <= set(reader.fieldnames):
                raise SymbolSetError(f"{path}: a CSV mapping needs the columns id and path")
            rows = list(enumerate(reader, 2))  # line 1 is the header
    except UnicodeDecodeError as exc:
        raise SymbolSetError(f"{path}: not UTF-8 text ({exc})") from None
    except OSError as exc:
        raise SymbolSetError(f"{path}: cannot read ({exc.strerror})") from None
    for n, row in rows:
        if not isinstance(row, dict) or not row.get("id") or not row.get("path"):
            raise SymbolSetError(f"{path}:{n}: a mapping row needs id and path")
        found[str(row["id"])].append((path.parent / row["path"]).resolve())
    return found


def find_videos(source: str | Path, ids: list[str]) -> dict[str, list[Path]]:
    """Every video for each prompt id (empty list when none), sorted by sample number."""
    source = Path(source)
    if source.is_file():
        mapped = _from_mapping(source)
        return {i: mapped.get(i, []) for i in ids}
    if not source.is_dir():
        raise SymbolSetError(f"{source}: no such folder or mapping file")
    wanted = set(ids)
    found: dict[str, list[tuple[int, Path]]] = defaultdict(list)
    pattern = re.compile(r"^(?P<id>.+?)(?:-(?P<k>\d+))?$")
    for path in sorted(source.rglob("*")):
        if path.suffix.lower() not in EXTENSIONS or not path.is_file():
            continue
        stem = path.stem
        if stem in wanted:
            found[stem].append((-1, path))
            continue
        m = pattern.match(stem)
        if m and m["k"] is not None and m["id"] in wanted:
            found[m["id"]].append((int(m["k"]), path))
    return {i: [p for _, p in sorted(found.get(i, []))] for i in ids}
