"""The sliding window on screen: a :class:`ui.scene.Scene` at one step, as a Plotly figure.
No Streamlit here.

Built from small layers, each a function: the padding frame (:func:`ghost_layer`), the values
(:func:`value_layer`, input and output on one colour scale), the NaN cells, and the step's
marks (:func:`window_marks`, :func:`chosen_marks`, :func:`output_mark`, :func:`dropped_marks`).
The pillow renderer of the exports (:mod:`ui.export`) draws the same scene with the same palette.

The figure shows one step; the page's step controls redraw it (a Plotly player in the browser
could not tell the page which frame it shows, so steps are the server's, and shareable).
"""

from __future__ import annotations

import json
from functools import lru_cache

import numpy as np
from plotly.subplots import make_subplots

from pooling_core.animation import CELL_INPUT, CELL_OVERHANG, CELL_PADDING, fmt
from ui.figures.plain import PlainFigure
from ui.palette import Palette
from ui.scene import UNREAD_PADDING, Overlay, Scene, ghost_text, text_size, tick_step

FONT_FAMILY = '"Source Sans", sans-serif'  # the page's own font (figures are drawn without Streamlit's theme)
INPUT_AXES, OUTPUT_AXES = ("x", "y"), ("x2", "y2")
DASH = {CELL_INPUT: "solid", CELL_PADDING: "dash", CELL_OVERHANG: "dot"}


def edges(centres: np.ndarray) -> np.ndarray:
    """Cell edges halfway between neighbouring centres (what Plotly's heatmap draws).

    >>> edges(np.array([0.5, 2.5, 4.5])).tolist()
    [-0.5, 1.5, 3.5, 5.5]
    """
    if len(centres) == 1:
        return np.array([centres[0] - 0.5, centres[0] + 0.5])
    middles = (centres[1:] + centres[:-1]) / 2
    first, last = centres[0] - (middles[0] - centres[0]), centres[-1] + (centres[-1] - middles[-1])
    return np.concatenate([[first], middles, [last]])


def _rect(axes, x0, x1, y0, y1, **style) -> dict:
    return dict(type="rect", xref=axes[0], yref=axes[1], x0=x0, x1=x1, y0=y0, y1=y1, **style)


def _cell(axes, row: float, column: float, inset: float = 0.0, **style) -> dict:
    return _rect(axes, column - 0.5 + inset, column + 0.5 - inset, row - 0.5 + inset, row + 0.5 - inset, **style)


def _colour_z(values: np.ndarray, low: float, high: float) -> list:
    """Heatmap colours need finite numbers: NaN → blank (drawn by :func:`nan_layer`), ±inf → the ends."""
    z = np.where(np.isposinf(values), high, np.where(np.isneginf(values), low, values))
    return np.where(np.isnan(z), None, z).tolist()


# --- layers --------------------------------------------------------------------------------


def ghost_layer(scene: Scene, palette: Palette, font_size: int | None) -> dict:
    """Padding cells (read: grey; never read: paler) and ceil-mode overhang, under the input."""
    rows = np.arange(scene.rows[0], scene.rows[1] + 1)
    columns = np.arange(scene.columns[0], scene.columns[1] + 1)
    z = np.full((len(rows), len(columns)), None, dtype=object)
    text = np.full(z.shape, "", dtype=object)
    level = {UNREAD_PADDING: 0, CELL_PADDING: 1, CELL_OVERHANG: 2}
    for (row, column), kind in scene.ghosts.items():
        z[row - scene.rows[0], column - scene.columns[0]] = level[kind]
        text[row - scene.rows[0], column - scene.columns[0]] = ghost_text(scene, kind)
    return dict(
        type="heatmap", xaxis="x", yaxis="y", z=z.tolist(), x=columns.tolist(), y=rows.tolist(), text=text.tolist(),
        texttemplate="%{text}" if font_size else None, textfont=dict(size=font_size or 10, color=palette.muted),
        colorscale=[[0, palette.unread_padding_fill], [0.5, palette.padding_fill], [1, palette.overhang_fill]],
        zmin=0, zmax=2, showscale=False, hoverinfo="skip", xgap=2, ygap=2, name="padding",
    )  # fmt: skip


