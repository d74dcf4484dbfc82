"""ui.invariance: the permutation and translation experiments of the invariance page (slide 4).

One test per claim the page makes: shuffling inside a cell leaves max and avg outputs equal,
shuffling across cells changes them, a shift leaves everything at t = 0 and less afterwards,
and max pooling keeps more outputs than avg and than the raw cells for shifts inside a cell.
"""

from __future__ import annotations

import numpy as np
import pytest

from pooling_core import geometry
from ui import invariance as inv

SEEDS = range(40)
KERNELS = (2, 3)


def integer_grid(seed: int, side: int = 12) -> np.ndarray:
    return np.random.default_rng(seed).integers(-50, 50, size=(side, side)).astype(np.float64)


def generic_grid(seed: int, shape=(12, 12)) -> np.ndarray:
    """Distinct floats: no two cells equal, no sum equal by chance."""
    return np.random.default_rng(seed).normal(size=shape)


def cell_of(shape, kernel_size) -> np.ndarray:
    """(H, W) number of the pooling cell each input cell belongs to (-1: none), from the geometry."""
    labels = np.full(shape, -1)
    for number, members in enumerate(inv.cell_members(shape, kernel_size)):
        labels.ravel()[members] = number
    return labels


# --- which cells belong to which pooling cell -----------------------------------------------


@pytest.mark.parametrize("kernel_size", KERNELS)
def test_cell_members_agree_with_the_window_geometry(kernel_size):
    shape = (7, 8)  # leftover rows and columns belong to no cell
    windows = geometry.sliding_windows(shape, (kernel_size,) * 2, (kernel_size,) * 2, (0, 0), (1, 1), False)
    members = inv.cell_members(shape, kernel_size)
    assert members.shape == (int(np.prod(windows.output_shape)), kernel_size**2)
    for number, index in enumerate(np.ndindex(*windows.output_shape)):
        assert members[number].tolist() == windows.flat_input_index(*index).tolist()
    # Non-overlapping: no input cell is in two pooling cells.
    assert len(set(members.ravel().tolist())) == members.size


# --- permutation inside a cell --------------------------------------------------------------


@pytest.mark.parametrize("kernel_size", KERNELS)
@pytest.mark.parametrize("seed", SEEDS)
def test_shuffling_inside_cells_keeps_max_and_avg_bit_identical(kernel_size, seed):
    grid = integer_grid(seed)
    inside = inv.permute_within_cells(grid, kernel_size, seed)
    assert not np.array_equal(inside, grid)  # the shuffle did move values
    for method in ("max", "avg"):
        before, after = inv.pool(grid, method, kernel_size), inv.pool(inside, method, kernel_size)
        assert np.array_equal(before, after), method  # integers: the sums are exact in any order
        comparison = inv.compare(before, after)
        assert comparison.unchanged and comparison.bit_identical


@pytest.mark.parametrize("kernel_size", KERNELS)
@pytest.mark.parametrize("seed", SEEDS)
def test_shuffling_inside_cells_only_moves_values_within_their_cell(kernel_size, seed):
    grid = generic_grid(seed, (10, 11))  # leftover cells must stay put
    inside = inv.permute_within_cells(grid, kernel_size, seed)
    labels = cell_of(grid.shape, kernel_size)
    assert np.array_equal(inside[labels == -1], grid[labels == -1])
    for number in range(labels.max() + 1):
        assert sorted(inside[labels == number]) == sorted(grid[labels == number])


@pytest.mark.parametrize("kernel_size", KERNELS)
@pytest.mark.parametrize("seed", SEEDS)
def test_on_generic_floats_max_is_bit_identical_and_avg_equal_up_to_rounding(kernel_size, seed):
    grid = generic_grid(seed)
    inside = inv.permute_within_cells(grid, kernel_size, seed)
    assert np.array_equal(inv.pool(grid, "max", kernel_size), inv.pool(inside, "max", kernel_size))
    before, after = inv.pool(grid, "avg", kernel_size), inv.pool(inside, "avg", kernel_size)
    np.testing.assert_allclose(after, before, rtol=1e-12, atol=1e-15)
    assert inv.compare(before, after).unchanged  # a different summation order is not a change


def test_float_rounding_is_reported_as_unchanged_but_not_bit_identical():
    before = np.array([[0.1 + 0.2 + 0.3]])
    after = np.array([[0.3 + 0.2 + 0.1]])
    assert before[0, 0] != after[0, 0]
    comparison = inv.compare(before, after)
    assert comparison.unchanged and not comparison.bit_identical


# --- permutation across cells ---------------------------------------------------------------


