"""Classical loop expansion of one O(D') multiplet: the engine's series against exact laws derived
here, against the virial theorem, and against exact quadrature as T -> 0."""

import math

import numpy as np
import pytest
import sympy as sp

from nnfield.derivations.fok2017.one_loop import T_site, one_site_loops
from nnfield.derivations.fok2017.symbols import lam, m2
from nnfield.derivations.kahn2017.answers import _thermal_field_theory
from nnfield.numeric.boltzmann import radial_moment
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
    assert question.steps[-1].result == sp.Tuple(0, 2 * T_site / sp.Symbol("v", positive=True) ** 2)


def test_the_series_refuses_a_point_that_is_not_a_minimum():
    with pytest.raises(ValueError, match="not 0"):
        boltzmann_series(r, (r - 1) ** 2, r, 2, T)
    with pytest.raises(ValueError, match="not a non-degenerate minimum"):
        boltzmann_series(r, -((r - 1) ** 2), r, 1, T)
    with pytest.raises(ValueError, match="order must be a non-negative integer"):
        boltzmann_series(r, (r - 1) ** 2, r, 1, T, order=-1)
