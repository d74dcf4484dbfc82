r"""Pooling functions on numpy arrays, with ``torch.nn.functional``'s names and signatures.

Every function takes a batched ``(N, C, *spatial)`` or unbatched ``(C, *spatial)`` array and
pools the last 1, 2 or 3 axes, each channel of each sample on its own. Results equal
torch's: shapes, dtypes, values, and ``return_indices`` (int64 offsets into the flattened
spatial plane of each ``(n, c)`` slice: ``w``, ``h*W + w`` or ``(t*H + h)*W + w``).

Validation happens once, here, with torch's rules in plain words (``ValueError`` for a value
that breaks a rule, ``TypeError`` for a wrong kind of value).
"""

from __future__ import annotations

import math

import numpy as np

from . import _args
from ._adaptive import max_adaptive, max_values_adaptive, sum_adaptive
from ._fractional import max_fractional
from ._kernels import (
    divide,
    max_reduce_gather,
    max_values_strided,
    max_with_indices_strided,
    power,
    scatter_planes,
    scratch_array,
    sum_gather,
    sum_strided,
)
from .geometry import product

__all__ = [
    "max_pool1d", "max_pool2d", "max_pool3d",
    "avg_pool1d", "avg_pool2d", "avg_pool3d",
    "lp_pool1d", "lp_pool2d", "lp_pool3d",
    "adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_max_pool3d",
    "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d",
    "fractional_max_pool2d", "fractional_max_pool3d",
    "max_unpool1d", "max_unpool2d", "max_unpool3d",
]  # fmt: skip


def _unbatch(result, batched: bool):
    return result if batched else result[0]


# --- max pooling ----------------------------------------------------------------------------


