"""pooling_core: torch.nn.functional's pooling functions, in numpy, proven equal to torch.

Pure: no Streamlit, no I/O, no global state, and no torch (only :mod:`pooling_core.reference`
imports torch, lazily, to cross-check a call). The backward pass lives in :mod:`pooling_core.grad`
(``grad.max_pool1d_input(input, grad_output, ...)`` and one such function per pooling function).

>>> import numpy as np
>>> max_pool1d(np.array([[1, 4, -1, 0, 2, -2, 1, 3, 3, 1]], dtype=np.float32), 2)
array([[4., 0., 2., 3., 3.]], dtype=float32)
"""

from . import geometry, grad
from .call import PoolCall
from .functional import *  # noqa: F403
from .functional import __all__ as _functional_names

__all__ = [*_functional_names, "geometry", "grad", "PoolCall"]
