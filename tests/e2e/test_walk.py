"""A person in one browser tab: random changes, page switches by the navigation, and back.

Seeded random walks (sliders, typed boxes with valid and invalid values, radios, toggles,
select boxes, number boxes, step buttons, and page switches by the sidebar) must never show an
exception, Streamlit's error box or a traceback; Channels and the torch API page, entered before
anything was changed on them, must still show the slide's example. Then the lecturer's walk in
the lecture's order, with a change on every page. On failure the message lists the actions.
"""

from __future__ import annotations

import random

import pytest
import torch
import torch.nn.functional as F
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from scripts.browser import act_and_settle, broken, choose, code_texts, open_app, open_select_box
from ui import data, navigation

pytestmark = pytest.mark.e2e

SEEDS = (1, 2, 3, 4)
STEPS_PER_SEED = 40  # 160 steps in all
LECTURE_OUTPUT = repr(F.max_pool2d(torch.from_numpy(data.LECTURE_X), (1, 2)))
TITLES = {spec.name: spec.title for spec in navigation.PAGES}

# What a person types: valid values, and the mistakes people make.
TYPED = {
    "x": ["1 4 -1 0 2", "3 1 2 8 0 5", "1 two 3", "nan 1 inf -inf 2", "", "5;1;7;2", "1, 2, 3, 4, 5, 6, 7, 8"],
    "grid": ["1 2 3\n4 5 6\n7 8 9", "1 x\n2 3", "1 2\n3", "0 1 2 3; 4 5 6 7; 8 9 10 11; 1 1 1 1"],
}
SIZES = ["1", "2", "3", "2, 3", "1, 2", "None", "abc", "0", "9", "2,2,2", "-1", "(2, 1)"]

# Every control of the page's main column and sidebar: its key, and what kind of widget it is.
_CONTROLS = """() => {
    const kinds = ['stSlider', 'stTextInput', 'stTextArea', 'stRadio', 'stCheckbox', 'stSelectbox',
                   'stNumberInput', 'stButton'];
    const found = [];
    for (const box of document.querySelectorAll('[class*="st-key-"]')) {
        if (box.closest('[data-testid="stSidebarNav"]')) continue;
        if (box.querySelector('[class*="st-key-"]')) continue;  // a keyed container (a row of controls), not a control
        const key = [...box.classList].find(c => c.startsWith('st-key-')).slice(7);
        const kind = kinds.find(k => box.querySelector(`[data-testid="${k}"]`) || box.dataset.testid === k);
        if (!kind || box.querySelector('[disabled]')) continue;
        found.push({key, kind});
    }
    return found;
}"""


def _field(key: str) -> str:
    return key.split("__", 1)[1] if "__" in key else key


def _act(page: Page, rng: random.Random, control: dict) -> str:
    """Do one thing to ``control``; return what was done, for the log."""
    box = page.locator(f".st-key-{control['key']}").first
    kind, field = control["kind"], _field(control["key"])
    if kind == "stSlider":
        key = rng.choice(["ArrowRight", "ArrowLeft", "ArrowRight", "End", "Home"])
        act_and_settle(page, lambda: (box.get_by_role("slider").first.focus(), page.keyboard.press(key)))
        return f"slider {field} {key}"
    if kind in ("stTextInput", "stTextArea"):
        text = rng.choice(TYPED.get(field, SIZES))
        target = box.locator("textarea" if kind == "stTextArea" else "input").first
        if kind == "stTextArea":
            act_and_settle(page, lambda: (target.fill(text), target.press("Control+Enter")))
        else:
            act_and_settle(page, lambda: (target.fill(text), target.press("Enter")))
        return f"typed {text!r} into {field}"
    if kind == "stRadio":
        options = box.locator("label")
        if not options.count():  # drawn, but its options not yet (seen once on a loaded machine)
            return f"radio {field}: no options drawn yet"
        choice = rng.randrange(options.count())
        label = options.nth(choice).inner_text()
        act_and_settle(page, lambda: options.nth(choice).click())
        return f"radio {field} → {label}"
    if kind == "stCheckbox":
        act_and_settle(page, lambda: box.locator("label").first.click())
        return f"toggled {field}"
    if kind == "stSelectbox":
        options = page.get_by_role("option")
        open_select_box(page, box)
        labels = [label for label in options.all_inner_texts() if label.strip()]
        if not labels:  # the list closed again before it could be read
            page.keyboard.press("Escape")
            return f"select {field}: its list closed at once"
        label = rng.choice(labels)
        try:
            act_and_settle(page, lambda: page.get_by_role("option", name=label, exact=True).first.click(timeout=5000))
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            return f"select {field}: its list closed before {label!r} was clicked"
        return f"select {field} → {label}"
    if kind == "stNumberInput":
        value = str(rng.choice([0, 1, 3, 7, 42, 9999]))
        target = box.locator("input").first
        act_and_settle(page, lambda: (target.fill(value), target.press("Enter")))
        return f"number {field} = {value}"
    label = box.locator("button").first.inner_text()
    if "Play" in label or "Pause" in label:
        return "skipped the play button (a timer: covered by test_pool_1d)"
    act_and_settle(page, lambda: box.locator("button").first.click())
    return f"button {label}"


