"""ui.code_html: the page's code blocks keep every character, colour Python's tokens, and stay
one HTML block that Streamlit's markdown passes through (no blank line, no <pre>/<code>)."""

from __future__ import annotations

import html
import re

import numpy as np
import pytest

from pooling_core import PoolCall
from pooling_core.codegen import tensor_code
from pooling_core.reference import torch_repr
from ui.code_html import CODE_CLASS, highlighted, text_of

CALLS = [
    PoolCall("max_pool1d", {"kernel_size": 3, "stride": 2, "padding": 1, "return_indices": True}),
    PoolCall("avg_pool2d", {"kernel_size": (2, 3), "ceil_mode": True, "count_include_pad": False}),
    PoolCall("lp_pool1d", {"norm_type": 2.5, "kernel_size": 2}),
    PoolCall("adaptive_max_pool2d", {"output_size": (3, None)}),
    PoolCall("max_pool3d", {"kernel_size": 2, "dilation": 1}),
]


def spans(block: str, kind: str) -> list[str]:
    return [html.unescape(s) for s in re.findall(rf'<span class="token {kind}">(.*?)</span>', block)]


@pytest.mark.parametrize("call", CALLS, ids=[c.function for c in CALLS])
def test_a_generated_script_keeps_every_character_and_colours_its_tokens(call):
    x = np.arange(12, dtype=np.float32).reshape(1, 2, 6) - 5.5
    script = call.script(tensor_code(x))
    block = highlighted(script, "python")
    assert text_of(block) == script
    assert block.startswith(f'<div class="{CODE_CLASS} language-python">') and block.endswith("</div>")
    assert "\n" not in block and "<pre" not in block and "<code" not in block
    assert spans(block, "keyword")[:2] == ["import", "import"]
    assert call.function in spans(block, "function")
    assert any(s.startswith("#") for s in spans(block, "comment"))
    assert "-5.5" in script and "5.5" in spans(block, "number")


def test_values_and_text_that_is_not_python_stay_plain_and_escaped():
    values = torch_repr(np.array([[1.0, np.nan, -np.inf]], dtype=np.float32))
    for text, language in ((values, None), ("?  (predict it below, then Reveal)", "python"), ('a <b> & "c"', None)):
        block = highlighted(text, language)
        assert text_of(block) == text
        assert 'class="token' not in block or language == "python"
    unfinished = highlighted("y = f(x,\n", "python")  # the tokenizer gives up: plain text, not an error
    assert text_of(unfinished) == "y = f(x," and 'class="token' not in unfinished  # (a last new line ends it)


def test_a_string_over_several_lines_and_indentation_survive():
    script = 'def f(x):\n    """one\n\n    two"""\n    return x  # done\n'
    block = highlighted(script, "python")
    assert text_of(block) == script.removesuffix("\n")
    assert spans(block, "string") == ['"""one', '    two"""']  # its span cut at each line's end
    assert block.count('<span class="line">') == 4 and block.count("<br>") == 1  # the blank line
    assert spans(block, "keyword") == ["def", "return"]
