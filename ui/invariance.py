"""Invariance, as data: what pooling forgets and what it keeps (the lecture's slide 4). No Streamlit.

"Pooling provides invariance to any permutation inside one of the cell. More practically, it
provides a pseudo-invariance to deformations that result into local translations."

Everything here uses non-overlapping pooling, as the lecture does: ``stride = kernel_size``,
no padding. Which input cells belong to which pooling cell comes from the one window geometry
(:meth:`pooling_core.PoolCall.windows` of ``max_pool2d(x, kernel_size)``); the outputs come from ``pooling_core``.

>>> grid = np.arange(16, dtype=np.float64).reshape(4, 4)
>>> cell_members(grid.shape, 2)[0].tolist()  # pooling cell (0, 0) reads flat cells 0, 1, 4, 5
[0, 1, 4, 5]
>>> inside = permute_within_cells(grid, 2, seed=0)
>>> bool((pool(inside, "max", 2) == pool(grid, "max", 2)).all())
True
>>> shift(np.array([[1.0, 2.0, 3.0]]), 1, fill="edge").tolist()
[[1.0, 1.0, 2.0]]
>>> unchanged_fractions(grid, 2, [0])["max"].tolist()
[1.0]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

import pooling_core
from pooling_core import PoolCall, geometry
from ui import data

METHODS = ("none", "max", "avg")  # "none": the raw input cells, no pooling
METHOD_LABELS = {"none": "no pooling (input cells)", "max": "max_pool2d", "avg": "avg_pool2d"}
DIRECTIONS = {"right": (0, 1), "down": (1, 0), "diagonal": (1, 1)}  # (rows, columns) moved per step
FILLS = ("edge", "zero", "wrap")  # what enters the vacated cells: the edge value, 0, or what left
GRID_PRESETS = ("random integers", "single spike", "checkerboard", "gradient")  # from ui.data
SAMPLES_DIR = Path(__file__).resolve().parents[1] / "assets" / "samples"
IMAGE_SIDE = 192  # pixels on the long side: both kernel sizes tile it, and it draws fast
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
SYNTHETIC = "synthetic scene"  # drawn here, for when no sample is bundled


def _check(grid: np.ndarray, kernel_size: int) -> np.ndarray:
    grid = np.asarray(grid, dtype=np.float64)
    if grid.ndim != 2:
        raise ValueError(f"the grid must be 2-D (H, W), but got shape {grid.shape}")
    if isinstance(kernel_size, bool) or not isinstance(kernel_size, (int, np.integer)) or kernel_size < 1:
        raise ValueError(f"kernel_size must be a whole number ≥ 1, but got kernel_size={kernel_size!r}")
    if min(grid.shape) < kernel_size:
        raise ValueError(f"the grid {grid.shape} is smaller than one pooling cell ({kernel_size}×{kernel_size})")
    return grid


def pooling_cells(shape: tuple[int, int], kernel_size: int) -> geometry.Windows:
    """The pooling cells of non-overlapping ``kernel_size × kernel_size`` pooling (stride = kernel)."""
    return PoolCall("max_pool2d", {"kernel_size": int(kernel_size)}).windows(tuple(shape))


def cell_members(shape: tuple[int, int], kernel_size: int) -> np.ndarray:
    """``(H_out·W_out, k·k)`` row-major flat input index of every cell of every pooling cell.

    Cells left over at the bottom or right (when ``k`` does not divide the size) belong to no
    pooling cell and appear nowhere.
    """
    windows = pooling_cells(shape, kernel_size)
    taps = windows.tap_flat_index()  # (H_out, W_out, k, k); no padding, so every tap is in bounds
    return taps.reshape(int(np.prod(windows.output_shape)), -1)


def permute_within_cells(grid: np.ndarray, kernel_size: int, seed: int) -> np.ndarray:
    """A copy of ``grid`` with the values of each pooling cell shuffled among themselves."""
    grid = _check(grid, kernel_size)
    members = cell_members(grid.shape, kernel_size)  # (cells, k·k)
    shuffled = np.random.default_rng(seed).permuted(members, axis=1)  # each row on its own
    flat = grid.ravel().copy()
    flat[members] = grid.ravel()[shuffled]
    return flat.reshape(grid.shape)


def permute_across_cells(grid: np.ndarray, kernel_size: int, seed: int) -> np.ndarray:
    """A copy of ``grid`` with all pooled values shuffled together, so values change cells."""
    grid = _check(grid, kernel_size)
    members = cell_members(grid.shape, kernel_size).ravel()
    flat = grid.ravel().copy()
    flat[members] = grid.ravel()[np.random.default_rng(seed).permutation(members)]
    return flat.reshape(grid.shape)


def shift(grid: np.ndarray, t: int, direction: str = "right", fill: str = "edge") -> np.ndarray:
    """``grid`` moved ``t`` cells towards ``direction``; ``fill`` says what enters at the edge.

    ``"edge"`` repeats the first row/column, ``"zero"`` puts 0, ``"wrap"`` brings back what
    left on the other side (``np.roll``).

    >>> shift(np.array([[1.0, 2.0, 3.0]]), 2, fill="zero").tolist()
    [[0.0, 0.0, 1.0]]
    >>> shift(np.array([[1.0, 2.0, 3.0]]), 1, fill="wrap").tolist()
    [[3.0, 1.0, 2.0]]
    """
    grid = np.asarray(grid, dtype=np.float64)
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, but got direction={direction!r}")
    if fill not in FILLS:
        raise ValueError(f"fill must be one of {', '.join(FILLS)}, but got fill={fill!r}")
    if t < 0:
        raise ValueError(f"the shift must be ≥ 0, but got t={t}")
    moved = grid
    for axis, step in enumerate(DIRECTIONS[direction]):
        if not step or t == 0:
            continue
        if fill == "wrap":
            moved = np.roll(moved, t, axis=axis)
            continue
        size = moved.shape[axis]
        # Destination cell i reads source cell i − t; the first t cells read cell 0 (the edge).
        moved = np.take(moved, np.clip(np.arange(size) - t, 0, size - 1), axis=axis)
        if fill == "zero":
            vacated = [slice(None)] * 2
            vacated[axis] = slice(0, min(t, size))
            moved[tuple(vacated)] = 0.0
    return moved


def filled_cells(shape: tuple[int, int], t: int, direction: str = "right") -> np.ndarray:
    """``(H, W)`` bool: the cells a shift by ``t`` vacated (what ``fill`` wrote)."""
    mask = np.zeros(shape, dtype=bool)
    rows, columns = DIRECTIONS[direction]
    if rows:
        mask[: min(t, shape[0]), :] = True
    if columns:
        mask[:, : min(t, shape[1])] = True
    return mask


def pool(grid: np.ndarray, method: str, kernel_size: int) -> np.ndarray:
    """``(H_out, W_out)`` output of ``method`` (``"max"``, ``"avg"``; ``"none"`` = the grid itself)."""
    grid = _check(grid, kernel_size)
    if method == "none":
        return grid
    plane = grid[None]  # (C=1, H, W): one channel, unbatched
    if method == "max":
        return pooling_core.max_pool2d(plane, kernel_size)[0]
    if method == "avg":
        return pooling_core.avg_pool2d(plane, kernel_size)[0]
    raise ValueError(f"method must be one of {', '.join(METHODS)}, but got method={method!r}")


@dataclass(frozen=True)
class Comparison:
    """Which output cells differ between two runs of the same pooling."""

    changed: np.ndarray  # (H_out, W_out) bool
    bit_identical: bool  # every cell equal bit for bit (NaN equal to NaN)

    @property
    def unchanged(self) -> bool:
        return not self.changed.any()

    @property
    def unchanged_fraction(self) -> float:
        return 1.0 - float(self.changed.mean()) if self.changed.size else 1.0

    @property
    def count(self) -> int:
        return int(self.changed.sum())


def compare(before: np.ndarray, after: np.ndarray) -> Comparison:
    """Cells that changed. Summing the same numbers in another order may move the last bit of an
    average; that is not a change, so equal-up-to-rounding counts as unchanged."""
    before, after = np.asarray(before, dtype=np.float64), np.asarray(after, dtype=np.float64)
    exact = (before == after) | (np.isnan(before) & np.isnan(after))
    finite = np.abs(np.concatenate([before[np.isfinite(before)], after[np.isfinite(after)]]))
    scale = float(finite.max()) if finite.size else 1.0
    close = np.isclose(before, after, rtol=1e-9, atol=1e-12 * max(scale, 1.0), equal_nan=True)
    return Comparison(changed=~(exact | close), bit_identical=bool(exact.all()))


@dataclass(frozen=True)
class PermutationCheck:
    """The grid, its two shuffles, and each pooling's outputs compared with the original's."""

    grid: np.ndarray
    inside: np.ndarray  # shuffled within each pooling cell
    across: np.ndarray  # shuffled across all pooling cells
    outputs: dict  # method -> {"original" | "inside" | "across": (H_out, W_out)}
    comparisons: dict  # method -> {"inside" | "across": Comparison}


def permutation_check(grid: np.ndarray, kernel_size: int, seed: int) -> PermutationCheck:
    """Shuffle inside each cell and across cells; pool all three with max and avg; compare."""
    grid = _check(grid, kernel_size)
    inputs = {
        "original": grid,
        "inside": permute_within_cells(grid, kernel_size, seed),
        "across": permute_across_cells(grid, kernel_size, seed),
    }
    outputs = {method: {name: pool(x, method, kernel_size) for name, x in inputs.items()} for method in ("max", "avg")}
    comparisons = {
        method: {name: compare(out["original"], out[name]) for name in ("inside", "across")}
        for method, out in outputs.items()
    }
    return PermutationCheck(grid, inputs["inside"], inputs["across"], outputs, comparisons)


@dataclass(frozen=True)
class Translation:
    """One shift: the input before and after, and per method the outputs and what changed."""

    t: int
    shifted: np.ndarray
    filled: np.ndarray  # (H, W) bool: cells written by the fill
    before: dict  # method -> output of the original grid
    after: dict  # method -> output of the shifted grid
    comparisons: dict  # method -> Comparison


def translate(grid: np.ndarray, kernel_size: int, t: int, direction: str = "right", fill: str = "edge") -> Translation:
    """Shift ``grid`` by ``t`` and compare every method's output with the unshifted one."""
    grid = _check(grid, kernel_size)
    shifted = shift(grid, t, direction, fill)
    before = {method: pool(grid, method, kernel_size) for method in METHODS}
    after = {method: pool(shifted, method, kernel_size) for method in METHODS}
    comparisons = {method: compare(before[method], after[method]) for method in METHODS}
    return Translation(t, shifted, filled_cells(grid.shape, t, direction), before, after, comparisons)


