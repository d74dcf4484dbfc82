"""Generated gradient sweeps: every ``pooling_core.grad`` function against ``torch.autograd``.

Each case goes through :func:`tests.core.grad_oracle.assert_grad_matches_torch`: torch's
``input.grad`` after ``F(input).backward(grad_output)`` against ours, batched and unbatched (and
batch 0), on inputs full of ties (small integers) and specials (NaN, ±inf, −0.0), with
overlapping windows, dilation, padding, ceil mode, ``count_include_pad=False``,
``divisor_override`` (negative too), adaptive bins that overlap or repeat, fractional windows
from given samples, and unpooling to a given ``output_size``. Upstream gradients rotate
between integer values (max-type results must then be bit for bit torch's), arbitrary floats
(a few ulp), other dtypes (cast, as torch's autograd does) and NaN/inf.

Calls torch rejects must be rejected by ours too. The one call torch gets wrong, a max window
that reads no input cell at all (torch writes its gradient outside the plane), is not sent to
torch; ``test_grad.py`` checks ours on it.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pooling_core import PoolCall, _args, grad
from tests.core.grad_oracle import assert_grad_matches_torch, run_torch
from tests.core.inputs import POWERS_OF_TWO, batch_shape, make_input, pool_input
from tests.core.test_parity_sweep import (
    NORM_TYPES,
    _per_axis,
    _rng,
    _samples,
    invalid_other_cases,
    invalid_sliding_cases,
    sliding_call,
)

FLOAT = (np.float32, np.float64)


def upstream(rng, shape, dtype, index):
    """A grad_output for case ``index``: integers, floats, another dtype, or specials, in turn."""
    kind = index % 5
    if kind in (0, 2):  # integer-valued: max-type gradients must be exact
        g = rng.integers(-3, 4, size=shape).astype(dtype)
        if g.size and kind == 2:
            g.ravel()[rng.random(g.size) < 0.2] = -0.0  # a lone -0.0 must arrive as torch's +0.0
        return g
    if kind == 1:
        return rng.standard_normal(shape).astype(dtype)
    if kind == 3:  # another dtype: cast to the input's, as torch's autograd casts
        return rng.integers(-2, 3, size=shape).astype((np.float64, np.int64, np.float32)[index % 3])
    g = rng.standard_normal(shape).astype(dtype)
    if g.size:
        mask = rng.random(g.size) < 0.15
        g.ravel()[mask] = rng.choice([np.nan, np.inf, -np.inf], size=int(mask.sum()))
    return g


def output_shape(x, function, arguments):
    """The forward's output shape, from the call's geometry (None if the call is invalid)."""
    call = PoolCall(function, arguments)
    try:
        if call.kind == "fractional_max":  # (its windows differ per plane; its size does not)
            get = call.argument
            sizes = _args.fractional_output_size(function, call.ndim, x.shape[-call.ndim :], get("kernel_size"),
                                                 get("output_size"), get("output_ratio"))[1]  # fmt: skip
            return x.shape[: x.ndim - call.ndim] + sizes
        windows = call.windows(x.shape)
    except (ValueError, TypeError):
        return None
    return x.shape[: x.ndim - len(windows.axes)] + windows.output_shape


def reads_nothing(x, function, arguments) -> bool:
    """A max window whose taps all miss the input (torch writes its gradient out of bounds)."""
    try:
        windows = PoolCall(function, arguments).windows(x.shape)
    except (ValueError, TypeError):
        return False
    real = windows.in_bounds().reshape(math.prod(windows.output_shape), -1)
    return bool(real.size) and not real.any(axis=1).all()


def _case(rng, index, function, x, arguments, args=None):
    """``(name, x, g, args, kwargs)``; g of the forward's output shape (or a dummy if invalid)."""
    shape = output_shape(x, function, arguments)
    g = upstream(rng, shape if shape is not None else (1,), x.dtype if x.dtype.kind == "f" else np.float32, index)
    if args is None:
        return function, x, g, (), dict(arguments)
    return function, x, g, args, {}


# --- max_pool ------------------------------------------------------------------------------------


