"""Fast paths for adaptive pooling: the bins of each axis reduced in one pass, axis by axis.

An adaptive axis cuts ``L_in`` cells into ``L_out`` bins ``[start, end)``, read from the
geometry (never recomputed here). Sum and max are separable, so an N-d adaptive pool runs as
N 1-D passes. A pass loops over whichever is cheaper:

* **taps** (``max_width`` iterations): tap ``j`` of every bin at once, a strided view when the
  bins are evenly spaced, else gathered with ``np.take``. For many narrow bins.
* **bins** (``L_out`` iterations): each bin's slab reduced by ``ufunc.reduce``. For a few wide
  bins, whose slabs are long runs numpy reduces with its vector loops.
* **segments** (one call, last axis only): ``ufunc.reduceat`` over the cells from one bin's
  start to the next one's, plus the one cell a bin shares with the next when ``L_in/L_out``
  is not an integer. For many wide bins along a long contiguous axis.

``return_indices`` follows torch's scan of a window (``value > best or isnan(value)``: ties
go to the first cell, a NaN window to its last NaN). The first pass keeps which cell of each
bin won; later passes carry the winner's flat index in the plane and break ties on it, which
over whole windows is the same rule as torch's row-major scan. Wide windows skip the passes:
each is copied out as one contiguous run and searched by ``np.argmax`` (first maximum, torch's
tie rule; a NaN window goes back to the passes). Values are then read from the
input at the indices, so they are bit for bit the input's (the sign of a zero included).

The gather-and-reduce definition (``_kernels.max_reduce_gather``, ``_kernels.sum_gather``)
is the reference: tests/core/test_fast_paths.py checks these paths against it.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from functools import cached_property, partial

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ._kernels import _run, has_negative_zero, resum_non_finite, scratch_array
from .geometry import AxisWindows, Windows

SEGMENT_MIN_WIDTH = 16  # mean bin width from which one reduceat beats a loop over taps (last axis)
BINS_PER_TAP = 4  # loop over bins when there are this many times fewer bins than taps (sums, maxima)
# ... for torch's argmax, whose per-bin search is four passes over the slab: by bins when the
# slab's blocks are this long (a volume's 64x64 planes: 3 bins of 11, 0.55 ms by bins against
# 1.4 ms by taps), else only for bins this much wider than many (a feature map's rows of 56)
ARGMAX_BINS_MIN_BLOCK = 1024
ARGMAX_BINS_PER_TAP = 16


@dataclass(frozen=True, eq=False)
class _Bins:
    """The bins of one adaptive axis, as the passes see them."""

    starts: np.ndarray  # (L_out,) first cell of each bin
    ends: np.ndarray  # (L_out,) one past its last cell
    size: int  # L_in

    @classmethod
    def of(cls, axis: AxisWindows) -> _Bins:
        return cls(axis.starts, axis.ends, axis.input_size)

    @property
    def out(self) -> int:
        return len(self.starts)

    @cached_property
    def widths(self) -> np.ndarray:
        return self.ends - self.starts

    @cached_property
    def max_width(self) -> int:
        return int(self.widths.max())

    @cached_property
    def spacing(self) -> int | None:
        """The step between equally wide, evenly spaced bins (a sliding window), else None."""
        steps = np.diff(self.starts)
        if self.out > 1 and (self.widths == self.widths[0]).all() and (steps == steps[0]).all() and steps[0] > 0:
            return int(steps[0])
        return None

    @cached_property
    def shared(self) -> np.ndarray:
        """Bins that also hold the next bin's first cell (``end > next start``)."""
        return np.flatnonzero(self.ends[:-1] > self.starts[1:])

    def method(self, last_axis: bool, argmax: bool = False, inner: int = 1) -> str:
        """``"segments"``, ``"bins"`` or ``"taps"`` (see the module docstring). ``inner``: cells
        per position along the axis (the product of the later axes)."""
        # With L_out <= L_in the bins run start to start, sharing at most one cell with the next.
        tiles = 1 < self.out <= self.size
        if last_axis and tiles and self.size >= SEGMENT_MIN_WIDTH * self.out:
            return "segments"
        # torch's argmax by bins costs four passes over each slab, each fast only on long
        # contiguous blocks: by bins only when those are long, or the bins very wide
        few_bins = self.out * BINS_PER_TAP <= self.max_width
        if argmax and not (few_bins and inner >= ARGMAX_BINS_MIN_BLOCK):
            few_bins = self.out * ARGMAX_BINS_PER_TAP <= self.max_width
        return "bins" if few_bins else "taps"

    def tap_rows(self, j: int, gather: bool = False) -> np.ndarray | slice:
        """Tap ``j`` of every bin: a slice when the bins are evenly spaced (unless ``gather``),
        else positions, where a bin narrower than ``j + 1`` re-reads its last cell (harmless
        for a max)."""
        if self.spacing is not None and not gather:
            return slice(j, j + self.spacing * (self.out - 1) + 1, self.spacing)
        return np.minimum(self.starts + j, self.ends - 1)


