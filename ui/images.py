"""Images for the Images page: reading uploads safely, turning them into pooling inputs, and
preparing what the browser is sent. Pure: no Streamlit here.

The page pools every image at full size; only the *view* is reduced. A 2048×1536 photo is a
``(3, 1536, 2048)`` batch for ``max_pool2d``; the browser gets a copy of at most
:data:`DISPLAY_SIDE` pixels a side, and the page says so.

Every pixel the browser draws is placed in *input pixel coordinates*, so the original and the
pooled images share their axes: output cell ``o`` of an axis is drawn as a ``stride``-wide
pixel centred on its window, ``starts[o] + dilation·(kernel_size − 1)/2`` (from
:mod:`pooling_core.geometry`). Zooming into one picture zooms into the same place in all.

>>> image = load_image(png_bytes(np.zeros((4, 6, 3), dtype=np.uint8)))
>>> image.shape, image.format
((4, 6), 'PNG')
>>> as_batch(image, "RGB").shape, as_batch(image, "grayscale").shape  # (C, H, W), float32
((3, 4, 6), (1, 4, 6))
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from pooling_core import PoolCall, geometry

MAX_PIXELS = 50_000_000  # a 12-MP phone photo fits four times; 50 MP of RGB float32 is 600 MB
DISPLAY_SIDE = 768  # longest side sent per picture: twice a third of the page on a 2× screen
FORMATS = ("PNG", "JPEG", "WEBP", "GIF", "BMP", "TIFF")  # the only decoders we let pillow use
FORMATS_TEXT = "PNG, JPEG, WebP, GIF, BMP or TIFF"
UPLOAD_TYPES = ("png", "jpg", "jpeg", "webp", "gif", "bmp", "tif", "tiff")
COLOUR_MODES = ("RGB", "grayscale")
CHANNEL_NAMES = ("R", "G", "B")
EXIF_ORIENTATION = 0x0112
SAMPLES_DIR = Path(__file__).resolve().parents[1] / "assets" / "samples"
# More pixels per byte of file than this: a decompression bomb. Deflate packs at most ~1032 bytes
# into one, so only a blank 8-bit image comes near; real pictures stay far below.
BOMB_RATIO = 1000
PNG_LIMIT = 512 * 512  # pictures up to this many pixels go as PNG (crisp); larger ones as JPEG (fast, small)


class ImageError(ValueError):
    """A file we cannot use, with a message meant for the person who uploaded it."""


@dataclass(frozen=True)
class LoadedImage:
    """A decoded image: ``pixels`` is ``(H, W, 3)`` uint8 RGB, read-only; notes say what was done."""

    pixels: np.ndarray
    format: str
    notes: tuple[str, ...] = ()

    @property
    def shape(self) -> tuple[int, int]:
        """``(H, W)``."""
        return self.pixels.shape[0], self.pixels.shape[1]

    @cached_property
    def busiest_point(self) -> tuple[int, int]:
        """See :func:`busiest_point`; computed once per decoded image."""
        return busiest_point(self.pixels)


def _size_text(pixels: int) -> str:
    return f"{pixels / 1e6:.1f} megapixels"


def _file_size_text(size: int) -> str:
    if size < 10_000:
        return f"{size} bytes"
    return f"{size / 1024:.0f} KB" if size < 10_000_000 else f"{size / 2**20:.0f} MB"


def check_size(width: int, height: int, file_size: int, max_pixels: int = MAX_PIXELS) -> None:
    """Refuse an image whose header promises more than ``max_pixels``, before decoding it.

    >>> check_size(30000, 30000, 92)
    Traceback (most recent call last):
    ...
    ui.images.ImageError: The file is only 92 bytes, but its header says the image is 30000 × 30000 pixels \
