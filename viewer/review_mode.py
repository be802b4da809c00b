"""Review mode of the viewer: the review tab's handlers (each a named API endpoint), its layout and wiring.

:class:`ReviewMode` is a mixin of :class:`~.app.Viewer` (kept apart so that each module holds one
job: ``app`` browses and shows samples, this module decides them). It uses the viewer's ``index``,
``store`` (:class:`~.reviews.ReviewStore`), ``queue``, ``_queue_set``, ``reviewer``, ``_sample`` and
``frame``. Every decision is stored the moment it is made, as the reviewer named when the server
started, and only samples of the review queue can be decided.
"""

from __future__ import annotations

import html

import gradio as gr

from symbolset.errors import SymbolSetError

from .index import CAPTION_COLUMNS, GRANULARITIES, LANGS

LANG_NAMES = {"en": "English", "zh": "中文"}


class ReviewMode:
    """The review tab of :class:`~.app.Viewer` (see the module docstring for what it needs of it)."""

    def review_show(self, sample_id: str | None, note: str = ""):
        """The review panel for ``sample_id`` (``None``: the queue is finished)."""
        reviewer = self.reviewer
        prog = self.store.progress(self.queue, reviewer)
        bar = _progress_html(prog, reviewer)
        if sample_id is None:
            empty = [""] * len(CAPTION_COLUMNS)
            done = f"All {prog['total']} samples of the review queue have a decision."
            return (bar, "", None, None, *empty, "", done if not note else f"{note}\n\n{done}")
        try:
            sample, problem = self._sample(sample_id), None
        except gr.Error as exc:  # a damaged record: say so, and let the reviewer flag or skip it
            sample, problem = None, str(exc.message)
        current = self._effective_captions(sample_id, self._generated_captions(sample_id))
        caps = [current[lang][g] for lang in LANGS for g in GRANULARITIES]
        history = self.store.decisions(sample_id)
        lines = [note, ""] if note else []
        row = self.index.row(self.index.position(sample_id))
        lines.append(f"**{sample_id}** · `{row['family']}` · {row['split']} · {row['level']}")
        if problem:
            lines.append(f"- ⚠ {html.escape(problem)}: flag it with a reason, or skip it")
        for d in history:
            what = d["action"] + (f": {d['reason']}" if d["reason"] else "")
            lines.append(f"- earlier decision by **{html.escape(d['reviewer'])}**: {html.escape(what)}")
        if sample is None:
            return (bar, sample_id, None, None, *caps, "", "\n".join(lines))
        overlay = self.frame(sample_id, len(sample.frames) - 1, ["word boxes", "strings", "shapes"])
        return (bar, sample_id, str(sample.video_path), overlay, *caps, "", "\n".join(lines))

    def _generated_captions(self, sample_id: str) -> dict:
        """The record's own captions, from the index (readable even when its video or page is damaged)."""
        row = self.index.row(self.index.position(sample_id))
        return {lang: {g: row[f"{lang}_{g}"] for g in GRANULARITIES} for lang in LANGS}

    def review_resume(self):
        """Open the reviewer's next undecided sample (resumes where they stopped)."""
        return self.review_show(self._next())

    def review_skip(self, sample_id: str):
        """Leave the current sample undecided and show the next one."""
        return self.review_show(self._next(after=sample_id or None))

    def review_accept(self, sample_id: str):
        """Accept the sample's captions as they are; store at once; show the next sample."""
        return self._decide(sample_id, "accept")

    def review_edit(self, sample_id: str, *captions: str):
        """Store edited captions (an accept when nothing changed); show the next sample."""
        sample = self._sample(self._queued(sample_id))
        new = {lang: {} for lang in LANGS}
        for column, text in zip(CAPTION_COLUMNS, captions):
            lang, g = column.split("_")
            new[lang][g] = (text or "").strip()
        for lang in LANGS:
            for g in GRANULARITIES:
                if not new[lang][g]:
                    raise gr.Error(f"the {LANG_NAMES[lang]} {g} caption is empty: write one, or flag the sample")
        if new == sample.row["captions"]:
            return self._decide(sample_id, "accept", note="No change from the generated captions: stored as accepted.")
        return self._decide(sample_id, "edit", captions=new)

    def review_flag(self, sample_id: str, reason: str):
        """Flag the sample as bad with a reason; store at once; show the next sample."""
        if not (reason or "").strip():
            raise gr.Error("write a reason before flagging (press f to jump to the reason box)")
        return self._decide(sample_id, "flag", reason=reason)

    def _queued(self, sample_id: str) -> str:
        sample_id = (sample_id or "").strip()
        if sample_id not in self._queue_set:
            raise gr.Error(f"{sample_id or 'no sample'}: not in the review queue; only queued samples can be decided")
        return sample_id

    def _next(self, after: str | None = None) -> str | None:
        try:
            return self.store.next_sample(self.queue, self.reviewer, after=after)
        except SymbolSetError as exc:
            raise gr.Error(str(exc)) from None

    def _decide(self, sample_id: str, action: str, *, captions=None, reason: str = "", note: str = ""):
        sample_id = self._queued(sample_id)
        if action != "flag":
            self._sample(sample_id)  # accepting or editing needs a sample that opens; a damaged one can be flagged
        try:
            self.store.record(sample_id, self.reviewer, action, original=self._generated_captions(sample_id), captions=captions, reason=reason)
        except SymbolSetError as exc:
            raise gr.Error(str(exc)) from None
        note = note or f"Saved: **{action}** for `{sample_id}`."
        return self.review_show(self._next(after=sample_id), note)

    def _effective_captions(self, sample_id: str, generated: dict) -> dict:
        edits = [d for d in self.store.decisions(sample_id) if d["action"] == "edit"]
        return edits[-1]["captions"] if edits else generated

    # ------------------------------------------------------------------ layout

    def _build_review(self):
        with gr.Tab("Review", id="review"):
            with gr.Row(equal_height=True):
                progress = gr.HTML(elem_id="review-progress")
            with gr.Row():
                with gr.Column(scale=2):
                    rid = gr.Textbox(label="sample", interactive=False, elem_id="review-id")
                    rvideo = gr.Video(label="video", autoplay=True, loop=True, interactive=False, height=300, elem_id="review-video")
                    roverlay = gr.Image(
                        label="last frame, annotated", type="numpy", format="png", interactive=False, height=300, elem_id="review-overlay"
                    )
                with gr.Column(scale=3):
                    boxes = []
                    for lang in LANGS:
                        with gr.Group():
                            for g in GRANULARITIES:
                                lines = 1 if g == "short" else 3
                                boxes.append(
                                    gr.Textbox(label=f"{LANG_NAMES[lang]} · {g}", lines=lines, max_lines=8, elem_id=f"review-{lang}-{g}")
                                )
                    with gr.Row():
                        accept = gr.Button("✓ Accept (a)", variant="primary", elem_id="review-accept")
                        save = gr.Button("✎ Save edits (Ctrl+↵)", elem_id="review-save")
                        skip = gr.Button("Skip (n)", elem_id="review-skip")
                    with gr.Row(equal_height=True):
                        reason = gr.Textbox(label="flag reason", placeholder="e.g. caption names the wrong digit; glyph cut off",
                                            scale=4, elem_id="review-reason")  # fmt: skip
                        flag = gr.Button("⚑ Flag as bad (f)", variant="stop", scale=1, elem_id="review-flag")
                    status = gr.Markdown(elem_id="review-status")
                    gr.Markdown(
                        "<span class='ss-keys'>Shortcuts: <kbd>a</kbd> accept · <kbd>n</kbd>/<kbd>→</kbd> skip · "
                        "<kbd>f</kbd> write a flag reason, <kbd>Enter</kbd> flags · <kbd>Ctrl</kbd>+<kbd>Enter</kbd> save edits. "
                        "Every decision is saved the moment it is made.</span>"
                    )
        outputs = [progress, rid, rvideo, roverlay, *boxes, reason, status]
        return rid, boxes, reason, accept, save, skip, flag, outputs

    def _wire_review(self, demo, rid, boxes, reason, accept, save, skip, flag, outputs) -> None:
        demo.load(self.review_resume, None, outputs, api_name="review_resume")
        accept.click(self.review_accept, [rid], outputs, api_name="review_accept")
        save.click(self.review_edit, [rid, *boxes], outputs, api_name="review_edit")
        flag.click(self.review_flag, [rid, reason], outputs, api_name="review_flag")
        reason.submit(self.review_flag, [rid, reason], outputs, api_visibility="private")
        skip.click(self.review_skip, [rid], outputs, api_name="review_skip")


def _progress_html(prog: dict, reviewer: str) -> str:
    pct = 100 * prog["done"] / max(prog["total"], 1)
    return (
        f"<div><b>{prog['done']} of {prog['total']}</b> reviewed ({pct:.0f}%) · {html.escape(reviewer)}: {prog['mine']}"
        f"<div style='height:8px;background:var(--neutral-200);border-radius:4px;margin-top:6px'>"
        f"<div style='width:{pct:.1f}%;height:8px;background:var(--color-accent);border-radius:4px'></div></div></div>"
    )
