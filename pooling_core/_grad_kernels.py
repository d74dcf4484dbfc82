"""The backward pass's computations: plain definitions, and the fast paths tested against them.

Every pooling is linear in its upstream gradient once the forward has chosen what each output
reads, so each family's gradient is one of three movements of ``grad_output``:

* **scatter** (max-type): each output's gradient is added at the one input cell that won its
  window (torch's ``indices``); cells that won several windows get the sum.
* **spread** (average-type): each output's gradient, divided by its divisor, is added to every
  real cell of its window (the transpose of the window sum).
* **gather** (unpool): each input takes the gradient of the output cell it was written to.

The definitions below do exactly that, one output at a time in torch's order (``np.add.at``
adds sequentially, in the order given), straight from the geometry's tap indices. The fast
paths reach the same sums another way (per axis, on strided views); the tests hold them to the
definitions: bit for bit where the sums are exact in any order, within a few ulp otherwise.
"""

from __future__ import annotations

import numpy as np

from ._kernels import max_reduce_gather
from .geometry import Windows, product

# --- definitions ---------------------------------------------------------------------------


def scatter_add_definition(input_shape: tuple[int, ...], indices: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
    """``(N, C, *L)``: ``grad_output[n, c, o]`` added at cell ``indices[n, c, o]`` of its plane.

    Outputs are added in row-major order, as torch's backward kernels do, starting from ``+0``
    (so a cell that receives a lone ``-0.0`` holds ``+0.0``, like torch's). An index outside the
    plane (a max window that reads no input cell at all) adds nothing.
    """
    planes, plane = product(input_shape[:2]), product(input_shape[2:])
    out = np.zeros((planes, plane), dtype=grad_output.dtype)
    outputs = product(indices.shape[2:])
    flat_index = indices.reshape(planes, outputs)  # (N·C, O); O spelled out, as -1 cannot be inferred when empty
    flat_grad = grad_output.reshape(planes, outputs)
    rows = np.broadcast_to(np.arange(planes)[:, None], flat_index.shape)
    keep = (flat_index >= 0) & (flat_index < plane)
    with np.errstate(invalid="ignore", over="ignore"):  # inf + -inf = NaN, as in torch
        np.add.at(out, (rows[keep], flat_index[keep]), flat_grad[keep])
    return out.reshape(input_shape)


def max_input_definition(batch: np.ndarray, windows: Windows, grad_output: np.ndarray) -> np.ndarray:
    """Gradient of a max pool: the forward's argmax (the gather definition), then the scatter."""
    _, indices = max_reduce_gather(batch, windows)
    return scatter_add_definition(batch.shape, indices, grad_output)


def spread_definition(input_shape: tuple[int, ...], windows: Windows, delta: np.ndarray) -> np.ndarray:
    """``(N, C, *L)``: ``delta[n, c, o]`` added to every real cell of window ``o``.

    ``delta`` is the upstream gradient already divided by each window's divisor (torch divides
    first, then adds the quotient to each cell). Outputs in row-major order, taps in scan order.
    """
    planes, plane = product(input_shape[:2]), product(input_shape[2:])
    out = np.zeros((planes, plane), dtype=delta.dtype)
    outputs, taps = product(windows.output_shape), product(windows.window_shape)
    if outputs and taps and planes:
        cells = windows.tap_flat_index().reshape(outputs, taps)
        real = (windows.in_bounds() & windows.member()).reshape(outputs, taps)
        which_output, which_tap = np.nonzero(real)  # row-major: by output, then by tap
        values = delta.reshape(planes, outputs)[:, which_output]  # (N·C, M)
        rows = np.broadcast_to(np.arange(planes)[:, None], values.shape)
        columns = np.broadcast_to(cells[which_output, which_tap], values.shape)
        with np.errstate(invalid="ignore", over="ignore"):
            np.add.at(out, (rows, columns), values)
    return out.reshape(input_shape)


def gather_definition(grad_output_planes: np.ndarray, flat_indices: np.ndarray) -> np.ndarray:
    """``(N, C, M)``: input ``m`` of each plane takes ``grad_output`` at its index."""
    return np.take_along_axis(grad_output_planes, flat_indices, axis=-1)
