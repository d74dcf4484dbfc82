"""The one palette: every colour a figure or an export uses, for the light and the dark theme.
No Streamlit here.

The marks take their colours from Okabe and Ito's palette, which stays distinguishable with every
common colour-vision deficiency, and every mark also differs by line style or shape, never by
colour alone:

- the window: a thick **solid** outline (blue);
- the cell max pooling picked: a **double** outline with a ``▲`` marker (vermillion);
- padding cells: **dashed** outlines with their value (``−∞`` or ``0``) written in (grey);
- ceil-mode overhang (cells past the padding): **dotted** outlines with ``·`` (orange);
- a window ceil mode counts but torch drops: **dash-dot** outlines (orange).

Values are coloured on one sequential scale shared by the input and the output, so the same
value has the same colour in both.

>>> palette("dark").background != palette("light").background
True
>>> palette("unknown") is LIGHT
True
"""

from __future__ import annotations

from dataclasses import dataclass

# Okabe & Ito (2008), "Color Universal Design".
BLUE = "#0072B2"
SKY = "#56B4E9"
VERMILLION = "#D55E00"
ORANGE = "#E69F00"
GREEN = "#009E73"
PURPLE = "#CC79A7"
YELLOW = "#F0E442"


@dataclass(frozen=True)
class Palette:
    """Colours of one theme. ``values`` is the sequential scale of cell values, low to high."""

    name: str
    background: str
    text: str
    muted: str  # captions, axis labels, padding text
    frame: str  # outlines of pictures and panels
    window: str
    window_fill: str  # rgba: the window's cells, lightly tinted
    chosen: str
    padding: str
    padding_fill: str  # padding some window reads
    unread_padding_fill: str  # declared padding no window reads
    overhang: str
    overhang_fill: str
    nan_fill: str  # a NaN cell (no colour scale can place it): apart from the overhang's ``·`` cells
    changed: str  # invariance: outputs a permutation or shift changed
    values: tuple[str, ...]
    series: tuple[str, ...]  # lines of a chart (max, avg, none)

    def colourscale(self) -> list[list]:
        """``values`` as a Plotly colourscale."""
        last = len(self.values) - 1
        return [[i / last, colour] for i, colour in enumerate(self.values)]


LIGHT = Palette(
    name="light",
    background="#ffffff",
    text="#111111",
    muted="#4b5563",
    frame="#9ca3af",
    window=BLUE,
    window_fill="rgba(0, 114, 178, 0.14)",
    chosen=VERMILLION,
    padding="#6b7280",
    padding_fill="#e5e7eb",
    unread_padding_fill="#f3f4f6",
    overhang=ORANGE,
    overhang_fill="#fde7c2",
    nan_fill="#f4d4e6",
    changed=VERMILLION,
    # plotly's "Blues", light to dark: dark text on light cells, white on dark (Plotly picks it).
    values=("#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"),
    series=(BLUE, ORANGE, "#6b7280"),
)

DARK = Palette(
    name="dark",
    background="#0e1117",  # Streamlit's own dark background
    text="#f3f4f6",
    muted="#9ca3af",
    frame="#4b5563",
    window=SKY,
    window_fill="rgba(86, 180, 233, 0.18)",
    chosen=ORANGE,
    padding="#9ca3af",
    padding_fill="#374151",
    unread_padding_fill="#1f2937",
    overhang=YELLOW,
    overhang_fill="#4a3f12",
    nan_fill="#4d2b40",
    changed=ORANGE,
    values=("#0b1f33", "#0d2f4f", "#10406b", "#145187", "#1a64a3", "#2b7bbd", "#4a93cf", "#76afdf", "#a8cdee"),
    series=(SKY, ORANGE, "#9ca3af"),
)

THEMES = {"light": LIGHT, "dark": DARK}


def palette(theme: str | None) -> Palette:
    """The palette of a theme name (``"light"`` or ``"dark"``); light for anything else."""
    return THEMES.get(theme or "light", LIGHT)
