"""A pooling call as a value: the function's name and its arguments, and everything that is
asked of a call — run it, where its windows are, how torch spells it.

The pages, figures, exports, the animation, the backward pass and the quiz all start from a
:class:`PoolCall`. Its :meth:`PoolCall.windows` is the one way from a call to its windows: it
validates and normalises the arguments exactly as the pooling function does (the same
``_args`` code) and returns the :class:`~pooling_core.geometry.Windows` the function itself
computes with.

>>> call = PoolCall("max_pool1d", {"kernel_size": 3, "stride": 2, "padding": 1})
>>> windows = call.windows((1, 5))
>>> windows.output_shape, windows.axes[0].taps.tolist()
((3,), [[-1, 0, 1], [1, 2, 3], [3, 4, 5]])
>>> call.functional_code()
'F.max_pool1d(x, kernel_size=3, stride=2, padding=1)'
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field

import numpy as np

from . import _args, codegen, functional
from .geometry import Windows

KINDS = ("max", "avg", "lp", "adaptive_max", "adaptive_avg", "fractional_max", "max_unpool")


def _split(function: str) -> tuple[str, int]:
    """``"avg_pool2d"`` → ``("avg", 2)``; ``"max_unpool1d"`` → ``("max_unpool", 1)``."""
    if not hasattr(functional, function) or function[-2:] not in ("1d", "2d", "3d"):
        raise ValueError(f"{function!r} is not a pooling function of pooling_core")
    ndim = int(function[-2])
    kind = function[:-2].removesuffix("_pool")
    return kind, ndim


@dataclass(frozen=True)
class PoolCall:
    """A pooling call: the function's name and the arguments given (defaults may be omitted)."""

    function: str
    arguments: dict = field(default_factory=dict)

    @property
    def kind(self) -> str:
        """``max``, ``avg``, ``lp``, ``adaptive_max``, ``adaptive_avg``, ``fractional_max`` or ``max_unpool``."""
        return _split(self.function)[0]

    @property
    def ndim(self) -> int:
        """How many trailing axes the call pools (1, 2 or 3)."""
        return _split(self.function)[1]

    @property
    def is_max(self) -> bool:
        """Max-type: padding acts as −∞ and one tap wins each window."""
        return self.kind in ("max", "adaptive_max", "fractional_max")

    def argument(self, name: str):
        """The value of ``name`` in this call: given, or the function's default."""
        if name in self.arguments:
            return self.arguments[name]
        return codegen.defaults(self.function)[name]

    def with_arguments(self, **changes) -> PoolCall:
        """The same call with some arguments replaced."""
        return PoolCall(self.function, {**self.arguments, **changes})

    def run(self, input: np.ndarray):
        """Call ``pooling_core.<function>(input, **arguments)``."""
        return getattr(functional, self.function)(input, **self.arguments)

    def windows(self, input_shape: tuple[int, ...], plane: tuple[int, int] = (0, 0)) -> Windows:
        """The windows this call reads on an input of shape ``input_shape`` (only its last
        ``ndim`` sizes matter), validated as the function validates them.

        ``plane`` picks the ``(n, c)`` plane of a fractional call, whose windows differ per
        plane (its ``_random_samples``). Raises ``ValueError``/``TypeError`` like the call.
        """
        kind, ndim = self.kind, self.ndim
        if len(input_shape) < ndim:
            raise ValueError(f"{self.function}() pools {ndim} axes, but got an input of shape {tuple(input_shape)}")
        spatial = tuple(int(size) for size in input_shape[-ndim:])
        fn, get = self.function, self.argument
        if kind in ("max", "avg", "lp"):
            dilation = get("dilation") if kind == "max" else None
            padding = get("padding") if kind != "lp" else 0
            return _args.sliding_windows_for(fn, ndim, spatial, get("kernel_size"), get("stride"), padding, dilation,
                                             get("ceil_mode"))  # fmt: skip
        if kind in ("adaptive_max", "adaptive_avg"):
            return _args.adaptive_windows_for(fn, ndim, spatial, get("output_size"))
        if kind == "fractional_max":
            samples = get("_random_samples")
            if samples is None:
                raise ValueError(f"{fn}() windows are only fixed once _random_samples is given")
            kernel, sizes = _args.fractional_output_size(fn, ndim, spatial, get("kernel_size"), get("output_size"),
                                                         get("output_ratio"))  # fmt: skip
            samples = np.asarray(samples)
            batched = samples.ndim == 3
            sample = samples[plane] if batched else samples[plane[1]]
            return _args.fractional_windows_for(spatial, kernel, sizes, sample)
        raise ValueError(f"{fn}() scatters values back to indices; ask the max_pool call it undoes for its windows")

    # --- torch's spelling -------------------------------------------------------------------

    def explicit(self) -> list[tuple[str, object]]:
        """Arguments that differ from the defaults, in the functional signature's order."""
        return codegen.explicit(self.function, self.arguments)

    def functional_code(self, input_name: str = "x") -> str:
        return codegen.functional_code(self.function, self.arguments, input_name)

    def module_code(self) -> str:
        return codegen.module_code(self.function, self.arguments)

    def returns_indices(self) -> bool:
        return bool(self.arguments.get("return_indices", False))

    def script(self, input_code: str = "x = torch.randn(1, 1, 10)") -> str:
        """A runnable snippet: imports, the input, both forms."""
        return codegen.script(self.function, self.arguments, input_code)


def parameters(function: str) -> list[inspect.Parameter]:
    """See :func:`pooling_core.codegen.parameters`."""
    return codegen.parameters(function)
