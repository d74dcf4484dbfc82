"""Plotly figures drawn from :mod:`pooling_core.animation` steps. No Streamlit here.

The animated figure has static heatmaps (input with its padding ghosts, output) and one
Plotly frame per output cell. Frames carry only layout: the same number of shapes in the same
order (window cells, the chosen cell, the output cell, two masks hiding outputs not computed
yet) and the arithmetic annotation, so the payload stays small; the browser plays them itself.
"""

from __future__ import annotations

import json
from functools import lru_cache

import numpy as np
import plotly.colors
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from pooling_core.animation import CELL_INPUT, CELL_OVERHANG, CELL_PADDING, Step, fmt

WINDOW_COLOURS = {CELL_INPUT: "#1d4ed8", CELL_PADDING: "#6b7280", CELL_OVERHANG: "#ea580c"}
WINDOW_DASH = {CELL_INPUT: "solid", CELL_PADDING: "dash", CELL_OVERHANG: "dot"}
CHOSEN_COLOUR = "#dc2626"
BACKGROUND = "#ffffff"
FONT_FAMILY = '"Source Sans", sans-serif'  # the page's own font (figures are drawn without Streamlit's theme)
# plotly.py's "Blues" spelled out: unvalidated figures reach plotly.js, whose "Blues" runs the other way.
_BLUES = plotly.colors.sequential.Blues
BLUES = [[i / (len(_BLUES) - 1), colour] for i, colour in enumerate(_BLUES)]
SPEEDS = {"0.5×": 1200, "1×": 600, "2×": 300, "4×": 150}


class PlainFigure(go.Figure):
    """A figure written directly as Plotly's JSON structure, handed to Streamlit unchecked.

    ``st.plotly_chart`` validates a dict by building ``go.Figure(**spec)``, and turns a
    ``go.Figure`` back into a dict with a deep copy; even ``go.Figure(spec, _validate=False)``
    still validates every animation frame. For the 2-D window figure (a frame per output,
    each with a dozen shapes) that was ~30 ms of a ~50 ms rerun. This class is a
    ``go.Figure`` only so that Streamlit takes its ``to_dict()`` as it is; the specs it
    carries are checked against plotly's validator by the tests instead
    (tests/unit/test_figures.py).
    """

    def __init__(self, spec: dict):
        # No super().__init__(): that is the validation we skip.
        self._plain_spec = spec

    def to_dict(self) -> dict:
        return self._plain_spec

    def to_plotly_json(self) -> dict:
        return self._plain_spec

    def validated(self) -> go.Figure:
        """The same figure through plotly's validator (raises if the spec is not valid Plotly)."""
        return go.Figure(self._plain_spec)

    def __repr__(self) -> str:
        spec = self._plain_spec
        return f"PlainFigure({len(spec.get('data', []))} traces, {len(spec.get('frames', []))} frames)"


def _as_2d(position: tuple[int, ...]) -> tuple[int, int]:
    return (0, position[0]) if len(position) == 1 else (position[0], position[1])


def _cell(axes: str, row: float, col: float, **style) -> dict:
    x, y = axes
    return dict(type="rect", xref=x, yref=y, x0=col - 0.5, x1=col + 0.5, y0=row - 0.5, y1=row + 0.5, **style)


def _hidden(axes: str) -> dict:
    return _cell(axes, 0, 0, visible=False, line=dict(width=0))


def _colour_values(values: np.ndarray) -> np.ndarray:
    """Heatmap colours need finite numbers: NaN → blank, ±inf → the finite extremes."""
    z = values.astype(np.float64)
    finite = z[np.isfinite(z)]
    low, high = (finite.min(), finite.max()) if finite.size else (0.0, 1.0)
    z = np.where(np.isposinf(z), high, np.where(np.isneginf(z), low, z))
    return np.where(np.isnan(z), None, z)


def _text(values: np.ndarray) -> list:
    return [[fmt(v) for v in row] for row in values]


