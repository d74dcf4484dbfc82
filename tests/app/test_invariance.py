"""The invariance page, run headless with Streamlit's AppTest.

The acceptance check of the issue: the permutation check reports "unchanged" and the
translation curve is drawn. Also: the across-cell shuffle reports "changed", the links that
seed the controls are read, and a bad link value is said on screen instead of failing.

AppTest does not see URL writes made by bound widgets; the browser sees those.
"""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest

from tests.app.conftest import AppPage, open_app
from ui import invariance as inv
from ui.palette import LIGHT


def open_page(**query: str) -> AppPage:
    return open_app("invariance", **query)


def texts(page: AppPage) -> list[str]:
    return [node.value for node in page.at.markdown]


def figures(page: AppPage) -> list[dict]:
    """Each Plotly chart's figure JSON, in page order."""
    return [json.loads(chart.proto.spec) for chart in page.at.get("plotly_chart")]


def values(encoded) -> list[float]:
    """A trace array from the figure JSON: a list, or Plotly's typed array ``{dtype, bdata}``."""
    if isinstance(encoded, dict):
        return np.frombuffer(base64.b64decode(encoded["bdata"]), dtype=encoded["dtype"]).tolist()
    return list(encoded)


def curve_traces(page: AppPage) -> list[dict]:
    return [
        {**trace, "y": values(trace["y"])}
        for figure in figures(page)
        for trace in figure["data"]
        if trace.get("type") == "scatter" and trace.get("mode") == "lines+markers"
    ]


def test_permutation_check_reports_unchanged_and_the_curves_are_drawn():
    page = open_page()
    lines = texts(page)
    assert "max_pool2d output: unchanged ✅ (bit-identical)" in lines
    assert "avg_pool2d output: unchanged ✅ (bit-identical)" in lines
    assert any(line.startswith("max_pool2d output: changed ❌") for line in lines)
    assert any(line.startswith("avg_pool2d output: changed ❌") for line in lines)
    charts = page.at.get("plotly_chart")
    assert len(charts) == 6  # permutation inputs and outputs; per source: before/after and curve
    traces = curve_traces(page)
    names = [trace["name"] for trace in traces]
    assert names == ["max_pool2d", "avg_pool2d", "no pooling (input cells)"] * 2  # grid, then image
    assert all(len(trace["y"]) == 5 and trace["y"][0] == 1.0 for trace in traces)  # t = 0..2k, k = 2


def test_the_grid_curve_is_the_one_computed_by_ui_invariance():
    page = open_page(kernel_size="3", shift="2", direction="down", fill="wrap", preset="random integers", seed="4")
    grid = inv.grid_preset("random integers", 4, 3)
    expected = inv.unchanged_fractions(grid, 3, range(7), "down", "wrap")
    grid_traces = curve_traces(page)[:3]
    for trace, method in zip(grid_traces, ("max", "avg", "none"), strict=True):
        assert trace["y"] == pytest.approx(expected[method].tolist())
    assert any("t = 2" in line and "down" in line for line in texts(page))


def test_changed_outputs_are_marked_in_red():
    page = open_page(seed="3")
    check = inv.permutation_check(inv.grid_preset("random integers", 3, 2), 2, seed=3)
    expected = sum(check.comparisons[m]["across"].count for m in ("max", "avg"))
    outputs = [figure for figure in figures(page) if len(figure["data"]) == 6 and "shapes" in figure["layout"]]
    red = [shape for shape in outputs[0]["layout"]["shapes"] if shape["line"]["color"] == LIGHT.changed]
    assert len(red) == expected > 0


@pytest.mark.parametrize("sample", [inv.SYNTHETIC, "scene.jpg"])
def test_every_sample_image_runs(sample):
    if sample not in inv.sample_choices()[0]:
        pytest.skip(f"{sample} is not bundled")
    page = open_page(sample=sample, kernel_size="3", direction="diagonal", fill="zero")
    assert any(line.startswith(sample) for line in [c.value for c in page.at.caption])


def test_a_bad_link_value_is_said_on_screen():
    page = open_page(kernel_size="2", shift="9", fill="mirror")
    warnings = page.warnings
    assert "shift=9 from the link is not a whole number from 0 to 4; using 1." in warnings
    assert any(w.startswith("fill=mirror from the link is not one of edge, zero, wrap") for w in warnings)
    assert "max_pool2d output: unchanged ✅ (bit-identical)" in texts(page)
