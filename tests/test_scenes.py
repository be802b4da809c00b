"""Scene templates: shipped templates hold their rules on pixels, bad templates fail in one line,
generation is deterministic, and the drafting loop works against a local OpenAI-compatible server."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
import yaml

from symbolset import layout
from symbolset.authoring import draft as drafting
from symbolset.authoring.preview import preview_samples
from symbolset.cli import main
from symbolset.errors import SymbolSetError
from symbolset.families import scene

SHIPPED = sorted(p.stem for p in scene.builtin_dir().glob("*.yaml"))
NEW_SCENES = {"microwave_timer", "washing_machine", "thermometer", "elevator_floor", "scoreboard", "price_tag",
              "road_sign_sequence", "subway_line_map", "calendar_page", "progress_bar"}  # fmt: skip
FAMILY_CONVERSIONS = {"typing_line", "sliding_text", "aircon_display", "analog_clock", "lane_lines"}


def test_the_library_has_the_appliance_scenes_and_family_conversions():
    assert NEW_SCENES | FAMILY_CONVERSIONS <= set(SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
@pytest.mark.parametrize("size,frames,fps", [(256, 16, 8.0), pytest.param(160, 12, 12.0, marks=pytest.mark.slow)])
def test_shipped_template_holds_its_rules_on_pixels(name, size, frames, fps):
    template = scene.load_template(scene.builtin_dir() / f"{name}.yaml")
    samples = preview_samples(template, num=4, seed=size, width=size, height=size * 3 // 4 // 2 * 2, num_frames=frames, fps=fps)
    for s in samples:
        assert s["problems"] == [], (s["id"], s["problems"][:3])
        for lang in ("en", "zh"):
            assert set(s["captions"][lang]) == {"short", "detailed", "temporal"}
            assert all(text and "{{" not in text and "{%" not in text for text in s["captions"][lang].values())


def test_sampling_is_a_pure_function_of_the_seed():
    template = scene.load_template(scene.builtin_dir() / "calendar_page.yaml")
    a, b = (preview_samples(template, num=2, seed=3, width=128, height=96, num_frames=6) for _ in range(2))
    assert [s["spec"] for s in a] == [s["spec"] for s in b]
    assert all(np.array_equal(x["frames"], y["frames"]) for x, y in zip(a, b))


def test_verify_catches_a_display_that_shows_other_values():
    template = scene.load_template(scene.builtin_dir() / "microwave_timer.yaml")
    sample = preview_samples(template, num=1, width=128, height=96, num_frames=12)[0]
    spec = sample["spec"]
    display = next(el for el in spec["elements"] if el["id"] == "display")
    display["text"] = json.loads(json.dumps(display["text"]))
    keys = display["text"]["keys"] if isinstance(display["text"], dict) else None
    from symbolset.render import render_clip

    if keys:
        keys[-1][1] = "9:59"  # the pixels now show a value the rule does not promise
    else:
        display["text"] = "9:59"
    frames, annotations = render_clip(spec)
    problems = scene.verify(spec, frames, annotations)
    assert any("value_sequence" in p for p in problems)


def test_ocr_reads_the_strings_the_captions_quote():
    from rapidocr_onnxruntime import RapidOCR

    ocr = RapidOCR()
    template = scene.load_template(scene.builtin_dir() / "price_tag.yaml")
    for s in preview_samples(template, num=3, seed=1, width=320, height=240, num_frames=12):
        result, _ = ocr(s["frames"][-1])
        read = " ".join(text for _, text, _ in (result or [])).replace(" ", "")
        price = s["spec"]["meta"]["values"]["price"]
        assert price.replace("¥", "") in read.replace("¥", "").replace("Y", ""), (price, read)
        assert price in s["captions"]["en"]["detailed"]


BAD = {
    "unknown field": ({"name": "x", "rule": "r", "elements": [], "captions": {}, "colour": 1}, "colour: unknown field"),
    "bad name": ({"name": "X Y", "rule": "r", "elements": [{"id": "a", "type": "text"}], "captions": {}}, "name: expected"),
    "element type": ({"name": "x", "rule": "r", "elements": [{"id": "a", "type": "hexagon"}], "captions": {}}, "elements[0].type: unknown element type"),
    "element field": ({"name": "x", "rule": "r", "elements": [{"id": "a", "type": "circle", "radius_px": 3}], "captions": {}}, "elements[0].radius_px: not a field"),
    "distribution": ({"name": "x", "rule": "r", "variables": {"v": {"int": [5, 1]}}, "elements": [{"id": "a", "type": "circle"}], "captions": {}},
                     "variables.v.int: expected [low, high]"),
    "missing zh": ({"name": "x", "rule": "r", "elements": [{"id": "a", "type": "circle"}], "captions": {"en": {"short": "a", "detailed": "b", "temporal": "c"}}},
                   "captions.zh: missing"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_templates_fail_in_one_line_naming_file_and_field(tmp_path, capsys, case):
    data, expected = BAD[case]
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    assert main(["generate", "--scenes", str(path), "--out", str(tmp_path / "out"), "--num", "2", "--quiet"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(path) in err and expected in err, err
    assert not (tmp_path / "out").exists()


def test_an_expression_error_names_the_scene_and_field(tmp_path, capsys):
    template = yaml.safe_load((scene.builtin_dir() / "scoreboard.yaml").read_text(encoding="utf-8"))
    template["derived"]["digit_h"] = "{{ round(0.3 * heigth, 1) }}"  # a typo
    path = tmp_path / "typo.yaml"
    path.write_text(yaml.safe_dump(template, allow_unicode=True))
    assert main(["scene", "preview", str(path), "--num", "1"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(path) in err[0] and "scene:scoreboard: derived.digit_h" in err[0] and "heigth" in err[0], err


@pytest.mark.slow  # end to end: generate twice, validate, load and convert both ways
def test_generated_scenes_validate_load_and_convert_like_any_family(tmp_path):
    out = tmp_path / "ds"
    args = ["generate", "--scenes", str(scene.builtin_dir()), "--num", "45", "--size", "96x64", "--frames", "6", "--quiet", "--out"]
    assert main([*args, str(out)]) == 0
    assert main([*args, str(tmp_path / "two"), "--workers", "2"]) == 0
    shards = [p.name for p in layout.shard_paths(out)]
    assert shards and all((out / "data" / n).read_bytes() == (tmp_path / "two" / "data" / n).read_bytes() for n in shards)
    assert main(["validate", str(out)]) == 0
    rows = list(layout.iter_rows(out, columns=["family", "captions"]))
    assert {r["family"] for r in rows} == {f"scene:{n}" for n in SHIPPED}
    from symbolset.torch import SymbolVideoDataset

    ds = SymbolVideoDataset(str(out), split=None)
    assert ds[0]["video"].shape[0] == 6
    assert main(["convert", str(out), str(tmp_path / "wds"), "--to", "webdataset"]) == 0
    assert main(["convert", str(tmp_path / "wds"), str(tmp_path / "back"), "--to", "parquet"]) == 0
    assert [r["id"] for r in layout.iter_rows(tmp_path / "back", columns=["id"])] == [r["id"] for r in layout.iter_rows(out, columns=["id"])]


def test_preview_writes_a_contact_sheet_and_prints_captions(tmp_path, capsys):
    out = tmp_path / "preview.png"
    assert main(["scene", "preview", str(scene.builtin_dir() / "elevator_floor.yaml"), "--num", "2", "--size", "128x96", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "zh.temporal" in printed and "en.short" in printed
    from PIL import Image

    assert Image.open(out).size == (4 * 128, 2 * 96)


# ------------------------------------------------------------------------------- drafting, offline
class _ReplayServer:
    """An OpenAI-compatible chat endpoint on 127.0.0.1 that replays recorded answers in order."""

    def __init__(self, answers: list[str]):
        self.answers, self.requests = list(answers), []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append(body)
                text = outer.answers.pop(0) if outer.answers else "no more answers"
                reply = {"id": "r", "object": "chat.completion", "created": 0, "model": body["model"],
                         "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text}}]}  # fmt: skip
                data = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


def _fenced(template: dict) -> str:
    return "Here is the scene:\n```yaml\n" + yaml.safe_dump(template, allow_unicode=True, sort_keys=False) + "```\n"


@pytest.fixture
def good_template():
    return yaml.safe_load((scene.builtin_dir() / "elevator_floor.yaml").read_text(encoding="utf-8"))


def test_draft_accepts_a_valid_answer(tmp_path, good_template, capsys):
    server = _ReplayServer([_fenced(good_template)])
    try:
        out = tmp_path / "scene.yaml"
        assert main(["scene", "draft", "an elevator floor display", "--out", str(out), "--api-base", server.url, "--model", "m"]) == 0
    finally:
        server.close()
    assert scene.load_template(out)["name"] == "elevator_floor"
    assert "1 round" in capsys.readouterr().out
    system = server.requests[0]["messages"][0]["content"]
    assert "JSON Schema" in system and "microwave_timer" in system and server.requests[0]["messages"][1]["content"] == "an elevator floor display"


def test_draft_sends_errors_back_and_accepts_the_repair(tmp_path, good_template):
    broken = json.loads(json.dumps(good_template))
    broken["derived"]["digit_h"] = "{{ round(0.36 * hieght, 1) }}"
    server = _ReplayServer([_fenced(broken), _fenced(good_template)])
    try:
        text, rounds = drafting.draft("an elevator", api_base=server.url, model="m", api_key="k")
    finally:
        server.close()
    assert rounds == 2 and yaml.safe_load(text)["name"] == "elevator_floor"
    repair = server.requests[1]["messages"][-1]["content"]
    assert "hieght" in repair and "derived.digit_h" in repair


def test_draft_gives_up_after_the_last_round_with_one_line(tmp_path, capsys):
    server = _ReplayServer(["I cannot do that.", "```yaml\nname: [\n```", "still no"])
    try:
        out = tmp_path / "scene.yaml"
        code = main(["scene", "draft", "x", "--out", str(out), "--api-base", server.url, "--model", "m", "--rounds", "3"])
    finally:
        server.close()
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1 and "after 3 round(s)" in err[0] and not out.exists()
    assert len(server.requests) == 3


def test_draft_names_an_unreachable_server(tmp_path, capsys):
    code = main(["scene", "draft", "x", "--out", str(tmp_path / "s.yaml"), "--api-base", "http://127.0.0.1:9/v1", "--model", "m", "--rounds", "1"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1 and "127.0.0.1:9" in err[0]


def test_unknown_scene_names_the_known_ones():
    with pytest.raises(SymbolSetError, match="scene:microwave_timer"):
        from symbolset.config import load_config

        load_config("default", families="scene:nope")
