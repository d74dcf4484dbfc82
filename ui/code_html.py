"""Code and values as one HTML block, Python coloured by the standard library's tokenizer.

The pages show torch code and tensors with this instead of ``st.code``: Streamlit's code element
loads a 1.5 MB syntax-highlighting bundle (every Prism language) on a page's first view and
re-renders through it on every rerun. Measured on /pool_1d against the bare floor page
(benchmarks/bench_app.py): first view 1.25× → 1.11×, a slider change 1.44× → 1.29×.

The spans carry Prism's class names (``token keyword``, ``token string``...), so the theme's
colours in ``assets/code-light.css`` / ``code-dark.css`` apply as they did to ``st.code``.
Pure text in, text out: no Streamlit here (``ui.views.code`` puts the block on the page).
"""

from __future__ import annotations

import html
import io
import keyword
import tokenize

CODE_CLASS = "pooling-code"  # the block's class: the stylesheets and the tests find it by this
_PUNCTUATION = set("()[]{},:;.")
_LITERALS = {"True", "False", "None"}


def highlighted(text: str, language: str | None = None) -> str:
    r"""``<div class="pooling-code …">…</div>``: ``text`` escaped, and for
    ``language="python"`` its tokens in spans (text the tokenizer cannot read stays plain).

    >>> highlighted("y = F.max_pool1d(x, 2)  # ok", "python")  # doctest: +NORMALIZE_WHITESPACE
    '<div class="pooling-code language-python">y <span class="token operator">=</span>
    F<span class="token punctuation">.</span><span class="token function">max_pool1d</span><span
    class="token punctuation">(</span>x<span class="token punctuation">,</span> <span class="token
    number">2</span><span class="token punctuation">)</span>  <span class="token comment"># ok</span></div>'
    >>> highlighted("1 <4> -1\n\n  2")
    '<div class="pooling-code">1 &lt;4&gt; -1<br><br>  2</div>'
    """
    body = _python(text) if language == "python" else None
    language_class = f" language-{language}" if language else ""
    body = html.escape(text) if body is None else body
    # A div, not <pre><code>: Streamlit's markdown hands those to its own code block component,
    # which loads the bundle this module avoids (and prints spans inside it as "[object Object]").
    # One line, breaks as <br>: a blank line would end the HTML block for the markdown parser.
    return f'<div class="{CODE_CLASS}{language_class}">{body.replace(chr(10), "<br>")}</div>'


def _python(text: str) -> str | None:
    """``text`` escaped with its tokens in spans, or None if it is not Python the tokenizer reads."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):  # (IndentationError is a SyntaxError)
        return None
    line_starts = [0]
    for line in text.splitlines(keepends=True):
        line_starts.append(line_starts[-1] + len(line))
    line_starts.append(len(text))  # the end marker's line, past the last

    def offset(position: tuple[int, int]) -> int:
        row, column = position
        return min(line_starts[min(row - 1, len(line_starts) - 1)] + column, len(text))

    parts, done = [], 0
    for i, token in enumerate(tokens):
        start, end = offset(token.start), offset(token.end)
        if start < done or start == end:
            continue
        parts.append(html.escape(text[done:start]))
        piece = html.escape(text[start:end])
        name = _token_class(token, tokens[i + 1] if i + 1 < len(tokens) else None)
        parts.append(f'<span class="token {name}">{piece}</span>' if name else piece)
        done = end
    parts.append(html.escape(text[done:]))
    return "".join(parts)


def _token_class(token: tokenize.TokenInfo, following: tokenize.TokenInfo | None) -> str | None:
    """Prism's class for a token, as the stylesheets name them (None: plain text)."""
    if token.type == tokenize.NAME:
        if token.string in _LITERALS:
            return "boolean"
        if keyword.iskeyword(token.string):
            return "keyword"
        if following is not None and following.string == "(":
            return "function"
        return None
    if token.type == tokenize.OP:
        return "punctuation" if token.string in _PUNCTUATION else "operator"
    return {tokenize.STRING: "string", tokenize.NUMBER: "number", tokenize.COMMENT: "comment"}.get(token.type)
