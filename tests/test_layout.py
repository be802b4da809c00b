"""The ground floor: readers import the dataset layout, never the renderer or the generator."""

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["symbolset.layout", "symbolset.sources", "symbolset.torch"])
def test_readers_do_not_import_the_renderer(module):
    heavy = ["cv2", "symbolset.render", "symbolset.families", "symbolset.fonts", "symbolset.build", "symbolset.hub", "symbolset.record"]
    code = f"import sys, {module}; print(','.join(m for m in {heavy!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "", f"import {module} pulled in {loaded}"


def test_shard_file_names_follow_the_hub_pattern():
    from symbolset.layout import shard_file

    assert shard_file("train", 3, 12) == "data/train-00003-of-00012.parquet"


def test_record_checksum_catches_a_flipped_byte_in_video_or_spec(tiny_dir):
    from symbolset.errors import SymbolSetError
    from symbolset.layout import check_record, iter_rows

    row = next(iter_rows(tiny_dir))
    check_record(row)
    video = bytearray(row["video"]["bytes"])
    video[len(video) // 2] ^= 1
    with pytest.raises(SymbolSetError, match=f"record '{row['id']}': checksum mismatch"):
        check_record({**row, "video": {**row["video"], "bytes": bytes(video)}})
    with pytest.raises(SymbolSetError, match="checksum mismatch"):
        check_record({**row, "spec": row["spec"].replace('"fps"', '"fps" ', 1)})
    with pytest.raises(SymbolSetError, match=f"{row['id']!r}: no checksum"):
        check_record({k: v for k, v in row.items() if k != "checksum"})


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"id": "a"}\n\n{"id": \n', r"scores\.jsonl:3: not valid JSON"),
        (b'{"id": "a"}\n' + b"[" * 100_000 + b"\n", r"scores\.jsonl:2: not valid JSON \(nested deeper"),
        (b'{"id": "caf\xe9"}\n', r"scores\.jsonl: not UTF-8 text"),
    ],
)
def test_every_jsonl_reader_names_the_file_and_line_in_one_line(tmp_path, data, message):
    """bench compare (scores.jsonl) and bench prompts (prompts.jsonl) read JSON Lines through layout.read_jsonl."""
    from symbolset.bench.compare import load_scores
    from symbolset.bench.prompts import load_prompts
    from symbolset.errors import SymbolSetError
    from symbolset.layout import read_jsonl

    (tmp_path / "scores.jsonl").write_bytes(data)
    for read in (read_jsonl, load_prompts):
        with pytest.raises(SymbolSetError, match=message) as err:
            read(tmp_path / "scores.jsonl")
        assert "\n" not in str(err.value)
    with pytest.raises(SymbolSetError, match=message):
        load_scores(tmp_path)


def test_read_jsonl_skips_blank_lines_and_numbers_the_rest(tmp_path):
    from symbolset.layout import read_jsonl

    (tmp_path / "x.jsonl").write_text('{"a": 1}\n\n  \n[2]\n', encoding="utf-8")
    assert read_jsonl(tmp_path / "x.jsonl") == [(1, {"a": 1}), (4, [2])]
    with pytest.raises(FileNotFoundError):
        read_jsonl(tmp_path / "missing.jsonl")  # the caller words a missing file (it knows what the file is)


def test_split_all_means_every_shard(tiny_dir):
    from symbolset import layout

    assert layout.shard_paths(tiny_dir, "all") == layout.shard_paths(tiny_dir) and len(layout.shard_paths(tiny_dir)) == 3
    assert layout.shard_paths(tiny_dir, "tset") == []  # callers name the split they found empty
