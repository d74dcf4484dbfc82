"""The lecture's API slides, live: F.max_pool2d's signature argument by argument, and nn.MaxPool2d."""

import numpy as np
import streamlit as st

from pooling_core import PoolCall
from pooling_core.codegen import argument_order_note
from pooling_core.reference import torch_module_call, torch_repr
from ui import controls, data, panels, state
from ui.frame import use_router

use_router()  # before anything is drawn: see ui.frame

st.title("The torch API: F.max_pool2d and nn.MaxPool2d")
st.code("F.max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False)",
        language="python", wrap_lines=True)  # fmt: skip
st.markdown("Change any argument and watch the shape and the values change. The input:")
notices: list[str] = []
source = controls.choice("input", ("lecture x", "arange 6×6"), "lecture x", notices, widget=st.radio, horizontal=True)
x = data.LECTURE_X if source == "lecture x" else np.arange(36, dtype=np.float32).reshape(1, 1, 6, 6)

EXPLAIN = {
    state.KERNEL_SIZE: "`(h, w)`, or `k` meaning `(k, k)`: the window. Required.",
    state.STRIDE: "Default **None means stride = kernel_size**: non-overlapping blocks. (Convolution's default is 1.)",
    state.PADDING: "Default **0**. Padding cells are **−∞**, so they never win; at most kernel_size // 2.",
    state.DILATION: "Default **1**. Gap between the cells a window reads.",
    state.CEIL_MODE: "Default **False**: ⌊ ⌋ in the output-size formula; True uses ⌈ ⌉.",
    state.RETURN_INDICES: "Default **False**. True also returns where each max came from (`h·W + w` per plane).",
}
arguments = {}
for key, widget in (
    (state.KERNEL_SIZE, lambda: controls.size_text(state.KERNEL_SIZE, "1, 2", notices)),
    (state.STRIDE, lambda: controls.size_text(state.STRIDE, "None", notices, allow_none=True)),
    (state.PADDING, lambda: controls.size_text(state.PADDING, "0", notices)),
    (state.DILATION, lambda: controls.size_text(state.DILATION, "1", notices)),
    (state.CEIL_MODE, lambda: controls.flag(state.CEIL_MODE, False, notices)),
    (state.RETURN_INDICES, lambda: controls.flag(state.RETURN_INDICES, False, notices)),
):
    left, right = st.columns([2, 3], vertical_alignment="center")
    with left:
        arguments[key] = widget()
    right.markdown(EXPLAIN[key])
panels.show_notices_in(st.container(), notices)

call = PoolCall("max_pool2d", arguments)
try:
    result = call.run(x)
except (ValueError, TypeError) as error:
    st.error(f"torch would refuse this call: {error}", icon="✋")
    st.stop()
values = result[0] if isinstance(result, tuple) else result

st.subheader("Shapes")
st.markdown(f"`input.shape = {tuple(x.shape)}` → `{call.functional_code()}.shape = {tuple(values.shape)}`")
for line in panels.output_size_formula(call, x.shape[2:]):
    st.markdown(f"`{line}`")
left, right = st.columns(2)
left.markdown("**input**")
left.code(torch_repr(x), language=None)
right.markdown("**output**" + (" and indices" if isinstance(result, tuple) else ""))
right.code("\n".join(torch_repr(part) for part in (result if isinstance(result, tuple) else (result,))), language=None)

st.subheader("nn.MaxPool2d: the same operation as a module")
st.code(f"pool = {call.module_code()}\ny = pool(x)", language="python")
note = argument_order_note("max_pool2d")
if note:
    st.warning(note, icon="⚠️")
module_result = torch_module_call("max_pool2d", x, **arguments)  # a real nn.MaxPool2d, built by keyword
module_values = module_result[0] if isinstance(module_result, tuple) else module_result
if np.array_equal(module_values, values, equal_nan=True):
    st.success("torch's nn.MaxPool2d, built with these arguments, gives the same tensor as F.max_pool2d.")
else:
    st.error("nn.MaxPool2d gave a different tensor than F.max_pool2d.")
panels.torch_badge(call, x)
