"""The symbolic-to-numeric boundary: SymPy expressions compiled with ``lambdify``.

Every number the toolkit predicts passes through here, with a fixed argument order,
common-subexpression elimination (``cse=True``), and a choice of backend: ``"numpy"`` for
speed and array arguments, ``"mpmath"`` for arbitrary precision near criticality.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import sympy as sp

__all__ = ["CompiledExpression", "compile_expression", "compile_matrix"]

_BACKENDS = ("numpy", "mpmath")


@dataclass(frozen=True)
class CompiledExpression:
    """A compiled expression: call it with numbers in the order of ``arguments``.

    Attributes
    ----------
    expression : sympy.Basic
    arguments : tuple of sympy.Symbol
    backend : str
    function : callable
    """

    expression: sp.Basic
    arguments: tuple[sp.Symbol, ...]
    backend: str
    function: Callable

    def __call__(self, *values):
        if len(values) != len(self.arguments):
            names = ", ".join(str(a) for a in self.arguments)
            raise TypeError(f"expected {len(self.arguments)} values ({names}); got {len(values)}")
        return self.function(*values)


def _check_backend(backend: str) -> None:
    if backend not in _BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(_BACKENDS)}; got {backend!r}")


def compile_expression(expression, arguments: Sequence[sp.Symbol], backend: str = "numpy") -> CompiledExpression:
    """Compile a scalar expression.

    Examples
    --------
    >>> import sympy as sp
    >>> w, q = sp.symbols("w q", positive=True)
    >>> f = compile_expression(1 / (1 + w**2 - 2 * w * sp.cos(q)), (w, q))
    >>> float(f(0.5, 0.0))
    4.0
    >>> f = compile_expression(1 / (1 - w), (w,), backend="mpmath")
    >>> import mpmath
    >>> with mpmath.workdps(50):
    ...     print(mpmath.nstr(f(1 - mpmath.mpf("1e-25")), 20))
    1.0e+25
    """
    _check_backend(backend)
    arguments = tuple(arguments)
    extra = set(getattr(expression, "free_symbols", set())) - set(arguments)
    if extra:
        raise ValueError(
            f"the expression has symbols {sorted(map(str, extra))} that are not among the "
            f"arguments {[str(a) for a in arguments]}; substitute them or add them"
        )
    function = sp.lambdify(arguments, expression, modules=backend, cse=True)
    return CompiledExpression(expression, arguments, backend, function)


def compile_matrix(matrix, arguments: Sequence[sp.Symbol]) -> CompiledExpression:
    """Compile a matrix expression whose entries broadcast over array arguments.

    The result has shape ``broadcast_shape + (rows, columns)``, so an array of wavenumbers
    gives one matrix per wavenumber.

    Examples
    --------
    >>> import numpy as np, sympy as sp
    >>> q = sp.Symbol("q", real=True)
    >>> f = compile_matrix(sp.Matrix([[1, sp.cos(q)], [sp.cos(q), 2]]), (q,))
    >>> f(np.array([0.0, np.pi])).shape
    (2, 2, 2)
    """
    matrix = sp.ImmutableMatrix(matrix)
    rows, columns = matrix.shape
    entries = compile_expression(sp.Tuple(*matrix), arguments)

    def evaluate(*values):
        parts = np.broadcast_arrays(*entries(*values), *[np.asarray(v) for v in values])
        stacked = np.stack(parts[: rows * columns], axis=-1)
        return stacked.reshape(stacked.shape[:-1] + (rows, columns))

    return CompiledExpression(matrix, tuple(arguments), "numpy", evaluate)
