"""Draft a scene template from a description with any OpenAI-compatible chat endpoint.

The model is shown the template's JSON Schema, the spec vocabulary, the palette and fonts, and two
shipped templates as examples. Its answer is parsed, checked, sampled and rendered, and verified on
its own pixels; any error goes back to the model, which gets ``rounds`` tries in all. Works with
vLLM, llama.cpp's server, Ollama or a hosted API (``--api-base``, ``--model``; the key comes from
``OPENAI_API_KEY`` or ``SYMBOLSET_API_KEY``, and local servers need none).
"""

from __future__ import annotations

import json
import os
import re

import yaml

from .. import captions as cap
from .. import fonts
from ..errors import SymbolSetError
from ..families import scene
from ..spec import ELEMENT_FIELDS
from .preview import preview_samples

EXAMPLES = ("microwave_timer", "price_tag")
_FENCE = re.compile(r"```(?:ya?ml|json)?\s*\n(.*?)```", re.S)


def system_prompt() -> str:
    """What the model is told: the task, the schema, the vocabulary and two examples."""
    fields = {t: sorted(f) for t, f in ELEMENT_FIELDS.items()}
    examples = "\n\n".join(
        f"# Example: {name}\n```yaml\n{(scene.builtin_dir() / f'{name}.yaml').read_text(encoding='utf-8').strip()}\n```" for name in EXAMPLES
    )
    return (
        "You write SymbolSet scene templates: YAML files from which a renderer draws short videos of symbols "
        "(text, 7-segment digits, shapes) with exact captions in English and Chinese.\n"
        "Answer with ONE complete template in a ```yaml block and nothing else.\n"
        "Rules: every caption must state only what the frames show; quote exactly the strings drawn; "
        "positions use the canvas variables width and height; times are seconds within duration; "
        "strings shown in a text element must be covered by its font.\n"
        f"JSON Schema of a template:\n```json\n{json.dumps(scene.TEMPLATE_SCHEMA, ensure_ascii=False)}\n```\n"
        f"Element types and their fields: {json.dumps(fields)}\n"
        "An animated field holds {keys: [[t0, v0], [t1, v1], ...], ease: linear | in_out | step}.\n"
        f"Palette colour names (use rgb(name) for a colour field, zh_color(name) in Chinese captions): {', '.join(cap.PALETTE)}\n"
        f"Font ids: {', '.join(fonts.FONT_IDS)} (font_for(text) picks one that covers a text)\n"
        f"Expression helpers: {', '.join(scene.HELPERS)}\n\n{examples}"
    )


def parse_answer(text: str) -> dict:
    """The template in a model's answer (a fenced YAML/JSON block, or the whole text)."""
    blocks = _FENCE.findall(text or "")
    body = blocks[0] if blocks else (text or "")
    try:
        data = yaml.safe_load(body)
    except yaml.YAMLError as exc:
        raise SymbolSetError(f"the answer is not valid YAML ({str(exc).splitlines()[0]})") from None
    return scene.check_template(data, "draft")


def try_template(data: dict, samples: int = 2) -> list[str]:
    """Problems of a parsed template: sampling or rendering errors, or rule violations on its pixels."""
    try:
        rendered = preview_samples(data, num=samples, width=192, height=192, num_frames=12, fps=8.0)
    except SymbolSetError as exc:
        return [str(exc)]
    return [f"sample {s['id']}: {p}" for s in rendered for p in s["problems"][:5]]


def draft(description: str, *, api_base: str, model: str, api_key: str | None = None, rounds: int = 3, client=None) -> tuple[str, int]:
    """Ask the model for a template until one checks out; returns (YAML text, rounds used).

    :class:`SymbolSetError` after ``rounds`` failed answers, naming the last problem.
    """
    if rounds < 1:
        raise SymbolSetError(f"--rounds: expected at least 1, got {rounds}")
    if client is None:
        client = _client(api_base, api_key)
    messages = [{"role": "system", "content": system_prompt()}, {"role": "user", "content": description}]
    problems: list[str] = []
    for round_ in range(1, rounds + 1):
        answer = _ask(client, model, messages, api_base)
        messages.append({"role": "assistant", "content": answer})
        try:
            data = parse_answer(answer)
            problems = try_template(data)
        except SymbolSetError as exc:
            problems = [str(exc)]
        if not problems:
            return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120), round_
        messages.append({"role": "user", "content": "The template failed these checks:\n- " + "\n- ".join(problems[:10])
                         + "\nReturn the whole corrected template in one ```yaml block."})  # fmt: skip
    raise SymbolSetError(f"no valid template after {rounds} round(s); last problem: {problems[0]}")


def _client(api_base: str, api_key: str | None):
    try:
        from openai import OpenAI
    except ImportError:
        raise SymbolSetError('scene draft needs the openai package: pip install "symbolset[draft]"') from None
    key = api_key or os.environ.get("SYMBOLSET_API_KEY") or os.environ.get("OPENAI_API_KEY") or "none"
    return OpenAI(base_url=api_base, api_key=key, max_retries=1, timeout=600)


def _ask(client, model: str, messages: list[dict], api_base: str) -> str:
    import openai

    try:
        response = client.chat.completions.create(model=model, messages=messages, temperature=0)
    except openai.APIConnectionError as exc:
        raise SymbolSetError(f"{api_base}: cannot reach the model server ({exc.__cause__ or exc})") from None
    except openai.APIStatusError as exc:
        raise SymbolSetError(f"{api_base}: the model server answered {exc.status_code} ({str(exc.message).splitlines()[0]})") from None
    except openai.OpenAIError as exc:
        raise SymbolSetError(f"{api_base}: {exc}") from None
    if not response.choices or response.choices[0].message.content is None:
        raise SymbolSetError(f"{api_base}: the model returned no text")
    return response.choices[0].message.content
