"""The two ways we compute a pooling: gather-and-reduce (the definition) and tap loops (fast).

Gather-and-reduce arranges the input into ``(N, C, *O, *K)`` windows, fills taps that fall
outside the input, and reduces the last axes. Max and average differ only in the fill and
the reduction. It handles every kind of window (sliding, adaptive, fractional).

The fast paths (sliding windows here; adaptive and fractional windows in ``_adaptive`` and
``_fractional``) read each tap as a strided view of the framed input and fold the views with
``np.maximum`` / ``np.add`` (separably, axis by axis) or, for ``return_indices``, with torch's
own scan vectorised over all windows. Along the last axis, windows wholly inside the input go
in cache-sized chunks of unit-stride runs (stride 2 by splitting even and odd cells with an
integer narrowing cast). Tests check them against the gather path on generated cases: bit for
bit for max, within a few ulp for sums. Also here: the unpooling scatter and lp's powers.

Work arrays as large as the data come from per-thread scratch buffers (``_scratch``): fresh
ones cost page faults on every call on this machine, at times most of a call's time.
"""

from __future__ import annotations

import itertools
import math
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import lru_cache

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
    # (N, C, *O, K); K spelled out, as -1 cannot be inferred when the array is empty
    return gathered.reshape(gathered.shape[: 2 + n] + (math.prod(gathered.shape[2 + n :]),))


def max_reduce_gather(batch: np.ndarray, windows: Windows):
    """Max of every window and torch's index for it.

    torch scans a window in row-major order and lets a tap win if ``value > best`` or the
    value is NaN. So ties go to the first tap, a NaN to the last NaN, and a window in which
    nothing beats the padding reports its first tap at a position >= 0.
    """
    fill = lowest(batch.dtype)
    taps = gather_windows(batch, windows, fill)  # (N, C, *O, K)
    tap_index = windows.tap_flat_index().reshape(taps.shape[2:])  # (*O, K)
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
    with np.errstate(invalid="ignore", over="ignore"):  # inf + -inf = NaN is torch's answer too
        for j in range(taps.shape[-1]):
            total += taps[..., j]
    return total


# --- fast paths over strided views (sliding windows only) ----------------------------------
#
# Tap j of window o along an axis reads position ``origin + o*stride + j*dilation``. For each
# tap, the outputs whose tap lands inside the input form one contiguous range, and the input
# cells they read form one strided view, so no padded copy of the input is ever made: padding
# cells simply take no part (for max they are -inf and never win; for sums they add 0).
# Max and sum are separable, so an N-d pool runs as N 1-D passes, outer axis first: the outer
# passes read whole contiguous rows (fast SIMD loops) and shrink the data before the inner one.
# Large jobs are split in two and run on two threads (numpy releases the GIL in its loops).


