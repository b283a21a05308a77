"""Activations: closed forms against hand-derived kernels, quadrature against scipy, averages against Monte Carlo."""

import math

import numpy as np
import pytest
import sympy as sp
from scipy import integrate, special

from nnfield.numeric.activations import ACTIVATIONS, ERF, LINEAR, RELU, SOFTPLUS, TANH, activation

x = sp.Symbol("x", real=True)


def _sigmoid(t):
    return special.expit(t)


# Written here by hand, independently of the SymPy expressions: (phi, phi') in NumPy.
HAND = {
    "relu": (lambda t: np.maximum(t, 0.0), lambda t: (t > 0).astype(float)),
    "tanh": (np.tanh, lambda t: 1 - np.tanh(t) ** 2),
    "erf": (special.erf, lambda t: 2 / math.sqrt(math.pi) * np.exp(-t * t)),
    "linear": (lambda t: t, lambda t: np.ones_like(t)),
    "sigmoid": (_sigmoid, lambda t: _sigmoid(t) * _sigmoid(-t)),
    "softplus": (lambda t: np.logaddexp(0.0, t), _sigmoid),
    "gelu": (lambda t: t * special.ndtr(t), lambda t: special.ndtr(t) + t * np.exp(-t * t / 2) / math.sqrt(2 * math.pi)),
    "swish": (lambda t: t * _sigmoid(t), lambda t: _sigmoid(t) + t * _sigmoid(t) * _sigmoid(-t)),
}


def arccos_kernels(a, b, c):
    """ReLU by hand (Cho & Saul's arc-cosine kernels of degree 1 and 0), angle theta = arccos(b/sqrt(ac))."""
    theta = np.arccos(np.clip(b / np.sqrt(a * c), -1, 1))
    value = np.sqrt(a * c) / (2 * np.pi) * (np.sin(theta) + (np.pi - theta) * np.cos(theta))
    return value, (np.pi - theta) / (2 * np.pi)


def arcsin_kernels(a, b, c):
    """erf by hand (Williams 1997): E[erf u erf v] and E[erf' u erf' v]."""
    value = 2 / np.pi * np.arcsin(2 * b / np.sqrt((1 + 2 * a) * (1 + 2 * c)))
    return value, 4 / np.pi / np.sqrt((1 + 2 * a) * (1 + 2 * c) - 4 * b * b)


COVARIANCES = [(1.0, 0.3, 2.0), (0.5, -0.49, 0.5), (3.0, 2.9, 3.0), (0.2, 0.0, 4.0), (1.0, 1.0, 1.0)]


@pytest.mark.parametrize("name, hand", [("relu", arccos_kernels), ("erf", arcsin_kernels)])
def test_closed_form_kernels_against_hand_derived(name, hand):
    chosen = ACTIVATIONS[name]
    assert chosen.kernel.method.startswith("closed form") and chosen.derivative_kernel.method.startswith("closed form")
    a, b, c = np.array(COVARIANCES).T
    value, slope = hand(a, b, c)
    np.testing.assert_allclose(chosen.kernel(a, b, c), value, rtol=1e-12, atol=1e-14)
    interior = np.abs(b) < np.sqrt(a * c)  # the derivative kernel of erf is finite at c = 1; ReLU's step too
    np.testing.assert_allclose(chosen.derivative_kernel(a, b, c)[interior], slope[interior], rtol=1e-12)


def test_linear_and_polynomial_closed_forms():
    assert LINEAR.kernel.expression == sp.Symbol("q12", real=True)
    cube = activation(x**3, x, name="cube")
    # Isserlis (Wick): E[u^3 v^3] = 9 q11 q22 q12 + 6 q12^3.
    assert cube.kernel(2.0, 0.5, 3.0) == pytest.approx(9 * 2 * 3 * 0.5 + 6 * 0.5**3, rel=1e-14)


