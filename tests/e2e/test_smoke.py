"""The app starts, shows its title in a real browser, and stays offline."""

import pytest
from playwright.sync_api import expect

from scripts.browser import assert_no_exception, open_app

pytestmark = pytest.mark.e2e


def test_app_opens_with_title_and_no_external_requests(page, streamlit_server, tmp_path):
    open_app(page, streamlit_server)

    expect(page.get_by_role("heading", name="Pooling Lab")).to_be_visible()
    assert_no_exception(page)
    assert page.external_requests == []

    screenshot = tmp_path / "home.png"
    page.screenshot(path=screenshot, full_page=True)
    assert screenshot.stat().st_size > 10_000, "a blank page would compress to almost nothing"
    print(f"screenshot: {screenshot}")
