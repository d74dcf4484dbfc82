"""The lecture's first slides, playable: max and average pooling of a 1-D sequence."""

import numpy as np
import streamlit as st

from ui import controls, inputs, panels
from ui.frame import use_router

use_router()  # before anything is drawn: see ui.frame

st.title("1-D pooling: one window at a time")
st.markdown(
    "Pooling groups neighbouring activations into one “more meaningful” value. **Max pooling** keeps "
    "the largest value of each window; **average pooling** keeps the mean. With `kernel_size=2` and the "
    "default stride (= kernel_size) the windows are non-overlapping blocks: the lecture's "
    "`1 4 -1 0 2 -2 1 3 3 1` becomes `4 0 2 3 3`."
)
notice_area = st.container()
x = inputs.sequence_input()
with st.sidebar:
    st.header("Parameters")
    chosen = controls.pooling_controls_1d(len(x) if x is not None else 10)
    error_area = st.container()
panels.show_notices_in(notice_area, chosen.notices)
if x is None:
    st.stop()

batch = x[None].astype(np.float32)  # (C=1, L): one channel, unbatched, as torch takes it
try:
    result = chosen.call.run(batch)
except (ValueError, TypeError) as error:
    error_area.error(f"torch's rule: {error}", icon="✋")
    st.error(f"These parameters are not valid: {error}", icon="✋")
    st.stop()

values, indices = result if isinstance(result, tuple) else (result, None)
for line in panels.output_size_formula(chosen.call, x.shape):
    st.markdown(f"`{line}`")
panels.animation(x.astype(np.float32), chosen.kind, chosen.animation, key="pool_1d")
left, right = st.columns(2)
with left:
    panels.numbers("input x", batch[0])
    panels.numbers("output", values[0])
    if indices is not None:
        panels.numbers("indices", indices[0])
with right:
    panels.torch_badge(chosen.call, batch)
    panels.code_panel(chosen.call, batch)
