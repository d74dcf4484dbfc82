"""The backward pass: where each output's gradient goes, checked against torch's autograd."""

import numpy as np
import streamlit as st

from pooling_core.codegen import tensor_code
from ui import backward, calls
from ui.views import code, controls, inputs, lesson, quiz
from ui.views.page import start

page = start("backward")
page.intro(
    "Backward: where the gradient goes",
    "Training sends a gradient back through every layer: `g = ∂L/∂y` arrives at the pool's output and "
    "`∂L/∂x` must leave its input. Each output depends only on the cells of its window, so its gradient "
    "flows back into that window: **max pooling** hands all of it to the one cell that won, **average "
    "pooling** spreads it evenly (`g / divisor` each). Where windows overlap, the shares add up.",
)
notice_area = st.container()
with page.controls(row="what"):  # what flows: a sequence or a grid, and which gradient (one line on a projector)
    dims = controls.choice(page, "dims", widget=st.radio, horizontal=True, help="A sequence, or a grid.")
    kind = controls.choice(page, "upstream", widget=st.radio, label="upstream gradient g",
                           help="What arrives from the layers above: ones (the gradient of y.sum()), one output's "
                           "gradient alone, random integers, or numbers you type.")  # fmt: skip
plane = inputs.sequence_input(page) if dims == "1-D" else inputs.grid_input(page)
with page.controls():
    chosen = controls.pooling_controls_2d(page, calls.backward_functions(dims))
page.show_notices(notice_area)
if plane is None:
    page.stop()

batch = plane[None].astype(np.float32)
try:
    if chosen.call is None:
        raise ValueError(" ".join(chosen.problems))
    forward = backward.forward_call(chosen.call)
    output = forward.run(batch)[0]
    with page.controls(row="upstream"):  # the upstream gradient's details, under its choice
        if kind == "one-hot":
            controls.number(page, "cell", 0, output.size - 1, label="output cell (row-major)")
        elif kind == "random integers":
            controls.number(page, "gradient_seed", 0, 9999, label="seed of g")
        elif kind == "typed":
            controls.text(page, "gradient", "g, one number per output cell (rows separated by ;)")
    given = backward.Upstream.of({name: page.value(name) for name in backward.UPSTREAM_FIELDS}, output.shape)
    g = given.gradient(output.shape)
    flow = backward.build(forward, plane, g)
except (ValueError, TypeError) as error:
    lesson.invalid_call(page, chosen.call, plane, str(error), batch.shape)
    page.stop()

scene = lesson.scene_of(forward, batch[0])
asked = backward.questions_backward(flow, given.words) if page.predicting else None
hide = quiz.hidden(page, asked)  # predict mode: x.grad waits for Reveal
told = backward.variant(scene, flow, given, predicting=hide)  # what each step shows, on the page and in its downloads

lesson.variant_panel(page, told, asked)
left, right = st.columns(2)
with left:
    if not hide:  # under the figure: on a projector the figure and its steps come first
        lesson.numbers("x.grad = ∂L/∂x", flow.gradient)
    lesson.numbers("input x", batch[0])
    lesson.numbers("upstream gradient g", g)
with right:
    lesson.torch_badge(forward, batch, gradient=g[None])
    code.block(backward.torch_code(flow, tensor_code(batch), hide_result=hide), "python")
if hide:
    page.stop()
st.subheader("Why max pooling's gradient is sparse")
st.markdown(
    "A max-pooling output copies one input, so only that input can change it: the gradient of every other cell "
    "of the window is exactly 0. With non-overlapping 2×2 windows, three inputs in four get no gradient at all "
    "from this layer in a step. The layers below learn only from the winners — the features that were "
    "strongest — which is part of why max pooling picks out the presence of a feature rather than its exact "
    "place. Average pooling, by contrast, gives every cell of the window a share, so the gradient is dense "
    "but weaker (divided by the window's size)."
)
