"""Generation throughput beside the encode-only ceiling, worker scaling, and peak memory.

Prints JSON. End-to-end = a fresh ``symbolset generate`` process, timed from launch to exit, as a
user runs it (interpreter start, imports, worker start-up, Parquet, manifest and thumbnails
included); 1 and 2 workers alternate run by run, so both see the same machine and neither finds
caches warmed by an earlier run. Each run also gives its steady rate (clips between its first and
last shard over the time between them: what a run of a million clips sees, its few seconds of
start-up and finishing spread over hours), the CPU of the parent and of its workers, and
``scaling_at_1m_clips`` from both. Ceiling = encoding the same clips' pre-rendered frames with the
same codec settings, on the same number of fresh processes, in each round beside the runs (ratios are
per round, then the median). ``--ray`` adds the Ray engine
(a private local cluster, start-up included) at 2 CPUs. ``core_seconds_per_clip`` (workers / steady
clips/s) is the figure docs/scale.md sizes a release from.

    python benchmarks/generate.py [--quick] [--repeats 3] [--num 400] [--ray] [--against ../main]
    python benchmarks/generate.py --config default --num 200      # CPU per clip beside the encode floor
    python benchmarks/generate.py --stages --num 60               # CPU ms per clip, per family and stage
"""

from __future__ import annotations

import argparse
import collections
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pyarrow.parquet as pq

from symbolset import codec, families, record, stage
from symbolset.build import generate, plan
from symbolset.config import load_config
from symbolset.memory import tune_allocator, tune_collector
from symbolset.record import sample_spec
from symbolset.render import render_clip, reuse
from symbolset.spec import to_json


def _encode_chunk(args) -> float:
    """Render a chunk of tasks (untimed), then return the seconds spent encoding them (with the
    allocator settings of a ``generate`` process, so the floor stays a fair floor)."""
    tasks, cfg = args
    tune_allocator()
    tune_collector()
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
    """Clips/s of encoding the config's clips from pre-rendered frames, ``workers`` fresh processes at once.

    Each process renders its share first, untimed, then encodes it; the slowest process sets the pace.
    Fresh processes, as the runs they are compared with: not this one, which holds earlier results.
    """
    tasks = plan(cfg)
    chunks = [(tasks[i::workers], cfg) for i in range(workers)]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        seconds = list(pool.map(_encode_chunk, chunks))
    return len(tasks) / max(seconds)


def end_to_end(cfg, workers: int, engine: str = "local") -> float:
    """Clips/s of a full `generate` run into a fresh folder, in this process (``--ray``)."""
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        generate(cfg, f"{tmp}/ds", workers=workers, progress=False, engine=engine)
        return cfg.num / (time.perf_counter() - start)


# A fresh process running the CLI's generate, as a user would, reporting its own CPU.
_CHILD = """
import json, resource, sys
from symbolset.cli import main
rc = main(sys.argv[1:])
me = resource.getrusage(resource.RUSAGE_SELF)
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM")).split()[1]  # not ru_maxrss: kept across exec
print(json.dumps({"rc": rc, "parent_cpu_s": me.ru_utime + me.ru_stime, "peak_rss_mb": int(hwm) / 1024}))
"""


def _descendants_cpu(root: int, peak_mb: dict | None = None) -> dict[int, float]:
    """CPU seconds so far of ``root``'s descendants, by pid (Linux ``/proc``), and each one's peak
    resident memory into ``peak_mb``. Read while they run: workers forked by a fork server are not
    the parent's children, so RUSAGE_CHILDREN misses them."""
    tick, out, todo = os.sysconf("SC_CLK_TCK"), {}, [root]
    while todo:
        pid = todo.pop()
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            out[pid] = (int(fields[11]) + int(fields[12])) / tick
            if peak_mb is not None and pid != root:
                hwm = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("VmHWM"))
                peak_mb[pid] = int(hwm.split()[1]) / 1024
            for task in os.listdir(f"/proc/{pid}/task"):
                todo += map(int, Path(f"/proc/{pid}/task/{task}/children").read_text().split())
        except (OSError, ValueError, StopIteration):  # gone meanwhile
            pass
    out.pop(root, None)
    return out


