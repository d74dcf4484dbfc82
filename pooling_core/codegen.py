"""The torch code for a pooling call, in both forms: ``F.<function>(...)`` and ``nn.<Module>``.

The functional and module forms take the same arguments in a *different order* for max
pooling (``ceil_mode`` and ``return_indices`` swap places), which is why the generated code
always passes them by keyword, and :func:`argument_order_note` says so.

>>> call = PoolCall("max_pool1d", {"kernel_size": 2})
>>> call.functional_code()
'F.max_pool1d(x, kernel_size=2)'
>>> call.module_code()
'nn.MaxPool1d(kernel_size=2)'
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field

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


@dataclass(frozen=True)
class PoolCall:
    """A pooling call: the function's name and the arguments given (defaults may be omitted)."""

    function: str
    arguments: dict = field(default_factory=dict)

    def explicit(self) -> list[tuple[str, object]]:
        """Arguments that differ from the defaults, in the functional signature's order."""
        given = []
        for parameter in parameters(self.function):
            if parameter.name not in self.arguments:
                continue
            value = self.arguments[parameter.name]
            if parameter.default is inspect.Parameter.empty or value != parameter.default:
                given.append((parameter.name, value))
        return given

    def run(self, input: np.ndarray):
        """Call ``pooling_core.<function>(input, **arguments)``."""
        return getattr(functional, self.function)(input, **self.arguments)

    def functional_code(self) -> str:
        arguments = ", ".join(f"{name}={_literal(value)}" for name, value in self.explicit())
        return f"F.{self.function}(x{', ' + arguments if arguments else ''})"

    def module_code(self) -> str:
        module, order = MODULES[self.function]
        given = dict(self.explicit())
        arguments = ", ".join(f"{name}={_literal(given[name])}" for name in order if name in given)
        return f"nn.{module}({arguments})"

    def returns_indices(self) -> bool:
        return bool(self.arguments.get("return_indices", False))

    def script(self, input_code: str = "x = torch.randn(1, 1, 10)") -> str:
        """A runnable snippet: imports, the input, both forms."""
        target = "y, indices" if self.returns_indices() else "y"
        module, _ = MODULES[self.function]
        lines = [
            "import torch",
            "import torch.nn as nn",
            "import torch.nn.functional as F",
            "",
            input_code,
            f"{target} = {self.functional_code()}",
            "",
            f"# the same, as a module ({module} is what you put in a model)",
            f"pool = {self.module_code()}",
            f"{target} = pool(x)",
        ]
        return "\n".join(lines)


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
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return "float('inf')" if value > 0 else "-float('inf')"
    if isinstance(value, np.generic):
        value = value.item()
    return repr(value)


def tensor_code(values: np.ndarray, name: str = "x", max_values: int = 64) -> str:
    """``x = torch.tensor([...])`` for small arrays, a shape-only stand-in for big ones.

    >>> tensor_code(np.array([[1.0, 4.0, -1.0]], dtype=np.float32))
    'x = torch.tensor([[1.0, 4.0, -1.0]])'
    """
    if values.size > max_values:
        return f"{name} = torch.randn{tuple(values.shape)}  # stand-in: your data has this shape"
    listed = values.tolist()
    text = repr(listed).replace("nan", "float('nan')").replace("inf", "float('inf')")
    dtype = "" if values.dtype == np.float32 else f", dtype=torch.{values.dtype}"
    return f"{name} = torch.tensor({text}{dtype})"
