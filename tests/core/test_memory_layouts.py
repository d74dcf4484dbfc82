"""Inputs as numpy users hand them over: views with odd strides, Fortran order, read-only.

The fast paths read the input through strided views and phase copies; none of that may depend
on the input being a fresh C-contiguous array, or write to it (the helper checks both)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from tests.core.helpers import assert_matches_torch

rng = np.random.default_rng(21)
BASE = rng.standard_normal((3, 4, 40, 50)).astype(np.float32)
BASE[0, 0, :4, :4] = 0.0  # zero ties, whose sign rule reads the input again
BASE[0, 1, 5, :] = -0.0


def _read_only(array: np.ndarray) -> np.ndarray:
    array = array.copy()
    array.setflags(write=False)
    return array


LAYOUTS = {
    "transposed": BASE.transpose(0, 1, 3, 2),
    "every other row, every third column": BASE[:, :, ::2, 1::3],
    "reversed columns": BASE[..., ::-1],
    "Fortran order": np.asfortranarray(BASE),
    "read-only": _read_only(BASE),
}
CALLS = [  # kernel_size, stride, padding, dilation, ceil_mode
    (3, 2, 1, 1, False),
    (2, 2, 0, 1, True),
    (4, 4, 0, 1, False),  # doubling path along the last axis
    (5, 3, 2, 2, True),
    (3, 1, 1, 1, False),
]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_strided_and_read_only_inputs_match_torch(layout):
    x = LAYOUTS[layout]
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The given NumPy array is not writable")
        for kernel, stride, padding, dilation, ceil in CALLS:
            assert_matches_torch("max_pool2d", x, kernel, stride, padding, dilation, ceil)
            assert_matches_torch("max_pool2d", x, kernel, stride, padding, dilation, ceil, return_indices=True)
            assert_matches_torch("max_pool1d", x[0], kernel, stride, padding, dilation, ceil, return_indices=True)
            if dilation == 1:
                assert_matches_torch("avg_pool2d", x, kernel, stride, padding, ceil)
