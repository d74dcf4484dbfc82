"""Normalise and validate arguments once, at the boundary, in torch's rules and plain words.

Every check raises ``TypeError`` (wrong kind of value) or ``ValueError`` (a value that breaks
a rule) with a message that names the function, the parameter, its value and the rule.
"""

from __future__ import annotations

import numbers

import numpy as np

from .geometry import Windows, adaptive_windows, fractional_axis, fractional_starts, sliding_windows, unpool_size
from .geometry import output_size as _output_size

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
INT_DTYPES = tuple(np.dtype(t) for t in (np.int8, np.int16, np.int32, np.int64, np.uint8))
INT64_ONLY = (np.dtype(np.int64),)


def is_int(value) -> bool:
    """A Python or numpy integer, but not a bool (torch rejects bools as sizes)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def as_tuple(fn: str, name: str, value, ndim: int, *, allow_none_items: bool = False):
    """``int`` or a sequence of 1 or ``ndim`` ints → a tuple of ``ndim`` ints.

    A 1-tuple is broadcast for 2-D and 3-D ops, as torch does.
    """
    shape_words = "an int" if ndim == 1 else f"an int or a tuple of {ndim} ints"
    if is_int(value):
        return (int(value),) * ndim
    if isinstance(value, (tuple, list, np.ndarray)):
        items = list(value)
        for item in items:
            if item is None and allow_none_items:
                continue
            if not is_int(item):
                raise TypeError(
                    f"{fn}() {name} must be {shape_words}, but got {value!r} "
                    f"(it contains {type(item).__name__} {item!r})"
                )
        if len(items) == 1:
            items = items * ndim
        if len(items) != ndim:
            raise ValueError(
                f"{fn}() {name} must be a single int or a tuple of {ndim} ints, "
                f"but got {len(items)} values: {tuple(items)}"
            )
        return tuple(None if item is None else int(item) for item in items)
    raise TypeError(f"{fn}() {name} must be {shape_words}, but got {value!r} ({type(value).__name__})")


def as_stride(fn: str, stride, kernel_size: tuple[int, ...]) -> tuple[int, ...]:
    """``stride=None`` (or an empty sequence) means stride = kernel_size."""
    if stride is None or (isinstance(stride, (tuple, list)) and len(stride) == 0):
        return kernel_size
    return as_tuple(fn, "stride", stride, len(kernel_size))


def as_flag(fn: str, name: str, value) -> bool:
    """A real Python bool, as torch's C++ bindings demand (``np.True_`` and ``1`` are refused)."""
    if not isinstance(value, bool):
        raise TypeError(f"{fn}() {name} must be True or False, but got {value!r} ({type(value).__name__})")
    return bool(value)


def as_dispatch_flag(value) -> bool:
    """``return_indices``: torch picks the function on its truthiness, so any value is taken."""
    return bool(value)


def as_input(fn: str, input, ndim: int, dtypes: tuple[np.dtype, ...] = FLOAT_DTYPES, empty_ok: str = "batch"):
    """Check rank and dtype; return ``(array, batched)``.

    ``array`` always has a batch axis: ``(N, C, *spatial)``. Spatial dims are never empty;
    which other dims may be 0 differs between torch's kernels (``empty_ok``):
    ``"batch"`` the batch dim of a batched input (max, avg, lp pools); ``"first"`` the first
    dim, batch or (unbatched) channel (adaptive max, adaptive_avg_pool3d, fractional, unpool);
    ``"leading"`` any non-spatial dim (adaptive_avg_pool1d/2d); ``"any"`` every dim (an
    adaptive average to a single cell, which torch computes as a mean).
    """
    if not isinstance(input, np.ndarray):
        raise TypeError(f"{fn}() input must be a numpy array, but got {type(input).__name__}")
    if input.dtype not in dtypes:
        allowed = ", ".join(str(d) for d in dtypes)
        raise TypeError(f"{fn}() does not support input of dtype {input.dtype}; torch implements it for {allowed}")
    names = {1: "(C, L_in)", 2: "(C, H_in, W_in)", 3: "(C, D_in, H_in, W_in)"}[ndim]
    batched_names = "(N, " + names[1:]
    if input.ndim not in (ndim + 1, ndim + 2):
        raise ValueError(
            f"{fn}() expected a {ndim + 1}-D input {names} or a {ndim + 2}-D batched input "
            f"{batched_names}, but got an input of shape {tuple(input.shape)}"
        )
    batched = input.ndim == ndim + 2
    may_be_empty = {"batch": 1 if batched else 0, "first": 1, "leading": input.ndim - ndim, "any": input.ndim}[empty_ok]
    if any(size == 0 for size in input.shape[may_be_empty:]):
        which = {"batch": "the batch size", "first": "the first dim", "leading": "the batch and channel sizes"}
        raise ValueError(
            f"{fn}() expected non-empty channel and spatial dimensions (only {which[empty_ok]} may "
            f"be 0), but got an input of shape {tuple(input.shape)}"
        )
    return (input if batched else input[None]), batched


