"""Unpooling: max_pool with return_indices, then max_unpool — the values back, zeros elsewhere."""

import numpy as np
import streamlit as st

from pooling_core.codegen import tensor_code
from ui import calls, unpool
from ui.views import code, controls, inputs, lesson, quiz
from ui.views.page import start

page = start("unpool")
page.intro(
    "Unpooling: the maxima back where they were",
    "`max_pool(..., return_indices=True)` keeps the largest value of each window **and where it was**. "
    "`max_unpool` is its partial inverse: it writes each value back at its index and puts **0 everywhere "
    "else** — what the pooling threw away is gone. (Segmentation networks such as SegNet upsample this way.)",
)
notice_area = st.container()
with page.controls(row="what"):  # a sequence or a grid, and the size asked back (one line on a projector)
    dims = controls.choice(page, "dims", widget=st.radio, horizontal=True, help="A sequence, or a grid.")
    output_sizes = controls.size_text(page, "output_size", label="output_size of max_unpool (None = the default)")
plane = inputs.sequence_input(page) if dims == "1-D" else inputs.grid_input(page)
with page.controls():
    typed = {name: controls.size_text(page, name, label=controls.LABELS_2D.get(name)) for name in calls.UNPOOL_SIZES}
typed["output_size"] = output_sizes
page.show_notices(notice_area)
if plane is None:
    page.stop()

arguments, output_size, problems = calls.unpool_arguments(typed)
try:
    if problems:
        raise ValueError(" ".join(problems))
    back = unpool.build(plane, arguments, output_size)
except (ValueError, TypeError) as error:
    lesson.invalid_call(page, None, plane, str(error), plane[None].shape, torch_refused=not problems)
    page.stop()

asked = unpool.questions_unpool(back) if page.predicting else None
hide = quiz.hidden(page, asked)  # predict mode: z's size and values wait for Reveal
pool_call = back.pool.with_arguments(return_indices=False)
scene = lesson.scene_of(pool_call, back.plane)
told = unpool.variant(scene, back, predicting=hide)  # what each step shows, on the page and in its downloads

lesson.variant_panel(page, told, asked)
if not hide:  # why z has the size it has: under the figure that shows it (on a projector the steps come first)
    st.markdown(unpool.ambiguity(back))
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
    script = "\n".join([
        "import torch",
        "import torch.nn.functional as F",
        "",
        tensor_code(back.plane[None]),
        f"y, indices = {back.pool.functional_code()}",
        f"z = F.{back.unpool.function}(y, indices, {unpool_arguments})",
        "z.shape  # ?" if hide else f"z.shape  # {tuple(np.shape(back.unpooled[None]))}",
    ])  # fmt: skip
    code.block(script, "python")
