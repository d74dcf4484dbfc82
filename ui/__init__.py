"""Pooling Lab's pages are thin; everything they share lives here, organised by concept.

One naming rule: **only the modules in** :mod:`ui.views` **import Streamlit** (a test checks).
Everything else in ``ui`` is pure and unit-tested:

- :mod:`ui.navigation` — the pages, in the lecture's order;
- :mod:`ui.state` — every piece of page state: type, default, URL name, owning page;
- :mod:`ui.data` — parsing typed sequences, grids and CSV files; presets;
- :mod:`ui.scene` — what the sliding-window picture shows, from the call's windows and steps;
- :mod:`ui.figures` — every Plotly figure; :mod:`ui.palette` — the one palette (light and dark);
- :mod:`ui.export` — the same pictures as PNG and GIF files, drawn with pillow (the downloads, ``scripts/render.py``);
- :mod:`ui.advice` — a valid value to suggest when torch refuses a call;
- :mod:`ui.images`, :mod:`ui.invariance` — the Images and Invariance pages' logic.

A new page (say "Backward"): a spec in ``navigation.PAGES``, its fields in ``state.PAGE_FIELDS``,
``pages/<name>.py`` that starts with ``page = start("<name>")``, draws controls from
:mod:`ui.views.controls` and ends in :func:`ui.views.lesson.pooled_view` (or its parts).
"""
