# ruff: noqa: E501  (the rule tables read best one call and its message per line)
"""The backward pass by hand: the lecture's numbers, each rule worked out, the errors in words.

Every expected gradient below was worked out by hand from the rule in the comment next to it,
and is checked against ours AND against torch's autograd (where torch is defined), so a wrong
hand calculation fails as loudly as a wrong implementation.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pooling_core
from pooling_core import functional, grad
from tests.core.grad_oracle import assert_grad_both_reject, assert_grad_matches_torch, run_torch

NAN = float("nan")
INF = float("inf")


def f32(values):
    return np.array(values, dtype=np.float32)


def same_bits(actual, expected):
    return (np.isnan(actual) & np.isnan(expected)) | (
        (actual == expected) & (np.signbit(actual) == np.signbit(expected))
    )


def hand(name, x, g, *args, expected, rounded=False, **kwargs):
    """Ours and torch's autograd both give ``expected``, bit for bit (dtype and zero signs too).

    ``rounded``: the gradient is a quotient or a root whose last bit depends on how it is
    computed, so ``expected`` (the exact value) is compared within a few ulp.
    """
    ours = assert_grad_matches_torch(name, x, g, *args, **kwargs)
    assert ours is not None, f"torch rejected {name}{args}{kwargs}"
    theirs = run_torch(name, x, g, *args, **kwargs)[0]
    expected = np.asarray(expected, dtype=x.dtype)
    for label, result in (("ours", ours), ("torch", theirs)):
        assert result.shape == expected.shape and result.dtype == expected.dtype, (label, result.shape, result.dtype)
        if rounded:
            np.testing.assert_allclose(result, expected, rtol=4 * np.finfo(x.dtype).eps, err_msg=label)
        else:
            assert same_bits(result, expected).all(), f"{label}: {result.tolist()} != {expected.tolist()}"
    return ours


# --- max pooling: the winner takes it all ------------------------------------------------------------

LECTURE_1D = f32([[1, 4, -1, 0, 2, -2, 1, 3, 3, 1]])


def test_lecture_1d_max_gradient():
    # blocks (1,4) (-1,0) (2,-2) (1,3) (3,1): the winners 4, 0, 2, 3, 3 sit at 1, 3, 4, 7, 8
    hand("max_pool1d", LECTURE_1D, np.ones((1, 5), dtype=np.float32), 2, expected=[[0, 1, 0, 1, 1, 0, 0, 1, 1, 0]])


def test_lecture_1d_max_gradient_carries_the_upstream_values():
    # the same winners, each taking its own window's upstream gradient
    hand("max_pool1d", LECTURE_1D, f32([[10, 20, 30, 40, 50]]), 2, expected=[[0, 10, 0, 20, 30, 0, 0, 40, 50, 0]])


def test_a_cell_winning_two_overlapping_windows_gets_both():
    # windows [0, 5] and [5, 0] (stride 1 < kernel 2): the 5 wins both, so it collects 1 + 1
    hand("max_pool1d", f32([[0, 5, 0]]), f32([[1, 1]]), 2, stride=1, expected=[[0, 2, 0]])


def test_overlapping_windows_sum_their_upstream_gradients():
    # k=3, s=1 on (1, 4, -1, 0, 2): the 4 wins windows 0 and 1 (g = 2 and 3), the 2 wins window 2 (g = 5)
    hand("max_pool1d", f32([[1, 4, -1, 0, 2]]), f32([[2, 3, 5]]), 3, stride=1, expected=[[0, 5, 0, 0, 5]])


def test_ties_go_to_the_first_maximum():
    # (3, 3): the first 3; in 2-D the scan is row-major, so of the 2 at (0, 1) and the 2 at (1, 0)
    # the upper one wins (not the left one)
    hand("max_pool1d", f32([[3, 3]]), f32([[1]]), 2, expected=[[1, 0]])
    hand("max_pool2d", f32([[[1, 2], [2, 1]]]), f32([[[1]]]), 2, expected=[[[0, 1], [0, 0]]])


def test_minus_zero_ties_plus_zero_and_the_first_wins():
    hand("max_pool1d", f32([[-0.0, 0.0]]), f32([[1]]), 2, expected=[[1, 0]])


def test_a_nan_wins_and_the_last_nan_takes_the_gradient():
    hand("max_pool1d", f32([[NAN, 1, NAN]]), f32([[1]]), 3, expected=[[0, 0, 1]])


def test_padding_never_wins_so_it_gets_nothing():
    # k=3, s=1, p=1 on (-5, -6): windows [pad, -5, -6] and [-5, -6, pad]; padding is -inf, so
    # the -5 wins both although every input is negative
    hand("max_pool1d", f32([[-5, -6]]), f32([[1, 1]]), 3, stride=1, padding=1, expected=[[2, 0]])


def test_an_all_minus_inf_window_passes_to_its_first_real_cell():
    # nothing beats the initial -inf, so torch's index stays on the first tap at a position >= 0
    hand("max_pool1d", f32([[-INF, -INF, 7]]), f32([[4, 1]]), 2, stride=2, ceil_mode=True, expected=[[4, 0, 1]])


def test_a_lone_minus_zero_upstream_arrives_as_plus_zero():
    # torch adds the upstream gradient to a zero-filled buffer: 0 + (-0) = +0
    hand("max_pool1d", f32([[1, 2]]), f32([[-0.0]]), 2, expected=[[0, 0]])


def test_a_window_that_reads_no_input_passes_nothing_back():
    """k=2, d=3, p=1 on L=2: the one window's taps are -1 and 2, both outside the input.

    The forward gives -inf and an index of 2 (the first tap >= 0), outside the plane. torch's
    backward writes the gradient there, into the next plane's memory or past the buffer (we
    measured the first plane's gradient landing on the second plane's first cell), so it is not
    called here. Ours passes nothing back: padding gets nothing.
    """
    x = f32([[1, 2], [3, 4]])
    values, indices = functional.max_pool1d(x, 2, 1, 1, 3, return_indices=True)
    assert values.tolist() == [[-INF], [-INF]] and indices.tolist() == [[2], [2]]
    result = grad.max_pool1d_input(x, f32([[5], [6]]), 2, stride=1, padding=1, dilation=3)
    assert same_bits(result, np.zeros_like(x)).all()


def test_max_pool2d_overlapping_windows_on_an_image():
    # 3x3 windows sliding by 1 over a 3x4 plane: the 9 wins both windows (g = 1 and 10)
    x = np.array([[[1, 2, 0, 1], [0, 9, 3, 0], [4, 0, 5, 2]]], dtype=np.float64)
    hand("max_pool2d", x, np.array([[[1.0, 10.0]]]), 3, stride=1,
         expected=[[[0, 0, 0, 0], [0, 11, 0, 0], [0, 0, 0, 0]]])  # fmt: skip


def test_max_pool2d_lecture_tensor():
    # the lecture's (1, 2, 2, 6) tensor, (1, 2) kernel: each row in pairs; the first of a tie wins
    x = f32([[[[1, 2, 1, 1, 0, 2], [2, 1, 1, 0, 2, 0]], [[0, 2, 1, 1, 2, 2], [1, 1, 1, 1, 0, 0]]]])
    hand("max_pool2d", x, np.ones((1, 2, 2, 3), dtype=np.float32), (1, 2),
         expected=[[[[0, 1, 1, 0, 0, 1], [1, 0, 1, 0, 1, 0]], [[0, 1, 1, 0, 1, 0], [1, 0, 1, 0, 1, 0]]]])  # fmt: skip


def test_max_pool3d_gradient_goes_to_the_corner_of_a_ramp():
    hand("max_pool3d", np.arange(8, dtype=np.float32).reshape(1, 2, 2, 2), f32([[[[5]]]]), 2,
         expected=np.array([0, 0, 0, 0, 0, 0, 0, 5]).reshape(1, 2, 2, 2))  # fmt: skip


def test_return_indices_does_not_change_the_gradient():
    g = f32([[1, 2, 3, 4, 5]])
    assert np.array_equal(grad.max_pool1d_input(LECTURE_1D, g, 2, return_indices=True),
                          grad.max_pool1d_input(LECTURE_1D, g, 2))  # fmt: skip


# --- average pooling: spread over the window -----------------------------------------------------------


def test_avg_spreads_one_over_the_divisor():
    # blocks of 2: each cell gets g / 2
    hand("avg_pool1d", np.zeros((1, 4)), np.array([[1.0, 3.0]]), 2, expected=[[0.5, 0.5, 1.5, 1.5]])


def test_avg_padding_takes_its_share_of_the_divisor_but_gets_nothing():
    # k=3, s=1, p=1 on L=3 with g = 3 everywhere: every window divides by 3 (padding counts);
    # cell 0 is in windows 0 and 1 -> 2, cell 1 in all three -> 3
    hand("avg_pool1d", np.zeros((1, 3)), np.array([[3.0, 3, 3]]), 3, stride=1, padding=1, expected=[[2, 3, 2]])
    # count_include_pad=False: divisors 2, 3, 2 -> cell 0 gets 3/2 + 3/3, cell 1 gets 3/2 + 1 + 3/2
    hand("avg_pool1d", np.zeros((1, 3)), np.array([[3.0, 3, 3]]), 3, stride=1, padding=1, count_include_pad=False,
         expected=[[2.5, 4, 2.5]])  # fmt: skip


def test_avg_ceil_mode_window_counts_only_up_to_the_right_padding():
    # k=3, s=2, p=1, ceil on L=5: windows [-1, 2), [1, 4), [3, 6); the last is clipped at L + p = 6,
    # so every divisor is 3 (count_include_pad) or 2, 3, 2 (real cells only)
    hand("avg_pool1d", np.zeros((1, 5)), np.array([[3.0, 3, 3]]), 3, 2, 1, True, expected=[[1, 2, 1, 2, 1]])
    hand("avg_pool1d", np.zeros((1, 5)), np.array([[3.0, 3, 3]]), 3, 2, 1, True, False,
         expected=[[1.5, 2.5, 1, 2.5, 1.5]])  # fmt: skip


def test_avg_divisor_override_negative():
    # a 2x2 window summed and divided by -3: each cell gets 6 / -3
    hand(
        "avg_pool2d", np.zeros((1, 2, 2)), np.array([[[6.0]]]), 2, divisor_override=-3, expected=np.full((1, 2, 2), -2)
    )


def test_avg3d_spreads_over_the_cube():
    hand("avg_pool3d", np.zeros((1, 2, 2, 2)), np.full((1, 1, 1, 1), 8.0), 2, expected=np.ones((1, 2, 2, 2)))


# --- lp pooling: the chain rule through torch's formula ------------------------------------------------


def test_lp_p2_gradient_is_x_over_the_norm():
    # |(3, 4)| = 5, so d|x|/dx = (3/5, 4/5); the second window is all zeros: torch's relu gives 0
    hand(
        "lp_pool1d", np.array([[3.0, 4.0, 0.0, 0.0]]), np.ones((1, 2)), 2, 2, expected=[[0.6, 0.8, 0, 0]], rounded=True
    )


def test_lp_p1_is_sum_pooling_but_a_zero_sum_passes_back_zero():
    # p = 1 sums, so every cell gets its window's gradient... except where the sum is exactly 0:
    # torch's sign(a)·relu(|a|) has gradient 0 there (its docstring: "the gradient is set to zero")
    hand("lp_pool1d", np.array([[1.0, 2.0, 1.0, -1.0]]), np.array([[5.0, 7.0]]), 1, 2, expected=[[5, 5, 0, 0]])


def test_lp_fractional_power_of_a_negative_input_is_nan():
    # (-1)^1.5 is NaN, so the window's output and its whole gradient are NaN; the window (1, 1)
    # has y = 2^(2/3), so each cell gets (1/y)^(p-1) = 2^(-1/3)
    hand("lp_pool1d", np.array([[-1.0, 2.0, 1.0, 1.0]]), np.ones((1, 2)), 1.5, 2,
         expected=[[NAN, NAN, 2 ** (-1 / 3), 2 ** (-1 / 3)]], rounded=True)  # fmt: skip


def test_lp_inf_is_the_gradient_of_the_max_of_abs_with_its_sign():
    hand("lp_pool3d", np.array([[[[1.0, -3.0], [2.0, 0.0]]]]), np.ones((1, 1, 1, 1)), INF, (1, 2, 2),
         expected=[[[[0, -1], [0, 0]]]])  # fmt: skip


def test_lp_minus_inf_is_the_gradient_of_the_min_of_abs():
    # -max(-|x|) picks the smallest |x|, here the -1; torch's chain (two negations and a scatter
    # into zeros) leaves -0.0 on the cells that did not win, as ours does
    hand("lp_pool1d", np.array([[2.0, -1.0]]), np.ones((1, 1)), -INF, 2, expected=[[-0.0, -1]])


# --- adaptive pools: bins that overlap and repeat --------------------------------------------------------


def test_adaptive_avg_overlapping_bins():
    # 3 bins over 5 cells: [0, 2), [1, 4), [3, 5), sizes 2, 3, 2; g = (2, 3, 2) spreads 1 per cell
    # per bin, and cells 1 and 3 are in two bins
    hand("adaptive_avg_pool1d", np.zeros((1, 5)), np.array([[2.0, 3, 2]]), 3, expected=[[1, 2, 1, 2, 1]])


def test_adaptive_avg_more_bins_than_cells():
    # 5 bins over 2 cells: [0,1) [0,1) [0,2) [1,2) [1,2) -> cell 0 gets 1 + 1 + 1/2, cell 1 the same
    hand("adaptive_avg_pool1d", np.zeros((1, 2)), np.ones((1, 5)), 5, expected=[[2.5, 2.5]])


def test_adaptive_max_a_cell_wins_two_bins():
    hand("adaptive_max_pool1d", np.array([[1.0, 5.0, 2.0, 0.0, 3.0]]), np.ones((1, 3)), 3, expected=[[0, 2, 0, 0, 1]])


def test_global_average_gradient_divides_once_by_the_plane():
    hand("adaptive_avg_pool2d", np.zeros((1, 3, 3), dtype=np.float32), f32([[[9]]]), 1, expected=np.ones((1, 3, 3)))


# --- fractional, unpool --------------------------------------------------------------------------------


def test_fractional_given_samples():
    # u = 0.5, L = 5, O = 2, k = 2: alpha = 3, windows start at 0 and at L - k = 3, per axis;
    # on a ramp the bottom-right cell of each window wins
    x = np.arange(25, dtype=np.float32).reshape(1, 5, 5)
    expected = np.zeros((1, 5, 5))
    expected[0, [1, 1, 4, 4], [1, 4, 1, 4]] = [1, 2, 3, 4]
    hand("fractional_max_pool2d", x, f32([[[1, 2], [3, 4]]]), 2, 2, _random_samples=np.full((1, 1, 2), 0.5, np.float32),
         expected=expected)  # fmt: skip


def test_fractional_generator_seed_gives_the_forwards_windows():
    """The same rule as the forward: an int generator seeds numpy's default_rng."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 7, 7)).astype(np.float32)
    g = rng.integers(-3, 4, (2, 3, 3, 3)).astype(np.float32)
    samples = np.random.default_rng(11).random((2, 3, 2)).astype(np.float32)  # what the forward draws
    forward_values = functional.fractional_max_pool2d(x, 2, 3, generator=11)
    assert np.array_equal(forward_values, functional.fractional_max_pool2d(x, 2, 3, _random_samples=samples))
    ours = grad.fractional_max_pool2d_input(x, g, 2, 3, generator=11)
    expected = assert_grad_matches_torch("fractional_max_pool2d", x, g, 2, 3, _random_samples=samples)
    assert same_bits(ours, expected).all()


