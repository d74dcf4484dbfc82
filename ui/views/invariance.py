"""The invariance page's controls and sections. The data comes from :mod:`ui.invariance` (cached:
every session that opens the page with the same settings shares the same curves), the figures
from :mod:`ui.figures.invariance`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from ui import export
from ui import invariance as inv
from ui.figures import invariance as figures
from ui.figures.plain import PlainFigure
from ui.palette import palette
from ui.views import controls
from ui.views import downloads as buttons
from ui.views.page import Page

CHART_CONFIG = {"displayModeBar": False, "scrollZoom": False}


@dataclass
class Settings:
    kernel_size: int
    shift: int
    direction: str
    fill: str
    preset: str
    seed: int
    sample: str


def panel_width(page: Page) -> int:
    """One of three panels side by side: a third of the main column, or of a phone."""
    return 110 if page.narrow else figures.PANEL_WIDTH


def settings_controls(page: Page) -> Settings:
    """Every control of the page (``?kernel_size=3&shift=2&seed=7``), in its row of controls."""
    kernel_size = controls.int_slider(page, "kernel_size", 2, 3)
    shift = controls.int_slider(page, "shift", 0, 2 * kernel_size, help="How many pixels the input moves.",
                                label=f"shift t (0 to 2 × kernel_size = {2 * kernel_size})")  # fmt: skip
    direction = controls.choice(page, "direction", widget=st.radio, horizontal=True)
    fill = controls.choice(page, "fill", widget=st.radio, horizontal=True)
    preset = controls.choice(page, "preset")
    seed = controls.number(page, "seed", 0, 9999, label="seed (of the random grid and the shuffles)")
    sample = controls.choice(page, "sample")
    if not page.presenting:
        controls.row_note(
            f"stride = kernel_size = {kernel_size}: non-overlapping cells, as in the lecture. "
            "fill: what enters at the edge — a copy of the edge, 0, or what left on the other side."
        )
    return Settings(kernel_size, shift, direction, fill, preset, int(seed), sample)


# Shared by every session: the same settings give the same arrays (issue: ~0.5 s of CPU per new session).
@st.cache_data(max_entries=64, show_spinner=False)
def _grid(preset: str, seed: int, kernel_size: int) -> np.ndarray:
    return inv.grid_preset(preset, seed, kernel_size)


@st.cache_data(max_entries=16, show_spinner=False)
def sample_image(name: str) -> np.ndarray:
    return inv.sample_image(name)


@st.cache_data(max_entries=64, show_spinner=False)
def _permutation(grid: np.ndarray, kernel_size: int, seed: int) -> inv.PermutationCheck:
    return inv.permutation_check(grid, kernel_size, seed)


@st.cache_data(max_entries=128, show_spinner=False)
def _translation(grid: np.ndarray, kernel_size: int, t: int, direction: str, fill: str) -> inv.Translation:
    return inv.translate(grid, kernel_size, t, direction, fill)


@st.cache_data(max_entries=64, show_spinner=False)
def _curves(grid: np.ndarray, kernel_size: int, direction: str, fill: str) -> dict:
    return inv.unchanged_fractions(grid, kernel_size, range(2 * kernel_size + 1), direction, fill)


# The figures too: built with plotly's objects they cost ~150 ms of CPU per session, the same for
# every session with the same settings. Cached as plain specs, each run hands them over unchecked.
@st.cache_data(max_entries=64, show_spinner=False)
def _permutation_specs(grid: np.ndarray, kernel_size: int, seed: int, theme: str, width: int) -> tuple[dict, dict]:
    inputs, outputs = figures.permutation_figures(_permutation(grid, kernel_size, seed), kernel_size,
                                                  palette(theme), width)  # fmt: skip
    return inputs.to_plotly_json(), outputs.to_plotly_json()


@st.cache_data(max_entries=128, show_spinner=False)
def _translation_spec(grid: np.ndarray, settings: Settings, theme: str, width: int, picture: bool) -> dict:
    result = _translation(grid, settings.kernel_size, settings.shift, settings.direction, settings.fill)
    return figures.translation_figure(grid, result, palette(theme), picture=picture, panel_width=width).to_plotly_json()


@st.cache_data(max_entries=128, show_spinner=False)
def _curve_spec(grid: np.ndarray, settings: Settings, theme: str, name: str) -> dict:
    k = settings.kernel_size
    curves = _curves(grid, k, settings.direction, settings.fill)
    title = f"Unchanged outputs against the shift ({name})"
    return figures.curve_figure(curves, settings.shift, k, title, palette(theme)).to_plotly_json()


def grid_of(settings: Settings) -> np.ndarray:
    return _grid(settings.preset, settings.seed, settings.kernel_size)


# --- sections ------------------------------------------------------------------------------


def _verdict(comparison: inv.Comparison, function: str, total: int) -> str:
    if comparison.unchanged:
        how = "bit-identical" if comparison.bit_identical else "equal up to float rounding: same sum, other order"
        return f"{function} output: unchanged ✅ ({how})"
    return f"{function} output: changed ❌ — {comparison.count} of {total} cells (outlined in red)"


def permutation_section(page: Page, grid: np.ndarray, kernel_size: int, seed: int, *,
                        hide: bool = False) -> inv.PermutationCheck:  # fmt: skip
    """The three inputs, then (unless ``hide``: predict mode) whether each output changed."""
    check = _permutation(grid, kernel_size, seed)
    inputs, outputs = (PlainFigure(spec) for spec in _permutation_specs(grid, kernel_size, seed, page.palette.name,
                                                                        panel_width(page)))  # fmt: skip
    st.plotly_chart(inputs, key="permutation_inputs", config=CHART_CONFIG, theme=None,
                    alt="The grid, shuffled inside each pooling cell, and shuffled across cells.")  # fmt: skip
    if hide:
        return check
    inside, across = st.columns(2)
    total = check.outputs["max"]["original"].size
    for column, name, heading in ((inside, "inside", "Shuffled inside each cell"),
                                  (across, "across", "Shuffled across cells")):  # fmt: skip
        column.markdown(f"**{heading}** (seed {seed})")
        for method in ("max", "avg"):
            column.markdown(_verdict(check.comparisons[method][name], inv.METHOD_LABELS[method], total))
    st.plotly_chart(outputs, key="permutation_outputs", config=CHART_CONFIG, theme=None,
                    alt="max_pool2d and avg_pool2d of the three grids; changed outputs outlined in red.")  # fmt: skip
    return check


def translation_section(page: Page, name: str, grid: np.ndarray, settings: Settings, *, picture: bool = False) -> dict:
    k, t = settings.kernel_size, settings.shift
    curves = _curves(grid, k, settings.direction, settings.fill)
    figure = PlainFigure(_translation_spec(grid, settings, page.palette.name, panel_width(page), picture))
    st.plotly_chart(figure, key=f"translation_{name}", config=CHART_CONFIG, theme=None,
                    alt=f"The {name} before and after a shift by {t}, raw and pooled; changes in red.")  # fmt: skip
    chart, words = st.columns([3, 2], vertical_alignment="center")
    curve = PlainFigure(_curve_spec(grid, settings, page.palette.name, name))
    chart.plotly_chart(curve,
                       key=f"curve_{name}", config=CHART_CONFIG, theme=None,
                       alt=f"Fraction of unchanged outputs for shifts 0 to {2 * k}: max, avg, no pooling.")  # fmt: skip
    words.markdown("\n".join(
        [f"**Fraction unchanged**, {settings.direction} shift, fill “{settings.fill}”:", ""]
        + [f"- t={s}: " + " · ".join(f"{m} {curves[m][s]:.0%}" for m in inv.METHODS) for s in range(2 * k + 1)]
    ))  # fmt: skip
    return curves


SHIFT_LABELS = ("⬇ PNG (this shift)", "⬇ GIF (every shift)")


def downloads(page: Page, grid: np.ndarray, settings: Settings) -> None:
    """The grid's translation as a PNG (this shift) and a GIF (t = 0 … 2 × kernel_size)."""
    shifts = export.Shifts(grid, settings.kernel_size, settings.direction, settings.fill, settings.shift)
    buttons.buttons(page, shifts, settings.shift, labels=SHIFT_LABELS)
