"""The animated window figure is built as plain dicts and sent unvalidated (see
ui.figures.PlainFigure), so here every kind of figure goes through plotly's validator."""

from __future__ import annotations

import json

import numpy as np
import pytest
from plotly.basedatatypes import BaseFigure

from pooling_core import PoolCall
from pooling_core.animation import pool_steps
from ui.figures import PlainFigure, window_figure

LECTURE = np.array([1, 4, -1, 0, 2, -2, 1, 3, 3, 1], dtype=np.float32)
GRID = np.arange(36, dtype=np.float32).reshape(6, 6) % 7 - 2

CASES = {
    "1-D max (the lecture)": (LECTURE, "max", dict(kernel_size=2), {}),
    "1-D avg, padding, ceil_mode, dropped window": (
        LECTURE[:5], "avg", dict(kernel_size=2, stride=2, padding=1, ceil_mode=True), dict(dropped_window=[(6,), (7,)]),
    ),
    "1-D lp, overlapping": (LECTURE, "lp", dict(kernel_size=3, stride=1, norm_type=2), {}),
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
    steps = pool_steps(PoolCall(f"{kind}_pool{plane.ndim}d", arguments), plane)
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


@pytest.mark.parametrize("rows, cols", [(1, 3), (3, 3), (1, 1)])
def test_pictures_figure_is_valid_plotly(rows, cols):
    from ui.image_view import Picture, pictures_figure  # noqa: PLC0415 - imports Streamlit
    from ui.images import Placement  # noqa: PLC0415

    pixels = np.zeros((4, 6, 3), dtype=np.uint8)
    grid = [[Picture(f"p{r}{c}", pixels, Placement(x0=0.0, y0=0.0, dx=2.0, dy=2.0)) for c in range(cols)]
            for r in range(rows)]  # fmt: skip
    outline = dict(x0=-0.5, x1=3.5, y0=-0.5, y1=3.5)
    figure = pictures_figure(grid, (-0.5, 11.5), (7.5, -0.5), outlines=(outline,))
    validated = figure.validated()
    count = rows * cols
    assert [trace.type for trace in validated.data] == ["image"] * count
    assert [annotation.text for annotation in validated.layout.annotations] == [p.title for row in grid for p in row]
    assert len(validated.layout.shapes) == 2 * count  # a frame and the outline on every picture
    axes = {trace.xaxis for trace in validated.data}
    assert len(axes) == count  # each picture on its own axes ...
    for name in axes:  # ... all over the same range
        axis = validated.layout["xaxis" + name[1:]]
        assert list(axis.range) == [-0.5, 11.5]


def test_the_whole_padding_frame_is_drawn_and_unread_padding_is_paler():
    """k=3, s=2, p=1 on 6 columns: windows read columns −1..5, never the right padding column 6."""
    steps = pool_steps(PoolCall("max_pool2d", dict(kernel_size=3, stride=2, padding=1)), GRID)
    result = np.array([s.result for s in steps]).reshape(3, 3)
    spec = window_figure(GRID, result, steps, is_max=True, padding=(1, 1)).to_dict()
    ghosts = next(trace for trace in spec["data"] if trace.get("name") == "padding")
    assert ghosts["x"] == list(range(-1, 7)) and ghosts["y"] == list(range(-1, 7))  # the full frame
    z = np.array(ghosts["z"], dtype=object)
    assert z[0, 0] == 1 and z[3, 0] == 1  # top-left corner and left column: read by some window
    assert z[3, 7] == 0 and z[7, 3] == 0  # right column and bottom row: padding no window reads
    assert z[3, 3] is None  # an input cell: not a ghost
    assert ghosts["text"][3][7] == "−∞"
    without = window_figure(GRID, result, steps, is_max=True).to_dict()
    assert next(t for t in without["data"] if t.get("name") == "padding")["x"] == list(range(-1, 6))
