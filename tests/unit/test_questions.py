"""ui.questions: predict-then-reveal questions, and the marking of what a student types.

Three ways, as everywhere: the lecture's own numbers worked by hand (``1 4 -1 0 2 -2 1 3 3 1`` →
``4 0 2 3 3``; the slide's ``F.max_pool2d(x, (1, 2))``), the messages a student reads, and
generated sweeps over random 1-D and 2-D calls in which every answer is checked against what
torch computes — by a torch experiment of its own, never by re-reading ``ui.questions``.
"""

from __future__ import annotations

import math
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pooling_core import PoolCall
from pooling_core.animation import fmt
from ui import data
from ui import invariance as inv
from ui import questions as q

ROOT = Path(__file__).resolve().parents[2]
LECTURE_CALL = PoolCall("max_pool1d", {"kernel_size": 2})
SLIDE_CALL = PoolCall("max_pool2d", {"kernel_size": (1, 2)})
SLIDE_RESULT = np.array([[[[2, 1, 2], [2, 1, 2]], [[2, 1, 2], [1, 1, 0]]]], dtype=np.float32)  # as printed
ALL = 99  # ask every confusion question that applies


def lecture_x() -> np.ndarray:
    return data.parse_sequence(data.LECTURE_SEQUENCE)


def main_question(call=LECTURE_CALL, x=None, seed=0) -> q.Question:
    return q.questions_1d(call, lecture_x() if x is None else x, seed)[0]


def written(values: np.ndarray, minus: str = "-") -> list[str]:
    """An output as pages write it: cells by ``fmt``, rows on lines (``values_text``) or joined by ``; ``."""
    values = np.atleast_2d(values)
    rows = [" ".join(fmt(v).replace("−", minus) for v in row) for row in values]
    return ["\n".join(rows), "; ".join(rows)]


# --- the lecture, by hand ------------------------------------------------------------------------


def test_the_lecture_default_asks_for_4_0_2_3_3():
    main = main_question()
    assert (main.kind, main.confusion, main.answer) == ("cells", "windows", (4.0, 0.0, 2.0, 3.0, 3.0))
    assert main.answer_text == "4 0 2 3 3"
    assert "4 0 2 3 3" not in main.prompt and "1 4 -1 0 2 -2 1 3 3 1" in main.prompt
    assert "stride defaults to kernel_size (2)" in main.explanation and "do not overlap" in main.explanation
    assert "L_out = ⌊(10 + 2·0 − 1·(2−1) − 1)/2⌋ + 1 = 5" in main.explanation


def test_a_right_answer_is_marked_right_cell_by_cell():
    marking = q.check(main_question(), "4 0 2 3 3")
    assert marking == q.Marking(True, "All 5 right.", (True,) * 5)


def test_a_wrong_last_cell_is_marked_wrong_and_named():
    marking = q.check(main_question(), "4 0 2 3 2")
    assert (marking.right, marking.cells, marking.message) == (False, (True, True, True, True, False), "Wrong: y[4].")


def test_a_short_answer_marks_the_missing_cells_wrong_and_says_so():
    marking = q.check(main_question(), "4 0 2")
    assert marking.right is False
    assert marking.cells == (True, True, True, False, False)
    assert marking.message == "You typed 3 values; y has 5 cells, so y[3], y[4] are missing."


def test_a_long_answer_counts_the_extra_values_as_wrong():
    marking = q.check(main_question(), "4 0 2 3 3 1 7")
    assert (marking.right, marking.cells, marking.extra) == (False, (True,) * 5, 2)
    assert marking.message == "You typed 7 values; y has 5 cells: 2 values too many."


def test_a_word_instead_of_a_number_gives_a_message_not_an_exception():
    marking = q.check(main_question(), "4 two 2 3 3")
    assert marking.right is None  # nothing is wrong yet, one cell is not judged
    assert marking.cells == (True, None, True, True, True)
    assert marking.message == '"two" is not a number (y[1] is not marked).'


