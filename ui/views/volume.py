"""The 3-D page's parts: the volume's controls, ``max_pool3d`` / ``avg_pool3d`` with every parameter,
and the body — the formula per axis, the row of slices stepped like 2-D, the numbers slice by slice,
the torch badge and the code."""

from __future__ import annotations

import numpy as np
import streamlit as st

from pooling_core import PoolCall
from ui import advice, calls, state
from ui import volume as volumes
from ui.figures.volume import volume_figure
from ui.views import controls, lesson, quiz
from ui.views.lesson import StepView
from ui.views.page import Page

LABELS = {
    "stride": "stride (None = kernel_size)",
    "divisor_override": "divisor_override (None = the window's count)",
}


@st.cache_data(max_entries=32, show_spinner=False)
def scene_of(call: PoolCall, volume: np.ndarray) -> volumes.VolumeScene:
    """Cached per call and volume: a step or a theme change does not rebuild it."""
    return volumes.build(call, volume)


def volume_input(page: Page) -> np.ndarray:
    """The D×H×W volume: random integers (from the seed) or arange, and its sizes (``?D=&H=&W=``)."""
    # On a slide or a phone (where the five boxes would stack) the figure shows the volume; edit on request.
    where = st.expander("the volume (edit)") if page.presenting or page.narrow else st.container()
    with where:
        kind, depth, height, width, seed = st.columns([2.2, 1, 1, 1, 1.2], vertical_alignment="bottom")
        with kind:
            values = {"volume": controls.choice(page, "volume", help="What fills the volume: random integers 0…9 "
                                                "(drawn from the seed) or 0, 1, 2, … in row-major order.")}  # fmt: skip
        for column, name, word in ((depth, "D", "depth"), (height, "H", "height"), (width, "W", "width")):
            item = state.field(page.name, name)
            values[name] = controls.number(page, name, item.low, item.high, help=f"The volume's {word}.",
                                           container=column)  # fmt: skip
        values["seed"] = controls.number(page, "seed", 0, 9999, help="Seed of the random integers.", container=seed)
    return calls.input_3d(values)


def pooling_controls_3d(page: Page) -> calls.Chosen:
    """The function, then every one of its torch parameters; sizes typed as ``2`` or ``1, 2, 2`` (D, H, W)."""
    function = controls.choice(page, "function", widget=st.radio)
    values = {"function": function}
    for name in calls.parameters(function):
        if name in calls.FLAGS:
            values[name] = controls.flag(page, name)
        else:
            values[name] = controls.size_text(page, name, label=LABELS.get(name))
    if not page.presenting:
        controls.row_note(calls.KIND_LABELS[function[: -len("_pool3d")]] + " · sizes are an int k, meaning (k, k, k), "
                          "or a triple D, H, W")  # fmt: skip
    return calls.call_3d(values)


def _invalid(page: Page, call: PoolCall | None, volume: np.ndarray, problem: str) -> None:
    """A call torch refuses: the volume stays drawn, the rule is said once, with a value that works."""
    shown = call or PoolCall("max_pool3d", {"kernel_size": 1})
    figure = volume_figure(volumes.input_only(shown, volume), 0, page.palette, width_px=page.figure_width)
    st.plotly_chart(figure, key=page.private("figure"), config=lesson.CHART_CONFIG, theme=None,
                    alt="The volume, slice by slice; these parameters give no output.")  # fmt: skip
    batch_shape = (1, *volume.shape)
    hint = advice.suggestion(call, batch_shape, ValueError(problem)) if call is not None else None
    st.error(f"torch's rule: {problem}" + (f" — {hint}." if hint else ""), icon="✋")


def volume_view(page: Page, volume: np.ndarray, chosen: calls.Chosen) -> None:
    """The page's body: one core call on the volume as a single channel ``(1, D, H, W)``, then the
    formula per axis, the window stepping through the slices, the numbers, the torch badge and the code."""
    batch = volume[None].astype(np.float32)  # (C=1, D, H, W): one channel, unbatched, as torch takes it
    if chosen.call is None:
        _invalid(page, None, volume, " ".join(chosen.problems))
        return
    try:
        result = chosen.call.run(batch)
        asked = volumes.questions_3d(chosen.call, volume, quiz.seed()) if page.predicting else None
    except (ValueError, TypeError) as error:
        _invalid(page, chosen.call, volume, str(error))
        return
    values, indices = result if isinstance(result, tuple) else (result, None)
    hide = quiz.hidden(page, asked)
    scene = scene_of(chosen.call, batch[0])
    height = 350 if page.presenting else 640
    view = StepView(
        figure=lambda step: volume_figure(
            scene, step, page.palette, show_outputs=not hide, width_px=page.figure_width, max_height_px=height,
            outputs_beside=page.presenting,  # a projector's screen is wide and short
        ),  # fmt: skip
        sentence=lambda step: volumes.sentence(scene, step, hide_result=hide),
        export=scene,
    )
    lesson.step_panel(page, scene, show_outputs=not hide, view=view,
                      notes=lambda: lesson.formula(chosen.call, batch.shape, hide_result=hide))  # fmt: skip
    if asked is not None:
        quiz.panel(page, asked)
    left, right = st.columns(2)
    with left:
        lesson.numbers("input volume", batch[0], volumes.slices_text)
        if not hide:
            lesson.numbers("output", values[0], volumes.slices_text)
            if indices is not None:
                lesson.numbers("indices (d·H·W + h·W + w, torch's flattened form per channel)", indices[0],
                               volumes.slices_text)  # fmt: skip
    with right:
        lesson.torch_badge(chosen.call, batch)
        lesson.code_panel(chosen.call, batch)
