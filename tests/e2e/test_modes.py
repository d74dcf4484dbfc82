"""The lecture's modes in a real browser: predict-then-reveal (``?mode=predict``), presentation
(``?present=1``) at projector sizes, keyboard-only walks, and ``hide=``."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from playwright.sync_api import Page, expect

from scripts.browser import act_and_settle, assert_no_exception, code_texts, open_app, wait_for_plotly
from ui import data, navigation, state

pytestmark = pytest.mark.e2e

SLIDE_OUTPUT = repr(F.max_pool2d(torch.from_numpy(data.LECTURE_X), (1, 2)))


def page_text(page: Page) -> str:
    """Everything a person can read on the page, figures' text included."""
    return page.locator("body").inner_text() + " ".join(page.locator("svg text").all_text_contents())


def guess(page: Page, page_name: str, number: int, text: str) -> None:
    """Type ``text`` into the ``number``-th answer box of predict mode."""
    box = page.locator(f".st-key-{state.private_key(page_name, 'quiz')} input[type=text]").nth(number)
    act_and_settle(page, lambda: (box.fill(text), box.press("Enter")))


def marks(page: Page) -> list[str]:
    return page.locator(".pooling-mark").all_inner_texts()


def test_predict_mode_on_the_1d_page_hides_the_lectures_output_until_reveal(page, streamlit_server):
    open_app(page, streamlit_server, "pool_1d?mode=predict")
    wait_for_plotly(page)
    assert "4 0 2 3 3" not in page_text(page)
    assert "Predict first" in page_text(page)
    guess(page, "pool_1d", 0, "4 0 2 3 2")  # the last cell wrong
    act_and_settle(page, lambda: page.get_by_role("button", name="Check").click())
    first = marks(page)[0]
    assert "y[0] ✅" in first and "y[3] ✅" in first and "y[4] ❌" in first, first
    assert "4 0 2 3 3" not in page_text(page)  # checking does not give the answer away
    guess(page, "pool_1d", 0, "4 0 2 3 3")
    assert "❌" not in marks(page)[0] and marks(page)[0].count("✅") == 5, marks(page)
    act_and_settle(page, lambda: page.get_by_role("button", name="Reveal").click())
    wait_for_plotly(page)
    expect(page.get_by_text("4 0 2 3 3").first).to_be_visible()
    assert "mode=predict" in page.url
    assert_no_exception(page)


def test_predict_mode_on_the_channels_page_hides_the_slides_result_until_reveal(page, streamlit_server):
    open_app(page, streamlit_server, "channels?mode=predict")
    assert SLIDE_OUTPUT not in page_text(page)
    assert "tensor([[[[2., 1., 2.]" not in page_text(page)
    # Nothing typed yet: Check marks nothing right.
    act_and_settle(page, lambda: page.get_by_role("button", name="Check").click())
    assert not any("✅" in mark for mark in marks(page)[:1]), marks(page)
    act_and_settle(page, lambda: page.get_by_role("button", name="Reveal").click())
    assert SLIDE_OUTPUT in code_texts(page)
    assert_no_exception(page)


LECTURE_PAGES = [spec.name for spec in navigation.PAGES if spec.section == navigation.LECTURE]
# Beyond the slides, every page's first screen holds its figure and its step sentence too, at
# 1920×1080 and at 1280×720; on Images the figure is the three pictures, and the step sentence
# belongs to the zoom section under them (a screen lower, by design).
FIT_720 = [*LECTURE_PAGES, "pool_2d", "images", "backward", "unpool", "fractional", "pool_3d"]
FIT_1080 = [spec.name for spec in navigation.PAGES if spec.name != "home"]
STEP_BELOW = {"images"}
PRESENTED = [(name, (1280, 720)) for name in FIT_720] + [(name, (1920, 1080)) for name in FIT_1080]


def inside_first_screen(page: Page, locator) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= size["height"] + 1 and box["x"] >= 0


