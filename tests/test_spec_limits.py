"""Hostile specs: every spec that validates renders in bounded time and memory, and a spec that
would not is refused with one line naming the field; damaged spec JSON names its record in every
command (render, validate, bench prompts) instead of a traceback."""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from PIL import ImageFont

from symbolset import spec as S
from symbolset import textlayout
from symbolset.cli import main as cli_main
from symbolset.errors import SpecError


def _base() -> dict:
    return {
        "version": 1, "family": "text_typing", "width": 64, "height": 48, "fps": 8.0, "num_frames": 8,
        "background": [255, 255, 255], "meta": {"value": 3},
        "elements": [
            {"id": "t", "type": "text", "text": "EXIT", "font": "dejavu-sans", "size": 12, "color": [0, 0, 0], "position": [4, 20]},
            {"id": "c", "type": "circle", "center": [30, 30], "radius": {"keys": [[0, 5], [0.5, 9]]}, "color": [255, 0, 0]},
            {"id": "p", "type": "polyline", "points": [[0, 0], [10, 10]], "color": [0, 0, 0], "width": 1},
            {"id": "l", "type": "lane_line", "vanishing_point": [32, 10], "bottom_x": 20, "bottom_width": 4, "color": [0, 0, 0],
             "dash": [0.5, 0.5]},
        ],
    }  # fmt: skip


def _nested(depth: int):
    v: object = 1
    for _ in range(depth):
        v = {"a": [v]}
    return v


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda s: s.update(width=4096, height=4096, num_frames=10000), "num_frames: width x height x num_frames is 167,772,160,000"),
        (lambda s: s["elements"][0].update(size=1e308), "elements[0].size: expected a positive number (a font size of 1..1024 px)"),
        (lambda s: s["elements"][0].update(size=100000), "elements[0].size: expected a positive number (a font size"),
        (lambda s: s["elements"][0].update(size=0.3), "elements[0].size: expected a positive number (a font size"),
        (lambda s: s["elements"][1].update(radius=1e12), "elements[1].radius: expected a positive number up to 256 (4 x the canvas side)"),
        (lambda s: s["elements"][1]["radius"]["keys"].__setitem__(1, [0.5, 1e12]), "elements[1].radius.keys[1][1]: expected a positive"),
        (lambda s: s["elements"][0].update(position=[1e12, 3]), "elements[0].position: expected an [x, y] pair of numbers within"),
        (lambda s: s["elements"][0].update(scale=1e-9), "elements[0].scale: expected a scale in [1/1024, 1024]"),
        (lambda s: s["elements"][0].update(text="x" * 1001), "elements[0].text: expected a non-empty string of at most 1000 characters"),
        (lambda s: s["elements"][0].update(text="W" * 900, size=100), "elements[0].text: 89,100 px wide at size 100, over the 16384 px limit"),
        (lambda s: s["elements"][2].update(points=[[i, i] for i in range(5000)]), "elements[2].points: expected a list of 2..4096"),
        (lambda s: s["elements"][1].update(radius={"keys": [[i / 1000, 5] for i in range(1001)]}), "elements[1].radius.keys: expected a list of 1..1000"),
        (lambda s: s["elements"][3].update(dash=[1e-6, 1e-6]), "elements[3].dash: dashes this short give"),
        (lambda s: s.update(elements=[dict(s["elements"][2], id=f"p{i}") for i in range(1001)]), "elements: 1001 elements, over the 1000"),
        (lambda s: s.update(num_frames=10000, elements=[dict(s["elements"][2], id=f"p{i}", points=[[0, 0]] * 4000) for i in range(3)]),
         "elements: num_frames x items (elements, points, track keys, characters) is 120,030,000, over the 2,000,000 limit"),
        (lambda s: s.update(fps=1e9), "fps: expected a positive number up to 1000"),
        (lambda s: s["meta"].update(value=float("nan")), "meta.value: expected a finite number, got nan"),
        (lambda s: s["meta"].update(deep=[float("inf")]), "meta.deep[0]: expected a finite number, got inf"),
        (lambda s: s["meta"].update(deep=_nested(40)), "nested deeper than 32 levels"),
    ],
)
def test_limits_name_the_field(mutate, message):
    spec = _base()
    S.validate(copy.deepcopy(spec))
    mutate(spec)
    with pytest.raises(SpecError) as err:
        S.validate(spec)
    assert message in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("meta", "message"),
    [
        (None, "not valid JSON (nested deeper"),
        ("NaN", "not valid JSON (NaN is not a JSON number)"),
        ("-Infinity", "not valid JSON (-Infinity is not a JSON number)"),
        ("1e400", "meta.value: expected a finite number, got inf"),
    ],
)
def test_from_json_refuses_hostile_json_in_one_line(meta, message):
    text = "[" * 100_000 + "]" * 100_000 if meta is None else S.to_json(_base()).replace('"value":3', f'"value":{meta}')
    with pytest.raises(SpecError) as err:
        S.from_json(text, "f.json")
    assert str(err.value).startswith("f.json: ") and message in str(err.value) and "\n" not in str(err.value)


