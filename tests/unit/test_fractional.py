"""The Fractional page's logic against torch, given the same ``_random_samples``: the window starts
of each axis (read back from torch's indices on an increasing grid), which sample places which axis,
how often each cell is read, the scene, the torch code it prints, its questions and its figure."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from pooling_core import PoolCall
from pooling_core.codegen import tensor_code
from pooling_core.reference import compare
from ui import calls, questions
from ui import fractional as story
from ui import scene as scenes
from ui.figures.fractional import lanes, windows_figure
from ui.figures.window import window_figure
from ui.palette import DARK, LIGHT


def _torch_starts(shape: tuple[int, int], kernel: tuple[int, int], output_size, samples: np.ndarray):
    """torch's window starts per axis: on an increasing grid each window's max is its last cell."""
    rows, columns = shape
    x = torch.arange(rows * columns, dtype=torch.float32).reshape(1, 1, rows, columns)
    _, indices = F.fractional_max_pool2d(x, kernel, output_size=output_size, return_indices=True,
                                         _random_samples=torch.from_numpy(samples))  # fmt: skip
    indices = indices[0, 0].numpy()
    row_starts = indices[:, 0] // columns - (kernel[0] - 1)
    column_starts = indices[0] % columns - (kernel[1] - 1)
    return tuple(row_starts.tolist()), tuple(column_starts.tolist())


CASES = [
    ((7, 7), (2, 2), (4, 4)),
    ((7, 7), (2, 2), (3, 3)),  # windows that skip cells
    ((9, 6), (3, 2), (5, 3)),
    ((10, 10), (2, 3), (9, 2)),
    ((8, 5), (1, 4), (8, 1)),  # a single window along W
    ((6, 11), (2, 2), (5, 10)),
]


@pytest.mark.parametrize(("shape", "kernel", "output_size"), CASES)
@pytest.mark.parametrize("seed", [0, 1, 7, 42, 9999])
def test_starts_are_torchs_with_the_same_samples(shape, kernel, output_size, seed):
    samples = calls.random_samples(seed)
    call = PoolCall("fractional_max_pool2d", {"kernel_size": kernel, "output_size": output_size,
                                              "_random_samples": samples})  # fmt: skip
    height, width = story.axes(call, (1, *shape))
    assert (height.starts, width.starts) == _torch_starts(shape, kernel, output_size, samples)
    assert height.sample_index == 1 and width.sample_index == 0  # torch: [..., 0] width, [..., 1] height
    assert height.sample == samples[0, 0, 1] and width.sample == samples[0, 0, 0]
    assert height.starts[-1] == shape[0] - kernel[0] and width.starts[-1] == shape[1] - kernel[1]


def test_a_sample_moves_only_its_own_axis():
    base = np.array([[[0.1, 0.1]]], dtype=np.float32)
    moved = np.array([[[0.1, 0.9]]], dtype=np.float32)  # [..., 1]: the height's sample
    before, after = (story.axes(PoolCall("fractional_max_pool2d", {"kernel_size": 2, "output_size": 5,
                                                                   "_random_samples": u}), (1, 9, 9))
                     for u in (base, moved))  # fmt: skip
    (height_before, width_before), (height_after, width_after) = before, after
    assert height_before.starts == (0, 1, 3, 5, 7) and height_after.starts == (0, 2, 4, 5, 7)
    assert width_before.starts == width_after.starts


def test_output_ratio_is_int_of_size_times_ratio():
    chosen = calls.call_fractional({"by": "output_ratio", "output_ratio": "0.5, 0.7", "kernel_size": "2"})
    height, width = story.axes(chosen.call, (1, 7, 9))
    assert (height.output_size, width.output_size) == (int(7 * 0.5), int(9 * 0.7))
    assert height.size_line() == "H_out = int(7 · 0.5) = 3"
    x = np.random.default_rng(0).random((1, 7, 9)).astype(np.float32)
    assert compare("fractional_max_pool2d", x, **chosen.call.arguments).bit_exact


def test_coverage_counts_every_tap_of_every_window():
    call = calls.call_fractional({"kernel_size": "3", "output_size": "4, 3", "seed": 5}).call
    counts = story.coverage(call, (1, 8, 7))
    height, width = story.axes(call, (1, 8, 7))
    rows, columns = np.zeros(8, int), np.zeros(7, int)
    for start in height.starts:
        rows[start : start + 3] += 1
    for start in width.starts:
        columns[start : start + 3] += 1
    np.testing.assert_array_equal(counts, np.outer(rows, columns))
    assert story.coverage_words(np.ones((2, 2), int)).startswith("every cell is read by exactly one window")
    assert "read by no window" in story.coverage_words(np.array([[0, 1], [1, 2]]))


def test_spacing_says_overlap_touch_and_skip():
    axis = story.Axis("W", "width", 0, np.float32(0.5), 10, 2, 4, (0, 1, 4, 8), None)
    assert axis.spacing() == "steps 1, 3, 4: windows 0 and 1 overlap by 1 cell; windows 1 and 2 skip 1 cell; " \
                             "windows 2 and 3 skip 2 cells"  # fmt: skip
    single = story.Axis("W", "width", 0, np.float32(0.5), 10, 3, 1, (7,), None)
    assert single.alpha is None and single.alpha_text() == "one window, at W_in − k = 10 − 3 = 7"


def test_the_scene_keeps_the_samples_dtype_and_matches_torch():
    grid = calls.input_fractional({})
    chosen = calls.call_fractional({})
    scene = scenes.build(chosen.call, grid.astype(np.float32))
    samples = torch.from_numpy(chosen.call.arguments["_random_samples"])
    expected = F.fractional_max_pool2d(torch.from_numpy(grid[None].astype(np.float32)), 2, output_size=4,
                                       _random_samples=samples)  # fmt: skip
    np.testing.assert_array_equal(scene.outputs, expected[0].numpy())
    assert scene.inputs.dtype == np.float64
    for palette in (LIGHT, DARK):
        window_figure(scene, 5, palette).validated()


def test_the_printed_code_reproduces_the_call_in_torch():
    grid = calls.input_fractional({}).astype(np.float32)[None]
    call = calls.call_fractional({"seed": 12, "output_size": "3, 4"}).call
    code = call.script(tensor_code(grid))
    assert "_random_samples=torch.tensor([[[" in code and "array(" not in code
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102 - the page's own snippet, run as a reader would
    np.testing.assert_array_equal(namespace["y"].numpy(), call.run(grid))


def test_typed_mistakes_stop_the_call_with_a_reason():
    assert calls.call_fractional({"kernel_size": "two"}).problems == [
        'kernel_size: "two" is not a whole number. Type e.g. 2, or 2, 3.'
    ]
    chosen = calls.call_fractional({"by": "output_ratio", "output_ratio": "half"})
    assert chosen.call is None and "is not a number" in chosen.problems[0]
    one_number = calls.call_fractional({"by": "output_ratio", "output_ratio": "0.5"}).call
    with pytest.raises(TypeError, match="output_ratio must be a tuple of 2 numbers"):  # torch refuses it too
        one_number.run(np.zeros((1, 7, 7), np.float32))
    assert calls.random_samples(3).shape == (1, 1, 2) and calls.random_samples(3).dtype == np.float32


def test_questions_are_the_starts_then_torchs_output():
    grid = calls.input_fractional({})
    call = calls.call_fractional({}).call
    width_q, height_q, output_q = story.questions_fractional(call, grid, seed=0)
    height, width = story.axes(call, (1, *grid.shape))
    assert width_q.answer == tuple(map(float, width.starts)) and height_q.answer == tuple(map(float, height.starts))
    assert questions.check(width_q, " ".join(map(str, width.starts))).right
    expected = F.fractional_max_pool2d(
        torch.from_numpy(grid[None].astype(np.float32)),
        2,
        output_size=4,
        _random_samples=torch.from_numpy(call.arguments["_random_samples"]),
    )
    np.testing.assert_array_equal(np.array(output_q.answer), expected[0].numpy())
    assert questions.check(output_q, output_q.answer_text).right


def test_lanes_never_put_two_windows_sharing_a_cell_together():
    for starts, k in (((0, 1, 3, 5), 2), ((0, 1, 2, 3, 4), 3), ((0, 3, 5), 2), ((0,), 4)):
        placed = lanes(starts, k)
        for (a, la), (b, lb) in itertools.combinations(zip(starts, placed, strict=True), 2):
            assert la != lb or a + k <= b


@pytest.mark.parametrize("palette", [LIGHT, DARK], ids=["light", "dark"])
@pytest.mark.parametrize("values", [{}, {"output_size": "3"}, {"kernel_size": "1, 3", "output_size": "7, 1"}])
def test_every_window_figure_is_valid_plotly(values, palette):
    call = calls.call_fractional(values).call
    for width in (360, 900):
        spec = windows_figure(call, (1, 7, 7), palette, width_px=width)
        spec.validated()
        height, width_axis = story.axes(call, (1, 7, 7))
        assert len(spec.to_dict()["layout"]["shapes"]) == height.output_size + width_axis.output_size
    unread = windows_figure(calls.call_fractional({"output_size": "3"}).call, (1, 7, 7), palette).to_dict()
    assert any(trace["name"] == "read by no window" for trace in unread["data"])