@pytest.mark.parametrize("typed", ["4, 0, 2, 3, 3", "[4., 0., 2., 3., 3.]", "tensor([4., 0., 2., 3., 3.])",
                                   " 4  0\t2 3 3 ", "4;0;2;3;3", "4\n0\n2\n3\n3"])  # fmt: skip
def test_typing_is_forgiving(typed):
    assert q.check(main_question(), typed).right is True


def test_cells_left_open_are_not_marked():
    assert q.check(main_question(), "4 ? 2 _ 3").cells == (True, None, True, None, True)
    per_cell = q.check(main_question(), ["4", "", "2", "3", "3"])  # one box per output cell
    assert (per_cell.right, per_cell.cells, per_cell.message) == (
        None,
        (True, None, True, True, True),
        "Left empty: y[1].",
    )
    assert q.check(main_question(), "") == q.Marking(None, "Nothing typed yet.", (None,) * 5)
    assert q.check(main_question(), ["", "", "", "", ""]).right is None


def test_the_lecture_average_is_checked_to_the_digits_the_page_shows():
    main = main_question(PoolCall("avg_pool1d", {"kernel_size": 3}))  # (1+4-1)/3, (0+2-2)/3, (1+3+3)/3
    assert main.answer_text == "1.33 0 2.33"
    assert q.check(main, "1.33 0 2.33").right and q.check(main, "1.3333 -0 2.333333").right
    assert q.check(main, "1.3 0 2.3").cells == (False, True, False)  # 2 digits are not what the page shows
    assert q.check(main, "4/3 0 7/3").message.startswith('"4/3" is not a number')


# --- numbers, shapes and choices ------------------------------------------------------------------


@pytest.mark.parametrize(("guess", "true", "right"), [
    (1.33, 4 / 3, True), (1.334, 4 / 3, True), (1.3, 4 / 3, False), (1.34, 4 / 3, False),
    (float(np.float32(1.335)), 1.335, True), (100, 100.4, True), (101, 100.4, False), (10, 9.996, True),
    (0.000123, 0.0001234, True), (0.0001, 0.0001234, False), (0, 0, True), (-0.0, 0.0, True), (1e-9, 0, False),
    (math.nan, math.nan, True), (0, math.nan, False), (math.inf, math.inf, True), (-math.inf, math.inf, False),
    (1e300, math.inf, False),
])  # fmt: skip
def test_same_number_rounds_like_the_page(guess, true, right):
    assert q.same_number(guess, true) is right


@pytest.mark.parametrize("typed", ["-inf", "−∞", "-∞", "−inf", "-Infinity"])
def test_minus_infinity_is_typed_many_ways(typed):
    question = q.Question("t", "?", "cells", (-math.inf, math.nan, math.inf), "…", "windows")
    assert q.check(question, f"{typed} nan ∞").right is True


def test_number_questions_want_one_exact_whole_number():
    question = q.Question("t", "?", "number", 5, "…", "output_size")
    assert [q.check(question, typed).right for typed in ("5", "5.0", " 5 ", "4", "5.01")] == [True] * 3 + [False] * 2
    assert q.check(question, "4").message == "Not 4."
    assert q.check(question, "five").message == '"five" is not a number.'
    assert q.check(question, "5 6").message == "Type one number (you typed 2)."


@pytest.mark.parametrize(
    "typed", ["(1, 2, 2, 3)", "1 2 2 3", "1x2x2x3", "1×2×2×3", "torch.Size([1, 2, 2, 3])", "[1,2,2,3]"]
)
def test_shapes_are_typed_as_a_tuple_or_numbers(typed):
    assert q.check(q.Question("t", "?", "shape", (1, 2, 2, 3), "…", "output_size"), typed).right is True


def test_a_wrong_shape_says_which_dimension():
    question = q.Question("t", "?", "shape", (1, 2, 2, 3), "…", "output_size")
    assert q.check(question, "(1, 2, 2, 6)").message == "Wrong size along dimension 3 (counted from 0)."
    assert q.check(question, "(2, 3)").message == "y has 4 dimensions; you gave 2."
    assert q.check(question, "(2, three)").right is None
    assert q.check(question, "(2, three)").message == '"three" is not a whole number: type a shape like (2, 3).'