(900.0 megapixels). That is a decompression bomb: ...
    """
    pixels = width * height
    if pixels <= max_pixels:
        return
    memory = pixels * 3 / 1e9
    if file_size * BOMB_RATIO < pixels:
        raise ImageError(
            f"The file is only {_file_size_text(file_size)}, but its header says the image is {width} × {height} "
            f"pixels ({_size_text(pixels)}). That is a decompression bomb: decoding it would need {memory:.1f} GB "
            f"of memory. This page takes images up to {_size_text(max_pixels)}."
        )
    raise ImageError(
        f"This image is {width} × {height} pixels ({_size_text(pixels)}); this page takes images up to "
        f"{_size_text(max_pixels)}. Scale it down first (for example to {_fit_within(width, height, max_pixels)})."
    )


def _fit_within(width: int, height: int, max_pixels: int) -> str:
    scale = (max_pixels / (width * height)) ** 0.5
    return f"{int(width * scale)} × {int(height * scale)}"


def load_image(data: bytes, max_pixels: int = MAX_PIXELS) -> LoadedImage:
    """Decode ``data`` as a PNG, JPEG, WebP, GIF, BMP or TIFF into RGB pixels, or raise :class:`ImageError`.

    The size is checked from the header before any pixel is decoded. Transparent pixels are
    shown on white, an EXIF rotation is applied, animations and multi-page files give their
    first frame, and 16-bit or float images are scaled to 0–255; each of these adds a note.
    """
    if not data:
        raise ImageError("The file is empty.")
    try:
        image = Image.open(io.BytesIO(data), formats=FORMATS)
    except Image.DecompressionBombError as error:  # pillow's own limit (~179 MP), checked in open()
        claimed = re.search(r"\((\d+) pixels\)", str(error))
        pixels = int(claimed.group(1)) if claimed else None
        raise ImageError(
            f"The file is only {_file_size_text(len(data))}, but its header says the image has "
            + (f"{pixels:,} pixels ({_size_text(pixels)})" if pixels else "an enormous number of pixels")
            + f". That is a decompression bomb; this page takes images up to {_size_text(max_pixels)}."
        ) from None
    except UnidentifiedImageError:
        raise ImageError(f"This file is not a {FORMATS_TEXT} image (pillow cannot identify it).") from None
    except Exception as error:  # noqa: BLE001 - a malformed header can raise almost anything
        raise ImageError(f"This file looks like an image but its header is damaged ({error}).") from None
    with image:
        check_size(image.width, image.height, len(data), max_pixels)
        notes = []
        try:
            frames = getattr(image, "n_frames", 1)
            if frames > 1:
                notes.append(f"This {image.format} has {frames} frames; the page uses the first.")
            image.load()
            if image.getexif().get(EXIF_ORIENTATION, 1) != 1:
                notes.append("Turned upright as the camera's EXIF orientation tag asks.")
            pixels = _to_rgb(ImageOps.exif_transpose(image), notes)
        except Image.DecompressionBombError:
            raise ImageError(f"Decoding this image would exceed the limit of {_size_text(max_pixels)}.") from None
        except Exception as error:  # noqa: BLE001 - damaged data can make a decoder raise almost anything
            raise ImageError(
                f"This {image.format} file is damaged or cut short, so its pixels cannot be decoded ({error}). "
                "Try saving or downloading it again."
            ) from None
        pixels.flags.writeable = False
        return LoadedImage(pixels=pixels, format=image.format, notes=tuple(notes))


def _to_rgb(image: Image.Image, notes: list[str]) -> np.ndarray:
    """``(H, W, 3)`` uint8 from any pillow mode."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        values = np.asarray(image, dtype=np.float64)
        if values.min() >= 0 and values.max() <= 255:
            scaled = values
        elif values.min() >= 0 and values.max() <= 65535:
            scaled = values / 257
            notes.append(f"This is a 16-bit {image.format}; its values 0–65535 were scaled to 0–255.")
        else:
            low, high = float(values.min()), float(values.max())
            scaled = (values - low) / ((high - low) or 1) * 255
            notes.append(f"Its values from {low:g} to {high:g} were scaled to 0–255.")
        grey = np.clip(np.rint(scaled), 0, 255).astype(np.uint8)
        return np.repeat(grey[..., None], 3, axis=2)
    if image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        if rgba.getextrema()[3][0] < 255:
            notes.append("Transparent pixels are shown on white (pooling needs a value in every pixel).")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return np.array(Image.alpha_composite(white, rgba).convert("RGB"))
    return np.array(image.convert("RGB"))


