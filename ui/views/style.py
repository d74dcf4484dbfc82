"""The app's stylesheets (``assets/*.css``), injected once per page run."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import streamlit as st

ASSETS = Path(__file__).resolve().parents[2] / "assets"


@cache
def _css(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def inject(presenting: bool = False, theme: str = "light") -> None:
    """``assets/app.css`` on every page, the code colours of the theme, and
    ``assets/presenting.css`` in presentation mode."""
    sheets = ["app.css", "code-dark.css" if theme == "dark" else "code-light.css"]
    sheets += ["presenting.css"] if presenting else []
    st.html("<style>" + "".join(_css(name) for name in sheets) + "</style>")
