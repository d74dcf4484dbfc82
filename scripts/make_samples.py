"""Draw the bundled sample images of the Images page into ``assets/samples/``.

Every sample is generated here from numpy and pillow (no photographs, no downloaded fonts:
text uses pillow's bundled default font), so the files are ours to ship. The drawing is
seeded, so running the script again reproduces the same pictures (byte-identical with the same
pillow and numpy versions).

Each sample teaches something about pooling:

- ``checkerboard.png``: bands of 1-, 2-, 4-, 8- and 16-pixel squares. A 2×2 max pool turns the
  1-pixel band white and the average turns it grey; the coarse bands survive both.
- ``scene.jpg``: a large (2048×1536) photo-like landscape with gradients, soft shapes, noise and
  text. The page pools it at full size and shows a reduced copy.
- ``line_drawing.png``: thin dark lines on white. Max pooling keeps the brightest pixel, so
  one-pixel lines vanish; average pooling keeps them as grey.
- ``stars.png``: bright dots on a dark sky, the opposite case: max pooling keeps every star,
  average pooling dims them.
- ``noise_texture.png``: coloured noise at several scales; pooling removes the finest grain.

    python scripts/make_samples.py          # writes assets/samples/*
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

OUT = Path(__file__).resolve().parents[1] / "assets" / "samples"
SEED = 2024


def checkerboard(side: int = 320) -> Image.Image:
    """Five horizontal bands of squares, 1 to 16 pixels wide, black and white."""
    image = np.zeros((side, side), dtype=np.uint8)
    band = side // 5
    rows, cols = np.indices((band, side))
    for i, square in enumerate((1, 2, 4, 8, 16)):
        image[i * band : (i + 1) * band] = np.where(((rows // square) + (cols // square)) % 2 == 0, 255, 0)
    return Image.fromarray(image, mode="L").convert("RGB")


def _value_noise(rng: np.random.Generator, shape: tuple[int, int], cell: int) -> np.ndarray:
    """Smooth noise in [0, 1]: random values on a coarse grid, upsampled bicubically."""
    coarse = rng.random((shape[0] // cell + 2, shape[1] // cell + 2))
    grid = Image.fromarray((coarse * 255).astype(np.uint8), mode="L")
    size = (grid.width * cell, grid.height * cell)
    smooth = np.asarray(grid.resize(size, Image.Resampling.BICUBIC), dtype=np.float32) / 255
    return smooth[: shape[0], : shape[1]]


def scene(width: int = 2048, height: int = 1536) -> Image.Image:
    """A landscape at dusk: sky gradient, sun with glow, two mountain ridges, a lake, trees, text."""
    rng = np.random.default_rng(SEED)
    rows = np.linspace(0, 1, height, dtype=np.float32)[:, None]
    cols = np.linspace(0, 1, width, dtype=np.float32)[None, :]
    horizon = int(height * 0.62)

    # Sky: deep blue at the top to orange at the horizon.
    top, low = np.array([24, 40, 110], np.float32), np.array([250, 160, 90], np.float32)
    t = np.clip(rows / (horizon / height), 0, 1)[..., None]
    sky = (1 - t) * top + t * low
    image = np.broadcast_to(sky, (height, width, 3)).copy()

    # Sun with a soft glow.
    sun_x, sun_y, sun_r = 0.7 * width, 0.2 * height, 0.045 * width
    distance = np.hypot(cols * width - sun_x, rows * height - sun_y)
    glow = np.exp(-((distance / (4 * sun_r)) ** 2))[..., None]
    image = image + glow * np.array([80, 60, 20], np.float32)
    image[distance < sun_r] = (255, 236, 170)

    # Mountain ridges: a skyline of a few random sines per ridge, filled below, with soft shading.
    x = np.arange(width, dtype=np.float32) / width
    for base, amplitude, colour in ((0.36, 0.08, (70, 60, 110)), (0.48, 0.05, (40, 45, 70))):
        frequencies = rng.uniform(1, 9, 4)
        phases = rng.uniform(0, 2 * np.pi, 4)
        ridge = sum(np.sin(2 * np.pi * f * x + p) / f**0.5 for f, p in zip(frequencies, phases, strict=True))
        skyline = (base - amplitude * ridge) * height
        heights = np.arange(height)[:, None]
        below = (heights >= skyline[None, :]) & (heights < horizon)
        shade = 0.8 + 0.4 * _value_noise(rng, (height, width), 64)[..., None]
        image = np.where(below[..., None], np.array(colour, np.float32) * shade, image)

    # Lake: the sky and mountains mirrored, darker, with ripples.
    depth = height - horizon
    mirror = image[horizon - depth : horizon][::-1] if depth <= horizon else image[:horizon][::-1]
    ripple = (np.sin(np.arange(len(mirror))[:, None] * 0.9 + cols * 40) * 6).astype(np.float32)[..., None]
    image[horizon : horizon + len(mirror)] = mirror * 0.7 + ripple + np.array([0, 10, 25], np.float32)

    # Film grain.
    image += rng.normal(0, 4, image.shape).astype(np.float32)
    picture = Image.fromarray(np.clip(image, 0, 255).astype(np.uint8), mode="RGB")

    # Trees on the shore and a caption.
    draw = ImageDraw.Draw(picture)
    for _ in range(28):
        tree_x = int(rng.uniform(0, 0.35) * width)
        tree_h = int(rng.uniform(0.06, 0.14) * height)
        half = tree_h // 4
        outline = [(tree_x, horizon - tree_h), (tree_x - half, horizon), (tree_x + half, horizon)]
        draw.polygon(outline, fill=(18, 40, 30))
    font = ImageFont.load_default(size=int(height * 0.06))
    draw.text((int(width * 0.05), int(height * 0.05)), "Pooling Lab", font=font, fill=(255, 255, 255))
    small = ImageFont.load_default(size=int(height * 0.02))
    caption = f"a synthetic scene, {width} x {height}"
    draw.text((int(width * 0.05), int(height * 0.13)), caption, font=small, fill=(230, 230, 240))
    return picture.filter(ImageFilter.GaussianBlur(0.6))


def line_drawing(side: int = 512) -> Image.Image:
    """One-pixel black lines on white: a house, a spiral, a grid of diagonals and a label."""
    picture = Image.new("L", (side, side), 255)
    draw = ImageDraw.Draw(picture)
    # House.
    draw.rectangle((60, 220, 220, 380), outline=0, width=1)
    draw.line([(50, 220), (140, 130), (230, 220)], fill=0, width=1)
    draw.rectangle((115, 300, 165, 380), outline=0, width=1)
    draw.rectangle((80, 245, 110, 275), outline=0, width=1)
    draw.rectangle((170, 245, 200, 275), outline=0, width=1)
    # Spiral.
    centre = (370, 150)
    angles = np.linspace(0, 16 * math.pi, 800)
    points = [(centre[0] + 1.6 * a * math.cos(a), centre[1] + 1.6 * a * math.sin(a)) for a in angles]
    draw.line(points, fill=0, width=1)
    # Diagonals two pixels apart, then thicker ones.
    for offset in range(0, 120, 3):
        draw.line([(280 + offset, 300), (280 + offset + 60, 480)], fill=0, width=1)
    for offset in range(0, 100, 12):
        draw.line([(40 + offset, 420), (40 + offset + 40, 500)], fill=0, width=3)
    draw.text((250, 20), "1-px lines", font=ImageFont.load_default(size=28), fill=0)
    return picture.convert("RGB")


def stars(width: int = 640, height: int = 480) -> Image.Image:
    """Single bright pixels (and a few larger stars) on a dark blue sky."""
    rng = np.random.default_rng(SEED + 1)
    sky = np.zeros((height, width, 3), dtype=np.float32)
    sky[...] = np.array([8, 12, 40], np.float32) + np.linspace(0, 30, height, dtype=np.float32)[:, None, None]
    count = 900
    ys, xs = rng.integers(0, height, count), rng.integers(0, width, count)
    brightness = rng.uniform(120, 255, count)[:, None]
    tint = rng.choice(np.array([[1.0, 1.0, 1.0], [1.0, 0.85, 0.7], [0.75, 0.85, 1.0]], np.float32), count)
    sky[ys, xs] = brightness * tint
    picture = Image.fromarray(np.clip(sky, 0, 255).astype(np.uint8), mode="RGB")
    draw = ImageDraw.Draw(picture)
    for _ in range(12):
        x, y, r = int(rng.integers(0, width)), int(rng.integers(0, height)), int(rng.integers(2, 4))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 250, 230))
    return picture


def noise_texture(side: int = 384) -> Image.Image:
    """Coloured value noise at three scales plus per-pixel grain."""
    rng = np.random.default_rng(SEED + 2)
    channels = []
    for _ in range(3):
        scales = ((0.5, 64), (0.3, 16), (0.2, 4))  # (weight, cell size in pixels)
        channels.append(sum(weight * _value_noise(rng, (side, side), cell) for weight, cell in scales))
    image = np.stack(channels, axis=-1) * 255 + rng.normal(0, 18, (side, side, 3))
    return Image.fromarray(np.clip(image, 0, 255).astype(np.uint8), mode="RGB")


SAMPLES = {
    "checkerboard.png": (checkerboard, {}),
    "scene.jpg": (scene, {"quality": 85, "optimize": True}),
    "line_drawing.png": (line_drawing, {"optimize": True}),
    "stars.png": (stars, {"optimize": True}),
    "noise_texture.png": (noise_texture, {"optimize": True}),
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    total = 0
    for name, (draw, options) in SAMPLES.items():
        path = OUT / name
        draw().save(path, **options)
        size = path.stat().st_size
        total += size
        print(f"{name:20s} {size / 1024:7.1f} KB")
    print(f"{'total':20s} {total / 1024:7.1f} KB")


if __name__ == "__main__":
    main()
