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

from . import __version__, codec, families, stage
from .layout import record_checksum
from .render import render_clip
from .spec import to_json, validate

# The schema is built on first use (PEP 562 module __getattr__): importing `datasets` costs over
# a second, and generation workers, which only build rows, never need it.
DIFFICULTY_FIELDS = ("level", "num_elements", "text_length", "script", "glyph_height_px", "motion_speed", "stroke_width")


@functools.cache
def _schema() -> dict:
    import datasets

    s, f32, i32 = datasets.Value("string"), datasets.Value("float32"), datasets.Value("int32")
    box = datasets.List(f32, length=4)
    captions = {g: s for g in ("short", "detailed", "temporal")}
    difficulty = {
        "level": s,  # easy | medium | hard, from the labels below
        "num_elements": i32,
        "text_length": i32,
        "script": s,  # latin | han | digits | mixed | none
        "glyph_height_px": f32,
        "motion_speed": f32,  # the family's unit: px/s, characters/s, counts/s, degrees/s
        "stroke_width": f32,
    }
    features = datasets.Features(
        {
            "id": s,
            "family": s,
            "split": s,
            "seed": datasets.Value("int64"),
            "spec": s,
            "video": datasets.Video(),
            "codec": s,
            "num_frames": i32,
            "fps": f32,
            "width": i32,
            "height": i32,
            "caption": s,
            "captions": {"en": captions, "zh": captions},
            "caption_source": s,
            "annotations": datasets.List(
                {
                    "frame": i32,
                    "time": f32,
                    "texts": datasets.List({"element": s, "string": s, "box": box, "chars": datasets.List(s), "char_boxes": datasets.List(box)}),
                    "shapes": datasets.List({"element": s, "type": s, "params": s}),
                }
            ),
            "difficulty": difficulty,
            "generator_version": s,
            "checksum": s,  # layout.record_checksum(video bytes, spec)
        }
    )
    return {"FEATURES": features, "SCHEMA": features.arrow_schema, "COLUMNS": tuple(features), "DIFFICULTY": difficulty}


def __getattr__(name: str):
    """``FEATURES`` (HF Features), ``SCHEMA`` (Arrow), ``COLUMNS``, ``DIFFICULTY``: the one definition of a row."""
    if name in ("FEATURES", "SCHEMA", "COLUMNS", "DIFFICULTY"):
        return _schema()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def sample_seed(global_seed: int, family: str, index: int) -> int:
    """The seed of sample ``index`` of ``family`` (a 63-bit int), independent of every other sample."""
    state = np.random.SeedSequence([global_seed, zlib.crc32(family.encode()), index]).generate_state(1, np.uint64)[0]
    return int(state >> np.uint64(1))


def sample_spec(family: str, seed: int, params: dict) -> dict:
    """The validated spec of one sample: a pure function of (family, seed, params)."""
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


def annotations_for_record(annotations: list[dict]) -> list[dict]:
    """Renderer annotations in the record's layout (shape parameters as JSON text)."""
    return [
        {
            "frame": a["frame"],
            "time": a["time"],
            "texts": a["texts"],
            "shapes": [{"element": s["element"], "type": s["type"], "params": json.dumps(s["params"], sort_keys=True, separators=(",", ":"))} for s in a["shapes"]],
        }
        for a in annotations
    ]


def build_record(spec: dict, *, sample_id: str, split: str, seed: int, codec_name: str = codec.DEFAULT_CODEC) -> dict:
    """Render, encode, caption and annotate a spec into one row (a dict with every column)."""
    fam = families.get(spec["family"])
    frames, annotations = render_clip(spec)
    caps = stage.add_captions(spec, fam.captions(stage.card(spec), caption_rng(seed)))  # the family describes the card
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


def make_record(task: dict, params: dict) -> dict:
    """One row from a planned task ``{id, family, split, seed}`` and the canvas ``params``."""
    spec = sample_spec(task["family"], task["seed"], params)
    return build_record(spec, sample_id=task["id"], split=task["split"], seed=task["seed"], codec_name=params.get("codec", codec.DEFAULT_CODEC))


def to_table(rows: list[dict]) -> pa.Table:
    """Rows as an Arrow table with the dataset schema (HF features in the schema metadata)."""
    return pa.Table.from_pylist(rows, schema=_schema()["SCHEMA"])


def parse_annotations(row: dict) -> list[dict]:
    """A record's annotations with shape parameters decoded back to dicts."""
    return [{**a, "shapes": [{**s, "params": json.loads(s["params"])} for s in a["shapes"]]} for a in row["annotations"]]
