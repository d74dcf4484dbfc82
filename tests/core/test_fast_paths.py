"""The strided fast paths equal the gather-and-reduce definition.

Max (values and indices) bit for bit, NaN, ±0, ties, -inf and integer extremes included. Sums:
bit for bit wherever the sum is exact in any order (integers, and floats holding small
integers), and within a few ulp for arbitrary floats (the fast path adds in a different order).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pooling_core as pc
from pooling_core import _adaptive, _args, _fractional, _kernels, reference
from pooling_core.geometry import adaptive_windows, fractional_starts, output_size, sliding_windows
from tests.core.inputs import make_input, pool_input

DTYPES = (np.float32, np.float64, np.int8, np.uint8, np.int16, np.int32, np.int64)


def _same_bits(ours, theirs):
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype, (
        ours.shape,
        theirs.shape,
        ours.dtype,
        theirs.dtype,
    )
    same = reference.same_bits(ours, theirs)
    assert same.all(), f"{int((~same).sum())} cells differ, e.g. {ours[~same][:5]} vs {theirs[~same][:5]}"


def check_case(batch, windows, exact_sums):
    values, indices = _kernels.max_reduce_gather(batch, windows)
    _same_bits(_kernels.max_values_strided(batch, windows), values)
    fast_values, fast_indices = _kernels.max_with_indices_strided(batch, windows)
    _same_bits(fast_values, values)
    _same_bits(fast_indices, indices)
    with np.errstate(invalid="ignore", over="ignore"):
        total = _kernels.sum_gather(batch, windows)
        fast_total = _kernels.sum_strided(batch, windows)
    if exact_sums or batch.dtype.kind != "f":
        _same_bits(fast_total, total)
    else:
        assert fast_total.shape == total.shape and fast_total.dtype == total.dtype
        # rounding errors of a K-term sum are relative to the largest term times K
        scale = float(np.max(np.abs(batch[np.isfinite(batch)]), initial=1.0)) * int(np.prod(windows.window_shape))
        near = reference.close(fast_total, total, scale)
        assert near.all(), f"sums differ: {fast_total[~near][:5]} vs {total[~near][:5]}"


def _sums_are_exact(batch) -> bool:
    """Small integers (and ±inf, NaN) add up to the same bits in any order."""
    if batch.dtype.kind != "f":
        return True
    finite = batch[np.isfinite(batch)]
    return bool(np.all(finite % 1 == 0) and np.all(np.abs(finite) < 1024))


def sliding_grid(ndim):
    per_axis = list(itertools.product(range(1, 7), range(1, 4), range(1, 4), range(0, 2), (1, 2)))
    rng = np.random.default_rng(ndim)
    picks = rng.integers(0, len(per_axis), size=(1500, ndim))
    for case, row in enumerate(picks):
        axes = [per_axis[i] for i in row]
        ceil = bool(case % 2)
        if any(p > k // 2 or output_size(L, k, s, p, d, ceil) <= 0 for L, k, s, p, d in axes):
            continue
        yield case, tuple(zip(*axes, strict=True)), ceil


@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_fast_paths_equal_gather_on_a_grid(ndim):
    rng = np.random.default_rng(10 + ndim)
    count = 0
    for case, (spatial, k, s, p, d), ceil in sliding_grid(ndim):
        windows = sliding_windows(spatial, k, s, p, d, ceil)
        dtype = DTYPES[case % len(DTYPES)]
        lead = ((0, 1, 2)[case % 3], 1 + case % 2)
        batch = make_input(rng, lead + spatial, dtype, extremes=case % 4 == 0)
        check_case(batch, windows, exact_sums=_sums_are_exact(batch))
        count += 1
    assert count > 300


@pytest.mark.parametrize("ndim", [1, 2, 3])
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fast_paths_equal_gather_hypothesis(ndim, data):
    spatial, ks, ss, ps, ds = [], [], [], [], []
    for _ in range(ndim):
        k = data.draw(st.integers(1, 4))
        ks.append(k)
        ss.append(data.draw(st.integers(1, 4)))
        ps.append(data.draw(st.integers(0, k // 2)))
        ds.append(data.draw(st.integers(1, 3)))
        spatial.append(data.draw(st.integers(1, 8)))
    ceil = data.draw(st.booleans())
    if any(output_size(*axis, ceil) <= 0 for axis in zip(spatial, ks, ss, ps, ds, strict=True)):
        return
    dtypes = ("float32", "float64", "int8", "uint8", "int16", "int32", "int64")
    x = data.draw(pool_input(ndim, spatial, dtypes))
    batch = x if x.ndim == ndim + 2 else x[None]
    windows = sliding_windows(tuple(spatial), tuple(ks), tuple(ss), tuple(ps), tuple(ds), ceil)
    check_case(batch, windows, exact_sums=_sums_are_exact(batch))


@pytest.mark.parametrize("dtype", [np.float32, np.int16])
def test_fast_paths_equal_gather_on_a_large_job(dtype):
    """Big enough for the two-thread split (see _kernels.PARALLEL_MIN_OUTPUTS)."""
    rng = np.random.default_rng(7)
    for lead, spatial in (((2, 3), (130, 131)), ((1, 1), (300, 301))):
        batch = make_input(rng, lead + spatial, dtype, extremes=True)
        windows = sliding_windows(spatial, (3, 2), (1, 1), (1, 0), (1, 2), True)
        assert np.prod(lead + windows.output_shape) >= _kernels.PARALLEL_MIN_OUTPUTS
        check_case(batch, windows, exact_sums=_sums_are_exact(batch))


@pytest.mark.parametrize("kernel, stride, padding", [(2, 2, 0), (3, 2, 1), (3, 1, 1)])
def test_separable_chunks_of_an_image(kernel, stride, padding):
    """An image big enough for several chunks of first-axis outputs (see SEPARABLE_CHUNK), so
    the last-axis pass writes into a slice of the output, not the whole of it."""
    rng = np.random.default_rng(kernel + stride)
    batch = make_input(rng, (1, 3, 700, 702), np.float32)
    windows = sliding_windows((700, 702), (kernel, kernel), (stride, stride), (padding, padding), (1, 1), False)
    rows_per_chunk = _kernels.SEPARABLE_CHUNK // (3 * 702)
    assert windows.output_shape[0] > 2 * rows_per_chunk
    check_case(batch, windows, exact_sums=False)


def test_large_one_dimensional_job_splits_along_space():
    """One sample, one channel: the split must cut the spatial axis without losing a window."""
    rng = np.random.default_rng(8)
    batch = make_input(rng, (1, 1, 200_001), np.float64)
    windows = sliding_windows((200_001,), (4,), (1,), (2,), (3,), True)
    check_case(batch, windows, exact_sums=False)


@pytest.mark.parametrize(
    "kernel, stride, dilation, doubling",
    [(4, 4, 1, True), (3, 2, 1, True), (7, 3, 2, True), (9, 4, 1, True), (5, 8, 1, False)],
)
def test_doubling_max_on_a_long_signal(kernel, stride, dilation, doubling):
    """Windows wholly inside the last axis take the doubling path unless the gaps between
    them make its contiguous passes dearer (two threads, split in space, either way)."""
    rng = np.random.default_rng(kernel * 100 + stride)
    length = 2**19 + 3
    batch = make_input(rng, (1, 1, length), np.float32, extremes=True)
    windows = sliding_windows((length,), (kernel,), (stride,), (0,), (dilation,), False)
    (step,) = _kernels._steps(windows)
    assert _kernels._doubling_pays(step) == doubling
    check_case(batch, windows, exact_sums=False)


@pytest.mark.parametrize("dtype", [np.float64, np.int32])
def test_indices_with_many_taps_and_gaps_between_windows(dtype):
    """144 taps need int16 winners; stride > kernel leaves input phases no tap reads."""
    rng = np.random.default_rng(11)
    batch = make_input(rng, (2, 2, 13, 14, 15), dtype, extremes=True)
    for kernel, stride, padding, dilation in (
        ((6, 6, 4), (1, 2, 3), (3, 2, 1), (1, 2, 1)),
        ((2, 3, 2), (5, 4, 3), (1, 1, 0), (1, 1, 2)),
    ):
        windows = sliding_windows(batch.shape[2:], kernel, stride, padding, dilation, True)
        check_case(batch, windows, exact_sums=_sums_are_exact(batch))


def test_signed_zero_ties_in_the_fast_path():
    """np.maximum's SIMD loops may return either zero on a ±0 tie; torch keeps the first."""
    rng = np.random.default_rng(9)
    for _ in range(50):
        batch = rng.choice(np.array([0.0, -0.0, -1.0], dtype=np.float32), size=(2, 3, 67))
        windows = sliding_windows((67,), (3,), (1,), (1,), (1,), False)
        check_case(batch, windows, exact_sums=True)