def value_layer(values: np.ndarray, x: np.ndarray, axes, scene: Scene, palette: Palette, font_size: int | None,
                name: str, shown: np.ndarray | None = None) -> dict:  # fmt: skip
    """A grid of values on the scene's colour scale; cells not ``shown`` are left empty."""
    low, high = scene.value_range
    z = np.array(_colour_z(values, low, high), dtype=object)
    text = np.array([[fmt(v) for v in row] for row in values], dtype=object)
    if shown is not None:
        z[~shown], text[~shown] = None, ""
    hover = "%{x}: %{text}<extra></extra>" if scene.one_d else "(%{y}, %{x}): %{text}<extra></extra>"
    return dict(
        type="heatmap", xaxis=axes[0], yaxis=axes[1], z=z.tolist(), x=x.tolist(), y=list(range(values.shape[0])),
        text=text.tolist(), texttemplate="%{text}" if font_size else None, textfont=dict(size=font_size or 10),
        colorscale=palette.colourscale(), zmin=low, zmax=high, showscale=False, xgap=2, ygap=2,
        hovertemplate=hover, name=name,
    )  # fmt: skip


def slot_layer(shape: tuple[int, int], x: np.ndarray, axes, palette: Palette) -> dict:
    """Empty output cells, so the outputs still to compute are visible as slots."""
    return dict(
        type="heatmap", xaxis=axes[0], yaxis=axes[1], z=np.zeros(shape).tolist(), x=x.tolist(),
        y=list(range(shape[0])), colorscale=[[0, palette.unread_padding_fill], [1, palette.unread_padding_fill]],
        showscale=False, hoverinfo="skip", xgap=2, ygap=2, name="slots",
    )  # fmt: skip


def nan_layer(values: np.ndarray, x: np.ndarray, axes, palette: Palette, font_size: int | None,
              shown: np.ndarray | None = None) -> dict | None:  # fmt: skip
    """NaN cells: a colour of their own and the word NaN (no colour scale can place them)."""
    nan = np.isnan(values) if shown is None else np.isnan(values) & shown
    if not nan.any():
        return None
    return dict(
        type="heatmap", xaxis=axes[0], yaxis=axes[1], z=np.where(nan, 0, None).tolist(), x=x.tolist(),
        y=list(range(values.shape[0])), text=np.where(nan, "NaN", "").tolist(),
        texttemplate="%{text}" if font_size else None, textfont=dict(size=font_size or 10, color=palette.text),
        colorscale=[[0, palette.nan_fill], [1, palette.nan_fill]], showscale=False, xgap=2, ygap=2,
        hoverinfo="skip", name="NaN",
    )  # fmt: skip


# --- the step's marks --------------------------------------------------------------------------


def window_marks(overlay: Overlay, palette: Palette) -> list[dict]:
    """Every tap of the window: solid over input cells, dashed over padding, dotted past it."""
    colour = {CELL_INPUT: palette.window, CELL_PADDING: palette.padding, CELL_OVERHANG: palette.overhang}
    return [
        _cell(
            INPUT_AXES,
            row,
            column,
            line=dict(color=colour[kind], width=4, dash=DASH[kind]),
            fillcolor=palette.window_fill,
        )  # fmt: skip
        for row, column, kind in overlay.window
    ]


def shared_marks(overlay: Overlay, palette: Palette) -> list[dict]:
    """Cells this adaptive bin shares with another (bins overlap when sizes do not divide): a
    dotted inner outline."""
    return [_cell(INPUT_AXES, row, column, inset=0.22, line=dict(color=palette.window, width=2, dash="dot"))
            for row, column in overlay.shared]  # fmt: skip


def chosen_marks(overlay: Overlay, palette: Palette) -> list[dict]:
    """The cell max pooling picked: a double outline (shape, not only colour, tells it apart)."""
    if overlay.chosen is None:
        return []
    row, column = overlay.chosen
    return [
        _cell(INPUT_AXES, row, column, inset=0.06, line=dict(color=palette.chosen, width=4)),
        _cell(INPUT_AXES, row, column, inset=0.2, line=dict(color=palette.chosen, width=2)),
    ]