def test_a_choice_is_its_text_or_its_number():
    question = q.Question("t", "?", "choice", q.PERMUTATION_OPTIONS[0], "…", "permutation", q.PERMUTATION_OPTIONS)
    assert q.check(question, q.PERMUTATION_OPTIONS[0]).right is True
    assert q.check(question, "1").right is True and q.check(question, "2").right is False
    assert q.check(question, "No").right is True and q.check(question, "yes").right is False
    assert q.check(question, "3").right is None and "is not one of the options" in q.check(question, "3").message


def test_padding_options_are_typed_as_their_value_not_their_number():
    question = q.Question("t", "?", "choice", q.PADDING_OPTIONS[1], "…", "padding_value", q.PADDING_OPTIONS)
    assert [q.check(question, typed).right for typed in ("−∞", "-inf", "-∞", "−∞ (minus infinity)")] == [True] * 4
    assert q.check(question, "0").right is False  # the value 0, not option number 0
    assert q.check(question, "2").right is None  # numbers are values here, and 2 is no option


def test_a_question_checks_its_own_fields():
    with pytest.raises(ValueError, match="kind must be one of"):
        q.Question("t", "?", "essay", 1, "…", "windows")
    with pytest.raises(ValueError, match="confusion must be one of"):
        q.Question("t", "?", "number", 1, "…", "dropout")
    with pytest.raises(ValueError, match="is not one of the options"):
        q.Question("t", "?", "choice", "maybe", "…", "permutation", ("yes", "no"))


def test_2d_answers_are_typed_in_rows():
    question = q.Question("t", "?", "cells", ((2.0, 1.0, 2.0), (1.0, 1.0, 0.0)), "…", "windows", target="y[0, 1]")
    for typed in ("2 1 2; 1 1 0", "2 1 2\n1 1 0", "[[2., 1., 2.], [1., 1., 0.]]", "2 1 2 1 1 0"):
        assert q.check(question, typed).right is True, typed
    short_row = q.check(question, "2 1 2; 1 1")
    assert short_row.cells == ((True, True, True), (True, True, False))
    assert "y[0, 1, 1, 2] is missing" in short_row.message
    long_row = q.check(question, "2 1 2 5; 1 1 0")
    assert (long_row.right, long_row.extra) == (False, 1)
    assert q.check(question, "2 1 2; 1 1 0; 4").extra == 1
    assert q.check(question, "2 1 2; 1 2 0").message == "Wrong: y[0, 1, 1, 1]."


def test_max_padding_is_minus_infinity_shown_on_a_negative_window():
    x = np.array([-3.0, -1.0, -2.0, -5.0])
    call = PoolCall("max_pool1d", {"kernel_size": 2, "padding": 1})
    padding = next(qq for qq in q.questions_1d(call, x, 0, count=ALL) if qq.confusion == "padding_value")
    assert padding.answer == "−∞ (minus infinity)" and q.check(padding, "-inf").right
    assert "every real value there is negative, and the max is still" in padding.explanation
    assert "not 0" in padding.explanation


@pytest.mark.parametrize(("include", "divisor", "other"), [(True, 3, ("1.5", "4.5")), (False, 2, ("1", "3"))])
def test_count_include_pad_on_torchs_documented_example(include, divisor, other):
    """``avg_pool1d([1, 2, 3, 4, 5], 3, 2, padding=1, ceil_mode=True)`` is ``[1, 3, 3]``, or ``[1.5, 3, 4.5]``
    without counting the padding: both edge windows hold one padding cell."""
    call = PoolCall("avg_pool1d", {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True,
                                   "count_include_pad": include})  # fmt: skip
    x = np.arange(1.0, 6.0)
    assert main_question(call, x).answer_text == ("1 3 3" if include else "1.5 3 4.5")
    for seed in range(6):
        question = next(qq for qq in q.questions_1d(call, x, seed, count=ALL) if qq.confusion == "count_include_pad")
        assert question.answer == divisor and question.focus in ((0,), (2,))
        assert "1 padding cell" in question.prompt
        assert f"= {other[question.focus[0] // 2]}" in question.explanation


