"""The 2-D pages in a real browser: channels, the grid, images, invariance and the torch API.

What AppTest (tests/app) cannot see is checked here: torch's printout as the browser shows it,
a deep link typed into the address bar, text inputs typed into and confirmed with Enter, an
image sent through the real file chooser (and how long the pooled view takes to appear), and
Plotly charts actually drawn. Expected values come from torch in the test, not from the app.
Every test also checks that no Python exception is shown and (through the `page` fixture)
that nothing left localhost.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest
import torch
import torch.nn.functional as F
from playwright.sync_api import Page, expect

from scripts import sample_files as image_files
from scripts.browser import COPIED_TEXT_JS, assert_no_exception, open_app, wait_for_plotly, wait_for_rerun
from ui import state

pytestmark = pytest.mark.e2e

# The lecture's x = torch.empty(1, 2, 2, 6).random_(3), as printed on the slide.
LECTURE_X = [[[[1, 2, 1, 1, 0, 2], [2, 1, 1, 0, 2, 0]], [[0, 2, 1, 1, 2, 2], [1, 1, 1, 1, 0, 0]]]]
CHANNEL_0 = LECTURE_X[0][0]
UPLOAD_BOUND_S = 10.0  # generous: the README's budget is 2 s, measured by benchmarks/bench_app.py

# The code block that follows the "<label> · shape (…)" line, read as text.
_CODE_AFTER_LABEL = """(label) => {
    const containers = [...document.querySelectorAll(
        '[data-testid="stMain"] [data-testid="stElementContainer"]')];
    const at = containers.findIndex(c => c.innerText.trim().startsWith(label + ' · shape'));
    if (at < 0) return null;
    const code = containers.slice(at).find(c => c.querySelector('.pooling-code'));
    return code ? (""" + COPIED_TEXT_JS + """)(code.querySelector('.pooling-code')).trim() : null;
}"""
_CODE_BLOCKS = """() => [...document.querySelectorAll('[data-testid="stMain"] .pooling-code')]
    .map(""" + COPIED_TEXT_JS + """)"""


def code_after(page: Page, label: str) -> str | None:
    """The text of the code block under ``label`` (None if there is none)."""
    return page.evaluate(_CODE_AFTER_LABEL, label)


def query(page: Page) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(page.url).query, keep_blank_values=True))


def type_into(page: Page, page_name: str, name: str, text: str) -> None:
    """Type ``text`` into the text box of field ``name`` of ``page_name`` and confirm it with Enter."""
    box = page.locator(f".st-key-{state.key(page_name, name)} input")
    wait_for_rerun(page, lambda: (box.fill(text), box.press("Enter")))


def grid_text(tensor: torch.Tensor) -> str:
    """A 2-D tensor of whole numbers written as the page writes it: rows of space-separated numbers."""
    rows = tensor.tolist()
    assert all(float(v).is_integer() for row in rows for v in row), rows
    return "\n".join(" ".join(str(int(v)) for v in row) for row in rows)


def errors(page: Page) -> list[str]:
    return page.locator('[data-testid="stAlertContentError"]').all_inner_texts()


# ---------------------------------------------------------------------------------------------
# /channels


def test_channels_prints_the_lecture_output_as_torch_does(page, streamlit_server):
    x = torch.tensor(LECTURE_X, dtype=torch.float32)
    expected = repr(F.max_pool2d(x, (1, 2)))
    assert expected.startswith("tensor([[[[2., 1., 2.],")  # the slide's first row, not an empty tensor
    open_app(page, streamlit_server, "channels")
    blocks = page.evaluate(_CODE_BLOCKS)
    assert repr(x) in blocks, blocks
    assert expected in blocks, blocks  # (as copying it gives: innerText doubles a blank line)
    expect(page.get_by_text("F.max_pool2d(x, kernel_size=(1, 2)) · shape (1, 2, 2, 3)")).to_be_visible()
    expect(page.get_by_text("channels and samples never mix")).to_be_visible()
    assert_no_exception(page)


# ---------------------------------------------------------------------------------------------
# /pool_2d


def test_grid_deep_link_then_typed_kernel_size_then_the_padding_rule(page, streamlit_server):
    grid = torch.tensor([CHANNEL_0], dtype=torch.float32)  # (C=1, H=2, W=6)
    link = urlencode({"grid": "1 2 1 1 0 2;2 1 1 0 2 0", "kernel_size": "1, 2"}, quote_via=quote)
    assert link == "grid=1%202%201%201%200%202%3B2%201%201%200%202%200&kernel_size=1%2C%202"
    open_app(page, streamlit_server, f"pool_2d?{link}")
    page.wait_for_function(f"(label) => ({_CODE_AFTER_LABEL})(label) !== null", arg="output", timeout=10_000)
    assert code_after(page, "input grid") == "1 2 1 1 0 2\n2 1 1 0 2 0"
    assert code_after(page, "output") == "2 1 2\n2 1 2" == grid_text(F.max_pool2d(grid, (1, 2))[0])
    assert page.locator(f".st-key-{state.key('pool_2d', 'kernel_size')} input").input_value() == "1, 2"
    # Numbers typed in a box read apart: the grid box is monospace ("8 6 5 2 3 0", not "865230").
    font = page.locator(f".st-key-{state.key('pool_2d', 'grid')} textarea").evaluate(
        "e => getComputedStyle(e).fontFamily"
    )
    assert "Source Code Pro" in font or "monospace" in font, font
    expect(page.get_by_text("matches torch exactly")).to_be_visible()
    assert_no_exception(page)

    for typed, kernel_size in (("2, 3", (2, 3)), ("1, 3", (1, 3)), ("2", 2)):
        type_into(page, "pool_2d", "kernel_size", typed)
        assert code_after(page, "output") == grid_text(F.max_pool2d(grid, kernel_size)[0]), typed
        # the default (2) leaves the URL, as every default does
        assert query(page).get("kernel_size") == (None if typed == "2" else typed.replace(" ", ""))  # kernel_size=2,3
        assert query(page).get("grid") == "1 2 1 1 0 2;2 1 1 0 2 0"
        assert_no_exception(page)

    # kernel 2 with padding 2 breaks torch's rule: the rule in words, and no output.
    with pytest.raises(RuntimeError, match="pad should be at most half of effective kernel size"):
        F.max_pool2d(grid, 2, padding=2)
    type_into(page, "pool_2d", "padding", "2")
    rule = "padding should be at most half of kernel_size"
    assert any(rule in text for text in errors(page)), errors(page)
    expect(page.get_by_text(rule).first).to_be_visible()
    assert code_after(page, "output") is None
    assert query(page).get("padding") == "2"
    assert_no_exception(page)

    type_into(page, "pool_2d", "padding", "1")  # a valid padding again: the output is back, torch's
    assert code_after(page, "output") == grid_text(F.max_pool2d(grid, 2, padding=1)[0])
    assert not errors(page)
    assert_no_exception(page)


# ---------------------------------------------------------------------------------------------
# /images

# The overview figure (original | max | avg): its traces, subplot titles, and the pictures in its
# SVG (each an <image> whose href is its trace's data URI once Plotly has drawn it).
_OVERVIEW = """() => {
    const plot = document.querySelector('.st-key-images_side_by_side .js-plotly-plot');
    if (!plot || !plot._fullLayout || !plot._fullData) return null;
    return {
        types: plot._fullData.map(trace => trace.type),
        sources: plot._fullData.map(trace => trace.source || ''),
        titles: [...plot.querySelectorAll('.annotation-text')].map(text => text.textContent),
        drawn: [...plot.querySelectorAll('.imagelayer image')].map(image => image.getAttribute('href') || ''),
    };
}"""
# Drawn anew: three pictures, none of them one of `old`, each in the SVG.
_OVERVIEW_REDRAWN = f"""(old) => {{
    const now = ({_OVERVIEW.strip()})();
    return !!now && now.sources.length === 3 && now.sources.every(s => s && !old.includes(s))
        && now.sources.every(s => now.drawn.includes(s));
}}"""


def overview(page: Page) -> dict | None:
    return page.evaluate(_OVERVIEW)


def upload(page: Page, path) -> None:
    page.locator(f".st-key-{state.private_key('images', 'upload')} input[type=file]").set_input_files(path)


def test_images_upload_of_a_2048_png_is_pooled_in_time(page, streamlit_server, tmp_path):
    path = tmp_path / "photo_2048.png"
    path.write_bytes(image_files.encode(image_files.photo(2048, 2048)))  # ~9.6 MB: noise does not compress
    open_app(page, streamlit_server, "images")
    wait_for_plotly(page)
    before = overview(page)
    assert before["titles"] == ["original", "max_pool2d", "avg_pool2d"], before
    shapes = page.locator('[data-testid="stMarkdown"]', has_text="max_pool2d →")
    expect(shapes).to_contain_text("(3, 320, 320)")  # the default sample first

    started = time.perf_counter()
    wait_for_rerun(page, lambda: upload(page, path))
    expect(shapes).to_contain_text("(3, 2048, 2048)")
    page.wait_for_function(_OVERVIEW_REDRAWN, arg=before["sources"], timeout=UPLOAD_BOUND_S * 1000)
    seconds = time.perf_counter() - started
    print(f"2048×2048 PNG upload → pooled view drawn in {seconds:.2f} s")
    assert seconds < UPLOAD_BOUND_S, f"the pooled view took {seconds:.1f} s (bound {UPLOAD_BOUND_S:.0f} s)"

    text = shapes.inner_text()
    assert "input (3, 2048, 2048), shown at 768 × 768, pooled at full size" in text, text
    assert "max_pool2d → (3, 1024, 1024)" in text and "avg_pool2d → (3, 1024, 1024)" in text, text
    after = overview(page)
    assert after["types"] == ["image"] * 3, after["types"]
    assert after["titles"] == ["original", "max_pool2d", "avg_pool2d"], after["titles"]
    expect(page.get_by_text("Showing your upload")).to_be_visible()
    expect(page.get_by_text("matches torch exactly")).to_be_visible()
    assert not errors(page)
    assert_no_exception(page)


BAD_FILES = [
    ("notes.png", image_files.not_an_image, "not a PNG, JPEG, WebP, GIF, BMP or TIFF image"),
    ("cut.png", image_files.truncated_png, "damaged or cut short"),
    ("bomb.png", image_files.bomb_png, "decompression bomb"),
    ("huge.jpg", image_files.enormous_jpeg, "This image is 8200 × 6200 pixels (50.8 megapixels)"),
]


def test_images_bad_uploads_get_a_message_not_an_exception(page, streamlit_server, tmp_path):
    """Each kind of bad file in turn, each replacing the last in the same chooser (one page load:
    opening the Images page costs ~3 s of the test budget)."""
    open_app(page, streamlit_server, "images")
    for name, make, message in BAD_FILES:
        path = tmp_path / name
        path.write_bytes(make())
        wait_for_rerun(page, lambda path=path: upload(page, path))
        expect(page.locator('[data-testid="stAlertContentError"]')).to_have_count(1)
        shown = errors(page)[0]
        assert f"{name} cannot be used." in shown and message in shown, shown
        assert "Traceback" not in shown
        assert page.locator('[data-testid="stPlotlyChart"]').count() == 0, name  # stopped at the message
        assert_no_exception(page)


# ---------------------------------------------------------------------------------------------
# /invariance

# For each Plotly chart: its traces' type and mode, and how many drawn line paths it has.
_CHARTS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(plot => ({
    traces: plot._fullData.map(trace => ({type: trace.type, mode: trace.mode || '', y: [...(trace.y || [])]})),
    lines: [...plot.querySelectorAll('.scatterlayer path.js-line')].filter(p => (p.getAttribute('d') || '').length > 10)
        .length,
}))"""


