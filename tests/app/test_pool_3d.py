"""AppTest: the 3-D page — defaults and deep links against torch (values and indices), the formula
per axis, the step sentence, bad link values, calls torch refuses, and predict mode."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from tests.app.conftest import open_app
from ui import calls
from ui.volume import slices_text


def _torch(query: dict, **arguments):
    volume = torch.from_numpy(calls.input_3d(query)[None])
    return getattr(F, query.get("function", "max_pool3d"))(volume, **arguments)


def test_defaults_match_torch():
    page = open_app("pool_3d")
    assert not page.errors and not page.warnings
    assert page.code_after("output") == slices_text(_torch({}, kernel_size=2)[0].numpy())
    assert page.code_after("input volume") == slices_text(calls.input_3d({}))
    assert any("matches torch exactly (torch.nn.functional.max_pool3d)" in s for s in page.successes)
    formulas = [line for m in page.at.markdown if m.value.startswith("`D_out") for line in m.value.split("  \n")]
    assert formulas == [
        "`D_out = ⌊(4 + 2·0 − 1·(2−1) − 1)/2⌋ + 1 = 2`",
        "`H_out = ⌊(4 + 2·0 − 1·(2−1) − 1)/2⌋ + 1 = 2`",
        "`W_out = ⌊(4 + 2·0 − 1·(2−1) − 1)/2⌋ + 1 = 2`",
    ]
    text = page.step_text()
    assert text.startswith("Step 1 of 8. max(") and "The box spans slices d = 0…1" in text


QUERIES = [
    dict(function="avg_pool3d", kernel_size="3", stride="2", padding="1", count_include_pad="false"),
    dict(function="avg_pool3d", kernel_size="2,3,2", divisor_override="7", ceil_mode="true", stride="2"),
    dict(function="max_pool3d", kernel_size="3", stride="1,2,2", dilation="1,1,2", padding="1"),
    dict(function="max_pool3d", kernel_size="1,2,2", volume="arange", D="3", H="5", W="6", ceil_mode="true"),
]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: ",".join(f"{k}={v}" for k, v in q.items()))
def test_deep_links_with_every_parameter_match_torch(query):
    page = open_app("pool_3d", **query)
    assert not page.errors, page.errors
    assert any("matches torch" in s for s in page.successes)
    assert page.code_after("output") is not None and len(page.figures()) == 1


def test_return_indices_shows_torchs_indices():
    page = open_app("pool_3d", return_indices="true", stride="1")
    _, indices = _torch({}, kernel_size=2, stride=1, return_indices=True)
    assert page.code_after("indices (d·H·W + h·W + w, torch's flattened form per channel)") == slices_text(
        indices[0].numpy().astype(np.float64)
    )


def test_the_volume_controls_change_the_input():
    page = open_app("pool_3d", volume="arange", D="2", H="3", W="4")
    assert page.code_after("input volume") == slices_text(np.arange(24.0).reshape(2, 3, 4))
    page.set(D=3)
    assert page.code_after("input volume").count("d = ") == 3
    assert page.at.query_params.get("D") == "3"


BAD_LINKS = [
    ({"D": "9"}, "D"),
    ({"kernel_size": "x"}, "kernel_size"),
    ({"function": "lp_pool3d"}, "function"),
    ({"ceil_mode": "maybe"}, "ceil_mode"),
]


@pytest.mark.parametrize(("query", "field"), BAD_LINKS)
def test_bad_link_values_get_a_notice_and_the_default(query, field):
    page = open_app("pool_3d", **query)
    assert any(f"{field}=" in w and "from the link" in w for w in page.warnings), page.warnings
    assert any("matches torch" in s for s in page.successes)


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"padding": "2"}, "padding should be at most half of kernel_size"),
        ({"kernel_size": "9"}, "output size is too small"),
        ({"kernel_size": "2,2"}, "kernel_size"),
        ({"function": "avg_pool3d", "divisor_override": "0"}, "divisor_override must be non-zero"),
    ],
)
def test_calls_torch_refuses_keep_the_volume_and_say_the_rule(query, words):
    page = open_app("pool_3d", **query)
    assert any(words in e for e in page.errors), page.errors
    figure = page.figure()
    assert any(trace["name"] == "input d=0" for trace in figure["data"])
    assert not any(trace["name"].startswith("output") for trace in figure["data"])


def test_a_typed_mistake_keeps_the_volume_and_says_why():
    page = open_app("pool_3d").type("stride", "a")
    assert any('stride: "a" is not a whole number' in e for e in page.errors), page.errors
    assert any(trace["name"] == "input d=0" for trace in page.figure()["data"])


def test_steps_move_the_box():
    page = open_app("pool_3d", step="7")
    assert page.step_text().startswith("Step 8 of 8.") and "slices d = 2…3" in page.step_text()
    page.click("back")
    assert page.step_text().startswith("Step 7 of 8.") and page.at.query_params.get("step") == "6"


def test_predict_mode_hides_the_output_until_revealed():
    page = open_app("pool_3d", mode="predict")
    assert page.code_after("output") is None and "= ?" in page.step_text()
    outputs = [t for t in page.figure()["data"] if t["name"].startswith("output")]
    assert all(v is None for trace in outputs for row in trace["z"] for v in row)
    assert any("Predict the output slice `y[0]`" in m.value for m in page.at.markdown)
    page.click("reveal")
    assert page.code_after("output") is not None and "= ?" not in page.step_text()
