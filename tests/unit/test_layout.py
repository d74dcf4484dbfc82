"""The code's layout rules, checked by reading the source (so a review need not):

- a call reaches its windows one way: window arithmetic (``o·stride − padding``, building axes,
  re-normalising size arguments) appears only in ``pooling_core/geometry.py`` and the validated
  builders of ``pooling_core/_args.py``; everything else asks ``PoolCall.windows`` or the
  ``Windows`` it returns;
- only ``ui/views``, ``pages/`` and ``app.py`` import Streamlit; ``pooling_core`` never does;
- pages stop through ``Page.stop`` (which writes the URL first), never ``st.stop`` directly;
- benchmarks and scripts never import test modules.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WINDOW_HOMES = {"pooling_core/geometry.py", "pooling_core/_args.py"}
# What only the geometry may do: build axes or windows from raw arguments, or spell the rule.
WINDOW_ARITHMETIC = [
    r"\b(pool_axis|adaptive_axis|fractional_axis|sliding_windows|adaptive_windows)\(",
    r"\boutput_size_steps\(",
    r"\*\s*stride\s*-\s*padding",
    r"\*\s*s\s*-\s*p\b",
    r"\bas_tuple\(|\bas_stride\(",
]


def _sources(*folders: str) -> list[Path]:
    return sorted(path for folder in folders for path in (ROOT / folder).rglob("*.py") if ".venv" not in path.parts)


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


CODE = [p for p in _sources("pooling_core", "ui", "pages", "scripts", "benchmarks") if _relative(p) not in WINDOW_HOMES]


@pytest.mark.parametrize("path", CODE, ids=_relative)
def test_no_window_arithmetic_outside_the_geometry(path):
    text = path.read_text(encoding="utf-8")
    for pattern in WINDOW_ARITHMETIC:
        found = re.search(pattern, text)
        assert found is None, f"{_relative(path)} computes windows itself ({found.group(0)!r}): ask PoolCall.windows"


def test_the_patterns_do_catch_window_arithmetic():
    """The rule above can fail: it finds the copies a review found before (ui/panels.py, ui/images.py)."""
    copies = ["start = (steps['raw'] - 1) * s - p", "geometry.pool_axis(size, k, s, p, d, ceil_mode)",
              "stride = as_stride(name, stride, kernel)", "o * stride - padding"]  # fmt: skip
    for copy in copies:
        assert any(re.search(pattern, copy) for pattern in WINDOW_ARITHMETIC), copy


@pytest.mark.parametrize("path", _sources("ui", "pooling_core"), ids=_relative)
def test_only_the_views_import_streamlit(path):
    uses_streamlit = any(name == "streamlit" or name.startswith("streamlit.") for name in _imports(path))
    in_views = _relative(path).startswith("ui/views/")
    assert uses_streamlit == in_views or (in_views and not uses_streamlit), (
        f"{_relative(path)} imports Streamlit: move it to ui/views/ (or the Streamlit code out of it)"
    )


@pytest.mark.parametrize("path", _sources("pages"), ids=_relative)
def test_pages_stop_through_page_stop(path):
    assert "st.stop()" not in path.read_text(encoding="utf-8"), "use page.stop(): it writes the URL first"


@pytest.mark.parametrize("path", _sources("benchmarks", "scripts"), ids=_relative)
def test_benchmarks_and_scripts_do_not_import_tests(path):
    assert not any(name == "tests" or name.startswith("tests.") for name in _imports(path)), _relative(path)
