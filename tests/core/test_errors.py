# ruff: noqa: E501  (the rule tables read best one call and its message per line)
"""Every rule's error: the exception type, and a plain-words message naming parameter and value.

Also a fuzz test: junk arguments must only ever raise ValueError or TypeError, never an
AssertionError, IndexError, ZeroDivisionError, ... from inside pooling_core.
"""

from __future__ import annotations

import inspect
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pooling_core as pc
from pooling_core import functional
from tests.core.helpers import run_torch

X1 = np.ones((1, 1, 5), dtype=np.float32)
X2 = np.ones((1, 1, 5, 5), dtype=np.float32)
X3 = np.ones((1, 1, 4, 4, 4), dtype=np.float32)


def call(name, *args, expect, **kwargs):
    """One rule case: ``pooling_core.<name>(*args, **kwargs)`` must fail with ``expect`` in its message."""
    return name, args, kwargs, expect


def _ids(rules):
    return [f"{name}-{i}" for i, (name, *_) in enumerate(rules)]


# --- sliding-window rules -------------------------------------------------------------------------

VALUE_RULES = [
    # (call, expected message fragment)
    call("max_pool1d", X1, 2, padding=2, expect="max_pool1d() padding should be at most half of kernel_size, but got padding=2 and kernel_size=2"),
    call("avg_pool1d", X1, 2, padding=2, expect="avg_pool1d() padding should be at most half of kernel_size, but got padding=2 and kernel_size=2"),
    call("max_pool2d", X2, (2, 3), padding=(2, 1), expect="padding should be at most half of kernel_size, but got padding=(2, 1) and kernel_size=(2, 3)"),
    call("max_pool1d", X1, 3, padding=2, dilation=3, expect="padding should be at most half of kernel_size, but got padding=2 and kernel_size=3"),
    call("max_pool1d", X1, 2, stride=0, expect="max_pool1d() stride must be greater than zero, but got stride=0"),
    call("avg_pool2d", X2, 2, stride=(1, -1), expect="avg_pool2d() stride must be greater than zero, but got stride=(1, -1)"),
    call("max_pool1d", X1, 2, dilation=0, expect="max_pool1d() dilation must be greater than zero, but got dilation=0"),
    call("max_pool3d", X3, 2, dilation=(1, 0, 1), expect="dilation must be greater than zero, but got dilation=(1, 0, 1)"),
    call("max_pool1d", X1, 0, expect="max_pool1d() kernel_size must be greater than zero, but got kernel_size=0"),
    call("lp_pool2d", X2, 2, (2, -1), expect="kernel_size must be greater than zero, but got kernel_size=(2, -1)"),
    call("max_pool1d", X1, 2, padding=-1, expect="max_pool1d() padding must be non-negative, but got padding=-1"),
    call("max_pool1d", X1, 6, expect="max_pool1d() output size is too small: input size 5 gives output size 0"),
    call("max_pool2d", X2, 3, dilation=(1, 3), expect="output size is too small: input size (5, 5) gives output size (1, 0)"),
    call("avg_pool2d", X2, 2, divisor_override=0, expect="avg_pool2d() divisor_override must be non-zero"),
    call("avg_pool3d", np.ones((1, 1, 2, 4, 4), dtype=np.float32), 3, padding=1, expect="avg_pool3d() input is smaller than kernel_size"),
    call("max_pool2d", X2, (2, 2, 2), expect="max_pool2d() kernel_size must be a single int or a tuple of 2 ints, but got 3 values: (2, 2, 2)"),
    call("avg_pool3d", X3, 2, stride=(1, 1), expect="avg_pool3d() stride must be a single int or a tuple of 3 ints, but got 2 values"),
    call("max_pool1d", np.ones(5, dtype=np.float32), 2, expect="max_pool1d() expected a 2-D input (C, L_in) or a 3-D batched input (N, C, L_in), but got an input of shape (5,)"),
    call("avg_pool2d", np.ones((1, 1, 1, 4, 4), dtype=np.float32), 2, expect="but got an input of shape (1, 1, 1, 4, 4)"),
    call("max_pool1d", np.ones((1, 0, 5), dtype=np.float32), 2, expect="max_pool1d() expected non-empty channel and spatial dimensions (only the batch size may be 0), but got an input of shape (1, 0, 5)"),
    call("max_pool2d", np.ones((2, 5, 0), dtype=np.float32), 2, expect="but got an input of shape (2, 5, 0)"),
    call("lp_pool1d", X1, 0, 2, expect="lp_pool1d() norm_type must be non-zero"),
    call("lp_pool1d", X1.astype(np.int64), -2, 2, expect="lp_pool1d() cannot raise integers to the negative power norm_type=-2"),
    call("lp_pool2d", X2, 2, (2,), expect="lp_pool2d() kernel_size must be an int or a tuple of 2 ints, but got 1 values: (2,)"),
    # adaptive
    call("adaptive_max_pool2d", X2, (-1, 2), expect="adaptive_max_pool2d() output_size must be ≥ 0 in every dim, but got output_size=(-1, 2)"),
    call("adaptive_avg_pool3d", X3, (2,), expect="adaptive_avg_pool3d() output_size must be an int or a tuple of 3 sizes, but got 1 values: (2,)"),
    # fractional
    call("fractional_max_pool2d", X2, 3, output_size=4, expect="fractional_max_pool2d() kernel_size 3 is too large relative to input height 5 for output size 4"),
    call("fractional_max_pool3d", X3, 2, output_size=3, expect="fractional_max_pool3d() kernel_size 2 is too large relative to input time 4 for output size 3: needs output_size + kernel_size − 1 < input size"),
    call("fractional_max_pool2d", X2, 2, expect="fractional_max_pool2d() requires specifying either an output_size or an output_ratio"),
    call("fractional_max_pool2d", X2, 0, output_size=2, expect="fractional_max_pool2d() kernel_size must be greater than zero"),
    call("fractional_max_pool2d", X2, 2, output_size=-1, expect="fractional_max_pool2d() output_size must be non-negative"),
    call("fractional_max_pool2d", X2, 2, output_size=2, _random_samples=np.zeros((1, 1, 3), np.float32), expect="fractional_max_pool2d() _random_samples must have shape (N, C, 2) = (1, 1, 2), but got (1, 1, 3)"),
    # unpool
    call("max_unpool1d", X1, np.zeros((1, 1, 5), np.int64), 2, output_size=(20,), expect="max_unpool1d() invalid output_size (20,): dim 0 must be strictly between 8 and 12"),
    call("max_unpool1d", X1, np.full((1, 1, 5), 99), 2, expect="max_unpool1d() found an invalid max index 99: the output planes have size 10 = 10 cells"),
    call("max_unpool1d", X1, np.zeros((1, 1, 4), np.int64), 2, expect="max_unpool1d() indices must have the input's shape (1, 1, 5), but got (1, 1, 4)"),
    call("max_unpool2d", X2, np.zeros(X2.shape, np.int64), 2, output_size=(1, 2, 3), expect="max_unpool2d() output_size must have 2 or 4 elements, but got 3"),
]  # fmt: skip

