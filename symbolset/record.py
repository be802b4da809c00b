"""The sample record: one row per clip. Its HF Features and Arrow schema are defined here, once.

``make_record(task, params)`` is the whole pipeline for one sample: sample the spec from the
sample's seed, render, encode, caption, annotate. Everything in the row derives from the spec.
"""

from __future__ import annotations

import functools
import json
import zlib

import numpy as np
import pyarrow as pa

from . import __version__, codec
from .layout import record_checksum
from .spec import to_json, validate

# The families, the renderer and the stage (OpenCV, Pillow, fonts) are imported by the functions that
# make rows, not here: readers (converters, the viewer, loaders) import this module for its schema.

DIFFICULTY_FIELDS = ("level", "num_elements", "text_length", "script", "glyph_height_px", "motion_speed", "stroke_width")

# The one definition of a row (ROW), as plain data: a string names a scalar type ("video" is the HF Video
# feature), a dict a struct, ``[x]`` a list of x, ``(x, n)`` a list of exactly n x. The Arrow schema and
# the HF features metadata are both derived from it here, with pyarrow alone: importing `datasets` costs
# one to several seconds, and generation workers, which only build rows, never need it.
_BOX = ("float32", 4)
_CAPTIONS = {g: "string" for g in ("short", "detailed", "temporal")}
_DIFFICULTY = {
    "level": "string",  # easy | medium | hard, from the labels below
    "num_elements": "int32",
    "text_length": "int32",
    "script": "string",  # latin | han | digits | mixed | none
    "glyph_height_px": "float32",
    "motion_speed": "float32",  # the family's unit: px/s, characters/s, counts/s, degrees/s
    "stroke_width": "float32",
}
ROW = {
    "id": "string", "family": "string", "split": "string", "seed": "int64", "spec": "string",
    "video": "video", "codec": "string", "num_frames": "int32", "fps": "float32", "width": "int32", "height": "int32",
    "caption": "string", "captions": {"en": _CAPTIONS, "zh": _CAPTIONS}, "caption_source": "string",
    "annotations": [
        {
            "frame": "int32",
            "time": "float32",
            "texts": [{"element": "string", "string": "string", "box": _BOX, "chars": ["string"], "char_boxes": [_BOX]}],
            "shapes": [{"element": "string", "type": "string", "params": "string"}],
        }
    ],
    "difficulty": _DIFFICULTY,
    "generator_version": "string",
    "checksum": "string",  # layout.record_checksum(video bytes, spec)
}  # fmt: skip


def _arrow_type(d) -> pa.DataType:
    if d == "video":
        return pa.struct({"bytes": pa.binary(), "path": pa.string()})
    if isinstance(d, str):
        return pa.type_for_alias(d)
    if isinstance(d, dict):
        return pa.struct({k: _arrow_type(v) for k, v in d.items()})
    return pa.list_(_arrow_type(d[0]), d[1]) if isinstance(d, tuple) else pa.list_(_arrow_type(d[0]))


def _hf_json(d) -> dict:
    """The HF features JSON of a description, key for key what ``datasets.Features.to_dict`` writes."""
    if d == "video":
        return {"_type": "Video"}
    if isinstance(d, str):
        return {"dtype": d, "_type": "Value"}
    if isinstance(d, dict):
        return {k: _hf_json(v) for k, v in d.items()}
    return {"feature": _hf_json(d[0]), **({"length": d[1]} if isinstance(d, tuple) else {}), "_type": "List"}


SCHEMA = pa.schema(
    {k: _arrow_type(v) for k, v in ROW.items()}, metadata={"huggingface": json.dumps({"info": {"features": _hf_json(ROW)}})}
)
COLUMNS = tuple(ROW)


@functools.cache
def _features():
    import datasets

    return datasets.Features.from_dict(_hf_json(ROW))


def __getattr__(name: str):
    """``FEATURES`` (HF Features, built on first use: it imports `datasets`) and ``DIFFICULTY`` (its
    difficulty struct); ``SCHEMA`` (Arrow) and ``COLUMNS`` are plain module attributes."""
    if name == "FEATURES":
        return _features()
    if name == "DIFFICULTY":
        return _features()["difficulty"]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def sample_seed(global_seed: int, family: str, index: int) -> int:
    """The seed of sample ``index`` of ``family`` (a 63-bit int), independent of every other sample."""
    state = np.random.SeedSequence([global_seed, zlib.crc32(family.encode()), index]).generate_state(1, np.uint64)[0]
    return int(state >> np.uint64(1))


def sample_spec(family: str, seed: int, params: dict) -> dict:
    """The validated spec of one sample: a pure function of (family, seed, params)."""
    from . import families, stage

    spec = validate(families.get(family, params.get("template")).sample(np.random.default_rng(seed), params))
    return stage.stylize(spec, seed, params) if params.get("style", "flat") != "flat" else spec


def caption_rng(seed: int) -> np.random.Generator:
    """The generator that picks caption phrasings (independent of the one that drew the spec)."""
    return np.random.default_rng([seed, 1])


