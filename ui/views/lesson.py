"""The body every pooling page shares: the formula, the window stepping through the input, the
numbers, the torch badge and the code.

The step lives in the page's state (``step``, in the URL as ``?step=``). The figure, the step
buttons, the scrubber, the step sentence and "Every step as text" are one ``st.fragment``, so a
step reruns only them and they can never disagree; ▶ Play advances the same step on a timer
(the fragment's ``run_every``), so a played frame is as shareable as a stepped one.
"""

from __future__ import annotations

import hashlib
import html
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import streamlit as st

from pooling_core import PoolCall
from pooling_core.animation import fmt
from pooling_core.codegen import tensor_code
from ui import advice, questions
from ui import scene as scenes
from ui.figures.plain import PlainFigure
from ui.figures.planes import planes_figure
from ui.figures.window import window_figure
from ui.palette import palette
from ui.scene import Scene
from ui.views import code, downloads, quiz
from ui.views.page import Page, sync_url

SPEEDS = {"0.5×": 1.2, "1×": 0.6, "2×": 0.3, "4×": 0.15}  # seconds per step
CHART_CONFIG = {"displayModeBar": False, "scrollZoom": False, "doubleClick": False}


def values_text(values: np.ndarray) -> str:
    """``4 0 2 3 3`` for 1-D, one line per row for 2-D."""
    values = np.asarray(values)
    if values.ndim == 1:
        return " ".join(fmt(v).replace("−", "-") for v in values)  # ASCII minus: pastes into code
    return "\n".join(values_text(row) for row in values)


def numbers(label: str, values: np.ndarray, as_text: Callable[[np.ndarray], str] = values_text) -> None:
    """Values on the page as text (copyable, readable by screen readers), not only in a chart;
    ``as_text`` writes them (a volume: slice by slice)."""
    code.block(as_text(values), label=f"**{label}** · shape `{tuple(np.shape(values))}`")


def formula(call: PoolCall, shape: tuple[int, ...], *, hide_result: bool = False) -> None:
    """The output-size rule with this call's numbers, one line per axis (from the call's windows);
    ``hide_result`` leaves the result to predict (``= ?``)."""
    lines = []
    for line in call.windows(shape).formulas():
        if hide_result:  # "L_out = ⌊…⌋ + 1 = 5 → 4 (…)" → "L_out = ⌊…⌋ + 1 = ?"; "W_out = 3 bins over …" → "W_out = ?"
            line = (
                line.split(" = ")[0] + " = ?"
                if "bins over" in line
                else line.split(" → ")[0].rsplit(" = ", 1)[0] + " = ?"
            )
        lines.append(f"`{line}`")
    st.markdown("  \n".join(lines))  # one element, an axis a line (less space between them on a projector)


def fingerprint(*values) -> str:
    """A short key for cached results: arrays by their bytes, the rest by ``repr``.

    ``st.cache_data`` hashes its arguments itself, but generically: ~0.7 ms per call for a call
    and a small array, on every rerun of every session. This costs a few microseconds.
    """
    digest = hashlib.blake2b(digest_size=16)
    for value in values:
        if isinstance(value, np.ndarray):
            digest.update(f"{value.dtype}{value.shape}".encode())
            digest.update(np.ascontiguousarray(value).tobytes())
        elif isinstance(value, dict):
            digest.update(fingerprint(*sorted(value.items(), key=lambda item: item[0])).encode())
        elif isinstance(value, tuple) and any(isinstance(item, np.ndarray) for item in value):
            digest.update(fingerprint(*value).encode())
        else:
            digest.update(repr(value).encode())
        digest.update(b"|")
    return digest.hexdigest()


def scene_of(call: PoolCall, plane: np.ndarray) -> Scene:
    """Cached per call and input: a step, a theme change or a page switch does not rebuild it."""
    return _scene(fingerprint(call.function, call.arguments, plane), call, plane)


@st.cache_data(max_entries=64, show_spinner=False)
def _scene(key: str, _call: PoolCall, _plane: np.ndarray) -> Scene:
    return scenes.build(_call, _plane)


# --- the step panel -------------------------------------------------------------------------


def _set_step(page: Page, step: int) -> None:
    page.set("step", max(int(step), 0))


def _scrubbed(page: Page) -> None:
    page.set("step", int(st.session_state[page.private("scrub")]) - 1)