def check_pool_params(fn, kernel_size, stride, padding, dilation=None):
    """The sliding-window rules torch enforces, per dim."""
    for k in kernel_size:
        if k <= 0:
            raise ValueError(f"{fn}() kernel_size must be greater than zero, but got kernel_size={_show(kernel_size)}")
    for s in stride:
        if s <= 0:
            raise ValueError(f"{fn}() stride must be greater than zero, but got stride={_show(stride)}")
    if dilation is not None:
        for d in dilation:
            if d <= 0:
                raise ValueError(f"{fn}() dilation must be greater than zero, but got dilation={_show(dilation)}")
    for p in padding:
        if p < 0:
            raise ValueError(f"{fn}() padding must be non-negative, but got padding={_show(padding)}")
    for p, k in zip(padding, kernel_size, strict=True):
        # torch checks the raw kernel here, whatever the dilation.
        if p > k // 2:
            raise ValueError(
                f"{fn}() padding should be at most half of kernel_size, but got "
                f"padding={_show(padding)} and kernel_size={_show(kernel_size)}"
            )


def check_output_size(fn, input_shape, kernel_size, stride, padding, dilation, ceil_mode):
    """Every output dim must be >= 1; return the output spatial shape."""
    sizes = tuple(
        _output_size(L, k, s, p, d, ceil_mode)
        for L, k, s, p, d in zip(input_shape, kernel_size, stride, padding, dilation, strict=True)
    )
    if any(size <= 0 for size in sizes):
        raise ValueError(
            f"{fn}() output size is too small: input size {_show(input_shape)} gives output size "
            f"{_show(sizes)}. Each dim needs L_in + 2·padding ≥ dilation·(kernel_size − 1) + 1"
        )
    return sizes


def check_divisor(fn, divisor_override):
    if divisor_override is None:
        return None
    if not is_int(divisor_override):
        raise TypeError(
            f"{fn}() divisor_override must be an int or None, but got {divisor_override!r} "
            f"({type(divisor_override).__name__})"
        )
    if divisor_override == 0:
        raise ValueError(f"{fn}() divisor_override must be non-zero (divisor must be not zero), but got 0")
    return int(divisor_override)


def check_norm_type(fn, norm_type):
    if isinstance(norm_type, (bool, np.bool_)) or not isinstance(norm_type, numbers.Real):
        raise TypeError(f"{fn}() norm_type must be a number, but got {norm_type!r}")
    if norm_type == 0:
        raise ValueError(f"{fn}() norm_type must be non-zero (the result is (Σ x^p)^(1/p)), but got 0")
    return float(norm_type) if not is_int(norm_type) else int(norm_type)


def _show(values) -> str:
    values = tuple(values)
    return str(values[0]) if len(values) == 1 else str(values)


# --- from validated arguments to windows: the one way a call reaches its windows ------------------


def sliding_windows_for(fn, ndim, spatial, kernel_size, stride, padding, dilation, ceil_mode) -> Windows:
    """Validate a max/avg/lp call's window arguments for input ``spatial`` and build its windows.

    ``dilation`` is None for the functions that have none (avg, lp). Raises what torch raises,
    in plain words.
    """
    ceil_mode = as_flag(fn, "ceil_mode", ceil_mode)
    kernel_size = as_tuple(fn, "kernel_size", kernel_size, ndim)
    stride = as_stride(fn, stride, kernel_size)
    padding = as_tuple(fn, "padding", padding, ndim)
    dilations = as_tuple(fn, "dilation", dilation, ndim) if dilation is not None else (1,) * ndim
    check_pool_params(fn, kernel_size, stride, padding, dilations if dilation is not None else None)
    check_output_size(fn, spatial, kernel_size, stride, padding, dilations, ceil_mode)
    return sliding_windows(tuple(spatial), kernel_size, stride, padding, dilations, ceil_mode)


def adaptive_sizes(fn, ndim, output_size):
    """``output_size`` of an adaptive call as ``ndim`` entries (``None`` kept: that dim stays)."""
    if output_size is None:
        raise TypeError(f"{fn}() output_size must be an int or a tuple of {ndim} ints, but got None")
    # torch's 2-D/3-D adaptive kernels need all ndim sizes: a 1-tuple is not broadcast.
    if ndim > 1 and isinstance(output_size, (tuple, list)) and len(output_size) != ndim:
        raise ValueError(
            f"{fn}() output_size must be an int or a tuple of {ndim} sizes, but got {len(output_size)} "
            f"values: {tuple(output_size)}"
        )
    return as_tuple(fn, "output_size", output_size, ndim, allow_none_items=ndim > 1)


