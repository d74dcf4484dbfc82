"""The exports' drawing kit: colours, the value scale, fonts, outlines by line style, cells and
wrapped text, on pillow images. No Streamlit, no Plotly here.

Everything is measured for a slide :data:`BASE_WIDTH` (1600 px) wide and scaled with the picture
(:class:`Kit`). Every colour comes from :mod:`ui.palette`; values are coloured on the palette's
sequential scale in :data:`LEVELS` steps, so a GIF can hold every value colour exactly.

Fonts are the page's own, Source Sans 3 and Source Code Pro, read from the files Streamlit ships
in its static folder (found by path, without importing Streamlit): the same Streamlit and pillow
give the same glyphs, so the same bytes, on every machine.

>>> rgb("#0072B2"), rgba("rgba(0, 114, 178, 0.14)")
((0, 114, 178), (0, 114, 178, 36))
>>> list(segments(10, (3, 2)))  # a dashed edge of 10 px: on 3, off 2, ...
[(0, 3), (5, 8)]
"""

from __future__ import annotations

import importlib.util
import math
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from ui.palette import Palette

BASE_WIDTH = 1600  # px: a slide; every size below is written for it
LEVELS = 64  # steps of the value colour scale (indistinguishable from a continuous one)
INK_DARK, INK_LIGHT = (17, 17, 17), (255, 255, 255)  # values written on light / dark cells
# Line styles, as on screen (ui/palette.py): lengths of on, off, on, off... in line widths.
PATTERNS = {"solid": (), "dash": (3, 2), "dot": (1, 1), "dashdot": (3, 1.2, 1, 1.2)}
Box = tuple[int, int, int, int]  # x0, y0, x1, y1: pixels, both ends included (pillow's rectangle)


def rgb(colour: str) -> tuple[int, int, int]:
    """``#rrggbb`` or ``rgba(r, g, b, a)`` → ``(r, g, b)``."""
    return rgba(colour)[:3]


def rgba(colour: str) -> tuple[int, int, int, int]:
    """``#rrggbb`` (opaque) or ``rgba(r, g, b, a)`` → ``(r, g, b, alpha 0–255)``."""
    colour = colour.strip()
    if colour.startswith("#"):
        return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16), 255
    numbers = [float(part) for part in re.findall(r"[\d.]+", colour)]
    alpha = numbers[3] if len(numbers) > 3 else 1.0
    return int(numbers[0]), int(numbers[1]), int(numbers[2]), int(round(alpha * 255))


def ink_on(colour: tuple[int, int, int]) -> tuple[int, int, int]:
    """Dark text on a light cell, white on a dark one (what Plotly's heatmap picks)."""
    red, green, blue = colour
    return INK_DARK if 0.299 * red + 0.587 * green + 0.114 * blue > 150 else INK_LIGHT


class ValueScale:
    """The palette's sequential scale from ``low`` to ``high`` in :data:`LEVELS` colours; −∞ and
    ∞ take the ends (NaN has a colour of its own: the caller's).

    >>> scale = ValueScale(("#000000", "#ffffff"), 0.0, 1.0)
    >>> scale.colour(0.0), scale.colour(1.0), scale.colour(float("inf")), scale.colour(0.5)
    ((0, 0, 0), (255, 255, 255), (255, 255, 255), (130, 130, 130))
    """

    def __init__(self, stops: tuple[str, ...], low: float, high: float):
        self.low, self.high = float(low), float(high)
        points = [rgb(stop) for stop in stops]
        self.colours = [_interpolate(points, level / (LEVELS - 1)) for level in range(LEVELS)]

    def colour(self, value: float) -> tuple[int, int, int]:
        value = float(value)
        if math.isinf(value):
            fraction = 1.0 if value > 0 else 0.0
        else:
            fraction = (value - self.low) / (self.high - self.low) if self.high > self.low else 0.5
        return self.colours[int(round(min(max(fraction, 0.0), 1.0) * (LEVELS - 1)))]


def _interpolate(points: list[tuple[int, int, int]], fraction: float) -> tuple[int, int, int]:
    position = fraction * (len(points) - 1)
    index = min(int(position), len(points) - 2)
    part = position - index
    start, end = points[index], points[index + 1]
    return tuple(int(round(a + (b - a) * part)) for a, b in zip(start, end, strict=True))


