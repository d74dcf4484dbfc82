"""How every page starts and how its state reaches the URL: the one mechanism behind
:mod:`ui.state`'s schema.

A page's script begins with ``page = start("pool_1d")``. Entering a page (the last run drew
another one, or none) reads the fields its link names into the page's own session keys, with a
notice for each bad value; the page's other fields keep their last values in this session.
After every run (app.py calls :func:`sync_url` when the page is done, and the step panel after
each step) the URL is rewritten from the page's state, torch's names and all, so a copied link
reproduces the view and sets only the page it opens.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from ui import navigation, state
from ui.palette import Palette, palette
from ui.views import frame, style


@dataclass
class Page:
    """The running page: its name, and its palette (from the theme)."""

    name: str

    def key(self, name: str) -> str:
        return state.key(self.name, name)

    def private(self, name: str) -> str:
        return state.private_key(self.name, name)

    def value(self, name: str):
        """The field's current value in this session (its default if never set)."""
        return st.session_state.get(self.key(name), state.field(self.name, name).default)

    def set(self, name: str, value) -> None:
        st.session_state[self.key(name)] = value

    def from_link(self, name: str) -> bool:
        """Whether the field's value came from the link this page was opened with."""
        return name in st.session_state.get(state.LINK_FIELDS, set())

    def link_notice(self, name: str, text: str, used) -> None:
        """A bad link value found by a control (its bounds depend on other values)."""
        st.session_state.setdefault(state.LINK_NOTICES, {})[name] = (text, used)

    def activate(self, name: str) -> None:
        """Say that this run drew the field's control: the URL carries it."""
        st.session_state.setdefault(state.ACTIVE_FIELDS, set()).add(name)

    def stop(self) -> None:
        """End the run here (``st.stop``), with the URL still written from the state drawn so far."""
        sync_url()
        st.stop()

    @property
    def palette(self) -> Palette:
        return palette(st.context.theme.type)

    @property
    def notices(self) -> list[str]:
        """Bad values from the link this page was opened with, while the value used instead is
        still the field's: once a person changes it, the link is no longer to blame."""
        kept = {}
        for name, (text, used) in st.session_state.get(state.LINK_NOTICES, {}).items():
            if self.value(name) == used:
                kept[name] = (text, used)
        st.session_state[state.LINK_NOTICES] = kept
        return [text for text, _ in kept.values()]

    # --- the visit's modes (session fields) -------------------------------------------------

    @property
    def presenting(self) -> bool:
        """Presentation mode (``?present=1``): a projector, a lecturer, the keyboard."""
        return bool(session_value("present"))

    @property
    def predicting(self) -> bool:
        """Predict-then-reveal (``?mode=predict``)."""
        return session_value("mode") == "predict"

    def hidden(self, name: str) -> bool:
        """Whether a lecturer's link removed this field's control (``?hide=stride,padding``)."""
        return name in str(session_value("hide")).split(",")

    @property
    def narrow(self) -> bool:
        """A phone: its browser says "Mobile" (tablets do not). Streamlit lays columns out one
        under another there; figures are laid out for ~360 px, with fewer numbers."""
        known = st.session_state.get(state.NARROW)
        if known is None:  # the browser does not change in a session: read its headers once
            agent = st.context.headers.get("User-Agent", "") or ""
            known = st.session_state[state.NARROW] = "Mobi" in agent and "iPad" not in agent
        return known

    @property
    def figure_width(self) -> int:
        """The width (px) the main figure is laid out for: the whole screen when presenting, a
        phone's width on a phone."""
        if self.presenting:
            return 1150
        return 360 if self.narrow else 900

    @contextlib.contextmanager
    def controls(self, row: str | None = None):
        """Where the page's controls go: a row in the page, above what they change (two or three
        to a line on a phone), on every screen, presenting or not.

        Not the sidebar: on a phone it covers the page, so every change meant opening it,
        changing, and closing it again to see what changed; and controls in the page can share
        a fragment with what they change (:meth:`lesson`). ``row`` names a second row.
        """
        key = self.private("controls") + ("" if row is None else f"_{row}")  # a class name: no colon
        with st.container(horizontal=True, gap="small", key=key):
            yield

    def lesson(self, body: Callable[[], None]) -> None:
        """Run ``body`` (the page's controls and everything they change) as one ``st.fragment``.

        Moving a control then reruns only the lesson, not the title, the input and the
        navigation above it: the browser has a third fewer elements to redraw (see the floor
        comparison in benchmarks/bench_app.py). ``body`` may end early with :meth:`stop`; the
        URL is rewritten after each of its runs. Link notices are said inside it, so that they go
        when their value is changed.
        """
        st.fragment(_lesson_fragment)(self, body)

    def intro(self, title: str, text: str, *, predicting_text: str | None = None) -> None:
        """The page's title and what it teaches (``predicting_text`` instead in predict mode, when
        ``text`` gives an answer away). When presenting, the bar above names the page and the
        lecturer says the rest: the screen is kept for the input, the controls and the figure."""
        if not self.presenting:
            st.title(title)
            st.markdown(predicting_text if self.predicting and predicting_text is not None else text)

    def show_notices(self, area=None) -> None:
        """The link's bad values, said once, where the page starts (call it after the controls)."""
        for notice in self.notices:
            (area or st).warning(notice, icon="🔗")


