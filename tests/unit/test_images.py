"""ui.images: reading files safely, pooling inputs, what the browser is sent, where it is drawn."""

import base64
import io

import numpy as np
import pytest
from PIL import Image

import pooling_core
from pooling_core import PoolCall
from scripts import sample_files as image_files
from ui import images
from ui.images import ImageError, Region

# --- reading files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fmt, options",
    [("PNG", {}), ("JPEG", {"quality": 95}), ("WEBP", {"lossless": True}), ("GIF", {}), ("BMP", {}), ("TIFF", {})],
)
def test_every_supported_format_loads_as_rgb(fmt, options):
    pixels = image_files.photo(20, 30)
    image = images.load_image(image_files.encode(pixels, fmt, **options))
    assert image.format == fmt
    assert image.pixels.shape == (20, 30, 3) and image.pixels.dtype == np.uint8
    if fmt in ("PNG", "BMP", "TIFF", "WEBP"):  # lossless: the very same pixels
        np.testing.assert_array_equal(image.pixels, pixels)


def test_pixels_are_read_only():
    image = images.load_image(image_files.encode(image_files.photo()))
    with pytest.raises(ValueError, match="read-only"):
        image.pixels[0, 0, 0] = 1


def test_not_an_image():
    with pytest.raises(ImageError, match=r"not a PNG, JPEG, WebP, GIF, BMP or TIFF image"):
        images.load_image(image_files.not_an_image())


def test_empty_file():
    with pytest.raises(ImageError, match="empty"):
        images.load_image(b"")


def test_truncated_png():
    with pytest.raises(ImageError, match=r"This PNG file is damaged or cut short"):
        images.load_image(image_files.truncated_png())


def test_decompression_bomb_far_over_pillows_own_limit():
    with pytest.raises(ImageError, match=r"only 65 bytes.*900,000,000 pixels.*decompression bomb"):
        images.load_image(image_files.bomb_png(30000, 30000))


def test_decompression_bomb_under_pillows_limit_is_caught_by_ours_with_its_size():
    # 60 MP: pillow only warns at 89 MP, so our own check must refuse it, before decoding.
    with pytest.raises(ImageError, match=r"header says the image is 10000 × 6000 pixels \(60.0 megapixels\)"):
        images.load_image(image_files.bomb_png(10000, 6000))


def test_enormous_image_names_its_size_and_a_size_that_fits():
    data = image_files.encode(image_files.photo(40, 50))
    expected = r"This image is 50 × 40 pixels .*Scale it down first \(for example to 35 × 28\)"
    with pytest.raises(ImageError, match=expected):
        images.load_image(data, max_pixels=1000)


def test_at_the_limit_is_fine():
    assert images.load_image(image_files.encode(image_files.photo(40, 25)), max_pixels=1000).shape == (40, 25)


def test_transparent_pixels_are_shown_on_white():
    rgba = np.zeros((4, 4, 4), dtype=np.uint8)
    rgba[:2] = (255, 0, 0, 255)  # top half opaque red, bottom half fully transparent
    image = images.load_image(image_files.encode(rgba))
    assert image.pixels[0, 0].tolist() == [255, 0, 0]
    assert image.pixels[3, 3].tolist() == [255, 255, 255]
    assert any("white" in note for note in image.notes)


