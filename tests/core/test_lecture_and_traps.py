"""Hand-worked examples: the lecture's numbers and every trap of torch-pooling-semantics.md.

Every expected value below was worked out by hand from the rule stated next to it (the
working is in the comments). Each case is checked against ours AND against torch, so a wrong
hand calculation fails as loudly as a wrong implementation.
"""

from __future__ import annotations

import numpy as np
import pytest

from pooling_core import functional as pc
from pooling_core import reference
from tests.core.helpers import assert_both_reject, assert_matches_torch, run_torch

INF = float("inf")
NAN = float("nan")


def hand(name, x, *args, expected, expected_indices=None, **kwargs):
    """Ours and torch both return ``expected`` (and ``expected_indices``), bit for bit.

    Bit for bit includes the dtype, the sign of zeros and NaN positions.
    """
    ours = assert_matches_torch(name, x, *args, **kwargs)
    assert ours is not None, f"torch rejected {name}{args}{kwargs}"
    theirs = run_torch(name, x, *args, **kwargs)[0]
    for label, result in (("ours", ours), ("torch", theirs)):
        values, indices = result if expected_indices is not None else (result, None)
        _assert_bits(values, np.asarray(expected, dtype=values.dtype), f"{label} values")
        if expected_indices is not None:
            assert indices.dtype == np.int64
            np.testing.assert_array_equal(indices, np.asarray(expected_indices), err_msg=f"{label} indices")
    return ours


def _assert_bits(actual, expected, what):
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    if actual.dtype.kind == "f":
        same = (np.isnan(actual) & np.isnan(expected)) | (
            (actual == expected) & (np.signbit(actual) == np.signbit(expected))
        )
    else:
        same = actual == expected
    assert same.all(), f"{what}: {actual.tolist()} != {expected.tolist()}"


def f32(values):
    return np.array(values, dtype=np.float32)


# --- the lecture ------------------------------------------------------------------------------

LECTURE_1D = f32([[1, 4, -1, 0, 2, -2, 1, 3, 3, 1]])


def test_lecture_1d_max():
    # blocks of 2: (1,4) (-1,0) (2,-2) (1,3) (3,1)
    hand("max_pool1d", LECTURE_1D, 2, expected=[[4, 0, 2, 3, 3]])


def test_lecture_1d_max_indices():
    # the winners sit at 1, 3, 4, 7 and 8 (3 in (3, 1) is the first of its block)
    hand(
        "max_pool1d", LECTURE_1D, 2, return_indices=True, expected=[[4, 0, 2, 3, 3]], expected_indices=[[1, 3, 4, 7, 8]]
    )


def test_lecture_1d_avg():
    # (1+4)/2, (-1+0)/2, (2-2)/2, (1+3)/2, (3+1)/2
    hand("avg_pool1d", LECTURE_1D, 2, expected=[[2.5, -0.5, 0, 2, 2]])


LECTURE_2D = f32([[[[1, 2, 1, 1, 0, 2], [2, 1, 1, 0, 2, 0]], [[0, 2, 1, 1, 2, 2], [1, 1, 1, 1, 0, 0]]]])


def test_lecture_2d_max_kernel_1x2():
    # each row pooled in pairs, each channel on its own
    hand("max_pool2d", LECTURE_2D, (1, 2), expected=[[[[2, 1, 2], [2, 1, 2]], [[2, 1, 2], [1, 1, 0]]]])


def test_lecture_2d_indices_are_row_major_offsets():
    # channel 0 row 1 is (2,1 | 1,0 | 2,0): winners at w = 0, 2, 4, i.e. h*W + w = 6, 8, 10
    # channel 1 row 1 is (1,1 | 1,1 | 0,0): all ties, the first wins: 6, 8, 10
    _, indices = hand(
        "max_pool2d", LECTURE_2D, (1, 2), return_indices=True,
        expected=[[[[2, 1, 2], [2, 1, 2]], [[2, 1, 2], [1, 1, 0]]]],
        expected_indices=[[[[1, 2, 5], [6, 8, 10]], [[1, 2, 4], [6, 8, 10]]]],
    )  # fmt: skip
    assert indices.shape == (1, 2, 2, 3)


