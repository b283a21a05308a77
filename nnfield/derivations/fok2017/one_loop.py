"""The classical one-loop physics of fok2017's weights, as noisy gradient descent samples them.

Gradient descent with Gaussian gradient noise samples the Boltzmann law :math:`e^{-V(w)/T}` of one
O(D') multiplet of weights, :math:`V = m^2|w|^2/2 + \\lambda|w|^4/4`, at :math:`T = \\eta s^2/2`
(kahn2017's question on the learning rate). The law is classical: no Matsubara sum, no Bose factor.
In the broken phase (:math:`m^2 < 0`, :math:`v^2 = -m^2/\\lambda`) the angular integral is exact
and the radial one has the measure :math:`r^{D'-1}`; the engine's low-temperature series
(:func:`~nnfield.symbolic.lowtemperature.boltzmann_series`) then gives, order by order in T,

- :math:`\\langle|w|^2\\rangle`, whose one-loop shift is :math:`(D'-2)T/(\\lambda v^2)`;
- the sigma and pi curvatures, the Boltzmann averages of the Hessian's radial and transverse
  eigenvalues :math:`\\langle V''(|w|)\\rangle` and :math:`\\langle V'(|w|)/|w|\\rangle` (a temperature
  dependent mass in the sense of thermal field theory: the curvature the fluctuations feel).

fok2017 takes its temperature-dependent mass from high-temperature quantum field theory (the
:math:`T^2/24` rule of :func:`~nnfield.symbolic.fieldtheory.thermal_mass`): a shift
:math:`\\propto \\lambda T^2`, equal for sigma and pi. The classical shifts are linear in T, differ
between sigma and pi (3 : 1), and vanish at one loop for D' = 2.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import sympy as sp

from nnfield.derivations.fok2017.symbols import lam, m2
from nnfield.symbolic import Step
from nnfield.symbolic.fieldtheory import thermal_mass
from nnfield.symbolic.lowtemperature import BoltzmannSeries, boltzmann_series

__all__ = ["OneSiteLoops", "one_site_loops", "T_site", "D_weights"]

T_site = sp.Symbol("T", positive=True)  #: the temperature of the Boltzmann law, eta s^2 / 2
_r = sp.Symbol("r", positive=True)
_M = sp.Symbol("M", positive=True)  # m^2 = -M^2 in the broken phase


@dataclass(frozen=True)
class OneSiteLoops:
    """Low-temperature series of one O(D') multiplet about its vacuum, to second order in T.

    Attributes
    ----------
    dimension : int
    mean_square : BoltzmannSeries
        :math:`\\langle|w|^2\\rangle = v^2 + c_1 T + c_2 T^2`.
    sigma_curvature : BoltzmannSeries
        :math:`\\langle V''(|w|)\\rangle`, starting at :math:`-2m^2`.
    pi_curvature : BoltzmannSeries
        :math:`\\langle V'(|w|)/|w|\\rangle`, starting at 0 (Goldstone).
    quantum_rule_shift : sympy.Expr
        The shift the high-temperature quantum rule adds to every curvature,
        :math:`\\frac{T^2}{24}\\sum_c \\partial_a\\partial_a\\partial_c\\partial_c V`.
    steps : tuple of Step
    """

    dimension: int
    mean_square: BoltzmannSeries
    sigma_curvature: BoltzmannSeries
    pi_curvature: BoltzmannSeries
    quantum_rule_shift: sp.Expr
    steps: tuple

    def predict(self, *, mass_squared: float, quartic: float, temperature: float, order: int = 1) -> dict:
        """The three series at numbers, to ``order`` in T: ``{"mean_square", "sigma", "pi"}``."""
        values = {m2: mass_squared, lam: quartic, T_site: temperature}
        return {name: float(series.value(order).subs(values))
                for name, series in (("mean_square", self.mean_square), ("sigma", self.sigma_curvature),
                                     ("pi", self.pi_curvature))}


#: The number of weights in the multiplet, kept symbolic in the derivation.
D_weights = sp.Symbol("D'", positive=True, integer=True)


@functools.lru_cache(maxsize=1)
def _general_series():
    """The three series for a multiplet of D' weights (D' symbolic), derived once."""
    potential = -_M**2 * _r**2 / 2 + lam * _r**4 / 4
    vacuum = _M / sp.sqrt(lam)
    back = {_M: sp.sqrt(-m2)}

    def series(observable):
        expansion = boltzmann_series(observable, potential, _r, vacuum, T_site, measure=_r ** (D_weights - 1), order=2)
        return tuple(sp.factor(c.subs(back)) for c in expansion.coefficients)

    observables = (_r**2, sp.diff(potential, _r, 2), sp.expand(sp.diff(potential, _r) / _r))
    return tuple((observable.subs(_M**2, -m2), series(observable)) for observable in observables)


@functools.lru_cache(maxsize=None)
def one_site_loops(dimension: int) -> OneSiteLoops:
    """The first- and second-order (one- and two-loop) averages of one O(D') multiplet.

    Examples
    --------
    >>> loops = one_site_loops(3)
    >>> loops.mean_square.coefficients[:2], loops.sigma_curvature.coefficients[:2], loops.pi_curvature.coefficients[:2]
    ((-m^2/lambda, -1/m^2), (-2*m^2, -3*lambda/m^2), (0, -lambda/m^2))
    >>> loops.quantum_rule_shift
    5*T**2*lambda/12
    """
    if isinstance(dimension, bool) or not isinstance(dimension, int) or dimension < 1:
        raise ValueError(f"D' must be a positive integer (the number of weights in the multiplet); got {dimension!r}")
    radius = sp.Symbol("|w|", positive=True)
    (mean_square, sigma, pi) = (
        BoltzmannSeries(observable.subs(_r, radius), tuple(sp.factor(c.subs(D_weights, dimension)) for c in coefficients),
                        T_site, sp.sqrt(-m2 / lam))
        for observable, coefficients in _general_series())
    fields = sp.symbols(f"w1:{dimension + 1}", real=True)
    squared = sum(f**2 for f in fields)
    quantum = thermal_mass(m2 * squared / 2 + lam * squared**2 / 4, fields, T_site)[0, 0]
    steps = (
        Step(f"Radial Boltzmann weight of O({dimension}) weights, r^(D'-1) exp(-V(r)/T)",
             radius ** (dimension - 1) * sp.exp(-(m2 * radius**2 / 2 + lam * radius**4 / 4) / T_site)),
        Step("<|w|^2> to second order in T", mean_square.value()),
        Step("sigma curvature <V''(|w|)> to second order in T", sigma.value()),
        Step("pi curvature <V'(|w|)/|w|> to second order in T", pi.value()),
        Step("Shift of every curvature by the high-temperature quantum rule (T^2/24) sum_c V_aacc", quantum),
    )
    return OneSiteLoops(dimension, mean_square, sigma, pi, quantum, steps)