TYPE_RULES = [
    call("max_pool1d", X1, 2.0, expect="max_pool1d() kernel_size must be an int, but got 2.0 (float)"),
    call("max_pool1d", X1, True, expect="max_pool1d() kernel_size must be an int, but got True (bool)"),
    call("max_pool2d", X2, (2, 2.5), expect="max_pool2d() kernel_size must be an int or a tuple of 2 ints, but got (2, 2.5) (it contains float 2.5)"),
    call("avg_pool2d", X2, 2, stride=(1, True), expect="avg_pool2d() stride must be an int or a tuple of 2 ints, but got (1, True)"),
    call("avg_pool2d", X2, 2, stride=(True, 1), expect="avg_pool2d() stride must be an int or a tuple of 2 ints, but got (True, 1) (it contains bool True)"),
    call("max_pool1d", X1, 2, padding="1", expect="max_pool1d() padding must be an int, but got '1' (str)"),
    call("max_pool1d", X1, 2, ceil_mode=1, expect="max_pool1d() ceil_mode must be True or False, but got 1 (int)"),
    call("max_pool1d", X1, 2, ceil_mode=np.True_, expect="max_pool1d() ceil_mode must be True or False, but got"),
    call("avg_pool1d", X1, 2, count_include_pad=None, expect="avg_pool1d() count_include_pad must be True or False, but got None (NoneType)"),
    call("avg_pool2d", X2, 2, divisor_override=2.0, expect="avg_pool2d() divisor_override must be an int or None, but got 2.0 (float)"),
    call("max_pool1d", [[1.0, 2.0]], 2, expect="max_pool1d() input must be a numpy array, but got list"),
    call("adaptive_avg_pool2d", 3.0, 1, expect="adaptive_avg_pool2d() input must be a numpy array, but got float"),
    call("max_pool1d", X1.astype(np.int8), 2, expect="max_pool1d() does not support input of dtype int8"),
    call("avg_pool2d", X2.astype(np.int32), 2, expect="avg_pool2d() does not support input of dtype int32"),
    call("adaptive_max_pool1d", X1.astype(np.float16), 2, expect="does not support input of dtype float16"),
    call("lp_pool1d", X1, "2", 2, expect="lp_pool1d() norm_type must be a number, but got '2'"),
    call("lp_pool1d", X1, 2, (2,), expect="lp_pool1d() kernel_size must be an int, but got (2,) (tuple)"),
    call("adaptive_max_pool2d", X2, None, expect="adaptive_max_pool2d() output_size must be an int or a tuple of 2 ints, but got None"),
    call("adaptive_avg_pool1d", X1, 2.5, expect="adaptive_avg_pool1d() output_size must be an int, but got 2.5 (float)"),
    call("fractional_max_pool2d", X2, 2, output_ratio=0.5, expect="fractional_max_pool2d() output_ratio must be a tuple of 2 numbers, but got 0.5"),
    call("fractional_max_pool2d", X2, 2, output_size=2, _random_samples=np.zeros((1, 1, 2)), expect="fractional_max_pool2d() _random_samples must have the input's dtype float32, got float64"),
    call("fractional_max_pool2d", X2, 2, output_size=2, _random_samples=[[[0.5, 0.5]]], expect="_random_samples must be a numpy array"),
    call("max_unpool1d", X1, np.zeros((1, 1, 5), np.int32), 2, expect="max_unpool1d() indices must be an int64 numpy array"),
    call("max_unpool1d", X1, np.zeros((1, 1, 5), np.int64), 2, output_size=10, expect="max_unpool1d() output_size must be a tuple of 1 (or 3) ints, but got 10"),
]  # fmt: skip