def _along(axis: int, part) -> tuple:
    """Index ``part`` along ``axis`` (all of every earlier axis)."""
    return (slice(None),) * axis + (part,)


def _expand(values: np.ndarray, axis: int) -> np.ndarray:
    """``values`` with a length-1 ``axis`` put back, to broadcast against a slab."""
    return np.expand_dims(values, axis)


def _tap(x: np.ndarray, axis: int, rows, buffer: np.ndarray | None = None) -> np.ndarray:
    """Cells ``rows`` (a slice or positions) along ``axis``: a view, or gathered into ``buffer``."""
    if isinstance(rows, slice):
        return x[_along(axis, rows)]
    # positions are in range; mode="raise" with an ``out`` would write a temporary and copy it
    return np.take(x, rows, axis=axis, out=buffer, mode="clip")


def _pass_shape(x: np.ndarray, axis: int, bins: _Bins) -> tuple[int, ...]:
    return x.shape[:axis] + (bins.out,) + x.shape[axis + 1 :]


def _pass_order(x: np.ndarray, axes: list[_Bins], argmax: bool = False) -> list[int]:
    """Spatial axes (as array axes) in the order they are reduced: a last axis that goes by
    segments first (it shrinks the data most, reading it once), then the rest outer first.

    For torch's argmax an outer axis whose bins go over long blocks stays first: its search
    runs on long contiguous slabs, which beats the segments' search (an image to 7x7 bins:
    1024-row bins first, 0.7 ms; 1024-column segments first, 1.3 ms)."""
    order = list(range(2, x.ndim))
    if axes[-1].method(last_axis=True) == "segments":
        outer_first = argmax and len(axes) > 1 and axes[0].method(False, True, math.prod(x.shape[3:])) == "bins"
        if not outer_first:
            order = [order[-1]] + order[:-1]
    return order


# --- sums and maxima ------------------------------------------------------------------------------


def _reduce_pass(ufunc, x: np.ndarray, axis: int, bins: _Bins, rank: int) -> np.ndarray:
    """Reduce every bin of ``axis`` with ``ufunc`` (np.add or np.maximum), into this thread's
    scratch array for pass ``rank`` (see :func:`_first_pass`)."""
    out = scratch_array(f"reduce pass {rank}", _pass_shape(x, axis, bins), x.dtype)
    method = bins.method(last_axis=axis == x.ndim - 1)
    if method == "segments":
        ufunc.reduceat(x, bins.starts, axis=axis, out=out)
        shared = bins.shared
        if shared.size:  # the cell a bin shares with the next comes in last
            out[_along(axis, shared)] = ufunc(out[_along(axis, shared)], x[_along(axis, bins.starts[shared + 1])])
    elif method == "bins":
        for i, (start, end) in enumerate(zip(bins.starts, bins.ends, strict=True)):
            _reduce_axis(ufunc, x[_along(axis, slice(start, end))], axis, out[_along(axis, i)])
    elif ufunc is np.add and bins.spacing == bins.max_width and bins.out * bins.max_width <= x.shape[axis]:
        # bins that tile the axis: the axis is (L_out, width) and one einsum sums the widths
        width = bins.max_width
        tiles = x[_along(axis, slice(0, bins.out * width))]
        tiles = tiles.reshape(x.shape[:axis] + (bins.out, width) + x.shape[axis + 1 :])
        _reduce_axis(np.add, tiles, axis + 1, out)
    else:
        narrowest = int(bins.widths.min())
        for j in range(bins.max_width):
            if ufunc is np.add and j >= narrowest:  # a sum may not re-read a cell: only wider bins take tap j
                wider = np.flatnonzero(bins.widths > j)
                out[_along(axis, wider)] += np.take(x, bins.starts[wider] + j, axis=axis)
            elif j == 0:
                np.copyto(out, _tap(x, axis, bins.tap_rows(0)))
            else:
                ufunc(out, _tap(x, axis, bins.tap_rows(j)), out=out)
    return out


