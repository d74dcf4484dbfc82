"""Predict-then-reveal: questions about the call on screen, generated from its geometry. No Streamlit.

In predict mode a page hides every answer and asks the student instead. The questions are never
written by hand: each is generated from the *current* call and input — the answer by running the
call (:meth:`pooling_core.PoolCall.run`) or reading its windows (:meth:`pooling_core.PoolCall.windows`),
the explanation from the same windows, their formulas and the animation's arithmetic
(:func:`pooling_core.animation.pool_steps`). The Invariance page's answers come from
:mod:`ui.invariance`, not from what the lecture says should happen.

One generator per page, each returning a tuple of :class:`Question`: the page's main question first,
then up to ``count`` questions aimed at known confusions (:data:`CONFUSIONS`), picked by ``seed``
among those that apply to the current call::

    questions_1d(call, x, seed)             # the 1-D page: x is the sequence, shape (L,)
    questions_2d(call, grid, seed)          # the 2-D page: grid is (H, W)
    questions_channels(call, x, seed)       # the Channels page: x is (N, C, H, W)
    questions_torch_api(call, x, seed)      # the torch API page: max_pool2d on x (N, C, H, W)
    questions_invariance(grid, kernel_size, seed, shuffle_seed=..., shift=..., direction=..., fill=...)

The same seed, call and input always give the same questions, so a link carrying the seed
reproduces the set. A call torch refuses raises the call's own ``ValueError``/``TypeError`` (with
torch's rule in its words), exactly as :meth:`pooling_core.PoolCall.run` does: the page already
shows that message instead of the output, and there is nothing to predict.

:func:`check` marks what a student typed: per output cell for ``"cells"`` questions, one mark
for the others, with a short message saying what is wrong. It never raises on a typing mistake.

>>> import numpy as np
>>> from pooling_core import PoolCall
>>> x = np.array([1, 4, -1, 0, 2, -2, 1, 3, 3, 1], dtype=np.float32)  # the lecture's sequence
>>> main, *more = questions_1d(PoolCall("max_pool1d", {"kernel_size": 2}), x, seed=0)
>>> main.kind, main.answer_text
('cells', '4 0 2 3 3')
>>> check(main, "4 0 2 3 3").right
True
>>> marking = check(main, "4 0 2 3 2")
>>> marking.cells, marking.message
((True, True, True, True, False), 'Wrong: y[4].')
>>> check(main, "4 two 2 3 3").message
'"two" is not a number (y[1] is not marked).'
>>> sorted(q.confusion for q in more)
['flat_indices', 'output_size', 'stride_default']
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from pooling_core import PoolCall
from pooling_core.animation import CELL_INPUT, CELL_OVERHANG, CELL_PADDING, fmt, pool_steps
from pooling_core.geometry import AxisWindows, Windows
from ui import invariance

KINDS = ("cells", "number", "shape", "choice")
CONFUSIONS = (
    "windows",  # what each window reads and what it reduces it to: the output itself
    "stride_default",  # stride=None means stride = kernel_size (convolution's default is 1)
    "ceil_mode",  # ceil_mode rounds up: it keeps a last window, or torch drops it
    "padding_value",  # a padding cell is −∞ for max pooling and 0 for average pooling
    "count_include_pad",  # whether an average's padding cells count in its divisor
    "output_size",  # the output-size formula, and that N and C are kept
    "flat_indices",  # return_indices counts through each flattened (n, c) plane, not the window or the tensor
    "adaptive_bins",  # adaptive bins cover [⌊i·L/O⌋, ⌈(i+1)·L/O⌉): they overlap when sizes do not divide
    "channels_separate",  # pooling never mixes channels (or samples)
    "permutation",  # a permutation inside a cell changes nothing; across cells it does
    "translation",  # small shifts: max pooling is only pseudo-invariant, and more so than average
    "gradient",  # backward: a max sends g to its winner alone, an average g/divisor to each cell; overlaps add
    "unpool_size",  # max_unpool gives back (out − 1)·stride + kernel − 2·padding cells, not the input's size
)
PAGES = ("pool_1d", "pool_2d", "channels", "torch_api", "invariance")
SIGNIFICANT_DIGITS = 3  # the pages write outputs with fmt: 3 significant digits
FLOAT32_SLACK = 8 * float(np.finfo(np.float32).eps)  # torch's float32 sums may differ from ours by a few ulp
COUNT = 3  # confusion questions per set, after the main one
MAX_SHOWN_VALUES = 100  # a bigger input is not repeated in the prompt: the page shows it
MAX_STEPS_EXPLAINED = 12  # the arithmetic of the first output cells, then "…"
EMPTY_CELL = ("?", "_")  # what a student types for a cell they leave open
AXIS_NAMES = {1: ("L",), 2: ("H", "W")}
TYPING_HINT = "Type one number per output cell, separated by spaces (`-inf`, `inf` and `nan` work too)"


# --- the data model -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """One question of predict mode, with its answer and why.

    Attributes:
        id: stable within a set, e.g. ``"pool_1d:windows:y"`` (usable as a widget key).
        prompt: markdown; may show the input and the call, never the answer.
        kind: ``"cells"`` (one number per output cell: ``answer`` is a tuple of floats, or a tuple
            of row tuples in 2-D), ``"number"`` (an int or a float), ``"shape"`` (a tuple of ints)
            or ``"choice"`` (``answer`` is one of ``options``).
        answer: the true value, from running the call or reading its windows.
        explanation: markdown shown after Reveal: the rule, with this call's numbers.
        confusion: the known confusion it aims at, one of :data:`CONFUSIONS`.
        options: the choices of a ``"choice"`` question, in the order to show them.
        target: what the cells of a ``"cells"`` question belong to: ``"y"`` or a plane ``"y[0, 1]"``.
        focus: the part of ``y`` (as the page shows it) the question is about, for a figure to
            highlight: an output cell ``(3,)``, ``(0, 1, 1, 2)``, a plane ``(0, 1)``, or ``()`` for all of it.
    """

    id: str
    prompt: str
    kind: str
    answer: object
    explanation: str
    confusion: str
    options: tuple[str, ...] = ()
    target: str = "y"
    focus: tuple[int, ...] = ()

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, but got kind={self.kind!r}")
        if self.confusion not in CONFUSIONS:
            raise ValueError(f"confusion must be one of {', '.join(CONFUSIONS)}, but got {self.confusion!r}")
        if self.kind == "choice" and self.answer not in self.options:
            raise ValueError(f"the answer {self.answer!r} is not one of the options {self.options}")

    @property
    def answer_text(self) -> str:
        """The answer as the page writes it, and as a student may type it to be right."""
        if self.kind == "cells":
            return cells_text(self.answer)
        if self.kind == "number":
            return _number_text(self.answer)
        if self.kind == "shape":
            return str(tuple(self.answer))
        return str(self.answer)

    def cell_label(self, index: tuple[int, ...]) -> str:
        """``y[3]``, ``y[1, 2]``, or ``y[0, 1, 1, 2]`` for a cell of the plane ``y[0, 1]``."""
        inner = ", ".join(str(i) for i in index)
        if self.target.endswith("]"):
            return f"{self.target[:-1]}, {inner}]"
        return f"{self.target}[{inner}]"


@dataclass(frozen=True)
class Marking:
    """What :func:`check` says about one typed answer.

    Attributes:
        right: True if all of it is right, False if anything is wrong (a wrong or missing cell, an
            extra value), None if nothing is wrong but something is not judged yet (left empty,
            not a number).
        message: one short sentence naming what is wrong.
        cells: ``"cells"`` questions: True, False or None (left empty or unreadable) per output cell,
            in the answer's shape (a tuple of row tuples in 2-D). None for the other kinds.
        extra: how many values were typed beyond the output's cells (each one counts as wrong).
    """

    right: bool | None
    message: str
    cells: tuple | None = None
    extra: int = 0


# --- writing numbers --------------------------------------------------------------------------------


def _number_text(value) -> str:
    """As the page writes a value (``fmt``), with an ASCII minus, which pastes into code and text boxes."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return str(int(value))
    return fmt(value).replace("−", "-")