def _switch(page: Page, name: str) -> None:
    link = page.locator('[data-testid="stSidebarNav"] a', has_text=TITLES[name]).first
    act_and_settle(page, lambda: link.click(), quiet_s=10.0)


def _check(page: Page, name: str, changed: set[str], log: list[str]) -> None:
    problem = broken(page)
    assert problem is None, f"{problem}\nafter:\n" + "\n".join(log[-25:])
    if name in ("channels", "torch_api") and name not in changed:
        blocks = code_texts(page)
        assert any(LECTURE_OUTPUT in block for block in blocks), (
            f"/{name} entered unchanged does not show the slide's example\nafter:\n" + "\n".join(log[-25:])
        )


@pytest.mark.parametrize("seed", SEEDS)
def test_random_walk_in_one_tab(page, streamlit_server, seed):
    rng = random.Random(seed)
    name = "pool_1d"
    open_app(page, streamlit_server, name)
    log, changed = [f"opened /{name}"], set()
    for _ in range(STEPS_PER_SEED):
        if rng.random() < 0.3:
            name = rng.choice([n for n in navigation.NAMES if n != name])
            _switch(page, name)
            log.append(f"switched to /{name} by the navigation")
        else:
            controls = page.evaluate(_CONTROLS)
            if controls:
                log.append(f"/{name}: " + _act(page, rng, rng.choice(controls)))
                changed.add(name)
        _check(page, name, changed, log)
    print(f"seed {seed}: {STEPS_PER_SEED} steps, pages changed: {sorted(changed)}")


LECTURE_WALK = {
    "pool_1d": lambda page: (
        page.locator(".st-key-pool_1d__kernel_size").get_by_role("slider").focus() or page.keyboard.press("ArrowRight")
    ),
    "channels": lambda page: choose(page, "channels__function", "avg_pool2d"),
    "invariance": lambda page: (
        page.locator(".st-key-invariance__shift").get_by_role("slider").focus() or page.keyboard.press("ArrowRight")
    ),
    "torch_api": lambda page: page.locator(".st-key-torch_api__ceil_mode label").first.click(),
    "pool_2d": lambda page: choose(page, "pool_2d__function", "avg_pool2d"),
    "images": lambda page: (
        page.locator(".st-key-images__cells").get_by_role("slider").focus() or page.keyboard.press("ArrowLeft")
    ),
}


def test_the_lecture_in_order_with_a_change_on_each_page(page, streamlit_server):
    """1-D → Channels → Invariance → torch API → 2-D → Images, by the navigation, a change on each."""
    open_app(page, streamlit_server, "")
    log, changed = ["opened /"], set()
    for name, change in LECTURE_WALK.items():
        _switch(page, name)
        log.append(f"switched to /{name}")
        _check(page, name, changed, log)
        act_and_settle(page, lambda change=change: change(page))
        changed.add(name)
        log.append(f"changed /{name}")
        _check(page, name, changed, log)
    for name in LECTURE_WALK:  # and once more through the lecture: every page as it was left
        _switch(page, name)
        _check(page, name, changed, log)