def adaptive_windows_for(fn, ndim, spatial, output_size) -> Windows:
    """The bins of an adaptive call over input ``spatial`` (``None`` keeps that dim's size)."""
    sizes = adaptive_sizes(fn, ndim, output_size)
    sizes = tuple(spatial[i] if size is None else size for i, size in enumerate(sizes))
    if any(size < 0 for size in sizes):
        raise ValueError(f"{fn}() output_size must be ≥ 0 in every dim, but got output_size={sizes}")
    return adaptive_windows(tuple(spatial), sizes)


def fractional_output_size(fn, ndim, spatial, kernel_size, output_size, output_ratio):
    """Validated ``(kernel_size, output_size)`` tuples of a fractional call over ``spatial``."""
    kernel_size = as_tuple(fn, "kernel_size", kernel_size, ndim)
    if output_size is None and output_ratio is None:
        raise ValueError(f"{fn}() requires specifying either an output_size or an output_ratio")
    if output_size is None:
        # torch's functional form takes a pair in 2-D (no single number), a number or a triple
        # in 3-D, and never broadcasts a 1-tuple.
        if isinstance(output_ratio, (tuple, list)):
            ratios = tuple(output_ratio)
        elif ndim == 3:
            ratios = (output_ratio,) * ndim
        else:
            raise TypeError(f"{fn}() output_ratio must be a tuple of 2 numbers, but got {output_ratio!r}")
        if len(ratios) != ndim or not all(isinstance(r, (int, float)) and not isinstance(r, bool) for r in ratios):
            raise TypeError(f"{fn}() output_ratio must be a tuple of {ndim} numbers, but got {output_ratio!r}")
        output_size = tuple(int(size * ratio) for size, ratio in zip(spatial, ratios, strict=True))
    output_size = as_tuple(fn, "output_size", output_size, ndim)
    for k in kernel_size:
        if k <= 0:
            raise ValueError(f"{fn}() kernel_size must be greater than zero, but got kernel_size={kernel_size}")
    for o in output_size:
        if o < 0:  # 0 gives an empty output, as in torch
            raise ValueError(f"{fn}() output_size must be non-negative, but got output_size={output_size}")
    names = ("height", "width") if ndim == 2 else ("time", "height", "width")
    for name, size, k, o in zip(names, spatial, kernel_size, output_size, strict=True):
        # torch's 2-D kernel needs o + k - 1 <= L; its 3-D kernel needs o + k - 1 < L.
        if (o + k - 1 > size) if ndim == 2 else (o + k - 1 >= size):
            rule = "≤" if ndim == 2 else "<"
            raise ValueError(
                f"{fn}() kernel_size {k} is too large relative to input {name} {size} for output "
                f"size {o}: needs output_size + kernel_size − 1 {rule} input size"
            )
    return kernel_size, output_size


def unpool_sizes(fn, ndim, spatial, kernel_size, stride, padding) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The default output size of a max_unpool call over input ``spatial``, and its stride."""
    kernel_size = as_tuple(fn, "kernel_size", kernel_size, ndim)
    stride = as_stride(fn, stride, kernel_size)
    padding = as_tuple(fn, "padding", padding, ndim)
    sizes = tuple(unpool_size(L, k, s, p) for L, k, s, p in zip(spatial, kernel_size, stride, padding, strict=True))
    return sizes, stride


# torch: in 2-D, sample[..., 0] drives the width and sample[..., 1] the height;
# in 3-D, sample[..., 0], [1], [2] drive time, height, width.
FRACTIONAL_SAMPLE_AXIS = {2: (1, 0), 3: (0, 1, 2)}


def fractional_plane_starts(spatial, kernel_size, output_size, samples) -> list[np.ndarray]:
    """Per axis, ``(N, C, O)`` window starts of every ``(n, c)`` plane of a fractional call, from
    its ``(N, C, ndim)`` random samples (the planes' :func:`fractional_windows_for`, at once)."""
    order = FRACTIONAL_SAMPLE_AXIS[len(spatial)]
    return [
        fractional_starts(samples[..., order[i]], size, o, k)
        for i, (size, k, o) in enumerate(zip(spatial, kernel_size, output_size, strict=True))
    ]


def fractional_windows_for(spatial, kernel_size, output_size, sample) -> Windows:
    """The windows of one ``(n, c)`` plane of a fractional call, from its ``(ndim,)`` random sample
    (validated sizes, see :func:`fractional_output_size`)."""
    order = FRACTIONAL_SAMPLE_AXIS[len(spatial)]
    return Windows(
        tuple(
            fractional_axis(fractional_starts(sample[order[i]], size, o, k), size, k)
            for i, (size, k, o) in enumerate(zip(spatial, kernel_size, output_size, strict=True))
        )
    )
