"""The Fractional page's parts: its grid, its controls (``output_size`` or ``output_ratio``, the seed
of ``_random_samples``), how the samples place the windows, the window step by step, every window at
once, the numbers, the torch badge and the code."""

from __future__ import annotations

import numpy as np
import streamlit as st

from ui import calls
from ui import fractional as story
from ui import scene as scenes
from ui.figures.fractional import windows_figure
from ui.figures.window import window_figure
from ui.views import controls, inputs, lesson, quiz
from ui.views.page import Page

PRESETS = ("random integers", "gradient", "checkerboard", "single spike")
SIDE = 7  # the presets' grid: 7 cells do not split evenly into 2, 3 or 4 windows
BY_HELP = "torch takes one of the two: output_size (the number of windows per axis) or output_ratio (a fraction " \
          "of the input size, int(size · ratio) windows). Given both, output_size wins."  # fmt: skip
HELP = {
    "kernel_size": "Every window is kernel_size cells per axis (an int k for (k, k), or a pair H, W); only the "
                   "starts are random.",
    "output_size": "How many windows along H and W (an int or a pair). Needs output_size + kernel_size − 1 ≤ "
                   "the input size.",
    "output_ratio": "Windows per axis as a fraction of the input size: a pair like 0.7, 0.7 (torch's functional "
                    "form takes a pair, not one number).",
    "seed": "_random_samples = numpy.random.default_rng(seed).random((1, 1, 2)) in float32: one sample in [0, 1) "
            "per axis. torch draws them with torch.rand when none are given.",
}  # fmt: skip


# --- the input and the controls -------------------------------------------------------------------


def grid_input(page: Page) -> np.ndarray | None:
    """The input grid, and presets of :data:`SIDE` × :data:`SIDE` drawn with the samples' seed."""
    return inputs.grid_input(page, PRESETS, side=SIDE, own_seed=False,
                             preset_help="A 7×7 grid; the random ones use the seed of the samples.")  # fmt: skip


def fractional_controls(page: Page) -> calls.Chosen:
    """``kernel_size``, ``output_size`` or ``output_ratio`` (the other disabled, with its reason), the seed."""
    values = {"kernel_size": controls.text(page, "kernel_size", "kernel_size", help=HELP["kernel_size"])}
    values["by"] = by = controls.choice(page, "by", widget=st.radio, label="the output's size, by", help=BY_HELP)
    notes = []
    for name in ("output_size", "output_ratio"):
        unused = by != name
        reason = f"Not used: you chose {by}. " if unused else ""
        values[name] = controls.text(page, name, name, disabled=unused, help=reason + HELP[name])
        if unused:
            notes.append(f"{name} is off: torch takes {by} or {name}, and this call gives {by}.")
    values["seed"] = controls.number(page, "seed", 0, 9999, label="seed → _random_samples", help=HELP["seed"])
    if notes and not page.presenting:
        controls.row_note(" ".join(notes))
    return calls.call_fractional(values)


# --- the body -------------------------------------------------------------------------------------


def samples_line(page: Page, chosen: calls.Chosen) -> None:
    """The samples with their values, and which axis each places."""
    samples = story.samples_of(chosen.call)
    st.markdown(f"`_random_samples = default_rng({page.value('seed')}).random((1, 1, 2))` = "
                f"`{story.samples_text(samples)}` — `[..., 0]` places the **width**'s windows, `[..., 1]` the "
                "**height**'s.")  # fmt: skip


def placement(page: Page, chosen: calls.Chosen, shape: tuple[int, ...], *, hide_starts: bool) -> None:
    """Per axis, how its sample places the windows: the rule, α, the starts (``hide_starts``: not them).
    On a slide, folded under the figure."""
    told = story.axes(chosen.call, shape)
    where = st.expander("How the samples place the windows") if page.presenting else st.container()
    with where:
        st.markdown(f"`{story.RULE}`")
        if page.narrow:  # a phone: a table would scroll sideways; one paragraph per axis
            for axis in told:
                lines = [axis.size_line(), axis.sample_line(), axis.alpha_line()]
                lines += [] if hide_starts else [axis.starts_line()]
                st.markdown(f"**{axis.word}** · " + " · ".join(f"`{line}`" for line in lines)
                            + ("" if hide_starts else f" · {axis.spacing()}"))  # fmt: skip
        else:
            st.markdown(story.table(told, hide_starts=hide_starts))


