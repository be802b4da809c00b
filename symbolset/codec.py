"""Frames <-> video bytes with PyAV (never torchcodec), probing, and checksums.

Codecs offered (the name is stored with each dataset):

- ``h264``          H.264 yuv420p CRF 16 in MP4 with +faststart: plays in browsers and the Hub viewer.
- ``h264-veryfast``  ``h264`` with x264's ``veryfast`` preset: what ``real``-style clips got by default
  before ``h264-real``. A moving camera changes every pixel of every frame, and ``medium`` spent about
  2.3x as long on such a clip for 4% fewer bytes and 0.2 dB more PSNR (``benchmarks/real_cost.py``).
- ``h264-real``      ``h264-veryfast`` without adaptive quantisation, without sub-macroblock
  partitions and with a fixed B-frame pattern: what ``real``-style clips get by default
  (:func:`for_real`). On grain, sensor noise and JPEG blocks that move with the camera these three
  cost x264 about half its time and buy nothing: the clips come out smaller, at the same PSNR
  (``benchmarks/real_cost.py`` prints both beside ``h264``).
- ``h264-yuv444``   H.264 yuv444p CRF 16 in MP4: full-resolution colour (thin coloured strokes stay
  sharp); plays in Chromium, not in every browser.
- ``h264-lossless`` H.264 RGB (libx264rgb, CRF 0) in MKV: exact pixels, not browser-playable.
- ``ffv1``          FFV1 (bgr0) in MKV: exact pixels, archival.

Every clip is encoded single-threaded with fixed settings, so the same frames give the same
bytes for a given PyAV/FFmpeg build. ``benchmarks/codec.py`` reports PSNR and size for each.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import io
import os
import shutil
import tempfile
import threading
from fractions import Fraction

import numpy as np

from .errors import SymbolSetError

# One thread, and no macroblock-tree rate control: libx264's MB-tree made about 1 clip in 10 come out a
# few bytes different (same decoded pixels) depending on what the process had encoded before.
_X264_DETERMINISTIC = {"threads": "1", "x264-params": "mbtree=0"}

# One table of every codec offered: how it is encoded, the file extension of its container, and
# whether browsers (and the Hub's viewer) play it. Everything else reads these facts from here.
CODECS = {
    "h264": {
        "extension": "mp4", "browser_playable": True,
        "format": "mp4", "codec": "libx264", "pix_fmt": "yuv420p",
        "options": {"crf": "16", "preset": "medium", "tune": "animation", **_X264_DETERMINISTIC},
        "container": {"movflags": "+faststart"},
    },
    "h264-veryfast": {
        "extension": "mp4", "browser_playable": True,
        "format": "mp4", "codec": "libx264", "pix_fmt": "yuv420p",
        "options": {"crf": "16", "preset": "veryfast", "tune": "animation", **_X264_DETERMINISTIC},
        "container": {"movflags": "+faststart"},
    },
    "h264-real": {
        "extension": "mp4", "browser_playable": True,
        "format": "mp4", "codec": "libx264", "pix_fmt": "yuv420p",
        "options": {"crf": "16", "preset": "veryfast", "tune": "animation", **_X264_DETERMINISTIC,
                    "x264-params": _X264_DETERMINISTIC["x264-params"] + ":aq-mode=0:partitions=none:b-adapt=0"},
        "container": {"movflags": "+faststart"},
    },
    "h264-yuv444": {
        "extension": "mp4", "browser_playable": True,  # Chromium and Firefox; not every browser
        "format": "mp4", "codec": "libx264", "pix_fmt": "yuv444p",
        "options": {"crf": "16", "preset": "medium", "tune": "animation", **_X264_DETERMINISTIC},
        "container": {"movflags": "+faststart"},
    },
    "h264-lossless": {
        "extension": "mkv", "browser_playable": False,
        "format": "matroska", "codec": "libx264rgb", "pix_fmt": "rgb24",
        "options": {"crf": "0", "preset": "medium", **_X264_DETERMINISTIC}, "container": {},
    },
    "ffv1": {"extension": "mkv", "browser_playable": False, "format": "matroska", "codec": "ffv1", "pix_fmt": "bgr0", "options": {"threads": "1"}, "container": {}},
}  # fmt: skip
DEFAULT_CODEC = "h264"
EXTENSIONS = {name: c["extension"] for name, c in CODECS.items()}
BROWSER_PLAYABLE = tuple(name for name, c in CODECS.items() if c["browser_playable"])
DEFAULT_FOR_EXTENSION = {"mp4": "h264", "mkv": "ffv1"}
# The codec of real-style clips when a config names none: the same format, faster x264 settings.
# Other codecs (4:4:4 colour, lossless) are kept as chosen: whoever picked them wants their fidelity.
_FOR_REAL = {"h264": "h264-real"}
# Earlier defaults of for_real: a run started with one of them resumes with it (config.Config.resuming).
FORMER_FOR_REAL = {"h264": ("h264-veryfast",)}


def for_real(name: str) -> str:
    """The codec that real-style clips of a dataset encoded with ``name`` get by default."""
    return _FOR_REAL.get(name, name)


def settings(name: str) -> str:
    """Codec ``name``'s encoder settings in words, for the dataset card (x264: its preset, and any
    parameters beyond the ones every codec here shares)."""
    options = CODECS[name]["options"]
    if "preset" not in options:
        return f"`{CODECS[name]['codec']}`"
    extra = options.get("x264-params", "").removeprefix(_X264_DETERMINISTIC["x264-params"]).lstrip(":")
    return f"x264 preset `{options['preset']}`" + (f" with `{extra}`" if extra else "")


def extension(name: str) -> str:
    """The file extension of codec ``name``'s container; :class:`SymbolSetError` for an unknown codec."""
    try:
        return EXTENSIONS[name]
    except KeyError:
        raise SymbolSetError(f"unknown codec {name!r} (known: {', '.join(CODECS)})") from None


