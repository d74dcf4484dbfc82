"""A :class:`ui.scene.Scene` drawn with pillow: the second renderer of the picture the page
shows (the first is :mod:`ui.figures.window`, Plotly), layer by layer in the same order.

- the still picture (:func:`draw_still`): padding cells (read and never read) and overhang with
  their values, the input cells on the scene's one colour scale with their values, NaN cells,
  the output slots, and the windows ceil mode counts but torch drops (dash-dot);
- an output computed (:func:`draw_output`);
- the step's marks (:func:`draw_marks`): every tap of the window (solid over input cells, dashed
  over padding, dotted past it, lightly tinted), the picked cell's double outline and ``▲``, the
  output cell the step computes.

:class:`Cells` draws those layers on the boxes a layout gives (the 3-D picture's slices use it
too, :mod:`ui.export.volume`); :class:`Panel` says where a scene's cells sit (tests sample pixels
through it); :class:`ScenePicture` adds the title (the call as torch spells it) and the step's
text, and makes one frame per step. A :class:`ui.scene.Variant` (the Backward and Unpooling
pages) is drawn by the same picture with its own values per step, every output shown, its
panels' names, title and sentences.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from pooling_core.animation import CELL_INPUT, CELL_OVERHANG, CELL_PADDING, fmt
from ui.export import draw as kit_draw
from ui.export.draw import Box, Kit, Run, ValueScale, inset, outline, union
from ui.figures.window import DASH, edges
from ui.scene import UNREAD_PADDING, Overlay, Scene, Variant, ghost_text, step_text

GHOST_FILLS = {UNREAD_PADDING: "unread_padding_fill", CELL_PADDING: "padding_fill", CELL_OVERHANG: "overhang_fill"}
TAP_COLOURS = {CELL_INPUT: "window", CELL_PADDING: "padding", CELL_OVERHANG: "overhang"}


class Cells:
    """The layers of the picture on cells ``cell`` px square, drawn on the boxes a layout gives:
    values on the colour scale, padding and overhang, output slots, the windows torch drops, the
    window's taps, the picked cell and the output cell. A subclass says where its cells sit and
    which ``value_font`` fits its values."""

    value_font: ImageFont.FreeTypeFont | None

    def __init__(self, kit: Kit, cell: int, scale: ValueScale):
        self.kit, self.cell, self.scale = kit, int(cell), scale
        self.gap = max(1, self.cell // 30)  # between cells, as Plotly's xgap

    # --- line widths, as on screen (thinner in thin cells) -----------------------------------

    def _width(self, slide_px: float, divisor: int) -> int:
        return max(1, min(self.kit.px(slide_px), self.cell // divisor))

    @property
    def window_line(self) -> int:
        """The window outline's width in px."""
        return self._width(6, 8)

    @property
    def small(self) -> bool:
        """Cells too small for the picked cell's double outline and ``▲`` (a long sequence)."""
        return self.cell < 16

    # --- the still layers ------------------------------------------------------------------

    def draw_value(self, draw: ImageDraw.ImageDraw, box: Box, value: float) -> None:
        """A value in its colour (NaN in its own), written when the font fits."""
        if np.isnan(value):
            fill, ink = self.kit.colour("nan_fill"), self.kit.colour("text")
        else:
            fill = self.scale.colour(value)
            ink = kit_draw.ink_on(fill)
        draw.rectangle(inset(box, self.gap), fill=fill)
        kit_draw.cell_text(draw, box, fmt(value), self.value_font, ink)

    def draw_ghost(self, draw: ImageDraw.ImageDraw, box: Box, kind: int, text: str) -> None:
        """A padding cell (read or never read) or an overhang cell, with what it holds."""
        draw.rectangle(inset(box, self.gap), fill=self.kit.colour(GHOST_FILLS[kind]))
        kit_draw.cell_text(draw, box, text, self.value_font, self.kit.colour("muted"))

    def draw_slot(self, draw: ImageDraw.ImageDraw, box: Box) -> None:
        """An output cell still to compute."""
        draw.rectangle(inset(box, self.gap), fill=self.kit.colour("unread_padding_fill"))

    def draw_dropped(self, draw: ImageDraw.ImageDraw, box: Box) -> None:
        """A cell of a window ceil mode counts but torch drops: dash-dot, inside the cell."""
        inner = inset(box, max(1, self.cell // 10))
        outline(draw, inner, self.kit.colour("overhang"), self._width(3, 16), "dashdot")

    # --- the step's marks (``draw`` in RGBA mode: the window's tint is translucent) -------------

    def draw_tap(self, draw: ImageDraw.ImageDraw, box: Box, kind: int) -> None:
        """One tap of the window: tinted, solid over input, dashed over padding, dotted past it."""
        draw.rectangle(inset(box, self.gap), fill=kit_draw.rgba(self.kit.palette.window_fill))
        outline(draw, box, self.kit.colour(TAP_COLOURS[kind]), self.window_line, DASH[kind])

    def _chosen_boxes(self, box: Box) -> tuple[Box, int, Box, int]:
        """The picked cell's double outline in ``box``: (outer box, its width, inner box, its width)."""
        outer, inner = self._width(5, 10), self._width(3, 14)
        outer_inset = max(self.window_line, round(self.cell * 0.06))  # inside the window's outline
        inner_inset = max(outer_inset + outer + 1, round(self.cell * 0.2))
        return inset(box, outer_inset), outer, inset(box, inner_inset), inner

    def chosen_points_in(self, box: Box) -> tuple[tuple[int, int], tuple[int, int]]:
        """Pixels that the picked cell's marks cover in ``box``: one on the outer outline (its left
        edge), one inside the ``▲`` (what tests sample)."""
        outer_box, outer, inner_box, inner = self._chosen_boxes(box)
        if self.small:
            centre = ((outer_box[0] + outer_box[2]) // 2, (outer_box[1] + outer_box[3]) // 2)
            return centre, centre
        x0, y0, x1, y1 = kit_draw.triangle_box(inset(inner_box, inner))
        return (outer_box[0] + outer // 2, (outer_box[1] + outer_box[3]) // 2), ((x0 + x1) // 2, (y0 + 2 * y1) // 3)

    def draw_chosen(self, draw: ImageDraw.ImageDraw, box: Box) -> None:
        """The picked cell: a double outline and a ``▲`` (shape, not only colour, tells it apart)."""
        colour = self.kit.colour("chosen")
        outer_box, outer, inner_box, inner = self._chosen_boxes(box)
        if self.small:  # no room for two outlines and a ▲: the cell's inside in the picked colour
            draw.rectangle(outer_box, fill=colour)
        else:
            outline(draw, outer_box, colour, outer)
            outline(draw, inner_box, colour, inner)
            kit_draw.triangle(draw, inset(inner_box, inner), colour)

    def draw_output_mark(self, draw: ImageDraw.ImageDraw, box: Box) -> None:
        """The output cell the step computes."""
        outline(draw, box, self.kit.colour("window"), self._width(7, 7))


class Panel(Cells):
    """Where one scene's cells sit in a picture, from ``(left, top)`` with square cells ``cell`` px.

    1-D: the input row (padding included), and under it the output row, each output under its
    window's centre. 2-D: the input grid, and the output grid to its right, tops aligned.
    ``texts`` are more values the cells will show (a Variant's later steps): the value font fits
    them too.
    """

    def __init__(self, scene: Scene, kit: Kit, left: int, top: int, cell: int,
                 labels: tuple[str, str] | None = None, value_range: tuple[float, float] | None = None,
                 texts: tuple[str, ...] = ()):  # fmt: skip
        if scene.outputs is None:
            raise ValueError("this call gives no output on this input: there is no step to draw")
        super().__init__(kit, cell, ValueScale(kit.palette.values, *(value_range or scene.value_range)))
        self.scene, self.left, self.top, self.texts = scene, int(left), int(top), texts
        self.labels = labels or (("input x", "output (under its window)") if scene.one_d else ("input", "output"))
        self.label_height = int(round(kit.label_font.size * 1.6))  # one line (cells' x do not depend on it)
        self.label_lines = self._wrapped_labels()
        self.label_height += (max(len(lines) for lines in self.label_lines) - 1) * self._label_step

    # --- geometry --------------------------------------------------------------------------

    @staticmethod
    def units(scene: Scene) -> tuple[float, float]:
        """The panel's size in cells (across, down), without labels and gaps."""
        if scene.one_d:
            low, high = Panel._x_range(scene)
            return high - low, 2.0
        rows = scene.rows[1] - scene.rows[0] + 1
        across = scene.columns[1] - scene.columns[0] + 1 + scene.outputs.shape[1]
        return float(across), float(max(rows, scene.outputs.shape[0]))

    @staticmethod
    def _x_range(scene: Scene) -> tuple[float, float]:
        out_edges = edges(scene.output_x)
        return min(scene.columns[0] - 0.5, float(out_edges[0])), max(scene.columns[1] + 0.5, float(out_edges[-1]))

    def panel_gap(self) -> int:
        """Between the 2-D input and output grids."""
        return max(self.kit.px(56), self.cell)

    @cached_property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels, labels included."""
        if self.scene.one_d:
            low, high = self._x_range(self.scene)
            return int(round((high - low) * self.cell)), self._output_top + self.cell - self.top
        across_in = self.scene.columns[1] - self.scene.columns[0] + 1
        rows = max(self.scene.rows[1] - self.scene.rows[0] + 1, self.scene.outputs.shape[0])
        width = (across_in + self.scene.outputs.shape[1]) * self.cell + self.panel_gap()
        return width, self.label_height + rows * self.cell

    @property
    def _input_top(self) -> int:
        return self.top + self.label_height

    @property
    def _output_top(self) -> int:
        if self.scene.one_d:
            return self._input_top + self.cell + self.label_height // 2 + self.label_height
        return self._input_top

    def _x(self, unit: float) -> int:
        """1-D: the pixel of a column coordinate (cell ``c`` spans ``c ± 0.5``)."""
        return self.left + int(round((unit - self._x_range(self.scene)[0]) * self.cell))

    def input_cell(self, row: int, column: int) -> Box:
        """The box of input cell ``(row, column)`` (padding and overhang cells have coordinates outside)."""
        if self.scene.one_d:
            top = self._input_top
            return self._x(column - 0.5), top, self._x(column + 0.5) - 1, top + self.cell - 1
        x0 = self.left + (column - self.scene.columns[0]) * self.cell
        y0 = self._input_top + (row - self.scene.rows[0]) * self.cell
        return x0, y0, x0 + self.cell - 1, y0 + self.cell - 1

    def output_cell(self, row: int, column: int) -> Box:
        """The box of output cell ``(row, column)``."""
        top = self._output_top
        if self.scene.one_d:
            out_edges = self._out_edges
            return self._x(out_edges[column]), top, self._x(out_edges[column + 1]) - 1, top + self.cell - 1
        across_in = self.scene.columns[1] - self.scene.columns[0] + 1
        x0 = self.left + across_in * self.cell + self.panel_gap() + column * self.cell
        y0 = top + row * self.cell
        return x0, y0, x0 + self.cell - 1, y0 + self.cell - 1

    @cached_property
    def _out_edges(self) -> list[float]:
        return [float(edge) for edge in edges(self.scene.output_x)]

    @cached_property
    def value_font(self):
        scene = self.scene
        texts = [fmt(v) for v in scene.inputs.ravel()] + [fmt(v) for v in scene.outputs.ravel()]
        texts += [ghost_text(scene, kind) for kind in set(scene.ghosts.values())] + list(self.texts)
        side = self.cell - 2 * self.gap
        return kit_draw.fitting_font(texts, side, side, self.kit)

    # --- layers ----------------------------------------------------------------------------

    @property
    def _label_step(self) -> int:
        """Between the baselines of a label's lines."""
        return int(round(self.kit.label_font.size * 1.25))

    def _label_spans(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """2-D: the left and right pixel of the input grid and of the output grid."""
        scene = self.scene
        top_left = self.input_cell(scene.rows[0], scene.columns[0])
        top_right = self.input_cell(scene.rows[0], scene.columns[1])
        out_left, out_right = self.output_cell(0, 0), self.output_cell(0, scene.outputs.shape[1] - 1)
        return (top_left[0], top_right[2]), (out_left[0], out_right[2])

    def _wrapped_labels(self) -> tuple[list[kit_draw.Line], list[kit_draw.Line]]:
        """Each label's lines: one line each, unless a label would run past the picture (1-D) or
        into the other one (2-D, a long name over a narrow grid): then each is wrapped to its own
        grid's width and half the gap on either side."""
        kit = self.kit
        colour = kit.colour("muted")
        runs = [[Run(label, kit.label_font, colour)] for label in self.labels]
        one_line = [kit_draw.wrap(run, float("inf")) for run in runs]
        if self.scene.one_d:
            return tuple(kit_draw.wrap(run, kit.width - kit.margin - self.left) for run in runs)
        spans = self._label_spans()
        widths = [kit_draw.text_length(kit.label_font, label) for label in self.labels]
        centres = [(x0 + x1) / 2 for x0, x1 in spans]
        if centres[0] + widths[0] / 2 + kit.px(16) <= centres[1] - widths[1] / 2:
            return tuple(one_line)
        room = [x1 - x0 + 1 + self.panel_gap() for x0, x1 in spans]
        return tuple(kit_draw.wrap(run, width) for run, width in zip(runs, room, strict=True))

    def draw_labels(self, draw: ImageDraw.ImageDraw) -> None:
        """The panels' names: 1-D left-aligned over each row, 2-D centred over each grid; a
        wrapped name's last line sits where a one-line name would."""
        kit, step = self.kit, self._label_step
        if self.scene.one_d:
            for lines, top in zip(self.label_lines, (self._input_top, self._output_top), strict=True):
                baseline = top - self.label_height // 5
                for number, line in enumerate(lines):
                    for x, run in line:
                        draw.text((self.left + x, baseline - (len(lines) - 1 - number) * step), run.text,
                                  font=run.font, fill=run.colour, anchor="ls")  # fmt: skip
            return
        baseline = self._input_top - self.label_height // 5
        for lines, (x0, x1) in zip(self.label_lines, self._label_spans(), strict=True):
            for number, line in enumerate(lines):
                text = "".join(run.text for _, run in line).rstrip()
                draw.text(((x0 + x1) / 2, baseline - (len(lines) - 1 - number) * step), text, font=kit.label_font,
                          fill=kit.colour("muted"), anchor="ms")  # fmt: skip

    def draw_still(self, image: Image.Image) -> None:
        """Labels, padding and overhang, inputs, output slots and the dropped windows."""
        draw = ImageDraw.Draw(image)
        scene = self.scene
        self.draw_labels(draw)
        for (row, column), kind in scene.ghosts.items():
            self.draw_ghost(draw, self.input_cell(row, column), kind, ghost_text(scene, kind))
        for (row, column), value in np.ndenumerate(scene.inputs):
            self.draw_value(draw, self.input_cell(row, column), value)
        for row, column in np.ndindex(*scene.outputs.shape):
            self.draw_slot(draw, self.output_cell(row, column))
        for window in scene.dropped:
            for row, column in window:
                self.draw_dropped(draw, self.input_cell(row, column))

    def draw_input(self, image: Image.Image, index: tuple[int, int], value: float) -> Box:
        """Input cell ``index`` with another value (a Variant's step); returns the box drawn."""
        box = self.input_cell(*index)
        self.draw_value(ImageDraw.Draw(image), box, value)
        return box

    def draw_output(self, image: Image.Image, index: tuple[int, int]) -> Box:
        """Output ``index`` computed: its value in its colour. Returns the box drawn."""
        box = self.output_cell(*index)
        self.draw_value(ImageDraw.Draw(image), box, float(self.scene.outputs[index]))
        return box

    def chosen_points(self, row: int, column: int) -> tuple[tuple[int, int], tuple[int, int]]:
        """Pixels that the marks of input cell ``(row, column)`` picked cover (see :meth:`Cells.chosen_points_in`)."""
        return self.chosen_points_in(self.input_cell(row, column))

    def draw_marks(self, image: Image.Image, overlay: Overlay, show_outputs: bool = True) -> Box:
        """The step's window, picked cell (unless ``show_outputs`` is False: predict mode) and
        output cell. Returns the box of every pixel drawn."""
        draw = ImageDraw.Draw(image, "RGBA")  # the window's tint is translucent
        boxes = []
        for row, column, kind in overlay.window:
            box = self.input_cell(row, column)
            self.draw_tap(draw, box, kind)
            boxes.append(box)
        if show_outputs and overlay.chosen is not None:
            self.draw_chosen(draw, self.input_cell(*overlay.chosen))
        output = self.output_cell(*overlay.output)
        self.draw_output_mark(draw, output)
        return union([*boxes, output])


DROPPED_NOTE = "  Dash-dot: a window ceil_mode=True would add, which torch drops (it would start in the right padding)."


def step_lines(kit: Kit, step: int, count: int, arithmetic: str, description: str, dropped: bool = False):
    """A step's text as :func:`ui.export.draw.draw_text_block` draws it: "Step s of n." and the
    arithmetic, then the sentence (and, when the call has windows torch drops, what dash-dot means)."""
    usable, text = kit.width - 2 * kit.margin, kit.colour("text")
    first = kit_draw.wrap([Run(f"Step {step + 1} of {count}.  ", kit.bold_font, text),
                           Run(arithmetic, kit.code_font, text)], usable)  # fmt: skip
    notes = [Run(description, kit.body_font, text)]
    if dropped:
        notes.append(Run(DROPPED_NOTE, kit.body_font, kit.colour("muted")))
    return first, kit_draw.wrap(notes, usable)


def changed_cells(before: np.ndarray, after: np.ndarray) -> list[tuple[int, ...]]:
    """The cells whose value (or its sign, or NaN) differs between two arrays of one shape."""
    same = ((before == after) & (np.signbit(before) == np.signbit(after))) | (np.isnan(before) & np.isnan(after))
    return [tuple(int(i) for i in index) for index in np.argwhere(~same)]


class ScenePicture:
    """A scene's frames: the title, the panel at one step, and the step's text under it.

    Every frame has the same size (the text area fits the longest step), so frame ``s`` of the
    GIF is the PNG of step ``s``. Given a :class:`ui.scene.Variant`, the steps are its base's and
    each frame shows the variant's values at that step, every output, its panels' names, its
    title and its sentences.
    """

    def __init__(self, scene: Scene | Variant, kit: Kit, show_outputs: bool = True):
        variant = scene if isinstance(scene, Variant) else None
        steps = variant.base if variant is not None else scene
        if steps.outputs is None or not steps.overlays:
            raise ValueError("this call gives no output on this input: there is no step to draw")
        self.scene, self.variant, self.kit = steps, variant, kit
        self.show_outputs = show_outputs or variant is not None  # a Variant's page gives every answer
        shown = steps if variant is None else variant.at(0)  # the cells drawn (the same at every step)
        # A Variant's input values at every step, and every value they take (the value font fits them all).
        self.inputs = None if variant is None else [variant.at(step).inputs for step in range(steps.step_count)]
        texts = () if variant is None else tuple(sorted({fmt(v) for values in self.inputs for v in np.unique(values)}))
        labels = None if variant is None else variant.labels
        margin, usable = kit.margin, kit.width - 2 * kit.margin
        self.title = kit_draw.title_lines(kit, steps.title if variant is None else variant.title, usable)
        top = margin + kit_draw.title_height(kit, self.title) + kit.px(12)
        across, down = Panel.units(shown)
        if shown.one_d:
            cell = min(usable / across, kit.px(120))
        else:
            gap = kit.px(56)
            cell = min((usable - gap) / across, kit.px(110), kit.px(760) / down)
            cell = min(cell, (usable - max(gap, cell)) / across)  # the gap grows to a cell in wide cells
        cell = max(int(cell), 4)
        probe = Panel(shown, kit, 0, top, cell, labels, texts=texts)
        self.panel = Panel(shown, kit, (kit.width - probe.size[0]) // 2, top, cell, labels, texts=texts)
        self.text_top = top + self.panel.size[1] + kit.px(28)
        self.texts = [self._text(step) for step in range(steps.step_count)]
        self.text_box, self.height = kit_draw.text_area(kit, self.text_top, self.texts)

    @property
    def count(self) -> int:
        return self.scene.step_count

    def _text(self, step: int) -> tuple[list, list]:
        if self.variant is not None:
            arithmetic, description = self.variant.sentence(step)
        else:
            arithmetic, description = step_text(self.scene.overlays[step], self.show_outputs)
        return step_lines(self.kit, step, self.count, arithmetic, description, bool(self.scene.dropped))

    @cached_property
    def _still(self) -> Image.Image:
        image = kit_draw.new_image(self.kit, self.height)
        kit_draw.draw_title(ImageDraw.Draw(image), self.title, self.kit.margin, self.kit.margin, self.kit)
        self.panel.draw_still(image)
        if self.variant is not None:  # every output from the first step
            for overlay in self.scene.overlays:
                self.panel.draw_output(image, overlay.output)
        return image

    def _draw_text(self, image: Image.Image, step: int) -> None:
        kit_draw.draw_text_block(image, self.texts[step], self.text_top, self.kit)

    def frame(self, step: int) -> Image.Image:
        """The picture at ``step`` (moved inside the steps): a new RGB image."""
        step = self.scene.clamp(step)
        image = self._still.copy()
        if self.inputs is not None:
            for index in changed_cells(self.inputs[0], self.inputs[step]):
                self.panel.draw_input(image, index, float(self.inputs[step][index]))
        elif self.show_outputs:
            for overlay in self.scene.overlays[: step + 1]:
                self.panel.draw_output(image, overlay.output)
        self.panel.draw_marks(image, self.scene.overlays[step], self.show_outputs)
        self._draw_text(image, step)
        return image

    def frames(self) -> Iterator[tuple[Image.Image, list[Box] | None]]:
        """Every frame in order, drawn incrementally, with the boxes where each may differ from
        the one before (None: anywhere). Frame ``s`` equals :meth:`frame` ``(s)``."""
        revealed = self._still.copy()
        previous: Box | None = None
        for step, overlay in enumerate(self.scene.overlays):
            changed = [self.text_box]
            if self.inputs is not None:
                before, now = self.inputs[max(step - 1, 0)], self.inputs[step]
                changed += [self.panel.draw_input(revealed, index, float(now[index]))
                            for index in changed_cells(before, now)]  # fmt: skip
            elif self.show_outputs:
                changed.append(self.panel.draw_output(revealed, overlay.output))
            image = revealed.copy()
            marks = self.panel.draw_marks(image, overlay, self.show_outputs)
            self._draw_text(image, step)
            yield image, (None if previous is None else [*changed, previous, marks])
            previous = marks

    def samples(self) -> list[Image.Image]:
        """Frames whose colours stand for all (the GIF's palette is chosen from them)."""
        return [self.frame(0), self.frame(self.count - 1)]

    def exact_colours(self) -> list[tuple[int, int, int]]:
        return self.kit.exact_colours(self.panel.scale)
