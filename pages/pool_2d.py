"""2-D pooling on a small grid: every parameter, tuples included, one window at a time."""

import numpy as np
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

batch = grid[None].astype(np.float32)  # (C=1, H, W): one channel, unbatched
try:
    result = chosen.call.run(batch)
except (ValueError, TypeError) as error:
    error_area.error(f"torch's rule: {error}", icon="✋")
    st.error(f"These parameters are not valid: {error}", icon="✋")
    st.stop()

values, indices = result if isinstance(result, tuple) else (result, None)
for line in panels.output_size_formula(chosen.call, grid.shape):
    st.markdown(f"`{line}`")
panels.animation(grid.astype(np.float32), chosen.kind, chosen.animation, key="pool_2d")
left, right = st.columns(2)
with left:
    panels.numbers("input grid", batch[0])
    panels.numbers("output", values[0])
    if indices is not None:
        panels.numbers("indices (h·W + w, torch's flattened form per channel)", indices[0])
with right:
    panels.torch_badge(chosen.call, batch)
    panels.code_panel(chosen.call, batch)
