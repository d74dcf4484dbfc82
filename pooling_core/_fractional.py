"""Fast path for fractional max pooling: every plane at once, though each has its own windows.

A fractional window is ``kernel_size`` consecutive cells per axis from a start that differs
from plane to plane (the geometry draws the starts from each plane's random sample). Max is
separable, so the pool runs axis by axis, like the adaptive passes (``_adaptive``): on the
first axis, tap ``j`` of every window of every plane is one gather of whole rows. A later
axis either gathers whole runs the same way (long runs of cells after it) or folds the taps
of a window starting at every cell, in contiguous shifted runs, and picks each plane's starts.

The first axis keeps which tap won by torch's scan (``value > best or isnan(value)``); later
axes carry the winner's key, its row-major number within the window, and break ties on it
(the smaller key is the earlier cell, as in torch's scan of the whole window). The maxima
come from ``np.maximum``, but from the input at the indices when a ``-0.0`` could make the
sign of a zero differ. Tested against the gather definition in tests/core/test_fast_paths.py.
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np

from ._adaptive import fold_by_index, scan_taps
from ._kernels import _run, has_negative_zero, scratch_array


def max_fractional(batch: np.ndarray, kernel_size: tuple[int, ...], starts: list[np.ndarray]):
    """Max and torch's index of every fractional window; ``starts`` per axis ``(N, C, L_out)``."""
    out_shape = batch.shape[:2] + tuple(axis_starts.shape[2] for axis_starts in starts)
    values = np.empty(out_shape, dtype=batch.dtype)
    index = np.empty(out_shape, dtype=np.int64)
    # the starts are split with the outputs: by samples, or by channels
    _run(partial(_fractional_kernel, kernel_size), batch, [], values, index, *starts, work=batch.size)
    if (values == 0).any() and has_negative_zero(batch):
        # np.maximum may keep either zero of a -0.0/+0.0 tie: the input at the index decides
        values = _values_at(batch, index)
    return values, index


