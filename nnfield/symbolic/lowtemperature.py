"""Boltzmann averages at low temperature: the classical loop expansion of one variable, order by order in T.

For a weight :math:`\\mu(x)\\, e^{-V(x)/T}` with an interior minimum :math:`x_0` of V
(:math:`V''(x_0) > 0`), put :math:`x = x_0 + \\sqrt T\\, s`. Then

.. math:: \\langle f\\rangle = \\frac{\\int f(x)\\mu(x) e^{-V(x)/T} dx}{\\int \\mu(x) e^{-V(x)/T} dx}
          = \\frac{E_0[f\\,\\mu\\, e^{-R}]}{E_0[\\mu\\, e^{-R}]}, \\qquad
          R = \\sum_{k\\ge3} \\frac{V^{(k)}(x_0)}{k!} T^{k/2-1} s^k,

with :math:`E_0` the Gaussian average over :math:`s \\sim N(0, 1/V''(x_0))`. Expanding in
:math:`\\sqrt T` and taking the Gaussian moments term by term gives the asymptotic series
:math:`\\langle f\\rangle = c_0 + c_1 T + c_2 T^2 + \\dots`: :math:`c_1` is the one-loop term (the
tadpole of the cubic vertex, the loop of the quartic one, and the measure's pull), odd powers of
:math:`\\sqrt T` cancel. The series is asymptotic, not convergent: it describes :math:`T \\to 0`
at fixed parameters.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import sympy as sp

__all__ = ["BoltzmannSeries", "boltzmann_series"]


@dataclass(frozen=True)
class BoltzmannSeries:
    """:math:`\\langle f\\rangle = \\sum_k c_k T^k` at low temperature.

    Attributes
    ----------
    observable : sympy.Expr
        f.
    coefficients : tuple of sympy.Expr
        :math:`c_0, c_1, \\dots`; :math:`c_0 = f(x_0)`, :math:`c_1` the one-loop term.
    temperature : sympy.Symbol
    minimum : sympy.Expr
        :math:`x_0`.
    """

    observable: sp.Expr
    coefficients: tuple
    temperature: sp.Symbol
    minimum: sp.Expr

    def value(self, order: int | None = None) -> sp.Expr:
        """:math:`\\sum_{k \\le \\text{order}} c_k T^k` (all kept orders by default)."""
        kept = self.coefficients if order is None else self.coefficients[: order + 1]
        return sum(c * self.temperature**k for k, c in enumerate(kept))

    def _repr_latex_(self) -> str:
        return (rf"$\langle {sp.latex(self.observable)} \rangle = {sp.latex(self.value())}"
                rf" + O({sp.latex(self.temperature)}^{{{len(self.coefficients)}}})$")


def boltzmann_series(observable, potential, variable, minimum, temperature, *, measure=1, order=1) -> BoltzmannSeries:
    """The low-temperature series of :math:`\\langle f\\rangle` under :math:`\\mu(x) e^{-V(x)/T}`, to ``order`` in T.

    Parameters
    ----------
    observable, potential, measure : sympy.Expr
        f, V and :math:`\\mu` as expressions in ``variable``.
    variable : sympy.Symbol
    minimum : sympy.Expr
        An interior minimum :math:`x_0` of V; :math:`V'(x_0)` must vanish and :math:`V''(x_0)`
        must not be provably non-positive.
    temperature : sympy.Symbol
    order : int
        The highest power of T kept (1 is one loop).

    Examples
    --------
    A radial variable in D dimensions, :math:`\\mu = r^{D-1}`, in the Mexican hat
    :math:`V = \\lambda(r^2 - v^2)^2/4`: :math:`\\langle r^2\\rangle = v^2 + (D-2)T/(\\lambda v^2) + O(T^2)`.

    >>> r, v, lam, T, D = sp.symbols("r v lambda T D", positive=True)
    >>> series = boltzmann_series(r**2, lam * (r**2 - v**2) ** 2 / 4, r, v, T, measure=r ** (D - 1))
    >>> [sp.factor(c) for c in series.coefficients]
    [v**2, (D - 2)/(lambda*v**2)]
    """
    if isinstance(order, bool) or not isinstance(order, int) or order < 0:
        raise ValueError(f"order must be a non-negative integer (the highest power of T kept); got {order!r}")
    observable, potential, measure, minimum = map(sp.sympify, (observable, potential, measure, minimum))
    slope = sp.simplify(sp.diff(potential, variable).subs(variable, minimum))
    if slope != 0:
        raise ValueError(f"V'({minimum}) = {slope}, not 0: the expansion needs a minimum of the potential")
    curvature = sp.simplify(sp.diff(potential, variable, 2).subs(variable, minimum))
    if curvature.is_positive is False:
        raise ValueError(f"V''({minimum}) = {curvature} is not positive: {minimum} is not a non-degenerate minimum")
    s = sp.Symbol("s", real=True)  # the scaled deviation; series in sqrt(T) are lists of coefficients
    top = 2 * order  # powers of sqrt(T) kept

    def taylor(expression):
        """Coefficients of sqrt(T)^0..top of f(x0 + sqrt(T) s)."""
        return [sp.diff(expression, variable, k).subs(variable, minimum) * s**k / math.factorial(k)
                for k in range(top + 1)]

    def product(first, second):
        """The product of two series, truncated at sqrt(T)^top: no term beyond it is formed."""
        return [sp.expand(sum(first[i] * second[k - i] for i in range(k + 1))) for k in range(top + 1)]

    def gaussian(series):
        """Gaussian averages over s of the coefficients."""
        sums = []
        for coefficient in series:
            polynomial = sp.Poly(coefficient, s)
            sums.append(sum((c * sp.factorial2(j - 1) / curvature ** (j // 2)
                             for (j,), c in polynomial.terms() if j % 2 == 0), sp.Integer(0)))
        return sums

    # R = sum_k V^(k)(x0) s^k sqrt(T)^(k-2)/k!, k >= 3: the coefficient of sqrt(T)^j is the term k = j + 2.
    remainder = [sp.Integer(0)] + [sp.expand(sp.diff(potential, variable, j + 2).subs(variable, minimum) * s ** (j + 2)
                                             / math.factorial(j + 2)) for j in range(1, top + 1)]
    one = [sp.Integer(1)] + [sp.Integer(0)] * top
    exponential, power = one, one
    for m in range(1, top + 1):  # exp(-R) = sum_m (-R)^m/m!, each power truncated as it is built (R is O(sqrt T))
        power = [term / -m for term in product(power, remainder)]
        exponential = [a + b for a, b in zip(exponential, power)]
    weight = product(exponential, taylor(measure))
    numerator = gaussian(product(weight, taylor(observable)))
    denominator = gaussian(weight)
    # the quotient of two series in sqrt(T), term by term: q_k = (n_k - sum_{i<k} q_i d_{k-i}) / d_0
    quotient = []
    for k in range(top + 1):
        quotient.append(sp.cancel((numerator[k] - sum(quotient[i] * denominator[k - i] for i in range(k)))
                                  / denominator[0]))
    odd = [sp.simplify(term) for term in quotient[1::2] if term != 0]  # cancelled already: most are 0
    if any(term != 0 for term in odd):
        raise ArithmeticError(f"odd powers of sqrt(T) survived: {odd}")
    even = tuple(sp.factor(quotient[2 * k]) for k in range(order + 1))
    return BoltzmannSeries(observable, even, temperature, minimum)