def unchanged_fractions(
    grid: np.ndarray, kernel_size: int, shifts, direction: str = "right", fill: str = "edge"
) -> dict[str, np.ndarray]:
    """Per method, the fraction of output cells (input cells for ``"none"``) that a shift by each
    ``t`` in ``shifts`` leaves unchanged. At ``t = 0`` every fraction is 1."""
    grid = _check(grid, kernel_size)
    before = {method: pool(grid, method, kernel_size) for method in METHODS}
    curves = {method: [] for method in METHODS}
    for t in shifts:
        shifted = shift(grid, int(t), direction, fill)
        for method in METHODS:
            curves[method].append(compare(before[method], pool(shifted, method, kernel_size)).unchanged_fraction)
    return {method: np.array(values) for method, values in curves.items()}


def grid_preset(name: str, seed: int, kernel_size: int) -> np.ndarray:
    """A preset grid from :mod:`ui.data`, 12×12 so that kernels 2 and 3 both tile it exactly."""
    if name not in GRID_PRESETS:
        raise ValueError(f"preset must be one of {', '.join(GRID_PRESETS)}, but got {name!r}")
    return data.preset_grid(name, seed, side=max(12, 4 * int(kernel_size)))


def synthetic_scene(side: int = IMAGE_SIDE) -> np.ndarray:
    """A small grey-level scene (0..255 integers): sky, sun, a house, textured ground.

    Offered beside the bundled samples, and used when there are none. Like a photo it has edges, texture and a little
    sensor noise (so that, as in a photo, few neighbouring pixels are exactly equal).
    """
    rows, columns = np.mgrid[0:side, 0:side] / side  # (H, W) in [0, 1)
    rng = np.random.default_rng(0)  # fixed: the same scene every time
    scene = 190 - 70 * rows + 15 * columns  # sky
    scene = np.where((rows - 0.22) ** 2 + (columns - 0.75) ** 2 < 0.012, 250, scene)  # sun
    house = (columns > 0.15) & (columns < 0.5) & (rows > 0.42) & (rows < 0.72)
    roof = (rows <= 0.42) & (np.abs(columns - 0.325) < 0.175) & (rows > 0.245 + np.abs(columns - 0.325))
    scene = np.where(roof, 60 + 8 * np.sin((rows + columns) * 120), scene)  # tiles
    scene = np.where(house, 120 + 10 * np.sin(rows * 90), scene)  # planks
    scene = np.where(house & (np.abs(columns - 0.3) < 0.05) & (rows > 0.55), 30, scene)  # door
    ground = rows >= 0.72
    scene = np.where(ground, 90 + 30 * np.sin(columns * 40) + rng.integers(-25, 26, size=scene.shape), scene)
    scene = scene + rng.normal(0, 2.0, size=scene.shape)  # sensor noise
    return np.clip(np.round(scene), 0, 255)