def test_unpool_gradient_gathers_at_the_indices():
    # max_pool1d of (1, 4, -1, 0, 5) by 2: values (4, 0) at indices (1, 3); unpooled to length 5,
    # each value takes back the gradient of the cell it was written to
    values, indices = functional.max_pool1d(f32([[1, 4, -1, 0, 5]]), 2, return_indices=True)
    hand("max_unpool1d", values, f32([[10, 11, 12, 13, 14]]), indices, 2, None, 0, (5,), expected=[[11, 13]])


def test_unpool_two_values_on_one_index_both_take_its_gradient():
    # the forward keeps one of them (torch: the last written); the backward gathers for both
    hand("max_unpool1d", f32([[1, 2]]), f32([[7, 8, 9, 10]]), np.array([[0, 0]]), 2, expected=[[7, 7]])


def test_unpool_forward_and_gradient_take_an_empty_batch():
    x, indices = np.zeros((0, 2, 4), np.float32), np.zeros((0, 2, 4), np.int64)
    assert functional.max_unpool1d(x, indices, 2).shape == (0, 2, 8)
    hand("max_unpool1d", x, np.zeros((0, 2, 8), np.float32), indices, 2, expected=np.zeros((0, 2, 4)))


# --- shapes and dtypes -------------------------------------------------------------------------------


