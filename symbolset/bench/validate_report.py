"""``bench validate``'s report: validation.json, severity-curve PNGs and report.md (all four parts)."""

from __future__ import annotations

from pathlib import Path

from ..layout import write_bytes_atomic, write_json_atomic
from . import agreement, plots
from .goals import MATCH_GOAL, METRICS, RHO_GOAL

# The human criterion each metric is meant to track (``overall`` = the mean of the three).
HUMAN_PAIR = {"match": "overall", "mf": "sharpness", "mc": "temporal", "mt": "legibility", "flicker": "temporal", "motion": "temporal",
              "tracks": "temporal", "ocr_stability": "temporal", "ocr_ned": "legibility", "ocr_precision": "legibility", "geo": "legibility"}  # fmt: skip


def _f(v, fmt: str = ".3f") -> str:
    return "–" if v is None else format(v, fmt)


def write_report(out: Path, results: dict) -> None:
    """validation.json, one severity-curve PNG per corruption, and report.md."""
    out.mkdir(parents=True, exist_ok=True)
    write_json_atomic(out / "validation.json", results)
    for n, metrics in results["table"].items():
        plots.severity_curves({m: v["curve"] for m, v in metrics.items()}, n, out / f"{n}.png")
    s = results["settings"]
    lines = ["# SymbolBench metric validation", "",
             f"Produced by `symbolset bench validate` on `{Path(s['source']).name}` (split: {s['split']}): {s['clips']} clips of "
             f"{', '.join(s['families'])}; {s['ocr_frames']} OCR frames per video; seed {s['seed']}; {results['seconds']} s on "
             f"{results.get('workers', 1)} worker process(es). Corruptions: {', '.join(s['corruptions']) or 'none'}; legitimate "
             f"variants: {', '.join(s.get('legitimate') or []) or 'none'}; wrong content: {'yes' if s.get('wrong') else 'no'}.", ""]  # fmt: skip
    lines += ["Command: `" + command(results) + "`", ""]
    lines += _goals(results) + _sensitivity(results) + _variants(results) + _human(results)
    write_bytes_atomic(out / "report.md", ("\n".join(lines) + "\n").encode())


def command(results: dict) -> str:
    """The ``symbolset bench validate`` command line that reproduces ``results``."""
    s = results["settings"]
    parts = ["symbolset bench validate", Path(s["source"]).name]
    if s["split"] != "all":
        parts.append(f"--split {s['split']}")
    if s.get("per_family"):
        parts.append(f"--per-family {s['per_family']}")
    if s["clips"] and s.get("limit"):
        parts.append(f"--limit {s['limit']}")
    if s.get("only_families"):
        parts.append(f"--families {s['only_families']}")
    parts.append(f"--corruptions {','.join(s['corruptions']) or 'none'}")
    parts.append(f"--variants {','.join(s.get('legitimate') or []) or 'none'}")
    if not s.get("wrong"):
        parts.append("--no-wrong")
    if s.get("human"):
        parts.append(f"--human {s['human']}")
    parts += [f"--ocr-frames {s['ocr_frames']}", f"--seed {s['seed']}", f"--workers {results.get('workers', 1)}", "--out DIR"]
    return " ".join(parts)


def _goals(results: dict) -> list[str]:
    g, ref = results["goals"], results["reference"]
    lines = ["## Goals", "", "| goal | verdict |", "|---|---|",
             f"| reference Match >= {MATCH_GOAL} | {'met' if g['match_reference'] else 'NOT met'} ({_f(ref['match'], '.4f')}) |"]  # fmt: skip
    if g["targets_total"]:
        lines.append(f"| targeted rho <= {RHO_GOAL} | {g['targets_passed']}/{g['targets_total']} pairs met |")
    fams = {f: v for f, v in ((results.get("variants") or {}).get("by_family") or {}).items() if f != "all"}
    for key, text in (("invariance", f"legitimate Match >= {agreement.INVARIANCE_GOAL} x reference"),
                      ("auroc", f"AUROC(legitimate vs wrong) >= {agreement.AUROC_GOAL}"), ("gap", f"Match gap >= {agreement.GAP_GOAL}")):  # fmt: skip
        if fams:
            met = [f for f, v in fams.items() if v["pass"][key]]
            missed = [f for f in fams if f not in met]
            lines.append(f"| {text}, per family | {len(met)}/{len(fams)} families met" + (f"; NOT met: {', '.join(missed)}" if missed else "") + " |")
    h = results.get("human")
    lines.append(f"| human agreement | {'see below' if h and h['videos'] else 'awaits ratings (no rated videos yet)'} |")
    return lines + [""]


