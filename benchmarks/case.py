"""What a row of bench_core's table is: a small record, so that other files can add rows.

``bench_core.py`` builds its forward rows from :class:`Case` records and appends the ``CASES``
list of ``benchmarks/backward_cases.py`` when that file exists. A row needs only its label, the
family it stands for, and how to build its three contenders from a seeded generator:

    Case(
        label="max_pool2d (8,64,56,56) k=3 s=2 p=1 backward",
        family="max_pool2d backward",
        setup=lambda rng: Contenders(ours=..., torch=..., copy=...),
        exact=False,
    )

``ours()`` returns a numpy array (or a tuple of them), ``torch()`` a tensor (or a tuple), in the
same order; ``copy()`` copies the largest array the call reads or writes, the floor any pooling
pays. Before timing, bench_core checks once that ``ours()`` equals ``torch()``: bit for bit when
``exact`` (max-type values, indices, unpooling), else within ``ULPS`` float eps of the largest
output (sums, powers, gradients that add).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

ULPS = 8  # as pooling_core.reference.ULPS: what "within a few ulp" means in the test suite


@dataclass(frozen=True)
class Contenders:
    """Three zero-argument calls timed side by side; ``check(ours_result, torch_result)``, if
    given, replaces the default comparison (see :func:`check_same`)."""

    ours: Callable[[], object]
    torch: Callable[[], object]
    copy: Callable[[], object]
    check: Callable[[object, object], None] | None = None


@dataclass(frozen=True)
class Case:
    """One row of the table."""

    label: str
    family: str  # the function timed, e.g. "max_pool2d": the table has a row per family at least
    setup: Callable[[np.random.Generator], Contenders]
    exact: bool = True


def as_arrays(result) -> list[np.ndarray]:
    """A numpy array, a tensor or a tuple of either, as a list of numpy arrays."""
    items = result if isinstance(result, tuple) else (result,)
    return [item if isinstance(item, np.ndarray) else item.numpy() for item in items]


def check_same(case: Case, ours, theirs) -> None:
    """Fail unless both contenders computed the same thing (see the module docstring)."""
    ours, theirs = as_arrays(ours), as_arrays(theirs)
    assert len(ours) == len(theirs), f"{case.label}: {len(ours)} outputs vs torch's {len(theirs)}"
    for a, b in zip(ours, theirs, strict=True):
        assert a.shape == b.shape and a.dtype == b.dtype, f"{case.label}: {a.shape} {a.dtype} vs {b.shape} {b.dtype}"
        if case.exact or not np.issubdtype(a.dtype, np.floating):
            np.testing.assert_array_equal(a, b, err_msg=case.label, strict=True)
            continue
        largest = float(np.max(np.abs(b[np.isfinite(b)]), initial=1.0))
        tolerance = ULPS * np.finfo(a.dtype).eps * largest
        np.testing.assert_allclose(a, b, rtol=0, atol=tolerance, err_msg=case.label)


def call_seconds(function, count: int) -> list[float]:
    """``count`` back-to-back calls of ``function``, each timed: one contender's block of a round."""
    times = []
    for _ in range(count):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times
