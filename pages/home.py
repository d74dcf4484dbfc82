"""Start page: what pooling is, and where each slide of the lecture became a page."""

import streamlit as st

from ui import navigation
from ui.views.page import start

page = start("home")
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
for section in (navigation.LECTURE, navigation.BEYOND):
    st.subheader("The lecture, slide by slide" if section == navigation.LECTURE else section)
    for spec in navigation.PAGES:
        if spec.section == section:
            st.page_link(spec.file, label=spec.summary, icon=spec.icon)
