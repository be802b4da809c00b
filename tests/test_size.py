"""``--size``: exactly ``N`` or ``WxH``; anything else is one clear line and a non-zero exit."""

from __future__ import annotations

import pytest

from symbolset.cli import main
from symbolset.config import parse_size
from symbolset.errors import SymbolSetError


@pytest.mark.parametrize(("text", "size"), [("64", (64, 64)), ("64x48", (64, 48)), ("640X360", (640, 360)), (" 96x96 ", (96, 96))])
def test_n_and_wxh_parse(text, size):
    assert parse_size(text) == {"width": size[0], "height": size[1]}


@pytest.mark.parametrize("text", ["64x", "x64", "64x64x3", "-64", "64x-48", "64*48", "64 x 48", "", "6.4e1"])
def test_anything_else_is_rejected(text):
    with pytest.raises(SymbolSetError, match="--size: expected WIDTHxHEIGHT or N"):
        parse_size(text)


def test_cli_rejects_a_dangling_x(tmp_path, capsys):
    out = tmp_path / "x"
    assert main(["generate", "--out", str(out), "--quiet", "--families", "text_typing", "--num", "1", "--size", "64x"]) == 1
    err = capsys.readouterr().err
    assert "--size: expected WIDTHxHEIGHT or N" in err and "'64x'" in err and err.count("\n") == 1
    assert not out.exists()
