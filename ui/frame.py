"""What every run needs before a page draws anything."""

import streamlit as st


def use_router() -> None:
    """Make sure app.py's ``st.navigation`` routes this run, even on a fresh server.

    Until some session has run ``st.navigation``, Streamlit still serves the legacy
    auto-discovery of ``pages/``: a first request for ``/pool_1d`` runs ``pages/pool_1d.py``
    bare, without app.py's page config and navigation (and a first request for any other path
    flashes "Page not found"). Page files are named after their URL paths, so the legacy lookup
    finds them; this then switches the server to ``st.navigation`` routing and reruns the
    request, which app.py now routes. A browser test opens a deep link on a fresh server.
    """
    from streamlit.runtime.pages_manager import PagesManager  # noqa: PLC0415 - internal, see above

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