def test_an_empty_output_asks_for_its_shape():
    grid = data.preset_grid("random integers", 0, 4)
    main = q.questions_2d(PoolCall("adaptive_max_pool2d", {"output_size": (0, 2)}), grid, 0)[0]
    assert (main.kind, main.answer, main.confusion) == ("shape", (0, 2), "output_size")
    assert q.check(main, "0 2").right


# --- the lecture's Channels slide ---------------------------------------------------------------


def test_the_slides_channels_example():
    questions = q.questions_channels(SLIDE_CALL, data.LECTURE_X, seed=0, count=ALL)
    main = questions[0]
    assert main.kind == "cells" and len(main.focus) == 2
    assert np.array_equal(np.array(main.answer), SLIDE_RESULT[main.focus])
    assert q.check(main, "\n".join(" ".join(str(int(v)) for v in row) for row in SLIDE_RESULT[main.focus])).right
    by_confusion = {question.confusion: question for question in questions}
    assert by_confusion["output_size"].answer == (1, 2, 2, 3)
    assert "N = 1, C = 2 stay as they are" in by_confusion["output_size"].explanation
    assert by_confusion["channels_separate"].answer.startswith("only y[")
    assert by_confusion["stride_default"].answer in (1, 2)  # kernel (1, 2): stride 1 along H, 2 along W


@pytest.mark.parametrize("seed", range(12))
def test_no_prompt_of_the_channels_or_torch_api_pages_writes_the_slides_result(seed):
    printed = repr(torch.from_numpy(SLIDE_RESULT))  # tensor([[[[2., 1., 2.], ...
    texts = [printed] + [text for plane in SLIDE_RESULT.reshape(-1, 2, 3) for text in written(plane)]
    for generate in (q.questions_channels, q.questions_torch_api):
        for question in generate(SLIDE_CALL, data.LECTURE_X, seed, count=ALL):
            for option in (question.prompt, *question.options):
                assert not any(text in option for text in texts), (question.id, option)


@pytest.mark.parametrize("seed", range(12))
def test_no_prompt_of_the_1d_page_writes_the_lectures_output(seed):
    for question in q.questions_1d(LECTURE_CALL, lecture_x(), seed, count=ALL):
        assert "4 0 2 3 3" not in question.prompt and "4 0 2 3 3" not in " ".join(question.options)


def test_the_torch_api_page_asks_for_the_shape_first():
    questions = q.questions_torch_api(SLIDE_CALL, data.LECTURE_X, seed=0, count=ALL)
    assert (questions[0].kind, questions[0].answer) == ("shape", (1, 2, 2, 3))
    assert q.check(questions[0], "torch.Size([1, 2, 2, 3])").right
    arange = np.arange(36, dtype=np.float32).reshape(1, 1, 6, 6)  # the page's other input: one channel
    confusions = [question.confusion for question in q.questions_torch_api(SLIDE_CALL, arange, 0, count=ALL)]
    assert "channels_separate" not in confusions  # one plane: nothing to mix


# --- channels never mix ---------------------------------------------------------------------------


@pytest.mark.parametrize(("shape", "options"), [((1, 2, 2, 6), 2), ((2, 1, 2, 6), 2), ((2, 3, 2, 6), 4)])
@pytest.mark.parametrize("function", ["max_pool2d", "avg_pool2d"])
def test_only_the_changed_plane_changes_as_torch_shows(shape, options, function):
    x = data.random_tensor(shape, seed=1)
    call = PoolCall(function, {"kernel_size": 2, "padding": 1})
    question = next(qq for qq in q.questions_channels(call, x, 0, count=ALL) if qq.confusion == "channels_separate")
    n, c = question.focus
    changed = x.copy()
    changed[n, c] += 5
    before, after = (getattr(F, function)(torch.from_numpy(t), 2, padding=1).numpy() for t in (x, changed))
    differing = {
        (i, j) for i in range(shape[0]) for j in range(shape[1]) if not np.array_equal(before[i, j], after[i, j])
    }
    assert differing == {(n, c)} and question.answer == f"only y[{n}, {c}]"
    assert len(question.options) == options


