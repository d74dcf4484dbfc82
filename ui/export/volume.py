"""The 3-D page's export: a :class:`ui.volume.VolumeScene` drawn with pillow, as the page draws it
(:mod:`ui.figures.volume`): the D×H×W volume as a row of H×W slices (padding slices and the
padding frame as ghosts), the output's slices under it, and at each step the window — a tinted
box behind the slices it reads, every tap outlined in its slice (solid over input, dashed over
padding, dotted past it), the picked cell, the output cell being computed.

The slices are arranged as on the page (as many to a row: :func:`ui.figures.volume.layout`), and
every cell is drawn by the scene renderer's layers (:class:`ui.export.scene.Cells`) in the same
palette; the positions of the taps, the picked cell and the output cell are the scene's (from
the call's windows).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property

import numpy as np
from PIL import Image, ImageDraw

from pooling_core.animation import CELL_OVERHANG, fmt
from ui.export import draw as kit_draw
from ui.export.draw import Box, Kit, ValueScale, outline, union
from ui.export.scene import Cells, step_lines
from ui.figures import volume as on_screen
from ui.volume import VolumeScene, sentence

SCREEN_WIDTH = 900  # px: the page's figure, whose arrangement of the slices the export keeps


class Slices(Cells):
    """Where a volume scene's cells sit: every input slice (padding slices too) in rows of
    ``per_row``, their headings and names, and the output's slices under them, from ``top``."""

    def __init__(self, scene: VolumeScene, kit: Kit, top: int, cell: int, per_row: int):
        super().__init__(kit, cell, ValueScale(kit.palette.values, *scene.value_range))
        self.scene = scene
        (_, _), (self.h0, h1), (self.w0, w1) = scene.extent
        self.rows, self.columns = h1 - self.h0 + 1, w1 - self.w0 + 1
        self.spacing = int(round(on_screen.GAP * self.cell))  # between two slices of a row
        self.pad = max(int(round(0.3 * self.cell)), kit.px(10))  # the window's box around its slices
        self.name_height = int(round(kit.label_font.size * 1.6))  # a slice's name, over it
        self.heading_height = kit_draw.line_height(kit)
        self.row_gap = self.pad + kit.px(14)  # a row's box clears the names of the row under it
        out_d, self.out_rows, self.out_columns = scene.outputs.shape
        usable = kit.width - 2 * kit.margin - 2 * self.pad
        self.per_row = max(1, min(per_row, len(scene.slices)))
        self.out_per_row = on_screen.slices_per_row(out_d, self.out_columns, self.cell, usable)
        widest = max(self._row_width(self.per_row, self.columns), self._row_width(self.out_per_row, self.out_columns))
        self.left = (kit.width - widest) // 2
        self.input_heading = top
        self.input_tops = self._tops(len(scene.slices), self.per_row, self.rows, top + self.heading_height)
        self.output_heading = self._bottom(self.input_tops, self.per_row, self.rows) + kit.px(10)
        self.output_tops = self._tops(out_d, self.out_per_row, self.out_rows, self.output_heading + self.heading_height)
        self.bottom = self._bottom(self.output_tops, self.out_per_row, self.out_rows) - self.row_gap + self.pad

    # --- geometry --------------------------------------------------------------------------

    def _row_width(self, count: int, columns: int) -> int:
        return count * columns * self.cell + (count - 1) * self.spacing

    def _tops(self, count: int, per_row: int, rows: int, top: int) -> list[int]:
        """The top of each slice's cells (a name over each, rows of ``per_row``)."""
        pitch = self.name_height + rows * self.cell + self.row_gap
        return [top + self.name_height + (index // per_row) * pitch for index in range(count)]

    def _bottom(self, tops: list[int], per_row: int, rows: int) -> int:
        return (tops[-1] if tops else 0) + rows * self.cell + self.row_gap

    def _slice_left(self, index: int, per_row: int, columns: int) -> int:
        return self.left + (index % per_row) * (columns * self.cell + self.spacing)

    def input_slice(self, index: int) -> Box:
        """The cells' box of input slice number ``index`` (in ``scene.slices`` order)."""
        x0, y0 = self._slice_left(index, self.per_row, self.columns), self.input_tops[index]
        return x0, y0, x0 + self.columns * self.cell - 1, y0 + self.rows * self.cell - 1

    def output_slice(self, d: int) -> Box:
        x0, y0 = self._slice_left(d, self.out_per_row, self.out_columns), self.output_tops[d]
        return x0, y0, x0 + self.out_columns * self.cell - 1, y0 + self.out_rows * self.cell - 1

    def input_cell(self, d: int, h: int, w: int) -> Box:
        """The box of input cell ``(d, h, w)`` (padding and overhang cells lie outside the volume)."""
        x0, y0, _, _ = self.input_slice(d - self.scene.slices[0])
        x0, y0 = x0 + (w - self.w0) * self.cell, y0 + (h - self.h0) * self.cell
        return x0, y0, x0 + self.cell - 1, y0 + self.cell - 1

    def output_cell(self, d: int, h: int, w: int) -> Box:
        x0, y0, _, _ = self.output_slice(d)
        x0, y0 = x0 + w * self.cell, y0 + h * self.cell
        return x0, y0, x0 + self.cell - 1, y0 + self.cell - 1

    def band(self, first: int, last: int) -> Box:
        """The window's box behind input slices ``first`` … ``last`` of one row, their names included."""
        x0, y0, _, y1 = self.input_slice(first)
        x1 = self.input_slice(last)[2]
        return x0 - self.pad, y0 - self.name_height, x1 + self.pad, y1 + self.pad

    @cached_property
    def value_font(self):
        scene = self.scene
        texts = [fmt(v) for v in scene.inputs.ravel()] + [fmt(v) for v in scene.outputs.ravel()]
        texts += ["·" if kind == CELL_OVERHANG else scene.pad_label for kind in set(scene.ghosts.values())]
        side = self.cell - 2 * self.gap
        return kit_draw.fitting_font(texts, side, side, self.kit)

    # --- layers ----------------------------------------------------------------------------

    def draw_still(self, image: Image.Image, show_outputs: bool) -> None:
        """The headings, padding and overhang, the volume's values, the output slots and the
        windows torch drops."""
        draw = ImageDraw.Draw(image)
        scene, kit = self.scene, self.kit
        size = "×".join(map(str, scene.inputs.shape))
        out = "×".join(map(str, scene.outputs.shape)) if show_outputs else "?"
        for text, top in ((f"input x · D×H×W = {size}", self.input_heading),
                          (f"output y · D_out×H_out×W_out = {out}", self.output_heading)):  # fmt: skip
            draw.text((self.left, top + self.heading_height * 0.75), text, font=kit.body_font,
                      fill=kit.colour("text"), anchor="ls")  # fmt: skip
        for (d, h, w), kind in scene.ghosts.items():
            self.draw_ghost(draw, self.input_cell(d, h, w), kind, "·" if kind == CELL_OVERHANG else scene.pad_label)
        for (d, h, w), value in np.ndenumerate(scene.inputs):
            self.draw_value(draw, self.input_cell(d, h, w), value)
        for index in np.ndindex(*scene.outputs.shape):
            self.draw_slot(draw, self.output_cell(*index))
        for window in scene.dropped:
            for d, h, w in window:
                self.draw_dropped(draw, self.input_cell(d, h, w))

    def draw_output(self, image: Image.Image, index: tuple[int, int, int]) -> Box:
        box = self.output_cell(*index)
        self.draw_value(ImageDraw.Draw(image), box, float(self.scene.outputs[index]))
        return box

    def _name(self, draw: ImageDraw.ImageDraw, box: Box, texts: tuple[str, ...], marked: bool) -> Box:
        """A slice's name over it (the first of ``texts`` that fits, else the last), bold in the
        window's colour when ``marked``; returns the box of the text."""
        font = self.kit.label_bold_font if marked else self.kit.label_font
        room = box[2] - box[0] + 1 + self.spacing
        text = next((text for text in texts if kit_draw.text_length(font, text) <= room), texts[-1])
        at = ((box[0] + box[2] + 1) / 2, box[1] - self.name_height // 5)
        colour = self.kit.colour("window" if marked else "muted")
        draw.text(at, text, font=font, fill=colour, anchor="ms")
        x0, y0, x1, y1 = draw.textbbox(at, text, font=font, anchor="ms")
        return int(x0) - 1, int(y0) - 1, int(x1) + 1, int(y1) + 1

    def draw_marks(self, image: Image.Image, step: int, show_outputs: bool = True) -> Box:
        """Step ``step``'s window: its box behind the slices it reads, the slices' names, every
        tap, the picked cell (unless ``show_outputs`` is False: predict mode) and the output cell.
        Returns the box of every pixel that may differ from another step's."""
        scene, kit = self.scene, self.kit
        box = scene.overlays[step]
        covered = [d - scene.slices[0] for d in scene.slices_of(step)]
        bands = [self.band(run[0].axis, run[-1].axis) for run in on_screen.runs(self._row_panels(), covered)]
        for band in bands:
            self._tint_background(image, band)
        draw = ImageDraw.Draw(image, "RGBA")  # the taps' tint is translucent
        for band in bands:
            outline(draw, band, kit.colour("window"), kit.px(3))
        depth = scene.inputs.shape[0]
        marked = []
        for index, d in enumerate(scene.slices):
            names = (f"d = {d}",) if 0 <= d < depth else (f"d = {d} (padding)", f"d = {d}")
            name = self._name(draw, self.input_slice(index), names, index in covered)
            marked += [name] if index in covered else []
        for d in range(scene.outputs.shape[0]):
            name = self._name(draw, self.output_slice(d), (f"d = {d}",), d == box.output[0])
            marked += [name] if d == box.output[0] else []
        taps = []
        for d, h, w, kind in box.window:
            taps.append(self.input_cell(d, h, w))
            self.draw_tap(draw, taps[-1], kind)
        if show_outputs and box.chosen is not None:
            self.draw_chosen(draw, self.input_cell(*box.chosen))
        output = self.output_cell(*box.output)
        self.draw_output_mark(draw, output)
        return union([*bands, *marked, *taps, output])

    def _row_panels(self) -> tuple[on_screen.Panel, ...]:
        """The input slices as the page's figure names them (``axis`` = the slice's number here), for
        :func:`ui.figures.volume.runs`: consecutive slices of one row share a box."""
        boxes = [self.input_slice(index) for index in range(len(self.scene.slices))]
        return tuple(on_screen.Panel(index, x0, y0, x1 - x0, y1 - y0) for index, (x0, y0, x1, y1) in enumerate(boxes))

    def _tint_background(self, image: Image.Image, box: Box) -> None:
        """The window's tint on the background pixels of ``box`` (behind the cells, as on screen)."""
        crop = (box[0], box[1], box[2] + 1, box[3] + 1)
        background = np.asarray(self.kit.colour("background"), dtype=np.uint8)
        bare = (np.asarray(image.crop(crop)) == background).all(axis=-1)  # (height, width)
        image.paste(self.tint, crop, Image.fromarray(bare.astype(np.uint8) * 255, "L"))

    @cached_property
    def tint(self) -> tuple[int, int, int]:
        """The window's translucent fill over the background, blended as pillow blends the taps'."""
        probe = Image.new("RGB", (1, 1), self.kit.colour("background"))
        ImageDraw.Draw(probe, "RGBA").rectangle((0, 0, 0, 0), fill=kit_draw.rgba(self.kit.palette.window_fill))
        return probe.getpixel((0, 0))


class VolumePicture:
    """A volume scene's frames: the title, the slices at one step, and the step's text under it.

    Every frame has the same size, so frame ``s`` of the GIF is the PNG of step ``s``.
    """

    def __init__(self, scene: VolumeScene, kit: Kit, show_outputs: bool = True):
        if scene.outputs is None or not scene.overlays:
            raise ValueError("this call gives no output on this input: there is no step to draw")
        self.scene, self.kit, self.show_outputs = scene, kit, show_outputs
        margin, usable = kit.margin, kit.width - 2 * kit.margin
        self.title = kit_draw.title_lines(kit, scene.call.functional_code().removeprefix("F."), usable)
        top = margin + kit_draw.title_height(kit, self.title) + kit.px(12)
        page = on_screen.layout(scene, SCREEN_WIDTH)  # how the page arranges the slices, and their cells' size
        available = SCREEN_WIDTH - 2 * on_screen.MARGIN_PX - 24 - 12  # what the page's slices may use
        cell = max(int(page.cell * usable / available), 4)
        while cell > 4 and Slices(scene, kit, top, cell, page.per_row).left < margin:
            cell -= 1
        self.slices = Slices(scene, kit, top, cell, page.per_row)
        self.text_top = self.slices.bottom + kit.px(28)
        self.texts = [self._text(step) for step in range(self.count)]
        self.text_box, self.height = kit_draw.text_area(kit, self.text_top, self.texts)

    @property
    def count(self) -> int:
        return self.scene.step_count

    def _text(self, step: int) -> tuple[list, list]:
        arithmetic, description = sentence(self.scene, step, hide_result=not self.show_outputs)
        return step_lines(self.kit, step, self.count, arithmetic, description, bool(self.scene.dropped))

    @cached_property
    def _still(self) -> Image.Image:
        image = kit_draw.new_image(self.kit, self.height)
        kit_draw.draw_title(ImageDraw.Draw(image), self.title, self.kit.margin, self.kit.margin, self.kit)
        self.slices.draw_still(image, self.show_outputs)
        return image

    def frame(self, step: int) -> Image.Image:
        """The picture at ``step`` (moved inside the steps): a new RGB image."""
        step = self.scene.clamp(step)
        image = self._still.copy()
        if self.show_outputs:
            for box in self.scene.overlays[: step + 1]:
                self.slices.draw_output(image, box.output)
        self.slices.draw_marks(image, step, self.show_outputs)
        kit_draw.draw_text_block(image, self.texts[step], self.text_top, self.kit)
        return image

    def frames(self) -> Iterator[tuple[Image.Image, list[Box] | None]]:
        """Every frame in order, drawn incrementally (see :meth:`ui.export.scene.ScenePicture.frames`)."""
        revealed = self._still.copy()
        previous: Box | None = None
        for step, box in enumerate(self.scene.overlays):
            changed = [self.text_box]
            if self.show_outputs:
                changed.append(self.slices.draw_output(revealed, box.output))
            image = revealed.copy()
            marks = self.slices.draw_marks(image, step, self.show_outputs)
            kit_draw.draw_text_block(image, self.texts[step], self.text_top, self.kit)
            yield image, (None if previous is None else [*changed, previous, marks])
            previous = marks

    def samples(self) -> list[Image.Image]:
        return [self.frame(0), self.frame(self.count - 1)]

    def exact_colours(self) -> list[tuple[int, int, int]]:
        return self.kit.exact_colours(self.slices.scale)
