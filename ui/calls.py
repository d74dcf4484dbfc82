"""From a page's state to its pooling call and its input: the one mapping the page, its downloads
and ``scripts/render.py`` share. No Streamlit here.

The values are the page's fields as :mod:`ui.state` declares them (what the widgets hold, or what
a link carries: ``state.read_link``), keyed by field name; missing fields take their defaults.

>>> call_1d({"function": "max_pool1d", "kernel_size": 3, "stride": "1"}).call
PoolCall(function='max_pool1d', arguments={'kernel_size': 3, 'stride': 1, 'padding': 0, 'dilation': 1, \
'ceil_mode': False, 'return_indices': False})
>>> call_2d({"function": "avg_pool2d", "kernel_size": "2, x"}).problems
['kernel_size: "x" is not a whole number. Type e.g. 2, or 2, 3.']
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from pooling_core import PoolCall, codegen
from ui import data, images, invariance, state

# Which torch parameters each kind of pooling has (in torch's order).
PARAMETERS = {
    "max": ("kernel_size", "stride", "padding", "dilation", "ceil_mode", "return_indices"),
    "avg": ("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override"),
    "lp": ("norm_type", "kernel_size", "stride", "ceil_mode"),
    "adaptive_max": ("output_size", "return_indices"),
    "adaptive_avg": ("output_size",),
}
KIND_LABELS = {
    "max": "max pooling",
    "avg": "average pooling",
    "lp": "power-average (Lp) pooling",
    "adaptive_max": "adaptive max pooling",
    "adaptive_avg": "adaptive average pooling",
}
FLAGS = ("ceil_mode", "count_include_pad", "return_indices")


@dataclass
class Chosen:
    """A page's call, or the typed values that stop it (then ``call`` is None)."""

    kind: str
    call: PoolCall | None
    problems: list[str] = field(default_factory=list)


def with_defaults(page: str, values: dict) -> dict:
    """``values`` completed with the page's defaults."""
    return {item.name: values.get(item.name, item.default) for item in state.fields(page)}


def norm_type(text: str) -> int | float:
    """``"2"`` → 2, ``"1.5"`` → 1.5, ``"inf"`` → inf: torch's ``norm_type``."""
    value = float(text)
    return int(value) if value.is_integer() else value


def parameters(function: str) -> tuple[str, ...]:
    """The torch parameters of ``function`` that its page offers, those its signature has
    (``avg_pool1d`` has no ``divisor_override``).

    >>> parameters("avg_pool1d")
    ('kernel_size', 'stride', 'padding', 'ceil_mode', 'count_include_pad')
    """
    signature = codegen.defaults(function)
    return tuple(name for name in PARAMETERS[function[:-2].removesuffix("_pool")] if name in signature)


def call_1d(values: dict) -> Chosen:
    """The 1-D page's call from its fields (sliders and choices: always a valid value each)."""
    values = with_defaults("pool_1d", values)
    function = values["function"]
    arguments: dict = {}
    for name in parameters(function):
        value = values[name]
        if name == "stride":
            value = None if value == "None" else int(value)
        elif name == "norm_type":
            value = norm_type(value)
        arguments[name] = value
    return Chosen(function[: -len("_pool1d")], PoolCall(function, arguments))


SINGLE = ("divisor_override",)  # sizes that take one number (or None), never a pair


def size(page: str, name: str, text: str) -> tuple[object, str | None]:
    """A typed torch size of ``page``'s field: its value, or why the text is not one."""
    item = state.field(page, name)
    try:
        value = data.parse_int_or_tuple(text, name, allow_none=item.allow_none, allow_none_items=item.allow_none_items)
    except ValueError as error:
        return None, str(error)
    if name in SINGLE and isinstance(value, tuple):
        return None, f"{name} takes one whole number (or None), but you typed {text.strip()!r}."
    return value, None


def call_2d(values: dict, page: str = "pool_2d") -> Chosen:
    """A page's call from typed sizes (the 2-D page's kind of fields; 1-D and 3-D functions too:
    a typed ``2`` is an int); typed sizes that are not sizes stop it (``problems``)."""
    values = with_defaults(page, values)
    function = values["function"]
    arguments: dict = {}
    problems: list[str] = []
    for name in parameters(function):
        value = values[name]
        if name in FLAGS:
            arguments[name] = bool(value)
        elif name == "norm_type":
            arguments[name] = norm_type(value)
        else:
            arguments[name], problem = size(page, name, value)
            problems += [problem] if problem else []
    kind = function[:-2].removesuffix("_pool")
    return Chosen(kind, None if problems else PoolCall(function, arguments), problems)


