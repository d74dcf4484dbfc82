"""What every run needs before a page draws anything: routing through app.py, and a socket that
sends at once."""

import contextlib
import gc
import os
import socket
import stat
import threading

import streamlit as st

from ui import navigation, state

_routing = threading.local()


def app_pages() -> list:
    """``st.Page`` objects for :data:`ui.navigation.PAGES`, in the lecture's order.

    One flat list: with sections, Streamlit's sidebar puts their headings (``div`` elements) inside
    the navigation's ``ul``, which screen readers cannot read as a list (axe-core: "list",
    "listitem", serious). The home page shows the lecture's sections instead.
    """
    return [
        st.Page(spec.file, title=spec.title, icon=spec.icon, url_path=spec.name, default=spec.name == "home")
        for spec in navigation.PAGES
    ]


@contextlib.contextmanager
def routed():
    """Mark the page run that app.py's ``st.navigation`` starts (see :func:`use_router`)."""
    _routing.active = True
    try:
        yield
    finally:
        _routing.active = False


def use_router() -> None:
    """Make sure app.py's ``st.navigation`` routes this run, even on a fresh server.

    Until some session of the process has called ``st.navigation``, Streamlit still serves the
    legacy auto-discovery of ``pages/`` (the design keeps ``pages/`` at the top level): a first
    request for ``/pool_1d`` runs ``pages/pool_1d.py`` bare, without app.py's page config and
    navigation. A page run that app.py did not start (:func:`routed`) therefore calls the
    public ``st.navigation`` itself, with the app's own pages and hidden (which switches the
    server to ``st.navigation`` routing for good), and reruns: the rerun goes through app.py.
    Page files are named after their URL paths, so the legacy lookup finds the right one.
    Only public API is used; what it relies on (Streamlit's legacy lookup runs first on a fresh
    server) is checked by a browser test that opens a deep link as a fresh server's first request
    (tests/e2e/test_pool_1d.py): it fails loudly if Streamlit changes either side of this.
    """
    if getattr(_routing, "active", False):
        return
    st.navigation(app_pages(), position="hidden")
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


_settled_pages: set[str] = set()
_settled_lock = threading.Lock()


def settle_memory(page: str | None) -> None:
    """After a page's first run in this process, move everything alive to gc's permanent
    generation (``gc.freeze``).

    torch, plotly, Streamlit and the pages' caches are hundreds of thousands of objects that
    never die. With ~150 sessions on a replica, a full collection walked them every 2–5 s and
    stalled every session for 160–250 ms (measured by benchmarks/bench_load.py); frozen, the
    collections that remain look only at what the runs make since, and took 13–25 ms.
    """
    if page is None or page in _settled_pages:
        return
    with _settled_lock:
        if page not in _settled_pages:
            _settled_pages.add(page)
            gc.collect()
            gc.freeze()


def start_session() -> None:
    """Once per browser session: make the server send this session's messages at once."""
    if not st.session_state.get(state.SENT_WITHOUT_DELAY):
        st.session_state[state.SENT_WITHOUT_DELAY] = True
        send_without_delay()