@dataclass(frozen=True)
class _Step:
    """One sliding axis as the fast paths see it."""

    kernel: int
    stride: int
    dilation: int
    origin: int  # position of tap 0 of output 0 (-padding for a whole axis)
    size: int  # input length along the axis
    out: int  # number of outputs

    def tap(self, j: int):
        """``(outputs, inputs)``: the output range whose tap ``j`` is in bounds, and the
        strided input slice it reads; None if tap ``j`` is never in bounds."""
        shift = self.origin + j * self.dilation
        first = max(0, -(shift // self.stride))  # ceil(-shift / stride): first output in bounds
        stop = min(self.out, (self.size - 1 - shift) // self.stride + 1)
        if first >= stop:
            return None
        start = shift + first * self.stride
        return slice(first, stop), slice(start, start + (stop - 1 - first) * self.stride + 1, self.stride)

    def taps(self):
        return [self.tap(j) for j in range(self.kernel)]

    @property
    def span(self) -> int:
        """Cells from the first tap of the first window to the last tap of the last."""
        return (self.out - 1) * self.stride + (self.kernel - 1) * self.dilation + 1


def _steps(windows: Windows) -> list[_Step]:
    return [
        _Step(axis.kernel_size, axis.stride, axis.dilation, -axis.padding, axis.input_size, axis.output_size)
        for axis in windows.axes
    ]


PARALLEL_MIN_OUTPUTS = 1 << 16  # below this, thread hand-off costs more than it saves


@lru_cache(maxsize=1)
def _executor() -> ThreadPoolExecutor:
    # Created on first use and reused: a pool per call would cost more than small pools take.
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="pooling_core")


def _halves(batch: np.ndarray, steps: list[_Step]):
    """Split a job in two independent halves: ``[(input_part, steps_part, out_index), ...]``."""
    everything = (slice(None),) * (2 + len(steps))
    for dim in (0, 1):  # samples, then channels: no window crosses them
        if batch.shape[dim] >= 2:
            middle = batch.shape[dim] // 2
            return [
                (batch[index], steps, index)
                for part in (slice(0, middle), slice(middle, None))
                for index in [everything[:dim] + (part,) + everything[dim + 1 :]]
            ]
    for i, step in enumerate(steps):  # else the first spatial axis with several outputs
        if step.out >= 2:
            middle = step.out // 2
            parts = []
            for first, stop in ((0, middle), (middle, step.out)):
                part_step = replace(step, origin=step.origin + first * step.stride, out=stop - first)
                out_index = everything[: 2 + i] + (slice(first, stop),) + everything[3 + i :]
                parts.append((batch, steps[:i] + [part_step] + steps[i + 1 :], out_index))
            return parts
    return None


def _run(kernel, batch: np.ndarray, steps: list[_Step], *outs: np.ndarray, work: int | None = None) -> None:
    """``kernel(batch, steps, *outs)``, on two threads when the job is large enough.

    ``work`` measures the job (default: the number of outputs); without steps only samples
    or channels are split.
    """
    work = outs[0].size if work is None else work
    halves = _halves(batch, steps) if work >= PARALLEL_MIN_OUTPUTS else None
    if halves is None:
        kernel(batch, steps, *outs)
        return
    (first, first_steps, first_index), (second, second_steps, second_index) = halves
    _in_parallel(
        lambda: kernel(first, first_steps, *(out[first_index] for out in outs)),
        lambda: kernel(second, second_steps, *(out[second_index] for out in outs)),
    )


def _in_parallel(here, there) -> None:
    """Run ``there()`` on the worker thread and ``here()`` on this one (one hand-off, not two)."""
    job = _executor().submit(there)
    try:
        here()
    finally:
        job.result()


def _elementwise(function, *arrays: np.ndarray) -> None:
    """``function(*arrays)`` for an elementwise ``function`` of same-shaped arrays, split in two
    along the first axis with two or more cells and run on two threads when they are large."""
    shape = arrays[0].shape
    axis = next((i for i, size in enumerate(shape) if size >= 2), None)
    if arrays[0].size < PARALLEL_MIN_OUTPUTS or axis is None:
        function(*arrays)
        return
    middle = (slice(None),) * axis
    half = shape[axis] // 2
    _in_parallel(
        lambda: function(*(array[middle + (slice(0, half),)] for array in arrays)),
        lambda: function(*(array[middle + (slice(half, None),)] for array in arrays)),
    )


SCRATCH_KEEP_BYTES = 1 << 24  # scratch buffers up to 16 MB are kept per thread between calls
_scratch_buffers = threading.local()


def _scratch(slot: str, count: int, dtype: np.dtype) -> np.ndarray:
    """A 1-D work array of ``count`` items, reused by this thread from call to call.

    Fresh multi-megabyte temporaries cost page faults on every call (here ~0.1 ms on a 0.25 ms
    pooling); whether glibc hands back warm memory depended on what ran before, which made
    timings bimodal. Each slot has one buffer per thread, grown as needed; buffers above
    SCRATCH_KEEP_BYTES are not kept. Callers use distinct slots for arrays alive at once.
    """
    nbytes = count * np.dtype(dtype).itemsize
    buffers = _scratch_buffers.__dict__
    buffer = buffers.get(slot)
    if buffer is None or buffer.nbytes < nbytes:
        buffer = np.empty(nbytes, dtype=np.uint8)
        if nbytes <= SCRATCH_KEEP_BYTES:
            buffers[slot] = buffer
    return buffer[:nbytes].view(dtype)


def scratch_array(slot: str, shape: tuple[int, ...], dtype) -> np.ndarray:
    """A C-ordered work array of ``shape`` from :func:`_scratch` (valid until this thread asks
    for the same slot again)."""
    return _scratch(slot, math.prod(shape), np.dtype(dtype)).reshape(shape)


SEPARABLE_CHUNK = 1 << 18  # cells of an intermediate per chunk (1 MB of float32): stays in cache


def _separable(reduce, fill, source: np.ndarray, steps: list[_Step], out: np.ndarray) -> None:
    """Fold each axis's taps with ``reduce`` (np.maximum or np.add), outer axis first.

    With several axes, the work goes in chunks of first-axis outputs: each chunk's
    intermediates live in two small scratch buffers reused from chunk to chunk, so they stay in
    cache and no image-sized temporary is allocated (and page-faulted in) on every call.
    """
    if len(steps) == 1:
        _fold_axis(reduce, fill, source, 0, steps[0], out)
        return
    first_step, rest = steps[0], steps[1:]
    lead = source.shape[:2]

    def intermediate_shapes(count: int) -> list[tuple[int, ...]]:
        sizes = [count] + [step.size for step in rest]
        shapes = []
        for i, step in enumerate(rest[:-1], start=1):
            sizes[i] = step.out
            shapes.append(lead + tuple(sizes))
        return [lead + (count,) + tuple(step.size for step in rest)] + shapes

    per_row = max(math.prod(shape) for shape in intermediate_shapes(1))
    rows = max(1, min(first_step.out, SEPARABLE_CHUNK // max(1, per_row)))
    capacity = max(math.prod(shape) for shape in intermediate_shapes(rows))
    scratch = [_scratch(f"separable {i}", capacity, source.dtype) for i in range(min(2, len(rest)))]
    for first in range(0, first_step.out, rows):
        count = min(rows, first_step.out - first)
        chunk = [replace(first_step, origin=first_step.origin + first * first_step.stride, out=count)] + rest
        current = source
        for i, (step, shape) in enumerate(zip(chunk, intermediate_shapes(count) + [None], strict=True)):
            if shape is None:  # the last axis writes the output
                target = out[:, :, first : first + count]
            else:
                target = scratch[i % 2][: math.prod(shape)].reshape(shape)
            _fold_axis(reduce, fill, current, i, step, target)
            current = target


def _fold_axis(reduce, fill, current: np.ndarray, i: int, step: _Step, target: np.ndarray) -> None:
    """Pool spatial axis ``i`` of ``current`` into ``target`` (same shape but ``step.out`` there)."""
    inside = _inside(step) if i == current.ndim - 3 else None  # along the last axis only
    if inside is not None:
        chunks = _in_chunks_suits(step, current, target)
        if chunks or (reduce is np.maximum and _doubling_pays(inside.step)):
            # Windows wholly inside the input by a fast loop; the few that reach into the
            # padding (or the end of the axis) by the general one.
            first, stop = inside.origin_output, inside.origin_output + inside.step.out
            if chunks:
                _fold_last_axis_in_chunks(reduce, current, inside.step, target[..., first:stop])
            else:
                _max_by_doubling(current, inside.step, target[..., first:stop])
            for lo, hi in ((0, first), (stop, step.out)):
                if lo < hi:
                    part = replace(step, origin=step.origin + lo * step.stride, out=hi - lo)
                    _fold_taps(reduce, fill, current, i, part, target[..., lo:hi])
            return
    _fold_taps(reduce, fill, current, i, step, target)


def _fold_taps(reduce, fill, current: np.ndarray, i: int, step: _Step, target: np.ndarray) -> None:
    """:func:`_fold_axis` by one pass per tap over a strided view (the general way)."""
    before = (slice(None),) * (2 + i)
    taps = [tap for tap in step.taps() if tap is not None]
    # The tap in bounds for the most outputs initialises the target; the rest fold in.
    taps.sort(key=lambda tap: tap[0].start - tap[0].stop)
    outputs, inputs = taps[0] if taps else (slice(0, 0), slice(0, 0))
    target[before + (slice(0, outputs.start),)] = fill
    target[before + (slice(outputs.stop, None),)] = fill
    others = taps[1:]
    if others and others[0][0] == outputs:  # two taps share the range: one pass sets it
        reduce(current[before + (inputs,)], current[before + (others[0][1],)], out=target[before + (outputs,)])
        others = others[1:]
    else:
        np.copyto(target[before + (outputs,)], current[before + (inputs,)])
    for outputs, inputs in others:
        part = target[before + (outputs,)]
        reduce(part, current[before + (inputs,)], out=part)


@dataclass(frozen=True)
class _Inside:
    origin_output: int  # the first output whose window lies inside the input
    step: _Step  # the outputs from there whose windows lie inside


def _inside(step: _Step, margin: int = 0) -> _Inside | None:
    """The run of outputs whose every tap lies inside the input with ``margin`` cells to spare
    at the end, or None if there is none."""
    first = max(0, -(step.origin // step.stride))  # ceil(-origin / stride)
    last_tap = step.origin + (step.kernel - 1) * step.dilation + margin  # of output 0
    stop = min(step.out, (step.size - 1 - last_tap) // step.stride + 1)
    if first >= stop:
        return None
    return _Inside(first, replace(step, origin=step.origin + first * step.stride, out=stop - first))


# Pairs of cells read as one unsigned integer of twice the width: the first cell is its low half
# on a little-endian machine, and an integer narrowing cast copies those halves out.
_PAIR = {1: (np.uint16, np.uint8), 2: (np.uint32, np.uint16), 4: (np.uint64, np.uint32)}
LAST_AXIS_CHUNK = 1 << 19  # cells of input per chunk (several rows of a long signal: measured best here)


def _in_chunks_suits(step: _Step, current: np.ndarray, target: np.ndarray) -> bool:
    """Stride 1 (every tap a shifted run), or stride 2 with cells that pair up (see _PAIR) in
    rows of even length, along the last axis of a C-ordered array, into rows of outputs (a
    1-D pool; the last pass of a 2-D/3-D one writes a slice of planes, where the copy this
    would need measured slower than folding strided views in place)."""
    if not current.flags.c_contiguous or step.kernel < 2 or target.size == 0:
        return False
    if not np.shares_memory(target.reshape(-1, target.shape[-1]), target):
        return False
    pairs = current.itemsize in _PAIR and sys.byteorder == "little" and current.shape[-1] % 2 == 0
    return step.stride == 1 or (step.stride == 2 and pairs)


def _fold_last_axis_in_chunks(reduce, current: np.ndarray, step: _Step, target: np.ndarray) -> None:
    """Fold the taps of windows lying wholly inside the last axis, a cache-sized chunk at a time.

    Every pass works on unit-stride runs, which numpy's vector loops take, and on a chunk small
    enough to stay in the cache, so the input is read from memory once and the output written
    once, whatever the number of taps. With stride 1 tap ``j`` is the input shifted by
    ``j * dilation``. With stride 2 the even and odd cells are first copied out, each
    contiguous, by an integer narrowing cast (see ``_PAIR``; twice as fast here as a strided
    copy); tap ``j`` is then one of them, shifted by ``j * dilation // 2``.

    A chunk is a block of whole rows (phases of whole rows: the casts see one contiguous run),
    or, for rows longer than a chunk, a run of outputs of one row.
    """
    out_rows = target.reshape(-1, target.shape[-1])  # (R, O), a view (see _in_chunks_suits)
    rows = current.reshape(-1, current.shape[-1])  # (R, L), a view: current is C-ordered
    length = rows.shape[1]
    k, d, s = step.kernel, step.dilation, step.stride
    # tap j of output o reads cell origin + o*s + j*d = cell (origin + j*d) // s + o of phase (origin + j*d) % s
    taps = [((step.origin + j * d) % s, (step.origin + j * d) // s) for j in range(k)]
    # With stride 2, taps that come in pairs (cells 2t and 2t + 1 at every shift: even kernel,
    # dilation 1, even origin) read only the pairs' folds: fold neighbours over the whole run
    # (one pass), keep every second result (one cast), fold the shifts (k/2 - 1 passes).
    shifts = sorted({shift for _, shift in taps})
    paired = s == 2 and sorted(taps) == [(phase, shift) for shift in shifts for phase in (0, 1)]
    if paired:
        taps = [(0, shift) for shift in shifts]
    block = max(1, LAST_AXIS_CHUNK // length)  # rows per chunk
    per_run = max(1, LAST_AXIS_CHUNK // (block * s))  # outputs per pass: a long row goes in runs
    if s == 2:
        pair, half = _PAIR[current.itemsize]
        rows_per_chunk = min(block, rows.shape[0])
        even_cells = scratch_array("pairs even", (rows_per_chunk * length // 2,), current.dtype)
        odd_cells = scratch_array("pairs odd", even_cells.shape, current.dtype)
        folded = scratch_array("pairs folded", (rows_per_chunk, length), current.dtype) if paired else None
    for first in range(0, rows.shape[0], block):
        chunk = rows[first : first + block]  # (b, L), contiguous
        count = chunk.size // 2
        if s == 1:
            phases = [chunk]
        elif paired:
            neighbours = folded[: chunk.shape[0]]
            reduce(chunk[:, :-1], chunk[:, 1:], out=neighbours[:, :-1])  # cell t with t + 1
            # k = 2 with every window inside: the results kept are the output itself
            into_output = taps == [(0, 0)] and out_rows.shape[1] * 2 == length and out_rows.flags.c_contiguous
            kept = out_rows[first : first + block].reshape(-1) if into_output else even_cells[:count]
            np.copyto(kept.view(half), neighbours.reshape(-1).view(pair), casting="unsafe")
            if into_output:
                continue
            phases = [kept.reshape(chunk.shape[0], -1)]
        else:  # the chunk's even and odd cells (the odd pairs, read from its second cell, stop
            # one pair short: its last odd cell is copied on its own)
            cells = chunk.reshape(-1)
            even, odd = even_cells[:count], odd_cells[:count]
            np.copyto(even.view(half), cells.view(pair), casting="unsafe")
            np.copyto(odd[:-1].view(half), cells[1:-1].view(pair), casting="unsafe")
            odd[-1] = cells[-1]
            phases = [even.reshape(chunk.shape[0], -1), odd.reshape(chunk.shape[0], -1)]
        out_chunk = out_rows[first : first + block]
        for o in range(0, step.out, per_run):
            _fold_phases(reduce, phases, taps, o, out_chunk[:, o : o + per_run])


def _fold_phases(reduce, phases: list[np.ndarray], taps, offset: int, out: np.ndarray) -> None:
    """``out[..., o] = reduce over taps of phases[phase][..., offset + o + shift]``."""
    count = out.shape[-1]
    views = [phases[phase][..., offset + shift : offset + shift + count] for phase, shift in taps]
    if len(views) == 1:
        np.copyto(out, views[0])
        return
    reduce(views[0], views[1], out=out)
    for view in views[2:]:
        reduce(out, view, out=out)


# Along the last (contiguous) axis a strided tap view runs numpy's scalar loop, while a
# shifted unit-stride view runs its SIMD loop, measured here about 5x faster per element.
CONTIGUOUS_PASS_COST = 0.2  # per element, relative to one strided pass


def _doubling_pays(step: _Step) -> bool:
    """Is the doubling sliding max cheaper than one strided pass per tap for this axis?"""
    in_bounds = step.origin >= 0 and step.origin + step.span <= step.size
    if not in_bounds or step.stride == 1 or step.kernel < 3:
        return False
    doublings = (step.kernel - 1).bit_length() - 1  # ceil(log2 k) - 1
    return doublings * step.span * CONTIGUOUS_PASS_COST + step.out < (step.kernel - 1) * step.out


DOUBLING_CHUNK = 1 << 18  # cells per chunk (1 MB of float32): measured best of 2^15..2^21 here


def _max_by_doubling(current: np.ndarray, step: _Step, target: np.ndarray) -> None:
    """Max over windows lying wholly inside the last axis, from running maxima of doubling width.

    ``M_2w[i] = max(M_w[i], M_w[i + w*dilation])`` needs only shifted unit-stride views. Once
    ``w < k <= 2w``, window ``o`` is ``max(M_w[start], M_w[start + (k-w)*dilation])``: two
    overlapping halves, which max (unlike sum) allows. Only that last step reads strided.
    Outputs go in chunks, so the running maxima are small arrays that stay in cache.
    """
    d, s, k = step.dilation, step.stride, step.kernel
    lead = current.shape[:-1]
    per_chunk = max(1, DOUBLING_CHUNK // max(1, math.prod(lead) * s))
    span = (min(per_chunk, step.out) - 1) * s + (k - 1) * d + 1
    cells = math.prod(lead) * span
    scratch = [_scratch(f"doubling {i}", cells, current.dtype).reshape(lead + (span,)) for i in range(1 + (k > 4))]
    for first in range(0, step.out, per_chunk):
        count = min(per_chunk, step.out - first)
        start = step.origin + first * s
        running = current[..., start : start + (count - 1) * s + (k - 1) * d + 1]
        width = 1
        while 2 * width < k:
            shift = width * d
            target_running = scratch[0][..., : running.shape[-1] - shift]
            running = np.maximum(running[..., :-shift], running[..., shift:], out=target_running)
            scratch.reverse()  # the next level reads this one: write the other buffer
            width *= 2
        last = (count - 1) * s + 1
        tail = (k - width) * d
        np.maximum(running[..., 0:last:s], running[..., tail : tail + last : s], out=target[..., first : first + count])


def _max_kernel(source, steps, out):
    _separable(np.maximum, lowest(source.dtype), source, steps, out)
    if np.issubdtype(source.dtype, np.floating):
        _fix_zero_signs(out, source, steps)


def _sum_kernel(source, steps, out):
    # inf + -inf = NaN is the answer (torch's too); the warning would fire in worker threads.
    with np.errstate(invalid="ignore", over="ignore"):
        _separable(np.add, 0, source, steps, out)


def max_values_strided(batch: np.ndarray, windows: Windows) -> np.ndarray:
    """Max of every sliding window: separable ``np.maximum`` passes over strided views.

    ``np.maximum`` propagates NaN like torch, but on a ``-0.0``/``+0.0`` tie its SIMD loops
    may return either, while torch keeps the first. So zero results get their sign from the
    first zero tap of their window afterwards.
    """
    steps = _steps(windows)
    out = np.empty(batch.shape[:2] + windows.output_shape, dtype=batch.dtype)
    _run(_max_kernel, batch, steps, out)
    return out


def has_negative_zero(batch: np.ndarray) -> bool:
    """Does ``batch`` (float32 or float64) hold a ``-0.0``? One integer min over it: -0.0 is the
    one float whose bits, read as a signed integer, are the integer minimum."""
    bits = batch.view(np.int32 if batch.dtype == np.float32 else np.int64)
    return bool(bits.size) and bool(bits.min() == np.iinfo(bits.dtype).min)


def _fix_zero_signs(out: np.ndarray, batch: np.ndarray, steps: list[_Step]) -> None:
    """Give each zero maximum the sign of the first zero tap of its window (torch's tie rule).

    Without a ``-0.0`` in the input every zero is ``+0.0``, which is the answer: that check
    (an integer min) costs a third of looking for zeros in the output (measured)."""
    if out.size * 2 <= batch.size and not (out == 0).any():  # the output is the smaller array to look at
        return
    if not has_negative_zero(batch):
        return
    zeros = np.flatnonzero(out == 0)
    if zeros.size == 0:
        return
    cell = np.unravel_index(zeros, out.shape)  # (n, c, o_1, ..., o_n) of each zero output
    negative = np.zeros(zeros.size, dtype=bool)
    decided = np.zeros(zeros.size, dtype=bool)
    for tap in itertools.product(*(range(step.kernel) for step in steps)):
        position = [
            step.origin + cell[2 + i] * step.stride + j * step.dilation
            for i, (step, j) in enumerate(zip(steps, tap, strict=True))
        ]
        inside = np.logical_and.reduce([(p >= 0) & (p < step.size) for p, step in zip(position, steps, strict=True)])
        values = np.ones(zeros.size, dtype=batch.dtype)  # outside the input: not a zero
        values[inside] = batch[(cell[0][inside], cell[1][inside]) + tuple(p[inside] for p in position)]
        first_zero = (values == 0) & ~decided
        negative[first_zero] = np.signbit(values[first_zero])
        decided |= first_zero
    out.ravel()[zeros] = np.where(negative, -0.0, 0.0)


def sum_strided(batch: np.ndarray, windows: Windows) -> np.ndarray:
    """Sum of every sliding window: separable ``np.add`` passes over strided views.

    The order differs from torch's row-major scan, so float sums agree within a few ulp (ints
    exactly). A sum of ``-0.0`` cells is made ``+0.0``, since torch's sum starts at ``+0``.
    """
    out = np.empty(batch.shape[:2] + windows.output_shape, dtype=batch.dtype)
    _run(_sum_kernel, batch, _steps(windows), out)
    if np.issubdtype(out.dtype, np.floating):
        out += 0.0
        resum_non_finite(out, batch, windows, sum_strided)
    return out


def resum_non_finite(out: np.ndarray, batch: np.ndarray, windows: Windows, summer) -> None:
    """Sum again, in torch's order, the windows whose sum came out inf or NaN.

    Whether a float sum overflows, and whether an overflow then meets an infinity of the other
    sign (NaN) or not (inf), depends on the order of the terms: 3.4e37 eleven times and a
    -inf make NaN added in torch's row-major order (the sum overflows to +inf first), -inf
    added axis by axis. So those windows (rare: an inf in the input, or an overflow) are added
    up tap by tap, as the definition (:func:`sum_gather`) does. A window holding a NaN is NaN
    in any order: ``summer`` (the fast sum that made ``out``) counts the NaN of each window.
    """
    if len(windows.axes) == 1 and windows.axes[0].kind == "sliding":  # taps added in torch's order already
        return
    with np.errstate(invalid="ignore", over="ignore"):
        if np.isfinite(np.einsum(out.reshape(-1), [0], [])):  # one fast pass: no inf or NaN in out
            return
    suspect = ~np.isfinite(out)
    if np.isnan(np.min(batch)):  # a NaN among a window's terms makes NaN in any order
        with_nan = summer(np.isnan(batch).astype(batch.dtype), windows) > 0  # (a finite sum)
        suspect &= ~(with_nan & np.isnan(out))
    cells = np.flatnonzero(suspect)
    if cells.size == 0:
        return
    where = np.unravel_index(cells, out.shape)  # (n, c, o_1, ..., o_k) of each such window
    total = np.zeros(cells.size, dtype=out.dtype)
    with np.errstate(invalid="ignore", over="ignore"):
        for tap in itertools.product(*(range(axis.taps.shape[1]) for axis in windows.axes)):
            positions = [axis.taps[where[2 + i], j] for i, (axis, j) in enumerate(zip(windows.axes, tap, strict=True))]
            inside = np.logical_and.reduce(
                [axis.member[where[2 + i], j] & (p >= 0) & (p < axis.input_size)
                 for i, (axis, j, p) in enumerate(zip(windows.axes, tap, positions, strict=True))]
            )  # fmt: skip
            clipped = tuple(np.clip(p, 0, axis.input_size - 1) for p, axis in zip(positions, windows.axes, strict=True))
            total += np.where(inside, batch[where[:2] + clipped], 0)
    out.reshape(-1)[cells] = total


@dataclass(frozen=True)
class _PhasedAxis:
    """One axis of the input regrouped by residue modulo the stride (see ``_argmax_kernel``).

    Tap ``j`` of output ``o`` reads position ``o*stride + shift_j``; with
    ``shift_j = quotient_j*stride + residue_j`` that is cell ``o + quotient_j - low`` of the
    residue's phase, where phase cell ``m`` holds position ``(m + low)*stride + residue``.
    Every phase has ``out + high - low`` cells, so each tap reads one unit-stride block.
    """

    step: _Step
    taps: tuple  # per tap j: (residue, quotient), or None if never in bounds
    low: int  # smallest quotient of a tap in bounds
    length: int  # cells per phase

    @classmethod
    def of(cls, step: _Step) -> _PhasedAxis:
        taps = tuple(
            divmod(step.origin + j * step.dilation, step.stride)[::-1] if step.tap(j) is not None else None
            for j in range(step.kernel)
        )
        quotients = [tap[1] for tap in taps if tap is not None] or [0]
        return cls(step, taps, min(quotients), step.out + max(quotients) - min(quotients))

    def residues(self) -> list[int]:
        return sorted({tap[0] for tap in self.taps if tap is not None})

    def fill_slices(self, residue: int) -> tuple[slice, slice]:
        """``(phase cells, input positions)`` of the phase's cells that lie inside the input."""
        step = self.step
        first = max(0, -self.low)
        stop = min(self.length, (step.size - 1 - residue) // step.stride - self.low + 1)
        if first >= stop:
            return slice(0, 0), slice(0, 0)
        start = (first + self.low) * step.stride + residue
        return slice(first, stop), slice(start, start + (stop - 1 - first) * step.stride + 1, step.stride)


def _phase_shape(axes: list[_PhasedAxis]) -> tuple[int, ...]:
    # With several axes, each phase has one spare row along the first: a tap shifted along a
    # later axis reads, as one flat run, a little past the last row (into cells it discards).
    spare = 1 if len(axes) > 1 else 0
    return (axes[0].length + spare,) + tuple(axis.length for axis in axes[1:])


def _phases(batch: np.ndarray, axes: list[_PhasedAxis]) -> dict[tuple, np.ndarray]:
    """The input split by residues (one array per combination), cells outside it at ``lowest``."""
    fill = lowest(batch.dtype)
    shape = batch.shape[:2] + _phase_shape(axes)
    phases = {}
    for residues in itertools.product(*(axis.residues() for axis in axes)):
        phase = np.empty(shape, dtype=batch.dtype)
        cells, positions = zip(*(axis.fill_slices(r) for axis, r in zip(axes, residues, strict=True)), strict=True)
        inside = (Ellipsis,) + cells
        phase[inside] = batch[(Ellipsis,) + positions]
        for i, part in enumerate(cells):  # the border, axis by axis
            before = (slice(None),) * (2 + i)
            phase[before + (slice(0, part.start),)] = fill
            phase[before + (slice(part.stop, None),)] = fill
        phases[residues] = phase
    return phases


def _argmax_kernel(batch, steps, best, winner):
    """torch's scan, ``value > best or isnan(value)``, vectorised over all windows.

    ``winner`` ends as 1 + the row-major number of the winning tap, or 0 if no tap won.

    Speed comes from three choices:

    * The input is first split into phases by residue modulo the stride, with padding cells
      set to ``lowest`` (which never wins), so that every tap reads a unit-stride block.
      Strided reads would run numpy's scalar loops; these run its SIMD loops.
    * The running ``best``/``winner`` live in arrays shaped like a phase except along the
      first spatial axis, so a tap's block, read as one flat run per plane, lines up with
      them whatever its shift along the other axes (the spare cells are dropped at the end).
    * Tap numbers grow, so "tap n wins" is ``winner = max(winner, take·n)``: plain arithmetic
      on bytes, many times faster than a masked copy.

    ``best`` follows ``np.maximum`` (NaN-propagating like torch); zero signs are fixed at the end.
    """
    axes = [_PhasedAxis.of(step) for step in steps]
    phases = _phases(batch, axes)
    lead = batch.shape[:2]
    plane = _phase_shape(axes)
    run_shape = (steps[0].out,) + plane[1:]  # the running arrays: first axis has `out` cells
    run_size = math.prod(run_shape)
    flat_strides = [math.prod(plane[i + 1 :]) for i in range(len(plane))]
    floating = np.issubdtype(batch.dtype, np.floating)
    may_have_nan = floating and batch.size > 0 and bool(np.isnan(np.min(batch)))

    running_best = np.full(lead + (run_size,), lowest(batch.dtype), dtype=batch.dtype)
    running_winner = np.zeros(lead + (run_size,), dtype=winner.dtype)
    take = np.empty(lead + (run_size,), dtype=bool)
    is_nan = np.empty_like(take) if may_have_nan else None
    bytes_ = winner.dtype == np.int8  # then take·n is computed in place on take's bytes
    product = take.view(np.int8) if bytes_ else np.empty_like(running_winner)
    flat_phases = {key: phase.reshape(lead + (math.prod(plane),)) for key, phase in phases.items()}

    for number, tap in enumerate(itertools.product(*(axis.taps for axis in axes)), start=1):
        if any(part is None for part in tap):
            continue  # this tap is padding for every output
        residues = tuple(part[0] for part in tap)
        shifts = zip(tap, axes, flat_strides, strict=True)
        start = sum((quotient - axis.low) * stride for (_, quotient), axis, stride in shifts)
        view = flat_phases[residues][..., start : start + run_size]
        np.greater(view, running_best, out=take)
        if may_have_nan:
            np.logical_or(take, np.isnan(view, out=is_nan), out=take)
        np.multiply(take, winner.dtype.type(number), out=product, casting="unsafe")
        np.maximum(running_winner, product, out=running_winner)
        np.maximum(running_best, view, out=running_best)

    real = (Ellipsis, slice(None)) + tuple(slice(0, step.out) for step in steps[1:])
    np.copyto(best, running_best.reshape(lead + run_shape)[real])
    np.copyto(winner, running_winner.reshape(lead + run_shape)[real])
    if floating:
        _fix_zero_signs(best, batch, steps)


def max_with_indices_strided(batch: np.ndarray, windows: Windows):
    """Max and torch's index of every sliding window."""
    steps = _steps(windows)
    out_shape = batch.shape[:2] + windows.output_shape
    best = np.full(out_shape, lowest(batch.dtype), dtype=batch.dtype)
    taps = math.prod([step.kernel for step in steps])
    winner = np.zeros(out_shape, dtype=np.int8 if taps < 2**7 else np.int16 if taps < 2**15 else np.int64)
    _run(_argmax_kernel, batch, steps, best, winner)
    # Input offset of tap (j_1..j_n) of window (o_1..o_n) = base(o) + offset(j): both parts
    # are sums over axes of (row-major stride) × (start_i(o_i) or j_i·dilation_i).
    strides = [math.prod(batch.shape[3 + i :]) for i in range(len(steps))]
    base = np.zeros(windows.output_shape, dtype=np.int64)
    for i, (axis, stride) in enumerate(zip(windows.axes, strides, strict=True)):
        shape = [1] * len(steps)
        shape[i] = axis.output_size
        base = base + (axis.starts * stride).reshape(shape)
    offset_grid = np.zeros(1, dtype=np.int64)
    for axis, stride in zip(windows.axes, strides, strict=True):
        offset_grid = (offset_grid[:, None] + axis.offsets * stride).ravel()  # row-major over taps
    offsets = np.concatenate([[0], offset_grid])  # entry 0: no tap won
    index = np.take(offsets, winner)
    index += base
    none_won = winner == 0
    if none_won.any():
        index[none_won] = np.broadcast_to(windows.default_index(), out_shape)[none_won]
    return best, index


# --- scatter (max_unpool) --------------------------------------------------------------------------


def scatter_planes(values: np.ndarray, indices: np.ndarray, plane: int) -> np.ndarray | None:
    """``(N, C, K)`` values and their in-plane ``indices`` → ``(N, C, plane)`` zeros with every
    value at its index; None if an index lies outside ``[0, plane)``. Of values sent to one
    index the last wins, as in torch's loop over them."""
    # Each thread zeroes its own half before scattering into it (np.zeros would clear all of it on
    # one thread first: a third of the call for a (1, 3, 1024, 1024) unpool).
    out = np.empty(values.shape[:2] + (plane,), dtype=values.dtype)
    valid = np.empty(values.shape[:2], dtype=bool)  # per plane: all its indices inside it
    _run(_scatter_kernel, values, [], out, indices, valid, work=values.size)  # indices split like out
    return out if valid.all() else None


SCATTER_PLANE_LOOP = 1 << 12  # values per plane from which a loop over planes beats one flat scatter


def _scatter_kernel(values: np.ndarray, steps, out: np.ndarray, indices: np.ndarray, valid: np.ndarray) -> None:
    # Checked here rather than before: each thread checks its own half. One pass: read as
    # unsigned, a negative index is huge, so "inside the plane" is "unsigned index < plane".
    plane = out.shape[2]
    out.fill(0)
    np.less(indices.view(np.uint64).max(axis=2, initial=0), plane, out=valid)
    if not valid.all():
        return
    planes, count = values.shape[0] * values.shape[1], values.shape[2]
    flat_values, flat_indices = values.reshape(planes, count), indices.reshape(planes, count)
    flat = out.reshape(planes, plane)  # (A split by samples, or by channels of one sample, is contiguous.)
    assert np.shares_memory(flat, out), "the output half must be contiguous"
    if count >= SCATTER_PLANE_LOOP:  # big planes: one scatter each, no shifted copy of the indices
        for target, plane_values, plane_indices in zip(flat, flat_values, flat_indices, strict=True):
            target[plane_indices] = plane_values
        return
    # Small planes: one flat scatter, each plane's indices shifted to where it starts in ``out``.
    targets = scratch_array("unpool targets", (planes, count), np.int64)
    np.add(flat_indices, (np.arange(planes) * plane)[:, None], out=targets)
    flat.reshape(-1)[targets.ravel()] = flat_values.reshape(-1)


# --- powers (lp pooling) ----------------------------------------------------------------------


def power(base: np.ndarray, exponent, out: np.ndarray | None = None) -> np.ndarray:
    """``base ** exponent`` for a float array and a number, as torch's ``pow`` computes it (see
    :func:`_power`), on two threads for a large array. ``out``: C-ordered, may be ``base``."""
    if out is None:
        out = np.empty(base.shape, base.dtype)
    # errstate is per thread: NaN and inf are answers here, as in torch
    _elementwise(lambda part, part_out: _quiet(_power, part, exponent, part_out), base, out)
    return out


def _quiet(function, *args):
    with np.errstate(invalid="ignore", divide="ignore", over="ignore", under="ignore"):
        return function(*args)


def _power(base: np.ndarray, exponent, out: np.ndarray) -> np.ndarray:
    """``base ** exponent`` for a float array and a number, as torch's ``pow`` computes it.

    torch multiplies for the exponents 2, 3, -1 and -2 (so do we: the same bits), takes the
    square root for ±0.5 and a vectorised pow for the rest (we: a correctly rounded root for
    1/3 and 1/4, x·√x for 1.5, else numpy's pow; within an ulp or so of torch). Negative bases give NaN for a
    non-integer exponent and keep their sign for an odd one, as in C's ``pow``.

    Positive integer powers up to 16 are products too (``x**4 = (x*x)*(x*x)``, within an ulp
    or two of torch's pow).

    Why not ``np.power`` alone: its vector loop runs only on positive, normal, finite bases.
    A negative, zero, NaN or infinite base sends it to a scalar loop, 6x to 100x slower
    (measured: x**3 of 3.2M normal floats 138 ms, of their magnitudes 2.9 ms; x*x*x 0.55 ms).
    """
    one = base.dtype.type(1)
    if exponent == 1:
        np.copyto(out, base)
    elif exponent in (2, 3, -2):
        in_place_cube = exponent == 3 and out is base  # x*x must not overwrite x before the third factor
        squares = np.multiply(base, base, out=None if in_place_cube else out)
        if exponent == 3:
            np.multiply(squares, base, out=out)  # (x*x)*x, torch's order
        elif exponent == -2:
            np.divide(one, squares, out=out)
    elif exponent == -1:
        np.divide(one, base, out=out)
    elif exponent in (0.5, -0.5):  # torch: sqrt and rsqrt, so sqrt(-0.0) = -0.0, sqrt(-inf) = NaN
        np.sqrt(base, out=out)
        if exponent < 0:
            np.divide(one, out, out=out)
    elif exponent == 1.5:  # x·√x: within an ulp of torch's pow, like numpy's, at a quarter of its time
        minus_inf = np.flatnonzero(np.isneginf(base))  # C's pow(-inf, 1.5) is +inf; -inf·√-inf would be NaN
        if out is base:
            np.multiply(base, np.sqrt(base), out=out)
        else:
            np.multiply(np.sqrt(base, out=out), base, out=out)
        out.ravel()[minus_inf] = np.inf
    elif float(exponent).is_integer() and 4 <= exponent <= 16:
        _integer_power(base, int(exponent), out)
    elif float(exponent).is_integer():
        # The sign comes back afterwards for an odd power: (-2)**3 = -8, (-0.0)**3 = -0.0.
        flip = np.flatnonzero(np.signbit(base)) if int(exponent) % 2 else None
        _power_of_magnitude(np.abs(base, out=out), exponent)
        if flip is not None:
            flat = out.ravel()
            flat[flip] = -flat[flip]
    else:
        # A negative number has no real non-integer power (but -inf**0.5 is inf, as in C).
        no_root = np.flatnonzero((base < 0) & np.isfinite(base))
        _power_of_magnitude(np.abs(base, out=out), exponent)
        out.ravel()[no_root] = np.nan
    return out


def _integer_power(base: np.ndarray, exponent: int, out: np.ndarray) -> None:
    """``base ** exponent`` for an integer ``exponent >= 2`` by repeated squaring into ``out``
    (signs, zeros, inf and NaN follow from the products)."""
    square = np.multiply(base, base)  # base**2, then base**4, ...
    first = True
    exponent_left = exponent
    if exponent_left % 2:
        np.copyto(out, base)
        first = False
    exponent_left //= 2
    while exponent_left:
        if exponent_left % 2:
            if first:
                np.copyto(out, square)
                first = False
            else:
                out *= square
        exponent_left //= 2
        if exponent_left:
            np.multiply(square, square, out=square)


def _power_of_magnitude(magnitude: np.ndarray, exponent) -> np.ndarray:
    """``magnitude ** exponent`` for a C-ordered ``magnitude >= 0`` (or NaN), written into it.

    Bases outside numpy's vector loop (0, inf, NaN, subnormals) are set to 1 while it runs,
    then get their own answer: 0, inf and NaN are their own power for a positive exponent
    (0**e = 0, inf**e = inf) and their reciprocal's for a negative one; subnormals, which are
    rare, go through ``np.power``'s scalar loop.

    (Cells are picked through ``flatnonzero`` lists: numpy's masked writes, ``putmask`` or
    ``copyto(where=)``, branch on every cell and ran ten times slower on a random mask here.)
    """
    dtype = magnitude.dtype
    if exponent == 0.25:
        return np.sqrt(np.sqrt(magnitude, out=magnitude), out=magnitude)
    if exponent == 1 / 3:
        return np.cbrt(magnitude, out=magnitude)
    info = np.finfo(dtype)
    exponent = dtype.type(exponent)
    flat = magnitude.ravel()  # a view: magnitude is C-ordered
    outside = np.flatnonzero(~((flat >= info.smallest_normal) & (flat <= info.max)))
    special = flat[outside]
    flat[outside] = 1
    np.power(magnitude, exponent, out=magnitude)
    with np.errstate(divide="ignore"):
        answers = special if exponent > 0 else np.divide(dtype.type(1), special)
    subnormal = (special > 0) & (special < info.smallest_normal)
    answers[subnormal] = np.power(special[subnormal], exponent)
    flat[outside] = answers
    return magnitude


# --- division -----------------------------------------------------------------------------


def divide(total: np.ndarray, divisor: np.ndarray) -> np.ndarray:
    """``total / divisor`` as torch's kernels do it: in the input dtype, truncating for ints.

    Floats are divided in place: ``total`` is always a fresh array of ours.
    """
    if np.issubdtype(total.dtype, np.floating):
        return np.divide(total, divisor.astype(total.dtype), out=total)
    quotient, remainder = np.divmod(total, divisor)
    # numpy floors; C++ truncates toward zero.
    return quotient + ((remainder != 0) & ((total < 0) != (divisor < 0)))
