"""The oracle itself can fail: assert_matches_torch notices each kind of disagreement.

Faults are injected by monkeypatching pooling_core.functional, so these tests prove that a
green parity sweep means something.
"""

from __future__ import annotations

import numpy as np
import pytest

from pooling_core import functional
from tests.core.helpers import assert_matches_torch, assert_same_result

X = np.array([[1.0, 4.0, -1.0, 0.0, 2.0, -2.0]], dtype=np.float32)


def _patch(monkeypatch, name, replacement):
    original = getattr(functional, name)
    monkeypatch.setattr(functional, name, lambda *args, **kwargs: replacement(original(*args, **kwargs)))


def test_sign_of_zero_counts_for_max():
    with pytest.raises(AssertionError, match="bit-exact"):
        assert_same_result("max_pool1d", np.array([0.0]), np.array([-0.0]))


def test_nan_against_a_number_fails_and_nan_against_nan_passes():
    with pytest.raises(AssertionError):
        assert_same_result("max_pool1d", np.array([np.nan]), np.array([1.0]))
    assert_same_result("max_pool1d", np.array([np.nan]), np.array([np.nan]))
    with pytest.raises(AssertionError):
        assert_same_result("avg_pool1d", np.array([np.nan]), np.array([1.0]))


def test_avg_allows_a_few_ulp_but_not_more():
    one = np.float32(1.0)
    assert_same_result("avg_pool1d", np.array([np.nextafter(one, np.float32(2))]), np.array([one]))
    with pytest.raises(AssertionError, match="ulp"):
        assert_same_result("avg_pool1d", np.array([one + np.float32(1e-4)]), np.array([one]))


def test_dtype_and_shape_count():
    with pytest.raises(AssertionError, match="dtype"):
        assert_same_result("max_pool1d", np.array([1.0], np.float64), np.array([1.0], np.float32))
    with pytest.raises(AssertionError, match="shape"):
        assert_same_result("max_pool1d", np.array([[1.0]]), np.array([1.0]))
    with pytest.raises(AssertionError, match="torch returned 2 arrays"):
        assert_same_result("max_pool1d", np.array([1.0]), (np.array([1.0]), np.array([0])))


def test_a_wrong_value_is_caught(monkeypatch):
    _patch(monkeypatch, "max_pool1d", lambda out: out + 1)
    with pytest.raises(AssertionError, match="differs from torch"):
        assert_matches_torch("max_pool1d", X, 2)


def test_a_wrong_index_is_caught(monkeypatch):
    _patch(monkeypatch, "max_pool1d", lambda out: (out[0], out[1] + 1))
    with pytest.raises(AssertionError, match="output 1 differs"):
        assert_matches_torch("max_pool1d", X, 2, return_indices=True)


def test_rejecting_a_call_torch_accepts_is_caught(monkeypatch):
    def refuse(*args, **kwargs):
        raise ValueError("no")

    monkeypatch.setattr(functional, "avg_pool1d", refuse)
    with pytest.raises(AssertionError, match="but torch accepts it"):
        assert_matches_torch("avg_pool1d", X, 2)


def test_accepting_a_call_torch_rejects_is_caught(monkeypatch):
    monkeypatch.setattr(functional, "avg_pool1d", lambda *args, **kwargs: X)
    with pytest.raises(AssertionError, match="but ours returned a result"):
        assert_matches_torch("avg_pool1d", X, 2, padding=2)


def test_other_exceptions_are_never_swallowed(monkeypatch):
    def crash(*args, **kwargs):
        raise IndexError("boom")

    monkeypatch.setattr(functional, "max_pool1d", crash)
    with pytest.raises(IndexError):
        assert_matches_torch("max_pool1d", X, 2, padding=5)  # even where torch rejects too


def test_modifying_the_input_is_caught(monkeypatch):
    original = functional.max_pool1d

    def scribble(x, *args, **kwargs):
        result = original(x, *args, **kwargs)
        x[..., 0] = 99
        return result

    monkeypatch.setattr(functional, "max_pool1d", scribble)
    with pytest.raises(AssertionError, match="modified its input"):
        assert_matches_torch("max_pool1d", X.copy(), 2)
