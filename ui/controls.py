"""Pooling parameter widgets, named exactly as torch names the parameters, bound to the URL.

Every widget is bound to the query string (``bind="query-params"``), so a copied link carries
the whole state. Streamlit drops a query value that a widget cannot take; before it does, we
read the raw value and say so on screen ("kernel_size=abc from the link is not ...").
"""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from pooling_core import PoolCall
from ui import data, state

# Which torch parameters each kind of pooling has (in torch's order).
PARAMETERS = {
    "max": (state.KERNEL_SIZE, state.STRIDE, state.PADDING, state.DILATION, state.CEIL_MODE, state.RETURN_INDICES),
    "avg": (state.KERNEL_SIZE, state.STRIDE, state.PADDING, state.CEIL_MODE, state.COUNT_INCLUDE_PAD,
            state.DIVISOR_OVERRIDE),
    "lp": (state.NORM_TYPE, state.KERNEL_SIZE, state.STRIDE, state.CEIL_MODE),
    "adaptive_max": (state.OUTPUT_SIZE, state.RETURN_INDICES),
    "adaptive_avg": (state.OUTPUT_SIZE,),
}  # fmt: skip
KIND_LABELS = {
    "max": "max pooling",
    "avg": "average pooling",
    "lp": "power-average (Lp) pooling",
    "adaptive_max": "adaptive max pooling",
    "adaptive_avg": "adaptive average pooling",
}
NORM_TYPES = ("1", "1.5", "2", "3", "4", "inf")
HELP = {
    state.KERNEL_SIZE: "How many cells each window covers.",
    state.STRIDE: "How far the window moves between outputs. None means stride = kernel_size "
    "(unlike convolution, whose default stride is 1).",
    state.PADDING: "Implicit cells added on both ends: −∞ for max pooling (they never win), 0 for "
    "average pooling. torch allows at most kernel_size // 2.",
    state.DILATION: "Gap between the cells a window reads: dilation 2 reads every other cell.",
    state.CEIL_MODE: "Round the output size up instead of down, so a last partial window is kept "
    "(unless it would start in the right padding).",
    state.COUNT_INCLUDE_PAD: "Whether padding zeros count in the average's divisor.",
    state.DIVISOR_OVERRIDE: "Divide every window's sum by this number instead (0 = not set).",
    state.RETURN_INDICES: "Also return where each maximum came from (what max_unpool needs).",
    state.NORM_TYPE: "p in (Σ xᵖ)^(1/p): 1 is sum pooling, inf is max of |x|.",
    state.OUTPUT_SIZE: "How many outputs you want; torch picks the windows.",
    state.SAMPLE: "Images drawn for this app by scripts/make_samples.py.",
    state.COLOUR: "RGB pools each of the three colour planes separately (C = 3); grayscale pools one plane of "
    "luma 0.299 R + 0.587 G + 0.114 B (C = 1).",
    state.VIEW: "Per channel shows the R, G and B planes one by one.",
}


@dataclass
class Controls:
    """What the controls produced: the call to make, and what the animation needs."""

    kind: str
    call: PoolCall
    animation: dict = field(default_factory=dict)  # keyword arguments of pool_steps
    notices: list[str] = field(default_factory=list)  # bad values found in the link


def _raw_query(key: str) -> str | None:
    value = st.query_params.get(key)
    return None if value is None else str(value)


def int_slider(key: str, low: int, high: int, default: int, notices: list[str]) -> int:
    raw = _raw_query(key)
    if raw is not None:
        try:
            ok = low <= int(raw) <= high
        except ValueError:
            ok = False
        if not ok:
            notices.append(f"{key}={raw} from the link is not a whole number from {low} to {high}; using {default}.")
    return st.slider(key, low, high, default, key=key, bind="query-params", help=HELP.get(key))


def choice(key: str, options: tuple[str, ...], default: str, notices: list[str], widget=None, **kwargs) -> str:
    raw = _raw_query(key)
    if raw is not None and raw not in options:
        notices.append(f"{key}={raw} from the link is not one of {', '.join(options)}; using {default}.")
    widget = widget or st.selectbox
    return widget(key, options, index=options.index(default), key=key, bind="query-params", help=HELP.get(key),
                  **kwargs)  # fmt: skip


def flag(key: str, default: bool, notices: list[str]) -> bool:
    raw = _raw_query(key)
    if raw is not None and raw.lower() not in ("true", "false"):
        notices.append(f"{key}={raw} from the link is not true or false; using {str(default).lower()}.")
    return st.toggle(key, value=default, key=key, bind="query-params", help=HELP.get(key))


def stride_slider(notices: list[str], high: int = 10) -> int | None:
    options = ("None",) + tuple(str(i) for i in range(1, high + 1))
    raw = _raw_query(state.STRIDE)
    if raw is not None and raw not in options:
        notices.append(f"stride={raw} from the link is not None or a whole number from 1 to {high}; using None.")
    chosen = st.select_slider(
        state.STRIDE, options, value="None", key=state.STRIDE, bind="query-params", help=HELP[state.STRIDE],
        format_func=lambda option: "None (= kernel_size)" if option == "None" else option,
    )  # fmt: skip
    return None if chosen == "None" else int(chosen)


