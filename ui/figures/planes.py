"""Small multiples for an N×C×H×W tensor: every (sample, channel) plane and its pooled plane.
No Streamlit here."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from pooling_core.animation import fmt
from ui.figures.plain import styled
from ui.palette import Palette
from ui.scene import value_range


def planes_figure(x: np.ndarray, y: np.ndarray | None, palette: Palette, plane_height: int = 210) -> go.Figure:
    """One row per (n, c): the input plane, then its pooled plane (``y=None``: left empty,
    e.g. before a prediction is revealed), with values written in, on one colour scale."""
    batch, channels = x.shape[:2]
    rows = batch * channels
    titles = []
    for n in range(batch):
        for c in range(channels):
            pooled = f"y[{n}, {c}]  {y.shape[2]}×{y.shape[3]}" if y is not None else f"y[{n}, {c}]  ?"
            titles += [f"x[{n}, {c}]  {x.shape[2]}×{x.shape[3]}", pooled]
    height = 84 + plane_height * rows
    figure = make_subplots(rows=rows, cols=2, subplot_titles=titles, horizontal_spacing=0.08,
                           vertical_spacing=70 / height)  # fmt: skip
    low, high = value_range(x, y) if y is not None else value_range(x)
    show_text = x.shape[2] * x.shape[3] <= 256
    for n in range(batch):
        for c in range(channels):
            row = n * channels + c + 1
            planes = ((1, x[n, c]),) + (((2, y[n, c]),) if y is not None else ())
            for col, plane in planes:
                figure.add_trace(
                    go.Heatmap(
                        z=np.where(np.isfinite(plane), plane, np.nan), text=[[fmt(v) for v in r] for r in plane],
                        texttemplate="%{text}" if show_text else None, colorscale=palette.colourscale(), zmin=low,
                        zmax=high, showscale=False, xgap=2, ygap=2,
                        hovertemplate="(%{y}, %{x}): %{text}<extra></extra>",
                    ),  # fmt: skip
                    row=row, col=col,
                )  # fmt: skip
    figure.update_yaxes(autorange="reversed", showgrid=False, zeroline=False, dtick=1, scaleanchor=None)
    figure.update_xaxes(showgrid=False, zeroline=False, dtick=1)
    # room for the row numbers left of the first column and the column numbers under the last row
    figure.update_layout(height=height, margin=dict(l=34, r=10, t=40, b=34), showlegend=False)
    return styled(figure, palette)
