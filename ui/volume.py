"""What the 3-D page shows, as data: a D×H×W volume as a row of slices, and per step the window — a
box across the slices it reads. No Streamlit, no Plotly here.

Like :mod:`ui.scene` for 1-D and 2-D, everything comes from the call's windows
(:meth:`pooling_core.PoolCall.windows`) and the animation's steps
(:func:`pooling_core.animation.pool_steps` on the 3-D plane); nothing here computes a window
position. Coordinates are ``(d, h, w)``; padding and overhang cells lie outside the input
(``d = -1``, ``h = H``, ...). :mod:`ui.figures.volume` draws a :class:`VolumeScene`.

>>> import numpy as np
>>> from pooling_core import PoolCall
>>> x = np.arange(8, dtype=np.float32).reshape(2, 2, 2)
>>> scene = build(PoolCall("max_pool3d", {"kernel_size": 2}), x)
>>> scene.outputs.tolist(), scene.step_count
([[[7.0]]], 1)
>>> box = scene.overlays[0]
>>> box.chosen, scene.slices_of(0), box.arithmetic
((1, 1, 1), (0, 1), 'max(0, 1, 2, 3, 4, 5, 6, 7) = 7')
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from pooling_core import PoolCall
from pooling_core.animation import CELL_INPUT, CELL_OVERHANG, CELL_PADDING, Step, fmt, pool_steps
from ui import questions
from ui.scene import UNREAD_PADDING, Stepped, value_range

NAMES = ("D", "H", "W")


@dataclass(frozen=True)
class Box:
    """What one step draws: the window's taps across the slices, the picked cell, the output cell."""

    window: tuple[tuple[int, int, int, int], ...]  # (d, h, w, kind) per tap, in scan order
    chosen: tuple[int, int, int] | None  # max pooling's picked input cell
    output: tuple[int, int, int]
    arithmetic: str
    description: str
    added_by_ceil: bool


@dataclass(frozen=True)
class VolumeScene(Stepped):
    """The picture of a 3-D call on one ``(D, H, W)`` plane. ``outputs`` is None for a call torch
    refuses: the volume is still drawn. Offers what :func:`ui.views.lesson.step_panel` asks of a
    scene (``step_count``, ``clamp``, ``overlays``, ``dropped``)."""

    call: PoolCall
    inputs: np.ndarray  # (D, H, W) float64
    outputs: np.ndarray | None  # (D_out, H_out, W_out)
    ghosts: dict[tuple[int, int, int], int]  # padding/overhang cells → CELL_PADDING, CELL_OVERHANG or UNREAD_PADDING
    extent: tuple[tuple[int, int], tuple[int, int], tuple[int, int]]  # per axis, first and last position drawn
    dropped: tuple[tuple[tuple[int, int, int], ...], ...]  # windows ceil mode counts but torch drops
    value_range: tuple[float, float]
    overlays: tuple[Box, ...]
    steps: tuple[Step, ...]

    @property
    def slices(self) -> range:
        """The ``d`` of every slice drawn: padding slices (``d < 0``, ``d ≥ D``) included."""
        return range(self.extent[0][0], self.extent[0][1] + 1)

    def slices_of(self, step: int) -> tuple[int, ...]:
        """The slices the window of ``step`` reads (dilation may skip some between them)."""
        return tuple(sorted({d for d, _, _, _ in self.overlays[step].window}))

    def revealed(self, step: int) -> np.ndarray:
        """``(D_out, H_out, W_out)`` bool: the outputs computed by steps ``0..step``."""
        shown = np.zeros(self.outputs.shape, dtype=bool)
        for box in self.overlays[: step + 1]:
            shown[box.output] = True
        return shown


def build(call: PoolCall, volume: np.ndarray) -> VolumeScene:
    """The scene of a ``max_pool3d`` / ``avg_pool3d`` call on ``volume`` ``(D, H, W)``; raises the
    call's ``ValueError``/``TypeError`` if torch would refuse it (use :func:`input_only` then)."""
    volume = np.asarray(volume, dtype=np.float64)
    steps = pool_steps(call, volume)
    windows = call.windows(volume.shape)
    outputs = np.array([step.result for step in steps], dtype=np.float64).reshape(windows.output_shape)
    extent = tuple(windows.extent())
    padding = tuple(axis.padding for axis in windows.axes)

    ghosts: dict[tuple[int, int, int], int] = {}
    ranges = [range(-p, size + p) for p, size in zip(padding, volume.shape, strict=True)]
    for cell in itertools.product(*ranges):
        if not all(0 <= i < size for i, size in zip(cell, volume.shape, strict=True)):
            ghosts[cell] = UNREAD_PADDING
    boxes = []
    for step in steps:
        window = tuple((*map(int, position), int(kind)) for position, kind in zip(step.cells, step.kinds, strict=True))
        for d, h, w, kind in window:
            if kind != CELL_INPUT:
                ghosts[(d, h, w)] = max(kind, ghosts.get((d, h, w), UNREAD_PADDING))
        boxes.append(Box(window=window, chosen=step.chosen, output=step.output_index, arithmetic=step.arithmetic,
                         description=step.description, added_by_ceil=step.added_by_ceil))  # fmt: skip
    dropped = tuple(tuple(tuple(position) for position in window) for window in windows.dropped_windows())
    return VolumeScene(call=call, inputs=volume, outputs=outputs, ghosts=ghosts, extent=extent, dropped=dropped,
                       value_range=value_range(volume, outputs), overlays=tuple(boxes), steps=tuple(steps))  # fmt: skip