# --- fonts ---------------------------------------------------------------------------------------

FONT_FILES = {"sans": "SourceSansVF-Upright", "mono": "SourceCodeVF-Upright"}  # Streamlit's static/media


@lru_cache(maxsize=4)
def font_file(family: str) -> Path | None:
    """The font file Streamlit ships for ``family`` (the first by name, if several), or None."""
    spec = importlib.util.find_spec("streamlit")
    if spec is None or spec.origin is None:
        return None
    found = sorted((Path(spec.origin).parent / "static").rglob(f"{FONT_FILES[family]}*.woff2"))
    return found[0] if found else None


_per_thread = threading.local()  # a FreeType face must not be used by two threads at once


def font(size: int, family: str = "sans", weight: str = "Regular") -> ImageFont.FreeTypeFont:
    """``family`` (``"sans"`` or ``"mono"``) at ``size`` px, in a weight of the variable font
    (``Regular``, ``Semibold``, ``Bold``), loaded once per thread (downloads are drawn on
    Streamlit's worker threads, maybe two at once). Without Streamlit's files: pillow's default
    font (which lacks −, ∞ and ×)."""
    loaded = getattr(_per_thread, "fonts", None)
    if loaded is None:
        loaded = _per_thread.fonts = {}
    key = (size, family, weight)
    if key not in loaded:
        path = font_file(family)
        if path is None:
            loaded[key] = ImageFont.load_default(size=size)
        else:
            loaded[key] = ImageFont.truetype(str(path), size)
            loaded[key].set_variation_by_name(weight)
    return loaded[key]


# --- the kit: sizes and colours of one picture ------------------------------------------------


@dataclass(frozen=True)
class Kit:
    """Sizes and colours of one picture ``width`` px wide in ``palette``'s theme."""

    palette: Palette
    width: int

    @property
    def scale(self) -> float:
        return self.width / BASE_WIDTH

    def px(self, length: float) -> int:
        """A length written for the slide width, at this width (at least 1 px)."""
        return max(1, int(round(length * self.scale)))

    def text_px(self, size: float) -> int:
        """A font size: it shrinks with the picture, but less (a web-sized picture stays readable)."""
        return max(9, int(round(size * max(self.scale, 0.7))))

    @property
    def margin(self) -> int:
        return self.px(40)

    @cached_property
    def title_font(self) -> ImageFont.FreeTypeFont:
        return font(self.text_px(34), "sans", "Bold")

    @cached_property
    def label_font(self) -> ImageFont.FreeTypeFont:
        return font(self.text_px(22))

    @cached_property
    def label_bold_font(self) -> ImageFont.FreeTypeFont:
        return font(self.text_px(22), "sans", "Bold")

    @cached_property
    def body_font(self) -> ImageFont.FreeTypeFont:
        return font(self.text_px(24))

    @cached_property
    def bold_font(self) -> ImageFont.FreeTypeFont:
        return font(self.text_px(24), "sans", "Bold")

    @cached_property
    def code_font(self) -> ImageFont.FreeTypeFont:
        return font(self.text_px(22), "mono", "Semibold")

    def colour(self, name: str) -> tuple[int, int, int]:
        return rgb(getattr(self.palette, name))

    def exact_colours(self, scale: ValueScale | None = None) -> list[tuple[int, int, int]]:
        """Every flat colour the pictures draw (a GIF keeps each of them exactly)."""
        names = ("background", "text", "muted", "frame", "window", "chosen", "padding", "padding_fill",
                 "unread_padding_fill", "overhang", "overhang_fill", "nan_fill", "changed")  # fmt: skip
        colours = [self.colour(name) for name in names] + [INK_DARK, INK_LIGHT]
        return colours + (list(scale.colours) if scale is not None else [])


def new_image(kit: Kit, height: int) -> Image.Image:
    return Image.new("RGB", (kit.width, int(height)), kit.colour("background"))


# --- outlines and marks -------------------------------------------------------------------------


