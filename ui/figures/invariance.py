"""The invariance page's figures: permutations inside and across pooling cells, shifts, and the
curves of unchanged outputs. No Streamlit here; the data comes from :mod:`ui.invariance`."""

from __future__ import annotations

import base64
import io

import numpy as np
import plotly.graph_objects as go
from PIL import Image
from plotly.subplots import make_subplots

from pooling_core.animation import fmt
from ui import invariance as inv
from ui.figures.plain import styled
from ui.palette import Palette

PANEL_WIDTH = 260  # pixels: one of three panels side by side in the main column


MIN_CELL_FOR_TEXT = 16  # px: narrower cells (a 12×12 grid on a phone) show colours, not numbers


def _heatmap(values: np.ndarray, low: float, high: float, palette: Palette, panel_width: int) -> go.Heatmap:
    """A small grid with its numbers written in the cells, where they fit."""
    fits = panel_width / values.shape[1] >= MIN_CELL_FOR_TEXT
    return go.Heatmap(
        z=values, zmin=low, zmax=high, colorscale=palette.colourscale(), showscale=False, xgap=1, ygap=1,
        text=[[fmt(v) for v in row] for row in values], texttemplate="%{text}" if fits else None,
        hovertemplate="(%{y}, %{x}): %{text}<extra></extra>",
    )  # fmt: skip