def test_invariance_permutation_unchanged_and_translation_curves_drawn(page, streamlit_server):
    open_app(page, streamlit_server, "invariance")
    wait_for_plotly(page)
    inside = page.locator('[data-testid="stColumn"]', has_text="Shuffled inside each cell")
    expect(inside.get_by_text("max_pool2d output: unchanged")).to_be_visible()
    expect(inside.get_by_text("avg_pool2d output: unchanged")).to_be_visible()
    across = page.locator('[data-testid="stColumn"]', has_text="Shuffled across cells")
    expect(across.get_by_text("max_pool2d output: changed")).to_be_visible()

    charts = page.evaluate(_CHARTS)
    curves = [chart for chart in charts if any(trace["type"] == "scatter" for trace in chart["traces"])]
    assert len(curves) == 2, charts  # one curve chart for the grid, one for the image
    for chart in curves:
        lines = [trace for trace in chart["traces"] if trace["type"] == "scatter" and "lines" in trace["mode"]]
        assert len(lines) == 3, chart["traces"]  # max, avg, no pooling
        assert chart["lines"] >= 3, chart
        assert all(trace["y"][0] == 1 for trace in lines)  # no shift: everything unchanged
        assert len(lines[0]["y"]) == 5  # shifts 0 … 2 × kernel_size (2)
    assert_no_exception(page)