def cells_text(values) -> str:
    """``4 0 2 3 3``; rows joined by ``; `` in 2-D."""
    if values and isinstance(values[0], tuple):
        return "; ".join(cells_text(row) for row in values)
    return " ".join(_number_text(value) for value in values)


def as_cells(array: np.ndarray) -> tuple:
    """An output as nested tuples of Python floats: frozen, and written cell by cell."""
    if array.ndim == 1:
        return tuple(float(value) for value in array)
    return tuple(as_cells(row) for row in array)


def _input_text(plane: np.ndarray, name: str = "x") -> str:
    """The input, as the page writes it, for a prompt (or a pointer to the page when it is big)."""
    if plane.size > MAX_SHOWN_VALUES:
        return f"`{name}` of shape {tuple(plane.shape)}, as on the page"
    if plane.ndim == 1:
        return f"`{name} = {cells_text(as_cells(plane))}`"
    rows = "\n".join(cells_text(as_cells(row)) for row in plane)
    return f"`{name}` (shape {tuple(plane.shape)}):\n\n```\n{rows}\n```"


def _listed(values, limit: int = 8) -> str:
    values = [str(value) for value in values]
    return ", ".join(values[:limit]) + (", …" if len(values) > limit else "")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


# --- checking what a student typed ------------------------------------------------------------------------


class _Unreadable(ValueError):
    """A token that is not a number; its message is shown to the student."""


_SPECIAL = {"nan": math.nan, "inf": math.inf, "+inf": math.inf, "-inf": -math.inf, "infinity": math.inf,
            "-infinity": -math.inf, "∞": math.inf, "+∞": math.inf, "-∞": -math.inf}  # fmt: skip


def _read_number(token: str) -> float:
    cleaned = token.strip().replace("−", "-").replace("–", "-").lower()
    if cleaned in _SPECIAL:
        return _SPECIAL[cleaned]
    try:
        return float(cleaned)
    except ValueError:
        raise _Unreadable(f'"{token.strip()}" is not a number') from None


def same_number(guess: float, true: float) -> bool:
    """Whether ``guess`` is right for ``true`` as the page shows it (3 significant digits).

    A guess within half a unit of the third significant digit of ``true`` is right: ``1.33`` and
    ``1.333`` for 4/3, not ``1.3``. A value on a rounding boundary accepts both roundings: float32
    sums in another order (torch's) may land on either side of it, so ``−1.48`` and ``−1.47`` are
    both right for a mean of ``−1.4749999``. NaN equals NaN, ∞ only ∞, and the sign of zero does
    not matter.

    >>> same_number(1.33, 4 / 3), same_number(1.3, 4 / 3), same_number(-0.0, 0.0), same_number(math.nan, math.nan)
    (True, False, True, True)
    >>> same_number(-1.48, -1.4749999), same_number(-1.47, -1.4749999)
    (True, True)
    """
    guess, true = float(guess), float(true)
    if math.isnan(true) or math.isnan(guess):
        return math.isnan(true) and math.isnan(guess)
    if guess == true:
        return True
    if math.isinf(true) or math.isinf(guess) or true == 0:
        return False
    unit = 10.0 ** (math.floor(math.log10(abs(true))) - (SIGNIFICANT_DIGITS - 1))
    return abs(guess - true) <= unit / 2 + FLOAT32_SLACK * abs(true)


def _right_number(guess: float, answer) -> bool:
    if isinstance(answer, (int, np.integer)):  # counts, indices, divisors: exactly
        return guess == int(answer)
    return same_number(guess, answer)


def check(question: Question, typed: str | Sequence[str]) -> Marking:
    """Mark what a student typed for ``question``.

    ``typed`` is the text of one box. For ``"cells"`` questions it may also be one string per
    output cell (row-major), where ``""`` leaves a cell empty. Typing is forgiving: spaces or
    commas between numbers, rows split by ``;`` or new lines (or torch's ``[[…], […]]``), ``−`` or
    ``-``, ``inf``/``-inf``/``∞``/``−∞``/``nan``, ``?`` for a cell left empty; shapes as ``(2, 3)``,
    ``2 3`` or ``torch.Size([2, 3])``; a choice as its text or its number (from 1).

    >>> shape = Question("q", "y.shape?", "shape", (1, 2, 2, 3), "…", "output_size")
    >>> check(shape, "torch.Size([1, 2, 2, 3])").right, check(shape, "(1, 2, 3)").message
    (True, 'y has 4 dimensions; you gave 3.')
    """
    if question.kind == "cells":
        return _check_cells(question, typed)
    text = typed if isinstance(typed, str) else " ".join(typed)
    if not text.strip():
        return Marking(None, "Nothing typed yet.")
    if question.kind == "number":
        return _check_number(question, text)
    if question.kind == "shape":
        return _check_shape(question, text)
    return _check_choice(question, text)


def _check_number(question: Question, text: str) -> Marking:
    tokens = _tokens(text)
    if len(tokens) != 1:
        return Marking(None, f"Type one number (you typed {len(tokens)}).")
    try:
        guess = _read_number(tokens[0])
    except _Unreadable as error:
        return Marking(None, f"{error}.")
    if _right_number(guess, question.answer):
        return Marking(True, "Right.")
    return Marking(False, f"Not {_number_text(guess)}.")


