"""Generation configs: the built-in ones (``default``, ``tiny``, ``release``) and YAML files."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import codec
from .errors import SymbolSetError
from .families import COMPOSITE, FAMILY_NAMES, SCENE_PREFIX, get
from .fontpack import require_pool
from .spec import LIMITS

# The stage (OpenCV) and the scene templates (the renderer) are imported by the functions that need
# them: readers and converters import this module for ``Config`` alone.


@dataclass(frozen=True)
class Config:
    """What to generate. ``num`` is the total number of clips, spread evenly over ``families``."""

    name: str = "default"
    families: tuple[str, ...] = FAMILY_NAMES
    num: int = 100
    seed: int = 0
    width: int = 256
    height: int = 256
    num_frames: int = 16
    fps: float = 8.0
    codec: str = codec.DEFAULT_CODEC
    shard_size: int = 64
    options: dict = field(default_factory=dict)  # family options, e.g. {"seven_segment": {"readings_csv": ...}}
    scenes: dict = field(default_factory=dict)  # scene templates (name -> template data) for "scene:<name>" families
    style: str | dict = "flat"  # flat | real | mixed, or {family: style, "default": style} (stage.py)
    font_pool: str = "pip"  # faces the real style may use: pip (wheels only) | full (+ the Debian font pack)
    real_codec: str | None = None  # codec of real-style clips; unset: codec.for_real(codec) (h264 -> h264-real)
    occluders: float = 0.3  # share of real clips with something passing in front (stage_occlude.py)
    composite: float = 0.0  # share of ``num`` planned as composite scenes (families/composite.py), on top of ``families``

    def __post_init__(self) -> None:
        # A config with real clips states their codec, so that it reads back from a manifest as the same config.
        styles = self.style.values() if isinstance(self.style, dict) else [self.style]
        if self.real_codec is None and any(v != "flat" for v in styles):
            object.__setattr__(self, "real_codec", codec.for_real(self.codec))

    def params(self, family: str) -> dict:
        """The sampler parameters of one family (a scene family's carry its template, so any worker
        process, local or remote, can sample it)."""
        from .stage import style_for

        params = {"width": self.width, "height": self.height, "num_frames": self.num_frames, "fps": self.fps,
                  "codec": self.codec, "options": dict(self.options.get(family, {}))}  # fmt: skip
        if family.startswith(SCENE_PREFIX) and family[len(SCENE_PREFIX):] in self.scenes:
            params["template"] = self.scenes[family[len(SCENE_PREFIX):]]
        if style_for({"style": self.style}, family) != "flat" or family == COMPOSITE:  # flat configs keep the params (and bytes) they had
            params.update(style=self.style, font_pool=self.font_pool, occluders=self.occluders, real_codec=self.clip_codec_real)
        return params

    @property
    def clip_codec_real(self) -> str:
        """The codec of this config's real-style clips."""
        return self.real_codec or codec.for_real(self.codec)

    def planned(self) -> tuple[str, ...]:
        """The families the plan draws from: ``families``, plus ``composite`` when a share is set."""
        return self.families + ((COMPOSITE,) if self.composite else ())

    def to_dict(self) -> dict:
        """Plain data (for the manifest and resume checks)."""
        d = dataclasses.asdict(self)
        d["families"] = list(self.families)
        if not self.scenes:  # configs without scene templates read as they did before templates existed
            del d["scenes"]
        if self.real_codec is None:  # set for every config with real clips (see __post_init__): the manifest and card state it
            del d["real_codec"]
        if self.style == "flat" and self.font_pool == "pip":  # likewise for configs without the real style
            del d["style"], d["font_pool"], d["occluders"]
        if not self.composite:  # and without composite scenes
            del d["composite"]
        return d

    def resuming(self, saved: dict | None) -> tuple[Config | None, str | None]:
        """The config an unfinished run whose state saved config ``saved`` continues with, and a note
        for the user: (self, None) when they agree; when ``saved`` lacks only fields added after it
        started, or holds a field's former default, and this config leaves those fields at their
        defaults (or sets them as the run had them), this config with those fields as the run had them
        (a missing ``real_codec``: the run's own ``codec``, as real clips were encoded before the field
        existed; ``real_codec: h264-veryfast``: kept), so its remaining shards match the ones written;
        else (None, a line naming the field)."""
        mine = self.to_dict()
        if saved == mine or not isinstance(saved, dict):
            return (self, None) if saved == mine else (None, None)
        missing = sorted(k for k in set(mine) - set(saved) if k in _PREDATING)
        former = sorted(k for k, (default, was) in _FORMER_DEFAULTS.items()
                        if k in saved and saved[k] != mine.get(k) and getattr(self, k) == default(self) and saved[k] in was(self))  # fmt: skip
        differing = sorted(k for k in set(mine) | set(saved) if mine.get(k) != saved.get(k) and k not in missing + former)
        if not (missing or former) or differing:
            return None, (f"it differs in {', '.join(differing)}" if differing and len(differing) <= 3 else None)
        for k in missing:
            default, before = _PREDATING[k]
            if getattr(self, k) not in (default(self), before(self)):
                return None, f"it was started before {k} existed (as {k}: {before(self)}); set {k}: {before(self)} in its config file to resume it"
        then = dataclasses.replace(self, **{k: _PREDATING[k][1](self) for k in missing}, **{k: saved[k] for k in former})
        notes = [f"resuming a run started before {', '.join(missing)} existed: " + ", ".join(f"{k} {getattr(then, k)}" for k in missing)] if missing else []
        notes += [f"resuming a run started when {k} defaulted to {saved[k]} (now {mine[k]}): {k} {saved[k]}" for k in former]
        return then, "; ".join(notes)


