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