def max_pool_cases(ndim):
    rng = _rng("grad max", ndim)
    spatial_sets = {1: [(n,) for n in range(1, 8)], 2: [(5, 6), (4, 4), (7, 3), (1, 5)], 3: [(3, 4, 5), (4, 3, 2)]}
    kernels = {1: (1, 2, 3, 4), 2: (1, 2, 3, (1, 2), (2, 3), (3, 1)), 3: (1, 2, (1, 2, 3), (3,))}
    strides = {1: (None, 1, 2, 3), 2: (None, 1, 2, (1, 2), (2, 3)), 3: (None, 1, 2, (1, 2, 1))}
    paddings = {1: (0, 1, 2), 2: (0, 1, (0, 1), (1, 0)), 3: (0, 1, (0, 1, 0))}
    dilations = {1: (1, 2, 3), 2: (1, 2, (1, 3)), 3: (1, (2, 1, 1))}
    grid = itertools.product(spatial_sets[ndim], kernels[ndim], strides[ndim], paddings[ndim], dilations[ndim],
                             (False, True))  # fmt: skip
    for index, (spatial, k, s, p, d, ceil) in enumerate(grid):
        if ndim == 1 and p > k // 2:
            continue
        x = make_input(rng, batch_shape(index, 1 + index % 2, spatial), FLOAT[index % 2])
        arguments = dict(kernel_size=k, stride=s, padding=p, dilation=d, ceil_mode=ceil, return_indices=index % 3 == 0)
        if reads_nothing(x, f"max_pool{ndim}d", arguments):
            continue
        yield _case(rng, index, f"max_pool{ndim}d", x, arguments)


# --- avg_pool ------------------------------------------------------------------------------------


def avg_pool_cases(ndim):
    rng = _rng("grad avg", ndim)
    spatial_sets = {1: [(n,) for n in range(1, 8)], 2: [(5, 6), (4, 4), (1, 5)], 3: [(3, 4, 5), (2, 3, 2)]}
    kernels = {1: (1, 2, 3, 4), 2: (1, 2, 3, (1, 2), (2, 3), (3, 1)), 3: (1, 2, (1, 2, 3), (2, 1, 2))}
    strides = {1: (None, 1, 2, 3), 2: (None, 1, 2, (1, 2), (2, 3)), 3: (None, 1, (2, 1, 2))}
    paddings = {1: (0, 1, 2), 2: (0, 1, (0, 1), (1, 0)), 3: (0, 1, (0, 1, 1))}
    divisors = {1: (None,), 2: (None, 1, 3, -2), 3: (None, 5, -3)}
    grid = itertools.product(spatial_sets[ndim], kernels[ndim], strides[ndim], paddings[ndim], (False, True),
                             (False, True), divisors[ndim])  # fmt: skip
    for index, (spatial, k, s, p, ceil, cip, div) in enumerate(grid):
        if ndim == 1 and p > k // 2:
            continue
        x = make_input(rng, batch_shape(index, 1 + index % 2, spatial), FLOAT[index % 2], low=-9, high=9)
        arguments = dict(kernel_size=k, stride=s, padding=p, ceil_mode=ceil, count_include_pad=cip)
        if ndim > 1:
            arguments["divisor_override"] = div
        yield _case(rng, index, f"avg_pool{ndim}d", x, arguments)


# --- lp_pool -------------------------------------------------------------------------------------


def lp_pool_cases(ndim):
    rng = _rng("grad lp", ndim)
    spatial_sets = {1: [(n,) for n in range(1, 8)], 2: [(5, 6), (3, 4), (2, 7)], 3: [(3, 4, 5), (2, 3, 2)]}
    kernels = {1: (1, 2, 3, 4), 2: (1, 2, 3, (1, 2), (3, 2)), 3: (1, 2, (1, 2, 3), (2, 1, 2))}
    strides = {1: (None, 1, 2, 3), 2: (None, 1, 2, (1, 2)), 3: (None, 1, (2, 1, 2))}
    grid = itertools.product(spatial_sets[ndim], kernels[ndim], strides[ndim], (False, True), NORM_TYPES)
    for index, (spatial, k, s, ceil, p) in enumerate(grid):
        # small integers (and for p = -1 powers of two): powers and sums are exact, zeros happen
        x = make_input(rng, batch_shape(index, 1 + index % 2, spatial), FLOAT[index % 2], low=-4, high=4,
                       values=POWERS_OF_TWO if p == -1 else None)  # fmt: skip
        arguments = dict(norm_type=p, kernel_size=k, stride=s, ceil_mode=ceil)
        yield _case(rng, index, f"lp_pool{ndim}d", x, arguments, args=(p, k, s, ceil))