def test_unbatched_equals_batched_with_one_sample():
    batched = hand("max_pool2d", LECTURE_2D, (1, 2), expected=[[[[2, 1, 2], [2, 1, 2]], [[2, 1, 2], [1, 1, 0]]]])
    unbatched = hand("max_pool2d", LECTURE_2D[0], (1, 2), expected=[[[2, 1, 2], [2, 1, 2]], [[2, 1, 2], [1, 1, 0]]])
    np.testing.assert_array_equal(batched[0], unbatched)


def test_3d_index_is_t_h_w_row_major():
    # a 2x2x3 plane with its maximum at (t, h, w) = (1, 0, 2): (1*2 + 0)*3 + 2 = 8
    x = np.zeros((1, 2, 2, 3), dtype=np.float64)
    x[0, 1, 0, 2] = 5
    hand("max_pool3d", x, (2, 2, 3), return_indices=True, expected=[[[[5]]]], expected_indices=[[[[8]]]])


# --- arguments ---------------------------------------------------------------------------------


@pytest.mark.parametrize("stride", [None, (), []])
def test_default_stride_is_kernel_size(stride):
    hand("max_pool1d", LECTURE_1D, 2, stride, expected=[[4, 0, 2, 3, 3]])


def test_one_tuple_is_broadcast_in_2d():
    # (2,) means (2, 2): one 2x2 window over each 2x2 corner of a 2x4 plane
    x = f32([[[1, 2, 3, 4], [5, 6, 7, 8]]])
    hand("max_pool2d", x, (2,), expected=[[[6, 8]]])
    hand("avg_pool2d", x, (2,), expected=[[[3.5, 5.5]]])  # (1+2+5+6)/4, (3+4+7+8)/4


def test_functional_argument_order_has_ceil_mode_before_return_indices():
    # F.max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)
    x = f32([[[1, 2, 3], [4, 5, 6], [7, 8, 9]]])
    # ceil_mode=True, return_indices=False: ceil((3-2)/2)+1 = 2 windows per axis, one value out
    hand("max_pool2d", x, 2, 2, 0, 1, True, False, expected=[[[5, 6], [8, 9]]])
    # ceil_mode=False, return_indices=True: one window, and a (values, indices) pair
    hand("max_pool2d", x, 2, 2, 0, 1, False, True, expected=[[[5]]], expected_indices=[[[4]]])


def test_the_generated_code_warns_of_the_argument_order_where_the_forms_differ():
    """The module form of max pooling swaps ceil_mode and return_indices: the code says so in a
    comment right where the module is built; average pooling's forms agree, so no comment."""
    from pooling_core import PoolCall

    max_code = PoolCall("max_pool2d", {"kernel_size": 2}).script().splitlines()
    comments = [line for line in max_code if line.startswith("# ")]
    assert "Argument order trap" in " ".join(comments)
    assert max(len(line) for line in comments) <= 78
    assert max_code.index(comments[-1]) + 1 == max_code.index("pool = nn.MaxPool2d(kernel_size=2)")
    avg_code = PoolCall("avg_pool2d", {"kernel_size": 2}).script()
    assert "trap" not in avg_code


def test_avg_pool1d_has_no_divisor_override_and_lp_has_no_padding():
    assert_both_reject("avg_pool1d", LECTURE_1D, 2, divisor_override=1)
    assert_both_reject("lp_pool1d", LECTURE_1D, 2, 2, padding=1)


# --- output size -----------------------------------------------------------------------------