@pytest.mark.parametrize("name, args, kwargs, expect", VALUE_RULES, ids=_ids(VALUE_RULES))
def test_value_rules(name, args, kwargs, expect):
    with pytest.raises(ValueError, match=re.escape(expect)):
        getattr(pc, name)(*args, **kwargs)


@pytest.mark.parametrize("name, args, kwargs, expect", TYPE_RULES, ids=_ids(TYPE_RULES))
def test_type_rules(name, args, kwargs, expect):
    with pytest.raises(TypeError, match=re.escape(expect)):
        getattr(pc, name)(*args, **kwargs)


# Calls we reject on purpose although torch returns something (keyed by the expected message).
STRICTER_THAN_TORCH = {
    # torch's argument parser checks only the first item's type, so (1, True) passes as (1, 1)
    "avg_pool2d() stride must be an int or a tuple of 2 ints, but got (1, True)": "a bool inside a size tuple",
    # torch's fractional kernel does not check kernel_size > 0 and returns -inf with indices
    # outside the plane (see test_fractional_zero_kernel_is_garbage_in_torch)
    "fractional_max_pool2d() kernel_size must be greater than zero": "torch returns garbage",
    # float16 is outside the dtypes pooling_core implements (float32/64 and the integer types)
    "does not support input of dtype float16": "not implemented here",
}


@pytest.mark.parametrize("name, args, kwargs, expect", VALUE_RULES + TYPE_RULES, ids=_ids(VALUE_RULES + TYPE_RULES))
def test_torch_rejects_every_rule_case_too(name, args, kwargs, expect):
    """The rules are torch's, not ours: torch rejects each of those calls as well."""
    _, torch_error = run_torch(name, *args, **kwargs)
    if expect in STRICTER_THAN_TORCH:
        assert torch_error is None, "torch rejects this now: move it out of STRICTER_THAN_TORCH"
        return
    assert torch_error is not None, f"torch accepts {name}{args}{kwargs}, which we reject with {expect!r}"


def test_fractional_zero_kernel_is_garbage_in_torch():
    """Why we refuse kernel_size=0 where torch does not: torch's answer is meaningless."""
    x = np.arange(25, dtype=np.float32).reshape(1, 1, 5, 5)
    samples = np.full((1, 1, 2), 0.5, dtype=np.float32)
    result, error = run_torch(
        "fractional_max_pool2d", x, 0, output_size=2, return_indices=True, _random_samples=samples
    )
    assert error is None
    values, indices = result
    assert np.all(values == -np.inf)  # an empty window's max, although every input is finite
    assert indices.max() >= x[0, 0].size  # and an index outside the 5x5 plane


def test_brief_wording_examples():
    """The wordings the app shows for the three most common mistakes, verbatim."""
    with pytest.raises(
        ValueError, match=r"padding should be at most half of kernel_size, but got padding=2 and kernel_size=2$"
    ):
        pc.max_pool1d(X1, 2, padding=2)
    with pytest.raises(ValueError, match="output size is too small"):
        pc.avg_pool1d(X1, 7)
    with pytest.raises(ValueError, match="must be non-zero"):
        pc.avg_pool3d(X3, 2, divisor_override=0)


