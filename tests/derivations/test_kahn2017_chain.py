"""fok2017's weights along the layers (layer_chain) and kahn2017's questions, against hand derivations."""

import math

import numpy as np
import pytest
import sympy as sp

from nnfield.derivations.fok2017 import layer_chain
from nnfield.derivations.kahn2017 import audit_checks, questions
from nnfield.derivations.kahn2017.answers import rotation_defects
from nnfield.numeric.transfer import o_chain_transfer


@pytest.mark.parametrize("dimension", [2, 3])
def test_gaussian_predictions_by_hand(dimension):
    # Hand derivation: about |w| = v, K_sigma = 2J(1-cos q) - 2m^2, K_pi = 2J(1-cos q), xi_sigma = sqrt(J/(-2m^2)).
    prediction = layer_chain(dimension).predict(coupling=1.5, mass_squared=-0.8, quartic=0.4, temperature=0.05)
    q = np.linspace(0.1, 3, 7)
    assert np.allclose(prediction.sigma_mode_covariance(q), 0.05 / (3 * (1 - np.cos(q)) + 1.6))
    assert np.allclose(prediction.pi_mode_covariance(q), 0.05 / (3 * (1 - np.cos(q))))
    assert prediction.vacuum_radius == pytest.approx(math.sqrt(2))
    assert prediction.sigma_correlation_length == pytest.approx(math.sqrt(1.5 / 1.6))
    assert prediction.spin_wave_correlation_length == pytest.approx(2 * 1.5 * 2 / ((dimension - 1) * 0.05))


def test_spin_wave_length_is_the_low_temperature_limit_of_the_exact_one():
    prediction = layer_chain(2).predict(coupling=1.0, mass_squared=-1.0, quartic=0.5, temperature=0.02)
    exact = o_chain_transfer(lambda r: -r**2 / 2 + 0.5 * r**4 / 4, 2, 1.0, 0.02, points=480)
    assert exact.correlation_length == pytest.approx(prediction.spin_wave_correlation_length, rel=0.05)


def test_layer_chain_refuses_the_symmetric_phase():
    with pytest.raises(ValueError, match="mass_squared must be negative"):
        layer_chain(2).predict(coupling=1.0, mass_squared=0.5, quartic=0.5, temperature=0.1)
    with pytest.raises(ValueError, match="D' must be a positive integer"):
        layer_chain(0)


def test_rotation_defects():
    assert rotation_defects("linear") == (0, 0, 0)
    assert all(abs(d) > 1e-3 for d in rotation_defects("tanh"))
    assert any(abs(d) > 1e-3 for d in rotation_defects("relu"))
    assert all(abs(d) > 1e-3 for d in rotation_defects("gelu"))  # any shipped activation
    with pytest.raises(ValueError, match="activation must be the name of one of relu, tanh"):
        rotation_defects("step")


def test_questions_are_answered_from_derived_results():
    answered = {question.label: question for question in questions()}
    power = answered["learning rate as temperature"]
    D = sp.Symbol("D", positive=True)
    assert sp.simplify(power.steps[1].result - (D - 2) / 2) == 0
    assert "1 only in D = 4" in power.answer
    critical = answered["critical learning rate"].steps[0].result
    mu, lam = sp.symbols("mu lambda", positive=True)
    assert sp.simplify(critical[2] ** 2 - 12 * mu**2 / (5 * lam)) == 0  # D' = 3: c = 5/12
    assert all(question.checks or question.label.startswith("which") for question in answered.values())
    names = {check.name for check in audit_checks()}
    assert all(set(question.checks) <= names for question in answered.values())  # every cited check exists
