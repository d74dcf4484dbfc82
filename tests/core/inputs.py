"""Input generators for the core suite: small arrays full of ties and special values.

Values are mostly small integers (so windows have ties), with NaN, ±inf and −0.0 sprinkled
in for floats, and the dtype's extremes for integer max-type pools. Everything is seeded, so
every run sees the same cases.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

FLOAT_SPECIALS = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0])


POWERS_OF_TWO = np.array([0.0, 0.5, 1.0, 2.0, 4.0, -0.5, -1.0, -2.0, -4.0])


def make_input(rng, shape, dtype, *, specials=True, extremes=False, low=-3, high=3, values=None):
    """An array of ``shape`` with ties (small integers), and special values.

    ``specials`` (floats): about 15 % of cells become NaN, ±inf or ±0.0; sometimes the base
    values are continuous normals instead of integers.
    ``extremes`` (ints): about 10 % of cells become the dtype's min or max.
    """
    dtype = np.dtype(dtype)
    if values is not None:  # only these values (cast to the dtype)
        return rng.choice(np.asarray(values), size=shape).astype(dtype)
    if dtype.kind == "f":
        if rng.random() < 0.25:
            x = rng.standard_normal(shape).astype(dtype)
        else:
            x = rng.integers(low, high + 1, size=shape).astype(dtype)
        if specials and x.size and rng.random() < 0.7:
            mask = rng.random(shape) < 0.15
            x[mask] = rng.choice(FLOAT_SPECIALS, size=int(mask.sum())).astype(dtype)
        return x
    info = np.iinfo(dtype)
    x = rng.integers(max(info.min, low), min(info.max, high) + 1, size=shape).astype(dtype)
    if extremes and x.size:
        mask = rng.random(shape) < 0.1
        x[mask] = rng.choice([info.min, info.max], size=int(mask.sum())).astype(dtype)
    return x


def batch_shape(index: int, channels: int, spatial: tuple[int, ...]) -> tuple[int, ...]:
    """Rotate through unbatched, batch 1, batch 2 and batch 0 by case index."""
    kind = index % 4
    if kind == 0:
        return (channels, *spatial)
    return ((1, 2, 0)[kind - 1], channels, *spatial)


# --- hypothesis strategies -------------------------------------------------------------------

SPECIAL_ELEMENTS = [0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 3.0, float("nan"), float("inf"), float("-inf")]
# Reciprocals of these are exact, so sums of x**-1 cancel exactly whatever the order.
POW2_ELEMENTS = [0.0, -0.0, 0.5, 1.0, -1.0, 2.0, -2.0, 4.0, float("nan"), float("inf"), float("-inf")]


def float_elements(dtype, *, general=True, pow2=False):
    """Ties and specials, and (``general``) any float of the dtype's width, NaN and inf included."""
    width = 32 if np.dtype(dtype) == np.float32 else 64
    tied = st.sampled_from(POW2_ELEMENTS if pow2 else SPECIAL_ELEMENTS)
    if not general:
        return tied
    return st.one_of(tied, st.floats(width=width, allow_nan=True, allow_infinity=True))


def small_int_elements(dtype):
    info = np.iinfo(dtype)
    return st.one_of(
        st.integers(max(info.min, -4), min(info.max, 4)),
        st.sampled_from([int(info.min), int(info.max)]),
    )


@st.composite
def pool_input(draw, ndim, spatial, dtypes=("float32", "float64"), *, general=True, int_extremes=True, pow2=False):
    """A batched or unbatched array with the given spatial shape."""
    dtype = np.dtype(draw(st.sampled_from(dtypes)))
    channels = draw(st.integers(1, 2))
    batched = draw(st.booleans())
    lead = (draw(st.sampled_from([0, 1, 2])), channels) if batched else (channels,)
    shape = lead + tuple(spatial)
    if dtype.kind == "f":
        elements = float_elements(dtype, general=general, pow2=pow2)
    elif int_extremes:
        elements = small_int_elements(dtype)
    else:
        info = np.iinfo(dtype)
        elements = st.integers(max(info.min, -4), min(info.max, 4))
    return draw(hnp.arrays(dtype, shape, elements=elements))
