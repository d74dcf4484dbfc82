"""A D×H×W volume as a row of slices, and the window of one step as a box across them: a
:class:`ui.volume.VolumeScene` as a Plotly figure. No Streamlit here.

Each slice ``d`` is an H×W panel (padding slices and the padding frame drawn as ghosts, as in the
2-D figure); the output is its own row of slices below. At each step the slices the window reads
sit in one shaded box, every tap is outlined in its slice (solid over input, dashed over padding,
dotted past it), the picked cell of max pooling gets a double outline and a ``▲``, and the output
cell being computed is outlined in its slice. Layers and marks reuse :mod:`ui.figures.window`'s
conventions and the one palette.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from pooling_core.animation import CELL_INPUT, CELL_OVERHANG, CELL_PADDING, fmt
from ui.figures.plain import PlainFigure
from ui.figures.window import DASH, FONT_FAMILY
from ui.palette import Palette
from ui.scene import UNREAD_PADDING, text_size
from ui.volume import VolumeScene

GAP = 0.7  # between two slices, in cells
TITLE_PX, HEADING_PX, ROW_GAP_PX, SECTION_GAP_PX = 22, 26, 22, 18  # a row gap clears the box under a row
MARGIN_PX = 10
OUTPUT_HEADING_PX = 285  # "output y · D_out×H_out×W_out = 10×10×10" at the headings' 15 px


@dataclass(frozen=True)
class Panel:
    """Where one slice is drawn, in pixels from the figure's top left (its cells' area)."""

    axis: int  # 1-based Plotly axis number
    left: float
    top: float
    width: float
    height: float


@dataclass(frozen=True)
class Layout:
    cell: float  # px per cell
    inputs: tuple[Panel, ...]  # one per drawn input slice, in scene.slices order
    outputs: tuple[Panel, ...]
    input_heading: float  # y (px) of the headings
    output_heading: float
    height: float
    width: float
    per_row: int = 1  # input slices to a row (the exports arrange them the same way)
    output_left: float = MARGIN_PX  # x (px) of the output's heading: beside the input's slices, or under them


def slices_per_row(count: int, columns: int, cell: float, available: float) -> int:
    """How many of ``count`` slices ``columns`` cells wide fit in ``available`` px (at least one)."""
    return max(1, min(count, math.floor((available / cell + GAP) / (columns + GAP))))


def _panels(count: int, columns: int, rows: int, cell: float, per_row: int, top: float, first_axis: int,
            left: float = MARGIN_PX + 24):  # fmt: skip
    """``count`` panels of ``rows × columns`` cells, ``per_row`` to a row, from ``top`` and ``left``
    (the first slice's cells, right of its tick labels); and where they end."""
    panels = []
    first_left = left
    for index in range(count):
        row, column = divmod(index, per_row)
        left = first_left + column * (columns + GAP) * cell
        panel_top = top + TITLE_PX + row * (TITLE_PX + rows * cell + ROW_GAP_PX)
        panels.append(Panel(first_axis + index, left, panel_top, columns * cell, rows * cell))
    layout_rows = math.ceil(count / per_row) if count else 0
    return tuple(panels), top + layout_rows * (TITLE_PX + rows * cell + ROW_GAP_PX)


def layout(scene: VolumeScene, width_px: int = 900, max_height_px: int = 640, max_cell: float = 48,
           min_cell: float = 14, outputs_beside: bool = False) -> Layout:  # fmt: skip
    """Cell size and every slice's place. Of all ways to wrap the slices into rows, the one whose
    cells are largest (up to ``max_cell``) while the figure stays under ``max_height_px`` — one more
    row of slices only for cells 15 % larger; the output's slices, cells of the same size, wrap as
    they must. ``outputs_beside``: the output may also go right of the input's slices, when that
    gives larger cells (a wide, short screen: a projector)."""
    (_, _), (h0, h1), (w0, w1) = scene.extent
    rows, columns = h1 - h0 + 1, w1 - w0 + 1
    count = len(scene.slices)
    out = scene.outputs.shape if scene.outputs is not None else (0, 0, 0)
    available = width_px - 2 * MARGIN_PX - 24 - 12  # 24: the first slice's tick labels; 12: the box's right edge

    def place(cell: float, per_row: int, beside: bool = False) -> Layout | None:
        top = MARGIN_PX + HEADING_PX
        inputs, bottom = _panels(count, columns, rows, cell, per_row, top, 1)
        if beside:  # the output's heading and slices right of the input's widest row
            heading_left = inputs[per_row - 1].left + inputs[per_row - 1].width + 12 + 2 * SECTION_GAP_PX
            room = width_px - heading_left - 24 - MARGIN_PX - 12
            if room < out[2] * cell or width_px - heading_left - MARGIN_PX < OUTPUT_HEADING_PX:
                return None
            out_per_row = slices_per_row(out[0], out[2], cell, room)
            outputs, out_bottom = _panels(out[0], out[2], out[1], cell, out_per_row, top, count + 1,
                                          left=heading_left + 24)  # fmt: skip
            height = max(bottom, out_bottom) + MARGIN_PX
            return Layout(cell, inputs, outputs, MARGIN_PX, MARGIN_PX, height, width_px, per_row, heading_left)
        output_heading = bottom + SECTION_GAP_PX
        out_per_row = slices_per_row(out[0], out[2], cell, available) if out[0] else 1
        outputs, bottom = _panels(out[0], out[2], out[1], cell, out_per_row, output_heading + HEADING_PX, count + 1)
        height = (bottom if out[0] else output_heading) + MARGIN_PX
        return Layout(cell, inputs, outputs, MARGIN_PX, output_heading, height, width_px, per_row)

    best = None
    for per_row in range(count, 0, -1):  # one row first: a tie keeps the slices side by side
        cell = min(max_cell, available / (per_row * columns + (per_row - 1) * GAP))
        if cell < min_cell and per_row > 1:  # this many to a row would run past the width even at min_cell
            continue
        for beside in (False, True) if outputs_beside and out[0] else (False,):
            size = max(cell, min_cell)
            placed = place(size, per_row, beside)  # (None: the output finds no room beside, at this size)
            while (placed is None or placed.height > max_height_px) and size > min_cell:
                size = max(min_cell, size * 0.92)
                placed = place(size, per_row, beside)
            if placed is not None and (best is None or placed.cell > 1.15 * best.cell):  # clearly larger cells
                best = placed
    return best


def _axis_names(number: int) -> tuple[str, str, str, str]:
    """``("xaxis3", "yaxis3", "x3", "y3")`` (Plotly names its first axes without the 1)."""
    suffix = "" if number == 1 else str(number)
    return f"xaxis{suffix}", f"yaxis{suffix}", f"x{suffix}", f"y{suffix}"


def _place_axes(spec: dict, panel: Panel, figure: Layout, rows: tuple[int, int], columns: tuple[int, int],
                ticks: bool) -> None:  # fmt: skip
    x_name, y_name, x_ref, _ = _axis_names(panel.axis)
    plain = dict(showgrid=False, zeroline=False, fixedrange=True, ticks="", tickfont=dict(size=11))
    spec[x_name] = dict(
        domain=[panel.left / figure.width, min((panel.left + panel.width) / figure.width, 1)],
        range=[columns[0] - 0.5, columns[1] + 0.5], anchor=_axis_names(panel.axis)[3], constrain="domain",
        showticklabels=ticks, dtick=1, side="bottom", **plain,
    )  # fmt: skip
    spec[y_name] = dict(
        domain=[max(1 - (panel.top + panel.height) / figure.height, 0), 1 - panel.top / figure.height],
        range=[rows[1] + 0.5, rows[0] - 0.5], anchor=x_ref, scaleanchor=x_ref, constrain="domain",
        constraintoward="top", showticklabels=ticks, dtick=1, **plain,
    )  # fmt: skip


def _cell(refs: tuple[str, str], h: float, w: float, inset: float = 0.0, **style) -> dict:
    return dict(type="rect", xref=refs[0], yref=refs[1], x0=w - 0.5 + inset, x1=w + 0.5 - inset, y0=h - 0.5 + inset,
                y1=h + 0.5 - inset, **style)  # fmt: skip


def _refs(panel: Panel) -> tuple[str, str]:
    names = _axis_names(panel.axis)
    return names[2], names[3]


def _heatmap(panel: Panel, z, x, y, text, **style) -> dict:
    refs = _refs(panel)
    return dict(type="heatmap", xaxis=refs[0], yaxis=refs[1], z=z, x=x, y=y, text=text, showscale=False, xgap=2,
                ygap=2, **style)  # fmt: skip


def _z(values: np.ndarray, shown: np.ndarray | None = None) -> list:
    z = np.array(values, dtype=object)
    if shown is not None:
        z[~shown] = None
    return z.tolist()


def _title(figure: Layout, panel: Panel, text: str, colour: str, bold: bool) -> dict:
    return dict(text=f"<b>{text}</b>" if bold else text, x=(panel.left + panel.width / 2) / figure.width,
                y=1 - (panel.top - 3) / figure.height, xref="paper", yref="paper", xanchor="center", yanchor="bottom",
                showarrow=False, font=dict(size=13, color=colour))  # fmt: skip


def _heading(figure: Layout, top: float, text: str, palette: Palette, left: float = MARGIN_PX) -> dict:
    return dict(text=text, x=left / figure.width, y=1 - top / figure.height, xref="paper", yref="paper",
                xanchor="left", yanchor="top", showarrow=False, font=dict(size=15, color=palette.text))  # fmt: skip


def _band(figure: Layout, panels: list[Panel], palette: Palette) -> dict:
    """The shaded box behind consecutive slices of one row that the window reads."""
    pad = 0.3 * figure.cell
    edge = max(pad, 18)  # room for the first slice's tick labels, left and below
    left, right = panels[0].left - edge, panels[-1].left + panels[-1].width + pad
    top, bottom = panels[0].top - TITLE_PX, panels[0].top + panels[0].height + edge
    return dict(type="rect", xref="paper", yref="paper", x0=left / figure.width, x1=right / figure.width,
                y0=1 - bottom / figure.height, y1=1 - top / figure.height, layer="below",
                fillcolor=palette.window_fill, line=dict(color=palette.window, width=2))  # fmt: skip


def runs(panels: tuple[Panel, ...], indices: list[int]) -> list[list[Panel]]:
    """Slices next to each other on one row of the layout, grouped: one box spans each group.

    >>> row = tuple(Panel(i + 1, 40.0 * i, 30.0, 30.0, 30.0) for i in range(4))
    >>> [[panel.axis for panel in run] for run in runs(row, [0, 1, 3])]
    [[1, 2], [4]]
    """
    grouped: list[list[Panel]] = []
    for previous, index in zip([None, *indices], indices, strict=False):
        panel = panels[index]
        if previous == index - 1 and panels[previous].top == panel.top:
            grouped[-1].append(panel)
        else:
            grouped.append([panel])
    return grouped


def volume_figure(scene: VolumeScene, step: int, palette: Palette, *, show_outputs: bool = True,
                  width_px: int = 900, max_height_px: int = 640,
                  outputs_beside: bool = False) -> PlainFigure:  # fmt: skip
    """The volume's slices and the output's slices at ``step``: the window's box, its taps, the
    picked cell and the output cell; outputs computed so far (none with ``show_outputs=False``)."""
    max_cell = 64 if width_px >= 1100 else 48
    figure = layout(scene, width_px, max_height_px, max_cell=max_cell, outputs_beside=outputs_beside)
    font = text_size(1, int(figure.cell))
    (_, _), rows, columns = scene.extent
    depth = scene.inputs.shape[0]
    spec: dict = {}
    data, shapes, annotations = [], [], []
    level = {UNREAD_PADDING: 0, CELL_PADDING: 1, CELL_OVERHANG: 2}
    box = scene.overlays[scene.clamp(step)] if scene.overlays else None
    covered = set(scene.slices_of(scene.clamp(step))) if box else set()
    low, high = scene.value_range
    all_rows, all_columns = list(range(rows[0], rows[1] + 1)), list(range(columns[0], columns[1] + 1))

    for index, (d, panel) in enumerate(zip(scene.slices, figure.inputs, strict=True)):
        _place_axes(spec, panel, figure, rows, columns, ticks=index == 0)
        ghosts = {(h, w): kind for (gd, h, w), kind in scene.ghosts.items() if gd == d}
        if ghosts:
            z = np.full((len(all_rows), len(all_columns)), None, dtype=object)
            text = np.full(z.shape, "", dtype=object)
            for (h, w), kind in ghosts.items():
                z[h - rows[0], w - columns[0]] = level[kind]
                text[h - rows[0], w - columns[0]] = "·" if kind == CELL_OVERHANG else scene.pad_label
            data.append(_heatmap(
                panel, z.tolist(), all_columns, all_rows, text.tolist(), texttemplate="%{text}" if font else None,
                textfont=dict(size=font or 10, color=palette.muted), zmin=0, zmax=2, hoverinfo="skip",
                colorscale=[[0, palette.unread_padding_fill], [0.5, palette.padding_fill], [1, palette.overhang_fill]],
                name=f"padding d={d}",
            ))  # fmt: skip
        inside = 0 <= d < depth
        if inside:
            values = scene.inputs[d]
            data.append(_heatmap(
                panel, _z(values), list(range(values.shape[1])), list(range(values.shape[0])),
                [[fmt(v) for v in row] for row in values], texttemplate="%{text}" if font else None,
                textfont=dict(size=font or 10), colorscale=palette.colourscale(), zmin=low, zmax=high,
                hovertemplate=f"x[{d}, %{{y}}, %{{x}}] = %{{text}}<extra></extra>", name=f"input d={d}",
            ))  # fmt: skip
        name = f"d = {d}" if inside else f"d = {d} (padding)"
        annotations.append(_title(figure, panel, name, palette.window if d in covered else palette.muted, d in covered))

    if scene.outputs is not None:
        shown = scene.revealed(scene.clamp(step)) if show_outputs else np.zeros(scene.outputs.shape, dtype=bool)
        out_rows, out_columns = scene.outputs.shape[1:]
        for d, panel in enumerate(figure.outputs):
            _place_axes(spec, panel, figure, (0, out_rows - 1), (0, out_columns - 1), ticks=d == 0)
            x, y = list(range(out_columns)), list(range(out_rows))
            data.append(_heatmap(panel, np.zeros((out_rows, out_columns)).tolist(), x, y, None, hoverinfo="skip",
                                 colorscale=[[0, palette.unread_padding_fill], [1, palette.unread_padding_fill]],
                                 name=f"slots d={d}"))  # fmt: skip
            values = scene.outputs[d]
            text = np.array([[fmt(v) for v in row] for row in values], dtype=object)
            text[~shown[d]] = ""
            data.append(_heatmap(
                panel, _z(values, shown[d]), x, y, text.tolist(), texttemplate="%{text}" if font else None,
                textfont=dict(size=font or 10), colorscale=palette.colourscale(), zmin=low, zmax=high,
                hovertemplate=f"y[{d}, %{{y}}, %{{x}}] = %{{text}}<extra></extra>", name=f"output d={d}",
            ))  # fmt: skip
            current = box is not None and box.output[0] == d
            annotations.append(_title(figure, panel, f"d = {d}", palette.window if current else palette.muted, current))

    if box is not None:
        slots = {d: index for index, d in enumerate(scene.slices)}
        for run in runs(figure.inputs, sorted(slots[d] for d in covered)):
            shapes.append(_band(figure, run, palette))
        colour = {CELL_INPUT: palette.window, CELL_PADDING: palette.padding, CELL_OVERHANG: palette.overhang}
        for d, h, w, kind in box.window:
            shapes.append(_cell(_refs(figure.inputs[slots[d]]), h, w, line=dict(color=colour[kind], width=3,
                                dash=DASH[kind]), fillcolor=palette.window_fill))  # fmt: skip
        for window in scene.dropped:
            for d, h, w in window:
                shapes.append(_cell(_refs(figure.inputs[slots[d]]), h, w, inset=0.1,
                                    line=dict(color=palette.overhang, width=2, dash="dashdot")))  # fmt: skip
        if box.chosen is not None and show_outputs:
            d, h, w = box.chosen
            refs = _refs(figure.inputs[slots[d]])
            shapes.append(_cell(refs, h, w, inset=0.06, line=dict(color=palette.chosen, width=3)))
            shapes.append(_cell(refs, h, w, inset=0.2, line=dict(color=palette.chosen, width=2)))
            annotations.append(dict(text="▲", x=w, y=h + 0.42, xref=refs[0], yref=refs[1], showarrow=False,
                                    font=dict(size=11, color=palette.chosen), yanchor="middle"))  # fmt: skip
        d, h, w = box.output
        shapes.append(_cell(_refs(figure.outputs[d]), h, w, line=dict(color=palette.window, width=4)))

    size = "×".join(map(str, scene.inputs.shape))
    annotations.append(_heading(figure, figure.input_heading, f"input x · D×H×W = {size}", palette))
    if scene.outputs is not None:
        out = "×".join(map(str, scene.outputs.shape)) if show_outputs else "?"
        annotations.append(_heading(figure, figure.output_heading, f"output y · D_out×H_out×W_out = {out}", palette,
                                    figure.output_left))  # fmt: skip
    spec.update(
        height=int(figure.height), margin=dict(l=0, r=0, t=0, b=0), shapes=shapes, annotations=annotations,
        font=dict(family=FONT_FAMILY, size=14, color=palette.text), plot_bgcolor=palette.background,
        paper_bgcolor=palette.background, showlegend=False, dragmode=False,
    )  # fmt: skip
    return PlainFigure({"data": data, "layout": spec})
