"""The 1-D page, run headless with Streamlit's AppTest: every number it shows is torch's.

Each test opens the real app (``app.py`` with its ``st.navigation``), switches to
``pages/pool_1d.py``, moves widgets or seeds the URL, and compares what the page shows with
``torch.nn.functional`` called directly here. Two views of the output are checked: the text in
the ``output`` code block (rounded for people) and the output heatmap of the Plotly figure
(full float32 precision, computed by the animation's own code path).

AppTest does not see URL writes made by bound widgets (``bind="query-params"``); those are
checked in the browser tests (tests/e2e/test_pool_1d.py).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from tests.app.conftest import AppPage, open_app, parse_shown

LECTURE = [1, 4, -1, 0, 2, -2, 1, 3, 3, 1]


def open_page(**query: str) -> AppPage:
    return open_app("pool_1d", **query)


def torch_output(function: str, x, **kwargs) -> np.ndarray:
    """What torch computes for one unbatched channel, as the page calls it."""
    tensor = torch.tensor([x], dtype=torch.float32)
    result = getattr(F, function)(tensor, **kwargs)
    if isinstance(result, tuple):
        result = result[0]
    return result[0].numpy().astype(np.float64)


def assert_shows(page: AppPage, expected: np.ndarray, *, exact: bool | None = None) -> None:
    """The output text (3 significant digits) and the figure's output row both equal torch's.

    The figure is compared bit for bit for max pooling (outputs are copies of inputs) and within
    8 float32 ulp otherwise, the tolerance the page's own torch badge states. The figure cannot
    show NaN or ±inf (its colours need finite numbers), so it is compared only for finite outputs.
    """
    page.assert_no_exception()
    shown = page.output_text()
    assert shown is not None, f"no output block; errors: {page.errors}"
    numbers = parse_shown(shown)
    assert numbers.shape == expected.shape, f"shown {shown!r}, torch {expected}"
    np.testing.assert_allclose(numbers, expected, rtol=5e-3, atol=1e-12, equal_nan=True, err_msg=shown)
    if not np.isfinite(expected).all():
        return
    if exact is None:
        exact = "max" in page.value("function")
    drawn = page.figure_output()[0].astype(np.float32)
    if exact:
        np.testing.assert_array_equal(drawn, expected.astype(np.float32))
    else:
        np.testing.assert_array_max_ulp(drawn, expected.astype(np.float32), maxulp=8)


def set_widgets(page: AppPage, **values) -> AppPage:
    return page.set(**values)


# ---------------------------------------------------------------------------------------------
# defaults: the lecture's example


def test_defaults_show_the_lecture_output():
    page = open_page()
    assert page.at.title[0].value.startswith("1-D pooling")
    assert page.code_after("input x") == "1 4 -1 0 2 -2 1 3 3 1"
    assert page.output_text() == "4 0 2 3 3"
    assert_shows(page, torch_output("max_pool1d", LECTURE, kernel_size=2))
    assert not page.errors and not page.warnings
    assert page.step_text().startswith("Step 1 of 5.")


def test_average_pooling_of_the_lecture_sequence():
    page = set_widgets(open_page(), function="avg_pool1d")
    assert page.output_text() == "2.5 -0.5 0 2 2"
    assert_shows(page, torch_output("avg_pool1d", LECTURE, kernel_size=2))


def test_torch_badge_and_generated_code_match_torch():
    page = set_widgets(open_page(), kernel_size=3, stride="2", padding=1)
    assert any("matches torch exactly" in s for s in page.successes), page.successes
    scripts = page.code_blocks("python")
    assert len(scripts) == 1
    assert "F.max_pool1d(x, kernel_size=3, stride=2, padding=1)" in scripts[0]
    # The generated code, run as printed, gives what the page shows.
    namespace: dict = {}
    exec(scripts[0], namespace)  # noqa: S102 - our own generated snippet
    np.testing.assert_array_equal(namespace["y"][0].numpy(), parse_shown(page.output_text()))


# ---------------------------------------------------------------------------------------------
# widgets change the output exactly as torch does

CASES = [
    # widget values, torch function, torch kwargs
    (dict(kernel_size=3), "max_pool1d", dict(kernel_size=3)),
    (dict(kernel_size=3, stride="1"), "max_pool1d", dict(kernel_size=3, stride=1)),
    (dict(kernel_size=3, stride="2", padding=1), "max_pool1d", dict(kernel_size=3, stride=2, padding=1)),
    (dict(kernel_size=2, stride="1", padding=1, dilation=2), "max_pool1d",
     dict(kernel_size=2, stride=1, padding=1, dilation=2)),
    (dict(kernel_size=3, stride="2", ceil_mode=True), "max_pool1d", dict(kernel_size=3, stride=2, ceil_mode=True)),
    (dict(kernel_size=4, stride="3", padding=2, ceil_mode=True), "max_pool1d",
     dict(kernel_size=4, stride=3, padding=2, ceil_mode=True)),
    (dict(function="avg_pool1d", kernel_size=3, stride="1", padding=1), "avg_pool1d",
     dict(kernel_size=3, stride=1, padding=1)),
    (dict(function="avg_pool1d", kernel_size=3, stride="1", padding=1, count_include_pad=False), "avg_pool1d",
     dict(kernel_size=3, stride=1, padding=1, count_include_pad=False)),
    (dict(function="avg_pool1d", kernel_size=3, stride="2", padding=1, ceil_mode=True), "avg_pool1d",
     dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    (dict(function="lp_pool1d", kernel_size=3, stride="1"), "lp_pool1d", dict(norm_type=2, kernel_size=3, stride=1)),
    (dict(function="lp_pool1d", norm_type="1", kernel_size=2), "lp_pool1d", dict(norm_type=1, kernel_size=2)),
    (dict(function="adaptive_max_pool1d", output_size=4), "adaptive_max_pool1d", dict(output_size=4)),
    (dict(function="adaptive_avg_pool1d", output_size=3), "adaptive_avg_pool1d", dict(output_size=3)),
    (dict(function="adaptive_avg_pool1d", output_size=14), "adaptive_avg_pool1d", dict(output_size=14)),
]  # fmt: skip


@pytest.mark.parametrize(("widgets", "function", "kwargs"), CASES, ids=lambda v: str(v) if isinstance(v, str) else None)
def test_widgets_give_torchs_output(widgets, function, kwargs):
    page = set_widgets(open_page(), **widgets)
    assert not page.errors, page.errors
    assert_shows(page, torch_output(function, LECTURE, **kwargs))
    assert any("matches torch" in s for s in page.successes), page.successes


def test_return_indices_shows_torchs_indices():
    page = set_widgets(open_page(), kernel_size=3, stride="2", padding=1, return_indices=True)
    _, indices = F.max_pool1d(torch.tensor([LECTURE], dtype=torch.float32), 3, 2, 1, return_indices=True)
    assert page.code_after("indices") == " ".join(str(i) for i in indices[0].tolist())


# ---------------------------------------------------------------------------------------------
# invalid parameter combinations: torch's rule on screen, no exception

INVALID = [
    (dict(kernel_size="2", padding="2"), "padding should be at most half of kernel_size"),
    (dict(function="avg_pool1d", kernel_size="3", padding="2"), "padding should be at most half of kernel_size"),
    (dict(kernel_size="10", dilation="5"), ""),  # effective window 46 > 10 cells
]


@pytest.mark.parametrize(("query", "rule"), INVALID, ids=["max-padding", "avg-padding", "dilation-too-wide"])
def test_invalid_parameters_from_the_link_show_torchs_rule(query, rule):
    page = open_page(**query)
    errors = " ".join(page.errors)
    assert errors, "expected an error message"
    assert rule in errors
    assert page.output_text() is None
    # torch rejects the same call
    function = query.get("function", "max_pool1d")
    kwargs = {k: int(v) for k, v in query.items() if k != "function"}
    with pytest.raises(RuntimeError):
        getattr(F, function)(torch.tensor([LECTURE], dtype=torch.float32), **kwargs)


def test_invalid_parameters_from_the_widgets_then_valid_again():
    page = set_widgets(open_page(), kernel_size=2, padding=2)
    assert any("padding should be at most half of kernel_size" in e for e in page.errors)
    assert page.output_text() is None
    page = set_widgets(page, kernel_size=5)  # padding 2 ≤ 5 // 2: valid again
    assert not page.errors
    assert_shows(page, torch_output("max_pool1d", LECTURE, kernel_size=5, padding=2))


# ---------------------------------------------------------------------------------------------
# the URL seeds the state; bad URL values warn and fall back


def test_link_seeds_function_and_parameters():
    page = open_page(kernel_size="3", stride="1", function="avg_pool1d")
    assert page.value("function") == "avg_pool1d"
    assert page.value("kernel_size") == 3
    assert page.value("stride") == "1"
    assert not page.warnings
    assert_shows(page, torch_output("avg_pool1d", LECTURE, kernel_size=3, stride=1))


def test_link_seeds_the_sequence_and_step():
    page = open_page(x="5 1 7 2 8 0", kernel_size="3", stride="1", step="2")
    assert page.code_after("input x") == "5 1 7 2 8 0"
    assert_shows(page, torch_output("max_pool1d", [5, 1, 7, 2, 8, 0], kernel_size=3, stride=1))
    assert page.step_text().startswith("Step 3 of 4.")
    assert page.at.slider(key=page.private("scrub")).value == 3  # the scrubber shows the same step


BAD_LINKS = [
    ("kernel_size", "abc"),
    ("kernel_size", "0"),
    ("kernel_size", "2.5"),
    ("stride", "7x"),
    ("stride", "0"),
    ("padding", "99"),
    ("dilation", "-1"),
    ("function", "foo_pool1d"),
    ("ceil_mode", "maybe"),
]


@pytest.mark.parametrize(("key", "value"), BAD_LINKS, ids=[f"{k}={v}" for k, v in BAD_LINKS])
def test_bad_link_values_warn_and_fall_back_to_defaults(key, value):
    page = open_page(**{key: value})
    warnings = page.warnings
    assert any(f"{key}={value}" in w for w in warnings), warnings
    assert not page.errors
    assert page.output_text() == "4 0 2 3 3"


def test_several_bad_link_values_each_get_a_notice_and_good_ones_are_kept():
    page = open_page(kernel_size="abc", stride="1", function="nope")
    warnings = " ".join(page.warnings)
    assert "kernel_size=abc" in warnings and "function=nope" in warnings
    assert_shows(page, torch_output("max_pool1d", LECTURE, kernel_size=2, stride=1))


def test_bad_norm_type_in_link_warns():
    page = open_page(function="lp_pool1d", norm_type="7")
    assert any("norm_type=7" in w for w in page.warnings)
    assert_shows(page, torch_output("lp_pool1d", LECTURE, norm_type=2, kernel_size=2))


@pytest.mark.parametrize("value", ["99", "-3", "abc"])
def test_out_of_range_step_in_link_is_clamped(value):
    page = open_page(step=value)
    expected = "Step 5 of 5." if value == "99" else "Step 1 of 5."
    assert page.step_text().startswith(expected)


# ---------------------------------------------------------------------------------------------
# the sequence: malformed text gives a clear message; NaN and inf are pooled as torch does


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1 two 3", '"two" (the 2nd value) is not a number'),
        ("", "The sequence is empty"),
        ("   ", "The sequence is empty"),
        ("[ ]", "The sequence is empty"),
        ("1 2 3 x4", '"x4" (the 4th value) is not a number'),
        (" ".join(["1"] * 201), "at most 200"),
        ("1,,2", 'Two commas with no number between them (",,")'),
        ("1 ; , 2", "Two separators with no number between them"),
    ],
    ids=["word", "empty", "blank", "brackets", "letter", "too-long", "two-commas", "two-separators"],
)
def test_malformed_sequences_give_a_clear_message(text, message):
    page = open_page()
    page.type("x", text)
    page.assert_no_exception()
    errors = page.errors
    assert any(message in e for e in errors), errors
    assert page.output_text() is None
    assert not page.at.get("plotly_chart")


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("1 nan inf -inf 2", [1, math.nan, math.inf, -math.inf, 2]),
        ("nan nan nan nan", [math.nan] * 4),
        ("-inf -inf 3 -inf", [-math.inf, -math.inf, 3, -math.inf]),
        ("1, 2; 3,4", [1, 2, 3, 4]),
        ("1e400 -1e400 0.5 1e-5", [math.inf, -math.inf, 0.5, 1e-5]),
    ],
    ids=["mixed", "all-nan", "neg-inf", "separators", "overflow"],
)
@pytest.mark.parametrize("function", ["max_pool1d", "avg_pool1d"])
def test_nan_and_inf_inputs_are_pooled_as_torch_does(text, values, function):
    page = open_page()
    page.type("x", text)
    page = set_widgets(page, function=function)
    assert not page.errors, page.errors
    expected = torch_output(function, values, kernel_size=2)
    shown = parse_shown(page.output_text())
    np.testing.assert_allclose(shown, expected, rtol=5e-3, equal_nan=True)
    assert any("matches torch" in s for s in page.successes), page.successes


def test_nan_in_the_link():
    page = open_page(x="nan 1 2 -inf")
    assert not page.errors
    np.testing.assert_array_equal(
        parse_shown(page.output_text()), torch_output("max_pool1d", [math.nan, 1, 2, -math.inf], kernel_size=2)
    )


def test_one_value_and_kernel_larger_than_the_sequence():
    page = open_page(x="7")
    assert page.output_text() is None  # kernel 2 > 1 cell: torch refuses
    assert page.errors
    page = set_widgets(page, kernel_size=1)
    assert_shows(page, torch_output("max_pool1d", [7], kernel_size=1))


# ---------------------------------------------------------------------------------------------
# the step buttons


def output_mark_column(page: AppPage) -> float:
    """The x centre of the output cell the figure marks (its last shape: the output mark)."""
    mark = page.figure()["layout"]["shapes"][-1]
    assert mark["xref"] == "x2"
    return (mark["x0"] + mark["x1"]) / 2


def test_step_buttons_move_the_figure_sentence_scrubber_and_url_together():
    page = open_page()
    assert page.step_text().startswith("Step 1 of 5. max(1, 4) = 4 Output 0")
    assert output_mark_column(page) == 0.5  # output 0 sits under its window, cells 0-1

    page.click("forward")
    assert page.step_text().startswith("Step 2 of 5. max(−1, 0) = 0 Output 1")
    assert page.at.query_params.get("step") == "1"
    assert page.at.slider(key=page.private("scrub")).value == 2
    assert output_mark_column(page) == 2.5
    revealed = page.trace("output")["z"][0]
    assert revealed[:2] == [4.0, 0.0] and revealed[2:] == [None] * 3  # outputs not computed yet stay empty

    for _ in range(6):  # past the end: the button stays usable and the step stays at the last one
        page.click("forward")
    assert page.step_text().startswith("Step 5 of 5.")
    assert not page.at.button(key=page.private("forward")).disabled  # focus stays on it

    page.click("back")
    assert page.step_text().startswith("Step 4 of 5.")
    assert page.at.query_params.get("step") == "3"
    assert output_mark_column(page) == 6.5

    page.at.slider(key=page.private("scrub")).set_value(1)
    page.run()
    assert page.step_text().startswith("Step 1 of 5.")
    assert "step" not in page.at.query_params  # the default step is left out of the link


def test_step_is_clamped_when_parameters_shrink_the_output():
    page = open_page(step="4")
    assert page.step_text().startswith("Step 5 of 5.")
    page = set_widgets(page, kernel_size=5)  # 2 outputs now
    assert page.step_text().startswith("Step 2 of 2.")
    page.assert_no_exception()


# ---------------------------------------------------------------------------------------------
# presets and CSV uploads fill the sequence


def test_csv_upload_one_column_with_header():
    page = open_page()
    page.at.file_uploader(key=page.private("csv")).set_value(("signal.csv", b"value\n5\n1\n7\n2\n", "text/csv")).run()
    page.assert_no_exception()
    infos = " ".join(i.value for i in page.at.info)
    assert "Loaded 4 values from signal.csv" in infos and "Skipped the header row" in infos
    assert page.value("x") == "5 1 7 2"
    assert page.output_text() == "5 7"


def test_csv_upload_one_row():
    page = open_page()
    page.at.file_uploader(key=page.private("csv")).set_value(("row.csv", b"3,-1.5,4,1,5,9\n", "text/csv")).run()
    assert_shows(page, torch_output("max_pool1d", [3, -1.5, 4, 1, 5, 9], kernel_size=2))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00\x01", "not UTF-8 text"),
        (b"", "empty"),
        (b"a,b\n", "header but no numbers"),
        (b"1\n2\nthree\n", 'holds "three"'),
    ],
    ids=["binary", "empty", "header-only", "word"],
)
def test_bad_csv_upload_says_why_and_keeps_the_sequence(content, message):
    page = open_page()
    page.at.file_uploader(key=page.private("csv")).set_value(("bad.csv", content, "text/csv")).run()
    page.assert_no_exception()
    errors = page.errors
    assert any(message in e and "bad.csv" in e for e in errors), errors
    assert page.output_text() == "4 0 2 3 3"


def test_presets_fill_the_sequence_reproducibly():
    page = open_page()
    page.widget("seed").set_value(3)
    page.at.selectbox(key=page.private("preset")).set_value("random integers").run()
    page.assert_no_exception()
    first = page.value("x")
    values = [float(v) for v in first.split()]
    assert len(values) == 16
    assert_shows(page, torch_output("max_pool1d", values, kernel_size=2))

    again = open_page()
    again.widget("seed").set_value(3)
    again.at.selectbox(key=again.private("preset")).set_value("random integers").run()
    assert again.value("x") == first


def test_a_malformed_sequence_is_explained_right_under_its_box():
    """Before the preset, seed and CSV row (on a phone that row is a screen tall)."""
    page = open_page()
    page.type("x", "1 2 x")
    kinds = [(getattr(node, "type", None), getattr(node, "label", None)) for node in page.at.main]
    box = kinds.index(("text_input", next(label for kind, label in kinds if kind == "text_input")))
    error = next(i for i, (kind, _) in enumerate(kinds) if kind == "error")
    preset = next(i for i, (kind, label) in enumerate(kinds) if kind == "selectbox" and label == "preset")
    assert box < error < preset, kinds[: preset + 1]
    assert '"x" (the 3rd value) is not a number' in page.errors[0]