def test_animated_gif_uses_the_first_frame():
    frames = [Image.new("RGB", (8, 8), colour) for colour in ((255, 0, 0), (0, 0, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:])
    image = images.load_image(buffer.getvalue())
    assert image.pixels[0, 0].tolist() == [255, 0, 0]
    assert image.notes == ("This GIF has 2 frames; the page uses the first.",)


def test_sixteen_bit_grey_is_scaled_to_bytes():
    values = np.array([[0, 65535], [257 * 100, 257 * 200]], dtype=np.uint16)
    image = images.load_image(image_files.encode(Image.fromarray(values)))
    assert image.pixels[..., 0].tolist() == [[0, 255], [100, 200]]
    assert any("16-bit" in note for note in image.notes)


def test_exif_rotation_is_applied():
    picture = Image.new("RGB", (30, 10), (0, 128, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to view"
    image = images.load_image(image_files.encode(picture, "JPEG", exif=exif))
    assert image.shape == (30, 10)
    assert any("EXIF" in note for note in image.notes)


def test_samples_are_bundled_small_and_valid():
    names = images.sample_names()
    assert {"checkerboard.png", "scene.jpg", "line_drawing.png", "stars.png", "noise_texture.png"} <= set(names)
    total = sum((images.SAMPLES_DIR / name).stat().st_size for name in names)
    assert total < 1.5 * 2**20
    for name in names:
        image = images.load_image((images.SAMPLES_DIR / name).read_bytes())
        assert image.notes == ()
    assert max(images.load_image((images.SAMPLES_DIR / "scene.jpg").read_bytes()).shape) > images.DISPLAY_SIDE


# --- pooling inputs -----------------------------------------------------------------------


def test_batch_layout_and_luma():
    pixels = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255], [10, 20, 30]]], dtype=np.uint8)  # (1, 4, 3)
    image = images.load_image(image_files.encode(pixels))
    rgb = images.as_batch(image, "RGB")
    assert rgb.shape == (3, 1, 4) and rgb.dtype == np.float32
    assert rgb[:, 0, 3].tolist() == [10, 20, 30]
    grey = images.as_batch(image, "grayscale")
    assert grey.shape == (1, 1, 4)
    # ITU-R 601 luma, as pillow's convert("L") rounds it: 0.299 R + 0.587 G + 0.114 B
    assert grey[0, 0].tolist() == [76, 150, 29, 18]
    with pytest.raises(ValueError, match="colour must be one of"):
        images.as_batch(image, "CMYK")


def test_paired_calls_share_what_both_functions_take():
    chosen = PoolCall("avg_pool2d", {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True,
                                     "count_include_pad": False, "divisor_override": 5})  # fmt: skip
    calls = images.paired_calls(chosen)
    assert calls["avg"] is chosen
    assert calls["max"] == PoolCall("max_pool2d", {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True})


def test_pool_returns_values_and_indices_of_pooling_core():
    batch = images.as_batch(images.load_image(image_files.encode(image_files.photo())), "RGB")
    values, indices = images.pool(PoolCall("max_pool2d", {"kernel_size": 2, "return_indices": True}), batch)
    expected_values, expected_indices = pooling_core.max_pool2d(batch, 2, return_indices=True)
    np.testing.assert_array_equal(values, expected_values)
    np.testing.assert_array_equal(indices, expected_indices)
    assert values.shape == (3, 32, 48)
    values, indices = images.pool(PoolCall("avg_pool2d", {"kernel_size": 2}), batch)
    assert indices is None and values.shape == (3, 32, 48)


def test_picked_pixels_hold_the_maxima():
    """Each picked pixel is where its output's value came from (the gradient's route back)."""
    batch = images.as_batch(images.load_image(image_files.encode(image_files.photo())), "RGB")
    values, indices = pooling_core.max_pool2d(batch, 3, stride=2, padding=1, return_indices=True)
    rows, cols = slice(3, 9), slice(5, 12)
    for channel in range(3):
        x, y = images.picked_pixels(indices[channel], rows, cols, batch.shape[2])
        np.testing.assert_array_equal(batch[channel, y, x], values[channel, rows, cols].ravel())


# --- what the browser is sent -------------------------------------------------------------


def test_to_pixels_rounds_and_reports_clipping():
    pixels, clipped = images.to_pixels(np.array([[[0.4, 2.5, 254.6]]], dtype=np.float32))
    assert pixels.tolist() == [[0, 2, 255]] and not clipped  # rint: halves to even
    pixels, clipped = images.to_pixels(np.array([[[-np.inf, 300.0, np.nan]]], dtype=np.float32))
    assert pixels.tolist() == [[0, 255, 0]] and clipped
    rgb, _ = images.to_pixels(np.zeros((3, 2, 5), dtype=np.float32))
    assert rgb.shape == (2, 5, 3) and rgb.flags.c_contiguous


