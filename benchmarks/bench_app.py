"""How fast the app answers a parameter change in a real browser, and how much it sends.

    python benchmarks/bench_app.py                          # /pool_1d
    python benchmarks/bench_app.py --page pool_2d --page images
    python benchmarks/bench_app.py --changes 40 --base-url http://127.0.0.1:8501
    python benchmarks/bench_app.py --page images --uploads 10   # more timed uploads (default 5)

For each page, in headless Chromium (Debian's `chromium`, offline like the browser tests):

* **Latency** of a parameter change: from the key press (or click) to the updated view, which
  is: the run's `script_finished` ForwardMsg has arrived on the page's websocket, no element
  of the previous run is left (`data-stale`), no element is still a loading placeholder, and the
  page's text (main column: output numbers, formula, step) differs from before. Timed inside
  the browser (see `_WATCH`): from its own keydown/pointerdown event (for a typed value, the
  Enter that commits it) to the animation frame after the page changed. Measured for
  ≥ 20 keyboard changes of the `kernel_size` slider (alternating → and ←), for clicks cycling
  through the `function` radio, and for clicks on the `return_indices` toggle (a rerun that
  leaves the figure unchanged: what the rest of the page costs). Also reported: when the
  browser sent its rerun request, when `script_finished` arrived, and when the Plotly chart had
  been redrawn (a new `_fullLayout`), both at the following animation frame. The two websocket
  columns are stamped in Python when the browser reports the frame (a busy renderer delays
  them) and put on the page's clock through the wall clock. A change that shows no new text
  (the /images `return_indices` toggle) is timed from Python instead, polling every few ms.
* **Server only**: the same slider changes sent by a websocket client that speaks Streamlit's
  protocol, without a browser, timed to `script_finished`: what the server costs alone.
* **Payload** of the default view on a fresh browser context: total bytes of the ForwardMsgs
  received over the websocket (as decoded by the browser, i.e. after permessage-deflate, if
  negotiated), the length of each Plotly chart's spec JSON (the `plotly_chart` element of the
  Delta), how much of it is animation frames, and the deflated size of the spec as an estimate
  of the bytes on the wire.

* **Upload** (pages with the image uploader, i.e. /images): a 2048×2048 RGB PNG (a gradient
  with noise, ~9.6 MB, a different seed each time so that no server cache is hit) chosen in
  the file chooser (`set_input_files`), timed until the pooled view is visible: the run has
  finished, nothing is stale, the shapes line reads `(3, 2048, 2048)`, and the overview figure
  (original | max | avg) has drawn three new pictures in its SVG. Each upload runs in a fresh
  browser context (a fresh Streamlit session) that first loads the page's default view; one
  untimed upload comes first. Also reported: when the browser started and finished the HTTP
  upload, sent its rerun request, and received `script_finished`.

Targets (see the README): median latency ≤ 150 ms, figure payload ≤ 300 KB, median upload →
pooled view ≤ 2 s. The script prints a markdown table per page and exits non-zero if a target is
missed (with --strict).

Other pages: every option has a default that fits the pages built on `ui.controls`
(`kernel_size` slider or text input, `function` radio, `return_indices` toggle); override
with --control, --radio, --toggle, or set a key to `none` to skip that measurement.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from playwright.sync_api import Page, sync_playwright  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from deploy.streamlit_client import text_neighbour  # noqa: E402
from scripts.browser import (  # noqa: E402
    CHROMIUM_ARGS,
    LOCAL_HOSTS,
    OFFLINE_PROXY,
    chosen,
    find_chromium,
    open_select_box,
    streamlit_server_process,
    wait_for_plotly,
)
from ui import state  # noqa: E402

TARGET_MEDIAN_MS = 150.0
TARGET_PAYLOAD_BYTES = 300 * 1024
TARGET_UPLOAD_MS = 2000.0  # 2048×2048 RGB PNG chosen → pooled view visible
UPLOAD_SIDE = 2048
UPLOADER = f".st-key-{state.private_key('images', 'upload')} input[type=file]"  # ui.views.images
OVERVIEW = ".st-key-images_side_by_side .js-plotly-plot"  # the original | max | avg figure
RUN_TIMEOUT_S = 30.0
CHART_REDRAW_TIMEOUT_S = 2.0  # after the updated view; a chart that did not change is not waited for

# Everything the page shows as text in its main column, plus each image's source length (so
# image pages change their signature too). Compared before and after an action.
_SIGNATURE = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    if (!main) return '';
    const images = [...main.querySelectorAll('img')].map(img => img.src.length).join(',');
    return main.innerText + '|' + images;
}"""
# For a change that shows nothing new (e.g. return_indices on /images, whose pictures drop the
# indices): the run's elements are drawn, whatever the text.
_SETTLED = """() => document.querySelector('[data-stale="true"]') === null
    && document.querySelector('[data-testid="stSkeleton"]') === null"""