def sample_choices(directory: Path = SAMPLES_DIR) -> tuple[tuple[str, ...], str]:
    """The images to choose from (the bundled samples, then the synthetic scene) and the default:
    the photo-like ``scene.*`` if bundled, else the first PNG, else the synthetic scene."""
    files = sorted(path.name for path in Path(directory).glob("*") if path.suffix.lower() in IMAGE_SUFFIXES)
    preferred = [name for name in files if name.startswith("scene.")] + [n for n in files if n.endswith(".png")]
    return (*files, SYNTHETIC), (preferred[0] if preferred else SYNTHETIC)


def sample_image(name: str | None = None, directory: Path = SAMPLES_DIR, side: int = IMAGE_SIDE) -> np.ndarray:
    """An image as grey levels (0..255 integers): the sample file ``name`` (default: see
    :func:`sample_choices`) reduced to at most ``side`` pixels on the long side and cropped to a
    multiple of 6, so kernels 2 and 3 both tile it; the synthetic scene for :data:`SYNTHETIC`
    or when the file cannot be read.

    >>> sample_image(SYNTHETIC, side=48).shape
    (48, 48)
    """
    name = name or sample_choices(directory)[1]
    if name == SYNTHETIC:
        return synthetic_scene(side)
    try:
        from PIL import Image  # noqa: PLC0415 - only needed for a file

        with Image.open(Path(directory) / name) as opened:
            image = opened.convert("L")
            image.thumbnail((side, side), Image.Resampling.LANCZOS)
            pixels = np.asarray(image, dtype=np.float64)
    except OSError:
        return synthetic_scene(side)
    height, width = (pixels.shape[0] // 6) * 6, (pixels.shape[1] // 6) * 6
    return pixels[:height, :width] if height and width else synthetic_scene(side)
