"""The two ways we compute a pooling: gather-and-reduce (the definition) and tap loops (fast).

Gather-and-reduce arranges the input into ``(N, C, *O, *K)`` windows, fills taps that fall
outside the input, and reduces the last axes. Max and average differ only in the fill and
the reduction. It handles every kind of window (sliding, adaptive, fractional).

The tap loop visits the ``K`` taps of a sliding window once each, as a strided view of the
padded input, and folds them into the output with ``np.maximum`` / ``+=``. It is torch's own
algorithm vectorised over all windows at once, so it gives the same bits; tests check it
against the gather path on generated cases.
"""

from __future__ import annotations

import itertools

import numpy as np

from .geometry import Windows


def lowest(dtype: np.dtype):
    """The value padding takes in a max pool: it never wins."""
    if np.issubdtype(dtype, np.floating):
        return dtype.type(-np.inf)
    return np.iinfo(dtype).min


# --- gather and reduce (the definition) -----------------------------------------------------


def gather_windows(batch: np.ndarray, windows: Windows, fill) -> np.ndarray:
    """``(N, C, *L)`` → ``(N, C, *O, K)``: the taps of every window, in row-major scan order.

    Taps outside the input, or outside a ragged (adaptive) window, hold ``fill``.
    """
    n = len(windows.axes)
    gathered = batch
    for i, axis in enumerate(windows.axes):
        dim = 2 + 2 * i  # earlier axes have each become an (O, K) pair
        positions = np.clip(axis.taps, 0, axis.input_size - 1)
        gathered = np.take(gathered, positions.ravel(), axis=dim)
        gathered = gathered.reshape(gathered.shape[:dim] + axis.taps.shape + gathered.shape[dim + 1 :])
    # (N, C, O_1, K_1, ..., O_n, K_n) → (N, C, O_1..O_n, K_1..K_n)
    order = [0, 1] + [2 + 2 * i for i in range(n)] + [3 + 2 * i for i in range(n)]
    gathered = gathered.transpose(order)
    valid = windows.in_bounds() & windows.member()  # (*O, *K)
    gathered = np.where(valid, gathered, np.asarray(fill, dtype=batch.dtype))
    return gathered.reshape(gathered.shape[: 2 + n] + (-1,))  # (N, C, *O, K)


def max_reduce_gather(batch: np.ndarray, windows: Windows):
    """Max of every window and torch's index for it.

    torch scans a window in row-major order and lets a tap win if ``value > best`` or the
    value is NaN. So ties go to the first tap, a NaN to the last NaN, and a window in which
    nothing beats the padding reports its first tap at a position >= 0.
    """
    fill = lowest(batch.dtype)
    taps = gather_windows(batch, windows, fill)  # (N, C, *O, K)
    tap_index = windows.tap_flat_index().reshape(windows.output_shape + (-1,))  # (*O, K)
    tap_index = np.broadcast_to(tap_index, taps.shape)
    if taps.shape[-1] == 0:  # empty adaptive output
        return taps[..., 0:0].sum(-1).astype(batch.dtype), np.zeros(taps.shape[:-1], np.int64)

    best = taps.argmax(axis=-1)[..., None]  # first maximum
    values = np.take_along_axis(taps, best, -1)[..., 0]
    indices = np.take_along_axis(tap_index, best, -1)[..., 0]
    beaten = values > fill
    indices = np.where(beaten, indices, windows.default_index())
    values = np.where(beaten, values, fill)
    if np.issubdtype(batch.dtype, np.floating):
        is_nan = np.isnan(taps)
        has_nan = is_nan.any(axis=-1)
        last_nan = (taps.shape[-1] - 1 - is_nan[..., ::-1].argmax(axis=-1))[..., None]
        values = np.where(has_nan, np.take_along_axis(taps, last_nan, -1)[..., 0], values)
        indices = np.where(has_nan, np.take_along_axis(tap_index, last_nan, -1)[..., 0], indices)
    return values.astype(batch.dtype, copy=False), indices.astype(np.int64, copy=False)


