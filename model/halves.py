"""Two cores for one training step: its large products and updates cut in two halves.

This thread computes one half while a helper thread computes the other (NumPy and
BLAS release the GIL while they compute), then waits for it.  The trainer uses
it when no distortions keep its batch-preparing thread busy
(:func:`digitpad.model.train.train`), with BLAS on one thread per half.

Why not BLAS's own threads: a thread that waits here blocks and leaves its core;
BLAS's threads spin while they wait for each other, and on a machine whose other
work holds a core, a plain epoch with BLAS on two threads took 5 times as long
as on one (docs/performance.md).  Cut in halves, a step on a busy machine takes
about as long as on one core; on a quiet one, about half as long.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np


SMALL_PRODUCT = 1 << 22    # multiply-adds: about 0.1 ms on one core


class Halves:
    """A helper thread that computes the second half of each piece of work."""

    def __init__(self):
        self.helper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="halves")

    def run(self, work, first, second):
        """``work(*first)`` here and ``work(*second)`` on the helper thread, at once; if
        the helper has not begun by the time this thread is done (its core is busy with
        other work), this thread does the second half too."""
        other = self.helper.submit(work, *second)
        try:
            work(*first)
        finally:
            stolen = other.cancel()
        if stolen:
            work(*second)
        else:
            other.result()

    def matmul(self, a, b):
        """``a @ b``, the left and right halves of its columns computed side by side
        (a small product at once: handing half of it over would cost more than it saves)."""
        if a.shape[0] * a.shape[1] * b.shape[1] < SMALL_PRODUCT:
            return a @ b
        out = np.empty((a.shape[0], b.shape[1]), dtype=np.result_type(a, b))
        half = b.shape[1] // 2
        self.run(np.matmul, (a, b[:, :half], out[:, :half]), (a, b[:, half:], out[:, half:]))
        return out

    def close(self):
        self.helper.shutdown()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def matmul(a, b, halves=None):
    """``a @ b``, in two halves side by side when ``halves`` is given."""
    return a @ b if halves is None else halves.matmul(a, b)