# --- adaptive pools ------------------------------------------------------------------------------

ADAPTIVE_SIZES = {
    1: tuple(range(0, 12)),
    2: (1, 2, 3, 5, 7, (2, 3), (None, 2), (3, None), (0, 2), (7, 1), (1, 9), (3,)),
    3: (1, 2, 3, (2, 3, 4), (None, 2, None), (1, None, 3), (0, 1, 1), (5, 1, 2)),
}
ADAPTIVE_SPATIAL = {
    1: [(n,) for n in range(1, 10)],
    2: [(5, 6), (4, 4), (7, 3), (1, 5), (3, 10)],
    3: [(3, 4, 5), (5, 3, 1)],
}


def adaptive_cases(ndim):
    rng = _rng("grad adaptive", ndim)
    grid = itertools.product(ADAPTIVE_SPATIAL[ndim], ADAPTIVE_SIZES[ndim], ("max", "avg"), FLOAT)
    for index, (spatial, size, kind, dtype) in enumerate(grid):
        x = make_input(rng, batch_shape(index, 1 + index % 2, spatial), dtype, specials=kind == "max" or index % 3 == 0)
        arguments = dict(output_size=size)
        if kind == "max":
            arguments["return_indices"] = index % 2 == 0
        yield _case(rng, index, f"adaptive_{kind}_pool{ndim}d", x, arguments)


# --- fractional max pool -------------------------------------------------------------------------


def fractional_cases(ndim):
    rng = _rng("grad fractional", ndim)
    spatial_sets = {2: [(5, 6), (7, 7), (4, 9), (3, 3)], 3: [(4, 5, 6), (3, 3, 3), (6, 2, 4)]}
    kernels = {2: (1, 2, 3, (2, 3)), 3: (1, 2, (2, 1, 3))}
    sizes = {2: (1, 2, 3, 4, (2, 5), None), 3: (1, 2, (2, 1, 3), None)}
    grid = itertools.product(spatial_sets[ndim], kernels[ndim], sizes[ndim], FLOAT)
    for index, (spatial, k, size, dtype) in enumerate(grid):
        shape = batch_shape(index, 1 + index % 2, spatial)
        x = make_input(rng, shape, dtype)
        lead = (1, shape[0]) if len(shape) == ndim + 1 else shape[:2]
        samples = _samples(rng, lead[0], lead[1], ndim, dtype)
        arguments = dict(kernel_size=k, _random_samples=samples, return_indices=index % 2 == 0)
        ratio = (0.5, 0.75) if ndim == 2 else 0.5
        arguments.update(dict(output_ratio=ratio) if size is None else dict(output_size=size))
        yield _case(rng, index, f"fractional_max_pool{ndim}d", x, arguments)


# --- max_unpool ----------------------------------------------------------------------------------


def max_unpool_cases():
    """torch's max_pool indices unpooled, with and without output_size; the gradient wrt the values."""
    rng = _rng("grad unpool")
    spatial_by_ndim = {1: ((5,), (8,), (3,)), 2: ((4, 5), (6, 6), (3, 2)), 3: ((4, 4, 3), (3, 5, 2))}
    for ndim, spatials in spatial_by_ndim.items():
        grid = itertools.product(spatials, (1, 2, 3), (None, 1, 2), (0, 1), ("default", "input", "random", "full"))
        for index, (spatial, k, s, p, size_kind) in enumerate(grid):
            if p > k // 2:
                continue
            dtype = FLOAT[index % 2]
            x = make_input(rng, batch_shape(index, 1 + index % 2, spatial), dtype)
            pooled, _ = _torch_pool(ndim, x, k, s, p)
            if pooled is None:
                continue
            values, indices = pooled
            stride = k if s is None else s
            default = tuple((n - 1) * stride + k - 2 * p for n in values.shape[-ndim:])
            if size_kind == "default":
                size = None
            elif size_kind == "input":
                size = spatial  # may be out of range: then both must reject
            elif size_kind == "random":
                size = tuple(int(rng.integers(d - stride + 1, d + stride)) for d in default)
            else:
                size = values.shape[:-ndim] + tuple(spatial)
            unpooled = values.shape[:-ndim] + (default if size is None else tuple(size)[-ndim:])
            g = upstream(rng, unpooled if min(unpooled) >= 0 else (1,), dtype, index)
            yield f"max_unpool{ndim}d", values, g, (indices, k, s, p, size), {}


