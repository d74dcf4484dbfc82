"""The torch code for a pooling call, in both forms: ``F.<function>(...)`` and ``nn.<Module>``.

The functional and module forms take the same arguments in a *different order* for max
pooling (``ceil_mode`` and ``return_indices`` swap places), which is why the generated code
always passes them by keyword, and :func:`argument_order_note` says so.

>>> functional_code("max_pool1d", {"kernel_size": 2})
'F.max_pool1d(x, kernel_size=2)'
>>> module_code("max_pool1d", {"kernel_size": 2})
'nn.MaxPool1d(kernel_size=2)'
"""

from __future__ import annotations

import inspect
import textwrap
from functools import cache

import numpy as np

from . import functional

# torch.nn module for each function, with its constructor's parameters in torch's order
# (a test checks this table against torch itself).
MODULES: dict[str, tuple[str, tuple[str, ...]]] = {}
for _n in (1, 2, 3):
    MODULES[f"max_pool{_n}d"] = (
        f"MaxPool{_n}d",
        ("kernel_size", "stride", "padding", "dilation", "return_indices", "ceil_mode"),
    )
    MODULES[f"avg_pool{_n}d"] = (
        f"AvgPool{_n}d",
        ("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad")
        + (("divisor_override",) if _n > 1 else ()),
    )
    MODULES[f"lp_pool{_n}d"] = (f"LPPool{_n}d", ("norm_type", "kernel_size", "stride", "ceil_mode"))
    MODULES[f"adaptive_max_pool{_n}d"] = (f"AdaptiveMaxPool{_n}d", ("output_size", "return_indices"))
    MODULES[f"adaptive_avg_pool{_n}d"] = (f"AdaptiveAvgPool{_n}d", ("output_size",))
    MODULES[f"max_unpool{_n}d"] = (f"MaxUnpool{_n}d", ("kernel_size", "stride", "padding"))
for _n in (2, 3):
    MODULES[f"fractional_max_pool{_n}d"] = (
        f"FractionalMaxPool{_n}d",
        ("kernel_size", "output_size", "output_ratio", "return_indices", "_random_samples"),
    )


def parameters(function: str) -> list[inspect.Parameter]:
    """The parameters of ``torch.nn.functional.<function>`` after ``input`` (ours mirror them)."""
    signature = inspect.signature(getattr(functional, function))
    return [p for p in signature.parameters.values() if p.name != "input" and p.kind != p.KEYWORD_ONLY]


@cache
def defaults(function: str) -> dict:
    """Every parameter of ``function`` after ``input`` with its default (``inspect.Parameter.empty``
    for a required one)."""
    return {parameter.name: parameter.default for parameter in parameters(function)}


def explicit(function: str, arguments: dict) -> list[tuple[str, object]]:
    """Arguments that differ from the defaults, in the functional signature's order."""
    given = []
    for parameter in parameters(function):
        if parameter.name not in arguments:
            continue
        value = arguments[parameter.name]
        if parameter.default is inspect.Parameter.empty or not _same(value, parameter.default):
            given.append((parameter.name, value))
    return given


def _same(value, default) -> bool:
    if isinstance(value, np.ndarray) or isinstance(default, np.ndarray):
        return False
    return bool(value == default)


def functional_code(function: str, arguments: dict, input_name: str = "x") -> str:
    """``F.max_pool1d(x, kernel_size=2)``: every argument that is not a default, by keyword."""
    listed = ", ".join(f"{name}={_literal(value)}" for name, value in explicit(function, arguments))
    return f"F.{function}({input_name}{', ' + listed if listed else ''})"


def module_code(function: str, arguments: dict) -> str:
    """``nn.MaxPool1d(kernel_size=2)``, the same arguments in the module's order."""
    module, order = MODULES[function]
    given = dict(explicit(function, arguments))
    listed = ", ".join(f"{name}={_literal(given[name])}" for name in order if name in given)
    return f"nn.{module}({listed})"


def script(function: str, arguments: dict, input_code: str = "x = torch.randn(1, 1, 10)") -> str:
    """A runnable snippet: imports, the input, both forms."""
    target = "y, indices" if arguments.get("return_indices") else "y"
    module, _ = MODULES[function]
    lines = [
        "import torch",
        "import torch.nn as nn",
        "import torch.nn.functional as F",
        "",
        input_code,
        f"{target} = {functional_code(function, arguments)}",
        "",
        f"# the same, as a module ({module} is what you put in a model)",
        *(f"# {line}" for line in _wrapped(argument_order_note(function))),
        f"pool = {module_code(function, arguments)}",
        f"{target} = pool(x)",
    ]
    return "\n".join(lines)


def _wrapped(note: str | None, width: int = 76) -> list[str]:
    """A note as comment lines of at most ``width`` characters (none for no note)."""
    return textwrap.wrap(note, width) if note else []


def argument_order_note(function: str) -> str | None:
    """Where the functional and module signatures order their arguments differently."""
    functional_order = [p.name for p in parameters(function)]
    _, module_order = MODULES[function]
    shared = [name for name in functional_order if name in module_order]
    in_module_order = [name for name in module_order if name in shared]
    if shared == in_module_order:
        return None
    module, _ = MODULES[function]
    return (
        f"Argument order trap: F.{function}(input, {', '.join(functional_order)}) but "
        f"nn.{module}({', '.join(module_order)}). Pass these by keyword."
    )


def _literal(value) -> str:
    """An argument as torch code; an array (fractional pooling's ``_random_samples``) as a tensor.

    >>> _literal(np.array([[[0.5, 0.25]]], dtype=np.float32))
    'torch.tensor([[[0.5, 0.25]]])'
    """
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return "float('inf')" if value > 0 else "-float('inf')"
    if isinstance(value, np.ndarray):
        return tensor_literal(value)
    if isinstance(value, np.generic):
        value = value.item()
    return repr(value)


def tensor_literal(values: np.ndarray) -> str:
    """``torch.tensor([...])`` holding exactly ``values`` (float32 values are written as the float64
    numbers they are, so torch reads back the same bits), with its dtype unless float32."""
    text = repr(values.tolist()).replace("nan", "float('nan')").replace("inf", "float('inf')")
    dtype = "" if values.dtype == np.float32 else f", dtype=torch.{values.dtype}"
    return f"torch.tensor({text}{dtype})"


def tensor_code(values: np.ndarray, name: str = "x", max_values: int = 64) -> str:
    """``x = torch.tensor([...])`` for small arrays, a shape-only stand-in for big ones.

    >>> tensor_code(np.array([[1.0, 4.0, -1.0]], dtype=np.float32))
    'x = torch.tensor([[1.0, 4.0, -1.0]])'
    """
    if values.size > max_values:
        return f"{name} = torch.randn{tuple(values.shape)}  # stand-in: your data has this shape"
    return f"{name} = {tensor_literal(values)}"
