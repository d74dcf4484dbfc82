"""Run deploy/serve.sh from Python and watch what it started: for the tests and the load benchmark.

    with serve(replicas=2) as served:           # returns once /_stcore/health says ok
        served.base_url                          # http://127.0.0.1:<free port>, the balancer
        served.replicas                          # [Replica(index=1, pid=..., port=...), ...]
        cpu_seconds(served.replicas[0].pid)      # user + system CPU time, from /proc
    # here serve.sh has had SIGTERM and exited, and no process it started is left

serve.sh runs in a session of its own, so every process it starts (the replicas, nginx's master
and workers, the warm-up) carries its session id, even one orphaned and re-parented to init:
`ServeProcess.processes()` finds them all in /proc, which is how "nothing left behind" is
checked. Linux only (/proc).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SERVE_SH = REPO_ROOT / "deploy" / "serve.sh"
_REPLICA_LINE = re.compile(r"^serve\.sh: replica (\d+) pid (\d+) http://127\.0\.0\.1:(\d+)$")
_NGINX_LINE = re.compile(r"^serve\.sh: nginx pid (\d+) ")
_READY_LINE = re.compile(r"^serve\.sh: ready: ")
# One line of nginx's access log in deploy/nginx.conf.in's `balanced` format.
_ACCESS_LINE = re.compile(r'"(?P<request>[^"]*)" (?P<status>\d+) \d+ upstream=(?P<upstream>\S*) route=(?P<route>\S*)')
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


class ServeError(RuntimeError):
    """serve.sh did not become ready (the message holds its output)."""


@dataclass(frozen=True)
class Replica:
    index: int  # 1-based, as serve.sh numbers them
    pid: int
    port: int

    @property
    def address(self) -> str:
        """As nginx's $upstream_addr writes it."""
        return f"127.0.0.1:{self.port}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http_get(url: str, cookie: str | None = None, timeout_s: float = 5.0) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of a GET, without any proxy; (0, {}, b"") if nothing answered."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with opener.open(request, timeout=timeout_s) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read()
    except OSError:
        return 0, {}, b""


def _stat_fields(pid: int) -> list[str]:
    """Fields of /proc/<pid>/stat after the command name (which may hold spaces): [0] is the state."""
    with open(f"/proc/{pid}/stat") as stat:
        text = stat.read()
    return text[text.rindex(")") + 2 :].split()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far (0 if it is gone)."""
    try:
        fields = _stat_fields(pid)
    except (OSError, ValueError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS  # utime, stime


def rss_bytes(pid: int) -> int:
    """Resident memory of the process (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * _PAGE_SIZE
    except (OSError, ValueError):
        return 0


def session_processes(session_id: int) -> dict[int, str]:
    """Live processes (not zombies) whose session id is `session_id`: pid -> command line."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = _stat_fields(int(entry))
            if int(fields[3]) != session_id or fields[0] == "Z":
                continue
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                found[int(entry)] = cmdline.read().replace(b"\0", b" ").decode(errors="replace").strip()
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
    return found


class ServeProcess:
    """A running `bash deploy/serve.sh` and what it printed."""

    def __init__(self, replicas: int, port: int, log_dir: Path, python: str = sys.executable) -> None:
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"
        self.log_dir = Path(log_dir)
        self.lines: list[tuple[float, str]] = []  # (time.monotonic() when read, line)
        self._ready = threading.Event()
        self._done = threading.Event()
        env = dict(os.environ, POOLING_LAB_PYTHON=python)
        env.pop("STREAMLIT_SERVER_COOKIE_SECRET", None)  # serve.sh generates one per run
        self.process = subprocess.Popen(
            ["bash", str(SERVE_SH), "--replicas", str(replicas), "--port", str(port), "--log-dir", str(log_dir)],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own session: see session_processes
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append((time.monotonic(), line.rstrip("\n")))
            if _READY_LINE.match(line):
                self._ready.set()
        self._done.set()

    @property
    def output(self) -> str:
        return "\n".join(line for _, line in self.lines)

    @property
    def replicas(self) -> list[Replica]:
        found = (_REPLICA_LINE.match(line) for _, line in self.lines)
        return [Replica(int(m[1]), int(m[2]), int(m[3])) for m in found if m]

    @property
    def nginx_pid(self) -> int | None:
        found = [_NGINX_LINE.match(line) for _, line in self.lines]
        return next((int(m[1]) for m in found if m), None)

    def nginx_workers(self) -> list[int]:
        """The nginx master's children (its worker processes)."""
        master = self.nginx_pid
        if master is None:
            return []
        return [pid for pid in self.processes() if pid != master and _parent(pid) == master]

    def wait_ready(self, timeout_s: float = 120.0) -> None:
        """Block until serve.sh says ready and the balancer's health check says ok."""
        deadline = time.monotonic() + timeout_s
        while not self._ready.wait(0.1):
            if self._done.is_set() or time.monotonic() > deadline:
                self._reader.join(2)
                raise ServeError(
                    f"serve.sh did not become ready within {timeout_s:.0f} s "
                    f"(exit code {self.process.poll()}); it printed:\n{self.output}\n{self.logs_tail()}"
                )
        status, _, body = http_get(f"{self.base_url}/_stcore/health")
        if status != 200 or body.strip() != b"ok":
            raise ServeError(f"serve.sh said ready but health answered {status} {body!r}:\n{self.output}")

    def logs_tail(self, lines: int = 15) -> str:
        parts = []
        for log in sorted(self.log_dir.glob("*.log")):
            tail = log.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"--- {log.name}\n" + "\n".join(tail))
        return "\n".join(parts)

    def access_log(self) -> list[dict[str, str]]:
        """nginx's access log: one dict per request with request, status, upstream and route."""
        path = self.log_dir / "nginx-access.log"
        if not path.exists():
            return []
        entries = []
        for line in path.read_text().splitlines():
            match = _ACCESS_LINE.search(line)
            if match:
                entries.append(match.groupdict())
        return entries

    def processes(self) -> dict[int, str]:
        """Every live process serve.sh started (and serve.sh itself): pid -> command line."""
        return session_processes(self.process.pid)

    def stop(self, sig: int = signal.SIGTERM, timeout_s: float = 30.0) -> int:
        """Send `sig` to serve.sh (only to it), wait for it to exit; return its exit code.

        Raises ServeError (after killing them) if any process it started outlives it.
        """
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            code = self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            code = None
        self._reader.join(5)
        left = self.processes()
        if code is None or left:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)  # serve.sh's own process group
            for pid in left:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            self.process.wait(timeout=10)
            raise ServeError(f"serve.sh left processes behind after signal {sig} (exit {code}): {left}")
        return code


def _parent(pid: int) -> int | None:
    try:
        return int(_stat_fields(pid)[1])
    except (OSError, ValueError, IndexError):
        return None


@contextlib.contextmanager
def serve(
    replicas: int, log_dir: Path, port: int | None = None, timeout_s: float = 120.0, python: str = sys.executable
) -> Iterator[ServeProcess]:
    """Run serve.sh with `replicas` on `port` (a free one by default) until ready; stop it after."""
    served = ServeProcess(replicas, port or free_port(), log_dir, python=python)
    try:
        served.wait_ready(timeout_s)
        yield served
    finally:
        served.stop()
