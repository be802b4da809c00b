"""seven_segment: its rule check catches a flipped segment and a wrong value; readings from a CSV drive the display."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from clips import PARAMS, SEEDS, clip, make

from symbolset import captions as cap
from symbolset import families
from symbolset.errors import SymbolSetError
from symbolset.families import seven_segment
from symbolset.render import render_clip


@pytest.mark.parametrize("seed", SEEDS)
def test_seven_segment_check_catches_a_flipped_segment(seed):
    spec, frames, annotations = clip("seven_segment", seed)
    display = next(el for el in spec["elements"] if el["id"] == "display")
    panel = next(el for el in spec["elements"] if el["id"] == "panel")
    digit = next(d for d in annotations[4]["shapes"] if d["element"] == "display")["params"]["digits"]
    digit = next(d for d in digit if d["char"] not in ":. ")
    seg = "g" if "g" not in digit["segments"] else "a"  # turn an unlit segment on, or a lit one off
    color = display["color"] if seg == "g" else (display.get("off_color") or panel["fill"])
    x, y = seven_segment.segment_centers(digit["cell"])[seg]
    bad = frames.copy()
    bad[4, int(y) - 1 : int(y) + 2, int(x) - 1 : int(x) + 2] = color
    problems = families.get("seven_segment").verify(spec, bad, annotations)
    assert problems and problems[0].startswith("frame 4:")


def test_seven_segment_check_catches_a_wrong_value():
    spec, frames, annotations = clip("seven_segment", 2)
    wrong = copy.deepcopy(spec)
    wrong["meta"]["values"][0][1] = "8" * len(wrong["meta"]["values"][0][1])
    assert families.get("seven_segment").verify(wrong, frames, annotations)


def test_readings_csv_drives_the_display(tmp_path):
    path = tmp_path / "oven.csv"
    path.write_text("time_s,value\n100,12:30\n100.5,12:29\n101.25,12:28\n150,00:00\n", encoding="utf-8")
    params = {**PARAMS, "options": {"readings_csv": str(path), "appliance": "oven"}}
    spec = make("seven_segment", 4, params)
    assert spec["meta"]["values"] == [[0.0, "12:30"], [0.5, "12:29"], [1.25, "12:28"]]
    frames, annotations = render_clip(spec)
    fam = families.get("seven_segment")
    assert fam.verify(spec, frames, annotations) == []
    caps = fam.captions(spec, np.random.default_rng(0))
    for value in ("12:30", "12:29", "12:28"):
        assert cap.quote(value) in caps["en"]["temporal"]
    fast = make("seven_segment", 4, {**params, "options": {**params["options"], "readings_speedup": 40.0}})
    assert [v for _, v in fast["meta"]["values"]] == ["12:30", "12:29", "12:28", "00:00"]


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        ("time,value\n0,1\n", 1, "header"),
        ("time_s,value\n0,12\nabc,13\n", 3, "not a number"),
        ("time_s,value\n0,12\n1,1A\n", 3, "7-segment"),
        ("time_s,value\n0,12\n0,13\n", 3, "does not increase"),
        ("time_s,value\n0,12,3\n", 2, "2 fields"),
        ("time_s,value\n", 2, "no readings"),
    ],
)
def test_bad_readings_csv_names_file_and_line(tmp_path, content, line, words):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SymbolSetError, match=rf"bad\.csv:{line}: .*{words}"):
        make("seven_segment", 0, {**PARAMS, "options": {"readings_csv": str(path)}})


def test_missing_readings_csv_is_a_clear_error(tmp_path):
    with pytest.raises(SymbolSetError, match="nope.csv"):
        make("seven_segment", 0, {**PARAMS, "options": {"readings_csv": str(tmp_path / "nope.csv")}})