def window_figure(
    plane: np.ndarray,
    result: np.ndarray,
    steps: list[Step],
    *,
    is_max: bool,
    step: int = 0,
    dropped_window: list[tuple[int, ...]] | None = None,
    show_text: bool = True,
    padding: tuple[int, ...] = (),
) -> PlainFigure:
    """The animated sliding window over ``plane`` (1-D or 2-D) producing ``result``.

    ``padding`` (per axis) draws the whole declared padding frame; cells of it that no window
    reads are drawn paler than those some window does.
    """
    one_d = plane.ndim == 1
    grid = plane[None, :] if one_d else plane
    out_grid = result[None, :] if one_d else result
    pad_rows, pad_cols = (0, padding[0]) if one_d and padding else tuple(padding) if padding else (0, 0)
    all_cells = [_as_2d(p) for s in steps for p in s.cells] + [_as_2d(p) for p in (dropped_window or [])]
    rows = [r for r, _ in all_cells] + [-pad_rows, grid.shape[0] - 1 + pad_rows]
    cols = [c for _, c in all_cells] + [-pad_cols, grid.shape[1] - 1 + pad_cols]
    row_range, col_range = (min(rows), max(rows)), (min(cols), max(cols))

    layout = json.loads(_subplot_layout(one_d))
    data = []
    input_axes, output_axes = ("x", "y"), ("x2", "y2")

    # Ghost cells: padding (−∞ for max, 0 for avg) and ceil-mode overhang, drawn under the input;
    # the padding no window reads is paler (kind 0).
    ghost_rows = np.arange(row_range[0], row_range[1] + 1)
    ghost_cols = np.arange(col_range[0], col_range[1] + 1)
    ghost_kind = {}
    for r in range(-pad_rows, grid.shape[0] + pad_rows):
        for c in range(-pad_cols, grid.shape[1] + pad_cols):
            if not (0 <= r < grid.shape[0] and 0 <= c < grid.shape[1]):
                ghost_kind[(r, c)] = 0
    for s in steps:
        for position, kind in zip(s.cells, s.kinds, strict=True):
            if kind != CELL_INPUT:
                ghost_kind[_as_2d(position)] = max(kind, ghost_kind.get(_as_2d(position), 0))
    ghost_z = np.full((len(ghost_rows), len(ghost_cols)), None, dtype=object)
    ghost_text = np.full(ghost_z.shape, "", dtype=object)
    pad_label = "−∞" if is_max else "0"
    for (r, c), kind in ghost_kind.items():
        ghost_z[r - row_range[0], c - col_range[0]] = kind
        ghost_text[r - row_range[0], c - col_range[0]] = "·" if kind == CELL_OVERHANG else pad_label
    data.append(
        dict(
            type="heatmap", xaxis="x", yaxis="y", z=ghost_z.tolist(), x=ghost_cols.tolist(), y=ghost_rows.tolist(),
            text=ghost_text.tolist(), texttemplate="%{text}" if show_text else None,
            colorscale=[[0, "#f6f7f9"], [0.5, "#e5e7eb"], [1, "#fed7aa"]], zmin=0, zmax=2, showscale=False,
            hoverinfo="skip",
            textfont=dict(color="#6b7280"), xgap=2, ygap=2, name="padding",
        )
    )  # fmt: skip
    # Output cell columns: in 1-D each output sits under the centre of its window, so the
    # picture shows which cells made it; in 2-D the output is its own grid.
    out_x = _output_columns(steps, out_grid.shape[1]) if one_d else np.arange(out_grid.shape[1], dtype=float)
    out_edges = _edges(out_x)
    panels = ((input_axes, grid, np.arange(grid.shape[1])), (output_axes, out_grid, out_x))
    for (x_axis, y_axis), values, columns in panels:
        data.append(
            dict(
                type="heatmap", xaxis=x_axis, yaxis=y_axis, z=_colour_values(values).tolist(), x=columns.tolist(),
                y=list(range(values.shape[0])), text=_text(values), texttemplate="%{text}" if show_text else None,
                colorscale=BLUES, showscale=False, xgap=2, ygap=2, textfont=dict(size=16),
                hovertemplate="(%{y}, %{x}): %{text}<extra></extra>" if not one_d else "%{x}: %{text}<extra></extra>",
            )
        )  # fmt: skip

    widest = max((len(s.cells) for s in steps), default=0)
    out_rows, out_cols = out_grid.shape
    dropped_shapes = [
        _cell(input_axes, *_as_2d(p), line=dict(color=WINDOW_COLOURS[CELL_OVERHANG], width=2, dash="dashdot"))
        for p in (dropped_window or [])
    ]

    def shapes_for(s: Step) -> list[dict]:
        shapes = []
        for position, kind in zip(s.cells, s.kinds, strict=True):
            shapes.append(
                _cell(
                    input_axes,
                    *_as_2d(position),
                    line=dict(color=WINDOW_COLOURS[kind], width=4, dash=WINDOW_DASH[kind]),
                    fillcolor="rgba(29, 78, 216, 0.12)",
                )  # fmt: skip
            )
        shapes += [_hidden(input_axes)] * (widest - len(s.cells))
        if s.chosen is not None:
            shapes.append(_cell(input_axes, *_as_2d(s.chosen), line=dict(color=CHOSEN_COLOUR, width=5)))
        else:
            shapes.append(_hidden(input_axes))
        out_r, out_c = _as_2d(s.output_index)
        x, y = output_axes
        left, right = out_edges[out_c], out_edges[out_c + 1]
        shapes.append(dict(type="rect", xref=x, yref=y, x0=left, x1=right, y0=out_r - 0.5, y1=out_r + 0.5,
                           line=dict(color=WINDOW_COLOURS[CELL_INPUT], width=5)))  # fmt: skip
        # Masks hide the outputs not computed yet: the rest of this row, then the rows below.
        mask = dict(fillcolor=BACKGROUND, line=dict(width=0), layer="above")
        shapes.append(dict(type="rect", xref=x, yref=y, x0=right, x1=out_edges[-1] + 0.01,
                           y0=out_r - 0.5, y1=out_r + 0.5, visible=out_c + 1 < out_cols, **mask))  # fmt: skip
        shapes.append(dict(type="rect", xref=x, yref=y, x0=out_edges[0], x1=out_edges[-1] + 0.01,
                           y0=out_r + 0.5, y1=out_rows - 0.5 + 0.01, visible=out_r + 1 < out_rows, **mask))  # fmt: skip
        return shapes + dropped_shapes

    titles = layout.get("annotations", [])  # subplot titles

    def annotations_for(s: Step) -> list[dict]:
        text = s.arithmetic + ("  (added by ceil_mode)" if s.added_by_ceil else "")
        return titles + [dict(text=text, x=0.5, y=1.32 if one_d else 1.1, xref="paper", yref="paper",
                              showarrow=False, font=dict(size=20, color="#111111"))]  # fmt: skip

    names = [_label(s.output_index) for s in steps]
    step = min(max(step, 0), len(steps) - 1) if steps else 0
    # The figure is built as plain dicts and handed to Plotly unvalidated: validating the traces,
    # frames and shapes cost ~40 ms of every rerun (tests check the figure's content instead).
    axis_style = dict(showgrid=False, zeroline=False)
    small = max(grid.shape) <= 32
    for name in ("xaxis", "xaxis2"):
        if one_d:
            layout[name].update(range=[col_range[0] - 0.5, col_range[1] + 0.5], dtick=1, **axis_style)
        else:
            layout[name].update(constrain="domain", **axis_style, **({"dtick": 1} if small else {}))
    for name, anchor in (("yaxis", "x"), ("yaxis2", "x2")):
        if one_d:
            layout[name].update(autorange="reversed", showticklabels=False, **axis_style)
        else:
            layout[name].update(autorange="reversed", constrain="domain", scaleanchor=anchor, **axis_style,
                                **({"dtick": 1} if small else {}))  # fmt: skip
    spec = {"data": data, "layout": layout}
    spec["frames"] = [
        dict(name=name, layout=dict(shapes=shapes_for(s), annotations=annotations_for(s)))
        for name, s in zip(names, steps, strict=True)
    ]
    if steps:
        spec["layout"].update(shapes=shapes_for(steps[step]), annotations=annotations_for(steps[step]))

    def play(duration: int) -> dict:
        # redraw=True: without it Plotly moves the shapes but leaves the arithmetic annotation at
        # its first text (browser-tested). Frames still carry only layout, so they stay small.
        return dict(frame=dict(duration=duration, redraw=True), transition=dict(duration=0), fromcurrent=True,
                    mode="immediate")  # fmt: skip

    spec["layout"].update(
        height=(400 if one_d else 600),
        margin=dict(l=40, r=10, t=90, b=150 if one_d else 110),
        font=dict(family=FONT_FAMILY, size=15, color="#111111"),
        plot_bgcolor=BACKGROUND,
        paper_bgcolor=BACKGROUND,
        showlegend=False,
        updatemenus=[
            dict(
                type="buttons", direction="left", x=0, y=-0.55 if one_d else -0.12, xanchor="left", yanchor="top",
                showactive=False, pad=dict(t=0, r=4),
                buttons=[
                    dict(label="▶ Play", method="animate", args=[None, play(SPEEDS["1×"])]),
                    dict(label="⏸ Pause", method="animate",
                         args=[[None], dict(frame=dict(duration=0, redraw=False), mode="immediate")]),
                ]
                + [dict(label=f"▶ {speed}", method="animate", args=[None, play(ms)]) for speed, ms in SPEEDS.items()
                   if speed != "1×"],
            )
        ],
        sliders=[
            dict(
                active=step, x=0.45, len=0.55, y=-0.45 if one_d else -0.08, yanchor="top", pad=dict(t=0),
                currentvalue=dict(prefix="output ", font=dict(size=14)),
                steps=[dict(label=name, method="animate",
                            args=[[name], dict(frame=dict(duration=0, redraw=True), mode="immediate")])
                       for name in names],
            )
        ] if steps else [],
    )  # fmt: skip
    return PlainFigure(spec)