def test_ceil_mode_drops_a_window_starting_in_the_right_padding():
    # L=5, k=3, s=3, p=1: the formula says ceil((5+2-2-1)/3)+1 = ceil(4/3)+1 = 3, but window 2
    # would start at 2*3-1 = 5 >= L = 5 (in the right padding), so it is dropped: 2 windows,
    # taps (-1, 0, 1) and (2, 3, 4): max(1, 2) = 2 and max(3, 4, 5) = 5
    x = f32([[1, 2, 3, 4, 5]])
    hand("max_pool1d", x, 3, 3, 1, ceil_mode=True, expected=[[2, 5]])


def test_ceil_mode_keeps_a_partial_window_starting_inside():
    # L=5, k=2, s=2: floor gives 2 windows, ceil gives 3; the third starts at 4 (inside) and
    # holds only x[4]
    x = f32([[1, 2, 3, 4, 5]])
    hand("max_pool1d", x, 2, expected=[[2, 4]])
    hand("max_pool1d", x, 2, ceil_mode=True, expected=[[2, 4, 5]])


def test_output_size_zero_is_an_error_not_an_empty_result():
    # L=5, k=6: floor((5-5-1)/1)+1 = 0
    x = f32([[1, 2, 3, 4, 5]])
    with pytest.raises(ValueError, match="output size is too small"):
        pc.max_pool1d(x, 6, 1)
    assert run_torch("max_pool1d", x, 6, 1)[1] is not None


# --- legal parameters ---------------------------------------------------------------------------


def test_padding_limit_uses_the_raw_kernel_whatever_the_dilation():
    x = np.ones((1, 1, 9), dtype=np.float32)
    # k=3, d=3: the effective kernel is 7, so the docs would allow padding 3, but 2 > 3//2 fails
    assert_both_reject("max_pool1d", x, 3, padding=2, dilation=3)
    with pytest.raises(ValueError, match="padding should be at most half of kernel_size"):
        pc.max_pool1d(x, 3, padding=2, dilation=3)
    # k=2, d=5, p=1: 1 <= 2//2 is fine; L_out = floor((9+2-5-1)/2)+1 = 3
    hand("max_pool1d", x, 2, padding=1, dilation=5, expected=[[[1, 1, 1]]])


def test_avg_pool3d_needs_input_at_least_kernel_ignoring_padding():
    # depth 2 < kernel 3, although with padding 1 the output size would be (2+2-3)/3+1 = 1
    x = np.ones((1, 1, 2, 4, 4), dtype=np.float32)
    assert_both_reject("avg_pool3d", x, 3, padding=1)
    with pytest.raises(ValueError, match="avg_pool3d"):
        pc.avg_pool3d(x, 3, padding=1)
    # avg_pool2d has no such rule: H=2 < 3 with padding 1 works. 2x5 ones, k=3, s=3, p=1:
    # one row window (-1..1: 2 real rows), column windows -1..1 (2 real) and 2..4 (3 real);
    # the divisor counts padding: 3*3 = 9. So 2*2/9 and 2*3/9
    hand("avg_pool2d", np.ones((1, 2, 5), dtype=np.float32), 3, padding=1, expected=[[[4 / 9, 6 / 9]]])


# --- max_pool -------------------------------------------------------------------------------------


def test_ties_go_to_the_first_tap():
    # [2, 5, 5, 1]: the two 5s tie, the first (index 1) wins
    hand("max_pool1d", f32([[2, 5, 5, 1]]), 4, return_indices=True, expected=[[5]], expected_indices=[[1]])
    # 2-D: an all-equal 2x2 window reports its top-left tap
    hand("max_pool2d", np.zeros((1, 2, 2)), 2, return_indices=True, expected=[[[0]]], expected_indices=[[[0]]])


