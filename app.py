"""Pooling Lab: the router. Each page lives in pages/ and stays thin (controls → core → render).

Pages, their order and their URL paths are listed in ``ui/navigation.py``; each page's state
in ``ui/state.py``. After a page has run, its state is written into the URL (``sync_url``),
even when the page stopped early (``Page.stop``), so the address bar always reproduces the view.
"""

import streamlit as st

from ui import state
from ui.views import frame
from ui.views.page import sync_url

st.set_page_config(page_title="Pooling Lab", page_icon="🔲", layout="wide")
navigation = st.navigation(frame.app_pages())
with frame.routed():
    try:
        navigation.run()
    finally:
        sync_url()
frame.settle_memory(st.session_state.get(state.CURRENT_PAGE))