def _reduce_axis(ufunc, x: np.ndarray, axis: int, out: np.ndarray) -> None:
    """``out = ufunc.reduce(x, axis)``; sums by ``np.einsum``, whose vector loops measured two to
    four times faster here than ``np.add.reduce``'s pairwise sums (both within a few ulp)."""
    if ufunc is np.add:
        dims = list(range(x.ndim))
        np.einsum(x, dims, dims[:axis] + dims[axis + 1 :], out=out)
    else:
        ufunc.reduce(x, axis=axis, out=out)


def _reduce_kernel(ufunc, axes: list[_Bins], batch: np.ndarray, steps, out: np.ndarray) -> None:
    current = batch
    # inf + -inf = NaN is torch's answer too (errstate is per thread: this may run on a worker)
    with np.errstate(invalid="ignore", over="ignore"):
        for rank, axis in enumerate(_pass_order(batch, axes)):
            current = _reduce_pass(ufunc, current, axis, axes[axis - 2], rank)
    np.copyto(out, current)


def _work(batch: np.ndarray, axes: list[_Bins]) -> int:
    """The size of a sum or max job for ``_run``; 0 (one thread) when it goes by segments, as
    ``ufunc.reduceat`` holds the GIL (two threads measured slower than one), or when it is one
    reduction over each plane (bound by memory: two threads measured no faster)."""
    if axes[-1].method(last_axis=True) == "segments":
        return 0
    if len(axes) == 1 and axes[0].out == 1:  # one sum over each plane: memory-bound, one thread as fast
        return 0
    return batch.size


def _plan(batch: np.ndarray, windows: Windows) -> tuple[np.ndarray, list[_Bins]]:
    """The batch and its axes' bins; a global pool (one bin per axis) as one axis over the plane."""
    if all(axis.output_size == 1 for axis in windows.axes):
        plane = math.prod(batch.shape[2:])
        whole = _Bins(np.zeros(1, np.int64), np.full(1, plane, np.int64), plane)
        return batch.reshape(batch.shape[:2] + (plane,)), [whole]
    return batch, [_Bins.of(axis) for axis in windows.axes]


def sum_adaptive(batch: np.ndarray, windows: Windows) -> np.ndarray:
    """Sum of every adaptive bin (float sums agree with torch's within a few ulp)."""
    batch, axes = _plan(batch, windows)
    if len(axes) == 1 and axes[0].out == 1 and batch.dtype.kind == "f":
        # one sum over each plane: a product with a vector of ones, which BLAS runs on both
        # cores with its vector loops (8x64 planes of 56x56: 0.037 ms, einsum 0.062, torch 0.045)
        rows = batch.reshape(-1, batch.shape[-1])
        with np.errstate(invalid="ignore", over="ignore"):  # inf + -inf = NaN is torch's answer too
            out = np.matmul(rows, np.ones(rows.shape[1], batch.dtype)).reshape(batch.shape[:2] + (1,))
    else:
        out = np.empty(batch.shape[:2] + tuple(bins.out for bins in axes), dtype=batch.dtype)
        _run(partial(_reduce_kernel, np.add, axes), batch, [], out, work=_work(batch, axes))
    out += 0.0  # a sum of -0.0 cells is +0.0, as torch's sum starts at +0
    out = out.reshape(out.shape[:2] + windows.output_shape)
    if any(axis.output_size != 1 for axis in windows.axes):  # (a global pool: torch takes a mean)
        resum_non_finite(out, batch, windows, sum_adaptive)
    return out


def max_adaptive(batch: np.ndarray, windows: Windows):
    """Max of every adaptive bin, and torch's index for it."""
    flat_batch, axes = _plan(batch, windows)
    index = np.empty(batch.shape[:2] + tuple(bins.out for bins in axes), dtype=np.int64)
    planes = batch.reshape(batch.shape[:2] + (-1,))

    def found(kernel) -> np.ndarray:
        _run(partial(kernel, axes), flat_batch, [], index, work=batch.size)
        return np.take_along_axis(planes, index.reshape(planes.shape[:2] + (-1,)), axis=-1)

    by_windows = _gathers_windows(flat_batch, axes)
    values = found(_argmax_by_windows if by_windows else _argmax_kernel)
    if by_windows and np.isnan(values).any():  # np.argmax takes a window's first NaN, torch its last
        values = found(_argmax_kernel)
    shape = batch.shape[:2] + windows.output_shape
    return values.reshape(shape), index.reshape(shape)


