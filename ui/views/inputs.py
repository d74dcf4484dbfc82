"""Input widgets: a typed sequence or grid (in the URL), and the presets and CSV uploads that fill it."""

from __future__ import annotations

import numpy as np
import streamlit as st

from ui import data
from ui.views import controls
from ui.views.page import Page


def _load_preset(page: Page, target: str, make) -> None:
    name = st.session_state[page.private("preset")]
    if name is None:
        return
    seed = int(st.session_state.get(page.key("seed"), 0))
    st.session_state[page.key(target)] = make(name, seed)
    random = name.startswith("random") or name in ("noisy sine", "spikes", "single spike")
    seeded = f" (seed {seed})." if random else "."
    st.session_state[page.private("loaded")] = [f"Loaded the preset “{name}”{seeded}"]
    st.session_state[page.private("preset")] = None  # the box is an action: it does not stay chosen


def _sequence_preset(name: str, seed: int) -> str:
    return data.format_sequence(data.preset_sequence(name, seed))


def _grid_preset(name: str, seed: int) -> str:
    return data.format_grid(data.preset_grid(name, seed))


def _load_csv(page: Page) -> None:
    upload = st.session_state.get(page.private("csv"))
    if upload is None:
        return
    try:
        values, notes = data.parse_csv(upload.getvalue())
    except ValueError as error:
        st.session_state[page.private("loaded")] = [f"Could not read {upload.name}: {error}"]
        return
    st.session_state[page.key("x")] = data.format_sequence(values)
    st.session_state[page.private("loaded")] = [f"Loaded {len(values)} values from {upload.name}.", *notes]


def _loaded_notes(page: Page) -> None:
    for note in st.session_state.pop(page.private("loaded"), []):
        (st.error if note.startswith("Could not") else st.info)(note)


def _presets(page: Page, target: str, names: tuple[str, ...], make, columns) -> None:
    """The "load a preset…" box and the seed of the random presets, in two of ``columns``."""
    preset, seed = columns
    preset.selectbox("preset", names, index=None, placeholder="load a preset…", key=page.private("preset"),
                     on_change=_load_preset, args=(page, target, make))  # fmt: skip
    controls.number(page, "seed", 0, 9999, help="Seed of the random presets.", container=seed)


def _parsed(parse, text: str):
    """``parse(text)``, or None after saying on the page why the text is not valid."""
    try:
        return parse(text)
    except ValueError as error:
        st.error(str(error), icon="✋")
        return None


def sequence_input(page: Page) -> np.ndarray | None:
    """The 1-D input ``x``. Returns the values, or None after showing why the text is not valid."""
    label = (
        "x"
        if page.presenting
        else "x — the input sequence (numbers separated by spaces or commas; nan, inf, -inf allowed)"
    )
    text = controls.text(page, "x", label)
    values = _parsed(data.parse_sequence, text)  # what is wrong with it, said right under the box
    if page.presenting:  # the lecture's input: no loading tools on the slide
        return values
    preset, seed, upload = st.columns([3, 1, 3], vertical_alignment="bottom")
    _presets(page, "x", data.PRESETS_1D, _sequence_preset, (preset, seed))
    upload.file_uploader("CSV file", type=["csv", "txt"], key=page.private("csv"), on_change=_load_csv, args=(page,),
                         help="One column or one row of numbers (a header is skipped), , or ; between.")  # fmt: skip
    _loaded_notes(page)
    return values


def grid_input(page: Page, presets: tuple[str, ...] = data.PRESETS_2D, *, side: int | None = None,
               own_seed: bool = True, preset_help: str | None = None) -> np.ndarray | None:  # fmt: skip
    """The 2-D input grid (``?grid=``). Returns the values, or None after saying why not.

    ``presets`` fill it (``side`` × ``side`` where the preset takes a size); their seed is the
    page's ``seed`` field, drawn here beside them unless ``own_seed`` is False (the Fractional
    page's seed is its samples', among its controls).
    """
    where = st.expander("input grid (edit)") if page.presenting else st.container()  # on a slide: the figure shows it
    with where:
        text = controls.text(page, "grid", "grid — rows of numbers, one row per line (or separated by ;)",
                             widget=st.text_area, height=230)  # fmt: skip
    if not page.presenting:
        make = _grid_preset if side is None else lambda name, seed: data.format_grid(data.preset_grid(name, seed, side))
        if own_seed:
            _presets(page, "grid", presets, make, st.columns([3, 1], vertical_alignment="bottom"))
        else:
            st.selectbox("preset", presets, index=None, placeholder="load a preset…", key=page.private("preset"),
                         on_change=_load_preset, args=(page, "grid", make), help=preset_help)  # fmt: skip
    _loaded_notes(page)
    return _parsed(data.parse_grid, text)
