"""The figures: every kind is valid Plotly (checked by plotly's own validator, since the page hands
Streamlit unvalidated dicts), and each shows what the scene says — one colour scale for input and
output, the window and the picked cell where torch's indices say, padding and dropped windows."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from plotly.basedatatypes import BaseFigure

from pooling_core import PoolCall
from ui import scene as scenes
from ui.figures.invariance import curve_figure, permutation_figures, translation_figure
from ui.figures.pictures import Picture, pictures_figure
from ui.figures.plain import PlainFigure
from ui.figures.planes import planes_figure
from ui.figures.window import window_figure
from ui.images import Placement
from ui.palette import DARK, LIGHT

LECTURE = np.array([1, 4, -1, 0, 2, -2, 1, 3, 3, 1], dtype=np.float32)
GRID = np.arange(36, dtype=np.float32).reshape(6, 6) % 7 - 2

CASES = {
    "1-D max (the lecture)": (LECTURE, PoolCall("max_pool1d", dict(kernel_size=2))),
    "1-D avg, padding, ceil_mode, dropped window": (
        LECTURE[:5], PoolCall("avg_pool1d", dict(kernel_size=3, stride=3, padding=1, ceil_mode=True)),
    ),
    "1-D lp, overlapping": (LECTURE, PoolCall("lp_pool1d", dict(norm_type=2, kernel_size=3, stride=1))),
    "1-D dilated max": (LECTURE, PoolCall("max_pool1d", dict(kernel_size=3, stride=1, padding=1, dilation=2))),
    "1-D adaptive avg, overlapping bins": (LECTURE, PoolCall("adaptive_avg_pool1d", dict(output_size=4))),
    "1-D 200 values": (np.sin(np.arange(200, dtype=np.float32)), PoolCall("max_pool1d", dict(kernel_size=4))),
    "2-D max, tuples and padding": (
        GRID, PoolCall("max_pool2d", dict(kernel_size=(2, 3), stride=(1, 2), padding=(1, 1))),
    ),
    "2-D ceil_mode with dropped windows": (
        GRID[:5], PoolCall("max_pool2d", dict(kernel_size=3, stride=3, padding=1, ceil_mode=True)),
    ),
    "2-D adaptive avg": (GRID, PoolCall("adaptive_avg_pool2d", dict(output_size=(4, 3)))),
    "2-D with NaN and inf": (
        np.array([[np.nan, 1, np.inf], [-np.inf, 0, -0.0]]),
        PoolCall("max_pool2d", dict(kernel_size=2, ceil_mode=True)),
    ),
}  # fmt: skip


def _sent(figure: PlainFigure) -> dict:
    """What Streamlit sends: plotly.io.to_json(figure.to_dict(), validate=False) must be plain JSON."""

    def no_objects(value):
        raise TypeError(f"not plain JSON: {type(value).__name__}")

    return json.loads(json.dumps(figure.to_dict(), allow_nan=False, default=no_objects))


@pytest.mark.parametrize("palette", [LIGHT, DARK], ids=["light", "dark"])
@pytest.mark.parametrize("name", CASES)
def test_window_figure_is_valid_plotly_at_every_step_kind(name, palette):
    plane, call = CASES[name]
    scene = scenes.build(call, plane)
    for step in sorted({0, scene.step_count // 2, scene.step_count - 1}):
        figure = window_figure(scene, step, palette)
        assert isinstance(figure, PlainFigure) and isinstance(figure, BaseFigure)  # what st.plotly_chart needs
        figure.validated()  # raises on any key or value plotly does not accept
        sent = _sent(figure)
        assert sent["layout"]["paper_bgcolor"] == palette.background
    window_figure(scene, 0, palette, show_outputs=False).validated()


def test_invalid_spec_is_caught_by_validated():
    """The check above can fail: a misspelt key is rejected by plotly's validator."""
    with pytest.raises(ValueError, match="colour"):
        PlainFigure({"data": [{"type": "heatmap", "z": [[1]], "colour": "red"}], "layout": {}}).validated()