def _real_codec_default(cfg: Config) -> str:
    return codec.for_real(cfg.codec)


# Fields added after runs that predate them may have started: field -> (its default for a config, the
# value that reproduces what runs before it did). Before real_codec, real clips used the dataset's codec.
_PREDATING = {"real_codec": (_real_codec_default, lambda cfg: cfg.codec)}
# Fields whose default changed after runs may have started with an earlier one: field -> (its default
# for a config, the earlier defaults). A run saved with an earlier default resumes with it.
_FORMER_DEFAULTS = {"real_codec": (_real_codec_default, lambda cfg: codec.FORMER_FOR_REAL.get(cfg.codec, ()))}


BUILTIN = {
    "default": Config(),
    # mixed signage: its validation clip is real (seed 0: a hand passes in front of the sign) and two
    # are vertical; the test split, which the benchmark's checks read, keeps flat clips
    "tiny": Config(name="tiny", num=3 * len(FAMILY_NAMES), width=128, height=128, num_frames=12, fps=8.0, shard_size=100,
                   style={"default": "flat", "signage": "mixed"}, options={"signage": {"vertical": 0.5}}),
    "release": Config(name="release", num=100_000, width=512, height=512, num_frames=32, fps=16.0, shard_size=500, style="mixed", font_pool="full", composite=0.25),
}


def _check(cfg: Config, source: str) -> Config:
    from .families.scene import unknown_scene
    from .stage import STYLES

    def bad(fieldname, problem):
        raise SymbolSetError(f"{source}: {fieldname}: {problem}")

    if not cfg.families:
        bad("families", "must name at least one family")
    for fam in cfg.families:
        try:
            get(fam)
        except SymbolSetError as exc:
            bad("families", str(exc))
    for name, lo, hi in (("num", 1, 10_000_000), ("width", 32, 4096), ("height", 32, 4096), ("num_frames", 1, 10_000), ("shard_size", 1, 100_000)):
        v = getattr(cfg, name)
        if not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
            bad(name, f"expected an integer {lo}..{hi}, got {v!r}")
    if cfg.width % 2 or cfg.height % 2:
        bad("width" if cfg.width % 2 else "height", "must be even (H.264 yuv420p needs even sizes)")
    if not isinstance(cfg.fps, (int, float)) or not 0 < cfg.fps <= 240:
        bad("fps", f"expected a number in (0, 240], got {cfg.fps!r}")
    if cfg.width * cfg.height * cfg.num_frames > LIMITS["pixel_frames"]:  # every spec would be refused
        bad("num_frames", f"width x height x num_frames is {cfg.width * cfg.height * cfg.num_frames:,}, over a clip's limit of {LIMITS['pixel_frames']:,}")
    if not isinstance(cfg.seed, int) or cfg.seed < 0:
        bad("seed", f"expected a non-negative integer, got {cfg.seed!r}")
    if cfg.codec not in codec.CODECS:
        bad("codec", f"expected one of {', '.join(codec.CODECS)}, got {cfg.codec!r}")
    if cfg.real_codec is not None and cfg.real_codec not in codec.CODECS:
        bad("real_codec", f"expected one of {', '.join(codec.CODECS)}, got {cfg.real_codec!r}")
    if not isinstance(cfg.options, dict):
        bad("options", "expected a mapping of family -> options")
    for fam in cfg.families:
        if fam.startswith(SCENE_PREFIX) and fam[len(SCENE_PREFIX):] not in cfg.scenes:
            bad("families", unknown_scene(fam))
    styles = cfg.style.values() if isinstance(cfg.style, dict) else [cfg.style]
    if not isinstance(cfg.style, (str, dict)) or any(v not in STYLES for v in styles):
        bad("style", f"expected one of {', '.join(STYLES)} or a mapping of family -> style, got {cfg.style!r}")
    if not isinstance(cfg.occluders, (int, float)) or isinstance(cfg.occluders, bool) or not 0 <= cfg.occluders <= 1:
        bad("occluders", f"expected a share in [0, 1], got {cfg.occluders!r}")
    if not isinstance(cfg.composite, (int, float)) or isinstance(cfg.composite, bool) or not 0 <= cfg.composite < 1:
        bad("composite", f"expected a share in [0, 1), got {cfg.composite!r}")
    if cfg.composite and COMPOSITE in cfg.families:
        bad("composite", f"a share of composite scenes and the family {COMPOSITE!r} in families: give one of them")
    if cfg.composite or COMPOSITE in cfg.families:
        from .families.composite import MIN_SIDE

        if min(cfg.width, cfg.height) < MIN_SIDE:
            bad("composite", f"composite scenes need a canvas of at least {MIN_SIDE}x{MIN_SIDE} px, got {cfg.width}x{cfg.height}")
    if any(v != "flat" for v in styles) or cfg.composite or COMPOSITE in cfg.families:  # composite scenes are always real
        try:
            require_pool(cfg.font_pool, "font_pool")
        except SymbolSetError as exc:
            bad("font_pool", str(exc).removeprefix("font_pool: "))
    return cfg


