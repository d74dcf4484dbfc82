"""Every page on a phone (390×844, touch, no hover, a phone's browser): nothing breaks, the controls
are labelled and reachable from the sidebar, no control covers another, and no two titles of a
figure run into each other."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from scripts.browser import act_and_settle, assert_no_exception, open_app, wait_for_plotly, watch_page
from ui import navigation

pytestmark = pytest.mark.e2e

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.0 Mobile/15E148 Safari/604.1"
)
PATHS = ["" if name == "home" else name for name in navigation.NAMES]

# Boxes of the visible controls of the main column, and of each chart's titles (annotations).
_CONTROL_BOXES = """() => [...document.querySelectorAll(
        '[data-testid="stMain"] button, [data-testid="stMain"] input, [data-testid="stMain"] textarea,'
        + ' [data-testid="stMain"] [role="slider"]')]
    .filter(e => e.offsetParent !== null && e.type !== 'file' && e.type !== 'radio' && e.type !== 'checkbox')
    // the content of a closed expander is not shown (its boxes stay laid out under the summary)
    .filter(e => !e.closest('details:not([open]) > :not(summary)'))
    .map(e => { const r = e.getBoundingClientRect(); return {x: r.x, y: r.y, w: r.width, h: r.height,
                 name: e.getAttribute('aria-label') || e.innerText || e.tagName}; })
    .filter(b => b.w > 0 && b.h > 0)"""
_TITLE_BOXES = """() => [...document.querySelectorAll('.js-plotly-plot')].map(plot =>
    [...plot.querySelectorAll('g.annotation')].map(g => { const r = g.getBoundingClientRect();
        return {x: r.x, y: r.y, w: r.width, h: r.height, name: g.textContent}; }).filter(b => b.w > 0))"""


def _overlap(a: dict, b: dict, slack: float = 1.0) -> bool:
    return (a["x"] + slack < b["x"] + b["w"] and b["x"] + slack < a["x"] + a["w"]
            and a["y"] + slack < b["y"] + b["h"] and b["y"] + slack < a["y"] + a["h"])  # fmt: skip


def _pairs(boxes: list[dict]):
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if _overlap(a, b) and not (a["name"] == b["name"] and a["x"] == b["x"]):
                yield a["name"], b["name"]


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  device_scale_factor=2, user_agent=IPHONE)  # fmt: skip
    page = context.new_page()
    watch_page(page)
    yield page
    context.close()
    assert page.external_requests == []


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p or "home")
def test_every_page_works_on_a_phone(phone, streamlit_server, path):
    open_app(phone, streamlit_server, path)
    if phone.locator('[data-testid="stPlotlyChart"]').count():
        wait_for_plotly(phone)
    assert_no_exception(phone)
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 392, f"the page is {width} px wide: it scrolls sideways on a 390 px phone"
    covered = list(_pairs(phone.evaluate(_CONTROL_BOXES)))
    assert not covered, f"controls cover each other: {covered[:5]}"
    for titles in phone.evaluate(_TITLE_BOXES):
        collided = list(_pairs(titles))
        assert not collided, f"figure titles run into each other: {collided[:5]}"
    serious = [v["id"] for v in Axe().run(phone).response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, serious


def test_the_parameters_are_reachable_on_a_phone(phone, streamlit_server):
    """The sidebar starts closed on a phone; its button opens it, and the first control is labelled."""
    open_app(phone, streamlit_server, "pool_1d")
    opener = phone.locator('[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapsedControl"] button')
    act_and_settle(phone, lambda: opener.first.click(), quiet_s=1)
    kernel = phone.get_by_role("slider", name="kernel_size")
    kernel.wait_for(timeout=5000)
    assert kernel.is_visible()
    act_and_settle(phone, lambda: (kernel.focus(), phone.keyboard.press("ArrowRight")))
    assert "kernel_size=3" in phone.url
    assert_no_exception(phone)
