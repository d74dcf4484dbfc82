"""Exports and exact reproduction in a real browser: both downloads on every animated page, saved
through the browser's download and opened with pillow (and equal to what scripts/render.py makes
from the page's URL); a link with ``step=4`` opened in two fresh browser contexts gives the same
screenshot; ``?embed=true`` works on every page, in an iframe too."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from scripts.browser import act_and_settle, assert_no_exception, open_app, wait_for_plotly, watch_page
from ui import export, navigation, state
from ui.export.pages import from_link
from ui.palette import LIGHT

pytestmark = pytest.mark.e2e

ANIMATED = {
    "pool_1d": "pool_1d?kernel_size=3&stride=1&padding=1&step=4",
    "pool_2d": "pool_2d?kernel_size=2,3&padding=1&step=2",
    "channels": "channels",
    "images": "images?kernel_size=3&stride=2&padding=1&step=5",
    "invariance": "invariance?shift=2",
    "fractional": "fractional?step=5",
    "backward": "backward?dims=2-D&function=avg_pool2d&kernel_size=3&stride=2&padding=1&step=4",
    "unpool": "unpool?x=1,4,-1,3,2&output_size=5&step=1",
    "pool_3d": "pool_3d?kernel_size=1,2,2&padding=0,1,1&step=5",
}


def download(page: Page, name: str, kind: str, folder: Path) -> Path:
    """Click the page's ``kind`` ("png" or "gif") button and save what the browser downloads."""
    button = page.locator(f".st-key-{state.private_key(name, kind)}").get_by_role("button")
    expect(button).to_contain_text(kind.upper())
    with page.expect_download(timeout=30_000) as started:
        button.click()
    saved = folder / started.value.suggested_filename
    started.value.save_as(saved)
    return saved


@pytest.mark.parametrize("name", ANIMATED)
def test_both_downloads_are_the_pictures_of_the_view(page, streamlit_server, name, tmp_path):
    open_app(page, streamlit_server, ANIMATED[name])
    wait_for_plotly(page)
    linked = from_link(name + "?" + urlsplit(page.url).query)  # the address bar after the run
    for kind in ("png", "gif"):
        saved = download(page, name, kind, tmp_path)
        with Image.open(saved) as image:
            assert image.format == kind.upper() and image.width == export.SLIDES
            frames = getattr(image, "n_frames", 1)
        if kind == "png":
            expected = export.render_png(linked.subject, linked.step, LIGHT)
            assert saved.name == export.filename_of(linked.subject, "png", linked.step)
        else:
            expected = export.render_gif(linked.subject, LIGHT)
            assert frames == export.picture(linked.subject, LIGHT).count > 1
        assert saved.read_bytes() == expected, f"{saved.name}: the download differs from scripts/render.py's"
    assert_no_exception(page)


def fresh_screenshot(browser, base_url: str, path: str) -> np.ndarray:
    """The view of ``path`` in a brand-new browser context (no cookie, no session)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        watch_page(page)
        open_app(page, base_url, path)
        wait_for_plotly(page)
        expect(page.locator(".pooling-step")).to_contain_text("Step 5 of")
        page.mouse.move(0, 0)  # no hover effect anywhere
        page.wait_for_timeout(300)  # let Plotly finish its transitions
        shot = page.screenshot(animations="disabled", caret="hide")
        assert page.external_requests == []
        assert "step=4" in urlsplit(page.url).query
        return np.asarray(Image.open(BytesIO(shot)).convert("RGB"))
    finally:
        context.close()


def test_a_link_reproduces_the_view_pixel_for_pixel(browser, streamlit_server):
    path = "pool_2d?kernel_size=2,3&padding=1&step=4"
    first = fresh_screenshot(browser, streamlit_server, path)
    second = fresh_screenshot(browser, streamlit_server, path)
    assert first.shape == second.shape
    differing = np.argwhere((first != second).any(axis=-1))
    assert not len(differing), f"{len(differing)} pixels differ, e.g. at (y, x) {differing[:5].tolist()}"


def test_embed_works_on_every_page(page, streamlit_server):
    for name in navigation.NAMES:
        open_app(page, streamlit_server, f"{name}?embed=true")
        assert_no_exception(page)
        expect(page.locator('[data-testid="stToolbar"]')).to_have_count(0)  # Streamlit's chrome is gone
        expect(page.locator('[data-testid="stMain"]')).to_be_visible()
        if name in ("pool_1d", "pool_2d"):
            act_and_settle(page, lambda: page.get_by_role("button", name="step ▶").click())
            assert "step=1" in page.url, page.url
        assert "embed=true" in page.url, page.url  # the URL the page writes after each run keeps it


def test_the_readme_iframe_snippet_shows_a_course_page(page, streamlit_server):
    """The README's snippet, in a page of its own (a course's HTML) on another origin."""
    source = f"{streamlit_server}/pool_1d?kernel_size=3&stride=1&padding=1&step=4&embed=true&embed_options=light_theme"
    page.set_content(f'<iframe src="{source}" width="1000" height="720" style="border:0" '
                     'title="Pooling Lab: max_pool1d, one window at a time"></iframe>')  # fmt: skip
    frame = page.frame_locator("iframe")
    expect(frame.locator(".pooling-step")).to_contain_text("Step 5 of 10", timeout=30_000)
    expect(frame.locator('[data-testid="stException"]')).to_have_count(0)
