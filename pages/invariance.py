"""Invariance lab (slide 4): pooling forgets where in a cell a value was, and so it half-forgets
small shifts."""

import streamlit as st

from ui import questions
from ui.views import invariance, quiz
from ui.views.page import start

page = start("invariance")
page.intro(
    "Invariance",
    "> Pooling provides invariance to any permutation inside one of the cell. More practically, it provides a "
    "pseudo-invariance to deformations that result into local translations. — slide 4\n\n"
    "Here every pooling is non-overlapping (`stride = kernel_size`, the default), so each output reads its own "
    "cell of `kernel_size × kernel_size` inputs (outlined in blue).",
)
notice_area = st.container()
with page.controls():
    settings = invariance.settings_controls(page)
page.show_notices(notice_area)
k = settings.kernel_size
grid = invariance.grid_of(settings)

asked = None
if page.predicting:
    asked = questions.questions_invariance(grid, k, quiz.seed(), shuffle_seed=settings.seed, shift=settings.shift,
                                           direction=settings.direction, fill=settings.fill)  # fmt: skip
hide = quiz.hidden(page, asked)  # predict mode: which outputs change waits for Reveal

st.header("1 · Permutation inside a cell")
if hide:
    st.markdown("Shuffle the values inside each cell, or across cells: which outputs change? Predict below.")
elif not page.presenting:
    st.markdown(
        "Shuffle the values inside each cell: the maximum of a cell and its mean do not depend on where each value "
        "sits, so both outputs stay the same. Shuffle across cells and values change cells: the outputs change."
    )
invariance.permutation_section(page, grid, k, settings.seed, hide=hide)
if asked is not None:
    quiz.panel(page, asked)
if hide:
    st.info("The shifts, their outputs and the curves are shown once you press Reveal.", icon="🙈")
    page.stop()

st.header("2 · Translation")
st.markdown(
    f"Shift the input {settings.direction} by **t = {settings.shift}** pixels (above), filling the vacated "
    f"cells with “{settings.fill}” (dashed). Outputs that changed are marked red; the curve counts the "
    "unchanged ones for every shift from 0 to 2 × kernel_size. *No pooling* compares the raw input cells."
)
st.subheader("On the grid")
invariance.translation_section(page, "grid", grid, settings)
invariance.downloads(page, grid, settings)
image = invariance.sample_image(settings.sample)
st.subheader("On an image")
st.caption(f"{settings.sample} (the sample above), reduced to {image.shape[0]}×{image.shape[1]} grey levels.")
invariance.translation_section(page, "image", image, settings, picture=True)

st.header("Why only *pseudo*-invariant")
st.markdown(
    "A max-pooling output survives a shift only if its cell's maximum is still inside the cell and nothing "
    f"larger moved in. A shift smaller than the cell (t < {k}) keeps the maximum inside only *sometimes* — "
    "when it sat far enough from the edge it moves towards — so on a textured input max's curve drops, but not "
    "to zero. The average moves as soon as one value enters or leaves the cell (unless they happen to be equal). "
    f"At t = {k} every value has moved one whole cell over: the output moves with it (equivariance) instead of "
    "staying the same."
)
