"""``bench compare``: a leaderboard of several runs, best Match first.

Runs are ranked on their prompts, not on the videos they happened to deliver: each prompt's Match
is the mean over its videos, a missing or undecodable video counting 0, so leaving hard prompts
out never pays. The leaderboard shows each run's coverage (prompts with at least one scored
video). Runs over different prompt sets are not comparable; ``compare`` refuses to rank them
unless ``allow_different_prompts`` is set.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from ..errors import SymbolSetError
from ..layout import read_jsonl
from . import stats


def load_summary(run: str | Path) -> dict:
    """A run folder's summary.json; :class:`SymbolSetError` when missing or malformed."""
    path = Path(run) / "summary.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SymbolSetError(f"{run}: no summary.json (not a bench run folder)") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SymbolSetError(f"{path}: not valid JSON ({exc})") from None


def load_scores(run: str | Path) -> list[dict]:
    """A run folder's scores.jsonl rows; :class:`SymbolSetError` naming the file and line when bad."""
    path = Path(run) / "scores.jsonl"
    try:
        lines = read_jsonl(path)
    except FileNotFoundError:
        raise SymbolSetError(f"{run}: no scores.jsonl (not a bench run folder)") from None
    rows = []
    for k, row in lines:
        if not isinstance(row, dict) or not isinstance(row.get("id"), str):
            raise SymbolSetError(f"{path}:{k}: expected an object with a string 'id'")
        rows.append(row)
    return rows


def prompt_scores(rows: list[dict], metric: str = "match") -> dict[str, dict]:
    """Per prompt id: ``{"family", "value", "scored"}``; value is the mean of ``metric`` over the
    prompt's videos with a missing or undecodable video (an ``error`` row) counting 0."""
    by_id: dict[str, list] = defaultdict(list)
    family: dict[str, str] = {}
    scored: dict[str, int] = defaultdict(int)
    for r in rows:
        family.setdefault(r["id"], str(r.get("family")))
        by_id[r["id"]].append(0.0 if r.get("error") else r.get(metric))
        scored[r["id"]] += not r.get("error")
    out = {}
    for pid, values in by_id.items():
        known = [v for v in values if v is not None]
        out[pid] = {"family": family[pid], "value": sum(known) / len(known) if known else None, "scored": scored[pid]}
    return out


def run_entry(run: str | Path) -> dict:
    """One run's leaderboard entry: name, prompt ids, coverage, Match over prompts (overall and
    per family, missing = 0) and the summary's Mf/Mc/Mt and FVD."""
    summary, rows = load_summary(run), load_scores(run)
    per = prompt_scores(rows)
    fams: dict[str, list] = defaultdict(list)
    for p in per.values():
        fams[p["family"]].append(p["value"])
    return {
        "name": summary.get("name", Path(run).name),
        "prompts": frozenset(per),
        "covered": sum(p["scored"] > 0 for p in per.values()),
        "match": stats.bootstrap_mean([p["value"] for p in per.values()]),
        "by_family": {f: stats.bootstrap_mean(v) for f, v in sorted(fams.items())},
        "summary": summary,
    }


def leaderboard(runs: list[str | Path], *, allow_different_prompts: bool = False) -> str:
    """Markdown leaderboard: one row per run (Match over its prompts with missing = 0, coverage,
    Mf/Mc/Mt over scored videos, counts, FVD) and one Match column per family."""
    if not runs:
        raise SymbolSetError("compare: give at least one run folder")
    entries = [run_entry(r) for r in runs]
    first = entries[0]
    for e, run in zip(entries[1:], runs[1:]):
        if e["prompts"] != first["prompts"] and not allow_different_prompts:
            only_a, only_b = len(first["prompts"] - e["prompts"]), len(e["prompts"] - first["prompts"])
            raise SymbolSetError(f"compare: {run} covers a different prompt set from {runs[0]} ({only_b} prompts only in the former, "
                                 f"{only_a} only in the latter); pass --allow-different-prompts to rank them anyway")  # fmt: skip
    entries.sort(key=lambda e: -(e["match"]["mean"] if e["match"] else -1))
    fams = sorted({f for e in entries for f in e["by_family"]})
    head = ["rank", "run", "Match", "coverage", "Mf", "Mc", "Mt", "scored", "missing", "undecodable", "FVD"] + fams
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for rank, e in enumerate(entries, 1):
        s = e["summary"]
        o, c = s.get("overall", {}), s.get("counts", {})
        cells = [str(rank), e["name"], stats.format_mean(e["match"], "plusminus"), f"{e['covered']}/{len(e['prompts'])}"]
        cells += [stats.format_mean(o.get(m), "plusminus") for m in ("mf", "mc", "mt")]
        cells += [str(c.get("scored", 0)), str(c.get("missing", 0)), str(c.get("undecodable", 0))]
        cells.append(f"{s['fvd']['fvd']:.2f}" if "fvd" in s else "–")
        cells += [stats.format_mean(e["by_family"].get(f), "plusminus") for f in fams]
        lines.append("| " + " | ".join(cells) + " |")
    note = ("Match: mean over each run's prompts, a missing or undecodable video counting 0; coverage: prompts with a scored "
            "video; Mf/Mc/Mt: over scored videos. ± is half the bootstrap 95% interval; (n=k): too few values for one.")  # fmt: skip
    return "# SymbolBench leaderboard\n\n" + "\n".join(lines) + "\n\n" + note + "\n"
