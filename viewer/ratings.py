"""The rating page: ``symbolset view RESULTS --rate --rater NAME`` (see :mod:`symbolset.bench.ratings`
for the criteria and the durable store)."""

from __future__ import annotations

from pathlib import Path

from symbolset.bench.ratings import CRITERIA, CRITERIA_HELP, RatingStore, rating_queue
from symbolset.errors import SymbolSetError


def _captions(prompts: str | Path | None) -> dict[str, str]:
    if not prompts:
        return {}
    from symbolset.bench.prompts import load_prompts

    return {p["id"]: (p.get("caption") or {}).get("en", "") for p in load_prompts(prompts)}


class RatingApp:
    """The rating page: one video at a time, three 1-5 scores, saved on the spot."""

    def __init__(self, results: str | Path, *, rater: str, ratings_path: str | Path | None = None, prompts: str | Path | None = None,
                 seed: int = 0):  # fmt: skip
        if not (rater or "").strip():
            raise SymbolSetError("--rate needs --rater NAME")
        self.results = Path(results)
        self.rater = rater.strip()
        self.queue = rating_queue(self.results, seed)
        self.by_video = {it["video"]: it for it in self.queue}
        self.store = RatingStore(ratings_path or self.results / "ratings.sqlite")
        self.captions = _captions(prompts)
        self.blocks = self._build()

    def _path(self, video: str) -> Path:
        p = Path(video)
        return p if p.is_absolute() else (self.results / p if (self.results / p).exists() else p.resolve())

    def show(self, rater: str, after: str | None = None, note: str = ""):
        """``(progress, video key, video file, prompt, status)`` of the next video ``rater`` has not rated."""
        rater = (rater or "").strip() or self.rater
        done = self.store.rated(rater)
        keys = [it["video"] for it in self.queue]
        start = keys.index(after) + 1 if after in keys else 0
        order = keys[start:] + keys[:start]
        nxt = next((k for k in order if k not in done), None)
        progress = f"**{len(done & set(keys))}** of {len(keys)} videos rated by {rater}"
        if nxt is None:
            return progress, "", None, "All videos are rated. Thank you!", note
        it = self.by_video[nxt]
        caption = self.captions.get(it["id"]) or "(run `view --rate` with --prompts to see the prompt)"
        return progress, nxt, str(self._path(nxt)), f"**{it['id']}** ({it['family']}): {caption}", note

    def resume(self, rater: str):
        return self.show(rater)

    def save(self, rater: str, video: str, legibility, temporal, sharpness):
        """Store the rating of ``video`` and show the next one."""
        if video not in self.by_video:
            raise SymbolSetError(f"rate: {video!r} is not a scored video of {self.results}")
        rater = (rater or "").strip() or self.rater
        scores = dict(zip(CRITERIA, (legibility, temporal, sharpness)))
        rid = self.store.record(video, self.by_video[video]["id"], rater, scores)
        return self.show(rater, video, f"saved rating #{rid}: " + ", ".join(f"{c} {v}" for c, v in scores.items()))

    def skip(self, rater: str, video: str):
        return self.show(rater, video, "skipped")

    def _build(self):
        import gradio as gr

        with gr.Blocks(title=f"SymbolBench ratings · {self.results.name}") as demo:
            gr.Markdown("## Rate each video 1 (bad) to 5 (perfect) against its prompt")
            with gr.Row(equal_height=True):
                progress = gr.Markdown(elem_id="rate-progress")
                rater = gr.Textbox(self.rater, label="rater", scale=0, min_width=200, elem_id="rate-rater")
            video_key = gr.Textbox(label="video", interactive=False, elem_id="rate-video-key")
            with gr.Row():
                video = gr.Video(label="video", autoplay=True, loop=True, interactive=False, height=320, elem_id="rate-video")
                with gr.Column():
                    prompt = gr.Markdown(elem_id="rate-prompt")
                    sliders = [gr.Radio([1, 2, 3, 4, 5], value=3, label=CRITERIA_HELP[c], elem_id=f"rate-{c}") for c in CRITERIA]
                    with gr.Row():
                        save = gr.Button("Save and next", variant="primary", elem_id="rate-save")
                        skip = gr.Button("Skip", elem_id="rate-skip")
                    status = gr.Markdown(elem_id="rate-status")
            outputs = [progress, video_key, video, prompt, status]
            demo.load(self.resume, [rater], outputs, api_name="rate_resume")
            save.click(self.save, [rater, video_key, *sliders], outputs, api_name="rate_save")
            skip.click(self.skip, [rater, video_key], outputs, api_name="rate_skip")
        return demo

    def launch(self, host: str = "127.0.0.1", port: int | None = None, **kwargs):
        """Serve the page; files only from the results folder and the videos' folders."""
        folders = sorted({str(self._path(k).parent) for k in self.by_video} | {str(self.results.resolve())})
        return self.blocks.launch(server_name=host, server_port=port, allowed_paths=folders, footer_links=[], **kwargs)

