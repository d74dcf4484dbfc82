"""Every piece of state the app keeps, declared once: which page owns it, its type, its default,
and its name in a shared link. No Streamlit here; :mod:`ui.views.page` applies the schema.

The rule, like TensorFlow Playground's ``state.ts``:

- A **page field** belongs to one page. Its session key is ``<page>__<name>`` (``pool_1d__kernel_size``),
  so no two pages ever share a widget key, and a value never changes type between pages.
  In the URL it keeps torch's own parameter name (``/pool_2d?kernel_size=2,3``).
- A link sets only the page it opens: on entering a page, the fields named in the URL are read
  (a bad value gets a notice and the default); the page's other fields keep their last values
  in this session (or their defaults the first time). After every run the URL is rewritten
  from the page's state, so the address bar always reproduces the view.
- A **session field** (``present``, ``mode``, ``hide``) belongs to the whole visit: a link turns it
  on and every page keeps it, and writes it into its own URL.

>>> key("pool_1d", "kernel_size")
'pool_1d__kernel_size'
>>> field("pool_2d", "kernel_size").read("2,3")
'2,3'
>>> field("pool_1d", "kernel_size").read("11")
Traceback (most recent call last):
...
ValueError: a whole number from 1 to 10
>>> url_values("pool_1d", {"kernel_size": 3, "stride": "None", "step": 0}, active={"kernel_size", "stride"})
{'kernel_size': '3'}
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ui import data, images, invariance

# --- session keys that are not page fields --------------------------------------------------------

CURRENT_PAGE = "_current_page"  # the page the last run drew; another value means "entering"
LINK_NOTICES = "_link_notices"  # field → (notice, value used instead): bad values of the entry link
LINK_FIELDS = "_link_fields"  # names of the fields the current page's link set
SESSION_NOTICES = "_session_notices"  # bad values of the session fields in the link (shown once)
SENT_WITHOUT_DELAY = "_sent_without_delay"  # TCP_NODELAY set for this session's socket (ui.views.frame)
ACTIVE_FIELDS = "_active_fields"  # names of the page fields whose controls this run drew
NARROW = "_narrow"  # the session's browser is a phone's (read once from its User-Agent)


def key(page: str, name: str) -> str:
    """The session-state key (and widget key) of a page's field."""
    return f"{page}__{name}"


# Per-page session keys that are not in the URL (``_<page>__<name>``): what they hold.
PRIVATE = {
    "figure": "the window figure's chart",
    "back": "the ◀ step button",
    "forward": "the step ▶ button",
    "play": "the ▶ Play / ⏸ Pause button",
    "playing": "whether the step advances on a timer",
    "last_tick": "when the timer last advanced the step (time.monotonic)",
    "speed": "the timer's speed (0.5×, 1×, 2×, 4×)",
    "scrub": "the scrubber (1-based step slider)",
    "preset": "the load-a-preset box (an action, reset after loading)",
    "csv": "the CSV uploader of the 1-D page",
    "loaded": "notes about the preset or file just loaded",
    "upload": "the image uploader of the Images page",
    "image": "which image the Images page drew last (a new one resets the region)",
    "controls": "a row of the page's controls (``…__controls_<row>`` for a second row)",
    "steps": "the row of step buttons",
    "steps_text": "whether \"Every step as text\" is open (its list is written only then)",
    "quiz": "predict mode's box of questions",
    "guess": "predict mode: a student's answer (``guess:<question id>``, one per question)",
    "check": "predict mode's Check button",
    "reveal": "predict mode's Reveal button",
    "checked": "predict mode: the question set last checked (its fingerprint)",
    "revealed": "predict mode: the question set revealed (its fingerprint)",
    "downloads": "the row of export buttons",
    "png": "the PNG download (the view on screen)",
    "gif": "the GIF download (every step)",
}


def private_key(page: str, name: str) -> str:
    """A session key of a page that is not in the URL (one of :data:`PRIVATE`, or ``<one>:<detail>``)."""
    if name.split(":", 1)[0] not in PRIVATE:
        raise KeyError(f"{name!r} is not a declared private key; add it to ui.state.PRIVATE")
    return f"_{page}__{name}"


def session_key(name: str) -> str:
    """The session-state key of a session field."""
    return f"_session__{name}"


