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

from nnfield.derivations.fok2017.symbols import lam, m2, potential_of_square
from nnfield.symbolic import Step
from nnfield.symbolic.fieldtheory import thermal_mass
from nnfield.symbolic.lowtemperature import BoltzmannSeries, boltzmann_series

__all__ = ["OneSiteLoops", "one_site_loops", "ChainLoops", "chain_loops", "T_site", "J_chain", "D_weights"]

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
    potential = potential_of_square(_r**2, mass_squared=-_M**2)
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
    # The rule fok2017 borrows, in the only setting where it holds (a quantum field in 3+1 dimensions), for comparison.
    quantum = thermal_mass(potential_of_square(squared), fields, T_site, spacetime_dimension=4,
                           statistics="quantum")[0, 0]
    steps = (
        Step(f"Radial Boltzmann weight of O({dimension}) weights, r^(D'-1) exp(-V(r)/T)",
             radius ** (dimension - 1) * sp.exp(-potential_of_square(radius**2) / T_site)),
        Step("<|w|^2> to second order in T", mean_square.value()),
        Step("sigma curvature <V''(|w|)> to second order in T", sigma.value()),
        Step("pi curvature <V'(|w|)/|w|> to second order in T", pi.value()),
        Step("Shift of every curvature by the high-temperature quantum rule (T^2/24) sum_c V_aacc", quantum),
    )
    return OneSiteLoops(dimension, mean_square, sigma, pi, quantum, steps)


J_chain = sp.Symbol("J", positive=True)  #: stiffness between neighbouring layers


@dataclass(frozen=True)
class ChainLoops:
    """Inverse correlation lengths of the chain of O(D') weights along the layers, to one loop.

    The chain :math:`H = \\sum_l [\\frac J2|w_{l+1}-w_l|^2 + V(|w_l|)]` at temperature T. With
    :math:`w_l = r_l n_l`, a bond is :math:`\\frac J2(r-r')^2 + J r r'(1 - n\\cdot n')`; integrating the
    directions at low T gives each bond :math:`(2\\pi T/(J r r'))^{(D'-1)/2}`, which cancels the measure
    :math:`r^{D'-1}` of the sites, so the radii form the plain chain :math:`\\frac J2(r-r')^2 + V(r)`
    (up to :math:`O(T^2)` in the energy), and the directions a rotor chain of couplings :math:`J r r'/T`.

    Attributes
    ----------
    dimension : int
    sigma_tree, sigma_one_loop : sympy.Expr
        :math:`\\kappa_\\sigma = 1/\\xi_\\sigma`: :math:`\\cosh\\kappa_0 = 1 + M^2/2J` with :math:`M^2 = -2m^2`,
        and :math:`\\kappa_0 + \\Sigma(i\\kappa_0)/(2J\\sinh\\kappa_0)` with the one-loop self-energy
        :math:`\\Sigma = \\frac{V''''}{2}C_0 + V'''\\langle s\\rangle - \\frac{V'''^2}{2T}\\sum_l C_l^2 e^{\\kappa_0 l}`.
    pi_tree, pi_one_loop : sympy.Expr
        :math:`\\kappa_\\pi = 1/\\xi_\\pi`: the spin-wave value :math:`(D'-1)T/(2Jv^2)`, and with the
        :math:`O(T^2)` terms: radial fluctuations in :math:`\\langle 1/(r r')\\rangle` and the rotors' own
        next order, :math:`-\\ln(I_{\\nu+1}(K)/I_\\nu(K)) = u_1/K + u_2/K^2`.
    propagator : sympy.Expr
        :math:`C_l`, the radial chain's Gaussian correlation at lag :math:`l \\ge 0`, by residues.
    steps : tuple of Step
    """

    dimension: int
    sigma_tree: sp.Expr
    sigma_one_loop: sp.Expr
    pi_tree: sp.Expr
    pi_one_loop: sp.Expr
    propagator: sp.Expr
    steps: tuple

    def predict(self, *, coupling: float, mass_squared: float, quartic: float, temperature: float) -> dict:
        """``{"sigma": (tree, one loop), "pi": (tree, one loop)}`` inverse correlation lengths, in 1/layers."""
        values = {J_chain: coupling, m2: mass_squared, lam: quartic, T_site: temperature}
        return {"sigma": (float(self.sigma_tree.subs(values)), float(self.sigma_one_loop.subs(values))),
                "pi": (float(self.pi_tree.subs(values)), float(self.pi_one_loop.subs(values)))}


