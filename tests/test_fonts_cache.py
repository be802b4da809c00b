"""The fonts' character maps kept between processes: same answer as fontTools, re-read when the file changes."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from fontTools.ttLib import TTFont

from symbolset import fonts


def _truth(font_id: str) -> frozenset[int]:
    path, index = fonts.font_file(font_id)
    with TTFont(str(path), fontNumber=index, lazy=True) as font:
        return frozenset(font.getBestCmap())


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SYMBOLSET_CACHE_DIR", str(tmp_path / "cache"))
    fonts.codepoints.cache_clear()
    yield tmp_path / "cache" / "cmap"
    fonts.codepoints.cache_clear()


@pytest.mark.parametrize("font_id", ["noto-sans-sc", "dejavu-sans-mono"])
def test_cached_cmap_equals_the_font(cache, font_id):
    first = fonts.codepoints(font_id)
    assert first == _truth(font_id)
    assert len(list(cache.glob("*.npy"))) == 1  # written for the next process
    fonts.codepoints.cache_clear()
    assert fonts.codepoints(font_id) == first  # read back from the cache


def test_damaged_cache_is_read_again(cache):
    fonts.codepoints("dejavu-serif")
    (entry,) = cache.glob("*.npy")
    entry.write_bytes(b"not an array")
    fonts.codepoints.cache_clear()
    assert fonts.codepoints("dejavu-serif") == _truth("dejavu-serif")


def test_changed_font_file_is_read_again(cache, tmp_path):
    path = tmp_path / "face.ttf"
    shutil.copy(fonts.font_file("dejavu-sans")[0], path)
    fonts.register_font("test-face", path)
    try:
        assert fonts.codepoints("test-face") == _truth("dejavu-sans")
        shutil.copy(fonts.font_file("dejavu-sans-mono")[0], path)  # another face under the same path
        fonts.codepoints.cache_clear()
        assert fonts.codepoints("test-face") == _truth("dejavu-sans-mono")
    finally:
        fonts._REGISTRY.pop("test-face")


def test_unwritable_cache_still_answers(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("SYMBOLSET_CACHE_DIR", str(blocker / "below-a-file"))
    fonts.codepoints.cache_clear()
    try:
        assert fonts.codepoints("dejavu-sans-bold") == _truth("dejavu-sans-bold")
    finally:
        fonts.codepoints.cache_clear()


def test_font_paths_need_no_matplotlib_import():
    code = "import sys; from symbolset import fonts; [fonts.font_file(f) for f in fonts.FONT_IDS]; print('matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_faces_are_kept_by_estimated_bytes_not_by_count(monkeypatch):
    # A CJK face (65,535 glyphs) holds ~2 MB, a DejaVu face ~0.2 MB: the cache is bounded by an
    # estimate of that, so many Latin faces fit where a few CJK ones do, and the bound holds.
    cache = fonts._FaceCache(8 * 2**20)
    monkeypatch.setattr(fonts, "_FACES", cache)
    latin = [fonts.load("dejavu-sans", s) for s in range(10, 40)]
    assert len(cache) == 30 and all(fonts.load("dejavu-sans", s) is f for s, f in zip(range(10, 40), latin))
    for s in range(10, 20):
        fonts.load("noto-sans-sc", s)
        assert cache.held <= cache.budget
    assert len(cache) < 30  # the CJK faces pushed out the least recently used ones
    assert fonts.load("noto-sans-sc", 19) is fonts.load("noto-sans-sc", 19)
    assert cache.held == sum(f.font.glyphs * fonts._BYTES_PER_GLYPH for f in cache._faces.values())