def _check_shape(question: Question, text: str) -> Marking:
    cleaned = re.sub(r"torch\.Size|[\[\]()]", " ", text)
    tokens = [token for token in re.split(r"[\s,x×*]+", cleaned) if token]
    sizes = []
    for token in tokens:
        if not re.fullmatch(r"\d+", token):
            return Marking(None, f'"{token}" is not a whole number: type a shape like (2, 3).')
        sizes.append(int(token))
    if not sizes:
        return Marking(None, "Type a shape like (2, 3).")
    answer = tuple(question.answer)
    if tuple(sizes) == answer:
        return Marking(True, "Right.")
    if len(sizes) != len(answer):
        return Marking(False, f"y has {_plural(len(answer), 'dimension')}; you gave {len(sizes)}.")
    wrong = [str(i) for i, (guess, true) in enumerate(zip(sizes, answer, strict=True)) if guess != true]
    which = " and ".join(wrong)
    return Marking(False, f"Wrong size along dimension{'s' if len(wrong) > 1 else ''} {which} (counted from 0).")


def _normalised(text: str) -> str:
    text = text.strip().lower().replace("−", "-").replace("∞", "inf")
    return re.sub(r"\s+", " ", text)


def _forms(option: str) -> set[str]:
    """What a student may type for ``option``: all of it, or the part before `` (``, ``: `` or ``, ``
    (``"−∞ (minus infinity)"`` → ``−∞``; ``"no, every output stays the same"`` → ``no``)."""
    return {_normalised(option)} | {_normalised(option.split(mark)[0]) for mark in (" (", ": ", ", ")}


def _check_choice(question: Question, text: str) -> Marking:
    typed = _normalised(text)
    picked = None
    for option in question.options:
        if typed in _forms(option):
            picked = option
            break
    numbers_are_options = any(re.fullmatch(r"-?\d+", form) for o in question.options for form in _forms(o))
    if picked is None and not numbers_are_options and re.fullmatch(r"\d+", typed):
        number = int(typed)
        if 1 <= number <= len(question.options):
            picked = question.options[number - 1]
    if picked is None:
        listed = "; ".join(f"{i + 1}. {option}" for i, option in enumerate(question.options))
        return Marking(None, f'"{text.strip()}" is not one of the options ({listed}).')
    if picked == question.answer:
        return Marking(True, "Right.")
    return Marking(False, f"Not “{picked}”.")


def _tokens(text: str) -> list[str]:
    return [token for token in re.split(r"[\s,]+", text.strip()) if token]


def _typed_rows(typed: str | Sequence) -> list[list[str]]:
    """What was typed for a cells question, as rows of tokens (one row for 1-D)."""
    if not isinstance(typed, str):
        items = list(typed)
        if items and not isinstance(items[0], str):  # one list of strings per row
            return [[str(item).strip() for item in row] for row in items]
        return [[str(item).strip() for item in items]]
    text = re.sub(r"^\s*tensor\s*\(", "", typed.strip())  # torch's printout
    text = re.sub(r"\]\s*,?\s*\[", ";", text)  # torch's row break: "], ["
    text = re.sub(r"[\[\]()]", " ", text)
    rows = [row for row in re.split(r"[;\n]+", text) if row.strip()]
    return [_tokens(row) for row in rows]


def _check_cells(question: Question, typed: str | Sequence[str]) -> Marking:
    answer = question.answer
    two_d = bool(answer) and isinstance(answer[0], tuple)
    truth = [list(row) for row in answer] if two_d else [list(answer)]
    rows = _typed_rows(typed)
    if not any(token not in ("", *EMPTY_CELL) for row in rows for token in row):
        unmarked = tuple(tuple(None for _ in row) for row in truth)
        return Marking(None, "Nothing typed yet.", unmarked if two_d else unmarked[0])
    if two_d and (len(rows) > 1 or len(truth) == 1):  # typed row by row
        aligned = rows[: len(truth)] + [[]] * max(len(truth) - len(rows), 0)
        leftover = [token for row in rows[len(truth) :] for token in row]
    else:  # 1-D, or a 2-D answer typed in one line: one stream of values, cut into the answer's rows
        flat, width = [token for row in rows for token in row], len(truth[0]) if truth else 0
        aligned = [flat[r * width : (r + 1) * width] for r in range(len(truth))]
        leftover = flat[len(truth) * width :]
    overflow = [max(len(typed_row) - len(true_row), 0) for typed_row, true_row in zip(aligned, truth, strict=True)]
    extra = len(leftover) + sum(overflow)
    marks, wrong, missing, empty, unreadable = [], [], [], [], []
    for r, (typed_row, true_row) in enumerate(zip(aligned, truth, strict=True)):
        row_marks = []
        for c, true in enumerate(true_row):
            label = question.cell_label((r, c) if two_d else (c,))
            if c >= len(typed_row):
                row_marks.append(False)
                missing.append(label)
            elif typed_row[c] in ("", *EMPTY_CELL):
                row_marks.append(None)
                empty.append(label)
            else:
                try:
                    mark = same_number(_read_number(typed_row[c]), true)
                except _Unreadable as error:
                    mark = None
                    unreadable.append(f"{error} ({label} is not marked)")
                row_marks.append(mark)
                if mark is False:
                    wrong.append(label)
        marks.append(tuple(row_marks))
    cells = tuple(marks) if two_d else marks[0]
    total = sum(len(row) for row in truth)
    typed_count = sum(1 for row in rows for token in row if token not in ("", *EMPTY_CELL))
    if not (wrong or missing or extra or empty or unreadable):
        return Marking(True, f"All {total} right." if total > 1 else "Right.", cells)
    parts = [f"Wrong: {_listed(wrong, 6)}."] if wrong else []
    if missing or extra:
        said = f"You typed {_plural(typed_count, 'value')}; {question.target} has {_plural(total, 'cell')}"
        if missing:
            parts.append(f"{said}, so {_listed(missing, 6)} {'is' if len(missing) == 1 else 'are'} missing.")
        else:
            parts.append(f"{said}: {_plural(extra, 'value')} too many.")
    if empty:
        parts.append(f"Left empty: {_listed(empty, 6)}.")
    parts += [f"{problem}." for problem in unreadable[:3]]
    return Marking(False if (wrong or missing or extra) else None, " ".join(parts), cells, extra)


