"""Generation throughput beside the encode-only ceiling, worker scaling, and peak memory.

Prints JSON. End-to-end = `symbolset.build.generate` (sample, render, caption, encode, write
Parquet). Ceiling = encoding the same clips' pre-rendered frames with the same codec settings,
in the same run, on the same number of processes. ``--ray`` adds the Ray engine (a private local
cluster, start-up included) at 2 CPUs. ``core_seconds_per_clip`` (workers / clips/s) is the figure
docs/scale.md sizes a release from.

    python benchmarks/generate.py [--quick] [--repeats 3] [--num 200] [--ray]
    python benchmarks/generate.py --config default --num 200      # CPU per clip beside the encode floor
    python benchmarks/generate.py --stages --num 60               # CPU ms per clip, per family and stage
"""

from __future__ import annotations

import argparse
import collections
import json
import multiprocessing
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from symbolset import codec, families, record, stage
from symbolset.build import generate, plan
from symbolset.config import load_config
from symbolset.record import sample_spec
from symbolset.render import render_clip, reuse
from symbolset.spec import to_json


def _encode_chunk(args) -> float:
    """Render a chunk of tasks (untimed), then return the seconds spent encoding them."""
    tasks, cfg = args
    clips = _rendered(cfg, tasks)
    start = time.perf_counter()
    for frames, name in clips:
        codec.encode(frames, cfg.fps, name)
    return time.perf_counter() - start


def _rendered(cfg, tasks) -> list:
    """Each task's frames and the codec `generate` encodes them with (a real-style clip's own, see
    ``record.clip_codec``)."""
    out = []
    for t in tasks:
        spec = sample_spec(t["family"], t["seed"], cfg.params(t["family"]))
        out.append((render_clip(spec)[0], record.clip_codec(spec, cfg.params(t["family"]))))
    return out


def encode_ceiling(cfg, workers: int) -> float:
    """Clips/s of encoding the config's clips from pre-rendered frames, ``workers`` processes at once.

    Each process renders its share first, untimed, then encodes it; the slowest process sets the pace.
    """
    tasks = plan(cfg)
    chunks = [(tasks[i::workers], cfg) for i in range(workers)]
    if workers == 1:
        seconds = [_encode_chunk(chunks[0])]
    else:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            seconds = list(pool.map(_encode_chunk, chunks))
    return len(tasks) / max(seconds)


def end_to_end(cfg, workers: int, engine: str = "local") -> float:
    """Clips/s of a full `generate` run into a fresh folder."""
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        generate(cfg, f"{tmp}/ds", workers=workers, progress=False, engine=engine)
        return cfg.num / (time.perf_counter() - start)


def one_worker_cpu(cfg) -> dict:
    """CPU seconds per clip of a 1-worker `generate` and of encoding the same frames, and bytes per clip.

    CPU time (``time.process_time``) is what a core-hour budget needs, and unlike wall time it
    hardly moves when other processes share the machine.
    """
    with tempfile.TemporaryDirectory() as tmp:
        wall, cpu = time.perf_counter(), time.process_time()
        generate(cfg, f"{tmp}/ds", workers=1, progress=False)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        nbytes = sum(p.stat().st_size for p in Path(tmp, "ds", "data").glob("*.parquet"))
    clips = _rendered(cfg, plan(cfg))
    enc = time.process_time()
    for frames, name in clips:
        codec.encode(frames, cfg.fps, name)
    enc = time.process_time() - enc
    return {
        "wall_s_per_clip": wall / cfg.num,
        "cpu_s_per_clip": cpu / cfg.num,
        "encode_cpu_s_per_clip": enc / cfg.num,
        "bytes_per_clip": nbytes / cfg.num,
    }


def stages(cfg, repeats: int) -> dict:
    """CPU ms per clip of each stage of ``record.build_record``, per family (median of ``repeats``
    passes after one warm-up pass, so one-off costs such as imports and font loading are left out)."""
    passes = []
    for k in range(repeats + 1):
        times: dict = collections.defaultdict(lambda: collections.defaultdict(list))
        for t in plan(cfg):
            params, clock = cfg.params(t["family"]), time.process_time
            c0 = clock()
            spec = sample_spec(t["family"], t["seed"], params)
            c1 = clock()
            with reuse():  # as record.build_record does: claims measure the frames drawn here
                frames, annotations = render_clip(spec)
                c2 = clock()
                fam = families.get(spec["family"])
                caps = fam.captions(stage.card(spec), record.caption_rng(t["seed"]))
            stage.add_captions(spec, caps, annotations)
            c3 = clock()
            codec.encode(frames, spec["fps"], record.clip_codec(spec, params))
            c4 = clock()
            record.annotations_for_record(annotations)
            record.difficulty(spec, annotations, fam.difficulty(spec, annotations))
            to_json(spec)
            c5 = clock()
            for name, sec in zip(("sample_spec", "render", "captions", "encode", "row"), (c1 - c0, c2 - c1, c3 - c2, c4 - c3, c5 - c4)):
                times[t["family"]][name].append(sec)
        if k:
            passes.append({f: {n: 1e3 * sum(v) / len(v) for n, v in st.items()} for f, st in times.items()})
    out = {f: {n: round(statistics.median(p[f][n] for p in passes), 2) for n in passes[0][f]} for f in passes[0]}
    for row in out.values():
        row["total"] = round(sum(row.values()), 2)
    everything = {n: sum(row[n] for row in out.values()) for n in ("sample_spec", "render", "captions", "encode", "row", "total")}
    return {"unit": f"CPU ms per clip (median of {repeats})", "size": f"{cfg.width}x{cfg.height}", "families": out,
            "share_of_total": {n: round(v / everything["total"], 3) for n, v in everything.items() if n != "total"},
            "fastest_to_slowest_family": round(max(r["total"] for r in out.values()) / min(r["total"] for r in out.values()), 2)}  # fmt: skip


