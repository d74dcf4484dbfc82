"""What every run needs before a page draws anything."""

import os
import socket
import stat

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


def send_without_delay() -> int:
    """Set ``TCP_NODELAY`` on this process's TCP sockets; returns how many it set.

    Streamlit's server (uvicorn, here) leaves Nagle's algorithm on for the browser's websocket.
    A rerun sends dozens of small messages; Nagle holds each one back until the browser
    acknowledges the previous, and the browser delays its acknowledgements by up to 40 ms,
    so every rerun arrived ~35 ms late, whatever the page did (server round trip measured
    48 ms → 15 ms on /pool_2d with this set). Setting it on the listening socket covers the
    connections accepted later (Linux copies it to them); setting it on the open ones covers
    the session already connected. Sockets are reached through duplicates of their file
    descriptors (``/dev/fd``, on Linux and macOS), so nothing else about them changes.
    """
    try:
        descriptors = [int(name) for name in os.listdir("/dev/fd")]
    except OSError:  # no /dev/fd (Windows): keep the default
        return 0
    count = 0
    for descriptor in descriptors:
        try:
            if not stat.S_ISSOCK(os.fstat(descriptor).st_mode):
                continue
            with socket.socket(fileno=os.dup(descriptor)) as duplicate:
                if duplicate.family in (socket.AF_INET, socket.AF_INET6) and duplicate.type == socket.SOCK_STREAM:
                    duplicate.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    count += 1
        except OSError:  # closed meanwhile, or not ours to change: leave it
            continue
    return count


def start_session() -> None:
    """Once per browser session: make the server send this session's messages at once."""
    if not st.session_state.get("_sent_without_delay"):
        st.session_state["_sent_without_delay"] = True
        send_without_delay()
