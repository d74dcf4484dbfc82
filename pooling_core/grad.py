r"""The backward pass: the gradient of every pooling function with respect to its input.

Named after ``torch.nn.grad.conv2d_input``: for each pooling function ``F`` of pooling_core,
``F_input(input, grad_output, <F's other arguments>)`` returns

.. math::
    \text{grad\_input} = \frac{\partial}{\partial\,\text{input}}
        \sum_o F(\text{input})_o \cdot \text{grad\_output}_o

with ``input``'s shape and dtype, exactly what ``torch.autograd`` puts in ``input.grad`` after
``F(input).backward(grad_output)``. Each output ``o`` depends on the cells of its window only,
so its upstream gradient ``grad_output[o]`` flows back into that window:

* **max** (``max_pool``, ``adaptive_max_pool``, ``fractional_max_pool``): all of it to the one
  cell that won the window (the first maximum, as torch's ``indices`` say). A cell that wins
  several overlapping windows collects their sum; padding never wins, so it gets nothing.
* **average** (``avg_pool``, ``adaptive_avg_pool``): ``grad_output[o] / divisor`` to every
  real cell of the window, the transpose of the window sum.
* **power average** (``lp_pool``): the chain rule through torch's own formula
  ``(sign(a)·relu(|a|)·K)^(1/p)``, ``a = avg_pool(x^p)``, which for positive inputs is
  ``∂y/∂x_i = (x_i / y)^(p−1)``.
* **unpool** (``max_unpool``): each input value was written to one output cell, so it takes
  that cell's gradient back.

>>> import numpy as np
>>> x = np.array([[1, 4, -1, 0, 2, -2, 1, 3, 3, 1]], dtype=np.float32)
>>> max_pool1d_input(x, np.ones((1, 5), dtype=np.float32), kernel_size=2)  # the winners get 1
array([[0., 1., 0., 1., 1., 0., 0., 1., 1., 0.]], dtype=float32)

Arguments are validated as the forward validates them (same rules, same words), plus the
gradient's own: ``input`` must be floating point (torch: "only Tensors of floating point dtype
can require gradients"), and ``grad_output`` must have the shape of the forward's output. Like
torch's autograd, ``grad_output`` of another numeric dtype is cast to ``input``'s dtype.
"""

from __future__ import annotations

import numbers

import numpy as np

from . import _args, functional
from . import _grad_kernels as kernels
from ._adaptive import max_adaptive
from .geometry import product

__all__ = [
    "max_pool1d_input", "max_pool2d_input", "max_pool3d_input",
    "avg_pool1d_input", "avg_pool2d_input", "avg_pool3d_input",
    "lp_pool1d_input", "lp_pool2d_input", "lp_pool3d_input",
    "adaptive_max_pool1d_input", "adaptive_max_pool2d_input", "adaptive_max_pool3d_input",
    "adaptive_avg_pool1d_input", "adaptive_avg_pool2d_input", "adaptive_avg_pool3d_input",
    "fractional_max_pool2d_input", "fractional_max_pool3d_input",
    "max_unpool1d_input", "max_unpool2d_input", "max_unpool3d_input",
]  # fmt: skip


# --- the gradient's own checks ------------------------------------------------------------


def _float_input(fn, input, ndim, empty_ok="batch"):
    """``(batch, batched)`` like the forward's input check, refusing integer inputs first."""
    if isinstance(input, np.ndarray) and input.dtype.kind in "biu":
        raise TypeError(
            f"{fn}() needs a floating-point input: only floating-point arrays have a gradient (torch: "
            f'"only Tensors of floating point dtype can require gradients"), but got an input of dtype {input.dtype}'
        )
    return _args.as_input(fn, input, ndim, _args.FLOAT_DTYPES, empty_ok)


def _upstream(fn, grad_output, batch, batched, output_shape):
    """``grad_output`` as a batched ``(N, C, *O)`` array of the input's dtype.

    Its shape must be the forward's output shape (unbatched if the input is); like torch's
    autograd, any real dtype is cast to the input's dtype.
    """
    if not isinstance(grad_output, np.ndarray):
        raise TypeError(f"{fn}() grad_output must be a numpy array, but got {type(grad_output).__name__}")
    if grad_output.dtype.kind not in "biuf":
        raise TypeError(f"{fn}() grad_output must hold real numbers, but got dtype {grad_output.dtype}")
    expected = tuple(batch.shape[:2] if batched else batch.shape[1:2]) + tuple(output_shape)
    if grad_output.shape != expected:
        raise ValueError(
            f"{fn}() grad_output must have the shape of the forward's output: this input of shape "
            f"{_shape_of(batch, batched)} pools to shape {expected}, but grad_output has shape {grad_output.shape}"
        )
    upstream = grad_output.astype(batch.dtype, copy=False)
    return upstream if batched else upstream[None]


def _shape_of(batch, batched):
    return tuple(batch.shape if batched else batch.shape[1:])


def _unbatch(result, batched):
    return result if batched else result[0]


# --- max pooling ---------------------------------------------------------------------------


