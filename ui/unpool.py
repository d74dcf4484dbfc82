"""Unpooling: ``max_pool*d(..., return_indices=True)`` then ``max_unpool*d``, as data. No Streamlit.

Max pooling keeps one value per window and, with ``return_indices``, where it came from.
``max_unpool`` writes each value back at its index and fills every other cell with 0. The size
it gives back is ambiguous: pooling a length 5 by 2 gives 2 outputs, and unpooling 2 outputs
gives ``(2 − 1)·2 + 2 = 4`` by default — not 5, unless ``output_size=5`` says so.

>>> import numpy as np
>>> back = build(np.array([1, 4, -1, 3, 2], dtype=np.float32), {"kernel_size": 2})
>>> back.pooled.tolist(), back.indices.tolist(), back.unpooled.tolist()
([4.0, 3.0], [1, 3], [0.0, 4.0, 0.0, 3.0])
>>> build(np.array([1, 4, -1, 3, 2], dtype=np.float32), {"kernel_size": 2}, (5,)).unpooled.tolist()
[0.0, 4.0, 0.0, 3.0, 0.0]
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import partial

import numpy as np

from pooling_core import PoolCall
from pooling_core.animation import fmt
from pooling_core.geometry import unpool_size
from ui import questions
from ui import scene as scenes


@dataclass(frozen=True)
class Unpooled:
    """One plane pooled with its indices, and unpooled again."""

    plane: np.ndarray  # x
    pool: PoolCall  # max_pool*d(x, ..., return_indices=True)
    unpool: PoolCall  # max_unpool*d(y, indices, ...)
    pooled: np.ndarray  # y
    indices: np.ndarray  # where each y came from, flattened per plane
    unpooled: np.ndarray  # y written back at its indices, 0 elsewhere
    default_size: tuple[int, ...]  # what max_unpool gives back without output_size

    @property
    def ndim(self) -> int:
        return self.plane.ndim

    def position(self, step: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """``(output cell, input cell)`` of pooled value ``step`` (row-major): where it goes back."""
        out = tuple(int(i) for i in np.unravel_index(step, self.pooled.shape))
        target = tuple(int(i) for i in np.unravel_index(int(self.indices[out]), self.unpooled.shape))
        return out, target


def build(plane: np.ndarray, arguments: dict, output_size: tuple[int, ...] | None = None) -> Unpooled:
    """Pool ``plane`` (``(L,)`` or ``(H, W)``) with ``max_pool`` and the sizes of ``arguments``
    (kernel_size, stride, padding), then unpool it; raises torch's rule as ``ValueError``."""
    suffix = f"{plane.ndim}d"
    batch = np.asarray(plane, dtype=np.float32)[None]
    pool = PoolCall(f"max_pool{suffix}", {**arguments, "return_indices": True})
    pooled, indices = pool.run(batch)
    windows = pool.windows(batch.shape)
    default = tuple(unpool_size(axis.output_size, axis.kernel_size, axis.stride, axis.padding) for axis in windows.axes)
    unpool_arguments = {"indices": indices, **arguments}
    if output_size is not None:
        unpool_arguments["output_size"] = tuple(output_size)
    unpool = PoolCall(f"max_unpool{suffix}", unpool_arguments)
    unpooled = unpool.run(pooled)
    return Unpooled(batch[0], pool, unpool, pooled[0], indices[0], unpooled[0], default)


def ambiguity(back: Unpooled) -> str:
    """The output-size question, with this call's numbers (markdown)."""
    size_in, size_out = back.plane.shape, back.pooled.shape
    axes = back.pool.windows(back.plane[None].shape).axes
    lines = []
    names = ("L",) if back.ndim == 1 else ("H", "W")
    given = back.unpool.arguments.get("output_size")  # the page's output_size, if it passed one
    for name, axis, size, pooled, default, got in zip(names, axes, size_in, size_out, back.default_size,
                                                      back.unpooled.shape, strict=True):  # fmt: skip
        rule = f"({pooled} − 1)·{axis.stride} + {axis.kernel_size} − 2·{axis.padding} = {default}"
        if default == size:
            lines.append(f"- {name}: {size} cells pool to {pooled}; unpooling gives back {rule}: the same size.")
            continue
        lo, hi = default - axis.stride + 1, default + axis.stride - 1
        choices = f"from {lo} to {hi}: strictly between {default} − {axis.stride} and {default} + {axis.stride}"
        if given is None:
            lines.append(
                f"- {name}: {size} cells pool to {pooled}; unpooling {pooled} gives back {rule} — **not {size}**. "
                f"Several input sizes pool to the same {pooled} outputs, so the size is ambiguous: pass `output_size` "
                f"({choices})."
            )
        else:  # the size was asked for: say what it settled
            lines.append(
                f"- {name}: {size} cells pool to {pooled}; unpooling {pooled} would give back {rule} by default — "
                f"not {size} — and `output_size` asks for **{got}** ({choices})."
            )
    if len(lines) == 2 and lines[0][len("- H"):] == lines[1][len("- W"):]:  # a square case: say it once
        lines = ["- H and W, each" + lines[0][len("- H"):]]
    return "\n".join(lines)


