"""The Fractional page's logic: which random sample places which axis's windows, how, and how often
each cell is read. No Streamlit here.

``fractional_max_pool2d`` (Graham, 2014) picks ``output_size`` windows of ``kernel_size`` per axis at
pseudo-random starts, from one sample ``u`` in [0, 1) per ``(n, c)`` plane and axis — torch's
``_random_samples``, shape ``(N, C, 2)``; ``[..., 0]`` places the width's windows and ``[..., 1]``
the height's. The starts come from the geometry (:meth:`pooling_core.PoolCall.windows`, the windows
the call pools with); this module only puts them into words::

    alpha = (L − k)/(O − 1),  start_i = int((i + u)·alpha) − int(u·alpha),  last start = L − k

>>> import numpy as np
>>> from pooling_core import PoolCall
>>> u = np.array([[[0.5, 0.0]]], dtype=np.float32)  # [..., 0] → width, [..., 1] → height
>>> call = PoolCall("fractional_max_pool2d", {"kernel_size": 2, "output_size": 4, "_random_samples": u})
>>> height, width = axes(call, (1, 7, 7))
>>> height.sample_index, height.starts, width.sample_index, width.starts
(1, (0, 1, 3, 5), 0, (0, 2, 4, 5))
>>> height.spacing()
'steps 1, 2, 2: windows 0 and 1 overlap by 1 cell; the others touch'
>>> coverage(call, (1, 7, 7))[0].tolist()  # row 0 is read by one row of windows: 1 or 2 per cell
[1, 1, 1, 1, 1, 2, 1]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pooling_core import PoolCall
from pooling_core._args import FRACTIONAL_SAMPLE_AXIS
from pooling_core.animation import fmt
from pooling_core.codegen import tensor_literal
from ui import questions

NAMES = ("H", "W")
WORDS = ("height", "width")
SAMPLE_OF_AXIS = FRACTIONAL_SAMPLE_AXIS[2]  # axis i (H, W) is placed by _random_samples[..., SAMPLE_OF_AXIS[i]]


@dataclass(frozen=True)
class Axis:
    """One pooled axis of a fractional call: its sizes, its sample and its window starts."""

    name: str  # "H" or "W"
    word: str  # "height" or "width"
    sample_index: int  # which _random_samples[..., i] places this axis
    sample: np.floating  # u, in the input's dtype (torch computes in it)
    input_size: int
    kernel_size: int
    output_size: int
    starts: tuple[int, ...]  # from the geometry
    ratio: float | None  # output_ratio along this axis, when the call gives one

    @property
    def alpha(self) -> np.floating | None:
        """``(L − k)/(O − 1)`` in the sample's dtype (None with a single window: it sits at L − k)."""
        if self.output_size < 2:
            return None
        dtype = type(self.sample)
        return dtype(self.input_size - self.kernel_size) / dtype(self.output_size - 1)

    def size_text(self) -> str:
        """How ``O`` was chosen: ``int(7 · 0.7) = 4`` from a ratio, or ``4 (output_size)``."""
        if self.ratio is None:
            return f"{self.output_size} (output_size)"
        return f"int({self.input_size} · {fmt(self.ratio)}) = {self.output_size}"

    def size_line(self) -> str:
        return f"{self.name}_out = {self.size_text()}"

    def sample_text(self) -> str:
        return f"_random_samples[0, 0, {self.sample_index}] = {self.sample:.4f}"

    def sample_line(self) -> str:
        return f"u = {self.sample_text()} (it places the {self.word})"

    def alpha_text(self) -> str:
        """``α = (7 − 2)/(4 − 1) = 1.667``, or where a single window sits."""
        k, size, out = self.kernel_size, self.input_size, self.output_size
        if self.alpha is None:
            return f"one window, at {self.name}_in − k = {size} − {k} = {size - k}"
        return f"α = ({size} − {k})/({out} − 1) = {float(self.alpha):.4g}"

    def alpha_line(self) -> str:
        if self.alpha is None:
            return self.alpha_text()
        k, size = self.kernel_size, self.input_size
        return (f"α = ({self.name}_in − k)/({self.name}_out − 1) = {self.alpha_text().removeprefix('α = ')}; "
                f"start_i = int((i + u)·α) − int(u·α), the last = {size} − {k} = {size - k}")  # fmt: skip

    def spans_text(self) -> str:
        return " ".join(f"[{start}, {start + self.kernel_size})" for start in self.starts)

    def starts_line(self) -> str:
        return f"starts {', '.join(map(str, self.starts))} → {self.name} windows {self.spans_text()}"

    def spacing(self) -> str:
        """How neighbouring windows sit: overlapping (a step below k), touching, or skipping cells."""
        if len(self.starts) < 2:
            return "a single window"
        steps = np.diff(self.starts).tolist()
        k = self.kernel_size
        said = []
        for i, step in enumerate(steps):
            if step < k:
                said.append(f"windows {i} and {i + 1} overlap by {k - step} cell{'s' if k - step > 1 else ''}")
            elif step > k:
                said.append(f"windows {i} and {i + 1} skip {step - k} cell{'s' if step - k > 1 else ''}")
        touching = sum(1 for step in steps if step == k)
        if touching and said:
            said.append("the others touch")
        elif touching:
            said.append("every window touches the next")
        return f"steps {', '.join(map(str, steps))}: " + "; ".join(said)


def samples_of(call: PoolCall) -> np.ndarray:
    return np.asarray(call.arguments["_random_samples"])