def difficulty(spec: dict, annotations: list[dict], family_labels: dict) -> dict:
    """All difficulty labels: the family's, completed with defaults and an overall level."""
    labels = {"num_elements": len(spec["elements"]), "text_length": 0, "script": "none", "glyph_height_px": 0.0, "motion_speed": 0.0, "stroke_width": 0.0}
    labels.update(family_labels)
    score = 0
    score += labels["text_length"] > 12
    score += 0 < labels["glyph_height_px"] < 16
    score += labels["num_elements"] > 12
    score += 0 < labels["stroke_width"] <= 2
    score += labels["script"] == "mixed"
    labels["level"] = "easy" if score == 0 else "medium" if score == 1 else "hard"
    return {k: labels[k] for k in DIFFICULTY_FIELDS}


# json.dumps(params, sort_keys=True, separators=(",", ":")), without building an encoder per call
_PARAMS_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode


def _polyline_json(params: dict, vertices: dict[int, str]) -> str | None:
    """``_PARAMS_JSON`` of a polyline's ``{"points", "width"}``, each ``[x, y]`` vertex list written once
    per record (``vertices``, by id): a curve drawn on over many frames repeats the same vertex lists.
    None when a coordinate is not a finite float (JSON writes those otherwise than ``repr``)."""
    points = params["points"]
    parts = list(map(vertices.get, map(id, points)))  # in C: most vertices were written for an earlier frame
    for k in [k for k, text in enumerate(parts) if text is None]:  # the new ones (often only a curve's growing end)
        x, y = points[k]
        if type(x) is not float or type(y) is not float:
            return None
        parts[k] = vertices[id(points[k])] = f"[{x!r},{y!r}]"
        if "n" in parts[k]:  # inf or nan
            return None
    return '{"points":[' + ",".join(parts) + '],"width":' + _PARAMS_JSON(params["width"]) + "}"


def annotations_for_record(annotations: list[dict]) -> list[dict]:
    """Renderer annotations in the record's layout (shape parameters as JSON text)."""
    # The shape of an element that did not change (a static one, every shape of a repeated frame) is
    # one dict shared by many frames: it is serialised once. The annotations keep every such dict
    # alive, so ids are unique.
    done: dict[int, dict] = {}
    vertices: dict[int, str] = {}
    out = []
    for a in annotations:
        shapes = []
        for s in a["shapes"]:
            row = done.get(id(s))
            if row is None:
                params = s["params"]
                text = _polyline_json(params, vertices) if s["type"] == "polyline" and params.keys() == {"points", "width"} else None
                row = done[id(s)] = {"element": s["element"], "type": s["type"], "params": text or _PARAMS_JSON(params)}
            shapes.append(row)
        out.append({"frame": a["frame"], "time": a["time"], "texts": a["texts"], "shapes": shapes})
    return out


def build_record(spec: dict, *, sample_id: str, split: str, seed: int, codec_name: str | None = None) -> dict:
    """Render, encode, caption and annotate a spec into one row (a dict with every column).

    ``codec_name`` defaults to what a default config gives the clip (:func:`clip_codec`)."""
    from . import families, stage
    from .render import render_clip, reuse

    codec_name = codec_name or clip_codec(spec, {})
    fam = families.get(spec["family"])
    with reuse():  # claims that measure the card's frames get the ones drawn here
        frames, annotations = render_clip(spec)
        caps = fam.captions(stage.card(spec), caption_rng(seed))  # the family describes the card
    caps = stage.add_captions(spec, caps, annotations)
    spec_json = to_json(spec)
    video = codec.encode(frames, spec["fps"], codec_name)
    return {
        "id": sample_id,
        "family": spec["family"],
        "split": split,
        "seed": int(seed),
        "spec": spec_json,
        "video": {"bytes": video, "path": f"{sample_id}.{codec.EXTENSIONS[codec_name]}"},
        "codec": codec_name,
        "num_frames": spec["num_frames"],
        "fps": float(spec["fps"]),
        "width": spec["width"],
        "height": spec["height"],
        "caption": caps["en"]["detailed"],
        "captions": caps,
        "caption_source": "generated",
        "annotations": annotations_for_record(annotations),
        "difficulty": difficulty(spec, annotations, fam.difficulty(spec, annotations)),
        "generator_version": __version__,
        "checksum": record_checksum(video, spec_json),
    }


def clip_codec(spec: dict, params: dict) -> str:
    """The codec of a sample: ``params["codec"]``, or for a real-style clip (one with a stage)
    ``params["real_codec"]`` (default :func:`codec.for_real` of the codec)."""
    name = params.get("codec", codec.DEFAULT_CODEC)
    return (params.get("real_codec") or codec.for_real(name)) if "stage" in spec else name


def make_record(task: dict, params: dict) -> dict:
    """One row from a planned task ``{id, family, split, seed}`` and the canvas ``params``."""
    spec = sample_spec(task["family"], task["seed"], params)
    return build_record(spec, sample_id=task["id"], split=task["split"], seed=task["seed"], codec_name=clip_codec(spec, params))


def to_table(rows: list[dict]) -> pa.Table:
    """Rows as an Arrow table with the dataset schema (HF features in the schema metadata)."""
    from .arrowrows import table

    built = table(rows, SCHEMA)  # without pyarrow's pandas import; None for values it does not take
    return built if built is not None else pa.Table.from_pylist(rows, schema=SCHEMA)


def parse_annotations(row: dict) -> list[dict]:
    """A record's annotations with shape parameters decoded back to dicts."""
    return [{**a, "shapes": [{**s, "params": json.loads(s["params"])} for s in a["shapes"]]} for a in row["annotations"]]