# --- the call on screen ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Pooled:
    """A call on the page's input, run once: what every question about it reads."""

    page: str
    call: PoolCall
    batch: np.ndarray  # the input as the page runs it: (C=1, *spatial) on the 1-D/2-D pages, (N, C, H, W) else
    windows: Windows
    output: np.ndarray  # the batch's leading axes, then the output's spatial axes
    names_planes: bool  # cells are named y[n, c, i, j] (Channels, torch API), not y[i, j]

    @property
    def code(self) -> str:
        return self.call.functional_code()

    @property
    def planes(self) -> list[tuple[int, ...]]:
        """The leading indices of every pooled plane: ``[(0,)]`` on the 1-D/2-D pages."""
        return list(np.ndindex(*self.batch.shape[: -self.call.ndim]))

    @property
    def axis_names(self) -> tuple[str, ...]:
        return AXIS_NAMES[self.call.ndim]

    @property
    def sliding(self) -> bool:
        return self.call.kind in ("max", "avg", "lp")

    def index(self, plane: tuple[int, ...], cell: tuple[int, ...] = ()) -> tuple[int, ...]:
        """Where a cell of a plane is in ``y`` as the page shows it: ``(o,)``, or ``(n, c, i, j)``."""
        return tuple(int(i) for i in ((*plane, *cell) if self.names_planes else cell))

    def name(self, array: str, plane: tuple[int, ...], cell: tuple[int, ...] = ()) -> str:
        """``y[3]`` on the 1-D page, ``x[0, 1, 1, 2]`` on the Channels page; ``y[0, 1]`` for a plane."""
        index = self.index(plane, cell)
        return f"{array}[{', '.join(map(str, index))}]" if index else array

    def spatial_shape(self, windows: Windows) -> int | tuple[int, ...]:
        """``L_out`` in 1-D, ``(H_out, W_out)`` in 2-D: a number or a shape question's answer."""
        shape = tuple(int(size) for size in windows.output_shape)
        return shape[0] if len(shape) == 1 else shape

    def input_words(self) -> str:
        """``an input with L_in = 10``; ``an input with H_in = 2, W_in = 6``."""
        sizes = zip(self.axis_names, self.windows.input_shape, strict=True)
        return "an input with " + ", ".join(f"{name}_in = {size}" for name, size in sizes)

    def spatial_words(self) -> str:
        return "how many outputs (L_out)" if self.call.ndim == 1 else "what output size (H_out, W_out)"


def _pooled(page: str, call: PoolCall, batch: np.ndarray, names_planes: bool) -> _Pooled:
    """Run ``call`` on ``batch``; an invalid call raises its own ValueError/TypeError here."""
    result = call.run(batch)
    values = result[0] if isinstance(result, tuple) else result
    return _Pooled(page, call, batch, call.windows(batch.shape), values, names_planes)


def _other_windows(call: PoolCall, shape: tuple[int, ...], **changes) -> Windows | None:
    """The windows of the same call with some arguments changed, or None if torch would refuse it."""
    try:
        return call.with_arguments(**changes).windows(shape)
    except (ValueError, TypeError):
        return None


def _stride_left_out(call: PoolCall) -> bool:
    return call.argument("stride") in (None, (), [])


def _has_padding(pooled: _Pooled) -> bool:
    return pooled.call.kind in ("max", "avg") and any(axis.padding > 0 for axis in pooled.windows.axes)


def _span(axis: AxisWindows) -> int:
    """How many input positions one window spans (dilation spreads its taps)."""
    return int(axis.offsets[-1]) + 1 if len(axis.offsets) else 0


def _axis_story(pooled: _Pooled, axis: AxisWindows, name: str) -> str:
    """How the windows of one axis move, in words and with this call's numbers."""
    along = f" along {name}" if pooled.call.ndim > 1 else ""
    if axis.kind == "adaptive":
        bins = [f"[{int(start)}, {int(end)})" for start, end in zip(axis.starts, axis.ends, strict=True)]
        sizes = set((axis.ends - axis.starts).tolist())
        shape = "equal" if len(sizes) == 1 else "unequal"
        overlap = any(axis.starts[1:] < axis.ends[:-1])
        overlaps = " (neighbouring bins overlap)" if overlap else ""
        return (f"adaptive{along}: {_plural(axis.output_size, 'bin')} of {shape} size over {name}_in = "
                f"{axis.input_size}, covering {_listed(bins)}{overlaps}")  # fmt: skip
    stride, span = axis.stride, _span(axis)
    said = f"stride defaults to kernel_size ({stride})" if _stride_left_out(pooled.call) else f"stride = {stride}"
    dilated = f", spread over {span} positions by dilation={axis.dilation}" if axis.dilation > 1 else ""
    if stride == span:
        how = "do not overlap"
    elif stride < span:
        how = f"overlap by {_plural(span - stride, 'cell')}"
    else:
        how = f"skip {_plural(stride - span, 'cell')} between them"
    starts = _listed(int(start) for start in axis.starts)
    return f"{said}{along}: windows of {axis.kernel_size}{dilated} start at {starts}, so they {how}"


def _padding_story(pooled: _Pooled) -> str | None:
    if not _has_padding(pooled):
        return None
    if pooled.call.is_max:
        return "padding cells hold −∞, so they never win a max"
    if pooled.call.argument("count_include_pad"):
        return "padding cells hold 0 and, with count_include_pad=True, count in the divisor"
    return "padding cells hold 0 and, with count_include_pad=False, do not count in the divisor"


def _dropped_story(pooled: _Pooled, windows: Windows) -> str | None:
    dropped = [
        f"{name}={axis.dropped_start}" if pooled.call.ndim > 1 else str(axis.dropped_start)
        for axis, name in zip(windows.axes, pooled.axis_names, strict=True)
        if axis.dropped_start is not None
    ]
    if not dropped:
        return None
    return (f"ceil_mode=True would add a last window starting at {', '.join(dropped)}, but it would start in the "
            "right padding, so torch drops it")  # fmt: skip


def _kept_story(pooled: _Pooled, windows: Windows) -> str | None:
    """The windows that exist only because of ceil_mode (they start inside the input or the left padding)."""
    added = [
        (f"along {name} " if pooled.call.ndim > 1 else "")
        + f"starting at {_listed(int(s) for s in axis.starts[axis.floor_size :])}"
        for axis, name in zip(windows.axes, pooled.axis_names, strict=True)
        if axis.output_size > axis.floor_size
    ]
    if not added:
        return None
    return f"ceil_mode=True adds and keeps the window(s) {'; '.join(added)}: they hang past the input"


def _size_words(windows: Windows) -> str:
    """``5 cells`` in 1-D, ``size (2, 3)`` in 2-D."""
    shape = tuple(int(size) for size in windows.output_shape)
    return _plural(shape[0], "cell") if len(shape) == 1 else f"size {shape}"


def _formulas(windows: Windows) -> list[str]:
    return [f"`{line}`" for line in windows.formulas()]


def _bullets(lines) -> str:
    return "\n".join(f"- {line}" for line in lines if line)


# --- the main question: the output itself -----------------------------------------------------------


def _output_cells(pooled: _Pooled, rng: np.random.Generator) -> Question:
    """The output of one plane, one number per cell; the plane is picked by ``rng`` when there are several."""
    planes = pooled.planes
    plane = planes[int(rng.integers(len(planes)))]
    values = pooled.output[plane]
    if values.size == 0:
        return _empty_output(pooled)
    steps = pool_steps(pooled.call, pooled.batch[plane])
    target = pooled.name("y", plane)
    lines = [_axis_story(pooled, axis, name) for axis, name in zip(pooled.windows.axes, pooled.axis_names, strict=True)]
    lines += _formulas(pooled.windows)
    lines += [_padding_story(pooled), _dropped_story(pooled, pooled.windows)]
    worked = [f"{pooled.name('y', plane, step.output_index)} = {step.arithmetic}" for step in steps]
    if len(worked) > MAX_STEPS_EXPLAINED:
        worked = worked[:MAX_STEPS_EXPLAINED] + [f"… and {len(worked) - MAX_STEPS_EXPLAINED} more"]
    asked = f"the plane `{target}` of `y = {pooled.code}`" if pooled.names_planes else f"`y = {pooled.code}`"
    given = _input_text(pooled.batch[plane], pooled.name("x", plane))
    rows = "; end each row with `;`" if values.ndim > 1 else ""
    return Question(
        id=f"{pooled.page}:windows:{target}",
        prompt=f"Predict {asked}. The input{' plane' if pooled.names_planes else ''}: {given}\n\n{TYPING_HINT}{rows}.",
        kind="cells",
        answer=as_cells(values),
        explanation=_bullets(lines) + "\n\n" + "  \n".join(worked),
        confusion="windows",
        target=target,
        focus=pooled.index(plane),
    )