CALLS = [  # (function, input shape, arguments)
    ("max_pool1d", (2, 3, 9), dict(kernel_size=3, stride=2, padding=1)),
    ("max_pool2d", (2, 3, 6, 5), dict(kernel_size=(2, 3), stride=1, dilation=(2, 1))),
    ("max_pool3d", (2, 2, 4, 5, 3), dict(kernel_size=2, stride=1, ceil_mode=True)),
    ("avg_pool1d", (2, 3, 9), dict(kernel_size=3, stride=2, padding=1, count_include_pad=False)),
    ("avg_pool2d", (2, 3, 6, 5), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, divisor_override=-2)),
    ("avg_pool3d", (2, 2, 4, 5, 3), dict(kernel_size=2, stride=1)),
    ("lp_pool1d", (2, 3, 9), dict(norm_type=2, kernel_size=3, stride=2)),
    ("lp_pool2d", (2, 3, 6, 5), dict(norm_type=3, kernel_size=2, ceil_mode=True)),
    ("lp_pool3d", (2, 2, 4, 5, 3), dict(norm_type=INF, kernel_size=2)),
    ("adaptive_max_pool1d", (2, 3, 9), dict(output_size=4)),
    ("adaptive_max_pool2d", (2, 3, 6, 5), dict(output_size=(4, None))),
    ("adaptive_max_pool3d", (2, 2, 4, 5, 3), dict(output_size=(3, 2, 5))),
    ("adaptive_avg_pool1d", (2, 3, 9), dict(output_size=4)),
    ("adaptive_avg_pool2d", (2, 3, 6, 5), dict(output_size=(4, 7))),
    ("adaptive_avg_pool3d", (2, 2, 4, 5, 3), dict(output_size=(3, 2, 5))),
    ("fractional_max_pool2d", (2, 3, 6, 5), dict(kernel_size=2, output_size=3)),
    ("fractional_max_pool3d", (2, 2, 4, 5, 4), dict(kernel_size=2, output_size=2)),
]


