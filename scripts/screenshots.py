"""Screenshots of named views of the app, taken in headless Chromium, for docs/screenshots/.

    python scripts/screenshots.py                    # every view → docs/screenshots/<name>.png
    python scripts/screenshots.py pool_1d_default    # only the views named
    python scripts/screenshots.py --list             # the view names and their URLs
    python scripts/screenshots.py --base-url http://127.0.0.1:8501   # use a running app

It starts `streamlit run app.py` on a free local port (unless --base-url is given), opens each
view in a fresh browser context (so no state leaks between views), waits until the run has
finished, every element is drawn and every Plotly chart has rendered, and saves the whole page:
the viewport is grown to the height of the longer of the main column and the sidebar, because
Streamlit scrolls inside its main column and a plain full-page screenshot would cut it off.

To add a view, append a `View` to VIEWS: a file name and the URL path with its query string.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from scripts.browser import (  # noqa: E402
    CHROMIUM_ARGS,
    OFFLINE_PROXY,
    assert_no_exception,
    find_chromium,
    open_app,
    streamlit_server_process,
    wait_for_plotly,
    watch_page,
)

OUT_DIR = REPO_ROOT / "docs" / "screenshots"
WIDTH = 1400
MIN_HEIGHT = 900
MAX_HEIGHT = 8000  # a runaway page should not make a 100 MB PNG


PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.0 Mobile/15E148 Safari/604.1"
)


@dataclass(frozen=True)
class View:
    name: str  # the PNG's file name, without .png
    path: str  # URL path and query string, relative to the app's root
    charts: int | None = None  # Plotly charts to wait for; None = however many the page has
    note: str = ""  # what the view shows (printed by --list)
    before: Callable[[Page], None] | None = None  # something to do on the page before the shot
    size: tuple[int, int] = (WIDTH, MIN_HEIGHT)  # the browser window
    screen_only: bool = False  # the first screen only (a projector's view), not the whole page
    phone: bool = False  # a phone's browser (touch, its user agent)
    scheme: str = "light"  # prefers-color-scheme


def play_for(milliseconds: int) -> Callable[[Page], None]:
    """Press "▶ Play", let it run, then pause (to show a played step, not the first)."""

    def action(page: Page) -> None:
        page.get_by_role("button", name="▶ Play").click()
        page.wait_for_timeout(milliseconds)
        page.get_by_role("button", name="⏸ Pause").click()
        page.wait_for_timeout(800)

    return action


VIEWS = [
    View("home", "", charts=0, note="start page"),
    View("pool_1d_default", "pool_1d", charts=1, note="the lecture sequence, max_pool1d k=2"),
    View(
        "pool_1d_avg_k3_s1_p1_step4",
        "pool_1d?function=avg_pool1d&kernel_size=3&stride=1&padding=1&step=4",
        charts=1,
        note="average pooling with padding, fifth step on screen",
    ),
    View("pool_1d_invalid", "pool_1d?kernel_size=2&padding=2", charts=1,
         note="torch's padding rule broken: the input stays, the rule and a value that works"),  # fmt: skip
    View("pool_1d_long", "pool_1d?x=" + quote(" ".join(str((i * 7) % 11 - 5) for i in range(120))) + "&kernel_size=4",
         charts=1, note="120 values: thin cells, no numbers, fewer ticks"),  # fmt: skip
    View(
        "pool_1d_ceil_k3_s2_p1",
        "pool_1d?kernel_size=3&stride=2&padding=1&ceil_mode=true",
        charts=1,
        note="ceil_mode adds a last window",
    ),
    View(
        "pool_1d_ceil_dropped_k4_s3_p2",
        "pool_1d?kernel_size=4&stride=3&padding=2&ceil_mode=true",
        charts=1,
        note="ceil_mode's extra window would start in the padding: torch drops it",
    ),
    View(
        "pool_1d_playing",
        "pool_1d?kernel_size=3&stride=1",
        charts=1,
        note="the animation played for 2 s (1×) and paused",
        before=play_for(2000),
    ),
    View("pool_2d_default", "pool_2d", charts=1, note="a random 6×6 grid, max_pool2d k=2"),
    View("pool_2d_ceil_dropped", "pool_2d?kernel_size=3&stride=3&padding=1&ceil_mode=true&grid="
         + quote("1 2 3 4 5 6;6 5 4 3 2 1;1 1 2 2 3 3;4 4 5 5 6 6;0 9 0 9 0 9"),
         charts=1, note="ceil_mode on a grid: the windows torch drops, dash-dot"),  # fmt: skip
    View(
        "pool_2d_k2x3_p1_step4",
        "pool_2d?" + urlencode({"kernel_size": "2, 3", "padding": "1", "step": "4"}, quote_via=quote),
        charts=1,
        note="a (2, 3) window with padding 1, fifth of eight steps on screen",
    ),
    View("channels_lecture", "channels", charts=1, note="the lecture's x (1, 2, 2, 6) and F.max_pool2d(x, (1, 2))"),
    View("images_default", "images", charts=3, note="the default sample: original, max-pooled, avg-pooled"),
    View("invariance_default", "invariance", charts=6, note="permutation check and translation curves, defaults"),
    View("torch_api_default", "torch_api", charts=0, note="F.max_pool2d's arguments and nn.MaxPool2d, defaults"),
    View("present_pool_1d_1280x720", "pool_1d?present=1&step=2", charts=1, size=(1280, 720), screen_only=True,
         note="presentation mode on a 720p projector: the first screen"),
    View("present_channels_1280x720", "channels?present=1", charts=1, size=(1280, 720), screen_only=True,
         note="presentation mode, the Channels slide"),
    View("present_pool_1d_1920x1080", "pool_1d?present=1&kernel_size=3&stride=1&step=4", charts=1, size=(1920, 1080),
         screen_only=True, note="presentation mode on a 1080p projector: larger type"),
    View("predict_pool_1d", "pool_1d?mode=predict", charts=1, note="predict mode: the outputs wait for Reveal"),
    View("dark_pool_2d", "pool_2d?kernel_size=3&stride=2&padding=1&step=4", charts=1, scheme="dark",
         note="a browser that prefers dark: the app and its figures"),
    View("phone_pool_1d", "pool_1d", charts=1, size=(390, 844), phone=True, note="a phone, 390×844"),
    View("phone_images", "images", charts=3, size=(390, 844), phone=True, note="the Images page on a phone"),
    View("fractional_default", "fractional", charts=2,
         note="fractional_max_pool2d k=2 to 4×4 on 7×7: the samples, the window, every window (overlaps)"),
    View("fractional_k2_out3_step4", "fractional?output_size=3&step=4", charts=2,
         note="3 windows of 2 over 7 cells: some cells are read by no window"),
    View("fractional_ratio", "fractional?by=output_ratio&output_ratio=" + quote("0.5, 0.6") + "&kernel_size=3&seed=7",
         charts=2, note="output_ratio instead of output_size (output_size disabled, with its reason)"),
    View("fractional_invalid", "fractional?kernel_size=5", charts=1,
         note="kernel too large for the output size: the input stays, torch's rule in words"),
    View("pool_3d_default", "pool_3d", charts=1, note="a 4×4×4 volume, max_pool3d k=2: the box across two slices"),
    View("pool_3d_avg_k3_s2_p1_step3", "pool_3d?function=avg_pool3d&kernel_size=3&stride=2&padding=1&step=3",
         charts=1, note="avg_pool3d with padding: padding slices and frames as ghosts"),
    View("pool_3d_invalid", "pool_3d?kernel_size=2&padding=2", charts=1, note="torch's padding rule, the volume stays"),
    View("present_fractional_1280x720", "fractional?present=1", charts=2, size=(1280, 720), screen_only=True,
         note="presentation mode, the Fractional page's first screen"),
    View("present_pool_3d_1280x720", "pool_3d?present=1&step=2", charts=1, size=(1280, 720), screen_only=True,
         note="presentation mode, the 3-D page's first screen"),
    View("predict_pool_3d", "pool_3d?mode=predict", charts=1, note="predict mode on the 3-D page"),
    View("predict_fractional", "fractional?mode=predict", charts=1, note="predict mode: the starts, then the output"),
    View("dark_pool_3d", "pool_3d?function=avg_pool3d&kernel_size=2,3,3&padding=1&step=2", charts=1, scheme="dark",
         note="the 3-D page in the dark theme"),
    View("dark_fractional", "fractional", charts=2, scheme="dark", note="the Fractional page in the dark theme"),
    View("phone_pool_3d", "pool_3d", charts=1, size=(390, 844), phone=True, note="the 3-D page on a phone"),
    View("phone_fractional", "fractional", charts=2, size=(390, 844), phone=True, note="Fractional on a phone"),
    View("backward_default", "backward", charts=1,
         note="max_pool1d's backward on the lecture's sequence: each window's gradient to its winner"),
    View("backward_avg_overlap_step3", "backward?function=avg_pool1d&kernel_size=3&stride=1&step=3", charts=1,
         note="avg_pool1d k=3 s=1: g/3 to every cell of a window, shares adding up where windows overlap"),
    View("unpool_default", "unpool", charts=1, note="max_unpool1d: the maxima back at their indices, 0 elsewhere"),
    View("unpool_2d_output_size", "unpool?dims=2-D&kernel_size=2&output_size=5,5", charts=1,
         note="max_unpool2d on a 5×5 grid with output_size=(5, 5): the row and column floor mode dropped"),
    View("present_backward_1280x720", "backward?present=1&step=2", charts=1, size=(1280, 720), screen_only=True,
         note="presentation mode, the Backward page's first screen"),
    View("phone_backward", "backward", charts=1, size=(390, 844), phone=True, note="the Backward page on a phone"),
    View("predict_backward", "backward?mode=predict&step=2", charts=1,
         note="predict mode on the Backward page: x under the window beside g; x.grad waits for Reveal"),
    View("predict_unpool", "unpool?mode=predict", charts=1,
         note="predict mode: the size max_unpool gives back, then z"),
]  # fmt: skip


def page_height(page: Page) -> int:
    """Height that shows everything: the longer of the main column and the sidebar."""
    return page.evaluate(
        """() => {
            const heights = [document.documentElement.scrollHeight];
            for (const id of ['stMain', 'stMainBlockContainer', 'stSidebarContent', 'stSidebarUserContent']) {
                const element = document.querySelector(`[data-testid="${id}"]`);
                if (element) heights.push(element.scrollHeight + element.getBoundingClientRect().top);
            }
            return Math.ceil(Math.max(...heights));
        }"""
    )


def wait_for_charts(page: Page, charts: int | None) -> None:
    present = page.locator('[data-testid="stPlotlyChart"]').count()
    if charts is not None and present != charts:
        raise AssertionError(f"expected {charts} Plotly chart(s), found {present}")
    if present:
        wait_for_plotly(page)


def shoot(browser, base_url: str, view: View, out_dir: Path) -> tuple[Path, int, int, list[str]]:
    """Open one view in a fresh context and save its PNG; return the path, size and problems."""
    width, screen = view.size
    phone = {"is_mobile": True, "has_touch": True, "user_agent": PHONE} if view.phone else {}
    context = browser.new_context(viewport={"width": width, "height": screen}, device_scale_factor=1,
                                  color_scheme=view.scheme, **phone)  # fmt: skip
    try:
        page = context.new_page()
        watch_page(page)
        open_app(page, base_url, view.path)
        wait_for_charts(page, view.charts)
        if view.before is not None:
            view.before(page)
        height = screen if view.screen_only else min(max(page_height(page), screen), MAX_HEIGHT)
        page.set_viewport_size({"width": width, "height": height})
        # Growing the viewport can re-lay-out charts; let them redraw and fonts settle.
        page.wait_for_timeout(300)
        if view.charts != 0:
            wait_for_charts(page, view.charts)
        page.evaluate("() => document.fonts.ready")
        if not view.screen_only:
            height = min(max(page_height(page), screen), MAX_HEIGHT)
            page.set_viewport_size({"width": width, "height": height})
        problems = []
        try:
            assert_no_exception(page)
        except AssertionError as error:
            problems.append(str(error).splitlines()[0])
        if page.external_requests:
            problems.append(f"requests outside localhost: {page.external_requests}")
        path = out_dir / f"{view.name}.png"
        page.screenshot(path=path, full_page=not view.screen_only)
        return path, width, height, problems
    finally:
        context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="views to shoot (default: all)")
    parser.add_argument("--list", action="store_true", help="list the views and exit")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help=f"output folder (default {OUT_DIR})")
    parser.add_argument("--base-url", help="use an app already running at this URL instead of starting one")
    args = parser.parse_args(argv)

    if args.list:
        for view in VIEWS:
            print(f"{view.name:32} /{view.path:70} {view.note}")
        return 0
    unknown = set(args.names) - {view.name for view in VIEWS}
    if unknown:
        parser.error(f"unknown view(s): {', '.join(sorted(unknown))}; see --list")
    views = [view for view in VIEWS if not args.names or view.name in args.names]
    executable = find_chromium()
    if executable is None:
        print("no Chromium found: apt-get install chromium, or set POOLING_LAB_CHROMIUM", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)

    failures = 0
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
        for view in views:
            started = time.perf_counter()
            path, width, height, problems = shoot(browser, base_url, view, args.out)
            seconds = time.perf_counter() - started
            shown = path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path
            print(
                f"wrote {shown}  {width}×{height}  {path.stat().st_size / 1024:.0f} KB  ({seconds:.1f} s)  /{view.path}"
            )
            for problem in problems:
                failures += 1
                print(f"  PROBLEM: {problem}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
