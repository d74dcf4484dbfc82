"""Code and values on the page: one markdown element holding ``ui.code_html``'s block (why not
``st.code``: see that module)."""

from __future__ import annotations

import streamlit as st

from ui.code_html import highlighted


def block(text: str, language: str | None = None, *, area=None, label: str | None = None) -> None:
    """``text`` as a code block (``language="python"``: coloured), in ``area`` (default: here);
    ``label`` (markdown) goes above it in the same element."""
    head = f"{label}\n\n" if label else ""
    (area or st).markdown(head + highlighted(text, language), unsafe_allow_html=True)