def test_shrink_averages_blocks():
    pixels = np.array([[0, 100, 200, 200], [100, 200, 200, 200]], dtype=np.uint8)
    assert images.shrink(pixels, (1, 2)).tolist() == [[100, 200]]
    assert images.shrink(pixels, (2, 4)) is pixels


def test_data_uri_png_for_small_jpeg_for_large():
    small = images.data_uri(np.zeros((8, 8), dtype=np.uint8))
    large = images.data_uri(np.zeros((600, 600, 3), dtype=np.uint8))
    assert small.startswith("data:image/png;base64,") and large.startswith("data:image/jpeg;base64,")
    decoded = Image.open(io.BytesIO(base64.b64decode(small.split(",", 1)[1])))
    assert decoded.size == (8, 8)


# --- where pixels are drawn ---------------------------------------------------------------


@pytest.mark.parametrize(
    "arguments",
    [
        {"kernel_size": 2},
        {"kernel_size": 3, "stride": 1, "padding": 1},
        {"kernel_size": (2, 3), "stride": (2, 1), "dilation": (1, 2)},
        {"kernel_size": 3, "stride": 2, "ceil_mode": True},
    ],
)
def test_output_pixels_are_centred_on_their_windows(arguments):
    call = PoolCall("max_pool2d", arguments)
    shape = (11, 13)
    rows, cols = images.output_axes(call, shape)
    assert (rows.output_size, cols.output_size) == pooling_core.max_pool2d(np.zeros((1, *shape)), **arguments).shape[1:]
    place = images.output_placement(call, shape)
    # the last output's centre: the middle of its window's first and last taps
    last_row = rows.starts[-1] + rows.offsets[-1] / 2
    assert place.y0 + (rows.output_size - 1) * place.dy == pytest.approx(last_row)
    assert place.dx == cols.stride and place.dy == rows.stride


def test_output_crop_placement_starts_at_the_crop():
    call = PoolCall("max_pool2d", {"kernel_size": 2})
    crop = images.output_crop(call, (32, 32), Region(top=8, left=4, cells=4, pixels_per_cell=2))
    assert crop == (slice(4, 8), slice(2, 6))
    place = images.output_placement(call, (32, 32), crop=crop)
    assert (place.y0, place.x0) == (8.5, 4.5)  # output (4, 2) covers input rows 8-9, columns 4-5


def test_region_stays_inside_and_downscales_by_block_means():
    plane = np.arange(64 * 64, dtype=np.float32).reshape(64, 64)
    region = images.region_around(plane.shape, centre_y=63, centre_x=0, cells=8, pixels_per_cell=4)
    assert region == Region(top=32, left=0, cells=8, pixels_per_cell=4)
    cells = images.region_plane(plane, region)
    assert cells.shape == (8, 8)
    assert cells[0, 0] == np.rint(plane[32:36, 0:4].mean())


def test_region_in_a_tiny_image():
    region = images.region_around((5, 7), 2, 3, cells=12, pixels_per_cell=8)
    assert region == Region(top=0, left=1, cells=5, pixels_per_cell=1)  # 5 cells of 1 pixel, centred on column 3


@pytest.mark.filterwarnings("ignore::UserWarning")  # pillow warns about the broken TIFF tags it skips
@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP", "BMP", "TIFF"])
def test_damaged_files_only_ever_raise_image_error(fmt):
    """Flip, cut and splice bytes of a real file: every outcome is an image or an ImageError."""
    rng = np.random.default_rng(4)
    good = image_files.encode(image_files.photo(24, 32), fmt)
    for _ in range(150):
        data = bytearray(good)
        for position in rng.integers(0, len(data), size=rng.integers(1, 8)):
            data[position] = rng.integers(0, 256)
        data = bytes(data[: rng.integers(8, len(data) + 1)])
        try:
            image = images.load_image(data)
        except ImageError:
            continue
        assert image.pixels.ndim == 3 and image.pixels.shape[2] == 3