@pytest.mark.parametrize(("function", "shape", "arguments"), CALLS, ids=[call[0] for call in CALLS])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_unbatched_equals_batched_of_one_and_keeps_the_dtype(function, shape, arguments, dtype):
    rng = np.random.default_rng(len(function))
    x = rng.integers(-3, 4, shape).astype(dtype)
    unbatched_arguments = dict(arguments)
    if function.startswith("fractional"):
        samples = rng.random(shape[:2] + (len(shape) - 2,)).astype(dtype)
        arguments = dict(arguments, _random_samples=samples)
        unbatched_arguments = dict(arguments, _random_samples=samples[1:2])
    y = getattr(functional, function)(x, **arguments)
    g = rng.standard_normal(y.shape).astype(dtype)
    batched = getattr(grad, f"{function}_input")(x, g, **arguments)
    assert batched.shape == x.shape and batched.dtype == x.dtype
    unbatched = getattr(grad, f"{function}_input")(x[1], g[1], **unbatched_arguments)
    assert unbatched.shape == x.shape[1:] and np.array_equal(unbatched, batched[1], equal_nan=True)


@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_unpool_unbatched_equals_batched(ndim):
    rng = np.random.default_rng(ndim)
    x = rng.standard_normal((2, 3) + (4,) * ndim).astype(np.float32)
    values, indices = getattr(functional, f"max_pool{ndim}d")(x, 2, return_indices=True)
    g = rng.standard_normal(x.shape).astype(np.float32)
    batched = getattr(grad, f"max_unpool{ndim}d_input")(values, g, indices, 2)
    assert np.array_equal(getattr(grad, f"max_unpool{ndim}d_input")(values[1], g[1], indices[1], 2), batched[1])


