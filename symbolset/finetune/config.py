"""The config of ``symbolset finetune`` (YAML): four sections, every field checked.

    model:    kind (cogvideox | wan | sd | scratch), pretrained (a diffusers folder or a Hub id
              already in the local cache), lora rank/alpha/targets
    data:     source, split, families, difficulty, captions (the caption policy), frames, size,
              fps, fit (pad | crop | stretch), workers
    train:    steps, batch_size, grad_accum, lr, warmup, mixed_precision, gradient_checkpointing,
              checkpoint_every, keep_checkpoints, seed, max_grad_norm
    generate: steps, guidance, frames, size, fps, samples, caption, seed (for ``symbolset sample``
              and ``symbolset ablate``)
    output:   the run folder (checkpoints/, lora/ or model/, config.yaml, log.jsonl)

A wrong field gives one line naming the file and the field (``run.yaml: train.lr: expected a
number, got 'fast'``). Defaults depend on the model kind (see ``KIND_DEFAULTS``).
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import SymbolSetError

KINDS = ("cogvideox", "wan", "sd", "scratch")
FITS = ("pad", "crop", "stretch")
PRECISIONS = ("no", "fp16", "bf16")

# Per kind: the model's native frame count / size / fps and the caption policy (see docs/finetuning.md).
KIND_DEFAULTS: dict[str, dict] = {
    "cogvideox": {"data": {"frames": 49, "height": 480, "width": 720, "fps": 8.0, "captions": {"en.short": 1, "en.detailed": 2, "en.temporal": 1}},
                  "generate": {"steps": 50, "guidance": 6.0}},
    "wan": {"data": {"frames": 81, "height": 480, "width": 832, "fps": 16.0,
                     "captions": {"en.short": 1, "en.detailed": 2, "en.temporal": 1, "zh.short": 0.5, "zh.detailed": 1, "zh.temporal": 0.5}},
            "generate": {"steps": 50, "guidance": 5.0}},
    "sd": {"data": {"frames": 1, "height": 512, "width": 512, "fps": None, "captions": {"en.detailed": 1}}, "generate": {"steps": 50, "guidance": 7.5}},
    "scratch": {"data": {"frames": 8, "height": 64, "width": 64, "fps": None, "captions": {"en.short": 1, "en.detailed": 1, "en.temporal": 1}},
                "generate": {"steps": 1, "guidance": 1.0}},
}  # fmt: skip


@dataclass
class ModelConfig:
    kind: str = ""
    pretrained: str = ""
    revision: str | None = None
    lora_rank: int = 64
    lora_alpha: int = 64
    lora_targets: list = field(default_factory=lambda: ["to_q", "to_k", "to_v", "to_out.0"])
    allow_download: bool = False  # never download weights unless the user says so


@dataclass
class DataConfig:
    source: str = "tiny"
    split: str = "train"
    families: list | None = None
    difficulty: list | None = None
    captions: dict | str | None = None
    frames: int | None = None
    height: int | None = None
    width: int | None = None
    fps: float | None = None
    stride: int = 1
    fit: str = "pad"
    workers: int = 2


@dataclass
class TrainConfig:
    steps: int = 1000
    batch_size: int = 1
    grad_accum: int = 1
    lr: float = 1e-4
    warmup: int = 0
    mixed_precision: str = "bf16"
    gradient_checkpointing: bool = False
    checkpoint_every: int = 250
    keep_checkpoints: int = 2
    seed: int = 0
    max_grad_norm: float = 1.0
    weight_decay: float = 1e-4


@dataclass
class GenerateConfig:
    steps: int | None = None
    guidance: float | None = None
    frames: int | None = None
    height: int | None = None
    width: int | None = None
    fps: float | None = None
    samples: int = 1
    caption: str = "en.detailed"
    seed: int = 0


@dataclass
class FinetuneConfig:
    model: ModelConfig
    data: DataConfig
    train: TrainConfig
    generate: GenerateConfig
    output: str
    source: str = "<config>"

    def to_dict(self) -> dict:
        """Plain data (what is written to the run's config.yaml)."""
        d = dataclasses.asdict(self)
        d.pop("source")
        return d


_SECTIONS = {"model": ModelConfig, "data": DataConfig, "train": TrainConfig, "generate": GenerateConfig}


def _bad(where: str, name: str, problem: str):
    raise SymbolSetError(f"{where}: {name}: {problem}")


def _check_value(where: str, name: str, value, annotation: str):
    """Type-check one field against its annotation (a string, since annotations are postponed)."""
    if value is None:
        if "None" in annotation:
            return None
        _bad(where, name, "must be given")
    if annotation.startswith("int"):
        if isinstance(value, bool) or not isinstance(value, int):
            _bad(where, name, f"expected an integer, got {value!r}")
    elif annotation.startswith("float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            _bad(where, name, f"expected a number, got {value!r}")
        value = float(value)
    elif annotation.startswith("bool"):
        if not isinstance(value, bool):
            _bad(where, name, f"expected true or false, got {value!r}")
    elif annotation.startswith("str") and not isinstance(value, str):
        _bad(where, name, f"expected a string, got {value!r}")
    elif annotation.startswith("list") and not isinstance(value, list):
        _bad(where, name, f"expected a list, got {value!r}")
    return value


def _section(raw: Any, cls, where: str, prefix: str):
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        _bad(where, prefix, "expected a mapping")
    known = {f.name: f for f in dataclasses.fields(cls)}
    for key in raw:
        if key not in known:
            _bad(where, f"{prefix}.{key}", f"unknown field (known: {', '.join(known)})")
    values = {}
    for name, f in known.items():
        default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        values[name] = _check_value(where, f"{prefix}.{name}", raw.get(name, default), str(f.type))
    return cls(**values)


def deep_merge(base: dict, override: dict) -> dict:
    """``base`` with ``override`` merged in (mappings recursively; other values replaced)."""
    out = copy.deepcopy(base)
    for key, value in (override or {}).items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and key != "captions":
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def from_dict(raw: Any, where: str = "<config>") -> FinetuneConfig:
    """A checked :class:`FinetuneConfig` from plain data (relative paths are relative to the working folder)."""
    if not isinstance(raw, dict):
        raise SymbolSetError(f"{where}: expected a mapping with the sections model, data, train, generate, output")
    for key in raw:
        if key not in (*_SECTIONS, "output"):
            _bad(where, key, f"unknown section (known: {', '.join(_SECTIONS)}, output)")
    kind = (raw.get("model") or {}).get("kind") if isinstance(raw.get("model"), dict) else None
    if kind not in KINDS:
        _bad(where, "model.kind", f"expected one of {', '.join(KINDS)}, got {kind!r}")
    raw = deep_merge(KIND_DEFAULTS[kind], {k: v for k, v in raw.items()})
    parts = {name: _section(raw.get(name), cls, where, name) for name, cls in _SECTIONS.items()}
    output = raw.get("output")
    if not isinstance(output, str) or not output:
        _bad(where, "output", "expected the run folder (a path)")
    cfg = FinetuneConfig(**parts, output=output, source=where)
    _check(cfg, where)
    return cfg


def _check(cfg: FinetuneConfig, where: str) -> None:
    from .data import caption_weights

    m, d, t, g = cfg.model, cfg.data, cfg.train, cfg.generate
    if m.kind != "scratch" and not m.pretrained:
        _bad(where, "model.pretrained", "give a diffusers model folder or a Hub id (see docs/finetuning.md)")
    for name, value, lo in (("model.lora_rank", m.lora_rank, 1), ("model.lora_alpha", m.lora_alpha, 1), ("data.frames", d.frames, 1),
                            ("data.height", d.height, 8), ("data.width", d.width, 8), ("data.stride", d.stride, 1), ("data.workers", d.workers, 0),
                            ("train.steps", t.steps, 1), ("train.batch_size", t.batch_size, 1), ("train.grad_accum", t.grad_accum, 1),
                            ("train.warmup", t.warmup, 0), ("train.checkpoint_every", t.checkpoint_every, 1), ("train.keep_checkpoints", t.keep_checkpoints, 1),
                            ("generate.samples", g.samples, 1), ("generate.frames", g.frames, 1), ("generate.steps", g.steps, 1)):  # fmt: skip
        if value is not None and value < lo:
            _bad(where, name, f"expected >= {lo}, got {value}")
    for name, h, w in (("data", d.height, d.width), ("generate", g.height, g.width)):
        if (h or 8) % 8 or (w or 8) % 8:
            _bad(where, f"{name}.height/width", f"must be multiples of 8 (the VAE's scale), got {h}x{w}")
    if d.fit not in FITS:
        _bad(where, "data.fit", f"expected one of {', '.join(FITS)}, got {d.fit!r}")
    if t.mixed_precision not in PRECISIONS:
        _bad(where, "train.mixed_precision", f"expected one of {', '.join(PRECISIONS)}, got {t.mixed_precision!r}")
    if not t.lr > 0:
        _bad(where, "train.lr", f"expected a positive number, got {t.lr}")
    for name, frames in (("data.frames", d.frames), ("generate.frames", g.frames)):
        if m.kind in ("cogvideox", "wan") and frames is not None and (frames - 1) % 4:
            _bad(where, name, f"{m.kind} needs 4k+1 frames (its VAE compresses time by 4), got {frames}")
    try:
        caption_weights(d.captions)
    except SymbolSetError as exc:
        _bad(where, "data.captions", str(exc))


def read_yaml(path: Path):
    """A YAML file's data; one line naming the file when it cannot be read or parsed."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SymbolSetError(f"{path}: cannot read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise SymbolSetError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None


def load(path: str | Path, **overrides) -> FinetuneConfig:
    """Read and check a YAML config; ``overrides`` (section -> fields) are merged in first."""
    path = Path(path)
    raw = read_yaml(path)
    if isinstance(raw, dict) and overrides:
        raw = deep_merge(raw, overrides)
    return from_dict(raw, str(path))