def every_window(page: Page, call, shape: tuple[int, ...]) -> None:
    """All windows at once: the cells each is read by, the windows of each axis as bars."""
    st.markdown("#### Every window at once")
    counts = story.coverage(call, shape)
    st.caption("Each cell says how many windows read it (orange 0: no window reads it). Height windows are the "
               "bars on the left, width windows the bars on top; a 2-D window is one of each, so overlapping bars "
               "are overlapping windows. " + story.coverage_words(counts))  # fmt: skip
    figure = windows_figure(call, shape, page.palette, width_px=page.figure_width)
    st.plotly_chart(figure, key=page.private("figure:all"), config=lesson.CHART_CONFIG, theme=None,
                    alt="Every window of the call at once: how many windows read each input cell. "
                        + story.coverage_words(counts))  # fmt: skip


def empty(page: Page, call, grid: np.ndarray, shape: tuple[int, ...]) -> None:
    """An empty output (no windows along an axis): the input, what torch returns, the badge and the code."""
    figure = window_figure(scenes.input_only(call, grid), 0, page.palette)
    st.plotly_chart(figure, key=page.private("figure"), config=lesson.CHART_CONFIG, theme=None,
                    alt="The input; these parameters place no window.")  # fmt: skip
    st.info(f"No windows along an axis with output size 0: torch returns an empty output of shape {shape}, "
            "with nothing to step through.", icon="🫙")  # fmt: skip
    left, right = st.columns(2)
    with left:
        lesson.numbers("input grid", grid[None].astype(np.float32)[0])
    with right:
        batch = grid[None].astype(np.float32)
        lesson.torch_badge(call, batch)
        lesson.code_panel(call, batch)


def fractional_view(page: Page, grid: np.ndarray, chosen: calls.Chosen) -> None:
    """The page's body: the samples, the window step by step, every window, numbers, badge, code.
    A value typed wrong, or a call torch refuses, keeps the input on screen and says why."""
    batch = grid[None].astype(np.float32)  # (C=1, H, W): one channel, unbatched, as torch takes it
    if chosen.call is None:
        lesson.invalid_call(page, None, grid, " ".join(chosen.problems), batch.shape)
        return
    try:
        values = chosen.call.run(batch)
        asked = story.questions_fractional(chosen.call, grid, quiz.seed()) if page.predicting else None
    except (ValueError, TypeError) as error:
        samples_line(page, chosen)  # the samples are fine; the sizes are not
        lesson.invalid_call(page, chosen.call, grid, str(error), batch.shape)
        return
    if 0 in values.shape:  # output_size 0 (or a ratio that rounds down to 0): torch returns an empty output
        samples_line(page, chosen)
        empty(page, chosen.call, grid, values.shape)
        return
    hide = quiz.hidden(page, asked)

    def notes() -> None:
        samples_line(page, chosen)
        placement(page, chosen, batch.shape, hide_starts=hide)

    lesson.step_panel(page, lesson.scene_of(chosen.call, batch[0]), show_outputs=not hide, notes=notes)
    if asked is not None:
        quiz.panel(page, asked)
    if not hide:
        every_window(page, chosen.call, batch.shape)
    left, right = st.columns(2)
    with left:
        lesson.numbers("input grid", batch[0])
        if not hide:
            lesson.numbers("output", values[0])
    with right:
        lesson.torch_badge(chosen.call, batch)
        lesson.code_panel(chosen.call, batch)
        st.caption("torch draws the samples itself (torch.rand) when none are given; passing the same "
                   "_random_samples gives the same windows: that is how this page checks itself "
                   "against torch.")  # fmt: skip
