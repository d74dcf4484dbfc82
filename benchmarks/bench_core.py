"""pooling_core vs torch (CPU) vs a plain numpy copy of the input, side by side in one process.

Machines here are noisy, so absolute times drift; the ratios are what we track. Each round
runs the three contenders one after another (in rotating order), each for a short block of
back-to-back calls, and we report the median call of each. Blocks, rather than single calls,
keep one contender's after-effects off the next one's clock: after a call, torch's OpenMP
workers keep spinning on the cores for a while, and a single numpy call started right then
is measured sharing the machine with them.

    python benchmarks/bench_core.py            # full table
    python benchmarks/bench_core.py --quick    # fewer rounds
    python benchmarks/bench_core.py --case 1d --case resnet   # some cases only
    python benchmarks/bench_core.py --repeat 5   # 5 fresh processes: medians and ranges
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
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

import pooling_core as pc  # noqa: E402

CASES = [
    # label, function name, input shape, kwargs
    ("max_pool2d image k=2", "max_pool2d", (1, 3, 1024, 1024), dict(kernel_size=2)),
    ("max_pool2d image k=3 s=2 p=1", "max_pool2d", (1, 3, 1024, 1024), dict(kernel_size=3, stride=2, padding=1)),
    ("avg_pool2d image k=2", "avg_pool2d", (1, 3, 1024, 1024), dict(kernel_size=2)),
    ("avg_pool2d image k=3 s=2 p=1", "avg_pool2d", (1, 3, 1024, 1024), dict(kernel_size=3, stride=2, padding=1)),
    ("max_pool2d resnet stem (8,64,56,56) k=3 s=2 p=1", "max_pool2d", (8, 64, 56, 56),
     dict(kernel_size=3, stride=2, padding=1)),
    ("max_pool1d long signal 2^20 k=4", "max_pool1d", (1, 1, 2**20), dict(kernel_size=4)),
    ("max_pool2d image k=2 return_indices", "max_pool2d", (1, 3, 1024, 1024), dict(kernel_size=2, return_indices=True)),
    ("max_pool2d resnet stem return_indices", "max_pool2d", (8, 64, 56, 56),
     dict(kernel_size=3, stride=2, padding=1, return_indices=True)),
]  # fmt: skip


BLOCK = 5  # back-to-back calls per contender per round


def call_seconds(function, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def run(rounds: int, only: list[str] | None = None) -> list[dict]:
    rng = np.random.default_rng(0)
    rows = []
    for label, name, shape, kwargs in CASES:
        if only and not any(word in label for word in only):
            continue
        x = rng.standard_normal(shape, dtype=np.float32)
        xt = torch.from_numpy(x)
        ours = getattr(pc, name)
        theirs = getattr(F, name)
        contenders = {
            "pooling_core": lambda ours=ours, x=x, kwargs=kwargs: ours(x, **kwargs),
            "torch": lambda theirs=theirs, xt=xt, kwargs=kwargs: theirs(xt, **kwargs),
            "copy": lambda x=x: x.copy(),
        }
        # Check equality once, so a fast wrong answer cannot pass.
        result, expected = ours(x, **kwargs), theirs(xt, **kwargs)
        pairs = zip(result, expected, strict=True) if isinstance(result, tuple) else [(result, expected)]
        for a, b in pairs:
            np.testing.assert_allclose(a, b.numpy(), rtol=1e-6, atol=1e-6)
        for function in contenders.values():  # warm up
            function()
        samples = {key: [] for key in contenders}
        order = list(contenders)
        for round_index in range(rounds):
            rotated = order[round_index % 3 :] + order[: round_index % 3]
            for key in rotated:
                samples[key] += call_seconds(contenders[key], BLOCK)
        medians = {key: statistics.median(values) for key, values in samples.items()}
        rows.append(
            dict(
                label=label,
                ours_ms=medians["pooling_core"] * 1e3,
                torch_ms=medians["torch"] * 1e3,
                copy_ms=medians["copy"] * 1e3,
                vs_torch=medians["pooling_core"] / medians["torch"],
                vs_copy=medians["pooling_core"] / medians["copy"],
            )
        )
    return rows


TARGET_VS_TORCH = 1.0  # issue 2: no slower than torch on every case
TARGET_VS_COPY_K2 = 4.0  # ... and within 4x of a copy for the k=2 image cases


def verdict(label: str, vs_torch: float, vs_copy: float) -> str:
    ok = vs_torch <= TARGET_VS_TORCH and not (
        "image k=2" in label and "indices" not in label and vs_copy > TARGET_VS_COPY_K2
    )
    return "✅" if ok else "❌"


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
    print("| case | pooling_core ms | torch ms | copy ms | core/torch | core/copy | target |")
    print("|---|---:|---:|---:|---:|---:|:-:|")
    for i, row in enumerate(runs[0]["rows"]):
        column = {key: [run["rows"][i][key] for run in runs] for key in row if key != "label"}
        median = {key: statistics.median(values) for key, values in column.items()}
        print(
            f"| {row['label']} | {median['ours_ms']:.2f} | {median['torch_ms']:.2f} | {median['copy_ms']:.2f} "
            f"| {median['vs_torch']:.2f} ({min(column['vs_torch']):.2f}–{max(column['vs_torch']):.2f}) "
            f"| {median['vs_copy']:.2f} ({min(column['vs_copy']):.2f}–{max(column['vs_copy']):.2f}) "
            f"| {verdict(row['label'], max(column['vs_torch']), max(column['vs_copy']))} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 rounds instead of 25")
    parser.add_argument("--case", action="append", help="only cases whose label contains this (repeatable)")
    parser.add_argument("--repeat", type=int, default=1, help="run the table N times, each in a fresh process")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.repeat > 1:
        argv = (["--quick"] if args.quick else []) + [arg for case in args.case or [] for arg in ("--case", case)]
        repeat(args.repeat, argv)
        return
    rounds = 5 if args.quick else 25
    header = (
        f"torch {torch.__version__}, {torch.get_num_threads()} threads, OMP_WAIT_POLICY="
        f"{os.environ['OMP_WAIT_POLICY']}; numpy {np.__version__}; {rounds} rounds, {BLOCK} calls per block"
    )
    rows = run(rounds, args.case) + run_backward(rounds, args.case, BLOCK)
    if args.json:
        import json  # noqa: PLC0415

        print(json.dumps({"header": header, "rows": rows}))
        return
    print(header)
    print("| case | pooling_core ms | torch ms | copy ms | core/torch | core/copy | target |")
    print("|---|---:|---:|---:|---:|---:|:-:|")
    for row in rows:
        mark = verdict(row["label"], row["vs_torch"], row["vs_copy"])
        print(
            f"| {row['label']} | {row['ours_ms']:.2f} | {row['torch_ms']:.2f} | {row['copy_ms']:.2f} "
            f"| {row['vs_torch']:.2f} | {row['vs_copy']:.2f} | {mark} |"
        )


if __name__ == "__main__":
    main()
