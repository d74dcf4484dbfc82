"""The Streamlit side of the Images page: choosing an image, decoding it once, and drawing the
original next to its pooled versions. The image logic itself is in :mod:`ui.images`.

Pictures are Plotly ``Image`` traces whose pixels travel as PNG/JPEG inside the figure (the
notes: never raw 1024² traces), placed in input pixel coordinates with linked axes, so a zoom
in one picture shows the same place in all of them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import streamlit as st
from plotly.subplots import make_subplots

from ui import controls, images, state
from ui.figures import PlainFigure
from ui.images import ImageError, LoadedImage, Placement

# Session-state keys of this page; the first three are also its query parameters.
SAMPLE = state.SAMPLE  # file name of the bundled sample, e.g. ?sample=stars.png
COLOUR, VIEW = state.COLOUR, state.VIEW
UPLOAD = "image_upload"
CENTRE_X, CENTRE_Y = "centre_x", "centre_y"
CELLS = "cells"
PIXELS_PER_CELL = "pixels_per_cell"
CHANNEL = "channel"

VIEWS = ("side by side", "per channel")
PANEL_WIDTH = 290  # px: roughly a third of the main column in the wide layout on a 1400-px screen
MARK_COLOUR = "#dc2626"  # the chosen cell's red in the window animation
PLOT_CONFIG = {"displaylogo": False, "scrollZoom": True, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}


@st.cache_resource(max_entries=4, ttl=3600, show_spinner=False)
def _decode(cache_key: str, _data: bytes) -> LoadedImage:
    """Decoded once per upload or sample and shared read-only (the arrays are not writeable)."""
    return images.load_image(_data)


def choose_image(notices: list[str]) -> LoadedImage | None:
    """The source chooser: a bundled sample (``?sample=``) or an upload, which wins while present.

    Returns the decoded image, or None after saying why the file is unusable.
    """
    names = images.sample_names()
    left, right = st.columns([2, 3])
    with left:
        sample = controls.choice(SAMPLE, names, names[0], notices)
    upload = right.file_uploader(
        "or upload an image", type=list(images.UPLOAD_TYPES), key=UPLOAD,
        help=f"{images.FORMATS_TEXT}, up to {images.MAX_PIXELS / 1e6:.0f} megapixels. "
        "It is pooled at full size.",
    )  # fmt: skip
    if upload is not None:
        name, data, cache_key = upload.name, upload.getvalue(), f"upload:{upload.file_id}"
        left.caption("Showing your upload; remove it (×) to go back to the samples.")
    else:
        path = images.SAMPLES_DIR / sample
        name, data, cache_key = sample, path.read_bytes(), f"sample:{sample}:{path.stat().st_mtime_ns}"
    try:
        with st.spinner(f"Decoding {name}…"):
            image = _decode(cache_key, data)
    except ImageError as error:
        st.error(f"**{name}** cannot be used. {error}", icon="✋")
        return None
    for note in image.notes:
        st.info(note, icon="ℹ️")
    return image


def colour_and_view(notices: list[str]) -> tuple[str, str]:
    """RGB (three planes) or grayscale (one), and the side-by-side or per-channel view."""
    left, right = st.columns(2)
    with left:
        colour = controls.choice(COLOUR, images.COLOUR_MODES, "RGB", notices, widget=st.radio, horizontal=True)
    with right:  # one grey plane has no channels to show apart
        grey = colour != "RGB"
        view = controls.choice(VIEW, VIEWS, VIEWS[0], notices, widget=st.radio, horizontal=True, disabled=grey)
    return colour, (VIEWS[0] if grey else view)


@dataclass(frozen=True)
class Picture:
    """One picture of a figure: its title, the uint8 pixels sent, where they sit."""

    title: str
    pixels: np.ndarray
    placement: Placement


def _smoothing(picture: Picture, panel_width: int):
    """Sharp pixels when the browser enlarges a picture (pooled pixels stay visible squares);
    smooth when it shrinks one, where sharp sampling would drop whole one-pixel lines."""
    return "fast" if picture.pixels.shape[1] > panel_width else False


@lru_cache(maxsize=8)
def _grid_layout(rows: int, cols: int) -> str:
    """make_subplots' layout for a rows × cols grid with all axes linked, as JSON (titles blank)."""
    figure = make_subplots(rows=rows, cols=cols, shared_xaxes="all", shared_yaxes="all",
                           horizontal_spacing=0.02, vertical_spacing=0.06 if rows > 1 else 0.0,
                           subplot_titles=[" "] * (rows * cols))  # fmt: skip
    return json.dumps(figure.to_plotly_json()["layout"])


