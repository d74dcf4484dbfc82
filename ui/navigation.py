"""The app's pages, in the lecture's order. No Streamlit here: ``app.py`` turns these into
``st.Page`` objects, and the presentation mode's "previous / next" walks the same list.

Each page's ``name`` is its URL path (``/pool_1d``), its file (``pages/pool_1d.py``) and the
namespace of its state (``ui.state``).

>>> [page.name for page in PAGES][:4]
['home', 'pool_1d', 'channels', 'invariance']
>>> neighbours("channels")
('pool_1d', 'invariance')
"""

from __future__ import annotations

from dataclasses import dataclass

LECTURE = "The lecture"
BEYOND = "Beyond the slides"


@dataclass(frozen=True)
class PageSpec:
    """One page: its URL path and file name, title, icon (an emoji: a ``:material/`` icon would
    fetch a font from the network), section, and what it teaches in one line."""

    name: str
    title: str
    icon: str
    section: str
    summary: str

    @property
    def file(self) -> str:
        return f"pages/{self.name}.py"


PAGES: tuple[PageSpec, ...] = (
    PageSpec("home", "Pooling Lab", "🏠", "", "What pooling is, and where each slide of the lecture became a page"),
    PageSpec("pool_1d", "1-D pooling", "📏", LECTURE,
             "Max and average pooling over non-overlapping blocks: 1 4 -1 0 2 -2 1 3 3 1 → 4 0 2 3 3"),
    PageSpec("channels", "Channels (N×C×H×W)", "🧱", LECTURE,
             "Each channel of each sample pooled separately: an N×C×H×W tensor"),
    PageSpec("invariance", "Invariance", "🔀", LECTURE,
             "Invariance to permutations inside a cell, pseudo-invariance to local translations"),
    PageSpec("torch_api", "The torch API", "🔥", LECTURE,
             "F.max_pool2d's signature, stride and padding defaults, nn.MaxPool2d"),
    PageSpec("pool_2d", "2-D pooling", "🔳", BEYOND, "2-D pooling on a grid: every parameter, tuples included"),
    PageSpec("images", "Images", "🖼️", BEYOND, "Pooling real images, channel by channel"),
    PageSpec("backward", "Backward", "↩️", BEYOND,
             "The backward pass: where each output's gradient goes, checked against torch's autograd"),
    PageSpec("unpool", "Unpooling", "🔁", BEYOND, "max_unpool: the values back at their indices, zeros elsewhere"),
    PageSpec("fractional", "Fractional", "🎲", BEYOND, "fractional_max_pool2d: windows at pseudo-random starts"),
    PageSpec("pool_3d", "3-D pooling", "🧊", BEYOND, "A D×H×W volume as a row of slices, the window a box across them"),
)  # fmt: skip
NAMES = tuple(page.name for page in PAGES)
BY_NAME = {page.name: page for page in PAGES}


def neighbours(name: str) -> tuple[str | None, str | None]:
    """The pages before and after ``name`` in the lecture's order (None at either end)."""
    index = NAMES.index(name)
    before = NAMES[index - 1] if index > 0 else None
    after = NAMES[index + 1] if index + 1 < len(NAMES) else None
    return before, after
