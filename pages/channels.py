"""The lecture's N×C×H×W slide: pooling works on each channel of each sample separately."""

import numpy as np
import streamlit as st

from pooling_core import PoolCall
from pooling_core.reference import torch_repr
from ui import calls, questions
from ui.views import code, controls, lesson, quiz
from ui.views import downloads as exports
from ui.views.page import start

page = start("channels")
page.intro(
    "Channels: pooling an N×C×H×W tensor",
    "`F.max_pool2d` takes an N×C×H×W tensor and pools **each channel of each sample separately**: with "
    "kernel `(h, w)` and no padding the output is N×C×⌊H/h⌋×⌊W/w⌋. Below, every (n, c) plane is drawn next "
    "to its pooled plane. The default is the lecture's example, `F.max_pool2d(x, (1, 2))`.",
)
notice_area = st.container()
with page.controls():
    values = {"tensor": controls.choice(page, "tensor", widget=st.radio)}
    if values["tensor"] == "random":
        values.update(
            {name: controls.int_slider(page, name, 1, high) for name, high in (("N", 3), ("C", 4), ("H", 8), ("W", 8))}
        )
        values["seed"] = controls.number(page, "seed", 0, 9999)
    values["function"] = controls.choice(page, "function", widget=st.radio)
    for name, label in (
        ("kernel_size", "kernel_size"),
        ("stride", "stride (None = kernel_size)"),
        ("padding", "padding"),
    ):
        values[name] = controls.size_text(page, name, label=label)
page.show_notices(notice_area)

x = calls.input_channels(values)
chosen = calls.call_channels(values)
call = chosen.call or PoolCall(values["function"], {"kernel_size": 1})
problems = chosen.problems
try:
    if problems:
        raise ValueError(" ".join(problems))
    y = call.run(x)
except (ValueError, TypeError) as error:
    code.block(torch_repr(x), label=f"**x** · shape `{tuple(x.shape)}`")
    lesson.planes_chart(page, x, None)
    st.error(f"torch's rule: {error}", icon="✋")
    page.stop()

asked = questions.questions_channels(call, x, quiz.seed()) if page.predicting else None
hide = quiz.hidden(page, asked)  # predict mode: y, its shape and the planes' verdict wait for Reveal
planes_area = st.container() if page.presenting else None  # on a slide the planes come first
left, right = st.columns(2)
code.block(torch_repr(x), area=left, label=f"**x** · shape `{tuple(x.shape)}`")
code.block("?  (predict it below, then Reveal)" if hide else torch_repr(y), area=right,
           label=f"**{call.functional_code()}** · shape `{'?' if hide else tuple(y.shape)}`")  # fmt: skip
if asked is not None:
    quiz.panel(page, asked)
exports.planes_buttons(page, call, x, show_outputs=not hide)  # the planes below, as PNG and GIF

alone = all(np.array_equal(call.run(x[n : n + 1, c : c + 1])[0, 0], y[n, c], equal_nan=True)
            for n in range(x.shape[0]) for c in range(x.shape[1]))  # fmt: skip
if hide:
    pass
elif alone:
    st.success("Pooling each plane on its own gives exactly the same planes: channels and samples never mix.")
else:
    st.error("A plane pooled alone differs from the same plane pooled in the tensor.")
lesson.planes_chart(page, x, None if hide else y, area=planes_area)
lesson.torch_badge(call, x)
lesson.code_panel(call, x)