def test_nan_wins_and_the_last_nan_is_reported():
    # [nan, 1, nan, 2]: NaN propagates; the scan keeps replacing on NaN, so index 2
    hand("max_pool1d", f32([[NAN, 1, NAN, 2]]), 4, return_indices=True, expected=[[NAN]], expected_indices=[[2]])
    # NaN beats +inf
    hand("max_pool1d", f32([[INF, NAN, 5]]), 3, return_indices=True, expected=[[NAN]], expected_indices=[[1]])


def test_nan_in_max_values_without_indices():
    hand("max_pool1d", f32([[1, NAN, 3, 4]]), 2, expected=[[NAN, 4]])


@pytest.mark.parametrize(
    "values, expected",
    [([-0.0, 0.0], -0.0), ([0.0, -0.0], 0.0), ([-0.0, -0.0], -0.0), ([-1.0, -0.0, 0.0], -0.0)],
)
def test_signed_zero_ties_keep_the_first(values, expected):
    x = f32([values])
    hand("max_pool1d", x, len(values), expected=[[expected]])
    first_zero = next(i for i, v in enumerate(values) if v == 0)
    hand("max_pool1d", x, len(values), return_indices=True, expected=[[expected]], expected_indices=[[first_zero]])


def test_signed_zero_ties_in_2d():
    # window of 2x2 = (-0, +0 / +0, +0) keeps -0; (+0, -0 / -0, -0) keeps +0
    x = f32([[[-0.0, 0.0, 0.0, -0.0], [0.0, 0.0, -0.0, -0.0]]])
    hand("max_pool2d", x, 2, expected=[[[-0.0, 0.0]]])


def test_window_with_no_input_tap_gives_lowest_and_index_past_the_end():
    # L=2, k=2, s=2, p=1, d=3: L_out = floor((2+2-3-1)/2)+1 = 1; the window reads -1 and 2,
    # both outside [0, 2). Value -inf; index = first tap >= 0 = -1 + 3 = 2 (= L, past the end)
    x = f32([[7, 8]])
    hand("max_pool1d", x, 2, 2, 1, 3, return_indices=True, expected=[[-INF]], expected_indices=[[2]])
    hand("max_pool1d", x, 2, 2, 1, 3, expected=[[-INF]])
    # integers: the dtype's minimum
    hand(
        "max_pool1d", x.astype(np.int32), 2, 2, 1, 3, return_indices=True,
        expected=[[np.iinfo(np.int32).min]], expected_indices=[[2]],
    )  # fmt: skip


def test_all_minus_inf_window_reports_its_first_in_bounds_tap():
    # k=3, s=2, p=1 over [-inf]*4: windows start at -1, 1; first taps >= 0 are 0 and 1
    x = f32([[-INF] * 4])
    hand("max_pool1d", x, 3, 2, 1, return_indices=True, expected=[[-INF, -INF]], expected_indices=[[0, 1]])


def test_padding_never_wins_over_negative_values():
    # [-5, -3] with k=3, s=1, p=1: windows (pad, -5, -3) and (-5, -3, pad): both -3 at index 1
    hand("max_pool1d", f32([[-5, -3]]), 3, 1, 1, return_indices=True, expected=[[-3, -3]], expected_indices=[[1, 1]])


def test_integer_max_pool():
    x = np.array([[[-128, 127], [5, -1]]], dtype=np.int8)
    hand("max_pool2d", x, 2, return_indices=True, expected=[[[127]]], expected_indices=[[[1]]])
    hand("max_pool2d", x, (1, 2), expected=[[[127], [5]]])


# --- avg_pool ---------------------------------------------------------------------------------------

ONE_TO_FIVE = f32([[1, 2, 3, 4, 5]])


