"""Window geometry: where every pooling window sits, for every kind of pooling.

This is the one place that turns ``(input size, kernel_size, stride, padding, dilation,
ceil_mode)`` into output sizes and window positions. The pooling functions, the animation
frames and the on-screen formula all read it; nothing else recomputes an index.

A pooling op of N spatial dims is the 1-D geometry applied per axis, so everything here is
per axis (:class:`AxisWindows`) and :class:`Windows` combines N of them.

The rules follow torch (CPU, 2.13), per axis with input length ``L``, kernel ``k``, stride
``s``, padding ``p`` and dilation ``d``::

    num   = L + 2p - d(k-1) - 1
    floor mode: L_out = floor(num / s) + 1
    ceil mode:  L_out = ceil(num / s) + 1, minus one if the last window would start in the
                right padding, i.e. if (L_out - 1)*s >= L + p

Window ``o`` starts at ``o*s - p`` and reads taps ``o*s - p + j*d`` for ``j = 0..k-1``.

>>> axis = pool_axis(10, kernel_size=2, stride=2)
>>> axis.output_size
5
>>> axis.taps[:3].tolist()
[[0, 1], [2, 3], [4, 5]]
>>> pool_axis(5, kernel_size=3, stride=3, padding=1, ceil_mode=True).output_size
2
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

# What each tap of a window is, for the animation and the legend.
CELL_INPUT = 0  # a real input cell
CELL_PADDING = 1  # inside the declared padding (-inf for max, 0 for avg)
CELL_OVERHANG = 2  # past the right padding: only ceil_mode windows reach here


@dataclass(frozen=True, eq=False)
class AxisWindows:
    """The windows of one spatial axis: window ``o`` reads ``starts[o] + offsets``.

    Attributes:
        input_size: ``L_in``.
        output_size: ``L_out``.
        offsets: ``(K,)`` int64 tap offsets from the start (``j * dilation``).
        padding: cells in ``[-padding, 0)`` and ``[L_in, L_in + padding)`` are padding;
            beyond that is ceil-mode overhang.
        kind: ``"sliding"``, ``"adaptive"`` or ``"fractional"``.
        ends: ``(L_out,)`` exclusive ends of adaptive windows (which are ragged), else None.
        kernel_size, stride, dilation, ceil_mode: the parameters of a sliding axis (``None``
            for other kinds), kept for the fast paths, formulas and explanations.
        explicit_starts: window starts of adaptive and fractional axes (sliding axes compute
            ``o*stride - padding`` on first use).

    The ``(L_out, K)`` arrays (``taps``, ``member``, ...) are built on first use: the fast
    paths never need them, and for a long signal they are large.
    """

    input_size: int
    output_size: int
    offsets: np.ndarray
    padding: int = 0
    kind: str = "sliding"
    ends: np.ndarray | None = None
    kernel_size: int | None = None
    stride: int | None = None
    dilation: int | None = None
    ceil_mode: bool = False
    explicit_starts: np.ndarray | None = None

    @cached_property
    def starts(self) -> np.ndarray:
        """``(L_out,)`` int64 first tap of each window (negative inside the left padding)."""
        if self.explicit_starts is not None:
            return self.explicit_starts
        return np.arange(self.output_size, dtype=np.int64) * self.stride - self.padding

    @cached_property
    def taps(self) -> np.ndarray:
        """``(L_out, K)`` int64 input positions; may lie outside ``[0, L_in)``."""
        taps = self.starts[:, None] + self.offsets  # (L_out, K)
        if self.ends is not None:  # ragged: park the unused columns on the window start
            taps = np.where(self.member, taps, self.starts[:, None])
        return taps

    @cached_property
    def member(self) -> np.ndarray:
        """``(L_out, K)`` bool: which columns of ``taps`` belong to the window."""
        if self.ends is None:
            return np.ones((len(self.starts), len(self.offsets)), dtype=bool)
        return (self.starts[:, None] + self.offsets) < self.ends[:, None]

    @cached_property
    def pool_size(self) -> np.ndarray:
        """``(L_out,)`` avg-pool count with ``count_include_pad=True``: the window clipped to
        ``[-padding, L_in + padding)`` (adaptive: the window length)."""
        if self.ends is not None:
            return self.ends - self.starts
        span = int(self.offsets[-1]) + 1 if len(self.offsets) else 0
        return np.minimum(self.starts + span, self.input_size + self.padding) - self.starts

    @cached_property
    def centres(self) -> np.ndarray:
        """``(L_out,)`` float: the middle of each window's span, where figures draw its output
        (``start + dilation·(kernel_size − 1)/2``; adaptive bins ``(start + end − 1)/2``)."""
        if self.ends is not None:
            return (self.starts + self.ends - 1) / 2
        span = int(self.offsets[-1]) if len(self.offsets) else 0
        return self.starts + span / 2

    @property
    def floor_size(self) -> int:
        """``L_out`` without ceil mode: windows ``o ≥ floor_size`` exist only because of it."""
        if self.kind != "sliding" or not self.ceil_mode:
            return self.output_size
        return max(output_size(self.input_size, self.kernel_size, self.stride, self.padding, self.dilation), 0)

    @property
    def dropped_start(self) -> int | None:
        """Start of the window ceil mode would add but torch drops (it would begin in the right
        padding), else None. Only a sliding axis in ceil mode has one."""
        if self.kind != "sliding" or not self.ceil_mode:
            return None
        steps = output_size_steps(self.input_size, self.kernel_size, self.stride, self.padding, self.dilation, True)
        return (steps["raw"] - 1) * self.stride - self.padding if steps["dropped_last"] else None

    @property
    def dropped_taps(self) -> np.ndarray | None:
        """``(K,)`` the taps of the dropped window (see :attr:`dropped_start`), else None."""
        start = self.dropped_start
        return None if start is None else start + self.offsets

    @property
    def extent(self) -> tuple[int, int]:
        """``(first, last)`` positions a figure of this axis must show: the input, the declared
        padding on both sides, every tap (ceil-mode overhang included) and a dropped window."""
        first, last = -self.padding, self.input_size - 1 + self.padding
        if self.output_size and len(self.offsets):
            first = min(first, int(self.taps.min()))
            last = max(last, int(self.taps.max()))
        if self.dropped_taps is not None:
            last = max(last, int(self.dropped_taps.max()))
        return first, last

    def formula(self, name: str = "L") -> str:
        """The output-size rule with this axis's numbers, as the pages write it.

        >>> pool_axis(10, 2).formula()
        'L_out = ⌊(10 + 2·0 − 1·(2−1) − 1)/2⌋ + 1 = 5'
        >>> adaptive_axis(5, 3).formula("W")
        'W_out = 3 bins over W_in = 5; bin i covers [⌊i·5/3⌋, ⌈(i+1)·5/3⌉)'
        """
        if self.kind == "adaptive":
            return (
                f"{name}_out = {self.output_size} bins over {name}_in = {self.input_size}; bin i covers "
                f"[⌊i·{self.input_size}/{self.output_size}⌋, ⌈(i+1)·{self.input_size}/{self.output_size}⌉)"
            )
        if self.kind == "fractional":
            return f"{name}_out = {self.output_size} windows of {self.kernel_size} at pseudo-random starts"
        text = output_size_steps(
            self.input_size, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode
        )["text"]
        return text.replace("L_out", f"{name}_out", 1)

    @property
    def last_tap(self) -> int:
        """The largest position any window reads (for framing the input)."""
        if not (self.output_size and len(self.offsets)):
            return 0
        return int(self.starts[-1] + self.offsets[-1])

    @property
    def in_bounds(self) -> np.ndarray:
        """``(L_out, K)`` bool: taps that read a real input cell."""
        return self.member & (self.taps >= 0) & (self.taps < self.input_size)

    @property
    def cell_kind(self) -> np.ndarray:
        """``(L_out, K)`` int8: CELL_INPUT, CELL_PADDING or CELL_OVERHANG per tap."""
        kinds = np.full(self.taps.shape, CELL_OVERHANG, dtype=np.int8)
        kinds[(self.taps >= -self.padding) & (self.taps < self.input_size + self.padding)] = CELL_PADDING
        kinds[self.in_bounds] = CELL_INPUT
        return kinds

    @property
    def real_count(self) -> np.ndarray:
        """``(L_out,)`` number of in-bounds taps per window."""
        return self.in_bounds.sum(axis=1)

    @property
    def first_tap(self) -> np.ndarray:
        """``(L_out,)`` the first tap at a position >= 0.

        torch starts a max window's argmax here, so a window whose values are all -inf (or
        that reads no input at all, possible with dilation) reports this index, even when
        it is past the end of the input.
        """
        starts = self.starts
        step = self.dilation or 1
        behind = np.maximum(-starts, 0)
        return starts + -(-behind // step) * step


def output_size(
    input_size: int,
    kernel_size: int,
    stride: int,
    padding: int = 0,
    dilation: int = 1,
    ceil_mode: bool = False,
) -> int:
    """``L_out`` of a sliding window, with torch's ceil-mode drop rule.

    May return a value <= 0; the caller decides how to report that.

    >>> output_size(10, 2, 2)
    5
    >>> output_size(5, 2, 2), output_size(5, 2, 2, ceil_mode=True)
    (2, 3)
    >>> output_size(5, 3, 3, padding=1, ceil_mode=True)  # the documented formula says 3
    2
    """
    span = input_size + 2 * padding - dilation * (kernel_size - 1) - 1
    if ceil_mode:
        size = -(-span // stride) + 1
        # A window that would start in the right padding is dropped.
        if size > 0 and (size - 1) * stride >= input_size + padding:
            size -= 1
    else:
        size = span // stride + 1
    return size


def output_size_steps(
    input_size: int,
    kernel_size: int,
    stride: int,
    padding: int = 0,
    dilation: int = 1,
    ceil_mode: bool = False,
) -> dict:
    """The output-size formula with the numbers substituted, for the screen.

    >>> output_size_steps(10, 2, 2)["text"]
    'L_out = ⌊(10 + 2·0 − 1·(2−1) − 1)/2⌋ + 1 = 5'
    """
    span = input_size + 2 * padding - dilation * (kernel_size - 1) - 1
    bracket = ("⌈", "⌉") if ceil_mode else ("⌊", "⌋")
    raw = (-(-span // stride) if ceil_mode else span // stride) + 1
    final = output_size(input_size, kernel_size, stride, padding, dilation, ceil_mode)
    text = (
        f"L_out = {bracket[0]}({input_size} + 2·{padding} − {dilation}·({kernel_size}−1) − 1)"
        f"/{stride}{bracket[1]} + 1 = {raw}"
    )
    dropped = ceil_mode and final != raw
    if dropped:
        text += f" → {final} (the last window would start in the right padding, so it is dropped)"
    return {"span": span, "raw": raw, "output_size": final, "dropped_last": dropped, "text": text}


def pool_axis(
    input_size: int,
    kernel_size: int,
    stride: int | None = None,
    padding: int = 0,
    dilation: int = 1,
    ceil_mode: bool = False,
) -> AxisWindows:
    """Sliding windows along one axis. Parameters must already be validated.

    >>> axis = pool_axis(5, kernel_size=3, stride=2, padding=1, ceil_mode=True)
    >>> axis.taps.tolist()
    [[-1, 0, 1], [1, 2, 3], [3, 4, 5]]
    >>> axis.pool_size.tolist()  # the last window is clipped at L + p = 6
    [3, 3, 3]
    >>> axis.cell_kind.tolist()
    [[1, 0, 0], [0, 0, 0], [0, 0, 1]]
    """
    stride = kernel_size if stride is None else stride
    size = max(output_size(input_size, kernel_size, stride, padding, dilation, ceil_mode), 0)
    return AxisWindows(
        input_size=input_size,
        output_size=size,
        offsets=np.arange(kernel_size, dtype=np.int64) * dilation,  # (k,)
        padding=padding,
        kind="sliding",
        kernel_size=kernel_size,
        stride=stride,
        dilation=dilation,
        ceil_mode=ceil_mode,
    )


def adaptive_axis(input_size: int, output_size: int) -> AxisWindows:
    """Adaptive windows: bin ``i`` covers ``[floor(i*L/O), ceil((i+1)*L/O))``.

    Bins overlap or repeat when sizes don't divide, and ``O > L`` is allowed.

    >>> axis = adaptive_axis(5, 3)
    >>> [axis.taps[i][axis.member[i]].tolist() for i in range(3)]
    [[0, 1], [1, 2, 3], [3, 4]]
    """
    bins = np.arange(output_size, dtype=np.int64)
    starts = (bins * input_size) // output_size if output_size else bins
    ends = -((-(bins + 1) * input_size) // output_size) if output_size else bins
    widest = int((ends - starts).max()) if output_size else 0
    return AxisWindows(
        input_size=input_size,
        output_size=output_size,
        explicit_starts=starts,
        offsets=np.arange(widest, dtype=np.int64),
        kind="adaptive",
        ends=ends,
    )


def fractional_starts(sample, input_size: int, output_size: int, kernel_size: int) -> np.ndarray:
    """Window starts of fractional max pooling for a random ``sample`` in [0, 1).

    torch computes in the input's floating dtype, so ``sample`` keeps its dtype here::

        alpha = (L - k) / (O - 1);  start_i = int((i + u)·alpha) − int(u·alpha),  i < O − 1
        start_{O-1} = L − k

    ``sample`` may be an array of samples (one per plane): the result is then ``(*sample.shape, O)``.

    >>> fractional_starts(np.float32(0.5), 10, 4, 2).tolist()
    [0, 3, 5, 8]
    >>> fractional_starts(np.array([0.5, 0.0], np.float32), 10, 4, 2).tolist()
    [[0, 3, 5, 8], [0, 2, 5, 8]]
    """
    sample = np.asarray(sample)
    dtype = sample.dtype.type
    starts = np.empty(sample.shape + (output_size,), dtype=np.int64)
    if output_size > 1:
        alpha = dtype(input_size - kernel_size) / dtype(output_size - 1)
        base = (sample * alpha).astype(np.int64)  # int() truncates, and every product is >= 0
        steps = np.arange(output_size - 1, dtype=sample.dtype)
        starts[..., :-1] = ((steps + sample[..., None]) * alpha).astype(np.int64) - base[..., None]
    if output_size > 0:
        starts[..., -1] = input_size - kernel_size
    return starts


def fractional_axis(starts: np.ndarray, input_size: int, kernel_size: int) -> AxisWindows:
    """Fractional windows: ``kernel_size`` consecutive cells from each start."""
    starts = np.asarray(starts, dtype=np.int64)
    return AxisWindows(
        input_size=input_size,
        output_size=len(starts),
        explicit_starts=starts,
        offsets=np.arange(kernel_size, dtype=np.int64),
        kind="fractional",
        kernel_size=kernel_size,
        stride=None,
        dilation=1,
    )


@dataclass(frozen=True, eq=False)
class Windows:
    """N axes of windows, combined in row-major order (the last axis varies fastest).

    >>> windows = Windows((pool_axis(2, 1), pool_axis(6, 2)))  # the lecture's (1, 2) kernel
    >>> windows.output_shape, windows.window_shape
    ((2, 3), (1, 2))
    >>> windows.flat_input_index(1, 2).tolist()  # row 1, output column 2 reads w = 4, 5
    [10, 11]
    """

    axes: tuple[AxisWindows, ...]

    @property
    def input_shape(self) -> tuple[int, ...]:
        return tuple(axis.input_size for axis in self.axes)

    @property
    def output_shape(self) -> tuple[int, ...]:
        return tuple(axis.output_size for axis in self.axes)

    @property
    def window_shape(self) -> tuple[int, ...]:
        return tuple(axis.taps.shape[1] for axis in self.axes)

    def _outer(self, per_axis, combine):
        """Combine per-axis ``(O_i, K_i)`` arrays into ``(O_1..O_n, K_1..K_n)``."""
        n = len(self.axes)
        total = None
        for i, values in enumerate(per_axis):
            shape = [1] * (2 * n)
            shape[i], shape[n + i] = values.shape
            part = values.reshape(shape)
            total = part if total is None else combine(total, part)
        return total

    def in_bounds(self) -> np.ndarray:
        """``(O_1..O_n, K_1..K_n)`` bool: the tap reads a real input cell."""
        return self._outer([axis.in_bounds for axis in self.axes], np.logical_and)

    def member(self) -> np.ndarray:
        """``(O_1..O_n, K_1..K_n)`` bool: the tap belongs to the window."""
        return self._outer([axis.member for axis in self.axes], np.logical_and)

    def tap_flat_index(self) -> np.ndarray:
        """``(O_1..O_n, K_1..K_n)`` int64 row-major input offset of each tap.

        Meaningful only where :meth:`in_bounds`; that is torch's ``return_indices`` form.
        """
        strides = _row_major_strides(self.input_shape)
        return self._outer(
            [axis.taps * stride for axis, stride in zip(self.axes, strides, strict=True)],
            np.add,
        )

    def default_index(self) -> np.ndarray:
        """``(O_1..O_n,)`` the index torch reports for a max window that nothing beats."""
        strides = _row_major_strides(self.input_shape)
        total = np.zeros(self.output_shape, dtype=np.int64)
        for i, (axis, stride) in enumerate(zip(self.axes, strides, strict=True)):
            shape = [1] * len(self.axes)
            shape[i] = axis.output_size
            total = total + (axis.first_tap * stride).reshape(shape)
        return total

    def divisor(self, count_include_pad: bool = True, divisor_override: int | None = None):
        """``(O_1..O_n,)`` int64 avg-pool divisor of each window.

        ``divisor_override`` if given, else the product of the per-axis ``pool_size``
        (``count_include_pad=True``) or the number of real cells.
        """
        if divisor_override is not None:
            return np.full(self.output_shape, divisor_override, dtype=np.int64)
        counts = [axis.pool_size if count_include_pad else axis.real_count for axis in self.axes]
        total = np.ones(self.output_shape, dtype=np.int64)
        for i, count in enumerate(counts):
            shape = [1] * len(self.axes)
            shape[i] = len(count)
            total = total * count.reshape(shape)
        return total

    def uniform_divisor(self, count_include_pad: bool = True, divisor_override: int | None = None):
        """The divisor as one int when every window shares it (no padding reaches a window
        edge that is counted differently), else None. Lets the fast path divide by a scalar."""
        if divisor_override is not None:
            return divisor_override
        total = 1
        for axis in self.axes:
            counts = axis.pool_size if count_include_pad else axis.real_count
            if counts.size == 0 or counts.min() != counts.max():
                return None
            total *= int(counts[0])
        return total

    def flat_input_index(self, *output_index: int) -> np.ndarray:
        """Row-major offsets of the in-bounds taps of one output cell, in scan order."""
        index = tuple(output_index)
        taps = self.tap_flat_index()[index].ravel()
        keep = (self.in_bounds() & self.member())[index].ravel()
        return taps[keep]

    def centres(self) -> tuple[np.ndarray, ...]:
        """Per axis, ``(O_i,)`` the centre of each window (see :attr:`AxisWindows.centres`)."""
        return tuple(axis.centres for axis in self.axes)

    def extent(self) -> tuple[tuple[int, int], ...]:
        """Per axis, the ``(first, last)`` positions a figure must show (see :attr:`AxisWindows.extent`)."""
        return tuple(axis.extent for axis in self.axes)

    def formulas(self, names: tuple[str, ...] | None = None) -> list[str]:
        """The output-size rule per axis with its numbers (``L`` in 1-D, ``H, W`` in 2-D, ``D, H, W`` in 3-D)."""
        names = names or {1: ("L",), 2: ("H", "W"), 3: ("D", "H", "W")}[len(self.axes)]
        return [axis.formula(name) for axis, name in zip(self.axes, names, strict=True)]

    def dropped_windows(self) -> list[list[tuple[int, ...]]]:
        """The windows ceil mode counts but torch drops, each as its list of tap positions.

        An axis with a dropped window adds one more window at every position of the other
        axes (a row or a column of them in 2-D).

        >>> Windows((pool_axis(5, 3, 3, padding=1, ceil_mode=True),)).dropped_windows()
        [[(5,), (6,), (7,)]]
        """
        per_axis_taps = [[axis.taps[o] for o in range(axis.output_size)] for axis in self.axes]
        dropped = []
        for i, axis in enumerate(self.axes):
            extra = axis.dropped_taps
            if extra is None:
                continue
            choices = [list(taps) for taps in per_axis_taps]
            choices[i] = [extra]
            for combo in itertools.product(*choices):
                dropped.append([tuple(int(v) for v in position) for position in itertools.product(*combo)])
        return dropped

    def window_cells(self, *output_index: int) -> list[dict]:
        """Every tap of one output cell, in scan order, for animations.

        Each entry: ``position`` (per-axis coordinates, may be outside the input) and
        ``kind`` (:data:`CELL_INPUT`, :data:`CELL_PADDING` or :data:`CELL_OVERHANG`).

        >>> Windows((pool_axis(4, 3, 2, padding=1),)).window_cells(0)
        [{'position': (-1,), 'kind': 1}, {'position': (0,), 'kind': 0}, {'position': (1,), 'kind': 0}]
        """
        per_axis = []
        for axis, o in zip(self.axes, output_index, strict=True):
            keep = axis.member[o]
            per_axis.append(list(zip(axis.taps[o][keep].tolist(), axis.cell_kind[o][keep].tolist(), strict=True)))
        cells = []
        for combo in np.ndindex(*(len(taps) for taps in per_axis)):
            picked = [per_axis[i][j] for i, j in enumerate(combo)]
            kinds = [kind for _, kind in picked]
            cells.append({"position": tuple(pos for pos, _ in picked), "kind": max(kinds)})
        return cells


def _row_major_strides(shape: tuple[int, ...]) -> list[int]:
    strides, running = [], 1
    for size in reversed(shape):
        strides.append(running)
        running *= size
    return strides[::-1]


def sliding_windows(
    input_shape: tuple[int, ...],
    kernel_size: tuple[int, ...],
    stride: tuple[int, ...],
    padding: tuple[int, ...],
    dilation: tuple[int, ...],
    ceil_mode: bool,
) -> Windows:
    """N-d sliding windows from validated per-axis tuples."""
    return Windows(
        tuple(
            pool_axis(size, k, s, p, d, ceil_mode)
            for size, k, s, p, d in zip(input_shape, kernel_size, stride, padding, dilation, strict=True)
        )
    )


def adaptive_windows(input_shape: tuple[int, ...], output_size: tuple[int, ...]) -> Windows:
    return Windows(tuple(adaptive_axis(size, out) for size, out in zip(input_shape, output_size, strict=True)))


def product(values) -> int:
    return math.prod(int(v) for v in values)
