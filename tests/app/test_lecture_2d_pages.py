"""AppTest: the 2-D grid page, the channels page and the torch API page, driven headlessly."""

from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from tests.app.conftest import AppPage, open_app
from ui import data


def open_page(path: str, **query) -> AppPage:
    return open_app(Path(path).stem, **query)


def code_blocks(page: AppPage) -> list[str]:
    return page.code_blocks()


def test_channels_page_reproduces_the_lecture_example_exactly():
    page = open_page("pages/channels.py")
    expected = F.max_pool2d(torch.from_numpy(data.LECTURE_X), (1, 2))
    # The slide's output, written out by hand from the lecture.
    assert expected.tolist() == [[[[2, 1, 2], [2, 1, 2]], [[2, 1, 2], [1, 1, 0]]]]
    assert repr(expected) in code_blocks(page)
    assert repr(torch.from_numpy(data.LECTURE_X)) in code_blocks(page)
    assert any("channels and samples never mix" in s for s in page.successes)
    assert any("matches torch" in s for s in page.successes)


@pytest.mark.parametrize("kernel_size, function", [("2", "avg_pool2d"), ("2, 3", "max_pool2d")])
def test_channels_page_random_tensor_matches_torch(kernel_size, function):
    page = open_page("pages/channels.py", tensor="random", kernel_size=kernel_size, function=function)
    assert any("matches torch" in s for s in page.successes)
    assert not page.errors


def test_grid_page_default_matches_torch_and_shows_values_as_text():
    page = open_page("pages/pool_2d.py")
    grid = data.preset_grid("random integers", 0)
    expected = F.max_pool2d(torch.from_numpy(grid[None].astype(np.float32)), 2)[0]
    output_text = "\n".join(" ".join(str(int(v)) for v in row) for row in expected.tolist())
    assert output_text in code_blocks(page)
    assert any("matches torch" in s for s in page.successes)


def test_grid_page_lecture_channel_with_rectangular_kernel():
    grid = "1 2 1 1 0 2\n2 1 1 0 2 0"
    page = open_page("pages/pool_2d.py", grid=grid, kernel_size="1, 2")
    assert "2 1 2\n2 1 2" in code_blocks(page)  # the slide's first channel


@pytest.mark.parametrize(
    "query",
    [
        dict(function="avg_pool2d", kernel_size="3", stride="2", padding="1", count_include_pad="false"),
        dict(function="avg_pool2d", kernel_size="2, 3", divisor_override="-4", ceil_mode="true"),
        dict(function="max_pool2d", kernel_size="3", stride="1, 2", dilation="2", padding="1", return_indices="true"),
        dict(function="lp_pool2d", kernel_size="2", norm_type="3"),
        dict(function="adaptive_avg_pool2d", output_size="4, None"),
        dict(function="adaptive_max_pool2d", output_size="5", return_indices="true"),
    ],
)
def test_grid_page_parameter_combinations_match_torch(query):
    page = open_page("pages/pool_2d.py", **query)
    assert not page.errors, page.errors
    assert any("matches torch" in s for s in page.successes)


@pytest.mark.parametrize(
    "query, words",
    [
        (dict(kernel_size="2", padding="2"), "padding should be at most half of kernel_size"),
        (dict(kernel_size="0"), "kernel_size must be greater than zero"),
        (dict(kernel_size="9"), "output size is too small"),
        (dict(function="avg_pool2d", divisor_override="0"), "divisor_override must be non-zero"),
    ],
)
def test_grid_page_invalid_parameters_show_the_rule(query, words):
    page = open_page("pages/pool_2d.py", **query)
    assert any(words in e for e in page.errors), page.errors


@pytest.mark.parametrize("grid", ["1 2; 3", "1 x 2", ""])
def test_grid_page_malformed_grid_gets_a_message(grid):
    page = open_page("pages/pool_2d.py", grid=grid)
    assert page.errors


def test_grid_page_bad_link_value_gets_a_notice_and_falls_back():
    page = open_page("pages/pool_2d.py", kernel_size="two")
    assert any("kernel_size=two" in w for w in page.warnings)
    assert any("matches torch" in s for s in page.successes)


def test_torch_api_page_defaults_and_module_agree():
    page = open_page("pages/torch_api.py")
    assert any("nn.MaxPool2d, built with these arguments" in s for s in page.successes)
    assert any("Argument order trap" in w for w in page.warnings)


def test_torch_api_page_padding_rule_in_words():
    page = open_page("pages/torch_api.py", kernel_size="2", padding="2")
    assert any("padding should be at most half of kernel_size" in e for e in page.errors)


def test_home_page_links_every_slide():
    page = open_page("pages/home.py")
    page.assert_no_exception()