def _toggle_play(page: Page, last: int) -> None:
    playing = not st.session_state.get(page.private("playing"), False)
    if playing and page.value("step") >= last:  # play from the start when at the end
        page.set("step", 0)
    st.session_state[page.private("playing")] = playing
    st.session_state[page.private("last_tick")] = time.monotonic()


@dataclass(frozen=True)
class StepView:
    """What a page draws at each step, when it is not the forward window of ``scene`` (the
    Backward page draws where the gradient goes, the 3-D page a row of slices, ...).

    ``figure(step)`` returns the Plotly figure; ``sentence(step)`` the step's ``(arithmetic,
    sentence)``. The steps are still the scene's (one per output cell), with its controls.
    ``export`` is what the page's PNG and GIF draw from the same data (a :class:`ui.scene.Variant`,
    a :class:`ui.volume.VolumeScene`): the forward window of the scene would be another picture.
    """

    figure: Callable[[int], object]
    sentence: Callable[[int], tuple[str, str]]
    export: object | None = None


def step_panel(page: Page, scene: Scene, *, show_outputs: bool = True, view: StepView | None = None,
               notes: Callable[[], None] | None = None) -> None:  # fmt: skip
    """The window at the page's step, its controls and its sentence (one fragment). ``notes``
    (the formula, a page's remarks on the call) go above the figure, and on a slide under it:
    on a projector the figure comes first."""
    if notes is not None and not page.presenting:
        notes()
    playing = st.session_state.get(page.private("playing"), False)
    speed = SPEEDS.get(st.session_state.get(page.private("speed"), "1×"), SPEEDS["1×"])
    interval = speed if playing else None
    st.fragment(_step_fragment, run_every=interval)(page, scene, show_outputs, interval, view)
    if notes is not None and page.presenting:
        notes()


def _step_fragment(page: Page, scene: Scene, show_outputs: bool, interval: float | None,
                   view: StepView | None = None) -> None:  # fmt: skip
    session = st.session_state
    playing = session.get(page.private("playing"), False)
    if playing != (interval is not None):  # Play or Pause was pressed: the timer changes with a full run
        st.rerun(scope="app")
    count = scene.step_count
    step = scene.clamp(page.value("step"))
    if playing:  # a tick of the timer (or a click while playing): advance once per interval
        now = time.monotonic()
        if now - session.get(page.private("last_tick"), 0.0) >= 0.8 * interval:
            session[page.private("last_tick")] = now
            step = scene.clamp(step + 1)
        if step >= count - 1:
            session[page.private("playing")] = False
    page.set("step", step)
    overlay = scene.overlays[step]

    if view is not None:
        figure = view.figure(step)
    else:
        figure = window_figure(scene, step, page.palette, show_outputs=show_outputs, width_px=page.figure_width,
                               max_height_px=360 if page.presenting else 640)  # fmt: skip
    st.plotly_chart(
        figure, key=page.private("figure"), config=CHART_CONFIG, theme=None,
        alt=f"The window at step {step + 1} of {count}; the step is described below.",
    )  # fmt: skip
    if view is not None:
        arithmetic, description = view.sentence(step)
    else:
        arithmetic = overlay.arithmetic if show_outputs else overlay.arithmetic.rsplit(" = ", 1)[0] + " = ?"
        description = overlay.description if show_outputs else _hide_result(overlay.description, overlay.arithmetic)
    st.markdown(
        f'<div class="pooling-step" role="status" aria-live="polite"><b>Step {step + 1} of {count}.</b> '
        f'<span class="arithmetic">{html.escape(arithmetic)}</span><br>{html.escape(description)}</div>',
        unsafe_allow_html=True,
    )
    with st.container(horizontal=True, gap="small", key=page.private("steps")):  # one row, phones included
        st.button("◀ step", key=page.private("back"), on_click=_set_step, args=(page, step - 1), shortcut="ArrowLeft",
                  width="stretch", help="Previous step (←)")  # fmt: skip
        st.button("⏸ Pause" if session.get(page.private("playing")) else "▶ Play", key=page.private("play"),
                  on_click=_toggle_play, args=(page, count - 1), width="stretch",
                  help="Step through every output on a timer")  # fmt: skip
        st.button("step ▶", key=page.private("forward"), on_click=_set_step, args=(page, min(step + 1, count - 1)),
                  shortcut="ArrowRight", width="stretch", help="Next step (→)")  # fmt: skip
        st.selectbox("speed", tuple(SPEEDS), index=1, key=page.private("speed"), label_visibility="collapsed",
                     width=110)  # fmt: skip
    if count > 1 and not page.presenting:  # on a projector: the buttons and the keys
        session[page.private("scrub")] = step + 1
        st.slider("step", 1, count, key=page.private("scrub"), on_change=_scrubbed, args=(page,),
                  help="Drag to any step; the link follows.")  # fmt: skip
    exported = scene if view is None else view.export  # a page's own picture exports its own subject
    if exported is not None:
        downloads.buttons(page, exported, step, show_outputs=show_outputs)
    if scene.dropped:
        many = len(scene.dropped) > 1
        st.info(
            f"ceil_mode=True would add {'a row or column of windows' if many else 'one more window'} here, but "
            f"{'they' if many else 'it'} would start in the right padding, so torch drops "
            f"{'them' if many else 'it'} (dash-dot outline).",
            icon="✂️",
        )
    # Written only while open (a rerun opens it): every step's sentence on every rerun measured
    # ~3 ms of the browser's work per slider change, for a list most never open
    steps_text = st.expander("Every step as text", key=page.private("steps_text"), on_change="rerun")
    if steps_text.open:
        lines = []
        for i, each in enumerate(scene.overlays):
            if view is not None:
                text = view.sentence(i)[1]
            else:
                text = each.description if show_outputs else _hide_result(each.description, each.arithmetic)
            lines.append(f"{i + 1}. **{text} ← now**" if i == step else f"{i + 1}. {text}")
        steps_text.markdown("\n".join(lines))
    sync_url()