def test_sum_of_negative_zeros_is_positive_zero():
    batch = np.full((1, 1, 4), -0.0, dtype=np.float64)
    windows = sliding_windows((4,), (2,), (2,), (0,), (1,), False)
    assert not np.signbit(_kernels.sum_strided(batch, windows)).any()
    assert not np.signbit(_kernels.sum_gather(batch, windows)).any()


def test_divide_truncates_integers_toward_zero():
    total = np.array([-9, 9, -9, 9, 7, 0], dtype=np.int64)
    divisor = np.array([2, 2, -2, -2, 4, -3], dtype=np.int64)
    # -4.5 -> -4, 4.5 -> 4, 4.5 -> 4, -4.5 -> -4, 1.75 -> 1, 0
    assert _kernels.divide(total, divisor).tolist() == [-4, 4, 4, -4, 1, 0]
    assert _kernels.divide(np.array([1.0], np.float32), np.array([3])).dtype == np.float32


# --- powers (lp pooling) ------------------------------------------------------------------------

# torch multiplies (or takes sqrt) for these, so the bits must agree
TORCH_PRODUCT_EXPONENTS = (1, 2, 3, -1, -2, -0.5)
POWER_EXPONENTS = TORCH_PRODUCT_EXPONENTS + (0.5, 1 / 3, 0.25, 1 / 1.5, 1.5, -1.5, 4, 5, -3, 2.5, 0.7)