_REMEMBER_CHART = """() => {
    const plot = document.querySelector('.js-plotly-plot');
    window.__benchLayout = plot ? plot._fullLayout : null;
    return !!plot;
}"""
_CHART_REDRAWN = """() => {
    const plot = document.querySelector('.js-plotly-plot');
    return !!(plot && plot._fullLayout && plot._fullLayout !== window.__benchLayout);
}"""


@dataclass
class Recorder:
    """What arrives on the page's Streamlit websocket."""

    finished: list[float] = field(default_factory=list)  # perf_counter at each script_finished
    sent: list[float] = field(default_factory=list)  # perf_counter at each BackMsg the page sent
    finished_epoch_ms: list[float] = field(default_factory=list)  # the same, as wall-clock ms
    sent_epoch_ms: list[float] = field(default_factory=list)
    frames: list[bytes] = field(default_factory=list)
    external: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        def on_frame(payload: str | bytes) -> None:
            if isinstance(payload, str):
                return
            self.frames.append(payload)
            message = ForwardMsg.FromString(payload)
            if message.WhichOneof("type") == "script_finished":
                if message.script_finished != ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN:
                    self.finished.append(time.perf_counter())
                    self.finished_epoch_ms.append(time.time() * 1000)

        def on_sent(payload: str | bytes) -> None:
            self.sent.append(time.perf_counter())
            self.sent_epoch_ms.append(time.time() * 1000)

        def on_websocket(websocket) -> None:
            if "/_stcore/stream" in websocket.url:
                websocket.on("framereceived", on_frame)
                websocket.on("framesent", on_sent)

        def on_request(request) -> None:
            parts = urlsplit(request.url)
            if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOCAL_HOSTS:
                self.external.append(request.url)

        page.on("websocket", on_websocket)
        page.context.on("request", on_request)


@dataclass
class Sample:
    sent_ms: float | None  # the browser sent its rerun request (BackMsg)
    finished_ms: float
    view_ms: float
    chart_ms: float | None


# Installed in the page before each timed change: times the change from inside the browser.
# The clock starts at the browser's own input event (the Enter or arrow key, or the pointer
# press), not at Python's request for it. A MutationObserver checks, after each change to the
# page, whether the updated view is there (nothing stale, no placeholder, the text changed);
# the view counts as shown at the next animation frame (the paint). The chart counts as
# redrawn when Plotly has replaced its layout, again at the next frame. Python then waits for
# the result polling every 50 ms, so that it does not compete with the page for the CPU (an
# earlier version polled with page.evaluate every few ms from Python, which slowed the very
# renderer it timed).
_WATCH = f"""(before) => {{
    const now = () => performance.timeOrigin + performance.now();
    const signature = {_SIGNATURE.strip()};
    const firstPlot = document.querySelector('.js-plotly-plot');
    const oldLayout = firstPlot ? firstPlot._fullLayout : null;
    const state = {{input: null, dom: null, view: null, chart: null, hadChart: !!oldLayout}};
    const onInput = (event) => {{
        if (state.input !== null) return;
        if (event.type === 'keydown' && !(event.key === 'Enter' || event.key.startsWith('Arrow'))) return;
        state.input = now();
    }};
    document.addEventListener('keydown', onInput, {{capture: true}});
    document.addEventListener('pointerdown', onInput, {{capture: true}});
    const check = () => {{
        if (state.input === null) return;
        if (state.dom === null
                && document.querySelector('[data-stale="true"]') === null
                && document.querySelector('[data-testid="stSkeleton"]') === null
                && signature() !== before) {{
            state.dom = now();
            requestAnimationFrame(() => {{ state.view = now(); }});
        }}
        if (state.chart === null && oldLayout) {{
            const plot = document.querySelector('.js-plotly-plot');
            if (plot && plot._fullLayout && plot._fullLayout !== oldLayout) {{
                state.chart = -1;
                requestAnimationFrame(() => {{ state.chart = now(); }});
            }}
        }}
    }};
    const observer = new MutationObserver(check);
    observer.observe(document.body, {{subtree: true, childList: true, attributes: true, characterData: true}});
    state.stop = () => {{
        observer.disconnect();
        document.removeEventListener('keydown', onInput, {{capture: true}});
        document.removeEventListener('pointerdown', onInput, {{capture: true}});
    }};
    window.__benchWatch = state;
}}"""