# --- fields ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One piece of state: how the URL spells it and what values it takes.

    ``kind`` is ``"int"`` (a slider or number box), ``"choice"`` (one of ``options``), ``"flag"``
    (true/false), ``"text"`` (typed text, e.g. a sequence) or ``"size"`` (a torch size typed as
    ``2`` or ``2, 3``). The stored value is what the widget holds: an int, an option, a bool,
    or the text as typed.
    """

    name: str
    kind: str
    default: object
    options: tuple[str, ...] = ()
    low: int | None = None
    high: int | None = None
    allow_none: bool = False  # size: "None" allowed (stride, divisor_override)
    allow_none_items: bool = False  # size: "None, 2" allowed (adaptive output_size)

    def expects(self) -> str:
        """What a valid value looks like, in words (used in the link notice)."""
        if self.kind == "int":
            if self.low is not None and self.high is not None:
                return f"a whole number from {self.low} to {self.high}"
            return "a whole number" + (f" ≥ {self.low}" if self.low is not None else "")
        if self.kind == "choice":
            return "one of " + ", ".join(self.options)
        if self.kind == "flag":
            return "true or false"
        if self.kind == "size":
            return "a whole number like 2, or a pair like 2,3" + (", or None" if self.allow_none else "")
        return "text"

    def read(self, text: str):
        """The value a URL's ``text`` stands for; ``ValueError`` (saying what is expected) if none."""
        text = str(text)
        if self.kind == "int":
            try:
                value = int(text)
            except ValueError:
                raise ValueError(self.expects()) from None
            if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
                raise ValueError(self.expects())
            return value
        if self.kind == "choice":
            if text not in self.options:
                raise ValueError(self.expects())
            return text
        if self.kind == "flag":
            if text.lower() not in ("true", "false"):
                raise ValueError(self.expects())
            return text.lower() == "true"
        if self.kind == "size":
            try:
                data.parse_int_or_tuple(text, self.name, allow_none=self.allow_none,
                                        allow_none_items=self.allow_none_items)  # fmt: skip
            except ValueError:
                raise ValueError(self.expects()) from None
            return text
        return text

    def write(self, value) -> str:
        """The URL's text for ``value``."""
        if self.kind == "flag":
            return "true" if value else "false"
        if self.kind == "size":
            return ",".join(part.strip() for part in str(value).strip().strip("()[]").split(","))
        return str(value)


def _int(name, default, low=None, high=None) -> Field:
    return Field(name, "int", default, low=low, high=high)


def _choice(name, options, default=None) -> Field:
    options = tuple(options)
    return Field(name, "choice", options[0] if default is None else default, options=options)


def _flag(name, default=False) -> Field:
    return Field(name, "flag", default)


def _size(name, default, **options) -> Field:
    return Field(name, "size", default, **options)


def _text(name, default) -> Field:
    return Field(name, "text", default)


NORM_TYPES = ("1", "1.5", "2", "3", "4", "inf")
STRIDE_CHOICES = ("None",) + tuple(str(i) for i in range(1, 11))
FUNCTIONS_1D = tuple(f"{kind}_pool1d" for kind in ("max", "avg", "lp", "adaptive_max", "adaptive_avg"))
FUNCTIONS_2D = tuple(f"{kind}_pool2d" for kind in ("max", "avg", "lp", "adaptive_max", "adaptive_avg"))
STEP = _int("step", 0, low=0)  # the animation step on screen: output cell number, row-major, from 0

_POOLING_2D = (
    _size("kernel_size", "2"),
    _size("stride", "None", allow_none=True),
    _size("padding", "0"),
    _size("dilation", "1"),
    _flag("ceil_mode"),
    _flag("count_include_pad", True),
    _flag("return_indices"),
    _size("divisor_override", "None", allow_none=True),
    _choice("norm_type", NORM_TYPES, "2"),
    _size("output_size", "2", allow_none_items=True),
)

