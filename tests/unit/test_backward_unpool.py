"""The Backward and Unpooling pages' data: each output's share of the gradient, and the unpooled
plane, against torch (autograd and F.max_unpool) on generated calls and by hand."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from pooling_core import PoolCall
from ui import backward, unpool

LECTURE = np.array([1, 4, -1, 0, 2, -2, 1, 3, 3, 1], dtype=np.float32)


def _autograd(function, x, g, **arguments):
    tensor = torch.tensor(x[None], requires_grad=True)
    y = getattr(F, function)(tensor, **arguments)
    y.backward(torch.tensor(g[None]))
    return tensor.grad[0].numpy()


def test_the_lecture_gradient_and_its_shares():
    flow = backward.build(PoolCall("max_pool1d", {"kernel_size": 2}), LECTURE, np.ones(5, np.float32))
    assert flow.gradient.tolist() == [0, 1, 0, 1, 1, 0, 0, 1, 1, 0]
    assert [flow.reached(step) for step in range(5)] == [[((1,), 1.0)], [((3,), 1.0)], [((4,), 1.0)],
                                                          [((7,), 1.0)], [((8,), 1.0)]]  # fmt: skip
    assert flow.so_far(1).tolist() == [0, 1, 0, 1, 0, 0, 0, 0, 0, 0]
    arithmetic, text = backward.sentence(flow, 0)
    assert arithmetic == "x.grad[1] += 1" and "maximum x[1] = 4" in text


def test_a_cell_that_wins_two_windows_gets_2_and_average_spreads():
    x = np.array([0, 5, 0, 0], dtype=np.float32)  # x[1] wins the windows [0, 1] and [1, 2]
    flow = backward.build(PoolCall("max_pool1d", {"kernel_size": 2, "stride": 1}), x, np.ones(3, np.float32))
    assert flow.gradient[1] == 2
    avg = backward.build(PoolCall("avg_pool1d", {"kernel_size": 2}), x, np.ones(2, np.float32))
    assert avg.gradient.tolist() == [0.5] * 4
    assert "spread over 2 cells" in backward.sentence(avg, 0)[0]


CALLS = [
    PoolCall(function, arguments)
    for function, arguments in itertools.chain(
        (("max_pool1d", dict(kernel_size=k, stride=s, padding=p))
         for k, s, p in itertools.product((2, 3), (1, 2), (0, 1))),
        (("avg_pool1d", dict(kernel_size=k, stride=s, padding=p, count_include_pad=c))
         for k, s, p, c in itertools.product((2, 3), (1, 2), (0, 1), (True, False))),
        (("lp_pool1d", dict(norm_type=2, kernel_size=2, stride=1)),),
        (("adaptive_max_pool1d", dict(output_size=o)) for o in (3, 4, 7)),
        (("adaptive_avg_pool1d", dict(output_size=o)) for o in (3, 4)),
    )
]  # fmt: skip


@pytest.mark.parametrize("call", CALLS, ids=lambda c: c.functional_code())
def test_shares_add_up_to_torchs_gradient(call):
    rng = np.random.default_rng(0)
    x = rng.integers(-4, 5, size=9).astype(np.float32) + 0.5  # no ties at zero for lp
    output = call.run(x[None])[0]
    g = backward.upstream("random integers", output.shape, seed=3)
    flow = backward.build(call, x, g)
    expected = _autograd(call.function, x, g, **call.arguments)
    np.testing.assert_allclose(flow.gradient, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(flow.so_far(output.size - 1), expected, rtol=1e-5, atol=1e-6)
    for step in range(output.size):
        assert backward.sentence(flow, step)[1]


def test_upstream_gradients():
    assert backward.upstream("ones", (2,)).tolist() == [1, 1]
    assert backward.upstream("typed", (2, 2), typed="1 2; 3 4").tolist() == [[1, 2], [3, 4]]
    with pytest.raises(ValueError, match='"x" is not a number'):
        backward.upstream("typed", (2,), typed="1 x")
    with pytest.raises(ValueError, match="from 0 to 4"):
        backward.upstream("one-hot", (5,), cell=5)


@pytest.mark.parametrize("length, kernel, stride, size", [(5, 2, None, None), (5, 2, None, (5,)), (6, 3, 2, None),
                                                          (7, 3, 3, (8,))])  # fmt: skip
def test_unpooling_equals_torch(length, kernel, stride, size):
    x = np.random.default_rng(length).permutation(length).astype(np.float32)
    arguments = {"kernel_size": kernel} | ({"stride": stride} if stride else {})
    back = unpool.build(x, arguments, size)
    y, indices = F.max_pool1d(torch.tensor(x[None]), return_indices=True, **arguments)
    expected = F.max_unpool1d(y, indices, output_size=size, **arguments)[0].numpy()
    np.testing.assert_array_equal(back.unpooled, expected)
    for step in range(back.pooled.size):
        out, target = back.position(step)
        assert back.unpooled[target] == back.pooled[out] == x[target]


def test_the_output_size_ambiguity_is_explained_with_the_numbers():
    back = unpool.build(np.array([1, 4, -1, 3, 2], np.float32), {"kernel_size": 2})
    assert back.default_size == (4,) and back.unpooled.shape == (4,)
    text = unpool.ambiguity(back)
    assert "5 cells pool to 2" in text and "= 4 — **not 5**" in text and "from 3 to 5" in text
    with pytest.raises(ValueError, match="strictly between 2 and 6"):
        unpool.build(np.array([1, 4, -1, 3, 2], np.float32), {"kernel_size": 2}, (9,))
    asked = unpool.ambiguity(unpool.build(np.array([1, 4, -1, 3, 2], np.float32), {"kernel_size": 2}, (5,)))
    assert "by default — not 5 — and `output_size` asks for **5**" in asked and "pass `output_size`" not in asked


def test_unpooling_2d_equals_torch():
    x = np.arange(25, dtype=np.float32).reshape(5, 5)[::-1].copy()
    back = unpool.build(x, {"kernel_size": 2}, (5, 5))
    y, indices = F.max_pool2d(torch.tensor(x[None]), 2, return_indices=True)
    np.testing.assert_array_equal(back.unpooled, F.max_unpool2d(y, indices, 2, output_size=(5, 5))[0].numpy())
