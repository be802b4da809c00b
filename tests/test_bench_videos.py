"""Finding a model's videos: mapping files and their bad forms (one line naming the file and line)."""

import pytest

from symbolset.bench.videos import find_videos
from symbolset.errors import SymbolSetError


def test_mapping_files_csv_and_jsonl(tmp_path):
    (tmp_path / "a.mp4").write_bytes(b"")
    (tmp_path / "map.csv").write_text("id,path\np1,a.mp4\np1,b.mp4\n")
    (tmp_path / "map.jsonl").write_text('{"id": "p1", "path": "a.mp4"}\n\n{"id": "p2", "path": "c.mp4"}\n')
    assert find_videos(tmp_path / "map.csv", ["p1", "p9"]) == {"p1": [tmp_path / "a.mp4", tmp_path / "b.mp4"], "p9": []}
    assert find_videos(tmp_path / "map.jsonl", ["p1", "p2"]) == {"p1": [tmp_path / "a.mp4"], "p2": [tmp_path / "c.mp4"]}


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("m.jsonl", b'{"id": "p1", "path": "a.mp4"}\n{"id": \n', "m.jsonl:2: not valid JSON"),
        ("m.jsonl", b'{"id": "p1"}\n', "m.jsonl:1: a mapping row needs id and path"),
        ("m.csv", b"id,path\np1,a.mp4\np2,\n", "m.csv:3: a mapping row needs id and path"),
        ("m.csv", b"id,file\np1,a.mp4\n", "m.csv: a CSV mapping needs the columns id and path"),
        ("m.csv", b"id,path\n\xff\xfe,a.mp4\n", "m.csv: not UTF-8 text"),
        ("m.jsonl", b"\xff\n", "m.jsonl: not UTF-8 text"),
        ("m.txt", b"", "m.txt: a mapping file must be .csv or .jsonl"),
    ],
)
def test_bad_mapping_files_name_file_and_line(tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(SymbolSetError) as err:
        find_videos(tmp_path / name, ["p1"])
    assert message in str(err.value) and "\n" not in str(err.value)
