"""PNG and GIF files from pictures, byte for byte the same for the same picture. No Streamlit.

A PNG is pillow's, with no metadata (no time, no text chunk). A GIF has **one palette for all
its frames** (:class:`FixedPalette`): every flat colour the picture draws (the theme's colours
and the value scale) exactly, then the colours most used by sample frames (the blends of
antialiased text and of the window's tint), each other colour mapped to its nearest entry.
Pillow's own mapping to a palette works on 6-bit bins and can move an exact colour to a
neighbour, so the mapping is a lookup table here.

Frames are written as they come (pillow's GIF header and frame writers), each only over the
box where it differs from the one before, its unchanged pixels there transparent (index
:data:`TRANSPARENT`, so long runs that compress well) over the frame before, which stays: the
encoder holds two frames, however many there are. Every frame lasts ``ms_per_frame``, the last
three times as long; the GIF loops forever.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

import numpy as np
from PIL import GifImagePlugin, Image

from ui.export.draw import Box, union

SAMPLE_STRIDE = 2  # colour counts read every 2nd pixel of the sample frames, in each direction
LAST_FRAME_HOLD = 3  # the last frame (every output computed) stays three times as long
TRANSPARENT = 255  # the palette index of "unchanged" in a frame after the first: never a colour


def png_bytes(image: Image.Image) -> bytes:
    """``image`` as a PNG file (no metadata, fixed compression)."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def _pack(colours: np.ndarray) -> np.ndarray:
    """``(..., 3)`` uint8 → ``r | g << 8 | b << 16`` (the order of an RGBX pixel read little-endian)."""
    colours = colours.astype(np.uint32)
    return colours[..., 0] | (colours[..., 1] << 8) | (colours[..., 2] << 16)


class FixedPalette:
    """255 colours for every frame of one GIF: ``exact`` first (each maps to itself), then the
    colours most used by ``samples`` (ties by colour value: deterministic). Index 255 is left
    for :data:`TRANSPARENT`."""

    UNKNOWN = 0xFFFF

    def __init__(self, exact: Iterable[tuple[int, int, int]], samples: Iterable[Image.Image]):
        colours: list[tuple[int, int, int]] = list(dict.fromkeys(tuple(int(v) for v in c) for c in exact))[:TRANSPARENT]
        counts: dict[tuple[int, int, int], int] = {}
        for sample in samples:
            pixels = np.asarray(sample.convert("RGB"))[::SAMPLE_STRIDE, ::SAMPLE_STRIDE].reshape(-1, 3)
            packed, found = np.unique(_pack(pixels), return_counts=True)
            for value, count in zip(packed.tolist(), found.tolist(), strict=True):
                colour = (value & 255, (value >> 8) & 255, (value >> 16) & 255)
                counts[colour] = counts.get(colour, 0) + count
        known = set(colours)
        for colour, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
            if len(colours) == TRANSPARENT:
                break
            if colour not in known:
                colours.append(colour)
                known.add(colour)
        self.size = len(colours)
        colours += [colours[-1]] * (256 - len(colours))  # never chosen: a nearest search finds the first
        self.colours = np.array(colours, dtype=np.int32)  # (256, 3)
        self.palette_bytes = bytes(np.array(colours, dtype=np.uint8).ravel())
        self._lookup = np.full(1 << 24, self.UNKNOWN, dtype=np.uint16)  # packed colour → index
        packed = _pack(self.colours[: self.size])
        self._lookup[packed[::-1]] = np.arange(self.size, dtype=np.uint16)[::-1]  # the first of duplicates wins

    def indices(self, image: Image.Image) -> np.ndarray:
        """``(H, W)`` uint8: the palette index of every pixel of an RGB ``image``."""
        packed = np.asarray(image.convert("RGBX")).view("<u4")[..., 0] & 0xFFFFFF
        found = self._lookup[packed]
        unknown = found == self.UNKNOWN
        if unknown.any():
            new = np.unique(packed[unknown])
            rgb = np.stack([new & 255, (new >> 8) & 255, (new >> 16) & 255], axis=-1).astype(np.int32)
            distance = ((rgb[:, None, :] - self.colours[None, : self.size, :]) ** 2).sum(axis=-1)
            self._lookup[new] = distance.argmin(axis=1).astype(np.uint16)  # the first of equally near ones
            found = self._lookup[packed]
        return found.astype(np.uint8)

    def image(self, image: Image.Image) -> Image.Image:
        """``image`` as a ``P`` image in this palette."""
        mapped = Image.frombytes("P", image.size, self.indices(image).tobytes())
        mapped.putpalette(self.palette_bytes)
        return mapped


def _clip(box: Box, size: tuple[int, int]) -> Box | None:
    x0, y0, x1, y1 = max(box[0], 0), max(box[1], 0), min(box[2], size[0] - 1), min(box[3], size[1] - 1)
    return (x0, y0, x1, y1) if x0 <= x1 and y0 <= y1 else None


def _pillow_box(box: Box) -> tuple[int, int, int, int]:
    """Ends included → pillow's crop box (ends excluded)."""
    return box[0], box[1], box[2] + 1, box[3] + 1


def gif_bytes(frames: Iterable[tuple[Image.Image, list[Box] | None]], palette: FixedPalette, count: int,
              ms_per_frame: int) -> bytes:  # fmt: skip
    """A looping GIF of ``count`` RGB ``frames``, each given with the boxes where it may differ
    from the frame before (None: anywhere); every frame is written, even one equal to the last."""
    buffer = io.BytesIO()
    previous: Image.Image | None = None
    written = 0
    for number, (frame, changed) in enumerate(frames):
        duration = ms_per_frame * (LAST_FRAME_HOLD if number == count - 1 else 1)
        if previous is None or changed is None:
            current = palette.image(frame)
            box: Box = (0, 0, frame.width - 1, frame.height - 1)
        else:
            current = previous.copy()
            boxes = [clipped for clipped in (_clip(b, frame.size) for b in changed) if clipped is not None]
            for part in boxes:
                current.paste(palette.image(frame.crop(_pillow_box(part))), part[:2])
            box = union(boxes) or (0, 0, 0, 0)
        if previous is None:
            header, _ = GifImagePlugin.getheader(current.copy(), info={"loop": 0, "optimize": False})
            buffer.write(b"".join(header))
        options = {"duration": duration, "disposal": 1}  # 1: the frame stays under the next one
        if previous is None:
            piece = current
        else:
            crop = _pillow_box(box)
            changed_pixels = np.asarray(current.crop(crop))
            unchanged = changed_pixels == np.asarray(previous.crop(crop))
            shown = np.where(unchanged, TRANSPARENT, changed_pixels).astype(np.uint8)
            piece = Image.frombytes("P", (crop[2] - crop[0], crop[3] - crop[1]), shown.tobytes())
            piece.putpalette(palette.palette_bytes)
            options["transparency"] = TRANSPARENT
        for chunk in GifImagePlugin.getdata(piece, offset=box[:2], **options):
            buffer.write(chunk)
        previous = current
        written += 1
    if written != count:
        raise ValueError(f"expected {count} frames, got {written}")
    buffer.write(b";")
    return buffer.getvalue()
