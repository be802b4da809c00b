"""Where samples come from, and how one stored row becomes one training sample.

Shared by the PyTorch and TensorFlow loaders (``symbolset.torch``, ``symbolset.tf``), which stay
thin wrappers around three things defined here:

- :func:`resolve`: a *source* (a Hub-layout folder, ``"tiny"``, a Hub repo id, or a
  ``datasets.Dataset``) -> a :class:`Source` (shard paths or the in-memory dataset).
- :class:`Index` and :class:`RowReader`: which rows are selected (family / difficulty filter) and
  reading one row lazily, opening shards on first use in each process (so DataLoader workers,
  also under the ``spawn`` start method, never share an open file).
- :class:`ClipOptions` and :func:`make_sample`: frame sampling (count, stride or fps, clip start),
  resize / crop, caption choice and annotation re-indexing; every random draw comes from
  ``numpy.random.default_rng([seed, epoch, hash(id)])``, so a sample is a pure function of
  (row, options, seed, epoch), whatever the loader, worker count or filter.

Decoding is :func:`symbolset.codec.decode` (PyAV), never torchcodec.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import warnings
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import codec, layout
from .errors import SymbolSetError

LANGUAGES = ("en", "zh")
GRANULARITIES = ("short", "detailed", "temporal")
SAMPLE_COLUMNS = ["id", "family", "video", "captions", "fps"]
ON_ERROR = ("raise", "skip")


# --------------------------------------------------------------------------------------- sources
@dataclass
class Source:
    """A resolved source: Parquet shard paths (local paths or fsspec URLs), or a ``datasets.Dataset``."""

    name: str
    shards: list[str] = field(default_factory=list)
    dataset: Any = None  # datasets.Dataset with the video column undecoded


def tiny_dir() -> Path:
    """The checked-in tiny split (``tiny/`` beside the package in a source checkout)."""
    path = Path(__file__).resolve().parent.parent / "tiny"
    if not (path / "data").is_dir():
        raise SymbolSetError(f"{path}: the tiny split is not here (it ships with the source checkout); pass a dataset folder instead")
    return path


def _looks_like_repo_id(text: str) -> bool:
    parts = text.split("/")
    return len(parts) == 2 and all(parts) and not text.startswith((".", "~")) and not os.path.exists(text)


def resolve(source, split: str | None = "train", *, revision: str | None = None, cache_dir: str | None = None, download: bool = True) -> Source:
    """Resolve ``source`` to a :class:`Source` for ``split`` (None: every split).

    ``source`` is a Hub-layout folder, ``"tiny"`` (the checked-in tiny split), a Hub dataset repo id
    (``owner/name``: downloaded into the ``huggingface_hub`` cache with ``snapshot_download``, which
    works offline from that cache when ``HF_HUB_OFFLINE=1``; with ``download=False`` the shards are
    read over HTTP as ``hf://`` URLs instead), or a ``datasets.Dataset`` (its split is its own).
    """
    if _is_hf_dataset(source):
        return Source(name=f"datasets.Dataset({source.num_rows} rows)", dataset=_undecoded(source))
    if not isinstance(source, (str, os.PathLike)):
        raise SymbolSetError(f"unsupported source {type(source).__name__}: pass a folder, 'tiny', a Hub repo id or a datasets.Dataset")
    text = os.fspath(source)
    if text == "tiny":
        root = tiny_dir()
    elif os.path.isdir(text):
        root = Path(text)
    elif _looks_like_repo_id(text):
        if not download:
            return Source(name=text, shards=_remote_shards(text, split, revision))
        root = _snapshot(text, split, revision, cache_dir)
    else:
        raise SymbolSetError(f"{text}: no such dataset folder (and not a Hub repo id owner/name)")
    shards = [str(p) for p in layout.shard_paths(root, split)]
    if not shards:
        raise SymbolSetError(f"{root}: no shards for split {split!r} under data/")
    return Source(name=str(root), shards=shards)


def _is_hf_dataset(obj) -> bool:
    try:
        import datasets
    except ImportError:  # pragma: no cover - datasets is a core dependency
        return False
    return isinstance(obj, datasets.Dataset)


def _undecoded(ds):
    """The dataset with its video column as raw ``{bytes, path}`` (no torchcodec decoding)."""
    import datasets

    missing = [c for c in ("id", "family", "video", "captions", "fps") if c not in ds.column_names]
    if missing:
        raise SymbolSetError(f"datasets.Dataset lacks SymbolSet column {missing[0]!r}")
    feat = ds.features["video"]
    if isinstance(feat, datasets.Video) and feat.decode:
        ds = ds.cast_column("video", datasets.Video(decode=False))
    return ds.with_format(None)


def _snapshot(repo_id: str, split: str | None, revision: str | None, cache_dir: str | None) -> Path:
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError

    pattern = f"data/{split}-*.parquet" if split else "data/*.parquet"
    try:
        path = snapshot_download(repo_id, repo_type="dataset", revision=revision, cache_dir=cache_dir,
                                 allow_patterns=["README.md", layout.MANIFEST, pattern])  # fmt: skip
    except LocalEntryNotFoundError:
        raise SymbolSetError(f"{repo_id}: not in the local Hugging Face cache and the Hub cannot be reached (offline?)") from None
    except HfHubHTTPError as exc:
        raise SymbolSetError(f"{repo_id}: cannot download from the Hub ({str(exc).splitlines()[0]})") from None
    except OSError as exc:
        raise SymbolSetError(f"{repo_id}: cannot reach the Hub ({exc})") from None
    return Path(path)


def _remote_shards(repo_id: str, split: str | None, revision: str | None) -> list[str]:
    from huggingface_hub import HfFileSystem

    rev = f"@{revision}" if revision else ""
    pattern = f"datasets/{repo_id}{rev}/data/{split or '*'}-*.parquet"
    try:
        found = sorted(HfFileSystem().glob(pattern))
    except Exception as exc:  # network or auth failures come in many types
        raise SymbolSetError(f"{repo_id}: cannot list shards on the Hub ({str(exc).splitlines()[0]})") from None
    if not found:
        raise SymbolSetError(f"{repo_id}: no shards for split {split!r} on the Hub")
    return [f"hf://{p}" for p in found]


def open_shard(path: str):
    """A ``pyarrow.parquet.ParquetFile`` for a local path or an fsspec URL (``hf://``, ``file://``...)."""
    import pyarrow.parquet as pq

    try:
        if "://" in path:
            import fsspec

            return pq.ParquetFile(fsspec.open(path, "rb").open())
        return pq.ParquetFile(path)
    except (OSError, ValueError) as exc:
        raise SymbolSetError(f"{path}: unreadable Parquet shard ({exc})") from None


def shard_label(path: str) -> str:
    """A short name for a shard in messages (``data/train-00000-of-00001.parquet``)."""
    parts = path.replace("\\", "/").split("/")
    return "/".join(parts[-2:]) if len(parts) >= 2 else path


# ----------------------------------------------------------------------------------------- index
def make_filter(families=None, difficulty=None) -> Callable[[str, dict], bool] | None:
    """A predicate ``(family, difficulty_labels) -> bool`` from the loaders' filter options.

    ``families``: a name or a collection of names. ``difficulty``: a mapping ``label -> value``
    (or a collection of accepted values, e.g. ``{"level": ["easy", "medium"]}``), or a callable
    taking the difficulty dict. None for both: no filter.
    """
    if families is None and difficulty is None:
        return None
    fams = None if families is None else ({families} if isinstance(families, str) else set(families))
    if fams is not None:
        from .families import FAMILY_NAMES

        unknown = sorted(fams - set(FAMILY_NAMES))
        if unknown:
            raise SymbolSetError(f"unknown family {unknown[0]!r} in filter (known: {', '.join(FAMILY_NAMES)})")
    if difficulty is not None and not callable(difficulty) and not isinstance(difficulty, dict):
        raise SymbolSetError("difficulty filter: expected a mapping label -> value(s) or a callable")

    def accept(family: str, labels: dict) -> bool:
        if fams is not None and family not in fams:
            return False
        if difficulty is None:
            return True
        if callable(difficulty):
            return bool(difficulty(labels))
        for key, want in difficulty.items():
            if key not in labels:
                raise SymbolSetError(f"difficulty filter: unknown label {key!r} (known: {', '.join(labels)})")
            ok = labels[key] in want if isinstance(want, (list, tuple, set, frozenset)) else labels[key] == want
            if not ok:
                return False
        return True

    return accept


@dataclass
class Index:
    """The selected rows: parallel arrays of shard number and row number within that shard.

    ``row_groups[s]`` holds the first row of each row group of shard ``s`` (plus the total), so a
    row is found without reading any data. For a ``datasets.Dataset`` source, shard is 0 and row is
    the dataset's row number.
    """

    shard: np.ndarray
    row: np.ndarray
    row_groups: list[np.ndarray]

    def __len__(self) -> int:
        return len(self.row)

    @classmethod
    def build(cls, src: Source, accept: Callable[[str, dict], bool] | None = None) -> Index:
        """Index every row of ``src`` that ``accept`` takes (reads footers, plus two small columns when filtering)."""
        if src.dataset is not None:
            n = src.dataset.num_rows
            rows = np.arange(n)
            if accept is not None:
                meta = src.dataset.select_columns(["family", "difficulty"]).to_dict()
                keep = [accept(f, d) for f, d in zip(meta["family"], meta["difficulty"])]
                rows = rows[np.asarray(keep, dtype=bool)] if n else rows
            return cls(np.zeros(len(rows), dtype=np.int32), rows.astype(np.int64), [np.array([0, n])])
        shards, rows, groups = [], [], []
        for s, path in enumerate(src.shards):
            pf = open_shard(path)
            sizes = [pf.metadata.row_group(i).num_rows for i in range(pf.metadata.num_row_groups)]
            groups.append(np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64))
            n = int(groups[-1][-1])
            local = np.arange(n, dtype=np.int64)
            if accept is not None and n:
                try:
                    meta = pf.read(columns=["family", "difficulty"]).to_pydict()
                except (OSError, ValueError) as exc:
                    raise SymbolSetError(f"{path}: unreadable Parquet shard ({exc})") from None
                local = local[np.asarray([accept(f, d) for f, d in zip(meta["family"], meta["difficulty"])], dtype=bool)]
            shards.append(np.full(len(local), s, dtype=np.int32))
            rows.append(local)
        cat = (lambda xs, dt: np.concatenate(xs) if xs else np.zeros(0, dtype=dt))  # noqa: E731
        return cls(cat(shards, np.int32), cat(rows, np.int64), groups)


def partition(n: int, part: int, parts: int) -> range:
    """The ``part``-th of ``parts`` contiguous, near-equal ranges of ``range(n)`` (sizes differ by at most 1)."""
    if not 0 <= part < parts:
        raise SymbolSetError(f"partition {part} out of range for {parts} parts")
    return range(n * part // parts, n * (part + 1) // parts)


# ---------------------------------------------------------------------------------------- reading
class RowReader:
    """Reads single rows of a :class:`Source`, opening shards lazily in each process.

    Holds no open file when pickled (workers re-open on first use) and keeps the last few row
    groups it read (Arrow tables, ``cache_groups`` of them), so a sequential pass reads each row
    group once.
    """

    def __init__(self, src: Source, index: Index, columns: list[str], cache_groups: int = 2):
        self.src, self.index, self.columns, self.cache_groups = src, index, list(columns), cache_groups
        self._pid: int | None = None
        self._files: dict = {}
        self._cache: OrderedDict = OrderedDict()

    def __getstate__(self):
        state = dict(self.__dict__)
        state.update(_pid=None, _files={}, _cache=OrderedDict())
        return state

    def _fresh(self) -> None:
        if self._pid != os.getpid():  # forked worker: never reuse the parent's handles
            self._pid, self._files, self._cache = os.getpid(), {}, OrderedDict()

    def where(self, i: int) -> str:
        """Where row ``i`` of the index lives, for messages."""
        if self.src.dataset is not None:
            return f"row {int(self.index.row[i])} of {self.src.name}"
        return shard_label(self.src.shards[int(self.index.shard[i])])

    def read(self, i: int) -> dict:
        """Row ``i`` of the index as a dict of the reader's columns."""
        row = int(self.index.row[i])
        self._fresh()
        if self.src.dataset is not None:
            if "ds" not in self._files:
                self._files["ds"] = self.src.dataset.select_columns([c for c in self.columns if c in self.src.dataset.column_names])
            return self._files["ds"][row]
        s = int(self.index.shard[i])
        bounds = self.index.row_groups[s]
        g = int(np.searchsorted(bounds, row, side="right") - 1)
        key = (s, g)
        table = self._cache.get(key)
        if table is None:
            pf = self._files.get(s)
            if pf is None:
                pf = self._files[s] = open_shard(self.src.shards[s])
            try:
                table = pf.read_row_group(g, columns=self.columns)
            except (OSError, ValueError) as exc:
                raise SymbolSetError(f"{self.src.shards[s]}: unreadable Parquet shard ({exc})") from None
            self._cache[key] = table
            while len(self._cache) > self.cache_groups:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return table.slice(row - int(bounds[g]), 1).to_pylist()[0]


# --------------------------------------------------------------------------------------- sampling
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
    - ``seed``: with the epoch and the sample id, fixes every random choice.
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

    def __post_init__(self):
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
    import cv2

    h, w = size
    if frames.shape[1:3] == (h, w):
        return frames
    interp = cv2.INTER_AREA if h <= frames.shape[1] and w <= frames.shape[2] else cv2.INTER_LINEAR
    return np.stack([cv2.resize(f, (w, h), interpolation=interp) for f in frames])


def choose_caption(captions: dict, opts: ClipOptions, rng: np.random.Generator) -> tuple[str, str]:
    """``(caption, "lang.granularity")`` picked by the options (random picks use ``rng``)."""
    langs, grans, _ = caption_choices(opts.caption)
    lang = langs[int(rng.integers(len(langs)))] if len(langs) > 1 else langs[0]
    gran = grans[int(rng.integers(len(grans)))] if len(grans) > 1 else grans[0]
    return captions[lang][gran], f"{lang}.{gran}"


def make_sample(row: dict, opts: ClipOptions, epoch: int = 0, *, where: str = "") -> dict:
    """One sample from a stored row: ``video`` (T, H, W, 3) uint8, ``caption``, ``caption_key``,
    ``id``, ``family``, ``frames`` (stored frame numbers taken), and ``annotations`` when asked.

    Raises :class:`symbolset.codec.VideoError` naming the sample id and ``where`` (its shard).
    """
    sample_id = row["id"]
    video = row["video"] or {}
    data = video.get("bytes")
    if data is None and video.get("path") and os.path.isfile(video["path"]):
        with open(video["path"], "rb") as f:
            data = f.read()
    name = f"sample {sample_id}" + (f" in {where}" if where else "")
    if not data:
        raise codec.VideoError(f"{name}: no video bytes")
    frames = codec.decode(data, name)
    rng = sample_rng(opts.seed, epoch, sample_id)
    idx = frame_indices(len(frames), row["fps"], opts, rng)
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
    caption, key = choose_caption(row["captions"], opts, rng)
    out = {"video": np.ascontiguousarray(frames), "caption": caption, "caption_key": key, "id": sample_id,
           "family": row["family"], "frames": idx}  # fmt: skip
    if opts.annotations:
        scale = (rw / src_w, rh / src_h)
        out["annotations"] = reindex_annotations(row.get("annotations") or [], idx, scale, (left, top))
    return out


def reindex_annotations(annotations: list[dict], idx: np.ndarray, scale: tuple[float, float], offset: tuple[int, int]) -> list[dict]:
    """The annotations of stored frames ``idx``, renumbered 0..T-1 and mapped to the returned pixels.

    Text boxes and character boxes are mapped (``x * sx - left``, ``y * sy - top``). Shape parameters
    (decoded from JSON) stay in stored-frame pixels, since their meaning is family-specific; each
    frame carries ``pixel_transform`` = ``{"scale": [sx, sy], "offset": [-left, -top]}`` mapping
    stored pixels to returned ones (``p * scale + offset``). ``source_frame`` is the stored frame.
    """
    sx, sy = scale
    ox, oy = -offset[0], -offset[1]

    def box(b):
        return [b[0] * sx + ox, b[1] * sy + oy, b[2] * sx + ox, b[3] * sy + oy]

    by_frame = {a["frame"]: a for a in annotations}
    out = []
    for k, src in enumerate(idx.tolist()):
        a = by_frame.get(src, {"time": None, "texts": [], "shapes": []})
        texts = [{**t, "box": box(t["box"]), "char_boxes": [box(c) for c in t["char_boxes"]]} for t in a["texts"]]
        shapes = [{**s, "params": json.loads(s["params"]) if isinstance(s["params"], str) else s["params"]} for s in a["shapes"]]
        out.append({"frame": k, "source_frame": src, "time": a["time"], "texts": texts, "shapes": shapes,
                    "pixel_transform": {"scale": [sx, sy], "offset": [ox, oy]}})  # fmt: skip
    return out


def check_on_error(on_error: str) -> str:
    """Validate the ``on_error`` option (``"raise"`` or ``"skip"``)."""
    if on_error not in ON_ERROR:
        raise SymbolSetError(f"on_error: expected 'raise' or 'skip', got {on_error!r}")
    return on_error


def note_skip(skipped: list, sample_id: str, where: str, exc: Exception) -> None:
    """Record and warn about a sample skipped with ``on_error="skip"``."""
    skipped.append({"id": sample_id, "where": where, "error": str(exc)})
    warnings.warn(f"skipped {exc}", RuntimeWarning, stacklevel=3)