def png_bytes(pixels: np.ndarray) -> bytes:
    """``pixels`` (``(H, W)`` or ``(H, W, 3)`` uint8) as a PNG file."""
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


def sample_names(folder: Path = SAMPLES_DIR) -> tuple[str, ...]:
    """The bundled samples' file names, sorted (``checkerboard.png``, ``scene.jpg``, ...)."""
    return tuple(sorted(p.name for p in folder.iterdir() if p.suffix.lower().lstrip(".") in UPLOAD_TYPES))


def as_batch(image: LoadedImage, colour: str) -> np.ndarray:
    """The pooling input: ``(C, H, W)`` float32 with values 0–255, torch's unbatched layout.

    ``"RGB"`` gives three planes; ``"grayscale"`` one, the luma ``0.299 R + 0.587 G + 0.114 B``
    (pillow's ``convert("L")``, rounded to whole numbers like an 8-bit grey image).
    """
    if colour == "RGB":
        return np.ascontiguousarray(image.pixels.transpose(2, 0, 1), dtype=np.float32)  # (3, H, W)
    if colour == "grayscale":
        grey = np.asarray(Image.fromarray(image.pixels).convert("L"))
        return grey[None].astype(np.float32)  # (1, H, W)
    raise ValueError(f"colour must be one of {COLOUR_MODES}, but got {colour!r}")


SHARED_ARGUMENTS = ("kernel_size", "stride", "padding", "ceil_mode")  # what max_pool2d and avg_pool2d both take


def paired_calls(call: PoolCall) -> dict[str, PoolCall]:
    """``{"max": ..., "avg": ...}``: the chosen call as it is, the other with the arguments they share.

    >>> calls = paired_calls(PoolCall("max_pool2d", {"kernel_size": 3, "dilation": 2}))
    >>> calls["avg"]
    PoolCall(function='avg_pool2d', arguments={'kernel_size': 3})
    """
    chosen = call.function.removesuffix("_pool2d")
    shared = {name: value for name, value in call.arguments.items() if name in SHARED_ARGUMENTS}
    other = "avg" if chosen == "max" else "max"
    return {chosen: call, other: PoolCall(f"{other}_pool2d", shared)} if chosen in ("max", "avg") else {chosen: call}


