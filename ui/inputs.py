"""Input widgets: a typed sequence (bound to the URL), presets and CSV uploads that fill it."""

from __future__ import annotations

import numpy as np
import streamlit as st

from ui import data, state


def _load_preset() -> None:
    name = st.session_state[state.PRESET]
    seed = int(st.session_state.get(state.SEED, 0))
    st.session_state[state.X] = data.format_sequence(data.preset_sequence(name, seed))
    seeded = f" (seed {seed})." if name != "lecture" else "."
    st.session_state[state.LOADED_NOTES] = [f"Loaded the preset “{name}”{seeded}"]


def _load_csv() -> None:
    upload = st.session_state.get("csv_upload")
    if upload is None:
        return
    try:
        values, notes = data.parse_csv(upload.getvalue())
    except ValueError as error:
        st.session_state[state.LOADED_NOTES] = [f"Could not read {upload.name}: {error}"]
        return
    st.session_state[state.X] = data.format_sequence(values)
    st.session_state[state.LOADED_NOTES] = [f"Loaded {len(values)} values from {upload.name}.", *notes]


def sequence_input() -> np.ndarray | None:
    """The 1-D input. Returns the values, or None after showing why the text is not valid."""
    # Numbers read apart in a monospace font ("1 4 -1 0", not "14-10").
    st.html("<style>.st-key-x input, .st-key-grid textarea { font-family: monospace; }</style>")
    text = st.text_input(
        "x — the input sequence (numbers separated by spaces or commas; nan, inf, -inf allowed)",
        value=None if state.X in st.session_state else data.LECTURE_SEQUENCE, key=state.X, bind="query-params",
    )  # fmt: skip
    preset, seed, upload = st.columns([3, 1, 3], vertical_alignment="bottom")
    preset.selectbox("preset", data.PRESETS_1D, index=None, placeholder="load a preset…", key=state.PRESET,
                     on_change=_load_preset)  # fmt: skip
    seed.number_input("seed", 0, 9999, 0, key=state.SEED, help="Seed of the random presets.")
    upload.file_uploader("CSV file", type=["csv", "txt"], key="csv_upload", on_change=_load_csv,
                         help="One column or one row of numbers; a header row is skipped.")  # fmt: skip
    for note in st.session_state.pop(state.LOADED_NOTES, []):
        (st.error if note.startswith("Could not") else st.info)(note)
    try:
        return data.parse_sequence(text)
    except ValueError as error:
        st.error(str(error), icon="✋")
        return None


def _load_grid_preset() -> None:
    name = st.session_state["grid_preset"]
    seed = int(st.session_state.get("grid_seed", 0))
    st.session_state[state.GRID] = data.format_grid(data.preset_grid(name, seed))


def grid_input() -> np.ndarray | None:
    """The 2-D input grid (bound to ``?grid=``). Returns the values, or None after saying why not."""
    text = st.text_area(
        "grid — rows of numbers, one row per line (or separated by ;)",
        value=None if state.GRID in st.session_state else data.format_grid(data.preset_grid("random integers", 0)),
        key=state.GRID, bind="query-params",
        height=230,
    )  # fmt: skip
    preset, seed = st.columns([3, 1], vertical_alignment="bottom")
    preset.selectbox("preset", data.PRESETS_2D, index=None, placeholder="load a preset…", key="grid_preset",
                     on_change=_load_grid_preset)  # fmt: skip
    seed.number_input("seed", 0, 9999, 0, key="grid_seed", help="Seed of the random presets.")
    try:
        return data.parse_grid(text)
    except ValueError as error:
        st.error(str(error), icon="✋")
        return None