def test_grad_output_of_another_dtype_is_cast_like_torch():
    g64 = np.ones((1, 5))  # float64 for a float32 input, and ints: torch's autograd casts both
    hand("max_pool1d", LECTURE_1D, g64, 2, expected=[[0, 1, 0, 1, 1, 0, 0, 1, 1, 0]])
    hand("max_pool1d", LECTURE_1D, g64.astype(np.int64), 2, expected=[[0, 1, 0, 1, 1, 0, 0, 1, 1, 0]])


# --- the module --------------------------------------------------------------------------------------


def test_one_gradient_per_pooling_function_with_the_forwards_signature():
    assert grad.__all__ == [f"{name}_input" for name in functional.__all__]
    for name in functional.__all__:
        forward = inspect.signature(getattr(functional, name)).parameters
        backward = inspect.signature(getattr(grad, f"{name}_input")).parameters
        names = list(backward)
        assert names[:2] == ["input", "grad_output"], name
        assert [(p.name, p.default, p.kind) for p in list(forward.values())[1:]] == [
            (p.name, p.default, p.kind) for p in list(backward.values())[2:]
        ], name


def test_grad_is_a_module_of_the_package_and_does_not_flood_its_names():
    assert pooling_core.grad is grad
    from pooling_core import grad as imported  # noqa: PLC0415

    assert imported is grad
    assert not any(name.endswith("_input") for name in pooling_core.__all__)


