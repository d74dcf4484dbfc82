"""Code and values as one HTML block, Python coloured by the standard library's tokenizer.

The pages show torch code and tensors with this instead of ``st.code``: Streamlit's code element
loads a 1.5 MB syntax-highlighting bundle (every Prism language) on a page's first view and
re-renders through it on every rerun. Measured on /pool_1d against the bare floor page
(benchmarks/bench_app.py): a first view 1.21–1.34× the floor's before, 1.06–1.15× after.

The spans carry Prism's class names (``token keyword``, ``token string``...), so the theme's
colours in ``assets/code-light.css`` / ``code-dark.css`` apply as they did to ``st.code``.
Pure text in, text out: no Streamlit here (``ui.views.code`` puts the block on the page).
"""

from __future__ import annotations

import html
import io
import keyword
import re
import tokenize

CODE_CLASS = "pooling-code"  # the block's class: the stylesheets and the tests find it by this
_PUNCTUATION = set("()[]{},:;.")
_LITERALS = {"True", "False", "None"}


def highlighted(text: str, language: str | None = None) -> str:
    r"""``<div class="pooling-code …">``, a ``<span class="line">`` per line: ``text`` escaped,
    and for ``language="python"`` its tokens in spans (text the tokenizer cannot read stays plain).

    >>> highlighted("y = F.max_pool1d(x, 2)  # ok", "python")  # doctest: +NORMALIZE_WHITESPACE
    '<div class="pooling-code language-python"><span class="line">y <span class="token operator">=</span>
    F<span class="token punctuation">.</span><span class="token function">max_pool1d</span><span
    class="token punctuation">(</span>x<span class="token punctuation">,</span> <span class="token
    number">2</span><span class="token punctuation">)</span>  <span class="token comment"># ok</span></span></div>'
    >>> highlighted("1 <4> -1\n\n  2")  # doctest: +NORMALIZE_WHITESPACE
    '<div class="pooling-code"><span class="line">1 &lt;4&gt; -1</span><br><span class="line">  2</span></div>'
    >>> text_of(highlighted("1 <4> -1\n\n  2")) == "1 <4> -1\n\n  2"
    True
    """
    pieces = _python(text) if language == "python" else None
    language_class = f" language-{language}" if language else ""
    lines, line = [], []
    for piece, name in [(text, None)] if pieces is None else pieces:
        for i, part in enumerate(piece.split("\n")):
            if i:  # a line ends inside this piece (a string over several lines: its span split too)
                lines.append(line)
                line = []
            if part:
                line.append(f'<span class="token {name}">{html.escape(part)}</span>' if name else html.escape(part))
    lines.append(line)
    if len(lines) > 1 and not lines[-1]:  # a final new line ends the text; it starts no line
        lines.pop()
    # A div, not <pre><code>: Streamlit's markdown hands those to its own code block component,
    # which loads the bundle this module avoids (and prints spans inside it as "[object Object]").
    # One line of HTML, a block per line of text: a blank line would end the markdown's HTML
    # block, and a block per line lets a wrapped line hang indented under its start (app.css).
    # (A blank line is a bare <br> between two line blocks: an empty block has no height, and a
    # <br> is what a browser's selection copies as the blank line.)
    body = "".join(f'<span class="line">{"".join(parts)}</span>' if parts else "<br>" for parts in lines)
    return f'<div class="{CODE_CLASS}{language_class}">{body}</div>'


def text_of(block: str) -> str:
    """The text a reader sees (and copies) of a :func:`highlighted` block: its lines, tags gone."""
    body = block[block.index(">") + 1 : block.rindex("</div>")]
    lines = re.findall(r'<br>|<span class="line">.*?</span>(?=<br>|<span class="line">|$)', body)
    return "\n".join(html.unescape(re.sub(r"<[^>]+>", "", line)) for line in lines)


def _python(text: str) -> list[tuple[str, str | None]] | None:
    """``text`` cut into ``(piece, Prism class or None)``, or None if it is not Python the
    tokenizer reads."""
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

    pieces, done = [], 0
    for i, token in enumerate(tokens):
        start, end = offset(token.start), offset(token.end)
        if start < done or start == end:
            continue
        pieces.append((text[done:start], None))
        pieces.append((text[start:end], _token_class(token, tokens[i + 1] if i + 1 < len(tokens) else None)))
        done = end
    pieces.append((text[done:], None))
    return pieces


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
