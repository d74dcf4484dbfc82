"""Shared Streamlit helpers for Pooling Lab's pages: input widgets, pooling controls, the
animated window, the torch badge and the code panel. Pages stay thin: controls → one core
call → render.

Modules without Streamlit (``data``, ``figures``, ``query``) are pure and unit-tested; the
others draw widgets.
"""
