"""Exports: every animated view as a PNG (one step) or a GIF (one frame per step), drawn with
pillow from the same data the page shows. Pure: no Streamlit, no Plotly figure, no browser.

What can be exported (a *subject*):

- a :class:`ui.scene.Scene` — the 1-D, 2-D and Images pages' sliding window (and any page that
  draws a scene with :func:`ui.views.lesson.step_panel`): one frame per step, i.e. per output cell;
- :class:`Planes` — the Channels page: every (n, c) plane beside its pooled plane; the PNG shows
  them all pooled (or, with a step, one frame of the GIF), the GIF walks the window over every
  output cell of every plane, plane after plane;
- :class:`Shifts` — the Invariance page's translation on the grid: one frame per shift
  t = 0 … 2·kernel_size; the PNG shows the page's shift;
- a :class:`ui.scene.Variant` — a page's own values per step on a scene's cells (Backward: x.grad
  so far under each window, beside g; Unpooling: the maxima back in place, beside y): one frame
  per step, drawn like a scene;
- a :class:`ui.volume.VolumeScene` — the 3-D page's row of slices, the window a box across them:
  one frame per step.

``render_png(subject, step, palette)`` and ``render_gif(subject, palette)`` return the file's
bytes; the same subject, palette and width always give the same bytes (:mod:`ui.export.encode`
says how). :func:`filename` names the file after the state (``max_pool1d_k3_s1_p1.gif``).
:mod:`ui.export.pages` builds a page's subject from its link (what ``scripts/render.py`` runs).

>>> import numpy as np
>>> from pooling_core import PoolCall
>>> from ui import scene
>>> from ui.palette import LIGHT
>>> lecture = scene.build(PoolCall("max_pool1d", {"kernel_size": 2}), np.array([1, 4, -1, 0, 2, -2, 1, 3, 3, 1.0]))
>>> render_png(lecture, 0, LIGHT, width=800)[:8]
b'\\x89PNG\\r\\n\\x1a\\n'
>>> from PIL import Image; import io
>>> Image.open(io.BytesIO(render_gif(lecture, LIGHT, width=800))).n_frames
5
>>> filename(lecture.call, "png", step=4)
'max_pool1d_k2_step4.png'
"""

from __future__ import annotations

from ui.export.draw import Kit
from ui.export.encode import FixedPalette, gif_bytes, png_bytes
from ui.export.names import filename, stem
from ui.export.planes import Planes, PlanesPicture
from ui.export.scene import Panel, ScenePicture
from ui.export.shifts import Shifts, ShiftsPicture
from ui.export.volume import VolumePicture
from ui.palette import Palette
from ui.scene import Scene, Variant
from ui.volume import VolumeScene

SLIDES = 1600  # px wide: a 16:9 slide (the pages' downloads)
WEB = 800  # px wide: a tutorial's column
MIN_WIDTH, MAX_WIDTH = 320, 4000
MS_PER_FRAME = 600  # the page's 1× speed


def picture(subject, palette: Palette, width: int = SLIDES, *, show_outputs: bool = True):
    """The picture of ``subject`` (a Scene, Variant, VolumeScene, Planes or Shifts) ``width`` px
    wide in ``palette``.

    ``show_outputs=False`` is predict mode: outputs, the picked cell and results stay hidden (a
    Variant's pages have none: it shows everything).
    """
    if not MIN_WIDTH <= int(width) <= MAX_WIDTH:
        raise ValueError(f"width must be from {MIN_WIDTH} to {MAX_WIDTH} px, but got width={width}")
    kit = Kit(palette, int(width))
    if isinstance(subject, (Scene, Variant)):
        return ScenePicture(subject, kit, show_outputs)
    if isinstance(subject, VolumeScene):
        return VolumePicture(subject, kit, show_outputs)
    if isinstance(subject, Planes):
        return PlanesPicture(subject, kit, show_outputs)
    if isinstance(subject, Shifts):
        return ShiftsPicture(subject, kit)
    raise TypeError(f"cannot export a {type(subject).__name__}: give a Scene, Variant, VolumeScene, Planes or Shifts")


def render_png(subject, step: int | None, palette: Palette, width: int = SLIDES, *, show_outputs: bool = True) -> bytes:
    """The PNG of ``subject`` at ``step`` (a Scene's step; Planes: None for every plane pooled,
    else a frame of the GIF; Shifts: None for its own shift, else shift t = ``step``)."""
    drawn = picture(subject, palette, width, show_outputs=show_outputs)
    if step is None:
        step = getattr(subject, "default_step", 0)
    return png_bytes(drawn.frame(step))


def render_gif(subject, palette: Palette, width: int = SLIDES, ms_per_frame: int = MS_PER_FRAME, *,
               show_outputs: bool = True) -> bytes:  # fmt: skip
    """The GIF of ``subject``: one frame per step, every frame in one fixed palette."""
    drawn = picture(subject, palette, width, show_outputs=show_outputs)
    colours = FixedPalette(drawn.exact_colours(), drawn.samples())
    return gif_bytes(drawn.frames(), colours, drawn.count, int(ms_per_frame))


def planes_filename(call, extension: str, step: int | None = None) -> str:
    """The Channels export's file name: ``max_pool2d_k1x2_planes.png`` (with a frame: ``_step3``)."""
    return filename(call, extension, step=step, extra=("planes",))


def filename_of(subject, extension: str, step: int | None = None) -> str:
    """The file name of ``subject``'s PNG at ``step`` (as :func:`render_png` takes it) or its GIF.

    A Scene or a VolumeScene: the call (``max_pool1d_k3_s1_p1_step4.png``); a Variant: the call
    it names and its words (``max_pool1d_k2_backward_ones_step4.png``); Planes: the call and
    ``planes``; Shifts: ``invariance_k2_right_edge`` and the shift (``_t1``).
    """
    png = extension.lstrip(".") == "png"
    if isinstance(subject, Shifts):
        t = subject.default_step if step is None else min(max(int(step), 0), subject.step_count - 1)
        stem_ = f"invariance_k{subject.kernel_size}_{subject.direction}_{subject.fill}" + (f"_t{t}" if png else "")
        return f"{stem_}.{extension.lstrip('.')}"
    if isinstance(subject, Planes):
        shown = None if step is None or not png else min(max(int(step), 0), subject.step_count - 1)
        return planes_filename(subject.call, extension, shown)
    shown = subject.clamp(0 if step is None else step) if png else None
    if isinstance(subject, Variant):
        return filename(subject.file_call, extension, step=shown, extra=subject.file_extra)
    return filename(subject.call, extension, step=shown)


__all__ = [
    "render_png", "render_gif", "picture", "filename", "filename_of", "planes_filename", "stem", "Planes", "Shifts",
    "Panel", "ScenePicture", "PlanesPicture", "ShiftsPicture", "VolumePicture", "SLIDES", "WEB", "MS_PER_FRAME",
]  # fmt: skip
