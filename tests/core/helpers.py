"""Shared helpers of the core suite: run one call through pooling_core and torch, compare.

``assert_matches_torch`` is the single oracle of the parity tests:

* if torch raises, ours must raise ``ValueError`` or ``TypeError`` (any other exception type
  from ours fails the test, it is never swallowed);
* if torch succeeds, ours must succeed, with the same number of outputs, the same shapes and
  dtypes, bit-exact values for max-type functions (``reference.same_bits``: the sign of zero and
  NaN positions count) and indices, and values within ``reference.ULPS`` float eps for
  sums/powers (avg, lp, adaptive_avg);
* ours must not modify its input.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from pooling_core import functional, reference

# Bit-exact: every output is a copy of an input value, or an int64 index.
EXACT = reference.EXACT

ALL_FUNCTIONS = tuple(functional.__all__)

FLOAT_DTYPES = (np.float32, np.float64)
INT_DTYPES = (np.int8, np.int16, np.int32, np.int64, np.uint8)
ALL_DTYPES = FLOAT_DTYPES + INT_DTYPES


class Counter:
    """How many calls went through :func:`assert_matches_torch` (reported by the sweep)."""

    calls = 0
    torch_rejected = 0


def _snapshot(value):
    return value.copy() if isinstance(value, np.ndarray) else value


def run_ours(name, x, *args, **kwargs):
    """``(result, error)``: error is the ValueError/TypeError ours raised, else ``None``.

    Any other exception propagates, so that an AssertionError, IndexError, ZeroDivisionError,
    ... inside pooling_core fails the calling test.
    """
    try:
        return getattr(functional, name)(x, *args, **kwargs), None
    except (ValueError, TypeError) as error:
        return None, error


def run_torch(name, x, *args, **kwargs):
    """``(result, error)`` of torch.nn.functional.<name> on the same numpy arguments."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return reference.torch_call(name, x, *args, **kwargs), None
    except Exception as error:  # noqa: BLE001 - torch raises RuntimeError, TypeError, ...
        return None, error


def _describe(name, x, args, kwargs) -> str:
    shape = getattr(x, "shape", None)
    dtype = getattr(x, "dtype", type(x).__name__)
    return f"{name}(input shape={shape} dtype={dtype}, args={args!r}, kwargs={kwargs!r})"


def _scale(name, x, theirs, args=(), kwargs=None) -> float:
    """The magnitude that rounding errors are measured against (see ``reference.close``).

    An average of K cells is a sum of K terms, whose rounding depends on the order they are
    added in, by up to about K ulp of the largest term: torch adds sequentially (or, for a
    one-cell adaptive output, by a cascaded mean), a separable sum adds axis by axis. Measured:
    torch's mean of 112 equal cells of 7.5e6 is 15 ulp below the exact mean, which a separable
    sum returns; a sequential sum of 729 such cells is 41 ulp from torch's cascaded one. So an
    average over more than ``ULPS`` cells is compared within K ulp of this scale.
    """
    scale = 1.0
    for array in (x, theirs):
        if isinstance(array, np.ndarray) and array.size and np.issubdtype(array.dtype, np.floating):
            finite = np.abs(array[np.isfinite(array)])
            if finite.size:
                scale = max(scale, float(finite.max()))
    return scale * max(1.0, _terms_per_window(name, x, args, kwargs or {}) / reference.ULPS)


