"""Helpers to drive the Streamlit app in a real browser and know when it has finished.

When is the page ready to look at? Streamlit's DOM attribute `data-test-script-state` can skip
"running" for fast reruns, so it is not a reliable signal. What is reliable: the server sends a
`script_finished` ForwardMsg over the page's `/_stcore/stream` websocket at the end of every run,
and during a rerun the elements left from the previous run carry `data-stale="true"` until the
browser replaces them. So "ready" = one more finished run than before the action, and no stale
element left.

`watch_page` (called by the `page` fixture) records what the helpers need on the page itself:

- `page.requested_urls`: every URL the page's context requested;
- `page.external_requests`: those that went to a host other than 127.0.0.1/localhost;
- `page.script_runs`: the status name of each `script_finished` message, in order.

Usage in a test (fixtures from tests/e2e/conftest.py)::

    def test_kernel_size_changes_output(page, streamlit_server):
        open_app(page, streamlit_server, "pool_1d")
        wait_for_rerun(page, lambda: page.keyboard.press("ArrowRight"))
        assert_no_exception(page)
"""

import time
from collections.abc import Callable
from urllib.parse import urlsplit

from playwright.sync_api import Page, WebSocket
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
RUN_TIMEOUT_S = 30.0

# A run cut short because a newer rerun request arrived is followed by that newer run:
# wait for the newer one instead.
_INTERRUPTED = "FINISHED_EARLY_FOR_RERUN"


def watch_page(page: Page) -> None:
    """Start recording requests and finished script runs. Call before the first navigation."""
    page.requested_urls = []
    page.external_requests = []
    page.script_runs = []

    def on_request(request) -> None:
        page.requested_urls.append(request.url)
        parts = urlsplit(request.url)
        # data:, blob: and about: URLs never leave the browser.
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOCAL_HOSTS:
            page.external_requests.append(request.url)

    def on_frame(payload: str | bytes) -> None:
        if isinstance(payload, str):  # Streamlit's messages are binary protobufs
            return
        message = ForwardMsg.FromString(payload)
        if message.WhichOneof("type") == "script_finished":
            status = ForwardMsg.ScriptFinishedStatus.Name(message.script_finished)
            page.script_runs.append(status)

    def on_websocket(websocket: WebSocket) -> None:
        if "/_stcore/stream" in websocket.url:
            websocket.on("framereceived", on_frame)

    page.context.on("request", on_request)
    page.on("websocket", on_websocket)


def open_app(page: Page, base_url: str, path: str = "", timeout_s: float = RUN_TIMEOUT_S) -> None:
    """Navigate to `base_url/path` and wait until the app's first run has finished and drawn."""
    url = base_url.rstrip("/") + "/" + path.lstrip("/")
    runs_before = _completed_runs(page)
    page.goto(url, wait_until="domcontentloaded")
    _wait_until_settled(page, runs_before, timeout_s, f"opening {url}")


def wait_for_rerun(
    page: Page, action: Callable[[], object], timeout_s: float = RUN_TIMEOUT_S
) -> None:
    """Perform `action` (e.g. a click or key press) and wait for the rerun it causes to finish."""
    runs_before = _completed_runs(page)
    action()
    _wait_until_settled(page, runs_before, timeout_s, "waiting for a rerun after the action")


def assert_no_exception(page: Page) -> None:
    """Fail with the exception text if the app shows a Python exception box."""
    exceptions = page.locator('[data-testid="stException"]')
    if exceptions.count():
        raise AssertionError("The app shows an exception:\n" + exceptions.first.inner_text())


def _completed_runs(page: Page) -> int:
    return sum(status != _INTERRUPTED for status in page.script_runs)


def _wait_until_settled(page: Page, runs_before: int, timeout_s: float, doing: str) -> None:
    deadline = time.monotonic() + timeout_s
    while _completed_runs(page) <= runs_before:
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"{doing}: no script run finished within {timeout_s:.0f} s "
                f"(script_finished messages so far: {page.script_runs})"
            )
        # Playwright delivers websocket events only while it is called; a short wait pumps them.
        page.wait_for_timeout(20)
    remaining_ms = max(deadline - time.monotonic(), 1.0) * 1000
    page.wait_for_function(
        "() => document.querySelector('[data-stale=\"true\"]') === null", timeout=remaining_ms
    )
