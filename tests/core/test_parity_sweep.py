"""Generated parity sweeps: every pooling function against torch, on grids and on hypothesis data.

Each case goes through :func:`tests.core.helpers.assert_matches_torch`: same shapes and dtypes,
bit-exact max values and indices, avg/lp within a few ulp, and torch rejects ⇔ we reject.
The grids are ``itertools.product`` sweeps over parameters (invalid combinations included:
both must reject them); inputs are seeded arrays with ties, NaN, ±inf and −0.0.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.helpers import (
    ALL_DTYPES,
    assert_both_reject,
    assert_matches_torch,
    run_ours,
    run_torch,
)
from tests.core.inputs import POWERS_OF_TWO, batch_shape, make_input, pool_input

INF = float("inf")
NORM_TYPES = (1, 2, 3, 0.5, 1.5, 2.0, -1, -2, INF, -INF)


def _rng(*key) -> np.random.Generator:
    """A generator seeded by ``key``, stable across runs and processes (unlike ``hash``)."""
    return np.random.default_rng(sum((i + 1) * ord(c) for i, c in enumerate(repr(key))))


def _per_axis(values):
    """``(a, a)`` → ``a`` so sweeps also exercise the plain-int form."""
    values = tuple(values)
    return values[0] if len(set(values)) == 1 else values


def _run(cases):
    """Feed ``(name, x, args, kwargs)`` cases through the torch oracle; return how many ran."""
    count = 0
    for name, x, args, kwargs in cases:
        assert_matches_torch(name, x, *args, **kwargs)
        count += 1
    assert count > 0
    return count


# --- max_pool -----------------------------------------------------------------------------------

MAX_DTYPES_BY_INDEX = (np.float32, np.float64, np.float32, np.int8, np.float64, np.int32, np.uint8, np.int64, np.int16)


def max_pool1d_cases():
    """Full 1-D grid: L × k × stride × valid padding × dilation × ceil_mode × return_indices."""
    rng = _rng("max_pool1d")
    grid = itertools.product(
        range(1, 8), range(1, 5), (None, 1, 2, 3), range(0, 3), (1, 2, 3), (False, True), (False, True)
    )
    for index, (length, k, s, p, d, ceil, ri) in enumerate(grid):
        if p > k // 2:
            continue
        dtype = MAX_DTYPES_BY_INDEX[index % len(MAX_DTYPES_BY_INDEX)]
        if not ri and np.dtype(dtype).kind != "f":
            dtype = np.float32  # 1-D without indices is float-only (checked in the dtype table)
        x = make_input(rng, batch_shape(index, 1 + index % 2, (length,)), dtype, extremes=True)
        yield "max_pool1d", x, (k,), dict(stride=s, padding=p, dilation=d, ceil_mode=ceil, return_indices=ri)


def max_pool2d_cases():
    rng = _rng("max_pool2d")
    grid = itertools.product(
        ((5, 6), (4, 4), (7, 3), (1, 5)),
        (1, 2, 3, (1, 2), (2, 3), (3, 1)),
        (None, 1, 2, (1, 2), (2, 3)),
        (0, 1, (0, 1), (1, 0)),
        (1, 2, (1, 3)),
        (False, True),
        (False, True),
    )
    for index, (spatial, k, s, p, d, ceil, ri) in enumerate(grid):
        dtype = MAX_DTYPES_BY_INDEX[index % len(MAX_DTYPES_BY_INDEX)]
        x = make_input(rng, batch_shape(index, 1 + index % 2, spatial), dtype, extremes=True)
        yield "max_pool2d", x, (k, s, p, d, ceil, ri), {}


def max_pool3d_cases():
    rng = _rng("max_pool3d")
    grid = itertools.product(
        ((3, 4, 5), (2, 2, 2), (4, 3, 2)),
        (1, 2, (1, 2, 3), (2, 1, 2), (3,)),
        (None, 1, 2, (1, 2, 1)),
        (0, 1, (0, 1, 0)),
        (1, (2, 1, 1)),
        (False, True),
        (False, True),
    )
    for index, (spatial, k, s, p, d, ceil, ri) in enumerate(grid):
        dtype = MAX_DTYPES_BY_INDEX[index % len(MAX_DTYPES_BY_INDEX)]
        x = make_input(rng, batch_shape(index, 1 + index % 2, spatial), dtype, extremes=True)
        yield "max_pool3d", x, (k,), dict(stride=s, padding=p, dilation=d, ceil_mode=ceil, return_indices=ri)


# --- avg_pool -----------------------------------------------------------------------------------

AVG_DTYPES = (np.float32, np.float64, np.int64)


def avg_pool1d_cases():
    rng = _rng("avg_pool1d")
    grid = itertools.product(range(1, 8), range(1, 5), (None, 1, 2, 3), range(0, 3), (False, True), (False, True))
    for index, (length, k, s, p, ceil, cip) in enumerate(grid):
        if p > k // 2:
            continue
        dtype = AVG_DTYPES[index % 3]
        x = make_input(rng, batch_shape(index, 1 + index % 2, (length,)), dtype, low=-9, high=9)
        yield "avg_pool1d", x, (k, s, p, ceil, cip), {}


def avg_pool2d_cases():
    rng = _rng("avg_pool2d")
    grid = itertools.product(
        ((5, 6), (4, 4), (1, 5)),
        (1, 2, 3, (1, 2), (2, 3), (3, 1)),
        (None, 1, 2, (1, 2), (2, 3)),
        (0, 1, (0, 1), (1, 0)),
        (False, True),
        (False, True),
        (None, 1, 3, -2),
    )
    for index, (spatial, k, s, p, ceil, cip, div) in enumerate(grid):
        dtype = AVG_DTYPES[index % 3]
        x = make_input(rng, batch_shape(index, 1 + index % 2, spatial), dtype, low=-9, high=9)
        yield (
            "avg_pool2d",
            x,
            (k,),
            dict(stride=s, padding=p, ceil_mode=ceil, count_include_pad=cip, divisor_override=div),
        )


def avg_pool3d_cases():
    rng = _rng("avg_pool3d")
    grid = itertools.product(
        ((3, 4, 5), (2, 2, 2), (4, 3, 2), (1, 3, 3)),
        (1, 2, (1, 2, 3), (2, 1, 2)),
        (None, 1, (2, 1, 2)),
        (0, 1, (0, 1, 1)),
        (False, True),
        (False, True),
        (None, 5, -3),
    )
    for index, (spatial, k, s, p, ceil, cip, div) in enumerate(grid):
        dtype = AVG_DTYPES[index % 3]
        x = make_input(rng, batch_shape(index, 1 + index % 2, spatial), dtype, low=-9, high=9)
        yield "avg_pool3d", x, (k, s, p, ceil, cip, div), {}


# --- lp_pool ------------------------------------------------------------------------------------

LP_DTYPES = (np.float32, np.float64, np.int64, np.float32, np.int8, np.float64, np.uint8)


def _lp_values(p):
    """Odd negative powers: inputs whose reciprocals are exact, so cancelling sums stay exact."""
    return POWERS_OF_TWO if p == -1 else None


def lp_pool1d_cases():
    rng = _rng("lp_pool1d")
    grid = itertools.product(range(1, 8), range(1, 5), (None, 1, 2, 3), (False, True), NORM_TYPES)
    for index, (length, k, s, ceil, p) in enumerate(grid):
        dtype = LP_DTYPES[index % len(LP_DTYPES)]
        # Small integers: powers and sums are exact, so even p = 3 with cancellation compares.
        x = make_input(rng, batch_shape(index, 1 + index % 2, (length,)), dtype, low=-4, high=4, values=_lp_values(p))
        yield "lp_pool1d", x, (p, k, s, ceil), {}


def lp_pool2d_cases():
    rng = _rng("lp_pool2d")
    grid = itertools.product(
        ((5, 6), (3, 4), (2, 7)),
        (1, 2, 3, (1, 2), (3, 2), [2, 1], (2,)),
        (None, 1, 2, (1, 2)),
        (False, True),
        NORM_TYPES,
    )
    for index, (spatial, k, s, ceil, p) in enumerate(grid):
        dtype = LP_DTYPES[index % len(LP_DTYPES)]
        x = make_input(rng, batch_shape(index, 1 + index % 2, spatial), dtype, low=-4, high=4, values=_lp_values(p))
        yield "lp_pool2d", x, (p, k), dict(stride=s, ceil_mode=ceil)


def lp_pool3d_cases():
    rng = _rng("lp_pool3d")
    grid = itertools.product(
        ((3, 4, 5), (2, 3, 2)), (1, 2, (1, 2, 3), (2, 1, 2), (2,)), (None, 1, (2, 1, 2)), (False, True), NORM_TYPES
    )
    for index, (spatial, k, s, ceil, p) in enumerate(grid):
        dtype = LP_DTYPES[index % len(LP_DTYPES)]
        x = make_input(rng, batch_shape(index, 1 + index % 2, spatial), dtype, low=-4, high=4, values=_lp_values(p))
        yield "lp_pool3d", x, (p, k, s, ceil), {}


# --- adaptive pools ----------------------------------------------------------------------------


def adaptive1d_cases():
    rng = _rng("adaptive1d")
    grid = itertools.product(range(1, 10), range(0, 13), ("max", "max_idx", "avg"), (np.float32, np.float64))
    for index, (length, out, kind, dtype) in enumerate(grid):
        x = make_input(
            rng, batch_shape(index, 1 + index % 2, (length,)), dtype, specials=kind != "avg" or index % 3 == 0
        )
        if kind == "avg":
            yield "adaptive_avg_pool1d", x, (out,), {}
        else:
            yield "adaptive_max_pool1d", x, (out,), dict(return_indices=kind == "max_idx")


ADAPTIVE_2D_SIZES = (
    1,
    2,
    3,
    5,
    7,
    (2, 3),
    (None, 2),
    (3, None),
    (None, None),
    (0, 2),
    (4, 0),
    (7, 1),
    (1, 9),
    [2, 2],
    (3,),
)
ADAPTIVE_3D_SIZES = (1, 2, 3, (2, 3, 4), (None, 2, None), (1, None, 3), (0, 1, 1), (5, 1, 2), (2,), [1, 2, 3])


def adaptive2d_cases():
    rng = _rng("adaptive2d")
    grid = itertools.product(
        ((5, 6), (4, 4), (7, 3), (1, 5), (3, 10)),
        ADAPTIVE_2D_SIZES,
        ("max", "max_idx", "avg"),
        (np.float32, np.float64),
    )
    for index, (spatial, out, kind, dtype) in enumerate(grid):
        x = make_input(rng, batch_shape(index, 1 + index % 2, spatial), dtype)
        if kind == "avg":
            yield "adaptive_avg_pool2d", x, (out,), {}
        else:
            yield "adaptive_max_pool2d", x, (out, kind == "max_idx"), {}


def adaptive3d_cases():
    rng = _rng("adaptive3d")
    grid = itertools.product(
        ((3, 4, 5), (2, 2, 2), (5, 3, 1)), ADAPTIVE_3D_SIZES, ("max", "max_idx", "avg"), (np.float32, np.float64)
    )
    for index, (spatial, out, kind, dtype) in enumerate(grid):
        x = make_input(rng, batch_shape(index, 1 + index % 2, spatial), dtype)
        if kind == "avg":
            yield "adaptive_avg_pool3d", x, (out,), {}
        else:
            yield "adaptive_max_pool3d", x, (out,), dict(return_indices=kind == "max_idx")


# --- fractional max pool -------------------------------------------------------------------------

SAMPLE_VALUES = (0.0, 0.25, 0.5, 0.7, 0.999, 0.9999999)


def _samples(rng, count, channels, ndim, dtype):
    """``_random_samples`` of the input's dtype, in [0, 1): fixed edge values or uniform."""
    if rng.random() < 0.4:
        values = rng.choice(SAMPLE_VALUES, size=(count, channels, ndim))
    else:
        values = rng.random((count, channels, ndim))
    return np.minimum(values.astype(dtype), np.nextafter(dtype(1), dtype(0)))


