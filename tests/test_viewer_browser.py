"""The viewer in a real headless browser: Debian's chromium driven by Playwright (Python package only;
the browser comes from ``apt-get install chromium``, never from ``playwright install``)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium fonts-noto-cjk)", allow_module_level=True)

# Hard imports: gradio (extra "viewer") and playwright (extra "test") are the project's own dependencies,
# so a packaging break fails here instead of skipping; only the system browser may be absent.
import gradio  # noqa: E402, F401
from playwright import sync_api  # noqa: E402
from test_viewer import ViewerProcess  # noqa: E402  (the same real-server helper as the gradio_client tests)

pytestmark = pytest.mark.slow  # every test here serves the app and drives a real browser

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--autoplay-policy=no-user-gesture-required"]  # fmt: skip
WAIT_MS = 60_000  # generous upper bound for a loaded shared machine; no test asserts on speed


def non_blank(png: bytes) -> bool:
    """True when a screenshot shows content: varied pixels, not one flat colour."""
    a = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(np.int16)
    return a.std() > 8 and len(np.unique(a.reshape(-1, 3), axis=0)) > 32


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


def test_open_play_and_screenshot(browser, tiny_dir, tmp_path):
    app = ViewerProcess(str(tiny_dir), log=tmp_path / "viewer.log")
    try:
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.goto(app.url)
        page.wait_for_selector("#ss-gallery img", timeout=WAIT_MS)
        page.locator("#ss-gallery img").nth(1).click()
        sample_id = page.locator("#ss-sample-id textarea, #ss-sample-id input").first
        page.wait_for_function("""() => {
            const v = document.querySelector('#ss-video video');
            return v && v.src && v.readyState >= 2 && v.videoWidth > 0; }""", timeout=WAIT_MS)  # fmt: skip
        assert sample_id.input_value()
        # Play it and see time advance.
        page.evaluate("() => { const v = document.querySelector('#ss-video video'); v.muted = true; v.loop = true; return v.play(); }")
        page.wait_for_function("() => document.querySelector('#ss-video video').currentTime > 0", timeout=WAIT_MS)
        assert page.evaluate("() => document.querySelector('#ss-video video').videoWidth") > 0
        overlay = page.locator("#ss-overlay img").first
        overlay.wait_for(state="visible", timeout=WAIT_MS)
        page.wait_for_function("() => { const i = document.querySelector('#ss-overlay img'); return i && i.complete && i.naturalWidth > 0; }",
                               timeout=WAIT_MS)  # fmt: skip
        shot = page.screenshot(full_page=True)
        (tmp_path / "sample.png").write_bytes(shot)
        assert non_blank(shot)
        assert non_blank(page.locator("#ss-video video").screenshot())
        assert non_blank(overlay.screenshot())
    finally:
        app.stop()


def test_review_keyboard_shortcut_accepts(browser, tiny_dir, tmp_path):
    db = tmp_path / "reviews.sqlite"
    app = ViewerProcess(str(tiny_dir), "--review", "--reviewer", "kim", "--reviews", str(db), log=tmp_path / "viewer.log")
    try:
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.goto(app.url)
        progress = page.locator("#review-progress")
        progress.get_by_text("0 of").wait_for(timeout=WAIT_MS)
        first = page.locator("#review-id textarea, #review-id input").first
        page.wait_for_function("() => { const e = document.querySelector('#review-id textarea, #review-id input'); return e && e.value; }",
                               timeout=WAIT_MS)  # fmt: skip
        shown = first.input_value()
        page.locator("#review-progress").click()  # focus outside any text field
        page.keyboard.press("a")
        progress.get_by_text("1 of").wait_for(timeout=WAIT_MS)
        page.wait_for_function(
            f"() => document.querySelector('#review-id textarea, #review-id input').value !== {shown!r}", timeout=WAIT_MS
        )
        assert non_blank(page.screenshot())
    finally:
        app.stop()

    from symbolset.viewer.reviews import ReviewStore

    assert [(d["sample_id"], d["reviewer"], d["action"]) for d in ReviewStore(db).decisions()] == [(shown, "kim", "accept")]


def test_undecodable_first_video_leaves_the_gallery_working(browser, tiny_dir, tmp_path):
    """The first record (opened at page load) has an undecodable video: the gallery still shows the
    whole first page, and the page names the record instead of Gradio's generic error."""
    from test_viewer_hostile import _with_bad_video

    root, bad = _with_bad_video(tiny_dir, tmp_path)
    app = ViewerProcess(str(root), log=tmp_path / "viewer.log")
    try:
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.goto(app.url)
        page.wait_for_function("() => document.querySelectorAll('#ss-gallery img').length >= 24", timeout=WAIT_MS)
        page.get_by_text(f"record {bad}: cannot decode video").first.wait_for(timeout=WAIT_MS)
        page.locator("#ss-gallery img").nth(1).click()  # the rest of the page works: another sample opens
        page.wait_for_function("() => { const v = document.querySelector('#ss-video video'); return v && v.src; }", timeout=WAIT_MS)
    finally:
        app.stop()
