"""Pooling Lab: placeholder entry point, to be replaced by the page router."""

import streamlit as st

# An emoji icon, not a :material/ one: material icons make the browser fetch a Google font.
st.set_page_config(page_title="Pooling Lab", page_icon="🔲", layout="wide")

st.title("Pooling Lab")
st.write("See how max and average pooling slide a window over an input, step by step.")
