"""The lecture's first slides, playable: max and average pooling of a 1-D sequence."""

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

panels.pooled_view(x, chosen, error_area, input_label="input x", indices_label="indices", key="pool_1d")
