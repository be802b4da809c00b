"""What a whole fresh `symbolset generate` process costs, this checkout beside another, run by run.

Each run is a new process (interpreter start, imports, planning, clips, shards, thumbnails, manifest
and card included), as a user runs it; the checkouts alternate (ABBA...), so both see the same
machine. Prints JSON: per checkout the medians of user and system CPU seconds, wall seconds, minor
page faults and peak resident memory (from ``wait4``), each run's CPU, and this checkout's ratios to
the other's. 1 worker: the process's own usage is the whole run's.

    python benchmarks/generate_fresh.py --against /work/main [--num 200] [--repeats 5] [-- --size 512]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # this checkout


def fresh_run(checkout: Path, num: int, extra: list[str], out: Path) -> dict:
    """One ``symbolset generate default`` of ``checkout`` into ``out`` in a new process: its rusage and wall time."""
    shutil.rmtree(out, ignore_errors=True)
    # As installed: pip compiles a package's bytecode, so a shell's PYTHONDONTWRITEBYTECODE would only add recompiling.
    env = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "PYTHONPATH": str(checkout)}
    argv = [sys.executable, "-m", "symbolset.cli", "generate", "default", "--num", str(num), "--out", str(out), "--quiet", *extra]
    start = time.perf_counter()
    # In the checkout's folder: `python -m` puts the working folder first on sys.path, before PYTHONPATH.
    proc = subprocess.Popen(argv, cwd=checkout, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = status
    if status:
        raise SystemExit(f"{checkout}: symbolset generate failed (wait status {status})")
    return {"user_s": usage.ru_utime, "sys_s": usage.ru_stime, "cpu_s": usage.ru_utime + usage.ru_stime, "wall_s": wall,
            "minor_faults": usage.ru_minflt, "peak_rss_mb": usage.ru_maxrss / 1024}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--against", required=True, metavar="CHECKOUT", help="the other checkout, e.g. /work/main")
    parser.add_argument("--num", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("extra", nargs="*", help="more `generate` options, after --")
    args = parser.parse_args()
    checkouts = {"this": ROOT, "against": Path(args.against).resolve()}
    runs: dict[str, list[dict]] = {name: [] for name in checkouts}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.repeats):
            for name in list(checkouts)[:: 1 if r % 2 == 0 else -1]:
                runs[name].append(fresh_run(checkouts[name], args.num, args.extra, Path(tmp) / name))
    med = {name: {k: statistics.median(run[k] for run in rs) for k in rs[0]} for name, rs in runs.items()}
    result = {
        "unit": f"one fresh `symbolset generate default --num {args.num} {' '.join(args.extra)}` process, 1 worker (median of {args.repeats})",
        **{
            name: {
                "checkout": str(checkouts[name]),
                **{k: round(v, 3) for k, v in med[name].items()},
                "cpu_s_each": [round(run["cpu_s"], 2) for run in runs[name]],
            }
            for name in checkouts
        },  # fmt: skip
        "ratio_this_to_against": {
            k: round(med["this"][k] / med["against"][k], 3) for k in ("cpu_s", "user_s", "sys_s", "wall_s", "minor_faults")
        },
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
