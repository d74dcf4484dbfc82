"""Figures written directly as Plotly's JSON structure. No Streamlit here."""

from __future__ import annotations

import plotly.graph_objects as go


class PlainFigure(go.Figure):
    """A figure written directly as Plotly's JSON structure, handed to Streamlit unchecked.

    ``st.plotly_chart`` validates a dict by building ``go.Figure(**spec)``, and turns a
    ``go.Figure`` back into a dict with a deep copy; for a figure of a few hundred cells and
    shapes that was ~30 ms of a ~50 ms rerun. This class is a ``go.Figure`` only so that
    Streamlit takes its ``to_dict()`` as it is; the specs it carries are checked against
    plotly's validator by the tests instead (tests/unit/test_figures.py).
    """

    def __init__(self, spec: dict):
        # No super().__init__(): that is the validation we skip.
        self._plain_spec = spec

    def to_dict(self) -> dict:
        return self._plain_spec

    def to_plotly_json(self) -> dict:
        return self._plain_spec

    def validated(self) -> go.Figure:
        """The same figure through plotly's validator (raises if the spec is not valid Plotly)."""
        return go.Figure(self._plain_spec)

    def __repr__(self) -> str:
        spec = self._plain_spec
        return f"PlainFigure({len(spec.get('data', []))} traces)"


def styled(figure: go.Figure, palette) -> go.Figure:
    """A figure built with plotly's objects, drawn in our palette (no plotly template, no
    Streamlit theme: the page shows the figure exactly as built, light or dark)."""
    figure.update_layout(
        template="none", paper_bgcolor=palette.background, plot_bgcolor=palette.background,
        font=dict(color=palette.text, family='"Source Sans", sans-serif'),
    )  # fmt: skip
    figure.update_annotations(font_color=palette.text)
    return figure
