"""How one stored row becomes one training sample (shared by the PyTorch and TensorFlow loaders).

:class:`ClipOptions` says how: frame sampling (count, stride or fps, clip start), resize / crop,
caption choice, annotations, extra columns, checksum verification. :func:`make_sample` applies
them to a :class:`symbolset.shards.Row`; every random draw comes from
``numpy.random.default_rng([seed, epoch, hash(id)])``, so a sample is a pure function of
(row, options, seed, epoch), whatever the loader, worker count or filter. Decoding is
:func:`symbolset.codec.decode` (PyAV), never torchcodec.
"""

from __future__ import annotations

import hashlib
import json
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from . import codec, layout
from .errors import SymbolSetError
from .shards import Row

LANGUAGES = ("en", "zh")
GRANULARITIES = ("short", "detailed", "temporal")
SAMPLE_COLUMNS = ["id", "family", "video", "captions", "fps"]
SAMPLE_KEYS = ("video", "caption", "caption_key", "id", "family", "frames", "annotations")
ON_ERROR = ("raise", "skip")


def _pair(value, name: str) -> tuple[int, int] | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value, value)
    if not (isinstance(value, (tuple, list)) and len(value) == 2 and all(isinstance(v, int) and v > 0 for v in value)):
        raise SymbolSetError(f"{name}: expected a positive int or (height, width), got {value!r}")
    return int(value[0]), int(value[1])


@dataclass(frozen=True)
class ClipOptions:
    """How a stored clip becomes a sample.

    - ``num_frames``: frames per sample (None: as many as the clip holds at this stride/fps).
      A clip too short for the request repeats its last frame.
    - ``stride``: take every ``stride``-th frame; or ``fps``: resample to this rate (nearest frame).
    - ``clip_start``: ``"random"`` (drawn per sample and epoch), ``"start"``, ``"center"`` or a frame number.
    - ``resize``: an int (shorter side, aspect kept) or ``(height, width)``; then ``crop``: an int or
      ``(height, width)`` taken at the ``"center"`` or at a ``"random"`` place (``crop_mode``).
    - ``caption``: ``"lang.granularity"`` (e.g. ``"en.detailed"``, ``"zh.short"``), with ``*`` for a
      random choice per sample and epoch (``"en.*"``, ``"*.short"``, ``"random"`` = ``"*.*"``).
    - ``annotations``: also return the sampled frames' annotations, re-indexed and re-scaled.
    - ``columns``: further stored columns to return as they are (e.g. ``("difficulty", "spec")``);
      only these and the ones a sample needs are read from the shards.
    - ``seed``: with the epoch and the sample id, fixes every random choice.
    - ``verify``: check each record's video and spec against its stored ``checksum``
      (:func:`symbolset.layout.check_record`) before decoding; a damaged record is an error naming
      it (or, with ``on_error="skip"``, a skipped sample). Costs one sha256 of the video and spec.
    """

    num_frames: int | None = None
    stride: int = 1
    fps: float | None = None
    clip_start: str | int = "random"
    resize: int | tuple[int, int] | None = None
    crop: int | tuple[int, int] | None = None
    crop_mode: str = "center"
    caption: str = "en.detailed"
    annotations: bool = False
    seed: int = 0
    columns: tuple[str, ...] = ()
    verify: bool = False

    def __post_init__(self):
        if not isinstance(self.verify, bool):
            raise SymbolSetError(f"verify: expected True or False, got {self.verify!r}")
        if isinstance(self.columns, str) or not all(isinstance(c, str) for c in self.columns):
            raise SymbolSetError(f"columns: expected a list of column names, got {self.columns!r}")
        object.__setattr__(self, "columns", tuple(self.columns))
        reserved = sorted(set(self.columns) & set(SAMPLE_KEYS))
        if reserved:
            raise SymbolSetError(f"columns: {reserved[0]!r} is already a key of every sample")
        if self.num_frames is not None and (not isinstance(self.num_frames, int) or self.num_frames < 1):
            raise SymbolSetError(f"num_frames: expected a positive integer or None, got {self.num_frames!r}")
        if not isinstance(self.stride, int) or self.stride < 1:
            raise SymbolSetError(f"stride: expected a positive integer, got {self.stride!r}")
        if self.fps is not None and (not isinstance(self.fps, (int, float)) or self.fps <= 0):
            raise SymbolSetError(f"fps: expected a positive number or None, got {self.fps!r}")
        if self.fps is not None and self.stride != 1:
            raise SymbolSetError("give either stride or fps, not both")
        if not (self.clip_start in ("random", "start", "center") or (isinstance(self.clip_start, int) and self.clip_start >= 0)):
            raise SymbolSetError(f"clip_start: expected 'random', 'start', 'center' or a frame number, got {self.clip_start!r}")
        if isinstance(self.resize, int) and not isinstance(self.resize, bool):
            if self.resize < 1:
                raise SymbolSetError(f"resize: expected a positive int or (height, width), got {self.resize!r}")
        else:
            _pair(self.resize, "resize")
        _pair(self.crop, "crop")
        if self.crop_mode not in ("center", "random"):
            raise SymbolSetError(f"crop_mode: expected 'center' or 'random', got {self.crop_mode!r}")
        caption_choices(self.caption)

    def read_columns(self) -> list[str]:
        """The stored columns a sample needs under these options (nothing else is read)."""
        extra = (["annotations"] if self.annotations else []) + list(self.columns) + (["spec", "checksum"] if self.verify else [])
        return SAMPLE_COLUMNS + list(dict.fromkeys(c for c in extra if c not in SAMPLE_COLUMNS))

    def out_size(self, height: int, width: int) -> tuple[int, int]:
        """The (height, width) of returned frames for a stored clip of ``height`` x ``width``."""
        h, w = self.resized(height, width)
        crop = _pair(self.crop, "crop")
        return (min(crop[0], h), min(crop[1], w)) if crop else (h, w)

    def resized(self, height: int, width: int) -> tuple[int, int]:
        """The (height, width) after ``resize`` (before ``crop``)."""
        if self.resize is None:
            return height, width
        if isinstance(self.resize, int):
            scale = self.resize / min(height, width)
            return max(1, round(height * scale)), max(1, round(width * scale))
        return _pair(self.resize, "resize")


