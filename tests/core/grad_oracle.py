"""The gradient oracle: one backward through ``pooling_core.grad`` and through ``torch.autograd``.

``assert_grad_matches_torch(name, x, g, *args, **kwargs)`` runs ``pooling_core.grad.<name>_input``
and, in torch, ``input.requires_grad_()``, ``F.<name>(input, ...)`` (its first output when it
returns indices), ``.backward(g)``, ``input.grad``. Then:

* torch raises ⇔ ours raises ``ValueError``/``TypeError`` (any other exception fails the test);
* same shape and dtype;
* max-type (``exact``): bit for bit, the sign of zeros and NaN positions included. That is the
  contract when ``g`` holds integers (sums of integers are exact in any order); with arbitrary
  floats a cell that collects several windows may differ in its last bits, so ``exact=False``
  compares those within a few ulp;
* everything else within ``reference.ULPS`` eps of the largest term, NaN where torch has NaN,
  the same infinities; lp (powers) relative to the power's magnitude, as the forward sweep does;
* ours modifies neither ``x`` nor ``g``.
"""

from __future__ import annotations

import warnings

import numpy as np

from pooling_core import grad, reference
from tests.core.helpers import pow_close

MAX_TYPE = {name for name in reference.EXACT if not name.startswith("max_unpool")}


class GradCounter:
    """How many backward calls went through the oracle (the sweep reports it)."""

    calls = 0
    compared = 0  # both returned a gradient, and they were compared
    bit_exact = 0  # ... of which bit for bit
    both_rejected = 0


def run_ours(name, x, g, *args, **kwargs):
    """``(gradient, error)``; only ValueError/TypeError count as a rejection."""
    try:
        return getattr(grad, f"{name}_input")(x, g, *args, **kwargs), None
    except (ValueError, TypeError) as error:
        return None, error


def run_torch(name, x, g, *args, **kwargs):
    """``(input.grad, error)`` of ``F.<name>(x, *args, **kwargs).backward(g)`` in torch."""
    import torch  # noqa: PLC0415 - the oracle only

    kwargs = dict(kwargs)
    kwargs.pop("generator", None)  # ours only
    convert = lambda value: torch.from_numpy(np.ascontiguousarray(value)) if isinstance(value, np.ndarray) else value  # noqa: E731
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            leaf = convert(x).clone()
            leaf.requires_grad_()
            out = getattr(torch.nn.functional, name)(
                leaf, *[convert(a) for a in args], **{k: convert(v) for k, v in kwargs.items()}
            )
            if isinstance(out, tuple):
                out = out[0]
            out.backward(convert(g))
        return leaf.grad.numpy(), None
    except Exception as error:  # noqa: BLE001 - torch raises RuntimeError, TypeError, IndexError, ...
        return None, error


def _describe(name, x, g, args, kwargs):
    return (
        f"{name}_input(input shape={getattr(x, 'shape', None)} dtype={getattr(x, 'dtype', type(x).__name__)}, "
        f"grad_output shape={getattr(g, 'shape', None)}, args={args!r}, kwargs={kwargs!r})"
    )


def _scale(*arrays) -> float:
    scale = 1.0
    for array in arrays:
        if isinstance(array, np.ndarray) and array.size and array.dtype.kind == "f":
            finite = np.abs(array[np.isfinite(array)])
            if finite.size:
                scale = max(scale, float(finite.max()))
    return scale


def assert_grad_matches_torch(name, x, g, *args, exact=None, **kwargs):
    """Ours equals torch's autograd (see the module docstring); returns ours (None if both reject).

    ``exact`` defaults to: max-type and ``g`` integer-valued.
    """
    GradCounter.calls += 1
    what = _describe(name, x, g, args, kwargs)
    before = [value.copy() if isinstance(value, np.ndarray) else value for value in (x, g)]
    ours, our_error = run_ours(name, x, g, *args, **kwargs)
    for value, copy in zip((x, g), before, strict=True):
        if isinstance(value, np.ndarray):
            unchanged = np.array_equal(value, copy, equal_nan=value.dtype.kind == "f")
            assert unchanged, f"ours modified its arguments: {what}"
    theirs, torch_error = run_torch(name, x, g, *args, **kwargs)
    if torch_error is not None:
        GradCounter.both_rejected += 1
        assert our_error is not None, (
            f"torch rejects {what} ({type(torch_error).__name__}: {str(torch_error).splitlines()[0][:200]}) "
            "but ours returned a gradient"
        )
        return None
    assert our_error is None, f"ours rejects {what} ({type(our_error).__name__}: {our_error}) but torch accepts it"
    assert isinstance(ours, np.ndarray), f"ours returned {type(ours).__name__}: {what}"
    assert ours.shape == theirs.shape, f"shape {ours.shape} vs torch {theirs.shape}: {what}"
    assert ours.dtype == theirs.dtype, f"dtype {ours.dtype} vs torch {theirs.dtype}: {what}"
    GradCounter.compared += 1
    if exact is None:
        exact = name in MAX_TYPE and _integer_valued(g)
    if exact:
        GradCounter.bit_exact += 1
        matches = reference.same_bits(ours, theirs)
    elif name.startswith("lp_pool"):
        matches = pow_close(ours, theirs, _scale(theirs, g)) | (np.isnan(ours) & np.isnan(theirs))
    else:
        matches = reference.close(ours, theirs, _scale(theirs, g))
    if not matches.all():
        bad = np.argwhere(~matches)[:5]
        cells = [(tuple(int(i) for i in c), ours[tuple(c)].item(), theirs[tuple(c)].item()) for c in bad]
        kind = "bit-exact" if exact else f"within {reference.ULPS} ulp"
        raise AssertionError(
            f"gradient differs from torch ({kind}) in {int((~matches).sum())} cell(s); "
            f"first (cell, ours, torch): {cells}: {what}"
        )
    return ours


def _integer_valued(g) -> bool:
    if not isinstance(g, np.ndarray) or g.dtype.kind != "f":
        return True
    finite = g[np.isfinite(g)]
    return bool(np.all(finite == np.round(finite)) and np.all(np.abs(finite) < 2**20))


def assert_grad_both_reject(name, x, g, *args, **kwargs):
    """torch's backward raises, and ours raises ValueError/TypeError; returns ours."""
    _, torch_error = run_torch(name, x, g, *args, **kwargs)
    assert torch_error is not None, f"expected torch to reject {_describe(name, x, g, args, kwargs)}"
    _, our_error = run_ours(name, x, g, *args, **kwargs)
    what = _describe(name, x, g, args, kwargs)
    assert our_error is not None, f"torch rejects ({torch_error}) but ours accepted {what}"
    return our_error
