"""The sliding-window animation as data: one :class:`Step` per output cell, from the geometry.

Renderers only draw these steps; they never compute a window position themselves. Each step
says which cells the window reads (and which of them are padding or ceil-mode overhang),
the value each contributes, the cell max pooling picked, the result, the arithmetic written
out, and a sentence describing the step (for screen readers and copy-paste).

>>> import numpy as np
>>> x = np.array([1, 4, -1, 0, 2, -2, 1, 3, 3, 1], dtype=np.float32)
>>> steps = pool_steps(PoolCall("max_pool1d", {"kernel_size": 2}), x)
>>> [step.arithmetic for step in steps[:2]]
['max(1, 4) = 4', 'max(−1, 0) = 0']
>>> steps[0].chosen
(1,)
>>> [step.arithmetic for step in pool_steps(PoolCall("avg_pool1d", {"kernel_size": 2}), x)[:2]]
['(1 + 4) / 2 = 2.5', '(−1 + 0) / 2 = −0.5']
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .call import PoolCall
from .geometry import CELL_INPUT, CELL_OVERHANG, CELL_PADDING, Windows

KINDS = ("max", "avg", "lp", "adaptive_max", "adaptive_avg", "fractional_max")


@dataclass(frozen=True)
class Step:
    """One output cell of the animation."""

    output_index: tuple[int, ...]
    cells: tuple[tuple[int, ...], ...]  # input positions read, in scan order (may be outside)
    kinds: tuple[int, ...]  # CELL_INPUT, CELL_PADDING or CELL_OVERHANG per cell
    values: tuple[float, ...]  # what each cell contributes (padding: -inf for max, 0 for avg)
    chosen: tuple[int, ...] | None  # max: the input position that won (None if none did)
    result: float
    arithmetic: str  # "max(1, 4) = 4"
    description: str  # one sentence for screen readers
    added_by_ceil: bool = False  # this window exists only because of ceil_mode
    divisor: int | None = None  # average pooling: what the window's sum is divided by


def fmt(value) -> str:
    """A number as a person writes it: ``4``, ``2.5``, ``−0.5``, ``0.333``, ``−∞``, ``NaN``."""
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if value == int(value) and abs(value) < 1e15:
        text = str(int(value))
        if value == 0 and math.copysign(1, value) < 0:
            text = "−0"
    else:
        text = f"{value:.3g}" if abs(value) >= 1e-3 else f"{value:.2e}"
    return text.replace("-", "−")


def _position_text(position: tuple[int, ...]) -> str:
    return str(position[0]) if len(position) == 1 else "(" + ", ".join(map(str, position)) + ")"


def _sum_text(values) -> str:
    """``1 + 4 − 1 + 0``: a sum written as a person writes it."""
    text = ""
    for i, value in enumerate(values):
        negative = value < 0 or (value == 0 and math.copysign(1, value) < 0)
        magnitude = fmt(abs(value)) if not math.isnan(value) else "NaN"
        if i == 0:
            text = fmt(value)
        else:
            text += f" − {magnitude}" if negative else f" + {magnitude}"
    return text


def _power(text: str, p) -> str:
    superscripts = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
    if float(p).is_integer() and p > 0:
        return f"{text}{str(int(p)).translate(superscripts)}"
    return f"{text}^{fmt(p)}"


def pool_steps(call: PoolCall, plane: np.ndarray) -> list[Step]:
    """Steps of ``call`` pooling one channel ``plane`` (shape ``(L,)``, ``(H, W)`` or ``(D, H, W)``).

    ``call`` is a max, avg, lp, adaptive or fractional call of the plane's rank; invalid
    arguments raise the same ``ValueError``/``TypeError`` as the pooling function. The results
    and windows are those of the real call (:meth:`PoolCall.run`, :meth:`PoolCall.windows`), so
    the animation shows exactly what ``pooling_core`` (and torch) compute.
    """
    if call.kind not in KINDS:
        raise ValueError(f"the animation shows {', '.join(KINDS)} pooling, but got {call.function}")
    if plane.ndim != call.ndim:
        raise ValueError(f"{call.function} pools {call.ndim}-D planes, but got shape {plane.shape}")
    batch = plane[None]  # (C=1, *spatial): unbatched torch layout
    if call.is_max:
        result, indices = call.with_arguments(return_indices=True).run(batch)
        indices = indices[0]
    else:
        result, indices = call.run(batch), None
    result = result[0]
    windows = call.windows(batch.shape)
    return [_step(plane, call, windows, index, result, indices) for index in np.ndindex(*result.shape)]


def _bins_text(windows: Windows, index) -> str:
    """Adaptive bins: where this one starts and ends (the formula with its numbers), and the
    cells it shares with its neighbours (bins overlap when the sizes do not divide)."""
    parts, shared = [], []
    for axis, i in zip(windows.axes, index, strict=True):
        length, count = axis.input_size, axis.output_size
        start, end = int(axis.starts[i]), int(axis.ends[i])
        parts.append(f"[⌊{i}·{length}/{count}⌋, ⌈{i + 1}·{length}/{count}⌉) = [{start}, {end})")
        for other in (i - 1, i + 1):
            if 0 <= other < count:
                low, high = max(start, int(axis.starts[other])), min(end, int(axis.ends[other]))
                shared += [str(cell) for cell in range(low, high)]
    text = f"Its bin covers {' × '.join(parts)}"
    if shared:
        cells = ", ".join(dict.fromkeys(shared))
        text += f"; it overlaps its neighbours on cell{'s' if len(set(shared)) > 1 else ''} {cells}"
    return text + "."


def _step(plane, call: PoolCall, windows: Windows, index, result, indices) -> Step:
    kind = call.kind
    cells = windows.window_cells(*index)
    positions = tuple(cell["position"] for cell in cells)
    kinds = tuple(cell["kind"] for cell in cells)
    is_max = call.is_max
    values = []
    for position, cell_kind in zip(positions, kinds, strict=True):
        if cell_kind == CELL_INPUT:
            values.append(float(plane[position]))
        else:
            values.append(-math.inf if is_max else 0.0)
    out_value = float(result[index])
    chosen = None
    if indices is not None:
        flat = int(indices[index])
        if 0 <= flat < plane.size:
            candidate = tuple(int(i) for i in np.unravel_index(flat, plane.shape))
            if candidate in positions:
                chosen = candidate
    added_by_ceil = any(o >= axis.floor_size for o, axis in zip(index, windows.axes, strict=True))
    divisor = None

    real = [v for v, k in zip(values, kinds, strict=True) if k == CELL_INPUT]
    if is_max:
        shown = [v for v, k in zip(values, kinds, strict=True) if k != CELL_OVERHANG]
        arithmetic = f"max({', '.join(fmt(v) for v in shown)}) = {fmt(out_value)}"
    elif kind == "lp":
        norm_type = call.argument("norm_type")
        terms = " + ".join(_power(fmt(v) if v >= 0 else f"({fmt(v)})", norm_type) for v in real)
        if math.isinf(float(norm_type)):
            arithmetic = f"max(|{'|, |'.join(fmt(v) for v in real)}|) = {fmt(out_value)}"
        else:
            full = math.prod(windows.window_shape)
            if len(real) < full:  # a ceil_mode window cut short: torch scales its mean by the full K
                terms = f"{full}/{len(real)} · ({terms})"
            arithmetic = f"({terms})^(1/{fmt(norm_type)}) = {fmt(out_value)}"
    else:
        count_include_pad = kind == "avg" and call.argument("count_include_pad")
        divisor_override = call.arguments.get("divisor_override")
        counts = (CELL_INPUT, CELL_PADDING) if count_include_pad else (CELL_INPUT,)
        counted = [v for v, k in zip(values, kinds, strict=True) if k in counts]
        divisor = int(windows.divisor(count_include_pad, divisor_override)[index])
        arithmetic = f"({_sum_text(counted)}) / {divisor} = {fmt(out_value)}"

    where = ", ".join(_position_text(p) for p, k in zip(positions, kinds, strict=True) if k == CELL_INPUT)
    padded = sum(1 for k in kinds if k == CELL_PADDING)
    overhang = sum(1 for k in kinds if k == CELL_OVERHANG)
    plural = "s" if len(real) != 1 else ""
    sentence = f"Output {_position_text(index)}: the window reads input cell{plural} {where or 'none'}"
    if padded:
        sentence += f" and {padded} padding cell{'s' if padded != 1 else ''} ({'−∞' if is_max else '0'})"
    if overhang:
        sentence += f"; {overhang} cell{'s are' if overhang != 1 else ' is'} past the padding and skipped"
    sentence += f"; {arithmetic}."
    if chosen is not None:
        sentence += f" The maximum is at input {_position_text(chosen)}."
    if added_by_ceil:
        sentence += " This window exists only because ceil_mode=True rounds the output size up."
    if kind == "lp" and math.isnan(out_value) and any(v < 0 for v in real):
        p = float(call.argument("norm_type"))
        if p.is_integer():
            sentence += (f" NaN: the sum of the p-th powers is negative, and its 1/{fmt(p)}-th root is not a real "
                         "number (torch raises negative inputs to p as they are).")  # fmt: skip
        else:
            sentence += (f" NaN: a negative number raised to the fractional power p = {fmt(p)} has no real value "
                         "(torch raises negative inputs to p as they are, without |x|).")  # fmt: skip
    if kind.startswith("adaptive"):
        sentence += " " + _bins_text(windows, index)
    return Step(
        output_index=tuple(int(i) for i in index),
        cells=positions,
        kinds=kinds,
        values=tuple(values),
        chosen=chosen,
        result=out_value,
        arithmetic=arithmetic,
        description=sentence,
        added_by_ceil=added_by_ceil,
        divisor=divisor,
    )


__all__ = ["Step", "pool_steps", "fmt", "KINDS", "CELL_INPUT", "CELL_PADDING", "CELL_OVERHANG"]
