"""The app's stylesheets (``assets/*.css``), injected once per page run."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import streamlit as st

ASSETS = Path(__file__).resolve().parents[2] / "assets"


@cache
def _css(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def inject(presenting: bool = False) -> None:
    """``assets/app.css`` on every page, and ``assets/presenting.css`` in presentation mode."""
    st.html(f"<style>{_css('app.css')}{_css('presenting.css') if presenting else ''}</style>")
