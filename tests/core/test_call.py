"""PoolCall: the one way from a call to its windows. The windows a call reports are the ones
the pooling function computes with (checked by reducing them with the definition), it refuses
what the function refuses with the same words, and the derived geometry a figure needs (centres,
the dropped ceil window, extents, formulas) is worked out by hand."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from pooling_core import PoolCall, functional
from pooling_core._kernels import max_reduce_gather, sum_gather


def _sliding_calls():
    for function, L, k, s, p, d, ceil in itertools.product(
        ("max_pool1d", "avg_pool1d"), range(1, 9), range(1, 5), (None, 1, 2, 3), (0, 1, 2), (1, 2), (False, True)
    ):
        if p > k // 2 or (function == "avg_pool1d" and d != 1):
            continue
        arguments = {"kernel_size": k, "stride": s, "padding": p, "ceil_mode": ceil}
        if function == "max_pool1d":
            arguments["dilation"] = d
        yield function, L, arguments


def test_windows_are_the_functions_windows_1d():
    """Max over the call's windows (the gather definition) equals the function, for ~1000 calls."""
    rng = np.random.default_rng(0)
    checked = 0
    for function, L, arguments in _sliding_calls():
        call = PoolCall(function, arguments)
        x = rng.integers(-5, 6, size=(2, L)).astype(np.float64)
        try:
            expected = call.run(x)
        except ValueError as error:
            with pytest.raises(ValueError) as raised:
                call.windows(x.shape)
            assert str(raised.value) == str(error)
            continue
        windows = call.windows(x.shape)
        if function == "max_pool1d":
            values, _ = max_reduce_gather(x[None], windows)
        else:
            values = sum_gather(x[None], windows) / windows.divisor(arguments.get("count_include_pad", True))
        np.testing.assert_allclose(values[0], expected, rtol=1e-12)
        checked += 1
    assert checked > 500


@pytest.mark.parametrize(
    ("function", "arguments", "shape"),
    [
        ("max_pool2d", {"kernel_size": (2, 3), "stride": (1, 2), "padding": (1, 1), "ceil_mode": True}, (5, 7)),
        ("avg_pool2d", {"kernel_size": 3, "stride": 2, "padding": 1, "count_include_pad": False}, (6, 5)),
        ("lp_pool2d", {"norm_type": 2, "kernel_size": 2}, (4, 5)),
        ("adaptive_max_pool2d", {"output_size": (3, None)}, (5, 4)),
        ("adaptive_avg_pool1d", {"output_size": 3}, (5,)),
        ("max_pool3d", {"kernel_size": 2, "stride": 1}, (3, 3, 4)),
    ],
)
def test_windows_shape_matches_output_shape(function, arguments, shape):
    x = np.arange(np.prod(shape), dtype=np.float64).reshape((1, *shape))
    result = PoolCall(function, arguments).run(x)
    assert PoolCall(function, arguments).windows(x.shape).output_shape == result.shape[1:]


def test_fractional_windows_per_plane_follow_the_samples():
    x = np.arange(2 * 49, dtype=np.float32).reshape(2, 7, 7)
    samples = np.array([[0.1, 0.9], [0.6, 0.3]], dtype=np.float32)  # (C, 2), unbatched
    call = PoolCall("fractional_max_pool2d", {"kernel_size": 2, "output_size": 3, "_random_samples": samples[None]})
    result = call.run(x)
    for c in range(2):
        windows = call.windows(x.shape, plane=(0, c))
        values, _ = max_reduce_gather(x[None, c : c + 1], windows)
        np.testing.assert_array_equal(values[0, 0], result[c])
    assert (
        call.windows(x.shape, plane=(0, 0)).axes[1].starts.tolist()
        != call.windows(x.shape, (0, 1)).axes[1].starts.tolist()
    )


def test_errors_are_the_functions_errors():
    for function, arguments in (
        ("max_pool1d", {"kernel_size": 2, "padding": 2}),
        ("max_pool2d", {"kernel_size": (2, 2, 2)}),
        ("avg_pool1d", {"kernel_size": 0}),
        ("max_pool1d", {"kernel_size": 7}),
        ("adaptive_max_pool2d", {"output_size": (2,)}),
    ):
        call = PoolCall(function, arguments)
        x = np.zeros((1, 5) if function.endswith("1d") else (1, 5, 5))
        with pytest.raises((ValueError, TypeError)) as from_run:
            call.run(x)
        with pytest.raises(type(from_run.value)) as from_windows:
            call.windows(x.shape)
        assert str(from_windows.value) == str(from_run.value)


