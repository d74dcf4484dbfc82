"""2-D pooling on a small grid: every parameter, tuples included, one window at a time."""

import streamlit as st

from ui import controls, inputs, panels
from ui.frame import use_router

use_router()  # before anything is drawn: see ui.frame

st.title("2-D pooling on a grid")
st.markdown(
    "In 2-D the window is a rectangle: `kernel_size=(h, w)` or one number `k` meaning `(k, k)`. It moves "
    "`stride` cells at a time along each axis (default: the kernel size), and every output is the max or "
    "the mean of the cells it covers. Type `2, 3` for a (2, 3) pair."
)
notice_area = st.container()
grid = inputs.grid_input()
with st.sidebar:
    st.header("Parameters")
    chosen = controls.pooling_controls_2d()
    error_area = st.container()
panels.show_notices_in(notice_area, chosen.notices)
if grid is None:
    st.stop()

panels.pooled_view(
    grid, chosen, error_area, key="pool_2d",
    input_label="input grid", indices_label="indices (h·W + w, torch's flattened form per channel)",
)  # fmt: skip
