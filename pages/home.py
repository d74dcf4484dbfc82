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
live against PyTorch's `torch.nn.functional`: you see exactly what torch computes. Every page's
state lives in its URL, so a copied link reproduces what is on screen.
"""
)
st.subheader("The lecture, slide by slide")
SLIDES = [
    (
        "pages/pool_1d.py",
        "📏",
        "Max and average pooling over non-overlapping blocks: 1 4 -1 0 2 -2 1 3 3 1 → 4 0 2 3 3",
    ),
    ("pages/channels.py", "🧱", "Each channel of each sample pooled separately: an N×C×H×W tensor"),
    ("pages/invariance.py", "🔀", "Invariance to permutations inside a cell, pseudo-invariance to local translations"),
    ("pages/torch_api.py", "🔥", "F.max_pool2d's signature, stride and padding defaults, nn.MaxPool2d"),
]
for page, icon, label in SLIDES:
    st.page_link(page, label=label, icon=icon)
st.subheader("Beyond the slides")
st.page_link("pages/pool_2d.py", label="2-D pooling on a grid: every parameter, tuples included", icon="🔳")
st.page_link("pages/images.py", label="Pooling real images, channel by channel", icon="🖼️")