def sum_gather(batch: np.ndarray, windows: Windows) -> np.ndarray:
    """Sum of every window, accumulated tap by tap in the input dtype, as torch does.

    Starting from +0 also makes an all-zero window +0, like torch.
    """
    taps = gather_windows(batch, windows, 0)  # (N, C, *O, K)
    total = np.zeros(taps.shape[:-1], dtype=batch.dtype)
    for j in range(taps.shape[-1]):
        total += taps[..., j]
    return total


# --- tap loops over strided views (fast, sliding windows only) ------------------------------


def _padded(batch: np.ndarray, windows: Windows, fill) -> np.ndarray:
    """The input inside a frame of ``fill`` wide enough for every tap of every window."""
    widths = []
    for axis in windows.axes:
        last = int(axis.taps[-1, -1]) if axis.output_size else 0
        widths.append((axis.padding, max(0, last - (axis.input_size - 1))))
    if not any(left or right for left, right in widths):
        return batch
    shape = batch.shape[:2] + tuple(
        size + left + right for size, (left, right) in zip(batch.shape[2:], widths, strict=True)
    )
    framed = np.full(shape, fill, dtype=batch.dtype)
    inner = tuple(slice(left, left + size) for size, (left, _) in zip(batch.shape[2:], widths, strict=True))
    framed[(slice(None), slice(None)) + inner] = batch
    return framed


def _tap_views(framed: np.ndarray, windows: Windows):
    """Yield ``(tap, view)`` for each tap combination; ``view`` is ``(N, C, *O)``."""
    per_axis = []
    for axis in windows.axes:
        per_axis.append(
            [
                slice(j * axis.dilation, j * axis.dilation + (axis.output_size - 1) * axis.stride + 1, axis.stride)
                for j in range(axis.kernel_size)
            ]
        )
    for tap in itertools.product(*(range(len(slices)) for slices in per_axis)):
        yield tap, framed[(Ellipsis,) + tuple(per_axis[i][j] for i, j in enumerate(tap))]


def max_values_strided(batch: np.ndarray, windows: Windows) -> np.ndarray:
    """Max of every sliding window by folding strided views with ``np.maximum``.

    ``np.maximum(best, new)`` keeps ``best`` on ties and propagates NaN, which is what torch
    does for the values.
    """
    framed = _padded(batch, windows, lowest(batch.dtype))
    best = None
    for _, view in _tap_views(framed, windows):
        if best is None:
            best = view.copy()
        else:
            np.maximum(best, view, out=best)
    return best


def max_with_indices_strided(batch: np.ndarray, windows: Windows):
    """torch's scan (``value > best or isnan(value)``) vectorised over all windows."""
    fill = lowest(batch.dtype)
    framed = _padded(batch, windows, fill)
    out_shape = batch.shape[:2] + windows.output_shape
    best = np.full(out_shape, fill, dtype=batch.dtype)
    indices = np.broadcast_to(windows.default_index(), out_shape).copy()
    tap_index = windows.tap_flat_index().reshape(windows.output_shape + (-1,))  # (*O, K)
    floating = np.issubdtype(batch.dtype, np.floating)
    take = np.empty(out_shape, dtype=bool)
    for flat_tap, (_, view) in enumerate(_tap_views(framed, windows)):
        np.greater(view, best, out=take)
        if floating:
            take |= np.isnan(view)
        np.copyto(best, view, where=take)
        np.copyto(indices, tap_index[..., flat_tap], where=take)
    return best, indices


def sum_strided(batch: np.ndarray, windows: Windows) -> np.ndarray:
    """Sum of every sliding window, adding one strided view per tap (torch's order)."""
    framed = _padded(batch, windows, 0)
    total = np.zeros(batch.shape[:2] + windows.output_shape, dtype=batch.dtype)
    for _, view in _tap_views(framed, windows):
        total += view
    return total


# --- division -----------------------------------------------------------------------------


def divide(total: np.ndarray, divisor: np.ndarray) -> np.ndarray:
    """``total / divisor`` as torch's kernels do it: in the input dtype, truncating for ints."""
    if np.issubdtype(total.dtype, np.floating):
        return total / divisor.astype(total.dtype)
    quotient, remainder = np.divmod(total, divisor)
    # numpy floors; C++ truncates toward zero.
    return quotient + ((remainder != 0) & ((total < 0) != (divisor < 0)))
