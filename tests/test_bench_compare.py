"""``bench compare`` ranks runs on their prompts (a missing video counts 0), shows coverage,
refuses different prompt sets unless told to; summaries give n and no interval for tiny groups."""

from __future__ import annotations

import json

from symbolset.bench import stats
from symbolset.bench.run import report_markdown
from symbolset.cli import main


def _write_run(folder, scores: dict[str, float | None], family="clock"):
    """A run folder as ``bench run`` writes it: ``None`` = the prompt's video is missing."""
    folder.mkdir()
    rows = [{"id": pid, "family": family, "video": None, "error": "missing"} if v is None else
            {"id": pid, "family": family, "video": f"{pid}.mp4", "match": v} for pid, v in scores.items()]  # fmt: skip
    (folder / "scores.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    scored = [r for r in rows if not r.get("error")]
    summary = {"name": folder.name, "counts": {"prompts": len(rows), "videos": len(scored), "scored": len(scored),
               "missing": len(rows) - len(scored), "undecodable": 0}, "overall": stats.summarize(rows),
               "by_family": stats.grouped(scored, "family")}  # fmt: skip
    (folder / "summary.json").write_text(json.dumps(summary))
    return folder


def _ranked(board: str) -> list[str]:
    return [line.split("|")[2].strip() for line in board.splitlines() if line.startswith("| ") and line[2].isdigit()]


def test_incomplete_run_does_not_outrank_a_complete_one(tmp_path, capsys):
    ids = [f"p{k}" for k in range(10)]
    partial = _write_run(tmp_path / "partial", {i: (0.983 if k < 6 else None) for k, i in enumerate(ids)})
    complete = _write_run(tmp_path / "complete", {i: 0.980 for i in ids})
    assert main(["bench", "compare", str(partial), str(complete)]) == 0
    board = capsys.readouterr().out
    assert _ranked(board) == ["complete", "partial"]
    row = next(line for line in board.splitlines() if "| partial |" in line)
    assert "6/10" in row and "0.590" in row  # coverage shown; 6 x 0.983 + 4 x 0 over 10 prompts


def test_different_prompt_sets_are_refused_unless_allowed(tmp_path, capsys):
    a = _write_run(tmp_path / "a", {"p0": 0.9, "p1": 0.8})
    b = _write_run(tmp_path / "b", {"p0": 0.9, "p2": 0.8})
    assert main(["bench", "compare", str(a), str(b)]) == 1
    err = capsys.readouterr().err.strip()
    assert "different prompt set" in err and "--allow-different-prompts" in err and "\n" not in err
    assert main(["bench", "compare", str(a), str(b), "--allow-different-prompts"]) == 0
    assert "| 1 |" in capsys.readouterr().out


def test_groups_below_the_minimum_count_show_n_and_no_interval(tmp_path, capsys):
    rows = [{"id": "c0", "family": "clock", "level": "easy", "match": 0.94}] + [
        {"id": f"t{k}", "family": "text", "level": "easy", "match": 0.9 + 0.01 * k} for k in range(8)]
    summary = {"name": "r", "counts": {"prompts": 9, "videos": 9, "scored": 9, "missing": 0, "undecodable": 0},
               "overall": stats.summarize(rows), "by_family": stats.grouped(rows, "family"), "by_level": stats.grouped(rows, "level"),
               "settings": {"weights": [0.2, 0.3, 0.5], "ocr": True, "ocr_frames": 4, "clip_model": None, "i3d": None},
               "throughput": {"videos_per_min": 1.0}}  # fmt: skip
    assert "lo" not in summary["by_family"]["clock"]["match"] and summary["by_family"]["clock"]["match"]["n"] == 1
    report = report_markdown(summary)
    clock = next(line for line in report.splitlines() if line.startswith("| clock |"))
    assert "0.940 (n=1)" in clock and "[0.940, 0.940]" not in clock
    text = next(line for line in report.splitlines() if line.startswith("| text |"))
    assert "[" in text  # eight values: an interval
    _write_run(tmp_path / "one", {"c0": 0.94})
    assert main(["bench", "compare", str(tmp_path / "one")]) == 0
    board = capsys.readouterr().out
    assert "±0.000" not in board and "0.940 (n=1)" in board