def pooling_controls_1d(length: int) -> Controls:
    """The sidebar of the 1-D page: the function, then each of its torch parameters."""
    notices: list[str] = []
    functions = tuple(f"{kind}_pool1d" for kind in PARAMETERS)
    function = choice(state.FUNCTION, functions, "max_pool1d", notices, widget=st.radio)
    kind = function.removesuffix("_pool1d")
    st.caption(KIND_LABELS[kind])
    wanted = PARAMETERS[kind]
    arguments: dict = {}
    animation: dict = {}
    if state.NORM_TYPE in wanted:
        norm = choice(state.NORM_TYPE, NORM_TYPES, "2", notices)
        arguments["norm_type"] = animation["norm_type"] = float(norm) if norm != "inf" else float("inf")
        if arguments["norm_type"].is_integer():
            arguments["norm_type"] = animation["norm_type"] = int(arguments["norm_type"])
    if state.OUTPUT_SIZE in wanted:
        arguments["output_size"] = animation["output_size"] = int_slider(
            state.OUTPUT_SIZE, 1, max(12, length + 4), min(5, length), notices
        )
    if state.KERNEL_SIZE in wanted:
        arguments["kernel_size"] = animation["kernel_size"] = int_slider(state.KERNEL_SIZE, 1, 10, 2, notices)
        arguments["stride"] = animation["stride"] = stride_slider(notices)
    for key, low, high, default in ((state.PADDING, 0, 5, 0), (state.DILATION, 1, 5, 1)):
        if key in wanted:
            arguments[key] = animation[key] = int_slider(key, low, high, default, notices)
    for key, default in ((state.CEIL_MODE, False), (state.COUNT_INCLUDE_PAD, True), (state.RETURN_INDICES, False)):
        if key in wanted:
            arguments[key] = flag(key, default, notices)
            if key != state.RETURN_INDICES:
                animation[key] = arguments[key]
    return Controls(kind=kind, call=PoolCall(function, arguments), animation=animation, notices=notices)


def size_text(key: str, default: str, notices: list[str], *, allow_none: bool = False,
               allow_none_items: bool = False, label: str | None = None):  # fmt: skip
    """A torch size argument typed as Python would: ``2`` or ``2, 3`` (bound to ``?key=2,3``)."""
    raw = _raw_query(key)
    text = st.text_input(label or key, value=default, key=key, bind="query-params", help=HELP.get(key))
    try:
        return data.parse_int_or_tuple(text, key, allow_none=allow_none, allow_none_items=allow_none_items)
    except ValueError as error:
        if raw is not None:
            notices.append(f"{key}={raw} from the link is not usable ({error}); using {default}.")
        else:
            st.error(str(error), icon="✋")
        return data.parse_int_or_tuple(default, key, allow_none=allow_none, allow_none_items=allow_none_items)


def pooling_controls_2d(functions: tuple[str, ...] = ("max", "avg", "lp", "adaptive_max", "adaptive_avg")) -> Controls:
    """Sidebar for 2-D pooling: every torch parameter, tuples typed as ``2, 3`` for (H, W)."""
    notices: list[str] = []
    names = tuple(f"{kind}_pool2d" for kind in functions)
    function = choice(state.FUNCTION, names, names[0], notices, widget=st.radio)
    kind = function.removesuffix("_pool2d")
    st.caption(KIND_LABELS[kind] + " · sizes are an int k, meaning (k, k), or a pair H, W")
    wanted = PARAMETERS[kind]
    arguments: dict = {}
    animation: dict = {}
    if state.NORM_TYPE in wanted:
        norm = choice(state.NORM_TYPE, NORM_TYPES, "2", notices)
        value = float(norm)
        arguments["norm_type"] = animation["norm_type"] = int(value) if value.is_integer() else value
    if state.OUTPUT_SIZE in wanted:
        arguments["output_size"] = animation["output_size"] = size_text(
            state.OUTPUT_SIZE, "2", notices, allow_none_items=True
        )
    if state.KERNEL_SIZE in wanted:
        arguments["kernel_size"] = animation["kernel_size"] = size_text(state.KERNEL_SIZE, "2", notices)
        arguments["stride"] = animation["stride"] = size_text(
            state.STRIDE, "None", notices, allow_none=True, label="stride (None = kernel_size)"
        )
    for key, default in ((state.PADDING, "0"), (state.DILATION, "1")):
        if key in wanted:
            arguments[key] = animation[key] = size_text(key, default, notices)
    for key, default in ((state.CEIL_MODE, False), (state.COUNT_INCLUDE_PAD, True), (state.RETURN_INDICES, False)):
        if key in wanted:
            arguments[key] = flag(key, default, notices)
            if key != state.RETURN_INDICES:
                animation[key] = arguments[key]
    if state.DIVISOR_OVERRIDE in wanted:
        divisor = size_text(state.DIVISOR_OVERRIDE, "None", notices, allow_none=True,
                             label="divisor_override (None = the window's count)")  # fmt: skip
        if isinstance(divisor, tuple):
            st.error("divisor_override takes one whole number (or None).", icon="✋")
            divisor = None
        arguments["divisor_override"] = animation["divisor_override"] = divisor
    return Controls(kind=kind, call=PoolCall(function, arguments), animation=animation, notices=notices)
