"""Placeholder: being built (issue 4)."""

import streamlit as st

from ui.frame import use_router

use_router()  # before anything is drawn: see ui.frame

st.title("Coming soon")
