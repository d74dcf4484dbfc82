"""Pooling parameter widgets, named exactly as torch names the parameters.

Each widget's key is its page's field key (``pool_1d__kernel_size``, see :mod:`ui.state`), its
value lives in the session across page switches (``persist_state="session"``), and the page
writes it into the URL under torch's name (:func:`ui.views.page.sync_url`). A widget is given
no ``value=``: its value is always the session's, seeded with the field's default.
"""

from __future__ import annotations

import streamlit as st

from ui import calls, state
from ui.views.page import Page

HELP = {
    "kernel_size": "How many cells each window covers.",
    "stride": "How far the window moves between outputs. None means stride = kernel_size "
    "(unlike convolution, whose default stride is 1).",
    "padding": "Implicit cells added on both ends: −∞ for max pooling (they never win), 0 for "
    "average pooling. torch allows at most kernel_size // 2.",
    "dilation": "Gap between the cells a window reads: dilation 2 reads every other cell.",
    "ceil_mode": "Round the output size up instead of down, so a last partial window is kept "
    "(unless it would start in the right padding).",
    "count_include_pad": "Whether padding zeros count in the average's divisor.",
    "divisor_override": "Divide every window's sum by this number instead (None = the window's count).",
    "return_indices": "Also return where each maximum came from (what max_unpool needs).",
    "norm_type": "p in (Σ xᵖ)^(1/p): 1 is sum pooling, inf is max of |x|.",
    "output_size": "How many outputs you want; torch picks the windows.",
    "sample": "Images drawn for this app by scripts/make_samples.py.",
    "colour": "RGB pools each of the three colour planes separately (C = 3); grayscale pools one plane of "
    "luma 0.299 R + 0.587 G + 0.114 B (C = 1).",
    "view": "Per channel shows the R, G and B planes one by one.",
}
PERSIST = {"persist_state": "session"}


def _look(page: Page) -> dict:
    """Widget sizing: the stylesheet shares the row of controls among them (in rem, so they grow
    with a projector's type)."""
    return {}


def _seed(page: Page, name: str, valid, fallback=None) -> str:
    """The field's session key, holding a value ``valid`` accepts (else ``fallback`` or the default)."""
    key = page.key(name)
    default = state.field(page.name, name).default if fallback is None else fallback
    if key not in st.session_state or not valid(st.session_state[key]):
        st.session_state[key] = default
    page.activate(name)
    return key


def int_slider(page: Page, name: str, low: int, high: int, *, label: str | None = None, default: int | None = None,
               help: str | None = None) -> int:  # fmt: skip
    """A whole number from ``low`` to ``high``.

    The bounds may depend on other values (the shift goes to 2 × kernel_size): a link's value
    outside them gets a notice and the default; a value left outside them by another change
    moves to the nearest end.
    """
    key = page.key(name)
    fallback = min(max(state.field(page.name, name).default if default is None else default, low), high)
    stored = st.session_state.get(key)
    if isinstance(stored, int) and not isinstance(stored, bool) and not low <= stored <= high:
        if page.from_link(name):
            text = f"{name}={stored} from the link is not a whole number from {low} to {high}; using {fallback}."
            page.link_notice(name, text, fallback)
            st.session_state[key] = fallback
            st.session_state[state.LINK_FIELDS].discard(name)
        else:
            st.session_state[key] = min(max(stored, low), high)
    key = _seed(page, name, lambda v: isinstance(v, int) and low <= v <= high, fallback)
    if page.hidden(name):
        return st.session_state[key]
    return st.slider(label or name, low, high, key=key, help=help or HELP.get(name), **PERSIST, **_look(page))


def number(page: Page, name: str, low: int, high: int, *, label: str | None = None, default: int | None = None,
           help: str | None = None, container=st) -> int:  # fmt: skip
    """A whole number typed in a box, from ``low`` to ``high``."""
    key = _seed(page, name, lambda v: isinstance(v, int) and low <= v <= high,
                default if default is not None else None)  # fmt: skip
    if page.hidden(name):
        return int(st.session_state[key])
    return int(container.number_input(label or name, low, high, step=1, key=key, help=help, **PERSIST, **_look(page)))


