"""A normal (non-editable) install ships every module, and every command works from it.

The wheel is built from a copy of the sources (a stale in-tree build/ folder cannot leak into it),
installed with ``pip install --no-deps --target DIR`` and run with ``PYTHONPATH=DIR`` from another
folder, so the editable checkout is not what gets imported.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAPPED = {"symbolset": "symbolset", "converters": "symbolset/converters", "viewer": "symbolset/viewer"}

# Run inside the installed copy: import every package, then `--help` of every command and sub-command.
PROBE = r"""
import contextlib, importlib, io, json, pkgutil, sys
import symbolset
from symbolset.cli import build_parser

packages = ["symbolset"] + [m.name for m in pkgutil.walk_packages(symbolset.__path__, "symbolset.") if m.ispkg]
files = {name: importlib.import_module(name).__file__ for name in packages}

def commands(parser, path):
    for action in parser._actions:
        if action.__class__.__name__ == "_SubParsersAction":
            for name, sub in action.choices.items():
                yield path + [name]
                yield from commands(sub, path + [name])

helps = {}
for path in [[]] + list(commands(build_parser(), [])):
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            build_parser().parse_args(path + ["--help"])
            code = None
        except SystemExit as exc:
            code = exc.code
    helps[" ".join(path)] = [code, out.getvalue()[:200]]
print(json.dumps({"files": files, "helps": helps}))
"""


def _source_files(suffixes=(".py",)) -> set[str]:
    """Files of the package trees with these suffixes, as paths inside the installed ``symbolset``."""
    out = set()
    for folder, installed in MAPPED.items():
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in suffixes and "__pycache__" not in path.parts:
                out.add(f"{installed}/{path.relative_to(ROOT / folder).as_posix()}")
    return out


pytestmark = pytest.mark.slow  # end to end: builds the wheel and installs it with pip into a temporary folder


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in ("symbolset", "converters", "viewer"):
        shutil.copytree(ROOT / name, src / name, ignore=ignore)
    for name in ("pyproject.toml", "setup.py", "README.md"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, src / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(pip + ["wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp / "dist"), str(src)], check=True, cwd=tmp)
    wheel = next((tmp / "dist").glob("symbolset-*.whl"))
    target = tmp / "site"
    subprocess.run(pip + ["install", "--no-deps", "--target", str(target), str(wheel)], check=True, cwd=tmp)
    return target


def _run(target: Path, args: list[str]) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(target)}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=target.parent, timeout=300)


def test_wheel_ships_every_module_and_data_file(installed):
    shipped = {p.relative_to(installed).as_posix() for p in (installed / "symbolset").rglob("*") if p.is_file()}
    missing = sorted(_source_files((".py", ".yaml", ".yml", ".json", ".md")) - shipped)
    assert not missing, f"not in the wheel: {missing}"
    assert "symbolset/dataset_card.md" in shipped


def test_installed_copy_imports_every_package_and_every_command_helps(installed):
    proc = _run(installed, ["-c", PROBE])
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    for name, file in result["files"].items():
        assert Path(file).is_relative_to(installed), f"{name} imported from {file}, not from the installed copy"
    expected = {p.removesuffix("/__init__.py").replace("/", ".") for p in _source_files() if p.endswith("/__init__.py")}
    assert set(result["files"]) == expected
    helps = result["helps"]
    for command in ("generate", "validate", "render", "publish", "convert", "view", "bench", "bench run", "reviews"):
        assert command in helps, f"`symbolset {command}` missing from the installed CLI: {sorted(helps)}"
    bad = {cmd: out for cmd, (code, out) in helps.items() if code != 0}
    assert not bad, bad


def test_installed_console_script_runs(installed):
    script = installed / "bin" / "symbolset"
    proc = _run(installed, [str(script), "--help"])
    assert proc.returncode == 0, proc.stderr[-2000:]
    for command in ("generate", "convert", "view", "bench"):
        assert command in proc.stdout