def test_a_single_plane_has_no_channels_question():
    x = data.random_tensor((1, 1, 4, 4), seed=0)
    assert all(qq.confusion != "channels_separate" for qq in q.questions_channels(SLIDE_CALL, x, 0, count=ALL))


# --- invariance: computed on the grid, not assumed -----------------------------------------------------


@pytest.mark.parametrize("kernel_size", [2, 3])
@pytest.mark.parametrize("seed", range(4))
def test_invariance_answers_are_what_the_page_computes(kernel_size, seed):
    grid = inv.grid_preset("random integers", seed, kernel_size)
    questions = q.questions_invariance(grid, kernel_size, seed, shift=1, count=ALL)
    assert questions[0].id == "invariance:permutation:max:inside"
    check = inv.permutation_check(grid, kernel_size, seed)
    moved = inv.translate(grid, kernel_size, 1)
    for question in questions:
        if question.confusion == "permutation":
            _, _, method, where = question.id.split(":")
            unchanged = check.comparisons[method][where].unchanged
            assert question.answer == q.PERMUTATION_OPTIONS[0 if unchanged else 1]
        else:
            kept = {m: moved.comparisons[m].changed.size - moved.comparisons[m].count for m in ("max", "avg")}
            expected = 2 if kept["max"] == kept["avg"] else (0 if kept["max"] > kept["avg"] else 1)
            assert question.answer == q.TRANSLATION_OPTIONS[expected]
    assert questions[0].answer == q.PERMUTATION_OPTIONS[0]  # inside a cell: max never changes


def test_invariance_answers_follow_the_grid_even_against_the_slogan():
    constant = np.full((6, 6), 3.0)  # shuffling across cells moves only 3s: nothing changes
    across = next(qq for qq in q.questions_invariance(constant, 2, 0, count=ALL) if qq.id.endswith("max:across"))
    assert across.answer == q.PERMUTATION_OPTIONS[0] and "0 of the 9 outputs changed" in across.explanation
    varied = np.arange(36.0).reshape(6, 6)
    across = next(qq for qq in q.questions_invariance(varied, 2, 0, count=ALL) if qq.id.endswith("max:across"))
    assert across.answer == q.PERMUTATION_OPTIONS[1]


def test_invariance_uses_the_pages_shuffle_seed():
    grid = inv.grid_preset("random integers", 0, 2)
    shown = q.questions_invariance(grid, 2, seed=5, shuffle_seed=7, count=ALL)
    assert all("seed 7" in question.prompt for question in shown if question.confusion == "permutation")


# --- reproducible from the seed ------------------------------------------------------------------------


RICH_CALL = PoolCall("max_pool2d", {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True})


def test_the_same_seed_gives_the_same_questions():
    grid = data.preset_grid("random integers", 0, 6)
    for seed in range(5):
        assert repr(q.questions_2d(RICH_CALL, grid, seed)) == repr(q.questions_2d(RICH_CALL, grid, seed))
        assert repr(q.questions_channels(SLIDE_CALL, data.LECTURE_X, seed)) == repr(
            q.questions_channels(SLIDE_CALL, data.LECTURE_X, seed)
        )


def test_seeds_matter_when_more_applies_than_is_asked():
    grid = data.preset_grid("random integers", 0, 6)
    applicable = {question.id for question in q.questions_2d(RICH_CALL, grid, 0, count=ALL)[1:]}
    assert len(applicable) > q.COUNT  # stride, ceil_mode, padding, output size, indices
    sets = {tuple(question.id for question in q.questions_2d(RICH_CALL, grid, seed)) for seed in range(20)}
    assert len(sets) > 3
    assert all(len(chosen) == 1 + q.COUNT for chosen in sets)
    planes = {q.questions_channels(SLIDE_CALL, data.LECTURE_X, seed)[0].focus for seed in range(20)}
    assert planes == {(0, 0), (0, 1)}  # the main question visits both planes of the slide


