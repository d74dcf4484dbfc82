"""The exports (ui/export): one frame per step, the marks where the animation data puts them (the
picked cell where torch's ``return_indices`` says), every colour of the palette kept exactly in
the GIF, and the same bytes for the same state, in this process and in a fresh one."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image

from pooling_core import PoolCall
from pooling_core.animation import CELL_INPUT, CELL_OVERHANG, CELL_PADDING
from ui import backward, calls, data, export, unpool
from ui import invariance as inv
from ui import scene as scenes
from ui import volume as volumes
from ui.export import draw, encode
from ui.palette import DARK, LIGHT

WEB = export.WEB  # most tests draw web-sized pictures: the same code, faster
LECTURE = np.array([1, 4, -1, 0, 2, -2, 1, 3, 3, 1], dtype=np.float32)
ROOT = Path(__file__).resolve().parents[2]


def scene_1d(x=LECTURE, **arguments) -> scenes.Scene:
    function = arguments.pop("function", "max_pool1d")
    return scenes.build(PoolCall(function, arguments), np.asarray(x, dtype=np.float32))


def scene_2d(grid, function="max_pool2d", **arguments) -> scenes.Scene:
    return scenes.build(PoolCall(function, arguments), np.asarray(grid, dtype=np.float32))


def gif_frames(data_: bytes) -> list[np.ndarray]:
    """Every frame of a GIF as a viewer shows it: ``(H, W, 3)`` uint8."""
    image = Image.open(io.BytesIO(data_))
    frames = []
    for number in range(image.n_frames):
        image.seek(number)
        frames.append(np.asarray(image.convert("RGB")))
    return frames


def pixel(frame: np.ndarray, point) -> tuple[int, int, int]:
    x, y = point
    return tuple(int(v) for v in frame[y, x])


def corner(box, line: int) -> tuple[int, int]:
    """A pixel every outline style draws: the top-left corner of the stroke."""
    return box[0] + line // 2, box[1] + line // 2


SCENES = {
    "lecture": lambda: scene_1d(kernel_size=2),
    "k3_s1_p1": lambda: scene_1d(kernel_size=3, stride=1, padding=1),
    "ceil_dropped": lambda: scene_1d(kernel_size=4, stride=3, padding=2, ceil_mode=True),
    "ceil_overhang": lambda: scene_1d(kernel_size=3, stride=2, padding=1, ceil_mode=True),
    "dilation": lambda: scene_1d(kernel_size=2, dilation=3, padding=1),
    "avg_pad": lambda: scene_1d(function="avg_pool1d", kernel_size=3, stride=2, padding=1),
    "2d_ceil": lambda: scene_2d(np.arange(30).reshape(5, 6), kernel_size=3, stride=2, padding=1, ceil_mode=True),
    "2d_pair": lambda: scene_2d(data.preset_grid("random integers", 3), kernel_size=(2, 3), padding=1),
    "adaptive": lambda: scene_1d(function="adaptive_max_pool1d", output_size=4),
    "fractional": lambda: scenes.build(calls.call_fractional({}).call, calls.input_fractional({})),  # windows overlap
}


@pytest.fixture(scope="module", params=sorted(SCENES))
def rendered(request):
    """A scene, its web-sized picture and its GIF, decoded."""
    scene = SCENES[request.param]()
    picture = export.picture(scene, LIGHT, WEB)
    return scene, picture, gif_frames(export.render_gif(scene, LIGHT, WEB))


# --- frames and marks, checked against the animation data ----------------------------------------


def test_the_gif_has_one_frame_per_step(rendered):
    scene, picture, frames = rendered
    assert len(frames) == scene.step_count == len(scene.outputs.ravel())
    assert {frame.shape for frame in frames} == {(picture.height, WEB, 3)}


def test_the_window_colour_is_on_every_tap_of_every_frame(rendered):
    scene, picture, frames = rendered
    panel = picture.panel
    colours = {CELL_INPUT: LIGHT.window, CELL_PADDING: LIGHT.padding, CELL_OVERHANG: LIGHT.overhang}
    for frame, overlay in zip(frames, scene.overlays, strict=True):
        for row, column, kind in overlay.window:
            box = panel.input_cell(row, column)
            assert pixel(frame, corner(box, panel.window_line)) == draw.rgb(colours[kind]), (overlay, row, column)
            if kind == CELL_INPUT:  # solid: the middle of its left edge too
                assert pixel(frame, (box[0] + panel.window_line // 2, (box[1] + box[3]) // 2)) == draw.rgb(LIGHT.window)
        out = panel.output_cell(*overlay.output)
        assert pixel(frame, (out[0] + 1, (out[1] + out[3]) // 2)) == draw.rgb(LIGHT.window)


def test_consecutive_frames_differ_where_the_window_moves(rendered):
    scene, picture, frames = rendered
    panel = picture.panel
    for before, after, overlay, last in zip(frames, frames[1:], scene.overlays[1:], scene.overlays, strict=False):
        assert not np.array_equal(before, after)
        arrived = {(r, c) for r, c, kind in overlay.window if kind == CELL_INPUT} - {(r, c) for r, c, _ in last.window}
        for cell in arrived:
            point = (panel.input_cell(*cell)[0] + panel.window_line // 2, sum(panel.input_cell(*cell)[1::2]) // 2)
            assert pixel(after, point) == draw.rgb(LIGHT.window) != pixel(before, point), cell


def test_the_gif_frames_are_the_pngs_of_each_step_in_the_gifs_palette(rendered):
    scene, picture, frames = rendered
    palette = encode.FixedPalette(picture.exact_colours(), picture.samples())
    for step in {0, scene.step_count // 2, scene.step_count - 1}:
        expected = np.asarray(palette.image(picture.frame(step)).convert("RGB"))
        assert np.array_equal(frames[step], expected), step
    png = Image.open(io.BytesIO(export.render_png(scene, 0, LIGHT, WEB)))
    assert np.array_equal(np.asarray(png.convert("RGB")), np.asarray(picture.frame(0)))


def test_incremental_frames_equal_frames_drawn_alone(rendered):
    _, picture, _ = rendered
    for step, (image, _) in enumerate(picture.frames()):
        assert np.array_equal(np.asarray(image), np.asarray(picture.frame(step))), step


def _torch_indices(call: PoolCall, plane: np.ndarray) -> np.ndarray:
    function = getattr(F, call.function)
    _, indices = function(torch.from_numpy(plane[None].astype(np.float32)), **call.arguments, return_indices=True)
    return indices[0].numpy()


@pytest.mark.parametrize(
    "call, plane",
    [
        (PoolCall("max_pool1d", {"kernel_size": 3, "stride": 1, "padding": 1}), LECTURE),
        (PoolCall("max_pool1d", {"kernel_size": 2, "stride": 2, "dilation": 2, "ceil_mode": True}), LECTURE),
        (PoolCall("max_pool1d", {"kernel_size": 2}), np.array([3, 3, 1, 5, 5, 5, 0, 2], dtype=np.float32)),  # ties
        (PoolCall("max_pool2d", {"kernel_size": 3, "stride": 2, "padding": 1}), data.preset_grid("random integers", 7)),
        (PoolCall("max_pool2d", {"kernel_size": (2, 3), "dilation": (2, 1)}), data.preset_grid("random integers", 1)),
    ],
    ids=["k3s1p1", "dilated_ceil", "ties", "2d_k3s2p1", "2d_dilated"],
)
def test_the_picked_cell_is_the_one_torchs_indices_name(call, plane):
    plane = np.asarray(plane, dtype=np.float32)
    scene = scenes.build(call, plane)
    picture = export.picture(scene, LIGHT, WEB)
    frames = gif_frames(export.render_gif(scene, LIGHT, WEB))
    indices = _torch_indices(call, plane).ravel()
    chosen = draw.rgb(LIGHT.chosen)
    for frame, overlay, flat in zip(frames, scene.overlays, indices, strict=True):
        cell = np.unravel_index(int(flat), plane.shape)
        named = (0, int(cell[0])) if plane.ndim == 1 else (int(cell[0]), int(cell[1]))
        for row, column, kind in overlay.window:
            if kind != CELL_INPUT:
                continue
            outline_point, triangle_point = picture.panel.chosen_points(row, column)
            marked = pixel(frame, outline_point) == chosen and pixel(frame, triangle_point) == chosen
            assert marked == ((row, column) == named), (overlay.output, (row, column), named)


# --- what the still picture draws -------------------------------------------------------------


CEIL_CASES = {"dropped": dict(kernel_size=4, stride=3, padding=2), "overhang": dict(kernel_size=3, stride=2, padding=1)}


@pytest.mark.parametrize("arguments", CEIL_CASES.values(), ids=CEIL_CASES.keys())
def test_padding_overhang_and_dropped_windows_are_drawn(arguments):
    scene = scene_1d(**arguments, ceil_mode=True)
    assert scene.dropped or CELL_OVERHANG in scene.ghosts.values()
    picture = export.picture(scene, LIGHT, WEB)
    image = np.asarray(picture._still)  # under every step's marks
    fills = {scenes.UNREAD_PADDING: LIGHT.unread_padding_fill, CELL_PADDING: LIGHT.padding_fill,
             CELL_OVERHANG: LIGHT.overhang_fill}  # fmt: skip
    panel = picture.panel
    for (row, column), kind in scene.ghosts.items():
        box = panel.input_cell(row, column)
        assert pixel(image, (box[0] + panel.gap + 2, box[1] + panel.gap + 2)) == draw.rgb(fills[kind])
    for window in scene.dropped:
        for row, column in window:
            box = draw.inset(panel.input_cell(row, column), max(1, panel.cell // 10))
            assert pixel(image, (box[0], box[1])) == draw.rgb(LIGHT.overhang)


def test_nan_and_infinities_are_drawn_and_written():
    scene = scene_1d([1, np.nan, np.inf, -np.inf, 2, 0], kernel_size=2)
    picture = export.picture(scene, LIGHT, WEB)
    image = np.asarray(picture.frame(scene.step_count - 1))
    panel = picture.panel
    nan_box = panel.input_cell(0, 1)
    assert pixel(image, (nan_box[0] + panel.gap + 2, nan_box[1] + panel.gap + 2)) == draw.rgb(LIGHT.nan_fill)
    top = panel.scale.colours[-1]  # +inf takes the top of the scale, −inf the bottom
    inf_box, minus_box = panel.input_cell(0, 2), panel.input_cell(0, 3)
    assert pixel(image, (inf_box[0] + panel.gap + 2, inf_box[1] + panel.gap + 2)) == top
    assert pixel(image, (minus_box[0] + panel.gap + 2, minus_box[1] + panel.gap + 2)) == panel.scale.colours[0]
    assert len(gif_frames(export.render_gif(scene, LIGHT, WEB))) == 3


def test_predict_mode_draws_no_answer():
    scene = scene_1d(kernel_size=2)
    picture = export.picture(scene, LIGHT, WEB, show_outputs=False)
    frames = gif_frames(export.render_gif(scene, LIGHT, WEB, show_outputs=False))
    slot = draw.rgb(LIGHT.unread_padding_fill)
    for frame in frames:
        assert not (frame == draw.rgb(LIGHT.chosen)).all(axis=-1).any()  # no picked cell anywhere
        for column in range(scene.outputs.shape[1]):
            box = picture.panel.output_cell(0, column)
            assert pixel(frame, ((box[0] + box[2]) // 2, box[1] + picture.panel.cell // 5)) == slot
    written = "".join(run.text for line in picture._text(0)[0] for _, run in line)
    assert written.endswith("max(1, 4) = ?")


def test_light_and_dark_use_their_palettes():
    scene = scene_1d(kernel_size=3, stride=1, padding=1)
    for palette in (LIGHT, DARK):
        picture = export.picture(scene, palette, WEB)
        frame = gif_frames(export.render_gif(scene, palette, WEB))[2]
        assert pixel(frame, (2, 2)) == draw.rgb(palette.background)
        box = picture.panel.input_cell(*scene.overlays[2].window[0][:2])
        assert pixel(frame, corner(box, picture.panel.window_line)) == draw.rgb(palette.window)
    assert export.render_png(scene, 2, LIGHT, WEB) != export.render_png(scene, 2, DARK, WEB)


def test_a_long_sequence_is_drawn_without_numbers_and_every_step_is_a_frame():
    x = np.sin(np.arange(data.MAX_SEQUENCE) / 5).astype(np.float32)
    scene = scene_1d(x, kernel_size=2, stride=1)
    picture = export.picture(scene, LIGHT, WEB)
    assert picture.panel.value_font is None  # 800 px / 200 cells: colours only, as on screen
    assert len(gif_frames(export.render_gif(scene, LIGHT, WEB))) == scene.step_count == 199


def test_text_wraps_and_is_never_cut_off():
    kit = draw.Kit(LIGHT, 400)
    text = "max(" + ", ".join(str(v) for v in range(60)) + ") = 59 and averyveryverylongwordthatfitsnolineatall" * 2
    lines = draw.wrap([draw.Run(text, kit.code_font, (0, 0, 0))], 300)
    assert len(lines) > 3
    for line in lines:
        x, run = line[-1]
        assert x + kit.code_font.getlength(run.text.rstrip()) <= 300 + 1
    assert "".join(run.text for line in lines for _, run in line).replace(" ", "") == text.replace(" ", "")
    scene = scene_1d(np.arange(40, dtype=np.float32), kernel_size=10, stride=1)  # a long arithmetic line
    picture = export.picture(scene, LIGHT, 320)
    assert picture.text_box[3] < picture.height and picture.frame(0).size == (320, picture.height)


def test_the_value_scale_is_the_scenes_one_scale_for_inputs_and_outputs():
    scene = scene_1d(kernel_size=2)
    picture = export.picture(scene, LIGHT, WEB)
    image = np.asarray(picture.frame(scene.step_count - 1))
    panel = picture.panel
    box_in, box_out = panel.input_cell(0, 1), panel.output_cell(0, 0)  # both hold 4
    point = lambda box: (box[0] + panel.gap + 2, box[1] + panel.gap + 2)  # noqa: E731
    assert pixel(image, point(box_in)) == pixel(image, point(box_out)) == panel.scale.colour(4.0)


# --- channels and invariance -----------------------------------------------------------------


def test_channels_walk_every_output_cell_of_every_plane():
    x = data.random_tensor((2, 3, 4, 6), 0)
    planes = export.Planes.build(PoolCall("max_pool2d", {"kernel_size": 2}), x)
    frames = gif_frames(export.render_gif(planes, LIGHT, WEB))
    assert len(frames) == 2 * 3 * 2 * 3 == planes.step_count
    picture = export.picture(planes, LIGHT, WEB)
    indices = F.max_pool2d(torch.from_numpy(x), 2, return_indices=True)[1].numpy()
    for step in (0, 7, len(frames) - 1):
        plane, local = planes.locate(step)
        n, c = divmod(plane, 3)
        overlay = planes.scenes[plane].overlays[local]
        named = np.unravel_index(int(indices[n, c].ravel()[local]), (4, 6))
        points = picture.panels[plane].chosen_points(int(named[0]), int(named[1]))
        assert all(pixel(frames[step], p) == draw.rgb(LIGHT.chosen) for p in points)
        box = picture.panels[plane].input_cell(*overlay.window[0][:2])
        assert pixel(frames[step], corner(box, picture.panels[plane].window_line)) == draw.rgb(LIGHT.window)
    still = np.asarray(picture.frame(None))
    last = picture.panels[-1]
    out = last.output_cell(1, 2)  # every plane pooled in the still picture
    assert pixel(still, (out[0] + last.gap + 2, out[1] + last.gap + 2)) == last.scale.colour(float(
        F.max_pool2d(torch.from_numpy(x), 2)[1, 2, 1, 2]))  # fmt: skip


def test_invariance_has_one_frame_per_shift_and_marks_changed_outputs():
    grid = inv.grid_preset("random integers", 0, 2)
    shifts = export.Shifts(grid, 2, "right", "edge", 1)
    frames = gif_frames(export.render_gif(shifts, LIGHT, WEB))
    assert len(frames) == 5
    picture = export.picture(shifts, LIGHT, WEB)
    for t, frame in enumerate(frames):
        changed = inv.translate(grid, 2, t, "right", "edge").comparisons["max"].changed
        for (r, c), moved in np.ndenumerate(changed):
            box = picture._box(1, 1, r, c, 2)
            assert (pixel(frame, (box[0] + 1, box[1] + 1)) == draw.rgb(LIGHT.changed)) == moved, (t, r, c)
    assert export.render_png(shifts, None, LIGHT, WEB) == export.render_png(shifts, 1, LIGHT, WEB)


# --- determinism ------------------------------------------------------------------------------


RENDER_IN_A_FRESH_PROCESS = """
import hashlib, numpy as np
from pooling_core import PoolCall
from ui import export, scene
from ui.palette import DARK
s = scene.build(PoolCall("max_pool2d", {"kernel_size": 3, "stride": 2, "padding": 1}), np.arange(42.0).reshape(6, 7))
gif, png = export.render_gif(s, DARK, 800), export.render_png(s, 3, DARK, 800)
print(hashlib.sha256(gif).hexdigest(), hashlib.sha256(png).hexdigest())
"""


def test_one_state_gives_the_same_bytes_every_time_and_in_a_fresh_process():
    scene = scenes.build(PoolCall("max_pool2d", {"kernel_size": 3, "stride": 2, "padding": 1}),
                         np.arange(42.0).reshape(6, 7))  # fmt: skip
    gif, png = export.render_gif(scene, DARK, 800), export.render_png(scene, 3, DARK, 800)
    assert gif == export.render_gif(scene, DARK, 800) and png == export.render_png(scene, 3, DARK, 800)
    fresh = subprocess.run([sys.executable, "-c", RENDER_IN_A_FRESH_PROCESS], cwd=ROOT, capture_output=True,
                           text=True, check=True, env={"PYTHONHASHSEED": "123", "PATH": ""})  # fmt: skip
    assert fresh.stdout.split() == [hashlib.sha256(gif).hexdigest(), hashlib.sha256(png).hexdigest()]


def test_the_files_carry_no_time_or_text_metadata():
    scene = scene_1d(kernel_size=2)
    png = export.render_png(scene, 0, LIGHT, WEB)
    chunks, position = [], 8
    while position < len(png):
        length = int.from_bytes(png[position : position + 4], "big")
        chunks.append(png[position + 4 : position + 8].decode())
        position += 12 + length
    assert chunks == ["IHDR", "IDAT", "IEND"] or set(chunks) == {"IHDR", "IDAT", "IEND"}
    gif = Image.open(io.BytesIO(export.render_gif(scene, LIGHT, WEB)))
    assert "comment" not in gif.info and gif.info.get("loop") == 0


def test_the_gif_keeps_every_flat_colour_exactly():
    scene = scene_2d(np.arange(30).reshape(5, 6), kernel_size=3, stride=2, padding=1, ceil_mode=True)
    picture = export.picture(scene, DARK, WEB)
    palette = encode.FixedPalette(picture.exact_colours(), picture.samples())
    for colour in picture.exact_colours():
        index = palette.indices(Image.new("RGB", (1, 1), colour))[0, 0]
        assert tuple(palette.colours[index]) == colour
    assert palette.size <= encode.TRANSPARENT


# --- speed (generous bounds; benchmarks/bench_export.py measures) ---------------------------------


def test_the_default_gif_is_quick():
    scene = scene_1d(kernel_size=2)
    start = time.perf_counter()
    export.render_gif(scene, LIGHT)
    assert time.perf_counter() - start < 1.5  # target 0.3 s on this machine, measured ~0.06 s


def test_widths_outside_the_range_are_refused():
    with pytest.raises(ValueError, match="width must be from 320 to 4000 px, but got width=100"):
        export.render_png(scene_1d(kernel_size=2), 0, LIGHT, 100)
    with pytest.raises(ValueError, match="no step to draw"):
        export.render_png(scenes.input_only(PoolCall("max_pool1d", {"kernel_size": 2}), LECTURE), 0, LIGHT)


def test_downloads_drawn_at_once_on_several_threads_are_the_same_bytes():
    """Streamlit runs each download's callable on a worker thread: two students may click together."""
    scene = scene_2d(data.preset_grid("random integers", 2), kernel_size=3, stride=2, padding=1)
    expected = export.render_gif(scene, LIGHT, WEB)
    results = []
    threads = [threading.Thread(target=lambda: results.append(export.render_gif(scene, LIGHT, WEB))) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 3


def test_the_exports_hide_answers_in_the_words_the_page_uses():
    """Predict mode: ui.scene.step_text (the exports') says what the step panel says."""
    from ui.views import lesson

    for scene in (scene_1d(kernel_size=3, stride=1, padding=1), scene_1d(function="avg_pool1d", kernel_size=2)):
        for overlay in scene.overlays:
            shown = overlay.arithmetic.rsplit(" = ", 1)[0] + " = ?"
            page_text = (shown, lesson._hide_result(overlay.description, overlay.arithmetic))
            assert scenes.step_text(overlay, show_outputs=False) == page_text
            assert scenes.step_text(overlay) == (overlay.arithmetic, overlay.description)


# --- the Backward, Unpooling and 3-D pages: their own values per step, a volume's slices ---------


def backward_variant(plane, call: PoolCall, given) -> scenes.Variant:
    plane = np.asarray(plane, dtype=np.float32)
    flow = backward.build(call, plane, given.gradient(call.windows((1, *plane.shape)).output_shape))
    return backward.variant(scenes.build(call, plane), flow, given)


def unpool_variant(plane, arguments: dict, output_size=None) -> scenes.Variant:
    back = unpool.build(np.asarray(plane, dtype=np.float32), arguments, output_size)
    return unpool.variant(scenes.build(back.pool.with_arguments(return_indices=False), back.plane), back)


VARIANTS = {
    "backward_lecture": lambda: backward_variant(
        LECTURE, PoolCall("max_pool1d", {"kernel_size": 2}), backward.Upstream("ones")
    ),
    "backward_overlap_avg": lambda: backward_variant(  # overlapping windows: a cell's x.grad grows twice
        data.preset_grid("random integers", 0),
        PoolCall("avg_pool2d", {"kernel_size": 3, "stride": 2, "padding": 1}),
        backward.Upstream("random integers", seed=7),
    ),
    "backward_one_hot": lambda: backward_variant(
        LECTURE, PoolCall("max_pool1d", {"kernel_size": 3, "stride": 1}), backward.Upstream("one-hot", cell=3)
    ),
    "unpool_1d_longer": lambda: unpool_variant([1, 4, -1, 3, 2], {"kernel_size": 2}, (5,)),  # z has a cell x lacks
    "unpool_2d_padding": lambda: unpool_variant(
        data.preset_grid("random integers", 0, side=5), {"kernel_size": 3, "stride": 2, "padding": 1}
    ),
}


def variant_values(variant: scenes.Variant, step: int) -> np.ndarray:
    """What the page shows in the input cells at ``step``: x.grad so far, or the unpooled plane."""
    return variant.at(step).inputs


@pytest.fixture(scope="module", params=sorted(VARIANTS))
def variant_rendered(request):
    variant = VARIANTS[request.param]()
    return variant, export.picture(variant, LIGHT, WEB), gif_frames(export.render_gif(variant, LIGHT, WEB))


def value_point(panel, box) -> tuple[int, int]:
    """A pixel of a cell's fill that its text and the window's outline leave alone."""
    return box[0] + panel.gap + panel.window_line + 2, box[1] + panel.gap + panel.window_line + 2


def test_a_variant_has_one_frame_per_output_cell(variant_rendered):
    variant, picture, frames = variant_rendered
    assert len(frames) == variant.step_count == variant.base.outputs.size > 1
    assert {frame.shape for frame in frames} == {(picture.height, WEB, 3)}


def test_a_variants_window_is_on_its_taps_and_its_output_cell_in_every_frame(variant_rendered):
    variant, picture, frames = variant_rendered
    panel = picture.panel
    colours = {CELL_INPUT: LIGHT.window, CELL_PADDING: LIGHT.padding, CELL_OVERHANG: LIGHT.overhang}
    for frame, overlay in zip(frames, variant.base.overlays, strict=True):  # the windows from the geometry
        for row, column, kind in overlay.window:
            box = panel.input_cell(row, column)
            assert pixel(frame, corner(box, panel.window_line)) == draw.rgb(colours[kind]), (overlay, row, column)
        out = panel.output_cell(*overlay.output)
        assert pixel(frame, (out[0] + 1, (out[1] + out[3]) // 2)) == draw.rgb(LIGHT.window)


def test_a_variants_cells_show_the_pages_values_at_each_step(variant_rendered):
    """Outside the window, each input cell has the colour of the page's value at that step (x.grad
    so far, the unpooled plane), and every output (g, y) is drawn from the first frame."""
    variant, picture, frames = variant_rendered
    panel = picture.panel
    for step, frame in enumerate(frames):
        shown = variant.at(step)
        covered = {(row, column) for row, column, _ in variant.base.overlays[step].window}
        for (row, column), value in np.ndenumerate(variant_values(variant, step)):
            if (row, column) not in covered:
                box = panel.input_cell(row, column)
                assert pixel(frame, value_point(panel, box)) == panel.scale.colour(float(value)), (step, row, column)
        for (row, column), value in np.ndenumerate(shown.outputs):
            if (row, column) != variant.base.overlays[step].output:
                box = panel.output_cell(row, column)
                assert pixel(frame, value_point(panel, box)) == panel.scale.colour(float(value)), (step, row, column)


def test_a_variants_consecutive_frames_differ_where_the_window_moves(variant_rendered):
    variant, picture, frames = variant_rendered
    panel = picture.panel
    overlays = variant.base.overlays
    for before, after, overlay, last in zip(frames, frames[1:], overlays[1:], overlays, strict=False):
        assert not np.array_equal(before, after)
        arrived = {(r, c) for r, c, kind in overlay.window if kind == CELL_INPUT} - {(r, c) for r, c, _ in last.window}
        for cell in arrived:
            point = (panel.input_cell(*cell)[0] + panel.window_line // 2, sum(panel.input_cell(*cell)[1::2]) // 2)
            assert pixel(after, point) == draw.rgb(LIGHT.window) != pixel(before, point), cell


def test_a_variants_gif_frames_are_its_pngs_and_drawn_alone_or_in_turn_alike(variant_rendered):
    variant, picture, frames = variant_rendered
    palette = encode.FixedPalette(picture.exact_colours(), picture.samples())
    for step, (image, _) in enumerate(picture.frames()):
        assert np.array_equal(np.asarray(image), np.asarray(picture.frame(step))), step
        assert np.array_equal(frames[step], np.asarray(palette.image(image).convert("RGB"))), step
    png = Image.open(io.BytesIO(export.render_png(variant, 1, LIGHT, WEB)))
    assert np.array_equal(np.asarray(png.convert("RGB")), np.asarray(picture.frame(1)))


def test_the_backward_frames_grow_x_grad_as_the_gradient_flows_back():
    variant = VARIANTS["backward_overlap_avg"]()
    first, last = variant_values(variant, 0), variant_values(variant, variant.step_count - 1)
    whole = backward.build(variant.base.call, variant.base.inputs, variant.at(0).outputs).gradient  # x.grad
    assert np.allclose(last, whole) and not np.allclose(first, last)
    first_line = "".join(run.text for line in export.picture(variant, LIGHT, WEB)._text(0)[0] for _, run in line)
    assert variant.title.endswith("g = random integers (seed 7)") and first_line.startswith("Step 1 of 9.")


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_a_variant_gives_the_same_bytes_for_the_same_state(name):
    gif, png = export.render_gif(VARIANTS[name](), DARK, WEB), export.render_png(VARIANTS[name](), 2, DARK, WEB)
    assert gif == export.render_gif(VARIANTS[name](), DARK, WEB) and png == export.render_png(VARIANTS[name](), 2,
                                                                                               DARK, WEB)  # fmt: skip


def test_variant_file_names_carry_the_pages_state():
    assert export.filename_of(VARIANTS["backward_one_hot"](), "png", 4) == "max_pool1d_k3_s1_backward_onehot3_step4.png"
    assert export.filename_of(VARIANTS["backward_overlap_avg"](), "gif") == "avg_pool2d_k3_s2_p1_backward_random7.gif"
    assert export.filename_of(VARIANTS["unpool_1d_longer"](), "gif") == "max_unpool1d_k2_out5.gif"


VOLUMES = {
    "max_k2": lambda: volumes.build(PoolCall("max_pool3d", {"kernel_size": 2}), calls.input_3d({})),
    "max_padded_ceil": lambda: volumes.build(  # padding slices, windows over padding and past the volume
        PoolCall("max_pool3d", {"kernel_size": (2, 2, 3), "stride": 2, "padding": (1, 0, 1), "ceil_mode": True}),
        calls.input_3d({"D": 3, "H": 5, "W": 5, "seed": 4}),
    ),
    "avg_slices_apart": lambda: volumes.build(
        PoolCall("avg_pool3d", {"kernel_size": (1, 2, 2), "stride": 1}),
        calls.input_3d({"volume": "arange", "D": 2, "H": 3, "W": 4}),
    ),
}


@pytest.fixture(scope="module", params=sorted(VOLUMES))
def volume_rendered(request):
    scene = VOLUMES[request.param]()
    return scene, export.picture(scene, LIGHT, WEB), gif_frames(export.render_gif(scene, LIGHT, WEB))


def test_a_volume_has_one_frame_per_output_cell(volume_rendered):
    scene, picture, frames = volume_rendered
    assert len(frames) == scene.step_count == scene.outputs.size > 1
    assert {frame.shape for frame in frames} == {(picture.height, WEB, 3)}


def test_a_volumes_window_is_on_every_tap_across_the_slices(volume_rendered):
    scene, picture, frames = volume_rendered
    slices = picture.slices
    colours = {CELL_INPUT: LIGHT.window, CELL_PADDING: LIGHT.padding, CELL_OVERHANG: LIGHT.overhang}
    for frame, box in zip(frames, scene.overlays, strict=True):  # every tap from the call's windows
        for d, h, w, kind in box.window:
            cell = slices.input_cell(d, h, w)
            assert pixel(frame, corner(cell, slices.window_line)) == draw.rgb(colours[kind]), (box.output, d, h, w)
        out = slices.output_cell(*box.output)
        assert pixel(frame, (out[0] + 1, (out[1] + out[3]) // 2)) == draw.rgb(LIGHT.window)


def test_a_volumes_consecutive_frames_differ(volume_rendered):
    _, _, frames = volume_rendered
    for before, after in zip(frames, frames[1:], strict=False):
        assert not np.array_equal(before, after)


def test_a_volumes_picked_cell_is_the_one_torchs_indices_name():
    scene = VOLUMES["max_padded_ceil"]()
    call = scene.call
    picture = export.picture(scene, LIGHT, WEB)
    frames = gif_frames(export.render_gif(scene, LIGHT, WEB))
    _, indices = F.max_pool3d(torch.from_numpy(scene.inputs[None].astype(np.float32)), **call.arguments,
                              return_indices=True)  # fmt: skip
    chosen = draw.rgb(LIGHT.chosen)
    for frame, box, flat in zip(frames, scene.overlays, indices[0].numpy().ravel(), strict=True):
        named = tuple(int(i) for i in np.unravel_index(int(flat), scene.inputs.shape))
        for d, h, w, kind in box.window:
            if kind == CELL_INPUT:
                points = picture.slices.chosen_points_in(picture.slices.input_cell(d, h, w))
                assert all(pixel(frame, p) == chosen for p in points) == ((d, h, w) == named), (box.output, named)


def test_a_volumes_frames_are_its_pngs_and_predict_mode_hides_the_answers(volume_rendered):
    scene, picture, frames = volume_rendered
    palette = encode.FixedPalette(picture.exact_colours(), picture.samples())
    for step, (image, _) in enumerate(picture.frames()):
        assert np.array_equal(np.asarray(image), np.asarray(picture.frame(step))), step
        assert np.array_equal(frames[step], np.asarray(palette.image(image).convert("RGB"))), step
    hidden = export.picture(scene, LIGHT, WEB, show_outputs=False)
    for frame in gif_frames(export.render_gif(scene, LIGHT, WEB, show_outputs=False)):
        assert not (frame == draw.rgb(LIGHT.chosen)).all(axis=-1).any()
        for index in np.ndindex(*scene.outputs.shape):  # every output still a slot to predict
            box = hidden.slices.output_cell(*index)
            assert pixel(frame, ((box[0] + box[2]) // 2, (box[1] + box[3]) // 2)) == draw.rgb(LIGHT.unread_padding_fill)


@pytest.mark.parametrize("name", sorted(VOLUMES))
def test_a_volume_gives_the_same_bytes_for_the_same_state(name):
    gif, png = export.render_gif(VOLUMES[name](), DARK, WEB), export.render_png(VOLUMES[name](), 1, DARK, WEB)
    assert gif == export.render_gif(VOLUMES[name](), DARK, WEB)
    assert png == export.render_png(VOLUMES[name](), 1, DARK, WEB)
    assert export.filename_of(VOLUMES[name](), "png", 1).endswith("_step1.png")


def test_a_predicting_backward_or_unpooling_export_shows_x_not_the_answer():
    x = np.array([1, 4, -1, 0, 2, -2, 1, 3, 3, 1], dtype=np.float32)
    call = PoolCall("max_pool1d", {"kernel_size": 2})
    flow = backward.build(call, x, np.ones(5, np.float32))
    told = backward.variant(scenes.build(call, x), flow, backward.Upstream("ones"), predicting=True)
    assert all(told.at(step).inputs.tolist() == [x.tolist()] for step in range(5))
    assert "→ ?" in told.sentence(0)[0] and told.labels[0].startswith("x:")
    assert all(overlay.chosen is None for overlay in told.base.overlays)  # the winner is the answer: not marked
    assert all(overlay.chosen is None for overlay in told.at(2).overlays)
    back = unpool.build(x[:5], {"kernel_size": 2})
    asked = unpool.variant(scenes.build(call, x[:5]), back, predicting=True)
    assert asked.at(0).inputs.tolist() == [x[:5].tolist()] and "→ ?" in asked.sentence(1)[0]
    assert len(gif_frames(export.render_gif(told, LIGHT, WEB))) == 5


def test_a_nan_cell_and_an_overhang_cell_differ_in_colour_in_both_themes():
    """Both are cells no colour scale places; side by side (a NaN next to ceil_mode's · cells) a
    reader must tell them apart by colour as well as by their text."""
    from ui.palette import DARK  # noqa: PLC0415

    for theme in (LIGHT, DARK):
        assert theme.nan_fill not in (theme.overhang_fill, theme.padding_fill, theme.unread_padding_fill)