def variant_panel(page: Page, told: scenes.Variant, asked: tuple[questions.Question, ...] | None = None) -> None:
    """A page's own picture per step (the Backward and Unpooling pages: a :class:`ui.scene.Variant`)
    with the step panel's controls, sentence and downloads, then predict mode's questions."""

    def figure(step: int):
        return window_figure(told.at(step), step, page.palette, width_px=page.figure_width, every_output=True,
                             titles=told.labels)  # fmt: skip

    step_panel(page, told.base, view=StepView(figure=figure, sentence=told.sentence, export=told))
    if asked is not None:
        quiz.panel(page, asked)


def _hide_result(description: str, arithmetic: str) -> str:
    """The sentence without its answer (predict mode)."""
    shown = arithmetic.rsplit(" = ", 1)[0] + " = ?"
    text = description.replace(arithmetic, shown)
    return text.split(" The maximum is at")[0]


# --- the invalid call, the badge, the code -------------------------------------------------------------


def invalid_call(page: Page, call: PoolCall | None, plane: np.ndarray, problem: str, batch_shape, *,
                 torch_refused: bool | None = None) -> None:  # fmt: skip
    """A call torch refuses, or a value that cannot be read: said once, with a value that works,
    right under the controls (a tall figure below would push it off the screen); the input stays
    drawn under it. ``torch_refused`` (default: a call was made) prefixes torch's rule as such."""
    hint = advice.suggestion(call, batch_shape, ValueError(problem)) if call is not None else None
    refused = call is not None if torch_refused is None else torch_refused
    st.error(("torch's rule: " if refused else "") + problem + (f" — {hint}." if hint else ""), icon="✋")
    shown = call or PoolCall("max_pool1d" if plane.ndim == 1 else "max_pool2d", {"kernel_size": 1})
    figure = window_figure(scenes.input_only(shown, plane), 0, page.palette)
    st.plotly_chart(figure, key=page.private("figure"), config=CHART_CONFIG, theme=None,
                    alt="The input; these parameters give no output.")  # fmt: skip


def _compare(function: str, arguments: dict, batch: np.ndarray):
    """Cached per call and input: reruns that only move the step or a crop do not ask torch
    again (a full-size image comparison costs ~0.2 s of both cores)."""
    return _compared(fingerprint(function, arguments, batch), function, arguments, batch)


@st.cache_data(max_entries=32, show_spinner=False)
def _compared(key: str, function: str, _arguments: dict, _batch: np.ndarray):
    from pooling_core.reference import compare  # imports torch on first use

    return compare(function, _batch, **_arguments)


