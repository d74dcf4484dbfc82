"""Pages share one browser tab and one session: changing one page never breaks or changes another.

For every ordered pair of pages (A, B): open A, change something on it, switch to B by the
navigation, then back to A. B must show its own defaults (Channels and the torch API page: the
slide's example), A must come back with its own last state, and no page may raise.
"""

from __future__ import annotations

import itertools

import pytest
import torch
import torch.nn.functional as F

from tests.app.conftest import AppPage, open_app
from ui import data, navigation

LECTURE_OUTPUT = repr(F.max_pool2d(torch.from_numpy(data.LECTURE_X), (1, 2)))


def _change(page: AppPage) -> None:
    """Something a person does on each page (sliders, radios, typed boxes, toggles, steps)."""
    name = page.name
    if name == "pool_1d":
        page.set(kernel_size=3, function="avg_pool1d")
        page.click("forward")
    elif name == "pool_2d":
        page.set(function="avg_pool2d")
        page.type("kernel_size", "2, 3")
    elif name == "channels":
        page.set(function="avg_pool2d")
        page.type("kernel_size", "2")
    elif name == "torch_api":
        page.type("kernel_size", "3")
        page.set(ceil_mode=True)
    elif name == "invariance":
        page.set(kernel_size=3, shift=2)
    elif name == "images":
        page.type("kernel_size", "3")
        page.set(cells=10)
    elif name == "backward":
        page.set(function="avg_pool1d")
        page.set(upstream="one-hot")
    elif name == "unpool":
        page.type("output_size", "5")
    elif name == "fractional":
        page.type("kernel_size", "3")
        page.click("forward")
    elif name == "pool_3d":
        page.set(function="avg_pool3d")
        page.type("kernel_size", "1, 2, 2")


def _assert_changed(page: AppPage) -> None:
    name = page.name
    if name == "pool_1d":
        assert page.value("kernel_size") == 3 and page.value("function") == "avg_pool1d"
        assert page.step_text().startswith("Step 2 of 3.")
        assert page.output_text() == "1.33 0 2.33"
    elif name == "pool_2d":
        assert page.value("kernel_size") == "2, 3" and page.value("function") == "avg_pool2d"
        assert page.output_text() is not None
    elif name == "channels":
        assert page.value("kernel_size") == "2"
        assert not any(block == LECTURE_OUTPUT for block in page.code_blocks())
    elif name == "torch_api":
        assert page.value("kernel_size") == "3" and page.value("ceil_mode") is True
        assert any("matches torch" in s for s in page.successes)
    elif name == "invariance":
        assert page.value("kernel_size") == 3 and page.value("shift") == 2
    elif name == "images":
        assert page.value("kernel_size") == "3" and page.value("cells") == 10
    elif name == "backward":
        assert page.value("function") == "avg_pool1d" and page.value("upstream") == "one-hot"
        assert page.code_after("x.grad = ∂L/∂x") == "0.5 0.5 0 0 0 0 0 0 0 0"
    elif name == "unpool":
        assert page.code_after("unpooled") == "0 4 0 3 0"
    elif name == "fractional":
        assert page.value("kernel_size") == "3" and page.step_text().startswith("Step 2 of 16.")
        assert any("matches torch" in s for s in page.successes)
    elif name == "pool_3d":
        assert page.value("kernel_size") == "1, 2, 2" and page.value("function") == "avg_pool3d"
        assert page.step_text().startswith("Step 1 of 16.") and page.code_after("output") is not None


def _assert_defaults(page: AppPage) -> None:
    name = page.name
    assert not page.errors, page.errors
    assert not [w for w in page.warnings if "from the link" in w], page.warnings  # no link was followed
    if name == "pool_1d":
        assert page.output_text() == "4 0 2 3 3"
        assert page.step_text().startswith("Step 1 of 5.")
    elif name == "pool_2d":
        assert page.value("kernel_size") == "2" and page.value("function") == "max_pool2d"
        assert page.output_text() is not None
    elif name in ("channels", "torch_api"):  # the slide's example, untouched
        assert LECTURE_OUTPUT in page.code_blocks(), page.code_blocks()
    elif name == "invariance":
        assert page.value("kernel_size") == 2 and page.value("shift") == 1
    elif name == "images":
        assert page.value("kernel_size") == "2"
    elif name == "backward":
        assert page.code_after("x.grad = ∂L/∂x") == "0 1 0 1 1 0 0 1 1 0"
    elif name == "unpool":
        assert page.code_after("unpooled") == "0 4 0 3"
    elif name == "fractional":
        assert page.value("kernel_size") == "2" and page.step_text().startswith("Step 1 of 16.")
        assert page.output_text() is not None
    elif name == "pool_3d":
        assert page.value("kernel_size") == "2" and page.value("function") == "max_pool3d"
        assert page.step_text().startswith("Step 1 of 8.")
    elif name == "home":
        assert page.at.title[0].value == "Pooling Lab"


PAIRS = list(itertools.permutations(navigation.NAMES, 2))


@pytest.mark.parametrize(("first", "second"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_a_change_on_one_page_stays_there(first, second):
    page = open_app(first)
    _change(page)
    _assert_changed(page)
    page.go(second)
    _assert_defaults(page)
    page.go(first)
    _assert_changed(page)  # its own last state, not the defaults and not the other page's
    assert not page.errors, page.errors


def test_the_lecture_in_order_with_changes_on_each_page():
    """The lecturer's walk: 1-D → Channels → Invariance → torch API → 2-D → Images, a change on each."""
    page = open_app("pool_1d")
    for name in ("pool_1d", "channels", "invariance", "torch_api", "pool_2d", "images"):
        if name != "pool_1d":
            page.go(name)
        _assert_defaults(page)
        _change(page)
        _assert_changed(page)
    for name in ("pool_1d", "channels", "invariance", "torch_api", "pool_2d", "images"):  # and back through it
        page.go(name)
        _assert_changed(page)


def test_a_deep_link_sets_only_the_page_it_opens():
    page = open_app("pool_2d", kernel_size="2,3")
    assert page.value("kernel_size") == "2,3"
    for name in ("pool_1d", "channels", "torch_api", "images"):
        page.go(name)
        _assert_defaults(page)
    page.go("pool_2d")
    assert page.value("kernel_size") == "2,3"  # still its own
    assert page.at.query_params.get("kernel_size") == "2,3"  # and back in its URL
