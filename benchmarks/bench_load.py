"""A class at once: many protocol-level sessions against deploy/serve.sh, 1 replica and 2 side by side.

    python benchmarks/bench_load.py                                 # 300 sessions, /pool_1d, 1 and 2 replicas
    python benchmarks/bench_load.py --sessions 100 --duration 10    # a quicker look
    python benchmarks/bench_load.py --replicas 2 --page pool_2d     # one configuration, another page
    python benchmarks/bench_load.py --cpu-per-page                  # server CPU per new session, every page

**Load** (the default). For each replica count, the benchmark starts its own
``bash deploy/serve.sh --replicas R --port <free>`` (so nginx is in the path for 1 replica as
for 2) and waits until its health says ok (every replica warm). Then N sessions, each a
websocket that speaks Streamlit's protocol (``deploy/streamlit_client.py``; no browser, no
cookie, so nginx spreads them), open the page all at once: connect, send the first
``rerun_script``, wait for ``script_finished`` (the *first view*). Each session then finds the
widget whose key ends with ``kernel_size`` (``--control``) in what it received and, after an
exponential think time (mean ``--think``, 2 s), sets it to another valid value and waits for the
run to finish (a *change*), again and again for ``--duration`` seconds (30) after its own
first view. All sessions stay open until the last one is done.

Reported per configuration: first view and change p50 / p95; failed runs (a run that timed
out, lost its connection, did not finish successfully, or drew an exception); server CPU, the
sum of the replicas' user + system CPU time from /proc over the run (and per replica: one
Streamlit process cannot use much more than one core), nginx's and the load generator's own
CPU, and what other processes used meanwhile (all share this machine's cores); memory per
session, the growth of the replicas' summed RSS from before the sessions to its peak while they
were open, divided by N; and how nginx spread the sessions (each replica's own session counter,
/_stcore/metrics).

**CPU per new session** (``--cpu-per-page``): one warm replica behind nginx; for each page of
the app, K sessions (``--per-page``, 20) are opened one after another, each run to its first
view and closed; the replica's CPU time over them divided by K is what one more student
opening that page costs the server. Also shown: the st.cache_data / st.cache_resource lookups
per session that hit and that missed (Streamlit's metrics). A costly page with few hits does
its work anew for every session; misses are work repeated instead of shared.

Bounds: at most 300 sessions per configuration, a per-run timeout (``--timeout``), and every
process started (serve.sh and all it starts) is stopped on exit, Ctrl+C or SIGTERM. Everything
runs on 127.0.0.1. Targets (README): 300 sessions on 2 replicas: first view p95 ≤ 4 s, change
p95 ≤ 250 ms, no failed run; a new session on any page ≤ 50 ms of server CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import re
import shlex
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from deploy.serve_process import Replica, ServeProcess, cpu_seconds, http_get, rss_bytes, serve  # noqa: E402
from deploy.streamlit_client import Run, Session  # noqa: E402

MAX_SESSIONS = 300
TARGET_FIRST_VIEW_P95_S = 4.0
TARGET_CHANGE_P95_MS = 250.0
TARGET_CPU_PER_SESSION_MS = 50.0


@dataclass
class Load:
    """What one configuration measured."""

    replicas: int
    sessions: int
    first_views: list[float] = field(default_factory=list)  # seconds, successful first views
    changes: list[float] = field(default_factory=list)  # seconds, successful changes
    failures: Counter = field(default_factory=Counter)  # description -> count
    wall_s: float = 0.0
    replica_cpu_s: list[float] = field(default_factory=list)
    nginx_cpu_s: float = 0.0
    client_cpu_s: float = 0.0
    machine_busy_s: float = 0.0  # all of this machine's cores, every process
    rss_before: int = 0
    rss_peak: int = 0
    sessions_per_replica: list[int] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return sum(self.failures.values())


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def metric(base_url: str, pattern: str) -> dict[str, float]:
    """Values of the Streamlit metrics lines matching `pattern` (a regex on the line's name part)."""
    _, _, body = http_get(f"{base_url}/_stcore/metrics")
    found = {}
    for line in body.decode(errors="replace").splitlines():
        name, _, value = line.rpartition(" ")
        if name and not line.startswith("#") and re.search(pattern, name):
            found[name] = float(value)
    return found


def machine_busy_seconds() -> float:
    """CPU time every core of this machine has spent busy since boot (/proc/stat)."""
    with open("/proc/stat") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def connects(port: int) -> int:
    return int(sum(metric(f"http://127.0.0.1:{port}", r'^session_events_total\{type="connect"\}$').values()))


async def one_student(
    session: Session, page: str, control: str, duration_s: float, think_s: float, rng: random.Random, load: Load
) -> None:
    """Open the page; then change `control` after each think time until `duration_s` has passed."""

    def record(run: Run, into: list[float], what: str) -> bool:
        if run.ok:
            into.append(run.seconds)
            return True
        load.failures[f"{what}: {run.describe()[:120]}"] += 1
        return False

    if not record(await session.open(page), load.first_views, "first view"):
        return
    widget = session.find_widget(control)
    if widget is None:
        load.failures[f"no `{control}` widget among {sorted(w.user_key for w in session.widgets.values())}"] += 1
        return
    ends = time.perf_counter() + duration_s
    while True:
        pause = rng.expovariate(1 / think_s)
        if time.perf_counter() + pause > ends:
            return
        await asyncio.sleep(pause)
        if not record(await session.change(widget, widget.other_value(rng)), load.changes, "change"):
            return  # the session's state is unknown now: this student stops


async def sample_rss(pids: list[int], peak: list[int], stop: asyncio.Event) -> None:
    while not stop.is_set():
        peak[0] = max(peak[0], sum(rss_bytes(pid) for pid in pids))
        try:
            await asyncio.wait_for(stop.wait(), 0.5)
        except TimeoutError:
            pass


async def run_load(served: ServeProcess, args, replicas: int) -> Load:
    load = Load(replicas=replicas, sessions=args.sessions)
    pids = [replica.pid for replica in served.replicas]
    nginx = [served.nginx_pid, *served.nginx_workers()]
    connects_before = [connects(replica.port) for replica in served.replicas]
    load.rss_before = sum(rss_bytes(pid) for pid in pids)
    peak, stop = [load.rss_before], asyncio.Event()
    sampler = asyncio.create_task(sample_rss(pids, peak, stop))
    cpu_before = [cpu_seconds(pid) for pid in pids]
    nginx_before = sum(cpu_seconds(pid) for pid in nginx)
    machine_before = machine_busy_seconds()
    client_before, started = time.process_time(), time.perf_counter()

    sessions = [Session(served.base_url, timeout_s=args.timeout) for _ in range(args.sessions)]
    rngs = [random.Random(args.seed * 100_003 + i) for i in range(args.sessions)]
    try:
        await asyncio.gather(
            *(
                one_student(session, args.page, args.control, args.duration, args.think, rng, load)
                for session, rng in zip(sessions, rngs, strict=True)
            )
        )
        load.wall_s = time.perf_counter() - started
        load.replica_cpu_s = [cpu_seconds(pid) - before for pid, before in zip(pids, cpu_before, strict=True)]
        load.nginx_cpu_s = sum(cpu_seconds(pid) for pid in nginx) - nginx_before
        load.client_cpu_s = time.process_time() - client_before
        load.machine_busy_s = machine_busy_seconds() - machine_before
        stop.set()
        await sampler
        load.rss_peak = peak[0]
        load.sessions_per_replica = [
            connects(replica.port) - before for replica, before in zip(served.replicas, connects_before, strict=True)
        ]
    finally:
        stop.set()
        await asyncio.gather(*(session.close() for session in sessions))
    return load


@dataclass
class PageCost:
    """What one more session opening a page costs the server (--cpu-per-page)."""

    page: str
    cpu_ms: float  # replica CPU per new session
    view_ms: float  # median first view
    cache_hits: float  # st.cache_data / st.cache_resource lookups per session that hit ...
    cache_misses: float  # ... and that missed (work repeated for every session)
    top_misses: list[str]
    failures: int


def cache_lookups(replica: Replica) -> dict[tuple[str, str], float]:
    """(cache name, "hit" or "miss") -> lookups so far, from the replica's metrics."""
    found = {}
    for name, value in metric(f"http://127.0.0.1:{replica.port}", r"^cache_lookups_total\{").items():
        cache, result = re.search(r'cache="([^"]+)"', name), re.search(r'result="([^"]+)"', name)
        if cache and result:
            found[cache[1], result[1]] = value
    return found


async def cpu_per_page(served: ServeProcess, args) -> list[PageCost]:
    replica = served.replicas[0]
    probe = Session(served.base_url, timeout_s=args.timeout)
    await probe.open("")
    await probe.close()
    costs = []
    for page in probe.pages:
        await _open_and_close(served.base_url, page, args.timeout)  # untimed (serve.sh warmed it too)
        await asyncio.sleep(0.3)
        lookups_before = cache_lookups(replica)
        cpu_before = cpu_seconds(replica.pid)
        views, failures = [], 0
        for _ in range(args.per_page):
            run = await _open_and_close(served.base_url, page, args.timeout)
            if run.ok:
                views.append(run.seconds)
            else:
                failures += 1
        await asyncio.sleep(0.3)  # let the replica finish with the last disconnect
        cpu = cpu_seconds(replica.pid) - cpu_before
        per_session = Counter(
            {
                key: (value - lookups_before.get(key, 0)) / args.per_page
                for key, value in cache_lookups(replica).items()
                if value > lookups_before.get(key, 0)
            }
        )
        misses = Counter({cache: count for (cache, result), count in per_session.items() if result == "miss"})
        costs.append(
            PageCost(
                page=page,
                cpu_ms=cpu / args.per_page * 1000,
                view_ms=statistics.median(views) * 1000 if views else float("nan"),
                cache_hits=sum(count for (_, result), count in per_session.items() if result == "hit"),
                cache_misses=sum(misses.values()),
                top_misses=[f"{cache} ×{count:g}" for cache, count in misses.most_common(3)],
                failures=failures,
            )
        )
    return costs


async def _open_and_close(base_url: str, page: str, timeout_s: float) -> Run:
    session = Session(base_url, timeout_s=timeout_s)
    try:
        return await session.open(page)
    finally:
        await session.close()


def load_table(loads: list[Load], args) -> list[str]:
    def cell(load: Load, what: str) -> str:
        if what == "sessions":
            spread = " + ".join(str(count) for count in load.sessions_per_replica)
            return f"{load.sessions}" + (f" ({spread})" if len(load.sessions_per_replica) > 1 else "")
        if what == "first":
            if not load.first_views:
                return "–"
            return f"{percentile(load.first_views, 0.5):.2f} / **{percentile(load.first_views, 0.95):.2f}** s"
        if what == "changes":
            return f"{len(load.changes)} ({len(load.changes) / max(load.wall_s, 1e-9):.0f}/s)"
        if what == "change":
            if not load.changes:
                return "–"
            values = [v * 1000 for v in load.changes]
            return f"{percentile(values, 0.5):.0f} / **{percentile(values, 0.95):.0f}** ms"
        if what == "failed":
            return str(load.failed)
        if what == "cpu":
            total = sum(load.replica_cpu_s)
            return f"{total:.1f} s ({total / load.wall_s:.2f} cores)"
        if what == "per_run":
            runs = len(load.first_views) + len(load.changes) + load.failed
            return f"{sum(load.replica_cpu_s) / max(runs, 1) * 1000:.1f} ms"
        if what == "per_replica":
            return " · ".join(f"{cpu / load.wall_s:.2f}" for cpu in load.replica_cpu_s) + " cores"
        if what == "nginx":
            return f"{load.nginx_cpu_s:.1f} s"
        if what == "client":
            return f"{load.client_cpu_s:.1f} s ({load.client_cpu_s / load.wall_s:.2f} cores)"
        if what == "others":
            others = load.machine_busy_s - sum(load.replica_cpu_s) - load.nginx_cpu_s - load.client_cpu_s
            return f"{max(others, 0) / load.wall_s:.2f} cores"
        if what == "memory":
            return f"{(load.rss_peak - load.rss_before) / load.sessions / 1e6:.2f} MB"
        if what == "rss":
            return f"{load.rss_before / 1e6:.0f} → {load.rss_peak / 1e6:.0f} MB"
        if what == "wall":
            return f"{load.wall_s:.0f} s"
        raise ValueError(what)

    two = next((load for load in loads if load.replicas == 2 and load.sessions == MAX_SESSIONS), None)

    def verdict(ok: bool) -> str:
        return "✅" if ok else "❌"

    targets = {
        "first": f"{verdict(percentile(two.first_views, 0.95) <= TARGET_FIRST_VIEW_P95_S)} p95 ≤ 4 s" if two else "",
        "change": f"{verdict(percentile(two.changes, 0.95) * 1000 <= TARGET_CHANGE_P95_MS)} p95 ≤ 250 ms"
        if two and two.changes
        else "",
        "failed": f"{verdict(two.failed == 0)} 0" if two else "",
    }
    rows = [
        ("sessions (per replica, as nginx spread them)", "sessions"),
        ("first view p50 / p95", "first"),
        ("changes (rate)", "changes"),
        ("change p50 / p95", "change"),
        ("failed runs", "failed"),
        ("server CPU: replicas, total", "cpu"),
        ("… per replica", "per_replica"),
        ("… per run (first views and changes)", "per_run"),
        ("nginx CPU", "nginx"),
        ("load generator CPU (this process)", "client"),
        ("other processes on this machine (shared)", "others"),
        ("memory per session (RSS growth / sessions)", "memory"),
        ("replicas' RSS, before → peak", "rss"),
        ("duration", "wall"),
    ]
    header = " | ".join(f"{load.replicas} replica{'s' if load.replicas > 1 else ''}" for load in loads)
    lines = [
        f"| /{args.page}, {args.sessions} sessions | {header} | target (300 sessions, 2 replicas) |",
        "|---|" + "---:|" * len(loads) + ":--|",
    ]
    for label, what in rows:
        lines.append(f"| {label} | " + " | ".join(cell(load, what) for load in loads) + f" | {targets.get(what, '')} |")
    for load in loads:
        for failure, count in load.failures.most_common(5):
            lines.append(f"\n❌ {load.replicas} replica(s): {count} × {failure}")
    return lines


def cpu_table(costs: list[PageCost], args) -> list[str]:
    lines = [
        f"Server CPU per new session, {args.per_page} sessions per page opened one after another on one warm "
        "replica (behind nginx), each run to its first view and closed:",
        "",
        "| page | CPU per new session | first view, median | st.cache lookups per session: hit / miss | target |",
        "|---|---:|---:|---|:-:|",
    ]
    for cost in costs:
        verdict = "✅" if cost.cpu_ms <= TARGET_CPU_PER_SESSION_MS and not cost.failures else "❌"
        cache = f"{cost.cache_hits:g} / {cost.cache_misses:g}" + (
            f" ({', '.join(cost.top_misses)})" if cost.top_misses else ""
        )
        failed = f" ({cost.failures} failed)" if cost.failures else ""
        lines.append(
            f"| /{cost.page} | **{cost.cpu_ms:.0f} ms**{failed} | {cost.view_ms:.0f} ms | {cache} | {verdict} ≤ 50 ms |"
        )
    return lines


def header(argv: list[str]) -> list[str]:
    command = "python benchmarks/bench_load.py" + ("" if not argv else " " + shlex.join(argv))
    machine = platform.processor() or platform.machine()
    return [
        f"$ {command}",
        "",
        f"Pooling Lab load benchmark · {time.strftime('%Y-%m-%d %H:%M')} · {machine} · {os.cpu_count()} CPUs"
        f" · load {os.getloadavg()[0]:.1f} before the run",
        "",
    ]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=300, help=f"simultaneous sessions (≤ {MAX_SESSIONS})")
    parser.add_argument(
        "--replicas", type=int, action="append", help="replica counts to compare (repeatable; default: 1 and 2)"
    )
    parser.add_argument("--page", default="pool_1d", help="page to open (its URL path; default pool_1d)")
    parser.add_argument("--control", default="kernel_size", help="key (or its ending) of the widget to change")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of changes per session (default 30)")
    parser.add_argument("--think", type=float, default=2.0, help="mean think time between changes, s (default 2)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds before a run counts as failed")
    parser.add_argument("--seed", type=int, default=0, help="seed of the think times and values")
    parser.add_argument("--cpu-per-page", action="store_true", help="measure server CPU per new session, every page")
    parser.add_argument("--per-page", type=int, default=20, help="sessions per page for --cpu-per-page (default 20)")
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= MAX_SESSIONS:
        parser.error(f"--sessions must be from 1 to {MAX_SESSIONS}")
    if not 0 < args.duration <= 120:
        parser.error("--duration must be more than 0 and at most 120 s")
    if not 1 <= args.per_page <= 50:
        parser.error("--per-page must be from 1 to 50")
    replica_counts = args.replicas or [1, 2]
    if any(not 1 <= count <= 4 for count in replica_counts):
        parser.error("--replicas must be from 1 to 4")

    # SIGTERM must unwind like Ctrl+C, so that serve.sh (in a session of its own) is stopped too.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    print("\n".join(header(argv)), flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-load-") as scratch:
        if args.cpu_per_page:
            with serve(1, Path(scratch) / "logs-cpu") as served:
                costs = asyncio.run(cpu_per_page(served, args))
            print("\n".join(cpu_table(costs, args)))
            return 0
        print(
            f"{args.sessions} protocol-level sessions (no browser, no cookie) open /{args.page} at once, then each "
            f"changes `{args.control}` after exponential think times (mean {args.think:g} s) for {args.duration:g} s; "
            "each configuration is its own `bash deploy/serve.sh --replicas R` (nginx in front, replicas warm).\n",
            flush=True,
        )
        loads = []
        for count in replica_counts:
            with serve(count, Path(scratch) / f"logs-{count}") as served:
                loads.append(asyncio.run(run_load(served, args, count)))
            done = loads[-1]
            print(f"({count} replica(s) done: {len(done.first_views)} first views, {len(done.changes)} changes)")
        print("\n" + "\n".join(load_table(loads, args)))
    return 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except KeyboardInterrupt:  # Ctrl+C or SIGTERM: the servers were stopped on the way out
        print("bench_load: interrupted; every server it started has been stopped", file=sys.stderr)
        raise SystemExit(130) from None