def measure(page: Page, recorder: Recorder, action, expect_chart: bool = True, expect_change: bool = True) -> Sample:
    """Run `action` and time the milestones of the rerun it causes, from the browser's input event.

    ``expect_change=False``: the view counts as updated once the run has finished and nothing is
    stale, even if the page's text is the same (for changes that show nothing new); there is no
    page change to watch for, so that case is timed from Python (see `measure_from_python`).
    """
    if not expect_change:
        return measure_from_python(page, recorder, action)
    page.evaluate(_WATCH, page.evaluate(_SIGNATURE))
    runs_before, sent_before = len(recorder.finished), len(recorder.sent)
    action()
    try:
        page.wait_for_function("() => window.__benchWatch.view !== null", polling=50, timeout=RUN_TIMEOUT_S * 1000)
    except PlaywrightTimeout as error:
        raise TimeoutError(f"no updated view within {RUN_TIMEOUT_S:.0f} s") from error
    deadline = time.perf_counter() + RUN_TIMEOUT_S
    while len(recorder.finished) <= runs_before:  # the view must come from a finished run
        if time.perf_counter() > deadline:
            raise TimeoutError("the page changed but no run finished")
        page.wait_for_timeout(20)
    if expect_change and expect_chart:
        with contextlib.suppress(PlaywrightTimeout):  # a chart that did not change is not waited for
            page.wait_for_function(
                "() => !window.__benchWatch.hadChart || window.__benchWatch.chart > 0",
                polling=50, timeout=CHART_REDRAW_TIMEOUT_S * 1000,
            )  # fmt: skip
    state = page.evaluate("() => { const s = window.__benchWatch; s.stop(); return s; }")
    started = state["input"]
    sent_at = recorder.sent_epoch_ms[sent_before] if len(recorder.sent_epoch_ms) > sent_before else None
    chart = state["chart"] if state["chart"] and state["chart"] > 0 else None
    finished_ms = recorder.finished_epoch_ms[runs_before] - started
    chart_ms = chart - started if chart is not None else None
    # The view is updated once the run that makes it has finished and what it changed is drawn:
    # a slider shows its own new value at once, and a fragment's rerun need not mark the old
    # elements stale first, so "the text changed, nothing stale" alone can come before the run
    # (it gave 4 ms for a slider whose run took 42). Hence the latest of the three.
    view_ms = max(state["view"] - started, finished_ms, chart_ms or 0.0)
    return Sample(
        sent_ms=sent_at - started if sent_at is not None else None,
        finished_ms=finished_ms,
        view_ms=view_ms,
        chart_ms=chart_ms,
    )


def measure_from_python(page: Page, recorder: Recorder, action) -> Sample:
    """Time a change that leaves the page's text as it was: from Python's request for the input
    until the run has finished and nothing is stale (polled from Python)."""
    runs_before = len(recorder.finished)
    sent_before = len(recorder.sent)
    started = time.perf_counter()
    action()
    deadline = started + RUN_TIMEOUT_S
    view_at = None
    while view_at is None:
        # (each evaluate also lets Playwright deliver websocket events)
        settled = page.evaluate(_SETTLED)
        now = time.perf_counter()
        if settled and len(recorder.finished) > runs_before:
            view_at = now
        elif now > deadline:
            raise TimeoutError(f"no finished run within {RUN_TIMEOUT_S:.0f} s")
    sent_at = recorder.sent[sent_before] if len(recorder.sent) > sent_before else None
    return Sample(
        sent_ms=(sent_at - started) * 1000 if sent_at is not None else None,
        finished_ms=(recorder.finished[runs_before] - started) * 1000,
        view_ms=(view_at - started) * 1000,
        chart_ms=None,
    )


def probe_change(page: Page, recorder: Recorder, action) -> bool:
    """Run `action` untimed; wait for its run to finish and be drawn; say whether the text changed."""
    before = page.evaluate(_SIGNATURE)
    runs_before = len(recorder.finished)
    action()
    deadline = time.perf_counter() + RUN_TIMEOUT_S
    while True:
        settled = page.evaluate(_SETTLED)  # evaluated every time: it lets Playwright deliver websocket events
        if settled and len(recorder.finished) > runs_before:
            break
        if time.perf_counter() > deadline:
            raise TimeoutError(f"no run finished within {RUN_TIMEOUT_S:.0f} s")
    return page.evaluate(_SIGNATURE) != before


def open_view(page: Page, recorder: Recorder, url: str) -> float:
    """Open `url`; return seconds until the first run is drawn and its charts have rendered."""
    started = time.perf_counter()
    runs_before = len(recorder.finished)
    page.goto(url, wait_until="domcontentloaded")
    while len(recorder.finished) <= runs_before:
        if time.perf_counter() - started > RUN_TIMEOUT_S * 2:
            raise TimeoutError(f"{url}: the first run did not finish")
        page.wait_for_timeout(10)
    page.wait_for_function(
        "() => document.querySelector('[data-stale=\"true\"]') === null"
        " && document.querySelector('[data-testid=\"stSkeleton\"]') === null",
        timeout=RUN_TIMEOUT_S * 1000,
    )
    if page.locator('[data-testid="stPlotlyChart"]').count():
        wait_for_plotly(page)
    return time.perf_counter() - started


