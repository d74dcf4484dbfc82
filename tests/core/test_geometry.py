"""Window geometry: output sizes against torch, the on-screen formula, cell kinds, adaptive bins,
fractional starts and avg divisors, each worked out independently of pooling_core."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest

from pooling_core import geometry
from pooling_core.geometry import (
    CELL_INPUT,
    CELL_OVERHANG,
    CELL_PADDING,
    Windows,
    adaptive_axis,
    adaptive_windows,
    fractional_starts,
    output_size,
    output_size_steps,
    pool_axis,
    sliding_windows,
)
from tests.core.helpers import run_torch

# --- output_size against torch ------------------------------------------------------------------


def test_output_size_matches_torch_output_shapes():
    """Every (L, k, s, p, d, ceil) of a grid: our size is torch's shape, or <= 0 if torch refuses."""
    checked = 0
    for length, k, s, d, ceil in itertools.product(range(1, 11), range(1, 6), range(1, 5), (1, 2, 3), (False, True)):
        for p in range(0, k // 2 + 1):
            ours = output_size(length, k, s, p, d, ceil)
            result, error = run_torch("max_pool1d", np.zeros((1, 1, length), np.float32), k, s, p, d, ceil)
            if error is None:
                assert ours == result.shape[-1], (length, k, s, p, d, ceil)
            else:
                assert ours <= 0, (length, k, s, p, d, ceil, str(error))
            checked += 1
    assert checked > 2000


def test_output_size_by_hand():
    # floor((10 - 1 - 1)/2) + 1 = 5
    assert output_size(10, 2, 2) == 5
    # floor((5 - 1 - 1)/2) + 1 = 2;  ceil(3/2) + 1 = 3, last start 4 < 5: kept
    assert (output_size(5, 2, 2), output_size(5, 2, 2, ceil_mode=True)) == (2, 3)
    # ceil((5 + 2 - 2 - 1)/3) + 1 = 3, but (3-1)*3 = 6 >= 5 + 1: dropped to 2
    assert output_size(5, 3, 3, padding=1, ceil_mode=True) == 2
    # dilation: L=7, k=3, d=3: span 7 - 6 - 1 = 0: one window
    assert output_size(7, 3, 1, dilation=3) == 1
    # too small: L=5, k=6: floor(-1/1) + 1 = 0
    assert output_size(5, 6, 1) == 0


# --- output_size_steps ---------------------------------------------------------------------------


def test_output_size_steps_floor_text():
    steps = output_size_steps(10, 2, 2)
    assert steps["text"] == "L_out = ⌊(10 + 2·0 − 1·(2−1) − 1)/2⌋ + 1 = 5"
    assert (steps["span"], steps["raw"], steps["output_size"], steps["dropped_last"]) == (8, 5, 5, False)


def test_output_size_steps_ceil_text_with_dropped_window():
    steps = output_size_steps(5, 3, 3, padding=1, ceil_mode=True)
    # span 5 + 2 - 2 - 1 = 4; raw ceil(4/3) + 1 = 3; the third window would start at 5
    assert steps["text"].startswith("L_out = ⌈(5 + 2·1 − 1·(3−1) − 1)/3⌉ + 1 = 3 → 2")
    assert "right padding" in steps["text"]
    assert (steps["span"], steps["raw"], steps["output_size"], steps["dropped_last"]) == (4, 3, 2, True)


def test_output_size_steps_ceil_kept_and_dilation():
    steps = output_size_steps(9, 3, 2, padding=1, dilation=2, ceil_mode=True)
    # span 9 + 2 - 4 - 1 = 6; ceil(6/2) + 1 = 4; last start 3*2 - 1 = 5 < 10: kept
    assert steps["text"] == "L_out = ⌈(9 + 2·1 − 2·(3−1) − 1)/2⌉ + 1 = 4"
    assert steps["output_size"] == 4 and not steps["dropped_last"]


@pytest.mark.parametrize(
    "args", list(itertools.product(range(1, 9), range(1, 5), range(1, 4), range(0, 3), (1, 2), (False, True)))
)
def test_output_size_steps_agrees_with_output_size(args):
    length, k, s, p, d, ceil = args
    steps = output_size_steps(length, k, s, p, d, ceil)
    assert steps["output_size"] == output_size(length, k, s, p, d, ceil)
    assert steps["text"].endswith(f"= {steps['raw']}") != steps["dropped_last"]


# --- sliding windows: taps, kinds, counts -----------------------------------------------------------


def test_pool_axis_taps_by_hand():
    axis = pool_axis(5, 3, 2, padding=1, ceil_mode=True)
    assert axis.taps.tolist() == [[-1, 0, 1], [1, 2, 3], [3, 4, 5]]
    assert axis.pool_size.tolist() == [3, 3, 3]  # clipped at L + p = 6
    assert axis.real_count.tolist() == [2, 3, 2]
    axis = pool_axis(10, 3, 4, dilation=2)  # taps o*4 + (0, 2, 4)
    assert axis.taps.tolist() == [[0, 2, 4], [4, 6, 8]]
    assert pool_axis(6, 2).stride == 2  # stride None = kernel_size


def test_cell_kinds_padding_and_overhang():
    # L=6, k=3, s=2, p=1, ceil: 4 windows; the last reads 5 (input), 6 (padding: < L + p = 7)
    # and 7 (overhang)
    axis = pool_axis(6, 3, 2, padding=1, ceil_mode=True)
    assert axis.output_size == 4
    assert axis.taps[-1].tolist() == [5, 6, 7]
    assert axis.cell_kind.tolist() == [
        [CELL_PADDING, CELL_INPUT, CELL_INPUT],
        [CELL_INPUT, CELL_INPUT, CELL_INPUT],
        [CELL_INPUT, CELL_INPUT, CELL_INPUT],
        [CELL_INPUT, CELL_PADDING, CELL_OVERHANG],
    ]
    # overhang never counts: pool_size clips at L + p = 7, so the last window counts 2 cells
    assert axis.pool_size.tolist() == [3, 3, 3, 2]


def test_window_cells_1d():
    cells = Windows((pool_axis(4, 3, 2, padding=1),)).window_cells(0)
    assert cells == [
        {"position": (-1,), "kind": CELL_PADDING},
        {"position": (0,), "kind": CELL_INPUT},
        {"position": (1,), "kind": CELL_INPUT},
    ]
    # no padding, ceil: window 1 of [0..3] with k=3, s=2 reads 2, 3 and the overhang cell 4
    cells = Windows((pool_axis(4, 3, 2, ceil_mode=True),)).window_cells(1)
    assert [cell["kind"] for cell in cells] == [CELL_INPUT, CELL_INPUT, CELL_OVERHANG]


def test_window_cells_2d_take_the_worst_kind_and_scan_row_major():
    # rows: k=2, p=1 over H=3 -> window 0 reads rows -1, 0; columns: k=3, s=2, ceil over W=4 ->
    # window 1 reads columns 2, 3, 4 (4 is overhang)
    windows = Windows((pool_axis(3, 2, 2, padding=1), pool_axis(4, 3, 2, ceil_mode=True)))
    cells = windows.window_cells(0, 1)
    assert [cell["position"] for cell in cells] == [(-1, 2), (-1, 3), (-1, 4), (0, 2), (0, 3), (0, 4)]
    assert [cell["kind"] for cell in cells] == [
        CELL_PADDING, CELL_PADDING, CELL_OVERHANG, CELL_INPUT, CELL_INPUT, CELL_OVERHANG,
    ]  # fmt: skip


def test_flat_input_index_is_row_major_and_skips_outside_taps():
    windows = Windows((pool_axis(2, 1), pool_axis(6, 2)))  # the lecture's (1, 2) kernel
    assert windows.output_shape == (2, 3) and windows.window_shape == (1, 2)
    assert windows.flat_input_index(1, 2).tolist() == [10, 11]  # row 1, columns 4, 5
    windows = Windows((pool_axis(3, 3, 1, padding=1), pool_axis(3, 3, 1, padding=1)))
    # the corner window of a 3x3 plane with padding 1 reads (0,0), (0,1), (1,0), (1,1)
    assert windows.flat_input_index(0, 0).tolist() == [0, 1, 3, 4]


def test_first_tap_and_default_index():
    # L=2, k=2, s=2, p=1, d=3: taps -1, 2; the first tap >= 0 is 2 (= L, past the end)
    assert pool_axis(2, 2, 2, padding=1, dilation=3).first_tap.tolist() == [2]
    # k=3, s=2, p=1 over 4: windows start -1, 1 -> first taps 0, 1
    assert pool_axis(4, 3, 2, padding=1).first_tap.tolist() == [0, 1]
    # 2-D: row-major combination (first row tap)*W + first column tap
    windows = Windows((pool_axis(4, 3, 2, padding=1), pool_axis(5, 2, 3, padding=1)))
    # rows: 0, 1; columns: starts -1, 2 -> first taps 0, 2; W = 5
    assert windows.default_index().tolist() == [[0, 2], [5, 7]]


# --- avg divisors ---------------------------------------------------------------------------------


def test_divisor_by_hand():
    # rows: L=5, k=3, s=2, p=1, ceil: pool sizes 3, 3, 3; real counts 2, 3, 2
    # columns: L=4, k=2, s=2, p=1: windows [-1, 1), [1, 3), [3, 5): pool sizes 2, 2, 2; real 1, 2, 1
    windows = Windows((pool_axis(5, 3, 2, padding=1, ceil_mode=True), pool_axis(4, 2, 2, padding=1)))
    assert windows.divisor(True).tolist() == [[6, 6, 6]] * 3
    assert windows.divisor(False).tolist() == [[2, 4, 2], [3, 6, 3], [2, 4, 2]]
    assert windows.divisor(True, divisor_override=-7).tolist() == [[-7, -7, -7]] * 3
    assert windows.uniform_divisor(True) == 6
    assert windows.uniform_divisor(False) is None
    assert windows.uniform_divisor(False, divisor_override=5) == 5


def test_divisor_overhang_is_not_counted():
    # L=4, k=3, s=2, ceil, p=0: window 1 is [2, 5) clipped at L + p = 4 -> 2
    windows = Windows((pool_axis(4, 3, 2, ceil_mode=True),))
    assert windows.divisor(True).tolist() == [3, 2]
    assert windows.uniform_divisor(True) is None


def test_divisor_agrees_with_torch_avg_pool_of_ones():
    """avg_pool of ones with divisor_override=1 counts real cells; over ones it is real/divisor."""
    for length, k, s, ceil in itertools.product(range(1, 9), range(1, 5), range(1, 4), (False, True)):
        for p in range(0, k // 2 + 1):
            if output_size(length, k, s, p, 1, ceil) <= 0:
                continue
            windows = sliding_windows((length,), (k,), (s,), (p,), (1,), ceil)
            ones = np.ones((1, 1, length), np.float64)
            for include in (True, False):
                result, error = run_torch("avg_pool1d", ones, k, s, p, ceil, include)
                assert error is None
                expected = windows.axes[0].real_count / windows.divisor(include)
                np.testing.assert_allclose(result[0, 0], expected, rtol=0, atol=1e-15)


# --- adaptive bins ---------------------------------------------------------------------------------


@pytest.mark.parametrize("length", range(1, 13))
def test_adaptive_bins_formula(length):
    for out in range(0, 16):
        axis = adaptive_axis(length, out)
        assert axis.output_size == out
        for i in range(out):
            start = math.floor(Fraction(i * length, out))
            end = math.ceil(Fraction((i + 1) * length, out))
            assert axis.taps[i][axis.member[i]].tolist() == list(range(start, end)), (length, out, i)
            assert axis.pool_size[i] == end - start


def test_adaptive_bins_by_hand():
    axis = adaptive_axis(5, 3)
    assert [axis.taps[i][axis.member[i]].tolist() for i in range(3)] == [[0, 1], [1, 2, 3], [3, 4]]
    axis = adaptive_axis(2, 3)  # O > L: cells repeat
    assert [axis.taps[i][axis.member[i]].tolist() for i in range(3)] == [[0], [0, 1], [1]]
    assert adaptive_axis(4, 0).output_size == 0
    windows = adaptive_windows((5, 2), (3, 3))
    assert windows.output_shape == (3, 3)
    assert windows.flat_input_index(1, 1).tolist() == [2, 3, 4, 5, 6, 7]  # rows 1-3, columns 0-1


# --- fractional starts -------------------------------------------------------------------------------


def test_fractional_starts_by_hand():
    # alpha = 8/3; u = 0.5: int(1.33) - int(1.33) = 0, int(4) - 1 = 3, int(6.67) - 1 = 5; last 8
    assert fractional_starts(np.float32(0.5), 10, 4, 2).tolist() == [0, 3, 5, 8]
    assert fractional_starts(np.float64(0.0), 10, 4, 2).tolist() == [0, 2, 5, 8]
    assert fractional_starts(np.float32(0.7), 5, 1, 2).tolist() == [3]  # O = 1: L - k
    assert fractional_starts(np.float32(0.7), 5, 0, 2).tolist() == []


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fractional_starts_properties(dtype):
    """First start 0, last L - k, non-decreasing, all within [0, L - k], over a grid of samples."""
    for length, k, u in itertools.product(range(1, 12), range(1, 5), (0.0, 0.1, 0.5, 0.9, 0.999999)):
        for out in range(2, length - k + 2):
            starts = fractional_starts(dtype(u), length, out, k)
            assert starts[0] == 0 and starts[-1] == length - k
            assert np.all(np.diff(starts) >= 0)
            assert starts.min() >= 0 and starts.max() <= length - k


def test_fractional_starts_match_torch_window_positions():
    """torch's indices on arange() input reveal its window starts; ours must be the same."""
    rng = np.random.default_rng(3)
    for length, k in itertools.product(range(2, 12), range(1, 4)):
        for out in range(1, length - k + 2):
            u = rng.random(2).astype(np.float32)
            x = np.arange(length, dtype=np.float32).reshape(1, 1, 1, length)
            # H = 1 with kernel 1: only the W sample (u[0]) matters; the max of a window is its end
            (values, _), error = run_torch(
                "fractional_max_pool2d", x, (1, k), output_size=(1, out), return_indices=True,
                _random_samples=u.reshape(1, 1, 2),
            )  # fmt: skip
            assert error is None
            torch_starts = values[0, 0, 0].astype(np.int64) - (k - 1)
            assert fractional_starts(u[0], length, out, k).tolist() == torch_starts.tolist()


def test_product_helper():
    assert geometry.product((2, 3, 4)) == 24 and geometry.product(()) == 1
