"""Video <-> PNG frames, shared by the PNG folder and the TFRecord ``--frames png`` layout.

Frames are the decoded video (what a model trained on the video sees) or, with ``rerender``,
the lossless frames rendered from the record's stored spec. Going back, the frames are
re-encoded with the record's codec setting (or ``codec`` when given, which then also updates the
record's ``codec`` and the extension of its ``video_path``). Frames rendered from the spec and
re-encoded with the record's codec give the original video bytes again (same FFmpeg build);
decoded frames of a lossy codec are re-encoded once more, so those bytes differ.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from symbolset import codec
from symbolset.errors import SymbolSetError
from symbolset.layout import record_checksum
from symbolset.render import render_clip
from symbolset.spec import from_json


def png_bytes(frame: np.ndarray) -> bytes:
    """One RGB frame as PNG bytes (deterministic for a given Pillow/zlib)."""
    buf = io.BytesIO()
    Image.fromarray(frame).save(buf, format="PNG", compress_level=6)
    return buf.getvalue()


def record_frames(row: dict, rerender: bool) -> np.ndarray:
    """``(T, H, W, 3)`` frames of a record: decoded from its video, or rendered from its spec."""
    if rerender:
        return render_clip(from_json(row["spec"], f"record {row['id']}: spec"))[0]
    return codec.decode(row["video"]["bytes"], f"record {row['id']}: video")


def record_pngs(row: dict, rerender: bool) -> list[bytes]:
    """The record's frames as PNG bytes, in order."""
    return [png_bytes(f) for f in record_frames(row, rerender)]


def decode_png(data: bytes, where: str) -> np.ndarray:
    """PNG bytes -> RGB array; :class:`SymbolSetError` naming ``where`` when unreadable."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            return np.asarray(img.convert("RGB"))
    except (OSError, ValueError, SyntaxError) as exc:
        raise SymbolSetError(f"{where}: not a readable PNG ({exc})") from None


def video_from_pngs(pngs: list[bytes], meta: dict, where: str, codec_name: str | None = None) -> bytes:
    """Re-encode PNG frames into the record's video; updates ``meta`` when ``codec_name`` changes the codec,
    and its ``checksum`` (which covers the video bytes) always."""
    if len(pngs) != meta["num_frames"]:
        raise SymbolSetError(f"{where}: {len(pngs)} frame(s), but the record says num_frames={meta['num_frames']}")
    frames = [decode_png(p, f"{where}: frame {i}") for i, p in enumerate(pngs)]
    shapes = {f.shape for f in frames}
    if shapes != {(meta["height"], meta["width"], 3)}:
        raise SymbolSetError(f"{where}: frame sizes {sorted(shapes)} differ from the record's {meta['width']}x{meta['height']}")
    name = codec_name or meta["codec"]
    if name != meta["codec"]:
        if name not in codec.CODECS:
            raise SymbolSetError(f"--codec: expected one of {', '.join(codec.CODECS)}, got {name!r}")
        stem = meta["video_path"].rsplit(".", 1)[0]
        meta["codec"], meta["video_path"] = name, f"{stem}.{codec.EXTENSIONS[name]}"
    video = codec.encode(np.stack(frames), meta["fps"], name)
    if isinstance(meta.get("spec"), str):  # new video bytes, new checksum (PNG frames carry none of their own)
        meta["checksum"] = record_checksum(video, meta["spec"])
    return video
