"""The Streamlit side of the Images page: choosing an image, decoding it once, the region to zoom
into, and the original drawn next to its pooled versions. The image logic is in :mod:`ui.images`,
the pictures in :mod:`ui.figures.pictures`.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from ui import images
from ui.figures.pictures import PANEL_WIDTH, Picture, pictures_figure
from ui.figures.plain import PlainFigure
from ui.images import ImageError, LoadedImage
from ui.views import controls
from ui.views.page import Page

PLOT_CONFIG = {"displaylogo": False, "scrollZoom": True, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}
REGION_FIELDS = ("centre_x", "centre_y", "cells", "pixels_per_cell")


@st.cache_resource(max_entries=4, ttl=3600, show_spinner=False)
def _decode(cache_key: str, _data: bytes) -> LoadedImage:
    """Decoded once per upload or sample and shared read-only (the arrays are not writeable)."""
    return images.load_image(_data)


def _reset_region(page: Page) -> None:
    """A new image starts with its own region: its most detailed spot, the default zoom."""
    for name in REGION_FIELDS:
        st.session_state.pop(page.key(name), None)


def choose_image(page: Page) -> LoadedImage | None:
    """The source chooser: a bundled sample (``?sample=``) or an upload, which wins while present.

    Returns the decoded image, or None after saying why the file is unusable. Another image than
    the last one drawn resets the region (an upload, a removed upload, another sample).
    """
    left, right = st.columns([2, 3])
    with left:
        sample = controls.choice(page, "sample")
    upload = right.file_uploader(
        "or upload an image", type=list(images.UPLOAD_TYPES), key=page.private("upload"),
        help=f"{images.FORMATS_TEXT}, up to {images.MAX_PIXELS / 1e6:.0f} megapixels. "
        "It is pooled at full size.",
    )  # fmt: skip
    if upload is not None:
        name, data, cache_key = upload.name, upload.getvalue(), f"upload:{upload.file_id}"
        left.caption("Showing your upload; remove it (×) to go back to the samples.")
    else:
        path = images.SAMPLES_DIR / sample
        name, data, cache_key = sample, path.read_bytes(), f"sample:{sample}:{path.stat().st_mtime_ns}"
    shown_before = st.session_state.get(page.private("image"))
    if shown_before is not None and shown_before != cache_key:
        _reset_region(page)
    st.session_state[page.private("image")] = cache_key
    try:
        with st.spinner(f"Decoding {name}…"):
            image = _decode(cache_key, data)
    except ImageError as error:
        st.error(f"**{name}** cannot be used. {error}", icon="✋")
        return None
    for note in image.notes:
        st.info(note, icon="ℹ️")
    return image


def colour_and_view(page: Page) -> tuple[str, str]:
    """RGB (three planes) or grayscale (one), and the side-by-side or per-channel view."""
    left, right = st.columns(2)
    with left:
        colour = controls.choice(page, "colour", widget=st.radio, horizontal=True)
    with right:  # one grey plane has no channels to show apart
        grey = colour != "RGB"
        view = controls.choice(page, "view", widget=st.radio, horizontal=True, disabled=grey)
    return colour, ("side by side" if grey else view)


NARROW_PANEL = 110  # px: a third of a phone's width


def panel_width(page: Page) -> int:
    return NARROW_PANEL if page.narrow else PANEL_WIDTH


def show(page: Page, figure: PlainFigure, key: str, alt: str) -> None:
    # A phone has no hover: the mode bar would stay over the titles. Drag and double-click still zoom.
    config = {**PLOT_CONFIG, "displayModeBar": False} if page.narrow else PLOT_CONFIG
    st.plotly_chart(figure, key=key, config=config, alt=alt, theme=None)


def region_controls(page: Page, image: LoadedImage, colour: str) -> tuple[images.Region, int]:
    """Where to zoom and how coarsely: the region's centre, cells per side, pixels per cell,
    and the channel the window animation reads. Returns the region and that channel.

    The centre starts on the image's most detailed spot (``centre_x=-1`` in the schema).
    """
    height, width = shape = image.shape
    start_y, start_x = image.busiest_point
    for name, start, size in (("centre_x", start_x, width), ("centre_y", start_y, height)):
        if not 0 <= page.value(name) < size:
            page.set(name, int(start))
    per_cell_options = ("1", "2", "4", "8", "16", "32")
    if page.value("pixels_per_cell") not in per_cell_options:
        page.set("pixels_per_cell", str(images.default_pixels_per_cell(shape)))
    x, y, cells, ppc, channel = st.columns([2, 2, 3, 3, 3])
    centre_x = controls.number(page, "centre_x", 0, width - 1, label="centre x", help="Column of the region's centre.",
                               container=x)  # fmt: skip
    centre_y = controls.number(page, "centre_y", 0, height - 1, label="centre y", help="Row of the region's centre.",
                               container=y)  # fmt: skip
    with cells:
        count = controls.int_slider(
            page, "cells", 8, 16, label="cells per side", help="The animation's grid is cells × cells."
        )
    with ppc:
        per_cell = controls.choice(
            page, "pixels_per_cell", per_cell_options, widget=st.select_slider, label="pixels per cell",
            help="1: the animation reads the actual pixels. 4: each cell is the mean of a 4×4 block (downscaled).",
        )  # fmt: skip
    index = 0
    if colour == "RGB":
        with channel:
            name = controls.choice(page, "channel", help="The plane the window reads.")
        index = images.CHANNEL_NAMES.index(name)
    region = images.region_around(shape, int(centre_y), int(centre_x), int(count), int(per_cell))
    return region, index


def _size_note(full_shape: tuple[int, ...], shown_shape: tuple[int, int]) -> str:
    return "shown at full size" if tuple(full_shape) == shown_shape else f"shown at {shown_shape[1]} × {shown_shape[0]}"


def side_by_side(page: Page, batch: np.ndarray, outputs: dict, calls: dict, view: str, region: images.Region) -> None:
    """The original and each pooled output at the same display size, the region outlined."""
    input_shape = batch.shape[1:]
    planes = [slice(None)] if view == "side by side" else [slice(c, c + 1) for c in range(batch.shape[0])]
    max_side = images.DISPLAY_SIDE if len(planes) == 1 else images.DISPLAY_SIDE // 2  # nine pictures: smaller
    columns = [("original", batch, lambda shown: images.input_placement(input_shape, shown))]
    for kind, call in calls.items():
        columns.append((call.function, outputs[kind],
                        lambda shown, call=call: images.output_placement(call, input_shape, shown)))  # fmt: skip
    grid, shown_shapes, clipped_any = [], {}, False
    for plane in planes:
        prefix = "" if len(planes) == 1 else f"{images.CHANNEL_NAMES[plane.start]} · "
        row = []
        for title, values, placement in columns:
            pixels, clipped = images.display_pixels(values[plane], max_side)
            shown_shapes[title] = shown = pixels.shape[:2]
            row.append(Picture(prefix + title, pixels, placement(shown)))
            clipped_any |= clipped
        grid.append(row)
    side = region.side
    outline = dict(x0=region.left - 0.5, x1=region.left + side - 0.5, y0=region.top - 0.5, y1=region.top + side - 0.5)
    figure = pictures_figure(
        grid,
        (-0.5, input_shape[1] - 0.5),
        (input_shape[0] - 0.5, -0.5),
        outlines=(outline,),
        palette=page.palette,
        panel_width=panel_width(page),
    )
    show(page, figure, "images_side_by_side", alt="The original image beside its max- and average-pooled versions.")

    notes = {title: _size_note(values.shape[1:], shown_shapes[title]) for title, values, _ in columns}
    reduced = any(note != "shown at full size" for note in notes.values())
    pooled_at = ", pooled at full size" if notes["original"] != "shown at full size" else ""
    shapes = " · ".join(f"**{title}** → `{images.shape_text(values.shape)}`, {notes[title]}"
                        for title, values, _ in columns[1:])  # fmt: skip
    st.markdown(f"**input** `{images.shape_text(batch.shape)}`, {notes['original']}{pooled_at} · {shapes}")
    if reduced:
        st.info(
            "The browser is sent reduced copies (each block of pixels averaged) so the page stays fast; "
            "every pooling call above ran on the full-size image. Zoom into a region below to see full resolution.",
            icon="🔎",
        )
    if clipped_any:
        st.caption("Values outside 0–255 are clipped in the pictures only (divisor_override, or a window of padding).")
    st.caption("Drag to zoom (all pictures follow), double-click to zoom out. The orange square is the region below.")


def region_detail(page: Page, batch: np.ndarray, outputs: dict, calls: dict, region: images.Region, *,
                  picked: np.ndarray | None = None, channel: int = 0) -> None:  # fmt: skip
    """The region at full resolution: its pixels, and the outputs whose windows are centred in it.

    ``picked``: max_pool2d's indices (``return_indices=True``); the pixels they point at, in
    ``channel``, are crossed out on the original: the only pixels a gradient flows back to.
    """
    shape = batch.shape[1:]
    rows, cols = region.slices
    original = images.to_pixels(batch[:, rows, cols])[0]
    row = [Picture("original", original, images.input_placement(shape, None, region.top, region.left))]
    for kind, call in calls.items():
        out_rows, out_cols = images.output_crop(call, shape, region)
        crop = outputs[kind][:, out_rows, out_cols]
        if crop.shape[1] and crop.shape[2]:
            place = images.output_placement(call, shape, crop=(out_rows, out_cols))
            row.append(Picture(call.function, images.to_pixels(crop)[0], place))
    side = region.side
    x_range = (region.left - 0.5, region.left + side - 0.5)
    y_range = (region.top + side - 0.5, region.top - 0.5)
    marks = None
    if picked is not None:
        marks = images.picked_pixels(picked[channel], *images.output_crop(calls["max"], shape, region), shape[1])
    figure = pictures_figure([row], x_range, y_range, marks=marks, marks_label="picked by max_pool2d",
                             palette=page.palette, panel_width=panel_width(page))  # fmt: skip
    show(page, figure, "images_region",
         alt="The chosen region at full resolution, before and after pooling.")  # fmt: skip
    st.caption(
        f"Columns {region.left}–{region.left + side - 1}, rows {region.top}–{region.top + side - 1} at full "
        "resolution. Each pooled pixel sits on its window's centre and is `stride` pixels wide."
    )
    if marks is not None:
        name = images.CHANNEL_NAMES[channel] if batch.shape[0] == 3 else "grey"
        st.caption(
            f"✕ marks the pixel each max-pooled output picked ({name} channel), read from the indices "
            "`return_indices=True` returns. In training, the gradient of each output flows back to its ✕ "
            "pixel only; every other pixel gets zero."
        )