def fractional2d_cases():
    rng = _rng("fractional2d")
    grid = itertools.product(
        ((5, 6), (7, 7), (4, 9), (3, 3)),
        (1, 2, 3, (2, 3), (1, 2)),
        (1, 2, 3, 4, (2, 5), (4, 1), None),
        (False, True),
        (np.float32, np.float64),
    )
    for index, (spatial, k, out, ri, dtype) in enumerate(grid):
        shape = batch_shape(index, 1 + index % 2, spatial)
        x = make_input(rng, shape, dtype)
        lead = (1, *shape[:1]) if len(shape) == 3 else shape[:2]
        samples = _samples(rng, lead[0], lead[1], 2, dtype)
        if out is None:
            kwargs = dict(output_ratio=(0.5, 0.75) if index % 2 else 0.6)
        else:
            kwargs = dict(output_size=out)
        yield "fractional_max_pool2d", x, (k,), dict(kwargs, return_indices=ri, _random_samples=samples)


def fractional3d_cases():
    rng = _rng("fractional3d")
    grid = itertools.product(
        ((4, 5, 6), (3, 3, 3), (6, 2, 4)),
        (1, 2, (2, 1, 3)),
        (1, 2, (2, 1, 3), (3, 2, 1), None),
        (False, True),
        (np.float32, np.float64),
    )
    for index, (spatial, k, out, ri, dtype) in enumerate(grid):
        shape = batch_shape(index, 1 + index % 2, spatial)
        x = make_input(rng, shape, dtype)
        lead = (1, *shape[:1]) if len(shape) == 4 else shape[:2]
        samples = _samples(rng, lead[0], lead[1], 3, dtype)
        kwargs = dict(output_ratio=0.5) if out is None else dict(output_size=out)
        yield "fractional_max_pool3d", x, (k,), dict(kwargs, return_indices=ri, _random_samples=samples)