_SIZE = re.compile(r"(\d+)(?:[xX](\d+))?")


def parse_size(text: str) -> dict:
    """``"N"`` or ``"WxH"`` (e.g. ``"512"``, ``"640x360"``) -> ``{"width", "height"}``; anything
    else (``"64x"``, ``"x64"``, ``"64x64x3"``, ``"-64"``) is a :class:`SymbolSetError`."""
    match = _SIZE.fullmatch(text.strip())
    if not match:
        raise SymbolSetError(f"--size: expected WIDTHxHEIGHT or N (e.g. 512x288 or 256), got {text!r}")
    width = int(match.group(1))
    return {"width": width, "height": int(match.group(2) or width)}


def load_config(name_or_path: str | None = None, **overrides) -> Config:
    """A built-in config by name, or a YAML file, with non-None ``overrides`` applied."""
    source = name_or_path or "default"
    if source in BUILTIN:
        base = dataclasses.asdict(BUILTIN[source])
    else:
        path = Path(source)
        if not path.is_file():
            raise SymbolSetError(f"{source}: no such config (built-in: {', '.join(BUILTIN)}; or a YAML file)")
        import yaml  # here: a built-in config needs no YAML parser (~15 ms to import)

        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise SymbolSetError(f"{source}: not valid YAML ({str(exc).splitlines()[0]})") from None
        if not isinstance(data, dict):
            raise SymbolSetError(f"{source}: expected a mapping of config fields")
        unknown = set(data) - {f.name for f in dataclasses.fields(Config)}
        if unknown:
            raise SymbolSetError(f"{source}: unknown field {sorted(unknown)[0]!r}")
        base = {**dataclasses.asdict(Config()), **data}
        base.setdefault("name", path.stem)
    base.update({k: v for k, v in overrides.items() if v is not None})
    if isinstance(base.get("scenes"), (str, Path)):  # a template file or folder (relative to a YAML config)
        scenes_path = Path(base["scenes"])
        if "scenes" not in overrides and source not in BUILTIN and not scenes_path.is_absolute():
            scenes_path = Path(source).parent / scenes_path
        from .families.scene import load_scenes

        base["scenes"] = load_scenes(scenes_path)
        if overrides.get("families") is None and "families" not in (data if source not in BUILTIN else {}):
            base["families"] = [SCENE_PREFIX + name for name in base["scenes"]]
    if not isinstance(base.get("scenes"), dict):
        raise SymbolSetError(f"{source}: scenes: expected a template file or folder")
    if isinstance(base.get("families"), str):
        base["families"] = [f.strip() for f in base["families"].split(",") if f.strip()]
    if not isinstance(base.get("families"), (list, tuple)):
        raise SymbolSetError(f"{source}: families: expected a list of family names")
    base["families"] = tuple(base["families"])
    for fam in base["families"]:  # shipped templates used by name travel in the config like the others
        if fam.startswith(SCENE_PREFIX) and fam[len(SCENE_PREFIX):] not in base["scenes"] and get(fam).template:
            base["scenes"] = {**base["scenes"], fam[len(SCENE_PREFIX):]: get(fam).template}
    try:
        cfg = Config(**base)
    except TypeError as exc:
        raise SymbolSetError(f"{source}: {exc}") from None
    return _check(cfg, f"config {source!r}" if source in BUILTIN else source)
