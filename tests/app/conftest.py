"""The AppTest helpers every page test shares: open the real app (``app.py`` with its
``st.navigation``) on a page, with a link's query, and read what the page shows.

``open_page("pool_1d", kernel_size="3")`` is a fresh browser session whose URL carries the
query; ``page.go("channels")`` switches pages in the *same* session, as the sidebar does.
Widgets are found by their field names (``page.widget("kernel_size")``): the key scheme is
:mod:`ui.state`'s, not repeated here.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from ui import state
from ui.code_html import text_of

APP = Path(__file__).resolve().parents[2] / "app.py"
TIMEOUT_S = 60  # the first run in a process imports torch (the torch badge)


class AppPage:
    """An AppTest session, on one page of the app at a time."""

    def __init__(self, at: AppTest, name: str):
        self.at = at
        self.name = name

    # --- moving around -------------------------------------------------------------------

    def go(self, name: str) -> AppPage:
        """Switch to another page in the same session (what the sidebar does: its links carry no query)."""
        self.at.query_params.clear()
        self.at.switch_page(f"pages/{name}.py")
        self.at.run()
        self.name = name
        self.assert_no_exception()
        return self

    def run(self) -> AppPage:
        self.at.run()
        self.assert_no_exception()
        return self

    # --- widgets and state ---------------------------------------------------------------

    def key(self, name: str) -> str:
        return state.key(self.name, name)

    def private(self, name: str) -> str:
        return state.private_key(self.name, name)

    def widget(self, name: str):
        """The widget of this page's field ``name``."""
        return self.at.get_by_key(self.key(name))

    def has_widget(self, name: str) -> bool:
        try:
            self.widget(name)
        except KeyError:
            return False
        return True

    def set(self, **values) -> AppPage:
        """Set widgets by field name (``function`` first: it decides which others exist) and rerun."""
        function = values.pop("function", None)
        if function is not None:
            self.widget("function").set_value(function)
            self.run()
        for name, value in values.items():
            self.widget(name).set_value(value)
        return self.run()

    def type(self, name: str, text: str) -> AppPage:
        self.widget(name).input(text)
        return self.run()

    def click(self, private_name: str) -> AppPage:
        self.at.button(key=self.private(private_name)).click()
        return self.run()

    def value(self, name: str):
        return self.at.session_state[self.key(name)]

    def go_to_step(self, step: int) -> AppPage:
        """Set the page's step directly (as a link does) and rerun."""
        self.at.session_state[self.key("step")] = step
        return self.run()

    # --- what the page shows -------------------------------------------------------------

    def assert_no_exception(self) -> None:
        assert not self.at.exception, f"the page raised: {[e.value for e in self.at.exception]}"

    @property
    def errors(self) -> list[str]:
        return [e.value for e in self.at.error]

    @property
    def warnings(self) -> list[str]:
        return [w.value for w in self.at.warning]

    @property
    def successes(self) -> list[str]:
        return [s.value for s in self.at.success]

    def code_after(self, label: str) -> str | None:
        """Text of the code block under the markdown ``**<label>** · shape ...`` (one element)."""
        for node in self.at.main:
            if getattr(node, "type", None) == "markdown" and node.value.startswith(f"**{label}**"):
                return code_text(node.value)
        return None

    def code_blocks(self, language: str | None = None) -> list[str]:
        """Every code block's text (``language``: only blocks of that language)."""
        marker = 'class="pooling-code' + (f" language-{language}" if language else "")
        return [code_text(node.value) for node in self.at.markdown if marker in node.value]

    def output_text(self) -> str | None:
        return self.code_after("output")

    def step_text(self) -> str:
        """The step sentence, as plain text (``Step 1 of 5. max(1, 4) = 4 ...``)."""
        lines = [m.value for m in self.at.markdown if 'class="pooling-step"' in m.value]
        assert len(lines) == 1, lines
        text = lines[0]
        for tag in ("<b>", "</b>", "<br>", "</span>", "</div>"):
            text = text.replace(tag, " " if tag == "<br>" else "")
        return " ".join(text.split(">", 1)[1].replace('<span class="arithmetic">', "").split())

    def figures(self) -> list[dict]:
        return [json.loads(chart.proto.spec) for chart in self.at.get("plotly_chart")]

    def figure(self) -> dict:
        charts = self.figures()
        assert len(charts) == 1, f"expected one Plotly chart, found {len(charts)}"
        return charts[0]

    def trace(self, name: str, figure: dict | None = None) -> dict:
        figure = figure or self.figure()
        return next(trace for trace in figure["data"] if trace.get("name") == name)

    def figure_output(self) -> np.ndarray:
        """The output cells drawn at the last step (all of them computed), at full precision.
        The page is then put back on the step it showed."""
        before = self.at.session_state[self.key("step")] if self.key("step") in self.at.session_state else 0
        self.go_to_step(10**6)
        z = self.trace("output")["z"]
        self.go_to_step(before)
        return np.array([[np.nan if v is None else v for v in row] for row in z], dtype=np.float64)


def parse_shown(text: str) -> np.ndarray:
    """Numbers as the page prints them (``NaN``, ``∞``, ``-∞``, ASCII minus) → float64."""
    special = {"NaN": math.nan, "∞": math.inf, "-∞": -math.inf, "−∞": -math.inf}
    return np.array([special[token] if token in special else float(token) for token in text.split()])


def open_app(name: str, **query: str) -> AppPage:
    """A fresh session whose URL carries ``query``, on page ``name``."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(f"pages/{name}.py")
    at.run()
    page = AppPage(at, name)
    page.assert_no_exception()
    return page


@pytest.fixture
def open_page():
    """``open_page("pool_1d", kernel_size="3")``: see :func:`open_app`."""
    return open_app


def code_text(markdown: str) -> str | None:
    """The text of the code block (ui/code_html.py) in a markdown element's value, or None."""
    start = markdown.find('<div class="pooling-code')
    return None if start < 0 else text_of(markdown[start:])
