"""The Backward and Unpooling pages in AppTest: the lecture's gradient and the autograd badge by
default, every function and upstream, the output_size case, and bad values said in words."""

from __future__ import annotations

import pytest

from tests.app.conftest import open_app


def test_backward_shows_the_lectures_gradient_and_the_autograd_badge():
    page = open_app("backward")
    assert page.code_after("x.grad = ∂L/∂x") == "0 1 0 1 1 0 0 1 1 0"
    assert any("matches torch autograd" in s for s in page.successes), page.successes
    assert page.step_text().startswith("Step 1 of 5. x.grad[1] += 1")
    code = [c for c in page.code_blocks() if "backward" in c][0]
    assert "x.requires_grad_()" in code and "y.backward(g)" in code and "x.grad" in code


@pytest.mark.parametrize(
    "query",
    [
        dict(function="avg_pool1d", kernel_size="3", stride="1", padding="1"),
        dict(function="lp_pool1d", kernel_size="2"),
        dict(function="adaptive_max_pool1d", output_size="4"),
        dict(function="max_pool1d", kernel_size="3", stride="1", upstream="random integers", gradient_seed="4"),
        dict(function="max_pool1d", upstream="one-hot", cell="2"),
        dict(function="max_pool1d", upstream="typed", gradient="1 2 3 4 5"),
        dict(dims="2-D", function="max_pool2d", kernel_size="2, 3"),
        dict(dims="2-D", function="avg_pool2d", kernel_size="3", stride="2", padding="1", count_include_pad="false"),
    ],
)
def test_backward_matches_autograd_for_every_kind(query):
    page = open_app("backward", **query)
    assert not page.errors, page.errors
    assert any("matches torch autograd" in s for s in page.successes), page.successes


def test_backward_bad_values_are_said():
    page = open_app("backward", upstream="typed", gradient="1 2")
    assert any("has 2 values; the output y has 5 cells" in e for e in page.errors), page.errors
    assert page.at.get("plotly_chart")  # the input is still drawn
    page = open_app("backward", kernel_size="2", padding="3")
    assert any("padding must be at most 1 here" in e for e in page.errors), page.errors


def test_unpooling_shows_the_output_size_case():
    page = open_app("unpool")
    text = " ".join(m.value for m in page.at.markdown)
    assert "5 cells pool to 2" in text and "**not 5**" in text
    assert page.code_after("unpooled") == "0 4 0 3"
    assert any("matches torch" in s for s in page.successes)
    page = open_app("unpool", output_size="5")
    assert page.code_after("unpooled") == "0 4 0 3 0"
    page = open_app("unpool", output_size="9")
    assert any("strictly between 2 and 6" in e for e in page.errors), page.errors
    assert page.at.get("plotly_chart")  # the input stays


def test_unpooling_in_2d():
    page = open_app("unpool", dims="2-D", kernel_size="2", output_size="5, 5")
    assert not page.errors, page.errors
    assert page.code_after("unpooled").count("\n") == 4  # five rows


def _page_text(page) -> str:
    return "\n".join([m.value for m in page.at.markdown] + page.code_blocks())


def test_backward_predict_mode_hides_the_gradient_until_revealed():
    page = open_app("backward", mode="predict")
    assert not page.errors, page.errors
    assert page.code_after("x.grad = ∂L/∂x") is None
    assert "0 1 0 1 1 0 0 1 1 0" not in _page_text(page)  # nowhere: not in the code's comment, not in a step line
    assert "→ ?" in page.step_text() and "+=" not in page.step_text()
    x_panel = page.figure()["data"][0]["z"]  # while predicting, the figure shows x itself, not x.grad so far
    assert [v for row in x_panel for v in row if v is not None][:3] == [1.0, 4.0, -1.0], x_panel
    assert any("Predict `x.grad = ∂L/∂x`" in m.value for m in page.at.markdown)

    key = page.private("guess:backward:gradient:x.grad")
    page.at.text_input(key=key).input("1 0 1 0 0 1 1 0 0 1").run()
    page.click("check")
    assert any("❌" in m.value and "x.grad[1]" in m.value for m in page.at.markdown)
    page.at.text_input(key=key).input("0 1 0 1 1 0 0 1 1 0").run()
    page.click("check")
    marks = [m.value for m in page.at.markdown if "pooling-mark" in m.value]
    assert "❌" not in marks[0] and "✅" in marks[0], marks
    page.click("reveal")
    assert page.code_after("x.grad = ∂L/∂x") == "0 1 0 1 1 0 0 1 1 0"
    assert page.step_text().startswith("Step 1 of 5. x.grad[1] += 1")


def test_backward_predict_asks_for_the_zeros_of_a_max_and_not_of_an_average():
    maximum = open_app("backward", mode="predict", dims="2-D", function="max_pool2d", kernel_size="2")
    ids = [m.value for m in maximum.at.markdown if "get **no** gradient" in m.value]
    assert len(ids) == 1
    average = open_app("backward", mode="predict", function="avg_pool1d", kernel_size="3", stride="1")
    assert not [m.value for m in average.at.markdown if "get **no** gradient" in m.value]
    assert average.code_after("x.grad = ∂L/∂x") is None and not average.errors


def test_unpooling_predict_mode_asks_for_z_whose_size_is_part_of_the_answer():
    page = open_app("unpool", mode="predict")
    assert not page.errors, page.errors
    assert page.code_after("unpooled") is None
    text = _page_text(page)
    assert "not 5" not in text and "z.shape  # ?" in text and "(1, 4)" not in text
    assert "→ ?" in page.step_text() and "unpooled[" not in page.step_text()
    key = page.private("guess:unpool:windows:z")
    page.at.text_input(key=key).input("0 4 0 3 0").run()  # five cells, as x has: the confusion
    page.click("check")
    marks = [m.value for m in page.at.markdown if "pooling-mark" in m.value]
    assert "❌" in marks[0] and "z has 4 cells: 1 value too many" in marks[0], marks
    page.at.text_input(key=key).input("0 4 0 3").run()
    page.click("check")
    marks = [m.value for m in page.at.markdown if "pooling-mark" in m.value]
    assert "✅" in marks[0] and "❌" not in marks[0], marks
    page.click("reveal")
    assert page.code_after("unpooled") == "0 4 0 3"
    assert "**not 5**" in _page_text(page)


def test_unpooling_says_a_value_it_cannot_read_without_blaming_torch():
    page = open_app("unpool").type("kernel_size", "abc")  # typed: a link's bad value gets a notice instead
    shown = [e for e in page.errors if "kernel_size" in e]
    assert shown and not shown[0].startswith("torch's rule"), page.errors
    refused = open_app("unpool").type("output_size", "9")
    assert any(e.startswith("torch's rule: ") for e in refused.errors), refused.errors