def _max_pool(fn, ndim, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    return_indices = _args.as_dispatch_flag(return_indices)
    ceil_mode = _args.as_flag(fn, "ceil_mode", ceil_mode)
    # torch's 1-D kernel without indices is float-only; with indices it runs the 2-D kernel.
    dtypes = _args.FLOAT_DTYPES if (ndim == 1 and not return_indices) else _args.FLOAT_DTYPES + _args.INT_DTYPES
    batch, batched = _args.as_input(fn, input, ndim, dtypes)
    windows = _args.sliding_windows_for(fn, ndim, batch.shape[2:], kernel_size, stride, padding, dilation, ceil_mode)
    if return_indices:
        values, indices = max_with_indices_strided(batch, windows)
        return _unbatch(values, batched), _unbatch(indices, batched)
    return _unbatch(max_values_strided(batch, windows), batched)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    r"""1-D max pooling: the largest value in each window.

    .. math::
        \text{out}(N_i, C_j, l) = \max_{m=0}^{k-1} \text{input}(N_i, C_j, s \cdot l + d \cdot m - p)

    Cells of the implicit padding act as :math:`-\infty`, so they never win. In the output
    ``L_out = ⌊(L_in + 2p − d(k−1) − 1)/s⌋ + 1`` (``⌈ ⌉`` with ``ceil_mode``, dropping a last
    window that would start in the right padding).

    Args:
        input: ``(N, C, L_in)`` or ``(C, L_in)`` array.
        kernel_size: window length ``k``.
        stride: step ``s`` between windows. Default: ``kernel_size`` (unlike convolution).
        padding: ``p`` implicit ``-inf`` cells on both sides, at most ``kernel_size // 2``.
        dilation: ``d``, the gap between taps of a window.
        ceil_mode: round ``L_out`` up instead of down.
        return_indices: also return the position of each maximum (ties → the first; a NaN
            wins, and the last NaN of a window is reported).

    Shape:
        ``(N, C, L_in)`` → ``(N, C, L_out)``; ``(C, L_in)`` → ``(C, L_out)``.

    Example — the lecture's sequence, non-overlapping blocks of 2:

    >>> x = np.array([[1, 4, -1, 0, 2, -2, 1, 3, 3, 1]], dtype=np.float32)
    >>> max_pool1d(x, kernel_size=2)
    array([[4., 0., 2., 3., 3.]], dtype=float32)
    >>> values, indices = max_pool1d(x, 3, stride=1, padding=1, return_indices=True)
    >>> indices
    array([[1, 1, 1, 4, 4, 4, 7, 7, 7, 8]])
    """
    return _max_pool("max_pool1d", 1, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    r"""2-D max pooling over each channel of each sample separately.

    .. math::
        \text{out}(N_i, C_j, h, w) = \max_{m=0}^{k_H-1} \max_{n=0}^{k_W-1}
            \text{input}(N_i, C_j, s_H h + d_H m - p_H,\ s_W w + d_W n - p_W)

    ``kernel_size``, ``stride``, ``padding`` and ``dilation`` are an int ``k`` (meaning
    ``(k, k)``) or a pair ``(h, w)``. Padding acts as ``-inf``. Per axis,
    ``H_out = ⌊(H_in + 2p − d(k−1) − 1)/s⌋ + 1``; with no padding and the default stride
    that is ``⌊H_in / k_H⌋``. Indices are ``h * W_in + w`` per ``(n, c)`` plane.

    Shape:
        ``(N, C, H_in, W_in)`` → ``(N, C, H_out, W_out)``; ``(C, H, W)`` → ``(C, H_out, W_out)``.

    Example — the lecture's tensor of shape (1, 2, 2, 6) with a (1, 2) kernel:

    >>> x = np.array([[[[1, 2, 1, 1, 0, 2], [2, 1, 1, 0, 2, 0]],
    ...                [[0, 2, 1, 1, 2, 2], [1, 1, 1, 1, 0, 0]]]], dtype=np.float32)
    >>> max_pool2d(x, (1, 2))
    array([[[[2., 1., 2.],
             [2., 1., 2.]],
    <BLANKLINE>
            [[2., 1., 2.],
             [1., 1., 0.]]]], dtype=float32)
    """
    return _max_pool("max_pool2d", 2, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """3-D max pooling; :func:`max_pool2d` with a depth axis ``D`` in front of ``H, W``.

    Indices are ``(d * H_in + h) * W_in + w``.

    >>> x = np.arange(8, dtype=np.float64).reshape(1, 2, 2, 2)
    >>> max_pool3d(x, 2, return_indices=True)
    (array([[[[7.]]]]), array([[[[7]]]]))
    """
    return _max_pool("max_pool3d", 3, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


# --- average pooling ------------------------------------------------------------------------


def _avg_setup(fn, ndim, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override,
               dtypes=_args.FLOAT_DTYPES + _args.INT64_ONLY):  # fmt: skip
    """Validate an avg-pool call; return ``(batch, batched, windows, divisor)`` (the gradient shares it).

    ``divisor`` is one int when every window shares it, else an ``(*O,)`` int64 array.
    """
    ceil_mode = _args.as_flag(fn, "ceil_mode", ceil_mode)  # checked before the input, as torch does
    count_include_pad = _args.as_flag(fn, "count_include_pad", count_include_pad)
    divisor_override = _args.check_divisor(fn, divisor_override)
    batch, batched = _args.as_input(fn, input, ndim, dtypes)
    spatial = batch.shape[2:]
    windows = _args.sliding_windows_for(fn, ndim, spatial, kernel_size, stride, padding, None, ceil_mode)
    kernel_size = tuple(axis.kernel_size for axis in windows.axes)
    if ndim == 3 and any(size < k for size, k in zip(spatial, kernel_size, strict=True)):
        # avg_pool3d alone checks this, and ignores padding when it does.
        raise ValueError(
            f"{fn}() input is smaller than kernel_size: input size {spatial} < kernel_size "
            f"{kernel_size} in some dim (avg_pool3d requires input ≥ kernel_size per dim, "
            "whatever the padding)"
        )
    divisor = windows.uniform_divisor(count_include_pad, divisor_override)
    if divisor is None:
        divisor = windows.divisor(count_include_pad, divisor_override)
    return batch, batched, windows, divisor


def _avg_pool(fn, ndim, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    batch, batched, windows, divisor = _avg_setup(
        fn, ndim, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override
    )
    result = divide(sum_strided(batch, windows), np.asarray(divisor, dtype=np.int64))
    return _unbatch(result, batched)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    r"""1-D average pooling: the mean of each window.

    .. math::
        \text{out}(N_i, C_j, l) = \frac{1}{\text{divisor}} \sum_{m=0}^{k-1}
            \text{input}(N_i, C_j, s \cdot l + m - p)

    Padding cells count as zeros. The divisor is the window clipped to the padded input
    (``count_include_pad=True``, the default) or the number of real cells (``False``).
    With ``ceil_mode``, cells hanging past ``L_in + p`` never count.

    Args:
        input: ``(N, C, L_in)`` or ``(C, L_in)``.
        kernel_size, stride (default ``kernel_size``), padding (≤ ``kernel_size // 2``),
        ceil_mode, count_include_pad: as in torch.

    >>> x = np.array([[1, 2, 3, 4, 5]], dtype=np.float32)
    >>> avg_pool1d(x, 3, 2, padding=1, ceil_mode=True)
    array([[1., 3., 3.]], dtype=float32)
    >>> avg_pool1d(x, 3, 2, padding=1, ceil_mode=True, count_include_pad=False)
    array([[1.5, 3. , 4.5]], dtype=float32)
    """
    return _avg_pool("avg_pool1d", 1, input, kernel_size, stride, padding, ceil_mode, count_include_pad, None)


def avg_pool2d(
    input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None
):
    r"""2-D average pooling over each channel of each sample.

    .. math::
        \text{out}(N_i, C_j, h, w) = \frac{1}{\text{divisor}} \sum_{m=0}^{k_H-1} \sum_{n=0}^{k_W-1}
            \text{input}(N_i, C_j, s_H h + m - p_H,\ s_W w + n - p_W)

    ``divisor_override`` (any non-zero int) replaces the divisor. The sum is accumulated in
    the input dtype and divided once; int64 inputs divide with truncation, as in torch.

    >>> x = np.arange(16, dtype=np.float64).reshape(1, 4, 4)
    >>> avg_pool2d(x, 2)
    array([[[ 2.5,  4.5],
            [10.5, 12.5]]])
    >>> avg_pool2d(x, 2, divisor_override=1)  # plain window sums
    array([[[10., 18.],
            [42., 50.]]])
    """
    return _avg_pool(
        "avg_pool2d", 2, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override
    )


def avg_pool3d(
    input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None
):
    """3-D average pooling; needs ``input ≥ kernel_size`` per dim, whatever the padding.

    >>> avg_pool3d(np.ones((1, 2, 2, 2)), 2, divisor_override=4)
    array([[[[2.]]]])
    """
    return _avg_pool(
        "avg_pool3d", 3, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override
    )


# --- power-average (Lp) pooling -----------------------------------------------------------


def _in_terms_of(fn, inner, *args):
    """Call ``inner`` for ``fn`` (lp pooling is built on avg/max pooling), reporting errors
    under ``fn``'s name: a person who called lp_pool1d should not read about avg_pool1d."""
    try:
        return inner(*args)
    except (ValueError, TypeError) as error:
        message = str(error)
        prefix = f"{inner.__name__}()"
        if message.startswith(prefix):
            raise type(error)(f"{fn}(){message[len(prefix) :]}") from None
        raise


def _lp_validate(fn, ndim, input, norm_type, kernel_size, dtypes=_args.FLOAT_DTYPES + _args.INT_DTYPES):
    """The checks of an lp-pool call that its avg/max pool does not make; returns ``norm_type``."""
    norm_type = _args.check_norm_type(fn, norm_type)
    _args.as_input(fn, input, ndim, dtypes)  # kind and rank
    # torch unpacks exactly ndim kernel sizes in 2-D/3-D (so a 1-tuple is not broadcast) and,
    # for a finite norm_type, multiplies by a 1-D kernel_size itself (so it must be an int).
    if ndim > 1 and isinstance(kernel_size, (tuple, list)) and len(kernel_size) != ndim:
        raise ValueError(
            f"{fn}() kernel_size must be an int or a tuple of {ndim} ints, but got {len(kernel_size)} "
            f"values: {tuple(kernel_size)}"
        )
    if abs(norm_type) == np.inf:
        return norm_type
    # torch's x.pow(p) keeps an integer dtype for an int p (avg_pool then takes only int64),
    # and makes float32 of any integer input for a float p.
    int_power = _args.is_int(norm_type)
    allowed = _args.FLOAT_DTYPES + (_args.INT64_ONLY if int_power else _args.INT_DTYPES)
    _args.as_input(fn, input, ndim, tuple(dtype for dtype in dtypes if dtype in allowed))
    if int_power and norm_type < 0 and np.issubdtype(input.dtype, np.integer):
        raise ValueError(
            f"{fn}() cannot raise integers to the negative power norm_type={norm_type} "
            "(torch: integers to negative integer powers are not allowed)"
        )
    if ndim == 1 and not _args.is_int(kernel_size):
        raise TypeError(f"{fn}() kernel_size must be an int, but got {kernel_size!r} ({type(kernel_size).__name__})")
    return norm_type


def _lp_pool(fn, ndim, input, norm_type, kernel_size, stride, ceil_mode):
    norm_type = _lp_validate(fn, ndim, input, norm_type, kernel_size)
    max_fn = {1: max_pool1d, 2: max_pool2d, 3: max_pool3d}[ndim]
    avg_fn = {1: avg_pool1d, 2: avg_pool2d, 3: avg_pool3d}[ndim]
    if norm_type == np.inf:
        return _in_terms_of(fn, max_fn, np.abs(input), kernel_size, stride, 0, 1, ceil_mode)
    if norm_type == -np.inf:
        return -_in_terms_of(fn, max_fn, -np.abs(input), kernel_size, stride, 0, 1, ceil_mode)
    # torch: (sign(a)·relu(|a|) · K)^(1/p) with a = avg_pool(x^p); negatives stay negative.
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):  # NaN/inf as in torch
        if np.issubdtype(input.dtype, np.integer) and _args.is_int(norm_type):
            powered = input**norm_type
        else:
            if np.issubdtype(input.dtype, np.integer):
                input = input.astype(np.float32)  # torch promotes to float32 for a float norm_type
            # x^p lives only until it is averaged: a reused buffer spares a fresh allocation per call
            powered = power(input, norm_type, out=scratch_array("lp powered", np.shape(input), input.dtype))
    averaged = _in_terms_of(fn, avg_fn, powered, kernel_size, stride, 0, ceil_mode)
    window = _args.sliding_windows_for(fn, ndim, input.shape[-ndim:], kernel_size, stride, 0, None, ceil_mode)
    taps = product(window.window_shape)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):  # inf and NaN as in torch
        if np.issubdtype(averaged.dtype, np.integer):
            scaled = (averaged * taps).astype(np.float32)
        else:  # averaged is a fresh array of ours: scale and take the root in place
            scaled = np.multiply(averaged, averaged.dtype.type(taps), out=averaged)
        scaled += 0  # turns -0.0 into +0.0, as torch's sign·relu does
        return power(scaled, 1.0 / norm_type, out=scaled)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    r"""1-D power-average pooling: :math:`f(X) = \sqrt[p]{\sum_{x \in X} x^p}` per window.

    ``p = 1`` is sum pooling, ``p = ∞`` max of ``|x|``. There is no padding. Computed as torch
    does, ``(avg_pool(x^p) · k)^(1/p)``, so negative inputs are raised to ``p`` as they are.

    >>> lp_pool1d(np.array([[3.0, 4.0, 1.0, 1.0]]), 2, 2)
    array([[5.        , 1.41421356]])
    """
    return _lp_pool("lp_pool1d", 1, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """2-D power-average pooling; see :func:`lp_pool1d`.

    >>> lp_pool2d(np.full((1, 2, 2), 2.0), 1, 2)
    array([[[8.]]])
    """
    return _lp_pool("lp_pool2d", 2, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """3-D power-average pooling; see :func:`lp_pool1d`.

    >>> lp_pool3d(np.full((1, 2, 2, 2), -1.0), float("inf"), 2)
    array([[[[1.]]]])
    """
    return _lp_pool("lp_pool3d", 3, input, norm_type, kernel_size, stride, ceil_mode)


# --- adaptive pooling ---------------------------------------------------------------------


def _adaptive_setup(fn, ndim, input, output_size):
    sizes = _args.adaptive_sizes(fn, ndim, output_size)
    batch, batched = _args.as_input(fn, input, ndim, empty_ok=_adaptive_empty_ok(fn, ndim, input, sizes))
    return batch, batched, _args.adaptive_windows_for(fn, ndim, batch.shape[2:], output_size)


def _adaptive_empty_ok(fn, ndim, input, sizes) -> str:
    """Which dims torch lets be empty (see ``_args.as_input``)."""
    if not fn.startswith("adaptive_avg"):
        return "first"
    # torch computes an all-ones adaptive average as input.mean(), which takes any empty dim
    # (an empty window averages to NaN).
    if _all_ones(input, sizes, ndim):
        return "any"
    return "leading" if ndim < 3 else "first"


def _all_ones(input, sizes, ndim) -> bool:
    """True when the output is one cell per plane (``None`` sizes resolved against ``input``)."""
    spatial = getattr(input, "shape", ())[-ndim:]
    if len(spatial) != ndim:
        return False
    return all((dim if size is None else size) == 1 for size, dim in zip(sizes, spatial, strict=True))


def _adaptive_max(fn, ndim, input, output_size, return_indices):
    return_indices = _args.as_dispatch_flag(return_indices)
    batch, batched, windows = _adaptive_setup(fn, ndim, input, output_size)
    if batch.size == 0 or 0 in windows.output_shape:
        values, indices = max_reduce_gather(batch, windows)
    elif return_indices:
        values, indices = max_adaptive(batch, windows)
    else:
        return _unbatch(max_values_adaptive(batch, windows), batched)
    if return_indices:
        return _unbatch(values, batched), _unbatch(indices, batched)
    return _unbatch(values, batched)


def _adaptive_avg(fn, ndim, input, output_size):
    # (torch's Python wrapper asks for rank > ndim only when output_size is a sequence)
    rank = input.ndim if isinstance(input, np.ndarray) else -1
    if ndim > 1 and (rank > ndim + 2 or (rank == ndim and _args.is_int(output_size))):
        sizes = output_size if isinstance(output_size, (tuple, list)) else (output_size,) * ndim
        if len(sizes) == ndim and _all_ones(input, sizes, ndim):
            # torch computes a one-cell output as input.mean(last ndim dims, keepdim=True), so
            # it takes any rank >= ndim: pool as one batch of planes, put the leading dims back.
            lead, spatial = input.shape[:-ndim], input.shape[-ndim:]
            planes = input.reshape((1, math.prod(lead)) + spatial)
            result = _adaptive_avg(fn, ndim, planes, (1,) * ndim)
            return result.reshape(lead + (1,) * ndim)
    batch, batched, windows = _adaptive_setup(fn, ndim, input, output_size)
    empty = batch.size == 0 or 0 in windows.output_shape
    result = sum_gather(batch, windows) if empty else sum_adaptive(batch, windows)
    # torch divides once per dim, in order: sum / k_H / k_W.
    for i, axis in enumerate(windows.axes):
        shape = [1] * ndim
        shape[i] = axis.output_size
        sizes = axis.pool_size
        # equal bins divide by one number: broadcasting a short row of divisors runs numpy's
        # inner loop a few cells at a time (8x64x7x7 sums: 14 us against 3)
        divisor = sizes[:1] if sizes.size and (sizes == sizes[0]).all() else sizes.reshape(shape)
        with np.errstate(invalid="ignore"):  # 0/0: the mean of an empty input is NaN
            result = divide(result, divisor)
    return _unbatch(result, batched)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """Max over ``output_size`` bins that cover the input: bin ``i`` is
    ``[⌊i·L/O⌋, ⌈(i+1)·L/O⌉)``; bins may overlap, and ``O > L`` is allowed.

    >>> adaptive_max_pool1d(np.array([[1.0, 5.0, 2.0, 0.0, 3.0]]), 3, return_indices=True)
    (array([[5., 5., 3.]]), array([[1, 1, 4]]))
    """
    return _adaptive_max("adaptive_max_pool1d", 1, input, output_size, return_indices)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """2-D adaptive max; ``output_size`` entries may be ``None`` (keep that dim).

    >>> adaptive_max_pool2d(np.arange(16.0).reshape(1, 4, 4), (1, None))
    array([[[12., 13., 14., 15.]]])
    """
    return _adaptive_max("adaptive_max_pool2d", 2, input, output_size, return_indices)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    """3-D adaptive max; see :func:`adaptive_max_pool2d`.

    >>> adaptive_max_pool3d(np.arange(8.0).reshape(1, 2, 2, 2), 1)
    array([[[[7.]]]])
    """
    return _adaptive_max("adaptive_max_pool3d", 3, input, output_size, return_indices)


def adaptive_avg_pool1d(input, output_size):
    """Mean over ``output_size`` bins; see :func:`adaptive_max_pool1d`.

    >>> adaptive_avg_pool1d(np.array([[1.0, 2.0, 3.0, 4.0]]), 2)
    array([[1.5, 3.5]])
    """
    return _adaptive_avg("adaptive_avg_pool1d", 1, input, output_size)


def adaptive_avg_pool2d(input, output_size):
    """2-D adaptive mean; ``output_size=1`` is global average pooling.

    >>> adaptive_avg_pool2d(np.arange(16.0).reshape(1, 4, 4), 1)
    array([[[7.5]]])
    """
    return _adaptive_avg("adaptive_avg_pool2d", 2, input, output_size)


def adaptive_avg_pool3d(input, output_size):
    """3-D adaptive mean; see :func:`adaptive_avg_pool2d`.

    >>> adaptive_avg_pool3d(np.arange(8.0).reshape(1, 2, 2, 2), 1)
    array([[[[3.5]]]])
    """
    return _adaptive_avg("adaptive_avg_pool3d", 3, input, output_size)


# --- fractional max pooling ---------------------------------------------------------------


def _fractional_plan(fn, ndim, input, kernel_size, output_size, output_ratio, samples, generator):
    """Validate a fractional call; return ``(batch, batched, kernel_size, output_size, samples)``
    (the gradient shares it). Draws the samples when none are given."""
    batch, batched = _args.as_input(fn, input, ndim, empty_ok="first")
    spatial = batch.shape[2:]
    kernel_size, output_size = _args.fractional_output_size(fn, ndim, spatial, kernel_size, output_size, output_ratio)
    count = batch.shape[0]
    if samples is None:
        rng = np.random.default_rng(generator)
        samples = rng.random((count, batch.shape[1], ndim)).astype(batch.dtype)
    if not isinstance(samples, np.ndarray):
        raise TypeError(f"{fn}() _random_samples must be a numpy array, got {type(samples).__name__}")
    if samples.dtype != batch.dtype:
        raise TypeError(f"{fn}() _random_samples must have the input's dtype {batch.dtype}, got {samples.dtype}")
    if samples.ndim != 3 or samples.shape[0] < count or samples.shape[1] != batch.shape[1] or samples.shape[2] != ndim:
        raise ValueError(
            f"{fn}() _random_samples must have shape (N, C, {ndim}) = ({count}, {batch.shape[1]}, {ndim}), "
            f"but got {samples.shape}"
        )
    return batch, batched, kernel_size, output_size, samples


def _fractional(fn, ndim, input, kernel_size, output_size, output_ratio, return_indices, samples, generator):
    return_indices = _args.as_dispatch_flag(return_indices)
    batch, batched, kernel_size, output_size, samples = _fractional_plan(
        fn, ndim, input, kernel_size, output_size, output_ratio, samples, generator
    )
    values, indices = _fractional_winners(batch, kernel_size, output_size, samples)
    if return_indices:
        return _unbatch(values, batched), _unbatch(indices, batched)
    return _unbatch(values, batched)


def _fractional_winners(batch, kernel_size, output_size, samples):
    """``(values, indices)`` of a fractional max pool on ``(N, C, *spatial)`` ``batch``, as
    :func:`_fractional_plan` resolved its sizes and samples (its gradient uses them too)."""
    count, spatial = batch.shape[0], batch.shape[2:]
    if batch.size == 0 or 0 in output_size:
        shape = batch.shape[:2] + output_size
        return np.empty(shape, dtype=batch.dtype), np.zeros(shape, dtype=np.int64)
    starts = _args.fractional_plane_starts(spatial, kernel_size, output_size, samples[:count])
    return max_fractional(batch, kernel_size, starts)


def fractional_max_pool2d(
    input,
    kernel_size,
    output_size=None,
    output_ratio=None,
    return_indices=False,
    _random_samples=None,
    *,
    generator=None,
):
    """Fractional max pooling (Graham, 2014): ``k×k`` windows at pseudo-random steps.

    Window starts per dim come from one sample ``u`` in [0, 1) per ``(n, c)`` and dim::

        alpha = (L − k)/(O − 1),  start_i = int((i + u)·alpha) − int(u·alpha),  last = L − k

    Deterministic when ``_random_samples`` (shape ``(N, C, 2)``, the input's dtype) is given,
    as in torch; otherwise drawn from ``numpy.random.default_rng(generator)``, so an int
    ``generator`` seeds it.

    >>> x = np.arange(25, dtype=np.float32).reshape(1, 5, 5)
    >>> u = np.full((1, 1, 2), 0.5, dtype=np.float32)
    >>> fractional_max_pool2d(x, 2, output_size=3, _random_samples=u)
    array([[[ 6.,  8.,  9.],
            [16., 18., 19.],
            [21., 23., 24.]]], dtype=float32)
    """
    return _fractional(
        "fractional_max_pool2d", 2, input, kernel_size, output_size, output_ratio, return_indices,
        _random_samples, generator,
    )  # fmt: skip


def fractional_max_pool3d(
    input,
    kernel_size,
    output_size=None,
    output_ratio=None,
    return_indices=False,
    _random_samples=None,
    *,
    generator=None,
):
    """3-D fractional max pooling; see :func:`fractional_max_pool2d`.

    >>> x = np.arange(27, dtype=np.float64).reshape(1, 3, 3, 3)
    >>> fractional_max_pool3d(x, 2, output_size=1, generator=0)
    array([[[[26.]]]])
    """
    return _fractional(
        "fractional_max_pool3d", 3, input, kernel_size, output_size, output_ratio, return_indices,
        _random_samples, generator,
    )  # fmt: skip


# --- max unpooling --------------------------------------------------------------------------


def _unpool_plan(fn, ndim, input, indices, kernel_size, stride, padding, output_size, dtypes=_args.FLOAT_DTYPES,
                 check_indices=True):  # fmt: skip
    """Validate an unpool call; return ``(batch, batched, sizes, flat_indices)`` (the gradient shares it).

    ``sizes`` is the output's spatial shape; ``flat_indices`` the ``(N, C, plane)`` indices (checked
    unless ``check_indices=False``: the forward's scatter checks them as it writes), or None when the
    output is empty (torch then never looks at them).
    """
    batch, batched = _args.as_input(fn, input, ndim, dtypes, empty_ok="first")
    if not isinstance(indices, np.ndarray) or indices.dtype != np.int64:
        raise TypeError(f"{fn}() indices must be an int64 numpy array (as returned by return_indices=True)")
    if indices.shape != input.shape:
        raise ValueError(
            f"{fn}() indices must have the input's shape {tuple(input.shape)}, but got {tuple(indices.shape)}"
        )
    default, stride = _args.unpool_sizes(fn, ndim, batch.shape[2:], kernel_size, stride, padding)
    if output_size is None:
        sizes = default
    else:
        if not isinstance(output_size, (tuple, list)) or not all(_args.is_int(size) for size in output_size):
            raise TypeError(
                f"{fn}() output_size must be a tuple of {ndim} (or {ndim + 2}) ints, but got {output_size!r}"
            )
        sizes = tuple(int(size) for size in output_size)
        if len(sizes) == ndim + 2:
            sizes = sizes[2:]
        if len(sizes) != ndim:
            raise ValueError(
                f"{fn}() output_size must have {ndim} or {ndim + 2} elements, but got {len(sizes)}: {output_size!r}"
            )
        for dim, (size, base, s) in enumerate(zip(sizes, default, stride, strict=True)):
            if not (base - s < size < base + s):
                raise ValueError(
                    f"{fn}() invalid output_size {tuple(output_size)}: dim {dim} must be strictly between "
                    f"{base - s} and {base + s}"
                )
    if any(size < 0 for size in sizes):
        raise ValueError(f"{fn}() the unpooled output size {sizes} must be non-negative in every dim")
    plane = math.prod(sizes)
    if plane == 0:  # torch returns the empty output without looking at the indices
        return batch, batched, sizes, None
    # the plane's size spelled out: -1 cannot be inferred when the batch is empty
    flat_indices = (indices if batched else indices[None]).reshape(batch.shape[:2] + (product(batch.shape[2:]),))
    # two reductions find out whether any index is bad (the forward's scatter checks them as it goes)
    if check_indices and flat_indices.size and (flat_indices.min() < 0 or flat_indices.max() >= plane):
        _bad_index(fn, flat_indices, sizes)
    return batch, batched, sizes, flat_indices


def _bad_index(fn, flat_indices, sizes):
    plane = product(sizes)
    bad = (flat_indices < 0) | (flat_indices >= plane)
    raise ValueError(
        f"{fn}() found an invalid max index {int(flat_indices[bad][0])}: the output planes have "
        f"size {'x'.join(map(str, sizes))} = {plane} cells"
    )


def _max_unpool(fn, ndim, input, indices, kernel_size, stride, padding, output_size):
    batch, batched, sizes, flat_indices = _unpool_plan(fn, ndim, input, indices, kernel_size, stride, padding,
                                                       output_size, check_indices=False)  # fmt: skip
    if flat_indices is None or batch.size == 0:  # nothing to scatter: zeros (an empty batch has no index)
        return np.zeros(input.shape[: input.ndim - ndim] + sizes, dtype=input.dtype)
    out = scatter_planes(batch.reshape(flat_indices.shape), flat_indices, product(sizes))
    if out is None:
        _bad_index(fn, flat_indices, sizes)
    return _unbatch(out.reshape(batch.shape[:2] + sizes), batched)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Partial inverse of :func:`max_pool1d`: each value goes back to its index, zeros elsewhere.

    Default output length ``(L_in − 1)·stride + kernel_size − 2·padding``.

    >>> values, indices = max_pool1d(np.array([[1.0, 4.0, -1.0, 0.0]]), 2, return_indices=True)
    >>> max_unpool1d(values, indices, 2)
    array([[0., 4., 0., 0.]])
    """
    return _max_unpool("max_unpool1d", 1, input, indices, kernel_size, stride, padding, output_size)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Partial inverse of :func:`max_pool2d`; see :func:`max_unpool1d`.

    >>> x = np.arange(16.0).reshape(1, 4, 4)
    >>> max_unpool2d(*max_pool2d(x, 2, return_indices=True), 2)[0, :2]
    array([[0., 0., 0., 0.],
           [0., 5., 0., 7.]])
    """
    return _max_unpool("max_unpool2d", 2, input, indices, kernel_size, stride, padding, output_size)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Partial inverse of :func:`max_pool3d`; see :func:`max_unpool1d`.

    >>> x = np.arange(8.0).reshape(1, 2, 2, 2)
    >>> max_unpool3d(*max_pool3d(x, 2, return_indices=True), 2).ravel().tolist()
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 7.0]
    """
    return _max_unpool("max_unpool3d", 3, input, indices, kernel_size, stride, padding, output_size)
