"""The lecture's N×C×H×W slide: pooling works on each channel of each sample separately."""

import numpy as np
import streamlit as st

from pooling_core import PoolCall
from pooling_core.reference import torch_repr
from ui import channels, controls, data, panels
from ui.frame import use_router

use_router()  # before anything is drawn: see ui.frame

st.title("Channels: pooling an N×C×H×W tensor")
st.markdown(
    "`F.max_pool2d` takes an N×C×H×W tensor and pools **each channel of each sample separately**: with "
    "kernel `(h, w)` and no padding the output is N×C×⌊H/h⌋×⌊W/w⌋. Below, every (n, c) plane is drawn next "
    "to its pooled plane. The default is the lecture's example, `F.max_pool2d(x, (1, 2))`."
)
notices: list[str] = []
with st.sidebar:
    st.header("Tensor")
    source = controls.choice("tensor", ("lecture", "random"), "lecture", notices, widget=st.radio)
    if source == "random":
        shape = tuple(st.slider(name, 1, high, default, key=name, bind="query-params")
                      for name, high, default in (("N", 3, 2), ("C", 4, 3), ("H", 8, 4), ("W", 8, 6)))  # fmt: skip
        seed = st.number_input("seed", 0, 9999, 0, key="seed", bind="query-params")
    st.header("Pooling")
    function = controls.choice("function", ("max_pool2d", "avg_pool2d"), "max_pool2d", notices, widget=st.radio)
    kernel_size = controls.size_text("kernel_size", "1, 2", notices)
    stride = controls.size_text("stride", "None", notices, allow_none=True, label="stride (None = kernel_size)")
    padding = controls.size_text("padding", "0", notices)
panels.show_notices_in(st.container(), notices)

x = data.LECTURE_X if source == "lecture" else channels.random_tensor(shape, int(seed))
call = PoolCall(function, {"kernel_size": kernel_size, "stride": stride, "padding": padding})
try:
    y = call.run(x)
except (ValueError, TypeError) as error:
    st.error(f"These parameters are not valid: {error}", icon="✋")
    st.stop()

left, right = st.columns(2)
left.markdown(f"**x** · shape `{tuple(x.shape)}`")
left.code(torch_repr(x), language=None)
right.markdown(f"**{call.functional_code()}** · shape `{tuple(y.shape)}`")
right.code(torch_repr(y), language=None)

alone = all(np.array_equal(call.run(x[n : n + 1, c : c + 1])[0, 0], y[n, c], equal_nan=True)
            for n in range(x.shape[0]) for c in range(x.shape[1]))  # fmt: skip
if alone:
    st.success("Pooling each plane on its own gives exactly the same planes: channels and samples never mix.")
else:
    st.error("A plane pooled alone differs from the same plane pooled in the tensor.")
st.plotly_chart(channels.planes_figure(x, y), config={"displayModeBar": False}, key="planes")
panels.torch_badge(call, x)
panels.code_panel(call, x)