def _power_bases(dtype) -> np.ndarray:
    """Signed values over the dtype's whole range, with every special base a pow meets."""
    rng = np.random.default_rng(3)
    info = np.finfo(dtype)
    wide = np.exp(rng.uniform(-80, 80, 4000)) * rng.choice([-1, 1], 4000)
    specials = [0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, info.max, -info.max, info.smallest_normal]
    subnormals = [info.smallest_subnormal, -info.smallest_subnormal, info.smallest_normal / 3]
    with np.errstate(over="ignore"):
        return np.concatenate([wide, specials * 3, subnormals, rng.standard_normal(4000)]).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("exponent", POWER_EXPONENTS)
def test_power_matches_torch(dtype, exponent):
    """Same NaN, infinities and signed zeros as torch.pow; the same bits where torch multiplies,
    else within a few ulp scaled by the log-magnitude (torch's own vector pow is no closer)."""
    torch = pytest.importorskip("torch")
    from tests.core.helpers import pow_close  # noqa: PLC0415

    base = _power_bases(dtype)
    with np.errstate(all="ignore"):
        ours = _kernels.power(base, exponent)
        theirs = torch.from_numpy(base).pow(exponent).numpy()
        in_place = base.copy()
        _kernels.power(in_place, exponent, out=in_place)
    _same_bits(in_place, ours)
    if exponent in TORCH_PRODUCT_EXPONENTS:
        _same_bits(ours, theirs)
        return
    special = ~np.isfinite(theirs) | (theirs == 0) | ~np.isfinite(ours) | (ours == 0)
    _same_bits(ours[special], theirs[special])
    ours, theirs, base = ours[~special], theirs[~special], base[~special]
    near = pow_close(ours, theirs)
    assert near.all(), f"{base[~near][:5]}: ours {ours[~near][:5]}, torch {theirs[~near][:5]}"


def test_power_reads_a_strided_base():
    base = _power_bases(np.float32)[::3]
    with np.errstate(all="ignore"):
        _same_bits(_kernels.power(base, 1.5), _kernels.power(np.ascontiguousarray(base), 1.5))


# --- adaptive bins --------------------------------------------------------------------------------

ADAPTIVE_CASES = [  # (spatial input, output size): between them every pass method, first and later
    *[((length,), (out,)) for length in (1, 2, 5, 9, 40, 333, 1000) for out in (1, 2, 3, 7, 33, length, length + 3)],
    ((56, 56), (5, 9)),  # taps: evenly spaced bins along H, uneven along W
    ((56, 56), (7, 7)),
    ((13, 13), (6, 6)),
    ((7, 5), (9, 11)),  # more bins than cells: bins repeat
    ((40, 200), (3, 7)),  # segments along W first, then bins along H
    ((9, 300), (4, 12)),  # segments, then taps
    ((100, 64), (3, 64)),  # bins first, then taps
    ((64, 33), (1, 1)),  # global: one bin over the whole plane
    ((200, 300), (2, 1)),  # wide bins on both axes: bins, first and later (argmax too)
    ((300, 40), (1, 2)),
    ((12, 20, 40), (3, 5, 2)),
    ((5, 6, 7), (2, 3, 4)),
    ((4, 4, 64), (1, 1, 1)),
    ((33, 3, 50), (2, 3, 2)),
    ((40, 32, 32), (3, 2, 3)),  # argmax by bins over long blocks (whole 32x32 planes)
    ((40, 1024), (2, 7)),  # argmax: rows of 1024 by bins first, then wide bins along them one by one
]