def _empty_output(pooled: _Pooled) -> Question:
    """An adaptive pool asked for 0 outputs along an axis: nothing to type per cell, so the shape."""
    answer = tuple(int(size) for size in (pooled.output.shape if pooled.names_planes else pooled.output.shape[1:]))
    return Question(
        id=f"{pooled.page}:output_size:empty",
        prompt=f"`y = {pooled.code}` on {pooled.input_words()}: what is the shape of `y`"
        f"{'' if pooled.names_planes else ' (one plane)'}?",
        kind="shape",
        answer=answer,
        explanation="an adaptive pool gives exactly the output size asked for: an output_size of 0 along an axis "
        "gives an empty output, with no cells at all",
        confusion="output_size",
    )


def _output_shape(pooled: _Pooled, rng: np.random.Generator) -> Question | None:
    """``L_out`` (1-D page), ``(H_out, W_out)`` (2-D page) or the whole ``y.shape`` (Channels, torch API)."""
    if pooled.call.kind in ("adaptive_max", "adaptive_avg") and not pooled.names_planes:
        size = pooled.call.argument("output_size")
        if None not in (size if isinstance(size, (tuple, list)) else (size,)):
            return None  # the call spells its output size out: nothing to predict
    lines = _formulas(pooled.windows)
    if pooled.names_planes:
        answer = tuple(int(size) for size in pooled.output.shape)
        lead = len(answer) - pooled.call.ndim
        kept = ", ".join(f"{name} = {size}" for name, size in zip(("N", "C"), answer[:lead], strict=False))
        ask = f"`x.shape = {tuple(pooled.batch.shape)}`. What is the shape of `y = {pooled.code}`?"
        lines.insert(0, f"pooling works on each (n, c) plane separately: {kept} stay as they are")
        kind = "shape"
    else:
        answer = pooled.spatial_shape(pooled.windows)
        ask = f"`{pooled.code}` on {pooled.input_words()}: {pooled.spatial_words()}?"
        kind = "number" if pooled.call.ndim == 1 else "shape"
    if pooled.call.kind in ("adaptive_max", "adaptive_avg"):
        lines.append("an adaptive pool's output_size is the output's size; None keeps that axis as it is")
    lines.append(_dropped_story(pooled, pooled.windows))
    return Question(f"{pooled.page}:output_size:shape", ask, kind, answer, _bullets(lines), "output_size")


# --- confusion questions --------------------------------------------------------------------------------


def _stride_default(pooled: _Pooled, rng: np.random.Generator) -> Question | None:
    """stride=None means stride = kernel_size. Left out: "which stride?"; given: "and without it?"."""
    if not pooled.sliding:
        return None
    shape = pooled.batch.shape
    if _stride_left_out(pooled.call):
        axis_number = int(rng.integers(pooled.call.ndim))
        axis, name = pooled.windows.axes[axis_number], pooled.axis_names[axis_number]
        along = f" along {name}" if pooled.call.ndim > 1 else ""
        ones = _other_windows(pooled.call, shape, stride=1)
        contrast = "" if ones is None else (
            f"with stride=1, convolution's default, the output would have {_size_words(ones)} instead of "
            f"{_size_words(pooled.windows)}")  # fmt: skip
        rule = (f"stride=None means stride = kernel_size: here {axis.stride}{along}, so each window jumps a whole "
                "kernel on from the last instead of sliding one cell")  # fmt: skip
        lines = [rule, *_formulas(pooled.windows), contrast]
        return Question(
            id=f"{pooled.page}:stride_default:{name}",
            prompt=f"`{pooled.code}` gives no `stride`. Which stride does torch use{along}?",
            kind="number",
            answer=int(axis.stride),
            explanation=_bullets(lines),
            confusion="stride_default",
        )
    without = _other_windows(pooled.call, shape, stride=None)
    if without is None:
        return None
    stride = pooled.call.argument("stride")
    kernels = tuple(int(axis.kernel_size) for axis in without.axes)
    kernel_text = str(kernels[0]) if len(kernels) == 1 else str(kernels)
    lines = [f"without stride, torch uses stride = kernel_size = {kernel_text}", *_formulas(without),
             f"with stride={stride} the output has {_size_words(pooled.windows)}"]  # fmt: skip
    return Question(
        id=f"{pooled.page}:stride_default:removed",
        prompt=f"`{pooled.code}` on {pooled.input_words()}: if you deleted `stride={stride}`, "
        f"{pooled.spatial_words()} would it give?",
        kind="number" if pooled.call.ndim == 1 else "shape",
        answer=pooled.spatial_shape(without),
        explanation=_bullets(lines),
        confusion="stride_default",
    )


def _ceil_mode(pooled: _Pooled, rng: np.random.Generator) -> Question | None:
    """The other ceil_mode: how many outputs then? Asked when it changes the size or a window is dropped."""
    if not pooled.sliding:
        return None
    ceil = bool(pooled.call.argument("ceil_mode"))
    other = _other_windows(pooled.call, pooled.batch.shape, ceil_mode=not ceil)
    if other is None:
        return None
    ceil_windows = pooled.windows if ceil else other
    dropped = bool(ceil_windows.dropped_windows())
    if other.output_shape == pooled.windows.output_shape and not dropped:
        return None  # the division is exact: ceil_mode changes nothing here
    lines = [
        "ceil_mode=False rounds the division down (⌊ ⌋): a last window that does not fit is left out",
        "ceil_mode=True rounds it up (⌈ ⌉): that last window is kept, hanging past the input, but only if it "
        "starts inside the input or the left padding",
        *(f"ceil_mode={not ceil}: {line}" for line in _formulas(other)),
        *(f"ceil_mode={ceil} (this call): {line}" for line in _formulas(pooled.windows)),
        _kept_story(pooled, ceil_windows),
        _dropped_story(pooled, ceil_windows),
    ]
    return Question(
        id=f"{pooled.page}:ceil_mode:{not ceil}",
        prompt=f"`{pooled.code}` on {pooled.input_words()}: with `ceil_mode={not ceil}` instead, "
        f"{pooled.spatial_words()} would it give?",
        kind="number" if pooled.call.ndim == 1 else "shape",
        answer=pooled.spatial_shape(other),
        explanation=_bullets(lines),
        confusion="ceil_mode",
    )