def test_avg_ceil_mode_window_hanging_past_the_padding():
    # k=3, s=2, p=1, ceil: L_out = ceil((5+2-3)/2)+1 = 3; windows start at -1, 1, 3.
    # [-1, 2): pad+1+2 = 3 over pool_size 3 -> 1;  [1, 4): 2+3+4 = 9 / 3 -> 3;
    # [3, 6): 4+5+pad = 9, end = min(6, L+p = 6) -> pool_size 3 -> 3
    hand("avg_pool1d", ONE_TO_FIVE, 3, 2, padding=1, ceil_mode=True, expected=[[1, 3, 3]])
    # real cells only: 3/2, 9/3, 9/2
    hand("avg_pool1d", ONE_TO_FIVE, 3, 2, padding=1, ceil_mode=True, count_include_pad=False, expected=[[1.5, 3, 4.5]])


def test_avg_overhang_never_counts_even_with_count_include_pad():
    # [1, 2, 3, 4], k=3, s=2, p=0, ceil: L_out = ceil(1/2)+1 = 2; window 1 reads 2, 3, 4 and
    # cell 4 hangs past L + p = 4, so pool_size = 4 - 2 = 2: (3 + 4)/2 = 3.5 either way
    x = f32([[1, 2, 3, 4]])
    hand("avg_pool1d", x, 3, 2, ceil_mode=True, expected=[[2, 3.5]])
    hand("avg_pool1d", x, 3, 2, ceil_mode=True, count_include_pad=False, expected=[[2, 3.5]])


def test_int64_avg_truncates_toward_zero():
    x = np.array([[[-7, -2]]], dtype=np.int64)
    # -9 / 2 = -4.5 -> -4 (floor division would give -5)
    hand("avg_pool2d", x, (1, 2), expected=[[[-4]]])
    # negative divisor_override: -9 / -2 = 4.5 -> 4
    hand("avg_pool2d", x, (1, 2), divisor_override=-2, expected=[[[4]]])
    # -9 / 4 = -2.25 -> -2
    hand("avg_pool2d", x, (1, 2), divisor_override=4, expected=[[[-2]]])
    # 1-D: (5 + 6) / 2 = 5.5 -> 5
    hand("avg_pool1d", np.array([[5, 6]], dtype=np.int64), 2, expected=[[5]])


def test_divisor_override_replaces_the_count():
    # sums of 2x2 blocks of [[1,2],[3,4]] = 10; / 1 = 10, / -4 = -2.5, / 3 = 10/3
    x = f32([[[1, 2], [3, 4]]])
    hand("avg_pool2d", x, 2, divisor_override=1, expected=[[[10]]])
    hand("avg_pool2d", x, 2, divisor_override=-4, expected=[[[-2.5]]])
    hand("avg_pool2d", x, 2, divisor_override=3, expected=[[[np.float32(10) / np.float32(3)]]])
    assert_both_reject("avg_pool2d", x, 2, divisor_override=0)


def test_avg_of_negative_zeros_is_positive_zero():
    # the sum starts at +0: +0 + -0 + -0 = +0
    hand("avg_pool1d", f32([[-0.0, -0.0]]), 2, expected=[[0.0]])
    hand("avg_pool2d", f32([[[-0.0, -0.0], [-0.0, -0.0]]]), 2, expected=[[[0.0]]])


# --- lp_pool ------------------------------------------------------------------------------------------


def test_lp_negative_inputs_are_raised_as_they_are():
    x = f32([[-1, -2]])
    hand("lp_pool1d", x, 1, 2, expected=[[-3]])  # p = 1: the signed sum
    hand("lp_pool1d", x, 3, 2, expected=[[NAN]])  # (-1 - 8)^(1/3) of a negative: NaN
    hand("lp_pool1d", x, 2, 2, expected=[[np.sqrt(np.float32(5))]])  # sqrt(1 + 4)
    hand("lp_pool1d", x, INF, 2, expected=[[2]])  # max |x|
    hand("lp_pool1d", x, -INF, 2, expected=[[1]])  # min |x|


def test_lp_ceil_partial_window_is_scaled_by_the_full_kernel():
    # [1, 2, 3], p=1, k=2, s=2, ceil: window 1 holds only 3; avg = 3/1, times K = 2 -> 6
    hand("lp_pool1d", f32([[1, 2, 3]]), 1, 2, 2, ceil_mode=True, expected=[[3, 6]])