def _torch_pool(ndim, x, k, s, p):
    from tests.core.helpers import run_torch as run_forward  # noqa: PLC0415

    return run_forward(f"max_pool{ndim}d", x, k, s, p, return_indices=True)


# --- calls torch rejects ---------------------------------------------------------------------------


def invalid_cases():
    """The forward sweep's invalid calls (their gradients are invalid too), and the gradient's own."""
    rng = _rng("grad invalid")
    for name, x, args, kwargs in itertools.chain(invalid_sliding_cases(), invalid_other_cases()):
        yield name, x, np.zeros(1, dtype=np.float32), args, kwargs
    x = make_input(rng, (2, 3, 6), np.float32, specials=False)
    good = np.zeros((2, 3, 3), dtype=np.float32)
    for name, args in (("max_pool1d", (2,)), ("avg_pool1d", (2,)), ("lp_pool1d", (2, 2)), ("adaptive_max_pool1d", (3,)),
                       ("adaptive_avg_pool1d", (3,))):  # fmt: skip
        yield name, x.astype(np.int64), good, args, {}  # integer inputs have no gradient
        yield name, x, good[:, :, :2], args, {}  # grad_output of another shape
        yield name, x, good[0], args, {}  # unbatched grad_output for a batched input
        yield name, x, good[..., None], args, {}


CASE_FAMILIES = {
    **{f"max_pool{n}d": (lambda n=n: max_pool_cases(n)) for n in (1, 2, 3)},
    **{f"avg_pool{n}d": (lambda n=n: avg_pool_cases(n)) for n in (1, 2, 3)},
    **{f"lp_pool{n}d": (lambda n=n: lp_pool_cases(n)) for n in (1, 2, 3)},
    **{f"adaptive{n}d": (lambda n=n: adaptive_cases(n)) for n in (1, 2, 3)},
    **{f"fractional{n}d": (lambda n=n: fractional_cases(n)) for n in (2, 3)},
    "max_unpool": max_unpool_cases,
    "invalid": invalid_cases,
}


@pytest.mark.parametrize("family", sorted(CASE_FAMILIES))
def test_gradient_grid_matches_torch(family):
    count = 0
    for name, x, g, args, kwargs in CASE_FAMILIES[family]():
        assert_grad_matches_torch(name, x, g, *args, **kwargs)
        count += 1
    assert count > 0


@pytest.mark.parametrize("family", sorted(set(CASE_FAMILIES) - {"invalid"}))
def test_gradient_grid_split_in_two_matches_torch(family, monkeypatch):
    """Every fourth case again, with the fast paths forced to split the work in two halves on two
    threads (by planes, or by rows with the windows that cross the middle in both)."""
    from pooling_core import _grad_kernels  # noqa: PLC0415

    monkeypatch.setattr(_grad_kernels, "PARALLEL_MIN_OUTPUTS", 1)
    for name, x, g, args, kwargs in itertools.islice(CASE_FAMILIES[family](), 0, None, 4):
        assert_grad_matches_torch(name, x, g, *args, **kwargs)


def test_invalid_gradient_calls_are_really_invalid():
    """The gradient's own invalid calls are rejected by torch and by ours (not vacuous)."""
    cases = [case for case in invalid_cases() if getattr(case[1], "shape", None) == (2, 3, 6)]
    assert len(cases) == 20
    for name, x, g, args, kwargs in cases:
        assert run_torch(name, x, g, *args, **kwargs)[1] is not None, (name, x.dtype, g.shape)


def test_sweep_size_and_coverage():
    """Every gradient function is reached, by thousands of cases."""
    seen, total = set(), 0
    for make_cases in CASE_FAMILIES.values():
        for name, *_ in make_cases():
            seen.add(f"{name}_input")
            total += 1
    assert seen >= set(grad.__all__)
    assert total >= 10_000, total


