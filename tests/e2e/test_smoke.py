"""The app starts, shows its title in a real browser, and stays offline."""

import pytest
from playwright.sync_api import expect

from scripts.browser import act_and_settle, assert_no_exception, open_app

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


def test_no_page_loads_streamlits_syntax_highlighter(page, streamlit_server):
    """Every page in one tab, by the sidebar: none asks for Streamlit's 1.5 MB syntax-highlighting
    bundle, which ``st.code`` (or a markdown code fence) would load on the first view and render
    through on every rerun (ui/code_html.py replaces them; measured there). A page that brings
    one back fails here, and the code is still on screen, coloured."""
    from ui import navigation  # noqa: PLC0415

    scripts = []
    page.on("request", lambda request: scripts.append(request.url) if request.url.endswith(".js") else None)
    open_app(page, streamlit_server)
    with_code = set()
    for spec in navigation.PAGES[1:]:
        link = page.locator('[data-testid="stSidebarNav"] a', has_text=spec.title).first
        act_and_settle(page, link.click)
        assert_no_exception(page)
        if page.locator(".pooling-code").count():
            with_code.add(spec.name)
    assert with_code >= {"pool_1d", "channels", "torch_api", "pool_2d", "backward", "unpool", "pool_3d"}, with_code
    loaded = [url.rsplit("/", 1)[-1] for url in scripts]
    assert len(loaded) > 40, loaded  # the app's own chunks were seen: the listener works
    assert not [name for name in loaded if "SyntaxHighlighter" in name], loaded
    assert page.locator(".pooling-code .token.keyword").count(), "no coloured keyword on the last page"
