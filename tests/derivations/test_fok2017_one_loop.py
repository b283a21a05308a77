"""Classical loop expansion of one O(D') multiplet: the engine's series against exact laws derived
here, against the virial theorem, and against exact quadrature as T -> 0."""

import math

import numpy as np
import pytest
import sympy as sp
from scipy import integrate

from nnfield.derivations.fok2017.one_loop import T_site, chain_loops, one_site_loops
from nnfield.derivations.fok2017.symbols import lam, m2
from nnfield.derivations.kahn2017.answers import _thermal_field_theory
from nnfield.numeric.boltzmann import radial_moment
from nnfield.numeric.transfer import o_chain_transfer
from nnfield.symbolic.lowtemperature import boltzmann_series

r = sp.Symbol("r", positive=True)
a, T = sp.symbols("a T", positive=True)


def test_series_is_exact_for_the_gamma_law():
    # r^(a/T) e^(-r/T) is a Gamma law of shape a/T + 1 and scale T: <r> = a + T, <r^2> = a^2 + 3aT + 2T^2 exactly.
    potential = r - a * sp.log(r)
    first = boltzmann_series(r, potential, r, a, T, order=2)
    second = boltzmann_series(r**2, potential, r, a, T, order=3)
    assert [sp.simplify(c) for c in first.coefficients] == [a, 1, 0]
    assert [sp.simplify(c) for c in second.coefficients] == [a**2, 3 * a, 2, 0]


@pytest.mark.parametrize("dimension", [1, 2, 3, 4])
def test_one_loop_mean_square_obeys_the_virial_theorem(dimension):
    # Hand: <w . grad V> = D T gives lambda(<r^4> - v^2 <r^2>) = D T; with <r^2> = v^2 + d and
    # Var(r^2) = 4 v^2 T / (2 lambda v^2) at leading order, lambda v^2 d + 2T = D T: d = (D - 2) T / (lambda v^2).
    loops = one_site_loops(dimension)
    v2 = -m2 / lam
    assert sp.simplify(loops.mean_square.coefficients[0] - v2) == 0
    assert sp.simplify(loops.mean_square.coefficients[1] - (dimension - 2) / (lam * v2)) == 0
    # for V = m^2 r^2/2 + lambda r^4/4, V'' = m^2 + 3 lambda r^2 and V'/r = m^2 + lambda r^2
    for order in (0, 1, 2):
        square = loops.mean_square.coefficients[order]
        assert sp.simplify(loops.sigma_curvature.coefficients[order] - ((m2 if order == 0 else 0) + 3 * lam * square)) == 0
        assert sp.simplify(loops.pi_curvature.coefficients[order] - ((m2 if order == 0 else 0) + lam * square)) == 0


def test_quantum_rule_is_quadratic_in_temperature():
    assert sp.simplify(one_site_loops(3).quantum_rule_shift - 5 * lam * T_site**2 / 12) == 0


def test_residual_after_one_loop_falls_like_the_square_of_the_temperature():
    mass_squared, quartic, dimension = -1.5, 0.7, 3
    loops = one_site_loops(dimension)
    temperatures = (0.005, 0.01, 0.02)
    exact = [radial_moment(lambda w: mass_squared * w**2 / 2 + quartic * w**4 / 4, dimension, t, 2) for t in temperatures]
    values = {m2: mass_squared, lam: quartic}
    tree = float(loops.mean_square.coefficients[0].subs(values))
    one_loop = [float(loops.mean_square.value(1).subs({**values, T_site: t})) for t in temperatures]
    shifts = np.array(exact) - tree
    residuals = np.array(exact) - np.array(one_loop)
    # doubling T doubles the shift (linear, classical) and quadruples the residual
    assert np.allclose(shifts[1:] / shifts[:-1], 2, rtol=0.03)
    assert np.allclose(residuals[1:] / residuals[:-1], 4, rtol=0.05)
    # the residual is the derived T^2 term
    c2 = float(loops.mean_square.coefficients[2].subs(values))
    assert residuals[0] == pytest.approx(c2 * temperatures[0] ** 2, rel=0.03)


def test_the_answer_to_kahn2017_is_built_from_the_derived_shifts():
    question = _thermal_field_theory()
    assert question.label == "thermal field theory for the learning rate"
    assert "linear in T" in question.answer and "5*T**2*lambda/12" in question.answer
    assert sp.Tuple(0, 2 * T_site / sp.Symbol("v", positive=True) ** 2) in [step.result for step in question.steps]