def caption_choices(spec: str) -> tuple[list[str], list[str], str]:
    """Languages and granularities a caption spec allows (``"en.detailed"``, ``"en.*"``, ``"random"``)."""
    text = "*.*" if spec in ("random", "*") else spec
    lang, _, gran = text.partition(".")
    langs = list(LANGUAGES) if lang == "*" else [lang]
    grans = list(GRANULARITIES) if gran == "*" else [gran]
    if langs[0] not in LANGUAGES or grans[0] not in GRANULARITIES or not gran:
        raise SymbolSetError(f"caption: expected 'lang.granularity' with lang in {LANGUAGES} and granularity in {GRANULARITIES} (or '*', 'random'), got {spec!r}")
    return langs, grans, text


def sample_rng(seed: int, epoch: int, sample_id: str) -> np.random.Generator:
    """The generator for one sample's random choices: a function of (seed, epoch, id) only."""
    key = int.from_bytes(hashlib.sha256(sample_id.encode()).digest()[:8], "little")
    return np.random.default_rng([int(seed), int(epoch), key])


def frame_indices(total: int, src_fps: float, opts: ClipOptions, rng: np.random.Generator) -> np.ndarray:
    """The stored frames a sample takes (clip start drawn from ``rng`` when random)."""
    step = float(src_fps) / opts.fps if opts.fps else float(opts.stride)
    n = opts.num_frames or max(1, int(math.floor((total - 1) / step + 1e-9)) + 1)
    last_start = max(0, int(math.floor(total - 1 - (n - 1) * step + 1e-9)))
    if opts.clip_start == "random":
        start = int(rng.integers(0, last_start + 1))
    elif opts.clip_start == "start":
        start = 0
    elif opts.clip_start == "center":
        start = last_start // 2
    else:
        start = min(int(opts.clip_start), last_start)
    idx = np.floor(start + np.arange(n) * step + 0.5 + 1e-9).astype(np.int64)
    return np.minimum(idx, total - 1)


