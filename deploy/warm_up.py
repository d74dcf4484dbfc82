"""Warm Streamlit replicas up: run every page of the app once on each, so no student pays the imports.

    python deploy/warm_up.py 40001 40002          # the replicas' ports on 127.0.0.1

A fresh Streamlit process imports a page's modules (plotly, torch for the live check, ...) the
first time some session runs that page: ~1-2 s that the first student on each replica would
wait. For each port this waits until the replica's ``/_stcore/health`` answers ``ok``, then
opens one session per page (the default page first: its ``navigation`` message lists the
others), each run to its ``script_finished``, with the protocol client of
``deploy/streamlit_client.py``. Replicas are warmed side by side. One session per page, not one
session walking every page: that is what each student's tab does first.

Exits 0 when every replica has run every page; 1 if a replica never became healthy or a run did
not finish (a page that shows an exception is reported but does not fail the warm-up: the
replica is as warm as it can be, and the page is the app's bug). serve.sh runs this before it
lets nginx's ``/_stcore/health`` say ok.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from deploy.serve_process import http_get  # noqa: E402
from deploy.streamlit_client import Session  # noqa: E402


def _healthy(base_url: str) -> bool:
    status, _, body = http_get(f"{base_url}/_stcore/health", timeout_s=2)
    return status == 200 and body.strip() == b"ok"


async def wait_healthy(base_url: str, deadline: float) -> bool:
    while not await asyncio.to_thread(_healthy, base_url):
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.2)
    return True


async def warm(port: int, timeout_s: float) -> bool:
    """Run every page of the app once on the replica at 127.0.0.1:`port`."""
    base_url = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    if not await wait_healthy(base_url, started + timeout_s):
        print(f"warm_up: {base_url} not healthy after {timeout_s:.0f} s", file=sys.stderr)
        return False
    pages, done = [""], []
    while pages:
        page = pages.pop(0)
        session = Session(base_url, timeout_s=timeout_s)
        try:
            run = await session.open(page)
        finally:
            await session.close()
        if run.status not in ("FINISHED_SUCCESSFULLY", "FINISHED_WITH_COMPILE_ERROR"):
            print(f"warm_up: {base_url}/{page}: the first run did not finish ({run.describe()})", file=sys.stderr)
            return False
        if not run.ok:
            print(f"warm_up: warning: {base_url}/{page} shows an error: {run.describe()}", file=sys.stderr)
        done.append(f"/{page} {run.seconds * 1000:.0f} ms")
        if page == "":
            pages += [path for path in session.pages if path]
    print(f"warm_up: 127.0.0.1:{port} warm in {time.monotonic() - started:.1f} s: {', '.join(done)}", flush=True)
    return True


async def main_async(ports: list[int], timeout_s: float) -> int:
    results = await asyncio.gather(*(warm(port, timeout_s) for port in ports))
    return 0 if all(results) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ports", type=int, nargs="+", help="the replicas' ports on 127.0.0.1")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to become healthy, and per run")
    args = parser.parse_args(argv)
    return asyncio.run(main_async(args.ports, args.timeout))


if __name__ == "__main__":
    raise SystemExit(main())