def choice(page: Page, name: str, options: tuple[str, ...] | None = None, *, widget=None, label: str | None = None,
           **kwargs) -> str:  # fmt: skip
    """One of ``options`` (default: the schema's) with a radio, a selectbox or a select slider."""
    options = tuple(options or state.field(page.name, name).options)
    default = state.field(page.name, name).default
    key = _seed(page, name, lambda v: v in options, default if default in options else options[0])
    if page.hidden(name):
        return st.session_state[key]
    widget = widget or st.selectbox
    kwargs.setdefault("help", HELP.get(name))
    if widget is st.radio and len(options) > 3:
        widget = st.selectbox  # in a row of controls: a long list takes one line, not a column of buttons
        kwargs.pop("horizontal", None)
    elif widget is st.radio:
        kwargs["horizontal"] = True
    return widget(label or name, options, key=key, **PERSIST, **_look(page), **kwargs)


def flag(page: Page, name: str, *, label: str | None = None) -> bool:
    key = _seed(page, name, lambda v: isinstance(v, bool))
    if page.hidden(name):
        return st.session_state[key]
    return st.toggle(label or name, key=key, help=HELP.get(name), **PERSIST, **_look(page))


def text(page: Page, name: str, label: str, *, widget=None, **kwargs) -> str:
    """Typed text (a sequence, a grid): the page parses it and says what is wrong with it."""
    key = _seed(page, name, lambda v: isinstance(v, str))
    if page.hidden(name):
        return st.session_state[key]
    return (widget or st.text_input)(label, key=key, **PERSIST, **kwargs)


def size_text(page: Page, name: str, *, label: str | None = None) -> str:
    """A torch size argument typed as Python would: ``2`` or ``2, 3`` (``?kernel_size=2,3``).
    Returns the text; :func:`ui.calls.size` reads it."""
    key = _seed(page, name, lambda v: isinstance(v, str))
    if page.hidden(name):
        return st.session_state[key]
    return st.text_input(label or name, key=key, help=HELP.get(name), **PERSIST, **_look(page))


def _stride_label(option: str) -> str:
    return "None (= kernel_size)" if option == "None" else option


def pooling_controls_1d(page: Page, length: int) -> calls.Chosen:
    """The controls of the 1-D page: the function, then each of its torch parameters."""
    function = choice(page, "function", widget=st.radio)
    wanted = calls.parameters(function)
    values = {"function": function}
    if "norm_type" in wanted:
        values["norm_type"] = choice(page, "norm_type")
    if "output_size" in wanted:
        values["output_size"] = int_slider(page, "output_size", 1, max(12, length + 4), default=min(5, length))
    if "kernel_size" in wanted:
        values["kernel_size"] = int_slider(page, "kernel_size", 1, 10)
        values["stride"] = choice(page, "stride", widget=st.select_slider, format_func=_stride_label)
    if "padding" in wanted:
        values["padding"] = int_slider(page, "padding", 0, 5)
    if "dilation" in wanted:
        values["dilation"] = int_slider(page, "dilation", 1, 5)
    for name in calls.FLAGS:
        if name in wanted:
            values[name] = flag(page, name)
    return calls.call_1d(values)


def row_note(text: str) -> None:
    """A line under a row of controls (the stylesheet gives a caption in the row a line of its own)."""
    st.caption(text)


LABELS_2D = {
    "stride": "stride (None = kernel_size)",
    "divisor_override": "divisor_override (None = the window's count)",
}


def pooling_controls_2d(page: Page, functions: tuple[str, ...] | None = None) -> calls.Chosen:
    """The controls of a 2-D page: every torch parameter, tuples typed as ``2, 3`` for (H, W)."""
    function = choice(page, "function", functions, widget=st.radio)
    values = {"function": function}
    for name in calls.parameters(function):
        if name in calls.FLAGS:
            values[name] = flag(page, name)
        elif name == "norm_type":
            values[name] = choice(page, "norm_type")
        else:
            values[name] = size_text(page, name, label=LABELS_2D.get(name))
    if not page.presenting:
        kind = calls.KIND_LABELS[function[:-2].removesuffix("_pool")]
        pair = "a pair H, W" if function.endswith("2d") else "a triple D, H, W" if function.endswith("3d") else ""
        row_note(f"{kind} · sizes are an int k" + (f", meaning (k, k), or {pair}" if pair else ""))
    return calls.call_2d(values, page.name)
