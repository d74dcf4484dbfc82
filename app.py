"""Pooling Lab: the router. Each page lives in pages/ and stays thin (controls → core → render).

Page files are named after their URL paths (``pages/pool_1d.py`` ↔ ``/pool_1d``); see
``ui.frame.use_router`` for why.
"""

import streamlit as st

from ui.frame import start_session, use_router

use_router()
start_session()
st.set_page_config(page_title="Pooling Lab", page_icon="🔲", layout="wide")

PAGES = [
    st.Page("pages/home.py", title="Pooling Lab", icon="🏠", default=True),
    st.Page("pages/pool_1d.py", title="1-D pooling", icon="📏", url_path="pool_1d"),
    st.Page("pages/pool_2d.py", title="2-D pooling", icon="🔳", url_path="pool_2d"),
    st.Page("pages/channels.py", title="Channels (N×C×H×W)", icon="🧱", url_path="channels"),
    st.Page("pages/images.py", title="Images", icon="🖼️", url_path="images"),
    st.Page("pages/invariance.py", title="Invariance", icon="🔀", url_path="invariance"),
    st.Page("pages/torch_api.py", title="The torch API", icon="🔥", url_path="torch_api"),
]
st.navigation(PAGES).run()