PADDING_OPTIONS = ("0 (zero)", "−∞ (minus infinity)", "a copy of the nearest input value")


def _padding_value(pooled: _Pooled, rng: np.random.Generator) -> Question | None:
    """What a padding cell holds: −∞ for max, 0 for average, shown on a real edge window."""
    if not _has_padding(pooled):
        return None
    plane = pooled.planes[int(rng.integers(len(pooled.planes)))]
    steps = pool_steps(pooled.call, pooled.batch[plane])
    edges = [step for step in steps if CELL_PADDING in step.kinds and CELL_INPUT in step.kinds]
    if not edges:
        return None
    negative = [s for s in edges if all(v < 0 for v, k in zip(s.values, s.kinds, strict=True) if k == CELL_INPUT)]
    pool = negative if (pooled.call.is_max and negative) else edges
    step = pool[int(rng.integers(len(pool)))]
    example = f"for example {pooled.name('y', plane, step.output_index)} = {step.arithmetic}"
    if pooled.call.is_max:
        answer = PADDING_OPTIONS[1]
        why = "max pooling pads with −∞, so a padding cell never beats a real input value"
        if step in negative:
            example += f": every real value there is negative, and the max is still {fmt(step.result)}, not 0"
    else:
        answer = PADDING_OPTIONS[0]
        why = (
            "average pooling pads with 0: it adds nothing to the sum, and count_include_pad decides whether it "
            f"counts in the divisor (here count_include_pad={pooled.call.argument('count_include_pad')})"
        )
    return Question(
        id=f"{pooled.page}:padding_value:{'max' if pooled.call.is_max else 'avg'}",
        prompt=f"`{pooled.code}` pads the input. What value does a padding cell hold?",
        kind="choice",
        answer=answer,
        explanation=_bullets([why, example]),
        confusion="padding_value",
        options=PADDING_OPTIONS,
        focus=pooled.index(plane, step.output_index),
    )


def _count_include_pad(pooled: _Pooled, rng: np.random.Generator) -> Question | None:
    """The divisor of an edge window of an average with padding (Windows.divisor)."""
    call = pooled.call
    if call.kind != "avg" or not _has_padding(pooled) or call.arguments.get("divisor_override") is not None:
        return None
    include = bool(call.argument("count_include_pad"))
    divisors = pooled.windows.divisor(include)
    others = pooled.windows.divisor(not include)
    edges = list(zip(*np.nonzero(divisors != others), strict=True))
    if not edges:
        return None
    cell = tuple(int(i) for i in edges[int(rng.integers(len(edges)))])
    plane = pooled.planes[int(rng.integers(len(pooled.planes)))]
    kinds = [entry["kind"] for entry in pooled.windows.window_cells(*cell)]
    counts = {kind: kinds.count(kind) for kind in (CELL_INPUT, CELL_PADDING, CELL_OVERHANG)}
    overhang = (f" and {_plural(counts[CELL_OVERHANG], 'cell')} past the padding (ceil_mode)"
                if counts[CELL_OVERHANG] else "")  # fmt: skip
    name = pooled.name("y", plane, cell)
    step = pool_steps(call, pooled.batch[plane])[int(np.ravel_multi_index(cell, pooled.windows.output_shape))]
    other_value = call.with_arguments(count_include_pad=not include).run(pooled.batch)[(*plane, *cell)]
    lines = [
        f"count_include_pad={include}: "
        + (
            "padding cells count, so the divisor is the window clipped to the padded input"
            if include
            else "only the real input cells count"
        ),
        f"{name} = {step.arithmetic}",
        f"with count_include_pad={not include} the divisor would be {int(others[cell])}: {name} = {fmt(other_value)}",
    ]
    if counts[CELL_OVERHANG]:
        lines.append("cells past the right padding never count, even with count_include_pad=True")
    return Question(
        id=f"{pooled.page}:count_include_pad:{name}",
        prompt=f"`{pooled.code}`: the window of `{name}` covers {_plural(counts[CELL_INPUT], 'input cell')}, "
        f"{_plural(counts[CELL_PADDING], 'padding cell')}{overhang}. What does torch divide its sum by?",
        kind="number",
        answer=int(divisors[cell]),
        explanation=_bullets(lines),
        confusion="count_include_pad",
        focus=pooled.index(plane, cell),
    )


def _flat_indices(pooled: _Pooled, rng: np.random.Generator) -> Question | None:
    """return_indices: in 1-D, which index for y[o]; in 2-D, a maximum at (r, c) has index r·W + c."""
    call = pooled.call
    if call.kind not in ("max", "adaptive_max"):
        return None
    _, indices = call.with_arguments(return_indices=True).run(pooled.batch)
    spatial = pooled.batch.shape[-call.ndim :]
    size = math.prod(spatial)
    found = [(plane, cell) for plane in pooled.planes for cell in np.ndindex(*pooled.windows.output_shape)
             if 0 <= int(indices[(*plane, *cell)]) < size]  # fmt: skip
    if call.ndim == 2:  # where the row matters: r·W + c is not just c
        found = [(p, c) for p, c in found if int(indices[(*p, *c)]) >= spatial[-1]] or found
    steps = {plane: pool_steps(call, pooled.batch[plane]) for plane in {p for p, _ in found}}

    def step_of(plane, cell):
        return steps[plane][int(np.ravel_multi_index(cell, pooled.windows.output_shape))]

    # A window whose taps all land in the padding (dilation can do that) has no maximum to ask about.
    found = [(p, c) for p, c in found if CELL_INPUT in step_of(p, c).kinds]
    if not found:
        return None
    plane, cell = found[int(rng.integers(len(found)))]
    index = int(indices[(*plane, *cell)])
    position = tuple(int(i) for i in np.unravel_index(index, spatial))
    step = step_of(plane, cell)
    y_name, x_name = pooled.name("y", plane, cell), pooled.name("x", plane, position)
    lines = [f"{y_name} = {step.arithmetic}, read from {x_name}"]
    if position in step.cells:
        place = step.cells.index(position)
        lines.append(f"the index is {index}: where the maximum is in the input plane, not its place in the window "
                     f"({place})")  # fmt: skip
    real = [v for v, k in zip(step.values, step.kinds, strict=True) if k == CELL_INPUT]
    if any(math.isnan(v) for v in real):
        lines.append("NaN beats every number; with several, torch reports the last NaN")
    elif real.count(max(real)) > 1:
        lines.append("several cells hold the maximum: torch reports the first, in row-major order")
    if call.ndim == 2:
        height, width = spatial
        lines.insert(0, f"indices count through each (n, c) plane of {height}×{width} row by row: index = row·W_in + "
                        f"column = {position[0]}·{width} + {position[1]} = {index}")  # fmt: skip
        if pooled.names_planes and len(pooled.planes) > 1:
            whole = int(np.ravel_multi_index((*plane, *position), pooled.batch.shape))
            lines.append(f"not the index in the whole tensor ({whole}): every plane starts again at 0")
        prompt = (f"`{call.with_arguments(return_indices=True).functional_code()}` also returns where each maximum "
                  f"was. One maximum sits at {x_name} (row {position[0]}, column {position[1]} of its "
                  f"{height}×{width} plane). Which index does torch return for it?")  # fmt: skip
    else:
        prompt = (f"`{call.with_arguments(return_indices=True).functional_code()}` also returns where each maximum "
                  f"was. Which index does it return for `{y_name}`?")  # fmt: skip
    return Question(f"{pooled.page}:flat_indices:{y_name}", prompt, "number", index, _bullets(lines), "flat_indices",
                    focus=pooled.index(plane, cell))  # fmt: skip


