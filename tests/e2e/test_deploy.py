"""`bash deploy/serve.sh --replicas 2 --port 8600` serves the app through nginx, sticky per browser.

The same command runs here on a free port (8600 may be taken on a shared machine). What is
checked, against real requests, with nginx's access log saying which replica served what:

- health on the balancer answers 503 while the replicas warm up, then ok, and by then every
  replica has run every page once (Streamlit's own session counter, /_stcore/metrics);
- in Chromium a page loads and a slider change works through the balancer, and the page's
  websocket went to the replica that served its HTML;
- an upload on /images (a PNG over nginx's default 1 MB body limit) is shown without error,
  and its PUT reached the replica that holds the browser's websocket;
- clients without the cookie (plain requests, protocol-level sessions as a load generator
  opens them) are spread over both replicas, all from 127.0.0.1, and the cookie pins them;
- the replicas share one cookie secret, passed in their environment, not on the command line;
- SIGTERM while warming up, and SIGTERM or SIGINT while serving, leave no process behind.

Those (marked e2e) need Debian's nginx (`apt-get install nginx`) besides Chromium; without it
they skip, or fail when POOLING_LAB_REQUIRE_BROWSER is set (CI sets it and installs both).
Docker is not needed, nor run: the last tests only read the Dockerfile and compose.yaml, to
check that they run this same serve.sh, and check serve.sh's own argument errors.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from playwright.sync_api import expect

from deploy.serve_process import REPO_ROOT, SERVE_SH, ServeProcess, free_port, http_get
from deploy.streamlit_client import Session
from scripts import sample_files as image_files
from scripts.browser import assert_no_exception, open_app, wait_for_plotly, wait_for_rerun

COOKIE = "pooling_lab_replica"
STARTUP_TIMEOUT_S = 120.0
# Any Streamlit slider whose key ends with kernel_size (`kernel_size`, or a page-namespaced key).
KERNEL_SIZE = '[class*="st-key-"][class*="kernel_size"]'


def _require_nginx() -> None:
    if shutil.which("nginx") or os.access("/usr/sbin/nginx", os.X_OK):
        return
    reason = "no nginx found: install Debian's nginx with `apt-get install nginx` to run the deploy tests"
    if os.environ.get("POOLING_LAB_REQUIRE_BROWSER", "") not in ("", "0"):
        pytest.fail(f"POOLING_LAB_REQUIRE_BROWSER is set but {reason}")
    pytest.skip(reason)


def _connects(replica_port: int) -> int:
    """How many sessions have connected to a replica so far (its own /_stcore/metrics)."""
    _, _, body = http_get(f"http://127.0.0.1:{replica_port}/_stcore/metrics")
    match = re.search(rb'^session_events_total\{type="connect"\} (\d+)', body, re.MULTILINE)
    assert match, f"no connect counter in the metrics of 127.0.0.1:{replica_port}"
    return int(match[1])


def _start_recording_health(served: ServeProcess) -> tuple[list[tuple[int, bytes]], dict[int, int]]:
    """Poll the balancer's health until ok; return what it answered, in order, and each replica's
    session count taken the moment it first said ok."""
    answers: list[tuple[int, bytes]] = []
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline and served.process.poll() is None:
        status, _, body = http_get(f"{served.base_url}/_stcore/health", timeout_s=2)
        if not answers or answers[-1][0] != status:
            answers.append((status, body))
        if status == 200:
            return answers, {replica.port: _connects(replica.port) for replica in served.replicas}
        time.sleep(0.05)
    served.stop()
    raise AssertionError(f"no ok from the balancer's health; it answered {answers}; serve.sh:\n{served.output}")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`bash deploy/serve.sh --replicas 2 --port <free>`, with its startup health answers recorded."""
    _require_nginx()
    process = ServeProcess(replicas=2, port=free_port(), log_dir=tmp_path_factory.mktemp("serve-logs"))
    process.health_answers, process.connects_when_ok = _start_recording_health(process)
    process.wait_ready(STARTUP_TIMEOUT_S)
    yield process
    process.stop()  # raises if anything is left behind


def _entries_of(served: ServeProcess, route: str, wanted: str, timeout_s: float = 10.0) -> list[dict[str, str]]:
    """Access-log entries of one browser (its cookie value), once one matching `wanted` is there
    (nginx logs a websocket when it closes)."""
    deadline = time.monotonic() + timeout_s
    while True:
        entries = [entry for entry in served.access_log() if entry["route"] == route]
        if any(wanted in entry["request"] for entry in entries) or time.monotonic() > deadline:
            return entries
        time.sleep(0.1)