def test_a_bad_seed_is_refused():
    with pytest.raises(ValueError, match="seed must be a whole number"):
        q.questions_1d(LECTURE_CALL, lecture_x(), -1)


# --- invalid calls ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("call", "rule"), [
    (PoolCall("max_pool1d", {"kernel_size": 2, "padding": 2}), "at most half"),
    (PoolCall("max_pool1d", {"kernel_size": 12}), "too small"),
    (PoolCall("avg_pool1d", {"kernel_size": 2, "stride": 0}), "stride"),
])  # fmt: skip
def test_a_call_torch_refuses_raises_its_rule(call, rule):
    with pytest.raises(ValueError, match=rule):
        q.questions_1d(call, lecture_x(), 0)


def test_the_module_imports_neither_torch_nor_streamlit():
    code = "import sys, ui.questions; print(sorted(m for m in ('torch', 'streamlit') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


# --- generated: every answer is what torch computes ---------------------------------------------------------


def torch_run(call: PoolCall, batch: np.ndarray, **changes):
    """torch.nn.functional.<function> with the call's arguments (and ``changes``), or None if torch refuses."""
    arguments = {**call.arguments, **changes}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = getattr(F, call.function)(torch.from_numpy(np.ascontiguousarray(batch)), **arguments)
    except (RuntimeError, ValueError, TypeError, IndexError):
        return None
    return tuple(r.numpy() for r in result) if isinstance(result, tuple) else result.numpy()


def values_of(result):
    """The values of a result that may also hold indices."""
    return result[0] if isinstance(result, tuple) else result


def spatial(shape) -> int | tuple[int, ...]:
    return shape[0] if len(shape) == 1 else tuple(shape)


def assert_answer_is_torchs(question: q.Question, call: PoolCall, batch: np.ndarray) -> None:
    """Each confusion's answer, found again by an experiment on torch."""
    ndim = call.ndim
    values = values_of(torch_run(call, batch))
    kind = question.confusion
    if kind == "windows":
        np.testing.assert_allclose(np.array(question.answer), values[0], rtol=1e-5, atol=1e-6)
    elif kind == "output_size":
        assert question.answer == spatial(values.shape[1:])
    elif kind == "stride_default" and question.id.endswith(":removed"):
        assert question.answer == spatial(values_of(torch_run(call, batch, stride=None)).shape[1:])
    elif kind == "stride_default":  # the stride torch uses along one axis: the kernel there
        kernel = np.broadcast_to(call.argument("kernel_size"), (ndim,))
        axis = {"L": 0, "H": 0, "W": 1}[question.id.rsplit(":", 1)[1]]
        assert question.answer == int(kernel[axis])
        np.testing.assert_array_equal(values_of(torch_run(call, batch, stride=tuple(int(k) for k in kernel))), values)
    elif kind == "ceil_mode":
        flipped = values_of(torch_run(call, batch, ceil_mode=not call.argument("ceil_mode")))
        assert question.answer == spatial(flipped.shape[1:])
    elif kind == "padding_value":  # pooling with padding = pooling the input padded by hand with that value
        fill = -math.inf if question.answer.startswith("−∞") else 0.0
        padding = tuple(int(p) for p in np.broadcast_to(call.argument("padding"), (ndim,)))
        padded = F.pad(torch.from_numpy(batch), [p for p in reversed(padding) for _ in range(2)], value=fill).numpy()
        plain = {"ceil_mode": False, "count_include_pad": True} if call.kind == "avg" else {"ceil_mode": False}
        by_hand, torchs = torch_run(call, padded, padding=0, **plain), torch_run(call, batch, **plain)
        if by_hand is not None and torchs is not None:
            np.testing.assert_allclose(values_of(by_hand), values_of(torchs), rtol=1e-6)
    elif kind == "count_include_pad":  # ones in: the sum is the real-cell count, the mean is count / divisor
        ones = np.ones_like(batch)
        two_d = (lambda a: a[..., None, :]) if ndim == 1 else (lambda a: a)
        as_2d = call if ndim == 2 else PoolCall("avg_pool2d", {**call.arguments, **{  # (1, k) windows on one row
            name: (0 if name == "padding" else 1, call.arguments[name]) for name in ("kernel_size", "stride", "padding")
            if call.arguments.get(name) is not None}})  # fmt: skip
        sums = torch_run(as_2d, two_d(ones), divisor_override=1)[0]
        means = torch_run(as_2d, two_d(ones))[0]
        index = question.focus if ndim == 2 else (0, *question.focus)
        assert question.answer == round(float(sums[index] / means[index]))
    elif kind == "flat_indices":
        _, indices = torch_run(call, batch, return_indices=True)
        assert question.answer == int(indices[0][question.focus])
    elif kind == "adaptive_bins":  # a rising input is maximal at a bin's last cell, a falling one at its first
        rising = np.arange(batch.size, dtype=np.float32).reshape(batch.shape)
        size = call.function.replace("avg", "max")
        last = torch_run(PoolCall(size, call.arguments), rising, return_indices=True)[1][0][question.focus]
        first = torch_run(PoolCall(size, call.arguments), -rising, return_indices=True)[1][0][question.focus]
        extent = np.subtract(np.unravel_index(last, batch.shape[1:]), np.unravel_index(first, batch.shape[1:])) + 1
        assert question.answer == int(np.prod(extent))
    else:
        raise AssertionError(f"no torch check for {question.confusion}")


