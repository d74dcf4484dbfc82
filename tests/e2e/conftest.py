"""Fixtures for browser tests: a running app, a headless Chromium, and a watched page.

Browser tests use Debian's `chromium` (`apt-get install chromium`), not a browser downloaded by
Playwright. Without it they skip with a reason, or fail when POOLING_LAB_REQUIRE_BROWSER is set
(CI sets it). POOLING_LAB_CHROMIUM=/path/to/chromium picks another binary; pointing it at a
missing file is how the skip path is tested.
"""

import os

import pytest
from playwright.sync_api import sync_playwright

from scripts.browser import (  # noqa: F401 - CHROMIUM_ARGS and OFFLINE_PROXY re-exported
    CHROMIUM_ARGS,
    OFFLINE_PROXY,
    REPO_ROOT,
    ServerStartError,
    find_chromium,
    streamlit_server_process,
    watch_page,
)


def _browser_required() -> bool:
    return os.environ.get("POOLING_LAB_REQUIRE_BROWSER", "") not in ("", "0")


@pytest.fixture(scope="session")
def streamlit_server(tmp_path_factory):
    """Run `streamlit run app.py` on a free local port; yield its base URL."""
    log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
    try:
        with streamlit_server_process(log_path) as base_url:
            yield base_url
    except ServerStartError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def browser():
    """A headless Debian Chromium driven by Playwright, kept offline."""
    executable = find_chromium()
    if executable is None:
        reason = (
            "no Chromium found (looked for POOLING_LAB_CHROMIUM, else `chromium` on PATH): "
            "install Debian's chromium with `apt-get install chromium` to run browser tests"
        )
        if _browser_required():
            pytest.fail(f"POOLING_LAB_REQUIRE_BROWSER is set but {reason}")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS, proxy=OFFLINE_PROXY
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh page (own context, 1400x900) whose requests and script runs are recorded.

    After the test it fails if the page requested anything other than 127.0.0.1/localhost.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    watch_page(page)
    yield page
    context.close()
    assert page.external_requests == [], f"The app made requests outside localhost: {page.external_requests}"