def _compare_gradient(function: str, arguments: dict, batch: np.ndarray, gradient: np.ndarray):
    """Cached like :func:`_compare`: the gradient against torch's autograd."""
    return _compared_gradient(fingerprint(function, arguments, batch, gradient), function, arguments, batch, gradient)


@st.cache_data(max_entries=32, show_spinner=False)
def _compared_gradient(key: str, function: str, _arguments: dict, _batch: np.ndarray, _gradient: np.ndarray):
    from pooling_core.reference import compare_grad  # imports torch on first use

    return compare_grad(function, _batch, _gradient, **_arguments)


def torch_badge(call: PoolCall, batch: np.ndarray, *, gradient: np.ndarray | None = None) -> None:
    """Run the same call through torch and say whether it matches (with ``gradient``: the
    backward of the call for that upstream gradient, against torch's autograd)."""
    if gradient is not None:
        check = _compare_gradient(call.function, call.arguments, batch, gradient)
        if check.equal and not check.our_error:
            how = "exactly" if check.bit_exact else f"within {check.summary.split('within ')[-1].rstrip(')')}"
            st.success(
                f"✅ matches torch autograd {how} (x.grad after y.backward(g), torch.nn.functional.{call.function})"
            )
            return
    else:
        check = _compare(call.function, call.arguments, batch)
    if check.equal and not check.our_error:
        st.success(f"✅ {check.summary} (torch.nn.functional.{call.function})")
    elif check.equal:
        st.info(f"torch rejects this call too: {check.torch_error}")
    else:
        st.error(f"❌ {check.summary}. Differing cells: {check.differing[:10]}")


def code_panel(call: PoolCall, batch: np.ndarray) -> None:
    """The torch code for the current state, in both forms."""
    code.block(call.script(tensor_code(batch)), "python")  # with the argument-order trap


def _questions(page: Page, call: PoolCall, plane: np.ndarray):
    """Predict mode's questions about ``call`` on ``plane`` (None when not predicting)."""
    if not page.predicting:
        return None
    ask = questions.questions_1d if plane.ndim == 1 else questions.questions_2d
    return ask(call, plane, quiz.seed())


def pooled_view(page: Page, plane: np.ndarray, chosen, *, input_label: str, indices_label: str) -> None:
    """The body shared by the 1-D and 2-D pages: one core call on ``plane`` as a single channel,
    then the formula, the window step by step, the numbers, the torch badge and the code.

    ``chosen`` is what ``controls.pooling_controls_*`` returned. A value typed wrong, or a call
    torch refuses, keeps the input on screen and says why once.
    """
    batch = plane[None].astype(np.float32)  # (C=1, *spatial): one channel, unbatched, as torch takes it
    if chosen.call is None:
        invalid_call(page, None, plane, " ".join(chosen.problems), batch.shape)
        return
    try:
        result = chosen.call.run(batch)
    except (ValueError, TypeError) as error:
        invalid_call(page, chosen.call, plane, str(error), batch.shape)
        return
    values, indices = result if isinstance(result, tuple) else (result, None)
    asked = _questions(page, chosen.call, plane)
    hide = quiz.hidden(page, asked)
    step_panel(page, scene_of(chosen.call, batch[0]), show_outputs=not hide,
               notes=lambda: formula(chosen.call, batch.shape, hide_result=hide))  # fmt: skip
    if asked is not None:
        quiz.panel(page, asked)
    left, right = st.columns(2)
    with left:
        numbers(input_label, batch[0])
        if not hide:
            numbers("output", values[0])
            if indices is not None:
                numbers(indices_label, indices[0])
    with right:
        torch_badge(chosen.call, batch)
        code_panel(chosen.call, batch)


@st.cache_data(max_entries=64, show_spinner=False)
def _planes_spec(x: np.ndarray, y: np.ndarray | None, theme: str, plane_height: int) -> dict:
    """The planes figure as a plain spec, shared by every session with the same tensor and call."""
    return planes_figure(x, y, palette(theme), plane_height=plane_height).to_plotly_json()


def planes_chart(page: Page, x: np.ndarray, y: np.ndarray | None, *, area=None) -> None:
    """Every (n, c) plane of ``x`` beside its pooled plane (``y=None``: not drawn, predict mode)."""
    spec = _planes_spec(x, y, page.palette.name, 150 if page.presenting else 210)
    (area or st).plotly_chart(PlainFigure(spec), config={"displayModeBar": False}, key="planes", theme=None)
