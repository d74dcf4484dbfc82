"""The Backward and Unpooling pages in a real browser: a deep link as a fresh server's first
request, and by the navigation after changes elsewhere in the same tab."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from scripts.browser import act_and_settle, assert_no_exception, open_app, streamlit_server_process, wait_for_plotly

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("path, shows", [("backward", "0 1 0 1 1 0 0 1 1 0"), ("unpool", "not 5")])
def test_a_deep_link_on_a_fresh_server(page, tmp_path, path, shows):
    with streamlit_server_process(tmp_path / "server.log") as base_url:
        open_app(page, base_url, path)
        wait_for_plotly(page)
        expect(page.get_by_text(shows).first).to_be_visible()
        assert_no_exception(page)


def test_by_the_navigation_after_changes_elsewhere(page, streamlit_server):
    open_app(page, streamlit_server, "pool_1d")
    slider = page.locator(".st-key-pool_1d__kernel_size").get_by_role("slider")
    act_and_settle(page, lambda: (slider.focus(), page.keyboard.press("ArrowRight")))
    for title, shows in (("Backward", "matches torch autograd"), ("Unpooling", "output_size")):
        link = page.locator('[data-testid="stSidebarNav"] a', has_text=title)
        act_and_settle(page, lambda link=link: link.click(), quiet_s=10)
        wait_for_plotly(page)
        expect(page.get_by_text(shows).first).to_be_visible()
        act_and_settle(page, lambda: page.get_by_role("button", name="step ▶").click())
        assert page.locator(".pooling-step").inner_text().startswith("Step 2 of")
        assert_no_exception(page)
    expect(page.get_by_text("0 4 0 3").first).to_be_visible()