def test_lp_2d_is_the_p_norm_of_each_window():
    # p=2 over [[3, 4], [0, 0]] -> 5;  p=1 over a 2x2 of 2s -> 8
    hand("lp_pool2d", f32([[[3, 4], [0, 0]]]), 2, 2, expected=[[[5]]])
    hand("lp_pool2d", np.full((1, 2, 2), 2.0), 1, 2, expected=[[[8]]])


def test_lp_norm_type_zero_is_rejected():
    assert_both_reject("lp_pool1d", LECTURE_1D, 0, 2)  # torch: ZeroDivisionError (1.0 / 0)
    with pytest.raises(ValueError, match="norm_type"):
        pc.lp_pool1d(LECTURE_1D, 0, 2)


# --- adaptive pools -------------------------------------------------------------------------------------

X5 = f32([[1, 5, 2, 0, 3]])


def test_adaptive_windows_overlap():
    # L=5, O=3: [floor(i*5/3), ceil((i+1)*5/3)) = [0, 2), [1, 4), [3, 5): cells 1 and 3 are shared
    hand("adaptive_max_pool1d", X5, 3, return_indices=True, expected=[[5, 5, 3]], expected_indices=[[1, 1, 4]])
    # means: (1+5)/2, (5+2+0)/3, (0+3)/2
    hand("adaptive_avg_pool1d", X5, 3, expected=[[3, np.float32(7) / np.float32(3), 1.5]])


def test_adaptive_more_outputs_than_inputs_repeat_cells():
    # L=2, O=3: [0, 1), [0, 2), [1, 2)
    x = f32([[4, 6]])
    hand("adaptive_avg_pool1d", x, 3, expected=[[4, 5, 6]])
    hand("adaptive_max_pool1d", x, 3, return_indices=True, expected=[[4, 6, 6]], expected_indices=[[0, 1, 1]])


def test_adaptive_none_keeps_a_dim_and_zero_gives_an_empty_output():
    x = np.arange(12, dtype=np.float64).reshape(1, 3, 4)
    # (1, None): one bin over the rows, each column kept: the last row
    hand("adaptive_max_pool2d", x, (1, None), expected=[[[8, 9, 10, 11]]])
    # (None, 1): each row's mean: 1.5, 5.5, 9.5
    hand("adaptive_avg_pool2d", x, (None, 1), expected=[[[1.5], [5.5], [9.5]]])
    hand("adaptive_avg_pool2d", x, (0, 2), expected=np.zeros((1, 0, 2)))
    hand("adaptive_max_pool1d", X5, 0, expected=np.zeros((1, 0)))


def test_adaptive_avg_divides_once_per_dim():
    # a 3x6 plane, output (1, 2): two 3x3 windows. The first sums to 5; torch computes
    # (5 / 3) / 3 in float32: 5/3 -> 1.6666666 (0x3FD55555), / 3 -> 0.5555555 (0x3F0E38E3),
    # one ulp below 5/9 rounded once (0.5555556)
    x = np.zeros((1, 3, 6), dtype=np.float32)
    x[0, 0, 0] = 5
    once = np.float32(5) / np.float32(9)
    twice = np.float32(np.float32(5) / np.float32(3)) / np.float32(3)
    assert twice != once and twice.view(np.uint32) == 0x3F0E38E3
    hand("adaptive_avg_pool2d", x, (1, 2), expected=[[[twice, 0]]])


def test_adaptive_max_all_minus_inf_reports_the_window_start():
    # O=2 over 4 cells: [0, 2), [2, 4) -> indices 0, 2
    x = f32([[-INF] * 4])
    hand("adaptive_max_pool1d", x, 2, return_indices=True, expected=[[-INF, -INF]], expected_indices=[[0, 2]])