def payload(frames: list[bytes]) -> dict:
    """Sizes of the messages of one page load."""
    charts = []
    for raw in frames:
        message = ForwardMsg.FromString(raw)
        if message.WhichOneof("type") != "delta" or message.delta.WhichOneof("type") != "new_element":
            continue
        element = message.delta.new_element
        if element.WhichOneof("type") != "plotly_chart":
            continue
        spec = element.plotly_chart.spec
        figure = json.loads(spec)
        frames_json = json.dumps(figure.get("frames", []), separators=(",", ":"))
        charts.append(
            dict(
                spec_bytes=len(spec.encode()),
                deflated_bytes=len(zlib.compress(spec.encode(), 6)),
                frames=len(figure.get("frames", [])),
                frames_bytes=len(frames_json.encode()),
                message_bytes=len(raw),
            )
        )
    return dict(total_bytes=sum(len(raw) for raw in frames), messages=len(frames), charts=charts)


def server_only(base_url: str, page_name: str, field: str, changes: int, warmup: int) -> list[float] | None:
    """Rerun times without a browser: the protocol client of ``deploy/streamlit_client.py`` (a
    websocket session that speaks Streamlit's BackMsg/ForwardMsg) sends the same changes of the
    page's control ``field`` back and forth and times each until ``script_finished``. What the
    server alone costs, with no renderer competing for the CPU. None if there is no such control.
    """
    import asyncio  # noqa: PLC0415

    from deploy.streamlit_client import Session  # noqa: PLC0415 - websockets, only for this measurement

    async def measure_changes() -> list[float] | None:
        session = Session(base_url)
        try:
            await session.open(page_name)
            widget = session.find_widget(state.key(page_name, field))
            if widget is None:
                return None
            start, other = widget.value, widget.other_value(random.Random(0))
            times = []
            for i in range(warmup * 2 + changes):
                run = await session.change(widget, other if i % 2 == 0 else start)
                if i >= warmup * 2:
                    times.append(run.seconds * 1000)
            return times
        finally:
            await session.close()

    # Playwright's sync API keeps an event loop on this thread: the client gets a thread of its own.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, measure_changes()).result()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarise(label: str, samples: list[Sample]) -> list[str]:
    views = [s.view_ms for s in samples]
    finished = [s.finished_ms for s in samples]
    charts = [s.chart_ms for s in samples if s.chart_ms is not None]
    sent = [s.sent_ms for s in samples if s.sent_ms is not None]

    def cell(values: list[float]) -> str:
        return f"{statistics.median(values):.0f} / {percentile(values, 0.95):.0f}" if values else "–"

    verdict = "✅" if statistics.median(views) <= TARGET_MEDIAN_MS else "❌"
    return [
        f"| {label} | {len(samples)} | {cell(sent)} | {cell(finished)} "
        f"| **{statistics.median(views):.0f}** / {percentile(views, 0.95):.0f} | {cell(charts)} "
        f"| {min(views):.0f}–{max(views):.0f} | {verdict} |"
    ]


# The overview figure's pictures: the data URI of each trace, and the hrefs drawn in its SVG.
_OVERVIEW_SOURCES = f"""() => {{
    const plot = document.querySelector('{OVERVIEW}');
    return plot && plot._fullData ? plot._fullData.map(trace => trace.source || '') : [];
}}"""
# The pooled view of the upload: drawn (no stale element, no placeholder), the shapes line
# names the upload's shape, and every picture of the overview is new and drawn in the SVG.
_UPLOAD_VIEW = f"""([shape, old]) => {{
    if (document.querySelector('[data-stale="true"]') || document.querySelector('[data-testid="stSkeleton"]'))
        return false;
    const main = document.querySelector('[data-testid="stMain"]');
    if (!main || !main.innerText.includes(shape)) return false;
    const plot = document.querySelector('{OVERVIEW}');
    if (!plot || !plot._fullData) return false;
    const sources = plot._fullData.map(trace => trace.source || '');
    const drawn = [...plot.querySelectorAll('.imagelayer image')].map(image => image.getAttribute('href'));
    return sources.length === 3 && sources.every(s => s && !old.includes(s) && drawn.includes(s));
}}"""


@dataclass
class UploadSample:
    request_ms: float | None  # the browser started the HTTP upload (PUT /_stcore/upload_file)
    uploaded_ms: float | None  # ... and had the server's answer
    sent_ms: float | None  # the browser sent its rerun request (BackMsg)
    finished_ms: float | None  # script_finished arrived
    view_ms: float  # the pooled view is visible


def upload_files(folder: Path, count: int) -> list[Path]:
    """``count`` different 2048×2048 RGB PNGs (gradients and noise, like a photo's texture)."""
    from scripts.sample_files import encode, photo  # noqa: PLC0415 - numpy and pillow only here

    paths = []
    for seed in range(count):
        path = folder / f"upload_{UPLOAD_SIDE}_{seed}.png"
        path.write_bytes(encode(photo(UPLOAD_SIDE, UPLOAD_SIDE, seed=seed)))
        paths.append(path)
    return paths