def one_input_reference(function, variance):
    """Independent: adaptive quadrature of E[function(sqrt(q) z)], split at 0."""
    total = sum(integrate.quad(lambda t: function(math.sqrt(variance) * t) * math.exp(-t * t / 2), lower, upper,
                               epsabs=1e-15, epsrel=1e-12, limit=200)[0] for lower, upper in ((-np.inf, 0), (0, np.inf)))
    return total / math.sqrt(2 * math.pi)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_one_input_averages_against_adaptive_quadrature(name):
    phi, slope = HAND[name]
    chosen = ACTIVATIONS[name]
    for variance in (1e-4, 0.7, 6.0):
        assert chosen.second_moment(variance) == pytest.approx(
            one_input_reference(lambda t: float(phi(np.array(t))) ** 2, variance), rel=1e-9, abs=1e-15)
        assert chosen.slope_moment(variance) == pytest.approx(
            one_input_reference(lambda t: float(slope(np.array(t))) ** 2, variance), rel=1e-9, abs=1e-15)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_pair_invariants(name):
    """At q12 = 0 the average factorises; at q12 = sqrt(q11 q22) = q it is the one-input average."""
    phi, _ = HAND[name]
    chosen = ACTIVATIONS[name]
    mean_1, mean_2 = (one_input_reference(lambda t: float(phi(np.array(t))), v) for v in (0.5, 2.0))
    assert chosen.kernel(0.5, 0.0, 2.0) == pytest.approx(mean_1 * mean_2, rel=1e-9, abs=1e-14)
    assert chosen.kernel(1.3, 1.3, 1.3) == pytest.approx(chosen.second_moment(1.3), rel=1e-10)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_pair_averages_against_monte_carlo(name):
    phi, slope = HAND[name]
    chosen = ACTIVATIONS[name]
    generator = np.random.default_rng(sorted(ACTIVATIONS).index(name))
    samples = 200_000
    for a, b, c in [(1.0, 0.6, 2.0), (2.5, -1.0, 0.8)]:
        u, v = generator.multivariate_normal([0, 0], [[a, b], [b, c]], size=samples).T
        for average, f in ((chosen.kernel, phi), (chosen.derivative_kernel, slope)):
            values = f(u) * f(v)
            error = values.std(ddof=1) / math.sqrt(samples)
            # 4.5 standard errors: a false alarm in about 1e-5 of the 32 comparisons' draws.
            assert abs(average(a, b, c) - values.mean()) <= 4.5 * error + 1e-12


def test_numeric_functions_do_not_overflow():
    with np.errstate(all="raise"):
        assert SOFTPLUS.function(np.array([800.0, -800.0])) == pytest.approx([800.0, 0.0])
        sigmoid = ACTIVATIONS["sigmoid"]
        assert np.all(np.isfinite(sigmoid.derivative(np.array([-800.0, 0.0, 800.0]))))
        assert ACTIVATIONS["swish"].second_derivative(np.array([-800.0]))[0] == pytest.approx(0.0)
    np.testing.assert_array_equal(RELU.second_derivative(np.array([-1.0, 1.0])), [0.0, 0.0])


def test_exponential_activation_average_is_stable():
    exponential = activation(sp.exp(x), x, name="exp")
    for variance in (0.5, 4.0, 50.0):  # E[exp(sqrt(q) z)^2] = exp(2q)
        assert exponential.second_moment(variance) == pytest.approx(math.exp(2 * variance), rel=1e-10)
    assert exponential.kernel(1.0, 0.5, 2.0) == pytest.approx(math.exp((1.0 + 2 * 0.5 + 2.0) / 2), rel=1e-10)


def test_infinite_average_is_refused():
    explosive = activation(sp.exp(x**2 / 2), x, name="explosive")
    assert explosive.average(sp.exp(x**2 / 2))(0.5) == pytest.approx(1 / math.sqrt(1 - 0.5), rel=1e-9)
    with pytest.raises(ValueError, match="infinite"):
        explosive.second_moment(1.0)


def test_gates_and_bad_inputs():
    assert RELU.gate == sp.Heaviside(RELU.variable) and LINEAR.gate == 1 and TANH.gate is None
    with pytest.raises(TypeError, match="SymPy expression"):
        activation("tanh", x)
    with pytest.raises(TypeError, match="Symbol"):
        activation(sp.tanh(x), "x")
    with pytest.raises(ValueError, match="depend only on x"):
        activation(sp.tanh(sp.Symbol("a") * x), x)
    with pytest.raises(ValueError, match="gate"):
        activation(sp.tanh(x), x, gate=sp.Heaviside(x))
    with pytest.raises(ValueError, match="not a covariance"):
        ERF.kernel(1.0, 2.0, 1.0)
    with pytest.raises(ValueError, match=">= 0"):
        TANH.second_moment(-1.0)
