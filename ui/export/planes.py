"""The Channels page's export: every (n, c) plane of an N×C×H×W tensor beside its pooled plane,
samples down, channels across, on one colour scale, each plane drawn by the scene renderer.

The still picture (the PNG) shows every plane pooled, as the page does. The GIF walks the window
over every output cell of every plane, plane after plane (n, then c): one frame per step, so
``N · C · H_out · W_out`` frames; the planes already done stay pooled.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from PIL import Image, ImageDraw

from pooling_core import PoolCall
from ui import scene as scenes
from ui.export import draw as kit_draw
from ui.export.draw import Box, Kit, Run
from ui.export.scene import Panel
from ui.scene import Scene, step_text, value_range


@dataclass(frozen=True)
class Planes:
    """``call`` on every plane of ``inputs`` (N, C, H, W): one scene per plane, n-major."""

    call: PoolCall
    inputs: np.ndarray
    scenes: tuple[Scene, ...]

    default_step = None  # the PNG: every plane pooled

    @classmethod
    def build(cls, call: PoolCall, inputs: np.ndarray) -> Planes:
        """Raises the call's ``ValueError``/``TypeError`` when torch would refuse it."""
        inputs = np.asarray(inputs)
        call.windows(inputs.shape)  # validates for the whole tensor first, with torch's words
        planes = tuple(scenes.build(call, inputs[n, c]) for n, c in np.ndindex(*inputs.shape[:2]))
        return cls(call, inputs, planes)

    @property
    def title(self) -> str:
        return self.call.functional_code().removeprefix("F.")

    @property
    def output_shape(self) -> tuple[int, ...]:
        return (*self.inputs.shape[:2], *self.scenes[0].outputs.shape)

    def locate(self, step: int) -> tuple[int, int]:
        """Global step → (plane number, that plane's step)."""
        per_plane = self.scenes[0].step_count
        return step // per_plane, step % per_plane

    @property
    def step_count(self) -> int:
        return sum(scene.step_count for scene in self.scenes)