def _adaptive_methods(argmax: bool) -> set[tuple[str, str]]:
    """(pass, method) pairs the cases reach: pass "first" or "next"."""
    seen = set()
    for spatial, out in ADAPTIVE_CASES:
        batch = np.zeros((1, 1) + spatial, np.float32)
        flat_batch, axes = _adaptive._plan(batch, adaptive_windows(spatial, out))
        for rank, axis in enumerate(_adaptive._pass_order(flat_batch, axes, argmax=argmax)):
            bins = axes[axis - 2]
            inner = math.prod(flat_batch.shape[axis + 1 :])
            method = bins.method(last_axis=axis == flat_batch.ndim - 1, argmax=argmax, inner=inner)
            if method == "taps":
                method += " evenly spaced" if bins.spacing else " uneven"
            if rank > 0 and method == "segments":  # a later pass takes wide bins one by one
                method = "bins"
            seen.add(("first" if rank == 0 else "next", method))
    return seen


@pytest.mark.parametrize("argmax", [False, True])
def test_adaptive_cases_reach_every_pass_method(argmax):
    methods = {"taps evenly spaced", "taps uneven", "bins", "segments"}
    wanted = {("first", m) for m in methods} | {("next", m) for m in methods - {"segments"}}
    assert _adaptive_methods(argmax) >= wanted


def check_adaptive(batch, windows):
    values, indices = _kernels.max_reduce_gather(batch, windows)
    fast_values, fast_indices = _adaptive.max_adaptive(batch, windows)
    _same_bits(fast_values, values)
    _same_bits(fast_indices, indices)
    _same_bits(_adaptive.max_values_adaptive(batch, windows), values)
    with np.errstate(invalid="ignore", over="ignore"):
        total, fast_total = _kernels.sum_gather(batch, windows), _adaptive.sum_adaptive(batch, windows)
    if _sums_are_exact(batch):
        _same_bits(fast_total, total)
    else:
        scale = float(np.max(np.abs(batch[np.isfinite(batch)]), initial=1.0)) * int(np.prod(windows.window_shape))
        near = reference.close(fast_total, total, scale)
        assert near.all(), f"sums differ: {fast_total[~near][:5]} vs {total[~near][:5]}"


@pytest.mark.parametrize("spatial, out", ADAPTIVE_CASES)
def test_adaptive_fast_paths_equal_gather(spatial, out):
    rng = np.random.default_rng(sum(spatial) * 7 + sum(out))
    windows = adaptive_windows(spatial, out)
    for case in range(6):
        dtype = (np.float32, np.float64)[case % 2]
        lead = ((1, 1), (2, 3), (3, 1))[case % 3]
        if case == 5:  # signed zeros only: torch keeps the first zero of a tie, sign included
            batch = make_input(rng, lead + spatial, dtype, values=[0.0, -0.0])
        else:
            batch = make_input(rng, lead + spatial, dtype)  # ties, NaN, ±inf, ±0
        check_adaptive(batch, windows)


def _no_nan(batch: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(batch), -np.inf, batch).astype(batch.dtype)


@pytest.mark.parametrize("spatial, out", ADAPTIVE_CASES)
def test_argmax_over_copied_windows_equals_gather(spatial, out):
    """The window-copy argmax on every case, whether or not the rule would pick it: without
    NaN (ties, ±inf and signed zeros) it is torch's index bit for bit."""
    rng = np.random.default_rng(sum(spatial) * 11 + sum(out))
    windows = adaptive_windows(spatial, out)
    for case in range(4):
        dtype = (np.float32, np.float64)[case % 2]
        values = [0.0, -0.0] if case == 3 else None
        batch = _no_nan(make_input(rng, ((1, 1), (2, 3))[case % 2] + spatial, dtype, values=values))
        expected = _kernels.max_reduce_gather(batch, windows)[1]
        flat_batch, axes = _adaptive._plan(batch, windows)
        index = np.empty(batch.shape[:2] + tuple(bins.out for bins in axes), np.int64)
        _adaptive._argmax_by_windows(axes, flat_batch, [], index)
        _same_bits(index.reshape(expected.shape), expected)