# --- max_unpool --------------------------------------------------------------------------------


def max_unpool_cases():
    """Round trips: torch's max_pool indices fed to both unpools, with and without output_size."""
    rng = _rng("max_unpool")
    spatial_by_ndim = {1: ((5,), (8,), (3,)), 2: ((4, 5), (6, 6), (3, 2)), 3: ((4, 4, 3), (3, 5, 2))}
    for ndim, spatials in spatial_by_ndim.items():
        grid = itertools.product(spatials, (1, 2, 3), (None, 1, 2), (0, 1), ("default", "input", "random", "full"))
        for index, (spatial, k, s, p, size_kind) in enumerate(grid):
            if p > k // 2:
                continue
            dtype = (np.float32, np.float64)[index % 2]
            x = make_input(rng, batch_shape(index, 1 + index % 2, spatial), dtype)
            if x.shape[0] == 0:
                x = make_input(rng, (1, *x.shape[1:]), dtype)
            pooled, _ = run_torch(f"max_pool{ndim}d", x, k, s, p, return_indices=True)
            if pooled is None:
                continue
            values, indices = pooled
            stride = k if s is None else s
            default = tuple((n - 1) * stride + k - 2 * p for n in values.shape[-ndim:])
            if size_kind == "default":
                output_size = None
            elif size_kind == "input":
                output_size = spatial  # may be out of range: then both must reject
            elif size_kind == "random":
                output_size = tuple(int(rng.integers(d - stride + 1, d + stride)) for d in default)
            else:
                output_size = values.shape[:-ndim] + tuple(spatial)  # the full shape form
            yield f"max_unpool{ndim}d", values, (indices, k, s, p, output_size), {}


