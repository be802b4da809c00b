"""Rating mode: the durable rating store, and ``symbolset view RESULTS --rate`` driven through
gradio_client against a real server (a restart resumes from the SQLite file alone)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import gradio  # noqa: F401
import gradio_client  # noqa: F401
import pytest
from test_viewer import ViewerProcess

from symbolset.bench.prompts import build_prompts, write_prompts
from symbolset.bench.ratings import RatingStore, rating_queue, video_scores
from symbolset.cli import main
from symbolset.errors import SymbolSetError
from symbolset.layout import iter_rows


@pytest.fixture(scope="module")
def results(tiny_dir, tmp_path_factory):
    """A bench run folder as `bench run` leaves it: scores.jsonl over real videos, one missing."""
    root = tmp_path_factory.mktemp("rate") / "run"
    (root / "videos").mkdir(parents=True)
    rows = []
    for k, r in enumerate(iter_rows(tiny_dir, "test", columns=["id", "family", "video"])):
        if k >= 3:
            rows.append({"id": r["id"], "family": r["family"], "video": None, "error": "missing"})
            break
        path = root / "videos" / f"{r['id']}.mp4"
        path.write_bytes(r["video"]["bytes"])
        rows.append({"id": r["id"], "family": r["family"], "video": str(path), "match": 0.9})
    (root / "scores.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    write_prompts(build_prompts(tiny_dir, split="test", per_family=1), root / "prompts.jsonl")
    return root


def test_store_is_insert_only_and_checks_scores(tmp_path):
    store = RatingStore(tmp_path / "r.sqlite")
    store.record("a.mp4", "p0", "ann", {"legibility": 2, "temporal": 3, "sharpness": 4})
    store.record("a.mp4", "p0", "ann", {"legibility": 4, "temporal": 4, "sharpness": 4})  # a change of mind: a new row
    RatingStore(tmp_path / "r.sqlite").record("a.mp4", "p0", "bob", {"legibility": 5, "temporal": 5, "sharpness": 5})
    assert len(store.ratings()) == 3
    scores = video_scores(store.ratings())["a.mp4"]
    assert scores["legibility"] == 4.5 and scores["raters"] == 2 and scores["overall"] == 4.5
    for bad in ({"legibility": 6, "temporal": 3, "sharpness": 3}, {"legibility": 3, "temporal": None, "sharpness": 3}):
        with pytest.raises(SymbolSetError, match="expected an integer 1..5"):
            store.record("a.mp4", "p0", "ann", bad)
    with pytest.raises(SymbolSetError, match="rater"):
        store.record("a.mp4", "p0", " ", {"legibility": 3, "temporal": 3, "sharpness": 3})
    with sqlite3.connect(tmp_path / "r.sqlite") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_rating_page_handlers_in_process(results, tmp_path):
    """The rating page's handlers called directly (the served page is the slow test below)."""
    from symbolset.viewer.ratings import RatingApp

    queue = [it["video"] for it in rating_queue(results)]
    app = RatingApp(results, rater="ann", ratings_path=tmp_path / "r.sqlite", prompts=results / "prompts.jsonl")
    progress, first, video, prompt, _ = app.resume("ann")
    assert first == queue[0] and "0** of 3" in progress and Path(video).is_file() and len(prompt) > 40
    progress, second, *_ = app.save("ann", first, 2, 4, 5)
    assert second == queue[1] and "1** of 3" in progress
    assert app.skip("ann", second)[1] == queue[2]
    (row,) = RatingStore(tmp_path / "r.sqlite").ratings()
    assert (row["video"], row["rater"], row["legibility"], row["temporal"], row["sharpness"]) == (first, "ann", 2, 4, 5)
    assert RatingApp(results, rater="ann", ratings_path=tmp_path / "r.sqlite").resume("ann")[1] == queue[1]  # resumes from the file


@pytest.mark.slow  # end to end: a served viewer in a subprocess
def test_rate_mode_through_the_browser_api(results, tmp_path, capsys):
    queue = [it["video"] for it in rating_queue(results)]
    assert len(queue) == 3  # the missing video is not offered
    log = tmp_path / "viewer.log"
    server = ViewerProcess(str(results), "--rate", "--rater", "ann", "--prompts", str(results / "prompts.jsonl"), log=log)
    try:
        client = server.client()
        progress, first, video, prompt, _ = client.predict("ann", api_name="/rate_resume")
        assert first == queue[0] and "0** of 3" in progress and Path(video["video"] if isinstance(video, dict) else video).is_file()
        assert "with --prompts" not in prompt and len(prompt) > 40  # the prompt's caption is shown
        progress, second, *_ = client.predict("ann", first, 2, 4, 5, api_name="/rate_save")
        assert second == queue[1] and "1** of 3" in progress
        _, third, *_ = client.predict("ann", second, api_name="/rate_skip")
        assert third == queue[2]
    finally:
        server.stop()
    (row,) = RatingStore(results / "ratings.sqlite").ratings()
    assert (row["video"], row["rater"], row["legibility"], row["temporal"], row["sharpness"]) == (first, "ann", 2, 4, 5)
    server = ViewerProcess(str(results), "--rate", "--rater", "ann", log=log)  # restart: resumes from the file
    try:
        client = server.client()
        progress, nxt, *_ = client.predict("ann", api_name="/rate_resume")
        assert nxt == queue[1] and "1** of 3" in progress
        assert client.predict("bob", api_name="/rate_resume")[1] == queue[0]  # another rater starts afresh
    finally:
        server.stop()
    assert main(["view", str(results), "--rate"]) == 1
    assert "--rater" in capsys.readouterr().err
