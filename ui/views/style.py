"""The app's stylesheet (``assets/app.css``), injected once per page run."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import streamlit as st

STYLESHEET = Path(__file__).resolve().parents[2] / "assets" / "app.css"


@cache
def _css() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


def inject() -> None:
    st.html(f"<style>{_css()}</style>")