def _rotor_coefficients(dimension: int):
    """:math:`u_1, u_2` of :math:`-\\ln(I_{\\nu+1}(K)/I_\\nu(K)) = u_1/K + u_2/K^2 + O(K^{-3})`, :math:`\\nu = D'/2 - 1`.

    From Hankel's series :math:`I_\\mu(K) \\simeq \\frac{e^K}{\\sqrt{2\\pi K}}\\sum_k (-1)^k a_k(\\mu) K^{-k}`,
    :math:`a_k(\\mu) = \\prod_{j=1}^k (4\\mu^2 - (2j-1)^2) / (k!\\, 8^k)`.
    """
    inverse = sp.Symbol("x", positive=True)  # 1/K

    def hankel(order):
        return sum((-1) ** k * sp.prod([4 * order**2 - (2 * j - 1) ** 2 for j in range(1, k + 1)])
                   / (sp.factorial(k) * 8**k) * inverse**k for k in range(4))

    nu = sp.Rational(dimension, 2) - 1
    series = sp.series(-sp.log(hankel(nu + 1) / hankel(nu)), inverse, 0, 3).removeO()
    return sp.simplify(series.coeff(inverse, 1)), sp.simplify(series.coeff(inverse, 2))


def _geometric_sum(ratio, index):
    """:math:`\\sum_{l \\ge 1} \\rho^l = \\rho/(1-\\rho)`, for a positive ratio whose logarithm SymPy proves negative."""
    rho = sp.Symbol("rho", positive=True)
    total = sp.summation(rho**index, (index, 1, sp.oo))
    if not (ratio.is_positive and sp.log(ratio).is_negative):
        raise ArithmeticError(f"the geometric series of ratio {ratio} is not known to converge")
    (value, _), _ = total.args  # the branch rho < 1
    return value.subs(rho, ratio)


