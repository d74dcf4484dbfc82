"""The 1-D page in a real browser: keyboard, URL, animation, upload, and a cold deep link.

What AppTest cannot see is checked here: the URL in the address bar, the step controls played in
the browser (timer, keys), the file chooser, and the first request on a fresh server. Every test
also checks that no Python exception is shown and (through the `page` fixture) that nothing
left localhost.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from playwright.sync_api import Page, expect

from scripts.browser import (
    COPIED_TEXT_JS,
    act_and_settle,
    assert_no_exception,
    choose,
    chosen,
    open_app,
    streamlit_server_process,
    wait_for_plotly,
    wait_for_rerun,
)
from ui import state

pytestmark = pytest.mark.e2e

LECTURE = [1, 4, -1, 0, 2, -2, 1, 3, 3, 1]

# The code block that follows the "output · shape (…)" label, read as text.
_CODE_AFTER_LABEL = """(label) => {
    const containers = [...document.querySelectorAll(
        '[data-testid="stMain"] [data-testid="stElementContainer"]')];
    const at = containers.findIndex(c => c.innerText.trim().startsWith(label + ' · shape'));
    if (at < 0) return null;
    const code = containers.slice(at).find(c => c.querySelector('.pooling-code'));
    return code ? (""" + COPIED_TEXT_JS + """)(code.querySelector('.pooling-code')).trim() : null;
}"""
# The x centre of the output cell the window figure marks (its last shape), in data coordinates.
_MARKED_OUTPUT = """() => {
    const shapes = document.querySelector('.js-plotly-plot')._fullLayout.shapes;
    const mark = shapes[shapes.length - 1];
    return (mark.x0 + mark.x1) / 2;
}"""


def code_after(page: Page, label: str, *, present: bool = True) -> str | None:
    """The text of the code block under ``label``.

    The browser may still be drawing a fresh page's elements when its first run has finished,
    so with ``present`` we wait (up to 10 s) for the block to appear; ``present=False`` reads
    it at once (for views where it must be absent: wait for something else first).
    """
    if present:
        page.wait_for_function(f"(label) => ({_CODE_AFTER_LABEL})(label) !== null", arg=label, timeout=10_000)
    return page.evaluate(_CODE_AFTER_LABEL, label)


def output_text(page: Page, *, present: bool = True) -> str | None:
    return code_after(page, "output", present=present)


def expected_text(function: str, values, **kwargs) -> str:
    """torch's output written as the page writes it (integers plain, else 3 significant digits)."""
    result = getattr(F, function)(torch.tensor([values], dtype=torch.float32), **kwargs)
    numbers = result[0].tolist()
    return " ".join(str(int(v)) if float(v).is_integer() else f"{v:.3g}" for v in numbers)


def step_line(page: Page) -> str:
    return page.locator(".pooling-step").inner_text()


def widget(page: Page, name: str):
    """The 1-D page's control of field ``name`` (its key is ``pool_1d__<name>``, see ui.state)."""
    return page.locator(f".st-key-{state.key('pool_1d', name)}")


def scrubber(page: Page):
    return page.locator(f".st-key-{state.private_key('pool_1d', 'scrub')}").get_by_role("slider")


def assert_one_step(page: Page, step: int, count: int, centres: list[float]) -> None:
    """Figure, sentence, scrubber and URL all show step ``step`` (0-based) of ``count``."""
    page.wait_for_function(f"() => document.querySelector('.pooling-step')?.innerText.startsWith('Step {step + 1} of')")
    assert step_line(page).startswith(f"Step {step + 1} of {count}.")
    wait_for_plotly(page)
    page.wait_for_function(f"() => ({_MARKED_OUTPUT})() === {centres[step]}")
    assert scrubber(page).input_value() == str(step + 1)
    assert query(page).get("step", "0") == str(step)


def query(page: Page) -> dict[str, str]:
    from urllib.parse import parse_qsl, urlsplit

    return dict(parse_qsl(urlsplit(page.url).query, keep_blank_values=True))


