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

import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "app.py"
PAGE = "pages/pool_1d.py"
LECTURE = [1, 4, -1, 0, 2, -2, 1, 3, 3, 1]
TIMEOUT_S = 60  # the first run in a process imports torch


# ---------------------------------------------------------------------------------------------
# helpers


def open_page(**query: str) -> AppTest:
    """The 1-D page as a fresh session whose URL carries ``query``."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()  # the home page; registers st.navigation's pages so switch_page finds /pool_1d
    at.switch_page(PAGE)
    at.run()
    assert_no_exception(at)
    return at


def assert_no_exception(at: AppTest) -> None:
    assert not at.exception, f"the page raised: {[e.value for e in at.exception]}"


def code_after(at: AppTest, label: str) -> str | None:
    """Text of the code block that follows the markdown ``**<label>** · shape ...``."""
    found = False
    for node in at.main:
        kind = getattr(node, "type", None)
        if kind == "markdown" and node.value.startswith(f"**{label}**"):
            found = True
        elif found and kind == "code":
            return node.value
    return None


def output_text(at: AppTest) -> str | None:
    return code_after(at, "output")


def parse_shown(text: str) -> np.ndarray:
    """Numbers as the page prints them (``NaN``, ``∞``, ``-∞``, ASCII minus) → float64."""
    special = {"NaN": math.nan, "∞": math.inf, "-∞": -math.inf, "−∞": -math.inf}
    return np.array([special[token] if token in special else float(token) for token in text.split()])


def figure(at: AppTest) -> dict:
    charts = at.get("plotly_chart")
    assert len(charts) == 1, f"expected one Plotly chart, found {len(charts)}"
    return json.loads(charts[0].proto.spec)


def figure_output(at: AppTest) -> np.ndarray:
    """The output row of the animated figure (its last heatmap), at full precision."""
    heatmaps = [trace for trace in figure(at)["data"] if trace.get("type") == "heatmap"]
    z = heatmaps[-1]["z"]
    return np.array([np.nan if v is None else v for v in z[0]], dtype=np.float64)


def step_text(at: AppTest) -> str:
    lines = [m.value for m in at.markdown if m.value.startswith("**Step ")]
    assert len(lines) == 1, lines
    return lines[0]


def torch_output(function: str, x, **kwargs) -> np.ndarray:
    """What torch computes for one unbatched channel, as the page calls it."""
    tensor = torch.tensor([x], dtype=torch.float32)
    result = getattr(F, function)(tensor, **kwargs)
    if isinstance(result, tuple):
        result = result[0]
    return result[0].numpy().astype(np.float64)


def assert_shows(at: AppTest, expected: np.ndarray, *, exact: bool | None = None) -> None:
    """The output text (3 significant digits) and the figure's output row both equal torch's.

    The figure is compared bit for bit for max pooling (outputs are copies of inputs) and within
    8 float32 ulp otherwise, the tolerance the page's own torch badge states. The figure cannot
    show NaN or ±inf (its colours need finite numbers), so it is compared only for finite outputs.
    """
    assert_no_exception(at)
    shown = output_text(at)
    assert shown is not None, f"no output block; errors: {[e.value for e in at.error]}"
    numbers = parse_shown(shown)
    assert numbers.shape == expected.shape, f"shown {shown!r}, torch {expected}"
    np.testing.assert_allclose(numbers, expected, rtol=5e-3, atol=1e-12, equal_nan=True, err_msg=shown)
    if not np.isfinite(expected).all():
        return
    drawn = figure_output(at).astype(np.float32)
    if exact is None:
        exact = "max" in at.sidebar.radio(key="function").value
    if exact:
        np.testing.assert_array_equal(drawn, expected.astype(np.float32))
    else:
        np.testing.assert_array_max_ulp(drawn, expected.astype(np.float32), maxulp=8)


def set_widgets(at: AppTest, **values) -> AppTest:
    """Set sidebar widgets by key (function first: it decides which others exist) and rerun."""
    function = values.pop("function", None)
    if function is not None:
        at.sidebar.radio(key="function").set_value(function).run()
        assert_no_exception(at)
    for key, value in values.items():
        at.sidebar.get_by_key(key).set_value(value)
    at.run()
    return at


# ---------------------------------------------------------------------------------------------
# defaults: the lecture's example


def test_defaults_show_the_lecture_output():
    at = open_page()
    assert at.title[0].value.startswith("1-D pooling")
    assert code_after(at, "input x") == "1 4 -1 0 2 -2 1 3 3 1"
    assert output_text(at) == "4 0 2 3 3"
    assert_shows(at, torch_output("max_pool1d", LECTURE, kernel_size=2))
    assert not at.error and not at.warning
    assert step_text(at).startswith("**Step 1 of 5.**")


def test_average_pooling_of_the_lecture_sequence():
    at = set_widgets(open_page(), function="avg_pool1d")
    assert output_text(at) == "2.5 -0.5 0 2 2"
    assert_shows(at, torch_output("avg_pool1d", LECTURE, kernel_size=2))


def test_torch_badge_and_generated_code_match_torch():
    at = set_widgets(open_page(), kernel_size=3, stride="2", padding=1)
    assert any("matches torch exactly" in s.value for s in at.success), [s.value for s in at.success]
    scripts = [c.value for c in at.code if c.language == "python"]
    assert len(scripts) == 1
    assert "F.max_pool1d(x, kernel_size=3, stride=2, padding=1)" in scripts[0]
    # The generated code, run as printed, gives what the page shows.
    namespace: dict = {}
    exec(scripts[0], namespace)  # noqa: S102 - our own generated snippet
    np.testing.assert_array_equal(namespace["y"][0].numpy(), parse_shown(output_text(at)))


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
    at = set_widgets(open_page(), **widgets)
    assert not at.error, [e.value for e in at.error]
    assert_shows(at, torch_output(function, LECTURE, **kwargs))
    assert any("matches torch" in s.value for s in at.success), [s.value for s in at.success]


def test_return_indices_shows_torchs_indices():
    at = set_widgets(open_page(), kernel_size=3, stride="2", padding=1, return_indices=True)
    _, indices = F.max_pool1d(torch.tensor([LECTURE], dtype=torch.float32), 3, 2, 1, return_indices=True)
    assert code_after(at, "indices") == " ".join(str(i) for i in indices[0].tolist())


# ---------------------------------------------------------------------------------------------
# invalid parameter combinations: torch's rule on screen, no exception

INVALID = [
    (dict(kernel_size="2", padding="2"), "padding should be at most half of kernel_size"),
    (dict(function="avg_pool1d", kernel_size="3", padding="2"), "padding should be at most half of kernel_size"),
    (dict(kernel_size="10", dilation="5"), ""),  # effective window 46 > 10 cells
]


@pytest.mark.parametrize(("query", "rule"), INVALID, ids=["max-padding", "avg-padding", "dilation-too-wide"])
def test_invalid_parameters_from_the_link_show_torchs_rule(query, rule):
    at = open_page(**query)
    errors = " ".join(e.value for e in at.error)
    assert errors, "expected an error message"
    assert rule in errors
    assert output_text(at) is None
    # torch rejects the same call
    function = query.get("function", "max_pool1d")
    kwargs = {k: int(v) for k, v in query.items() if k != "function"}
    with pytest.raises(RuntimeError):
        getattr(F, function)(torch.tensor([LECTURE], dtype=torch.float32), **kwargs)


def test_invalid_parameters_from_the_widgets_then_valid_again():
    at = set_widgets(open_page(), kernel_size=2, padding=2)
    assert any("padding should be at most half of kernel_size" in e.value for e in at.error)
    assert output_text(at) is None
    at = set_widgets(at, kernel_size=5)  # padding 2 ≤ 5 // 2: valid again
    assert not at.error
    assert_shows(at, torch_output("max_pool1d", LECTURE, kernel_size=5, padding=2))


# ---------------------------------------------------------------------------------------------
# the URL seeds the state; bad URL values warn and fall back


def test_link_seeds_function_and_parameters():
    at = open_page(kernel_size="3", stride="1", function="avg_pool1d")
    assert at.sidebar.radio(key="function").value == "avg_pool1d"
    assert at.sidebar.slider(key="kernel_size").value == 3
    assert at.sidebar.select_slider(key="stride").value == "1"
    assert not at.warning
    assert_shows(at, torch_output("avg_pool1d", LECTURE, kernel_size=3, stride=1))


def test_link_seeds_the_sequence_and_step():
    at = open_page(x="5 1 7 2 8 0", kernel_size="3", stride="1", step="2")
    assert code_after(at, "input x") == "5 1 7 2 8 0"
    assert_shows(at, torch_output("max_pool1d", [5, 1, 7, 2, 8, 0], kernel_size=3, stride=1))
    assert step_text(at).startswith("**Step 3 of 4.**")
    assert figure(at)["layout"]["sliders"][0]["active"] == 2


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
    at = open_page(**{key: value})
    warnings = [w.value for w in at.warning]
    assert any(f"{key}={value}" in w for w in warnings), warnings
    assert not at.error
    assert output_text(at) == "4 0 2 3 3"


def test_several_bad_link_values_each_get_a_notice_and_good_ones_are_kept():
    at = open_page(kernel_size="abc", stride="1", function="nope")
    warnings = " ".join(w.value for w in at.warning)
    assert "kernel_size=abc" in warnings and "function=nope" in warnings
    assert_shows(at, torch_output("max_pool1d", LECTURE, kernel_size=2, stride=1))


def test_bad_norm_type_in_link_warns():
    at = open_page(function="lp_pool1d", norm_type="7")
    assert any("norm_type=7" in w.value for w in at.warning)
    assert_shows(at, torch_output("lp_pool1d", LECTURE, norm_type=2, kernel_size=2))


@pytest.mark.parametrize("value", ["99", "-3", "abc"])
def test_out_of_range_step_in_link_is_clamped(value):
    at = open_page(step=value)
    expected = "**Step 5 of 5.**" if value == "99" else "**Step 1 of 5.**"
    assert step_text(at).startswith(expected)


# ---------------------------------------------------------------------------------------------
# the sequence: malformed text gives a clear message; NaN and inf are pooled as torch does


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1 two 3", '"two" (value 2) is not a number'),
        ("", "The sequence is empty"),
        ("   ", "The sequence is empty"),
        ("[ ]", "The sequence is empty"),
        ("1 2 3 x4", '"x4" (value 4) is not a number'),
        (" ".join(["1"] * 201), "at most 200"),
    ],
    ids=["word", "empty", "blank", "brackets", "letter", "too-long"],
)
def test_malformed_sequences_give_a_clear_message(text, message):
    at = open_page()
    at.text_input(key="x").input(text).run()
    assert_no_exception(at)
    errors = [e.value for e in at.error]
    assert any(message in e for e in errors), errors
    assert output_text(at) is None
    assert not at.get("plotly_chart")


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
    at = open_page()
    at.text_input(key="x").input(text).run()
    at = set_widgets(at, function=function)
    assert not at.error, [e.value for e in at.error]
    expected = torch_output(function, values, kernel_size=2)
    shown = parse_shown(output_text(at))
    np.testing.assert_allclose(shown, expected, rtol=5e-3, equal_nan=True)
    assert any("matches torch" in s.value for s in at.success), [s.value for s in at.success]


def test_nan_in_the_link():
    at = open_page(x="nan 1 2 -inf")
    assert not at.error
    np.testing.assert_array_equal(
        parse_shown(output_text(at)), torch_output("max_pool1d", [math.nan, 1, 2, -math.inf], kernel_size=2)
    )


def test_one_value_and_kernel_larger_than_the_sequence():
    at = open_page(x="7")
    assert output_text(at) is None  # kernel 2 > 1 cell: torch refuses
    assert at.error
    at = set_widgets(at, kernel_size=1)
    assert_shows(at, torch_output("max_pool1d", [7], kernel_size=1))


# ---------------------------------------------------------------------------------------------
# the step buttons


def test_step_buttons_move_the_step_text_and_the_url():
    at = open_page()
    back, forward = at.button(key="pool_1d_back"), at.button(key="pool_1d_forward")
    assert back.disabled and not forward.disabled
    assert step_text(at).startswith("**Step 1 of 5.** Output 0")

    forward.click().run()
    assert step_text(at).startswith("**Step 2 of 5.** Output 1")
    assert at.query_params.get("step") == "1"
    assert figure(at)["layout"]["sliders"][0]["active"] == 1
    assert "max(−1, 0) = 0" in step_text(at)

    while not at.button(key="pool_1d_forward").disabled:
        at.button(key="pool_1d_forward").click().run()
    assert step_text(at).startswith("**Step 5 of 5.**")
    assert at.button(key="pool_1d_forward").disabled

    at.button(key="pool_1d_back").click().run()
    assert step_text(at).startswith("**Step 4 of 5.**")
    assert at.query_params.get("step") == "3"
    assert_no_exception(at)


def test_step_is_clamped_when_parameters_shrink_the_output():
    at = open_page(step="4")
    assert step_text(at).startswith("**Step 5 of 5.**")
    at = set_widgets(at, kernel_size=5)  # 2 outputs now
    assert step_text(at).startswith("**Step 2 of 2.**")
    assert_no_exception(at)


# ---------------------------------------------------------------------------------------------
# presets and CSV uploads fill the sequence


def test_csv_upload_one_column_with_header():
    at = open_page()
    at.file_uploader(key="csv_upload").set_value(("signal.csv", b"value\n5\n1\n7\n2\n", "text/csv")).run()
    assert_no_exception(at)
    infos = " ".join(i.value for i in at.info)
    assert "Loaded 4 values from signal.csv" in infos and "Skipped the header row" in infos
    assert at.text_input(key="x").value == "5 1 7 2"
    assert output_text(at) == "5 7"


def test_csv_upload_one_row():
    at = open_page()
    at.file_uploader(key="csv_upload").set_value(("row.csv", b"3,-1.5,4,1,5,9\n", "text/csv")).run()
    assert_shows(at, torch_output("max_pool1d", [3, -1.5, 4, 1, 5, 9], kernel_size=2))


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
    at = open_page()
    at.file_uploader(key="csv_upload").set_value(("bad.csv", content, "text/csv")).run()
    assert_no_exception(at)
    errors = [e.value for e in at.error]
    assert any(message in e and "bad.csv" in e for e in errors), errors
    assert output_text(at) == "4 0 2 3 3"


def test_presets_fill_the_sequence_reproducibly():
    at = open_page()
    at.number_input(key="seed").set_value(3)
    at.selectbox(key="preset").set_value("random integers").run()
    assert_no_exception(at)
    first = at.text_input(key="x").value
    values = [float(v) for v in first.split()]
    assert len(values) == 16
    assert_shows(at, torch_output("max_pool1d", values, kernel_size=2))

    again = open_page()
    again.number_input(key="seed").set_value(3)
    again.selectbox(key="preset").set_value("random integers").run()
    assert again.text_input(key="x").value == first