@lru_cache(maxsize=2)
def _subplot_layout(one_d: bool) -> str:
    """The two-panel layout (domains, axes, titles), made once by make_subplots; a JSON string so
    every caller gets its own copy."""
    if one_d:
        figure = make_subplots(rows=2, cols=1, vertical_spacing=0.3, shared_xaxes=True,
                               subplot_titles=("input", "output (under its window)"))  # fmt: skip
    else:
        figure = make_subplots(rows=1, cols=2, horizontal_spacing=0.08, subplot_titles=("input", "output"))
    return json.dumps(figure.to_plotly_json()["layout"])


def _output_columns(steps: list[Step], count: int) -> np.ndarray:
    """1-D: the x position of each output, the centre of the cells its window spans."""
    centres = np.arange(count, dtype=float)
    for s in steps:
        columns = [position[0] for position in s.cells]
        centres[s.output_index[0]] = (min(columns) + max(columns)) / 2 if columns else s.output_index[0]
    if count > 1 and np.any(np.diff(centres) <= 0):  # windows that do not advance: plain grid
        return np.arange(count, dtype=float)
    return centres


def _edges(centres: np.ndarray) -> np.ndarray:
    """Cell edges halfway between neighbouring centres (what Plotly's heatmap draws)."""
    if len(centres) == 1:
        return np.array([centres[0] - 0.5, centres[0] + 0.5])
    middles = (centres[1:] + centres[:-1]) / 2
    first, last = centres[0] - (middles[0] - centres[0]), centres[-1] + (centres[-1] - middles[-1])
    return np.concatenate([[first], middles, [last]])


def _label(index: tuple[int, ...]) -> str:
    return str(index[0]) if len(index) == 1 else f"({index[0]}, {index[1]})"
