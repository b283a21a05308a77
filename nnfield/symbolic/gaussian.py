"""Gaussian integrals by completing the square.

For an exponent quadratic in the variables,

.. math:: S(x) = -\\tfrac12 x^T A x + b^T x + c, \\qquad
          \\int e^{S(x)}\\, d^n x = (2\\pi)^{n/2} (\\det A)^{-1/2}\\, e^{\\frac12 b^T A^{-1} b + c},

with ``A``, ``b`` and ``c`` read off by differentiation (``b`` may be complex, as when a delta
function is written as a Fourier integral).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

__all__ = ["GaussianIntegral", "gaussian_integral"]


@dataclass(frozen=True)
class GaussianIntegral:
    """The result of integrating out Gaussian variables.

    Attributes
    ----------
    precision : sympy.ImmutableMatrix
        ``A``.
    linear : sympy.ImmutableMatrix
        ``b`` (a column).
    constant : sympy.Expr
        ``c``.
    exponent : sympy.Expr
        :math:`\\frac12 b^T A^{-1} b + c`, the exponent after integration.
    prefactor : sympy.Expr
        :math:`(2\\pi)^{n/2} (\\det A)^{-1/2}`.
    """

    precision: sp.ImmutableMatrix
    linear: sp.ImmutableMatrix
    constant: sp.Expr
    exponent: sp.Expr
    prefactor: sp.Expr

    @property
    def value(self) -> sp.Expr:
        return self.prefactor * sp.exp(self.exponent)


def gaussian_integral(exponent, variables) -> GaussianIntegral:
    """Integrate :math:`e^{S}` over ``variables`` for a quadratic exponent ``S``.

    Raises
    ------
    ValueError
        If ``S`` is not a polynomial of degree at most two in the variables, or its quadratic
        part is not negative definite where SymPy can tell.

    Examples
    --------
    >>> import sympy as sp
    >>> w, lam = sp.symbols("w lambda", real=True)
    >>> s = sp.Symbol("s", positive=True)
    >>> gaussian_integral(-w**2 / (2 * s**2) + sp.I * lam * w, [w]).exponent
    -lambda**2*s**2/2
    """
    variables = list(variables)
    expanded = sp.expand(exponent)
    polynomial = sp.Poly(expanded, *variables) if expanded.free_symbols & set(variables) else None
    if polynomial is None or polynomial.total_degree() > 2:
        raise ValueError(f"the exponent must be a polynomial of degree <= 2 in {variables}; got {exponent}")
    at_zero = {v: 0 for v in variables}
    precision = sp.Matrix(len(variables), len(variables), lambda i, j: -sp.diff(expanded, variables[i], variables[j]))
    linear = sp.Matrix([sp.diff(expanded, v).subs(at_zero) for v in variables])
    constant = expanded.subs(at_zero)
    for size in range(1, len(variables) + 1):
        minor = sp.factor(precision[:size, :size].det())  # factored: the sign of each factor
        if minor.is_positive is False:
            raise ValueError(f"the quadratic part {(-precision).tolist()} is not negative definite: the integral diverges")
    inverse = precision.inv()
    after = sp.simplify((linear.T * inverse * linear)[0, 0] / 2 + constant)
    prefactor = (2 * sp.pi) ** sp.Rational(len(variables), 2) / sp.sqrt(minor)  # the last minor: det of the whole
    return GaussianIntegral(sp.ImmutableMatrix(precision), sp.ImmutableMatrix(linear), constant, after, prefactor)
