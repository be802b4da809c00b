"""The Gradio app: browse (gallery + filters + search), sample page, statistics, and review mode
(the review tab's handlers and layout are in ``review_mode.py``).

``build_app(source, ...)`` returns a :class:`Viewer` whose ``blocks`` is the Gradio app and whose
``launch()`` serves it on 127.0.0.1 by default. Files are served only from what the viewer writes
(thumbnails, clips, overlays); no folder is in ``allowed_paths``.

Every interaction is also a named API endpoint (``query``, ``open_sample``, ``frame``,
``rerender``, ``review_resume``, ``review_accept``, ``review_edit``, ``review_flag``,
``review_skip``), so ``gradio_client`` can drive the app exactly as a person does.

The reviewer is the one named when the server started (``--reviewer``): no request can decide as
someone else, and only samples of the review queue can be decided. The review database is never
served (blocked path), and the upload route takes no file (no component of the app uploads).
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import gradio as gr
import numpy as np

from symbolset.errors import SymbolSetError

from . import stats
from .index import GRANULARITIES, LANGS, SCRIPT_LABELS, DatasetIndex, Filters
from .overlay import draw_overlay
from .review_mode import LANG_NAMES, ReviewMode
from .reviews import ReviewStore, review_sample
from .samples import SampleCache, comparison_image, rerender_check
from .scratch import private_dir

ANY = "(any)"
TOGGLES = ["word boxes", "character boxes", "strings", "shapes"]

CSS = """
.gradio-container {max-width: 1500px !important; margin: auto;}
#ss-header h1 {margin-bottom: 0;}
#ss-header p {color: var(--body-text-color-subdued); margin-top: 2px;}
#ss-gallery .caption-label {font-size: 11px;}
#ss-meta table, #ss-captions table {font-size: 13px;}
#ss-captions td:first-child {white-space: nowrap; font-weight: 600;}
#ss-stats-table td, #ss-stats-table th {white-space: nowrap; font-size: 13px;}
#review-progress {font-size: 16px;}
.ss-keys kbd {border: 1px solid #bbb; border-bottom-width: 2px; border-radius: 4px; padding: 0 5px; font-size: 12px;}
"""

# Review shortcuts (ignored while typing in a text field, except Ctrl/Cmd+Enter):
#   a: accept   n or ->: skip to next   f: focus the flag reason (Enter flags)   Ctrl+Enter: save edits
SHORTCUTS_JS = """
() => {
  const visible = (el) => el && el.offsetParent !== null;
  const click = (id, e) => { const b = document.getElementById(id); if (visible(b)) { e.preventDefault(); b.click(); } };
  document.addEventListener('keydown', (e) => {
    if (!visible(document.getElementById('review-accept'))) return;
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') { click('review-save', e); return; }
    const t = e.target, tag = t && t.tagName;
    if (tag === 'TEXTAREA' || tag === 'INPUT' || (t && t.isContentEditable) || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === 'a') click('review-accept', e);
    else if (e.key === 'n' || e.key === 'ArrowRight') click('review-skip', e);
    else if (e.key === 'f') {
      const r = document.querySelector('#review-reason textarea, #review-reason input');
      if (r) { e.preventDefault(); r.focus(); }
    }
  });
}
"""


class Viewer(ReviewMode):
    """The app and the state behind it (index, opened samples, review store); the review tab's handlers
    and layout come from :class:`~.review_mode.ReviewMode`."""

    def __init__(self, source: str | Path, *, review: bool = False, reviewer: str = "", reviews_path: str | Path | None = None,
                 page_size: int = 24, review_fraction: float = 0.1, review_seed: int = 0, label: str | None = None):  # fmt: skip
        self.index = DatasetIndex(source)
        self.root = self.index.root
        self.label = label or str(self.root)  # what the user passed (a converted source is shown from a temporary copy)
        self.cache_dir = private_dir("symbolset-viewer-")
        self.reviews_path = Path(reviews_path or self.root / "reviews.sqlite").resolve()
        self.samples = SampleCache(self.index, self.cache_dir / "videos")
        self.page_size = page_size
        self.review = review
        self.reviewer = reviewer.strip()
        self.store = None
        self.queue: list[str] = []
        if review:
            if not self.reviewer:
                raise SymbolSetError("--review needs --reviewer NAME")
            self.store = ReviewStore(self.reviews_path)
            t = self.index.table
            pairs = zip(t.column("id").to_pylist(), t.column("family").to_pylist())
            self.queue = review_sample(pairs, fraction=review_fraction, seed=review_seed)
        self._queue_set = set(self.queue)
        self.blocks = self._build()

    # ------------------------------------------------------------------ browse

    def query(self, split: str, family: str, language: str, level: str, text: str, page: int):
        """One gallery page: ``(items, info, page, ids)`` for the filters; ``page`` is clamped."""
        filters = Filters(split=_opt(split), family=_opt(family), script=_script(language), level=_opt(level), text=text or "")
        positions = self.index.query(filters)
        pages = max(1, -(-len(positions) // self.page_size))
        page = min(max(1, int(page or 1)), pages)
        shown = [int(p) for p in positions[(page - 1) * self.page_size : page * self.page_size]]
        thumbs, problems = self.index.thumbnails(shown, with_problems=True)
        t = self.index.table
        ids = [t.column("id")[p].as_py() for p in shown]
        items = [(img, f"{sid} · {problems.get(p) or t.column('en_short')[p].as_py()}") for img, sid, p in zip(thumbs, ids, shown)]
        if problems:
            gr.Warning(f"{len(problems)} thumbnail(s) could not be shown: " + "; ".join(problems.values()))
        info = f"**{len(positions)}** of {len(self.index)} samples · page {page} of {pages}"
        return items, info, page, ids

    # ------------------------------------------------------------------ sample page

    def open_sample(self, sample_id: str, toggles: list[str]):
        """Everything the sample page shows for ``sample_id``."""
        sample = self._sample(sample_id)
        n = len(sample.frames)
        overlay = self.frame(sample.id, 0, toggles)
        return (
            sample.id,
            str(sample.video_path),
            gr.Slider(minimum=0, maximum=max(n - 1, 1), value=0, step=1, interactive=n > 1),
            overlay,
            _meta_markdown(sample.row, sample.transcoded),
            _captions_markdown(sample.row["captions"]),
            json.dumps(sample.spec, indent=2, ensure_ascii=False),
            "",
            None,
        )

    def frame(self, sample_id: str, index: int, toggles: list[str]) -> np.ndarray:
        """Frame ``index`` of a sample with the chosen annotations drawn over it."""
        sample = self._sample(sample_id)
        i = min(max(0, int(index or 0)), len(sample.frames) - 1)
        ann = sample.annotations[i] if i < len(sample.annotations) else None
        on = set(toggles or [])
        return draw_overlay(
            sample.frames[i], ann, words="word boxes" in on, chars="character boxes" in on, strings="strings" in on, shapes="shapes" in on
        )

    def rerender(self, sample_id: str, index: int):
        """Re-render the sample from its spec: a Markdown verdict and a stored | re-rendered | diff image."""
        sample = self._sample(sample_id)
        r = rerender_check(sample)
        i = min(max(0, int(index or 0)), r["frames"] - 1)
        ok = r["shape_equal"] and r["annotations_equal"] and (r["bytes_equal"] or r["decoded_equal"])
        mark = lambda b: "✓" if b else "✗"  # noqa: E731
        psnr = "∞ (lossless)" if not np.isfinite(r["psnr_min"]) else f"min {r['psnr_min']:.1f} dB, mean {r['psnr_mean']:.1f} dB"
        lines = [
            f"### {'✓ Re-rendered from the spec: it matches' if ok else '✗ Re-render does not match the stored sample'}",
            f"- {mark(r['shape_equal'])} {r['frames']} frames of {sample.spec['width']}×{sample.spec['height']}",
            f"- {mark(r['annotations_equal'])} annotations identical to the stored ones",
            f"- {mark(r['bytes_equal'])} re-encoded video byte-identical to the stored `{sample.row['codec']}` clip"
            + ("" if r["bytes_equal"] else " (bytes can differ across FFmpeg builds)"),
            f"- {mark(r['decoded_equal'])} decoded pixels identical",
            f"- stored video vs exact re-rendered frames: PSNR {psnr}",
            f"\nBelow, frame {i}: stored (decoded) | re-rendered | difference ×8.",
        ]
        img = comparison_image(sample.frames[i], r["rendered"][i])
        return "\n".join(lines), draw_overlay(img, None)

    def _sample(self, sample_id: str):
        sample_id = (sample_id or "").strip()
        if not sample_id:
            raise gr.Error("no sample selected: pick one in the gallery or type its id")
        try:
            return self.samples.get(sample_id)
        except SymbolSetError as exc:
            raise gr.Error(str(exc)) from None

    # ------------------------------------------------------------------ layout

    def _build(self) -> gr.Blocks:
        idx = self.index
        with gr.Blocks(title=f"SymbolSet viewer · {self.root.name}", delete_cache=(3600, 86400)) as demo:
            gr.Markdown(
                f"# SymbolSet viewer\n`{self.label}` · {len(idx)} samples · {len(idx.values('family'))} families"
                + (f" · review mode, reviewer **{html.escape(self.reviewer)}**" if self.review else ""),
                elem_id="ss-header",
            )
            page_state = gr.State(1)
            ids_state = gr.State([])
            with gr.Tabs(selected="review" if self.review else "browse") as tabs:
                with gr.Tab("Browse", id="browse"):
                    with gr.Row():
                        with gr.Column(scale=1, min_width=230):
                            split = gr.Dropdown([ANY, *idx.values("split")], value=ANY, label="split")
                            family = gr.Dropdown([ANY, *idx.values("family")], value=ANY, label="family")
                            language = gr.Dropdown([ANY, *[_script_label(s) for s in idx.values("script")]], value=ANY, label="language")
                            level = gr.Dropdown([ANY, *_levels(idx.values("level"))], value=ANY, label="difficulty")
                            text = gr.Textbox(label="search captions and ids", placeholder="e.g. EXIT, 时钟, clock-0-000003")
                            search = gr.Button("Search", variant="primary")
                        with gr.Column(scale=5):
                            gallery = gr.Gallery(label="fullest frame of each clip (click to open)", columns=6, height=620, allow_preview=False,
                                                 object_fit="contain", elem_id="ss-gallery", buttons=[])  # fmt: skip
                            with gr.Row():
                                prev_btn = gr.Button("◀ previous", size="sm")
                                page_info = gr.Markdown(elem_id="ss-page-info")
                                next_btn = gr.Button("next ▶", size="sm")
                with gr.Tab("Sample", id="sample"):
                    with gr.Row():
                        sample_id = gr.Textbox(label="sample id", scale=4, elem_id="ss-sample-id")
                        open_btn = gr.Button("Open", scale=1, variant="primary")
                    with gr.Row(equal_height=True):
                        with gr.Column():
                            video = gr.Video(label="video", autoplay=True, loop=True, interactive=False, height=420, elem_id="ss-video")
                        with gr.Column():
                            overlay = gr.Image(label="frame with annotations", type="numpy", format="png", interactive=False, height=420,
                                               elem_id="ss-overlay", buttons=["download", "fullscreen"])  # fmt: skip
                            frame = gr.Slider(0, 1, value=0, step=1, label="frame", elem_id="ss-frame")
                            toggles = gr.CheckboxGroup(TOGGLES, value=TOGGLES, label="overlay", elem_id="ss-toggles")
                    with gr.Row():
                        with gr.Column(scale=1):
                            meta = gr.Markdown(elem_id="ss-meta")
                        with gr.Column(scale=2):
                            captions = gr.Markdown(elem_id="ss-captions")
                    with gr.Row():
                        rerender_btn = gr.Button("Re-render from spec and compare", variant="secondary", elem_id="ss-rerender")
                    with gr.Row():
                        rerender_md = gr.Markdown()
                        compare_img = gr.Image(
                            label="stored | re-rendered | difference ×8", type="numpy", format="png", interactive=False, height=260
                        )
                    with gr.Accordion("scene spec (JSON)", open=False):
                        spec = gr.Code(language="json", label="spec", interactive=False)
                with gr.Tab("Statistics", id="stats"):
                    with gr.Row():
                        with gr.Column(scale=1, min_width=380):
                            gr.Markdown(stats.summary_markdown(idx), elem_id="ss-stats-table")
                        with gr.Column(scale=3):
                            gr.Plot(stats.counts_figure(idx), label="counts", show_label=False, format="png")
                    gr.Plot(stats.histograms_figure(idx), label="distributions", show_label=False, format="png")
                if self.review:
                    review_parts = self._build_review()

            filters = [split, family, language, level, text]
            page_outputs = [gallery, page_info, page_state, ids_state]
            go_first = lambda *a: self.query(*a, 1)  # noqa: E731
            for comp in (split, family, language, level):
                comp.input(go_first, filters, page_outputs, api_visibility="private")
            text.submit(go_first, filters, page_outputs, api_visibility="private")
            first_page = gr.Number(1, visible=False)
            search.click(self.query, [*filters, first_page], page_outputs, api_name="query")
            prev_btn.click(lambda *a: self.query(*a[:-1], a[-1] - 1), [*filters, page_state], page_outputs, api_visibility="private")
            next_btn.click(lambda *a: self.query(*a[:-1], a[-1] + 1), [*filters, page_state], page_outputs, api_visibility="private")

            sample_outputs = [sample_id, video, frame, overlay, meta, captions, spec, rerender_md, compare_img]

            def pick(ids, toggled, evt: gr.SelectData):
                return (*self.open_sample(ids[evt.index], toggled), gr.Tabs(selected="sample"))

            gallery.select(pick, [ids_state, toggles], [*sample_outputs, tabs], api_visibility="private")
            open_btn.click(self.open_sample, [sample_id, toggles], sample_outputs, api_name="open_sample")
            sample_id.submit(self.open_sample, [sample_id, toggles], sample_outputs, api_visibility="private")
            frame.input(self.frame, [sample_id, frame, toggles], overlay, api_name="frame", trigger_mode="always_last")
            toggles.input(self.frame, [sample_id, frame, toggles], overlay, api_visibility="private")
            rerender_btn.click(self.rerender, [sample_id, frame], [rerender_md, compare_img], api_name="rerender")

            def first_load(*args):
                page = self.query(*args, 1)
                ids, opened = page[3], [gr.skip()] * len(sample_outputs)
                if ids:
                    try:
                        opened = self.open_sample(ids[0], TOGGLES)
                    except gr.Error as exc:  # one bad record must not blank the page: say which, show the rest
                        gr.Warning(str(exc.message))
                return (*page, *opened)

            demo.load(first_load, filters, [*page_outputs, *sample_outputs], api_visibility="private")
            if self.review:
                self._wire_review(demo, *review_parts)
        return demo

    def launch(self, host: str = "127.0.0.1", port: int | None = None, **kwargs):
        """Serve the app (blocking unless ``prevent_thread_lock=True``).

        Files are served only from what the app itself writes (thumbnails, clips, overlays): no
        folder is in ``allowed_paths``, the review database and its journals are blocked, and
        uploads are capped at 0 bytes since no component takes a file.
        """
        db = str(self.reviews_path)
        return self.blocks.launch(
            server_name=host,
            server_port=port,
            blocked_paths=[db, f"{db}-wal", f"{db}-shm", f"{db}-journal"],
            max_file_size=0,
            theme=gr.themes.Soft(primary_hue="indigo", secondary_hue="slate"),
            css=CSS,
            js=SHORTCUTS_JS if self.review else None,
            footer_links=[],
            **kwargs,
        )


def build_app(source: str | Path, **kwargs) -> Viewer:
    """A :class:`Viewer` over a dataset folder (see :class:`Viewer` for the options)."""
    return Viewer(source, **kwargs)


# ---------------------------------------------------------------------- helpers


def _opt(value: str | None) -> str | None:
    return None if not value or value == ANY else value


def _script_label(script: str) -> str:
    return f"{SCRIPT_LABELS.get(script, script)} ({script})"


def _script(label: str | None) -> str | None:
    label = _opt(label)
    if label is None:
        return None
    return label.rsplit("(", 1)[-1].rstrip(")") if label.endswith(")") else label


def _levels(values: list[str]) -> list[str]:
    order = {"easy": 0, "medium": 1, "hard": 2}
    return sorted(values, key=lambda v: (order.get(v, 9), v))


def _cell(text: str) -> str:
    return html.escape(text or "").replace("|", "&#124;").replace("\n", "<br>")


def _meta_markdown(row: dict, transcoded: bool) -> str:
    d = row["difficulty"]
    rows = [
        ("id", f"`{row['id']}`"),
        ("family", f"`{row['family']}`"),
        ("split", row["split"]),
        ("seed", str(row["seed"])),
        ("clip", f"{row['width']}×{row['height']}, {row['num_frames']} frames at {row['fps']:g} fps"),
        ("codec", f"`{row['codec']}`" + (" (shown as an H.264 copy: not browser-playable)" if transcoded else "")),
        ("caption source", row["caption_source"]),
        ("difficulty", f"**{d['level']}** · script {d['script']} · {d['text_length']} chars · glyphs {d['glyph_height_px']:.1f} px"),
        ("", f"{d['num_elements']} elements · motion {d['motion_speed']:.2f} · stroke {d['stroke_width']:.1f} px"),
        ("generator", row["generator_version"]),
    ]
    (k0, v0), rest = rows[0], rows[1:]
    return f"| {k0} | {v0} |\n|---|---|\n" + "\n".join(f"| {k} | {v} |" for k, v in rest)


def _captions_markdown(captions: dict) -> str:
    head = "| | " + " | ".join(LANG_NAMES[lang] for lang in LANGS) + " |\n|---|" + "---|" * len(LANGS) + "\n"
    return head + "\n".join(f"| {g} | " + " | ".join(_cell(captions[lang][g]) for lang in LANGS) + " |" for g in GRANULARITIES)
