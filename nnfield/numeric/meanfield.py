"""The factorial mean-field map of a random network (Poole et al. 2016), for any activation.

Replacing :math:`|\\phi(z^{l-1})|^2/N` by its Gaussian average gives the map of the per-unit
variance

.. math:: q_l = F(q_{l-1}) = \\sigma_w^2\\, E_{z\\sim N(0,1)}\\big[\\phi(\\sqrt{q_{l-1}}\\, z)^2\\big] + \\sigma_b^2,

its fixed point :math:`q^* = F(q^*)`, the slope :math:`\\chi_1 = \\sigma_w^2 E[\\phi'(\\sqrt{q^*} z)^2]`,
and the depth scale :math:`\\xi_q = -1/\\ln F'(q^*)` over which :math:`q_l` approaches :math:`q^*`.

The activation is a SymPy expression in one symbol. The Gaussian average is taken in closed
form when SymPy finds one, otherwise by adaptive Gauss-Kronrod quadrature (``scipy.integrate.quad``;
Gauss-Hermite rules converge slowly for saturating activations at large q); :attr:`MeanField.method`
says which.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import sympy as sp
from scipy import integrate, optimize

from nnfield.numeric.parameters import positive_real

__all__ = ["MeanField", "mean_field"]

QUADRATURE = "adaptive quadrature (scipy.integrate.quad)"


@dataclass(frozen=True)
class MeanField:
    """The mean-field map of an activation at given variances.

    Attributes
    ----------
    activation : sympy.Expr
    method : str
        ``"closed form"`` or ``"adaptive quadrature (scipy.integrate.quad)"``.
    expectation : sympy.Expr or None
        :math:`E[\\phi(\\sqrt q z)^2]` as a function of ``q`` when found in closed form.
    sigma_w2, sigma_b2 : float
    """

    activation: sp.Expr
    method: str
    expectation: sp.Expr | None
    sigma_w2: float
    sigma_b2: float
    _second_moment: Callable = field(repr=False, compare=False)
    _slope_moment: Callable = field(repr=False, compare=False)

    def variance_map(self, q):
        """:math:`F(q) = \\sigma_w^2 E[\\phi(\\sqrt q z)^2] + \\sigma_b^2`."""
        return self.sigma_w2 * self._second_moment(q) + self.sigma_b2

    def trajectory(self, q_first: float, layers: int) -> np.ndarray:
        """:math:`q_0, \\dots, q_{L-1}` with :math:`q_{l} = F(q_{l-1})`, from the first layer's variance ``q_first``.

        A raw input x feeds the first layer, so :math:`q_0 = \\sigma_w^2 |x|^2/N + \\sigma_b^2`.
        """
        values, q = [q_first], q_first
        for _ in range(layers - 1):
            q = self.variance_map(q)
            values.append(q)
        return np.array(values)

    def fixed_point(self) -> float:
        """:math:`q^*`, by iterating the map and polishing with Brent's method."""
        q = self.sigma_b2 + self.sigma_w2
        for _ in range(10_000):
            following = self.variance_map(q)
            if abs(following - q) <= 1e-13 * max(1.0, q):
                break
            q = following
        if not math.isfinite(q) or q > 1e12:
            raise ValueError(f"the mean-field map diverges at sigma_w2={self.sigma_w2}: no finite fixed point")
        lower, upper = q * (1 - 1e-3), q * (1 + 1e-3) + 1e-12
        try:
            return float(optimize.brentq(lambda value: self.variance_map(value) - value, lower, upper, xtol=1e-15))
        except ValueError:
            return float(q)

    def chi_1(self) -> float:
        """:math:`\\chi_1 = \\sigma_w^2 E[\\phi'(\\sqrt{q^*} z)^2]` (order to chaos at 1)."""
        return float(self.sigma_w2 * self._slope_moment(self.fixed_point()))

    def depth_scale(self) -> float:
        """:math:`\\xi_q = -1/\\ln F'(q^*)`, the depth over which :math:`q_l \\to q^*`."""
        q_star = self.fixed_point()
        step = 1e-6 * max(q_star, 1e-12)
        slope = (self.variance_map(q_star + step) - self.variance_map(q_star - step)) / (2 * step)
        return float(-1 / math.log(slope))


