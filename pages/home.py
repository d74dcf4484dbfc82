"""Start page: what pooling is, and where each slide of the lecture became a page."""

import streamlit as st

from ui.frame import use_router

use_router()  # before anything is drawn: see ui.frame

st.title("Pooling Lab")
st.markdown(
    """
Convolutional networks turn a large signal (an image) into a few scores. **Pooling** is the
historical way to shrink activations on the way: it groups several neighbouring activations into
one “more meaningful” value, the maximum or the mean of the group.

Every number on these pages is computed by our own numpy package, `pooling_core`, and checked
live against PyTorch's `torch.nn.functional`: you see exactly what torch computes.
"""
)
st.page_link("pages/pool_1d.py", label="1-D pooling: the lecture's sequence, one window at a time", icon="📏")
