"""The animated window figure is built as plain dicts and sent unvalidated (see
ui.figures.PlainFigure), so here every kind of figure goes through plotly's validator."""

from __future__ import annotations

import json

import numpy as np
import pytest
from plotly.basedatatypes import BaseFigure

from pooling_core.animation import pool_steps
from ui.figures import PlainFigure, window_figure

LECTURE = np.array([1, 4, -1, 0, 2, -2, 1, 3, 3, 1], dtype=np.float32)
GRID = np.arange(36, dtype=np.float32).reshape(6, 6) % 7 - 2

CASES = {
    "1-D max (the lecture)": (LECTURE, "max", dict(kernel_size=2), {}),
    "1-D avg, padding, ceil_mode, dropped window": (
        LECTURE[:5], "avg", dict(kernel_size=2, stride=2, padding=1, ceil_mode=True), dict(dropped_window=[(6,), (7,)]),
    ),
    "1-D lp with dilation": (LECTURE, "lp", dict(kernel_size=3, dilation=2, norm_type=2), {}),
    "2-D max, tuples and padding": (GRID, "max", dict(kernel_size=(2, 3), stride=(1, 2), padding=(1, 1)), {}),
    "2-D adaptive avg": (GRID, "adaptive_avg", dict(output_size=(4, 3)), {}),
    "2-D with NaN and inf, no text": (
        np.array([[np.nan, 1, np.inf], [-np.inf, 0, -0.0]]), "max", dict(kernel_size=2, ceil_mode=True),
        dict(show_text=False),
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", CASES)
def test_window_figure_is_valid_plotly(name):
    plane, kind, arguments, options = CASES[name]
    steps = pool_steps(plane, kind, **arguments)
    result = np.array([s.result for s in steps]).reshape(
        tuple(max(index) + 1 for index in zip(*(s.output_index for s in steps), strict=True))
    )
    figure = window_figure(plane, result, steps, is_max="max" in kind, step=len(steps) // 2, **options)
    assert isinstance(figure, PlainFigure) and isinstance(figure, BaseFigure)  # what st.plotly_chart needs
    validated = figure.validated()  # raises on any key or value plotly does not accept
    assert len(validated.frames) == len(steps)
    # Streamlit sends plotly.io.to_json(figure.to_dict(), validate=False): it must be plain JSON.
    sent = json.loads(json.dumps(figure.to_dict(), allow_nan=False, default=_no_objects))
    assert sent["layout"]["sliders"][0]["active"] == len(steps) // 2


def _no_objects(value):
    raise TypeError(f"not plain JSON: {type(value).__name__}")


def test_invalid_spec_is_caught_by_validated():
    """The check above can fail: a misspelt key is rejected by plotly's validator."""
    with pytest.raises(ValueError, match="colour"):
        PlainFigure({"data": [{"type": "heatmap", "z": [[1]], "colour": "red"}], "layout": {}}).validated()
