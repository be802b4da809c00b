"""Fonts from pip-installed packages, and the glyph-coverage check that prevents tofu boxes.

No system font is assumed: Noto Sans CJK comes from the ``noto-cjk-sans-otc`` wheel (Latin,
digits and Chinese), DejaVu from matplotlib's wheel (Latin only). A font is named by a stable
id (``"noto-sans-sc"``); the spec stores the id, never a path.
"""

from __future__ import annotations

import collections
import functools
import hashlib
import io
import os
import threading
from pathlib import Path

import numpy as np
from PIL import ImageFont

from . import fontpack
from .atomic import write_bytes_atomic
from .draw import pick
from .errors import GlyphError, SpecError, SymbolSetError


@functools.cache
def _noto_path() -> Path:
    import noto_cjk_sans_otc

    return Path(str(noto_cjk_sans_otc.FONT_PATH))


def _mpl_font(name: str) -> Path:
    # Found without importing matplotlib (0.15-0.4 CPU-s per process): its fonts sit in mpl-data/.
    folder = fontpack.package_dir("matplotlib")
    if folder is None:
        raise SpecError(f"font file {name}: matplotlib is not installed (pip install matplotlib)")
    return folder / "mpl-data" / "fonts" / "ttf" / name


# id -> (path factory, face index inside a collection, scripts it is meant for)
_REGISTRY = {
    "noto-sans-sc": (_noto_path, 2, ("latin", "han", "digits")),
    "noto-sans-tc": (_noto_path, 3, ("latin", "han", "digits")),
    "noto-sans-mono-sc": (_noto_path, 7, ("latin", "han", "digits")),
    "dejavu-sans": (lambda: _mpl_font("DejaVuSans.ttf"), 0, ("latin", "digits")),
    "dejavu-sans-bold": (lambda: _mpl_font("DejaVuSans-Bold.ttf"), 0, ("latin", "digits")),
    "dejavu-serif": (lambda: _mpl_font("DejaVuSerif.ttf"), 0, ("latin", "digits")),
    "dejavu-sans-mono": (lambda: _mpl_font("DejaVuSansMono.ttf"), 0, ("latin", "digits")),
}

FONT_IDS = tuple(_REGISTRY)


def font_file(font_id: str) -> tuple[Path, int]:
    """Path and face index of a registered font; :class:`SpecError` for an unknown id."""
    if font_id not in _REGISTRY:  # a face of the larger catalog (the ``real`` style's fonts)
        entry = fontpack.face(font_id)
        if entry is None:
            raise SpecError(f"unknown font {font_id!r} (known: {', '.join(FONT_IDS)} and the {len(fontpack.FACES)} faces of `symbolset fonts`)")
        path = entry.path()
        if path is None:
            raise SpecError(f"font {font_id!r} ({entry.typeface}) is not installed; {entry.install_hint()} provides it")
        return path, entry.index
    factory, index, _ = _REGISTRY[font_id]
    path = factory()
    if not path.exists():
        raise SpecError(f"font {font_id!r}: file {path} is missing (reinstall the package that ships it)")
    return path, index


def register_font(font_id: str, path: str | Path, index: int = 0, scripts=("latin", "digits")) -> None:
    """Make another font file usable in specs (its glyph coverage is still checked)."""
    _REGISTRY[font_id] = (lambda: Path(path), index, tuple(scripts))
    codepoints.cache_clear()
    _FACES.clear()


def fonts_for(script: str) -> list[str]:
    """Font ids meant for a script (``latin``, ``han``, ``digits``), in registry order."""
    return [fid for fid, (_, _, scripts) in _REGISTRY.items() if script in scripts]


@functools.cache
def codepoints(font_id: str) -> frozenset[int]:
    """The set of code points the font maps to a glyph (its cmap).

    Parsing a CJK face's cmap with fontTools costs ~0.1 CPU-s (1.3 s for the ``full`` pool), paid by
    every fresh process (each pool worker), so the result is kept in the user's cache folder
    (:func:`cache_dir`), keyed by the file's path, face index, size and mtime: a font file that
    changes is read again. The cache never changes which fonts are chosen, only how fast.
    """
    path, index = font_file(font_id)
    try:
        st = path.stat()
    except OSError:
        st = None
    entry = None
    if st is not None:
        key = hashlib.sha256(f"{path.resolve()}|{index}|{st.st_size}|{st.st_mtime_ns}".encode()).hexdigest()[:32]
        entry = cache_dir() / "cmap" / f"{key}.npy"
        try:
            arr = np.load(entry, allow_pickle=False)
            if arr.dtype == np.uint32 and arr.ndim == 1:
                return frozenset(arr.tolist())
        except (OSError, ValueError):
            pass  # missing, unreadable or damaged: read the font
    from fontTools.ttLib import TTFont

    with TTFont(str(path), fontNumber=index, lazy=True) as font:
        cmap = frozenset(font.getBestCmap())
    if entry is not None:
        buf = io.BytesIO()
        np.save(buf, np.array(sorted(cmap), dtype=np.uint32), allow_pickle=False)
        try:
            write_bytes_atomic(entry, buf.getvalue())
        except (SymbolSetError, OSError):
            pass  # a read-only home folder only costs the next process the parse
    return cmap


