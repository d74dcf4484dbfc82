"""Core-suite hooks: report how many calls went through the torch oracle in this session."""

from __future__ import annotations

import os
import sys

from tests.core.grad_oracle import GradCounter
from tests.core.helpers import Counter

# The core suite calls torch on thousands of tiny arrays. torch's OpenMP threads (2 per process)
# gain nothing there, and under pytest-xdist two workers' spinning thread pools oversubscribe
# the cores: measured 70 s instead of 7 s for the grid sweeps with -n 2. One thread each.
if "torch" in sys.modules:
    sys.modules["torch"].set_num_threads(1)
else:
    os.environ.setdefault("OMP_NUM_THREADS", "1")

_worker_calls: list[int] = []
_worker_gradients: list[tuple[int, int]] = []


def pytest_sessionfinish(session):
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: hand the count to the controller
        workeroutput["torch_oracle_calls"] = Counter.calls
        workeroutput["torch_gradient_calls"] = (GradCounter.calls, GradCounter.compared, GradCounter.bit_exact)


def pytest_testnodedown(node, error):
    output = getattr(node, "workeroutput", {})
    _worker_calls.append(output.get("torch_oracle_calls", 0))
    _worker_gradients.append(tuple(output.get("torch_gradient_calls", (0, 0, 0))))


def pytest_terminal_summary(terminalreporter):
    calls = Counter.calls + sum(_worker_calls)
    if calls:
        terminalreporter.write_line(f"core parity: {calls} calls compared against torch")
    counts = [(GradCounter.calls, GradCounter.compared, GradCounter.bit_exact), *_worker_gradients]
    calls, compared, exact = (sum(column) for column in zip(*counts, strict=True))
    if calls:
        terminalreporter.write_line(
            f"core gradients: {calls} backward calls against torch.autograd: {compared} gradients compared "
            f"({exact} of them bit for bit), {calls - compared} calls rejected by both"
        )
