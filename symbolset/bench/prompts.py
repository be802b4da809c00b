"""The benchmark prompt set: one JSONL row per prompt, drawn from a dataset's ``test`` split.

Row: ``id``, ``family``, ``difficulty`` (level + labels), ``caption`` (``en``/``zh`` detailed),
``captions`` (all granularities), ``expected`` (the symbols a correct video shows: ``strings`` per
frame time, final ``strings``, the spec's symbolic ``values``, and the final frame's ``primitives``),
and ``spec`` (the scene spec, so references can be re-rendered at any resolution).

Sampling is stratified: up to ``per_family`` prompts per family (default 50), spread round-robin
over the difficulty levels present (easy, medium, hard) in id order, so every family and level is
represented whatever the split's size; selection is deterministic.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from ..errors import SymbolSetError
from ..layout import iter_rows, read_jsonl
from ..record import parse_annotations
from ..spec import from_json

DEFAULT_PER_FAMILY = 50
LEVELS = ("easy", "medium", "hard")


def expected_symbols(row: dict, spec: dict) -> dict:
    """What a correct video shows: strings over time, final strings, symbolic values, primitives."""
    ann = parse_annotations(row)
    timeline, last = [], None
    for a in ann:
        strings = [t["string"] for t in a["texts"]]
        if strings != last:
            timeline.append({"time": a["time"], "strings": strings})
            last = strings
    return {
        "strings": [t["string"] for t in ann[-1]["texts"]],
        "timeline": timeline,
        "values": spec.get("meta", {}),
        "primitives": [
            {"type": s["type"], "element": s["element"], "params": s["params"]} for s in ann[-1]["shapes"] if s["type"] != "cursor"
        ],
    }


def select(rows: list[dict], per_family: int) -> list[dict]:
    """Stratified choice: per family, round-robin over difficulty levels, up to ``per_family``."""
    by_family: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for r in sorted(rows, key=lambda r: r["id"]):
        by_family[r["family"]][r["difficulty"]["level"]].append(r)
    chosen = []
    for fam in sorted(by_family):
        queues = [by_family[fam][lv] for lv in LEVELS + tuple(sorted(set(by_family[fam]) - set(LEVELS))) if by_family[fam][lv]]
        picked = []
        while len(picked) < per_family and any(queues):
            for q in queues:
                if q and len(picked) < per_family:
                    picked.append(q.pop(0))
        chosen += picked
    return chosen


def build_prompts(source: str | Path, split: str = "test", per_family: int = DEFAULT_PER_FAMILY) -> list[dict]:
    """Prompt rows from ``split`` of the dataset folder ``source``."""
    if per_family < 1:
        raise SymbolSetError(f"--per-family: expected a positive number, got {per_family}")
    rows = list(iter_rows(source, split, columns=["id", "family", "spec", "captions", "annotations", "difficulty"]))
    if not rows:
        raise SymbolSetError(f"{source}: the {split!r} split has no rows")
    out = []
    for r in select(rows, per_family):
        spec = from_json(r["spec"], f"{source}: record {r['id']}: spec")  # a damaged spec names its record
        out.append({
            "id": r["id"], "family": r["family"], "difficulty": r["difficulty"],
            "caption": {"en": r["captions"]["en"]["detailed"], "zh": r["captions"]["zh"]["detailed"]},
            "captions": r["captions"], "expected": expected_symbols(r, spec), "spec": spec,
        })  # fmt: skip
    return out


def write_prompts(prompts: list[dict], path: str | Path) -> None:
    """Write prompt rows as JSONL (UTF-8), atomically."""
    from ..layout import write_bytes_atomic

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(path, "".join(json.dumps(p, ensure_ascii=False, sort_keys=True) + "\n" for p in prompts).encode())


def load_prompts(path: str | Path) -> list[dict]:
    """Prompt rows from a JSONL file; :class:`SymbolSetError` on a missing or malformed file."""
    try:
        lines = read_jsonl(path)
    except OSError as exc:
        raise SymbolSetError(f"{path}: cannot read prompts ({exc.strerror})") from None
    prompts = []
    for n, p in lines:
        if not isinstance(p, dict) or not {"id", "family", "spec"} <= set(p):
            raise SymbolSetError(f"{path}:{n}: a prompt needs id, family and spec")
        prompts.append(p)
    if not prompts:
        raise SymbolSetError(f"{path}: no prompts")
    return prompts