def pool(call: PoolCall, batch: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """Run ``call`` on ``batch``: the values, and the indices if it asks for ``return_indices``."""
    result = call.run(batch)
    return result if isinstance(result, tuple) else (result, None)


def picked_pixels(indices: np.ndarray, rows: slice, cols: slice, width: int) -> tuple[np.ndarray, np.ndarray]:
    """``(x, y)`` of the input pixels that the outputs ``[rows, cols]`` of one channel picked.

    ``indices`` is max_pool2d's ``(H_out, W_out)`` plane in torch's flattened form ``h·W + w``.

    >>> indices = np.array([[1, 7], [12, 15]])  # a 4-wide input
    >>> picked_pixels(indices, slice(0, 2), slice(1, 2), 4)
    (array([3, 3]), array([1, 3]))
    """
    y, x = np.divmod(indices[rows, cols].ravel(), width)
    return x, y


def to_pixels(values: np.ndarray) -> tuple[np.ndarray, bool]:
    """``(C, H, W)`` float values → displayable uint8 ``(H, W, 3)`` or ``(H, W)``; and whether any were clipped.

    Averages are rounded; values outside 0–255 (``divisor_override``, a window of only
    padding) are clipped for display only.
    """
    low, high = float(values.min()), float(values.max())  # NaN anywhere makes both NaN
    clipped = not (low >= 0 and high <= 255)
    if clipped:
        values = np.clip(np.nan_to_num(values, nan=0.0), 0, 255)
    shown = np.rint(values).astype(np.uint8)  # (C, H, W)
    return (shown[0] if shown.shape[0] == 1 else np.ascontiguousarray(shown.transpose(1, 2, 0))), clipped


def display_shape(shape: tuple[int, int], max_side: int = DISPLAY_SIDE) -> tuple[int, int]:
    """The (H, W) a picture is sent at: its own if it fits in ``max_side``, else scaled down to fit.

    >>> display_shape((1536, 2048), 1024), display_shape((512, 512), 1024), display_shape((3000, 10), 1000)
    ((768, 1024), (512, 512), (1000, 3))
    """
    scale = min(1.0, max_side / max(shape))
    return max(1, round(shape[0] * scale)), max(1, round(shape[1] * scale))


def shrink(pixels: np.ndarray, shown_shape: tuple[int, int]) -> np.ndarray:
    """``pixels`` resized to ``shown_shape`` (H, W), each shown pixel the mean of the pixels it covers."""
    if pixels.shape[:2] == tuple(shown_shape):
        return pixels
    size = (shown_shape[1], shown_shape[0])  # pillow sizes are (width, height)
    return np.asarray(Image.fromarray(pixels).resize(size, Image.Resampling.BOX))


def display_pixels(values: np.ndarray, max_side: int = DISPLAY_SIDE) -> tuple[np.ndarray, bool]:
    """``(C, H, W)`` values → the uint8 picture sent to the browser, at most ``max_side`` a side
    (see :func:`to_pixels`). A large picture is scaled down while still float, each shown pixel
    the mean of those it covers, so the full-size array is never rounded or copied.

    >>> pixels, clipped = display_pixels(np.arange(16, dtype=np.float32).reshape(1, 4, 4), max_side=2)
    >>> pixels.tolist(), clipped
    ([[2, 4], [10, 12]], False)
    """
    shown_shape = display_shape(values.shape[1:], max_side)
    if shown_shape != values.shape[1:]:
        size = (shown_shape[1], shown_shape[0])  # pillow sizes are (width, height)
        values = np.stack([
            np.asarray(Image.fromarray(np.ascontiguousarray(plane, dtype=np.float32)).resize(
                size, Image.Resampling.BOX, reducing_gap=1.0))  # reduce() by whole blocks first: 30% faster
            for plane in values
        ])  # fmt: skip
    return to_pixels(values)


def data_uri(pixels: np.ndarray) -> str:
    """A ``data:`` URI the browser decodes itself: PNG for small pictures, JPEG (quality 85) for large ones."""
    buffer = io.BytesIO()
    picture = Image.fromarray(pixels)
    if pixels.shape[0] * pixels.shape[1] <= PNG_LIMIT:
        picture.save(buffer, format="PNG", compress_level=1)
        kind = "png"
    else:
        picture.save(buffer, format="JPEG", quality=85)
        kind = "jpeg"
    return f"data:image/{kind};base64,{base64.b64encode(buffer.getvalue()).decode()}"


@dataclass(frozen=True)
class Placement:
    """Where a picture's pixels sit in input pixel coordinates: pixel (i, j) is centred at
    ``(y0 + i·dy, x0 + j·dx)`` and is ``dx`` wide, ``dy`` tall."""

    x0: float
    y0: float
    dx: float
    dy: float


def input_placement(shape: tuple[int, int], shown_shape: tuple[int, int] | None = None, top: int = 0,
                    left: int = 0) -> Placement:  # fmt: skip
    """Where the input's pixels go (or those of its copy shown at ``shown_shape``, or of a crop at ``(top, left)``).

    >>> input_placement((8, 8))
    Placement(x0=0.0, y0=0.0, dx=1.0, dy=1.0)
    >>> input_placement((8, 8), (4, 4))  # shown pixel (0, 0) is the mean of input rows and columns 0–1
    Placement(x0=0.5, y0=0.5, dx=2.0, dy=2.0)
    """
    shown_shape = shown_shape or shape
    dy, dx = shape[0] / shown_shape[0], shape[1] / shown_shape[1]
    return Placement(x0=left - 0.5 + dx / 2, y0=top - 0.5 + dy / 2, dx=dx, dy=dy)


def output_axes(call: PoolCall, input_shape: tuple[int, int]) -> tuple[geometry.AxisWindows, geometry.AxisWindows]:
    """The (H, W) windows of a max or avg ``call`` on an input of ``input_shape``."""
    rows, cols = call.windows(tuple(input_shape)).axes
    return rows, cols


def output_placement(call: PoolCall, input_shape: tuple[int, int], shown_shape: tuple[int, int] | None = None,
                     crop: tuple[slice, slice] = (slice(None), slice(None))) -> Placement:  # fmt: skip
    """Where pooled pixels go: output ``o`` is a ``stride``-wide pixel centred on its window.

    ``crop`` selects the outputs shown (row and column slices); ``shown_shape`` is the size
    they are sent at, if smaller.

    >>> call = PoolCall("max_pool2d", {"kernel_size": 2})
    >>> output_placement(call, (8, 8))  # output (0, 0) covers input rows and columns 0–1
    Placement(x0=0.5, y0=0.5, dx=2.0, dy=2.0)
    >>> output_placement(call, (8, 8), (2, 2))  # shown at half size: each shown pixel covers 4×4 inputs
    Placement(x0=1.5, y0=1.5, dx=4.0, dy=4.0)
    >>> output_placement(PoolCall("max_pool2d", {"kernel_size": 3, "stride": 1, "padding": 1}), (8, 8))
    Placement(x0=0.0, y0=0.0, dx=1.0, dy=1.0)
    """
    origins, steps = [], []
    for index, axis in enumerate(output_axes(call, input_shape)):
        outputs = range(axis.output_size)[crop[index]]
        shown = shown_shape[index] if shown_shape else len(outputs)
        step = axis.stride * len(outputs) / shown
        origins.append(float(axis.centres[outputs.start]) - axis.stride / 2 + step / 2)
        steps.append(step)
    return Placement(x0=origins[1], y0=origins[0], dx=steps[1], dy=steps[0])


@dataclass(frozen=True)
class Region:
    """A square of the input: ``cells``×``cells`` cells of ``pixels_per_cell``² pixels each."""

    top: int
    left: int
    cells: int
    pixels_per_cell: int

    @property
    def side(self) -> int:
        """Its side in input pixels."""
        return self.cells * self.pixels_per_cell

    @property
    def slices(self) -> tuple[slice, slice]:
        return slice(self.top, self.top + self.side), slice(self.left, self.left + self.side)


def region_around(shape: tuple[int, int], centre_y: int, centre_x: int, cells: int, pixels_per_cell: int) -> Region:
    """The region centred as near ``(centre_y, centre_x)`` as the image allows.

    In a small image the region shrinks: first fewer pixels per cell, then fewer cells.

    >>> region_around((100, 200), 0, 199, cells=12, pixels_per_cell=4)
    Region(top=0, left=152, cells=12, pixels_per_cell=4)
    >>> region_around((10, 10), 5, 5, cells=12, pixels_per_cell=4)
    Region(top=0, left=0, cells=10, pixels_per_cell=1)
    """
    shortest = min(shape)
    while pixels_per_cell > 1 and cells * pixels_per_cell > shortest:
        pixels_per_cell //= 2
    cells = min(cells, shortest // pixels_per_cell)
    side = cells * pixels_per_cell
    top = int(np.clip(centre_y - side // 2, 0, shape[0] - side))
    left = int(np.clip(centre_x - side // 2, 0, shape[1] - side))
    return Region(top=top, left=left, cells=cells, pixels_per_cell=pixels_per_cell)


def busiest_point(pixels: np.ndarray, side: int = 64) -> tuple[int, int]:
    """``(row, column)`` of the most detailed spot: where a small grey copy changes most within a
    few pixels. A region there makes a better first example than a flat patch of sky.

    >>> pixels = np.zeros((100, 200), dtype=np.uint8)
    >>> pixels[70:74, 150:154] = 255
    >>> busiest_point(pixels)  # the bright square covers rows 70–73, columns 150–153
    (70, 151)
    """
    small = shrink(pixels, display_shape(pixels.shape[:2], side))
    small = (small if small.ndim == 2 else np.asarray(Image.fromarray(small).convert("L"))).astype(np.float32)
    change = np.zeros_like(small)
    change[:, 1:] += np.abs(np.diff(small, axis=1))
    change[1:, :] += np.abs(np.diff(small, axis=0))
    reach = min(5, *small.shape)
    sums = np.lib.stride_tricks.sliding_window_view(change, (reach, reach)).sum(axis=(2, 3))
    row, col = np.unravel_index(int(np.argmax(sums)), sums.shape)  # first of the busiest windows
    scale_y, scale_x = pixels.shape[0] / small.shape[0], pixels.shape[1] / small.shape[1]
    return int((row + reach / 2) * scale_y), int((col + reach / 2) * scale_x)


def default_pixels_per_cell(shape: tuple[int, int]) -> int:
    """A starting zoom: 1 pixel per cell for images up to 511 pixels, then powers of two.

    >>> default_pixels_per_cell((320, 320)), default_pixels_per_cell((1536, 2048))
    (1, 4)
    """
    return int(min(32, 2 ** max(0, int(np.log2(max(min(shape), 1) / 256)))))


def region_plane(plane: np.ndarray, region: Region) -> np.ndarray:
    """The region of one ``(H, W)`` plane, each cell the mean of its pixels rounded to a whole
    number (a downscaled 8-bit copy): ``(cells, cells)`` float32, the animation's input.

    >>> plane = np.arange(16.0).reshape(4, 4)
    >>> region_plane(plane, Region(top=0, left=0, cells=2, pixels_per_cell=2)).tolist()
    [[2.0, 4.0], [10.0, 12.0]]
    """
    crop = plane[region.slices]
    n, k = region.cells, region.pixels_per_cell
    blocks = crop.reshape(n, k, n, k).astype(np.float64).mean(axis=(1, 3))  # (cells, cells)
    return np.rint(blocks).astype(np.float32)


def output_crop(call: PoolCall, input_shape: tuple[int, int], region: Region) -> tuple[slice, slice]:
    """The outputs drawn over ``region`` (each a ``stride``-wide pixel on its window's centre,
    see :func:`output_placement`), partly covered ones included, so the region is filled.

    >>> output_crop(PoolCall("max_pool2d", {"kernel_size": 2}), (16, 16), Region(4, 8, 4, 1))
    (slice(2, 4, None), slice(4, 6, None))
    >>> output_crop(PoolCall("max_pool2d", {"kernel_size": 2}), (16, 16), Region(3, 8, 4, 1))  # rows 3-6
    (slice(1, 4, None), slice(4, 6, None))
    """
    slices = []
    for axis, start in zip(output_axes(call, input_shape), (region.top, region.left), strict=True):
        centres = axis.centres
        low, high = start - 0.5, start + region.side - 0.5  # the region's edges
        first = int(np.searchsorted(centres + axis.stride / 2, low, side="right"))  # first whose right edge is past low
        last = int(np.searchsorted(centres - axis.stride / 2, high, side="left"))  # first whose left edge reaches high
        slices.append(slice(first, max(last, first)))
    return slices[0], slices[1]


def shape_text(shape: tuple[int, ...]) -> str:
    """``(3, 512, 512)``."""
    return "(" + ", ".join(str(size) for size in shape) + ")"
