"""Generation speed work keeps its results: same pixels, same rows; and light imports stay light."""

import json
import subprocess
import sys

import numpy as np
import pytest


@pytest.mark.parametrize("module", ["symbolset.record", "symbolset.codec"])
def test_schema_and_codec_tables_import_without_pyav_or_the_renderer(module):
    # Readers import record for its schema and codec for its tables; PyAV, OpenCV, the stage and the
    # families are imported by the functions that encode or make rows.
    heavy = ["av", "cv2", "symbolset.render", "symbolset.stage", "symbolset.families", "symbolset.fonts"]
    code = f"import sys, {module}; print(','.join(m for m in {heavy!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "", f"import {module} pulled in {loaded}"


def test_config_imports_without_the_stage_or_the_renderer():
    # Converters import config for Config alone; the stage (OpenCV) and the scene templates (the
    # renderer) are imported by the functions that check a config or give a family its parameters.
    heavy = ["av", "cv2", "PIL.Image", "symbolset.render", "symbolset.stage", "symbolset.families.scene"]
    code = f"import sys, symbolset.config; print(','.join(m for m in {heavy!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "", f"import symbolset.config pulled in {loaded}"


def test_text_compositing_is_the_rounded_integer_blend_for_every_value():
    from symbolset.textdraw import _composite

    d = np.repeat(np.arange(256, dtype=np.uint8), 256).reshape(256, 256)  # every background value ...
    a = np.tile(np.arange(256, dtype=np.uint8), 256).reshape(256, 256)  # ... under every coverage
    for rgb in [(0, 1, 2), (127, 128, 129), (253, 254, 255), (7, 200, 77)]:
        canvas = np.stack([d, d, d], axis=2)
        _composite(canvas, 0, 0, a, rgb)
        a16, d16 = a.astype(np.int64), d.astype(np.int64)
        want = np.stack([(d16 * (255 - a16) + c * a16 + 127) // 255 for c in rgb], axis=2)
        assert (canvas == want).all()


def test_placed_text_keeps_only_its_inked_rectangle_at_the_right_place():
    from symbolset.textdraw import placed_text as _placed_text

    m = (1.0, 0.0, 20.25, 0.0, 1.0, 40.5)  # a sub-pixel shift: resampled
    x0, y0, cov, box, chars, _, _ = _placed_text("dejavu-sans", 24, "Hi there", 8, m, 256, 128)
    assert cov[0].any() and cov[-1].any() and cov[:, 0].any() and cov[:, -1].any()
    assert box == (float(x0), float(y0), float(x0 + cov.shape[1]), float(y0 + cov.shape[0]))
    assert chars == tuple("Hithere")


def test_record_annotations_serialise_shared_shapes_like_separate_ones():
    from symbolset.record import annotations_for_record

    static = {"element": "face", "type": "circle", "params": {"r": 3.5, "c": [1, 2]}}
    frames = [
        {"frame": i, "time": i / 8, "texts": [], "shapes": [static, {"element": "hand", "type": "ray", "params": {"a": i}}]}
        for i in range(3)
    ]
    rows = annotations_for_record(frames)
    for frame, row in zip(frames, rows):
        assert row["shapes"] == [
            {"element": s["element"], "type": s["type"], "params": json.dumps(s["params"], sort_keys=True, separators=(",", ":"))}
            for s in frame["shapes"]
        ]
    assert rows[0]["shapes"][0]["params"] == '{"c":[1,2],"r":3.5}'


def test_rows_build_the_same_table_as_from_pylist(tiny_dir):
    import pyarrow as pa

    from symbolset import arrowrows, record
    from symbolset.layout import iter_rows

    rows = [dict(r) for r in iter_rows(tiny_dir)]
    built = arrowrows.table(rows, record.SCHEMA)
    assert built is not None
    assert built.equals(pa.Table.from_pylist(rows, schema=record.SCHEMA), check_metadata=True)


@pytest.mark.parametrize(
    "change",
    [
        lambda r: r.update(caption=None),  # a null
        lambda r: r.update(seed=True),  # a bool where an int goes
        lambda r: r.update(num_frames=2**40),  # out of int32's range
        lambda r: r["annotations"][0]["texts"].append({"element": "x"}) if r["annotations"] else r.update(fps=None),  # missing fields
        lambda r: r.update(fps=np.float32(8.0)),  # a NumPy scalar
    ],
)
def test_values_the_builder_does_not_take_go_through_from_pylist(tiny_dir, change):
    import pyarrow as pa

    from symbolset import arrowrows, record
    from symbolset.layout import iter_rows

    rows = [dict(r) for r in iter_rows(tiny_dir)][:3]
    change(rows[1])
    assert arrowrows.table(rows, record.SCHEMA) is None
    try:
        want = pa.Table.from_pylist(rows, schema=record.SCHEMA)
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        want = None
    if want is not None:  # what to_table falls back to
        assert record.to_table(rows).equals(want)


def test_generating_a_dataset_never_imports_pandas(tmp_path):
    code = (
        "import sys; from symbolset.build import generate; from symbolset.config import load_config; "
        f"generate(load_config('tiny', num=4), {str(tmp_path / 'ds')!r}, workers=1, progress=False); "
        "print('pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split()[-1] == "False"


def test_a_quiet_one_worker_generate_imports_no_plugin_pool_or_progress_bar(tmp_path):
    # Per run, not per clip: the other commands' parsers (~10 ms), a progress bar not shown (tqdm and
    # its multiprocessing lock, ~25 ms), a process pool for one worker, a thread pool for object stores,
    # a YAML parser for a built-in config (~15 ms).
    unused = ["symbolset.converters", "symbolset.viewer", "symbolset.bench", "symbolset.authoring", "symbolset.finetune",
              "tqdm", "multiprocessing", "concurrent.futures.process", "concurrent.futures.thread", "yaml"]  # fmt: skip
    args = ["generate", "tiny", "--num", "12", "--size", "64", "--frames", "4", "--out", str(tmp_path / "ds"), "--quiet"]  # every family
    code = f"import sys; from symbolset.cli import main; rc = main({args!r}); print('imported:', rc, [m for m in {unused!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1] == "imported: 0 []"


def test_help_and_plugin_commands_still_get_every_plugin_parser():
    def cli(*argv):
        return subprocess.run([sys.executable, "-m", "symbolset.cli", *argv], capture_output=True, text=True, check=True).stdout

    assert all(f"    {command} " in cli("--help") for command in ("generate", "convert", "view", "bench"))
    assert "--to" in cli("convert", "--help")


def test_per_pixel_frames_equals_measuring_every_frame_whole():
    from symbolset.claims.measure import coverage, per_pixel_frames

    rng = np.random.default_rng(0)
    frames = [rng.integers(0, 256, (40, 50, 3), dtype=np.uint8)]
    for _ in range(6):  # a few pixels change per frame, some in one channel only
        f = frames[-1].copy()
        ys, xs = rng.integers(0, 40, 30), rng.integers(0, 50, 30)
        f[ys, xs, rng.integers(0, 3, 30)] = rng.integers(0, 256, 30)
        frames.append(f)
    frames.append(frames[-1].copy())  # an unchanged frame
    fn = lambda f: coverage(f, (200, 30, 30), (255, 255, 255), [(0, 0, 0), (20, 40, 200)], 2.0)  # noqa: E731
    for got, want in zip(per_pixel_frames(fn, frames), [fn(f) for f in frames]):
        assert got.dtype == want.dtype and np.array_equal(got, want)


@pytest.mark.parametrize("family", ["chart", "text_motion", "lanes"])
def test_claim_coverage_of_every_frame_equals_each_frame_alone(family):
    from symbolset import record
    from symbolset.claims.measure import element_coverage, element_coverages
    from symbolset.config import load_config
    from symbolset.render import render_clip

    params = load_config("default").params(family)
    for seed in range(3):
        spec = record.sample_spec(family, seed, params)
        frames, ann = render_clip(spec)
        texts = [t["element"] for t in ann[-1]["texts"]]
        claims = [{"color": [40, 40, 40], "others": [[255, 255, 255]]}, {"color": list(map(int, frames[-1][60, 60])), "box": [20, 30, 200, 180]}]
        claims += [{"color": [10, 10, 10], "element": texts[0]}] if texts else []
        for c in claims:
            want = [element_coverage(spec, frames, ann, c, i, 2.0) for i in range(len(frames))]
            assert all(np.array_equal(g, w) for g, w in zip(element_coverages(spec, frames, ann, c, 2.0), want))


def test_eased_visibility_reads_array_keys_as_value_at_reads_lists():
    from symbolset import claims as cl
    from symbolset.spec import value_at

    track = {"keys": [[0.0, [[1, 2.5], [3, 4]]], [0.7, [[9, 2.5], [3, 40]]], [1.5, [[9, 7.25], [-3, 40]]]], "ease": "in_out"}
    got = cl.eased_visibility({}, track, 0.1, 1.4)
    v0 = np.asarray(value_at(track, 0.1), np.float64)
    total = float(np.abs(np.asarray(value_at(track, 1.4), np.float64) - v0).max())
    times = list(np.linspace(0.1, 1.4, 201))
    done = [float(np.abs(np.asarray(value_at(track, t), np.float64) - v0).max()) / total for t in times]
    assert got == {"visible_from": round(next(t for t, u in zip(times, done) if u >= 0.05), 6),
                   "visible_until": round(next(t for t, u in zip(times, done) if u >= 0.95), 6)}  # fmt: skip


def test_plain_data_fast_check_agrees_with_the_field_naming_one(monkeypatch):
    from symbolset import spec as S
    from symbolset.errors import SpecError

    def nest(depth, leaf):
        for _ in range(depth):
            leaf = [leaf]
        return leaf

    cases = [{"a": [1.0, float("nan")]}, {"a": [[]]}, 1.5, float("inf"), [], {}, {"m": {"k": [np.float64("nan")]}}]
    cases += [{"meta": nest(d, leaf)} for d in range(28, 36) for leaf in ([], {}, 1.0, float("-inf"), "x")]
    fast = {id(c): S._plain(c) for c in cases}
    monkeypatch.setattr(S, "_plain", lambda spec: False)  # the naming walk alone
    for c in cases:
        try:
            S._check_plain_data(c)
            named_ok = True
        except SpecError:
            named_ok = False
        assert fast[id(c)] == named_ok, c


def test_plot_kink_vertex_is_np_unique_of_the_columns_and_the_kink():
    from symbolset.families.plot import _with_vertex

    rng = np.random.default_rng(3)
    for _ in range(2000):
        lo, hi = float(rng.integers(10, 60)), float(rng.integers(150, 250))
        cols = np.append(np.arange(lo, hi, 2.0), hi)  # as plot.sample builds them: strictly increasing
        x = float(rng.choice([round(float(rng.uniform(lo - 5, hi + 5)), 3), float(rng.choice(cols)), lo, hi]))
        want = np.unique(np.append(cols, x))
        got = _with_vertex(cols, x)
        assert got.dtype == want.dtype and got.tobytes() == want.tobytes()


def test_sampling_specs_never_imports_numpy_ma():
    # numpy.ma costs a process ~17 ms to import; np.unique and np.median import it on first call
    code = (
        "import sys\nfrom symbolset import record\nfrom symbolset.build import plan\nfrom symbolset.config import load_config\n"
        "cfg = load_config('default', num=60)\n"
        "for t in plan(cfg): record.sample_spec(t['family'], t['seed'], cfg.params(t['family']))\n"
        "print('numpy.ma' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"