PAGE_FIELDS: dict[str, tuple[Field, ...]] = {
    "home": (),
    "pool_1d": (
        _text("x", data.LECTURE_SEQUENCE),
        _choice("function", FUNCTIONS_1D),
        _int("kernel_size", 2, 1, 10),
        _choice("stride", STRIDE_CHOICES),
        _int("padding", 0, 0, 5),
        _int("dilation", 1, 1, 5),
        _flag("ceil_mode"),
        _flag("count_include_pad", True),
        _flag("return_indices"),
        _choice("norm_type", NORM_TYPES, "2"),
        _int("output_size", 5, 1),  # up to the sequence length + 4: checked by the control
        _int("seed", 0, 0, 9999),
        STEP,
    ),
    "pool_2d": (
        _text("grid", data.format_grid(data.preset_grid("random integers", 0))),
        _choice("function", FUNCTIONS_2D),
        *_POOLING_2D,
        _int("seed", 0, 0, 9999),
        STEP,
    ),
    "channels": (
        _choice("tensor", ("lecture", "random")),
        _int("N", 2, 1, 3),
        _int("C", 3, 1, 4),
        _int("H", 4, 1, 8),
        _int("W", 6, 1, 8),
        _int("seed", 0, 0, 9999),
        _choice("function", ("max_pool2d", "avg_pool2d")),
        _size("kernel_size", "1, 2"),
        _size("stride", "None", allow_none=True),
        _size("padding", "0"),
    ),
    "torch_api": (
        _choice("input", ("lecture x", "arange 6×6")),
        _size("kernel_size", "1, 2"),
        _size("stride", "None", allow_none=True),
        _size("padding", "0"),
        _size("dilation", "1"),
        _flag("ceil_mode"),
        _flag("return_indices"),
    ),
    "invariance": (
        _int("kernel_size", 2, 2, 3),
        _int("shift", 1, 0),  # up to 2 × kernel_size: checked by the control
        _choice("direction", ("right", "down", "diagonal")),
        _choice("fill", ("edge", "zero", "wrap")),
        _choice("preset", ("random integers", "single spike", "checkerboard", "gradient")),
        _int("seed", 0, 0, 9999),
        _choice("sample", *invariance.sample_choices()),
    ),
    "images": (
        _choice("sample", images.sample_names()),
        _choice("colour", ("RGB", "grayscale")),
        _choice("view", ("side by side", "per channel")),
        _choice("function", ("max_pool2d", "avg_pool2d")),
        *(f for f in _POOLING_2D if f.name not in ("norm_type", "output_size")),
        _int("centre_x", -1, -1),  # -1: the image's most detailed spot
        _int("centre_y", -1, -1),
        _int("cells", 12, 8, 16),
        _choice("pixels_per_cell", ("auto", "1", "2", "4", "8", "16", "32")),
        _choice("channel", ("R", "G", "B")),
        STEP,
    ),
}

# The whole visit's state: a link turns it on, every page keeps it and writes it into its URL.
FUNCTIONS_3D = ("max_pool3d", "avg_pool3d")
_SLIDING_SIZES = (
    _size("kernel_size", "2"),
    _size("stride", "None", allow_none=True),
    _size("padding", "0"),
    _size("dilation", "1"),
    _flag("ceil_mode"),
    _flag("count_include_pad", True),
    _size("divisor_override", "None", allow_none=True),
)
PAGE_FIELDS["backward"] = (
    _choice("dims", ("1-D", "2-D")),
    _text("x", data.LECTURE_SEQUENCE),
    _text("grid", data.format_grid(data.preset_grid("random integers", 0))),
    _choice("function", FUNCTIONS_1D + FUNCTIONS_2D),
    *_SLIDING_SIZES,
    _flag("return_indices"),
    _choice("norm_type", NORM_TYPES, "2"),
    _size("output_size", "2", allow_none_items=True),
    _choice("upstream", ("ones", "one-hot", "random integers", "typed")),
    _int("cell", 0, 0),  # the one-hot upstream's output cell (row-major)
    _text("gradient", ""),  # a typed upstream gradient
    _int("gradient_seed", 0, 0, 9999),  # the random upstream gradient's seed
    _int("seed", 0, 0, 9999),  # the presets' seed
    STEP,
)
PAGE_FIELDS["unpool"] = (
    _choice("dims", ("1-D", "2-D")),
    _text("x", "1 4 -1 3 2"),
    _text("grid", data.format_grid(data.preset_grid("random integers", 0, side=5))),
    _size("kernel_size", "2"),
    _size("stride", "None", allow_none=True),
    _size("padding", "0"),
    _size("output_size", "None", allow_none=True),
    _int("seed", 0, 0, 9999),
    STEP,
)
PAGE_FIELDS["fractional"] = (
    _text("grid", data.format_grid(data.preset_grid("random integers", 0, side=7))),
    _size("kernel_size", "2"),
    _choice("by", ("output_size", "output_ratio")),
    _size("output_size", "4"),  # 4 windows of 2 over 7 cells: some overlap, some only touch
    _text("output_ratio", "0.7, 0.7"),  # Graham's ratio, about 1/√2: int(7 · 0.7) = 4 as well
    _int("seed", 0, 0, 9999),  # the random samples' seed
    STEP,
)
PAGE_FIELDS["pool_3d"] = (
    _choice("volume", ("random integers", "arange")),
    _int("D", 4, 1, 6),
    _int("H", 4, 1, 8),
    _int("W", 4, 1, 8),
    _int("seed", 0, 0, 9999),
    _choice("function", FUNCTIONS_3D),
    *_SLIDING_SIZES,
    _flag("return_indices"),
    STEP,
)

