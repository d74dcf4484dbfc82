"""The Fractional and 3-D pages in a real browser: each loads as the first request of a fresh server
(a deep link), and by the navigation after changes on other pages; no exception, the step buttons
move the step (and the URL), a typed change reruns the page, and the badge says it matches torch."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from scripts.browser import act_and_settle, assert_no_exception, broken, choose, open_app, streamlit_server_process
from ui import navigation, state

pytestmark = pytest.mark.e2e

TITLES = {"fractional": "Fractional max pooling", "pool_3d": "3-D pooling on a volume"}
DEEP_LINKS = {
    "fractional": ("fractional?kernel_size=3&output_size=4&seed=5&step=2", "Step 3 of 16."),
    "pool_3d": ("pool_3d?function=avg_pool3d&kernel_size=2,3,3&padding=1&step=1", "Step 2 of 12."),
}


def step_line(page: Page) -> str:
    return page.locator(".pooling-step").inner_text()


def _switch(page: Page, name: str) -> None:
    link = page.locator('[data-testid="stSidebarNav"] a', has_text=navigation.BY_NAME[name].title).first
    act_and_settle(page, lambda: link.click(), quiet_s=10.0)


def _healthy(page: Page, name: str) -> None:
    problem = broken(page)
    assert problem is None, f"/{name}: {problem}"
    expect(page.get_by_role("heading", name=TITLES[name])).to_be_visible()
    expect(page.get_by_text(re.compile("matches torch exactly"))).to_be_visible()
    assert page.locator('[data-testid="stPlotlyChart"]').count() >= 1


def _steps_work(page: Page, name: str) -> None:
    first = step_line(page)
    count = int(re.search(r"of (\d+)\.", first).group(1))
    number = int(re.search(r"Step (\d+)", first).group(1))
    act_and_settle(page, lambda: page.get_by_role("button", name="step ▶").click())
    assert step_line(page).startswith(f"Step {min(number + 1, count)} of {count}.")
    page.wait_for_function(f"() => location.search.includes('step={min(number, count - 1)}')", timeout=10_000)
    act_and_settle(page, lambda: page.get_by_role("button", name="◀ step").click())
    assert step_line(page).startswith(f"Step {number} of {count}.")
    assert_no_exception(page)


@pytest.mark.parametrize("name", ["fractional", "pool_3d"])
def test_deep_link_is_the_first_request_of_a_fresh_server(page, tmp_path, name):
    path, first_step = DEEP_LINKS[name]
    with streamlit_server_process(tmp_path / "server.log") as base_url:
        open_app(page, base_url, path)
        nav = page.locator('[data-testid="stSidebarNav"]')
        expect(nav.get_by_text(navigation.BY_NAME[name].title)).to_be_visible()
        _healthy(page, name)
        assert step_line(page).startswith(first_step)
        page.wait_for_timeout(300)  # a "Page not found" dialog would come with the first messages
        assert page.get_by_text("Page not found").count() == 0
        assert "page_not_found" not in page.message_types
        _steps_work(page, name)


def test_by_the_navigation_after_changes_elsewhere(page, streamlit_server):
    open_app(page, streamlit_server, "pool_2d")
    box = page.locator(f".st-key-{state.key('pool_2d', 'kernel_size')} input")
    act_and_settle(page, lambda: (box.fill("3"), box.press("Enter")))
    act_and_settle(page, lambda: choose(page, "pool_2d__function", "avg_pool2d"))
    assert broken(page) is None

    _switch(page, "fractional")
    _healthy(page, "fractional")
    assert step_line(page).startswith("Step 1 of 16.")  # its own defaults, not the 2-D page's kernel
    _steps_work(page, "fractional")
    ratio = page.locator(f".st-key-{state.key('fractional', 'by')}").get_by_text("output_ratio", exact=True)
    act_and_settle(page, lambda: ratio.click())
    expect(page.locator(f".st-key-{state.key('fractional', 'output_size')} input")).to_be_disabled()
    seed = page.locator(f".st-key-{state.key('fractional', 'seed')} input")
    act_and_settle(page, lambda: (seed.fill("3"), seed.press("Enter")))
    _healthy(page, "fractional")
    assert "by=output_ratio" in page.url and "seed=3" in page.url

    _switch(page, "pool_3d")
    _healthy(page, "pool_3d")
    assert step_line(page).startswith("Step 1 of 8.")
    _steps_work(page, "pool_3d")
    kernel = page.locator(f".st-key-{state.key('pool_3d', 'kernel_size')} input")
    act_and_settle(page, lambda: (kernel.fill("1, 2, 2"), kernel.press("Enter")))
    _healthy(page, "pool_3d")
    assert step_line(page).startswith("Step 1 of 16.")

    _switch(page, "pool_1d")
    assert broken(page) is None
    _switch(page, "fractional")  # as it was left
    _healthy(page, "fractional")
    expect(page.locator(f".st-key-{state.key('fractional', 'seed')} input")).to_have_value("3")
    _switch(page, "pool_3d")
    _healthy(page, "pool_3d")
    expect(kernel).to_have_value("1, 2, 2")
