"""Helpers to drive the Streamlit app in a real browser and know when it has finished (shared by the
browser tests, the app benchmark and the screenshot script).

When is the page ready to look at? Streamlit's DOM attribute `data-test-script-state` can skip
"running" for fast reruns, so it is not a reliable signal. What is reliable: the server sends a
`script_finished` ForwardMsg over the page's `/_stcore/stream` websocket at the end of every run,
and during a rerun the elements left from the previous run carry `data-stale="true"` until the
browser replaces them, and on a fresh page elements whose code is still loading show as
`stSkeleton` placeholders. So "ready" = one more finished run than before the action, and no
stale element or placeholder left. Plotly charts draw later still: see `wait_for_plotly`.

`watch_page` (called by the `page` fixture) records what the helpers need on the page itself:

- `page.requested_urls`: every URL the page's context requested;
- `page.external_requests`: those that went to a host other than 127.0.0.1/localhost;
- `page.script_runs`: the status name of each `script_finished` message, in order;
- `page.message_types`: the type of every ForwardMsg received (e.g. `page_not_found`).

Usage in a test (fixtures from tests/e2e/conftest.py)::

    def test_kernel_size_changes_output(page, streamlit_server):
        open_app(page, streamlit_server, "pool_1d")
        wait_for_rerun(page, lambda: page.keyboard.press("ArrowRight"))
        assert_no_exception(page)
"""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Page, WebSocket
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from deploy.serve_process import http_get

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
RUN_TIMEOUT_S = 30.0
REPO_ROOT = Path(__file__).resolve().parents[1]
SERVER_START_TIMEOUT_S = 60.0

CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
# Chromium contacts Google endpoints on its own whatever the flags. A dead proxy that bypasses
# localhost keeps the tests offline; the app's own requests still reach the local server.
OFFLINE_PROXY = {"server": "http://127.0.0.1:9", "bypass": "127.0.0.1,localhost"}

# A run cut short because a newer rerun request arrived is followed by that newer run:
# wait for the newer one instead.
_INTERRUPTED = "FINISHED_EARLY_FOR_RERUN"
# Drawn: no element left from the previous run, and no placeholder for an element whose code the
# browser is still loading (a fresh page shows `stSkeleton` boxes for code blocks and charts for
# a second or two after its first run has finished).
_DRAWN = """() => document.querySelector('[data-stale="true"]') === null
    && document.querySelector('[data-testid="stSkeleton"]') === null"""


class ServerStartError(RuntimeError):
    """The Streamlit server did not become healthy."""


def find_chromium() -> str | None:
    """POOLING_LAB_CHROMIUM if set (None when it is not executable), else `chromium` on PATH."""
    override = os.environ.get("POOLING_LAB_CHROMIUM")
    if override:
        return override if os.access(override, os.X_OK) else None
    return shutil.which("chromium")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def is_healthy(base_url: str) -> bool:
    status, _, body = http_get(f"{base_url}/_stcore/health", timeout_s=2)  # no proxy: localhost stays local
    return status == 200 and body.strip() == b"ok"


