"""2-D pooling on a small grid: every parameter, tuples included, one window at a time."""

from ui.views import controls, inputs, lesson
from ui.views.page import start

page = start("pool_2d")
page.intro(
    "2-D pooling on a grid",
    "In 2-D the window is a rectangle: `kernel_size=(h, w)` or one number `k` meaning `(k, k)`. It moves "
    "`stride` cells at a time along each axis (default: the kernel size), and every output is the max or "
    "the mean of the cells it covers. Type `2, 3` for a (2, 3) pair.",
)
grid = inputs.grid_input(page)


def parameters_and_view() -> None:
    with page.controls():
        chosen = controls.pooling_controls_2d(page)
    if grid is not None:
        lesson.pooled_view(page, grid, chosen, input_label="input grid",
                           indices_label="indices (h·W + w, torch's flattened form per channel)")  # fmt: skip


page.lesson(parameters_and_view)