def mean_field(activation: sp.Expr, variable: sp.Symbol, *, sigma_w2, sigma_b2) -> MeanField:
    """The mean-field map of ``activation`` (a SymPy expression in ``variable``).

    Examples
    --------
    For the ReLU, :math:`E[\\max(\\sqrt q z, 0)^2] = q/2` in closed form, so :math:`q^* = \\sigma_b^2/(1-\\sigma_w^2/2)`:

    >>> z = sp.Symbol("z", real=True)
    >>> relu = mean_field(sp.Max(z, 0), z, sigma_w2=1.0, sigma_b2=0.01)
    >>> relu.method, relu.expectation, round(relu.fixed_point(), 12)
    ('closed form', q/2, 0.02)
    >>> tanh = mean_field(sp.tanh(z), z, sigma_w2=1.5, sigma_b2=0.001)
    >>> tanh.method, round(tanh.fixed_point(), 4)
    ('adaptive quadrature (scipy.integrate.quad)', 0.2902)
    """
    if not isinstance(activation, sp.Expr):
        raise TypeError(f"activation must be a SymPy expression such as tanh(z); got {type(activation).__name__}")
    extra = activation.free_symbols - {variable}
    if extra:
        raise ValueError(f"the activation may depend only on {variable}; it also has {sorted(map(str, extra))}")
    sigma_w2 = positive_real("sigma_w2", sigma_w2, "the weight variance")
    sigma_b2 = positive_real("sigma_b2", sigma_b2, "the bias variance")
    q = sp.Symbol("q", positive=True)
    standard = sp.Symbol("zeta", real=True)
    density = sp.exp(-standard**2 / 2) / sp.sqrt(2 * sp.pi)

    def gaussian_average(expression):
        integrand = (expression.subs(variable, sp.sqrt(q) * standard)) * density
        try:
            result = sp.integrate(integrand, (standard, -sp.oo, sp.oo))
        except (NotImplementedError, ValueError):
            return None
        return None if result.has(sp.Integral) else sp.simplify(result)

    closed = gaussian_average(sp.piecewise_fold(activation**2)) if _cheap_to_integrate(activation) else None
    slope_closed = gaussian_average(sp.diff(activation, variable) ** 2) if closed is not None else None
    if closed is not None and slope_closed is not None:
        second = sp.lambdify(q, closed, "math")
        slope = sp.lambdify(q, slope_closed, "math")
        return MeanField(activation, "closed form", closed, sigma_w2, sigma_b2, second, slope)
    phi = sp.lambdify(variable, activation, "math")
    derivative = sp.lambdify(variable, sp.diff(activation, variable), "math")

    def average(function, value):
        scale = math.sqrt(value)
        integrand = lambda t: function(scale * t) ** 2 * math.exp(-t * t / 2)  # noqa: E731
        total = integrate.quad(integrand, -np.inf, 0, epsabs=1e-14, epsrel=1e-12, limit=200)[0]
        total += integrate.quad(integrand, 0, np.inf, epsabs=1e-14, epsrel=1e-12, limit=200)[0]
        return total / math.sqrt(2 * math.pi)

    return MeanField(activation, QUADRATURE, None, sigma_w2, sigma_b2,
                     lambda value: average(phi, value), lambda value: average(derivative, value))


def _cheap_to_integrate(activation: sp.Expr) -> bool:
    """Polynomials and piecewise-linear activations; SymPy can spend minutes failing on tanh."""
    return activation.is_polynomial() or activation.has(sp.Max, sp.Min, sp.Heaviside, sp.Abs, sp.Piecewise)