def values_1d(values: dict, length: int) -> tuple[dict, dict[str, str]]:
    """The 1-D page's fields with ``output_size`` inside its slider's bounds (1 … max(12, L + 4),
    which depend on the sequence), and a notice if a link's value was outside."""
    values = with_defaults("pool_1d", values)
    high = max(12, length + 4)
    if "output_size" not in parameters(values["function"]) or values["output_size"] <= high:
        return values, {}
    used = min(max(min(5, length), 1), high)
    notice = f"output_size={values['output_size']} from the link is not a whole number from 1 to {high}; using {used}."
    return {**values, "output_size": used}, {"output_size": notice}


def input_1d(values: dict) -> np.ndarray:
    """The 1-D page's sequence ``x`` (raises ``ValueError`` with the reason, as the page says it)."""
    return data.parse_sequence(with_defaults("pool_1d", values)["x"])


def input_2d(values: dict) -> np.ndarray:
    """The 2-D page's grid (raises ``ValueError`` with the reason)."""
    return data.parse_grid(with_defaults("pool_2d", values)["grid"])


def _sized_call(page: str, function: str, values: dict, names: tuple[str, ...]) -> Chosen:
    """A 2-D call of typed sizes and flags, the Channels and torch API pages' kind."""
    arguments, problems = {}, []
    for name in names:
        if name in FLAGS:
            arguments[name] = bool(values[name])
        else:
            arguments[name], problem = size(page, name, values[name])
            problems += [problem] if problem else []
    return Chosen(function[: -len("_pool2d")], None if problems else PoolCall(function, arguments), problems)


def call_channels(values: dict) -> Chosen:
    """The Channels page's call: ``max_pool2d`` or ``avg_pool2d`` with its typed sizes."""
    values = with_defaults("channels", values)
    return _sized_call("channels", values["function"], values, ("kernel_size", "stride", "padding"))


TORCH_API_ARGUMENTS = ("kernel_size", "stride", "padding", "dilation", "ceil_mode", "return_indices")


def call_torch_api(values: dict) -> Chosen:
    """The torch API page's ``F.max_pool2d`` call, argument by argument."""
    return _sized_call("torch_api", "max_pool2d", with_defaults("torch_api", values), TORCH_API_ARGUMENTS)


def input_channels(values: dict) -> np.ndarray:
    """The Channels page's tensor: the lecture's ``x``, or a random one of the chosen shape."""
    values = with_defaults("channels", values)
    if values["tensor"] == "lecture":
        return data.LECTURE_X
    return data.random_tensor(tuple(int(values[name]) for name in ("N", "C", "H", "W")), int(values["seed"]))


def input_torch_api(values: dict) -> np.ndarray:
    """The torch API page's input: the lecture's ``x`` or ``arange(36)`` as a 6×6 plane."""
    if with_defaults("torch_api", values)["input"] == "lecture x":
        return data.LECTURE_X
    return np.arange(36, dtype=np.float32).reshape(1, 1, 6, 6)


# --- the Fractional page -------------------------------------------------------------------------

SAMPLES_SHAPE = (1, 1, 2)  # (N, C, 2): the one plane the page pools (unbatched (C=1, H, W), as torch counts it)


def random_samples(seed: int, dtype=np.float32) -> np.ndarray:
    """The Fractional page's ``_random_samples``: ``numpy.random.default_rng(seed).random((1, 1, 2))``
    in the input's dtype (torch requires it), one sample in [0, 1) per pooled axis.

    >>> random_samples(0)
    array([[[0.6369617 , 0.26978672]]], dtype=float32)
    """
    return np.random.default_rng(int(seed)).random(SAMPLES_SHAPE).astype(dtype)


