"""Work in progress: this page is being built (issue 11)."""

import streamlit as st

from ui.views.page import start

page = start("unpool")
st.title("unpool")
st.info("This page is being built.")