def test_centres_by_hand():
    # k=3, s=2, p=1 over 5: windows start -1, 1, 3; centres 0, 2, 4
    axis = PoolCall("max_pool1d", {"kernel_size": 3, "stride": 2, "padding": 1}).windows((5,)).axes[0]
    assert axis.centres.tolist() == [0.0, 2.0, 4.0]
    # dilation 2: taps 0, 2, 4 -> centre 2
    assert PoolCall("max_pool1d", {"kernel_size": 3, "dilation": 2, "stride": 1}).windows((6,)).axes[0].centres[0] == 2
    # adaptive 5 -> 3: bins [0,2), [1,4), [3,5): centres 0.5, 2, 3.5
    assert PoolCall("adaptive_avg_pool1d", {"output_size": 3}).windows((5,)).axes[0].centres.tolist() == [0.5, 2.0, 3.5]


def test_dropped_ceil_window_1d_and_2d():
    call = PoolCall("max_pool1d", {"kernel_size": 3, "stride": 3, "padding": 1, "ceil_mode": True})
    windows = call.windows((5,))
    # raw ceil size 3, last window would start at 2·3 − 1 = 5 = L: in the right padding, dropped
    assert windows.output_shape == (2,)
    assert windows.dropped_windows() == [[(5,), (6,), (7,)]]
    assert windows.axes[0].extent == (-1, 7)
    assert PoolCall("max_pool1d", {"kernel_size": 3, "stride": 3, "padding": 1}).windows((5,)).dropped_windows() == []
    # 2-D: rows drop a window, columns do not -> one dropped window per output column
    call2 = PoolCall("max_pool2d", {"kernel_size": (3, 2), "stride": (3, 2), "padding": (1, 0), "ceil_mode": True})
    windows2 = call2.windows((5, 4))
    assert windows2.output_shape == (2, 2)
    dropped = windows2.dropped_windows()
    assert len(dropped) == 2
    assert dropped[0] == [(5, 0), (5, 1), (6, 0), (6, 1), (7, 0), (7, 1)]
    assert dropped[1][0] == (5, 2)


def test_floor_size_marks_windows_added_by_ceil():
    axis = PoolCall("max_pool1d", {"kernel_size": 2, "ceil_mode": True}).windows((5,)).axes[0]
    assert (axis.output_size, axis.floor_size) == (3, 2)


def test_formulas():
    windows = PoolCall("max_pool2d", {"kernel_size": (1, 2)}).windows((2, 6))
    assert windows.formulas() == [
        "H_out = ⌊(2 + 2·0 − 1·(1−1) − 1)/1⌋ + 1 = 2",
        "W_out = ⌊(6 + 2·0 − 1·(2−1) − 1)/2⌋ + 1 = 3",
    ]
    assert PoolCall("adaptive_max_pool2d", {"output_size": (None, 2)}).windows((3, 5)).formulas()[0] == (
        "H_out = 3 bins over H_in = 3; bin i covers [⌊i·3/3⌋, ⌈(i+1)·3/3⌉)"
    )
    ceil = PoolCall("max_pool1d", {"kernel_size": 3, "stride": 3, "padding": 1, "ceil_mode": True})
    assert (
        ceil.windows((5,))
        .formulas()[0]
        .endswith("→ 2 (the last window would start in the right padding, so it is dropped)")
    )


def test_call_defaults_and_kind():
    call = PoolCall("avg_pool2d", {"kernel_size": 2})
    assert (call.kind, call.ndim, call.is_max) == ("avg", 2, False)
    assert call.argument("count_include_pad") is True and call.argument("stride") is None
    assert PoolCall("adaptive_max_pool1d", {"output_size": 2}).kind == "adaptive_max"
    assert PoolCall("max_unpool3d").kind == "max_unpool"
    with pytest.raises(ValueError, match="not a pooling function"):
        PoolCall("conv2d").kind  # noqa: B018
    assert set(functional.__all__) >= {"max_pool1d"}
