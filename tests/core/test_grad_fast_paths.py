"""The gradient's fast paths equal its definitions (``pooling_core._grad_kernels``).

Max-type: bit for bit, NaN, ±inf, −0.0, ties and all -inf windows included, with integer
upstream gradients (exact in any order of addition) and a sprinkle of −0.0 in them. Sums
(average, adaptive average): bit for bit for integer-valued deltas, within a few ulp for
arbitrary floats (the fast paths add in another order). Every case runs twice: as one job,
and split in two halves on two threads (the split is forced by lowering its size threshold),
whose row split must hand each half exactly the windows that touch its rows.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from pooling_core import _grad_kernels as kernels
from pooling_core import reference
from pooling_core.geometry import adaptive_windows, output_size, sliding_windows
from tests.core.inputs import POWERS_OF_TWO, make_input

LEADS = ((1, 1), (2, 3), (1, 2), (5, 1), (1, 3), (0, 2))


@pytest.fixture(params=["one job", "two halves"])
def split(request, monkeypatch):
    if request.param == "two halves":
        monkeypatch.setattr(kernels, "PARALLEL_MIN_OUTPUTS", 1)
    return request.param


def _same_bits(ours, theirs, what):
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype, (ours.shape, theirs.shape, what)
    same = reference.same_bits(ours, theirs)
    assert same.all(), f"{int((~same).sum())} cells differ, first {np.argwhere(~same)[:3].tolist()}: {what}"


def sliding_cases(ndim, count, seed, dilation=True):
    """``(spatial, kernel, stride, padding, dilation, ceil_mode)`` drawn from a grid, valid ones only."""
    per_axis = list(itertools.product(range(1, 9), range(1, 4), range(1, 4), range(0, 2), (1, 2) if dilation else (1,)))
    rng = np.random.default_rng(seed)
    for case, row in enumerate(rng.integers(0, len(per_axis), size=(count, ndim))):
        axes = [per_axis[i] for i in row]
        ceil = bool(case % 3 == 0)
        if any(p > k // 2 or output_size(L, k, s, p, d, ceil) <= 0 for L, k, s, p, d in axes):
            continue
        yield case, tuple(zip(*axes, strict=True)), ceil


def _integer_upstream(rng, shape, dtype, case):
    g = rng.integers(-3, 4, size=shape).astype(dtype)
    if case % 4 == 0 and g.size:
        g.ravel()[rng.random(g.size) < 0.2] = -0.0
    return g


@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_max_fast_path_equals_definition(ndim, split):
    rng = np.random.default_rng(20 + ndim)
    count = 0
    for case, (spatial, k, s, p, d), ceil in sliding_cases(ndim, 900 if ndim < 3 else 500, ndim):
        windows = sliding_windows(spatial, k, s, p, d, ceil)
        real = windows.in_bounds().reshape(int(np.prod(windows.output_shape)), -1)
        if not real.any(axis=1).all():  # a window reading no input: torch writes out of bounds there
            continue
        lead = LEADS[case % len(LEADS)]
        x = make_input(rng, lead + spatial, (np.float32, np.float64)[case % 2])
        g = _integer_upstream(rng, lead + windows.output_shape, x.dtype, case)
        what = f"spatial={spatial} k={k} s={s} p={p} d={d} ceil={ceil} lead={lead} {x.dtype}"
        _same_bits(kernels.max_sliding_input(x, windows, g), kernels.max_input_definition(x, windows, g), what)
        count += 1
    assert count > 150


def test_max_fast_path_on_long_rows_and_all_nan_kinds(split):
    """Long rows (so the halves split rows that windows cross), NaN where the last NaN must win."""
    rng = np.random.default_rng(7)
    for spatial, k, s, p, d in (((300,), 5, 3, 2, 1), ((61, 47), 3, 2, 1, 2), ((9, 40, 33), 2, 1, 1, 1)):
        ndim = len(spatial)
        windows = sliding_windows(spatial, (k,) * ndim, (s,) * ndim, (p,) * ndim, (d,) * ndim, True)
        x = make_input(rng, (1, 2) + spatial, np.float32, low=-2, high=2)
        x.ravel()[rng.random(x.size) < 0.05] = np.nan
        g = _integer_upstream(rng, (1, 2) + windows.output_shape, np.float32, 0)
        _same_bits(kernels.max_sliding_input(x, windows, g), kernels.max_input_definition(x, windows, g), spatial)


@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_spread_fast_path_equals_definition(ndim, split):
    rng = np.random.default_rng(30 + ndim)
    count = 0
    for case, (spatial, k, s, p, _), ceil in sliding_cases(ndim, 900 if ndim < 3 else 400, 10 + ndim, dilation=False):
        windows = sliding_windows(spatial, k, s, p, (1,) * ndim, ceil)
        lead = LEADS[case % len(LEADS)]
        dtype = (np.float32, np.float64)[case % 2]
        shape = lead + spatial
        if case % 2:  # integer deltas: every order of addition gives the same bits
            delta = rng.integers(-3, 4, size=lead + windows.output_shape).astype(dtype)
            _same_bits(kernels.spread_sliding(shape, windows, delta), kernels.spread_definition(shape, windows, delta),
                       (spatial, k, s, p, ceil))  # fmt: skip
        else:
            delta = rng.standard_normal(lead + windows.output_shape).astype(dtype)
            near = reference.close(kernels.spread_sliding(shape, windows, delta),
                                   kernels.spread_definition(shape, windows, delta), 4.0)  # fmt: skip
            assert near.all(), (spatial, k, s, p, ceil)
        count += 1
    assert count > 150


@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_adaptive_spread_equals_definition(ndim, split):
    rng = np.random.default_rng(40 + ndim)
    for case in range(300):
        spatial = tuple(int(v) for v in rng.integers(1, 12, ndim))
        sizes = tuple(int(v) for v in rng.integers(1, 14, ndim))  # overlapping bins, and O > L
        windows = adaptive_windows(spatial, sizes)
        lead = LEADS[case % (len(LEADS) - 1)]
        delta = rng.integers(-3, 4, size=lead + windows.output_shape).astype((np.float32, np.float64)[case % 2])
        _same_bits(kernels.spread_adaptive(lead + spatial, windows, delta),
                   kernels.spread_definition(lead + spatial, windows, delta), (spatial, sizes, lead))  # fmt: skip


def test_adaptive_spread_on_long_axes(split):
    """Few cells in two bins (O ≪ L) and many (O ≈ L / 2): the two ways of adding the second bin."""
    rng = np.random.default_rng(8)
    for spatial, sizes in (((3000,), (70,)), ((500,), (300,)), ((200, 33), (7, 31)), ((20, 30, 12), (7, 19, 5))):
        windows = adaptive_windows(spatial, sizes)
        delta = rng.integers(-3, 4, size=(2, 3) + windows.output_shape).astype(np.float32)
        _same_bits(kernels.spread_adaptive((2, 3) + spatial, windows, delta),
                   kernels.spread_definition((2, 3) + spatial, windows, delta), (spatial, sizes))  # fmt: skip


def test_gather_fast_path_equals_definition(split):
    rng = np.random.default_rng(9)
    for lead, plane, count in (((1, 1), 40, 9), ((2, 3), 17, 30), ((1, 2), 5, 0), ((0, 2), 4, 3), ((3, 1), 100, 250)):
        upstream = rng.standard_normal(lead + (plane,)).astype(np.float32)
        indices = rng.integers(0, plane, size=lead + (count,))
        _same_bits(kernels.gather_planes(upstream, indices), kernels.gather_definition(upstream, indices), lead)


@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_lp_fast_path_equals_definition(ndim, split):
    """The whole chain per half (x^p, window sums, torch's nodes, spread, p·x^(p−1)) against the
    definition: within a few ulp (its sums go in another order), NaN where it has NaN."""
    rng = np.random.default_rng(50 + ndim)
    count = 0
    for case, (spatial, k, s, _, _), ceil in sliding_cases(ndim, 500 if ndim < 3 else 300, 20 + ndim, dilation=False):
        if any(output_size(L, kk, ss, 0, 1, ceil) <= 0 for L, kk, ss in zip(spatial, k, s, strict=True)):
            continue  # lp pools have no padding
        windows = sliding_windows(spatial, k, s, (0,) * ndim, (1,) * ndim, ceil)
        p = (1, 2, 3, 0.5, 1.5, -1, 2.0)[case % 7]
        lead = LEADS[case % len(LEADS)]
        # powers and window sums exact (small integers; powers of two for p = -1), so only the gradient's
        # own sums, in their different orders, differ
        values = POWERS_OF_TWO if p == -1 else np.arange(-3, 4)
        x = make_input(rng, lead + spatial, (np.float32, np.float64)[case % 2], values=values)
        g = rng.standard_normal(lead + windows.output_shape).astype(x.dtype)
        divisor = windows.divisor(True, None)
        before = x.copy()
        ours = kernels.lp_sliding_input(x, windows, g, p, divisor)
        theirs = kernels.lp_input_definition(x, windows, g, p, divisor)
        assert np.array_equal(x, before), "the fast path wrote to its input"
        # summed in another order, the result is within a few ulp of the sum of its terms' sizes
        with np.errstate(all="ignore"):
            averaged = kernels.sum_gather(kernels.torch_pow(x, p), windows) / divisor.astype(x.dtype)
            through = kernels.lp_through_windows(g, averaged, p, int(np.prod(k))) / divisor.astype(x.dtype)
            factor = np.abs(x.dtype.type(p) * kernels.torch_pow(x, p - 1))
            bound = kernels.spread_definition(x.shape, windows, np.abs(through)) * factor
            error = np.abs(ours.astype(np.float64) - theirs)
        near = (error <= 16 * np.finfo(x.dtype).eps * bound) | (np.isnan(ours) & np.isnan(theirs)) | (ours == theirs)
        assert near.all(), (spatial, k, s, ceil, p, lead, x.dtype, ours[~near][:3], theirs[~near][:3])
        count += 1
    assert count > 100


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_flat_scatter_equals_definition(dtype):
    """The adaptive and fractional maxima's scatter: the same adds in the same order, so bit for
    bit even with non-integer gradients, cells that win many windows, ±0, inf and NaN."""
    rng = np.random.default_rng(60)
    for case in range(300):
        lead = LEADS[case % (len(LEADS) - 1)]
        spatial = tuple(int(v) for v in rng.integers(1, 9, 1 + case % 3))
        outputs = tuple(int(v) for v in rng.integers(1, 7, len(spatial)))
        plane = int(np.prod(spatial))
        indices = rng.integers(0, min(plane, 1 + case % 5) if case % 4 == 0 else plane, lead + outputs)  # repeats
        g = rng.standard_normal(lead + outputs).astype(dtype)
        g.ravel()[::7] = (0.0, -0.0, np.inf, -np.inf, np.nan, 1e30, -1e30)[case % 7]
        _same_bits(kernels.scatter_add(lead + spatial, indices, g),
                   kernels.scatter_add_definition(lead + spatial, indices, g), (lead, spatial, outputs))  # fmt: skip


def test_flat_scatter_skips_an_index_outside_its_plane_like_the_definition():
    g = np.arange(1.0, 7.0, dtype=np.float32).reshape(1, 2, 3)
    indices = np.array([[[0, 3, 1], [-1, 2, 2]]])  # 3 and -1 lie outside a plane of 3 cells
    expected = kernels.scatter_add_definition((1, 2, 3), indices, g)
    _same_bits(kernels.scatter_add((1, 2, 3), indices, g), expected, "outside")
    assert expected.tolist() == [[[1.0, 3.0, 0.0], [0.0, 0.0, 11.0]]]