def _where(index: tuple[int, ...]) -> str:
    return str(index[0]) if len(index) == 1 else "(" + ", ".join(map(str, index)) + ")"


def sentence(back: Unpooled, step: int) -> tuple[str, str]:
    """Where pooled value ``step`` goes back."""
    out, target = back.position(step)
    value = fmt(back.pooled[out])
    flat = int(back.indices[out])
    arithmetic = f"unpooled[{_where(target)}] = y[{_where(out)}] = {value}"
    text = (
        f"y[{_where(out)}] = {value} was the maximum of its window, at x[{_where(target)}] (indices[{_where(out)}] = "
        f"{flat}), so max_unpool writes it back there; the other cells of the window stay 0."
    )
    return arithmetic, text


def unpool_call(back: Unpooled) -> PoolCall:
    """The ``max_unpool`` call without its indices (they are data: the code and file names say ``indices``)."""
    return PoolCall(back.unpool.function, {k: v for k, v in back.unpool.arguments.items() if k != "indices"})


def question_sentence(back: Unpooled, step: int) -> tuple[str, str]:
    """Predict mode's step line: the value and its index, not where it lands."""
    out, _ = back.position(step)
    value, flat = fmt(back.pooled[out]), int(back.indices[out])
    return (f"y[{_where(out)}] = {value}, indices[{_where(out)}] = {flat} → ?",
            f"y[{_where(out)}] = {value} is the maximum of its window and indices[{_where(out)}] = {flat} says where "
            "it was (counted through the flattened plane): where does max_unpool write it?")  # fmt: skip


def questions_unpool(back: Unpooled) -> tuple[questions.Question, ...]:
    """Predict mode's question: ``z`` itself, one number per cell — how many cells it has is
    part of the answer (the size max_unpool gives back is the known confusion). One question, not
    a size and then the values: marking the values would tell the size.

    >>> back = build(np.array([1, 4, -1, 3, 2], dtype=np.float32), {"kernel_size": 2})
    >>> [(q.id, q.answer_text, q.confusion) for q in questions_unpool(back)]
    [('unpool:windows:z', '0 4 0 3', 'unpool_size')]
    """
    call = unpool_call(back).functional_code("y, indices").removeprefix("F.")
    one_d = back.ndim == 1
    cells = questions.as_cells(back.unpooled)
    rows = "; end each row with `;`" if not one_d else ""
    return (questions.Question(
        id="unpool:windows:z", kind="cells", answer=cells, target="z", confusion="unpool_size",
        prompt=f"x has shape `{tuple(back.plane.shape)}` and `y, indices = {back.pool.functional_code()}`. Predict "
               f"`z = {call}`, one number per cell of z, separated by spaces{rows}. How many cells z has is part "
               "of the answer.",
        explanation=ambiguity(back) + "\n\nEach value of y goes back to the cell its index names (counted through "
                    "the flattened plane of z), and every other cell is 0: what pooling threw away does not come back.",
    ),)  # fmt: skip


def variant(scene: scenes.Scene, back: Unpooled, *, predicting: bool = False) -> scenes.Variant:
    """The page's picture per step: the window whose maximum goes back, over the unpooled plane
    (the maxima at their indices, 0 elsewhere), beside y; ``scene`` is the pooling's.
    ``predicting`` (predict mode, before Reveal): the pooling itself, x under its window beside
    y, the step line asking where the value goes (:func:`question_sentence`).

    The unpooled plane is drawn where x was (it may be longer than x: ``output_size`` can ask
    for up to stride − 1 more cells, drawn too).

    >>> x = np.array([1, 4, -1, 3], dtype=np.float32)
    >>> back = build(x, {"kernel_size": 2}, (5,))
    >>> told = variant(scenes.build(back.pool.with_arguments(return_indices=False), back.plane), back)
    >>> told.at(0).inputs.tolist(), told.at(0).columns, told.title
    ([[0.0, 4.0, 0.0, 3.0, 0.0]], (0, 4), 'y, indices = max_pool1d(x, kernel_size=2, return_indices=True); \
z = max_unpool1d(y, indices, kernel_size=2, output_size=(5,))')
    """
    one_d = back.ndim == 1
    grid = back.unpooled[None, :] if one_d else back.unpooled
    rows = (0, 0) if one_d else (min(scene.rows[0], 0), max(scene.rows[1], grid.shape[0] - 1))
    columns = (min(scene.columns[0], 0), max(scene.columns[1], grid.shape[1] - 1))
    shown = dataclasses.replace(scene, inputs=grid, value_range=scenes.value_range(back.plane, back.unpooled),
                                ghosts={}, rows=rows, columns=columns)  # fmt: skip
    named = unpool_call(back)
    # short: in 2-D the two panels' names sit side by side (on a phone in ~170 px each)
    labels = (f"z = {back.unpool.function}(y, indices)", "y (pooled)")
    if predicting:
        shown, labels = scene, ("x", labels[1])
    return scenes.Variant(
        base=scene, at=lambda step: shown, sentence=partial(question_sentence if predicting else sentence, back),
        labels=labels,
        title=f"y, indices = {back.pool.functional_code().removeprefix('F.')}; "
              f"z = {named.functional_code('y, indices').removeprefix('F.')}",
        file_call=named,
    )  # fmt: skip