def chosen_label(overlay: Overlay, palette: Palette) -> list[dict]:
    """A ``▲`` under the picked cell (the mark a reader names: "the triangle")."""
    if overlay.chosen is None:
        return []
    row, column = overlay.chosen
    return [dict(text="▲", x=column, y=row + 0.42, xref=INPUT_AXES[0], yref=INPUT_AXES[1], showarrow=False,
                 font=dict(size=12, color=palette.chosen), yanchor="middle")]  # fmt: skip


def output_mark(overlay: Overlay, scene: Scene, palette: Palette) -> dict:
    """The output cell this step computes."""
    row, column = overlay.output
    cell_edges = edges(scene.output_x)
    return _rect(OUTPUT_AXES, cell_edges[column], cell_edges[column + 1], row - 0.5, row + 0.5,
                 line=dict(color=palette.window, width=5))  # fmt: skip


def dropped_marks(scene: Scene, palette: Palette) -> list[dict]:
    """Windows ceil mode counts but torch drops (they would start in the right padding): dash-dot."""
    return [
        _cell(INPUT_AXES, row, column, inset=0.1, line=dict(color=palette.overhang, width=2, dash="dashdot"))
        for window in scene.dropped
        for row, column in window
    ]


# --- the figure ------------------------------------------------------------------------------


@lru_cache(maxsize=2)
def _subplot_layout(one_d: bool) -> str:
    """The two-panel layout (domains, axes, titles), made once by make_subplots; a JSON string so
    every caller gets its own copy."""
    if one_d:
        figure = make_subplots(rows=2, cols=1, vertical_spacing=0.28, shared_xaxes=True,
                               subplot_titles=("input x", "output (under its window)"))  # fmt: skip
    else:
        figure = make_subplots(rows=1, cols=2, horizontal_spacing=0.08, subplot_titles=("input", "output"))
    layout = figure.to_plotly_json()["layout"]
    # Not plotly's default template: 7 KB of defaults for trace types never drawn here, sent and
    # applied by Plotly.js on every redraw; every colour the figure uses is set from the palette.
    layout.pop("template", None)
    return json.dumps(layout)


def figure_height(scene: Scene, width_px: int = 900) -> int:
    """Pixels: a 1-D figure is two rows of cells; a 2-D one is as tall as its square cells need."""
    if scene.one_d:
        return 230 if scene.outputs is not None else 130
    rows = scene.rows[1] - scene.rows[0] + 1
    columns = (scene.columns[1] - scene.columns[0] + 1) + (scene.outputs.shape[1] if scene.outputs is not None else 0)
    cell = 0.94 * width_px / max(columns, 1)
    return int(np.clip(70 + cell * rows, 220, 640))


def window_figure(scene: Scene, step: int, palette: Palette, *, show_outputs: bool = True,
                  width_px: int = 900, max_height_px: int = 640, titles: tuple[str, str] | None = None,
                  every_output: bool = False) -> PlainFigure:  # fmt: skip
    """The scene at ``step``: its window, picked cell and output cell marked, outputs computed so far.

    ``show_outputs=False`` leaves every output empty (predict mode: the answer is not given away);
    ``every_output`` shows them all from the first step (the Backward page: the upstream
    gradient is known). A scene without outputs (an invalid call) draws the input alone.
    ``width_px`` is the width the figure is expected to get, which decides how large the numbers
    can be written; ``titles`` name the two panels.
    """
    layout = json.loads(_subplot_layout(scene.one_d))
    for annotation, title in zip(layout.get("annotations", []), titles or (), strict=False):
        annotation["text"] = title
    across = scene.columns[1] - scene.columns[0] + 1
    panel_width = width_px if scene.one_d else width_px * 0.46
    font_size = text_size(across, int(panel_width))
    columns = np.arange(scene.inputs.shape[1])
    data = [ghost_layer(scene, palette, font_size)] if scene.ghosts else []
    data.append(value_layer(scene.inputs, columns, INPUT_AXES, scene, palette, font_size, "input"))
    data.append(nan_layer(scene.inputs, columns, INPUT_AXES, palette, font_size))
    shapes, annotations = [], list(layout.get("annotations", []))
    if scene.outputs is not None and scene.overlays:
        step = scene.clamp(step)
        overlay = scene.overlays[step]
        shown = scene.revealed(step) if show_outputs else np.zeros(scene.outputs.shape, dtype=bool)
        if every_output:
            shown = np.ones(scene.outputs.shape, dtype=bool)
        out_font = text_size(len(scene.output_x), int(panel_width)) if scene.one_d else font_size
        data.append(slot_layer(scene.outputs.shape, scene.output_x, OUTPUT_AXES, palette))
        data.append(value_layer(scene.outputs, scene.output_x, OUTPUT_AXES, scene, palette, out_font, "output", shown))
        data.append(nan_layer(scene.outputs, scene.output_x, OUTPUT_AXES, palette, out_font, shown))
        # The picked cell is an answer too (predict mode hides it with the outputs).
        picked = chosen_marks(overlay, palette) if show_outputs else []
        shapes = (
            window_marks(overlay, palette) + shared_marks(overlay, palette) + picked + dropped_marks(scene, palette)
        )
        shapes.append(output_mark(overlay, scene, palette))
        annotations += chosen_label(overlay, palette) if show_outputs else []
    data = [trace for trace in data if trace is not None]
    height = min(figure_height(scene, width_px), max_height_px)
    _style_axes(layout, scene, across, width_px - 40, height)
    if scene.outputs is None:  # only the input: its panel takes the whole figure
        _input_alone(layout, scene)
        annotations = layout["annotations"]
    for annotation in annotations:
        annotation.setdefault("font", {}).setdefault("color", palette.text)
    layout.update(
        height=height, margin=dict(l=30, r=10, t=36, b=24), shapes=shapes,
        annotations=annotations,
        font=dict(family=FONT_FAMILY, size=15, color=palette.text), plot_bgcolor=palette.background,
        paper_bgcolor=palette.background, showlegend=False, dragmode=False,
    )  # fmt: skip
    return PlainFigure({"data": data, "layout": layout})


