"""An unfinished run started before a config field existed (``real_codec``), or when that field's
default was another (``h264-veryfast``), resumes as it was started: its remaining shards get the
codec its first ones have, and the finished manifest says so. A run that truly differs is refused in
one line naming what differs."""

from __future__ import annotations

import json
import shutil

import pytest

from symbolset import __version__, layout
from symbolset.build import generate
from symbolset.config import load_config
from symbolset.errors import SymbolSetError
from symbolset.planning import STATE_FILE


def _cfg(**kw):
    return load_config("tiny", name="resume", families=("signage",), num=4, width=64, height=64, num_frames=4, shard_size=1, style="real", **kw)


def _shards(root):
    return {p.name: p.read_bytes() for p in layout.shard_paths(root)}


def _finished_and_cut(root, old, saved):
    """A finished run of config ``old``, and a copy cut back to an unfinished run whose state file
    saved config ``saved``: half its shards."""
    done = root / "done"
    generate(old, done, progress=False)
    cut = root / "cut"
    shutil.copytree(done, cut)
    (cut / layout.MANIFEST).unlink()
    for p in layout.shard_paths(cut)[2:]:
        p.unlink()
    (cut / STATE_FILE).write_text(json.dumps({"config": saved, "generator_version": __version__}))
    return done, cut


@pytest.fixture(scope="module")
def before(tmp_path_factory):
    """A finished run as a generator without ``real_codec`` made it (real clips in the dataset's codec),
    and a copy cut back to an unfinished run of that generator."""
    old = _cfg(real_codec="h264")
    saved = {k: v for k, v in old.to_dict().items() if k != "real_codec"}  # what the older generator wrote
    return _finished_and_cut(tmp_path_factory.mktemp("resume"), old, saved)


@pytest.fixture(scope="module")
def veryfast(tmp_path_factory):
    """A finished run made when real clips defaulted to ``h264-veryfast`` (its manifest states it), and
    a copy cut back to an unfinished run of it."""
    old = _cfg(real_codec="h264-veryfast")
    return _finished_and_cut(tmp_path_factory.mktemp("resume-veryfast"), old, old.to_dict())


def test_a_run_predating_real_codec_resumes_with_its_own_codec(before, tmp_path, capsys):
    done, cut = before
    out = tmp_path / "run"
    shutil.copytree(cut, out)
    assert _cfg().real_codec == "h264-real"  # today's default differs from what the run used
    generate(_cfg(), out, progress=False)
    assert "started before real_codec existed: real_codec h264" in capsys.readouterr().err
    assert _shards(out) == _shards(done)
    assert layout.load_manifest(out)["config"] == layout.load_manifest(done)["config"]
    assert not (out / STATE_FILE).exists()


def test_a_run_that_differs_is_refused_naming_the_field(before, tmp_path):
    _, cut = before
    out = tmp_path / "run"
    shutil.copytree(cut, out)
    with pytest.raises(SymbolSetError, match=r"started before real_codec existed \(as real_codec: h264\); set real_codec: h264"):
        generate(_cfg(real_codec="ffv1"), out, progress=False)
    with pytest.raises(SymbolSetError, match=r"different config \(it differs in seed\); pass --overwrite"):
        generate(_cfg(seed=3), out, progress=False)
    assert sorted(_shards(out)) == sorted(_shards(cut))  # nothing written
    generate(_cfg(real_codec="h264"), out, progress=False)  # as the line says
    assert _shards(out) == _shards(before[0])


def test_a_run_made_with_the_former_default_resumes_with_it(veryfast, tmp_path, capsys):
    done, cut = veryfast
    out = tmp_path / "run"
    shutil.copytree(cut, out)
    generate(_cfg(), out, progress=False)  # today's default, h264-real
    assert "started when real_codec defaulted to h264-veryfast (now h264-real): real_codec h264-veryfast" in capsys.readouterr().err
    assert _shards(out) == _shards(done)
    assert layout.load_manifest(out)["config"]["real_codec"] == "h264-veryfast"


def test_a_run_with_the_former_default_refuses_another_codec(veryfast, tmp_path):
    _, cut = veryfast
    out = tmp_path / "run"
    shutil.copytree(cut, out)
    with pytest.raises(SymbolSetError, match=r"different config \(it differs in real_codec\); pass --overwrite"):
        generate(_cfg(real_codec="ffv1"), out, progress=False)
    assert sorted(_shards(out)) == sorted(_shards(cut))