def segments(length: int, pattern: tuple[float, ...]) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of the drawn pieces of an edge ``length`` px long (``end`` excluded)."""
    position, index = 0.0, 0
    while position < length:
        size = pattern[index % len(pattern)]
        if index % 2 == 0:
            yield int(round(position)), min(int(round(position + size)), length)
        position += size
        index += 1


def outline(draw: ImageDraw.ImageDraw, box: Box, colour, width: int, style: str = "solid") -> None:
    """A rectangle's outline ``width`` px thick, inside ``box``, solid, dashed, dotted or dash-dot
    (each edge starts with a drawn piece, so corners are always marked)."""
    x0, y0, x1, y1 = box
    if x1 < x0 or y1 < y0:
        return
    if x1 - x0 < 2 * width or y1 - y0 < 2 * width:
        width = max(1, min(x1 - x0, y1 - y0) // 3)
    if style == "solid":
        draw.rectangle(box, outline=colour, width=width)
        return
    pattern = tuple(part * width for part in PATTERNS[style])
    across, down = x1 - x0 + 1, y1 - y0 + 1
    for start, end in segments(across, pattern):
        draw.rectangle((x0 + start, y0, x0 + end - 1, y0 + width - 1), fill=colour)  # top, left to right
        draw.rectangle((x1 - end + 1, y1 - width + 1, x1 - start, y1), fill=colour)  # bottom, right to left
    for start, end in segments(down, pattern):
        draw.rectangle((x1 - width + 1, y0 + start, x1, y0 + end - 1), fill=colour)  # right, top down
        draw.rectangle((x0, y1 - end + 1, x0 + width - 1, y1 - start), fill=colour)  # left, bottom up


def inset(box: Box, by: int) -> Box:
    x0, y0, x1, y1 = box
    return x0 + by, y0 + by, x1 - by, y1 - by


def union(boxes) -> Box | None:
    """The smallest box holding every box given (None for none)."""
    boxes = [box for box in boxes if box is not None]
    if not boxes:
        return None
    return min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)


def triangle_box(box: Box) -> Box:
    """Where :func:`triangle` draws in ``box``: bottom centre, about a quarter of its width."""
    x0, y0, x1, y1 = box
    side = max(5, int((x1 - x0) * 0.24))
    height = int(round(side * 0.87))
    centre, bottom = (x0 + x1) // 2, y1 - max(2, (y1 - y0) // 14)
    return centre - side // 2, bottom - height, centre + side // 2, bottom


def triangle(draw: ImageDraw.ImageDraw, box: Box, colour) -> Box:
    """A ``▲`` at the bottom of a cell (the picked cell's mark, as on screen); returns its box."""
    x0, y0, x1, y1 = triangle_box(box)
    draw.polygon([(x0, y1), (x1, y1), ((x0 + x1) // 2, y0)], fill=colour)
    return x0, y0, x1, y1


def cell_text(draw: ImageDraw.ImageDraw, box: Box, text: str, font_: ImageFont.FreeTypeFont | None, colour) -> None:
    """``text`` centred in ``box`` (nothing when no font fits)."""
    if font_ is None or not text:
        return
    x0, y0, x1, y1 = box
    draw.text(((x0 + x1 + 1) / 2, (y0 + y1 + 1) / 2), text, font=font_, fill=colour, anchor="mm")


def fitting_font(texts, cell_width: int, cell_height: int, kit: Kit) -> ImageFont.FreeTypeFont | None:
    """The largest value font (up to 30 px on a slide) in which every one of ``texts`` fits a
    cell, or None below 10 px: then cells show colours only, as on screen."""
    size = min(int(cell_height * 0.4), int(cell_width * 0.42), kit.text_px(30))
    texts = set(texts)
    longest = max(texts, key=len, default="")
    while size >= 10:
        if text_length(font(size), longest) <= cell_width * 0.86:
            widest = max((text_length(font(size), text) for text in texts), default=0)
            if widest <= cell_width * 0.86:
                return font(size)
        size -= 1
    return None


# --- text ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """A piece of text in one font and colour."""

    text: str
    font: ImageFont.FreeTypeFont
    colour: tuple[int, int, int]


Line = tuple[tuple[float, Run], ...]  # (x offset, run) pieces of one line


@lru_cache(maxsize=65536)
def text_length(font_: ImageFont.FreeTypeFont, text: str) -> float:
    """``font_.getlength(text)``, remembered: the same words come back in every step's sentence."""
    return font_.getlength(text)


def wrap(runs: list[Run], width: float) -> list[Line]:
    """``runs`` laid out in lines at most ``width`` px wide, breaking between words (a word wider
    than a line is broken between characters): nothing is ever cut off. Neighbouring words of
    one run on one line are one piece (drawn at once)."""
    lines: list[Line] = []
    line: list[tuple[float, Run]] = []
    x = 0.0

    def add(word: str, run: Run) -> None:
        if line and line[-1][1].font is run.font and line[-1][1].colour == run.colour:
            start, last = line[-1]
            line[-1] = (start, Run(last.text + word, run.font, run.colour))
        else:
            line.append((x, Run(word, run.font, run.colour)))

    for run in runs:
        for word in re.findall(r"\S+\s*|\s+", run.text):
            shown = text_length(run.font, word.rstrip())
            if line and x + shown > width:
                lines.append(tuple(line))
                line, x = [], 0.0
                word = word.lstrip()
                shown = text_length(run.font, word.rstrip())
            while shown > width and len(word) > 1:  # one word longer than the line
                cut = len(word) - 1
                while cut > 1 and text_length(run.font, word[:cut]) > width - x:
                    cut -= 1
                add(word[:cut], run)
                lines.append(tuple(line))
                line, x, word = [], 0.0, word[cut:]
                shown = text_length(run.font, word.rstrip())
            if word:
                add(word, run)
                x += text_length(run.font, word)
    if line:
        lines.append(tuple(line))
    return lines


def line_height(kit: Kit) -> int:
    return int(round(kit.body_font.size * 1.4))


def draw_lines(draw: ImageDraw.ImageDraw, lines: list[Line], left: int, top: int, kit: Kit) -> int:
    """Draw wrapped ``lines`` from ``(left, top)``, on a common baseline per line; returns the
    height used."""
    step = line_height(kit)
    for number, line in enumerate(lines):
        baseline = top + number * step + int(round(kit.body_font.size * 1.05))
        for x, run in line:
            draw.text((left + x, baseline), run.text, font=run.font, fill=run.colour, anchor="ls")
    return step * len(lines)


def draw_text_block(image: Image.Image, lines: tuple[list[Line], list[Line]], top: int, kit: Kit) -> None:
    """A step's text from ``top``, at the left margin: its first lines (the step and the
    arithmetic), then the rest a little lower."""
    first, rest = lines
    draw = ImageDraw.Draw(image)
    used = draw_lines(draw, first, kit.margin, top, kit)
    draw_lines(draw, rest, kit.margin, top + used + kit.px(10), kit)


def text_block_height(kit: Kit, blocks) -> int:
    """The height that fits the longest of ``blocks`` (each as :func:`draw_text_block` takes it)."""
    return max(len(first) + len(rest) for first, rest in blocks) * line_height(kit) + kit.px(10)


def text_area(kit: Kit, top: int, blocks) -> tuple[Box, int]:
    """Where the steps' text goes under a picture drawn down to ``top`` (margin to margin, tall
    enough for the longest of ``blocks``), and the height of the whole picture with it."""
    box = (kit.margin, top, kit.width - kit.margin - 1, top + text_block_height(kit, blocks))
    return box, box[3] + kit.margin


def title_lines(kit: Kit, title: str, width: float) -> list[Line]:
    return wrap([Run(title, kit.title_font, kit.colour("text"))], width)


def draw_title(draw: ImageDraw.ImageDraw, lines: list[Line], left: int, top: int, kit: Kit) -> int:
    """The title (the call as torch spells it), bold; returns the height used."""
    step = int(round(kit.title_font.size * 1.3))
    for number, line in enumerate(lines):
        baseline = top + number * step + int(round(kit.title_font.size * 1.0))
        for x, run in line:
            draw.text((left + x, baseline), run.text, font=run.font, fill=run.colour, anchor="ls")
    return step * len(lines)


def title_height(kit: Kit, lines: list[Line]) -> int:
    return int(round(kit.title_font.size * 1.3)) * len(lines)
