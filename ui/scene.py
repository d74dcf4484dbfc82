"""What the sliding-window picture shows, as data: one :class:`Scene` per call and input, with one
:class:`Overlay` per step. No Streamlit, no Plotly, no pillow here.

A scene is drawn by two renderers, which only draw it: :mod:`ui.figures.window` (Plotly, on
screen) and :mod:`ui.export` (pillow, PNG and GIF downloads). Everything in it comes from the
call's windows (:meth:`pooling_core.PoolCall.windows`) and the animation steps
(:func:`pooling_core.animation.pool_steps`); nothing here computes a window position.

Coordinates are grid cells ``(row, column)``: a 1-D input is one row. Padding and overhang
cells have coordinates outside the input (``-1``, ``L``, ...).

>>> import numpy as np
>>> from pooling_core import PoolCall
>>> scene = build(PoolCall("max_pool1d", {"kernel_size": 2}), np.array([1, 4, -1, 0.0]))
>>> scene.title, scene.outputs.tolist(), scene.output_x.tolist()
('max_pool1d(x, kernel_size=2)', [[4.0, 0.0]], [0.5, 2.5])
>>> [overlay.chosen for overlay in scene.overlays]
[(0, 1), (0, 3)]
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from pooling_core import PoolCall
from pooling_core.animation import CELL_INPUT, CELL_OVERHANG, CELL_PADDING, Step, fmt, pool_steps
from pooling_core.geometry import Windows

UNREAD_PADDING = -1  # a ghost kind: declared padding that no window reads (drawn paler)


@dataclass(frozen=True)
class Overlay:
    """What one step draws over the still picture."""

    window: tuple[tuple[int, int, int], ...]  # (row, column, kind) per tap, in scan order
    chosen: tuple[int, int] | None  # the input cell max pooling picked
    output: tuple[int, int]  # the output cell this step computes
    arithmetic: str  # "max(1, 4) = 4"
    description: str  # the step in one sentence
    added_by_ceil: bool
    shared: tuple[tuple[int, int], ...] = ()  # adaptive bins: cells another bin reads too (bins overlap)


class Stepped:
    """What a picture stepped one output cell at a time offers (:class:`Scene`, and
    :class:`ui.volume.VolumeScene`): needs ``call`` and ``overlays``, one per step."""

    @property
    def is_max(self) -> bool:
        return self.call.is_max

    @property
    def pad_label(self) -> str:
        """What a padding cell holds: −∞ for max pooling (it never wins), 0 for the others."""
        return "−∞" if self.is_max else "0"

    @property
    def step_count(self) -> int:
        return len(self.overlays)

    def clamp(self, step: int) -> int:
        """``step`` moved inside ``[0, step_count)``."""
        return min(max(int(step), 0), max(self.step_count - 1, 0))


@dataclass(frozen=True)
class Scene(Stepped):
    """The picture of ``call`` on one plane.

    ``outputs`` is None when the call is invalid for this input: the input is still drawn.
    """

    call: PoolCall
    title: str  # the call as torch spells it: "max_pool1d(x, kernel_size=2)"
    one_d: bool
    inputs: np.ndarray  # (rows, columns) float64; a 1-D input is one row
    outputs: np.ndarray | None  # (rows_out, columns_out)
    output_x: np.ndarray  # (columns_out,) where output columns are drawn: 1-D under their window's centre
    ghosts: dict[tuple[int, int], int]  # padding/overhang cells → CELL_PADDING, CELL_OVERHANG or UNREAD_PADDING
    dropped: tuple[tuple[tuple[int, int], ...], ...]  # windows ceil mode counts but torch drops
    rows: tuple[int, int]  # first and last row to draw (padding included)
    columns: tuple[int, int]
    value_range: tuple[float, float]  # one colour scale for input and output
    overlays: tuple[Overlay, ...]
    steps: tuple[Step, ...]

    def revealed(self, step: int) -> np.ndarray:
        """``(rows_out, columns_out)`` bool: the outputs computed by steps ``0..step``."""
        shown = np.zeros(self.outputs.shape, dtype=bool)
        for overlay in self.overlays[: step + 1]:
            shown[overlay.output] = True
        return shown


@dataclass(frozen=True)
class Variant:
    """A page's own picture per step, on a scene's cells: the steps are ``base``'s (its windows,
    picked cells and output cells, from the geometry), the values in the cells and the words are
    the page's. The Backward page shows x.grad so far under each window, beside g
    (:func:`ui.backward.variant`); the Unpooling page the maxima put back, beside y
    (:func:`ui.unpool.variant`). Both renderers draw ``at(step)``: Plotly on screen
    (:func:`ui.figures.window.window_figure`, ``every_output=True``), pillow in the downloads (:mod:`ui.export`).

    Every output is shown from the first step: g and y are given, not asked. In predict mode the
    pages ask about what is drawn in the input's place (x.grad, z), so a predicting Variant draws
    x there instead (``variant(..., predicting=True)``), and the step lines ask.
    """

    base: Scene  # the steps
    at: Callable[[int], Scene]  # what step s shows: base's steps with other values (the same cells every step)
    sentence: Callable[[int], tuple[str, str]]  # step s in words: (arithmetic, sentence)
    title: str  # what the whole picture is of (the exports' title line)
    labels: tuple[str, str]  # the input and output panels' names
    file_call: PoolCall  # the files are named after this call ...
    file_extra: tuple[str, ...] = ()  # ... and these words (ui.export.names)

    @property
    def step_count(self) -> int:
        return self.base.step_count

    def clamp(self, step: int) -> int:
        return self.base.clamp(step)


def _title(call: PoolCall) -> str:
    """The call as torch spells it, without the ``F.`` of ``import torch.nn.functional as F``."""
    return call.functional_code().removeprefix("F.")


def _as_grid(position: tuple[int, ...]) -> tuple[int, int]:
    return (0, int(position[0])) if len(position) == 1 else (int(position[0]), int(position[1]))


def value_range(*arrays: np.ndarray) -> tuple[float, float]:
    """Finite low and high over all ``arrays`` (0, 1 when nothing is finite).

    >>> value_range(np.array([1.0, np.inf]), np.array([-2.0, np.nan]))
    (-2.0, 1.0)
    """
    finite = np.concatenate([a[np.isfinite(a)].ravel() for a in arrays if a is not None] or [np.empty(0)])
    if not finite.size:
        return 0.0, 1.0
    low, high = float(finite.min()), float(finite.max())
    return (low, high) if high > low else (low - 0.5, high + 0.5)


def build(call: PoolCall, plane: np.ndarray) -> Scene:
    """The scene of ``call`` on ``plane`` (``(L,)`` or ``(H, W)``); raises the call's
    ``ValueError``/``TypeError`` if it is invalid (use :func:`input_only` then).

    The steps are computed in float64, except for a fractional call given ``_random_samples``:
    torch requires them in the input's dtype, and their dtype places the windows, so the plane
    is pooled in theirs.
    """
    samples = call.arguments.get("_random_samples")
    dtype = samples.dtype if isinstance(samples, np.ndarray) else np.float64
    pooled = np.asarray(plane, dtype=dtype)
    steps = pool_steps(call, pooled)
    windows = call.windows(pooled.shape)
    outputs = np.array([s.result for s in steps], dtype=np.float64).reshape(windows.output_shape)
    return _scene(call, pooled.astype(np.float64), windows, outputs, steps)


def input_only(call: PoolCall, plane: np.ndarray) -> Scene:
    """The input alone, for a call that cannot run on it: the lesson stays on screen."""
    plane = np.asarray(plane, dtype=np.float64)
    grid = plane[None, :] if plane.ndim == 1 else plane
    return Scene(
        call=call, title=_title(call), one_d=plane.ndim == 1, inputs=grid, outputs=None,
        output_x=np.empty(0), ghosts={}, dropped=(), rows=(0, grid.shape[0] - 1), columns=(0, grid.shape[1] - 1),
        value_range=value_range(grid), overlays=(), steps=(),
    )  # fmt: skip


def _scene(call: PoolCall, plane: np.ndarray, windows: Windows, outputs: np.ndarray, steps) -> Scene:
    one_d = plane.ndim == 1
    grid = plane[None, :] if one_d else plane
    out_grid = outputs[None, :] if one_d else outputs
    extents = windows.extent()
    rows, columns = ((0, 0), extents[0]) if one_d else extents
    padding = (0, windows.axes[0].padding) if one_d else tuple(axis.padding for axis in windows.axes)

    ghosts: dict[tuple[int, int], int] = {}
    for row in range(-padding[0], grid.shape[0] + padding[0]):
        for column in range(-padding[1], grid.shape[1] + padding[1]):
            if not (0 <= row < grid.shape[0] and 0 <= column < grid.shape[1]):
                ghosts[(row, column)] = UNREAD_PADDING
    overlays = []
    for step in steps:
        cells = tuple((*_as_grid(position), kind) for position, kind in zip(step.cells, step.kinds, strict=True))
        for row, column, kind in cells:
            if kind != CELL_INPUT:
                ghosts[(row, column)] = max(kind, ghosts.get((row, column), UNREAD_PADDING))
        overlays.append(Overlay(
            window=cells, chosen=None if step.chosen is None else _as_grid(step.chosen),
            output=_as_grid(step.output_index), arithmetic=step.arithmetic, description=step.description,
            added_by_ceil=step.added_by_ceil,
        ))  # fmt: skip
    if call.kind.startswith("adaptive"):  # overlapping bins: mark the cells another bin reads too
        readers: dict[tuple[int, int], int] = {}
        for overlay in overlays:
            for row, column, kind in overlay.window:
                if kind == CELL_INPUT:
                    readers[(row, column)] = readers.get((row, column), 0) + 1
        overlays = [
            dataclasses.replace(
                overlay, shared=tuple((r, c) for r, c, k in overlay.window if readers.get((r, c), 0) > 1)
            )
            for overlay in overlays
        ]
    dropped = tuple(tuple(_as_grid(position) for position in window) for window in windows.dropped_windows())
    for window in dropped:
        rows = (min(rows[0], *(r for r, _ in window)), max(rows[1], *(r for r, _ in window)))
        columns = (min(columns[0], *(c for _, c in window)), max(columns[1], *(c for _, c in window)))
    if one_d:
        output_x = windows.axes[0].centres.astype(np.float64)
        if len(output_x) > 1 and np.any(np.diff(output_x) <= 0):  # windows that do not advance: a plain row
            output_x = np.arange(len(output_x), dtype=np.float64)
    else:
        output_x = np.arange(out_grid.shape[1], dtype=np.float64)
    return Scene(
        call=call, title=_title(call), one_d=one_d, inputs=grid, outputs=out_grid, output_x=output_x,
        ghosts=ghosts, dropped=dropped, rows=rows, columns=columns, value_range=value_range(grid, out_grid),
        overlays=tuple(overlays), steps=tuple(steps),
    )  # fmt: skip


# --- how much fits -----------------------------------------------------------------------------


def text_size(cells_across: int, width_px: int = 900) -> int | None:
    """The font size (px) for values written in cells, or None when they cannot fit.

    >>> text_size(10), text_size(40), text_size(200)
    (16, 10, None)
    """
    per_cell = width_px / max(cells_across, 1)
    if per_cell >= 100:  # a projector's wide cells
        return 22
    if per_cell >= 56:
        return 16
    if per_cell >= 36:
        return 13
    if per_cell >= 22:
        return 10
    return None


def tick_step(cells_across: int, ticks: int = 20) -> int:
    """Label every n-th cell so that about ``ticks`` labels show.

    >>> tick_step(10), tick_step(200)
    (1, 10)
    """
    return max(1, math.ceil(cells_across / ticks))


def ghost_text(scene: Scene, kind: int) -> str:
    """What a ghost cell says: the padding's value, or ``·`` for overhang (never read)."""
    return "·" if kind == CELL_OVERHANG else scene.pad_label


def step_text(overlay: Overlay, show_outputs: bool = True) -> tuple[str, str]:
    """The step's arithmetic and sentence as the page writes them (and the exports); with
    ``show_outputs=False`` (predict mode) without the answer: ``max(1, 4) = ?``, no picked cell."""
    if show_outputs:
        return overlay.arithmetic, overlay.description
    shown = overlay.arithmetic.rsplit(" = ", 1)[0] + " = ?"
    return shown, overlay.description.replace(overlay.arithmetic, shown).split(" The maximum is at")[0]


__all__ = ["Scene", "Overlay", "Variant", "build", "input_only", "value_range", "text_size", "tick_step", "ghost_text",
           "step_text", "UNREAD_PADDING", "CELL_INPUT", "CELL_PADDING", "CELL_OVERHANG", "fmt"]  # fmt: skip
