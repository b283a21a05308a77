"""Large-argument expansions: Stirling's series for the Gamma functions of an energy.

Energies of counting fields (how many units of a layer are positive, say) contain binomial
coefficients and Gamma functions. For a large argument X,

.. math:: \\log\\Gamma(X) = \\underbrace{X\\log X - X}_{\\text{order } 0}
          \\underbrace{- \\tfrac12 \\log X + \\tfrac12 \\log 2\\pi}_{\\text{order } 1}
          + \\underbrace{\\tfrac{1}{12X}}_{\\text{order } 2} + O(X^{-2}).

For a numeric shift c the series is Stirling's in closed form, with the Bernoulli polynomials
:math:`B_n(c)` (:math:`B_2(c) = c^2 - c + 1/6`),

.. math:: \\log\\Gamma(X + c) = X\\log X - X + (c - \\tfrac12)\\log X + \\tfrac12\\log 2\\pi
          + \\sum_{n\\ge 2} \\frac{(-1)^n B_n(c)}{n(n-1)X^{n-1}},

so that no asymptotic series has to be computed (the tests compare the terms with SymPy's asymptotic
series of ``loggamma``).
"""

from __future__ import annotations

import functools

import sympy as sp

__all__ = ["stirling", "loggamma_terms"]

_X = sp.Symbol("X", positive=True)


@functools.lru_cache(maxsize=None)
def loggamma_terms(order: int, shift=0) -> sp.Expr:
    """The terms of :math:`\\log\\Gamma(X + c)` up to ``order`` in the large X (0: growing like X,
    1: like log X or constant, 2: like 1/X), for a numeric shift c.

    Examples
    --------
    >>> loggamma_terms(0)
    X*log(X) - X
    >>> loggamma_terms(1, 1)  # log X! = X log X - X + log(2 pi X)/2 + ...
    X*log(X) - X + log(X)/2 + log(2)/2 + log(pi)/2
    """
    if order not in (0, 1, 2):
        raise ValueError(f"order must be 0, 1 or 2; got {order!r}")
    shift = sp.sympify(shift)
    if not shift.is_Number:
        raise ValueError(f"the shift c must be a number (e.g. 1 or 1/2); got {shift!r}")
    terms = [_X * sp.log(_X), -_X]  # order 0: growing like X
    if order >= 1:  # like log X, or constant
        terms += [(shift - sp.Rational(1, 2)) * sp.log(_X), sp.log(2) / 2, sp.log(sp.pi) / 2]
    if order >= 2:  # like 1/X: the n = 2 term of the sum
        terms.append(sp.bernoulli(2, shift) / (2 * _X))
    return sp.Add(*terms)


def stirling(expression: sp.Expr, order: int = 0) -> sp.Expr:
    """Replace every Gamma function, factorial and binomial in ``expression`` by Stirling's series.

    ``expression`` should contain them inside logarithms (as an energy does); each
    :math:`\\log\\Gamma(X + c)` with a numeric c becomes :func:`loggamma_terms` of ``order`` at X.

    Examples
    --------
    >>> import sympy as sp
    >>> n, k = sp.symbols("n k", positive=True)
    >>> stirling(sp.log(sp.binomial(n, k)))
    -k*log(k) + k*log(-k + n) + n*log(n) - n*log(-k + n)
    """
    rewritten = expression.replace(
        lambda e: isinstance(e, (sp.binomial, sp.factorial)), lambda e: e.rewrite(sp.gamma)
    )
    rewritten = sp.expand_log(rewritten, force=True).replace(
        lambda e: isinstance(e, sp.log) and isinstance(e.args[0], sp.gamma),
        lambda e: sp.loggamma(e.args[0].args[0]),
    )

    def expand(argument):
        shift, large = sp.sympify(argument).as_coeff_Add()
        return loggamma_terms(order, shift).subs(_X, large)

    return sp.expand(rewritten.replace(lambda e: isinstance(e, sp.loggamma), lambda e: expand(e.args[0])))
