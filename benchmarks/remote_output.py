"""What writing to an object store costs: ``generate`` into a local folder beside the same run into
``s3://`` (a moto S3 server on 127.0.0.1 in its own process, so its CPU is not counted here).

Prints JSON: medians over ``--repeats`` alternating runs of wall seconds and this process's CPU
seconds per clip for each target, and their ratios (s3 / local). The S3 run's extra work is the
shard's scratch write + PUT, the digest objects, listing and footer reads for resume, the lock and
the final uploads; a real bucket adds network latency that a loopback server does not have.

    python benchmarks/remote_output.py [--num 100] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

from symbolset.build import generate
from symbolset.config import load_config


def _server() -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, endpoint
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                raise SystemExit("moto server did not start") from None
            time.sleep(0.2)


def _timed(cfg, out) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    generate(cfg, out, progress=False)
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--num", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    proc, endpoint = _server()
    os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1",
                       "AWS_EC2_METADATA_DISABLED": "true", "AWS_ENDPOINT_URL": endpoint})  # fmt: skip
    try:
        import s3fs

        s3fs.S3FileSystem().mkdir("symbolset-bench")
        cfg = load_config("default", num=args.num)
        _timed(load_config("default", num=len(cfg.families)), f"s3://symbolset-bench/{uuid.uuid4().hex}")  # warm-up: imports, fonts
        runs = {"local": [], "s3": []}
        with tempfile.TemporaryDirectory() as tmp:
            for r in range(args.repeats):
                runs["local"].append(_timed(cfg, os.path.join(tmp, f"ds{r}")))
                runs["s3"].append(_timed(cfg, f"s3://symbolset-bench/{uuid.uuid4().hex}/ds"))
    finally:
        proc.terminate()
        proc.wait()
    med = {k: {"wall_s_per_clip": statistics.median(w for w, _ in v) / args.num, "cpu_s_per_clip": statistics.median(c for _, c in v) / args.num}
           for k, v in runs.items()}  # fmt: skip
    print(json.dumps({"clips": args.num, "repeats": args.repeats, **med,
                      "ratio_wall_s3_to_local": med["s3"]["wall_s_per_clip"] / med["local"]["wall_s_per_clip"],
                      "ratio_cpu_s3_to_local": med["s3"]["cpu_s_per_clip"] / med["local"]["cpu_s_per_clip"]}, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