def input_only(call: PoolCall, volume: np.ndarray) -> VolumeScene:
    """The volume alone, for a call that cannot run on it: the lesson stays on screen."""
    volume = np.asarray(volume, dtype=np.float64)
    extent = tuple((0, size - 1) for size in volume.shape)
    return VolumeScene(call=call, inputs=volume, outputs=None, ghosts={}, extent=extent, dropped=(),
                       value_range=value_range(volume), overlays=(), steps=())  # fmt: skip


# --- words ------------------------------------------------------------------------------------


def slices_text(values: np.ndarray, name: str = "d") -> str:
    """A ``(D, H, W)`` array as text, slice by slice (ASCII minus: it pastes into code).

    >>> print(slices_text(np.arange(4.0).reshape(2, 1, 2)))
    d = 0
    0 1
    <BLANKLINE>
    d = 1
    2 3
    """
    blocks = []
    for d, plane in enumerate(np.asarray(values)):
        rows = "\n".join(" ".join(fmt(v).replace("−", "-") for v in row) for row in plane)
        blocks.append(f"{name} = {d}\n{rows}")
    return "\n\n".join(blocks)


def box_words(scene: VolumeScene, step: int) -> str:
    """Which slices, rows and columns the window spans: ``slices d = −1…1, rows h = 2…3, columns w = 0``."""
    window = scene.overlays[step].window
    parts = []
    for axis, (letter, word) in enumerate((("d", "slices"), ("h", "rows"), ("w", "columns"))):
        taps = sorted({cell[axis] for cell in window})
        low, high = taps[0], taps[-1]
        parts.append(f"{word} {letter} = {fmt(low)}" + (f"…{fmt(high)}" if high != low else ""))
    return ", ".join(parts)


def sentence(scene: VolumeScene, step: int, *, hide_result: bool = False) -> tuple[str, str]:
    """The step's ``(arithmetic, sentence)``, the sentence ending with where the box is;
    ``hide_result`` leaves the result to predict (``= ?``) and does not say where the maximum is.

    >>> from pooling_core import PoolCall
    >>> scene = build(PoolCall("max_pool3d", {"kernel_size": 2}), np.arange(8.0).reshape(2, 2, 2))
    >>> sentence(scene, 0, hide_result=True)[0]
    'max(0, 1, 2, 3, 4, 5, 6, 7) = ?'
    >>> sentence(scene, 0)[1].endswith("The box spans slices d = 0…1, rows h = 0…1, columns w = 0…1.")
    True
    """
    box = scene.overlays[step]
    arithmetic, description = box.arithmetic, box.description
    if hide_result:
        shown = arithmetic.rsplit(" = ", 1)[0] + " = ?"
        description = description.replace(arithmetic, shown).split(" The maximum is at")[0]
        arithmetic = shown
    return arithmetic, f"{description} The box spans {box_words(scene, step)}."


# --- predict mode ---------------------------------------------------------------------------------

MAX_SLICES_ASKED = 2  # the output slices asked for, from the first


def questions_3d(call: PoolCall, volume: np.ndarray, seed: int) -> tuple[questions.Question, ...]:
    """Predict mode's questions: the values of the output's first slices, one question per slice
    ``y[d]``, typed as rows (not its shape: the empty output slices and the step count show it).
    Raises the call's ``ValueError``/``TypeError``.

    ``seed`` (the quiz seed) is accepted for the pages' common form; the set depends on the call only.
    """
    batch = np.asarray(volume, dtype=np.float32)[None]
    result = call.run(batch)
    output = (result[0] if isinstance(result, tuple) else result)[0]
    asked = []
    steps = pool_steps(call, batch[0])
    for d in range(min(len(output), MAX_SLICES_ASKED)):
        worked = [f"y[{', '.join(map(str, s.output_index))}] = {s.arithmetic}" for s in steps if s.output_index[0] == d]
        asked.append(questions.Question(
            id=f"pool_3d:windows:y[{d}]", kind="cells", target=f"y[{d}]",
            answer=questions.as_cells(output[d]),
            prompt=f"Predict the output slice `y[{d}]` (rows h, columns w). {questions.TYPING_HINT}; end each row "
                   "with `;`.",
            explanation="its windows are boxes across the slices of the volume:\n\n" + "  \n".join(worked[:12]),
            confusion="windows", focus=(d,),
        ))  # fmt: skip
    return tuple(asked)


__all__ = ["Box", "VolumeScene", "build", "input_only", "slices_text", "box_words", "sentence", "questions_3d",
           "CELL_INPUT", "CELL_PADDING", "CELL_OVERHANG", "UNREAD_PADDING", "NAMES"]  # fmt: skip