# --- hypothesis: arbitrary floats, NaN, ±inf, ties, −0.0, arbitrary upstream gradients -----------------

HYPOTHESIS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def drawn_upstream(data, shape, dtype):
    """Integers (max-type: exact) or floats of the dtype's width, up to 2^60 in magnitude: a sum of
    many gradients near the overflow threshold is finite in one order and inf in another."""
    width = 32 if np.dtype(dtype) == np.float32 else 64
    bounded = st.floats(-(2.0**60), 2.0**60, width=width, allow_nan=False, allow_infinity=False)
    elements = data.draw(st.sampled_from([st.integers(-4, 4).map(float), bounded]))
    values = data.draw(st.lists(elements, min_size=math.prod(shape), max_size=math.prod(shape)))
    return np.array(values, dtype=dtype).reshape(shape)


@pytest.mark.parametrize("ndim", [1, 2, 3])
@HYPOTHESIS
@given(data=st.data())
def test_max_pool_gradient_hypothesis(ndim, data):
    spatial, k, s, p, d = data.draw(sliding_call(ndim))
    x = data.draw(pool_input(ndim, spatial))
    arguments = dict(kernel_size=k, stride=s, padding=p, dilation=d, ceil_mode=data.draw(st.booleans()))
    shape = output_shape(x, f"max_pool{ndim}d", arguments)
    if shape is None or reads_nothing(x, f"max_pool{ndim}d", arguments):
        return
    assert_grad_matches_torch(f"max_pool{ndim}d", x, drawn_upstream(data, shape, x.dtype), **arguments)


@pytest.mark.parametrize("ndim", [1, 2, 3])
@HYPOTHESIS
@given(data=st.data())
def test_avg_pool_gradient_hypothesis(ndim, data):
    spatial, k, s, p, _ = data.draw(sliding_call(ndim, dilation=False))
    x = data.draw(pool_input(ndim, spatial))
    arguments = dict(kernel_size=k, stride=s, padding=p, ceil_mode=data.draw(st.booleans()),
                     count_include_pad=data.draw(st.booleans()))  # fmt: skip
    if ndim > 1:
        arguments["divisor_override"] = data.draw(st.sampled_from([None, 1, 2, 7, -1, -3]))
    shape = output_shape(x, f"avg_pool{ndim}d", arguments)
    if shape is None:
        return
    assert_grad_matches_torch(f"avg_pool{ndim}d", x, drawn_upstream(data, shape, x.dtype), **arguments)


@pytest.mark.parametrize("ndim", [1, 2, 3])
@HYPOTHESIS
@given(data=st.data())
def test_adaptive_gradient_hypothesis(ndim, data):
    spatial = tuple(data.draw(st.integers(1, 9)) for _ in range(ndim))
    sizes = tuple(data.draw(st.integers(0, 11)) for _ in range(ndim))
    kind = data.draw(st.sampled_from(["max", "avg"]))
    x = data.draw(pool_input(ndim, spatial))
    arguments = dict(output_size=_per_axis(sizes))
    shape = output_shape(x, f"adaptive_{kind}_pool{ndim}d", arguments)
    if shape is None:
        return
    assert_grad_matches_torch(f"adaptive_{kind}_pool{ndim}d", x, drawn_upstream(data, shape, x.dtype), **arguments)


@pytest.mark.parametrize("ndim", [2, 3])
@HYPOTHESIS
@given(data=st.data())
def test_fractional_gradient_hypothesis(ndim, data):
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
        st.lists(st.floats(0, below_one, width=x.dtype.itemsize * 8), min_size=math.prod(lead) * ndim,
                 max_size=math.prod(lead) * ndim)
    )  # fmt: skip
    arguments = dict(kernel_size=_per_axis(ks), output_size=_per_axis(outs),
                     _random_samples=np.array(samples, dtype=dtype).reshape(*lead, ndim))  # fmt: skip
    shape = x.shape[: x.ndim - ndim] + tuple(outs)
    assert_grad_matches_torch(f"fractional_max_pool{ndim}d", x, drawn_upstream(data, shape, x.dtype), **arguments)
