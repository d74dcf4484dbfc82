"""The Invariance page's export: the translation on the grid, one frame per shift
t = 0 … 2·kernel_size (the page's curve), the PNG at the page's shift.

Each frame is the page's translation figure: before (top) and after the shift (bottom) for no
pooling, max_pool2d and avg_pool2d; the cells the fill wrote are tinted and dashed, the outputs
the shift changed are dotted in the "changed" colour, and the pooling cells are outlined on the
raw input. The data is :func:`ui.invariance.translate`'s, the pooling cells the geometry's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from PIL import Image, ImageDraw

from pooling_core import PoolCall
from pooling_core.animation import fmt
from ui import invariance as inv
from ui.export import draw as kit_draw
from ui.export.draw import Box, Kit, Run, ValueScale, inset, outline

BAND_TINT = "rgba(107, 114, 128, 0.35)"  # the page's tint of the cells the fill wrote


@dataclass(frozen=True)
class Shifts:
    """The Invariance page's translation: ``grid`` shifted ``direction`` by 0 … 2·``kernel_size``
    with ``fill``; ``shift`` is the page's own t."""

    grid: np.ndarray
    kernel_size: int
    direction: str
    fill: str
    shift: int

    @property
    def default_step(self) -> int:
        return self.shift

    @property
    def step_count(self) -> int:
        return 2 * self.kernel_size + 1

    def call(self, method: str) -> PoolCall:
        return PoolCall(f"{method}_pool2d", {"kernel_size": int(self.kernel_size)})

    @property
    def title(self) -> str:
        return " and ".join(self.call(m).functional_code().removeprefix("F.") for m in ("max", "avg"))


