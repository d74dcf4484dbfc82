"""Predict-then-reveal (``?mode=predict``): the questions of :mod:`ui.questions` on the page, a box
per answer, "Check" that marks each right or wrong, and "Reveal" that shows everything.

While a question set is not revealed, the page hides whatever gives its answers away
(:func:`hidden`); the set is the call's and the input's, so a changed parameter asks afresh.
"""

from __future__ import annotations

import hashlib
import html

import streamlit as st

from ui import questions as quiz
from ui.views.page import Page, session_value


def _fingerprint(asked: tuple[quiz.Question, ...]) -> str:
    """Which question set is on screen: its ids and answers (a new call or input is a new set)."""
    text = "|".join(f"{q.id}={q.answer!r}" for q in asked)
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def seed() -> int:
    """The quiz seed of the visit (``?quiz_seed=``): a link reproduces its questions."""
    return int(session_value("quiz_seed"))


def revealed(page: Page, asked: tuple[quiz.Question, ...]) -> bool:
    """Whether this question set has been revealed (or the page is not in predict mode)."""
    if not page.predicting:
        return True
    return st.session_state.get(page.private("revealed")) == _fingerprint(asked)


def hidden(page: Page, asked: tuple[quiz.Question, ...] | None) -> bool:
    """Whether the page must hide its answers now: predicting, with questions not yet revealed."""
    return page.predicting and asked is not None and not revealed(page, asked)


def _mark(value) -> str:
    return {True: "✅", False: "❌", None: "·"}[value]


def _marks(question: quiz.Question, marking: quiz.Marking) -> str:
    """``y[0] ✅ · y[1] ❌ …``: each cell's mark, for a cells question."""
    if marking.cells is None:
        return _mark(marking.right)
    rows = marking.cells if marking.cells and isinstance(marking.cells[0], tuple) else (marking.cells,)
    parts = []
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            index = (c,) if rows is not marking.cells else (r, c)
            parts.append(f"{question.cell_label(index)} {_mark(value)}")
    return " · ".join(parts) + (f" · {marking.extra} extra ❌" if marking.extra else "")


def _guess_widget(page: Page, question: quiz.Question, number: int) -> str | None:
    key = page.private(f"guess:{question.id}")
    label = f"Your answer ({question.kind})" if question.kind != "choice" else "Your answer"
    if question.kind == "choice":
        return st.radio(label, question.options, index=None, key=key, label_visibility="collapsed")
    rows = question.kind == "cells" and bool(question.answer) and isinstance(question.answer[0], tuple)
    cells = "e.g. 1 2; 3 4 (rows separated by ;)" if rows else "e.g. 1 2 3"
    placeholder = {"cells": cells, "shape": "e.g. (2, 3)", "number": "a number"}
    return st.text_input(label, key=key, placeholder=placeholder[question.kind], label_visibility="collapsed")


def _check(page: Page, fingerprint: str) -> None:
    st.session_state[page.private("checked")] = fingerprint


def _reveal(page: Page, fingerprint: str) -> None:
    st.session_state[page.private("revealed")] = fingerprint


def panel(page: Page, asked: tuple[quiz.Question, ...]) -> None:
    """The questions, their answer boxes, Check and Reveal; after Reveal, the answers explained."""
    fingerprint = _fingerprint(asked)
    checked = st.session_state.get(page.private("checked")) == fingerprint
    shown = revealed(page, asked)
    with st.container(border=True, key=page.private("quiz")):
        st.markdown("#### Predict first" if not shown else "#### The answers")
        for number, question in enumerate(asked, start=1):
            st.markdown(f"**{number}.** {question.prompt}")
            typed = _guess_widget(page, question, number)
            if checked or shown:
                marking = quiz.check(question, typed or "")
                text = _marks(question, marking)
                if marking.message:
                    text += f" — {marking.message}"
                st.markdown(f"<div class='pooling-mark' role='status'>{html.escape(text)}</div>",
                            unsafe_allow_html=True)  # fmt: skip
            if shown:
                st.markdown(f"**Answer:** `{question.answer_text}`\n\n{question.explanation}")
        check, reveal = st.columns(2)
        check.button("Check", key=page.private("check"), on_click=_check, args=(page, fingerprint),
                     use_container_width=True, help="Mark each answer right or wrong")  # fmt: skip
        reveal.button("Reveal", key=page.private("reveal"), on_click=_reveal, args=(page, fingerprint),
                      use_container_width=True, disabled=shown, help="Show every answer, and why")  # fmt: skip