# --- fractional max pool -----------------------------------------------------------------------------


def test_fractional_start_formula_and_sample_axes():
    # L=10, k=2, O=4: alpha = (10-2)/(4-1) = 8/3.
    # u = 0.5 (sample[..., 0], drives W): int((i+0.5)*8/3) - int(0.5*8/3) = 1-1, 4-1, 6-1 -> 0, 3, 5
    # u = 0.0 (sample[..., 1], drives H): int(i*8/3) -> 0, 2, 5;  the last start is L-k = 8
    # On arange(100) a 2x2 window at (h, w) peaks at (h+1)*10 + (w+1), which is also its index:
    # rows h+1 = 1, 3, 6, 9 and columns w+1 = 1, 4, 6, 9
    x = np.arange(100, dtype=np.float32).reshape(1, 10, 10)
    samples = f32([[[0.5, 0.0]]])
    expected = [[[11, 14, 16, 19], [31, 34, 36, 39], [61, 64, 66, 69], [91, 94, 96, 99]]]
    hand(
        "fractional_max_pool2d", x, 2, output_size=4, return_indices=True, _random_samples=samples,
        expected=expected, expected_indices=expected,
    )  # fmt: skip


def test_fractional_single_output_starts_at_l_minus_k():
    # O=1: the only window starts at L-k = 3: cells 3, 4 of arange(5) -> 4
    x = np.arange(5, dtype=np.float64).reshape(1, 1, 5)
    hand("fractional_max_pool2d", x, (1, 2), output_size=1, _random_samples=np.array([[[0.9, 0.9]]]), expected=[[[4]]])


def test_fractional_output_size_zero_is_an_empty_output():
    x = np.ones((1, 2, 5, 5), dtype=np.float32)
    samples = np.full((1, 2, 2), 0.5, dtype=np.float32)
    hand("fractional_max_pool2d", x, 2, output_size=(0, 2), _random_samples=samples, expected=np.zeros((1, 2, 0, 2)))


def test_fractional_3d_needs_room_for_one_more_cell():
    # torch's 3-D kernel needs O + k - 1 < L (2-D: <=). L=3, k=2, O=2: 3 < 3 fails in 3-D only
    x3 = np.ones((1, 3, 3, 3), dtype=np.float32)
    s3 = np.full((1, 1, 3), 0.5, dtype=np.float32)
    assert_both_reject("fractional_max_pool3d", x3, 2, output_size=2, _random_samples=s3)
    x2 = np.ones((1, 3, 3), dtype=np.float32)
    hand(
        "fractional_max_pool2d", x2, 2, output_size=2, _random_samples=f32([[[0.5, 0.5]]]), expected=[[[1, 1], [1, 1]]]
    )


# --- max_unpool --------------------------------------------------------------------------------------


def test_unpool_default_size_and_round_trip():
    # 1-D: L_out = (in - 1)*stride + kernel - 2*padding = (2-1)*2 + 2 - 0 = 4
    values, indices = pc.max_pool1d(f32([[1, 4, -1, 0]]), 2, return_indices=True)
    hand("max_unpool1d", values, indices, 2, expected=[[0, 4, 0, 0]])
    # k=3, s=2, p=1 over 5 cells: 3 windows, default size (3-1)*2 + 3 - 2 = 5
    values, indices = pc.max_pool1d(ONE_TO_FIVE, 3, 2, 1, return_indices=True)
    np.testing.assert_array_equal(indices, [[1, 3, 4]])
    hand("max_unpool1d", values, indices, 3, 2, 1, expected=[[0, 2, 0, 4, 5]])


