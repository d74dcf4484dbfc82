"""Renderers shared by the pages: numbers as text, the output-size formula, the animated window
with its step controls, the torch badge and the code panel."""

from __future__ import annotations

import numpy as np
import streamlit as st

from pooling_core import PoolCall
from pooling_core.animation import Step, fmt, pool_steps
from pooling_core.codegen import argument_order_note, tensor_code
from ui import state
from ui.figures import window_figure


def show_notices_in(area, notices: list[str]) -> None:
    """Bad values from a shared link: said once, where the page starts."""
    for notice in notices:
        area.warning(notice, icon="🔗")


def values_text(values: np.ndarray) -> str:
    """``4 0 2 3 3`` for 1-D, one line per row for 2-D."""
    values = np.asarray(values)
    if values.ndim == 1:
        return " ".join(fmt(v).replace("−", "-") for v in values)  # ASCII minus: pastes into code
    return "\n".join(values_text(row) for row in values)


def numbers(label: str, values: np.ndarray) -> None:
    """Values on the page as text (copyable, readable by screen readers), not only in a chart."""
    st.markdown(f"**{label}** · shape `{tuple(np.shape(values))}`")
    st.code(values_text(values), language=None, wrap_lines=True)


def output_size_formula(call: PoolCall, spatial: tuple[int, ...]) -> list[str]:
    """The output-size formula with the user's numbers, one line per axis."""
    return call.windows(tuple(spatial)).formulas()


def current_step(count: int) -> int:
    """The animation step from the URL (``?step=``), clamped to the steps that exist."""
    raw = st.query_params.get(state.STEP, "0")
    try:
        step = int(raw)
    except ValueError:
        st.warning(f"step={raw} from the link is not a whole number; showing the first step.", icon="🔗")
        step = 0
    return min(max(step, 0), max(count - 1, 0))


def _set_step(step: int) -> None:
    st.query_params[state.STEP] = str(step)


def animation(plane: np.ndarray, call: PoolCall, *, key: str) -> list[Step]:
    """The animated window, step buttons, and the step described in words."""
    call = call.with_arguments(return_indices=False) if "return_indices" in call.arguments else call
    steps = pool_steps(call, plane)
    windows = call.windows(plane.shape)
    result = np.array([s.result for s in steps]).reshape(
        tuple(max(index) + 1 for index in zip(*(s.output_index for s in steps), strict=True))
    )
    step = current_step(len(steps))
    dropped_windows = windows.dropped_windows()
    dropped = dropped_windows[0] if plane.ndim == 1 and dropped_windows else None
    padding = tuple(axis.padding for axis in windows.axes)
    figure = window_figure(plane, result, steps, is_max=call.is_max, step=step,
                           dropped_window=dropped, show_text=plane.size <= 1024, padding=padding)  # fmt: skip
    # theme=None: Streamlit's chart theme is merged into the figure in the browser at every
    # redraw; without it a parameter change on /pool_2d updates in ~100 ms instead of ~145 ms
    # (benchmarks/bench_app.py). The figure sets its own colours and font instead.
    st.plotly_chart(
        figure, key=f"{key}_figure", config={"displayModeBar": False, "scrollZoom": False}, theme=None,
        alt=f"Sliding window animation with {len(steps)} steps; the current step is described below.",
    )  # fmt: skip
    back, label, forward = st.columns([1, 6, 1], vertical_alignment="center")
    back.button("◀ step", key=f"{key}_back", on_click=_set_step, args=(max(step - 1, 0),), disabled=step == 0,
                use_container_width=True)  # fmt: skip
    forward.button("step ▶", key=f"{key}_forward", on_click=_set_step, args=(min(step + 1, len(steps) - 1),),
                   disabled=step >= len(steps) - 1, use_container_width=True)  # fmt: skip
    label.markdown(f"**Step {step + 1} of {len(steps)}.** {steps[step].description}")
    if dropped:
        st.info(
            "ceil_mode=True would add one more window here, but it would start in the right padding, "
            "so torch drops it (dashed outline).",
            icon="✂️",
        )
    with st.expander("Every step as text"):
        st.markdown("\n".join(f"{i + 1}. {s.description}" for i, s in enumerate(steps)))
    return steps


@st.cache_data(max_entries=32, show_spinner=False)
def _compare(function: str, arguments: dict, batch: np.ndarray):
    """Cached per call and input: reruns that only move the animation step or a crop do not
    ask torch again (a full-size image comparison costs ~0.2 s of both cores)."""
    from pooling_core.reference import compare  # imports torch on first use

    return compare(function, batch, **arguments)


def torch_badge(call: PoolCall, batch: np.ndarray) -> None:
    """Run the same call through torch and say whether it matches."""
    check = _compare(call.function, call.arguments, batch)
    if check.equal and not check.our_error:
        st.success(f"✅ {check.summary} (torch.nn.functional.{call.function})")
    elif check.equal:
        st.info(f"torch rejects this call too: {check.torch_error}")
    else:
        st.error(f"❌ {check.summary}. Differing cells: {check.differing[:10]}")


def code_panel(call: PoolCall, batch: np.ndarray) -> None:
    """The torch code for the current state, in both forms."""
    st.code(call.script(tensor_code(batch)), language="python", wrap_lines=True)
    note = argument_order_note(call.function)
    if note:
        st.caption(note)


def pooled_view(plane: np.ndarray, chosen, error_area, *, input_label: str, indices_label: str, key: str) -> None:
    """The body shared by the 1-D and 2-D pages: one core call on ``plane`` as a single channel,
    then the formula, the animated window, the numbers, the torch badge and the code.

    ``chosen`` is what ``controls.pooling_controls_*`` returned; an invalid call shows torch's
    rule next to the controls (``error_area``) and in the page, and stops the page there.
    """
    batch = plane[None].astype(np.float32)  # (C=1, *spatial): one channel, unbatched, as torch takes it
    try:
        result = chosen.call.run(batch)
    except (ValueError, TypeError) as error:
        error_area.error(f"torch's rule: {error}", icon="✋")
        st.error(f"These parameters are not valid: {error}", icon="✋")
        st.stop()
    values, indices = result if isinstance(result, tuple) else (result, None)
    for line in output_size_formula(chosen.call, plane.shape):
        st.markdown(f"`{line}`")
    animation(batch[0], chosen.call, key=key)
    left, right = st.columns(2)
    with left:
        numbers(input_label, batch[0])
        numbers("output", values[0])
        if indices is not None:
            numbers(indices_label, indices[0])
    with right:
        torch_badge(chosen.call, batch)
        code_panel(chosen.call, batch)
