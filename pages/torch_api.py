"""The lecture's API slides, live: F.max_pool2d's signature argument by argument, and nn.MaxPool2d."""

import numpy as np
import streamlit as st

from pooling_core import PoolCall
from pooling_core.codegen import argument_order_note
from pooling_core.reference import torch_module_call, torch_repr
from ui import calls, questions
from ui.views import code, controls, lesson, quiz
from ui.views.page import start

page = start("torch_api")
page.intro(
    "The torch API: F.max_pool2d and nn.MaxPool2d", "Change any argument and watch the shape and the values change."
)
code.block("F.max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, "
           "return_indices=False)", "python")  # fmt: skip
notice_area = st.container()
x = calls.input_torch_api({"input": controls.choice(page, "input", widget=st.radio, horizontal=True)})

EXPLAIN = {
    "kernel_size": "`(h, w)`, or `k` meaning `(k, k)`: the window. Required.",
    "stride": "Default **None means stride = kernel_size**: non-overlapping blocks. (Convolution's default is 1.)",
    "padding": "Default **0**. Padding cells are **−∞**, so they never win; at most kernel_size // 2.",
    "dilation": "Default **1**. Gap between the cells a window reads.",
    "ceil_mode": "Default **False**: ⌊ ⌋ in the output-size formula; True uses ⌈ ⌉.",
    "return_indices": "Default **False**. True also returns where each max came from (`h·W + w` per plane).",
}
values = {}


def argument(name: str) -> None:
    if name in ("ceil_mode", "return_indices"):
        values[name] = controls.flag(page, name)
    else:
        values[name] = controls.size_text(page, name)


if page.presenting:  # one row of arguments; the lecturer says what each means
    with page.controls():
        for name in EXPLAIN:
            argument(name)
else:
    for name in EXPLAIN:
        left, right = st.columns([2, 3], vertical_alignment="center")
        with left:
            argument(name)
        right.markdown(EXPLAIN[name])
page.show_notices(notice_area)

chosen = calls.call_torch_api(values)
call = chosen.call or PoolCall("max_pool2d", {"kernel_size": 1})
problems = chosen.problems
try:
    if problems:
        raise ValueError(" ".join(problems))
    result = call.run(x)
except (ValueError, TypeError) as error:
    code.block(torch_repr(x), label="**input**")
    st.error(f"torch would refuse this call: {error}", icon="✋")
    page.stop()
values = result[0] if isinstance(result, tuple) else result
asked = questions.questions_torch_api(call, x, quiz.seed()) if page.predicting else None
hide = quiz.hidden(page, asked)  # predict mode: the shape and the values wait for Reveal

st.subheader("Shapes")
shape = "?" if hide else tuple(values.shape)
st.markdown(f"`input.shape = {tuple(x.shape)}` → `{call.functional_code()}.shape = {shape}`")
lesson.formula(call, x.shape, hide_result=hide)
if asked is not None:
    quiz.panel(page, asked)
left, right = st.columns(2)
code.block(torch_repr(x), area=left, label="**input**")
outputs = result if isinstance(result, tuple) else (result,)
shown = "?  (predict it above, then Reveal)" if hide else "\n".join(torch_repr(part) for part in outputs)
code.block(shown, area=right, label="**output**" + (" and indices" if isinstance(result, tuple) else ""))

st.subheader("nn.MaxPool2d: the same operation as a module")
code.block(f"pool = {call.module_code()}\ny = pool(x)", "python")
note = argument_order_note("max_pool2d")
if note:
    st.warning(note, icon="⚠️")
module_result = torch_module_call("max_pool2d", x, **call.arguments)  # a real nn.MaxPool2d, built by keyword
module_values = module_result[0] if isinstance(module_result, tuple) else module_result
if np.array_equal(module_values, values, equal_nan=True):
    st.success("torch's nn.MaxPool2d, built with these arguments, gives the same tensor as F.max_pool2d.")
else:
    st.error("nn.MaxPool2d gave a different tensor than F.max_pool2d.")
lesson.torch_badge(call, x)
