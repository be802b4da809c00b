"""A job that fails inside ``bench validate`` or ``bench run`` -- inline or in a worker process --
stops the command with one line naming the clip (and the variant) or the video, a non-zero exit
and no output written (it was a multiprocessing traceback)."""

from __future__ import annotations

import json

import pytest

from symbolset.bench import parallel, variants
from symbolset.bench.score import Scorer
from symbolset.cli import main
from symbolset.layout import iter_rows


def fails_on_two(job: int) -> int:
    """A job function for worker processes (module-level: spawn imports it): job 2 fails."""
    if job == 2:
        raise ValueError("bad vertex\nsecond line")
    return job * 10


def job_label(job: int) -> str:
    return f"job {job}"


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failing_job_is_one_named_line(workers):
    """Inline and in a worker process alike: the jobs before it are yielded, then one line."""
    out = []
    with pytest.raises(parallel.JobError) as caught:
        for r in parallel.ordered_map(fails_on_two, [0, 1, 2, 3], workers, label=job_label):
            out.append(r)
    assert out == [0, 10]
    assert str(caught.value) == "job 2: ValueError: bad vertex second line"


def _boom(spec, seed):
    raise ValueError("move_vertex: no fixed vertex")


def test_validate_names_the_clip_and_variant_that_failed(tiny_dir, tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(variants.LEGITIMATE, "move", _boom)
    out = tmp_path / "v"
    args = ["bench", "validate", str(tiny_dir), "--split", "test", "--families", "clock", "--limit", "1", "--corruptions", "none",
            "--variants", "retime,move", "--no-wrong", "--ocr-frames", "1", "--out", str(out), "--quiet"]  # fmt: skip
    assert main(args) == 1
    err = capsys.readouterr().err.strip()
    clip = next(r["id"] for r in iter_rows(tiny_dir, "test", columns=["id", "family"]) if r["family"] == "clock")
    assert "\n" not in err and "Traceback" not in err
    assert err == f"error: bench validate: clip {clip}: legitimate variant move: ValueError: move_vertex: no fixed vertex"
    assert not out.exists()


def test_run_names_the_video_that_failed(tiny_dir, tmp_path, capsys, monkeypatch):
    assert main(["bench", "prompts", str(tiny_dir), "--out", str(tmp_path / "all.jsonl"), "--per-family", "1"]) == 0
    lines = (tmp_path / "all.jsonl").read_text().splitlines()[:2]
    (tmp_path / "prompts.jsonl").write_text("".join(line + "\n" for line in lines))
    prompts = [json.loads(line) for line in lines]
    videos = tmp_path / "videos"
    videos.mkdir()
    stored = {r["id"]: r["video"]["bytes"] for r in iter_rows(tiny_dir, None, columns=["id", "video"])}
    for p in prompts:
        (videos / f"{p['id']}.mp4").write_bytes(stored[p["id"]])
    bad = videos / f"{prompts[-1]['id']}.mp4"
    real = Scorer.score

    def score(self, prompt, video, native=None):
        if prompt["id"] == prompts[-1]["id"]:
            raise IndexError("index 3 is out of bounds for axis 0 with size 3")
        return real(self, prompt, video, native)

    monkeypatch.setattr(Scorer, "score", score)
    capsys.readouterr()
    out = tmp_path / "r"
    args = ["bench", "run", "--prompts", str(tmp_path / "prompts.jsonl"), "--videos", str(videos), "--out", str(out), "--quiet", "--no-ocr"]
    assert main(args) == 1
    err = capsys.readouterr().err.strip()
    assert err == f"error: bench run: prompt {prompts[-1]['id']}: video {bad}: IndexError: index 3 is out of bounds for axis 0 with size 3"
    assert not out.exists()