def cache_dir() -> Path:
    """Where derived, re-computable facts are kept between processes: ``$SYMBOLSET_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/symbolset``, else ``~/.cache/symbolset``."""
    if os.environ.get("SYMBOLSET_CACHE_DIR"):
        return Path(os.environ["SYMBOLSET_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "symbolset"


def missing_chars(font_id: str, text: str) -> list[str]:
    """Characters of ``text`` (whitespace aside) that the font lacks, in order of appearance."""
    cmap = codepoints(font_id)
    seen: list[str] = []
    for ch in text:
        if not ch.isspace() and ord(ch) not in cmap and ch not in seen:
            seen.append(ch)
    return seen


def check_coverage(font_id: str, text: str, where: str = "text") -> None:
    """Raise :class:`GlyphError` naming the first character of ``text`` the font cannot draw."""
    missing = missing_chars(font_id, text)
    if missing:
        ch = missing[0]
        raise GlyphError(f"{where}: font {font_id!r} has no glyph for {ch!r} (U+{ord(ch):04X}); it would render as tofu")


def pick_font(rng: np.random.Generator, text: str, candidates: list[str] | tuple[str, ...] = FONT_IDS) -> str:
    """Choose, with ``rng``, a font among ``candidates`` that covers every character of ``text``."""
    covering = [fid for fid in candidates if not missing_chars(fid, text)]
    if not covering:
        raise GlyphError(f"no font among {', '.join(candidates)} covers every character of {text!r}")
    return pick(rng, covering)


# Loaded faces, kept by an estimate of the memory they hold rather than by count. A FreeType face
# costs memory in proportion to its glyphs (measured, heap + mapped file pages: a 65,535-glyph CFF
# CJK face 1.9-2.3 MB, a 6,200-glyph DejaVu face 0.2-0.3 MB, a 300-glyph Latin face under 0.1 MB)
# and its loading time likewise (1-2 ms against 0.2-0.6 ms). A clip draws each text at its own size:
# a default run's texts come in up to 266 (face, size) pairs (221 in 600 clips, 104 of them CJK);
# the budget keeps about 45 CJK faces or every Latin one. Of a CJK face's cost only 0.95 MB (15 B a
# glyph) is private; the rest is pages of the one font file, mapped once per face and shared, which
# RSS counts per face. Keeping every face of a 600-clip run (16 B/glyph) loads 234 faces instead of
# 549 (~0.5 ms/clip less CPU) for +43 MB private memory and +155 MB of peak RSS a process, so the
# budget stays. The cache changes only speed and memory, never what is drawn.
_BYTES_PER_GLYPH = 32
FACE_BUDGET = 96 * 2**20  # bytes (estimated) of faces kept per process


class _FaceCache:
    """A least-recently-used cache of faces by (font id, size), bounded by estimated bytes."""

    def __init__(self, budget: int):
        self.budget, self.held = budget, 0
        self._faces: collections.OrderedDict = collections.OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, int]) -> ImageFont.FreeTypeFont | None:
        with self._lock:
            face = self._faces.get(key)
            if face is not None:
                self._faces.move_to_end(key)
            return face

    def put(self, key: tuple[str, int], face: ImageFont.FreeTypeFont) -> None:
        cost = face.font.glyphs * _BYTES_PER_GLYPH
        with self._lock:
            if key in self._faces:
                return
            self._faces[key] = face
            self.held += cost
            while self.held > self.budget and len(self._faces) > 1:
                _, old = self._faces.popitem(last=False)
                self.held -= old.font.glyphs * _BYTES_PER_GLYPH

    def clear(self) -> None:
        with self._lock:
            self._faces.clear()
            self.held = 0

    def __len__(self) -> int:
        return len(self._faces)


_FACES = _FaceCache(FACE_BUDGET)


def load(font_id: str, size: int) -> ImageFont.FreeTypeFont:
    """A Pillow font at ``size`` px with the basic layout engine (identical output everywhere)."""
    key = (font_id, size)
    face = _FACES.get(key)
    if face is None:
        path, index = font_file(font_id)
        face = ImageFont.truetype(str(path), size=size, index=index, layout_engine=ImageFont.Layout.BASIC)
        _FACES.put(key, face)
    return face