def test_input_and_output_share_one_colour_scale():
    scene = scenes.build(PoolCall("avg_pool1d", dict(kernel_size=2)), LECTURE)
    spec = window_figure(scene, 4, LIGHT).to_dict()
    by_name = {trace["name"]: trace for trace in spec["data"]}
    assert (by_name["input"]["zmin"], by_name["input"]["zmax"]) == (
        by_name["output"]["zmin"],
        by_name["output"]["zmax"],
    )
    assert by_name["input"]["colorscale"] == by_name["output"]["colorscale"]
    assert (by_name["input"]["zmin"], by_name["input"]["zmax"]) == (-2.0, 4.0)


def test_the_window_and_the_picked_cell_are_where_torchs_indices_say():
    call = PoolCall("max_pool2d", dict(kernel_size=3, stride=2, padding=1))
    scene = scenes.build(call, GRID)
    _, indices = F.max_pool2d(torch.from_numpy(GRID[None]), 3, 2, 1, return_indices=True)
    for step, overlay in enumerate(scene.overlays):
        shapes = window_figure(scene, step, LIGHT).to_dict()["layout"]["shapes"]
        picked = [s for s in shapes if s["line"]["color"] == LIGHT.chosen]
        assert len(picked) == 2  # a double outline
        row, column = overlay.output
        flat = int(indices[0, row, column])
        centre = ((picked[0]["y0"] + picked[0]["y1"]) / 2, (picked[0]["x0"] + picked[0]["x1"]) / 2)
        assert centre == divmod(flat, GRID.shape[1])
        window = [s for s in shapes if s.get("fillcolor") == LIGHT.window_fill]
        assert len(window) == 9


def test_outputs_are_revealed_step_by_step_and_hidden_in_predict_mode():
    scene = scenes.build(PoolCall("max_pool1d", dict(kernel_size=2)), LECTURE)
    output = next(t for t in window_figure(scene, 2, LIGHT).to_dict()["data"] if t["name"] == "output")
    assert output["z"][0] == [4.0, 0.0, 2.0, None, None]
    hidden = next(
        t for t in window_figure(scene, 2, LIGHT, show_outputs=False).to_dict()["data"] if t["name"] == "output"
    )
    assert hidden["z"][0] == [None] * 5 and hidden["text"][0] == [""] * 5


def test_the_whole_padding_frame_is_drawn_and_unread_padding_is_paler():
    """k=3, s=2, p=1 on 6 columns: windows read columns −1..5, never the right padding column 6."""
    scene = scenes.build(PoolCall("max_pool2d", dict(kernel_size=3, stride=2, padding=1)), GRID)
    ghosts = next(t for t in window_figure(scene, 0, LIGHT).to_dict()["data"] if t["name"] == "padding")
    assert ghosts["x"] == list(range(-1, 7)) and ghosts["y"] == list(range(-1, 7))  # the full frame
    z = np.array(ghosts["z"], dtype=object)
    assert z[0, 0] == 1 and z[3, 0] == 1  # top-left corner and left column: read by some window
    assert z[3, 7] == 0 and z[7, 3] == 0  # right column and bottom row: padding no window reads
    assert z[3, 3] is None  # an input cell: not a ghost
    assert ghosts["text"][3][7] == "−∞"


def test_2d_ceil_mode_draws_the_dropped_windows_like_1d():
    # H = 5, k = 3, s = 3, p = 1, ceil: the third window row would start at 5 = H: dropped
    scene = scenes.build(PoolCall("max_pool2d", dict(kernel_size=3, stride=3, padding=1, ceil_mode=True)), GRID[:5])
    assert len(scene.dropped) == 3  # one dropped window per output column (3: the last one added by ceil_mode)
    shapes = window_figure(scene, 0, LIGHT).to_dict()["layout"]["shapes"]
    dashdot = [s for s in shapes if s["line"].get("dash") == "dashdot"]
    assert len(dashdot) == 3 * 9
    assert scene.rows[1] == 7  # the figure frames the dropped windows' rows
    one_d = scenes.build(PoolCall("max_pool1d", dict(kernel_size=3, stride=3, padding=1, ceil_mode=True)), LECTURE[:5])
    assert one_d.dropped == (((0, 5), (0, 6), (0, 7)),)


