"""Loader throughput and memory, beside the raw PyAV decode ceiling measured in the same run.

Prints JSON:

- ``ceiling``: PyAV (``codec.decode``) over the same video bytes held in memory, a plain loop in
  1 process and split over 2 processes;
- ``torch``: ``SymbolVideoDataset`` through a ``DataLoader`` with 0, 1 and 2 workers (whole clips,
  uint8), each with ``ratio`` to the ceiling with the same number of decoding processes
  (0 and 1 workers: 1 process; 2 workers: 2);
- ``map_style``: ``ds[i]`` for every ``i`` of a ``SymbolVideoDataset`` (whole clips), without and
  with ``annotations=True``, each with ``ratio_to_ceiling`` (median over repeats of PyAV's time on
  the same bytes / the loader's time, the two alternating clip by clip) beside ``floor`` (0.9: the goal);
  annotations convert to Python only when a frame's are read, so the loop pays for none;
- ``datasets``: ``load_dataset(DIR)`` iterated with ``Video(decode=False)`` + PyAV (1 process);
- ``memory``: peak RSS (MB) of a fresh process iterating the tiny split and a dataset 10x its size,
  map-style and streaming, and the ratio (flat = about 1).

Every figure is the median of ``--repeats`` runs. The 10x dataset is generated into a temporary
folder (``--root`` reuses one).

    python benchmarks/load.py                  # ~2-3 minutes on two cores
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from symbolset import codec, layout, sources

MAP_STYLE_FLOOR = 0.9  # ds[i] should run at >= 0.9x of decoding the same bytes with PyAV


def _decode_count(data: bytes) -> int:
    return len(codec.decode(data))


def ceiling(videos: list[bytes], processes: int) -> tuple[float, int]:
    """Seconds and frames to decode ``videos`` in a plain loop (1 process) or a pool."""
    start = time.perf_counter()
    if processes == 1:
        frames = sum(_decode_count(v) for v in videos)
    else:
        with mp.get_context("fork").Pool(processes) as pool:
            frames = sum(pool.map(_decode_count, videos, chunksize=max(1, len(videos) // (4 * processes))))
    return time.perf_counter() - start, frames


def torch_pass(root: str, workers: int, batch_size: int = 8) -> tuple[float, int, int]:
    """Seconds, clips and frames for one DataLoader pass (worker start-up included)."""
    from torch.utils.data import DataLoader

    from symbolset.torch import SymbolVideoDataset, collate

    ds = SymbolVideoDataset(root, None, clip_start="start", layout="THWC")
    start = time.perf_counter()
    clips = frames = 0
    for batch in DataLoader(ds, batch_size=batch_size, num_workers=workers, collate_fn=collate):
        clips += len(batch["id"])
        frames += sum(v.shape[0] for v in batch["video"])
    return time.perf_counter() - start, clips, frames


def map_style_pass(root: str, annotations: bool) -> tuple[float, float, int, int]:
    """Seconds for ``ds[i]`` over every ``i``, and for PyAV decoding the same clips' bytes, the two
    alternating clip by clip (so a load that comes and goes hits both alike); clips; frames."""
    from symbolset.torch import SymbolVideoDataset

    ds = SymbolVideoDataset(root, None, clip_start="start", layout="THWC", annotations=annotations)
    videos = {r["id"]: r["video"]["bytes"] for r in layout.iter_rows(root, None, ["id", "video"])}
    order = [r["id"] for r in layout.iter_rows(root, None, ["id"])]
    loader = ceiling = 0.0
    frames = 0
    for i, sample_id in enumerate(order):
        for step in ((0, 1) if i % 2 else (1, 0)):  # which goes first alternates too
            start = time.perf_counter()
            if step:
                _decode_count(videos[sample_id])
                ceiling += time.perf_counter() - start
            else:
                sample = ds[i]
                loader += time.perf_counter() - start
        assert sample["id"] == sample_id
        frames += sample["video"].shape[0]
    return loader, ceiling, len(order), frames


def datasets_pass(root: str, cache: str) -> tuple[float, int, int]:
    """Seconds, clips and frames iterating ``load_dataset(root)`` undecoded + PyAV (prepared beforehand)."""
    import datasets

    dd = datasets.load_dataset(root, cache_dir=cache)
    parts = [dd[s].cast_column("video", datasets.Video(decode=False)) for s in dd]
    start = time.perf_counter()
    clips = frames = 0
    for ds in parts:
        for row in ds:
            frames += len(codec.decode(row["video"]["bytes"], row["id"]))
            clips += 1
    return time.perf_counter() - start, clips, frames


def rates(seconds: list[float], clips: int, frames: int) -> dict:
    s = statistics.median(seconds)
    return {"clips_per_s": round(clips / s, 1), "frames_per_s": round(frames / s, 1), "seconds": round(s, 3), "clips": clips}


def memory_probe(root: str, mode: str) -> None:
    """(Run in a fresh process.) Iterate every clip; print the peak RSS in MB."""
    from symbolset.torch import SymbolVideoDataset, SymbolVideoIterableDataset

    ds = SymbolVideoDataset(root, None, clip_start="start") if mode == "map" else SymbolVideoIterableDataset(root, None, clip_start="start")
    n = 0
    for s in ds if mode == "stream" else (ds[i] for i in range(len(ds))):
        n += int(s["video"].shape[0] > 0)
    with open("/proc/self/status") as f:
        hwm = next(int(line.split()[1]) for line in f if line.startswith("VmHWM"))
    print(json.dumps({"clips": n, "peak_rss_mb": round(hwm / 1024, 1)}))


def peak_rss(root: str, mode: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--memory-probe", root, "--mode", mode], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def make_big(out: Path, factor: int) -> Path:
    """A dataset ``factor`` times the tiny split (same config, more clips)."""
    from symbolset.build import generate
    from symbolset.config import load_config

    tiny_cfg = load_config("tiny")
    generate(load_config("tiny", name="tiny-x", num=tiny_cfg.num * factor), out, workers=2, progress=False)
    return out


def main(argv=None) -> None:
    """Command line: run the benchmark, print JSON."""
    ap = argparse.ArgumentParser(description="SymbolSet loader benchmark")
    ap.add_argument("--root", help="a generated dataset ~10x tiny (default: generate one into a temporary folder)")
    ap.add_argument("--factor", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--only", choices=["map_style"], help="measure only the ceiling and this part")
    ap.add_argument("--memory-probe", help=argparse.SUPPRESS)
    ap.add_argument("--mode", default="map", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.memory_probe:
        return memory_probe(args.memory_probe, args.mode)
    with tempfile.TemporaryDirectory(prefix="symbolset-bench-") as tmp:
        root = Path(args.root) if args.root else make_big(Path(tmp) / "big", args.factor)
        videos = [r["video"]["bytes"] for r in layout.iter_rows(root, None, ["video"])]
        result: dict = {"clips": len(videos), "repeats": args.repeats, "ceiling": {}, "map_style": {}, "torch": {}, "datasets": {}, "memory": {}}
        for procs in (1, 2):
            runs = [ceiling(videos, procs) for _ in range(args.repeats)]
            result["ceiling"][f"{procs}_process"] = rates([r[0] for r in runs], len(videos), runs[0][1])
        for annotations in (False, True):
            runs = [map_style_pass(str(root), annotations) for _ in range(args.repeats)]
            entry = rates([r[0] for r in runs], runs[0][2], runs[0][3])
            entry["ceiling_seconds"] = round(statistics.median(r[1] for r in runs), 3)
            entry.update(ratio_to_ceiling=round(statistics.median(r[1] / r[0] for r in runs), 3), floor=MAP_STYLE_FLOOR)
            result["map_style"]["annotations" if annotations else "video_only"] = entry
        if args.only:
            print(json.dumps(result, indent=2))
            return None
        for workers in (0, 1, 2):
            runs = [torch_pass(str(root), workers) for _ in range(args.repeats)]
            entry = rates([r[0] for r in runs], runs[0][1], runs[0][2])
            ref = result["ceiling"]["2_process" if workers == 2 else "1_process"]
            entry["ratio_to_ceiling"] = round(entry["frames_per_s"] / ref["frames_per_s"], 3)
            result["torch"][f"{workers}_workers"] = entry
        cache = str(Path(tmp) / "hf-cache")
        datasets_pass(str(root), cache)  # prepare the Arrow cache outside the timing
        runs = [datasets_pass(str(root), cache) for _ in range(args.repeats)]
        entry = rates([r[0] for r in runs], runs[0][1], runs[0][2])
        entry["ratio_to_ceiling"] = round(entry["frames_per_s"] / result["ceiling"]["1_process"]["frames_per_s"], 3)
        result["datasets"]["decode_false_pyav"] = entry
        tiny = str(sources.tiny_dir())
        for mode in ("map", "stream"):
            small, big = peak_rss(tiny, mode), peak_rss(str(root), mode)
            result["memory"][mode] = {"tiny_clips": small["clips"], "tiny_peak_rss_mb": small["peak_rss_mb"], "big_clips": big["clips"],
                                      "big_peak_rss_mb": big["peak_rss_mb"], "ratio": round(big["peak_rss_mb"] / small["peak_rss_mb"], 3)}  # fmt: skip
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