def assert_well_formed(question: q.Question, batch: np.ndarray, values: np.ndarray) -> None:
    """Answers are marked right as torch writes them and wrong when changed; prompts hide them."""
    if question.kind == "cells":
        typed = written(values[0])[0]
        assert q.check(question, typed).right is True, (question.id, typed)
        if values[0].size >= 2:  # a prompt shows the input; the output is written nowhere else
            shown = written(batch[0])[0].replace("\n", " ")
            for text in (*written(values[0]), *written(values[0], "−")):
                assert text not in question.prompt or text.replace("\n", " ") in shown, question.id
        changed = np.array(question.answer, dtype=np.float64)
        changed.flat[0] = 1.0 if not np.isfinite(changed.flat[0]) else changed.flat[0] + 1
        marking = q.check(question, written(changed)[0])
        assert marking.right is False and (np.array(marking.cells) == False).sum() == 1  # noqa: E712
    else:
        assert q.check(question, question.answer_text).right is True, question.id
        if question.kind == "number":
            wrong = str(question.answer + 1)
        elif question.kind == "shape":
            wrong = str((question.answer[0] + 1, *question.answer[1:]))
        else:
            wrong = next(option for option in question.options if option != question.answer)
        assert q.check(question, wrong).right is False, question.id
    if np.isfinite(batch).all() and np.isfinite(values).all():
        assert "nan" not in question.explanation.lower(), question.explanation
    assert "None" not in question.explanation.replace("stride=None", "").replace("None keeps", "")