def test_seed_output_then_keyboard_and_radio(page, streamlit_server):
    open_app(page, streamlit_server, "pool_1d")
    assert output_text(page) == "4 0 2 3 3"
    assert code_after(page, "input x") == "1 4 -1 0 2 -2 1 3 3 1"
    expect(page.get_by_text("matches torch exactly")).to_be_visible()

    slider = widget(page, "kernel_size").get_by_role("slider")
    slider.focus()
    wait_for_rerun(page, lambda: page.keyboard.press("ArrowRight"))
    assert output_text(page) == expected_text("max_pool1d", LECTURE, kernel_size=3) == "4 2 3"
    assert query(page).get("kernel_size") == "3"
    assert slider.input_value() == "3"

    wait_for_rerun(page, lambda: page.keyboard.press("ArrowRight"))
    assert output_text(page) == expected_text("max_pool1d", LECTURE, kernel_size=4)
    assert query(page).get("kernel_size") == "4"

    # Back to the default: the parameter leaves the URL.
    wait_for_rerun(page, lambda: page.keyboard.press("ArrowLeft"))
    wait_for_rerun(page, lambda: page.keyboard.press("ArrowLeft"))
    assert output_text(page) == "4 0 2 3 3"
    assert "kernel_size" not in query(page)

    wait_for_rerun(page, lambda: choose(page, "pool_1d__function", "avg_pool1d"))
    assert output_text(page) == "2.5 -0.5 0 2 2"
    assert query(page).get("function") == "avg_pool1d"
    assert_no_exception(page)


LECTURE_CENTRES = [0.5, 2.5, 4.5, 6.5, 8.5]  # kernel_size=2: output o sits under cells 2o and 2o + 1


def test_play_pause_buttons_keys_and_scrubber_show_one_step(page, streamlit_server):
    """However a step is reached, the figure, the sentence, the scrubber and the URL agree."""
    open_app(page, streamlit_server, "pool_1d")
    assert_one_step(page, 0, 5, LECTURE_CENTRES)

    page.get_by_role("button", name="▶ Play").click()
    # 1× plays a step every 600 ms: wait for the third output, then pause.
    page.wait_for_function("() => /^Step [3-5] of 5/.test(document.querySelector('.pooling-step')?.innerText)",
                           timeout=10_000)  # fmt: skip
    page.get_by_role("button", name="⏸ Pause").click()
    page.wait_for_function("() => [...document.querySelectorAll('button')].some(b => b.innerText.includes('Play'))")
    played = int(step_line(page).split()[1]) - 1
    assert_one_step(page, played, 5, LECTURE_CENTRES)
    assert "max(" in step_line(page)
    window = LECTURE[2 * played : 2 * played + 2]
    assert f"max({', '.join(str(v).replace('-', '−') for v in window)}) = {max(window)}" in step_line(page)

    # The played frame is shareable: its link opens at the same step in a fresh tab.
    shared = page.context.new_page()
    shared.external_requests = []
    from scripts.browser import watch_page  # noqa: PLC0415

    watch_page(shared)
    open_app(shared, streamlit_server, "pool_1d?" + page.url.split("?", 1)[1])
    assert step_line(shared).startswith(f"Step {played + 1} of 5.")
    shared.close()

    page.get_by_role("button", name="◀ step").click()
    assert_one_step(page, max(played - 1, 0), 5, LECTURE_CENTRES)
    page.get_by_role("button", name="step ▶").click()
    assert_one_step(page, played, 5, LECTURE_CENTRES)

    # Keys: with no text field focused, ArrowLeft / ArrowRight step.
    page.locator("h1").click()
    page.keyboard.press("ArrowLeft")
    assert_one_step(page, max(played - 1, 0), 5, LECTURE_CENTRES)
    page.keyboard.press("ArrowRight")
    assert_one_step(page, played, 5, LECTURE_CENTRES)

    # The scrubber: focus it and press Home (step 1).
    scrubber(page).focus()
    page.keyboard.press("Home")
    assert_one_step(page, 0, 5, LECTURE_CENTRES)
    assert_no_exception(page)


def test_deep_link_sets_the_whole_state(page, streamlit_server):
    open_app(page, streamlit_server, "pool_1d?function=avg_pool1d&kernel_size=3&stride=1&padding=1&step=4")
    assert chosen(page, "pool_1d__function") == "avg_pool1d"
    assert widget(page, "kernel_size").get_by_role("slider").input_value() == "3"
    assert widget(page, "padding").get_by_role("slider").input_value() == "1"
    assert output_text(page) == expected_text("avg_pool1d", LECTURE, kernel_size=3, stride=1, padding=1)
    assert_one_step(page, 4, 10, [float(o) for o in range(10)])  # stride 1, padding 1: output o centred on cell o

    # From there, more changes by keyboard and click: each view is torch's.
    widget(page, "stride").get_by_role("slider").focus()
    wait_for_rerun(page, lambda: page.keyboard.press("ArrowRight"))  # stride 1 → 2
    avg = dict(kernel_size=3, stride=2, padding=1)
    assert output_text(page) == expected_text("avg_pool1d", LECTURE, **avg)
    wait_for_rerun(page, lambda: widget(page, "ceil_mode").locator("label").first.click())
    assert output_text(page) == expected_text("avg_pool1d", LECTURE, **avg, ceil_mode=True)
    wait_for_rerun(page, lambda: widget(page, "count_include_pad").locator("label").first.click())
    assert output_text(page) == expected_text("avg_pool1d", LECTURE, **avg, ceil_mode=True, count_include_pad=False)
    expected_query = {"function": "avg_pool1d", "kernel_size": "3", "stride": "2", "padding": "1", "ceil_mode": "true"}
    assert expected_query.items() <= query(page).items()
    assert query(page).get("count_include_pad") == "false"
    assert_no_exception(page)