class PlanesPicture:
    """Frames of :class:`Planes`; ``frame(None)`` is the still picture."""

    def __init__(self, planes: Planes, kit: Kit, show_outputs: bool = True):
        if not planes.step_count:
            raise ValueError("this call gives no output on this input: there is no step to draw")
        self.planes, self.kit, self.show_outputs = planes, kit, show_outputs
        samples, channels = planes.inputs.shape[:2]
        margin, usable = kit.margin, kit.width - 2 * kit.margin
        self.title = kit_draw.title_lines(kit, planes.title, usable)
        top = margin + kit_draw.title_height(kit, self.title) + kit.px(12)
        first = planes.scenes[0]
        shared = value_range(planes.inputs.astype(np.float64), *[s.outputs for s in planes.scenes])
        across, down = Panel.units(first)
        plate_gap, row_gap = kit.px(48), kit.px(20)
        plate_width = (usable - (channels - 1) * plate_gap) / channels
        cell = int(max(min((plate_width - kit.px(56)) / across, kit.px(90), kit.px(640) / (samples * down)), 4))
        while cell > 4 and Panel(first, kit, 0, 0, cell).size[0] > plate_width:
            cell -= 1
        size = Panel(first, kit, 0, 0, cell).size
        left = (kit.width - (channels * size[0] + (channels - 1) * plate_gap)) // 2
        places = [(left + c * (size[0] + plate_gap), top + n * (size[1] + row_gap), n, c)
                  for n, c in np.ndindex(samples, channels)]  # fmt: skip
        self.panels = [
            Panel(scene, kit, x, y, cell, labels=(f"x[{n}, {c}]", f"y[{n}, {c}]"), value_range=shared)
            for scene, (x, y, n, c) in zip(planes.scenes, places, strict=True)
        ]
        self.text_top = top + samples * size[1] + (samples - 1) * row_gap + kit.px(28)
        texts = [self._text(step) for step in [None, *range(self.count)]]
        self.texts = {step: text for step, text in zip([None, *range(self.count)], texts, strict=True)}
        self.text_box, self.height = kit_draw.text_area(kit, self.text_top, texts)

    @property
    def count(self) -> int:
        return self.planes.step_count

    def _text(self, step: int | None) -> tuple[list, list]:
        kit, planes = self.kit, self.planes
        usable, text = kit.width - 2 * kit.margin, kit.colour("text")
        if step is None:
            shapes = f"{tuple(planes.inputs.shape)} → {planes.output_shape if self.show_outputs else '?'}"
            first = [Run("Every plane pooled on its own.  ", kit.bold_font, text), Run(shapes, kit.code_font, text)]
            rest = [Run("Each (n, c) plane of x is pooled separately: channels and samples never mix.",
                        kit.body_font, text)]  # fmt: skip
            return kit_draw.wrap(first, usable), kit_draw.wrap(rest, usable)
        plane, local = planes.locate(step)
        n, c = divmod(plane, planes.inputs.shape[1])
        scene = planes.scenes[plane]
        arithmetic, description = step_text(scene.overlays[local], self.show_outputs)
        first = [Run(f"x[{n}, {c}], step {local + 1} of {scene.step_count} ({step + 1} of {self.count}).  ",
                     kit.bold_font, text), Run(arithmetic, kit.code_font, text)]  # fmt: skip
        return kit_draw.wrap(first, usable), kit_draw.wrap([Run(description, kit.body_font, text)], usable)

    @cached_property
    def _still(self) -> Image.Image:
        image = kit_draw.new_image(self.kit, self.height)
        kit_draw.draw_title(ImageDraw.Draw(image), self.title, self.kit.margin, self.kit.margin, self.kit)
        for panel in self.panels:
            panel.draw_still(image)
        return image

    def _draw_text(self, image: Image.Image, step: int | None) -> None:
        kit_draw.draw_text_block(image, self.texts[step], self.text_top, self.kit)

    def frame(self, step: int | None) -> Image.Image:
        """Step ``step`` of the walk (moved inside the steps), or with None every plane pooled."""
        image = self._still.copy()
        if step is None:
            if self.show_outputs:
                for panel in self.panels:
                    for overlay in panel.scene.overlays:
                        panel.draw_output(image, overlay.output)
            self._draw_text(image, None)
            return image
        step = min(max(int(step), 0), self.count - 1)
        plane, local = self.planes.locate(step)
        if self.show_outputs:
            for number, panel in enumerate(self.panels[: plane + 1]):
                for overlay in panel.scene.overlays[: local + 1 if number == plane else None]:
                    panel.draw_output(image, overlay.output)
        panel = self.panels[plane]
        panel.draw_marks(image, panel.scene.overlays[local], self.show_outputs)
        self._draw_text(image, step)
        return image

    def frames(self) -> Iterator[tuple[Image.Image, list[Box] | None]]:
        """Every step in order, drawn incrementally (see :meth:`ui.export.scene.ScenePicture.frames`)."""
        revealed = self._still.copy()
        previous: Box | None = None
        for step in range(self.count):
            plane, local = self.planes.locate(step)
            panel = self.panels[plane]
            overlay = panel.scene.overlays[local]
            changed = [self.text_box]
            if self.show_outputs:
                changed.append(panel.draw_output(revealed, overlay.output))
            image = revealed.copy()
            marks = panel.draw_marks(image, overlay, self.show_outputs)
            self._draw_text(image, step)
            yield image, (None if previous is None else [*changed, previous, marks])
            previous = marks

    def samples(self) -> list[Image.Image]:
        return [self.frame(0), self.frame(self.count - 1)]

    def exact_colours(self) -> list[tuple[int, int, int]]:
        return self.kit.exact_colours(self.panels[0].scale)