def test_argmax_over_copied_windows_takes_wide_windows_and_leaves_nan_to_the_scan():
    taken = [
        (spatial, out)
        for spatial, out in ADAPTIVE_CASES
        if _adaptive._gathers_windows(*_adaptive._plan(np.zeros((1, 1) + spatial), adaptive_windows(spatial, out)))
    ]
    assert {len(spatial) for spatial, _ in taken} >= {1, 2}, taken
    rng = np.random.default_rng(5)
    for spatial, out in taken:  # with NaN in some windows: torch's last NaN, by the scan
        batch = make_input(rng, (2, 3) + spatial, np.float32)
        batch.flat[:: max(1, batch.size // 7)] = np.nan
        check_adaptive(batch, adaptive_windows(spatial, out))
        check_adaptive(_no_nan(batch), adaptive_windows(spatial, out))


def test_adaptive_fast_paths_on_two_threads():
    """Big enough for the two-thread split (by samples, then channels), and for segments in
    several blocks of rows."""
    rng = np.random.default_rng(12)
    for lead in ((2, 3), (1, 2)):
        batch = make_input(rng, lead + (150, 230), np.float32)
        assert batch.size >= _kernels.PARALLEL_MIN_OUTPUTS
        check_adaptive(batch, adaptive_windows((150, 230), (7, 9)))
        check_adaptive(_no_nan(batch), adaptive_windows((150, 230), (7, 9)))  # windows copied out
    batch = make_input(rng, (2, 3, 70_001), np.float32)
    assert 70_001 > _adaptive.SEGMENT_BLOCK // 2
    check_adaptive(batch, adaptive_windows((70_001,), (333,)))


# --- fractional windows ------------------------------------------------------------------------------

FRACTIONAL_CASES = [  # (spatial input, kernel_size, output_size)
    ((5, 5), (2, 2), (3, 3)),
    ((9, 7), (3, 2), (4, 6)),
    ((8, 8), (1, 3), (8, 1)),
    ((16, 11), (4, 4), (5, 8)),
    ((6, 7, 8), (2, 2, 2), (3, 4, 5)),
    ((5, 9, 4), (3, 1, 2), (2, 5, 1)),
    ((5, 6, 20), (2, 3, 2), (3, 3, 8)),  # H with 20 cells after it: gathered as whole runs
]


def _fractional_by_gather(batch, kernel_size, output_size, samples):
    """The definition, plane by plane: each (n, c) has its own windows."""
    values = np.empty(batch.shape[:2] + output_size, dtype=batch.dtype)
    indices = np.empty(batch.shape[:2] + output_size, dtype=np.int64)
    for n, c in np.ndindex(*batch.shape[:2]):
        windows = _args.fractional_windows_for(batch.shape[2:], kernel_size, output_size, samples[n, c])
        plane_values, plane_indices = _kernels.max_reduce_gather(batch[n : n + 1, c : c + 1], windows)
        values[n, c], indices[n, c] = plane_values[0, 0], plane_indices[0, 0]
    return values, indices


@pytest.mark.parametrize("spatial, kernel_size, output_size", FRACTIONAL_CASES)
def test_fractional_fast_path_equals_gather(spatial, kernel_size, output_size):
    rng = np.random.default_rng(sum(spatial) + 3 * sum(kernel_size))
    for case in range(6):
        dtype = (np.float32, np.float64)[case % 2]
        lead = ((1, 1), (2, 3), (3, 1))[case % 3]
        values = [0.0, -0.0] if case == 5 else None
        batch = make_input(rng, lead + spatial, dtype, values=values)
        samples = rng.random(lead + (len(spatial),)).astype(dtype)
        samples.flat[:2] = (0.0, np.nextafter(dtype(1), dtype(0)))  # the ends of [0, 1)
        starts = _args.fractional_plane_starts(spatial, kernel_size, output_size, samples)
        fast_values, fast_indices = _fractional.max_fractional(batch, kernel_size, starts)
        expected_values, expected_indices = _fractional_by_gather(batch, kernel_size, output_size, samples)
        _same_bits(fast_values, expected_values)
        _same_bits(fast_indices, expected_indices)


def test_fractional_fast_path_on_two_threads():
    rng = np.random.default_rng(13)
    batch = make_input(rng, (2, 3, 120, 130), np.float32)
    samples = rng.random((2, 3, 2)).astype(np.float32)
    starts = _args.fractional_plane_starts((120, 130), (3, 2), (50, 70), samples)
    assert batch.size >= _kernels.PARALLEL_MIN_OUTPUTS
    fast_values, fast_indices = _fractional.max_fractional(batch, (3, 2), starts)
    expected_values, expected_indices = _fractional_by_gather(batch, (3, 2), (50, 70), samples)
    _same_bits(fast_values, expected_values)
    _same_bits(fast_indices, expected_indices)


def test_fractional_starts_of_many_samples_equal_one_by_one():
    samples = np.random.default_rng(14).random((3, 4)).astype(np.float32)
    together = fractional_starts(samples, 37, 9, 3)
    for cell in np.ndindex(*samples.shape):
        assert together[cell].tolist() == fractional_starts(samples[cell], 37, 9, 3).tolist()


@pytest.mark.parametrize("stride", [1, 2])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int16, np.uint8])
def test_last_axis_in_chunks_equal_gather(stride, dtype):
    """Long rows: several chunks and a short last one, windows that reach into the padding at
    both ends, pairs of cells split by the narrowing cast (and float64, which does not pair)."""
    rng = np.random.default_rng(15 + stride)
    length = 3 * _kernels.LAST_AXIS_CHUNK // 6 + 7
    batch = make_input(rng, (2, 3, length), dtype, extremes=True)
    cases = ((2, 0, 1, False), (3, 1, 1, True), (4, 2, 2, False), (5, 2, 3, True), (4, 0, 1, True), (6, 2, 1, False))
    for kernel, padding, dilation, ceil in cases:  # the last two: taps in pairs (stride 2)
        windows = sliding_windows((length,), (kernel,), (stride,), (padding,), (dilation,), ceil)
        check_case(batch, windows, exact_sums=_sums_are_exact(batch))
    # a last axis with a stride of its own: the general path
    check_case(
        batch[..., ::2],
        sliding_windows((batch[..., ::2].shape[-1],), (3,), (stride,), (1,), (1,), False),
        exact_sums=_sums_are_exact(batch),
    )