# --- errors, in words ----------------------------------------------------------------------------------

X1 = np.zeros((1, 10), dtype=np.float32)
G1 = np.zeros((1, 5), dtype=np.float32)

ERROR_RULES = [
    # (function, args, kwargs, exception, message fragment)
    (
        "max_pool1d_input",
        (X1.astype(np.int64), G1, 2),
        {},
        TypeError,
        "max_pool1d_input() needs a floating-point input: only floating-point arrays have a gradient",
    ),
    (
        "avg_pool2d_input",
        (np.zeros((1, 4, 4), np.int64), np.zeros((1, 2, 2)), 2),
        {},
        TypeError,
        "but got an input of dtype int64",
    ),
    (
        "lp_pool1d_input",
        (X1.astype(np.int32), G1, 2, 2),
        {},
        TypeError,
        "lp_pool1d_input() needs a floating-point input",
    ),
    ("adaptive_avg_pool1d_input", (X1.astype(np.uint8), G1, 5), {}, TypeError, "needs a floating-point input"),
    (
        "max_unpool1d_input",
        (G1.astype(np.int64), X1, np.zeros((1, 5), np.int64), 2),
        {},
        TypeError,
        "needs a floating-point input",
    ),
    (
        "max_pool1d_input",
        (X1, np.zeros(5), 2),
        {},
        ValueError,
        "max_pool1d_input() grad_output must have the shape of the forward's output: this input of shape (1, 10) pools to shape (1, 5), but grad_output has shape (5,)",
    ),
    (
        "avg_pool1d_input",
        (X1, np.zeros((1, 4)), 2),
        {},
        ValueError,
        "pools to shape (1, 5), but grad_output has shape (1, 4)",
    ),
    (
        "max_pool1d_input",
        (X1, [[1, 1, 1, 1, 1]], 2),
        {},
        TypeError,
        "max_pool1d_input() grad_output must be a numpy array, but got list",
    ),
    (
        "max_pool1d_input",
        (X1, G1.astype(complex), 2),
        {},
        TypeError,
        "grad_output must hold real numbers, but got dtype complex128",
    ),
    (
        "max_pool1d_input",
        (X1, G1, 2),
        dict(padding=2),
        ValueError,
        "max_pool1d_input() padding should be at most half of kernel_size, but got padding=2 and kernel_size=2",
    ),
    (
        "avg_pool3d_input",
        (np.zeros((1, 2, 4, 4)), np.zeros((1, 1, 1, 1)), 3),
        dict(padding=1),
        ValueError,
        "avg_pool3d_input() input is smaller than kernel_size",
    ),
    (
        "lp_pool2d_input",
        (np.zeros((1, 4, 4)), np.zeros((1, 2, 2)), 0, 2),
        {},
        ValueError,
        "lp_pool2d_input() norm_type must be non-zero",
    ),
    (
        "fractional_max_pool2d_input",
        (np.zeros((1, 4, 4)), np.zeros((1, 2, 2)), 2, 2),
        {},
        ValueError,
        "fractional_max_pool2d_input() needs the forward's windows, which random samples place: pass the forward's _random_samples",
    ),
    (
        "adaptive_max_pool1d_input",
        (X1, np.zeros((1, 0)), 0),
        {},
        ValueError,
        "adaptive_max_pool1d_input() output size (0,) is empty: torch's backward refuses an empty output",
    ),
    (
        "max_unpool2d_input",
        (np.zeros((1, 1, 1)), np.zeros((1, 0, 1)), np.zeros((1, 1, 1), np.int64), 1, 2),
        dict(output_size=(0, 1)),
        ValueError,
        "found an invalid max index 0: the unpooled planes of size 0x1 are empty",
    ),
]


