"""The training example runs a short version on CPU with two DataLoader workers, and its loss falls."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "examples" / "train_tiny.py"


@pytest.mark.slow  # end to end: 80 training steps of the example in a subprocess
def test_train_tiny_loss_decreases(tmp_path):
    proc = subprocess.run([sys.executable, str(SCRIPT), "--steps", "80", "--log-every", "10", "--workers", "2"],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.strip().splitlines()
    assert any(line.startswith("step 10 loss") for line in lines)
    summary = json.loads(lines[-1])
    assert summary["steps"] == 80 and 100_000 < summary["params"] < 1_000_000
    assert summary["final_loss"] < 0.7 * summary["first_loss"], summary
