"""SymbolBench scoring throughput (`bench run`), beside the work it cannot avoid, measured in the same run.

Prints JSON. The prompts are tiny's test split (one per family), repeated ``--copies`` times under
new ids so worker start-up is amortised; the videos are each prompt's spec re-rendered at ``--frames``
frames (default 16) and at its own size (``1x``, 128x128) or larger (``2x`` = 256x256, ...), H.264,
the way a model's output has another size and frame count than the spec.

- ``ceiling``: per video, decoding it (PyAV) plus rendering its reference clip, the floor under any
  scoring of that video;
- ``run_ocr`` / ``run_no_ocr``: ``run_benchmark`` end to end in one process (OCR on: whole-frame
  detection and recognition on 4 sampled frames, a second pass on frames not yet matched), as videos/min, with ``ratio_to_ceiling`` (ceiling
  time / run time); ``run_ocr_2_workers``: the same with ``workers=2`` (worker start-up included),
  and its ``speedup`` over one process;
- ``per_family_s``: median seconds to score one video of each family with OCR on (first scale).

Every figure is the median of ``--repeats`` runs. The machine may be shared: compare the ratios to
the ceiling measured in the same run, not the absolute rates, across machines or times. Each run
also reports ``cpu_seconds`` (user + system time of this process and its finished workers) and
``videos_per_cpu_min``, which other users of a shared machine do not inflate.

    python benchmarks/bench.py                 # ~6 minutes on two cores
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import tempfile
import time
from pathlib import Path

from symbolset import codec, sources
from symbolset.bench.prompts import build_prompts, write_prompts
from symbolset.bench.reference import scale_spec
from symbolset.bench.run import run_benchmark
from symbolset.bench.score import Scorer
from symbolset.render import render_clip
from symbolset.spec import validate


def write_videos(prompts: list[dict], folder: Path, scale: int, frames: int) -> None:
    """Each prompt's spec rendered ``scale`` times larger with ``frames`` frames, as ``<id>.mp4``."""
    folder.mkdir(parents=True, exist_ok=True)
    for p in prompts:
        spec = scale_spec(p["spec"], p["spec"]["width"] * scale, p["spec"]["height"] * scale, frames)
        (folder / f"{p['id']}.mp4").write_bytes(codec.encode(render_clip(spec)[0], spec["fps"]))


def _cpu() -> float:
    """User + system CPU seconds of this process and of its finished child processes."""
    return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)))


def ceiling(prompts: list[dict], folder: Path) -> tuple[float, float]:
    """(wall, CPU) seconds to decode every video and render every reference clip."""
    start, cpu = time.perf_counter(), _cpu()
    for p in prompts:
        codec.decode((folder / f"{p['id']}.mp4").read_bytes())
        render_clip(validate(p["spec"]))
    return time.perf_counter() - start, _cpu() - cpu


def timed_run(prompts_path: Path, folder: Path, out: Path, use_ocr: bool, workers: int) -> tuple[float, float]:
    """(wall, CPU) seconds of one ``run_benchmark``."""
    start, cpu = time.perf_counter(), _cpu()
    run_benchmark(prompts_path, folder, out, use_ocr=use_ocr, workers=workers, overwrite=True)
    return time.perf_counter() - start, _cpu() - cpu


def _figures(n: int, runs: list[tuple[float, float]]) -> dict:
    """Medians of wall and CPU seconds over ``runs`` and the rates they give for ``n`` videos."""
    secs, cpu = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
    return {"seconds": round(secs, 3), "videos_per_min": round(60 * n / secs, 1),
            "cpu_seconds": round(cpu, 3), "videos_per_cpu_min": round(60 * n / cpu, 1)}  # fmt: skip


def per_family(prompts: list[dict], folder: Path, repeats: int) -> dict:
    """Median seconds to score one video of each family (OCR on), reference render excluded."""
    scorer = Scorer()
    out = {}
    for p in prompts:
        frames = codec.decode((folder / f"{p['id']}.mp4").read_bytes())
        native = render_clip(validate(p["spec"]))
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            scorer.score(p, frames, native)
            times.append(time.perf_counter() - start)
        out[p["family"]] = round(statistics.median(times), 3)
    return out


def main(argv=None) -> None:
    """Command line: run the benchmark, print JSON."""
    ap = argparse.ArgumentParser(description="SymbolBench scoring throughput")
    ap.add_argument("--scales", default="1,2", help="video upscale factors [1,2]")
    ap.add_argument("--copies", type=int, default=2, help="times the 10 prompts are repeated [2]")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--frames", type=int, default=16, help="frames per video [16]")
    args = ap.parse_args(argv)
    tiny = sources.tiny_dir()
    with tempfile.TemporaryDirectory(prefix="symbolset-bench-") as tmp:
        prompts = [{**p, "id": f"{p['id']}-copy{c}", "source_id": p["id"]} for c in range(args.copies) for p in build_prompts(tiny, "test")]
        prompts_path = Path(tmp) / "prompts.jsonl"
        write_prompts(prompts, prompts_path)
        spec = prompts[0]["spec"]
        result: dict = {"prompts": len(prompts), "frames": args.frames, "spec_size": f"{spec['width']}x{spec['height']}",
                        "repeats": args.repeats, "scales": {}}  # fmt: skip
        for scale in (int(s) for s in args.scales.split(",")):
            folder = Path(tmp) / f"videos-{scale}x"
            write_videos(prompts, folder, scale, args.frames)
            entry = {"video_size": f"{spec['width'] * scale}x{spec['height'] * scale}",
                     "ceiling": _figures(len(prompts), [ceiling(prompts, folder) for _ in range(args.repeats)])}  # fmt: skip
            floor = entry["ceiling"]["seconds"]
            for key, use_ocr, workers in (("run_ocr", True, 1), ("run_no_ocr", False, 1), ("run_ocr_2_workers", True, 2)):
                runs = [timed_run(prompts_path, folder, Path(tmp) / f"out-{scale}-{key}", use_ocr, workers) for _ in range(args.repeats)]
                entry[key] = {**_figures(len(prompts), runs), "ratio_to_ceiling": round(floor / statistics.median(r[0] for r in runs), 3)}
            entry["run_ocr_2_workers"]["speedup"] = round(entry["run_ocr"]["seconds"] / entry["run_ocr_2_workers"]["seconds"], 2)
            result["scales"][f"{scale}x"] = entry
        result["per_family_s"] = per_family(
            prompts[: len(prompts) // args.copies], Path(tmp) / f"videos-{args.scales.split(',')[0]}x", args.repeats
        )
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
