"""Pooling a real image: the same max_pool2d and avg_pool2d calls on a photo, at full size."""

import streamlit as st

from ui import images
from ui.views import controls, lesson
from ui.views import images as view
from ui.views.page import start

page = start("images")
page.intro(
    "Pooling an image",
    "A colour image is a `(3, H, W)` tensor: three planes of numbers from 0 to 255, one per colour. "
    "Pooling runs over each plane on its own (`C` stays 3) and shrinks `H` and `W`. **Max pooling** keeps the "
    "brightest pixel of every window, so bright details survive and thin dark lines vanish; **average pooling** "
    "blurs. Try the line drawing and the stars.",
)
notice_area = st.container()
with st.expander("the image (edit)") if page.presenting else st.container():  # on a slide: the pictures first
    image = view.choose_image(page)
    colour, shown_as = view.colour_and_view(page)
with page.controls():
    chosen = controls.pooling_controls_2d(page)
    st.caption("The page runs both: your choice with every parameter, the other with the parameters they share.")
page.show_notices(notice_area)
if image is None:
    page.stop()
batch = images.as_batch(image, colour)  # (C, H, W) float32, values 0-255, at full size
if chosen.call is None:
    st.error(" ".join(chosen.problems), icon="✋")
    page.stop()
calls = images.paired_calls(chosen.call)
try:
    results = {kind: images.pool(call, batch) for kind, call in calls.items()}  # values (C, H_out, W_out), indices
except (ValueError, TypeError) as error:
    st.error(f"These parameters do not work on this {batch.shape[2]} × {batch.shape[1]} image: {error}", icon="✋")
    page.stop()

# Drawn top to bottom, computed in another order: the pictures first, the torch check (slow to
# import on a first visit) last, and the region picked before the overview outlines it.
overview_area, torch_area = st.container(), st.container()
st.subheader("Zoom in, and watch the window")
st.markdown(
    "Pick a square of the image. It is shown at full resolution, then as a small grid of numbers "
    "(each cell the mean of its pixels, rounded: a downscaled copy) for the window to slide over."
)
outputs = {kind: values for kind, (values, _) in results.items()}
picked = results["max"][1] if "max" in results else None  # set when return_indices=True
region, channel = view.region_controls(page, image, colour)
with overview_area:
    view.side_by_side(page, batch, outputs, calls, shown_as, region)
view.region_detail(page, batch, outputs, calls, region, picked=picked, channel=channel)
plane = images.region_plane(batch[channel], region)  # (cells, cells)
window_call = chosen.call.with_arguments(return_indices=False)
try:
    scene = lesson.scene_of(window_call, plane)
except (ValueError, TypeError) as error:
    st.warning(f"The window does not fit this {plane.shape[0]} × {plane.shape[1]} grid: {error}", icon="✋")
else:
    lesson.step_panel(page, scene)
with torch_area:
    lesson.torch_badge(chosen.call, batch)
    with st.expander("The same call in torch"):
        lesson.code_panel(chosen.call, batch)
