"""One opened sample: its record, decoded frames, a browser-playable video file, and the re-render check.

Opened samples are kept in a small LRU cache; a video is written once into the viewer's private
cache folder (the only place, with the dataset folder, that the app serves files from).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from symbolset import codec
from symbolset.record import SCHEMA, annotations_for_record, parse_annotations
from symbolset.render import render_clip
from symbolset.spec import from_json

from .index import DatasetIndex, safe_name


@dataclass
class Sample:
    """An opened sample: everything the sample page shows."""

    id: str
    row: dict  # the record without video bytes
    spec: dict
    annotations: list[dict]  # per frame, shape params decoded
    frames: np.ndarray  # decoded (T, H, W, 3)
    video: bytes
    video_path: Path  # browser-playable copy in the cache folder
    transcoded: bool  # True when the stored codec is not browser-playable and the file is an H.264 copy


class SampleCache:
    """Opens samples from a :class:`DatasetIndex`, keeping the last few decoded."""

    def __init__(self, index: DatasetIndex, cache_dir: str | Path, max_items: int = 6):
        self.index = index
        self.dir = Path(cache_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self._items: OrderedDict[str, Sample] = OrderedDict()
        self._max = max_items
        self._lock = threading.Lock()

    def get(self, sample_id: str) -> Sample:
        """The sample ``sample_id`` (opened on first use); :class:`SymbolSetError` when unknown."""
        with self._lock:
            if sample_id in self._items:
                self._items.move_to_end(sample_id)
                return self._items[sample_id]
        sample = self._open(sample_id)
        with self._lock:
            self._items[sample_id] = sample
            while len(self._items) > self._max:
                self._items.popitem(last=False)
        return sample

    def _open(self, sample_id: str) -> Sample:
        record = self.index.record(sample_id)
        video = record.pop("video")["bytes"]
        frames = codec.decode(video, f"record {sample_id}")
        transcoded = record["codec"] not in codec.BROWSER_PLAYABLE
        path = self.dir / f"{safe_name(sample_id)}.mp4"
        if not path.exists():
            data = codec.encode(frames, record["fps"], "h264") if transcoded else video
            tmp = path.with_name(f".{path.name}.tmp-{threading.get_ident()}")
            tmp.write_bytes(data)
            tmp.replace(path)
        return Sample(
            id=sample_id,
            row=record,
            spec=from_json(record["spec"], f"record {sample_id}: spec"),
            annotations=parse_annotations(record),
            frames=frames,
            video=video,
            video_path=path,
            transcoded=transcoded,
        )


def rerender_check(sample: Sample) -> dict:
    """Re-render ``sample`` from its spec and compare with what is stored.

    Returns ``{"frames", "annotations_equal", "bytes_equal", "decoded_equal", "psnr_min", "psnr_mean",
    "rendered"}``: annotations compared exactly (as stored, float32), the re-encoded clip compared
    byte for byte and after decoding (bytes may differ across FFmpeg builds, decoded pixels should
    not), and the PSNR of the stored (lossy) video against the exact re-rendered frames.
    """
    rendered, annotations = render_clip(sample.spec)
    stored_type = SCHEMA.field("annotations").type
    as_stored = pa.array([annotations_for_record(annotations)], type=stored_type).to_pylist()[0]
    reencoded = codec.encode(rendered, sample.spec["fps"], sample.row["codec"])
    decoded_again = codec.decode(reencoded, f"re-rendered {sample.id}")
    psnrs = [codec.psnr(a, b) for a, b in zip(sample.frames, rendered)]
    finite = [p for p in psnrs if np.isfinite(p)]
    return {
        "frames": len(rendered),
        "shape_equal": rendered.shape == sample.frames.shape,
        "annotations_equal": as_stored == sample.row["annotations"],
        "bytes_equal": reencoded == sample.video,
        "decoded_equal": decoded_again.shape == sample.frames.shape and bool(np.array_equal(decoded_again, sample.frames)),
        "psnr_min": min(finite) if finite else float("inf"),
        "psnr_mean": float(np.mean(finite)) if finite else float("inf"),
        "rendered": rendered,
    }


def comparison_image(stored: np.ndarray, rendered: np.ndarray, gain: int = 8) -> np.ndarray:
    """Side by side: stored (decoded) frame | re-rendered frame | absolute difference x ``gain``."""
    diff = np.clip(np.abs(stored.astype(np.int16) - rendered.astype(np.int16)) * gain, 0, 255).astype(np.uint8)
    gap = np.full((stored.shape[0], 4, 3), 255, np.uint8)
    return np.concatenate([stored, gap, rendered, gap, diff], axis=1)
