"""Work in progress: this page is being built (issue 11)."""

import streamlit as st

from ui.views.page import start

page = start("backward")
st.title("backward")
st.info("This page is being built.")