def peak_rss_mb(num: int, size: int) -> float:
    """Peak resident memory (MB) of a fresh `symbolset generate` process making ``num`` clips.

    Read from the child's own VmHWM: ``ru_maxrss`` would carry over the parent's peak across exec.
    """
    with tempfile.TemporaryDirectory() as tmp:
        code = ("from symbolset.cli import main; "
                f"main(['generate', '--num', '{num}', '--size', '{size}', '--quiet', '--out', '{tmp}/ds']); "
                "print(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1])")  # fmt: skip
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        return int(out.split()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer clips and repeats")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--num", type=int, help="clips at 256x256 (a quarter of them at 512x512) [200; 20 with --quick]")
    parser.add_argument("--ray", action="store_true", help="also measure --engine ray (2 CPUs, private local cluster)")
    parser.add_argument("--config", help="measure this config only (e.g. release, with --num clips), 1 worker")
    parser.add_argument("--stages", action="store_true", help="CPU time per family and stage (sample, render, captions, encode, row)")
    args = parser.parse_args()
    if args.stages:
        cfg = load_config(args.config or "default", num=args.num or 60)
        print(json.dumps(stages(cfg, 1 if args.quick else args.repeats), indent=2))
        return
    if args.config:
        cfg = load_config(args.config, num=args.num or 10, shard_size=args.num or 10)
        runs = [one_worker_cpu(cfg) for _ in range(1 if args.quick else args.repeats)]
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        print(json.dumps({"config": cfg.name, "size": f"{cfg.width}x{cfg.height}", "num_frames": cfg.num_frames, "num_clips": cfg.num,
                          "unit": f"median of {len(runs)}", **{k: round(v, 4) for k, v in med.items()},
                          "cpu_ratio_to_encode_floor": round(med["encode_cpu_s_per_clip"] / med["cpu_s_per_clip"], 3)}, indent=2))  # fmt: skip
        return
    repeats = 1 if args.quick else args.repeats
    total = args.num or (20 if args.quick else 200)
    results = {"unit": f"clips/s (median of {repeats})", "sizes": {}}
    for size, num in ((256, total), (512, max(total // 4, 10))):
        cfg = load_config("default", num=num, width=size, height=size, shard_size=16)
        row = {"num_clips": num, "num_frames": cfg.num_frames}
        for workers in (1, 2):
            e2e = statistics.median(end_to_end(cfg, workers) for _ in range(repeats))
            ceil = statistics.median(encode_ceiling(cfg, workers) for _ in range(repeats))
            row[f"workers_{workers}"] = {
                "end_to_end_clips_s": round(e2e, 2),
                "end_to_end_frames_s": round(e2e * cfg.num_frames, 1),
                "encode_only_ceiling_clips_s": round(ceil, 2),
                "ratio_to_ceiling": round(e2e / ceil, 3),
                "clips_s_per_worker": round(e2e / workers, 2),
                "core_seconds_per_clip": round(workers / e2e, 3),
            }
        row["scaling_1_to_2_workers"] = round(row["workers_2"]["end_to_end_clips_s"] / row["workers_1"]["end_to_end_clips_s"], 3)
        if args.ray:
            ray_rate = statistics.median(end_to_end(cfg, 2, "ray") for _ in range(repeats))
            row["ray_2_cpus"] = {
                "end_to_end_clips_s": round(ray_rate, 2),
                "ratio_to_local_2_workers": round(ray_rate / row["workers_2"]["end_to_end_clips_s"], 3),
            }
        results["sizes"][f"{size}x{size}"] = row
    # Both sizes fill several 64-row shards, the unit of memory a run holds.
    small, large = (10, 40) if args.quick or total < 200 else (160, 800)
    results["peak_rss_mb"] = {f"{small}_clips": round(peak_rss_mb(small, 256), 1), f"{large}_clips": round(peak_rss_mb(large, 256), 1)}
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
