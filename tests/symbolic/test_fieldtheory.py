"""Continuum field theories: equations of motion, vacua, Goldstone counting, thermal masses, power counting."""

import numpy as np
import pytest
import sympy as sp
from scipy import optimize

from nnfield.symbolic.fieldtheory import (
    critical_temperature,
    equations_of_motion,
    mass_dimensions,
    orthogonal_generators,
    scalar_field_theory,
    symmetry_breaking,
    thermal_mass,
    vacuum_manifold,
)

t, z = sp.symbols("t z", real=True)
mu, lam, m = sp.symbols("mu lambda m", positive=True)


def o_model(dimension):
    fields = [sp.Function(f"phi{a}")(t, z) for a in range(dimension)]
    squared = sum(f**2 for f in fields)
    kinetic = sum(f.diff(t) ** 2 - f.diff(z) ** 2 for f in fields) / 2
    theory = scalar_field_theory(kinetic + mu**2 * squared / 2 - lam * squared**2 / 4, fields, [t, z])
    return theory


def test_klein_gordon_when_the_quartic_coupling_vanishes():
    theory = o_model(1)
    (equation,) = equations_of_motion(theory)
    field = theory.fields[0]
    expected = -field.diff(t, 2) + field.diff(z, 2) + mu**2 * field - lam * field**3
    assert sp.simplify(equation.lhs - expected) == 0
    assert sp.simplify(equation.lhs.subs(lam, 0) - (-field.diff(t, 2) + field.diff(z, 2) + mu**2 * field)) == 0


@pytest.mark.parametrize("dimension", [1, 2, 3, 4])
def test_goldstone_count_equals_broken_generators(dimension):
    theory = o_model(dimension)
    potential = theory.potential()
    vacuum = vacuum_manifold(potential, theory.values)
    assert sp.simplify(vacuum.radius_squared - mu**2 / lam) == 0
    point = [0] * (dimension - 1) + [mu / sp.sqrt(lam)]
    result = symmetry_breaking(potential, theory.values, point, orthogonal_generators(dimension))
    assert result.broken_generator_count == dimension - 1
    assert result.unbroken_dimension == (dimension - 1) * (dimension - 2) // 2  # O(D-1)
    assert result.goldstone_count == dimension - 1 and result.goldstone_theorem_holds
    assert result.mass_spectrum.get(2 * mu**2) == 1  # the radial (sigma) mode


@pytest.mark.parametrize("dimension", [2, 3, 5])
def test_numerical_minimisation_finds_the_predicted_zero_modes(dimension):
    rng = np.random.default_rng(dimension)
    values = {mu: 1.3, lam: 0.7}
    theory = o_model(dimension)
    potential = sp.lambdify([theory.values], theory.potential().subs(values), "numpy")
    hessian = sp.lambdify([theory.values], sp.hessian(theory.potential(), theory.values).subs(values), "numpy")
    for _ in range(3):
        found = optimize.minimize(potential, rng.normal(size=dimension), method="BFGS", options={"gtol": 1e-12})
        eigenvalues = np.sort(np.linalg.eigvalsh(np.array(hessian(found.x), dtype=float)))
        assert np.sum(np.abs(eigenvalues) < 1e-6) == dimension - 1
        assert eigenvalues[-1] == pytest.approx(2 * 1.3**2, rel=1e-6)


def test_a_point_that_is_not_stationary_is_refused():
    theory = o_model(2)
    with pytest.raises(ValueError, match="not a stationary point"):
        symmetry_breaking(theory.potential(), theory.values, [0, 1], orthogonal_generators(2))


def test_thermal_mass_of_the_o_model():
    """For V = lambda (phi.phi)^2/4 in D fields, the trace formula gives delta m^2 = lambda T^2 (D + 2)/12."""
    T = sp.Symbol("T", positive=True)
    for dimension in (1, 2, 3):
        theory = o_model(dimension)
        correction = thermal_mass(theory.potential(), theory.values, T, spacetime_dimension=4, statistics="quantum")
        assert correction == sp.eye(dimension) * lam * T**2 * (dimension + 2) / 12
        (critical,) = critical_temperature(theory.potential(), theory.values, T, spacetime_dimension=4,
                                           statistics="quantum")
        assert sp.simplify(critical**2 - 12 * mu**2 / (lam * (dimension + 2))) == 0


@pytest.mark.parametrize("setting", [dict(spacetime_dimension=2, statistics="quantum"),
                                     dict(spacetime_dimension=4, statistics="classical")])
def test_thermal_mass_refuses_settings_where_its_coefficient_does_not_hold(setting):
    theory = o_model(1)
    with pytest.raises(ValueError, match="3\\+1 dimensions"):
        thermal_mass(theory.potential(), theory.values, sp.Symbol("T", positive=True), **setting)


def test_power_counting_in_four_and_two_dimensions():
    phi = sp.Function("phi")(t, z)
    g = sp.Symbol("g", positive=True)
    lagrangian = phi.diff(t) ** 2 / 2 - m**2 * phi**2 / 2 - lam * phi**4 / 4 - g * phi**6
    four = mass_dimensions(lagrangian, [phi], [m, lam, g], 4)
    assert four == {phi: 1, m: 1, lam: 0, g: -2}
    two = mass_dimensions(lagrangian, [phi], [m, lam, g], 2)
    assert two == {phi: 0, m: 1, lam: 2, g: 2}


def test_bad_theories():
    phi = sp.Function("phi")(t)
    with pytest.raises(ValueError, match="undefined function of"):
        scalar_field_theory(phi**2, [phi], [t, z])
    other = sp.Function("chi")(t, z)
    with pytest.raises(ValueError, match="not in the multiplet"):
        scalar_field_theory(other**2, [sp.Function("phi")(t, z)], [t, z])
    with pytest.raises(ValueError, match="positive integer"):
        orthogonal_generators(0)


def test_propagators_against_numerical_fourier_integrals():
    from scipy import integrate

    from nnfield.symbolic.fieldtheory import propagator

    omega, k, time = sp.symbols("omega k t", real=True)
    result = propagator(m**2, omega, k, time)
    values = {m: 0.8, k: 0.6, time: 1.7}
    energy = float(result.energy.subs(values))
    # Euclidean: int dw/(2 pi) cos(w tau)/(w^2 + E^2), by QAWF on [0, inf) (even integrand).
    numeric = integrate.quad(lambda w: 1 / (w * w + energy**2), 0, np.inf, weight="cos", wvar=1.7)[0] / np.pi
    assert numeric == pytest.approx(float(result.euclidean.subs(values)), rel=1e-8)
    # Feynman: int dw/(2 pi) exp(-i w t)/(w^2 - E^2 + i eps); the small eps damps by exp(-eps t/(2E)).
    eps = 1e-3

    def part(function):
        return integrate.quad(lambda w: function(np.exp(-1j * w * 1.7) / (w * w - energy**2 + 1j * eps)),
                              -400, 400, limit=4000, points=[-energy, energy])[0] / (2 * np.pi)

    numeric = part(np.real) + 1j * part(np.imag)
    expected = complex(result.time_momentum.subs(values).evalf()) * np.exp(-eps * 1.7 / (2 * energy))
    assert abs(numeric - expected) < 5e-3 * abs(expected)
    # The opposite sign of i (the form printed in some references) is far off.
    assert abs(numeric + expected) > 0.5 * abs(expected)