def _sensitivity(results: dict) -> list[str]:
    if not results["table"]:
        return []
    ref = results["reference"]
    lines = ["## 1. Sensitivity: graded corruptions", "",
             "Each clip's stored video (H.264) is the clean reference (severity 0); every corruption is applied at severities 1..5. "
             "A cell is Spearman's rho between severity (0..5) and the metric's mean over clips; **bold** = a corruption the metric is "
             f"meant to detect (goal rho <= {RHO_GOAL}); ✓/✗ = goal met or not; – = metric not applicable or constant.", "",
             f"Reference renders: Match = {_f(ref['match'], '.4f')} (lowest clip {results['reference_min_match']:.4f}).", "",
             "| reference | " + " | ".join(METRICS) + " |", "|---|" + "---|" * len(METRICS),
             "| clean mean | " + " | ".join(_f(ref[m]) for m in METRICS) + " |", "",
             "| corruption | " + " | ".join(METRICS) + " |", "|---|" + "---|" * len(METRICS)]  # fmt: skip
    for n, metrics in results["table"].items():
        cells = []
        for m in METRICS:
            v = metrics.get(m)
            if not v or v["rho"] is None:
                cells.append("–")
                continue
            text = f"{v['rho']:+.2f}"
            cells.append(f"**{text}** {'✓' if v['pass'] else '✗'}" if v["target"] else text)
        lines.append(f"| {n} | " + " | ".join(cells) + " |")
    lines += ["", "### Mean score by severity (0 = clean)", ""]
    for n, metrics in results["table"].items():
        lines += [f"#### {n}", "", f"![{n}]({n}.png)", "", "| metric | " + " | ".join(str(i) for i in range(6)) + " |", "|---|" + "---|" * 6]
        for m, v in metrics.items():
            lines.append(f"| {m} | " + " | ".join(_f(x) for x in v["curve"]) + " |")
        lines.append("")
    return lines


def _variants(results: dict) -> list[str]:
    v = results.get("variants")
    if not v:
        return []
    fams = dict(sorted(v["by_family"].items(), key=lambda kv: (kv[0] == "all", kv[0])))  # "all" last
    lines = ["## 2-3. Invariance and discrimination", "",
             "Legitimate variants are re-renders of each clip's spec made by the generator (`symbolset.bench.variants`), encoded "
             "H.264 like the dataset; wrong content is a clean clip of another prompt of the same family and the clip with one symbol "
             "changed. Every video is scored against the original prompt. Match means; ratio = legitimate / reference (goal >= "
             f"{agreement.INVARIANCE_GOAL}); AUROC of Match, legitimate vs wrong (goal >= {agreement.AUROC_GOAL}); gap = legitimate - "
             f"wrong (goal >= {agreement.GAP_GOAL}). ✓/✗ = goal met or not.", "",
             "| family | clips | reference | legitimate (n) | wrong (n) | ratio | AUROC | gap |", "|---|---|---|---|---|---|---|---|"]  # fmt: skip

    def mark(ok):
        return "✓" if ok else "✗"

    for f, r in fams.items():
        p = r["pass"]
        lines.append(f"| {f} | {r['clips']} | {_f(r['reference'])} | {_f(r['legitimate'])} ({r['n_legitimate']}) | {_f(r['wrong'])} "
                     f"({r['n_wrong']}) | {_f(r['ratio'])} {mark(p['invariance'])} | {_f(r['auroc'], '.2f')} {mark(p['auroc'])} | "
                     f"{_f(r['gap'], '+.3f')} {mark(p['gap'])} |")  # fmt: skip
    names = sorted({k for r in fams.values() for k in r["by_variant"]})
    lines += ["", "Mean Match per variant and family:", "", "| family | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for f, r in fams.items():
        lines.append(f"| {f} | " + " | ".join(_f(r["by_variant"].get(k)) for k in names) + " |")
    return lines + [""]


def _human(results: dict) -> list[str]:
    h = results.get("human")
    lines = ["## 4. Agreement with human ratings", ""]
    if not h or not h["videos"]:
        src = f" (`{h['ratings']}` holds none that match its run's scores)" if h else ""
        return lines + [f"Human figures await ratings{src}: rate a run's videos with `symbolset view RESULTS --rate --rater NAME`, "
                        "then run `symbolset bench validate ... --human RESULTS`.", ""]  # fmt: skip
    lines += [f"{h['videos']} rated videos, {h['raters']} rater(s) (each rater's latest rating; criteria averaged over raters); "
              "Kendall's tau and Spearman's rho with bootstrap 95% intervals over videos.", "",
              "| metric | criterion | tau [95% CI] | rho [95% CI] | overall: tau | overall: rho |", "|---|---|---|---|---|---|"]  # fmt: skip

    def cell(c, k):
        return f"{_f(c[k], '+.2f')} [{_f(c[k + '_lo'], '+.2f')}, {_f(c[k + '_hi'], '+.2f')}]"

    for m, by in h["table"].items():
        crit = HUMAN_PAIR.get(m, "overall")
        cells = [cell(by[crit], "tau"), cell(by[crit], "rho"), cell(by["overall"], "tau"), cell(by["overall"], "rho")]
        lines.append(f"| {m} | {crit} | " + " | ".join(cells) + " |")
    return lines + [""]