def _style_axes(layout: dict, scene: Scene, across: int, width_px: int, height_px: int) -> None:
    plain = dict(showgrid=False, zeroline=False, fixedrange=True)
    if scene.one_d:
        for name in ("xaxis", "xaxis2"):
            layout[name].update(range=[scene.columns[0] - 0.5, scene.columns[1] + 0.5], dtick=tick_step(across),
                                **plain)  # fmt: skip
        layout["xaxis"].update(ticks="")  # the input's column numbers are the output's, printed below
        for name in ("yaxis", "yaxis2"):
            layout[name].update(autorange="reversed", showticklabels=False, ticks="", **plain)
        return
    # Label every cell while labels fit (~24 px each), else every n-th.
    ticks = {"dtick": tick_step(across, ticks=max(int(width_px * 0.46 / 24), 4))}
    # Input and output cells the same size: the cell side that fits both the width and the height,
    # then each panel's width in proportion to its columns.
    out_columns = scene.outputs.shape[1] if scene.outputs is not None else 0
    gap = 0.06
    rows = scene.rows[1] - scene.rows[0] + 1
    cell = min((1 - gap) * width_px / (across + out_columns), (height_px - 70) / rows)
    first = cell * across / width_px
    second = cell * out_columns / width_px
    layout["xaxis"].update(domain=[0, min(first, 1)], constrain="domain", **plain, **ticks)
    layout["xaxis2"].update(domain=[min(first + gap, 1), min(first + gap + second, 1)], constrain="domain",
                            **plain, **ticks)  # fmt: skip
    for name, anchor in (("yaxis", "x"), ("yaxis2", "x2")):
        layout[name].update(autorange="reversed", constrain="domain", constraintoward="top", scaleanchor=anchor,
                            **plain, **ticks)  # fmt: skip
    for annotation, axis in zip(layout.get("annotations", [])[:2], ("xaxis", "xaxis2"), strict=False):
        annotation["x"] = sum(layout[axis]["domain"]) / 2  # titles over their panels


def _input_alone(layout: dict, scene: Scene) -> None:
    if scene.one_d:
        layout["yaxis"]["domain"] = [0.0, 0.8]
        layout["xaxis"]["showticklabels"] = True
        layout["xaxis2"]["visible"] = layout["yaxis2"]["visible"] = False
        layout["annotations"][0]["y"] = 1.0
    else:
        layout["xaxis"]["domain"] = [0.0, 0.46]
        layout["xaxis2"]["visible"] = layout["yaxis2"]["visible"] = False
    layout["annotations"] = layout.get("annotations", [])[:1]