def test_long_sequences_stay_legible():
    """40 to 200 values: smaller numbers, then none; ticks every few cells."""
    for length, expect_text in ((10, True), (40, True), (200, False)):
        x = np.arange(length, dtype=np.float32) % 7
        spec = window_figure(scenes.build(PoolCall("max_pool1d", dict(kernel_size=2)), x), 0, LIGHT).to_dict()
        trace = next(t for t in spec["data"] if t["name"] == "input")
        assert (trace["texttemplate"] is not None) is expect_text, length
        assert spec["layout"]["xaxis"]["dtick"] == max(1, -(-length // 20))
    assert scenes.text_size(10) > scenes.text_size(40)


def test_input_only_figure_for_an_invalid_call():
    scene = scenes.input_only(PoolCall("max_pool1d", dict(kernel_size=2, padding=3)), LECTURE)
    spec = window_figure(scene, 0, LIGHT)
    spec.validated()
    assert [t["name"] for t in spec.to_dict()["data"]] == ["input"]


def test_planes_figure_is_valid_and_shares_one_scale():
    x = np.arange(24, dtype=np.float32).reshape(1, 2, 2, 6)
    y = F.max_pool2d(torch.from_numpy(x), (1, 2)).numpy()
    figure = planes_figure(x, y, DARK)
    assert len(figure.data) == 4
    assert len({(t.zmin, t.zmax) for t in figure.data}) == 1
    assert figure.layout.paper_bgcolor == DARK.background
    assert len(planes_figure(x, None, LIGHT).data) == 2  # predict mode: outputs not drawn


@pytest.mark.parametrize("rows, cols", [(1, 3), (3, 3), (1, 1)])
def test_pictures_figure_is_valid_plotly(rows, cols):
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


def test_invariance_figures_are_valid_and_in_the_palette():
    from ui import invariance as inv  # noqa: PLC0415

    grid = inv.grid_preset("random integers", 0, 2)
    inputs, outputs = permutation_figures(inv.permutation_check(grid, 2, 0), 2, DARK)
    translation = translation_figure(grid, inv.translate(grid, 2, 1), DARK)
    curve = curve_figure(inv.unchanged_fractions(grid, 2, range(5)), 1, 2, "title", DARK)
    for figure in (inputs, outputs, translation, curve):
        assert figure.layout.paper_bgcolor == DARK.background
        json.loads(figure.to_json())


def test_adaptive_bins_say_their_formula_and_their_overlaps_are_marked():
    scene = scenes.build(PoolCall("adaptive_avg_pool1d", dict(output_size=4)), np.arange(10, dtype=np.float32))
    assert [overlay.shared for overlay in scene.overlays] == [((0, 2),), ((0, 2),), ((0, 7),), ((0, 7),)]
    assert "Its bin covers [⌊1·10/4⌋, ⌈2·10/4⌉) = [2, 5); it overlaps its neighbours on cell 2." in (
        scene.overlays[1].description
    )
    shapes = window_figure(scene, 1, LIGHT).to_dict()["layout"]["shapes"]
    assert sum(shape["line"].get("dash") == "dot" and shape["line"]["color"] == LIGHT.window for shape in shapes) == 1
    even = scenes.build(PoolCall("adaptive_avg_pool1d", dict(output_size=5)), np.arange(10, dtype=np.float32))
    assert all(overlay.shared == () for overlay in even.overlays) and "overlaps" not in even.overlays[0].description


def test_lp_with_a_fractional_power_on_negatives_says_why_it_is_nan():
    scene = scenes.build(PoolCall("lp_pool1d", dict(norm_type=1.5, kernel_size=2)), LECTURE)
    assert np.isnan(scene.outputs[0, 1])
    assert "a negative number raised to the fractional power p = 1.5 has no real value" in scene.overlays[1].description
    assert "NaN:" not in scene.overlays[0].description  # 1 and 4: a real result
