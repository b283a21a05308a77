"""Laplace (saddle-point) approximation of integrals :math:`\\int e^{-A f(x)}\\, d^n x` as :math:`A \\to \\infty`.

About a non-degenerate minimum :math:`x^*` with Hessian :math:`H = f''(x^*)`,

.. math:: \\int e^{-A f(x)}\\, d^n x = e^{-A f(x^*)} \\Big(\\frac{2\\pi}{A}\\Big)^{n/2}
          (\\det H)^{-1/2} \\Big[1 + \\frac{c_1}{A} + O(A^{-2})\\Big],

.. math:: c_1 = -\\tfrac18 f_{ijkl} G_{ij} G_{kl} + \\tfrac18 f_{ijk} f_{lmn} G_{ij} G_{kl} G_{mn}
          + \\tfrac1{12} f_{ijk} f_{lmn} G_{il} G_{jm} G_{kn},

with :math:`G = H^{-1}` and the derivatives of f taken at :math:`x^*` (Wick's theorem on the
cubic and quartic terms of the expansion). In one variable
:math:`c_1 = \\frac{5 f_3^2}{24 f_2^3} - \\frac{f_4}{8 f_2^2}`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import sympy as sp

__all__ = ["LaplaceExpansion", "laplace_approximation"]


@dataclass(frozen=True)
class LaplaceExpansion:
    """The Laplace expansion of :math:`\\int e^{-A f}`.

    Attributes
    ----------
    point : tuple of sympy.Expr
        The minimum :math:`x^*`.
    leading : sympy.Expr
        :math:`e^{-A f(x^*)} (2\\pi/A)^{n/2} (\\det H)^{-1/2}`.
    correction : sympy.Expr
        :math:`c_1`, the coefficient of :math:`1/A` in the bracket.
    large : sympy.Symbol
        The large parameter A.
    """

    point: tuple[sp.Expr, ...]
    leading: sp.Expr
    correction: sp.Expr
    large: sp.Symbol

    def value(self, order: int = 1) -> sp.Expr:
        """The approximation to ``order`` 0 (leading) or 1 (with the :math:`1/A` correction)."""
        if order not in (0, 1):
            raise ValueError(f"order must be 0 or 1; got {order}")
        return self.leading * (1 + order * self.correction / self.large)


def laplace_approximation(f, variables, large, point=None) -> LaplaceExpansion:
    """Expand :math:`\\int e^{-A f(x)} dx` about the minimum of ``f``.

    Parameters
    ----------
    f : sympy.Expr
    variables : sympy.Symbol or sequence of them
    large : sympy.Symbol
        The large parameter A.
    point : sequence of sympy.Expr, optional
        The minimum; found with ``sympy.solve`` of the gradient when not given.

    Raises
    ------
    ValueError
        If no stationary point (or more than one) is found, or the Hessian there is not
        positive definite.

    Examples
    --------
    Stirling's series: :math:`\\Gamma(N+1) = N^{N+1} \\int_0^\\infty e^{-N(x - \\log x)} dx`.

    >>> import sympy as sp
    >>> x, N = sp.symbols("x N", positive=True)
    >>> expansion = laplace_approximation(x - sp.log(x), x, N)
    >>> expansion.correction
    1/12
    >>> sp.simplify(N**(N + 1) * expansion.leading)
    sqrt(2)*sqrt(pi)*N**(N + 1/2)*exp(-N)
    """
    variables = (variables,) if isinstance(variables, sp.Symbol) else tuple(variables)
    if point is None:
        solutions = sp.solve([sp.diff(f, v) for v in variables], variables, dict=True)
        if len(solutions) != 1:
            raise ValueError(
                f"found {len(solutions)} stationary points of {f}; pass point=... to choose the minimum"
            )
        point = tuple(solutions[0][v] for v in variables)
    at = dict(zip(variables, point))
    n = len(variables)

    def derivative(*indices):
        return sp.simplify(sp.diff(f, *(variables[i] for i in indices)).subs(at))

    hessian = sp.Matrix(n, n, lambda i, j: derivative(i, j))
    for size in range(1, n + 1):
        if sp.simplify(hessian[:size, :size].det()).is_positive is False:
            raise ValueError(f"the Hessian {hessian.tolist()} at {point} is not positive definite: not a minimum")
    inverse = hessian.inv()
    third = {idx: derivative(*idx) for idx in itertools.product(range(n), repeat=3)}
    fourth = {idx: derivative(*idx) for idx in itertools.product(range(n), repeat=4)}
    quartic = sum(fourth[i, j, k, m] * inverse[i, j] * inverse[k, m]
                  for i, j, k, m in itertools.product(range(n), repeat=4))
    cubic = 0
    for i, j, k in itertools.product(range(n), repeat=3):
        for a, b, c in itertools.product(range(n), repeat=3):
            product = third[i, j, k] * third[a, b, c]
            if product == 0:
                continue
            cubic += product * (inverse[i, j] * inverse[k, a] * inverse[b, c] / 8
                                + inverse[i, a] * inverse[j, b] * inverse[k, c] / 12)
    correction = sp.simplify(-quartic / 8 + cubic)
    leading = sp.exp(-large * f.subs(at)) * (2 * sp.pi / large) ** sp.Rational(n, 2) / sp.sqrt(hessian.det())
    return LaplaceExpansion(tuple(point), sp.simplify(leading), correction, large)