def _values_at(batch: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``batch``'s value at each in-plane flat ``index`` (one 1-D take: ``take_along_axis``
    builds a fancy index per axis, here 20x slower)."""
    plane = math.prod(batch.shape[2:])
    first_of_plane = (np.arange(batch.shape[0] * batch.shape[1]) * plane).reshape(
        batch.shape[:2] + (1,) * (index.ndim - 2)
    )
    return np.take(np.ascontiguousarray(batch).reshape(-1), index + first_of_plane)


def _fractional_kernel(kernel_size, batch, steps, values: np.ndarray, index: np.ndarray, *starts: np.ndarray) -> None:
    """The maximum of every fractional window and torch's index of it, written to ``values``
    and ``index``.

    The winner of a window so far is kept as its ``key``, the row-major number of its cell
    within the window over the axes done (small ints, whatever the plane's size): on equal
    values the smaller key is the earlier cell, exactly as the smaller flat index would be.
    """
    spatial = batch.shape[2:]
    planes = batch.shape[0] * batch.shape[1]
    starts = [axis_starts.reshape(planes, -1) for axis_starts in starts]  # per axis (P, O)

    # First axis: tap j of window o of plane p is row starts[0][p, o] + j of that plane: one
    # take of whole rows from the (P * L_0, rest) stack of rows.
    rows = np.ascontiguousarray(batch).reshape(planes * spatial[0], -1)  # (P * L_0, rest)
    row_of_plane = (np.arange(planes) * spatial[0])[:, None]  # (P, 1) first row of each plane
    shape = (planes, starts[0].shape[1]) + spatial[1:]  # (P, O_0, *rest)

    def tap(j: int, buffer: np.ndarray) -> np.ndarray:
        rows_of_tap = (row_of_plane + starts[0] + j).ravel()
        out = buffer.reshape(rows_of_tap.size, -1)
        return np.take(rows, rows_of_tap, axis=0, out=out, mode="clip").reshape(shape)  # in range

    best, key = scan_taps(tap, kernel_size[0], shape, batch.dtype)
    may_have_nan = bool(np.isnan(np.max(best)))  # later axes read only these winners

    for axis in range(1, len(spatial)):  # array axis 1 + axis of (P, O_0, .., L_axis, ..)
        best, key = _later_axis(best, key, 1 + axis, starts[axis], kernel_size[axis], may_have_nan)

    # flat index in the plane = sum over axes of (start + winning tap) * stride; the taps' part
    # is looked up by key in a table of the window's cells
    strides = [math.prod(spatial[axis + 1 :]) for axis in range(len(spatial))]
    taps = np.unravel_index(np.arange(math.prod(kernel_size)), kernel_size)  # per axis, by key
    table = sum(tap * stride for tap, stride in zip(taps, strides, strict=True))
    flat = index.reshape((planes,) + index.shape[2:])  # index is contiguous (see _run)
    np.take(table, key, out=flat, mode="clip")  # keys are in range
    for axis, stride in enumerate(strides):
        shape = [planes] + [1] * len(spatial)
        shape[1 + axis] = starts[axis].shape[1]
        flat += starts[axis].reshape(shape) * stride
    assert np.shares_memory(flat, index)
    np.copyto(values, best.reshape(values.shape))


def _later_axis(best: np.ndarray, key: np.ndarray, axis: int, starts: np.ndarray, kernel: int, may_have_nan: bool):
    """Pool array ``axis`` of the winners so far (values ``best``, window keys ``key``).

    Every window start at once first: in the flat C-ordered array, position ``+ j`` along the
    axis is the cell ``j * step`` further, so tap ``j`` of the windows starting at every cell is
    one contiguous run, and the taps fold with long vector loops (the windows that would start
    too close to the end of the axis are garbage, and never picked). Then each plane's windows
    are picked out at its starts: two gathers, instead of two per tap.
    """
    planes = best.shape[0]
    step = math.prod(best.shape[axis + 1 :])  # cells between positions along the axis
    if step >= ROW_GATHER_MIN:
        return _later_axis_by_rows(best, key, axis, starts, kernel, may_have_nan)
    span = best.size - (kernel - 1) * step  # windows that start at cells 0 .. span - 1
    values = best.reshape(-1)
    keys = scratch_array("fractional scaled key", (best.size,), np.int32)
    np.multiply(key.reshape(-1), kernel, out=keys)  # a tap along this axis adds j to key * kernel
    running = scratch_array("fractional running best", (span,), best.dtype)
    running_key = scratch_array("fractional running key", (span,), np.int32)
    candidate_key = scratch_array("fractional candidate key", (span,), np.int32)
    np.copyto(running, values[:span])
    np.copyto(running_key, keys[:span])
    for j in range(1, kernel):
        np.add(keys[j * step : j * step + span], j, out=candidate_key)
        fold_by_index(running, running_key, values[j * step : j * step + span], candidate_key, may_have_nan)
    out_shape = list(best.shape)
    out_shape[axis] = starts.shape[1]
    positions_shape = [planes] + [1] * (best.ndim - 1)
    positions_shape[axis] = starts.shape[1]
    where = scratch_array("fractional where", tuple(out_shape), np.int64)
    np.add(_cell_offsets(best.shape, axis), starts.reshape(positions_shape) * step, out=where)  # first cells
    picked = scratch_array(f"fractional best {axis}", tuple(out_shape), best.dtype)
    picked_key = scratch_array(f"fractional key {axis}", tuple(out_shape), np.int32)
    np.take(running, where, out=picked, mode="clip")  # every start lies in the span
    np.take(running_key, where, out=picked_key, mode="clip")
    return picked, picked_key


ROW_GATHER_MIN = 16  # cells after the axis from which gathering whole runs of them beats folding every start


def _later_axis_by_rows(best, key, axis: int, starts: np.ndarray, kernel: int, may_have_nan: bool):
    """:func:`_later_axis` for an axis with long runs of cells after it (a volume's H, with W
    after it): tap ``j`` of every window is one gather of whole runs, as on the first axis,
    instead of folding every start of the axis (twice the windows, here) and picking."""
    planes, length = best.shape[0], best.shape[axis]
    runs = best.reshape(-1, math.prod(best.shape[axis + 1 :]))  # (P * M * L, rest): M = the axes between
    run_keys = key.reshape(runs.shape)
    if run_keys.dtype != np.int32:  # the first axis's winners are small ints: widen once, for take's out=
        wide = scratch_array("fractional wide key", runs.shape, np.int32)
        np.copyto(wide, run_keys)
        run_keys = wide
    between = math.prod(best.shape[1:axis])
    first_run = (np.arange(planes * between) * length).reshape(planes, between, 1)  # run of position 0
    out_shape = best.shape[:axis] + (starts.shape[1],) + best.shape[axis + 1 :]
    picked = scratch_array(f"fractional best {axis}", out_shape, best.dtype)
    picked_key = scratch_array(f"fractional key {axis}", out_shape, np.int32)
    candidate = scratch_array("fractional candidate", out_shape, best.dtype)
    candidate_key = scratch_array("fractional candidate key", out_shape, np.int32)
    flat_out = (-1, runs.shape[1])
    for j in range(kernel):
        rows = (first_run + starts.reshape(planes, 1, -1) + j).ravel()  # (P, M, O) runs of tap j
        target, target_key = (picked, picked_key) if j == 0 else (candidate, candidate_key)
        np.take(runs, rows, axis=0, out=target.reshape(flat_out), mode="clip")  # in range
        np.take(run_keys, rows, axis=0, out=target_key.reshape(flat_out), mode="clip")
        target_key *= kernel  # a tap along this axis adds j to key * kernel
        target_key += j
        if j:
            fold_by_index(picked, picked_key, candidate, candidate_key, may_have_nan)
    return picked, picked_key


def _cell_offsets(shape: tuple[int, ...], axis: int) -> np.ndarray:
    """Flat offsets in a C-ordered array of ``shape`` of the cells at position 0 along ``axis``,
    shaped ``shape`` with 1 at ``axis`` (to broadcast against positions along it)."""
    sizes = list(shape)
    sizes[axis] = 1
    strides = [math.prod(shape[i + 1 :]) for i in range(len(shape))]
    offsets = np.zeros(sizes, dtype=np.int64)
    for dim, (size, stride) in enumerate(zip(sizes, strides, strict=True)):
        if dim != axis:
            offsets += (np.arange(size, dtype=np.int64) * stride).reshape(
                [-1 if d == dim else 1 for d in range(len(sizes))]
            )
    return offsets
