"""The backward pass's computations: plain definitions, and the fast paths tested against them.

Every pooling is linear in its upstream gradient once the forward has chosen what each output
reads, so each family's gradient is one of three movements of ``grad_output``:

* **scatter** (max-type): each output's gradient is added at the one input cell that won its
  window (torch's ``indices``); cells that won several windows get the sum.
* **spread** (average-type): each output's gradient, divided by its divisor, is added to every
  real cell of its window (the transpose of the window sum). lp pooling spreads the gradient
  that torch's chain of nodes (:func:`lp_through_windows`) leaves at its average.
* **gather** (unpool): each input takes the gradient of the output cell it was written to.

The definitions do exactly that, one output at a time in torch's order (``np.add.at`` adds
sequentially, in the order given), straight from the geometry's tap indices. The fast paths
reach the same sums another way: separably, axis by axis, on strided views of the sliding
windows (:func:`max_sliding_input`, :func:`spread_sliding`, :func:`lp_sliding_input`), with
bin repeats for adaptive averages (:func:`spread_adaptive`), as one flat fancy index for
unpooling (:func:`gather_planes`), and for adaptive and fractional maxima as the forward's own
winners scattered through one flat index (:func:`scatter_add`, the definition's adds in its
order, on numpy's fast ``add.at`` loop); large jobs in two halves on two threads. The tests hold each to its
definition: bit for bit where the sums are exact in any order, within a few ulp otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from ._kernels import (
    PARALLEL_MIN_OUTPUTS,
    _executor,
    _scratch,
    _Step,
    _steps,
    _sum_kernel,
    max_reduce_gather,
    sum_gather,
)
from .geometry import Windows, product

# --- definitions ---------------------------------------------------------------------------


def scatter_add_definition(input_shape: tuple[int, ...], indices: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
    """``(N, C, *L)``: ``grad_output[n, c, o]`` added at cell ``indices[n, c, o]`` of its plane.

    Outputs are added in row-major order, as torch's backward kernels do, starting from ``+0``
    (so a cell that receives a lone ``-0.0`` holds ``+0.0``, like torch's). An index outside the
    plane (a max window that reads no input cell at all) adds nothing.
    """
    planes, plane = product(input_shape[:2]), product(input_shape[2:])
    out = np.zeros((planes, plane), dtype=grad_output.dtype)
    outputs = product(indices.shape[2:])
    flat_index = indices.reshape(planes, outputs)  # (N·C, O); O spelled out, as -1 cannot be inferred when empty
    flat_grad = grad_output.reshape(planes, outputs)
    rows = np.broadcast_to(np.arange(planes)[:, None], flat_index.shape)
    keep = (flat_index >= 0) & (flat_index < plane)
    with np.errstate(invalid="ignore", over="ignore"):  # inf + -inf = NaN, as in torch
        np.add.at(out, (rows[keep], flat_index[keep]), flat_grad[keep])
    return out.reshape(input_shape)


def scatter_add(input_shape: tuple[int, ...], indices: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
    """:func:`scatter_add_definition`, fast: the same sequential adds in the same order, through
    one flat index (numpy's ``add.at`` has a fast loop for a single 1-D integer index; the
    definition's (plane, cell) pair of indices takes its general path, ~10× slower). An index
    outside its plane falls back to the definition, which skips it."""
    planes, plane = product(input_shape[:2]), product(input_shape[2:])
    outputs = product(indices.shape[2:])
    flat_index = indices.reshape(planes, outputs)
    if flat_index.size and (flat_index.min() < 0 or flat_index.max() >= plane):
        return scatter_add_definition(input_shape, indices, grad_output)
    out = np.zeros(planes * plane, dtype=grad_output.dtype)
    targets = flat_index + (np.arange(planes, dtype=np.int64) * plane)[:, None]  # each plane's cells, where it starts
    with np.errstate(invalid="ignore", over="ignore"):  # inf + -inf = NaN, as in torch
        np.add.at(out, targets.ravel(), grad_output.reshape(-1))
    return out.reshape(input_shape)


def max_input_definition(batch: np.ndarray, windows: Windows, grad_output: np.ndarray) -> np.ndarray:
    """Gradient of a max pool: the forward's argmax (the gather definition), then the scatter."""
    _, indices = max_reduce_gather(batch, windows)
    return scatter_add_definition(batch.shape, indices, grad_output)


def spread_definition(input_shape: tuple[int, ...], windows: Windows, delta: np.ndarray) -> np.ndarray:
    """``(N, C, *L)``: ``delta[n, c, o]`` added to every real cell of window ``o``.

    ``delta`` is the upstream gradient already divided by each window's divisor (torch divides
    first, then adds the quotient to each cell). Outputs in row-major order, taps in scan order.
    """
    planes, plane = product(input_shape[:2]), product(input_shape[2:])
    out = np.zeros((planes, plane), dtype=delta.dtype)
    outputs, taps = product(windows.output_shape), product(windows.window_shape)
    if outputs and taps and planes:
        cells = windows.tap_flat_index().reshape(outputs, taps)
        real = (windows.in_bounds() & windows.member()).reshape(outputs, taps)
        which_output, which_tap = np.nonzero(real)  # row-major: by output, then by tap
        values = delta.reshape(planes, outputs)[:, which_output]  # (N·C, M)
        rows = np.broadcast_to(np.arange(planes)[:, None], values.shape)
        columns = np.broadcast_to(cells[which_output, which_tap], values.shape)
        with np.errstate(invalid="ignore", over="ignore"):
            np.add.at(out, (rows, columns), values)
    return out.reshape(input_shape)


def lp_input_definition(batch, windows, upstream, norm_type, divisor) -> np.ndarray:
    """Gradient of an lp pool, node by node through torch's formula (see :func:`lp_through_windows`),
    with the forward sum and the spread of their definitions."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        averaged = sum_gather(torch_pow(batch, norm_type), windows) / np.asarray(divisor, dtype=batch.dtype)
        through_average = lp_through_windows(upstream, averaged, norm_type, product(windows.window_shape))
        delta = through_average / np.asarray(divisor, dtype=batch.dtype)
    return pow_backward(spread_definition(batch.shape, windows, delta), batch, norm_type)


def gather_definition(grad_output_planes: np.ndarray, flat_indices: np.ndarray) -> np.ndarray:
    """``(N, C, M)``: input ``m`` of each plane takes ``grad_output`` at its index."""
    return np.take_along_axis(grad_output_planes, flat_indices, axis=-1)


def gather_planes(grad_output_planes: np.ndarray, flat_indices: np.ndarray) -> np.ndarray:
    """:func:`gather_definition` as one flat fancy index per half, on two threads: each index
    becomes an offset into the whole flattened ``grad_output`` (numpy's 1-D integer indexing is
    its fastest gather, faster than ``take`` or ``take_along_axis``)."""
    planes, plane = product(grad_output_planes.shape[:2]), grad_output_planes.shape[2]
    count = flat_indices.shape[2]
    source = np.ascontiguousarray(grad_output_planes).reshape(-1)
    indices = flat_indices.reshape(planes, count)
    out = np.empty((planes, count), dtype=grad_output_planes.dtype)

    def gather(rows: slice, columns: slice) -> None:
        offsets = np.arange(rows.start, rows.stop, dtype=np.int64)[:, None] * plane
        flat = np.add(indices[rows, columns], offsets)
        out[rows, columns] = source[flat.reshape(-1)].reshape(flat.shape)

    whole = (slice(0, planes), slice(0, count))
    if out.size < PARALLEL_MIN_OUTPUTS:
        gather(*whole)
    elif planes >= 2:
        _in_two(gather, (slice(0, planes // 2), whole[1]), (slice(planes // 2, planes), whole[1]))
    else:
        _in_two(gather, (whole[0], slice(0, count // 2)), (whole[0], slice(count // 2, count)))
    return out.reshape(flat_indices.shape)


def _in_two(job, first: tuple, second: tuple) -> None:
    """``job(*first)`` here and ``job(*second)`` on the worker thread, at once."""
    pending = _executor().submit(job, *second)
    try:
        job(*first)
    finally:
        pending.result()


# --- the power average's chain of nodes, as torch's autograd runs it ----------------------------
#
# torch's lp_pool is y = pow(sign(a)·relu(|a|)·K, 1/p) with a = avg_pool(x^p), and its autograd
# steps back through each of those nodes with torch's own formulas (pow_backward: g·(e·b^(e−1)),
# relu: g where the output > 0, abs: g·sign). Doing the same, with torch's special-cased powers,
# gives its values at the edges too: 0 for a window whose power sum is 0, NaN for x < 0 under a
# fractional p.


def torch_sign(values: np.ndarray) -> np.ndarray:
    """torch.sign: 1, -1, or +0 (for ±0 and for NaN, which numpy's sign keeps), without branches."""
    signs = np.greater(values, 0).astype(values.dtype)
    np.subtract(signs, np.less(values, 0), out=signs)
    return signs


def torch_pow(base: np.ndarray, exponent) -> np.ndarray:
    """``torch.pow(base, exponent)`` for a Python number, with torch's special cases (each a
    different, exactly rounded, computation: ``x**0.5`` is ``sqrt``, ``x**2`` is ``x*x``); ``x**0``
    is 1 even for NaN, and ``x**1`` is ``base`` itself, which callers must not write to."""
    dtype = base.dtype.type
    exponent = float(exponent)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if exponent == 0:
            return np.ones_like(base)
        if exponent == 1:
            return base
        if exponent == 0.5:
            return np.sqrt(base)
        if exponent == -0.5:
            return np.divide(dtype(1), np.sqrt(base))
        if exponent == -1:
            return np.divide(dtype(1), base)
        if exponent == 2:
            return base * base
        if exponent == 3:
            return base * base * base
        if exponent == -2:
            return np.divide(dtype(1), base * base)
        return np.power(base, dtype(exponent))


def pow_backward(grad: np.ndarray, base: np.ndarray, exponent) -> np.ndarray:
    """torch's ``pow_backward``: ``grad · (exponent · base^(exponent − 1))``, in that order."""
    with np.errstate(invalid="ignore", over="ignore"):
        factor = np.multiply(base.dtype.type(exponent), torch_pow(base, exponent - 1))
        return np.multiply(grad, factor, out=factor)


def lp_through_windows(upstream: np.ndarray, averaged: np.ndarray, norm_type, kernel: int) -> np.ndarray:
    """From ``grad_output`` back to the gradient of ``a = avg_pool(x^p)`` (``averaged``, overwritten)."""
    dtype = averaged.dtype.type
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        signs = torch_sign(averaged)
        rectified = np.abs(averaged, out=averaged)  # relu(|a|) = |a|, NaN kept
        scaled = np.multiply(signs, rectified)
        np.multiply(scaled, dtype(kernel), out=scaled)  # y = pow(scaled, 1/p)
        through = pow_backward(upstream, scaled, 1.0 / norm_type)
        np.multiply(through, dtype(kernel), out=through)  # .mul(K)
        np.multiply(through, signs, out=through)  # sign(a)·relu(|a|): the sign factor's own gradient is 0
        passes = np.logical_not(np.less_equal(rectified, 0))  # threshold_backward: 0 where relu's output <= 0
        bits = _as_bits(through)
        np.bitwise_and(bits, np.negative(passes.view(np.int8)), out=bits)
        np.multiply(through, signs, out=through)  # abs: g·sign(a)
        np.add(through, dtype(0), out=through)  # + the zero gradient arriving through sign(a)
    return through


# --- fast paths over strided views (sliding windows only) ------------------------------------
#
# Max and average pooling are separable, and so are their gradients:
#
# * Average: the window sum is a product of per-axis sums, so its transpose spreads the divided
#   gradient back one axis at a time (innermost first, while the data is smallest).
# * Max: torch's winner is the first maximum in row-major scan order, which is the first row
#   (outer axis) whose own maximum is the window's, then the first maximum in that row. So the
#   inner axes are scanned first, each recording its winning tap (one byte per window); the
#   outer axis is scanned on their maxima; then the gradient is scattered back outer axis
#   first, each axis sending it to its recorded winner. NaN (the last NaN wins) and windows of
#   -inf (the first real tap) follow the same per-axis rule, so they compose too.
#
# Every tap of a window is a strided view of the input (see _kernels._Step), padding simply
# takes no part, and a large job runs as two halves on two threads.


def _tap_inputs(step: _Step, j: int, outputs: slice) -> slice:
    """The input positions tap ``j`` of the outputs ``outputs`` reads (all in bounds)."""
    start = step.origin + outputs.start * step.stride + j * step.dilation
    return slice(start, start + (outputs.stop - 1 - outputs.start) * step.stride + 1, step.stride)


def _as_bits(array: np.ndarray) -> np.ndarray:
    return array.view(np.int32 if array.dtype.itemsize == 4 else np.int64)


def _scan_axis(values, axis, step, best, win, nan_aware, need_best=True):
    """torch's scan along spatial ``axis`` of ``values``: ``best`` the maxima, ``win`` the winning taps.

    A tap wins if ``value > best`` or (``nan_aware``) it is NaN. A window starts from its first
    in-bounds tap (torch starts from -inf with that tap as its index, so an all -inf window
    reports it), found as the outputs tap ``j`` reaches and tap ``j - 1`` did not: the taps of a
    window that are in bounds are consecutive, so each window enters the scan exactly once.
    """
    lead = (slice(None),) * (2 + axis)
    previous = slice(0, 0)
    taps = [j for j in range(step.kernel) if step.tap(j) is not None]
    for j in range(step.kernel):
        tap = step.tap(j)
        if tap is None:
            previous = slice(0, 0)
            continue
        outputs = tap[0]
        if previous.stop > previous.start:
            entering = slice(outputs.start, min(outputs.stop, previous.start))
            staying = slice(max(outputs.start, previous.start), min(outputs.stop, previous.stop))
        else:
            entering, staying = outputs, slice(0, 0)
        if entering.stop > entering.start:
            best[lead + (entering,)] = values[lead + (_tap_inputs(step, j, entering),)]
            win[lead + (entering,)] = j
        if staying.stop > staying.start:
            view = values[lead + (_tap_inputs(step, j, staying),)]
            current = best[lead + (staying,)]
            take = np.greater(view, current)
            if nan_aware:
                take |= np.isnan(view)
            take_int = take.view(np.int8)
            np.multiply(take_int, np.int8(j), out=take_int)
            winners = win[lead + (staying,)]
            np.maximum(winners, take_int, out=winners)
            if need_best or j != taps[-1]:
                np.maximum(current, view, out=current)
        previous = outputs


def _scatter_axis(upstream, win, axis, step, target):
    """``target`` (``L`` along ``axis``): each window's ``upstream`` at its winning tap, summed; 0 elsewhere.

    The selection is a bit mask (``upstream`` where the tap won, +0.0 elsewhere): exact for
    NaN and ±inf, and without the branches that make masked copies slow on random masks.
    """
    lead = (slice(None),) * (2 + axis)
    disjoint = step.stride >= step.dilation * (step.kernel - 1) + 1
    taps = [(j, step.tap(j)) for j in range(step.kernel) if step.tap(j) is not None]
    covered = sum(tap[0].stop - tap[0].start for _, tap in taps)
    if not (disjoint and covered == step.size):
        target.fill(0)
    bits = _as_bits(upstream)
    for j, (outputs, inputs) in taps:
        won = np.equal(win[lead + (outputs,)], np.int8(j))
        mask = np.negative(won.view(np.int8))  # 0 or -1: all bits set
        chosen = np.bitwise_and(bits[lead + (outputs,)], mask).view(upstream.dtype)
        if disjoint:
            target[lead + (inputs,)] = chosen
        else:
            part = target[lead + (inputs,)]
            np.add(part, chosen, out=part)


def _buffer(slot: str, shape: tuple[int, ...], dtype) -> np.ndarray:
    """A work array of ``shape`` from this thread's scratch buffers (see ``_kernels._scratch``)."""
    return _scratch(f"grad {slot}", product(shape), dtype).reshape(shape)


def scratch_like(slot: str, array: np.ndarray) -> np.ndarray:
    """A work array shaped like ``array``, from this thread's scratch buffers (valid until the next call)."""
    return _buffer(slot, array.shape, array.dtype)


def _written_rows(step: _Step, keep: slice) -> _Step:
    """``step`` seen from rows ``keep`` of its axis: the taps that land there, at positions from 0."""
    return replace(step, origin=step.origin - keep.start, size=keep.stop - keep.start)


def _max_job(batch, steps, upstream, out, keep):
    """Rows ``keep`` (of the first spatial axis) of the gradient, into ``out``."""
    with np.errstate(invalid="ignore", over="ignore"):  # inf + -inf = NaN, as in torch (per thread)
        _max_job_steps(batch, steps, upstream, out, keep)


def _max_job_steps(batch, steps, upstream, out, keep):
    n = len(steps)
    nan_aware = bool(np.isnan(np.min(batch))) if batch.size else False
    values, wins = batch, [None] * n
    for k in range(n - 1, 0, -1):  # inner axes first, each on the maxima of the ones inside it
        shape = values.shape[: 2 + k] + (steps[k].out,) + values.shape[3 + k :]
        best, win = _buffer(f"best {k}", shape, batch.dtype), _buffer(f"win {k}", shape, np.int8)
        _scan_axis(values, k, steps[k], best, win, nan_aware)
        wins[k], values = win[:, :, keep], best
    wins[0] = _buffer("win 0", upstream.shape, np.int8)
    _scan_axis(values, 0, steps[0], _buffer("best 0", upstream.shape, batch.dtype), wins[0], nan_aware,
               need_best=False)  # fmt: skip
    gradient = _buffer("upstream", upstream.shape, batch.dtype)
    np.add(upstream, batch.dtype.type(0), out=gradient)  # -0.0 → +0.0: torch adds each gradient to a zero
    for k in range(n):  # then back, outer axis first, each axis to its recorded winner
        step = _written_rows(steps[0], keep) if k == 0 else steps[k]
        if k == n - 1:
            target = out
        else:
            target = _buffer(f"gradient {k % 2}", gradient.shape[: 2 + k] + (step.size,) + gradient.shape[3 + k :],
                             batch.dtype)  # fmt: skip
        _scatter_axis(gradient, wins[k], k, step, target)
        gradient = target


def _part(outputs, index):
    """``outputs`` (an output-shaped array, or a tuple of them) at ``index``."""
    return tuple(array[index] for array in outputs) if isinstance(outputs, tuple) else outputs[index]


def _row_parts(batch: np.ndarray, steps: list[_Step], upstream, out: np.ndarray):
    """Two independent halves of a job: ``(batch, steps, upstream, out, keep)`` each (``upstream``:
    an output-shaped array, or a tuple of them).

    Planes split evenly when there are at least 4 of them. Otherwise the first spatial axis
    splits at its middle row: each half takes the windows that touch its rows (those across
    the middle are in both) and the input rows they read, and keeps its own rows of the result.
    """
    planes = batch.shape[0] * batch.shape[1]
    everything = slice(None)
    if planes >= 4:
        dim = 0 if batch.shape[0] >= 2 else 1
        middle = batch.shape[dim] // 2
        parts = []
        for part in (slice(0, middle), slice(middle, None)):
            index = (part,) if dim == 0 else (everything, part)
            parts.append((batch[index], steps, _part(upstream, index), out[index], slice(0, steps[0].size)))
        return parts
    first = steps[0]
    middle = _middle(first)
    if middle is None:
        return None
    parts = []
    for rows in ((0, middle), (middle, first.size)):
        low, high = rows
        span = (first.kernel - 1) * first.dilation
        o_lo = max(0, -(-(low - first.origin - span) // first.stride))
        o_hi = min(first.out, (high - 1 - first.origin) // first.stride + 1)
        if o_hi <= o_lo:  # no window touches these rows: their gradient is 0
            parts.append(None)
            continue
        r0 = max(0, first.origin + o_lo * first.stride)
        r1 = min(first.size, first.origin + (o_hi - 1) * first.stride + span + 1)
        r0, r1 = min(r0, low), max(r1, high)
        part_step = _Step(first.kernel, first.stride, first.dilation, first.origin + o_lo * first.stride - r0,
                          r1 - r0, o_hi - o_lo)  # fmt: skip
        windows_here = _part(upstream, (everything, everything, slice(o_lo, o_hi)))
        parts.append((batch[:, :, r0:r1], [part_step] + steps[1:], windows_here, out[:, :, low:high],
                      slice(low - r0, high - r0)))  # fmt: skip
    return parts


def _middle(step: _Step) -> int | None:
    """Where to split an axis in two: near its middle, on a window start (so tiling windows still tile)."""
    if step.size < 2:
        return None
    middle = step.size // 2
    aligned = middle - (middle - step.origin) % step.stride
    return aligned if 0 < aligned < step.size else middle


def _zero_rows(batch, rows: slice, out) -> None:
    out.fill(0)


def _run_parts(job, batch, steps, upstream, out, untouched=_zero_rows) -> None:
    """``job`` on two halves at once (see :func:`_row_parts`), or whole if small; rows of a half
    that no window touches get ``untouched(batch, rows, out_rows)`` (zeros by default)."""
    parts = _row_parts(batch, steps, upstream, out) if batch.size >= PARALLEL_MIN_OUTPUTS else None
    if parts is None:
        job(batch, steps, upstream, out, slice(0, steps[0].size))
        return
    middle = _middle(steps[0]) or 0
    for part, (low, high) in zip(parts, ((0, middle), (middle, steps[0].size)), strict=True):
        if part is None:
            untouched(batch, slice(low, high), out[:, :, low:high])
    first, second = parts
    pending = _executor().submit(job, *second) if second is not None else None
    try:
        if first is not None:
            job(*first)
    finally:
        if pending is not None:
            pending.result()


def max_sliding_input(batch: np.ndarray, windows: Windows, grad_output: np.ndarray) -> np.ndarray:
    """Gradient of a sliding max pool (see the comment above); equals :func:`max_input_definition`."""
    steps = _steps(windows)
    out = np.empty(batch.shape, dtype=batch.dtype)
    upstream = grad_output + batch.dtype.type(0)  # a fresh array, and -0.0 as torch's +0.0 (0 + -0)
    if out.size == 0 or upstream.size == 0:
        out.fill(0)
        return out
    _run_parts(_max_job, batch, steps, upstream, out)
    return out


def _tiles(step: _Step) -> bool:
    """The windows tile the axis: side by side, no gaps, no padding (kernel = stride, dilation 1)."""
    return (
        step.kernel == step.stride and step.dilation == 1 and step.origin == 0 and step.out * step.kernel <= step.size
    )


def _spread_axis(source, axis, step, target):
    """``target`` (``L`` along ``axis``) = the transpose of the window sum: each output's value added to
    every real cell of its window. Windows that tile the axis make it a repeat."""
    lead = (slice(None),) * (2 + axis)
    last = axis == source.ndim - 3
    if _tiles(step):
        covered = step.out * step.kernel
        target[lead + (slice(covered, None),)] = 0
        if last and step.kernel == 2 and source.dtype == np.float32 and target.flags.c_contiguous:
            # a float32 pair as one uint64: u·(2^32 + 1) puts u in both halves (one flat pass)
            pairs = target.reshape(-1, step.size)[:, :covered].reshape(source.shape[:-1] + (step.out, 2))
            if covered == step.size:
                np.multiply(source.view(np.uint32), np.uint64(0x100000001), out=target.view(np.uint64),
                            casting="unsafe")  # fmt: skip
                return
            pairs[...] = source[..., None]
            return
        shape = source.shape[: 3 + axis] + (step.kernel,) + source.shape[3 + axis :]
        blocks = target[lead + (slice(0, covered),)].reshape(source.shape[: 2 + axis] + (step.out, step.kernel)
                                                            + source.shape[3 + axis :])  # fmt: skip
        np.copyto(blocks, source.reshape(shape[: 3 + axis] + (1,) + shape[4 + axis :]))
        return
    disjoint = step.stride >= step.dilation * (step.kernel - 1) + 1
    taps = [tap for tap in step.taps() if tap is not None]
    covered = sum(outputs.stop - outputs.start for outputs, _ in taps)
    if not (disjoint and covered == step.size):
        target.fill(0)
    for outputs, inputs in taps:
        if disjoint:
            target[lead + (inputs,)] = source[lead + (outputs,)]
        else:
            part = target[lead + (inputs,)]
            np.add(part, source[lead + (outputs,)], out=part)


def _spread_job(_, steps, delta, out, keep):
    """Rows ``keep`` (of the first spatial axis) of the average pool's gradient, into ``out``."""
    n = len(steps)
    gradient = delta
    with np.errstate(invalid="ignore", over="ignore"):  # inf + -inf = NaN, as in torch
        for k in range(n - 1, -1, -1):  # innermost first, while the data is smallest
            step = _written_rows(steps[0], keep) if k == 0 else steps[k]
            if k == 0:
                target = out
            else:
                target = _buffer(f"gradient {k % 2}", gradient.shape[: 2 + k] + (step.size,) + gradient.shape[3 + k :],
                                 delta.dtype)  # fmt: skip
            _spread_axis(gradient, k, step, target)
            gradient = target


def _lp_job(norm_type, batch, steps, outputs, out, keep):
    """Rows ``keep`` of an lp pool's gradient: this part's x^p, window sums, chain of nodes, spread."""
    upstream, divisor = outputs
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        powered = torch_pow(batch, norm_type)
        averaged = _buffer("lp average", upstream.shape, batch.dtype)
        _sum_kernel(powered, steps, averaged)
        np.divide(averaged, divisor, out=averaged)
        through_average = lp_through_windows(upstream, averaged, norm_type, product(step.kernel for step in steps))
        np.divide(through_average, divisor, out=through_average)
        _spread_job(None, steps, through_average, out, keep)
        kept = batch[:, :, keep]
        factor = torch_pow(kept, norm_type - 1)  # may be `kept` itself (p = 2): never written to
        factor = np.multiply(batch.dtype.type(norm_type), factor, out=None if factor is kept else factor)
        np.multiply(out, factor, out=out)  # pow_backward(g, x, p) = g·(p·x^(p−1))


def lp_sliding_input(batch, windows, upstream, norm_type, divisor) -> np.ndarray:
    """Gradient of an lp pool (finite ``norm_type``): :func:`lp_input_definition` in two halves on
    two threads, each running the whole chain for its rows."""
    out = np.empty(batch.shape, dtype=batch.dtype)
    if out.size == 0 or upstream.size == 0:
        out.fill(0)
        return out
    divisor = np.broadcast_to(np.asarray(divisor, dtype=batch.dtype), upstream.shape)

    def untouched(batch, rows, out_rows):  # 0 · (p·x^(p−1)): NaN where that factor is (x < 0, fractional p)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            out_rows[...] = pow_backward(np.zeros_like(out_rows), batch[:, :, rows], norm_type)

    _run_parts(partial(_lp_job, norm_type), batch, _steps(windows), (upstream, divisor), out, untouched)
    return out


def spread_sliding(input_shape: tuple[int, ...], windows: Windows, delta: np.ndarray) -> np.ndarray:
    """The average pool's gradient, axis by axis; equals :func:`spread_definition` within a few ulp
    (the sums are added in another order; exactly where they are exact in any order)."""
    out = np.empty(input_shape, dtype=delta.dtype)
    if out.size == 0 or delta.size == 0:
        out.fill(0)
        return out
    _run_parts(_spread_job, out, _steps(windows), delta, out)
    return out


# --- adaptive average: ragged bins ------------------------------------------------------------


@dataclass(frozen=True)
class _BinPlan:
    """How one adaptive axis spreads back. Cell ``l`` lies in the consecutive bins ``first..last``:
    bin ``i`` is the first bin of the cells ``[end_{i-1}, end_i)`` and the last of
    ``[start_i, start_{i+1})``, so both are repeats of the bins. Where bins overlap (``O ≤ L``: at
    most two per cell) a cell adds its last bin to its first; deeper cells (``O > L``) add the
    bins between too, in increasing order, as torch does."""

    axis: object  # the geometry's AxisWindows
    first_counts: np.ndarray  # (O,) cells whose first bin is i
    last_counts: np.ndarray  # (O,) cells whose last bin is i
    two: np.ndarray  # (L,) bit mask of the cells in more than one bin (all bits set there)
    middle: list  # per further bin m = 1, 2, ... before the last: (cells, their (m+1)-th bin)
    overlaps: tuple  # (cells in more than one bin, their last bin)

    @classmethod
    def of(cls, axis, dtype) -> _BinPlan:
        bins = np.arange(axis.output_size)
        first_counts = np.diff(axis.ends, prepend=0)
        last_counts = np.diff(axis.starts, append=axis.input_size)
        first, last = np.repeat(bins, first_counts), np.repeat(bins, last_counts)
        middle = []
        for m in range(1, int((last - first).max(initial=0))):
            cells = np.flatnonzero(last - first > m)
            middle.append((cells, first[cells] + m))
        two = np.negative((last > first).astype(_as_bits(np.empty(0, dtype)).dtype))
        cells = np.flatnonzero(last > first)
        return cls(axis, first_counts, last_counts, two, middle, (cells, last[cells]))


def _lay_out(source, dim, counts, firsts, target=None):
    """Bin values laid out over the cells (``counts[i]`` cells take bin ``i``): a repeat along the
    last axis (numpy's fastest layout there, several times faster than take), a take of whole
    rows along an outer one."""
    if dim == source.ndim - 1:
        result = np.repeat(source, counts, axis=dim)
        if target is not None:
            np.copyto(target, result)
            return target
        return result
    shape = source.shape[:dim] + (len(firsts),) + source.shape[dim + 1 :]
    result = np.empty(shape, dtype=source.dtype) if target is None else target
    return np.take(source, firsts, axis=dim, out=result)


def _spread_bins(source, axis_index, plan: _BinPlan, target=None):
    """The transpose of adaptive bin sums along one axis; returns ``target`` if given, else a new array."""
    axis = plan.axis
    dim = 2 + axis_index
    if axis.output_size and axis.input_size % axis.output_size == 0:  # equal bins side by side
        width = axis.input_size // axis.output_size
        shape = source.shape[:dim] + (axis.input_size,) + source.shape[dim + 1 :]
        target = np.empty(shape, dtype=source.dtype) if target is None else target
        _spread_axis(source, axis_index, _Step(width, width, 1, 0, axis.input_size, axis.output_size), target)
        return target
    bins = np.arange(axis.output_size)
    result = _lay_out(source, dim, plan.first_counts, np.repeat(bins, plan.first_counts), target)
    before = (slice(None),) * dim
    for cells, middle_bins in plan.middle:  # bins strictly between a cell's first and last (O > L only)
        result[before + (cells,)] = result[before + (cells,)] + np.take(source, middle_bins, axis=dim)
    cells, last_bins = plan.overlaps
    if 8 * len(cells) < axis.input_size:  # few cells in two bins: add to those alone
        result[before + (cells,)] = result[before + (cells,)] + np.take(source, last_bins, axis=dim)
        return result
    # many: lay out every cell's last bin, and mask it off (+0.0) where it is the first
    lasts = _lay_out(source, dim, plan.last_counts, np.repeat(bins, plan.last_counts))
    bits = _as_bits(lasts)
    np.bitwise_and(bits, plan.two.reshape((-1,) + (1,) * (source.ndim - 1 - dim)), out=bits)
    return np.add(result, lasts, out=result)


def spread_adaptive(input_shape: tuple[int, ...], windows: Windows, delta: np.ndarray) -> np.ndarray:
    """The adaptive average's gradient, axis by axis (innermost first); equals
    :func:`spread_definition` within a few ulp. When the last step runs along an outer axis,
    two halves of the planes run on two threads."""
    if product(input_shape) == 0 or delta.size == 0:
        return np.zeros(input_shape, dtype=delta.dtype)
    n = len(windows.axes)
    plans = [_BinPlan.of(axis, delta.dtype) for axis in windows.axes]

    def job(planes, out=None):
        gradient = delta[planes]
        with np.errstate(invalid="ignore", over="ignore"):
            for k in range(n - 1, -1, -1):
                gradient = _spread_bins(gradient, k, plans[k], out[planes] if (k == 0 and out is not None) else None)
        return gradient

    count = input_shape[0] * input_shape[1]
    if n == 1 or product(input_shape) < PARALLEL_MIN_OUTPUTS or count < 2:
        return job((slice(None),))
    out = np.empty((1, count) + tuple(input_shape[2:]), dtype=delta.dtype)
    delta = delta.reshape((1, count) + delta.shape[2:])  # planes as one axis, split in two
    halves = (slice(None), slice(0, count // 2)), (slice(None), slice(count // 2, count))
    _in_two(job, (halves[0], out), (halves[1], out))
    return out.reshape(input_shape)
