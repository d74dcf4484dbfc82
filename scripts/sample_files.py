"""Image files, good and bad, made in memory: for the Images page tests and the app benchmark."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from PIL import Image


def encode(pixels: np.ndarray | Image.Image, fmt: str = "PNG", **options) -> bytes:
    picture = pixels if isinstance(pixels, Image.Image) else Image.fromarray(pixels)
    buffer = io.BytesIO()
    picture.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def photo(height: int = 64, width: int = 96, seed: int = 0) -> np.ndarray:
    """A small RGB picture with gradients and noise, ``(H, W, 3)`` uint8."""
    rng = np.random.default_rng(seed)
    rows, cols = np.indices((height, width))
    pixels = np.stack([rows * 255 // max(height - 1, 1), cols * 255 // max(width - 1, 1), (rows + cols) % 256], -1)
    return np.clip(pixels + rng.integers(-20, 21, pixels.shape), 0, 255).astype(np.uint8)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width: int = 30000, height: int = 30000) -> bytes:
    """A valid-looking PNG of a few dozen bytes whose header claims ``width`` × ``height`` RGB pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"")) + _chunk(b"IEND", b"")


def truncated_png() -> bytes:
    """The first half of a real PNG: the header is fine, the pixel data stops early."""
    data = encode(photo(256, 256))
    return data[: len(data) // 2]


def not_an_image() -> bytes:
    """Text, as in a ``.png`` that is really a note."""
    return b"This is not a picture, just a text file named like one.\n" * 20


def enormous_jpeg(width: int = 8200, height: int = 6200) -> bytes:
    """A real (grey, smooth) JPEG over the 50-megapixel limit, about 1 MB: too big, but no bomb."""
    ramp = (np.arange(width, dtype=np.uint16) * 255 // width).astype(np.uint8)
    pixels = np.broadcast_to(ramp, (height, width))
    return encode(np.ascontiguousarray(pixels), "JPEG", quality=60)
