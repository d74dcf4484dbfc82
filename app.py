"""Pooling Lab: the router. Each page lives in pages/ and stays thin (controls → core → render)."""

import streamlit as st

st.set_page_config(page_title="Pooling Lab", page_icon="🔲", layout="wide")

PAGES = [
    st.Page("pages/home.py", title="Pooling Lab", icon="🏠", default=True),
    st.Page("pages/pool_1d.py", title="1-D pooling", icon="📏", url_path="pool_1d"),
]
st.navigation(PAGES).run()