def _max_pool_input(fn, ndim, input, grad_output, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    _args.as_dispatch_flag(return_indices)  # accepted, as the forward's; the gradient is the same
    ceil_mode = _args.as_flag(fn, "ceil_mode", ceil_mode)
    batch, batched = _float_input(fn, input, ndim)
    windows = _args.sliding_windows_for(fn, ndim, batch.shape[2:], kernel_size, stride, padding, dilation, ceil_mode)
    upstream = _upstream(fn, grad_output, batch, batched, windows.output_shape)
    return _unbatch(kernels.max_sliding_input(batch, windows, upstream), batched)


def max_pool1d_input(
    input, grad_output, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    r"""Gradient of :func:`~pooling_core.max_pool1d` with respect to its input.

    Each window passes its whole upstream gradient to the cell that won it, the first maximum
    (torch's ``return_indices``); every other cell of the window gets nothing:

    .. math::
        \text{grad\_input}(N_i, C_j, m) = \sum_{l\,:\ \text{index}(N_i, C_j, l) = m}
            \text{grad\_output}(N_i, C_j, l)

    A cell that wins several overlapping windows (``stride < kernel_size``) collects the sum;
    padding never wins, so it gets nothing. A NaN wins its window (the last NaN, as in the
    forward). A window with no input cell at all (possible with dilation) passes nothing back:
    torch reports an index outside the plane there and writes past it.

    Args:
        input: ``(N, C, L_in)`` or ``(C, L_in)`` float array, the forward's input.
        grad_output: ``(N, C, L_out)`` or ``(C, L_out)``, the gradient of the loss with respect
            to the forward's output (any real dtype; cast to ``input``'s).
        kernel_size, stride, padding, dilation, ceil_mode: as in
            :func:`~pooling_core.max_pool1d`.
        return_indices: accepted so that a forward call's arguments can be passed on; the
            gradient is the same either way.

    Shape:
        ``input`` ``(N, C, L_in)`` and ``grad_output`` ``(N, C, L_out)`` → ``(N, C, L_in)``;
        unbatched ``(C, ·)`` the same without ``N``.

    Example — the lecture's sequence: the winners of the blocks of 2 get the gradient:

    >>> x = np.array([[1, 4, -1, 0, 2, -2, 1, 3, 3, 1]], dtype=np.float32)
    >>> max_pool1d_input(x, np.ones((1, 5), dtype=np.float32), kernel_size=2)
    array([[0., 1., 0., 1., 1., 0., 0., 1., 1., 0.]], dtype=float32)

    With overlapping windows (size 3, stride 1), the 4 wins two windows, the 2 and the first of
    the tied 3s win three each:

    >>> max_pool1d_input(x, np.ones((1, 8), dtype=np.float32), 3, stride=1)
    array([[0., 2., 0., 0., 3., 0., 0., 3., 0., 0.]], dtype=float32)
    """
    return _max_pool_input("max_pool1d_input", 1, input, grad_output, kernel_size, stride, padding, dilation,
                           ceil_mode, return_indices)  # fmt: skip


def max_pool2d_input(
    input, grad_output, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    r"""Gradient of :func:`~pooling_core.max_pool2d` with respect to its input.

    .. math::
        \text{grad\_input}(N_i, C_j, h, w) = \sum_{(h', w')\,:\ \text{index}(h', w') = h \cdot W_{in} + w}
            \text{grad\_output}(N_i, C_j, h', w')

    The winner of a window is its first maximum in row-major scan order (so of two equal
    cells, the upper, then the left one), as torch's indices say.

    Args:
        input: ``(N, C, H_in, W_in)`` or ``(C, H_in, W_in)`` float array.
        grad_output: ``(N, C, H_out, W_out)`` or ``(C, H_out, W_out)``.
        kernel_size, stride, padding, dilation, ceil_mode, return_indices: as in
            :func:`~pooling_core.max_pool2d` (``return_indices`` does not change the gradient).

    Shape:
        ``(N, C, H_in, W_in)`` and ``(N, C, H_out, W_out)`` → ``(N, C, H_in, W_in)``.

    Example — a 3×3 window sliding by 1 over a 3×4 plane; the 9 wins both windows:

    >>> x = np.array([[[1, 2, 0, 1], [0, 9, 3, 0], [4, 0, 5, 2]]], dtype=np.float64)
    >>> max_pool2d_input(x, np.array([[[1.0, 10.0]]]), 3, stride=1)
    array([[[ 0.,  0.,  0.,  0.],
            [ 0., 11.,  0.,  0.],
            [ 0.,  0.,  0.,  0.]]])
    """
    return _max_pool_input("max_pool2d_input", 2, input, grad_output, kernel_size, stride, padding, dilation,
                           ceil_mode, return_indices)  # fmt: skip


def max_pool3d_input(
    input, grad_output, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    r"""Gradient of :func:`~pooling_core.max_pool3d`; :func:`max_pool2d_input` with a depth axis.

    .. math::
        \text{grad\_input}(N_i, C_j, d, h, w) = \sum_{o\,:\ \text{index}(o) = (d H_{in} + h) W_{in} + w}
            \text{grad\_output}(N_i, C_j, o)

    Args:
        input: ``(N, C, D_in, H_in, W_in)`` or ``(C, D_in, H_in, W_in)`` float array.
        grad_output: ``(N, C, D_out, H_out, W_out)`` or ``(C, D_out, H_out, W_out)``.
        kernel_size, stride, padding, dilation, ceil_mode, return_indices: as in
            :func:`~pooling_core.max_pool3d`.

    Shape:
        ``(N, C, D_in, H_in, W_in)`` and ``(N, C, D_out, H_out, W_out)`` → ``input``'s shape.

    >>> x = np.arange(8, dtype=np.float32).reshape(1, 2, 2, 2)
    >>> max_pool3d_input(x, np.full((1, 1, 1, 1), 5, dtype=np.float32), 2).ravel()
    array([0., 0., 0., 0., 0., 0., 0., 5.], dtype=float32)
    """
    return _max_pool_input("max_pool3d_input", 3, input, grad_output, kernel_size, stride, padding, dilation,
                           ceil_mode, return_indices)  # fmt: skip


# --- average pooling -----------------------------------------------------------------------


def _spread(batch, windows, upstream, divisor):
    """The average pool's gradient: each output's ``upstream / divisor`` spread over its window."""
    delta = kernels.scratch_like("delta", upstream)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        np.divide(upstream, np.asarray(divisor, dtype=batch.dtype), out=delta)
    return kernels.spread_sliding(batch.shape, windows, delta)


def _avg_pool_input(fn, ndim, input, grad_output, kernel_size, stride, padding, ceil_mode, count_include_pad,
                    divisor_override):  # fmt: skip
    if isinstance(input, np.ndarray) and input.dtype.kind in "biu":
        _float_input(fn, input, ndim)  # the gradient's TypeError, before the others
    batch, batched, windows, divisor = functional._avg_setup(
        fn, ndim, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override,
        dtypes=_args.FLOAT_DTYPES,
    )  # fmt: skip
    upstream = _upstream(fn, grad_output, batch, batched, windows.output_shape)
    return _unbatch(_spread(batch, windows, upstream, divisor), batched)


def avg_pool1d_input(input, grad_output, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    r"""Gradient of :func:`~pooling_core.avg_pool1d` with respect to its input.

    Every real cell of window ``l`` gets ``grad_output[l] / divisor_l``, and a cell in several
    windows the sum:

    .. math::
        \text{grad\_input}(N_i, C_j, m) = \sum_{l\,:\ m \in \text{window}(l)}
            \frac{\text{grad\_output}(N_i, C_j, l)}{\text{divisor}_l}

    The divisor is the forward's: the window clipped to ``[-p, L_in + p)`` with
    ``count_include_pad=True``, else its number of real cells. Padding cells take their share
    of the divisor but, not being input, receive nothing.

    Args:
        input: ``(N, C, L_in)`` or ``(C, L_in)`` float array.
        grad_output: ``(N, C, L_out)`` or ``(C, L_out)``.
        kernel_size, stride, padding, ceil_mode, count_include_pad: as in
            :func:`~pooling_core.avg_pool1d`.

    Shape:
        ``(N, C, L_in)`` and ``(N, C, L_out)`` → ``(N, C, L_in)``.

    Example — windows of 3 by 2 with one padding cell: each window spreads 1/3; the middle
    cell of the input is in two windows:

    >>> x = np.zeros((1, 5), dtype=np.float32)
    >>> avg_pool1d_input(x, np.ones((1, 3), dtype=np.float32), 3, stride=2, padding=1)
    array([[0.33333334, 0.6666667 , 0.33333334, 0.6666667 , 0.33333334]], dtype=float32)
    """
    return _avg_pool_input("avg_pool1d_input", 1, input, grad_output, kernel_size, stride, padding, ceil_mode,
                           count_include_pad, None)  # fmt: skip


def avg_pool2d_input(
    input,
    grad_output,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
):
    r"""Gradient of :func:`~pooling_core.avg_pool2d` with respect to its input.

    .. math::
        \text{grad\_input}(N_i, C_j, h, w) = \sum_{(h', w')\,:\ (h, w) \in \text{window}(h', w')}
            \frac{\text{grad\_output}(N_i, C_j, h', w')}{\text{divisor}_{h', w'}}

    ``divisor_override`` (any non-zero int, negative too) replaces every divisor, as in the
    forward.

    Args:
        input: ``(N, C, H_in, W_in)`` or ``(C, H_in, W_in)`` float array.
        grad_output: ``(N, C, H_out, W_out)`` or ``(C, H_out, W_out)``.
        kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override: as in
            :func:`~pooling_core.avg_pool2d`.

    Shape:
        ``(N, C, H_in, W_in)`` and ``(N, C, H_out, W_out)`` → ``(N, C, H_in, W_in)``.

    >>> avg_pool2d_input(np.zeros((1, 2, 4)), np.array([[[8.0, 4.0]]]), 2)
    array([[[2., 2., 1., 1.],
            [2., 2., 1., 1.]]])
    >>> avg_pool2d_input(np.zeros((1, 2, 4)), np.array([[[8.0, 4.0]]]), 2, divisor_override=-1)
    array([[[-8., -8., -4., -4.],
            [-8., -8., -4., -4.]]])
    """
    return _avg_pool_input("avg_pool2d_input", 2, input, grad_output, kernel_size, stride, padding, ceil_mode,
                           count_include_pad, divisor_override)  # fmt: skip


def avg_pool3d_input(
    input,
    grad_output,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
):
    r"""Gradient of :func:`~pooling_core.avg_pool3d`; :func:`avg_pool2d_input` with a depth axis.

    .. math::
        \text{grad\_input}(N_i, C_j, d, h, w) = \sum_{o\,:\ (d, h, w) \in \text{window}(o)}
            \frac{\text{grad\_output}(N_i, C_j, o)}{\text{divisor}_o}

    Args:
        input: ``(N, C, D_in, H_in, W_in)`` or ``(C, D_in, H_in, W_in)`` float array
            (``input ≥ kernel_size`` per dim, as the forward requires).
        grad_output: ``(N, C, D_out, H_out, W_out)`` or ``(C, D_out, H_out, W_out)``.
        kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override: as in
            :func:`~pooling_core.avg_pool3d`.

    Shape:
        ``(N, C, D_in, H_in, W_in)`` and ``(N, C, D_out, H_out, W_out)`` → ``input``'s shape.

    >>> avg_pool3d_input(np.zeros((1, 2, 2, 2)), np.full((1, 1, 1, 1), 8.0), 2).ravel()
    array([1., 1., 1., 1., 1., 1., 1., 1.])
    """
    return _avg_pool_input("avg_pool3d_input", 3, input, grad_output, kernel_size, stride, padding, ceil_mode,
                           count_include_pad, divisor_override)  # fmt: skip


# --- power-average (Lp) pooling ------------------------------------------------------------


def _lp_pool_input(fn, ndim, input, grad_output, norm_type, kernel_size, stride, ceil_mode):
    if isinstance(input, np.ndarray) and input.dtype.kind in "biu":
        _float_input(fn, input, ndim)
    norm_type = functional._lp_validate(fn, ndim, input, norm_type, kernel_size, dtypes=_args.FLOAT_DTYPES)
    batch, batched = _args.as_input(fn, input, ndim)
    if abs(norm_type) == np.inf:
        # torch: max_pool(|x|) for inf, -max_pool(-|x|) for -inf; then abs's gradient, · sign(x).
        windows = _args.sliding_windows_for(fn, ndim, batch.shape[2:], kernel_size, stride, 0, 1, ceil_mode)
        upstream = _upstream(fn, grad_output, batch, batched, windows.output_shape)
        if norm_type == np.inf:
            through_abs = kernels.max_sliding_input(np.abs(batch), windows, upstream)
        else:
            through_abs = -kernels.max_sliding_input(-np.abs(batch), windows, -upstream)
        with np.errstate(invalid="ignore"):  # inf · 0 = NaN, as in torch
            return _unbatch(through_abs * kernels.torch_sign(batch), batched)
    batch, batched, windows, divisor = functional._avg_setup(
        fn, ndim, input, kernel_size, stride, 0, ceil_mode, True, None, dtypes=_args.FLOAT_DTYPES
    )  # the forward's average of x^p: its rules, and its divisor (partial windows of ceil mode)
    upstream = _upstream(fn, grad_output, batch, batched, windows.output_shape)
    return _unbatch(kernels.lp_sliding_input(batch, windows, upstream, norm_type, divisor), batched)


def lp_pool1d_input(input, grad_output, norm_type, kernel_size, stride=None, ceil_mode=False):
    r"""Gradient of :func:`~pooling_core.lp_pool1d` with respect to its input.

    For a window with output :math:`y = (\sum_m x_m^p)^{1/p}`, calculus gives

    .. math::
        \frac{\partial y}{\partial x_m} = \left(\frac{x_m}{y}\right)^{p-1}

    and a cell in several windows collects the sum over them, each weighted by its
    ``grad_output``. The gradient is computed as torch's autograd computes it, through the
    forward's own formula ``y = (sign(a)·relu(|a|)·K)^(1/p)`` with ``a = avg_pool(x^p)``, so
    it has torch's values at the edges too: a window whose power sum is 0 passes back 0 (the
    relu's gradient); a negative power sum (odd ``p``) or a negative input under a fractional
    ``p`` gives NaN. ``norm_type = inf`` is the gradient of ``max_pool(|x|)`` times
    ``sign(x)`` (``-inf``: of ``-max_pool(-|x|)``).

    Args:
        input: ``(N, C, L_in)`` or ``(C, L_in)`` float array.
        grad_output: ``(N, C, L_out)`` or ``(C, L_out)``.
        norm_type, kernel_size, stride, ceil_mode: as in :func:`~pooling_core.lp_pool1d`.

    Shape:
        ``(N, C, L_in)`` and ``(N, C, L_out)`` → ``(N, C, L_in)``.

    Example — p = 2: the window (3, 4) has norm 5, so the gradient is (3/5, 4/5):

    >>> lp_pool1d_input(np.array([[3.0, 4.0, 0.0, 0.0]]), np.ones((1, 2)), 2, 2)
    array([[0.6, 0.8, 0. , 0. ]])
    """
    return _lp_pool_input("lp_pool1d_input", 1, input, grad_output, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d_input(input, grad_output, norm_type, kernel_size, stride=None, ceil_mode=False):
    r"""Gradient of :func:`~pooling_core.lp_pool2d`; see :func:`lp_pool1d_input`.

    .. math::
        \frac{\partial y_{h', w'}}{\partial x_{h, w}} = \left(\frac{x_{h, w}}{y_{h', w'}}\right)^{p-1}
        \quad\text{for } (h, w) \in \text{window}(h', w')

    Args:
        input: ``(N, C, H_in, W_in)`` or ``(C, H_in, W_in)`` float array.
        grad_output: ``(N, C, H_out, W_out)`` or ``(C, H_out, W_out)``.
        norm_type, kernel_size, stride, ceil_mode: as in :func:`~pooling_core.lp_pool2d`.

    Shape:
        ``(N, C, H_in, W_in)`` and ``(N, C, H_out, W_out)`` → ``(N, C, H_in, W_in)``.

    Example — p = 1 is sum pooling: every cell gets its window's gradient:

    >>> lp_pool2d_input(np.ones((1, 2, 4)), np.array([[[1.0, 2.0]]]), 1, 2)
    array([[[1., 1., 2., 2.],
            [1., 1., 2., 2.]]])
    """
    return _lp_pool_input("lp_pool2d_input", 2, input, grad_output, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d_input(input, grad_output, norm_type, kernel_size, stride=None, ceil_mode=False):
    r"""Gradient of :func:`~pooling_core.lp_pool3d`; see :func:`lp_pool1d_input`.

    .. math::
        \frac{\partial y_o}{\partial x_{d, h, w}} = \left(\frac{x_{d, h, w}}{y_o}\right)^{p-1}
        \quad\text{for } (d, h, w) \in \text{window}(o)

    Args:
        input: ``(N, C, D_in, H_in, W_in)`` or ``(C, D_in, H_in, W_in)`` float array.
        grad_output: ``(N, C, D_out, H_out, W_out)`` or ``(C, D_out, H_out, W_out)``.
        norm_type, kernel_size, stride, ceil_mode: as in :func:`~pooling_core.lp_pool3d`.

    Shape:
        ``(N, C, D_in, H_in, W_in)`` and ``(N, C, D_out, H_out, W_out)`` → ``input``'s shape.

    Example — p = inf is max of ``|x|``: the largest magnitude wins, with its sign:

    >>> x = np.array([[[[1.0, -3.0], [2.0, 0.0]]]])
    >>> lp_pool3d_input(x, np.ones((1, 1, 1, 1)), float("inf"), (1, 2, 2))
    array([[[[ 0., -1.],
             [ 0.,  0.]]]])
    """
    return _lp_pool_input("lp_pool3d_input", 3, input, grad_output, norm_type, kernel_size, stride, ceil_mode)


# --- adaptive pooling ----------------------------------------------------------------------


def _nonempty_output(fn, windows):
    """torch's adaptive backward kernels refuse an empty output (though its gradient is all zeros)."""
    if 0 in windows.output_shape:
        raise ValueError(
            f"{fn}() output size {windows.output_shape} is empty: torch's backward refuses an empty output "
            '("Expected grad_output to have non-zero size for non-batch dimensions"), so ours does too'
        )


def _adaptive_max_input(fn, ndim, input, grad_output, output_size, return_indices):
    _args.as_dispatch_flag(return_indices)
    if isinstance(input, np.ndarray) and input.dtype.kind in "biu":
        _float_input(fn, input, ndim)
    batch, batched, windows = functional._adaptive_setup(fn, ndim, input, output_size)
    _nonempty_output(fn, windows)
    upstream = _upstream(fn, grad_output, batch, batched, windows.output_shape)
    tiles = windows.as_sliding()  # equal bins side by side: sliding windows, and their fast path
    if tiles is not None:
        return _unbatch(kernels.max_sliding_input(batch, tiles, upstream), batched)
    if batch.size:  # the forward's winners (its fast path), then one flat scatter: torch's own way
        _, indices = max_adaptive(batch, windows)
        return _unbatch(kernels.scatter_add(batch.shape, indices, upstream), batched)
    return _unbatch(kernels.max_input_definition(batch, windows, upstream), batched)


def _adaptive_avg_input(fn, ndim, input, grad_output, output_size):
    if isinstance(input, np.ndarray) and input.dtype.kind in "biu":
        _float_input(fn, input, ndim)
    # (the forward's ranks: a one-cell output is torch's input.mean(), which takes any rank >= ndim)
    rank = input.ndim if isinstance(input, np.ndarray) else -1
    if ndim > 1 and (rank > ndim + 2 or (rank == ndim and _args.is_int(output_size))):
        sizes = output_size if isinstance(output_size, (tuple, list)) else (output_size,) * ndim
        if len(sizes) == ndim and functional._all_ones(input, sizes, ndim):
            lead, spatial = input.shape[:-ndim], input.shape[-ndim:]
            if not isinstance(grad_output, np.ndarray) or grad_output.shape != lead + (1,) * ndim:
                planes = np.zeros((1, product(lead)) + spatial, dtype=input.dtype)
                _upstream(fn, grad_output, planes, True, (1,) * ndim)  # raises, naming the shapes
            planes = input.reshape((1, product(lead)) + spatial)
            upstream = grad_output.reshape((1, product(lead)) + (1,) * ndim)
            return _adaptive_avg_input(fn, ndim, planes, upstream, (1,) * ndim).reshape(input.shape)
    batch, batched, windows = functional._adaptive_setup(fn, ndim, input, output_size)
    _nonempty_output(fn, windows)
    upstream = _upstream(fn, grad_output, batch, batched, windows.output_shape)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if all(size == 1 for size in windows.output_shape):
            # torch computes this output as input.mean(), whose gradient divides once by the count
            delta = upstream / batch.dtype.type(product(batch.shape[2:]))
        else:
            # torch divides by each dim's bin length in turn, as its forward does: g / k_H / k_W
            delta = upstream
            for i, axis in enumerate(windows.axes):
                shape = [1] * ndim
                shape[i] = axis.output_size
                delta = delta / axis.pool_size.reshape(shape).astype(batch.dtype)
    return _unbatch(kernels.spread_adaptive(batch.shape, windows, delta), batched)


def adaptive_max_pool1d_input(input, grad_output, output_size, return_indices=False):
    r"""Gradient of :func:`~pooling_core.adaptive_max_pool1d` with respect to its input.

    Bin ``l`` covers ``[⌊l·L_in/L_out⌋, ⌈(l+1)·L_in/L_out⌉)``; its gradient goes to its first
    maximum. Bins overlap when the sizes don't divide (and repeat when ``L_out > L_in``), so a
    cell can win several of them and collect the sum:

    .. math::
        \text{grad\_input}(N_i, C_j, m) = \sum_{l\,:\ \text{index}(l) = m} \text{grad\_output}(N_i, C_j, l)

    Args:
        input: ``(N, C, L_in)`` or ``(C, L_in)`` float array.
        grad_output: ``(N, C, L_out)`` or ``(C, L_out)``.
        output_size, return_indices: as in :func:`~pooling_core.adaptive_max_pool1d`
            (``return_indices`` does not change the gradient).

    Shape:
        ``(N, C, L_in)`` and ``(N, C, L_out)`` → ``(N, C, L_in)``.

    Example — 3 bins over 5 cells, [0, 2), [1, 4), [3, 5): the 5 wins the first two:

    >>> adaptive_max_pool1d_input(np.array([[1.0, 5.0, 2.0, 0.0, 3.0]]), np.ones((1, 3)), 3)
    array([[0., 2., 0., 0., 1.]])
    """
    return _adaptive_max_input("adaptive_max_pool1d_input", 1, input, grad_output, output_size, return_indices)


def adaptive_max_pool2d_input(input, grad_output, output_size, return_indices=False):
    r"""Gradient of :func:`~pooling_core.adaptive_max_pool2d`; see :func:`adaptive_max_pool1d_input`.

    .. math::
        \text{grad\_input}(N_i, C_j, h, w) = \sum_{(h', w')\,:\ \text{index}(h', w') = h \cdot W_{in} + w}
            \text{grad\_output}(N_i, C_j, h', w')

    Args:
        input: ``(N, C, H_in, W_in)`` or ``(C, H_in, W_in)`` float array.
        grad_output: ``(N, C, H_out, W_out)`` or ``(C, H_out, W_out)``.
        output_size, return_indices: as in :func:`~pooling_core.adaptive_max_pool2d`
            (``None`` keeps a dim's size).

    Shape:
        ``(N, C, H_in, W_in)`` and ``(N, C, H_out, W_out)`` → ``(N, C, H_in, W_in)``.

    Example — global max pooling: the one maximum takes the whole gradient:

    >>> adaptive_max_pool2d_input(np.array([[[1.0, 7.0], [7.0, 2.0]]]), np.array([[[3.0]]]), 1)
    array([[[0., 3.],
            [0., 0.]]])
    """
    return _adaptive_max_input("adaptive_max_pool2d_input", 2, input, grad_output, output_size, return_indices)


def adaptive_max_pool3d_input(input, grad_output, output_size, return_indices=False):
    r"""Gradient of :func:`~pooling_core.adaptive_max_pool3d`; see :func:`adaptive_max_pool1d_input`.

    .. math::
        \text{grad\_input}(N_i, C_j, d, h, w) = \sum_{o\,:\ \text{index}(o) = (d H_{in} + h) W_{in} + w}
            \text{grad\_output}(N_i, C_j, o)

    Args:
        input: ``(N, C, D_in, H_in, W_in)`` or ``(C, D_in, H_in, W_in)`` float array.
        grad_output: ``(N, C, D_out, H_out, W_out)`` or ``(C, D_out, H_out, W_out)``.
        output_size, return_indices: as in :func:`~pooling_core.adaptive_max_pool3d`.

    Shape:
        ``(N, C, D_in, H_in, W_in)`` and ``(N, C, D_out, H_out, W_out)`` → ``input``'s shape.

    >>> adaptive_max_pool3d_input(np.arange(8.0).reshape(1, 2, 2, 2), np.ones((1, 1, 1, 1)), 1).ravel()
    array([0., 0., 0., 0., 0., 0., 0., 1.])
    """
    return _adaptive_max_input("adaptive_max_pool3d_input", 3, input, grad_output, output_size, return_indices)


def adaptive_avg_pool1d_input(input, grad_output, output_size):
    r"""Gradient of :func:`~pooling_core.adaptive_avg_pool1d` with respect to its input.

    Bin ``l`` (see :func:`adaptive_max_pool1d_input`) spreads ``grad_output[l] / |bin l|`` over
    its cells; a cell in several bins gets the sum:

    .. math::
        \text{grad\_input}(N_i, C_j, m) = \sum_{l\,:\ m \in \text{bin}(l)}
            \frac{\text{grad\_output}(N_i, C_j, l)}{|\text{bin}(l)|}

    Args:
        input: ``(N, C, L_in)`` or ``(C, L_in)`` float array.
        grad_output: ``(N, C, L_out)`` or ``(C, L_out)``.
        output_size: as in :func:`~pooling_core.adaptive_avg_pool1d`.

    Shape:
        ``(N, C, L_in)`` and ``(N, C, L_out)`` → ``(N, C, L_in)``.

    Example — 2 bins over 3 cells, [0, 2) and [1, 3): the middle cell is in both:

    >>> adaptive_avg_pool1d_input(np.zeros((1, 3)), np.array([[2.0, 4.0]]), 2)
    array([[1., 3., 2.]])
    """
    return _adaptive_avg_input("adaptive_avg_pool1d_input", 1, input, grad_output, output_size)


def adaptive_avg_pool2d_input(input, grad_output, output_size):
    r"""Gradient of :func:`~pooling_core.adaptive_avg_pool2d`; see :func:`adaptive_avg_pool1d_input`.

    .. math::
        \text{grad\_input}(N_i, C_j, h, w) = \sum_{(h', w')\,:\ (h, w) \in \text{bin}(h', w')}
            \frac{\text{grad\_output}(N_i, C_j, h', w')}{|\text{bin}_H(h')| \cdot |\text{bin}_W(w')|}

    Args:
        input: ``(N, C, H_in, W_in)`` or ``(C, H_in, W_in)`` float array.
        grad_output: ``(N, C, H_out, W_out)`` or ``(C, H_out, W_out)``.
        output_size: as in :func:`~pooling_core.adaptive_avg_pool2d` (``None`` keeps a dim).

    Shape:
        ``(N, C, H_in, W_in)`` and ``(N, C, H_out, W_out)`` → ``(N, C, H_in, W_in)``.

    Example — global average pooling spreads the gradient evenly:

    >>> adaptive_avg_pool2d_input(np.zeros((1, 2, 2)), np.array([[[8.0]]]), 1)
    array([[[2., 2.],
            [2., 2.]]])
    """
    return _adaptive_avg_input("adaptive_avg_pool2d_input", 2, input, grad_output, output_size)


def adaptive_avg_pool3d_input(input, grad_output, output_size):
    r"""Gradient of :func:`~pooling_core.adaptive_avg_pool3d`; see :func:`adaptive_avg_pool1d_input`.

    .. math::
        \text{grad\_input}(N_i, C_j, d, h, w) = \sum_{o\,:\ (d, h, w) \in \text{bin}(o)}
            \frac{\text{grad\_output}(N_i, C_j, o)}{|\text{bin}(o)|}

    Args:
        input: ``(N, C, D_in, H_in, W_in)`` or ``(C, D_in, H_in, W_in)`` float array.
        grad_output: ``(N, C, D_out, H_out, W_out)`` or ``(C, D_out, H_out, W_out)``.
        output_size: as in :func:`~pooling_core.adaptive_avg_pool3d`.

    Shape:
        ``(N, C, D_in, H_in, W_in)`` and ``(N, C, D_out, H_out, W_out)`` → ``input``'s shape.

    >>> adaptive_avg_pool3d_input(np.zeros((1, 2, 2, 2)), np.full((1, 1, 1, 1), 4.0), 1).ravel()
    array([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5])
    """
    return _adaptive_avg_input("adaptive_avg_pool3d_input", 3, input, grad_output, output_size)


# --- fractional max pooling ----------------------------------------------------------------


def _fractional_input(fn, ndim, input, grad_output, kernel_size, output_size, output_ratio, return_indices,
                      samples, generator):  # fmt: skip
    _args.as_dispatch_flag(return_indices)
    batch, batched = _float_input(fn, input, ndim, empty_ok="first")
    _args.fractional_output_size(fn, ndim, batch.shape[2:], kernel_size, output_size, output_ratio)
    if samples is None and (generator is None or not isinstance(generator, (numbers.Integral, np.random.SeedSequence))):
        raise ValueError(
            f"{fn}() needs the forward's windows, which random samples place: pass the forward's "
            "_random_samples, or the int seed it was given as generator (a fresh or stateful generator "
            "would draw other windows)"
        )
    batch, batched, kernel_size, output_size, samples = functional._fractional_plan(
        fn, ndim, input, kernel_size, output_size, output_ratio, samples, generator
    )  # the forward's rules, and its samples (drawn from the seed as the forward draws them)
    upstream = _upstream(fn, grad_output, batch, batched, output_size)
    # The forward's winners (its fast path, on the plan above), then one flat scatter, in torch's order.
    _, indices = functional._fractional_winners(batch, kernel_size, output_size, samples)
    return _unbatch(kernels.scatter_add(batch.shape, indices, upstream), batched)


def fractional_max_pool2d_input(
    input,
    grad_output,
    kernel_size,
    output_size=None,
    output_ratio=None,
    return_indices=False,
    _random_samples=None,
    *,
    generator=None,
):
    r"""Gradient of :func:`~pooling_core.fractional_max_pool2d` with respect to its input.

    The windows are the forward's: ``k×k`` blocks at pseudo-random steps placed by
    ``_random_samples`` (one sample per ``(n, c)`` and dim). Each window's gradient goes to its
    first maximum; windows may overlap, and a cell winning several collects the sum:

    .. math::
        \text{grad\_input}(N_i, C_j, h, w) = \sum_{(h', w')\,:\ \text{index}(h', w') = h \cdot W_{in} + w}
            \text{grad\_output}(N_i, C_j, h', w')

    Args:
        input: ``(N, C, H_in, W_in)`` or ``(C, H_in, W_in)`` float array.
        grad_output: ``(N, C, H_out, W_out)`` or ``(C, H_out, W_out)``.
        kernel_size, output_size, output_ratio: as in :func:`~pooling_core.fractional_max_pool2d`.
        return_indices: accepted, and does not change the gradient.
        _random_samples: the forward's samples, ``(N, C, 2)`` of the input's dtype. Without
            them the windows are unknown, unless
        generator: the int seed the forward drew its samples with (the same rule as the
            forward, so the same windows).

    Shape:
        ``(N, C, H_in, W_in)`` and ``(N, C, H_out, W_out)`` → ``(N, C, H_in, W_in)``.

    Example — with u = 0.5 the two 2×2 windows per axis start at 0 and 3; the bottom-right
    cell of each wins on this ramp:

    >>> x = np.arange(25, dtype=np.float32).reshape(1, 5, 5)
    >>> u = np.full((1, 1, 2), 0.5, dtype=np.float32)
    >>> fractional_max_pool2d_input(x, np.ones((1, 2, 2), dtype=np.float32), 2, 2, _random_samples=u)
    array([[[0., 0., 0., 0., 0.],
            [0., 1., 0., 0., 1.],
            [0., 0., 0., 0., 0.],
            [0., 0., 0., 0., 0.],
            [0., 1., 0., 0., 1.]]], dtype=float32)
    """
    return _fractional_input("fractional_max_pool2d_input", 2, input, grad_output, kernel_size, output_size,
                             output_ratio, return_indices, _random_samples, generator)  # fmt: skip


def fractional_max_pool3d_input(
    input,
    grad_output,
    kernel_size,
    output_size=None,
    output_ratio=None,
    return_indices=False,
    _random_samples=None,
    *,
    generator=None,
):
    r"""Gradient of :func:`~pooling_core.fractional_max_pool3d`; see :func:`fractional_max_pool2d_input`.

    .. math::
        \text{grad\_input}(N_i, C_j, d, h, w) = \sum_{o\,:\ \text{index}(o) = (d H_{in} + h) W_{in} + w}
            \text{grad\_output}(N_i, C_j, o)

    Args:
        input: ``(N, C, D_in, H_in, W_in)`` or ``(C, D_in, H_in, W_in)`` float array.
        grad_output: ``(N, C, D_out, H_out, W_out)`` or ``(C, D_out, H_out, W_out)``.
        kernel_size, output_size, output_ratio, return_indices, _random_samples (``(N, C, 3)``),
            generator: as in :func:`fractional_max_pool2d_input`.

    Shape:
        ``(N, C, D_in, H_in, W_in)`` and ``(N, C, D_out, H_out, W_out)`` → ``input``'s shape.

    >>> x = np.arange(27, dtype=np.float64).reshape(1, 3, 3, 3)
    >>> fractional_max_pool3d_input(x, np.ones((1, 1, 1, 1)), 2, 1, generator=0).ravel()[-3:]
    array([0., 0., 1.])
    """
    return _fractional_input("fractional_max_pool3d_input", 3, input, grad_output, kernel_size, output_size,
                             output_ratio, return_indices, _random_samples, generator)  # fmt: skip


# --- max unpooling -------------------------------------------------------------------------


def _max_unpool_input(fn, ndim, input, grad_output, indices, kernel_size, stride, padding, output_size):
    batch, batched = _float_input(fn, input, ndim, empty_ok="first")
    batch, batched, sizes, flat_indices = functional._unpool_plan(fn, ndim, input, indices, kernel_size, stride,
                                                                  padding, output_size)  # fmt: skip
    upstream = _upstream(fn, grad_output, batch, batched, sizes)
    if flat_indices is None:  # an empty output: the forward never looked at the indices, but the gradient must
        if indices.size:
            raise ValueError(
                f"{fn}() found an invalid max index {int(indices.ravel()[0])}: the unpooled planes of size "
                f"{'x'.join(map(str, sizes))} are empty, so no input can take its gradient from them (torch's "
                "backward fails here too)"
            )
        return np.zeros_like(input)
    planes = upstream.reshape(batch.shape[:2] + (product(sizes),))  # (N, C, plane)
    grad = kernels.gather_planes(planes, flat_indices).reshape(batch.shape)
    return _unbatch(grad, batched)


def max_unpool1d_input(input, grad_output, indices, kernel_size, stride=None, padding=0, output_size=None):
    r"""Gradient of :func:`~pooling_core.max_unpool1d` with respect to its input (the values).

    The forward writes ``input[l]`` to output cell ``indices[l]``, so each input takes the
    gradient of that cell back (a gather, the transpose of the forward's scatter):

    .. math::
        \text{grad\_input}(N_i, C_j, l) = \text{grad\_output}(N_i, C_j, \text{indices}(N_i, C_j, l))

    Args:
        input: ``(N, C, L_in)`` or ``(C, L_in)`` float array, the pooled values.
        grad_output: ``(N, C, L_out)`` or ``(C, L_out)``, ``L_out`` the unpooled length.
        indices, kernel_size, stride, padding, output_size: as in
            :func:`~pooling_core.max_unpool1d`. ``indices`` get no gradient (they are integers).

    Shape:
        ``(N, C, L_in)`` and ``(N, C, L_out)`` → ``(N, C, L_in)``.

    >>> values = np.array([[4.0, 0.0]])
    >>> max_unpool1d_input(values, np.array([[10.0, 11.0, 12.0, 13.0]]), np.array([[1, 3]]), 2)
    array([[11., 13.]])
    """
    return _max_unpool_input("max_unpool1d_input", 1, input, grad_output, indices, kernel_size, stride, padding,
                             output_size)  # fmt: skip


def max_unpool2d_input(input, grad_output, indices, kernel_size, stride=None, padding=0, output_size=None):
    r"""Gradient of :func:`~pooling_core.max_unpool2d`; see :func:`max_unpool1d_input`.

    .. math::
        \text{grad\_input}(N_i, C_j, h, w) = \text{grad\_output}(N_i, C_j, \text{indices}(N_i, C_j, h, w))

    with the index read as ``h' · W_out + w'``.

    Args:
        input: ``(N, C, H_in, W_in)`` or ``(C, H_in, W_in)`` float array.
        grad_output: ``(N, C, H_out, W_out)`` or ``(C, H_out, W_out)``.
        indices, kernel_size, stride, padding, output_size: as in :func:`~pooling_core.max_unpool2d`.

    Shape:
        ``(N, C, H_in, W_in)`` and ``(N, C, H_out, W_out)`` → ``(N, C, H_in, W_in)``.

    >>> values, indices = np.array([[[5.0]]]), np.array([[[3]]])
    >>> max_unpool2d_input(values, np.arange(4.0).reshape(1, 2, 2), indices, 2)
    array([[[3.]]])
    """
    return _max_unpool_input("max_unpool2d_input", 2, input, grad_output, indices, kernel_size, stride, padding,
                             output_size)  # fmt: skip


def max_unpool3d_input(input, grad_output, indices, kernel_size, stride=None, padding=0, output_size=None):
    r"""Gradient of :func:`~pooling_core.max_unpool3d`; see :func:`max_unpool1d_input`.

    .. math::
        \text{grad\_input}(N_i, C_j, d, h, w) = \text{grad\_output}(N_i, C_j, \text{indices}(N_i, C_j, d, h, w))

    Args:
        input: ``(N, C, D_in, H_in, W_in)`` or ``(C, D_in, H_in, W_in)`` float array.
        grad_output: ``(N, C, D_out, H_out, W_out)`` or ``(C, D_out, H_out, W_out)``.
        indices, kernel_size, stride, padding, output_size: as in :func:`~pooling_core.max_unpool3d`.

    Shape:
        ``(N, C, D_in, H_in, W_in)`` and ``(N, C, D_out, H_out, W_out)`` → ``input``'s shape.

    >>> values, indices = np.array([[[[5.0]]]]), np.array([[[[7]]]])
    >>> max_unpool3d_input(values, np.arange(8.0).reshape(1, 2, 2, 2), indices, 2)
    array([[[[7.]]]])
    """
    return _max_unpool_input("max_unpool3d_input", 3, input, grad_output, indices, kernel_size, stride, padding,
                             output_size)  # fmt: skip