def _run_async(coroutine):
    """Run a coroutine to its end in a thread of its own (Playwright's sync API may be keeping an
    event loop running in this one)."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result(timeout=120)


async def _app_pages(base_url: str) -> list[str]:
    session = Session(base_url)
    try:
        await session.open("")
        return list(session.pages)
    finally:
        await session.close()


def _cookie_of(page) -> str:
    values = [cookie["value"] for cookie in page.context.cookies() if cookie["name"] == COOKIE]
    assert len(values) == 1, f"expected one {COOKIE} cookie, got {page.context.cookies()}"
    return values[0]


@pytest.mark.e2e
def test_health_is_503_until_every_replica_is_warm(served):
    statuses = [status for status, _ in served.health_answers]
    # 0 = not listening yet (nginx starts after the replicas); then 503 while warming; then ok.
    assert statuses[-1] == 200 and 503 in statuses, served.health_answers
    assert statuses == sorted(statuses, key=[0, 503, 200].index), f"health went back: {served.health_answers}"
    assert dict(served.health_answers)[503] == b"warming up\n"
    pages = _run_async(_app_pages(served.base_url))  # the app's pages by URL path, "" = home
    warmed = {line for _, line in served.lines if line.startswith("warm_up: 127.0.0.1:")}
    for replica in served.replicas:
        # serve.sh lists the pages each replica ran: "warm_up: 127.0.0.1:PORT warm in 1.4 s: / 93 ms, ..."
        [line] = [line for line in warmed if line.startswith(f"warm_up: {replica.address} warm")]
        ran = [entry.rsplit(" ", 2)[0] for entry in line.split(": ", 2)[2].split(", ")]
        assert sorted(ran) == sorted(f"/{page}" for page in pages), (line, pages)
        # ... each in a session of its own, all before the balancer first said ok
        assert served.connects_when_ok[replica.port] >= len(pages), (served.connects_when_ok, line)


@pytest.mark.e2e
def test_a_page_loads_and_a_change_works_through_the_balancer(page, served):
    open_app(page, served.base_url, "pool_1d")
    wait_for_plotly(page)
    main = page.locator('[data-testid="stMain"]')
    before = main.inner_text()
    slider = page.locator(KERNEL_SIZE).first.get_by_role("slider")
    start = int(slider.input_value())
    slider.focus()
    wait_for_rerun(page, lambda: page.keyboard.press("ArrowRight"))
    expect(slider).to_have_value(str(start + 1))
    assert main.inner_text() != before, "the page did not change after kernel_size did"
    assert_no_exception(page)
    assert page.script_runs and set(page.script_runs) <= {
        "FINISHED_SUCCESSFULLY",
        "FINISHED_FRAGMENT_RUN_SUCCESSFULLY",
        "FINISHED_EARLY_FOR_RERUN",
    }

    route = _cookie_of(page)
    page.context.close()  # closes the websocket, which nginx then logs
    entries = _entries_of(served, route, "/_stcore/stream")
    pages = [e for e in entries if e["request"].startswith("GET /pool_1d ")]
    sockets = [e for e in entries if e["request"].startswith("GET /_stcore/stream ")]
    assert pages and sockets and all(e["status"] == "101" for e in sockets), entries
    assert {e["upstream"] for e in entries} == {pages[0]["upstream"]}, f"one browser, several replicas: {entries}"


@pytest.mark.e2e
def test_an_upload_reaches_the_replica_of_the_browsers_websocket(page, served, tmp_path):
    path = tmp_path / "noise_600x700.png"
    # Noise does not compress: ~1.3 MB, over nginx's default body limit of 1 MB.
    path.write_bytes(image_files.encode(np.random.default_rng(7).integers(0, 256, (600, 700, 3), dtype=np.uint8)))
    assert path.stat().st_size > 1024 * 1024
    open_app(page, served.base_url, "images")
    chooser = page.locator('[data-testid="stFileUploader"] input[type=file]').first
    wait_for_rerun(page, lambda: chooser.set_input_files(path))
    expect(page.locator('[data-testid="stMain"]')).to_contain_text("(3, 600, 700)")
    expect(page.locator('[data-testid="stFileUploader"]').first).to_contain_text(path.name)
    assert_no_exception(page)
    errors = page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
    assert not errors, errors

    route = _cookie_of(page)
    page.context.close()
    entries = _entries_of(served, route, "/_stcore/stream")
    uploads = [e for e in entries if e["request"].startswith("PUT /_stcore/upload_file/")]
    sockets = [e for e in entries if e["request"].startswith("GET /_stcore/stream ")]
    assert uploads and all(e["status"].startswith("2") for e in uploads), entries
    assert sockets, entries
    assert {e["upstream"] for e in uploads} == {e["upstream"] for e in sockets}, entries
    assert len({e["upstream"] for e in entries}) == 1, f"one browser, several replicas: {entries}"


@pytest.mark.e2e
def _logged(served, routes: list[str], count: int = 1, timeout_s: float = 5.0) -> dict[str, str]:
    """The access log's upstream per route, once nginx has written ``count`` lines of each route.

    nginx writes a request's log line after sending its response, so a client that has its
    answer may read the log a moment before the line is there (seen on a loaded machine).
    """
    deadline = time.monotonic() + timeout_s
    while True:
        entries = served.access_log()
        seen = Counter(entry["route"] for entry in entries)
        if all(seen[route] >= count for route in routes) or time.monotonic() > deadline:
            return {entry["route"]: entry["upstream"] for entry in entries}
        time.sleep(0.05)


def test_clients_without_the_cookie_are_spread_and_the_cookie_pins_them(served):
    replicas = {replica.address for replica in served.replicas}
    set_cookies = []
    for _ in range(40):
        status, headers, _ = http_get(f"{served.base_url}/_stcore/health")
        assert status == 200
        match = re.search(rf"{COOKIE}=([0-9a-f]+);", headers.get("Set-Cookie", ""))
        assert match, f"no {COOKIE} cookie set on a request without one: {headers}"
        set_cookies.append(match[1])
    log = _logged(served, set_cookies)
    served_by = [log[route] for route in set_cookies]
    assert set(served_by) == replicas
    assert min(served_by.count(address) for address in replicas) >= 5, served_by

    # The cookie pins: every request carrying it reaches the replica that set it.
    for address in replicas:
        route = set_cookies[served_by.index(address)]
        for _ in range(5):
            status, headers, _ = http_get(f"{served.base_url}/_stcore/health", cookie=f"{COOKIE}={route}")
            assert status == 200 and COOKIE not in headers.get("Set-Cookie", "")
        _logged(served, [route], count=6)
        pinned = [entry["upstream"] for entry in served.access_log() if entry["route"] == route]
        assert pinned == [address] * 6, pinned

    # Protocol-level sessions (what bench_load opens): cookieless websockets land on both replicas.
    before = {replica.port: _connects(replica.port) for replica in served.replicas}

    async def open_sessions(count: int) -> list[bool]:
        sessions = [Session(served.base_url) for _ in range(count)]
        runs = await asyncio.gather(*(session.open("") for session in sessions))
        await asyncio.gather(*(session.close() for session in sessions))
        return [run.ok for run in runs]

    assert all(_run_async(open_sessions(20)))
    opened = {port: _connects(port) - count for port, count in before.items()}
    assert sum(opened.values()) == 20 and min(opened.values()) >= 2, opened


@pytest.mark.e2e
def test_replicas_share_one_cookie_secret_kept_off_the_command_line(served):
    secrets = set()
    for replica in served.replicas:
        with open(f"/proc/{replica.pid}/environ", "rb") as environ:
            variables = dict(item.split(b"=", 1) for item in environ.read().split(b"\0") if b"=" in item)
        secrets.add(variables[b"STREAMLIT_SERVER_COOKIE_SECRET"])
        with open(f"/proc/{replica.pid}/cmdline", "rb") as cmdline:
            assert b"cookieSecret" not in cmdline.read()
    [secret] = secrets
    assert re.fullmatch(rb"[0-9a-f]{64}", secret)


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.e2e
def test_sigterm_while_warming_up_leaves_nothing_behind(tmp_path):
    _require_nginx()
    served = ServeProcess(replicas=2, port=free_port(), log_dir=tmp_path)
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while http_get(f"{served.base_url}/_stcore/health", timeout_s=2)[0] != 503:
        assert time.monotonic() < deadline and served.process.poll() is None, served.output
        time.sleep(0.05)
    started = served.processes()
    assert len(started) >= 6, started  # serve.sh, 2 replicas, nginx master + workers, the warm-up
    assert any("warm_up.py" in command for command in started.values()), started
    ports = [replica.port for replica in served.replicas] + [served.port]
    assert served.stop(signal.SIGTERM) == 143, served.output  # raises if a process is left
    assert not any(_listening(port) for port in ports)


@pytest.mark.e2e
# (SIGINT with one replica: the same stop path, and a shorter start for the test budget)
@pytest.mark.parametrize(("sig", "replicas"), [(signal.SIGTERM, 2), (signal.SIGINT, 1)], ids=["SIGTERM", "SIGINT"])
def test_a_signal_when_serving_leaves_nothing_behind(tmp_path, sig, replicas):
    _require_nginx()
    served = ServeProcess(replicas=replicas, port=free_port(), log_dir=tmp_path)
    served.wait_ready(STARTUP_TIMEOUT_S)
    started = served.processes()
    workers = served.nginx_workers()
    assert workers and all(pid in started for pid in workers)
    assert {replica.pid for replica in served.replicas} | {served.nginx_pid} <= set(started)
    ports = [replica.port for replica in served.replicas] + [served.port]
    assert served.stop(sig) == 128 + sig, served.output  # raises if a process is left
    assert "serve.sh: stopped" in served.output
    assert not any(_listening(port) for port in ports)


def test_serve_sh_refuses_bad_arguments_and_explains_itself():
    def run(*arguments: str) -> subprocess.CompletedProcess:
        return subprocess.run(["bash", str(SERVE_SH), *arguments], capture_output=True, text=True, timeout=30)

    assert "--replicas N" in run("--help").stdout
    for arguments, message in [
        (("--replicas", "0"), "--replicas must be a whole number from 1 to 64, but got '0'"),
        (("--port", "http"), "--port must be a port number from 1 to 65535, but got 'http'"),
        (("--workers", "2"), "unknown argument '--workers'"),
    ]:
        result = run(*arguments)
        assert result.returncode == 2 and message in result.stderr, (arguments, result.stderr)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("--port", str(port))  # refused before anything starts
    assert result.returncode == 2 and f"cannot listen on 127.0.0.1:{port} (in use" in result.stderr, result.stderr
    assert result.stdout == ""


def _dockerfile() -> dict[str, list[str]]:
    """Each Dockerfile instruction (continuation lines joined) -> its arguments, in order."""
    instructions: dict[str, list[str]] = {}
    text = (REPO_ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, rest = line.strip().partition(" ")
            instructions.setdefault(name.upper(), []).append(rest.strip())
    return instructions


def test_the_dockerfile_serves_with_serve_sh_and_debians_nginx():
    """Not built here (no Docker daemon): what it runs is checked, not that it builds."""
    docker = _dockerfile()
    [entrypoint] = docker["ENTRYPOINT"]
    command = json.loads(entrypoint) + json.loads(docker["CMD"][0])
    assert command[:2] == ["bash", "deploy/serve.sh"], command
    port = command[command.index("--port") + 1]
    assert command[command.index("--address") + 1] == "0.0.0.0"  # reachable from outside the container
    assert "--replicas" in command
    assert docker["EXPOSE"] == [port]
    assert any("/_stcore/health" in check and f":{port}/" in check for check in docker["HEALTHCHECK"])
    assert any("apt-get install" in run and " nginx" in run for run in docker["RUN"])
    assert docker["USER"] and docker["USER"][-1] not in ("root", "0")
    ignored = {line.strip() for line in (REPO_ROOT / ".dockerignore").read_text().splitlines()}
    needed = {"app.py", "pages", "ui", "pooling_core", "assets", ".streamlit", "deploy", "requirements.txt"}
    assert not needed & ignored, needed & ignored
    assert {".git", ".venv"} <= ignored


def test_compose_runs_that_image_on_its_port():
    compose = (REPO_ROOT / "compose.yaml").read_text()
    docker = _dockerfile()
    port = json.loads(docker["ENTRYPOINT"][0])[-1]
    assert re.search(r"^\s+build: \.$", compose, re.MULTILINE)
    assert "entrypoint:" not in compose  # the image's serve.sh stays in charge
    assert re.search(r'"--replicas", "\$\{POOLING_LAB_REPLICAS:-2\}"', compose)
    assert re.search(rf'- "\$\{{POOLING_LAB_PORT:-{port}\}}:{port}"', compose)
    assert "STREAMLIT_SERVER_COOKIE_SECRET" in compose
    assert re.search(r"^\s+init: true", compose, re.MULTILINE)
