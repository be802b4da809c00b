"""A light, in-memory index of a dataset folder, for browsing: metadata and captions, never video.

The index is read from the Parquet shards column by column (no ``video``, ``spec`` or
``annotations``), and kept as one flat Arrow table: filtering and caption search run as Arrow
compute kernels, so a query over 100k rows costs milliseconds. Each index row remembers where its
record lives (shard, row group, offset), so opening one sample reads one row group of one shard.
Thumbnails show each clip's fullest frame (the most ink: a typed text complete, a chart drawn), are
decoded only for the rows a gallery page shows, and cached. A record whose video or Parquet page is
damaged gets a placeholder thumbnail and a message naming it; the rest of the page is unaffected.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from PIL import Image, ImageDraw

from symbolset import codec, layout
from symbolset.errors import SymbolSetError
from symbolset.shards import Shards, UnreadableShard

LANGS = ("en", "zh")
GRANULARITIES = ("short", "detailed", "temporal")
CAPTION_COLUMNS = tuple(f"{lang}_{g}" for lang in LANGS for g in GRANULARITIES)
_META = ["id", "family", "split", "seed", "codec", "num_frames", "fps", "width", "height", "caption_source", "captions", "difficulty"]
_DIFFICULTY = ("level", "script", "glyph_height_px", "text_length", "motion_speed", "num_elements")
# The language shown on screen, from the record's ``difficulty.script`` label.
SCRIPT_LABELS = {"latin": "English / Latin", "han": "Chinese", "digits": "digits", "mixed": "mixed", "none": "no text"}


@dataclass(frozen=True)
class Filters:
    """A gallery query; ``None`` or ``""`` means "any"."""

    split: str | None = None
    family: str | None = None
    script: str | None = None
    level: str | None = None
    text: str = ""


class DatasetIndex:
    """The browsable index of a Hub-layout dataset folder (``data/*.parquet``)."""

    def __init__(self, root: str | Path, *, thumb_size: int = 192, cache_size: int = 2048):
        self.root = Path(root).resolve()
        self.shards = layout.shard_paths(self.root)
        if not self.shards:
            raise SymbolSetError(f"{self.root}: no Parquet shards under data/")
        self.table = self._read()
        self._ids = {sid: i for i, sid in enumerate(self.table.column("id").to_pylist())}
        self._shards = Shards(self.shards)  # safe under Gradio's request threads
        self._thumbs: OrderedDict[int, Image.Image] = OrderedDict()
        self._thumb_size, self._cache_size = thumb_size, cache_size
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ reading

    def _read(self) -> pa.Table:
        pieces = []
        for s, path in enumerate(self.shards):
            try:
                pf = pq.ParquetFile(path)
                for g in range(pf.num_row_groups):
                    part = pf.read_row_group(g, columns=_META)
                    pieces.append(_flatten(part, s, g))
            except (OSError, ValueError, pa.ArrowInvalid) as exc:
                raise SymbolSetError(f"{path}: unreadable Parquet shard ({exc})") from None
        return pa.concat_tables(pieces)

    def __len__(self) -> int:
        return self.table.num_rows

    def position(self, sample_id: str) -> int:
        """Index row of a sample id; :class:`SymbolSetError` when unknown."""
        try:
            return self._ids[sample_id]
        except KeyError:
            raise SymbolSetError(f"{self.root}: no record with id {sample_id!r}") from None

    def row(self, pos: int) -> dict:
        """The index row (metadata and captions) at ``pos``."""
        return self.table.slice(pos, 1).to_pylist()[0]

    def values(self, column: str) -> list[str]:
        """Distinct values of a column, sorted (for filter choices)."""
        return sorted(v for v in pc.unique(self.table.column(column)).to_pylist() if v is not None)

    def _where(self, pos: int) -> tuple[int, int, int]:
        t = self.table
        return t.column("_shard")[pos].as_py(), t.column("_group")[pos].as_py(), t.column("_offset")[pos].as_py()

    def record(self, pos_or_id: int | str) -> dict:
        """The full record (every column, video bytes included) of one sample."""
        pos = self.position(pos_or_id) if isinstance(pos_or_id, str) else pos_or_id
        shard, group, offset = self._where(pos)
        try:
            return self._shards.read_row_group(shard, group).slice(offset, 1).to_pylist()[0]
        except UnreadableShard as exc:  # a damaged page: name the record
            raise SymbolSetError(f"record {self._id(pos)}: unreadable in {self.shards[shard].name} ({exc.reason})") from None

    def _id(self, pos: int) -> str:
        return self.table.column("id")[pos].as_py()

    def video_bytes(self, positions: list[int]) -> dict[int, bytes | SymbolSetError]:
        """Video bytes of several samples, reading each needed row group once (video column only);
        a record on a damaged page gets a :class:`SymbolSetError` naming it instead of bytes."""
        by_group: dict[tuple[int, int], list[int]] = {}
        for pos in positions:
            shard, group, _ = self._where(pos)
            by_group.setdefault((shard, group), []).append(pos)
        out: dict[int, bytes | SymbolSetError] = {}
        for (shard, group), members in by_group.items():
            try:
                column = self._shards.read_row_group(shard, group, ["video"]).column("video")
                for pos in members:
                    out[pos] = column[self._where(pos)[2]]["bytes"].as_py()
            except UnreadableShard as exc:
                for pos in members:
                    out[pos] = SymbolSetError(f"record {self._id(pos)}: unreadable in {self.shards[shard].name} ({exc.reason})")
        return out

    # ------------------------------------------------------------------ queries

    def query(self, filters: Filters) -> np.ndarray:
        """Positions of the rows matching ``filters``, in dataset order."""
        t = self.table
        mask = pa.array(np.ones(t.num_rows, dtype=bool))
        for column, value in (("split", filters.split), ("family", filters.family), ("script", filters.script), ("level", filters.level)):
            if value:
                mask = pc.and_(mask, pc.equal(t.column(column), value))
        text = (filters.text or "").strip()
        if text:
            hit = pc.match_substring(t.column("id"), text, ignore_case=True)
            for column in CAPTION_COLUMNS:
                hit = pc.or_(hit, pc.fill_null(pc.match_substring(t.column(column), text, ignore_case=True), False))
            mask = pc.and_(mask, hit)
        return np.flatnonzero(mask.to_numpy(zero_copy_only=False))

    # ------------------------------------------------------------------ thumbnails

    def thumbnails(self, positions: list[int], *, with_problems: bool = False):
        """Thumbnails of ``positions``: each clip's fullest frame (decoded on first request, then cached).

        A record whose video cannot be read or decoded gets a placeholder; with ``with_problems``
        the result is ``(images, {position: one-line message naming the record})``.
        """
        with self._lock:
            missing = [p for p in positions if p not in self._thumbs]
        decoded, problems = {}, {}
        for pos, data in self.video_bytes(missing).items():
            try:
                if isinstance(data, SymbolSetError):
                    raise data
                decoded[pos] = _thumbnail(fullest_frame(codec.decode(data, f"record {self._id(pos)}")), self._thumb_size)
            except SymbolSetError as exc:
                problems[pos] = str(exc)
        with self._lock:
            for pos, img in decoded.items():
                self._thumbs[pos] = img
            out = []
            for pos in positions:
                if pos in self._thumbs:
                    self._thumbs.move_to_end(pos)
                    out.append(self._thumbs[pos])
                else:  # not cached: a damaged record is tried again next time
                    out.append(_placeholder(self._thumb_size))
            while len(self._thumbs) > self._cache_size:
                self._thumbs.popitem(last=False)
        return (out, problems) if with_problems else out


    @property
    def thumbnails_cached(self) -> int:
        """How many thumbnails have been decoded and are held (for tests and diagnostics)."""
        return len(self._thumbs)


def _flatten(part: pa.Table, shard: int, group: int) -> pa.Table:
    caps = part.column("captions").combine_chunks()
    diff = part.column("difficulty").combine_chunks()
    cols = {name: part.column(name) for name in _META if name not in ("captions", "difficulty")}
    for lang in LANGS:
        lang_struct = caps.field(lang)
        for g in GRANULARITIES:
            cols[f"{lang}_{g}"] = lang_struct.field(g)
    for name in _DIFFICULTY:
        cols[name] = diff.field(name)
    n = part.num_rows
    cols["_shard"] = pa.array(np.full(n, shard, dtype=np.int32))
    cols["_group"] = pa.array(np.full(n, group, dtype=np.int32))
    cols["_offset"] = pa.array(np.arange(n, dtype=np.int32))
    return pa.table(cols)


def ink(frame: np.ndarray, threshold: int = 48) -> int:
    """Pixels of an RGB frame that differ from its background (its median colour) by more than ``threshold``."""
    bg = np.median(frame.reshape(-1, 3), axis=0)
    return int((np.abs(frame.astype(np.int16) - bg.astype(np.int16)).max(axis=-1) > threshold).sum())


def fullest_frame(frames: np.ndarray) -> np.ndarray:
    """The frame with the most ink (the first of equals): a clip's most representative still."""
    return frames[int(np.argmax([ink(f) for f in frames]))]


def _placeholder(size: int) -> Image.Image:
    img = Image.new("RGB", (size, size), (236, 236, 236))
    draw = ImageDraw.Draw(img)
    draw.line([(size // 4, size // 4), (3 * size // 4, 3 * size // 4)], fill=(200, 40, 40), width=6)
    draw.line([(3 * size // 4, size // 4), (size // 4, 3 * size // 4)], fill=(200, 40, 40), width=6)
    return img


def _thumbnail(rgb: np.ndarray, size: int) -> Image.Image:
    img = Image.fromarray(rgb)
    scale = size / max(img.size)
    return img.resize((max(1, round(img.width * scale)), max(1, round(img.height * scale))), Image.Resampling.LANCZOS)


def safe_name(sample_id: str) -> str:
    """A file-name-safe form of a sample id."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", sample_id)[:120]
