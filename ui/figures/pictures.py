"""Pictures on linked axes: an image next to its pooled versions, each placed in input pixel
coordinates, so a zoom in one picture shows the same place in all. No Streamlit here.

Pictures are Plotly ``image`` traces whose pixels travel as PNG/JPEG inside the figure (never
raw 1024² traces), written as plain dicts on a cached subplot layout: building them through
plotly's objects took ~60 ms per figure (tests/unit/test_figures.py validates them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from plotly.subplots import make_subplots

from ui import images
from ui.figures.plain import PlainFigure
from ui.images import Placement
from ui.palette import LIGHT, Palette

PANEL_WIDTH = 290  # px: roughly a third of the main column in the wide layout on a 1400-px screen


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
                    marks_label: str = "", palette: Palette = LIGHT) -> PlainFigure:  # fmt: skip
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
                           line=dict(color=palette.frame, width=1)))  # fmt: skip
        shapes.extend(dict(type="rect", xref=f"x{axis}", yref=f"y{axis}", line=dict(color=palette.overhang, width=2),
                           **outline) for outline in outlines)  # fmt: skip
        layout["annotations"][number - 1].update(text=picture.title, font=dict(size=15, color=palette.text))
    if marks is not None:
        pixels_across = x_range[1] - x_range[0]
        data.append(dict(
            type="scatter", mode="markers", x=marks[0].tolist(), y=marks[1].tolist(), xaxis="x", yaxis="y",
            marker=dict(symbol="x-thin", size=float(np.clip(0.6 * panel_width / pixels_across, 4, 14)),
                        line=dict(width=2, color=palette.chosen)),
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
        dragmode="zoom", plot_bgcolor=palette.background, paper_bgcolor=palette.background,
    )  # fmt: skip
    return PlainFigure(dict(data=data, layout=layout))