def max_values_adaptive(batch: np.ndarray, windows: Windows) -> np.ndarray:
    """Max of every adaptive bin, by ``np.maximum`` passes.

    ``np.maximum`` may return either zero of a ``-0.0``/``+0.0`` tie, where torch keeps the
    first; so when a maximum is zero and the input holds a ``-0.0``, the indices path decides.
    """
    flat_batch, axes = _plan(batch, windows)
    out = np.empty(batch.shape[:2] + tuple(bins.out for bins in axes), dtype=batch.dtype)
    _run(partial(_reduce_kernel, np.maximum, axes), flat_batch, [], out, work=_work(flat_batch, axes))
    if (out == 0).any() and has_negative_zero(batch):
        return max_adaptive(batch, windows)[0]
    return out.reshape(out.shape[:2] + windows.output_shape)


# --- torch's argmax ------------------------------------------------------------------------------


def _first_pass(x: np.ndarray, axis: int, bins: _Bins) -> tuple[np.ndarray, np.ndarray]:
    """``(best, position)`` of every bin of ``axis``: its maximum, and the position along the
    axis of the cell torch's scan picks (ties: the first; NaN: the last NaN).

    Both are this thread's scratch arrays ("pass 0"), valid until its next adaptive argmax:
    work arrays as large as these, fresh on every call, cost page faults (measured: ~1 ms of
    faults in a 1.5 ms call on a volume)."""
    method = bins.method(last_axis=axis == x.ndim - 1, argmax=True, inner=math.prod(x.shape[axis + 1 :]))
    if method == "segments":
        return _first_pass_by_segments(x, bins)
    shape = _pass_shape(x, axis, bins)
    position = scratch_array("pass 0 position", shape, np.int64)
    if method == "bins":
        best = scratch_array("pass 0 best", shape, x.dtype)
        for i, (start, end) in enumerate(zip(bins.starts, bins.ends, strict=True)):
            first = _first_in_slab(x[_along(axis, slice(start, end))], axis, best[_along(axis, i)])
            np.add(first, start, out=position[_along(axis, i)])
        return best, position
    # Each tap gathered into a contiguous buffer, even when a strided view would do: the scan
    # reads it three times, and contiguous operands run numpy's long vector loops (a feature
    # map's rows of 56 as strided views: 64 us a tap, gathered: 52)
    gather = math.prod(x.shape[axis + 1 :]) < ARGMAX_BINS_MIN_BLOCK
    best, winner = scan_taps(
        lambda j, buffer: _tap(x, axis, bins.tap_rows(j, gather), buffer), bins.max_width, shape, x.dtype
    )
    starts = bins.starts.reshape((-1,) + (1,) * (x.ndim - 1 - axis))
    np.add(winner, starts, out=position)
    np.minimum(position, (bins.ends - 1).reshape(starts.shape), out=position)  # a narrow bin re-reads its last cell
    return best, position


def scan_taps(candidate, count: int, shape: tuple[int, ...], dtype) -> tuple[np.ndarray, np.ndarray]:
    """torch's scan over ``count`` taps arriving in window order: ``candidate(j, buffer)``
    returns tap ``j``'s values (it may write them into ``buffer``, an array of ``shape``).

    Returns ``(best, winner)``: the maximum and the number of the tap that won (``value > best
    or isnan(value)``: ties to the first, NaN to the last NaN). Tap numbers grow, so "tap ``j``
    wins" is ``winner = max(winner, take·j)``, plain arithmetic on small ints.

    Both are this thread's scratch arrays, valid until its next scan: the work arrays are as
    large as the input, and fresh ones cost page faults on every call.
    """
    best = scratch_array("scan best", shape, dtype)
    small = count <= np.iinfo(np.int8).max
    winner = scratch_array("scan winner", shape, np.int8 if small else np.int16)
    take = scratch_array("scan take", shape, bool)
    product = take.view(np.int8) if small else scratch_array("scan product", shape, np.int16)
    nan = scratch_array("scan nan", shape, bool)
    buffer = scratch_array("scan candidate", shape, dtype)
    for check_nan in (False, True):
        winner[...] = 0
        for j in range(count):
            value = candidate(j, buffer)
            if j == 0:
                np.copyto(best, value)
                continue
            np.greater(value, best, out=take)
            if check_nan:
                take |= np.isnan(value, out=nan)
            np.multiply(take, winner.dtype.type(j), out=product, casting="unsafe")
            np.maximum(winner, product, out=winner)
            np.maximum(best, value, out=best)
        # np.maximum propagates NaN: only a window holding one needs the NaN rule, run again
        if check_nan or not np.isnan(best, out=nan).any():
            break
    return best, winner