class VideoError(SymbolSetError):
    """Video bytes that cannot be decoded."""


def _fps_fraction(fps: float) -> Fraction:
    return Fraction(fps).limit_denominator(1001)


def encode(frames: np.ndarray, fps: float, codec: str = DEFAULT_CODEC) -> bytes:
    """Encode ``(T, H, W, 3)`` uint8 RGB frames (even H and W) to video bytes."""
    import av  # here, not at the top: importing PyAV costs ~0.15 s, and most importers of codec only read its tables
    cfg = CODECS[codec] if codec in CODECS else extension(codec)  # extension() raises for an unknown name
    frames = np.ascontiguousarray(frames, dtype=np.uint8)
    _, height, width, _ = frames.shape
    # MP4's +faststart rewrites the file by name, so encode into a private temporary file.
    path = os.path.join(_scratch_dir(), f"clip-{threading.get_ident()}.{cfg['extension']}")
    try:
        # +bitexact keeps encoder/version strings out of the container where FFmpeg allows it.
        with av.open(path, mode="w", format=cfg["format"], options={**cfg["container"], "fflags": "+bitexact"}) as out:
            stream = out.add_stream(cfg["codec"], rate=_fps_fraction(fps))
            stream.width, stream.height, stream.pix_fmt = width, height, cfg["pix_fmt"]
            stream.options = dict(cfg["options"])
            stream.thread_count = 1  # PyAV's own default (0: auto) overrides the "threads" option
            for rgb in frames:
                for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                    out.mux(packet)
            for packet in stream.encode():
                out.mux(packet)
        with open(path, "rb") as f:
            return f.read()
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)


_scratch: tuple[int, str] | None = None  # (pid, folder): this process's scratch folder


def _scratch_dir() -> str:
    """This process's private temporary folder, made once and removed at exit: a folder made and
    removed per clip cost 1-5 ms, as much as encoding a few frames."""
    global _scratch
    if _scratch is None or _scratch[0] != os.getpid() or not os.path.isdir(_scratch[1]):
        folder = tempfile.mkdtemp(prefix="symbolset-")
        _scratch = (os.getpid(), folder)
        atexit.register(_remove_scratch, *_scratch)
    return _scratch[1]


def _remove_scratch(pid: int, folder: str) -> None:
    if os.getpid() == pid:  # not from a forked child, whose parent still uses the folder
        shutil.rmtree(folder, ignore_errors=True)


def decode(data: bytes, name: str = "video") -> np.ndarray:
    """Decode video bytes to ``(T, H, W, 3)`` uint8 RGB; :class:`VideoError` names ``name``."""
    import av
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            stream = container.streams.video[0]
            stream.thread_type = "SLICE"
            frames = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
    except (av.FFmpegError, IndexError, ValueError) as exc:
        raise VideoError(f"{name}: cannot decode video ({exc})") from None
    if not frames:
        raise VideoError(f"{name}: video has no frames")
    return np.stack(frames)


def probe(data: bytes, name: str = "video") -> dict:
    """Container facts without decoding pixels: codec, width, height, fps, frame count (decoded)."""
    import av
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            stream = container.streams.video[0]
            count = sum(1 for _ in container.demux(stream) if _.size)
            return {
                "codec": stream.codec_context.name,
                "width": stream.codec_context.width,
                "height": stream.codec_context.height,
                "fps": float(stream.average_rate or stream.guessed_rate or 0),
                "num_frames": count,
                "pix_fmt": stream.codec_context.pix_fmt,
            }
    except (av.FFmpegError, IndexError, ValueError) as exc:
        raise VideoError(f"{name}: cannot read video ({exc})") from None


def sha256(data: bytes) -> str:
    """Hex sha256 of bytes."""
    return hashlib.sha256(data).hexdigest()


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB between two uint8 arrays (inf when identical)."""
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else float(10 * np.log10(255.0**2 / mse))
