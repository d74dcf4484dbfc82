"""pooling_core stays pure: importing it pulls in neither torch nor Streamlit."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pooling_core

PACKAGE = Path(pooling_core.__file__).parent
ROOT = PACKAGE.parent


def _modules_after(code: str) -> set[str]:
    script = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def test_import_pulls_in_neither_torch_nor_streamlit():
    modules = _modules_after(
        "import pooling_core, pooling_core.functional, pooling_core.geometry, pooling_core.reference, pooling_core.grad"
    )
    assert "pooling_core" in modules  # the probe really imported it
    assert not {m for m in modules if m == "torch" or m.startswith("torch.")}
    assert not {m for m in modules if m == "streamlit" or m.startswith("streamlit.")}


def test_pooling_still_pulls_in_no_torch():
    """Running every kind of pool and of gradient (not just importing) stays torch-free too."""
    code = (
        "import numpy as np, pooling_core as pc\n"
        "x = np.arange(16.0).reshape(1, 4, 4)\n"
        "pc.max_pool2d(x, 2, return_indices=True); pc.avg_pool2d(x, 2); pc.lp_pool2d(x, 2, 2)\n"
        "pc.adaptive_max_pool2d(x, 3); pc.adaptive_avg_pool2d(x, 3)\n"
        "pc.fractional_max_pool2d(x, 2, output_size=2, generator=0)\n"
        "pc.max_unpool2d(*pc.max_pool2d(x, 2, return_indices=True), 2)\n"
        "from pooling_core import grad\n"
        "g = np.ones((1, 2, 2))\n"
        "grad.max_pool2d_input(x, g, 2); grad.avg_pool2d_input(x, g, 2); grad.lp_pool2d_input(x, g, 2, 2)\n"
        "grad.adaptive_max_pool2d_input(x, g, 2); grad.adaptive_avg_pool2d_input(x, g, 2)\n"
        "grad.fractional_max_pool2d_input(x, g, 2, output_size=2, generator=0)\n"
        "grad.max_unpool2d_input(*pc.max_pool2d(x, 2, return_indices=True)[:1], np.ones((1, 4, 4)),\n"
        "                        pc.max_pool2d(x, 2, return_indices=True)[1], 2)\n"
    )
    modules = _modules_after(code)
    assert not {m for m in modules if m == "torch" or m.startswith("torch.")}


def test_the_probe_can_see_torch():
    """The check above is not vacuous: a reference comparison does import torch."""
    code = "import numpy as np\nfrom pooling_core import reference\nreference.compare('max_pool1d', np.ones((1, 4)), 2)"
    assert "torch" in _modules_after(code)


def _imported_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "__import__":
            names.update(arg.value.split(".")[0] for arg in node.args[:1] if isinstance(arg, ast.Constant))
    return names


def test_source_never_imports_streamlit():
    sources = sorted(PACKAGE.rglob("*.py"))
    assert len(sources) >= 5
    for path in sources:
        names = _imported_names(path)
        assert "streamlit" not in names, f"{path.name} imports streamlit"
        dynamic = re.search(r"import_module\(\s*[\"']streamlit", path.read_text(encoding="utf-8"))
        assert dynamic is None, f"{path.name} imports streamlit through importlib"


def test_only_reference_imports_torch_and_only_lazily():
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top_level = {
            alias.name.split(".")[0]
            for node in tree.body
            if isinstance(node, (ast.Import, ast.ImportFrom))
            for alias in getattr(node, "names", [])
        } | {node.module.split(".")[0] for node in tree.body if isinstance(node, ast.ImportFrom) and node.module}
        assert "torch" not in top_level, f"{path.name} imports torch at module level"
        if path.name != "reference.py":
            assert "torch" not in _imported_names(path), f"{path.name} imports torch"