CASE_FAMILIES = {
    "max_pool1d": max_pool1d_cases,
    "max_pool2d": max_pool2d_cases,
    "max_pool3d": max_pool3d_cases,
    "avg_pool1d": avg_pool1d_cases,
    "avg_pool2d": avg_pool2d_cases,
    "avg_pool3d": avg_pool3d_cases,
    "lp_pool1d": lp_pool1d_cases,
    "lp_pool2d": lp_pool2d_cases,
    "lp_pool3d": lp_pool3d_cases,
    "adaptive1d": adaptive1d_cases,
    "adaptive2d": adaptive2d_cases,
    "adaptive3d": adaptive3d_cases,
    "fractional2d": fractional2d_cases,
    "fractional3d": fractional3d_cases,
    "max_unpool": max_unpool_cases,
}


@pytest.mark.parametrize("family", sorted(CASE_FAMILIES))
def test_grid_matches_torch(family):
    _run(CASE_FAMILIES[family]())


# --- hypothesis: arbitrary floats, NaN, ±inf, ties, −0.0, ints ----------------------------------


@st.composite
def sliding_call(draw, ndim, *, dilation=True, padding=True):
    """Per-axis (L, k, s, p, d) drawn so the call is mostly valid; returns spatial and params."""
    spatial, ks, ss, ps, ds = [], [], [], [], []
    for _ in range(ndim):
        k = draw(st.integers(1, 4))
        ks.append(k)
        ss.append(draw(st.integers(1, 4)))
        ps.append(draw(st.integers(0, k // 2)) if padding else 0)
        ds.append(draw(st.integers(1, 3)) if dilation else 1)
        spatial.append(draw(st.integers(1, 8)))
    stride = draw(st.sampled_from([None, _per_axis(ss)]))
    return tuple(spatial), _per_axis(ks), stride, _per_axis(ps), _per_axis(ds)


HYPOTHESIS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("ndim", [1, 2, 3])
@HYPOTHESIS
@given(data=st.data())
def test_max_pool_hypothesis(ndim, data):
    spatial, k, s, p, d = data.draw(sliding_call(ndim))
    ri = data.draw(st.booleans())
    dtypes = ("float32", "float64") + (("int8", "uint8", "int16", "int32", "int64") if ndim > 1 or ri else ())
    x = data.draw(pool_input(ndim, spatial, dtypes))
    assert_matches_torch(f"max_pool{ndim}d", x, k, s, p, d, data.draw(st.booleans()), ri)


@pytest.mark.parametrize("ndim", [1, 2, 3])
@HYPOTHESIS
@given(data=st.data())
def test_avg_pool_hypothesis(ndim, data):
    spatial, k, s, p, _ = data.draw(sliding_call(ndim, dilation=False))
    x = data.draw(pool_input(ndim, spatial, ("float32", "float64", "int64"), int_extremes=False))
    kwargs = dict(ceil_mode=data.draw(st.booleans()), count_include_pad=data.draw(st.booleans()))
    if ndim > 1:
        kwargs["divisor_override"] = data.draw(st.sampled_from([None, 1, 2, 7, -1, -3]))
    assert_matches_torch(f"avg_pool{ndim}d", x, k, s, p, **kwargs)


@pytest.mark.parametrize("ndim", [1, 2, 3])
@HYPOTHESIS
@given(data=st.data())
def test_lp_pool_hypothesis(ndim, data):
    spatial, k, s, _, _ = data.draw(sliding_call(ndim, dilation=False, padding=False))
    p = data.draw(st.sampled_from(NORM_TYPES))
    # Odd and negative powers of arbitrary floats cancel catastrophically; only a root of an
    # exactly computed sum compares within ulps. So general floats only for well-conditioned p.
    general = p in (1, 2, 0.5, 1.5, 2.0, INF, -INF)
    dtypes = ("float32", "float64", "int64", "int8", "int16", "int32", "uint8")
    x = data.draw(pool_input(ndim, spatial, dtypes, general=general, int_extremes=False, pow2=p == -1))
    assert_matches_torch(f"lp_pool{ndim}d", x, p, k, s, data.draw(st.booleans()))


@pytest.mark.parametrize("ndim", [1, 2, 3])
@HYPOTHESIS
@given(data=st.data())
def test_adaptive_hypothesis(ndim, data):
    spatial = tuple(data.draw(st.integers(1, 9)) for _ in range(ndim))
    sizes = tuple(data.draw(st.integers(0, 11)) for _ in range(ndim))
    if ndim > 1:
        sizes = tuple(data.draw(st.sampled_from([size, None])) for size in sizes)
    x = data.draw(pool_input(ndim, spatial))
    if data.draw(st.booleans()):
        assert_matches_torch(f"adaptive_max_pool{ndim}d", x, _per_axis(sizes), data.draw(st.booleans()))
    else:
        assert_matches_torch(f"adaptive_avg_pool{ndim}d", x, _per_axis(sizes))


@pytest.mark.parametrize("ndim", [2, 3])
@HYPOTHESIS
@given(data=st.data())
def test_fractional_hypothesis(ndim, data):
    spatial, ks, outs = [], [], []
    for _ in range(ndim):
        length = data.draw(st.integers(1, 9))
        k = data.draw(st.integers(1, length))
        spatial.append(length)
        ks.append(k)
        outs.append(data.draw(st.integers(1, length - k + 1)))
    x = data.draw(pool_input(ndim, spatial))
    lead = x.shape[:2] if x.ndim == ndim + 2 else (1, x.shape[0])
    dtype = x.dtype.type
    below_one = float(np.nextafter(dtype(1), dtype(0)))
    samples = data.draw(
        st.lists(
            st.one_of(st.sampled_from([0.0, 0.5, below_one]), st.floats(0, below_one, width=x.dtype.itemsize * 8)),
            min_size=math.prod(lead) * ndim,
            max_size=math.prod(lead) * ndim,
        )
    )
    samples = np.array(samples, dtype=dtype).reshape(*lead, ndim)
    assert_matches_torch(
        f"fractional_max_pool{ndim}d", x, _per_axis(ks), _per_axis(outs),
        return_indices=data.draw(st.booleans()), _random_samples=samples,
    )  # fmt: skip


@pytest.mark.parametrize("ndim", [1, 2, 3])
@HYPOTHESIS
@given(data=st.data())
def test_max_unpool_round_trip_hypothesis(ndim, data):
    spatial, k, s, p, _ = data.draw(sliding_call(ndim, dilation=False))
    x = data.draw(pool_input(ndim, spatial))
    if x.ndim == ndim + 2 and x.shape[0] == 0:
        x = np.zeros((1, *x.shape[1:]), dtype=x.dtype)
    pooled, error = run_torch(f"max_pool{ndim}d", x, k, s, p, return_indices=True)
    if error is not None:
        return
    values, indices = pooled
    assert_matches_torch(f"max_unpool{ndim}d", values, indices, k, s, p, spatial)
    assert_matches_torch(f"max_unpool{ndim}d", values, indices, k, s, p)


# --- calls torch rejects -----------------------------------------------------------------------


def invalid_sliding_cases():
    """Parameters torch rejects, for max, avg and lp pools of every rank."""
    rng = _rng("invalid")
    bad_params = [
        dict(kernel_size=0),
        dict(kernel_size=-1),
        dict(kernel_size=2, stride=0),
        dict(kernel_size=2, stride=-1),
        dict(kernel_size=2, padding=2),  # padding > k // 2
        dict(kernel_size=3, padding=2),
        dict(kernel_size=1, padding=1),
        dict(kernel_size=2, padding=-1),
        dict(kernel_size=2, dilation=0),  # max only
        dict(kernel_size=2, dilation=-2),
        dict(kernel_size=3, padding=2, dilation=3),  # padding ≤ k // 2 whatever the dilation
        dict(kernel_size=9),  # output too small
        dict(kernel_size=3, dilation=4),  # output too small through dilation
        dict(kernel_size=2.0),
        dict(kernel_size=True),
        dict(kernel_size=2, stride=1.5),
        dict(kernel_size=2, padding=0.0),
        dict(kernel_size=2, ceil_mode=1),
        dict(kernel_size=2, ceil_mode=None),
        dict(kernel_size=2, ceil_mode="yes"),
        dict(kernel_size=2, ceil_mode=np.True_),
        dict(kernel_size=2, count_include_pad=0),  # avg only
        dict(kernel_size=2, divisor_override=0),  # avg 2-D/3-D only
        dict(kernel_size=2, divisor_override=1.5),
        dict(kernel_size=(2, 2, 2, 2)),  # wrong tuple length (any rank)
        dict(kernel_size="2"),
        dict(kernel_size=None),
    ]
    for ndim in (1, 2, 3):
        spatial = (4,) * ndim
        for params in bad_params:
            for family in ("max_pool", "avg_pool", "lp_pool"):
                params = dict(params)
                if family != "max_pool" and ("dilation" in params or "return_indices" in params):
                    continue
                if family != "avg_pool" and ("count_include_pad" in params or "divisor_override" in params):
                    continue
                if family == "lp_pool" and "padding" in params:
                    continue
                if "divisor_override" in params and ndim == 1:
                    continue
                x = make_input(rng, (1, 2, *spatial), np.float32, specials=False)
                if family == "lp_pool":
                    kernel = params.pop("kernel_size")
                    yield f"lp_pool{ndim}d", x, (2, kernel), params
                else:
                    yield f"{family}{ndim}d", x, (), params
        # wrong tuple lengths for 2-D/3-D
        if ndim > 1:
            for family in ("max_pool", "avg_pool"):
                x = make_input(rng, (1, 2, *spatial), np.float32, specials=False)
                yield f"{family}{ndim}d", x, ((2,) * (ndim + 1),), {}
                yield f"{family}{ndim}d", x, (2,), dict(stride=(1,) * (ndim - 1) if ndim > 2 else (1, 1, 1))
                yield f"{family}{ndim}d", x, (2,), dict(padding=(0,) * (ndim + 1))
        # wrong input rank and empty non-batch dims
        for family in ("max_pool", "avg_pool", "adaptive_max_pool", "adaptive_avg_pool"):
            name = f"{family}{ndim}d"
            for shape in ((4,) * ndim, (1, 1, 1, *spatial), (0, *spatial), (1, 0, *spatial), (1, 2, *spatial[:-1], 0)):
                x = np.zeros(shape, dtype=np.float32)
                yield name, x, (1,), {}
        # batch size 0 with a zero-size spatial dim, and the input given as a list
        yield f"max_pool{ndim}d", [[0.0] * 4] * 2, (2,), {}


def invalid_other_cases():
    rng = _rng("invalid other")
    x2 = make_input(rng, (1, 2, 5, 5), np.float32, specials=False)
    x3 = make_input(rng, (1, 2, 4, 4, 4), np.float32, specials=False)
    # lp: zero norm, kernel forms torch cannot use
    for ndim, x in ((1, x2[0]), (2, x2), (3, x3)):
        yield f"lp_pool{ndim}d", x, (0, 2), {}
        yield f"lp_pool{ndim}d", x, (2, 2, 0), {}
    yield "lp_pool1d", x2[0], (2, (2,)), {}  # 1-D: torch multiplies by kernel_size itself
    yield "lp_pool2d", x2, (2, (2,)), {}  # torch unpacks exactly two sizes
    yield "lp_pool3d", x3, (3, (2,)), {}
    yield "lp_pool2d", x2.astype(np.int64), (-1, 2), {}  # integers to negative powers
    # adaptive: negative sizes, wrong lengths, floats
    for ndim, x in ((1, x2[0]), (2, x2), (3, x3)):
        yield f"adaptive_max_pool{ndim}d", x, (-1,), {}
        yield f"adaptive_avg_pool{ndim}d", x, (-1,), {}
        yield f"adaptive_avg_pool{ndim}d", x, ((2,) * (ndim + 1),), {}
        yield f"adaptive_max_pool{ndim}d", x, ((2,) * (ndim + 1),), {}
    yield "adaptive_avg_pool1d", x2[0], (None,), {}
    yield "adaptive_max_pool1d", x2[0], (None,), {}
    yield "adaptive_avg_pool2d", x2, (2.0,), {}
    yield "adaptive_max_pool2d", x2, ((2, 1.5),), {}
    # fractional: output too large for the kernel, zero kernel/output, bad samples
    s2 = np.full((1, 2, 2), 0.5, np.float32)
    s3 = np.full((1, 2, 3), 0.5, np.float32)
    yield "fractional_max_pool2d", x2, (3,), dict(output_size=4, _random_samples=s2)
    yield "fractional_max_pool2d", x2, (6,), dict(output_size=1, _random_samples=s2)
    yield "fractional_max_pool2d", x2, (2,), dict(output_size=-1, _random_samples=s2)
    yield "fractional_max_pool2d", x2, (2,), dict(_random_samples=s2)  # neither size nor ratio
    yield "fractional_max_pool2d", x2, (2,), dict(output_size=2, _random_samples=s2.astype(np.float64))
    yield "fractional_max_pool2d", x2, (2,), dict(output_size=2, _random_samples=np.full((1, 2, 3), 0.5, np.float32))
    yield "fractional_max_pool2d", x2, (2,), dict(output_size=2, _random_samples=np.full((1, 3, 2), 0.5, np.float32))
    yield "fractional_max_pool3d", x3, (2,), dict(output_size=4, _random_samples=s3)
    yield "fractional_max_pool3d", x3, (5,), dict(output_size=1, _random_samples=s3)
    yield "fractional_max_pool3d", x3, (2,), dict(output_size=2, _random_samples=s2)
    yield "fractional_max_pool3d", x3, (2,), dict(_random_samples=s3)
    yield "fractional_max_pool2d", x2.astype(np.int64), (2,), dict(output_size=2)
    # max_unpool: indices out of the plane, sizes out of range, wrong index dtype/shape
    values, indices = run_torch("max_pool2d", x2, 2, return_indices=True)[0]
    yield "max_unpool2d", values, (indices + 100, 2), {}
    yield "max_unpool2d", values, (indices - 100, 2), {}
    yield "max_unpool2d", values, (indices, 2), dict(output_size=(2, 2))
    yield "max_unpool2d", values, (indices, 2), dict(output_size=(6, 4))
    yield "max_unpool2d", values, (indices, 2), dict(output_size=(4, 4, 4))
    yield "max_unpool2d", values, (indices.astype(np.int32), 2), {}
    yield "max_unpool2d", values, (indices[..., :1], 2), {}
    values1, indices1 = run_torch("max_pool1d", x2[0], 2, return_indices=True)[0]
    yield "max_unpool1d", values1, (indices1, 2), dict(output_size=(7,))
    yield "max_unpool1d", values1, (indices1 + 4, 2), {}
    # an odd-sized 2-D input unpooled without output_size: the max at (3, 3) of a 5x5 plane
    # has index 18, outside the 4x4 default plane
    odd = np.zeros((1, 5, 5), dtype=np.float32)
    odd[0, 3, 3] = 9
    v, i = run_torch("max_pool2d", odd, 2, return_indices=True)[0]
    yield "max_unpool2d", v, (i, 2), {}
    values3, indices3 = run_torch("max_pool3d", x3, 2, return_indices=True)[0]
    yield "max_unpool3d", values3, (indices3 + 64, 2), {}
    yield "max_unpool3d", values3, (indices3, 2), dict(output_size=(1, 4, 4))


def test_invalid_calls_are_rejected_by_both():
    count = 0
    for name, x, args, kwargs in itertools.chain(invalid_sliding_cases(), invalid_other_cases()):
        assert_matches_torch(name, x, *args, **kwargs)
        count += 1
    assert count > 300


@pytest.mark.parametrize("flag", [1, 0, None, "yes", "", np.True_, 2.5, [1]])
def test_return_indices_is_dispatched_on_truthiness_like_torch(flag):
    """torch picks the with-indices function by ``if return_indices:``, so any value works;
    ceil_mode and count_include_pad, passed to C++, must be real bools (see the invalid sweep)."""
    x = make_input(_rng("flags"), (1, 2, 4, 4), np.float32)
    assert_matches_torch("max_pool1d", x[0], 2, return_indices=flag)
    assert_matches_torch("max_pool2d", x, 2, return_indices=flag)
    assert_matches_torch("adaptive_max_pool2d", x, 3, return_indices=flag)
    samples = np.full((1, 2, 2), 0.5, dtype=np.float32)
    assert_matches_torch("fractional_max_pool2d", x, 2, 2, None, flag, samples)


def test_known_invalid_calls_really_are_invalid():
    """The invalid sweep is not vacuous: each of these calls is rejected by torch and by us."""
    for name, x, args, kwargs in invalid_other_cases():
        assert_both_reject(name, x, *args, **kwargs)


# --- dtype acceptance table ------------------------------------------------------------------


def _dtype_table_calls(ndim):
    max_ = f"max_pool{ndim}d"
    yield max_, (2,), {}
    yield max_, (2,), dict(return_indices=True)
    yield f"avg_pool{ndim}d", (2,), {}
    for p in (1, 2, 1.5, 2.0, INF, -INF):
        yield f"lp_pool{ndim}d", (p, 2), {}
    yield f"adaptive_max_pool{ndim}d", (2,), {}
    yield f"adaptive_max_pool{ndim}d", (2,), dict(return_indices=True)
    yield f"adaptive_avg_pool{ndim}d", (2,), {}
    if ndim > 1:
        yield f"fractional_max_pool{ndim}d", (2,), dict(output_size=2)
        yield f"max_unpool{ndim}d", "unpool", {}
    else:
        yield "max_unpool1d", "unpool", {}


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_dtype_acceptance_table(ndim, dtype):
    """For each function × dtype we accept exactly when torch accepts, and then agree."""
    rng = _rng("dtype", ndim, np.dtype(dtype).name)
    x = make_input(rng, (2, 2, *(4,) * ndim), dtype, low=-3, high=3)
    for name, args, kwargs in _dtype_table_calls(ndim):
        if args == "unpool":
            values, indices = run_torch(f"max_pool{ndim}d", x, 2, return_indices=True)[0]
            assert_matches_torch(name, values, indices, 2)
            continue
        if name.startswith("fractional"):
            kwargs = dict(kwargs, _random_samples=np.full((2, 2, ndim), 0.5).astype(dtype))
        ours, our_error = run_ours(name, x, *args, **kwargs)
        _, torch_error = run_torch(name, x, *args, **kwargs)
        assert (our_error is None) == (torch_error is None), (
            f"{name}{args}{kwargs} on {np.dtype(dtype).name}: ours "
            f"{'rejects: ' + str(our_error) if our_error else 'accepts'}, torch "
            f"{'rejects: ' + str(torch_error).splitlines()[0] if torch_error else 'accepts'}"
        )
        if our_error is not None:
            assert isinstance(our_error, TypeError), f"a dtype refusal is a TypeError: {our_error!r}"
        assert_matches_torch(name, x, *args, **kwargs)


def test_dtype_table_matches_documented_acceptance():
    """The table above is not vacuous: the documented facts hold in torch and in ours."""
    x = np.zeros((1, 1, 4, 4), dtype=np.int8)
    assert run_torch("max_pool2d", x, 2)[1] is None and run_ours("max_pool2d", x, 2)[1] is None
    assert run_torch("max_pool1d", x[0], 2)[1] is not None and run_ours("max_pool1d", x[0], 2)[1] is not None
    assert run_torch("max_pool1d", x[0], 2, return_indices=True)[1] is None
    assert run_ours("max_pool1d", x[0], 2, return_indices=True)[1] is None
    x64 = x.astype(np.int64)
    for name in ("avg_pool2d", "lp_pool2d"):
        args = (2,) if name == "avg_pool2d" else (2, 2)
        assert run_torch(name, x64, *args)[1] is None and run_ours(name, x64, *args)[1] is None
        assert run_torch(name, x, *args)[1] is not None and run_ours(name, x, *args)[1] is not None


def test_sweep_size_and_coverage():
    """The grids reach all 20 public functions and hold thousands of cases (none silently empty)."""
    from pooling_core import functional

    seen, total = set(), 0
    for make_cases in CASE_FAMILIES.values():
        for name, *_ in make_cases():
            seen.add(name)
            total += 1
    assert seen == set(functional.__all__)
    total += sum(1 for _ in itertools.chain(invalid_sliding_cases(), invalid_other_cases()))
    assert total >= 20_000, total