def _adaptive_bins(pooled: _Pooled, rng: np.random.Generator) -> Question | None:
    """How many input cells an adaptive bin reads: ⌈(i+1)·L/O⌉ − ⌊i·L/O⌋, so bins differ and overlap."""
    if pooled.call.kind not in ("adaptive_max", "adaptive_avg"):
        return None
    cells = list(np.ndindex(*pooled.windows.output_shape))
    if not cells:
        return None
    cell = cells[int(rng.integers(len(cells)))]
    read = len(pooled.windows.window_cells(*cell))
    name = pooled.name("y", pooled.planes[0], cell)
    lines = [_axis_story(pooled, axis, axis_name) for axis, axis_name in
             zip(pooled.windows.axes, pooled.axis_names, strict=True)]  # fmt: skip
    lines += _formulas(pooled.windows)
    spans = [(axis_name, int(axis.starts[o]), int(axis.ends[o]))
             for axis, axis_name, o in zip(pooled.windows.axes, pooled.axis_names, cell, strict=True)]  # fmt: skip
    covers = " × ".join(f"{axis_name} in [{start}, {end})" for axis_name, start, end in spans)
    product = " × ".join(str(end - start) for _, start, end in spans)
    lines.append(f"{name} covers {covers}: {product + ' = ' if len(spans) > 1 else ''}{read} input cells")
    return Question(
        id=f"{pooled.page}:adaptive_bins:{name}",
        prompt=f"`{pooled.code}` on {pooled.input_words()}: how many input cells does the bin of `{name}` read?",
        kind="number",
        answer=read,
        explanation=_bullets(lines),
        confusion="adaptive_bins",
        focus=pooled.index(pooled.planes[0], cell),
    )


def _channels_separate(pooled: _Pooled, rng: np.random.Generator) -> Question | None:
    """Which output planes change when one input plane does: computed by changing it and pooling again."""
    if not pooled.names_planes or len(pooled.planes) < 2:
        return None
    batch_size, channels = pooled.batch.shape[:2]
    n, c = pooled.planes[int(rng.integers(len(pooled.planes)))]
    changed_input = pooled.batch.copy()
    plane = changed_input[n, c]
    changed_input[n, c] = np.where(np.isfinite(plane), plane, 0) + 100  # every output of the plane moves
    result = pooled.call.run(changed_input)
    after = result[0] if isinstance(result, tuple) else result
    changed = {p for p in pooled.planes if invariance.compare(pooled.output[p], after[p]).count}
    options = {f"only y[{n}, {c}]": {(n, c)}}
    if channels > 1:
        options[f"y[{n}, :]: every channel of sample {n}"] = {(n, other) for other in range(channels)}
    if batch_size > 1:
        options[f"y[:, {c}]: channel {c} of every sample"] = {(other, c) for other in range(batch_size)}
    if batch_size > 1 and channels > 1:
        options["all of y"] = set(pooled.planes)
    answer = next((option for option, planes in options.items() if planes == changed), None)
    if answer is None:  # pooling mixed planes: a bug of pooling_core, never a question
        raise RuntimeError(f"changing x[{n}, {c}] changed the planes {sorted(changed)} of y")
    lines = [
        f"pooling works on each (n, c) plane separately: every window lies inside one plane, so changing x[{n}, {c}] "
        f"changes y[{n}, {c}] and nothing else",
        f"checked on this x: after changing every value of x[{n}, {c}], the planes of y that differ are "
        + ", ".join(f"y[{p[0]}, {p[1]}]" for p in sorted(changed)),
    ]
    return Question(
        id=f"{pooled.page}:channels_separate:x[{n}, {c}]",
        prompt=f"`y = {pooled.code}` on `x` of shape {tuple(pooled.batch.shape)}. If every value of the plane "
        f"`x[{n}, {c}]` changed (and the other planes stayed), which planes of `y` could change?",
        kind="choice",
        answer=answer,
        explanation=_bullets(lines),
        confusion="channels_separate",
        options=tuple(options),
        focus=(int(n), int(c)),
    )


Builder = Callable[[_Pooled, np.random.Generator], "Question | None"]


def _assemble(pooled: _Pooled, main: Builder, candidates: tuple[Builder, ...], seed: int, count: int):
    """The main question, then ``count`` of the candidates that apply, picked by ``seed``.

    Each builder has its own generator (from ``seed`` and its place in the list), so what one
    question picks never depends on which other questions apply.
    """
    questions = [builder(pooled, _child(seed, number)) for number, builder in enumerate(candidates, start=1)]
    return _pick(main(pooled, _child(seed, 0)), questions, seed, count)


def _child(seed: int, number: int) -> np.random.Generator:
    return np.random.default_rng([seed, number])


def _pick(main: Question, candidates: list[Question | None], seed: int, count: int) -> tuple[Question, ...]:
    applicable = [question for question in candidates if question is not None]
    chosen = np.random.default_rng(seed).choice(len(applicable), size=min(count, len(applicable)), replace=False)
    return (main, *(applicable[i] for i in sorted(chosen.tolist())))  # in the lecture's order


def _checked_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a whole number ≥ 0, but got seed={seed!r}")
    return int(seed)


# --- one generator per page --------------------------------------------------------------------------

_POOLED_CONFUSIONS = (_stride_default, _ceil_mode, _padding_value, _count_include_pad, _output_shape, _flat_indices,
                      _adaptive_bins)  # fmt: skip


def questions_1d(call: PoolCall, x: np.ndarray, seed: int, count: int = COUNT) -> tuple[Question, ...]:
    """The 1-D page's questions: the output of ``call`` on the sequence ``x`` (shape ``(L,)``), then
    ``count`` confusion questions among stride, ceil_mode, padding, count_include_pad, the
    output-size formula, return_indices and adaptive bins — those that apply to ``call``.

    ``x`` is run as the page runs it: one float32 channel, ``x[None]``. Raises the call's
    ``ValueError``/``TypeError`` when torch would refuse it.
    """
    return _plane_questions("pool_1d", call, x, 1, _checked_seed(seed), count)


