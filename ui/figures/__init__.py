"""Every figure of the app, as Plotly specs built from small functions, in one palette
(:mod:`ui.palette`). No Streamlit here: :mod:`ui.views` puts them on the page.

- :mod:`ui.figures.window` — the sliding window at one step (1-D and 2-D);
- :mod:`ui.figures.planes` — every (n, c) plane of an N×C×H×W tensor beside its pooled plane;
- :mod:`ui.figures.pictures` — images, original and pooled, on linked axes;
- :mod:`ui.figures.invariance` — permutations, shifts and the unchanged-output curves.
"""
