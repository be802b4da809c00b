"""What a real-style prompt demands to be read: the characters its spec says can be seen.

A real-style spec (``spec["stage"]``) films the card through a camera, and an occluder (a hand, a
passer-by, a lamp post) may pass in front of it. Its annotations say, per frame and character,
whether the character is ``full`` (every pixel of it in the frame and untouched by the occluder),
``partial`` or ``hidden`` (``char_visibility`` of the ``text_quad`` shapes, stage.py and
stage_occlude.py). A model that draws the prompt faithfully hides the same characters, and a
character a hand half covers is not legible at 10 px, so OCR recall must not demand it; reading it
is no hallucination either. :func:`expected_state` therefore gives the OCR scorers
(:mod:`.ocr`) one frame's expected text as:

- ``strings``: the runs of ``full`` characters of each text, in reading order (each must be read);
- ``joins``: first those runs joined (what a frame must show at least), then the whole text in
  reading order and in the spec's order, as :func:`.ocr.expected_state` gives them (what a frame
  may show: a partly covered character read anyway is explained, not extra).

A frame whose characters are all ``full`` (every flat clip) gets exactly :func:`.ocr.expected_state`.
"""

from __future__ import annotations

from . import ocr


def _visibility(annotation: dict) -> dict[str, list[str]]:
    """``{element id: per-character visibility}`` from the frame's ``text_quad`` shapes."""
    return {s["element"]: s["params"]["char_visibility"] for s in annotation.get("shapes", [])
            if s.get("type") == "text_quad" and "char_visibility" in s.get("params", {})}  # fmt: skip


def _runs(text: dict, seen: list[str] | None) -> list[str]:
    """The text's runs of fully visible characters (the whole string when nothing is covered)."""
    chars = text.get("chars")
    if seen is None or chars is None or len(chars) != len(seen) or all(v == "full" for v in seen):
        return [text["string"]]
    runs, run = [], ""
    for ch, v in zip(chars, seen):
        if v == "full":
            run += ch
        elif run:
            runs.append(run)
            run = ""
    return runs + ([run] if run else [])


def expected_state(annotation: dict) -> dict:
    """One spec frame's expected text with covered characters left undemanded (module docstring)."""
    whole = ocr.expected_state(annotation)
    seen = _visibility(annotation)
    if all(all(v == "full" for v in vis) for vis in seen.values()):
        return whole
    items = [(ocr.normalize(run), t["box"]) for t in annotation.get("texts", []) for run in _runs(t, seen.get(t["element"]))]
    strings = ocr.reading_order([it for it in items if it[0]])
    shown = "".join(strings)
    return {"strings": strings, "joins": list(dict.fromkeys([shown, *whole["joins"]])), "cursor": whole["cursor"]}