def questions_2d(call: PoolCall, grid: np.ndarray, seed: int, count: int = COUNT) -> tuple[Question, ...]:
    """The 2-D page's questions: as :func:`questions_1d`, on a grid of shape ``(H, W)``."""
    return _plane_questions("pool_2d", call, grid, 2, _checked_seed(seed), count)


def _plane_questions(page: str, call: PoolCall, plane: np.ndarray, ndim: int, seed: int, count: int):
    plane = np.asarray(plane)
    if plane.ndim != ndim:
        raise ValueError(f"the {page} page pools a {ndim}-D input, but got shape {plane.shape}")
    batch = plane[None].astype(np.float32)  # (C=1, *spatial): one channel, unbatched, as the page runs it
    pooled = _pooled(page, call, batch, names_planes=False)
    return _assemble(pooled, _output_cells, _POOLED_CONFUSIONS, seed, count)


def questions_channels(call: PoolCall, x: np.ndarray, seed: int, count: int = COUNT) -> tuple[Question, ...]:
    """The Channels page's questions: the pooled plane ``y[n, c]`` of one ``(n, c)`` (picked by
    ``seed``) of ``x`` (N, C, H, W), then ``count`` among: ``y.shape``, pooling never mixes
    channels, indices per channel, stride, padding, count_include_pad."""
    pooled = _pooled("channels", call, _four_d(x), names_planes=True)
    candidates = (_output_shape, _channels_separate, _flat_indices, _stride_default, _padding_value,
                  _count_include_pad)  # fmt: skip
    return _assemble(pooled, _output_cells, candidates, _checked_seed(seed), count)


def questions_torch_api(call: PoolCall, x: np.ndarray, seed: int, count: int = COUNT) -> tuple[Question, ...]:
    """The torch API page's questions: ``y.shape`` of ``call`` (``F.max_pool2d``) on ``x`` (N, C, H, W),
    then ``count`` among: the values of one plane, stride, ceil_mode, padding, return_indices,
    pooling never mixes channels."""
    pooled = _pooled("torch_api", call, _four_d(x), names_planes=True)
    candidates = (_output_cells, _stride_default, _ceil_mode, _padding_value, _flat_indices, _channels_separate)
    return _assemble(pooled, _output_shape, candidates, _checked_seed(seed), count)


def _four_d(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x)
    if x.ndim != 4:
        raise ValueError(f"this page pools an N×C×H×W tensor, but got shape {x.shape}")
    return x


# --- the Invariance page ------------------------------------------------------------------------------

PERMUTATION_OPTIONS = ("no, every output stays the same", "yes, some outputs change")
TRANSLATION_OPTIONS = ("max_pool2d", "avg_pool2d", "both keep the same number")


def questions_invariance(
    grid: np.ndarray,
    kernel_size: int,
    seed: int,
    *,
    shuffle_seed: int | None = None,
    shift: int = 1,
    direction: str = "right",
    fill: str = "edge",
    count: int = COUNT,
) -> tuple[Question, ...]:
    """The Invariance page's questions, on its non-overlapping ``kernel_size × kernel_size`` cells.

    Main: shuffle inside each cell — does max_pool2d's output change? Then ``count`` among the
    same for avg_pool2d, shuffling across cells (max, avg), and which pooling keeps more
    outputs under the page's shift. Every answer is what :func:`ui.invariance.permutation_check`
    and :func:`ui.invariance.translate` compute on this grid, never what "should" happen.

    ``shuffle_seed`` is the seed of the shuffles the page shows (default ``seed``); ``shift``,
    ``direction`` and ``fill`` are the page's translation settings. A grid smaller than one cell
    raises :mod:`ui.invariance`'s ``ValueError``.
    """
    seed = _checked_seed(seed)
    shuffle_seed = seed if shuffle_seed is None else _checked_seed(shuffle_seed)
    check_result = invariance.permutation_check(grid, kernel_size, shuffle_seed)
    cells = invariance.pooling_cells(np.shape(grid), kernel_size).output_shape
    total = math.prod(cells)

    def permutation(method: str, where: str) -> Question:
        comparison = check_result.comparisons[method][where]
        function = invariance.METHOD_LABELS[method]
        answer = PERMUTATION_OPTIONS[0] if comparison.unchanged else PERMUTATION_OPTIONS[1]
        shuffled = ("inside each cell (values stay in their own cell)" if where == "inside"
                    else "across the cells (values move to other cells)")  # fmt: skip
        reduce = "maximum" if method == "max" else "mean"
        if where == "inside":
            why = f"the {reduce} of a cell does not depend on where each value sits inside it"
        else:
            why = f"a cell now holds other values, so its {reduce} changes, unless the new values give the same"
        outcome = f"here {comparison.count} of the {total} outputs changed (computed on this grid)"
        return Question(
            id=f"invariance:permutation:{method}:{where}",
            prompt=f"Shuffle the values of the grid {shuffled}, as the page does with seed {shuffle_seed}. Does "
            f"`{function}(x, {kernel_size})`'s output change?",
            kind="choice",
            answer=answer,
            explanation=_bullets([why, outcome]),
            confusion="permutation",
            options=PERMUTATION_OPTIONS,
        )

    def translation() -> Question:
        moved = invariance.translate(grid, kernel_size, shift, direction, fill)
        kept = {method: total - moved.comparisons[method].count for method in ("max", "avg")}
        if kept["max"] == kept["avg"]:
            answer = TRANSLATION_OPTIONS[2]
        else:
            answer = TRANSLATION_OPTIONS[0] if kept["max"] > kept["avg"] else TRANSLATION_OPTIONS[1]
        lines = [
            f"here max_pool2d keeps {kept['max']} and avg_pool2d keeps {kept['avg']} of the {total} outputs "
            "(computed on this grid)",
            "a max survives a small shift when the cell's maximum stays inside the cell and nothing larger moves in; "
            "a mean moves as soon as one value enters or leaves the cell, unless they happen to be equal",
        ]
        return Question(
            id=f"invariance:translation:{direction}:{shift}",
            prompt=f"Shift the grid {direction} by t = {shift} ({fill} fill), as the page does. Which pooling with "
            f"kernel_size={kernel_size} keeps more of its {total} outputs unchanged?",
            kind="choice",
            answer=answer,
            explanation=_bullets(lines),
            confusion="translation",
            options=TRANSLATION_OPTIONS,
        )

    candidates = [permutation("avg", "inside"), permutation("max", "across"), permutation("avg", "across"),
                  translation()]  # fmt: skip
    return _pick(permutation("max", "inside"), candidates, seed, count)


__all__ = ["Question", "Marking", "check", "same_number", "questions_1d", "questions_2d", "questions_channels",
           "questions_torch_api", "questions_invariance", "KINDS", "CONFUSIONS", "PAGES", "PADDING_OPTIONS",
           "PERMUTATION_OPTIONS", "TRANSLATION_OPTIONS", "as_cells", "cells_text"]  # fmt: skip
