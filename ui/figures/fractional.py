"""Every window of a fractional call at once: how many windows read each cell, and each axis's
windows as bars beside the grid (width windows above, height windows to the left), so overlaps and
skipped cells show. No Streamlit here.

The windows are the call's (:meth:`pooling_core.PoolCall.windows`, through :mod:`ui.fractional`);
a 2-D window is a height window × a width window, so the bars along the two edges are all of them.
"""

from __future__ import annotations

import numpy as np

from ui import fractional
from ui.figures.plain import PlainFigure
from ui.figures.window import FONT_FAMILY
from ui.palette import Palette
from ui.scene import text_size, tick_step

LANE = 0.8  # height of one lane of bars, in cells
INSET = 0.08  # bars stop short of the cell edges, so touching windows stay two bars


def lanes(starts: tuple[int, ...], kernel_size: int) -> list[int]:
    """A lane per window so that windows sharing a cell never share a lane (greedy, in order).

    >>> lanes((0, 1, 3, 5), 2)  # [0, 2) and [1, 3) overlap; [3, 5) and [5, 7) fit back in lane 0
    [0, 1, 0, 0]
    """
    ends: list[int] = []  # per lane, where its last window ends
    picked = []
    for start in starts:
        lane = next((i for i, end in enumerate(ends) if end <= start), len(ends))
        if lane == len(ends):
            ends.append(0)
        ends[lane] = start + kernel_size
        picked.append(lane)
    return picked


def _bars(axis: fractional.Axis, horizontal: bool, palette: Palette) -> tuple[list[dict], list[dict], int]:
    """The axis's windows as bars (shapes), their numbers (annotations), and how many lanes they take."""
    placed = lanes(axis.starts, axis.kernel_size)
    shapes, labels = [], []
    for index, (start, lane) in enumerate(zip(axis.starts, placed, strict=True)):
        low, high = start - 0.5 + INSET, start + axis.kernel_size - 0.5 - INSET
        near = -1.0 - lane * LANE  # the lane's edge nearest the grid
        across = (near - LANE + 0.12, near)
        box = dict(x0=low, x1=high, y0=across[0], y1=across[1]) if horizontal else \
            dict(x0=across[0], x1=across[1], y0=low, y1=high)  # fmt: skip
        shapes.append(dict(type="rect", xref="x", yref="y", **box, line=dict(color=palette.window, width=2),
                           fillcolor=palette.window_fill, layer="above"))  # fmt: skip
        middle = ((low + high) / 2, sum(across) / 2)
        x, y = middle if horizontal else middle[::-1]
        labels.append(dict(x=x, y=y, xref="x", yref="y", text=f"{axis.name.lower()}{index}", showarrow=False,
                           font=dict(size=11, color=palette.text)))  # fmt: skip
    return shapes, labels, (max(placed) + 1 if placed else 0)


def windows_figure(call, shape: tuple[int, ...], palette: Palette, *, width_px: int = 900) -> PlainFigure:
    """The grid coloured by how many windows read each cell (written in), with the height windows
    as bars on the left and the width windows as bars on top, one lane per overlap."""
    counts = fractional.coverage(call, shape)
    height_axis, width_axis = fractional.axes(call, shape)
    rows, columns = counts.shape
    top_shapes, top_labels, top_lanes = _bars(width_axis, True, palette)
    left_shapes, left_labels, left_lanes = _bars(height_axis, False, palette)
    left_edge, top_edge = -1.0 - left_lanes * LANE - 0.2, -1.0 - top_lanes * LANE - 0.2
    across = columns + (-left_edge)
    cell = min(0.9 * width_px / across, 56)
    font = text_size(1, int(cell))
    high = max(int(counts.max()), 2)
    read = np.where(counts > 0, counts, np.nan)
    z = np.where(np.isnan(read), None, read).tolist()
    text = [[str(int(v)) for v in row] for row in counts]
    data = [
        dict(type="heatmap", z=z, x=list(range(columns)), y=list(range(rows)), text=text,
             texttemplate="%{text}" if font else None, textfont=dict(size=font or 10), zmin=1, zmax=high,
             colorscale=[[0, palette.values[1]], [1, palette.values[6]]], showscale=False, xgap=2, ygap=2,
             name="windows per cell", hovertemplate="(%{y}, %{x}): read by %{text} window(s)<extra></extra>"),
    ]  # fmt: skip
    if (counts == 0).any():
        data.append(dict(
            type="heatmap", z=np.where(counts == 0, 0, None).tolist(), x=list(range(columns)), y=list(range(rows)),
            text=np.where(counts == 0, "0", "").tolist(), texttemplate="%{text}" if font else None,
            textfont=dict(size=font or 10, color=palette.text),
            colorscale=[[0, palette.overhang_fill], [1, palette.overhang_fill]], showscale=False, xgap=2, ygap=2,
            name="read by no window", hovertemplate="(%{y}, %{x}): read by no window<extra></extra>",
        ))  # fmt: skip
    plain = dict(showgrid=False, zeroline=False, fixedrange=True)
    height = int(cell * (rows - top_edge + 0.3) + 40)  # the rows, the lanes of bars, the ticks
    layout = dict(
        height=height, margin=dict(l=30, r=10, t=10, b=24), shapes=top_shapes + left_shapes,
        annotations=top_labels + left_labels,
        xaxis=dict(range=[left_edge - 0.3, columns - 0.5], tickvals=list(range(0, columns, tick_step(columns))),
                   constrain="domain", **plain),
        yaxis=dict(range=[rows - 0.5, top_edge - 0.3], tickvals=list(range(0, rows, tick_step(rows))),
                   scaleanchor="x", constrain="domain", **plain),
        font=dict(family=FONT_FAMILY, size=14, color=palette.text), plot_bgcolor=palette.background,
        paper_bgcolor=palette.background, showlegend=False, dragmode=False,
    )  # fmt: skip
    return PlainFigure({"data": data, "layout": layout})
