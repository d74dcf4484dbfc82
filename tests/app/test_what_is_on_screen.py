"""What a person sees when something is off: the lesson stays on screen, the message says what to
change, a typed value is never blamed on a link, and each page's view is reproducible from its URL."""

from __future__ import annotations

import numpy as np
import pytest

from scripts import sample_files
from tests.app.conftest import open_app
from ui import state


def _traces(page) -> list[str]:
    return [trace.get("name") for trace in page.figure()["data"]]


@pytest.mark.parametrize(
    ("name", "query", "rule", "hint"),
    [
        ("pool_1d", dict(kernel_size="2", padding="2"), "should be at most half", "padding must be at most 1 here"),
        ("pool_1d", dict(kernel_size="1", stride="0"), "", ""),  # stride=0 is not offered: a link notice instead
        ("pool_1d", dict(x="1 2 3", kernel_size="5"), "output size is too small", "kernel_size must be at most 3 here"),
        ("pool_2d", dict(kernel_size="2", padding="2"), "should be at most half", "padding must be at most 1 here"),
        ("pool_2d", dict(kernel_size="3, 9"), "output size is too small", "try kernel_size = 3, 6"),
        ("pool_2d", dict(function="avg_pool2d", divisor_override="0"), "divisor_override must be non-zero",
         "divisor_override must be at least 1 here"),
    ],
)  # fmt: skip
def test_an_invalid_call_keeps_the_input_and_says_the_rule_once_with_a_value_that_works(name, query, rule, hint):
    page = open_app(name, **query)
    if not rule:  # the link's value is refused before any call: a notice, and the lesson as usual
        assert any("stride=0 from the link" in w for w in page.warnings)
        assert page.output_text() is not None
        return
    assert len(page.errors) == 1, page.errors  # once, not twice
    assert rule in page.errors[0] and hint in page.errors[0], page.errors[0]
    assert _traces(page)[-1] == "input" and "output" not in _traces(page)  # the input is still drawn
    assert page.output_text() is None  # and nothing computed with another value


def test_a_typed_mistake_is_never_blamed_on_the_link_nor_replaced_by_another_value():
    page = open_app("pool_2d", kernel_size="abc")  # a bad link value: a notice, and the default
    assert any("kernel_size=abc from the link" in w for w in page.warnings)
    assert page.output_text() is not None
    page.type("kernel_size", "2, x")  # now the person types a mistake
    assert not any("from the link" in w for w in page.warnings), page.warnings
    assert len(page.errors) == 1 and '"x" is not a whole number' in page.errors[0], page.errors
    assert page.output_text() is None  # the box says "2, x": no output computed with "2"
    assert page.widget("kernel_size").value == "2, x"
    assert "input" in _traces(page)
    page.type("kernel_size", "2, 3")
    assert not page.errors and page.output_text() is not None


def test_the_adaptive_formula_with_none_names_the_kept_size():
    page = open_app("pool_2d", function="adaptive_max_pool2d", output_size="None, 2")
    formulas = [line for m in page.at.markdown if "_out =" in m.value for line in m.value.split("  \n")]
    assert formulas[0] == "`H_out = 6 bins over H_in = 6; bin i covers [⌊i·6/6⌋, ⌈(i+1)·6/6⌉)`", formulas
    assert formulas[1].startswith("`W_out = 2 bins over W_in = 6")
    assert not any("None bins" in f for f in formulas)


def test_a_semicolon_separated_csv_loads():
    page = open_app("pool_1d")
    page.at.file_uploader(key=page.private("csv")).set_value(("excel.csv", b"1;4;-1;0;2\n", "text/csv"))
    page.run()
    assert page.value("x") == "1 4 -1 0 2"
    assert page.output_text() == "4 0"
    page.at.file_uploader(key=page.private("csv")).set_value(
        ("comma.csv", b"x\n1,5\n-2\n".replace(b"\n", b";\n"), "text/csv")
    )
    page.run()
    assert page.value("x") == "1.5 -2"  # with ; between values, a comma is the decimal mark


def test_a_long_sequence_is_drawn_thin_without_numbers():
    values = " ".join(str(v) for v in np.arange(150) % 9)
    page = open_app("pool_1d", x=values, kernel_size="3")
    trace = page.trace("input")
    assert trace["texttemplate"] is None  # 150 cells: no room for numbers
    assert page.figure()["layout"]["xaxis"]["dtick"] == 8
    assert page.output_text().count(" ") == 49


def test_the_images_view_is_in_its_url_and_an_upload_resets_the_zoom():
    page = open_app("images", sample="stars.png")
    page.set(centre_x=100, cells=10, channel="G")
    query = dict(page.at.query_params)
    assert query["sample"] == "stars.png" and query["centre_x"] == "100" and query["cells"] == "10"
    assert query["channel"] == "G" and "centre_y" in query and "pixels_per_cell" in query
    again = open_app("images", **query)  # the link, in a fresh session: the same view
    for name in ("sample", "centre_x", "centre_y", "cells", "pixels_per_cell", "channel"):
        assert again.value(name) == page.value(name), name
    assert again.step_text() == page.step_text()

    pixels = sample_files.photo(40, 60)
    page.at.file_uploader(key=page.private("upload")).set_value(("small.png", sample_files.encode(pixels), "image/png"))
    page.run()
    assert page.value("cells") == state.field("images", "cells").default  # the zoom starts afresh
    assert 0 <= page.value("centre_x") < 60 and 0 <= page.value("centre_y") < 40
