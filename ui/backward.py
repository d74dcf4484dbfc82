"""The backward pass, step by step: where each output's gradient goes. No Streamlit here.

Training sends a gradient ``g = ∂L/∂y`` back through the pool. Output ``o`` depends only on the
cells of its window, so ``g[o]`` flows into that window: to its maximum (max pooling), spread
evenly (average pooling: ``g[o] / divisor`` each), or by the chain rule (Lp). Where windows
overlap, the contributions add up. Every number here is :mod:`pooling_core.grad`'s: the whole
gradient, and each output's share (the gradient of one output alone, a one-hot ``g``), so the
steps add up to the whole by construction, and nothing recomputes a window.

>>> import numpy as np
>>> from pooling_core import PoolCall
>>> x = np.array([1, 4, -1, 0, 2, -2, 1, 3, 3, 1], dtype=np.float32)
>>> flow = build(PoolCall("max_pool1d", {"kernel_size": 2}), x, np.ones(5, dtype=np.float32))
>>> flow.gradient.tolist()
[0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0]
>>> flow.reached(0)  # output 0's gradient goes to x[1] only
[((1,), 1.0)]
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import partial

import numpy as np

from pooling_core import PoolCall, grad
from pooling_core.animation import fmt
from ui import calls, questions, state
from ui import scene as scenes

UPSTREAMS = ("ones", "one-hot", "random integers", "typed")
UPSTREAM_FIELDS = ("upstream", "cell", "gradient_seed", "gradient")  # the page's fields that choose g
# Short: in 2-D the two panels' names sit side by side, on a phone in ~170 px each
LABELS = ("x.grad so far", "g = ∂L/∂y")
PREDICTING_LABELS = ("x: where does g go?", LABELS[1])


def upstream(kind: str, shape: tuple[int, ...], *, cell: int = 0, seed: int = 0, typed: str = "") -> np.ndarray:
    """The upstream gradient ``g`` of the output's ``shape`` (float32).

    ``ones`` (the gradient of ``y.sum()``), ``one-hot`` (1 at output ``cell``, row-major: where
    one output's gradient goes), ``random integers`` from −3 to 3 (``seed``), or ``typed``
    (numbers separated by spaces, rows by ``;``). Raises ``ValueError`` saying what is wrong.

    >>> upstream("one-hot", (2, 3), cell=4).tolist()
    [[0.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    >>> upstream("typed", (3,), typed="1 2")
    Traceback (most recent call last):
    ...
    ValueError: The typed gradient has 2 values; the output y has 3 cells (shape (3,)): type one number per output cell.
    """
    count = int(np.prod(shape))
    if kind == "ones":
        return np.ones(shape, dtype=np.float32)
    if kind == "one-hot":
        if not 0 <= cell < count:
            raise ValueError(f"The one-hot cell must be from 0 to {count - 1} (the output has {count} cells).")
        values = np.zeros(count, dtype=np.float32)
        values[cell] = 1
        return values.reshape(shape)
    if kind == "random integers":
        return np.random.default_rng(seed).integers(-3, 4, size=shape).astype(np.float32)
    if kind == "typed":
        tokens = [token for token in re.split(r"[\s,;]+", typed.strip()) if token]
        try:
            values = [float(token.replace("−", "-")) for token in tokens]
        except ValueError:
            bad = next(token for token in tokens if not _is_number(token))
            raise ValueError(f'"{bad}" is not a number: type the gradient as numbers, e.g. 1 0 2.') from None
        if len(values) != count:
            raise ValueError(
                f"The typed gradient has {len(values)} values; the output y has {count} cells (shape {shape}): "
                "type one number per output cell."
            )
        return np.array(values, dtype=np.float32).reshape(shape)
    raise ValueError(f"upstream must be one of {', '.join(UPSTREAMS)}, but got {kind!r}")


@dataclass(frozen=True)
class Upstream:
    """Which upstream gradient the page sends back (see :func:`upstream`), and how it is named.

    >>> Upstream("one-hot", cell=3).words, Upstream("random integers", seed=7).file_word
    ('one-hot at output 3', 'random7')
    """

    kind: str
    cell: int = 0
    seed: int = 0
    typed: str = ""

    @classmethod
    def of(cls, values: dict, shape: tuple[int, ...]) -> Upstream:
        """The page's fields (``upstream``, ``cell``, ``gradient_seed``, ``gradient``) for an output
        of ``shape``; a one-hot cell past the output's last is cell 0, as the page's box puts it.

        >>> Upstream.of({"upstream": "one-hot", "cell": 9}, (2, 2))
        Upstream(kind='one-hot', cell=0, seed=0, typed='')
        """
        values = calls.with_defaults("backward", values)
        cell = int(values["cell"])
        cell = cell if 0 <= cell < int(np.prod(shape)) else state.field("backward", "cell").default
        return cls(values["upstream"], cell, int(values["gradient_seed"]), values["gradient"])

    def gradient(self, shape: tuple[int, ...]) -> np.ndarray:
        return upstream(self.kind, shape, cell=self.cell, seed=self.seed, typed=self.typed)

    @property
    def words(self) -> str:
        return {"one-hot": f"one-hot at output {self.cell}", "random integers": f"random integers (seed {self.seed})",
                "typed": "typed"}.get(self.kind, self.kind)  # fmt: skip

    @property
    def file_word(self) -> str:
        return {"one-hot": f"onehot{self.cell}", "random integers": f"random{self.seed}"}.get(self.kind, self.kind)


def _is_number(token: str) -> bool:
    try:
        float(token.replace("−", "-"))
    except ValueError:
        return False
    return True


def forward_call(call: PoolCall) -> PoolCall:
    """The call the page steps through and sends the gradient back through: without
    ``return_indices`` (its backward is y's alone, the indices get none)."""
    return call.with_arguments(return_indices=False) if "return_indices" in call.arguments else call


def gradient_function(call: PoolCall):
    """``pooling_core.grad.<function>_input``: the call's backward."""
    return getattr(grad, f"{call.function}_input")


@dataclass(frozen=True)
class Flow:
    """The gradient of one call on one plane, and each output's share of it."""

    call: PoolCall
    plane: np.ndarray  # the input x, (L,) or (H, W)
    upstream: np.ndarray  # g = ∂L/∂y, the output's shape
    gradient: np.ndarray  # ∂L/∂x = x.grad, the input's shape
    shares: tuple[np.ndarray, ...]  # per output cell (row-major): what its g sends back to x

    def so_far(self, step: int) -> np.ndarray:
        """``x.grad`` after the first ``step + 1`` outputs have sent their gradient back."""
        return np.sum(self.shares[: step + 1], axis=0) if self.shares else np.zeros_like(self.gradient)

    def reached(self, step: int) -> list[tuple[tuple[int, ...], float]]:
        """The input cells output ``step`` sends gradient to, with how much, in scan order."""
        share = self.shares[step]
        return [(tuple(int(i) for i in index), float(share[index])) for index in zip(*np.nonzero(share), strict=True)]

    def output_index(self, step: int) -> tuple[int, ...]:
        return tuple(int(i) for i in np.unravel_index(step, self.upstream.shape))


def build(call: PoolCall, plane: np.ndarray, upstream: np.ndarray) -> Flow:
    """The gradient of ``call`` on ``plane`` for the upstream gradient ``upstream`` (raises the
    call's ``ValueError``/``TypeError`` when torch would refuse it)."""
    backward = gradient_function(call)
    x = np.asarray(plane, dtype=np.float32)[None]  # (C=1, *spatial)
    arguments = dict(call.arguments)
    g = np.asarray(upstream, dtype=np.float32)
    total = backward(x, g[None], **arguments)[0]
    shares = []
    for flat in range(g.size):
        one = np.zeros(g.size, dtype=np.float32)
        one[flat] = g.ravel()[flat]
        shares.append(backward(x, one.reshape(g.shape)[None], **arguments)[0])
    return Flow(call, x[0], g, total, tuple(shares))


def _where(index: tuple[int, ...]) -> str:
    return str(index[0]) if len(index) == 1 else "(" + ", ".join(map(str, index)) + ")"


def sentence(flow: Flow, step: int) -> tuple[str, str]:
    """The step's arithmetic line and sentence: where output ``step``'s gradient goes."""
    index = flow.output_index(step)
    g = float(flow.upstream[index])
    reached = flow.reached(step)
    kind = flow.call.kind
    so_far = flow.so_far(step)
    after = "; ".join(f"x.grad[{_where(cell)}] = {fmt(so_far[cell])}" for cell, _ in reached)
    if not reached:
        arithmetic = f"∂L/∂y[{_where(index)}] = {fmt(g)}: nothing flows back"
        text = (f"Output {_where(index)} has gradient {fmt(g)}" + (", so it sends nothing back." if g == 0 else
                ", but no input cell of its window can pass it on (it reads only padding)."))  # fmt: skip
        return arithmetic, text
    if kind in ("max", "adaptive_max", "fractional_max"):
        (cell, amount), *_ = reached
        arithmetic = f"x.grad[{_where(cell)}] += {fmt(amount)}"
        text = (f"Output {_where(index)} was the maximum x[{_where(cell)}] = {fmt(flow.plane[cell])} of its window, "
                f"so all of its gradient {fmt(g)} goes there and nowhere else: {after}.")  # fmt: skip
    elif kind in ("avg", "adaptive_avg"):
        amounts = {round(amount, 6) for _, amount in reached}
        each = fmt(reached[0][1]) if len(amounts) == 1 else "its share"
        cells = ", ".join(_where(cell) for cell, _ in reached)
        arithmetic = f"{fmt(g)} spread over {len(reached)} cells: x.grad[{cells}] += {each}"
        text = (f"Output {_where(index)} is an average, so its gradient {fmt(g)} is shared by the cells it averaged "
                f"(divided by the window's divisor): {after}.")  # fmt: skip
    else:
        cells = ", ".join(f"x.grad[{_where(cell)}] += {fmt(amount)}" for cell, amount in reached)
        arithmetic = cells
        text = (f"Output {_where(index)} is (Σ xᵖ)^(1/p): by the chain rule each cell gets "
                f"g · (x_i / y)^(p−1): {after}.")  # fmt: skip
    return arithmetic, text


def question_sentence(flow: Flow, step: int) -> tuple[str, str]:
    """Predict mode's step line: which gradient arrives at output ``step``, not where it goes."""
    index = flow.output_index(step)
    g = fmt(float(flow.upstream[index]))
    return (f"∂L/∂y[{_where(index)}] = {g} → ?",
            f"Output {_where(index)} sends its gradient {g} back into its window: which cells of x get it, "
            "and how much?")  # fmt: skip


MAX_STEPS_EXPLAINED = 12  # worked steps listed after Reveal (a long input has many)


def questions_backward(flow: Flow, upstream_words: str) -> tuple[questions.Question, ...]:
    """Predict mode's questions: ``x.grad`` itself, cell by cell (rows in 2-D), then for a max
    pool how many cells of x get no gradient at all. ``upstream_words`` names g (``"ones"``).

    >>> import numpy as np
    >>> from pooling_core import PoolCall
    >>> x = np.array([1, 4, -1, 0, 2, -2, 1, 3, 3, 1], dtype=np.float32)
    >>> flow = build(PoolCall("max_pool1d", {"kernel_size": 2}), x, np.ones(5, np.float32))
    >>> [(q.id, q.answer_text) for q in questions_backward(flow, "ones")]
    [('backward:gradient:x.grad', '0 1 0 1 1 0 0 1 1 0'), ('backward:gradient:zeros', '5')]
    """
    code = flow.call.functional_code().removeprefix("F.")
    one_d = flow.plane.ndim == 1
    cells, g_typed = questions.as_cells(flow.gradient), questions.cells_text(questions.as_cells(flow.upstream))
    worked = [f"step {step + 1}: {sentence(flow, step)[0]}" for step in range(len(flow.shares))]
    if len(worked) > MAX_STEPS_EXPLAINED:
        worked = worked[:MAX_STEPS_EXPLAINED] + [f"… and {len(worked) - MAX_STEPS_EXPLAINED} more"]
    kind = flow.call.kind
    rule = {
        "max": "a max output copies one input cell, so all of its gradient goes to that cell (the first maximum "
               "of a tie, as torch's indices say) and none to the others",
        "avg": "an average output is shared by the cells it averaged: each gets g / divisor",
    }.get(kind.removeprefix("adaptive_"), "each cell gets g · ∂y/∂x_i, by the chain rule")  # fmt: skip
    rows = "; end each row with `;`" if not one_d else ""
    asked = [questions.Question(
        id="backward:gradient:x.grad",
        prompt=f"`y = {code}` and `y.backward(g)` with g = {upstream_words} (`{g_typed}`). "
               f"Predict `x.grad = ∂L/∂x`: type one number per cell of x, separated by spaces{rows}.",
        kind="cells", answer=cells, target="x.grad", confusion="gradient",
        explanation=f"- {rule}\n- where windows overlap, the shares add up; a cell no window reads gets 0\n\n"
                    + "  \n".join(worked),
    )]  # fmt: skip
    if kind in ("max", "adaptive_max"):
        zeros = int(np.count_nonzero(flow.gradient == 0))
        asked.append(questions.Question(
            id="backward:gradient:zeros",
            prompt=f"How many of the {flow.gradient.size} cells of x get **no** gradient from `{code}`?",
            kind="number", answer=zeros, confusion="gradient",
            explanation=f"only each window's winner gets gradient: {flow.gradient.size - zeros} cells won at least "
                        f"one window (with g ≠ 0 there), the other {zeros} get 0. This is why max pooling's "
                        "gradient is sparse.",
        ))  # fmt: skip
    return tuple(asked)


def variant(scene: scenes.Scene, flow: Flow, given: Upstream, *, predicting: bool = False) -> scenes.Variant:
    """The page's picture per step: x.grad so far (after outputs ``0 … step`` sent their
    gradient back) under the window of output ``step``, beside g; on one colour scale for both.
    ``predicting`` (predict mode, before Reveal): x itself under the window, the step line asking
    where g goes (:func:`question_sentence`).

    >>> import numpy as np
    >>> from pooling_core import PoolCall
    >>> call, x = PoolCall("max_pool1d", {"kernel_size": 2}), np.array([1, 4, -1, 0], dtype=np.float32)
    >>> told = variant(scenes.build(call, x), build(call, x, np.ones(2, np.float32)), Upstream("ones"))
    >>> told.at(0).inputs.tolist(), told.at(1).inputs.tolist()
    ([[0.0, 1.0, 0.0, 0.0]], [[0.0, 1.0, 0.0, 1.0]])
    >>> told.title
    'x.grad after y.backward(g): y = max_pool1d(x, kernel_size=2), g = ones'
    """
    if predicting:  # a max pool's picked cell is where its gradient goes: an answer, so not drawn
        scene = dataclasses.replace(scene, overlays=tuple(dataclasses.replace(o, chosen=None) for o in scene.overlays))
    one_d = scene.one_d
    outputs = flow.upstream[None, :] if one_d else flow.upstream
    value_range = scenes.value_range(flow.plane if predicting else flow.gradient, flow.upstream)

    def at(step: int) -> scenes.Scene:
        cells = flow.plane if predicting else flow.so_far(step)
        return dataclasses.replace(scene, inputs=cells[None, :] if one_d else cells, outputs=outputs,
                                   value_range=value_range)  # fmt: skip

    return scenes.Variant(
        base=scene, at=at, sentence=partial(question_sentence if predicting else sentence, flow),
        labels=PREDICTING_LABELS if predicting else LABELS,
        title=f"x.grad after y.backward(g): y = {scene.title}, g = {given.words}",
        file_call=flow.call, file_extra=("backward", given.file_word),
    )  # fmt: skip


def torch_code(flow: Flow, input_code: str, *, hide_result: bool = False) -> str:
    """What torch does, in code: requires_grad, the call, backward with g, and x.grad."""
    g = flow.upstream[None].tolist()
    return "\n".join([
        "import torch",
        "import torch.nn.functional as F",
        "",
        input_code,
        "x.requires_grad_()",
        f"y = {flow.call.functional_code()}",
        f"g = torch.tensor({g!r})  # the upstream gradient ∂L/∂y",
        "y.backward(g)",
        "x.grad  # ?" if hide_result else
        f"x.grad  # {' '.join(fmt(v).replace('−', '-') for v in flow.gradient.ravel()[:20])}"
        + (" …" if flow.gradient.size > 20 else ""),
    ])  # fmt: skip