@pytest.mark.parametrize("kernel_size", KERNELS)
@pytest.mark.parametrize("seed", SEEDS)
def test_shuffling_across_cells_changes_max_and_avg(kernel_size, seed):
    grid = generic_grid(seed)
    across = inv.permute_across_cells(grid, kernel_size, seed)
    assert sorted(across.ravel()) == sorted(grid.ravel())  # same values, other places
    for method in ("max", "avg"):
        comparison = inv.compare(inv.pool(grid, method, kernel_size), inv.pool(across, method, kernel_size))
        assert not comparison.unchanged, method


def test_permutation_check_reports_inside_unchanged_and_across_changed():
    check = inv.permutation_check(inv.grid_preset("random integers", 0, 2), 2, seed=0)
    for method in ("max", "avg"):
        assert check.comparisons[method]["inside"].unchanged
        assert check.comparisons[method]["inside"].bit_identical
        assert check.comparisons[method]["across"].count > 0
    assert check.comparisons["max"]["across"].changed.shape == (6, 6)


def test_shuffles_are_reproducible_from_the_seed():
    grid = generic_grid(0)
    assert np.array_equal(inv.permute_within_cells(grid, 2, 7), inv.permute_within_cells(grid, 2, 7))
    assert not np.array_equal(inv.permute_within_cells(grid, 2, 7), inv.permute_within_cells(grid, 2, 8))
    assert np.array_equal(inv.permute_across_cells(grid, 3, 7), inv.permute_across_cells(grid, 3, 7))


# --- shifting -------------------------------------------------------------------------------


def test_shift_moves_content_and_fills_the_vacated_cells():
    grid = np.arange(12, dtype=np.float64).reshape(3, 4)
    assert inv.shift(grid, 1, "right", "zero").tolist() == [[0, 0, 1, 2], [0, 4, 5, 6], [0, 8, 9, 10]]
    assert inv.shift(grid, 1, "right", "edge").tolist() == [[0, 0, 1, 2], [4, 4, 5, 6], [8, 8, 9, 10]]
    assert inv.shift(grid, 1, "right", "wrap").tolist() == [[3, 0, 1, 2], [7, 4, 5, 6], [11, 8, 9, 10]]
    assert inv.shift(grid, 1, "down", "zero").tolist() == [[0, 0, 0, 0], [0, 1, 2, 3], [4, 5, 6, 7]]
    assert inv.shift(grid, 1, "diagonal", "zero").tolist() == [[0, 0, 0, 0], [0, 0, 1, 2], [0, 4, 5, 6]]
    assert np.array_equal(inv.shift(grid, 0, "diagonal", "zero"), grid)
    assert inv.shift(grid, 9, "right", "zero").tolist() == np.zeros((3, 4)).tolist()  # all shifted out