@pytest.mark.parametrize("exponent", [3, 4, 1.5, 1 / 3])
def test_power_on_two_threads_equals_one(exponent):
    base = np.tile(_power_bases(np.float32), (3, 9))  # (3, 9 * 8000): split in two along axis 0
    assert base.size >= _kernels.PARALLEL_MIN_OUTPUTS
    with np.errstate(all="ignore"):
        _same_bits(_kernels.power(base, exponent), _kernels._power(base, exponent, np.empty_like(base)))


# --- scatter (max_unpool) ------------------------------------------------------------------------


@pytest.mark.parametrize("count", [100, _kernels.SCATTER_PLANE_LOOP + 3])
def test_unpool_scatter_matches_torch(count):
    """Small planes (one flat scatter) and big ones (plane by plane), on two threads, with
    indices that repeat (overlapping windows: the last value sent to a cell wins, as in torch)."""
    from tests.core.helpers import assert_matches_torch  # noqa: PLC0415

    rng = np.random.default_rng(count)
    length = 2 * count + 1
    x = make_input(rng, (4, 3, length), np.float32, specials=False)
    values, indices = _kernels.max_with_indices_strided(x, sliding_windows((length,), (3,), (1,), (1,), (1,), False))
    assert values.size >= _kernels.PARALLEL_MIN_OUTPUTS or count < 1000
    assert (np.diff(indices, axis=-1) == 0).any()  # repeats
    assert_matches_torch("max_unpool1d", values, indices, 3, 1, 1)


def test_unpool_reports_a_bad_index_found_by_either_thread():
    values = np.ones((4, 2, _kernels.SCATTER_PLANE_LOOP), np.float32)
    indices = np.zeros(values.shape, np.int64)
    indices[3, 1, 7] = 2 * values.shape[-1] + 5  # in the second half of the planes
    with pytest.raises(ValueError, match="found an invalid max index 8197"):
        pc.max_unpool1d(values, indices, 2)
    indices[3, 1, 7] = -1
    with pytest.raises(ValueError, match="found an invalid max index -1"):
        pc.max_unpool1d(values, indices, 2)
