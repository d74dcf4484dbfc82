"""AppTest: the Fractional page — its defaults and deep links against torch with the same samples,
the samples and what they place, output_size or output_ratio (the other disabled), bad link
values, calls torch refuses, the code it prints, and predict mode."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from tests.app.conftest import AppPage, open_app
from ui import calls, data


def _expected(grid: np.ndarray, kernel_size, seed: int = 0, **size) -> str:
    samples = torch.from_numpy(calls.random_samples(seed))
    y = F.fractional_max_pool2d(torch.from_numpy(grid[None].astype(np.float32)), kernel_size, **size,
                                _random_samples=samples)  # fmt: skip
    return "\n".join(" ".join(f"{v:g}" for v in row) for row in y[0].tolist())


def _markdown(page: AppPage) -> str:
    return "\n".join(m.value for m in page.at.markdown)


def test_defaults_match_torch_with_the_same_samples():
    page = open_app("fractional")
    grid = data.preset_grid("random integers", 0, side=7)
    assert not page.errors and not page.warnings
    assert page.output_text() == _expected(grid, 2, output_size=4)
    assert any("matches torch exactly" in s for s in page.successes)
    assert page.step_text().startswith("Step 1 of 16. max(")
    assert len(page.figures()) == 2  # the window, and every window at once
    text = _markdown(page)
    assert "[[[0.6370, 0.2698]]]" in text and "places the **width**" in text
    assert "0, 2, 3, 5 → `[0, 2) [2, 4) [3, 5) [5, 7)`" in text  # the height's starts, from the geometry
    assert page.widget("output_ratio").disabled and not page.widget("output_size").disabled


def test_the_code_passes_the_samples_as_a_tensor():
    page = open_app("fractional", seed="12")
    code = next(block for block in page.code_blocks() if "import torch" in block)
    samples = calls.random_samples(12)
    assert f"_random_samples=torch.tensor({samples.tolist()!r})" in code
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102 - the page's snippet, run as a reader would
    shown = "\n".join(" ".join(f"{v:g}" for v in row) for row in namespace["y"][0].tolist())
    assert shown == page.output_text()


def test_a_deep_link_with_output_ratio():
    grid = "1 2 3 4 5 6 7 8\n8 7 6 5 4 3 2 1\n0 9 0 9 0 9 0 9\n5 5 5 5 1 1 1 1\n2 4 6 8 1 3 5 7\n9 8 7 6 5 4 3 2"
    page = open_app("fractional", grid=grid, by="output_ratio", output_ratio="0.5,0.75", kernel_size="2,3", seed="7")
    assert page.output_text() == _expected(data.parse_grid(grid), (2, 3), seed=7, output_ratio=(0.5, 0.75))
    assert page.widget("output_size").disabled and not page.widget("output_ratio").disabled
    assert "int(6 · 0.5) = 3" in _markdown(page) and "int(8 · 0.75) = 6" in _markdown(page)
    assert any("matches torch exactly" in s for s in page.successes)
    assert page.at.query_params.get("by") == "output_ratio"


BAD_LINKS = [
    ({"kernel_size": "two"}, "kernel_size"),
    ({"seed": "-3"}, "seed"),
    ({"by": "size"}, "by"),
    ({"output_size": "x"}, "output_size"),
]


@pytest.mark.parametrize(("query", "field"), BAD_LINKS)
def test_bad_link_values_get_a_notice_and_the_default(query, field):
    page = open_app("fractional", **query)
    assert any(f"{field}=" in w and "from the link" in w for w in page.warnings), page.warnings
    assert any("matches torch exactly" in s for s in page.successes)


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"kernel_size": "5"}, "kernel_size 5 is too large relative to input height 7 for output size 4"),
        ({"output_size": "8"}, "too large relative to input height 7 for output size 8"),
        ({"by": "output_ratio", "output_ratio": "0.9, 1.2"}, "for output size 8"),
        ({"by": "output_ratio", "output_ratio": "0.5"}, "output_ratio must be a tuple of 2 numbers"),
        ({"by": "output_ratio", "output_ratio": "half"}, 'output_ratio: "half" is not a number'),
        ({"kernel_size": "0"}, "kernel_size must be greater than zero"),
    ],
)
def test_calls_torch_refuses_keep_the_input_and_say_the_rule(query, words):
    page = open_app("fractional", **query)
    assert any(words in e for e in page.errors), page.errors
    figure = page.figure()  # only the input's
    assert page.trace("input", figure)["z"] and not any(t.get("name") == "output" for t in figure["data"])
    assert page.output_text() is None


def test_the_step_buttons_and_the_link_follow_each_other():
    page = open_app("fractional", step="3")
    assert page.step_text().startswith("Step 4 of 16.")
    page.click("forward")
    assert page.step_text().startswith("Step 5 of 16.") and page.at.query_params.get("step") == "4"


def test_predict_mode_hides_the_starts_and_the_output_until_revealed():
    page = open_app("fractional", mode="predict")
    assert page.output_text() is None and len(page.figures()) == 1  # no output, no every-window figure
    assert "0, 2, 3, 5 →" not in _markdown(page) and "= ?" in page.step_text()
    assert "where does each width window start?" in _markdown(page)
    page.click("reveal")
    assert page.output_text() is not None and len(page.figures()) == 2
    assert "0, 2, 3, 5 →" in _markdown(page)


@pytest.mark.parametrize("query", [{"output_size": "0"}, {"output_size": "0, 3"},
                                   {"by": "output_ratio", "output_ratio": "0.1, 0.5"}])  # fmt: skip
def test_an_empty_output_keeps_the_input_and_says_so(query):
    page = open_app("fractional", **query)
    assert not page.errors, page.errors
    assert any("torch returns an empty output of shape (1, 0" in i.value for i in page.at.info)
    assert any("matches torch exactly" in s for s in page.successes)
    assert page.trace("input", page.figure())["z"]
    open_app("fractional", mode="predict", **query)  # nothing to predict, and no exception
