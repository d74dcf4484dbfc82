"""File names that carry the state: the function and every argument that differs from torch's
default, short (``max_pool1d_k3_s1_p1.gif``), and for a PNG the link's step (``_step4``: the URL's
``step=4``, shown as "Step 5 of …").

>>> from pooling_core import PoolCall
>>> stem(PoolCall("max_pool1d", {"kernel_size": 3, "stride": 1, "padding": 1}))
'max_pool1d_k3_s1_p1'
>>> filename(PoolCall("avg_pool2d", {"kernel_size": (2, 3), "ceil_mode": True, "count_include_pad": False}), "gif")
'avg_pool2d_k2x3_ceil_nopadcount.gif'
>>> filename(PoolCall("lp_pool1d", {"norm_type": 1.5, "kernel_size": 2}), "png", step=0, extra=("zoom",))
'lp_pool1d_norm1.5_k2_zoom_step0.png'

Fractional pooling's ``_random_samples`` (they place its windows) are written to three digits:

>>> import numpy as np
>>> samples = np.array([[[0.6369617, 0.26978672]]], dtype=np.float32)
>>> stem(PoolCall("fractional_max_pool2d", {"kernel_size": 2, "output_size": 4, "_random_samples": samples}))
'fractional_max_pool2d_k2_out4_u0.637x0.27'
"""

from __future__ import annotations

import re

import numpy as np

from pooling_core import PoolCall

SHORT = {"kernel_size": "k", "stride": "s", "padding": "p", "dilation": "d", "divisor_override": "div",
         "output_size": "out", "norm_type": "norm", "_random_samples": "u"}  # fmt: skip
FLAGS = {("ceil_mode", True): "ceil", ("count_include_pad", False): "nopadcount", ("return_indices", True): "idx"}


def _value(value) -> str:
    if isinstance(value, np.ndarray):  # fractional pooling's samples, one per pooled axis
        return "x".join(format(float(part), ".3g") for part in value.ravel())
    if isinstance(value, (tuple, list)):
        return "x".join(_value(part) for part in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def stem(call: PoolCall) -> str:
    """The call's part of a file name: the function, then each explicit argument."""
    parts = [call.function]
    for name, value in call.explicit():
        if isinstance(value, bool):
            flag = FLAGS.get((name, value))
            if flag:
                parts.append(flag)
        else:
            parts.append(SHORT.get(name, name) + _value(value))
    return "_".join(parts)


def filename(call: PoolCall, extension: str, *, step: int | None = None, extra: tuple[str, ...] = ()) -> str:
    """``<stem>[_<extra>…][_step<N>].<extension>``, safe on every file system."""
    parts = [stem(call), *extra] + ([f"step{int(step)}"] if step is not None else [])
    name = "_".join(part for part in parts if part)
    return re.sub(r"[^A-Za-z0-9_.x-]+", "-", name) + "." + extension.lstrip(".")