def _resize_frames(frames: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    h, w = size
    if frames.shape[1:3] == (h, w):
        return frames
    import cv2

    interp = cv2.INTER_AREA if h <= frames.shape[1] and w <= frames.shape[2] else cv2.INTER_LINEAR
    return np.stack([cv2.resize(f, (w, h), interpolation=interp) for f in frames])


def choose_caption(row: Row | dict, opts: ClipOptions, rng: np.random.Generator) -> tuple[str, str]:
    """``(caption, "lang.granularity")`` picked by the options (random picks use ``rng``)."""
    langs, grans, _ = caption_choices(opts.caption)
    lang = langs[int(rng.integers(len(langs)))] if len(langs) > 1 else langs[0]
    gran = grans[int(rng.integers(len(grans)))] if len(grans) > 1 else grans[0]
    row = row if isinstance(row, Row) else Row(row)
    return row.caption(lang, gran), f"{lang}.{gran}"


def make_sample(row: Row | dict, opts: ClipOptions, epoch: int = 0, *, where: str = "") -> dict:
    """One sample from a stored row: ``video`` (T, H, W, 3) uint8, ``caption``, ``caption_key``,
    ``id``, ``family``, ``frames`` (stored frame numbers taken), ``annotations`` when asked, and
    the extra ``opts.columns``. Only these fields are converted to Python objects.

    Raises :class:`symbolset.codec.VideoError` naming the sample id and ``where`` (its shard).
    """
    row = row if isinstance(row, Row) else Row(row)
    sample_id = row["id"]
    name = f"sample {sample_id}" + (f" in {where}" if where else "")
    data = row.video_bytes()
    if opts.verify:
        spec = row.get("spec")
        layout.check_record({"id": sample_id, "checksum": row.get("checksum"), "spec": spec, "video": {"bytes": bytes(data or b"")}}, name)
    if not data:
        raise codec.VideoError(f"{name}: no video bytes")
    frames = codec.decode(data, name)
    rng = sample_rng(opts.seed, epoch, sample_id)
    idx = frame_indices(len(frames), row["fps"], opts, rng)
    if not np.array_equal(idx, np.arange(len(frames))):  # the whole clip in order: no copy
        frames = frames[idx]
    src_h, src_w = frames.shape[1:3]
    rh, rw = opts.resized(src_h, src_w)
    frames = _resize_frames(frames, (rh, rw))
    top = left = 0
    crop = _pair(opts.crop, "crop")
    if crop:
        ch, cw = min(crop[0], rh), min(crop[1], rw)
        if opts.crop_mode == "random":
            top, left = int(rng.integers(0, rh - ch + 1)), int(rng.integers(0, rw - cw + 1))
        else:
            top, left = (rh - ch) // 2, (rw - cw) // 2
        frames = frames[:, top : top + ch, left : left + cw]
    caption, key = choose_caption(row, opts, rng)
    out = {"video": np.ascontiguousarray(frames), "caption": caption, "caption_key": key, "id": sample_id,
           "family": row["family"], "frames": idx}  # fmt: skip
    if opts.annotations:
        scale = (rw / src_w, rh / src_h)
        out["annotations"] = Annotations(row.frame_annotations(idx), idx, scale, (left, top))
    for column in opts.columns:
        if column not in row:
            raise SymbolSetError(f"{name}: no column {column!r} (asked for in columns=)")
        out[column] = row[column]
    return out


class Annotations(Sequence):
    """The annotations of a sample's frames, a sequence of one dict per returned frame.

    Each frame is converted to Python (boxes mapped, shape parameters decoded from JSON) on first
    access, so a caller that never looks at annotations never pays for them (a plot's curves are
    thousands of numbers per frame). Compares equal to the list of the same dicts; ``list(a)``
    gives a plain list.

    A frame: ``frame`` (0..T-1), ``source_frame`` (the stored frame), ``time``, ``texts`` (boxes
    and character boxes mapped to the returned pixels: ``x * sx - left``, ``y * sy - top``),
    ``shapes`` (parameters stay in stored-frame pixels, since their meaning is family-specific) and
    ``pixel_transform`` = ``{"scale": [sx, sy], "offset": [-left, -top]}`` mapping stored pixels to
    returned ones (``p * scale + offset``).
    """

    def __init__(self, stored, idx: np.ndarray, scale: tuple[float, float], offset: tuple[int, int]):
        self._stored, self._idx = stored, [int(i) for i in idx]  # stored: Arrow struct array or list (dict / None)
        self._scale, self._offset = (float(scale[0]), float(scale[1])), (-int(offset[0]), -int(offset[1]))
        self._done: dict[int, dict] = {}

    def __len__(self) -> int:
        return len(self._idx)

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self[j] for j in range(*k.indices(len(self)))]
        k = range(len(self))[k]
        if k not in self._done:
            item = self._stored[k]
            if isinstance(item, pa.Scalar):
                item = item.as_py()
            self._done[k] = self._convert(k, item or {"time": None, "texts": [], "shapes": []})
        return self._done[k]

    def _convert(self, k: int, a: dict) -> dict:
        (sx, sy), (ox, oy) = self._scale, self._offset

        def box(b):
            return [b[0] * sx + ox, b[1] * sy + oy, b[2] * sx + ox, b[3] * sy + oy]

        texts = [{**t, "box": box(t["box"]), "char_boxes": [box(c) for c in t["char_boxes"]]} for t in a["texts"]]
        shapes = [{**s, "params": json.loads(s["params"]) if isinstance(s["params"], str) else s["params"]} for s in a["shapes"]]
        return {"frame": k, "source_frame": self._idx[k], "time": a["time"], "texts": texts, "shapes": shapes,
                "pixel_transform": {"scale": [sx, sy], "offset": [ox, oy]}}  # fmt: skip

    def __eq__(self, other) -> bool:
        return isinstance(other, (Sequence, Annotations)) and not isinstance(other, str) and list(self) == list(other)

    __hash__ = None

    def __repr__(self) -> str:
        return f"Annotations({len(self)} frames, {len(self._done)} converted)"