def axes(call: PoolCall, shape: tuple[int, ...]) -> tuple[Axis, Axis]:
    """The height's and the width's story, from the call's windows on an input of ``shape``."""
    windows = call.windows(shape)
    sample = samples_of(call)[0, 0]
    ratio = call.arguments.get("output_ratio")
    told = []
    for i, axis in enumerate(windows.axes):
        told.append(Axis(
            name=NAMES[i], word=WORDS[i], sample_index=SAMPLE_OF_AXIS[i], sample=sample[SAMPLE_OF_AXIS[i]],
            input_size=axis.input_size, kernel_size=int(axis.kernel_size), output_size=axis.output_size,
            starts=tuple(int(start) for start in axis.starts),
            ratio=None if ratio is None else float(ratio[i]),
        ))  # fmt: skip
    return told[0], told[1]


def coverage(call: PoolCall, shape: tuple[int, ...]) -> np.ndarray:
    """``(H, W)`` int: how many windows read each input cell (0: no window reads it; 2 or 4: overlaps)."""
    windows = call.windows(shape)
    flat = windows.tap_flat_index()[windows.in_bounds()]
    return np.bincount(flat.ravel(), minlength=int(np.prod(windows.input_shape))).reshape(windows.input_shape)


def samples_text(samples: np.ndarray) -> str:
    """``[[[0.637, 0.27]]]`` with four decimals, as the page writes the samples."""
    pairs = ", ".join(f"{value:.4f}" for value in np.asarray(samples).ravel())
    return f"[[[{pairs}]]]"


def coverage_words(counts: np.ndarray) -> str:
    """What the coverage says: cells read twice or more, and cells no window reads."""
    unread, shared = int((counts == 0).sum()), int((counts > 1).sum())
    parts = []
    if shared:
        parts.append(f"{shared} cell{'s are' if shared > 1 else ' is'} read by more than one window (overlaps)")
    if unread:
        parts.append(f"{unread} cell{'s are' if unread > 1 else ' is'} read by no window (skipped)")
    if not parts:
        parts.append("every cell is read by exactly one window: the windows tile the grid")
    return "; ".join(parts) + "."


RULE = "start_i = int((i + u)·α) − int(u·α) for i < O − 1, with α = (L − k)/(O − 1); the last window starts at L − k"


def table(told: tuple[Axis, Axis], *, hide_starts: bool = False) -> str:
    """The two axes side by side, a markdown table with a row per step of the rule: the sample,
    the sizes, α, the starts and their spans, how neighbours sit (``hide_starts``: up to α)."""
    rows = [
        ("its sample u", lambda axis: f"`{axis.sample_text()}`"),
        ("L_in, kernel_size", lambda axis: f"{axis.input_size}, {axis.kernel_size}"),
        ("windows O", Axis.size_text),
        ("α = (L − k)/(O − 1)", lambda axis: axis.alpha_text().removeprefix("α = ")),
    ]
    if not hide_starts:
        rows += [("starts → spans", lambda axis: f"{', '.join(map(str, axis.starts))} → `{axis.spans_text()}`"),
                 ("neighbours", Axis.spacing)]  # fmt: skip
    lines = ["| | " + " | ".join(f"**{axis.word}** ({axis.name})" for axis in told) + " |", "|---|---|---|"]
    lines += [f"| {label} | " + " | ".join(cell(axis) for axis in told) + " |" for label, cell in rows]
    return "\n".join(lines)


# --- predict mode ---------------------------------------------------------------------------------


def short_code(call: PoolCall) -> str:
    """The call as torch spells it, its samples named ``samples`` (the page shows their values).

    >>> u = np.zeros((1, 1, 2), np.float32)
    >>> short_code(PoolCall("fractional_max_pool2d", {"kernel_size": 2, "output_size": 3, "_random_samples": u}))
    'F.fractional_max_pool2d(x, kernel_size=2, output_size=3, _random_samples=samples)'
    """
    return call.functional_code().replace(tensor_literal(samples_of(call)), "samples")


def questions_fractional(call: PoolCall, grid: np.ndarray, seed: int) -> tuple[questions.Question, ...]:
    """Predict mode's questions: the window starts along W and H (from the samples, before any value
    is seen), then the output. Raises the call's ``ValueError``/``TypeError`` when torch refuses it.

    ``seed`` (the quiz seed) is accepted for the pages' common form; the set is always the same three.
    """
    batch = np.asarray(grid, dtype=np.float32)[None]
    output = call.run(batch)[0]
    if output.size == 0:  # no windows: nothing to predict (the page says why)
        return ()
    height, width = axes(call, batch.shape)
    asked = []
    for axis in (width, height):
        asked.append(questions.Question(
            id=f"fractional:starts:{axis.name}",
            prompt=f"With `{axis.sample_line()}`, {axis.name}_in = {axis.input_size}, kernel_size {axis.kernel_size} "
                   f"and {axis.name}_out = {axis.output_size}: where does each {axis.word} window start? "
                   f"Type {axis.output_size} whole numbers.",
            kind="cells", answer=tuple(float(start) for start in axis.starts),
            explanation=f"- `{axis.alpha_line()}`\n- `{axis.starts_line()}`\n- {axis.spacing()}",
            confusion="windows", target=f"start_{axis.name}",
        ))  # fmt: skip
    rows = questions.as_cells(output)
    asked.append(questions.Question(
        id="fractional:windows:y",
        prompt=f"Now predict `y = {short_code(call)}`: the max of each window (rows of H, columns of W). "
               f"{questions.TYPING_HINT}; end each row with `;`.",
        kind="cells", answer=rows,
        explanation=f"- {height.starts_line()}\n- {width.starts_line()}\n- every output is the max of one "
                    f"{height.kernel_size}×{width.kernel_size} window: a row window × a column window",
        confusion="windows",
    ))  # fmt: skip
    return tuple(asked)