class ShiftsPicture:
    """Frames of :class:`Shifts`: frame ``t`` is the shift by ``t``."""

    def __init__(self, shifts: Shifts, kit: Kit):
        self.shifts, self.kit = shifts, kit
        grid = np.asarray(shifts.grid, dtype=np.float64)
        self.grid, k = grid, int(shifts.kernel_size)
        self.translations = [inv.translate(grid, k, t, shifts.direction, shifts.fill) for t in range(self.count)]
        margin, usable = kit.margin, kit.width - 2 * kit.margin
        self.title = kit_draw.title_lines(kit, shifts.title, usable)
        top = margin + kit_draw.title_height(kit, self.title) + kit.px(12)
        gap = kit.px(40)
        side = min((usable - 2 * gap) / 3, kit.px(420))
        height, width = grid.shape
        self.cell = max(int(side // max(height, width)), 2)
        self.k = k
        self.label_height = int(round(kit.label_font.size * 1.6))
        panel = width * self.cell
        left = (kit.width - (3 * panel + 2 * gap)) // 2
        self.lefts = [left + i * (panel + gap) for i in range(3)]
        row = self.label_height + height * self.cell
        self.tops = [top + self.label_height, top + row + kit.px(24) + self.label_height]
        finite = grid[np.isfinite(grid)]
        self.scale = ValueScale(kit.palette.values, *(finite.min(), finite.max()) if finite.size else (0.0, 1.0))
        texts = [fmt(v) for v in grid.ravel()]
        self.input_font = kit_draw.fitting_font(texts, self.cell - 2, self.cell - 2, kit)
        pooled = [fmt(v) for t in self.translations for m in ("max", "avg") for v in t.after[m].ravel()]
        self.pooled_font = kit_draw.fitting_font(pooled, self.cell * k - 2, self.cell * k - 2, kit)
        self.text_top = self.tops[1] + height * self.cell + kit.px(28)
        self.texts = [self._text(t) for t in range(self.count)]
        lines = max(len(text) for text in self.texts)
        self.height = self.text_top + lines * kit_draw.line_height(kit) + margin

    @property
    def count(self) -> int:
        return self.shifts.step_count

    def _text(self, t: int) -> list:
        kit, shifts = self.kit, self.shifts
        text = kit.colour("text")
        result = self.translations[t]
        unchanged = " · ".join(f"{inv.METHOD_LABELS[m]} {result.comparisons[m].unchanged_fraction:.0%}"
                               for m in inv.METHODS)  # fmt: skip
        runs = [
            Run(f"t = {t} of 0–{self.count - 1}.  ", kit.bold_font, text),
            Run(f"Shifted {shifts.direction} by {t}, the vacated cells filled with “{shifts.fill}” (dashed). "
                f"Unchanged: {unchanged} (changed cells dotted). Pooling cells of {self.k}×{self.k} are outlined.",
                kit.body_font, text),
        ]  # fmt: skip
        return kit_draw.wrap(runs, kit.width - 2 * kit.margin)

    def _box(self, panel: int, row: int, r: int, c: int, span: int = 1) -> Box:
        x0 = self.lefts[panel] + c * span * self.cell
        y0 = self.tops[row] + r * span * self.cell
        return x0, y0, x0 + span * self.cell - 1, y0 + span * self.cell - 1

    def _values(self, draw: ImageDraw.ImageDraw, panel: int, row: int, values: np.ndarray, span: int) -> None:
        font_ = self.input_font if span == 1 else self.pooled_font
        for (r, c), value in np.ndenumerate(values):
            box = self._box(panel, row, r, c, span)
            if np.isnan(value):
                fill, ink = self.kit.colour("nan_fill"), self.kit.colour("text")
            else:
                fill = self.scale.colour(value)
                ink = kit_draw.ink_on(fill)
            draw.rectangle(inset(box, 1), fill=fill)
            kit_draw.cell_text(draw, box, fmt(value), font_, ink)

    @cached_property
    def _pooling_cells(self) -> list[tuple[int, int, int, int]]:
        """(first row, first column, last row, last column) of every pooling cell, from the geometry."""
        windows = inv.pooling_cells(self.grid.shape, self.k)
        found = []
        for index in np.ndindex(*windows.output_shape):
            positions = np.array([cell["position"] for cell in windows.window_cells(*index)])  # (k·k, 2)
            (r0, c0), (r1, c1) = positions.min(axis=0), positions.max(axis=0)
            found.append((int(r0), int(c0), int(r1), int(c1)))
        return found

    def frame(self, t: int) -> Image.Image:
        """The shift by ``t`` (moved inside 0 … 2·kernel_size)."""
        t = min(max(int(t), 0), self.count - 1)
        kit, result = self.kit, self.translations[t]
        image = kit_draw.new_image(kit, self.height)
        draw = ImageDraw.Draw(image, "RGBA")
        kit_draw.draw_title(draw, self.title, kit.margin, kit.margin, kit)
        muted, window, changed = kit.colour("muted"), kit.colour("window"), kit.colour("changed")
        for panel, method in enumerate(inv.METHODS):
            span = 1 if method == "none" else self.k
            titles = (f"{inv.METHOD_LABELS[method]}, before",
                      f"after t={t}: {result.comparisons[method].unchanged_fraction:.0%} unchanged")  # fmt: skip
            for row, (values, title) in enumerate(((result.before[method], titles[0]),
                                                   (result.after[method], titles[1]))):  # fmt: skip
                centre = self.lefts[panel] + self.grid.shape[1] * self.cell / 2
                draw.text((centre, self.tops[row] - self.label_height // 5), title, font=kit.label_font, fill=muted,
                          anchor="ms")  # fmt: skip
                self._values(draw, panel, row, values, span)
            if method == "none":
                for row in (0, 1):
                    for r0, c0, r1, c1 in self._pooling_cells:
                        box = (*self._box(0, row, r0, c0)[:2], *self._box(0, row, r1, c1)[2:])
                        outline(draw, box, window, kit.px(2))
            for r, c in np.argwhere(result.comparisons[method].changed).tolist():
                outline(draw, self._box(panel, 1, r, c, span), changed, max(1, min(kit.px(4), self.cell // 6)), "dot")
        height, width = self.grid.shape
        columns, rows = int(result.filled.all(axis=0).sum()), int(result.filled.all(axis=1).sum())
        for r1, c1 in ((height - 1, columns - 1), (rows - 1, width - 1)):  # the bands the fill wrote, as on the page
            if r1 >= 0 and c1 >= 0:
                box = (*self._box(0, 1, 0, 0)[:2], *self._box(0, 1, r1, c1)[2:])
                draw.rectangle(box, fill=kit_draw.rgba(BAND_TINT))
                outline(draw, box, kit.colour("text"), kit.px(3), "dash")
        kit_draw.draw_lines(draw, self.texts[t], kit.margin, self.text_top, kit)
        return image

    def frames(self) -> Iterator[tuple[Image.Image, list[Box] | None]]:
        for t in range(self.count):
            yield self.frame(t), None

    def samples(self) -> list[Image.Image]:
        return [self.frame(self.shifts.shift), self.frame(self.count - 1)]

    def exact_colours(self) -> list[tuple[int, int, int]]:
        return self.kit.exact_colours(self.scale)