# ---------------------------------------------------------------------------------------------
# /torch_api


def test_torch_api_default_agrees_and_padding_breaks_the_rule(page, streamlit_server):
    open_app(page, streamlit_server, "torch_api")
    agreement = "torch's nn.MaxPool2d, built with these arguments, gives the same tensor as F.max_pool2d."
    expect(page.locator('[data-testid="stAlertContentSuccess"]', has_text=agreement)).to_be_visible()
    x = torch.tensor(LECTURE_X, dtype=torch.float32)
    assert repr(torch.nn.MaxPool2d(kernel_size=(1, 2))(x)) in page.evaluate(_CODE_BLOCKS)
    assert_no_exception(page)

    type_into(page, "torch_api", "kernel_size", "2")
    assert repr(F.max_pool2d(x, 2)) in page.evaluate(_CODE_BLOCKS)
    expect(page.get_by_text(agreement)).to_be_visible()
    type_into(page, "torch_api", "padding", "2")
    assert query(page).get("kernel_size") == "2" and query(page).get("padding") == "2"
    shown = errors(page)
    assert len(shown) == 1 and "torch would refuse this call" in shown[0], shown
    assert "padding should be at most half of kernel_size" in shown[0], shown
    assert page.get_by_text(agreement).count() == 0
    assert_no_exception(page)