def _first_in_slab(slab: np.ndarray, axis: int, best: np.ndarray) -> np.ndarray:
    """Maximum along ``axis`` of one bin's slab, written to ``best``, and the offset of torch's
    pick in the bin."""
    np.maximum.reduce(slab, axis=axis, out=best)
    width = slab.shape[axis]
    shape = (width,) + (1,) * (slab.ndim - 1 - axis)
    if axis == slab.ndim - 1:
        first = np.argmax(slab, axis=axis)  # the first maximum (a NaN: the first NaN, fixed below)
    else:  # the first cell equal to the maximum: the largest of (width - offset) over them
        small = np.int8 if width <= np.iinfo(np.int8).max else np.int16 if width <= np.iinfo(np.int16).max else np.int32
        countdown = np.arange(width, 0, -1, dtype=small).reshape(shape)
        ties = np.equal(slab, _expand(best, axis), out=scratch_array("slab ties", slab.shape, bool))
        weights = np.multiply(ties, countdown, out=scratch_array("slab weights", slab.shape, small))
        first = width - np.maximum.reduce(weights, axis=axis).astype(np.int64)
    nan = np.isnan(best)
    if nan.any():  # the last NaN: the largest of (offset + 1) over them
        count = np.arange(1, width + 1, dtype=np.int32).reshape(shape)
        last_nan = np.maximum.reduce(np.isnan(slab) * count, axis=axis) - 1
        first = np.where(nan, last_nan, first)
    return first


SEGMENT_BLOCK = 1 << 17  # cells per block of rows in the segments search: it stays in the cache


