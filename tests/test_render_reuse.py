"""A record draws its clip once: the family's claims measure the frames the record just rendered."""

from __future__ import annotations

import numpy as np
import pytest

from symbolset import record, render
from symbolset.record import sample_seed, sample_spec

BASE = {"width": 96, "height": 96, "num_frames": 6, "fps": 8.0, "options": {}}


def _spec(family: str, style: str = "flat", kind: str | None = None) -> dict:
    for k in range(50):
        spec = sample_spec(family, sample_seed(0, family, k), {**BASE, "style": style})
        if kind is None or spec["meta"]["kind"] == kind:
            return spec
    raise AssertionError(f"no {family} of kind {kind} in 50 seeds")


def _counting(monkeypatch) -> list:
    calls: list = []
    draw = render._draw_one  # every element drawn, whichever frame or layer it is drawn for
    monkeypatch.setattr(render, "_draw_one", lambda *a, **kw: calls.append(1) or draw(*a, **kw))
    return calls


@pytest.mark.parametrize("style", ["flat", "real"])
def test_chart_record_draws_its_frames_once(monkeypatch, style):
    spec = _spec("chart", style, kind="bar")  # bars are dated on the rendered frames
    frames, _ = render.render_clip(spec)
    calls = _counting(monkeypatch)
    row = record.build_record(spec, sample_id="c", split="train", seed=1)
    once = len(calls)
    calls.clear()
    render.render_clip(spec)
    assert once == len(calls)  # the claims' own render_clip of the card came from the record's frames
    assert row["num_frames"] == len(frames)


def test_reused_frames_equal_fresh_ones():
    spec = _spec("text_typing")
    fresh, fresh_ann = render.render_clip(spec)
    last, last_ann = render.render_frame(spec, spec["num_frames"] - 1)
    with render.reuse():
        frames, ann = render.render_clip(spec)
        again, again_ann = render.render_clip(dict(spec))  # an equal spec, not the same object
        kept, kept_ann = render.render_frame(spec, spec["num_frames"] - 1)
    assert again is not frames and np.shares_memory(again, frames) and not again.flags.writeable
    assert np.array_equal(again, fresh) and again_ann == fresh_ann
    assert np.array_equal(kept, last) and kept_ann == last_ann
    with pytest.raises(ValueError):
        again[0, 0, 0] = 1  # a claim cannot change the record's frames


def test_no_reuse_of_another_spec_or_outside_the_block(monkeypatch):
    spec = _spec("clock")
    other = {**spec, "background": [1, 2, 3]}
    with render.reuse():
        render.render_clip(spec)
        calls = _counting(monkeypatch)
        frames, _ = render.render_clip(other)
        assert calls and frames[0, 0, 0].tolist() == [1, 2, 3]
    calls.clear()
    render.render_clip(spec)
    assert calls  # outside the block every call draws


def test_reuse_is_per_thread(monkeypatch):
    import threading

    spec = _spec("seven_segment")
    with render.reuse():
        render.render_clip(spec)
        calls = _counting(monkeypatch)
        worker = threading.Thread(target=render.render_clip, args=(spec,))
        worker.start()
        worker.join()
        assert calls  # another thread, outside any block of its own, draws
        calls.clear()
        render.render_clip(spec)
        assert not calls