def test_invalid_and_bad_link_values_are_explained(page, streamlit_server):
    open_app(page, streamlit_server, "pool_1d?kernel_size=2&padding=2")
    expect(page.get_by_text("padding should be at most half of kernel_size").first).to_be_visible()
    assert output_text(page, present=False) is None
    assert_no_exception(page)

    open_app(page, streamlit_server, "pool_1d?kernel_size=abc")
    expect(page.get_by_text("kernel_size=abc from the link")).to_be_visible()
    assert output_text(page) == "4 0 2 3 3"
    assert_no_exception(page)


def test_csv_upload_through_the_file_chooser(page, streamlit_server):
    open_app(page, streamlit_server, "pool_1d")
    values = [5, 1, 7, 2, -3, 8, 0]
    csv = ("signal\n" + "\n".join(str(v) for v in values) + "\n").encode()
    chooser = page.locator(f".st-key-{state.private_key('pool_1d', 'csv')} input[type=file]")
    wait_for_rerun(
        page, lambda: chooser.set_input_files(files=[{"name": "signal.csv", "mimeType": "text/csv", "buffer": csv}])
    )
    page.wait_for_function("() => document.body.innerText.includes('Loaded 7 values from signal.csv')", timeout=10_000)
    assert code_after(page, "input x") == "5 1 7 2 -3 8 0"
    assert output_text(page) == expected_text("max_pool1d", values, kernel_size=2) == "5 7 8"
    assert query(page).get("x") == "5 1 7 2 -3 8 0"
    assert_no_exception(page)


def test_deep_link_is_the_first_request_of_a_fresh_server(page, tmp_path):
    """A cold server must route a deep link through app.py's st.navigation (see ui.views.frame)."""
    with streamlit_server_process(tmp_path / "server.log") as base_url:
        open_app(page, base_url, "pool_1d?kernel_size=3")
        nav = page.locator('[data-testid="stSidebarNav"]')
        expect(nav.get_by_text("1-D pooling")).to_be_visible()
        expect(page.get_by_role("heading", name="1-D pooling: one window at a time")).to_be_visible()
        assert output_text(page) == "4 2 3"
        page.wait_for_timeout(300)  # a "Page not found" dialog would come with the first messages
        assert page.get_by_text("Page not found").count() == 0
        assert "page_not_found" not in page.message_types
        assert page.title().startswith("1-D pooling") or "Pooling Lab" in page.title()
        assert_no_exception(page)


def test_the_script_is_coloured_and_copies_as_the_code_itself(page, streamlit_server):
    """The torch code is our own block (ui/code_html.py): coloured, and what a selection copies is
    the script line for line (its breaks are <br>s, its spaces kept)."""
    open_app(page, streamlit_server, "pool_1d?kernel_size=3")
    script = page.locator(".pooling-code.language-python").first
    assert script.locator(".token.keyword").count() >= 3  # import, import, import ... coloured
    selected = script.evaluate(
        "block => { const range = document.createRange(); range.selectNodeContents(block);"
        " const s = window.getSelection(); s.removeAllRanges(); s.addRange(range); return s.toString(); }"
    )
    lines = selected.splitlines()
    assert lines[:3] == ["import torch", "import torch.nn as nn", "import torch.nn.functional as F"], lines
    assert "y = F.max_pool1d(x, kernel_size=3)" in lines
    assert any(line.startswith("x = torch.tensor([[1.0, 4.0, -1.0") for line in lines), lines


def test_every_step_as_text_is_written_when_opened_and_follows_the_step(page, streamlit_server):
    open_app(page, streamlit_server, "pool_1d?kernel_size=2&step=2")
    summary = page.get_by_text("Every step as text", exact=True)
    details = page.locator('[data-testid="stExpander"]').filter(has_text="Every step as text")
    assert "1. Output 0" not in details.inner_text()  # closed: not written yet
    act_and_settle(page, summary.click)
    items = details.locator("li")
    expect(items).to_have_count(5)
    assert "← now" in items.nth(2).inner_text() and "Output 2" in items.nth(2).inner_text()
    act_and_settle(page, lambda: page.keyboard.press("ArrowRight"))  # the step moves; the list follows
    expect(items.nth(3)).to_contain_text("← now")