def measure_upload(browser, url: str, path: Path) -> tuple[UploadSample, list[str]]:
    """Open ``url`` in a fresh context, choose ``path`` in the image uploader, time the pooled view.

    Returns the sample and the requests that left localhost.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        recorder = Recorder()
        recorder.attach(page)
        upload_started: list[float] = []
        upload_done: list[float] = []

        def on_request(request) -> None:
            if "/_stcore/upload_file" in request.url:
                upload_started.append(time.perf_counter())

        def on_request_finished(request) -> None:
            if "/_stcore/upload_file" in request.url:
                upload_done.append(time.perf_counter())

        page.on("request", on_request)
        page.on("requestfinished", on_request_finished)
        open_view(page, recorder, url)
        before = page.evaluate(_OVERVIEW_SOURCES)
        runs_before, sent_before = len(recorder.finished), len(recorder.sent)
        shape = f"(3, {UPLOAD_SIDE}, {UPLOAD_SIDE})"
        chooser = page.locator(UPLOADER)
        started = time.perf_counter()
        chooser.set_input_files(path)
        deadline = started + RUN_TIMEOUT_S
        while not page.evaluate(_UPLOAD_VIEW, [shape, before]):  # also pumps Playwright's events
            if time.perf_counter() > deadline:
                shown = page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
                raise TimeoutError(f"no pooled view within {RUN_TIMEOUT_S:.0f} s; errors on the page: {shown}")
        view_at = time.perf_counter()

        def since(times: list[float], after: float = started) -> float | None:
            later = [t for t in times if t >= after]
            return (later[0] - started) * 1000 if later else None

        sample = UploadSample(
            request_ms=since(upload_started),
            uploaded_ms=since(upload_done),
            sent_ms=since(recorder.sent[sent_before:], upload_done[0] if upload_done else started),
            finished_ms=since(recorder.finished[runs_before:]),
            view_ms=(view_at - started) * 1000,
        )
        return sample, recorder.external
    finally:
        context.close()


def bench_upload(browser, base_url: str, args, page_name: str) -> tuple[list[str], bool]:
    """Median time from choosing a 2048×2048 PNG to its pooled view, one fresh session per upload."""
    url = f"{base_url}/{page_name.lstrip('/')}"
    with tempfile.TemporaryDirectory() as scratch:
        paths = upload_files(Path(scratch), args.uploads + 1)
        size_mb = paths[0].stat().st_size / 1e6
        samples, external = [], []
        try:
            for i, path in enumerate(paths):
                sample, leaked = measure_upload(browser, url, path)
                external += leaked
                if i >= 1:  # the first upload is untimed
                    samples.append(sample)
        except TimeoutError as error:
            return [f"❌ upload: {error} (after {len(samples)} samples)", ""], False

    def cell(values: list[float | None]) -> str:
        present = [v for v in values if v is not None]
        if not present:
            return "–"
        return f"{statistics.median(present):.0f} / {percentile(present, 0.95):.0f}"

    views = [s.view_ms for s in samples]
    ok = statistics.median(views) <= TARGET_UPLOAD_MS and not external
    verdict = "✅" if statistics.median(views) <= TARGET_UPLOAD_MS else "❌"
    lines = [
        f"Upload of a {UPLOAD_SIDE}×{UPLOAD_SIDE} RGB PNG (~{size_mb:.1f} MB, a new image each time) through the "
        "file chooser, a fresh session each, in ms, median / p95 (target: median ≤ 2000 ms to the pooled view):",
        "",
        "| change | n | upload started | upload done | BackMsg sent | script_finished "
        "| pooled view | range (view) | target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|:-:|",
        f"| 2048² PNG chosen → pooled view | {len(samples)} | {cell([s.request_ms for s in samples])} "
        f"| {cell([s.uploaded_ms for s in samples])} | {cell([s.sent_ms for s in samples])} "
        f"| {cell([s.finished_ms for s in samples])} | **{statistics.median(views):.0f}** / "
        f"{percentile(views, 0.95):.0f} | {min(views):.0f}–{max(views):.0f} | {verdict} |",
        "",
        "From the moment the file is given to the chooser: the browser starts and finishes the HTTP upload,",
        "asks for a rerun, the run ends (script_finished), and the three pictures are drawn with their shapes.",
        "",
    ]
    if external:
        lines.append(f"❌ requests outside localhost: {sorted(set(external))}\n")
    return lines, ok


def bench_page(browser, base_url: str, args, page_name: str) -> tuple[list[str], bool]:
    """All measurements of one page; returns markdown lines and whether every target was met."""
    url = f"{base_url}/{page_name.lstrip('/')}"
    lines = [f"### /{page_name}", ""]
    ok = True

    # Payload of the default view, on a fresh context (nothing cached).
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    recorder = Recorder()
    recorder.attach(page)
    load_s = open_view(page, recorder, url)
    sizes = payload(recorder.frames)

    # Latency, on the same page.
    rows = []
    exception = page.locator('[data-testid="stException"]')
    if exception.count():
        ok = False
        lines.append(f"❌ the page shows an exception: {exception.first.inner_text()[:300]}")

    def run_scenario(label: str, actions: list, expect_chart: bool = True, expect_change: bool = True) -> None:
        """Time each action (after `args.warmup` untimed ones); add a row, or a line if it failed."""
        nonlocal ok
        samples = []
        try:
            for i, action in enumerate(actions):
                if isinstance(action, tuple):  # (untimed preparation, timed action)
                    prepare, action = action
                    prepare()
                sample = measure(page, recorder, action, expect_chart=expect_chart, expect_change=expect_change)
                if i >= args.warmup:
                    samples.append(sample)
        except TimeoutError as error:
            ok = False
            lines.append(f"❌ {label}: {error} (after {len(samples)} samples)")
            return
        rows.extend(summarise(label, samples))

    def field_key(name: str) -> str | None:
        """The page's widget key of a field (``kernel_size`` → ``pool_1d__kernel_size``, see ui.state)."""
        return None if name.lower() == "none" else state.key(page_name, name)

    control_key, radio_key, toggle_key = field_key(args.control), field_key(args.radio), field_key(args.toggle)
    control = page.locator(f".st-key-{control_key}") if control_key else None
    if control is not None and control.locator("input[type=range]").count():
        slider = control.get_by_role("slider")
        start_value = int(slider.input_value())
        maximum = int(slider.get_attribute("max"))
        keys = ("ArrowRight", "ArrowLeft") if start_value < maximum else ("ArrowLeft", "ArrowRight")
        slider.focus()
        presses = [keys[i % 2] for i in range(args.changes + args.warmup)]
        label = f"`{control_key}` slider, keyboard ←/→"
        run_scenario(label, [lambda key=key: page.keyboard.press(key) for key in presses])
    elif control is not None and control.locator("input[type=text], textarea").count():
        box = control.locator("input[type=text], textarea").first
        values = (text_neighbour(box.input_value()), box.input_value())

        def type_value(value: str) -> None:
            box.fill(value)
            box.press("Enter")

        label = f"`{control_key}` text input, typed + Enter ({values[0]} ↔ {values[1]})"
        run_scenario(label, [lambda i=i: type_value(values[i % 2]) for i in range(args.changes + args.warmup)])
    elif control_key:
        lines.append(f"(no `{control_key}` slider or text input on this page: skipped)")
    choice_box = page.locator(f".st-key-{radio_key}") if radio_key else None
    if choice_box is not None and choice_box.locator("[data-testid='stRadio']").count():
        options = [o.strip() for o in choice_box.locator("[data-testid='stRadioOption']").all_inner_texts()]
        count = max(args.changes // 2, len(options)) + args.warmup
        targets = [choice_box.get_by_text(options[(i + 1) % len(options)], exact=True) for i in range(count)]
        label = f"`{radio_key}` radio, clicks ({len(options)} options in turn)"
        run_scenario(label, [target.click for target in targets])
        # back to the first option, so the next scenario finds the page's default controls
        if choice_box.locator("input[type=radio]").first.is_checked() is False:
            measure(page, recorder, choice_box.get_by_text(options[0], exact=True).click)
    elif choice_box is not None and choice_box.locator("[data-testid='stSelectbox']").count():
        first = chosen(page, radio_key)
        open_select_box(page, choice_box)
        options = [o.strip() for o in page.get_by_role("option").all_inner_texts() if o.strip()]
        page.keyboard.press("Escape")
        count = max(args.changes // 2, len(options)) + args.warmup

        def click_option(option: str) -> None:
            page.get_by_role("option", name=option, exact=True).first.click()

        # The list is opened untimed; the clock starts at the click on the option.
        actions = [
            (lambda: open_select_box(page, choice_box), lambda i=i: click_option(options[(i + 1) % len(options)]))
            for i in range(count)
        ]
        label = f"`{radio_key}` select box, clicks ({len(options)} options in turn)"
        run_scenario(label, actions)
        if chosen(page, radio_key) != first:
            open_select_box(page, choice_box)
            measure(page, recorder, lambda: click_option(first))
    elif radio_key:
        lines.append(f"(no `{radio_key}` radio or select box on this page: skipped)")
    if toggle_key and page.locator(f".st-key-{toggle_key}").count():
        toggle = page.locator(f".st-key-{toggle_key} label").first
        # One untimed click first: does the page show anything new? (On /images nothing: the
        # pictures drop the indices.) If not, "updated view" means the run finished and was drawn.
        try:
            shows_change = probe_change(page, recorder, toggle.click)
        except TimeoutError as error:
            ok = False
            lines.append(f"❌ `{toggle_key}` toggle: {error}")
            shows_change = None
        if shows_change is not None:
            run_scenario(
                f"`{toggle_key}` toggle, clicks (figure unchanged"
                + ("" if shows_change else "; nothing on the page changes: view = run drawn")
                + ")",
                [toggle.click] * (args.changes // 2 + args.warmup),
                expect_chart=False,
                expect_change=shows_change,
            )
    elif toggle_key:
        lines.append(f"(no `{toggle_key}` toggle on this page: skipped)")
    forward = page.locator(f".st-key-{state.private_key(page_name, 'forward')} button").first
    back = page.locator(f".st-key-{state.private_key(page_name, 'back')} button").first
    if forward.count() and back.count():
        # Steps rerun only the step panel (a fragment): the figure is redrawn with the next window.
        clicks = [(forward if i % 2 == 0 else back).click for i in range(args.changes + args.warmup)]
        run_scenario("step ▶ / ◀ step buttons, clicks in turn (a fragment rerun)", clicks)
        page.locator("h1").first.click()  # nothing focused: the arrow keys step
        keys = [lambda i=i: page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
                for i in range(args.changes + args.warmup)]  # fmt: skip
        run_scenario("→ / ← keys (the buttons' shortcuts)", keys)
    has_uploader = args.uploads > 0 and page.locator(UPLOADER).count() > 0
    context.close()
    if control_key:
        times = server_only(base_url, page_name, args.control, args.changes, args.warmup)
        if times:
            rows.append(
                f"| `{control_key}`, server only (protocol client, no browser) | {len(times)} | – "
                f"| {statistics.median(times):.0f} / {percentile(times, 0.95):.0f} | – | – "
                f"| {min(times):.0f}–{max(times):.0f} | |"
            )

    if rows:
        lines += [
            "Latency in ms, median / p95 (target: median ≤ 150 ms for the updated view):",
            "",
            "| change | n | BackMsg sent | script_finished | updated view | chart redrawn | range (view) | target |",
            "|---|---:|---:|---:|---:|---:|---:|:-:|",
            *rows,
            "",
        ]
        ok &= all("❌" not in row for row in rows)
        lines += [
            "BackMsg sent: the browser sent its rerun request; script_finished: the run's last message",
            "arrived; updated view: that run finished and drawn (no stale element, the text changed, and",
            "the chart redrawn if it changes); chart redrawn: Plotly drew the new figure. All from the",
            "key press or click.",
            "",
        ]
    lines += [
        f"Default view payload (fresh browser context; loaded and drawn in {load_s:.2f} s):",
        "",
        "| what | bytes | target |",
        "|---|---:|:-:|",
        f"| all websocket messages of the load ({sizes['messages']} ForwardMsgs, decoded) "
        f"| {sizes['total_bytes']:,} | |",
    ]
    for i, chart in enumerate(sizes["charts"]):
        verdict = "✅" if chart["spec_bytes"] <= TARGET_PAYLOAD_BYTES else "❌"
        ok &= chart["spec_bytes"] <= TARGET_PAYLOAD_BYTES
        lines += [
            f"| Plotly chart {i + 1}: spec JSON | {chart['spec_bytes']:,} | {verdict} ≤ 300 KB |",
            f"| … of which {chart['frames']} animation frames | {chart['frames_bytes']:,} | |",
            f"| … spec deflated (≈ wire size with permessage-deflate) | {chart['deflated_bytes']:,} | |",
        ]
    if not sizes["charts"]:
        lines.append("| (no Plotly chart in the default view) | | |")
    if recorder.external:
        ok = False
        lines.append(f"\n❌ requests outside localhost: {recorder.external}")
    lines.append("")
    if has_uploader:
        upload_lines, upload_ok = bench_upload(browser, base_url, args, page_name)
        lines += upload_lines
        ok &= upload_ok
    return lines, ok


FLOOR_SCRIPT = "benchmarks/floor_app.py"
TARGET_RATIO = 1.25  # the app within 1.25× of the floor, for a change and for a first view


def first_views(browser, url: str, count: int) -> list[float]:
    """Seconds to the first drawn view of ``url`` in ``count`` fresh browser contexts (nothing cached)."""
    times = []
    for _ in range(count):
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        recorder = Recorder()
        recorder.attach(page)
        times.append(open_view(page, recorder, url))
        context.close()
    return times


def slider_changes(browser, url: str, key: str, changes: int, warmup: int) -> list[float]:
    """Times (ms) from key press to redrawn chart of ``changes`` keyboard changes of the slider ``key``."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    recorder = Recorder()
    recorder.attach(page)
    open_view(page, recorder, url)
    slider = page.locator(f".st-key-{key}").get_by_role("slider")
    slider.focus()
    times = []
    for i in range(changes + warmup):
        sample = measure(page, recorder, lambda i=i: page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft"))
        if i >= warmup:
            # (The view counts once the run has finished and the chart has drawn its new layout:
            # see measure. A chart that did not redraw would make the floor look slow or fast.)
            if sample.chart_ms is None:
                raise RuntimeError(f"{url}: the chart did not redraw after a kernel_size change")
            times.append(sample.view_ms)
    context.close()
    return times


def bench_floor(browser, app_url: str, floor_url: str, args) -> tuple[list[str], bool]:
    """The app against the floor page, turn by turn in the same run: slider changes and first views."""
    rounds = 3
    app_changes, floor_changes, app_views, floor_views = [], [], [], []
    for _ in range(rounds):  # interleaved, so that the machine's noise falls on both alike
        app_changes += slider_changes(browser, f"{app_url}/pool_1d", state.key("pool_1d", "kernel_size"),
                                      args.changes // rounds + 1, args.warmup)  # fmt: skip
        floor_changes += slider_changes(browser, floor_url, "kernel_size", args.changes // rounds + 1, args.warmup)
        app_views += first_views(browser, f"{app_url}/pool_1d", 2)
        floor_views += first_views(browser, floor_url, 2)
    change_ratio = statistics.median(app_changes) / statistics.median(floor_changes)
    view_ratio = statistics.median(app_views) / statistics.median(floor_views)
    ok = change_ratio <= TARGET_RATIO and view_ratio <= TARGET_RATIO

    def verdict(ratio: float) -> str:
        return f"{'✅' if ratio <= TARGET_RATIO else '❌'} ≤ {TARGET_RATIO}"

    lines = [
        "### /pool_1d against the floor (a bare page: one slider, one small Plotly heatmap)",
        "",
        "| measure | /pool_1d median / p95 | floor median / p95 | ratio of medians | target |",
        "|---|---:|---:|---:|:-:|",
        f"| slider change → updated view, ms ({len(app_changes)} / {len(floor_changes)}) "
        f"| {statistics.median(app_changes):.0f} / {percentile(app_changes, 0.95):.0f} "
        f"| {statistics.median(floor_changes):.0f} / {percentile(floor_changes, 0.95):.0f} "
        f"| **{change_ratio:.2f}** | {verdict(change_ratio)} |",
        f"| first view in a fresh browser, s ({len(app_views)} / {len(floor_views)}) "
        f"| {statistics.median(app_views):.2f} / {percentile(app_views, 0.95):.2f} "
        f"| {statistics.median(floor_views):.2f} / {percentile(floor_views, 0.95):.2f} "
        f"| **{view_ratio:.2f}** | {verdict(view_ratio)} |",
        "",
    ]
    return lines, ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", action="append", help="page path, e.g. pool_1d (repeatable; default pool_1d)")
    parser.add_argument("--changes", type=int, default=20, help="timed slider changes per page (default 20)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed changes first (default 2)")
    parser.add_argument(
        "--control",
        "--slider",
        default="kernel_size",
        help="key of the slider (arrow keys) or text input (typed) to change ('none': skip)",
    )
    parser.add_argument("--radio", default="function",
                        help="key of the radio or select box to click through ('none': skip)")  # fmt: skip
    parser.add_argument(
        "--toggle", default="return_indices", help="key of a toggle that leaves the figure alone ('none': skip)"
    )
    parser.add_argument(
        "--uploads", type=int, default=5, help="timed 2048² uploads on pages with the image uploader (default 5)"
    )
    parser.add_argument("--base-url", help="measure an app already running there instead of starting one")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--no-floor", action="store_true", help="skip the comparison with the floor page")
    parser.add_argument("--floor-only", action="store_true", help="only the comparison with the floor page")
    args = parser.parse_args(argv)
    if args.changes < 20:
        parser.error("--changes must be at least 20")
    if 0 < args.uploads < 5:
        parser.error("--uploads must be at least 5 (or 0 to skip the upload measurement)")
    pages = args.page or ["pool_1d"]
    executable = find_chromium()
    if executable is None:
        print("no Chromium found: apt-get install chromium, or set POOLING_LAB_CHROMIUM", file=sys.stderr)
        return 2

    all_ok = True
    with contextlib.ExitStack() as stack:
        if args.base_url:
            base_url = args.base_url.rstrip("/")
        else:
            scratch = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            base_url = stack.enter_context(streamlit_server_process(scratch / "server.log"))
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS, proxy=OFFLINE_PROXY
        )
        stack.callback(browser.close)
        # One untimed visit so that the server's first-run costs (import torch, ~1.5 s) are paid.
        warm = browser.new_context()
        warm_page = warm.new_page()
        warm_recorder = Recorder()
        warm_recorder.attach(warm_page)
        open_view(warm_page, warm_recorder, f"{base_url}/{pages[0]}")
        warm.close()
        machine = platform.processor() or platform.machine()
        print(
            f"Pooling Lab app benchmark · {time.strftime('%Y-%m-%d %H:%M')} · {machine} · {os.cpu_count()} CPUs"
            f" · load {os.getloadavg()[0]:.1f} · Chromium {browser.version} (headless)\n"
        )
        for page_name in [] if args.floor_only else pages:
            lines, ok = bench_page(browser, base_url, args, page_name)
            all_ok &= ok
            print("\n".join(lines))
        if not args.no_floor:
            scratch = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            floor_url = stack.enter_context(streamlit_server_process(scratch / "floor.log", script=FLOOR_SCRIPT))
            first_views(browser, floor_url, 1)  # its server's first run, untimed
            lines, ok = bench_floor(browser, base_url, floor_url, args)
            all_ok &= ok
            print("\n".join(lines))
    return 1 if (args.strict and not all_ok) else 0


if __name__ == "__main__":
    raise SystemExit(main())