@pytest.mark.parametrize(("name", "size"), PRESENTED, ids=[f"{n}-{w}x{h}" for n, (w, h) in PRESENTED])
def test_presentation_fits_the_first_screen(browser, streamlit_server, name, size):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    from scripts.browser import watch_page  # noqa: PLC0415

    watch_page(page)
    try:
        open_app(page, streamlit_server, f"{name}?present=1")
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.count() == 0 or not sidebar.is_visible(), "the sidebar is in sight"
        charts = page.locator('[data-testid="stPlotlyChart"]')
        if charts.count():
            wait_for_plotly(page)
            assert inside_first_screen(page, charts.first), f"/{name}: the figure is not wholly on the first screen"
        step = page.locator(".pooling-step")
        if step.count() and name not in STEP_BELOW:
            assert inside_first_screen(page, step), f"/{name}: the step sentence is not on the first screen"
        for label in ("◂", "▸"):
            assert page.get_by_role("button", name=label).count() or page.locator("button", has_text=label).count()
        assert page.external_requests == []
        assert_no_exception(page)
    finally:
        context.close()


def step_sentence(page: Page) -> str:
    return page.locator(".pooling-step").inner_text()


def test_keys_step_and_walk_the_lecture_keeping_present(page, streamlit_server):
    """The lecturer's keyboard: →/← step, PageDown/PageUp change page, present=1 stays; no mouse."""
    page.set_viewport_size({"width": 1280, "height": 720})
    open_app(page, streamlit_server, "pool_1d?present=1")
    assert step_sentence(page).startswith("Step 1 of 5")
    act_and_settle(page, lambda: page.keyboard.press("ArrowRight"))
    assert step_sentence(page).startswith("Step 2 of 5")
    act_and_settle(page, lambda: page.keyboard.press("ArrowLeft"))
    assert step_sentence(page).startswith("Step 1 of 5")
    visited = ["pool_1d"]
    for _ in range(len(navigation.NAMES) - 2):  # to the last page by PageDown
        act_and_settle(page, lambda: page.keyboard.press("PageDown"), quiet_s=10)
        page.wait_for_function("() => document.querySelector('.pooling-where') !== null")
        visited.append(page.url.split("/")[-1].split("?")[0])
        assert "present=1" in page.url, page.url
        assert_no_exception(page)
    assert visited == list(navigation.NAMES[1:]), visited
    act_and_settle(page, lambda: page.keyboard.press("PageUp"), quiet_s=10)
    assert page.url.split("/")[-1].startswith(navigation.NAMES[-2]) and "present=1" in page.url


def test_focus_stays_on_the_step_button_after_the_last_step(page, streamlit_server):
    """Tab to "step ▶" and press Enter past the end: focus never falls back to the page."""
    open_app(page, streamlit_server, "pool_1d?present=1")
    forward = page.get_by_role("button", name="step ▶")
    forward.focus()
    for _ in range(7):  # 5 steps, and twice more
        act_and_settle(page, lambda: page.keyboard.press("Enter"))
        focused = page.evaluate("() => document.activeElement?.innerText || document.activeElement?.tagName")
        assert "step" in focused, f"focus fell to {focused!r}"
    assert step_sentence(page).startswith("Step 5 of 5")
    outline = forward.evaluate("b => getComputedStyle(b).outlineStyle")
    assert outline != "none", "the focus ring is not visible"
    assert page.locator('.pooling-step[aria-live="polite"]').count() == 1  # new sentences are announced


def test_hide_removes_controls_and_is_kept_by_the_link(page, streamlit_server):
    open_app(page, streamlit_server, "pool_1d?hide=stride,padding,dilation&kernel_size=3")
    for name in ("stride", "padding", "dilation"):
        assert page.locator(f".st-key-{state.key('pool_1d', name)}").count() == 0, name
    assert page.locator(f".st-key-{state.key('pool_1d', 'kernel_size')}").count() == 1
    assert "hide=stride%2Cpadding%2Cdilation" in page.url or "hide=stride,padding,dilation" in page.url
    # and the next page keeps it: its stride box is gone too
    page.locator('[data-testid="stSidebarNav"] a', has_text="2-D pooling").click()
    page.wait_for_function("() => location.pathname.endsWith('pool_2d')")
    act_and_settle(page, lambda: None, quiet_s=3)
    assert page.locator(f".st-key-{state.key('pool_2d', 'stride')}").count() == 0
    assert "hide=" in page.url
    assert_no_exception(page)
