"""``bench compare``: a leaderboard of several runs (their ``summary.json``), best Match first."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import SymbolSetError


def load_summary(run: str | Path) -> dict:
    """A run folder's summary.json; :class:`SymbolSetError` when missing or malformed."""
    path = Path(run) / "summary.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SymbolSetError(f"{run}: no summary.json (not a bench run folder)") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SymbolSetError(f"{path}: not valid JSON ({exc})") from None


def leaderboard(runs: list[str | Path]) -> str:
    """Markdown leaderboard: one row per run (Match, Mf, Mc, Mt with 95% CIs, counts, FVD) and
    one Match column per family."""
    if not runs:
        raise SymbolSetError("compare: give at least one run folder")
    summaries = [(Path(r), load_summary(r)) for r in runs]

    def key(item):
        m = item[1].get("overall", {}).get("match")
        return -(m["mean"] if m else -1)

    summaries.sort(key=key)
    fams = sorted({f for _, s in summaries for f in s.get("by_family", {})})
    head = ["rank", "run", "Match", "Mf", "Mc", "Mt", "scored", "missing", "undecodable", "FVD"] + fams
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for rank, (path, s) in enumerate(summaries, 1):
        o, c = s.get("overall", {}), s.get("counts", {})

        def fmt(v):
            return "–" if not v else f"{v['mean']:.3f} ±{(v['hi'] - v['lo']) / 2:.3f}"

        cells = [str(rank), s.get("name", path.name)] + [fmt(o.get(m)) for m in ("match", "mf", "mc", "mt")]
        cells += [str(c.get("scored", 0)), str(c.get("missing", 0)), str(c.get("undecodable", 0))]
        cells.append(f"{s['fvd']['fvd']:.2f}" if "fvd" in s else "–")
        cells += [fmt(s.get("by_family", {}).get(f, {}).get("match")) for f in fams]
        lines.append("| " + " | ".join(cells) + " |")
    return "# SymbolBench leaderboard\n\n" + "\n".join(lines) + "\n"
