"""Fixtures for browser tests: a running app, a headless Chromium, and a watched page.

Browser tests use Debian's `chromium` (`apt-get install chromium`), not a browser downloaded by
Playwright. Without it they skip with a reason, or fail when POOLING_LAB_REQUIRE_BROWSER is set
(CI sets it). POOLING_LAB_CHROMIUM=/path/to/chromium picks another binary; pointing it at a
missing file is how the skip path is tested.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.e2e.streamlit_page import watch_page

REPO_ROOT = Path(__file__).resolve().parents[2]
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


def find_chromium() -> str | None:
    override = os.environ.get("POOLING_LAB_CHROMIUM")
    if override:
        return override if os.access(override, os.X_OK) else None
    return shutil.which("chromium")


def _browser_required() -> bool:
    return os.environ.get("POOLING_LAB_REQUIRE_BROWSER", "") not in ("", "0")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _is_healthy(base_url: str) -> bool:
    # No proxy: an HTTP(S)_PROXY in the environment must not swallow requests to localhost.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"{base_url}/_stcore/health", timeout=2) as response:
            return response.read().strip() == b"ok"
    except OSError:
        return False


@pytest.fixture(scope="session")
def streamlit_server(tmp_path_factory):
    """Run `streamlit run app.py` on a free local port; yield its base URL."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
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
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while not _is_healthy(base_url):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    f"Streamlit did not become healthy at {base_url} "
                    f"(exit code {server.poll()}). Its log:\n{log_path.read_text()}"
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


@pytest.fixture(scope="session")
def browser():
    """A headless Debian Chromium driven by Playwright, kept offline."""
    executable = find_chromium()
    if executable is None:
        reason = (
            "no Chromium found (looked for POOLING_LAB_CHROMIUM, else `chromium` on PATH): "
            "install Debian's chromium with `apt-get install chromium` to run browser tests"
        )
        if _browser_required():
            pytest.fail(f"POOLING_LAB_REQUIRE_BROWSER is set but {reason}")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS, proxy=OFFLINE_PROXY
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh page (own context, 1400x900) whose requests and script runs are recorded.

    After the test it fails if the page requested anything other than 127.0.0.1/localhost.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    watch_page(page)
    yield page
    context.close()
    assert page.external_requests == [], (
        f"The app made requests outside localhost: {page.external_requests}"
    )
