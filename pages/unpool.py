"""Unpooling: max_pool with return_indices, then max_unpool — the values back, zeros elsewhere."""

import dataclasses

import numpy as np
import streamlit as st

from pooling_core.codegen import tensor_code
from ui import calls, unpool
from ui import scene as scenes
from ui.figures.window import window_figure
from ui.views import controls, inputs, lesson, quiz
from ui.views.page import start

page = start("unpool")
page.intro(
    "Unpooling: the maxima back where they were",
    "`max_pool(..., return_indices=True)` keeps the largest value of each window **and where it was**. "
    "`max_unpool` is its partial inverse: it writes each value back at its index and puts **0 everywhere "
    "else** — what the pooling threw away is gone. (Segmentation networks such as SegNet upsample this way.)",
)
notice_area = st.container()
dims = controls.choice(page, "dims", widget=st.radio, horizontal=True, help="A sequence, or a grid.")
plane = inputs.sequence_input(page) if dims == "1-D" else inputs.grid_input(page)
with page.controls():
    values = {name: controls.size_text(page, name, label=controls.LABELS_2D.get(name))
              for name in ("kernel_size", "stride", "padding")}  # fmt: skip
    sizes = controls.size_text(page, "output_size", label="output_size of max_unpool (None = the default)")
page.show_notices(notice_area)
if plane is None:
    page.stop()

arguments, problems = {}, []
for name, text in values.items():
    arguments[name], problem = calls.size("unpool", name, text)
    problems += [problem] if problem else []
output_size, problem = calls.size("unpool", "output_size", sizes)
problems += [problem] if problem else []
if isinstance(output_size, int):
    output_size = (output_size,)
try:
    if problems:
        raise ValueError(" ".join(problems))
    back = unpool.build(plane, arguments, output_size)
except (ValueError, TypeError) as error:
    lesson.invalid_call(page, None, plane, str(error), plane[None].shape)
    page.stop()

asked = unpool.questions_unpool(back) if page.predicting else None
hide = quiz.hidden(page, asked)  # predict mode: z's size and values wait for Reveal
if not hide:
    st.markdown(unpool.ambiguity(back))
pool_call = back.pool.with_arguments(return_indices=False)
scene = lesson.scene_of(pool_call, back.plane)


def figure(step: int):
    """The window whose maximum goes back at this step, over the unpooled plane, beside y (while
    predicting: the pooling itself, x under its window beside y)."""
    if hide:
        titles = ("x", f"y = {pool_call.functional_code()}")
        return window_figure(scene, step, page.palette, width_px=page.figure_width, every_output=True, titles=titles)
    grid = back.unpooled[None, :] if scene.one_d else back.unpooled
    shown = dataclasses.replace(scene, inputs=grid, value_range=scenes.value_range(back.plane, back.unpooled),
                                ghosts={}, rows=(0, grid.shape[0] - 1) if scene.one_d else scene.rows)  # fmt: skip
    titles = (f"{back.unpool.function}(y, indices): the maxima back, 0 elsewhere", f"y = {pool_call.functional_code()}")
    return window_figure(shown, step, page.palette, width_px=page.figure_width, every_output=True, titles=titles)


def sentence(step: int) -> tuple[str, str]:
    return unpool.question_sentence(back, step) if hide else unpool.sentence(back, step)


lesson.step_panel(page, scene, view=lesson.StepView(figure=figure, sentence=sentence))
if asked is not None:
    quiz.panel(page, asked)
left, right = st.columns(2)
with left:
    lesson.numbers("input x", back.plane)
    lesson.numbers("y (pooled)", back.pooled)
    lesson.numbers("indices", back.indices)
    if not hide:
        lesson.numbers("unpooled", back.unpooled)
with right:
    lesson.torch_badge(back.unpool, back.pooled[None])
    unpool_arguments = ", ".join(f"{k}={v!r}" for k, v in back.unpool.arguments.items() if k != "indices")
    code = "\n".join([
        "import torch",
        "import torch.nn.functional as F",
        "",
        tensor_code(back.plane[None]),
        f"y, indices = {back.pool.functional_code()}",
        f"z = F.{back.unpool.function}(y, indices, {unpool_arguments})",
        "z.shape  # ?" if hide else f"z.shape  # {tuple(np.shape(back.unpooled[None]))}",
    ])  # fmt: skip
    st.code(code, language="python", wrap_lines=True)