SESSION_FIELDS: tuple[Field, ...] = (
    _int("present", 0, 0, 1),  # ?present=1: presentation mode (projector: large, no sidebar, ◂ ▸)
    _choice("mode", ("explore", "predict")),  # ?mode=predict: predict first, then "Reveal"
    _text("hide", ""),  # ?hide=stride,padding,dilation: those controls are not drawn
    _int("quiz_seed", 0, 0, 9999),  # which questions predict mode asks (a link reproduces them)
)
SESSION_BY_NAME = {item.name: item for item in SESSION_FIELDS}


def read_session_link(query: dict[str, str]) -> tuple[dict, dict[str, str]]:
    """The session fields a link carries, and a notice for each bad one.

    >>> read_session_link({"present": "1", "mode": "quiz", "hide": "stride, padding"})
    ({'present': 1, 'mode': 'explore', 'hide': 'stride,padding'}, {'mode': 'mode=quiz from the link is not one of \
explore, predict; using explore.'})
    """
    values, notices = {}, {}
    for item in SESSION_FIELDS:
        if item.name not in query:
            continue
        try:
            value = item.read(query[item.name])
        except ValueError as error:
            value = item.default
            raw = query[item.name]
            notices[item.name] = f"{item.name}={raw} from the link is not {error}; using {item.write(value)}."
        if item.name == "hide":
            value = ",".join(name.strip() for name in str(value).split(",") if name.strip())
        values[item.name] = value
    return values, notices


def session_url_values(values: dict) -> dict[str, str]:
    """The session fields' URL text, where they differ from their defaults."""
    return {
        item.name: item.write(values[item.name])
        for item in SESSION_FIELDS
        if item.name in values and values[item.name] != item.default
    }


def fields(page: str) -> tuple[Field, ...]:
    return PAGE_FIELDS[page]


def field(page: str, name: str) -> Field:
    for candidate in PAGE_FIELDS[page]:
        if candidate.name == name:
            return candidate
    raise KeyError(f"page {page!r} has no field {name!r}")


def read_link(page: str, query: dict[str, str]) -> tuple[dict, dict[str, str]]:
    """The page's values a link carries, and a notice for each bad one (which falls back to the
    default), by field name.

    >>> values, notices = read_link("pool_1d", {"kernel_size": "3", "stride": "0", "other": "x"})
    >>> values
    {'kernel_size': 3, 'stride': 'None'}
    >>> notices["stride"]
    'stride=0 from the link is not one of None, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10; using None.'
    """
    values, notices = {}, {}
    for item in PAGE_FIELDS[page]:
        if item.name not in query:
            continue
        raw = query[item.name]
        try:
            values[item.name] = item.read(raw)
        except ValueError as error:
            values[item.name] = item.default
            shown = item.write(item.default) if item.kind != "int" or item.default >= 0 else "the default"
            notices[item.name] = f"{item.name}={raw} from the link is not {error}; using {shown}."
    return values, notices


def url_values(page: str, values: dict, active: Iterable[str]) -> dict[str, str]:
    """What the URL carries for the page's current ``values``: the fields its controls drew this
    run (``active``), plus the step, each only where it differs from its default."""
    wanted = set(active) | {"step"}
    query = {}
    for item in PAGE_FIELDS[page]:
        if item.name in wanted and item.name in values and values[item.name] != item.default:
            query[item.name] = item.write(values[item.name])
    return query
