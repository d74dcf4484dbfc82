"""Backward rows for bench_core.py: ``pooling_core.grad`` against torch's autograd backward.

Each row is one job, done by both sides from the same data: ``input`` and ``grad_output`` in,
``∂L/∂input`` out. Ours is one call (``pooling_core.grad.<function>_input``, like
``torch.nn.grad.conv2d_input``); torch has no such function for pooling, so its way to the same
gradient is the forward with ``requires_grad`` then ``.backward(grad_output)``, and the "torch"
column times both (``input.grad`` reset first, so torch hands a fresh buffer over rather than
adding to an old one). A max-type gradient has to find every window's winner either way: ours
in the gradient call, torch's in its forward.

A second column, "torch backward alone", times only ``.backward`` on a graph built once outside
the clock (``retain_graph=True``): what a training step pays after a forward it needed anyway.
It is printed for the record, beside the verdict, not in it: it is not the same job (the winners
were found before the clock started).

    python benchmarks/bench_core.py --case backward            # only these rows
    python benchmarks/bench_core.py --case backward --repeat 5
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from case import call_seconds

import pooling_core as pc
from pooling_core import grad

SIGNAL = (4, 8, 100_000)
IMAGE = (1, 3, 1024, 1024)
FEATURES = (8, 64, 56, 56)
VOLUME = (2, 8, 32, 64, 64)


@dataclass(frozen=True)
class BackwardCase:
    """One row: ``function`` (a pooling_core / torch.nn.functional name) on a float32 input."""

    label: str
    function: str
    shape: tuple[int, ...]
    arguments: dict = field(default_factory=dict)
    unpool: dict | None = None  # max_unpool: the max_pool arguments that make its values and indices
    positive: bool = False  # |normal| inputs (an odd power of a signed sum is mostly cancellation and NaN)

    def contenders(self, rng: np.random.Generator):
        """``(ours, theirs, theirs_backward, copy, check)``: four zero-argument callables and an
        equality check; ``theirs`` is torch's forward + backward, ``theirs_backward`` its backward
        on a graph built before."""
        x = rng.standard_normal(self.shape, dtype=np.float32)
        if self.positive:
            x = np.abs(x)
        arguments, extra = dict(self.arguments), ()
        if self.unpool is not None:  # the input of an unpool is a max pool's values, with its indices
            ndim = int(self.function[-2])
            x, indices = getattr(pc, f"max_pool{ndim}d")(x, return_indices=True, **self.unpool)
            extra = (indices,)
        if self.function.startswith("fractional"):
            ndim = int(self.function[-2])
            arguments["_random_samples"] = rng.random(self.shape[:2] + (ndim,)).astype(np.float32)
        output = getattr(pc, self.function)(x, *extra, **arguments)
        g = rng.standard_normal(output.shape).astype(np.float32)

        leaf = torch.from_numpy(x.copy()).requires_grad_()
        torch_arguments = {k: torch.from_numpy(v) if isinstance(v, np.ndarray) else v for k, v in arguments.items()}
        torch_extra = tuple(torch.from_numpy(value) for value in extra)
        result = getattr(F, self.function)(leaf, *torch_extra, **torch_arguments)  # the graph, built once
        g_torch = torch.from_numpy(g)
        ours_function = getattr(grad, f"{self.function}_input")

        def ours():
            return ours_function(x, g, *extra, **arguments)

        def theirs():  # the same job as ours: from input and grad_output to the input's gradient
            leaf.grad = None
            getattr(F, self.function)(leaf, *torch_extra, **torch_arguments).backward(g_torch)

        def theirs_backward():  # the graph (and a max pool's indices) were built before the clock
            leaf.grad = None
            result.backward(g_torch, retain_graph=True)

        def check():
            theirs()
            expected = leaf.grad.numpy()
            scale = float(np.abs(expected[np.isfinite(expected)]).max(initial=1.0))
            np.testing.assert_allclose(ours(), expected, rtol=1e-5, atol=1e-5 * scale, err_msg=self.label)

        return ours, theirs, theirs_backward, (lambda: x.copy()), check


def _pools():
    cases = []
    add = lambda label, function, shape, positive=False, **arguments: cases.append(  # noqa: E731
        BackwardCase(f"backward {function} {label}", function, shape, arguments, positive=positive)
    )
    # max-type: every window's winner, then the scatter (ours); the scatter alone (torch)
    add("(4,8,100000) k=4", "max_pool1d", SIGNAL, kernel_size=4)
    add("(4,8,100000) k=3 s=1 p=1 (overlapping)", "max_pool1d", SIGNAL, kernel_size=3, stride=1, padding=1)
    add("(1,3,1024,1024) k=2", "max_pool2d", IMAGE, kernel_size=2)
    add("(1,3,1024,1024) k=3 s=2 p=1", "max_pool2d", IMAGE, kernel_size=3, stride=2, padding=1)
    add("(8,64,56,56) k=3 s=2 p=1", "max_pool2d", FEATURES, kernel_size=3, stride=2, padding=1)
    add("(8,64,56,56) k=3 s=1 d=2 ceil", "max_pool2d", FEATURES, kernel_size=3, stride=1, dilation=2, ceil_mode=True)
    add("(2,8,32,64,64) k=2", "max_pool3d", VOLUME, kernel_size=2)
    add("(2,8,32,64,64) k=3 s=2 p=1", "max_pool3d", VOLUME, kernel_size=3, stride=2, padding=1)
    # average: each window's gradient / divisor spread over it
    add("(4,8,100000) k=4", "avg_pool1d", SIGNAL, kernel_size=4)
    add("(1,3,1024,1024) k=2", "avg_pool2d", IMAGE, kernel_size=2)
    add("(1,3,1024,1024) k=3 s=2 p=1 ceil count_include_pad=False", "avg_pool2d", IMAGE, kernel_size=3, stride=2,
        padding=1, ceil_mode=True, count_include_pad=False)  # fmt: skip
    add("(8,64,56,56) k=3 s=1 p=1 (overlapping)", "avg_pool2d", FEATURES, kernel_size=3, stride=1, padding=1)
    add("(2,8,32,64,64) k=2", "avg_pool3d", VOLUME, kernel_size=2)
    add("(2,8,32,64,64) k=3 s=2 p=1 ceil count_include_pad=False", "avg_pool3d", VOLUME, kernel_size=3, stride=2,
        padding=1, ceil_mode=True, count_include_pad=False)  # fmt: skip
    # power average: torch's autograd runs the whole chain pow → avg → sign·relu → mul → pow back
    add("(4,8,100000) p=2 k=4", "lp_pool1d", SIGNAL, norm_type=2, kernel_size=4)
    add("(1,3,1024,1024) p=2 k=2", "lp_pool2d", IMAGE, norm_type=2, kernel_size=2)
    add("(8,64,56,56) p=3 k=3 s=2 (overlapping, x ≥ 0)", "lp_pool2d", FEATURES, norm_type=3, kernel_size=3, stride=2,
        positive=True)  # fmt: skip
    add("(8,64,56,56) p=inf k=3 s=2", "lp_pool2d", FEATURES, norm_type=float("inf"), kernel_size=3, stride=2)
    add("(2,8,32,64,64) p=2 k=2", "lp_pool3d", VOLUME, norm_type=2, kernel_size=2)
    # adaptive: bins that overlap when the sizes don't divide
    add("(4,8,100000) → 3000 (overlapping bins)", "adaptive_max_pool1d", SIGNAL, output_size=3000)
    add("(8,64,56,56) → 7", "adaptive_max_pool2d", FEATURES, output_size=7)
    add("(8,64,56,56) → 5 (overlapping bins)", "adaptive_max_pool2d", FEATURES, output_size=5)
    add("(2,8,32,64,64) → (5,7,9) (overlapping bins)", "adaptive_max_pool3d", VOLUME, output_size=(5, 7, 9))
    add("(4,8,100000) → 3000 (overlapping bins)", "adaptive_avg_pool1d", SIGNAL, output_size=3000)
    add("(8,64,56,56) → 1 (global)", "adaptive_avg_pool2d", FEATURES, output_size=1)
    add("(8,64,56,56) → 5 (overlapping bins)", "adaptive_avg_pool2d", FEATURES, output_size=5)
    add("(1,3,1024,1024) → 300 (overlapping bins)", "adaptive_avg_pool2d", IMAGE, output_size=300)
    add("(2,8,32,64,64) → (5,7,9) (overlapping bins)", "adaptive_avg_pool3d", VOLUME, output_size=(5, 7, 9))
    # fractional: pseudo-random windows, given samples
    add("(1,3,1024,1024) k=3 → 512", "fractional_max_pool2d", IMAGE, kernel_size=3, output_size=512)
    add("(8,64,56,56) k=2 → 40 (overlapping)", "fractional_max_pool2d", FEATURES, kernel_size=2, output_size=40)
    add("(2,8,32,64,64) k=2 → (20,40,40)", "fractional_max_pool3d", VOLUME, kernel_size=2, output_size=(20, 40, 40))
    # unpool: the gradient gathers grad_output at the indices
    for function, shape, label, pool in (
        ("max_unpool1d", SIGNAL, "(4,8,100000) k=4", dict(kernel_size=4)),
        ("max_unpool2d", IMAGE, "(1,3,1024,1024) k=2", dict(kernel_size=2)),
        ("max_unpool2d", FEATURES, "(8,64,56,56) k=3 s=2 p=1", dict(kernel_size=3, stride=2, padding=1)),
        ("max_unpool3d", VOLUME, "(2,8,32,64,64) k=2", dict(kernel_size=2)),
    ):
        arguments = dict(pool)
        if function == "max_unpool2d" and "padding" in pool:
            arguments["output_size"] = shape[2:]
        cases.append(BackwardCase(f"backward {function} {label}", function, shape, arguments, unpool=pool))
    return cases


BACKWARD_CASES = _pools()


def run(rounds: int, only: list[str] | None = None, block: int = 5) -> list[dict]:
    """Rows like bench_core.run's: each contender timed in rotating blocks of back-to-back calls."""
    rng = np.random.default_rng(0)
    rows = []
    for case in BACKWARD_CASES:
        if only and not any(word in case.label for word in only):
            continue
        ours, theirs, theirs_backward, copy, check = case.contenders(rng)
        check()  # a fast wrong answer cannot pass
        contenders = {"pooling_core": ours, "torch": theirs, "torch_backward": theirs_backward, "copy": copy}
        for function in contenders.values():  # warm up
            function()
        samples = {key: [] for key in contenders}
        order = list(contenders)
        for round_index in range(rounds):
            for key in order[round_index % len(order) :] + order[: round_index % len(order)]:
                samples[key] += call_seconds(contenders[key], block)
        medians = {key: statistics.median(values) for key, values in samples.items()}
        rows.append(
            dict(
                label=case.label,
                ours_ms=medians["pooling_core"] * 1e3,
                torch_ms=medians["torch"] * 1e3,
                copy_ms=medians["copy"] * 1e3,
                torch_backward_ms=medians["torch_backward"] * 1e3,
                vs_torch=medians["pooling_core"] / medians["torch"],
                vs_torch_backward=medians["pooling_core"] / medians["torch_backward"],
                vs_copy=medians["pooling_core"] / medians["copy"],
            )
        )
    return rows