def pictures_figure(grid: list[list[Picture]], x_range, y_range, *, panel_width: int = PANEL_WIDTH,
                    outlines: tuple[dict, ...] = (), marks: tuple[np.ndarray, np.ndarray] | None = None,
                    marks_label: str = "") -> PlainFigure:  # fmt: skip
    """A grid of pictures with linked axes over ``x_range``/``y_range`` (input pixel coordinates).

    ``outlines`` are rectangles ``dict(x0=, y0=, x1=, y1=)`` drawn on every picture; ``marks``
    are ``(x, y)`` pixel positions crossed out on the first picture (hover says ``marks_label``). Written as
    plain dicts on a cached subplot layout: building it through plotly's objects took ~60 ms
    per figure, most of an /images rerun (tests/unit/test_images.py validates it).
    """
    rows, cols = len(grid), len(grid[0])
    layout = json.loads(_grid_layout(rows, cols))
    data, shapes = [], []
    for number, picture in enumerate((picture for row in grid for picture in row), start=1):
        axis = "" if number == 1 else str(number)
        place = picture.placement
        data.append(dict(
            type="image", source=images.data_uri(picture.pixels), x0=place.x0, y0=place.y0, dx=place.dx, dy=place.dy,
            zsmooth=_smoothing(picture, panel_width), hovertemplate="x = %{x:.0f}, y = %{y:.0f}<extra></extra>",
            xaxis=f"x{axis}", yaxis=f"y{axis}",
        ))  # fmt: skip
        # A frame, so a white picture shows its edges on the white page.
        shapes.append(dict(type="rect", xref=f"x{axis} domain", yref=f"y{axis} domain", x0=0, x1=1, y0=0, y1=1,
                           line=dict(color="#9ca3af", width=1)))  # fmt: skip
        shapes.extend(dict(type="rect", xref=f"x{axis}", yref=f"y{axis}", line=dict(color="#facc15", width=2),
                           **outline) for outline in outlines)  # fmt: skip
        layout["annotations"][number - 1].update(text=picture.title, font=dict(size=15))
    if marks is not None:
        pixels_across = x_range[1] - x_range[0]
        data.append(dict(
            type="scatter", mode="markers", x=marks[0].tolist(), y=marks[1].tolist(), xaxis="x", yaxis="y",
            marker=dict(symbol="x-thin", size=float(np.clip(0.6 * panel_width / pixels_across, 4, 14)),
                        line=dict(width=2, color=MARK_COLOUR)),
            hovertemplate=f"{marks_label} (x = %{{x}}, y = %{{y}})<extra></extra>", showlegend=False,
        ))  # fmt: skip
    aspect = (y_range[0] - y_range[1]) / (x_range[1] - x_range[0])  # y_range runs top to bottom
    panel_height = panel_width * float(np.clip(aspect, 0.3, 2.0))
    frame = dict(showticklabels=False, showgrid=False, zeroline=False, ticks="")
    for key, axis_layout in layout.items():
        if key.startswith("xaxis"):
            axis_layout.update(range=list(x_range), constrain="domain", **frame)
        elif key.startswith("yaxis"):
            axis_layout.update(range=list(y_range), constrain="domain", constraintoward="top", **frame)
    layout.update(
        shapes=shapes, height=int(rows * panel_height + 40 * rows + 20), margin=dict(l=2, r=2, t=30, b=2),
        dragmode="zoom", plot_bgcolor="#ffffff",
    )  # fmt: skip
    return PlainFigure(dict(data=data, layout=layout))


def show(figure: PlainFigure, key: str, alt: str) -> None:
    st.plotly_chart(figure, key=key, config=PLOT_CONFIG, alt=alt)


def region_controls(image: LoadedImage, colour: str) -> tuple[images.Region, int]:
    """Where to zoom and how coarsely: the region's centre, cells per side, pixels per cell,
    and the channel the window animation reads. Returns the region and that channel.

    The centre starts on the image's most detailed spot; a new image starts afresh (its own
    defaults and bounds make new widgets).
    """
    height, width = shape = image.shape
    start_y, start_x = image.busiest_point
    x, y, cells, ppc, channel = st.columns([2, 2, 3, 3, 3])
    centre_x = x.number_input("centre x", 0, width - 1, start_x, key=CENTRE_X, help="Column of the region's centre.")
    centre_y = y.number_input("centre y", 0, height - 1, start_y, key=CENTRE_Y, help="Row of the region's centre.")
    count = cells.slider("cells per side", 8, 16, 12, key=CELLS, help="The animation's grid is cells × cells.")
    per_cell = ppc.select_slider(
        "pixels per cell", (1, 2, 4, 8, 16, 32), value=images.default_pixels_per_cell(shape), key=PIXELS_PER_CELL,
        help="1: the animation reads the actual pixels. 4: each cell is the mean of a 4×4 block (a downscaled copy).",
    )  # fmt: skip
    index = 0
    if colour == "RGB":
        name = channel.selectbox("channel", images.CHANNEL_NAMES, key=CHANNEL, help="The plane the window reads.")
        index = images.CHANNEL_NAMES.index(name)
    region = images.region_around(shape, int(centre_y), int(centre_x), int(count), int(per_cell))
    return region, index


def _size_note(full_shape: tuple[int, ...], shown_shape: tuple[int, int]) -> str:
    return "shown at full size" if tuple(full_shape) == shown_shape else f"shown at {shown_shape[1]} × {shown_shape[0]}"


def side_by_side(batch: np.ndarray, outputs: dict, calls: dict, view: str, region: images.Region) -> None:
    """The original and each pooled output at the same display size, the region outlined."""
    input_shape = batch.shape[1:]
    planes = [slice(None)] if view == VIEWS[0] else [slice(c, c + 1) for c in range(batch.shape[0])]
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
    figure = pictures_figure(grid, (-0.5, input_shape[1] - 0.5), (input_shape[0] - 0.5, -0.5), outlines=(outline,))
    show(figure, "images_side_by_side", alt="The original image next to its max-pooled and average-pooled versions.")

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
    st.caption("Drag to zoom (all pictures follow), double-click to zoom out. The yellow square is the region below.")


def region_detail(batch: np.ndarray, outputs: dict, calls: dict, region: images.Region, *,
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
    show(pictures_figure([row], x_range, y_range, marks=marks, marks_label="picked by max_pool2d"), "images_region",
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