def output_ratio(text: str) -> tuple[object, str | None]:
    """``output_ratio`` typed as torch takes it: ``0.5, 0.5`` → ``(0.5, 0.5)``; one number stays one
    number (torch's functional form then refuses it, in its own words). Or why the text is not numbers.

    >>> output_ratio("0.5, 0.7"), output_ratio("(0.5)"), output_ratio("half")[1]
    (((0.5, 0.7), None), (0.5, None), 'output_ratio: "half" is not a number. Type e.g. 0.5, 0.5.')
    """
    parts = [part.strip() for part in text.strip().strip("()[]").split(",") if part.strip()]
    if not parts:
        return None, "output_ratio is empty: type a pair of numbers like 0.5, 0.5."
    values = []
    for part in parts:
        try:
            values.append(float(part))
        except ValueError:
            return None, f'output_ratio: "{part}" is not a number. Type e.g. 0.5, 0.5.'
    return (values[0] if len(values) == 1 else tuple(values)), None


def call_fractional(values: dict, dtype=np.float32) -> Chosen:
    """The Fractional page's ``fractional_max_pool2d`` call: ``kernel_size``, then ``output_size`` or
    ``output_ratio`` (the one ``by`` names), and the ``_random_samples`` its ``seed`` draws.

    >>> call_fractional({"kernel_size": "2", "output_size": "4"}).call.functional_code()
    'F.fractional_max_pool2d(x, kernel_size=2, output_size=4, _random_samples=torch.tensor([[[0.6369616985321045, \
0.2697867155075073]]]))'
    """
    values = with_defaults("fractional", values)
    arguments, problems = {}, []
    arguments["kernel_size"], problem = size("fractional", "kernel_size", values["kernel_size"])
    problems += [problem] if problem else []
    if values["by"] == "output_size":
        arguments["output_size"], problem = size("fractional", "output_size", values["output_size"])
    else:
        arguments["output_ratio"], problem = output_ratio(values["output_ratio"])
    problems += [problem] if problem else []
    arguments["_random_samples"] = random_samples(values["seed"], dtype)
    call = None if problems else PoolCall("fractional_max_pool2d", arguments)
    return Chosen("fractional_max", call, problems)


def input_fractional(values: dict) -> np.ndarray:
    """The Fractional page's grid (raises ``ValueError`` with the reason)."""
    return data.parse_grid(with_defaults("fractional", values)["grid"])


# --- the Backward and Unpooling pages -------------------------------------------------------------


def input_plane(page: str, values: dict) -> np.ndarray:
    """The Backward or Unpooling page's input by its ``dims``: the sequence ``x`` (1-D) or the
    ``grid`` (2-D); raises ``ValueError`` with the reason, as the page says it.

    >>> input_plane("unpool", {"dims": "2-D", "grid": "1 2; 3 4"}).shape
    (2, 2)
    """
    values = with_defaults(page, values)
    return data.parse_sequence(values["x"]) if values["dims"] == "1-D" else data.parse_grid(values["grid"])


def backward_functions(dims: str) -> tuple[str, ...]:
    """The functions the Backward page offers for ``dims`` ("1-D" or "2-D").

    >>> backward_functions("2-D")[:2]
    ('max_pool2d', 'avg_pool2d')
    """
    suffix = "1d" if dims == "1-D" else "2d"
    return tuple(name for name in state.field("backward", "function").options if name.endswith(suffix))


def call_backward(values: dict) -> Chosen:
    """The Backward page's call: a function of its ``dims`` (another one, say a link's 1-D function
    with ``dims=2-D``, gives way to the first of them, as the page's radio does) with typed sizes.

    >>> call_backward({"dims": "2-D", "function": "avg_pool1d"}).call.function
    'max_pool2d'
    """
    values = with_defaults("backward", values)
    functions = backward_functions(values["dims"])
    function = values["function"] if values["function"] in functions else functions[0]
    return call_2d({**values, "function": function}, "backward")


UNPOOL_SIZES = ("kernel_size", "stride", "padding")


def unpool_arguments(values: dict) -> tuple[dict, tuple[int, ...] | None, list[str]]:
    """The Unpooling page's typed sizes: the pooling's arguments, ``max_unpool``'s ``output_size``
    (None, or a tuple: a typed ``5`` is ``(5,)``) and why a typed text is not a size.

    >>> unpool_arguments({"kernel_size": "2", "output_size": "5"})
    ({'kernel_size': 2, 'stride': None, 'padding': 0}, (5,), [])
    """
    values = with_defaults("unpool", values)
    arguments, problems = {}, []
    for name in (*UNPOOL_SIZES, "output_size"):
        arguments[name], problem = size("unpool", name, values[name])
        problems += [problem] if problem else []
    output_size = arguments.pop("output_size")
    return arguments, (output_size,) if isinstance(output_size, int) else output_size, problems