def _first_pass_by_segments(x: np.ndarray, bins: _Bins) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_first_pass` along the last axis, for many wide bins.

    ``reduceat`` gives the maximum of each segment (a bin start to the next bin's start). The
    first cell holding it is found for all segments at once: each cell is compared with its
    segment's maximum, and ``searchsorted`` finds the first match at or after each segment's
    start. A bin's shared last cell wins if it is greater, or NaN. Rows go in blocks that stay
    in the cache (measured 1.4 ms against 2.0 for the whole of 32 rows of 100000 at once).
    """
    length = x.shape[-1]
    rows = x.reshape(-1, length)  # (R, L)
    best = np.empty((rows.shape[0], bins.out), dtype=x.dtype)
    position = np.empty((rows.shape[0], bins.out), dtype=np.int64)
    block = max(1, SEGMENT_BLOCK // length)
    for first in range(0, rows.shape[0], block):
        part = slice(first, first + block)
        best[part], position[part] = _segments_of_rows(rows[part], bins)
    shape = x.shape[:-1] + (bins.out,)
    return best.reshape(shape), position.reshape(shape)


def _segments_of_rows(rows: np.ndarray, bins: _Bins) -> tuple[np.ndarray, np.ndarray]:
    """``(best, position)`` of every bin of some whole rows, ``(R, L)`` → ``(R, L_out)`` each."""
    length = rows.shape[1]
    seg_max = np.maximum.reduceat(rows, bins.starts, axis=1)  # (R, O)
    spread = np.repeat(seg_max, np.diff(np.append(bins.starts, length)), axis=1)  # (R, L): each cell's segment max
    matches = np.flatnonzero(np.equal(rows, spread, out=scratch_array("segments match", rows.shape, bool)))
    row_start = (np.arange(rows.shape[0]) * length)[:, None]  # (R, 1) flat offset of each row
    found = np.searchsorted(matches, row_start + bins.starts)  # first match at or after the start
    position = matches[np.minimum(found, max(matches.size - 1, 0))] - row_start if matches.size else 0 * found
    nan = np.isnan(seg_max)
    if nan.any():  # the last NaN before the segment's end
        ends = np.append(bins.starts[1:], length)
        nans = np.flatnonzero(np.isnan(rows))
        last_nan = nans[np.searchsorted(nans, row_start + ends) - 1] - row_start
        position = np.where(nan, last_nan, position)
    best = seg_max
    shared = bins.shared
    if shared.size:
        next_cell = rows[:, bins.starts[shared + 1]]  # (R, S)
        wins = (next_cell > seg_max[:, shared]) | np.isnan(next_cell)
        position[:, shared] = np.where(wins, bins.starts[shared + 1], position[:, shared])
        best[:, shared] = np.maximum(seg_max[:, shared], next_cell)
    return best, position


def _next_pass(
    values: np.ndarray, index: np.ndarray, axis: int, bins: _Bins, stride: int, rank: int
) -> tuple[np.ndarray, np.ndarray]:
    """Reduce ``axis`` of the winners so far, each with its flat ``index`` (cells along this axis
    add ``position * stride``): the largest value wins; equal values, the smaller index; NaN
    beats every number, and of two NaNs the larger index wins. Pass ``rank`` (1, 2) names this
    thread's scratch arrays it returns (see :func:`_first_pass`)."""
    shape = _pass_shape(values, axis, bins)
    best = scratch_array(f"pass {rank} best", shape, values.dtype)
    best_index = scratch_array(f"pass {rank} index", shape, np.int64)
    offsets = np.arange(bins.size, dtype=np.int64).reshape((-1,) + (1,) * (values.ndim - 1 - axis)) * stride
    full_index = np.add(index, offsets, out=scratch_array("pass candidates index", index.shape, np.int64))
    # (wide bins along the last axis, which a first pass takes as segments, go bin by bin here)
    if bins.method(last_axis=axis == values.ndim - 1, argmax=True) in ("bins", "segments"):
        for i, (start, end) in enumerate(zip(bins.starts, bins.ends, strict=True)):
            part = _along(axis, slice(start, end))
            slab, slab_index = values[part], full_index[part]
            top = np.maximum.reduce(slab, axis=axis)
            ties = slab == _expand(top, axis)
            chosen = np.where(ties, slab_index, np.iinfo(np.int64).max).min(axis=axis)
            nan = np.isnan(top)
            if nan.any():
                chosen = np.where(nan, np.where(np.isnan(slab), slab_index, -1).max(axis=axis), chosen)
            best[_along(axis, i)], best_index[_along(axis, i)] = top, chosen
        return best, best_index
    candidate_buffer = scratch_array("pass candidate", shape, values.dtype)
    index_buffer = scratch_array("pass candidate index", shape, np.int64)
    for j in range(bins.max_width):
        rows = bins.tap_rows(j)
        candidate, candidate_index = (
            _tap(values, axis, rows, candidate_buffer),
            _tap(full_index, axis, rows, index_buffer),
        )
        if j == 0:
            np.copyto(best, candidate)
            np.copyto(best_index, candidate_index)
        else:
            fold_by_index(best, best_index, candidate, candidate_index)
    return best, best_index


def fold_by_index(best, best_index, candidate, candidate_index, may_have_nan: bool = True) -> None:
    """Let each candidate replace the best so far where torch's row-major scan of the whole
    window would end on it: a larger value; an equal value at a smaller flat index; a NaN,
    unless the best is a NaN at a larger index. (In place; the work arrays are this thread's
    scratch, as they are as large as the data. ``may_have_nan=False`` skips the NaN rule.)"""
    shape = best.shape
    take = scratch_array("fold take", shape, bool)
    other = scratch_array("fold other", shape, bool)
    np.greater(candidate, best, out=take)
    if np.equal(candidate, best, out=other).any():  # ties: the earlier cell wins
        other &= candidate_index < best_index
        take |= other
    if may_have_nan and np.isnan(candidate, out=other).any():
        take |= other & ~(np.isnan(best) & (candidate_index < best_index))
    # best_index = candidate_index where take: arithmetic, as a masked copy branches on every
    # cell (3.5 ns a cell on a random mask here, ten times the arithmetic)
    change = scratch_array("fold change", shape, best_index.dtype)
    np.subtract(candidate_index, best_index, out=change)
    change *= take
    best_index += change
    np.maximum(best, candidate, out=best)


# np.argmax over each window copied out beats the separable passes from windows this large
# (measured, 2 cores: 56x56 planes to 3x3, 400 cells, 0.8 ms against 3.6; to 7x7, 64 cells, 2.3
# against 2.1; an image to 100x100, 144 cells, 4.8 against 3.0). A 1-D row has no cheap
# separable search, so there from narrower windows (100000 cells to 3000 bins of 34: 5.3 ms
# against 6.9; to 7000 of 16: 7.8 against 3.1)
WINDOWS_MIN_CELLS = 192
WINDOWS_MIN_CELLS_1D = 32
WINDOWS_CHUNK = 1 << 18  # cells copied at a time: they stay in the cache
WINDOWS_MAX_COPY = 3  # ... and when the copied windows are at most this many times the plane


def _gathers_windows(batch: np.ndarray, axes: list[_Bins]) -> bool:
    """Whether :func:`_argmax_by_windows` takes the call (see ``WINDOWS_MIN_CELLS``)."""
    window = math.prod(bins.max_width for bins in axes)
    copied = math.prod(bins.out * bins.max_width for bins in axes)
    wide = window >= (WINDOWS_MIN_CELLS_1D if len(axes) == 1 else WINDOWS_MIN_CELLS)
    return wide and copied <= WINDOWS_MAX_COPY * math.prod(batch.shape[2:])


def _argmax_by_windows(axes: list[_Bins], batch: np.ndarray, steps, index: np.ndarray) -> None:
    """torch's index of every adaptive window, by ``np.argmax`` over the windows copied out.

    An axis's bins are at most two widths (``ceil(L_in/L_out)`` and one more), so the windows
    fall into at most ``2**ndim`` groups of one shape. Each group is one fancy-indexed copy of a
    sliding-window view, laid out ``(N, C, bins..., window cells...)`` so each window is one
    contiguous run in torch's row-major scan order; ``np.argmax`` takes its first maximum,
    torch's tie rule. (A NaN window is left to the caller: np.argmax takes the first NaN.)
    """
    spatial, rank = batch.shape[2:], batch.ndim - 2
    plane_strides = np.array([math.prod(spatial[i + 1 :]) for i in range(rank)])
    per_axis = [[(int(w), np.flatnonzero(bins.widths == w)) for w in np.unique(bins.widths)] for bins in axes]
    for group in itertools.product(*per_axis):
        widths = tuple(width for width, _ in group)
        members = [bins for _, bins in group]
        # window starts first: numpy lays a fancy index's result out with the indexed axes
        # first, so this way the copy is C-ordered and each window one contiguous run
        view = as_strided(
            batch,
            shape=tuple(size - w + 1 for size, w in zip(spatial, widths, strict=True)) + batch.shape[:2] + widths,
            strides=batch.strides[2:] + batch.strides[:2] + batch.strides[2:],
            writeable=False,
        )
        starts = [bins.starts[chosen] for bins, chosen in zip(axes, members, strict=True)]
        offset = np.empty(tuple(len(m) for m in members) + batch.shape[:2], np.int64)
        per_first = math.prod(offset.shape[1:]) * math.prod(widths)  # cells copied per first-axis bin
        chunk = max(1, WINDOWS_CHUNK // per_first)
        for first in range(0, len(starts[0]), chunk):
            part = slice(first, first + chunk)
            windows = view[np.ix_(starts[0][part], *starts[1:])]  # (bins..., N, C, window cells...)
            np.argmax(windows.reshape(windows.shape[: 2 + rank] + (-1,)), axis=-1, out=offset[part])
        # offset in the window -> flat index in the plane: each axis's cell plus its bin's start
        flat = np.zeros(offset.shape, np.int64)
        for axis, cell in enumerate(np.unravel_index(offset, widths)):
            start = starts[axis].reshape((-1,) + (1,) * (rank + 1 - axis))
            flat += (cell + start) * plane_strides[axis]
        index[(slice(None),) * 2 + np.ix_(*members)] = np.moveaxis(flat, (rank, rank + 1), (0, 1))


def _argmax_kernel(axes: list[_Bins], batch: np.ndarray, steps, index: np.ndarray) -> None:
    """torch's ``return_indices`` of every adaptive window, written to ``index``."""
    spatial = batch.shape[2:]
    strides = [math.prod(spatial[i + 1 :]) for i in range(len(spatial))]  # row-major, in the plane
    order = _pass_order(batch, axes, argmax=True)
    first = order[0]
    values, flat = _first_pass(batch, first, axes[first - 2])
    flat *= strides[first - 2]  # position along the axis -> flat index in the plane
    for rank, axis in enumerate(order[1:], start=1):
        values, flat = _next_pass(values, flat, axis, axes[axis - 2], strides[axis - 2], rank)
    np.copyto(index, flat)