# --- fuzz: junk parameters raise only ValueError / TypeError --------------------------------------

JUNK = [
    None, 0, 1, 2, 3, -1, -3, 7, 2.5, 0.5, True, False, "2", b"x", (), [], (1,), (2,), (0,), (-1,),
    (1, 2), (2, 1), (3, 3), (1, 2, 3), (2, 2, 2, 2), [2, 2], (None,), (None, 2), (1.5, 2), ((1,),),
    {"k": 2}, object(), np.int64(2), np.float32(1.0), np.bool_(True), float("nan"), float("inf"),
    float("-inf"), 64, -64, np.array([2, 2]), np.array(2), 1j, slice(1),
]  # fmt: skip


@st.composite
def junk_input(draw):
    kind = draw(st.sampled_from(["array", "array", "array", "list", "scalar", "none"]))
    if kind == "list":
        return [[1.0, 2.0, 3.0]]
    if kind == "scalar":
        return 3.0
    if kind == "none":
        return None
    rank = draw(st.integers(0, 6))
    shape = tuple(draw(st.integers(0, 4)) for _ in range(rank))
    dtype = draw(
        st.sampled_from(["float32", "float64", "int64", "int8", "uint8", "bool", "float16", "complex64", "object"])
    )
    if dtype == "object":
        return np.empty(shape, dtype=object)
    return np.ones(shape, dtype=dtype)


def _parameters(function):
    return [p for p in inspect.signature(function).parameters.values() if p.name != "input"]


@pytest.mark.parametrize("name", functional.__all__)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_junk_parameters_raise_only_value_or_type_errors(name, data):
    function = getattr(functional, name)
    x = data.draw(junk_input(), label="input")
    kwargs = {}
    for parameter in _parameters(function):
        sensible = parameter.default is not inspect.Parameter.empty
        if sensible and data.draw(st.booleans()):
            continue  # keep the default
        if parameter.name == "indices":
            value = data.draw(st.one_of(st.sampled_from(JUNK), junk_input()))
        elif parameter.name == "_random_samples":
            value = data.draw(st.one_of(st.sampled_from(JUNK), junk_input()))
        else:
            value = data.draw(st.sampled_from(JUNK), label=parameter.name)
        kwargs[parameter.name] = value
    try:
        result = function(x, **kwargs)
    except (ValueError, TypeError):
        return
    # accepted: then it is a well-formed result
    arrays = result if isinstance(result, tuple) else (result,)
    assert all(isinstance(array, np.ndarray) for array in arrays)


@pytest.mark.parametrize("name", functional.__all__)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_near_valid_parameters_raise_only_value_or_type_errors(name, data):
    """Small ints in every slot on a good input: reaches the geometry code, not just the checks."""
    function = getattr(functional, name)
    ndim = int(name[-2])
    batched = data.draw(st.booleans())
    shape = ((data.draw(st.integers(0, 2)),) if batched else ()) + (data.draw(st.integers(1, 2)),)
    shape += tuple(data.draw(st.integers(1, 5)) for _ in range(ndim))
    x = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    small = st.one_of(st.integers(-2, 6), st.tuples(*[st.integers(-1, 5)] * ndim), st.none())
    kwargs = {}
    for parameter in _parameters(function):
        if parameter.name == "indices":
            kwargs["indices"] = data.draw(
                st.sampled_from([np.zeros(shape, np.int64), np.full(shape, 7, np.int64), np.full(shape, -1, np.int64)])
            )
        elif parameter.name == "_random_samples":
            kwargs["_random_samples"] = data.draw(
                st.sampled_from(
                    [None, np.full((max(shape[0], 1) if batched else 1, shape[-ndim - 1], ndim), 0.5, np.float32)]
                )
            )
        elif parameter.name in ("ceil_mode", "count_include_pad", "return_indices"):
            kwargs[parameter.name] = data.draw(st.booleans())
        elif parameter.name == "norm_type":
            kwargs["norm_type"] = data.draw(st.sampled_from([1, 2, 0.5, -1, float("inf"), 0]))
        elif parameter.name == "output_ratio":
            kwargs["output_ratio"] = data.draw(st.sampled_from([None, (0.5,) * ndim, (1.5,) * ndim, (0.0,) * ndim]))
        elif parameter.name == "generator":
            continue
        else:
            kwargs[parameter.name] = data.draw(small, label=parameter.name)
    try:
        function(x, **kwargs)
    except (ValueError, TypeError):
        pass
