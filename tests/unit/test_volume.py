"""The 3-D page's scene and figure: every output, picked cell and window of ``ui.volume`` against
torch's ``max_pool3d`` / ``avg_pool3d`` (values and indices), the slices it draws, its words, its
predict-mode questions, and a figure plotly accepts at every kind of step, light and dark."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from pooling_core import PoolCall
from ui import calls, questions
from ui import volume as volumes
from ui.figures.volume import OUTPUT_HEADING_PX, layout, volume_figure
from ui.palette import DARK, LIGHT

VOLUME = calls.input_3d({"D": 4, "H": 4, "W": 5, "seed": 3})  # (4, 4, 5) random integers 0…9
CALLS = {
    "max k=2": ("max_pool3d", {"kernel_size": 2}),
    "max (1, 2, 2) stride (1, 1, 2)": ("max_pool3d", {"kernel_size": (1, 2, 2), "stride": (1, 1, 2)}),
    "max k=3 padding 1 dilation (1, 1, 2)": (
        "max_pool3d",
        {"kernel_size": 3, "padding": 1, "dilation": (1, 1, 2), "stride": 1},
    ),  # fmt: skip
    "max ceil_mode": ("max_pool3d", {"kernel_size": 3, "stride": 2, "ceil_mode": True}),
    "avg k=2": ("avg_pool3d", {"kernel_size": 2}),
    "avg padding, count_include_pad=False": (
        "avg_pool3d",
        {"kernel_size": 3, "stride": 2, "padding": 1, "count_include_pad": False},
    ),  # fmt: skip
    "avg divisor_override, ceil_mode": (
        "avg_pool3d",
        {"kernel_size": (2, 3, 2), "divisor_override": 5, "ceil_mode": True, "stride": 2},
    ),  # fmt: skip
}


def _torch(function: str, arguments: dict, volume: np.ndarray):
    x = torch.from_numpy(volume.astype(np.float32)[None])
    if function.startswith("max"):
        values, indices = getattr(F, function)(x, **arguments, return_indices=True)
        return values[0].numpy(), indices[0].numpy()
    return getattr(F, function)(x, **arguments)[0].numpy(), None


@pytest.mark.parametrize("name", CALLS)
def test_the_scene_is_torchs_output_and_indices(name):
    function, arguments = CALLS[name]
    call = PoolCall(function, arguments)
    scene = volumes.build(call, VOLUME)
    values, indices = _torch(function, arguments, VOLUME)
    np.testing.assert_allclose(scene.outputs, values, rtol=1e-6)
    assert scene.step_count == values.size
    for box in scene.overlays:
        if indices is not None:  # the picked cell is torch's index, in the window
            assert np.ravel_multi_index(box.chosen, VOLUME.shape) == indices[box.output]
            assert (*box.chosen, volumes.CELL_INPUT) in box.window
        read = [cell[:3] for cell in box.window if cell[3] == volumes.CELL_INPUT]
        flat = call.windows((1, *VOLUME.shape)).flat_input_index(*box.output)
        assert [int(np.ravel_multi_index(cell, VOLUME.shape)) for cell in read] == flat.tolist()


def test_padding_slices_and_frames_are_ghosts():
    scene = volumes.build(PoolCall("avg_pool3d", {"kernel_size": 3, "stride": 2, "padding": 1}), VOLUME)
    assert list(scene.slices) == [-1, 0, 1, 2, 3, 4]  # a padding slice on either side
    assert all(0 <= d < 4 for d in scene.slices if all((d, h, w) not in scene.ghosts for h in range(4)
                                                        for w in range(5)))  # fmt: skip
    assert scene.ghosts[(-1, 0, 0)] == volumes.CELL_PADDING  # read by the first window
    assert (0, 0, 0) not in scene.ghosts and (0, -1, 0) in scene.ghosts
    first = scene.overlays[0]
    assert scene.slices_of(0) == (-1, 0, 1)
    assert sum(1 for cell in first.window if cell[3] == volumes.CELL_PADDING) == 27 - 8


def test_ceil_mode_windows_torch_drops_are_kept_for_the_figure():
    volume = calls.input_3d({"D": 5, "H": 5, "W": 5})
    scene = volumes.build(PoolCall("max_pool3d", {"kernel_size": 3, "stride": 3, "padding": 1, "ceil_mode": True}),
                          volume)  # fmt: skip
    assert scene.dropped  # the window that would start in the right padding
    assert scene.outputs.shape == tuple(F.max_pool3d(torch.zeros(1, 5, 5, 5), 3, 3, 1, ceil_mode=True).shape[1:])


def test_words_say_where_the_box_is():
    scene = volumes.build(PoolCall("max_pool3d", {"kernel_size": (2, 1, 3), "stride": 1}), VOLUME)
    assert volumes.box_words(scene, 0) == "slices d = 0…1, rows h = 0, columns w = 0…2"
    arithmetic, sentence = volumes.sentence(scene, 0, hide_result=True)
    assert arithmetic.endswith("= ?") and "maximum is at" not in sentence
    assert volumes.sentence(scene, 0)[1].endswith("The box spans slices d = 0…1, rows h = 0, columns w = 0…2.")
    assert volumes.slices_text(np.array([[[-1.0, 2.5]]])) == "d = 0\n-1 2.5"


def test_questions_are_torchs_output_slices():
    call = PoolCall("avg_pool3d", {"kernel_size": 2, "stride": 1})
    asked = volumes.questions_3d(call, VOLUME, seed=0)
    values, _ = _torch("avg_pool3d", {"kernel_size": 2, "stride": 1}, VOLUME)
    assert len(asked) == 2
    for d, question in enumerate(asked):
        assert question.target == f"y[{d}]" and question.kind == "cells"
        assert questions.check(question, question.answer_text).right
        typed = question.answer_text.split(";")[0]
        assert questions.check(question, typed).right is not True  # one row is not the slice
        np.testing.assert_allclose(np.array(question.answer), values[d], rtol=1e-6)
    with pytest.raises(ValueError, match="padding should be at most half"):
        volumes.questions_3d(PoolCall("max_pool3d", {"kernel_size": 2, "padding": 2}), VOLUME, 0)


@pytest.mark.parametrize("palette", [LIGHT, DARK], ids=["light", "dark"])
@pytest.mark.parametrize("name", CALLS)
def test_the_figure_is_valid_plotly_at_every_kind_of_step(name, palette):
    scene = volumes.build(PoolCall(*CALLS[name]), VOLUME)
    for step in sorted({0, scene.step_count // 2, scene.step_count - 1}):
        for width in (360, 900, 1150):
            figure = volume_figure(scene, step, palette, width_px=width)
            figure.validated()
            assert figure.to_dict()["layout"]["paper_bgcolor"] == palette.background
    hidden = volume_figure(scene, 0, palette, show_outputs=False).to_dict()
    assert not any("▲" in str(note.get("text")) for note in hidden["layout"]["annotations"])
    outputs = [trace for trace in hidden["data"] if trace["name"].startswith("output")]
    assert all(value is None for trace in outputs for row in trace["z"] for value in row)
    volume_figure(volumes.input_only(PoolCall("max_pool3d", {"kernel_size": 9}), VOLUME), 0, palette).validated()


def test_the_figure_draws_the_box_across_the_slices_it_reads():
    scene = volumes.build(PoolCall("max_pool3d", {"kernel_size": 2}), VOLUME)
    spec = volume_figure(scene, 0, LIGHT).to_dict()
    bands = [shape for shape in spec["layout"]["shapes"] if shape["xref"] == "paper"]
    assert len(bands) == 1  # one box over slices d = 0 and 1
    taps = [shape for shape in spec["layout"]["shapes"] if shape["xref"] in ("x", "x2") and shape.get("fillcolor")]
    assert len(taps) == 8 and {shape["xref"] for shape in taps} == {"x", "x2"}
    titles = {note["text"] for note in spec["layout"]["annotations"]}
    assert {"<b>d = 0</b>", "<b>d = 1</b>", "d = 2", "d = 3"} <= titles
    output_axis = f"x{len(scene.slices) + 1}"  # the output's first slice
    assert any(shape["xref"] == output_axis for shape in spec["layout"]["shapes"])


LARGEST = np.zeros((6, 8, 8), dtype=np.float32)  # the page's largest volume: padded and ceil_mode, 9 slices of 10×10


@pytest.mark.parametrize("width", [360, 900, 1150])
def test_the_layout_fits_the_width_and_no_two_slices_overlap(width):
    largest = ("max_pool3d", {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True})
    for volume, call in [*((VOLUME, CALLS[name]) for name in CALLS), (LARGEST, largest)]:
        scene = volumes.build(PoolCall(*call), volume)
        placed = layout(scene, width, 640)
        panels = placed.inputs + placed.outputs
        assert all(panel.left >= 0 and panel.left + panel.width <= width for panel in panels)
        for one, other in zip(panels, panels[1:], strict=False):
            side_by_side = one.top == other.top
            assert not side_by_side or one.left + one.width < other.left
        assert placed.height <= 640 or placed.cell == 14


def test_on_a_wide_short_screen_the_output_goes_beside_the_input_with_larger_cells():
    """A projector's 1280×720: the output beside the slices keeps cells legible (28 px below
    them, 50 beside), every panel inside the width, the output's heading included."""
    scene = volumes.build(PoolCall("max_pool3d", {"kernel_size": 2}), np.arange(64, dtype=np.float32).reshape(4, 4, 4))
    below = layout(scene, 1226, 350, max_cell=64)
    beside = layout(scene, 1226, 350, max_cell=64, outputs_beside=True)
    assert beside.cell > 1.5 * below.cell and beside.height <= 350
    last_input = beside.inputs[-1]
    assert all(panel.left > last_input.left + last_input.width for panel in beside.outputs)
    assert all(panel.left + panel.width <= beside.width for panel in beside.inputs + beside.outputs)
    assert beside.output_left + OUTPUT_HEADING_PX <= beside.width
    assert beside.output_heading == beside.input_heading  # one row of headings
    assert layout(scene, 1226, 350, max_cell=64, outputs_beside=False) == below  # the default is unchanged
