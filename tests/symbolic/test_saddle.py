import pytest
import sympy as sp

from nnfield.symbolic import lattice_model, stationary_equations, uniform_saddle, uniform_saddles

from .models import a, harmonic_chain, l, log_barrier_chain, p, x


def test_gradient_of_the_total_energy_vanishes_at_the_saddle():
    model = log_barrier_chain()
    saddle = uniform_saddle(model)
    assert saddle.values == (sp.sqrt(a),)
    assert saddle.method == "symbolic"
    # The gradient of the ring energy at site 0: the sum over offsets of the site-energy derivatives.
    gradient = sum(sp.diff(model.energy, model.field_at(0, m)) for m in model.offsets)
    assert sp.simplify(gradient.subs(model.uniform_substitution()).subs(saddle.substitution())) == 0


def test_negative_roots_of_positive_fields_are_dropped():
    saddles = uniform_saddles(log_barrier_chain())
    assert len(saddles) == 1 and saddles[0].values[0].is_positive


def test_existence_condition_of_a_square_root_saddle():
    w = sp.Symbol("w", positive=True)
    model = lattice_model((1 - w) * p[l] ** 2 / 2 - a * sp.log(p[l]), [p], l)
    saddle = uniform_saddle(model)
    assert saddle.existence == (w < 1,)
    assert sp.simplify(saddle.values[0] ** 2 - a / (1 - w)) == 0


def test_numeric_fallback_is_reported():
    # Stationary equation x - exp(-a x) = 0 (Lambert W): solved numerically at given parameters.
    energy = x[l] ** 2 / 2 + sp.exp(-a * x[l]) / a + (x[l] - x[l - 1]) ** 2
    model = lattice_model(energy, [x], l)
    saddle = uniform_saddle(model, parameters={a: 2}, guess=(0.5,), method="numeric")
    assert saddle.method == "numeric"
    value = float(saddle.values[0])
    assert abs(value - float(sp.exp(-2 * value))) < 1e-12


def test_numeric_method_needs_parameters():
    with pytest.raises(ValueError, match="needs parameters"):
        uniform_saddles(harmonic_chain(), method="numeric")
    with pytest.raises(ValueError, match="method must be"):
        uniform_saddles(harmonic_chain(), method="guess")


def test_no_saddle_is_a_clear_error():
    model = lattice_model(x[l] + (x[l] - x[l - 1]) ** 2, [x], l)
    with pytest.raises(ValueError, match="no uniform saddle found"):
        uniform_saddles(model)


def test_several_saddles_must_be_chosen():
    model = lattice_model((x[l] ** 2 - 1) ** 2 + (x[l] - x[l - 1]) ** 2, [x], l)
    with pytest.raises(ValueError, match="3 admissible uniform saddles"):
        uniform_saddle(model)
    assert len(stationary_equations(model)) == 1
