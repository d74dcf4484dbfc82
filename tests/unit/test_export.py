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
from ui import calls, data, export
from ui import invariance as inv
from ui import scene as scenes
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
    assert pixel(image, (nan_box[0] + panel.gap + 2, nan_box[1] + panel.gap + 2)) == draw.rgb(LIGHT.overhang_fill)
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
