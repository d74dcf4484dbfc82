"""3-D pooling: a D×H×W volume as a row of slices, the window a box across them, stepped like 2-D."""

from ui.views import volume
from ui.views.page import start

page = start("pool_3d")
page.intro(
    "3-D pooling on a volume",
    "`max_pool3d` and `avg_pool3d` pool a D×H×W volume (a video's frames, a CT scan's slices): the window is a "
    "box of `kernel_size=(d, h, w)` cells that moves along all three axes. Below, the volume is a row of H×W "
    "slices, d = 0, 1, …; the box covers several slices at once. Every parameter works per axis, as in 2-D: "
    "type `1, 2, 2` for a (1, 2, 2) triple.",
)
values = volume.volume_input(page)


def parameters_and_view() -> None:
    with page.controls():
        chosen = volume.pooling_controls_3d(page)
    volume.volume_view(page, values, chosen)


page.lesson(parameters_and_view)