def test_text_layout_measures_a_linear_number_of_characters(monkeypatch):
    """The layout of n characters measures O(n) characters in all, not one prefix per character (n²/2)."""
    measured = []
    original = ImageFont.FreeTypeFont.getlength
    monkeypatch.setattr(ImageFont.FreeTypeFont, "getlength", lambda self, text, *a, **k: measured.append(len(text)) or original(self, text, *a, **k))
    text = "The quick brown fox jumps over the lazy dog. 时钟 " * 40  # 2,000 characters
    textlayout.text_layout.cache_clear()
    lay = textlayout.text_layout("noto-sans-sc", 17, text)
    assert len(lay["pens"]) == len(text)
    assert sum(measured) <= 4 * len(text), sum(measured)  # the quadratic layout measured ~2,000,000


def test_text_layout_equals_prefix_measurement():
    """Pens and ink boxes are exactly those of measuring each prefix (the definition), kerned pairs included."""
    text = "AVAWAy Ta To. LT 时钟，出口 fi ff 0.5"
    for font_id in ("dejavu-sans", "dejavu-serif", "noto-sans-sc"):
        font = textlayout.fonts.load(font_id, 23)
        textlayout.text_layout.cache_clear()
        lay = textlayout.text_layout(font_id, 23, text if font_id.startswith("noto") else text.split("时")[0])
        s = text if font_id.startswith("noto") else text.split("时")[0]
        assert lay["pens"] == [font.getlength(s[: i + 1]) - font.getlength(ch) for i, ch in enumerate(s)]
        assert lay["width"] == font.getlength(s)


# ---------------------------------------------------------------------- commands


