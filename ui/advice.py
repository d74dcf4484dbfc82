"""What to change when torch refuses a call: the rule's own words, and the nearest value that
works. No Streamlit here.

The valid value is found by asking the call itself (trying neighbouring values through
:meth:`pooling_core.PoolCall.run` on an input of the same shape), so no rule is written twice.

>>> import numpy as np
>>> from pooling_core import PoolCall
>>> call = PoolCall("max_pool1d", {"kernel_size": 2, "padding": 3})
>>> error = ValueError("max_pool1d() padding should be at most half of kernel_size, but got padding=3")
>>> suggestion(call, (1, 10), error)
'padding must be at most 1 here'
>>> suggestion(PoolCall("max_pool1d", {"kernel_size": 12}), (1, 10), ValueError("output size is too small"))
'kernel_size must be at most 10 here'
"""

from __future__ import annotations

import itertools
import re

import numpy as np

from pooling_core import PoolCall

# The arguments a person sets, in the order a message is searched for them.
TUNABLE = ("divisor_override", "output_size", "norm_type", "dilation", "padding", "stride", "kernel_size")
MAX_TRIED = 24


def _works(call: PoolCall, input_shape: tuple[int, ...]) -> bool:
    try:
        call.run(np.zeros(input_shape, dtype=np.float32))
    except (ValueError, TypeError):
        return False
    return True


def _named(message: str, call: PoolCall) -> list[str]:
    """The call's tunable arguments the message mentions, first mention first (then the rest)."""
    found = sorted(
        (match.start(), name)
        for name in TUNABLE
        if name in call.arguments or name == "kernel_size"
        for match in [re.search(rf"\b{name}\b", message)]
        if match
    )
    named = [name for _, name in found]
    if "output size" in message.lower() or "smaller than kernel" in message.lower():
        # The window does not fit: a smaller window is the first thing to try, then the rest.
        fits = ["kernel_size", "dilation", "padding"]
        named = fits + [name for name in named if name not in fits]
    return named


def _candidates(value, low: int) -> list:
    """Values near ``value``, nearest first (ints, or per-axis changes of a tuple)."""
    if isinstance(value, bool) or value is None:
        return [low]
    if isinstance(value, int):
        near = sorted(range(low, max(value, low) + MAX_TRIED), key=lambda v: (abs(v - value), v))
        return [v for v in near if v != value]
    if isinstance(value, tuple) and all(isinstance(v, int) for v in value):
        options = [sorted(range(low, max(v, low) + MAX_TRIED), key=lambda c, v=v: (abs(c - v), c))[:8] for v in value]
        combos = sorted(
            itertools.product(*options), key=lambda c: (sum(abs(a - b) for a, b in zip(c, value, strict=True)), c)
        )
        return [combo for combo in combos if combo != value]
    return []


def suggestion(call: PoolCall, input_shape: tuple[int, ...], error: Exception) -> str | None:
    """``"padding must be at most 1 here"``: the nearest value of the argument the error names
    that makes the call work on an input of ``input_shape``; None if no nearby value does."""
    message = str(error)
    for name in _named(message, call):
        current = call.arguments.get(name)
        low = {"padding": 0, "divisor_override": 1}.get(name, 1)
        for value in _candidates(current, low):
            if _works(call.with_arguments(**{name: value}), input_shape):
                if isinstance(current, int) and isinstance(value, int) and not isinstance(current, bool):
                    return f"{name} must be at {'most' if value < current else 'least'} {value} here"
                shown = ", ".join(map(str, value)) if isinstance(value, tuple) else str(value)
                return f"try {name} = {shown}"
    return None
