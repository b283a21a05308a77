"""One BLAS thread for the many small matrices of the checks.

The checks diagonalise and multiply matrices of a few hundred rows, thousands of times. At that size
the threads of a multithreaded BLAS cost more in start-up and waiting than they save, and on a shared
machine they wait for cores that are busy: a 320 x 320 ``eigh`` takes several times longer with two
threads than with one on this project's two-core machine. :func:`one_blas_thread` limits BLAS to one
thread for the duration of a ``with`` block and restores the previous setting afterwards.
"""

from __future__ import annotations

import contextlib
import functools

from threadpoolctl import ThreadpoolController

__all__ = ["one_blas_thread"]


@functools.lru_cache(maxsize=1)
def _controller() -> ThreadpoolController:
    """The BLAS libraries loaded by NumPy and SciPy, found once (finding them takes milliseconds)."""
    import scipy.linalg  # noqa: F401  (SciPy brings its own BLAS: load it before the libraries are listed)

    return ThreadpoolController()


@contextlib.contextmanager
def one_blas_thread():
    """A context manager under which BLAS and LAPACK calls use one thread.

    Examples
    --------
    >>> import numpy as np
    >>> with one_blas_thread():
    ...     values = np.linalg.eigvalsh(np.diag([2.0, 1.0]))
    >>> values.tolist()
    [1.0, 2.0]
    """
    with _controller().limit(limits=1, user_api="blas"):
        yield
