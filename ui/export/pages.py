"""From a page's link to what its downloads draw: the page's own query, read by
:func:`ui.state.read_link`, turned into the call and the input by :mod:`ui.calls` (the mapping the
page itself uses), then into the subject the page exports. What ``scripts/render.py`` runs.

>>> linked = from_link("pool_1d?kernel_size=3&stride=1&padding=1&step=4")
>>> linked.subject.title, linked.step, linked.show_outputs
('max_pool1d(x, kernel_size=3, stride=1, padding=1)', 4, True)
>>> split_link("http://127.0.0.1:8501/pool_2d?kernel_size=2,3&step=4")
('pool_2d', {'kernel_size': '2,3', 'step': '4'})
>>> from_link("torch_api")
Traceback (most recent call last):
...
ui.export.pages.LinkError: the torch_api page has nothing to export; pages with exports: pool_1d, pool_2d, \
channels, images, invariance, fractional, backward, unpool, pool_3d

A page added later gets its exports by drawing its scene with :func:`ui.views.lesson.step_panel`
(the downloads come with it; a page with its own picture per step names what they draw in its
:class:`ui.views.lesson.StepView`'s ``export``) and, for ``scripts/render.py``, one entry in :data:`BUILDERS`: a
function from the page's values to :class:`Linked`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

import numpy as np

from pooling_core import PoolCall
from ui import backward, calls, state, unpool
from ui import scene as scenes
from ui import volume as volumes
from ui.export.planes import Planes
from ui.export.shifts import Shifts


class LinkError(ValueError):
    """A link that names no exportable page, or a state with nothing to draw (torch's words)."""


@dataclass(frozen=True)
class Linked:
    """What a link's page exports: the subject, the step its PNG shows (the link's), whether the
    answers show (not in predict mode), and the notices about the link's bad values."""

    subject: object
    step: int | None
    show_outputs: bool = True
    notices: tuple[str, ...] = field(default=())


def split_link(link: str) -> tuple[str, dict[str, str]]:
    """``"<page>?<query>"`` (or a whole copied URL) → the page's name and its query (the last of
    a repeated name wins, as in Streamlit's ``st.query_params``)."""
    parts = urlsplit(link.strip())
    path = parts.path.strip("/").split("/")[-1] if parts.path.strip("/") else "home"
    return path, dict(parse_qsl(parts.query, keep_blank_values=True))


def _runs(call: PoolCall, batch: np.ndarray) -> None:
    """Raise :class:`LinkError` with torch's rule if ``call`` refuses ``batch``."""
    try:
        call.run(batch)
    except (ValueError, TypeError) as error:
        raise LinkError(f"torch's rule: {error}") from None


def _chosen(chosen: calls.Chosen) -> PoolCall:
    if chosen.call is None:
        raise LinkError(" ".join(chosen.problems))
    return chosen.call


def _parsed(parse: Callable, values: dict):
    try:
        return parse(values)
    except ValueError as error:
        raise LinkError(str(error)) from None


def _scene(values: dict, call: PoolCall, plane: np.ndarray, show_outputs: bool, notices=()) -> Linked:
    batch = plane[None].astype(np.float32)  # (C=1, *spatial), as the page pools it
    _runs(call, batch)
    scene = scenes.build(call, batch[0])
    return Linked(scene, scene.clamp(values.get("step", 0)), show_outputs, tuple(notices))


def _pool_1d(values: dict, show_outputs: bool) -> Linked:
    x = _parsed(calls.input_1d, values)
    values, notices = calls.values_1d(values, len(x))
    return _scene(values, _chosen(calls.call_1d(values)), x, show_outputs, notices.values())


def _pool_2d(values: dict, show_outputs: bool) -> Linked:
    grid = _parsed(calls.input_2d, values)
    return _scene(values, _chosen(calls.call_2d(values)), grid, show_outputs)


def _images(values: dict, show_outputs: bool) -> Linked:
    call = _chosen(calls.call_images(values))
    image = calls.image_images(values)
    colour = calls.with_defaults("images", values)["colour"]
    try:
        call.windows((1 if colour != "RGB" else 3, *image.shape))  # the page pools the whole image first
    except (ValueError, TypeError) as error:
        raise LinkError(
            f"These parameters do not work on this {image.shape[1]} × {image.shape[0]} image: {error}"
        ) from None
    plane = calls.input_images(values)
    window_call = call.with_arguments(return_indices=False)
    try:
        return _scene(values, window_call, plane, True)  # the Images page has no predict mode
    except LinkError as error:
        raise LinkError(f"The window does not fit this {plane.shape[0]} × {plane.shape[1]} grid: {error}") from None


def _fractional(values: dict, show_outputs: bool) -> Linked:
    grid = _parsed(calls.input_fractional, values)
    call = _chosen(calls.call_fractional(values))
    _runs(call, grid[None].astype(np.float32))
    shape = call.windows((1, *grid.shape)).output_shape
    if 0 in shape:  # as the page says it: an empty output, nothing to step through
        raise LinkError(f"No windows along an axis with output size 0: torch returns an empty output of shape "
                        f"{(1, *shape)}, with nothing to step through.")  # fmt: skip
    return _scene(values, call, grid, show_outputs)


def _channels(values: dict, show_outputs: bool) -> Linked:
    x = calls.input_channels(values)
    call = _chosen(calls.call_channels(values))
    _runs(call, x)
    return Linked(Planes.build(call, x), None, show_outputs)


def _invariance(values: dict, show_outputs: bool) -> Linked:
    if not show_outputs:
        raise LinkError("in predict mode the Invariance page shows no translation until Reveal: drop mode=predict")
    values, notices = calls.invariance_values(values)
    shifts = Shifts(calls.input_invariance(values), int(values["kernel_size"]), values["direction"], values["fill"],
                    int(values["shift"]))  # fmt: skip
    return Linked(shifts, shifts.shift, True, tuple(notices.values()))


def _backward(values: dict, show_outputs: bool) -> Linked:
    plane = _parsed(lambda given: calls.input_plane("backward", given), values)
    forward = backward.forward_call(_chosen(calls.call_backward(values)))
    batch = plane[None].astype(np.float32)
    _runs(forward, batch)
    output_shape = forward.windows(batch.shape).output_shape  # y's, as the page's call gives it (C=1 left out)
    given = backward.Upstream.of(values, output_shape)
    try:
        flow = backward.build(forward, plane, given.gradient(output_shape))
    except (ValueError, TypeError) as error:
        raise LinkError(str(error)) from None
    scene = scenes.build(forward, batch[0])
    told = backward.variant(scene, flow, given, predicting=not show_outputs)  # predicting: x, and g, not x.grad
    return Linked(told, scene.clamp(values.get("step", 0)))


def _unpool(values: dict, show_outputs: bool) -> Linked:
    plane = _parsed(lambda given: calls.input_plane("unpool", given), values)
    arguments, output_size, problems = calls.unpool_arguments(values)
    if problems:
        raise LinkError(" ".join(problems))
    try:
        back = unpool.build(plane, arguments, output_size)
    except (ValueError, TypeError) as error:
        raise LinkError(f"torch's rule: {error}") from None
    scene = scenes.build(back.pool.with_arguments(return_indices=False), back.plane)
    told = unpool.variant(scene, back, predicting=not show_outputs)  # predicting: the pooling, not z
    return Linked(told, scene.clamp(values.get("step", 0)))


def _pool_3d(values: dict, show_outputs: bool) -> Linked:
    batch = calls.input_3d(values)[None]  # (C=1, D, H, W), float32, as the page pools it
    call = _chosen(calls.call_3d(values))
    _runs(call, batch)
    scene = volumes.build(call, batch[0])
    return Linked(scene, scene.clamp(values.get("step", 0)), show_outputs)


BUILDERS: dict[str, Callable[[dict, bool], Linked]] = {
    "pool_1d": _pool_1d,
    "pool_2d": _pool_2d,
    "channels": _channels,
    "images": _images,
    "invariance": _invariance,
    "fractional": _fractional,
    "backward": _backward,
    "unpool": _unpool,
    "pool_3d": _pool_3d,
}


def from_link(link: str) -> Linked:
    """What the page of ``link`` (``"pool_1d?kernel_size=3&step=4"``) exports; a bad value in it
    gets the page's notice and default, a call torch refuses a :class:`LinkError`."""
    page, query = split_link(link)
    if page not in BUILDERS:
        known = ", ".join(BUILDERS)
        if page not in state.PAGE_FIELDS:
            raise LinkError(f"there is no page {page!r}; pages with exports: {known}")
        raise LinkError(f"the {page} page has nothing to export; pages with exports: {known}")
    values, notices = state.read_link(page, query)
    visit, visit_notices = state.read_session_link(query)
    linked = BUILDERS[page](values, visit.get("mode", "explore") != "predict")
    every = (*notices.values(), *visit_notices.values(), *linked.notices)
    return Linked(linked.subject, linked.step, linked.show_outputs, tuple(every))
