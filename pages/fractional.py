"""Fractional max pooling: windows of kernel_size at pseudo-random starts, drawn from _random_samples."""

from ui.views import fractional
from ui.views.page import start

page = start("fractional")
page.intro(
    "Fractional max pooling",
    "`fractional_max_pool2d` (Graham, 2014) shrinks a grid by any factor, not only by whole numbers: it places "
    "`output_size` windows of `kernel_size` per axis at pseudo-random starts. One random sample `u` per axis, "
    "torch's `_random_samples`, decides where they go, so neighbouring windows may overlap, touch or skip cells. "
    "Same samples, same windows: that is how this page checks itself against torch.",
)
grid = fractional.grid_input(page)


def parameters_and_view() -> None:
    with page.controls():
        chosen = fractional.fractional_controls(page)
    if grid is not None:
        fractional.fractional_view(page, grid, chosen)


page.lesson(parameters_and_view)