def test_the_series_refuses_a_point_that_is_not_a_minimum():
    with pytest.raises(ValueError, match="not 0"):
        boltzmann_series(r, (r - 1) ** 2, r, 2, T)
    with pytest.raises(ValueError, match="not a non-degenerate minimum"):
        boltzmann_series(r, -((r - 1) ** 2), r, 1, T)
    with pytest.raises(ValueError, match="order must be a non-negative integer"):
        boltzmann_series(r, (r - 1) ** 2, r, 1, T, order=-1)


# --- the chain along the layers -------------------------------------------------------------------

CHAIN = dict(coupling=1.2, mass_squared=-1.5, quartic=0.7)


def hand_chain(temperature, coupling, mass_squared, quartic):
    """One loop written out by hand.

    Radii: the plain chain J(r - r')^2/2 + V(r), s = r - v, third and fourth derivatives 6 lambda v and
    6 lambda, C_l = C_0 exp(-k0 l); Sigma = 3 lambda C_0 + V3 <s> - V3^2/(2T) C_0^2 sum_l exp(-2 k0 |l| + k0 l)
    with <s> = -V3 C_0 / (2 M^2). Directions (D' = 3): rotors of coupling K = J r r'/T, whose
    -ln(coth K - 1/K) = 1/K + 1/(2 K^2) + ..., averaged over <1/(r r')>.
    """
    v2 = -mass_squared / quartic
    v, mass = math.sqrt(v2), -2 * mass_squared
    k0 = math.acosh(1 + mass / (2 * coupling))

    def correlation(lag):
        return integrate.quad(lambda k: temperature * math.cos(k * lag) / (mass + 2 * coupling * (1 - math.cos(k))),
                              -math.pi, math.pi)[0] / (2 * math.pi)

    c0, c1 = correlation(0), correlation(1)
    g3, g4 = 6 * quartic * v, 6 * quartic
    shift = -g3 * c0 / (2 * mass)
    bubble = c0**2 * (1 + 1 / (math.exp(k0) - 1) + 1 / (math.exp(3 * k0) - 1))
    sigma = g4 / 2 * c0 + g3 * shift - g3**2 / (2 * temperature) * bubble
    inverse_bond = (1 - 2 * shift / v + (2 * c0 + c1) / v2) / v2  # <1/(r r')> to second order in s
    pi = temperature / coupling * inverse_bond + temperature**2 / (2 * coupling**2 * v2**2)
    return k0 + sigma / (2 * coupling * math.sinh(k0)), pi


@pytest.fixture(scope="module")
def loops_three():
    return chain_loops(3)


def test_chain_loops_match_the_hand_derivation(loops_three):
    for temperature in (0.01, 0.05):
        derived = loops_three.predict(**CHAIN, temperature=temperature)
        sigma, pi = hand_chain(temperature, **CHAIN)
        assert derived["sigma"][1] == pytest.approx(sigma, rel=1e-10)
        assert derived["pi"][1] == pytest.approx(pi, rel=1e-10)
        spin_wave = temperature * CHAIN["quartic"] / (-CHAIN["mass_squared"] * CHAIN["coupling"])  # (D'-1)T/(2Jv^2)
        assert derived["pi"][0] == pytest.approx(spin_wave, rel=1e-12)


def test_chain_loops_against_the_transfer_operator(loops_three):
    """Doubling T: sigma's residual after one loop grows fourfold (O(T^2)), pi's eightfold (O(T^3))."""
    residuals = []
    for temperature in (0.005, 0.01):
        chain = o_chain_transfer(lambda w: CHAIN["mass_squared"] * w**2 / 2 + CHAIN["quartic"] * w**4 / 4, 3,
                                 CHAIN["coupling"], temperature)
        derived = loops_three.predict(**CHAIN, temperature=temperature)
        residuals.append((1 / chain.radial_correlation_length - derived["sigma"][1],
                          1 / chain.correlation_length - derived["pi"][1]))
    (sigma_low, pi_low), (sigma_high, pi_high) = residuals
    assert sigma_high / sigma_low == pytest.approx(4, rel=0.1)
    assert pi_high / pi_low == pytest.approx(8, rel=0.15)


def test_transfer_operator_keeps_the_radii_at_the_vacuum_at_low_temperature():
    # the quadrature must reach beyond v = sqrt(-m^2/lambda): <|w|^2> -> v^2 as T -> 0
    chain = o_chain_transfer(lambda w: -1.5 * w**2 / 2 + 0.7 * w**4 / 4, 3, 1.2, 0.003)
    assert chain.radii.max() > math.sqrt(1.5 / 0.7) + 0.2
    assert chain.mean_square == pytest.approx(1.5 / 0.7, rel=0.01)


def test_chain_loops_need_directions():
    with pytest.raises(ValueError, match="D' must be an integer >= 2"):
        chain_loops(1)
