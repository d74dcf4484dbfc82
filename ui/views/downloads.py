"""The pages' export buttons: a PNG of what is on screen and a GIF of every step, drawn by
:mod:`ui.export` only when clicked (``st.download_button`` takes a callable, run apart from the
script), so a page costs no more to run with them than without. The pictures are slide-sized
(:data:`ui.export.SLIDES` px wide) in the page's theme; ``scripts/render.py`` makes the same
files from the page's link, in other sizes too.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from pooling_core import PoolCall
from ui import export
from ui.views.page import Page

STEP_LABELS = ("⬇ PNG (this step)", "⬇ GIF (every step)")
HELP = "Slide-sized ({width} px wide), in this page's theme. The same file from a link: scripts/render.py."


def buttons(page: Page, subject, step: int | None, *, show_outputs: bool = True,
            labels: tuple[str, str] = STEP_LABELS) -> None:  # fmt: skip
    """Two download buttons in one row: ``subject`` (what :func:`ui.export.picture` takes) at ``step`` as a PNG,
    and every step as a GIF. ``show_outputs=False`` (predict mode) exports what the page shows:
    no outputs, no picked cell."""
    names = (export.filename_of(subject, "png", step), export.filename_of(subject, "gif"))
    _buttons(page, lambda: subject, names, step, show_outputs, labels)


PLANES_LABELS = ("⬇ PNG (every plane)", "⬇ GIF (every window of every plane)")


def planes_buttons(page: Page, call: PoolCall, x, *, show_outputs: bool = True) -> None:
    """The Channels page's buttons: ``call`` on every plane of ``x``; the planes' scenes are
    built on the click, not on every run."""
    names = (export.planes_filename(call, "png"), export.planes_filename(call, "gif"))
    _buttons(page, lambda: export.Planes.build(call, x), names, None, show_outputs, PLANES_LABELS)


def _buttons(page: Page, make: Callable[[], object], names: tuple[str, str], step: int | None, show_outputs: bool,
             labels: tuple[str, str]) -> None:  # fmt: skip
    palette, width = page.palette, export.SLIDES

    def png() -> bytes:  # run on the click, in another thread: no Streamlit call in here
        return export.render_png(make(), step, palette, width, show_outputs=show_outputs)

    def gif() -> bytes:
        return export.render_gif(make(), palette, width, show_outputs=show_outputs)

    with st.container(horizontal=True, gap="small", key=page.private("downloads")):
        for label, kind, data, name in ((labels[0], "png", png, names[0]), (labels[1], "gif", gif, names[1])):
            st.download_button(label, data=data, file_name=name, mime=f"image/{kind}", key=page.private(kind),
                               on_click="ignore", help=HELP.format(width=width))  # fmt: skip