@functools.lru_cache(maxsize=None)
def chain_loops(dimension: int) -> ChainLoops:
    """Derive the one-loop inverse correlation lengths of sigma (radii) and pi (directions) along the chain.

    The derivation runs in the positive parameters v (the vacuum radius), J and :math:`\\kappa_0`
    (:math:`\\cosh\\kappa_0 = 1 + \\lambda v^2/J`); the results are returned in :math:`m^2, \\lambda, J, T`.

    Examples
    --------
    >>> loops = chain_loops(3)
    >>> loops.pi_tree
    -T*lambda/(J*m^2)
    >>> loops.propagator
    T*exp(-(l - 1)*acosh(1 - m^2/J))/(J*(exp(2*acosh(1 - m^2/J)) - 1))
    """
    if isinstance(dimension, bool) or not isinstance(dimension, int) or dimension < 2:
        raise ValueError(f"D' must be an integer >= 2 for a chain with directions (pi modes); got {dimension!r}")
    radius, lag = _r, sp.Symbol("l", integer=True, nonnegative=True)
    vacuum, kappa = sp.Symbol("v", positive=True), sp.Symbol("kappa_0", positive=True)
    potential = potential_of_square(radius**2, mass_squared=-lam * vacuum**2) + lam * vacuum**4 / 4  # m^2 = -lambda v^2
    derivative = [sp.expand(sp.diff(potential, radius, k).subs(radius, vacuum)) for k in range(5)]
    mass = derivative[2]  # M^2 = 2 lambda v^2
    measure_power = (dimension - 1) - 2 * sp.Rational(dimension - 1, 2)  # r^(D'-1) times two half-bonds
    # radial chain kernel K(z) = M^2 + 2J - J(z + 1/z), with M^2 = 2J(cosh kappa_0 - 1): zeros at z = e^{+-kappa_0}
    z = sp.Symbol("z")
    kernel = sp.expand(2 * J_chain * (sp.cosh(kappa) - 1) + 2 * J_chain - J_chain * (z + 1 / z))
    inside, outside = sp.exp(-kappa), sp.exp(kappa)
    if any(sp.simplify(kernel.subs(z, root).rewrite(sp.exp)) != 0 for root in (inside, outside)):
        raise ArithmeticError("e^{+-kappa_0} should be the zeros of the radial kernel")
    # C_l = T (1/2 pi i) \oint z^(l-1)/K(z) dz: the residue at e^{-kappa_0}, the one pole inside |z| = 1
    factored = -J_chain * (z - inside) * (z - outside) / z  # K(z), written by its zeros
    if sp.simplify((factored - kernel).rewrite(sp.exp)) != 0:
        raise ArithmeticError("the radial kernel should factor over its zeros")
    propagator = sp.simplify((T_site * z ** (lag - 1) * (z - inside) / factored).subs(z, inside).rewrite(sp.sinh))
    local, next_neighbour = propagator.subs(lag, 0), propagator.subs(lag, 1)
    tadpole = sp.simplify(-derivative[3] * local / (2 * mass))
    # sum over all lags of C_l^2 e^{kappa_0 l}: the bubble at the tree pole q = i kappa_0
    bubble = local**2 * (1 + _geometric_sum(sp.exp(-kappa), lag) + _geometric_sum(sp.exp(-3 * kappa), lag))
    self_energy = derivative[4] / 2 * local + derivative[3] * tadpole - derivative[3] ** 2 / (2 * T_site) * bubble
    sigma_one_loop = kappa + self_energy / (2 * J_chain * sp.sinh(kappa))
    # pi: rotor chain of couplings K = J r r'/T; -ln(A_1/A_0) = u1/K + u2/K^2
    u1, u2 = _rotor_coefficients(dimension)
    s, s_next, scale = sp.symbols("s s' epsilon", real=True)
    inverse_bond = sp.series(1 / ((vacuum + scale * s) * (vacuum + scale * s_next)), scale, 0, 3).removeO()
    moments = {1: 1, s: tadpole, s_next: tadpole, s**2: local, s_next**2: local, s * s_next: next_neighbour}
    averaged = sum(coefficient * moments[monomial]
                   for term in sp.Add.make_args(sp.expand(inverse_bond.subs(scale, 1)))
                   for coefficient, monomial in [term.as_independent(s, s_next)])
    pi_tree = u1 * T_site / (J_chain * vacuum**2)
    pi_one_loop = u1 * T_site / J_chain * averaged + u2 * T_site**2 / (J_chain**2 * vacuum**4)
    to_paper = {kappa: sp.acosh(1 - m2 / J_chain)}

    def in_paper_symbols(expression):
        return expression.subs(to_paper).subs(vacuum, sp.sqrt(-m2 / lam))

    steps = (
        Step("Power of r per site once the directions are integrated (r^(D'-1) / (r r')^((D'-1)/2) per bond)",
             measure_power),
        Step("Radial chain propagator C_l (residue inside the unit circle)", propagator),
        Step("Tadpole <s> = -V'''(v) C_0 / (2 M^2)", tadpole),
        Step("Sigma self-energy at the tree pole, Sigma(i kappa_0)", self_energy),
        Step("Sigma inverse correlation length to one loop", sigma_one_loop),
        Step(f"Rotor coefficients u1, u2 of -ln(I_(nu+1)/I_nu), D' = {dimension}", sp.Tuple(u1, u2)),
        Step("Pi inverse correlation length to one loop", pi_one_loop),
    )
    return ChainLoops(dimension, in_paper_symbols(kappa), in_paper_symbols(sigma_one_loop), in_paper_symbols(pi_tree),
                      in_paper_symbols(pi_one_loop), in_paper_symbols(propagator), steps)