def reindex_annotations(annotations: list[dict], idx: np.ndarray, scale: tuple[float, float], offset: tuple[int, int]) -> list[dict]:
    """The stored per-frame ``annotations`` (a whole clip's, any order) of frames ``idx``, renumbered
    0..T-1 and mapped to the returned pixels, as a plain list (see :class:`Annotations`)."""
    by_frame = {a["frame"]: a for a in annotations}
    return list(Annotations([by_frame.get(int(f)) for f in idx], idx, scale, offset))


def reraise(exc: Exception) -> bool:
    """Error handler: raise the exception (the default; like ``webdataset.handlers.reraise_exception``)."""
    raise exc


def warn_and_continue(exc: Exception) -> bool:
    """Error handler: warn (``RuntimeWarning`` naming the sample and shard) and skip the sample."""
    warnings.warn(f"skipped {exc}", RuntimeWarning, stacklevel=2)
    return True


def error_handler(handler: Callable[[Exception], bool] | None, on_error: str | None) -> Callable[[Exception], bool]:
    """The error handler of a loader, webdataset-style: called with the exception of a sample that cannot
    be read (an undecodable video, a checksum mismatch); it returns True to skip the sample and go on,
    False to stop, or raises. ``webdataset.handlers.reraise_exception``, ``warn_and_continue`` and
    ``ignore_and_continue`` fit. ``on_error`` (deprecated): ``"raise"`` is :func:`reraise`, ``"skip"``
    :func:`warn_and_continue`."""
    if on_error is not None:
        warnings.warn("on_error is deprecated: pass handler= (e.g. symbolset.sampling.warn_and_continue for on_error='skip')", DeprecationWarning, stacklevel=3)
        if handler is not None:
            raise SymbolSetError("pass handler or on_error, not both")
        return reraise if check_on_error(on_error) == "raise" else warn_and_continue
    if handler is None:
        return reraise
    if not callable(handler):
        raise SymbolSetError(f"handler: expected a callable taking the exception and returning True to continue, got {handler!r}")
    return handler


def check_on_error(on_error: str) -> str:
    """Validate the ``on_error`` option (``"raise"`` or ``"skip"``)."""
    if on_error not in ON_ERROR:
        raise SymbolSetError(f"on_error: expected 'raise' or 'skip', got {on_error!r}")
    return on_error


def note_skip(skipped: list, sample_id: str, where: str, exc: Exception) -> None:
    """Record a sample its loader's error handler skipped (the handler warns, or not)."""
    skipped.append({"id": sample_id, "where": where, "error": str(exc)})
