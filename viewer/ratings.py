"""Human ratings of benchmark videos: ``symbolset view RESULTS --rate --rater NAME``.

A person scores each scored video of a ``bench run`` results folder from 1 (bad) to 5 (perfect)
on three criteria, the ones SymbolBench's components measure:

- ``legibility``: the symbols asked for are there, correct and readable (Mt),
- ``temporal``: they stay coherent over time, no flicker, jumps or breaking strokes (Mc),
- ``sharpness``: the frames are sharp and clean (Mf).

Ratings are durable the moment they are given, like review decisions: one SQLite file (WAL,
``synchronous=FULL``), rows only ever inserted; a rater's latest rating of a video counts.
``symbolset bench validate --human RATINGS`` correlates them with the metrics.

Table::

    ratings(id, video, prompt_id, rater, time, legibility, temporal, sharpness)   append-only
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from contextlib import closing
from pathlib import Path

from symbolset.errors import SymbolSetError

CRITERIA = ("legibility", "temporal", "sharpness")
CRITERIA_HELP = {
    "legibility": "legibility / correctness: the symbols asked for are there, right and readable",
    "temporal": "temporal coherence: no flicker, jumps, or strokes breaking between frames",
    "sharpness": "sharpness: clean, sharp frames",
}
_SCHEMA = """
CREATE TABLE IF NOT EXISTS ratings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    video TEXT NOT NULL,
    prompt_id TEXT NOT NULL,
    rater TEXT NOT NULL,
    time REAL NOT NULL,
    legibility INTEGER NOT NULL CHECK (legibility BETWEEN 1 AND 5),
    temporal INTEGER NOT NULL CHECK (temporal BETWEEN 1 AND 5),
    sharpness INTEGER NOT NULL CHECK (sharpness BETWEEN 1 AND 5)
);
CREATE INDEX IF NOT EXISTS ratings_video ON ratings (video, id);
"""


class RatingStore:
    """Durable 1-5 ratings in one SQLite file (safe for several processes at once)."""

    def __init__(self, path: str | Path, *, create: bool = True):
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise SymbolSetError(f"{self.path}: no such ratings database")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(self._connect()) as db:
                db.execute("PRAGMA journal_mode=WAL")
                db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise SymbolSetError(f"{self.path}: not a ratings database ({exc})") from None
        except OSError as exc:
            raise SymbolSetError(f"{self.path}: cannot create ({exc.strerror})") from None

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.execute("PRAGMA synchronous=FULL")  # a given rating survives a crash or power loss
        db.execute("PRAGMA busy_timeout=30000")
        db.row_factory = sqlite3.Row
        return db

    def record(self, video: str, prompt_id: str, rater: str, scores: dict) -> int:
        """Store one rating (committed before returning); ``scores``: each criterion -> 1..5."""
        rater = (rater or "").strip()
        if not rater:
            raise SymbolSetError("a rating needs a rater name")
        values = []
        for c in CRITERIA:
            v = scores.get(c)
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            if not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= 5:
                raise SymbolSetError(f"rating {c}: expected an integer 1..5, got {v!r}")
            values.append(v)
        with closing(self._connect()) as db:
            cur = db.execute("INSERT INTO ratings (video, prompt_id, rater, time, legibility, temporal, sharpness) VALUES (?, ?, ?, ?, ?, ?, ?)",
                             (video, prompt_id, rater, time.time(), *values))  # fmt: skip
            return int(cur.lastrowid)

    def ratings(self) -> list[dict]:
        """Every rating, oldest first."""
        with closing(self._connect()) as db:
            return [dict(r) for r in db.execute("SELECT * FROM ratings ORDER BY id")]

    def rated(self, rater: str) -> set[str]:
        """Videos ``rater`` has rated."""
        with closing(self._connect()) as db:
            return {r[0] for r in db.execute("SELECT DISTINCT video FROM ratings WHERE rater = ?", (rater,))}


def video_scores(ratings: list[dict]) -> dict[str, dict]:
    """Per video: each criterion's mean over raters (each rater's latest rating counts), their
    mean as ``overall``, the prompt id and the number of raters."""
    latest: dict[str, dict[str, dict]] = {}
    for r in ratings:
        latest.setdefault(r["video"], {})[r["rater"]] = r
    out = {}
    for video, by_rater in latest.items():
        rs = list(by_rater.values())
        s = {c: sum(r[c] for r in rs) / len(rs) for c in CRITERIA}
        s["overall"] = sum(s[c] for c in CRITERIA) / len(CRITERIA)
        out[video] = {**s, "prompt_id": rs[-1]["prompt_id"], "raters": len(rs)}
    return out


def rating_queue(results: str | Path, seed: int = 0) -> list[dict]:
    """The scored videos of a results folder (its ``scores.jsonl``) in a seeded order that does not
    follow the run's (so a rater is not led by the prompt order): ``{"video", "id", "family"}``."""
    from symbolset.bench.compare import load_scores

    rows = [r for r in load_scores(results) if not r.get("error") and r.get("video")]
    if not rows:
        raise SymbolSetError(f"{results}: no scored video to rate")
    items = [{"video": str(r["video"]), "id": r["id"], "family": str(r.get("family"))} for r in rows]
    return sorted(items, key=lambda it: hashlib.sha256(f"{seed}:{it['video']}".encode()).hexdigest())


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