ROOT = Path(__file__).resolve().parents[1]  # this checkout


def fresh_run(cfg, workers: int, checkout: Path = ROOT) -> dict:
    """One ``symbolset generate`` of ``checkout`` in a fresh process, ``workers`` workers: wall clock from launch to
    exit (interpreter start, imports, worker start-up, finishing included), CPU of the parent and of
    its workers, and the steady rate between the first and the last shard written (what a run of a
    million clips would see: its start-up and finishing are the same few seconds)."""
    with tempfile.TemporaryDirectory() as tmp:
        argv = ["generate", cfg.name, "--out", f"{tmp}/ds", "--num", str(cfg.num), "--size", f"{cfg.width}x{cfg.height}",
                "--shard-size", str(cfg.shard_size), "--workers", str(workers), "--quiet"]  # fmt: skip
        launch = time.time()
        # As installed: pip compiles a package's bytecode, so a shell's PYTHONDONTWRITEBYTECODE would
        # only add recompiling ~75 modules (0.18 s) to every run.
        env = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "PYTHONPATH": str(checkout)}
        proc = subprocess.Popen(
            [sys.executable, "-c", _CHILD, *argv], cwd=checkout, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        workers_cpu: dict[int, float] = {}
        peak_mb: dict[int, float] = {}
        done = threading.Event()

        def sample() -> None:  # every 0.1 s: a worker's last tenth of a second may be missed
            while not done.wait(0.1):
                workers_cpu.update(_descendants_cpu(proc.pid, peak_mb))

        sampler = threading.Thread(target=sample)
        sampler.start()
        out, err = proc.communicate()
        end = time.time()
        done.set()
        sampler.join()
        if proc.returncode:
            raise SystemExit(f"symbolset generate failed: {err.strip().splitlines()[-1:]}")
        usage = json.loads(out.strip().splitlines()[-1])
        shards = sorted(Path(tmp, "ds", "data").glob("*.parquet"), key=lambda p: p.stat().st_mtime_ns)
        first, last = shards[0].stat().st_mtime_ns / 1e9, shards[-1].stat().st_mtime_ns / 1e9
        first_rows = pq.read_metadata(shards[0]).num_rows
    wall = end - launch
    return {
        "wall_s": wall,
        "clips_s": cfg.num / wall,
        "to_first_shard_s": first - launch,
        "first_shard_clips": first_rows,
        "after_last_shard_s": end - last,
        "steady_clips_s": (cfg.num - first_rows) / (last - first) if last > first else float("nan"),
        "parent_cpu_s": usage["parent_cpu_s"],
        "workers_cpu_s": sum(workers_cpu.values()),  # the fork server and the resource tracker included
        "parent_cpu_share": usage["parent_cpu_s"] / (usage["parent_cpu_s"] + sum(workers_cpu.values())),
        "parent_peak_rss_mb": usage["peak_rss_mb"],
        "worker_peak_rss_mb": max(peak_mb.values(), default=0.0),  # the largest; pages shared with the fork server count in full
    }


def scaling(cfg, repeats: int, checkouts: dict[str, Path]) -> tuple[dict[str, dict], dict]:
    """1 and 2 workers of each checkout, each run a fresh process (so none finds caches warmed by an
    earlier run), and the encode-only ceiling at 1 and 2 processes, alternating run by run so that
    all see the same machine. Returns each checkout's row (medians of ``repeats``) and, per number
    of workers, this checkout's ratios to the ceiling of the same round (median, and each round's)."""
    runs = {name: {1: [], 2: []} for name in checkouts}
    ceilings: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(repeats):
        for workers in (1, 2):
            ceilings[workers].append(encode_ceiling(cfg, workers))
            for name, root in checkouts.items():
                runs[name][workers].append(fresh_run(cfg, workers, root))
    this = next(iter(checkouts))
    ratios = {}
    for w in (1, 2):
        whole = [r["clips_s"] / c for r, c in zip(runs[this][w], ceilings[w])]
        steady = [r["steady_clips_s"] / c for r, c in zip(runs[this][w], ceilings[w])]
        ratios[w] = {
            "encode_only_ceiling_clips_s": round(statistics.median(ceilings[w]), 2),
            "ratio_to_ceiling": round(statistics.median(whole), 3),
            "steady_ratio_to_ceiling": round(statistics.median(steady), 3),
            "ratio_to_ceiling_each_round": [round(v, 3) for v in whole],
        }
    return {name: _scaling_row(r) for name, r in runs.items()}, ratios


def _scaling_row(runs: dict[int, list[dict]]) -> dict:
    med = {w: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for w, rs in runs.items()}
    row = {f"workers_{w}": {k: round(v, 3) for k, v in m.items()} for w, m in med.items()}
    row["scaling_1_to_2_workers"] = round(med[2]["clips_s"] / med[1]["clips_s"], 3)
    row["steady_scaling_1_to_2_workers"] = round(med[2]["steady_clips_s"] / med[1]["steady_clips_s"], 3)
    # Start-up (to the first shard, less its clips at the steady rate) and finishing (after the last shard).
    fixed = {w: m["to_first_shard_s"] - m["first_shard_clips"] / m["steady_clips_s"] + m["after_last_shard_s"] for w, m in med.items()}
    row["fixed_s_per_run"] = {f"workers_{w}": round(v, 2) for w, v in fixed.items()}  # start-up + finishing
    row["scaling_at_1m_clips"] = round((fixed[1] + 1e6 / med[1]["steady_clips_s"]) / (fixed[2] + 1e6 / med[2]["steady_clips_s"]), 3)
    return row


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
    parser.add_argument("--num", type=int, help="clips at 256x256 (a quarter as many at 512x512) [400; 20 with --quick]")
    parser.add_argument("--ray", action="store_true", help="also measure --engine ray (2 CPUs, private local cluster)")
    parser.add_argument("--config", help="measure this config only (e.g. release, with --num clips), 1 worker")
    parser.add_argument("--stages", action="store_true", help="CPU time per family and stage (sample, render, captions, encode, row)")
    parser.add_argument(
        "--against", metavar="CHECKOUT", help="also run another checkout's `symbolset generate` (e.g. main), alternating with this one"
    )
    args = parser.parse_args()
    tune_allocator()  # as `symbolset generate` does: in-process runs and their encode floor alike
    tune_collector()
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
    total = args.num or (20 if args.quick else 400)
    results = {"unit": f"clips/s, wall clock of fresh `symbolset generate` processes (median of {repeats})", "sizes": {}}
    for size, num in ((256, total), (512, max(total // 4, 10))):
        # Shards of 16 (8 or more for few clips): the steady rate is measured between the first and the last.
        cfg = load_config("default", num=num, width=size, height=size, shard_size=min(16, max(1, num // 8)))
        checkouts = {"this": ROOT, **({"against": Path(args.against).resolve()} if args.against else {})}
        rows, ratios = scaling(cfg, repeats, checkouts)
        row = {"num_clips": num, "num_frames": cfg.num_frames, **rows["this"]}
        if args.against:
            row["against"] = {"checkout": str(checkouts["against"]), **rows["against"]}
        for workers in (1, 2):
            run = row[f"workers_{workers}"]
            run.update({
                "end_to_end_frames_s": round(run["clips_s"] * cfg.num_frames, 1),
                **ratios[workers],
                "core_seconds_per_clip": round(workers / run["steady_clips_s"], 4),
            })  # fmt: skip
        ceilings = [row[f"workers_{w}"]["encode_only_ceiling_clips_s"] for w in (1, 2)]
        row["ceiling_scaling_1_to_2_workers"] = round(ceilings[1] / ceilings[0], 3)
        if args.ray:
            ray_rate = statistics.median(end_to_end(cfg, 2, "ray") for _ in range(repeats))
            row["ray_2_cpus"] = {
                "end_to_end_clips_s": round(ray_rate, 2),
                "ratio_to_local_2_workers": round(ray_rate / row["workers_2"]["clips_s"], 3),
            }
        results["sizes"][f"{size}x{size}"] = row
    # Both sizes fill several 64-row shards, the unit of memory a run holds.
    small, large = (10, 40) if args.quick or total < 200 else (160, 800)
    results["peak_rss_mb"] = {f"{small}_clips": round(peak_rss_mb(small, 256), 1), f"{large}_clips": round(peak_rss_mb(large, 256), 1)}
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
