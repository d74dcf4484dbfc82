"""axe-core (bundled by axe-playwright-python) on every page, light and dark, plain and presenting:
no serious or critical violation. And a browser that prefers dark gets a dark app and dark figures."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from scripts.browser import assert_no_exception, open_app, wait_for_plotly, watch_page
from ui import navigation
from ui.palette import DARK

pytestmark = pytest.mark.e2e

AXE = Axe()
PATHS = ["" if name == "home" else name for name in navigation.NAMES]


def _serious(page) -> list[str]:
    results = AXE.run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — {violation['nodes'][0]['target']}"
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("present", ["", "present=1"], ids=["plain", "presenting"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violation_on_any_page(browser, streamlit_server, scheme, present):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    watch_page(page)
    found = {}
    try:
        for path in PATHS:
            open_app(page, streamlit_server, f"{path}?{present}" if present else path)
            if page.locator('[data-testid="stPlotlyChart"]').count():
                wait_for_plotly(page)
            assert_no_exception(page)
            problems = _serious(page)
            if problems:
                found[path or "home"] = problems
        assert page.external_requests == []
    finally:
        context.close()
    assert not found, found


def test_a_browser_that_prefers_dark_gets_a_dark_app_and_dark_figures(browser, streamlit_server):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, color_scheme="dark")
    page = context.new_page()
    watch_page(page)
    try:
        open_app(page, streamlit_server, "pool_1d")
        wait_for_plotly(page)
        background = page.locator('[data-testid="stApp"]').evaluate("e => getComputedStyle(e).backgroundColor")
        red, green, blue = (int(v) for v in background.strip("rgba()").split(",")[:3])
        assert red + green + blue < 3 * 60, f"the app is not dark: {background}"
        paper = page.evaluate("() => document.querySelector('.js-plotly-plot')._fullLayout.paper_bgcolor")
        assert paper.lower() == DARK.background, paper
    finally:
        context.close()
