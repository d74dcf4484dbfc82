"""The lecture's first slides, playable: max and average pooling of a 1-D sequence."""

from ui.views import controls, inputs, lesson
from ui.views.page import start

page = start("pool_1d")
page.intro(
    "1-D pooling: one window at a time",
    "Pooling groups neighbouring activations into one “more meaningful” value. **Max pooling** keeps "
    "the largest value of each window; **average pooling** keeps the mean. With `kernel_size=2` and the "
    "default stride (= kernel_size) the windows are non-overlapping blocks: the lecture's "
    "`1 4 -1 0 2 -2 1 3 3 1` becomes `4 0 2 3 3`.",
    predicting_text="Pooling groups neighbouring activations into one “more meaningful” value. **Max pooling** keeps "
    "the largest value of each window; **average pooling** keeps the mean. What does the lecture's "
    "`1 4 -1 0 2 -2 1 3 3 1` become? Predict, then check.",
)
x = inputs.sequence_input(page)


def parameters_and_view() -> None:
    with page.controls():
        chosen = controls.pooling_controls_1d(page, len(x) if x is not None else 10)
    if x is not None:
        lesson.pooled_view(page, x, chosen, input_label="input x", indices_label="indices")


page.lesson(parameters_and_view)