def _dataset_with_spec(tiny_dir: Path, tmp_path: Path, spec_text: str) -> tuple[Path, str]:
    """A copy of tiny/ whose first test record carries ``spec_text`` (manifest checksum updated)."""
    root = tmp_path / "ds"
    shutil.copytree(tiny_dir, root)
    path = next((root / "data").glob("test-*.parquet"))
    table = pq.read_table(path)
    rows = table.to_pylist()
    rows[0]["spec"] = spec_text
    new = type(table).from_pylist(rows, schema=table.schema)
    pq.write_table(new, path)
    manifest = json.loads((root / "manifest.json").read_text())
    for entry in manifest["shards"]:
        if entry["file"].endswith(path.name):
            entry["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    (root / "manifest.json").write_text(json.dumps(manifest))
    return root, rows[0]["id"]


DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("spec_text, message", [(DEEP, "nested deeper"), ('{"version": 1, "elem', "not valid JSON")])
def test_damaged_spec_is_one_line_naming_the_record_in_every_command(spec_text, message, tiny_dir, tmp_path, capsys):
    root, sample_id = _dataset_with_spec(tiny_dir, tmp_path, spec_text)
    (tmp_path / "deep.json").write_text(spec_text)

    assert cli_main(["render", "--spec", str(tmp_path / "deep.json"), "--out", str(tmp_path / "a.mp4")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "deep.json" in err and message in err and len(err.splitlines()) == 1

    assert cli_main(["render", "--from", str(root), "--id", sample_id, "--out", str(tmp_path / "b.mp4")]) == 1
    err = capsys.readouterr().err.strip()
    assert f"record {sample_id}" in err and message in err and len(err.splitlines()) == 1
    assert not (tmp_path / "a.mp4").exists() and not (tmp_path / "b.mp4").exists()

    assert cli_main(["bench", "prompts", str(root), "--out", str(tmp_path / "p.jsonl")]) == 1
    err = capsys.readouterr().err.strip()
    assert f"record {sample_id}" in err and message in err and len(err.splitlines()) == 1
    assert not (tmp_path / "p.jsonl").exists()

    # validate reports the record (its spec, and its checksum if records carry one) and goes on
    # checking the rest: lines naming the record and a count, not an abort.
    assert cli_main(["validate", str(root), "--no-decode"]) == 1
    *problems, total = capsys.readouterr().err.strip().splitlines()
    assert problems and all(f"record {sample_id}" in line for line in problems)
    assert any(message in line for line in problems) and total.endswith(f"{len(problems)} problem(s)")


def test_huge_spec_refused_before_rendering(tmp_path, capsys):
    spec = _base()
    spec.update(width=4096, height=4096, num_frames=10000)
    (tmp_path / "big.json").write_text(json.dumps(spec))
    assert cli_main(["render", "--spec", str(tmp_path / "big.json"), "--out", str(tmp_path / "o.mp4")]) == 1
    err = capsys.readouterr().err.strip()
    assert "big.json: num_frames: width x height x num_frames" in err and len(err.splitlines()) == 1


def test_generate_refuses_a_config_past_the_clip_limit_before_writing(tmp_path, capsys):
    out = tmp_path / "big"
    assert cli_main(["generate", "tiny", "--size", "4096x4096", "--frames", "10000", "--num", "10", "--out", str(out), "--quiet"]) == 1
    err = capsys.readouterr().err.strip()
    assert "num_frames: width x height x num_frames is 167,772,160,000" in err and len(err.splitlines()) == 1
    assert not out.exists()


def _wrapped(v: list, times: int) -> list:
    for _ in range(times):
        v = [v]
    return v


@pytest.mark.parametrize(
    ("mutate", "message"),
    [  # validate passes a list of points or keys in one C pass; each of these must still be caught
        (lambda s: s["elements"][2]["points"].__setitem__(1, [10, True]), "elements[2].points: expected a list of 2..4096 [x, y] points"),
        (lambda s: s["elements"][2]["points"].__setitem__(1, [10.0, 1025.0]), "elements[2].points: expected a list of 2..4096 [x, y] points"),
        (lambda s: s["elements"][2]["points"].__setitem__(0, [-1024.5, 0.0]), "elements[2].points: expected a list of 2..4096 [x, y] points"),
        (lambda s: s["elements"][2]["points"].__setitem__(1, [10.0, 2.0, 3.0]), "elements[2].points: expected a list of 2..4096 [x, y] points"),
        (lambda s: s["elements"][2]["points"].append([float("nan"), 0.0]), "elements[2].points[2][0]: expected a finite number, got nan"),
        (lambda s: s["elements"][2]["points"].append([0.0, float("-inf")]), "elements[2].points[2][1]: expected a finite number, got -inf"),
        (lambda s: s["elements"][1]["radius"]["keys"].__setitem__(1, [float("inf"), 9]), "elements[1].radius.keys[1][0]: expected a finite number"),
        (lambda s: s["meta"].update(deep=_wrapped([[1.0, 2.0]], 29)), "nested deeper than 32 levels"),  # the list at depth 31, its items at 32
        (lambda s: s["elements"][0].update(color=[0, 0, 256]), "elements[0].color: expected an [r, g, b] list of integers 0..255"),
        (lambda s: s["elements"][0].update(color=[0, -1, 0]), "elements[0].color: expected an [r, g, b] list of integers 0..255"),
    ],
)
def test_lists_passed_in_one_pass_still_name_a_bad_item(mutate, message):
    spec = _base()
    spec["elements"][2]["points"] = [[0.0, 0.0], [10.0, 10.0]]
    S.validate(copy.deepcopy(spec))
    mutate(spec)
    with pytest.raises(SpecError) as err:
        S.validate(spec)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_points_at_the_reach_and_huge_sums_of_finite_coordinates_pass():
    """The one-pass test of a point list gives the per-point test's answer on its edges: coordinates
    exactly at ±reach, ints beside floats, and finite values whose running sum overflows."""
    spec = _base()
    spec["elements"][2]["points"] = [[-256.0, 256], [256, -256.0], [0, 0.5]]
    spec["meta"]["big"] = [[1e308, 1e308], [-1e308, -1e308]]
    spec["meta"]["deep"] = _wrapped([[1.0, 2.0]], 28)  # the points at depth 31: within the cap
    assert S.validate(spec) is spec


@pytest.mark.parametrize(
    ("mutate", "message"),
    [  # validate proves the elements' data plain by their kind tests; bad data under one is still named first
        (lambda s: s["elements"][3].update(offset=float("nan")), "elements[3].offset: expected a finite number, got nan"),
        (lambda s: (s["elements"][0].update(size=0), s["elements"][3].update(offset=float("inf"))), "elements[3].offset: expected a finite number, got inf"),
        (lambda s: (s.update(width=7), s["elements"][1]["radius"]["keys"][1].__setitem__(1, float("nan"))),
         "elements[1].radius.keys[1][1]: expected a finite number, got nan"),
        (lambda s: (s["elements"].append("x"), s["elements"][2].update(points=[[0.0, float("-inf")], [1.0, 1.0]])),
         "elements[2].points[0][1]: expected a finite number, got -inf"),
        (lambda s: s["elements"][0].update(cursor={"color": [0, 0, 0], "blink": float("nan")}), "elements[0].cursor.blink: expected a finite number"),
        (lambda s: s["elements"][2].update(points=_wrapped([[1.0, 2.0]], 28)), "nested deeper than 32 levels"),
        (lambda s: s["elements"][0].update(size=0), "elements[0].size: expected a positive number (a font size"),
    ],
)
def test_bad_data_under_an_element_is_named_before_other_errors(mutate, message):
    spec = _base()
    mutate(spec)
    with pytest.raises(SpecError) as err:
        S.validate(spec)
    assert message in str(err.value) and "\n" not in str(err.value)