# --- the 3-D page --------------------------------------------------------------------------------


def call_3d(values: dict) -> Chosen:
    """The 3-D page's ``max_pool3d`` / ``avg_pool3d`` call: sizes typed as ``2`` or ``1, 2, 2`` (D, H, W).

    >>> call_3d({"function": "avg_pool3d", "kernel_size": "1, 2, 2"}).call.functional_code()
    'F.avg_pool3d(x, kernel_size=(1, 2, 2))'
    """
    return call_2d(values, "pool_3d")


def input_3d(values: dict) -> np.ndarray:
    """The 3-D page's ``(D, H, W)`` volume: random integers 0…9 (from ``seed``) or ``arange``, float32.

    >>> input_3d({"volume": "arange", "D": 2, "H": 2, "W": 3})[1].tolist()
    [[6.0, 7.0, 8.0], [9.0, 10.0, 11.0]]
    """
    values = with_defaults("pool_3d", values)
    shape = tuple(int(values[name]) for name in ("D", "H", "W"))
    if values["volume"] == "arange":
        return np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    return np.random.default_rng(int(values["seed"])).integers(0, 10, size=shape).astype(np.float32)


# --- the Images page: the sample, the region the window animation reads -----------------------

PIXELS_PER_CELL = ("1", "2", "4", "8", "16", "32")


def call_images(values: dict) -> Chosen:
    """The Images page's call (``max_pool2d`` or ``avg_pool2d`` with every typed argument)."""
    return call_2d(values, "images")


def image_images(values: dict) -> images.LoadedImage:
    """The Images page's bundled sample, decoded as the page decodes it (an upload has no link)."""
    name = with_defaults("images", values)["sample"]
    return images.load_image((images.SAMPLES_DIR / name).read_bytes())


def region_images(values: dict, image: images.LoadedImage) -> tuple[images.Region, int]:
    """The region the window animation reads and its channel: the page's own rule (a centre
    outside the image, as ``-1``, is the image's most detailed spot; ``pixels_per_cell=auto`` is
    the image's default zoom; a grayscale image has one channel)."""
    values = with_defaults("images", values)
    height, width = image.shape
    start_y, start_x = image.busiest_point
    centre_x = values["centre_x"] if 0 <= values["centre_x"] < width else start_x
    centre_y = values["centre_y"] if 0 <= values["centre_y"] < height else start_y
    per_cell = values["pixels_per_cell"]
    per_cell = int(per_cell) if per_cell in PIXELS_PER_CELL else images.default_pixels_per_cell(image.shape)
    region = images.region_around(image.shape, int(centre_y), int(centre_x), int(values["cells"]), per_cell)
    channel = images.CHANNEL_NAMES.index(values["channel"]) if values["colour"] == "RGB" else 0
    return region, channel


def input_images(values: dict) -> np.ndarray:
    """The Images page's animation input: the region of the chosen channel, ``(cells, cells)`` float32."""
    image = image_images(values)
    batch = images.as_batch(image, with_defaults("images", values)["colour"])
    region, channel = region_images(values, image)
    return images.region_plane(batch[channel], region)


# --- the Invariance page -------------------------------------------------------------------------


def invariance_values(values: dict) -> tuple[dict, dict[str, str]]:
    """The Invariance page's fields with the shift inside 0 … 2·kernel_size (its slider's bounds,
    which depend on kernel_size), and a notice if a link's shift was outside."""
    values = with_defaults("invariance", values)
    high = 2 * values["kernel_size"]
    if values["shift"] <= high:
        return values, {}
    used = min(state.field("invariance", "shift").default, high)
    notice = f"shift={values['shift']} from the link is not a whole number from 0 to {high}; using {used}."
    return {**values, "shift": used}, {"shift": notice}


def input_invariance(values: dict) -> np.ndarray:
    """The Invariance page's grid: the preset, with its seed, sized for the kernel."""
    values = with_defaults("invariance", values)
    return invariance.grid_preset(values["preset"], int(values["seed"]), int(values["kernel_size"]))
