"""The mean-field map: closed forms, quadrature, fixed points and slopes against independent formulas."""

import math

import numpy as np
import pytest
import sympy as sp
from scipy import integrate, optimize

from nnfield.numeric.meanfield import mean_field

z = sp.Symbol("z", real=True)


def adaptive_map(phi, sigma_w2, sigma_b2):
    """Independent: scipy's adaptive quadrature of the Gaussian average."""
    def variance_map(q):
        value = integrate.quad(lambda t: phi(math.sqrt(q) * t) ** 2 * math.exp(-t * t / 2), -np.inf, np.inf)[0]
        return sigma_w2 * value / math.sqrt(2 * math.pi) + sigma_b2
    return variance_map


def test_linear_and_relu_closed_forms():
    linear = mean_field(z, z, sigma_w2=0.5, sigma_b2=0.01)
    assert linear.method.startswith("closed form") and linear.expectation == sp.Symbol("q", positive=True)
    assert linear.fixed_point() == pytest.approx(0.01 / 0.5)
    relu = mean_field(sp.Max(z, 0), z, sigma_w2=1.5, sigma_b2=0.01)
    assert relu.fixed_point() == pytest.approx(0.01 / (1 - 0.75))
    assert relu.chi_1() == pytest.approx(0.75)  # sigma_w2 * P(z > 0)


@pytest.mark.parametrize("sigma_w2", [0.5, 1.0, 1.5])
def test_tanh_by_quadrature_matches_adaptive_quadrature(sigma_w2):
    field = mean_field(sp.tanh(z), z, sigma_w2=sigma_w2, sigma_b2=0.001)
    assert field.method.startswith("trapezoidal quadrature")
    reference = adaptive_map(math.tanh, sigma_w2, 0.001)
    for q in (0.01, 0.3, 2.0):
        assert field.variance_map(q) == pytest.approx(reference(q), rel=1e-9)
    q_star = optimize.brentq(lambda q: reference(q) - q, 1e-6, 10)
    assert field.fixed_point() == pytest.approx(q_star, rel=1e-8)


def test_chi_1_and_depth_scale_of_tanh():
    field = mean_field(sp.tanh(z), z, sigma_w2=1.5, sigma_b2=0.001)
    q_star = field.fixed_point()
    expected = 1.5 * integrate.quad(lambda t: (1 - math.tanh(math.sqrt(q_star) * t) ** 2) ** 2
                                    * math.exp(-t * t / 2), -np.inf, np.inf)[0] / math.sqrt(2 * math.pi)
    assert field.chi_1() == pytest.approx(expected, rel=1e-8)
    trajectory = field.trajectory(q_star * 1.001, 12)
    # Near q* the map is linear: the distance to the fixed point shrinks by exp(-1/xi) per layer.
    ratio = (trajectory[10] - q_star) / (trajectory[9] - q_star)
    assert ratio == pytest.approx(math.exp(-1 / field.depth_scale()), rel=1e-3)


def test_bad_inputs():
    with pytest.raises(TypeError, match="SymPy expression"):
        mean_field("tanh", z, sigma_w2=1.0, sigma_b2=0.1)
    with pytest.raises(ValueError, match="depend only on z"):
        mean_field(sp.tanh(z * sp.Symbol("a")), z, sigma_w2=1.0, sigma_b2=0.1)
    with pytest.raises(ValueError, match="sigma_b2 must be a finite number >= 0"):
        mean_field(sp.tanh(z), z, sigma_w2=1.0, sigma_b2=-0.1)