def test_filled_cells_mark_what_the_fill_wrote():
    assert inv.filled_cells((3, 4), 1, "right").sum(axis=0).tolist() == [3, 0, 0, 0]
    assert inv.filled_cells((3, 4), 2, "diagonal").sum() == 3 * 4 - 1 * 2


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: inv.shift(np.zeros((2, 2)), 1, "left"), "direction must be one of right, down, diagonal"),
        (lambda: inv.shift(np.zeros((2, 2)), 1, fill="mirror"), "fill must be one of edge, zero, wrap"),
        (lambda: inv.shift(np.zeros((2, 2)), -1), "the shift must be ≥ 0, but got t=-1"),
        (lambda: inv.pool(np.zeros((4, 4)), "lp", 2), "method must be one of none, max, avg"),
        (lambda: inv.pool(np.zeros(4), "max", 2), r"the grid must be 2-D \(H, W\), but got shape \(4,\)"),
        (lambda: inv.pool(np.zeros((2, 2)), "max", 3), "smaller than one pooling cell"),
        (lambda: inv.permute_within_cells(np.zeros((4, 4)), 0, 0), "kernel_size must be a whole number ≥ 1"),
        (lambda: inv.grid_preset("NaN and inf", 0, 2), "preset must be one of"),
    ],
)
def test_errors_name_the_argument_and_its_value(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- the unchanged-fraction curves ----------------------------------------------------------


@pytest.mark.parametrize("kernel_size", KERNELS)
@pytest.mark.parametrize("fill", inv.FILLS)
@pytest.mark.parametrize("direction", tuple(inv.DIRECTIONS))
def test_nothing_changes_at_t_zero(kernel_size, fill, direction):
    for grid in (generic_grid(1), inv.grid_preset("random integers", 1, kernel_size), inv.synthetic_scene(48)):
        curves = inv.unchanged_fractions(grid, kernel_size, range(2 * kernel_size + 1), direction, fill)
        assert set(curves) == {"none", "max", "avg"}
        for method, curve in curves.items():
            assert curve.shape == (2 * kernel_size + 1,)
            assert curve[0] == 1.0, method
            assert ((0 <= curve) & (curve <= 1)).all()


@pytest.mark.parametrize("kernel_size", KERNELS)
def test_on_distinct_values_a_wrapped_shift_changes_every_raw_cell_and_every_average(kernel_size):
    curves = inv.unchanged_fractions(generic_grid(2, (24, 24)), kernel_size, range(1, 2 * kernel_size + 1), fill="wrap")
    assert (curves["none"] == 0).all()
    assert (curves["avg"] == 0).all()


@pytest.mark.parametrize("kernel_size", KERNELS)
def test_max_is_pseudo_invariant_to_shifts_inside_a_cell(kernel_size):
    """Shifts smaller than the cell keep some max outputs (the max stayed in its cell); the
    raw cells and the averages keep none. The max keeps fewer as the shift grows."""
    grid = generic_grid(3, (60, 60))
    curves = inv.unchanged_fractions(grid, kernel_size, range(2 * kernel_size + 1), fill="wrap")
    within = slice(1, kernel_size)  # 0 < t < kernel_size
    assert (curves["max"][within] > 0.1).all()
    assert (curves["max"][within] > curves["avg"][within]).all()
    assert (curves["max"][within] > curves["none"][within]).all()
    assert (np.diff(curves["max"][: kernel_size + 1]) < 0).all()  # falls until a whole cell
    # From a whole cell on, every value sits in another cell: the max survives only by chance.
    assert curves["max"][kernel_size:].max() < curves["max"][1]


def test_a_spike_that_stays_in_its_cell_leaves_max_pooling_unchanged():
    grid = np.zeros((6, 6))
    grid[2, 0] = 9.0  # left column of the cell (2, 0) of a 2×2 pooling
    result = inv.translate(grid, 2, 1, "right", "zero")
    assert result.comparisons["max"].unchanged  # the 9 moved to column 1: same cell
    assert not result.comparisons["none"].unchanged
    assert result.comparisons["none"].count == 2
    moved_out = inv.translate(grid, 2, 2, "right", "zero")
    assert moved_out.comparisons["max"].changed.tolist()[1] == [True, True, False]


def test_translate_matches_the_curve_at_its_shift():
    grid = inv.grid_preset("random integers", 4, 3)
    curves = inv.unchanged_fractions(grid, 3, range(7), "down", "edge")
    for t in range(7):
        result = inv.translate(grid, 3, t, "down", "edge")
        for method in inv.METHODS:
            assert result.comparisons[method].unchanged_fraction == curves[method][t]


# --- images ---------------------------------------------------------------------------------


def test_synthetic_scene_is_grey_levels_tiled_by_both_kernels():
    scene = inv.synthetic_scene()
    assert scene.shape == (inv.IMAGE_SIDE, inv.IMAGE_SIDE)
    assert scene.min() >= 0 and scene.max() <= 255 and np.array_equal(scene, np.round(scene))
    assert all(size % 6 == 0 for size in scene.shape)


def test_sample_choices_fall_back_to_the_synthetic_scene(tmp_path):
    assert inv.sample_choices(tmp_path) == ((inv.SYNTHETIC,), inv.SYNTHETIC)
    assert inv.sample_image(None, tmp_path, side=48).shape == (48, 48)


def test_sample_image_reads_reduces_and_crops_a_png(tmp_path):
    from PIL import Image

    Image.fromarray(np.full((100, 70, 3), 200, dtype=np.uint8)).save(tmp_path / "b.png")
    (tmp_path / "a.png").write_bytes(b"not a png")
    choices, default = inv.sample_choices(tmp_path)
    assert choices == ("a.png", "b.png", inv.SYNTHETIC) and default == "a.png"
    assert inv.sample_image("a.png", tmp_path, side=48).shape == (48, 48)  # unreadable: the scene
    image = inv.sample_image("b.png", tmp_path, side=48)
    assert image.shape == (48, 30)  # 48 × 33.6 → 48 × 33, cropped to multiples of 6
    assert (image == 200).all()


def test_the_photo_like_scene_is_the_default_when_bundled(tmp_path):
    from PIL import Image

    for name in ("checkerboard.png", "scene.jpg"):
        Image.fromarray(np.zeros((12, 12), dtype=np.uint8)).save(tmp_path / name)
    assert inv.sample_choices(tmp_path)[1] == "scene.jpg"