def _picture(values: np.ndarray, palette: Palette, changed: np.ndarray | None = None) -> go.Image:
    """Grey levels 0..255 as a PNG inside the figure (a heatmap of this many cells is megabytes),
    with changed pixels tinted red."""
    grey = np.clip(np.round(np.nan_to_num(values)), 0, 255)
    rgb = np.repeat(grey[..., None], 3, axis=2)  # (H, W, 3)
    if changed is not None:
        mark = np.array([int(palette.changed[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float64)
        rgb = np.where(changed[..., None], 0.4 * rgb + 0.6 * mark, rgb)
    buffer = io.BytesIO()
    Image.fromarray(rgb.astype(np.uint8), mode="RGB").save(buffer, format="PNG")
    return go.Image(source="data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode(), hoverinfo="skip")


def _rect(axes: int, r0: float, c0: float, r1: float, c1: float, **style) -> dict:
    suffix = "" if axes == 1 else str(axes)
    return dict(type="rect", xref=f"x{suffix}", yref=f"y{suffix}", x0=c0 - 0.5, x1=c1 + 0.5, y0=r0 - 0.5,
                y1=r1 + 0.5, **style)  # fmt: skip


def _cell_outlines(shape: tuple[int, int], kernel_size: int, axes: int, palette: Palette) -> list[dict]:
    """One rectangle around every pooling cell, from the window geometry."""
    windows = inv.pooling_cells(shape, kernel_size)
    shapes = []
    for index in np.ndindex(*windows.output_shape):
        positions = np.array([cell["position"] for cell in windows.window_cells(*index)])  # (k·k, 2)
        (r0, c0), (r1, c1) = positions.min(axis=0), positions.max(axis=0)
        shapes.append(_rect(axes, r0, c0, r1, c1, line=dict(color=palette.window, width=2)))
    return shapes


def _changed_outlines(changed: np.ndarray, axes: int, palette: Palette) -> list[dict]:
    return [
        _rect(axes, r, c, r, c, line=dict(color=palette.changed, width=4, dash="dot"))
        for r, c in np.argwhere(changed).tolist()
    ]


def _square_axes(figure: go.Figure, count: int) -> None:
    hidden = dict(showgrid=False, zeroline=False, showticklabels=False, ticks="", constrain="domain")
    figure.update_xaxes(**hidden)
    figure.update_yaxes(autorange="reversed", **hidden)
    for i in range(1, count + 1):
        suffix = "" if i == 1 else str(i)
        figure.layout[f"yaxis{suffix}"].update(scaleanchor=f"x{suffix}")


def _fit_titles(figure: go.Figure, panel_width: int) -> None:
    """Panel titles that fit their panel: on a phone (~110 px a panel) smaller, broken into lines."""
    if panel_width >= 200:
        return
    for annotation in figure.layout.annotations:
        words, lines, line = annotation.text.split(), [], ""
        for word in words:
            if line and len(line) + 1 + len(word) > panel_width // 7:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        annotation.update(text="<br>".join([*lines, line]), font_size=11)


def permutation_figures(check: inv.PermutationCheck, kernel_size: int, palette: Palette,
                        panel_width: int = PANEL_WIDTH) -> tuple[go.Figure, go.Figure]:  # fmt: skip
    """The three inputs with their pooling cells; then max and avg outputs, changed cells in red."""
    low, high = float(np.nanmin(check.grid)), float(np.nanmax(check.grid))
    inputs = make_subplots(rows=1, cols=3, horizontal_spacing=0.04, subplot_titles=(
        "input", "shuffled inside each cell", "shuffled across cells"))  # fmt: skip
    shapes = []  # gathered, then set once: add_shape one at a time is quadratic in Plotly
    for col, values in enumerate((check.grid, check.inside, check.across), start=1):
        inputs.add_trace(_heatmap(values, low, high, palette, panel_width), row=1, col=col)
        shapes += _cell_outlines(values.shape, kernel_size, col, palette)
    _square_axes(inputs, 3)
    inputs.update_layout(height=panel_width + 80, margin=dict(l=10, r=10, t=40, b=10), shapes=shapes)

    titles = [f"{inv.METHOD_LABELS[m]}({name})" for m in ("max", "avg") for name in ("input", "inside", "across")]
    outputs = make_subplots(rows=2, cols=3, horizontal_spacing=0.04, vertical_spacing=0.08, subplot_titles=titles)
    shapes = []
    for row, method in enumerate(("max", "avg"), start=1):
        for col, name in enumerate(("original", "inside", "across"), start=1):
            outputs.add_trace(_heatmap(check.outputs[method][name], low, high, palette, panel_width), row=row, col=col)
            if name != "original":
                shapes += _changed_outlines(check.comparisons[method][name].changed, 3 * (row - 1) + col, palette)
    _square_axes(outputs, 6)
    outputs.update_layout(height=2 * panel_width + 110, margin=dict(l=10, r=10, t=40, b=10), shapes=shapes)
    for figure in (inputs, outputs):
        _fit_titles(figure, panel_width)
    return styled(inputs, palette), styled(outputs, palette)


def translation_figure(
    grid: np.ndarray,
    result: inv.Translation,
    palette: Palette,
    *,
    picture: bool = False,
    panel_width: int = PANEL_WIDTH,
) -> go.Figure:
    """Before (top) and after the shift (bottom) for no pooling, max and avg; changes in red.

    ``picture``: draw grey-level images (changed pixels tinted) instead of numbered heatmaps.
    """
    titles = [f"{inv.METHOD_LABELS[m]}, before" for m in inv.METHODS] + [
        f"after t={result.t}: {result.comparisons[m].unchanged_fraction:.0%} unchanged" for m in inv.METHODS
    ]
    figure = make_subplots(rows=2, cols=3, horizontal_spacing=0.04, vertical_spacing=0.08, subplot_titles=titles)
    low, high = float(np.nanmin(grid)), float(np.nanmax(grid))
    shapes = []
    for col, method in enumerate(inv.METHODS, start=1):
        changed = result.comparisons[method].changed
        if picture:
            figure.add_trace(_picture(result.before[method], palette), row=1, col=col)
            figure.add_trace(_picture(result.after[method], palette, changed), row=2, col=col)
        else:
            figure.add_trace(_heatmap(result.before[method], low, high, palette, panel_width), row=1, col=col)
            figure.add_trace(_heatmap(result.after[method], low, high, palette, panel_width), row=2, col=col)
            shapes += _changed_outlines(changed, 3 + col, palette)
    height, width = grid.shape
    columns, rows = int(result.filled.all(axis=0).sum()), int(result.filled.all(axis=1).sum())
    for r1, c1 in ((height - 1, columns - 1), (rows - 1, width - 1)):  # the bands the fill wrote
        if r1 >= 0 and c1 >= 0:
            shapes.append(_rect(4, 0, 0, r1, c1, line=dict(color=palette.text, width=3, dash="dash"),
                                fillcolor="rgba(107, 114, 128, 0.35)", layer="above"))  # fmt: skip
    _square_axes(figure, 6)
    # Two rows of panels about a third of the page wide each, keeping the input's aspect ratio.
    figure.update_layout(height=int(2 * panel_width * height / width) + 110, margin=dict(l=10, r=10, t=40, b=10),
                         shapes=shapes)  # fmt: skip
    _fit_titles(figure, panel_width)
    return styled(figure, palette)


def curve_figure(curves: dict[str, np.ndarray], t: int, kernel_size: int, title: str, palette: Palette) -> go.Figure:
    """Fraction of unchanged outputs against the shift, one line per method."""
    shifts = np.arange(len(curves["none"]))
    figure = go.Figure()
    figure.add_vrect(x0=-0.2, x1=kernel_size - 0.5, fillcolor=palette.unread_padding_fill, line_width=0, layer="below")
    figure.add_annotation(x=(kernel_size - 0.7) / 2, y=1.0, yref="paper", yanchor="bottom", showarrow=False,
                          text="t < kernel_size: within a cell", font=dict(color=palette.muted))  # fmt: skip
    colours = dict(zip(("max", "avg", "none"), palette.series, strict=True))
    for method in ("max", "avg", "none"):
        figure.add_trace(go.Scatter(
            x=shifts, y=curves[method], mode="lines+markers", name=inv.METHOD_LABELS[method],
            # max widest and drawn first, so a line lying on it leaves it visible
            line=dict(color=colours[method], width=6 if method == "max" else 3,
                      dash="dot" if method == "none" else "solid"),
            hovertemplate="t=%{x}: %{y:.0%} unchanged<extra>" + inv.METHOD_LABELS[method] + "</extra>",
        ))  # fmt: skip
    figure.add_vline(x=t, line=dict(color=palette.text, width=2, dash="dash"))
    figure.update_layout(
        title=title, height=380, margin=dict(l=10, r=10, t=60, b=10), plot_bgcolor=palette.background,
        paper_bgcolor=palette.background, font=dict(color=palette.text),
        xaxis=dict(title="shift t (pixels)", dtick=1, automargin=True, range=[-0.2, shifts[-1] + 0.2],
                   gridcolor=palette.padding_fill),
        yaxis=dict(title="fraction unchanged", tickformat=".0%", automargin=True, range=[-0.03, 1.05],
                   gridcolor=palette.padding_fill),
        legend=dict(orientation="h", y=-0.25),
    )  # fmt: skip
    return styled(figure, palette)
