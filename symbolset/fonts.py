"""Fonts from pip-installed packages, and the glyph-coverage check that prevents tofu boxes.

No system font is assumed: Noto Sans CJK comes from the ``noto-cjk-sans-otc`` wheel (Latin,
digits and Chinese), DejaVu from matplotlib's wheel (Latin only). A font is named by a stable
id (``"noto-sans-sc"``); the spec stores the id, never a path.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import io
import os
from pathlib import Path

import numpy as np
from PIL import ImageFont

from .atomic import write_bytes_atomic
from .draw import pick
from .errors import GlyphError, SpecError, SymbolSetError


def _noto_path() -> Path:
    import noto_cjk_sans_otc

    return Path(str(noto_cjk_sans_otc.FONT_PATH))


def _mpl_font(name: str) -> Path:
    # Found without importing matplotlib (0.15-0.4 CPU-s per process): its fonts sit in mpl-data/.
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise SpecError(f"font file {name}: matplotlib is not installed (pip install matplotlib)")
    return Path(list(spec.submodule_search_locations)[0]) / "mpl-data" / "fonts" / "ttf" / name


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
        from . import fontpack

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
    load.cache_clear()


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


@functools.lru_cache(maxsize=24)  # a CJK face holds ~2 MB; a clip uses a handful of sizes
def load(font_id: str, size: int) -> ImageFont.FreeTypeFont:
    """A Pillow font at ``size`` px with the basic layout engine (identical output everywhere)."""
    path, index = font_file(font_id)
    return ImageFont.truetype(str(path), size=size, index=index, layout_engine=ImageFont.Layout.BASIC)