def test_unpool_odd_input_needs_output_size():
    # 5x5 plane, max at (3, 3): index 3*5 + 3 = 18. Pooled 2x2, the default plane is 4x4 = 16
    # cells, so 18 is an invalid index; output_size=(5, 5) puts 9 back at (3, 3)
    x = np.zeros((1, 5, 5), dtype=np.float32)
    x[0, 3, 3] = 9
    values, indices = pc.max_pool2d(x, 2, return_indices=True)
    np.testing.assert_array_equal(indices, [[[0, 2], [10, 18]]])
    assert_both_reject("max_unpool2d", values, indices, 2)
    with pytest.raises(ValueError, match="invalid max index 18"):
        pc.max_unpool2d(values, indices, 2)
    hand("max_unpool2d", values, indices, 2, output_size=(5, 5), expected=x)


def test_unpool_output_size_range_is_exclusive():
    # default 4, stride 2: allowed sizes are strictly between 2 and 6. [1, 4, 0, -1] pools to
    # values [4, 0] at indices [1, 2]
    values, indices = pc.max_pool1d(f32([[1, 4, 0, -1]]), 2, return_indices=True)
    np.testing.assert_array_equal(indices, [[1, 2]])
    hand("max_unpool1d", values, indices, 2, output_size=(5,), expected=[[0, 4, 0, 0, 0]])
    hand("max_unpool1d", values, indices, 2, output_size=(3,), expected=[[0, 4, 0]])
    assert_both_reject("max_unpool1d", values, indices, 2, output_size=(6,))
    assert_both_reject("max_unpool1d", values, indices, 2, output_size=(2,))


def test_unpool_invalid_index():
    values = f32([[1, 2]])
    assert_both_reject("max_unpool1d", values, np.array([[0, 4]]), 2)  # plane has 4 cells
    with pytest.raises(ValueError, match="invalid max index 4"):
        pc.max_unpool1d(values, np.array([[0, 4]]), 2)
    with pytest.raises(ValueError, match="invalid max index -1"):
        pc.max_unpool1d(values, np.array([[-1, 2]]), 2)


def test_averages_of_many_cells_are_compared_within_their_terms_ulp():
    """torch's own float32 mean of 112 equal cells is 15 ulp off the exact mean (its sum is
    sequential); ours is exact. The oracle allows an average of K cells K ulp (helpers._scale)."""
    x = np.full((1, 4, 7, 7), np.float32(7542219.5))
    ours = pc.adaptive_avg_pool3d(x, (1, 1, 2))
    assert (ours == np.float32(7542219.5)).all()
    theirs = run_torch("adaptive_avg_pool3d", x, (1, 1, 2))[0]
    assert abs(float(theirs.ravel()[0]) - 7542219.5) > reference.ULPS * np.finfo(np.float32).eps * 7542219.5
    assert_matches_torch("adaptive_avg_pool3d", x, (1, 1, 2))


def test_a_sum_that_overflows_follows_torchs_order():
    """Twelve cells of 3.4e37 and one -inf: added in torch's row-major order the sum overflows
    to +inf before it meets -inf (NaN); added axis by axis it meets -inf first. The fast paths
    add such windows again, in torch's order."""
    x = np.full((1, 2, 2, 4), np.float32(3.4028235e37))
    x[0, 1, 1, 1] = -np.inf
    assert np.isnan(pc.avg_pool3d(x, (2, 2, 3))).all()
    assert_matches_torch("avg_pool3d", x, (2, 2, 3))
    assert_matches_torch("lp_pool3d", x, 1, (2, 2, 3))
    assert_matches_torch("adaptive_avg_pool3d", x, (1, 1, 2))


def test_an_overflow_next_to_a_nan_elsewhere_still_follows_torchs_order():
    """A NaN in one window must not hide another window's order-dependent overflow."""
    x = np.full((1, 2, 2, 8), np.float32(3.4028235e37))
    x[0, 1, 1, 1] = -np.inf
    x[0, 0, 0, 5] = np.nan  # in the second window (cells 4..6) only
    assert_matches_torch("avg_pool3d", x, (2, 2, 3), (2, 2, 4))