@st.composite
def sliding_or_adaptive(draw, ndim: int):
    """A random call of the 1-D or 2-D page, valid or not, and a small input with ties."""
    kind = draw(st.sampled_from(["max", "max", "avg", "avg", "lp", "adaptive_max", "adaptive_avg"]))
    sizes = st.integers(1, 12) if ndim == 1 else st.integers(1, 6)
    shape = tuple(draw(sizes) for _ in range(ndim))

    def per_axis(values):
        picked = tuple(draw(values) for _ in range(ndim))
        return picked[0] if ndim == 1 or draw(st.booleans()) and len(set(picked)) == 1 else picked

    if kind.startswith("adaptive"):
        arguments = {"output_size": per_axis(st.integers(1, 7))}
        if ndim == 2 and draw(st.booleans()):
            arguments["output_size"] = (None, draw(st.integers(1, 4)))
    else:
        arguments = {"kernel_size": per_axis(st.integers(1, 4)), "ceil_mode": draw(st.booleans())}
        arguments["stride"] = draw(st.none() | st.just("each"))
        if arguments["stride"] == "each":
            arguments["stride"] = per_axis(st.integers(1, 3))
        if kind != "lp":
            arguments["padding"] = per_axis(st.integers(0, 2))
        if kind == "max":
            arguments["dilation"] = per_axis(st.integers(1, 2))
            arguments["return_indices"] = draw(st.booleans())
        if kind == "avg":
            arguments["count_include_pad"] = draw(st.booleans())
        if kind == "lp":
            arguments["norm_type"] = draw(st.sampled_from([1, 2, 3, math.inf]))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    plane = rng.integers(-5, 6, size=shape).astype(np.float64)
    if draw(st.integers(0, 5)) == 0:
        plane = np.round(rng.normal(size=shape) * 3, 2)  # decimals: averages that need the 3 digits
    return PoolCall(f"{kind}_pool{ndim}d", arguments), plane


def sweep(generate, call: PoolCall, plane: np.ndarray, seed: int) -> None:
    batch = plane[None].astype(np.float32)
    output = torch_run(call, batch)
    if output is None:  # torch refuses: so does the generator, with a ValueError or TypeError
        with pytest.raises((ValueError, TypeError)):
            generate(call, plane, seed)
        return
    questions = generate(call, plane, seed, count=ALL)
    assert questions[0].confusion == "windows"
    assert len({question.id for question in questions}) == len(questions)
    values = values_of(output)
    for question in questions:
        assert_answer_is_torchs(question, call, batch)
        assert_well_formed(question, batch, values)


SWEEP = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SWEEP
@given(sliding_or_adaptive(1), st.integers(0, 50))
def test_every_1d_answer_is_torchs(case, seed):
    sweep(q.questions_1d, *case, seed)


@SWEEP
@given(sliding_or_adaptive(2), st.integers(0, 50))
def test_every_2d_answer_is_torchs(case, seed):
    sweep(q.questions_2d, *case, seed)


def test_a_window_of_padding_only_gets_no_index_question():
    """Found by the sweep: with dilation 2 and padding 1 on a grid one column wide, each window's
    two taps land in the padding (torch still returns an index for it); there is no maximum to
    ask about, and the other questions stand."""
    arguments = {"kernel_size": (1, 2), "padding": (0, 1), "dilation": (1, 2), "return_indices": True}
    call = PoolCall("max_pool2d", arguments)
    plane = np.array([[1.0], [2.0]])
    sweep(q.questions_2d, call, plane, 0)
    assert "flat_indices" not in {question.confusion for question in q.questions_2d(call, plane, 0, count=ALL)}


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["max_pool2d", "avg_pool2d"]), st.integers(1, 3), st.integers(0, 1), st.integers(0, 30))
def test_channels_answers_are_torchs(function, kernel, padding, seed):
    x = data.random_tensor((2, 3, 4, 5), seed)
    call = PoolCall(function, {"kernel_size": (1, kernel) if seed % 2 else kernel, "padding": padding})
    output = torch_run(call, x)
    if output is None:
        with pytest.raises(ValueError):
            q.questions_channels(call, x, seed)
        return
    for question in q.questions_channels(call, x, seed, count=ALL):
        if question.confusion == "windows":
            np.testing.assert_allclose(np.array(question.answer), output[question.focus], rtol=1e-6)
            assert q.check(question, written(output[question.focus])[0]).right
        elif question.confusion == "output_size":
            assert question.answer == output.shape
        elif question.confusion == "flat_indices":
            assert question.answer == int(torch_run(call, x, return_indices=True)[1][question.focus])
        else:
            assert q.check(question, question.answer_text).right