def _terms_per_window(name, x, args, kwargs) -> int:
    """The most cells one output of an average sums (1 for other functions, or if unknown)."""
    ndim = int(name[-2]) if name[-2:-1].isdigit() else 0
    if not isinstance(x, np.ndarray) or x.ndim < ndim or not ndim:
        return 1
    try:
        if name.startswith("adaptive_avg_pool"):
            sizes = args[0] if args else kwargs["output_size"]
            sizes = sizes if isinstance(sizes, (tuple, list)) else (sizes,) * ndim
            spatial = x.shape[-ndim:]
            widths = [
                length if size is None else (-(-length // size) + 1 if size else 0)
                for length, size in zip(spatial, sizes, strict=True)
            ]
            return max(1, math.prod(min(width, length) for width, length in zip(widths, spatial, strict=True)))
        if name.startswith("avg_pool"):
            kernel = args[0] if args else kwargs["kernel_size"]
            return max(1, math.prod(kernel if isinstance(kernel, (tuple, list)) else (kernel,) * ndim))
    except (KeyError, TypeError, ValueError):
        return 1
    return 1


def assert_matches_torch(name, x, *args, **kwargs):
    """Run ``name`` through ours and torch and assert they agree (see the module docstring).

    Returns ours (``None`` when both rejected the call).
    """
    Counter.calls += 1
    what = _describe(name, x, args, kwargs)
    before = _snapshot(x)
    ours, our_error = run_ours(name, x, *args, **kwargs)
    if isinstance(x, np.ndarray):
        assert np.array_equal(x, before, equal_nan=x.dtype.kind == "f"), f"ours modified its input: {what}"
    theirs, torch_error = run_torch(name, x, *args, **kwargs)
    if torch_error is not None:
        Counter.torch_rejected += 1
        assert our_error is not None, (
            f"torch rejects {what} ({type(torch_error).__name__}: "
            f"{str(torch_error).splitlines()[0] if str(torch_error) else ''}) but ours returned a result"
        )
        return None
    assert our_error is None, f"ours rejects {what} ({type(our_error).__name__}: {our_error}) but torch accepts it"
    assert_same_result(name, ours, theirs, scale=_scale(name, x, theirs, args, kwargs), what=what)
    return ours


def assert_same_result(name, ours, theirs, *, scale=1.0, what=""):
    """Same structure, shapes, dtypes; bit-exact (max-type, indices) or within ULPS (others)."""
    if isinstance(theirs, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(theirs), (
            f"torch returned {len(theirs)} arrays, ours {type(ours).__name__}: {what}"
        )
        pairs = list(zip(ours, theirs, strict=True))
    else:
        assert isinstance(ours, np.ndarray), f"ours returned {type(ours).__name__}: {what}"
        pairs = [(ours, theirs)]
    for position, (our_array, their_array) in enumerate(pairs):
        assert isinstance(our_array, np.ndarray), f"output {position} is {type(our_array)}: {what}"
        assert our_array.shape == their_array.shape, (
            f"output {position}: shape {our_array.shape} vs torch {their_array.shape}: {what}"
        )
        assert our_array.dtype == their_array.dtype, (
            f"output {position}: dtype {our_array.dtype} vs torch {their_array.dtype}: {what}"
        )
        exact = name in EXACT or not np.issubdtype(their_array.dtype, np.floating)
        if exact:
            matches = reference.same_bits(our_array, their_array)
        elif name.startswith("lp_pool"):
            matches = pow_close(our_array, their_array, scale)
        else:
            matches = reference.close(our_array, their_array, scale)
        if not matches.all():
            bad = np.argwhere(~matches)[:5]
            cells = [
                (tuple(int(i) for i in cell), our_array[tuple(cell)].item(), their_array[tuple(cell)].item())
                for cell in bad
            ]
            kind = "bit-exact" if exact else f"within {reference.ULPS} ulp"
            raise AssertionError(
                f"output {position} differs from torch ({kind}) in {int((~matches).sum())} cell(s); "
                f"first (cell, ours, torch): {cells}: {what}"
            )


def pow_close(ours: np.ndarray, theirs: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """``reference.close``, or within ``ULPS`` eps scaled by ``1 + |ln|theirs||``.

    torch's vectorised ``pow`` is not correctly rounded: its error grows with ``|e·ln x|``
    (measured: up to 13 ulp for ``x**(2/3)`` at ``x ≈ 7e18`` in float32), and lp_pool ends
    with such a root. So a power's result is compared relative to its log-magnitude.
    """
    near = reference.close(ours, theirs, scale)
    eps = np.finfo(ours.dtype).eps
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        magnitude = np.abs(theirs.astype(np.float64))
        tolerance = reference.ULPS * eps * magnitude * (1 + np.abs(np.log(magnitude)))
        near_log = np.abs(ours.astype(np.float64) - theirs.astype(np.float64)) <= tolerance
    return near | (near_log & np.isfinite(theirs))


def assert_both_reject(name, x, *args, **kwargs):
    """torch raises, and ours raises ValueError/TypeError (nothing else)."""
    Counter.calls += 1
    what = _describe(name, x, args, kwargs)
    _, torch_error = run_torch(name, x, *args, **kwargs)
    assert torch_error is not None, f"expected torch to reject {what}, but it accepted it"
    _, our_error = run_ours(name, x, *args, **kwargs)
    assert our_error is not None, f"torch rejects {what} ({torch_error}) but ours accepted it"
    return our_error


def ndim_of(name: str) -> int:
    """Spatial dims of a function name: ``max_pool2d`` → 2."""
    return int(name[-2])
