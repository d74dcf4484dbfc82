"""Run the same call through torch and compare: the app's live cross-check.

torch is imported lazily, on the first comparison, so ``import pooling_core`` stays light.

>>> import numpy as np
>>> x = np.array([[1, 4, -1, 0, 2, -2, 1, 3, 3, 1]], dtype=np.float32)
>>> check = compare("max_pool1d", x, kernel_size=2)
>>> check.equal, check.summary
(True, 'matches torch exactly')
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import functional

# Functions whose outputs are copies of input values (and int64 indices): compared bit-exact.
EXACT = {
    "max_pool1d", "max_pool2d", "max_pool3d",
    "adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_max_pool3d",
    "fractional_max_pool2d", "fractional_max_pool3d",
    "max_unpool1d", "max_unpool2d", "max_unpool3d",
}  # fmt: skip
# Sums and powers may differ in the last bits: allowed this many units of float eps.
ULPS = 8


def _torch():
    import torch  # noqa: PLC0415 - lazily, see the module docstring

    return torch


def _to_torch(value):
    torch = _torch()
    if isinstance(value, np.ndarray):
        return torch.from_numpy(np.ascontiguousarray(value))
    return value


def _to_numpy(value):
    if isinstance(value, tuple):
        return tuple(_to_numpy(item) for item in value)
    return value.detach().cpu().numpy()


def torch_call(name: str, input: np.ndarray, *args, **kwargs):
    """``torch.nn.functional.<name>(input, *args, **kwargs)`` on numpy arrays → numpy arrays."""
    torch = _torch()
    kwargs.pop("generator", None)  # ours only; torch uses _random_samples or its global RNG
    function = getattr(torch.nn.functional, name)
    with torch.no_grad():
        result = function(
            _to_torch(input),
            *[_to_torch(arg) for arg in args],
            **{key: _to_torch(value) for key, value in kwargs.items()},
        )
    return _to_numpy(result)


def same_bits(ours: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    """Elementwise: equal values, equal sign of zero, NaN where the other has NaN."""
    if np.issubdtype(ours.dtype, np.floating):
        both_nan = np.isnan(ours) & np.isnan(theirs)
        return both_nan | ((ours == theirs) & (np.signbit(ours) == np.signbit(theirs)))
    return ours == theirs


def close(ours: np.ndarray, theirs: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """Elementwise: within ``ULPS`` float eps of ``max(|theirs|, scale)``; NaN matches NaN."""
    if not np.issubdtype(ours.dtype, np.floating):
        return ours == theirs
    eps = np.finfo(ours.dtype).eps
    with np.errstate(invalid="ignore"):
        tolerance = ULPS * eps * np.maximum(np.abs(theirs.astype(np.float64)), scale)
        near = np.abs(ours.astype(np.float64) - theirs.astype(np.float64)) <= tolerance
    both_nan = np.isnan(ours) & np.isnan(theirs)
    same_inf = np.isinf(ours) & (ours == theirs)
    return near | both_nan | same_inf


@dataclass
class Comparison:
    """What the torch badge shows."""

    name: str
    equal: bool
    exact: bool  # compared bit for bit (max-type) rather than within ULPS
    max_abs_diff: float = 0.0
    differing: list[tuple[int, ...]] = field(default_factory=list)  # output cells that differ
    ours: object = None
    theirs: object = None
    our_error: str | None = None
    torch_error: str | None = None
    bit_exact: bool = False  # every value identical to the bit (-0/+0 and NaN included)

    @property
    def summary(self) -> str:
        if self.our_error and self.torch_error:
            return "torch rejects this call too"
        if self.our_error:
            return f"we reject a call torch accepts: {self.our_error}"
        if self.torch_error:
            return f"torch rejects a call we accept: {self.torch_error}"
        if self.equal:
            return "matches torch exactly" if self.bit_exact else f"matches torch (within {ULPS} ulp)"
        return f"differs from torch in {len(self.differing)} cell(s), max |diff| {self.max_abs_diff:.3g}"


def compare(name: str, input: np.ndarray, *args, **kwargs) -> Comparison:
    """Run ``pooling_core.<name>`` and ``torch.nn.functional.<name>`` on the same call."""
    ours = theirs = None
    our_error = torch_error = None
    try:
        ours = getattr(functional, name)(input, *args, **kwargs)
    except (ValueError, TypeError) as error:
        our_error = str(error)
    try:
        theirs = torch_call(name, input, *args, **kwargs)
    except Exception as error:  # torch raises RuntimeError, TypeError, ValueError, ...
        torch_error = str(error).splitlines()[0]
    exact = name in EXACT
    if our_error or torch_error:
        both = bool(our_error) and bool(torch_error)
        return Comparison(name, both, exact, ours=ours, theirs=theirs, our_error=our_error, torch_error=torch_error)

    scale = float(np.nanmax(np.abs(input), initial=1.0, where=np.isfinite(input))) if input.size else 1.0
    return _compared(name, ours, theirs, exact, scale)


def _compared(name: str, ours, theirs, exact: bool, scale: float) -> Comparison:
    """Compare two results (arrays, or tuples of arrays) cell by cell."""
    pairs = list(zip(ours, theirs, strict=True)) if isinstance(ours, tuple) else [(ours, theirs)]
    equal, max_abs_diff, differing, bit_exact = True, 0.0, [], True
    for our_array, their_array in pairs:
        if our_array.shape != their_array.shape or our_array.dtype != their_array.dtype:
            return Comparison(
                name, False, exact, ours=ours, theirs=theirs,
                our_error=f"shape/dtype {our_array.shape} {our_array.dtype} vs torch "
                f"{their_array.shape} {their_array.dtype}",
            )  # fmt: skip
        matches = same_bits(our_array, their_array) if exact else close(our_array, their_array, scale)
        bit_exact = bit_exact and bool(same_bits(our_array, their_array).all())
        if not matches.all():
            equal = False
            differing.extend(tuple(int(i) for i in cell) for cell in np.argwhere(~matches)[:50])
            with np.errstate(invalid="ignore"):
                diff = np.abs(our_array.astype(np.float64) - their_array.astype(np.float64))
            max_abs_diff = max(max_abs_diff, float(np.nanmax(np.where(matches, 0, diff), initial=0)))
    return Comparison(name, equal, exact, max_abs_diff, differing, ours, theirs, bit_exact=bit_exact)


def torch_grad(name: str, input: np.ndarray, grad_output: np.ndarray, **kwargs) -> np.ndarray:
    """``x.grad`` after ``torch.nn.functional.<name>(x, **kwargs).backward(grad_output)``, x = input."""
    torch = _torch()
    x = torch.from_numpy(np.array(input, copy=True)).requires_grad_()
    y = getattr(torch.nn.functional, name)(x, **{key: _to_torch(value) for key, value in kwargs.items()})
    y = y[0] if isinstance(y, tuple) else y
    y.backward(torch.from_numpy(np.ascontiguousarray(grad_output, dtype=input.dtype)))
    return x.grad.numpy()


def compare_grad(name: str, input: np.ndarray, grad_output: np.ndarray, **kwargs) -> Comparison:
    """``pooling_core.grad.<name>_input`` against torch's autograd on the same call.

    Max-type gradients are compared bit for bit when ``grad_output`` holds whole numbers (then
    every sum is exact, in any order); the others within ``ULPS``.
    """
    from . import grad  # noqa: PLC0415 - only the live check needs it here

    ours = theirs = None
    our_error = torch_error = None
    try:
        ours = getattr(grad, f"{name}_input")(input, grad_output, **kwargs)
    except (ValueError, TypeError) as error:
        our_error = str(error)
    try:
        theirs = torch_grad(name, input, grad_output, **kwargs)
    except Exception as error:  # torch raises RuntimeError, TypeError, ValueError, ...
        torch_error = str(error).splitlines()[0]
    whole = bool(np.all(np.isfinite(grad_output)) and np.all(np.asarray(grad_output) == np.round(grad_output)))
    exact = name in EXACT and whole
    if our_error or torch_error:
        both = bool(our_error) and bool(torch_error)
        return Comparison(name, both, exact, ours=ours, theirs=theirs, our_error=our_error, torch_error=torch_error)
    finite = np.abs(np.asarray(grad_output, dtype=np.float64))
    scale = float(np.nanmax(finite, initial=1.0, where=np.isfinite(finite))) if finite.size else 1.0
    return _compared(name, ours, theirs, exact, scale)


def torch_repr(array: np.ndarray) -> str:
    """How torch prints this array as a tensor (the lecture's slides show torch's printout).

    >>> print(torch_repr(np.array([[1.0, 2.0], [2.0, 0.0]], dtype=np.float32)))
    tensor([[1., 2.],
            [2., 0.]])
    """
    return repr(_to_torch(np.asarray(array)))


def torch_module_call(name: str, input: np.ndarray, **kwargs):
    """Build the ``torch.nn`` module for ``name`` with these keyword arguments and apply it.

    >>> x = np.array([[[1.0, 4.0, -1.0, 0.0]]], dtype=np.float32)
    >>> torch_module_call("max_pool1d", x, kernel_size=2)
    array([[[4., 0.]]], dtype=float32)
    """
    from .codegen import MODULES  # noqa: PLC0415 - keeps module import order simple

    torch = _torch()
    module_name, _ = MODULES[name]
    module = getattr(torch.nn, module_name)(**kwargs)
    with torch.no_grad():
        return _to_numpy(module(_to_torch(input)))