@contextlib.contextmanager
def streamlit_server_process(log_path: Path, timeout_s: float = SERVER_START_TIMEOUT_S,
                             script: str = "app.py") -> Iterator[str]:  # fmt: skip
    """Run `streamlit run <script>` (default app.py) on a free local port; yield its base URL; stop it afterwards.

    Raises ServerStartError (with the server log) if it does not become healthy in time.
    """
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable, "-m", "streamlit", "run", script,
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        # Tests never edit sources; watching them only costs CPU.
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    with open(log_path, "wb") as log:
        server = subprocess.Popen(command, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout_s
        while not is_healthy(base_url):
            if server.poll() is not None or time.monotonic() > deadline:
                raise ServerStartError(
                    f"Streamlit did not become healthy at {base_url} "
                    f"(exit code {server.poll()}). Its log:\n{Path(log_path).read_text()}"
                )
            time.sleep(0.2)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def watch_page(page: Page) -> None:
    """Start recording requests and finished script runs. Call before the first navigation."""
    page.requested_urls = []
    page.external_requests = []
    page.script_runs = []
    page.message_types = []

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
        page.message_types.append(message.WhichOneof("type"))
        if message.WhichOneof("type") == "script_finished":
            status = ForwardMsg.ScriptFinishedStatus.Name(message.script_finished)
            page.script_runs.append(status)

    def on_websocket(websocket: WebSocket) -> None:
        if "/_stcore/stream" in websocket.url:
            websocket.on("framereceived", on_frame)

    page.context.on("request", on_request)
    page.on("websocket", on_websocket)


# The text of a code block (ui/code_html.py) as a reader's selection copies it: each line block a
# line, a blank line its <br>. (innerText counts a <br> between blocks as two new lines.)
COPIED_TEXT_JS = """block => {
    const range = document.createRange(); range.selectNodeContents(block);
    const selection = window.getSelection(); selection.removeAllRanges(); selection.addRange(range);
    const text = selection.toString(); selection.removeAllRanges(); return text;
}"""


def code_texts(page: Page) -> list[str]:
    """Every code block's text on the page, as copying it gives."""
    return page.locator('[data-testid="stMain"] .pooling-code').evaluate_all(
        f"blocks => blocks.map({COPIED_TEXT_JS})"
    )


def open_app(page: Page, base_url: str, path: str = "", timeout_s: float = RUN_TIMEOUT_S) -> None:
    """Navigate to `base_url/path` and wait until the app's first run has finished and drawn."""
    url = base_url.rstrip("/") + "/" + path.lstrip("/")
    runs_before = _completed_runs(page)
    page.goto(url, wait_until="domcontentloaded")
    _wait_until_settled(page, runs_before, timeout_s, f"opening {url}")


def wait_for_rerun(page: Page, action: Callable[[], object], timeout_s: float = RUN_TIMEOUT_S) -> None:
    """Perform `action` (e.g. a click or key press) and wait for the rerun it causes to finish."""
    runs_before = _completed_runs(page)
    action()
    _wait_until_settled(page, runs_before, timeout_s, "waiting for a rerun after the action")


def open_select_box(page: Page, box) -> None:
    """Open the select box in ``box`` (a locator) so that its options can be clicked; a react-aria
    combo box opens on a click, on ↓, or on its Open button, depending on where focus was."""
    options = page.get_by_role("option")
    for opening in ("click", "ArrowDown", "button"):
        if opening == "click":
            box.get_by_role("combobox").first.click()
        elif opening == "ArrowDown":
            box.get_by_role("combobox").first.focus()
            page.keyboard.press("ArrowDown")
        else:
            box.get_by_role("button", name="Open").first.click()
        try:
            options.first.wait_for(state="visible", timeout=1500)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError("the select box did not open")


def choose(page: Page, key: str, option: str) -> None:
    """Pick ``option`` in the control with widget key ``key``: a radio (short lists) or a select
    box (longer ones, see ui.views.controls.choice), as a person does, by clicking."""
    box = page.locator(f".st-key-{key}")
    if box.locator('[data-testid="stRadio"]').count():
        box.get_by_text(option, exact=True).click()
        return
    open_select_box(page, box)
    page.get_by_role("option", name=option, exact=True).first.click()


def chosen(page: Page, key: str) -> str:
    """The option shown as chosen by the radio or select box with widget key ``key``."""
    box = page.locator(f".st-key-{key}")
    if box.locator('[data-testid="stRadio"]').count():
        return box.locator("label:has(input:checked)").inner_text().strip()
    combo = box.get_by_role("combobox").first
    return combo.evaluate("(element) => element.value ?? element.innerText").strip() or combo.inner_text().strip()


def act_and_settle(page: Page, action: Callable[[], object], quiet_s: float = 2.0) -> bool:
    """Perform ``action``; if it starts a rerun (within ``quiet_s``), wait for it to finish and draw.

    For actions that may or may not rerun (a slider already at its end, a click on the chosen
    option). Returns whether a rerun happened.
    """
    runs_before = _completed_runs(page)
    action()
    deadline = time.monotonic() + quiet_s
    while _completed_runs(page) <= runs_before:
        if time.monotonic() > deadline:
            page.wait_for_function(_DRAWN, timeout=RUN_TIMEOUT_S * 1000)
            return False
        page.wait_for_timeout(20)
    _wait_until_settled(page, runs_before, RUN_TIMEOUT_S, "settling after an action")
    return True


def broken(page: Page) -> str | None:
    """What shows that the app broke, if anything: an exception element, Streamlit's error box or
    traceback text. (The app's own messages for invalid values are not breakage.)"""
    exceptions = page.locator('[data-testid="stException"]')
    if exceptions.count():
        return "exception element: " + exceptions.first.inner_text()[:2000]
    text = page.locator("body").inner_text()
    for sign in ("This app has encountered an error", "Traceback (most recent call last)", "StreamlitAPIException"):
        if sign in text:
            return f"{sign!r} on the page"
    return None


def assert_no_exception(page: Page) -> None:
    """Fail with the exception text if the app shows a Python exception box."""
    exceptions = page.locator('[data-testid="stException"]')
    if exceptions.count():
        raise AssertionError("The app shows an exception:\n" + exceptions.first.inner_text())


def wait_for_plotly(page: Page, timeout_s: float = RUN_TIMEOUT_S) -> None:
    """Wait until every Plotly chart on the page has been drawn (Streamlit loads Plotly lazily,
    so a chart can appear a second or more after its run finished)."""
    page.wait_for_function(
        """() => {
            const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
            return charts.length > 0 && charts.every(chart => {
                const plot = chart.querySelector('.js-plotly-plot');
                return plot && plot._fullLayout && plot.querySelector('.main-svg');
            });
        }""",
        timeout=timeout_s * 1000,
    )


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
    page.wait_for_function(_DRAWN, timeout=remaining_ms)