@pytest.mark.parametrize(("function", "args", "kwargs", "exception", "fragment"), ERROR_RULES,
                         ids=[f"{rule[0]}-{i}" for i, rule in enumerate(ERROR_RULES)])  # fmt: skip
def test_error_messages(function, args, kwargs, exception, fragment):
    with pytest.raises(exception) as raised:
        getattr(grad, function)(*args, **kwargs)
    assert fragment in str(raised.value)


def test_torch_refuses_the_same_calls():
    """The gradient's own rules are torch's (the messages above are ours, in plain words)."""
    assert_grad_both_reject("max_pool1d", X1.astype(np.int64), G1, 2)
    assert_grad_both_reject("max_pool1d", X1, np.zeros(5), 2)
    assert_grad_both_reject("adaptive_max_pool1d", X1, np.zeros((1, 0)), 0)
    assert_grad_both_reject("max_unpool2d", np.zeros((1, 1, 1)), np.zeros((1, 0, 1)), np.zeros((1, 1, 1), np.int64), 1, 2,
                            output_size=(0, 1))  # fmt: skip


JUNK = st.one_of(st.none(), st.booleans(), st.integers(-3, 6), st.floats(-2, 2), st.text(max_size=2),
                 st.tuples(st.integers(-1, 4), st.integers(-1, 4)), st.lists(st.integers(0, 3), max_size=4))  # fmt: skip


@pytest.mark.parametrize("function", grad.__all__)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_junk_arguments_raise_only_value_or_type_errors(function, data):
    ndim = 1 if function.endswith("1d_input") else int(function[-8])
    x = np.ones((1, 2) + (4,) * ndim, dtype=np.float32)
    parameters = list(inspect.signature(getattr(grad, function)).parameters)[2:]
    arguments = {name: data.draw(JUNK, label=name) for name in parameters if data.draw(st.booleans())}
    g = data.draw(st.sampled_from([np.ones((1, 2) + (2,) * ndim, np.float32), np.ones(3), None]))
    try:
        getattr(grad, function)(x, g, **arguments)
    except (ValueError, TypeError):
        pass
