"""pooling_core vs torch (CPU) vs a plain numpy copy, side by side in one process.

Machines here are noisy, so absolute times drift; the ratios are what we track. Each round
runs the three contenders one after another (in rotating order), each for a short block of
back-to-back calls, and we report the median call of each. Blocks, rather than single calls,
keep one contender's after-effects off the next one's clock: after a call, torch's OpenMP
workers keep spinning on the cores for a while, and a single numpy call started right then
is measured sharing the machine with them.

The table has a row per function (family) at sizes where speed is felt, and more rows where the
fast paths differ: overlapping windows (stride < kernel), dilation, ceil_mode,
count_include_pad=False, return_indices, adaptive bins that overlap. Rows are :class:`Case`
records (``benchmarks/case.py``); the backward rows come from ``benchmarks/backward_cases.py``.
Both contenders are checked to compute the same thing before they are timed.

    python benchmarks/bench_core.py              # full table
    python benchmarks/bench_core.py --quick      # fewer rounds
    python benchmarks/bench_core.py --only lp_pool --only "(4,8,100000)"   # rows whose label contains these
    python benchmarks/bench_core.py --repeat 5   # 5 fresh processes: medians and ranges
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from dataclasses import replace
from functools import partial
from pathlib import Path

# After each parallel call, torch's OpenMP workers spin on the cores for milliseconds waiting for
# more work (libgomp's default). In one process that steals a core from whatever runs next:
# numpy calls right after a torch block took ~0.35 ms instead of ~0.23. Passive waiting leaves
# torch's own times unchanged here (max_pool1d 2^20: 0.267 vs 0.275 ms; resnet stem with
# indices: 4.74 vs 4.75 ms), so every contender is timed on an otherwise idle machine.
# Must be set before torch is imported; an explicit setting from the environment wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from backward_cases import run as run_backward  # noqa: E402 - the backward rows (pooling_core.grad)
from case import ULPS, Case, Contenders, call_seconds, check_same  # noqa: E402

import pooling_core as pc  # noqa: E402
from pooling_core.reference import EXACT  # noqa: E402

# The shapes a user meets: long multichannel signals, a megapixel RGB image, a ResNet feature
# map, a batch of small video/medical volumes.
SIGNAL = (4, 8, 100_000)
IMAGE = (1, 3, 1024, 1024)
FEATURES = (8, 64, 56, 56)
VOLUME = (2, 8, 32, 64, 64)

SHORT_NAMES = dict(kernel_size="k", stride="s", padding="p", dilation="d", norm_type="norm", divisor_override="divisor")


def _text(value) -> str:
    return f"({','.join(map(str, value))})" if isinstance(value, tuple) else str(value)


def _label(function: str, shape: tuple, kwargs: dict) -> str:
    words = [function, _text(shape)]
    for key, value in kwargs.items():
        if key == "output_size":
            words.append(f"→ {_text(value)}")
        elif value is True:
            words.append(key)  # ceil_mode, return_indices
        elif key == "count_include_pad":
            words.append(f"{key}={value}")
        else:
            words.append(f"{SHORT_NAMES.get(key, key)}={_text(value)}")
    return " ".join(words)


def _standard_normal(rng, shape) -> np.ndarray:
    return rng.standard_normal(shape, dtype=np.float32)


def pool(function: str, shape: tuple, **kwargs) -> Case:
    """A row calling ``function(x, **kwargs)`` on a standard-normal float32 ``x`` of ``shape``."""

    def setup(rng):
        x = _standard_normal(rng, shape)
        xt = torch.from_numpy(x)
        ours, theirs = getattr(pc, function), getattr(F, function)
        return Contenders(ours=lambda: ours(x, **kwargs), torch=lambda: theirs(xt, **kwargs), copy=x.copy)

    return Case(_label(function, shape, kwargs), function, setup, exact=function in EXACT)


def lp(function: str, shape: tuple, **kwargs) -> Case:
    """An lp_pool row, compared where the rounding happens: in the window sums ``Σ x^p``.

    The root ``(Σ x^p)^(1/p)`` magnifies the rounding of a sum that nearly cancels (odd ``p`` on
    signed data), so the results are raised back to ``p`` and compared within ``ULPS`` float eps
    of ``Σ |x|^p``, the scale of that sum's rounding. A sum within that distance of zero may
    come out negative in one and not in the other (NaN vs a tiny number): that counts as equal.
    """
    case = pool(function, shape, **kwargs)

    def setup(rng):
        contenders = case.setup(rng)
        xt = torch.from_numpy(_standard_normal(np.random.default_rng(0), shape))  # the same x (same seed)
        p = kwargs["norm_type"]
        absolute = {key: value for key, value in kwargs.items() if key != "norm_type"}
        scale = getattr(F, function)(xt.abs().double(), p, **absolute).numpy() ** p  # Σ |x|^p per window

        def check(ours, theirs):
            ours_sum, their_sum = ours.astype(np.float64) ** p, theirs.numpy().astype(np.float64) ** p
            tolerance = ULPS * np.finfo(np.float32).eps * scale
            with np.errstate(invalid="ignore"):
                near = np.abs(ours_sum - their_sum) <= tolerance
            near |= np.isnan(ours_sum) & np.isnan(their_sum)
            near |= np.isnan(ours_sum) & (np.abs(their_sum) <= tolerance)
            near |= np.isnan(their_sum) & (np.abs(ours_sum) <= tolerance)
            assert ours.shape == theirs.shape and ours.dtype == theirs.numpy().dtype, case.label
            assert near.all(), f"{case.label}: {int((~near).sum())} window sums differ beyond {ULPS} ulp of Σ|x|^p"

        return replace(contenders, check=check)

    return replace(case, setup=setup)


def fractional(function: str, shape: tuple, **kwargs) -> Case:
    """A fractional max row with fixed ``_random_samples`` (one per plane and axis), so both draw
    the same windows."""

    def setup(rng):
        x = _standard_normal(rng, shape)
        samples = rng.random(shape[:2] + (len(shape) - 2,)).astype(np.float32)
        xt, samples_t = torch.from_numpy(x), torch.from_numpy(samples)
        ours, theirs = getattr(pc, function), getattr(F, function)
        return Contenders(
            ours=lambda: ours(x, **kwargs, _random_samples=samples),
            torch=lambda: theirs(xt, **kwargs, _random_samples=samples_t),
            copy=x.copy,
        )

    return Case(_label(function, shape, kwargs), function, setup, exact=True)


def unpool(function: str, shape: tuple, **kwargs) -> Case:
    """A max_unpool row: unpool what max_pool (same parameters) made of an input of ``shape``."""
    pool_function = function.replace("unpool", "pool")

    def setup(rng):
        x = torch.from_numpy(_standard_normal(rng, shape))
        values_t, indices_t = getattr(F, pool_function)(x, **kwargs, return_indices=True)
        values, indices = values_t.numpy(), indices_t.numpy()
        output = np.zeros(shape, np.float32)  # the plane the values are scattered into
        ours, theirs = getattr(pc, function), getattr(F, function)
        return Contenders(
            ours=lambda: ours(values, indices, **kwargs),
            torch=lambda: theirs(values_t, indices_t, **kwargs),
            copy=output.copy,
        )

    return Case(_label(function, shape, kwargs), function, setup, exact=True)


CASES: list[Case] = [
    # max_pool: non-overlapping, overlapping (stride < kernel), dilated, ceil_mode, indices
    pool("max_pool1d", SIGNAL, kernel_size=2),
    pool("max_pool1d", SIGNAL, kernel_size=4, stride=2),
    pool("max_pool1d", SIGNAL, kernel_size=3, stride=1, padding=1),
    pool("max_pool1d", SIGNAL, kernel_size=5, stride=1, padding=2, dilation=2),
    pool("max_pool1d", SIGNAL, kernel_size=3, stride=2, padding=1, ceil_mode=True),
    pool("max_pool1d", (1, 1, 2**20), kernel_size=4),  # one long mono signal: threads split it in space
    pool("max_pool1d", SIGNAL, kernel_size=4, stride=2, return_indices=True),
    pool("max_pool1d", SIGNAL, kernel_size=5, stride=1, padding=2, dilation=2, return_indices=True),
    pool("max_pool2d", IMAGE, kernel_size=2),
    pool("max_pool2d", IMAGE, kernel_size=3, stride=2, padding=1),
    pool("max_pool2d", FEATURES, kernel_size=3, stride=2, padding=1),
    pool("max_pool2d", FEATURES, kernel_size=3, stride=1, padding=1),
    pool("max_pool2d", FEATURES, kernel_size=3, stride=2, padding=1, dilation=2),
    pool("max_pool2d", FEATURES, kernel_size=3, stride=2, ceil_mode=True),
    pool("max_pool2d", IMAGE, kernel_size=2, return_indices=True),
    pool("max_pool2d", FEATURES, kernel_size=3, stride=2, padding=1, return_indices=True),
    pool("max_pool2d", FEATURES, kernel_size=3, stride=2, ceil_mode=True, return_indices=True),
    pool("max_pool3d", VOLUME, kernel_size=2),
    pool("max_pool3d", VOLUME, kernel_size=3, stride=2, padding=1),
    pool("max_pool3d", VOLUME, kernel_size=3, stride=1, padding=1),
    pool("max_pool3d", VOLUME, kernel_size=3, stride=2, padding=1, dilation=2, ceil_mode=True),
    pool("max_pool3d", VOLUME, kernel_size=2, return_indices=True),
    pool("max_pool3d", VOLUME, kernel_size=3, stride=2, padding=1, return_indices=True),
    # avg_pool: the divisor varies with padding (count_include_pad=False) and ceil_mode
    pool("avg_pool1d", SIGNAL, kernel_size=2),
    pool("avg_pool1d", SIGNAL, kernel_size=4, stride=2),
    pool("avg_pool1d", SIGNAL, kernel_size=3, stride=1, padding=1, count_include_pad=False),
    pool("avg_pool1d", SIGNAL, kernel_size=3, stride=2, padding=1, ceil_mode=True),
    pool("avg_pool2d", IMAGE, kernel_size=2),
    pool("avg_pool2d", IMAGE, kernel_size=3, stride=2, padding=1),
    pool("avg_pool2d", IMAGE, kernel_size=3, stride=2, padding=1, count_include_pad=False),
    pool("avg_pool2d", FEATURES, kernel_size=3, stride=1, padding=1, count_include_pad=False),
    pool("avg_pool2d", FEATURES, kernel_size=3, stride=2, ceil_mode=True),
    pool("avg_pool2d", FEATURES, kernel_size=2, divisor_override=3),
    pool("avg_pool3d", VOLUME, kernel_size=2),
    pool("avg_pool3d", VOLUME, kernel_size=3, stride=2, padding=1),
    pool("avg_pool3d", VOLUME, kernel_size=3, stride=1, padding=1, count_include_pad=False),
    # lp_pool: integer and fractional powers, overlapping, ceil_mode
    lp("lp_pool1d", SIGNAL, norm_type=2, kernel_size=2),
    lp("lp_pool1d", SIGNAL, norm_type=3, kernel_size=4, stride=2),
    lp("lp_pool1d", SIGNAL, norm_type=1.5, kernel_size=3, stride=2, ceil_mode=True),
    lp("lp_pool2d", IMAGE, norm_type=2, kernel_size=2),
    lp("lp_pool2d", FEATURES, norm_type=2, kernel_size=2),
    lp("lp_pool2d", FEATURES, norm_type=3, kernel_size=3, stride=2, ceil_mode=True),
    lp("lp_pool3d", VOLUME, norm_type=2, kernel_size=2),
    lp("lp_pool3d", VOLUME, norm_type=4, kernel_size=3, stride=2),
    # adaptive: bins that tile exactly, bins that overlap (sizes that do not divide), global
    pool("adaptive_max_pool1d", SIGNAL, output_size=1000),
    pool("adaptive_max_pool1d", SIGNAL, output_size=333),
    pool("adaptive_max_pool1d", SIGNAL, output_size=333, return_indices=True),
    pool("adaptive_max_pool2d", FEATURES, output_size=(7, 7)),
    pool("adaptive_max_pool2d", FEATURES, output_size=(5, 9)),
    pool("adaptive_max_pool2d", FEATURES, output_size=(5, 9), return_indices=True),
    pool("adaptive_max_pool2d", FEATURES, output_size=1),
    pool("adaptive_max_pool2d", IMAGE, output_size=(7, 7), return_indices=True),
    pool("adaptive_max_pool3d", VOLUME, output_size=(3, 5, 7)),
    pool("adaptive_max_pool3d", VOLUME, output_size=(3, 5, 7), return_indices=True),
    pool("adaptive_avg_pool1d", SIGNAL, output_size=333),
    pool("adaptive_avg_pool2d", FEATURES, output_size=(7, 7)),
    pool("adaptive_avg_pool2d", FEATURES, output_size=(5, 9)),
    pool("adaptive_avg_pool2d", FEATURES, output_size=1),
    pool("adaptive_avg_pool2d", IMAGE, output_size=(7, 7)),
    pool("adaptive_avg_pool3d", VOLUME, output_size=(3, 5, 7)),
    pool("adaptive_avg_pool3d", VOLUME, output_size=1),
    # fractional: pseudo-random window starts, fixed samples
    fractional("fractional_max_pool2d", FEATURES, kernel_size=2, output_size=(28, 28)),
    fractional("fractional_max_pool2d", FEATURES, kernel_size=3, output_size=(40, 40), return_indices=True),
    fractional("fractional_max_pool2d", IMAGE, kernel_size=2, output_size=(724, 724)),
    fractional("fractional_max_pool3d", VOLUME, kernel_size=2, output_size=(16, 32, 32)),
    fractional("fractional_max_pool3d", VOLUME, kernel_size=3, output_size=(20, 40, 40), return_indices=True),
    # unpooling what max_pool made
    unpool("max_unpool1d", SIGNAL, kernel_size=2),
    unpool("max_unpool2d", IMAGE, kernel_size=2),
    unpool("max_unpool2d", FEATURES, kernel_size=2),
    unpool("max_unpool3d", VOLUME, kernel_size=2),
]


BLOCK = 5  # back-to-back calls per contender per round


def run(rounds: int, only: list[str] | None = None):
    """Time the rows whose label contains any of ``only`` (all if None), yielding one dict per row."""
    for case in CASES:
        if only and not any(word in case.label for word in only):
            continue
        contenders = case.setup(np.random.default_rng(0))
        calls = {"pooling_core": contenders.ours, "torch": contenders.torch, "copy": contenders.copy}
        # Check equality once, so a fast wrong answer cannot pass.
        (contenders.check or partial(check_same, case))(contenders.ours(), contenders.torch())
        for function in calls.values():  # warm up
            function()
        samples = {key: [] for key in calls}
        order = list(calls)
        for round_index in range(rounds):
            rotated = order[round_index % 3 :] + order[: round_index % 3]
            for key in rotated:
                samples[key] += call_seconds(calls[key], BLOCK)
        medians = {key: statistics.median(values) for key, values in samples.items()}
        yield dict(
            label=case.label,
            ours_ms=medians["pooling_core"] * 1e3,
            torch_ms=medians["torch"] * 1e3,
            copy_ms=medians["copy"] * 1e3,
            vs_torch=medians["pooling_core"] / medians["torch"],
            vs_copy=medians["pooling_core"] / medians["copy"],
        )


TARGET_VS_TORCH = 1.0  # issue 12: no slower than torch on every row
TARGET_VS_COPY_K2 = 4.0  # ... and within 4x of a copy for the k=2 image cases


def every_row(rounds: int, only: list[str] | None = None):
    """The forward rows, then the backward ones (benchmarks/backward_cases.py)."""
    yield from run(rounds, only)
    yield from run_backward(rounds, only, BLOCK)


def verdict(label: str, vs_torch: float, vs_copy: float) -> str:
    plain_k2_image = label.startswith(("max_pool2d (1,3,1024,1024) k=2", "avg_pool2d (1,3,1024,1024) k=2"))
    ok = vs_torch <= TARGET_VS_TORCH and not (plain_k2_image and "indices" not in label and vs_copy > TARGET_VS_COPY_K2)
    return "✅" if ok else "❌"


def missing_families() -> list[str]:
    """Public pooling functions with no row in the table."""
    covered = {case.family for case in CASES}
    return [name for name in pc.functional.__all__ if name not in covered]


TABLE_HEAD = (
    "| case (float32) | pooling_core ms | torch ms | copy ms | core/torch | core/copy | target |\n"
    "|---|---:|---:|---:|---:|---:|:-:|"
)


def repeat(times: int, argv: list[str]) -> None:
    """Run the whole table `times` times, each in a fresh process, and print the median of each
    figure with the range of the two ratios: one noisy run should not decide a verdict."""
    import json  # noqa: PLC0415
    import subprocess  # noqa: PLC0415

    runs = []
    for _ in range(times):
        output = subprocess.run(
            [sys.executable, __file__, "--json", *argv], check=True, capture_output=True, text=True
        ).stdout
        runs.append(json.loads(output.splitlines()[-1]))
    print(f"{times} runs, each in its own process; medians, ratio ranges in brackets")
    print(runs[0]["header"])
    print(TABLE_HEAD)
    worst = 0.0
    for i, row in enumerate(runs[0]["rows"]):
        column = {key: [run["rows"][i][key] for run in runs] for key in row if key != "label"}
        median = {key: statistics.median(values) for key, values in column.items()}
        worst = max(worst, max(column["vs_torch"]))
        print(
            f"| {row['label']} | {median['ours_ms']:.2f} | {median['torch_ms']:.2f} | {median['copy_ms']:.2f} "
            f"| {median['vs_torch']:.2f} ({min(column['vs_torch']):.2f}–{max(column['vs_torch']):.2f}) "
            f"| {median['vs_copy']:.2f} ({min(column['vs_copy']):.2f}–{max(column['vs_copy']):.2f}) "
            f"| {verdict(row['label'], max(column['vs_torch']), max(column['vs_copy']))} |"
        )
    print(f"worst core/torch over all rows and runs: {worst:.2f}")
    print_backward_alone([
        {key: statistics.median(run["rows"][i][key] for run in runs) if key != "label" else row[key] for key in row}
        for i, row in enumerate(runs[0]["rows"])
    ])  # fmt: skip


def print_backward_alone(rows: list[dict]) -> None:
    """For the record (not in the verdict, not the same job): the backward rows against torch's
    ``.backward`` alone, on a graph and indices its forward built before the clock."""
    rows = [row for row in rows if "torch_backward_ms" in row]
    if not rows:
        return
    print("\nfor the record: against torch's .backward alone (its forward and a max pool's winners outside the clock)")
    print("| case (float32) | pooling_core ms | torch .backward ms | core/torch .backward |\n|---|---:|---:|---:|")
    for row in rows:
        times = f"{row['ours_ms']:.2f} | {row['torch_backward_ms']:.2f}"
        print(f"| {row['label']} | {times} | {row['vs_torch_backward']:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 rounds instead of 25")
    parser.add_argument(
        "--only", "--case", action="append", help="only rows whose label contains this (repeatable: any of them)"
    )
    parser.add_argument("--repeat", type=int, default=1, help="run the table N times, each in a fresh process")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.json and missing_families():
        print(f"warning: no row for {', '.join(missing_families())}", file=sys.stderr)
    if args.repeat > 1:
        argv = (["--quick"] if args.quick else []) + [arg for word in args.only or [] for arg in ("--only", word)]
        repeat(args.repeat, argv)
        return
    rounds = 5 if args.quick else 25
    header = (
        f"torch {torch.__version__}, {torch.get_num_threads()} threads, OMP_WAIT_POLICY="
        f"{os.environ['OMP_WAIT_POLICY']}; numpy {np.__version__}; {rounds} rounds, {BLOCK} calls per block"
    )
    if args.json:
        import json  # noqa: PLC0415

        print(json.dumps({"header": header, "rows": list(every_row(rounds, args.only))}))
        return
    print(header)
    print(TABLE_HEAD)
    rows = []
    for row in every_row(rounds, args.only):
        rows.append(row)
        mark = verdict(row["label"], row["vs_torch"], row["vs_copy"])
        print(
            f"| {row['label']} | {row['ours_ms']:.2f} | {row['torch_ms']:.2f} | {row['copy_ms']:.2f} "
            f"| {row['vs_torch']:.2f} | {row['vs_copy']:.2f} | {mark} |",
            flush=True,
        )
    print_backward_alone(rows)


if __name__ == "__main__":
    main()