def _lesson_fragment(page: Page, body: Callable[[], None]) -> None:
    page.show_notices()
    body()
    sync_url()


def session_value(name: str):
    """A session field's value (its default if no link set it)."""
    return st.session_state.get(state.session_key(name), state.SESSION_BY_NAME[name].default)


def start(name: str) -> Page:
    """Begin a page run: route through app.py, take the link's values on entering, style the page."""
    frame.use_router()
    frame.start_session()
    session = st.session_state
    if session.get(state.CURRENT_PAGE) != name:
        query = st.query_params.to_dict()
        values, notices = state.read_link(name, query)
        visit, visit_notices = state.read_session_link(query)
        for field_name, value in values.items():
            session[state.key(name, field_name)] = value
        for field_name, value in visit.items():
            session[state.session_key(field_name)] = value
        notices = {field_name: (text, values[field_name]) for field_name, text in notices.items()}
        session[state.LINK_NOTICES] = notices
        session[state.LINK_FIELDS] = set(values)
        session[state.SESSION_NOTICES] = list(visit_notices.values())
        session[state.CURRENT_PAGE] = name
    session[state.ACTIVE_FIELDS] = set()
    page = Page(name)
    style.inject(presenting=page.presenting, theme=page.palette.name)
    for notice in session.pop(state.SESSION_NOTICES, []):
        st.warning(notice, icon="🔗")
    if page.presenting:
        _presentation_bar(page)
    return page


def _go(name: str) -> None:
    st.switch_page(navigation.BY_NAME[name].file)


def _presentation_bar(page: Page) -> None:
    """◂ previous · where we are · next ▸ (PageUp / PageDown, what a presenter's clicker sends),
    and a way out of presentation mode."""
    before, after = navigation.neighbours(page.name)
    back, title, forward, leave = st.columns([2, 5, 2, 1], vertical_alignment="center")
    if back.button(f"◂ {navigation.BY_NAME[before].title}" if before else "◂ previous", key="_present_back",
                   shortcut="PageUp", disabled=before is None, use_container_width=True):  # fmt: skip
        _go(before)
    spec = navigation.BY_NAME[page.name]
    number = navigation.NAMES.index(page.name)  # the home page is no slide: no "0 of 10"
    where = f" · {number} of {len(navigation.NAMES) - 1}" if number else ""
    title.markdown(f"<div class='pooling-where'>{spec.icon} {spec.title}{where}</div>", unsafe_allow_html=True)
    if forward.button(f"{navigation.BY_NAME[after].title} ▸" if after else "next ▸", key="_present_next",
                      shortcut="PageDown", disabled=after is None, use_container_width=True):  # fmt: skip
        _go(after)
    if leave.button("✕", key="_present_exit", help="Leave presentation mode", use_container_width=True):
        st.session_state[state.session_key("present")] = 0
        st.rerun()


def sync_url() -> None:
    """Rewrite the URL's query from the current page's state (only if it changed)."""
    session = st.session_state
    name = session.get(state.CURRENT_PAGE)
    if name is None or name not in state.PAGE_FIELDS:
        return
    values = {
        f.name: session[state.key(name, f.name)] for f in state.fields(name) if state.key(name, f.name) in session
    }
    query = state.url_values(name, values, session.get(state.ACTIVE_FIELDS, set()))
    visit = {item.name: session_value(item.name) for item in state.SESSION_FIELDS}
    query.update(state.session_url_values(visit))
    current = {k: v for k, v in st.query_params.to_dict().items() if k not in ("embed", "embed_options")}
    if current != query:
        st.query_params.from_dict(query)
